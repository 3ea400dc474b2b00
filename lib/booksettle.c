/*
 * booksettle.c: the book settled and handed out. book_settle sorts the records by date,
 * `time:` and position, prices each in that order (bookprice.c) with the lapses of expired
 * packages between them, and sorts them back by position; pass 2 (book_next) then reads
 * the decisions item by item in the input's order.
 */
#include <stdlib.h>
#include <string.h>

#include "bookint.h"

static inline int
by_date(const void *x, const void *y)
{
	const struct bev *a = x, *b = y;
	int ra = !(a->flags & F_DEPIN), rb = !(b->flags & F_DEPIN);

	if (a->date != b->date)
		return a->date < b->date ? -1 : 1;
	if (a->time != b->time)
		return a->time < b->time ? -1 : 1;
	if (ra != rb)
		return ra - rb;
	if (a->pos != b->pos)
		return a->pos < b->pos ? -1 : 1;
	return (a->flags & F_EXTRA) - (b->flags & F_EXTRA);
}

static inline int
by_pos(const void *x, const void *y)
{
	const struct bev *a = x, *b = y;

	if (a->pos != b->pos)
		return a->pos < b->pos ? -1 : 1;
	if ((a->flags & F_EXTRA) != (b->flags & F_EXTRA))
		return (a->flags & F_EXTRA) - (b->flags & F_EXTRA);
	if (a->spare != b->spare)
		return a->spare - b->spare;
	return a->client < b->client ? -1 : a->client > b->client;
}

static int
by_bought(const void *x, const void *y)
{
	const struct client_package *a = x, *b = y;

	if (a->date != b->date)
		return a->date < b->date ? -1 : 1;
	return a->seq < b->seq ? -1 : a->seq > b->seq;
}

static int
by_expiry(const void *x, const void *y)
{
	const struct book_lapse *a = x, *b = y;

	if (a->expires != b->expires)
		return a->expires < b->expires ? -1 : 1;
	return a->c->index < b->c->index ? -1 : a->c->index > b->c->index;
}

void
book_lapse_add(struct book *b, struct client *c, tdate d, long n, const struct amount *left,
	       bool by_entry)
{
	if (b->nlapse == b->caplapse) {
		b->caplapse = b->caplapse ? 2 * b->caplapse : 16;
		b->lapse = xrealloc(b->lapse, b->caplapse * sizeof *b->lapse);
	}
	b->lapse[b->nlapse++] = (struct book_lapse){c, d, n, *left, by_entry};
}

/* Packages of c that expired before d with sessions left: their credit lapses. */
static void
lapse_before(struct book *b, struct client *c, tdate d)
{
	bool again = c->npk > 0;

	while (again) {
		again = false;
		for (size_t i = 0; i < c->npk; i++) {
			struct client_package *k = &c->pk[i];
			struct amount left = {0, 0, k->price.com};
			tdate x = k->expires;
			long n = k->sessions - k->used;

			if (k->date >= d)
				break;  /* bought later: sorted by date */
			if (k->lapsed || x == DATE_NONE || x >= d || n <= 0)
				continue;
			client_package_lapse(c, k, &left);
			book_lapse_add(b, c, x, n, &left, false);
			again = true;  /* the queue was compacted */
			break;
		}
	}
}

/* The earliest date a package of c not lapsed may expire (DATE_NONE: none will). */
static tdate
first_expiry(const struct client *c)
{
	tdate x = DATE_NONE;

	for (size_t i = 0; i < c->npk; i++) {
		const struct client_package *k = &c->pk[i];

		if (!k->lapsed && k->expires != DATE_NONE && (x == DATE_NONE || k->expires < x))
			x = k->expires;
	}
	return x;
}

/*
 * A stable sort of n records of size bytes, in place while the records are nearly in order
 * (a journal is most often written in date order, sessions of a day in any order): an
 * insertion sort while it has moved fewer records than there are, then qsort (glibc's is a
 * stable merge sort) for what is left. The sort's buffer (16 bytes a record) is then spent
 * only on journals far from date order. Always inlined: book_settle's two sorts of every
 * record then compare without a call.
 */
static inline __attribute__((always_inline)) void
sort_nearly(void *base, size_t n, size_t size, int (*cmp)(const void *, const void *))
{
	char *p = base, tmp[64];
	size_t moved = 0;

	if (size > sizeof tmp) {
		qsort(base, n, size, cmp);
		return;
	}
	for (size_t i = 1; i < n; i++) {
		size_t j = i;

		if (cmp(p + (i - 1) * size, p + i * size) <= 0)
			continue;
		while (j > 0 && cmp(p + (j - 1) * size, p + i * size) > 0)
			j--;
		if ((moved += i - j) > n) {
			qsort(base, n, size, cmp);
			return;
		}
		memcpy(tmp, p + i * size, size);
		memmove(p + (j + 1) * size, p + j * size, (i - j) * size);
		memcpy(p + j * size, tmp, size);
	}
}

