/*
 * invnum.c: invoice numbers, PREFIX YYYY-NNNN: one series per prefix and year (invoices with
 * tally-invoice's --prefix, credit notes with CN-), numbered from the highest one met.
 * Read on every invoice entry of the journal: no formatting on the way.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tally.h"
#include "internal.h"

long
invoice_seq(struct span num, const char *prefix, int year)
{
	size_t pl = strlen(prefix);
	long n = 0;
	int y = 0;

	if (num.n <= pl + 5 || memcmp(num.p, prefix, pl) != 0 || num.p[pl + 4] != '-')
		return 0;
	for (size_t i = pl; i < pl + 4; i++) {
		if (num.p[i] < '0' || num.p[i] > '9')
			return 0;
		y = y * 10 + (num.p[i] - '0');
	}
	if (y != year)
		return 0;
	for (size_t i = pl + 5; i < num.n; i++) {
		if (num.p[i] < '0' || num.p[i] > '9' || n > 100000000)
			return 0;
		n = n * 10 + (num.p[i] - '0');
	}
	return n;
}

char *
invoice_number(const char *prefix, int year, long seq)
{
	size_t size = strlen(prefix) + 32;
	char *s = xmalloc(size);

	snprintf(s, size, "%s%04d-%04ld", prefix, year, seq);
	return s;
}

/*
 * A set of invoice numbers, each given a dense id in order of first insertion. Most
 * numbers are STEM + DIGITS as invoice_number writes them (four digits at least, no leading
 * zero past four): such a number is its stem and value, one to one, and its id is kept in
 * an array by value per stem, so that a journal's numbers, met about in order, are found
 * and added with no cache miss of a hash table as large as the set. Any other number, and
 * one whose value is far past those met in its series, is in a string map.
 */
struct numseries {
	uint32_t *id;    /* by value: id + 1, 0 none */
	size_t cap;      /* the values id holds */
	size_t n;        /* the numbers of the series in id[] */
	size_t nout;     /* the numbers of the series in the string map */
};

struct numset {
	struct strmap *stems;   /* stem -> its series */
	struct numseries *s;
	size_t ns, scap;
	long last;              /* the series last met, -1 none */
	const char *lastkey;    /* its stem, in stems (no key is added while it is last) */
	size_t lastn;
	struct strmap *other;   /* the other numbers -> their index in oid */
	size_t *oid;
	size_t nid;
};

struct numset *
numset_new(void)
{
	struct numset *m = xcalloc(1, sizeof *m);

	m->stems = strmap_new();
	m->other = strmap_new();
	m->last = -1;
	return m;
}

void
numset_free(struct numset *m)
{
	if (!m)
		return;
	for (size_t i = 0; i < m->ns; i++)
		free(m->s[i].id);
	free(m->s);
	free(m->oid);
	strmap_free(m->stems, NULL);
	strmap_free(m->other, NULL);
	free(m);
}

/* The value of a number of the common shape (its stem num.p[0 .. *stem)), or -1. */
static inline long
value_of(struct span num, size_t *stem)
{
	const unsigned char *p = (const unsigned char *)num.p;
	size_t d = num.n, nd;
	long val = 0;

	while (d > 0 && (unsigned)(p[d - 1] - '0') < 10)
		d--;
	nd = num.n - d;
	if (nd < 4 || nd > 9 || (nd > 4 && p[d] == '0'))
		return -1;
	for (size_t i = d; i < num.n; i++)
		val = val * 10 + (p[i] - '0');
	*stem = d;
	return val;
}

static struct numseries *
series_of(struct numset *m, const char *stem, size_t n)
{
	bool added;
	size_t k;

	if (m->last >= 0 && m->lastn == n && same_bytes(m->lastkey, stem, n))
		return &m->s[m->last];
	k = strmap_add(m->stems, stem, n, &added);
	if (added) {
		if (m->ns == m->scap) {
			m->scap = m->scap ? m->scap * 2 : 8;
			m->s = xrealloc(m->s, m->scap * sizeof *m->s);
		}
		memset(&m->s[m->ns++], 0, sizeof *m->s);
	}
	m->last = (long)k;
	m->lastkey = strmap_key(m->stems, k, &m->lastn);
	return &m->s[k];
}

/* In the string map: its id, or -1 (add: made). */
static long
other_id(struct numset *m, struct span num, bool add, bool *added)
{
	long k = strmap_find(m->other, num.p, num.n);

	*added = false;
	if (k >= 0 || !add)
		return k < 0 ? -1 : (long)m->oid[k];
	k = (long)strmap_add(m->other, num.p, num.n, NULL);
	m->oid = xrealloc(m->oid, ((size_t)k + 1) * sizeof *m->oid);
	m->oid[k] = m->nid++;
	*added = true;
	return (long)m->oid[k];
}

long
numset_id(struct numset *m, struct span num, bool add, bool *added)
{
	struct numseries *s;
	size_t stem;
	long val = value_of(num, &stem), id;

	*added = false;
	if (val < 0)
		return other_id(m, num, add, added);
	s = series_of(m, num.p, stem);
	if ((size_t)val >= s->cap) {
		/* an array at most a few times the series' numbers: else the string map */
		size_t cap = s->cap ? s->cap : 8;

		while (cap <= (size_t)val)
			cap *= 2;
		if (!add || cap > 4 * (s->n + s->nout + 1) + 8) {
			id = other_id(m, num, add, added);
			s->nout += *added;
			return id;
		}
		s->id = xrealloc(s->id, cap * sizeof *s->id);
		memset(s->id + s->cap, 0, (cap - s->cap) * sizeof *s->id);
		s->cap = cap;
	}
	if (s->id[val])
		return (long)s->id[val] - 1;
	/* met before the array reached it: in the string map */
	if (s->nout && (id = other_id(m, num, false, added)) >= 0)
		return id;
	if (!add)
		return -1;
	if (m->nid >= UINT32_MAX - 1) {
		id = other_id(m, num, true, added);
		s->nout += *added;
		return id;
	}
	s->id[val] = (uint32_t)m->nid + 1;
	s->n++;
	*added = true;
	return (long)m->nid++;
}
