/*
 * tally-bill: prices `session: held` events. An event with no postings gets them: one
 * session's worth of prepaid package credit when the client has some on that date, else the
 * client's rate on that date (less any rolling deposit held). Package credit left when a
 * package expires is recognised as income by an entry dated the expiry day. Entries that
 * already have postings are the user's and pass through untouched, so running it twice
 * equals running it once. The journal is taken to be in date order.
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "tally.h"

static const char *prog = "tally-bill";
static const char *income = "Income:Sessions";
static const char *lapse_income;   /* NULL: the sessions income account */
static const char *only_client;    /* --client: price this client's sessions only */
static tdate begin = DATE_NONE, end = DATE_NONE;
static struct clients_opts accts;
static char **fopts;              /* -f files; static so that early exits leave nothing behind */

static void
usage(FILE *f, int status)
{
	fprintf(f, "usage: %s [-i FILE] [-p PERIOD] [-b DATE] [-e DATE] [--client ID]\n"
		   "       [--unbilled ACCT] [--receivable ACCT] [--prepaid ACCT] [--deposits ACCT]\n"
		   "       [--income ACCT] [--expired-income ACCT] [-f FILE]... [FILE]...\n", prog);
	exit(status);
}

/* Ends the item's own text with a newline, so that new lines can follow it. */
static void
write_open(struct out *o, const struct jitem *it)
{
	write_item(o, it, NULL, 0);
	if (it->len && it->text[it->len - 1] != '\n')
		out_write(o, "\n", 1);
}

static bool
selected(const struct client *c, tdate d)
{
	if ((begin != DATE_NONE && d < begin) || (end != DATE_NONE && d >= end))
		return false;
	if (only_client) {
		char id[256];
		struct span s = {only_client, strlen(only_client)};

		clients_slug(s, id, sizeof id);
		return strcmp(id, c->id) == 0;
	}
	return true;
}

/*
 * Writes one held session with the postings the book priced it with (clients_priced):
 * 1 when it wrote the entry, 0 when the entry is left as it is (outside the period or the
 * client asked for, or in an included file), -1 on error. The book takes the package
 * credit and the deposit whether or not the entry is written, so the sessions that are
 * priced get exactly what a full run would give them.
 */
static int
price(struct clients *b, const struct jitem *it, struct out *o, bool write, struct terr *e)
{
	const struct txn *t = it->txn;
	const struct client_pricing *r = clients_priced(b);
	struct client *c = r->c;
	struct amount neg = r->price;

	if (clients_pricing_error(r, it, e) < 0)
		return -1;
	if (!write || !selected(c, t->date))
		return 0;
	write_open(o, it);
	if (r->from_package)
		write_posting(o, client_account_name(b, c, C_PREPAID), &r->price, NULL);
	else {
		if (!amount_is_zero(&r->deposit))
			write_posting(o, client_account_name(b, c, C_DEPOSITS), &r->deposit, NULL);
		if (!amount_is_zero(&r->rest) || amount_is_zero(&r->deposit))
			write_posting(o, client_account_name(b, c, C_UNBILLED), &r->rest, NULL);
	}
	amount_neg(&neg);
	write_posting(o, income, &neg, NULL);
	return 1;
}

/*
 * Entries recognising the credit left in packages that expired before date d (for the
 * clients and period asked for: the others lapse in the book only).
 */
static int
lapse(struct clients *b, tdate d, struct out *o, struct terr *e)
{
	struct client_package *k;
	struct client *c;
	struct amount left;
	char day[11];

	while ((k = clients_next_expired(b, d, &c))) {
		long n = k->sessions - k->used;

		if (client_package_lapse(c, k, &left) < 0) {
			terr_set(e, NULL, 0, "the credit left in %s's package is too large", c->id);
			return -1;
		}
		if (amount_sign(&left) <= 0 || !selected(c, k->expires))
			continue;
		date_format(day, k->expires);
		out_printf(o, "%s Package credit lapsed: %s\n", day, c->id);
		out_printf(o, "    ; client: %s\n", c->id);
		out_printf(o, "    ; expired: %ld session%s\n", n, n == 1 ? "" : "s");
		write_posting(o, client_account_name(b, c, C_PREPAID), &left, NULL);
		amount_neg(&left);
		write_posting(o, lapse_income ? lapse_income : income, &left, NULL);
		out_puts(o, "\n");
	}
	return 0;
}

