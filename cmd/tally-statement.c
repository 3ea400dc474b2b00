/*
 * tally-statement: a client's month-end statement. One streaming pass over the journal
 * keeps, per client, the balance of the client's four accounts at the period's start and
 * end, the package and deposit credit, the open invoices, and the entries dated in the
 * period; then one statement per client is rendered as text, Markdown or HTML with the
 * labels of share/templates/statement.LANG. `--all` writes every client's statement from
 * that one pass, so a month-end run costs one read of the journal whatever the clients.
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tally.h"

static const char *prog = "tally-statement";

/* The client's accounts, in the order of enum kind. */
enum kind { K_UNBILLED, K_RECEIVABLE, K_PREPAID, K_DEPOSITS, NKINDS };
static const char *prefix[NKINDS] = {
	"Assets:Unbilled", "Assets:Receivable", "Liabilities:Prepaid", "Liabilities:Deposits",
};
static size_t prefix_len[NKINDS];

static tdate begin = DATE_NONE, end = DATE_NONE;
static enum { F_TXT, F_MD, F_HTML } format = F_TXT;
static const char *const ext[] = {"txt", "md", "html", NULL};
static const char *lang = "en";
static struct conf *labels, *provider;

/* A sum in several commodities: a table-less struct account. */
typedef struct account money;

enum ikind { I_SESSION, I_CHARGE, I_PAYMENT, I_INVOICE };

/* One entry of the period as the client sees it. */
struct item {
	enum ikind kind;
	tdate date;
	char *desc;
	char *status;       /* session: the session tag's value */
	char *waived;       /* session: the waived tag's value */
	char *signoff;      /* session: the signed tag's value */
	char *number;       /* invoice number */
	int time;           /* session start in minutes, or -1 */
	bool from_package;  /* paid from prepaid credit */
	bool priced;        /* has postings to the client's accounts */
	bool paid_directly; /* has postings, none to the client's accounts (paid on the spot) */
	money amt;          /* the change in the client's balance (invoices: the amount) */
	tdate due;
};

struct book {
	char *id;
	char *file;         /* where the client first appears, for messages */
	long line;
	char *name;         /* a name: tag, or a client: tag that is not the ID */
	money open, close;  /* the four accounts' sum before begin and before end */
	money kind[NKINDS]; /* each account's balance before end */
	long pkg_left;      /* prepaid sessions left: bought minus used */
	bool had_pkg;
	struct item *items;
	size_t nitems, capitems;
};

static struct book *clients;
static struct invoices *inv;
static const char *cur_file;  /* the entry being read, so new clients know their place */
static long cur_line;
static size_t nclients, capclients;
/* Open addressing over clients[]: index + 1, 0 = empty. */
static size_t *slots, nslots;

static void
usage(FILE *f, int status)
{
	fprintf(f, "usage: %s (--client ID | --all --output-dir DIR) [-p PERIOD] [-b DATE]\n"
		   "       [-e DATE] [-O txt|md|html] [--lang en|es] [--conf FILE]\n"
		   "       [--templates DIR] [--unbilled ACCT] [--receivable ACCT]\n"
		   "       [--prepaid ACCT] [--deposits ACCT] [-f FILE]... [FILE]...\n",
		prog);
	exit(status);
}

static size_t
hash(const char *s, size_t n)
{
	size_t h = 5381;

	while (n--)
		h = h * 33 + (unsigned char)*s++;
	return h;
}

static size_t
client_get(const char *id, size_t n)
{
	size_t h, k;

	if (nclients * 2 >= nslots) {
		free(slots);
		nslots = nslots ? nslots * 2 : 64;
		slots = xcalloc(nslots, sizeof *slots);
		for (size_t i = 0; i < nclients; i++) {
			h = hash(clients[i].id, strlen(clients[i].id)) & (nslots - 1);
			while (slots[h])
				h = (h + 1) & (nslots - 1);
			slots[h] = i + 1;
		}
	}
	h = hash(id, n) & (nslots - 1);
	while ((k = slots[h]) != 0) {
		if (strlen(clients[k - 1].id) == n && memcmp(clients[k - 1].id, id, n) == 0)
			return k - 1;
		h = (h + 1) & (nslots - 1);
	}
	if (nclients == capclients) {
		capclients = capclients ? capclients * 2 : 16;
		clients = xrealloc(clients, capclients * sizeof *clients);
	}
	memset(&clients[nclients], 0, sizeof *clients);
	clients[nclients].id = xstrndup(id, n);
	clients[nclients].file = xstrdup(cur_file ? cur_file : "-");
	clients[nclients].line = cur_line;
	slots[h] = nclients + 1;
	return nclients++;
}

/* Whether a client: tag value is a spelling of the ID ("Théo Keller" of theo-keller). */
static bool
spells(struct span v, const char *id)
{
	char slug[256];
	size_t n = clients_slug(v, slug, sizeof slug);

	return n == strlen(id) && strncasecmp(slug, id, n) == 0;
}

/* The client a client: tag names: its value folded to the slug used in account names. */
static size_t
client_of_tag(struct span v)
{
	char slug[256];

	return client_get(slug, clients_slug(v, slug, sizeof slug));
}

/* The kind of client account an account name is, and the client's ID in it; -1 if none. */
static int
acct_kind(const char *a, size_t n, struct span *id)
{
	for (int k = 0; k < NKINDS; k++) {
		size_t l = prefix_len[k], e;

		if (n <= l + 1 || a[l] != ':' || strncasecmp(a, prefix[k], l) != 0)
			continue;
		for (e = l + 1; e < n && a[e] != ':'; e++)
			;
		*id = (struct span){a + l + 1, e - l - 1};
		return k;
	}
	return -1;
}

static int
money_add(money *m, const struct amount *a)
{
	return account_add(m, a);
}

static bool
money_zero(const money *m)
{
	for (size_t i = 0; i < m->nbal; i++)
		if (!amount_is_zero(&m->bal[i].sum))
			return false;
	return true;
}

