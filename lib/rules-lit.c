/*
 * rules-lit.c: `if` patterns that are plain words ("^SEPA CREDIT", "AMAZON|DB VERTRIEB"),
 * matched without PCRE2 where that gives PCRE2's answer. Patterns are caseless, UTF-8 and
 * Unicode aware (regex.c); under those options an ASCII letter matches only its two ASCII
 * cases, except k and s, which also match U+212A KELVIN SIGN and U+017F LONG S, and a
 * non-ASCII character matches no ASCII one except those two signs (every code point was
 * tried against PCRE2 10.40). So a branch of ASCII words is found in an ASCII-lowered copy
 * of the subject byte for byte, and a branch with other characters cannot match an ASCII
 * subject; every other case is left to PCRE2.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "rules-int.h"

struct litbranch {
	char *low;            /* the words, ASCII-lowered */
	size_t n;
	bool anchored;        /* "^WORDS": at the start only */
	bool ascii;
	bool ks;              /* holds k or s, which U+212A and U+017F match too */
};

struct litpat {
	struct litbranch *b;
	size_t nb;
};

/*
 * One field's plain-word matchers. Words of two bytes or more, not anchored, are found
 * Wu-Manber style: a window of m bytes (the shortest such word) slides along the text by
 * the shift its last two bytes allow, and only where that is 0 are the words whose first m
 * bytes end in those two compared. Anchored words are tried at the start, one-byte words
 * at every byte; the rest (empty, or with other than ASCII) have lists of their own.
 */
struct litent {
	const struct litbranch *b;
	size_t id;            /* the matcher's place in litres */
	uint32_t next;        /* the next entry in the same chain, +1; 0: none */
};

#define PAIRS 4096
#define PAIR(a, b) ((((unsigned)(unsigned char)(a) << 5) ^ (unsigned char)(b)) & (PAIRS - 1))
#define MAXWIN 200            /* a window longer than this gains nothing: shifts fit a byte */

struct litset {
	struct litent *e;
	size_t ne;
	size_t m;             /* the window: the shortest sliding word, 0: none */
	unsigned char shift[PAIRS];  /* per last two bytes of a window (hashed) */
	uint32_t head[PAIRS]; /* per two bytes ending a word's first m (hashed): first entry + 1 */
	uint32_t head1[256];  /* one-byte words, per byte */
	uint32_t ahead[256];  /* anchored words per first byte, tried at the start only */
	bool any1;
	size_t *empty;        /* matchers with an empty word: they match any text */
	size_t nempty;
	size_t *odd;          /* entries that are not ASCII or hold k or s (see eval_set) */
	size_t nodd;
	size_t *ids;          /* the matchers of this field */
	size_t nids;
	size_t id0;           /* ids are id0, id0 + 1, ... (the usual case) when run is set */
	bool run;
	uint64_t bits;        /* the ids below 64, as bits (lit_done and the like) */
};

/* Does s hold the bytes w? */
static bool
has(const char *s, size_t n, const char *w, size_t wn)
{
	for (size_t i = 0; i + wn <= n; i++)
		if (memcmp(s + i, w, wn) == 0)
			return true;
	return false;
}

/* The byte a pattern's character stands for, or -1 when it is syntax. */
static int
literal_at(const char *s, size_t n, size_t *i)
{
	unsigned char c = (unsigned char)s[*i];

	if (c == '\\') {  /* "\." is a dot: a backslash before ASCII punctuation quotes it */
		unsigned char d;

		if (*i + 1 >= n)
			return -1;
		d = (unsigned char)s[*i + 1];
		if (d < 0x21 || d > 0x7e || (d >= '0' && d <= '9') || (d >= 'A' && d <= 'Z') ||
		    (d >= 'a' && d <= 'z'))
			return -1;
		*i += 2;
		return d;
	}
	if (c == 0 || strchr("^$.[]|()?*+{}", c))
		return -1;
	(*i)++;
	return c;
}

static char
ascii_lower(unsigned char c)
{
	return (char)(c >= 'A' && c <= 'Z' ? c + 32 : c);
}

struct litpat *
rules_lit_new(const char *pat, size_t n)
{
	struct litpat *lp = xcalloc(1, sizeof *lp);
	size_t i = 0;

	for (;;) {
		struct litbranch *b;
		int c;

		lp->b = xrealloc(lp->b, (lp->nb + 1) * sizeof *lp->b);
		b = &lp->b[lp->nb++];
		memset(b, 0, sizeof *b);
		b->low = xmalloc(n + 1);
		b->ascii = true;
		if (i < n && pat[i] == '^')
			b->anchored = true, i++;
		while (i < n && pat[i] != '|') {
			if ((c = literal_at(pat, n, &i)) < 0) {
				rules_lit_free(lp);
				return NULL;
			}
			if (c >= 0x80)
				b->ascii = false;
			else if (c == 'k' || c == 'K' || c == 's' || c == 'S')
				b->ks = true;
			b->low[b->n++] = ascii_lower((unsigned char)c);
		}
		b->low[b->n] = '\0';
		/* U+212A and U+017F match ASCII letters: such words stay with PCRE2. */
		if (!b->ascii && (has(b->low, b->n, "\xe2\x84\xaa", 3) || has(b->low, b->n, "\xc5\xbf", 2))) {
			rules_lit_free(lp);
			return NULL;
		}
		if (i == n)
			return lp;
		i++;  /* the '|' */
	}
}

