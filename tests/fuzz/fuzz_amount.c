/*
 * fuzz_amount.c: libFuzzer target for the amount parser and arithmetic. Whatever parses must
 * format without overflowing its buffer, format back to something that parses to the same
 * value, and add, multiply and take percentages with overflow reported, never wrong.
 */
#include <stdlib.h>
#include <string.h>

#include "tally.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct amount a, b, r, rem;
	const char *why;
	char buf[AMOUNT_BUF], buf2[AMOUNT_BUF];
	long n;
	size_t len;

	n = amount_parse((const char *)data, size, &a, size & 1, &why);
	if (n < 0) {
		if (!why || !*why)
			abort();
		goto plain;
	}
	if ((size_t)n > size)
		abort();
	len = amount_format(buf, sizeof buf, &a);
	if (len >= sizeof buf)
		abort();
	amount_format_plain(buf2, sizeof buf2, &a);
	amount_format_lang(buf2, sizeof buf2, &a, "es");
	/* The plain form parses back to the same value. */
	len = amount_format_plain(buf2, sizeof buf2, &a);
	if (amount_parse_plain(buf2, len, &b) != 0)
		abort();
	r = a;
	if (amount_rescale(&r, b.scale) == 0 && r.q != b.q)
		abort();
	b = a;
	if (amount_add(&r, &a, &b) == 0)
		amount_format(buf, sizeof buf, &r);
	if (amount_mul(&r, &a, &b) == 0)
		amount_format(buf, sizeof buf, &r);
	if (amount_percent(&r, &a, &b, 2) == 0)
		amount_format(buf, sizeof buf, &r);
	if (amount_div_int(&r, &a, 3, &rem) == 0)
		amount_format(buf, sizeof buf, &r);
	r = a;
	amount_normalize(&r, 0);
	if (amount_rescale(&r, a.scale) != 0 || r.q != a.q)
		abort();
	r = a;
	amount_rescale(&r, AMOUNT_MAX_SCALE);
plain:
	if (amount_parse_plain((const char *)data, size, &a) == 0)
		amount_format_plain(buf, sizeof buf, &a);
	commodity_reset();
	return 0;
}
