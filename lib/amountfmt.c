/*
 * amountfmt.c: amounts written out: in their commodity's style (its decimal mark, digit
 * groups, symbol side and precision), plainly, or for a reader of a language.
 */
#include <string.h>

#include "internal.h"

/* Writes |q| at `scale` decimals with marks; returns the length. buf holds >= 100 bytes. */
static size_t
format_number(char *buf, tnum q, int scale, int shown, char dec, char group)
{
	char digits[64];
	unsigned __int128 u = q < 0 ? -(unsigned __int128)q : (unsigned __int128)q;
	int nd = 0, i;
	size_t o = 0;

	/* Every amount is made with 0 <= scale <= AMOUNT_MAX_SCALE: said here for the analyzer. */
	if (scale < 0 || scale > AMOUNT_MAX_SCALE)
		scale = 0;
	do {
		digits[nd++] = (char)('0' + (int)(u % 10));
		u /= 10;
	} while (u);
	while (nd <= scale)
		digits[nd++] = '0';
	/* digits[] is little-endian: digits[scale..nd-1] are the integer part. */
	for (i = nd - 1; i >= scale; i--) {
		buf[o++] = digits[i];
		if (group && i > scale && (i - scale) % 3 == 0)
			buf[o++] = group;
	}
	if (shown > 0) {
		buf[o++] = dec;
		for (i = scale - 1; i >= 0; i--)
			buf[o++] = digits[i];
		for (i = scale; i < shown; i++)
			buf[o++] = '0';
	}
	buf[o] = '\0';
	return o;
}

static bool
needs_quotes(const char *sym)
{
	for (; *sym; sym++)
		if (!amount_symbol_char((unsigned char)*sym))
			return true;
	return false;
}

static size_t
format_styled(char *buf, size_t size, const struct amount *a, bool left, bool space,
	      char dec, char group, int prec)
{
	char num[128], symq[COMMODITY_MAX + 3];
	const char *sym = commodity_name(a->com);
	int shown = a->scale > prec ? a->scale : prec;
	bool neg = a->q < 0;
	int n;

	format_number(num, a->q, a->scale, shown, dec, group);
	if (needs_quotes(sym))
		snprintf(symq, sizeof symq, "\"%s\"", sym);
	else
		snprintf(symq, sizeof symq, "%s", sym);
	if (!*sym)
		n = snprintf(buf, size, "%s%s", neg ? "-" : "", num);
	else if (left)
		n = snprintf(buf, size, "%s%s%s%s", neg ? "-" : "", symq, space ? " " : "", num);
	else
		n = snprintf(buf, size, "%s%s%s%s", neg ? "-" : "", num, space ? " " : "", symq);
	return n < 0 ? 0 : (size_t)n < size ? (size_t)n : size - 1;
}

size_t
amount_format(char *buf, size_t size, const struct amount *a)
{
	const struct cstyle *st = commodity_style(a->com);

	return format_styled(buf, size, a, st->left, st->space, st->decimal, st->group, st->prec);
}

size_t
amount_format_plain(char *buf, size_t size, const struct amount *a)
{
	char num[128];
	int prec = commodity_style(a->com)->prec;
	int n;

	format_number(num, a->q, a->scale, a->scale > prec ? a->scale : prec, '.', 0);
	n = snprintf(buf, size, "%s%s", a->q < 0 ? "-" : "", num);
	return n < 0 ? 0 : (size_t)n < size ? (size_t)n : size - 1;
}

size_t
amount_format_lang(char *buf, size_t size, const struct amount *a, const char *lang)
{
	const struct cstyle *st = commodity_style(a->com);
	const char *sym = commodity_name(a->com);
	bool word = strlen(sym) > 1 && ((unsigned char)sym[0] < 0x80);

	/* the catalog's marks when it is lang's; without catalogs, Spanish as it always was */
	if (lang && catalog_lang() && strcmp(lang, catalog_lang()) == 0) {
		const char *dec = catalog_get("number", "decimal-mark"),
			   *grp = catalog_get("number", "group-mark"),
			   *sym = catalog_get("number", "symbol");
		bool after = sym && strcmp(sym, "after") == 0;
		char g = !grp || !*grp ? ',' : strcmp(grp, "none") == 0 ? 0 : *grp;

		return format_styled(buf, size, a, !after && !word, after || word,
				     dec && *dec ? *dec : '.', g, st->prec);
	}
	if (lang && strcmp(lang, "es") == 0)
		return format_styled(buf, size, a, false, true, ',', '.', st->prec);
	return format_styled(buf, size, a, !word, word, '.', ',', st->prec);
}

