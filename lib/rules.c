/*
 * rules.c: hledger's CSV conversion rules (the subset in docs/rules.md): the rules and their
 * lifecycle. Reading a rules file is in rules-parse.c, applying the rules to a record in
 * rules-apply.c, a CSV's dates and amounts in csvdate.c and csvamount.c. The meaning
 * follows hledger: top-level assignments first, then matching `if` blocks in order, the
 * last assignment to a field wins.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "rules-int.h"

/* ---- journal field names ---- */

const char *const rules_base_names[RF_BASE] = {
	"date", "date2", "status", "code", "description", "comment", "currency", "amount",
	"amount-in", "amount-out", "balance", "skip", "end",
};

/* The field id of a journal field name, or -1. */
int
rules_field_id(const char *s, size_t n)
{
	static const char *const fam[K_N] = {
		"account", "amount", "amount", "amount", "balance", "comment", "currency",
	};
	size_t i, k, d;

	for (i = 0; i < RF_BASE; i++)
		if (strlen(rules_base_names[i]) == n && memcmp(rules_base_names[i], s, n) == 0)
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


const char *
rules_field_label(int f, char *buf, size_t size)
{
	static const char *const fam[K_N] = {
		"account", "amount", "amount", "amount", "balance", "comment", "currency",
	};
	int k, num;

	if (f < RF_BASE)
		return rules_base_names[f];
	k = (f - RF_BASE) / 100;
	num = (f - RF_BASE) % 100;
	snprintf(buf, size, "%s%d%s", fam[k], num,
		 k == K_AMOUNT_IN ? "-in" : k == K_AMOUNT_OUT ? "-out" : "");
	return buf;
}

/* ---- scratch arena ---- */

/* rules_scratch() past the current chunk: the next one with room, or a new one. */
char *
rules_scratch_more(struct rules *r, size_t n)
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

void
rules_scratch_reset(struct rules *r)
{
	size_t i;

	for (i = 0; i < r->nch; i++)
		r->ch[i].used = 0;
	r->curch = 0;
}

char *
rules_scratch_dup(struct rules *r, const char *s, size_t n)
{
	char *p = rules_scratch(r, n + 1);

	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

/* ---- small string helpers ---- */

bool
rules_is_blank(int c)
{
	return c == ' ' || c == '\t';
}

bool
rules_name_char(unsigned char c)
{
	return isalnum(c) || c == '_' || c == '-' || c >= 0x80;
}

void
rules_lower(char *s)
{
	for (; *s; s++)
		*s = (char)tolower((unsigned char)*s);
}

/* Resolves %name references once the whole file (and every `fields` line) is known. */
static int
field_index(const struct rules *r, const char *name, size_t n)
{
	size_t i;

	if (n == 0)
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
	for (i = r->nfields; i-- > 0;)  /* names are lower-cased: compare case-folded */
		if (strlen(r->fnames[i]) == n && strncasecmp(r->fnames[i], name, n) == 0)
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
		if (p->field < 0) {  /* no such field: stays as written, "%name" or "%(name)" */
			p->ref = false;
			p->missing = true;
			p->p -= p->paren ? 2 : 1;
			p->n += p->paren ? 3 : 1;
		}
	}
}

/* What render() would make of a template without references, in and outside a comment. */
static void
template_prepare(struct template *t)
{
	size_t i, len = 0, clen = 0;
	const char *p;

	t->kind = TK_ANY;
	t->plain = t->ctext = NULL;
	t->plainn = t->ctextn = 0;
	t->missing = t->groups = t->line = false;
	for (i = 0; i < t->nparts; i++)
		t->groups |= t->parts[i].group != 0;
	if (t->nparts == 1 && t->parts[0].ref && !t->parts[0].group) {
		t->kind = TK_FIELD;
		return;
	}
	for (i = 0; i < t->nparts; i++)
		if (t->parts[i].ref || t->parts[i].group)
			return;
	for (i = 0; i < t->nparts; i++)
		len += t->parts[i].n;
	t->plain = xmalloc(len + 1);
	t->ctext = xmalloc(len + 1);
	for (i = 0; i < t->nparts; i++) {
		const struct tpart *tp = &t->parts[i];

		memcpy(t->plain + t->plainn, tp->p, tp->n);
		t->plainn += tp->n;
		for (size_t k = 0; k < tp->n; k++) {
			if (tp->p[k] == '\\' && k + 1 < tp->n && tp->p[k + 1] == 'n') {
				t->ctext[clen++] = '\n';
				k++;
			} else {
				t->ctext[clen++] = tp->p[k];
			}
		}
		t->missing |= tp->missing;
	}
	p = t->plain;
	rules_strip(&p, &t->plainn);
	memmove(t->plain, p, t->plainn);
	t->plain[t->plainn] = '\0';
	t->line = t->plainn && !memchr(t->plain, '\n', t->plainn) &&
		  !memchr(t->plain, '\r', t->plainn);
	p = t->ctext;
	while (clen && rules_is_blank(*p))
		p++, clen--;
	while (clen && rules_is_blank(p[clen - 1]))
		clen--;
	memmove(t->ctext, p, clen);
	t->ctext[clen] = '\0';
	t->ctextn = clen;
	t->kind = TK_TEXT;
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
		template_prepare(&r->top[i].t);
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
			template_prepare(&b->a[j].t);
			if (fl->n == fl->cap) {
				fl->cap = fl->cap ? fl->cap * 2 : 4;
				fl->blk = xrealloc(fl->blk, fl->cap * sizeof *fl->blk);
				fl->asg = xrealloc(fl->asg, fl->cap * sizeof *fl->asg);
			}
			fl->blk[fl->n] = i;
			fl->asg[fl->n++] = j;
		}
	}
	for (i = 0; i < RF_COUNT; i++)
		r->fset[i] = r->toplast[i] >= 0 || r->bylist[i].n;
	for (i = RF_BASE; i < RF_COUNT; i++)
		if (r->toplast[i] >= 0 || r->bylist[i].n) {
			int n = (int)((i - RF_BASE) % 100);

			if (n > r->maxpost)
				r->maxpost = n;
		}
}

