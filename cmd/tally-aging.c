/*
 * tally-aging: who owes what, and for how long, on a given date. Follows every invoice and
 * payment up to that date (lib/invoices.c), then lists the open invoices by client with the
 * days past due and their bucket, with totals; --remind writes a reminder for each late
 * invoice from templates that grow firmer with lateness.
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "tally.h"

static const char *prog = "tally-aging";
static const char *receivable = "Assets:Receivable", *only_client, *lang = "en", *conf_path;
static const char *maildir;
static tdate asof = DATE_NONE;
static enum { F_TXT, F_CSV, F_JSON, F_EML } format = F_TXT;
static bool remind;
static long first = 1, second = 15, final = 30, courtesy = -1;
static struct query *query;  /* operands that are not files: hledger query terms */
static bool *picked;         /* per invoice (invoices_at order): its entry matches query */

static void
usage(FILE *f, int status)
{
	fprintf(f, "usage: %s [--date DATE] [--client ID] [-O txt|csv|json] [--receivable ACCT]\n"
		   "       [--remind [--lang LANG] [--levels N,N,N] [--courtesy N] [--conf FILE]\n"
		   "        [-O eml [--maildir DIR]]]\n"
		   "       [-f FILE]... [FILE]... [QUERY]...\n", prog);
	exit(status);
}

static const char *
bucket(long days)
{
	return days <= 0 ? "current" : days <= 30 ? "1-30" : days <= 60 ? "31-60" :
	       days <= 90 ? "61-90" : "90+";
}

static long
late(const struct invoice *in)
{
	return asof > in->due ? (long)(asof - in->due) : 0;
}

static struct amount
open_of(const struct invoice *in)
{
	struct amount r, p = in->paid;

	amount_neg(&p);
	if (amount_add(&r, &in->total, &p) < 0)
		r = in->total;  /* cannot happen: paid never exceeds total */
	r.com = in->total.com;
	return r;
}

/* Whether --client names this client (slugged, as client: tags are). */
static bool
wanted(struct span id)
{
	return vocab_same_client((struct span){only_client, strlen(only_client)}, id);
}

static int
by_client(const void *a, const void *b)
{
	const struct invoice *x = *(const struct invoice *const *)a, *y = *(const struct invoice *const *)b;
	int c = strcmp(x->client, y->client);

	if (c)
		return c;
	if (x->date != y->date)
		return x->date < y->date ? -1 : 1;
	return strcmp(x->number, y->number);
}

/* Adds a to the running sums (one per commodity); -1 on overflow. */
static int
sum_add(struct bal **s, size_t *n, const struct amount *a)
{
	for (size_t i = 0; i < *n; i++)
		if ((*s)[i].com == a->com)
			return amount_add(&(*s)[i].sum, &(*s)[i].sum, a);
	*s = xrealloc(*s, (*n + 1) * sizeof **s);
	(*s)[(*n)++] = (struct bal){a->com, *a};
	return 0;
}

static void
txt_total(struct out *o, const char *who, const char *what, struct bal *s, size_t n, int wc)
{
	char buf[AMOUNT_BUF];

	for (size_t i = 0; i < n; i++) {
		amount_format(buf, sizeof buf, &s[i].sum);
		out_printf(o, "%-*s  %-*s%*s\n", wc, i ? "" : who, 60, i ? "" : what, 14, buf);
	}
}

