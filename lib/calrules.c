/*
 * calrules.c: the calendar rules file (tally-calendar(1)): which events are sessions and
 * for which client. Same shape as the bank rules: `if` blocks of PCRE2 patterns
 * (case-insensitive) matched against an event's summary, description, location and
 * attendee addresses, with `client ID` or `skip` in their indented body. Every block that
 * matches applies, in order: a later `client` overrides an earlier one; any `skip` wins.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "tally.h"

enum field { F_ANY, F_SUMMARY, F_DESCRIPTION, F_LOCATION, F_ATTENDEE, F_N };
static const char *const fields[F_N] = {"", "summary", "description", "location", "attendee"};

struct pat {
	enum field field;
	struct regex *re;
};

struct block {
	struct pat *p;
	size_t np;
	char *client;      /* NULL: the block sets none */
	bool skip;
	long line;
};

struct calrules {
	struct block *b;
	size_t nb;
	char *client;      /* a top-level `client`: the default */
};

static bool
blank(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!isspace((unsigned char)s[i]))
			return false;
	return true;
}

/* A client ID as rules may give it: it is written as a tag value, so no separators. */
static bool
good_id(const char *s, size_t n)
{
	if (n == 0 || n > 200)
		return false;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c <= ' ' || c == 0x7f || c == ',' || c == ';' || c == ':')
			return false;
	}
	return true;
}

static int
add_pattern(struct block *b, const char *s, size_t n, const char *file, long line,
	    struct terr *e)
{
	enum field f = F_ANY;
	char why[400];
	struct regex *re;

	if (n && s[0] == '%') {
		size_t w = 1;

		while (w < n && !isspace((unsigned char)s[w]))
			w++;
		for (f = F_SUMMARY; f < F_N; f++)
			if (w - 1 == strlen(fields[f]) && strncmp(s + 1, fields[f], w - 1) == 0)
				break;
		if (f == F_N) {
			terr_set(e, file, line, "unknown field %.*s (%%summary, %%description, "
				 "%%location, %%attendee)", (int)(w > 40 ? 40 : w), s);
			return -1;
		}
		while (w < n && isspace((unsigned char)s[w]))
			w++;
		s += w;
		n -= w;
	}
	if (n == 0) {
		terr_set(e, file, line, "an empty pattern");
		return -1;
	}
	if (!(re = regex_compile(s, n, why, sizeof why))) {
		terr_set(e, file, line, "%s", why);
		return -1;
	}
	b->p = xrealloc(b->p, (b->np + 1) * sizeof *b->p);
	b->p[b->np++] = (struct pat){f, re};
	return 0;
}

/* One line of a block's body, or a top-level `client`. */
static int
body_line(struct calrules *r, struct block *b, const char *s, size_t n, const char *file,
	  long line, struct terr *e)
{
	size_t w = 0;

	while (w < n && !isspace((unsigned char)s[w]))
		w++;
	if (w == 4 && strncmp(s, "skip", 4) == 0 && blank(s + 4, n - 4) && b) {
		b->skip = true;
		return 0;
	}
	if (w == 6 && strncmp(s, "client", 6) == 0) {
		const char *v = s + 6;
		size_t m = n - 6;
		char **dst = b ? &b->client : &r->client;

		while (m && isspace((unsigned char)*v))
			v++, m--;
		while (m && isspace((unsigned char)v[m - 1]))
			m--;
		if (!good_id(v, m)) {
			terr_set(e, file, line, "client needs an ID without blanks, ',', ';' or ':'");
			return -1;
		}
		free(*dst);
		*dst = xstrndup(v, m);
		return 0;
	}
	terr_set(e, file, line, "unknown rule: %.*s (client ID, skip%s)", (int)(n > 60 ? 60 : n),
		 s, b ? "" : ", if REGEX");
	return -1;
}

