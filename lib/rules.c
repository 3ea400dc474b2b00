/*
 * rules.c: hledger's CSV conversion rules (the subset in docs/rules.md), read once and
 * applied to each CSV record. The meaning follows hledger 1.25, so an existing rules file
 * gives the same transactions: top-level assignments first, then matching `if` blocks in
 * order, the last assignment to a field wins; `%field` references render stripped values;
 * whole-record patterns see the raw fields joined with commas; patterns are case-insensitive.
 * Anything not understood is an error naming FILE:LINE and the rule, never ignored.
 *
 * Applying rules allocates nothing per record once warmed up: rendered strings live in a
 * scratch arena of fixed chunks that is rewound for every record.
 */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

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

static const char *const base_names[RF_BASE] = {
	"date", "date2", "status", "code", "description", "comment", "currency", "amount",
	"amount-in", "amount-out", "balance", "skip", "end",
};

/* The field id of a journal field name, or -1. */
static int
field_id(const char *s, size_t n)
{
	static const char *const fam[K_N] = {
		"account", "amount", "amount", "amount", "balance", "comment", "currency",
	};
	size_t i, k, d;

	for (i = 0; i < RF_BASE; i++)
		if (strlen(base_names[i]) == n && memcmp(base_names[i], s, n) == 0)
			return (int)i;
	for (k = 0; k < K_N; k++) {
		size_t fl = strlen(fam[k]);
		int num = 0;
		const char *suffix = k == K_AMOUNT_IN ? "-in" : k == K_AMOUNT_OUT ? "-out" : "";
		size_t sl = strlen(suffix);

		if (n <= fl + sl || memcmp(s, fam[k], fl) != 0 || memcmp(s + n - sl, suffix, sl) != 0)
			continue;
		for (d = fl; d < n - sl; d++) {
			if (!isdigit((unsigned char)s[d]) || (d == fl && s[d] == '0') || d - fl >= 2)
				break;
			num = num * 10 + (s[d] - '0');
		}
		if (d == n - sl && num >= 1 && num <= MAXPOST)
			return RF_N(k, num);
	}
	return -1;
}

/* ---- templates ---- */

struct tpart {
	int field;            /* CSV field index, or -1 for literal text */
	const char *p;        /* literal text, or the reference's name while unresolved */
	size_t n;
	bool ref;             /* a %reference (resolved after the whole file is read) */
};

struct template {
	char *text;
	struct tpart *parts;
	size_t nparts;
};

struct assign {
	int field;
	struct template t;
	long line;
	const char *file;
};

struct matcher {
	bool and;             /* `&`: and-ed with the previous matcher */
	bool ref;             /* %field matcher */
	char *fname;          /* its name while unresolved */
	int field;            /* CSV field index, -1: whole record, -2: no such field */
	char *text;           /* the pattern text, for messages */
	struct regex *re;
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
	size_t n, cap;
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
	int maxpost;

	long skip;
	int sep;
	int encoding;
	char decmark;         /* 0: guess like hledger */
	bool newest_first;
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
	char *tmp;            /* a growable buffer for rendering */
	size_t tmpcap;
	struct rposting post[MAXPOST];
	long skipping;        /* records still to skip after a block's `skip N` */
	bool ended;
};

/* ---- scratch arena ---- */

static char *
scratch(struct rules *r, size_t n)
{
	struct chunk *c;

	while (r->curch < r->nch) {
		c = &r->ch[r->curch];
		if (c->cap - c->used >= n) {
			char *p = c->p + c->used;

			c->used += n;
			return p;
		}
		r->curch++;
	}
	r->ch = xrealloc(r->ch, (r->nch + 1) * sizeof *r->ch);
	c = &r->ch[r->nch++];
	c->cap = n > 65536 ? n : 65536;
	c->p = xmalloc(c->cap);
	c->used = n;
	return c->p;
}

static void
scratch_reset(struct rules *r)
{
	size_t i;

	for (i = 0; i < r->nch; i++)
		r->ch[i].used = 0;
	r->curch = 0;
}

static char *
scratch_dup(struct rules *r, const char *s, size_t n)
{
	char *p = scratch(r, n + 1);

	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

/* ---- small string helpers ---- */

static bool
is_blank(int c)
{
	return c == ' ' || c == '\t';
}

static void
strip(const char **s, size_t *n)
{
	while (*n && isspace((unsigned char)**s))
		(*s)++, (*n)--;
	while (*n && isspace((unsigned char)(*s)[*n - 1]))
		(*n)--;
}

static bool
name_char(unsigned char c)
{
	return isalnum(c) || c == '_' || c == '-' || c >= 0x80;
}

static void
lower(char *s)
{
	for (; *s; s++)
		*s = (char)tolower((unsigned char)*s);
}

/* ---- parsing the rules file ---- */

struct line {
	const char *p;
	size_t n;
	long no;
};

struct src {
	const char *file;
	struct line *l;
	size_t nl, i;
};

static int parse_file(struct rules *r, const char *path, int depth, struct terr *e);

static void
template_parse(struct template *t, const char *s, size_t n)
{
	size_t i = 0, start = 0, cap = 4;

	t->text = xstrndup(s, n);
	t->parts = xcalloc(cap, sizeof *t->parts);
	t->nparts = 0;
	s = t->text;
	while (i <= n) {
		size_t j = i + 1;

		if (i < n && s[i] == '%')
			while (j < n && name_char((unsigned char)s[j]))
				j++;
		if (i == n || (s[i] == '%' && j > i + 1)) {
			if (t->nparts + 2 > cap) {
				cap *= 2;
				t->parts = xrealloc(t->parts, cap * sizeof *t->parts);
			}
			if (i > start)
				t->parts[t->nparts++] = (struct tpart){-1, s + start, i - start, false};
			if (i == n)
				break;
			t->parts[t->nparts++] = (struct tpart){-1, s + i + 1, j - i - 1, true};
			i = start = j;
			continue;
		}
		i++;
	}
}

static void
add_top(struct rules *r, int field, const char *v, size_t n, const char *file, long line)
{
	struct assign *a;

	if (r->ntop == r->captop) {
		r->captop = r->captop ? r->captop * 2 : 16;
		r->top = xrealloc(r->top, r->captop * sizeof *r->top);
	}
	a = &r->top[r->ntop++];
	a->field = field;
	a->line = line;
	a->file = file;
	template_parse(&a->t, v, n);
}

/* Splits "name[: ]value" after a known word: the value, with the separator removed. */
static bool
word_value(const char *s, size_t n, size_t wl, const char **v, size_t *vn)
{
	size_t i = wl;

	if (i < n && s[i] == ':') {
		i++;
	} else if (i < n && is_blank(s[i])) {
		while (i < n && is_blank(s[i]))
			i++;
		if (i < n && s[i] == ':')
			i++;
	} else if (i != n) {
		return false;
	}
	while (i < n && is_blank(s[i]))
		i++;
	*v = s + i;
	*vn = n - i;
	return true;
}

/* The leading word of a line: letters, digits, '-' and '_'. */
static size_t
word_len(const char *s, size_t n)
{
	size_t i = 0;

	while (i < n && (isalnum((unsigned char)s[i]) || s[i] == '-' || s[i] == '_'))
		i++;
	return i;
}

static int
parse_fields(struct rules *r, const char *v, size_t n, const char *file, long line,
	     struct terr *e)
{
	size_t i = 0, k;

	for (k = 0; k < r->nfields; k++)
		free(r->fnames[k]);
	free(r->fnames);
	r->fnames = NULL;
	r->nfields = 0;
	for (;;) {
		const char *f;
		size_t fn;
		char *name;
		int id;

		while (i < n && is_blank(v[i]))
			i++;
		if (i < n && v[i] == '"') {
			f = v + ++i;
			while (i < n && v[i] != '"')
				i++;
			if (i == n) {
				terr_set(e, file, line, "unterminated quoted field name");
				return -1;
			}
			fn = (size_t)(v + i - f);
			i++;
		} else {
			f = v + i;
			while (i < n && v[i] != ',')
				i++;
			fn = (size_t)(v + i - f);
			strip(&f, &fn);
		}
		while (i < n && is_blank(v[i]))
			i++;
		name = xstrndup(f, fn);
		lower(name);
		if (strcmp(name, "_") == 0)
			name[0] = '\0';
		r->fnames = xrealloc(r->fnames, (r->nfields + 1) * sizeof *r->fnames);
		r->fnames[r->nfields++] = name;
		id = *name ? field_id(name, strlen(name)) : -1;
		if (id >= 0 && id != RF_SKIP && id != RF_END) {
			char ref[24];

			snprintf(ref, sizeof ref, "%%%zu", r->nfields);
			add_top(r, id, ref, strlen(ref), file, line);
		}
		if (i >= n)
			break;
		if (v[i] != ',') {
			terr_set(e, file, line, "fields: expected a comma after \"%.*s\"", (int)fn, f);
			return -1;
		}
		i++;
	}
	return 0;
}

static int
compile_matcher(struct matcher *m, const char *s, size_t n, const char *file, long line,
		struct terr *e)
{
	char why[400];
	size_t i = 0;

	while (i < n && is_blank(s[i]))
		i++;
	if (i < n && s[i] == '&') {
		m->and = true;
		i++;
		while (i < n && is_blank(s[i]))
			i++;
	}
	m->field = -1;
	if (i < n && s[i] == '%') {
		size_t j = i + 1, k;

		while (j < n && name_char((unsigned char)s[j]))
			j++;
		k = j;
		while (k < n && is_blank(s[k]))
			k++;
		if (j > i + 1 && k > j && k < n) {
			m->ref = true;
			m->fname = xstrndup(s + i + 1, j - i - 1);
			lower(m->fname);
			i = k;
		}
	}
	{
		const char *p = s + i;
		size_t pn = n - i;

		strip(&p, &pn);
		if (pn == 0) {
			terr_set(e, file, line, "if: a pattern is missing");
			return -1;
		}
		m->text = xstrndup(p, pn);
		m->re = regex_compile(p, pn, why, sizeof why);
		if (!m->re) {
			terr_set(e, file, line, "%s", why);
			return -1;
		}
	}
	return 0;
}

static struct block *
new_block(struct rules *r, long line)
{
	struct block *b;

	if (r->nblk == r->capblk) {
		r->capblk = r->capblk ? r->capblk * 2 : 16;
		r->blk = xrealloc(r->blk, r->capblk * sizeof *r->blk);
	}
	b = &r->blk[r->nblk++];
	memset(b, 0, sizeof *b);
	b->line = line;
	return b;
}

static struct matcher *
add_matcher(struct block *b)
{
	b->m = xrealloc(b->m, (b->nm + 1) * sizeof *b->m);
	memset(&b->m[b->nm], 0, sizeof *b->m);
	return &b->m[b->nm++];
}

static void
add_assign(struct block *b, int field, const char *v, size_t n, const char *file, long line)
{
	struct assign *a;

	b->a = xrealloc(b->a, (b->na + 1) * sizeof *b->a);
	a = &b->a[b->na++];
	a->field = field;
	a->line = line;
	a->file = file;
	template_parse(&a->t, v, n);
}

static bool
comment_line(const char *s, size_t n)
{
	size_t i = 0;

	while (i < n && is_blank(s[i]))
		i++;
	return i < n && (s[i] == '#' || s[i] == ';' || s[i] == '*');
}

static bool
blank_line(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!isspace((unsigned char)s[i]))
			return false;
	return true;
}

