/*
 * sesscount.c: the session counts per client over a period (tally-sessions): one row of
 * figures per client, and what its packages say at the period's end: expired with credit
 * left, overrun, one session left, used up. The command counts into the rows and writes
 * them; what a row means and when a package is worth a warning is here.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tally.h"

struct scount_row *
scounts_grow(struct scounts *s, const struct client *c)
{
	if (c->index >= s->nrows) {
		size_t n = c->index + 16;

		s->rows = xrealloc(s->rows, n * sizeof *s->rows);
		memset(s->rows + s->nrows, 0, (n - s->nrows) * sizeof *s->rows);
		s->nrows = n;
	}
	return &s->rows[c->index];
}

void
scounts_warn(struct scount_row *r, const char *fmt, ...)
{
	char buf[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	r->warn = xrealloc(r->warn, (r->nwarn + 1) * sizeof *r->warn);
	r->warn[r->nwarn++] = xstrdup(buf);
}

void
scounts_reset(struct scounts *s)
{
	for (size_t i = 0; i < s->nrows; i++) {
		for (size_t k = 0; k < s->rows[i].nwarn; k++)
			free(s->rows[i].warn[k]);
		free(s->rows[i].warn);
	}
	if (s->rows)
		memset(s->rows, 0, s->nrows * sizeof *s->rows);
}

void
scounts_free(struct scounts *s)
{
	scounts_reset(s);
	free(s->rows);
	s->rows = NULL;
	s->nrows = 0;
}

static bool
wanted(const struct scount_opts *o, const struct client *c)
{
	return !o->only || strcmp(c->id, o->only) == 0;
}

void
scounts_expiries(struct scounts *s, struct book *b, const struct scount_opts *o)
{
	for (size_t i = 0; i < book_nlapses(b); i++) {
		const struct book_lapse *l = book_lapse_at(b, i);
		struct scount_row *r;
		char day[11];

		if ((o->begin != DATE_NONE && l->expires < o->begin) ||
		    (o->end != DATE_NONE && l->expires >= o->end) || l->sessions <= 0 ||
		    !wanted(o, l->c))
			continue;
		date_format(day, l->expires);
		r = scounts_row(s, l->c);
		scounts_warn(r, "%s: package expired on %s with %ld session%s left", l->c->id,
			     day, l->sessions, l->sessions == 1 ? "" : "s");
		r->active = r->expired = true;
	}
}

static int
by_id(const void *x, const void *y)
{
	const struct client *const *a = x, *const *b = y;

	return strcmp((*a)->id, (*b)->id);
}

size_t
scounts_report(struct scounts *s, struct book *bk, tdate asof, const struct scount_opts *o,
	       struct client ***out)
{
	struct clients *b = book_clients(bk);
	size_t n = clients_count(b), k = 0;
	struct client **v = xcalloc(n + 1, sizeof *v);

	for (size_t i = 0; i < n; i++) {
		struct client *c = clients_at(b, i);
		struct scount_row *r = scounts_row(s, c);

		if (!wanted(o, c))
			continue;
		r->n[SC_LEFT] = client_package_left(c, asof, NULL);
		if (!r->active && r->n[SC_LEFT] == 0)
			continue;
		if (r->n[SC_OVER] > 0)
			scounts_warn(r, "%s: package overrun: %ld session%s held after the credit "
				     "ran out", c->id, r->n[SC_OVER], r->n[SC_OVER] == 1 ? "" : "s");
		if (r->n[SC_LEFT] == 1)
			scounts_warn(r, "%s: 1 package session left: ask about renewal", c->id);
		else if (r->n[SC_LEFT] == 0 && r->n[SC_OVER] == 0 && c->bought > 0 && !r->expired)
			scounts_warn(r, "%s: package used up", c->id);
		v[k++] = c;
	}
	if (k > 1)
		qsort(v, k, sizeof *v, by_id);
	*out = v;
	return k;
}
