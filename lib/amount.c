/*
 * amount.c: exact decimal amounts. A 128-bit integer with a decimal scale holds 38 digits;
 * every operation checks for overflow, so a figure too large is an error, never wrong.
 * Parsing is here too; writing amounts out is amountfmt.c.
 */
#include <string.h>

#include "internal.h"
#include "amemo.h"

/*
 * The range is symmetric: -(2^127 - 1) .. 2^127 - 1. The one value below it, -2^127, has no
 * negation, so an operation that lands on it overflows like any other.
 */
/* TNUM_BAD, in internal.h: accounts.c adds too. */

static int
pow10_checked(int k, tnum *out)
{
	tnum r = 1;

	while (k-- > 0)
		if (__builtin_mul_overflow(r, (tnum)10, &r))
			return -1;
	*out = r;
	return 0;
}

int
amount_rescale(struct amount *a, int scale)
{
	tnum m;

	if (scale <= a->scale)
		return 0;
	if (scale > AMOUNT_MAX_SCALE || pow10_checked(scale - a->scale, &m) < 0 ||
	    __builtin_mul_overflow(a->q, m, &a->q) || a->q == TNUM_BAD)
		return -1;
	a->scale = scale;
	return 0;
}

/* amount_add at two scales: both rescaled to the larger first. */
static __attribute__((noinline)) int
add_rescaled(struct amount *r, const struct amount *a, const struct amount *b)
{
	struct amount x = *a, y = *b;
	int s = x.scale > y.scale ? x.scale : y.scale;

	if (amount_rescale(&x, s) < 0 || amount_rescale(&y, s) < 0)
		return -1;
	if (__builtin_add_overflow(x.q, y.q, &x.q) || x.q == TNUM_BAD)
		return -1;
	x.com = a->com ? a->com : b->com;
	*r = x;
	return 0;
}

int
amount_add(struct amount *r, const struct amount *a, const struct amount *b)
{
	tnum q;
	int com, scale = a->scale;

	if (scale != b->scale)
		return add_rescaled(r, a, b);
	/* Most sums: one commodity at one precision, without copies. */
	com = a->com ? a->com : b->com;
	if (__builtin_add_overflow(a->q, b->q, &q) || q == TNUM_BAD)
		return -1;
	r->q = q;
	r->scale = scale;
	r->com = com;
	return 0;
}

void
amount_normalize(struct amount *a, int min_scale)
{
	while (a->scale > min_scale && a->q % 10 == 0) {
		a->q /= 10;
		a->scale--;
	}
}

int
amount_mul(struct amount *r, const struct amount *a, const struct amount *b)
{
	struct amount x;

	if (__builtin_mul_overflow(a->q, b->q, &x.q) || x.q == TNUM_BAD)
		return -1;
	x.scale = a->scale + b->scale;
	x.com = a->com;
	if (x.scale > AMOUNT_MAX_SCALE)
		amount_normalize(&x, AMOUNT_MAX_SCALE);
	if (x.scale > AMOUNT_MAX_SCALE)
		return -1;
	*r = x;
	return 0;
}

int
amount_div_int(struct amount *r, const struct amount *a, long d, struct amount *rem)
{
	struct amount x = *a;

	if (d == 0)
		return -1;
	if (rem) {
		*rem = *a;
		rem->q = a->q % d;
	}
	x.q = a->q / d;
	*r = x;
	return 0;
}

int
amount_percent(struct amount *r, const struct amount *a, const struct amount *pct, int scale)
{
	struct amount x;
	tnum div, q, rest;

	if (amount_mul(&x, a, pct) < 0)
		return -1;
	/* x = a * pct at scale a.scale + pct.scale; dividing by 100 adds two decimals. */
	x.scale += 2;
	amount_normalize(&x, scale);
	if (x.scale <= scale) {
		if (amount_rescale(&x, scale) < 0)
			return -1;
	} else {
		if (pow10_checked(x.scale - scale, &div) < 0)
			return -1;
		q = x.q / div;
		rest = x.q % div;
		if (rest < 0)
			rest = -rest;
		if (rest * 2 >= div)
			q += x.q < 0 ? -1 : 1;
		x.q = q;
		x.scale = scale;
	}
	x.com = a->com;
	*r = x;
	return 0;
}

