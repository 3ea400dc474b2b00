/*
 * out.c: output that can be taken back. A failed run must not leave output that looks
 * complete, so a regular file is truncated back to where the run started, and a pipe is
 * spooled (memory, then a temporary file) until the run commits. Files a command writes
 * by name are temporary files of the write path (wpath.c): out only writes them.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <unistd.h>

#include "internal.h"

#define SPOOL_MEM ((size_t)4 << 20)
#ifdef __GLIBC__
#define FWRITE fwrite_unlocked
#else
#define FWRITE fwrite
#endif

enum mode { DIRECT, TRUNCATE, SPOOL, TEMP };

struct out {
	FILE *f;
	enum mode mode;
	off_t start;   /* TRUNCATE: the file's offset when the run began */
	char *mem;     /* SPOOL: bytes not yet written */
	size_t len, cap;
	FILE *spill;   /* SPOOL: past SPOOL_MEM, the bytes go here */
	bool failed;
	bool nosend;   /* sendfile refused this file (O_APPEND, a terminal): not asked again */
	int (*done)(void *arg, int ok); /* told when the out is committed (ok) or aborted */
	unsigned tail;  /* what the last journal item written left open (write.c) */
	char *gbuf;     /* out_gather: bytes not yet handed to f (DIRECT, TRUNCATE) */
	size_t glen;
	void *arg;
};

static bool
same_file(const struct stat *st, int fd)
{
	struct stat o;

	return fstat(fd, &o) == 0 && o.st_dev == st->st_dev && o.st_ino == st->st_ino;
}