/* An `if` block: matcher lines, then indented assignments. */
static int
parse_block(struct rules *r, struct src *S, const char *rest, size_t rn, long line,
	    struct terr *e)
{
	struct block *b = new_block(r, line);

	if (!blank_line(rest, rn) && compile_matcher(add_matcher(b), rest, rn, S->file, line, e) < 0)
		return -1;
	while (S->i < S->nl) {
		struct line *l = &S->l[S->i];

		if (blank_line(l->p, l->n) || is_blank(l->p[0]))
			break;
		if (compile_matcher(add_matcher(b), l->p, l->n, S->file, l->no, e) < 0)
			return -1;
		S->i++;
	}
	while (S->i < S->nl) {
		struct line *l = &S->l[S->i];
		const char *s = l->p, *v;
		size_t n = l->n, wl, vn;
		int id;

		if (blank_line(s, n) || !is_blank(s[0]))
			break;
		S->i++;
		if (comment_line(s, n))
			continue;
		while (n && is_blank(*s))
			s++, n--;
		wl = word_len(s, n);
		id = field_id(s, wl);
		if (id < 0 || !word_value(s, n, wl, &v, &vn)) {
			terr_set(e, S->file, l->no, "unknown field in if block: %.*s", (int)(wl ? wl : n), s);
			return -1;
		}
		add_assign(b, id, v, vn, S->file, l->no);
	}
	if (b->nm == 0 || b->na == 0) {
		terr_set(e, S->file, line, b->nm == 0 ? "if block without a pattern" :
			 "if block without indented assignments after it");
		return -1;
	}
	return 0;
}

/* An `if` table: "if,field,field" then rows "PATTERN,value,value" up to a blank line. */
static int
parse_table(struct rules *r, struct src *S, const char *s, size_t n, long line, struct terr *e)
{
	char sep = s[0];
	int ids[RF_COUNT > 256 ? 256 : RF_COUNT];
	size_t nid = 0, i = 1, rows = 0;

	while (i <= n) {
		size_t j = i;
		const char *f;
		size_t fn;

		while (j < n && s[j] != sep)
			j++;
		f = s + i;
		fn = j - i;
		strip(&f, &fn);
		if (nid == 256 || (ids[nid] = field_id(f, fn)) < 0) {
			terr_set(e, S->file, line, "unknown field in if table: %.*s", (int)fn, f);
			return -1;
		}
		nid++;
		i = j + 1;
	}
	while (S->i < S->nl) {
		struct line *l = &S->l[S->i];
		struct block *b;
		size_t k, j, nv = 0;

		if (blank_line(l->p, l->n))
			break;
		S->i++;
		if (comment_line(l->p, l->n))
			continue;
		for (k = 0; k < l->n; k++)
			nv += l->p[k] == sep;
		if (nv != nid) {
			terr_set(e, S->file, l->no, "if table row has %zu values, the header names %zu",
				 nv, nid);
			return -1;
		}
		b = new_block(r, l->no);
		for (j = 0; j < l->n && l->p[j] != sep; j++)
			;
		if (compile_matcher(add_matcher(b), l->p, j, S->file, l->no, e) < 0)
			return -1;
		for (k = 0; k < nid; k++) {
			size_t st = ++j;

			while (j < l->n && l->p[j] != sep)
				j++;
			add_assign(b, ids[k], l->p + st, j - st, S->file, l->no);
		}
		rows++;
	}
	if (rows == 0) {
		terr_set(e, S->file, line, "if table without rows after it");
		return -1;
	}
	return 0;
}

static int
parse_separator(const char *v, size_t n)
{
	if (n == 1 && !isalnum((unsigned char)v[0]) && v[0] != '"')
		return v[0];
	if (n == 3 && strncasecmp(v, "TAB", 3) == 0)
		return '\t';
	if (n == 2 && memcmp(v, "\\t", 2) == 0)
		return '\t';
	if (n == 5 && strncasecmp(v, "SPACE", 5) == 0)
		return ' ';
	if (n == 5 && strncasecmp(v, "comma", 5) == 0)
		return ',';
	if (n == 9 && strncasecmp(v, "semicolon", 9) == 0)
		return ';';
	return -1;
}

static const char *const unsupported[] = {
	"timezone", "intra-day-reversed", "source", "archive", "decimal-mark-", NULL,
};

