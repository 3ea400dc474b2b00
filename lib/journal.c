/*
 * journal.c: the streaming journal reader. Splits the input into items (an entry with its
 * indented lines, a directive, a run of comment or blank lines), keeps each item's exact
 * bytes so a command can write it back unchanged, and hands entries to txn.c and
 * directives to jdirective.c. The lifecycle: journal_open, journal_next, journal_close.
 * Memory holds one item at a time, plus what the directives declare.
 */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

void
journal_fail(struct journal *j, long line, const char *fmt, ...)
{
	va_list ap;

	j->err.file = j->item.file;
	j->err.line = line;
	va_start(ap, fmt);
	vsnprintf(j->err.msg, sizeof j->err.msg, fmt, ap);
	va_end(ap);
	j->nerrors++;
}

static inline bool
blank(const char *p, size_t n)
{
	uint64_t w;

	if (n && *p > ' ')  /* most lines: a date, a word or an account's first letter */
		return false;
	/* Indented lines: their spaces eight at a time, to the first byte that is not one. */
	while (n >= 8) {
		memcpy(&w, p, 8);
		w ^= 0x2020202020202020ull;
#if defined(__GNUC__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
		if (w) {
			size_t k = (size_t)__builtin_ctzll(w) >> 3;

			p += k;
			n -= k;
			break;
		}
#else
		if (w)
			break;
#endif
		p += 8;
		n -= 8;
	}
	for (; n; p++, n--)
		if (*p != ' ' && *p != '\t' && *p != '\r' && *p != '\n')
			return false;
	return true;
}

/* An indented line that is not blank: most are a posting's four spaces and a letter. */
static inline bool
indented(const char *q, size_t n)
{
	if (n > 4 && memcmp(q, "    ", 4) == 0 && (unsigned char)q[4] > ' ')
		return true;
	return (q[0] == ' ' || q[0] == '\t') && !blank(q, n);
}

/* j->lend grown to twice its size, out of the gathering loop's code. */
static __attribute__((noinline)) void
lend_grow(struct journal *j)
{
	j->caplend = j->caplend ? j->caplend * 2 : 64;
	j->lend = xrealloc(j->lend, j->caplend * sizeof *j->lend);
}

/* Notes where an entry's k-th line (or run) ends and which line of the entry it starts
 * at, for txn.c to walk the lines without finding them again. j->lend and its size in the
 * gathering loop's locals (lend, cap): reading on cannot change them, but the compiler
 * cannot tell. */
static inline __attribute__((always_inline)) void
note_line_end(struct journal *j, struct jline **lend, size_t *cap, size_t k, size_t end,
	      long line)
{
	if (k == *cap) {
		lend_grow(j);
		*lend = j->lend;
		*cap = j->caplend;
	}
	(*lend)[k].end = (uint32_t)end;
	(*lend)[k].line = (uint32_t)line;
}

#ifdef __SSE2__
/* The newlines of the 32 bytes at q, a bit each. */
static inline unsigned
newlines32(const char *q)
{
	const __m128i nl16 = _mm_set1_epi8('\n');

	return (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(
		_mm_loadu_si128((const __m128i *)(const void *)q), nl16)) |
		(unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(
		_mm_loadu_si128((const __m128i *)(const void *)(q + 16)), nl16)) << 16;
}
#endif

/* The newlines of an entry being gathered not yet taken, found 64 bytes a step: bit k is
 * the item's byte at - 64 + k. n: the bytes read from the item's start, in a local (a
 * store to j->lend could be s->end as far as the compiler knows). */
struct nlwin {
	uint64_t m;
	size_t at, n;
};

/* The length of the line at off of an entry being gathered, whose lines before it were
 * taken from w: line_len inline, from a mask of the newlines of 64 bytes at a time (one
 * load a step, not a load per line that waits on the line before), read past s->end into
 * its zeros (SRC_PAD). */
