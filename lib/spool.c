/*
 * spool.c: standard input read twice. The book's commands read their input in two passes;
 * a pipe cannot be read again, so it is copied first to an unlinked temporary file that
 * takes the place of file descriptor 0 (or of N, for a pipe named /dev/fd/N). A regular
 * file is only sought back.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bookint.h"

static off_t start = -1;   /* where standard input began */

static bool
reads_stdin(char *const *files, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(files[i], "-") == 0)
			return true;
	return false;
}

static int
tmpfd(void)
{
	const char *dir = getenv("TMPDIR");
	char path[4096];
	int fd;

#ifdef O_TMPFILE
	if ((fd = open(dir && *dir ? dir : "/tmp", O_TMPFILE | O_RDWR | O_CLOEXEC, 0600)) >= 0)
		return fd;
#endif
	snprintf(path, sizeof path, "%s/tally-spool.XXXXXX", dir && *dir ? dir : "/tmp");
	if ((fd = mkstemp(path)) >= 0)
		unlink(path);
	return fd;
}

/* Copies what is left to read of fd `from` to the unlinked temporary file fd `to`. */
static int
copy_all(int from, int to)
{
	char buf[1 << 16];
	ssize_t r;

	while ((r = read(from, buf, sizeof buf)) != 0) {
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0 || write(to, buf, (size_t)r) != r)
			return -1;
	}
	return 0;
}

/*
 * A pipe named as a file, as the shell's <(command) names one (/dev/fd/N): its bytes go to
 * an unlinked temporary file that takes the place of descriptor N, so that each opening of
 * the name reads them all again from the start.
 */
static int
spool_pipes(char *const *files, size_t n, struct terr *e)
{
	for (size_t i = 0; i < n; i++) {
		const char *f = files[i], *d = NULL;
		struct stat st;
		char *end;
		long k;
		int fd;

		if (strncmp(f, "/dev/fd/", 8) == 0)
			d = f + 8;
		else if (strncmp(f, "/proc/self/fd/", 14) == 0)
			d = f + 14;
		else if (strcmp(f, "/dev/stdin") == 0)
			d = "0";
		if (!d || *d < '0' || *d > '9') {
			/* a named FIFO: a second opening would wait for another writer */
			if (strcmp(f, "-") != 0 && stat(f, &st) == 0 && S_ISFIFO(st.st_mode)) {
				terr_set(e, f, 0, "a named pipe cannot be read twice: "
					 "give it on standard input");
				return -1;
			}
			continue;
		}
		k = strtol(d, &end, 10);
		if (*end || k > 1 << 20 || fstat((int)k, &st) != 0 ||
		    !(S_ISFIFO(st.st_mode) || S_ISSOCK(st.st_mode)))
			continue;
		if ((fd = tmpfd()) < 0 || copy_all((int)k, fd) < 0 || dup2(fd, (int)k) < 0) {
			terr_set(e, f, 0, "cannot keep it to read twice: %s", strerror(errno));
			if (fd >= 0)
				close(fd);
			return -1;
		}
		close(fd);
	}
	return 0;
}

int
book_spool_stdin(char *const *files, size_t n, struct terr *e)
{
	struct stat st;
	char buf[1 << 16];
	ssize_t r;
	int fd;

	if (spool_pipes(files, n, e) < 0)
		return -1;
	if (!reads_stdin(files, n))
		return 0;
	if (fstat(0, &st) == 0 && S_ISREG(st.st_mode) && (start = lseek(0, 0, SEEK_CUR)) >= 0)
		return 0;
	if ((fd = tmpfd()) < 0) {
		terr_set(e, NULL, 0, "cannot spool standard input: %s", strerror(errno));
		return -1;
	}
	while ((r = read(0, buf, sizeof buf)) != 0) {
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0 || write(fd, buf, (size_t)r) != r) {
			terr_set(e, NULL, 0, "cannot spool standard input: %s", strerror(errno));
			close(fd);
			return -1;
		}
	}
	if (dup2(fd, 0) < 0) {
		terr_set(e, NULL, 0, "cannot spool standard input: %s", strerror(errno));
		close(fd);
		return -1;
	}
	close(fd);
	start = 0;
	return book_rewind_stdin(files, n, e);
}

int
book_rewind_stdin(char *const *files, size_t n, struct terr *e)
{
	if (!reads_stdin(files, n) || start < 0)
		return 0;
	if (lseek(0, start, SEEK_SET) < 0) {
		terr_set(e, NULL, 0, "cannot read standard input again: %s", strerror(errno));
		return -1;
	}
	return 0;
}
