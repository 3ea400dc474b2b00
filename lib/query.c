/*
 * query.c: hledger's query terms, for the report commands (and so for `hledger tally CMD
 * QUERY`). A term is `date:PERIOD`, `date:A..B`, `acct:RE`, `desc:RE`, `payee:RE`, `code:RE`,
 * `cur:RE`, `amt:[<|<=|>|>=|=]N`, `tag:NAME[=RE]`, `status:[*!]` or a bare RE (an account);
 * also `date2:`, `note:`, `sym:`, `real:` and `depth:N` (kept for the report, as --depth);
 * `not:` before any of them negates it. As in
 * hledger, any description term, any account term and any status term must match, and
 * all the other terms. Regular expressions are PCRE2, case-insensitive, found anywhere in
 * the text (cur: and sym: match the whole symbol). A report on postings (balance) asks
 * query_posting; one on entries (print, aging, statements) asks query_txn, as hledger print.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "tally.h"

enum qkind {
	Q_DATE, Q_DATE2, Q_ACCT, Q_DESC, Q_PAYEE, Q_NOTE, Q_CODE, Q_CUR, Q_AMT, Q_TAG, Q_STATUS,
	Q_REAL, Q_NKIND
};

struct qterm {
	enum qkind kind;
	bool neg;
	struct regex *re;     /* acct, desc, payee, code, cur; tag: the name */
	struct regex *val;    /* tag: the value, or NULL */
	tdate begin, end;     /* date: [begin, end), DATE_NONE when open */
	int op;               /* amt: '<', 'l' (<=), '>', 'g' (>=), '=' */
	bool abs;             /* amt: no sign given, compare the magnitude */
	struct amount n;      /* amt */
	char status;          /* status: 0 (none), '*' or '!' */
};

struct query {
	struct qterm *t;
	size_t n;
	int depth;            /* depth:N, for the report to fold accounts; 0 = none */
};

static const struct {
	const char *prefix;
	enum qkind kind;
} prefixes[] = {
	{"date:", Q_DATE}, {"date2:", Q_DATE2}, {"acct:", Q_ACCT}, {"desc:", Q_DESC},
	{"payee:", Q_PAYEE}, {"note:", Q_NOTE}, {"code:", Q_CODE}, {"cur:", Q_CUR},
	{"sym:", Q_CUR}, {"amt:", Q_AMT}, {"tag:", Q_TAG}, {"status:", Q_STATUS},
	{"real:", Q_REAL},
};

/* hledger's other query types: refused rather than read as an account pattern. */
static const char *const unsupported[] = {"type:", "expr:", "any:", "all:", NULL};

static struct regex *
compile(const char *s, size_t n, const char *term, struct terr *e)
{
	char why[300];
	struct regex *r = regex_compile(s, n, why, sizeof why);

	if (!r)
		terr_set(e, NULL, 0, "bad query term %s: %s", term, why);
	return r;
}

/* A period expression (lib/period.c): a date, a period, A..B, thismonth, from A to B. */
static int
parse_date(struct qterm *q, const char *v, const char *term, struct terr *e)
{
	if (period_parse(v, &q->begin, &q->end) == 0)
		return 0;
	terr_set(e, NULL, 0, "bad query term %s: a date, a period or DATE..DATE expected", term);
	return -1;
}

static int
parse_amt(struct qterm *q, const char *v, const char *term, struct terr *e)
{
	const char *why;
	long k;

	q->op = '=';
	if (v[0] == '<' || v[0] == '>') {
		q->op = v[1] == '=' ? (v[0] == '<' ? 'l' : 'g') : v[0];
		v += v[1] == '=' ? 2 : 1;
	} else if (v[0] == '=') {
		v++;
	}
	q->abs = v[0] != '-' && v[0] != '+';
	k = amount_parse(v, strlen(v), &q->n, false, &why);
	if (k < 0 || (size_t)k != strlen(v) || q->n.com) {
		terr_set(e, NULL, 0, "bad query term %s: a number expected", term);
		return -1;
	}
	if (amount_is_zero(&q->n))  /* amt:<0 compares signed numbers, as hledger does */
		q->abs = false;
	return 0;
}

