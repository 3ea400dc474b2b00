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
	/* bad items are the document's to say; they count as positions only */
	struct book_pass pass = {.limit = end, .book_only = true};

	if (!b)
		return NULL;
	if (book_rewind_stdin(files, n, e) < 0 || book_input(b, files, n, e) < 0) {
		book_free(b);
		return NULL;
	}
	if (book_learn(b, files, n, &pass)) {
		keep_error(e, book_deferred(b, true));  /* the first of the book's own */
		book_free(b);
		return NULL;
	}
	if (book_rewind_stdin(files, n, e) < 0) {
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
