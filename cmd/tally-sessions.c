/*
 * tally-sessions: counts sessions per client over a period: held, cancelled on time or late,
 * no-shows, provider cancellations, signed and unsigned, and prepaid package sessions
 * bought, used, left and over (held after the credit ran out). Warns when a package has one
 * session left, is used up, was overrun, or expired with credit left. Unpriced held events
 * use package credit the way tally-bill would price them, so the report reads the same
 * before and after billing. Entries count in date order (the book reads the input twice).
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "tally.h"

static const char *prog = "tally-sessions";
static tdate begin = DATE_NONE, end = DATE_NONE;
static enum { F_TXT, F_CSV, F_JSON } format = F_TXT;
static const char *only_client;   /* --client, as a slug */
static char only_id[256];
static bool list_unsigned;
static struct book_opts bopts;
static char **fopts;              /* -f files; static so that early exits leave nothing behind */
static long global_notice = -1;   /* --policy FILE's notice, minutes */
static char *policy_dir;
static struct query *query;       /* operands that are not files */
/* --reconcile (tally-calendar's calendars against the journal) and --unsigned-after. */
static struct reconcile *rc;
static long unsigned_after = -1;
static tdate today = DATE_NONE;
static char **ics;                /* --reconcile files (static: see fopts) */

static const char *const keys[SC_N] = {
	"held", "cancelled", "late_cancel", "no_show", "provider_cancel", "signed", "unsigned",
	"package_bought", "package_used", "package_left", "package_over", "free",
};
static const char *const heads[SC_N] = {
	"held", "cancelled", "late", "no-show", "provider", "signed", "unsigned",
	"bought", "used", "left", "over", "free",
};

static struct scounts counts;    /* the figures, a row per client */
static struct scount_opts sopts; /* the period and --client, for counts */
/*
 * The quick way (no query, calendar or list): pass 1 counts what each entry says of itself
 * (learned) and the settled book's records add what the book decided (walk), so the input
 * is read once. Anything only pass 2 tells exactly (a problem, a notice before the time)
 * sets slow: the rows start over and pass 2 (scan) counts as always.
 */
static bool quick, slow;

/* Policies met through `policy:` names: their notice windows. */
static struct named {
	char *name;
	long notice;
} *named;
static size_t nnamed;

static void
usage(FILE *f, int status)
{
	fprintf(f, "usage: %s [-p PERIOD] [-b DATE] [-e DATE] [--client ID] [-O txt|csv|json]\n"
		   "       [--unsigned] [--policy FILE | --policies DIR] [--unbilled ACCT]\n"
		   "       [--receivable ACCT] [--prepaid ACCT] [--deposits ACCT]\n"
		   "       [--unsigned-after DAYS] [--date DATE]\n"
		   "       [--reconcile ICS --rules FILE [--until DATE]] [-f FILE]... [FILE|QUERY]...\n",
		prog);
	exit(status);
}

static struct scount_row *
row_of(const struct client *c)
{
	return scounts_row(&counts, c);
}

static bool
in_period(tdate d)
{
	return (begin == DATE_NONE || d >= begin) && (end == DATE_NONE || d < end);
}

/* The notice window for a client's cancellation on date d, in minutes. */
static long
notice_window(const struct client *c, tdate d, const struct jitem *it, struct terr *e)
{
	const char *name;
	struct policy *p;

	if (global_notice >= 0)
		return global_notice;
	if (!(name = client_policy_at(c, d)))
		return 24 * 60;
	for (size_t i = 0; i < nnamed; i++)
		if (strcmp(named[i].name, name) == 0)
			return named[i].notice;
	if (!(p = policy_find(policy_dir, name, strlen(name), e))) {
		if (!e->file && it) {
			char msg[sizeof e->msg];

			memcpy(msg, e->msg, sizeof msg);
			terr_set(e, it->file, it->line, "%s", msg);
		}
		return -1;
	}
	named = xrealloc(named, (nnamed + 1) * sizeof *named);
	named[nnamed++] = (struct named){xstrdup(name), p->notice};
	policy_free(p);
	return named[nnamed - 1].notice;
}

