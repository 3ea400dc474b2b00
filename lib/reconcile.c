/*
 * reconcile.c: the calendar beside the journal. The journal's session events are kept as
 * small records (uid, client, date, time, where); a calendar instance is the same session
 * as a record with its uid: tag, else as a session of the same client on the same date at
 * the same time (or with no time: written by hand). tally-calendar uses this to write
 * nothing twice; tally-sessions --reconcile to list what one side has and the other lacks.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tally.h"

struct rec {
	char *uid;          /* NULL when the entry has none */
	uint32_t client;    /* its number in the reconcile's ids */
	tdate date;
	int time;           /* -1: none */
	enum session_kind kind;  /* SESSION_NONE: an `upcoming:` plan */
	const char *file;   /* interned by the reconcile */
	long line;
	bool used;
	uint32_t next_uid, next_day;  /* the next record of the same uid, of the same day: + 1 */
};

/* The records of one key, newest first: a chain through rec.next_*, index + 1. */
struct heads {
	struct strmap *keys;
	uint32_t *first;
	size_t cap;
};

struct reconcile {
	struct rec *r;
	size_t n, cap;
	struct strmap *ids; /* client IDs (slugs), whole however long */
	char **id;          /* their text by number: stable while records point at it */
	struct heads by_uid, by_day;  /* by_day's key: the client's number and the date */
	char **files;       /* the file names met, owned */
	size_t nfiles;
	struct ical *cal;   /* reconcile_open's calendars and rules */
	struct calrules *rules;
};

/* The head of key's chain: its slot in h->first, made when add, else NULL when none. */
static uint32_t *
head(struct heads *h, const void *key, size_t n, bool add)
{
	long k;

	if (!add)
		return (k = strmap_find(h->keys, key, n)) < 0 ? NULL : &h->first[k];
	k = (long)strmap_add(h->keys, key, n, NULL);
	if ((size_t)k >= h->cap) {
		size_t old = h->cap;

		h->cap = h->cap ? 2 * h->cap : 256;
		h->first = xrealloc(h->first, h->cap * sizeof *h->first);
		memset(h->first + old, 0, (h->cap - old) * sizeof *h->first);
	}
	return &h->first[k];
}

static size_t
day_key(char key[8], uint32_t client, tdate d)
{
	uint32_t day = (uint32_t)d;

	memcpy(key, &client, 4);
	memcpy(key + 4, &day, 4);
	return 8;
}

/* The number of a client's ID, its slug made whole (a slug is never longer than its text). */
static uint32_t
client_num(struct reconcile *c, struct span name)
{
	char *slug = xmalloc(name.n + 2);
	size_t n = clients_slug(name, slug, name.n + 2), k;
	bool added;

	k = strmap_add(c->ids, slug, n, &added);
	if (added) {
		c->id = xrealloc(c->id, strmap_count(c->ids) * sizeof *c->id);
		c->id[k] = xstrndup(slug, n);
	}
	free(slug);
	return (uint32_t)k;
}

static void
link_rec(struct reconcile *c, size_t i)
{
	struct rec *r = &c->r[i];
	char key[8];
	uint32_t *h;

	if (r->uid) {
		h = head(&c->by_uid, r->uid, strlen(r->uid), true);
		r->next_uid = *h;
		*h = (uint32_t)(i + 1);
	}
	h = head(&c->by_day, key, day_key(key, r->client, r->date), true);
	r->next_day = *h;
	*h = (uint32_t)(i + 1);
}

static struct rec *
add(struct reconcile *c)
{
	if (c->n == c->cap) {
		c->cap = c->cap ? c->cap * 2 : 256;
		c->r = xrealloc(c->r, c->cap * sizeof *c->r);
	}
	return memset(&c->r[c->n++], 0, sizeof *c->r);
}

static const char *
intern_file(struct reconcile *c, const char *f)
{
	if (c->nfiles && strcmp(c->files[c->nfiles - 1], f) == 0)
		return c->files[c->nfiles - 1];
	for (size_t i = 0; i < c->nfiles; i++)
		if (strcmp(c->files[i], f) == 0)
			return c->files[i];
	c->files = xrealloc(c->files, (c->nfiles + 1) * sizeof *c->files);
	return c->files[c->nfiles++] = xstrdup(f);
}