static int
parse_line(struct rules *r, struct src *S, struct line *l, int depth, struct terr *e)
{
	const char *s = l->p, *v;
	size_t n = l->n, wl = word_len(s, n), vn;
	int id;

	if (blank_line(s, n) || comment_line(s, n))
		return 0;
	if (is_blank(s[0])) {
		terr_set(e, S->file, l->no, "indented line outside an if block");
		return -1;
	}
	if (wl == 2 && memcmp(s, "if", 2) == 0 && n > 2 && !is_blank(s[2]) &&
	    !isalnum((unsigned char)s[2]))
		return parse_table(r, S, s + 2, n - 2, l->no, e);
	if (wl == 2 && memcmp(s, "if", 2) == 0 && (n == 2 || is_blank(s[2])))
		return parse_block(r, S, s + 2, n - 2, l->no, e);
	if (wl == 0 || !word_value(s, n, wl, &v, &vn)) {
		terr_set(e, S->file, l->no, "unknown rule: %.*s", (int)(n > 40 ? 40 : n), s);
		return -1;
	}
	strip(&v, &vn);
#define IS(w) (wl == strlen(w) && memcmp(s, w, wl) == 0)
	if (IS("include")) {
		char *path;
		int rc;

		if (vn == 0) {
			terr_set(e, S->file, l->no, "include: a file name is missing");
			return -1;
		}
		if (depth >= 10) {
			terr_set(e, S->file, l->no, "include: nested too deeply");
			return -1;
		}
		if (v[0] == '/') {
			path = xstrndup(v, vn);
		} else {
			const char *slash = strrchr(S->file, '/');
			size_t dl = slash ? (size_t)(slash - S->file + 1) : 0;

			path = xmalloc(dl + vn + 1);
			memcpy(path, S->file, dl);
			memcpy(path + dl, v, vn);
			path[dl + vn] = '\0';
		}
		rc = parse_file(r, path, depth + 1, e);
		if (rc < 0 && e->line == 0) {
			char msg[sizeof e->msg];

			snprintf(msg, sizeof msg, "include %.200s: %.300s", path, e->msg);
			terr_set(e, S->file, l->no, "%s", msg);
		}
		free(path);
		return rc;
	}
	if (IS("fields"))
		return parse_fields(r, v, vn, S->file, l->no, e);
	if (IS("skip")) {
		char *end;
		long k;

		if (vn == 0) {
			r->skip = 1;
			return 0;
		}
		errno = 0;
		k = strtol(v, &end, 10);
		if (end != v + vn || k < 0 || errno) {
			terr_set(e, S->file, l->no, "skip: not a number of lines: %.*s", (int)vn, v);
			return -1;
		}
		r->skip = k;
		return 0;
	}
	if (IS("separator")) {
		if ((r->sep = parse_separator(v, vn)) < 0) {
			terr_set(e, S->file, l->no, "separator: not one character, TAB or SPACE: %.*s",
				 (int)vn, v);
			return -1;
		}
		return 0;
	}
	if (IS("date-format")) {
		free(r->date_format);
		r->date_format = xstrndup(v, vn);
		r->date_format_file = S->file;
		r->date_format_line = l->no;
		return 0;
	}
	if (IS("decimal-mark")) {
		if (vn != 1 || (v[0] != '.' && v[0] != ',')) {
			terr_set(e, S->file, l->no, "decimal-mark: must be . or ,");
			return -1;
		}
		r->decmark = v[0];
		return 0;
	}
	if (IS("newest-first")) {
		r->newest_first = true;
		return 0;
	}
	if (IS("encoding")) {
		if ((vn == 5 && strncasecmp(v, "utf-8", 5) == 0) ||
		    (vn == 4 && strncasecmp(v, "utf8", 4) == 0))
			r->encoding = CSVIN_UTF8;
		else if ((vn == 6 && strncasecmp(v, "latin1", 6) == 0) ||
			 (vn == 7 && strncasecmp(v, "latin-1", 7) == 0) ||
			 (vn == 10 && strncasecmp(v, "iso-8859-1", 10) == 0) ||
			 (vn == 12 && strncasecmp(v, "windows-1252", 12) == 0) ||
			 (vn == 6 && strncasecmp(v, "cp1252", 6) == 0))
			r->encoding = CSVIN_LATIN1;
		else {
			terr_set(e, S->file, l->no,
				 "encoding: unsupported (use utf-8 or latin1): %.*s", (int)vn, v);
			return -1;
		}
		return 0;
	}
	if (IS("balance-type")) {
		/* Written as "=", the one assertion ledger reads: on a bank account (no
		 * subaccounts, one commodity) ==, =* and ==* mean the same. */
		if ((vn == 1 && v[0] == '=') || (vn == 2 && memcmp(v, "==", 2) == 0) ||
		    (vn == 2 && memcmp(v, "=*", 2) == 0) || (vn == 3 && memcmp(v, "==*", 3) == 0))
			return 0;
		terr_set(e, S->file, l->no, "balance-type: invalid value %.*s (use =, ==, =* or ==*)",
			 (int)vn, v);
		return -1;
	}
	for (size_t k = 0; unsupported[k]; k++)
		if (IS(unsupported[k])) {
			terr_set(e, S->file, l->no, "unsupported rule: %s", unsupported[k]);
			return -1;
		}
#undef IS
	id = field_id(s, wl);
	if (id == RF_SKIP || id == RF_END || id < 0) {
		terr_set(e, S->file, l->no, "unknown rule: %.*s", (int)wl, s);
		return -1;
	}
	{
		/* The value keeps its trailing blanks: hledger's currency "EUR " is spaced. */
		const char *raw;
		size_t rawn;

		word_value(s, n, wl, &raw, &rawn);
		while (rawn && (raw[rawn - 1] == '\r' || raw[rawn - 1] == '\n'))
			rawn--;
		add_top(r, id, raw, rawn, S->file, l->no);
	}
	return 0;
}

static int
parse_file(struct rules *r, const char *path, int depth, struct terr *e)
{
	FILE *f = fopen(path, "rb");
	char *text = NULL, *name;
	size_t cap = 0, len = 0, i, k;
	struct src S = {0};
	int rc = 0;

	if (!f) {
		terr_set(e, path, 0, "%s", strerror(errno));
		return -1;
	}
	for (;;) {
		size_t got;

		if (len + 4096 > cap) {
			cap = cap ? cap * 2 : 8192;
			text = xrealloc(text, cap);
		}
		got = fread(text + len, 1, cap - len, f);
		len += got;
		if (got == 0)
			break;
	}
	if (ferror(f)) {
		terr_set(e, path, 0, "%s", strerror(errno));
		fclose(f);
		free(text);
		return -1;
	}
	fclose(f);
	name = xstrdup(path);
	r->files = xrealloc(r->files, (r->nfiles + 1) * sizeof *r->files);
	r->files[r->nfiles++] = name;
	S.file = name;
	i = 0;
	if (len >= 3 && memcmp(text, "\xef\xbb\xbf", 3) == 0)
		i = 3;
	for (k = 1; i < len; k++) {
		const char *nl = memchr(text + i, '\n', len - i);
		size_t end = nl ? (size_t)(nl - text) : len, n = end - i;

		if (n && text[i + n - 1] == '\r')
			n--;
		S.l = xrealloc(S.l, (S.nl + 1) * sizeof *S.l);
		S.l[S.nl++] = (struct line){text + i, n, (long)k};
		i = end + 1;
	}
	while (S.i < S.nl && rc == 0) {
		struct line *l = &S.l[S.i++];

		rc = parse_line(r, &S, l, depth, e);
	}
	free(S.l);
	/* Templates and patterns copied what they need; the text can go. */
	free(text);
	return rc;
}

/* Resolves %name references once the whole file (and every `fields` line) is known. */
static int
field_index(const struct rules *r, const char *name, size_t n)
{
	size_t i;
	char buf[256];

	if (n == 0 || n >= sizeof buf)
		return -1;
	if (isdigit((unsigned char)name[0])) {
		long k = 0;

		for (i = 0; i < n; i++) {
			if (!isdigit((unsigned char)name[i]) || k > 100000)
				return -1;
			k = k * 10 + (name[i] - '0');
		}
		return k >= 1 ? (int)(k - 1) : -1;
	}
	memcpy(buf, name, n);
	buf[n] = '\0';
	lower(buf);
	for (i = r->nfields; i-- > 0;)
		if (strcmp(r->fnames[i], buf) == 0)
			return (int)i;
	return -1;
}

static void
resolve_template(const struct rules *r, struct template *t)
{
	size_t i;

	for (i = 0; i < t->nparts; i++) {
		struct tpart *p = &t->parts[i];

		if (!p->ref)
			continue;
		p->field = field_index(r, p->p, p->n);
		if (p->field < 0) {  /* no such field: stays as written, "%name" */
			p->ref = false;
			p->p--;
			p->n++;
		}
	}
}

