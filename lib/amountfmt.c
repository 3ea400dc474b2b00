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
	/* most amounts fit 64 bits, whose division is an instruction, not a libgcc call */
	for (; u > UINT64_MAX; u /= 10)
		digits[nd++] = (char)('0' + (int)(u % 10));
	for (uint64_t v = (uint64_t)u; nd == 0 || v; v /= 10)
		digits[nd++] = (char)('0' + (int)(v % 10));
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

/* Appends n bytes to buf as snprintf would: what passes size - 1 is cut; *o counts all. */
static void
put(char *buf, size_t size, size_t *o, const char *s, size_t n)
{
	if (*o + 1 < size)
		memcpy(buf + *o, s, size - 1 - *o < n ? size - 1 - *o : n);
	*o += n;
}

/* The amount in a style; without snprintf (a report writes thousands of cells). */
static size_t
format_styled(char *buf, size_t size, const struct amount *a, bool left, bool space,
	      char dec, char group, int prec)
{
	char num[128], symq[COMMODITY_MAX + 3];
	const char *sym = commodity_name(a->com);
	int shown = a->scale > prec ? a->scale : prec;
	size_t nn, ns, o = 0;

	if (size == 0)
		return 0;
	nn = format_number(num, a->q, a->scale, shown, dec, group);
	if (needs_quotes(sym)) {
		snprintf(symq, sizeof symq, "\"%s\"", sym);
		sym = symq;
	}
	ns = strlen(sym);
	if (ns > sizeof symq - 1)  /* as the copy into symq would cut it */
		ns = sizeof symq - 1;
	if (a->q < 0)
		put(buf, size, &o, "-", 1);
	if (ns && left) {
		put(buf, size, &o, sym, ns);
		if (space)
			put(buf, size, &o, " ", 1);
	}
	put(buf, size, &o, num, nn);
	if (ns && !left) {
		if (space)
			put(buf, size, &o, " ", 1);
		put(buf, size, &o, sym, ns);
	}
	buf[o < size ? o : size - 1] = '\0';
	return o < size ? o : size - 1;
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
	size_t nn, o = 0;

	if (size == 0)
		return 0;
	nn = format_number(num, a->q, a->scale, a->scale > prec ? a->scale : prec, '.', 0);
	if (a->q < 0)
		put(buf, size, &o, "-", 1);
	put(buf, size, &o, num, nn);
	buf[o < size ? o : size - 1] = '\0';
	return o < size ? o : size - 1;
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

