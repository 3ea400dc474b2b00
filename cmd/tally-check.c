/*
 * tally-check: validate a journal and report every problem, one FILE:LINE: message each:
 * what the reader refuses (syntax, unbalanced entries, failed assertions), and what tally's
 * conventions require of session events, client terms and invoices.
 */
#include <getopt.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "tally.h"

static char **fopts;  /* -f files; file-level so early exits leave nothing unreachable */
static const char *prog = "tally-check";
static long nproblems;

/* What we remember per client and per invoice number: the first place it was seen. */
struct seen {
	char *key;
	const char *file;
	long line;
	bool introduced;  /* clients: an entry gave it terms (rate, package, policy, terms) */
};
static struct seen *clients, *invoices;
static size_t nclients, ninvoices;
static bool any_terms;

static void
usage(FILE *f, int status)
{
	fprintf(f, "usage: %s [-f FILE]... [FILE]...\n", prog);
	exit(status);
}

static void
problem(const char *file, long line, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static void
problem(const char *file, long line, const char *fmt, ...)
{
	struct terr e;
	va_list ap;

	e.file = file;
	e.line = line;
	va_start(ap, fmt);
	vsnprintf(e.msg, sizeof e.msg, fmt, ap);
	va_end(ap);
	terr_print(prog, &e);
	nproblems++;
}

static struct seen *
remember(struct seen **tab, size_t *n, struct span key, const char *file, long line, bool *fresh)
{
	for (size_t i = 0; i < *n; i++)
		if (span_eq(key, (*tab)[i].key)) {
			*fresh = false;
			return &(*tab)[i];
		}
	*tab = xrealloc(*tab, (*n + 1) * sizeof **tab);
	(*tab)[*n] = (struct seen){span_dup(key), file, line, false};
	*fresh = true;
	return &(*tab)[(*n)++];
}

/* The line of a tag: the entry's first line plus the newlines before the tag's value. */
static long
line_at(const struct jitem *it, const char *p)
{
	long line = it->line;

	for (const char *q = it->text; q < p && q < it->text + it->len; q++)
		line += *q == '\n';
	return line;
}

static bool
is_slug(struct span s)
{
	if (s.n == 0)
		return false;
	for (size_t i = 0; i < s.n; i++) {
		char c = s.p[i];

		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_' ||
		      c == '.') || (c == '.' && i + 1 < s.n && s.p[i + 1] == '.'))
			return false;
	}
	return s.p[0] != '-' && s.p[0] != '.';
}

static bool
is_count(struct span s, bool allow_word)
{
	size_t i = 0;
	long v = 0;

	while (i < s.n && s.p[i] >= '0' && s.p[i] <= '9' && v < 1000000)
		v = v * 10 + (s.p[i++] - '0');
	if (i == 0 || v < 1 || v >= 1000000)
		return false;
	if (i < s.n && allow_word)  /* "package: 10 sessions" */
		return s.n - i == 9 && memcmp(s.p + i, " sessions", 9) == 0;
	return i == s.n;
}

static bool
is_date(struct span s)
{
	tdate d;
	const char *why;

	return date_parse(s.p, s.n, 0, &d, &why) == (long)s.n;
}

/* `rate: 45 EUR` or `rate: 60 EUR/h`. */
static bool
is_rate(struct span s)
{
	struct amount a;
	const char *why;
	size_t n = s.n;

	if (n > 2 && s.p[n - 2] == '/' && s.p[n - 1] == 'h')
		n -= 2;
	return n > 0 && amount_parse(s.p, n, &a, false, &why) == (long)n && amount_sign(&a) > 0;
}

