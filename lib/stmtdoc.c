/*
 * stmtdoc.c: writes a client's statement (statement.c) as text, Markdown or HTML with the
 * labels of the catalog (share/po/LANG.po, context "statement") and the provider's tally.conf.
 */
#include <stdlib.h>
#include <string.h>

#include "tally.h"

/* The document being written: set by statement_write for the helpers below. */
static int format;
static const char *lang;
static const struct conf *labels, *provider;
static const struct identities *ids;  /* the clients' name, address, tax ID: NULL: none */
static tdate begin, end;
static const struct invoices *inv;

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
text(struct out *o, const char *s)
{
	if (format == STMT_HTML)
		html_text(o, s, strlen(s));
	else if (format == STMT_MD)
		md_text(o, s, strlen(s));
	else
		out_puts(o, s);
}

static void
heading(struct out *o, const char *s)
{
	if (format == STMT_HTML) {
		out_puts(o, "<h2>");
		text(o, s);
		out_puts(o, "</h2>\n");
	} else if (format == STMT_MD) {
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
	if (format == STMT_HTML) {
		out_puts(o, "<p>");
		text(o, s);
		out_puts(o, "</p>\n");
		return;
	}
	if (format == STMT_MD) {
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
	if (format == STMT_HTML) {
		out_printf(o, "<tr%s%s%s>", cls ? " class=\"" : "", cls ? cls : "", cls ? "\"" : "");
		for (int i = 0; i < tb->n; i++) {
			out_puts(o, tb->right[i] ? "<td class=\"num\">" : "<td>");
			text(o, cell[i]);
			out_puts(o, "</td>");
		}
		out_puts(o, "</tr>\n");
	} else if (format == STMT_MD) {
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
	if (format == STMT_HTML) {
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
		if (format == STMT_MD) {
			out_puts(o, tb->right[i] ? "| ---: " : "| --- ");
			continue;
		}
		if (i)
			out_puts(o, "  ");
		for (size_t k = 0; k < tb->width[i]; k++)
			out_puts(o, "-");
	}
	out_puts(o, format == STMT_MD ? "|\n" : "\n");
}

static void
table_end(struct out *o)
{
	if (format == STMT_HTML)
		out_puts(o, "</tbody>\n</table>\n");
	else if (format == STMT_MD)
		out_puts(o, "\n");
}

/* A date in the language's style (its catalog's date-format and months). */
static void
fmt_date(char *buf, size_t size, tdate d)
{
	catalog_date(buf, size, d, "statement");
}

/* A sum as text: its commodities joined by ", "; zero as 0 in the first commodity. */
static int zero_com;  /* the commodity a zero sum is shown in: the client's */

static void
fmt_money(char *buf, size_t size, const struct account *m, bool negate)
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
	if (format == STMT_HTML) {
		out_puts(o, "<tr><th>");
		text(o, k);
		out_puts(o, "</th><td class=\"num\">");
		text(o, v);
		out_puts(o, "</td></tr>\n");
	} else if (format == STMT_MD) {
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
	if (format == STMT_HTML)
		out_puts(o, "<table class=\"kv\">\n");
	else if (format == STMT_MD)
		out_puts(o, "| | |\n| --- | ---: |\n");
}

static void
kv_end(struct out *o)
{
	if (format == STMT_HTML)
		out_puts(o, "</table>\n");
	else if (format == STMT_MD)
		out_puts(o, "\n");
}

static const char *const provider_keys[] = {
	"name", "address", "tax-id", "email", "phone", "bank", "iban", NULL,
};

static void
header(struct out *o, const struct stmt_client *c, const char *css)
{
	char b[64], e[64], line[512];
	const struct identity *who = ids ? identities_find(ids, c->id) : NULL;
	const char *name = who && who->name ? who->name : c->name ? c->name : c->id;

	if (format == STMT_HTML) {
		/* the labels' `dir = rtl` (Hebrew): the page reads right to left */
		out_printf(o, "<!DOCTYPE html>\n<html lang=\"%s\"%s>\n<head>\n<meta charset=\"utf-8\">\n"
			      "<title>", lang, conf_get(labels, "dir") &&
			      strcmp(conf_get(labels, "dir"), "rtl") == 0 ? " dir=\"rtl\"" : "");
		text(o, L("title"));
		out_puts(o, ": ");
		text(o, name);
		out_puts(o, "</title>\n<style>\n");
		out_puts(o, css);
		out_puts(o, "</style>\n</head>\n<body>\n<main>\n<h1>");
		text(o, L("title"));
		out_puts(o, "</h1>\n<div class=\"parties\">\n<div class=\"from\">\n");
	} else if (format == STMT_MD) {
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
		if (format == STMT_HTML) {
			out_puts(o, i == 0 ? "<p class=\"name\">" : "<p>");
			text(o, v);
			out_puts(o, "</p>\n");
		} else {
			para(o, v);
		}
	}
	if (format == STMT_HTML)
		out_puts(o, "</div>\n<div class=\"to\">\n");
	else if (format == STMT_TXT && conf_count(provider))
		out_puts(o, "\n");
	snprintf(line, sizeof line, "%s: %s", L("client"), name);
	para(o, line);
	if (c->name || (who && who->name)) {
		snprintf(line, sizeof line, "%s: %s", L("client-id"), c->id);
		para(o, line);
	}
	for (const char *a = who ? who->address : NULL, *nl; a && *a; a = nl ? nl + 1 : "") {
		nl = strchr(a, '\n');
		snprintf(line, sizeof line, "%.*s", nl ? (int)(nl - a) : (int)strlen(a), a);
		para(o, line);
	}
	if (who && who->tax_id) {
		snprintf(line, sizeof line, "%s: %s", L("tax-id"), who->tax_id);
		para(o, line);
	}
	b[0] = e[0] = '\0';
	if (begin != DATE_NONE)
		fmt_date(b, sizeof b, begin);
	if (end != DATE_NONE)
		fmt_date(e, sizeof e, end - 1);
	snprintf(line, sizeof line, "%s: %s %s %s", L("period"), b, L("to"), e);
	para(o, line);
	if (format == STMT_HTML)
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

static void n_of_m(char *buf, size_t size, long n, long m);

/* On a household's statement, whose line it is: "Leo Pérez: " (name:, else the ID). */
static void
whose(char *buf, size_t size, const struct stmt_client *c, const struct stmt_item *it,
      const char *text)
{
	if (!c->household || !it->who) {
		snprintf(buf, size, "%s", text);
		return;
	}
	snprintf(buf, size, "%s: %s", identity_name(ids ? identities_find(ids, it->who) : NULL,
						    it->who), text);
}

static void
sessions(struct out *o, const struct stmt_client *c)
{
	struct table tb = {5, {L("date"), L("time"), L("status"), L("signed"), L("price")},
			   {12, 5, 26, 12, 16}, {false, false, false, false, true}};
	char d[64], tm[16], price[512], st[256];
	size_t shown = 0, over = 0;

	heading(o, L("sessions"));
	for (size_t i = 0; i < c->nitems; i++) {
		const struct stmt_item *it = &c->items[i];

		if (it->kind != SI_SESSION)
			continue;
		if (!shown++)
			table_begin(o, &tb);
		fmt_date(d, sizeof d, it->date);
		fmt_time(tm, sizeof tm, it->time);
		if (it->waived)
			snprintf(st, sizeof st, "%s, %s: %s", status_label(it->status), L("waived"),
				 it->waived);
		if (it->waived && format == STMT_TXT && cols(st) > tb.width[2])
			snprintf(st, sizeof st, "%s, %s", status_label(it->status), L("waived"));
		else if (!it->waived)
			snprintf(st, sizeof st, "%s", status_label(it->status));
		if (c->household && it->who) {
			char mine[sizeof st];

			memcpy(mine, st, sizeof mine);
			whose(st, sizeof st, c, it, mine);
		}
		if (it->paid_directly)
			snprintf(price, sizeof price, "%s", L("paid-directly"));
		else if (!it->priced && it->waived && strcmp(it->status, "held") == 0)
			snprintf(price, sizeof price, "%s", L("free"));  /* waived: given free */
		else if (it->pk_m)  /* billed from the package, or to be */
			n_of_m(price, sizeof price, it->pk_n, it->pk_m);
		else if (!it->priced)
			snprintf(price, sizeof price, "%s",
				 strcmp(it->status, "held") == 0 ? L("unpriced") : L("no-charge"));
		else if (it->from_package)
			snprintf(price, sizeof price, "%s", L("from-package"));
		else if (stmt_sum_zero(&it->amt))
			snprintf(price, sizeof price, "%s", L("no-charge"));
		else
			fmt_money(price, sizeof price, &it->amt, false);
		if (it->over && strlen(price) + 3 < sizeof price) {
			strcat(price, " *");  /* see the note under the table */
			over++;
		}
		const char *cell[] = {d, tm, st, it->signoff ? it->signoff : L("unsigned"), price};

		row(o, &tb, cell, NULL);
	}
	section_end(o, shown);
	if (over) {
		if (format == STMT_TXT)
			out_puts(o, "\n");
		para(o, L("beyond-package"));
	}
}

/* "session 8 of 10": the label's {n} and {m} filled in. */
static void
n_of_m(char *buf, size_t size, long n, long m)
{
	const char *f = L("package-session");
	size_t len = 0;

	buf[0] = '\0';
	while (*f && len + 1 < size) {
		if (strncmp(f, "{n}", 3) == 0 || strncmp(f, "{m}", 3) == 0) {
			int k = snprintf(buf + len, size - len, "%ld", f[1] == 'n' ? n : m);

			len = k < 0 ? len : len + (size_t)k < size ? len + (size_t)k : size - 1;
			f += 3;
		} else {
			buf[len++] = *f++;
			buf[len] = '\0';
		}
	}
}

/* Credit notes voiding invoices: their own section, not payments. */
static void
credits(struct out *o, const struct stmt_client *c)
{
	struct table tb = {4, {L("credit-note"), L("date"), L("voids"), L("amount")},
			   {20, 16, 20, 16}, {false, false, false, true}};
	char d[64], amt[512];
	size_t shown = 0;

	for (size_t i = 0; i < c->nitems; i++) {
		const struct stmt_item *it = &c->items[i];

		if (it->kind != SI_CREDIT)
			continue;
		if (!shown++) {
			heading(o, L("credit-notes"));
			table_begin(o, &tb);
		}
		fmt_date(d, sizeof d, it->date);
		fmt_money(amt, sizeof amt, &it->amt, false);
		const char *cell[] = {it->number, d, it->voids ? it->voids : "", amt};

		row(o, &tb, cell, NULL);
	}
	if (shown)
		table_end(o);
}

/* Charges (other than sessions) or payments: date, description, amount. */
static void
moves(struct out *o, const struct stmt_client *c, enum stmt_ikind kind, const char *title)
{
	struct table tb = {3, {L("date"), L("description"), L("amount")}, {12, 46, 18},
			   {false, false, true}};
	char d[64], amt[512], desc[1024];
	size_t shown = 0;

	heading(o, title);
	for (size_t i = 0; i < c->nitems; i++) {
		const struct stmt_item *it = &c->items[i];

		if (it->kind != kind)
			continue;
		if (!shown++)
			table_begin(o, &tb);
		fmt_date(d, sizeof d, it->date);
		fmt_money(amt, sizeof amt, &it->amt, false);
		whose(desc, sizeof desc, c, it, it->desc ? it->desc : L("shared-entry"));
		const char *cell[] = {d, desc, amt};

		row(o, &tb, cell, NULL);
	}
	section_end(o, shown);
}

static void
invoices(struct out *o, const struct stmt_client *c)
{
	struct table tb = {4, {L("number"), L("date"), L("due"), L("amount")}, {20, 16, 16, 20},
			   {false, false, false, true}};
	char d[64], du[64], amt[512];
	size_t shown = 0;

	heading(o, L("invoices"));
	for (size_t i = 0; i < c->nitems; i++) {
		const struct stmt_item *it = &c->items[i];

		if (it->kind != SI_INVOICE)
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
open_invoices(struct out *o, const struct stmt_client *c)
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

int
statement_write(struct out *o, const struct stmt_doc *d, const struct stmt_client *c)
{
	const char *css = d->css ? d->css : "";
	struct account charges = {0}, payments = {0}, credited = {0};
	char buf[512], label[256];
	int rc = 0;

	format = d->format;
	lang = d->lang ? d->lang : "en";
	labels = d->labels;
	provider = d->provider;
	begin = d->begin;
	end = d->end;
	inv = d->inv;
	ids = d->ids;
	zero_com = c->close.nbal ? c->close.bal[0].com : c->open.nbal ? c->open.bal[0].com : 0;
	header(o, c, css);
	for (size_t i = 0; i < c->nitems; i++) {
		const struct stmt_item *it = &c->items[i];

		if (it->kind == SI_PAYMENT)
			rc |= stmt_sum_add(&payments, &it->amt, false);
		else if (it->kind == SI_CREDIT)
			rc |= stmt_sum_add(&credited, &it->amt, false);
		else if (it->kind == SI_SESSION || it->kind == SI_CHARGE)
			rc |= stmt_sum_add(&charges, &it->amt, false);
	}
	heading(o, L("summary"));
	kv_begin(o);
	fmt_money(buf, sizeof buf, &c->open, false);
	kv(o, L("opening"), buf);
	fmt_money(buf, sizeof buf, &charges, false);
	kv(o, L("charges"), buf);
	fmt_money(buf, sizeof buf, &payments, true);
	kv(o, L("payments"), buf);
	if (!stmt_sum_zero(&credited)) {
		fmt_money(buf, sizeof buf, &credited, true);
		kv(o, L("credit-notes"), buf);
	}
	fmt_money(buf, sizeof buf, &c->close, false);
	kv(o, L("closing"), buf);
	if (c->had_pkg) {
		snprintf(buf, sizeof buf, "%ld", c->pkg_left);
		kv(o, L("prepaid-left"), buf);
	}
	if (c->had_pkg || !stmt_sum_zero(&c->kind[SA_PREPAID])) {
		fmt_money(buf, sizeof buf, &c->kind[SA_PREPAID], true);
		kv(o, L("prepaid-credit"), buf);
	}
	if (!stmt_sum_zero(&c->kind[SA_DEPOSITS])) {
		fmt_money(buf, sizeof buf, &c->kind[SA_DEPOSITS], true);
		kv(o, L("deposit"), buf);
	}
	kv_end(o);
	if (format == STMT_TXT)
		out_puts(o, "\n");
	para(o, L("balance-note"));
	/* Before the package runs out, the client hears it (the sign-off advice: no surprises). */
	if (c->had_pkg && c->pkg_left <= 1) {
		if (format == STMT_TXT)
			out_puts(o, "\n");
		para(o, L(c->pkg_left == 1 ? "renew-1" : "renew-0"));
	}
	sessions(o, c);
	moves(o, c, SI_CHARGE, L("fees"));
	invoices(o, c);
	credits(o, c);
	moves(o, c, SI_PAYMENT, L("payments"));
	open_invoices(o, c);
	snprintf(label, sizeof label, "%s", L("footer"));
	if (format == STMT_HTML) {
		out_puts(o, "<footer>");
		text(o, label);
		out_puts(o, "</footer>\n</main>\n</body>\n</html>\n");
	} else {
		out_puts(o, "\n");
		para(o, label);
	}
	free(charges.bal);
	free(payments.bal);
	free(credited.bal);
	return rc;
}
