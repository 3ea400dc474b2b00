/* tally's library: reading a journal: entries, the vocabulary, accounts (included by tally.h). */
#ifndef TALLY_JOURNAL_H
#define TALLY_JOURNAL_H

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
	bool cr;              /* JOURNAL_CR: text may hold a CR (false: it holds none) */
};

struct journal;

/* Reader options. */
enum {
	JOURNAL_NO_INCLUDE = 1,   /* pass include lines through without reading the files */
	JOURNAL_NO_BALANCE = 2,   /* don't infer elided amounts or check that entries balance */
	JOURNAL_CHECK_ASSERT = 4, /* check balance assertions (keeps a running balance) */
	JOURNAL_CR = 8,           /* note the items that may hold a CR (struct jitem's cr) */
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
 * journal_split with work of the caller's on the second half, for a caller whose work per
 * entry sums (income per client and month): part_new(arg) makes the second half's state;
 * observe(part, item) gets each item the second thread reads (it runs there: it may touch
 * nothing shared); at the cut, when the halves are summed, merge(arg, part, map) adds the
 * part into the caller's state, map[i] the caller's commodity id for the part's id i;
 * part_free(part) frees it whatever happened. observe or merge returning -1 makes the
 * halves fall back to the in-order reading (journal_next returns the second half's items
 * too), and a merge that fails must have changed nothing. As for journal_split, the
 * journal is opened with JOURNAL_CHECK_ASSERT (the halves' balances are summed too).
 */
struct split_work {
	void *(*part_new)(void *arg);
	int (*observe)(void *part, const struct jitem *it);
	int (*merge)(void *arg, void *part, const int *map);
	void (*part_free)(void *part);
	void *arg;
};
bool journal_split_work(struct journal *j, const struct split_work *w);

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
	/* accounts.c: what tells a posting's account without reading its name (name_ends) */
	size_t len;
	uint64_t head, tail;  /* the name's first and last eight bytes */
	uint64_t mid[2];      /* a name of 17 to 32 bytes: the words at 8 and at len - 16 */
	struct bal *bal;
	size_t nbal;
	char *name;
	size_t cap;
};
struct accounts;

struct accounts *accounts_new(void);
struct account *accounts_get(struct accounts *t, const char *name, size_t len);
struct account *accounts_find(const struct accounts *t, const char *name, size_t len);
/* Adds an amount to an account's balance; -1 on overflow. */
int account_add(struct account *a, const struct amount *amt);
/* The balance in one commodity (zero when none). */
struct amount account_balance(const struct account *a, int com);
/*
 * An entry's postings to their accounts in order, each checked against its balance
 * assertion: 0, or *at the posting that failed: -1 its account's balance overflowed, 1
 * its assertion does not hold.
 */
int accounts_post(struct accounts *t, const struct posting *p, size_t np, size_t *at);
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

#endif
