/*
 * timelog.c: time logs read as hours. Timeclock lines (`i DATE TIME ACCOUNT  DESC`, `o DATE
 * TIME [ACCOUNT]`, ledger's and hledger's) and hledger's timedot days (a date line, then
 * `ACCOUNT  .... ..` lines) become entries of virtual postings in hours, so balances show the
 * time as both tools do. A session is rounded to 0.01 h (half to even), split at midnight,
 * as hledger does; ledger keeps seconds but shows the same hundredths.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "internal.h"

static bool
is_ws(char c)
{
	return c == ' ' || c == '\t';
}

static const char *
skip_ws(const char *p, const char *e)
{
	while (p < e && is_ws(*p))
		p++;
	return p;
}

/* End of an account name: two spaces, a tab, or the end. */
static const char *
account_end(const char *p, const char *e)
{
	const char *q = p;

	while (q < e && *q != '\t' && !(*q == ' ' && q + 1 < e && q[1] == ' ') &&
	       !(*q == ' ' && q + 1 == e))
		q++;
	return q;
}

static int
two_digits(const char *p, const char *e, int max)
{
	if (e - p < 2 || p[0] < '0' || p[0] > '9' || p[1] < '0' || p[1] > '9')
		return -1;
	int v = (p[0] - '0') * 10 + p[1] - '0';

	return v > max ? -1 : v;
}

/* ledger's MM/DD/YYYY (its timelog tests use it): bytes read, or -1. */
static long
us_date(const char *p, const char *e, tdate *day)
{
	int v[3] = {0, 0, 0}, i = 0;
	const char *q = p, *d;

	for (; i < 3; i++) {
		for (d = q; q < e && *q >= '0' && *q <= '9' && q - d < 4; q++)
			v[i] = v[i] * 10 + (*q - '0');
		if (q == d || (i < 2 && (q >= e || *q != '/')) || (i == 2 && q - d != 4))
			return -1;
		if (i < 2)
			q++;
	}
	if (!date_valid_ymd(v[2], v[0], v[1]))
		return -1;
	*day = date_from_ymd(v[2], v[0], v[1]);
	return (long)(q - p);
}

/* DATE HH:MM[:SS][+-ZZZZ] into seconds; the zone is read and ignored, as hledger does. */
static const char *
parse_stamp(struct journal *j, const char *p, const char *e, long line, long long *at,
	    tdate *day)
{
	const char *why;
	long k = date_parse(p, (size_t)(e - p), j->year, day, &why);
	int h, m, s = 0;

	if (k < 0 && (k = us_date(p, e, day)) < 0) {
		journal_fail(j, line, "%s", why);
		return NULL;
	}
	p = skip_ws(p + k, e);
	if ((h = two_digits(p, e, 23)) < 0 || e - p < 5 || p[2] != ':' ||
	    (m = two_digits(p + 3, e, 59)) < 0) {
		journal_fail(j, line, "timeclock: time HH:MM[:SS] expected");
		return NULL;
	}
	p += 5;
	if (p < e && *p == ':') {
		if ((s = two_digits(p + 1, e, 59)) < 0) {
			journal_fail(j, line, "timeclock: bad seconds");
			return NULL;
		}
		p += 3;
	}
	if (p < e && (*p == '+' || *p == '-') && e - p >= 5)
		p += 5;
	if (p < e && !is_ws(*p)) {
		journal_fail(j, line, "timeclock: bad time");
		return NULL;
	}
	*at = (long long)*day * 86400 + h * 3600 + m * 60 + s;
	return skip_ws(p, e);
}

/* Hours of `secs` seconds at two decimals, half to even. */
static struct amount
hours(long long secs)
{
	long long q = secs / 36, r = secs % 36;

	if (r * 2 > 36 || (r * 2 == 36 && (q & 1)))
		q++;
	return (struct amount){q, 2, 0};
}

static int
hours_commodity(void)
{
	int com = commodity_intern("h", 1);
	struct cstyle *st = commodity_style(com);

	if (!st->declared && !st->mark_known) {
		st->decimal = '.';
		st->mark_known = true;
		if (st->prec < 2)
			st->prec = 2;
	}
	return com;
}

