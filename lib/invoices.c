/*
 * invoices.c: open invoices. Follows the receivable accounts invoice by invoice while the
 * journal streams past: invoice entries (tagged invoice: N, debiting RECEIVABLE:ID) open an
 * invoice, credits to RECEIVABLE:ID pay them, by number when the payment names one, else
 * oldest first. What is paid beyond every open invoice is the client's credit.
 *
 * Date order is the meaning: "oldest first" is by date, and a payment dated before the
 * invoice it would pay waits for it, wherever the entries are in the file. Each movement
 * of a receivable is kept (a few words each); while they come in date order they are
 * applied as they come, and the first one out of order makes the queries replay them all,
 * sorted by date, then position (replay()).
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "tally.h"
#include "internal.h"

/* A payment that names an invoice the journal has not shown yet: kept for that invoice. */
struct held {
	char *number;
	struct amount amt;
};

struct inv_client {
	char *id;
	size_t idlen;
	size_t *inv;  /* the client's invoices in the order met */
	size_t ninv, cap;
	size_t head;  /* invoices before it are all paid */
	struct bal *credit;
	size_t ncredit;
	struct held *held;  /* payments naming an invoice not met yet */
	size_t nheld;
	struct bal *bound;  /* per commodity: the sum of its payments and refunds, unsigned */
	size_t nbound;
};

/* One movement of a receivable, kept to replay them in date order. */
enum { MV_INVOICE, MV_REFUND, MV_PAYMENT };
struct move {
	tdate date;
	uint32_t seq;    /* the order met: equal dates keep it */
	int kind;
	size_t client;   /* index in cl[] */
	size_t inv;      /* MV_INVOICE: index in inv[] */
	char *number;    /* MV_PAYMENT naming an invoice, else NULL */
	struct amount amt;
};

/* The state queries may bring up to date (replay), reached through a const struct invoices. */
struct replay {
	struct move *mv;
	size_t n, cap;
	tdate last;      /* the latest date applied */
	bool dirty;      /* a movement came out of date order: replay before answering */
	bool *opened;    /* per invoice: met in the replay so far */
	size_t nopened;
};

struct invoices {
	struct replay *r;
	struct chart_under recv;  /* the receivable prefix (owns its string) */
	struct invoice **inv;
	size_t ninv, cap;
	struct strmap *bynum;  /* invoice number -> its index in inv[] */
	struct inv_client *cl;
	size_t ncl, clcap;
	struct strmap *bycl;   /* client ID -> its index in cl[] */
	uint32_t clcache[256]; /* index in cl[] + 1 by a quick key of the ID: most lookups */
	char **files;     /* interned file names: jitem names die with the reader */
	size_t nfiles;
	const char *last_raw;
	size_t last_file; /* last_raw's index in files[] */
	bool lean;        /* invoices_lean: no movement kept, nothing applied, no inv[] */
	struct numset *nums;  /* lean: the invoice numbers met */
	struct gone {     /* lean: where each invoice number was met (by its id in nums;
			   * file: index in files[]), for "first at" */
		size_t file;
		long line;
	} *gone;
	size_t gonecap;
	struct cur {      /* lean: the invoices of the entry being read, its text alive */
		size_t num;   /* its id in nums */
		struct span client;
		struct amount total;
	} *cur;
	size_t ncur, curcap;
};

struct invoices *
invoices_new(const char *receivable_prefix)
{
	struct invoices *v = xcalloc(1, sizeof *v);

	chart_under_init(&v->recv, xstrdup(receivable_prefix));
	v->bynum = strmap_new();
	v->bycl = strmap_new();
	v->r = xcalloc(1, sizeof *v->r);
	v->r->last = DATE_NONE;
	return v;
}

void
invoices_lean(struct invoices *v)
{
	v->lean = true;
	if (!v->nums)
		v->nums = numset_new();
}

