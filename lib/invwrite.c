/*
 * invwrite.c: the new invoice entries of a run (invrun.c gathered what is left to invoice):
 * one per payer and commodity, its item lines in date order, its tax and withholding, and
 * the postings that move the amounts from each client's unbilled account to the payer's
 * receivable.
 */
#include <stdlib.h>
#include <string.h>

#include "invint.h"

/* A client's rule: tally.conf's, with the client's own rate when it gave one. */
static struct tax_rule
rule_for(const struct tax_rule *conf, const struct tax_rule *own)
{
	struct tax_rule r = *conf;

	if (own->set) {
		r.set = true;
		r.rate = own->rate;
		r.exempt = own->exempt;
	}
	return r;
}

/* What one client's unbilled account gives to an invoice (a payer's: several clients). */
struct part {
	const char *acct;
	struct amount amt;
};

/*
 * The invoice's tax tags and postings: the client owes base + tax - withholding; the tax is
 * owed to the tax office (credited to its liability), the withholding is paid to it by the
 * client on the provider's account (debited to an asset). The payer's receivable is debited;
 * each client's unbilled account (parts) is credited with what it gives.
 */
static int
write_taxed(const struct invrun *r, struct out *o, const struct cl *pc, const char *payer,
	    const struct amount *base, const struct part *parts, size_t nparts, struct terr *e)
{
	static const struct tax_rule none;
	struct taxes t = *r->o.taxes;
	struct amount tax, wh, total, neg;
	char buf[AMOUNT_BUF], label[96], *racct;
	const char *recv = r->recv_spelling ? r->recv_spelling : r->o.receivable;

	t.tax = rule_for(&r->o.taxes->tax, pc ? &pc->tax : &none);
	t.wh = rule_for(&r->o.taxes->wh, pc ? &pc->wh : &none);
	if (taxes_apply(&t, base, &tax, &wh, &total) < 0) {
		terr_set(e, NULL, 0, "invoice total for %s too large", payer);
		return -1;
	}
	if (t.tax.set) {
		tax_label(label, sizeof label, &t.tax);
		amount_format(buf, sizeof buf, &tax);
		out_printf(o, "    ; tax: %s | %s\n", label, buf);
	}
	if (t.wh.set && !t.wh.exempt) {
		tax_label(label, sizeof label, &t.wh);
		amount_format(buf, sizeof buf, &wh);
		out_printf(o, "    ; withholding: %s | %s\n", label, buf);
	}
	racct = xmalloc(strlen(recv) + strlen(payer) + 2);
	sprintf(racct, "%s:%s", recv, payer);
	write_posting(o, racct, &total, NULL);
	if (t.wh.set && !amount_is_zero(&wh))
		write_posting(o, t.wh.account, &wh, NULL);
	for (size_t i = 0; i < nparts; i++) {
		neg = parts[i].amt;
		amount_neg(&neg);
		write_posting(o, parts[i].acct, &neg, NULL);
	}
	if (t.tax.set && !amount_is_zero(&tax)) {
		amount_neg(&tax);
		write_posting(o, t.tax.account, &tax, NULL);
	}
	free(racct);
	return 0;
}

/* One amount of a payer's invoice: whose, which, and its place among them. */
struct line {
	const struct cl *c;
	const struct item *it;
	int com;
	size_t order;
	size_t payer;       /* its index in invrun_write's list of payers */
};

static int
by_date(const void *a, const void *b)
{
	const struct line *x = a, *y = b;

	if (x->it->date != y->it->date)
		return x->it->date < y->it->date ? -1 : 1;
	return x->order < y->order ? -1 : x->order > y->order;
}

/* One client spelled two ways (an account's Perez, bill-to's perez) is one payer. */
static bool
same(const char *a, const char *b)
{
	return strcmp(a, b) == 0 ||
	       vocab_same_client((struct span){a, strlen(a)}, (struct span){b, strlen(b)});
}

/*
 * The invoice of one payer in one commodity: its lines (several clients' when it pays for
 * others, in date order, each named), nothing when they sum to zero or less.
 */
static int
write_one(struct invrun *r, struct out *o, const char *payer, struct line *ln, size_t n,
	  struct terr *e)
{
	struct cl *pc = invrun_client(r, payer);
	long terms = pc && pc->terms >= 0 ? pc->terms : r->o.terms;
	struct amount total = {0, 0, ln[0].com};
	struct part *parts = xcalloc(n, sizeof *parts);
	size_t nparts = 0;
	char date[11], due[11], buf[AMOUNT_BUF], *num = NULL;
	int rc = -1;
	bool family = false;