void
amount_neg(struct amount *a)
{
	a->q = -a->q;
}

int
amount_sign(const struct amount *a)
{
	return a->q > 0 ? 1 : a->q < 0 ? -1 : 0;
}

bool
amount_is_zero(const struct amount *a)
{
	return a->q == 0;
}

int
amount_cmp(const struct amount *a, const struct amount *b)
{
	struct amount d, nb = *b;

	amount_neg(&nb);
	if (amount_add(&d, a, &nb) < 0) /* only at the edge of the range */
		return a->q < b->q ? -1 : a->q > b->q;
	return amount_sign(&d);
}

/* ---- parsing ---- */

/* Reads a commodity symbol at s; returns its length (0 if none) and the symbol span. */
static long
parse_symbol(const char *s, size_t n, struct span *sym, const char **why)
{
	size_t i = 0;

	if (n > 0 && s[0] == '"') {
		for (i = 1; i < n && s[i] != '"' && s[i] != '\n'; i++)
			;
		if (i >= n || s[i] != '"') {
			*why = "unterminated quoted commodity";
			return -1;
		}
		sym->p = s + 1;
		sym->n = i - 1;
		return (long)i + 1;
	}
	while (i < n && amount_symbol_char((unsigned char)s[i]))
		i++;
	sym->p = s;
	sym->n = i;
	return (long)i;
}

/* A symbol longer than COMMODITY_MAX would not fit a formatted amount: refused, not cut. */
static long
symbol_checked(const char *s, size_t n, struct span *sym, const char **why)
{
	long k = parse_symbol(s, n, sym, why);

	if (k > 0 && sym->n > COMMODITY_MAX) {
		*why = "commodity symbol longer than " COMMODITY_MAX_S " bytes";
		return -1;
	}
	return k;
}

struct rawnum {
	const char *p;  /* digits and separators */
	size_t n;
	int nseps;
	char first_sep, last_sep;
	size_t last_sep_at;  /* offset of the last separator */
	int sep_kinds;       /* 1 if only one separator character occurs, 2 if both */
};

static size_t
scan_number(const char *s, size_t n, struct rawnum *r)
{
	size_t i = 0;

	memset(r, 0, sizeof *r);
	r->p = s;
	while (i < n) {
		char c = s[i];

		if (c >= '0' && c <= '9') {
			i++;
			continue;
		}
		if ((c == '.' || c == ',') && i + 1 < n && s[i + 1] >= '0' && s[i + 1] <= '9') {
			if (r->nseps == 0)
				r->first_sep = c;
			else if (c != r->first_sep)
				r->sep_kinds = 2;
			r->nseps++;
			r->last_sep = c;
			r->last_sep_at = i;
			i++;
			continue;
		}
		/* A trailing decimal mark ("10." or "10,") is allowed by ledger and hledger. */
		if ((c == '.' || c == ',') && i > 0 && (i + 1 >= n || s[i + 1] < '0' || s[i + 1] > '9')) {
			if (r->nseps == 0)
				r->first_sep = c;
			else if (c != r->first_sep)
				r->sep_kinds = 2;
			r->nseps++;
			r->last_sep = c;
			r->last_sep_at = i;
			i++;
			break;
		}
		break;
	}
	if (r->nseps && !r->sep_kinds)
		r->sep_kinds = 1;
	r->n = i;
	return i;
}

static _Thread_local char forced_mark;  /* set by the reader while a `decimal-mark` is in force */
static _Thread_local bool split_watch;
static void fast_update(void);

void
amount_decimal_mark(char mark)
{
	if (mark == forced_mark)  /* twice an entry, most often 0 and 0 */
		return;
	forced_mark = mark;
	fast_update();
}

