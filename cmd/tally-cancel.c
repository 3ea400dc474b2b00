/*
 * tally-cancel: apply each client's cancellation policy to the cancellation events that have
 * no postings yet. A late cancellation or no-show inside the client's grace is tagged
 * `waived:`; otherwise the fee becomes a posting pair (a forfeited prepaid session or deposit
 * first). Entries with postings or a `waived:` tag are left as they are, so a second run
 * changes nothing. Entries take effect in date order whatever their order in the files:
 * the input is read twice and priced by the book (book.c), the same pricing tally-bill
 * uses, so `tally-cancel | tally-bill` and `tally-bill | tally-cancel` agree.
 */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tally.h"

static char **fopts;     /* -f FILE options */
static const char *prog = "tally-cancel";
static const char *notices_path;
static struct price_accts accts = {NULL, "Income:Cancellations", NULL};  /* --income: the fees' */
static const char *only_client, *notice_lang = "en";
/* -O eml: notices as mail, to the --notices file (mbox) or --maildir; ids name the clients. */
static const char *maildir, *conf_path;
static bool eml, mail_failed;  /* after one mail error, no more messages: nothing goes out */
static struct identities *ids;
static struct mailbox *mb;
static struct conf *conf;
static tdate begin = DATE_NONE, end = DATE_NONE;

static struct book_opts bopts = {.check_policies = true, .no_places = true, .no_lapses = true};

static void
usage(FILE *f, int status)
{
	fprintf(f, "usage: %s [--policy FILE | --policies DIR] [--notices FILE] [--lang LANG]\n"
		   "       [-O eml [--maildir DIR] [--conf FILE]]\n"
		   "       [--client ID] [-b DATE] [-e DATE] [-p PERIOD] [--income ACCOUNT]\n"
		   "       [--unbilled ACCT] [--receivable ACCT] [--prepaid ACCT] [--deposits ACCT]\n"
		   "       [-i FILE] [-f FILE]... [FILE]...\n",
		prog);
	exit(status);
}

/* What happened to one event, for the notice. */
struct outcome {
	const struct policy *p;
	enum policy_key clause;   /* the rule that applied */
	enum session_kind kind;
	long notice;              /* minutes; -1 unknown */
	int start;                /* the session's time, -1 unknown */
	bool waived, capped, forfeit_session;
	char waiver[96];
	long offense;             /* waived: which of the grace allowance (1: the first) */
	struct amount fee, price, from_deposit;
	bool has_price;
};

/*
 * The notices' sentences, English; the catalog of --lang translates them (share/po/LANG.po,
 * msgid the English). %s are filled in order.
 */
enum { M_TO, M_RE, M_AT, M_HELLO, M_NOSHOW, M_NONOTICE, M_NOTICE, M_ASKS, M_LATE, M_WAIVED,
       M_FORFEIT, M_CHARGED, M_PRICE, M_CAPPED, M_DEPOSIT, M_POLICY, M_LINE, M_REGARDS, M_N };
static const char *const msgs[M_N] = {
	/* TRANSLATORS: the notice's first line, a mail header: keep "To: " untranslated in
	   spirit (a reader splits the header at ": "); %s is the client's name */
	N_("To: %s\n"), N_("Re: your session on %s"), N_(" at %02d:%02d"),
	/* TRANSLATORS: the greeting; %s is the client's name */
	N_("Hello %s,\n"),
	N_("The session was missed without notice (a no-show).\n"),
	N_("Your cancellation came with no notice.\n"),
	/* TRANSLATORS: %s is a duration ("24 hours'", English possessive) */
	N_("Your cancellation came with %s notice"), N_("; the policy asks for %s.\n"),
	N_("The session was cancelled late.\n"),
	N_("This time the fee is waived (%s): nothing is charged. Next time the fee applies.\n"),
	N_("The session is taken from your prepaid package (%s).\n"),
	N_("Charged: %s"), N_(" (the session's price is %s)"), N_(", limited by the fee cap"),
	N_("; %s of it is taken from your deposit"),
	N_("The cancellation policy you agreed to (%s) says:\n"), N_("  (%s, line %ld: %s)\n"),
	/* TRANSLATORS: the closing line above the practice's name (tally.conf) */
	N_("Best regards,\n"),
};

/* A notice's sentence in the language of --lang. */
static const char *
M(int k)
{
	return catalog_tr(msgs[k]);
}

