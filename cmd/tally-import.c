/*
 * tally-import: bank CSV exports to journal entries, with hledger's CSV rules. Rows the
 * journal already holds (--journal) are not written again, counted one for one, and
 * client payments settle open invoices: by the invoice number they name, else by an amount
 * that equals exactly one open invoice of a client whose name or payer: pattern matches.
 *
 * Rows stream through the rules into a spool file with a small index (date, offset); at the
 * end the index is put in date order (newest-first exports reversed, as hledger does) and
 * the entries are copied out. Memory follows the journal given (dedup index, invoices),
 * never the size of the CSV.
 */
#include <errno.h>
#include <getopt.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <unistd.h>

#include "tally.h"

static const char *prog = "tally-import";
static bool report;
static int fuzzy_days = 3;       /* near duplicates: same row within this many days */
static bool allow_near;          /* --allow-near-duplicates */
static const char *receivable = "Assets:Receivable";
static const char *unmatched;    /* --unmatched: where ambiguous payments and overpayments go */
static bool keyed;               /* rows need dedup keys: a journal, or several CSVs */
static bool journal_style;       /* write amounts with the journal's decimal marks */

static void
usage(FILE *f, int status)
{
	fprintf(f, "usage: %s --rules FILE [-f|--journal FILE]... [-i JOURNAL] [--report]\n"
		   "       [--receivable PREFIX] [--unmatched ACCOUNT] [--fuzzy-days N]\n"
		   "       [--allow-near-duplicates] [CSV...]\n",
		prog);
	exit(status);
}

/* The accounts rows can have as first posting (nfirst < 0: any): only those are indexed. */
#define MAXFIRST 64
static const char *first_names[MAXFIRST];
static size_t first_lens[MAXFIRST];
static long nfirst = -1;

static struct dedup *dd;
static struct payments *pay;

/* ---- the import ---- */

struct ent {
	tdate date;
	uint32_t len;
	uint64_t seq;             /* order after newest-first files are turned around */
	off_t off;
};

static struct ent *ents;
static size_t nents, capents;
/*
 * While rows come in date order (and the rules turn nothing around) the spool is the
 * output as it stands, and no index is kept: memory stays flat however long the CSV. The
 * first row out of order has the index rebuilt from the spool (index_spool).
 */
static bool lazy;
static size_t nlazy;              /* entries in the spool while lazy */
static tdate lazy_last;
static FILE *spool;
static char spoolbuf[1 << 16];
static off_t spool_off;
static long nrows, nwritten, ndup, nnear, nmatched, nunmatched;

struct pending {                  /* rows written from the current CSV, for later CSVs */
	struct dkey key;
	const char *file;
	long line;
};
static struct pending *pend;
static size_t npend, cappend;
static bool later_files;          /* more CSV files follow the current one */

static void
where(const struct rtxn *t)
{
	fprintf(stderr, "%s: %s:%ld: ", prog, t->record->file, t->record->line);
}

/* A copy of a message for a payment that fits several invoices or clients: always said. */
static void
ambiguous(const struct rtxn *t, const char *amt, const char *cands)
{
	where(t);
	fprintf(stderr, "%s not matched: it fits %s\n", amt, cands);
}

/*
 * What a payment settled. Paying the oldest invoices first is the one match made without an
 * exact amount, so it is always said, with what stays open.
 */
static void
settled(const struct rtxn *t, const char *amt, const struct pmatch *m)
{
	where(t);
	fprintf(stderr, "%s settles ", amt);
	for (size_t k = 0; k < m->nsplit; k++)
		fprintf(stderr, "%s%s", k == 0 ? "" : k + 1 < m->nsplit ? ", " : " and ",
			m->split[k].invoice);
	fprintf(stderr, " (%s, by %s)", m->client, m->how);
	if (m->partial && strcmp(m->how, "number") == 0) {
		fprintf(stderr, ": partial, the rest stays open\n");
	} else if (m->partial) {
		struct buf lb = {0};
		struct ramount x = t->p[0].amt;

		x.a = m->left;
		x.price = 0;
		import_amount(&lb, &x, journal_style);
		fprintf(stderr, ": %s of %s stays open\n", lb.p, m->split[m->nsplit - 1].invoice);
		free(lb.p);
	} else {
		fprintf(stderr, "\n");
	}
}

