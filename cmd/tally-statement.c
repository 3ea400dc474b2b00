/*
 * tally-statement: a client's month-end statement. One streaming pass over the journal
 * gathers every client's statement (lib/statement.c); then one statement, or with `--all`
 * every client's, is written as text, Markdown or HTML (lib/stmtdoc.c) with the labels of
 * share/templates/statement.LANG. A month-end run costs one read of the journal whatever
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
static const char *const ext[] = {"txt", "md", "html", NULL};

static void
usage(FILE *f, int status)
{
	fprintf(f, "usage: %s (--client ID | --all --output-dir DIR) [-p PERIOD] [-b DATE]\n"
		   "       [-e DATE] [-O txt|md|html] [--lang en|es] [--conf FILE]\n"
		   "       [--templates DIR] [--unbilled ACCT] [--receivable ACCT]\n"
		   "       [--prepaid ACCT] [--deposits ACCT] [-f FILE]... [FILE]...\n",
		prog);
	exit(status);
}

/* ---- main --------------------------------------------------------------------------- */

/* The templates directory: --templates, else beside the binary (build tree or install). */
static char *
templates_dir(const char *opt)
{
	static const char *const rel[] = {"/../share/templates", "/../share/tally/templates"};
	char exe[PATH_MAX], path[PATH_MAX + 64], *slash;
	ssize_t n;
	struct stat st;

	if (opt)
		return xstrdup(opt);
	n = readlink("/proc/self/exe", exe, sizeof exe - 1);
	if (n > 0) {
		exe[n] = '\0';
		if ((slash = strrchr(exe, '/')) != NULL)
			*slash = '\0';
		for (size_t i = 0; i < sizeof rel / sizeof *rel; i++) {
			snprintf(path, sizeof path, "%s%s/statement.en", exe, rel[i]);
			if (stat(path, &st) == 0) {
				snprintf(path, sizeof path, "%s%s", exe, rel[i]);
				return xstrdup(path);
			}
		}
	}
	return xstrdup(TALLY_SHAREDIR "/templates");
}

static char *
read_file(const char *path)
{
	FILE *f = fopen(path, "r");
	char *buf = NULL;
	size_t len = 0, cap = 0, n;

	if (!f)
		return NULL;
	do {
		if (len + 4096 + 1 > cap)
			buf = xrealloc(buf, cap = (cap ? cap * 2 : 8192));
		n = fread(buf + len, 1, cap - len - 1, f);
		len += n;
	} while (n > 0);
	buf[len] = '\0';
	fclose(f);
	return buf;
}

/* conf_load's error names a file it has freed: name it from the path asked for. */
static void
conf_error(const char *path, const struct terr *e)
{
	if (e->line)
		fprintf(stderr, "%s: %s:%ld: %s\n", prog, path, e->line, e->msg);
	else
		fprintf(stderr, "%s: %s: %s\n", prog, path, e->msg);
}

/* A client ID that can name a file in --output-dir. */
static bool
safe_name(const char *id)
{
	if (!*id || *id == '.' || strchr(id, '/') || strstr(id, ".."))
		return false;
	for (const char *p = id; *p; p++)
		if ((unsigned char)*p < 0x20)
			return false;
	return true;
}

/*
 * Writes every client's statement into dir, one file each, through the write path: all
 * of them or none, and a symlink planted in dir is replaced, never followed. Prints the paths.
 */