static void
amount_for(char *buf, const struct amount *a)
{
	if (strcmp(notice_lang, "en") != 0)
		amount_format_lang(buf, AMOUNT_BUF, a, notice_lang);
	else
		amount_format(buf, AMOUNT_BUF, a);
}

static void
quote(struct out *n, const struct policy *p, enum policy_key k)
{
	char buf[1024];

	policy_clause(p, k, notice_lang, buf, sizeof buf);
	out_printf(n, "  \"%s\"\n", buf);
}

/* The waiver in a notice: "first offense", "offense 2 of 3", "... in 6 months", translated. */
static void
waiver_said(char *buf, size_t size, const struct policy *p, long k)
{
	int n, every = p->grace_unit == 'm' && p->grace_every % 12 == 0 ? p->grace_every / 12 :
		       p->grace_every;

	if (k == 1)
		n = snprintf(buf, size, "%s", catalog_tr("first offense"));
	else
		n = snprintf(buf, size, catalog_tr("offense %ld of %d"), k, p->grace);
	if (p->grace_every && n > 0 && (size_t)n < size)
		snprintf(buf + n, size - (size_t)n,
			 p->grace_unit == 'd' ? catalog_ntr(" in %d day", " in %d days", (unsigned long)every) :
			 p->grace_every % 12 == 0 ? catalog_ntr(" in %d year", " in %d years", (unsigned long)every) :
			 catalog_ntr(" in %d month", " in %d months", (unsigned long)every), every);
}

static void
write_notice(struct out *n, tdate date, const struct client *c,
	     const struct outcome *r)
{
	const char *base = strrchr(r->p->file, '/') ? strrchr(r->p->file, '/') + 1 : r->p->file;
	const char *name = identity_name(identities_find(ids, c->id), c->name);
	char buf[1024], a[AMOUNT_BUF], d[64];
	enum policy_key cite;

	{  /* the name never brings a CR or LF from the tag into the header */
		const char *to = M(M_TO), *at = strstr(to, "%s");

		if (!at)
			at = to + strlen(to);
		out_write(n, to, (size_t)(at - to));
		header_value(n, name);
		out_puts(n, *at ? at + 2 : "");
	}
	catalog_date(d, sizeof d, date, "notice");
	out_printf(n, M(M_RE), d);
	if (r->start >= 0)
		out_printf(n, M(M_AT), r->start / 60, r->start % 60);
	out_puts(n, "\n\n");
	out_printf(n, M(M_HELLO), name);
	out_puts(n, "\n");
	if (r->kind == SESSION_NOSHOW) {
		out_puts(n, M(M_NOSHOW));
	} else if (r->notice == 0) {
		out_puts(n, M(M_NONOTICE));
	} else if (r->notice > 0) {
		size_t k = policy_format_duration(buf, sizeof buf, r->notice, notice_lang);

		/* English possessive: "1 hour's notice", "24 hours' notice" */
		if (strcmp(notice_lang, "en") == 0 && k > 0 && k + 3 < sizeof buf)
			strcpy(buf + k, buf[k - 1] == 's' ? "'" : "'s");
		out_printf(n, M(M_NOTICE), buf);
		policy_format_duration(buf, sizeof buf, r->p->notice, notice_lang);
		out_printf(n, M(M_ASKS), buf);
	} else {
		out_puts(n, M(M_LATE));
	}
	if (r->waived) {
		waiver_said(buf, sizeof buf, r->p, r->offense);
		out_printf(n, M(M_WAIVED), buf);
	} else if (r->forfeit_session) {
		amount_for(a, &r->fee);
		out_printf(n, M(M_FORFEIT), a);
	} else {
		amount_for(a, &r->fee);
		out_printf(n, M(M_CHARGED), a);
		if (r->has_price) {
			amount_for(a, &r->price);
			out_printf(n, M(M_PRICE), a);
		}
		if (r->capped)
			out_puts(n, M(M_CAPPED));
		if (!amount_is_zero(&r->from_deposit)) {
			amount_for(a, &r->from_deposit);
			out_printf(n, M(M_DEPOSIT), a);
		}
		out_puts(n, ".\n");
	}
	out_printf(n, M(M_POLICY), r->p->name);
	quote(n, r->p, r->clause);
	if (r->capped)
		quote(n, r->p, PK_CAP);
	if (!amount_is_zero(&r->from_deposit))
		quote(n, r->p, PK_DEPOSIT);
	if (r->waived)
		quote(n, r->p, PK_GRACE);
	/* a waiver rests on the grace clause: that is the line to cite */
	cite = r->waived && r->p->clause[PK_GRACE] ? PK_GRACE : r->clause;
	if (r->p->clause[cite])
		out_printf(n, M(M_LINE), base, r->p->line[cite], r->p->clause[cite]);
	/* signed with the practice's name from tally.conf (signature = overrides it) */
	out_printf(n, "\n%s", M(M_REGARDS));
	if (conf_get(conf, "signature") || conf_get(conf, "name"))
		out_printf(n, "%s\n", conf_get(conf, "signature") ? conf_get(conf, "signature") :
			   conf_get(conf, "name"));
	out_puts(n, "\n");
}

