/*
 * tally-balance: balances per account and commodity, the figures `ledger bal` and
 * `hledger bal` give. Sums postings into a table of accounts while the journal streams
 * past, so memory follows the number of accounts, not of entries.
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "tally.h"

static char **fopts;  /* -f files; file-level so early exits leave nothing unreachable */
static const char *prog = "tally-balance";
static bool tree, empty, no_total;
static int depth;         /* 0 = no limit */
static tdate begin = DATE_NONE, end = DATE_NONE;
static enum { F_TXT, F_CSV, F_JSON } format = F_TXT;
static struct query *query;  /* operands that are not files: hledger query terms */

static void
usage(FILE *f, int status)
{
	fprintf(f, "usage: %s [--tree] [--depth N] [--empty] [--no-total] [-b DATE] [-e DATE]\n"
		   "       [-p PERIOD] [-O txt|csv|json] [-f FILE]... [FILE|QUERY]...\n", prog);
	exit(status);
}

/* Length of the first n components of an account name. */
static size_t
prefix_len(const char *name, size_t len, int n)
{
	for (size_t i = 0; i < len; i++)
		if (name[i] == ':' && --n == 0)
			return i;
	return len;
}

static int
level(const char *name, size_t len)
{
	int d = 0;

	for (size_t i = 0; i < len; i++)
		d += name[i] == ':';
	return d;
}

static bool
all_zero(const struct account *a)
{
	for (size_t i = 0; i < a->nbal; i++)
		if (!amount_is_zero(&a->bal[i].sum))
			return false;
	return true;
}

/* Sorts an account's balances by commodity name, for stable output. */
static int
by_commodity(const void *x, const void *y)
{
	const struct bal *a = x, *b = y;

	return strcmp(commodity_name(a->com), commodity_name(b->com));
}

static void
sort_balances(struct account *a)
{
	if (a->nbal > 1)
		qsort(a->bal, a->nbal, sizeof *a->bal, by_commodity);
}

/* The report's table: own postings (flat) or each account with its subaccounts (tree). */
static struct accounts *
report_table(struct accounts *flat)
{
	struct accounts *r = accounts_new();
	size_t n = accounts_count(flat);

	for (size_t i = 0; i < n; i++) {
		struct account *a = accounts_at(flat, i);
		size_t len = depth ? prefix_len(a->name, a->len, depth) : a->len;

		for (size_t k = 0; k <= len; k++) {
			if (k < len && !(tree && a->name[k] == ':'))
				continue;
			struct account *t = accounts_get(r, a->name, k);

			for (size_t b = 0; b < a->nbal; b++) {
				if (account_add(t, &a->bal[b].sum) < 0) {
					accounts_free(r);
					return NULL;
				}
			}
		}
	}
	accounts_sort(r);
	return r;
}

static void
write_txt(struct out *o, struct accounts *r, struct account *total)
{
	char buf[AMOUNT_BUF];
	size_t n = accounts_count(r), w = 20;

	for (size_t i = 0; i < n; i++) {
		struct account *a = accounts_at(r, i);

		for (size_t b = 0; b < a->nbal; b++)
			if (amount_format(buf, sizeof buf, &a->bal[b].sum) > w)
				w = strlen(buf);
	}
	for (size_t i = 0; i < n; i++) {
		struct account *a = accounts_at(r, i);
		const char *name = a->name;
		int lv = tree ? level(a->name, a->len) : 0;
		size_t shown = 0;

		if (all_zero(a) && !empty)
			continue;
		if (tree)
			name = strrchr(a->name, ':') ? strrchr(a->name, ':') + 1 : a->name;
		sort_balances(a);
		for (size_t b = 0; b < a->nbal; b++) {
			if (amount_is_zero(&a->bal[b].sum) && (a->nbal > 1 || !empty))
				continue;
			amount_format(buf, sizeof buf, &a->bal[b].sum);
			if (shown++)
				out_puts(o, "\n");
			out_printf(o, "%*s", (int)w, buf);
		}
		if (!shown)
			out_printf(o, "%*s", (int)w, "0");
		out_printf(o, "  %*s%s\n", lv * 2, "", name);
	}
	if (no_total)
		return;
	for (size_t k = 0; k < w; k++)
		out_puts(o, "-");
	out_puts(o, "\n");
	sort_balances(total);
	size_t shown = 0;

	for (size_t b = 0; b < total->nbal; b++) {
		if (amount_is_zero(&total->bal[b].sum))
			continue;
		amount_format(buf, sizeof buf, &total->bal[b].sum);
		out_printf(o, "%*s\n", (int)w, buf);
		shown++;
	}
	if (!shown)
		out_printf(o, "%*s\n", (int)w, "0");
}

static void
write_rows(struct out *o, struct accounts *r)
{
	char buf[AMOUNT_BUF];
	size_t n = accounts_count(r), rows = 0;

	out_puts(o, format == F_CSV ? "account,commodity,amount\n" : "[");
	for (size_t i = 0; i < n; i++) {
		struct account *a = accounts_at(r, i);

		sort_balances(a);
		for (size_t b = 0; b < a->nbal; b++) {
			const char *com = commodity_name(a->bal[b].com);

			if (amount_is_zero(&a->bal[b].sum) && !empty)
				continue;
			amount_format_plain(buf, sizeof buf, &a->bal[b].sum);
			if (format == F_CSV) {
				csv_cell(o, a->name, a->len, false);
				out_puts(o, ",");
				csv_cell(o, com, strlen(com), false);
				out_printf(o, ",%s\n", buf);
			} else {
				out_puts(o, rows ? ",\n {\"account\": " : "\n {\"account\": ");
				json_string(o, a->name, a->len);
				out_puts(o, ", \"commodity\": ");
				json_string(o, com, strlen(com));
				out_printf(o, ", \"amount\": \"%s\"}", buf);
			}
			rows++;
		}
	}
	if (format == F_JSON)
		out_puts(o, rows ? "\n]\n" : "]\n");
}

