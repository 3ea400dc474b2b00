/*
 * ical.c: the one wrapper around libical. An iCalendar file becomes a flat list of event
 * instances, each in the wall-clock time of its event's time zone: recurrences expanded
 * (RRULE, RDATE, EXDATE), overridden instances (RECURRENCE-ID) put in place of the ones they
 * replace, cancellations stamped from LAST-MODIFIED. libical does not keep line numbers, so
 * the file is scanned once for its BEGIN/END lines and each component is given the line of
 * its BEGIN; its parse problems (X-LIC-ERROR properties) become errors at that line.
 */
#include <ctype.h>
#include <libical/ical.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "icaltext.h"
#include "modules.h"

/* Instances per file; an RRULE that makes more is an error, not a hang. */
#define MAX_INST 100000

struct ical {
	struct ical_inst *v;
	size_t n, cap;
};

/* What reading one file needs. */
struct ctx {
	const char *file;
	struct icaltext t;      /* the text and its components in BEGIN order */
	size_t next;            /* the component to match next */
	const struct ical_opts *o;
	struct ical *c;
	icalcomponent *vcal;    /* the calendar being read */
	icaltimezone *defzone;  /* for UTC times: --timezone or X-WR-TIMEZONE; NULL: TZ */
	struct terr *e;
};

/* An event's wall-clock frame: times are shown in zone (NULL: as written, or in TZ). */
struct frame {
	icaltimezone *zone;
};

/* The BEGIN line of the next component named name, in document order. */
static const struct cpos *
match_pos(struct ctx *x, const char *name)
{
	for (size_t k = x->next; k < x->t.npos; k++)
		if (strcasecmp(x->t.pos[k].name, name) == 0) {
			x->next = k + 1;
			return &x->t.pos[k];
		}
	return x->t.npos ? &x->t.pos[x->t.npos - 1] : NULL;
}

static const char *
tzid_of(icalproperty *p)
{
	icalparameter *q = icalproperty_get_first_parameter(p, ICAL_TZID_PARAMETER);

	return q ? icalparameter_get_tzid(q) : NULL;
}

/* A TZID: the calendar's VTIMEZONE, else a zone of the system's time zone database. */
static icaltimezone *
find_zone(struct ctx *x, const char *tzid)
{
	icaltimezone *z = icalcomponent_get_timezone(x->vcal, tzid);

	if (!z && strlen(tzid) < 64 && !strstr(tzid, ".."))
		z = icaltimezone_get_builtin_timezone(tzid);
	return z;
}

/*
 * A date-time property's value and the zone it is written in (*zone NULL: floating).
 * Returns -1 with an error for an unknown TZID.
 */
static int
prop_time(struct ctx *x, const struct cpos *cp, icalproperty *p, const char *pname,
	  struct icaltimetype *t, icaltimezone **zone)
{
	icalvalue *v = icalproperty_get_value(p);
	const char *tzid;

	if (!v) {
		terr_set(x->e, x->file, icaltext_prop_line(&x->t, cp, pname), "%s without a value", pname);
		return -1;
	}
	if (icalvalue_isa(v) == ICAL_DATETIMEPERIOD_VALUE) {
		struct icaldatetimeperiodtype dp = icalvalue_get_datetimeperiod(v);

		*t = icaltime_is_null_time(dp.time) ? dp.period.start : dp.time;
	} else if (icalvalue_isa(v) == ICAL_DATETIME_VALUE || icalvalue_isa(v) == ICAL_DATE_VALUE) {
		*t = icalvalue_get_datetime(v);
	} else {
		terr_set(x->e, x->file, icaltext_prop_line(&x->t, cp, pname), "%s is not a date or date-time",
			 pname);
		return -1;
	}
	if (icaltime_is_null_time(*t) || !icaltime_is_valid_time(*t) ||
	    !date_valid_ymd(t->year, t->month, t->day) || t->hour > 23 || t->minute > 59 ||
	    t->second > 60) {
		terr_set(x->e, x->file, icaltext_prop_line(&x->t, cp, pname), "%s: bad date-time", pname);
		return -1;
	}
	*zone = NULL;
	if (icaltime_is_utc(*t))
		*zone = icaltimezone_get_utc_timezone();
	else if ((tzid = tzid_of(p)) && !t->is_date && !(*zone = find_zone(x, tzid))) {
		terr_set(x->e, x->file, icaltext_prop_line(&x->t, cp, pname), "unknown TZID: %.80s", tzid);
		return -1;
	}
	return 0;
}

