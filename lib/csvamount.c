/*
 * csvamount.c: the amounts of a bank CSV, read as hledger reads them: its sign
 * simplification, a symbol on either side, a decimal mark given or guessed, digit groups
 * ("1.234,56", "1 234,56"), a price; and written back exactly as parsed. The number itself
 * goes through amount.c (amount_parse_plain, amount_format_plain), so overflow and scale
 * are checked in one place.
 */
#include <string.h>

#include "rules-int.h"

static bool
blank(int c)
{
	return c == ' ' || c == '\t';
}

/* isdigit() and isspace() of the C locale (LC_CTYPE is never set), without a call. */
static bool
is_digit(unsigned char c)
{
	return (unsigned)(c - '0') < 10;
}

static bool
is_space(unsigned char c)
{
	return c == ' ' || (c >= '\t' && c <= '\r');
}

static void
trim(const char **s, size_t *n)
{
	while (*n && is_space((unsigned char)**s))
		(*s)++, (*n)--;
	while (*n && is_space((unsigned char)(*s)[*n - 1]))
		(*n)--;
}

static bool
sym_char(unsigned char c)
{
	if (c >= 0x80)
		return true;
	/* The ASCII bytes a symbol may hold, one bit each: this runs per byte of every field. */
	static const uint64_t ok[2] = {
		~0ull & ~(0xffffffffull | (0x3ffull << '0') | (1ull << '-') | (1ull << '+') |
			  (1ull << '.') | (1ull << ',') | (1ull << ';') | (1ull << '*') |
			  (1ull << '"') | (1ull << '=') | (1ull << '(') | (1ull << ')') |
			  (1ull << '<') | (1ull << '>') | (1ull << '!') | (1ull << '/') | (1ull << ' ')),
		~0ull & ~((1ull << ('@' - 64)) | (1ull << ('{' - 64)) | (1ull << ('}' - 64)) |
			  (1ull << ('[' - 64)) | (1ull << (']' - 64))),
	};

	return ok[c >> 6] >> (c & 63) & 1;
}

/*
 * hledger's sign simplification: "(1)" is -1, "-(1)" and "--1" are 1, "-+1" is -1, a
 * leading "+" goes.
 */
size_t
csvamount_unsign(const char *s, size_t n, char *buf)
{
	bool neg = false;

	for (;;) {
		trim(&s, &n);
		if (n >= 2 && s[0] == '(' && s[n - 1] == ')') {
			neg = !neg;
			s++, n -= 2;
		} else if (n >= 3 && s[0] == '-' && s[1] == '(' && s[n - 1] == ')') {
			s += 2, n -= 3;
		} else if (n >= 2 && s[0] == '-' && s[1] == '-') {
			s += 2, n -= 2;
			break;
		} else if (n >= 2 && s[0] == '-' && s[1] == '+') {
			neg = !neg;
			s += 2, n -= 2;
			break;
		} else if (n >= 2 && s[0] == '+' && s[1] == '-') {
			neg = !neg;
			s += 2, n -= 2;
			break;
		} else if (n >= 1 && s[0] == '+') {
			s++, n--;
		} else {
			break;
		}
	}
	if (neg && n && s[0] == '-') {
		memcpy(buf, s + 1, n - 1);
		return n - 1;
	}
	if (neg) {
		buf[0] = '-';
		memcpy(buf + 1, s, n);
		return n + 1;
	}
	memcpy(buf, s, n);
	return n;
}

/* Longer symbols are refused, so that an amount always fits its buffers (AMOUNT_BUF). */
#define MAX_SYMBOL 100

static long
read_symbol(const char *s, size_t n, const char **sym, size_t *symn)
{
	size_t i = 0;

	if (n && s[0] == '"') {
		for (i = 1; i < n && s[i] != '"'; i++)
			;
		if (i == n)
			return -1;
		*sym = s + 1;
		*symn = i - 1;
		return (long)i + 1;
	}
	while (i < n && sym_char((unsigned char)s[i]))
		i++;
	*sym = s;
	*symn = i;
	return (long)i;
}

