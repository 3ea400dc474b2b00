/*
 * tally-signoff: sign-off sheets and the signatures that come back. A sheet lists a
 * client's held sessions of a period (date, time, length, "session N of M" of the package
 * it used) with a column for the client to sign; --record reads the signed list back (CSV:
 * date, client, signed-by) and adds `signed:` tags to those sessions. Recording is
 * idempotent: a session already signed by the same name counts as the record's and is
 * left alone, so the same list can be recorded twice.
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tally.h"

static const char *prog = "tally-signoff";
static tdate begin = DATE_NONE, end = DATE_NONE;
static enum { F_TXT, F_HTML, F_PDF } format = F_TXT;
static struct clients_opts accts;
static struct query *query;  /* the sheet's operands that are not files: hledger query terms */

static void
usage(FILE *f, int status)
{
	fprintf(f, "usage: %s --client ID [-p PERIOD] [-b DATE] [-e DATE] [-O txt|html]\n"
		   "       [-f FILE]... [FILE]... [QUERY]...\n"
		   "       %s --record SIGNED.csv [-i JOURNAL | -f FILE... | FILE...]\n", prog, prog);
	exit(status);
}

/* ---- the sheet ---- */

struct line {
	tdate date;
	int time;            /* -1: none */
	long minutes;        /* -1: none */
	long n, m;           /* session n of a package of m; 0: not from a package */
	char *signed_by;     /* NULL: unsigned */
};

/* The oldest package with credit on d: the one a held session on d takes from. */
static const struct client_package *
next_package(const struct client *c, tdate d)
{
	for (size_t i = 0; i < c->npk; i++) {
		const struct client_package *k = &c->pk[i];

		if (!k->lapsed && k->used < k->sessions &&
		    (k->expires == DATE_NONE || d <= k->expires))
			return k;
	}
	return NULL;
}

/* Reads the journal: the client's held sessions in the period, with their package places. */
static int
collect(char **files, size_t nfiles, const char *id, struct clients *b, struct line **v,
	size_t *n)
{
	struct journal *j = journal_open((const char *const *)files, nfiles, 0);
	struct jitem *it;
	struct terr e;
	int rv, status = 0;

	while ((rv = journal_next(j, &it)) != 0) {
		struct client_tags tg;
		struct client *c;
		const struct client_package *k;
		long used, kn = 0, km = 0;
		const struct txn *t;

		if (rv < 0) {
			terr_print(prog, journal_error(j));
			status = 1;
			continue;
		}
		if (it->kind != J_TXN || (end != DATE_NONE && it->txn->date >= end))
			continue;  /* the book stops at the period's end: credit left then */
		t = it->txn;
		clients_tags(t, &tg);
		c = clients_of_tags(b, &tg);
		used = c ? c->used : 0;
		if (c && (k = next_package(c, t->date))) {
			kn = k->used + 1;
			km = k->sessions;
		}
		if (clients_observe_tags(b, it, &tg, &e) < 0) {
			terr_print(prog, &e);
			status = 1;
			continue;
		}
		if (!c || strcmp(c->id, id) != 0 || clients_kind_of(&tg) != SESSION_HELD ||
		    (begin != DATE_NONE && t->date < begin) || (end != DATE_NONE && t->date >= end) ||
		    !query_txn(query, t))
			continue;
		*v = xrealloc(*v, (*n + 1) * sizeof **v);
		(*v)[*n] = (struct line){t->date, -1, clients_minutes_of(&tg), 0, 0, NULL};
		if (tg.v[CT_TIME].p)
			(*v)[*n].time = time_parse(tg.v[CT_TIME].p, tg.v[CT_TIME].n);
		if (c->used > used) {
			(*v)[*n].n = kn;
			(*v)[*n].m = km;
		}
		if (tg.v[CT_SIGNED].p)
			(*v)[*n].signed_by = span_dup(tg.v[CT_SIGNED]);
		(*n)++;
	}
	journal_close(j);
	return status;
}

static void
cell_time(char *buf, size_t size, const struct line *l)
{
	if (l->time >= 0)
		snprintf(buf, size, "%02d:%02d", l->time / 60, l->time % 60);
	else
		snprintf(buf, size, "-");
}

