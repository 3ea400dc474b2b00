/*
 * identity.c: who a client is, for the documents that go out to it. The client's entries
 * (those with `client: ID`) carry `name:`, `email:`, `address:` and `tax-id:`, read as the
 * vocabulary reads them (lib/vocab.c: name and address are free text to the end of the line).
 * A later value replaces an earlier one (a client who moves writes a new address); the
 * `address:` lines of one entry, and a `\n` inside a value, make one address of several lines.
 */
#include <stdlib.h>
#include <string.h>

#include "tally.h"

struct identities {
	struct identity *v;
	size_t n;
};

struct identities *
identities_new(void)
{
	return xcalloc(1, sizeof(struct identities));
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
	free(s->v);
	free(s);
}

static struct identity *
lookup(const struct identities *s, const char *id)
{
	for (size_t i = 0; i < s->n; i++)
		if (strcmp(s->v[i].id, id) == 0)
			return &s->v[i];
	return NULL;
}

const struct identity *
identities_find(const struct identities *s, const char *client)
{
	char id[256];
	size_t n = clients_slug((struct span){client, strlen(client)}, id, sizeof id);

	id[n] = '\0';
	return n ? lookup(s, id) : NULL;
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

struct scan {
	char *name, *email, *tax_id, *address;
	struct span bad;          /* a malformed email: value */
};

static void
put(char **slot, char *v)
{
	free(*slot);
	*slot = v;
}

static int
each(struct span key, struct span value, void *arg)
{
	struct scan *sc = arg;
	struct vval vv;
	char *v;

	if (!value.n)
		return 0;
	if (span_eq(key, "name")) {
		put(&sc->name, text_value(value));
	} else if (span_eq(key, "tax-id")) {
		put(&sc->tax_id, text_value(value));
	} else if (span_eq(key, "email")) {
		if (vocab_parse(VT_EMAIL, value, &vv) < 0) {
			sc->bad = value;
			return 1;
		}
		put(&sc->email, text_value(value));
	} else if (span_eq(key, "address")) {
		v = text_value(value);
		if (sc->address) {
			char *both = xmalloc(strlen(sc->address) + strlen(v) + 2);

			sprintf(both, "%s\n%s", sc->address, v);
			free(v);
			v = both;
		}
		put(&sc->address, v);
	}
	return 0;
}

int
identities_observe(struct identities *s, const struct jitem *it, struct terr *e)
{
	const struct txn *t = it->txn;
	struct scan sc = {0};
	struct identity *who;
	struct span client;
	char id[256];
	size_t n;

	if (it->kind != J_TXN || !txn_tag(t, "client", &client) || !client.n)
		return 0;
	tag_each(t->comment, each, &sc);
	if (sc.bad.p) {
		vocab_bad(e, it, VT_EMAIL, sc.bad);
		goto done;
	}
	n = clients_slug(client, id, sizeof id);
	id[n] = '\0';
	if (!n)
		goto done;
	if (!(who = lookup(s, id))) {
		s->v = xrealloc(s->v, (s->n + 1) * sizeof *s->v);
		who = &s->v[s->n++];
		*who = (struct identity){0};
		who->id = xstrdup(id);
		if (!span_eq(client, id))
			who->spelling = span_dup(client);
	}
	if (sc.name)
		put(&who->name, sc.name);
	if (sc.email)
		put(&who->email, sc.email);
	if (sc.tax_id)
		put(&who->tax_id, sc.tax_id);
	if (sc.address)
		put(&who->address, sc.address);
	return 0;
done:
	free(sc.name);
	free(sc.email);
	free(sc.tax_id);
	free(sc.address);
	return sc.bad.p ? -1 : 0;
}
