/*
 * tally-close: the year end. Reads the old year's journal and writes the new year's
 * opening: open invoices re-stated with their numbers, dates and due dates, unbilled
 * amounts per client, package credit left (a `package:` purchase of the sessions left),
 * each client's terms, the last invoice number of each series, and every other balance in
 * one opening entry; income and expenses go to retained earnings. Entries dated on or after
 * the close date belong to the new year: they follow, byte for byte.
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "tally.h"

static const char *prog = "tally-close";
static char **fopts;
static tdate end = DATE_NONE;
static const char *opening = "Equity:Opening", *retained = "Equity:Retained earnings";
static struct chart chart;
static struct accounts *bal;     /* the old year's balances */
static struct accounts *posted;  /* what the re-stated entries already carry */
static char date[11];            /* the close date, as written */

static void
usage(FILE *f, int status)
{
	fprintf(f, "usage: %s -e DATE [--opening ACCT] [--retained ACCT] [--unbilled ACCT]\n"
		   "       [--receivable ACCT] [--prepaid ACCT] [--deposits ACCT] [-f FILE]... [FILE]...\n",
		   prog);
	exit(status);
}

static bool
under(const char *a, size_t n, const char *pre)
{
	size_t k = strlen(pre);

	return n >= k && strncasecmp(a, pre, k) == 0 && (n == k || a[k] == ':');
}

/* Income and expenses: closed into retained earnings, not carried. */
static bool
profit_or_loss(const char *a, size_t n)
{
	static const char *const pl[] = {"income", "incomes", "revenue", "revenues", "expense",
					 "expenses", NULL};

	for (size_t i = 0; pl[i]; i++)
		if (under(a, n, pl[i]))
			return true;
	return false;
}

/* Directives a new file needs, that change no account name: declarations. */
static bool
declaration(struct span w)
{
	static const char *const keep[] = {"account", "commodity", "D", "decimal-mark", "payee",
					   "tag", NULL};

	for (size_t i = 0; keep[i]; i++)
		if (span_eq(w, keep[i]))
			return true;
	return false;
}

/* The client's account under prefix as the journal spells it, else PREFIX:ID. */
static char *
client_acct(enum chart_acct which, const char *id)
{
	const char *pre = chart.acct[which];
	struct span s;
	char *r;

	for (size_t i = 0; i < accounts_count(bal); i++) {
		struct account *a = accounts_at(bal, i);

		if (chart_client(pre, strlen(pre), a->name, a->len, &s) && s.n == strlen(id) &&
		    memcmp(s.p, id, s.n) == 0)
			return xstrndup(a->name, (size_t)(s.p - a->name) + s.n);
	}
	r = xmalloc(strlen(pre) + strlen(id) + 2);
	sprintf(r, "%s:%s", pre, id);
	return r;
}

/* Keeps acct += amt, opening -= amt as posted. -1 on overflow. */
static int
record(const char *acct, const struct amount *amt)
{
	struct amount neg = *amt;

	amount_neg(&neg);
	if (account_add(accounts_get(posted, acct, strlen(acct)), amt) < 0 ||
	    account_add(accounts_get(posted, opening, strlen(opening)), &neg) < 0)
		return -1;
	return 0;
}

/* Writes acct += amt and opening -= amt, and keeps them as posted. -1 on overflow. */
static int
post_pair(struct out *o, const char *acct, const struct amount *amt)
{
	struct amount neg = *amt;

	amount_neg(&neg);
	write_posting(o, acct, amt, NULL);
	write_posting(o, opening, &neg, NULL);
	if (account_add(accounts_get(posted, acct, strlen(acct)), amt) < 0 ||
	    account_add(accounts_get(posted, opening, strlen(opening)), &neg) < 0)
		return -1;
	return 0;
}

/* Invoices carried over in date order, then by number, wherever they were in the file. */
struct placed {
	const struct invoice *in;
	size_t i;  /* its place in invoices_at order (restated[]) */
};

static int
by_date(const void *a, const void *b)
{
	const struct invoice *x = ((const struct placed *)a)->in;
	const struct invoice *y = ((const struct placed *)b)->in;

	if (x->date != y->date)
		return x->date < y->date ? -1 : 1;
	return strcmp(x->number, y->number);
}

