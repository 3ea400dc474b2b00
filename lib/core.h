/* tally's library: errors, commodities, amounts, dates and tags (included by tally.h). */
#ifndef TALLY_CORE_H
#define TALLY_CORE_H

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
/* tag_find in first, else in then (a posting's comments, then its entry's). */
bool tag_find_either(struct span first, struct span then, const char *key, struct span *value);
/* Calls fn for every tag in the comment; stops early when fn returns nonzero. */
int tag_each(struct span comment, int (*fn)(struct span key, struct span value, void *arg),
	     void *arg);

#endif
