/*
 * txn.c: reads one entry (header, comment lines, postings) into struct txn, infers the
 * elided amount, checks that the entry balances, and keeps running balances for
 * assertions and assignments when asked to. The meaning follows ledger 3.3 and hledger 1.25
 * where they agree.
 */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "acctint.h"
#include "amemo.h"


static bool
is_ws(char c)
{
	return c == ' ' || c == '\t';
}

/*
 * The first byte at or after p (p <= e) that is neither a space nor a tab, or e. Sixteen
 * bytes a step: an entry's text lies in a source's buffer, readable past its end (SRC_PAD,
 * internal.h), so a line's short rest needs no byte loop. The byte at e is never blank
 * (a newline, a CR, the buffer's zeros past its end, a lot price's '}'): the first byte
 * found is at e at the latest, and needs no clamp to it.
 */
static inline const char *
skip_ws(const char *p, const char *e)
{
#ifdef __SSE2__
	const __m128i sp = _mm_set1_epi8(' '), tab = _mm_set1_epi8('\t');

	for (;; p += 16) {
		__m128i v = _mm_loadu_si128((const __m128i *)(const void *)p);
		unsigned m = (unsigned)_mm_movemask_epi8(_mm_or_si128(_mm_cmpeq_epi8(v, sp),
								      _mm_cmpeq_epi8(v, tab))) ^ 0xffffu;

		if (m)
			return p + __builtin_ctz(m);
		if (e - p <= 16)
			return e;
	}
#else
	while (p < e && is_ws(*p))
		p++;
	return p;
#endif
}

/* find_byte within an entry's line (p <= e): past e as skip_ws reads, no overlapping last
 * step. */
static inline const char *
line_find(const char *p, const char *e, char c)
{
#ifdef __SSE2__
	const __m128i cc = _mm_set1_epi8(c);

	for (;; p += 16) {
		unsigned m = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(
			_mm_loadu_si128((const __m128i *)(const void *)p), cc));

		if (m)
			return p + __builtin_ctz(m) < e ? p + __builtin_ctz(m) : NULL;
		if (e - p <= 16)
			return NULL;
	}
#else
	return find_byte(p, e, c);
#endif
}

static inline struct posting *
new_posting(struct journal *j)
{
	struct txn *t = &j->txn;

	if (t->np == j->cappost) {
		j->cappost = j->cappost ? j->cappost * 2 : 16;
		t->p = xrealloc(t->p, j->cappost * sizeof *t->p);
		j->acct_off = xrealloc(j->acct_off, j->cappost * sizeof *j->acct_off);
	}
	struct posting *po = &t->p[t->np];
	/* Zero but for cost, unit and assert_amt, which are read only when has_cost,
	 * cost_wide and has_assert say they were set: field by field, cheaper than a memset
	 * of the whole posting (or rep stos), once per posting. */
#ifdef __SSE2__
	const __m128i z = _mm_setzero_si128();
	char *b = (char *)po;

	_Static_assert(offsetof(struct posting, cost) % 16 == 0 && offsetof(struct posting, has_cost) <
		       offsetof(struct posting, cost), "posting layout");
#pragma GCC unroll 16
	for (size_t k = 0; k < offsetof(struct posting, cost); k += 16)
		_mm_storeu_si128((__m128i *)(void *)(b + k), z);
#else
	memset(po, 0, offsetof(struct posting, cost));
#endif
	po->cost_wide = po->has_assert = false;
	po->comment = (struct span){NULL, 0};
	po->line = 0;
	t->np++;  /* its acct_off is set when j->renamed (parse_posting) */
	return po;
}

/* Prices don't teach a commodity its display style: ledger and hledger ignore them too. */
static inline long
parse_amount_at(struct journal *j, const char *p, const char *e, struct amount *a, long line,
		bool learn)
{
	const char *why;
	long k;

	if (p < e && *p == '(') {
		journal_fail(j, line, "amount expressions are not supported: %.*s",
			     (int)(e - p > 40 ? 40 : e - p), p);
		return -1;
	}
	k = amount_parse(p, (size_t)(e - p), a, learn, &why);
	if (k < 0 && p == e)
		journal_fail(j, line, "%s", why);
	else if (k < 0)
		journal_fail(j, line, "%s: %.*s", why, (int)(e - p > 40 ? 40 : e - p), p);
	return k;
}

