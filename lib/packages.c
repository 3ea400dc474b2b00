/*
 * packages.c: prepaid packages and deposits, one client at a time: what a package's next
 * session takes, what is left on a date, lapses, deposits held and taken. The book (book.c)
 * drives them in date order; clients_observe drives them in file order for the commands
 * that only stream (tally-agreement).
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bookint.h"

/* The price of a package's next session: the unit, or what is left for the last one. */
static int
next_price(const struct client_package *k, struct amount *price)
{
	struct amount unit, rest = k->price;
	int prec = commodity_price_prec(k->price.com);

	if (k->sessions - k->used <= 1) {
		struct amount s = k->spent;

		amount_neg(&s);
		return amount_add(price, &rest, &s);
	}
	if (amount_rescale(&rest, prec) < 0 || amount_div_int(&unit, &rest, k->sessions, NULL) < 0)
		return -1;
	*price = unit;
	return 0;
}

static bool
live(const struct client_package *k, tdate d)
{
	return !k->lapsed && k->used < k->sessions && (d == DATE_NONE || k->date <= d) &&
	       (k->expires == DATE_NONE || d == DATE_NONE || d <= k->expires);
}

/*
 * Drops packages at the front of the queue that can no longer be used or reported. The
 * book holds every package of the journal before settling: moving the rest down each time
 * one is used up cost the square of a client's packages (half of tally-check at 1M entries).
 */
static void
compact(struct client *c)
{
	size_t k = 0;

	while (k < c->npk && (c->pk[k].lapsed || c->pk[k].used >= c->pk[k].sessions))
		k++;
	c->pk += k;
	c->npk -= k;
	c->pk_off += k;
}

/* Room for one more package at the end. */
static void
grow(struct client *c)
{
	struct client_package *base = c->pk_off ? c->pk - c->pk_off : c->pk;

	if (c->pk_off + c->npk < c->pk_cap)
		return;
	if (c->pk_off && c->pk_off >= c->npk) {  /* as much dropped as is left: slide down */
		memmove(base, c->pk, c->npk * sizeof *c->pk);
		c->pk = base;
		c->pk_off = 0;
		return;
	}
	c->pk_cap = c->pk_cap ? 2 * c->pk_cap : 4;
	base = xrealloc(base, c->pk_cap * sizeof *base);
	c->pk = base + c->pk_off;
}

void
client_packages_free(struct client *c)
{
	free(c->pk_off ? c->pk - c->pk_off : c->pk);
	c->pk = NULL;
	c->npk = c->pk_off = c->pk_cap = 0;
}

static struct client_package *
oldest_live(struct client *c, tdate d)
{
	for (size_t i = 0; i < c->npk; i++)
		if (live(&c->pk[i], d))
			return &c->pk[i];
	return NULL;
}

bool
client_package_next(struct client *c, tdate d, struct amount *price)
{
	struct client_package *k = oldest_live(c, d);

	return k && next_price(k, price) == 0;
}

bool
client_package_place(const struct client *c, tdate d, long *n, long *m)
{
	for (size_t i = 0; i < c->npk; i++)
		if (live(&c->pk[i], d)) {
			*n = c->pk[i].used + 1;
			*m = c->pk[i].sessions;
			return true;
		}
	return false;
}

bool
client_package_take(struct client *c, tdate d, struct amount *price)
{
	struct client_package *k = oldest_live(c, d);
	struct amount p;

	if (!k || next_price(k, &p) < 0 || amount_add(&k->spent, &k->spent, &p) < 0)
		return false;
	k->used++;
	c->used++;
	if (price)
		*price = p;
	compact(c);
	return true;
}

long
client_package_left(const struct client *c, tdate d, struct amount *money)
{
	long n = 0;
	struct amount m = {0, 0, 0};

	for (size_t i = 0; i < c->npk; i++) {
		const struct client_package *k = &c->pk[i];
		struct amount s = k->spent;

		if (!live(k, d))
			continue;
		n += k->sessions - k->used;
		amount_neg(&s);
		if (amount_add(&m, &m, &k->price) < 0 || amount_add(&m, &m, &s) < 0)
			continue;
	}
	if (money)
		*money = m;
	return n;
}