/* The file's index in files[]: jitem names die with the reader. */
static size_t
intern_at(struct invoices *v, const char *file)
{
	if (file == v->last_raw)
		return v->last_file;
	for (size_t i = 0; i < v->nfiles; i++) {
		if (strcmp(v->files[i], file) == 0) {
			v->last_raw = file;
			return v->last_file = i;
		}
	}
	v->files = xrealloc(v->files, (v->nfiles + 1) * sizeof *v->files);
	v->files[v->nfiles] = xstrdup(file);
	v->last_raw = file;
	return v->last_file = v->nfiles++;
}

static const char *
intern_file(struct invoices *v, const char *file)
{
	size_t i = intern_at(v, file);

	return v->files[i];
}

/*
 * The client ID's length for a posting to PREFIX:ID[:...] (the prefix matched ignoring
 * ASCII case, as journals write assets:receivable too), or 0 when the posting is elsewhere.
 */
static inline size_t
client_of(struct invoices *v, const struct posting *p, const char **id)
{
	struct span s;

	if (!chart_under(&v->recv, p->acct, p->acct_len, &s))
		return 0;
	*id = s.p;
	return s.n;
}

static struct inv_client *
client_get(struct invoices *v, const char *id, size_t n)
{
	uint32_t *slot = &v->clcache[quick_hash(id, n) >> 56];
	bool added;
	size_t i;

	if (*slot && v->cl[*slot - 1].idlen == n && same_bytes(v->cl[*slot - 1].id, id, n))
		return &v->cl[*slot - 1];
	i = strmap_add(v->bycl, id, n, &added);
	if (i < UINT32_MAX - 1)
		*slot = (uint32_t)i + 1;
	if (!added)
		return &v->cl[i];
	if (v->ncl == v->clcap) {
		v->clcap = v->clcap ? v->clcap * 2 : 16;
		v->cl = xrealloc(v->cl, v->clcap * sizeof *v->cl);
	}
	struct inv_client *c = &v->cl[v->ncl];

	memset(c, 0, sizeof *c);
	c->id = xstrndup(id, n);
	c->idlen = n;
	v->ncl++;
	return c;
}

static struct amount *
credit_of(struct inv_client *c, int com)
{
	for (size_t i = 0; i < c->ncredit; i++)
		if (c->credit[i].com == com)
			return &c->credit[i].sum;
	c->credit = xrealloc(c->credit, (c->ncredit + 1) * sizeof *c->credit);
	c->credit[c->ncredit] = (struct bal){com, {0, 0, com}};
	return &c->credit[c->ncredit++].sum;
}

/* What is left to pay on an invoice. */
static int
open_of(const struct invoice *in, struct amount *r)
{
	struct amount p = in->paid;

	amount_neg(&p);
	return amount_add(r, &in->total, &p);
}

/*
 * Applies up to *money to one invoice and takes it out of *money: the smaller of the money
 * and the open amount. Returns -1 on overflow.
 */
static int
settle(struct invoice *in, struct amount *money)
{
	struct amount open, take, rest;

	if (open_of(in, &open) < 0)
		return -1;
	if (amount_sign(&open) <= 0 || amount_sign(money) <= 0)
		return 0;
	take = amount_cmp(money, &open) < 0 ? *money : open;
	if (amount_add(&in->paid, &in->paid, &take) < 0)
		return -1;
	in->paid.com = in->total.com;
	amount_neg(&take);
	if (amount_add(&rest, money, &take) < 0)
		return -1;
	rest.com = money->com;
	*money = rest;
	return 0;
}

/* Pays the client's oldest open invoices in money's commodity; what is left stays in money. */
static int
settle_fifo(struct invoices *v, struct inv_client *c, struct amount *money)
{
	for (size_t k = c->head; k < c->ninv && amount_sign(money) > 0; k++) {
		struct invoice *in = v->inv[c->inv[k]];

		if (in->total.com == money->com && settle(in, money) < 0)
			return -1;
	}
	while (c->head < c->ninv) {
		struct amount open;
		struct invoice *in = v->inv[c->inv[c->head]];

		if (open_of(in, &open) < 0)
			return -1;
		if (amount_sign(&open) > 0)
			break;
		c->head++;
	}
	return 0;
}