static void
cell_package(char *buf, size_t size, const struct line *l)
{
	if (l->m)
		snprintf(buf, size, "session %ld of %ld", l->n, l->m);
	else
		snprintf(buf, size, "-");
}

static void
period_label(char *buf, size_t size)
{
	char a[11] = "", z[11] = "";

	if (begin != DATE_NONE)
		date_format(a, begin);
	if (end != DATE_NONE)
		date_format(z, end - 1);
	if (begin == DATE_NONE && end == DATE_NONE)
		snprintf(buf, size, "all sessions");
	else
		snprintf(buf, size, "%s to %s", *a ? a : "the start", *z ? z : "today");
}

static void
sheet_txt(struct out *o, const struct client *c, const struct line *v, size_t n, long left)
{
	char t[16], p[48], day[11], per[40];
	long nsigned = 0;

	period_label(per, sizeof per);
	out_printf(o, "Sign-off sheet: %s\nPeriod: %s\n\n", c->name, per);
	out_printf(o, "%-10s  %-5s  %7s  %-18s  %s\n", "date", "time", "minutes", "package",
		   "signature");
	for (size_t i = 0; i < n; i++) {
		date_format(day, v[i].date);
		cell_time(t, sizeof t, &v[i]);
		cell_package(p, sizeof p, &v[i]);
		if (v[i].minutes >= 0)
			out_printf(o, "%-10s  %-5s  %7ld  %-18s  ", day, t, v[i].minutes, p);
		else
			out_printf(o, "%-10s  %-5s  %7s  %-18s  ", day, t, "-", p);
		if (v[i].signed_by) {
			out_printf(o, "signed: %s\n", v[i].signed_by);
			nsigned++;
		} else
			out_puts(o, "______________________\n");
	}
	out_printf(o, "\n%ld session%s held, %ld signed", (long)n, n == 1 ? "" : "s", nsigned);
	if (c->bought)
		out_printf(o, "; package sessions left: %ld", left);
	out_puts(o, ".\n\nI confirm these sessions took place.\n\n"
		    "Name: ______________________  Signature: ______________________  "
		    "Date: __________\n");
}

static void
sheet_html(struct out *o, const struct client *c, const struct line *v, size_t n, long left)
{
	char t[16], p[48], day[11], per[40];
	long nsigned = 0;

	period_label(per, sizeof per);
	out_puts(o, "<!DOCTYPE html>\n<html>\n<head>\n<meta charset=\"utf-8\">\n<title>Sign-off sheet: ");
	html_text(o, c->name, strlen(c->name));
	out_puts(o, "</title>\n<style>\nbody { font-family: sans-serif; }\n"
		    "table { border-collapse: collapse; }\n"
		    "td, th { border: 1px solid #888; padding: 0.3em 0.6em; text-align: left; }\n"
		    "td.sign { min-width: 14em; }\n</style>\n</head>\n<body>\n<h1>Sign-off sheet: ");
	html_text(o, c->name, strlen(c->name));
	out_printf(o, "</h1>\n<p>Period: %s</p>\n<table>\n<tr><th>date</th><th>time</th>"
		      "<th>minutes</th><th>package</th><th>signature</th></tr>\n", per);
	for (size_t i = 0; i < n; i++) {
		date_format(day, v[i].date);
		cell_time(t, sizeof t, &v[i]);
		cell_package(p, sizeof p, &v[i]);
		out_printf(o, "<tr><td>%s</td><td>%s</td><td>", day, t);
		if (v[i].minutes >= 0)
			out_printf(o, "%ld", v[i].minutes);
		else
			out_puts(o, "-");
		out_printf(o, "</td><td>%s</td><td class=\"sign\">", p);
		if (v[i].signed_by) {
			out_puts(o, "signed: ");
			html_text(o, v[i].signed_by, strlen(v[i].signed_by));
			nsigned++;
		}
		out_puts(o, "</td></tr>\n");
	}
	out_printf(o, "</table>\n<p>%ld session%s held, %ld signed", (long)n, n == 1 ? "" : "s",
		   nsigned);
	if (c->bought)
		out_printf(o, "; package sessions left: %ld", left);
	out_puts(o, ".</p>\n<p>I confirm these sessions took place.</p>\n"
		    "<p>Name: ______________________ Signature: ______________________ "
		    "Date: __________</p>\n</body>\n</html>\n");
}

