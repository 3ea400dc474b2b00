/*
 * invrun.c: the amounts a run of tally-invoice may invoice, gathered while the journal
 * streams past: each client's unbilled amounts, what earlier invoice entries already took
 * of them, the client's terms and tax rates, and the highest number of the year. The new
 * entries are written from them by invwrite.c.
 */
#include <stdlib.h>
#include <string.h>

#include "invint.h"

struct invrun *
invrun_new(const struct invrun_opts *o)
{
	struct invrun *r = xcalloc(1, sizeof *r);
	int m, d;

	r->o = *o;
	r->ulen = strlen(o->unbilled);
	chart_under_init(&r->unb, o->unbilled);
	chart_under_init(&r->recv, o->receivable);
	if (!r->o.prefix)
		r->o.prefix = "";
	date_to_ymd(o->date, &r->seq_year, &m, &d);
	r->ids = strmap_new();
	r->payers = clients_new(NULL);
	r->names = identities_new();
	return r;
}

void
invrun_free(struct invrun *r)
{
	if (!r)
		return;
	for (size_t i = 0; i < r->ncls; i++) {
		struct cl *c = &r->cls[i];

		for (size_t k = 0; k < c->nlot; k++) {
			for (size_t n = 0; n < c->lot[k].n; n++)
				free(c->lot[k].it[n].desc);
			free(c->lot[k].it);
		}
		free(c->lot);
		free(c->id);
		free(c->acct);
	}
	free(r->cls);
	free(r->items);
	strmap_free(r->ids, NULL);
	free(r->recv_spelling);
	clients_free(r->payers);
	identities_free(r->names);
	free(r);
}

struct cl *
invrun_client(const struct invrun *r, const char *id)
{
	long i = strmap_find(r->ids, id, strlen(id));

	return i < 0 ? NULL : &r->cls[i];
}

static struct cl *
client_get(struct invrun *r, const char *id, size_t n, const char *acct, size_t acct_len)
{
	bool added;
	size_t i = strmap_add(r->ids, id, n, &added);

	if (!added)
		return &r->cls[i];
	r->cls = xrealloc(r->cls, (r->ncls + 1) * sizeof *r->cls);
	r->cls[r->ncls] = (struct cl){.id = xstrndup(id, n), .acct = xstrndup(acct, acct_len),
				      .terms = -1};
	return &r->cls[r->ncls++];
}

static struct lot *
lot_get(struct cl *c, int com)
{
	for (size_t i = 0; i < c->nlot; i++)
		if (c->lot[i].com == com)
			return &c->lot[i];
	c->lot = xrealloc(c->lot, (c->nlot + 1) * sizeof *c->lot);
	c->lot[c->nlot] = (struct lot){com, NULL, 0, 0};
	return &c->lot[c->nlot++];
}

/*
 * The client a tag names, by its ID or by a name that folds to it (Ana Gómez: ana-gomez):
 * met already, or one waiting with no account. NULL when the name has no slug.
 */
static struct cl *
client_named(struct invrun *r, struct span who)
{
	char id[256];
	size_t n = clients_slug(who, id, sizeof id);

	return n && n < sizeof id ? client_get(r, id, n, "", 0) : NULL;
}

/*
 * An invoice's credit pays what is left of one amount, or as much of it as it can; a
 * negative amount (a credit note) adds to what the invoice has to spend. -1 on overflow.
 */
static int
take(struct amount *rem, struct amount *credit)
{
	struct amount t, neg;

	/* (of one scale, as most are, the numbers compare as they are) */
	if (rem->q < 0 || (rem->scale == credit->scale ? rem->q <= credit->q
						       : amount_cmp(rem, credit) <= 0)) {
		if (amount_add(credit, credit, &(struct amount){-rem->q, rem->scale, rem->com}) < 0)
			return -1;
		*rem = (struct amount){0, rem->scale, rem->com};
		return 0;
	}
	neg = *credit;
	amount_neg(&neg);
	if (amount_add(&t, rem, &neg) < 0)
		return -1;
	*rem = t;
	*credit = (struct amount){0, credit->scale, credit->com};
	return 0;
}

/*
 * An invoice entry moved `credit` out of the client's unbilled account: it takes the
 * amounts dated lo..hi first (the dates its items name), then anything dated up to the
 * invoice, oldest first.
 */
static int
consume(struct lot *l, struct amount credit, tdate lo, tdate hi, tdate inv)
{
	/* q's sign is the amount's: this loop runs over every amount a client has open */
	for (int pass = 0; pass < 2 && credit.q > 0; pass++) {
		tdate a = pass ? DATE_NONE : lo, b = pass ? inv : hi;

		for (size_t i = 0; i < l->n && credit.q > 0; i++) {
			struct item *it = &l->it[i];

			if ((a != DATE_NONE && it->date < a) || it->date > b || it->rem.q == 0)
				continue;
			if (take(&it->rem, &credit) < 0)
				return -1;
		}
	}
	return 0;
}

