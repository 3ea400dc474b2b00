/*
 * tally-print: read a journal and write it back. Every item is written from its own bytes,
 * so a journal with nothing to change comes out byte for byte; --check only validates.
 * With hledger query terms (`tally-print J date:2026-03`, as `hledger print QUERY`) only
 * the entries they select are written, still byte for byte, each ended by a blank line,
 * with the directives that change how they read (commodity, alias, apply, year...).
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "tally.h"

static char **fopts;  /* -f files; file-level so early exits leave nothing unreachable */
static const char *prog = "tally-print";
static bool check_only;
static struct query *query;  /* operands that are not files: hledger query terms */

/* The directives that change how the entries after them read: kept with a query. */
static bool
reading_directive(const struct jitem *it)
{
	static const char *const words[] = {"alias", "end", "apply", "commodity", "D",
					    "decimal-mark", "Y", "year", "bucket", "A", "C", NULL};

	for (size_t i = 0; words[i]; i++)
		if (it->word.n == strlen(words[i]) && memcmp(it->word.p, words[i], it->word.n) == 0)
			return true;
	return false;
}

static void
usage(FILE *f, int status)
{
	fprintf(f, "usage: %s [--check] [-f FILE]... [FILE]... [QUERY]...\n", prog);
	exit(status);
}

int
main(int argc, char **argv)
{
	static const struct option opts[] = {
		{"check", no_argument, NULL, 'c'},
		{"file", required_argument, NULL, 'f'},
		{"help", no_argument, NULL, 'h'},
		{"version", no_argument, NULL, 'V'},
		{NULL, 0, NULL, 0},
	};
	char **files;
	size_t nf = 0, nfiles;
	struct journal *j;
	struct jitem *it;
	struct out *o = NULL;
	int c, r, status = 0;
	bool all;

	fopts = xcalloc((size_t)argc, sizeof *fopts);
	while ((c = getopt_long(argc, argv, "cf:h", opts, NULL)) != -1) {
		switch (c) {
		case 'c': check_only = true; break;
		case 'f': fopts[nf++] = optarg; break;
		case 'h': usage(stdout, 0); break;
		case 'V': printf("%s %s\n", prog, TALLY_VERSION); return 0;
		default: usage(stderr, 2);
		}
	}
	{
		char **ops;
		size_t nops;
		struct terr qe;

		if (query_operands(argc - optind, argv + optind, nf > 0, &ops, &nops, &query,
				   &qe) < 0) {
			terr_print(prog, &qe);
			free(fopts);
			return 2;
		}
		nfiles = input_files(fopts, nf, ops, nops, &files);
		free(ops);
	}
	{
		struct terr ce;

		if (wpath_check_stdout(files, nfiles, &ce) < 0) {  /* `>> JOURNAL` */
			terr_print(prog, &ce);
			input_free(files, nfiles);
			query_free(query);
			return 2;
		}
	}
	j = journal_open((const char *const *)files, nfiles, 0);
	if (!check_only) {
		o = out_open(stdout);
		out_gather(o);  /* everything below goes through o */
	}
	all = query_empty(query);  /* once, not per item */
	while ((r = journal_next(j, &it)) != 0) {
		if (r < 0) {
			terr_print(prog, journal_error(j));
			status = 1;
			continue;
		}
		if (!o || status)
			continue;
		if (all) {
			if (it->depth == 0)
				write_item(o, it, NULL, 0);
		} else if (it->kind == J_TXN ? query_txn(query, it->txn) :
			   it->kind == J_DIRECTIVE && reading_directive(it)) {
			write_item(o, it, it->kind == J_TXN ? "\n" : NULL, it->kind == J_TXN);
		}
	}
	journal_close(j);
	input_free(files, nfiles);
	query_free(query);
	free(fopts);
	if (o) {
		if (status)
			out_abort(o);
		else if (out_commit(o) < 0)
			status = 1;
	}
	if (fshut_stdout(prog) < 0)
		status = 1;
	commodity_reset();
	return status;
}
