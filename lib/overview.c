/*
 * overview.c: what the one-page practice overview holds (tally-report): per client the
 * sessions of the period and the package meters on the date, the open invoices on the date
 * with their age, and the income of each month. The figures come from the book (sessions
 * in date order, as tally-sessions counts them), lib/invoices.c (as tally-aging follows
 * them) and lib/income.c (as tally-report --income sums them); ovdoc.c writes them.
 */
#define _GNU_SOURCE  /* memmem */
#include <stdlib.h>
#include <string.h>

#include "tally.h"

struct overview {
	struct overview_opts o;
	struct ov_client *cl;       /* indexed by the book's client index */
	size_t ncl;
	struct ov_client **shown;   /* the clients to show, by ID */
	size_t nshown;
	struct invoices *inv;
	struct ov_invoice *open;
	size_t nopen;
	struct ov_aging *aging;
	size_t naging;
	struct income *income;
	const struct income_row *rows;
	size_t nrows;
	int first, nmonths;
};

struct overview *
overview_new(const struct overview_opts *o)
{
	struct overview *ov = xcalloc(1, sizeof *ov);

	ov->o = *o;
	ov->inv = invoices_new(o->receivable ? o->receivable : "Assets:Receivable");
	ov->income = income_new(o->begin, o->end, o->income);
	return ov;
}

static struct ov_client *
client_row(struct overview *ov, const struct client *c)
{
	if (c->index >= ov->ncl) {
		size_t n = c->index + 16;

		ov->cl = xrealloc(ov->cl, n * sizeof *ov->cl);
		memset(ov->cl + ov->ncl, 0, (n - ov->ncl) * sizeof *ov->cl);
		ov->ncl = n;
	}
	ov->cl[c->index].id = c->id;
	return &ov->cl[c->index];
}

static bool
in_period(const struct overview *ov, tdate d)
{
	return (ov->o.begin == DATE_NONE || d >= ov->o.begin) &&
	       (ov->o.end == DATE_NONE || d < ov->o.end);
}

/*
 * A client cancellation is late when its notice is under the policy's window (24 hours
 * without a policy), as tally-sessions decides it; -1 with *e set when the notice cannot
 * be told (the book's own message).
 */
static int
late(const struct jitem *it, const struct book_price *bp, struct terr *e)
{
	struct book_price why;

	if (bp->notice >= 0)
		return bp->notice < (bp->policy ? bp->policy->notice : 24 * 60);
	why = *bp;
	why.rc = !txn_tag(it->txn, "time", NULL) ? BR_NO_TIME : BR_NO_STAMP;
	book_error(&why, it, e);
	return -1;
}

/* Whether the entry carries tag key: most held sessions carry no `signed:`, and a scan for
 * the word (which any such tag holds) says so for less than a walk over the tags. */
static bool
has_tag(const struct txn *t, const char *key)
{
	return t->comment.p && memmem(t->comment.p, t->comment.n, key, strlen(key)) &&
	       txn_tag(t, key, NULL);
}

/* Counts one session event of the period with what the book decided for it. */
static int
session(struct overview *ov, const struct jitem *it, const struct book_price *bp,
	struct terr *e)
{
	struct ov_client *r;
	int lt;

	if (!bp->c || !in_period(ov, it->txn->date))
		return 0;
	/* the two tags read here are looked up when asked, not every tag collected */
	r = client_row(ov, bp->c);
	r->active = true;
	switch (bp->kind) {
	case SESSION_HELD:
		r->held++;
		if (has_tag(it->txn, "signed"))
			r->signed_off++;
		if (bp->over)
			r->over++;
		break;
	case SESSION_CANCELLED:
		if ((lt = late(it, bp, e)) < 0)
			return -1;
		if (lt)
			r->late++;
		else
			r->cancelled++;
		break;
	case SESSION_LATE: r->late++; break;
	case SESSION_NOSHOW: r->noshow++; break;
	case SESSION_PROVIDER: r->provider++; break;
	default: r->active = bp->package || bp->bought; break;
	}
	return 0;
}

int
overview_observe(struct overview *ov, const struct jitem *it, const struct book_price *bp,
		 struct terr *e)
{
	if (it->kind != J_TXN)
		return 0;
	if (bp && session(ov, it, bp, e) < 0)
		return -1;
	if (income_observe(ov->income, it, e) < 0)
		return -1;
	if (it->txn->date <= ov->o.asof && invoices_observe(ov->inv, it, e) < 0)
		return -1;
	return 0;
}

int
ov_bucket(long days)
{
	return days <= 0 ? 0 : days <= 30 ? 1 : days <= 60 ? 2 : days <= 90 ? 3 : 4;
}