/*
 * Cost of `qty` at a unit price, or a total price carrying the quantity's sign. A product
 * that passes 128 bits (long-precision prices) keeps the unit price: balancing then
 * multiplies in 256 bits (wide.c) and cost holds the product rounded to 12 decimals.
 */
static int
make_cost(struct posting *po, const struct amount *price, bool total)
{
	struct amount c = *price;

	if (total) {
		if (amount_sign(&c) < 0)
			amount_neg(&c);
		if (amount_sign(&po->amt) < 0)
			amount_neg(&c);
	} else if (amount_mul(&c, &po->amt, price) < 0) {
		struct wide w;

		wide_mul(&w, po->amt.q, price->q);
		if (wide_round_to(&c, &w, po->amt.scale + price->scale, price->com, 12) < 0)
			return -1;
		po->cost_wide = true;
		po->unit = *price;
	}
	c.com = price->com;
	po->cost = c;
	po->has_cost = true;
	return 0;
}

/* Parses what follows an amount: lot annotations, @ / @@ cost, = assertion, ; comment. */
static int
parse_tail(struct journal *j, struct posting *po, const char *p, const char *e, long line)
{
	struct amount a;
	long k;

	for (;;) {
		if (p < e)  /* most postings end with their amount: nothing to skip */
			p = skip_ws(p, e);
		if (p >= e)
			return 0;
		if (*p == ';') {
			po->comment.p = p;
			po->comment.n = (size_t)(e - p);
			return 0;
		}
		if (*p == '{') {
			bool total = p + 1 < e && p[1] == '{';
			const char *q = p + (total ? 2 : 1), *close;

			if (q < e && *q == '=')
				q++;
			close = memchr(q, '}', (size_t)(e - q));
			if (!close || !po->has_amount) {
				journal_fail(j, line, "bad lot price");
				return -1;
			}
			/* A lot price records what was paid; it does not balance the entry. */
			q = skip_ws(q, close);
			if (parse_amount_at(j, q, close, &a, line, false) < 0)
				return -1;
			p = close + (total ? 2 : 1);
			if (total && (p > e || p[-1] != '}')) {
				journal_fail(j, line, "bad lot price");
				return -1;
			}
			continue;
		}
		if (*p == '[' || (*p == '(' && !(p + 1 < e && p[1] == '@'))) {
			const char *close = memchr(p, *p == '[' ? ']' : ')', (size_t)(e - p));

			if (!close) {
				journal_fail(j, line, "unclosed lot annotation");
				return -1;
			}
			p = close + 1;
			continue;
		}
		if (*p == '@' || (*p == '(' && p + 1 < e && p[1] == '@')) {
			/* (@) and (@@) are ledger's virtual costs: they balance like @ and @@. */
			bool virt = *p == '(';
			bool total = p + 1 + virt < e && p[1 + virt] == '@';

			if (virt) {
				const char *close = memchr(p, ')', (size_t)(e - p));

				if (!close) {
					journal_fail(j, line, "unclosed (@)");
					return -1;
				}
				p = close + 1 - (total ? 2 : 1);
			}

			if (!po->has_amount) {
				journal_fail(j, line, "a price needs an amount");
				return -1;
			}
			p = skip_ws(p + (total ? 2 : 1), e);
			if ((k = parse_amount_at(j, p, e, &a, line, false)) < 0)
				return -1;
			if (make_cost(po, &a, total) < 0)
				goto overflow;
			j->priced = true;
			p += k;
			continue;
		}
		if (*p == '=') {
			p++;
			if (p < e && *p == '=')
				p++;
			if (p < e && *p == '*')
				p++;
			p = skip_ws(p, e);
			if ((k = parse_amount_at(j, p, e, &po->assert_amt, line, true)) < 0)
				return -1;
			po->has_assert = true;
			j->priced = true;
			if (j->flags & JOURNAL_SPLIT_TAIL)  /* it needs the balances before it */
				j->orderdep = true;
			p += k;
			continue;
		}
		journal_fail(j, line, "unexpected text after amount: %.*s",
			     (int)(e - p > 40 ? 40 : e - p), p);
		return -1;
	}
overflow:
	journal_fail(j, line, "amount too large to hold exactly");
	return -1;
}

