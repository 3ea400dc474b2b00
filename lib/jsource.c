/*
 * jsource.c: the reader's include stack. Opens the files named by the user and by
 * `include` (globs, relative to the including file, no cycles, files only), reads their
 * bytes into each source's buffer, checking them as they come (UTF-8, no NUL), and closes
 * them with what they opened (`apply account`).
 */
#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif
#if defined(__x86_64__) && defined(__GNUC__) && defined(__SSE2__)  /* its fallback is SSE2's */
#include <immintrin.h>
#define HAVE_AVX2_PATH 1
#endif

#include "internal.h"

#define CHUNK ((size_t)256 << 10)    /* a read (128 KiB to 2 MiB measured alike) */
#define MAX_ITEM ((size_t)256 << 20)  /* an entry larger than this is refused */
#define MAX_DEPTH 64                  /* include nesting */

static const char *
intern_name(struct journal *j, const char *name)
{
	size_t i;

	for (i = 0; i < j->nnames; i++)
		if (strcmp(j->names[i], name) == 0)
			return j->names[i];
	j->names = xrealloc(j->names, (j->nnames + 1) * sizeof *j->names);
	return j->names[j->nnames++] = xstrdup(name);
}

static char *
dir_of(const char *path)
{
	const char *slash = strrchr(path, '/');

	if (!slash)
		return xstrdup(".");
	if (slash == path)
		return xstrdup("/");
	return xstrndup(path, (size_t)(slash - path));
}

int
src_push(struct journal *j, const char *path, int depth, long errline)
{
	struct src *s;
	int fd;
	size_t i;
	char *real = NULL;
	struct stat st;

	if (strcmp(path, "-") == 0) {
		fd = 0;
	} else {
		/* O_NONBLOCK: an included FIFO must not block the reader for ever (see below). */
		fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
		if (fd >= 0 && (fstat(fd, &st) != 0 || S_ISDIR(st.st_mode) ||
				(errline && !S_ISREG(st.st_mode)) ||
				fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK) != 0)) {
			/* A directory, or an include of a FIFO or device: only files are included. */
			const char *why = S_ISDIR(st.st_mode) ? "is a directory" : "not a regular file";

			close(fd);
			if (errline == 0) {
				journal_fail(j, 0, "cannot read: %s", why);
				j->err.file = intern_name(j, path);
			} else {
				journal_fail(j, errline, "cannot include %s: %s", path, why);
			}
			return -1;
		}
		/* An output must not be one of them (a second half's reader: its first did it). */
		if (fd >= 0 && !(j->flags & JOURNAL_SPLIT_TAIL))
			wpath_note_read(st.st_dev, st.st_ino);
		if (fd < 0) {
			int err = errno;

			if (errline == 0) {  /* a file named by the user: the file is the position */
				journal_fail(j, 0, "cannot open: %s", strerror(err));
				j->err.file = intern_name(j, path);
			} else {
				journal_fail(j, errline, "cannot open %s: %s", path, strerror(err));
			}
			return -1;
		}
		real = realpath(path, NULL);
		for (i = 0; real && i < j->nsrc; i++) {
			if (j->stack[i].real && strcmp(j->stack[i].real, real) == 0) {
				journal_fail(j, errline, "include cycle: %s includes itself", path);
				close(fd);
				free(real);
				return -1;
			}
		}
	}
	if (j->nsrc >= MAX_DEPTH) {
		journal_fail(j, errline, "includes nested too deeply");
		if (fd)
			close(fd);
		free(real);
		return -1;
	}
	if (j->nsrc == j->capsrc) {
		j->capsrc = j->capsrc ? j->capsrc * 2 : 4;
		j->stack = xrealloc(j->stack, j->capsrc * sizeof *j->stack);
	}
	s = &j->stack[j->nsrc++];
	memset(s, 0, sizeof *s);
	s->name = intern_name(j, fd == 0 ? "<stdin>" : path);
	s->real = real;
	s->dir = fd == 0 ? xstrdup(".") : dir_of(path);
	s->fd = fd;
	s->line = 1;
	s->bad = -1;
	s->lastcr = -1;
	s->depth = depth;
	s->size0 = fd > 0 && S_ISREG(st.st_mode) ? (long long)st.st_size : -1;
	s->cap = CHUNK;
	s->buf = xmalloc(s->cap + SRC_PAD);
	memset(s->buf, 0, SRC_PAD);
	if (depth == 0 && j->split_from > 0 && fd > 0) {  /* a second half starts mid-file */
		if (lseek(fd, (off_t)j->split_from, SEEK_SET) < 0)
			j->orderdep = true;
		s->base = j->split_from;
	}
	s->checked = s->base + (long long)s->start;
	s->napply = j->napply;
	s->timedot = strlen(path) > 8 && strcmp(path + strlen(path) - 8, ".timedot") == 0;
	return 0;
}

