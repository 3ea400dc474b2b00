/*
 * strmap.c: the one string map. Keys are byte strings (copied into one arena, NULs
 * allowed); each key gets a dense number in order of first insertion, so callers keep
 * their data in plain arrays indexed by it, and walk the keys in that order. One pointer
 * per key is there for callers that prefer it (made on the first strmap_value). Open
 * addressing on 64-bit slots: the top half of the key's hash, which also places it, and
 * the entry's number, so that a probe passing another key's slot reads neither that entry
 * nor its bytes (in a map of 100,000 invoice numbers each of those reads is a cache miss),
 * and growing moves the slots without reading an entry. About 32 bytes per key plus the
 * key itself.
 */
#include <stdlib.h>
#include <string.h>

#include "internal.h"

struct sment {
	size_t off, n;        /* the key in the arena */
};

struct strmap {
	struct sment *e;
	size_t ne, cape;
	void **val;           /* strmap_value's pointers, cape of them; NULL until asked for */
	uint64_t *slot;       /* hash >> 32 << 32 | entry number + 1; 0 = empty; a power of two */
	size_t nslot;
	char *arena;
	size_t alen, acap;
};

/* Keys at most: a slot's position comes from the 32 bits of hash it keeps. */
#define STRMAP_MAX ((size_t)1 << 31)

/*
 * Eight bytes at a time, each word multiplied in and folded; a key of 8 bytes or more ends
 * with its last 8 bytes read as one word, those already taken shifted out. Names
 * (accounts, clients) are hashed once per posting, so this is hot.
 */
static inline uint64_t __attribute__((always_inline))
hash(const void *key, size_t n)
{
	const unsigned char *s = key;
	uint64_t h = 0x9e3779b97f4a7c15u ^ n, w;
	size_t len = n;

	for (; n >= 8; s += 8, n -= 8) {
		memcpy(&w, s, 8);
		h = (h ^ w) * 0xff51afd7ed558ccdu;
		h ^= h >> 32;
	}
	w = 0;
	if (n && len >= 8) {
		memcpy(&w, s + n - 8, 8);
		w >>= 8 * (8 - n);
	} else {
		for (size_t i = 0; i < n; i++)
			w |= (uint64_t)s[i] << (8 * i);
	}
	h = (h ^ w) * 0xc4ceb9fe1a85ec53u;
	return h ^ (h >> 29);
}

static void grow_slots(struct strmap *m);

static inline uint64_t
slot_of(uint64_t h, size_t i)
{
	return (h >> 32 << 32) | (uint64_t)(i + 1);
}

/* Where a key with this hash (or slot) starts looking: nslot is at most 2^32. */
static inline size_t
home(const struct strmap *m, uint64_t h)
{
	return (size_t)(h >> 32) & (m->nslot - 1);
}

/* Slots from the start, so that a lookup never checks for none. */
struct strmap *
strmap_new(void)
{
	struct strmap *m = xcalloc(1, sizeof *m);

	grow_slots(m);
	return m;
}

/* Twice the slots: each moved by the hash it keeps, no entry read. */
static void
grow_slots(struct strmap *m)
{
	uint64_t *old = m->slot;
	size_t nold = m->nslot;

	m->nslot = nold ? nold * 2 : 64;
	m->slot = xcalloc(m->nslot, sizeof *m->slot);
	for (size_t i = 0; i < nold; i++) {
		size_t k;

		if (!old[i])
			continue;
		for (k = home(m, old[i]); m->slot[k]; k = (k + 1) & (m->nslot - 1))
			;
		m->slot[k] = old[i];
	}
	free(old);
}

/* The slot holding key, or the empty slot where it would go. */
static inline size_t __attribute__((always_inline))
probe(const struct strmap *m, const void *key, size_t n, uint64_t h)
{
	size_t k = home(m, h);
	uint64_t s;

	while ((s = m->slot[k])) {
		const struct sment *e = &m->e[(uint32_t)s - 1];

		if (s >> 32 == h >> 32 && e->n == n && same_bytes(m->arena + e->off, key, n))
			break;
		k = (k + 1) & (m->nslot - 1);
	}
	return k;
}

long
strmap_find(const struct strmap *m, const void *key, size_t n)
{
	size_t k = probe(m, key, n, hash(key, n));

	return m->slot[k] ? (long)(uint32_t)m->slot[k] - 1 : -1;
}

/* A key not in the map, whose empty slot is k: copied into the arena and given the next
 * number. Not inlined, so that the lookup path saves no registers for it. */
static size_t __attribute__((noinline))
insert(struct strmap *m, size_t k, const void *key, size_t n, uint64_t h)
{
	if (m->ne >= STRMAP_MAX - 1) {
		fprintf(stderr, "tally: too many keys in one map\n");
		abort();
	}
	if (2 * (m->ne + 1) > m->nslot) {
		grow_slots(m);
		for (k = home(m, h); m->slot[k]; k = (k + 1) & (m->nslot - 1))
			;  /* the key is not there: the first empty slot */
	}
	if (m->ne == m->cape) {
		size_t cap = m->cape ? m->cape * 2 : 64;

		m->e = xrealloc(m->e, cap * sizeof *m->e);
		if (m->val) {
			m->val = xrealloc(m->val, cap * sizeof *m->val);
			memset(m->val + m->cape, 0, (cap - m->cape) * sizeof *m->val);
		}
		m->cape = cap;
	}
	if (m->alen + n + 1 > m->acap) {
		while (m->alen + n + 1 > m->acap)
			m->acap = m->acap ? m->acap * 2 : 1024;
		m->arena = xrealloc(m->arena, m->acap);
	}
	memcpy(m->arena + m->alen, key, n);
	m->arena[m->alen + n] = '\0';
	m->e[m->ne] = (struct sment){m->alen, n};
	m->alen += n + 1;
	m->slot[k] = slot_of(h, m->ne);
	return m->ne++;
}

/* The lookup is the hot path (a name per posting): the insertion is out of its way. */
size_t
strmap_add(struct strmap *m, const void *key, size_t n, bool *added)
{
	uint64_t h = hash(key, n);
	size_t k = probe(m, key, n, h);
	uint64_t s = m->slot[k];

	if (s) {
		if (added)
			*added = false;
		return (uint32_t)s - 1;
	}
	if (added)
		*added = true;
	return insert(m, k, key, n, h);
}

size_t
strmap_count(const struct strmap *m)
{
	return m->ne;
}

const char *
strmap_key(const struct strmap *m, size_t i, size_t *n)
{
	if (n)
		*n = m->e[i].n;
	return m->arena + m->e[i].off;
}

void **
strmap_value(struct strmap *m, size_t i)
{
	if (!m->val)
		m->val = xcalloc(m->cape ? m->cape : 1, sizeof *m->val);
	return &m->val[i];
}

void
strmap_free(struct strmap *m, void (*freeval)(void *))
{
	if (!m)
		return;
	if (freeval)
		for (size_t i = 0; i < m->ne; i++)
			freeval(m->val ? m->val[i] : NULL);
	free(m->e);
	free(m->val);
	free(m->slot);
	free(m->arena);
	free(m);
}
