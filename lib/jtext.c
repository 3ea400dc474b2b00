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

/*
 * The bytes a place keeps as they are inside a word, one bit each: no control, no blank
 * (but in a description, whose runs of spaces stay), none of the lead bytes of NEL, LS and
 * PS, and none of the characters the rules below change for that place.
 */
#define BIT(c) (1ull << (c))
#define CTRL 0x1ffffffffull  /* 0x00 to 0x20 */
static const uint64_t keep[JTEXT_ACCOUNT + 1][4] = {
	[JTEXT_DESC] = {~(CTRL | BIT(';')) | BIT(' '), ~BIT(63), ~0ull, ~(BIT(2) | BIT(0x22))},
	[JTEXT_CODE] = {~(CTRL | BIT(';') | BIT('(') | BIT(')')), ~BIT(63), ~0ull,
			~(BIT(2) | BIT(0x22))},
	[JTEXT_COMMENT] = {~(CTRL | BIT(':')), ~BIT(63), ~0ull, ~(BIT(2) | BIT(0x22))},
	[JTEXT_TAG] = {~(CTRL | BIT(',')), ~BIT(63), ~0ull, ~(BIT(2) | BIT(0x22))},
	[JTEXT_ACCOUNT] = {~(CTRL | BIT(';')), ~BIT(63), ~0ull, ~(BIT(2) | BIT(0x22))},
};

static bool
kept(const uint64_t *k, unsigned char c)
{
	return k[c >> 6] >> (c & 63) & 1;
}

/*
 * Are the eight bytes at s all kept inside a description (no control, ';', DEL, or lead
 * byte of NEL, LS, PS)? A description is long and mostly plain: a word at a time.
 */
static bool
desc_plain8(const unsigned char *s)
{
	const uint64_t ones = 0x0101010101010101ull, high = 0x8080808080808080ull;
	uint64_t x, bad;

	memcpy(&x, s, 8);
#define ZERO(v) (((v) - ones) & ~(v) & high)
	bad = ((x - 0x20 * ones) & ~x & high) | ZERO(x ^ (';' * ones)) | ZERO(x ^ (0x7f * ones)) |
	      ZERO(x ^ (0xc2 * ones)) | ZERO(x ^ (0xe2 * ones));
#undef ZERO
	return bad == 0;
}

size_t
journal_text_safe(char *dst, const char *src, size_t n, int where)
{
	const unsigned char *s = (const unsigned char *)src;
	int kind = where & ~JTEXT_INNER;
	bool inner = (where & JTEXT_INNER) != 0, ctrl = false;
	size_t o = 0, i = 0, space = 0;  /* blanks pending before the next word */
	const uint64_t *k = kind >= JTEXT_DESC && kind <= JTEXT_ACCOUNT ? keep[kind] : NULL;

	while (i < n) {
		unsigned char c = s[i];

		/* Inside a word, bytes no rule below changes are copied a run at a time; spaces
		 * at the end of the run wait for the next word, as below. */
		if (o > 0 && !space && k && kept(k, c)) {
			size_t j = i + 1, e;

			while (kind == JTEXT_DESC && j + 8 <= n && desc_plain8(s + j))
				j += 8;
			while (j < n && kept(k, s[j]))
				j++;
			for (e = j; e > i && s[e - 1] == ' '; e--)
				;
			memcpy(dst + o, s + i, e - i);
			o += e - i;
			space = j - e;
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