/* Where a posting's account ends: at a tab or two spaces, or at e. Thirty-two bytes a
 * step, for most names are 16 to 32 bytes long (a block and the block one byte on: a space
 * in both is two spaces), past e as skip_ws reads; the byte at e ends the line (a
 * newline, a CR or the buffer's zeros), so a space before it is never taken for two. */
static const char *
account_end(const char *p, const char *e)
{
#ifdef __SSE2__
	const __m128i sp = _mm_set1_epi8(' '), tab = _mm_set1_epi8('\t');

	for (;; p += 32) {
		__m128i v = _mm_loadu_si128((const __m128i *)(const void *)p);
		__m128i w = _mm_loadu_si128((const __m128i *)(const void *)(p + 1));
		__m128i x = _mm_loadu_si128((const __m128i *)(const void *)(p + 16));
		__m128i y = _mm_loadu_si128((const __m128i *)(const void *)(p + 17));
		unsigned m = (unsigned)_mm_movemask_epi8(_mm_or_si128(_mm_cmpeq_epi8(v, tab),
			_mm_and_si128(_mm_cmpeq_epi8(v, sp), _mm_cmpeq_epi8(w, sp)))) |
			(unsigned)_mm_movemask_epi8(_mm_or_si128(_mm_cmpeq_epi8(x, tab),
			_mm_and_si128(_mm_cmpeq_epi8(x, sp), _mm_cmpeq_epi8(y, sp)))) << 16;

		if (m)
			return p + __builtin_ctz(m) < e ? p + __builtin_ctz(m) : e;
		if (e - p <= 32)
			return e;
	}
#else
	while (p < e) {
		if (*p == '\t' || (*p == ' ' && p + 1 < e && p[1] == ' '))
			break;
		p++;
	}
	return p;
#endif
}

static int
parse_posting(struct journal *j, const char *p, const char *e, long line)
{
	struct posting *po = new_posting(j);
	const char *a, *ae;
	size_t off, n;
	long k;

	po->line = line;
	/* A status mark or brackets: one test first, for a name's first letter is past them
	 * (past '*', and for the brackets past '[' when in lower case). */
	if ((unsigned char)*p <= '*' && (*p == '*' || *p == '!') && p + 1 < e && is_ws(p[1])) {
		po->status = *p;
		p = skip_ws(p + 1, e);
	}
	a = p;
	p = account_end(p, e);
	ae = p;
	/* Before two spaces stands no blank (account_end would have stopped there): only a
	 * name that runs to the line's end or to a tab can end with one. */
	if (p == e || *p == '\t')
		while (ae > a && is_ws(ae[-1]))
			ae--;
	if ((unsigned char)*a <= '[' && (*a == '(' || *a == '[') && ae - a >= 2 &&
	    ae[-1] == (*a == '(' ? ')' : ']')) {
		po->virt = *a == '(' ? P_VIRTUAL : P_BALANCED_VIRTUAL;
		j->bvirt |= po->virt == P_BALANCED_VIRTUAL;
		j->pvirt |= po->virt == P_VIRTUAL;
		a++;
		ae--;
	}
	if (ae == a) {
		journal_fail(j, line, "posting without an account");
		return -1;
	}
	po->account.p = a;
	po->account.n = (size_t)(ae - a);
	po->acct = a;
	po->acct_len = po->account.n;
	if ((j->naliases || j->napply) && journal_account_name(j, a, po->account.n, &off, &n)) {
		if (!j->renamed)  /* the postings before it keep their names */
			memset(j->acct_off, 0, (j->txn.np - 1) * sizeof *j->acct_off);
		j->acct_off[j->txn.np - 1] = off + 1;
		j->renamed = true;
		po->acct_len = n;
	} else if (j->renamed) {
		j->acct_off[j->txn.np - 1] = 0;
	}
	if (p < e)  /* else an elided amount's name ran to the line's end */
		p = skip_ws(p, e);
	if (p < e && *p != ';' && *p != '=') {
		/* Most amounts are in the memo: found inline, without amount_parse's call. */
		if ((k = amount_memo_get(p, (size_t)(e - p), &po->amt, true)) == 0 &&
		    (k = parse_amount_at(j, p, e, &po->amt, line, true)) < 0)
			return -1;
		po->has_amount = true;
		p += k;
	}
	return parse_tail(j, po, p, e, line);
}