/* depth:N is not a filter but the report's --depth: kept aside, the term matches all. */
static int
parse_depth(struct query *qq, struct qterm *q, const char *v, const char *term, struct terr *e)
{
	long n = 0;

	for (const char *c = v; *c; c++)
		if (*c < '0' || *c > '9' || (n = n * 10 + (*c - '0')) > 1000)
			n = -1;
	if (!*v || n < 1 || q->neg) {
		terr_set(e, NULL, 0, "bad query term %s: depth:N with N a level from 1", term);
		return -1;
	}
	q->kind = Q_NKIND;
	if (!qq->depth || n < qq->depth)
		qq->depth = (int)n;
	return 0;
}

static int
parse_term(struct query *qq, struct qterm *q, const char *term, struct terr *e)
{
	const char *v = term;
	size_t i;

	memset(q, 0, sizeof *q);
	while (strncmp(v, "not:", 4) == 0) {
		q->neg = !q->neg;
		v += 4;
	}
	if (strncmp(v, "depth:", 6) == 0)
		return parse_depth(qq, q, v + 6, term, e);
	for (i = 0; unsupported[i]; i++)
		if (strncmp(v, unsupported[i], strlen(unsupported[i])) == 0) {
			terr_set(e, NULL, 0, "bad query term %s: %s is not supported here", term,
				 unsupported[i]);
			return -1;
		}
	q->kind = Q_ACCT;
	for (i = 0; i < sizeof prefixes / sizeof *prefixes; i++) {
		size_t k = strlen(prefixes[i].prefix);

		if (strncmp(v, prefixes[i].prefix, k) == 0) {
			q->kind = prefixes[i].kind;
			v += k;
			break;
		}
	}
	switch (q->kind) {
	case Q_DATE:
	case Q_DATE2:
		return parse_date(q, v, term, e);
	case Q_REAL:
		if (strcmp(v, "") != 0 && strcmp(v, "1") != 0 && strcmp(v, "0") != 0) {
			terr_set(e, NULL, 0, "bad query term %s: real:, real:1 or real:0", term);
			return -1;
		}
		q->status = v[0] == '0' ? 0 : 1;
		return 0;
	case Q_CUR: {
		/* cur: matches the whole symbol, as in hledger. */
		char *full = xmalloc(strlen(v) + 9);
		struct regex *r;

		sprintf(full, "^(?:%s)$", v);
		r = compile(full, strlen(full), term, e);
		free(full);
		return (q->re = r) ? 0 : -1;
	}
	case Q_AMT:
		return parse_amt(q, v, term, e);
	case Q_STATUS:
		if ((v[0] && v[0] != '*' && v[0] != '!') || (v[0] && v[1])) {
			terr_set(e, NULL, 0, "bad query term %s: status:*, status:! or status:", term);
			return -1;
		}
		q->status = v[0];
		return 0;
	case Q_TAG: {
		const char *eq = strchr(v, '=');

		if (!(q->re = compile(v, eq ? (size_t)(eq - v) : strlen(v), term, e)))
			return -1;
		if (eq && !(q->val = compile(eq + 1, strlen(eq + 1), term, e)))
			return -1;
		return 0;
	}
	default:
		return (q->re = compile(v, strlen(v), term, e)) ? 0 : -1;
	}
}

struct query *
query_parse(char *const *terms, size_t n, struct terr *e)
{
	struct query *q = xcalloc(1, sizeof *q);

	q->t = xcalloc(n ? n : 1, sizeof *q->t);
	for (size_t i = 0; i < n; i++) {
		if (parse_term(q, &q->t[q->n], terms[i], e) < 0) {
			q->n++;
			query_free(q);
			return NULL;
		}
		q->n++;
	}
	return q;
}

void
query_free(struct query *q)
{
	if (!q)
		return;
	for (size_t i = 0; i < q->n; i++) {
		regex_free(q->t[i].re);
		regex_free(q->t[i].val);
	}
	free(q->t);
	free(q);
}

bool
query_empty(const struct query *q)
{
	return !q || q->n == 0;
}

int
query_depth(const struct query *q)
{
	return q ? q->depth : 0;
}

static bool
re_match(const struct regex *r, const char *s, size_t n)
{
	return regex_match(r, s, n) == 1;
}

