/*
 * rules-match.c: which `if` blocks a record matches, and so which template each journal
 * field finally takes; the match groups (\N) of their patterns. Plain-word patterns are
 * answered for all of a field's matchers at once (rules-lit.c), the rest by PCRE2. Every
 * answer is kept for the record (bmatch, litres), so a block is tested at most once.
 */
#include <stdio.h>
#include <string.h>

#include "rules-int.h"

static const char *
whole_record(struct rules *r, size_t *n)
{
	if (!r->whole_done) {
		size_t i, len = 0;

		for (i = 0; i < r->rec->nf; i++)
			len += r->rec->len[i] + 1;
		if (len + 1 > r->wholecap) {
			r->wholecap = len + 64;
			r->whole = xrealloc(r->whole, r->wholecap);
			memset(r->whole, 0, r->wholecap);  /* the JIT may read past the end */
		}
		len = 0;
		for (i = 0; i < r->rec->nf; i++) {
			if (i)
				r->whole[len++] = ',';
			memcpy(r->whole + len, r->rec->f[i], r->rec->len[i]);
			len += r->rec->len[i];
		}
		r->whole[len] = '\0';
		r->wholelen = len;
		r->whole_done = true;
	}
	*n = r->wholelen;
	return r->whole;
}

/* What a matcher looks at: the whole record, a field's stripped value, or for a field the
 * record does not have, the reference as written (as hledger 1.25). lit holds 300 bytes. */
static const char *
matcher_subject(struct rules *r, const struct matcher *m, char *lit, size_t *n)
{
	const char *s;

	if (m->field == -1)
		return whole_record(r, n);
	if (m->field == -2 || (size_t)m->field >= r->rec->nf) {
		*n = (size_t)snprintf(lit, 300, "%%%s", m->fname);
		if (*n >= 300)
			*n = 299;
		return lit;
	}
	rules_field_value(r, m->field, &s, n);
	return s;
}

static int
matcher_eval(struct rules *r, const struct matcher *m, struct terr *e)
{
	char lit[300];
	size_t n;
	const char *s;
	int rc;

	/* Plain words: answered for every matcher of the field at once (rules-lit.c). */
	if ((rc = m->lit ? rules_lit_eval(r, m, NULL, 0) : -1) >= 0)
		return rc;
	s = matcher_subject(r, m, lit, &n);
	if (rc == -2 && (rc = rules_lit_eval(r, m, s, n)) >= 0)
		return rc;
	rc = regex_match(m->re, s, n);

	if (rc < 0)
		terr_set(e, r->rec->file, r->rec->line,
			 "pattern \"%s\" gave up (match limit exceeded)", m->text);
	return rc;
}

/* Blocks match when any group of &&-joined matchers all match ("!": does not match). */
static int
block_matches(struct rules *r, size_t bi, struct terr *e)
{
	const struct block *b = &r->blk[bi];
	int cur = 0, rc;

	if (r->bmatch[bi] >= 0)
		return r->bmatch[bi];
	for (size_t i = 0; i < b->nm; i++) {
		if (i == 0 || !b->m[i].and) {  /* a new group: done if the one before matched */
			if (i > 0 && cur)
				break;
			cur = 1;
		}
		if (!cur)
			continue;
		if (b->m[i].lit && r->litres[b->m[i].litid] >= 0)
			rc = r->litres[b->m[i].litid];  /* answered with the field's other words */
		else if ((rc = matcher_eval(r, &b->m[i], e)) < 0)
			return -1;
		cur = b->m[i].not ? !rc : rc;
	}
	r->bmatch[bi] = (signed char)cur;
	return cur;
}

void
rules_match_index(struct rules *r)
{
	for (size_t f = 0; f < RF_COUNT; f++) {
		struct flist *fl = &r->bylist[f];

		if (!fl->n)
			continue;
		fl->quick = xcalloc(fl->n, sizeof *fl->quick);
		for (size_t i = 0; i < fl->n; i++) {
			const struct block *b = &r->blk[fl->blk[i]];

			fl->quick[i] = b->nm == 1 && b->m[0].lit ?
				2 * (long)b->m[0].litid + b->m[0].not : -1;
		}
		/* Bits for the whole list, when every block is quick and the numbers rise. */
		for (size_t i = 0; i < fl->n; i++) {
			long q = fl->quick[i];

			if (q < 0 || q >> 1 >= 64 || (i > 0 && q >> 1 <= fl->quick[i - 1] >> 1)) {
				fl->ids = fl->nots = 0;
				break;
			}
			fl->ids |= (uint64_t)1 << (q >> 1);
			if (q & 1)
				fl->nots |= (uint64_t)1 << (q >> 1);
		}
	}
}

/* rules_effective() of a field some blocks assign: the last block that matches wins. */
int
rules_effective_blocks(struct rules *r, int f, const struct template **t, long *blk,
		       struct terr *e)
{
	const struct flist *fl = &r->bylist[f];
	const signed char *bmatch = r->bmatch, *litres = r->litres;
	size_t i = fl->n;

	*blk = -1;
	/* Every block quick and answered: the last that may match is the highest bit set
	 * (a match, or PCRE2's to answer). */
	if (fl->ids && (r->lit_done & fl->ids) == fl->ids) {
		uint64_t pcre = r->lit_pcre & ~r->lit_yes;
		uint64_t cand = ((r->lit_yes ^ fl->nots) | pcre) & fl->ids;

		/* Entries past the highest candidate match nothing: start at it. */
		i = cand ? (size_t)__builtin_popcountll(fl->ids << __builtin_clzll(cand)) : 0;
	}
	for (; i-- > 0;) {
		size_t bi = fl->blk[i];
		long q = fl->quick[i];
		int m;

		/* One plain-word matcher: its answer is known once the field was read. */
		if (q >= 0 && litres[q >> 1] >= 0)
			m = litres[q >> 1] ^ (int)(q & 1);
		else if ((m = bmatch[bi]) < 0 && (m = block_matches(r, bi, e)) < 0)
			return -1;
		if (m) {
			*t = &r->blk[bi].a[fl->asg[i]].t;
			*blk = (long)bi;
			return 1;
		}
	}
	*t = r->toplast[f] >= 0 ? &r->top[r->toplast[f]].t : NULL;
	return *t != NULL;
}

/*
 * Match group k (1-based) of the patterns of block bi, counted across its matchers in
 * order, or of every matching block when bi < 0 (a top-level value), as hledger does; ""
 * when there is none. The text is copied to scratch memory.
 */
int
rules_match_group(struct rules *r, long bi, int k, const char **out, size_t *outn, struct terr *e)
{
	size_t first = bi < 0 ? 0 : (size_t)bi, last = bi < 0 ? r->nblk : (size_t)bi + 1;

	*out = "";
	*outn = 0;
	for (size_t b = first; b < last && k >= 1; b++) {
		const struct block *blk = &r->blk[b];
		int m = bi < 0 ? block_matches(r, b, e) : 1;

		if (m < 0)
			return -1;
		for (size_t i = 0; m && i < blk->nm; i++) {
			char lit[300];
			size_t n, st, len;
			const char *s = matcher_subject(r, &blk->m[i], lit, &n);
			int cnt = regex_group(blk->m[i].re, s, n, k, &st, &len);

			if (cnt < 0) {
				terr_set(e, r->rec->file, r->rec->line,
					 "pattern \"%s\" gave up (match limit exceeded)", blk->m[i].text);
				return -1;
			}
			if (k <= cnt) {
				*out = rules_scratch_dup(r, s + st, len);
				*outn = len;
				return 0;
			}
			k -= cnt;
		}
	}
	return 0;
}
