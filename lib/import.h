/* tally's library: outside text, CSV, rules, queries (included by tally.h). */
#ifndef TALLY_IMPORT_H
#define TALLY_IMPORT_H

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
	bool account_line;     /* the account is one line with nothing to strip (put as it is) */
	bool has_amt, has_bal;
	struct ramount amt, bal;  /* bal: a balance assertion (or assignment without amt) */
	const char *comment;   /* may hold newlines; NULL when none */
};
struct rtxn {
	tdate date, date2;     /* date2 is DATE_NONE when absent */
	char status;           /* 0, '*' or '!' */
	const char *code, *desc, *comment;  /* NULL when not assigned */
	size_t code_len, desc_len;
	bool desc_line;        /* desc is one line with nothing to strip (put as it is) */
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

/* ---- tally-import's entries as journal text (importwrite.c) ---- */

struct pmatch;  /* a payment matched to invoices (docs.h, match.c) */

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
/* One row's entry, added to b: tags after the header, a split over invoices. */
void import_render(struct buf *b, const struct rtxn *t, const char *acct2, const char *tags,
		   const struct pmatch *split, bool journal_style);

#endif