/* Per-commodity sums of one balancing group, in the reader's reusable array. */
struct sums {
	struct amount *a;
	int n;
};

/* 0, or -1 on overflow. */
static int
sums_add(struct journal *j, struct sums *s, const struct amount *x)
{
	int i;

	for (i = 0; i < s->n; i++)
		if (s->a[i].com == x->com)
			return amount_add(&s->a[i], &s->a[i], x);
	if ((size_t)s->n == j->capsums) {
		j->capsums = j->capsums ? j->capsums * 2 : 16;
		j->sums = xrealloc(j->sums, j->capsums * sizeof *j->sums);
		s->a = j->sums;
	}
	s->a[s->n++] = *x;
	return 0;
}

/*
 * True when the amount shows as zero at its commodity's display precision. Ties round to
 * even, as ledger and hledger display: a cost of 0.995 CZK against -1.00 CZK balances.
 */
static bool
zero_at_display(const struct amount *a)
{
	int prec = commodity_style(a->com)->prec;
	tnum div = 1, q = a->q < 0 ? -a->q : a->q;

	if (a->scale <= prec)
		return q == 0;
	if (a->scale - prec > 38)
		return false;
	for (int i = 0; i < a->scale - prec; i++)
		div *= 10;
	return q <= div / 2;
}

/* One commodity's sum in 256 bits. */
struct wsum {
	int com;
	int scale;
	struct wide w;
};

/*
 * The group again in 256 bits, when its 128-bit sums overflowed. Sums that fit go back to
 * *s (for an elided amount to take them); *nonzero counts the commodities that don't show
 * as zero, *first is the first of them (rounded for display). -1 when a sum an elided
 * posting must take does not fit 128 bits.
 */
static int
sums_wide(struct journal *j, enum pvirt g, struct sums *s, int *nonzero, struct amount *first)
{
	struct txn *t = &j->txn;
	struct wsum *w = NULL;
	int nw = 0, k;
	int rc = 0;

	*nonzero = 0;
	for (size_t i = 0; i < t->np && rc == 0; i++) {
		struct posting *po = &t->p[i];
		struct wide x;
		int scale, com;

		if (po->virt != g || !po->has_amount)
			continue;
		if (po->cost_wide) {
			wide_mul(&x, po->amt.q, po->unit.q);
			scale = po->amt.scale + po->unit.scale;
			com = po->unit.com;
		} else {
			const struct amount *a = po->has_cost ? &po->cost : &po->amt;

			wide_from(&x, a->q);
			scale = a->scale;
			com = a->com;
		}
		wide_normalize(&x, &scale, 0);
		for (k = 0; k < nw && w[k].com != com; k++)
			;
		if (k == nw) {
			w = xrealloc(w, (size_t)(nw + 1) * sizeof *w);
			w[nw++] = (struct wsum){com, scale, x};
			continue;
		}
		if (wide_rescale(&x, &scale, w[k].scale) < 0 ||
		    wide_rescale(&w[k].w, &w[k].scale, scale) < 0 ||
		    wide_add(&w[k].w, &w[k].w, &x) < 0)
			rc = -1;
		else
			wide_normalize(&w[k].w, &w[k].scale, 0);
	}
	s->n = 0;
	for (k = 0; k < nw && rc == 0; k++) {
		struct amount a = {0, w[k].scale, w[k].com};
		int prec = commodity_style(w[k].com)->prec;

		if (!wide_zero_at(&w[k].w, w[k].scale, prec) && (*nonzero)++ == 0 &&
		    wide_round_to(first, &w[k].w, w[k].scale, w[k].com, prec) < 0)
			rc = -1;
		if (s->n < 0)
			continue;
		if (wide_to_tnum(&w[k].w, &a.q) == 0 && a.scale <= AMOUNT_MAX_SCALE)
			sums_add(j, s, &a);
		else
			s->n = -1;  /* an elided amount cannot take it */
	}
	free(w);
	return rc;
}