/* The event is one tally-cancel writes: an unpriced cancellation asked for. */
static bool
mine(struct book *book, const struct book_price *b)
{
	/* a group session's absences are tally-bill's to write, with the rest of the group */
	return b->kind >= SESSION_CANCELLED && b->kind <= SESSION_PROVIDER && b->unpriced &&
	       !b->waived && !b->group && b->c && (begin == DATE_NONE || b->date >= begin) &&
	       (end == DATE_NONE || b->date < end) &&
	       (!only_client || b->c == clients_find(book_clients(book),
						      (struct span){only_client, strlen(only_client)}));
}

/*
 * The lines one unpriced cancellation gets as the book priced it (a waiver line or
 * postings, *n bytes to free), and its notice's facts into *r.
 */
static char *
lines(struct book *book, const struct book_price *b, struct outcome *r, size_t *n)
{
	memset(r, 0, sizeof *r);
	r->p = b->policy;
	r->kind = b->kind;
	r->notice = b->notice;
	r->start = b->start;
	r->clause = b->kind == SESSION_NOSHOW ? PK_NOSHOW : PK_LATE;
	r->fee = b->fee;
	r->price = b->price;
	r->has_price = b->has_price;
	r->capped = b->capped;
	r->from_deposit = b->deposit;
	if (b->kind == SESSION_PROVIDER)
		;  /* a credit: no notice, nothing waived */
	else if (b->grace) {
		r->waived = true;
		r->offense = b->grace_n;
		price_waiver_text(r->waiver, sizeof r->waiver, b->policy, b->grace_n);
	} else if (b->package) {
		r->forfeit_session = true;
		r->clause = PK_PREPAID;
	}
	return price_cancel_lines(book_clients(book), b, &accts, n);
}

/* The event's notice: to the --notices file, or as mail (-O eml). -1 with *e set. */
static int
notice(const struct book_price *b, const struct outcome *r, struct out *notes, struct terr *e)
{
	struct mail_doc d;
	struct out *n;
	int rc = 0;

	if (b->kind == SESSION_PROVIDER)
		return 0;
	if (!mb) {
		if (notes)
			write_notice(notes, b->date, b->c, r);
		return 0;
	}
	if (mail_failed)
		return 0;   /* after one mail error, no more messages: nothing goes out */
	n = mail_doc_open(&d);
	write_notice(n, b->date, b->c, r);
	mail_doc_close(&d, n);
	if (mail_add_text(mb, conf, b->c->id, identities_find(ids, b->c->id), &d, notice_lang,
			  e) < 0) {
		mail_failed = true;
		rc = -1;
	}
	mail_doc_free(&d);
	return rc;
}

/*
 * Writes one unpriced cancellation read again as an item: 1 when written, 0 when the entry
 * passes through, -1 with *e set.
 */
static int
handle(struct book *book, const struct jitem *it, const struct book_price *b, struct out *o,
       struct out *notes, struct terr *e)
{
	struct outcome r;
	char *x;
	size_t n;

	if (b->kind < SESSION_CANCELLED || b->kind > SESSION_PROVIDER || !b->unpriced || b->waived ||
	    b->group)
		return 0;
	if (b->rc == BR_NO_CLIENT) {
		book_error(b, it, e);
		return -1;
	}
	if (it->depth > 0 || !mine(book, b))
		return 0;
	if (b->rc != BR_OK) {
		book_error(b, it, e);
		return -1;
	}
	if (!b->write)
		return 0;
	x = lines(book, b, &r, &n);
	write_item(o, it, x, n);
	free(x);
	return notice(b, &r, notes, e) < 0 ? -1 : 1;
}