void
rules_lit_free(struct litpat *lp)
{
	if (!lp)
		return;
	for (size_t i = 0; i < lp->nb; i++)
		free(lp->b[i].low);
	free(lp->b);
	free(lp);
}

static size_t
slot_of(const struct rules *r, const struct matcher *m)
{
	return m->field == -1 ? r->nlits - 1 : (size_t)m->field;
}

/* The chains and the shifts of one field's words (the answers do not depend on order). */
static void
index_set(struct litset *ls)
{
	size_t m = 0;

	ls->run = ls->nids > 0;
	ls->id0 = ls->nids ? ls->ids[0] : 0;
	for (size_t k = 0; k < ls->nids; k++)
		if (ls->ids[k] < 64)
			ls->bits |= (uint64_t)1 << ls->ids[k];
	for (size_t k = 1; k < ls->nids; k++)
		if (ls->ids[k] != ls->id0 + k)
			ls->run = false;
	for (size_t k = 0; k < ls->ne; k++) {
		const struct litbranch *b = ls->e[k].b;

		if (!b->ascii || b->ks) {
			ls->odd = xrealloc(ls->odd, (ls->nodd + 1) * sizeof *ls->odd);
			ls->odd[ls->nodd++] = k;
		}
		if (b->ascii && b->n >= 2 && !b->anchored && (m == 0 || b->n < m))
			m = b->n;
	}
	ls->m = m = m > MAXWIN ? MAXWIN : m;
	memset(ls->shift, m ? (int)(m - 1) : 0, sizeof ls->shift);
	for (size_t k = ls->ne; k-- > 0;) {
		const struct litbranch *b = ls->e[k].b;
		uint32_t *h;

		if (b->ascii && !b->n) {
			ls->empty = xrealloc(ls->empty, (ls->nempty + 1) * sizeof *ls->empty);
			ls->empty[ls->nempty++] = ls->e[k].id;
		}
		if (!b->ascii || !b->n)
			continue;
		if (b->anchored) {
			h = &ls->ahead[(unsigned char)b->low[0]];
		} else if (b->n == 1) {
			h = &ls->head1[(unsigned char)b->low[0]];
			ls->any1 = true;
		} else {
			for (size_t j = 1; j < m; j++) {
				unsigned char *sh = &ls->shift[PAIR(b->low[j - 1], b->low[j])];

				if (*sh > m - 1 - j)
					*sh = (unsigned char)(m - 1 - j);
			}
			h = &ls->head[PAIR(b->low[m - 2], b->low[m - 1])];
		}
		ls->e[k].next = *h;
		*h = (uint32_t)k + 1;
	}
}

void
rules_lit_index(struct rules *r)
{
	size_t nslot = 0;

	for (size_t i = 0; i < r->nblk; i++)
		for (size_t j = 0; j < r->blk[i].nm; j++) {
			struct matcher *m = &r->blk[i].m[j];

			if (m->lit && m->field == -2) {  /* no such field: PCRE2 reads "%name" */
				rules_lit_free(m->lit);
				m->lit = NULL;
			}
			if (m->lit)
				m->litid = r->nlitres++;
			if (m->lit && m->field >= 0 && (size_t)m->field + 1 > nslot)
				nslot = (size_t)m->field + 1;
		}
	r->nlits = nslot + 1;
	r->lits = xcalloc(r->nlits, sizeof *r->lits);
	r->litres = xcalloc(r->nlitres ? r->nlitres : 1, 1);
	for (size_t i = 0; i < r->nblk; i++)
		for (size_t j = 0; j < r->blk[i].nm; j++) {
			const struct matcher *m = &r->blk[i].m[j];
			struct litset *ls;

			if (!m->lit)
				continue;
			ls = &r->lits[slot_of(r, m)];
			ls->ids = xrealloc(ls->ids, (ls->nids + 1) * sizeof *ls->ids);
			ls->ids[ls->nids++] = m->litid;
			for (size_t k = 0; k < m->lit->nb; k++) {
				const struct litbranch *b = &m->lit->b[k];
				struct litent *e;

				ls->e = xrealloc(ls->e, (ls->ne + 1) * sizeof *ls->e);
				e = &ls->e[ls->ne++];
				e->b = b;
				e->id = m->litid;
				e->next = 0;
			}
		}
	for (size_t s = 0; s < r->nlits; s++)
		index_set(&r->lits[s]);
}

void
rules_lit_index_free(struct rules *r)
{
	for (size_t s = 0; s < r->nlits; s++) {
		free(r->lits[s].e);
		free(r->lits[s].ids);
		free(r->lits[s].empty);
		free(r->lits[s].odd);
	}
	free(r->lits);
	free(r->litres);
}

