/*
 * vocab.c: the vocabulary, every tag tally understands. One table says what kind of value
 * each tag takes and where it may be written; one parser per kind reads the value; one
 * reader (vocab_entry) reads and checks an entry's tags, so that tally-check and every
 * command say the same thing about the same tag, at the tag's own line.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tagwalk.h"
#include "internal.h"  /* load32, load64 */
#include "vocabint.h"


/*
 * quick_lines' line: its start, and the bits of its bytes; none but the 17th (that no
 * sixteen bytes have) for a tag it does not read, one not read on an entry or of a longer
 * line.
 */
#define LINE(s) "    ; " s ":"
#define LINE_BITS(s, w) (sizeof LINE(s) - 1 <= 16 && ((w) & VW_ENTRY) ? \
			 (1u << (sizeof LINE(s) - 1)) - 1 : 1u << 16)
#define V(s, w) LINE(s), LINE_BITS(s, w), s, sizeof s - 1, w
/* The vocabulary, in the order of enum vtag. */
static const struct {
	_Alignas(64) char line[32];  /* "    ; name:", most lines' start, zeros after */
	unsigned bits;       /* line's bytes as bits, as quick_lines compares them */
	const char *name;
	unsigned char len;  /* strlen(name) */
	unsigned char where; /* VW_ENTRY, VW_POSTING */
	unsigned char kind;  /* enum vkind */
	bool to_eol;       /* free text: the value runs to the end of the line, commas and all */
	const char *want;  /* what a good value looks like, for messages */
} vocab[VT_N] = {
	[VT_CLIENT] = {V("client", VW_ENTRY | VW_POSTING), K_ID, false, "a client ID or name of at most 200 letters, e.g. ana-garcia"},
	[VT_SESSION] = {V("session", VW_ENTRY), K_SESSION, false,
			"held, cancelled, late-cancel, no-show or provider-cancel"},
	[VT_TIME] = {V("time", VW_ENTRY), K_TIME, false, "HH:MM"},
	[VT_MINUTES] = {V("minutes", VW_ENTRY), K_MINUTES, false, "a number of minutes, e.g. 50"},
	[VT_DURATION] = {V("duration", VW_ENTRY), K_DURATION, false, "e.g. 50m, 90min, 1h30m"},
	[VT_CANCELLED_AT] = {V("cancelled-at", VW_ENTRY), K_STAMP, false, "YYYY-MM-DD HH:MM"},
	[VT_SIGNED] = {V("signed", VW_ENTRY), K_TEXT, true, "any text"},
	[VT_PACKAGE] = {V("package", VW_ENTRY), K_COUNT, false, "a number of sessions, e.g. 10"},
	[VT_EXPIRES] = {V("expires", VW_ENTRY), K_DATE, false, "a date, YYYY-MM-DD"},
	[VT_EXPIRED] = {V("expired", VW_ENTRY), K_TEXT, false, "any text"},
	[VT_PAYER] = {V("payer", VW_ENTRY), K_REGEX, false, "a regular expression"},
	[VT_RATE] = {V("rate", VW_ENTRY), K_RATE, false, "an amount, e.g. 45 EUR or 60 EUR/h"},
	[VT_POLICY] = {V("policy", VW_ENTRY), K_NAME, false, "a policy name, e.g. 24h"},
	[VT_TERMS] = {V("terms", VW_ENTRY), K_DAYS, false, "days, 0 to 3650, e.g. 14 or 14 days"},
	[VT_INVOICE] = {V("invoice", VW_ENTRY | VW_POSTING), K_WORD, false, "an invoice number"},
	[VT_DUE] = {V("due", VW_ENTRY), K_DATE, false, "a date, YYYY-MM-DD"},
	[VT_ITEM] = {V("item", VW_ENTRY), K_ITEM, true, "DATE | AMOUNT | DESCRIPTION"},
	[VT_WAIVED] = {V("waived", VW_ENTRY), K_TEXT, true, "a reason"},
	[VT_DEPOSIT] = {V("deposit", VW_ENTRY), K_TEXT, false, "any text"},
	[VT_NAME] = {V("name", VW_ENTRY), K_TEXT, true, "any text"},
	[VT_EMAIL] = {V("email", VW_ENTRY), K_EMAIL, false, "an address, e.g. ana@example.org"},
	[VT_ADDRESS] = {V("address", VW_ENTRY), K_TEXT, true, "any text"},
	[VT_TAX_ID] = {V("tax-id", VW_ENTRY), K_TEXT, false, "any text"},
	[VT_UID] = {V("uid", VW_ENTRY), K_TEXT, false, "any text"},
	[VT_BILL_TO] = {V("bill-to", VW_ENTRY), K_ID, false, "a client ID of at most 200 letters"},
	[VT_PRICE] = {V("price", VW_ENTRY), K_AMOUNT, false, "an amount, e.g. 30 EUR"},
	[VT_ABSENT] = {V("absent", VW_ENTRY), K_ABSENT, false,
		       "a client ID of the session, then no-show or late-cancel if you like"},
	[VT_UPCOMING] = {V("upcoming", VW_ENTRY), K_TEXT, false, "any text"},
	[VT_INCLUDES] = {V("includes", VW_ENTRY), K_TEXT, true, "any text"},
	[VT_EXCLUDES] = {V("excludes", VW_ENTRY), K_TEXT, true, "any text"},
	[VT_EXTRAS] = {V("extras", VW_ENTRY), K_TEXT, true, "any text"},
	[VT_FREQUENCY] = {V("frequency", VW_ENTRY), K_TEXT, true, "any text"},
	[VT_PROGRAMME] = {V("programme", VW_ENTRY), K_TEXT, true, "any text"},
};