/* What book_copy's calls need. */
struct copying {
	struct book *book;
	struct out *notes;
	struct terr e;      /* a notice that could not be sent */
	bool failed;
};

/* book_copy's call after an unpriced event. */
static bool
copied(void *arg, struct out *o, const struct book_price *b)
{
	struct copying *cp = arg;
	struct outcome r;
	char *x;
	size_t n;

	if (!mine(cp->book, b) || !b->write)
		return false;
	x = lines(cp->book, b, &r, &n);
	if (b->nonl)
		out_write(o, "\n", 1);
	out_write(o, x, n);
	free(x);
	if (notice(b, &r, cp->notes, &cp->e) < 0)
		cp->failed = true;
	return true;
}

static bool
no_lapse(void *arg, struct out *o, const struct book_lapse *l)
{
	(void)arg, (void)o, (void)l;   /* expiries are tally-bill's to write */
	return false;
}

/* Pass 1's extra look at an entry: the client's name and email for the notices. */
static int
learn_identity(struct book *b, const struct jitem *it, const struct vtags *vt, void *arg)
{
	(void)b, (void)arg;
	identities_learn(ids, it, vt);
	return 0;
}

/* Both passes: 0, or 1 after errors. */
static int
cancel(struct book *b, char **files, size_t nfiles, struct out *o, struct out *notes)
{
	struct journal *j;
	struct jitem *it;
	struct book_price r;
	const struct terr *d;
	struct terr e = {0};
	int rv, status;

	if (book_input(b, files, nfiles, &e) < 0) {
		terr_print(prog, &e);
		return 1;
	}
	/* names and addresses only when notices are written: else nothing asks */
	status = book_learn(b, files, nfiles, &(struct book_pass){.limit = DATE_NONE,
			    .entry = notes || mb ? learn_identity : NULL});
	if (book_settle(b, DATE_NONE) > 0)
		status = 1;
	if (!status && book_can_copy(b)) {
		struct copying cp = {b, notes, {0}, false};

		if (book_copy(b, o, copied, no_lapse, &cp, &e) < 0) {
			terr_print(prog, &e);
			status = 1;
		}
		if (cp.failed) {
			terr_print(prog, &cp.e);
			status = 1;
		}
		return status;
	}
	if (book_unchanged(b, &e) < 0 || book_rewind_stdin(files, nfiles, &e) < 0) {
		terr_print(prog, &e);
		return 1;
	}
	j = journal_open((const char *const *)files, nfiles, JOURNAL_NO_BALANCE);
	while ((rv = journal_next(j, &it)) != 0) {
		int has = book_next(b, rv < 0 ? NULL : it, &r);

		while ((d = book_deferred(b, false)))
			terr_print(prog, d);
		if (rv < 0)
			continue;
		if (has && (rv = handle(b, it, &r, o, notes, &e)) != 0) {
			if (rv < 0) {
				terr_print(prog, &e);
				status = 1;
			} else
				continue;
		}
		if (it->depth == 0)
			write_item(o, it, NULL, 0);
	}
	journal_close(j);
	while ((d = book_deferred(b, true)))
		terr_print(prog, d);
	return status;
}

