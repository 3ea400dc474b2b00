/*
 * match.c: incoming payments settle open invoices, on evidence only. The evidence is an
 * invoice number named in the bank row, or a client's own `payer:` pattern matching the
 * row together with an amount that equals what one of that client's invoices still needs.
 * A client's ID is never read as words to look for, and a row that the payer patterns of
 * more than one client match, or that fits several invoices, settles nothing: the caller
 * writes it to the unmatched account and names the candidates.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "tally.h"

struct open_inv {
	const struct invoice *inv;
	struct amount due;        /* still to pay */
};

struct payer {
	size_t client;            /* number in the clients map */
	struct regex *re;
};

struct payments {
	struct invoices *invs;
	struct strmap *clients;   /* client IDs with payer patterns */
	struct payer *pay;
	size_t npay;
	struct open_inv *open;
	size_t nopen;
	char *cands;              /* the candidates of the last ambiguous row */
	size_t ncands, capcands;
	bool *hit;                /* per client: its payer matched this row */
	size_t nhit;
};

struct payments *
payments_new(const char *receivable)
{
	struct payments *m = xcalloc(1, sizeof *m);

	m->invs = invoices_new(receivable);
	m->clients = strmap_new();
	return m;
}

struct payer_arg {
	struct payments *m;
	const char *id;
	size_t n;
	const struct jitem *it;
	struct terr *e;
};

static int
payer_tag(struct span key, struct span value, void *arg)
{
	struct payer_arg *a = arg;
	char why[400];
	struct regex *re;

	if (!span_eq(key, "payer") || !value.n)
		return 0;
	if (!(re = regex_compile(value.p, value.n, why, sizeof why))) {
		terr_set(a->e, a->it->file, a->it->txn->comment_line, "payer: %s", why);
		return -1;
	}
	a->m->pay = xrealloc(a->m->pay, (a->m->npay + 1) * sizeof *a->m->pay);
	a->m->pay[a->m->npay].client = strmap_add(a->m->clients, a->id, a->n, NULL);
	a->m->pay[a->m->npay].re = re;
	a->m->npay++;
	return 0;
}

int
payments_observe(struct payments *m, const struct jitem *it, struct terr *e)
{
	struct span c;

	if (invoices_observe(m->invs, it, e) < 0)
		return -1;
	/* A client event (no postings) with client: and payer: tags names that client's payers. */
	if (!it->txn->np && txn_tag(it->txn, "client", &c)) {
		char *id = xmalloc(2 * c.n + 2);
		struct payer_arg a = {m, id, 0, it, e};
		int rc = 0;

		a.n = clients_slug(c, id, 2 * c.n + 2);
		if (a.n)
			rc = tag_each(it->txn->comment, payer_tag, &a);
		free(id);
		if (rc < 0)
			return -1;
	}
	return 0;
}

int
payments_ready(struct payments *m, struct terr *e)
{
	for (size_t i = 0; i < invoices_count(m->invs); i++) {
		const struct invoice *v = invoices_at(m->invs, i);
		struct amount due = v->paid;

		amount_neg(&due);
		if (amount_add(&due, &due, &v->total) < 0) {
			terr_set(e, NULL, 0, "invoice %s: amount too large", v->number);
			return -1;
		}
		if (amount_sign(&due) <= 0)
			continue;
		m->open = xrealloc(m->open, (m->nopen + 1) * sizeof *m->open);
		m->open[m->nopen].inv = v;
		m->open[m->nopen].due = due;
		m->nopen++;
	}
	m->nhit = strmap_count(m->clients);
	m->hit = xcalloc(m->nhit ? m->nhit : 1, sizeof *m->hit);
	return 0;
}

size_t
payments_open(const struct payments *m)
{
	return m->nopen;
}