/*
 * vocab_lookup's table: a perfect hash of a tag's first four bytes (a three-letter tag's
 * with its colon) to the tag + 1 (0: none of tally's). Tags that share their first four
 * bytes follow each other in vocab[], the first in the table (expires, expired). A tag
 * added to vocab[] goes here too; -Woverride-init (in -Wextra) says when its slot is
 * taken (21-vocab reads every tag back through the commands).
 */
#define W4(a, b, c, d) ((uint32_t)(a) | (uint32_t)(b) << 8 | (uint32_t)(c) << 16 | (uint32_t)(d) << 24)
#define SLOT(w) ((uint32_t)((w) * 0x6ad023d3u) >> 26)
#define AT(a, b, c, d) [SLOT(W4(a, b, c, d))]
static const signed char by_word[64] = {
	AT('c', 'l', 'i', 'e') = VT_CLIENT + 1, AT('s', 'e', 's', 's') = VT_SESSION + 1,
	AT('t', 'i', 'm', 'e') = VT_TIME + 1, AT('m', 'i', 'n', 'u') = VT_MINUTES + 1,
	AT('d', 'u', 'r', 'a') = VT_DURATION + 1, AT('c', 'a', 'n', 'c') = VT_CANCELLED_AT + 1,
	AT('s', 'i', 'g', 'n') = VT_SIGNED + 1, AT('p', 'a', 'c', 'k') = VT_PACKAGE + 1,
	AT('e', 'x', 'p', 'i') = VT_EXPIRES + 1,  /* and expired, next in vocab[] */
	AT('p', 'a', 'y', 'e') = VT_PAYER + 1, AT('r', 'a', 't', 'e') = VT_RATE + 1,
	AT('p', 'o', 'l', 'i') = VT_POLICY + 1, AT('t', 'e', 'r', 'm') = VT_TERMS + 1,
	AT('i', 'n', 'v', 'o') = VT_INVOICE + 1, AT('d', 'u', 'e', ':') = VT_DUE + 1,
	AT('i', 't', 'e', 'm') = VT_ITEM + 1, AT('w', 'a', 'i', 'v') = VT_WAIVED + 1,
	AT('d', 'e', 'p', 'o') = VT_DEPOSIT + 1, AT('n', 'a', 'm', 'e') = VT_NAME + 1,
	AT('e', 'm', 'a', 'i') = VT_EMAIL + 1, AT('a', 'd', 'd', 'r') = VT_ADDRESS + 1,
	AT('t', 'a', 'x', '-') = VT_TAX_ID + 1, AT('u', 'i', 'd', ':') = VT_UID + 1,
	AT('b', 'i', 'l', 'l') = VT_BILL_TO + 1, AT('p', 'r', 'i', 'c') = VT_PRICE + 1,
	AT('a', 'b', 's', 'e') = VT_ABSENT + 1, AT('u', 'p', 'c', 'o') = VT_UPCOMING + 1,
	AT('i', 'n', 'c', 'l') = VT_INCLUDES + 1, AT('e', 'x', 'c', 'l') = VT_EXCLUDES + 1,
	AT('e', 'x', 't', 'r') = VT_EXTRAS + 1, AT('f', 'r', 'e', 'q') = VT_FREQUENCY + 1,
	AT('p', 'r', 'o', 'g') = VT_PROGRAMME + 1,
};
_Static_assert(VT_N == 33, "a new tag goes into by_word too");
_Static_assert(VT_N <= 64, "vtags.set has a bit per tag");