/* An item: line of an invoice entry, read once for all its postings. */
struct listed {
	tdate date;
	struct amount amt;
	struct span desc;
};

/* Keeps an entry's item: lines in r->items and their dates' range, lo..hi. */
static int
keep_item(const struct vval *v, void *arg)
{
	struct invrun *r = arg;
	struct listed *k;

	if (r->nitems == r->capitems)
		r->items = xrealloc(r->items, (r->capitems = r->capitems * 2 + 8) *
				    sizeof *r->items);
	k = &r->items[r->nitems++];
	vocab_item(v->raw, &k->date, &k->amt, &k->desc);
	if (r->lo == DATE_NONE || v->date < r->lo)
		r->lo = v->date;
	if (r->hi == DATE_NONE || v->date > r->hi)
		r->hi = v->date;
	return 0;
}

/* An item's text names the amount: its description, or on a payer's invoice "WHO: " and it. */
static bool
same_desc(const char *mine, struct span listed)
{
	size_t n = strlen(mine);

	if (listed.n == n)
		return memcmp(mine, listed.p, n) == 0;
	return listed.n > n + 2 && memcmp(listed.p + listed.n - n, mine, n) == 0 &&
	       memcmp(listed.p + listed.n - n - 2, ": ", 2) == 0;
}

/*
 * First, an invoice entry takes the very amounts its item lines name (same date, amount as
 * written and description), so that a session added later inside the same dates is the one
 * left to invoice, and listed as such.
 */
static int
consume_listed(const struct invrun *r, struct lot *l, struct amount *credit)
{
	for (size_t k = 0; k < r->nitems && amount_sign(credit) > 0; k++) {
		const struct listed *w = &r->items[k];

		for (size_t i = 0; i < l->n; i++) {
			struct item *it = &l->it[i];

			if (it->date != w->date || amount_sign(&it->rem) == 0 ||
			    it->rem.com != w->amt.com || amount_cmp(&it->rem, &w->amt) != 0 ||
			    (it->desc && !same_desc(it->desc, w->desc)))
				continue;
			if (take(&it->rem, credit) < 0)
				return -1;
			break;
		}
	}
	return 0;
}

/*
 * How an entry's amounts are described on an invoice: its description, unless it concerns
 * several clients (a group session, a hand-split entry): then words that name none of them,
 * so that no client's invoice shows another client's name.
 */
static struct span
described(const struct invrun *r, const struct txn *t, const struct vtags *tg, struct span who)
{
	static const char group[] = "Group session", shared[] = "Shared entry",
			  missed[] = "Group session, missed";
	struct span first = {NULL, 0}, id;

	if (group_is(t)) {
		struct attendee a[GROUP_MAX];
		size_t n = group_attendees(t, a, GROUP_MAX, NULL);

		for (size_t i = 0; i < n && i < GROUP_MAX; i++)
			if (a[i].kind != SESSION_HELD && vocab_same_client(a[i].id, who))
				return (struct span){missed, sizeof missed - 1};
		return (struct span){group, sizeof group - 1};
	}
	for (size_t i = 0; i < t->np; i++) {
		const struct posting *p = &t->p[i];

		if (!chart_client(r->o.unbilled, r->ulen, p->acct, p->acct_len, &id))
			continue;
		if (!first.p)
			first = id;
		else if (!vocab_same_client(first, id))
			return tg->has[VT_SESSION] ? (struct span){group, sizeof group - 1}
						   : (struct span){shared, sizeof shared - 1};
	}
	return t->desc;
}

/*
 * Adds an unbilled amount; the description is kept only for amounts the invoice may list
 * (and only worked out for them: most of a journal is outside the period).
 */
static void
lot_add(const struct invrun *r, struct lot *l, const struct txn *t, const struct vtags *tg,
	struct span who, const struct amount *amt)
{
	bool listed = t->date >= r->o.begin && t->date < r->o.end;

	if (l->n == l->cap) {
		size_t k = 0;

		for (size_t i = 0; i < l->n; i++) {
			if (amount_is_zero(&l->it[i].rem))
				free(l->it[i].desc);
			else
				l->it[k++] = l->it[i];
		}
		l->n = k;
		if (l->n * 2 >= l->cap)
			l->it = xrealloc(l->it, (l->cap = l->cap * 2 + 8) * sizeof *l->it);
	}
	l->it[l->n++] = (struct item){t->date, listed ? span_dup(described(r, t, tg, who)) : NULL,
				      *amt};
}