struct tagq {
	const struct qterm *q;
	bool found;
};

static int
tag_fn(struct span key, struct span value, void *arg)
{
	struct tagq *t = arg;

	if (re_match(t->q->re, key.p, key.n) && (!t->q->val || re_match(t->q->val, value.p, value.n)))
		t->found = true;
	return t->found;
}

static struct span
trim(struct span p)
{
	while (p.n && (*p.p == ' ' || *p.p == '\t'))
		p.p++, p.n--;
	while (p.n && (p.p[p.n - 1] == ' ' || p.p[p.n - 1] == '\t'))
		p.n--;
	return p;
}

/* hledger's payee and note: the description before and after a `|`, else all of it. */
static struct span
payee(const struct txn *t, bool note)
{
	struct span p = t->desc;
	const char *bar = p.n ? memchr(p.p, '|', p.n) : NULL;

	if (bar && note)
		return trim((struct span){bar + 1, (size_t)(p.p + p.n - bar - 1)});
	if (bar)
		p.n = (size_t)(bar - p.p);
	return trim(p);
}

static bool
amt_match(const struct qterm *q, const struct amount *a)
{
	struct amount x = *a, n = q->n;
	int c;

	if (q->abs && amount_sign(&x) < 0)
		amount_neg(&x);
	n.com = x.com;
	c = amount_cmp(&x, &n);
	switch (q->op) {
	case '<': return c < 0;
	case 'l': return c <= 0;
	case '>': return c > 0;
	case 'g': return c >= 0;
	default: return c == 0;
	}
}

/* One term on a posting of t (p may be NULL: terms about postings then hold), not: aside. */
static bool
term_raw(const struct qterm *q, const struct txn *t, const struct posting *p)
{
	bool m = true;

	switch (q->kind) {
	case Q_DATE:
		m = (q->begin == DATE_NONE || t->date >= q->begin) &&
		    (q->end == DATE_NONE || t->date < q->end);
		break;
	case Q_DESC:
		m = re_match(q->re, t->desc.p ? t->desc.p : "", t->desc.n);
		break;
	case Q_DATE2: {
		tdate d = t->date2 != DATE_NONE ? t->date2 : t->date;

		m = (q->begin == DATE_NONE || d >= q->begin) && (q->end == DATE_NONE || d < q->end);
		break;
	}
	case Q_PAYEE:
	case Q_NOTE: {
		struct span s = payee(t, q->kind == Q_NOTE);

		m = re_match(q->re, s.p ? s.p : "", s.n);
		break;
	}
	case Q_REAL:
		if (p)
			m = (p->virt == P_REAL) == (q->status == 1);
		break;
	case Q_CODE:
		m = re_match(q->re, t->code.p ? t->code.p : "", t->code.n);
		break;
	case Q_STATUS:
		m = (p && p->status ? p->status : t->status) == q->status;
		break;
	case Q_ACCT:
		if (p)
			m = re_match(q->re, p->acct, p->acct_len);
		break;
	case Q_CUR:
		if (p) {
			const char *c = commodity_name(p->amt.com);

			m = re_match(q->re, c, strlen(c));
		}
		break;
	case Q_AMT:
		if (p)
			m = amt_match(q, &p->amt);
		break;
	case Q_TAG: {
		struct tagq tq = {q, false};

		if (p)
			tag_each(p->comment, tag_fn, &tq);
		if (!tq.found)
			tag_each(t->comment, tag_fn, &tq);
		m = tq.found;
		break;
	}
	case Q_NKIND:
		break;
	}
	return m;
}

/*
 * One term on a whole entry, as hledger's print and aregister read it: a term about
 * postings holds when any posting satisfies it (so not:acct:X: no posting in X, and an
 * event, without postings, matches none); tags are the entry's and its postings'; the
 * status is the entry's own; real: asks whether the entry has a real posting.
 */
