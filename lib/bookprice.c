/*
 * bookprice.c: the one pricing of the book. Events come here in date order (book_settle);
 * each is priced against the client's state as every earlier event left it, and leaves the
 * state as its pricing says: a package session taken, a deposit spent, a waiver granted.
 * Events that have postings count for what their postings say. tally-bill writes what this
 * decides for held sessions, tally-cancel for cancellations, so neither can price what the
 * other has already used.
 */
#include <stdlib.h>
#include <string.h>

#include "bookint.h"

static void
grace_add(struct client *c, tdate d)
{
	if (c->nwaivers == c->capwaivers) {
		c->capwaivers = c->capwaivers ? 2 * c->capwaivers : 4;
		c->waivers = xrealloc(c->waivers, c->capwaivers * sizeof *c->waivers);
	}
	c->waivers[c->nwaivers++] = d;
}

/* Waivers the client had in the policy's grace window ending on d (all of them: no window). */
static long
grace_used(const struct policy *p, const struct client *c, tdate d)
{
	tdate from = DATE_NONE;
	long n = 0;

	if (p->grace_every)
		from = p->grace_unit == 'm' ? date_add_months(d, -p->grace_every)
					    : d - p->grace_every;
	for (size_t i = 0; i < c->nwaivers; i++)
		if (from == DATE_NONE || c->waivers[i] > from)
			n++;
	return n;
}

/*
 * A package bought on or before d and none left: a session now is over the package. The
 * payer's packages count with the client's own (bill-to: one pool).
 */
static bool
over(const struct client *c, tdate d)
{
	const struct client *p = c->nbillto ? client_payer_at(c, d) : c;  /* (most: no call) */
	bool bought = (c->first_pk_date != DATE_NONE && c->first_pk_date <= d) ||
		      (p != c && p->first_pk_date != DATE_NONE && p->first_pk_date <= d);

	return bought && client_package_left(c, d, NULL) == 0 &&
	       (p == c || client_package_left(p, d, NULL) == 0);
}

/* Takes one package session for c on d, the client's own or its payer's (O_PAYER). */
static bool
take(struct client *c, struct bev *v, struct amount *price)
{
	struct client *k = client_package_owner(c, v->date);

	if (!k || !client_package_take(k, v->date, price))
		return false;
	if (k != c)
		v->out |= O_PAYER;
	return true;
}

/* Stores the outcome amounts. */
static void
put(struct book *b, struct bev *v, const struct amount *price, const struct amount *fee,
    const struct amount *deposit)
{
	if (price)
		bev_put0(b, v, price);
	if (fee)
		bev_put(b, v, 1, fee);
	if (deposit)
		bev_put(b, v, 2, deposit);
}

/* A priced event debits the prepaid account (q[0] over zero): it may use a session. */
static bool
debits(const struct book *b, const struct bev *v)
{
	struct amount a;

	if (v->scale0 != BIG)
		return v->q0 > 0;  /* read from the record: most events move no prepaid money */
	a = bev_get(b, v, 0);
	return amount_sign(&a) > 0;
}

/* Money written by hand: package sessions used or lapsed, deposits paid in or spent. */
static void
settle_money(struct book *b, struct client *c, struct bev *v)
{
	struct amount debit, dep;
	long lapsed = 0;
	int rc;

	if (debits(b, v)) {
		debit = bev_get(b, v, 0);
		rc = package_debit(c, v->date, &debit, v->flags & F_SESSION, v->flags & F_EXPIRED,
				   &lapsed);
		if (rc < 0)
			v->rc = BR_TOO_LARGE;
		if (rc == 1)
			v->out |= O_PACKAGE;
		if (lapsed) {
			struct amount zero = {0, 0, debit.com};

			v->n = lapsed > INT32_MAX ? INT32_MAX : (int32_t)lapsed;
			book_lapse_add(b, c, v->date, lapsed, &zero, true);
		}
	}
	if (v->ext) {  /* none: q[1] and q[2] are zero */
		dep = bev_get(b, v, 1);
		if (!amount_is_zero(&dep) &&
		    (!c->deposit.com || c->deposit.com == dep.com || amount_is_zero(&c->deposit)) &&
		    amount_add(&c->deposit, &c->deposit, &dep) < 0)
			v->rc = BR_TOO_LARGE;
	}
	if (v->kind == SESSION_HELD && !(v->out & O_PACKAGE) && over(c, v->date))
		v->out |= O_OVER;
	/* a group's absence priced at zero: the policy's grace waived it (bookgroup.c) */
	if (v->group && (v->flags & F_WAIVED) && v->kind != SESSION_HELD)
		grace_add(c, v->date);
}

