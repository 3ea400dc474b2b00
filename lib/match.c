/*
 * match.c: incoming payments settle open invoices, on evidence only. The evidence is an
 * invoice number named in the bank row (several numbers: when the amount is what they need
 * together), or a client's own `payer:` pattern matching the row together with an amount
 * that equals what one of that client's invoices still needs, or what several of them need
 * together (the oldest ones first, else any one set of at most SUBSET_MAX open invoices),
 * or less than all of them need: then the oldest are paid first, the last one perhaps in
 * part. A client's ID is never read as words to look for, and a row that the payer patterns
 * of more than one client match, that fits several invoices or sets of invoices, or that is
 * more than the client owes, settles nothing: the caller writes it to the unmatched account
 * and names the candidates.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "tally.h"

/* Any set of a client's open invoices is tried only when it has at most this many. */
#define SUBSET_MAX 16

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
	size_t *pick;             /* the open invoices a payment settles, oldest first */
	size_t npick;
	struct psplit *split;     /* what each of them gets */
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
	m->pick = xcalloc(m->nopen ? m->nopen : 1, sizeof *m->pick);
	m->split = xcalloc(m->nopen ? m->nopen : 1, sizeof *m->split);
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

static int
overflow(struct terr *e, const struct csvrec *r)
{
	terr_set(e, r->file, r->line, "amount too large");
	return -1;
}

static bool
client_hit(const struct payments *m, const char *client)
{
	long id = strmap_find(m->clients, client, strlen(client));

	return id >= 0 && m->hit[id];
}

/* The client's open invoices in commodity com, oldest first (by date, then as met), in ix. */
static size_t
client_open(const struct payments *m, const char *client, int com, size_t *ix)
{
	size_t n = 0;

	for (size_t i = 0; i < m->nopen; i++) {
		const struct open_inv *o = &m->open[i];
		size_t k = n;

		if (amount_sign(&o->due) <= 0 || o->due.com != com || !client ||
		    strcmp(o->inv->client, client))
			continue;
		for (; k > 0 && m->open[ix[k - 1]].inv->date > o->inv->date; k--)
			ix[k] = ix[k - 1];
		ix[k] = i;
		n++;
	}
	return n;
}

/* The search for sets of two or more open invoices that together need exactly target. */
struct subset {
	const struct payments *m;
	const size_t *ix;
	size_t n;
	struct amount target;
	size_t cur[SUBSET_MAX], ncur;
	size_t sol[2][SUBSET_MAX], nsol[2];
	int found;                /* stops at 2: two sets are already ambiguous */
};

static int
subset_find(struct subset *s, size_t k, const struct amount *sum)
{
	for (size_t i = k; i < s->n && s->found < 2; i++) {
		struct amount t;
		int c;

		if (amount_add(&t, sum, &s->m->open[s->ix[i]].due) < 0)
			return -1;
		if ((c = amount_cmp(&t, &s->target)) > 0)
			continue;
		s->cur[s->ncur++] = s->ix[i];
		if (c == 0 && s->ncur >= 2) {
			memcpy(s->sol[s->found], s->cur, s->ncur * sizeof *s->cur);
			s->nsol[s->found++] = s->ncur;
		} else if (c < 0 && subset_find(s, i + 1, &t) < 0) {
			return -1;
		}
		s->ncur--;
	}
	return 0;
}

static void
candidate_set(struct payments *m, const size_t *ix, size_t n, const char *client)
{
	if (m->ncands)
		cput(m, ", ");
	for (size_t i = 0; i < n; i++) {
		if (i)
			cput(m, " + ");
		cput(m, m->open[ix[i]].inv->number);
	}
	cput(m, " (");
	cput(m, client);
	cput(m, ")");
}

/*
 * How a payment amt that the client's payer pattern names, and that fits no single invoice,
 * settles that client's open invoices: sets m->pick and *how. 1: settled; 0: it cannot
 * (more than the client owes, or nothing open); 2: two sets of invoices fit (candidates
 * named); -1: overflow.
 */
