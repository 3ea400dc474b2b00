/* tally's library: statements, calendars, mail, PDF and the other documents (included by tally.h). */
#ifndef TALLY_DOCS_H
#define TALLY_DOCS_H

/* ---- statements (statement.c: what one holds; stmtdoc.c: writing it) ---------------- */

/*
 * A client's month-end statement, gathered in one streaming pass: the balance of the
 * client's four accounts before the period and before its end, package credit, and the
 * entries of the period as the client sees them. Sums in several commodities are tables
 * of struct account (name unused).
 */
enum stmt_acct { SA_UNBILLED, SA_RECEIVABLE, SA_PREPAID, SA_DEPOSITS, SA_N };
enum stmt_ikind { SI_SESSION, SI_CHARGE, SI_PAYMENT, SI_INVOICE, SI_CREDIT };
struct stmt_item {
	enum stmt_ikind kind;
	tdate date;
	char *desc;           /* NULL for an entry shared with other clients */
	char *status;         /* session: the session tag's value */
	char *waived;         /* session: the waived tag's value */
	char *signoff;        /* session: the signed tag's value */
	char *number;         /* invoice number; a credit note's own number */
	char *voids;          /* credit note: the invoice it voids */
	long pk_n, pk_m;      /* session: session pk_n of a package of pk_m (date order); 0: none */
	bool over;            /* session: held after the package ran out, at the rate */
	int time;             /* session start in minutes, or -1 */
	bool from_package;    /* paid from prepaid credit */
	bool priced;          /* has postings to the client's accounts */
	bool paid_directly;   /* has postings, none to the client's accounts (paid on the spot) */
	struct account amt;   /* the change in the client's balance (invoices: the amount) */
	tdate due;
	char *who;            /* the client: tag when not the statement's client (shown on a
				 household's statement only), or NULL */
	size_t entry;         /* the entry's number in the input (one entry: one line, merged) */
};
struct stmt_client {
	char *id;
	char *file;           /* where the client first appears, for messages */
	long line;
	char *name;           /* a name: tag, or a client: tag that is not the ID */
	struct account open, close;  /* the four accounts' sum before begin and before end */
	struct account kind[SA_N];   /* each account's balance before end */
	long pkg_left;        /* prepaid sessions left at the period's end, in date order */
	bool household;       /* a payer's statement (bill-to:): lines name their client */
	bool had_pkg;
	struct stmt_item *items;
	size_t nitems, capitems;
};
struct statements;
/* prefix: the four account prefixes in enum stmt_acct order (NULL: the defaults). */
struct statements *statements_new(tdate begin, tdate end, const char *const prefix[SA_N]);
/* Learns from one item; -1 with *e set (FILE:LINE) on bad invoice data or overflow. */
int statements_observe(struct statements *s, const struct jitem *it, struct terr *e);
/* The same for an entry (J_TXN) whose tags vocab_entry has read already. */
int statements_observe_tags(struct statements *s, const struct jitem *it, const struct vtags *tg,
			    struct terr *e);
/* What the book decided for the item observed next (book_next), or NULL: package places. */
void statements_book(struct statements *s, const struct book_price *bp);
/*
 * Or, when the book is settled only after the reading (tally month's one reading): the item
 * observed next is the book's item pos; statements_places asks the settled book then.
 */
void statements_book_at(struct statements *s, uint32_t pos);
void statements_places(struct statements *s, struct book *b);
/* After reading: package sessions left on asof, from the settled book (date order). */
void statements_packages(struct statements *s, struct book *b, tdate asof);
/* After reading: the clients in ID order. */
size_t statements_count(struct statements *s);
const struct stmt_client *statements_at(struct statements *s, size_t i);
/* The client --client NAME names (vocab_same_client), or NULL. */
const struct stmt_client *statements_find(struct statements *s, const char *name);
/* The invoices followed on the way (NULL when none was met). */
const struct invoices *statements_invoices(const struct statements *s);
/*
 * A household's statement (bill-to:): the payer's own with every client payers says it pays
 * for on date at, as one: balances summed, items in date order, an entry between them one
 * line, each line of another client's naming it (who). NULL when it pays for nobody.
 * Free with stmt_client_free.
 */
struct stmt_client *statements_family(struct statements *s, const char *payer,
				      struct clients *payers, tdate at);