	date_format(date, r->o.date);
	for (size_t i = 0; i < n; i++) {
		size_t k;

		if (amount_add(&total, &total, &ln[i].it->rem) < 0) {
			terr_set(e, NULL, 0, "invoice total for %s too large", payer);
			goto done;
		}
		for (k = 0; k < nparts && parts[k].acct != ln[i].c->acct; k++)
			;
		if (k == nparts)
			parts[nparts++] = (struct part){ln[i].c->acct, {0, 0, ln[i].com}};
		if (amount_add(&parts[k].amt, &parts[k].amt, &ln[i].it->rem) < 0)
			goto done;
		family |= ln[i].c != ln[0].c;
	}
	rc = 0;
	if (amount_sign(&total) <= 0)
		goto done;
	rc = -1;
	if (r->o.date + (tdate)terms >= date_from_ymd(10000, 1, 1)) {
		terr_set(e, NULL, 0, "%s's invoice would fall due after 9999-12-31", payer);
		goto done;
	}
	if (family)
		qsort(ln, n, sizeof *ln, by_date);
	date_format(due, r->o.date + (tdate)terms);
	num = invoice_number(r->o.prefix, r->seq_year, ++r->last_seq);
	out_printf(o, "\n%s (%s) Invoice %s\n", date, num, payer);
	out_printf(o, "    ; invoice: %s\n    ; client: %s\n    ; due: %s\n", num, payer, due);
	for (size_t i = 0; i < n; i++) {
		const struct item *it = ln[i].it;
		char idate[11];

		if (amount_is_zero(&it->rem))
			continue;
		date_format(idate, it->date);
		amount_format(buf, sizeof buf, &it->rem);
		if (!same(ln[i].c->id, payer))  /* whose session it was */
			out_printf(o, "    ; item: %s | %s | %s: %s\n", idate, buf,
				   identity_name(identities_find(r->names, ln[i].c->id), ln[i].c->id),
				   it->desc);
		else
			out_printf(o, "    ; item: %s | %s | %s\n", idate, buf, it->desc);
	}
	rc = write_taxed(r, o, pc, payer, &total, parts, nparts, e);
done:
	free(num);
	free(parts);
	return rc;
}

static const char **sorting;  /* by_name's names */

static int
by_name(const void *a, const void *b)
{
	return strcmp(sorting[*(const size_t *)a], sorting[*(const size_t *)b]);
}

static int
by_id(const void *a, const void *b)
{
	return strcmp((*(const struct cl *const *)a)->id, (*(const struct cl *const *)b)->id);
}

static int
by_com_id(const void *a, const void *b)
{
	return strcmp(commodity_name(*(const int *)a), commodity_name(*(const int *)b));
}

/* The index of payer p in who[] (a new one added): spelled alike first, then as a slug. */
static size_t
payer_index(const char ***who, size_t *nwho, const char *p)
{
	size_t w;

	for (w = 0; w < *nwho; w++)
		if (strcmp((*who)[w], p) == 0)
			return w;
	for (w = 0; w < *nwho; w++)
		if (same((*who)[w], p))
			return w;
	*who = xrealloc(*who, (*nwho + 1) * sizeof **who);
	(*who)[*nwho] = p;
	return (*nwho)++;
}

/* --client names the payer or one of the clients it pays for. */
static bool
wanted(const struct invrun *r, const char *payer, const struct cl *c)
{
	const char *only = r->o.client;
	struct span o = {only, only ? strlen(only) : 0};

	return !only || vocab_same_client(o, (struct span){payer, strlen(payer)}) ||
	       vocab_same_client(o, (struct span){c->id, strlen(c->id)});
}

/*
 * Writes one new invoice entry per payer and commodity with something left to invoice: a
 * client's amounts go to the client who pays for it on their date (bill-to:), else its own.
 */
int
invrun_write(struct invrun *r, struct out *o, struct terr *e)
{
	struct line *ln = NULL;
	const char **who = NULL;
	struct cl **cs = xcalloc(r->ncls + 1, sizeof *cs);
	size_t *ord;
	int *coms = NULL;
	size_t n = 0, cap = 0, nwho = 0, ncoms = 0;
	int rc = 0;

	for (size_t i = 0; i < r->ncls; i++)
		cs[i] = &r->cls[i];
	if (r->ncls > 1)
		qsort(cs, r->ncls, sizeof *cs, by_id);
	for (size_t i = 0; i < r->ncls; i++) {
		struct cl *c = cs[i];

		for (size_t k = 0; k < c->nlot; k++)
			for (size_t j = 0; j < c->lot[k].n; j++) {
				const struct item *it = &c->lot[k].it[j];
				const char *p;
				size_t w;

				if (!it->desc)
					continue;
				p = clients_payer_id(r->payers, c->id, it->date);
				if (!wanted(r, p, c))
					continue;
				if (n == cap)
					ln = xrealloc(ln, (cap = cap * 2 + 16) * sizeof *ln);
				ln[n] = (struct line){c, it, c->lot[k].com, n,
						      payer_index(&who, &nwho, p)};
				n++;
				for (w = 0; w < ncoms && coms[w] != c->lot[k].com; w++)
					;
				if (w == ncoms) {
					coms = xrealloc(coms, (ncoms + 1) * sizeof *coms);
					coms[ncoms++] = c->lot[k].com;
				}
			}
	}
	ord = xcalloc(nwho + 1, sizeof *ord);
	for (size_t w = 0; w < nwho; w++)
		ord[w] = w;
	sorting = who;
	if (nwho > 1)
		qsort(ord, nwho, sizeof *ord, by_name);
	if (ncoms > 1)
		qsort(coms, ncoms, sizeof *coms, by_com_id);
	for (size_t w = 0; rc == 0 && w < nwho; w++) {
		for (size_t k = 0; rc == 0 && k < ncoms; k++) {
			struct line *mine = xmalloc((n + 1) * sizeof *mine);
			size_t m = 0;

			for (size_t i = 0; i < n; i++)
				if (ln[i].com == coms[k] && ln[i].payer == ord[w])
					mine[m++] = ln[i];
			if (m)
				rc = write_one(r, o, who[ord[w]], mine, m, e);
			free(mine);
		}
	}
	free(ln);
	free(who);
	free(ord);
	free(coms);
	free(cs);
	return rc;
}
