/*
 * importwrite.c: tally-import's entries as journal text: a bank row's transaction (after
 * the rules) with its tags, amounts in the journal's style or the CSV's, and a payment split
 * over the invoices it settles. Text from the CSV is already safe (journal_text_safe).
 */
#include <stdbool.h>
#include <string.h>

#include "tally.h"

/* A string literal, its length known here. */
#define PUT(b, lit) buf_put((b), (lit), sizeof(lit) - 1)

void
buf_grow(struct buf *b, size_t n)
{
	while (b->n + n + 1 > b->cap)
		b->cap = b->cap ? b->cap * 2 : 1024;
	b->p = xrealloc(b->p, b->cap);
}

void
buf_puts(struct buf *b, const char *s)
{
	buf_put(b, s, strlen(s));
}

static void
fmt_date(struct buf *b, tdate d)
{
	/* A bank's rows come a day's worth at a time: the last date's text is kept. */
	static _Thread_local tdate last = DATE_NONE;
	static _Thread_local char s[16];

	if (d != last || d == DATE_NONE) {
		date_format(s, d);
		last = d;
	}
	buf_put(b, s, 10);
}

/* Comment text, one "; line" per line; the first on the header/posting line. */
static void
put_comment_lines(struct buf *b, const char *c, bool first_inline, const char *indent)
{
	const char *nl;
	bool first = true;

	while (c) {
		size_t n;

		nl = strchr(c, '\n');
		n = nl ? (size_t)(nl - c) : strlen(c);
		if (first && first_inline) {
			if (n) {
				PUT(b, "  ; ");
				buf_put(b, c, n);
			}
			PUT(b, "\n");
		} else {
			buf_puts(b, indent);
			PUT(b, "; ");
			buf_put(b, c, n);
			PUT(b, "\n");
		}
		first = false;
		c = nl ? nl + 1 : NULL;
	}
	if (first && first_inline)
		PUT(b, "\n");
}

/* A description or code on one line: each line stripped, empty ones dropped, joined by a
 * space (as hledger prints them). */
static void
put_oneline(struct buf *b, const char *s, size_t n)
{
	bool first = true;

	if (n && s[0] != ' ' && s[0] != '\t' && s[n - 1] != ' ' && s[n - 1] != '\t' &&
	    !memchr(s, '\n', n) && !memchr(s, '\r', n)) {  /* one line, nothing to strip */
		buf_put(b, s, n);
		return;
	}
	while (n) {
		const char *l = s, *nl = memchr(s, '\n', n), *cr;
		size_t k, m;

		if ((cr = memchr(s, '\r', nl ? (size_t)(nl - s) : n)) != NULL)
			nl = cr;
		k = nl ? (size_t)(nl - s) : n;
		m = k;
		while (m && (*l == ' ' || *l == '\t' || *l == '\r'))
			l++, m--;
		while (m && (l[m - 1] == ' ' || l[m - 1] == '\t' || l[m - 1] == '\r'))
			m--;
		if (m) {
			if (!first)
				buf_put(b, " ", 1);
			buf_put(b, l, m);
			first = false;
		}
		s += k + (nl != NULL);
		n -= k + (nl != NULL);
	}
}

/* With a journal, amounts take its style (symbol side, decimal mark); else the CSV's. */
void
import_amount(struct buf *b, const struct ramount *ra, bool journal_style)
{
	char a[2 * AMOUNT_BUF + 8];
	struct ramount x;
	const struct cstyle *st;

	if (b->n + sizeof a + 1 > b->cap)
		buf_grow(b, sizeof a);  /* room for the longest amount, written in place */
	if (!journal_style) {
		b->n += ramount_format(b->p + b->n, sizeof a, ra);
		return;
	}
	x = *ra;
	st = commodity_style(x.a.com);

	if (x.a.com && (st->mark_known || st->prec > 0)) {
		x.left = st->left;
		x.space = st->space;
	}
	if (st->mark_known && (st->decimal == '.' || st->decimal == ','))
		x.dec = st->decimal;
	b->n += ramount_format(b->p + b->n, sizeof a, &x);
}

/* One posting per invoice a payment settles, each tagged with its number. */
static void
render_split(struct buf *b, const struct rtxn *t, const char *acct2, const struct pmatch *pm,
	     bool journal_style)
{
	const struct rposting *p = &t->p[1];

	for (size_t k = 0; k < pm->nsplit; k++) {
		struct ramount x = t->p[0].amt;

		x.a = pm->split[k].amt;
		amount_neg(&x.a);
		x.price = 0;
		PUT(b, "    ");
		buf_puts(b, acct2);
		PUT(b, "  ");
		import_amount(b, &x, journal_style);
		if (k + 1 == pm->nsplit && p->has_bal) {
			PUT(b, " ");
			buf_puts(b, t->balance_op);
			PUT(b, " ");
			import_amount(b, &p->bal, journal_style);
		}
		PUT(b, "\n      ; invoice: ");
		buf_puts(b, pm->split[k].invoice);
		PUT(b, "\n");
		if (k == 0 && p->comment)
			put_comment_lines(b, p->comment, false, "      ");
	}
}

void
import_render(struct buf *b, const struct rtxn *t, const char *acct2, const char *tags,
	      const struct pmatch *split, bool journal_style)
{
	fmt_date(b, t->date);
	if (t->date2 != DATE_NONE) {
		PUT(b, "=");
		fmt_date(b, t->date2);
	}
	if (t->status)
		buf_put(b, (char[]){' ', t->status}, 2);
	if (t->code_len) {
		PUT(b, " (");
		put_oneline(b, t->code, t->code_len);
		PUT(b, ")");
	}
	if (t->desc_len) {
		PUT(b, " ");
		if (t->desc_line)
			buf_put(b, t->desc, t->desc_len);
		else
			put_oneline(b, t->desc, t->desc_len);
	}
	put_comment_lines(b, t->comment, true, "    ");
	if (tags)
		buf_puts(b, tags);
	for (size_t i = 0; i < t->np; i++) {
		const struct rposting *p = &t->p[i];

		if (i == 1 && split) {
			render_split(b, t, acct2, split, journal_style);
			continue;
		}
		PUT(b, "    ");
		if (i == 1 && acct2)
			buf_puts(b, acct2);
		else if (p->account_line)
			buf_put(b, p->account, p->account_len);
		else
			put_oneline(b, p->account, p->account_len);
		if (p->has_amt) {
			PUT(b, "  ");
			import_amount(b, &p->amt, journal_style);
		}
		if (p->has_bal) {
			buf_puts(b, p->has_amt ? " " : "  ");
			buf_puts(b, t->balance_op);
			PUT(b, " ");
			import_amount(b, &p->bal, journal_style);
		}
		if (p->comment)
			put_comment_lines(b, p->comment, true, "      ");
		else
			PUT(b, "\n");
	}
	PUT(b, "\n");
}

