/*
 * tally-bill: prices `session: held` events. An event with no postings gets them: one
 * session's worth of prepaid package credit when the client has some on that date, else the
 * client's rate on that date (less any rolling deposit held). Package credit left when a
 * package expires is recognised as income by an entry dated the expiry day. Entries that
 * already have postings are the user's and pass through untouched, so running it twice
 * equals running it once. Entries take effect in date order whatever their order in the
 * files: the input is read twice (the book, book.c), and the cancellations tally-cancel
 * prices are counted as it prices them, so the two filters commute. A held session tagged
 * `waived:` is given free: it gets no postings unless its policy says `waived = package`.
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "tally.h"

static const char *prog = "tally-bill";
/* income, a group's absences, expired credit (NULL: the sessions income account) */
static struct price_accts accts = {"Income:Sessions", "Income:Cancellations", NULL};
static const char *only_client;    /* --client: price this client's sessions only */
static tdate begin = DATE_NONE, end = DATE_NONE;
static struct book_opts bopts = {.check_policies = true, .no_places = true};
static char **fopts;              /* -f files; static so that early exits leave nothing behind */

static void
usage(FILE *f, int status)
{
	fprintf(f, "usage: %s [-i FILE] [-p PERIOD] [-b DATE] [-e DATE] [--client ID]\n"
		   "       [--unbilled ACCT] [--receivable ACCT] [--prepaid ACCT] [--deposits ACCT]\n"
		   "       [--income ACCT] [--expired-income ACCT] [--fee-income ACCT]\n"
		   "       [--policy FILE | --policies DIR]\n"
		   "       [-f FILE]... [FILE]...\n", prog);
	exit(status);
}

/* Ends the item's own text with a newline, so that new lines can follow it. */
static void
write_open(struct out *o, const struct jitem *it)
{
	write_item(o, it, NULL, 0);
	write_end(o);
}

static bool
selected(const struct client *c, tdate d)
{
	if ((begin != DATE_NONE && d < begin) || (end != DATE_NONE && d >= end))
		return false;
	if (only_client) {
		char id[CLIENT_ID_MAX + 2];
		struct span s = {only_client, strlen(only_client)};

		/* a name too long to be an ID names nobody: never cut to name another */
		return clients_slug(s, id, sizeof id) <= CLIENT_ID_MAX && strcmp(id, c->id) == 0;
	}
	return true;
}

/* The postings tally-bill writes for one event: held sessions, and all of a group's. */
static bool
mine(const struct book_price *r)
{
	return (r->kind == SESSION_HELD || r->group) && r->unpriced && r->write &&
	       selected(r->c, r->date);
}

static void
write_event(struct book *b, const struct book_price *r, struct out *o)
{
	price_write_held(o, book_clients(b), r, &accts);
}

/*
 * Entries recognising the credit left in packages that expired before date d (for the
 * clients and period asked for: the others lapse in the book only), written before the
 * first entry dated after the expiry.
 */
static bool
write_lapse(void *arg, struct out *o, const struct book_lapse *l)
{
	if (amount_sign(&l->left) <= 0 || !selected(l->c, l->expires))
		return false;
	price_write_lapse(o, book_clients(arg), l, &accts);
	return true;
}

static void
lapse(struct book *b, tdate d, struct out *o)
{
	const struct book_lapse *l;

	while ((l = book_lapse_before(b, d))) {
		write_end(o);   /* the file before may end without a newline */
		write_lapse(b, o, l);
	}
}

/* book_copy's call after an unpriced event: a held session's postings. */
static bool
copied(void *arg, struct out *o, const struct book_price *r)
{
	if (!mine(r))
		return false;
	if (r->nonl)
		out_write(o, "\n", 1);
	write_event(arg, r, o);
	return true;
}

/* --client naming no client of the journal is an error (after a run without others). */
static int
unknown_client(struct book *b, int status)
{
	if (status || !only_client ||
	    clients_find(book_clients(b), (struct span){only_client, strlen(only_client)}))
		return 0;
	fprintf(stderr, "%s: unknown client: %s\n", prog, only_client);
	return 1;
}

/*
 * Pass 2 read again, one item that has records (a group session has one per attendee):
 * 1 when written with its postings, 0 when it passes through, -1 after an error.
 */
static int
reread(struct book *b, const struct jitem *it, struct book_price *r, struct out *o, int status)
{
	struct book_price all[GROUP_MAX + 8];
	size_t n = 0;
	bool any = false;
	struct terr e;

	do {
		if (!(r->kind == SESSION_HELD || r->group) || !r->unpriced)
			continue;
		if (r->rc != BR_OK) {
			book_error(r, it, &e);
			terr_print(prog, &e);
			return -1;
		}
		if (n < sizeof all / sizeof *all)
			all[n++] = *r;
		any |= mine(r);
	} while (book_next_more(b, r));
	if (!any || it->depth > 0 || status)
		return 0;
	write_open(o, it);
	for (size_t i = 0; i < n; i++)
		if (mine(&all[i]))
			write_event(b, &all[i], o);
	return 1;
}

/* Pass 2: every item again, held sessions with their postings. */
static int
bill(char **files, size_t nfiles, struct out *o)
{
	struct book *b;
	struct journal *j;
	struct jitem *it;
	struct book_price r;
	const struct terr *d;
	struct terr e;
	int rv, w, status;

	if (!(b = book_new(&bopts, &e)) || book_input(b, files, nfiles, &e) < 0) {
		terr_print(prog, &e);
		book_free(b);
		return 1;
	}
	status = book_learn(b, files, nfiles, &(struct book_pass){.limit = DATE_NONE});
	if (book_settle(b, DATE_NONE) > 0)
		status = 1;
	if (!status && book_can_copy(b)) {
		if (book_copy(b, o, copied, write_lapse, b, &e) < 0) {
			terr_print(prog, &e);
			status = 1;
		}
		status |= unknown_client(b, status);
		book_free(b);
		return status;
	}
	if (book_unchanged(b, &e) < 0 || book_rewind_stdin(files, nfiles, &e) < 0) {
		terr_print(prog, &e);
		book_free(b);
		return 1;
	}
	j = journal_open((const char *const *)files, nfiles, JOURNAL_NO_BALANCE);
	while ((rv = journal_next(j, &it)) != 0) {
		int has = book_next(b, rv < 0 ? NULL : it, &r);

		while ((d = book_deferred(b, false)))
			terr_print(prog, d);
		if (rv < 0)
			continue;
		if (it->kind == J_TXN)
			lapse(b, it->txn->date, o);
		if (has && (w = reread(b, it, &r, o, status)) != 0) {
			if (w < 0)
				status = 1;
			else
				continue;
		}
		if (it->depth == 0)
			write_item(o, it, NULL, 0);
	}
	journal_close(j);
	while ((d = book_deferred(b, true)))
		terr_print(prog, d);
	status |= unknown_client(b, status);
	book_free(b);
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
		{"fee-income", required_argument, NULL, 'F'},
		{"policy", required_argument, NULL, 'y'},
		{"policies", required_argument, NULL, 'Y'},
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
		case 'I': accts.income = optarg; break;
		case 'X': accts.lapse_income = optarg; break;
		case 'F': accts.fee_income = optarg; break;
		case 'y': bopts.policy_file = optarg; break;
		case 'Y': bopts.policy_dir = optarg; break;
		case 'f': fopts[nf++] = optarg; break;
		case 'h': usage(stdout, 0); break;
		case 'V': printf("%s %s\n", prog, TALLY_VERSION); return 0;
		default: usage(stderr, 2);
		}
	}
	chart_clients_opts(&chart, &bopts.accts);
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
