/*
 * accounts.c: accounts by name, each with a balance per commodity: an array numbered by a
 * string map (strmap.c), so the array can be sorted for reports once reading is done.
 */
#include <stdlib.h>
#include <string.h>

#include "tally.h"
#include "internal.h"
#include "acctint.h"

struct accounts *
accounts_new(void)
{
	struct accounts *t = xcalloc(1, sizeof *t);

	t->names = strmap_new();
	return t;
}

struct account *
accounts_find(const struct accounts *t, const char *name, size_t len)
{
	uint64_t head, tail;
	size_t slot;
	struct account *a;
	long k;

	name_ends(name, len, &head, &tail);
	slot = cache_slot(head, tail, len);
	if ((a = cached(t, slot, name, len, head, tail)) ||
	    (a = cached(t, slot ^ 1, name, len, head, tail)))
		return a;
	k = strmap_find(t->names, name, len);
	return k >= 0 ? &t->a[k] : NULL;
}

/* An account not in its key's slot: beside it, by the map, or new. It goes in the key's
 * slot when that is free, else beside it: the account there stays. */
__attribute__((noinline)) struct account *
accounts_get_miss(struct accounts *t, size_t slot, const char *name, size_t len,
		  uint64_t head, uint64_t tail)
{
	struct account *a = cached(t, slot ^ 1, name, len, head, tail);
	long k;

	if (a)
		return a;
	if (t->cache[slot])
		slot ^= 1;
	if ((k = strmap_find(t->names, name, len)) >= 0) {
		t->cache[slot] = &t->a[k];
		return &t->a[k];
	}
	strmap_add(t->names, name, len, NULL);  /* its number is t->n */
	if (t->n == t->cap || !t->a) {  /* (!t->a: for the analyzer, which can't tie n to a) */
		t->cap = t->cap ? t->cap * 2 : 64;
		t->a = xrealloc(t->a, t->cap * sizeof *t->a);
		memset(t->cache, 0, sizeof t->cache);  /* it pointed into the old array */
	}
	a = &t->a[t->n++];
	t->cache[slot] = a;
	memset(a, 0, sizeof *a);
	a->name = xstrndup(name, len);
	a->len = len;
	a->head = head;
	a->tail = tail;
	if (len > 16) {
		memcpy(&a->mid[0], name + 8, 8);
		memcpy(&a->mid[1], name + len - 16, 8);
	}
	return a;
}

static inline __attribute__((always_inline)) int
add(struct account *a, const struct amount *amt)
{
	size_t i;

	/* Most accounts hold one commodity: the first balance is the one, inline. */
	if (a->nbal && a->bal[0].com == amt->com) {
		struct amount *sum = &a->bal[0].sum;
		tnum q;

		if (sum->scale != amt->scale)
			return amount_add(sum, sum, amt);
		/* amount_add's common case, without the call: same commodity and scale. */
		if (__builtin_add_overflow(sum->q, amt->q, &q) || q == TNUM_BAD)
			return -1;
		sum->q = q;
		return 0;
	}

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
	return amount_add(&a->bal[i].sum, &a->bal[i].sum, amt);
}

struct account *
accounts_get(struct accounts *t, const char *name, size_t len)
{
	return accounts_get_inline(t, name, len);
}

int
account_add(struct account *a, const struct amount *amt)
{
	return add(a, amt);
}

int
accounts_post(struct accounts *t, const struct posting *p, size_t np, size_t *at)
{
	return accounts_post_inline(t, p, np, at);
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
	memset(t->cache, 0, sizeof t->cache);
	strmap_free(t->names, NULL);  /* numbered again in the new order */
	t->names = strmap_new();
	for (size_t i = 0; i < t->n; i++)
		strmap_add(t->names, t->a[i].name, t->a[i].len, NULL);
}

void
accounts_free(struct accounts *t)
{
	for (size_t i = 0; i < t->n; i++) {
		free(t->a[i].name);
		free(t->a[i].bal);
	}
	free(t->a);
	strmap_free(t->names, NULL);
	free(t);
}
