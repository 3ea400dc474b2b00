/*
 * internal.h: state shared by the journal reader's files (journal.c splits the input into
 * items, jsource.c keeps the include stack and its buffers, jdirective.c runs directives,
 * txn.c parses entries and balances them). Not for commands.
 */
#ifndef TALLY_INTERNAL_H
#define TALLY_INTERNAL_H

#include <stdlib.h>  /* spelt_put's free: emmintrin.h brings it only where SSE2 is */
#include <string.h>
#include <sys/types.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "tally.h"

/* A source's buffer has SRC_PAD bytes past its capacity, and the SRC_PAD bytes from its end
 * on are zeros: a sixteen-byte load that starts before s->end stays in bytes that are
 * there and defined (txn.c's scans need no byte loop for a line's short rest). */
#define SRC_PAD 64

/* One open input file; includes push more of them. */
struct src {
	const char *name;     /* interned in journal.names */
	char *real;           /* realpath, for include cycles */
	char *dir;            /* directory of the file, for relative includes */
	int fd;
	char *buf;            /* unread bytes are buf[start, end) */
	size_t cap, start, end;
	long long base;       /* the file offset of buf[0] */
	long long checked;    /* bytes before this file offset are checked (UTF-8, no NUL) */
	long long bad;        /* the file offset of the first bad byte met, or -1 */
	long long lastcr;     /* JOURNAL_CR: the file offset of the last CR read, or -1 */
	long line;            /* line number of buf[start] */
	long long peek_at;    /* the file offset of a line whose length the reader knows... */
	long peek_ll;         /* ...and that length (0: none): the line that ended an item */
	bool eof;
	long long size0;      /* a regular file's size when opened (src_end), else -1 */
	int depth;
	size_t napply;        /* `apply account` depth when the file was opened */
	char dmark;           /* hledger's `decimal-mark` for the rest of this file, or 0 */
	bool timedot;         /* a .timedot file: days of `ACCOUNT  ....` lines */
	bool dated;           /* timedot: a date line was met */
};

/* An open timeclock session (timelog.c). */
struct clockin {
	char *acct, *desc;
	long long at;         /* seconds since 1970-01-01 00:00 */
	const char *file;     /* where the clock-in is (the reader's copy of the name) */
	long line;
};

struct alias {
	char *from, *to;
	size_t from_len, to_len;
	struct regex *re;     /* hledger's `alias /REGEX/ = REPL`: to is in PCRE2's syntax */
};

struct journal {
	int flags;
	char **files;         /* the files named by the user */
	size_t nfiles, nextfile;
	struct src *stack;    /* include stack: stack[nsrc - 1] is being read */
	size_t nsrc, capsrc;
	char **names;         /* every file name handed out in items */
	size_t nnames;
	bool stopped;         /* an I/O error: no more items */
	bool blank_next;      /* the next item is a lone empty line (journal.c's lone_blank) */

	struct jitem item;
	struct txn txn;
	size_t cappost;
	char *arena;          /* effective account names of the current entry */
	size_t arena_len, arena_cap;
	size_t *acct_off;     /* per posting: arena offset + 1 of its name, 0 = as written */
	struct jline *lend;   /* the entry's lines, a run of "    ;" lines as one */
	size_t caplend;
	bool bvirt;           /* the entry has [balanced virtual] postings */
	bool pvirt;           /* ... (virtual) postings */
	bool renamed;         /* ... postings renamed by aliases or `apply account` */
	bool priced;          /* ... a posting with a cost or an assertion */

	struct terr err;
	long nerrors;

	int year;             /* Y / year directive, else the current year */
	/* txn.c: the last header's date when written YYYY-MM-DD in full (its bytes as two
	 * words, ymd 0: none), for the entries of one day read it once. */
	uint64_t hdr_ym;
	uint16_t hdr_dd;
	tdate hdr_date;
	struct alias *aliases;
	size_t naliases;
	char **apply;         /* `apply account` prefixes, outermost first */
	size_t napply;
	struct accounts *run; /* running balances, for assertions and assignments */
	bool pending_include; /* the last item was an include to open */
	struct amount *sums;  /* per-commodity sums of the group being balanced (txn.c) */
	size_t capsums;
	struct clockin *clock;/* open timeclock sessions, in clock-in order */
	size_t nclock;
	struct clockin clock_done; /* the session the last clock-out closed (its strings) */

	/* Split reading (split.c). */
	struct split *split;  /* the second half's thread, until the boundary is reached */
	long long split_at;   /* the first half ends at this offset of the file */
	long long split_from; /* a second half's reader starts at this offset */
	bool split_done;      /* the halves were summed: no more items */
	bool orderdep;        /* an item later items depend on (alias, Y, D, assertion...) */
};

