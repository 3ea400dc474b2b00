/*
 * tally-report: the practice's reports. By default the one-page overview (lib/overview.c,
 * written by lib/ovdoc.c): sessions and package meters per client, open invoices and their
 * aging, income by month as a chart; as txt, html or pdf. `--income`: income per client
 * and per month with row and column totals (lib/income.c), as txt, csv or json.
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "tally.h"

static const char *prog = "tally-report";
static char **fopts;  /* -f files; file-level so early exits leave nothing unreachable */
static tdate begin = DATE_NONE, end = DATE_NONE;
static enum { F_TXT, F_CSV, F_JSON, F_HTML, F_PDF } format = F_TXT;
static enum { M_OVERVIEW, M_INCOME } mode = M_OVERVIEW;
static const char *account;  /* --account: the income account; NULL: Income or Revenue */
static struct query *query;  /* operands that are not files: hledger query terms */
static tdate asof = DATE_NONE;  /* --date */
static const char *lang = "en", *conf_path;
static struct book_opts bopts;
static struct chart chart;

static void
usage(FILE *f, int status)
{
	fprintf(f, "usage: %s [-O txt|html|pdf] [--lang en|es|he] [--date DATE] [-p PERIOD]\n"
		   "       [-b DATE] [-e DATE] [--conf FILE] [--policy FILE | --policies DIR]\n"
		   "       [--account ACCT] [--unbilled ACCT] [--receivable ACCT] [--prepaid ACCT]\n"
		   "       [--deposits ACCT] [-f FILE]... [FILE]...\n"
		   "       %s --income [--account ACCT] [-p PERIOD] [-b DATE] [-e DATE]\n"
		   "       [-O txt|csv|json] [-f FILE]... [FILE]... [QUERY]...\n", prog, prog);
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

/* Every cell of the table as text, formatted once: the widths and the lines read it. */
struct cells {
	char *text;     /* the cells' strings, NUL-terminated, one after another */
	size_t *at;     /* cell k's string starts at text + at[k] */
	int *cols;      /* and takes cols[k] columns */
};

static void
cells_format(struct cells *c, const struct income_row *rows, size_t n, int nm)
{
	size_t k = 0, len = 0, cap = 4096, ncell = n * (size_t)(nm + 1);
	char buf[AMOUNT_BUF];

	c->text = xmalloc(cap);
	c->at = xcalloc(ncell + 1, sizeof *c->at);
	c->cols = xcalloc(ncell + 1, sizeof *c->cols);
	for (size_t r = 0; r < n; r++) {
		for (int m = 0; m <= nm; m++, k++) {
			size_t l;

			styled(buf, sizeof buf, &rows[r].cell[m]);
			l = strlen(buf) + 1;
			if (len + l > cap) {
				while (len + l > cap)
					cap *= 2;
				c->text = xrealloc(c->text, cap);
			}
			memcpy(c->text + len, buf, l);
			c->at[k] = len;
			c->cols[k] = cols(buf);
			len += l;
		}
	}
}

static void
cells_free(struct cells *c)
{
	free(c->text);
	free(c->at);
	free(c->cols);
}

/* n blanks */
static void
pad(struct out *o, int n)
{
	static const char blanks[] = "                                ";

	for (; n > 0; n -= (int)sizeof blanks - 1)
		out_write(o, blanks, n < (int)sizeof blanks - 1 ? (size_t)n : sizeof blanks - 1);
}

static void
income_txt(struct out *o, const struct income_row *rows, size_t n, int first, int nm)
{
	char buf[AMOUNT_BUF];
	int wc = 6, wa = 7;
	struct cells c;
	size_t k = 0;

	cells_format(&c, rows, n, nm);
	for (size_t r = 0; r < n; r++) {
		if (cols(rows[r].client) > wc)
			wc = cols(rows[r].client);
		for (int m = 0; m <= nm; m++, k++)
			if (c.cols[k] > wa)
				wa = c.cols[k];
	}
	out_printf(o, "%-*s", wc, "client");
	for (int m = 0; m < nm; m++) {
		month_name(buf, sizeof buf, first + m);
		out_printf(o, "  %*s", wa, buf);
	}
	out_printf(o, "  %*s\n", wa, "total");
	k = 0;
	for (size_t r = 0; r < n; r++) {
		if (rows[r].total && (r == 0 || !rows[r - 1].total)) {
			for (int i = 0; i < wc + (nm + 1) * (wa + 2); i++)
				out_puts(o, "-");
			out_puts(o, "\n");
		}
		out_puts(o, rows[r].client);
		pad(o, wc - cols(rows[r].client));
		for (int m = 0; m <= nm; m++, k++) {
			pad(o, 2 + wa - c.cols[k]);
			out_puts(o, c.text + c.at[k]);
		}
		out_puts(o, "\n");
	}
	cells_free(&c);
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
	income_split(in, j);  /* sums per client and month: both cores may read */
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

/* ---- the overview ------------------------------------------------------------------- */

/* Pass 2: every entry to the overview with what the book decided for it. */
static int
scan(struct book *b, struct overview *ov, char **files, size_t nfiles, tdate limit)
{
	struct journal *j = journal_open((const char *const *)files, nfiles, 0);
	struct jitem *it;
	struct book_price bp;
	const struct terr *d;
	struct terr e;
	int rv, status = 0;

	while ((rv = journal_next(j, &it)) != 0) {
		bool skip = rv < 0 || it->kind != J_TXN;
		int has = book_next(b, skip || it->txn->date >= limit ? NULL : it, &bp);
		bool said = false;

		while ((d = book_deferred(b, false))) {
			terr_print(prog, d);
			status = said = true;
		}
		if (skip || said || status)
			continue;
		if (overview_observe(ov, it, has ? &bp : NULL, &e) < 0) {
			terr_print(prog, &e);
			status = 1;
		}
	}
	while ((d = book_deferred(b, true))) {
		terr_print(prog, d);
		status = 1;
	}
	journal_close(j);
	return status;
}

/* The labels of the language: its catalog (share/po/LANG.po), context "overview"; NULL
 * (exit 2) when the language has none. */
static struct conf *
labels_of(int *status)
{
	struct terr e;

	if (catalog_use(lang, &e) < 0) {
		terr_print(prog, &e);
		*status = 2;
		return NULL;
	}
	return conf_catalog("overview");
}

static int
report_overview(char **files, size_t nfiles)
{
	struct overview_opts oo = {begin, end, asof, chart.acct[CH_RECEIVABLE], account};
	struct conf *labels, *provider;
	struct overview *ov = NULL;
	struct book *b;
	struct terr e;
	struct out *o;
	int status = 0;
	tdate limit = asof + 1;

	if (!(labels = labels_of(&status)))
		return status;
	if (!(provider = invoices_conf(conf_path, nfiles ? files[0] : NULL, &e))) {
		terr_print(prog, &e);
		conf_free(labels);
		return 1;
	}
	if (end != DATE_NONE && end < limit)
		limit = end;
	chart_clients_opts(&chart, &bopts.accts);
	if (!(b = book_new(&bopts, &e)) || book_input(b, files, nfiles, &e) < 0) {
		terr_print(prog, &e);
		status = 1;
		goto done;
	}
	ov = overview_new(&oo);
	book_learn(b, files, nfiles, &(struct book_pass){.limit = limit});  /* scan says its errors */
	book_settle(b, limit);
	if (book_rewind_stdin(files, nfiles, &e) < 0) {
		terr_print(prog, &e);
		status = 1;
	} else {
		status = scan(b, ov, files, nfiles, limit);
	}
	if (!status && overview_finish(ov, b, &e) < 0) {
		terr_print(prog, &e);
		status = 1;
	}
	if (!status) {
		struct ov_doc d = {format == F_HTML ? OV_HTML : format == F_PDF ? OV_PDF : OV_TXT,
				   lang, labels, provider};

		o = out_open(stdout);
		if (overview_write(o, &d, ov, &e) < 0) {
			terr_print(prog, &e);
			out_abort(o);
			status = 1;
		} else if (out_commit(o) < 0) {
			status = 1;
		}
	}
done:
	overview_free(ov);
	book_free(b);
	conf_free(provider);
	conf_free(labels);
	return status;
}

int
main(int argc, char **argv)
{
	static const struct option opts[] = {
		{"income", no_argument, NULL, 'I'},
		{"date", required_argument, NULL, 'D'},
		{"lang", required_argument, NULL, 'L'},
		{"conf", required_argument, NULL, 'k'},
		{"policy", required_argument, NULL, 'y'},
		{"policies", required_argument, NULL, 'Y'},
		CHART_OPTIONS,
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
	static const char *const formats[] = {"txt", "csv", "json", "html", "pdf", NULL};
	char **files;
	size_t nf = 0, nfiles;
	int c, rv, status;
	const char *why;
	struct terr e;

	chart_init(&chart);
	fopts = xcalloc((size_t)argc, sizeof *fopts);
	while ((c = getopt_long(argc, argv, "b:e:p:O:f:h", opts, NULL)) != -1) {
		if (chart_option(&chart, c, optarg))
			continue;
		switch (c) {
		case 'I': mode = M_INCOME; break;
		case 'D':
			if (date_parse(optarg, strlen(optarg), 0, &asof, &why) != (long)strlen(optarg)) {
				fprintf(stderr, "%s: bad date: %s\n", prog, optarg);
				free(fopts);
				return 2;
			}
			break;
		case 'L': lang = optarg; break;
		case 'k': conf_path = optarg; break;
		case 'y': bopts.policy_file = optarg; break;
		case 'Y': bopts.policy_dir = optarg; break;
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
	if ((mode == M_INCOME) != (format == F_CSV || format == F_JSON) && format != F_TXT) {
		fprintf(stderr, "%s: -O %s is for %s\n", prog, formats[format],
			mode == M_INCOME ? "the overview (without --income)" : "--income");
		free(fopts);
		return 2;
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
		if (mode != M_INCOME && !query_empty(query)) {
			fprintf(stderr, "%s: query terms are read by --income only\n", prog);
			input_free(files, nfiles);
			query_free(query);
			free(fopts);
			return 2;
		}
		query_period(query, &begin, &end);  /* date: narrows the columns, as in hledger */
	}
	if (asof == DATE_NONE)
		asof = end != DATE_NONE ? end - 1 : date_today();
	if (wpath_check_stdout(files, nfiles, &e) < 0) {  /* `>> JOURNAL` */
		terr_print(prog, &e);
		input_free(files, nfiles);
		query_free(query);
		free(fopts);
		return 2;
	}
	status = mode == M_INCOME ? report_income(files, nfiles) : report_overview(files, nfiles);
	query_free(query);
	input_free(files, nfiles);
	free(fopts);
	if (fshut_stdout(prog) < 0)
		status = 1;
	commodity_reset();
	return status;
}
