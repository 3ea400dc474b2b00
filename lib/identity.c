/*
 * identity.c: who a client is, for the documents that go out to it. The client's entries
 * (those with `client: ID`) carry `name:`, `email:`, `address:` and `tax-id:`, as the
 * vocabulary reads them (lib/vocab.c: name and address are free text to the end of the line;
 * the first of a tag on an entry counts, as for every tag). A later entry's value replaces
 * an earlier one (a client who moves writes a new address); the
 * `address:` lines of one entry, and a `\n` inside a value, make one address of several lines.
 */
#include <stdlib.h>
#include <string.h>

#include "tally.h"
#include "internal.h"  /* spelt_cache */

struct identities {
	struct identity *v;
	size_t n;
	struct strmap *ids;   /* slug -> index in v, in the order first seen */
	struct strmap *spelled;  /* client: as written -> its number here ... */
	size_t *who;             /* ... -> index in v: a known spelling needs no slug */
	struct spelt_cache cache;  /* in front of spelled: every entry with a client: asks */
};

struct identities *
identities_new(void)
{
	struct identities *s = xcalloc(1, sizeof(struct identities));

	s->ids = strmap_new();
	s->spelled = strmap_new();
	return s;
}

void
identities_free(struct identities *s)
{
	if (!s)
		return;
	for (size_t i = 0; i < s->n; i++) {
		free(s->v[i].id);
		free(s->v[i].spelling);
		free(s->v[i].name);
		free(s->v[i].email);
		free(s->v[i].address);
		free(s->v[i].tax_id);
	}
	strmap_free(s->ids, NULL);
	strmap_free(s->spelled, NULL);
	spelt_free(&s->cache);
	free(s->who);
	free(s->v);
	free(s);
}

const struct identity *
identities_find(const struct identities *s, const char *client)
{
	char id[CLIENT_ID_MAX + 2];
	size_t n = clients_slug((struct span){client, strlen(client)}, id, sizeof id);
	long i = n && n <= CLIENT_ID_MAX ? strmap_find(s->ids, id, n) : -1;

	return i < 0 ? NULL : &s->v[i];
}

const char *
identity_name(const struct identity *who, const char *id)
{
	if (who && who->name)
		return who->name;
	if (who && who->spelling)
		return who->spelling;
	return id;
}

/* A value as the vocabulary spans it, `\n` unescaped. */
static char *
text_value(struct span v)
{
	const char *e = v.p + v.n, *p;
	char *s, *w;

	s = w = xmalloc(v.n + 1);
	for (p = v.p; p < e; p++) {
		if (*p == '\\' && p + 1 < e && p[1] == 'n') {
			*w++ = '\n';
			p++;
		} else {
			*w++ = *p;
		}
	}
	*w = '\0';
	return s;
}

static void
put(char **slot, struct span v)
{
	if (!v.n)  /* an empty value says nothing */
		return;
	free(*slot);
	*slot = text_value(v);
}

/* vocab_each's walk over an entry's address: lines, joined by newlines. */
static int
address_line(const struct vval *v, void *arg)
{
	char **address = arg, *line, *both;

	if (!v->raw.n)
		return 0;
	line = text_value(v->raw);
	if (*address) {
		both = xmalloc(strlen(*address) + strlen(line) + 2);
		sprintf(both, "%s\n%s", *address, line);
		free(line);
		line = both;
	}
	free(*address);
	*address = line;
	return 0;
}

void
identities_learn(struct identities *s, const struct jitem *it, const struct vtags *vt)
{
	const struct vval *v = vt->v;
	struct span raw = v[VT_CLIENT].raw;
	struct identity *who;
	char id[CLIENT_ID_MAX + 2];
	size_t n, k;
	long known;
	bool added;

	if (it->kind != J_TXN || !vt->has[VT_CLIENT])
		return;
	if (raw.n && spelt_get(&s->cache, raw.p, raw.n, &n)) {
		/* n: its identity, held by the cache */
	} else if ((known = strmap_find(s->spelled, raw.p, raw.n)) >= 0) {
		n = s->who[known];
		spelt_put(&s->cache, raw, n);
	} else {
		n = clients_slug(raw, id, sizeof id);
		if (!n || n > CLIENT_ID_MAX)
			return;
		id[n] = '\0';
		n = strmap_add(s->ids, id, n, &added);
		if (added) {
			s->v = xrealloc(s->v, (s->n + 1) * sizeof *s->v);
			who = &s->v[s->n++];
			*who = (struct identity){0};
			who->id = xstrdup(id);
			if (!span_eq(raw, who->id))
				who->spelling = span_dup(raw);
		}
		k = strmap_add(s->spelled, raw.p, raw.n, NULL);
		s->who = xrealloc(s->who, (k + 1) * sizeof *s->who);
		s->who[k] = n;
		spelt_put(&s->cache, raw, n);
	}
	who = &s->v[n];
	if (vt->has[VT_NAME])
		put(&who->name, v[VT_NAME].raw);
	if (vt->has[VT_EMAIL])
		put(&who->email, v[VT_EMAIL].raw);
	if (vt->has[VT_TAX_ID])
		put(&who->tax_id, v[VT_TAX_ID].raw);
	if (vt->has[VT_ADDRESS]) {
		char *address = NULL;

		vocab_each(it->txn, VT_ADDRESS, address_line, &address);
		if (address) {
			free(who->address);
			who->address = address;
		}
	}
}

int
identities_observe(struct identities *s, const struct jitem *it, struct terr *e)
{
	struct vtags vt;

	if (it->kind != J_TXN)
		return 0;
	if (vocab_entry(it, &vt, e, NULL, NULL) > 0)
		return -1;
	identities_learn(s, it, &vt);
	return 0;
}