/* The text sheet drawn as a PDF (lib/pdf.c) on the paper tally.conf names. */
static int
sheet_pdf(struct out *o, const struct client *c, const struct line *v, size_t n, long left,
	  const char *journal)
{
	struct mail_doc d;
	struct out *t = mail_doc_open(&d);
	struct terr e;
	struct conf *cf;
	char title[300];
	int r;

	sheet_txt(t, c, v, n, left);
	mail_doc_close(&d, t);
	if (!(cf = invoices_conf(NULL, journal, &e))) {
		terr_print(prog, &e);
		mail_doc_free(&d);
		return -1;
	}
	snprintf(title, sizeof title, "Sign-off sheet: %s", c->name);
	r = pdf_from_text(o, d.p, d.n, &(struct pdf_opts){conf_get(cf, "paper"), title,
			  conf_get(cf, "name"), false}, &e);
	if (r < 0)
		terr_print(prog, &e);
	conf_free(cf);
	mail_doc_free(&d);
	return r;
}

static int
sheet(char **files, size_t nfiles, const char *client)
{
	char id[256];
	struct clients *b = clients_new(&accts);
	struct line *v = NULL;
	size_t n = 0;
	struct client *c;
	struct out *o;
	int status;

	clients_slug((struct span){client, strlen(client)}, id, sizeof id);
	status = collect(files, nfiles, id, b, &v, &n);
	if (status == 0 && !(c = clients_find(b, (struct span){id, strlen(id)}))) {
		fprintf(stderr, "%s: no client %s in the journal\n", prog, client);
		status = 1;
	}
	if (status == 0) {
		long left = client_package_left(c, end != DATE_NONE ? end - 1 : DATE_NONE, NULL);

		o = out_open(stdout);
		if (format == F_HTML)
			sheet_html(o, c, v, n, left);
		else if (format == F_PDF &&
			 sheet_pdf(o, c, v, n, left, nfiles ? files[0] : NULL) < 0) {
			out_abort(o);
			o = NULL;
			status = 1;
		} else
			sheet_txt(o, c, v, n, left);
		if (o && out_commit(o) < 0) {
			fprintf(stderr, "%s: cannot write the output\n", prog);
			status = 1;
		}
	}
	for (size_t i = 0; i < n; i++)
		free(v[i].signed_by);
	free(v);
	clients_free(b);
	return status;
}

/* ---- recording signatures ---- */

/* Standard input read twice: copied to a temporary file first (*tmp: its name, to remove). */
static int
spool_stdin(char **files, size_t nfiles, char **tmp)
{
	char buf[1 << 15];
	const char *dir = getenv("TMPDIR");
	size_t n;
	FILE *f;
	int fd;

	for (size_t i = 0; i < nfiles; i++) {
		if (strcmp(files[i], "-") != 0)
			continue;
		if (!*tmp) {
			*tmp = xmalloc(strlen(dir && *dir ? dir : "/tmp") + 32);
			sprintf(*tmp, "%s/tally-signoff.XXXXXX", dir && *dir ? dir : "/tmp");
			if ((fd = mkstemp(*tmp)) < 0 || !(f = fdopen(fd, "w"))) {
				free(*tmp);
				*tmp = NULL;
				return -1;
			}
			while ((n = fread(buf, 1, sizeof buf, stdin)) > 0)
				if (fwrite(buf, 1, n, f) != n)
					break;
			if (ferror(stdin) || fclose(f) != 0)
				return -1;
		}
		free(files[i]);
		files[i] = xstrdup(*tmp);
	}
	return 0;
}

static int
record(const char *csv, char **files, size_t nfiles, const char *inplace)
{
	struct signoff *s = NULL;
	struct terr e = {0};
	struct wpath *w = wpath_new(files, nfiles);
	struct out *o;
	char *tmp = NULL;
	int status = 0, rv;