/* t (written in zone from) as wall-clock time in the event's frame f. */
static struct icaltimetype
to_frame(struct icaltimetype t, icaltimezone *from, const struct frame *f)
{
	time_t tt;
	struct tm tm;

	if (!from || t.is_date)
		return t;
	tt = icaltime_as_timet_with_zone(t, from);
	if (f->zone)
		return icaltime_from_timet_with_zone(tt, 0, f->zone);
	if (!localtime_r(&tt, &tm))
		return t;
	t.year = tm.tm_year + 1900;
	t.month = tm.tm_mon + 1;
	t.day = tm.tm_mday;
	t.hour = tm.tm_hour;
	t.minute = tm.tm_min;
	t.second = tm.tm_sec;
	t.zone = NULL;
	return t;
}

static char *
dup_or_null(const char *s)
{
	return s && *s ? xstrdup(s) : NULL;
}

/* The fields of an event that instances share (the overrides have their own). */
struct evinfo {
	icalcomponent *ev;
	const struct cpos *cp;
	const char *uid;
	struct frame f;
	struct icaltimetype start;  /* in the event's frame */
	icaltimezone *szone;        /* the zone DTSTART is written in */
	long minutes;
	bool cancelled;
	long long cancelled_at;
	bool subdaily;              /* the rule repeats within a day: keys carry the time */
	/*
	 * Properties collected once: a component has one property iterator, which any lookup
	 * (a summary, a status) moves, so nothing may iterate while another loop does.
	 */
	icalproperty **rrule, **rdate, **exdate, **att;
	size_t nrrule, nrdate, nexdate, natt;
	const char *summary, *description, *location;
};

static icalproperty **
props_of(icalcomponent *c, icalproperty_kind k, size_t *n)
{
	icalproperty **v = NULL, *p;
	size_t cap = 0;

	*n = 0;
	for (p = icalcomponent_get_first_property(c, k); p;
	     p = icalcomponent_get_next_property(c, k)) {
		if (*n == cap) {
			cap = cap ? cap * 2 : 4;
			v = xrealloc(v, cap * sizeof *v);
		}
		v[(*n)++] = p;
	}
	return v;
}

static void
info_free(struct evinfo *in)
{
	free(in->rrule);
	free(in->rdate);
	free(in->exdate);
	free(in->att);
}

