/*
 * csvdate.c: the dates of a bank CSV, read with hledger's date-format (strptime
 * conversions) or its default formats. The whole value must match.
 */
#include <ctype.h>
#include <string.h>
#include <strings.h>

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
		if (!*fmt || !strchr("YymdebBhHMSIpTDFzZjaA%", *fmt)) {
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

/* strptime for the conversions hledger's date-format uses; the whole value must match. */
static bool
parse_date_fmt(const char *s, size_t n, const char *fmt, tdate *out)
{
	const char *end = s + n;
	int y = -1, m = -1, d = -1, v;
	bool pm = false, has_pm = false;

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
		case 'm': case 'd': case 'e': case 'H': case 'M': case 'S': case 'I':
			if (c == 'e' || pad == '_')
				while (s < end && *s == ' ')
					s++;
			if (!digits(&s, end, pad == '-' || pad == '_' || c == 'e' ? 1 : 2, 2, &v))
				return false;
			if (c == 'm')
				m = v;
			else if (c == 'd' || c == 'e')
				d = v;
			break;
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
			if (!digits(&s, end, 2, 2, &v) || s >= end || *s++ != ':' ||
			    !digits(&s, end, 2, 2, &v) || s >= end || *s++ != ':' ||
			    !digits(&s, end, 2, 2, &v))
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
		case 'z': case 'Z':
			while (s < end && !isspace((unsigned char)*s))
				s++;
			break;
		case '%':
			if (s >= end || *s++ != '%')
				return false;
			break;
		default:
			return false;
		}
	}
	(void)pm;
	(void)has_pm;
	if (s != end || y < 0 || m < 0 || d < 0 || !date_valid_ymd(y, m, d))
		return false;
	*out = date_from_ymd(y, m, d);
	return true;
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
csvdate_parse(const char *s, size_t n, const char *fmt, tdate *out)
{
	return fmt ? parse_date_fmt(s, n, fmt, out) : parse_date_default(s, n, out);
}
