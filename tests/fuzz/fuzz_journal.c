/*
 * fuzz_journal.c: libFuzzer target for the journal reader. The input is a journal read
 * through a memfd; its length picks the reader's flags (no byte is used up, so seeds from
 * real journals stay whole), so that balancing, balance assertions and the
 * items' CR note are fuzzed too. Includes are never followed: a fuzzed `include /dev/stdin`
 * would block, and include handling is covered by tests/80-hostile.bats. vocab_entry_next,
 * given the last entry's reading, must read each entry as vocab_entry does from zeros.
 */
#include <string.h>

#include "fuzz_common.h"
#include "tally.h"

static bool
same_vval(const struct vval *a, const struct vval *b)
{
	return a->raw.p == b->raw.p && a->raw.n == b->raw.n && a->at == b->at && a->n == b->n &&
	       a->stamp == b->stamp && a->date == b->date && a->amt.q == b->amt.q &&
	       a->amt.scale == b->amt.scale && a->amt.com == b->amt.com &&
	       a->per_hour == b->per_hour;
}

static void
touch_item(const struct jitem *it, int flags, struct vtags *next)
{
	/* Read every span the reader hands out, so that ASan checks its bounds. */
	volatile unsigned char sink = 0;
	struct vtags tg;
	struct terr e, e2;
	int n;

	for (size_t i = 0; i < it->len; i++)
		sink ^= (unsigned char)it->text[i];
	if ((flags & JOURNAL_CR) && !it->cr && it->len && memchr(it->text, '\r', it->len))
		abort();  /* JOURNAL_CR: an item said to hold no CR holds none */
	if (it->kind != J_TXN || !it->txn)
		return;
	/* the vocabulary's walk reads the item's text past a comment, sixteen bytes at a time */
	sink ^= (unsigned char)(n = vocab_entry(it, &tg, &e, NULL, NULL));
	if (vocab_entry_next(it, next, &e2, NULL, NULL) != n || next->set != tg.set ||
	    next->nclient != tg.nclient || (n && (e.line != e2.line || strcmp(e.msg, e2.msg))))
		abort();
	for (int k = 0; k < VT_N; k++)
		if (next->has[k] != tg.has[k] || !same_vval(&next->v[k], &tg.v[k]))
			abort();
	for (size_t i = 0; i < it->txn->desc.n; i++)
		sink ^= (unsigned char)it->txn->desc.p[i];
	for (size_t k = 0; k < it->txn->np; k++) {
		const struct posting *p = &it->txn->p[k];
		char buf[AMOUNT_BUF];
		struct span v;

		for (size_t i = 0; i < p->acct_len; i++)
			sink ^= (unsigned char)p->acct[i];
		if (p->has_amount || p->inferred)
			amount_format(buf, sizeof buf, &p->amt);
		posting_tag(it->txn, p, "client", &v);
	}
	(void)sink;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const int flagsets[] = {0, JOURNAL_NO_BALANCE, JOURNAL_CHECK_ASSERT | JOURNAL_CR,
				       JOURNAL_NO_BALANCE | JOURNAL_CHECK_ASSERT | JOURNAL_CR};
	char path[64];
	const char *files[1] = {path};
	struct journal *j;
	struct jitem *it;
	int fd, flags, r;
	long guard = 0;
	static struct vtags next;  /* vocab_entry_next's, over the input's entries */

	flags = flagsets[size & 3] | JOURNAL_NO_INCLUDE;
	memset(&next, 0, sizeof next);
	fd = fuzz_file(data, size, path, sizeof path);
	j = journal_open(files, 1, flags);
	while ((r = journal_next(j, &it)) != 0) {
		if (r > 0)
			touch_item(it, flags, &next);
		else if (!journal_error(j)->msg[0])
			abort();  /* an error must say why */
		if (++guard > (long)size + 2)
			abort();  /* every item uses at least one byte: no endless loop */
	}
	journal_close(j);
	close(fd);
	commodity_reset();
	return 0;
}