/* Operands that name files are journals; the others are query terms (hledger's). */
static void
split_operands(int argc, char **argv, char ***ops, size_t *nops, bool have_f)
{
	struct terr e;

	if (query_operands(argc, argv, have_f, ops, nops, &query, &e) < 0) {
		terr_print(prog, &e);
		exit(2);
	}
}

int
main(int argc, char **argv)
{
	static const struct option opts[] = {
		{"tree", no_argument, NULL, 't'},
		{"flat", no_argument, NULL, 'l'},
		{"depth", required_argument, NULL, 'd'},
		{"empty", no_argument, NULL, 'E'},
		{"no-total", no_argument, NULL, 'N'},
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
	char **files, **ops, *endp;
	size_t nf = 0, nfiles, nops;
	struct journal *j;
	struct jitem *it;
	struct accounts *flat, *r, *totals;
	struct account *total;
	struct out *o;
	int c, rv, status = 0;
	const char *why;

	fopts = xcalloc((size_t)argc, sizeof *fopts);
	while ((c = getopt_long(argc, argv, "tld:ENb:e:p:O:f:h", opts, NULL)) != -1) {
		switch (c) {
		case 't': tree = true; break;
		case 'l': tree = false; break;
		case 'd':
			depth = (int)strtol(optarg, &endp, 10);
			if (*endp || depth < 1) {
				fprintf(stderr, "%s: bad depth: %s\n", prog, optarg);
				return 2;
			}
			break;
		case 'E': empty = true; break;
		case 'N': no_total = true; break;
		case 'b':
		case 'e':
		case 'p':
			if (range_option(c, optarg, &begin, &end, &why) < 0) {
				fprintf(stderr, "%s: %s: %s\n", prog, why, optarg);
				return 2;
			}
			break;
		case 'O':
			if ((rv = format_parse(optarg, formats)) < 0) {
				fprintf(stderr, "%s: unknown output format: %s\n", prog, optarg);
				return 2;
			}
			format = rv;
			break;
		case 'f': fopts[nf++] = optarg; break;
		case 'h': usage(stdout, 0); break;
		case 'V': printf("%s %s\n", prog, TALLY_VERSION); return 0;
		default: usage(stderr, 2);
		}
	}
	split_operands(argc - optind, argv + optind, &ops, &nops, nf > 0);
	if (query_depth(query) && (!depth || query_depth(query) < depth))
		depth = query_depth(query);  /* depth:N is hledger's --depth N */
	totals = accounts_new();
	total = accounts_get(totals, "", 0);
	nfiles = input_files(fopts, nf, ops, nops, &files);
	{
		struct terr ce;

		if (wpath_check_stdout(files, nfiles, &ce) < 0) {  /* `>> JOURNAL` */
			terr_print(prog, &ce);
			input_free(files, nfiles);
			accounts_free(totals);
			free(ops);
			return 2;
		}
	}
	j = journal_open((const char *const *)files, nfiles, JOURNAL_CHECK_ASSERT);
	/* Without a period or a query, the reader's running balances are the answer. */
	bool all = begin == DATE_NONE && end == DATE_NONE && query_empty(query);

	flat = all ? NULL : accounts_new();
	if (all)
		journal_split(j);  /* only the balances are wanted: both cores may read */
	/* Without a period or a query, the items need nothing but their errors. */
	while (all && (rv = journal_next(j, &it)) != 0) {
		if (rv < 0) {
			terr_print(prog, journal_error(j));
			status = 1;
		}
	}
	while (!all && (rv = journal_next(j, &it)) != 0) {
		if (rv < 0) {
			terr_print(prog, journal_error(j));
			status = 1;
			continue;
		}
		if ((it->kind != J_TXN && it->kind != J_TIMELOG) || status)
			continue;
		const struct txn *t = it->txn;

		if ((begin != DATE_NONE && t->date < begin) || (end != DATE_NONE && t->date >= end))
			continue;
		for (size_t i = 0; i < t->np; i++) {
			if (!query_posting(query, t, &t->p[i]))
				continue;
			struct account *a = accounts_get(flat, t->p[i].acct, t->p[i].acct_len);

			if (account_add(a, &t->p[i].amt) < 0) {
				fprintf(stderr, "%s: %s:%ld: balance of %s too large to hold exactly\n",
					prog, it->file, t->p[i].line, a->name);
				status = 1;
			}
		}
	}
	if (!status) {
		r = report_table(all ? journal_balances(j) : flat);
		for (size_t i = 0; r && i < accounts_count(r); i++) {
			struct account *a = accounts_at(r, i);

			if (tree && level(a->name, a->len) > 0)
				continue;
			for (size_t b = 0; b < a->nbal; b++)
				if (account_add(total, &a->bal[b].sum) < 0)
					status = 1;
		}
		if (!r || status) {
			if (r)
				accounts_free(r);
			fprintf(stderr, "%s: a total is too large to hold exactly\n", prog);
			status = 1;
		} else {
			o = out_open(stdout);
			if (format == F_TXT)
				write_txt(o, r, total);
			else
				write_rows(o, r);
			if (out_commit(o) < 0)
				status = 1;
			accounts_free(r);
		}
	}
	journal_close(j);
	if (flat)
		accounts_free(flat);
	accounts_free(totals);
	query_free(query);
	free(ops);
	input_free(files, nfiles);
	free(fopts);
	if (fshut_stdout(prog) < 0)
		status = 1;
	commodity_reset();
	return status;
}