void
book_sort(void *base, size_t n, size_t size, int (*cmp)(const void *, const void *))
{
	sort_nearly(base, n, size, cmp);
}

/* settle's report of a bill-to cycle: said in pass 2 at the tag's item. */
static void
cycle(const struct terr *e, uint32_t pos, void *arg)
{
	book_defer_at(arg, pos, e);
}

int
book_settle(struct book *b, tdate until)
{
	size_t nc = clients_count(b->cl), nerr = b->nerr;
	/* each client's first_expiry: lapse_before looks only when one may have passed */
	tdate *soon = xcalloc(nc + 1, sizeof *soon);

	if (until == DATE_NONE)
		until = b->last;
	for (size_t i = 0; i < nc; i++) {
		struct client *c = clients_at(b->cl, i);

		if (c->npk > 1)
			qsort(c->pk, c->npk, sizeof *c->pk, by_bought);
		soon[i] = first_expiry(c);
	}
	clients_billto_cycles(b->cl, cycle, b);
	nerr = b->nerr - nerr;
	sort_nearly(b->ev, b->n, sizeof *b->ev, by_date);
	b->unpriced_bad = false;
	for (size_t i = 0; i < b->n; i++) {
		struct bev *v = &b->ev[i];
		struct client *c;

		if (v->client == NO_CLIENT) {
			v->rc = BR_NO_CLIENT;
		} else {
			c = b->cl->list[v->client];
			if (soon[v->client] != DATE_NONE && soon[v->client] < v->date) {
				lapse_before(b, c, v->date);
				soon[v->client] = first_expiry(c);
			}
			book_settle_one(b, c, v);
		}
		/* book_priced_all's answer while the record is at hand: at a million entries
		 * another pass over the records reads 33 MB */
		if ((v->flags & F_UNPRICED) && v->kind >= SESSION_HELD && v->kind <= SESSION_PROVIDER &&
		    v->rc != BR_OK)
			b->unpriced_bad = true;
	}
	b->settled = true;
	free(soon);
	if (until != DATE_NONE)
		for (size_t i = 0; i < nc; i++)
			lapse_before(b, clients_at(b->cl, i), until);
	sort_nearly(b->ev, b->n, sizeof *b->ev, by_pos);
	if (b->nlapse > 1)
		qsort(b->lapse, b->nlapse, sizeof *b->lapse, by_expiry);
	book_places_sort(b);
	book_rewind(b);
	return (int)nerr;
}

void
book_rewind(struct book *b)
{
	b->pos = 0;
	b->cur = 0;
	b->lcur = 0;
	b->scur = 0;
}

void
bev_price(struct book *b, const struct bev *v, struct book_price *r)
{
	memset(r, 0, sizeof *r);
	r->c = v->client == NO_CLIENT ? NULL : clients_at(b->cl, v->client);
	r->kind = v->kind;
	r->unpriced = v->flags & F_UNPRICED;
	r->waived = v->flags & F_WAIVED;
	r->rc = v->rc;
	r->write = v->out & O_WRITE;
	r->package = v->out & O_PACKAGE;
	r->owner = r->c && (v->out & O_PAYER) ? client_payer_at(r->c, v->date) : r->c;
	r->over = v->out & O_OVER;
	r->grace = v->out & O_GRACE;
	r->capped = v->out & O_CAPPED;
	r->has_price = v->out & O_PRICE;
	r->group = v->group;
	if (r->grace)
		r->grace_n = v->n;
	if (v->kind == SESSION_HELD || r->package)
		book_place_of(b, v, r);
	r->notice = v->notice >= 0 ? v->notice : -1;
	r->start = v->time >= 0 && v->time < 1440 ? v->time : -1;
	if ((v->flags & F_EXPIRED) && !(v->flags & F_UNPRICED) && v->n > 0)
		r->lapsed = v->n;
	if (v->flags & F_PACKAGE)
		r->bought = v->n;
	if (r->c && v->kind)
		r->policy = book_policy(b, r->c, v->date);
	if (v->flags & F_UNPRICED) {
		r->price = bev_get(b, v, 0);
		r->fee = bev_get(b, v, 1);
		r->deposit = bev_get(b, v, 2);
	}
	r->date = v->date;
	r->nonl = v->flags & F_NONL;
	if (v->flags & F_UNPRICED) {
		/* written as the journal wrote amounts there: no more decimals than needed */
		book_style_at(b, v->pos);
		amount_normalize(&r->price, commodity_style(r->price.com)->prec);
		amount_normalize(&r->fee, commodity_style(r->fee.com)->prec);
		amount_normalize(&r->deposit, commodity_style(r->deposit.com)->prec);
	}
}

