/*
 * jtext.c: text from outside (a bank's CSV, a calendar, a person's free text) made safe to
 * write into a journal, so that ledger, hledger and tally all read it as plain text and
 * never as structure: no line breaks, no comment start on a header, no tags in a comment,
 * no status or code read from the start of a description. docs/rules.md lists the rules
 * with examples; every importer calls this one function.
 */
#include <stdint.h>
#include <string.h>

#include "tally.h"

/* The width of a character that some reader takes as a line break or a control, or 0. */
static size_t
control_at(const unsigned char *s, size_t n)
{
	if (s[0] < 0x20 || s[0] == 0x7f)
		return 1;
	if (n >= 2 && s[0] == 0xc2 && s[1] == 0x85)  /* NEL */
		return 2;
	if (n >= 3 && s[0] == 0xe2 && s[1] == 0x80 && (s[2] == 0xa8 || s[2] == 0xa9))
		return 3;  /* LINE and PARAGRAPH SEPARATOR */
	return 0;
}

/* Not a blank or control, and nothing the rules below change or look at: any ASCII
 * character but ; , : ( ), any byte from 0x80 but the lead bytes of NEL, LS and PS. */
static bool
plain_byte(unsigned char c)
{
	static const uint64_t ok[4] = {
		~0ull & ~(0x1ffffffffull | (1ull << ';') | (1ull << ',') | (1ull << ':') |
			  (1ull << '(') | (1ull << ')')),
		~0ull & ~(1ull << 63),   /* 0x7f */
		~0ull,
		~0ull & ~((1ull << (0xc2 - 0xc0)) | (1ull << (0xe2 - 0xc0))),
	};

	return ok[c >> 6] >> (c & 63) & 1;
}

size_t
journal_text_safe(char *dst, const char *src, size_t n, int where)
{
	const unsigned char *s = (const unsigned char *)src;
	int kind = where & ~JTEXT_INNER;
	bool inner = (where & JTEXT_INNER) != 0, ctrl = false;
	size_t o = 0, i = 0, space = 0;  /* blanks pending before the next word */

	while (i < n) {
		unsigned char c = s[i];

		/* Inside a word, bytes no rule below changes are copied a run at a time. */
		if (o > 0 && !space && plain_byte(c)) {
			size_t j = i + 1;

			while (j < n && plain_byte(s[j]))
				j++;
			memcpy(dst + o, s + i, j - i);
			o += j - i;
			i = j;
			ctrl = false;
			continue;
		}
		/* Printable ASCII is never a control: the test below only for the rest. */
		size_t w = c > ' ' && c < 0x7f ? 0 : control_at(s + i, n - i);

		if (w || c == ' ') {  /* blanks and controls: one space between words */
			space += o > 0;
			ctrl |= w != 0;
			i += w ? w : 1;
			continue;
		}
		/* A description keeps its runs of spaces, as hledger does (no ';' can follow). */
		if (space && (kind != JTEXT_DESC || ctrl))
			space = 1;
		if (space == 1) {  /* the usual one: no call for it */
			dst[o++] = ' ';
		} else if (space) {
			memset(dst + o, ' ', space);
			o += space;
		}
		space = 0;
		ctrl = false;
		if (o == 0 && !inner && kind != JTEXT_CODE) {
			/* A leading status, code, automated or periodic marker, formula, or a
			 * virtual posting's bracket: quoted. */
			const char *lead = kind == JTEXT_DESC ? "*!(=@~" : kind == JTEXT_ACCOUNT ? "([" : "=@~";

			if (strchr(lead, c))
				dst[o++] = '\'';
		}
		if (c == ';' && kind != JTEXT_COMMENT && kind != JTEXT_TAG)
			c = ',';
		else if (c == ',' && kind == JTEXT_TAG)
			c = ';';
		else if (kind == JTEXT_CODE && (c == '(' || c == ')'))
			c = c == '(' ? '[' : ']';
		else if (c == ':' && kind == JTEXT_COMMENT &&
			 (o > 0 ? dst[o - 1] != ' ' : inner))
			dst[o++] = ' ';  /* "key: value" and ":tag:" need a word right before ':' */
		/* In a tag's value only ',' ends it: a ':' there is plain text to every reader. */
		dst[o++] = (char)c;
		i++;
	}
	dst[o] = '\0';
	return o;
}
