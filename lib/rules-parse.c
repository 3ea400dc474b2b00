/*
 * rules-parse.c: reading a CSV rules file: top-level rules, `fields`, `if` blocks and
 * tables, `include`. Anything not understood is an error naming FILE:LINE and the rule,
 * never ignored. Templates and patterns are compiled here; %name references are resolved
 * once the whole file is read (rules.c).
 */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "rules-int.h"

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


/*
 * Splits a value into literal text and references: %name and %(name) (a CSV field), \N (a
 * match group of the `if` block's patterns), as current hledger reads them.
 */
static void
template_parse(struct template *t, const char *s, size_t n)
{
	size_t i = 0, start = 0, cap = 4;

	memset(t, 0, sizeof *t);
	t->text = xstrndup(s, n);
	t->parts = xcalloc(cap, sizeof *t->parts);
	t->nparts = 0;
	s = t->text;
	while (i <= n) {
		struct tpart part = {-1, NULL, 0, false, false, false, 0};
		size_t j = i + 1;

		if (i < n && s[i] == '%' && j < n && s[j] == '(') {
			for (j++; j < n && rules_name_char((unsigned char)s[j]); j++)
				;
			if (j > i + 2 && j < n && s[j] == ')')
				part = (struct tpart){-1, s + i + 2, j - i - 2, true, true, false, 0}, j++;
		} else if (i < n && s[i] == '%') {
			while (j < n && rules_name_char((unsigned char)s[j]))
				j++;
			if (j > i + 1)
				part = (struct tpart){-1, s + i + 1, j - i - 1, true, false, false, 0};
		} else if (i < n && s[i] == '\\') {
			int g = 0;

			while (j < n && s[j] >= '0' && s[j] <= '9' && g < 1000)
				g = g * 10 + (s[j++] - '0');
			if (j > i + 1)
				part = (struct tpart){-1, s + i, j - i, false, false, false, g ? g : -1};
		}
		if (i == n || part.ref || part.group) {
			if (t->nparts + 2 > cap) {
				cap *= 2;
				t->parts = xrealloc(t->parts, cap * sizeof *t->parts);
			}
			if (i > start)
				t->parts[t->nparts++] = (struct tpart){-1, s + start, i - start, false, false,
								       false, 0};
			if (i == n)
				break;
			t->parts[t->nparts++] = part;
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

/*
 * An account assignment must not hold two spaces or a tab: both tools end the account name
 * there and would read the rest as an amount (hledger refuses it too).
 */
static int
check_value(int field, const char *v, size_t n, const char *file, long line, struct terr *e)
{
	char name[32];

	if (field < RF_N(K_ACCOUNT, 1) || field > RF_N(K_ACCOUNT, MAXPOST))
		return 0;
	while (n && (v[n - 1] == ' ' || v[n - 1] == '\t'))  /* trailing blanks are stripped */
		n--;
	for (size_t i = 0; i < n; i++)
		if (v[i] == '\t' || (v[i] == ' ' && i + 1 < n && v[i + 1] == ' ')) {
			terr_set(e, file, line, "%s: two spaces or a tab in an account name (the rest "
				 "would be read as an amount)", rules_field_label(field, name, sizeof name));
			return -1;
		}
	return 0;
}

/* Splits "name[: ]value" after a known word: the value, with the separator removed. */
static bool
word_value(const char *s, size_t n, size_t wl, const char **v, size_t *vn)
{
	size_t i = wl;

	if (i < n && s[i] == ':') {
		i++;
	} else if (i < n && rules_is_blank(s[i])) {
		while (i < n && rules_is_blank(s[i]))
			i++;
		if (i < n && s[i] == ':')
			i++;
	} else if (i != n) {
		return false;
	}
	while (i < n && rules_is_blank(s[i]))
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

		while (i < n && rules_is_blank(v[i]))
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
			rules_strip(&f, &fn);
		}
		while (i < n && rules_is_blank(v[i]))
			i++;
		name = xstrndup(f, fn);
		rules_lower(name);
		if (strcmp(name, "_") == 0)
			name[0] = '\0';
		r->fnames = xrealloc(r->fnames, (r->nfields + 1) * sizeof *r->fnames);
		r->fnames[r->nfields++] = name;
		id = *name ? rules_field_id(name, strlen(name)) : -1;
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

static struct matcher *add_matcher(struct block *b);

/* Where the pattern starting at i ends: at "&&" (the next matcher) or at n. */
static size_t
pattern_end(const char *s, size_t i, size_t n)
{
	for (; i + 1 < n; i++)
		if (s[i] == '&' && s[i + 1] == '&')
			return i;
	return n;
}

/*
 * The matchers on one line, as current hledger reads them: each is [&&|&] [!] [%field]
 * PATTERN; "&&" (or a leading "&") ands it with the one before, "!" negates it, and "&&"
 * also ends the pattern before it (a single '&' inside a pattern is part of it).
 */
static int
compile_matchers(struct block *b, const char *s, size_t n, const char *file, long line,
		 struct terr *e)
{
	char why[400];
	size_t i = 0;

	for (;;) {
		struct matcher *m = add_matcher(b);
		const char *p;
		size_t end, pn;

		while (i < n && rules_is_blank(s[i]))
			i++;
		if (i < n && s[i] == '&') {
			m->and = true;
			i += i + 1 < n && s[i + 1] == '&' ? 2 : 1;
			while (i < n && rules_is_blank(s[i]))
				i++;
		}
		if (i < n && s[i] == '!') {
			m->not = true;
			i++;
			while (i < n && rules_is_blank(s[i]))
				i++;
		}
		m->field = -1;
		end = pattern_end(s, i, n);
		if (i < end && s[i] == '%') {
			size_t j = i + 1, k;

			while (j < end && rules_name_char((unsigned char)s[j]))
				j++;
			k = j;
			while (k < end && rules_is_blank(s[k]))
				k++;
			if (j > i + 1 && k > j && k < end) {
				m->ref = true;
				m->fname = xstrndup(s + i + 1, j - i - 1);
				rules_lower(m->fname);
				i = k;
			}
		}
		p = s + i;
		pn = end - i;
		rules_strip(&p, &pn);
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
		m->lit = rules_lit_new(p, pn);
		if (end == n)
			return 0;
		i = end;
	}
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

	while (i < n && rules_is_blank(s[i]))
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

	if (!blank_line(rest, rn) && compile_matchers(b, rest, rn, S->file, line, e) < 0)
		return -1;
	while (S->i < S->nl) {
		struct line *l = &S->l[S->i];

		if (blank_line(l->p, l->n) || rules_is_blank(l->p[0]))
			break;
		if (compile_matchers(b, l->p, l->n, S->file, l->no, e) < 0)
			return -1;
		S->i++;
	}
	while (S->i < S->nl) {
		struct line *l = &S->l[S->i];
		const char *s = l->p, *v;
		size_t n = l->n, wl, vn;
		int id;

		if (blank_line(s, n) || !rules_is_blank(s[0]))
			break;
		S->i++;
		if (comment_line(s, n))
			continue;
		while (n && rules_is_blank(*s))
			s++, n--;
		wl = word_len(s, n);
		id = rules_field_id(s, wl);
		if (id < 0 || !word_value(s, n, wl, &v, &vn)) {
			terr_set(e, S->file, l->no, "unknown field in if block: %.*s", (int)(wl ? wl : n), s);
			return -1;
		}
		if (check_value(id, v, vn, S->file, l->no, e) < 0)
			return -1;
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
		rules_strip(&f, &fn);
		if (nid == 256 || (ids[nid] = rules_field_id(f, fn)) < 0) {
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
		if (compile_matchers(b, l->p, j, S->file, l->no, e) < 0)
			return -1;
		for (k = 0; k < nid; k++) {
			size_t st = ++j;

			while (j < l->n && l->p[j] != sep)
				j++;
			if (check_value(ids[k], l->p + st, j - st, S->file, l->no, e) < 0)
				return -1;
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
	"decimal-mark-", NULL,
};

static int
parse_line(struct rules *r, struct src *S, struct line *l, int depth, struct terr *e)
{
	const char *s = l->p, *v;
	size_t n = l->n, wl = word_len(s, n), vn;
	int id;

	if (blank_line(s, n) || comment_line(s, n))
		return 0;
	if (rules_is_blank(s[0])) {
		terr_set(e, S->file, l->no, "indented line outside an if block");
		return -1;
	}
	if (wl == 2 && memcmp(s, "if", 2) == 0 && n > 2 && !rules_is_blank(s[2]) &&
	    !isalnum((unsigned char)s[2]))
		return parse_table(r, S, s + 2, n - 2, l->no, e);
	if (wl == 2 && memcmp(s, "if", 2) == 0 && (n == 2 || rules_is_blank(s[2])))
		return parse_block(r, S, s + 2, n - 2, l->no, e);
	if (wl == 0 || !word_value(s, n, wl, &v, &vn)) {
		terr_set(e, S->file, l->no, "unknown rule: %.*s", (int)(n > 40 ? 40 : n), s);
		return -1;
	}
	rules_strip(&v, &vn);
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
		rc = rules_parse_file(r, path, depth + 1, e);
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
	if (IS("source")) {  /* used when no CSV is named: rules-source.c */
		free(r->source);
		r->source = xstrndup(v, vn);
		r->source_file = S->file;
		r->source_line = l->no;
		return 0;
	}
	if (IS("archive")) {
		r->archive = true;
		return 0;
	}
	if (IS("timezone")) {  /* the zone of the CSV's times that have none */
		const char *p = v;

		if (!csvdate_zone(&p, v + vn, false, &r->tzin) || p != v + vn) {
			terr_set(e, S->file, l->no, "timezone: not a zone (+HHMM, -HH:MM, UTC, EST...): %.*s",
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
	if (IS("intra-day-reversed")) {
		r->intraday_reversed = true;
		return 0;
	}
	if (IS("encoding")) {
		char *name = xstrndup(v, vn), why[200];

		free(r->charset);
		r->charset = NULL;
		if (strcasecmp(name, "utf-8") == 0 || strcasecmp(name, "utf8") == 0) {
			r->encoding = CSVIN_UTF8;
		} else if (strcasecmp(name, "latin1") == 0 || strcasecmp(name, "latin-1") == 0 ||
			   strcasecmp(name, "iso-8859-1") == 0) {
			r->encoding = CSVIN_LATIN1;
		} else if (csvin_charset_ok(name, why, sizeof why)) {
			r->encoding = CSVIN_UTF8;  /* converted to UTF-8 first, through iconv */
			r->charset = name;
			return 0;
		} else {
			terr_set(e, S->file, l->no, "encoding: %s", why);
			free(name);
			return -1;
		}
		free(name);
		return 0;
	}
	if (IS("balance-type")) {
		/* Written as given, as hledger does: ledger 3.3 reads only "=". */
		static const char *const ops[] = {"=", "==", "=*", "==*"};

		for (size_t k = 0; k < 4; k++)
			if (vn == strlen(ops[k]) && memcmp(v, ops[k], vn) == 0) {
				r->balance_op = ops[k];
				return 0;
			}
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
	id = rules_field_id(s, wl);
	if (id == RF_SKIP || id == RF_END || id < 0) {
		terr_set(e, S->file, l->no, "unknown rule: %.*s", (int)wl, s);
		return -1;
	}
	{
		/* The value keeps its trailing blanks: hledger's currency "EUR " is spaced. */
		const char *raw = v;
		size_t rawn = vn;

		(void)word_value(s, n, wl, &raw, &rawn);
		while (rawn && (raw[rawn - 1] == '\r' || raw[rawn - 1] == '\n'))
			rawn--;
		if (check_value(id, raw, rawn, S->file, l->no, e) < 0)
			return -1;
		add_top(r, id, raw, rawn, S->file, l->no);
	}
	return 0;
}

int
rules_parse_file(struct rules *r, const char *path, int depth, struct terr *e)
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

