/*
 * invnum.c: invoice numbers, PREFIX YYYY-NNNN: one series per prefix and year (invoices with
 * tally-invoice's --prefix, credit notes with CN-), numbered from the highest one met.
 * Read on every invoice entry of the journal: no formatting on the way.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tally.h"

long
invoice_seq(struct span num, const char *prefix, int year)
{
	size_t pl = strlen(prefix);
	long n = 0;
	int y = 0;

	if (num.n <= pl + 5 || memcmp(num.p, prefix, pl) != 0 || num.p[pl + 4] != '-')
		return 0;
	for (size_t i = pl; i < pl + 4; i++) {
		if (num.p[i] < '0' || num.p[i] > '9')
			return 0;
		y = y * 10 + (num.p[i] - '0');
	}
	if (y != year)
		return 0;
	for (size_t i = pl + 5; i < num.n; i++) {
		if (num.p[i] < '0' || num.p[i] > '9' || n > 100000000)
			return 0;
		n = n * 10 + (num.p[i] - '0');
	}
	return n;
}

char *
invoice_number(const char *prefix, int year, long seq)
{
	size_t size = strlen(prefix) + 32;
	char *s = xmalloc(size);

	snprintf(s, size, "%s%04d-%04ld", prefix, year, seq);
	return s;
}
