/*
 * rules-int.h: what the parts of the CSV rules share (rules.c: the rules and their
 * lifecycle; rules-parse.c: reading a rules file; rules-match.c: the blocks a record matches;
 * rules-apply.c: a record through the rules; csvdate.c and csvamount.c: a CSV's dates and
 * amounts). Not part of the public API.
 */
#ifndef RULES_INT_H
#define RULES_INT_H

#include "tally.h"

/* ---- journal field names ---- */

enum {
	RF_DATE, RF_DATE2, RF_STATUS, RF_CODE, RF_DESC, RF_COMMENT, RF_CURRENCY, RF_AMOUNT,
	RF_AMOUNT_IN, RF_AMOUNT_OUT, RF_BALANCE, RF_SKIP, RF_END, RF_BASE
};
/* Numbered families: account1..99, amount1..99, amountN-in, amountN-out, balanceN, ... */
enum { K_ACCOUNT, K_AMOUNT, K_AMOUNT_IN, K_AMOUNT_OUT, K_BALANCE, K_COMMENT, K_CURRENCY, K_N };
#define MAXPOST 99
#define RF_N(kind, n) (RF_BASE + (kind) * 100 + (n))
#define RF_COUNT (RF_BASE + K_N * 100)

/* ---- templates, blocks and the rules ---- */

struct tpart {
	int field;            /* CSV field index, or -1 for literal text */
	const char *p;        /* literal text, or the reference's name while unresolved */
	size_t n;
	bool ref;             /* a %reference (resolved after the whole file is read) */
	bool paren;           /* written %(name) */
	bool missing;         /* a reference to no field: kept as written, as hledger 1.25 */
	int group;            /* \N: a match group of the block's patterns, 0: none */
};

struct template {
	char *text;
	struct tpart *parts;
	size_t nparts;
	/* Worked out once the fields are known (rules.c), so most values need no rendering: */
	int kind;             /* TK_ANY, TK_TEXT (no reference) or TK_FIELD (one %field) */
	char *plain;          /* TK_TEXT: the text as a value outside a comment, stripped */
	size_t plainn;
	char *ctext;          /* TK_TEXT: the same in a comment ("\n" a line break) */
	size_t ctextn;
	bool missing;         /* TK_TEXT: it names a field that does not exist */
	bool line;            /* TK_TEXT: plain is one line (no CR, no LF), not empty */
	bool groups;          /* it has \N match groups */
};
enum { TK_ANY, TK_TEXT, TK_FIELD };

struct assign {
	int field;
	struct template t;
	long line;
	const char *file;
};

struct matcher {
	bool and;             /* "&&" or "&": and-ed with the previous matcher */
	bool not;             /* "!": matches when the pattern does not */
	bool ref;             /* %field matcher */
	char *fname;          /* its name while unresolved */
	int field;            /* CSV field index, -1: whole record, -2: no such field */
	char *text;           /* the pattern text, for messages */
	struct regex *re;
	struct litpat *lit;   /* plain words matched without PCRE2 (rules-lit.c), or NULL */
	size_t litid;         /* its place in litres */
};

struct block {
	struct matcher *m;
	size_t nm;
	struct assign *a;
	size_t na;
	long line;
};

struct flist {                /* blocks that assign one field, in file order */
	size_t *blk, *asg;
	long *quick;          /* per block: 2 * litid + not when its one matcher is plain words,
	                       * else -1 (rules_match_index) */
	size_t n, cap;
	/* When every block is quick and their plain-word matchers are numbered below 64 in
	 * block order: bit litid set for each (ids), and for those negated with "!" (nots). */
	uint64_t ids, nots;
};

/* Scratch memory for one record: chunks that never move, rewound per record. */
struct chunk {
	char *p;
	size_t used, cap;
};

struct rules {
	char **fnames;        /* CSV field names from `fields`, lower-cased; "" = unnamed */
	size_t nfields;
	struct assign *top;   /* top-level assignments in file order (fields list included) */
	size_t ntop, captop;
	struct block *blk;
	size_t nblk, capblk;
	int toplast[RF_COUNT];  /* index of the last top-level assignment per field, or -1 */
	struct flist bylist[RF_COUNT];
	bool fset[RF_COUNT];    /* assigned at the top level or in a block: one byte to test */
	unsigned char fplace[RF_COUNT];  /* where its text goes (JTEXT_*, 0: not text) */
	/* A field only the top level assigns, with text and no reference, outside a comment:
	 * its template, answered without a call (rules-apply.c's value). */
	const struct template *ftext[RF_COUNT];
	int maxpost;