/* A client's `tax-rate:` and `withholding-rate:` (a percent or `exempt`): the latest wins. */
static int
tax_overrides(struct invrun *r, const struct jitem *it, struct span who, struct terr *e)
{
	static const char *const key[] = {"tax-rate", "withholding-rate"};
	struct span v;
	struct cl *c;

	for (int k = 0; k < 2; k++) {
		struct tax_rule t = {0};

		if (!tag_find(it->txn->comment, key[k], &v))
			continue;
		if (tax_rate_parse(v.p, v.n, &t.rate, &t.exempt) < 0) {
			terr_set(e, it->file, vocab_line(it, v.p), "%s: bad value %.*s (want a "
				 "percent from 0 to 100, or exempt)", key[k], (int)v.n, v.p);
			return -1;
		}
		t.set = true;
		if ((c = client_named(r, who)) != NULL)
			*(k ? &c->wh : &c->tax) = t;
	}
	return 0;
}

/* Terms dated d: the latest by date counts (of one date, the last written). */
static void
set_terms(struct cl *c, long days, tdate d)
{
	if (c->terms < 0 || d >= c->terms_from) {
		c->terms = days;
		c->terms_from = d;
	}
}

/* An entry without postings: a client's terms and tax rates, dated, up to the invoices' date. */
static int
client_entry(struct invrun *r, const struct jitem *it, const struct vtags *tg, struct terr *e)
{
	const struct txn *t = it->txn;
	struct span who = tg->v[VT_CLIENT].raw;
	struct cl *c;

	if (!tg->has[VT_CLIENT] || t->date > r->o.date)
		return 0;
	if (tax_overrides(r, it, who, e) < 0)
		return -1;
	/* terms for a client not met yet wait in a client with no account */
	if (tg->has[VT_TERMS] && (c = client_named(r, who)) != NULL)
		set_terms(c, tg->v[VT_TERMS].n, t->date);
	return 0;
}

int
invrun_observe(struct invrun *r, const struct jitem *it, const struct vtags *tg,
	       struct terr *e)
{
	const struct txn *t = it->txn;
	bool is_inv = tg->has[VT_INVOICE];
	bool ranged = false;
	long seq;

	if (is_inv && (seq = invoice_seq(tg->v[VT_INVOICE].raw, r->o.prefix, r->seq_year)) >
		      r->last_seq)
		r->last_seq = seq;
	if (clients_observe_billto(r->payers, it, tg, e) < 0)
		return -1;
	identities_learn(r->names, it, tg);
	if (t->np == 0)
		return client_entry(r, it, tg, e);
	if (is_inv && tg->has[VT_ITEM]) {  /* (has: the entry's first good one) */
		r->nitems = 0;
		r->lo = r->hi = DATE_NONE;
		vocab_each(t, VT_ITEM, keep_item, r);
		ranged = r->lo != DATE_NONE;
	}
	for (size_t i = 0; i < t->np; i++) {
		const struct posting *p = &t->p[i];
		struct span id;

		if (!r->recv_spelling && chart_under(&r->recv, p->acct, p->acct_len, &id))
			r->recv_spelling = xstrndup(p->acct, (size_t)(id.p - 1 - p->acct));
		if (!chart_under(&r->unb, p->acct, p->acct_len, &id))
			continue;
		/* Written to PREFIX:ID as the journal spells it, even when met as PREFIX:ID:SUB. */
		size_t alen = (size_t)(id.p - p->acct) + id.n;
		struct cl *c = client_get(r, id.p, id.n, p->acct, alen);
		struct lot *l = lot_get(c, p->amt.com);

		if (!*c->acct) {
			free(c->acct);
			c->acct = xstrndup(p->acct, alen);
		}
		if (is_inv && amount_sign(&p->amt) < 0) {
			struct amount credit = p->amt;

			amount_neg(&credit);
			if ((ranged && consume_listed(r, l, &credit) < 0) ||
			    consume(l, credit, ranged ? r->lo : DATE_NONE, ranged ? r->hi : t->date,
				    t->date) < 0) {
				terr_set(e, it->file, it->line, "amount too large to hold exactly");
				return -1;
			}
		} else {
			lot_add(r, l, t, tg, id, &p->amt);
		}
	}
	return 0;
}

/* --client: a client met, or one some bill-to: names. */
bool
invrun_knows(const struct invrun *r, const char *name)
{
	struct span n = {name, strlen(name)};

	if (clients_find(r->payers, n))
		return true;
	for (size_t i = 0; i < r->ncls; i++)
		if (vocab_same_client(n, (struct span){r->cls[i].id, strlen(r->cls[i].id)}))
			return true;
	return false;
}
