/*
 * statement.c: what a client's month-end statement holds. One streaming pass over the
 * journal keeps, per client, the balance of the client's four accounts at the period's
 * start and end, the package credit, the open invoices, and the entries dated in the
 * period. stmtdoc.c writes it; tally-statement chooses the clients and the files.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "tally.h"

struct statements {
	tdate begin, end;
	const char *prefix[SA_N];
	size_t prefix_len[SA_N];
	struct stmt_client *clients;
	size_t nclients, capclients;
	struct strmap *ids;     /* client ID -> its index in clients[] (ID order once sorted) */
	bool sorted;
	struct invoices *inv;
	const char *cur_file;   /* the entry being read, so new clients know their place */
	long cur_line;
	size_t entry;           /* entries read so far: the number items keep */
	struct touch *tc;       /* the clients of the entry being read; reused */
	size_t captc;
	const struct book_price *bp;  /* the book's word on the entry being read, or NULL */
	/* statements_book_at: the book is asked after reading, at the entries' positions */
	bool defer;
	uint32_t pos;           /* the book's position of the entry being read */
	struct place {
		size_t client, item;
		uint32_t pos;
	} *places;
	size_t nplaces, capplaces;
};

static size_t
client_get(struct statements *s, const char *id, size_t n)
{
	bool added;
	size_t i = strmap_add(s->ids, id, n, &added);

	if (!added)
		return i;
	if (s->nclients == s->capclients) {
		s->capclients = s->capclients ? s->capclients * 2 : 16;
		s->clients = xrealloc(s->clients, s->capclients * sizeof *s->clients);
	}
	memset(&s->clients[s->nclients], 0, sizeof *s->clients);
	s->clients[s->nclients].id = xstrndup(id, n);
	s->clients[s->nclients].file = xstrdup(s->cur_file ? s->cur_file : "-");
	s->clients[s->nclients].line = s->cur_line;
	return s->nclients++;
}

/* Whether a client: tag value is a spelling of the ID ("Théo Keller" of theo-keller). */
static bool
spells(struct span v, const char *id)
{
	char slug[CLIENT_ID_MAX + 2];
	size_t n = clients_slug(v, slug, sizeof slug);

	return n <= CLIENT_ID_MAX && n == strlen(id) && strncasecmp(slug, id, n) == 0;
}

/*
 * The client a client: tag names: its value folded to the slug used in account names;
 * SIZE_MAX for a name too long to be an ID (vocab.c refuses it first), never cut to fit.
 */
static size_t
client_of_tag(struct statements *s, struct span v)
{
	char slug[CLIENT_ID_MAX + 2];
	size_t n = clients_slug(v, slug, sizeof slug);

	return n && n <= CLIENT_ID_MAX ? client_get(s, slug, n) : SIZE_MAX;
}

/* The kind of client account an account name is, and the client's ID in it; -1 if none. */
static int
acct_kind(struct statements *s, const char *a, size_t n, struct span *id)
{
	for (int k = 0; k < SA_N; k++)
		if (chart_client(s->prefix[k], s->prefix_len[k], a, n, id))
			return k;
	return -1;
}

static int
money_add(struct account *m, const struct amount *a)
{
	return account_add(m, a);
}

bool
stmt_sum_zero(const struct account *m)
{
	for (size_t i = 0; i < m->nbal; i++)
		if (!amount_is_zero(&m->bal[i].sum))
			return false;
	return true;
}

/* The sign of a sum: that of its first nonzero commodity. */
static int
money_sign(const struct account *m)
{
	for (size_t i = 0; i < m->nbal; i++)
		if (!amount_is_zero(&m->bal[i].sum))
			return amount_sign(&m->bal[i].sum);
	return 0;
}

int
stmt_sum_add(struct account *m, const struct account *b, bool negate)
{
	for (size_t i = 0; i < b->nbal; i++) {
		struct amount a = b->bal[i].sum;

		if (negate)
			amount_neg(&a);
		if (money_add(m, &a) < 0)
			return -1;
	}
	return 0;
}

/* The tags of one entry that the statement uses, as the vocabulary read them. */
struct tags {
	struct span client, name, session, signoff, waived, invoice;
	bool has_client, has_name, has_session, has_signoff, has_waived, has_invoice,
	     has_package, has_due;
	long package;
	tdate due;
	int time;
	struct span credit;  /* `credit-note: NUMBER`: a credit note voiding `invoice:` */
	bool has_credit;
};