void
src_pop(struct journal *j)
{
	struct src *s = &j->stack[--j->nsrc];

	if (s->fd > 0)
		close(s->fd);
	free(s->buf);
	free(s->real);
	free(s->dir);
	/* `apply account` does not leak out of the file that opened it. */
	while (j->napply > s->napply)
		free(j->apply[--j->napply]);
}

/* Length of the UTF-8 sequence a lead byte opens, past 1; -1 for a byte no sequence opens. */
static int
utf8_more(unsigned char c)
{
	return c >= 0xf0 && c <= 0xf4 ? 3 : c >= 0xe0 ? 2 : c >= 0xc2 && c < 0xe0 ? 1 : -1;
}

#ifdef __SSE2__
/*
 * Whether the sixteen bytes' non-ASCII ones (m: their top bits, or a NUL's bit) are all
 * two-byte sequences within the block (a lead C2..DF, then a continuation 80..BF): most
 * non-ASCII text is such letters (é, ø), and one test beats the byte loop's.
 */
static inline bool
two_byte_only(__m128i a, unsigned m)
{
	/* As signed bytes, leads are -62..-33 and continuations -128..-65. */
	unsigned lead = (unsigned)_mm_movemask_epi8(_mm_and_si128(
		_mm_cmpgt_epi8(a, _mm_set1_epi8(-63)), _mm_cmpgt_epi8(_mm_set1_epi8(-32), a)));
	unsigned cont = (unsigned)_mm_movemask_epi8(_mm_cmpgt_epi8(_mm_set1_epi8(-64), a));

	return (lead | cont) == m && lead << 1 == cont;
}
#endif

#ifdef __SSE2__
/* Past the 64-byte blocks at s that are all ASCII and hold no 0 (as signed bytes, all are
 * above 0). */
static inline const unsigned char *
clean_sse2(const unsigned char *s, const unsigned char *e)
{
	const __m128i zero = _mm_setzero_si128();

	while (e - s >= 64) {
		__m128i a = _mm_loadu_si128((const __m128i *)(const void *)s);
		__m128i b = _mm_loadu_si128((const __m128i *)(const void *)(s + 16));
		__m128i c = _mm_loadu_si128((const __m128i *)(const void *)(s + 32));
		__m128i d = _mm_loadu_si128((const __m128i *)(const void *)(s + 48));
		__m128i ok = _mm_and_si128(_mm_and_si128(_mm_cmpgt_epi8(a, zero),
							 _mm_cmpgt_epi8(b, zero)),
					   _mm_and_si128(_mm_cmpgt_epi8(c, zero),
							 _mm_cmpgt_epi8(d, zero)));

		if (_mm_movemask_epi8(ok) != 0xffff)
			break;
		s += 64;
	}
	return s;
}
#endif

#ifdef HAVE_AVX2_PATH
/* The lead bytes (C2..DF) and continuation bytes (80..BF) of 32 bytes, a bit each. */
static inline __attribute__((target("avx2"))) void
letters_avx2(__m256i v, uint64_t *lead, uint64_t *cont)
{
	/* As signed bytes, leads are -62..-33 and continuations -128..-65. */
	*lead = (unsigned)_mm256_movemask_epi8(_mm256_and_si256(
		_mm256_cmpgt_epi8(v, _mm256_set1_epi8(-63)),
		_mm256_cmpgt_epi8(_mm256_set1_epi8(-32), v)));
	*cont = (unsigned)_mm256_movemask_epi8(_mm256_cmpgt_epi8(_mm256_set1_epi8(-64), v));
}

/*
 * clean_sse2 with the AVX2 instructions, where the processor has them: two loads a block,
 * and a block whose bytes past ASCII are all two-byte letters (é, ø), each whole within
 * it, is clean too (two_byte_only for sixty-four bytes).
 */
static __attribute__((target("avx2"), noinline)) const unsigned char *
clean_avx2(const unsigned char *s, const unsigned char *e)
{
	const __m256i zero = _mm256_setzero_si256();

	while (e - s >= 64) {
		__m256i a = _mm256_loadu_si256((const __m256i *)(const void *)s);
		__m256i b = _mm256_loadu_si256((const __m256i *)(const void *)(s + 32));
		__m256i ga = _mm256_cmpgt_epi8(a, zero), gb = _mm256_cmpgt_epi8(b, zero);

		if ((unsigned)_mm256_movemask_epi8(_mm256_and_si256(ga, gb)) != 0xffffffffu) {
			uint64_t m = ~((uint64_t)(unsigned)_mm256_movemask_epi8(ga) |
				       (uint64_t)(unsigned)_mm256_movemask_epi8(gb) << 32);
			uint64_t la, ca, lb, cb, lead, cont;

			letters_avx2(a, &la, &ca);
			letters_avx2(b, &lb, &cb);
			lead = la | lb << 32;
			cont = ca | cb << 32;
			/* A NUL is in m, never in lead or cont; a lead last has its
			 * continuation in the next block. */
			if ((lead | cont) != m || lead << 1 != cont || lead >> 63)
				break;
		}
		s += 64;
	}
	return s;
}

