/*
 * vocabvalue.c: the parsers of the rarer kinds of tag value (minutes, durations, counts,
 * dates, amounts and rates, items, e-mail addresses, absences...). vocab.c reads the common
 * forms of the common kinds in its own loop and asks here for the rest.
 */
#include <string.h>

#include "internal.h"
#include "vocabint.h"

/* A number of digits at the start of v (at most max); *used gets the bytes; -1 if none. */
static long
number(struct span v, size_t *used, long max)
{
	long n = 0;
	size_t i = 0;

	while (i < v.n && v.p[i] >= '0' && v.p[i] <= '9') {
		n = n * 10 + (v.p[i++] - '0');
		if (n > max)
			return -1;
	}
	*used = i;
	return i ? n : -1;
}

/* Whether v past `used` is empty or one of the words (after blanks). */
static bool
tail_is(struct span v, size_t used, const char *const *words)
{
	struct span t = {v.p + used, v.n - used};

	if (!t.n)
		return true;
	if (t.p[0] != ' ' && t.p[0] != '\t')
		return false;
	while (t.n && (t.p[0] == ' ' || t.p[0] == '\t'))
		t.p++, t.n--;
	for (; *words; words++)
		if (span_eq(t, *words))
			return true;
	return false;
}

static bool
parse_count(struct span v, const char *const *words, long max, long *out)
{
	size_t used;
	long n = number(v, &used, max);

	if (n < 0 || !tail_is(v, used, words))
		return false;
	*out = n;
	return true;
}

/* duration: 50m, 50min, 90, 1h, 1h30m, 1h30 */
static bool
parse_duration(struct span v, long *out)
{
	long total = 0, n;
	size_t i = 0, used;

	while (i < v.n) {
		struct span rest = {v.p + i, v.n - i};

		if ((n = number(rest, &used, 100000)) < 0)
			return false;
		i += used;
		if (i < v.n && v.p[i] == 'h') {
			total += 60 * n;
			i++;
		} else if (i + 3 <= v.n && memcmp(v.p + i, "min", 3) == 0) {
			total += n;
			i += 3;
		} else if (i < v.n && v.p[i] == 'm') {
			total += n;
			i++;
		} else if (i == v.n) {
			total += n;
		} else {
			return false;
		}
		if (total > 1000000)
			return false;
	}
	*out = total;
	return v.n > 0;
}

static bool
parse_date(struct span v, tdate *d)
{
	const char *why;

	return v.n && date_parse(v.p, v.n, 0, d, &why) == (long)v.n;
}

static bool
parse_amount(struct span v, struct amount *a, bool *per_hour)
{
	static const char *const hour[] = {"/h", "/hr", "/hour", NULL};
	const char *why;
	long used;

	/* learns the commodity's style, as the amounts tally-bill writes from it will */
	if (!v.n || (used = amount_parse(v.p, v.n, a, true, &why)) <= 0)
		return false;
	if (per_hour) {
		struct span t = {v.p + used, v.n - (size_t)used};

		while (t.n && (t.p[0] == ' ' || t.p[0] == '\t'))
			t.p++, t.n--;
		*per_hour = false;
		for (int i = 0; t.n && hour[i]; i++)
			if (span_eq(t, hour[i]))
				*per_hour = true, used = (long)v.n;
	}
	return used == (long)v.n && amount_sign(a) >= 0;
}

bool
vocab_item(struct span v, tdate *date, struct amount *amt, struct span *desc)
{
	const char *a, *b;

	if (v.n < 16 || !parse_date((struct span){v.p, 10}, date) || memcmp(v.p + 10, " | ", 3))
		return false;
	a = v.p + 13;
	for (b = a; b + 3 <= v.p + v.n && memcmp(b, " | ", 3) != 0; b++)
		;
	if (b + 3 > v.p + v.n)
		return false;
	if (amt) {
		const char *why;
		long used = amount_parse(a, (size_t)(b - a), amt, false, &why);

		if (used != b - a)
			return false;
	}
	if (desc)
		*desc = (struct span){b + 3, (size_t)(v.p + v.n - b - 3)};
	return true;
}

static bool
is_blank(char c)
{
	return c == ' ' || c == '\t';
}

