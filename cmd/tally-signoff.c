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
	fprintf(f, "usage: %s --client ID [-p PERIOD] [-b DATE] [-e DATE] [-O txt|html|pdf]\n"
		   "       [--lang LANG] [-f FILE]... [FILE]... [QUERY]...\n"
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
	size_t seq;          /* the order read: the sheet is sorted by date, then this */
};

static int
by_date(const void *x, const void *y)
{
	const struct line *a = x, *b = y;

	if (a->date != b->date)
		return a->date < b->date ? -1 : 1;
	if (a->time != b->time)
		return a->time < b->time ? -1 : 1;
	return a->seq < b->seq ? -1 : a->seq > b->seq;
}

/* A group session's attendee id when present at it, else NULL (absent, or not in it). */
static struct client *
attendee(struct clients *b, const struct txn *t, const char *id)
{
	struct attendee a[GROUP_MAX];
	size_t n = group_attendees(t, a, GROUP_MAX, NULL);

	for (size_t i = 0; i < n && i < GROUP_MAX; i++)
		if (a[i].kind == SESSION_HELD &&
		    vocab_same_client(a[i].id, (struct span){id, strlen(id)}))
			return clients_find(b, a[i].id);
	return NULL;
}

/*
 * Reads the journal: the client's held sessions in the period, with their places in the
 * packages as the book counts them (date order, tally-bill's pricing): this reading is
 * the book's pass 2.
 */
