/*
 * strmap.c: the one string map. Keys are byte strings (copied into one arena, NULs
 * allowed); each key gets a dense number in order of first insertion, so callers keep
 * their data in plain arrays indexed by it, and walk the keys in that order. One pointer
 * per key is there for callers that prefer it. Open addressing on 64-bit slots: the entry's
 * number and the top half of its key's hash, so that a probe passing another key's slot
 * reads neither that entry nor its bytes (in a map of 100,000 invoice numbers each of those
 * reads is a cache miss). About 40 bytes per key plus the key itself.
 */
#include <stdlib.h>
#include <string.h>

#include "internal.h"

struct sment {
	uint64_t hash;
	size_t off, n;        /* the key in the arena */
	void *value;
};

struct strmap {
	struct sment *e;
	size_t ne, cape;
	uint64_t *slot;       /* hash >> 32 << 32 | entry number + 1; 0 = empty; a power of two */
	size_t nslot;
	char *arena;
	size_t alen, acap;
};

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

/* Slots from the start, so that a lookup never checks for none. */
struct strmap *
strmap_new(void)
{
	struct strmap *m = xcalloc(1, sizeof *m);

	grow_slots(m);
	return m;
}

static void
grow_slots(struct strmap *m)
{
	size_t ns = m->nslot ? m->nslot * 2 : 64;

	free(m->slot);
	m->slot = xcalloc(ns, sizeof *m->slot);
	m->nslot = ns;
	for (size_t i = 0; i < m->ne; i++) {
		size_t k = m->e[i].hash & (ns - 1);

		while (m->slot[k])
			k = (k + 1) & (ns - 1);
		m->slot[k] = slot_of(m->e[i].hash, i);
	}
}

/* The slot holding key, or the empty slot where it would go. */
static inline size_t __attribute__((always_inline))
probe(const struct strmap *m, const void *key, size_t n, uint64_t h)
{
	size_t k = h & (m->nslot - 1);
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
	struct sment *e;

	if (2 * (m->ne + 1) > m->nslot) {
		grow_slots(m);
		k = probe(m, key, n, h);  /* the slots moved */
	}
	if (m->ne >= UINT32_MAX - 1) {
		fprintf(stderr, "tally: too many keys in one map\n");
		abort();
	}
	if (m->ne == m->cape) {
		m->cape = m->cape ? m->cape * 2 : 64;
		m->e = xrealloc(m->e, m->cape * sizeof *m->e);
	}
	if (m->alen + n + 1 > m->acap) {
		while (m->alen + n + 1 > m->acap)
			m->acap = m->acap ? m->acap * 2 : 1024;
		m->arena = xrealloc(m->arena, m->acap);
	}
	memcpy(m->arena + m->alen, key, n);
	m->arena[m->alen + n] = '\0';
	e = &m->e[m->ne];
	*e = (struct sment){h, m->alen, n, NULL};
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
	return &m->e[i].value;
}

void
strmap_free(struct strmap *m, void (*freeval)(void *))
{
	if (!m)
		return;
	if (freeval)
		for (size_t i = 0; i < m->ne; i++)
			freeval(m->e[i].value);
	free(m->e);
	free(m->slot);
	free(m->arena);
	free(m);
}