void stmt_client_free(struct stmt_client *c);
void statements_free(struct statements *s);
bool stmt_sum_zero(const struct account *m);
int stmt_sum_add(struct account *m, const struct account *b, bool negate);

enum { STMT_TXT, STMT_MD, STMT_HTML };
struct stmt_doc {
	int format;           /* STMT_TXT, STMT_MD or STMT_HTML */
	const char *lang;     /* "en", "es": how numbers are written */
	const struct conf *labels;   /* the catalog, context "statement" (conf_catalog) */
	const struct conf *provider; /* tally.conf: who writes the statement */
	const char *css;      /* HTML only: the style sheet (must not contain "</") */
	tdate begin, end;     /* the period, end exclusive */
	const struct invoices *inv;  /* for the open invoices section; may be NULL */
	const struct identities *ids;  /* who the clients are (name:, address:, tax-id:); may be NULL */
};
/* Writes one statement; -1 when a total is too large to hold exactly. */
int statement_write(struct out *o, const struct stmt_doc *d, const struct stmt_client *c);

/*
 * tally month's invoice step and statements (monthrun.c), from pricing's pass 1 over a
 * journal that is priced already (month_run_hooks go into that pass), else from one
 * reading of the priced copy (month_run_read); then month_run_invoice makes the new
 * invoices and month_run_statements writes the statements into workdir. NULL or -1: not
 * as the commands would run (say nothing; run them).
 */
struct month_opts {
	const char *journal;   /* the one file pass 1 reads */
	const char *invoiced;  /* where the invoiced journal goes when the statements read it */
	const char *period;    /* -p */
	const char *workdir;   /* the statements, one file each */
	const char *format, *lang, *conf;  /* tally-statement's -O, --lang, --conf; NULL */
};
struct month_run;
struct month_run *month_run_new(const struct month_opts *o);
void month_run_hooks(struct month_run *m, struct book_pass *p);
/* Right after that pass, before the book is settled. */
void month_run_learnt(struct month_run *m);
/* Or a reading of its own, of the priced copy (o->journal). */
int month_run_read(struct month_run *m);
int month_run_invoice(struct month_run *m);
/* The invoiced journal (month_run_invoice's) into o: 0, or -1 when it could not be read. */
int month_run_write(struct month_run *m, struct out *o);
int month_run_statements(struct month_run *m);
void month_run_free(struct month_run *m);

/* What tally-statement and tally month share of the statements' reading (stmtread.c). */
struct stmt_reading {
	struct statements *st;
	struct identities *ids;   /* names and addresses, from every entry */
	struct clients *payers;   /* bill-to:, from every entry */
	const struct query *query;  /* the entries the statements read */
	struct vtags tg;          /* zeros at first (vocab_entry_next) */
};
/* One item of the reading (pass 2 of the book); -1 with *e set. */
int stmt_read_entry(struct stmt_reading *r, const struct jitem *it, struct terr *e);
/* The same for an entry whose tags are read already. */
int stmt_read_tags(struct stmt_reading *r, const struct jitem *it, const struct vtags *tg,
		   struct terr *e);
/* A client billed to another (bill-to:) is on that one's statement, not on one of its own. */
bool stmt_billed_elsewhere(struct clients *payers, const struct stmt_client *c, tdate at);
/* A client ID that can name a file in --output-dir. */
bool stmt_safe_name(const char *id);
/* The templates directory: opt, else beside the binary (build tree or install). */
char *stmt_templates_dir(const char *opt);
/* A whole text file, NUL-terminated; NULL with errno set. */
char *stmt_read_text(const char *path);

/* ---- payments matched to invoices (match.c) ------------------------------------------ */

/*
 * Incoming payments settle open invoices on evidence only: an invoice number named in the
 * row, or a client's own payer: pattern matching the row with the amount still due on one
 * of that client's invoices. Several candidates (invoices or clients): nothing is settled.
 */