/* An event's own frame, start, length and cancellation. */
static int
event_info(struct ctx *x, icalcomponent *ev, const struct cpos *cp, struct evinfo *in)
{
	icalproperty *p;
	struct icaltimetype end;
	icaltimezone *ezone;

	memset(in, 0, sizeof *in);
	in->ev = ev;
	in->cp = cp;
	in->cancelled_at = -1;
	in->rrule = props_of(ev, ICAL_RRULE_PROPERTY, &in->nrrule);
	in->rdate = props_of(ev, ICAL_RDATE_PROPERTY, &in->nrdate);
	in->exdate = props_of(ev, ICAL_EXDATE_PROPERTY, &in->nexdate);
	in->att = props_of(ev, ICAL_ATTENDEE_PROPERTY, &in->natt);
	in->summary = icalcomponent_get_summary(ev);
	in->description = icalcomponent_get_description(ev);
	in->location = icalcomponent_get_location(ev);
	if (!(in->uid = icalcomponent_get_uid(ev)) || !*in->uid) {
		terr_set(x->e, x->file, cp ? cp->line : 1, "event without a UID");
		return -1;
	}
	if (!(p = icalcomponent_get_first_property(ev, ICAL_DTSTART_PROPERTY))) {
		terr_set(x->e, x->file, cp ? cp->line : 1, "event without DTSTART");
		return -1;
	}
	if (prop_time(x, cp, p, "DTSTART", &in->start, &in->szone) < 0)
		return -1;
	if (in->start.is_date)
		return 0;  /* all-day: not a session */
	in->f.zone = in->szone;
	if (in->szone == icaltimezone_get_utc_timezone())
		in->f.zone = x->defzone;
	in->start = to_frame(in->start, in->szone, &in->f);
	in->minutes = 60;
	if ((p = icalcomponent_get_first_property(ev, ICAL_DTEND_PROPERTY))) {
		if (prop_time(x, cp, p, "DTEND", &end, &ezone) < 0)
			return -1;
		if (!end.is_date) {
			icaltimezone *u = icaltimezone_get_utc_timezone();
			struct icaltimetype s0 = in->start, e0 = to_frame(end, ezone, &in->f);
			time_t a = icaltime_as_timet_with_zone(s0, in->f.zone ? in->f.zone : u);
			time_t b = icaltime_as_timet_with_zone(e0, in->f.zone ? in->f.zone : u);

			in->minutes = (long)((b - a) / 60);
		}
	} else if ((p = icalcomponent_get_first_property(ev, ICAL_DURATION_PROPERTY))) {
		in->minutes = icaldurationtype_as_int(icalproperty_get_duration(p)) / 60;
	}
	if (in->minutes <= 0 || in->minutes > 24 * 60) {
		terr_set(x->e, x->file, icaltext_prop_line(&x->t, cp, "DTEND"),
			 "event length of %ld minutes (1 minute to 24 hours)", in->minutes);
		return -1;
	}
	if (icalcomponent_get_status(ev) == ICAL_STATUS_CANCELLED) {
		struct icaltimetype m;
		icaltimezone *mz;
		const char *pn = "LAST-MODIFIED";

		in->cancelled = true;
		if (!(p = icalcomponent_get_first_property(ev, ICAL_LASTMODIFIED_PROPERTY))) {
			p = icalcomponent_get_first_property(ev, ICAL_DTSTAMP_PROPERTY);
			pn = "DTSTAMP";
		}
		if (!p) {
			terr_set(x->e, x->file, cp ? cp->line : 1,
				 "cancelled event without LAST-MODIFIED (when did it arrive?)");
			return -1;
		}
		if (prop_time(x, cp, p, pn, &m, &mz) < 0)
			return -1;
		in->cancelled_at = icaltext_stamp(to_frame(m, mz, &in->f));
	}
	return 0;
}

/* Adds one instance at start (in the event's frame), keyed by its original date. */
static int
add_inst(struct ctx *x, const struct evinfo *in, struct icaltimetype start,
	 struct icaltimetype orig)
{
	struct ical *c = x->c;
	struct ical_inst *v;
	char key[32];

	if (icaltext_date(start) == DATE_NONE || icaltext_date(orig) == DATE_NONE)
		return 0;
	if (x->o->until != DATE_NONE && icaltext_date(start) > x->o->until)
		return 0;
	if (c->n >= MAX_INST) {
		terr_set(x->e, x->file, in->cp ? in->cp->line : 1,
			 "more than %d event instances in one file", MAX_INST);
		return -1;
	}
	if (c->n == c->cap) {
		c->cap = c->cap ? c->cap * 2 : 64;
		c->v = xrealloc(c->v, c->cap * sizeof *c->v);
	}
	v = memset(&c->v[c->n++], 0, sizeof *v);
	if (in->subdaily)
		snprintf(key, sizeof key, "/%04d-%02d-%02dT%02d:%02d", orig.year, orig.month,
			 orig.day, orig.hour, orig.minute);
	else
		snprintf(key, sizeof key, "/%04d-%02d-%02d", orig.year, orig.month, orig.day);
	v->uid = icaltext_uid_escape(in->uid, key);
	v->date = icaltext_date(start);
	v->time = start.hour * 60 + start.minute;
	v->minutes = in->minutes;
	v->cancelled = in->cancelled;
	v->cancelled_at = in->cancelled_at;
	v->summary = dup_or_null(in->summary);
	v->description = dup_or_null(in->description);
	v->location = dup_or_null(in->location);
	for (size_t k = 0; k < in->natt; k++) {
		const char *a = icalproperty_get_attendee(in->att[k]);

		if (!a)
			continue;
		if (strncasecmp(a, "mailto:", 7) == 0)
			a += 7;
		v->attendees = xrealloc(v->attendees, (v->natt + 1) * sizeof *v->attendees);
		v->attendees[v->natt++] = xstrdup(a);
	}
	v->file = x->file;
	v->line = in->cp ? in->cp->line : 1;
	return 0;
}

/* The overrides of a series: their RECURRENCE-ID in the series' frame. */
struct override {
	icalcomponent *ev;
	const struct cpos *cp;
	struct icaltimetype rid;
};