static inline __attribute__((always_inline)) long
entry_line_len(struct journal *j, struct src *s, size_t off, const char **item,
	       struct nlwin *w)
{
	long ll;
#ifdef __SSE2__
	while (!w->m) {
		if (w->at >= w->n)
			goto more;
		/* The text four windows on, into L1 (the UTF-8 check left it in L2): a
		 * prefetch never faults, past the map's end neither. */
		_mm_prefetch(*item + w->at + 256, _MM_HINT_T0);
		w->m = (uint64_t)newlines32(*item + w->at) |
		       (uint64_t)newlines32(*item + w->at + 32) << 32;
		w->at += 64;
	}
	ll = (long)(w->at - 64 + (size_t)__builtin_ctzll(w->m) - off) + 1;
	w->m &= w->m - 1;
	return ll;
more:
	ll = line_len_from(j, s, off, (w->at < w->n ? w->at : w->n) - off);
#else
	const char *nl = memchr(*item + off, '\n', w->n - off);

	if (nl)
		return (long)(nl - (*item + off) + 1);
	ll = line_len(j, s, off);
#endif
	*item = s->buf + s->start;  /* reading on may have moved the buffer */
	w->n = s->end - s->start;
	w->m = 0;
	w->at = off + (size_t)(ll > 0 ? ll : 0);
	return ll;
}

static bool
comment_char(char c)
{
	return c == ';' || c == '#' || c == '*' || c == '%' || c == '|';
}

static long
line_of(const char *text, const char *at, long first)
{
	long line = first;

	for (; text < at; text++)
		if (*text == '\n')
			line++;
	return line;
}
enum { RI_EOF, RI_OK, RI_BAD };

/* line_len of an item's first line the last item did not find: most are an entry's
 * header, of 40 to 60 bytes, whose end one step of 64 finds. */
static inline long
first_line_len(struct journal *j, struct src *s)
{
#ifdef __SSE2__
	const char *p = s->buf + s->start;

	if (s->end - s->start >= 64) {
		const __m128i nl = _mm_set1_epi8('\n');
		uint64_t m = (uint64_t)(unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(
			_mm_loadu_si128((const __m128i *)(const void *)p), nl)) |
			(uint64_t)(unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(
			_mm_loadu_si128((const __m128i *)(const void *)(p + 16)), nl)) << 16 |
			(uint64_t)(unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(
			_mm_loadu_si128((const __m128i *)(const void *)(p + 32)), nl)) << 32 |
			(uint64_t)(unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(
			_mm_loadu_si128((const __m128i *)(const void *)(p + 48)), nl)) << 48;

		return m ? (long)__builtin_ctzll(m) + 1 : line_len_from(j, s, 0, 64);
	}
#endif
	return line_len(j, s, 0);
}

/* An item of s about to be read, as a blank one with nothing set: field by field, cheaper
 * than a memset of the whole item, once per item (a field added to struct jitem must be
 * reset here too). */
static inline void
item_begin(struct jitem *it, const struct src *s)
{
	_Static_assert(sizeof(struct jitem) <= 11 * sizeof(void *), "jitem fields reset below");
	it->kind = J_BLANK;
	it->file = s->name;
	it->line = s->line;
	it->nlines = 0;
	it->text = NULL;
	it->len = 0;
	it->depth = s->depth;
	it->txn = NULL;
	it->word.p = NULL;
	it->word.n = 0;
	it->open_block = false;
	it->cr = false;
}

/* The line at off ended the item: its length is kept for the next item, which starts there. */
static inline void
note_peek(struct src *s, size_t off, long ll)
{
	s->peek_at = s->base + (long long)(s->start + off);
	s->peek_ll = ll;
}

