/*
 * csvdate.c: the dates of a bank CSV, read with hledger's date-format (strptime
 * conversions) or its default formats. The whole value must match. A time with a zone
 * (%z, %Ez, %Z), in seconds since the epoch (%s), or in the rules' `timezone`, is an
 * instant: its date is the date it has in the local time zone (TZ), as hledger does.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "rules-int.h"

static const char *const months[12] = {
	"january", "february", "march", "april", "may", "june", "july", "august", "september",
	"october", "november", "december",
};

int
csvdate_check(const char *fmt, const char **why)
{
	for (; *fmt; fmt++) {
		if (*fmt != '%')
			continue;
		fmt++;
		if (*fmt == '-' || *fmt == '_' || *fmt == '0')
			fmt++;
		if (*fmt == 'E' && (fmt[1] == 'z' || fmt[1] == 'Z'))
			fmt++;
		if (!*fmt || !strchr("YymdebBhHMSIpTDFzZjaAQlks%", *fmt)) {
			*why = "unsupported conversion (see docs/rules.md)";
			return -1;
		}
	}
	return 0;
}

/* Reads between lo and hi digits. */
static bool
digits(const char **s, const char *end, int lo, int hi, int *v)
{
	int k = 0;

	*v = 0;
	while (*s < end && k < hi && isdigit((unsigned char)**s)) {
		*v = *v * 10 + (**s - '0');
		(*s)++;
		k++;
	}
	return k >= lo;
}

/* A zone: +HHMM, +HH:MM, +HH, Z, or a name Data.Time knows; minutes east of UTC. */
bool
csvdate_zone(const char **s, const char *end, bool colon, int *mins)
{
	static const struct { const char *name; int mins; } names[] = {
		{"UTC", 0}, {"UT", 0}, {"GMT", 0}, {"Z", 0}, {"EST", -300}, {"EDT", -240},
		{"CST", -360}, {"CDT", -300}, {"MST", -420}, {"MDT", -360}, {"PST", -480},
		{"PDT", -420},
	};
	const char *p = *s;
	int h = 0, m = 0, sign;

	if (p < end && (*p == '+' || *p == '-')) {
		sign = *p++ == '-' ? -1 : 1;
		if (!digits(&p, end, 2, 2, &h))
			return false;
		if (p < end && *p == ':')
			p++;
		else if (colon && p < end && isdigit((unsigned char)*p))
			return false;
		if (p < end && isdigit((unsigned char)*p) && !digits(&p, end, 2, 2, &m))
			return false;
		if (h > 23 || m > 59)
			return false;
		*mins = sign * (h * 60 + m);
		*s = p;
		return true;
	}
	for (size_t k = 0; k < sizeof names / sizeof names[0]; k++) {
		size_t l = strlen(names[k].name);

		if ((size_t)(end - p) >= l && strncasecmp(p, names[k].name, l) == 0 &&
		    (p + l == end || !isalpha((unsigned char)p[l]))) {
			*mins = names[k].mins;
			*s = p + l;
			return true;
		}
	}
	return false;
}

