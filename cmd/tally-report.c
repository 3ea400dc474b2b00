/*
 * tally-report: the practice's reports. `--income`: income per client and per month with
 * row and column totals (lib/income.c), as txt, csv or json. One mode among others to come:
 * each mode is a value of `mode`, and a function that writes it.
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "tally.h"

static const char *prog = "tally-report";
static char **fopts;  /* -f files; file-level so early exits leave nothing unreachable */
static tdate begin = DATE_NONE, end = DATE_NONE;
static enum { F_TXT, F_CSV, F_JSON } format = F_TXT;
static enum { M_NONE, M_INCOME } mode = M_NONE;
static const char *account;  /* --account: the income account; NULL: Income or Revenue */
static struct query *query;  /* operands that are not files: hledger query terms */

static void
usage(FILE *f, int status)
{
	fprintf(f, "usage: %s --income [--account ACCT] [-p PERIOD] [-b DATE] [-e DATE]\n"
		   "       [-O txt|csv|json] [-f FILE]... [FILE]... [QUERY]...\n", prog);
	exit(status);
}

static void
month_name(char *buf, size_t size, int month)
{
	snprintf(buf, size, "%04d-%02d", month / 12, month % 12 + 1);
}

/* The number alone, at the commodity's display precision at least (as hledger shows it). */
static void
plain(char *buf, size_t size, const struct amount *a)
{
	struct amount x = *a;
	const struct cstyle *st = commodity_style(x.com);

	if (amount_is_zero(&x)) {
		snprintf(buf, size, "0");
		return;
	}
	if (st && st->prec > x.scale)
		amount_rescale(&x, st->prec);
	amount_format_plain(buf, size, &x);
}

static void
styled(char *buf, size_t size, const struct amount *a)
{
	if (amount_is_zero(a))
		snprintf(buf, size, "0");
	else
		amount_format(buf, size, a);
}

/* Columns a UTF-8 name takes: its code points (continuation bytes take none). */
static int
cols(const char *s)
{
	int n = 0;

	for (; *s; s++)
		n += ((unsigned char)*s & 0xC0) != 0x80;
	return n;
}

static void
income_txt(struct out *o, const struct income_row *rows, size_t n, int first, int nm)
{
	char buf[AMOUNT_BUF];
	int wc = 6, wa = 7;

	for (size_t r = 0; r < n; r++) {
		if (cols(rows[r].client) > wc)
			wc = cols(rows[r].client);
		for (int m = 0; m <= nm; m++) {
			styled(buf, sizeof buf, &rows[r].cell[m]);
			if (cols(buf) > wa)
				wa = cols(buf);
		}
	}
	out_printf(o, "%-*s", wc, "client");
	for (int m = 0; m < nm; m++) {
		month_name(buf, sizeof buf, first + m);
		out_printf(o, "  %*s", wa, buf);
	}
	out_printf(o, "  %*s\n", wa, "total");
	for (size_t r = 0; r < n; r++) {
		if (rows[r].total && (r == 0 || !rows[r - 1].total)) {
			for (int k = 0; k < wc + (nm + 1) * (wa + 2); k++)
				out_puts(o, "-");
			out_puts(o, "\n");
		}
		out_printf(o, "%s%*s", rows[r].client, wc - cols(rows[r].client), "");
		for (int m = 0; m <= nm; m++) {
			styled(buf, sizeof buf, &rows[r].cell[m]);
			out_printf(o, "  %*s%s", wa - cols(buf), "", buf);
		}
		out_puts(o, "\n");
	}
}

static void
income_csv(struct out *o, const struct income_row *rows, size_t n, int first, int nm)
{
	char buf[AMOUNT_BUF];

	out_puts(o, "client,commodity");
	for (int m = 0; m < nm; m++) {
		month_name(buf, sizeof buf, first + m);
		out_printf(o, ",%s", buf);
	}
	out_puts(o, ",total\n");
	for (size_t r = 0; r < n; r++) {
		const char *com = commodity_name(rows[r].com);

		csv_cell(o, rows[r].client, strlen(rows[r].client), false);
		out_puts(o, ",");
		csv_cell(o, com, strlen(com), false);
		for (int m = 0; m <= nm; m++) {
			plain(buf, sizeof buf, &rows[r].cell[m]);
			out_printf(o, ",%s", buf);
		}
		out_puts(o, "\n");
	}
}

static void
json_row(struct out *o, const struct income_row *w, int nm, bool client)
{
	char buf[AMOUNT_BUF];
	const char *com = commodity_name(w->com);

	out_puts(o, "{");
	if (client) {
		out_puts(o, "\"client\": ");
		json_string(o, w->client, strlen(w->client));
		out_puts(o, ", ");
	}
	out_puts(o, "\"commodity\": ");
	json_string(o, com, strlen(com));
	out_puts(o, ", \"months\": [");
	for (int m = 0; m < nm; m++) {
		plain(buf, sizeof buf, &w->cell[m]);
		out_printf(o, "%s\"%s\"", m ? ", " : "", buf);
	}
	plain(buf, sizeof buf, &w->cell[nm]);
	out_printf(o, "], \"total\": \"%s\"}", buf);
}