/* Splits off the next item of source s. */
static int
read_item(struct journal *j, struct src *s)
{
	struct jitem *it = &j->item;
	size_t off;
	long ll, nlines = 1;
	const char *p;
	char c;
	enum jkind kind;
	bool indented_body = false, block = false;
	const char *bad;
	long errline = 0;
	size_t skip = 0, wordoff = 0;
	long long at;
	int r;

	if (s->peek_ll > 0 && s->peek_at == s->base + (long long)s->start)
		ll = s->peek_ll;
	else
		ll = first_line_len(j, s);
	if (ll < 0)
		return -1;
	if (ll == 0)
		return RI_EOF;
	p = s->buf + s->start;
	/* A UTF-8 byte order mark opening a file stays in the item's text but is not read
	 * (its first byte tested first: most items open with a digit). */
	c = p[0];
	if (c == '\xef' && s->line == 1 && ll >= 3 && memcmp(p, "\xef\xbb\xbf", 3) == 0) {
		skip = 3;
		c = p[skip];
	}
	item_begin(it, s);
	off = (size_t)ll;

	/* Most items are entries: a digit opens no blank line, comment or directive. */
	if (c >= '0' && c <= '9' && !s->timedot) {
		kind = J_TXN;
		indented_body = true;
	} else if (blank(p + skip, (size_t)ll - skip)) {
		kind = J_BLANK;
	} else if (s->timedot) {
		/* A day runs from its date line to the next one; before it, only comments. */
		kind = timedot_date_line(p + skip, (size_t)ll - skip) ? J_TIMELOG :
		       c == '#' || c == ';' || (c == '*' && !s->dated) ? J_COMMENT : J_ERROR;
		if (kind == J_TIMELOG)
			s->dated = true;
		else if (kind == J_ERROR)
			errline = s->line;
	} else if (comment_char(c)) {
		kind = J_COMMENT;
	} else if (starts_word(p + skip, (size_t)ll - skip, "comment") ||
		   starts_word(p + skip, (size_t)ll - skip, "test")) {
		kind = J_COMMENT;
		block = true;
	} else if (c == '~') {
		kind = J_PERIODIC;
		indented_body = true;
	} else if (c == '=') {
		kind = J_AUTO;
		indented_body = true;
	} else if (c == ' ' || c == '\t') {
		const char *q = p;

		while (*q == ' ' || *q == '\t')
			q++;
		kind = *q == ';' || *q == '#' ? J_COMMENT : J_ERROR;
		if (kind == J_ERROR)
			errline = s->line;
	} else {
		size_t w;

		/* ledger's and hledger's legacy prefix: `!include`, `@account`. */
		wordoff = skip + ((c == '!' || c == '@') && (size_t)ll > skip + 1 &&
				  p[skip + 1] > ' ');
		w = wordoff;
		while (w < (size_t)ll && p[w] != ' ' && p[w] != '\t' && p[w] != '\n' && p[w] != '\r')
			w++;
		it->word.p = p + wordoff;  /* fixed up below: the buffer may move */
		it->word.n = w - wordoff;
		kind = span_eq(it->word, "include") ? J_INCLUDE : J_DIRECTIVE;
		indented_body = true;
		if (!directive_known(it->word)) {
			kind = J_ERROR;
			errline = s->line;
		}
	}

	/* Gather the item's further lines: an entry's in a loop of its own, most items are. */
	if (kind == J_TXN) {
		size_t k = 1;

		const char *b = s->buf + s->start;  /* the item's first byte, kept in a local */
		struct jline *lend = j->lend;
		size_t cap = j->caplend;
		struct nlwin w = {0, off, s->end - s->start};

		/* Each line's end at its newline (off - 1): the item's last line, if the file
		 * ends without one, is put right once the lines are gathered. */
		note_line_end(j, &lend, &cap, 0, off - 1 - skip, 0);
		ll = entry_line_len(j, s, off, &b, &w);
		for (;;) {
			const char *q = b + off;
			size_t at4;

			if (ll < 0)
				return -1;
			if (ll == 0)
				break;
			if (ll > 4 && memcmp(q, "    ", 4) == 0 && (unsigned char)q[4] > ' ') {
				at4 = LEND_AT4;
				if (q[4] == ';') {
					/* A run of "    ;" lines (an entry's tags): one jline. */
					long first = nlines;

					do {
						off += (size_t)ll;
						nlines++;
						ll = entry_line_len(j, s, off, &b, &w);
						q = b + off;
					} while (ll > 4 && memcmp(q, "    ;", 5) == 0);
					note_line_end(j, &lend, &cap, k++,
						      (off - 1 - skip) | LEND_AT4 | LEND_NOTE, first);
					continue;
				}
			} else if (indented(q, (size_t)ll)) {
				at4 = 0;
			} else {
				note_peek(s, off, ll);
				break;
			}
			off += (size_t)ll;
			note_line_end(j, &lend, &cap, k++, (off - 1 - skip) | at4, nlines);
			nlines++;
			ll = entry_line_len(j, s, off, &b, &w);
		}
		if (b[off - 1] != '\n')
			lend[k - 1].end++;
	}
	while (kind != J_TXN) {
		const char *q;

		ll = line_len(j, s, off);
		if (ll < 0)
			return -1;
		if (ll == 0) {
			/* ledger and hledger let a comment block run to the end of the file. */
			it->open_block = block;
			break;
		}
		q = s->buf + s->start + off;
		if (block) {
			off += (size_t)ll;
			nlines++;
			if (starts_word(q, (size_t)ll, "end"))
				break;
			continue;
		}
		if (s->timedot) {
			if (kind != J_TIMELOG ? kind == J_BLANK ? !blank(q, (size_t)ll) :
			    q[0] != '#' && q[0] != ';' && !(q[0] == '*' && !timedot_date_line(q, (size_t)ll)) :
			    timedot_date_line(q, (size_t)ll)) {
				note_peek(s, off, ll);
				break;
			}
			off += (size_t)ll;
			nlines++;
			continue;
		}
		if (kind == J_BLANK ? !blank(q, (size_t)ll) :
		    kind == J_COMMENT ? !comment_char(q[0]) :
		    !(indented_body && indented(q, (size_t)ll))) {
			note_peek(s, off, ll);
			break;
		}
		off += (size_t)ll;
		nlines++;
	}

	it->text = s->buf + s->start;
	it->len = off;
	it->nlines = nlines;
	it->cr = s->lastcr >= s->base + (long long)s->start;
	if (it->word.n)
		it->word.p = it->text + wordoff;
	s->start += off;
	s->line += nlines;
	/* The empty line between two entries (half of a practice's items), told here where
	 * its length is known: journal_next builds it without next_item's frame. A one-byte
	 * line before the file's last byte is "\n"; the line after it, already read, starts
	 * with a byte no blank line holds, so the empty line is an item of its own. A split
	 * reader's cut is next_item's to watch: the line must start before it. */
	at = s->base + (long long)s->start;
	j->blank_next = kind == J_TXN && s->peek_ll == 1 && s->peek_at == at &&
			(!j->split || j->nsrc > 1 || at < j->split_at) && !j->split_done &&
			s->end - s->start >= 2 && (unsigned char)s->buf[s->start + 1] > ' ';

	/* The bytes were checked as they were read (jsource.c): the first bad one, if any. */
	if (s->bad >= 0 && s->bad < s->base + (long long)s->start) {
		bad = s->buf + (s->bad - s->base);
		it->kind = J_ERROR;
		journal_fail(j, line_of(it->text, bad, it->line),
			     *bad ? "invalid UTF-8 byte 0x%02x" : "NUL byte in journal",
			     (unsigned char)*bad);
		src_recheck(s);
		return RI_BAD;
	}
	it->kind = kind;
	if (kind == J_TXN) {  /* first: most items are entries */
		if (s->dmark)  /* else none is in force: it is reset after each use */
			amount_decimal_mark(s->dmark);
		r = txn_parse(j, it->text + skip, it->len - skip, it->line);
		if (s->dmark)
			amount_decimal_mark(0);
		if (r < 0) {
			it->kind = J_ERROR;
			return RI_BAD;
		}
		it->txn = &j->txn;
		return RI_OK;
	}
	if (kind == J_ERROR && s->timedot) {
		journal_fail(j, errline, "timedot: a line before the first date");
		return RI_BAD;
	}
	if (kind == J_TIMELOG) {
		j->orderdep = true;
		amount_decimal_mark(s->dmark);
		r = timedot_item(j, it);
		amount_decimal_mark(0);
		if (r < 0) {
			it->kind = J_ERROR;
			return RI_BAD;
		}
		return RI_OK;
	}
	if (kind == J_ERROR) {
		if (it->word.n)
			journal_fail(j, errline, "unknown directive or bad line: %.*s",
				     (int)(it->word.n > 60 ? 60 : it->word.n), it->word.p);
		else
			journal_fail(j, errline, "indented line outside an entry");
		return RI_BAD;
	}
	if (kind == J_DIRECTIVE || kind == J_INCLUDE) {
		amount_decimal_mark(s->dmark);
		r = directive_run(j, s, it);
		amount_decimal_mark(0);
		if (r < 0) {
			it->kind = J_ERROR;
			return RI_BAD;
		}
	}
	return RI_OK;
}

