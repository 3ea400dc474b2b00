/*
 * tally-check: validate a journal and report every problem, one FILE:LINE: message each.
 * It feeds every item to what the other commands use: the reader (syntax, unbalanced
 * entries, failed assertions), the vocabulary (every tag's value and what an entry's tags
 * need of each other), the book (client terms, packages, deposits, and the price of every
 * unpriced event, in date order as tally-bill and tally-cancel price it) and the invoices. So whatever tally-check accepts, every command
 * accepts, and the other way round. It also reports what ledger and hledger would read
 * differently: a bare CR inside a line, an unterminated comment block.
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "tally.h"

static char **fopts;  /* -f files; file-level so early exits leave nothing unreachable */
static const char *prog = "tally-check";
static long nproblems;
static char *policy_dir;       /* where policy: names are looked up, as tally-cancel does */
static bool policy_given;      /* --policy FILE: policy: tags are not read */
static char **policies;        /* the names found good so far */
static size_t npolicies;
static struct book *book;      /* pass 1 defers every problem to it, pass 2 says them in order */

static void
usage(FILE *f, int status)
{
	fprintf(f, "usage: %s [--policy FILE | --policies DIR] [--unbilled ACCT]\n"
		   "       [--receivable ACCT] [--prepaid ACCT] [--deposits ACCT]\n"
		   "       [-f FILE]... [FILE]...\n", prog);
	exit(status);
}

/* A CR that does not end a line: hledger reads it as a line break, ledger and tally don't. */
static void
bare_cr(struct book *b, const struct jitem *it)
{
	const char *p = it->text, *end = it->text + it->len;

	if (it->len < 2)  /* a blank line: no byte after a CR */
		return;
	while ((p = memchr(p, '\r', (size_t)(end - p))) != NULL) {
		if (p + 1 < end && p[1] != '\n') {
			struct terr e;

			terr_set(&e, it->file, vocab_line(it, p), "a carriage return inside a line "
				 "(hledger reads it as a line break)");
			book_problem(b, &e);
		}
		p++;
	}
}

/* An item the reader flagged (a CR, an open block): what ledger and hledger would read
 * differently. */
static void
item(struct book *b, const struct jitem *it, void *arg)
{
	(void)arg;
	if (it->cr)  /* else the reader saw no CR in it */
		bare_cr(b, it);
	if (it->open_block) {
		struct terr e;

		terr_set(&e, it->file, it->line, "comment block without `end comment` "
			 "(it runs to the end of the file)");
		book_problem(b, &e);
	}
}

/* A policy: tag names a policy file that tally-cancel can load. Apart: few entries have one. */
static __attribute__((noinline)) void
policy_named(struct book *b, const struct jitem *it, const struct vtags *tg)
{
	struct span v = tg->v[VT_POLICY].raw;
	struct policy *p;
	struct terr e;

	for (size_t i = 0; i < npolicies; i++)
		if (span_eq(v, policies[i]))
			return;
	if (!(p = policy_find(policy_dir, v.p, v.n, &e))) {
		if (!e.file) {
			char msg[sizeof e.msg];

			memcpy(msg, e.msg, sizeof msg);
			terr_set(&e, it->file, vocab_line(it, tg->v[VT_POLICY].at), "%s", msg);
		}
		book_problem(b, &e);
		return;  /* the book has the entry all the same */
	}
	policy_free(p);
	policies = xrealloc(policies, (npolicies + 1) * sizeof *policies);
	policies[npolicies++] = span_dup(v);
}

static int
check_policy(struct book *b, const struct jitem *it, const struct vtags *tg, void *arg)
{
	(void)arg;
	if (!policy_given && tg->has[VT_POLICY])
		policy_named(b, it, tg);
	return 0;
}

/* Every item the book has: the invoices it issues and settles. */
static void
invoice(struct book *b, const struct jitem *it, const struct vtags *vt,
	const struct client_tags *tg, void *arg)
{
	struct terr e;

	(void)tg;
	if (vt && invoices_observe_tags(arg, it, vt, &e) < 0)  /* vt: an entry */
		book_problem(b, &e);
}

/*
 * Pass 2: the book has priced every event in date order, as tally-bill and tally-cancel do;
 * an event they could not price is reported where they report it (a held session always,
 * as tally-bill; a cancellation in the files named, as tally-cancel).
 */
