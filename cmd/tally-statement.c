/*
 * tally-statement: a client's month-end statement. One streaming pass over the journal
 * gathers every client's statement (lib/statement.c); then one statement, or with `--all`
 * every client's, is written as text, Markdown or HTML (lib/stmtdoc.c) with the labels of
 * the catalog of --lang (share/po/LANG.po). A month-end run costs one read of the journal whatever
 * the clients.
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tally.h"

static const char *prog = "tally-statement";

static const char *prefix[SA_N];
static tdate begin = DATE_NONE, end = DATE_NONE;
/* txt, md, html are lib/stmtdoc.c's formats; pdf draws the text one, eml mails them. */
enum { F_PDF = 3, F_EML = 4 };
static const char *const ext[] = {"txt", "md", "html", "pdf", "eml", NULL};
static struct identities *ids;  /* the clients' name, email, address, tax ID (lib/identity.c) */
static struct query *query;     /* operands that are not files: hledger query terms */
static struct statements *st;   /* every client's statement, read in one pass */
static struct clients *payers;  /* bill-to: who pays for whom (lib/billto.c) */
static tdate family_at;         /* a household is who pays for whom on this day */

static void
usage(FILE *f, int status)
{
	fprintf(f, "usage: %s (--client ID | --all --output-dir DIR) [-p PERIOD] [-b DATE]\n"
		   "       [-e DATE] [-O txt|md|html|pdf|eml] [--maildir DIR] [--lang en|es|he] [--conf FILE]\n"
		   "       [--templates DIR] [--unbilled ACCT] [--receivable ACCT]\n"
		   "       [--prepaid ACCT] [--deposits ACCT] [-f FILE]... [FILE]... [QUERY]...\n",
		prog);
	exit(status);
}

/* ---- main --------------------------------------------------------------------------- */

/*
 * One entry of the reading: its tags read once for the statement (when the query selects
 * it), the clients' names and addresses, and who pays for whom (from any entry).
 */
static int
observe(const struct jitem *it, struct terr *e)
{
	static struct stmt_reading rd;

	rd.st = st, rd.ids = ids, rd.payers = payers, rd.query = query;
	return stmt_read_entry(&rd, it, e);
}

/* What to call the client: its name: tag, its client: spelling, else the ID. */
static const char *
name_of(const struct stmt_client *c)
{
	const struct identity *who = identities_find(ids, c->id);

	return who && who->name ? who->name : c->name ? c->name : c->id;
}

/*
 * The statement in the format asked for (fmt): -O pdf draws the text statement (lib/pdf.c).
 * -2 when a total is too large to hold exactly, -1 with *e set when the PDF fails.
 */
static int
document_of(struct out *o, const struct stmt_doc *d, int fmt, const struct stmt_client *c,
	 struct terr *e)
{
	struct stmt_doc td = *d;
	struct mail_doc txt;
	struct out *t;
	char title[512];
	int r;

	if (fmt != F_PDF) {
		td.format = fmt;
		return statement_write(o, &td, c) < 0 ? -2 : 0;
	}
	td.format = STMT_TXT;
	t = mail_doc_open(&txt);
	r = statement_write(t, &td, c);
	mail_doc_close(&txt, t);
	snprintf(title, sizeof title, "%s: %s", conf_get(d->labels, "title") ?
		 conf_get(d->labels, "title") : "Statement", name_of(c));
	if (r < 0)
		r = -2;
	else
		r = pdf_from_text(o, txt.p, txt.n, &(struct pdf_opts){
				  .paper = conf_get(d->provider, "paper"), .title = title,
				  .author = conf_get(d->provider, "name"),
				  .rtl = conf_get(d->labels, "dir") &&
					 strcmp(conf_get(d->labels, "dir"), "rtl") == 0}, e);
	mail_doc_free(&txt);
	return r;
}

