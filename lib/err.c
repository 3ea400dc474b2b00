/* err.c: diagnostics with a position, allocation that cannot fail, byte spans. */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "tally.h"
#include "internal.h"  /* xoom */

void
terr_set(struct terr *e, const char *file, long line, const char *fmt, ...)
{
	va_list ap;

	e->file = file;
	e->line = line;
	va_start(ap, fmt);
	vsnprintf(e->msg, sizeof e->msg, fmt, ap);
	va_end(ap);
}

void
terr_print(const char *prog, const struct terr *e)
{
	if (e->file && e->line > 0)
		fprintf(stderr, "%s: %s:%ld: %s\n", prog, e->file, e->line, e->msg);
	else if (e->file)
		fprintf(stderr, "%s: %s: %s\n", prog, e->file, e->msg);
	else
		fprintf(stderr, "%s: %s\n", prog, e->msg);
}

_Noreturn void
xoom(void)
{
	fputs("tally: out of memory\n", stderr);
	abort();
}

void *
xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);

	if (!p)
		xoom();
	return p;
}

void *
xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);

	if (!p)
		xoom();
	return p;
}

void *
xrealloc(void *p, size_t n)
{
	p = realloc(p, n ? n : 1);
	if (!p)
		xoom();
	return p;
}

char *
xstrndup(const char *s, size_t n)
{
	char *d = xmalloc(n + 1);

	memcpy(d, s, n);
	d[n] = '\0';
	return d;
}

char *
xstrdup(const char *s)
{
	return xstrndup(s, strlen(s));
}

bool
span_eq(struct span s, const char *z)
{
	size_t n = strlen(z);

	return s.n == n && memcmp(s.p, z, n) == 0;
}

char *
span_dup(struct span s)
{
	return xstrndup(s.p ? s.p : "", s.n);
}
