/*
 * icaltext.c: an iCalendar file as text, beside libical's reading of it: the file read
 * whole, and the line of each component's BEGIN and of its properties, so that every
 * error can say FILE:LINE.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "icaltext.h"

/* A file larger than this is not a calendar export: refuse it rather than exhaust memory. */
#define MAX_FILE ((size_t)64 << 20)

long
icaltext_line_at(const char *text, size_t off)
{
	long n = 1;

	for (size_t i = 0; i < off; i++)
		n += text[i] == '\n';
	return n;
}

/* The BEGIN/END lines, in order, with a stack so that each BEGIN finds its END. */
void
icaltext_scan(struct icaltext *x)
{
	size_t cap = 0, *stack = NULL, depth = 0, dcap = 0;
	const char *s = x->text;
	long line = 1;

	for (size_t i = 0; i < x->len;) {
		size_t j = i, n;

		while (j < x->len && s[j] != '\n')
			j++;
		n = j - i;
		if (n && s[i + n - 1] == '\r')
			n--;
		if (n > 6 && strncasecmp(s + i, "BEGIN:", 6) == 0) {
			if (x->npos == cap) {
				cap = cap ? cap * 2 : 64;
				x->pos = xrealloc(x->pos, cap * sizeof *x->pos);
			}
			struct cpos *p = &x->pos[x->npos];
			size_t m = n - 6 < sizeof p->name - 1 ? n - 6 : sizeof p->name - 1;

			memcpy(p->name, s + i + 6, m);
			p->name[m] = 0;
			p->line = line;
			p->off = i;
			p->end = x->len;
			if (depth == dcap) {
				dcap = dcap ? dcap * 2 : 16;
				stack = xrealloc(stack, dcap * sizeof *stack);
			}
			stack[depth++] = x->npos++;
		} else if (n > 4 && strncasecmp(s + i, "END:", 4) == 0 && depth) {
			x->pos[stack[--depth]].end = i;
		}
		i = j + 1;
		line++;
	}
	free(stack);
}

/* The line of a component's own property (not a sub-component's), else its BEGIN line. */
long
icaltext_prop_line(const struct icaltext *x, const struct cpos *p, const char *name)
{
	const char *s = x->text;
	size_t nl = strlen(name);
	int depth = 0;

	if (!p)
		return 1;
	for (size_t i = p->off; i < p->end && i < x->len;) {
		size_t j = i;

		while (j < x->len && s[j] != '\n')
			j++;
		if (strncasecmp(s + i, "BEGIN:", 6) == 0)
			depth++;
		else if (strncasecmp(s + i, "END:", 4) == 0)
			depth--;
		else if (depth == 1 && j - i > nl && strncasecmp(s + i, name, nl) == 0 &&
			 (s[i + nl] == ':' || s[i + nl] == ';'))
			return icaltext_line_at(s, i);
		i = j + 1;
	}
	return p->line;
}

/*
 * The line an X-LIC-ERROR is about: libical's messages end with the offending text
 * ("...: SUMMARY Coffee"); the first line of the component holding it, else its BEGIN line.
 */
long
icaltext_error_line(const struct icaltext *x, const struct cpos *cp, const char *m)
{
	const char *tail = m ? strrchr(m, ':') : NULL;
	size_t n;

	if (!cp)
		return 1;
	if (!tail || !*++tail)
		return cp->line;
	while (*tail == ' ')
		tail++;
	if ((n = strlen(tail)) < 4)
		return cp->line;
	for (size_t i = cp->off; i + n <= cp->end && i < x->len;) {
		const char *nl = memchr(x->text + i, '\n', x->len - i);
		size_t j = nl ? (size_t)(nl - x->text) : x->len;

		for (size_t k = i; k + n <= j; k++)
			if (memcmp(x->text + k, tail, n) == 0)
				return icaltext_line_at(x->text, i);
		i = j + 1;
	}
	return cp->line;
}

/* The whole file, NUL-terminated; NULL with *e set. */
char *
icaltext_slurp(const char *path, const char *name, size_t *len, struct terr *e)
{
	FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
	char *buf = NULL;
	size_t n = 0, cap = 0, got;

	if (!f) {
		terr_set(e, name, 0, "cannot read: %s", strerror(errno));
		return NULL;
	}
	do {
		if (n + 65536 + 1 > cap) {
			cap = cap ? cap * 2 : 65536 * 2;
			buf = xrealloc(buf, cap);
		}
		got = fread(buf + n, 1, cap - n - 1, f);
		n += got;
	} while (got > 0 && n <= MAX_FILE);
	if (ferror(f) || n > MAX_FILE) {
		terr_set(e, name, 0, ferror(f) ? "cannot read" : "larger than 64 MiB");
		free(buf);
		buf = NULL;
	} else
		buf[n] = 0;
	if (f != stdin)
		fclose(f);
	*len = n;
	return buf;
}

