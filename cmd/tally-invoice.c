/*
 * tally-invoice: invoice a period's unbilled amounts, one entry per client, moving them from
 * Assets:Unbilled:ID to Assets:Receivable:ID under the next number of the year. The journal
 * passes through untouched and the new invoices follow it. An amount some invoice already
 * moved out of Unbilled is never invoiced again, so the command is idempotent.
 * --show NUMBER renders one invoice from the journal alone; --void NUMBER writes a credit note.
 * The work is lib/'s: invrun.c and invwrite.c (the new entries), invdoc.c (the documents),
 * creditnote.c; this file holds the options, the reading loop and the output's wiring.
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tally.h"

static const char *prog = "tally-invoice";
static const char *only_client, *prefix = "", *show, *lang = "en", *conf_path, *maildir;
static const char *void_number;  /* --void: write a credit note for this invoice */
static tdate begin = DATE_NONE, end = DATE_NONE, inv_date = DATE_NONE;
static long default_terms = 14;
static int format = INVDOC_TXT;

static void
usage(FILE *f, int status)
{
	fprintf(f, "usage: %s -p PERIOD | -b DATE -e DATE [--date DATE] [--client ID] [--prefix P]\n"
		   "       [--terms N] [--unbilled ACCT] [--receivable ACCT] [--prepaid ACCT]\n"
		   "       [--deposits ACCT] [-i FILE] [-f FILE]... [FILE]...\n"
		   "       %s --void NUMBER [--date DATE] [-i FILE] [-f FILE]... [FILE]...\n"
		   "       %s --show NUMBER [-O txt|html|md|pdf|eml] [--maildir DIR] [--lang LANG]\n"
		   "       [--conf FILE] [-f FILE]... [FILE]...\n", prog, prog, prog);
	exit(status);
}

static tdate
date_opt(const char *s)
{
	tdate d;
	const char *why;

	if (date_parse(s, strlen(s), 0, &d, &why) != (long)strlen(s)) {
		fprintf(stderr, "%s: bad date: %s\n", prog, s);
		exit(2);
	}
	return d;
}

/* The language's words: its catalog in context "invoice" (catalog_use comes first). */
static struct conf *
load_words(struct terr *e)
{
	if (catalog_use(lang, e) < 0)
		return NULL;
	return conf_catalog("invoice");
}

/* Global, so that an early exit leaves it reachable rather than leaked. */
static char **fopts;