int
book_next(struct book *b, const struct jitem *it, struct book_price *r)
{
	uint32_t pos = b->pos++;

	(void)it;
	while (b->cur < b->n && b->ev[b->cur].pos < pos)
		b->cur++;
	if (b->cur >= b->n || b->ev[b->cur].pos != pos)
		return 0;
	bev_price(b, &b->ev[b->cur], r);
	return 1;
}

int
book_decided(const struct book *b, size_t i, struct book_decided *d)
{
	const struct bev *v;

	if (i >= b->n)
		return 0;
	v = &b->ev[i];
	d->c = v->client == NO_CLIENT ? NULL : b->cl->list[v->client];
	d->owner = d->c && (v->out & O_PAYER) ? client_payer_at(d->c, v->date) : d->c;
	d->date = v->date;
	d->more = i + 1 < b->n && v[1].pos == v->pos;
	d->notice = v->notice >= 0 ? v->notice : -1;
	d->bought = v->flags & F_PACKAGE ? v->n : 0;
	d->kind = v->kind;
	d->group = v->group;
	d->package = v->out & O_PACKAGE;
	d->over = v->out & O_OVER;
	return 1;
}

int
book_next_more(struct book *b, struct book_price *r)
{
	if (b->cur + 1 >= b->n || b->ev[b->cur + 1].pos != b->ev[b->cur].pos ||
	    b->ev[b->cur].pos + 1 != b->pos)
		return 0;
	bev_price(b, &b->ev[++b->cur], r);
	return 1;
}

const struct book_lapse *
book_lapse_before(struct book *b, tdate d)
{
	while (b->lcur < b->nlapse && b->lapse[b->lcur].by_entry)
		b->lcur++;
	if (b->lcur < b->nlapse && b->lapse[b->lcur].expires < d) {
		book_style_at(b, b->pos ? b->pos - 1 : 0);
		return &b->lapse[b->lcur++];
	}
	return NULL;
}

size_t
book_nlapses(const struct book *b)
{
	return b->nlapse;
}

const struct book_lapse *
book_lapse_at(const struct book *b, size_t i)
{
	return i < b->nlapse ? &b->lapse[i] : NULL;
}

void
book_error(const struct book_price *r, const struct jitem *it, struct terr *e)
{
	const struct txn *t = it->txn;
	const char *id = r->c ? r->c->id : "";
	struct span v = {"", 0};
	char day[11];

	date_format(day, t->date);
	switch (r->rc) {
	case BR_NO_CLIENT:
		terr_set(e, it->file, it->line, "session without a client: tag");
		break;
	case BR_NO_RATE:
		terr_set(e, it->file, it->line, "no rate for %s on %s and no package credit", id, day);
		break;
	case BR_NO_MINUTES:
		terr_set(e, it->file, it->line,
			 "%s's rate on %s is per hour: the session needs a minutes: tag", id, day);
		break;
	case BR_BAD_MINUTES:
		terr_set(e, it->file, t->comment_line, "bad minutes: or duration: tag");
		break;
	case BR_NO_STAMP:
		terr_set(e, it->file, it->line, "cancelled session without cancelled-at: "
			 "(cannot tell the notice)");
		break;
	case BR_BAD_STAMP:
		txn_tag(t, "cancelled-at", &v);
		terr_set(e, it->file, t->comment_line, "bad cancelled-at: %.*s (YYYY-MM-DD HH:MM)",
			 (int)v.n, v.p);
		break;
	case BR_NO_TIME:
		terr_set(e, it->file, it->line, "cancelled session without time: "
			 "(cannot tell the notice)");
		break;
	case BR_BAD_TIME:
		txn_tag(t, "time", &v);
		terr_set(e, it->file, t->comment_line, "bad time: %.*s (HH:MM)", (int)v.n, v.p);
		break;
	case BR_FEE_NO_RATE:
		terr_set(e, it->file, it->line, "no rate: for %s on %s (the fee is a percent of it)",
			 id, day);
		break;
	case BR_FEE_PER_HOUR:
		terr_set(e, it->file, it->line, "rate for %s is per hour: the session needs minutes:",
			 id);
		break;
	default:
		terr_set(e, it->file, it->line, "an amount too large to hold exactly");
		break;
	}
}
