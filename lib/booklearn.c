/*
 * booklearn.c: pass 1 of the book, the one loop every command with a book runs (tally-bill,
 * tally-cancel, tally-check, tally-sessions, tally-report, the documents' book_read_until):
 * every item of the files to the book, each entry's tags read once through the vocabulary,
 * and every problem deferred at its item so that pass 2 says them in the input's order with
 * the pricing errors. What differs between the commands is in their hooks (struct book_pass).
 */
#include "bookint.h"

void
book_problem(struct book *b, const struct terr *e)
{
	book_defer_at(b, b->at, e);
}

/* vocab_entry's report: every problem of an entry's tags (tally-check). */
static void
vocab_report(const struct terr *e, void *arg)
{
	book_problem(arg, e);
}

int
book_learn(struct book *b, char *const *files, size_t nfiles, struct book_pass *p)
{
	struct journal *j = journal_open((const char *const *)files, nfiles, p->flags);
	size_t nerr = b->nerr;
	struct client_tags tg;
	struct jitem *it;
	struct vtags vt = {0};  /* vocab_entry_next clears what the last entry set */
	struct terr e;
	/* in locals, not *p: every call in the loop could change *p for all the compiler knows */
	tdate last = DATE_NONE, limit = p->limit == DATE_NONE ? INT32_MAX : p->limit;
	int rv;

	while ((rv = journal_next(j, &it)) != 0) {
		uint32_t pos = b->at = b->pos;  /* the item's position: book_problem's */
		bool bad = rv < 0;

		if (bad && !p->book_only)
			book_problem(b, journal_error(j));
		if (!bad && p->item)
			p->item(b, it, p->arg);
		/* half the items of a journal are blank lines: only their place, inline */
		if (!bad && it->kind != J_TXN) {
			b->pos++;
			b->who = NULL;
			book_where(b, it);
			if (p->added)
				p->added(b, it, NULL, NULL, p->arg);
			continue;
		}
		if (!bad && it->txn->date >= limit)
			bad = true;  /* after the limit: a position only */
		if (!bad && it->txn->date > last)  /* DATE_NONE is before every date */
			last = it->txn->date;
		if (!bad && vocab_entry_next(it, &vt, p->every ? NULL : &e,
					     p->every ? vocab_report : NULL, b) > 0) {
			bad = true;
			if (!p->every && !p->book_only)
				book_problem(b, &e);
		}
		if (!bad) {
			clients_tags_of(&vt, &tg);
			if (p->entry && p->entry(b, it, &vt, p->arg) < 0)
				bad = true;
		}
		if (bad) {
			b->pos++;
			b->who = NULL;
			b->nocopy = true;
			continue;
		}
		/* the vocabulary has counted the client: tags: no need to read the text again */
		b->group = vt.nclient > 1 || vt.has[VT_ABSENT];
		b->pos++;
		b->who = NULL;
		if (book_entry(b, it, &tg, pos, book_where(b, it), &e) < 0)
			book_problem(b, &e);
		b->group = -1;
		if (p->added)
			p->added(b, it, &vt, &tg, p->arg);
	}
	journal_close(j);
	p->last = last;
	return b->nerr > nerr;
}
