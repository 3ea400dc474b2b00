/*
 * bigmem.c: arrays that grow to tens of megabytes (the book's events), in huge pages.
 * On a VM a first write to a fresh 4 KiB page costs a fault and a TLB miss through the
 * nested page tables: writing 40 MiB of fresh memory took 0.16 s in 4 KiB pages and
 * 0.013 s in 2 MiB ones (docs/hacking.md). The kernel gives huge pages to anonymous memory
 * only where asked (MADV_HUGEPAGE) and only to 2 MiB-aligned ranges, which malloc's blocks
 * are not; so an array past BIG lives in an aligned mapping of its own, grown by moving its
 * pages (mremap) to a new aligned place, never by copying them. Below BIG, malloc: a
 * small journal's book stays in small pages.
 */
#define _GNU_SOURCE  /* mremap */
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>

#include "internal.h"

#define BIG ((size_t)2 << 20)  /* a huge page */

static size_t
pages(size_t n)
{
	return (n + BIG - 1) & ~(BIG - 1);
}

/* A fresh mapping of n bytes (a multiple of BIG) at a BIG-aligned address. */
static char *
aligned_map(size_t n)
{
	char *m = mmap(NULL, n + BIG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	char *a;

	if (m == MAP_FAILED)
		return NULL;
	a = (char *)(((uintptr_t)m + BIG - 1) & ~(uintptr_t)(BIG - 1));
	if (a > m)
		munmap(m, (size_t)(a - m));
	munmap(a + n, (size_t)(m + BIG - a));
	return a;
}

void *
big_resize(void *p, size_t old, size_t n)
{
	char *a;

	if (n < BIG && old < BIG)
		return xrealloc(p, n);
	if (!(a = aligned_map(pages(n))))
		xoom();
	madvise(a, pages(n), MADV_HUGEPAGE);  /* where the kernel has no huge pages: no harm */
	if (old >= BIG) {
		/* The pages move to the new place (no copy) and the mapping grows there. */
		if (mremap(p, pages(old), pages(n), MREMAP_MAYMOVE | MREMAP_FIXED, a) != a)
			xoom();
	} else if (p) {
		memcpy(a, p, old);
		free(p);
	}
	return a;
}

void
big_free(void *p, size_t n)
{
	if (n >= BIG)
		munmap(p, pages(n));
	else
		free(p);
}
