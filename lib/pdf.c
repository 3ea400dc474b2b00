/*
 * pdf.c: a document's text rendering drawn as a PDF with cairo and pango, the one wrapper
 * around them. The text documents (invoice, statement, agreement) are already laid out in
 * columns for 80 characters, so the page keeps that layout in a monospaced face and only
 * the structure is typeset: the first line is the title, a line underlined with ---- is a
 * heading. Text stays text (selectable, searchable); pango shapes every script, Hebrew
 * right to left included, with DejaVu fonts (fonts-dejavu-core). Bar charts (the practice
 * overview's income by month) are drawn with cairo between the text's lines.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <cairo-pdf.h>
#include <pango/pangocairo.h>

#include "tally.h"
#include "modules.h"

/* Points (1/72 inch): A4 210 x 297 mm, Letter 8.5 x 11 in. */
#define A4_W 595.276
#define A4_H 841.890
#define LETTER_W 612.0
#define LETTER_H 792.0
#define MARGIN 56.0   /* about 20 mm */

enum style { S_TITLE, S_HEADING, S_BODY };

struct page {
	cairo_t *cr;
	PangoFontMap *fm;   /* our own, freed with the document, rather than a process-wide one */
	PangoContext *ctx;
	PangoLayout *lay;
	PangoFontDescription *font[3];
	double w, h, y;
	int pages;
	bool rtl;
};

static cairo_status_t
to_out(void *closure, const unsigned char *data, unsigned int n)
{
	out_write(closure, data, n);
	return CAIRO_STATUS_SUCCESS;
}

static int
pdf_paper(const char *name, double *w, double *h)
{
	if (!name || !*name || strcasecmp(name, "a4") == 0) {
		*w = A4_W;
		*h = A4_H;
	} else if (strcasecmp(name, "letter") == 0) {
		*w = LETTER_W;
		*h = LETTER_H;
	} else {
		return -1;
	}
	return 0;
}

/* Hebrew letters (U+0590..U+05FF: UTF-8 D6 90..D7 BF) in the line. */
static bool
has_rtl(const char *s, size_t n)
{
	for (size_t i = 0; i + 1 < n; i++)
		if (((unsigned char)s[i] == 0xd6 && (unsigned char)s[i + 1] >= 0x90) ||
		    (unsigned char)s[i] == 0xd7)
			return true;
	return false;
}

/*
 * In a right-to-left line, a number ("-20.00 EUR", "21/11/2026") must read left to right
 * while the columns around it mirror: each one (with a commodity after a single space) goes
 * inside LEFT-TO-RIGHT ISOLATE ... POP DIRECTIONAL ISOLATE, which the line treats as one
 * neutral word.
 */
static char *
rtl_marks(const char *s, size_t n, size_t *len)
{
	char *r = xmalloc(n * 7 + 4), *w = r;
	size_t i = 0, e = 0, cells = 0;

	while (i < n) {
		/* a cell: at the line's start or after two spaces, up to two spaces or the end */
		bool start = i == 0 || (i >= 2 && s[i - 1] == ' ' && s[i - 2] == ' ');
		bool num = (s[i] >= '0' && s[i] <= '9') ||
			   (s[i] == '-' && i + 1 < n && s[i + 1] >= '0' && s[i + 1] <= '9');

		if (start && num) {
			for (e = i; e < n && s[e] != ' '; e++)
				;
			if (e + 1 < n && s[e + 1] >= 'A' && s[e + 1] <= 'Z')  /* "20.00 EUR" */
				for (e++; e < n && s[e] != ' '; e++)
					;
			if (e < n && !(e + 1 < n && s[e + 1] == ' '))
				start = false;  /* words go on: text, not a cell */
		}
		if (!start || !num) {
			*w++ = s[i++];
			continue;
		}
		cells++;
		memcpy(w, "\xe2\x81\xa6", 3);  /* U+2066 */
		memcpy(w + 3, s + i, e - i);
		w += 3 + (e - i);
		memcpy(w, "\xe2\x81\xa9", 3);  /* U+2069 */
		w += 3;
		i = e;
	}
	/* a line of left-to-right text alone ("1 High Street"): read it left to right */
	if (!cells && !has_rtl(s, n)) {
		memmove(r + 3, r, (size_t)(w - r));
		memcpy(r, "\xe2\x80\x8e", 3);  /* U+200E LEFT-TO-RIGHT MARK */
		w += 3;
	}
	*len = (size_t)(w - r);
	return r;
}