static bool
is_digit(char c)
{
	return (unsigned)(c - '0') < 10;
}

/* Whether the n bytes at p (2 to 16) are name's: two loads a side, that may overlap. */
static inline bool
same_name(const char *p, const char *name, size_t n)
{
	if (n < 4)
		return p[0] == name[0] && p[1] == name[1] && p[n - 1] == name[n - 1];
	if (n <= 8)
		return load32(p) == load32(name) && load32(p + n - 4) == load32(name + n - 4);
	return load64(p) == load64(name) && load64(p + n - 8) == load64(name + n - 8);
}

/* The four bytes at p as a number, whatever the machine's byte order. */
static inline uint32_t
word4(const char *p)
{
	const unsigned char *u = (const unsigned char *)p;

	return W4(u[0], u[1], u[2], u[3]);
}

/* The next tag to try after k in by_word's slot of k: one with the same first four bytes
 * (expired after expires), or -1. */
static inline int
slot_next(int k)
{
	return k + 1 < VT_N && memcmp(vocab[k + 1].name, vocab[k].name, 4) == 0 ? k + 1 : -1;
}

/* The tag whose name is the n bytes at p, of first four bytes x, or -1. */
static inline int
slot_find(uint32_t x, const char *p, size_t n)
{
	for (int k = by_word[SLOT(x)] - 1; k >= 0; k = slot_next(k))
		if (vocab[k].len == n && same_name(p, vocab[k].name, n))
			return k;
	return -1;
}

/* vocab_lookup, inline for take */
static inline __attribute__((always_inline)) int
lookup(struct span key)
{
	const char *p = key.p;

	if (key.n < 3 || key.n > 12)  /* none is shorter or longer */
		return -1;
	return slot_find(key.n == 3 ? W4((unsigned char)p[0], (unsigned char)p[1],
					 (unsigned char)p[2], ':') : word4(p), p, key.n);
}

int
vocab_lookup(struct span key)
{
	return lookup(key);
}

const char *
vocab_name(enum vtag k)
{
	return vocab[k].name;
}

bool
vocab_to_eol(struct span key)
{
	int k = vocab_lookup(key);

	return k >= 0 && vocab[k].to_eol;
}

bool
vocab_same_client(struct span a, struct span b)
{
	/* a slug is never longer than its text: room for all of it, so long IDs never merge */
	char *x = xmalloc(a.n + 2), *y = xmalloc(b.n + 2);
	size_t n = clients_slug(a, x, a.n + 2);
	bool same = n && n == clients_slug(b, y, b.n + 2) && memcmp(x, y, n) == 0;

	free(x);
	free(y);
	return same;
}