/* The Subject: the text statement's title and its period line ("Period: ... to ..."). */
static void
subject_of(char *buf, size_t size, const struct stmt_doc *d, const char *txt)
{
	const char *title = conf_get(d->labels, "title"), *per = conf_get(d->labels, "period");
	const char *p = txt, *nl;
	size_t n = per ? strlen(per) : 0;

	snprintf(buf, size, "%s", title ? title : "Statement");
	for (; n && p && *p; p = nl ? nl + 1 : NULL) {
		nl = strchr(p, '\n');
		if (strncmp(p, per, n) == 0 && p[n] == ':') {
			snprintf(buf, size, "%s%.*s", title ? title : "Statement",
				 (int)((nl ? nl : p + strlen(p)) - p - n), p + n);
			break;
		}
	}
}

/* A client's statement; a payer's (bill-to:) is its household's, every client's line named. */
static int
document(struct out *o, const struct stmt_doc *d, int fmt, const struct stmt_client *c,
	 struct terr *e)
{
	struct stmt_client *fam = statements_family(st, c->id, payers, family_at);
	int r = document_of(o, d, fmt, fam ? fam : c, e);

	stmt_client_free(fam);
	return r;
}

/* A client billed to another (bill-to:) is on that one's statement, not on one of its own. */
static bool
billed_elsewhere(const struct stmt_client *c)
{
	return stmt_billed_elsewhere(payers, c, family_at);
}

/* -O eml: one client's statement as mail: text and HTML alternatives, the PDF attached. */
static int
mail_statement(struct mailbox *mb, const struct stmt_doc *d, const struct stmt_client *c,
	       struct terr *e)
{
	const struct identity *who = identities_find(ids, c->id);
	struct mail_doc doc[3];
	struct out *o[3];
	char subject[512], pdfname[300];
	int r = 0;

	for (int k = 0; k < 3; k++) {
		o[k] = mail_doc_open(&doc[k]);
		if (r == 0)
			r = document(o[k], d, k == 0 ? STMT_TXT : k == 1 ? STMT_HTML : F_PDF, c, e);
		mail_doc_close(&doc[k], o[k]);
	}
	if (r == -2)
		terr_set(e, NULL, 0, "a total of %s is too large to hold exactly", c->id);
	if (r == 0) {
		subject_of(subject, sizeof subject, d, doc[0].p);
		snprintf(pdfname, sizeof pdfname, "statement-%s.pdf", c->id);
		r = mail_add(mb, &(struct mail_msg){
			.from_name = conf_get(d->provider, "name"),
			.from_addr = conf_get(d->provider, "email"), .client = c->id,
			.to_name = name_of(c), .to_addr = who ? who->email : NULL,
			.subject = subject, .text = doc[0].p, .html = doc[1].p, .lang = d->lang,
			.attach_name = pdfname, .attach = doc[2].p, .attach_len = doc[2].n}, e);
	}
	for (int k = 0; k < 3; k++)
		mail_doc_free(&doc[k]);
	return r < 0 ? -1 : 0;
}

/* Mails the statement of sc (or of every client), to standard output or a maildir. */
static int
mail_all(struct statements *st, const struct stmt_doc *d, const struct stmt_client *sc,
	 const char *maildir, char **files, size_t nfiles)
{
	struct terr e = {0};
	struct wpath *w = wpath_new(files, nfiles);
	struct mailbox *mb;
	struct out *o = NULL;
	int r;

	if ((r = wpath_add(w, NULL, 0, &o, &e)) != 0 || wpath_open(w, &e) < 0) {
		terr_print(prog, &e);
		wpath_abort(w);
		return r == WPATH_REFUSED ? 2 : 1;
	}
	mb = maildir ? mail_maildir(maildir, &e) : mail_mbox(o);
	r = mb ? 0 : -1;
	for (size_t i = 0; !sc && r == 0 && i < statements_count(st); i++)
		if (!billed_elsewhere(statements_at(st, i)))
			r = mail_statement(mb, d, statements_at(st, i), &e);
	if (sc && r == 0)
		r = mail_statement(mb, d, sc, &e);
	if (r < 0) {
		if (mb)
			mail_abort(mb);
		terr_print(prog, &e);
		wpath_abort(w);
		return 1;
	}
	if (mail_commit(mb, &e) < 0 || wpath_commit(w, &e) < 0) {
		terr_print(prog, &e);
		return 1;
	}
	return 0;
}