/* A cancelled session's time: and cancelled-at:, as the vocabulary read them when it did. */
static bool
session_times(const struct client_tags *tg, struct vval *start, struct vval *at)
{
	if (tg->vt) {
		if (!tg->vt->has[VT_TIME] || !tg->vt->has[VT_CANCELLED_AT])
			return false;
		*start = tg->vt->v[VT_TIME];
		*at = tg->vt->v[VT_CANCELLED_AT];
		return true;
	}
	return clients_has(tg, CT_TIME) && clients_has(tg, CT_CANCELLED_AT) &&
	       vocab_parse(VT_TIME, clients_tag(tg, CT_TIME), start) == 0 &&
	       vocab_parse(VT_CANCELLED_AT, clients_tag(tg, CT_CANCELLED_AT), at) == 0;
}

/* A `session: cancelled` event: late (1) or on time (0) against the notice window. */
static int
is_late(const struct client *c, const struct jitem *it, const struct client_tags *tg,
	struct terr *e)
{
	const struct txn *t = it->txn;
	struct vval start, at;
	long window;

	/* the vocabulary has read both (vocab_entry needs them on a cancelled session) */
	if (!tg->vt || !session_times(tg, &start, &at)) {
		if (!clients_has(tg, CT_TIME) ||
		    vocab_parse(VT_TIME, clients_tag(tg, CT_TIME), &start) < 0) {
			vocab_bad(e, it, VT_TIME, clients_tag(tg, CT_TIME));
			return -1;
		}
		if (!clients_has(tg, CT_CANCELLED_AT) ||
		    vocab_parse(VT_CANCELLED_AT, clients_tag(tg, CT_CANCELLED_AT), &at) < 0) {
			vocab_bad(e, it, VT_CANCELLED_AT, clients_tag(tg, CT_CANCELLED_AT));
			return -1;
		}
	}
	if ((window = notice_window(c, t->date, it, e)) < 0)
		return -1;
	return (long long)t->date * 1440 + start.n - at.stamp < window;
}

static void
list_one(struct out *o, const struct jitem *it, const struct client *c, long listed)
{
	char day[11];
	const struct txn *t = it->txn;

	date_format(day, t->date);
	if (format == F_TXT) {
		out_printf(o, "%s  %s  %s:%ld  %.*s\n", day, c->id, it->file, it->line,
			   (int)t->desc.n, t->desc.p);
	} else if (format == F_CSV) {
		out_printf(o, "%s,", day);
		csv_cell(o, c->id, strlen(c->id), false);
		out_puts(o, ",");
		csv_cell(o, it->file, strlen(it->file), false);
		out_printf(o, ",%ld,", it->line);
		csv_cell(o, t->desc.p, t->desc.n, false);
		out_puts(o, "\n");
	} else {
		out_printf(o, "%s\n {\"date\": \"%s\", \"client\": ", listed ? "," : "", day);
		json_string(o, c->id, strlen(c->id));
		out_puts(o, ", \"file\": ");
		json_string(o, it->file, strlen(it->file));
		out_printf(o, ", \"line\": %ld, \"description\": ", it->line);
		json_string(o, t->desc.p, t->desc.n);
		out_puts(o, "}");
	}
}

static int count_one(const struct jitem *it, const struct client_tags *tg, struct client *c,
		     enum session_kind kind, const struct book_price *bp, struct out *o,
		     long *listed, struct terr *e);

/*
 * Counts one entry of the period with what the book decided for it (bp: its records, nbp of
 * them): a group session counts for each attendee, an absent one as a no-show or late cancel.
 */
static int
count(struct book *b, const struct jitem *it, const struct vtags *vt,
      const struct client_tags *tgp, const struct book_price *bp, size_t nbp, struct out *o,
      long *listed, struct terr *e)
{
	const struct txn *t = it->txn;
	struct client_tags own;
	const struct client_tags *tg = tgp;  /* read by pass 1 (vt: the vocabulary's reading) */
	enum session_kind kind;
	struct client *c;
	struct attendee a[GROUP_MAX];
	size_t n;

	if (!tg)
		clients_tags(t, &own), tg = &own;
	kind = clients_kind_of(tg);
	if (kind == SESSION_NONE || kind == SESSION_OTHER ||
	    !(vt ? vt->nclient > 1 || vt->has[VT_ABSENT] : group_is(t))) {
		c = tgp ? book_client(b) : clients_of_tags(book_clients(b), tg);
		return count_one(it, tg, c, kind, nbp && bp[0].c == c ? &bp[0] : NULL, o, listed,
				 e);
	}
	if (quick && kind != SESSION_HELD)
		slow = true;  /* the records of a group hold its attendees' kinds, not the entry's */
	n = group_attendees(t, a, GROUP_MAX, NULL);
	for (size_t i = 0; i < n && i < GROUP_MAX; i++) {
		const struct book_price *mine = NULL;

		if (!(c = clients_find(book_clients(b), a[i].id)))
			continue;
		for (size_t k = 0; k < nbp && !mine; k++)
			if (bp[k].c == c && bp[k].group)
				mine = &bp[k];
		if (count_one(it, tg, c, kind == SESSION_HELD ? (enum session_kind)a[i].kind : kind,
			      mine, o, listed, e) < 0)
			return -1;
	}
	return 0;
}