static bool
excluded(struct ctx *x, const struct evinfo *in, struct icaltimetype t)
{
	for (size_t k = 0; k < in->nexdate; k++) {
		struct icaltimetype d;
		icaltimezone *z;

		if (prop_time(x, in->cp, in->exdate[k], "EXDATE", &d, &z) < 0)
			return false;  /* reported by the check in expand() */
		if (d.is_date ? d.year == t.year && d.month == t.month && d.day == t.day :
				icaltext_same_minute(to_frame(d, z, &in->f), t))
			return true;
	}
	return false;
}

/* One instance of a series: skipped when excluded, replaced when overridden. */
static int
instance(struct ctx *x, const struct evinfo *in, struct icaltimetype t, struct override *ov,
	 size_t nov)
{
	if (excluded(x, in, t))
		return 0;
	for (size_t k = 0; k < nov; k++)
		if (icaltext_same_minute(ov[k].rid, t))
			return 0;  /* written from the override itself */
	return add_inst(x, in, t, t);
}

/* One RRULE's instances, up to stop. */
static int
expand_rule(struct ctx *x, struct evinfo *in, icalproperty *p, tdate stop, bool raw,
	    struct override *ov, size_t nov)
{
	struct icalrecurrencetype r = icalproperty_get_rrule(p);
	long line = icaltext_prop_line(&x->t, in->cp, "RRULE");
	struct icaltimetype s0 = in->start, t;
	icalrecur_iterator *ri;
	int rv = 0;

	if (r.freq == ICAL_NO_RECURRENCE) {
		terr_set(x->e, x->file, line, "bad RRULE");
		return -1;
	}
	if (r.count == 0 && icaltime_is_null_time(r.until) && x->o->until == DATE_NONE) {
		terr_set(x->e, x->file, line,
			 "a recurrence without end (no COUNT or UNTIL): give --until DATE");
		return -1;
	}
	in->subdaily = r.freq == ICAL_HOURLY_RECURRENCE || r.freq == ICAL_MINUTELY_RECURRENCE ||
		       r.freq == ICAL_SECONDLY_RECURRENCE;
	/* The rule runs in the zone DTSTART is written in (UTC stays UTC). */
	if (raw)
		s0 = icalproperty_get_dtstart(icalcomponent_get_first_property(in->ev,
									      ICAL_DTSTART_PROPERTY));
	if (!(ri = icalrecur_iterator_new(r, s0))) {
		terr_set(x->e, x->file, line, "bad RRULE");
		return -1;
	}
	for (long n = 0; rv == 0 && !icaltime_is_null_time(t = icalrecur_iterator_next(ri)); n++) {
		struct icaltimetype w = raw ? to_frame(t, in->szone, &in->f) : t;

		if (n > MAX_INST || x->c->n >= MAX_INST) {
			terr_set(x->e, x->file, line, "more than %d instances", MAX_INST);
			rv = -1;
		} else if (stop != DATE_NONE && icaltext_date(w) > stop)
			break;
		else
			rv = instance(x, in, w, ov, nov);
	}
	icalrecur_iterator_free(ri);
	return rv;
}

/* A series: its rules, extra dates and overrides, each instance once. */
static int
expand(struct ctx *x, icalcomponent *ev, const struct cpos *cp, struct override *ov, size_t nov)
{
	struct evinfo in, oi;
	struct icaltimetype t;
	icaltimezone *z;
	tdate stop = x->o->stop;
	bool raw;
	int rv = 0;

	if (event_info(x, ev, cp, &in) < 0) {
		info_free(&in);
		return -1;
	}
	if (in.start.is_date) {
		info_free(&in);
		return 0;
	}
	raw = in.szone && in.szone != in.f.zone;
	if (x->o->until != DATE_NONE && (stop == DATE_NONE || x->o->until < stop))
		stop = x->o->until;
	for (size_t k = 0; k < in.nexdate && rv == 0; k++)
		rv = prop_time(x, cp, in.exdate[k], "EXDATE", &t, &z);
	for (size_t k = 0; k < in.nrrule && rv == 0; k++)
		rv = expand_rule(x, &in, in.rrule[k], stop, raw, ov, nov);
	if (rv == 0 && !in.nrrule)
		rv = instance(x, &in, in.start, ov, nov);
	for (size_t k = 0; k < in.nrdate && rv == 0; k++) {
		if ((rv = prop_time(x, cp, in.rdate[k], "RDATE", &t, &z)) < 0)
			break;
		if (t.is_date) {
			t.is_date = 0;
			t.hour = in.start.hour;
			t.minute = in.start.minute;
		} else
			t = to_frame(t, z, &in.f);
		if (stop == DATE_NONE || icaltext_date(t) <= stop)
			rv = instance(x, &in, t, ov, nov);
	}
	/* The overrides: their own start, length and status, keyed by the date they replace. */
	for (size_t k = 0; k < nov && rv == 0; k++) {
		if ((rv = event_info(x, ov[k].ev, ov[k].cp, &oi)) == 0 && !oi.start.is_date) {
			oi.subdaily = in.subdaily;
			if (stop == DATE_NONE || icaltext_date(oi.start) <= stop)
				rv = add_inst(x, &oi, oi.start, ov[k].rid);
		}
		info_free(&oi);
	}
	info_free(&in);
	return rv;
}