/* Balance assignment: the posting's amount is what brings the account to the figure. */
static int
assign(struct journal *j, struct posting *po)
{
	struct account *acct = accounts_get(j->run, po->acct, po->acct_len);
	struct amount cur = account_balance(acct, po->assert_amt.com), d = po->assert_amt;

	/* Earlier postings to the account in this entry count too (ledger, hledger). */
	for (struct posting *q = j->txn.p; q < po; q++)
		if (q->has_amount && q->amt.com == cur.com && q->acct_len == po->acct_len &&
		    memcmp(q->acct, po->acct, po->acct_len) == 0 && amount_add(&cur, &cur, &q->amt) < 0)
			return -1;
	amount_neg(&cur);
	if (amount_add(&d, &d, &cur) < 0)
		return -1;
	po->amt = d;
	po->has_amount = true;
	return 0;
}

/*
 * balance_group's common case, without its sums: the real postings in one commodity at one
 * scale, no costs, no assertions, at most one elided amount, and they balance exactly. True
 * when it settled the group; false leaves everything to balance_group as it was.
 */
static inline bool
balance_simple(struct journal *j)
{
	struct txn *t = &j->txn;
	struct posting *elided = NULL;
	tnum sum = 0;
	int com = -1, scale = 0;

	if (j->priced)  /* balance_group settles costs and assertions */
		return false;
	for (size_t i = 0; i < t->np; i++) {
		struct posting *po = &t->p[i];

		if (po->virt != P_REAL)
			continue;
		if (!po->has_amount) {
			if (elided)
				return false;
			elided = po;
		} else if (com < 0) {
			com = po->amt.com;
			scale = po->amt.scale;
			sum = po->amt.q;
		} else if (po->amt.com != com || po->amt.scale != scale ||
			   __builtin_add_overflow(sum, po->amt.q, &sum) || sum == TNUM_BAD) {
			return false;
		}
	}
	if (elided) {
		elided->amt = com >= 0 && sum != 0 ? (struct amount){-sum, scale, com} :
			      (struct amount){0, 0, 0};
		elided->inferred = true;
		return true;
	}
	return sum == 0;
}

static int
balance_group(struct journal *j, enum pvirt g, long header_line)
{
	struct txn *t = &j->txn;
	struct sums s = {j->sums, 0};
	struct posting *elided = NULL;
	size_t i, np = t->np;
	bool unknown = false, wide = false;
	struct amount off;
	char buf[AMOUNT_BUF];
	int nonzero = 0, k;

	for (i = 0; i < np; i++) {
		struct posting *po = &t->p[i];

		if (po->virt != g)
			continue;
		if (!po->has_amount && po->has_assert) {
			if (!j->run) {
				unknown = true;
				continue;
			}
			if (assign(j, po) < 0)
				goto overflow;
		}
		if (!po->has_amount) {
			if (elided) {
				journal_fail(j, po->line, "more than one posting without an amount");
				return -1;
			}
			elided = po;
			continue;
		}
		if (po->cost_wide || (!wide && sums_add(j, &s, po->has_cost ? &po->cost : &po->amt) < 0))
			wide = true;
	}
	if (unknown)
		return 0;
	if (wide) {
		if (sums_wide(j, g, &s, &nonzero, &off) < 0 || (elided && s.n < 0))
			goto overflow;
	}
	if (elided) {
		size_t at = (size_t)(elided - t->p);
		bool first = true;

		for (k = 0; k < s.n; k++) {
			struct posting *po;

			if (amount_is_zero(&s.a[k]))
				continue;
			if (first) {
				po = &t->p[at];
			} else {
				size_t aoff = j->renamed ? j->acct_off[at] : 0;

				po = new_posting(j);
				*po = t->p[at];
				j->acct_off[t->np - 1] = aoff;
			}
			first = false;
			po->amt = s.a[k];
			amount_neg(&po->amt);
			po->inferred = true;
		}
		if (first) {
			t->p[at].amt = (struct amount){0, 0, 0};
			t->p[at].inferred = true;
		}
		return 0;
	}
	if (!wide) {
		for (k = 0; k < s.n; k++) {
			if (!zero_at_display(&s.a[k]) && nonzero++ == 0)
				off = s.a[k];
			/* Zero at display depends on the precision seen so far, so on the order. */
			if (!amount_is_zero(&s.a[k]) && (j->flags & JOURNAL_SPLIT_TAIL))
				j->orderdep = true;
		}
	} else if (j->flags & JOURNAL_SPLIT_TAIL) {
		j->orderdep = true;
	}
	/* Two commodities left over: both tools infer the conversion rate. */
	if (nonzero == 0 || nonzero == 2)
		return 0;
	amount_format(buf, sizeof buf, &off);
	journal_fail(j, header_line, "entry does not balance: off by %s%s", buf,
		     g == P_BALANCED_VIRTUAL ? " in its [virtual] postings" : "");
	return -1;
overflow:
	journal_fail(j, header_line, "amount too large to hold exactly");
	return -1;
}