static void
tags_of(const struct vtags *tg, const struct txn *t, struct tags *g)
{
#define TAKE(k, f) g->has_##f = tg->has[k], g->f = tg->v[k].raw;
	TAKE(VT_CLIENT, client)
	TAKE(VT_NAME, name)
	TAKE(VT_SESSION, session)
	TAKE(VT_SIGNED, signoff)
	TAKE(VT_WAIVED, waived)
	TAKE(VT_INVOICE, invoice)
#undef TAKE
	g->has_package = tg->has[VT_PACKAGE];
	g->package = tg->v[VT_PACKAGE].n;
	g->has_due = tg->has[VT_DUE];
	g->due = tg->v[VT_DUE].date;
	g->time = tg->has[VT_TIME] ? (int)tg->v[VT_TIME].n : -1;
	g->has_credit = tag_find(t->comment, "credit-note", &g->credit);
}

static char *
dup_or_null(struct span s, bool has)
{
	return has ? span_dup(s) : NULL;
}

/* The number of the entry being read, for the items it makes (statements_observe sets it). */
static size_t entry_now;

static struct stmt_item *
item_new(struct stmt_client *c, enum stmt_ikind kind, const struct txn *t)
{
	struct stmt_item *it;

	if (c->nitems == c->capitems) {
		c->capitems = c->capitems ? c->capitems * 2 : 16;
		c->items = xrealloc(c->items, c->capitems * sizeof *c->items);
	}
	it = &c->items[c->nitems++];
	memset(it, 0, sizeof *it);
	it->kind = kind;
	it->date = t->date;
	it->time = -1;
	it->due = DATE_NONE;
	it->entry = entry_now;
	return it;
}

/* Where the book, in date order, placed a session: "session 8 of 10", or past the package. */
static void
place(struct stmt_item *it, const struct stmt_client *c, const struct book_price *bp)
{
	if (bp && bp->c && (strcmp(bp->c->id, c->id) == 0 ||
			    strcmp(client_payer_at(bp->c, it->date)->id, c->id) == 0)) {
		it->pk_n = bp->pk_n;
		it->pk_m = bp->pk_m;
		it->over = bp->over;
	}
}

static void
session_item(struct statements *s, struct stmt_client *c, const struct txn *t,
	     const struct tags *g, const struct account *delta, bool from_package, bool shared)
{
	struct stmt_item *it = item_new(c, SI_SESSION, t);

	if (s->defer) {
		if (s->nplaces == s->capplaces) {
			s->capplaces = s->capplaces ? s->capplaces * 2 : 64;
			s->places = xrealloc(s->places, s->capplaces * sizeof *s->places);
		}
		s->places[s->nplaces++] = (struct place){(size_t)(c - s->clients), c->nitems - 1,
							 s->pos};
	} else {
		place(it, c, s->bp);
	}
	it->desc = shared ? NULL : span_dup(t->desc);
	it->status = span_dup(g->session);
	if (group_is(t)) {
		/* a group session: this client's own part, an absence as the no-show it was */
		struct attendee a[GROUP_MAX];
		size_t n = group_attendees(t, a, GROUP_MAX, NULL);

		for (size_t i = 0; i < n && i < GROUP_MAX; i++)
			if (a[i].kind != SESSION_HELD &&
			    vocab_same_client(a[i].id, (struct span){c->id, strlen(c->id)})) {
				free(it->status);
				it->status = xstrdup(a[i].kind == SESSION_NOSHOW ? "no-show"
									: "late-cancel");
			}
	}
	it->waived = dup_or_null(g->waived, g->has_waived);
	it->signoff = dup_or_null(g->signoff, g->has_signoff);
	it->time = g->time;
	it->from_package = from_package;
	/* a session on another client's account (its payer's package credit): say whose */
	/* (not a group's: its first client: is nobody's in particular, and is not to be named) */
	if (g->has_client && !spells(g->client, c->id) && !group_is(t)) {
		char slug[CLIENT_ID_MAX + 2];
		size_t n = clients_slug(g->client, slug, sizeof slug);

		if (n && n <= CLIENT_ID_MAX)
			it->who = xstrndup(slug, n);
	}
	it->priced = delta != NULL;
	if (delta)
		stmt_sum_add(&it->amt, delta, false);
}

