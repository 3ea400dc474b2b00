/*
 * ovdoc.c: writes the practice overview (overview.c) on one page: as text within 80
 * columns, as HTML that loads nothing (the style inline, the income chart an inline SVG,
 * no script, no address), or as a PDF of the text with the chart drawn by cairo
 * (lib/pdf.c). Labels come from the catalog, context "overview" (`dir = rtl`: Hebrew).
 */
#include <stdlib.h>
#include <string.h>

#include "tally.h"

/* The document being written: set by overview_write for the helpers below. */
static int format;
static const char *lang;
static const struct conf *labels, *provider;
/* The PDF in the making, for the chart between the text's parts; NULL: not a PDF. */
static struct pdf *pdf;
static struct mail_doc part;
static struct out *partout;

#define WIDTH 80
#define BAR_COLS 30    /* the longest text bar */
#define METER_COLS 20  /* a text package meter */
#define NAME_MAX_COLS 16

/* The chart's geometry in SVG units (the SVG scales to the page's width). */
#define SVG_W 640
#define SVG_H 180
#define SVG_TOP 20
#define SVG_BASE 152

static const char css[] =
	"@page { size: auto; margin: 12mm; }\n"
	"body { font: 10pt/1.4 \"DejaVu Sans\", Arial, sans-serif; color: #222; margin: 0; }\n"
	"main { max-width: 186mm; margin: 0 auto; padding: 6mm 0; }\n"
	"h1 { font-size: 17pt; margin: 0 0 1mm; }\n"
	"h2 { font-size: 11pt; margin: 5mm 0 1.5mm; border-bottom: 1px solid #999; }\n"
	"p { margin: 0 0 1mm; }\n"
	".practice { font-weight: bold; }\n"
	"table { border-collapse: collapse; width: 100%; }\n"
	"th, td { padding: .6mm 2mm; border-bottom: 1px solid #ddd; text-align: start;"
	" white-space: nowrap; }\n"
	"thead th { background: #f0f0f0; }\n"
	".num { text-align: end; white-space: nowrap; font-variant-numeric: tabular-nums; }\n"
	"tr.total td { font-weight: bold; border-top: 1px solid #999; }\n"
	".note { margin-top: 1.5mm; color: #8a4b00; }\n"
	".meter { display: inline-block; width: 30mm; height: 2.6mm; background: #e4e4e4;"
	" vertical-align: middle; }\n"
	".meter span { display: block; height: 100%; background: #4573b3; }\n"
	".cols { display: flex; gap: 8mm; }\n"
	".cols > section:first-child { flex: 1 1 auto; }\n"
	".cols > section:last-child { flex: 0 0 auto; }\n"
	"svg { width: 100%; height: auto; }\n"
	"svg rect { fill: #4573b3; }\n"
	"svg text { font-size: 11px; fill: #222; text-anchor: middle; }\n"
	"svg line { stroke: #222; }\n"
	"svg.dense text { font-size: 8px; }\n"
	"@media print { body { font-size: 9pt; } main { padding: 0; } h2 { margin-top: 3.5mm; }\n"
	" th, td { padding: .25mm 2mm; } svg { max-height: 44mm; } }\n";

static const char *
L(const char *key)
{
	const char *v = conf_get(labels, key);

	return v ? v : key;
}