long
vocab_line(const struct jitem *it, const char *p)
{
	long line = it->line;

	if (p < it->text || p > it->text + it->len)  /* not in the item: its first line */
		return line;
	for (const char *q = it->text; q < p; q++)
		line += *q == '\n';
	return line;
}


static inline __attribute__((always_inline)) int parse(enum vtag k, struct span v,
						       struct vval *out, const char *lim);

int
vocab_parse(enum vtag k, struct span v, struct vval *out)
{
	memset(out, 0, sizeof *out);
	return parse(k, v, out, v.p + v.n);
}


/*
 * The common forms of the common kinds (client, session, time, duration, invoice and free
 * text are most tags of most entries), read into *n: 0, -1 for a bad value, 1 for one
 * vocab_parse_rare reads. Bytes up to lim (>= the value's end) may be read. No call:
 * inline in quick_lines' loop, it leaves the loop its registers. Of these kinds' places in
 * struct vtags, nothing past n is ever written but zeros (they start zero, a bad value and
 * vocab_entry_next clear a place whole, vocab_parse_rare writes only raw and n of them):
 * so quick_lines writes raw, at and n alone.
 */
static inline __attribute__((always_inline)) int
parse_common(enum vtag k, struct span v, const char *lim, long *n)
{
	static const char *const sessions[] = {
		[SESSION_HELD] = "held", [SESSION_CANCELLED] = "cancelled",
		[SESSION_LATE] = "late-cancel", [SESSION_NOSHOW] = "no-show",
		[SESSION_PROVIDER] = "provider-cancel",
	};

	switch (vocab[k].kind) {
	case K_ID:
		/* a slug is never longer than its text and keeps ASCII letters and digits:
		 * most IDs need no slug to be found good */
		for (size_t i = 0; v.n <= CLIENT_ID_MAX && i < v.n; i++)
			if (((v.p[i] | 0x20) >= 'a' && (v.p[i] | 0x20) <= 'z') ||
			    (v.p[i] >= '0' && v.p[i] <= '9'))
				return 0;
		return 1;
	case K_SESSION: {
		/* the five have five lengths: one comparison */
		int s = v.n == 4 ? SESSION_HELD : v.n == 9 ? SESSION_CANCELLED
			: v.n == 11 ? SESSION_LATE : v.n == 7 ? SESSION_NOSHOW
			: v.n == 15 ? SESSION_PROVIDER : -1;

		if (s < 0 || !same_name(v.p, sessions[s], v.n))
			return -1;
		*n = s;
		return 0;
	}
	case K_TIME:
		/* most are HH:MM, read here; else time_parse (9:30 too) */
		if (v.n == 5 && v.p[2] == ':' && is_digit(v.p[0]) && is_digit(v.p[1]) &&
		    is_digit(v.p[3]) && is_digit(v.p[4])) {
			long h = (v.p[0] - '0') * 10 + v.p[1] - '0', m = (v.p[3] - '0') * 10 + v.p[4] - '0';

			*n = h <= 23 && m <= 59 ? h * 60 + m : -1;
			return *n < 0 ? -1 : 0;
		}
		return 1;
	case K_DURATION:
		/* most are minutes, "50m", read here */
		if (v.n == 3 && v.p[2] == 'm' && is_digit(v.p[0]) && is_digit(v.p[1])) {
			*n = (v.p[0] - '0') * 10 + v.p[1] - '0';
			return *n > 0 ? 0 : -1;
		}
		return 1;
	case K_WORD:
		/* most are short: sixteen bytes tested for blanks at once */
#ifdef __SSE2__
		if (v.n && v.n <= 16 && lim - v.p >= 16) {
			__m128i x = _mm_loadu_si128((const __m128i *)(const void *)v.p);

			return (tag_eq16(x, ' ') | tag_eq16(x, '\t')) & ((1u << v.n) - 1) ? -1 : 0;
		}
#else
		(void)lim;
#endif
		return 1;
	case K_TEXT:
		return 0;
	default:
		return 1;
	}
}

