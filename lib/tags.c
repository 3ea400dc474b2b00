/*
 * tags.c: tags in comments. hledger's form "key: value, key2: value2" (the value ends at a
 * comma or the end of the line) and ledger's ":tag1:tag2:" (tags without values). The
 * values of tally's free-text tags (vocab_to_eol) run to the end of the line, commas and
 * all, as ledger reads every value.
 */
#include <string.h>

#include "tally.h"

/* Byte classes, one load per byte on the hot path (every comment line of every entry). */
enum { C_SPACE = 1, C_MARK = 2, C_STOP = 4, C_COLON = 8 };
static const unsigned char cls[256] = {
	[' '] = C_SPACE | C_STOP, ['\t'] = C_SPACE | C_STOP, ['\r'] = C_SPACE | C_STOP,
	[','] = C_STOP, [':'] = C_COLON,
	[';'] = C_MARK, ['#'] = C_MARK, ['*'] = C_MARK, ['%'] = C_MARK, ['|'] = C_MARK,
};

static bool
is_space(char c)
{
	return cls[(unsigned char)c] & C_SPACE;
}

static struct span
trim(const char *p, const char *e)
{
	struct span s;

	while (p < e && is_space(*p))
		p++;
	while (e > p && is_space(e[-1]))
		e--;
	s.p = p;
	s.n = (size_t)(e - p);
	return s;
}

/* Tags on one comment line [p, e); the comment markers have been skipped. */
static int
line_tags(const char *p, const char *e, int (*fn)(struct span, struct span, void *), void *arg)
{
	const char *c, *w, *v, *ve;
	struct span none = {"", 0}, key;
	int r;

	while (p < e) {
		/* most lines: blanks, a word, its colon - the word read forward, in one go */
		for (w = p; w < e && (cls[(unsigned char)*w] & C_SPACE); w++)
			;
		for (c = w; c < e && !(cls[(unsigned char)*c] & (C_STOP | C_COLON)); c++)
			;
		if (c == w || c == e || *c != ':') {
			/* else the first colon, and the word before it */
			if (!(c = memchr(p, ':', (size_t)(e - p))))
				break;
			for (w = c; w > p && !(cls[(unsigned char)w[-1]] & C_STOP); w--)
				;
		}
		if (w == c) {
			/* ":a:b:" - ledger's value-less tags, when the word holds no spaces. */
			const char *q = c + 1;

			while (q < e && !is_space(*q)) {
				const char *t = memchr(q, ':', (size_t)(e - q));
				const char *sp = q;

				while (sp < e && !is_space(*sp) && *sp != ':')
					sp++;
				if (!t || sp < t || t == q)
					break;
				key.p = q;
				key.n = (size_t)(t - q);
				if ((r = fn(key, none, arg)) != 0)
					return r;
				q = t + 1;
			}
			p = q > c + 1 ? q : c + 1;
			continue;
		}
		v = c + 1;
		key.p = w;
		key.n = (size_t)(c - w);
		/* free text (name, address, signed...) keeps its commas, as ledger reads it;
		 * asked only of a value with a comma: most have none */
		ve = memchr(v, ',', (size_t)(e - v));
		if (!ve || vocab_to_eol(key))
			ve = e;
		if ((r = fn(key, trim(v, ve), arg)) != 0)
			return r;
		p = ve < e ? ve + 1 : e;
	}
	return 0;
}

int
tag_each(struct span comment, int (*fn)(struct span, struct span, void *), void *arg)
{
	const char *p = comment.p, *end, *nl;
	int r;

	if (!p)  /* no comment: NULL + 0 is undefined behaviour */
		return 0;
	end = p + comment.n;
	while (p && p < end) {
		nl = memchr(p, '\n', (size_t)(end - p));
		if (!nl)
			nl = end;
		while (p < nl && is_space(*p))
			p++;
		while (p < nl && (cls[(unsigned char)*p] & C_MARK))
			p++;
		if ((r = line_tags(p, nl, fn, arg)) != 0)
			return r;
		p = nl + 1;
	}
	return 0;
}

struct find {
	const char *key;
	size_t n;
	struct span *value;
};

static int
match(struct span key, struct span value, void *arg)
{
	struct find *f = arg;

	if (key.n == f->n && memcmp(key.p, f->key, f->n) == 0) {
		*f->value = value;
		return 1;
	}
	return 0;
}

bool
tag_find(struct span comment, const char *key, struct span *value)
{
	struct find f = {key, strlen(key), value};
	struct span dummy;

	if (!value)
		f.value = &dummy;
	return tag_each(comment, match, &f) == 1;
}
