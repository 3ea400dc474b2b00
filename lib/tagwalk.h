/*
 * tagwalk.h: the walk over the tags of a comment (tags.c's tag_each), as inline code for
 * the hot callers: hledger's "key: value, key2: value2" (the value ends at a comma or the
 * end of the line) and ledger's ":tag1:tag2:". The values of tally's free-text tags
 * (vocab_to_eol) run to the end of the line, commas and all, as ledger reads every value.
 */
#ifndef TALLY_TAGWALK_H
#define TALLY_TAGWALK_H

#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "tally.h"

/* Byte classes, one load per byte on the hot path (every comment line of every entry). */
enum { TC_SPACE = 1, TC_MARK = 2, TC_STOP = 4, TC_COLON = 8 };
static const unsigned char tag_cls[256] = {
	[' '] = TC_SPACE | TC_STOP, ['\t'] = TC_SPACE | TC_STOP, ['\r'] = TC_SPACE | TC_STOP,
	[','] = TC_STOP, [':'] = TC_COLON,
	[';'] = TC_MARK, ['#'] = TC_MARK, ['*'] = TC_MARK, ['%'] = TC_MARK, ['|'] = TC_MARK,
};

static inline bool
tag_is_space(char c)
{
	return tag_cls[(unsigned char)c] & TC_SPACE;
}

/* Whether the four bytes at p are spaces: one comparison, in any byte order. */
static inline bool
tag_four_spaces(const char *p)
{
	uint32_t x;

	memcpy(&x, p, sizeof x);
	return x == 0x20202020u;
}

static inline struct span
tag_trim(const char *p, const char *e)
{
	struct span s;

	while (p < e && tag_is_space(*p))
		p++;
	while (e > p && tag_is_space(e[-1]))
		e--;
	s.p = p;
	s.n = (size_t)(e - p);
	return s;
}

/* Tags on one comment line [p, e); the comment markers have been skipped. */
static inline __attribute__((always_inline)) int
tag_line(const char *p, const char *e, int (*fn)(struct span, struct span, void *), void *arg)
{
	const char *c, *w, *v, *ve;
	struct span none = {"", 0}, key;
	int r;

	while (p < e) {
		/* most lines: blanks, a word, its colon - the word read forward, in one go */
		for (w = p; w < e && (tag_cls[(unsigned char)*w] & TC_SPACE); w++)
			;
		for (c = w; c < e && !(tag_cls[(unsigned char)*c] & (TC_STOP | TC_COLON)); c++)
			;
		if (c == w || c == e || *c != ':') {
			/* else the first colon, and the word before it */
			if (!(c = memchr(p, ':', (size_t)(e - p))))
				break;
			for (w = c; w > p && !(tag_cls[(unsigned char)w[-1]] & TC_STOP); w--)
				;
		}
		if (w == c) {
			/* ":a:b:" - ledger's value-less tags, when the word holds no spaces. */
			const char *q = c + 1;

			while (q < e && !tag_is_space(*q)) {
				const char *t = memchr(q, ':', (size_t)(e - q));
				const char *sp = q;

				while (sp < e && !tag_is_space(*sp) && *sp != ':')
					sp++;
				if (!t || sp < t || t == q)
					break;
				key.p = q;
				key.n = (size_t)(t - q);
				if ((r = fn(key, none, arg)) != 0)
					return r;
				q = t + 1;
			}
			p = q > c + 1 ? q : c + 1;
			continue;
		}
		v = c + 1;
		key.p = w;
		key.n = (size_t)(c - w);
		/* free text (name, address, signed...) keeps its commas, as ledger reads it;
		 * asked only of a value with a comma: most have none */
		ve = memchr(v, ',', (size_t)(e - v));
		if (!ve || vocab_to_eol(key))
			ve = e;
		if ((r = fn(key, tag_trim(v, ve), arg)) != 0)
			return r;
		p = ve < e ? ve + 1 : e;
	}
	return 0;
}

#ifdef __SSE2__
/* The bytes of the sixteen at p that are c, as bits. */
static inline unsigned
tag_eq16(__m128i x, char c)
{
	return (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(x, _mm_set1_epi8(c)));
}
#endif

/*
 * The first byte of [p, end) that may end a key: a blank or another control byte, a comma
 * or a colon; end if none. Bytes up to lim (>= end) may be read: sixteen at a time, one
 * test for the whole of most keys.
 */