static int
collect(char **files, size_t nfiles, const char *id, struct book *bk, struct line **v,
	size_t *n)
{
	struct clients *b = book_clients(bk);
	struct journal *j = journal_open((const char *const *)files, nfiles, 0);
	struct jitem *it;
	struct terr e;
	int rv, status = 0;

	while ((rv = journal_next(j, &it)) != 0) {
		struct client_tags tg;
		struct vtags vt;
		struct client *c;
		struct book_price bp;
		bool has = book_next(bk, rv > 0 ? it : NULL, &bp);
		const struct txn *t;

		if (rv < 0) {
			terr_print(prog, journal_error(j));
			status = 1;
			continue;
		}
		if (it->kind != J_TXN || (end != DATE_NONE && it->txn->date >= end))
			continue;  /* the book stops at the period's end: credit left then */
		t = it->txn;
		/* every tag as the vocabulary reads it: what tally-check refuses is refused here */
		if (vocab_entry(it, &vt, &e, NULL, NULL) > 0) {
			terr_print(prog, &e);
			status = 1;
			continue;
		}
		clients_tags_of(&vt, &tg);
		c = group_is(t) ? attendee(b, t, id)
				: vt.has[VT_CLIENT] ? clients_find(b, vt.v[VT_CLIENT].raw) : NULL;
		/* a group session has a record per attendee: this client's */
		while (has && c && bp.c && strcmp(bp.c->id, c->id) != 0)
			has = book_next_more(bk, &bp);
		if (!c || strcmp(c->id, id) != 0 || !vt.has[VT_SESSION] ||
		    vt.v[VT_SESSION].n != SESSION_HELD || (begin != DATE_NONE && t->date < begin) ||
		    !query_txn(query, t))
			continue;
		*v = xrealloc(*v, (*n + 1) * sizeof **v);
		(*v)[*n] = (struct line){t->date, -1, clients_minutes_of(&tg), 0, 0, NULL, *n};
		if (vt.has[VT_TIME])
			(*v)[*n].time = (int)vt.v[VT_TIME].n;
		if (has && bp.pk_m) {
			(*v)[*n].n = bp.pk_n;
			(*v)[*n].m = bp.pk_m;
		}
		if (vt.has[VT_SIGNED])
			(*v)[*n].signed_by = span_dup(vt.v[VT_SIGNED].raw);
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
		snprintf(buf, size, catalog_tr("session %ld of %ld"), l->n, l->m);
	else
		snprintf(buf, size, "-");
}

static void
period_label(char *buf, size_t size)
{
	char a[32] = "", z[32] = "";

	if (begin != DATE_NONE)
		catalog_date(a, sizeof a, begin, "signoff");
	if (end != DATE_NONE)
		catalog_date(z, sizeof z, end - 1, "signoff");
	if (begin == DATE_NONE && end == DATE_NONE)
		snprintf(buf, size, "%s", catalog_tr("all sessions"));
	else
		snprintf(buf, size, catalog_tr("%s to %s"), *a ? a : catalog_tr("the start"),
			 *z ? z : catalog_tr("today"));
}

/* s padded to w columns (left: after it; right: before): a column counts characters. */
static void
pad(struct out *o, const char *s, int w, bool right)
{
	int n = 0;

	for (const char *c = s; *c; c++)
		n += ((unsigned char)*c & 0xc0) != 0x80;
	if (right)
		out_printf(o, "%*s", w > n ? w - n : 0, "");
	out_puts(o, s);
	if (!right)
		out_printf(o, "%*s", w > n ? w - n : 0, "");
}

/* "4 sessions held, 0 signed; package sessions left: 6." */
static void
totals(struct out *o, size_t n, long nsigned, long left)
{
	out_printf(o, catalog_ntr("%ld session held, %ld signed", "%ld sessions held, %ld signed",
				  (unsigned long)n), (long)n, nsigned);
	if (left >= 0)  /* a package bought by the period's end (the book's count) */
		out_printf(o, catalog_tr("; package sessions left: %ld"), left);
	out_puts(o, ".");
}

static bool
rtl(void)
{
	const char *d = catalog_get("signoff", "dir");

	return d && strcmp(d, "rtl") == 0;
}

static void
sheet_txt(struct out *o, const struct client *c, const struct line *v, size_t n, long left)
{
	char t[16], p[64], day[32], per[96], mins[24];
	long nsigned = 0;

	period_label(per, sizeof per);
	out_printf(o, catalog_tr("Sign-off sheet: %s\n"), c->name);
	out_printf(o, catalog_tr("Period: %s\n"), per);
	out_puts(o, "\n");
	pad(o, catalog_tr("date"), 10, false), out_puts(o, "  ");
	pad(o, catalog_tr("time"), 5, false), out_puts(o, "  ");
	pad(o, catalog_tr("minutes"), 7, true), out_puts(o, "  ");
	pad(o, catalog_tr("package"), 18, false), out_puts(o, "  ");
	out_printf(o, "%s\n", catalog_tr("signature"));
	for (size_t i = 0; i < n; i++) {
		catalog_date(day, sizeof day, v[i].date, "signoff");
		cell_time(t, sizeof t, &v[i]);
		cell_package(p, sizeof p, &v[i]);
		if (v[i].minutes >= 0)
			snprintf(mins, sizeof mins, "%ld", v[i].minutes);
		else
			snprintf(mins, sizeof mins, "-");
		pad(o, day, 10, false), out_puts(o, "  ");
		pad(o, t, 5, false), out_puts(o, "  ");
		pad(o, mins, 7, true), out_puts(o, "  ");
		pad(o, p, 18, false), out_puts(o, "  ");
		if (v[i].signed_by) {
			out_printf(o, catalog_tr("signed: %s"), v[i].signed_by);
			out_puts(o, "\n");
			nsigned++;
		} else
			out_puts(o, "______________________\n");
	}
	out_puts(o, "\n");
	totals(o, n, nsigned, left);
	out_printf(o, "\n\n%s\n\n", catalog_tr("I confirm these sessions took place."));
	out_printf(o, "%s\n", catalog_tr("Name: ______________________  Signature: "
					 "______________________  Date: __________"));
}

static void
th(struct out *o, const char *s)
{
	out_puts(o, "<th>");
	html_text(o, s, strlen(s));
	out_puts(o, "</th>");
}

static void
sheet_html(struct out *o, const struct client *c, const struct line *v, size_t n, long left)
{
	char t[16], p[64], day[32], per[96], title[512];
	const char *lang = catalog_lang();
	long nsigned = 0;

	period_label(per, sizeof per);
	snprintf(title, sizeof title, catalog_tr("Sign-off sheet: %s\n"), c->name);
	title[strcspn(title, "\n")] = '\0';
	out_puts(o, "<!DOCTYPE html>\n");
	if (lang)
		out_printf(o, "<html lang=\"%s\"%s>\n", lang, rtl() ? " dir=\"rtl\"" : "");
	else
		out_puts(o, "<html>\n");
	out_puts(o, "<head>\n<meta charset=\"utf-8\">\n<title>");
	html_text(o, title, strlen(title));
	out_printf(o, "</title>\n<style>\nbody { font-family: sans-serif; }\n"
		      "table { border-collapse: collapse; }\n"
		      "td, th { border: 1px solid #888; padding: 0.3em 0.6em; text-align: %s; }\n"
		      "td.sign { min-width: 14em; }\n</style>\n</head>\n<body>\n<h1>",
		   rtl() ? "right" : "left");
	html_text(o, title, strlen(title));
	out_puts(o, "</h1>\n<p>");
	snprintf(title, sizeof title, catalog_tr("Period: %s\n"), per);
	html_text(o, title, strcspn(title, "\n"));
	out_puts(o, "</p>\n<table>\n<tr>");
	th(o, catalog_tr("date")), th(o, catalog_tr("time")), th(o, catalog_tr("minutes"));
	th(o, catalog_tr("package")), th(o, catalog_tr("signature"));
	out_puts(o, "</tr>\n");
	for (size_t i = 0; i < n; i++) {
		catalog_date(day, sizeof day, v[i].date, "signoff");
		cell_time(t, sizeof t, &v[i]);
		cell_package(p, sizeof p, &v[i]);
		out_printf(o, "<tr><td>%s</td><td>%s</td><td>", day, t);
		if (v[i].minutes >= 0)
			out_printf(o, "%ld", v[i].minutes);
		else
			out_puts(o, "-");
		out_puts(o, "</td><td>");
		html_text(o, p, strlen(p));
		out_puts(o, "</td><td class=\"sign\">");
		if (v[i].signed_by) {
			snprintf(title, sizeof title, catalog_tr("signed: %s"), v[i].signed_by);
			html_text(o, title, strlen(title));
			nsigned++;
		}
		out_puts(o, "</td></tr>\n");
	}
	out_puts(o, "</table>\n<p>");
	totals(o, n, nsigned, left);
	out_printf(o, "</p>\n<p>%s</p>\n<p>%s</p>\n</body>\n</html>\n",
		   catalog_tr("I confirm these sessions took place."),
		   catalog_tr("Name: ______________________ Signature: ______________________ "
			      "Date: __________"));
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
	snprintf(title, sizeof title, catalog_tr("Sign-off sheet: %s\n"), c->name);
	title[strcspn(title, "\n")] = '\0';
	r = pdf_from_text(o, d.p, d.n, &(struct pdf_opts){conf_get(cf, "paper"), title,
			  conf_get(cf, "name"), rtl()}, &e);
	if (r < 0)
		terr_print(prog, &e);
	conf_free(cf);
	mail_doc_free(&d);
	return r;
}

static int
sheet(char **files, size_t nfiles, const char *client)
{
	char id[CLIENT_ID_MAX + 2];
	struct line *v = NULL;
	size_t n = 0;
	struct client *c;
	struct out *o;
	int status;

	struct book *bk;
	struct terr e;

	if (clients_slug((struct span){client, strlen(client)}, id, sizeof id) > CLIENT_ID_MAX)
		id[0] = '\0';  /* too long to be an ID: names nobody, never cut to name another */
	if (!(bk = book_read_until(files, nfiles, &accts, end, &e))) {
		terr_print(prog, &e);
		return 1;
	}
	status = collect(files, nfiles, id, bk, &v, &n);
	if (n > 1)
		qsort(v, n, sizeof *v, by_date);
	if (status == 0 && !(c = clients_find(book_clients(bk), (struct span){id, strlen(id)}))) {
		fprintf(stderr, "%s: no client %s in the journal\n", prog, client);
		status = 1;
	}
	if (status == 0) {
		long left = book_package_left(bk, c->id, end != DATE_NONE ? end - 1 : DATE_NONE);

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
	book_free(bk);
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
		{"lang", required_argument, NULL, 'L'},
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
	struct terr le;

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
		case 'L':
			/* a language is its catalog (share/po/LANG.po) */
			if (catalog_use(optarg, &le) < 0) {
				terr_print(prog, &le);
				free(fopts);
				return 2;
			}
			break;
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
