/*
 * book.c: the book read in two passes: its lifecycle, its records, the policies it loads,
 * the files it reads and the errors it defers. Pass 1 (bookadd.c) keeps the clients' terms
 * (rates, policies, packages) and one 48-byte record per session event or movement of
 * package or deposit money; book_settle (booksettle.c) sorts the records by date, `time:`
 * and position and prices them in that order (bookprice.c); pass 2 (book_next) hands the
 * decisions out item by item in the input's order. The journal's text is never held.
 */
#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "bookint.h"

struct book *
book_new(const struct book_opts *o, struct terr *e)
{
	struct book *b = xcalloc(1, sizeof *b);

	if (o->policy_file && !(b->global = policy_load(o->policy_file, e))) {
		free(b);
		return NULL;
	}
	b->cl = clients_new(&o->accts);
	b->dir = o->policy_dir ? xstrdup(o->policy_dir) : policy_sharedir("policies");
	b->check = o->check_policies;
	b->report = b->nocopy = o->report_only;
	b->noplaces = o->report_only || o->no_places;
	b->nosteps = o->report_only || o->no_lapses;
	b->last = DATE_NONE;
	b->group = -1;
	return b;
}

void
book_free(struct book *b)
{
	if (!b)
		return;
	clients_free(b->cl);
	big_free(b->ev, b->cap * sizeof *b->ev);
	policy_free(b->global);
	free(b->dir);
	for (size_t i = 0; i < b->nnamed; i++) {
		free(b->named[i].name);
		policy_free(b->named[i].p);
	}
	free(b->named);
	free(b->lapse);
	free(b->fend);
	free(b->fid);
	free(b->big);
	free(b->ext);
	free(b->steps);
	free(b->places);
	free(b->err);
	for (size_t i = 0; i < b->nsnaps; i++)
		free(b->snaps[i].st);
	free(b->snaps);
	for (size_t i = 0; i < b->nnames; i++)
		free(b->names[i]);
	free(b->names);
	free(b);
}

struct clients *
book_clients(struct book *b)
{
	return b->cl;
}

struct client *
book_client(const struct book *b)
{
	return b->who;
}

/* q[i] and its scale as the record keeps them (q[1] and q[2] in b->ext: 0, 0 when none). */
static void
raw_get(const struct book *b, const struct bev *v, int i, int64_t *q, int8_t *scale)
{
	if (i == 0) {
		*q = v->q0;
		*scale = v->scale0;
	} else if (v->ext) {
		*q = b->ext[v->ext - 1].q[i - 1];
		*scale = b->ext[v->ext - 1].scale[i - 1];
	} else {
		*q = 0;
		*scale = 0;
	}
}

static void
raw_put(struct book *b, struct bev *v, int i, int64_t q, int8_t scale)
{
	if (i == 0) {
		v->q0 = q;
		v->scale0 = scale;
		return;
	}
	if (!v->ext) {
		if (!q && !scale)
			return;  /* what no ext reads as */
		if (b->next == b->capext) {
			b->capext = b->capext ? 2 * b->capext : 256;
			b->ext = xrealloc(b->ext, b->capext * sizeof *b->ext);
		}
		b->ext[b->next] = (struct bext){{0, 0}, {0, 0}};
		v->ext = (uint32_t)++b->next;  /* fewer than records, whose places are 32 bits */
	}
	b->ext[v->ext - 1].q[i - 1] = q;
	b->ext[v->ext - 1].scale[i - 1] = scale;
}

struct amount
bev_get(const struct book *b, const struct bev *v, int i)
{
	int64_t q;
	int8_t scale;

	raw_get(b, v, i, &q, &scale);
	if (scale == BIG)
		return b->big[q];
	return (struct amount){q, scale, v->com};
}

void
bev_put(struct book *b, struct bev *v, int i, const struct amount *a)
{
	bool mixed = false;

	for (int k = 0; a->com && v->com && a->com != v->com && k < 3; k++) {
		int64_t q;
		int8_t scale;

		raw_get(b, v, k, &q, &scale);
		mixed |= k != i && q && scale != BIG;
	}
	if (a->q > INT64_MAX || a->q < -INT64_MAX || mixed || a->com > INT16_MAX ||
	    a->com < INT16_MIN) {
		/* rare: an amount over 64 bits, or in another commodity, is kept aside whole */
		if (b->nbig == b->capbig) {
			b->capbig = b->capbig ? 2 * b->capbig : 8;
			b->big = xrealloc(b->big, b->capbig * sizeof *b->big);
		}
		b->big[b->nbig] = *a;
		raw_put(b, v, i, (int64_t)b->nbig++, BIG);
		return;
	}
	if (a->com)
		v->com = (int16_t)a->com;
	raw_put(b, v, i, (int64_t)a->q, (int8_t)a->scale);
}