struct reconcile *
reconcile_new(void)
{
	struct reconcile *c = xcalloc(1, sizeof *c);

	c->ids = strmap_new();
	c->by_uid.keys = strmap_new();
	c->by_day.keys = strmap_new();
	return c;
}

void
reconcile_observe(struct reconcile *c, const struct jitem *it)
{
	struct vtags vt;
	enum session_kind kind;
	struct rec *r;

	if (it->kind != J_TXN)
		return;
	/* the tags as every command reads them: a bad value is no value */
	vocab_entry(it, &vt, NULL, NULL, NULL);
	kind = vt.has[VT_SESSION] ? (enum session_kind)vt.v[VT_SESSION].n : SESSION_NONE;
	if ((kind == SESSION_NONE && !vt.has[VT_UPCOMING]) || !vt.has[VT_CLIENT])
		return;
	r = add(c);
	if (vt.has[VT_UID] && vt.v[VT_UID].raw.n)
		r->uid = span_dup(vt.v[VT_UID].raw);
	r->client = client_num(c, vt.v[VT_CLIENT].raw);
	r->date = it->txn->date;
	r->time = vt.has[VT_TIME] ? (int)vt.v[VT_TIME].n : -1;
	r->kind = kind;
	r->file = intern_file(c, it->file);
	r->line = it->line;
	link_rec(c, c->n - 1);
}

/* The record of this uid (used or not), or NULL. */
static struct rec *
find_uid(struct reconcile *c, const char *uid)
{
	uint32_t *h = head(&c->by_uid, uid, strlen(uid), false);

	return h && *h ? &c->r[*h - 1] : NULL;
}

/* Uses up record r for an instance; *out (when given) says what it was. */
static int
take(const struct reconcile *c, struct rec *r, struct reconcile_rec *out)
{
	r->used = true;
	if (out)
		*out = (struct reconcile_rec){c->id[r->client], r->date, r->time, r->kind, r->file,
					      r->line};
	return 1;
}

int
reconcile_take(struct reconcile *c, const struct ical_inst *v, const char *client, bool upcoming,
	       struct reconcile_rec *out)
{
	struct rec *r = find_uid(c, v->uid), *loose = NULL;
	uint32_t *first, who;
	char key[8];

	/* A plan does not stand for the session once it has taken place. */
	if (r && !(r->kind == SESSION_NONE && !upcoming))
		return take(c, r, out);
	who = client_num(c, (struct span){client, strlen(client)});
	if (!(first = head(&c->by_day, key, day_key(key, who, v->date), false)))
		return 0;
	for (uint32_t i = *first; i; i = c->r[i - 1].next_day) {
		struct rec *h = &c->r[i - 1];

		if (h->used || (h->kind == SESSION_NONE && !upcoming))
			continue;
		if (h->time == v->time)
			return take(c, h, out);
		if (h->time < 0 && !h->uid)
			loose = h;  /* no time written: any time that day, oldest first */
	}
	if (loose)
		return take(c, loose, out);
	return 0;
}

void
reconcile_add(struct reconcile *c, const struct ical_inst *v, const char *client, bool upcoming)
{
	struct rec *r = add(c);

	r->uid = xstrdup(v->uid);
	r->client = client_num(c, (struct span){client, strlen(client)});
	r->date = v->date;
	r->time = v->time;
	r->kind = upcoming ? SESSION_NONE : v->cancelled ? SESSION_CANCELLED : SESSION_HELD;
	r->file = intern_file(c, v->file);
	r->line = v->line;
	r->used = true;
	link_rec(c, c->n - 1);
}

size_t
reconcile_count(const struct reconcile *c)
{
	return c->n;
}

bool
reconcile_left(const struct reconcile *c, size_t i, struct reconcile_rec *out)
{
	const struct rec *r = &c->r[i];

	if (r->used || r->kind == SESSION_NONE)
		return false;
	out->client = c->id[r->client];
	out->date = r->date;
	out->time = r->time;
	out->kind = r->kind;
	out->file = r->file;
	out->line = r->line;
	return true;
}