static void
invoice_item(struct stmt_client *c, const struct txn *t, const struct tags *g, const struct account *amt)
{
	struct stmt_item *it = item_new(c, SI_INVOICE, t);

	it->number = g->has_invoice ? span_dup(g->invoice) : span_dup(t->code);
	/* as the invoices module does: the due: tag, else the invoice's date */
	it->due = g->has_due ? g->due : t->date;
	stmt_sum_add(&it->amt, amt, false);
}

/* The clients one entry touches, with what it does to each. */
struct touch {
	size_t client;
	struct account delta;          /* the change in the four accounts' sum */
	struct account kind[SA_N];
	bool debits_prepaid;  /* uses prepaid credit */
};

/*
 * An invoice is shown on the statement of the period it is dated in: tally-invoice dates a
 * month's invoices the day after it, so they are the next statement's news.
 */
static bool
invoice_in_period(struct statements *s, const struct txn *t)
{
	return (s->begin == DATE_NONE || t->date >= s->begin) &&
	       (s->end == DATE_NONE || t->date < s->end);
}

/* A credit note of the period: its number and the invoice it voids. */
static void
credit_item(struct stmt_client *c, const struct txn *t, const struct tags *g,
	    const struct account *delta)
{
	struct stmt_item *it = item_new(c, SI_CREDIT, t);

	it->number = span_dup(g->credit);
	it->voids = g->has_invoice ? span_dup(g->invoice) : NULL;
	it->desc = span_dup(t->desc);
	stmt_sum_add(&it->amt, delta, true);
}

/* Learns from one entry dated before the period's end. Returns -1 on overflow, else 0. */
static int
observe(struct statements *s, const struct txn *t, const struct vtags *tg)
{
	size_t ntc = 0, i, k;
	struct tags g;
	bool in_period = s->begin == DATE_NONE || t->date >= s->begin;
	int rc = 0;

	for (i = 0; i < t->np; i++) {
		struct span id;
		int kd = acct_kind(s, t->p[i].acct, t->p[i].acct_len, &id);

		if (kd < 0)
			continue;
		size_t c = client_get(s, id.p, id.n);

		for (k = 0; k < ntc && s->tc[k].client != c; k++)
			;
		if (k == ntc) {
			if (ntc == s->captc) {
				s->captc = s->captc ? s->captc * 2 : 4;
				s->tc = xrealloc(s->tc, s->captc * sizeof *s->tc);
			}
			memset(&s->tc[ntc++], 0, sizeof *s->tc);
			s->tc[k].client = c;
		}
		if (money_add(&s->tc[k].delta, &t->p[i].amt) < 0 ||
		    money_add(&s->tc[k].kind[kd], &t->p[i].amt) < 0)
			rc = -1;
		if (kd == SA_PREPAID && amount_sign(&t->p[i].amt) > 0)
			s->tc[k].debits_prepaid = true;
	}
	/* Entries that touch no client account matter only as sessions of the period. */
	if (ntc == 0 && t->np > 0 && (!in_period || !tg->has[VT_SESSION]))
		return 0;
	tags_of(tg, t, &g);
	if (ntc == 0) {
		/* An event: it concerns the client its tag names. */
		if (!g.has_client)
			return 0;
		size_t ci = client_of_tag(s, g.client);
		struct stmt_client *c;

		if (ci == SIZE_MAX)
			return 0;
		c = &s->clients[ci];

		if (g.has_name) {
			free(c->name);
			c->name = span_dup(g.name);
		}
		if (in_period && g.has_session) {
			session_item(s, c, t, &g, NULL, false, false);
			c->items[c->nitems - 1].paid_directly = t->np > 0;
		}
		return 0;
	}
	for (k = 0; k < ntc; k++) {
		struct stmt_client *c = &s->clients[s->tc[k].client];
		bool shared = ntc > 1;
		int sign = money_sign(&s->tc[k].delta);

		if (g.has_client && !shared && !c->name && !span_eq(g.client, c->id) &&
		    spells(g.client, c->id))
			c->name = span_dup(g.client);
		if (g.has_name && !shared) {
			free(c->name);
			c->name = span_dup(g.name);
		}
		if (s->begin != DATE_NONE && t->date < s->begin)
			rc |= stmt_sum_add(&c->open, &s->tc[k].delta, false);
		rc |= stmt_sum_add(&c->close, &s->tc[k].delta, false);
		for (int kd = 0; kd < SA_N; kd++)
			rc |= stmt_sum_add(&c->kind[kd], &s->tc[k].kind[kd], false);
		/* an invoice; with taxes (lib/tax.c) its tax less withholding is also a charge */
		if (money_sign(&s->tc[k].kind[SA_RECEIVABLE]) > 0 && (sign == 0 || g.has_invoice) &&
		    !g.has_session) {
			if (invoice_in_period(s, t))
				invoice_item(c, t, &g, &s->tc[k].kind[SA_RECEIVABLE]);
			if (sign == 0)
				continue;
		}
		if (!in_period)
			continue;
		if (g.has_session) {
			session_item(s, c, t, &g, &s->tc[k].delta, s->tc[k].debits_prepaid, shared);
		} else if (sign < 0 && g.has_credit && !shared) {
			credit_item(c, t, &g, &s->tc[k].delta);
		} else if (sign != 0) {
			struct stmt_item *it = item_new(c, sign > 0 ? SI_CHARGE : SI_PAYMENT, t);

			it->desc = shared ? NULL : span_dup(t->desc);
			stmt_sum_add(&it->amt, &s->tc[k].delta, sign < 0);
		}
	}
	for (k = 0; k < ntc; k++) {
		free(s->tc[k].delta.bal);
		for (int kd = 0; kd < SA_N; kd++)
			free(s->tc[k].kind[kd].bal);
	}
	return rc < 0 ? -1 : 0;
}