/* vocab_parse into a zero *out; bytes up to lim (>= the value's end) may be read. */
static inline __attribute__((always_inline)) int
parse(enum vtag k, struct span v, struct vval *out, const char *lim)
{
	int r;

	out->raw = v;
	return (r = parse_common(k, v, lim, &out->n)) <= 0 ? r : vocab_parse_rare(vocab[k].kind, v, out);
}

void
vocab_bad(struct terr *e, const struct jitem *it, enum vtag k, struct span v)
{
	terr_set(e, it->file, vocab_line(it, v.p), "%s: bad value %.*s (want %s)", vocab[k].name,
		 (int)v.n, v.p, vocab[k].want);
}

#define BIT(k) ((uint64_t)1 << (k))
#define TERM_SET (BIT(VT_PAYER) | BIT(VT_RATE) | BIT(VT_POLICY) | BIT(VT_TERMS) | BIT(VT_BILL_TO))

/* Reading an entry: the tags, the errors so far, where to send them. */
struct reading {
	const struct jitem *it;
	struct vtags *tg;
	const char *lim;   /* bytes up to lim may be read: the entry's comment, or its item */
	uint64_t seen;     /* bit k: tag k written on the entry, good or bad */
	int nclient;       /* client: tags on the entry */
	int nerr;
	int hint;          /* the tag known() found, for take; else -1 */
	struct terr *e;
	void (*report)(const struct terr *, void *);
	void *arg;
};