static int
overflow(struct terr *e, const struct jitem *it, long line)
{
	terr_set(e, it->file, line, "amount too large to hold exactly");
	return -1;
}

/* The client's credit in com given back by a refund or manual charge of amt (> 0). */
static int
apply_refund(struct inv_client *c, const struct amount *amt)
{
	struct amount *cr = credit_of(c, amt->com), neg = *amt;

	if (amount_sign(cr) <= 0)
		return 0;
	if (amount_cmp(&neg, cr) > 0)
		neg = *cr;
	amount_neg(&neg);
	if (amount_add(cr, cr, &neg) < 0)
		return -1;
	cr->com = amt->com;
	return 0;
}

/* An invoice met: payments that named it before pay it first, then the client's credit. */
static int
apply_invoice(struct invoices *v, struct inv_client *c, size_t i)
{
	struct invoice *in = v->inv[i];
	struct replay *r = v->r;

	if (!r->opened || r->nopened <= i) {
		r->opened = xrealloc(r->opened, v->cap * sizeof *r->opened);
		memset(r->opened + r->nopened, 0, (v->cap - r->nopened) * sizeof *r->opened);
		r->nopened = v->cap;
	}
	if (!r->opened[i]) {
		r->opened[i] = true;
		if (c->ninv == c->cap) {
			c->cap = c->cap ? c->cap * 2 : 8;
			c->inv = xrealloc(c->inv, c->cap * sizeof *c->inv);
		}
		c->inv[c->ninv++] = i;
	}
	for (size_t k = 0; k < c->nheld; k++) {
		struct held *h = &c->held[k];

		if (strcmp(h->number, in->number) != 0 || h->amt.com != in->total.com)
			continue;
		if (settle(in, &h->amt) < 0)
			return -1;
		if (amount_sign(&h->amt) > 0) {
			struct amount *cr = credit_of(c, h->amt.com);

			if (amount_add(cr, cr, &h->amt) < 0)
				return -1;
			cr->com = h->amt.com;
		}
		free(h->number);
		c->held[k--] = c->held[--c->nheld];
	}
	struct amount *cr = credit_of(c, in->total.com);

	return amount_sign(cr) > 0 ? settle(in, cr) : 0;
}

/* A payment: of the invoice it names (kept until that invoice is met), else oldest first. */
static int
apply_payment(struct invoices *v, struct inv_client *c, const char *number, struct amount money)
{
	if (number) {
		long i = strmap_find(v->bynum, number, strlen(number));

		if (i < 0 || !v->r->opened || (size_t)i >= v->r->nopened || !v->r->opened[i]) {
			/* The invoice comes later (tally-invoice appends its entries). */
			c->held = xrealloc(c->held, (c->nheld + 1) * sizeof *c->held);
			c->held[c->nheld++] = (struct held){xstrdup(number), money};
			return 0;
		}
		struct invoice *in = v->inv[i];

		if (strcmp(in->client, c->id) == 0 && in->total.com == money.com &&
		    settle(in, &money) < 0)
			return -1;
	}
	if (settle_fifo(v, c, &money) < 0)
		return -1;
	if (amount_sign(&money) > 0) {
		struct amount *cr = credit_of(c, money.com);

		if (amount_add(cr, cr, &money) < 0)
			return -1;
		cr->com = money.com;
	}
	return 0;
}

static int
apply(struct invoices *v, const struct move *m)
{
	struct inv_client *c = &v->cl[m->client];

	switch (m->kind) {
	case MV_INVOICE:
		return apply_invoice(v, c, m->inv);
	case MV_REFUND:
		return apply_refund(c, &m->amt);
	default:
		return apply_payment(v, c, m->number, m->amt);
	}
}

