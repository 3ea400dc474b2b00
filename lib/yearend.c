/*
 * yearend.c: what a new year's file must know of the old one besides balances. A client's
 * terms (the latest value by date of each tag on their agreement events: rate, policy,
 * terms, payer, name...) and the last number of each invoice series, so that numbering goes on.
 * tally-close writes them; the balances come from the reader, invoices and the book.
 */
#include <stdlib.h>
#include <string.h>

#include "tally.h"

struct yearend {
	struct strmap *terms;   /* client slug NUL tag -> value (malloc'd) */
	tdate *from;            /* each term's date, by its number: the latest by date wins */
	size_t nfrom;
	struct strmap *series;  /* number up to its last '-' -> struct last */
	struct strmap *items;   /* invoice number -> its `item:` values, one a line (malloc'd) */
};

struct last {
	long seq;
	char *number;
};

struct yearend *
yearend_new(void)
{
	struct yearend *y = xcalloc(1, sizeof *y);

	y->terms = strmap_new();
	y->series = strmap_new();
	y->items = strmap_new();
	return y;
}

static void
free_last(void *p)
{
	struct last *l = p;

	free(l->number);
	free(l);
}

void
yearend_free(struct yearend *y)
{
	if (!y)
		return;
	strmap_free(y->terms, free);
	strmap_free(y->series, free_last);
	strmap_free(y->items, free);
	free(y->from);
	free(y);
}

struct termarg {
	struct yearend *y;
	char *slug;
	const char *text, *end;
	tdate date;             /* the entry's */
};

static int
term(struct span key, struct span val, void *arg)
{
	struct termarg *a = arg;
	size_t sl = strlen(a->slug);
	char *k;
	size_t i;
	bool added;

	if (span_eq(key, "client") || key.n == 0)
		return 0;
	/* Free-text tags (name, address...) run to the end of their line. */
	if (vocab_to_eol(key))
		while (val.p + val.n < a->end && val.p[val.n] != '\n')
			val.n++;
	while (val.n && (val.p[val.n - 1] == ' ' || val.p[val.n - 1] == '\t'))
		val.n--;
	k = xmalloc(sl + 1 + key.n);
	memcpy(k, a->slug, sl + 1);
	memcpy(k + sl + 1, key.p, key.n);
	i = strmap_add(a->y->terms, k, sl + 1 + key.n, &added);
	free(k);
	if (i >= a->y->nfrom) {
		a->y->nfrom = 2 * i + 16;
		a->y->from = xrealloc(a->y->from, a->y->nfrom * sizeof *a->y->from);
	}
	/* date order, whatever the order of the file: of one date, the last written */
	if (!added && a->date < a->y->from[i])
		return 0;
	a->y->from[i] = a->date;
	free(*strmap_value(a->y->terms, i));
	*strmap_value(a->y->terms, i) = span_dup(val);
	return 0;
}

/* An invoice number's series (up to its last '-') and its sequence number, or -1. */
static long
split_number(struct span num, size_t *stem)
{
	size_t d = num.n;
	long seq = 0;

	while (d > 0 && num.p[d - 1] >= '0' && num.p[d - 1] <= '9')
		d--;
	if (d == num.n || num.n - d > 9)
		return -1;
	for (size_t i = d; i < num.n; i++)
		seq = seq * 10 + (num.p[i] - '0');
	*stem = d;
	return seq;
}

void
yearend_number(struct yearend *y, struct span num)
{
	size_t stem, i;
	long seq = split_number(num, &stem);
	bool added;
	struct last **l;

	if (seq < 0)
		return;
	i = strmap_add(y->series, num.p, stem, &added);
	l = (struct last **)strmap_value(y->series, i);
	if (!*l) {
		*l = xcalloc(1, sizeof **l);
		(*l)->seq = -1;
	}
	if (seq > (*l)->seq) {
		(*l)->seq = seq;
		free((*l)->number);
		(*l)->number = span_dup(num);
	}
}

/* Keeps an invoice entry's item lines, so that a re-stated invoice still shows them. */
static int
item(const struct vval *v, void *arg)
{
	char **lines = arg;
	size_t n = *lines ? strlen(*lines) : 0;

	*lines = xrealloc(*lines, n + v->raw.n + 2);
	memcpy(*lines + n, v->raw.p, v->raw.n);
	(*lines)[n + v->raw.n] = '\n';
	(*lines)[n + v->raw.n + 1] = 0;
	return 0;
}

void
yearend_observe(struct yearend *y, const struct jitem *it)
{
	const struct txn *t = it->txn;
	struct span who, num, v;
	char slug[CLIENT_ID_MAX + 2];

	if (it->kind != J_TXN || !t)
		return;
	if (txn_tag(t, "invoice", &num)) {
		yearend_number(y, num);
		bool added;
		size_t i = strmap_add(y->items, num.p, num.n, &added);

		/* the invoice's own entry, wherever a payment naming it is in the file */
		if (t->np && (added || !*strmap_value(y->items, i)))
			vocab_each(t, VT_ITEM, item, strmap_value(y->items, i));
	}
	/* Terms are events (no postings) that name a client and are not sessions. */
	if (t->np || txn_tag(t, "session", &v) || !txn_tag(t, "client", &who))
		return;
	size_t n = clients_slug(who, slug, sizeof slug);

	if (!n || n > CLIENT_ID_MAX)  /* too long to be an ID (tally-check says so): never cut */
		return;
	struct termarg a = {y, slug, it->text, it->text + it->len, t->date};

	tag_each(t->comment, term, &a);
}

size_t
yearend_terms(const struct yearend *y, const char *slug, const char **keys, const char **vals,
	      size_t max)
{
	size_t sl = strlen(slug), n = 0;

	for (size_t i = 0; i < strmap_count(y->terms) && n < max; i++) {
		size_t kn;
		const char *k = strmap_key(y->terms, i, &kn);

		if (kn <= sl + 1 || memcmp(k, slug, sl + 1) != 0)
			continue;
		keys[n] = k + sl + 1;
		vals[n++] = *strmap_value(((struct yearend *)y)->terms, i);
	}
	return n;
}

const char *
yearend_items(const struct yearend *y, const char *number)
{
	long i = strmap_find(y->items, number, strlen(number));

	return i < 0 ? NULL : *strmap_value(((struct yearend *)y)->items, (size_t)i);
}

size_t
yearend_series(const struct yearend *y)
{
	return strmap_count(y->series);
}

const char *
yearend_last(const struct yearend *y, size_t i)
{
	struct last *l = *strmap_value(((struct yearend *)y)->series, i);

	return l->number;
}