/*
 * read_item's result for its most common item but one, the empty line between two entries
 * (j->blank_next), without its whole frame. (The line after it is the next item's: its
 * length is left for read_item to find.)
 */
static inline void
lone_blank(struct journal *j, struct src *s)
{
	struct jitem *it = &j->item;

	item_begin(it, s);
	it->nlines = 1;
	it->text = s->buf + s->start;
	it->len = 1;
	it->cr = s->lastcr >= s->base + (long long)s->start;
	s->start++;
	s->line++;
}

struct journal *
journal_open(const char *const *files, size_t nfiles, int flags)
{
	struct journal *j = xcalloc(1, sizeof *j);
	int y, m, d;

	j->flags = flags;
	j->files = xcalloc(nfiles ? nfiles : 1, sizeof *j->files);
	for (size_t i = 0; i < nfiles; i++)
		j->files[i] = xstrdup(files[i]);
	j->nfiles = nfiles;
	date_to_ymd(date_today(), &y, &m, &d);
	j->year = y;
	if (flags & JOURNAL_CHECK_ASSERT)
		j->run = accounts_new();
	return j;
}

/* journal_next's whole frame, for every item but a lone blank line. */
static __attribute__((noinline)) int
next_item(struct journal *j, struct jitem **item)
{
	int r;

	for (;;) {
		if (j->stopped)
			return 0;
		if (j->nsrc == 0) {
			if (j->nextfile >= j->nfiles) {
				/* sessions still clocked in count up to now (ledger, hledger) */
				if ((r = timeclock_end(j, &j->item)) == 0)
					return 0;
				*item = &j->item;
				return r;
			}
			j->item.file = NULL;
			if (src_push(j, j->files[j->nextfile++], 0, 0) < 0) {
				j->stopped = true;
				return -1;
			}
		}
		if (j->split && j->nsrc == 1) {
			struct src *top = &j->stack[0];

			if (top->base + (long long)top->start >= j->split_at && split_join(j) == 1)
				j->split_done = true;
		}
		if (j->split_done)
			return 0;
		r = read_item(j, &j->stack[j->nsrc - 1]);
		if (r == RI_EOF) {
			src_pop(j);
			continue;
		}
		*item = &j->item;
		if (r < 0) {
			j->stopped = true;
			j->item.kind = J_ERROR;
			return -1;
		}
		return r == RI_OK ? 1 : -1;
	}
}