/* Every X-LIC-ERROR in a component and its children is an error at its line. */
static int
check_errors(struct ctx *x, icalcomponent *c, const struct cpos *cp)
{
	icalproperty *p = icalcomponent_get_first_property(c, ICAL_XLICERROR_PROPERTY);

	/* An empty property ("SUMMARY:") is dropped by libical: it is as good as absent. */
	while (p && icalproperty_get_xlicerror(p) &&
	       strncmp(icalproperty_get_xlicerror(p), "No value for ", 13) == 0)
		p = icalcomponent_get_next_property(c, ICAL_XLICERROR_PROPERTY);
	if (p) {
		const char *m = icalproperty_get_xlicerror(p);

		terr_set(x->e, x->file, icaltext_error_line(&x->t, cp, m), "%.200s", m ? m : "parse error");
		return -1;
	}
	return 0;
}

/* A VEVENT of the calendar: a series (or single event), or an override of one instance. */
struct ev {
	icalcomponent *c;
	const struct cpos *cp;
	const char *uid;
	icalproperty *rid;      /* RECURRENCE-ID: an override */
	bool done;              /* an override written with its series */
};

static int
by_uid(const void *a, const void *b)
{
	const struct ev *const *x = a, *const *y = b;
	int c = strcmp((*x)->uid ? (*x)->uid : "", (*y)->uid ? (*y)->uid : "");

	return c ? c : ((*x)->cp > (*y)->cp) - ((*x)->cp < (*y)->cp);
}

/*
 * Expands every series with its overrides (found by UID in a sorted index), then writes
 * the overrides whose series is not in the file as events of their own.
 */
static int
series(struct ctx *x, struct ev *evs, size_t nev)
{
	struct ev **idx = xcalloc(nev + 1, sizeof *idx);
	struct override *ov = xcalloc(nev + 1, sizeof *ov);
	size_t nidx = 0;
	int rv = 0;

	for (size_t i = 0; i < nev; i++)
		if (evs[i].rid && evs[i].uid)
			idx[nidx++] = &evs[i];
	if (nidx > 1)
		qsort(idx, nidx, sizeof *idx, by_uid);
	for (size_t i = 0; i < nev && rv == 0; i++) {
		size_t lo = 0, hi = nidx, nov = 0;
		struct evinfo in;

		if (evs[i].rid)
			continue;
		if (event_info(x, evs[i].c, evs[i].cp, &in) < 0) {
			info_free(&in);
			rv = -1;
			break;
		}
		info_free(&in);  /* only its frame and start are needed here */
		while (lo < hi && evs[i].uid && !in.start.is_date) {
			size_t mid = (lo + hi) / 2;

			if (strcmp(idx[mid]->uid, evs[i].uid) < 0)
				lo = mid + 1;
			else
				hi = mid;
		}
		for (size_t k = lo; evs[i].uid && !in.start.is_date && k < nidx &&
		     strcmp(idx[k]->uid, evs[i].uid) == 0; k++) {
			icaltimezone *z;
			struct icaltimetype t;

			if (prop_time(x, idx[k]->cp, idx[k]->rid, "RECURRENCE-ID", &t, &z) < 0) {
				rv = -1;
				break;
			}
			ov[nov].ev = idx[k]->c;
			ov[nov].cp = idx[k]->cp;
			ov[nov].rid = to_frame(t, z, &in.f);
			idx[k]->done = true;
			nov++;
		}
		if (rv == 0 && expand(x, evs[i].c, evs[i].cp, ov, nov) < 0)
			rv = -1;
	}
	for (size_t i = 0; i < nev && rv == 0; i++) {
		struct evinfo in;
		icaltimezone *z;
		struct icaltimetype t;

		if (!evs[i].rid || evs[i].done)
			continue;
		if (event_info(x, evs[i].c, evs[i].cp, &in) < 0 ||
		    (!in.start.is_date &&
		     prop_time(x, evs[i].cp, evs[i].rid, "RECURRENCE-ID", &t, &z) < 0))
			rv = -1;
		else if (!in.start.is_date &&
			 (x->o->stop == DATE_NONE || icaltext_date(in.start) <= x->o->stop) &&
			 add_inst(x, &in, in.start, to_frame(t, z, &in.f)) < 0)
			rv = -1;
		info_free(&in);
	}
	free(idx);
	free(ov);
	return rv;
}