/* Counts one client's part of an entry. */
static int
count_one(const struct jitem *it, const struct client_tags *tg, struct client *c,
	  enum session_kind kind, const struct book_price *bp, struct out *o, long *listed,
	  struct terr *e)
{
	const struct txn *t = it->txn;
	bool has = bp != NULL;
	struct scount_row *r;
	int late = 0;

	if (kind != SESSION_NONE && !c) {
		terr_set(e, it->file, it->line, "session without a client: tag");
		return -1;
	}
	if (kind == SESSION_OTHER) {
		struct span v = clients_tag(tg, CT_SESSION);

		terr_set(e, it->file, t->comment_line, "unknown session: %.*s", (int)v.n, v.p);
		return -1;
	}
	if (!c || !in_period(t->date) || !query_txn(query, t) ||
	    (only_client && strcmp(c->id, only_id) != 0))
		return 0;
	r = row_of(c);
	if (quick && kind == SESSION_CANCELLED) {
		/* late or on time is the walk's: the client's policy may be written later */
		struct vval start, at;
		long long notice;

		if (!session_times(tg, &start, &at) ||
		    (notice = (long long)t->date * 1440 + start.n - at.stamp) < 0 ||
		    notice > 1000000000)
			slow = true;  /* beyond what the book's record keeps */
		r->active = true;
		return 0;
	}
	if (kind == SESSION_CANCELLED && (late = is_late(c, it, tg, e)) < 0)
		return -1;
	switch (kind) {
	case SESSION_HELD:
		r->n[SC_HELD]++;
		if (clients_has(tg, CT_SIGNED))
			r->n[SC_SIGNED]++;
		else {
			r->n[SC_UNSIGNED]++;
			if (list_unsigned)
				list_one(o, it, c, (*listed)++);
			if (unsigned_after >= 0 && today - t->date > unsigned_after) {
				char day[11];

				date_format(day, t->date);
				scounts_warn(r, "%s: session of %s unsigned for %ld days (%s:%ld)", c->id, day,
				     (long)(today - t->date), it->file, it->line);
			}
		}
		if (has && bp->over)
			r->n[SC_OVER]++;
		if (clients_has(tg, CT_WAIVED))
			r->n[SC_FREE]++;
		break;
	case SESSION_CANCELLED: r->n[late ? SC_LATE : SC_CANCELLED]++; break;
	case SESSION_LATE: r->n[SC_LATE]++; break;
	case SESSION_NOSHOW: r->n[SC_NOSHOW]++; break;
	case SESSION_PROVIDER: r->n[SC_PROVIDER]++; break;
	default: break;
	}
	if (has && bp->package)  /* on the row of whose credit it was (bill-to: the payer's) */
		row_of(bp->owner ? bp->owner : c)->n[SC_USED]++;
	if (kind != SESSION_NONE || (has && bp->package))
		row_of(c)->active = true;  /* row_of may have moved the rows */
	return 0;
}

/*
 * Sessions bought by client c (n), by each client a purchase credits (a split package:
 * several). other: a session written on another client's credit (its payer's), used there.
 */
static void
bought_one(struct client *c, bool other, long n)
{
	if (!c || (only_client && strcmp(c->id, only_id) != 0))
		return;
	row_of(c)->n[SC_BOUGHT] += n;
	if (other)
		row_of(c)->n[SC_USED]++;
	if (n || other)
		row_of(c)->active = true;
}

