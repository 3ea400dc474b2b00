/*
 * income.c: income per client and per month, the table a practice needs for its taxes.
 * Every posting to an income account counts (sessions, fees, lapsed credit), grouped by
 * the posting's `client:` tag (its own comments, then the entry's), as hledger's
 * `bal Income --pivot client -M` groups it; income is shown positive (the sign flipped).
 * Cells are kept sparse while the journal streams past, then laid out as a dense table.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "tally.h"

struct income {
	tdate begin, end;           /* the period; DATE_NONE: open */
	const char *prefix;         /* the income account; NULL: Income or Revenue */
	const struct query *query;  /* hledger query terms on the postings; NULL: all */
	int lo, hi;                 /* months seen (year * 12 + month - 1); lo > hi: none */
	struct strmap *rows;        /* client NUL commodity-id -> row number */
	struct strmap *cells;       /* row number, month -> cell number */
	struct amount *cell;
	size_t ncell, capcell;
	struct income_row *table;
	size_t ntable;
	int first, nmonths;
	struct { int month; size_t cell; } *rowlast;  /* per row: its last cell's month, cell */
	size_t nrowlast;
	tdate last_date;            /* the last entry's date and its month */
	int last_month;
};

static int
month_of(tdate d)
{
	int y, m, dd;

	date_to_ymd(d, &y, &m, &dd);
	return y * 12 + m - 1;
}

struct income *
income_new(tdate begin, tdate end, const char *prefix)
{
	struct income *in = xcalloc(1, sizeof *in);

	in->prefix = prefix;
	in->begin = begin;
	in->end = end;
	in->lo = 1;
	in->hi = 0;
	in->last_date = DATE_NONE;
	in->rows = strmap_new();
	in->cells = strmap_new();
	return in;
}

/* a is pre or under pre:, ASCII case ignored (Income:Fees, not IncomeTax). */
static bool
under(const char *a, size_t n, const char *pre)
{
	size_t k = strlen(pre);

	return n >= k && strncasecmp(a, pre, k) == 0 && (n == k || a[k] == ':');
}

/* a is word or word "s", or under either (income, incomes, revenue, revenues). */
static bool
under_plural(const char *a, size_t n, const char *word, size_t k)
{
	if (n < k || strncasecmp(a, word, k) != 0)
		return false;
	if (n > k && (a[k] == 's' || a[k] == 'S'))
		k++;
	return n == k || a[k] == ':';
}

/* Without a prefix, the names hledger takes for revenue: income(s) and revenue(s). Each
 * name is compared once: its first letter picks the word (most accounts are neither). */
static bool
is_income(const struct income *in, const char *a, size_t n)
{
	if (in->prefix)
		return under(a, n, in->prefix);
	if (n == 0)
		return false;
	switch (a[0]) {
	case 'i': case 'I': return under_plural(a, n, "income", 6);
	case 'r': case 'R': return under_plural(a, n, "revenue", 7);
	default: return false;
	}
}

/* A row's key, client NUL commodity id, in small when it fits (else allocated); *n its length. */
static char *
row_key(struct span client, int com, char small[static 128], size_t *n)
{
	char *rk;

	*n = client.n + 1 + sizeof com;
	rk = *n <= 128 ? small : xmalloc(*n);
	memcpy(rk, client.p, client.n);
	rk[client.n] = 0;
	memcpy(rk + client.n + 1, &com, sizeof com);
	return rk;
}

static struct amount *
cell_of(struct income *in, struct span client, int com, int month)
{
	char key[sizeof(size_t) + sizeof(int)], small[128];
	size_t krow, row, c;
	char *rk = row_key(client, com, small, &krow);
	bool added;

	row = strmap_add(in->rows, rk, krow, NULL);
	if (rk != small)
		free(rk);
	if (row >= in->nrowlast) {  /* a new row: no cell yet */
		in->rowlast = xrealloc(in->rowlast, (row + 1) * sizeof *in->rowlast);
		in->rowlast[row].month = INT32_MIN;
		in->nrowlast = row + 1;
	}
	if (in->rowlast[row].month == month)  /* a client's entries come in runs of a month */
		return &in->cell[in->rowlast[row].cell];
	memcpy(key, &row, sizeof row);
	memcpy(key + sizeof row, &month, sizeof month);
	c = strmap_add(in->cells, key, sizeof key, &added);
	if (added) {
		if (in->ncell == in->capcell) {
			in->capcell = in->capcell ? 2 * in->capcell : 64;
			in->cell = xrealloc(in->cell, in->capcell * sizeof *in->cell);
		}
		in->cell[in->ncell++] = (struct amount){0, 0, com};
	}
	in->rowlast[row].month = month;
	in->rowlast[row].cell = c;
	return &in->cell[c];
}