/* Does s hold U+212A or U+017F? Their lead bytes are rare: memchr finds them. */
static bool
folds(const char *s, size_t n)
{
	const char *end = s + n, *p;

	for (p = s; (p = memchr(p, 0xe2, (size_t)(end - p))) != NULL; p++)
		if (end - p >= 3 && p[1] == '\x84' && p[2] == '\xaa')
			return true;
	for (p = s; (p = memchr(p, 0xc5, (size_t)(end - p))) != NULL; p++)
		if (end - p >= 2 && p[1] == '\xbf')
			return true;
	return false;
}

/*
 * Lowers s into dst (n + 1 bytes); *fold: s holds U+212A
 * or U+017F. True when s is all ASCII. Eight bytes a step: a byte is an upper-case letter
 * when its top bit is clear and it is at least 'A' but not above 'Z'.
 */
static bool
lower(char *dst, const char *s, size_t n, bool *fold)
{
	const uint64_t ones = 0x0101010101010101ull, high = 0x8080808080808080ull;
	uint64_t hi = 0;
	size_t i = 0;

	for (; i + 8 <= n; i += 8) {
		uint64_t x, low7, ge_a, gt_z;

		memcpy(&x, s + i, 8);
		hi |= x;
		low7 = x & ~high;
		ge_a = low7 + (0x80 - 'A') * ones;
		gt_z = low7 + (0x7f - 'Z') * ones;
		x |= ((ge_a ^ gt_z) & ~x & high) >> 2;
		memcpy(dst + i, &x, 8);
	}
	for (; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		hi |= c;
		dst[i] = (char)(c + ((unsigned)(c - 'A') < 26u ? 32 : 0));
	}
	dst[n] = '\0';
	*fold = (hi & high) && folds(s, n);
	return !(hi & high);
}

/* Is entry k's word at low (n bytes from there)? */
static bool
found(const struct litset *ls, uint32_t k, const char *low, size_t n, bool fold)
{
	const struct litbranch *b = ls->e[k].b;

	return b->n <= n && !(b->ks && fold) && memcmp(low, b->low, b->n) == 0;
}

/* Matcher id's answer v (1 or -1; 0 is the default), in litres and as bits. */
static void
answer(struct rules *r, size_t id, int v)
{
	r->litres[id] = (signed char)v;
	if (id < 64 && v == 1)
		r->lit_yes |= (uint64_t)1 << id;
	else if (id < 64)
		r->lit_pcre |= (uint64_t)1 << id;
}

static void
eval_set(struct rules *r, struct litset *ls, const char *s, size_t n)
{
	char *low = rules_scratch(r, n + 1);
	bool fold, ascii = lower(low, s, n, &fold);
	signed char *res = r->litres;
	const struct litent *e = ls->e;
	size_t m = ls->m;

	if (ls->run)
		memset(res + ls->id0, 0, ls->nids);
	else
		for (size_t k = 0; k < ls->nids; k++)
			res[ls->ids[k]] = 0;
	r->lit_done |= ls->bits;
	r->lit_yes &= ~ls->bits;
	r->lit_pcre &= ~ls->bits;
	/* Answers PCRE2 must give: non-ASCII words in a non-ASCII text, k or s beside the
	 * signs that match them. A match found by other words settles it all the same. */
	for (size_t j = 0; j < ls->nodd && (!ascii || fold); j++) {
		const struct litbranch *b = e[ls->odd[j]].b;

		if ((!b->ascii && !ascii) || (b->ks && fold))
			answer(r, e[ls->odd[j]].id, -1);
	}
	for (size_t k = 0; k < ls->nempty; k++)
		answer(r, ls->empty[k], 1);
	if (n == 0)
		return;
	for (uint32_t k = ls->ahead[(unsigned char)low[0]]; k; k = e[k - 1].next)
		if (found(ls, k - 1, low, n, fold))
			answer(r, e[k - 1].id, 1);
	for (size_t end = m - 1; m && end < n;) {  /* the window is low[end + 1 - m, end] */
		unsigned h = PAIR(low[end - 1], low[end]);

		if (ls->shift[h]) {
			end += ls->shift[h];
			continue;
		}
		for (uint32_t k = ls->head[h]; k; k = e[k - 1].next)
			if (found(ls, k - 1, low + end + 1 - m, n - (end + 1 - m), fold))
				answer(r, e[k - 1].id, 1);
		end++;
	}
	for (size_t i = 0; i < n && ls->any1; i++)
		for (uint32_t k = ls->head1[(unsigned char)low[i]]; k; k = e[k - 1].next)
			if (found(ls, k - 1, low + i, n - i, fold))
				answer(r, e[k - 1].id, 1);
}

int
rules_lit_eval(struct rules *r, const struct matcher *m, const char *s, size_t n)
{
	if (r->litres[m->litid] == -2) {
		if (!s)
			return -2;
		if (m->field >= 0 && (size_t)m->field >= r->rec->nf)
			return -1;  /* a short record: the text is the reference as written */
		eval_set(r, &r->lits[m->field == -1 ? r->nlits - 1 : (size_t)m->field], s, n);
	}
	return r->litres[m->litid];
}