static void
fail(struct reading *r, long line, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static void
fail(struct reading *r, long line, const char *fmt, ...)
{
	struct terr e = {r->it->file, line, ""};
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(e.msg, sizeof e.msg, fmt, ap);
	va_end(ap);
	if (r->nerr++ == 0 && r->e)
		*r->e = e;
	if (r->report)
		r->report(&e, r->arg);
}

/* A bad value, said at its tag's line; the entry's place for it back to zero (keep). */
static void
bad(struct reading *r, int k, struct span key, struct span value, struct vval *v, bool keep)
{
	struct terr e;

	if (keep)
		*v = (struct vval){0};  /* what has[k] false means */
	vocab_bad(&e, r->it, k, value);
	fail(r, vocab_line(r->it, key.p), "%s", e.msg);
}

/*
 * Tag k of the entry's comment (posting false) or of a posting's: the two are inlined
 * apart, so that the entry's, read for every tag of every entry, tests nothing of
 * postings. Bytes of the value up to lim may be read.
 */
static inline __attribute__((always_inline)) void
take_tag(struct reading *r, int k, struct span key, struct span value, const char *lim,
	 bool posting)
{
	uint64_t bit = (uint64_t)1 << k;
	struct vval scratch, *v;
	bool keep;

	if (!posting) {
		r->seen |= bit;
		r->nclient += k == VT_CLIENT;
	}
	/* the tag's line is counted only for a message: counting it for every tag cost a
	 * fifth of tally-bill's time */
	if (!(vocab[k].where & (posting ? VW_POSTING : VW_ENTRY))) {
		fail(r, vocab_line(r->it, key.p), "%s: not read on a posting: write it on the entry",
		     vocab[k].name);
		return;
	}
	/* the first of each on the entry is kept: read straight into its place (which
	 * may hold the last entry's: see vocab_entry_next) */
	keep = !posting && !(r->tg->set & bit);
	/* cppcheck-suppress uninitvar ; scratch is written whole through v on the next line */
	v = keep ? &r->tg->v[k] : &scratch;
	*v = (struct vval){0};
	if (parse(k, value, v, lim) < 0) {
		bad(r, k, key, value, v, keep);
		return;
	}
	if (!keep)
		return;
	v->at = key.p;
	r->tg->has[k] = true;
	r->tg->set |= bit;
}

static inline __attribute__((always_inline)) int
take_at(struct span key, struct span value, struct reading *r, bool posting)
{
	int k = r->hint >= 0 ? r->hint : lookup(key);

	r->hint = -1;
	if (k >= 0)
		take_tag(r, k, key, value, posting ? value.p + value.n : r->lim, posting);
	return 0;
}

/* tag_walk's known: a tag of tally's at w, and its colon; what take will read, found
 * without a scan for the key's end nor a second lookup (most keys are tally's) */
static inline __attribute__((always_inline)) size_t
known(const char *w, const char *end, const char *lim, void *arg)
{
	struct reading *r = arg;

	if (w + 4 > lim)
		return 0;
	for (int k = by_word[SLOT(word4(w))] - 1; k >= 0; k = slot_next(k)) {
		size_t n = vocab[k].len;

		if (w + n < end && w[n] == ':' && same_name(w, vocab[k].name, n)) {
			r->hint = k;
			return n;
		}
	}
	return 0;
}

static inline __attribute__((always_inline)) int
take(struct span key, struct span value, void *arg)
{
	return take_at(key, value, arg, false);
}

/* One line of the entry's comment as tag_walk reads it, for what quick_lines does not read. */
static __attribute__((noinline)) const char *
slow_line(struct reading *r, const char *p, const char *end)
{
	int stop;

	return tag_walk_line(p, end, r->lim, take, known, r, &stop);
}

static int
take_posting(struct span key, struct span value, void *arg)
{
	return take_at(key, value, arg, true);
}

#ifdef __SSE2__
/*
 * The lines from p of most entries' comments, read here as tag_walk_line reads them:
 * "    ; key: value", the key one of tally's (the first of its by_word slot) the first
 * time on the entry, the value without a comma and of a common form (parse_common).
 * Sixteen bytes are compared with vocab[k].line at once, sixteen at a time searched for
 * the value's end. Returns the first line it does not read (or past end), which it left
 * as it was: slow_line reads it, bad values too. No call in the loop: all registers are
 * its own.
 */
static __attribute__((noinline)) const char *
quick_lines(struct reading *r, const char *p, const char *end)
{
	struct vtags *tg = r->tg;
	const char *lim = r->lim, *v, *q, *stop;
	uint64_t set = tg->set;
	struct span value;
	struct vval *o;
	__m128i x;
	unsigned m;
	long n, k;

	/* the loads below stay within 48 bytes of p */
	stop = lim - end >= 48 ? end : lim - p >= 48 ? lim - 47 : p;
	for (; p < stop; p = q + 1) {
		if ((k = by_word[SLOT(word4(p + 6))] - 1) < 0)
			break;
		m = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(
			_mm_loadu_si128((const __m128i *)(const void *)p),
			_mm_load_si128((const __m128i *)(const void *)vocab[k].line)));
		v = p + 7 + vocab[k].len;
		/* the line's start, before the comment's end; a tag again on the entry is
		 * take_tag's */
		if ((m & vocab[k].bits) != vocab[k].bits || v > end || (set >> k & 1))
			break;
		x = _mm_loadu_si128((const __m128i *)(const void *)v);
		if ((m = tag_eq16(x, ',') | tag_eq16(x, '\n')) != 0)
			q = v + (unsigned)__builtin_ctz(m) < end ? v + (unsigned)__builtin_ctz(m) : end;
		else  /* a long name, say */
			q = tag_value_end(v + 16, end, lim);
		if (q < end && *q == ',')
			break;
		/* most values: one blank before, none after (nor any byte up to a blank) */
		if (q - v >= 2 && v[0] == ' ' && (unsigned char)v[1] > ' ' &&
		    (unsigned char)q[-1] > ' ')
			value = (struct span){v + 1, (size_t)(q - v - 1)};
		else
			value = tag_trim(v, q);
		n = 0;
		if (parse_common(k, value, lim, &n) != 0)
			break;
		/* the entry's place for it, which may hold the last entry's: past n, all
		 * zero (see parse_common) */
		o = &tg->v[k];
		o->raw = value;
		o->at = p + 6;
		o->n = n;
		tg->has[k] = true;
		set |= BIT(k);
	}
	/* what take_tag counts: the tags taken here were seen, a client once */
	r->seen |= set;
	r->nclient += (set & ~tg->set & BIT(VT_CLIENT)) != 0;
	tg->set = set;
	return p;
}
#endif