enum { PMATCH_NONE, PMATCH_SETTLED, PMATCH_AMBIGUOUS };
struct psplit {
	const char *invoice;
	struct amount amt;             /* what of the payment goes to it */
};
struct pmatch {
	int kind;
	const char *client, *invoice;  /* PMATCH_SETTLED; invoice: the first one */
	const char *how;               /* "number", "amount and payer", "sum and payer" or
					  "payer, oldest first" */
	bool partial;                  /* the last invoice stays open for the rest */
	struct amount left;            /* what the last invoice still needs; PMATCH_NONE with a
					  client: what all its open invoices need, less than
					  the payment */
	const struct psplit *split;    /* PMATCH_SETTLED: the invoices paid, oldest first */
	size_t nsplit;
	const char *candidates;        /* PMATCH_AMBIGUOUS: "INV (client), client, ..." */
};
struct payments;
struct payments *payments_new(const char *receivable);
/* Feeds a journal entry: invoices, and the payer: tags of client events. */
int payments_observe(struct payments *m, const struct jitem *it, struct terr *e);
/* After the journal: what each invoice still needs. */
int payments_ready(struct payments *m, struct terr *e);
size_t payments_open(const struct payments *m);
/* Matches an incoming amount (> 0) from record r; a settled invoice needs that much less. */
int payments_match(struct payments *m, const struct csvrec *r, const struct amount *amt,
		   struct pmatch *out, struct terr *e);
void payments_free(struct payments *m);

/* ---- calendars (ical.c) -------------------------------------------------------------- */

/*
 * iCalendar files (RFC 5545) read through libical into a flat list of event instances:
 * recurrences expanded (RRULE, RDATE, EXDATE; RECURRENCE-ID overrides in place of the
 * instances they replace), times in the wall clock of the event's TZID (the file's
 * VTIMEZONE, else the system's zone of that name); UTC times in the calendar's zone
 * (ical_opts.zone, else X-WR-TIMEZONE, else TZ); floating times as written. All-day events
 * are not sessions and are left out.
 */
struct ical_inst {
	char *uid;             /* the uid: tag value: the UID (%XX-escaped) and /YYYY-MM-DD */
	tdate date;            /* local date and start (minutes since midnight) */
	int time;
	long minutes;          /* length */
	bool cancelled;        /* STATUS:CANCELLED */
	long long cancelled_at;/* LAST-MODIFIED (else DTSTAMP), local, minutes since 1970 */
	char *summary, *description, *location;  /* raw text, NULL when absent */
	char **attendees;      /* addresses, without mailto: */
	size_t natt;
	const char *file;      /* the file as named (valid while the caller's string is) */
	long line;             /* the BEGIN:VEVENT line */
};
struct ical_opts {
	tdate until;           /* DATE_NONE, or the last date to expand (endless rules need it) */
	tdate stop;            /* DATE_NONE, or no instance after this date is wanted */
	const char *zone;      /* zone for UTC times (TZID), NULL: X-WR-TIMEZONE, else TZ */
};
struct ical;
struct ical *ical_new(void);
/*
 * Adds the instances of one file ("-": standard input). -1 with *e set (FILE:LINE) when it
 * is not iCalendar, has a parse error, an unknown TZID, an endless RRULE without until, or
 * too many instances; nothing of that file is kept then.
 */
int ical_read(struct ical *c, const char *path, const struct ical_opts *o, struct terr *e);
size_t ical_count(const struct ical *c);
const struct ical_inst *ical_at(const struct ical *c, size_t i);
/* Drops repeated instances (same uid: the first read stays), then sorts by date, time, uid. */
void ical_sort(struct ical *c);
void ical_free(struct ical *c);

/* ---- calendar rules (calrules.c) ------------------------------------------------------ */

/*
 * Which calendar events are sessions, for which client (tally-calendar(1)): `if REGEX`
 * blocks (more pattern lines may follow unindented; `%summary`, `%description`, `%location`
 * or `%attendee` before a pattern narrows it to that field) with `client ID` or `skip`
 * indented under them; a top-level `client ID` is the default.
 */
struct calrules;
/* NULL with *e set (FILE:LINE) when the file cannot be used. */
struct calrules *calrules_load(const char *path, struct terr *e);
/* 1 with *client set; 0 no rule names a client; -1 a matching block says skip; -2 *e set. */
int calrules_match(const struct calrules *r, const struct ical_inst *v, const char **client,
		   struct terr *e);
void calrules_free(struct calrules *r);

/* ---- the calendar beside the journal (reconcile.c) ------------------------------------ */

/*
 * The journal's session events (and `upcoming:` plans) kept small: a calendar instance is
 * the same session as an entry with its uid:, else as a session of the same client, date
 * and time (an entry without time: matches any time that day). Feed every item with
 * reconcile_observe, then ask.
 */