static int
write_all(struct statements *st, const struct stmt_doc *d, const char *dir, char **files,
	  size_t nfiles)
{
	char path[PATH_MAX];
	size_t n = statements_count(st);
	struct wpath *w;
	struct terr e;

	for (size_t i = 0; i < n; i++) {
		const struct stmt_client *c = statements_at(st, i);

		if (!safe_name(c->id)) {
			fprintf(stderr, "%s: %s:%ld: client ID not usable as a file name: %s\n",
				prog, c->file, c->line, c->id);
			return 1;
		}
	}
	w = wpath_new(files, nfiles);
	for (size_t i = 0; i < n; i++) {
		const struct stmt_client *c = statements_at(st, i);
		struct out *o;

		snprintf(path, sizeof path, "%s/%s.%s", dir, c->id, ext[d->format]);
		if (wpath_add(w, path, WP_NOFOLLOW, &o, &e) != 0 || wpath_open(w, &e) < 0) {
			terr_print(prog, &e);
			wpath_abort(w);
			return 1;
		}
		if (statement_write(o, d, c) < 0) {
			fprintf(stderr, "%s: a total of %s is too large to hold exactly\n", prog,
				c->id);
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
		printf("%s/%s.%s\n", dir, statements_at(st, i)->id, ext[d->format]);
	return 0;
}

int
main(int argc, char **argv)
{
	enum { O_ALL = 256, O_DIR, O_LANG, O_CONF, O_TPL, O_UNB, O_REC, O_PRE, O_DEP, O_CLI };
	static const struct option opts[] = {
		{"client", required_argument, NULL, O_CLI},
		{"all", no_argument, NULL, O_ALL},
		{"output-dir", required_argument, NULL, O_DIR},
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
	static const char *const langs[] = {"en", "es", NULL};
	static char **fopts;  /* static: still reachable on early returns */
	char **files, *tdir, path[PATH_MAX];
	const char *want = NULL, *dir = NULL, *conf_path = NULL, *tpl = NULL;
	char *css = NULL;
	bool all = false;
	size_t nf = 0, nfiles;
	struct journal *j;
	struct jitem *it;
	struct terr e = {0};
	int c, rv, status = 0;
	const char *why;
	struct stmt_doc doc = {.format = STMT_TXT, .lang = "en"};
	struct conf *labels, *provider;
	struct statements *st;

	fopts = xcalloc((size_t)argc, sizeof *fopts);
	while ((c = getopt_long(argc, argv, "b:e:p:O:f:h", opts, NULL)) != -1) {
		switch (c) {
		case O_CLI: want = optarg; break;
		case O_ALL: all = true; break;
		case O_DIR: dir = optarg; break;
		case O_LANG:
			if (format_parse(optarg, langs) < 0) {
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
			doc.format = rv;
			break;
		case 'f': fopts[nf++] = optarg; break;
		case 'h': usage(stdout, 0); break;
		case 'V': printf("%s %s\n", prog, TALLY_VERSION); return 0;
		default: usage(stderr, 2);
		}
	}
	if (all == (want != NULL) || (all && !dir) || (!all && dir)) {
		fprintf(stderr, "%s: give either --client ID or --all --output-dir DIR\n", prog);
		usage(stderr, 2);
	}
	tdir = templates_dir(tpl);
	snprintf(path, sizeof path, "%s/statement.%s", tdir, doc.lang);
	if (!(labels = conf_load(path, true, &e))) {
		conf_error(path, &e);
		free(tdir);
		return 1;
	}
	if (doc.format == STMT_HTML) {
		snprintf(path, sizeof path, "%s/statement.css", tdir);
		if (!(css = read_file(path)) || strstr(css, "</")) {
			fprintf(stderr, "%s: %s: %s\n", prog, path,
				css ? "must not contain \"</\"" : strerror(errno));
			free(css);
			free(tdir);
			conf_free(labels);
			return 1;
		}
	}
	free(tdir);
	nfiles = input_files(fopts, nf, argv + optind, (size_t)(argc - optind), &files);
	if (!(provider = invoices_conf(conf_path, files[0], &e))) {
		terr_print(prog, &e);
		conf_free(labels);
		free(css);
		input_free(files, nfiles);
		free(fopts);
		return 1;
	}
	st = statements_new(begin, end, prefix);
	j = journal_open((const char *const *)files, nfiles, 0);
	while ((rv = journal_next(j, &it)) != 0) {
		if (rv < 0) {
			terr_print(prog, journal_error(j));
			status = 1;
		} else if (!status && statements_observe(st, it, &e) < 0) {
			terr_print(prog, &e);
			status = 1;
		}
	}
	journal_close(j);
	doc.labels = labels;
	doc.provider = provider;
	doc.css = css;
	doc.begin = begin;
	doc.end = end;
	doc.inv = statements_invoices(st);
	if (!status && all) {
		status = write_all(st, &doc, dir, files, nfiles);
	} else if (!status) {
		const struct stmt_client *sc;

		/* --client is matched as client: tags are: folded to the account slug */
		if (!(sc = statements_find(st, want))) {
			fprintf(stderr, "%s: unknown client: %s\n", prog, want);
			status = 1;
		} else {
			struct wpath *w = wpath_new(files, nfiles);
			struct out *o;

			if ((rv = wpath_add(w, NULL, 0, &o, &e)) != 0 || wpath_open(w, &e) < 0) {
				terr_print(prog, &e);
				wpath_abort(w);
				status = rv == WPATH_REFUSED ? 2 : 1;
			} else if (statement_write(o, &doc, sc) < 0) {
				wpath_abort(w);
				fprintf(stderr, "%s: a total is too large to hold exactly\n", prog);
				status = 1;
			} else if (wpath_commit(w, &e) < 0) {
				terr_print(prog, &e);
				status = 1;
			}
		}
	}
	statements_free(st);
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