int
journal_next(struct journal *j, struct jitem **item)
{
	/* The empty line between two entries first, without next_item's frame. */
	if (j->blank_next) {
		j->blank_next = false;
		lone_blank(j, &j->stack[j->nsrc - 1]);
		*item = &j->item;
		return 1;
	}
	return next_item(j, item);
}

const struct terr *
journal_error(const struct journal *j)
{
	return &j->err;
}

struct accounts *
journal_balances(struct journal *j)
{
	return j->run;
}

long
journal_nerrors(const struct journal *j)
{
	return j->nerrors;
}

void
journal_close(struct journal *j)
{
	if (!j)
		return;
	split_abandon(j);
	while (j->nsrc)
		src_pop(j);
	for (size_t i = 0; i < j->nfiles; i++)
		free(j->files[i]);
	free(j->files);
	for (size_t i = 0; i < j->nnames; i++)
		free(j->names[i]);
	free(j->names);
	free(j->stack);
	directives_clear_aliases(j);
	free(j->aliases);
	while (j->napply)
		free(j->apply[--j->napply]);
	free(j->apply);
	free(j->txn.p);
	free(j->acct_off);
	free(j->lend);
	free(j->sums);
	timelog_free(j);
	free(j->arena);
	if (j->run)
		accounts_free(j->run);
	free(j);
}