/* Decides the decimal mark of a raw number: 0 when it has no decimals. */
static char
decimal_of(const struct rawnum *r, const struct cstyle *st, char *group)
{
	size_t after;

	*group = 0;
	if (r->nseps == 0)
		return 0;
	if (forced_mark) {
		*group = r->first_sep != forced_mark ? r->first_sep :
			 r->last_sep != forced_mark ? r->last_sep : 0;
		return r->first_sep == forced_mark || r->last_sep == forced_mark ? forced_mark : 0;
	}
	if (r->sep_kinds == 2) {  /* both marks: the last one is the decimal mark */
		*group = r->first_sep;
		return r->last_sep;
	}
	if (st->mark_known) {
		*group = r->last_sep == st->decimal ? r->first_sep : r->last_sep;
		if (r->sep_kinds == 1 && r->last_sep != st->decimal)
			return 0;
		if (*group == st->decimal)
			*group = 0;
		return st->decimal;
	}
	if (r->nseps > 1) {
		*group = r->first_sep;
		return 0;
	}
	after = r->n - r->last_sep_at - 1;
	/* "1,000": ambiguous; the default commodity's mark decides, else ledger's reading. */
	if (after == 3 && commodity_style(commodity_default())->mark_known &&
	    commodity_default()) {
		char d = commodity_style(commodity_default())->decimal;

		if (r->last_sep != d)
			*group = r->last_sep;
		return r->last_sep == d ? d : 0;
	}
	if (r->last_sep == ',' && after == 3) {
		*group = ',';
		return 0;
	}
	return r->last_sep;
}

void
amount_split_watch(bool on)
{
	split_watch = on;
	fast_update();
}

/*
 * A second half's reader (split.c) starts with no styles. Notes whether this amount would
 * read otherwise had the first half settled its commodity's mark as '.' or as ','.
 */
static void
split_note(struct cstyle *st, const struct rawnum *r, char dec, char group)
{
	static const char marks[2] = {'.', ','};

	for (int i = 0; i < 2; i++) {
		struct cstyle known = {.decimal = marks[i], .mark_known = true};
		char g, d = decimal_of(r, &known, &g);

		if (d != dec || g != group)
			*(i ? &st->not_comma : &st->not_dot) = true;
	}
}

static int
digits_to_num(const struct rawnum *r, char dec, struct amount *a, const char **why)
{
	size_t i;
	tnum q = 0;
	uint64_t small = 0;  /* the first 18 digits: they always fit, no overflow check */
	int scale = 0, nd = 0;
	bool after = false;

	for (i = 0; i < r->n; i++) {
		char c = r->p[i];

		if (c >= '0' && c <= '9') {
			if (nd < 18) {
				small = small * 10 + (uint64_t)(c - '0');
				nd++;
			} else {
				if (nd++ == 18)
					q = (tnum)small;
				if (__builtin_mul_overflow(q, (tnum)10, &q) ||
				    __builtin_add_overflow(q, (tnum)(c - '0'), &q)) {
					*why = "amount too large to hold exactly";
					return -1;
				}
			}
			if (after)
				scale++;
		} else if (c == dec) {
			if (after) {
				*why = "more than one decimal mark in amount";
				return -1;
			}
			after = true;
		}
	}
	if (scale > AMOUNT_MAX_SCALE) {
		*why = "amount has too many decimals";
		return -1;
	}
	a->q = nd <= 18 ? (tnum)small : q;
	a->scale = scale;
	return 0;
}

static inline void
learn_style(struct cstyle *st, char dec, char group, bool left, bool space, int scale,
	    bool first)
{
	if (st->declared)
		return;
	st->learned = true;
	if (first) {
		st->left = left;
		st->space = space;
	}
	if (scale > st->prec)
		st->prec = scale;
	if (!st->mark_known && dec) {
		st->decimal = dec;
		st->mark_known = true;
	}
	if (!st->group && group)
		st->group = group;
}

/*
 * The last symbol the common shape read, and its id: most amounts repeat it, and matching
 * its bytes costs less than scanning a symbol and interning it. Per thread, as the table
 * is; commodity_reset forgets it (amount_forget_symbol).
 */
static _Thread_local struct {
	int com;              /* 0: none */
	struct cstyle *st;    /* its style (commodity_intern forgets it when the table grows) */
	size_t n;
	char sym[16];
	uint16_t head, tail;  /* sym's first two bytes and last two, as words */
} last_sym;