static void
income_json(struct out *o, const struct income_row *rows, size_t n, int first, int nm)
{
	char buf[16];
	size_t k = 0;

	out_puts(o, "{\"months\": [");
	for (int m = 0; m < nm; m++) {
		month_name(buf, sizeof buf, first + m);
		out_printf(o, "%s\"%s\"", m ? ", " : "", buf);
	}
	out_puts(o, "],\n \"clients\": [");
	for (; k < n && !rows[k].total; k++) {
		out_puts(o, k ? ",\n  " : "\n  ");
		json_row(o, &rows[k], nm, true);
	}
	out_puts(o, k ? "\n ],\n \"totals\": [" : "],\n \"totals\": [");
	for (size_t t = k; t < n; t++) {
		out_puts(o, t > k ? ",\n  " : "\n  ");
		json_row(o, &rows[t], nm, false);
	}
	out_puts(o, n > k ? "\n ]}\n" : "]}\n");
}

/* Reads the journals into the income table and writes it; the exit status. */
static int
report_income(char **files, size_t nfiles)
{
	struct journal *j = journal_open((const char *const *)files, nfiles, JOURNAL_CHECK_ASSERT);
	struct income *in = income_new(begin, end, account);
	const struct income_row *rows;
	struct jitem *it;
	struct terr e;
	size_t n;
	int rv, first, nm, status = 0;

	income_query(in, query);
	while ((rv = journal_next(j, &it)) != 0) {
		if (rv < 0) {
			terr_print(prog, journal_error(j));
			status = 1;
			continue;
		}
		if (!status && income_observe(in, it, &e) < 0) {
			terr_print(prog, &e);
			status = 1;
		}
	}
	if (!status && income_table(in, &rows, &n, &first, &nm, &e) < 0) {
		terr_print(prog, &e);
		status = 1;
	}
	if (!status) {
		struct out *o = out_open(stdout);

		if (format == F_TXT)
			income_txt(o, rows, n, first, nm);
		else if (format == F_CSV)
			income_csv(o, rows, n, first, nm);
		else
			income_json(o, rows, n, first, nm);
		if (out_commit(o) < 0)
			status = 1;
	}
	income_free(in);
	journal_close(j);
	return status;
}

int
main(int argc, char **argv)
{
	static const struct option opts[] = {
		{"income", no_argument, NULL, 'I'},
		{"account", required_argument, NULL, 'a'},
		{"begin", required_argument, NULL, 'b'},
		{"end", required_argument, NULL, 'e'},
		{"period", required_argument, NULL, 'p'},
		{"output-format", required_argument, NULL, 'O'},
		{"file", required_argument, NULL, 'f'},
		{"help", no_argument, NULL, 'h'},
		{"version", no_argument, NULL, 'V'},
		{NULL, 0, NULL, 0},
	};
	static const char *const formats[] = {"txt", "csv", "json", NULL};
	char **files;
	size_t nf = 0, nfiles;
	int c, rv, status;
	const char *why;
	struct terr e;

	fopts = xcalloc((size_t)argc, sizeof *fopts);
	while ((c = getopt_long(argc, argv, "b:e:p:O:f:h", opts, NULL)) != -1) {
		switch (c) {
		case 'I': mode = M_INCOME; break;
		case 'a': account = optarg; break;
		case 'b':
		case 'e':
		case 'p':
			if (range_option(c, optarg, &begin, &end, &why) < 0) {
				fprintf(stderr, "%s: %s: %s\n", prog, why, optarg);
				free(fopts);
				return 2;
			}
			break;
		case 'O':
			if ((rv = format_parse(optarg, formats)) < 0) {
				fprintf(stderr, "%s: unknown output format: %s\n", prog, optarg);
				free(fopts);
				return 2;
			}
			format = rv;
			break;
		case 'f': fopts[nf++] = optarg; break;
		case 'h': free(fopts); usage(stdout, 0); break;
		case 'V': printf("%s %s\n", prog, TALLY_VERSION); free(fopts); return 0;
		default: free(fopts); usage(stderr, 2);
		}
	}
	if (mode == M_NONE) {
		fprintf(stderr, "%s: which report? (--income)\n", prog);
		free(fopts);
		usage(stderr, 2);
	}
	{
		char **ops;
		size_t nops;

		if (query_operands(argc - optind, argv + optind, nf > 0, &ops, &nops, &query,
				   &e) < 0) {
			terr_print(prog, &e);
			free(fopts);
			return 2;
		}
		nfiles = input_files(fopts, nf, ops, nops, &files);
		free(ops);
		query_period(query, &begin, &end);  /* date: narrows the columns, as in hledger */
	}
	if (wpath_check_stdout(files, nfiles, &e) < 0) {  /* `>> JOURNAL` */
		terr_print(prog, &e);
		input_free(files, nfiles);
		query_free(query);
		free(fopts);
		return 2;
	}
	status = report_income(files, nfiles);
	query_free(query);
	input_free(files, nfiles);
	free(fopts);
	if (fshut_stdout(prog) < 0)
		status = 1;
	commodity_reset();
	return status;
}