void
reconcile_free(struct reconcile *c)
{
	if (!c)
		return;
	for (size_t i = 0; i < c->n; i++)
		free(c->r[i].uid);
	for (size_t i = 0; i < c->nfiles; i++)
		free(c->files[i]);
	free(c->files);
	free(c->r);
	for (size_t i = 0; i < strmap_count(c->ids); i++)
		free(c->id[i]);
	free(c->id);
	strmap_free(c->ids, NULL);
	strmap_free(c->by_uid.keys, NULL);
	strmap_free(c->by_day.keys, NULL);
	free(c->by_uid.first);
	free(c->by_day.first);
	ical_free(c->cal);
	calrules_free(c->rules);
	free(c);
}

struct reconcile *
reconcile_open(char *const *ics, size_t n, const char *rules, const struct ical_opts *io,
	       struct terr *e)
{
	struct reconcile *c = reconcile_new();

	if (!(c->rules = calrules_load(rules, e)))
		goto fail;
	c->cal = ical_new();
	for (size_t i = 0; i < n; i++)
		if (ical_read(c->cal, ics[i], io, e) < 0)
			goto fail;
	ical_sort(c->cal);
	return c;
fail:
	reconcile_free(c);
	return NULL;
}

/* ---- the report: per client, what each side has that the other lacks ---- */

struct side {
	tdate date;
	int time;
	enum session_kind kind;
	const char *file;
	long line;
};

struct crow {
	const char *client;
	long cal, jnl, both;
	struct side *only_cal, *only_jnl;
	size_t ncal, njnl;
};

/* The row of client number k; row[k] is its index + 1 in *rows (0: none yet). */
static struct crow *
crow_of(const struct reconcile *c, struct crow **rows, size_t *n, size_t **row, size_t *nrow,
	uint32_t k)
{
	if (k >= *nrow) {
		size_t want = strmap_count(c->ids);

		*row = xrealloc(*row, want * sizeof **row);
		memset(*row + *nrow, 0, (want - *nrow) * sizeof **row);
		*nrow = want;
	}
	if (!(*row)[k]) {
		*rows = xrealloc(*rows, (*n + 1) * sizeof **rows);
		memset(&(*rows)[*n], 0, sizeof **rows);
		(*rows)[*n].client = c->id[k];
		(*row)[k] = ++*n;
	}
	return &(*rows)[(*row)[k] - 1];
}

static void
side_add(struct side **v, size_t *n, struct side s)
{
	*v = xrealloc(*v, (*n + 1) * sizeof **v);
	(*v)[(*n)++] = s;
}

static int
by_client(const void *a, const void *b)
{
	return strcmp(((const struct crow *)a)->client, ((const struct crow *)b)->client);
}

static int
by_date(const void *a, const void *b)
{
	const struct side *x = a, *y = b;

	if (x->date != y->date)
		return x->date < y->date ? -1 : 1;
	return (x->time > y->time) - (x->time < y->time);
}

static const char *
kind_name(enum session_kind k)
{
	switch (k) {
	case SESSION_HELD: return "held";
	case SESSION_CANCELLED: return "cancelled";
	case SESSION_LATE: return "late-cancel";
	case SESSION_NOSHOW: return "no-show";
	case SESSION_PROVIDER: return "provider-cancel";
	default: return "session";
	}
}

static void
side_write(struct out *o, const char *client, const char *what, const struct side *v, size_t n)
{
	char day[11];

	if (!n)
		return;
	out_printf(o, "\n%s: %ld in the %s only:\n", client, (long)n, what);
	for (size_t i = 0; i < n; i++) {
		date_format(day, v[i].date);
		if (v[i].time >= 0)
			out_printf(o, "  %s %02d:%02d  %-15s  %s:%ld\n", day, v[i].time / 60,
				   v[i].time % 60, kind_name(v[i].kind), v[i].file, v[i].line);
		else
			out_printf(o, "  %s        %-15s  %s:%ld\n", day, kind_name(v[i].kind),
				   v[i].file, v[i].line);
	}
}