void
income_query(struct income *in, const struct query *q)
{
	in->query = query_empty(q) ? NULL : q;  /* NULL: no test per posting */
}

int
income_observe(struct income *in, const struct jitem *it, struct terr *e)
{
	const struct txn *t = it->txn;

	if (it->kind != J_TXN || !t)
		return 0;
	if ((in->begin != DATE_NONE && t->date < in->begin) ||
	    (in->end != DATE_NONE && t->date >= in->end))
		return 0;
	if (t->date != in->last_date) {  /* entries come in runs of a date */
		in->last_date = t->date;
		in->last_month = month_of(t->date);
	}
	int month = in->last_month;

	for (size_t i = 0; i < t->np; i++) {
		const struct posting *p = &t->p[i];
		struct span client = {"(none)", 6};
		struct amount neg = p->amt;

		if (!is_income(in, p->acct, p->acct_len) ||
		    (in->query && !query_posting(in->query, t, p)))
			continue;
		if (!posting_tag(t, p, "client", &client) || client.n == 0)
			client = (struct span){"(none)", 6};
		struct amount *c = cell_of(in, client, p->amt.com, month);

		amount_neg(&neg);
		if (amount_add(c, c, &neg) < 0) {
			terr_set(e, it->file, p->line, "income of %.*s too large to hold exactly",
				 (int)client.n, client.p);
			return -1;
		}
		c->com = p->amt.com;
		if (in->lo > in->hi)
			in->lo = in->hi = month;
		else if (month < in->lo)
			in->lo = month;
		else if (month > in->hi)
			in->hi = month;
	}
	return 0;
}

/* ---- both cores (split.c): the second half's income, summed into the first's at the cut */

static void *
part_new(void *arg)
{
	const struct income *in = arg;

	return income_new(in->begin, in->end, in->prefix);
}

static int
part_observe(void *part, const struct jitem *it)
{
	struct terr e;

	return income_observe(part, it, &e);  /* -1: read in order, to say where */
}

static void
part_free(void *part)
{
	income_free(part);
}

/* Part cell k's client, commodity (the part's id) and month. */
static void
part_cell(const struct income *pt, size_t k, struct span *client, int *com, int *month)
{
	size_t n, row;
	const char *key = strmap_key(pt->cells, k, &n);
	const char *rk;

	memcpy(&row, key, sizeof row);
	memcpy(month, key + sizeof row, sizeof *month);
	rk = strmap_key(pt->rows, row, &n);
	client->p = rk;
	client->n = strlen(rk);
	memcpy(com, rk + client->n + 1, sizeof *com);
}

/* The first half's cell number for a client, commodity and month, or -1: none yet. */
static long
cell_find(const struct income *in, struct span client, int com, int month)
{
	char key[sizeof(size_t) + sizeof(int)], small[128];
	size_t krow;
	char *rk = row_key(client, com, small, &krow);
	long row = strmap_find(in->rows, rk, krow);

	if (rk != small)
		free(rk);
	if (row < 0)
		return -1;
	memcpy(key, &(size_t){(size_t)row}, sizeof(size_t));
	memcpy(key + sizeof(size_t), &month, sizeof month);
	return strmap_find(in->cells, key, sizeof key);
}

/*
 * Adds the part's cells into in's (the part's commodity i is in's map[i]). Sums are exact,
 * so the cells are the in-order reading's; an overflow is looked for first: -1 then, with
 * in unchanged (the reading falls back to one reader, which says where).
 */
static int
part_merge(void *arg, void *part, const int *map)
{
	struct income *in = arg, *pt = part;
	struct span client;
	int com, month;

	for (size_t k = 0; k < pt->ncell; k++) {
		struct amount x;
		long c;

		part_cell(pt, k, &client, &com, &month);
		if ((c = cell_find(in, client, map[com], month)) >= 0 &&
		    amount_add(&x, &in->cell[c], &pt->cell[k]) < 0)
			return -1;
	}
	for (size_t k = 0; k < pt->ncell; k++) {
		struct amount *c;

		part_cell(pt, k, &client, &com, &month);
		c = cell_of(in, client, map[com], month);
		if (amount_add(c, c, &pt->cell[k]) < 0)
			return -1;  /* not reached: tried above */
		c->com = map[com];
	}
	if (pt->lo <= pt->hi) {
		if (in->lo > in->hi) {
			in->lo = pt->lo;
			in->hi = pt->hi;
		} else {
			in->lo = pt->lo < in->lo ? pt->lo : in->lo;
			in->hi = pt->hi > in->hi ? pt->hi : in->hi;
		}
	}
	return 0;
}