struct reconcile;
struct reconcile_rec {
	const char *client;
	tdate date;
	int time;              /* -1: none */
	enum session_kind kind;
	const char *file;
	long line;
};
struct reconcile_opts {
	tdate begin, end;      /* the period, DATE_NONE: open */
	long long now;         /* minutes since 1970: later sessions have not taken place */
	const char *client;    /* a slug, or NULL for every client */
};
struct reconcile *reconcile_new(void);
void reconcile_observe(struct reconcile *c, const struct jitem *it);
/*
 * Finds and uses up the journal's session for this instance of client (a slug or a name):
 * 1 when there is one (then *found, when given, says which). Plans (upcoming:) count only
 * when upcoming is true.
 */
int reconcile_take(struct reconcile *c, const struct ical_inst *v, const char *client,
		   bool upcoming, struct reconcile_rec *found);
/* Records an instance just written, so that a second copy of it is found. */
void reconcile_add(struct reconcile *c, const struct ical_inst *v, const char *client,
		   bool upcoming);
size_t reconcile_count(const struct reconcile *c);
/* Record i when it is a session no instance took; false otherwise. */
bool reconcile_left(const struct reconcile *c, size_t i, struct reconcile_rec *out);
/*
 * Writes, per client, the sessions of the period (up to now) that the calendar has and the
 * journal lacks, and the other way round, with dates and places. -1 with *e set.
 */
int reconcile_report(struct reconcile *c, const struct reconcile_opts *ro, struct out *o,
		     struct terr *e);
/*
 * A reconcile holding the calendars ics[0..n) ("-": standard input) and the rules that name
 * their clients, for reconcile_report; NULL with *e set (FILE:LINE).
 */
struct reconcile *reconcile_open(char *const *ics, size_t n, const char *rules,
				 const struct ical_opts *io, struct terr *e);
void reconcile_free(struct reconcile *c);

/* ---- sign-off records (signoff.c) ----------------------------------------------------- */

/*
 * Signatures from a sign-off sheet (CSV: date, client, signed-by; a header line is
 * skipped) matched to held sessions: a session already signed with the same name answers
 * its record (so recording twice changes nothing), else the first unsigned held session of
 * that client and day. Two passes over the same files: plan, then write.
 */
struct signoff;
/* NULL with *e set (CSV:LINE); csv must outlive the errors it gives. */
struct signoff *signoff_load(const char *csv, struct terr *e);
/* Finds each record's session; -1 with *e set for a record that has none. */
int signoff_plan(struct signoff *s, char *const *files, size_t nfiles, struct terr *e);
/* Writes the files' items, `; signed: NAME` added after the planned sessions' comments. */
int signoff_write(struct signoff *s, char *const *files, size_t nfiles, struct out *o,
		  struct terr *e);
long signoff_added(const struct signoff *s);  /* tags the plan adds */
void signoff_free(struct signoff *s);

/* ---- income per client and month (income.c) ------------------------------------------ */

/*
 * Every posting to the income account dated in [begin, end) (DATE_NONE: open), grouped by
 * its `client:` tag ("(none)" without one) and month, as positive income: the figures of
 * hledger's `bal Income --pivot client -M`, sign flipped. The account is prefix and its
 * subaccounts (ASCII case ignored); a NULL prefix takes Income, Incomes, Revenue, Revenues.
 */
struct income_row {
	const char *client;   /* "total" on the total rows */
	int com;
	bool total;           /* a column total (one per commodity, after the clients) */
	struct amount *cell;  /* nmonths cells, then the row's total */
};
struct income;
struct income *income_new(tdate begin, tdate end, const char *prefix);
/* Counts only the postings q selects (hledger's bal QUERY --pivot client); q outlives in. */
void income_query(struct income *in, const struct query *q);
/* -1 with *e set (FILE:LINE) when a sum passes what an amount holds. */
int income_observe(struct income *in, const struct jitem *it, struct terr *e);
/*
 * The table, once, after the last item: rows sorted by client then commodity, the totals
 * last; first is the first column's month (year * 12 + month - 1). The columns are the
 * period's months, or the months with income when the period is open. -1 on overflow.
 */
int income_table(struct income *in, const struct income_row **rows, size_t *nrows, int *first,
		 int *nmonths, struct terr *e);
/*
 * Both cores (journal_split_work): a second thread reads the second half of one large file
 * into income of its own, summed into in at the cut; falls back to one in-order reader as
 * journal_split does, and with a query (income_query before). Whether a thread started.
 */
bool income_split(struct income *in, struct journal *j);
void income_free(struct income *in);