static void
index_assignments(struct rules *r)
{
	size_t i, j;

	for (i = 0; i < RF_COUNT; i++)
		r->toplast[i] = -1;
	r->maxpost = 2;
	for (i = 0; i < r->ntop; i++) {
		r->toplast[r->top[i].field] = (int)i;
		resolve_template(r, &r->top[i].t);
	}
	for (i = 0; i < r->nblk; i++) {
		struct block *b = &r->blk[i];

		for (j = 0; j < b->nm; j++) {
			struct matcher *m = &b->m[j];

			if (m->ref) {
				m->field = field_index(r, m->fname, strlen(m->fname));
				if (m->field < 0)
					m->field = -2;
			}
		}
		for (j = 0; j < b->na; j++) {
			struct flist *fl = &r->bylist[b->a[j].field];

			resolve_template(r, &b->a[j].t);
			if (fl->n == fl->cap) {
				fl->cap = fl->cap ? fl->cap * 2 : 4;
				fl->blk = xrealloc(fl->blk, fl->cap * sizeof *fl->blk);
				fl->asg = xrealloc(fl->asg, fl->cap * sizeof *fl->asg);
			}
			fl->blk[fl->n] = i;
			fl->asg[fl->n++] = j;
		}
	}
	for (i = RF_BASE; i < RF_COUNT; i++)
		if (r->toplast[i] >= 0 || r->bylist[i].n) {
			int n = (int)((i - RF_BASE) % 100);

			if (n > r->maxpost)
				r->maxpost = n;
		}
}

static bool
assigned_anywhere(const struct rules *r, int f)
{
	return r->toplast[f] >= 0 || r->bylist[f].n > 0;
}

static int check_date_format(const char *fmt, const char **why);

/* The file named by an error outlives the rules it came from. */
static void
keep_errfile(struct terr *e)
{
	static char name[1024];

	if (e->file) {
		snprintf(name, sizeof name, "%s", e->file);
		e->file = name;
	}
}

struct rules *
rules_load(const char *path, struct terr *e)
{
	struct rules *r = xcalloc(1, sizeof *r);
	const char *why;

	if (parse_file(r, path, 0, e) < 0) {
		keep_errfile(e);
		rules_free(r);
		return NULL;
	}
	index_assignments(r);
	if (!assigned_anywhere(r, RF_DATE)) {
		terr_set(e, path, 1, "no date rule (add e.g. \"date %%1\" or a fields list naming date)");
		rules_free(r);
		return NULL;
	}
	if (r->date_format && check_date_format(r->date_format, &why) < 0) {
		terr_set(e, r->date_format_file, r->date_format_line, "date-format: %s", why);
		keep_errfile(e);
		rules_free(r);
		return NULL;
	}
	r->bmatch = xcalloc(r->nblk ? r->nblk : 1, 1);
	return r;
}

int
rules_separator(const struct rules *r, const char *csvpath)
{
	size_t n = strlen(csvpath);

	if (r->sep)
		return r->sep;
	if (n > 4 && strcasecmp(csvpath + n - 4, ".tsv") == 0)
		return '\t';
	if (n > 4 && strcasecmp(csvpath + n - 4, ".ssv") == 0)
		return ';';
	return ',';
}

/* A template's text when it has no %field reference, else NULL. */
static bool
template_literal(const struct template *t, const char **s, size_t *n)
{
	if (t->nparts > 1 || (t->nparts == 1 && t->parts[0].ref))
		return false;
	*s = t->nparts ? t->parts[0].p : "";
	*n = t->nparts ? t->parts[0].n : 0;
	strip(s, n);
	return true;
}

static long
add_name(const char **names, size_t *lens, size_t max, long k, const char *s, size_t n)
{
	if (k < 0 || (size_t)k >= max)
		return -1;
	names[k] = s;
	lens[k] = n;
	return k + 1;
}

long
rules_first_accounts(const struct rules *r, const char **names, size_t *lens, size_t max)
{
	const struct flist *fl = &r->bylist[RF_N(K_ACCOUNT, 1)];
	const char *s;
	size_t n, i;
	long k = 0;

	if (r->toplast[RF_N(K_ACCOUNT, 1)] >= 0) {
		if (!template_literal(&r->top[r->toplast[RF_N(K_ACCOUNT, 1)]].t, &s, &n) || !n)
			return -1;
		k = add_name(names, lens, max, k, s, n);
	} else {
		k = add_name(names, lens, max, k, "expenses:unknown", 16);
		k = add_name(names, lens, max, k, "income:unknown", 14);
	}
	for (i = 0; i < fl->n && k >= 0; i++) {
		if (!template_literal(&r->blk[fl->blk[i]].a[fl->asg[i]].t, &s, &n) || !n)
			return -1;
		k = add_name(names, lens, max, k, s, n);
	}
	return k;
}

int
rules_encoding(const struct rules *r)
{
	return r->encoding;
}

long
rules_skip(const struct rules *r)
{
	return r->skip;
}

bool
rules_newest_first(const struct rules *r)
{
	return r->newest_first;
}

static void
template_free(struct template *t)
{
	free(t->text);
	free(t->parts);
}

void
rules_free(struct rules *r)
{
	size_t i, j;

	if (!r)
		return;
	for (i = 0; i < r->nfields; i++)
		free(r->fnames[i]);
	free(r->fnames);
	for (i = 0; i < r->ntop; i++)
		template_free(&r->top[i].t);
	free(r->top);
	for (i = 0; i < r->nblk; i++) {
		struct block *b = &r->blk[i];

		for (j = 0; j < b->nm; j++) {
			regex_free(b->m[j].re);
			free(b->m[j].fname);
			free(b->m[j].text);
		}
		for (j = 0; j < b->na; j++)
			template_free(&b->a[j].t);
		free(b->m);
		free(b->a);
	}
	free(r->blk);
	for (i = 0; i < RF_COUNT; i++) {
		free(r->bylist[i].blk);
		free(r->bylist[i].asg);
	}
	free(r->date_format);
	for (i = 0; i < r->nfiles; i++)
		free(r->files[i]);
	free(r->files);
	free(r->bmatch);
	free(r->whole);
	for (i = 0; i < r->nch; i++)
		free(r->ch[i].p);
	free(r->ch);
	free(r->tmp);
	free(r);
}

/* ---- applying rules to a record ---- */

static void
tmp_put(struct rules *r, size_t *len, const char *s, size_t n)
{
	if (*len + n + 1 > r->tmpcap) {
		while (*len + n + 1 > r->tmpcap)
			r->tmpcap = r->tmpcap ? r->tmpcap * 2 : 1024;
		r->tmp = xrealloc(r->tmp, r->tmpcap);
	}
	memcpy(r->tmp + *len, s, n);
	*len += n;
	r->tmp[*len] = '\0';
}

static void
field_value(const struct rules *r, int i, const char **s, size_t *n)
{
	*s = r->rec->f[i];
	*n = r->rec->len[i];
	strip(s, n);
}

/* Has the text rendered so far a word on its last line? Then a field follows text. */
static bool
after_text(const char *s, size_t len)
{
	while (len && (s[len - 1] == ' ' || s[len - 1] == '\t'))
		len--;
	return len && s[len - 1] != '\n';
}

/*
 * Is the text rendered so far inside a tag's value ("... key:" and no ',' since)? Then a
 * field's ':' is harmless and its ',' would end the value: JTEXT_TAG. Rules such as
 * "comment time:%time" keep their tags, with the bank's text only as values.
 */
static bool
in_tag_value(const char *s, size_t len)
{
	size_t i = len;

	while (i && s[i - 1] != ',' && s[i - 1] != '\n')
		i--;
	for (; i < len; i++)
		if (s[i] == ':' && i > 0 && s[i - 1] != ' ' && s[i - 1] != '\t' &&
		    s[i - 1] != ',' && s[i - 1] != '\n')
			return true;
	return false;
}

/*
 * Renders a template into scratch memory: references are replaced by stripped values. With
 * a place (JTEXT_*), the CSV's text is made plain text for it (journal_text_safe) while the
 * rules' own text stays as written; in a comment, "\n" written in a rule is a line break.
 */