static int
write_invoices(struct out *o, struct invoices *inv, const struct yearend *ye, bool **restated)
{
	char d[11], due[11];
	size_t n = invoices_count(inv);
	struct placed *sorted = xcalloc(n + 1, sizeof *sorted);
	int rc = 0;

	*restated = xcalloc(n + 1, sizeof **restated);
	for (size_t i = 0; i < n; i++)
		sorted[i] = (struct placed){invoices_at(inv, i), i};
	qsort(sorted, n, sizeof *sorted, by_date);
	for (size_t j = 0; j < n && rc == 0; j++) {
		const struct invoice *in = sorted[j].in;
		size_t i = sorted[j].i;
		struct amount open, paid = in->paid;
		char *acct;

		amount_neg(&paid);
		if (in->date >= end || amount_add(&open, &in->total, &paid) < 0)
			continue;
		open.com = in->total.com;
		if (amount_sign(&open) <= 0)
			continue;
		date_format(d, in->date);
		date_format(due, in->due);
		out_printf(o, "\n%s (%s) Invoice %s, carried over\n", d, in->number, in->client);
		out_printf(o, "    ; invoice: %s\n    ; client: %s\n    ; due: %s\n", in->number,
			   in->client, due);
		for (const char *l = yearend_items(ye, in->number), *nl; l && (nl = strchr(l, '\n'));
		     l = nl + 1)
			out_printf(o, "    ; item: %.*s\n", (int)(nl - l), l);
		acct = client_acct(CH_RECEIVABLE, in->client);
		/* The total and what was paid of it, so that aging shows both as before. */
		if (!amount_is_zero(&paid)) {
			write_posting(o, acct, &in->total, NULL);
			write_posting(o, acct, &paid, "paid before the close");
			amount_neg(&open);
			write_posting(o, opening, &open, NULL);
			amount_neg(&open);
		}
		int rv = amount_is_zero(&paid) ? post_pair(o, acct, &open) : record(acct, &open);

		free(acct);
		if (rv < 0) {
			rc = -1;
			break;
		}
		(*restated)[i] = true;
	}
	free(sorted);
	return rc;
}

static int
by_name(const void *x, const void *y)
{
	const struct client *a = *(struct client *const *)x, *b = *(struct client *const *)y;

	return strcmp(a->id, b->id);
}

/* Terms, unbilled amounts and package credit, client by client. */
static int
write_clients(struct out *o, struct clients *book, const struct yearend *ye)
{
	size_t n = clients_count(book);
	struct client **cs = xcalloc(n + 1, sizeof *cs);
	int rv = 0;

	for (size_t i = 0; i < n; i++)
		cs[i] = clients_at(book, i);
	qsort(cs, n, sizeof *cs, by_name);
	for (size_t i = 0; i < n && rv == 0; i++) {
		struct client *c = cs[i];
		const char *keys[64], *vals[64];
		size_t nt = yearend_terms(ye, c->id, keys, vals, 64);
		char *acct;

		if (nt) {
			out_printf(o, "\n%s Terms of %s, carried over\n    ; client: %s\n", date,
				   c->name, c->name);
			for (size_t k = 0; k < nt; k++)
				out_printf(o, "    ; %s: %s\n", keys[k], vals[k]);
		}
		acct = client_acct(CH_UNBILLED, c->id);
		struct account *u = accounts_find(bal, acct, strlen(acct));

		for (size_t b = 0; u && b < u->nbal && rv == 0; b++) {
			if (amount_is_zero(&u->bal[b].sum))
				continue;
			out_printf(o, "\n%s Unbilled sessions, carried over\n    ; client: %s\n", date,
				   c->name);
			rv = post_pair(o, acct, &u->bal[b].sum);
		}
		free(acct);
		for (size_t k = 0; k < c->npk && rv == 0; k++) {
			const struct client_package *p = &c->pk[k];
			struct amount left, spent = p->spent;
			char exp[11];

			if (p->lapsed || p->sessions <= p->used ||
			    (p->expires != DATE_NONE && p->expires < end))
				continue;
			amount_neg(&spent);
			if (amount_add(&left, &p->price, &spent) < 0) {
				rv = -1;
				break;
			}
			left.com = p->price.com;
			amount_neg(&left);
			out_printf(o, "\n%s * Package credit, carried over: %ld sessions\n"
				   "    ; client: %s\n    ; package: %ld\n", date, p->sessions - p->used,
				   c->name, p->sessions - p->used);
			if (p->expires != DATE_NONE) {
				date_format(exp, p->expires);
				out_printf(o, "    ; expires: %s\n", exp);
			}
			acct = xstrdup(client_account_name(book, c, C_PREPAID));
			rv = post_pair(o, acct, &left);
			free(acct);
		}
	}
	free(cs);
	return rv;
}