int
main(int argc, char **argv)
{
	static const struct option opts[] = {
		{"policy", required_argument, NULL, 'P'},
		{"policies", required_argument, NULL, 'D'},
		{"notices", required_argument, NULL, 'n'},
		{"output-format", required_argument, NULL, 'O'},
		{"maildir", required_argument, NULL, 'M'},
		{"conf", required_argument, NULL, 'C'},
		{"client", required_argument, NULL, 'c'},
		{"lang", required_argument, NULL, 'L'},
		{"income", required_argument, NULL, 'I'},
		CHART_OPTIONS,
		{"in-place", required_argument, NULL, 'i'},
		{"begin", required_argument, NULL, 'b'},
		{"end", required_argument, NULL, 'e'},
		{"period", required_argument, NULL, 'p'},
		{"file", required_argument, NULL, 'f'},
		{"help", no_argument, NULL, 'h'},
		{"version", no_argument, NULL, 'V'},
		{NULL, 0, NULL, 0},
	};
	char **files;
	size_t nf = 0, nfiles;
	struct book *book;
	struct chart chart;
	struct out *o = NULL, *notes = NULL;
	struct terr e = {0};
	const char *inplace = NULL;
	struct wpath *w;
	int c, rc, status = 0;
	const char *why;

	chart_init(&chart);
	fopts = xcalloc((size_t)argc + 1, sizeof *fopts); /* static: reachable on early exits */
	while ((c = getopt_long(argc, argv, "P:D:n:c:i:b:e:p:f:hO:", opts, NULL)) != -1) {
		if (chart_option(&chart, c, optarg))
			continue;
		switch (c) {
		case 'P': bopts.policy_file = optarg; break;
		case 'D': bopts.policy_dir = optarg; break;
		case 'n': notices_path = optarg; break;
		case 'O':
			if (strcmp(optarg, "eml") != 0) {
				fprintf(stderr, "%s: unknown output format: %s (eml)\n", prog, optarg);
				return 2;
			}
			eml = true;
			break;
		case 'M': maildir = optarg; break;
		case 'C': conf_path = optarg; break;
		case 'c': only_client = optarg; break;
		case 'L':
			/* a language is its catalog (share/po/LANG.po) */
			if (catalog_use(optarg, &e) < 0) {
				terr_print(prog, &e);
				return 2;
			}
			notice_lang = optarg;
			break;
		case 'I': accts.fee_income = optarg; break;
		case 'i': inplace = optarg; break;
		case 'b':
		case 'e':
		case 'p':
			if (range_option(c, optarg, &begin, &end, &why) < 0) {
				fprintf(stderr, "%s: %s: %s\n", prog, why, optarg);
				return 2;
			}
			break;
		case 'f': fopts[nf++] = optarg; break;
		case 'h': usage(stdout, 0); break;
		case 'V': printf("%s %s\n", prog, TALLY_VERSION); return 0;
		default: usage(stderr, 2);
		}
	}
	chart_clients_opts(&chart, &bopts.accts);
	if (inplace && (nf || optind < argc)) {
		fprintf(stderr, "%s: -i FILE edits one journal: name no other file\n", prog);
		return 2;
	}
	if ((eml && !notices_path && !maildir) || (maildir && (!eml || notices_path))) {
		fprintf(stderr, "%s: %s\n", prog, !eml ? "--maildir needs -O eml" : notices_path ?
			"--notices and --maildir: choose one" : "-O eml needs --notices FILE or --maildir DIR");
		return 2;
	}
	if (inplace)
		fopts[nf++] = (char *)inplace;
	if (!(book = book_new(&bopts, &e))) {
		terr_print(prog, &e);
		free(fopts);
		return 1;
	}
	nfiles = input_files(fopts, nf, argv + optind, (size_t)(argc - optind), &files);
	/* tally.conf: the From of mail, the name that signs every notice */
	if ((eml || notices_path) &&
	    (!(conf = invoices_conf(conf_path, nfiles ? files[0] : NULL, &e)) ||
		    (maildir && !(mb = mail_maildir(maildir, &e))))) {
		terr_print(prog, &e);
		status = 1;
	}
	w = wpath_new(files, nfiles);
	if (!status && ((rc = wpath_add(w, inplace, WP_EDIT, &o, &e)) != 0 ||
	    (notices_path && (rc = wpath_add(w, notices_path, 0, &notes, &e)) != 0) ||
	    (rc = wpath_open(w, &e)) != 0)) {
		terr_print(prog, &e);
		status = rc == WPATH_REFUSED ? 2 : 1;
		o = NULL;
	}
	if (o && notes && eml)
		mb = mail_mbox(notes);
	ids = identities_new();
	if (o)
		status = cancel(book, files, nfiles, o, notes);
	if (!status && o && only_client &&
	    !clients_find(book_clients(book), (struct span){only_client, strlen(only_client)})) {
		fprintf(stderr, "%s: unknown client: %s\n", prog, only_client);
		status = 1;
	}
	/* The books first: notices go out only for what the journal now says. */
	if (status) {
		if (mb)
			mail_abort(mb);
		wpath_abort(w);
	} else if (wpath_commit(w, &e) < 0) {
		if (mb)
			mail_abort(mb);
		terr_print(prog, &e);
		status = 1;
	} else if (mb && mail_commit(mb, &e) < 0) {
		terr_print(prog, &e);
		status = 1;
	}
	book_free(book);
	identities_free(ids);
	conf_free(conf);
	input_free(files, nfiles);
	free(fopts);
	if (fshut_stdout(prog) < 0)
		status = 1;
	commodity_reset();
	return status;
}