/*
 * Writes every client's statement into dir, one file each, through the write path: all
 * of them or none, and a symlink planted in dir is replaced, never followed. Prints the paths.
 */
static int
write_all(struct statements *st, const struct stmt_doc *d, int fmt, const char *dir,
	  char **files, size_t nfiles)
{
	char path[PATH_MAX];
	size_t n = statements_count(st);
	struct wpath *w;
	struct terr e;
	int r;

	for (size_t i = 0; i < n; i++) {
		const struct stmt_client *c = statements_at(st, i);

		if (!stmt_safe_name(c->id)) {
			fprintf(stderr, "%s: %s:%ld: client ID not usable as a file name: %s\n",
				prog, c->file, c->line, c->id);
			return 1;
		}
	}
	w = wpath_new(files, nfiles);
	for (size_t i = 0; i < n; i++) {
		const struct stmt_client *c = statements_at(st, i);
		struct out *o;

		if (billed_elsewhere(c))
			continue;
		snprintf(path, sizeof path, "%s/%s.%s", dir, c->id, ext[fmt]);
		if (wpath_add(w, path, WP_NOFOLLOW, &o, &e) != 0 || wpath_open(w, &e) < 0) {
			terr_print(prog, &e);
			wpath_abort(w);
			return 1;
		}
		if ((r = document(o, d, fmt, c, &e)) < 0) {
			if (r == -1)
				terr_print(prog, &e);
			else
				fprintf(stderr, "%s: a total of %s is too large to hold exactly\n",
					prog, c->id);
			wpath_abort(w);
			return 1;
		}
		if (out_commit(o) < 0) {  /* this file is complete: fsynced and closed */
			fprintf(stderr, "%s: %s: %s\n", prog, path, strerror(errno));
			wpath_abort(w);
			return 1;
		}
	}
	if (wpath_commit(w, &e) < 0) {
		terr_print(prog, &e);
		return 1;
	}
	for (size_t i = 0; i < n; i++)
		if (!billed_elsewhere(statements_at(st, i)))
			printf("%s/%s.%s\n", dir, statements_at(st, i)->id, ext[fmt]);
	return 0;
}

