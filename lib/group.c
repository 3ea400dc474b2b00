/*
 * group.c: who attended a session. A session event with several `client:` tags (the tag
 * repeated on one line, or one `; client:` line each) is a group session; `absent: ID`
 * marks an attendee who missed it (a no-show, or `absent: ID late-cancel`). The book keeps
 * one record per attendee and prices each on their own (docs/events.md).
 */
#include <string.h>

#include "tally.h"

struct walk {
	struct attendee *a;
	size_t max, n;
	struct span stray;
};

static int
add_client(const struct vval *v, void *arg)
{
	struct walk *w = arg;
	size_t kept = w->n < w->max ? w->n : w->max;

	for (size_t i = 0; i < kept; i++)
		if (vocab_same_client(w->a[i].id, v->raw))
			return 0;
	if (w->n < w->max)
		w->a[w->n] = (struct attendee){v->raw, SESSION_HELD};
	w->n++;
	return 0;
}

static int
mark_absent(const struct vval *v, void *arg)
{
	struct walk *w = arg;
	size_t kept = w->n < w->max ? w->n : w->max;

	for (size_t i = 0; i < kept; i++)
		if (vocab_same_client(w->a[i].id, v->raw)) {
			w->a[i].kind = (int)v->n;
			return 0;
		}
	if (!w->stray.p)
		w->stray = v->raw;
	return 0;
}

size_t
group_attendees(const struct txn *t, struct attendee *a, size_t max, struct span *stray)
{
	struct walk w = {a, max, 0, {NULL, 0}};

	vocab_each(t, VT_CLIENT, add_client, &w);
	vocab_each(t, VT_ABSENT, mark_absent, &w);
	if (stray)
		*stray = w.stray;
	return w.n;
}

static int
count_one(struct span key, struct span value, void *arg)
{
	int *n = arg;

	(void)value;
	if (span_eq(key, "absent"))
		*n += 2;
	else if (span_eq(key, "client"))
		(*n)++;
	return *n > 1;
}

bool
group_is(const struct txn *t)
{
	int n = 0;

	tag_each(t->comment, count_one, &n);
	return n > 1;
}
