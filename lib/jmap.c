/*
 * jmap.c: a journal file mapped rather than read. read(2) copies every byte from the page
 * cache into the reader's buffer, a seventh of tally-balance's time on a large journal
 * (all of `wc -l`'s); a mapping lets the reader take the bytes where they are.
 *
 * The bytes past the file's end must be zeros (SRC_PAD): so only the file's whole pages are
 * mapped, and its last part page is copied into anonymous memory after them. A file that
 * grows while it is read cannot put bytes there, and one that shrinks raises SIGBUS at the
 * first page past its new end: the handler says which file and exits 1, as a read error
 * would (a crash is not an answer). docs/hacking.md says what else a mapping changes.
 */
#define _GNU_SOURCE  /* program_invocation_short_name */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "internal.h"

#define MAX_MAPS 256  /* files mapped at once: includes nest 64 deep, a split reads twice */

/* The handler's view of what is mapped: written under the lock, read without it (a
 * signal handler may not take it; a slot half written names no file, nothing worse). */
static struct {
	const char *volatile lo, *volatile hi;
	const char *volatile name;
} maps[MAX_MAPS];
static pthread_mutex_t maps_lock = PTHREAD_MUTEX_INITIALIZER;
static bool handler_set;

static void
say(const char *s)
{
	ssize_t r = write(2, s, strlen(s));

	(void)r;  /* nothing to do if stderr is gone */
}

static void
on_sigbus(int sig, siginfo_t *si, void *ctx)
{
	const char *at = si->si_addr;

	(void)ctx;
	for (size_t i = 0; i < MAX_MAPS; i++) {
		const char *lo = maps[i].lo, *hi = maps[i].hi, *name = maps[i].name;

		if (lo && name && lo <= at && at < hi) {
			say(program_invocation_short_name);
			say(": ");
			say(name);
			say(": file cut short while it was read\n");
			_exit(1);
		}
	}
	/* Not a journal's page: the default action, when the fault comes again. */
	signal(sig, SIG_DFL);
}

static bool
note_map(char *m, size_t len, const char *name)
{
	bool ok = false;

	pthread_mutex_lock(&maps_lock);
	if (!handler_set) {
		struct sigaction sa;

		memset(&sa, 0, sizeof sa);
		sa.sa_sigaction = on_sigbus;
		sa.sa_flags = SA_SIGINFO;
		sigemptyset(&sa.sa_mask);
		handler_set = sigaction(SIGBUS, &sa, NULL) == 0;
	}
	for (size_t i = 0; handler_set && i < MAX_MAPS && !ok; i++) {
		if (!maps[i].lo) {
			maps[i].name = name;
			maps[i].hi = m + len;
			maps[i].lo = m;
			ok = true;
		}
	}
	pthread_mutex_unlock(&maps_lock);
	return ok;
}

char *
src_map(int fd, size_t n, const char *name, size_t *len)
{
	size_t pg = (size_t)sysconf(_SC_PAGESIZE), whole = n / pg * pg;
	size_t all = (n + SRC_PAD + pg - 1) / pg * pg;
	char *m;
	ssize_t got;

	m = mmap(NULL, all, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (m == MAP_FAILED)
		return NULL;
	if (whole > 0 &&
	    mmap(m, whole, PROT_READ, MAP_PRIVATE | MAP_FIXED, fd, 0) == MAP_FAILED)
		goto fail;
	if (whole > 0)
		madvise(m, whole, MADV_SEQUENTIAL);  /* a cold file: read ahead far */
	do
		got = pread(fd, m + whole, n - whole, (off_t)whole);
	while (got < 0 && errno == EINTR);
	if (got != (ssize_t)(n - whole) || !note_map(m, all, name))
		goto fail;
	*len = all;
	return m;
fail:
	munmap(m, all);
	return NULL;
}

void
src_unmap(char *m, size_t len)
{
	pthread_mutex_lock(&maps_lock);
	for (size_t i = 0; i < MAX_MAPS; i++) {
		if (maps[i].lo == m) {
			maps[i].lo = NULL;
			maps[i].hi = NULL;
			maps[i].name = NULL;
			break;
		}
	}
	pthread_mutex_unlock(&maps_lock);
	munmap(m, len);
}

void
src_drop(char *from, char *to)
{
	size_t pg = (size_t)sysconf(_SC_PAGESIZE);
	uintptr_t lo = ((uintptr_t)from + pg - 1) / pg * pg, hi = (uintptr_t)to / pg * pg;

	/* The pages stay in the page cache; touched again, they come back as they were. */
	if (hi > lo)
		madvise((void *)lo, hi - lo, MADV_DONTNEED);
}