/* run_assertions' report: the posting at i overflowed its balance (rc < 0) or failed its
 * assertion. Apart, so that the run of every entry is a call and a test. */
static __attribute__((noinline, cold)) int
assertion_failed(struct journal *j, int rc, size_t i)
{
	char want[AMOUNT_BUF], got[AMOUNT_BUF];
	struct posting *po = &j->txn.p[i];
	struct amount have;

	if (rc < 0) {
		journal_fail(j, po->line, "balance of %.*s too large to hold exactly",
			     (int)po->acct_len, po->acct);
		return -1;
	}
	have = account_balance(accounts_find(j->run, po->acct, po->acct_len), po->assert_amt.com);
	amount_format(want, sizeof want, &po->assert_amt);
	amount_format(got, sizeof got, &have);
	journal_fail(j, po->line, "balance assertion failed: %.*s is %s, expected %s",
		     (int)po->acct_len, po->acct, got, want);
	return -1;
}

/* Adds the postings to the running balances and checks their assertions. */
static inline __attribute__((always_inline)) int
run_assertions(struct journal *j)
{
	size_t i;
	int rc = accounts_post_inline(j->run, j->txn.p, j->txn.np, &i);

	return rc ? assertion_failed(j, rc, i) : 0;
}

/* The header at p opens with the full date of the one before it (the same ten bytes, no
 * digit after them): most entries share their day with another. */
static inline bool
same_day(const struct journal *j, const char *p, const char *e, tdate *date)
{
	uint64_t ym;
	uint16_t dd;

	if (e - p < 10)
		return false;
	memcpy(&ym, p, 8);
	memcpy(&dd, p + 8, 2);
	if (ym != j->hdr_ym || dd != j->hdr_dd || (e - p > 10 && p[10] >= '0' && p[10] <= '9'))
		return false;
	*date = j->hdr_date;
	return true;
}

/* Keeps a date date_parse read from ten bytes for same_day, when they are YYYY-MM-DD in
 * full (with '/' or '.' too): what they read does not depend on a default year. */
static void
day_read(struct journal *j, const char *p, const char *e, tdate date)
{
	if (e - p < 10 || (p[4] != '-' && p[4] != '/' && p[4] != '.') || p[7] != p[4])
		return;
	memcpy(&j->hdr_ym, p, 8);
	memcpy(&j->hdr_dd, p + 8, 2);
	j->hdr_date = date;
}

static int
parse_header(struct journal *j, const char *p, const char *e, long line)
{
	struct txn *t = &j->txn;
	const char *why, *q;
	long k = 10;

	if (!same_day(j, p, e, &t->date)) {
		k = date_parse(p, (size_t)(e - p), j->year, &t->date, &why);
		if (k < 0) {
			journal_fail(j, line, "%s: %.*s", why, (int)(e - p > 10 ? 10 : e - p), p);
			return -1;
		}
		if (k == 10)
			day_read(j, p, e, t->date);
	}
	p += k;
	if (p < e && *p == '=') {
		k = date_parse(p + 1, (size_t)(e - p - 1), j->year, &t->date2, &why);
		if (k < 0) {
			journal_fail(j, line, "%s (secondary date)", why);
			return -1;
		}
		p += k + 1;
	}
	if (p < e && !is_ws(*p)) {
		journal_fail(j, line, "bad date: %.*s", (int)(e - p > 10 ? 10 : e - p), p);
		return -1;
	}
	p = skip_ws(p, e);
	if (p < e && (*p == '*' || *p == '!')) {
		t->status = *p++;
		p = skip_ws(p, e);
	}
	if (p < e && *p == '(' && (q = memchr(p, ')', (size_t)(e - p))) != NULL) {
		t->code.p = p + 1;
		t->code.n = (size_t)(q - p - 1);
		p = skip_ws(q + 1, e);
	}
	t->desc.p = p;
	for (q = p; (q = line_find(q, e, ';')) != NULL; q++)
		if (q == p || is_ws(q[-1]))
			break;
	if (!q)
		q = e;
	t->desc.n = (size_t)(q - p);
	while (t->desc.n && is_ws(p[t->desc.n - 1]))
		t->desc.n--;
	if (q < e) {
		t->comment.p = q;
		t->comment.n = (size_t)(e - q);
		t->comment_line = line;
	}
	return 0;
}