_Thread_local struct cstyle *amount_fast_style;  /* last_sym's style (amemo.h) */

static void
fast_update(void)
{
	amount_fast_style = last_sym.com && !forced_mark ? last_sym.st : NULL;
}

_Thread_local _Alignas(64) struct memo amount_memo[1 << MEMO_BITS];  /* amemo.h */

void
amount_forget_symbol(void)
{
	last_sym.com = 0;
	fast_update();
	/* the memo too: the table went (commodity_reset: its ids are given again) or moved */
	memset(amount_memo, 0, sizeof amount_memo);
}

static bool
digit(char c)
{
	return c >= '0' && c <= '9';
}

/* True when the text at p, up to e, starts with the last symbol read. Symbols are short:
 * a byte loop beats a call to memcmp. */
static inline bool
last_sym_at(const char *p, const char *e)
{
	size_t n = last_sym.n;

	if ((size_t)(e - p) < n)
		return false;
	/* Two to four bytes (EUR, CHF): its first two and last two, two compares of a word. */
	if (n >= 2 && n <= 4) {
		uint16_t h, t;

		memcpy(&h, p, 2);
		memcpy(&t, p + n - 2, 2);
		return h == last_sym.head && t == last_sym.tail;
	}
	for (size_t k = 0; k < n; k++)
		if (p[k] != last_sym.sym[k])
			return false;
	return true;
}

/*
 * The commonest amount, in the fewest steps: "-76.00 EUR", a decimal mark the commodity is
 * known to use, a space, the last symbol read; no mark forced. 0 for any other text, which
 * parse_common then reads (to the same result where both read it). A second half's reader
 * notes what split_note would: had the first half known the other mark, this one mark
 * would read as a group. (The memo's hits need no note: the text noted it when it was
 * read here, in the same thread, with the same style.)
 */
static inline long
parse_fast(const char *s, size_t n, struct amount *a, bool learn)
{
	const char *p = s, *e = s + n, *d, *mark, *f;
	uint64_t v = 0;
	struct cstyle *st = amount_fast_style;
	int scale;

	if (!st || n < 4)
		return 0;
	p += *p == '-';
	d = p;
	while (p < e && digit(*p))
		v = v * 10 + (uint64_t)(*p++ - '0');
	if (p == d || p - d > 15 || e - p < 2 || (*p != '.' && *p != ','))
		return 0;
	mark = p++;
	f = p;
	while (p < e && digit(*p))
		v = v * 10 + (uint64_t)(*p++ - '0');
	scale = (int)(p - f);
	if (scale == 0 || scale > 3 || p == e || *p != ' ')
		return 0;
	while (p < e && *p == ' ')
		p++;
	if (!last_sym_at(p, e) ||
	    (p + last_sym.n < e && (amount_symbol_char((unsigned char)p[last_sym.n]) ||
				    p[last_sym.n] == '"')))
		return 0;
	if (!st->mark_known || st->decimal != *mark)
		return 0;
	if (split_watch)
		*(*mark == '.' ? &st->not_comma : &st->not_dot) = true;
	a->q = *s == '-' ? -(tnum)v : (tnum)v;
	a->scale = scale;
	a->com = last_sym.com;
	if (learn && !st->declared) {  /* learn_style's steps that can change anything here */
		st->learned = true;
		if (scale > st->prec)
			st->prec = scale;
	}
	return (long)(p + last_sym.n - s);
}

/*
 * The common shape, "-1234.56 EUR" or "12,50": a sign, up to 18 digits with at most one
 * mark among them, then a plain symbol after spaces or none. Reads it as amount_parse would
 * in a fraction of its steps; 0 when the text has another shape (amount_parse reads it).
 */
