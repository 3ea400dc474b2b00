/*
 * out.c: output that can be taken back. A failed run must not leave output that looks
 * complete, so a regular file is truncated back to where the run started, and a pipe is
 * spooled (memory, then a temporary file) until the run commits.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tally.h"

#define SPOOL_MEM ((size_t)4 << 20)

enum mode { DIRECT, TRUNCATE, SPOOL, INPLACE };

struct out {
	FILE *f;
	enum mode mode;
	off_t start;   /* TRUNCATE: the file's offset when the run began */
	char *mem;     /* SPOOL: bytes not yet written */
	size_t len, cap;
	FILE *spill;   /* SPOOL: past SPOOL_MEM, the bytes go here */
	bool failed;
	char *target;  /* INPLACE: the file to replace, and the temporary beside it */
	char *tmp;
};

struct out *
out_open(FILE *f)
{
	struct out *o = xcalloc(1, sizeof *o);
	struct stat st;
	int fd = fileno(f);

	o->f = f;
	o->mode = DIRECT;
	if (fd >= 0 && fstat(fd, &st) == 0) {
		if (S_ISREG(st.st_mode)) {
			fflush(f);
			/* With >> the offset reads 0 until the first write: the end is the start. */
			o->start = fcntl(fd, F_GETFL) & O_APPEND ? st.st_size : lseek(fd, 0, SEEK_CUR);
			if (o->start >= 0)
				o->mode = TRUNCATE;
		} else if (S_ISFIFO(st.st_mode) || S_ISSOCK(st.st_mode)) {
			o->mode = SPOOL;
		}
	}
	if (o->mode != SPOOL)
		setvbuf(f, NULL, _IOFBF, 1 << 16);
	return o;
}

void
out_write(struct out *o, const void *p, size_t n)
{
	if (o->mode != SPOOL) {
		if (fwrite(p, 1, n, o->f) != n)
			o->failed = true;
		return;
	}
	if (!o->spill && o->len + n > SPOOL_MEM) {
		o->spill = tmpfile();
		if (!o->spill || fwrite(o->mem, 1, o->len, o->spill) != o->len)
			o->failed = true;
		o->len = 0;
	}
	if (o->spill) {
		if (fwrite(p, 1, n, o->spill) != n)
			o->failed = true;
		return;
	}
	if (o->len + n > o->cap) {
		o->cap = (o->len + n) * 2;
		o->mem = xrealloc(o->mem, o->cap);
	}
	memcpy(o->mem + o->len, p, n);
	o->len += n;
}

void
out_puts(struct out *o, const char *s)
{
	out_write(o, s, strlen(s));
}

void
out_printf(struct out *o, const char *fmt, ...)
{
	char small[512], *big;
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(small, sizeof small, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n < sizeof small) {
		out_write(o, small, (size_t)n);
		return;
	}
	big = xmalloc((size_t)n + 1);
	va_start(ap, fmt);
	vsnprintf(big, (size_t)n + 1, fmt, ap);
	va_end(ap);
	out_write(o, big, (size_t)n);
	free(big);
}

struct out *
out_open_inplace(const char *path, struct terr *e)
{
	struct out *o;
	struct stat st;
	char *real;
	int fd;

	/* A symlinked journal is replaced where it lives, so the link stays a link. */
	if (!(real = realpath(path, NULL)) || stat(real, &st) != 0) {
		terr_set(e, path, 0, "cannot edit in place: %s", strerror(errno));
		free(real);
		return NULL;
	}
	if (!S_ISREG(st.st_mode)) {
		terr_set(e, path, 0, "cannot edit in place: not a regular file");
		free(real);
		return NULL;
	}
	o = xcalloc(1, sizeof *o);
	o->mode = INPLACE;
	o->target = real;
	o->tmp = xmalloc(strlen(real) + 16);
	sprintf(o->tmp, "%s.tallyXXXXXX", real);
	if ((fd = mkstemp(o->tmp)) < 0 || fchmod(fd, st.st_mode & 07777) != 0 ||
	    !(o->f = fdopen(fd, "w"))) {
		terr_set(e, path, 0, "cannot create a temporary file beside it: %s", strerror(errno));
		if (fd >= 0) {
			close(fd);
			unlink(o->tmp);
		}
		free(o->tmp);
		free(o->target);
		free(o);
		return NULL;
	}
	setvbuf(o->f, NULL, _IOFBF, 1 << 16);
	return o;
}

static void
out_free(struct out *o)
{
	if (o->spill)
		fclose(o->spill);
	if (o->mode == INPLACE && o->f) {
		fclose(o->f);
		unlink(o->tmp);
	}
	free(o->tmp);
	free(o->target);
	free(o->mem);
	free(o);
}

/* fsync, then rename over the target: readers see the old file or the new, never a mix. */
static int
finish_inplace(struct out *o)
{
	int bad = fflush(o->f) != 0 || ferror(o->f) || o->failed || fsync(fileno(o->f)) != 0;

	if (fclose(o->f) != 0)
		bad = 1;
	o->f = NULL;
	if (!bad && rename(o->tmp, o->target) != 0)
		bad = 1;
	if (bad)
		unlink(o->tmp);
	free(o->tmp);
	free(o->target);
	free(o->mem);
	free(o);
	return bad ? -1 : 0;
}

int
out_commit(struct out *o)
{
	char buf[1 << 16];
	size_t n;
	int r = 0;

	if (o->mode == INPLACE)
		return finish_inplace(o);
	if (o->spill) {
		if (fflush(o->spill) != 0 || fseek(o->spill, 0, SEEK_SET) != 0)
			o->failed = true;
		while (!o->failed && (n = fread(buf, 1, sizeof buf, o->spill)) > 0)
			if (fwrite(buf, 1, n, o->f) != n)
				o->failed = true;
	} else if (o->len && fwrite(o->mem, 1, o->len, o->f) != o->len) {
		o->failed = true;
	}
	if (fflush(o->f) != 0 || ferror(o->f) || o->failed) {
		if (!errno)
			errno = EIO;
		r = -1;
	}
	out_free(o);
	return r;
}

void
out_abort(struct out *o)
{
	if (o->mode == TRUNCATE) {
		fflush(o->f);
		if (ftruncate(fileno(o->f), o->start) == 0)
			lseek(fileno(o->f), o->start, SEEK_SET);
	}
	out_free(o);
}

int
fshut_stdout(const char *prog)
{
	int bad = fflush(stdout) != 0 || ferror(stdout);

	if (fclose(stdout) != 0)
		bad = 1;
	if (bad) {
		fprintf(stderr, "%s: write error: %s\n", prog, strerror(errno ? errno : EIO));
		return -1;
	}
	return 0;
}