int
txn_parse(struct journal *j, const char *text, size_t len, long line)
{
	struct txn *t = &j->txn;
	const char *end = text + len, *p = text, *e;
	long ln = line;
	size_t i;

	/* Field by field: a compound literal here is a rep stos; the spans word by word, for
	 * `code = desc = comment` loads as one the two words it stored (a forwarding stall). */
	t->date = 0;
	t->date2 = DATE_NONE;
	t->status = 0;
	t->code.p = t->desc.p = t->comment.p = NULL;
	t->code.n = t->desc.n = t->comment.n = 0;
	t->comment_line = line;
	t->np = 0;
	j->arena_len = 0;
	j->bvirt = j->pvirt = j->renamed = j->priced = false;

	/* The reader noted where each line's content ends (j->lend): e, at its newline (or the
	 * text's end); the next line starts one byte on. A line holds a byte at least. */
	const struct jline *lend = j->lend;
	const char *next;

	e = text + lend[0].end;
	next = e + 1;
	if (e > p && e[-1] == '\r')
		e--;
	if (parse_header(j, p, e, ln) < 0)
		return -1;
	for (p = next; p < end; p = next) {
		const char *q;
		uint32_t le = (++lend)->end;

		ln = line + (long)lend->line;
		e = text + (le & ~(LEND_AT4 | LEND_NOTE));
		next = e + 1;
		if (le & LEND_NOTE) {
			/* A run of "    ;" lines: one comment span, to the last one's end. */
			struct span *c = t->np ? &t->p[t->np - 1].comment : &t->comment;

			if (!c->p) {
				c->p = p + 4;
				if (!t->np)
					t->comment_line = ln;
			}
			if (e[-1] == '\r')  /* e > p + 4: the line has its ';' */
				e--;
			c->n = (size_t)(e - c->p);
			continue;
		}
		/* An entry's line holds a byte that is not blank (e > p), and the byte at e is
		 * not ';' nor '#' (q may be e). */
		if (e[-1] == '\r')
			e--;
		q = le & LEND_AT4 ? p + 4 : skip_ws(p, e);
		if (*q == ';' || *q == '#') {
			struct span *c = t->np ? &t->p[t->np - 1].comment : &t->comment;

			if (!c->p)
				c->p = q;
			c->n = (size_t)(e - c->p);
			if (!t->np && t->comment.p == q)
				t->comment_line = ln;
		} else if (parse_posting(j, q, e, ln) < 0) {  /* q: its blanks are skipped */
			return -1;
		}
	}
	/* Effective names first: a balance assignment looks its account up by them. */
	for (i = 0; j->renamed && i < t->np; i++)
		if (j->acct_off[i])
			t->p[i].acct = j->arena + j->acct_off[i] - 1;
	if (!(j->flags & JOURNAL_NO_BALANCE)) {
		/* A group without postings balances: most entries have no [virtual] ones. */
		/* balance_simple first, inline: most entries need no more, nor balance_group's
		 * frame. */
		if ((!balance_simple(j) && balance_group(j, P_REAL, line) < 0) ||
		    (j->bvirt && balance_group(j, P_BALANCED_VIRTUAL, line) < 0))
			return -1;
		for (i = 0; j->pvirt && i < t->np; i++)
			if (t->p[i].virt == P_VIRTUAL && !t->p[i].has_amount && !t->p[i].inferred) {
				t->p[i].inferred = true;
				t->p[i].amt = (struct amount){0, 0, 0};
			}
	}
	if (j->run && run_assertions(j) < 0)
		return -1;
	return 0;
}

bool
txn_tag(const struct txn *t, const char *key, struct span *value)
{
	return tag_find(t->comment, key, value);
}

bool
posting_tag(const struct txn *t, const struct posting *p, const char *key, struct span *value)
{
	return tag_find_either(p->comment, t->comment, key, value);
}

struct posting *
txn_new_posting(struct journal *j)
{
	return new_posting(j);
}

int
txn_run(struct journal *j)
{
	return j->run ? run_assertions(j) : 0;
}
