/*
 * report.c: writing report cells safely. CSV cells are quoted as RFC 4180 wants and
 * neutralised against spreadsheet formulas; JSON strings and HTML text are escaped.
 */
#include <string.h>

#include "tally.h"

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
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '"')
			out_write(o, "\"", 1);
		out_write(o, &s[i], 1);
	}
	if (quote)
		out_write(o, "\"", 1);
}

void
json_string(struct out *o, const char *s, size_t n)
{
	out_write(o, "\"", 1);
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == '"' || c == '\\') {
			out_write(o, "\\", 1);
			out_write(o, &s[i], 1);
		} else if (c < 0x20) {
			out_printf(o, "\\u%04x", c);
		} else {
			out_write(o, &s[i], 1);
		}
	}
	out_write(o, "\"", 1);
}

void
html_text(struct out *o, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		switch (s[i]) {
		case '<': out_puts(o, "&lt;"); break;
		case '>': out_puts(o, "&gt;"); break;
		case '&': out_puts(o, "&amp;"); break;
		case '"': out_puts(o, "&quot;"); break;
		case '\'': out_puts(o, "&#39;"); break;
		default: out_write(o, &s[i], 1);
		}
	}
}

int
format_parse(const char *s, const char *const *allowed)
{
	for (int i = 0; allowed[i]; i++)
		if (strcmp(s, allowed[i]) == 0)
			return i;
	return -1;
}