/* The width of a digit group space at s (" ", U+00A0, U+202F) before three digits, or 0. */
static size_t
space_group(const char *s, size_t n)
{
	size_t w = 0;

	if (n >= 1 && s[0] == ' ')
		w = 1;
	else if (n >= 2 && memcmp(s, "\xc2\xa0", 2) == 0)
		w = 2;
	else if (n >= 3 && memcmp(s, "\xe2\x80\xaf", 3) == 0)
		w = 3;
	if (!w || n < w + 3 || !is_digit((unsigned char)s[w]) || !is_digit((unsigned char)s[w + 1]) ||
	    !is_digit((unsigned char)s[w + 2]) || (n > w + 3 && is_digit((unsigned char)s[w + 3])))
		return 0;
	return w;
}

/*
 * The common shape, "-1234.56 EUR" or "12,50": a sign, up to 18 digits with at most one mark
 * among them (followed by a digit, and the decimal mark when the rules name one), then a
 * plain symbol to the end, after spaces or none. Reads it as parse_amount would; false when
 * the text has another shape (parse_amount reads it).
 */
static bool
parse_common(const char *s, size_t n, char decmark, struct ramount *ra)
{
	size_t i = 0, sp, sym;
	uint64_t v = 0;
	int nd = 0, frac = 0;
	bool neg = false;
	char mark = 0, dec;

	if (i < n && s[i] == '-')
		neg = true, i++;
	while (i < n && is_digit((unsigned char)s[i]) && nd < 18)
		v = v * 10 + (uint64_t)(s[i++] - '0'), nd++;
	if (nd == 0)
		return false;
	if (i + 1 < n && (s[i] == '.' || s[i] == ',') && is_digit((unsigned char)s[i + 1])) {
		mark = s[i++];
		if (decmark && decmark != mark)
			return false;  /* a digit group mark */
		while (i < n && is_digit((unsigned char)s[i]) && nd < 18)
			v = v * 10 + (uint64_t)(s[i++] - '0'), nd++, frac++;
	}
	if (i < n && (is_digit((unsigned char)s[i]) || s[i] == '.' || s[i] == ','))
		return false;  /* more digits or marks */
	sp = i;
	while (i < n && blank(s[i]))
		i++;
	sym = i;
	while (i < n && sym_char((unsigned char)s[i]))
		i++;
	if (i != n || i - sym > MAX_SYMBOL || (sym > sp && sym == n))
		return false;  /* more text, a long symbol, or blanks at the end */
	dec = decmark ? decmark : mark;
	memset(ra, 0, sizeof *ra);
	ra->space = sym > sp && i > sym;
	ra->a.q = neg ? -(tnum)v : (tnum)v;
	ra->a.scale = mark ? frac : 0;
	ra->a.com = i > sym ? commodity_intern(s + sym, i - sym) : 0;
	ra->dec = dec ? dec : '.';
	return true;
}