static int
by_name(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Every client with an invoice, sorted, once each: a client whose invoices are all paid may
 * still hold credit to show. */
static const char **
all_clients(const struct invoices *v, size_t *n)
{
	size_t k = invoices_count(v), m = 0;
	const char **c = xcalloc(k + 1, sizeof *c);
	struct strmap *once = strmap_new();  /* a few clients, thousands of invoices: sort those */

	for (size_t i = 0; i < k; i++) {
		const char *name = invoices_at(v, i)->client;
		bool added;

		strmap_add(once, name, strlen(name), &added);
		if (added)
			c[m++] = name;
	}
	strmap_free(once, NULL);
	if (m > 1)
		qsort(c, m, sizeof *c, by_name);
	*n = m;
	return c;
}

/* With query terms, a client is shown (its credit too) when one of its invoices is picked. */
static bool
client_picked(const struct invoices *v, const char *client)
{
	if (query_empty(query))
		return true;
	for (size_t i = 0; i < invoices_count(v); i++)
		if (picked[i] && strcmp(invoices_at(v, i)->client, client) == 0)
			return true;
	return false;
}

static void
txt_row(struct out *o, const struct invoice *in, int wc)
{
	char a[AMOUNT_BUF], b[AMOUNT_BUF], d1[11], d2[11];
	struct amount op = open_of(in);

	date_format(d1, in->date);
	date_format(d2, in->due);
	amount_format(a, sizeof a, &in->total);
	amount_format(b, sizeof b, &op);
	out_printf(o, "%-*s  %-12s  %-10s  %-10s  %4ld  %14s  %14s  %s\n", wc, in->client,
		   in->number, d1, d2, late(in), a, b, bucket(late(in)));
}

/*
 * One CSV record or JSON object: an invoice (in set), else a client's total or credit, or
 * the grand total (client NULL), named in the bucket column. JSON amounts are strings, so
 * no reader turns them into binary floating point; an absent value is null there.
 */
static void
table_row(struct out *o, size_t *nrows, const char *client, const struct invoice *in,
	  const struct amount *open, const char *kind)
{
	char a[AMOUNT_BUF], b[AMOUNT_BUF], d1[11], d2[11];
	const char *com = commodity_name(open->com);
	bool csv = format == F_CSV;

	amount_format_plain(b, sizeof b, open);
	if (in) {
		date_format(d1, in->date);
		date_format(d2, in->due);
		amount_format_plain(a, sizeof a, &in->total);
	}
	if (csv) {
		if (client)
			csv_cell(o, client, strlen(client), false);
		out_puts(o, ",");
		if (in) {
			csv_cell(o, in->number, strlen(in->number), false);
			out_printf(o, ",%s,%s,%ld,%s", d1, d2, late(in), a);
		} else {
			out_puts(o, ",,,,");
		}
		out_printf(o, ",%s,", b);
		csv_cell(o, com, strlen(com), false);
		out_printf(o, ",%s\n", kind);
		return;
	}
	out_puts(o, (*nrows)++ ? ",\n {\"client\": " : "\n {\"client\": ");
	if (client)
		json_string(o, client, strlen(client));
	else
		out_puts(o, "null");
	out_puts(o, ", \"invoice\": ");
	if (in) {
		json_string(o, in->number, strlen(in->number));
		out_printf(o, ", \"date\": \"%s\", \"due\": \"%s\", \"days_overdue\": %ld, "
			   "\"amount\": \"%s\"", d1, d2, late(in), a);
	} else {
		out_puts(o, "null, \"date\": null, \"due\": null, \"days_overdue\": null, "
			 "\"amount\": null");
	}
	out_printf(o, ", \"open\": \"%s\", \"commodity\": ", b);
	json_string(o, com, strlen(com));
	out_printf(o, ", \"bucket\": \"%s\"}", kind);
}

static void
table_sums(struct out *o, size_t *nrows, const char *client, const struct bal *s, size_t n,
	   const char *kind)
{
	for (size_t i = 0; i < n; i++)
		table_row(o, nrows, client, NULL, &s[i].sum, kind);
}

/*
 * The report: per client (sorted) its open invoices, its total per commodity and any
 * credit it holds; then the grand total. txt is for a reader, csv and json hold the same
 * rows for a script.
 */
static int
report(struct out *o, struct invoices *v, const struct invoice **open, size_t n)
{
	struct bal *cs = NULL, *gs = NULL;
	size_t ncs = 0, ngs = 0, ncl, k = 0, nrows = 0;
	const char **cl;
	int wc = 6, rc = 0;

	cl = all_clients(v, &ncl);
	for (size_t i = 0; i < ncl; i++)
		if ((int)strlen(cl[i]) > wc)
			wc = (int)strlen(cl[i]);
	if (format == F_TXT)
		out_printf(o, "%-*s  %-12s  %-10s  %-10s  %4s  %14s  %14s  %s\n", wc, "client",
			   "invoice", "date", "due", "days", "amount", "open", "bucket");
	else if (format == F_CSV)
		out_puts(o, "client,invoice,date,due,days_overdue,amount,open,commodity,bucket\n");
	else
		out_puts(o, "[");
	for (size_t i = 0; i < ncl; i++) {
		if ((only_client && !wanted((struct span){cl[i], strlen(cl[i])})) ||
		    !client_picked(v, cl[i]))
			continue;
		for (; k < n && strcmp(open[k]->client, cl[i]) == 0; k++) {
			struct amount op = open_of(open[k]);

			if (format == F_TXT)
				txt_row(o, open[k], wc);
			else
				table_row(o, &nrows, cl[i], open[k], &op, bucket(late(open[k])));
			if (sum_add(&cs, &ncs, &op) < 0 || sum_add(&gs, &ngs, &op) < 0)
				rc = -1;
		}
		if (ncs && format == F_TXT)
			txt_total(o, cl[i], "total", cs, ncs, wc);
		else if (ncs)
			table_sums(o, &nrows, cl[i], cs, ncs, "total");
		for (int com = 0; com < commodity_count(); com++) {
			struct amount cr = invoices_credit(v, cl[i], com);

			if (amount_sign(&cr) <= 0)
				continue;
			if (format == F_TXT)
				txt_total(o, cl[i], "credit", &(struct bal){cr.com, cr}, 1, wc);
			else
				table_row(o, &nrows, cl[i], NULL, &cr, "credit");
		}
		free(cs);
		cs = NULL;
		ncs = 0;
	}
	if (format != F_TXT)
		table_sums(o, &nrows, NULL, gs, ngs, "total");
	else if (ngs)
		txt_total(o, "total", "", gs, ngs, wc);
	else
		out_printf(o, "%-*s  %-*s%*s\n", wc, "total", 60, "", 14, "0");
	if (format == F_JSON)
		out_puts(o, nrows ? "\n]\n" : "]\n");
	free(gs);
	free(cl);
	return rc;
}

/* ---- reminders ---- */

static struct clients *payers;  /* bill-to: a reminder goes to whoever pays (lib/billto.c) */

struct msg {
	const struct invoice *in;
	struct conf *conf;
	const struct identity *who;
};

static bool
field(struct out *o, const char *key, size_t n, void *arg)
{
	const struct msg *m = arg;
	char buf[AMOUNT_BUF];
	struct amount a;
	const char *v = NULL;

#define IS(k) (n == strlen(k) && memcmp(key, k, n) == 0)
	if (n > 9 && memcmp(key, "provider-", 9) == 0) {
		char k[32];

		snprintf(k, sizeof k, "%.*s", (int)(n - 9), key + 9);
		v = conf_get(m->conf, k);
		header_value(o, v ? v : "");
		return true;
	}
	if (IS("days") || IS("terms") || IS("days-left")) {
		out_printf(o, "%ld", IS("days") ? late(m->in) : IS("terms") ?
			   (long)(m->in->due - m->in->date) : (long)(m->in->due - asof));
		return true;
	}
	if (IS("date") || IS("due")) {
		catalog_date(buf, sizeof buf, IS("date") ? m->in->date : m->in->due, "notice");
		out_puts(o, buf);
		return true;
	}
	if (IS("amount") || IS("open") || IS("paid")) {
		a = IS("amount") ? m->in->total : IS("paid") ? m->in->paid : open_of(m->in);
		a.com = m->in->total.com;
		amount_format_lang(buf, sizeof buf, &a, lang);
		out_puts(o, buf);
		return true;
	}
	if (IS("greeting")) {  /* the catalog's, as the notices': "Hello %s," with the name */
		const char *g = catalog_tr("Hello %s,\n"), *at = strstr(g, "%s");

		if (!at)
			at = g + strlen(g);
		out_write(o, g, (size_t)(at - g));
		header_value(o, identity_name(m->who, m->in->client));
		out_write(o, *at ? at + 2 : "", strcspn(*at ? at + 2 : "", "\n"));
		return true;
	}
	/* the practice's name from tally.conf, or its signature = line */
	v = IS("client") ? identity_name(m->who, m->in->client) : IS("invoice") ? m->in->number :
	    IS("signature") ? (conf_get(m->conf, "signature") ? conf_get(m->conf, "signature") :
			       conf_get(m->conf, "name") ? conf_get(m->conf, "name") : "") :
	    NULL;
#undef IS
	if (!v)
		return false;
	header_value(o, v);
	return true;
}

/* One reminder as a message: the rendered template's Subject line and body. */
static int
mail_one(struct mailbox *mb, const char *tmpl, const struct msg *m, struct terr *e)
{
	struct mail_doc d;
	struct out *o = mail_doc_open(&d);
	int r;

	invoices_fill(o, tmpl, field, (void *)m);
	mail_doc_close(&d, o);
	r = mail_add_text(mb, m->conf, m->in->client, m->who, &d, lang, e);
	mail_doc_free(&d);
	return r;
}

static int
reminders(struct out *o, struct mailbox *mb, const struct invoice **open, size_t n,
	  struct conf *conf, const struct identities *ids, struct terr *e)
{
	static const char *const kinds[] = {"courtesy", "first", "second", "final"};
	char *tmpl[4] = {NULL}, *dir = policy_sharedir("templates"), name[64];
	size_t written = 0;
	int rc = 0;

	for (int k = 0; k < 4; k++) {
		snprintf(name, sizeof name, "reminder-%s.%s.txt", kinds[k], lang);
		if (!(tmpl[k] = invoices_template(dir, name, e))) {
			rc = -1;
			goto done;
		}
	}
	for (size_t i = 0; i < n; i++) {
		long d = late(open[i]), left = (long)(open[i]->due - asof);
		int k = d >= final ? 3 : d >= second ? 2 : d >= first && d > 0 ? 1 :
			(courtesy >= 0 && left >= 0 && left <= courtesy) ? 0 : -1;

		/* sent now: to whoever pays for the client now (bill-to:) */
		struct msg m = {open[i], conf, identities_find(ids, clients_payer_id(payers,
				open[i]->client, asof))};

		if (k < 0)
			continue;
		if (mb) {
			if ((rc = mail_one(mb, tmpl[k], &m, e)) < 0)
				goto done;
			continue;
		}
		if (written++)
			out_puts(o, "---\n");
		invoices_fill(o, tmpl[k], field, &m);
	}
done:
	for (int k = 0; k < 4; k++)
		free(tmpl[k]);
	free(dir);
	return rc;
}

static long
num_opt(const char *s, char **rest)
{
	long n = strtol(s, rest, 10);

	if (*rest == s || n < 0 || n > 36500) {
		fprintf(stderr, "%s: bad number of days: %s\n", prog, s);
		exit(2);
	}
	return n;
}

/* Global, so that an early exit leaves it reachable rather than leaked. */
static char **fopts;

int
main(int argc, char **argv)
{
	static const struct option opts[] = {
		{"date", required_argument, NULL, 'D'},
		{"client", required_argument, NULL, 'C'},
		{"output-format", required_argument, NULL, 'O'},
		CHART_OPTIONS,
		{"remind", no_argument, NULL, 'r'},
		{"lang", required_argument, NULL, 'L'},
		{"levels", required_argument, NULL, 'l'},
		{"courtesy", required_argument, NULL, 'c'},
		{"conf", required_argument, NULL, 'k'},
		{"maildir", required_argument, NULL, 'M'},
		{"file", required_argument, NULL, 'f'},
		{"help", no_argument, NULL, 'h'},
		{"version", no_argument, NULL, 'V'},
		{NULL, 0, NULL, 0},
	};
	static const char *const formats[] = {"txt", "csv", "json", "eml", NULL};
	char **files, *rest;
	size_t nf = 0, nfiles, nopen = 0;
	const struct invoice **open = NULL;
	struct journal *j;
	struct jitem *it;
	struct invoices *v;
	struct identities *ids;
	struct mailbox *mb = NULL;
	struct conf *conf = NULL;
	struct out *o;
	struct terr e = {0};
	const char *why;
	struct chart chart;
	struct vtags tg = {0};  /* vocab_entry_next clears what the last entry set */
	bool seen = false;  /* --client named some client of the journal */
	int c, r, status = 0;

	chart_init(&chart);
	fopts = xcalloc((size_t)argc + 1, sizeof *fopts);
	while ((c = getopt_long(argc, argv, "O:f:h", opts, NULL)) != -1) {
		if (chart_option(&chart, c, optarg))
			continue;
		switch (c) {
		case 'D':
			if (date_parse(optarg, strlen(optarg), 0, &asof, &why) != (long)strlen(optarg)) {
				fprintf(stderr, "%s: bad date: %s\n", prog, optarg);
				return 2;
			}
			break;
		case 'C': only_client = optarg; break;
		case 'O':
			if ((r = format_parse(optarg, formats)) < 0) {
				fprintf(stderr, "%s: unknown output format: %s\n", prog, optarg);
				return 2;
			}
			format = r;
			break;
		case 'r': remind = true; break;
		case 'L':
			/* a language is its catalog and its reminder-*.LANG.txt templates */
			if (catalog_use(optarg, &e) < 0) {
				terr_print(prog, &e);
				return 2;
			}
			lang = optarg;
			break;
		case 'l':
			first = num_opt(optarg, &rest);
			if (*rest == ',')
				second = num_opt(rest + 1, &rest);
			if (*rest == ',')
				final = num_opt(rest + 1, &rest);
			if (*rest || first < 1 || second < first || final < second) {
				fprintf(stderr, "%s: bad reminder levels: %s\n", prog, optarg);
				return 2;
			}
			break;
		case 'c':
			courtesy = num_opt(optarg, &rest);
			if (*rest) {
				fprintf(stderr, "%s: bad number of days: %s\n", prog, optarg);
				return 2;
			}
			break;
		case 'k': conf_path = optarg; break;
		case 'M': maildir = optarg; break;
		case 'f': fopts[nf++] = optarg; break;
		case 'h': usage(stdout, 0); break;
		case 'V': printf("%s %s\n", prog, TALLY_VERSION); return 0;
		default: usage(stderr, 2);
		}
	}
	if ((format == F_EML && !remind) || (maildir && format != F_EML)) {
		fprintf(stderr, "%s: %s\n", prog, maildir && format != F_EML ?
			"--maildir needs -O eml" : "-O eml needs --remind");
		return 2;
	}
	if (asof == DATE_NONE)
		asof = date_today();
	{
		/* Query terms select the invoices shown by their entry (hledger print's reading);
		 * every payment and credit still counts. */
		char **ops;
		size_t nops;

		if (query_operands(argc - optind, argv + optind, nf > 0, &ops, &nops, &query,
				   &e) < 0) {
			terr_print(prog, &e);
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
	if (remind && !(conf = invoices_conf(conf_path, nfiles ? files[0] : NULL, &e))) {
		terr_print(prog, &e);
		input_free(files, nfiles);
		free(fopts);
		return 1;
	}
	receivable = chart.acct[CH_RECEIVABLE];
	v = invoices_new(receivable);
	ids = identities_new();
	payers = clients_new(NULL);
	j = journal_open((const char *const *)files, nfiles, 0);
	while ((r = journal_next(j, &it)) != 0) {
		if (r < 0) {
			terr_print(prog, journal_error(j));
			status = 1;
			continue;
		}
		if (status || it->kind != J_TXN)
			continue;
		if (vocab_entry_next(it, &tg, &e, NULL, NULL) > 0) {
			terr_print(prog, &e);
			status = 1;
			continue;
		}
		if (only_client && tg.has[VT_CLIENT] && wanted(tg.v[VT_CLIENT].raw))
			seen = true;
		if (it->txn->date > asof)
			continue;
		size_t had = invoices_count(v);

		if (invoices_observe_tags(v, it, &tg, &e) < 0 ||
		    (remind && identities_observe(ids, it, &e) < 0) ||
		    (remind && clients_observe_billto(payers, it, &tg, &e) < 0)) {
			terr_print(prog, &e);
			status = 1;
		}
		if (invoices_count(v) > had) {
			picked = xrealloc(picked, invoices_count(v) * sizeof *picked);
			for (size_t i = had; i < invoices_count(v); i++)
				picked[i] = query_txn(query, it->txn);
		}
	}
	journal_close(j);
	for (size_t i = 0; only_client && i < invoices_count(v); i++)
		seen |= wanted((struct span){invoices_at(v, i)->client,
					     strlen(invoices_at(v, i)->client)});
	if (!status && only_client && !seen) {
		fprintf(stderr, "%s: unknown client: %s\n", prog, only_client);
		status = 1;
	}
	if (!status) {
		open = xcalloc(invoices_count(v) + 1, sizeof *open);
		for (size_t i = 0; i < invoices_count(v); i++) {
			const struct invoice *in = invoices_at(v, i);
			struct amount op = open_of(in);

			if (amount_sign(&op) > 0 && picked[i] &&
			    (!only_client || wanted((struct span){in->client, strlen(in->client)})))
				open[nopen++] = in;
		}
		if (nopen > 1)
			qsort(open, nopen, sizeof *open, by_client);
		o = out_open(stdout);
		if (format == F_EML && !(mb = maildir ? mail_maildir(maildir, &e) : mail_mbox(o)))
			r = -1;
		else if (remind)
			r = reminders(o, mb, open, nopen, conf, ids, &e);
		else if ((r = report(o, v, open, nopen)) < 0)
			terr_set(&e, NULL, 0, "a total is too large to hold exactly");
		if (r < 0) {
			terr_print(prog, &e);
			if (mb)
				mail_abort(mb);
			out_abort(o);
			status = 1;
		} else if (mb && mail_commit(mb, &e) < 0) {
			terr_print(prog, &e);
			out_abort(o);
			status = 1;
		} else if (out_commit(o) < 0) {
			status = 1;
		}
	}
	free(open);
	free(picked);
	query_free(query);
	clients_free(payers);
	identities_free(ids);
	conf_free(conf);
	invoices_free(v);
	input_free(files, nfiles);
	free(fopts);
	if (fshut_stdout(prog) < 0)
		status = 1;
	commodity_reset();
	return status;
}