bool
income_split(struct income *in, struct journal *j)
{
	struct split_work w = {part_new, part_observe, part_merge, part_free, in};

	/* a query's terms match with shared state (PCRE2's match data) and the first half's
	 * commodity ids: with one, one reader */
	if (in->query)
		return false;
	return journal_split_work(j, &w);
}

static int
by_client(const void *x, const void *y)
{
	const struct income_row *a = x, *b = y;
	int r;

	if (a->total != b->total)
		return a->total - b->total;
	if ((r = strcmp(a->client, b->client)) != 0)
		return r;
	return strcmp(commodity_name(a->com), commodity_name(b->com));
}

/* Adds a to *sum (same commodity); -1 on overflow. */
static int
add_to(struct amount *sum, const struct amount *a)
{
	int com = a->com;

	if (amount_add(sum, sum, a) < 0)
		return -1;
	sum->com = com;
	return 0;
}

int
income_table(struct income *in, const struct income_row **rows, size_t *nrows, int *first,
	     int *nmonths, struct terr *e)
{
	size_t nr = strmap_count(in->rows), ncom = 0;
	int lo = in->lo, hi = in->hi;
	int *coms = xcalloc(nr + 1, sizeof *coms);

	/* The columns are the period's months; without a period, the months with income. */
	if (in->begin != DATE_NONE)
		lo = month_of(in->begin);
	if (in->end != DATE_NONE)
		hi = month_of(in->end - 1);
	if (lo > hi)
		lo = hi + 1;
	in->first = lo;
	in->nmonths = hi - lo + 1;
	for (size_t r = 0; r < nr; r++) {
		size_t n;
		const char *k = strmap_key(in->rows, r, &n);
		int com;
		size_t c;

		memcpy(&com, k + strlen(k) + 1, sizeof com);
		for (c = 0; c < ncom && coms[c] != com; c++)
			;
		if (c == ncom)
			coms[ncom++] = com;
	}
	in->ntable = nr + ncom;
	in->table = xcalloc(in->ntable + 1, sizeof *in->table);
	for (size_t r = 0; r < in->ntable; r++) {
		struct income_row *w = &in->table[r];

		w->cell = xcalloc((size_t)in->nmonths + 1, sizeof *w->cell);
		if (r < nr) {
			size_t n;

			w->client = strmap_key(in->rows, r, &n);
			memcpy(&w->com, w->client + strlen(w->client) + 1, sizeof w->com);
		} else {
			w->client = "total";
			w->total = true;
			w->com = coms[r - nr];
		}
		for (int m = 0; m <= in->nmonths; m++)
			w->cell[m] = (struct amount){0, 0, w->com};
	}
	free(coms);
	/* Each cell's place in the table, from the cells themselves (no lookup per row and
	 * month); the sums then run in the order of rows and months, as they always have. */
	size_t nat = nr * (size_t)in->nmonths;
	long *at = xmalloc((nat + 1) * sizeof *at);

	for (size_t k = 0; k < nat; k++)
		at[k] = -1;
	for (size_t k = 0; k < in->ncell; k++) {
		size_t n, row;
		const char *key = strmap_key(in->cells, k, &n);
		int month;

		memcpy(&row, key, sizeof row);
		memcpy(&month, key + sizeof row, sizeof month);
		if (month >= lo && month < lo + in->nmonths)
			at[row * (size_t)in->nmonths + (size_t)(month - lo)] = (long)k;
	}
	for (size_t r = 0; r < nr; r++) {
		struct income_row *w = &in->table[r], *tot = NULL;

		for (size_t k = nr; k < in->ntable; k++)
			if (in->table[k].com == w->com)
				tot = &in->table[k];
		for (int m = 0; m < in->nmonths; m++) {
			long c = at[r * (size_t)in->nmonths + (size_t)m];

			if (c < 0)
				continue;
			if (add_to(&w->cell[m], &in->cell[c]) < 0 ||
			    add_to(&w->cell[in->nmonths], &in->cell[c]) < 0 ||
			    add_to(&tot->cell[m], &in->cell[c]) < 0 ||
			    add_to(&tot->cell[in->nmonths], &in->cell[c]) < 0) {
				terr_set(e, NULL, 0, "a total of %s is too large to hold exactly",
					 w->client);
				free(at);
				return -1;
			}
		}
	}
	free(at);
	qsort(in->table, in->ntable, sizeof *in->table, by_client);
	*rows = in->table;
	*nrows = in->ntable;
	*first = in->first;
	*nmonths = in->nmonths;
	return 0;
}

void
income_free(struct income *in)
{
	if (!in)
		return;
	for (size_t r = 0; r < in->ntable; r++)
		free(in->table[r].cell);
	free(in->table);
	free(in->cell);
	free(in->rowlast);
	strmap_free(in->rows, NULL);
	strmap_free(in->cells, NULL);
	free(in);
}
