/*
 * amemo.h: amount.c's memo of the amounts parse_fast read, by their text, for amount.c and
 * txn.c only (and commodity.c, which keeps the styles it finds by id). Its hit path is
 * inline here so that txn.c, which reads most amounts, finds a posting's amount without
 * amount_parse's call and frame (they cost what the hit does).
 *
 * A practice's journal repeats a few hundred figures (its fees), and matching sixteen
 * bytes costs a fraction of reading them. The same text reads the same while
 * amount_fast_style is set and the commodity's mark is still the one read (parse_common,
 * where the symbol is not the last one, reads it alike), and the style learns what
 * parse_fast's would. The key: the text's first sixteen bytes (its first and last eight
 * when shorter) and its length, 17 for any past 16; an amount that ends before byte 16
 * (the byte after it counts) reads the same whatever follows.
 */
#ifndef TALLY_AMEMO_H
#define TALLY_AMEMO_H

#include <stdint.h>
#include <string.h>

#include "tally.h"

#define MEMO_BITS 12
/* Thirty-two bytes, aligned: a slot is half a cache line, never in two (at 40 bytes three
 * slots in eight straddled two lines; D1 misses at 100k entries 989k -> 924k). Its style
 * by com, not by a pointer of its own. */
struct memo {
	uint64_t w0, w1;      /* the key's bytes */
	int64_t q;            /* what the text reads as: parse_fast's fit 64 bits */
	int32_t com;          /* commodity_styles[com] is its style */
	uint8_t n, k, scale;  /* the key's length (0: an empty slot), the amount's, its decimals */
	char mark;
};
_Static_assert(sizeof(struct memo) == 32, "a memo slot is half a cache line");
extern _Thread_local _Alignas(64) struct memo amount_memo[1 << MEMO_BITS];
/* commodity.c: the styles by commodity id. */
extern _Thread_local struct cstyle *commodity_styles;
/* The last symbol's style while parse_fast may run (no mark forced), else NULL: one test
 * per amount instead of two. A second half's reader (split.c) takes the memo too: a hit's
 * text noted what split_note would when parse_fast read it, in the same thread. */
extern _Thread_local struct cstyle *amount_fast_style;

static inline struct memo *
memo_slot(uint64_t w0, uint64_t w1, unsigned n)
{
	uint64_t h = (w0 ^ (w1 << 7 | w1 >> 57) ^ n) * 0x9e3779b97f4a7c15ull;  /* one multiply */

	return &amount_memo[h >> (64 - MEMO_BITS)];
}

/* The memo's key for a text of n >= 8 bytes. */
static inline struct memo *
memo_key(const char *s, size_t n, uint64_t *w0, uint64_t *w1, unsigned *kn)
{
	*kn = n <= 16 ? (unsigned)n : 17;
	memcpy(w0, s, 8);
	memcpy(w1, s + (*kn < 16 ? *kn : 16) - 8, 8);
	return memo_slot(*w0, *w1, *kn);
}

/* amount_parse's result for a text the memo holds (the bytes it read, above 0), else 0:
 * then amount_parse reads it. */
static inline long
amount_memo_get(const char *s, size_t n, struct amount *a, bool learn)
{
	struct memo *m;
	struct cstyle *st;
	uint64_t w0, w1;
	unsigned kn;

	if (!amount_fast_style || n < 8)
		return 0;
	m = memo_key(s, n, &w0, &w1, &kn);
	if (m->w0 != w0 || m->w1 != w1 || m->n != kn)  /* an empty slot's n is 0 */
		return 0;
	st = &commodity_styles[m->com];
	if (!st->mark_known || st->decimal != m->mark)
		return 0;
	a->q = m->q;
	a->scale = m->scale;
	a->com = m->com;
	if (learn && !st->declared) {  /* as parse_fast learns */
		st->learned = true;
		if (m->scale > st->prec)
			st->prec = m->scale;
	}
	return m->k;
}

#endif
