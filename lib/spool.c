/*
 * spool.c: standard input read twice. The book's commands read their input in two passes;
 * a pipe cannot be read again, so it is copied first to an unlinked temporary file that
 * takes the place of file descriptor 0. A regular file is only sought back.
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

int
book_spool_stdin(char *const *files, size_t n, struct terr *e)
{
	struct stat st;
	char buf[1 << 16];
	ssize_t r;
	int fd;

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
