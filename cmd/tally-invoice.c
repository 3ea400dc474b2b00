/*
 * tally-invoice: invoice a period's unbilled amounts, one entry per client, moving them from
 * Assets:Unbilled:ID to Assets:Receivable:ID under the next number of the year. The journal
 * passes through untouched and the new invoices follow it. An amount some invoice already
 * moved out of Unbilled is never invoiced again, so the command is idempotent.
 * --show NUMBER renders one invoice from the journal alone.
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "tally.h"

static const char *prog = "tally-invoice";
static const char *unbilled = "Assets:Unbilled", *receivable = "Assets:Receivable";
static const char *only_client, *prefix = "", *show, *lang = "en", *conf_path, *maildir;
static const char *void_number;  /* --void: write a credit note for this invoice */
static tdate begin = DATE_NONE, end = DATE_NONE, inv_date = DATE_NONE;
static long default_terms = 14;
static enum { F_TXT, F_HTML, F_MD, F_EML, F_PDF } format = F_TXT;

/* An unbilled amount dated in the period, and what of it no invoice has taken yet. */
struct item {
	tdate date;
	char *desc;          /* NULL for amounts outside the period: never listed */
	struct amount rem;
};

/*
 * One client's unbilled amounts in one commodity, in journal order. Amounts fully taken by
 * invoices are dropped as the list grows, so memory follows what is still unbilled.
 */
struct lot {
	int com;
	struct item *it;
	size_t n, cap;
};

struct cl {
	char *id;
	char *acct;        /* the unbilled account as the journal spells it */
	long terms;        /* -1: none given */
	tdate terms_from;  /* its entry's date: terms take effect in date order */
	struct tax_rule tax, wh;  /* the client's tax-rate: / withholding-rate: (set: given) */
	struct lot *lot;
	size_t nlot;
};

static struct cl *cls;
static size_t ncls;
static char *recv_spelling;   /* the receivable prefix as the journal spells it */
static struct taxes taxes;    /* tally.conf's tax and withholding (lib/tax.c) */
static struct conf *words;    /* the catalog, context "invoice": subject, title, base... */
static long last_seq;         /* the highest number used in the new invoices' year */
static struct clients *payers;       /* bill-to: who pays for whom, by date (lib/billto.c) */
static struct identities *names;     /* what a payer's invoice calls each client */
static int seq_year;

static void
usage(FILE *f, int status)
{
	fprintf(f, "usage: %s -p PERIOD | -b DATE -e DATE [--date DATE] [--client ID] [--prefix P]\n"
		   "       [--terms N] [--unbilled ACCT] [--receivable ACCT] [--prepaid ACCT]\n"
		   "       [--deposits ACCT] [-i FILE] [-f FILE]... [FILE]...\n"
		   "       %s --void NUMBER [--date DATE] [-i FILE] [-f FILE]... [FILE]...\n"
		   "       %s --show NUMBER [-O txt|html|md|pdf|eml] [--maildir DIR] [--lang LANG]\n"
		   "       [--conf FILE] [-f FILE]... [FILE]...\n", prog, prog, prog);
	exit(status);
}

static tdate
date_opt(const char *s)
{
	tdate d;
	const char *why;

	if (date_parse(s, strlen(s), 0, &d, &why) != (long)strlen(s)) {
		fprintf(stderr, "%s: bad date: %s\n", prog, s);
		exit(2);
	}
	return d;
}