/* Walks a VCALENDAR: positions and errors for every component, then the events. */
static int
read_vcal(struct ctx *x, icalcomponent *vcal, const struct cpos *vpos)
{
	icalcomponent *c;
	const char *tz = x->o->zone;
	long tzline = vpos ? vpos->line : 1;
	struct ev *evs = NULL;
	size_t nev = 0, cap = 0;
	int rv = 0;

	x->vcal = vcal;
	if (check_errors(x, vcal, vpos) < 0)
		return -1;
	if (!tz) {
		icalproperty *p;

		for (p = icalcomponent_get_first_property(vcal, ICAL_X_PROPERTY); p;
		     p = icalcomponent_get_next_property(vcal, ICAL_X_PROPERTY)) {
			const char *name = icalproperty_get_x_name(p);

			if (name && strcasecmp(name, "X-WR-TIMEZONE") == 0) {
				tz = icalproperty_get_x(p);
				tzline = icaltext_prop_line(&x->t, vpos, "X-WR-TIMEZONE");
				break;
			}
		}
	}
	x->defzone = NULL;
	if (tz && !(x->defzone = find_zone(x, tz))) {
		terr_set(x->e, x->o->zone ? NULL : x->file, x->o->zone ? 0 : tzline,
			 "unknown time zone: %.80s", tz);
		return -1;
	}
	for (c = icalcomponent_get_first_component(vcal, ICAL_ANY_COMPONENT); c;
	     c = icalcomponent_get_next_component(vcal, ICAL_ANY_COMPONENT)) {
		const char *name = icalcomponent_kind_to_string(icalcomponent_isa(c));
		const struct cpos *cp = match_pos(x, name && *name ? name : "X");

		for (icalcomponent *s = icalcomponent_get_first_component(c, ICAL_ANY_COMPONENT); s;
		     s = icalcomponent_get_next_component(c, ICAL_ANY_COMPONENT)) {
			const char *sn = icalcomponent_kind_to_string(icalcomponent_isa(s));
			const struct cpos *sp = match_pos(x, sn && *sn ? sn : "X");

			if (check_errors(x, s, sp) < 0) {
				rv = -1;
				goto done;
			}
		}
		if (check_errors(x, c, cp) < 0) {
			rv = -1;
			goto done;
		}
		if (icalcomponent_isa(c) != ICAL_VEVENT_COMPONENT)
			continue;
		if (nev == cap) {
			cap = cap ? cap * 2 : 64;
			evs = xrealloc(evs, cap * sizeof *evs);
		}
		evs[nev].c = c;
		evs[nev].cp = cp;
		evs[nev].uid = icalcomponent_get_uid(c);
		evs[nev].rid = icalcomponent_get_first_property(c, ICAL_RECURRENCEID_PROPERTY);
		evs[nev].done = false;
		nev++;
	}
	if (rv == 0)
		rv = series(x, evs, nev);
done:
	free(evs);
	return rv;
}

static void
inst_free(struct ical_inst *v)
{
	free(v->uid);
	free(v->summary);
	free(v->description);
	free(v->location);
	for (size_t k = 0; k < v->natt; k++)
		free(v->attendees[k]);
	free(v->attendees);
}

struct ical *
ical_new(void)
{
	/* libical aborts on some errors unless told not to; tally reports them instead. */
	icalerror_set_errors_are_fatal(0);
	return xcalloc(1, sizeof(struct ical));
}

