/*
 * dedup.c: what a journal already holds, for an importer that must not write a bank row
 * twice. One record per journal posting to an account that imported rows can have as
 * first posting: the date, a 64-bit digest of (account, amount) and of the description and
 * the code, where it is. Each record stands for one entry and is used up by one row, so
 * two identical rows on one day stay two. Near duplicates (a row whose date moved between
 * two exports) are looked for on the neighbouring days under the same digest.
 */
#include <stdlib.h>
#include <string.h>

#include "tally.h"

struct seen {
	uint64_t desc, code;
	uint32_t next;            /* the next record with the same key + 1, 0 = none */
	bool used;
	const char *file;
	long line;
};

struct dedup {
	struct strmap *keys;      /* (date, account and amount digest) -> a chain of records */
	uint32_t *head;           /* per key number: its newest record + 1 */
	size_t cap_head;
	struct seen *s;
	size_t ns, caps;
	const char *const *first; /* the accounts indexed, or all when nfirst < 0 */
	const size_t *first_len;
	long nfirst;
};

#define FNV0 1469598103934665603u

static uint64_t
fnv(uint64_t h, const void *p, size_t n)
{
	const unsigned char *s = p;

	while (n--)
		h = (h ^ *s++) * 1099511628211u;
	return h;
}

uint64_t
dedup_text(const char *s, size_t n)
{
	uint64_t h = FNV0;
	bool any = false, space = false;

	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == ';')  /* journal readers end a description at ';' */
			break;
		if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
			space = any;
			continue;
		}
		if (space)
			h = fnv(h, " ", 1);
		space = false;
		any = true;
		c = (unsigned char)(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
		h = fnv(h, &c, 1);
	}
	return any ? (h ? h : 1) : 0;
}

/* "(acct)" and "[acct]" are the account. */
static void
unbracket(const char **a, size_t *n)
{
	if (*n >= 2 && ((*a)[0] == '(' || (*a)[0] == '[') &&
	    ((*a)[*n - 1] == ')' || (*a)[*n - 1] == ']'))
		(*a)++, *n -= 2;
}

void
dedup_key(struct dkey *k, tdate d, const char *acct, size_t n, const struct amount *amt,
	  const char *desc, size_t dn, const char *code, size_t cn)
{
	struct amount a = *amt;
	const char *com = commodity_name(a.com);
	uint64_t h = FNV0;

	unbracket(&acct, &n);
	amount_normalize(&a, 0);  /* 5.00 is 5 */
	h = fnv(h, acct, n);
	h = fnv(h, "", 1);
	h = fnv(h, com, strlen(com));
	h = fnv(h, &a.q, sizeof a.q);
	h = fnv(h, &a.scale, sizeof a.scale);
	k->date = d;
	k->acctamt = h;
	k->desc = dedup_text(desc, dn);
	k->code = dedup_text(code, cn);
}

struct dedup *
dedup_new(void)
{
	struct dedup *d = xcalloc(1, sizeof *d);

	d->keys = strmap_new();
	d->nfirst = -1;
	return d;
}

void
dedup_accounts(struct dedup *d, const char *const *names, const size_t *lens, long n)
{
	d->first = names;
	d->first_len = lens;
	d->nfirst = n;
}

static bool
indexed(const struct dedup *d, const char *a, size_t n)
{
	if (d->nfirst < 0)
		return true;
	for (long k = 0; k < d->nfirst; k++) {
		const char *f = d->first[k];
		size_t fn = d->first_len[k];

		unbracket(&f, &fn);
		if (fn == n && memcmp(f, a, n) == 0)
			return true;
	}
	return false;
}

/* The map key: the date and the digest side by side. */
static size_t
map_key(char *buf, tdate date, uint64_t acctamt)
{
	memcpy(buf, &date, sizeof date);
	memcpy(buf + sizeof date, &acctamt, sizeof acctamt);
	return sizeof date + sizeof acctamt;
}

void
dedup_add(struct dedup *d, const struct dkey *k, const char *file, long line)
{
	char key[16];
	size_t n = map_key(key, k->date, k->acctamt), id = strmap_add(d->keys, key, n, NULL);

	if (id >= d->cap_head) {
		size_t old = d->cap_head;

		d->cap_head = d->cap_head ? d->cap_head * 2 : 1024;
		d->head = xrealloc(d->head, d->cap_head * sizeof *d->head);
		memset(d->head + old, 0, (d->cap_head - old) * sizeof *d->head);
	}
	if (d->ns == d->caps) {
		d->caps = d->caps ? d->caps * 2 : 1024;
		d->s = xrealloc(d->s, d->caps * sizeof *d->s);
	}
	d->s[d->ns] = (struct seen){k->desc, k->code, d->head[id], false, file, line};
	d->head[id] = (uint32_t)(++d->ns);
}

void
dedup_observe(struct dedup *d, const struct jitem *it)
{
	const struct txn *t = it->txn;

	for (size_t i = 0; i < t->np; i++) {
		const struct posting *p = &t->p[i];
		struct dkey k;

		if (!(p->has_amount || p->inferred) || !indexed(d, p->acct, p->acct_len))
			continue;
		dedup_key(&k, t->date, p->acct, p->acct_len, &p->amt, t->desc.p, t->desc.n,
			  t->code.p, t->code.n);
		dedup_add(d, &k, it->file, p->line);
	}
}

/* The oldest unused record on date with the row's digest and description or code. */
static struct seen *
find(const struct dedup *d, const struct dkey *k, tdate date, bool by_code)
{
	char key[16];
	long id = strmap_find(d->keys, key, map_key(key, date, k->acctamt));
	struct seen *best = NULL;

	if (id < 0)
		return NULL;
	/* Chains are newest first: walk them all so the oldest match is used first. */
	for (uint32_t i = d->head[id]; i; i = d->s[i - 1].next) {
		struct seen *s = &d->s[i - 1];

		if (!s->used && ((k->desc && s->desc == k->desc) || (by_code && k->code && s->code == k->code) ||
				 (!k->desc && !s->desc)))
			best = s;
	}
	return best;
}

bool
dedup_take(struct dedup *d, const struct dkey *k, const char **file, long *line)
{
	struct seen *s = find(d, k, k->date, true);

	if (!s)
		return false;
	s->used = true;
	*file = s->file;
	*line = s->line;
	return true;
}

bool
dedup_take_near(struct dedup *d, const struct dkey *k, int days, const char **file,
		long *line, tdate *date)
{
	for (int dist = 1; dist <= days; dist++)
		for (int sign = -1; sign <= 1; sign += 2) {
			tdate t = k->date + sign * dist;
			struct seen *s = k->desc ? find(d, k, t, false) : NULL;

			if (s) {
				s->used = true;
				*file = s->file;
				*line = s->line;
				*date = t;
				return true;
			}
		}
	return false;
}

void
dedup_free(struct dedup *d)
{
	if (!d)
		return;
	strmap_free(d->keys, NULL);
	free(d->head);
	free(d->s);
	free(d);
}