/* One line of an entry (or a run of comment lines) as the reader found it: where its
 * content ends in the entry's text (at its newline; the next line starts one byte on, also
 * past a last line without one), or-ed with LEND_* bits, and the number of the
 * (first) line within the entry. 32 bits each, for an item is under 256 MiB (jsource.c),
 * and a store to them then cannot change the source's size_t fields: the reader's loop
 * keeps them in registers. */
struct jline {
	uint32_t end;
	uint32_t line;
};
/* In jline.end: the line is four spaces and a byte that is not blank (most postings, most
 * comments), so txn.c needs not look for where its text starts. */
#define LEND_AT4 ((uint32_t)1 << 31)
/* With LEND_AT4: that byte is ';', and so is the fifth byte of each line of the run up to
 * end: the comment lines (most of an entry's lines are tags), found once. */
#define LEND_NOTE ((uint32_t)1 << 30)

/* The second half's reader: it notes what makes its reading differ from an in-order one. */
#define JOURNAL_SPLIT_TAIL 0x100

/* split.c: the first half reached the boundary; 1 when the halves were summed (no more
 * items), 0 to read on in order. */
int split_join(struct journal *j);
/* split.c: stops and frees a second half's thread the first half never reached. */
void split_abandon(struct journal *j);
/* amount.c: the one tnum below the symmetric range, -2^127; a sum landing on it overflows. */
#define TNUM_BAD ((tnum)((unsigned __int128)1 << 127))
/* accounts.c, clients.c: a name's first and last eight bytes (a shorter name: its bytes in
 * *head, *tail 0); with its length they are the whole of a name of up to 16 bytes. */
static inline void
name_ends(const char *s, size_t n, uint64_t *head, uint64_t *tail)
{
	uint64_t x = 0, y = 0;

	if (n >= 8) {
		memcpy(&x, s, 8);
		memcpy(&y, s + n - 8, 8);
	} else {
		for (size_t i = 0; i < n; i++)
			x |= (uint64_t)(unsigned char)s[i] << (8 * i);
	}
	*head = x;
	*tail = y;
}

/* accounts.c, clients.c: a cache slot's hash of a name, from its length and its first and
 * last eight bytes (no walk over the whole name), in the top bits of the result. */
static inline uint64_t
quick_mix(uint64_t head, uint64_t tail, size_t n)
{
	return ((head * 0x9e3779b97f4a7c15u) ^ tail ^ n) * 0xc4ceb9fe1a85ec53u;
}

static inline uint64_t
quick_hash(const char *s, size_t n)
{
	uint64_t x, y;

	name_ends(s, n, &x, &y);
	return quick_mix(x, y, n);
}

/* strmap.c, accounts.c: memcmp for short keys, inline (a call per lookup costs more than the
 * compare). A key of 8 bytes or more ends with its last 8 bytes as one word. */
static inline bool
same_bytes(const char *a, const char *b, size_t n)
{
	uint64_t x, y;

	if (n < 8) {
		while (n--)
			if (*a++ != *b++)
				return false;
		return true;
	}
	for (size_t i = 0; i + 8 < n; i += 8) {
		memcpy(&x, a + i, 8);
		memcpy(&y, b + i, 8);
		if (x != y)
			return false;
	}
	memcpy(&x, a + n - 8, 8);
	memcpy(&y, b + n - 8, 8);
	return x == y;
}

/* vocab.c, vocabvalue.c: the 4 or 8 bytes at p as a number, in the machine's byte order. */
static inline uint32_t
load32(const char *p)
{
	uint32_t x;

	memcpy(&x, p, sizeof x);
	return x;
}

static inline uint64_t
load64(const char *p)
{
	uint64_t x;

	memcpy(&x, p, sizeof x);
	return x;
}

/*
 * clients.c, identity.c: spellings met before (a copy of each) by a quick hash of their
 * ends, in front of a string map that every entry's client: would otherwise ask. Two ways a
 * set, the latest first: with one, two spellings of one set took turns to push each other
 * out. A way's v is its owner's number for the spelling.
 */
#define SPELT_SETS 128  /* a power of two */
struct spelt_cache {
	struct spelt {
		char *p;
		size_t n, v;
	} set[SPELT_SETS][2];
};

static inline struct spelt *
spelt_set(struct spelt_cache *c, const char *s, size_t n)
{
	return c->set[(size_t)(quick_hash(s, n) >> 57) & (SPELT_SETS - 1)];
}

/* Whether spelling s (n > 0 bytes) is held; *v its number. An empty way's n is 0. */
static inline bool
spelt_get(struct spelt_cache *c, const char *s, size_t n, size_t *v)
{
	const struct spelt *w = spelt_set(c, s, n);

	if (w[0].n == n && same_bytes(w[0].p, s, n))
		return *v = w[0].v, true;
	if (w[1].n == n && same_bytes(w[1].p, s, n))
		return *v = w[1].v, true;
	return false;
}