static bool
term_entry(const struct qterm *q, const struct txn *t)
{
	bool m = false;

	switch (q->kind) {
	case Q_TAG:
		m = term_raw(q, t, NULL);
		/* fall through */
	case Q_ACCT: case Q_CUR: case Q_AMT:
		for (size_t i = 0; i < t->np && !m; i++)
			m = term_raw(q, t, &t->p[i]);
		return m;
	case Q_REAL:
		for (size_t i = 0; i < t->np && !m; i++)
			m = t->p[i].virt == P_REAL;
		return m == (q->status == 1);
	case Q_STATUS:
		return t->status == q->status;
	default:
		return term_raw(q, t, NULL);
	}
}

enum { ON_POSTING, ON_ENTRY, ON_ENTRY_UNDATED };

/*
 * hledger's rule: any of the description terms, any of the account terms, any of the
 * status terms, and all the other terms (negated ones included). ON_ENTRY_UNDATED leaves
 * out the date: terms that query_period turns into the report's period.
 */
static bool
combine(const struct query *q, const struct txn *t, const struct posting *p, int on)
{
	bool any[Q_NKIND] = {0}, seen[Q_NKIND] = {0};

	if (!q)
		return true;
	for (size_t i = 0; i < q->n; i++) {
		const struct qterm *x = &q->t[i];
		bool m;

		if (on == ON_ENTRY_UNDATED && x->kind == Q_DATE && !x->neg)
			continue;
		m = (on == ON_POSTING ? term_raw(x, t, p) : term_entry(x, t)) != x->neg;
		if (x->neg || (x->kind != Q_DESC && x->kind != Q_ACCT && x->kind != Q_STATUS)) {
			if (!m)
				return false;
			continue;
		}
		seen[x->kind] = true;
		any[x->kind] = any[x->kind] || m;
	}
	for (int k = 0; k < Q_NKIND; k++)
		if (seen[k] && !any[k])
			return false;
	return true;
}

bool
query_posting(const struct query *q, const struct txn *t, const struct posting *p)
{
	return combine(q, t, p, ON_POSTING);
}

bool
query_txn(const struct query *q, const struct txn *t)
{
	return query_empty(q) || combine(q, t, NULL, ON_ENTRY);
}

bool
query_txn_undated(const struct query *q, const struct txn *t)
{
	return query_empty(q) || combine(q, t, NULL, ON_ENTRY_UNDATED);
}

void
query_period(const struct query *q, tdate *begin, tdate *end)
{
	for (size_t i = 0; q && i < q->n; i++) {
		const struct qterm *x = &q->t[i];

		if (x->kind != Q_DATE || x->neg)
			continue;
		if (x->begin != DATE_NONE && (*begin == DATE_NONE || x->begin > *begin))
			*begin = x->begin;
		if (x->end != DATE_NONE && (*end == DATE_NONE || x->end < *end))
			*end = x->end;
	}
}

/*
 * An operand that names no file but looks like a path (a '/' or a journal's extension, and
 * no query prefix) is still a file, so that a mistyped name is reported missing rather
 * than taken as an account pattern, leaving the report to read standard input.
 */
static bool
looks_like_path(const char *s)
{
	static const char *const ext[] = {".journal", ".ledger", ".hledger", ".j", ".dat",
					  ".timeclock", ".timedot", ".csv", NULL};
	size_t n = strlen(s);

	if (strchr(s, ':'))
		return false;
	if (strchr(s, '/'))
		return true;
	for (size_t i = 0; ext[i]; i++) {
		size_t k = strlen(ext[i]);

		if (n > k && strcmp(s + n - k, ext[i]) == 0)
			return true;
	}
	return false;
}

int
query_operands(int argc, char **argv, bool have_f, char ***ops, size_t *nops,
	       struct query **q, struct terr *e)
{
	struct stat st;
	char **terms = xcalloc((size_t)argc + 1, sizeof *terms);
	size_t nterms = 0;

	*ops = xcalloc((size_t)argc + 1, sizeof **ops);
	*nops = 0;
	for (int i = 0; i < argc; i++) {
		if (!have_f && (strcmp(argv[i], "-") == 0 || stat(argv[i], &st) == 0 ||
				looks_like_path(argv[i])))
			(*ops)[(*nops)++] = argv[i];
		else
			terms[nterms++] = argv[i];
	}
	*q = query_parse(terms, nterms, e);
	free(terms);
	if (!*q) {
		free(*ops);
		*ops = NULL;
		return -1;
	}
	return 0;
}
