/*
 * icaltext.h: the iCalendar file as text, for lib/ical.c only: the bytes, and where each
 * component begins and ends, since libical keeps no line numbers; its times and UIDs as
 * tally writes them.
 */
#ifndef TALLY_ICALTEXT_H
#define TALLY_ICALTEXT_H

#include <libical/ical.h>

#include "tally.h"

/* Where one component sits in the text. */
struct cpos {
	char name[24];
	long line;              /* its BEGIN line */
	size_t off, end;        /* byte offsets of its BEGIN and END lines */
};

struct icaltext {
	const char *text;       /* the whole file, NUL-terminated */
	size_t len;
	struct cpos *pos;       /* every BEGIN line, in order */
	size_t npos;
};

/* The file ("-": standard input, named "<stdin>") read whole; NULL with *e set. */
char *icaltext_slurp(const char *path, const char *name, size_t *len, struct terr *e);
/*
 * Fills t->pos from t->text: each BEGIN with the offset of its END. -1 with *e set for an
 * END that closes nothing or closes another component than the last one begun.
 */
int icaltext_scan(struct icaltext *t, const char *file, struct terr *e);
/* The line number of byte off. */
long icaltext_line_at(const char *text, size_t off);
/* The line of component p's own property name, else p's BEGIN line. */
long icaltext_prop_line(const struct icaltext *t, const struct cpos *p, const char *name);
/* The line a libical error message is about, inside component cp. */
long icaltext_error_line(const struct icaltext *t, const struct cpos *cp, const char *m);

/* The date of t (DATE_NONE when it is none), and its minute since 1970. */
tdate icaltext_date(struct icaltimetype t);
long long icaltext_stamp(struct icaltimetype t);
bool icaltext_same_minute(struct icaltimetype a, struct icaltimetype b);
/* A UID as a tag value: bytes that could end or split a tag are written %XX. */
char *icaltext_uid_escape(const char *uid, const char *suffix);

#endif