int
client_package_lapse(struct client *c, struct client_package *k, struct amount *left)
{
	struct amount s = k->spent, l;

	amount_neg(&s);
	if (amount_add(&l, &k->price, &s) < 0)
		return -1;
	k->spent = k->price;
	k->lapsed = true;
	c->lapsed += k->sessions - k->used;
	if (left)
		*left = l;
	compact(c);
	return 0;
}

bool
client_deposit(const struct client *c, struct amount *held)
{
	struct amount h = c->deposit;

	amount_neg(&h);
	if (held)
		*held = h;
	return amount_sign(&h) > 0;
}

int
client_deposit_take(struct client *c, const struct amount *max, struct amount *taken)
{
	struct amount h;

	if (!client_deposit(c, &h) || h.com != max->com || amount_sign(max) <= 0) {
		*taken = (struct amount){0, 0, max->com};
		return 0;
	}
	*taken = amount_cmp(&h, max) < 0 ? h : *max;
	return amount_add(&c->deposit, &c->deposit, taken);
}

/* A package of n sessions for c, bought with credit (negative) by a `package:` entry. */
static int
package_add(struct client *c, const struct jitem *it, const struct client_tags *tg, long n,
	    const struct amount *credit, struct terr *e)
{
	const struct txn *t = it->txn;
	struct client_package k = {0};
	struct span x = clients_tag(tg, CT_EXPIRES);
	const char *why;

	if (amount_sign(credit) >= 0) {
		terr_set(e, it->file, it->line, "package entry credits no prepaid account for %s",
			 c->id);
		return -1;
	}
	k.date = t->date;
	k.seq = c->npk ? c->pk[c->npk - 1].seq + 1 : 0;
	k.expires = DATE_NONE;
	k.sessions = n;
	k.price = *credit;
	amount_neg(&k.price);
	k.spent = (struct amount){0, 0, k.price.com};
	if (x.p &&
	    date_parse(x.p, x.n, 0, &k.expires, &why) != (long)x.n) {
		terr_set(e, it->file, t->comment_line, "bad expires: date: %.*s", (int)x.n, x.p);
		return -1;
	}
	grow(c);
	c->pk[c->npk++] = k;
	c->bought += n;
	if (c->first_pk_date == DATE_NONE || t->date < c->first_pk_date)
		c->first_pk_date = t->date;
	return 0;
}

/*
 * n sessions shared by the credits sum[i] (negative where credited): each one's share in
 * got[i]. -1 when a share is not a whole number (or the credits are in two commodities).
 */
static int
shares(long n, const struct amount *sum, size_t nsum, long *got)
{
	struct amount total = {0, 0, 0}, x, rem, count = {n, 0, 0};
	int scale = 0;

	for (size_t i = 0; i < nsum; i++) {
		if (amount_sign(&sum[i]) >= 0)
			continue;
		if ((total.com && sum[i].com != total.com) || amount_add(&total, &total, &sum[i]) < 0)
			return -1;
		if (sum[i].scale > scale)
			scale = sum[i].scale;
	}
	if (amount_rescale(&total, scale) < 0 || total.q == 0)
		return -1;
	for (size_t i = 0; i < nsum; i++) {
		got[i] = 0;
		if (amount_sign(&sum[i]) >= 0)
			continue;
		/* n * sum / total, exactly */
		x = sum[i];
		if (amount_rescale(&x, scale) < 0 || amount_mul(&x, &x, &count) < 0)
			return -1;
		x.scale = 0;
		if (total.q > LONG_MAX || total.q < -LONG_MAX ||
		    amount_div_int(&x, &x, (long)total.q, &rem) < 0 || rem.q != 0 || x.q <= 0)
			return -1;
		got[i] = (long)x.q;
	}
	return 0;
}