int
main(int argc, char **argv)
{
	enum { O_ALL = 256, O_DIR, O_LANG, O_CONF, O_TPL, O_UNB, O_REC, O_PRE, O_DEP, O_CLI, O_MAILDIR };
	static const struct option opts[] = {
		{"client", required_argument, NULL, O_CLI},
		{"all", no_argument, NULL, O_ALL},
		{"output-dir", required_argument, NULL, O_DIR},
		{"maildir", required_argument, NULL, O_MAILDIR},
		{"lang", required_argument, NULL, O_LANG},
		{"conf", required_argument, NULL, O_CONF},
		{"templates", required_argument, NULL, O_TPL},
		{"unbilled", required_argument, NULL, O_UNB},
		{"receivable", required_argument, NULL, O_REC},
		{"prepaid", required_argument, NULL, O_PRE},
		{"deposits", required_argument, NULL, O_DEP},
		{"unbilled-account", required_argument, NULL, O_UNB},
		{"receivable-account", required_argument, NULL, O_REC},
		{"prepaid-account", required_argument, NULL, O_PRE},
		{"deposits-account", required_argument, NULL, O_DEP},
		{"begin", required_argument, NULL, 'b'},
		{"end", required_argument, NULL, 'e'},
		{"period", required_argument, NULL, 'p'},
		{"output-format", required_argument, NULL, 'O'},
		{"file", required_argument, NULL, 'f'},
		{"help", no_argument, NULL, 'h'},
		{"version", no_argument, NULL, 'V'},
		{NULL, 0, NULL, 0},
	};
	static char **fopts;  /* static: still reachable on early returns */
	char **files, *tdir, path[PATH_MAX];
	const char *want = NULL, *dir = NULL, *conf_path = NULL, *tpl = NULL, *maildir = NULL;
	char *css = NULL;
	bool all = false;
	size_t nf = 0, nfiles;
	struct journal *j;
	struct jitem *it;
	struct terr e = {0};
	int c, rv, status = 0, fmt = STMT_TXT;
	const char *why;
	struct stmt_doc doc = {.format = STMT_TXT, .lang = "en"};
	struct conf *labels, *provider;
	struct stmt_client *fam = NULL;  /* a payer's household with no account of its own */
	struct book *bk;

	fopts = xcalloc((size_t)argc, sizeof *fopts);
	while ((c = getopt_long(argc, argv, "b:e:p:O:f:h", opts, NULL)) != -1) {
		switch (c) {
		case O_CLI: want = optarg; break;
		case O_ALL: all = true; break;
		case O_DIR: dir = optarg; break;
		case O_MAILDIR: maildir = optarg; break;
		case O_LANG:
			/* a language is its catalog: checked below */
			if (!catalog_lang_ok(optarg)) {
				fprintf(stderr, "%s: unknown language: %s\n", prog, optarg);
				return 2;
			}
			doc.lang = optarg;
			break;
		case O_CONF: conf_path = optarg; break;
		case O_TPL: tpl = optarg; break;
		case O_UNB: prefix[SA_UNBILLED] = optarg; break;
		case O_REC: prefix[SA_RECEIVABLE] = optarg; break;
		case O_PRE: prefix[SA_PREPAID] = optarg; break;
		case O_DEP: prefix[SA_DEPOSITS] = optarg; break;
		case 'b':
		case 'e':
		case 'p':
			if (range_option(c, optarg, &begin, &end, &why) < 0) {
				fprintf(stderr, "%s: %s: %s\n", prog, why, optarg);
				return 2;
			}
			break;
		case 'O':
			if ((rv = format_parse(optarg, ext)) < 0) {
				fprintf(stderr, "%s: unknown output format: %s\n", prog, optarg);
				return 2;
			}
			fmt = rv;
			doc.format = rv == STMT_MD || rv == STMT_HTML ? rv : STMT_TXT;
			break;
		case 'f': fopts[nf++] = optarg; break;
		case 'h': usage(stdout, 0); break;
		case 'V': printf("%s %s\n", prog, TALLY_VERSION); return 0;
		default: usage(stderr, 2);
		}
	}
	if (maildir && fmt != F_EML) {
		fprintf(stderr, "%s: --maildir needs -O eml\n", prog);
		return 2;
	}
	if (all == (want != NULL) || (all && !dir && fmt != F_EML) || (!all && dir) ||
	    (dir && fmt == F_EML)) {
		fprintf(stderr, "%s: give either --client ID or --all %s\n", prog,
			fmt == F_EML ? "(with -O eml, no --output-dir)" : "--output-dir DIR");
		usage(stderr, 2);
	}
	/* a language is its catalog (share/po/LANG.po), the labels in context "statement" */
	if (catalog_use(doc.lang, &e) < 0) {
		terr_print(prog, &e);
		return 2;
	}
	labels = conf_catalog("statement");
	tdir = stmt_templates_dir(tpl);
	if (fmt == STMT_HTML || fmt == F_EML) {
		snprintf(path, sizeof path, "%s/statement.css", tdir);
		if (!(css = stmt_read_text(path)) || strstr(css, "</")) {
			fprintf(stderr, "%s: %s: %s\n", prog, path,
				css ? "must not contain \"</\"" : strerror(errno));
			free(css);
			free(tdir);
			conf_free(labels);
			return 1;
		}
	}
	free(tdir);
	{
		/* Query terms: date: narrows the period as -p does; the others select the entries
		 * the statement reads, as if the rest were not in the journal. */
		char **ops;
		size_t nops;

		if (query_operands(argc - optind, argv + optind, nf > 0, &ops, &nops, &query,
				   &e) < 0) {
			terr_print(prog, &e);
			conf_free(labels);
			free(css);
			return 2;
		}
		nfiles = input_files(fopts, nf, ops, nops, &files);
		free(ops);
		query_period(query, &begin, &end);
	}
	if (!(provider = invoices_conf(conf_path, files[0], &e))) {
		terr_print(prog, &e);
		conf_free(labels);
		free(css);
		input_free(files, nfiles);
		free(fopts);
		return 1;
	}
	st = statements_new(begin, end, prefix);
	ids = identities_new();
	payers = clients_new(NULL);
	family_at = end != DATE_NONE ? end - 1 : date_today();
	/* the book counts package sessions in date order; this reading is its pass 2 */
	if (!(bk = book_read_until(files, nfiles, &(struct clients_opts){prefix[SA_UNBILLED],
				   prefix[SA_PREPAID], prefix[SA_DEPOSITS]}, end, &e))) {
		terr_print(prog, &e);
		status = 1;
	}
	j = journal_open((const char *const *)files, nfiles, 0);
	while (bk && (rv = journal_next(j, &it)) != 0) {
		struct book_price bp;

		statements_book(st, book_next(bk, rv > 0 ? it : NULL, &bp) ? &bp : NULL);
		if (rv < 0) {
			terr_print(prog, journal_error(j));
			status = 1;
		} else if (!status && observe(it, &e) < 0) {
			/* names, addresses and payers come from any entry, selected or not */
			terr_print(prog, &e);
			status = 1;
		}
	}
	journal_close(j);
	statements_book(st, NULL);
	if (bk)
		statements_packages(st, bk, end == DATE_NONE ? DATE_NONE : end - 1);
	book_free(bk);
	doc.labels = labels;
	doc.provider = provider;
	doc.css = css;
	doc.begin = begin;
	doc.end = end;
	doc.inv = statements_invoices(st);
	doc.ids = ids;
	if (!status && all && fmt == F_EML) {
		status = mail_all(st, &doc, NULL, maildir, files, nfiles);
	} else if (!status && all) {
		status = write_all(st, &doc, fmt, dir, files, nfiles);
	} else if (!status) {
		const struct client *payer;
		const struct stmt_client *sc;

		/* --client is matched as client: tags are: folded to the account slug */
		/* a payer with no account of its own yet: its household's statement */
		if (!(sc = statements_find(st, want)) &&
		    (payer = clients_find(payers, (struct span){want, strlen(want)})))
			sc = fam = statements_family(st, payer->id, payers, family_at);
		/*
		 * A client whose sessions go to a payer (bill-to:) has them on the payer's
		 * household statement: that is the statement, said so (docs/household.md).
		 */
		if (sc && !fam && billed_elsewhere(sc)) {
			const char *pid = clients_payer_id(payers, sc->id, family_at);

			fprintf(stderr, "%s: %s is billed to %s (bill-to:): this is %s's household "
				"statement\n", prog, sc->id, pid, pid);
			if (!(sc = statements_find(st, pid)))
				sc = fam = statements_family(st, pid, payers, family_at);
		}
		if (!sc) {
			fprintf(stderr, "%s: unknown client: %s\n", prog, want);
			status = 1;
		} else if (fmt == F_EML) {
			status = mail_all(st, &doc, sc, maildir, files, nfiles);
		} else {
			struct wpath *w = wpath_new(files, nfiles);
			struct out *o;

			if ((rv = wpath_add(w, NULL, 0, &o, &e)) != 0 || wpath_open(w, &e) < 0) {
				terr_print(prog, &e);
				wpath_abort(w);
				status = rv == WPATH_REFUSED ? 2 : 1;
			} else if ((rv = document(o, &doc, fmt, sc, &e)) < 0) {
				wpath_abort(w);
				if (rv == -1)
					terr_print(prog, &e);
				else
					fprintf(stderr, "%s: a total is too large to hold exactly\n",
						prog);
				status = 1;
			} else if (wpath_commit(w, &e) < 0) {
				terr_print(prog, &e);
				status = 1;
			}
		}
	}
	stmt_client_free(fam);
	statements_free(st);
	query_free(query);
	identities_free(ids);
	clients_free(payers);
	free(css);
	conf_free(labels);
	conf_free(provider);
	input_free(files, nfiles);
	free(fopts);
	if (fshut_stdout(prog) < 0)
		status = 1;
	commodity_reset();
	return status;
}