/* An item's records: a group's attendees were counted with their sessions. */
static void
bought(const struct book_price *bp, size_t has)
{
	for (size_t k = 0; k < has; k++)
		bought_one(bp[k].c, k > 0 && bp[k].package && !bp[k].group, bp[k].bought);
}

/* The quick way's pass 1 for an entry count_one must see (apart: learned stays small). */
static __attribute__((noinline)) void
learned_count(struct book *b, const struct jitem *it, const struct vtags *vt,
	      const struct client_tags *tg)
{
	struct terr e;

	if (count(b, it, vt, tg, NULL, 0, NULL, NULL, &e) < 0)
		slow = true;
}

/* The quick way's pass 1: what a good entry says of itself, once the book has it. */
static void
learned(struct book *b, const struct jitem *it, const struct vtags *vt,
	const struct client_tags *tg, void *arg)
{
	struct client *c;
	struct scount_row *r;

	(void)arg;
	/* money only (no session:): nothing of its own to count, the walk has its records */
	if (!vt || !clients_has(tg, CT_SESSION))
		return;
	/* most often one client's held session: counted here as count_one counts it */
	c = book_client(b);
	if (clients_kind_of(tg) == SESSION_HELD && vt->nclient <= 1 && !vt->has[VT_ABSENT] && c &&
	    !only_client && unsigned_after < 0 && in_period(it->txn->date)) {
		r = row_of(c);
		r->n[SC_HELD]++;
		r->n[clients_has(tg, CT_SIGNED) ? SC_SIGNED : SC_UNSIGNED]++;
		if (clients_has(tg, CT_WAIVED))
			r->n[SC_FREE]++;
		r->active = true;
		return;
	}
	learned_count(b, it, vt, tg);
}

/* What the book decided for client c's part of an event (d), in the period. -1: slow. */
static int
decided(struct client *c, enum session_kind kind, const struct book_decided *d)
{
	struct terr e;
	long window;

	if (!c || !in_period(d->date) || (only_client && strcmp(c->id, only_id) != 0))
		return 0;
	if (kind == SESSION_CANCELLED) {
		if ((window = notice_window(c, d->date, NULL, &e)) < 0 || d->notice < 0)
			return -1;
		row_of(c)->n[d->notice < window ? SC_LATE : SC_CANCELLED]++;
	}
	if (kind == SESSION_HELD && d->over)
		row_of(c)->n[SC_OVER]++;
	if (d->package)  /* on the row of whose credit it was (bill-to: the payer's) */
		row_of(d->owner ? d->owner : c)->n[SC_USED]++;
	if (kind != SESSION_NONE || d->package)
		row_of(c)->active = true;
	return 0;
}

/*
 * The quick way's second half: the settled book's records, item by item, counted as scan
 * counts them with what pass 1 counted. 0, or -1 when only scan can tell.
 */
static int
walk(struct book *b)
{
	struct book_decided d[GROUP_MAX + 8], more;
	size_t i = 0;

	while (book_decided(b, i++, &d[0])) {
		size_t has = 1;

		for (bool again = d[0].more; again; again = more.more) {
			book_decided(b, i++, &more);
			if (has < sizeof d / sizeof *d)
				d[has++] = more;  /* beyond: passed over, as scan leaves them */
		}
		if (d[0].kind == SESSION_OTHER)
			return -1;
		if (d[0].kind != SESSION_NONE && !d[0].group) {
			if (!d[0].c || decided(d[0].c, d[0].kind, &d[0]) < 0)
				return -1;  /* the entry's own client's event */
		}
		for (size_t k = 0; k < has; k++) {
			const struct book_decided *mine = NULL;

			if (!d[k].group)
				continue;
			/* a group's attendee, with the first record of theirs (as count finds it) */
			for (size_t j = 0; j < has && !mine; j++)
				if (d[j].c == d[k].c && d[j].group)
					mine = &d[j];
			if (decided(d[k].c, (enum session_kind)d[k].kind, mine) < 0)
				return -1;
		}
		if (in_period(d[0].date))
			for (size_t k = 0; k < has; k++) {
				bool other = k > 0 && d[k].package && !d[k].group;

				if (d[k].bought || other)  /* most records buy nothing */
					bought_one(d[k].c, other, d[k].bought);
			}
	}
	return 0;
}

