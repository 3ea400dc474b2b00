/*
 * pricewrite.c: the lines the pricing filters add to an unpriced event, from what the book
 * decided (book_price): tally-bill's for held sessions, group absences and expired
 * packages, tally-cancel's for cancellations. One writer each, shared, so that tally month
 * writes both in one pass and gives byte for byte what the two filters give in turn.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "tally.h"

/* A group's income postings say whose they are: hledger's `--pivot client` splits them. */
static const char *
whose(const struct book_price *r, char *buf, size_t size)
{
	if (!r->group)
		return NULL;
	snprintf(buf, size, "client: %s", r->c->id);
	return buf;
}

/* A held session's postings: package credit, else the deposit held and the rest unbilled. */
static void
held(struct out *o, struct clients *cl, const struct book_price *r, const struct price_accts *a)
{
	struct client *c = r->c;
	struct amount rest = r->deposit, neg = r->price;
	char tag[CLIENT_ID_MAX + 16];

	if (r->package)
		write_posting(o, client_account_name(cl, r->owner ? r->owner : c, C_PREPAID),
			      &r->price, NULL);
	else {
		amount_neg(&rest);
		amount_add(&rest, &r->price, &rest);  /* cannot overflow: deposit <= price */
		if (!amount_is_zero(&r->deposit))
			write_posting(o, client_account_name(cl, c, C_DEPOSITS), &r->deposit, NULL);
		if (!amount_is_zero(&rest) || amount_is_zero(&r->deposit))
			write_posting(o, client_account_name(cl, c, C_UNBILLED), &rest, NULL);
	}
	amount_neg(&neg);
	write_posting(o, a->income, &neg, whose(r, tag, sizeof tag));
}

/*
 * A group session's absent attendee, priced as the policy prices a no-show or late
 * cancellation: a forfeited package session, a fee (less the deposit held), or, waived by
 * the policy's grace, a zero posting that says so (how later runs count the grace).
 */
static void
absence(struct out *o, struct clients *cl, const struct book_price *r,
	const struct price_accts *a)
{
	const char *kind = r->kind == SESSION_NOSHOW ? "no-show" : "late cancellation";
	struct amount neg = r->fee, rest = r->deposit;
	char why[128], tag[CLIENT_ID_MAX + 16];

	if (r->grace) {
		struct amount zero = {0, 0, r->price.com};

		snprintf(why, sizeof why, "%s fee waived by the policy's grace, offense %ld of %d",
			 kind, r->grace_n, r->policy ? r->policy->grace : 0);
		write_posting(o, client_account_name(cl, r->c, C_UNBILLED), &zero, why);
		return;
	}
	amount_neg(&neg);
	if (r->package)
		write_posting(o, client_account_name(cl, r->owner ? r->owner : r->c, C_PREPAID),
			      &r->fee, NULL);
	else {
		amount_neg(&rest);
		amount_add(&rest, &r->fee, &rest);  /* cannot overflow: deposit <= fee */
		if (!amount_is_zero(&r->deposit))
			write_posting(o, client_account_name(cl, r->c, C_DEPOSITS), &r->deposit,
				      NULL);
		if (!amount_is_zero(&rest))
			write_posting(o, client_account_name(cl, r->c, C_UNBILLED), &rest, NULL);
	}
	write_posting(o, a->fee_income, &neg, whose(r, tag, sizeof tag));
}

void
price_write_held(struct out *o, struct clients *cl, const struct book_price *r,
		 const struct price_accts *a)
{
	if (r->kind == SESSION_HELD)
		held(o, cl, r, a);
	else
		absence(o, cl, r, a);
}

void
price_write_lapse(struct out *o, struct clients *cl, const struct book_lapse *l,
		  const struct price_accts *a)
{
	struct amount left = l->left;
	char day[11];

	date_format(day, l->expires);
	out_printf(o, "%s Package credit lapsed: %s\n", day, l->c->id);
	out_printf(o, "    ; client: %s\n", l->c->id);
	out_printf(o, "    ; expired: %ld session%s\n", l->sessions, l->sessions == 1 ? "" : "s");
	write_posting(o, client_account_name(cl, l->c, C_PREPAID), &l->left, NULL);
	amount_neg(&left);
	write_posting(o, a->lapse_income ? a->lapse_income : a->income, &left, NULL);
	out_puts(o, "\n");
}

void
price_waiver_text(char *buf, size_t size, const struct policy *p, long k)
{
	int n;

	if (k == 1)
		n = snprintf(buf, size, "first offense");
	else
		n = snprintf(buf, size, "offense %ld of %d", k, p->grace);
	if (p->grace_every && n > 0 && (size_t)n < size)
		snprintf(buf + n, size - (size_t)n, " in %d %s%s",
			 p->grace_unit == 'm' && p->grace_every % 12 == 0 ? p->grace_every / 12
									   : p->grace_every,
			 p->grace_unit == 'd' ? "day" : p->grace_every % 12 == 0 ? "year" : "month",
			 (p->grace_unit == 'm' && p->grace_every % 12 == 0 ? p->grace_every / 12
									    : p->grace_every) == 1
				 ? "" : "s");
}

/* The lines added to one entry, built before the entry is written (write_item's extra). */
struct xbuf {
	char *p;
	size_t n, cap;
};

static void __attribute__((format(printf, 2, 3)))
xprintf(struct xbuf *x, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if (x->n + (size_t)n + 1 > x->cap) {
		x->cap = (x->n + (size_t)n + 1) * 2;
		x->p = xrealloc(x->p, x->cap);
	}
	va_start(ap, fmt);
	vsnprintf(x->p + x->n, x->cap - x->n, fmt, ap);
	va_end(ap);
	x->n += (size_t)n;
}

/* A posting line as write_posting writes it: four spaces, account, two spaces, amount. */
static void
xposting(struct xbuf *x, const char *account, const struct amount *amt)
{
	char buf[AMOUNT_BUF];

	amount_format(buf, sizeof buf, amt);
	xprintf(x, "    %s  %s\n", account, buf);
}

char *
price_cancel_lines(struct clients *cl, const struct book_price *b, const struct price_accts *a,
		   size_t *len)
{
	struct xbuf x = {0};
	struct client *c = b->c;
	struct amount neg, rest;
	char waiver[96];

	if (b->kind == SESSION_PROVIDER) {
		neg = b->fee;
		amount_neg(&neg);
		xposting(&x, client_account_name(cl, c, C_UNBILLED), &neg);
		xposting(&x, a->fee_income, &b->fee);
	} else if (b->grace) {
		price_waiver_text(waiver, sizeof waiver, b->policy, b->grace_n);
		xprintf(&x, "    ; waived: %s\n", waiver);
	} else if (b->package) {
		neg = b->fee;
		amount_neg(&neg);
		xposting(&x, client_account_name(cl, b->owner ? b->owner : c, C_PREPAID), &b->fee);
		xposting(&x, a->fee_income, &neg);
	} else {
		neg = b->deposit;
		amount_neg(&neg);
		amount_add(&rest, &b->fee, &neg);  /* cannot overflow: deposit <= fee */
		if (!amount_is_zero(&b->deposit))
			xposting(&x, client_account_name(cl, c, C_DEPOSITS), &b->deposit);
		if (!amount_is_zero(&rest))
			xposting(&x, client_account_name(cl, c, C_UNBILLED), &rest);
		neg = b->fee;
		amount_neg(&neg);
		xposting(&x, a->fee_income, &neg);
	}
	*len = x.n;
	return x.p;
}