/*
 * An unpriced held session: package credit first, else the rate less the deposit held.
 * (noinline, as settle_cancel: settle stays small for the priced events, most of them.)
 */
static __attribute__((noinline)) void
settle_held(struct book *b, struct client *c, struct bev *v)
{
	const struct policy *p;
	struct amount price, dep;
	int rc;

	if (v->flags & F_WAIVED) {
		/* given free: no charge; a package session only when the policy says so */
		p = book_policy(b, c, v->date);
		if (p && p->waived_package && take(c, v, &price)) {
			v->out |= O_PACKAGE | O_WRITE;
			put(b, v, &price, NULL, NULL);
		}
		return;
	}
	if (v->out & O_OWN) {
		/* `price:` prices this session only: no package credit, no rate */
		price = bev_get(b, v, 2);
		rc = 0;
	} else if (take(c, v, &price)) {
		v->out |= O_PACKAGE | O_WRITE;
		put(b, v, &price, NULL, NULL);
		return;
	} else if (v->n == -2) {
		v->rc = BR_BAD_MINUTES;
		return;
	} else
		rc = client_rate_at(c, v->date, v->n, &price);
	if (rc == -1 || rc == -2) {
		v->rc = rc == -1 ? BR_NO_RATE : BR_NO_MINUTES;
		return;
	}
	if (rc < 0 || client_deposit_take(c, &price, &dep) < 0) {
		v->rc = BR_TOO_LARGE;
		return;
	}
	v->out |= O_WRITE;
	if (over(c, v->date))
		v->out |= O_OVER;
	put(b, v, &price, NULL, &dep);
}

/*
 * The session's price for a percent fee: its `price:`, else the rate, else one package
 * session's credit.
 */
static int
session_price(struct book *b, struct client *c, struct bev *v, struct amount *price)
{
	int rc;

	if (v->out & O_OWN) {
		*price = bev_get(b, v, 2);
		return BR_OK;
	}
	if (v->n == -2)
		return BR_BAD_MINUTES;
	if ((rc = client_rate_at(c, v->date, v->n, price)) == 0)
		return BR_OK;
	if (rc == -1 && client_package_owner(c, v->date) &&
	    client_package_next(client_package_owner(c, v->date), v->date, price))
		return BR_OK;
	return rc == -3 ? BR_TOO_LARGE : rc == -2 ? BR_FEE_PER_HOUR : BR_FEE_NO_RATE;
}

static const uint8_t notice_rc[] = {
	[-N_NO_TIME] = BR_NO_TIME, [-N_BAD_TIME] = BR_BAD_TIME,
	[-N_NO_STAMP] = BR_NO_STAMP, [-N_BAD_STAMP] = BR_BAD_STAMP,
};