int
main(int argc, char **argv)
{
	static const struct option opts[] = {
		{"period", required_argument, NULL, 'p'},
		{"begin", required_argument, NULL, 'b'},
		{"end", required_argument, NULL, 'e'},
		{"date", required_argument, NULL, 'D'},
		{"client", required_argument, NULL, 'C'},
		{"prefix", required_argument, NULL, 'P'},
		{"terms", required_argument, NULL, 'T'},
		CHART_OPTIONS,
		{"in-place", required_argument, NULL, 'i'},
		{"show", required_argument, NULL, 'S'},
		{"void", required_argument, NULL, 'X'},
		{"output-format", required_argument, NULL, 'O'},
		{"lang", required_argument, NULL, 'L'},
		{"conf", required_argument, NULL, 'c'},
		{"maildir", required_argument, NULL, 'M'},
		{"file", required_argument, NULL, 'f'},
		{"help", no_argument, NULL, 'h'},
		{"version", no_argument, NULL, 'V'},
		{NULL, 0, NULL, 0},
	};
	static const char *const formats[] = {"txt", "html", "md", "eml", "pdf", NULL};
	char **files, *endp;
	const char *inplace = NULL;
	size_t nf = 0, nfiles;
	struct journal *j;
	struct jitem *it;
	struct conf *conf, *words = NULL;
	struct taxes taxes;
	struct invdoc *doc = NULL;
	struct invrun *run = NULL;
	struct cnote *cn = NULL;
	struct out *o;
	struct wpath *w;
	struct terr e = {0};
	struct vtags tg;
	struct chart chart;
	int c, r, status = 0;
	const char *why;

	chart_init(&chart);
	fopts = xcalloc((size_t)argc + 1, sizeof *fopts);
	while ((c = getopt_long(argc, argv, "p:b:e:i:O:f:h", opts, NULL)) != -1) {
		if (chart_option(&chart, c, optarg))
			continue;
		switch (c) {
		case 'p':
		case 'b':
		case 'e':
			if (range_option(c, optarg, &begin, &end, &why) < 0) {
				fprintf(stderr, "%s: %s: %s\n", prog, why, optarg);
				return 2;
			}
			break;
		case 'D': inv_date = date_opt(optarg); break;
		case 'C': only_client = optarg; break;
		case 'P':
			prefix = optarg;
			if (strspn(prefix, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
					   "0123456789-_/.") != strlen(prefix)) {
				fprintf(stderr, "%s: bad prefix: %s\n", prog, prefix);
				return 2;
			}
			break;
		case 'T':
			default_terms = strtol(optarg, &endp, 10);
			if (*endp || endp == optarg || default_terms < 0 || default_terms > 3650) {
				fprintf(stderr, "%s: bad terms: %s\n", prog, optarg);
				return 2;
			}
			break;
		case 'i': inplace = optarg; break;
		case 'S': show = optarg; break;
		case 'X': void_number = optarg; break;
		case 'O':
			if ((r = format_parse(optarg, formats)) < 0) {
				fprintf(stderr, "%s: unknown output format: %s\n", prog, optarg);
				return 2;
			}
			format = r;
			break;
		case 'L':
			/* a language is its catalog and its templates, invoice.LANG.FORMAT */
			if (!catalog_lang_ok(optarg) || catalog_use(optarg, &e) < 0) {
				fprintf(stderr, "%s: unknown language: %s\n", prog, optarg);
				return 2;
			}
			lang = optarg;
			break;
		case 'c': conf_path = optarg; break;
		case 'M': maildir = optarg; break;
		case 'f': fopts[nf++] = optarg; break;
		case 'h': usage(stdout, 0); break;
		case 'V': printf("%s %s\n", prog, TALLY_VERSION); return 0;
		default: usage(stderr, 2);
		}
	}
	if (show && void_number) {
		fprintf(stderr, "%s: --show and --void: choose one\n", prog);
		return 2;
	}
	if (!show && !void_number && (begin == DATE_NONE || end == DATE_NONE || begin >= end)) {
		fprintf(stderr, "%s: a period is needed: -p PERIOD, or -b DATE and -e DATE\n", prog);
		usage(stderr, 2);
	}
	if (((format == INVDOC_EML || format == INVDOC_PDF) && !show) ||
	    (maildir && format != INVDOC_EML)) {
		fprintf(stderr, "%s: %s\n", prog, format == INVDOC_EML ? "-O eml needs --show NUMBER" :
			format == INVDOC_PDF ? "-O pdf needs --show NUMBER" : "--maildir needs -O eml");
		return 2;
	}
	if (inplace) {
		if (show || nf || optind < argc) {
			fprintf(stderr, "%s: -i FILE reads FILE only\n", prog);
			return 2;
		}
		fopts[nf++] = (char *)inplace;
	}
	if (inv_date == DATE_NONE)
		inv_date = void_number ? date_today() : end;  /* end is exclusive: the day after */
	int iy, im, id;

	date_to_ymd(inv_date, &iy, &im, &id);
	if (!show && (iy < 1 || iy > 9999)) {  /* -p 9999-12: dated the day after, in 10000 */
		fprintf(stderr, "%s: invoices for this period would be dated after 9999-12-31; "
			"give --date\n", prog);
		return 2;
	}
	nfiles = input_files(fopts, nf, argv + optind, (size_t)(argc - optind), &files);
	if (!(conf = invoices_conf(conf_path, nfiles ? files[0] : NULL, &e)) ||
	    taxes_conf(conf, &taxes, &e) < 0 || !(words = load_words(&e))) {
		terr_print(prog, &e);  /* before conf_free: e names the conf's file */
		conf_free(conf);
		input_free(files, nfiles);
		free(fopts);
		return 1;
	}
	w = wpath_new(files, nfiles);
	if ((r = wpath_add(w, inplace, WP_EDIT, &o, &e)) != 0 || wpath_open(w, &e) < 0) {
		terr_print(prog, &e);
		wpath_abort(w);
		input_free(files, nfiles);
		free(fopts);
		conf_free(conf);
		conf_free(words);
		return r == WPATH_REFUSED ? 2 : 1;
	}
	if (show) {
		doc = invdoc_new(show, &(struct invdoc_opts){format, lang, maildir,
				 chart.acct[CH_RECEIVABLE], conf, words, &taxes});
		if (book_spool_stdin(files, nfiles, &e) < 0) {  /* the book reads it again */
			terr_print(prog, &e);
			status = 1;
		}
	} else if (void_number) {
		cn = cnote_new(void_number, inv_date, &(struct cnote_opts){
			conf_get(conf, "credit-note-prefix"), chart.acct[CH_RECEIVABLE],
			chart.acct[CH_UNBILLED], conf_get(conf, "credit-note-account")});
	} else {
		run = invrun_new(&(struct invrun_opts){chart.acct[CH_UNBILLED],
				 chart.acct[CH_RECEIVABLE], prefix, only_client, begin, end, inv_date,
				 default_terms, &taxes});
	}
	j = journal_open((const char *const *)files, nfiles, 0);
	while ((r = journal_next(j, &it)) != 0) {
		if (r < 0) {
			terr_print(prog, journal_error(j));
			status = 1;
			continue;
		}
		if (status)
			continue;
		if (it->kind == J_TXN && vocab_entry(it, &tg, &e, NULL, NULL) > 0) {
			terr_print(prog, &e);
			status = 1;
			continue;
		}
		if (doc) {
			if (invdoc_observe(doc, it, &tg, &e) < 0) {
				terr_print(prog, &e);
				status = 1;
			}
			continue;
		}
		if (it->depth == 0)
			write_item(o, it, NULL, 0);
		if (cn) {
			cnote_observe(cn, it, &e);
			continue;
		}
		if (it->kind == J_TXN && invrun_observe(run, it, &tg, &e) < 0) {
			terr_print(prog, &e);
			status = 1;
		}
	}
	journal_close(j);
	if (!status && doc) {
		if (!invdoc_found(doc)) {
			fprintf(stderr, "%s: no invoice %s\n", prog, show);
			status = 1;
		} else if (invdoc_write(doc, o, files, nfiles, &chart, &e) < 0) {
			terr_print(prog, &e);
			status = 1;
		}
	} else if (!status && only_client && !(run && invrun_knows(run, only_client))) {
		fprintf(stderr, "%s: unknown client: %s\n", prog, only_client);
		status = 1;
	} else if (!status && cn) {
		char number[64];

		write_end(o);
		if (cnote_write(cn, o, number, sizeof number, &e) < 0) {
			terr_print(prog, &e);
			status = 1;
		}
	} else if (!status) {
		write_end(o);  /* a missing newline, an open comment block: invoices stay entries */
		if (invrun_write(run, o, &e) < 0) {
			terr_print(prog, &e);
			status = 1;
		}
	}
	if (status)
		wpath_abort(w);
	else if (wpath_commit(w, &e) < 0) {
		terr_print(prog, &e);
		status = 1;
	}
	invrun_free(run);
	invdoc_free(doc);
	conf_free(conf);
	conf_free(words);
	cnote_free(cn);
	input_free(files, nfiles);
	free(fopts);
	if (fshut_stdout(prog) < 0)
		status = 1;
	commodity_reset();
	return status;
}