static struct cl *
client_get(const char *id, size_t n, const char *acct, size_t acct_len)
{
	for (size_t i = 0; i < ncls; i++)
		if (strncmp(cls[i].id, id, n) == 0 && cls[i].id[n] == '\0')
			return &cls[i];
	cls = xrealloc(cls, (ncls + 1) * sizeof *cls);
	cls[ncls] = (struct cl){.id = xstrndup(id, n), .acct = xstrndup(acct, acct_len), .terms = -1};
	return &cls[ncls++];
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

/* A client: tag names a client by its ID or by a name that folds to it (Ana Gómez: ana-gomez). */
static bool
names_client(struct span tag, const char *id)
{
	char slug[256];
	size_t n = clients_slug(tag, slug, sizeof slug);

	return n < sizeof slug && strcmp(slug, id) == 0;
}

/*
 * An invoice's credit pays what is left of one amount, or as much of it as it can; a
 * negative amount (a credit note) adds to what the invoice has to spend. -1 on overflow.
 */
static int
take(struct amount *rem, struct amount *credit)
{
	struct amount t, neg;

	if (amount_sign(rem) < 0 || amount_cmp(rem, credit) <= 0) {
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
	for (int pass = 0; pass < 2 && amount_sign(&credit) > 0; pass++) {
		tdate a = pass ? DATE_NONE : lo, b = pass ? inv : hi;

		for (size_t i = 0; i < l->n && amount_sign(&credit) > 0; i++) {
			struct item *it = &l->it[i];

			if ((a != DATE_NONE && it->date < a) || it->date > b || amount_is_zero(&it->rem))
				continue;
			if (take(&it->rem, &credit) < 0)
				return -1;
		}
	}
	return 0;
}

/*
 * First, an invoice entry takes the very amounts its item lines name (same date, amount as
 * written and description), so that a session added later inside the same dates is the one
 * left to invoice, and listed as such.
 */
struct listed {
	struct lot *l;
	struct amount *credit;
};

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

static int
take_listed(const struct vval *v, void *arg)
{
	struct listed *w = arg;
	struct span desc;
	struct amount amt;
	tdate d;

	if (amount_sign(w->credit) <= 0)
		return 1;
	vocab_item(v->raw, &d, &amt, &desc);
	for (size_t i = 0; i < w->l->n; i++) {
		struct item *it = &w->l->it[i];

		if (it->date != d || amount_sign(&it->rem) == 0 || it->rem.com != amt.com ||
		    amount_cmp(&it->rem, &amt) != 0 || (it->desc && !same_desc(it->desc, desc)))
			continue;
		return take(&it->rem, w->credit) < 0 ? -1 : 0;
	}
	return 0;
}

static int
consume_listed(struct lot *l, const struct txn *t, struct amount *credit)
{
	struct listed w = {l, credit};

	return vocab_each(t, VT_ITEM, take_listed, &w) < 0 ? -1 : 0;
}

/* Adds an unbilled amount; the description is kept only for amounts the invoice may list. */
static void
lot_add(struct lot *l, const struct txn *t, struct span desc, const struct amount *amt)
{
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
	l->it[l->n++] = (struct item){t->date, t->date >= begin && t->date < end ?
				      span_dup(desc) : NULL, *amt};
}

/* The dates of an invoice entry's item lines: lo..hi. */
struct range {
	tdate lo, hi;
};

static int
widen(const struct vval *v, void *arg)
{
	struct range *r = arg;

	if (r->lo == DATE_NONE || v->date < r->lo)
		r->lo = v->date;
	if (r->hi == DATE_NONE || v->date > r->hi)
		r->hi = v->date;
	return 0;
}

/* Keeps the highest sequence number of the new invoices' year: PREFIX YYYY-NNNN. */
static void
note_number(struct span num)
{
	size_t pl = strlen(prefix);
	long seq = 0;
	int year = 0;

	if (num.n < pl + 6 || memcmp(num.p, prefix, pl) != 0)
		return;
	for (size_t i = pl; i < pl + 4; i++) {
		if (num.p[i] < '0' || num.p[i] > '9')
			return;
		year = year * 10 + (num.p[i] - '0');
	}
	if (num.p[pl + 4] != '-' || year != seq_year)
		return;
	for (size_t i = pl + 5; i < num.n; i++) {
		if (num.p[i] < '0' || num.p[i] > '9' || seq > 100000000)
			return;
		seq = seq * 10 + (num.p[i] - '0');
	}
	if (seq > last_seq)
		last_seq = seq;
}

/* The client of a tag: met already, or one waiting with no account. */
static struct cl *
client_named(struct span who)
{
	char id[256];
	size_t n;

	for (size_t i = 0; i < ncls; i++)
		if (names_client(who, cls[i].id))
			return &cls[i];
	n = clients_slug(who, id, sizeof id);
	return n && n < sizeof id ? client_get(id, n, "", 0) : NULL;
}

/* A client's `tax-rate:` and `withholding-rate:` (a percent or `exempt`): the latest wins. */
static int
tax_overrides(const struct jitem *it, struct span who, struct terr *e)
{
	static const char *const key[] = {"tax-rate", "withholding-rate"};
	struct span v;
	struct cl *c;

	for (int k = 0; k < 2; k++) {
		struct tax_rule r = {0};

		if (!tag_find(it->txn->comment, key[k], &v))
			continue;
		if (tax_rate_parse(v.p, v.n, &r.rate, &r.exempt) < 0) {
			terr_set(e, it->file, vocab_line(it, v.p), "%s: bad value %.*s (want a "
				 "percent from 0 to 100, or exempt)", key[k], (int)v.n, v.p);
			return -1;
		}
		r.set = true;
		if ((c = client_named(who)) != NULL)
			*(k ? &c->wh : &c->tax) = r;
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

/*
 * How an entry's amounts are described on an invoice: its description, unless it concerns
 * several clients (a group session, a hand-split entry): then words that name none of them,
 * so that no client's invoice shows another client's name.
 */
static struct span
described(const struct txn *t, const struct vtags *tg, struct span who)
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

		if (!chart_client(unbilled, strlen(unbilled), p->acct, p->acct_len, &id))
			continue;
		if (!first.p)
			first = id;
		else if (!vocab_same_client(first, id))
			return tg->has[VT_SESSION] ? (struct span){group, sizeof group - 1}
						   : (struct span){shared, sizeof shared - 1};
	}
	return t->desc;
}

static int
observe(const struct jitem *it, const struct vtags *tg, struct terr *e)
{
	const struct txn *t = it->txn;
	bool is_inv = tg->has[VT_INVOICE];
	struct range r = {DATE_NONE, DATE_NONE};
	bool ranged = false;

	if (is_inv)
		note_number(tg->v[VT_INVOICE].raw);
	if (clients_observe_billto(payers, it, tg, e) < 0 || identities_observe(names, it, e) < 0)
		return -1;
	if (t->np == 0) {
		struct span who = tg->v[VT_CLIENT].raw;
		long days = tg->v[VT_TERMS].n;
		bool known = false;

		if (tg->has[VT_CLIENT] && t->date <= inv_date && tax_overrides(it, who, e) < 0)
			return -1;
		if (!tg->has[VT_TERMS] || !tg->has[VT_CLIENT] || t->date > inv_date)
			return 0;
		for (size_t i = 0; i < ncls; i++) {
			if (names_client(who, cls[i].id)) {
				set_terms(&cls[i], days, t->date);
				known = true;
			}
		}
		/* Terms for a client not met yet wait in a client with no account. */
		if (!known) {
			char id[256];
			size_t n = clients_slug(who, id, sizeof id);

			if (n && n < sizeof id)
				set_terms(client_get(id, n, "", 0), days, t->date);
		}
		return 0;
	}
	if (is_inv) {
		vocab_each(t, VT_ITEM, widen, &r);
		ranged = r.lo != DATE_NONE;
	}
	for (size_t i = 0; i < t->np; i++) {
		const struct posting *p = &t->p[i];
		struct span id;

		if (!recv_spelling && chart_client(receivable, strlen(receivable), p->acct,
						   p->acct_len, &id))
			recv_spelling = xstrndup(p->acct, (size_t)(id.p - 1 - p->acct));
		if (!chart_client(unbilled, strlen(unbilled), p->acct, p->acct_len, &id))
			continue;
		/* Written to PREFIX:ID as the journal spells it, even when met as PREFIX:ID:SUB. */
		size_t alen = (size_t)(id.p - p->acct) + id.n;
		struct cl *c = client_get(id.p, id.n, p->acct, alen);
		struct lot *l = lot_get(c, p->amt.com);

		if (!*c->acct) {
			free(c->acct);
			c->acct = xstrndup(p->acct, alen);
		}
		if (is_inv && amount_sign(&p->amt) < 0) {
			struct amount credit = p->amt;

			amount_neg(&credit);
			if ((ranged && consume_listed(l, t, &credit) < 0) ||
			    consume(l, credit, ranged ? r.lo : DATE_NONE, ranged ? r.hi : t->date,
				    t->date) < 0)
				goto overflow;
		} else {
			lot_add(l, t, described(t, tg, id), &p->amt);
		}
	}
	return 0;
overflow:
	terr_set(e, it->file, it->line, "amount too large to hold exactly");
	return -1;
}

static int
by_id(const void *a, const void *b)
{
	return strcmp(((const struct cl *)a)->id, ((const struct cl *)b)->id);
}

static bool
known_client(const char *name)
{
	if (clients_find(payers, (struct span){name, strlen(name)}))
		return true;
	for (size_t i = 0; i < ncls; i++)
		if (vocab_same_client((struct span){name, strlen(name)},
				      (struct span){cls[i].id, strlen(cls[i].id)}))
			return true;
	return false;
}

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
write_taxed(struct out *o, const struct cl *pc, const char *payer, const struct amount *base,
	    const struct part *parts, size_t nparts, struct terr *e)
{
	static const struct tax_rule none;
	struct taxes t = taxes;
	struct amount tax, wh, total, neg;
	char buf[AMOUNT_BUF], label[96], *racct;

	t.tax = rule_for(&taxes.tax, pc ? &pc->tax : &none);
	t.wh = rule_for(&taxes.wh, pc ? &pc->wh : &none);
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
	racct = xmalloc(strlen(receivable) + strlen(payer) + 2);
	sprintf(racct, "%s:%s", recv_spelling ? recv_spelling : receivable, payer);
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
	size_t payer;       /* its index in write_invoices' list of payers */
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

static const char **sorting;  /* by_name's names */

static int
by_name(const void *a, const void *b)
{
	return strcmp(sorting[*(const size_t *)a], sorting[*(const size_t *)b]);
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

static int
by_com_id(const void *a, const void *b)
{
	return strcmp(commodity_name(*(const int *)a), commodity_name(*(const int *)b));
}

static struct cl *
find_cl(const char *id)
{
	for (size_t i = 0; i < ncls; i++)
		if (strcmp(cls[i].id, id) == 0)
			return &cls[i];
	return NULL;
}

/* --client names the payer or one of the clients it pays for. */
static bool
wanted(const char *payer, const struct cl *c)
{
	struct span o = {only_client, only_client ? strlen(only_client) : 0};

	return !only_client || vocab_same_client(o, (struct span){payer, strlen(payer)}) ||
	       vocab_same_client(o, (struct span){c->id, strlen(c->id)});
}

/*
 * The invoice of one payer in one commodity: its lines (several clients' when it pays for
 * others, in date order, each named), nothing when they sum to zero or less.
 */
static int
write_one(struct out *o, const char *payer, struct line *ln, size_t n, struct terr *e)
{
	struct cl *pc = find_cl(payer);
	long terms = pc && pc->terms >= 0 ? pc->terms : default_terms;
	struct amount total = {0, 0, ln[0].com};
	struct part *parts = xcalloc(n, sizeof *parts);
	size_t nparts = 0;
	char date[11], due[11], buf[AMOUNT_BUF];
	int y, m, d, rc = -1;
	bool family = false;

	date_to_ymd(inv_date, &y, &m, &d);
	date_format(date, inv_date);
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
	if (inv_date + (tdate)terms >= date_from_ymd(10000, 1, 1)) {
		terr_set(e, NULL, 0, "%s's invoice would fall due after 9999-12-31", payer);
		goto done;
	}
	if (family)
		qsort(ln, n, sizeof *ln, by_date);
	date_format(due, inv_date + (tdate)terms);
	out_printf(o, "\n%s (%s%04d-%04ld) Invoice %s\n", date, prefix, y, ++last_seq, payer);
	out_printf(o, "    ; invoice: %s%04d-%04ld\n    ; client: %s\n    ; due: %s\n",
		   prefix, y, last_seq, payer, due);
	for (size_t i = 0; i < n; i++) {
		const struct item *it = ln[i].it;
		char idate[11];

		if (amount_is_zero(&it->rem))
			continue;
		date_format(idate, it->date);
		amount_format(buf, sizeof buf, &it->rem);
		if (!same(ln[i].c->id, payer))  /* whose session it was */
			out_printf(o, "    ; item: %s | %s | %s: %s\n", idate, buf,
				   identity_name(identities_find(names, ln[i].c->id), ln[i].c->id),
				   it->desc);
		else
			out_printf(o, "    ; item: %s | %s | %s\n", idate, buf, it->desc);
	}
	rc = write_taxed(o, pc, payer, &total, parts, nparts, e);
done:
	free(parts);
	return rc;
}

/*
 * Writes one new invoice entry per payer and commodity with something left to invoice: a
 * client's amounts go to the client who pays for it on their date (bill-to:), else its own.
 */
static int
write_invoices(struct out *o, struct terr *e)
{
	struct line *ln = NULL;
	const char **who = NULL;
	size_t *ord;
	int *coms = NULL;
	size_t n = 0, cap = 0, nwho = 0, ncoms = 0;
	int rc = 0;

	if (ncls > 1)
		qsort(cls, ncls, sizeof *cls, by_id);
	for (size_t i = 0; i < ncls; i++) {
		struct cl *c = &cls[i];

		for (size_t k = 0; k < c->nlot; k++)
			for (size_t j = 0; j < c->lot[k].n; j++) {
				const struct item *it = &c->lot[k].it[j];
				const char *p;
				size_t w;

				if (!it->desc)
					continue;
				p = clients_payer_id(payers, c->id, it->date);
				if (!wanted(p, c))
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
				rc = write_one(o, who[ord[w]], mine, m, e);
			free(mine);
		}
	}
	free(ln);
	free(who);
	free(ord);
	free(coms);
	return rc;
}

/* ---- --show: one invoice as a document ---- */

struct shown {
	bool found;
	char *number, *client, *date, *due;
	long terms;
	char **items;       /* "DATE | AMOUNT | DESCRIPTION" as the entry lists them */
	size_t nitems;
	const struct invoice *inv;
	struct conf *conf;
	struct identities *ids;
	const struct identity *who;  /* the client's name, address, tax ID and email */
	char *tax, *wh;     /* the tax: and withholding: tags ("IVA 21% | 105.00 EUR"), or NULL */
	char *renew;        /* with 1 or 0 package sessions left on the invoice's date: the note */
};

static int
keep_item(const struct vval *v, void *arg)
{
	struct shown *s = arg;

	s->items = xrealloc(s->items, (s->nitems + 1) * sizeof *s->items);
	s->items[s->nitems++] = span_dup(v->raw);
	return 0;
}

/* A date as the document's language writes it: 2026-12-15, 15/12/2026 (as the statement). */
static void
lang_date(char *buf, tdate d)
{
	catalog_date(buf, 11, d, "invoice");
}

static void
capture(struct shown *s, const struct jitem *it, const struct invoice *in)
{
	char buf[11];
	struct span v;

	s->found = true;
	s->number = xstrdup(in->number);
	s->client = xstrdup(in->client);
	lang_date(buf, in->date);
	s->date = xstrdup(buf);
	lang_date(buf, in->due);
	s->due = xstrdup(buf);
	s->terms = in->due - in->date;
	vocab_each(it->txn, VT_ITEM, keep_item, s);
	s->tax = tag_find(it->txn->comment, "tax", &v) ? span_dup(v) : NULL;
	s->wh = tag_find(it->txn->comment, "withholding", &v) ? span_dup(v) : NULL;
}

static void
put(struct out *o, const char *v, size_t n)
{
	if (format == F_HTML) {
		html_text(o, v, n);
		return;
	}
	for (size_t i = 0; i < n; i++) {
		if (format == F_MD && strchr("\\`*_[]<>|#", v[i]))
			out_write(o, "\\", 1);
		out_write(o, &v[i], 1);
	}
}

/* Splits "DATE | AMOUNT | DESCRIPTION" into its three fields (missing ones empty). */
static void
split_item(const char *s, struct span f[3])
{
	for (int k = 0; k < 3; k++) {
		const char *bar = k < 2 ? strstr(s, " | ") : NULL;

		f[k].p = s;
		f[k].n = bar ? (size_t)(bar - s) : strlen(s);
		s = bar ? bar + 3 : s + strlen(s);
	}
}

static void
put_items(struct out *o, const struct shown *s)
{
	struct span f[3];

	for (size_t i = 0; i < s->nitems; i++) {
		char d[11], amt[AMOUNT_BUF];
		struct amount a;
		tdate day;
		const char *why;

		split_item(s->items[i], f);
		/* the item's date and amount written as the rest of the document writes them */
		if (date_parse(f[0].p, f[0].n, 0, &day, &why) == (long)f[0].n) {
			lang_date(d, day);
			f[0] = (struct span){d, strlen(d)};
		}
		if (amount_parse(f[1].p, f[1].n, &a, false, &why) == (long)f[1].n) {
			amount_format_lang(amt, sizeof amt, &a, lang);
			f[1] = (struct span){amt, strlen(amt)};
		}
		if (format == F_TXT) {
			out_printf(o, "%-10.*s  %-44.*s  %14.*s\n", (int)f[0].n, f[0].p,
				   (int)f[2].n, f[2].p, (int)f[1].n, f[1].p);
			continue;
		}
		out_puts(o, format == F_HTML ? "<tr><td>" : "| ");
		put(o, f[0].p, f[0].n);
		out_puts(o, format == F_HTML ? "</td><td>" : " | ");
		put(o, f[2].p, f[2].n);
		out_puts(o, format == F_HTML ? "</td><td class=\"num\">" : " | ");
		put(o, f[1].p, f[1].n);
		out_puts(o, format == F_HTML ? "</td></tr>\n" : " |\n");
	}
}

/* A value of several lines (an address): one line per line in the document's own way. */
static void
put_lines(struct out *o, const char *v)
{
	const char *nl;

	while (v && *v) {
		nl = strchr(v, '\n');
		put(o, v, nl ? (size_t)(nl - v) : strlen(v));
		if (!nl)
			break;
		out_puts(o, format == F_HTML ? "<br>" : format == F_MD ? "  \n" : "\n         ");
		v = nl + 1;
	}
}

/* One line of the totals block: label and amount, in the template's own layout. */
static void
put_total(struct out *o, const char *label, const char *amt)
{
	if (format == F_HTML) {
		out_puts(o, "<tr><td></td><th>");
		put(o, label, strlen(label));
		out_puts(o, "</th><td class=\"num\">");
		put(o, amt, strlen(amt));
		out_puts(o, "</td></tr>\n");
	} else if (format == F_MD) {
		out_puts(o, "**");
		put(o, label, strlen(label));
		out_puts(o, ":** ");
		put(o, amt, strlen(amt));
		out_puts(o, "  \n");
	} else {
		/* the text templates align amounts after "Total:   " (en) or "Total:       " (es) */
		int w = conf_get(words, "label-width") ? atoi(conf_get(words, "label-width")) : 9;
		int n = (int)strlen(label) + 2;

		out_printf(o, "%s:%*s%s\n", label, n > w ? 1 : w - n + 1, "", amt);
	}
}

/*
 * {{taxes}}: the base, then the tax and the withholding as the invoice entry's tax: and
 * withholding: tags say ("IVA 21% | 105.00 EUR"), the withholding as a negative line.
 * Nothing when the invoice has no tax tags.
 */
static void
put_taxes(struct out *o, const struct shown *s)
{
	const char *tag[2] = {s->tax, s->wh};
	struct amount base = s->inv->total, a;
	char buf[AMOUNT_BUF], label[128];
	const char *why, *bar;

	if (!s->tax && !s->wh)
		return;
	for (int k = 0; k < 2; k++) {
		if (!tag[k] || !(bar = strstr(tag[k], " | ")))
			continue;
		if (amount_parse(bar + 3, strlen(bar + 3), &a, false, &why) < 0)
			continue;
		if (k == 0)
			amount_neg(&a);
		if (amount_add(&base, &base, &a) < 0)
			return;
	}
	amount_format_lang(buf, sizeof buf, &base, lang);
	put_total(o, conf_get(words, "base") ? conf_get(words, "base") : "Base", buf);
	for (int k = 0; k < 2; k++) {
		if (!tag[k] || !(bar = strstr(tag[k], " | ")) ||
		    amount_parse(bar + 3, strlen(bar + 3), &a, false, &why) < 0)
			continue;
		if (k == 1)
			amount_neg(&a);
		snprintf(label, sizeof label, "%.*s", (int)(bar - tag[k]), tag[k]);
		amount_format_lang(buf, sizeof buf, &a, lang);
		put_total(o, label, buf);
	}
}

static bool
field(struct out *o, const char *key, size_t n, void *arg)
{
	const struct shown *s = arg;
	static const char *const conf_keys[] = {"name", "address", "tax-id", "bank", "email", NULL};
	char buf[AMOUNT_BUF];
	struct amount a;
	const char *v = NULL;

#define IS(k) (n == strlen(k) && memcmp(key, k, n) == 0)
	for (int i = 0; conf_keys[i]; i++) {
		char pk[32];

		snprintf(pk, sizeof pk, "provider-%s", conf_keys[i]);
		if (IS(pk)) {
			v = conf_get(s->conf, conf_keys[i]);
			put(o, v ? v : "", v ? strlen(v) : 0);
			return true;
		}
	}
	if (IS("items")) {
		put_items(o, s);
		return true;
	}
	if (IS("terms")) {
		out_printf(o, "%ld", s->terms);
		return true;
	}
	if (IS("total") || IS("paid") || IS("open")) {
		a = IS("total") ? s->inv->total : s->inv->paid;
		if (IS("open")) {
			struct amount paid = s->inv->paid;

			amount_neg(&paid);
			amount_add(&a, &s->inv->total, &paid);
		}
		a.com = s->inv->total.com;
		amount_format_lang(buf, sizeof buf, &a, lang);
		put(o, buf, strlen(buf));
		return true;
	}
	if (IS("taxes")) {
		put_taxes(o, s);
		return true;
	}
	if (IS("tax-note")) {
		if (s->tax && strstr(s->tax, " exempt |") && taxes.exempt_text)
			put(o, taxes.exempt_text, strlen(taxes.exempt_text));
		return true;
	}
	if (IS("renewal")) {
		if (s->renew && format == F_TXT)
			out_wrap(o, s->renew, strlen(s->renew), "", 78);
		else if (s->renew)
			put(o, s->renew, strlen(s->renew));
		return true;
	}
	if (IS("client-address")) {
		put_lines(o, s->who ? s->who->address : NULL);
		return true;
	}
	v = IS("number") ? s->number : IS("client") ? identity_name(s->who, s->client) :
	    IS("client-id") ? s->client : IS("client-tax-id") ? (s->who ? s->who->tax_id : NULL) :
	    IS("client-email") ? (s->who ? s->who->email : NULL) :
	    IS("date") ? s->date : IS("due") ? s->due : NULL;
	if (!v && (IS("client-tax-id") || IS("client-email")))
		v = "";
#undef IS
	if (!v)
		return false;
	put(o, v, strlen(v));
	return true;
}

/*
 * {{KEY|TEXT}}: TEXT and then KEY's value, or nothing at all when the value is empty, so that
 * a template prints "Tax ID: ..." (on its own line, TEXT may hold the newline) only when
 * there is one.
 */
static bool
field_opt(struct out *o, const char *key, size_t n, void *arg)
{
	const char *bar = memchr(key, '|', n);
	struct mail_doc d;
	struct out *v;
	bool known;

	if (!bar)
		return field(o, key, n, arg);
	v = mail_doc_open(&d);
	known = field(v, key, (size_t)(bar - key), arg);
	mail_doc_close(&d, v);
	if (known && d.n) {
		out_write(o, bar + 1, n - (size_t)(bar + 1 - key));
		out_write(o, d.p, d.n);
	}
	mail_doc_free(&d);
	return known;
}

static void
shown_free(struct shown *s)
{
	free(s->number);
	free(s->client);
	free(s->date);
	free(s->due);
	for (size_t i = 0; i < s->nitems; i++)
		free(s->items[i]);
	free(s->items);
	conf_free(s->conf);
	identities_free(s->ids);
	free(s->tax);
	free(s->wh);
	free(s->renew);
}

/*
 * {{#key}}...{{/key}}, as in the agreement's templates: the block stays (without its marks)
 * when key has a value, else it goes, so that "Please pay to , quoting..." never prints.
 * Done in place on the template text.
 */
static void
sections(char *t, struct shown *s)
{
	char *open, *close, *end, mark[80];
	struct mail_doc d;
	struct out *v;
	size_t kn;

	while ((open = strstr(t, "{{#")) && (close = strstr(open + 3, "}}"))) {
		kn = (size_t)(close - open - 3);
		snprintf(mark, sizeof mark, "{{/%.*s}}", (int)kn, open + 3);
		if (kn + 6 > sizeof mark || !(end = strstr(close + 2, mark))) {
			t = close + 2;  /* not a block: left as it stands */
			continue;
		}
		v = mail_doc_open(&d);
		field(v, open + 3, kn, s);
		mail_doc_close(&d, v);
		if (d.n) {  /* keep the inside */
			memmove(end, end + strlen(mark), strlen(end + strlen(mark)) + 1);
			memmove(open, close + 2, strlen(close + 2) + 1);
		} else {
			memmove(open, end + strlen(mark), strlen(end + strlen(mark)) + 1);
		}
		mail_doc_free(&d);
		t = open;
	}
}

static int
render(struct out *o, struct shown *s, struct terr *e)
{
	static const char *const ext[] = {"txt", "html", "md"};
	char name[64], *dir = policy_sharedir("templates"), *tmpl;

	snprintf(name, sizeof name, "invoice.%s.%s", lang, ext[format]);
	tmpl = invoices_template(dir, name, e);
	free(dir);
	if (!tmpl)
		return -1;
	sections(tmpl, s);
	invoices_fill(o, tmpl, field_opt, s);
	free(tmpl);
	return 0;
}

/* A word of the catalog ("invoice") filled in as a template ("Invoice {{number}}"): plain text. */
static void
word(char *buf, size_t size, const char *key, struct shown *s)
{
	struct mail_doc d;
	struct out *o = mail_doc_open(&d);
	int f = format;

	format = F_TXT;
	invoices_fill(o, conf_get(words, key) ? conf_get(words, key) : "{{number}}", field_opt, s);
	format = f;
	mail_doc_close(&d, o);
	snprintf(buf, size, "%.*s", (int)d.n, d.p ? d.p : "");
	mail_doc_free(&d);
}

/* -O pdf: the text invoice drawn on the paper tally.conf names. */
static int
render_pdf(struct out *o, struct shown *s, struct terr *e)
{
	struct mail_doc txt;
	struct out *t = mail_doc_open(&txt);
	char title[128];
	int r;

	format = F_TXT;
	r = render(t, s, e);
	format = F_PDF;
	mail_doc_close(&txt, t);
	word(title, sizeof title, "title", s);
	if (r == 0)
		r = pdf_from_text(o, txt.p, txt.n, &(struct pdf_opts){
				  .paper = conf_get(s->conf, "paper"), .title = title,
				  .author = conf_get(s->conf, "name"), .rtl = conf_get(words, "dir") &&
				  strcmp(conf_get(words, "dir"), "rtl") == 0}, e);
	mail_doc_free(&txt);
	return r;
}

/* -O eml: the invoice as mail, its text and HTML renderings as the two alternatives and
 * the PDF attached. */
static int
render_mail(struct out *o, struct shown *s, struct terr *e)
{
	struct mail_doc txt, html, pdf;
	struct out *t = mail_doc_open(&txt), *h = mail_doc_open(&html), *pd = mail_doc_open(&pdf);
	char pdfname[160];
	struct mailbox *mb = maildir ? mail_maildir(maildir, e) : mail_mbox(o);
	const struct conf *c = s->conf;
	char subject[256];
	int r;

	format = F_TXT;
	r = render(t, s, e);
	format = F_HTML;
	if (r == 0)
		r = render(h, s, e);
	if (r == 0)
		r = render_pdf(pd, s, e);
	format = F_EML;
	mail_doc_close(&txt, t);
	mail_doc_close(&html, h);
	mail_doc_close(&pdf, pd);
	snprintf(pdfname, sizeof pdfname, "%s.pdf", s->number);
	word(subject, sizeof subject, "subject", s);
	if (r == 0 && mb)
		r = mail_add(mb, &(struct mail_msg){
			.from_name = conf_get(c, "name"), .from_addr = conf_get(c, "email"),
			.client = s->client, .to_name = identity_name(s->who, s->client),
			.to_addr = s->who ? s->who->email : NULL, .subject = subject,
			.text = txt.p, .html = html.p, .lang = lang, .attach_name = pdfname,
			.attach = pdf.p, .attach_len = pdf.n}, e);
	if (!mb)
		r = -1;
	else if (r < 0)
		mail_abort(mb);
	else
		r = mail_commit(mb, e);
	mail_doc_free(&txt);
	mail_doc_free(&html);
	mail_doc_free(&pdf);
	return r;
}

/*
 * The renewal note: package sessions counted in date order through the book up to the
 * invoice's date; with 1 or 0 left, the statement's words for it.
 */
static int
renewal(struct shown *s, char **files, size_t nfiles, const struct chart *ch, tdate d,
	struct terr *e)
{
	const struct clients_opts accts = {ch->acct[CH_UNBILLED], ch->acct[CH_PREPAID],
					   ch->acct[CH_DEPOSITS]};
	struct book *b = book_read_until(files, nfiles, &accts, d + 1, e);
	const char *note;
	long left;

	if (!b)
		return -1;
	left = book_package_left(b, s->client, d);
	book_free(b);
	if (left < 0 || left > 1)
		return 0;
	if ((note = catalog_get("statement", left ? "renew-1" : "renew-0")))
		s->renew = xstrdup(note);
	return 0;
}

/* The language's words: its catalog in context "invoice" (catalog_use comes first). */
static struct conf *
load_words(struct terr *e)
{
	if (catalog_use(lang, e) < 0)
		return NULL;
	return conf_catalog("invoice");
}

/* Global, so that an early exit leaves it reachable rather than leaked. */
static char **fopts;

int
main(int argc, char **argv)
{
	static const struct option opts[] = {
		{"period", required_argument, NULL, 'p'},
		{"begin", required_argument, NULL, 'b'},
		{"end", required_argument, NULL, 'e'},
		{"date", required_argument, NULL, 'D'},
		{"client", required_argument, NULL, 'C'},
		{"prefix", required_argument, NULL, 'P'},
		{"terms", required_argument, NULL, 'T'},
		CHART_OPTIONS,
		{"in-place", required_argument, NULL, 'i'},
		{"show", required_argument, NULL, 'S'},
		{"void", required_argument, NULL, 'X'},
		{"output-format", required_argument, NULL, 'O'},
		{"lang", required_argument, NULL, 'L'},
		{"conf", required_argument, NULL, 'c'},
		{"maildir", required_argument, NULL, 'M'},
		{"file", required_argument, NULL, 'f'},
		{"help", no_argument, NULL, 'h'},
		{"version", no_argument, NULL, 'V'},
		{NULL, 0, NULL, 0},
	};
	static const char *const formats[] = {"txt", "html", "md", "eml", "pdf", NULL};
	char **files, *endp;
	const char *inplace = NULL;
	size_t nf = 0, nfiles;
	struct journal *j;
	struct jitem *it;
	struct invoices *v = NULL;
	struct shown sh = {0};
	struct cnote *cn = NULL;
	struct out *o;
	struct wpath *w;
	struct terr e = {0};
	struct vtags tg;
	struct chart chart;
	int c, r, status = 0;
	const char *why;

	chart_init(&chart);
	fopts = xcalloc((size_t)argc + 1, sizeof *fopts);
	while ((c = getopt_long(argc, argv, "p:b:e:i:O:f:h", opts, NULL)) != -1) {
		if (chart_option(&chart, c, optarg))
			continue;
		switch (c) {
		case 'p':
		case 'b':
		case 'e':
			if (range_option(c, optarg, &begin, &end, &why) < 0) {
				fprintf(stderr, "%s: %s: %s\n", prog, why, optarg);
				return 2;
			}
			break;
		case 'D': inv_date = date_opt(optarg); break;
		case 'C': only_client = optarg; break;
		case 'P':
			prefix = optarg;
			if (strspn(prefix, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
					   "0123456789-_/.") != strlen(prefix)) {
				fprintf(stderr, "%s: bad prefix: %s\n", prog, prefix);
				return 2;
			}
			break;
		case 'T':
			default_terms = strtol(optarg, &endp, 10);
			if (*endp || endp == optarg || default_terms < 0 || default_terms > 3650) {
				fprintf(stderr, "%s: bad terms: %s\n", prog, optarg);
				return 2;
			}
			break;
		case 'i': inplace = optarg; break;
		case 'S': show = optarg; break;
		case 'X': void_number = optarg; break;
		case 'O':
			if ((r = format_parse(optarg, formats)) < 0) {
				fprintf(stderr, "%s: unknown output format: %s\n", prog, optarg);
				return 2;
			}
			format = r;
			break;
		case 'L':
			/* a language is its catalog and its templates, invoice.LANG.FORMAT */
			if (!catalog_lang_ok(optarg) || catalog_use(optarg, &e) < 0) {
				fprintf(stderr, "%s: unknown language: %s\n", prog, optarg);
				return 2;
			}
			lang = optarg;
			break;
		case 'c': conf_path = optarg; break;
		case 'M': maildir = optarg; break;
		case 'f': fopts[nf++] = optarg; break;
		case 'h': usage(stdout, 0); break;
		case 'V': printf("%s %s\n", prog, TALLY_VERSION); return 0;
		default: usage(stderr, 2);
		}
	}
	unbilled = chart.acct[CH_UNBILLED];
	receivable = chart.acct[CH_RECEIVABLE];
	if (show && void_number) {
		fprintf(stderr, "%s: --show and --void: choose one\n", prog);
		return 2;
	}
	if (!show && !void_number && (begin == DATE_NONE || end == DATE_NONE || begin >= end)) {
		fprintf(stderr, "%s: a period is needed: -p PERIOD, or -b DATE and -e DATE\n", prog);
		usage(stderr, 2);
	}
	if (((format == F_EML || format == F_PDF) && !show) || (maildir && format != F_EML)) {
		fprintf(stderr, "%s: %s\n", prog, format == F_EML ? "-O eml needs --show NUMBER" :
			format == F_PDF ? "-O pdf needs --show NUMBER" : "--maildir needs -O eml");
		return 2;
	}
	if (inplace) {
		if (show || nf || optind < argc) {
			fprintf(stderr, "%s: -i FILE reads FILE only\n", prog);
			return 2;
		}
		fopts[nf++] = (char *)inplace;
	}
	if (inv_date == DATE_NONE)
		inv_date = void_number ? date_today() : end;  /* end is exclusive: the day after */
	int iy, im, id;

	date_to_ymd(inv_date, &iy, &im, &id);
	if (!show && (iy < 1 || iy > 9999)) {  /* -p 9999-12: dated the day after, in 10000 */
		fprintf(stderr, "%s: invoices for this period would be dated after 9999-12-31; "
			"give --date\n", prog);
		return 2;
	}
	seq_year = iy;
	nfiles = input_files(fopts, nf, argv + optind, (size_t)(argc - optind), &files);
	if (!(sh.conf = invoices_conf(conf_path, nfiles ? files[0] : NULL, &e)) ||
	    taxes_conf(sh.conf, &taxes, &e) < 0 || !(words = load_words(&e))) {
		terr_print(prog, &e);  /* before conf_free: e names the conf's file */
		conf_free(sh.conf);
		input_free(files, nfiles);
		free(fopts);
		return 1;
	}
	w = wpath_new(files, nfiles);
	if ((r = wpath_add(w, inplace, WP_EDIT, &o, &e)) != 0 || wpath_open(w, &e) < 0) {
		terr_print(prog, &e);
		wpath_abort(w);
		input_free(files, nfiles);
		free(fopts);
		conf_free(sh.conf);
		return r == WPATH_REFUSED ? 2 : 1;
	}
	if (show) {
		v = invoices_new(receivable);
		sh.ids = identities_new();
		if (book_spool_stdin(files, nfiles, &e) < 0) {  /* the book reads it again */
			terr_print(prog, &e);
			status = 1;
		}
	}
	payers = clients_new(NULL);
	names = identities_new();
	if (void_number)
		cn = cnote_new(void_number, inv_date, &(struct cnote_opts){
			conf_get(sh.conf, "credit-note-prefix"), receivable, unbilled,
			conf_get(sh.conf, "credit-note-account")});
	j = journal_open((const char *const *)files, nfiles, 0);
	while ((r = journal_next(j, &it)) != 0) {
		if (r < 0) {
			terr_print(prog, journal_error(j));
			status = 1;
			continue;
		}
		if (status)
			continue;
		if (it->kind == J_TXN && vocab_entry(it, &tg, &e, NULL, NULL) > 0) {
			terr_print(prog, &e);
			status = 1;
			continue;
		}
		if (show) {
			if (invoices_observe(v, it, &e) < 0 || identities_observe(sh.ids, it, &e) < 0) {
				terr_print(prog, &e);
				status = 1;
			} else if (!sh.found && it->kind == J_TXN) {
				const struct invoice *in = invoices_find(v, show);

				if (in && in->line == it->line && strcmp(in->file, it->file) == 0)
					capture(&sh, it, in);
			}
			continue;
		}
		if (it->depth == 0)
			write_item(o, it, NULL, 0);
		if (cn) {
			cnote_observe(cn, it, &e);
			continue;
		}
		if (it->kind == J_TXN && observe(it, &tg, &e) < 0) {
			terr_print(prog, &e);
			status = 1;
		}
	}
	journal_close(j);
	if (!status && show) {
		if (!sh.found) {
			fprintf(stderr, "%s: no invoice %s\n", prog, show);
			status = 1;
		} else {
			sh.inv = invoices_find(v, show);
			sh.who = identities_find(sh.ids, sh.client);
			if (renewal(&sh, files, nfiles, &chart, sh.inv->date, &e) < 0 ||
			    (format == F_EML ? render_mail(o, &sh, &e) : format == F_PDF ?
			     render_pdf(o, &sh, &e) : render(o, &sh, &e)) < 0) {
				terr_print(prog, &e);
				status = 1;
			}
		}
	} else if (!status && only_client && !known_client(only_client)) {
		fprintf(stderr, "%s: unknown client: %s\n", prog, only_client);
		status = 1;
	} else if (!status && cn) {
		char number[64];

		write_end(o);
		if (cnote_write(cn, o, number, sizeof number, &e) < 0) {
			terr_print(prog, &e);
			status = 1;
		}
	} else if (!status) {
		write_end(o);  /* a missing newline, an open comment block: invoices stay entries */
		if (write_invoices(o, &e) < 0) {
			terr_print(prog, &e);
			status = 1;
		}
	}
	if (status)
		wpath_abort(w);
	else if (wpath_commit(w, &e) < 0) {
		terr_print(prog, &e);
		status = 1;
	}
	for (size_t i = 0; i < ncls; i++) {
		for (size_t k = 0; k < cls[i].nlot; k++) {
			for (size_t n = 0; n < cls[i].lot[k].n; n++)
				free(cls[i].lot[k].it[n].desc);
			free(cls[i].lot[k].it);
		}
		free(cls[i].lot);
		free(cls[i].id);
		free(cls[i].acct);
	}
	free(cls);
	free(recv_spelling);
	clients_free(payers);
	identities_free(names);
	shown_free(&sh);
	conf_free(words);
	cnote_free(cn);
	invoices_free(v);
	input_free(files, nfiles);
	free(fopts);
	if (fshut_stdout(prog) < 0)
		status = 1;
	commodity_reset();
	return status;
}