/* ---- the practice overview (overview.c: what it holds; ovdoc.c: writing it) --------- */

/*
 * tally-report's one page: per client the sessions of the period (as tally-sessions counts
 * them) and the package meters on the date; the open invoices on the date and their aging
 * (as tally-aging); the income of each month (as tally-report --income). Pass 2 of the book
 * feeds every item to overview_observe with what the book decided for it.
 */
struct overview_opts {
	tdate begin, end;         /* the period of sessions and income; DATE_NONE: open */
	tdate asof;               /* open invoices, aging and package meters on this date */
	const char *receivable;   /* NULL: Assets:Receivable */
	const char *income;       /* the income account; NULL: Income or Revenue */
};
struct ov_client {
	const char *id;           /* valid while the book is */
	bool active;              /* sessions or package moves in the period */
	long held, signed_off, cancelled, late, noshow, provider;  /* in the period */
	long over;                /* held after the package credit ran out, in the period */
	long bought, used, left;  /* package sessions bought and used up to the date, left on it */
};
struct ov_invoice {
	const struct invoice *in;
	struct amount open;       /* what is still owed */
	long days;                /* past due on the date; 0: not yet due */
};
#define OV_BUCKETS 5          /* current, 1-30, 31-60, 61-90, 90+ days past due */
struct ov_aging {
	int com;
	struct amount bucket[OV_BUCKETS], total;
};
struct overview;
struct overview *overview_new(const struct overview_opts *o);
/* One item of pass 2; bp: the book's decision when it is a book event, else NULL. -1 with
 * *e set (FILE:LINE) on bad invoice data, a cancellation without notice, or overflow. */
int overview_observe(struct overview *ov, const struct jitem *it, const struct book_price *bp,
		     struct terr *e);
/* After the last item: the tables. -1 with *e set when a total passes what an amount holds. */
int overview_finish(struct overview *ov, struct book *b, struct terr *e);
int ov_bucket(long days);  /* days past due to its aging bucket */
size_t overview_clients(const struct overview *ov, const struct ov_client *const **v);
size_t overview_open(const struct overview *ov, const struct ov_invoice **v);  /* by client */
size_t overview_aging(const struct overview *ov, const struct ov_aging **v);  /* per commodity */
/* The income table of lib/income.c (income_table's rows, totals last). */
size_t overview_income(const struct overview *ov, const struct income_row **rows, int *first,
		       int *nmonths);
const struct overview_opts *overview_opts(const struct overview *ov);
void overview_free(struct overview *ov);

enum { OV_TXT, OV_HTML, OV_PDF };
struct ov_doc {
	int format;               /* OV_TXT, OV_HTML or OV_PDF */
	const char *lang;         /* "en", "es", "he": how numbers are written */
	const struct conf *labels;   /* the catalog, context "overview" (conf_catalog) */
	const struct conf *provider; /* tally.conf: whose practice (name, paper) */
};
/* Writes the overview; -1 with *e set when a sum is too large or the PDF fails. */
int overview_write(struct out *o, const struct ov_doc *d, const struct overview *ov,
		   struct terr *e);

/* ---- the year end (yearend.c) -------------------------------------------------------- */

/*
 * What the new year's file needs of the old one besides balances: each client's terms (the
 * last value of every tag on the client's events that are not sessions) and the highest
 * number of each invoice series (a number up to its last '-'; the digits after it).
 */
struct yearend;
struct yearend *yearend_new(void);
void yearend_observe(struct yearend *y, const struct jitem *it);
void yearend_number(struct yearend *y, struct span num);
/* The client's terms in the order first met (not client:); up to max; valid until free. */
size_t yearend_terms(const struct yearend *y, const char *slug, const char **keys,
		     const char **vals, size_t max);
/* The `item:` values of the first entry tagged `invoice: number`, one a line, or NULL. */
const char *yearend_items(const struct yearend *y, const char *number);
size_t yearend_series(const struct yearend *y);
const char *yearend_last(const struct yearend *y, size_t i);  /* series i's last number */
void yearend_free(struct yearend *y);

/* ---- client identity (identity.c) --------------------------------------------------- */

/*
 * Who a client is on the documents that go out: `name:`, `email:`, `address:` and `tax-id:`
 * on the client's entries, each free text to the end of its line. The latest value wins;
 * several `address:` tags on one entry, or `\n` in a value, are the lines of one address.
 */