int
ical_read(struct ical *c, const char *path, const struct ical_opts *o, struct terr *e)
{
	struct ctx x = {0};
	const char *name = strcmp(path, "-") == 0 ? "<stdin>" : path;
	size_t before = c->n, i;
	icalcomponent *root;
	int rv = 0;
	char *buf;

	x.file = name;
	x.o = o;
	x.c = c;
	x.e = e;
	if (!(buf = icaltext_slurp(path, name, &x.t.len, e)))
		return -1;
	x.t.text = buf;
	if (memchr(buf, 0, x.t.len)) {
		terr_set(e, name, icaltext_line_at(buf, (size_t)((char *)memchr(buf, 0, x.t.len) - buf)),
			 "a NUL byte: not an iCalendar file");
		free(buf);
		return -1;
	}
	for (i = 0; i < x.t.len && isspace((unsigned char)buf[i]); i++)
		;
	if (x.t.len - i < 15 || strncasecmp(buf + i, "BEGIN:VCALENDAR", 15) != 0) {
		terr_set(e, name, icaltext_line_at(buf, i), "not an iCalendar file (no BEGIN:VCALENDAR)");
		free(buf);
		return -1;
	}
	icalerror_clear_errno();
	if (icaltext_scan(&x.t, name, e) < 0) {
		rv = -1;
		root = NULL;
	} else if (!(root = icalparser_parse_string(buf))) {
		terr_set(e, name, icaltext_line_at(buf, i), "not an iCalendar file");
		rv = -1;
	} else if (icalcomponent_isa(root) == ICAL_VCALENDAR_COMPONENT) {
		rv = read_vcal(&x, root, match_pos(&x, "VCALENDAR"));
	} else if (icalcomponent_isa(root) == ICAL_XROOT_COMPONENT) {
		for (icalcomponent *v = icalcomponent_get_first_component(root, ICAL_ANY_COMPONENT);
		     v && rv == 0; v = icalcomponent_get_next_component(root, ICAL_ANY_COMPONENT)) {
			const struct cpos *vp = match_pos(&x, "VCALENDAR");

			if (icalcomponent_isa(v) != ICAL_VCALENDAR_COMPONENT) {
				terr_set(e, name, vp ? vp->line : 1, "not inside BEGIN:VCALENDAR");
				rv = -1;
			} else
				rv = read_vcal(&x, v, vp);
		}
	} else {
		terr_set(e, name, icaltext_line_at(buf, i), "not an iCalendar file");
		rv = -1;
	}
	if (root)
		icalcomponent_free(root);
	if (rv < 0)
		while (c->n > before)
			inst_free(&c->v[--c->n]);
	free(x.t.pos);
	free(buf);
	icalmemory_free_ring();
	return rv;
}

size_t
ical_count(const struct ical *c)
{
	return c->n;
}

const struct ical_inst *
ical_at(const struct ical *c, size_t i)
{
	return &c->v[i];
}

static int
by_time(const void *a, const void *b)
{
	const struct ical_inst *x = a, *y = b;

	if (x->date != y->date)
		return x->date < y->date ? -1 : 1;
	if (x->time != y->time)
		return x->time < y->time ? -1 : 1;
	return strcmp(x->uid, y->uid);
}

void
ical_sort(struct ical *c)
{
	struct strmap *seen = strmap_new();
	size_t k = 0;
	bool added;

	/* An instance given twice (an RDATE on a rule's date, two exports): the first read. */
	for (size_t i = 0; i < c->n; i++) {
		strmap_add(seen, c->v[i].uid, strlen(c->v[i].uid), &added);
		if (added)
			c->v[k++] = c->v[i];
		else
			inst_free(&c->v[i]);
	}
	c->n = k;
	strmap_free(seen, NULL);
	if (c->n > 1)
		qsort(c->v, c->n, sizeof *c->v, by_time);
}

void
ical_free(struct ical *c)
{
	if (!c)
		return;
	for (size_t i = 0; i < c->n; i++)
		inst_free(&c->v[i]);
	free(c->v);
	free(c);
	icaltimezone_free_builtin_timezones();
	icalmemory_free_ring();
}

MODULE_TABLE const struct ical_ops tally_ical_ops = {
	ical_new, ical_read, ical_count, ical_at, ical_sort, ical_free,
};
