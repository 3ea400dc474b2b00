/*
 * fuzz_common.h: what the libFuzzer targets share: the fuzzed bytes as a file that the
 * library can open by name (a memfd, named through /proc/self/fd).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Puts data in a memfd; path receives its name. Returns the fd, to close after. */
static inline int
fuzz_file(const uint8_t *data, size_t size, char *path, size_t pathsize)
{
	int fd = memfd_create("fuzz", 0);

	if (fd < 0 || (size && write(fd, data, size) != (ssize_t)size))
		abort();
	snprintf(path, pathsize, "/proc/self/fd/%d", fd);
	return fd;
}
