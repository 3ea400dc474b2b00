/*
 * acctint.h: accounts.c's table, for accounts.c and txn.c only: accounts_post's loop is
 * inline here so that txn.c posts an entry's postings to the running balances without a
 * call and its frame per entry.
 */
#ifndef TALLY_ACCTINT_H
#define TALLY_ACCTINT_H

#include <stdint.h>
#include <string.h>

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

struct account *accounts_get_miss(struct accounts *t, size_t slot, const char *name,
				  size_t len, uint64_t head, uint64_t tail);

/* accounts_get, inline for accounts_post_inline, which runs it per posting. */
static inline __attribute__((always_inline)) struct account *
accounts_get_inline(struct accounts *t, const char *name, size_t len)
{
	uint64_t head, tail;
	size_t slot;
	struct account *a;

	name_ends(name, len, &head, &tail);
	slot = cache_slot(head, tail, len);
	a = cached(t, slot, name, len, head, tail);
	return a ? a : accounts_get_miss(t, slot, name, len, head, tail);
}

/* A posting's amount: most are in the first balance's commodity and scale (a sum of the
 * two at most one word long), the rest go the whole way, out of the loop's code. */
static inline __attribute__((always_inline)) int
account_post(struct account *a, const struct amount *amt)
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

static inline __attribute__((always_inline)) int
accounts_post_inline(struct accounts *t, const struct posting *p, size_t np, size_t *at)
{
	for (size_t i = 0; i < np; i++) {
		struct account *a = accounts_get_inline(t, p[i].acct, p[i].acct_len);
		struct amount have;

		if (account_post(a, &p[i].amt) < 0) {
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

#endif
