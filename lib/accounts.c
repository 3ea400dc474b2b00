/*
 * accounts.c: accounts by name, each with a balance per commodity. A hash table of
 * indices into an array, so the table can be sorted for reports once reading is done.
 */
#include <stdlib.h>
#include <string.h>

#include "tally.h"

struct accounts {
	struct account *a;
	size_t n, cap;
	size_t *slot;   /* index + 1 into a[], 0 = empty */
	size_t nslot;
};

/* A multiply-xorshift hash over 8-byte words: account names are hashed once per posting. */
static inline size_t
hash(const char *s, size_t n)
{
	uint64_t h = 0x9e3779b97f4a7c15u ^ n, w;
	size_t len = n;

	for (; n >= 8; s += 8, n -= 8) {
		memcpy(&w, s, 8);
		h = (h ^ w) * 0xff51afd7ed558ccdu;
		h ^= h >> 32;
	}
	w = 0;
	if (n && len >= 8) {  /* the last 8 bytes of the name, those already taken shifted out */
		memcpy(&w, s + n - 8, 8);
		w >>= 8 * (8 - n);
	} else {
		for (size_t i = 0; i < n; i++)
			w |= (uint64_t)(unsigned char)s[i] << (8 * i);
	}
	h = (h ^ w) * 0xc4ceb9fe1a85ec53u;
	return (size_t)(h ^ (h >> 29));
}

struct accounts *
accounts_new(void)
{
	struct accounts *t = xcalloc(1, sizeof *t);

	t->nslot = 256;
	t->slot = xcalloc(t->nslot, sizeof *t->slot);
	return t;
}

static void
rehash(struct accounts *t, size_t nslot)
{
	free(t->slot);
	t->nslot = nslot;
	t->slot = xcalloc(nslot, sizeof *t->slot);
	for (size_t i = 0; i < t->n; i++) {
		size_t h = hash(t->a[i].name, t->a[i].len) & (nslot - 1);

		while (t->slot[h])
			h = (h + 1) & (nslot - 1);
		t->slot[h] = i + 1;
	}
}

/* memcmp for short names, inline: a call per posting costs more than the compare. A name of
 * 8 bytes or more ends with its last 8 bytes as one word (overlapping the one before). */
static inline bool
same(const char *a, const char *b, size_t n)
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

static size_t *
lookup(const struct accounts *t, const char *name, size_t len)
{
	size_t h = hash(name, len) & (t->nslot - 1);

	for (;;) {
		size_t k = t->slot[h];

		if (!k || (t->a[k - 1].len == len && same(t->a[k - 1].name, name, len)))
			return &t->slot[h];
		h = (h + 1) & (t->nslot - 1);
	}
}

struct account *
accounts_find(const struct accounts *t, const char *name, size_t len)
{
	size_t k = *lookup(t, name, len);

	return k ? &t->a[k - 1] : NULL;
}

struct account *
accounts_get(struct accounts *t, const char *name, size_t len)
{
	size_t *s = lookup(t, name, len);
	struct account *a;

	if (*s)
		return &t->a[*s - 1];
	if (t->n == t->cap) {
		t->cap = t->cap ? t->cap * 2 : 64;
		t->a = xrealloc(t->a, t->cap * sizeof *t->a);
	}
	a = &t->a[t->n++];
	memset(a, 0, sizeof *a);
	a->name = xstrndup(name, len);
	a->len = len;
	*s = t->n;
	if (t->n * 2 > t->nslot) {
		rehash(t, t->nslot * 2);
		a = &t->a[t->n - 1];
	}
	return a;
}

int
account_add(struct account *a, const struct amount *amt)
{
	size_t i;

	for (i = 0; i < a->nbal; i++)
		if (a->bal[i].com == amt->com)
			break;
	if (i == a->nbal) {
		if (a->nbal == a->cap) {
			a->cap = a->cap ? a->cap * 2 : 2;
			a->bal = xrealloc(a->bal, a->cap * sizeof *a->bal);
		}
		a->bal[i].com = amt->com;
		a->bal[i].sum = (struct amount){0, 0, amt->com};
		a->nbal++;
	}
	a->postings++;
	return amount_add(&a->bal[i].sum, &a->bal[i].sum, amt);
}

struct amount
account_balance(const struct account *a, int com)
{
	for (size_t i = 0; i < a->nbal; i++)
		if (a->bal[i].com == com)
			return a->bal[i].sum;
	return (struct amount){0, 0, com};
}

size_t
accounts_count(const struct accounts *t)
{
	return t->n;
}

struct account *
accounts_at(struct accounts *t, size_t i)
{
	return i < t->n ? &t->a[i] : NULL;
}

static int
by_name(const void *x, const void *y)
{
	const struct account *a = x, *b = y;
	size_t n = a->len < b->len ? a->len : b->len;
	int c = memcmp(a->name, b->name, n);

	return c ? c : (a->len > b->len) - (a->len < b->len);
}

void
accounts_sort(struct accounts *t)
{
	if (t->n > 1)
		qsort(t->a, t->n, sizeof *t->a, by_name);
	rehash(t, t->nslot);
}

void
accounts_free(struct accounts *t)
{
	for (size_t i = 0; i < t->n; i++) {
		free(t->a[i].name);
		free(t->a[i].bal);
	}
	free(t->a);
	free(t->slot);
	free(t);
}
