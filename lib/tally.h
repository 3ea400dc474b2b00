/*
 * tally.h: the one public header of libtally, the library every tally command links.
 *
 * The library never prints and never exits (out of memory aside): functions that can fail
 * return -1 (or NULL) and fill a struct terr with a position and a message; the command
 * formats it as "tally-CMD: FILE:LINE: message".
 */
#ifndef TALLY_H
#define TALLY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

/* The version comes from the VERSION file, through the Makefile (-DTALLY_VERSION). */
#ifndef TALLY_VERSION
#define TALLY_VERSION "unknown"
#endif

/* ---- errors (err.c) ------------------------------------------------------------------ */

/* A diagnostic: file and line are 0/NULL when the problem has no position. */
struct terr {
	const char *file;
	long line;
	char msg[512];
};

void terr_set(struct terr *e, const char *file, long line, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
/* Prints "PROG: FILE:LINE: msg" (or "PROG: msg") to stderr. */
void terr_print(const char *prog, const struct terr *e);

/* Allocation that aborts with a message when memory runs out. */
void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrndup(const char *s, size_t n);
char *xstrdup(const char *s);

/* A byte range inside a buffer owned by someone else; not NUL-terminated. */
struct span {
	const char *p;
	size_t n;
};
bool span_eq(struct span s, const char *z);
char *span_dup(struct span s);

/* ---- commodities (commodity.c) ------------------------------------------------------- */

/*
 * Commodities are interned once per process; id 0 is "no commodity". Each keeps the display
 * style learned from the first amount written with it (or from a `commodity` directive), so
 * that tally writes amounts the way the user does.
 */
struct cstyle {
	bool left;      /* symbol before the number ($40) */
	bool space;     /* a space between symbol and number */
	char decimal;   /* '.' or ',' */
	char group;     /* 0, ',', '.', ' ' */
	int prec;       /* decimals to show: the most seen */
	bool declared;  /* set by a directive: amounts no longer change it */
	bool mark_known;/* the decimal mark is settled (seen or declared) */
	/* Kept for a split reading (split.c): amounts taught the style; an amount read as it
	 * would not be had the mark been known as '.' / ',' before it. */
	bool learned, not_dot, not_comma;
};

/* The longest symbol amount_parse takes, so that a formatted amount fits AMOUNT_BUF. */
#define COMMODITY_MAX 100
#define COMMODITY_MAX_S "100"
int commodity_intern(const char *sym, size_t n);
const char *commodity_name(int id);
struct cstyle *commodity_style(int id);
int commodity_count(void);
/*
 * The decimals a computed price (per-hour rate, percent fee) is rounded to, once: the
 * commodity's declared precision (a `commodity` directive), else 2; never the display
 * precision the amounts read so far happen to show.
 */
int commodity_price_prec(int id);
/* The `D` directive's commodity (0 when none): bare numbers take it. */
void commodity_set_default(int id);
int commodity_default(void);
void commodity_reset(void);

/* ---- amounts (amount.c) -------------------------------------------------------------- */

/* An exact decimal: q * 10^-scale of commodity com. Every operation checks overflow. */
typedef __int128 tnum;
#define AMOUNT_MAX_SCALE 30
struct amount {
	tnum q;
	int scale;
	int com;
};

/*
 * Parses an amount at s (n bytes): number and commodity on either side, sign before or
 * after the symbol, quoted symbols, digit grouping. Learns the commodity's style unless
 * `learn` is false. Returns the bytes consumed, or -1 with a message in *why.
 */
long amount_parse(const char *s, size_t n, struct amount *a, bool learn, const char **why);
/*
 * Forces the decimal mark ('.' or ',') amount_parse reads, as hledger's `decimal-mark`
 * directive does for the rest of a file; 0 goes back to guessing from the commodity.
 */
void amount_decimal_mark(char mark);
/* Parses just a plain decimal number ("-12.50"; '.' decimal mark, no grouping). */
int amount_parse_plain(const char *s, size_t n, struct amount *a);
int amount_add(struct amount *r, const struct amount *a, const struct amount *b);
int amount_mul(struct amount *r, const struct amount *a, const struct amount *b);
int amount_rescale(struct amount *a, int scale); /* only grows scale; -1 on overflow */
/* q / d rounded toward zero at the amount's scale; the remainder goes to *rem. */
int amount_div_int(struct amount *r, const struct amount *a, long d, struct amount *rem);
/* a * pct / 100, exact when possible, else rounded half away from zero at scale `scale`. */
int amount_percent(struct amount *r, const struct amount *a, const struct amount *pct, int scale);
void amount_neg(struct amount *a);
int amount_sign(const struct amount *a);
int amount_cmp(const struct amount *a, const struct amount *b); /* same commodity */
bool amount_is_zero(const struct amount *a);
/* Drops trailing zero decimals down to min_scale. */
void amount_normalize(struct amount *a, int min_scale);
/* Writes in the commodity's style, at max(scale, style precision) decimals. */
size_t amount_format(char *buf, size_t size, const struct amount *a);
/* Writes the number alone: '-', digits, '.' decimals; no symbol, no grouping. */
size_t amount_format_plain(char *buf, size_t size, const struct amount *a);
/* Like amount_format, with the number written for a reader of `lang` ("en", "es"). */
size_t amount_format_lang(char *buf, size_t size, const struct amount *a, const char *lang);
#define AMOUNT_BUF 160

/* ---- dates (date.c) ------------------------------------------------------------------ */

/* A date is the count of days since 1970-01-01; DATE_NONE marks an absent one. */
typedef int32_t tdate;
#define DATE_NONE INT32_MIN

tdate date_from_ymd(int y, int m, int d);
void date_to_ymd(tdate t, int *y, int *m, int *d);
bool date_valid_ymd(int y, int m, int d);
/* YYYY-MM-DD, YYYY/MM/DD or YYYY.MM.DD; MM/DD takes default_year. Returns bytes used or -1. */
long date_parse(const char *s, size_t n, int default_year, tdate *out, const char **why);
/* Writes YYYY-MM-DD and a NUL: buf holds at least 11 bytes. */
void date_format(char *buf, tdate t);
int date_weekday(tdate t); /* 0 = Monday */
tdate date_add_months(tdate t, int months);
tdate date_today(void);
/*
 * A period: 2026, 2026-11, 2026-Q4, 2026-11-05 (also with '/'), and hledger's smart dates
 * and period expressions relative to today (period.c): thismonth, last week, 2 weeks ago,
 * from 2026-11 to thismonth, 2026-11-05..today. [*begin, *end) with end exclusive; either
 * may be DATE_NONE (open) for `from A`, `to B`, `A..`.
 */
int period_parse(const char *s, tdate *begin, tdate *end);
/* The same, relative to the given day. */
int period_expr(const char *s, tdate today, tdate *begin, tdate *end);
/* Only the fixed forms, n bytes of s (no NUL needed). */
int period_parse_fixed(const char *s, size_t n, tdate *begin, tdate *end);
/*
 * The common options -b DATE, -e DATE (exclusive) and -p PERIOD (opt is 'b', 'e' or 'p'),
 * each narrowing [*begin, *end); start both at DATE_NONE. -1 with *why on a bad value.
 */
int range_option(int opt, const char *arg, tdate *begin, tdate *end, const char **why);
/* "YYYY-MM-DD HH:MM" (or with a T) as minutes since 1970-01-01 00:00, or -1. */
long long stamp_parse(const char *s, size_t n);
/* HH:MM as minutes since midnight, or -1. */
int time_parse(const char *s, size_t n);

/* ---- tags (tags.c) ------------------------------------------------------------------- */

/*
 * Tags in comment text: hledger's "key: value, key2: value2" (value ends at a comma or the
 * end of the line; tally's free-text tags, vocab_to_eol, run to the end of the line) and
 * ledger's ":tag1:tag2:". A comment may span several lines. Finds the first tag named key; *value is trimmed. Returns true when found.
 */
bool tag_find(struct span comment, const char *key, struct span *value);
/* Calls fn for every tag in the comment; stops early when fn returns nonzero. */
int tag_each(struct span comment, int (*fn)(struct span key, struct span value, void *arg),
	     void *arg);

/* ---- journal reading (journal.c, txn.c) ---------------------------------------------- */

enum jkind {
	J_BLANK,      /* empty or whitespace-only lines */
	J_COMMENT,    /* comment lines at column 0, or a comment ... end comment block */
	J_DIRECTIVE,  /* a directive line and its indented sub-lines */
	J_INCLUDE,    /* an include directive (its file's items follow, with depth + 1) */
	J_TXN,        /* a transaction, with or without postings */
	J_PERIODIC,   /* ~ periodic transaction: kept, not counted */
	J_AUTO,       /* = automated transaction: kept, not applied */
	J_ERROR,      /* an item that could not be read: see the reader's error */
	J_TIMELOG     /* a timeclock clock-out or a timedot day: txn holds hours (virtual) */
};

/* A posting's virtual kind. */
enum pvirt { P_REAL = 0, P_VIRTUAL = '(', P_BALANCED_VIRTUAL = '[' };

struct posting {
	struct span account;  /* as written (brackets removed), before aliases */
	const char *acct;     /* the effective name (aliases and `apply account` applied) */
	size_t acct_len;
	enum pvirt virt;
	char status;          /* 0, '*' or '!' */
	bool has_amount;      /* written in the entry */
	bool inferred;        /* filled in by balancing (an elided amount) */
	struct amount amt;
	bool has_cost;        /* @ or @@ (a {lot price} is read but does not count) */
	struct amount cost;   /* the total cost, in the cost's commodity */
	bool cost_wide;       /* amt * unit passes 128 bits: cost is rounded, unit is exact */
	struct amount unit;   /* the @ price per unit as written (set with cost_wide) */
	bool has_assert;      /* = AMOUNT after the amount (or alone: a balance assignment) */
	struct amount assert_amt;
	struct span comment;  /* the posting's comments: same line and following ; lines */
	long line;
};

struct txn {
	tdate date;
	tdate date2;          /* DATE_NONE when absent */
	char status;          /* 0, '*' or '!' */
	struct span code;     /* without the parentheses */
	struct span desc;
	struct span comment;  /* the header's comment and the ; lines before the first posting */
	long comment_line;    /* line of the first of those comment lines, or the header */
	struct posting *p;    /* may hold more entries than written lines: see inferred */
	size_t np;
};

struct jitem {
	enum jkind kind;
	const char *file;     /* valid until journal_close */
	long line;            /* first line of the item */
	long nlines;
	const char *text;     /* the item's exact bytes, newlines included */
	size_t len;
	int depth;            /* 0 for the files named by the user, +1 per include */
	struct txn *txn;      /* for J_TXN and J_TIMELOG, else NULL */
	struct span word;     /* for J_DIRECTIVE and J_INCLUDE: the directive's name */
	bool open_block;      /* a comment block that ran to the end of the file */
};

struct journal;

/* Reader options. */
enum {
	JOURNAL_NO_INCLUDE = 1,   /* pass include lines through without reading the files */
	JOURNAL_NO_BALANCE = 2,   /* don't infer elided amounts or check that entries balance */
	JOURNAL_CHECK_ASSERT = 4, /* check balance assertions (keeps a running balance) */
};

/*
 * The reader's lifecycle: open on one or more files ("-" is standard input, read as one
 * journal in order), then journal_next until it returns 0, then journal_close.
 */
struct journal *journal_open(const char *const *files, size_t nfiles, int flags);
/*
 * Reads the next item into *item (owned by the reader, valid until the next call).
 * Returns 1 for an item, 0 at the end, -1 for a bad item: *item is then a J_ERROR item
 * holding the bad lines and journal_error() says why. Reading can go on after -1.
 * Only I/O failure stops the reader (every later call returns 0).
 */
int journal_next(struct journal *j, struct jitem **item);
const struct terr *journal_error(const struct journal *j);
/* Number of errors met so far (bad items and failed assertions). */
long journal_nerrors(const struct journal *j);
void journal_close(struct journal *j);

/*
 * With JOURNAL_CHECK_ASSERT, the running balance of every account over all entries read so
 * far (each account's own postings). Owned by the reader.
 */
struct accounts *journal_balances(struct journal *j);
/*
 * Both cores (split.c): for a caller that wants only journal_balances() and the errors, a
 * second thread reads the second half of one large regular file while journal_next reads
 * the first; at the boundary the halves' balances are summed, or, when the first half
 * holds anything the second depends on (aliases, years, styles, assertions...), the
 * second half is read again here, in order. Items past the boundary are then not returned.
 * Call after journal_open, before journal_next; TALLY_SPLIT=always splits files of any
 * size (for tests), =never not at all. Returns whether a thread was started.
 */
bool journal_split(struct journal *j);

/*
 * Appending to a journal (jappend.c): -1 with *e set (FILE:LINE of the block) when the file
 * ends inside an open `comment` block, where appended entries would be read as comment.
 */
int journal_append_check(const char *path, struct terr *e);

/* Tag lookup on an entry (its own comments) or on a posting (its comments, then the entry's). */
bool txn_tag(const struct txn *t, const char *key, struct span *value);
bool posting_tag(const struct txn *t, const struct posting *p, const char *key,
		 struct span *value);

/* ---- vocabulary (vocab.c) ------------------------------------------------------------ */

/*
 * Every tag tally understands (tally-journal(5)): its kind of value, where it may be
 * written, one parser per kind. vocab_entry reads an entry's tags once and checks them,
 * so tally-check and the commands agree; its errors name the tag's own line:
 * "FILE:LINE: TAG: what is wrong".
 */
enum vtag {
	VT_CLIENT, VT_SESSION, VT_TIME, VT_MINUTES, VT_DURATION, VT_CANCELLED_AT, VT_SIGNED,
	VT_PACKAGE, VT_EXPIRES, VT_EXPIRED, VT_PAYER, VT_RATE, VT_POLICY, VT_TERMS, VT_INVOICE,
	VT_DUE, VT_ITEM, VT_WAIVED, VT_DEPOSIT, VT_NAME, VT_EMAIL, VT_ADDRESS, VT_TAX_ID, VT_UID,
	VT_BILL_TO, VT_PRICE, VT_ABSENT, VT_UPCOMING,
	/* the agreement's free text (tally-agreement) */
	VT_INCLUDES, VT_EXCLUDES, VT_EXTRAS, VT_FREQUENCY, VT_PROGRAMME,
	VT_N
};
enum { VW_ENTRY = 1, VW_POSTING = 2 };  /* where a tag may be written */
/* A tag's value, read by its kind's parser. */
struct vval {
	struct span raw;      /* trimmed; free text runs to the end of its line */
	const char *at;       /* the tag in the item's text (vocab_entry): its line is
			       * vocab_line(it, at), counted only when a message needs it */
	long n;               /* session kind, time (minutes after midnight), minutes,
			       * duration (minutes), package sessions, terms days */
	long long stamp;      /* cancelled-at: minutes since 1970 */
	tdate date;           /* expires, due, item */
	struct amount amt;    /* rate, price, item */
	bool per_hour;        /* rate: AMOUNT/h */
};
/* An entry's own tags: the first of each counts. */
struct vtags {
	bool has[VT_N];
	struct vval v[VT_N];
	int nclient;          /* client: tags on the entry: more than one (or absent:) is a group */
	uint64_t set;         /* bit k: has[k] (what vocab_entry_next clears) */
};
/* The tag named key, or -1 when it is none of tally's. */
int vocab_lookup(struct span key);
const char *vocab_name(enum vtag k);
/* Whether the tag's value is free text that runs to the end of the line (name, address...). */
bool vocab_to_eol(struct span key);
/* Parses one value as tag k reads it: 0, or -1 when it is not a good value. */
int vocab_parse(enum vtag k, struct span v, struct vval *out);
/* An item: line's value, "DATE | AMOUNT | DESCRIPTION" (amt and desc may be NULL). */
bool vocab_item(struct span v, tdate *date, struct amount *amt, struct span *desc);
/* Calls fn for every good value of tag k on the entry (item: lines, say), in order; stops
 * when fn returns nonzero and returns that. v.at is not set. */
int vocab_each(const struct txn *t, enum vtag k, int (*fn)(const struct vval *v, void *arg),
	       void *arg);
/* The error for a bad value v (a span of the item's text) of tag k, at v's line. */
void vocab_bad(struct terr *e, const struct jitem *it, enum vtag k, struct span v);
/*
 * Group sessions (group.c): a session event with several `client:` tags (repeated on a
 * line, or one per line) is attended by each; `absent: ID [no-show|late-cancel]` marks one
 * who missed it. Each attendee is priced on their own (the book keeps one record each).
 */
#define GROUP_MAX 64
struct attendee {
	struct span id;            /* the client: tag's value */
	int kind;                  /* enum session_kind: SESSION_HELD, or the absence's */
};
/*
 * The entry's distinct clients in the order written (up to max kept in a), their kinds from
 * the absent: tags; returns how many there are (more than max: too many). *stray gets the
 * first absent: ID naming none of them ({NULL, 0}: none).
 */
size_t group_attendees(const struct txn *t, struct attendee *a, size_t max, struct span *stray);
/* Whether an entry is a group session: several clients, or an absent: tag. */
bool group_is(const struct txn *t);
/* Whether two spellings name one client (--client ANA and ana, Théo Keller and
 * theo-keller): equal once folded to slugs (clients_slug). */
bool vocab_same_client(struct span a, struct span b);
/* The line of a byte of an item's text. */
long vocab_line(const struct jitem *it, const char *p);
/*
 * Reads and checks the tags of an entry (its comments and its postings' comments). Returns
 * the number of problems: the first goes to *e (may be NULL), each to report when not NULL.
 */
int vocab_entry(const struct jitem *it, struct vtags *tg, struct terr *e,
		void (*report)(const struct terr *e, void *arg), void *arg);
/* The same for a tg that holds the last entry's reading, or zeros (a loop's, faster). */
int vocab_entry_next(const struct jitem *it, struct vtags *tg, struct terr *e,
		     void (*report)(const struct terr *e, void *arg), void *arg);

/* ---- chart of accounts (chart.c) ----------------------------------------------------- */

/*
 * The client accounts (PREFIX:ID), their defaults and the options that rename them:
 * --unbilled, --receivable, --prepaid, --deposits, each also spelled NAME-account. Every
 * command that reads client accounts takes all four (CHART_OPTIONS in its getopt_long
 * table, chart_option in its loop).
 */
enum chart_acct { CH_UNBILLED, CH_RECEIVABLE, CH_PREPAID, CH_DEPOSITS, CH_N };
struct chart {
	const char *acct[CH_N];   /* the prefixes, e.g. "Assets:Unbilled" */
};
#define CHART_OPT 0x4300      /* getopt_long codes: CHART_OPT + enum chart_acct */
#define CHART_OPTIONS \
	{"unbilled", required_argument, NULL, CHART_OPT + CH_UNBILLED}, \
	{"receivable", required_argument, NULL, CHART_OPT + CH_RECEIVABLE}, \
	{"prepaid", required_argument, NULL, CHART_OPT + CH_PREPAID}, \
	{"deposits", required_argument, NULL, CHART_OPT + CH_DEPOSITS}, \
	{"unbilled-account", required_argument, NULL, CHART_OPT + CH_UNBILLED}, \
	{"receivable-account", required_argument, NULL, CHART_OPT + CH_RECEIVABLE}, \
	{"prepaid-account", required_argument, NULL, CHART_OPT + CH_PREPAID}, \
	{"deposits-account", required_argument, NULL, CHART_OPT + CH_DEPOSITS}
void chart_init(struct chart *c);
/* Takes a getopt_long code: true when it was one of the chart's options. */
bool chart_option(struct chart *c, int opt, const char *arg);
struct clients_opts;
void chart_clients_opts(const struct chart *c, struct clients_opts *o);
/*
 * The one rule for client accounts: acct is PREFIX:ID or PREFIX:ID:..., the prefix matched
 * ignoring ASCII case (journals write assets:receivable too) and its trailing ':' ignored.
 * *id (may be NULL) gets the ID as written.
 */
bool chart_client(const char *prefix, size_t plen, const char *acct, size_t n, struct span *id);
/* chart_client for one prefix asked about every posting: remembers how the journal spells it. */
struct chart_under {
	const char *prefix;
	size_t plen;          /* without trailing ':' */
	char seen[64];        /* the spelling last matched (when shorter than 64 bytes) */
	size_t nseen;
};
void chart_under_init(struct chart_under *u, const char *prefix);
bool chart_under_at(struct chart_under *u, const char *acct, size_t n, struct span *id);
/* Most postings are under no client prefix: one byte tells, without a call. */
static inline bool
chart_under(struct chart_under *u, const char *acct, size_t n, struct span *id)
{
	return n > u->plen + 1 && acct[u->plen] == ':' && chart_under_at(u, acct, n, id);
}

/* ---- accounts (accounts.c) ----------------------------------------------------------- */

/*
 * A table of accounts, each with a running balance per commodity. Memory follows the number
 * of accounts and commodities, never the number of entries.
 */
struct bal {
	int com;
	struct amount sum;
};
struct account {
	char *name;
	size_t len;
	struct bal *bal;
	size_t nbal;
	size_t cap;
	long postings;
};
struct accounts;

struct accounts *accounts_new(void);
struct account *accounts_get(struct accounts *t, const char *name, size_t len);
struct account *accounts_find(const struct accounts *t, const char *name, size_t len);
/* Adds an amount to an account's balance; -1 on overflow. */
int account_add(struct account *a, const struct amount *amt);
/* The balance in one commodity (zero when none). */
struct amount account_balance(const struct account *a, int com);
size_t accounts_count(const struct accounts *t);
struct account *accounts_at(struct accounts *t, size_t i);
/* Sorts the accounts by name (byte order); indices from accounts_at change. */
void accounts_sort(struct accounts *t);
void accounts_free(struct accounts *t);

/* ---- input resolution (input.c) ------------------------------------------------------ */

/*
 * The files a command reads: its -f options and operands in order; none given: "-"
 * (standard input), or $LEDGER_FILE when standard input is a terminal.
 * Returns the count; *files is freed with input_free.
 */
size_t input_files(char **fopts, size_t nfopts, char **operands, size_t noperands,
		   char ***files);
void input_free(char **files, size_t n);

/* ---- safe output (out.c) ------------------------------------------------------------- */

/*
 * Output that can be taken back: a command writes its whole result through out_* and calls
 * out_commit at the end, or out_abort on error, so a failed run never leaves output that
 * looks complete. A regular file is truncated back on abort; a pipe gets a spool that
 * spills to a temporary file past a few MiB; /dev/null and terminals are written directly.
 */
struct out;
struct out *out_open(FILE *f);
void out_write(struct out *o, const void *p, size_t n);
void out_puts(struct out *o, const char *s);
void out_printf(struct out *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* n bytes of text as lines of at most width columns, each after indent, broken at spaces. */
void out_wrap(struct out *o, const char *s, size_t n, const char *indent, size_t width);
/* For a command that writes its stream only through o (no printf to it meanwhile): small
 * writes gather in a buffer of o's own rather than one stdio call each (tally-print). */
void out_gather(struct out *o);
/* Returns 0, or -1 with errno set when writing failed. Frees o. */
int out_commit(struct out *o);
void out_abort(struct out *o);

/*
 * In-place editing (-i FILE) of one file: the write path below with FILE as its only input
 * and output; out_commit commits it. NULL with *e set when FILE cannot be edited.
 */
struct out *out_open_inplace(const char *path, struct terr *e);

/* Closes stdout and reports a write error (full disk): returns 0 or -1. */
int fshut_stdout(const char *prog);

/* ---- the one write path (wpath.c) -------------------------------------------------- */

/*
 * Every file a command writes goes through one set of outputs: each is written to a
 * temporary file beside its target (O_EXCL), with the target's owner, group and mode, and
 * nothing replaces a target until wpath_commit, which fsyncs and closes every file, checks
 * that the journal edited in place did not change since it was read, writes standard
 * output, then renames every file into place (the edited journal last) and fsyncs their
 * directories. A failure anywhere leaves every target as it was.
 *
 *   w = wpath_new(files, nfiles);             the command's named inputs
 *   wpath_add(w, J, WP_EDIT, &o, &e);         -i J: J is replaced, locked meanwhile
 *   wpath_add(w, N, 0, &notes, &e);           another file; NULL: standard output
 *   wpath_open(w, &e);                        lock, create the temporary files
 *   ... write to o and notes; out_commit(x) may finish one file early ...
 *   wpath_commit(w, &e) or wpath_abort(w);    both free w
 *
 * wpath_add checks before anything is opened: an output (or a regular-file standard
 * output) that is one of the inputs, or two outputs that are one file, are refused with
 * WPATH_REFUSED (the command exits 2); -1 is any other failure (exit 1). A symlinked target
 * is followed and the real file replaced, unless WP_NOFOLLOW (files tally names itself in
 * an output directory: a symlink there is replaced, never followed). A device or FIFO
 * target (/dev/stdout) is written at commit instead. WP_EDIT takes an exclusive lock
 * (flock) on the journal that waits for another tally command editing it, so two
 * concurrent -i runs both land; a change by any other program makes the commit fail.
 * wpath_add and wpath_open may be called again to add outputs as they come.
 */
#define WP_EDIT 1
#define WP_NOFOLLOW 2
#define WPATH_REFUSED (-2)
struct wpath;
struct wpath *wpath_new(char *const *inputs, size_t n);
int wpath_add(struct wpath *w, const char *path, int flags, struct out **o, struct terr *e);
int wpath_open(struct wpath *w, struct terr *e);
int wpath_commit(struct wpath *w, struct terr *e);
void wpath_abort(struct wpath *w);
/* For a signal handler that is about to end the process: removes the temporary files only. */
void wpath_unlink_temps(const struct wpath *w);
/* For commands that write only standard output: WPATH_REFUSED with *e set when it is a
 * regular file that is one of the inputs (`tally-print j >> j`), as cat refuses it. */
int wpath_check_stdout(char *const *files, size_t n, struct terr *e);

/* ---- journal writing (write.c) ------------------------------------------------------- */

/*
 * Writes one posting line in the subset ledger and hledger read alike: four-space indent,
 * the account, at least two spaces, the amount in its commodity's style. comment may be NULL.
 */
void write_posting(struct out *o, const char *account, const struct amount *amt,
		   const char *comment);
/* Writes an item's exact text, then `extra` (whole lines to append, may be NULL): a
 * newline is added first when the item's last line had none. Before the item, write_end. */
void write_item(struct out *o, const struct jitem *it, const char *extra, size_t extra_len);
/*
 * Ends what the last item written left open at the end of its file: a missing final
 * newline, a `comment` block without `end comment`. Call it before appending text after
 * the items (write_item does it before each item), never at the very end.
 */
void write_end(struct out *o);

/* ---- report cells (report.c) -------------------------------------------------------- */

/* One CSV cell; text cells that a spreadsheet would run as a formula get a leading '. */
void csv_cell(struct out *o, const char *s, size_t n, bool number);
void json_string(struct out *o, const char *s, size_t n);
/*
 * A value from the data in a header-like line (To:, Subject:, Re:): CR, LF and other
 * control bytes become spaces, so a value can never end its line and start another (Bcc:).
 */
void header_value(struct out *o, const char *s);
void html_text(struct out *o, const char *s, size_t n);
/* Markdown's punctuation (\`*_[]<>|#) backslashed, so text stays text. */
void md_text(struct out *o, const char *s, size_t n);
/* Index of s in the NULL-terminated list, or -1: for -O FORMAT. */
int format_parse(const char *s, const char *const *allowed);

/* ---- key = value files (conf.c) ----------------------------------------------------- */

/*
 * tally.conf and other `key = value` files with `#` comments. A missing file is an empty
 * configuration unless must_exist. Returns NULL with *e set on a bad line (e->file is
 * `path` itself, so it lives as long as the caller's string).
 */
struct conf;
struct conf *conf_load(const char *path, bool must_exist, struct terr *e);
const char *conf_get(const struct conf *c, const char *key);
size_t conf_count(const struct conf *c);
const char *conf_key(const struct conf *c, size_t i, long *line);
const char *conf_file(const struct conf *c);
void conf_free(struct conf *c);

/* ---- policy (policy.c) -------------------------------------------------------------- */

/*
 * A cancellation policy file (tally-policy(5)): `key = value` lines. tally-cancel applies
 * it and tally-agreement prints it in plain words, from the same parsed struct.
 */
enum policy_key {
	PK_NAME, PK_NOTICE, PK_LATE, PK_NOSHOW, PK_CAP, PK_GRACE, PK_PREPAID, PK_DEPOSIT,
	PK_PROVIDER, PK_WAIVED, PK_NKEYS
};
#define POLICY_MAX_TIERS 8
struct policy_fee {
	bool percent;        /* amt is a percent of the session's price (no commodity) */
	struct amount amt;   /* zero: nothing */
	long under;          /* late fee tier: applies when the notice is under this (minutes) */
};
struct policy {
	char *name;          /* `name`, else the file's name without .policy */
	char *file;
	long notice;         /* minutes of notice required */
	struct policy_fee late[POLICY_MAX_TIERS]; /* narrowest tier first; the last is the base */
	size_t nlate;
	struct policy_fee noshow;
	bool capped;
	struct policy_fee cap;     /* no fee above this (an amount or a percent of the price) */
	int grace;                 /* waivers per client, per window when grace_every > 0 */
	int grace_every;           /* the window: that many days ('d') or months ('m') */
	char grace_unit;
	bool forfeit;              /* prepaid = forfeit */
	struct policy_fee deposit; /* percent of the next session held; zero: none */
	struct policy_fee provider;/* credit when the provider cancels; zero: none */
	bool waived_package;       /* `waived = package`: a waived held session uses a package
				      session when there is credit; default `free` */
	long line[PK_NKEYS];       /* where each key was set; 0: the default */
	char *clause[PK_NKEYS];    /* each key's line as written ("notice = 24h"), for quoting */
};
/* Loads a policy file; NULL with *e set (FILE:LINE) on a missing file or a bad line. */
struct policy *policy_load(const char *path, struct terr *e);
/* Loads DIR/NAME.policy; errors carry no position (the caller adds the journal's). */
struct policy *policy_find(const char *dir, const char *name, size_t n, struct terr *e);
void policy_free(struct policy *p);
const char *policy_key_name(enum policy_key k);
/* share/SUB beside the running binary (a source tree), ../share/tally/SUB (an install
 * moved elsewhere), else TALLY_SHAREDIR/SUB. The caller frees it. */
char *policy_sharedir(const char *sub);
/* "24h", "2d", "90m", "1h30m", "48 hours" as minutes, or -1. */
long policy_parse_duration(const char *s);
size_t policy_format_duration(char *buf, size_t size, long mins, const char *lang);
/* The late fee tier for a notice in minutes (-1: unknown, the base fee); NULL: none. */
const struct policy_fee *policy_late_fee(const struct policy *p, long notice);
/* A fee on a session's price: percents rounded at the price's precision; -1 on overflow. */
int policy_fee_amount(const struct policy_fee *f, const struct amount *price, struct amount *out);
/* The same with the policy's fee cap applied (*capped tells whether it cut the fee). */
int policy_charge(const struct policy *p, const struct policy_fee *f, const struct amount *price,
		  struct amount *out, bool *capped);
/* One key's rule in plain words ("en" or "es"), as the agreement and the notices print it. */
size_t policy_clause(const struct policy *p, enum policy_key k, const char *lang, char *buf,
		     size_t size);

/* ---- open invoices (invoices.c) ------------------------------------------------------ */

/*
 * Receivables followed invoice by invoice while the journal streams past: what each invoice
 * asked for and how much of it has been paid. Memory follows the number of invoices and
 * clients. Items must come in date order for "oldest first" to mean the oldest.
 */
struct invoice {
	char *number;
	char *client;         /* the ID: the account component after the receivable prefix */
	tdate date, due;      /* due: the entry's due: tag, else its date */
	struct amount total;  /* what the invoice entry debited to the client's receivable */
	struct amount paid;   /* payments and client credit applied to it, at most total */
	const char *file;     /* where the invoice entry is; valid until invoices_free */
	long line;
};
struct invoices;

struct invoices *invoices_new(const char *receivable_prefix); /* "Assets:Receivable" */
/* Only the errors of invoices_observe are wanted (tally-check): keeps no movement of the
 * receivables and of an invoice only where it was once its entry has passed, so the
 * queries answer nothing. */
void invoices_lean(struct invoices *v);
/*
 * Learns from one journal item: an invoice is an entry tagged invoice: N (with client:)
 * whose postings debit RECEIVABLE:ID; a payment is a posting crediting RECEIVABLE:ID; a
 * payment tagged invoice: N settles that invoice, an untagged one settles the client's
 * oldest open invoices first (FIFO, in date order whatever the file's order); overpayment is kept as client credit, and client
 * credit pays the client's next invoices. A payment naming an invoice not met yet is held
 * for it (tally-invoice appends invoices after later entries) and counts as credit until
 * then. An untagged debit to RECEIVABLE:ID (a refund) uses up credit first. Returns -1
 * with *e set for a duplicate invoice number, a malformed due: tag, an invoice in two
 * commodities or an amount too large.
 */
int invoices_observe(struct invoices *v, const struct jitem *it, struct terr *e);
/* The same, given the entry's tags as vocab_entry read them without an error (tg may be
 * NULL): its own invoice: and due: are taken from tg, not read again. */
int invoices_observe_tags(struct invoices *v, const struct jitem *it, const struct vtags *tg,
			  struct terr *e);
size_t invoices_count(const struct invoices *v);
/* In the order the invoices were met; pointers stay valid until invoices_free. */
const struct invoice *invoices_at(const struct invoices *v, size_t i);
const struct invoice *invoices_find(const struct invoices *v, const char *number);
/* The client's unused credit (overpayment) in commodity com: zero when none. */
struct amount invoices_credit(const struct invoices *v, const char *client, int com);
void invoices_free(struct invoices *v);
/* The text of template file DIR/NAME (for invoices and reminders), or NULL with *e set. */
char *invoices_template(const char *dir, const char *name, struct terr *e);
/*
 * Writes a template, each {{key}} replaced by what field writes for it (escaped as the
 * document needs); a key field does not know (returns false) is written as it stands.
 */
void invoices_fill(struct out *o, const char *tmpl,
		   bool (*field)(struct out *o, const char *key, size_t n, void *arg), void *arg);
/*
 * The provider's tally.conf: path when given, else $TALLY_CONF (either must exist), else
 * tally.conf beside the journal file named first, else in the current directory, else
 * $XDG_CONFIG_HOME/tally/tally.conf (~/.config/tally/ by default); none found is empty.
 */
struct conf *invoices_conf(const char *path, const char *journal, struct terr *e);

/* ---- clients (clients.c) ------------------------------------------------------------ */

/*
 * The per-client book kept while the journal streams: rates, policies, prepaid packages,
 * deposits, terms, payer, filled by the book (below) in date order; ask it about a date.
 * Clients are named by `client:` tags and by the last component of their accounts
 * (Assets:Unbilled:ID); both are folded to a slug (clients_slug) so `Théo Keller` and
 * `theo-keller` are one client. Account prefixes match ignoring ASCII case.
 * There is no file-order reading of it: every command that needs terms, packages or
 * deposits reads them through the book.
 */
enum cacct { C_UNBILLED, C_PREPAID, C_DEPOSITS, C_NACCT };
/* Account prefixes: NULL fields take the defaults (Assets:Unbilled, ...). */
struct clients_opts {
	const char *unbilled, *prepaid, *deposits;
};
struct client_rate {
	tdate from;
	struct amount amt;
	bool per_hour;        /* `rate: 60 EUR/h`: priced pro rata by the session's minutes */
};
struct client_policy {
	tdate from;
	char *name;
};
/* A prepaid package: `package: N` on an entry crediting Liabilities:Prepaid:ID. */
struct client_package {
	tdate date;           /* bought */
	tdate expires;        /* DATE_NONE: never; usable through this date */
	long sessions;        /* bought */
	long used;            /* sessions taken from it */
	struct amount price;  /* what the entry credited to the prepaid account */
	struct amount spent;  /* credit taken so far */
	bool lapsed;          /* what was left was recognised as income (`expired:` entry) */
	bool expiry_seen;     /* handed out once by clients_next_expired */
	long seq;             /* order bought among packages of the same date */
};
/* `terms: N` days from a date on. */
struct client_days {
	tdate from;
	int days;
};
/* One client. Read-only for commands: change it through the client_* functions. */
struct client {
	char *id;             /* the slug used in account names */
	char *name;           /* the first spelling met (tag value or account component) */
	size_t index;         /* position in clients_at order, for the caller's own tables */
	struct client_rate *rates; /* sorted by date */
	size_t nrates;
	struct client_policy *policies; /* sorted by date */
	size_t npolicies;
	struct client_package *pk;   /* open packages, oldest first (used-up ones are dropped) */
	size_t npk;
	size_t pk_off, pk_cap;  /* packages.c: pk is pk_off records into its allocation of pk_cap
				   (dropping from the front moves no record) */
	long bought, used, lapsed; /* package sessions over everything observed */
	tdate first_pk_date;  /* the first package's date, DATE_NONE: never bought one */
	struct amount deposit;/* Liabilities:Deposits:ID balance (negative: held) */
	int terms;            /* `terms: N` days, the latest by date; -1 when never given */
	struct client_days *termsv; /* every `terms:`, sorted by date (client_terms_at) */
	size_t nterms;
	char *payer;          /* `payer: REGEX`, the latest by date; NULL when never given */
	tdate payer_from;     /* its entry's date */
	char *acct[C_NACCT];  /* account names as the journal spells them (or as written) */
	tdate *waivers;       /* cancellations waived by a policy's grace, in date order */
	size_t nwaivers, capwaivers;
	struct client_billto *billto;  /* `bill-to:` from a date on, sorted by date (billto.c) */
	size_t nbillto;
};
/*
 * The tags the book and the session commands read, found in one pass over an entry's own
 * comments (clients_tags): v[k].p is NULL when tag k is absent; the first one counts.
 */
enum ctag {
	CT_CLIENT, CT_SESSION, CT_RATE, CT_POLICY, CT_TERMS, CT_PAYER, CT_PACKAGE, CT_EXPIRES,
	CT_EXPIRED, CT_SIGNED, CT_MINUTES, CT_DURATION, CT_TIME, CT_CANCELLED_AT, CT_WAIVED,
	CT_BILL_TO, CT_PRICE, CT_N
};
struct client_tags {
	struct span v[CT_N];
	const struct vtags *vt;  /* clients_tags_of's: the values as the vocabulary parsed them
				  * (session kind, time, minutes...), not parsed again; else NULL */
};
void clients_tags(const struct txn *t, struct client_tags *tg);
/* The same from tags vocab_entry has read without error (one scan of the entry). */
void clients_tags_of(const struct vtags *vt, struct client_tags *tg);
enum session_kind {
	SESSION_NONE, SESSION_HELD, SESSION_CANCELLED, SESSION_LATE, SESSION_NOSHOW,
	SESSION_PROVIDER, SESSION_OTHER
};
struct clients;

struct clients *clients_new(const struct clients_opts *o);
void clients_free(struct clients *b);
/* A client by tag value or id (slugged); clients_get creates it. NULL for an empty name. */
struct client *clients_find(struct clients *b, struct span id);
struct client *clients_get(struct clients *b, struct span id);
/* The client of an entry's `client:` tag (created when new), or NULL. */
struct client *clients_of_tags(struct clients *b, const struct client_tags *tg);
size_t clients_count(const struct clients *b);
struct client *clients_at(const struct clients *b, size_t i); /* first-seen order */
/* The longest client ID (slug bytes): a longer one is refused, never cut. */
#define CLIENT_ID_MAX 200
/* Folds a name to an account slug: lowercase ASCII, accents dropped, blanks to '-'. */
size_t clients_slug(struct span in, char *buf, size_t size);
/* The entry's `session:` kind. */
enum session_kind clients_kind_of(const struct client_tags *tg);
/* A session's length from `minutes: N` or `duration: 50m|1h30m`: -1 absent, -2 malformed. */
long clients_minutes_of(const struct client_tags *tg);
/* The client's account to write postings to (its journal spelling, else PREFIX:ID). */
const char *client_account_name(struct clients *b, struct client *c, enum cacct which);
/*
 * The price of one session on date d: the latest rate on or before d; a per-hour rate is
 * pro-rated by minutes (rounded half away from zero at the commodity's precision).
 * 0; -1 no rate; -2 a per-hour rate and minutes < 0 (unknown); -3 overflow.
 */
int client_rate_at(const struct client *c, tdate d, long minutes, struct amount *price);
/* The `policy:` name in force on d, or NULL. */
const char *client_policy_at(const struct client *c, tdate d);
/* The payment terms in force on d (the latest `terms:` dated on or before d; of one date,
 * the last written), -1 when none. */
int client_terms_at(const struct client *c, tdate d);
/*
 * Package credit on date d, oldest package first. _next says what one session would take
 * (price / sessions, the last session takes what is left so the package sums exactly);
 * _take takes it (used++). Both false when no package has credit on d.
 */
bool client_package_next(struct client *c, tdate d, struct amount *price);
bool client_package_take(struct client *c, tdate d, struct amount *price);
/* Where the next session on d falls: session *n of a package of *m; false when none. */
bool client_package_place(const struct client *c, tdate d, long *n, long *m);
/* Sessions left in packages usable on d (d = DATE_NONE: ignoring expiry); money left too. */
long client_package_left(const struct client *c, tdate d, struct amount *money);
/* Marks a package lapsed; *left gets the credit that was left. -1 on overflow. */
int client_package_lapse(struct client *c, struct client_package *k, struct amount *left);
/*
 * Who pays (billto.c): `bill-to: ID` on a client's entry sends the client's sessions, from
 * the entry's date on, to ID's invoices and statements (`bill-to:` its own ID ends it).
 * A payer that has a payer passes the sessions on: client_payer_at follows the chain to the
 * client whose documents carry them (c itself when nobody else pays, or on a cycle).
 */
struct client_billto {
	tdate from;
	struct client *to;
	const char *file;     /* where the tag is (the book's copy of the name), for a cycle */
	long line;
	uint32_t pos;         /* the item's place in the input */
};
struct client *client_payer_at(const struct client *c, tdate d);
/*
 * For the commands that stream (tally-invoice, tally-statement, tally-aging): an entry's
 * `bill-to:` learnt into b (-1 with *e set on a bad value), and the ID of the client whose
 * documents carry the sessions id has on d (id itself when nobody else pays).
 */
int clients_observe_billto(struct clients *b, const struct jitem *it, const struct vtags *tg,
			   struct terr *e);
const char *clients_payer_id(struct clients *b, const char *id, tdate d);
/* Whether id pays for another client on some date (a household's or company's ID). */
bool clients_pays_for(struct clients *b, const char *id);
/*
 * Whose package credit a session of c on d takes: c's own first, else its payer's (one
 * pool for every client the payer pays for); NULL when neither has credit on d.
 */
struct client *client_package_owner(struct client *c, tdate d);
/* The deposit held (positive), true when there is one. */
bool client_deposit(const struct client *c, struct amount *held);
/* Takes up to *max (same commodity) from the deposit held into *taken. -1 on overflow. */
int client_deposit_take(struct client *c, const struct amount *max, struct amount *taken);

/* ---- the book (book.c, bookprice.c, spool.c) ---------------------------------------- */

/*
 * Entries take effect in date order (date, then `time:`, then position in the input),
 * whatever their order in the files. A command reads its input twice: pass 1 feeds every
 * item to book_add, which keeps the clients' terms and one compact record (48 bytes) per
 * session event or movement of package or deposit money; book_settle sorts the records and
 * prices every event in date order; pass 2 reads the input again and book_next hands out,
 * item by item, what the book decided. tally-bill writes the held sessions' postings,
 * tally-cancel the cancellations', from the same pricing (bookprice.c), so the two filters
 * commute. Standard input is spooled first (book_spool_stdin) so it can be read twice.
 */
struct book_opts {
	struct clients_opts accts;
	const char *policy_file;  /* --policy FILE: every client's policy; NULL: by `policy:` */
	const char *policy_dir;   /* --policies DIR; NULL: policy_sharedir("policies") */
	bool check_policies;      /* a `policy:` naming no usable policy is an error at it */
	bool report_only;         /* no book_copy and no package places ("session n of m") will
				   * be asked for (tally-check, tally-sessions): pass 1 keeps
				   * neither where the dates step up nor where sessions fall */
};
/* Why an event could not be priced (book_error says it at the event's line). */
enum book_rc {
	BR_OK, BR_NO_CLIENT, BR_NO_RATE, BR_NO_MINUTES, BR_BAD_MINUTES, BR_TOO_LARGE,
	BR_NO_STAMP, BR_BAD_STAMP, BR_NO_TIME, BR_BAD_TIME, BR_FEE_NO_RATE, BR_FEE_PER_HOUR
};
/* What one event costs and consumes, as if every earlier event had been priced. */
struct book_price {
	struct client *c;         /* NULL: no client */
	struct client *owner;     /* whose prepaid credit `package` took: c, or c's payer */
	enum session_kind kind;   /* SESSION_NONE for a movement of money */
	bool unpriced;            /* a session event with no postings: a filter writes them */
	bool waived;              /* the event carries `waived:` (a held one: given free) */
	int rc;                   /* enum book_rc */
	bool write;               /* postings to write (unpriced events with a cost) */
	bool package;             /* one package session taken (held, forfeited, or by hand) */
	bool over;                /* held, paid at the rate after a package ran out */
	long pk_n, pk_m;          /* package: session pk_n of a package of pk_m (date order) */
	bool grace;               /* a cancellation waived by the policy's grace: tag it */
	long grace_n;             /* the waiver's number in the grace window */
	bool capped, has_price;
	bool group;               /* one attendee of a group session: tally-bill writes it all */
	long lapsed;              /* sessions lapsed by an `expired:` entry */
	long bought;              /* sessions bought by a `package:` entry of this client */
	tdate date;               /* the event's date */
	bool nonl;                /* its last line has no newline: write one before more lines */
	long notice;              /* cancellations: minutes of notice; -1 unknown */
	int start;                /* the session's `time:` in minutes; -1 unknown */
	const struct policy *policy; /* the policy applied (cancellations, waived sessions) */
	struct amount price;      /* a held session's price; a percent fee's base */
	struct amount fee;        /* a cancellation's fee, or the forfeited package session */
	struct amount deposit;    /* taken from the deposit held */
};
/* A package's credit recognised when it expired (by tally-bill, or by an `expired:` entry). */
struct book_lapse {
	struct client *c;
	tdate expires;            /* the expiry date (the entry's date when by_entry) */
	long sessions;            /* sessions left */
	struct amount left;       /* credit left */
	bool by_entry;
};
struct book;
/* NULL with *e set when the --policy file cannot be used. */
struct book *book_new(const struct book_opts *o, struct terr *e);
void book_free(struct book *b);
struct clients *book_clients(struct book *b);
/* The client: of the entry the book was given last (pass 1's hooks), NULL: none. */
struct client *book_client(const struct book *b);
/*
 * Pass 1: call for every item journal_next hands out, bad ones (NULL) included, so that
 * positions match in pass 2. -1 with *e set on a bad tag, an amount too large, or (with
 * check_policies) an unknown policy.
 */
int book_add(struct book *b, const struct jitem *it, struct terr *e);
/*
 * Pass 1, the one loop of every command with a book (booklearn.c): every item of the files
 * to the book, each entry's tags read once through the vocabulary. What differs between the
 * commands is in the hooks, each optional: item sees every item read, entry each good entry
 * before the book has it (-1 leaves the entry out as bad), added each item the book has
 * after it has it (vt, tg: a good entry's tags, else NULL).
 * Every problem (the reader's, the vocabulary's, the book's, the hooks' through
 * book_problem) is deferred at its item for pass 2 (book_deferred), in the order found.
 * Returns 1 when there was one, else 0.
 */
struct book_pass {
	tdate limit;     /* entries dated on or after it count as positions only; DATE_NONE */
	int flags;       /* journal_open's */
	bool every;      /* every problem of an entry's tags (tally-check), not only the first */
	bool book_only;  /* keep the book's own problems only: a document says the others */
	void (*item)(struct book *b, const struct jitem *it, void *arg);
	int (*entry)(struct book *b, const struct jitem *it, const struct vtags *vt, void *arg);
	void (*added)(struct book *b, const struct jitem *it, const struct vtags *vt,
		      const struct client_tags *tg, void *arg);
	void *arg;
	tdate last;      /* set: the latest date of an entry read before limit; DATE_NONE */
};
int book_learn(struct book *b, char *const *files, size_t nfiles, struct book_pass *p);
/* From a hook: a problem of the item being read, deferred there. */
void book_problem(struct book *b, const struct terr *e);
/* The same with the entry's tags already read (clients_tags or clients_tags_of). */
int book_add_tags(struct book *b, const struct jitem *it, const struct client_tags *tg,
		  struct terr *e);
/*
 * Sorts the events and prices them in date order. Packages expiring before `until`
 * (DATE_NONE: the latest entry's date) lapse. Then rewinds for pass 2. Returns how many
 * problems it found (a `bill-to:` cycle), deferred to their items like pass 1's.
 */
int book_settle(struct book *b, tdate until);
/* Pass 2: the same items in the same order. 1 with *r filled for a book event, else 0. */
int book_next(struct book *b, const struct jitem *it, struct book_price *r);
/*
 * Pass 2 without the items: the first record of the next item that has one (then its
 * others by book_next_more); 0 after the last. What was decided only: no package place
 * (pk_n, pk_m), policy or amounts. book_rewind starts pass 2 over.
 */
int book_next_event(struct book *b, struct book_price *r);
void book_rewind(struct book *b);
/*
 * After book_next gave 1: the item's further records (a package split over clients, a
 * group session's next attendee).
 */
int book_next_more(struct book *b, struct book_price *r);
/*
 * Pass 1's errors, said in the input's order: book_defer keeps one for the item just added;
 * in pass 2, book_deferred hands out those of the items book_next has passed (all: the
 * rest), NULL when none is due.
 */
void book_defer(struct book *b, const struct terr *e);
const struct terr *book_deferred(struct book *b, bool all);
/* r->rc as an error at the item's line. */
void book_error(const struct book_price *r, const struct jitem *it, struct terr *e);
/* The next lapse by expiry (not by an entry) dated before d, once each; NULL: none. */
const struct book_lapse *book_lapse_before(struct book *b, tdate d);
size_t book_nlapses(const struct book *b);
const struct book_lapse *book_lapse_at(const struct book *b, size_t i);
/*
 * Pass 2 without reading items again: when every event is priced without error and pass 1
 * knew where each one is (book_can_copy), book_copy copies the input's bytes to o and calls
 * event() after each unpriced event (to write its lines) and lapse() where an expiry goes;
 * both return true when they wrote whole lines.
 * -1 with *e set when a file changed between the passes or cannot be read.
 */
bool book_can_copy(const struct book *b);
/* Whether every unpriced session event could be priced (after book_settle). */
bool book_priced_all(const struct book *b);
/* Whether book_copy would call event() or lapse() at all: false, its copy is the input. */
bool book_copy_inserts(const struct book *b);
/* The files are still those pass 1 read (same file, size and time): else -1 with *e set. */
int book_unchanged(const struct book *b, struct terr *e);
int book_copy(struct book *b, struct out *o,
	      bool (*event)(void *arg, struct out *o, const struct book_price *r),
	      bool (*lapse)(void *arg, struct out *o, const struct book_lapse *l), void *arg,
	      struct terr *e);
/* The policy for client c on d: --policy, else its `policy:` then; NULL: none. */
const struct policy *book_policy(struct book *b, const struct client *c, tdate d);
/*
 * The files pass 1 will read (journal_open's list, kept until book_free); standard input is
 * made readable twice when a file is "-": spooled to an unlinked temporary file unless it
 * is a regular file already. Call before pass 1. -1 with *e set.
 */
int book_input(struct book *b, char *const *files, size_t n, struct terr *e);
/* Before pass 2: standard input back to where it started. */
int book_rewind_stdin(char *const *files, size_t n, struct terr *e);
/* Makes standard input readable again later (before a first pass that is not the book's). */
int book_spool_stdin(char *const *files, size_t n, struct terr *e);
/*
 * The book for a document (bookmeter.c): pass 1 over the entries dated before end
 * (DATE_NONE: all), settled; standard input rewound, so the document's own reading is
 * pass 2 (book_next). Bad items count as positions only. NULL with *e set.
 */
struct book *book_read_until(char *const *files, size_t n, const struct clients_opts *accts,
			     tdate end, struct terr *e);
/* Package sessions the client has left on asof, in date order; -1: no package bought by then. */
long book_package_left(struct book *b, const char *client, tdate asof);

/* ---- session counts per client (sesscount.c) ---------------------------------------- */

/*
 * tally-sessions' figures: a row per client (by struct client's index) of sessions held,
 * cancelled on time or late, no-shows, provider cancellations, signed and unsigned, package
 * sessions bought, used, left and over (held after the credit ran out), given free; and the
 * warnings its packages call for.
 */
enum {
	SC_HELD, SC_CANCELLED, SC_LATE, SC_NOSHOW, SC_PROVIDER, SC_SIGNED, SC_UNSIGNED, SC_BOUGHT,
	SC_USED, SC_LEFT, SC_OVER, SC_FREE, SC_N
};
struct scount_row {
	long n[SC_N];
	bool active;      /* shown: something happened in the period */
	bool expired;     /* a package expired in the period: "used up" would mislead */
	char **warn;
	size_t nwarn;
};
struct scounts {
	struct scount_row *rows;
	size_t nrows;
};
struct scount_opts {
	tdate begin, end;     /* the period, [begin, end); DATE_NONE: open */
	const char *only;     /* --client's slug, or NULL */
};
/* Client c's row, made (zero) when new (scounts_grow); rows may move. */
struct scount_row *scounts_grow(struct scounts *s, const struct client *c);
static inline struct scount_row *
scounts_row(struct scounts *s, const struct client *c)
{
	return c->index < s->nrows ? &s->rows[c->index] : scounts_grow(s, c);
}
void scounts_warn(struct scount_row *r, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Back to no figures (scounts_free: and no rows). */
void scounts_reset(struct scounts *s);
void scounts_free(struct scounts *s);
/* Packages that expired in the period with sessions left (by date or by an `expired:`). */
void scounts_expiries(struct scounts *s, struct book *b, const struct scount_opts *o);
/* The clients to show (*out, sorted by ID, freed by the caller): package_left at asof and
 * the packages' warnings added. Returns how many. */
size_t scounts_report(struct scounts *s, struct book *b, tdate asof, const struct scount_opts *o,
		      struct client ***out);

/* ---- the lines the pricing filters write (pricewrite.c) ------------------------------ */

/*
 * What tally-bill and tally-cancel add to an unpriced event, from what the book decided:
 * one writer each, shared, so that tally month prices both in one reading and writes what
 * the two filters write one after the other.
 */
struct price_accts {
	const char *income;       /* held sessions (tally-bill --income) */
	const char *fee_income;   /* cancellations and a group's absences */
	const char *lapse_income; /* expired package credit; NULL: income */
};
/* tally-bill's: a held session's postings, or a group attendee's absence. */
void price_write_held(struct out *o, struct clients *cl, const struct book_price *r,
		      const struct price_accts *a);
/* tally-bill's: the entry that recognises an expired package's credit left. */
void price_write_lapse(struct out *o, struct clients *cl, const struct book_lapse *l,
		       const struct price_accts *a);
/*
 * tally-cancel's: a cancellation's waiver line or postings, as whole lines in a new buffer
 * of *len bytes (free it).
 */
char *price_cancel_lines(struct clients *cl, const struct book_price *b,
			 const struct price_accts *a, size_t *len);
/* The waiver's tag text: "first offense", "offense 2 of 3", "... in 6 months". */
void price_waiver_text(char *buf, size_t size, const struct policy *p, long k);

/* ---- outside text made safe for a journal (jtext.c) ---------------------------------- */

/*
 * Where a piece of outside text (bank CSV, calendar, free text) is written. Or-ed with
 * JTEXT_INNER when the text follows other text on the same line (no leading-character rule;
 * a ':' at its start counts as following a word).
 */
enum {
	JTEXT_DESC = 1,      /* an entry's description (payee) on the header line */
	JTEXT_CODE = 2,      /* inside "(CODE)" on the header line */
	JTEXT_COMMENT = 3,   /* comment text after "; " (header, posting or its own line) */
	JTEXT_TAG = 4,       /* a tag's value after "key: " */
	JTEXT_ACCOUNT = 5,   /* part of an account name */
	JTEXT_INNER = 0x100,
};
/* The room dst needs for n bytes of source text (NUL included). */
#define JTEXT_SIZE(n) (2 * (n) + 2)
/*
 * Writes src as plain text for that place into dst (JTEXT_SIZE(n) bytes), NUL-terminated;
 * returns the length. Controls (CR, LF, TAB, NUL...) and line separators become spaces,
 * blank runs one space (a description keeps its runs of plain spaces, as hledger does),
 * ends trimmed; ';' becomes ',' outside comments; a ':' right after a word in a comment gets a space before it (no "key: value" or ":tag:"); a tag value's ','
 * (which would end it) becomes ';'; a leading * ! ( = @ ~ (description), = @ ~ (comment,
 * tag) or ( [ (account: no virtual posting) gets a ' before it; a code's parentheses
 * become brackets. See docs/rules.md.
 */
size_t journal_text_safe(char *dst, const char *src, size_t n, int where);

/* ---- the string map (strmap.c) ------------------------------------------------------ */

/*
 * Byte-string keys (copied; NULs allowed), each numbered 0, 1, 2... in order of first
 * insertion: callers keep their data in arrays indexed by that number. One pointer per key
 * for callers that prefer it.
 */
struct strmap;
struct strmap *strmap_new(void);
/* The key's number, or -1 when it is not there. */
long strmap_find(const struct strmap *m, const void *key, size_t n);
/* The key's number, adding it when absent (then *added is true; added may be NULL). */
size_t strmap_add(struct strmap *m, const void *key, size_t n, bool *added);
size_t strmap_count(const struct strmap *m);
/* Key number i (NUL-terminated; *n its length); valid until the next strmap_add. */
const char *strmap_key(const struct strmap *m, size_t i, size_t *n);
void **strmap_value(struct strmap *m, size_t i);  /* NULL until set */
/* Frees the map, and each value with freeval when it is not NULL. */
void strmap_free(struct strmap *m, void (*freeval)(void *));

/* ---- already imported (dedup.c) ------------------------------------------------------ */

/*
 * What a journal already holds, so an import does not write a bank row twice: one record
 * per posting (to the accounts the rules can give a first posting), used up by one row.
 */
struct dkey {
	tdate date;
	uint64_t acctamt;      /* digest of the account (brackets ignored) and the amount */
	uint64_t desc, code;   /* digests of the text compared trimmed, case-folded; 0 = empty */
};
struct dedup;
struct dedup *dedup_new(void);
/* Only postings to these accounts are recorded (n < 0: all); the names must outlive d. */
void dedup_accounts(struct dedup *d, const char *const *names, const size_t *lens, long n);
void dedup_observe(struct dedup *d, const struct jitem *it);
/* The digest of a description or code: blanks collapsed, ASCII case-folded, up to a ';'. */
uint64_t dedup_text(const char *s, size_t n);
void dedup_key(struct dkey *k, tdate d, const char *acct, size_t n, const struct amount *amt,
	       const char *desc, size_t dn, const char *code, size_t cn);
void dedup_add(struct dedup *d, const struct dkey *k, const char *file, long line);
/* Uses up an unused record of this row (same date, account, amount, description or code). */
bool dedup_take(struct dedup *d, const struct dkey *k, const char **file, long *line);
/* The same within `days` of the row's date (same description, not the same day). */
bool dedup_take_near(struct dedup *d, const struct dkey *k, int days, const char **file,
		     long *line, tdate *date);
void dedup_free(struct dedup *d);

/* ---- CSV input (csvin.c) ------------------------------------------------------------- */

/*
 * Bank exports read a record at a time through libcsv (strict: a stray quote is an error).
 * A UTF-8 BOM is dropped; Latin-1 input is converted to UTF-8, other bytes must be UTF-8.
 * Empty and blank lines between records are not records.
 */
enum { CSVIN_UTF8 = 0, CSVIN_LATIN1 = 1 };
struct csvrec {
	const char *const *f;  /* the fields, NUL-terminated; valid until the next csvin_next */
	const size_t *len;
	size_t nf;
	long line;             /* the line the record starts on */
	const char *file;
};
struct csvin;
/* path "-" is standard input ("<stdin>" in messages); sep 0 means ','. */
struct csvin *csvin_open(const char *path, int sep, int encoding, struct terr *e);
/* 1 with *r filled, 0 at the end, -1 with *e set (FILE:LINE). */
int csvin_next(struct csvin *c, struct csvrec *r, struct terr *e);
/* Can iconv convert from charset to UTF-8? If not, why says so. */
bool csvin_charset_ok(const char *charset, char *why, size_t whysize);
/*
 * Reads the input as charset (an iconv name), converting it to UTF-8 first (into a
 * temporary file: memory stays small). Call before the first csvin_next. -1 with *e set
 * (FILE:LINE) on bytes that are not charset.
 */
int csvin_charset(struct csvin *c, const char *charset, struct terr *e);
/* Skips the next n non-blank lines unparsed (a top-level `skip`: headers, notes). */
void csvin_skip(struct csvin *c, long n);
const char *csvin_name(const struct csvin *c);
void csvin_close(struct csvin *c);

/* ---- regular expressions (regex.c) --------------------------------------------------- */

/* PCRE2, compiled once: case-insensitive, UTF-8, JIT where available, with a match limit. */
struct regex;
/* NULL with a message in why when the pattern is bad. */
struct regex *regex_compile(const char *pat, size_t n, char *why, size_t whysize);
/* 1 match, 0 no match, -1 the match limit was hit. */
int regex_match(const struct regex *r, const char *s, size_t n);
/*
 * Matches and gives capture group k (1-based; empty when it took no part) in *start, *len.
 * Returns the pattern's number of groups (0 when it does not match), -1 at the match limit.
 */
int regex_group(const struct regex *r, const char *s, size_t n, int k, size_t *start, size_t *len);
void regex_free(struct regex *r);
/*
 * Replaces every match of r in s by repl (PCRE2's syntax: ${1} for a group) into a new
 * NUL-terminated *out (free it). 1 replaced, 0 no match (*out untouched), -1 error.
 */
int regex_replace(const struct regex *r, const char *s, size_t n, const char *repl, size_t rn,
		  char **out, size_t *outlen);

/* ---- hledger query terms (query.c) ------------------------------------------------- */

/*
 * `date:PERIOD` or `date:A..B`, `acct:RE` (or a bare RE), `desc:RE`, `payee:RE`, `code:RE`,
 * `cur:RE`, `amt:[<|<=|>|>=|=]N` (no sign: the magnitude), `tag:NAME[=RE]`, `status:[*!]`,
 * `note:`, `date2:`, `sym:`, `real:[0]`, each possibly after `not:`. Any desc, any acct,
 * any status term must match, and all the others (hledger's rule).
 */
struct query;
/* NULL with *e set ("bad query term TERM: why", no position) on a bad term. */
struct query *query_parse(char *const *terms, size_t n, struct terr *e);
void query_free(struct query *q);
bool query_empty(const struct query *q);
/* The smallest depth:N given (the report folds deeper accounts, as --depth), or 0. */
int query_depth(const struct query *q);
/* Whether posting p of t matches (p NULL: an entry without postings). */
bool query_posting(const struct query *q, const struct txn *t, const struct posting *p);
/*
 * Whether the entry t matches as hledger's print reads a query: each term on the entry as
 * a whole, a posting term holding when any posting holds it (an event: as one posting).
 */
bool query_txn(const struct query *q, const struct txn *t);
/* The same without the date: terms, for a report that took them as its period. */
bool query_txn_undated(const struct query *q, const struct txn *t);
/* Narrows [*begin, *end) (DATE_NONE: open) to the date: terms, as -p narrows it. */
void query_period(const struct query *q, tdate *begin, tdate *end);
/*
 * A report's operands: those naming an existing file or "-", or looking like a path (a '/'
 * or a journal's extension: then reported missing), are journals; the others are query
 * terms; with have_f (-f given) all are terms. *ops (free it) gets the journals.
 * -1 with *e set on a bad term.
 */
int query_operands(int argc, char **argv, bool have_f, char ***ops, size_t *nops,
		   struct query **q, struct terr *e);

/* ---- CSV rules (rules.c) ------------------------------------------------------------- */

/*
 * hledger's CSV conversion rules (the subset in docs/rules.md). rules_apply turns one CSV
 * record into an entry whose strings live in the rules' scratch space until the next call.
 */
struct ramount {
	struct amount a;
	bool left, space;      /* symbol side and spacing, as the CSV wrote it */
	char dec;              /* decimal mark as the CSV wrote it */
	int price;             /* 0 none, 1 "@ unit price", 2 "@@ total price" */
	struct amount pa;      /* the price, written in the same way as the amount */
	bool pleft, pspace;
	char pdec;
};
struct rposting {
	const char *account;   /* as assigned: "(acct)" and "[acct]" keep their brackets */
	size_t account_len;
	bool has_amt, has_bal;
	struct ramount amt, bal;  /* bal: a balance assertion (or assignment without amt) */
	const char *comment;   /* may hold newlines; NULL when none */
};
struct rtxn {
	tdate date, date2;     /* date2 is DATE_NONE when absent */
	char status;           /* 0, '*' or '!' */
	const char *code, *desc, *comment;  /* NULL when not assigned */
	size_t code_len, desc_len;
	struct rposting *p;
	size_t np;
	const struct csvrec *record;
	const char *balance_op;  /* "=", "==", "=*" or "==*" (balance-type) */
};
struct rules;
enum { RULES_SKIP = 0, RULES_ROW = 1, RULES_END = 2 };
/* NULL with *e set (FILE:LINE and the rule) when the file cannot be used. */
struct rules *rules_load(const char *path, struct terr *e);
/* The separator: the rule's, else from the CSV's extension (.tsv, .ssv), else ','. */
int rules_separator(const struct rules *r, const char *csvpath);
int rules_encoding(const struct rules *r);
/* The `encoding` to convert from through iconv (cp1252, ISO-8859-15, UTF-16...), or NULL. */
const char *rules_charset(const struct rules *r);
long rules_skip(const struct rules *r);       /* header records to skip */
bool rules_newest_first(const struct rules *r);
bool rules_intraday_reversed(const struct rules *r);  /* each day's rows in reverse order */
/*
 * The accounts an entry's first posting can have when no record changes them (literal
 * account1 values, or the unknown accounts): their count, or -1 when one depends on the
 * record, is empty, or there are more than max.
 */
long rules_first_accounts(const struct rules *r, const char **names, size_t *lens, size_t max);
/* RULES_ROW with *t filled, RULES_SKIP, RULES_END (this and later records are skipped), -1. */
int rules_apply(struct rules *r, const struct csvrec *rec, struct rtxn *t, struct terr *e);
/*
 * The data file a `source` rule names (when no CSV is named): 0 when there is no source
 * rule, 1 with *path (malloc'd), -1 with *e set (no file matches, or a data command, which
 * tally does not run). journaldir: the main journal's directory (its data/ is searched), or
 * NULL. oldest: the oldest match (an archiving import), else the newest.
 */
int rules_source_file(const struct rules *r, const char *journaldir, bool oldest, char **path,
		      struct terr *e);
bool rules_archive(const struct rules *r);
/* Keeps a copy of an imported data file in data/archive/ (RULES.MODDATE.EXT), removes it. */
int rules_archive_file(const struct rules *r, const char *datafile, const char *journaldir,
		       struct terr *e);
/* Writes an amount as parsed (no digit groups); a zero keeps its symbol ("$0"). */
size_t ramount_format(char *buf, size_t size, const struct ramount *a);
void rules_free(struct rules *r);

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

/* ---- mail (mail.c) ------------------------------------------------------------------ */

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
/* The page size in points; -1 for an unknown paper name. */
int pdf_paper(const char *name, double *w, double *h);
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

/* ---- tally-import's entries as journal text (importwrite.c) ---- */

/* A growable text buffer, always NUL-terminated. */
struct buf {
	char *p;
	size_t n, cap;
};
void buf_grow(struct buf *b, size_t n);
static inline void
buf_put(struct buf *b, const char *s, size_t n)
{
	if (b->n + n + 1 > b->cap)
		buf_grow(b, n);
	memcpy(b->p + b->n, s, n);
	b->n += n;
	b->p[b->n] = '\0';
}
void buf_puts(struct buf *b, const char *s);
/* An amount in the journal's style (symbol side, decimal mark) when journal_style, else the CSV's. */
void import_amount(struct buf *b, const struct ramount *ra, bool journal_style);
/* One row's entry into b (emptied first): tags after the header, a split over invoices. */
void import_render(struct buf *b, const struct rtxn *t, const char *acct2, const char *tags,
		   const struct pmatch *split, bool journal_style);

#endif