/* A group session's tags: absent: names one of its clients, on a held session. */
static void
group_check(struct reading *r)
{
	const struct vval *v = r->tg->v;
	struct attendee a[GROUP_MAX];
	struct span stray;
	size_t n = group_attendees(r->it->txn, a, GROUP_MAX, &stray);

	if ((r->tg->set & BIT(VT_ABSENT)) &&
	    (!(r->tg->set & BIT(VT_SESSION)) || v[VT_SESSION].n != SESSION_HELD))
		fail(r, vocab_line(r->it, v[VT_ABSENT].at), "absent: only on a session: held event");
	else if (stray.p)
		fail(r, vocab_line(r->it, stray.p), "absent: %.*s is not one of the session's "
		     "clients", (int)stray.n, stray.p);
	if (n > GROUP_MAX)
		fail(r, vocab_line(r->it, r->tg->set & BIT(VT_CLIENT) ? v[VT_CLIENT].at : NULL),
		     "a group session of more than %d clients", GROUP_MAX);
}

static inline __attribute__((always_inline)) int read_entry(const struct jitem *it,
	struct vtags *tg, struct terr *e, void (*report)(const struct terr *, void *), void *arg);

int
vocab_entry(const struct jitem *it, struct vtags *tg, struct terr *e,
	    void (*report)(const struct terr *, void *), void *arg)
{
	memset(tg, 0, sizeof *tg);
	return read_entry(it, tg, e, report, arg);
}

int
vocab_entry_next(const struct jitem *it, struct vtags *tg, struct terr *e,
		 void (*report)(const struct terr *, void *), void *arg)
{
	/*
	 * a vtags is 3 KB: only what the last entry set is cleared, and only what this
	 * one does not set again (a tag read is written whole in its place, has[] is
	 * set[] again once read); till then has[] is not read, set is. A copy of zero
	 * takes six stores where memset of a size the compiler knows takes a string
	 * instruction counted by the word.
	 */
	static const struct vval zero;
	uint64_t was = tg->set;
	int n;

	tg->set = 0;
	tg->nclient = 0;
	n = read_entry(it, tg, e, report, arg);
	for (uint64_t s = was & ~tg->set; s; s &= s - 1) {
		int k = __builtin_ctzll(s);

		tg->has[k] = false;
		tg->v[k] = zero;
	}
	return n;
}

