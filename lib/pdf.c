/*
 * pdf.c: a document's text rendering drawn as a PDF with cairo and pango, the one wrapper
 * around them. The text documents (invoice, statement, agreement) are already laid out in
 * columns for 80 characters, so the page keeps that layout in a monospaced face and only
 * the structure is typeset: the first line is the title, a line underlined with ---- is a
 * heading. Text stays text (selectable, searchable); pango shapes every script, Hebrew
 * right to left included, with DejaVu fonts (fonts-dejavu-core).
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <cairo-pdf.h>
#include <pango/pangocairo.h>

#include "tally.h"

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
};

static cairo_status_t
to_out(void *closure, const unsigned char *data, unsigned int n)
{
	out_write(closure, data, n);
	return CAIRO_STATUS_SUCCESS;
}

int
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

/* Draws one line (wrapped to the text width), starting a new page when it does not fit. */
static void
draw(struct page *p, const char *s, size_t n, enum style st)
{
	int lw, lh;
	double gap = st == S_TITLE ? 10 : st == S_HEADING ? 8 : 0;

	pango_layout_set_font_description(p->lay, p->font[st]);
	pango_layout_set_text(p->lay, n ? s : " ", n ? (int)n : 1);
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

int
pdf_from_text(struct out *o, const char *text, size_t len, const struct pdf_opts *opt,
	      struct terr *e)
{
	struct page p = {0};
	cairo_surface_t *sf;
	const char *s, *s2;
	size_t n, n2, pos = 0, look;
	bool first = true;
	int rc = 0;

	if (pdf_paper(opt->paper, &p.w, &p.h) < 0) {
		terr_set(e, NULL, 0, "unknown paper: %s (a4, letter)", opt->paper);
		return -1;
	}
	sf = cairo_pdf_surface_create_for_stream(to_out, o, p.w, p.h);
	if (opt->title)
		cairo_pdf_surface_set_metadata(sf, CAIRO_PDF_METADATA_TITLE, opt->title);
	if (opt->author)
		cairo_pdf_surface_set_metadata(sf, CAIRO_PDF_METADATA_AUTHOR, opt->author);
	cairo_pdf_surface_set_metadata(sf, CAIRO_PDF_METADATA_CREATOR, "tally " TALLY_VERSION);
	p.cr = cairo_create(sf);
	p.fm = pango_cairo_font_map_new();
	p.ctx = pango_font_map_create_context(p.fm);
	pango_cairo_update_context(p.cr, p.ctx);
	pango_cairo_context_set_resolution(p.ctx, 72);  /* a point is a PDF unit */
	p.lay = pango_layout_new(p.ctx);
	pango_layout_set_width(p.lay, (int)((p.w - 2 * MARGIN) * PANGO_SCALE));
	pango_layout_set_wrap(p.lay, PANGO_WRAP_WORD_CHAR);
	p.font[S_TITLE] = pango_font_description_from_string("DejaVu Sans, Bold 16");
	p.font[S_HEADING] = pango_font_description_from_string("DejaVu Sans, Bold 11");
	p.font[S_BODY] = pango_font_description_from_string("DejaVu Sans Mono, DejaVu Sans 9.5");
	p.y = MARGIN;
	p.pages = 1;
	cairo_set_source_rgb(p.cr, 0.07, 0.07, 0.07);
	while (next_line(text, len, &pos, &s, &n)) {
		look = pos;
		if (first) {
			first = false;
			draw(&p, s, n, S_TITLE);
			if (next_line(text, len, &look, &s2, &n2) && rule(s2, n2, '='))
				pos = look;
			continue;
		}
		if (n && next_line(text, len, &look, &s2, &n2) && (rule(s2, n2, '-') || rule(s2, n2, '='))) {
			draw(&p, s, n, S_HEADING);
			pos = look;
			continue;
		}
		draw(&p, s, n, S_BODY);
	}
	cairo_show_page(p.cr);
	for (int i = 0; i < 3; i++)
		pango_font_description_free(p.font[i]);
	g_object_unref(p.lay);
	g_object_unref(p.ctx);
	g_object_unref(p.fm);
	cairo_destroy(p.cr);
	cairo_surface_finish(sf);
	if (cairo_surface_status(sf) != CAIRO_STATUS_SUCCESS) {
		terr_set(e, NULL, 0, "cannot write the PDF: %s",
			 cairo_status_to_string(cairo_surface_status(sf)));
		rc = -1;
	}
	cairo_surface_destroy(sf);
	return rc;
}
