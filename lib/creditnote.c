/*
 * creditnote.c: voiding an invoice. A credit note is an entry of its own number series
 * (CN-YYYY-NNNN) that takes back, posting by posting, what the invoice entry booked: the
 * receivable is credited (so the invoice is settled: it is tagged `invoice: N` like a
 * payment, and aging stops listing it), the tax owed and the withholding are reversed, and
 * the amount that went out of Assets:Unbilled is charged to the credit-note account
 * (Income:Credit notes) rather than made unbilled again: the sessions are not invoiced twice.
 */
#include <stdlib.h>
#include <string.h>

#include "tally.h"

struct cposting {
	char *acct;
	struct amount amt;
};

struct cnote {
	char *number;         /* the invoice to void */
	tdate date;
	const char *prefix, *receivable, *unbilled, *account;
	int year;
	long last_seq;        /* the highest credit note number of the year */
	bool found;
	char *client, *voided_by;
	struct cposting *p;
	size_t np;
	char *file;           /* of the invoice entry, for messages */
	long line;
};

struct cnote *
cnote_new(const char *number, tdate date, const struct cnote_opts *o)
{
	struct cnote *c = xcalloc(1, sizeof *c);
	int m, d;

	c->number = xstrdup(number);
	c->date = date;
	c->prefix = o->prefix ? o->prefix : "CN-";
	c->receivable = o->receivable ? o->receivable : "Assets:Receivable";
	c->unbilled = o->unbilled ? o->unbilled : "Assets:Unbilled";
	c->account = o->account ? o->account : "Income:Credit notes";
	date_to_ymd(date, &c->year, &m, &d);
	return c;
}

void
cnote_free(struct cnote *c)
{
	if (!c)
		return;
	for (size_t i = 0; i < c->np; i++)
		free(c->p[i].acct);
	free(c->p);
	free(c->number);
	free(c->client);
	free(c->voided_by);
	free(c->file);
	free(c);
}

static bool
debits_receivable(const struct cnote *c, const struct txn *t)
{
	struct span id;

	for (size_t i = 0; i < t->np; i++)
		if (amount_sign(&t->p[i].amt) > 0 &&
		    chart_client(c->receivable, strlen(c->receivable), t->p[i].acct,
				 t->p[i].acct_len, &id))
			return true;
	return false;
}

int
cnote_observe(struct cnote *c, const struct jitem *it, struct terr *e)
{
	const struct txn *t = it->txn;
	struct span v, who;
	long n;

	(void)e;
	if (it->kind != J_TXN)
		return 0;
	if (tag_find(t->comment, "credit-note", &v) &&
	    (n = invoice_seq(v, c->prefix, c->year)) > c->last_seq)
		c->last_seq = n;
	if (tag_find(t->comment, "voids", &v) && span_eq(v, c->number) && !c->voided_by)
		c->voided_by = tag_find(t->comment, "credit-note", &v) ? span_dup(v) :
			       xstrdup("an entry");
	if (c->found || !tag_find(t->comment, "invoice", &v) || !span_eq(v, c->number) ||
	    tag_find(t->comment, "voids", NULL) || !debits_receivable(c, t))
		return 0;
	c->found = true;
	c->file = xstrdup(it->file);
	c->line = it->line;
	c->client = tag_find(t->comment, "client", &who) ? span_dup(who) : xstrdup("");
	c->p = xcalloc(t->np + 1, sizeof *c->p);
	for (size_t i = 0; i < t->np; i++) {
		struct span id;
		bool unbilled = chart_client(c->unbilled, strlen(c->unbilled), t->p[i].acct,
					     t->p[i].acct_len, &id);

		c->p[c->np].acct = unbilled ? xstrdup(c->account) :
				   xstrndup(t->p[i].acct, t->p[i].acct_len);
		c->p[c->np].amt = t->p[i].amt;
		amount_neg(&c->p[c->np].amt);
		c->np++;
	}
	return 0;
}

int
cnote_write(struct cnote *c, struct out *o, char *number, size_t size, struct terr *e)
{
	char date[11];

	if (!c->found) {
		terr_set(e, NULL, 0, "no invoice %s", c->number);
		return -1;
	}
	if (c->voided_by) {
		terr_set(e, c->file, c->line, "invoice %s is already void (%s)", c->number,
			 c->voided_by);
		return -1;
	}
	snprintf(number, size, "%s%04d-%04ld", c->prefix, c->year, c->last_seq + 1);
	date_format(date, c->date);
	out_printf(o, "\n%s (%s) Credit note for invoice %s\n", date, number, c->number);
	out_printf(o, "    ; credit-note: %s\n    ; voids: %s\n    ; invoice: %s\n", number,
		   c->number, c->number);
	if (*c->client)
		out_printf(o, "    ; client: %s\n", c->client);
	for (size_t i = 0; i < c->np; i++)
		write_posting(o, c->p[i].acct, &c->p[i].amt, NULL);
	return 0;
}