/* Parses an amount as hledger's amountp would, with the rules' decimal mark. */
static int
parse_amount(const char *s, size_t n, char decmark, struct ramount *ra, const char **why,
	     bool price_ok)
{
	size_t i = 0, ns, k, nd = 0;
	bool neg = false, any = false;
	const char *sym = NULL, *num;
	size_t symn = 0;
	long got;
	char dec = 0, seen[2] = {0, 0};
	int nseen = 0, last_kind = 0;

	if (price_ok && parse_common(s, n, decmark, ra))
		return 0;
	memset(ra, 0, sizeof *ra);
	*why = "not an amount";
	while (i < n && blank(s[i]))
		i++;
	if (i < n && (s[i] == '-' || s[i] == '+')) {
		neg = s[i++] == '-';
		while (i < n && blank(s[i]))
			i++;
	}
	if ((got = read_symbol(s + i, n - i, &sym, &symn)) < 0)
		return -1;
	if (symn > MAX_SYMBOL) {
		*why = "commodity symbol longer than 100 bytes";
		return -1;
	}
	if (symn) {
		ra->left = true;
		i += (size_t)got;
		ns = i;
		while (i < n && blank(s[i]))
			i++;
		ra->space = i > ns;
		if (i < n && (s[i] == '-' || s[i] == '+')) {
			if (s[i] == '-')
				neg = !neg;
			i++;
			while (i < n && blank(s[i]))
				i++;
		}
	}
	num = s + i;
	for (k = i; k < n; k++) {
		char c = s[k];

		if (is_digit((unsigned char)c)) {
			any = true;
			continue;
		}
		if ((c == '.' || c == ',') && k + 1 <= n) {
			if (nseen == 0 || seen[nseen - 1] != c) {
				if (nseen < 2)
					seen[nseen++] = c;
				else
					return -1;
			}
			last_kind = c;
			nd++;
			continue;
		}
		/* A space (or no-break space) between digit groups: "1 234,56". */
		{
			size_t w = space_group(s + k, n - k);

			if (w && any && is_digit((unsigned char)s[k - 1])) {
				k += w - 1;
				continue;
			}
		}
		break;
	}
	if (!any)
		return -1;
	ns = k - i;
	i = k;
	/* Which mark is the decimal mark. */
	if (decmark) {
		dec = decmark;
	} else if (nseen == 2) {
		dec = (char)last_kind;
	} else if (nseen == 1) {
		size_t cnt = 0;

		for (k = 0; k < ns; k++)
			cnt += num[k] == seen[0];
		dec = cnt == 1 ? seen[0] : 0;
	}
	/* The digits and the decimal mark as a plain number, read by amount.c. */
	{
		char plain[128];
		size_t o = 0;
		bool after = false;

		for (k = 0; k < ns; k++) {
			char c = num[k];

			if (c == dec && after) {
				*why = "more than one decimal mark";
				return -1;
			}
			if (o + 2 >= sizeof plain) {
				*why = "amount too large to hold exactly";
				return -1;
			}
			if (c == dec)
				plain[o++] = '.', after = true;
			else if (is_digit((unsigned char)c))
				plain[o++] = c;
		}
		if (amount_parse_plain(plain, o, &ra->a) < 0) {
			*why = "amount too large to hold exactly";
			return -1;
		}
	}
	/* A trailing minus ("50.00-", "50.00 EUR-"), as some banks write debits. */
	if (i < n && s[i] == '-') {
		neg = !neg;
		i++;
	}
	if (!ra->left) {
		ns = i;
		while (i < n && blank(s[i]))
			i++;
		if ((got = read_symbol(s + i, n - i, &sym, &symn)) < 0)
			return -1;
		if (symn > MAX_SYMBOL) {
			*why = "commodity symbol longer than 100 bytes";
			return -1;
		}
		if (symn) {
			ra->space = i > ns;
			i += (size_t)got;
		}
	}
	while (i < n && blank(s[i]))
		i++;
	if (i + 1 == n && s[i] == '-' && (symn || s[i - 1] != '-')) {
		neg = !neg;
		i++;
	}
	if (neg)
		ra->a.q = -ra->a.q;
	ra->a.com = symn ? commodity_intern(sym, symn) : 0;
	ra->dec = dec ? dec : '.';
	if (i < n && s[i] == '@' && price_ok) {
		struct ramount p;

		ra->price = i + 1 < n && s[i + 1] == '@' ? 2 : 1;
		i += (size_t)ra->price;
		if (parse_amount(s + i, n - i, decmark, &p, why, false) < 0 || p.a.q < 0) {
			*why = "bad price after @";
			return -1;
		}
		ra->pa = p.a;
		ra->pleft = p.left;
		ra->pspace = p.space;
		ra->pdec = p.dec;
		return 0;
	}
	if (i != n) {
		*why = "not an amount";
		return -1;
	}
	return 0;
}

/* "00" to "99": the digits of an amount two at a time. */
static const char pairs[201] =
	"00010203040506070809101112131415161718192021222324252627282930313233343536373839"
	"40414243444546474849505152535455565758596061626364656667686970717273747576777879"
	"8081828384858687888990919293949596979899";

/* A symbol as format_one writes it: its length and whether it needs quotes. The last one
 * is kept (most amounts repeat it) and known by its text, not its address, which
 * commodity_reset may give to another. */
struct symw {
	const char *name;
	size_t len;
	bool quote;
	char pad[16];         /* a name under 16 bytes, for a copy of a fixed size */
};

/* Puts the symbol at out + o; room bytes are there. */
static size_t
put_symbol(char *out, size_t o, size_t room, const struct symw *sw)
{
	if (sw->len < sizeof sw->pad && o + sizeof sw->pad <= room)
		memcpy(out + o, sw->pad, sizeof sw->pad);
	else
		memcpy(out + o, sw->name, sw->len);
	return o + sw->len;
}