struct identity {
	char *id;             /* the client's slug */
	char *spelling;       /* the client: tag as first written, when it is not the slug */
	char *name, *email, *address, *tax_id;  /* NULL when never given */
};
struct identities;
struct identities *identities_new(void);
/* Learns from one item, its tags read by the vocabulary: -1 with *e (FILE:LINE) on the
 * entry's first bad tag (an email: that is not an address, say). */
int identities_observe(struct identities *s, const struct jitem *it, struct terr *e);
/* The same for an entry whose tags vocab_entry has read without a problem. */
void identities_learn(struct identities *s, const struct jitem *it, const struct vtags *vt);
/* The client by ID or spelling (slugged); NULL when its entries never said who it is. */
const struct identity *identities_find(const struct identities *s, const char *client);
/* What to call the client: name:, else the client: spelling, else the ID. */
const char *identity_name(const struct identity *who, const char *id);
void identities_free(struct identities *s);

/* ---- mail (mail.c, a module; maildoc.c) ------------------------------------------ */

/*
 * Documents as mail ready to send, built with GMime: RFC 5322 headers (From, To, Date,
 * Message-ID, Subject, names encoded by RFC 2047), multipart/alternative text and HTML, a
 * PDF attached when there is one. A mailbox is an mbox written through a struct out, or a
 * maildir whose messages wait in tmp/ until mail_commit moves them all into new/.
 */
struct mail_msg {
	const char *from_name, *from_addr;  /* the provider: tally.conf name and email */
	const char *client;                 /* its ID, for the error when to_addr is NULL */
	const char *to_name, *to_addr;
	const char *subject;
	const char *text;                   /* the text/plain part (UTF-8) */
	const char *html;                   /* the text/html part; NULL: the text, escaped */
	const char *lang;                   /* the HTML's lang, NULL: en */
	const char *attach_name;            /* a PDF attachment, NULL: none */
	const void *attach;
	size_t attach_len;
};
struct mailbox;
struct mailbox *mail_mbox(struct out *o);
/* Creates DIR/tmp, new, cur when missing; NULL with *e set when it cannot. */
struct mailbox *mail_maildir(const char *dir, struct terr *e);
int mail_add(struct mailbox *m, const struct mail_msg *msg, struct terr *e);
/* maildir: every message from tmp/ into new/. Frees m. */
int mail_commit(struct mailbox *m, struct terr *e);
/* Removes what was written to tmp/. Frees m. */
void mail_abort(struct mailbox *m);
/*
 * A rendered message template: its first lines are "To: ..." and "Subject: ..." (in the
 * document's language), then a blank line, then the body. *subject is the second line's
 * value, *body what follows the blank line; both point into a copy the caller frees (*buf).
 */
void mail_split(const char *doc, size_t n, char **buf, const char **subject, const char **body);
/* A document rendered into memory through a struct out (open_memstream), to be mailed. */
struct mail_doc {
	char *p;
	size_t n;
	FILE *f;
};
struct out *mail_doc_open(struct mail_doc *d);
void mail_doc_close(struct mail_doc *d, struct out *o);  /* commits o: d->p is complete */
void mail_doc_free(struct mail_doc *d);
/* A rendered message template (see mail_split) from the provider to the client, as mail. */
int mail_add_text(struct mailbox *m, const struct conf *provider, const char *client,
		  const struct identity *who, const struct mail_doc *d, const char *lang,
		  struct terr *e);

/* ---- PDF (pdf.c) -------------------------------------------------------------------- */

/*
 * A text document (80 columns) drawn as a PDF with cairo + pango: selectable text, the first
 * line as title, lines underlined with ---- or ==== as headings, the rest monospaced so that
 * the columns stay. Paper is `paper = a4 | letter` from tally.conf (default a4).
 */
struct pdf_opts {
	const char *paper;      /* "a4", "letter"; NULL: a4 */
	const char *title;      /* the PDF's metadata; may be NULL */
	const char *author;
	bool rtl;               /* a right-to-left document (Hebrew): every line read so */
};
/* Writes the PDF to o; -1 with *e set on an unknown paper or a cairo failure. */
int pdf_from_text(struct out *o, const char *text, size_t len, const struct pdf_opts *opt,
		  struct terr *e);
/*
 * The same in steps, for a document with charts: pdf_begin (NULL with *e set on an unknown
 * paper), then pdf_text and pdf_bars in reading order (the first text line is the title),
 * then pdf_end, which frees the document (-1 with *e set on a cairo failure).
 */
