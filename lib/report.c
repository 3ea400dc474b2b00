/*
 * report.c: writing report cells safely. CSV cells are quoted as RFC 4180 wants and
 * neutralised against spreadsheet formulas; JSON strings and HTML text are escaped.
 */
#include <string.h>

#include "tally.h"

/* Writes a run of plain bytes (none at all is no write: s may then be NULL). */
static void
put(struct out *o, const char *s, size_t n)
{
	if (n)
		out_write(o, s, n);
}

void
csv_cell(struct out *o, const char *s, size_t n, bool number)
{
	bool quote = false;

	/* `;` and TAB too: spreadsheets in many locales split on them, not on commas. */
	for (size_t i = 0; i < n; i++)
		if (strchr(",;\t\"\n\r", s[i]) && s[i])
			quote = true;
	/* A text cell starting with = + - @ TAB or CR would run as a formula in a spreadsheet. */
	bool formula = !number && n > 0 && strchr("=+-@\t\r", s[0]);

	if (formula)
		quote = true;
	if (quote)
		out_write(o, "\"", 1);
	if (formula)
		out_write(o, "'", 1);
	/* One write per run: a quote ends a run and starts the next, so it comes out twice. */
	size_t run = 0;

	for (size_t i = 0; i < n; i++)
		if (s[i] == '"') {
			put(o, s + run, i + 1 - run);
			run = i;
		}
	put(o, s + run, n - run);
	if (quote)
		out_write(o, "\"", 1);
}

void
json_string(struct out *o, const char *s, size_t n)
{
	size_t run = 0;

	out_write(o, "\"", 1);
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c != '"' && c != '\\' && c >= 0x20)
			continue;
		put(o, s + run, i - run);
		if (c < 0x20)
			out_printf(o, "\\u%04x", c);
		else {
			out_write(o, "\\", 1);
			out_write(o, &s[i], 1);
		}
		run = i + 1;
	}
	put(o, s + run, n - run);
	out_write(o, "\"", 1);
}

void
html_text(struct out *o, const char *s, size_t n)
{
	size_t run = 0;
	const char *ent;

	for (size_t i = 0; i < n; i++) {
		switch (s[i]) {
		case '<': ent = "&lt;"; break;
		case '>': ent = "&gt;"; break;
		case '&': ent = "&amp;"; break;
		case '"': ent = "&quot;"; break;
		case '\'': ent = "&#39;"; break;
		default: continue;
		}
		put(o, s + run, i - run);
		out_puts(o, ent);
		run = i + 1;
	}
	put(o, s + run, n - run);
}

void
md_text(struct out *o, const char *s, size_t n)
{
	size_t run = 0;

	for (size_t i = 0; i < n; i++) {
		if (!s[i] || !strchr("\\`*_[]<>|#", s[i]))
			continue;
		put(o, s + run, i - run);
		out_write(o, "\\", 1);
		run = i;
	}
	put(o, s + run, n - run);
}

int
format_parse(const char *s, const char *const *allowed)
{
	for (int i = 0; allowed[i]; i++)
		if (strcmp(s, allowed[i]) == 0)
			return i;
	return -1;
}

void
header_value(struct out *o, const char *s)
{
	for (; *s; s++)
		out_write(o, (unsigned char)*s < 0x20 || *s == 0x7f ? " " : s, 1);
}
