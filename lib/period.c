/*
 * period.c: hledger 1.25's smart dates and period expressions, for -p, -b, -e and date:.
 * A smart date is a span: 2026 (a year), 2026-11 or 202611 (a month), 2026-Q4, 2026-11-05,
 * 2026/11/5 or 20261105 (a day), 11/5 or 11-05 (a day this year), nov or november (a
 * month this year), 5 (a day this month), today, yesterday, tomorrow, this/last/next
 * day/week/month/quarter/year (a space between the words or none), N days/weeks/...
 * ago and in N days/weeks/... (that span moved N back or forward). Weeks start on Monday.
 * A period is a smart date, `in` one, `from A`, `to B` or `until B`, or A and B joined
 * by `..`, ` to `, ` until ` or ` - `: from A's start to B's start, either end open.
 */
#include <ctype.h>
#include <string.h>

#include "tally.h"

enum unit { U_DAY, U_WEEK, U_MONTH, U_QUARTER, U_YEAR, U_NONE };

static const char *const units[] = {"day", "week", "month", "quarter", "year"};

static const char *const months[] = {"january", "february", "march", "april", "may", "june",
				     "july", "august", "september", "october", "november",
				     "december"};

/* The span of unit u holding day d, moved by shift units. */
static void
span_of(enum unit u, tdate d, int shift, tdate *b, tdate *e)
{
	int y, m, dd;

	date_to_ymd(d, &y, &m, &dd);
	switch (u) {
	case U_DAY:
		*b = d + shift;
		*e = *b + 1;
		break;
	case U_WEEK:
		*b = d - date_weekday(d) + 7 * shift;
		*e = *b + 7;
		break;
	case U_MONTH:
		*b = date_add_months(date_from_ymd(y, m, 1), shift);
		*e = date_add_months(*b, 1);
		break;
	case U_QUARTER:
		*b = date_add_months(date_from_ymd(y, (m - 1) / 3 * 3 + 1, 1), 3 * shift);
		*e = date_add_months(*b, 3);
		break;
	default:
		*b = date_from_ymd(y + shift, 1, 1);
		*e = date_from_ymd(y + shift + 1, 1, 1);
		break;
	}
}

/* A unit's name, singular or (plural) with an s. */
static enum unit
unit_of(const char *s, size_t n, bool plural)
{
	for (int u = 0; u < U_NONE; u++) {
		size_t k = strlen(units[u]);

		if ((n == k || (plural && n == k + 1 && s[k] == 's')) && memcmp(s, units[u], k) == 0)
			return (enum unit)u;
	}
	return U_NONE;
}