static int
bill(char **files, size_t nfiles, struct out *o)
{
	struct journal *j = journal_open((const char *const *)files, nfiles, 0);
	struct clients *b = clients_new(&accts);
	struct jitem *it;
	struct client_tags tg;
	struct vtags vt;
	struct terr e;
	int rv, status = 0;

	while ((rv = journal_next(j, &it)) != 0) {
		if (rv < 0) {
			terr_print(prog, journal_error(j));
			status = 1;
			continue;
		}
		if (it->kind != J_TXN) {
			if (it->depth == 0)
				write_item(o, it, NULL, 0);
			continue;
		}
		if (vocab_entry(it, &vt, &e, NULL, NULL) > 0) {
			terr_print(prog, &e);
			status = 1;
			continue;
		}
		if (lapse(b, it->txn->date, o, &e) < 0) {
			terr_print(prog, &e);
			status = 1;
		}
		clients_tags(it->txn, &tg);
		if (clients_observe_tags(b, it, &tg, &e) < 0) {
			terr_print(prog, &e);
			status = 1;
		} else if (it->txn->np == 0 && clients_kind_of(&tg) == SESSION_HELD) {
			if ((rv = price(b, it, o, it->depth == 0 && !status, &e)) < 0) {
				terr_print(prog, &e);
				status = 1;
			}
			if (rv == 1)
				continue;
		}
		if (it->depth == 0)
			write_item(o, it, NULL, 0);
	}
	journal_close(j);
	if (!status && only_client && !clients_find(b, (struct span){only_client,
								     strlen(only_client)})) {
		fprintf(stderr, "%s: unknown client: %s\n", prog, only_client);
		status = 1;
	}
	clients_free(b);
	return status;
}

int
main(int argc, char **argv)
{
	static const struct option opts[] = {
		{"in-place", required_argument, NULL, 'i'},
		{"begin", required_argument, NULL, 'b'},
		{"end", required_argument, NULL, 'e'},
		{"period", required_argument, NULL, 'p'},
		{"client", required_argument, NULL, 'c'},
		CHART_OPTIONS,
		{"income", required_argument, NULL, 'I'},
		{"expired-income", required_argument, NULL, 'X'},
		{"file", required_argument, NULL, 'f'},
		{"help", no_argument, NULL, 'h'},
		{"version", no_argument, NULL, 'V'},
		{NULL, 0, NULL, 0},
	};
	char **files;
	const char *inplace = NULL;
	size_t nf = 0, nfiles;
	struct out *o;
	struct wpath *w;
	struct terr e;
	int c, status;
	const char *why;
	struct chart chart;

	chart_init(&chart);
	fopts = xcalloc((size_t)argc + 1, sizeof *fopts);
	while ((c = getopt_long(argc, argv, "i:b:e:p:f:h", opts, NULL)) != -1) {
		if (chart_option(&chart, c, optarg))
			continue;
		switch (c) {
		case 'i': inplace = optarg; break;
		case 'b':
		case 'e':
		case 'p':
			if (range_option(c, optarg, &begin, &end, &why) < 0) {
				fprintf(stderr, "%s: %s: %s\n", prog, why, optarg);
				return 2;
			}
			break;
		case 'c': only_client = optarg; break;
		case 'I': income = optarg; break;
		case 'X': lapse_income = optarg; break;
		case 'f': fopts[nf++] = optarg; break;
		case 'h': usage(stdout, 0); break;
		case 'V': printf("%s %s\n", prog, TALLY_VERSION); return 0;
		default: usage(stderr, 2);
		}
	}
	chart_clients_opts(&chart, &accts);
	if (inplace && (nf || optind < argc)) {
		fprintf(stderr, "%s: -i FILE reads FILE only\n", prog);
		return 2;
	}
	if (inplace)
		fopts[nf++] = (char *)inplace;
	nfiles = input_files(fopts, nf, argv + optind, (size_t)(argc - optind), &files);
	w = wpath_new(files, nfiles);
	if ((status = wpath_add(w, inplace, WP_EDIT, &o, &e)) != 0 || wpath_open(w, &e) < 0) {
		terr_print(prog, &e);
		wpath_abort(w);
		input_free(files, nfiles);
		free(fopts);
		return status == WPATH_REFUSED ? 2 : 1;
	}
	status = bill(files, nfiles, o);
	if (status)
		wpath_abort(w);
	else if (wpath_commit(w, &e) < 0) {
		terr_print(prog, &e);
		status = 1;
	}
	input_free(files, nfiles);
	free(fopts);
	if (fshut_stdout(prog) < 0)
		status = 1;
	commodity_reset();
	return status;
}