/* The last number of each series, for tally-invoice to go on from (when not re-stated). */
static void
write_numbers(struct out *o, const struct yearend *ye, struct invoices *inv,
	      const bool *restated)
{
	for (size_t i = 0; i < yearend_series(ye); i++) {
		const char *last = yearend_last(ye, i);
		const struct invoice *in = invoices_find(inv, last);
		bool shown = false;

		for (size_t k = 0; in && k < invoices_count(inv); k++)
			shown |= invoices_at(inv, k) == in && restated[k];
		if (!shown)
			out_printf(o, "\n%s Invoice numbering, carried over\n    ; invoice: %s\n",
				   date, last);
	}
}

/* Every balance the re-stated entries did not carry; income and expenses as retained. */
static int
write_opening(struct out *o)
{
	struct accounts *rest = accounts_new();
	struct account *ret = accounts_get(rest, retained, strlen(retained));
	int rv = 0;

	for (size_t i = 0; i < accounts_count(bal) && rv == 0; i++) {
		struct account *a = accounts_at(bal, i), *p = accounts_find(posted, a->name, a->len);
		struct account *to = profit_or_loss(a->name, a->len) ? ret :
				     accounts_get(rest, a->name, a->len);

		for (size_t b = 0; b < a->nbal && rv == 0; b++) {
			struct amount x = a->bal[b].sum, pp;

			if (p) {
				pp = account_balance(p, x.com);
				amount_neg(&pp);
				if (amount_add(&x, &x, &pp) < 0)
					rv = -1;
				x.com = a->bal[b].sum.com;
			}
			if (rv == 0 && account_add(to, &x) < 0)
				rv = -1;
		}
	}
	/* What was posted to accounts the old year never had (opening): take it back. */
	for (size_t i = 0; i < accounts_count(posted) && rv == 0; i++) {
		struct account *p = accounts_at(posted, i);

		if (accounts_find(bal, p->name, p->len))
			continue;
		for (size_t b = 0; b < p->nbal && rv == 0; b++) {
			struct amount x = p->bal[b].sum;

			amount_neg(&x);
			rv = account_add(accounts_get(rest, p->name, p->len), &x);
		}
	}
	accounts_sort(rest);
	bool head = false;  /* no entry at all when every balance is carried already */

	for (size_t i = 0; i < accounts_count(rest) && rv == 0; i++) {
		struct account *a = accounts_at(rest, i);

		for (size_t b = 0; b < a->nbal; b++) {
			if (amount_is_zero(&a->bal[b].sum))
				continue;
			if (!head)
				out_printf(o, "\n%s * Opening balances\n", date);
			head = true;
			write_posting(o, a->name, &a->bal[b].sum, NULL);
		}
	}
	accounts_free(rest);
	return rv;
}