	long skip;
	int sep;
	int encoding;
	char *charset;        /* an iconv name for `encoding` beyond UTF-8 and Latin-1 */
	char decmark;         /* 0: guess like hledger */
	bool newest_first;
	bool intraday_reversed;  /* each day's rows are in reverse order */
	char *source;         /* the `source` rule's value, NULL when none */
	const char *source_file;  /* the rules file it is in (for positions and paths) */
	long source_line;
	bool archive;         /* the `archive` rule */
	int tzin;             /* `timezone`: minutes east of UTC, or CSVDATE_NOZONE */
	const char *balance_op;  /* balance-type: "=" (NULL), "==", "=*" or "==*" */
	char *date_format;
	const char *date_format_file;
	long date_format_line;
	char **files;         /* names of the rules files read, for positions */
	size_t nfiles;

	/* per record */
	signed char *bmatch;  /* per block: -1 unknown, 0, 1 */
	const struct csvrec *rec;
	char *whole;          /* the record's fields joined by commas */
	size_t wholelen, wholecap;
	bool whole_done;
	struct chunk *ch;
	size_t nch, curch;
	struct litset *lits;  /* per subject (field; the whole record last): plain-word patterns */
	size_t nlits;
	signed char *litres;  /* per plain-word matcher: 1, 0, -1 (PCRE2 decides), -2 unknown */
	size_t nlitres;
	/* The same answers as bits, for matchers numbered below 64: answered, 1, -1. */
	uint64_t lit_done, lit_yes, lit_pcre;
	char *tmp;            /* a growable buffer for rendering */
	size_t tmpcap;
	struct rposting post[MAXPOST];
	bool unresolved;      /* the last value rendered named a field the record lacks */
	bool line;            /* the last value is a TK_TEXT template's one-line plain text */
	/* The record's last amount read (currency + value text): posting 2 reads the same
	 * unnumbered amount as posting 1, and is given it without a second parse. */
	/* The unnumbered amount fields' values (amount, -in, -out): postings 1 and 2 read the
	 * same, rendered once per record (uv_ok). */
	struct { const char *s; size_t n; int rc; bool unresolved; } uv[3];
	bool uv_ok;
	const char *am_cur, *am_v;
	size_t am_curn, am_vn;
	bool am_ok;
	struct ramount am;
	/* The last date text read and its date: a bank's rows come a day's worth at a time. */
	char date_s[32];
	size_t date_n;        /* 0: none */
	tdate date_v;
	long skipping;        /* records still to skip after a block's `skip N` */
	bool ended;
};


/* ---- shared by the parts (rules.c) ---- */

extern const char *const rules_base_names[RF_BASE];
/* The field id of a journal field name, or -1. */
int rules_field_id(const char *s, size_t n);
/* "amount2-in": a field id's name, for messages. */
const char *rules_field_label(int f, char *buf, size_t size);
bool rules_assigned(const struct rules *r, int f);
bool rules_is_blank(int c);
/* Strips isspace() of the C locale (no command sets another) from both ends. Inline: it
 * runs for every value of every record. */
static inline void
rules_strip(const char **s, size_t *n)
{
	const char *p = *s;
	size_t k = *n;

	/* Every such byte is at most ' ': one test answers for the rest. */
	while (k && (unsigned char)*p <= ' ' && (*p == ' ' || (*p >= '\t' && *p <= '\r')))
		p++, k--;
	while (k && (unsigned char)p[k - 1] <= ' ' &&
	       (p[k - 1] == ' ' || (p[k - 1] >= '\t' && p[k - 1] <= '\r')))
		k--;
	*s = p;
	*n = k;
}
bool rules_name_char(unsigned char c);
void rules_lower(char *s);
/* Scratch memory for one record: never moves, rewound for every record. */
char *rules_scratch_more(struct rules *r, size_t n);
static inline char *
rules_scratch(struct rules *r, size_t n)
{
	if (r->curch < r->nch) {  /* the usual case: room in the current chunk */
		struct chunk *c = &r->ch[r->curch];

		if (c->cap - c->used >= n) {
			char *p = c->p + c->used;

			c->used += n;
			return p;
		}
	}
	return rules_scratch_more(r, n);
}
void rules_scratch_reset(struct rules *r);
char *rules_scratch_dup(struct rules *r, const char *s, size_t n);
/* Reads a rules file into r (rules-parse.c); includes nest up to depth 10. */
int rules_parse_file(struct rules *r, const char *path, int depth, struct terr *e);