/* Whether v holds a space or a tab: eight bytes at a time (a byte of x ^ 0x2020...
 * is zero where x has a space: the classic test for a zero byte, in any byte order). */
static bool
has_blank(struct span v)
{
	const uint64_t ones = 0x0101010101010101u, highs = 0x8080808080808080u;
	size_t i = 0;

	for (; i + 8 <= v.n; i += 8) {
		uint64_t x = load64(v.p + i), s = x ^ 0x2020202020202020u, t = x ^ 0x0909090909090909u;

		if (((s - ones) & ~s & highs) | ((t - ones) & ~t & highs))
			return true;
	}
	for (; i < v.n; i++)
		if (is_blank(v.p[i]))
			return true;
	return false;
}

/* Each kind read into the zero *out as vocab.c's parse does. */
int
vocab_parse_rare(enum vkind kind, struct span v, struct vval *out)
{
	static const char *const minutes[] = {"min", "minutes", NULL};
	static const char *const sessions_w[] = {"session", "sessions", NULL};
	static const char *const days[] = {"day", "days", NULL};
	char why[256];
	struct regex *re;
	size_t i;

	switch (kind) {
	case K_MINUTES:
		return parse_count(v, minutes, 1000000, &out->n) && out->n > 0 ? 0 : -1;
	case K_DURATION:
		return parse_duration(v, &out->n) && out->n > 0 ? 0 : -1;
	case K_STAMP:
		return (out->stamp = stamp_parse(v.p, v.n)) < 0 ? -1 : 0;
	case K_COUNT:
		return parse_count(v, sessions_w, 1000000, &out->n) && out->n > 0 ? 0 : -1;
	case K_DATE:
		return parse_date(v, &out->date) ? 0 : -1;
	case K_REGEX:
		if (!v.n || !(re = regex_compile(v.p, v.n, why, sizeof why)))
			return -1;
		regex_free(re);
		return 0;
	case K_RATE:
		return parse_amount(v, &out->amt, &out->per_hour) ? 0 : -1;
	case K_AMOUNT:
		return parse_amount(v, &out->amt, NULL) ? 0 : -1;
	case K_NAME:
		for (i = 0; i < v.n; i++)
			if (v.p[i] == '/' || is_blank(v.p[i]) || v.p[0] == '.')
				return -1;
		return v.n ? 0 : -1;
	case K_DAYS:
		return parse_count(v, days, 3650, &out->n) ? 0 : -1;
	case K_ITEM:
		return vocab_item(v, &out->date, &out->amt, NULL) ? 0 : -1;
	case K_EMAIL: {
		const char *at = memchr(v.p, '@', v.n);

		for (i = 0; i < v.n; i++)
			if (is_blank(v.p[i]) || strchr("<>,;\"", v.p[i]))
				return -1;
		return at && at > v.p && at < v.p + v.n - 1 ? 0 : -1;
	}
	case K_ABSENT: {
		/* raw becomes the ID; n the kind of absence */
		char id[CLIENT_ID_MAX + 2];
		struct span w = v;
		size_t n;

		out->n = SESSION_NOSHOW;
		for (i = v.n; i > 0 && !is_blank(v.p[i - 1]); i--)
			;
		if (i > 0) {
			struct span last = {v.p + i, v.n - i};

			if (span_eq(last, "late-cancel") || span_eq(last, "no-show")) {
				out->n = span_eq(last, "no-show") ? SESSION_NOSHOW : SESSION_LATE;
				for (w.n = i; w.n && is_blank(w.p[w.n - 1]); w.n--)
					;
			}
		}
		n = clients_slug(w, id, sizeof id);
		out->raw = w;
		return n && n <= CLIENT_ID_MAX ? 0 : -1;
	}
	case K_ID: {
		/* An ID longer than the book keeps is refused, never cut: two would merge. */
		char id[CLIENT_ID_MAX + 2];
		size_t n = clients_slug(v, id, sizeof id);

		return n && n <= CLIENT_ID_MAX ? 0 : -1;
	}
	case K_TIME:
		out->n = time_parse(v.p, v.n);
		return out->n < 0 ? -1 : 0;
	case K_WORD:
		return v.n && !has_blank(v) ? 0 : -1;
	default:
		return -1;
	}
}