static void
txn_begin(struct journal *j, tdate date)
{
	struct posting *keep = j->txn.p;

	memset(&j->txn, 0, sizeof j->txn);
	j->txn.p = keep;
	j->txn.date = date;
	j->txn.date2 = DATE_NONE;
	j->arena_len = 0;
}

static void
add_hours(struct journal *j, const char *acct, size_t n, struct amount a, long line)
{
	struct posting *po = txn_new_posting(j);

	po->account.p = po->acct = acct;
	po->account.n = po->acct_len = n;
	po->virt = P_VIRTUAL;
	po->has_amount = true;
	po->amt = a;
	po->line = line;
}

static void
clockin_free(struct clockin *c)
{
	free(c->acct);
	free(c->desc);
}

void
timelog_free(struct journal *j)
{
	for (size_t i = 0; i < j->nclock; i++)
		clockin_free(&j->clock[i]);
	free(j->clock);
	clockin_free(&j->clock_done);
}

/* Closes open session k at `at` (seconds): *it becomes its entry of hours. */
static int
clock_out(struct journal *j, struct jitem *it, size_t k, long long at)
{
	struct clockin *c = &j->clock[k];
	long long from;

	clockin_free(&j->clock_done);
	j->clock_done = *c;
	memmove(c, c + 1, (j->nclock - k - 1) * sizeof *c);
	j->nclock--;
	c = &j->clock_done;

	txn_begin(j, (tdate)(c->at / 86400));
	j->txn.status = '*';
	j->txn.desc.p = c->desc;
	j->txn.desc.n = strlen(c->desc);
	int com = hours_commodity();

	/* hledger splits a session at midnight and rounds each day's part. */
	for (from = c->at; from < at || from == c->at;) {
		long long midnight = (from / 86400 + 1) * 86400;
		long long to = at < midnight ? at : midnight;
		struct amount h = hours(to - from);

		h.com = com;
		add_hours(j, c->acct, strlen(c->acct), h, it->line);
		from = to;
		if (from >= at)
			break;
	}
	it->kind = J_TIMELOG;
	it->txn = &j->txn;
	return txn_run(j);
}

int
timeclock_item(struct journal *j, struct jitem *it)
{
	const char *p = it->word.p + it->word.n, *e = memchr(p, '\n', it->len - (size_t)(p - it->text));
	bool in = it->word.p[0] == 'i';
	long long at;
	tdate day;
	const char *a, *ae, *d;
	struct clockin *c;
	size_t k;

	if (!e)
		e = it->text + it->len;
	if (e > p && e[-1] == '\r')
		e--;
	if (!(p = parse_stamp(j, skip_ws(p, e), e, it->line, &at, &day)))
		return -1;
	a = p;
	ae = account_end(a, e);
	if (ae > a && *a == ';')
		ae = a;
	if (in) {
		if (ae == a) {
			journal_fail(j, it->line, "timeclock: clock-in without an account");
			return -1;
		}
		for (k = 0; k < j->nclock; k++)
			if (strlen(j->clock[k].acct) == (size_t)(ae - a) &&
			    memcmp(j->clock[k].acct, a, (size_t)(ae - a)) == 0) {
				journal_fail(j, it->line, "timeclock: %s is clocked in already (line %ld)",
					     j->clock[k].acct, j->clock[k].line);
				return -1;
			}
		d = skip_ws(ae, e);
		const char *de = d;

		while (de < e && !(*de == ';' && (de == d || is_ws(de[-1]))))
			de++;
		while (de > d && is_ws(de[-1]))
			de--;
		j->clock = xrealloc(j->clock, (j->nclock + 1) * sizeof *j->clock);
		c = &j->clock[j->nclock++];
		c->acct = xstrndup(a, (size_t)(ae - a));
		c->desc = xstrndup(d, (size_t)(de - d));
		c->at = at;
		c->file = it->file;
		c->line = it->line;
		return 0;
	}
	/*
	 * o: the only open session (ledger reads the rest of the line as a note then), else the
	 * one named, else the latest one opened (hledger).
	 */
	if (j->nclock == 0) {
		journal_fail(j, it->line, "timeclock: clock-out without a clock-in");
		return -1;
	}
	k = j->nclock - 1;
	if (ae > a && j->nclock > 1) {
		for (k = 0; k < j->nclock; k++)
			if (strlen(j->clock[k].acct) == (size_t)(ae - a) &&
			    memcmp(j->clock[k].acct, a, (size_t)(ae - a)) == 0)
				break;
		if (k == j->nclock) {
			journal_fail(j, it->line, "timeclock: clock-out matches no open clock-in: %.*s",
				     (int)(ae - a), a);
			return -1;
		}
	}
	c = &j->clock[k];
	if (at < c->at) {
		journal_fail(j, it->line, "timeclock: clock-out before its clock-in (line %ld)",
			     c->line);
		return -1;
	}
	return clock_out(j, it, k, at);
}

