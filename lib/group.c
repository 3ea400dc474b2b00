/*
 * group.c: who attended a session. A session event with several `client:` tags (the tag
 * repeated on one line, or one `; client:` line each) is a group session; `absent: ID`
 * marks an attendee who missed it (a no-show, or `absent: ID late-cancel`). The book keeps
 * one record per attendee and prices each on their own (docs/events.md).
 */
#include <stddef.h>
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

/* The first place of word w (n bytes) in s, or NULL. */
static const char *
find_word(struct span s, const char *w, size_t n)
{
	for (const char *p = s.p, *e = s.p + s.n; p && e - p >= (ptrdiff_t)n; p++) {
		if (!(p = memchr(p, w[0], (size_t)(e - p))) || e - p < (ptrdiff_t)n)
			return NULL;
		if (memcmp(p, w, n) == 0)
			return p;
	}
	return NULL;
}

bool
group_is(const struct txn *t)
{
	struct span c = t->comment;
	const char *first;
	int n = 0;

	/* asked of every session: most name one client and no absentee, which their text
	 * tells without reading their tags */
	if (!c.p || (!find_word(c, "absent", 6) &&
		     (!(first = find_word(c, "client", 6)) ||
		      !find_word((struct span){first + 6, c.n - (size_t)(first + 6 - c.p)},
				 "client", 6))))
		return false;
	tag_each(c, count_one, &n);
	return n > 1;
}
