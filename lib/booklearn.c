/*
 * booklearn.c: pass 1 of the book (tally-bill, tally-cancel, tally-report): every item of
 * the files to the book, each entry's tags read once through the vocabulary, and every
 * problem deferred so that pass 2 says it in the input's order with the pricing errors.
 */
#include "tally.h"

int
book_learn(struct book *b, char *const *files, size_t nfiles, tdate limit,
	   int (*entry)(const struct jitem *it, const struct vtags *vt, void *arg,
			struct terr *e), void *arg)
{
	struct journal *j = journal_open((const char *const *)files, nfiles, 0);
	struct jitem *it;
	struct vtags vt;
	struct client_tags tg;
	struct terr e, bad;
	int rv, status = 0;

	while ((rv = journal_next(j, &it)) != 0) {
		if (rv > 0 && it->kind == J_TXN && limit != DATE_NONE && it->txn->date >= limit)
			it = NULL;  /* after the limit: a position only */
		bool txn = rv > 0 && it && it->kind == J_TXN;
		bool vbad = txn && vocab_entry(it, &vt, &bad, NULL, NULL) > 0;
		int brc;

		if (txn && !vbad)
			clients_tags_of(&vt, &tg);  /* one scan of the entry's tags */
		if (txn && !vbad && entry && entry(it, &vt, arg, &bad) < 0)
			vbad = true;
		brc = book_add_tags(b, rv < 0 || vbad ? NULL : it, &tg, &e);
		if (rv < 0)
			book_defer(b, journal_error(j));
		if (vbad)
			book_defer(b, &bad);
		if (brc < 0)
			book_defer(b, &e);
		if (rv < 0 || vbad || brc < 0)
			status = 1;
	}
	journal_close(j);
	return status;
}