static void
add_ent(tdate date, uint32_t len)
{
	if (nents == capents) {
		capents = capents ? capents * 2 : 4096;
		ents = xrealloc(ents, capents * sizeof *ents);
	}
	ents[nents] = (struct ent){date, len, nents, spool_off};
	nents++;
}

/*
 * The index of the entries spooled in date order, read back from the spool: each entry
 * starts with its date (YYYY-MM-DD) and ends with its only empty line.
 */
static int
index_spool(struct terr *e)
{
	char *chunk = xmalloc(1 << 16);
	off_t at = 0, start = 0, end = spool_off;
	size_t got;
	char prev = 0;

	lazy = false;
	spool_off = 0;
	if (fflush(spool) != 0)
		goto fail;
	while (at < end) {
		got = (size_t)(end - at < (1 << 16) ? end - at : (1 << 16));
		if (pread(fileno(spool), chunk, got, at) != (ssize_t)got)
			goto fail;
		for (size_t i = 0; i < got; i++) {
			if (chunk[i] == '\n' && prev == '\n') {
				char d[11] = "";  /* sscanf reads a string: ended */
				int y, m, dd;

				if (pread(fileno(spool), d, 10, start) != 10 ||
				    sscanf(d, "%4d-%2d-%2d", &y, &m, &dd) != 3)
					goto fail;
				spool_off = start;
				add_ent(date_from_ymd(y, m, dd), (uint32_t)(at + (off_t)i + 1 - start));
				start = at + (off_t)i + 1;
			}
			prev = chunk[i];
		}
		at += (off_t)got;
	}
	free(chunk);
	spool_off = end;
	if (nents != nlazy || start != end) {
		terr_set(e, NULL, 0, "cannot read back the spool file");
		return -1;
	}
	return 0;
fail:
	free(chunk);
	terr_set(e, NULL, 0, "cannot read back the spool file");
	return -1;
}

/*
 * Writes the entries gathered in out to the spool, 64 KiB a call, with write(2): stdio would
 * copy them once more. The spool is written only here and read back only after fflush and
 * a seek (index_spool, emit), so its FILE never holds written bytes of its own.
 */
static int
spool_put(struct buf *out, struct terr *e)
{
	for (size_t done = 0; done < out->n;) {
		ssize_t w = write(fileno(spool), out->p + done, out->n - done);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			terr_set(e, NULL, 0, "cannot write the spool file");
			return -1;
		}
		done += (size_t)w;
	}
	out->n = 0;
	return 0;
}