static int
parse(struct calrules *r, const char *file, FILE *f, struct terr *e)
{
	char *buf = NULL;
	size_t cap = 0;
	ssize_t got;
	long line = 0;
	struct block *cur = NULL;
	bool in_head = false;   /* right after `if`: unindented lines are more patterns */

	while ((got = getline(&buf, &cap, f)) >= 0) {
		size_t n = (size_t)got;
		const char *s = buf;

		line++;
		while (n && (s[n - 1] == '\n' || s[n - 1] == '\r'))
			n--;
		if (memchr(s, 0, n)) {
			terr_set(e, file, line, "a NUL byte");
			goto fail;
		}
		if (blank(s, n)) {
			in_head = false;
			continue;
		}
		if (s[0] == '#' || s[0] == ';')
			continue;
		if (isspace((unsigned char)s[0])) {
			while (n && isspace((unsigned char)*s))
				s++, n--;
			if (!cur) {
				terr_set(e, file, line, "an indented rule outside an if block");
				goto fail;
			}
			in_head = false;
			if (body_line(r, cur, s, n, file, line, e) < 0)
				goto fail;
			continue;
		}
		if (n >= 2 && strncmp(s, "if", 2) == 0 && (n == 2 || isspace((unsigned char)s[2]))) {
			r->b = xrealloc(r->b, (r->nb + 1) * sizeof *r->b);
			cur = memset(&r->b[r->nb++], 0, sizeof *cur);
			cur->line = line;
			in_head = true;
			s += 2, n -= 2;
			while (n && isspace((unsigned char)*s))
				s++, n--;
			if (n && add_pattern(cur, s, n, file, line, e) < 0)
				goto fail;
			continue;
		}
		if (in_head) {
			if (add_pattern(cur, s, n, file, line, e) < 0)
				goto fail;
			continue;
		}
		cur = NULL;
		if (body_line(r, NULL, s, n, file, line, e) < 0)
			goto fail;
	}
	if (ferror(f)) {
		terr_set(e, file, 0, "cannot read");
		goto fail;
	}
	for (size_t i = 0; i < r->nb; i++) {
		if (!r->b[i].np) {
			terr_set(e, file, r->b[i].line, "if without a pattern");
			goto fail;
		}
		if (!r->b[i].client && !r->b[i].skip) {
			terr_set(e, file, r->b[i].line, "if block without client or skip");
			goto fail;
		}
	}
	free(buf);
	return 0;
fail:
	free(buf);
	return -1;
}

struct calrules *
calrules_load(const char *path, struct terr *e)
{
	FILE *f = fopen(path, "r");
	struct calrules *r;

	if (!f) {
		terr_set(e, path, 0, "cannot read the rules file");
		return NULL;
	}
	r = xcalloc(1, sizeof *r);
	if (parse(r, path, f, e) < 0) {
		calrules_free(r);
		r = NULL;
	}
	fclose(f);
	return r;
}

/* 1 when the text matches, 0 when not, -1 at the match limit. */
static int
match_text(const struct regex *re, const char *s)
{
	return s ? regex_match(re, s, strlen(s)) : 0;
}

static int
match_pat(const struct pat *p, const struct ical_inst *v)
{
	int m = 0;

	if ((p->field == F_ANY || p->field == F_SUMMARY) && (m = match_text(p->re, v->summary)))
		return m;
	if ((p->field == F_ANY || p->field == F_DESCRIPTION) &&
	    (m = match_text(p->re, v->description)))
		return m;
	if ((p->field == F_ANY || p->field == F_LOCATION) && (m = match_text(p->re, v->location)))
		return m;
	if (p->field == F_ANY || p->field == F_ATTENDEE)
		for (size_t k = 0; k < v->natt; k++)
			if ((m = match_text(p->re, v->attendees[k])))
				return m;
	return 0;
}

int
calrules_match(const struct calrules *r, const struct ical_inst *v, const char **client,
	       struct terr *e)
{
	const char *who = r->client;

	for (size_t i = 0; i < r->nb; i++) {
		const struct block *b = &r->b[i];
		int m = 0;

		for (size_t k = 0; k < b->np && m == 0; k++)
			m = match_pat(&b->p[k], v);
		if (m < 0) {
			terr_set(e, v->file, v->line, "a rule's pattern (line %ld) hit the match limit",
				 b->line);
			return -2;
		}
		if (!m)
			continue;
		if (b->skip)
			return -1;
		who = b->client;
	}
	*client = who;
	return who ? 1 : 0;
}

void
calrules_free(struct calrules *r)
{
	if (!r)
		return;
	for (size_t i = 0; i < r->nb; i++) {
		for (size_t k = 0; k < r->b[i].np; k++)
			regex_free(r->b[i].p[k].re);
		free(r->b[i].p);
		free(r->b[i].client);
	}
	free(r->b);
	free(r->client);
	free(r);
}
