/*
 * bookcopy.c: pass 2 as a copy. Pass 1 noted where every unpriced event ends in its file
 * and where each new latest date begins; when nothing went wrong, the output is the input's
 * bytes with the events' lines inserted there (and expired packages' entries before the
 * first entry dated after the expiry), so the second pass costs a copy, not a parse.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bookint.h"

bool
book_priced_all(const struct book *b)
{
	if (b->settled)
		return !b->unpriced_bad;
	for (size_t i = 0; i < b->n; i++) {
		const struct bev *v = &b->ev[i];

		if ((v->flags & F_UNPRICED) && v->kind >= SESSION_HELD && v->kind <= SESSION_PROVIDER &&
		    v->rc != BR_OK)
			return false;
	}
	return true;
}

bool
book_can_copy(const struct book *b)
{
	if (b->nocopy || !b->files || getenv("TALLY_BOOK_REREAD"))
		return false;  /* the variable is for tests: both second passes must agree */
	return book_priced_all(b);
}

bool
book_copy_inserts(const struct book *b)
{
	for (size_t i = 0; i < b->n; i++)
		if ((b->ev[i].flags & F_UNPRICED) && b->ev[i].file && !(b->ev[i].flags & F_EXTRA))
			return true;
	for (size_t i = 0; i < b->nlapse; i++)
		if (!b->lapse[i].by_entry)
			return true;
	return false;
}

static uint64_t
end_of(const struct bev *v)
{
	return (uint64_t)v->offhi << 32 | v->off;
}

/* Where lapse l goes: the first new latest date after its expiry; false: nowhere. */
static bool
lapse_at(const struct book *b, size_t *s, const struct book_lapse *l, uint32_t *file,
	 uint64_t *off, uint32_t *pos)
{
	while (*s < b->nsteps && b->steps[*s].date <= l->expires)
		(*s)++;
	if (*s == b->nsteps)
		return false;
	*file = b->steps[*s].file;
	*off = b->steps[*s].off;
	*pos = b->steps[*s].pos;
	return true;
}

/* File k is still what pass 1 read (st: as fstat or stat gives it now). */
static bool
same_file(const struct book *b, size_t k, const struct stat *st)
{
	const struct fid *f = &b->fid[k];

	return !f->known || (f->dev == st->st_dev && f->ino == st->st_ino && f->size == st->st_size &&
			     f->mtime.tv_sec == st->st_mtim.tv_sec &&
			     f->mtime.tv_nsec == st->st_mtim.tv_nsec);
}

static void
changed(struct terr *e, const char *name)
{
	terr_set(e, name, 0, "changed since it was read (by another program?): nothing written; "
		 "run the command again");
}

int
book_unchanged(const struct book *b, struct terr *e)
{
	struct stat st;

	for (size_t k = 0; k < b->nfiles; k++)
		if (b->fid && b->fid[k].known &&
		    (stat(b->files[k], &st) != 0 || !same_file(b, k, &st))) {
			changed(e, b->files[k]);
			return -1;
		}
	return 0;
}

/* Copies bytes [*at, to) of fd to o; *last: the last byte written. A file (not standard
 * input) goes by sendfile where o can take it: read(2)'s copy was a tenth of tally-cancel's
 * time at 1M entries; what it leaves is read. */
static int
copy(int fd, struct out *o, uint64_t *at, uint64_t to, char *buf, size_t size, char *last)
{
	uint64_t from = *at;

	if (fd > 0 && *at < to) {
		bool all = out_sendfile(o, fd, at, to);

		if (*at > from && pread(fd, last, 1, (off_t)*at - 1) != 1)
			return -1;
		if (all)
			return 0;
	}
	while (*at < to) {
		size_t want = to - *at < size ? (size_t)(to - *at) : size;
		ssize_t n = read(fd, buf, want);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return n < 0 ? -1 : -2;
		out_write(o, buf, (size_t)n);
		*at += (uint64_t)n;
		*last = buf[n - 1];
	}
	return 0;
}

int
book_copy(struct book *b, struct out *o,
	  bool (*event)(void *arg, struct out *o, const struct book_price *r),
	  bool (*lapse)(void *arg, struct out *o, const struct book_lapse *l), void *arg,
	  struct terr *e)
{
	size_t size = (size_t)1 << 20, ev = 0, lp = 0, st = 0;
	char last = 0;   /* the last byte written: a file that ends without a newline gets one
			    before anything follows it, as write_item does */
	char *buf = xmalloc(size);
	struct book_price r;
	int rv = 0;

	for (size_t k = 0; k < b->nfiles && rv == 0; k++) {
		const char *name = b->files[k];
		bool in = strcmp(name, "-") == 0;
		int fd = in ? 0 : open(name, O_RDONLY | O_CLOEXEC);
		uint64_t at = 0;
		ssize_t more = 0;

		if (b->fend[k] == 0 && !in && fd >= 0) {
			close(fd);
			continue;
		}
		if (fd < 0 || (in && book_rewind_stdin(b->files, b->nfiles, e) < 0)) {
			if (fd < 0)
				terr_set(e, name, 0, "cannot open: %s", strerror(errno));
			rv = -1;
			break;
		}
		if (!in) {
			struct stat st;

			if (fstat(fd, &st) != 0 || !same_file(b, k, &st)) {
				changed(e, name);
				close(fd);
				rv = -3;
				break;
			}
		}
		for (;;) {
			const struct bev *v = NULL;
			const struct book_lapse *l = NULL;
			uint32_t lf = 0, lpos = 0;
			uint64_t lo = 0, to = b->fend[k];

			while (ev < b->n && (!(b->ev[ev].flags & F_UNPRICED) || !b->ev[ev].file ||
					     (b->ev[ev].flags & F_EXTRA)))
				ev++;
			if (ev < b->n && b->ev[ev].file == k + 1)
				v = &b->ev[ev];
			while (lp < b->nlapse && b->lapse[lp].by_entry)
				lp++;
			if (lp < b->nlapse && lapse_at(b, &st, &b->lapse[lp], &lf, &lo, &lpos) && lf == k)
				l = &b->lapse[lp];
			else if (lp < b->nlapse && st == b->nsteps)
				lp = b->nlapse;   /* the journal ends before these expire */
			if (v && (!l || end_of(v) <= lo))
				to = end_of(v);
			else if (l)
				to = lo;
			if (at == 0 && last && last != '\n' && (to > 0 || l)) {
				out_write(o, "\n", 1);
				last = '\n';
			}
			if ((rv = copy(fd, o, &at, to, buf, size, &last)) < 0)
				break;
			if (v && to == end_of(v)) {
				bev_price(b, v, &r);
				r.nonl = r.nonl && last != '\n';  /* a group's next attendee */
				if (event(arg, o, &r))
					last = '\n';
				ev++;
			} else if (l) {
				book_style_at(b, lpos);
				if (lapse(arg, o, l))
					last = '\n';
				lp++;
			} else
				break;
		}
		while (rv == 0 && (more = read(fd, buf, 1)) < 0 && errno == EINTR)
			;
		if (rv == 0 && more != 0)
			rv = -2;
		if (rv == -1)
			terr_set(e, in ? "<stdin>" : name, 0, "cannot read: %s", strerror(errno));
		else if (rv == -2)
			changed(e, in ? "<stdin>" : name);
		if (!in)
			close(fd);
	}
	free(buf);
	return rv < 0 ? -1 : 0;
}