static inline const char *
tag_key_end(const char *p, const char *end, const char *lim)
{
#ifdef __SSE2__
	for (; p < end && p + 16 <= lim; p += 16) {
		__m128i x = _mm_loadu_si128((const __m128i *)(const void *)p);
		/* min(x, ' ') == x: the bytes up to ' ' */
		unsigned m = (unsigned)_mm_movemask_epi8(
			_mm_cmpeq_epi8(_mm_min_epu8(x, _mm_set1_epi8(' ')), x)) |
			tag_eq16(x, ',') | tag_eq16(x, ':');

		if (m)
			return p + __builtin_ctz(m) < end ? p + __builtin_ctz(m) : end;
	}
#else
	(void)lim;
#endif
	for (; p < end && (unsigned char)*p > ' ' && *p != ',' && *p != ':'; p++)
		;
	return p < end ? p : end;
}

/* The first comma or newline of [p, end), or end; read as tag_key_end reads. */
static inline const char *
tag_value_end(const char *p, const char *end, const char *lim)
{
#ifdef __SSE2__
	for (; p < end && p + 16 <= lim; p += 16) {
		__m128i x = _mm_loadu_si128((const __m128i *)(const void *)p);
		unsigned m = tag_eq16(x, ',') | tag_eq16(x, '\n');

		if (m)
			return p + __builtin_ctz(m) < end ? p + __builtin_ctz(m) : end;
	}
#else
	(void)lim;
#endif
	for (; p < end && *p != ',' && *p != '\n'; p++)
		;
	return p < end ? p : end;
}

/*
 * One line of tag_walk's comment, from p (before its blanks and marks) to its newline;
 * returns where the next line starts, with *r set when fn said stop (else left alone).
 */
static inline __attribute__((always_inline)) const char *
tag_walk_line(const char *p, const char *end, const char *lim,
	      int (*fn)(struct span, struct span, void *),
	      size_t (*known)(const char *w, const char *end, const char *lim, void *arg),
	      void *arg, int *r)
{
	const char *nl, *w, *c, *v, *q;
	struct span key;
	size_t n;

	/*
	 * Past the blanks, the comment marks and the blanks again (no newline is a blank
	 * or a mark: these stop at the line's end). Most lines after the first start
	 * "    ; ": one test, where the loops would stop too.
	 */
	if (end - p > 6 && tag_four_spaces(p) && p[4] == ';' && p[5] == ' ' &&
	    !tag_is_space(p[6])) {
		w = p + 6;
	} else {
		while (end - p >= 4 && tag_four_spaces(p))
			p += 4;
		while (p < end && tag_is_space(*p))
			p++;
		while (p < end && (tag_cls[(unsigned char)*p] & TC_MARK))
			p++;
		for (w = p; w < end && tag_is_space(*w); w++)
			;
	}
	/*
	 * Most lines: "key: value" and the line's end, found by two scans. The key ends
	 * at its colon before any blank, comma or newline, so it is tag_line's first
	 * word; the value runs to the newline when it holds no comma.
	 */
	if (known && (n = known(w, end, lim, arg)) != 0)
		c = w + n;  /* known said: its colon is there */
	else if ((c = tag_key_end(w, end, lim)) == w || c == end || *c != ':')
		c = NULL;
	if (c) {
		key.p = w;
		key.n = (size_t)(c - w);
		v = c + 1;
		q = tag_value_end(v, end, lim);
		if (q == end || *q == '\n') {
			*r = fn(key, tag_trim(v, q), arg);
			return q + 1;
		}
		/* a comma: the rest of the line as tag_line reads it */
		if (!(nl = memchr(q, '\n', (size_t)(end - q))))
			nl = end;
		if (vocab_to_eol(key))
			q = nl;
		if ((*r = fn(key, tag_trim(v, q), arg)) == 0)
			*r = tag_line(q < nl ? q + 1 : nl, nl, fn, arg);
		return nl + 1;
	}
	/* else tag_line, from the line's first word (from before its blanks, the same:
	 * the word before a colon never runs into blanks) */
	if (!(nl = memchr(w, '\n', (size_t)(end - w))))
		nl = end;
	*r = tag_line(w, nl, fn, arg);
	return nl + 1;
}

/*
 * tag_each, for a caller whose fn the compiler can inline (vocab.c's take: one call less
 * per tag of every entry). Bytes up to lim (>= the comment's end) may be read: the item's
 * text lets the scans take sixteen bytes at a time. known (or NULL) may say the length of
 * a key it knows at w, followed by its colon before end: no scan for where it ends.
 */
static inline __attribute__((always_inline)) int
tag_walk(struct span comment, const char *lim, int (*fn)(struct span, struct span, void *),
	 size_t (*known)(const char *w, const char *end, const char *lim, void *arg), void *arg)
{
	const char *p = comment.p, *end;
	int r = 0;

	if (!p)  /* no comment: NULL + 0 is undefined behaviour */
		return 0;
	end = p + comment.n;
	while (p < end && r == 0)
		p = tag_walk_line(p, end, lim, fn, known, arg, &r);
	return r;
}

#endif