static const char *
render(struct rules *r, const struct template *t, size_t *outn, int where)
{
	size_t len = 0, i;

	tmp_put(r, &len, "", 0);
	for (i = 0; i < t->nparts; i++) {
		const struct tpart *p = &t->parts[i];

		if (!p->ref && where == JTEXT_COMMENT) {
			for (size_t k = 0; k < p->n; k++) {
				if (p->p[k] == '\\' && k + 1 < p->n && p->p[k + 1] == 'n') {
					tmp_put(r, &len, "\n", 1);
					k++;
				} else {
					tmp_put(r, &len, p->p + k, 1);
				}
			}
		} else if (!p->ref) {
			tmp_put(r, &len, p->p, p->n);
		} else if ((size_t)p->field < r->rec->nf) {
			const char *s;
			size_t n;

			field_value(r, p->field, &s, &n);
			if (where) {
				char *safe = scratch(r, JTEXT_SIZE(n));
				int w = where | (after_text(r->tmp, len) ? JTEXT_INNER : 0);

				if (where == JTEXT_COMMENT && in_tag_value(r->tmp, len))
					w = JTEXT_TAG | JTEXT_INNER;

				n = journal_text_safe(safe, s, n, w);
				s = safe;
			}
			tmp_put(r, &len, s, n);
		} else {  /* the record is shorter than the fields list: hledger keeps "%name" */
			tmp_put(r, &len, "%", 1);
			tmp_put(r, &len, p->p, p->n);
		}
	}
	*outn = len;
	return scratch_dup(r, r->tmp, len);
}

static const char *
whole_record(struct rules *r, size_t *n)
{
	if (!r->whole_done) {
		size_t i, len = 0;

		for (i = 0; i < r->rec->nf; i++)
			len += r->rec->len[i] + 1;
		if (len + 1 > r->wholecap) {
			r->wholecap = len + 64;
			r->whole = xrealloc(r->whole, r->wholecap);
		}
		len = 0;
		for (i = 0; i < r->rec->nf; i++) {
			if (i)
				r->whole[len++] = ',';
			memcpy(r->whole + len, r->rec->f[i], r->rec->len[i]);
			len += r->rec->len[i];
		}
		r->whole[len] = '\0';
		r->wholelen = len;
		r->whole_done = true;
	}
	*n = r->wholelen;
	return r->whole;
}

static int
matcher_eval(struct rules *r, const struct matcher *m, struct terr *e)
{
	const char *s;
	size_t n;
	int rc;
	char lit[300];

	if (m->field == -1) {
		s = whole_record(r, &n);
	} else if (m->field == -2 || (size_t)m->field >= r->rec->nf) {
		n = (size_t)snprintf(lit, sizeof lit, "%%%s", m->fname);
		s = lit;
		if (n >= sizeof lit)
			n = sizeof lit - 1;
	} else {
		field_value(r, m->field, &s, &n);
	}
	rc = regex_match(m->re, s, n);
	if (rc < 0)
		terr_set(e, r->rec->file, r->rec->line,
			 "pattern \"%s\" gave up (match limit exceeded)", m->text);
	return rc;
}

/* Blocks match when any group of &-joined matchers all match. */
static int
block_matches(struct rules *r, size_t bi, struct terr *e)
{
	const struct block *b = &r->blk[bi];
	size_t i;
	int cur = 0, rc;

	if (r->bmatch[bi] >= 0)
		return r->bmatch[bi];
	for (i = 0; i < b->nm; i++) {
		if (i == 0 || !b->m[i].and) {
			if (i > 0 && cur)
				break;
			rc = matcher_eval(r, &b->m[i], e);
		} else if (cur) {
			rc = matcher_eval(r, &b->m[i], e);
		} else {
			continue;
		}
		if (rc < 0)
			return -1;
		cur = rc;
	}
	r->bmatch[bi] = (signed char)cur;
	return cur;
}

/* The template finally assigned to field f: the last matching block's, else top level's. */
static int
effective(struct rules *r, int f, const struct template **t, struct terr *e)
{
	const struct flist *fl = &r->bylist[f];
	size_t i;

	for (i = fl->n; i-- > 0;) {
		int m = block_matches(r, fl->blk[i], e);

		if (m < 0)
			return -1;
		if (m) {
			*t = &r->blk[fl->blk[i]].a[fl->asg[i]].t;
			return 1;
		}
	}
	if (r->toplast[f] >= 0) {
		*t = &r->top[r->toplast[f]].t;
		return 1;
	}
	*t = NULL;
	return 0;
}

/* Where a journal field's text goes, for journal_text_safe (0: not text, kept raw). */
static int
text_place(int f)
{
	if (f == RF_DESC)
		return JTEXT_DESC;
	if (f == RF_CODE)
		return JTEXT_CODE;
	if (f == RF_COMMENT || (f >= RF_N(K_COMMENT, 1) && f <= RF_N(K_COMMENT, MAXPOST)))
		return JTEXT_COMMENT;
	if (f >= RF_N(K_ACCOUNT, 1) && f <= RF_N(K_ACCOUNT, MAXPOST))
		return JTEXT_ACCOUNT;
	return 0;
}

/* Renders field f stripped; *s is NULL when the field is not assigned. */
static int
value(struct rules *r, int f, const char **s, size_t *n, struct terr *e)
{
	const struct template *t;
	int rc = effective(r, f, &t, e);

	*s = NULL;
	*n = 0;
	if (rc <= 0)
		return rc;
	*s = render(r, t, n, text_place(f));
	strip(s, n);
	return 1;
}

/* ---- dates ---- */

static const char *const months[12] = {
	"january", "february", "march", "april", "may", "june", "july", "august", "september",
	"october", "november", "december",
};

static int
check_date_format(const char *fmt, const char **why)
{
	for (; *fmt; fmt++) {
		if (*fmt != '%')
			continue;
		fmt++;
		if (*fmt == '-' || *fmt == '_' || *fmt == '0')
			fmt++;
		if (!*fmt || !strchr("YymdebBhHMSIpTDFzZjaA%", *fmt)) {
			*why = "unsupported conversion (see docs/rules.md)";
			return -1;
		}
	}
	return 0;
}

/* Reads between lo and hi digits. */
static bool
digits(const char **s, const char *end, int lo, int hi, int *v)
{
	int k = 0;

	*v = 0;
	while (*s < end && k < hi && isdigit((unsigned char)**s)) {
		*v = *v * 10 + (**s - '0');
		(*s)++;
		k++;
	}
	return k >= lo;
}

/* strptime for the conversions hledger's date-format uses; the whole value must match. */
static bool
parse_date_fmt(const char *s, size_t n, const char *fmt, tdate *out)
{
	const char *end = s + n;
	int y = -1, m = -1, d = -1, v;
	bool pm = false, has_pm = false;

	for (; *fmt; fmt++) {
		char pad = 0, c;

		if (*fmt != '%') {
			if (isspace((unsigned char)*fmt)) {
				while (s < end && isspace((unsigned char)*s))
					s++;
				continue;
			}
			if (s >= end || *s != *fmt)
				return false;
			s++;
			continue;
		}
		c = *++fmt;
		if (c == '-' || c == '_' || c == '0') {
			pad = c;
			c = *++fmt;
		}
		switch (c) {
		case 'Y':
			if (!digits(&s, end, 4, 4, &y))
				return false;
			break;
		case 'y':
			if (!digits(&s, end, 2, 2, &v))
				return false;
			y = v < 69 ? 2000 + v : 1900 + v;
			break;
		case 'm': case 'd': case 'e': case 'H': case 'M': case 'S': case 'I':
			if (c == 'e' || pad == '_')
				while (s < end && *s == ' ')
					s++;
			if (!digits(&s, end, pad == '-' || pad == '_' || c == 'e' ? 1 : 2, 2, &v))
				return false;
			if (c == 'm')
				m = v;
			else if (c == 'd' || c == 'e')
				d = v;
			break;
		case 'j':
			if (!digits(&s, end, 1, 3, &v))
				return false;
			break;
		case 'b': case 'B': case 'h': case 'a': case 'A': {
			int k, found = -1;
			size_t wl = 0;

			while (s + wl < end && isalpha((unsigned char)s[wl]))
				wl++;
			if (c == 'a' || c == 'A') {
				s += wl;
				break;
			}
			for (k = 0; k < 12; k++)
				if ((wl == 3 || wl == strlen(months[k])) &&
				    strncasecmp(s, months[k], wl) == 0)
					found = k;
			if (found < 0)
				return false;
			m = found + 1;
			s += wl;
			break;
		}
		case 'p':
			if (end - s >= 2 && (strncasecmp(s, "am", 2) == 0 || strncasecmp(s, "pm", 2) == 0)) {
				has_pm = true;
				pm = tolower((unsigned char)*s) == 'p';
				s += 2;
				break;
			}
			return false;
		case 'T':
			if (!digits(&s, end, 2, 2, &v) || s >= end || *s++ != ':' ||
			    !digits(&s, end, 2, 2, &v) || s >= end || *s++ != ':' ||
			    !digits(&s, end, 2, 2, &v))
				return false;
			break;
		case 'D':
			if (!digits(&s, end, 2, 2, &m) || s >= end || *s++ != '/' ||
			    !digits(&s, end, 2, 2, &d) || s >= end || *s++ != '/' ||
			    !digits(&s, end, 2, 2, &v))
				return false;
			y = v < 69 ? 2000 + v : 1900 + v;
			break;
		case 'F':
			if (!digits(&s, end, 4, 4, &y) || s >= end || *s++ != '-' ||
			    !digits(&s, end, 2, 2, &m) || s >= end || *s++ != '-' ||
			    !digits(&s, end, 2, 2, &d))
				return false;
			break;
		case 'z': case 'Z':
			while (s < end && !isspace((unsigned char)*s))
				s++;
			break;
		case '%':
			if (s >= end || *s++ != '%')
				return false;
			break;
		default:
			return false;
		}
	}
	(void)pm;
	(void)has_pm;
	if (s != end || y < 0 || m < 0 || d < 0 || !date_valid_ymd(y, m, d))
		return false;
	*out = date_from_ymd(y, m, d);
	return true;
}