int
reconcile_report(struct reconcile *c, const struct reconcile_opts *ro, struct out *o,
		 struct terr *e)
{
	const struct ical *cal = c->cal;
	const struct calrules *rules = c->rules;
	struct crow *rows = NULL;
	size_t nrows = 0, nrule = 0, *row = NULL, nrow = 0;
	struct reconcile_rec jr;
	int cw = 6;

	for (size_t i = 0; i < ical_count(cal); i++) {
		const struct ical_inst *v = ical_at(cal, i);
		const char *client = NULL;
		struct crow *r;
		uint32_t k;
		int m;

		if ((ro->begin != DATE_NONE && v->date < ro->begin) ||
		    (ro->end != DATE_NONE && v->date >= ro->end) ||
		    (long long)v->date * 1440 + v->time + v->minutes > ro->now)
			continue;
		if ((m = calrules_match(rules, v, &client, e)) == -2)
			goto fail;
		if (m < 0)
			continue;
		if (m == 0) {
			nrule++;
			continue;
		}
		k = client_num(c, (struct span){client, strlen(client)});
		if (ro->client && strcmp(c->id[k], ro->client) != 0)
			continue;
		r = crow_of(c, &rows, &nrows, &row, &nrow, k);
		r->cal++;
		if (reconcile_take(c, v, c->id[k], false, NULL))
			r->both++;
		else
			side_add(&r->only_cal, &r->ncal, (struct side){v->date, v->time,
				 v->cancelled ? SESSION_CANCELLED : SESSION_HELD, v->file, v->line});
	}
	for (size_t i = 0; i < c->n; i++) {
		const struct rec *h = &c->r[i];
		struct crow *r;

		if (h->kind == SESSION_NONE || (ro->begin != DATE_NONE && h->date < ro->begin) ||
		    (ro->end != DATE_NONE && h->date >= ro->end) ||
		    (long long)h->date * 1440 + (h->time < 0 ? 0 : h->time) > ro->now ||
		    (ro->client && strcmp(c->id[h->client], ro->client) != 0))
			continue;
		r = crow_of(c, &rows, &nrows, &row, &nrow, h->client);
		r->jnl++;
		if (reconcile_left(c, i, &jr))
			side_add(&r->only_jnl, &r->njnl, (struct side){jr.date, jr.time, jr.kind,
				 jr.file, jr.line});
	}
	if (nrows > 1)
		qsort(rows, nrows, sizeof *rows, by_client);
	for (size_t i = 0; i < nrows; i++)
		if ((int)strlen(rows[i].client) > cw)
			cw = (int)strlen(rows[i].client);
	out_printf(o, "%-*s  calendar  journal  both  calendar-only  journal-only\n", cw, "client");
	for (size_t i = 0; i < nrows; i++)
		out_printf(o, "%-*s  %8ld  %7ld  %4ld  %13ld  %12ld\n", cw, rows[i].client,
			   rows[i].cal, rows[i].jnl, rows[i].both, (long)rows[i].ncal,
			   (long)rows[i].njnl);
	for (size_t i = 0; i < nrows; i++) {
		if (rows[i].ncal > 1)
			qsort(rows[i].only_cal, rows[i].ncal, sizeof *rows[i].only_cal, by_date);
		if (rows[i].njnl > 1)
			qsort(rows[i].only_jnl, rows[i].njnl, sizeof *rows[i].only_jnl, by_date);
		side_write(o, rows[i].client, "calendar", rows[i].only_cal, rows[i].ncal);
		side_write(o, rows[i].client, "journal", rows[i].only_jnl, rows[i].njnl);
	}
	if (nrule)
		out_printf(o, "\n%ld calendar event%s named no client (see tally-calendar)\n",
			   (long)nrule, nrule == 1 ? "" : "s");
	for (size_t i = 0; i < nrows; i++) {
		free(rows[i].only_cal);
		free(rows[i].only_jnl);
	}
	free(rows);
	free(row);
	return 0;
fail:
	for (size_t i = 0; i < nrows; i++) {
		free(rows[i].only_cal);
		free(rows[i].only_jnl);
	}
	free(rows);
	free(row);
	return -1;
}