static int
import_row(const struct rtxn *t, struct buf *out, struct terr *e)
{
	struct buf tags = {0};
	char *acct2 = NULL;
	struct pmatch m = {0};
	const struct pmatch *split = NULL;
	struct dkey key = {0};
	bool have_key = false;
	size_t at = out->n, len;

	nrows++;
	if (t->np && t->p[0].has_amt && keyed) {
		const struct rposting *p = &t->p[0];
		const char *file;
		long line;
		tdate near;

		dedup_key(&key, t->date, p->account, p->account_len, &p->amt.a, t->desc,
			  t->desc_len, t->code, t->code_len);
		have_key = true;
		if (dedup_take(dd, &key, &file, &line)) {
			ndup++;
			if (report) {
				where(t);
				fprintf(stderr, "already in %s:%ld, skipped\n", file, line);
			}
			return 0;
		}
		/* The same row a few days off (pending, then posted): said, not imported. */
		if (!allow_near && fuzzy_days > 0 &&
		    dedup_take_near(dd, &key, fuzzy_days, &file, &line, &near)) {
			char d[16];

			date_format(d, near);
			nnear++;
			where(t);
			fprintf(stderr, "likely already in %s:%ld (%s, same account, amount and "
				"description), not imported; --allow-near-duplicates imports it\n",
				file, line, d);
			return 0;
		}
	}
	if (pay && payments_open(pay) && t->np == 2 && t->p[0].has_amt &&
	    amount_sign(&t->p[0].amt.a) > 0) {
		struct buf ab = {0};

		if (payments_match(pay, t->record, &t->p[0].amt.a, &m, e) < 0)
			return -1;
		import_amount(&ab, &t->p[0].amt, journal_style);
		if (m.kind == PMATCH_SETTLED) {
			acct2 = xmalloc(strlen(receivable) + strlen(m.client) + 2);
			sprintf(acct2, "%s:%s", receivable, m.client);
			buf_puts(&tags, "    ; client: ");
			buf_puts(&tags, m.client);
			buf_puts(&tags, "\n");
			if (m.nsplit > 1) {
				split = &m;
			} else {
				buf_puts(&tags, "    ; invoice: ");
				buf_puts(&tags, m.invoice);
				buf_puts(&tags, "\n");
			}
			nmatched++;
			if (report || strcmp(m.how, "payer, oldest first") == 0)
				settled(t, ab.p, &m);
		} else if (m.kind == PMATCH_AMBIGUOUS) {
			if (unmatched)
				acct2 = xstrdup(unmatched);
			buf_puts(&tags, "    ; unmatched: ");
			buf_puts(&tags, m.candidates);
			buf_puts(&tags, "\n");
			nunmatched++;
			ambiguous(t, ab.p, m.candidates);
		} else if (m.client) {
			/* The payer is known but pays more than it owes: said, never guessed. */
			struct buf ob = {0};
			struct ramount x = t->p[0].amt;

			x.a = m.left;
			x.price = 0;
			import_amount(&ob, &x, journal_style);
			if (unmatched)
				acct2 = xstrdup(unmatched);
			buf_puts(&tags, "    ; unmatched: ");
			buf_puts(&tags, m.client);
			buf_puts(&tags, "\n");
			where(t);
			fprintf(stderr, "%s not matched: more than the %s %s's open invoices need\n",
				ab.p, ob.p, m.client);
			free(ob.p);
		} else if (report) {
			where(t);
			fprintf(stderr, "%s not matched: no open invoice fits\n", ab.p);
		}
		free(ab.p);
	}
	import_render(out, t, acct2, tags.n ? tags.p : NULL, split, journal_style);
	len = out->n - at;
	free(tags.p);
	free(acct2);
	/* The index is read from the spool: what is gathered goes there first. */
	if (lazy && nlazy && t->date < lazy_last && (spool_put(out, e) < 0 || index_spool(e) < 0))
		return -1;
	if (lazy) {
		lazy_last = t->date;
		nlazy++;
	} else {
		add_ent(t->date, (uint32_t)len);
	}
	spool_off += (off_t)len;
	if (out->n >= 1 << 16 && spool_put(out, e) < 0)
		return -1;
	nwritten++;
	if (have_key && later_files) {
		if (npend == cappend) {
			cappend = cappend ? cappend * 2 : 256;
			pend = xrealloc(pend, cappend * sizeof *pend);
		}
		pend[npend++] = (struct pending){key, t->record->file, t->record->line};
	}
	return 0;
}

/* Turns ents[a, b) around. */
static void
reverse(size_t a, size_t b)
{
	for (size_t i = a, j = b; i + 1 < j; i++, j--) {
		struct ent x = ents[i];

		ents[i] = ents[j - 1];
		ents[j - 1] = x;
	}
}