static void
check_sessions(const struct jitem *it, const struct txn *t)
{
	static const char *const kinds[] = {"held", "cancelled", "late-cancel", "no-show",
					    "provider-cancel", NULL};
	struct span v, client;
	bool has_client = txn_tag(t, "client", &client);
	size_t k;

	if (txn_tag(t, "session", &v)) {
		for (k = 0; kinds[k] && !span_eq(v, kinds[k]); k++)
			;
		if (!kinds[k])
			problem(it->file, line_at(it, v.p), "unknown session value: %.*s "
				"(held, cancelled, late-cancel, no-show or provider-cancel)", (int)v.n, v.p);
		if (!has_client)
			problem(it->file, it->line, "session without a client: tag");
		if (span_eq(v, "cancelled") && !txn_tag(t, "cancelled-at", NULL))
			problem(it->file, line_at(it, v.p),
				"cancelled session without cancelled-at: (late or on time cannot be told)");
	}
	if (txn_tag(t, "time", &v) && time_parse(v.p, v.n) < 0)
		problem(it->file, line_at(it, v.p), "malformed time: %.*s (want HH:MM)", (int)v.n, v.p);
	if (txn_tag(t, "minutes", &v) && !is_count(v, false))
		problem(it->file, line_at(it, v.p), "malformed minutes: %.*s", (int)v.n, v.p);
	if (txn_tag(t, "cancelled-at", &v) && stamp_parse(v.p, v.n) < 0)
		problem(it->file, line_at(it, v.p),
			"malformed cancelled-at: %.*s (want YYYY-MM-DD HH:MM)", (int)v.n, v.p);
	if (txn_tag(t, "rate", &v) && !is_rate(v))
		problem(it->file, line_at(it, v.p), "malformed rate: %.*s (want an amount, "
			"e.g. 45 EUR or 60 EUR/h)", (int)v.n, v.p);
	if (txn_tag(t, "package", &v) && !is_count(v, true))
		problem(it->file, line_at(it, v.p), "malformed package: %.*s (want a number of sessions)",
			(int)v.n, v.p);
	if (txn_tag(t, "terms", &v) && !is_count(v, false))
		problem(it->file, line_at(it, v.p), "malformed terms: %.*s (want days)", (int)v.n, v.p);
	if (txn_tag(t, "expires", &v) && !is_date(v))
		problem(it->file, line_at(it, v.p), "malformed expires: %.*s", (int)v.n, v.p);
	if (txn_tag(t, "due", &v) && !is_date(v))
		problem(it->file, line_at(it, v.p), "malformed due: %.*s", (int)v.n, v.p);
	if (has_client) {
		bool fresh, terms = txn_tag(t, "rate", NULL) || txn_tag(t, "package", NULL) ||
				    txn_tag(t, "policy", NULL) || txn_tag(t, "terms", NULL);
		struct seen *c;

		if (!is_slug(client)) {
			problem(it->file, line_at(it, client.p),
				"client ID must be a slug (a-z, 0-9, -): %.*s", (int)client.n, client.p);
			return;
		}
		c = remember(&clients, &nclients, client, it->file, line_at(it, client.p), &fresh);
		c->introduced |= terms;
		any_terms |= terms;
	}
}

/* An invoice entry carries invoice: and due:; a payment carries only invoice:. */
static void
check_invoice(const struct jitem *it, const struct txn *t)
{
	struct span num;
	struct seen *s;
	bool fresh;

	if (!txn_tag(t, "invoice", &num) || !txn_tag(t, "due", NULL))
		return;
	s = remember(&invoices, &ninvoices, num, it->file, line_at(it, num.p), &fresh);
	if (!fresh)
		problem(it->file, line_at(it, num.p), "duplicate invoice number %.*s (first at %s:%ld)",
			(int)num.n, num.p, s->file, s->line);
}

static void
forget(struct seen *tab, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(tab[i].key);
	free(tab);
}

int
main(int argc, char **argv)
{
	static const struct option opts[] = {
		{"file", required_argument, NULL, 'f'},
		{"help", no_argument, NULL, 'h'},
		{"version", no_argument, NULL, 'V'},
		{NULL, 0, NULL, 0},
	};
	char **files;
	size_t nf = 0, nfiles;
	struct journal *j;
	struct jitem *it;
	int c, r;

	fopts = xcalloc((size_t)argc, sizeof *fopts);
	while ((c = getopt_long(argc, argv, "f:h", opts, NULL)) != -1) {
		switch (c) {
		case 'f': fopts[nf++] = optarg; break;
		case 'h': usage(stdout, 0); break;
		case 'V': printf("%s %s\n", prog, TALLY_VERSION); return 0;
		default: usage(stderr, 2);
		}
	}
	nfiles = input_files(fopts, nf, argv + optind, (size_t)(argc - optind), &files);
	j = journal_open((const char *const *)files, nfiles, JOURNAL_CHECK_ASSERT);
	while ((r = journal_next(j, &it)) != 0) {
		if (r < 0) {
			terr_print(prog, journal_error(j));
			nproblems++;
			continue;
		}
		if (it->open_block)
			problem(it->file, it->line, "comment block without `end comment` "
				"(it runs to the end of the file)");
		if (it->kind != J_TXN)
			continue;
		check_sessions(it, it->txn);
		check_invoice(it, it->txn);
	}
	/* Clients are declared by their terms; once a journal declares any, all need them. */
	for (size_t i = 0; any_terms && i < nclients; i++)
		if (!clients[i].introduced)
			problem(clients[i].file, clients[i].line, "unknown client %s (no entry gives "
				"it a rate:, package:, policy: or terms:)", clients[i].key);
	journal_close(j);
	input_free(files, nfiles);
	free(fopts);
	forget(clients, nclients);
	forget(invoices, ninvoices);
	commodity_reset();
	if (fshut_stdout(prog) < 0)
		return 1;
	return nproblems ? 1 : 0;
}