/*
 * Open invoices, followed by libtally's invoices module. Its receivable prefix matches
 * exactly, so it is made on the first posting to a receivable account with the prefix
 * spelled as the journal spells it (Assets:Receivable or assets:receivable).
 */
static int
follow_invoices(struct statements *s, const struct jitem *it, struct terr *e)
{
	const struct txn *t = it->txn;
	struct span id;

	for (size_t i = 0; !s->inv && i < t->np; i++) {
		if (acct_kind(s, t->p[i].acct, t->p[i].acct_len, &id) == SA_RECEIVABLE) {
			char *spelled = xstrndup(t->p[i].acct, s->prefix_len[SA_RECEIVABLE]);

			s->inv = invoices_new(spelled);
			free(spelled);
		}
	}
	return s->inv ? invoices_observe(s->inv, it, e) : 0;
}


struct statements *
statements_new(tdate begin, tdate end, const char *const prefix[SA_N])
{
	static const char *const defaults[SA_N] = {
		"Assets:Unbilled", "Assets:Receivable", "Liabilities:Prepaid",
		"Liabilities:Deposits",
	};
	struct statements *s = xcalloc(1, sizeof *s);

	s->begin = begin;
	s->end = end;
	for (int k = 0; k < SA_N; k++) {
		s->prefix[k] = prefix && prefix[k] ? prefix[k] : defaults[k];
		s->prefix_len[k] = strlen(s->prefix[k]);
	}
	s->ids = strmap_new();
	return s;
}

int
statements_observe(struct statements *s, const struct jitem *it, struct terr *e)
{
	struct vtags tg;

	if (it->kind != J_TXN)
		return 0;
	/* every entry's tags are checked, as every command checks them */
	if (vocab_entry(it, &tg, e, NULL, NULL) > 0)
		return -1;
	return statements_observe_tags(s, it, &tg, e);
}

int
statements_observe_tags(struct statements *s, const struct jitem *it, const struct vtags *tg,
			struct terr *e)
{
	const struct txn *t = it->txn;

	s->cur_file = it->file;
	s->cur_line = it->line;
	entry_now = ++s->entry;
	if (s->end != DATE_NONE && t->date >= s->end) {
		/* after the period: the client is known (an empty statement), nothing more */
		if (tg->has[VT_CLIENT])
			client_of_tag(s, tg->v[VT_CLIENT].raw);
		return 0;
	}
	if (follow_invoices(s, it, e) < 0)
		return -1;
	if (observe(s, t, tg) < 0) {
		terr_set(e, it->file, it->line, "a balance is too large to hold exactly");
		return -1;
	}
	return 0;
}

void
statements_book(struct statements *s, const struct book_price *bp)
{
	s->bp = bp;
}

