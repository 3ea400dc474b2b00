/*
 * vocabint.h: what vocab.c (the vocabulary and its reading of an entry) shares with
 * vocabvalue.c (the parsers of the rarer kinds of value).
 */
#ifndef TALLY_VOCABINT_H
#define TALLY_VOCABINT_H

#include "tally.h"

enum vkind {
	K_ID,        /* a client: folds to a non-empty slug */
	K_SESSION,   /* held, cancelled, late-cancel, no-show, provider-cancel */
	K_TIME,      /* HH:MM */
	K_MINUTES,   /* N, N min, N minutes */
	K_DURATION,  /* 50m, 50min, 90, 1h, 1h30m, 1h30 */
	K_STAMP,     /* YYYY-MM-DD HH:MM */
	K_COUNT,     /* N, N sessions */
	K_DATE,
	K_REGEX,
	K_RATE,      /* AMOUNT, AMOUNT/h, AMOUNT/hr, AMOUNT/hour */
	K_AMOUNT,    /* zero or more */
	K_NAME,      /* a file name's stem: a policy */
	K_DAYS,      /* N, N days */
	K_WORD,      /* non-empty, no blanks: an invoice number */
	K_ITEM,      /* DATE | AMOUNT | DESCRIPTION */
	K_EMAIL,
	K_TEXT,      /* anything */
	K_ABSENT,    /* a client ID, then no-show (the default) or late-cancel */
};

/* The rarer kinds, out of the reading's way (most tags of most entries are client, session,
 * time, duration, invoice): reads v into the zero *out; 0, or -1. */
int vocab_parse_rare(enum vkind kind, struct span v, struct vval *out);

#endif
