/*
 * bookint.h: what the book's files (clients.c, packages.c, book.c, bookprice.c) share and
 * commands do not see.
 */
#ifndef TALLY_BOOKINT_H
#define TALLY_BOOKINT_H

#include "tally.h"

struct clients {
	char *prefix[C_NACCT];  /* account prefixes, without the trailing ':' */
	size_t plen[C_NACCT];
	struct client **tab;    /* open-addressing hash on the id */
	size_t cap;
	struct client **list;   /* in order of first appearance */
	size_t n, listcap;
	tdate min_expiry;       /* earliest expiry not yet handed out by clients_next_expired */
	struct client_pricing priced; /* the last item's, when it was an unpriced held session */
	struct {                /* names as written -> client: saves slugging every posting */
		char *raw;
		size_t n;
		struct client *c;
	} cache[64];
};

struct client *clients_lookup(struct clients *b, struct span name, bool create);
/* Which of the book's accounts a posting is in, and the client it names; -1 for none. */
int clients_classify(const struct clients *b, const struct posting *p, struct span *who);
/* A leading count ("10", "10 sessions"): the number, or -1. */
long leading_count(struct span v);
/* The tags that set a client's terms: rate, policy, terms, payer. */
int observe_terms(const struct client_tags *tg, const struct jitem *it, struct client *c,
		  struct terr *e);
/* Takes one package session on d: *price, the package it came from. */
struct client_package *package_take(struct client *c, tdate d, struct amount *price);

#endif