/* Digits only, at most 9 of them: their value, else -1. */
static long
number(const char *s, size_t n)
{
	long v = 0;

	if (n == 0 || n > 9)
		return -1;
	for (size_t i = 0; i < n; i++) {
		if (!isdigit((unsigned char)s[i]))
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

/* The words of s (lower case, no spaces at either end): at most 4, else -1. */
static int
words(const char *s, size_t n, const char *w[4], size_t wn[4])
{
	int k = 0;
	size_t i = 0;

	while (i < n) {
		while (i < n && s[i] == ' ')
			i++;
		if (i == n)
			break;
		if (k == 4)
			return -1;
		w[k] = s + i;
		while (i < n && s[i] != ' ')
			i++;
		wn[k] = (size_t)(s + i - w[k]);
		k++;
	}
	return k;
}

/* Y[-M[-D]] with -, / or . (the same one twice), 1-2 digit months and days; or 8 or 6 digits. */
static int
numeric(const char *s, size_t n, tdate today, tdate *b, tdate *e)
{
	long p[3];
	size_t start = 0, k = 0, first = n;  /* first: the first part's length */
	char sep = 0;
	int y, m, d;

	if (number(s, n) >= 0 && (n == 8 || n == 6)) {
		y = (int)number(s, 4);
		m = (int)number(s + 4, 2);
		d = n == 8 ? (int)number(s + 6, 2) : 1;
		if (!date_valid_ymd(y, m, d))
			return -1;
		*b = date_from_ymd(y, m, d);
		*e = n == 8 ? *b + 1 : date_add_months(*b, 1);
		return 0;
	}
	for (size_t i = 0; i <= n; i++) {
		if (i < n && isdigit((unsigned char)s[i]))
			continue;
		if (i < n && ((s[i] != '-' && s[i] != '/' && s[i] != '.') || (sep && s[i] != sep)))
			return -1;
		if (k == 3 || (p[k] = number(s + start, i - start)) < 0)
			return -1;
		if (i < n)
			sep = s[i];
		if (k++ == 0)
			first = i;
		start = i + 1;
	}
	date_to_ymd(today, &y, &m, &d);
	if (first == 4 && p[0] >= 1) {                  /* 2026, 2026-11, 2026-11-05 */
		if (k == 1) {
			span_of(U_YEAR, date_from_ymd((int)p[0], 1, 1), 0, b, e);
			return 0;
		}
		if (k == 2 && p[1] >= 1 && p[1] <= 12) {
			*b = date_from_ymd((int)p[0], (int)p[1], 1);
			*e = date_add_months(*b, 1);
			return 0;
		}
		if (k == 3 && date_valid_ymd((int)p[0], (int)p[1], (int)p[2])) {
			*b = date_from_ymd((int)p[0], (int)p[1], (int)p[2]);
			*e = *b + 1;
			return 0;
		}
		return -1;
	}
	if (first > 2)
		return -1;
	if (k == 1 && date_valid_ymd(y, m, (int)p[0]))  /* 5: a day of this month */
		*b = date_from_ymd(y, m, (int)p[0]);
	else if (k == 2 && date_valid_ymd(y, (int)p[0], (int)p[1]))  /* 11/5: this year */
		*b = date_from_ymd(y, (int)p[0], (int)p[1]);
	else
		return -1;
	*e = *b + 1;
	return 0;
}

/* One smart date (lower case, trimmed) as the span it names. */
static int
smart(const char *s, size_t n, tdate today, tdate *b, tdate *e)
{
	const char *w[4];
	size_t wn[4];
	int k = words(s, n, w, wn);
	long num;
	enum unit u;

	if (k == 1 && period_parse_fixed(s, n, b, e) == 0)
		return 0;
	if (k == 1 && numeric(s, n, today, b, e) == 0)
		return 0;
	if (k == 1) {
		static const struct { const char *w; int shift; } days[] = {
			{"today", 0}, {"yesterday", -1}, {"tomorrow", 1},
		};
		int y, m, d;

		for (size_t i = 0; i < sizeof days / sizeof *days; i++)
			if (n == strlen(days[i].w) && memcmp(s, days[i].w, n) == 0) {
				span_of(U_DAY, today, days[i].shift, b, e);
				return 0;
			}
		date_to_ymd(today, &y, &m, &d);
		for (int i = 0; i < 12; i++)
			if ((n == 3 || n == strlen(months[i])) && memcmp(s, months[i], n) == 0) {
				*b = date_from_ymd(y, i + 1, 1);
				*e = date_add_months(*b, 1);
				return 0;
			}
	}
	/* this/last/next UNIT, the words joined or apart */
	for (int i = 0; i < 3 && k >= 1 && k <= 2; i++) {
		static const char *const rel[] = {"this", "last", "next"};
		static const int shift[] = {0, -1, 1};
		size_t r = strlen(rel[i]);

		if (wn[0] < r || memcmp(w[0], rel[i], r) != 0)
			continue;
		u = k == 1 ? unit_of(w[0] + r, wn[0] - r, false) :
		    wn[0] == r ? unit_of(w[1], wn[1], false) : U_NONE;
		if (u != U_NONE) {
			span_of(u, today, shift[i], b, e);
			return 0;
		}
	}
	/* N UNITS ago, in N UNITS */
	if (k == 3 && wn[2] == 3 && memcmp(w[2], "ago", 3) == 0 &&
	    (num = number(w[0], wn[0])) >= 0 && (u = unit_of(w[1], wn[1], true)) != U_NONE) {
		span_of(u, today, -(int)num, b, e);
		return 0;
	}
	if (k == 3 && wn[0] == 2 && memcmp(w[0], "in", 2) == 0 &&
	    (num = number(w[1], wn[1])) >= 0 && (u = unit_of(w[2], wn[2], true)) != U_NONE) {
		span_of(u, today, (int)num, b, e);
		return 0;
	}
	return -1;
}

/* A side of a range: empty is open. */
static int
side(const char *s, size_t n, tdate today, tdate *at)
{
	tdate e;

	while (n && s[0] == ' ')
		s++, n--;
	while (n && s[n - 1] == ' ')
		n--;
	if (n == 0) {
		*at = DATE_NONE;
		return 0;
	}
	return smart(s, n, today, at, &e);
}

/* s has `sep` at i: A sep B from A's start to B's start. */
static int
range(const char *s, size_t n, size_t i, size_t k, tdate today, tdate *b, tdate *e)
{
	return side(s, i, today, b) == 0 && side(s + i + k, n - i - k, today, e) == 0 ? 0 : -1;
}

int
period_expr(const char *str, tdate today, tdate *begin, tdate *end)
{
	char s[128] = {0};  /* all defined: the analyzer cannot follow n through memmove */
	size_t n = strlen(str), i;
	const char *p;
	tdate b, e;

	while (n && *str == ' ')
		str++, n--;
	while (n && str[n - 1] == ' ')
		n--;
	if (n == 0 || n >= sizeof s)
		return -1;
	for (i = 0; i < n; i++)
		s[i] = (char)tolower((unsigned char)str[i]);
	s[n] = '\0';
	if (smart(s, n, today, &b, &e) == 0)
		goto done;
	if (strncmp(s, "in ", 3) == 0 && smart(s + 3, n - 3, today, &b, &e) == 0)
		goto done;
	if (strncmp(s, "from ", 5) == 0) {
		memmove(s, s + 5, n - 4);
		n -= 5;
		if (side(s, n, today, &b) == 0) {
			e = DATE_NONE;
			goto done;
		}
	} else if (strncmp(s, "to ", 3) == 0 || strncmp(s, "until ", 6) == 0) {
		size_t k = s[0] == 't' ? 3 : 6;

		b = DATE_NONE;
		if (side(s + k, n - k, today, &e) == 0 && e != DATE_NONE)
			goto done;
		return -1;
	}
	if ((p = strstr(s, "..")) && range(s, n, (size_t)(p - s), 2, today, &b, &e) == 0)
		goto done;
	if ((p = strstr(s, " to ")) && range(s, n, (size_t)(p - s), 4, today, &b, &e) == 0)
		goto done;
	if ((p = strstr(s, " until ")) && range(s, n, (size_t)(p - s), 7, today, &b, &e) == 0)
		goto done;
	if ((p = strstr(s, " - ")) && range(s, n, (size_t)(p - s), 3, today, &b, &e) == 0)
		goto done;
	return -1;
done:
	*begin = b;
	*end = e;
	return 0;
}