	/* The journal is locked before it is read (plan), and replaced after (write). */
	if ((rv = wpath_add(w, inplace, WP_EDIT, &o, &e)) != 0 || wpath_open(w, &e) < 0) {
		terr_print(prog, &e);
		wpath_abort(w);
		return rv == WPATH_REFUSED ? 2 : 1;
	}
	if (spool_stdin(files, nfiles, &tmp) < 0) {
		fprintf(stderr, "%s: cannot copy standard input to a temporary file\n", prog);
		status = 1;
	} else if (!(s = signoff_load(csv, &e)) || signoff_plan(s, files, nfiles, &e) < 0 ||
		   signoff_write(s, files, nfiles, o, &e) < 0) {
		terr_print(prog, &e);
		status = 1;
	}
	if (status)
		wpath_abort(w);
	else if (wpath_commit(w, &e) < 0) {
		terr_print(prog, &e);
		status = 1;
	} else
		fprintf(stderr, "%s: %ld signed: tag%s added\n", prog, signoff_added(s),
			signoff_added(s) == 1 ? "" : "s");
	signoff_free(s);
	if (tmp) {
		unlink(tmp);
		free(tmp);
	}
	return status;
}

int
main(int argc, char **argv)
{
	static const struct option opts[] = {
		{"client", required_argument, NULL, 'c'},
		{"record", required_argument, NULL, 'r'},
		{"in-place", required_argument, NULL, 'i'},
		{"begin", required_argument, NULL, 'b'},
		{"end", required_argument, NULL, 'e'},
		{"period", required_argument, NULL, 'p'},
		{"output-format", required_argument, NULL, 'O'},
		{"file", required_argument, NULL, 'f'},
		CHART_OPTIONS,
		{"help", no_argument, NULL, 'h'},
		{"version", no_argument, NULL, 'V'},
		{NULL, 0, NULL, 0},
	};
	static const char *const formats[] = {"txt", "html", "pdf", NULL};
	char **fopts = xcalloc((size_t)argc + 1, sizeof *fopts), **files;
	const char *client = NULL, *recordfile = NULL, *inplace = NULL, *why;
	size_t nf = 0, nfiles;
	int c, rv, status;
	struct chart chart;

	chart_init(&chart);
	while ((c = getopt_long(argc, argv, "b:e:p:O:f:i:h", opts, NULL)) != -1) {
		if (chart_option(&chart, c, optarg))
			continue;
		switch (c) {
		case 'b':
		case 'e':
		case 'p':
			if (range_option(c, optarg, &begin, &end, &why) < 0) {
				fprintf(stderr, "%s: %s: %s\n", prog, why, optarg);
				free(fopts);
				return 2;
			}
			break;
		case 'c': client = optarg; break;
		case 'r': recordfile = optarg; break;
		case 'i': inplace = optarg; break;
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
		case 'V':
			printf("%s %s\n", prog, TALLY_VERSION);
			free(fopts);
			return fshut_stdout(prog) < 0;
		default: free(fopts); usage(stderr, 2);
		}
	}
	chart_clients_opts(&chart, &accts);
	if (!client == !recordfile) {
		fprintf(stderr, "%s: give --client ID (a sheet) or --record FILE (signatures)\n",
			prog);
		free(fopts);
		usage(stderr, 2);
	}
	if (inplace && (nf || optind < argc)) {
		fprintf(stderr, "%s: -i JOURNAL edits that journal: name no other\n", prog);
		free(fopts);
		usage(stderr, 2);
	}
	if (inplace) {
		files = xcalloc(2, sizeof *files);
		files[0] = xstrdup(inplace);
		nfiles = 1;
	} else if (client) {
		/* Query terms select the sessions listed (date: narrows the period, as -p);
		 * every entry still counts for the package places. */
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
		query_period(query, &begin, &end);
	} else
		nfiles = input_files(fopts, nf, argv + optind, (size_t)(argc - optind), &files);
	if (client) {
		struct terr ce;

		if (wpath_check_stdout(files, nfiles, &ce) < 0) {  /* `>> JOURNAL` */
			terr_print(prog, &ce);
			status = 2;
		} else {
			status = sheet(files, nfiles, client);
		}
	} else
		status = record(recordfile, files, nfiles, inplace);
	input_free(files, nfiles);
	query_free(query);
	free(fopts);
	if (fshut_stdout(prog) < 0)
		status = 1;
	commodity_reset();
	return status;
}