static inline long
parse_common(const char *s, size_t n, struct amount *a, bool learn)
{
	const char *p = s, *e = s + n, *d, *lim, *sp, *sym, *mark = NULL;
	uint64_t v = 0;
	int frac = 0, com;
	bool neg, first;
	char dec, group;
	struct cstyle *st;

	neg = p < e && *p == '-';
	p += neg;
	d = p;
	lim = e - p > 18 ? p + 18 : e;
	while (p < lim && digit(*p))
		v = v * 10 + (uint64_t)(*p++ - '0');
	if (p == d)
		return 0;
	if (e - p >= 2 && (*p == '.' || *p == ',') && digit(p[1])) {
		size_t room = 18 - (size_t)(p - d);  /* at most 18 digits in all */
		const char *f = ++p;

		mark = p - 1;
		lim = (size_t)(e - p) > room ? p + room : e;
		while (p < lim && digit(*p))
			v = v * 10 + (uint64_t)(*p++ - '0');
		frac = (int)(p - f);
	}
	if (p < e && (digit(*p) || *p == '.' || *p == ','))
		return 0;  /* more digits, marks, or a trailing mark */
	sp = p;
	while (p < e && *p == ' ')
		p++;
	sym = p;
	if (last_sym.com && last_sym_at(p, e) &&
	    (p + last_sym.n == e || (!amount_symbol_char((unsigned char)p[last_sym.n]) &&
				     p[last_sym.n] != '"'))) {
		p += last_sym.n;
		com = last_sym.com;
	} else {
		while (p < e && amount_symbol_char((unsigned char)*p))
			p++;
		if (p - sym > COMMODITY_MAX || (p < e && *p == '"'))
			return 0;
		if (p == sym)
			p = sp;
		com = p > sp ? commodity_intern(sym, (size_t)(p - sym)) : commodity_default();
		if (p > sp && (size_t)(p - sym) <= sizeof last_sym.sym) {
			last_sym.com = com;
			last_sym.st = commodity_style(com);
			last_sym.n = (size_t)(p - sym);
			memcpy(last_sym.sym, sym, last_sym.n);
			if (last_sym.n >= 2) {
				memcpy(&last_sym.head, sym, 2);
				memcpy(&last_sym.tail, sym + last_sym.n - 2, 2);
			}
			fast_update();
		}
	}
	st = commodity_style(com);
	first = com && !st->prec && !st->mark_known && !st->group;
	if (!mark) {
		dec = group = 0;
	} else if (!forced_mark && st->mark_known && !split_watch) {  /* decimal_of's answer */
		dec = *mark == st->decimal ? *mark : 0;
		group = dec ? 0 : *mark;
	} else {
		struct rawnum r = {d, (size_t)(sp - d), 1, *mark, *mark, (size_t)(mark - d), 1};

		dec = decimal_of(&r, st, &group);
		if (split_watch)
			split_note(st, &r, dec, group);
	}
	a->q = neg ? -(tnum)v : (tnum)v;
	a->scale = dec ? frac : 0;
	a->com = com;
	if (learn && (p > sp || com == 0))
		learn_style(st, dec, group, false, p > sp && sym > sp, a->scale, first);
	return (long)(p - s);
}

/* Every shape parse_common does not read: symbols first, quotes, groups, signs after the
 * symbol, more than 18 digits. */
static long
parse_general(const char *s, size_t n, struct amount *a, bool learn, const char **why)
{
	size_t i = 0, sp;
	bool neg = false, left = false, space = false, first;
	struct span sym = {0};
	struct rawnum r;
	long k;
	char dec, group;
	int com;

	*why = "bad amount";
	if (i < n && (s[i] == '-' || s[i] == '+'))
		neg = s[i++] == '-';
	k = symbol_checked(s + i, n - i, &sym, why);
	if (k < 0)
		return -1;
	if (k > 0) {
		left = true;
		i += k;
		sp = i;
		while (i < n && (s[i] == ' ' || s[i] == '\t'))
			i++;
		space = i > sp;
		if (i < n && (s[i] == '-' || s[i] == '+')) {
			if (neg && s[i] == '-') {
				*why = "two signs in amount";
				return -1;
			}
			neg = s[i++] == '-' || neg;
		}
	}
	if (scan_number(s + i, n - i, &r) == 0 || r.p[0] < '0' || r.p[0] > '9') {
		if (r.n == 0)
			*why = "amount expected";
		return -1;
	}
	i += r.n;
	if (!left) {
		sp = i;
		while (i < n && s[i] == ' ')
			i++;
		k = symbol_checked(s + i, n - i, &sym, why);
		if (k < 0)
			return -1;
		if (k > 0) {
			space = i > sp;
			i += k;
		} else {
			i = sp;
		}
	}
	com = sym.n ? commodity_intern(sym.p, sym.n) : commodity_default();
	first = com && !commodity_style(com)->prec && !commodity_style(com)->mark_known &&
		!commodity_style(com)->group;
	dec = decimal_of(&r, commodity_style(com), &group);
	if (split_watch && r.nseps)
		split_note(commodity_style(com), &r, dec, group);
	if (digits_to_num(&r, dec, a, why) < 0)
		return -1;
	if (neg)
		a->q = -a->q;
	a->com = com;
	if (learn && (sym.n || com == 0))
		learn_style(commodity_style(com), dec, group, left, space, a->scale, first);
	return (long)i;
}