void
statements_book_at(struct statements *s, uint32_t pos)
{
	s->defer = true;
	s->pos = pos;
}

void
statements_places(struct statements *s, struct book *b)
{
	struct book_price bp;
	uint32_t at = 0;  /* the position book_next answers next */
	bool have = false;

	book_rewind(b);
	for (size_t i = 0; i < s->nplaces; i++) {
		struct place *p = &s->places[i];
		struct stmt_client *c = &s->clients[p->client];

		for (; at <= p->pos; at++)
			have = book_next(b, NULL, &bp) > 0;
		if (have)
			place(&c->items[p->item], c, &bp);
	}
	s->nplaces = 0;
}

void
statements_packages(struct statements *s, struct book *b, tdate asof)
{
	for (size_t i = 0; i < s->nclients; i++) {
		struct stmt_client *c = &s->clients[i];
		long left = book_package_left(b, c->id, asof);

		c->had_pkg = left >= 0;
		c->pkg_left = left > 0 ? left : 0;
	}
}

static int by_item_date(const void *x, const void *y);

static int
by_id(const void *x, const void *y)
{
	const struct stmt_client *a = x, *b = y;

	return strcmp(a->id, b->id);
}

/* Clients in ID order: sorted once, when first asked for after reading. */
static void
sort_clients(struct statements *s)
{
	if (s->sorted)
		return;
	if (s->nclients > 1)
		qsort(s->clients, s->nclients, sizeof *s->clients, by_id);
	for (size_t i = 0; i < s->nclients; i++)
		if (s->clients[i].nitems > 1)
			qsort(s->clients[i].items, s->clients[i].nitems,
			      sizeof *s->clients[i].items, by_item_date);
	strmap_free(s->ids, NULL);  /* numbered again in the new order */
	s->ids = strmap_new();
	for (size_t i = 0; i < s->nclients; i++)
		strmap_add(s->ids, s->clients[i].id, strlen(s->clients[i].id), NULL);
	s->sorted = true;
}

size_t
statements_count(struct statements *s)
{
	return s->nclients;
}

const struct stmt_client *
statements_at(struct statements *s, size_t i)
{
	sort_clients(s);
	return i < s->nclients ? &s->clients[i] : NULL;
}

const struct stmt_client *
statements_find(struct statements *s, const char *name)
{
	struct span want = {name, strlen(name)};

	sort_clients(s);
	for (size_t i = 0; i < s->nclients; i++)
		if (vocab_same_client(want, (struct span){s->clients[i].id,
							   strlen(s->clients[i].id)}))
			return &s->clients[i];
	return NULL;
}

const struct invoices *
statements_invoices(const struct statements *s)
{
	return s->inv;
}

static void client_free(struct stmt_client *c);

static void
item_free(struct stmt_item *it)
{
	free(it->desc);
	free(it->status);
	free(it->waived);
	free(it->signoff);
	free(it->number);
	free(it->voids);
	free(it->who);
	free(it->amt.bal);
}

static int
by_item_date(const void *x, const void *y)
{
	const struct stmt_item *a = x, *b = y;

	if (a->date != b->date)
		return a->date < b->date ? -1 : 1;
	if (a->time != b->time)
		return a->time < b->time ? -1 : 1;
	if (a->entry != b->entry)
		return a->entry < b->entry ? -1 : 1;
	return a->kind - b->kind;
}

/* Adds a copy of it (another client's, who) to m; a charge or payment of an entry m has a
 * line for already is added to that line. */
static int
family_item(struct stmt_client *m, const struct stmt_item *it, const char *who,
	    struct clients *payers, tdate at)
{
	struct stmt_item *x;