/* hledger's defaults: YYYY/M/D, YYYY-M-D or YYYY.M.D. */
static bool
parse_date_default(const char *s, size_t n, tdate *out)
{
	const char *end = s + n;
	int y, m, d;
	char sep;

	if (!digits(&s, end, 4, 4, &y) || s >= end || !strchr("/-.", *s))
		return false;
	sep = *s++;
	if (!digits(&s, end, 1, 2, &m) || s >= end || *s++ != sep || !digits(&s, end, 1, 2, &d) ||
	    s != end || !date_valid_ymd(y, m, d))
		return false;
	*out = date_from_ymd(y, m, d);
	return true;
}

static int
get_date(struct rules *r, int f, tdate *out, struct terr *e)
{
	const char *s;
	size_t n;
	int rc = value(r, f, &s, &n, e);

	if (rc <= 0)
		return rc;
	if (r->date_format ? parse_date_fmt(s, n, r->date_format, out) :
	    parse_date_default(s, n, out))
		return 1;
	terr_set(e, r->rec->file, r->rec->line, "cannot read \"%.*s\" as a %s (date-format %s)",
		 (int)n, s, f == RF_DATE ? "date" : "date2",
		 r->date_format ? r->date_format : "unset: YYYY-MM-DD, YYYY/MM/DD or YYYY.MM.DD");
	return -1;
}

/* ---- amounts ---- */

static bool
sym_char(unsigned char c)
{
	if (c >= 0x80)
		return true;
	if (c <= ' ' || isdigit(c))
		return false;
	return !strchr("-+.,;@*\"{}=()[]<>!/", c);
}

/*
 * hledger's sign simplification: "(1)" is -1, "-(1)" and "--1" are 1, "-+1" is -1, a
 * leading "+" goes. Works on a copy in scratch memory.
 */
static const char *
simplify_sign(struct rules *r, const char *s, size_t n, size_t *outn)
{
	char *buf = scratch(r, n + 2);
	bool neg = false;

	for (;;) {
		strip(&s, &n);
		if (n >= 2 && s[0] == '(' && s[n - 1] == ')') {
			neg = !neg;
			s++, n -= 2;
		} else if (n >= 3 && s[0] == '-' && s[1] == '(' && s[n - 1] == ')') {
			s += 2, n -= 3;
		} else if (n >= 2 && s[0] == '-' && s[1] == '-') {
			s += 2, n -= 2;
			break;
		} else if (n >= 2 && s[0] == '-' && s[1] == '+') {
			neg = !neg;
			s += 2, n -= 2;
			break;
		} else if (n >= 2 && s[0] == '+' && s[1] == '-') {
			neg = !neg;
			s += 2, n -= 2;
			break;
		} else if (n >= 1 && s[0] == '+') {
			s++, n--;
		} else {
			break;
		}
	}
	if (neg && n && s[0] == '-') {
		memcpy(buf, s + 1, n - 1);
		*outn = n - 1;
	} else if (neg) {
		buf[0] = '-';
		memcpy(buf + 1, s, n);
		*outn = n + 1;
	} else {
		memcpy(buf, s, n);
		*outn = n;
	}
	return buf;
}

static long
read_symbol(const char *s, size_t n, const char **sym, size_t *symn)
{
	size_t i = 0;

	if (n && s[0] == '"') {
		for (i = 1; i < n && s[i] != '"'; i++)
			;
		if (i == n)
			return -1;
		*sym = s + 1;
		*symn = i - 1;
		return (long)i + 1;
	}
	while (i < n && sym_char((unsigned char)s[i]))
		i++;
	*sym = s;
	*symn = i;
	return (long)i;
}

/* The width of a digit group space at s (" ", U+00A0, U+202F) before three digits, or 0. */
static size_t
space_group(const char *s, size_t n)
{
	size_t w = 0;

	if (n >= 1 && s[0] == ' ')
		w = 1;
	else if (n >= 2 && memcmp(s, "\xc2\xa0", 2) == 0)
		w = 2;
	else if (n >= 3 && memcmp(s, "\xe2\x80\xaf", 3) == 0)
		w = 3;
	if (!w || n < w + 3 || !isdigit((unsigned char)s[w]) || !isdigit((unsigned char)s[w + 1]) ||
	    !isdigit((unsigned char)s[w + 2]) || (n > w + 3 && isdigit((unsigned char)s[w + 3])))
		return 0;
	return w;
}