static int
plan(struct payments *m, const char *client, const struct amount *amt, const char **how,
     struct amount *owed)
{
	size_t *ix = xmalloc((m->nopen ? m->nopen : 1) * sizeof *ix), n, k;
	struct amount sum = {0, 0, amt->com};
	int rc = 0;

	m->npick = 0;
	n = client_open(m, client, amt->com, ix);
	/* The oldest invoices, as many as the amount covers exactly. */
	for (k = 0; k < n; k++) {
		int c;

		if (amount_add(&sum, &sum, &m->open[ix[k]].due) < 0)
			goto overflow;
		if ((c = amount_cmp(&sum, amt)) >= 0) {
			if (c == 0) {
				memcpy(m->pick, ix, (k + 1) * sizeof *ix);
				m->npick = k + 1;
				*how = "sum and payer";
				rc = 1;
			}
			break;
		}
	}
	*owed = sum;
	if (rc || k == n) {
		/* Exactly what the oldest need, or more than the client owes (or nothing open). */
		free(ix);
		return rc;
	}
	/* Any other set, when few are open; one set only: two would be a guess. */
	if (n <= SUBSET_MAX) {
		struct subset *s = xcalloc(1, sizeof *s);
		struct amount zero = {0, 0, amt->com};

		s->m = m;
		s->ix = ix;
		s->n = n;
		s->target = *amt;
		if (subset_find(s, 0, &zero) < 0) {
			free(s);
			goto overflow;
		}
		if (s->found == 1) {
			memcpy(m->pick, s->sol[0], s->nsol[0] * sizeof *ix);
			m->npick = s->nsol[0];
			*how = "sum and payer";
			rc = 1;
		} else if (s->found == 2) {
			candidate_set(m, s->sol[0], s->nsol[0], client);
			candidate_set(m, s->sol[1], s->nsol[1], client);
			rc = 2;
		}
		free(s);
		if (rc) {
			free(ix);
			return rc;
		}
	}
	/* Less than the client owes: the oldest first, the last perhaps in part. */
	sum = (struct amount){0, 0, amt->com};
	for (k = 0; k < n && amount_cmp(&sum, amt) < 0; k++) {
		m->pick[m->npick++] = ix[k];
		if (amount_add(&sum, &sum, &m->open[ix[k]].due) < 0)
			goto overflow;
	}
	*how = "payer, oldest first";
	free(ix);
	return 1;
overflow:
	free(ix);
	return -1;
}

/* The picked invoices take the payment, oldest first; fills the split of out. */
static int
settle_picked(struct payments *m, const struct amount *amt, struct pmatch *out)
{
	struct amount rest = *amt;

	for (size_t k = 0; k < m->npick; k++) {
		struct open_inv *o = &m->open[m->pick[k]];
		struct amount give = amount_cmp(&o->due, &rest) < 0 ? o->due : rest, neg = give;

		amount_neg(&neg);
		if (amount_add(&o->due, &o->due, &neg) < 0 || amount_add(&rest, &rest, &neg) < 0)
			return -1;
		m->split[k] = (struct psplit){o->inv->number, give};
		if (k + 1 == m->npick) {
			out->left = o->due;
			out->partial = amount_sign(&o->due) > 0;
		}
	}
	out->kind = PMATCH_SETTLED;
	out->client = m->open[m->pick[0]].inv->client;
	out->invoice = m->open[m->pick[0]].inv->number;
	out->split = m->split;
	out->nsplit = m->npick;
	return 0;
}

/*
 * Do the open invoices the row names belong to one client, in amt's commodity, and need
 * together exactly amt? Then they are m->pick, oldest first. 1 yes, 0 no, -1 overflow.
 */