/* The sign of a sum: that of its first nonzero commodity. */
static int
money_sign(const money *m)
{
	for (size_t i = 0; i < m->nbal; i++)
		if (!amount_is_zero(&m->bal[i].sum))
			return amount_sign(&m->bal[i].sum);
	return 0;
}

static int
money_addm(money *m, const money *b, bool negate)
{
	for (size_t i = 0; i < b->nbal; i++) {
		struct amount a = b->bal[i].sum;

		if (negate)
			amount_neg(&a);
		if (money_add(m, &a) < 0)
			return -1;
	}
	return 0;
}

/* The tags of one entry that the statement uses. */
struct tags {
	struct span client, name, session, signoff, waived, invoice, package, due;
	bool has_client, has_name, has_session, has_signoff, has_waived, has_invoice,
	     has_package, has_due;
	int time;
	tdate last_item;    /* the latest `item: DATE | ...` of an invoice */
};

static int
take_tag(struct span k, struct span v, void *arg)
{
	struct tags *t = arg;

#define TAKE(key, f) \
	if (span_eq(k, key) && !t->has_##f) { t->f = v; t->has_##f = true; return 0; }
	TAKE("client", client)
	TAKE("name", name)
	TAKE("session", session)
	TAKE("signed", signoff)
	TAKE("waived", waived)
	TAKE("invoice", invoice)
	TAKE("package", package)
	TAKE("due", due)
#undef TAKE
	if (span_eq(k, "time") && t->time < 0)
		t->time = time_parse(v.p, v.n);
	if (span_eq(k, "item") && v.n >= 10) {
		tdate d;
		const char *why;

		if (date_parse(v.p, 10, 0, &d, &why) == 10 && (t->last_item == DATE_NONE ||
							       d > t->last_item))
			t->last_item = d;
	}
	return 0;
}

/* The number a tag value starts with ("10 sessions" is 10); spans are not NUL-terminated. */
static long
span_long(struct span v)
{
	long n = 0;

	for (size_t i = 0; i < v.n && v.p[i] >= '0' && v.p[i] <= '9' && n < 1000000; i++)
		n = n * 10 + (v.p[i] - '0');
	return n;
}

static char *
dup_or_null(struct span s, bool has)
{
	return has ? span_dup(s) : NULL;
}

static struct item *
item_new(struct book *c, enum ikind kind, const struct txn *t)
{
	struct item *it;

	if (c->nitems == c->capitems) {
		c->capitems = c->capitems ? c->capitems * 2 : 16;
		c->items = xrealloc(c->items, c->capitems * sizeof *c->items);
	}
	it = &c->items[c->nitems++];
	memset(it, 0, sizeof *it);
	it->kind = kind;
	it->date = t->date;
	it->time = -1;
	it->due = DATE_NONE;
	return it;
}

static void
session_item(struct book *c, const struct txn *t, const struct tags *g, const money *delta,
	     bool from_package, bool shared)
{
	struct item *it = item_new(c, I_SESSION, t);

	it->desc = shared ? NULL : span_dup(t->desc);
	it->status = span_dup(g->session);
	it->waived = dup_or_null(g->waived, g->has_waived);
	it->signoff = dup_or_null(g->signoff, g->has_signoff);
	it->time = g->time;
	it->from_package = from_package;
	it->priced = delta != NULL;
	if (delta)
		money_addm(&it->amt, delta, false);
}

static void
invoice_item(struct book *c, const struct txn *t, const struct tags *g, const money *amt)
{
	struct item *it = item_new(c, I_INVOICE, t);
	tdate due;
	const char *why;

	it->number = g->has_invoice ? span_dup(g->invoice) : span_dup(t->code);
	/* as the invoices module does: the due: tag, else the invoice's date */
	if (g->has_due && date_parse(g->due.p, g->due.n, 0, &due, &why) == (long)g->due.n)
		it->due = due;
	else
		it->due = t->date;
	money_addm(&it->amt, amt, false);
}

/* The clients one entry touches, with what it does to each. */
struct touch {
	size_t client;
	money delta;          /* the change in the four accounts' sum */
	money kind[NKINDS];
	bool debits_prepaid;  /* uses prepaid credit */
};

/* An invoice is shown on the statement of the period its items are in. */
static bool
invoice_in_period(const struct txn *t, const struct tags *g)
{
	tdate d = g->last_item != DATE_NONE ? g->last_item : t->date;

	return (begin == DATE_NONE || d >= begin) && (end == DATE_NONE || d < end);
}

/*
 * Learns from one entry dated before the period's end; or, when `after`, from an entry
 * dated on the day after it, of which only an invoice for the period counts (tally-invoice
 * dates a period's invoices the day after it). Returns -1 on overflow, 1 for an invoice
 * shown, else 0.
 */
static struct touch *tc;  /* the clients of the entry being read; reused */
static size_t captc;

static int
observe(const struct txn *t, bool after)
{
	size_t ntc = 0, i, k;
	struct tags g = {.time = -1, .last_item = DATE_NONE};
	bool in_period = begin == DATE_NONE || t->date >= begin;
	int rc = 0, shown = 0;

	for (i = 0; i < t->np; i++) {
		struct span id;
		int kd = acct_kind(t->p[i].acct, t->p[i].acct_len, &id);

		if (kd < 0)
			continue;
		size_t c = client_get(id.p, id.n);

		for (k = 0; k < ntc && tc[k].client != c; k++)
			;
		if (k == ntc) {
			if (ntc == captc) {
				captc = captc ? captc * 2 : 4;
				tc = xrealloc(tc, captc * sizeof *tc);
			}
			memset(&tc[ntc++], 0, sizeof *tc);
			tc[k].client = c;
		}
		if (money_add(&tc[k].delta, &t->p[i].amt) < 0 ||
		    money_add(&tc[k].kind[kd], &t->p[i].amt) < 0)
			rc = -1;
		if (kd == K_PREPAID && amount_sign(&t->p[i].amt) > 0)
			tc[k].debits_prepaid = true;
	}
	/* Entries that touch no client account matter only as sessions of the period. */
	if (ntc == 0 && t->np > 0 && (after || !in_period || !txn_tag(t, "session", NULL)))
		return 0;
	tag_each(t->comment, take_tag, &g);
	if (ntc == 0) {
		if (after)
			return 0;
		/* An event: it concerns the client its tag names. */
		if (!g.has_client)
			return 0;
		size_t ci = client_of_tag(g.client);
		struct book *c = &clients[ci];

		if (g.has_name) {
			free(c->name);
			c->name = span_dup(g.name);
		}
		if (in_period && g.has_session) {
			session_item(c, t, &g, NULL, false, false);
			c->items[c->nitems - 1].paid_directly = t->np > 0;
		}
		return 0;
	}
	for (k = 0; k < ntc; k++) {
		struct book *c = &clients[tc[k].client];
		bool shared = ntc > 1;
		int sign = money_sign(&tc[k].delta);

		if (after) {
			if (money_sign(&tc[k].kind[K_RECEIVABLE]) > 0 && sign == 0 &&
			    invoice_in_period(t, &g) && g.has_invoice)
				shown = 1, invoice_item(c, t, &g, &tc[k].kind[K_RECEIVABLE]);
			continue;
		}
		if (g.has_client && !shared && !c->name && !span_eq(g.client, c->id) &&
		    spells(g.client, c->id))
			c->name = span_dup(g.client);
		if (g.has_name && !shared) {
			free(c->name);
			c->name = span_dup(g.name);
		}
		if (begin != DATE_NONE && t->date < begin)
			rc |= money_addm(&c->open, &tc[k].delta, false);
		rc |= money_addm(&c->close, &tc[k].delta, false);
		for (int kd = 0; kd < NKINDS; kd++)
			rc |= money_addm(&c->kind[kd], &tc[k].kind[kd], false);
		if (g.has_package && money_sign(&tc[k].kind[K_PREPAID]) < 0) {
			c->pkg_left += span_long(g.package);
			c->had_pkg = true;
		} else if (tc[k].debits_prepaid && g.has_session && c->pkg_left > 0) {
			c->pkg_left--;
		}
		if (money_sign(&c->kind[K_PREPAID]) >= 0)
			c->pkg_left = 0;
		if (money_sign(&tc[k].kind[K_RECEIVABLE]) > 0 && sign == 0 && !g.has_session) {
			if (invoice_in_period(t, &g))
				invoice_item(c, t, &g, &tc[k].kind[K_RECEIVABLE]);
			continue;
		}
		if (!in_period)
			continue;
		if (g.has_session) {
			session_item(c, t, &g, &tc[k].delta, tc[k].debits_prepaid, shared);
		} else if (sign != 0) {
			struct item *it = item_new(c, sign > 0 ? I_CHARGE : I_PAYMENT, t);

			it->desc = shared ? NULL : span_dup(t->desc);
			money_addm(&it->amt, &tc[k].delta, sign < 0);
		}
	}
	for (k = 0; k < ntc; k++) {
		free(tc[k].delta.bal);
		for (int kd = 0; kd < NKINDS; kd++)
			free(tc[k].kind[kd].bal);
	}
	return rc < 0 ? -1 : shown;
}

/* ---- rendering ---------------------------------------------------------------------- */

#define WIDTH 80

static const char *
L(const char *key)
{
	const char *v = conf_get(labels, key);

	return v ? v : key;
}

/* Display width of UTF-8 text: one column per character. */
static size_t
cols(const char *s)
{
	size_t n = 0;

	for (; *s; s++)
		n += ((unsigned char)*s & 0xC0) != 0x80;
	return n;
}

/* Writes s in exactly w columns (cut, or padded on the left or right). */
static void
txt_cell(struct out *o, const char *s, size_t w, bool right)
{
	size_t c = cols(s), b = 0, k = 0;

	if (c > w) {
		while (s[b] && k < w) {
			b++;
			while (((unsigned char)s[b] & 0xC0) == 0x80)
				b++;
			k++;
		}
		out_write(o, s, b);
		return;
	}
	if (right)
		out_printf(o, "%*s", (int)(w - c), "");
	out_puts(o, s);
	if (!right)
		out_printf(o, "%*s", (int)(w - c), "");
}

static void
md_text(struct out *o, const char *s)
{
	for (; *s; s++) {
		if (strchr("\\`*_[]<>|#", *s))
			out_write(o, "\\", 1);
		out_write(o, s, 1);
	}
}

static void
text(struct out *o, const char *s)
{
	if (format == F_HTML)
		html_text(o, s, strlen(s));
	else if (format == F_MD)
		md_text(o, s);
	else
		out_puts(o, s);
}

static void
heading(struct out *o, const char *s)
{
	if (format == F_HTML) {
		out_puts(o, "<h2>");
		text(o, s);
		out_puts(o, "</h2>\n");
	} else if (format == F_MD) {
		out_puts(o, "## ");
		text(o, s);
		out_puts(o, "\n\n");
	} else {
		out_printf(o, "\n%s\n", s);
		for (size_t i = cols(s); i > 0; i--)
			out_puts(o, "-");
		out_puts(o, "\n");
	}
}

/* Text paragraphs are wrapped at WIDTH columns, at spaces. */
static void
para(struct out *o, const char *s)
{
	if (format == F_HTML) {
		out_puts(o, "<p>");
		text(o, s);
		out_puts(o, "</p>\n");
		return;
	}
	if (format == F_MD) {
		text(o, s);
		out_puts(o, "\n\n");
		return;
	}
	while (cols(s) > WIDTH) {
		size_t b = 0, k = 0, cut = 0;

		for (; s[b] && k <= WIDTH; b++) {
			if (s[b] == ' ')
				cut = b;
			k += ((unsigned char)s[b] & 0xC0) != 0x80;
		}
		if (!cut)
			break;
		out_write(o, s, cut);
		out_puts(o, "\n");
		s += cut + 1;
	}
	out_puts(o, s);
	out_puts(o, "\n");
}

/* A table: a header row, then rows of n cells; widths are the text columns. */
struct table {
	int n;
	const char *head[6];
	size_t width[6];
	bool right[6];
};

static void
row(struct out *o, const struct table *tb, const char *const *cell, const char *cls)
{
	if (format == F_HTML) {
		out_printf(o, "<tr%s%s%s>", cls ? " class=\"" : "", cls ? cls : "", cls ? "\"" : "");
		for (int i = 0; i < tb->n; i++) {
			out_puts(o, tb->right[i] ? "<td class=\"num\">" : "<td>");
			text(o, cell[i]);
			out_puts(o, "</td>");
		}
		out_puts(o, "</tr>\n");
	} else if (format == F_MD) {
		for (int i = 0; i < tb->n; i++) {
			out_puts(o, "| ");
			text(o, cell[i]);
			out_puts(o, " ");
		}
		out_puts(o, "|\n");
	} else {
		for (int i = 0; i < tb->n; i++) {
			if (i)
				out_puts(o, "  ");
			txt_cell(o, cell[i], tb->width[i], tb->right[i]);
		}
		out_puts(o, "\n");
	}
}

static void
table_begin(struct out *o, const struct table *tb)
{
	if (format == F_HTML) {
		out_puts(o, "<table>\n<thead><tr>");
		for (int i = 0; i < tb->n; i++) {
			out_puts(o, tb->right[i] ? "<th class=\"num\">" : "<th>");
			text(o, tb->head[i]);
			out_puts(o, "</th>");
		}
		out_puts(o, "</tr></thead>\n<tbody>\n");
		return;
	}
	row(o, tb, tb->head, NULL);
	for (int i = 0; i < tb->n; i++) {
		if (format == F_MD) {
			out_puts(o, tb->right[i] ? "| ---: " : "| --- ");
			continue;
		}
		if (i)
			out_puts(o, "  ");
		for (size_t k = 0; k < tb->width[i]; k++)
			out_puts(o, "-");
	}
	out_puts(o, format == F_MD ? "|\n" : "\n");
}

static void
table_end(struct out *o)
{
	if (format == F_HTML)
		out_puts(o, "</tbody>\n</table>\n");
	else if (format == F_MD)
		out_puts(o, "\n");
}

static void
fmt_date(char *buf, size_t size, tdate d)
{
	const char *f = L("date-format"), *months = L("months");
	char mon[32] = "";
	int y, m, dd, len = 0;

	date_to_ymd(d, &y, &m, &dd);
	for (int i = 1; *months && i <= m; i++) {
		size_t w = strcspn(months, " ");

		if (i == m)
			snprintf(mon, sizeof mon, "%.*s", (int)w, months);
		months += w;
		months += strspn(months, " ");
	}
	buf[0] = '\0';
	while (*f && len >= 0 && (size_t)len < size) {
		if (strncmp(f, "{dd}", 4) == 0)
			len += snprintf(buf + len, size - len, "%02d", dd), f += 4;
		else if (strncmp(f, "{d}", 3) == 0)
			len += snprintf(buf + len, size - len, "%d", dd), f += 3;
		else if (strncmp(f, "{mm}", 4) == 0)
			len += snprintf(buf + len, size - len, "%02d", m), f += 4;
		else if (strncmp(f, "{mon}", 5) == 0)
			len += snprintf(buf + len, size - len, "%s", mon), f += 5;
		else if (strncmp(f, "{yyyy}", 6) == 0)
			len += snprintf(buf + len, size - len, "%04d", y), f += 6;
		else
			len += snprintf(buf + len, size - len, "%c", *f++);
	}
}

/* A sum as text: its commodities joined by ", "; zero as 0 in the first commodity. */
static int zero_com;  /* the commodity a zero sum is shown in: the client's */

static void
fmt_money(char *buf, size_t size, const money *m, bool negate)
{
	size_t len = 0;
	bool any = false;

	buf[0] = '\0';
	for (size_t i = 0; i < m->nbal && len + AMOUNT_BUF + 2 < size; i++) {
		struct amount a = m->bal[i].sum;

		if (amount_is_zero(&a) && (any || i + 1 < m->nbal))
			continue;
		if (negate)
			amount_neg(&a);
		if (any)
			len += (size_t)snprintf(buf + len, size - len, ", ");
		len += amount_format_lang(buf + len, size - len, &a, lang);
		any = true;
	}
	if (!any) {
		struct amount z = {0, 0, zero_com};

		amount_format_lang(buf, size, &z, lang);
	}
}

static void
fmt_time(char *buf, size_t size, int t)
{
	if (t < 0)
		snprintf(buf, size, "%s", "");
	else
		snprintf(buf, size, "%02d:%02d", t / 60, t % 60);
}

static const char *
status_label(const char *status)
{
	char key[64];

	snprintf(key, sizeof key, "status-%s", status);
	return conf_get(labels, key) ? conf_get(labels, key) : status;
}

static void
kv(struct out *o, const char *k, const char *v)
{
	if (format == F_HTML) {
		out_puts(o, "<tr><th>");
		text(o, k);
		out_puts(o, "</th><td class=\"num\">");
		text(o, v);
		out_puts(o, "</td></tr>\n");
	} else if (format == F_MD) {
		out_puts(o, "| ");
		text(o, k);
		out_puts(o, " | ");
		text(o, v);
		out_puts(o, " |\n");
	} else {
		size_t w = cols(v) < 30 ? 30 : cols(v);

		txt_cell(o, k, WIDTH - 2 - w, false);
		out_puts(o, "  ");
		txt_cell(o, v, w, true);
		out_puts(o, "\n");
	}
}

static void
kv_begin(struct out *o)
{
	if (format == F_HTML)
		out_puts(o, "<table class=\"kv\">\n");
	else if (format == F_MD)
		out_puts(o, "| | |\n| --- | ---: |\n");
}

static void
kv_end(struct out *o)
{
	if (format == F_HTML)
		out_puts(o, "</table>\n");
	else if (format == F_MD)
		out_puts(o, "\n");
}

static const char *const provider_keys[] = {
	"name", "address", "tax-id", "email", "phone", "bank", "iban", NULL,
};

static void
header(struct out *o, const struct book *c, const char *css)
{
	char b[64], e[64], line[512];
	const char *name = c->name ? c->name : c->id;

	if (format == F_HTML) {
		out_printf(o, "<!DOCTYPE html>\n<html lang=\"%s\">\n<head>\n<meta charset=\"utf-8\">\n"
			      "<title>", lang);
		text(o, L("title"));
		out_puts(o, ": ");
		text(o, name);
		out_puts(o, "</title>\n<style>\n");
		out_puts(o, css);
		out_puts(o, "</style>\n</head>\n<body>\n<main>\n<h1>");
		text(o, L("title"));
		out_puts(o, "</h1>\n<div class=\"parties\">\n<div class=\"from\">\n");
	} else if (format == F_MD) {
		out_puts(o, "# ");
		text(o, L("title"));
		out_puts(o, "\n\n");
	} else {
		out_printf(o, "%s\n", L("title"));
		for (size_t i = cols(L("title")); i > 0; i--)
			out_puts(o, "=");
		out_puts(o, "\n\n");
	}
	for (int i = 0; provider_keys[i]; i++) {
		char pk[64];
		const char *v;

		snprintf(pk, sizeof pk, "provider-%s", provider_keys[i]);
		if (!(v = conf_get(provider, pk)))
			v = conf_get(provider, provider_keys[i]);

		if (!v)
			continue;
		if (format == F_HTML) {
			out_puts(o, i == 0 ? "<p class=\"name\">" : "<p>");
			text(o, v);
			out_puts(o, "</p>\n");
		} else {
			para(o, v);
		}
	}
	if (format == F_HTML)
		out_puts(o, "</div>\n<div class=\"to\">\n");
	else if (format == F_TXT && conf_count(provider))
		out_puts(o, "\n");
	snprintf(line, sizeof line, "%s: %s", L("client"), name);
	para(o, line);
	if (c->name) {
		snprintf(line, sizeof line, "%s: %s", L("client-id"), c->id);
		para(o, line);
	}
	b[0] = e[0] = '\0';
	if (begin != DATE_NONE)
		fmt_date(b, sizeof b, begin);
	if (end != DATE_NONE)
		fmt_date(e, sizeof e, end - 1);
	snprintf(line, sizeof line, "%s: %s %s %s", L("period"), b, L("to"), e);
	para(o, line);
	if (format == F_HTML)
		out_puts(o, "</div>\n</div>\n");
}

/* Ends a section: closes its table, or says there was nothing to list. */
static void
section_end(struct out *o, size_t shown)
{
	if (shown)
		table_end(o);
	else
		para(o, L("none"));
}

static void
sessions(struct out *o, const struct book *c)
{
	struct table tb = {5, {L("date"), L("time"), L("status"), L("signed"), L("price")},
			   {12, 5, 26, 14, 14}, {false, false, false, false, true}};
	char d[64], tm[16], price[512], st[256];
	size_t shown = 0;

	heading(o, L("sessions"));
	for (size_t i = 0; i < c->nitems; i++) {
		const struct item *it = &c->items[i];

		if (it->kind != I_SESSION)
			continue;
		if (!shown++)
			table_begin(o, &tb);
		fmt_date(d, sizeof d, it->date);
		fmt_time(tm, sizeof tm, it->time);
		if (it->waived)
			snprintf(st, sizeof st, "%s, %s: %s", status_label(it->status), L("waived"),
				 it->waived);
		if (it->waived && format == F_TXT && cols(st) > tb.width[2])
			snprintf(st, sizeof st, "%s, %s", status_label(it->status), L("waived"));
		else if (!it->waived)
			snprintf(st, sizeof st, "%s", status_label(it->status));
		if (it->paid_directly)
			snprintf(price, sizeof price, "%s", L("paid-directly"));
		else if (!it->priced)
			snprintf(price, sizeof price, "%s",
				 strcmp(it->status, "held") == 0 ? L("unpriced") : L("no-charge"));
		else if (it->from_package)
			snprintf(price, sizeof price, "%s", L("from-package"));
		else if (money_zero(&it->amt))
			snprintf(price, sizeof price, "%s", L("no-charge"));
		else
			fmt_money(price, sizeof price, &it->amt, false);
		const char *cell[] = {d, tm, st, it->signoff ? it->signoff : L("unsigned"), price};

		row(o, &tb, cell, NULL);
	}
	section_end(o, shown);
}

/* Charges (other than sessions) or payments: date, description, amount. */
static void
moves(struct out *o, const struct book *c, enum ikind kind, const char *title)
{
	struct table tb = {3, {L("date"), L("description"), L("amount")}, {12, 46, 18},
			   {false, false, true}};
	char d[64], amt[512];
	size_t shown = 0;

	heading(o, title);
	for (size_t i = 0; i < c->nitems; i++) {
		const struct item *it = &c->items[i];

		if (it->kind != kind)
			continue;
		if (!shown++)
			table_begin(o, &tb);
		fmt_date(d, sizeof d, it->date);
		fmt_money(amt, sizeof amt, &it->amt, false);
		const char *cell[] = {d, it->desc ? it->desc : L("shared-entry"), amt};

		row(o, &tb, cell, NULL);
	}
	section_end(o, shown);
}

static void
invoices(struct out *o, const struct book *c)
{
	struct table tb = {4, {L("number"), L("date"), L("due"), L("amount")}, {20, 16, 16, 20},
			   {false, false, false, true}};
	char d[64], du[64], amt[512];
	size_t shown = 0;

	heading(o, L("invoices"));
	for (size_t i = 0; i < c->nitems; i++) {
		const struct item *it = &c->items[i];

		if (it->kind != I_INVOICE)
			continue;
		if (!shown++)
			table_begin(o, &tb);
		fmt_date(d, sizeof d, it->date);
		du[0] = '\0';
		if (it->due != DATE_NONE)
			fmt_date(du, sizeof du, it->due);
		fmt_money(amt, sizeof amt, &it->amt, false);
		const char *cell[] = {it->number, d, du, amt};

		row(o, &tb, cell, NULL);
	}
	section_end(o, shown);
}

static void
open_invoices(struct out *o, const struct book *c)
{
	struct table tb = {4, {L("number"), L("date"), L("due"), L("open")}, {20, 16, 22, 14},
			   {false, false, false, true}};
	char d[64], du[96], amt[AMOUNT_BUF];

	size_t shown = 0;

	heading(o, L("open-invoices"));
	for (size_t i = 0; inv && i < invoices_count(inv); i++) {
		const struct invoice *v = invoices_at(inv, i);
		struct amount open;
		size_t n;

		if (strcmp(v->client, c->id) != 0 || amount_cmp(&v->paid, &v->total) >= 0)
			continue;
		open = v->paid;
		amount_neg(&open);
		if (amount_add(&open, &open, &v->total) < 0)
			continue;
		if (!shown++)
			table_begin(o, &tb);
		fmt_date(d, sizeof d, v->date);
		fmt_date(du, sizeof du, v->due);
		n = strlen(du);
		if (end != DATE_NONE && v->due < end - 1)
			snprintf(du + n, sizeof du - n, " (%s)", L("overdue"));
		amount_format_lang(amt, sizeof amt, &open, lang);
		const char *cell[] = {v->number, d, du, amt};

		row(o, &tb, cell, NULL);
	}
	section_end(o, shown);
}

static int
statement(struct out *o, const struct book *c, const char *css)
{
	money charges = {0}, payments = {0};
	char buf[512], label[256];
	int rc = 0;

	zero_com = c->close.nbal ? c->close.bal[0].com : c->open.nbal ? c->open.bal[0].com : 0;
	header(o, c, css);
	for (size_t i = 0; i < c->nitems; i++) {
		const struct item *it = &c->items[i];

		if (it->kind == I_PAYMENT)
			rc |= money_addm(&payments, &it->amt, false);
		else if (it->kind == I_SESSION || it->kind == I_CHARGE)
			rc |= money_addm(&charges, &it->amt, false);
	}
	heading(o, L("summary"));
	kv_begin(o);
	fmt_money(buf, sizeof buf, &c->open, false);
	kv(o, L("opening"), buf);
	fmt_money(buf, sizeof buf, &charges, false);
	kv(o, L("charges"), buf);
	fmt_money(buf, sizeof buf, &payments, true);
	kv(o, L("payments"), buf);
	fmt_money(buf, sizeof buf, &c->close, false);
	kv(o, L("closing"), buf);
	if (c->had_pkg) {
		snprintf(buf, sizeof buf, "%ld", c->pkg_left);
		kv(o, L("prepaid-left"), buf);
	}
	if (c->had_pkg || !money_zero(&c->kind[K_PREPAID])) {
		fmt_money(buf, sizeof buf, &c->kind[K_PREPAID], true);
		kv(o, L("prepaid-credit"), buf);
	}
	if (!money_zero(&c->kind[K_DEPOSITS])) {
		fmt_money(buf, sizeof buf, &c->kind[K_DEPOSITS], true);
		kv(o, L("deposit"), buf);
	}
	kv_end(o);
	if (format == F_TXT)
		out_puts(o, "\n");
	para(o, L("balance-note"));
	sessions(o, c);
	moves(o, c, I_CHARGE, L("fees"));
	invoices(o, c);
	moves(o, c, I_PAYMENT, L("payments"));
	open_invoices(o, c);
	snprintf(label, sizeof label, "%s", L("footer"));
	if (format == F_HTML) {
		out_puts(o, "<footer>");
		text(o, label);
		out_puts(o, "</footer>\n</main>\n</body>\n</html>\n");
	} else {
		out_puts(o, "\n");
		para(o, label);
	}
	free(charges.bal);
	free(payments.bal);
	return rc;
}

/*
 * Open invoices, followed by libtally's invoices module. Its receivable prefix matches
 * exactly, so it is made on the first posting to a receivable account with the prefix
 * spelled as the journal spells it (Assets:Receivable or assets:receivable).
 */
static int
follow_invoices(const struct jitem *it, struct terr *e)
{
	const struct txn *t = it->txn;
	struct span id;

	for (size_t i = 0; !inv && i < t->np; i++) {
		if (acct_kind(t->p[i].acct, t->p[i].acct_len, &id) == K_RECEIVABLE) {
			char *spelled = xstrndup(t->p[i].acct, prefix_len[K_RECEIVABLE]);

			inv = invoices_new(spelled);
			free(spelled);
		}
	}
	return inv ? invoices_observe(inv, it, e) : 0;
}

/* ---- main --------------------------------------------------------------------------- */

/* The templates directory: --templates, else beside the binary (build tree or install). */
static char *
templates_dir(const char *opt)
{
	static const char *const rel[] = {"/../share/templates", "/../share/tally/templates"};
	char exe[PATH_MAX], path[PATH_MAX + 64], *slash;
	ssize_t n;
	struct stat st;

	if (opt)
		return xstrdup(opt);
	n = readlink("/proc/self/exe", exe, sizeof exe - 1);
	if (n > 0) {
		exe[n] = '\0';
		if ((slash = strrchr(exe, '/')) != NULL)
			*slash = '\0';
		for (size_t i = 0; i < sizeof rel / sizeof *rel; i++) {
			snprintf(path, sizeof path, "%s%s/statement.en", exe, rel[i]);
			if (stat(path, &st) == 0) {
				snprintf(path, sizeof path, "%s%s", exe, rel[i]);
				return xstrdup(path);
			}
		}
	}
	return xstrdup(TALLY_SHAREDIR "/templates");
}

static char *
read_file(const char *path)
{
	FILE *f = fopen(path, "r");
	char *buf = NULL;
	size_t len = 0, cap = 0, n;

	if (!f)
		return NULL;
	do {
		if (len + 4096 + 1 > cap)
			buf = xrealloc(buf, cap = (cap ? cap * 2 : 8192));
		n = fread(buf + len, 1, cap - len - 1, f);
		len += n;
	} while (n > 0);
	buf[len] = '\0';
	fclose(f);
	return buf;
}

static tdate
parse_date_opt(const char *s)
{
	tdate d;
	const char *why;

	if (date_parse(s, strlen(s), 0, &d, &why) != (long)strlen(s)) {
		fprintf(stderr, "%s: bad date: %s\n", prog, s);
		exit(2);
	}
	return d;
}

/* tally.conf beside the journal file (as tally-invoice finds it), else in the current
 * directory. */
static const char *
beside(const char *journal, char *buf, size_t size)
{
	const char *slash = strrchr(journal, '/');

	if (strcmp(journal, "-") != 0) {
		snprintf(buf, size, "%.*stally.conf", slash ? (int)(slash - journal + 1) : 0,
			 journal);
		if (access(buf, R_OK) == 0)
			return buf;
	}
	return "tally.conf";
}

/* conf_load's error names a file it has freed: name it from the path asked for. */
static void
conf_error(const char *path, const struct terr *e)
{
	if (e->line)
		fprintf(stderr, "%s: %s:%ld: %s\n", prog, path, e->line, e->msg);
	else
		fprintf(stderr, "%s: %s: %s\n", prog, path, e->msg);
}

/* A client ID that can name a file in --output-dir. */
static bool
safe_name(const char *id)
{
	if (!*id || *id == '.' || strchr(id, '/') || strstr(id, ".."))
		return false;
	for (const char *p = id; *p; p++)
		if ((unsigned char)*p < 0x20)
			return false;
	return true;
}

static int
by_id(const void *x, const void *y)
{
	const struct book *a = x, *b = y;

	return strcmp(a->id, b->id);
}

static void
client_free(struct book *c)
{
	free(c->id);
	free(c->file);
	free(c->name);
	free(c->open.bal);
	free(c->close.bal);
	for (int k = 0; k < NKINDS; k++)
		free(c->kind[k].bal);
	for (size_t i = 0; i < c->nitems; i++) {
		struct item *it = &c->items[i];

		free(it->desc);
		free(it->status);
		free(it->waived);
		free(it->signoff);
		free(it->number);
		free(it->amt.bal);
	}
	free(c->items);
}

/*
 * Writes every client's statement into dir, one file each, through the write path: all
 * of them or none, and a symlink planted in dir is replaced, never followed. Prints the paths.
 */
static int
write_all(const char *dir, const char *css, char **files, size_t nfiles)
{
	char path[PATH_MAX];
	struct wpath *w;
	struct terr e;

	for (size_t i = 0; i < nclients; i++) {
		if (!safe_name(clients[i].id)) {
			fprintf(stderr, "%s: %s:%ld: client ID not usable as a file name: %s\n",
				prog, clients[i].file, clients[i].line, clients[i].id);
			return 1;
		}
	}
	w = wpath_new(files, nfiles);
	for (size_t i = 0; i < nclients; i++) {
		struct out *o;

		snprintf(path, sizeof path, "%s/%s.%s", dir, clients[i].id, ext[format]);
		if (wpath_add(w, path, WP_NOFOLLOW, &o, &e) != 0 || wpath_open(w, &e) < 0) {
			terr_print(prog, &e);
			wpath_abort(w);
			return 1;
		}
		if (statement(o, &clients[i], css) < 0) {
			fprintf(stderr, "%s: a total of %s is too large to hold exactly\n", prog,
				clients[i].id);
			wpath_abort(w);
			return 1;
		}
		if (out_commit(o) < 0) {  /* this file is complete: fsynced and closed */
			fprintf(stderr, "%s: %s: %s\n", prog, path, strerror(errno));
			wpath_abort(w);
			return 1;
		}
	}
	if (wpath_commit(w, &e) < 0) {
		terr_print(prog, &e);
		return 1;
	}
	for (size_t i = 0; i < nclients; i++)
		printf("%s/%s.%s\n", dir, clients[i].id, ext[format]);
	return 0;
}

int
main(int argc, char **argv)
{
	enum { O_ALL = 256, O_DIR, O_LANG, O_CONF, O_TPL, O_UNB, O_REC, O_PRE, O_DEP, O_CLI };
	static const struct option opts[] = {
		{"client", required_argument, NULL, O_CLI},
		{"all", no_argument, NULL, O_ALL},
		{"output-dir", required_argument, NULL, O_DIR},
		{"lang", required_argument, NULL, O_LANG},
		{"conf", required_argument, NULL, O_CONF},
		{"templates", required_argument, NULL, O_TPL},
		{"unbilled", required_argument, NULL, O_UNB},
		{"receivable", required_argument, NULL, O_REC},
		{"prepaid", required_argument, NULL, O_PRE},
		{"deposits", required_argument, NULL, O_DEP},
		{"unbilled-account", required_argument, NULL, O_UNB},
		{"receivable-account", required_argument, NULL, O_REC},
		{"prepaid-account", required_argument, NULL, O_PRE},
		{"deposits-account", required_argument, NULL, O_DEP},
		{"begin", required_argument, NULL, 'b'},
		{"end", required_argument, NULL, 'e'},
		{"period", required_argument, NULL, 'p'},
		{"output-format", required_argument, NULL, 'O'},
		{"file", required_argument, NULL, 'f'},
		{"help", no_argument, NULL, 'h'},
		{"version", no_argument, NULL, 'V'},
		{NULL, 0, NULL, 0},
	};
	static const char *const langs[] = {"en", "es", NULL};
	static char **fopts;  /* static: still reachable on early returns */
	char **files, *tdir, path[PATH_MAX];
	const char *want = NULL, *dir = NULL, *conf_path = NULL, *tpl = NULL;
	char *css = NULL;
	bool all = false, given;
	size_t nf = 0, nfiles;
	struct journal *j;
	struct jitem *it;
	struct terr e = {0};
	int c, rv, status = 0;
	tdate pb, pe;

	fopts = xcalloc((size_t)argc, sizeof *fopts);
	while ((c = getopt_long(argc, argv, "b:e:p:O:f:h", opts, NULL)) != -1) {
		switch (c) {
		case O_CLI: want = optarg; break;
		case O_ALL: all = true; break;
		case O_DIR: dir = optarg; break;
		case O_LANG:
			if (format_parse(optarg, langs) < 0) {
				fprintf(stderr, "%s: unknown language: %s\n", prog, optarg);
				return 2;
			}
			lang = optarg;
			break;
		case O_CONF: conf_path = optarg; break;
		case O_TPL: tpl = optarg; break;
		case O_UNB: prefix[K_UNBILLED] = optarg; break;
		case O_REC: prefix[K_RECEIVABLE] = optarg; break;
		case O_PRE: prefix[K_PREPAID] = optarg; break;
		case O_DEP: prefix[K_DEPOSITS] = optarg; break;
		case 'b': begin = parse_date_opt(optarg); break;
		case 'e': end = parse_date_opt(optarg); break;
		case 'p':
			if (period_parse(optarg, &pb, &pe) < 0) {
				fprintf(stderr, "%s: bad period: %s\n", prog, optarg);
				return 2;
			}
			begin = pb;
			end = pe;
			break;
		case 'O':
			if ((rv = format_parse(optarg, ext)) < 0) {
				fprintf(stderr, "%s: unknown output format: %s\n", prog, optarg);
				return 2;
			}
			format = rv;
			break;
		case 'f': fopts[nf++] = optarg; break;
		case 'h': usage(stdout, 0); break;
		case 'V': printf("%s %s\n", prog, TALLY_VERSION); return 0;
		default: usage(stderr, 2);
		}
	}
	if (all == (want != NULL) || (all && !dir) || (!all && dir)) {
		fprintf(stderr, "%s: give either --client ID or --all --output-dir DIR\n", prog);
		usage(stderr, 2);
	}
	for (int k = 0; k < NKINDS; k++)
		prefix_len[k] = strlen(prefix[k]);
	tdir = templates_dir(tpl);
	snprintf(path, sizeof path, "%s/statement.%s", tdir, lang);
	if (!(labels = conf_load(path, true, &e))) {
		conf_error(path, &e);
		free(tdir);
		return 1;
	}
	if (format == F_HTML) {
		snprintf(path, sizeof path, "%s/statement.css", tdir);
		if (!(css = read_file(path)) || strstr(css, "</")) {
			fprintf(stderr, "%s: %s: %s\n", prog, path,
				css ? "must not contain \"</\"" : strerror(errno));
			free(css);
			free(tdir);
			conf_free(labels);
			return 1;
		}
	}
	free(tdir);
	nfiles = input_files(fopts, nf, argv + optind, (size_t)(argc - optind), &files);
	given = conf_path != NULL;
	conf_path = given ? conf_path : beside(files[0], path, sizeof path);
	if (!(provider = conf_load(conf_path, given, &e))) {
		conf_error(conf_path, &e);
		conf_free(labels);
		free(css);
		input_free(files, nfiles);
		free(fopts);
		return 1;
	}
	j = journal_open((const char *const *)files, nfiles, 0);
	while ((rv = journal_next(j, &it)) != 0) {
		if (rv < 0) {
			terr_print(prog, journal_error(j));
			status = 1;
			continue;
		}
		if (it->kind != J_TXN || status || (end != DATE_NONE && it->txn->date > end))
			continue;
		if (end != DATE_NONE && it->txn->date == end) {
			cur_file = it->file;
			cur_line = it->line;
			if (observe(it->txn, true) == 1 && follow_invoices(it, &e) < 0) {
				terr_print(prog, &e);
				status = 1;
			}
			continue;
		}
		if (follow_invoices(it, &e) < 0) {
			terr_print(prog, &e);
			status = 1;
			continue;
		}
		cur_file = it->file;
		cur_line = it->line;
		if (observe(it->txn, false) < 0) {
			fprintf(stderr, "%s: %s:%ld: a balance is too large to hold exactly\n", prog,
				it->file, it->line);
			status = 1;
		}
	}
	journal_close(j);
	if (!status) {
		if (nclients > 1)
			qsort(clients, nclients, sizeof *clients, by_id);
		if (all) {
			status = write_all(dir, css, files, nfiles);
		} else {
			size_t i;

			for (i = 0; i < nclients && strcmp(clients[i].id, want) != 0; i++)
				;
			if (i == nclients) {
				fprintf(stderr, "%s: unknown client: %s\n", prog, want);
				status = 1;
			} else {
				struct wpath *w = wpath_new(files, nfiles);
				struct out *o;

				if ((rv = wpath_add(w, NULL, 0, &o, &e)) != 0 || wpath_open(w, &e) < 0) {
					terr_print(prog, &e);
					wpath_abort(w);
					status = rv == WPATH_REFUSED ? 2 : 1;
				} else if (statement(o, &clients[i], css) < 0) {
					wpath_abort(w);
					fprintf(stderr, "%s: a total is too large to hold exactly\n", prog);
					status = 1;
				} else if (wpath_commit(w, &e) < 0) {
					terr_print(prog, &e);
					status = 1;
				}
			}
		}
	}
	for (size_t i = 0; i < nclients; i++)
		client_free(&clients[i]);
	free(clients);
	free(slots);
	if (inv)
		invoices_free(inv);
	free(tc);
	free(css);
	conf_free(labels);
	conf_free(provider);
	input_free(files, nfiles);
	free(fopts);
	if (fshut_stdout(prog) < 0)
		status = 1;
	commodity_reset();
	return status;
}