/* Parses an amount as hledger's amountp would, with the rules' decimal mark. */
static int
parse_amount(const struct rules *r, const char *s, size_t n, struct ramount *ra, const char **why,
	     bool price_ok)
{
	size_t i = 0, ns, k, nd = 0;
	bool neg = false, any = false;
	const char *sym = NULL, *num;
	size_t symn = 0;
	long got;
	char dec = 0, seen[2] = {0, 0};
	int nseen = 0, last_kind = 0;
	tnum q = 0;
	int scale = 0;
	bool after = false;

	memset(ra, 0, sizeof *ra);
	*why = "not an amount";
	while (i < n && is_blank(s[i]))
		i++;
	if (i < n && (s[i] == '-' || s[i] == '+')) {
		neg = s[i++] == '-';
		while (i < n && is_blank(s[i]))
			i++;
	}
	if ((got = read_symbol(s + i, n - i, &sym, &symn)) < 0)
		return -1;
	if (symn) {
		ra->left = true;
		i += (size_t)got;
		ns = i;
		while (i < n && is_blank(s[i]))
			i++;
		ra->space = i > ns;
		if (i < n && (s[i] == '-' || s[i] == '+')) {
			if (s[i] == '-')
				neg = !neg;
			i++;
			while (i < n && is_blank(s[i]))
				i++;
		}
	}
	num = s + i;
	for (k = i; k < n; k++) {
		char c = s[k];

		if (isdigit((unsigned char)c)) {
			any = true;
			continue;
		}
		if ((c == '.' || c == ',') && k + 1 <= n) {
			if (nseen == 0 || seen[nseen - 1] != c) {
				if (nseen < 2)
					seen[nseen++] = c;
				else
					return -1;
			}
			last_kind = c;
			nd++;
			continue;
		}
		/* A space (or no-break space) between digit groups: "1 234,56". */
		{
			size_t w = space_group(s + k, n - k);

			if (w && any && isdigit((unsigned char)s[k - 1])) {
				k += w - 1;
				continue;
			}
		}
		break;
	}
	if (!any)
		return -1;
	ns = k - i;
	i = k;
	/* Which mark is the decimal mark. */
	if (r->decmark) {
		dec = r->decmark;
	} else if (nseen == 2) {
		dec = (char)last_kind;
	} else if (nseen == 1) {
		size_t cnt = 0;

		for (k = 0; k < ns; k++)
			cnt += num[k] == seen[0];
		dec = cnt == 1 ? seen[0] : 0;
	}
	for (k = 0; k < ns; k++) {
		char c = num[k];

		if (isdigit((unsigned char)c)) {
			if (__builtin_mul_overflow(q, (tnum)10, &q) ||
			    __builtin_add_overflow(q, (tnum)(c - '0'), &q)) {
				*why = "amount too large to hold exactly";
				return -1;
			}
			if (after && ++scale > AMOUNT_MAX_SCALE) {
				*why = "amount has too many decimals";
				return -1;
			}
		} else if (c == dec) {
			if (after) {
				*why = "more than one decimal mark";
				return -1;
			}
			after = true;
		}
	}
	/* A trailing minus ("50.00-", "50.00 EUR-"), as some banks write debits. */
	if (i < n && s[i] == '-') {
		neg = !neg;
		i++;
	}
	if (!ra->left) {
		ns = i;
		while (i < n && is_blank(s[i]))
			i++;
		if ((got = read_symbol(s + i, n - i, &sym, &symn)) < 0)
			return -1;
		if (symn) {
			ra->space = i > ns;
			i += (size_t)got;
		}
	}
	while (i < n && is_blank(s[i]))
		i++;
	if (i + 1 == n && s[i] == '-' && (symn || s[i - 1] != '-')) {
		neg = !neg;
		i++;
	}
	ra->a.q = neg ? -q : q;
	ra->a.scale = scale;
	ra->a.com = symn ? commodity_intern(sym, symn) : 0;
	ra->dec = dec ? dec : '.';
	if (i < n && s[i] == '@' && price_ok) {
		struct ramount p;

		ra->price = i + 1 < n && s[i + 1] == '@' ? 2 : 1;
		i += (size_t)ra->price;
		if (parse_amount(r, s + i, n - i, &p, why, false) < 0 || p.a.q < 0) {
			*why = "bad price after @";
			return -1;
		}
		ra->pa = p.a;
		ra->pleft = p.left;
		ra->pspace = p.space;
		ra->pdec = p.dec;
		return 0;
	}
	if (i != n) {
		*why = "not an amount";
		return -1;
	}
	return 0;
}

/* One amount (no price) into out, which holds AMOUNT_BUF bytes; returns the length. */
static size_t
format_one(char *out, const struct amount *a, bool left, bool space, char dec)
{
	const char *sym = commodity_name(a->com);
	char digs[64];
	unsigned __int128 u;
	int nd = 0, i;
	size_t o = 0, sl = strlen(sym);
	bool quote = false, neg = a->q < 0;

	if (a->q == 0) {  /* hledger writes a zero amount as a bare 0 */
		out[0] = '0';
		return 1;
	}
	/* "1,500" means 1500 to ledger and 1.5 to hledger: write three decimals with a dot. */
	if (dec == ',' && a->scale == 3)
		dec = '.';
	for (i = 0; sym[i]; i++)
		if (!sym_char((unsigned char)sym[i]))
			quote = true;
	if (sl > 60)
		sl = 60;
	if (*sym && left) {
		if (quote)
			out[o++] = '"';
		memcpy(out + o, sym, sl);
		o += sl;
		if (quote)
			out[o++] = '"';
		if (space)
			out[o++] = ' ';
	}
	if (neg)
		out[o++] = '-';
	u = neg ? -(unsigned __int128)a->q : (unsigned __int128)a->q;
	do {
		digs[nd++] = (char)('0' + (int)(u % 10));
		u /= 10;
	} while (u);
	while (nd <= a->scale)
		digs[nd++] = '0';
	for (i = nd - 1; i >= a->scale; i--)
		out[o++] = digs[i];
	if (a->scale > 0) {
		out[o++] = dec;
		for (i = a->scale - 1; i >= 0; i--)
			out[o++] = digs[i];
	}
	if (*sym && !left) {
		if (space)
			out[o++] = ' ';
		if (quote)
			out[o++] = '"';
		memcpy(out + o, sym, sl);
		o += sl;
		if (quote)
			out[o++] = '"';
	}
	return o;
}

size_t
ramount_format(char *buf, size_t size, const struct ramount *ra)
{
	char out[2 * AMOUNT_BUF + 8];
	size_t o = format_one(out, &ra->a, ra->left, ra->space, ra->dec), n;

	if (ra->price) {
		memcpy(out + o, ra->price == 2 ? " @@ " : " @ ", ra->price == 2 ? 4 : 3);
		o += ra->price == 2 ? 4 : 3;
		o += format_one(out + o, &ra->pa, ra->pleft, ra->pspace, ra->pdec);
	}
	n = o < size ? o : size - 1;
	memcpy(buf, out, n);
	buf[n] = '\0';
	return n;
}

/* Renders and parses an amount-like field: currency first, then the sign-simplified value. */
static int
amount_of(struct rules *r, int f, const char *v, size_t vn, const char *cur, size_t curn,
	  struct ramount *ra, struct terr *e)
{
	size_t sn, tn;
	const char *s = simplify_sign(r, v, vn, &sn), *why;
	char *t = scratch(r, curn + sn + 1);

	memcpy(t, cur, curn);
	memcpy(t + curn, s, sn);
	tn = curn + sn;
	t[tn] = '\0';
	if (parse_amount(r, t, tn, ra, &why, true) < 0) {
		const char *name = f < RF_BASE ? base_names[f] : "amount";
		char fname[32];

		if (f >= RF_BASE) {
			static const char *const fam[K_N] = {
				"account", "amount", "amount", "amount", "balance", "comment", "currency",
			};
			int k = (f - RF_BASE) / 100, num = (f - RF_BASE) % 100;

			snprintf(fname, sizeof fname, "%s%d%s", fam[k], num,
				 k == K_AMOUNT_IN ? "-in" : k == K_AMOUNT_OUT ? "-out" : "");
			name = fname;
		}
		terr_set(e, r->rec->file, r->rec->line, "%s: cannot read \"%s\" as an amount (%s)",
			 name, t, why);
		return -1;
	}
	return 0;
}

/* The currency for posting n: currencyN, else currency; not stripped ("EUR " keeps its space). */
static int
currency_of(struct rules *r, int n, const char **s, size_t *len, struct terr *e)
{
	const struct template *t;
	int rc = effective(r, RF_N(K_CURRENCY, n), &t, e);

	if (rc == 0)
		rc = effective(r, RF_CURRENCY, &t, e);
	*s = "";
	*len = 0;
	if (rc < 0)
		return -1;
	if (rc > 0)
		*s = render(r, t, len, 0);
	return 0;
}

/* The amount's cost: itself, or its price times it (@), or its total price (@@). */
static int
cost_of(const struct ramount *ra, struct amount *c)
{
	if (ra->price == 0) {
		*c = ra->a;
		return 0;
	}
	if (ra->price == 2) {
		*c = ra->pa;
		if (amount_sign(&ra->a) < 0)
			amount_neg(c);
		return 0;
	}
	if (amount_mul(c, &ra->a, &ra->pa) < 0)
		return -1;
	c->com = ra->pa.com;
	return 0;
}

/* Posting 2's share of an unnumbered amount: minus its cost, in the price's style. */
static int
to_cost(struct ramount *ra, const struct rules *r, struct terr *e)
{
	struct amount c;

	if (cost_of(ra, &c) < 0) {
		terr_set(e, r->rec->file, r->rec->line, "amount too large to hold exactly");
		return -1;
	}
	amount_neg(&c);
	if (ra->price) {
		ra->left = ra->pleft;
		ra->space = ra->pspace;
		ra->dec = ra->pdec;
		ra->price = 0;
	}
	ra->a = c;
	return 0;
}