/*
 * Now as the log writes it: local time, seconds since 1970-01-01 00:00. A session opened
 * after now counts 0 h (hledger; ledger refuses it).
 */
static long long
now_local(void)
{
	time_t t = time(NULL);
	struct tm tm;

	localtime_r(&t, &tm);
	return (long long)date_from_ymd(tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday) * 86400 +
	       tm.tm_hour * 3600 + tm.tm_min * 60 + tm.tm_sec;
}

int
timeclock_end(struct journal *j, struct jitem *it)
{
	long long now;

	if (j->nclock == 0)
		return 0;
	now = now_local();
	memset(it, 0, sizeof *it);
	it->file = j->clock[0].file;
	it->line = j->clock[0].line;
	it->text = "";
	return clock_out(j, it, 0, now > j->clock[0].at ? now : j->clock[0].at) < 0 ? -1 : 1;
}

/* ---- timedot ---- */

/* After optional org heading stars ("** "), where the line's content begins. */
static const char *
org_strip(const char *p, const char *e)
{
	const char *q = p;

	while (q < e && *q == '*')
		q++;
	if (q > p && q < e && *q == ' ')
		return skip_ws(q, e);
	return p;
}

bool
timedot_date_line(const char *p, size_t n)
{
	const char *e = p + n, *q = org_strip(p, e);
	int groups = 0;

	while (groups < 3) {
		const char *d = q;

		while (q < e && *q >= '0' && *q <= '9')
			q++;
		if (q == d)
			return false;
		if (++groups < 3) {
			if (q >= e || (*q != '-' && *q != '/' && *q != '.'))
				return false;
			q++;
		}
	}
	return q == e || is_ws(*q) || *q == '\n' || *q == '\r' || *q == ';';
}

/* hledger's units, as hours (TimedotReader.hs's table, rounded there to 0.01). */
static const struct {
	const char *unit;
	const char *hours;
} units[] = {
	{"s", "0.0002777777777777778"}, {"mo", "5040"}, {"m", "0.016666666666666666"},
	{"h", "1"}, {"d", "24"}, {"w", "168"}, {"y", "61320"},
};

static int
round2(struct amount *a)
{
	tnum div = 1, q, r;

	if (a->scale <= 2)
		return amount_rescale(a, 2);
	for (int i = 2; i < a->scale; i++)
		div *= 10;
	q = a->q / div;
	r = a->q % div;
	if (r < 0)
		r = -r;
	if (r * 2 > div || (r * 2 == div && (q & 1)))
		q += a->q < 0 ? -1 : 1;
	a->q = q;
	a->scale = 2;
	return 0;
}