static void
write_txt(struct out *o, struct client **v, size_t n)
{
	long total[SC_N] = {0};
	int w[SC_N], cw = 6;
	char num[32];
	bool gap = false;   /* the blank line before the notes is written */

	for (size_t i = 0; i < n; i++) {
		if ((int)strlen(v[i]->id) > cw)
			cw = (int)strlen(v[i]->id);
		for (int k = 0; k < SC_N; k++)
			total[k] += row_of(v[i])->n[k];
	}
	out_printf(o, "%-*s", cw, "client");
	for (int k = 0; k < SC_N; k++) {
		w[k] = snprintf(num, sizeof num, "%ld", total[k]);
		if (w[k] < (int)strlen(heads[k]))
			w[k] = (int)strlen(heads[k]);
		out_printf(o, "  %*s", w[k], heads[k]);
	}
	out_puts(o, "\n");
	for (size_t i = 0; i <= n; i++) {
		const long *f = i < n ? row_of(v[i])->n : total;

		out_printf(o, "%-*s", cw, i < n ? v[i]->id : "total");
		for (int k = 0; k < SC_N; k++)
			out_printf(o, "  %*ld", w[k], f[k]);
		out_puts(o, "\n");
	}
	for (size_t i = 0; i < n; i++) {
		char buf[AMOUNT_BUF];
		struct amount held;

		if (!client_deposit(v[i], &held))
			continue;
		amount_format(buf, sizeof buf, &held);
		out_printf(o, "%s%s: deposit held: %s\n", gap ? "" : "\n", v[i]->id, buf);
		gap = true;
	}
	for (size_t i = 0; i < n; i++) {
		struct scount_row *r = row_of(v[i]);

		for (size_t k = 0; k < r->nwarn; k++) {
			out_printf(o, "%swarning: %s\n", gap ? "" : "\n", r->warn[k]);
			gap = true;
		}
	}
}

static void
write_rows(struct out *o, struct client **v, size_t n)
{
	if (format == F_CSV) {
		out_puts(o, "client");
		for (int k = 0; k < SC_N; k++)
			out_printf(o, ",%s", keys[k]);
		out_puts(o, "\n");
	} else
		out_puts(o, "[");
	for (size_t i = 0; i < n; i++) {
		const long *f = row_of(v[i])->n;

		if (format == F_CSV)
			csv_cell(o, v[i]->id, strlen(v[i]->id), false);
		else {
			out_puts(o, i ? ",\n {\"client\": " : "\n {\"client\": ");
			json_string(o, v[i]->id, strlen(v[i]->id));
		}
		for (int k = 0; k < SC_N; k++) {
			if (format == F_CSV)
				out_printf(o, ",%ld", f[k]);
			else
				out_printf(o, ", \"%s\": %ld", keys[k], f[k]);
		}
		out_puts(o, format == F_CSV ? "\n" : "}");
	}
	if (format == F_JSON)
		out_puts(o, n ? "\n]\n" : "]\n");
}

/* Pass 2: counts; with --unsigned the list is written as it goes. 0, or 1 on errors. */
static int
scan(char **files, size_t nfiles, struct book *b, struct out *o)
{
	struct journal *j = journal_open((const char *const *)files, nfiles, JOURNAL_NO_BALANCE);
	struct jitem *it;
	struct book_price bp[GROUP_MAX + 8];
	struct terr e;
	long listed = 0;
	int rv, status = 0;

	if (list_unsigned && format == F_CSV)
		out_puts(o, "date,client,file,line,description\n");
	if (list_unsigned && format == F_JSON)
		out_puts(o, "[");
	while ((rv = journal_next(j, &it)) != 0) {
		bool skip = rv < 0 || it->kind != J_TXN || (end != DATE_NONE && it->txn->date >= end);
		size_t has = (size_t)book_next(b, skip ? NULL : it, &bp[0]);
		const struct terr *d;
		bool said = false;

		while (has && has < sizeof bp / sizeof *bp && book_next_more(b, &bp[has]))
			has++;

		while ((d = book_deferred(b, false))) {
			terr_print(prog, d);
			status = 1;
			said = true;  /* the entry's own error: not counted */
		}
		if (rv > 0 && rc)
			reconcile_observe(rc, it);
		if (skip || said)
			continue;
		if (count(b, it, NULL, NULL, bp, has, o, &listed, &e) < 0) {
			terr_print(prog, &e);
			status = 1;
		}
		if (in_period(it->txn->date) && query_txn(query, it->txn))
			bought(bp, has);
	}
	if (list_unsigned && format == F_JSON)
		out_puts(o, listed ? "\n]\n" : "]\n");
	journal_close(j);
	return status;
}