static int
import_csv(struct rules *r, const char *path, bool more, struct terr *e)
{
	struct csvin *c = csvin_open(path, rules_separator(r, path), rules_encoding(r), e);
	struct csvrec rec;
	struct rtxn t;
	struct buf out = {0};
	size_t first = lazy ? nlazy : nents;
	tdate first_date = DATE_NONE, last_date = DATE_NONE;
	int rc;

	if (!c)
		return -1;
	if (rules_charset(r) && csvin_charset(c, rules_charset(r), e) < 0) {
		csvin_close(c);
		return -1;
	}
	csvin_skip(c, rules_skip(r));
	npend = 0;
	later_files = more;
	while ((rc = csvin_next(c, &rec, e)) > 0) {
		rc = rules_apply(r, &rec, &t, e);
		if (rc < 0)
			break;
		if (rc != RULES_ROW)
			continue;
		if (first_date == DATE_NONE)
			first_date = t.date;
		last_date = t.date;
		if (import_row(&t, &out, e) < 0) {
			rc = -1;
			break;
		}
	}
	/* Each day's rows in the reverse of the file's order (intra-day-reversed), then a
	 * newest-first export (said, or seen: first date after the last) turned around. */
	if (lazy)
		first = nents;  /* all in order: nothing to turn around */
	if (rc == 0 && rules_intraday_reversed(r))
		for (size_t i = first, k; i < nents; i = k) {
			for (k = i + 1; k < nents && ents[k].date == ents[i].date; k++)
				;
			reverse(i, k);
		}
	if (rc == 0 && nents - first > 1 &&
	    (rules_newest_first(r) || first_date > last_date))
		reverse(first, nents);
	for (size_t i = first; rc == 0 && i < nents; i++)
		ents[i].seq = i;
	if (rc == 0 && more)
		for (size_t i = 0; i < npend; i++)
			dedup_add(dd, &pend[i].key, pend[i].file, pend[i].line);
	if (rc == 0 && spool_put(&out, e) < 0)
		rc = -1;
	free(out.p);
	csvin_close(c);
	return rc;
}