/* Whether this thread's processor has AVX2 (TALLY_SIMD=sse2: as if it had not, for the
 * tests of the path every processor takes). */
static bool
have_avx2(void)
{
	static _Thread_local signed char known = -1;

	if (known < 0) {
		const char *force = getenv("TALLY_SIMD");

		known = __builtin_cpu_supports("avx2") && !(force && strcmp(force, "sse2") == 0);
	}
	return known;
}
#endif

/*
 * First byte that is NUL or breaks UTF-8, or NULL. ASCII runs go sixteen bytes a step (a
 * byte's top bit, or a byte equal to 0, stops them at that very byte); a multibyte
 * sequence is checked on its own, and the runs go on after it.
 */
static const char *
bad_text(const char *p, size_t n, bool avx2)
{
	const unsigned char *s = (const unsigned char *)p, *e = s + n;

	(void)avx2;  /* without HAVE_AVX2_PATH */
	while (s < e) {
#ifdef __SSE2__
		/* Sixty-four bytes a step while they are clean, then sixteen to find the byte. */
#ifdef HAVE_AVX2_PATH
		s = avx2 ? clean_avx2(s, e) : clean_sse2(s, e);
#else
		s = clean_sse2(s, e);
#endif
		bool letters = false;

		while (e - s >= 16) {
			__m128i a = _mm_loadu_si128((const __m128i *)(const void *)s);
			unsigned m = (unsigned)_mm_movemask_epi8(_mm_or_si128(a,
				       _mm_cmpeq_epi8(a, _mm_setzero_si128())));

			if (m && (letters = two_byte_only(a, m))) {
				s += 16;  /* and back to sixty-four bytes a step */
				break;
			}
			if (m) {
				s += __builtin_ctz(m);
				break;
			}
			s += 16;
		}
		if (letters)
			continue;
		if (s == e)
			break;
#else
		uint64_t w;

		if (e - s >= 8) {
			memcpy(&w, s, 8);
			if (!(w & 0x8080808080808080ull) &&
			    !((w - 0x0101010101010101ull) & ~w & 0x8080808080808080ull)) {
				s += 8;
				continue;
			}
		}
#endif
		if (*s == 0)
			return (const char *)s;
		if (*s < 0x80) {
			s++;
			continue;
		}
		/* Most non-ASCII text is two-byte letters (é, ø): those first. */
		if (*s >= 0xc2 && *s < 0xe0 && e - s > 1 && (s[1] & 0xc0) == 0x80) {
			s += 2;
			continue;
		}
		int k = utf8_more(*s);

		if (k < 0 || *s > 0xf4 || e - s <= k)
			return (const char *)s;
		for (int i = 1; i <= k; i++)
			if ((s[i] & 0xc0) != 0x80)
				return (const char *)s;
		if ((*s == 0xe0 && s[1] < 0xa0) || (*s == 0xed && s[1] >= 0xa0) ||
		    (*s == 0xf0 && s[1] < 0x90) || (*s == 0xf4 && s[1] >= 0x90))
			return (const char *)s;
		s += k + 1;
	}
	return NULL;
}

/*
 * Checks the bytes read since the last check, in one pass over the buffer rather than one
 * per item: s->bad becomes the file offset of the first NUL or byte that breaks UTF-8.
 * Before the end of the file, a sequence the read cut in two waits for its other bytes.
 */
static void
src_check(struct src *s)
{
	size_t from, to = s->end;
	const char *bad;

	if (s->bad >= 0)
		return;
	from = (size_t)(s->checked - s->base);
	if (!s->eof || to < s->end) {
		for (size_t k = 1; k <= 3 && k <= to - from; k++) {
			unsigned char c = (unsigned char)s->buf[to - k];

			if (c >= 0xc0) {
				if (utf8_more(c) >= (int)k)
					to -= k;
				break;
			}
			if (c < 0x80)
				break;
		}
	}
#ifdef HAVE_AVX2_PATH
	bad = bad_text(s->buf + from, to - from, have_avx2());
#else
	bad = bad_text(s->buf + from, to - from, false);
#endif
	if (bad) {
		s->bad = s->base + (bad - s->buf);
		s->checked = s->bad;
	} else {
		s->checked = s->base + (long long)to;
	}
}