int
main(int argc, char **argv)
{
	static const struct option opts[] = {
		{"end", required_argument, NULL, 'e'},
		{"opening", required_argument, NULL, 'o'},
		{"retained", required_argument, NULL, 'r'},
		{"file", required_argument, NULL, 'f'},
		{"help", no_argument, NULL, 'h'},
		{"version", no_argument, NULL, 'V'},
		CHART_OPTIONS,
		{NULL, 0, NULL, 0},
	};
	char **files;
	size_t nf = 0, nfiles;
	int c, rv, status = 0;
	struct terr e;
	struct clients_opts copts;
	const char *why;

	chart_init(&chart);
	fopts = xcalloc((size_t)argc, sizeof *fopts);
	while ((c = getopt_long(argc, argv, "e:f:h", opts, NULL)) != -1) {
		if (chart_option(&chart, c, optarg))
			continue;
		switch (c) {
		case 'e':
			if (date_parse(optarg, strlen(optarg), 0, &end, &why) != (long)strlen(optarg)) {
				fprintf(stderr, "%s: bad date: %s\n", prog, optarg);
				free(fopts);
				return 2;
			}
			break;
		case 'o': opening = optarg; break;
		case 'r': retained = optarg; break;
		case 'f': fopts[nf++] = optarg; break;
		case 'h': free(fopts); usage(stdout, 0); break;
		case 'V': printf("%s %s\n", prog, TALLY_VERSION); free(fopts); return 0;
		default: free(fopts); usage(stderr, 2);
		}
	}
	if (end == DATE_NONE) {
		fprintf(stderr, "%s: the close date is missing: -e DATE\n", prog);
		free(fopts);
		usage(stderr, 2);
	}
	date_format(date, end);
	nfiles = input_files(fopts, nf, argv + optind, (size_t)(argc - optind), &files);
	if (wpath_check_stdout(files, nfiles, &e) < 0) {
		terr_print(prog, &e);
		input_free(files, nfiles);
		free(fopts);
		return 2;
	}
	chart_clients_opts(&chart, &copts);
	/* the clients' package credit as the filters count it: in date order (the book) */
	struct book *bk = book_read_until(files, nfiles, &copts, end, &e);

	if (!bk) {
		terr_print(prog, &e);
		input_free(files, nfiles);
		free(fopts);
		return 1;
	}
	struct journal *j = journal_open((const char *const *)files, nfiles, 0);
	struct invoices *inv = invoices_new(chart.acct[CH_RECEIVABLE]);
	struct clients *book = book_clients(bk);
	struct vtags vt;
	struct yearend *ye = yearend_new();
	struct buf decl = {0}, after = {0};
	struct jitem *it;

	bal = accounts_new();
	posted = accounts_new();
	while ((rv = journal_next(j, &it)) != 0) {
		if (rv < 0) {
			terr_print(prog, journal_error(j));
			status = 1;
			continue;
		}
		if (status)
			continue;
		if (it->kind == J_DIRECTIVE && declaration(it->word)) {
			buf_put(&decl, it->text, it->len);
			continue;
		}
		bool dated = it->kind == J_TXN || it->kind == J_TIMELOG;

		if ((dated && it->txn->date >= end) || it->kind == J_PERIODIC || it->kind == J_AUTO) {
			buf_put(&after, "\n", 1);
			buf_put(&after, it->text, it->len);
			continue;
		}
		if (!dated)
			continue;
		for (size_t i = 0; i < it->txn->np; i++) {
			const struct posting *p = &it->txn->p[i];

			if (account_add(accounts_get(bal, p->acct, p->acct_len), &p->amt) < 0) {
				fprintf(stderr, "%s: %s:%ld: balance too large to hold exactly\n", prog,
					it->file, p->line);
				status = 1;
			}
		}
		yearend_observe(ye, it);
		/* every tag as the vocabulary reads it: what tally-check refuses is refused */
		if ((it->kind == J_TXN && vocab_entry(it, &vt, &e, NULL, NULL) > 0) ||
		    invoices_observe(inv, it, &e) < 0) {
			terr_print(prog, &e);
			status = 1;
		}
	}
	if (!status) {
		struct out *o = out_open(stdout);
		bool *restated = NULL;

		out_printf(o, "; The opening of the year from %s, written by tally-close.\n", date);
		if (decl.n) {
			out_puts(o, "\n");
			out_write(o, decl.p, decl.n);
		}
		if (write_invoices(o, inv, ye, &restated) < 0 || write_clients(o, book, ye) < 0 ||
		    (write_numbers(o, ye, inv, restated), write_opening(o)) < 0) {
			fprintf(stderr, "%s: a balance is too large to hold exactly\n", prog);
			out_abort(o);
			status = 1;
		} else {
			if (after.n)
				out_write(o, after.p, after.n);
			if (out_commit(o) < 0)
				status = 1;
		}
		free(restated);
	}
	free(decl.p);
	free(after.p);
	yearend_free(ye);
	book_free(bk);
	invoices_free(inv);
	accounts_free(bal);
	accounts_free(posted);
	journal_close(j);
	input_free(files, nfiles);
	free(fopts);
	if (fshut_stdout(prog) < 0)
		status = 1;
	commodity_reset();
	return status;
}