/* Draws one line (wrapped to the text width), starting a new page when it does not fit. */
static void
draw(struct page *p, const char *s, size_t n, enum style st)
{
	int lw, lh;
	double gap = st == S_TITLE ? 10 : st == S_HEADING ? 8 : 0;
	char *marked = NULL;

	if (p->rtl && n) {
		s = marked = rtl_marks(s, n, &n);
	}
	pango_layout_set_font_description(p->lay, p->font[st]);
	pango_layout_set_text(p->lay, n ? s : " ", n ? (int)n : 1);
	free(marked);
	pango_layout_get_size(p->lay, &lw, &lh);
	if (st == S_HEADING && p->y > MARGIN)
		p->y += gap;
	if (p->y + (double)lh / PANGO_SCALE > p->h - MARGIN && p->y > MARGIN) {
		cairo_show_page(p->cr);
		p->pages++;
		p->y = MARGIN;
	}
	cairo_move_to(p->cr, MARGIN, p->y);
	pango_cairo_show_layout(p->cr, p->lay);
	p->y += (double)lh / PANGO_SCALE;
	if (st == S_TITLE)
		p->y += gap;
	if (st == S_HEADING)
		p->y += 2;
}

/* A line of only c (at least 3): the underline of the line before. */
static bool
rule(const char *s, size_t n, char c)
{
	size_t i;

	for (i = 0; i < n && s[i] == c; i++)
		;
	return n >= 3 && i == n;
}

/* The next line [*s, *n) of text at *pos, without its newline; false at the end. */
static bool
next_line(const char *text, size_t len, size_t *pos, const char **s, size_t *n)
{
	const char *nl;

	if (*pos >= len)
		return false;
	*s = text + *pos;
	nl = memchr(*s, '\n', len - *pos);
	*n = nl ? (size_t)(nl - *s) : len - *pos;
	*pos += *n + (nl != NULL);
	return true;
}

/* The document being drawn: pdf_begin, then text and charts in order, then pdf_end. */
struct pdf {
	struct page p;
	cairo_surface_t *sf;
	bool first;         /* the next line is the document's first: its title */
};

struct pdf *
pdf_begin(struct out *o, const struct pdf_opts *opt, struct terr *e)
{
	struct pdf *d;
	struct page *p;

	d = xcalloc(1, sizeof *d);
	p = &d->p;
	if (pdf_paper(opt->paper, &p->w, &p->h) < 0) {
		terr_set(e, NULL, 0, "unknown paper: %s (a4, letter)", opt->paper);
		free(d);
		return NULL;
	}
	d->first = true;
	d->sf = cairo_pdf_surface_create_for_stream(to_out, o, p->w, p->h);
	if (opt->title)
		cairo_pdf_surface_set_metadata(d->sf, CAIRO_PDF_METADATA_TITLE, opt->title);
	if (opt->author)
		cairo_pdf_surface_set_metadata(d->sf, CAIRO_PDF_METADATA_AUTHOR, opt->author);
	cairo_pdf_surface_set_metadata(d->sf, CAIRO_PDF_METADATA_CREATOR, "tally " TALLY_VERSION);
	p->cr = cairo_create(d->sf);
	p->fm = pango_cairo_font_map_new();
	p->ctx = pango_font_map_create_context(p->fm);
	pango_cairo_update_context(p->cr, p->ctx);
	pango_cairo_context_set_resolution(p->ctx, 72);  /* a point is a PDF unit */
	p->rtl = opt->rtl;
	if (opt->rtl)
		pango_context_set_base_dir(p->ctx, PANGO_DIRECTION_RTL);
	p->lay = pango_layout_new(p->ctx);
	if (opt->rtl) {  /* one direction for the whole page, so the columns mirror alike */
		pango_layout_set_auto_dir(p->lay, FALSE);
		pango_layout_set_alignment(p->lay, PANGO_ALIGN_RIGHT);
	}
	pango_layout_set_width(p->lay, (int)((p->w - 2 * MARGIN) * PANGO_SCALE));
	pango_layout_set_wrap(p->lay, PANGO_WRAP_WORD_CHAR);
	p->font[S_TITLE] = pango_font_description_from_string("DejaVu Sans, Bold 16");
	p->font[S_HEADING] = pango_font_description_from_string("DejaVu Sans, Bold 11");
	p->font[S_BODY] = pango_font_description_from_string("DejaVu Sans Mono, DejaVu Sans 9.5");
	p->y = MARGIN;
	p->pages = 1;
	cairo_set_source_rgb(p->cr, 0.07, 0.07, 0.07);
	return d;
}

void
pdf_text(struct pdf *d, const char *text, size_t len)
{
	struct page *p = &d->p;
	const char *s, *s2;
	size_t n, n2, pos = 0, look;

	while (next_line(text, len, &pos, &s, &n)) {
		look = pos;
		if (d->first) {
			d->first = false;
			draw(p, s, n, S_TITLE);
			if (next_line(text, len, &look, &s2, &n2) && rule(s2, n2, '='))
				pos = look;
			continue;
		}
		if (n && next_line(text, len, &look, &s2, &n2) && (rule(s2, n2, '-') || rule(s2, n2, '='))) {
			draw(p, s, n, S_HEADING);
			pos = look;
			continue;
		}
		draw(p, s, n, S_BODY);
	}
}

