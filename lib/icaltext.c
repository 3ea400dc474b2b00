/*
 * icaltext.c: an iCalendar file as text, beside libical's reading of it: the file read
 * whole, and the line of each component's BEGIN and of its properties, so that every
 * error can say FILE:LINE; and libical's times and UIDs as tally writes them.
 */
#include <errno.h>
#include <stdio.h>
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

/* A component name after BEGIN: or END: (n bytes at s), cut to fit buf. */
static void
comp_name(char *buf, size_t size, const char *s, size_t n)
{
	size_t m = n < size - 1 ? n : size - 1;

	memcpy(buf, s, m);
	buf[m] = 0;
}

/*
 * The BEGIN/END lines, in order, with a stack so that each BEGIN finds its END. A stray or
 * mismatched END is refused here: libical would print its own warning for it.
 */
int
icaltext_scan(struct icaltext *x, const char *file, struct terr *e)
{
	size_t cap = 0, *stack = NULL, depth = 0, dcap = 0;
	const char *s = x->text;
	long line = 1;
	char name[sizeof x->pos->name];

	for (size_t i = 0; i < x->len;) {
		size_t j = i, n;

		while (j < x->len && s[j] != '\n')
			j++;
		n = j - i;
		if (n && s[i + n - 1] == '\r')
			n--;
		if (n >= 6 && strncasecmp(s + i, "BEGIN:", 6) == 0) {
			struct cpos *p;

			if (x->npos == cap) {
				cap = cap ? cap * 2 : 64;
				x->pos = xrealloc(x->pos, cap * sizeof *x->pos);
			}
			p = &x->pos[x->npos];
			comp_name(p->name, sizeof p->name, s + i + 6, n - 6);
			p->line = line;
			p->off = i;
			p->end = x->len;
			if (depth == dcap) {
				dcap = dcap ? dcap * 2 : 16;
				stack = xrealloc(stack, dcap * sizeof *stack);
			}
			stack[depth++] = x->npos++;
		} else if (n >= 4 && strncasecmp(s + i, "END:", 4) == 0) {
			comp_name(name, sizeof name, s + i + 4, n - 4);
			if (!depth) {
				terr_set(e, file, line, "END:%s without BEGIN", name);
				free(stack);
				return -1;
			}
			if (strcasecmp(name, x->pos[stack[depth - 1]].name) != 0) {
				terr_set(e, file, line, "END:%s closes BEGIN:%s of line %ld", name,
					 x->pos[stack[depth - 1]].name, x->pos[stack[depth - 1]].line);
				free(stack);
				return -1;
			}
			x->pos[stack[--depth]].end = i;
		}
		i = j + 1;
		line++;
	}
	if (depth) {
		/* At the last line (a final newline does not start another). */
		terr_set(e, file, line > 1 ? line - 1 : 1, "no END:%s: the file is cut short",
			 x->pos[stack[0]].name);
		free(stack);
		return -1;
	}
	free(stack);
	return 0;
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

/* ---- times and UIDs as tally writes them ---- */

bool
icaltext_same_minute(struct icaltimetype a, struct icaltimetype b)
{
	return a.year == b.year && a.month == b.month && a.day == b.day && a.hour == b.hour &&
	       a.minute == b.minute;
}

tdate
icaltext_date(struct icaltimetype t)
{
	return date_valid_ymd(t.year, t.month, t.day) ? date_from_ymd(t.year, t.month, t.day) :
							DATE_NONE;
}

long long
icaltext_stamp(struct icaltimetype t)
{
	tdate d = icaltext_date(t);

	return d == DATE_NONE ? -1 : (long long)d * 1440 + t.hour * 60 + t.minute;
}

/* A UID as a tag value: bytes that could end or split a tag are written %XX. */
char *
icaltext_uid_escape(const char *uid, const char *suffix)
{
	size_t n = strlen(uid);
	char *s = xmalloc(n * 3 + strlen(suffix) + 1), *w = s;

	for (size_t i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)uid[i];

		if (ch <= ' ' || ch == 0x7f || ch == ',' || ch == ';' || ch == '%' || ch == '"' ||
		    ch == '\\')
			w += sprintf(w, "%%%02X", ch);
		else
			*w++ = (char)ch;
	}
	strcpy(w, suffix);
	return s;
}