static void
priced(char **files, size_t nfiles)
{
	struct journal *j;
	struct jitem *it;
	struct book_price r;
	const struct terr *d;
	struct terr e;
	int rv;

	nproblems += book_settle(book, DATE_NONE);
	if (!nproblems && book_priced_all(book))
		return;  /* pass 2 would have nothing to say: a clean journal is read once */
	/* pass 2 must read what pass 1 read, or its problems land at the wrong entries */
	if (book_unchanged(book, &e) < 0 || book_rewind_stdin(files, nfiles, &e) < 0) {
		terr_print(prog, &e);
		nproblems++;
		return;
	}
	j = journal_open((const char *const *)files, nfiles, JOURNAL_NO_BALANCE);
	while ((rv = journal_next(j, &it)) != 0) {
		int has = book_next(book, rv < 0 ? NULL : it, &r);
		bool held, cancel;

		while ((d = book_deferred(book, false)))
			terr_print(prog, d);
		if (rv < 0 || !has)
			continue;
		do {  /* a group session: each attendee */
			if (!r.unpriced || r.rc == BR_OK)
				continue;
			held = r.kind == SESSION_HELD || r.group;
			cancel = r.kind >= SESSION_CANCELLED && r.kind <= SESSION_PROVIDER &&
				 !r.waived;
			if (!(held || cancel))
				continue;
			if (held || r.rc == BR_NO_CLIENT || it->depth == 0) {
				book_error(&r, it, &e);
				terr_print(prog, &e);
				nproblems++;
			}
		} while (book_next_more(book, &r));
	}
	journal_close(j);
	while ((d = book_deferred(book, true)))
		terr_print(prog, d);
}

int
main(int argc, char **argv)
{
	static const struct option opts[] = {
		CHART_OPTIONS,
		{"policy", required_argument, NULL, 'P'},
		{"policies", required_argument, NULL, 'D'},
		{"file", required_argument, NULL, 'f'},
		{"help", no_argument, NULL, 'h'},
		{"version", no_argument, NULL, 'V'},
		{NULL, 0, NULL, 0},
	};
	struct chart chart;
	struct book_opts bo = {0};
	struct invoices *v;
	char **files;
	size_t nf = 0, nfiles;
	const char *dir = NULL;
	struct policy *global;
	struct terr pe;
	int c;

	chart_init(&chart);
	fopts = xcalloc((size_t)argc, sizeof *fopts);
	while ((c = getopt_long(argc, argv, "f:h", opts, NULL)) != -1) {
		if (chart_option(&chart, c, optarg))
			continue;
		switch (c) {
		case 'P':
			if (!(global = policy_load(optarg, &pe))) {
				terr_print(prog, &pe);
				return 1;
			}
			policy_free(global);
			policy_given = true;
			bo.policy_file = optarg;
			break;
		case 'D': dir = optarg; break;
		case 'f': fopts[nf++] = optarg; break;
		case 'h': usage(stdout, 0); break;
		case 'V': printf("%s %s\n", prog, TALLY_VERSION); return 0;
		default: usage(stderr, 2);
		}
	}
	policy_dir = dir ? xstrdup(dir) : policy_sharedir("policies");
	chart_clients_opts(&chart, &bo.accts);
	bo.policy_dir = dir;
	bo.report_only = true;  /* problems only: no copy of the input, no "session n of m" */
	v = invoices_new(chart.acct[CH_RECEIVABLE]);
	invoices_lean(v);  /* its errors are all tally-check asks of it */
	nfiles = input_files(fopts, nf, argv + optind, (size_t)(argc - optind), &files);
	if (!(book = book_new(&bo, &pe)) || book_input(book, files, nfiles, &pe) < 0) {
		terr_print(prog, &pe);
		return 1;
	}
	{
		struct book_pass pass = {.limit = DATE_NONE, .flags = JOURNAL_CHECK_ASSERT | JOURNAL_CR,
					 .every = true, .item = item, .flagged_items = true, .entry = check_policy,
					 .added = invoice, .arg = v};

		nproblems = book_learn(book, files, nfiles, &pass);
	}
	priced(files, nfiles);
	book_free(book);
	invoices_free(v);
	input_free(files, nfiles);
	free(fopts);
	for (size_t i = 0; i < npolicies; i++)
		free(policies[i]);
	free(policies);
	free(policy_dir);
	commodity_reset();
	if (fshut_stdout(prog) < 0)
		return 1;
	return nproblems ? 1 : 0;
}