/* An unpriced cancellation, late cancellation, no-show or provider cancellation. */
static __attribute__((noinline)) void
settle_cancel(struct book *b, struct client *c, struct bev *v)
{
	const struct policy *p;
	const struct policy_fee *f;
	struct amount price = {0, 0, 0}, fee, dep;
	bool capped = false;
	long used;
	int rc;

	if (v->flags & F_WAIVED) {
		/* a free group session is free for all: its absences use no grace */
		if (!v->group)
			grace_add(c, v->date);
		return;
	}
	if (!(p = book_policy(b, c, v->date)))
		return;
	if (v->notice < N_UNKNOWN) {
		v->rc = notice_rc[-v->notice];
		return;
	}
	if (v->kind == SESSION_PROVIDER) {
		if (amount_is_zero(&p->provider.amt))
			return;
		if (p->provider.percent) {
			if ((rc = session_price(b, c, v, &price)) != BR_OK) {
				v->rc = (uint8_t)rc;
				return;
			}
			v->out |= O_PRICE;
		}
		if (policy_fee_amount(&p->provider, &price, &fee) < 0) {
			v->rc = BR_TOO_LARGE;
			return;
		}
		v->out |= O_WRITE;
		put(b, v, &price, &fee, NULL);
		return;
	}
	if (v->kind == SESSION_CANCELLED && v->notice >= p->notice)
		return; /* on time */
	if (v->kind == SESSION_NOSHOW)
		f = &p->noshow;
	else
		f = policy_late_fee(p, v->kind == SESSION_LATE && v->notice >= p->notice
				       ? -1 : v->notice);
	if (!f || amount_is_zero(&f->amt))
		return; /* late, but the policy charges nothing for it */
	if ((used = grace_used(p, c, v->date)) < p->grace) {
		/* a group writes the waiver as a zero posting: in the session's commodity */
		if (v->group && session_price(b, c, v, &price) == BR_OK) {
			price.q = 0;
			put(b, v, &price, NULL, NULL);
		}
		v->out |= O_GRACE | O_WRITE;
		v->n = (int32_t)(used + 1);
		grace_add(c, v->date);
		return;
	}
	if (p->forfeit && take(c, v, &fee)) {
		v->out |= O_PACKAGE | O_WRITE;
		put(b, v, NULL, &fee, NULL);
		return;
	}
	if (f->percent) {
		if ((rc = session_price(b, c, v, &price)) != BR_OK) {
			v->rc = (uint8_t)rc;
			return;
		}
		v->out |= O_PRICE;
	}
	if (policy_charge(p, f, &price, &fee, &capped) < 0 ||
	    client_deposit_take(c, &fee, &dep) < 0) {
		v->rc = BR_TOO_LARGE;
		return;
	}
	if (capped)
		v->out |= O_CAPPED;
	if (!amount_is_zero(&fee))
		v->out |= O_WRITE;
	put(b, v, &price, &fee, &dep);
}

static void
settle(struct book *b, struct client *c, struct bev *v)
{
	if (!(v->flags & F_UNPRICED)) {
		settle_money(b, c, v);
		return;
	}
	switch (v->kind) {
	case SESSION_HELD:
		settle_held(b, c, v);
		break;
	case SESSION_CANCELLED:
	case SESSION_LATE:
	case SESSION_NOSHOW:
	case SESSION_PROVIDER:
		settle_cancel(b, c, v);
		break;
	default:
		break;
	}
}

/* Settles v, keeping where in its package a session it takes falls ("session 8 of 10"). */
void
book_settle_one(struct book *b, struct client *c, struct bev *v)
{
	long n = 0, m = 0;
	bool has;

	/* no places asked for, or no package session it could take */
	if (b->noplaces || ((v->flags & F_UNPRICED) ? v->kind == SESSION_NONE : !debits(b, v))) {
		settle(b, c, v);
		return;
	}
	has = client_package_where(c, v->date, &n, &m) != NULL;  /* its own, or its payer's */
	settle(b, c, v);
	if (!has || !(v->out & O_PACKAGE))
		return;
	if (b->nplaces == b->capplaces) {
		b->capplaces = b->capplaces ? 2 * b->capplaces : 64;
		b->places = xrealloc(b->places, b->capplaces * sizeof *b->places);
	}
	b->places[b->nplaces++] = (struct bplace){v->pos, v->client,
		n > INT32_MAX ? INT32_MAX : (int32_t)n, m > INT32_MAX ? INT32_MAX : (int32_t)m};
}

static int
by_place(const void *x, const void *y)
{
	const struct bplace *a = x, *b = y;

	if (a->pos != b->pos)
		return a->pos < b->pos ? -1 : 1;
	return a->client < b->client ? -1 : a->client > b->client;
}

void
book_places_sort(struct book *b)
{
	if (b->nplaces > 1)  /* taken in date order: most often in position order already */
		book_sort(b->places, b->nplaces, sizeof *b->places, by_place);
}

/*
 * The place of the session of v's entry: v's own, else its payer's record of the same entry
 * (a child's session paid from the payer's prepaid account is the payer's record).
 */
void
book_place_of(const struct book *b, const struct bev *v, struct book_price *r)
{
	size_t lo = 0, hi = b->nplaces;
	uint32_t payer = v->client;

	while (lo < hi) {  /* the first place at v's position */
		size_t mid = lo + (hi - lo) / 2;

		if (b->places[mid].pos < v->pos)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (v->client != NO_CLIENT)
		payer = (uint32_t)client_payer_at(clients_at(b->cl, v->client), v->date)->index;
	for (size_t i = lo; i < b->nplaces && b->places[i].pos == v->pos; i++)
		if (b->places[i].client == v->client || b->places[i].client == payer) {
			r->pk_n = b->places[i].n;
			r->pk_m = b->places[i].m;
		}
}