/* A CSV field's value, stripped. */
static inline void
rules_field_value(const struct rules *r, int i, const char **s, size_t *n)
{
	*s = r->rec->f[i];
	*n = r->rec->len[i];
	rules_strip(s, n);
}

/* Where each field's text goes (fplace), worked out once (rules-apply.c). */
void rules_apply_index(struct rules *r);

/* ---- the blocks a record matches (rules-match.c) ---- */

/* After rules_lit_index: which blocks' answers are one plain-word matcher's (quick). */
void rules_match_index(struct rules *r);
int rules_effective_blocks(struct rules *r, int f, const struct template **t, long *blk,
			   struct terr *e);

/* The template finally assigned to field f: the last matching block's (*blk its index),
 * else top level's (*blk -1). 1, 0 when none, -1 with *e when a pattern gave up. Most
 * fields no block assigns: said without a call. */
static inline int
rules_effective(struct rules *r, int f, const struct template **t, long *blk, struct terr *e)
{
	if (r->bylist[f].n)
		return rules_effective_blocks(r, f, t, blk, e);
	*blk = -1;
	*t = r->toplast[f] >= 0 ? &r->top[r->toplast[f]].t : NULL;
	return *t != NULL;
}
/* Match group k (1-based) of block bi's patterns (bi < 0: of every matching block) into
 * scratch memory; "" when there is none. */
int rules_match_group(struct rules *r, long bi, int k, const char **out, size_t *outn,
		      struct terr *e);

/* ---- plain-word patterns (rules-lit.c) ---- */

/* The pattern as plain words, when it is an alternation of them (a leading ^ each); NULL
 * when PCRE2 must read it. */
struct litpat *rules_lit_new(const char *pat, size_t n);
void rules_lit_free(struct litpat *lp);
/* Groups the plain-word matchers by the field they read (after the fields are resolved). */
void rules_lit_index(struct rules *r);
void rules_lit_index_free(struct rules *r);
/*
 * Matcher m's answer for the record, as PCRE2 would give it: 1 or 0, or -1 when PCRE2 must
 * decide. The first call per record and field reads its text s once for all its matchers;
 * with s NULL, -2 says that call is still to come.
 */
int rules_lit_eval(struct rules *r, const struct matcher *m, const char *s, size_t n);

/* ---- CSV dates (csvdate.c) ---- */

/* 0, or -1 with *why when the date-format has a conversion we do not read. */
int csvdate_check(const char *fmt, const char **why);
/* No `timezone` rule: times without a zone are local times. */
#define CSVDATE_NOZONE INT32_MIN
/*
 * Reads a date with the date-format (NULL: YYYY-M-D, YYYY/M/D or YYYY.M.D, as hledger);
 * tzin is the `timezone` rule's offset in minutes east of UTC, or CSVDATE_NOZONE.
 */
bool csvdate_parse(const char *s, size_t n, const char *fmt, int tzin, tdate *out);
/* Reads a zone (+HHMM, +HH:MM, UTC, EST...; colon: %Ez's +HH:MM) as minutes east of UTC. */
bool csvdate_zone(const char **s, const char *end, bool colon, int *mins);

/* ---- CSV amounts (csvamount.c) ---- */

/* hledger's sign simplification of s into buf (n + 2 bytes): "(1)" is -1, "--1" is 1... */
size_t csvamount_unsign(const char *s, size_t n, char *buf);
/* Parses an amount as hledger's amountp would, with decimal mark dec (0: guess). */
int csvamount_parse(const char *s, size_t n, char dec, struct ramount *ra, const char **why);

#endif