/* Amount of posting n (hledger's getAmount). Returns 1 with *ra, 0 for none, -1 error. */
static int
posting_amount(struct rules *r, int n, bool p1virtual, struct ramount *ra, struct terr *e)
{
	int fields[6], nf = 0, i, kept = 0, which = -1, nz = 0, firstzero = -1;
	struct ramount got[6];
	bool numbered = false;
	const char *cur;
	size_t curn;

	fields[nf++] = RF_N(K_AMOUNT, n);
	fields[nf++] = RF_N(K_AMOUNT_IN, n);
	fields[nf++] = RF_N(K_AMOUNT_OUT, n);
	if (n == 1 || (n == 2 && !p1virtual)) {
		fields[nf++] = RF_AMOUNT;
		fields[nf++] = RF_AMOUNT_IN;
		fields[nf++] = RF_AMOUNT_OUT;
	}
	if (currency_of(r, n, &cur, &curn, e) < 0)
		return -1;
	{
		bool have[6] = {0};

		for (i = 0; i < nf; i++) {
			const char *v;
			size_t vn;
			int rc = value(r, fields[i], &v, &vn, e);

			if (rc < 0)
				return -1;
			if (rc == 0 || vn == 0)
				continue;
			if (amount_of(r, fields[i], v, vn, cur, curn, &got[i], e) < 0)
				return -1;
			if (fields[i] == RF_AMOUNT_OUT || fields[i] == RF_N(K_AMOUNT_OUT, n))
				amount_neg(&got[i].a);
			if (n == 2 && i >= 3 && to_cost(&got[i], r, e) < 0)
				return -1;
			have[i] = true;
			if (i < 3)
				numbered = true;
		}
		for (i = 0; i < nf; i++) {
			if (!have[i] || (numbered && i >= 3))
				continue;
			kept++;
			if (amount_is_zero(&got[i].a)) {
				if (firstzero < 0)
					firstzero = i;
			} else {
				nz++;
				which = i;
			}
		}
	}
	if (kept == 0)
		return 0;
	if (nz > 1) {
		terr_set(e, r->rec->file, r->rec->line,
			 "posting %d: more than one non-empty amount field (amount, -in, -out)", n);
		return -1;
	}
	*ra = got[nz ? which : firstzero];
	return 1;
}

int
rules_apply(struct rules *r, const struct csvrec *rec, struct rtxn *t, struct terr *e)
{
	const struct template *tp;
	const char *s;
	size_t n, i;
	int rc, np = 0, k;
	bool p1virtual = false;

	memset(t, 0, sizeof *t);
	if (r->ended)
		return RULES_END;
	r->rec = rec;
	r->whole_done = false;
	scratch_reset(r);
	memset(r->bmatch, -1, r->nblk ? r->nblk : 1);
	if (r->skipping > 0) {
		r->skipping--;
		return RULES_SKIP;
	}
	if ((rc = effective(r, RF_END, &tp, e)) != 0) {
		if (rc < 0)
			return -1;
		r->ended = true;
		return RULES_END;
	}
	if ((rc = value(r, RF_SKIP, &s, &n, e)) != 0) {
		char *end;
		long k2 = 1;

		if (rc < 0)
			return -1;
		if (n) {
			k2 = strtol(s, &end, 10);
			if (end != s + n || k2 < 1) {
				terr_set(e, rec->file, rec->line, "skip: not a number: %.*s", (int)n, s);
				return -1;
			}
		}
		r->skipping = k2 - 1;
		return RULES_SKIP;
	}
	if (rec->nf < 2) {
		terr_set(e, rec->file, rec->line,
			 "record has fewer than two fields (wrong separator, or a line to skip?)");
		return -1;
	}
	if ((rc = get_date(r, RF_DATE, &t->date, e)) <= 0) {
		if (rc == 0)
			terr_set(e, rec->file, rec->line, "no date: no date rule applies to this record");
		return -1;
	}
	t->date2 = DATE_NONE;
	if (assigned_anywhere(r, RF_DATE2) && (rc = get_date(r, RF_DATE2, &t->date2, e)) < 0)
		return -1;
	if ((rc = value(r, RF_STATUS, &s, &n, e)) < 0)
		return -1;
	if (rc && n) {
		if (n != 1 || (s[0] != '*' && s[0] != '!')) {
			terr_set(e, rec->file, rec->line, "status: \"%.*s\" is not *, ! or empty",
				 (int)n, s);
			return -1;
		}
		t->status = s[0];
	}
	if (value(r, RF_CODE, &t->code, &t->code_len, e) < 0 ||
	    value(r, RF_DESC, &t->desc, &t->desc_len, e) < 0 ||
	    value(r, RF_COMMENT, &s, &n, e) < 0)
		return -1;
	t->comment = s ? scratch_dup(r, s, n) : NULL;

	/* Is posting 1 virtual ("(account)")? Then posting 2 takes no unnumbered amount. */
	if ((rc = value(r, RF_N(K_ACCOUNT, 1), &s, &n, e)) < 0)
		return -1;
	p1virtual = rc && n && s[0] == '(' && s[n - 1] == ')';

	for (k = 1; k <= r->maxpost; k++) {
		struct rposting *p = &r->post[np];
		const char *acc;
		size_t accn;
		int arc;
		bool final = false;

		memset(p, 0, sizeof *p);
		if ((rc = posting_amount(r, k, p1virtual, &p->amt, e)) < 0)
			return -1;
		p->has_amt = rc == 1;
		if ((rc = value(r, RF_N(K_BALANCE, k), &s, &n, e)) < 0)
			return -1;
		if (rc == 0 && k == 1 && (rc = value(r, RF_BALANCE, &s, &n, e)) < 0)
			return -1;
		if (rc && n) {
			const char *cur;
			size_t curn;

			if (currency_of(r, k, &cur, &curn, e) < 0 ||
			    amount_of(r, k == 1 && !assigned_anywhere(r, RF_N(K_BALANCE, 1)) ?
				      RF_BALANCE : RF_N(K_BALANCE, k), s, n, cur, curn, &p->bal, e) < 0)
				return -1;
			p->has_bal = true;
		}
		if ((arc = value(r, RF_N(K_ACCOUNT, k), &acc, &accn, e)) < 0)
			return -1;
		if (arc && accn == 0)
			continue;  /* accountN set to nothing: no posting */
		if (arc) {
			final = true;
		} else if (p->has_amt || p->has_bal) {
			acc = "expenses:unknown";
			accn = strlen(acc);
		} else {
			continue;
		}
		if (!final && p->has_amt && amount_sign(&p->amt.a) < 0) {
			acc = "income:unknown";
			accn = strlen(acc);
		}
		p->account = acc;
		p->account_len = accn;
		if ((rc = value(r, RF_N(K_COMMENT, k), &s, &n, e)) < 0)
			return -1;
		p->comment = rc && n ? scratch_dup(r, s, n) : NULL;
		np++;
	}
	t->p = r->post;
	t->np = (size_t)np;
	t->record = rec;

	/* Check that the entry balances, as ledger and hledger will when they read it. */
	{
		int elided = 0, assigned = 0, com = -1;
		bool mixed = false;
		struct amount sum = {0, 0, 0};

		for (i = 0; i < t->np; i++) {
			const struct rposting *p = &t->p[i];
			struct amount c;

			if (p->account_len && p->account[0] == '(')
				continue;
			if (!p->has_amt) {
				if (p->has_bal)
					assigned++;
				else
					elided++;
				continue;
			}
			if (cost_of(&p->amt, &c) < 0) {
				terr_set(e, rec->file, rec->line, "amount too large to hold exactly");
				return -1;
			}
			if (com >= 0 && c.com != com && !amount_is_zero(&c))
				mixed = true;
			if (!amount_is_zero(&c))
				com = c.com;
			if (amount_add(&sum, &sum, &c) < 0) {
				terr_set(e, rec->file, rec->line, "amount too large to add up exactly");
				return -1;
			}
		}
		if (elided > 1) {
			terr_set(e, rec->file, rec->line, "more than one posting without an amount");
			return -1;
		}
		if (!elided && !assigned && !mixed && !amount_is_zero(&sum)) {
			char buf[2 * AMOUNT_BUF];
			struct ramount ra;

			memset(&ra, 0, sizeof ra);
			ra.a = sum;
			ra.space = true;
			ra.dec = '.';
			ramount_format(buf, sizeof buf, &ra);
			terr_set(e, rec->file, rec->line, "the entry does not balance: off by %s", buf);
			return -1;
		}
	}
	return RULES_ROW;
}