struct pdf;
struct pdf_bar {
	const char *label;      /* under the bar */
	const char *value;      /* above it; left out when NULL or too wide */
	int permille;           /* its height, 0 to 1000 of the chart's */
};
struct pdf *pdf_begin(struct out *o, const struct pdf_opts *opt, struct terr *e);
void pdf_text(struct pdf *d, const char *text, size_t len);
/* A bar chart across the text width, lowered (down to half) so that `after` lines of text
 * still fit below it on the page; on a new page when it does not fit. */
void pdf_bars(struct pdf *d, const struct pdf_bar *bars, size_t n, int after);
int pdf_end(struct pdf *d, struct terr *e);

/* ---- taxes on invoices (tax.c) ------------------------------------------------------ */

/*
 * One tax added to an invoice's base (tally.conf `tax-rate`, `tax-name` (VAT),
 * `tax-account` (Liabilities:Tax:NAME), `tax-exempt` (the exemption wording)) and one
 * withheld from it by the client (`withholding-rate`, `withholding-name`,
 * `withholding-account` (Assets:Tax:NAME)). A client's `tax-rate:` / `withholding-rate:`
 * tag overrides a rate.
 */
struct tax_rule {
	bool set;               /* the rate was given */
	bool exempt;            /* rate "exempt": zero, with the exemption wording */
	char name[32];
	struct amount rate;     /* a percent, no commodity */
	char account[160];
};
struct taxes {
	struct tax_rule tax, wh;
	const char *exempt_text;  /* tally.conf tax-exempt, or NULL */
};
int taxes_conf(const struct conf *c, struct taxes *t, struct terr *e);
/* "21", "7.5" (0 to 100) or "exempt"; -1 otherwise. */
int tax_rate_parse(const char *s, size_t n, struct amount *rate, bool *exempt);
/* tax and withholding on base, each rounded at the commodity's precision; total =
 * base + tax - withholding. -1 on overflow. */
int taxes_apply(const struct taxes *t, const struct amount *base, struct amount *tax,
		struct amount *wh, struct amount *total);
/* "VAT 21%", "IRPF 15%", "VAT exempt". */
size_t tax_label(char *buf, size_t size, const struct tax_rule *r);

/* ---- credit notes (creditnote.c) ----------------------------------------------------- */

/*
 * tally-invoice --void N: a credit note of its own series (PREFIX YYYY-NNNN, default CN-)
 * that reverses the invoice entry posting by posting, tagged invoice: N so that it settles
 * it, with what left Assets:Unbilled charged to the credit-note account instead.
 */
struct cnote_opts {
	const char *prefix;      /* NULL: "CN-" */
	const char *receivable;  /* NULL: Assets:Receivable */
	const char *unbilled;    /* NULL: Assets:Unbilled */
	const char *account;     /* NULL: "Income:Credit notes" */
};
struct cnote;
struct cnote *cnote_new(const char *number, tdate date, const struct cnote_opts *o);
/* Learns from one item: the invoice entry, an earlier voids: N, the series' numbers. */
int cnote_observe(struct cnote *c, const struct jitem *it, struct terr *e);
/* Writes the credit note and its number; -1 with *e for no such invoice or one void already. */
int cnote_write(struct cnote *c, struct out *o, char *number, size_t size, struct terr *e);
void cnote_free(struct cnote *c);

/* ---- invoice numbers (invnum.c) ---------------------------------------------------- */

/* N of PREFIX YYYY-NNNN when num is of year's series, else 0. */
long invoice_seq(struct span num, const char *prefix, int year);
/* PREFIX YYYY-NNNN, allocated. */
char *invoice_number(const char *prefix, int year, long seq);
/* A set of invoice numbers, each with a dense id (0, 1, ...) in order of first insertion. */
struct numset;
struct numset *numset_new(void);
/* num's id, or -1 when not in the set; add: put in when not (*added says so). */
long numset_id(struct numset *m, struct span num, bool add, bool *added);
void numset_free(struct numset *m);

/* ---- a run of new invoices (invrun.c: what is left to invoice; invwrite.c: the entries) */

/*
 * tally-invoice's job: fed every entry of the journal (invrun_observe, the entry's tags read
 * by vocab_entry), it keeps each client's unbilled amounts and what invoice entries already
 * took of them, then writes one new invoice entry per payer (bill-to:) and commodity for
 * what is left, numbered after the highest number of the invoices' year.
 */