static int
ent_cmp(const void *a, const void *b)
{
	const struct ent *x = a, *y = b;

	if (x->date != y->date)
		return x->date < y->date ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/* Copies the spooled entries to o in date order. */
static int
emit(struct out *o)
{
	bool inorder = true;
	char *chunk = xmalloc(1 << 16);

	for (size_t i = 1; i < nents && inorder; i++)  /* lazy: nents is 0, all in order */
		if (ents[i].off < ents[i - 1].off)
			inorder = false;
	for (size_t i = 1; i < nents && inorder; i++)
		if (ents[i].date < ents[i - 1].date)
			inorder = false;
	if (!inorder)
		qsort(ents, nents, sizeof *ents, ent_cmp);
	if (fflush(spool) != 0)
		goto fail;
	if (inorder) {
		size_t got;

		rewind(spool);
		while ((got = fread(chunk, 1, 1 << 16, spool)) > 0)
			out_write(o, chunk, got);
		if (ferror(spool))
			goto fail;
	} else {
		size_t cap = 1 << 16;

		for (size_t i = 0; i < nents; i++) {
			if (ents[i].len > cap) {
				cap = ents[i].len;
				chunk = xrealloc(chunk, cap);
			}
			if (fseeko(spool, ents[i].off, SEEK_SET) != 0 ||
			    fread(chunk, 1, ents[i].len, spool) != ents[i].len)
				goto fail;
			out_write(o, chunk, ents[i].len);
		}
	}
	free(chunk);
	return 0;
fail:
	free(chunk);
	return -1;
}

/* Reads the journals: what they hold (dedup), their invoices and payer patterns. */
static struct journal *
load_journals(char **files, size_t n, int *status)
{
	struct journal *j = journal_open((const char *const *)files, n, 0);
	struct jitem *it;
	struct terr e;
	int r;

	pay = payments_new(receivable);
	while ((r = journal_next(j, &it)) != 0) {
		if (r < 0) {
			terr_print(prog, journal_error(j));
			*status = 1;
			continue;
		}
		if (it->kind != J_TXN)
			continue;
		dedup_observe(dd, it);
		if (payments_observe(pay, it, &e) < 0) {
			terr_print(prog, &e);
			*status = 1;
		}
	}
	if (payments_ready(pay, &e) < 0) {
		terr_print(prog, &e);
		*status = 1;
	}
	return j;
}

/* Copies the journal being changed in place, ending it with a blank line. */
static int
copy_journal(struct out *o, const char *path, struct terr *e)
{
	FILE *f = fopen(path, "rb");
	char chunk[1 << 14], last[2] = {'\n', '\n'};
	size_t got;

	if (!f) {
		terr_set(e, path, 0, "cannot read");
		return -1;
	}
	while ((got = fread(chunk, 1, sizeof chunk, f)) > 0) {
		out_write(o, chunk, got);
		if (got >= 2) {
			last[0] = chunk[got - 2];
			last[1] = chunk[got - 1];
		} else {
			last[0] = last[1];
			last[1] = chunk[0];
		}
	}
	fclose(f);
	if (nents || nlazy) {
		if (last[1] != '\n')
			out_puts(o, "\n\n");
		else if (last[0] != '\n')
			out_puts(o, "\n");
	}
	return 0;
}

int
main(int argc, char **argv)
{
	static const struct option opts[] = {
		{"rules", required_argument, NULL, 'r'},
		{"journal", required_argument, NULL, 'j'},
		{"file", required_argument, NULL, 'j'},
		{"in-place", required_argument, NULL, 'i'},
		{"report", no_argument, NULL, 'R'},
		{"receivable", required_argument, NULL, 'A'},
		{"fuzzy-days", required_argument, NULL, 'F'},
		{"unmatched", required_argument, NULL, 'U'},
		{"allow-near-duplicates", no_argument, NULL, 'N'},
		{"help", no_argument, NULL, 'h'},
		{"version", no_argument, NULL, 'V'},
		{NULL, 0, NULL, 0},
	};
	char **jfiles = xcalloc((size_t)argc + 1, sizeof *jfiles);
	size_t nj = 0;
	const char *rulesfile = NULL, *inplace = NULL;
	char *jdir = NULL, *srcfile = NULL, **csvs;
	size_t ncsv;
	struct rules *r;
	struct journal *j = NULL;
	struct out *o = NULL;
	struct wpath *w;
	struct terr e = {0};
	int c, status = 0;

	while ((c = getopt_long(argc, argv, "f:i:h", opts, NULL)) != -1) {
		switch (c) {
		case 'r': rulesfile = optarg; break;
		case 'f': case 'j': jfiles[nj++] = optarg; break;
		case 'i': inplace = optarg; break;
		case 'R': report = true; break;
		case 'A': receivable = optarg; break;
		case 'F': {
			char *end;
			long v = strtol(optarg, &end, 10);

			if (end == optarg || *end || v < 0 || v > 366) {
				fprintf(stderr, "%s: --fuzzy-days: not a number of days from 0 to 366: %s\n",
					prog, optarg);
				usage(stderr, 2);
			}
			fuzzy_days = (int)v;
			break;
		}
		case 'N': allow_near = true; break;
		case 'U': unmatched = optarg; break;
		case 'h': usage(stdout, 0); break;
		case 'V':
			printf("%s %s\n", prog, TALLY_VERSION);
			free(jfiles);
			return fshut_stdout(prog) < 0;
		default: usage(stderr, 2);
		}
	}
	if (!rulesfile) {
		fprintf(stderr, "%s: --rules FILE is required\n", prog);
		usage(stderr, 2);
	}
	if (!(r = rules_load(rulesfile, &e))) {
		terr_print(prog, &e);
		free(jfiles);
		return 1;
	}
	{  /* the main journal's directory: its data/ holds a source's files */
		const char *main = inplace ? inplace : nj ? jfiles[0] : NULL;
		const char *slash = main ? strrchr(main, '/') : NULL;

		if (main)
			jdir = slash ? xstrndup(main, (size_t)(slash - main)) : xstrdup(".");
	}
	if (optind < argc) {
		csvs = argv + optind;
		ncsv = (size_t)(argc - optind);
	} else if ((c = rules_source_file(r, jdir, inplace && rules_archive(r), &srcfile, &e)) > 0) {
		csvs = &srcfile;  /* no CSV named: the rules' source */
		ncsv = 1;
	} else {
		if (c < 0)
			terr_print(prog, &e);
		else
			fprintf(stderr, "%s: no CSV file named (use - for standard input)\n", prog);
		rules_free(r);
		free(jdir);
		free(jfiles);
		if (c < 0)
			return 1;
		usage(stderr, 2);
	}
	if (inplace) {  /* -i FILE is read as a --journal too, once */
		size_t k;

		for (k = 0; k < nj && strcmp(jfiles[k], inplace) != 0; k++)
			;
		if (k == nj)
			jfiles[nj++] = (char *)inplace;
	}
	/* The journal is locked before it is read; an output that is a CSV input is refused. */
	w = wpath_new(csvs, ncsv);
	if ((c = wpath_add(w, inplace, WP_EDIT, &o, &e)) != 0 || wpath_open(w, &e) < 0) {
		terr_print(prog, &e);
		wpath_abort(w);
		status = c == WPATH_REFUSED ? 2 : 1;
		goto done;
	}
	for (size_t k = 0; k < nj; k++)
		if (journal_append_check(jfiles[k], &e) < 0) {
			terr_print(prog, &e);
			wpath_abort(w);
			status = 1;
			goto done;
		}
	nfirst = rules_first_accounts(r, first_names, first_lens, MAXFIRST);
	dd = dedup_new();
	dedup_accounts(dd, first_names, first_lens, nfirst);
	if (nj)
		j = load_journals(jfiles, nj, &status);
	keyed = nj > 0 || ncsv > 1;
	lazy = !rules_newest_first(r) && !rules_intraday_reversed(r);
	journal_style = nj > 0;
	if (status == 0 && !(spool = tmpfile())) {
		fprintf(stderr, "%s: cannot make a temporary file\n", prog);
		status = 1;
	}
	if (spool)  /* read back a chunk at a time (emit) */
		setvbuf(spool, spoolbuf, _IOFBF, sizeof spoolbuf);
	for (size_t k = 0; k < ncsv && status == 0; k++)
		if (import_csv(r, csvs[k], k + 1 < ncsv, &e) < 0) {
			terr_print(prog, &e);
			status = 1;
		}
	if (status == 0) {
		if ((inplace && copy_journal(o, inplace, &e) < 0) || emit(o) < 0) {
			if (!*e.msg)
				terr_set(&e, NULL, 0, "cannot read back the spool file");
			terr_print(prog, &e);
			wpath_abort(w);
			status = 1;
		} else if (wpath_commit(w, &e) < 0) {
			terr_print(prog, &e);
			status = 1;
		}
		w = NULL;
	}
	if (w)
		wpath_abort(w);
	/* An archiving import (-i) of the source's file keeps a copy and consumes it. */
	if (status == 0 && srcfile && inplace && rules_archive(r) &&
	    rules_archive_file(r, srcfile, jdir, &e) < 0) {
		terr_print(prog, &e);
		status = 1;
	}
	if (report && status == 0)
		fprintf(stderr, "%s: %ld rows: %ld written, %ld already in the journal, "
			"%ld likely duplicates, %ld matched to invoices, %ld ambiguous\n",
			prog, nrows, nwritten, ndup, nnear, nmatched, nunmatched);
done:
	if (spool)
		fclose(spool);
	if (j)
		journal_close(j);
	payments_free(pay);
	dedup_free(dd);
	free(ents);
	free(pend);
	free(jfiles);
	free(jdir);
	free(srcfile);
	rules_free(r);
	if (fshut_stdout(prog) < 0)
		status = 1;
	commodity_reset();
	return status;
}