static int
by_date(const void *x, const void *y)
{
	const struct move *a = x, *b = y;

	if (a->date != b->date)
		return a->date < b->date ? -1 : 1;
	return a->seq < b->seq ? -1 : a->seq > b->seq;
}

/*
 * Every movement again in date order (then position), from nothing paid. It cannot
 * overflow: every sum it makes is at most an invoice's total or the sum of the client's
 * payments and refunds in that commodity, both added up (checked) as they came (move()).
 */
static void
replay(const struct invoices *v)
{
	struct replay *r = v->r;
	struct invoices *w = (struct invoices *)v;  /* the answers' state, not the journal's */

	if (!r->dirty)
		return;
	r->dirty = false;
	qsort(r->mv, r->n, sizeof *r->mv, by_date);
	for (size_t i = 0; i < v->ninv; i++)
		v->inv[i]->paid = (struct amount){0, 0, v->inv[i]->total.com};
	if (r->opened)
		memset(r->opened, 0, r->nopened * sizeof *r->opened);
	for (size_t i = 0; i < v->ncl; i++) {
		struct inv_client *c = &v->cl[i];

		c->ninv = c->head = 0;
		for (size_t k = 0; k < c->ncredit; k++)
			c->credit[k].sum = (struct amount){0, 0, c->credit[k].com};
		for (size_t k = 0; k < c->nheld; k++)
			free(c->held[k].number);
		c->nheld = 0;
	}
	for (size_t i = 0; i < r->n; i++)
		(void)apply(w, &r->mv[i]);
	r->last = r->n ? r->mv[r->n - 1].date : DATE_NONE;
}

/* Keeps a movement, and applies it now while they come in date order. */
static int
move(struct invoices *v, const struct jitem *it, long line, struct move m, struct terr *e)
{
	struct replay *r = v->r;

	m.date = it->txn->date;
	m.seq = (uint32_t)r->n;
	if (m.kind != MV_INVOICE) {
		struct amount *sum = NULL, a = m.amt;
		struct inv_client *c = &v->cl[m.client];
		tnum q;

		for (size_t i = 0; i < c->nbound && !sum; i++)
			if (c->bound[i].com == a.com)
				sum = &c->bound[i].sum;
		if (!sum) {
			c->bound = xrealloc(c->bound, (c->nbound + 1) * sizeof *c->bound);
			c->bound[c->nbound] = (struct bal){a.com, {0, 0, a.com}};
			sum = &c->bound[c->nbound++].sum;
		}
		if (a.q < 0)
			amount_neg(&a);
		/* most sums: amount_add's case of one scale, without the call (both are >= 0:
		 * the sum is too, or it overflowed) */
		if (sum->scale == a.scale && !__builtin_add_overflow(sum->q, a.q, &q)) {
			sum->q = q;
		} else if (amount_add(sum, sum, &a) < 0) {
			free(m.number);
			return overflow(e, it, line);
		}
		sum->com = a.com;
	}
	if (v->lean) {  /* nothing will ask what is paid (tally-check): checked, not kept */
		if (m.number)
			free(m.number);
		return 0;
	}
	if (r->n == r->cap) {
		r->cap = r->cap ? r->cap * 2 : 256;
		r->mv = xrealloc(r->mv, r->cap * sizeof *r->mv);
	}
	r->mv[r->n++] = m;
	if (r->dirty || (r->last != DATE_NONE && m.date < r->last)) {
		r->dirty = true;
		return 0;
	}
	r->last = m.date;
	if (apply(v, &m) < 0)
		return overflow(e, it, line);
	return 0;
}

/*
 * The invoice: tag a posting answers to: its own, else the entry's. With tg (the entry read
 * without an error) the entry's first one is the vocabulary's: no second reading.
 */
