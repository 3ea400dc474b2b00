/*
 * bookmeter.c: the book for the documents a client receives. A statement or an invoice
 * counts package sessions as the filters price them, in date order whatever the order of
 * the file: "session 8 of 10", "1 session left". book_read_until runs pass 1 over the
 * entries before a date and settles them; the document's own pass is then pass 2.
 */
#include <stdio.h>
#include <string.h>

#include "bookint.h"

/* An error's file name outlives the reader that named it. */
static void
keep_error(struct terr *e, const struct terr *from)
{
	static char file[4096];

	*e = *from;
	if (from->file) {
		snprintf(file, sizeof file, "%s", from->file);
		e->file = file;
	}
}

struct book *
book_read_until(char *const *files, size_t n, const struct clients_opts *accts, tdate end,
		struct terr *e)
{
	struct book *b = book_new(&(struct book_opts){.accts = *accts}, e);
	struct journal *j;
	struct jitem *it;
	struct vtags vt;
	struct terr err, bad;
	int rv, status = 0;

	if (!b)
		return NULL;
	if (book_rewind_stdin(files, n, e) < 0 || book_input(b, files, n, e) < 0) {
		book_free(b);
		return NULL;
	}
	j = journal_open((const char *const *)files, n, 0);
	while ((rv = journal_next(j, &it)) != 0) {
		/* bad items are the document's to say; they count as positions only */
		if (rv < 0 || (it->kind == J_TXN && ((end != DATE_NONE && it->txn->date >= end) ||
						     vocab_entry(it, &vt, &bad, NULL, NULL) > 0)))
			it = NULL;
		if (book_add(b, it, &err) < 0 && !status) {
			keep_error(e, &err);
			status = 1;
		}
	}
	journal_close(j);
	if (status || book_rewind_stdin(files, n, e) < 0) {
		book_free(b);
		return NULL;
	}
	book_settle(b, end);
	return b;
}

long
book_package_left(struct book *b, const char *client, tdate asof)
{
	struct client *c = clients_find(book_clients(b), (struct span){client, strlen(client)});

	if (!c || c->first_pk_date == DATE_NONE ||
	    (asof != DATE_NONE && c->first_pk_date > asof))
		return -1;
	return client_package_left(c, asof, NULL);
}