/* The local date (TZ) of a UTC instant, in seconds since the epoch. */
static bool
local_date(long long secs, tdate *out)
{
	time_t t = (time_t)secs;
	struct tm tm;

	if ((long long)t != secs || !localtime_r(&t, &tm))
		return false;
	*out = date_from_ymd(tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
	return true;
}

/* strptime for the conversions hledger's date-format uses; the whole value must match. */
static bool
parse_date_fmt(const char *s, size_t n, const char *fmt, int tzin, tdate *out)
{
	const char *end = s + n;
	int y = -1, m = -1, d = -1, v, hour = 0, min = 0, sec = 0, zone = 0;
	bool pm = false, has_pm = false, zoned = false, epoch = false;
	long long esecs = 0;

	for (; *fmt; fmt++) {
		char pad = 0, c;

		if (*fmt != '%') {
			if (isspace((unsigned char)*fmt)) {
				while (s < end && isspace((unsigned char)*s))
					s++;
				continue;
			}
			if (s >= end || *s != *fmt)
				return false;
			s++;
			continue;
		}
		c = *++fmt;
		if (c == '-' || c == '_' || c == '0') {
			pad = c;
			c = *++fmt;
		}
		switch (c) {
		case 'Y':
			if (!digits(&s, end, 4, 4, &y))
				return false;
			break;
		case 'y':
			if (!digits(&s, end, 2, 2, &v))
				return false;
			y = v < 69 ? 2000 + v : 1900 + v;
			break;
		case 'm': case 'd': case 'e': case 'H': case 'M': case 'S': case 'I': case 'k':
		case 'l': {
			bool spaced = c == 'e' || c == 'k' || c == 'l' || pad == '_';

			if (spaced)
				while (s < end && *s == ' ')
					s++;
			if (!digits(&s, end, pad == '-' || spaced ? 1 : 2, 2, &v))
				return false;
			if (c == 'm')
				m = v;
			else if (c == 'd' || c == 'e')
				d = v;
			else if (c == 'H' || c == 'I' || c == 'k' || c == 'l')
				hour = v;
			else if (c == 'M')
				min = v;
			else
				sec = v;
			break;
		}
		case 'Q':  /* a fraction of a second: ".123", or nothing */
			if (s < end && *s == '.')
				for (s++; s < end && isdigit((unsigned char)*s); s++)
					;
			break;
		case 's': {
			char *e2;
			char num[24];
			size_t k = 0;

			while (s + k < end && k < sizeof num - 1 &&
			       (isdigit((unsigned char)s[k]) || (k == 0 && s[k] == '-')))
				k++;
			memcpy(num, s, k);
			num[k] = '\0';
			esecs = strtoll(num, &e2, 10);
			if (k == 0 || *e2)
				return false;
			s += k;
			epoch = true;
			break;
		}
		case 'j':
			if (!digits(&s, end, 1, 3, &v))
				return false;
			break;
		case 'b': case 'B': case 'h': case 'a': case 'A': {
			int k, found = -1;
			size_t wl = 0;

			while (s + wl < end && isalpha((unsigned char)s[wl]))
				wl++;
			if (c == 'a' || c == 'A') {
				s += wl;
				break;
			}
			for (k = 0; k < 12; k++)
				if ((wl == 3 || wl == strlen(months[k])) &&
				    strncasecmp(s, months[k], wl) == 0)
					found = k;
			if (found < 0)
				return false;
			m = found + 1;
			s += wl;
			break;
		}
		case 'p':
			if (end - s >= 2 && (strncasecmp(s, "am", 2) == 0 || strncasecmp(s, "pm", 2) == 0)) {
				has_pm = true;
				pm = tolower((unsigned char)*s) == 'p';
				s += 2;
				break;
			}
			return false;
		case 'T':
			if (!digits(&s, end, 2, 2, &hour) || s >= end || *s++ != ':' ||
			    !digits(&s, end, 2, 2, &min) || s >= end || *s++ != ':' ||
			    !digits(&s, end, 2, 2, &sec))
				return false;
			break;
		case 'D':
			if (!digits(&s, end, 2, 2, &m) || s >= end || *s++ != '/' ||
			    !digits(&s, end, 2, 2, &d) || s >= end || *s++ != '/' ||
			    !digits(&s, end, 2, 2, &v))
				return false;
			y = v < 69 ? 2000 + v : 1900 + v;
			break;
		case 'F':
			if (!digits(&s, end, 4, 4, &y) || s >= end || *s++ != '-' ||
			    !digits(&s, end, 2, 2, &m) || s >= end || *s++ != '-' ||
			    !digits(&s, end, 2, 2, &d))
				return false;
			break;
		case 'E':  /* %Ez, %EZ: +HH:MM */
			c = *++fmt;
			if ((c != 'z' && c != 'Z') || !csvdate_zone(&s, end, true, &zone))
				return false;
			zoned = true;
			break;
		case 'z': case 'Z':
			if (!csvdate_zone(&s, end, false, &zone))
				return false;
			zoned = true;
			break;
		case '%':
			if (s >= end || *s++ != '%')
				return false;
			break;
		default:
			return false;
		}
	}
	if (s != end)
		return false;
	if (epoch)
		return local_date(esecs, out);
	if (y < 0 || m < 0 || d < 0 || !date_valid_ymd(y, m, d) || hour > 24 || min > 59 ||
	    sec > 60 || (has_pm && (hour < 1 || hour > 12)))
		return false;
	if (has_pm)
		hour = hour % 12 + (pm ? 12 : 0);
	if (!zoned && tzin == CSVDATE_NOZONE) {  /* a local time: its own date */
		*out = date_from_ymd(y, m, d);
		return true;
	}
	return local_date(((long long)date_from_ymd(y, m, d) * 86400 + hour * 3600 + min * 60 + sec) -
			  (long long)(zoned ? zone : tzin) * 60, out);
}

/* hledger's defaults: YYYY/M/D, YYYY-M-D or YYYY.M.D. */
static bool
parse_date_default(const char *s, size_t n, tdate *out)
{
	const char *end = s + n;
	int y, m, d;
	char sep;

	if (!digits(&s, end, 4, 4, &y) || s >= end || !strchr("/-.", *s))
		return false;
	sep = *s++;
	if (!digits(&s, end, 1, 2, &m) || s >= end || *s++ != sep || !digits(&s, end, 1, 2, &d) ||
	    s != end || !date_valid_ymd(y, m, d))
		return false;
	*out = date_from_ymd(y, m, d);
	return true;
}


bool
csvdate_parse(const char *s, size_t n, const char *fmt, int tzin, tdate *out)
{
	return fmt ? parse_date_fmt(s, n, fmt, tzin, out) : parse_date_default(s, n, out);
}