/* One posting line's quantity; adds its postings. */
static int
timedot_amount(struct journal *j, const char *acct, size_t an, const char *p, const char *e,
	       long line, int com)
{
	struct amount a = {0, 2, com};

	if (p < e && (*p == '.' || (*p >= '0' && *p <= '9')) &&
	    !(p[0] == '.' && (p + 1 >= e || p[1] < '0' || p[1] > '9'))) {
		const char *q = p;

		while (q < e && ((*q >= '0' && *q <= '9') || *q == '.'))
			q++;
		if (amount_parse_plain(p, (size_t)(q - p), &a) < 0) {
			journal_fail(j, line, "timedot: bad quantity: %.*s", (int)(q - p), p);
			return -1;
		}
		for (size_t u = 0; u < sizeof units / sizeof *units; u++) {
			size_t un = strlen(units[u].unit);
			struct amount m;

			if ((size_t)(e - q) >= un && memcmp(q, units[u].unit, un) == 0) {
				amount_parse_plain(units[u].hours, strlen(units[u].hours), &m);
				if (amount_mul(&a, &a, &m) < 0 || round2(&a) < 0) {
					journal_fail(j, line, "amount too large to hold exactly");
					return -1;
				}
				q += un;
				break;
			}
		}
		if (a.scale < 2)
			amount_rescale(&a, 2);
		a.com = com;
		p = skip_ws(q, e);
	} else if (p < e && *p == '.') {
		for (; p < e && (*p == '.' || is_ws(*p)); p++)
			a.q += *p == '.' ? 25 : 0;
	} else if (p < e && ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z'))) {
		/* Letters: a quarter hour each, one posting per letter (hledger's `t:` tag). */
		long n[52] = {0};

		for (; p < e && (is_ws(*p) || (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z')); p++)
			if (!is_ws(*p))
				n[*p >= 'a' ? *p - 'a' + 26 : *p - 'A']++;
		if (p < e && *p != ';') {
			journal_fail(j, line, "timedot: bad quantity");
			return -1;
		}
		for (int i = 0; i < 52; i++)
			if (n[i])
				add_hours(j, acct, an, (struct amount){(tnum)n[i] * 25, 2, com}, line);
		return 0;
	}
	if (p < e && *p != ';') {
		journal_fail(j, line, "timedot: bad quantity: %.*s", (int)(e - p > 20 ? 20 : e - p), p);
		return -1;
	}
	add_hours(j, acct, an, a, line);
	return 0;
}

int
timedot_item(struct journal *j, struct jitem *it)
{
	const char *p = it->text, *end = it->text + it->len, *nl, *e, *why;
	long ln = it->line;
	long k;
	tdate date;
	int com = commodity_default();
	struct cstyle *st = commodity_style(com);

	if (st->prec < 2 && !st->declared)
		st->prec = 2;
	nl = memchr(p, '\n', it->len);
	if (!nl)
		nl = end;
	e = nl > p && nl[-1] == '\r' ? nl - 1 : nl;
	p = org_strip(p, e);
	if ((k = date_parse(p, (size_t)(e - p), j->year, &date, &why)) < 0) {
		journal_fail(j, ln, "%s", why);
		return -1;
	}
	txn_begin(j, date);
	j->txn.status = '*';
	p = skip_ws(p + k, e);
	j->txn.desc.p = p;
	while (p < e && !(*p == ';' && (p == j->txn.desc.p || is_ws(p[-1]))))
		p++;
	j->txn.desc.n = (size_t)(p - j->txn.desc.p);
	while (j->txn.desc.n && is_ws(j->txn.desc.p[j->txn.desc.n - 1]))
		j->txn.desc.n--;
	if (p < e) {
		j->txn.comment.p = p;
		j->txn.comment.n = (size_t)(e - p);
	}
	j->txn.comment_line = it->line;
	for (p = nl + 1; p < end; p = nl + 1) {
		const char *a, *ae;

		ln++;
		nl = memchr(p, '\n', (size_t)(end - p));
		if (!nl)
			nl = end;
		e = nl > p && nl[-1] == '\r' ? nl - 1 : nl;
		p = org_strip(skip_ws(p, e), e);
		if (p >= e || *p == '#' || *p == ';')
			continue;
		a = p;
		ae = account_end(a, e);
		while (ae > a && is_ws(ae[-1]))
			ae--;
		for (const char *s = a; s < ae; s++)
			if (*s == ';' && (s == a || is_ws(s[-1]))) {
				ae = s;
				while (ae > a && is_ws(ae[-1]))
					ae--;
				break;
			}
		if (timedot_amount(j, a, (size_t)(ae - a), skip_ws(account_end(a, e), e), e, ln,
				   com) < 0)
			return -1;
	}
	it->kind = J_TIMELOG;
	it->txn = &j->txn;
	return txn_run(j);
}
