/*
 * accounts.c: accounts by name, each with a balance per commodity: an array numbered by a
 * string map (strmap.c), so the array can be sorted for reports once reading is done.
 */
#include <stdlib.h>
#include <string.h>

#include "tally.h"

struct accounts {
	struct account *a;    /* a[i] is the map's key number i */
	size_t n, cap;
	struct strmap *names;
};

struct accounts *
accounts_new(void)
{
	struct accounts *t = xcalloc(1, sizeof *t);

	t->names = strmap_new();
	return t;
}

struct account *
accounts_find(const struct accounts *t, const char *name, size_t len)
{
	long k = strmap_find(t->names, name, len);

	return k >= 0 ? &t->a[k] : NULL;
}

struct account *
accounts_get(struct accounts *t, const char *name, size_t len)
{
	long k = strmap_find(t->names, name, len);
	struct account *a;

	if (k >= 0)
		return &t->a[k];
	strmap_add(t->names, name, len, NULL);  /* its number is t->n */
	if (t->n == t->cap) {
		t->cap = t->cap ? t->cap * 2 : 64;
		t->a = xrealloc(t->a, t->cap * sizeof *t->a);
	}
	a = &t->a[t->n++];
	memset(a, 0, sizeof *a);
	a->name = xstrndup(name, len);
	a->len = len;
	return a;
}

int
account_add(struct account *a, const struct amount *amt)
{
	size_t i;

	for (i = 0; i < a->nbal; i++)
		if (a->bal[i].com == amt->com)
			break;
	if (i == a->nbal) {
		if (a->nbal == a->cap) {
			a->cap = a->cap ? a->cap * 2 : 2;
			a->bal = xrealloc(a->bal, a->cap * sizeof *a->bal);
		}
		a->bal[i].com = amt->com;
		a->bal[i].sum = (struct amount){0, 0, amt->com};
		a->nbal++;
	}
	a->postings++;
	return amount_add(&a->bal[i].sum, &a->bal[i].sum, amt);
}

struct amount
account_balance(const struct account *a, int com)
{
	for (size_t i = 0; i < a->nbal; i++)
		if (a->bal[i].com == com)
			return a->bal[i].sum;
	return (struct amount){0, 0, com};
}

size_t
accounts_count(const struct accounts *t)
{
	return t->n;
}

struct account *
accounts_at(struct accounts *t, size_t i)
{
	return i < t->n ? &t->a[i] : NULL;
}

static int
by_name(const void *x, const void *y)
{
	const struct account *a = x, *b = y;
	size_t n = a->len < b->len ? a->len : b->len;
	int c = memcmp(a->name, b->name, n);

	return c ? c : (a->len > b->len) - (a->len < b->len);
}

void
accounts_sort(struct accounts *t)
{
	if (t->n > 1)
		qsort(t->a, t->n, sizeof *t->a, by_name);
	strmap_free(t->names, NULL);  /* numbered again in the new order */
	t->names = strmap_new();
	for (size_t i = 0; i < t->n; i++)
		strmap_add(t->names, t->a[i].name, t->a[i].len, NULL);
}

void
accounts_free(struct accounts *t)
{
	for (size_t i = 0; i < t->n; i++) {
		free(t->a[i].name);
		free(t->a[i].bal);
	}
	free(t->a);
	strmap_free(t->names, NULL);
	free(t);
}