/* Out of line, so that the fast path's call stays small. */
static __attribute__((noinline)) long
parse_other(const char *s, size_t n, struct amount *a, bool learn, const char **why)
{
	long k = parse_common(s, n, a, learn);

	return k > 0 ? k : parse_general(s, n, a, learn, why);
}

/* Reads the text and, when parse_fast read it, keeps it in the memo (m: its slot). */
static __attribute__((noinline)) long
parse_keep(const char *s, size_t n, struct amount *a, bool learn, const char **why,
	   struct memo *m)
{
	long k = parse_fast(s, n, a, learn);
	uint64_t w0, w1;
	unsigned kn;

	if (k <= 0)
		return parse_other(s, n, a, learn, why);
	if (m && (n <= 16 || k < 16)) {
		/* the key again, not passed in: amount_parse's hit path then keeps nothing live
		 * for its misses (4% of amounts; passed in, the hits cost 0.8M more at 100k) */
		m = memo_key(s, n, &w0, &w1, &kn);
		*m = (struct memo){w0, w1, (int64_t)a->q, a->com, (uint8_t)kn, (uint8_t)k,
				   (uint8_t)a->scale, amount_fast_style->decimal};
	}
	return k;
}

/* parse_keep for a text the memo may keep: one argument fewer to hand on from
 * amount_parse's hit path, which then keeps fewer registers. */
static __attribute__((noinline)) long
parse_miss(const char *s, size_t n, struct amount *a, bool learn, const char **why)
{
	return parse_keep(s, n, a, learn, why, amount_memo);
}

long
amount_parse(const char *s, size_t n, struct amount *a, bool learn, const char **why)
{
	long k = amount_memo_get(s, n, a, learn);

	if (k)
		return k;
	return amount_fast_style && n >= 8 ? parse_miss(s, n, a, learn, why) :
				      parse_keep(s, n, a, learn, why, NULL);
}

int
amount_parse_plain(const char *s, size_t n, struct amount *a)
{
	size_t i = 0;
	bool neg = false, dot = false, digit = false;

	a->q = 0;
	a->scale = 0;
	a->com = 0;
	if (i < n && (s[i] == '-' || s[i] == '+'))
		neg = s[i++] == '-';
	/* The first 18 digits fit 64 bits: no overflow to check for them. */
	uint64_t v = 0;
	int nd = 0;

	for (; i < n && nd < 18; i++) {
		if (s[i] == '.' && !dot) {
			dot = true;
			continue;
		}
		if (s[i] < '0' || s[i] > '9')
			break;
		v = v * 10 + (uint64_t)(s[i] - '0');
		nd++;
		if (dot)
			a->scale++;
	}
	a->q = (tnum)v;
	digit = nd > 0;
	for (; i < n; i++) {
		if (s[i] == '.' && !dot) {
			dot = true;
			continue;
		}
		if (s[i] < '0' || s[i] > '9')
			return -1;
		digit = true;
		if (__builtin_mul_overflow(a->q, (tnum)10, &a->q) ||
		    __builtin_add_overflow(a->q, (tnum)(s[i] - '0'), &a->q))
			return -1;
		if (dot && ++a->scale > AMOUNT_MAX_SCALE)
			return -1;
	}
	if (!digit)
		return -1;
	if (neg)
		a->q = -a->q;
	return 0;
}