struct client *
clients_package_buy(struct client *c, const struct jitem *it, const struct client_tags *tg,
		    struct client *const *who, const struct amount *sum, size_t n, long *got,
		    struct terr *e)
{
	struct span v = clients_tag(tg, CT_PACKAGE);
	long count = leading_count(v);
	size_t credited = 0, first = n;

	if (count <= 0) {
		terr_set(e, it->file, it->txn->comment_line,
			 "bad package: %.*s (a number of sessions)", (int)v.n, v.p);
		return NULL;
	}
	for (size_t i = 0; i < n; i++) {
		got[i] = 0;
		if (amount_sign(&sum[i]) < 0 && credited++ == 0)
			first = i;
	}
	if (credited < 2) {
		/* one client's purchase: the entry's client, else the one it credits */
		struct amount credit = {0, 0, 0};

		if (!c && n)
			c = who[first < n ? first : 0];
		if (!c) {
			terr_set(e, it->file, it->txn->comment_line, "package entry without a client");
			return NULL;
		}
		for (size_t i = 0; i < n; i++)
			if (who[i] == c) {
				credit = sum[i];
				got[i] = count;
			}
		return package_add(c, it, tg, count, &credit, e) < 0 ? NULL : c;
	}
	if (shares(count, sum, n, got) < 0) {
		char list[512];
		size_t len = 0;

		for (size_t i = 0; i < n && len < sizeof list; i++) {
			char buf[AMOUNT_BUF];
			struct amount a = sum[i];

			if (amount_sign(&a) >= 0)
				continue;
			amount_neg(&a);
			amount_format(buf, sizeof buf, &a);
			len += (size_t)snprintf(list + len, sizeof list - len, "%s%s %s",
						len ? ", " : "", who[i]->id, buf);
		}
		terr_set(e, it->file, vocab_line(it, v.p), "package: %ld sessions cannot be split "
			 "in proportion to the prepaid postings (%s): write one entry per client",
			 count, list);
		return NULL;
	}
	for (size_t i = 0; i < n; i++)
		if (got[i] > 0 && package_add(who[i], it, tg, got[i], &sum[i], e) < 0)
			return NULL;
	for (size_t i = 0; c && i < n; i++)
		if (who[i] == c && got[i] > 0)
			return c;
	return who[first];
}

struct client *
client_package_owner(struct client *c, tdate d)
{
	struct client *p;

	if (oldest_live(c, d))
		return c;
	p = c->nbillto ? client_payer_at(c, d) : c;  /* (most: no call) */
	return p != c && oldest_live(p, d) ? p : NULL;
}

struct client *
client_package_where(struct client *c, tdate d, long *n, long *m)
{
	struct client_package *k = oldest_live(c, d);
	struct client *p = c;

	if (!k && c->nbillto && (p = client_payer_at(c, d)) != c)
		k = oldest_live(p, d);
	if (!k)
		return NULL;
	*n = k->used + 1;
	*m = k->sessions;
	return p;
}

int
package_debit(struct client *c, tdate d, const struct amount *amt, bool session, bool expired,
	      long *lapsed)
{
	struct client_package *k;

	*lapsed = 0;
	if (expired) {
		for (size_t i = 0; i < c->npk; i++) {
			k = &c->pk[i];
			if (!k->lapsed && k->expires != DATE_NONE && k->expires <= d &&
			    k->used < k->sessions) {
				*lapsed = k->sessions - k->used;
				c->lapsed += *lapsed;
				k->lapsed = true;
				break;
			}
		}
		compact(c);
		return 0;
	}
	if (!(k = oldest_live(c, d)))
		return 0;
	if (amount_add(&k->spent, &k->spent, amt) < 0)
		return -1;
	if (session) {
		k->used++;
		c->used++;
	}
	compact(c);
	return session ? 1 : 0;
}