static bool
invoice_tag(const struct jitem *it, const struct vtags *tg, const struct posting *p,
	    struct span *num)
{
	if (!tg)
		return posting_tag(it->txn, p, "invoice", num);
	if (p->comment.n && tag_find(p->comment, "invoice", num))
		return true;
	if (!tg->has[VT_INVOICE])
		return false;
	*num = tg->v[VT_INVOICE].raw;
	return true;
}

/* The entry's due date: its due: tag (read here without tg, the vocabulary's with it). */
static int
due_of(const struct jitem *it, const struct vtags *tg, tdate *due, struct terr *e)
{
	struct span d;
	struct vval dv;

	if (tg) {
		if (tg->has[VT_DUE])
			*due = tg->v[VT_DUE].date;
		return 0;
	}
	if (!txn_tag(it->txn, "due", &d))
		return 0;
	if (vocab_parse(VT_DUE, d, &dv) < 0) {
		vocab_bad(e, it, VT_DUE, d);
		return -1;
	}
	*due = dv.date;
	return 0;
}

static int
duplicate(struct terr *e, const struct jitem *it, struct span num, const char *file, long line)
{
	terr_set(e, it->file, vocab_line(it, num.p), "duplicate invoice number %.*s (first at %s:%ld)",
		 (int)num.n, num.p, file, line);
	return -1;
}

static int
two_clients(struct terr *e, const struct jitem *it, const struct posting *p, struct span num)
{
	terr_set(e, it->file, p->line, "invoice %.*s is for two clients", (int)num.n, num.p);
	return -1;
}

static int
two_commodities(struct terr *e, const struct jitem *it, const struct posting *p, struct span num)
{
	terr_set(e, it->file, p->line, "invoice %.*s mixes two commodities", (int)num.n, num.p);
	return -1;
}

/*
 * debit's invoice, lean: no struct invoice, only where its number was met (gone[]) and,
 * while its entry is read, what the entry's other postings to it must agree with (cur[]).
 */
static int
debit_lean(struct invoices *v, const struct jitem *it, const struct vtags *tg,
	   const struct posting *p, struct span num, struct span id, struct terr *e)
{
	size_t i, k;
	tdate due;
	bool added;

	/* a new invoice's bad due: tag is its entry's error (with tg the vocabulary said so) */
	if (!tg && numset_id(v->nums, num, false, &added) < 0 && due_of(it, NULL, &due, e) < 0)
		return -1;
	i = (size_t)numset_id(v->nums, num, true, &added);
	if (!added) {
		for (k = 0; k < v->ncur && v->cur[k].num != i; k++)
			;
		if (k == v->ncur)  /* an entry gone by */
			return duplicate(e, it, num, v->files[v->gone[i].file], v->gone[i].line);
		struct cur *in = &v->cur[k];

		if (in->client.n != id.n || memcmp(in->client.p, id.p, id.n) != 0)
			return two_clients(e, it, p, num);
		if (in->total.com != p->amt.com)
			return two_commodities(e, it, p, num);
		if (amount_add(&in->total, &in->total, &p->amt) < 0)
			return overflow(e, it, p->line);
		return 0;
	}
	if (v->gonecap == i) {
		v->gonecap = v->gonecap ? v->gonecap * 2 : 256;
		v->gone = xrealloc(v->gone, v->gonecap * sizeof *v->gone);
	}
	v->gone[i] = (struct gone){intern_at(v, it->file), it->line};
	if (v->ncur == v->curcap) {
		v->curcap = v->curcap ? v->curcap * 2 : 4;
		v->cur = xrealloc(v->cur, v->curcap * sizeof *v->cur);
	}
	v->cur[v->ncur++] = (struct cur){i, id, p->amt};
	return 0;
}