static int
named_sum(struct payments *m, const struct csvrec *r, const struct amount *amt)
{
	struct amount sum = {0, 0, amt->com};
	const char *client = NULL;

	m->npick = 0;
	for (size_t i = 0; i < m->nopen; i++) {
		const struct open_inv *o = &m->open[i];
		size_t k = m->npick;

		if (amount_sign(&o->due) <= 0 || !names_in(r, o->inv->number))
			continue;
		if (o->due.com != amt->com || (client && strcmp(client, o->inv->client))) {
			m->npick = 0;
			return 0;
		}
		client = o->inv->client;
		if (amount_add(&sum, &sum, &o->due) < 0)
			return -1;
		for (; k > 0 && m->open[m->pick[k - 1]].inv->date > o->inv->date; k--)
			m->pick[k] = m->pick[k - 1];
		m->pick[k] = i;
		m->npick++;
	}
	if (amount_cmp(&sum, amt) != 0) {
		m->npick = 0;
		return 0;
	}
	return 1;
}

int
payments_match(struct payments *m, const struct csvrec *r, const struct amount *amt,
	       struct pmatch *out, struct terr *e)
{
	long hit = -1, nhits = 0;
	int nclients = 0;

	memset(out, 0, sizeof *out);
	m->ncands = 0;
	m->npick = 0;
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
	if (nhits > 1) {
		/* Several numbers named: together they may be exactly what the row pays. */
		int rc = named_sum(m, r, amt);

		if (rc < 0)
			goto toobig;
		if (rc == 1)
			return settle_picked(m, amt, out) < 0 ? overflow(e, r) : 0;
	}
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
		if (nhits == 0 && nclients == 1) {
			/* One payer, no single invoice: several of its invoices, or the oldest first. */
			const char *id = NULL;
			int rc;

			for (size_t c = 0; c < m->nhit && !id; c++)
				if (m->hit[c])
					id = strmap_key(m->clients, c, NULL);
			if ((rc = plan(m, id, amt, &out->how, &out->left)) < 0)
				goto toobig;
			if (rc == 2) {
				out->kind = PMATCH_AMBIGUOUS;
				out->candidates = m->cands;
				return 0;
			}
			if (rc == 1)
				return settle_picked(m, amt, out) < 0 ? overflow(e, r) : 0;
			/* More than all the client's open invoices: who, and what they need. */
			if (amount_sign(&out->left) > 0)
				out->client = id;
			return 0;
		}
		if (nclients > 1) {
			/* Several clients' patterns match: the row could be any of theirs. */
			bool any = nhits > 0;
			const char *how;
			struct amount owed;

			for (size_t c = 0; c < m->nhit && !any; c++) {
				int rc;

				if (!m->hit[c])
					continue;
				if ((rc = plan(m, strmap_key(m->clients, c, NULL), amt, &how, &owed)) < 0)
					goto toobig;
				any = rc > 0;
			}
			m->ncands = 0;
			m->npick = 0;
			for (size_t c = 0; c < m->nhit && any; c++) {
				const char *id = strmap_key(m->clients, c, NULL);
				bool named = false;

				if (!m->hit[c])
					continue;
				for (size_t i = 0; i < m->nopen; i++)
					if (fits(&m->open[i], amt) && strcmp(m->open[i].inv->client, id) == 0) {
						candidate(m, m->open[i].inv->number, id);
						named = true;
					}
				if (!named)
					candidate(m, NULL, id);
			}
			nhits = any ? 2 : 0;
		}
	}
	if (nhits > 1) {
		out->kind = PMATCH_AMBIGUOUS;
		out->candidates = m->cands;
		return 0;
	}
	if (nhits == 0)
		return 0;
	m->pick[0] = (size_t)hit;
	m->npick = 1;
	if (settle_picked(m, amt, out) < 0)
		goto toobig;
	/* By number a payment may be more than the invoice needs: all of it is written there. */
	m->split[0].amt = *amt;
	return 0;
toobig:
	return overflow(e, r);
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
	free(m->pick);
	free(m->split);
	free(m);
}