static const struct symw *
symbol_of(int com)
{
	static _Thread_local struct symw last;
	const char *sym = com ? commodity_name(com) : "";
	size_t i = 0;

	if (last.name && last.len < sizeof last.pad) {
		while (i < last.len && sym[i] == last.pad[i])
			i++;
		if (i == last.len && sym[i] == '\0') {
			last.name = sym;
			return &last;
		}
	}
	last.name = sym;
	last.len = strlen(sym);
	last.quote = false;
	for (i = 0; i < last.len; i++)
		if (!sym_char((unsigned char)sym[i]))
			last.quote = true;
	memset(last.pad, 0, sizeof last.pad);
	if (last.len < sizeof last.pad)
		memcpy(last.pad, sym, last.len);
	return &last;
}

/* One amount (no price) into out, which holds room >= AMOUNT_BUF bytes; returns the
 * length. */
static size_t
format_one(char *out, size_t room, const struct amount *a, bool left, bool space, char dec)
{
	const struct symw *sw = symbol_of(a->com);
	char digs[96], *d = digs + 64;  /* digits end at 64: a 32-byte read from d stays inside */
	unsigned __int128 u;
	size_t o = 0, sl = sw->len, nd, ni;
	bool quote = sw->quote, neg = a->q < 0;

	if (a->q == 0)  /* no "-0"; current hledger keeps the symbol ("$0") */
		neg = false;
	/* "1,500" means 1500 to ledger and 1.5 to hledger: write three decimals with a dot. */
	if (dec == ',' && a->scale == 3)
		dec = '.';
	if (sl && left) {
		if (quote)
			out[o++] = '"';
		o = put_symbol(out, o, room, sw);
		if (quote)
			out[o++] = '"';
		if (space)
			out[o++] = ' ';
	}
	if (neg)
		out[o++] = '-';
	u = neg ? -(unsigned __int128)a->q : (unsigned __int128)a->q;
	/* Every amount has 0 <= scale <= AMOUNT_MAX_SCALE: said here for the analyzer. */
	size_t scale = a->scale >= 0 && a->scale <= AMOUNT_MAX_SCALE ? (size_t)a->scale : 0;

	/* The digits from the right: 128-bit division only for those past 64 bits, then two
	 * at a time. */
	for (; u > UINT64_MAX; u /= 10)
		*--d = (char)('0' + (int)(u % 10));
	uint64_t v = (uint64_t)u;

	while (v >= 100) {
		d -= 2;
		memcpy(d, pairs + 2 * (v % 100), 2);
		v /= 100;
	}
	if (v >= 10) {
		d -= 2;
		memcpy(d, pairs + 2 * v, 2);
	} else {
		*--d = (char)('0' + v);
	}
	for (nd = (size_t)(digs + 64 - d); nd <= scale; nd++)
		*--d = '0';
	ni = nd - scale;
	if (nd <= 32 && o + 66 <= room) {  /* the usual amount: fixed-size copies, no call */
		memset(digs + 64, 0, 32);
		memcpy(out + o, d, 32);
		o += ni;
		if (scale > 0) {
			out[o++] = dec;
			memcpy(out + o, d + ni, 32);
			o += scale;
		}
	} else {
		memcpy(out + o, d, ni);
		o += ni;
		if (scale > 0) {
			out[o++] = dec;
			memcpy(out + o, d + ni, scale);
			o += scale;
		}
	}
	if (sl && !left) {
		if (space)
			out[o++] = ' ';
		if (quote)
			out[o++] = '"';
		o = put_symbol(out, o, room, sw);
		if (quote)
			out[o++] = '"';
	}
	return o;
}

size_t
ramount_format(char *buf, size_t size, const struct ramount *ra)
{
	char tmp[2 * AMOUNT_BUF + 8];
	char *out = size >= sizeof tmp ? buf : tmp;  /* room enough: written in place */
	size_t o = format_one(out, sizeof tmp, &ra->a, ra->left, ra->space, ra->dec), n;

	if (ra->price) {
		memcpy(out + o, ra->price == 2 ? " @@ " : " @ ", ra->price == 2 ? 4 : 3);
		o += ra->price == 2 ? 4 : 3;
		o += format_one(out + o, sizeof tmp - o, &ra->pa, ra->pleft, ra->pspace, ra->pdec);
	}
	n = o < size ? o : size - 1;
	if (out != buf)
		memcpy(buf, out, n);
	buf[n] = '\0';
	return n;
}

int
csvamount_parse(const char *s, size_t n, char dec, struct ramount *ra, const char **why)
{
	return parse_amount(s, n, dec, ra, why, true);
}
