/*
 * accounts.c: accounts by name, each with a balance per commodity: an array numbered by a
 * string map (strmap.c), so the array can be sorted for reports once reading is done.
 */
#include <stdlib.h>
#include <string.h>

#include "tally.h"
#include "internal.h"

#define NCACHE_BITS 12
#define NCACHE (1u << NCACHE_BITS)  /* many times as many as most books have accounts: few collide */

struct accounts {
	struct account *a;    /* a[i] is the map's key number i */
	size_t n, cap;
	struct strmap *names;
	/* The account (NULL: none) by a quick key of the name: a posting finds its account
	 * here by its first and last eight bytes, most often without hashing the whole name.
	 * A key's slot, else the one beside it (slot ^ 1): two accounts whose keys meet do not
	 * push each other out at every posting. Pointers into a, emptied when a moves. */
	struct account *cache[NCACHE];
};

/* The account's name is this one: its length and ends tell most names apart, the words
 * kept between them a name of up to 32 bytes; a longer one's bytes between those are
 * compared a word at a time. */
static inline bool
is_named(const struct account *a, const char *name, size_t len, uint64_t head, uint64_t tail)
{
	uint64_t x, y;

	if (a->len != len || a->head != head || a->tail != tail)
		return false;
	if (len <= 16)
		return true;
	memcpy(&x, name + 8, 8);
	memcpy(&y, name + len - 16, 8);
	if (x != a->mid[0] || y != a->mid[1])
		return false;
	if (len <= 32)
		return true;
	for (size_t i = 16; i < len - 24; i += 8) {
		memcpy(&x, a->name + i, 8);
		memcpy(&y, name + i, 8);
		if (x != y)
			return false;
	}
	memcpy(&x, a->name + len - 24, 8);  /* the word before mid[1] */
	memcpy(&y, name + len - 24, 8);
	return x == y;
}

/* The cached account in slot, if it has this name. */
static inline struct account *
cached(const struct accounts *t, size_t slot, const char *name, size_t len, uint64_t head,
       uint64_t tail)
{
	struct account *a = t->cache[slot];

	return a && is_named(a, name, len, head, tail) ? a : NULL;
}

static inline size_t
cache_slot(uint64_t head, uint64_t tail, size_t len)
{
	return (size_t)(quick_mix(head, tail, len) >> (64 - NCACHE_BITS));
}

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
static __attribute__((noinline)) struct account *
get_miss(struct accounts *t, size_t slot, const char *name, size_t len, uint64_t head,
	 uint64_t tail)
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

/* accounts_get and account_add, inline for accounts_post, which runs them per posting. */
static inline __attribute__((always_inline)) struct account *
get(struct accounts *t, const char *name, size_t len)
{
	uint64_t head, tail;
	size_t slot;
	struct account *a;

	name_ends(name, len, &head, &tail);
	slot = cache_slot(head, tail, len);
	a = cached(t, slot, name, len, head, tail);
	return a ? a : get_miss(t, slot, name, len, head, tail);
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
	return get(t, name, len);
}

int
account_add(struct account *a, const struct amount *amt)
{
	return add(a, amt);
}

/* A posting's amount: most are in the first balance's commodity and scale (a sum of the
 * two at most one word long), the rest go the whole way, out of the loop's code. */
static inline __attribute__((always_inline)) int
post(struct account *a, const struct amount *amt)
{
	struct amount *sum;
	tnum q;

	if (!a->nbal || a->bal[0].com != amt->com || a->bal[0].sum.scale != amt->scale)
		return account_add(a, amt);
	sum = &a->bal[0].sum;
	if (__builtin_add_overflow(sum->q, amt->q, &q) || q == TNUM_BAD)
		return -1;
	sum->q = q;
	return 0;
}

int
accounts_post(struct accounts *t, const struct posting *p, size_t np, size_t *at)
{
	for (size_t i = 0; i < np; i++) {
		struct account *a = get(t, p[i].acct, p[i].acct_len);
		struct amount have;

		if (post(a, &p[i].amt) < 0) {
			*at = i;
			return -1;
		}
		if (!p[i].has_assert)
			continue;
		have = account_balance(a, p[i].assert_amt.com);
		if (amount_cmp(&have, &p[i].assert_amt) != 0) {
			*at = i;
			return 1;
		}
	}
	return 0;
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