int
main(int argc, char **argv)
{
	static const struct option opts[] = {
		{"begin", required_argument, NULL, 'b'},
		{"end", required_argument, NULL, 'e'},
		{"period", required_argument, NULL, 'p'},
		{"client", required_argument, NULL, 'c'},
		{"output-format", required_argument, NULL, 'O'},
		{"unsigned", no_argument, NULL, 'u'},
		{"policy", required_argument, NULL, 'y'},
		{"policies", required_argument, NULL, 'Y'},
		CHART_OPTIONS,
		{"file", required_argument, NULL, 'f'},
		{"reconcile", required_argument, NULL, 'k'},
		{"rules", required_argument, NULL, 'r'},
		{"until", required_argument, NULL, 't'},
		{"date", required_argument, NULL, 'd'},
		{"unsigned-after", required_argument, NULL, 'a'},
		{"help", no_argument, NULL, 'h'},
		{"version", no_argument, NULL, 'V'},
		{NULL, 0, NULL, 0},
	};
	static const char *const formats[] = {"txt", "csv", "json", NULL};
	char **files;
	const char *policy_file = NULL, *dir = NULL;
	size_t nf = 0, nfiles, n = 0;
	struct book *b;
	struct client **v = NULL;
	struct policy *p;
	struct out *o;
	struct terr e;
	int c, rv, status;
	struct book_pass pass = {.limit = DATE_NONE};
	tdate asof;
	const char *why, *rules = NULL;
	char *endp;
	size_t nics = 0;
	struct ical_opts io = {DATE_NONE, DATE_NONE, NULL};
	struct chart chart;

	chart_init(&chart);
	fopts = xcalloc((size_t)argc + 1, sizeof *fopts);
	ics = xcalloc((size_t)argc + 1, sizeof *ics);
	while ((c = getopt_long(argc, argv, "b:e:p:O:f:h", opts, NULL)) != -1) {
		if (chart_option(&chart, c, optarg))
			continue;
		switch (c) {
		case 'b':
		case 'e':
		case 'p':
			if (range_option(c, optarg, &begin, &end, &why) < 0) {
				fprintf(stderr, "%s: %s: %s\n", prog, why, optarg);
				return 2;
			}
			break;
		case 'c': only_client = optarg; break;
		case 'O':
			if ((rv = format_parse(optarg, formats)) < 0) {
				fprintf(stderr, "%s: unknown output format: %s\n", prog, optarg);
				return 2;
			}
			format = rv;
			break;
		case 'u': list_unsigned = true; break;
		case 'y': policy_file = optarg; break;
		case 'Y': dir = optarg; break;
		case 'f': fopts[nf++] = optarg; break;
		case 'k': ics[nics++] = optarg; break;
		case 'r': rules = optarg; break;
		case 't':
		case 'd':
			if (date_parse(optarg, strlen(optarg), 0, c == 't' ? &io.until : &today, &why) !=
			    (long)strlen(optarg)) {
				fprintf(stderr, "%s: bad date: %s\n", prog, optarg);
				return 2;
			}
			break;
		case 'a':
			unsigned_after = strtol(optarg, &endp, 10);
			if (*endp || endp == optarg || unsigned_after < 0) {
				fprintf(stderr, "%s: --unsigned-after needs days: %s\n", prog, optarg);
				return 2;
			}
			break;
		case 'h': usage(stdout, 0); break;
		case 'V': printf("%s %s\n", prog, TALLY_VERSION); return 0;
		default: usage(stderr, 2);
		}
	}
	if (today == DATE_NONE)
		today = date_today();
	if (nics && (!rules || format != F_TXT || list_unsigned)) {
		fprintf(stderr, "%s: --reconcile needs --rules FILE%s\n", prog,
			rules ? " and writes text only (no -O, no --unsigned)" : "");
		usage(stderr, 2);
	}
	io.stop = today - 1;
	if (nics && !(rc = reconcile_open(ics, nics, rules, &io, &e))) {
		terr_print(prog, &e);
		free(ics);
		free(fopts);
		return 1;
	}
	if (only_client)
		clients_slug((struct span){only_client, strlen(only_client)}, only_id, sizeof only_id);
	sopts = (struct scount_opts){begin, end, only_client ? only_id : NULL};
	if (policy_file) {
		if (!(p = policy_load(policy_file, &e))) {
			terr_print(prog, &e);
			free(fopts);
			return 1;
		}
		global_notice = p->notice;
		policy_free(p);
		bopts.policy_file = policy_file;
	}
	bopts.policy_dir = dir;
	bopts.report_only = true;  /* counts: no copy of the input, no "session n of m" */
	policy_dir = dir ? xstrdup(dir) : policy_sharedir("policies");
	{
		/* Operands that are not files are hledger query terms (lib/query.c). */
		char **ops;
		size_t nops;

		if (query_operands(argc - optind, argv + optind, nf > 0, &ops, &nops, &query, &e) < 0) {
			terr_print(prog, &e);
			reconcile_free(rc);
			free(ics);
			return 2;
		}
		nfiles = input_files(fopts, nf, ops, nops, &files);
		free(ops);
	}
	{
		struct terr ce;

		if (wpath_check_stdout(files, nfiles, &ce) < 0) {  /* `>> JOURNAL` */
			terr_print(prog, &ce);
			input_free(files, nfiles);
			query_free(query);
			reconcile_free(rc);
			free(ics);
			return 2;
		}
	}
	chart_clients_opts(&chart, &bopts.accts);
	if (!(b = book_new(&bopts, &e)) || book_input(b, files, nfiles, &e) < 0) {
		terr_print(prog, &e);
		book_free(b);
		query_free(query);
		reconcile_free(rc);
		free(ics);
		input_free(files, nfiles);
		free(policy_dir);
		free(fopts);
		return 1;
	}
	o = out_open(stdout);
	pass.limit = end;
	quick = query_empty(query) && !rc && !list_unsigned && !getenv("TALLY_BOOK_REREAD");
	if (quick)
		pass.added = learned;
	/* pass 1: the entries before the period's end; scan says its errors */
	status = book_learn(b, files, nfiles, &pass);
	asof = end != DATE_NONE ? end - 1 : pass.last;
	if (book_settle(b, asof == DATE_NONE ? asof : asof + 1) > 0)
		status = 1;
	if (quick && (status || slow || walk(b) < 0)) {
		quick = false;
		scounts_reset(&counts);
		book_rewind(b);
	}
	if (quick)
		;  /* counted: the input is read once */
	else if (book_rewind_stdin(files, nfiles, &e) < 0) {
		terr_print(prog, &e);
		status = 1;
	} else if (scan(files, nfiles, b, o))
		status = 1;
	if (!status && only_client && !clients_find(book_clients(b),
						    (struct span){only_client, strlen(only_client)})) {
		fprintf(stderr, "%s: unknown client: %s\n", prog, only_client);
		status = 1;
	}
	if (!status) {
		scounts_expiries(&counts, b, &sopts);
		n = scounts_report(&counts, b, asof, &sopts, &v);
		if (rc) {
			struct reconcile_opts ro = {begin, end, (long long)today * 1440,
						    only_client ? only_id : NULL};

			if (reconcile_report(rc, &ro, o, &e) < 0) {
				terr_print(prog, &e);
				status = 1;
			}
		} else if (!list_unsigned && format == F_TXT)
			write_txt(o, v, n);
		else if (!list_unsigned)
			write_rows(o, v, n);
		for (size_t i = 0; i < n; i++)
			for (size_t k = 0; k < row_of(v[i])->nwarn; k++)
				fprintf(stderr, "%s: %s\n", prog, row_of(v[i])->warn[k]);
	}
	if (status)
		out_abort(o);
	else if (out_commit(o) < 0)
		status = 1;
	free(v);
	scounts_free(&counts);
	for (size_t i = 0; i < nnamed; i++)
		free(named[i].name);
	free(named);
	free(policy_dir);
	reconcile_free(rc);
	free(ics);
	book_free(b);
	input_free(files, nfiles);
	query_free(query);
	free(fopts);
	if (fshut_stdout(prog) < 0)
		status = 1;
	commodity_reset();
	return status;
}