	if (it->kind == SI_CHARGE || it->kind == SI_PAYMENT) {
		for (size_t i = 0; i < m->nitems; i++) {
			x = &m->items[i];
			if (x->entry != it->entry || (x->kind != SI_CHARGE && x->kind != SI_PAYMENT))
				continue;
			if (stmt_sum_add(&x->amt, &it->amt, (x->kind == SI_PAYMENT) !=
					 (it->kind == SI_PAYMENT)) < 0)
				return -1;
			if (!x->desc && it->desc)
				x->desc = xstrdup(it->desc);
			return 0;
		}
	}
	if (m->nitems == m->capitems) {
		m->capitems = m->capitems ? m->capitems * 2 : 16;
		m->items = xrealloc(m->items, m->capitems * sizeof *m->items);
	}
	x = &m->items[m->nitems++];
	*x = *it;
	memset(&x->amt, 0, sizeof x->amt);
#define DUP(f) x->f = it->f ? xstrdup(it->f) : NULL
	DUP(desc);
	DUP(status);
	DUP(waived);
	DUP(signoff);
	DUP(number);
	DUP(voids);
#undef DUP
	/* a member's name only: never that of a client the payer does not pay for */
	if (!who && it->who && strcmp(clients_payer_id(payers, it->who, at), m->id) == 0)
		who = it->who;
	x->who = who ? xstrdup(who) : NULL;
	return stmt_sum_add(&x->amt, &it->amt, false);
}

/* A charge and a payment of one entry netted: what is left, or nothing. */
static void
family_net(struct stmt_client *m)
{
	size_t k = 0;

	for (size_t i = 0; i < m->nitems; i++) {
		struct stmt_item *x = &m->items[i];
		int sign = 0;

		for (size_t j = 0; j < x->amt.nbal && !sign; j++)
			sign = amount_sign(&x->amt.bal[j].sum);
		if ((x->kind == SI_CHARGE || x->kind == SI_PAYMENT) && sign == 0) {
			item_free(x);
			continue;
		}
		if ((x->kind == SI_CHARGE || x->kind == SI_PAYMENT) && sign < 0) {
			/* what is left of a charge is a payment (and the other way): shown positive */
			for (size_t j = 0; j < x->amt.nbal; j++)
				amount_neg(&x->amt.bal[j].sum);
			x->kind = x->kind == SI_CHARGE ? SI_PAYMENT : SI_CHARGE;
		}
		m->items[k++] = *x;
	}
	m->nitems = k;
}

struct stmt_client *
statements_family(struct statements *s, const char *payer, struct clients *payers, tdate at)
{
	struct stmt_client *m;
	bool any = false;

	if (!clients_pays_for(payers, payer))
		return NULL;
	m = xcalloc(1, sizeof *m);
	m->id = xstrdup(payer);
	m->household = true;
	for (size_t i = 0; i < s->nclients; i++) {
		const struct stmt_client *c = &s->clients[i];
		bool own = strcmp(c->id, payer) == 0;

		if (!own && strcmp(clients_payer_id(payers, c->id, at), payer) != 0)
			continue;
		any |= !own;
		if (!m->file || own) {  /* the payer's place and name, else its first client's */
			free(m->file);
			m->file = xstrdup(c->file);
			m->line = c->line;
		}
		if (own && c->name)
			m->name = xstrdup(c->name);
		if (stmt_sum_add(&m->open, &c->open, false) < 0 ||
		    stmt_sum_add(&m->close, &c->close, false) < 0)
			goto bad;
		for (int k = 0; k < SA_N; k++)
			if (stmt_sum_add(&m->kind[k], &c->kind[k], false) < 0)
				goto bad;
		m->pkg_left += c->pkg_left;
		m->had_pkg |= c->had_pkg;
		for (size_t k = 0; k < c->nitems; k++)
			if (family_item(m, &c->items[k], own ? NULL : c->id, payers, at) < 0)
				goto bad;
	}
	family_net(m);
	if (m->nitems > 1)
		qsort(m->items, m->nitems, sizeof *m->items, by_item_date);
	if (any)
		return m;
bad:
	stmt_client_free(m);
	return NULL;
}

void
stmt_client_free(struct stmt_client *c)
{
	if (!c)
		return;
	client_free(c);
	free(c);
}

static void
client_free(struct stmt_client *c)
{
	free(c->id);
	free(c->file);
	free(c->name);
	free(c->open.bal);
	free(c->close.bal);
	for (int k = 0; k < SA_N; k++)
		free(c->kind[k].bal);
	for (size_t i = 0; i < c->nitems; i++)
		item_free(&c->items[i]);
	free(c->items);
}

void
statements_free(struct statements *s)
{
	if (!s)
		return;
	for (size_t i = 0; i < s->nclients; i++)
		client_free(&s->clients[i]);
	free(s->clients);
	strmap_free(s->ids, NULL);
	if (s->inv)
		invoices_free(s->inv);
	free(s->tc);
	free(s->places);
	free(s);
}
