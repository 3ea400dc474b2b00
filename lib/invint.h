/*
 * invint.h: what the parts of a run of new invoices share (invrun.c: the unbilled amounts
 * gathered while the journal streams; invwrite.c: the invoice entries written from them).
 * Not part of the public API.
 */
#ifndef INVINT_H
#define INVINT_H

#include "tally.h"

/* An unbilled amount dated in the period, and what of it no invoice has taken yet. */
struct item {
	tdate date;
	char *desc;          /* NULL for amounts outside the period: never listed */
	struct amount rem;
};

/*
 * One client's unbilled amounts in one commodity, in journal order. Amounts fully taken by
 * invoices are dropped as the list grows, so memory follows what is still unbilled.
 */
struct lot {
	int com;
	struct item *it;
	size_t n, cap;
};

struct cl {
	char *id;
	char *acct;        /* the unbilled account as the journal spells it */
	long terms;        /* -1: none given */
	tdate terms_from;  /* its entry's date: terms take effect in date order */
	struct tax_rule tax, wh;  /* the client's tax-rate: / withholding-rate: (set: given) */
	struct lot *lot;
	size_t nlot;
};

struct invrun {
	struct invrun_opts o;
	size_t ulen;              /* of o.unbilled */
	struct chart_under unb, recv;  /* o.unbilled, o.receivable, asked about every posting */
	struct cl *cls;
	size_t ncls;
	struct strmap *ids;       /* a client's ID: its index in cls */
	char *recv_spelling;      /* the receivable prefix as the journal spells it */
	long last_seq;            /* the highest number used in the new invoices' year */
	int seq_year;
	struct clients *payers;   /* bill-to: who pays for whom, by date (lib/billto.c) */
	struct identities *names; /* what a payer's invoice calls each client */
	struct listed *items;     /* the item: lines of the invoice entry being read */
	size_t nitems, capitems;
	tdate lo, hi;             /* their dates' range */
};

/* The client of exactly this ID, or NULL. */
struct cl *invrun_client(const struct invrun *r, const char *id);

#endif