bool
rules_assigned(const struct rules *r, int f)
{
	return r->toplast[f] >= 0 || r->bylist[f].n > 0;
}


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

	r->tzin = CSVDATE_NOZONE;
	const char *why;

	if (rules_parse_file(r, path, 0, e) < 0) {
		keep_errfile(e);
		rules_free(r);
		return NULL;
	}
	index_assignments(r);
	if (!rules_assigned(r, RF_DATE)) {
		terr_set(e, path, 1, "no date rule (add e.g. \"date %%1\" or a fields list naming date)");
		rules_free(r);
		return NULL;
	}
	if (r->date_format && csvdate_check(r->date_format, &why) < 0) {
		terr_set(e, r->date_format_file, r->date_format_line, "date-format: %s", why);
		keep_errfile(e);
		rules_free(r);
		return NULL;
	}
	r->bmatch = xcalloc(r->nblk ? r->nblk : 1, 1);
	rules_lit_index(r);
	rules_match_index(r);
	rules_apply_index(r);
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
	if (t->nparts > 1 || (t->nparts == 1 && (t->parts[0].ref || t->parts[0].group)))
		return false;
	*s = t->nparts ? t->parts[0].p : "";
	*n = t->nparts ? t->parts[0].n : 0;
	rules_strip(s, n);
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

const char *
rules_charset(const struct rules *r)
{
	return r->charset;
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

bool
rules_intraday_reversed(const struct rules *r)
{
	return r->intraday_reversed;
}

static void
template_free(struct template *t)
{
	free(t->text);
	free(t->plain);
	free(t->ctext);
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
			rules_lit_free(b->m[j].lit);
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
		free(r->bylist[i].quick);
	}
	free(r->date_format);
	free(r->charset);
	free(r->source);
	for (i = 0; i < r->nfiles; i++)
		free(r->files[i]);
	free(r->files);
	free(r->bmatch);
	rules_lit_index_free(r);
	free(r->whole);
	for (i = 0; i < r->nch; i++)
		free(r->ch[i].p);
	free(r->ch);
	free(r->tmp);
	free(r);
}

