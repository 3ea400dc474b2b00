/* date.c: calendar dates as day numbers, journal date syntax, periods and times of day. */
#include <string.h>
#include <time.h>

#include "tally.h"

/* Days from civil date, proleptic Gregorian (Howard Hinnant's algorithm). */
tdate
date_from_ymd(int y, int m, int d)
{
	long yy = y - (m <= 2);
	long era = (yy >= 0 ? yy : yy - 399) / 400;
	long yoe = yy - era * 400;
	long doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;

	return (tdate)(era * 146097 + doe - 719468);
}

void
date_to_ymd(tdate t, int *y, int *m, int *d)
{
	long z = (long)t + 719468;
	long era = (z >= 0 ? z : z - 146096) / 146097;
	long doe = z - era * 146097;
	long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	long mp = (5 * doy + 2) / 153;

	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = (int)(yoe + era * 400 + (*m <= 2));
}

static int
days_in_month(int y, int m)
{
	static const int dim[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;

	return m == 2 && leap ? 29 : dim[m - 1];
}

bool
date_valid_ymd(int y, int m, int d)
{
	return y >= 1 && y <= 9999 && m >= 1 && m <= 12 && d >= 1 && d <= days_in_month(y, m);
}

/* Reads 1..max digits; returns the count read. */
static size_t
read_int(const char *s, size_t n, size_t max, int *v)
{
	size_t i = 0;

	*v = 0;
	while (i < n && i < max && s[i] >= '0' && s[i] <= '9')
		*v = *v * 10 + (s[i++] - '0');
	return i;
}

/* Entries come in date order, several a day: the last full YYYY-MM-DD read, its day and
 * its month's length, for the same date or another day of its month read again. */
static _Thread_local uint64_t last_ym;  /* its first eight bytes, "YYYY-MM-" */
static _Thread_local uint16_t last_dd;  /* its last two, the day */
static _Thread_local tdate last_date;
static _Thread_local int last_d, last_dim;
static _Thread_local bool have_last;

/* date_parse past its check for the last date: out of line, so that the check needs no
 * frame. */
static __attribute__((noinline)) long
parse_date(const char *s, size_t n, int default_year, tdate *out, const char **why)
{
	int a, b, c, y, m, d;
	size_t i, k;
	char sep;

	*why = "bad date";
	if ((k = read_int(s, n, 5, &a)) == 0 || k >= n)
		return -1;
	i = k;
	sep = s[i];
	if (sep != '-' && sep != '/' && sep != '.')
		return -1;
	i++;
	if ((k = read_int(s + i, n - i, 2, &b)) == 0)
		return -1;
	i += k;
	if (i < n && s[i] == sep && i + 1 < n && s[i + 1] >= '0' && s[i + 1] <= '9') {
		i++;
		if ((k = read_int(s + i, n - i, 2, &c)) == 0)
			return -1;
		i += k;
		y = a, m = b, d = c;
	} else {
		if (default_year <= 0) {
			*why = "date without a year";
			return -1;
		}
		y = default_year, m = a, d = b;
	}
	if (i < n && s[i] >= '0' && s[i] <= '9')
		return -1;
	if (!date_valid_ymd(y, m, d)) {
		*why = "invalid date";
		return -1;
	}
	*out = date_from_ymd(y, m, d);
	if (i == 10 && s[4] == sep && s[7] == sep) {
		memcpy(&last_ym, s, 8);
		memcpy(&last_dd, s + 8, 2);
		last_date = *out;
		last_d = d;
		last_dim = days_in_month(y, m);
		have_last = true;
	}
	return (long)i;
}

long
date_parse(const char *s, size_t n, int default_year, tdate *out, const char **why)
{
	uint64_t ym;
	uint16_t dd;

	if (n >= 10 && have_last && (memcpy(&ym, s, 8), ym == last_ym) &&
	    (n == 10 || s[10] < '0' || s[10] > '9')) {
		int d;

		memcpy(&dd, s + 8, 2);
		if (dd == last_dd) {  /* most often: several entries a day */
			*out = last_date;
			return 10;
		}
		/* day numbers: a day more is one more */
		d = (s[8] - '0') * 10 + (s[9] - '0');
		if (s[8] >= '0' && s[8] <= '9' && s[9] >= '0' && s[9] <= '9' && d >= 1 && d <= last_dim) {
			last_date += d - last_d;
			last_d = d;
			last_dd = dd;
			*out = last_date;
			return 10;
		}
	}
	return parse_date(s, n, default_year, out, why);
}

void
date_format(char *buf, tdate t)
{
	int y, m, d;

	date_to_ymd(t, &y, &m, &d);
	y = (y % 10000 + 10000) % 10000;
	buf[0] = (char)('0' + y / 1000);
	buf[1] = (char)('0' + y / 100 % 10);
	buf[2] = (char)('0' + y / 10 % 10);
	buf[3] = (char)('0' + y % 10);
	buf[4] = '-';
	buf[5] = (char)('0' + m / 10);
	buf[6] = (char)('0' + m % 10);
	buf[7] = '-';
	buf[8] = (char)('0' + d / 10);
	buf[9] = (char)('0' + d % 10);
	buf[10] = '\0';
}

int
date_weekday(tdate t)
{
	/* 1970-01-01 was a Thursday (3 when Monday is 0). */
	long w = ((long)t + 3) % 7;

	return (int)(w < 0 ? w + 7 : w);
}

tdate
date_add_months(tdate t, int months)
{
	int y, m, d, dim;
	long total;

	date_to_ymd(t, &y, &m, &d);
	total = (long)y * 12 + (m - 1) + months;
	y = (int)(total / 12);
	m = (int)(total % 12) + 1;
	dim = days_in_month(y, m);
	return date_from_ymd(y, m, d > dim ? dim : d);
}

tdate
date_today(void)
{
	time_t now = time(NULL);
	struct tm tm;

	localtime_r(&now, &tm);
	return date_from_ymd(tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
}

/* The fixed forms: 2026, 2026-11, 2026-Q4, 2026-11-05 (also with '/'); period.c the rest. */
int
period_parse_fixed(const char *s, size_t n, tdate *begin, tdate *end)
{
	size_t k;
	int y, m, d, q;

	if ((k = read_int(s, n, 4, &y)) != 4 || y < 1)
		return -1;
	if (k == n) {
		*begin = date_from_ymd(y, 1, 1);
		*end = date_from_ymd(y + 1, 1, 1);
		return 0;
	}
	if ((s[k] != '-' && s[k] != '/') || n < k + 3)
		return -1;
	if ((s[k + 1] == 'Q' || s[k + 1] == 'q') && n == k + 3 && s[k + 2] >= '1' && s[k + 2] <= '4') {
		q = s[k + 2] - '0';
		*begin = date_from_ymd(y, (q - 1) * 3 + 1, 1);
		*end = date_add_months(*begin, 3);
		return 0;
	}
	if (read_int(s + k + 1, n - k - 1, 2, &m) != 2 || m < 1 || m > 12)
		return -1;
	if (n == k + 3) {
		*begin = date_from_ymd(y, m, 1);
		*end = date_add_months(*begin, 1);
		return 0;
	}
	if (n != k + 6 || s[k + 3] != s[k] || read_int(s + k + 4, 2, 2, &d) != 2 ||
	    !date_valid_ymd(y, m, d))
		return -1;
	*begin = date_from_ymd(y, m, d);
	*end = *begin + 1;
	return 0;
}

int
period_parse(const char *s, tdate *begin, tdate *end)
{
	return period_expr(s, date_today(), begin, end);
}

int
time_parse(const char *s, size_t n)
{
	int h, m;
	size_t k = read_int(s, n, 2, &h);

	if (k == 0 || k >= n || s[k] != ':' || read_int(s + k + 1, n - k - 1, 2, &m) != 2 ||
	    k + 3 != n || h > 23 || m > 59)
		return -1;
	return h * 60 + m;
}

int
range_option(int opt, const char *arg, tdate *begin, tdate *end, const char **why)
{
	tdate b, e;
	size_t n = strlen(arg);

	if (opt == 'p') {
		if (period_parse(arg, &b, &e) < 0) {
			*why = "bad period";
			return -1;
		}
	} else if (date_parse(arg, n, 0, &b, why) != (long)n &&
		   period_expr(arg, date_today(), &b, &e) < 0) {
		/* -b and -e take a smart date's start, as hledger: -b lastmonth, -e today */
		*why = "bad date";
		return -1;
	} else if (b == DATE_NONE) {
		*why = "bad date";
		return -1;
	} else if (opt == 'e') {
		e = b;
		b = DATE_NONE;
	} else {
		e = DATE_NONE;
	}
	/* Several options narrow the range: the latest begin and the earliest end win. */
	if (b != DATE_NONE && (*begin == DATE_NONE || b > *begin))
		*begin = b;
	if (e != DATE_NONE && (*end == DATE_NONE || e < *end))
		*end = e;
	return 0;
}

long long
stamp_parse(const char *s, size_t n)
{
	tdate d;
	const char *why;
	long k = date_parse(s, n, 0, &d, &why);
	int t;

	if (k <= 0 || (size_t)k + 1 >= n || (s[k] != ' ' && s[k] != 'T'))
		return -1;
	while ((size_t)k < n && (s[k] == ' ' || s[k] == 'T'))
		k++;
	if ((t = time_parse(s + k, n - (size_t)k)) < 0)
		return -1;
	return (long long)d * 1440 + t;
}