/* One line of small text centred in [x, x + w) at y; left out when it does not fit. */
static void
small_text(struct page *p, PangoFontDescription *font, const char *s, double x, double y,
	   double w)
{
	int lw, lh;

	pango_layout_set_font_description(p->lay, font);
	pango_layout_set_width(p->lay, -1);
	pango_layout_set_alignment(p->lay, PANGO_ALIGN_LEFT);
	pango_layout_set_text(p->lay, s, -1);
	pango_layout_get_size(p->lay, &lw, &lh);
	if ((double)lw / PANGO_SCALE <= w) {
		cairo_move_to(p->cr, x + (w - (double)lw / PANGO_SCALE) / 2, y);
		pango_cairo_show_layout(p->cr, p->lay);
	}
	pango_layout_set_width(p->lay, (int)((p->w - 2 * MARGIN) * PANGO_SCALE));
	if (p->rtl)
		pango_layout_set_alignment(p->lay, PANGO_ALIGN_RIGHT);
}

#define CHART_H 100.0  /* the bars' area */
#define LABEL_H 14.0   /* a line of labels below and above the bars */

/* The height of one line of body text. */
static double
body_line(struct page *p)
{
	int lw, lh;

	pango_layout_set_font_description(p->lay, p->font[S_BODY]);
	pango_layout_set_text(p->lay, "0", 1);
	pango_layout_get_size(p->lay, &lw, &lh);
	return (double)lh / PANGO_SCALE;
}

void
pdf_bars(struct pdf *d, const struct pdf_bar *bars, size_t n, int after)
{
	struct page *p = &d->p;
	double x0 = MARGIN, w = p->w - 2 * MARGIN, slot, bw, base, ch = CHART_H;
	double room = p->h - MARGIN - p->y - 3 * LABEL_H - after * body_line(p);
	PangoFontDescription *font;

	if (n == 0)
		return;
	/* lower, down to half, to keep the lines after it on this page */
	if (room < ch)
		ch = room > CHART_H / 2 ? room : CHART_H / 2;
	if (p->y + ch + 3 * LABEL_H > p->h - MARGIN && p->y > MARGIN) {
		cairo_show_page(p->cr);
		p->pages++;
		p->y = MARGIN;
	}
	font = pango_font_description_from_string("DejaVu Sans 7.5");
	slot = w / (double)n;
	bw = slot * 0.6 > 60 ? 60 : slot * 0.6;
	base = p->y + LABEL_H + ch;
	for (size_t i = 0; i < n; i++) {
		/* months read left to right in every language, as a time axis does */
		double x = x0 + slot * (double)i, h = ch * bars[i].permille / 1000.0;

		cairo_set_source_rgb(p->cr, 0.27, 0.45, 0.70);
		cairo_rectangle(p->cr, x + (slot - bw) / 2, base - h, bw, h);
		cairo_fill(p->cr);
		cairo_set_source_rgb(p->cr, 0.07, 0.07, 0.07);
		if (bars[i].value)
			small_text(p, font, bars[i].value, x, base - h - LABEL_H, slot);
		small_text(p, font, bars[i].label, x, base + 3, slot);
	}
	cairo_set_line_width(p->cr, 0.8);
	cairo_move_to(p->cr, x0, base + 0.4);
	cairo_line_to(p->cr, x0 + w, base + 0.4);
	cairo_stroke(p->cr);
	pango_font_description_free(font);
	p->y = base + 2 * LABEL_H;
}

int
pdf_end(struct pdf *d, struct terr *e)
{
	struct page *p = &d->p;
	int rc = 0;

	cairo_show_page(p->cr);
	for (int i = 0; i < 3; i++)
		pango_font_description_free(p->font[i]);
	g_object_unref(p->lay);
	g_object_unref(p->ctx);
	g_object_unref(p->fm);
	cairo_destroy(p->cr);
	cairo_surface_finish(d->sf);
	if (cairo_surface_status(d->sf) != CAIRO_STATUS_SUCCESS) {
		terr_set(e, NULL, 0, "cannot write the PDF: %s",
			 cairo_status_to_string(cairo_surface_status(d->sf)));
		rc = -1;
	}
	cairo_surface_destroy(d->sf);
	free(d);
	return rc;
}

int
pdf_from_text(struct out *o, const char *text, size_t len, const struct pdf_opts *opt,
	      struct terr *e)
{
	struct pdf *d = pdf_begin(o, opt, e);

	if (!d)
		return -1;
	pdf_text(d, text, len);
	return pdf_end(d, e);
}

MODULE_TABLE const struct pdf_ops tally_pdf_ops = {
	pdf_from_text, pdf_begin, pdf_text, pdf_bars, pdf_end,
};