/* A debit to RECEIVABLE:ID: an invoice (or more of one) when the entry names one. */
static int
debit(struct invoices *v, const struct jitem *it, const struct vtags *tg,
      const struct posting *p, const char *id, size_t idn, struct terr *e)
{
	const struct txn *t = it->txn;
	struct span num;
	struct invoice *in;
	long i;
	size_t ci;

	if (!invoice_tag(it, tg, p, &num) || num.n == 0)
		/* A refund or a manual charge: it gives back credit first. */
		return move(v, it, p->line, (struct move){.kind = MV_REFUND,
			    .client = (size_t)(client_get(v, id, idn) - v->cl), .amt = p->amt}, e);
	if (v->lean)  /* an invoice's client is what its entry's postings must agree on */
		return debit_lean(v, it, tg, p, num, (struct span){id, idn}, e);
	ci = (size_t)(client_get(v, id, idn) - v->cl);
	i = strmap_find(v->bynum, num.p, num.n);
	if (i >= 0) {
		in = v->inv[i];
		if (in->line != it->line || in->file != intern_file(v, it->file))
			return duplicate(e, it, num, in->file, in->line);
		if (strncmp(in->client, id, idn) != 0 || in->client[idn])
			return two_clients(e, it, p, num);
		if (in->total.com != p->amt.com)
			return two_commodities(e, it, p, num);
		if (amount_add(&in->total, &in->total, &p->amt) < 0)
			return overflow(e, it, p->line);
	} else {
		tdate due = t->date;

		if (due_of(it, tg, &due, e) < 0)
			return -1;
		in = xcalloc(1, sizeof *in);
		in->number = span_dup(num);
		in->client = xstrndup(id, idn);
		in->date = t->date;
		in->due = due;
		in->total = p->amt;
		in->paid = (struct amount){0, 0, p->amt.com};
		in->file = intern_file(v, it->file);
		in->line = it->line;
		if (v->ninv == v->cap) {
			v->cap = v->cap ? v->cap * 2 : 256;
			v->inv = xrealloc(v->inv, v->cap * sizeof *v->inv);
		}
		v->inv[v->ninv] = in;
		strmap_add(v->bynum, num.p, num.n, NULL);  /* its number is v->ninv */
		i = (long)v->ninv++;
	}
	return move(v, it, p->line, (struct move){.kind = MV_INVOICE, .client = ci,
						  .inv = (size_t)i}, e);
}

/* A credit to RECEIVABLE:ID: a payment, of the invoice it names or else oldest first. */
static int
credit(struct invoices *v, const struct jitem *it, const struct vtags *tg,
       const struct posting *p, const char *id, size_t idn, struct terr *e)
{
	struct inv_client *c = client_get(v, id, idn);
	struct move m = {.kind = MV_PAYMENT, .client = (size_t)(c - v->cl), .amt = p->amt};
	struct span num;

	amount_neg(&m.amt);
	if (!v->lean && invoice_tag(it, tg, p, &num) && num.n > 0)
		m.number = span_dup(num);
	return move(v, it, p->line, m, e);
}

int
invoices_observe(struct invoices *v, const struct jitem *it, struct terr *e)
{
	return invoices_observe_tags(v, it, NULL, e);
}

/*
 * An entry with a posting to a receivable, the first at p[first] (client ID at id, n bytes).
 * Debits first, so that an entry that invoices and pays at once settles its own invoice.
 * Apart from the scan: most entries touch no receivable, and this one's frame costs.
 */
static __attribute__((noinline)) int
observe_entry(struct invoices *v, const struct jitem *it, const struct vtags *tg, size_t first,
	      const char *firstid, size_t firstn, struct terr *e)
{
	const struct txn *t = it->txn;
	const char *id;
	size_t n;

	v->ncur = 0;  /* lean: the invoices of the entries before are gone */
	for (int pass = 0; pass < 2; pass++) {
		for (size_t i = first; i < t->np; i++) {
			const struct posting *p = &t->p[i];

			/* the sign first: each posting's account is read in one pass only */
			if (pass == 0 ? p->amt.q <= 0 : p->amt.q >= 0)
				continue;
			if (i == first)
				id = firstid, n = firstn;
			else if ((n = client_of(v, p, &id)) == 0)
				continue;
			if (pass == 0 && debit(v, it, tg, p, id, n, e) < 0)
				return -1;
			if (pass == 1 && credit(v, it, tg, p, id, n, e) < 0)
				return -1;
		}
	}
	return 0;
}