struct invrun_opts {
	const char *unbilled, *receivable;  /* the chart's prefixes */
	const char *prefix;       /* of the invoice numbers; NULL: none */
	const char *client;       /* --client: its own and its payer's invoices only; NULL: all */
	tdate begin, end;         /* the period: amounts dated in it are listed; end exclusive */
	tdate date;               /* the invoices' date */
	long terms;               /* days to pay for a client without terms: */
	const struct taxes *taxes;  /* tally.conf's tax and withholding */
};
struct invrun;
struct invrun *invrun_new(const struct invrun_opts *o);
/* Learns from one entry; -1 with *e set (FILE:LINE) on a bad tax rate, bill-to: or overflow. */
int invrun_observe(struct invrun *r, const struct jitem *it, const struct vtags *tg,
		   struct terr *e);
/* Whether name is a client the journal mentions (an account, a bill-to:). */
bool invrun_knows(const struct invrun *r, const char *name);
/* Writes the new invoice entries; -1 with *e set on a total too large or a due date past 9999. */
int invrun_write(struct invrun *r, struct out *o, struct terr *e);
void invrun_free(struct invrun *r);

/* ---- an invoice as a document (invdoc.c) ------------------------------------------ */

/*
 * tally-invoice --show N: the invoice entry numbered N as the client receives it. Feed it
 * every item (invdoc_observe), then write it: -O txt, md, html from the templates
 * invoice.LANG.FORMAT, pdf the text drawn on tally.conf's paper, eml the three as mail.
 */
enum { INVDOC_TXT, INVDOC_HTML, INVDOC_MD, INVDOC_EML, INVDOC_PDF };
struct invdoc_opts {
	int format;               /* INVDOC_* */
	const char *lang;         /* its catalog and templates */
	const char *maildir;      /* eml: a maildir to write to; NULL: mbox on the output */
	const char *receivable;   /* the chart's prefix */
	const struct conf *conf;  /* tally.conf: the provider */
	const struct conf *words; /* the catalog, context "invoice" */
	const struct taxes *taxes;
};
struct invdoc;
struct invdoc *invdoc_new(const char *number, const struct invdoc_opts *o);
/* Learns from one item (tg: its tags, for an entry); -1 with *e set on bad invoice data. */
int invdoc_observe(struct invdoc *d, const struct jitem *it, const struct vtags *tg,
		   struct terr *e);
bool invdoc_found(const struct invdoc *d);
/* Writes the document; files are read again for the package sessions left (the renewal
 * note). -1 with *e set. */
int invdoc_write(struct invdoc *d, struct out *o, char *const *files, size_t nfiles,
		 const struct chart *ch, struct terr *e);
void invdoc_free(struct invdoc *d);

/* ---- languages: gettext catalogs (catalog.c) ------------------------------------------ */

/*
 * A document's language is a catalog, LANG/LC_MESSAGES/tally.mo (from share/po/LANG.po),
 * found beside the binary (PREFIX/share/locale installed, the build tree's locale/ in a
 * source tree), else TALLY_LOCALEDIR. catalog_use makes it the language of the whole
 * process (it sets LANGUAGE and LC_MESSAGES=C.UTF-8, so no generated locale is needed);
 * a message it lacks is the English catalog's. -1 with "unknown language: LANG".
 */
bool catalog_lang_ok(const char *lang);   /* 2 or 3 letters a-z */
int catalog_use(const char *lang, struct terr *e);
const char *catalog_lang(void);           /* the language in use, or NULL */
/* A document's label or word: msgctxt ctx ("statement", "invoice", "notice"), msgid key;
 * NULL when no catalog has it. */
const char *catalog_get(const char *ctx, const char *key);
/* A sentence written in C, its English the msgid (marked N_ for xgettext), translated. */
#define N_(s) s
const char *catalog_tr(const char *msgid);
const char *catalog_ntr(const char *one, const char *many, unsigned long n);
/* A date as ctx's "date-format" writes it ({d} {dd} {mm} {mon} {yyyy}, {mon} from its
 * "months"), ISO without one; size at least 11. */
size_t catalog_date(char *buf, size_t size, tdate d, const char *ctx);
/* The labels of a document as a conf: conf_get(c, key) is catalog_get(ctx, key). */
struct conf *conf_catalog(const char *ctx);

#endif