static bool
rtl(void)
{
	const char *d = conf_get(labels, "dir");

	return d && strcmp(d, "rtl") == 0;
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

/* Appends s in exactly w columns to line (room for it is kept): padded, or cut with '~'. */
static size_t
txt_cell(char *line, size_t len, size_t size, const char *s, size_t w, bool right)
{
	size_t c = cols(s), b = 0, k = 0, pad = c < w ? w - c : 0;

	if (c > w) {
		while (s[b] && k + 1 < w) {
			b++;
			while (((unsigned char)s[b] & 0xC0) == 0x80)
				b++;
			k++;
		}
		if (len + b + 2 < size) {
			memcpy(line + len, s, b);
			line[len + b] = '~';
			len += b + 1;
		}
		return len;
	}
	if (len + pad + strlen(s) + 1 >= size)
		return len;
	if (right) {
		memset(line + len, ' ', pad);
		len += pad;
	}
	memcpy(line + len, s, strlen(s));
	len += strlen(s);
	if (!right) {
		memset(line + len, ' ', pad);
		len += pad;
	}
	return len;
}

/* One text row of a table, without trailing blanks. */
static void
txt_row(struct out *o, const size_t *width, const bool *right, int n, const char *const *cell)
{
	char line[1024];
	size_t len = 0;

	for (int i = 0; i < n; i++) {
		if (i && len + 2 < sizeof line) {
			memcpy(line + len, "  ", 2);
			len += 2;
		}
		len = txt_cell(line, len, sizeof line, cell[i], width[i], right[i]);
	}
	while (len && line[len - 1] == ' ')
		len--;
	line[len] = '\n';
	out_write(o, line, len + 1);
}

static void
text(struct out *o, const char *s)
{
	if (format == OV_HTML)
		html_text(o, s, strlen(s));
	else
		out_puts(o, s);
}

static void
heading(struct out *o, const char *s)
{
	if (format == OV_HTML) {
		out_puts(o, "<h2>");
		text(o, s);
		out_puts(o, "</h2>\n");
		return;
	}
	out_printf(o, "\n%s\n", s);
	for (size_t i = cols(s); i > 0; i--)
		out_puts(o, "-");
	out_puts(o, "\n");
}

static void
para(struct out *o, const char *s, const char *cls)
{
	if (format == OV_HTML) {
		out_printf(o, "<p%s%s%s>", cls ? " class=\"" : "", cls ? cls : "", cls ? "\"" : "");
		text(o, s);
		out_puts(o, "</p>\n");
	} else {
		out_printf(o, "%s\n", s);
	}
}

/* A table: up to 8 columns, a header row, then rows; text widths are found first. */
#define TMAX 8
struct table {
	int n;
	const char *head[TMAX];
	size_t width[TMAX];
	bool right[TMAX];
};

static void
table_head(struct out *o, struct table *t)
{
	size_t total = 0;

	for (int i = 0; i < t->n; i++) {
		if (cols(t->head[i]) > t->width[i])
			t->width[i] = cols(t->head[i]);
		total += t->width[i] + (i ? 2 : 0);
	}
	/* the first column (the client) gives up room so the table stays within the page */
	if (total > WIDTH && t->width[0] > 8)
		t->width[0] = total - WIDTH >= t->width[0] - 8 ? 8 : t->width[0] - (total - WIDTH);
	if (t->width[0] > NAME_MAX_COLS)
		t->width[0] = NAME_MAX_COLS;
	if (format == OV_HTML) {
		out_puts(o, "<table>\n<thead><tr>");
		for (int i = 0; i < t->n; i++) {
			out_puts(o, t->right[i] ? "<th class=\"num\">" : "<th>");
			text(o, t->head[i]);
			out_puts(o, "</th>");
		}
		out_puts(o, "</tr></thead>\n<tbody>\n");
		return;
	}
	txt_row(o, t->width, t->right, t->n, t->head);
}

/* One row; html: the cell's markup (already escaped) instead of its text, when given. */
static void
table_row(struct out *o, const struct table *t, const char *const *cell, const char *cls,
	  const char *const *html)
{
	if (format == OV_HTML) {
		out_printf(o, "<tr%s%s%s>", cls ? " class=\"" : "", cls ? cls : "", cls ? "\"" : "");
		for (int i = 0; i < t->n; i++) {
			out_puts(o, t->right[i] ? "<td class=\"num\">" : "<td>");
			if (html && html[i])
				out_puts(o, html[i]);
			else
				text(o, cell[i]);
			out_puts(o, "</td>");
		}
		out_puts(o, "</tr>\n");
		return;
	}
	txt_row(o, t->width, t->right, t->n, cell);
}

static void
table_end(struct out *o)
{
	if (format == OV_HTML)
		out_puts(o, "</tbody>\n</table>\n");
}

/* A date in the language's style (its catalog's date-format and months). */
static void
fmt_date(char *buf, size_t size, tdate d)
{
	catalog_date(buf, size, d, "overview");
}

/* A month column (year * 12 + month - 1) as "Jan 2026", its name from `months`. */
static void
fmt_month(char *buf, size_t size, int month)
{
	const char *months = L("months");
	int m = month % 12;

	for (int i = 0; *months && i < m; i++) {
		months += strcspn(months, " ");
		months += strspn(months, " ");
	}
	snprintf(buf, size, "%.*s %04d", (int)strcspn(months, " "), months, month / 12);
}

static void
money(char *buf, size_t size, const struct amount *a)
{
	amount_format_lang(buf, size, a, lang);
}

static void
header(struct out *o, const struct overview_opts *op)
{
	char b[64], e[64], line[256];
	const char *name = conf_get(provider, "name");

	if (format == OV_HTML) {
		out_printf(o, "<!DOCTYPE html>\n<html lang=\"%s\"%s>\n<head>\n<meta charset=\"utf-8\"/>\n"
			      "<title>", lang, rtl() ? " dir=\"rtl\"" : "");
		text(o, L("title"));
		if (name) {
			out_puts(o, ": ");
			text(o, name);
		}
		out_printf(o, "</title>\n<style>\n%s</style>\n</head>\n<body>\n<main>\n<h1>", css);
		text(o, L("title"));
		out_puts(o, "</h1>\n");
	} else {
		out_printf(o, "%s\n", L("title"));
		for (size_t i = cols(L("title")); i > 0; i--)
			out_puts(o, "=");
		out_puts(o, "\n");
	}
	if (name)
		para(o, name, "practice");
	if (op->begin == DATE_NONE && op->end == DATE_NONE) {
		snprintf(line, sizeof line, "%s: %s", L("period"), L("all"));
	} else {
		b[0] = e[0] = '\0';
		if (op->begin != DATE_NONE)
			fmt_date(b, sizeof b, op->begin);
		if (op->end != DATE_NONE)
			fmt_date(e, sizeof e, op->end - 1);
		snprintf(line, sizeof line, "%s: %s %s %s", L("period"), b, L("to"), e);
	}
	para(o, line, NULL);
	fmt_date(b, sizeof b, op->asof);
	snprintf(line, sizeof line, "%s: %s", L("asof"), b);
	para(o, line, NULL);
}

enum { C_HELD, C_SIGNED, C_CANCELLED, C_LATE, C_NOSHOW, C_PROVIDER, C_N };

static void
sessions(struct out *o, const struct ov_client *const *v, size_t n)
{
	static const char *const keys[C_N] = {
		"held", "signed", "cancelled", "late", "no-show", "provider"
	};
	struct table t = {.n = C_N + 1};
	long tot[C_N] = {0};
	char num[C_N][24];
	const char *cell[C_N + 1];

	heading(o, L("sessions"));
	if (!n) {
		para(o, L("none"), NULL);
		return;
	}
	t.head[0] = L("client");
	t.width[0] = cols(L("total"));
	for (int k = 0; k < C_N; k++) {
		t.head[k + 1] = L(keys[k]);
		t.right[k + 1] = true;
	}
	for (size_t i = 0; i < n; i++) {
		const long f[C_N] = {v[i]->held, v[i]->signed_off, v[i]->cancelled, v[i]->late,
				     v[i]->noshow, v[i]->provider};

		if (cols(v[i]->id) > t.width[0])
			t.width[0] = cols(v[i]->id);
		for (int k = 0; k < C_N; k++)
			tot[k] += f[k];
	}
	for (int k = 0; k < C_N; k++)
		t.width[k + 1] = (size_t)snprintf(num[k], sizeof num[k], "%ld", tot[k]);
	table_head(o, &t);
	for (size_t i = 0; i <= n; i++) {
		const long f[C_N] = {i < n ? v[i]->held : tot[0], i < n ? v[i]->signed_off : tot[1],
				     i < n ? v[i]->cancelled : tot[2], i < n ? v[i]->late : tot[3],
				     i < n ? v[i]->noshow : tot[4], i < n ? v[i]->provider : tot[5]};

		cell[0] = i < n ? v[i]->id : L("total");
		for (int k = 0; k < C_N; k++) {
			snprintf(num[k], sizeof num[k], "%ld", f[k]);
			cell[k + 1] = num[k];
		}
		table_row(o, &t, cell, i < n ? NULL : "total", NULL);
	}
	table_end(o);
}

/*
 * Before a package runs out, the provider hears it: a line per client with one session
 * left or none (the labels renew-1 and renew-0, {client} replaced by the ID).
 */
static void
renewals(struct out *o, const struct ov_client *const *v, size_t n)
{
	bool first = true;

	for (size_t i = 0; i < n; i++) {
		const char *tpl, *at;
		char line[512];

		if (v[i]->bought <= 0 || v[i]->left > 1)
			continue;
		tpl = L(v[i]->left == 1 ? "renew-1" : "renew-0");
		if ((at = strstr(tpl, "{client}")))
			snprintf(line, sizeof line, "%.*s%s%s", (int)(at - tpl), tpl, v[i]->id, at + 8);
		else
			snprintf(line, sizeof line, "%s: %s", v[i]->id, tpl);
		if (first && format != OV_HTML)
			out_puts(o, "\n");
		first = false;
		para(o, line, "note");
	}
}

/* Package meters: used of bought as a bar, the sessions left, those held beyond. */
static void
packages(struct out *o, const struct ov_client *const *v, size_t n)
{
	struct table t = {.n = 6, .head = {L("client"), "", L("used"), L("bought"), L("left"),
					   L("over")}, .right = {false, false, true, true, true, true}};
	char meter[128], html[160], num[3][24];
	const char *cell[6], *markup[6] = {NULL};
	size_t shown = 0;

	for (size_t i = 0; i < n; i++)
		if (v[i]->bought > 0)
			shown++;
	if (!shown)
		return;
	heading(o, L("packages"));
	for (size_t i = 0; i < n; i++)
		if (v[i]->bought > 0 && cols(v[i]->id) > t.width[0])
			t.width[0] = cols(v[i]->id);
	t.width[1] = METER_COLS + 2;
	for (int k = 2; k < 6; k++)
		t.width[k] = 4;
	table_head(o, &t);
	for (size_t i = 0; i < n; i++) {
		const struct ov_client *c = v[i];
		long full = c->used > c->bought ? c->bought : c->used;
		char over[24];
		int k;

		if (c->bought <= 0)
			continue;
		k = (int)(full * METER_COLS / c->bought);
		meter[0] = '[';
		memset(meter + 1, '#', (size_t)k);
		memset(meter + 1 + k, '.', (size_t)(METER_COLS - k));
		meter[METER_COLS + 1] = ']';
		meter[METER_COLS + 2] = '\0';
		snprintf(html, sizeof html, "<span class=\"meter\"><span style=\"width: %ld%%\">"
			 "</span></span>", full * 100 / c->bought);
		snprintf(num[0], sizeof num[0], "%ld", c->used);
		snprintf(num[1], sizeof num[1], "%ld", c->bought);
		snprintf(num[2], sizeof num[2], "%ld", c->left);
		snprintf(over, sizeof over, "%ld", c->over);
		cell[0] = c->id;
		cell[1] = meter;
		cell[2] = num[0];
		cell[3] = num[1];
		cell[4] = num[2];
		cell[5] = over;
		markup[1] = html;
		table_row(o, &t, cell, NULL, markup);
	}
	table_end(o);
	renewals(o, v, n);
}

static const char *
bucket_name(int k)
{
	static const char *const names[OV_BUCKETS] = {"current", "1-30", "31-60", "61-90", "90+"};

	return k == 0 ? L("current") : names[k];
}

static void
invoices(struct out *o, const struct ov_invoice *v, size_t n)
{
	struct table t = {.n = 6, .head = {L("client"), L("invoice"), L("due"), L("days"),
					   L("open"), ""}, .right = {false, false, false, true, true,
								     false}};
	char due[64], days[24], open[AMOUNT_BUF];
	const char *cell[6];

	heading(o, L("open-invoices"));
	if (!n) {
		para(o, L("none"), NULL);
		return;
	}
	for (size_t i = 0; i < n; i++) {
		size_t w[4];

		fmt_date(due, sizeof due, v[i].in->due);
		money(open, sizeof open, &v[i].open);
		w[0] = cols(v[i].in->client);
		w[1] = cols(v[i].in->number);
		w[2] = cols(due);
		w[3] = cols(open);
		for (int k = 0; k < 3; k++)
			if (w[k] > t.width[k])
				t.width[k] = w[k];
		if (w[3] > t.width[4])
			t.width[4] = w[3];
	}
	if (t.width[1] > 20)  /* longer numbers are cut: the client's column gives way first */
		t.width[1] = 20;
	t.width[3] = 4;
	for (int k = 0; k < OV_BUCKETS; k++)
		if (cols(bucket_name(k)) > t.width[5])
			t.width[5] = cols(bucket_name(k));
	table_head(o, &t);
	for (size_t i = 0; i < n; i++) {
		fmt_date(due, sizeof due, v[i].in->due);
		money(open, sizeof open, &v[i].open);
		snprintf(days, sizeof days, "%ld", v[i].days);
		cell[0] = v[i].in->client;
		cell[1] = v[i].in->number;
		cell[2] = due;
		cell[3] = days;
		cell[4] = open;
		cell[5] = bucket_name(ov_bucket(v[i].days));
		table_row(o, &t, cell, NULL, NULL);
	}
	table_end(o);
}

/* The open amounts by age, one column per commodity (at most TMAX - 1). */
static void
aging(struct out *o, const struct ov_aging *g, size_t n)
{
	struct table t = {.n = 1, .head = {""}};  /* the buckets' column has no heading */
	char amt[TMAX][AMOUNT_BUF];
	const char *cell[TMAX];

	if (!n)
		return;
	heading(o, L("aging"));
	for (int k = 0; k < OV_BUCKETS; k++)
		if (cols(bucket_name(k)) > t.width[0])
			t.width[0] = cols(bucket_name(k));
	if (cols(L("total")) > t.width[0])
		t.width[0] = cols(L("total"));
	for (size_t c = 0; c < n && c + 1 < TMAX; c++) {
		t.head[t.n] = commodity_name(g[c].com);
		t.right[t.n] = true;
		money(amt[0], sizeof amt[0], &g[c].total);
		t.width[t.n++] = cols(amt[0]);
	}
	table_head(o, &t);
	for (int k = 0; k <= OV_BUCKETS; k++) {
		cell[0] = k < OV_BUCKETS ? bucket_name(k) : L("total");
		for (int c = 1; c < t.n; c++) {
			money(amt[c], sizeof amt[c], k < OV_BUCKETS ? &g[c - 1].bucket[k] : &g[c - 1].total);
			cell[c] = amt[c];
		}
		table_row(o, &t, cell, k < OV_BUCKETS ? NULL : "total", NULL);
	}
	table_end(o);
}

/*
 * Each bar's height in thousandths of the highest month's (negative months: none). The
 * amounts stay exact: the ratio is taken on integers at one scale.
 */
static void
heights(const struct income_row *w, int nm, int *permille)
{
	int scale = 0;
	tnum max = 0;

	for (int m = 0; m < nm; m++)
		if (w->cell[m].scale > scale)
			scale = w->cell[m].scale;
	for (int pass = 0; pass < 2; pass++)
		for (int m = 0; m < nm; m++) {
			struct amount a = w->cell[m];
			tnum q;

			if (amount_rescale(&a, scale) < 0 || a.q <= 0) {
				permille[m] = 0;
				continue;
			}
			q = a.q;
			if (pass == 0 && q > max)
				max = q;
			/* q <= max; past 2^116, q * 1000 could pass 128 bits: divide max first */
			if (pass == 1 && max > 0)
				permille[m] = (int)(max < ((tnum)1 << 116) ? q * 1000 / max :
						    q / (max / 1000));
			if (pass == 1 && permille[m] > 1000)
				permille[m] = 1000;
		}
}

/* The income chart of one commodity as an inline SVG: bars, amounts above, months below. */
static void
svg_chart(struct out *o, const struct income_row *w, int first, int nm, const int *permille)
{
	double slot = (double)SVG_W / nm;
	char buf[AMOUNT_BUF], mon[64];

	out_printf(o, "<svg viewBox=\"0 0 %d %d\"%s role=\"img\" aria-label=\"", SVG_W, SVG_H,
		   nm > 6 ? " class=\"dense\"" : "");
	text(o, L("income"));
	out_puts(o, "\">\n");
	for (int m = 0; m < nm; m++) {
		int h = permille[m] * (SVG_BASE - SVG_TOP) / 1000;
		double x = slot * m;

		out_printf(o, "<rect x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"%d\"/>", x + slot * .2,
			   SVG_BASE - h, slot * .6, h);
		money(buf, sizeof buf, &w->cell[m]);
		out_printf(o, "<text x=\"%.1f\" y=\"%d\">", x + slot / 2, SVG_BASE - h - 5);
		text(o, buf);
		fmt_month(mon, sizeof mon, first + m);
		out_printf(o, "</text><text x=\"%.1f\" y=\"%d\">", x + slot / 2, SVG_BASE + 16);
		text(o, mon);
		out_puts(o, "</text>\n");
	}
	out_printf(o, "<line x1=\"0\" y1=\"%d.5\" x2=\"%d\" y2=\"%d.5\"/>\n</svg>\n", SVG_BASE,
		   SVG_W, SVG_BASE);
}

/*
 * The income table of one commodity: month, amount and (txt) a bar of #. On the page
 * formats a long period takes two column pairs (January to June, July to December), so a
 * year still fits on one page below its chart.
 */
static void
income_table_of(struct out *o, const struct income_row *w, int first, int nm,
		const int *permille)
{
	bool split = (format == OV_HTML || pdf) && nm > 6;
	int rows = split ? (nm + 1) / 2 : nm;
	struct table t = {.n = split ? 5 : format == OV_TXT && !pdf ? 3 : 2,
			  .head = {L("month"), L("amount"), "", L("month"), L("amount")},
			  .right = {false, true, false, false, true}};
	char amt[2][AMOUNT_BUF], mon[2][64], bar[BAR_COLS + 1];
	const char *cell[5];

	for (int m = 0; m <= nm; m++) {
		money(amt[0], sizeof amt[0], &w->cell[m]);
		if (m < nm)
			fmt_month(mon[0], sizeof mon[0], first + m);
		for (int k = 0; k < (split ? 4 : 1); k += 3) {
			if (cols(amt[0]) > t.width[k + 1])
				t.width[k + 1] = cols(amt[0]);
			if (cols(m < nm ? mon[0] : L("total")) > t.width[k])
				t.width[k] = cols(m < nm ? mon[0] : L("total"));
		}
	}
	t.width[2] = split ? 2 : BAR_COLS;
	if (split)
		t.head[2] = "";
	table_head(o, &t);
	for (int r = 0; r <= rows; r++) {
		int m = r < rows ? r : nm, m2 = r + rows;
		int k = m < nm ? (permille[m] * BAR_COLS + 500) / 1000 : 0;

		if (m < nm)
			fmt_month(mon[0], sizeof mon[0], first + m);
		money(amt[0], sizeof amt[0], &w->cell[m]);
		memset(bar, '#', (size_t)k);
		bar[k] = '\0';
		cell[0] = m < nm ? mon[0] : L("total");
		cell[1] = amt[0];
		cell[2] = split ? "" : bar;
		cell[3] = cell[4] = "";
		if (split && r < rows && m2 < nm) {
			fmt_month(mon[1], sizeof mon[1], first + m2);
			money(amt[1], sizeof amt[1], &w->cell[m2]);
			cell[3] = mon[1];
			cell[4] = amt[1];
		}
		table_row(o, &t, cell, r < rows ? NULL : "total", NULL);
	}
	table_end(o);
}

/* PDF: the text written so far goes to the page, and a new part starts. */
static struct out *
flush(struct out *o)
{
	if (!pdf)
		return o;
	mail_doc_close(&part, partout);
	pdf_text(pdf, part.p, part.n);
	mail_doc_free(&part);
	return partout = mail_doc_open(&part);
}

static struct out *
income(struct out *o, const struct overview *ov)
{
	const struct income_row *rows;
	int first, nm, *permille;
	size_t n = overview_income(ov, &rows, &first, &nm), shown = 0;

	permille = xcalloc((size_t)nm + 1, sizeof *permille);
	for (size_t r = 0; r < n; r++) {
		char head[256];
		struct pdf_bar *bars;
		char (*val)[AMOUNT_BUF], (*mon)[64];

		if (!rows[r].total || nm <= 0)
			continue;
		if (n - r > 1 || shown)  /* several commodities: a chart each */
			snprintf(head, sizeof head, "%s (%s)", L("income"), commodity_name(rows[r].com));
		else
			snprintf(head, sizeof head, "%s", L("income"));
		heading(o, head);
		shown++;
		heights(&rows[r], nm, permille);
		if (format == OV_HTML)
			svg_chart(o, &rows[r], first, nm, permille);
		if (pdf) {
			o = flush(o);
			bars = xcalloc((size_t)nm + 1, sizeof *bars);
			val = xcalloc((size_t)nm + 1, sizeof *val);
			mon = xcalloc((size_t)nm + 1, sizeof *mon);
			for (int m = 0; m < nm; m++) {
				money(val[m], sizeof val[m], &rows[r].cell[m]);
				fmt_month(mon[m], sizeof mon[m], first + m);
				bars[m] = (struct pdf_bar){mon[m], val[m], permille[m]};
			}
			/* the table below: header, its rows, the total */
			pdf_bars(pdf, bars, (size_t)nm, (nm > 6 ? (nm + 1) / 2 : nm) + 2);
			free(bars);
			free(val);
			free(mon);
		}
		income_table_of(o, &rows[r], first, nm, permille);
	}
	if (!shown) {
		heading(o, L("income"));
		para(o, L("none"), NULL);
	}
	free(permille);
	return o;
}

static void
body(struct out *o, const struct overview *ov)
{
	const struct ov_client *const *cl;
	const struct ov_invoice *inv;
	const struct ov_aging *ag;
	size_t ncl = overview_clients(ov, &cl), ninv = overview_open(ov, &inv);
	size_t nag = overview_aging(ov, &ag);

	header(o, overview_opts(ov));
	sessions(o, cl, ncl);
	packages(o, cl, ncl);
	if (format == OV_HTML)
		out_puts(o, "<div class=\"cols\">\n<section>\n");
	invoices(o, inv, ninv);
	if (format == OV_HTML)
		out_puts(o, "</section>\n<section>\n");
	aging(o, ag, nag);
	if (format == OV_HTML)
		out_puts(o, "</section>\n</div>\n");
	o = income(o, ov);
	if (format == OV_HTML)
		out_puts(o, "</main>\n</body>\n</html>\n");
	flush(o);
}

int
overview_write(struct out *o, const struct ov_doc *d, const struct overview *ov,
	       struct terr *e)
{
	char title[256];

	format = d->format == OV_HTML ? OV_HTML : OV_TXT;
	lang = d->lang ? d->lang : "en";
	labels = d->labels;
	provider = d->provider;
	if (d->format != OV_PDF) {
		body(o, ov);
		return 0;
	}
	snprintf(title, sizeof title, "%s%s%s", L("title"), conf_get(provider, "name") ? ": " : "",
		 conf_get(provider, "name") ? conf_get(provider, "name") : "");
	if (!(pdf = pdf_begin(o, &(struct pdf_opts){.paper = conf_get(provider, "paper"),
				 .title = title, .author = conf_get(provider, "name"),
				 .rtl = rtl()}, e)))
		return -1;
	partout = mail_doc_open(&part);
	body(partout, ov);
	mail_doc_close(&part, partout);
	mail_doc_free(&part);
	partout = NULL;
	struct pdf *p = pdf;

	pdf = NULL;
	return pdf_end(p, e);
}