void
src_recheck(struct src *s)
{
	s->bad = -1;
	s->checked = s->base + (long long)s->start;
	src_check(s);
}

/* JOURNAL_CR: notes the last CR of bytes [from, to) of s's buffer. */
static void
note_cr(struct src *s, size_t from, size_t to)
{
	for (const char *p = s->buf + from, *e = s->buf + to;
	     (p = memchr(p, '\r', (size_t)(e - p))); p++)
		s->lastcr = s->base + (p - s->buf);
}

/* An entry larger than MAX_ITEM is refused, at its first line. */
static int
too_long(struct journal *j, struct src *s)
{
	journal_fail(j, s->line, "entry longer than %zu MiB", MAX_ITEM >> 20);
	j->err.file = s->name;
	return -1;
}

/*
 * End of file: 0, or -1 with the error set when a regular file is now shorter than what
 * was read of it and than it was when opened (cut short by another program while it was
 * read: what came may end in the middle of an entry, and an answer from it would look
 * complete). A file whose size says nothing of its bytes (/proc, sysfs: 0 or a page
 * always) is not shorter than when opened.
 */
static int
src_end(struct journal *j, struct src *s)
{
	struct stat st;

	s->eof = true;
	if (s->size0 >= 0 && fstat(s->fd, &st) == 0 && st.st_size < s->size0 &&
	    st.st_size < s->base + (long long)s->end) {
		journal_fail(j, s->line, "file cut short while it was read");
		j->err.file = s->name;
		return -1;
	}
	src_check(s);
	return 0;
}

/* Reads more bytes; returns 1 when some came, 0 at end of file, -1 on error. */
static int
src_fill(struct journal *j, struct src *s)
{
	ssize_t n;

	if (s->eof)
		return 0;
	if (s->start > 0) {
		s->base += (long long)s->start;
		memmove(s->buf, s->buf + s->start, s->end - s->start);
		s->end -= s->start;
		s->start = 0;
		memset(s->buf + s->end, 0, SRC_PAD);
	}
	if (s->cap - s->end < CHUNK / 2) {
		if (s->cap >= MAX_ITEM)
			return too_long(j, s);
		s->cap *= 2;
		s->buf = xrealloc(s->buf, s->cap + SRC_PAD);
	}
	do
		n = read(s->fd, s->buf + s->end, s->cap - s->end);
	while (n < 0 && errno == EINTR);
	if (n < 0) {
		journal_fail(j, s->line, "read error: %s", strerror(errno));
		j->err.file = s->name;  /* the item being read may not have started */
		return -1;
	}
	if (n == 0)
		return src_end(j, s);
	/* One memchr per read rather than one per item: an item after the last CR has none. */
	if (j->flags & JOURNAL_CR)
		note_cr(s, s->end, s->end + (size_t)n);
	s->end += (size_t)n;
	memset(s->buf + s->end, 0, SRC_PAD);
	src_check(s);
	return 1;
}

long
src_line_more(struct journal *j, struct src *s, size_t off)
{
	size_t scanned = 0;

	for (;;) {
		char *p = s->buf + s->start + off;
		size_t avail = s->end - s->start - off;
		char *nl = memchr(p + scanned, '\n', avail - scanned);

		if (nl)
			return (long)(nl - p + 1);
		if (s->eof)
			return (long)avail;
		scanned = avail;
		if (src_fill(j, s) < 0)
			return -1;
	}
}

int
src_include(struct journal *j, struct src *s, struct span arg, long line)
{
	char *pat, *path;
	glob_t g;
	int r;
	size_t i, n;

	if (arg.n == 0) {
		journal_fail(j, line, "include without a file name");
		return -1;
	}
	pat = span_dup(arg);
	if (pat[0] == '/' || strcmp(s->dir, ".") == 0) {
		path = pat;
	} else {
		path = xmalloc(strlen(s->dir) + strlen(pat) + 2);
		sprintf(path, "%s/%s", s->dir, pat);
		free(pat);
	}
	r = glob(path, GLOB_NOCHECK, NULL, &g);
	free(path);
	if (r != 0) {
		journal_fail(j, line, "include: cannot expand %.*s", (int)arg.n, arg.p);
		return -1;
	}
	/* Pushed last-first so that the matches are read in order. */
	n = g.gl_pathc;
	for (i = n; i-- > 0;) {
		if (src_push(j, g.gl_pathv[i], s->depth + 1, line) < 0) {
			while (n-- > i + 1)
				src_pop(j);
			globfree(&g);
			return -1;
		}
	}
	globfree(&g);
	return 0;
}