/* Puts spelling s of number v first in its set, the other way's out. */
static inline void
spelt_put(struct spelt_cache *c, struct span s, size_t v)
{
	struct spelt *w = spelt_set(c, s.p, s.n);

	free(w[1].p);
	w[1] = w[0];
	w[0] = (struct spelt){span_dup(s), s.n, v};
}

static inline void
spelt_free(struct spelt_cache *c)
{
	for (size_t i = 0; i < SPELT_SETS; i++)
		free(c->set[i][0].p), free(c->set[i][1].p);
}

/* amount.c, amountfmt.c: characters that end an unquoted commodity symbol (besides digits and white space). */
static inline bool
amount_symbol_char(unsigned char c)
{
	/* One bit per ASCII byte, set for the bytes a symbol may hold: a table, for this runs
	 * once per byte of every amount's symbol. */
	static const uint64_t ok[2] = {
		(1ull << '$') | (1ull << '%'),
		~0ull & ~((1ull << ('@' - 64)) | (1ull << ('{' - 64)) | (1ull << ('}' - 64)) |
			  (1ull << ('[' - 64)) | (1ull << (']' - 64)) | (1ull << ('^' - 64)) |
			  (1ull << ('|' - 64)) | (1ull << ('~' - 64))),
	};

	return c >= 0x80 || (ok[c >> 6] >> (c & 63) & 1);
}

/* amount.c: note in each commodity's style whether a known mark would read it differently. */
void amount_split_watch(bool on);
/* amount.c: forgets the last symbol read (commodity_reset: its id means nothing now). */
void amount_forget_symbol(void);

/* txn.c */
/* An entry's text, its lines noted in j->lend by the reader. */
int txn_parse(struct journal *j, const char *text, size_t len, long line);
struct posting *txn_new_posting(struct journal *j);
/* Adds the entry's postings to the running balances (when kept); -1 on overflow. */
int txn_run(struct journal *j);
/* timelog.c: a timeclock `i`/`o` directive item, a timedot day; -1 with the error set. */
int timeclock_item(struct journal *j, struct jitem *it);
/*
 * timelog.c: at the end of the journal, a session still clocked in, counted up to now as
 * ledger and hledger count it: 1 with *it the session (no text, the clock-in's FILE:LINE),
 * 0 when none is open, -1 with the error set.
 */
int timeclock_end(struct journal *j, struct jitem *it);
int timedot_item(struct journal *j, struct jitem *it);
bool timedot_date_line(const char *p, size_t n);
void timelog_free(struct journal *j);
/* out.c, for the write path (wpath.c): an out on a temporary file, and a callback told
 * when an out is committed (ok = 1) or aborted (ok = 0); its result is out_commit's. */
struct out *out_temp(FILE *f, int (*done)(void *arg, int ok), void *arg);
void out_on_done(struct out *o, int (*done)(void *arg, int ok), void *arg);
/* write.c's note of what the last item written left open (TAIL_* bits). */
enum { TAIL_NO_EOL = 1, TAIL_OPEN_BLOCK = 2 };
unsigned *out_tail(struct out *o);
bool out_item(struct out *o, const char *p, size_t n);
/* bookcopy.c: bytes [*at, to) of the file fd, read at its offset, written to o without a
 * copy through user space (sendfile(2)) where o's bytes go straight to a file (a file, a
 * device, a -i temporary file, a spool past memory). *at moves on by what was sent;
 * false when some are left: sendfile cannot take the pair, or the file ended early. */
bool out_sendfile(struct out *o, int fd, uint64_t *at, uint64_t to);
/* wpath.c: the reader notes every file it opens (includes too); a file output that is one
 * of them is refused at commit. */