const struct policy *
book_policy_named(struct book *b, struct span name, struct terr *e)
{
	struct terr scratch;
	struct policy *p;

	for (size_t i = 0; i < b->nnamed; i++)
		if (span_eq(name, b->named[i].name)) {
			if (!b->named[i].p && e)
				terr_set(e, NULL, 0, "unknown policy: %.*s", (int)name.n, name.p);
			return b->named[i].p;
		}
	p = policy_find(b->dir, name.p, name.n, e ? e : &scratch);
	b->named = xrealloc(b->named, (b->nnamed + 1) * sizeof *b->named);
	b->named[b->nnamed++] = (struct named){span_dup(name), p};
	return p;
}

const struct policy *
book_policy(struct book *b, const struct client *c, tdate d)
{
	const char *name;

	if (b->global)
		return b->global;
	if (!c || !(name = client_policy_at(c, d)))
		return NULL;
	return book_policy_named(b, (struct span){name, strlen(name)}, NULL);
}

const char *
book_name(struct book *b, const char *file)
{
	size_t i;

	if (!file)
		return NULL;
	for (i = 0; i < b->nnames && strcmp(b->names[i], file) != 0; i++)
		;
	if (i == b->nnames) {
		b->names = xrealloc(b->names, (b->nnames + 1) * sizeof *b->names);
		b->names[b->nnames++] = xstrdup(file);
	}
	return b->names[i];
}

void
book_grow_ev(struct book *b)
{
	size_t old = b->cap * sizeof *b->ev;

	b->cap = b->cap ? 2 * b->cap : 1024;
	b->ev = big_resize(b->ev, old, b->cap * sizeof *b->ev);
}

/* What each named file is, to tell later whether it changed; a pipe only once spooled. */
static void
note_files(struct book *b)
{
	for (size_t i = 0; i < b->nfiles; i++) {
		struct stat st;

		if (b->fid[i].known || strcmp(b->files[i], "-") == 0 ||
		    stat(b->files[i], &st) != 0 || S_ISFIFO(st.st_mode) || S_ISSOCK(st.st_mode))
			continue;
		b->fid[i] = (struct fid){st.st_dev, st.st_ino, st.st_size, st.st_mtim, true};
	}
}

int
book_input(struct book *b, char *const *files, size_t n, struct terr *e)
{
	b->files = files;
	b->nfiles = n;
	b->fend = xcalloc(n + 1, sizeof *b->fend);
	b->fid = xcalloc(n + 1, sizeof *b->fid);
	b->fidx = SIZE_MAX;
	note_files(b);
	if (book_spool_stdin(files, n, e) < 0)
		return -1;
	note_files(b);  /* the pipes named /dev/fd/N: temporary files now */
	return 0;
}

/*
 * The commodities' styles as they are at an unpriced event, kept when they changed since
 * the last event: its postings are written in the style the journal had there, as a
 * single streaming pass would write them.
 */
void
book_snapshot(struct book *b, uint32_t pos)
{
	int n = commodity_count();
	struct snap *last = b->nsnaps ? &b->snaps[b->nsnaps - 1] : NULL;
	bool same = last && last->n == n;

	for (int i = 0; same && i < n; i++)
		same = memcmp(&last->st[i], commodity_style(i), sizeof *last->st) == 0;
	if (same)
		return;
	if (b->nsnaps == b->capsnaps) {
		b->capsnaps = b->capsnaps ? 2 * b->capsnaps : 8;
		b->snaps = xrealloc(b->snaps, b->capsnaps * sizeof *b->snaps);
	}
	assert(b->snaps);  /* grown just above when full */
	last = &b->snaps[b->nsnaps++];
	last->pos = pos;
	last->n = n;
	last->st = xmalloc((size_t)n * sizeof *last->st);
	for (int i = 0; i < n; i++)
		last->st[i] = *commodity_style(i);
}

/* Sets the styles to what they were at position pos (pass 2 goes forward only). */
void
book_style_at(struct book *b, uint32_t pos)
{
	const struct snap *s = NULL;

	while (b->scur < b->nsnaps && b->snaps[b->scur].pos <= pos)
		b->scur++;
	if (b->scur)
		s = &b->snaps[b->scur - 1];
	if (!s)
		return;
	for (int i = 0; i < s->n && i < commodity_count(); i++)
		*commodity_style(i) = s->st[i];
}

void
book_defer_at(struct book *b, uint32_t pos, const struct terr *e)
{
	size_t i;

	if (b->nerr == b->caperr) {
		b->caperr = b->caperr ? 2 * b->caperr : 16;
		b->err = xrealloc(b->err, b->caperr * sizeof *b->err);
	}
	for (i = b->nerr; i > 0 && b->err[i - 1].pos > pos; i--)
		b->err[i] = b->err[i - 1];
	b->err[i].pos = pos;
	b->err[i].e = *e;
	b->err[i].e.file = book_name(b, e->file);
	b->nerr++;
}

void
book_defer(struct book *b, const struct terr *e)
{
	book_defer_at(b, b->pos ? b->pos - 1 : 0, e);
}

const struct terr *
book_deferred(struct book *b, bool all)
{
	if (b->errcur < b->nerr && (all || b->err[b->errcur].pos < b->pos))
		return &b->err[b->errcur++].e;
	return NULL;
}