static int
by_id(const void *x, const void *y)
{
	const struct ov_client *const *a = x, *const *b = y;

	return strcmp((*a)->id, (*b)->id);
}

static int
by_client(const void *x, const void *y)
{
	const struct ov_invoice *a = x, *b = y;
	int c = strcmp(a->in->client, b->in->client);

	if (c)
		return c;
	if (a->in->date != b->in->date)
		return a->in->date < b->in->date ? -1 : 1;
	return strcmp(a->in->number, b->in->number);
}

/* Adds a to the aging line of its commodity; -1 on overflow. */
static int
age(struct overview *ov, const struct amount *a, int bucket)
{
	struct ov_aging *g = NULL;

	for (size_t i = 0; i < ov->naging; i++)
		if (ov->aging[i].com == a->com)
			g = &ov->aging[i];
	if (!g) {
		ov->aging = xrealloc(ov->aging, (ov->naging + 1) * sizeof *ov->aging);
		g = &ov->aging[ov->naging++];
		memset(g, 0, sizeof *g);
		g->com = a->com;
		for (int k = 0; k < OV_BUCKETS; k++)
			g->bucket[k].com = a->com;
		g->total.com = a->com;
	}
	if (amount_add(&g->bucket[bucket], &g->bucket[bucket], a) < 0 ||
	    amount_add(&g->total, &g->total, a) < 0)
		return -1;
	g->bucket[bucket].com = g->total.com = a->com;
	return 0;
}

int
overview_finish(struct overview *ov, struct book *b, struct terr *e)
{
	struct clients *cs = book_clients(b);
	size_t n = clients_count(cs), ni = invoices_count(ov->inv);

	/* the clients with sessions in the period, or package credit on the date */
	for (size_t i = 0; i < n; i++)
		client_row(ov, clients_at(cs, i));  /* every row first: ov->cl moves no more */
	ov->shown = xcalloc(n + 1, sizeof *ov->shown);
	for (size_t i = 0; i < n; i++) {
		struct client *c = clients_at(cs, i);
		struct ov_client *r = client_row(ov, c);

		r->bought = c->bought;
		r->used = c->used;
		r->left = client_package_left(c, ov->o.asof, NULL);
		if (r->active || r->left > 0)
			ov->shown[ov->nshown++] = r;
	}
	if (ov->nshown > 1)
		qsort(ov->shown, ov->nshown, sizeof *ov->shown, by_id);
	ov->open = xcalloc(ni + 1, sizeof *ov->open);
	for (size_t i = 0; i < ni; i++) {
		const struct invoice *in = invoices_at(ov->inv, i);
		struct amount op, paid = in->paid;

		amount_neg(&paid);
		if (amount_add(&op, &in->total, &paid) < 0)
			op = in->total;  /* cannot happen: paid never exceeds total */
		op.com = in->total.com;
		if (amount_sign(&op) <= 0)
			continue;
		ov->open[ov->nopen++] = (struct ov_invoice){in, op,
			ov->o.asof > in->due ? (long)(ov->o.asof - in->due) : 0};
	}
	if (ov->nopen > 1)
		qsort(ov->open, ov->nopen, sizeof *ov->open, by_client);
	for (size_t i = 0; i < ov->nopen; i++)
		if (age(ov, &ov->open[i].open, ov_bucket(ov->open[i].days)) < 0) {
			terr_set(e, NULL, 0, "a total of open invoices is too large to hold exactly");
			return -1;
		}
	return income_table(ov->income, &ov->rows, &ov->nrows, &ov->first, &ov->nmonths, e);
}

size_t
overview_clients(const struct overview *ov, const struct ov_client *const **v)
{
	*v = (const struct ov_client *const *)ov->shown;
	return ov->nshown;
}

size_t
overview_open(const struct overview *ov, const struct ov_invoice **v)
{
	*v = ov->open;
	return ov->nopen;
}

size_t
overview_aging(const struct overview *ov, const struct ov_aging **v)
{
	*v = ov->aging;
	return ov->naging;
}

size_t
overview_income(const struct overview *ov, const struct income_row **rows, int *first,
		int *nmonths)
{
	*rows = ov->rows;
	*first = ov->first;
	*nmonths = ov->nmonths;
	return ov->nrows;
}

const struct overview_opts *
overview_opts(const struct overview *ov)
{
	return &ov->o;
}

void
overview_free(struct overview *ov)
{
	if (!ov)
		return;
	free(ov->cl);
	free(ov->shown);
	free(ov->open);
	free(ov->aging);
	income_free(ov->income);
	invoices_free(ov->inv);
	free(ov);
}