void wpath_note_read(dev_t dev, ino_t ino);
/* journal.c: records an error at a line of the item being read. */
void journal_fail(struct journal *j, long line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* jsource.c: the include stack. src_push opens a file on it (-1 with the error set; an
 * errline of 0 is a file named by the user), src_pop closes the top one. */
int src_push(struct journal *j, const char *path, int depth, long errline);
void src_pop(struct journal *j);
/* After an item with a bad byte: checks the bytes after it for the next one. */
void src_recheck(struct src *s);
/* line_len's slow path: the line runs past the bytes read so far. */
long src_line_more(struct journal *j, struct src *s, size_t off);
/* `include GLOB` in source s, at the directive's line. */
int src_include(struct journal *j, struct src *s, struct span arg, long line);

/* Length of the line at offset off of s's unread bytes (newline included), 0 at the end;
 * -1 on a read error. line_len_from: its first i bytes (i <= the bytes read) are known to
 * hold no newline. */
static inline long
line_len_from(struct journal *j, struct src *s, size_t off, size_t i)
{
	const char *p = s->buf + s->start + off;
	size_t n = s->end - s->start - off;
#ifdef __SSE2__
	/* Lines are short: sixteen bytes at a time inline beat a call to memchr. */
	const __m128i nl16 = _mm_set1_epi8('\n');

	/* Two blocks a step first: most lines fit in one step, one branch. */
	for (; i + 32 <= n; i += 32) {
		unsigned m = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(
			_mm_loadu_si128((const __m128i *)(const void *)(p + i)), nl16)) |
			(unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(
			_mm_loadu_si128((const __m128i *)(const void *)(p + i + 16)), nl16)) << 16;

		if (m)
			return (long)(i + (size_t)__builtin_ctz(m) + 1);
	}
	for (; i + 16 <= n; i += 16) {
		unsigned m = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(
			_mm_loadu_si128((const __m128i *)(const void *)(p + i)), nl16));

		if (m)
			return (long)(i + (size_t)__builtin_ctz(m) + 1);
	}
#endif
	const char *nl = memchr(p + i, '\n', n - i);

	return nl ? (long)(nl - p + 1) : src_line_more(j, s, off);
}

static inline long
line_len(struct journal *j, struct src *s, size_t off)
{
	return line_len_from(j, s, off, 0);
}

/* txn.c: memchr for the short rest of a line, inline: sixteen bytes a step, the last step
 * overlapping the one before (a call costs more than most searches). */
static inline const char *
find_byte(const char *p, const char *e, char c)
{
#ifdef __SSE2__
	if (e - p >= 16) {
		const __m128i cc = _mm_set1_epi8(c);

		for (const char *q = p;; q = e - q >= 32 ? q + 16 : e - 16) {
			unsigned m = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(
				_mm_loadu_si128((const __m128i *)(const void *)q), cc));

			if (m)
				return q + __builtin_ctz(m);
			if (q + 16 == e)
				return NULL;
		}
	}
#endif
	for (; p < e; p++)
		if (*p == c)
			return p;
	return NULL;
}

/* True when the n bytes at p start with word w, followed by a blank or the end. */
static inline bool
starts_word(const char *p, size_t n, const char *w)
{
	size_t k = strlen(w);

	return n >= k && memcmp(p, w, k) == 0 &&
	       (n == k || p[k] == ' ' || p[k] == '\t' || p[k] == '\n' || p[k] == '\r');
}

/* jdirective.c: runs a directive item (-1 with the error set); whether a word at column 0
 * is a directive tally knows; forgets every alias (`end aliases`, journal_close). */
int directive_run(struct journal *j, struct src *s, struct jitem *it);
bool directive_known(struct span w);
void directives_clear_aliases(struct journal *j);
/* The effective name of an account as written (aliases, `apply account`), when they change
 * it: in the entry's arena at *off. */
bool journal_account_name(struct journal *j, const char *p, size_t n, size_t *off,
			  size_t *len);

/*
 * wide.c: 256-bit sign-magnitude integers for decimals that pass 128 bits (a cost of a
 * long-precision price): balancing only, the result must fit struct amount to be kept.
 */
struct wide {
	uint64_t l[4];        /* magnitude, least significant limb first */
	bool neg;
};
void wide_from(struct wide *w, tnum q);
void wide_mul(struct wide *w, tnum a, tnum b);  /* exact */
bool wide_is_zero(const struct wide *w);
int wide_add(struct wide *r, const struct wide *a, const struct wide *b);
int wide_rescale(struct wide *w, int *scale, int to);  /* grows scale; -1 on overflow */
void wide_normalize(struct wide *w, int *scale, int min_scale);
/* True when the value shows as zero at prec decimals (ties round to even). */
bool wide_zero_at(const struct wide *w, int scale, int prec);
int wide_to_tnum(const struct wide *w, tnum *q);  /* -1 when it does not fit */
/* Rounds (half to even) to prec decimals into *a; -1 when that does not fit 128 bits. */
int wide_round_to(struct amount *a, const struct wide *w, int scale, int com, int prec);

/*
 * bigmem.c: an array that may grow to many megabytes, kept in huge pages once past 2 MiB
 * (its own aligned mapping, moved, not copied, as it grows). big_resize takes the array's
 * old and new sizes in bytes (p NULL with old 0), big_free its last size.
 */
void *big_resize(void *p, size_t old, size_t n);
void big_free(void *p, size_t n);
/* err.c: "tally: out of memory", and abort. */
_Noreturn void xoom(void);

#endif