static bool
alnum_c(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

/* Does text name invoice number num as a whole token? */
static bool
names(const char *text, size_t tn, const char *num)
{
	size_t n = strlen(num);

	if (!n)
		return false;
	for (size_t i = 0; i + n <= tn; i++) {
		if (strncasecmp(text + i, num, n) != 0)
			continue;
		if ((i == 0 || !alnum_c(text[i - 1])) && (i + n == tn || !alnum_c(text[i + n])))
			return true;
	}
	return false;
}

static bool
names_in(const struct csvrec *r, const char *num)
{
	for (size_t i = 0; i < r->nf; i++)
		if (names(r->f[i], r->len[i], num))
			return true;
	return false;
}

static void
cput(struct payments *m, const char *s)
{
	size_t n = strlen(s);

	if (m->ncands + n + 1 > m->capcands) {
		while (m->ncands + n + 1 > m->capcands)
			m->capcands = m->capcands ? m->capcands * 2 : 256;
		m->cands = xrealloc(m->cands, m->capcands);
	}
	memcpy(m->cands + m->ncands, s, n + 1);
	m->ncands += n;
}

static void
candidate(struct payments *m, const char *number, const char *client)
{
	if (m->ncands)
		cput(m, ", ");
	if (number) {
		cput(m, number);
		cput(m, " (");
		cput(m, client);
		cput(m, ")");
	} else {
		cput(m, client);
	}
}

/* Marks the clients whose payer patterns match a field of the record; how many. -1: a
 * pattern gave up. */
static int
payers_hit(struct payments *m, const struct csvrec *r, struct terr *e)
{
	int n = 0;

	memset(m->hit, 0, m->nhit * sizeof *m->hit);
	for (size_t k = 0; k < m->npay; k++) {
		if (m->hit[m->pay[k].client])
			continue;
		for (size_t i = 0; i < r->nf; i++) {
			int rc = regex_match(m->pay[k].re, r->f[i], r->len[i]);

			if (rc < 0) {
				terr_set(e, r->file, r->line, "a payer: pattern gave up (match limit exceeded)");
				return -1;
			}
			if (rc == 1) {
				m->hit[m->pay[k].client] = true;
				n++;
				break;
			}
		}
	}
	return n;
}

/* Does the payment pay exactly what the invoice still needs? */
static bool
fits(const struct open_inv *o, const struct amount *amt)
{
	return amount_sign(&o->due) > 0 && o->due.com == amt->com && amount_cmp(&o->due, amt) == 0;
}

static bool
client_hit(const struct payments *m, const char *client)
{
	long id = strmap_find(m->clients, client, strlen(client));

	return id >= 0 && m->hit[id];
}

int
payments_match(struct payments *m, const struct csvrec *r, const struct amount *amt,
	       struct pmatch *out, struct terr *e)
{
	long hit = -1, nhits = 0;
	int nclients;

	memset(out, 0, sizeof *out);
	m->ncands = 0;
	if (amount_sign(amt) <= 0)
		return 0;
	/* An invoice number named in the row: whatever the amount (part payments). */
	for (size_t i = 0; i < m->nopen; i++) {
		if (amount_sign(&m->open[i].due) <= 0 || !names_in(r, m->open[i].inv->number))
			continue;
		candidate(m, m->open[i].inv->number, m->open[i].inv->client);
		nhits++;
		hit = (long)i;
	}
	out->how = "number";
	if (nhits == 0) {
		/* A client's own payer pattern, and the amount that client still owes. */
		out->how = "amount and payer";
		if ((nclients = payers_hit(m, r, e)) < 0)
			return -1;
		for (size_t i = 0; i < m->nopen && nclients; i++) {
			if (!fits(&m->open[i], amt) || !client_hit(m, m->open[i].inv->client))
				continue;
			candidate(m, m->open[i].inv->number, m->open[i].inv->client);
			nhits++;
			hit = (long)i;
		}
		if (nhits && nclients > 1) {
			/* Several clients' patterns match: the row could be any of theirs. */
			m->ncands = 0;
			for (size_t c = 0; c < m->nhit; c++) {
				const char *id = strmap_key(m->clients, c, NULL);
				bool any = false;

				if (!m->hit[c])
					continue;
				for (size_t i = 0; i < m->nopen; i++)
					if (fits(&m->open[i], amt) && strcmp(m->open[i].inv->client, id) == 0) {
						candidate(m, m->open[i].inv->number, id);
						any = true;
					}
				if (!any)
					candidate(m, NULL, id);
			}
			nhits = 2;
		}
	}
	if (nhits > 1) {
		out->kind = PMATCH_AMBIGUOUS;
		out->candidates = m->cands;
		return 0;
	}
	if (nhits == 0)
		return 0;
	{
		struct open_inv *o = &m->open[hit];

		amount_neg(&o->due);
		if (amount_add(&o->due, &o->due, amt) < 0) {
			terr_set(e, r->file, r->line, "amount too large");
			return -1;
		}
		amount_neg(&o->due);
		out->kind = PMATCH_SETTLED;
		out->client = o->inv->client;
		out->invoice = o->inv->number;
		out->partial = amount_sign(&o->due) > 0;
	}
	return 0;
}

void
payments_free(struct payments *m)
{
	if (!m)
		return;
	for (size_t i = 0; i < m->npay; i++)
		regex_free(m->pay[i].re);
	free(m->pay);
	strmap_free(m->clients, NULL);
	invoices_free(m->invs);
	free(m->open);
	free(m->cands);
	free(m->hit);
	free(m);
}