/* The entry from p[i] on, whose account may be a receivable's (chart_under's first test). */
static __attribute__((noinline)) int
observe_from(struct invoices *v, const struct jitem *it, const struct vtags *tg, size_t i,
	     struct terr *e)
{
	const struct txn *t = it->txn;
	const char *id;
	size_t n;

	for (; i < t->np; i++)
		if ((n = client_of(v, &t->p[i], &id)) != 0)
			return observe_entry(v, it, tg, i, id, n, e);
	return 0;
}

/*
 * Every entry comes here, most touching no receivable: a loop that calls nothing (and so
 * saves no registers) finds the first posting that may, by the byte after the prefix.
 */
int
invoices_observe_tags(struct invoices *v, const struct jitem *it, const struct vtags *tg,
		      struct terr *e)
{
	const struct txn *t = it->txn;
	size_t plen = v->recv.plen;

	if (it->kind != J_TXN || !t)
		return 0;
	for (size_t i = 0; i < t->np; i++) {
		const struct posting *p = &t->p[i];

		if (p->acct_len > plen + 1 && p->acct[plen] == ':')
			return observe_from(v, it, tg, i, e);
	}
	return 0;
}

size_t
invoices_count(const struct invoices *v)
{
	return v->ninv;
}

const struct invoice *
invoices_at(const struct invoices *v, size_t i)
{
	replay(v);
	return i < v->ninv ? v->inv[i] : NULL;
}

const struct invoice *
invoices_find(const struct invoices *v, const char *number)
{
	long i = strmap_find(v->bynum, number, strlen(number));

	replay(v);
	return i < 0 ? NULL : v->inv[i];
}

struct amount
invoices_credit(const struct invoices *v, const char *client, int com)
{
	long i = strmap_find(v->bycl, client, strlen(client));
	struct amount r = {0, 0, com};

	replay(v);
	if (i < 0)
		return r;
	for (size_t k = 0; k < v->cl[i].ncredit; k++)
		if (v->cl[i].credit[k].com == com)
			r = v->cl[i].credit[k].sum;
	for (size_t k = 0; k < v->cl[i].nheld; k++)
		if (v->cl[i].held[k].amt.com == com && amount_add(&r, &r, &v->cl[i].held[k].amt) < 0)
			break;  /* cannot overflow: each was added to a balance already */
	r.com = com;
	return r;
}

void
invoices_free(struct invoices *v)
{
	if (!v)
		return;
	for (size_t i = 0; i < v->ninv; i++) {
		free(v->inv[i]->number);
		free(v->inv[i]->client);
		free(v->inv[i]);
	}
	free(v->gone);
	free(v->cur);
	numset_free(v->nums);
	for (size_t i = 0; i < v->ncl; i++) {
		free(v->cl[i].id);
		free(v->cl[i].inv);
		free(v->cl[i].credit);
		for (size_t k = 0; k < v->cl[i].nheld; k++)
			free(v->cl[i].held[k].number);
		free(v->cl[i].held);
		free(v->cl[i].bound);
	}
	for (size_t i = 0; i < v->r->n; i++)
		free(v->r->mv[i].number);
	free(v->r->mv);
	free(v->r->opened);
	free(v->r);
	for (size_t i = 0; i < v->nfiles; i++)
		free(v->files[i]);
	free(v->files);
	free(v->inv);
	free(v->cl);
	strmap_free(v->bynum, NULL);
	strmap_free(v->bycl, NULL);
	free((char *)v->recv.prefix);
	free(v);
}