struct out *
out_open(FILE *f)
{
	struct out *o = xcalloc(1, sizeof *o);
	struct stat st;
	int fd = fileno(f);

	o->f = f;
	o->mode = DIRECT;
	if (fd >= 0 && fstat(fd, &st) == 0) {
		/*
		 * `> log 2>&1`: truncating back on error would erase the error message too,
		 * so the output waits in a spool and nothing of it is written on error.
		 */
		if (S_ISREG(st.st_mode) && same_file(&st, 2)) {
			o->mode = SPOOL;
		} else if (S_ISREG(st.st_mode)) {
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

#define GATHER ((size_t)1 << 16)

void
out_gather(struct out *o)
{
	if ((o->mode == DIRECT || o->mode == TRUNCATE) && !o->gbuf)
		o->gbuf = xmalloc(GATHER);
}

static void
gather_flush(struct out *o)
{
	if (o->glen && FWRITE(o->gbuf, 1, o->glen, o->f) != o->glen)
		o->failed = true;
	o->glen = 0;
}

/* A spool past SPOOL_MEM goes on in a temporary file, with what it held so far. */
static void
spill_open(struct out *o)
{
	o->spill = tmpfile();
	if (!o->spill || fwrite(o->mem, 1, o->len, o->spill) != o->len)
		o->failed = true;
	o->len = 0;
}

void
out_write(struct out *o, const void *p, size_t n)
{
	if (o->gbuf) {
		if (n > GATHER - o->glen) {
			gather_flush(o);
			if (n >= GATHER) {
				if (FWRITE(p, 1, n, o->f) != n)
					o->failed = true;
				return;
			}
		}
		memcpy(o->gbuf + o->glen, p, n);
		o->glen += n;
		return;
	}
	if (o->mode != SPOOL) {
		/* Unlocked: one writer per stream, and a filter writes an item at a time. */
		if (FWRITE(p, 1, n, o->f) != n)
			o->failed = true;
		return;
	}
	if (!o->spill && o->len + n > SPOOL_MEM)
		spill_open(o);
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

unsigned *
out_tail(struct out *o)
{
	return &o->tail;
}

bool
out_sendfile(struct out *o, int fd, uint64_t *at, uint64_t to)
{
	FILE *f = o->f;

	if (o->failed || o->nosend)
		return false;
	if (o->mode == SPOOL) {
		if (!o->spill && o->len + (to - *at) > SPOOL_MEM)
			spill_open(o);
		if (!(f = o->spill) || o->failed)
			return false;  /* the bytes go to memory: read them there */
	}
	if (o->gbuf)
		gather_flush(o);
	if (fflush(f) != 0) {
		o->failed = true;
		return false;
	}
	while (*at < to) {
		/* No offset given: fd's own moves on, as read(2) would move it. */
		ssize_t n = sendfile(fileno(f), fd, NULL, (size_t)(to - *at));

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EINVAL || errno == ENOSYS))
			o->nosend = true;
		if (n <= 0)
			return false;
		*at += (uint64_t)n;
	}
	return true;
}

/*
 * write.c's common case in one call: a whole item, newline-ended, after an item that left
 * nothing open, into room the gather buffer has. False when any of that is not so.
 */
bool
out_item(struct out *o, const char *p, size_t n)
{
	if (o->tail || !o->gbuf || n - 1 >= GATHER - o->glen || p[n - 1] != '\n')
		return false;
	memcpy(o->gbuf + o->glen, p, n);
	o->glen += n;
	return true;
}

/* A temporary file of the write path: written directly, fsynced and closed by out_commit. */
struct out *
out_temp(FILE *f, int (*done)(void *arg, int ok), void *arg)
{
	struct out *o = xcalloc(1, sizeof *o);

	o->f = f;
	o->mode = TEMP;
	o->done = done;
	o->arg = arg;
	setvbuf(f, NULL, _IOFBF, 1 << 16);
	return o;
}

void
out_on_done(struct out *o, int (*done)(void *arg, int ok), void *arg)
{
	o->done = done;
	o->arg = arg;
}

static int
out_free(struct out *o, int ok)
{
	int r = ok ? 0 : -1;

	if (o->spill)
		fclose(o->spill);
	if (o->done)
		r = o->done(o->arg, ok);
	free(o->gbuf);
	free(o->mem);
	free(o);
	return r;
}

/* fsync and a checked close: a full disk or an I/O error is seen here, not later. */
static int
finish_temp(struct out *o)
{
	int bad = fflush(o->f) != 0 || ferror(o->f) || o->failed || fsync(fileno(o->f)) != 0;
	int err = errno;

	if (fclose(o->f) != 0 && !bad) {
		bad = 1;
		err = errno;
	}
	o->f = NULL;
	errno = bad ? (err ? err : EIO) : 0;
	return bad ? -1 : 0;
}

int
out_commit(struct out *o)
{
	char buf[1 << 16];
	size_t n;
	int r = 0, err;

	if (o->gbuf)
		gather_flush(o);
	if (o->mode == TEMP) {
		r = finish_temp(o);
		err = errno;
		r = out_free(o, r == 0) < 0 ? -1 : r;
		errno = err;
		return r;
	}
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
	err = errno;
	if (out_free(o, r == 0) < 0)
		r = -1;
	errno = err;
	return r;
}

void
out_abort(struct out *o)
{
	if (o->gbuf && o->mode == DIRECT)  /* what was written directly stays written */
		gather_flush(o);
	if (o->mode == TRUNCATE) {
		fflush(o->f);
		if (ftruncate(fileno(o->f), o->start) == 0)
			lseek(fileno(o->f), o->start, SEEK_SET);
	} else if (o->mode == TEMP) {
		fclose(o->f);
	}
	out_free(o, 0);
}

int
out_end(struct out *o, int r)
{
	if (r >= 0)
		return out_commit(o);
	out_abort(o);
	return -1;
}

int
out_copy(struct out *o, FILE *f)
{
	char buf[1 << 16];
	size_t n;

	while ((n = fread(buf, 1, sizeof buf, f)) > 0)
		out_write(o, buf, n);
	return ferror(f) ? -1 : 0;
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

/* Characters, not bytes: a UTF-8 continuation byte adds no column. */
static size_t
columns(const char *s, size_t n)
{
	size_t k = 0;

	for (size_t i = 0; i < n; i++)
		k += ((unsigned char)s[i] & 0xC0) != 0x80;
	return k;
}

void
out_wrap(struct out *o, const char *s, size_t n, const char *indent, size_t width)
{
	size_t in = columns(indent, strlen(indent));

	width = width > in + 10 ? width - in : 10;
	while (n > 0) {
		size_t line = n, cut = 0;

		while (n > 0 && *s == ' ')
			s++, n--;
		if (columns(s, n) > width) {
			for (size_t b = 0, k = 0; b < n && k <= width; b++) {
				if (s[b] == ' ')
					cut = b;
				k += ((unsigned char)s[b] & 0xC0) != 0x80;
			}
			if (cut)
				line = cut;  /* a word longer than the line stays whole */
			else
				for (line = 0; line < n && s[line] != ' '; line++)
					;
		}
		if (line > n)
			line = n;
		if (line == 0)
			break;
		out_puts(o, indent);
		out_write(o, s, line);
		out_write(o, "\n", 1);
		s += line;
		n -= line;
	}
}