/* What an entry's tags need of each other. */
static __attribute__((noinline)) void
relations(struct reading *r)
{
	static const enum vtag terms[] = {VT_PAYER, VT_RATE, VT_POLICY, VT_TERMS, VT_BILL_TO};
	const struct jitem *it = r->it;
	const struct vtags *tg = r->tg;
	const struct vval *v = tg->v;

	if ((tg->set & BIT(VT_SESSION)) && !(r->seen & BIT(VT_CLIENT)))
		fail(r, vocab_line(it, v[VT_SESSION].at), "session: no client: tag on the entry");
	if ((tg->set & BIT(VT_SESSION)) && v[VT_SESSION].n == SESSION_CANCELLED) {
		if (!(r->seen & BIT(VT_CANCELLED_AT)))
			fail(r, vocab_line(it, v[VT_SESSION].at),
			     "session: cancelled needs cancelled-at: "
			     "(late or on time cannot be told)");
		if (!(r->seen & BIT(VT_TIME)))
			fail(r, vocab_line(it, v[VT_SESSION].at),
			     "session: cancelled needs time: "
			     "(late or on time cannot be told)");
	}
	if ((tg->set & BIT(VT_PRICE)) && !(r->seen & BIT(VT_SESSION)))
		fail(r, vocab_line(it, v[VT_PRICE].at), "price: no session: tag on the entry");
	if (r->nclient > 1 || (tg->set & BIT(VT_ABSENT)))
		group_check(r);
	/* the client terms, in the vocabulary's order */
	for (size_t i = 0; i < sizeof terms / sizeof *terms; i++) {
		int k = terms[i];

		if (!(tg->set & BIT(k)))
			continue;
		if (!(r->seen & BIT(VT_CLIENT)))
			fail(r, vocab_line(it, v[k].at), "%s: no client: tag on the entry",
			     vocab[k].name);
		/* whose terms? only the first client's would be: say so rather than guess */
		else if (r->nclient > 1)
			fail(r, vocab_line(it, v[k].at), "%s: on an entry of several clients: "
			     "write each client's terms on an entry of their own", vocab[k].name);
	}
}

static inline __attribute__((always_inline)) int
read_entry(const struct jitem *it, struct vtags *tg, struct terr *e,
	   void (*report)(const struct terr *, void *), void *arg)
{
	struct reading r = {.it = it, .tg = tg, .hint = -1, .e = e, .report = report, .arg = arg};
	const struct txn *t = it->txn;
	const char *p, *end;
	bool in;

	if (it->kind != J_TXN)
		return 0;
	/* tagwalk.h's scans read sixteen bytes at a time: the whole item's text may be read
	 * (only the comment's, should it lie elsewhere) */
	if ((p = t->comment.p)) {
		end = p + t->comment.n;
		in = p >= it->text && end <= it->text + it->len;
		r.lim = in ? it->text + it->len : end;
		/* "    ; key: value" as the lines after: tag_walk_line skips the blanks */
		if (in && p - it->text >= 4 && tag_four_spaces(p - 4))
			p -= 4;
		while (p < end) {
#ifdef __SSE2__
			if ((p = quick_lines(&r, p, end)) >= end)
				break;
#endif
			p = slow_line(&r, p, end);
		}
	}
	/* most postings have no comment, most comments no colon: no tag, no call (an entry
	 * without postings may have none: NULL + 0 is undefined behaviour) */
	for (const struct posting *q = t->p, *qe = t->np ? t->p + t->np : q; q < qe; q++)
		if (q->comment.n && memchr(q->comment.p, ':', q->comment.n))
			tag_each(q->comment, take_posting, &r);
	tg->nclient = r.nclient;
	/* most entries: one client, and a session (not cancelled) of theirs or none */
	if ((tg->set & (BIT(VT_PRICE) | BIT(VT_ABSENT) | TERM_SET)) || r.nclient > 1 ||
	    ((tg->set & BIT(VT_SESSION)) && (!(r.seen & BIT(VT_CLIENT)) ||
					     tg->v[VT_SESSION].n == SESSION_CANCELLED)))
		relations(&r);
	return r.nerr;
}

/* vocab_each's walk: calls fn for each good value of one tag. */
struct each {
	enum vtag k;
	int (*fn)(const struct vval *, void *);
	void *arg;
};

static int
each_one(struct span key, struct span value, void *arg)
{
	struct each *w = arg;
	struct vval v;

	if (!span_eq(key, vocab[w->k].name) || vocab_parse(w->k, value, &v) < 0)
		return 0;
	return w->fn(&v, w->arg);
}

int
vocab_each(const struct txn *t, enum vtag k, int (*fn)(const struct vval *v, void *arg),
	   void *arg)
{
	struct each w = {k, fn, arg};

	return tag_each(t->comment, each_one, &w);
}
