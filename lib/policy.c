/*
 * policy.c: cancellation policy files (tally-policy(5)). One parser, and one set of plain-words
 * clauses (policytext.c), serve tally-cancel, which applies a policy, and tally-agreement,
 * which prints it for the client to sign, so the two can never disagree about the numbers.
 */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tally.h"

#ifndef TALLY_SHAREDIR
#define TALLY_SHAREDIR "/usr/local/share/tally"
#endif

static const char *const keys[PK_NKEYS] = {
	"name", "notice", "late-cancel-fee", "no-show-fee", "fee-cap", "grace", "prepaid",
	"deposit", "provider-cancel", "waived",
};

const char *
policy_key_name(enum policy_key k)
{
	return keys[k];
}

static char *
trim(char *s)
{
	char *e;

	while (*s == ' ' || *s == '\t')
		s++;
	e = s + strlen(s);
	while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r' || e[-1] == '\n'))
		*--e = '\0';
	return s;
}

/* Reads an unsigned decimal integer at *s (at most 9 digits); -1 when there is none. */
static long
read_count(const char **s)
{
	long v = 0;
	int k = 0;

	while (**s >= '0' && **s <= '9' && k < 9) {
		v = v * 10 + (**s - '0');
		(*s)++;
		k++;
	}
	if (k == 0 || (**s >= '0' && **s <= '9'))
		return -1;
	return v;
}

static void
skip_blank(const char **s)
{
	while (**s == ' ' || **s == '\t')
		(*s)++;
}

/*
 * A duration: one or more NUMBER UNIT parts (24h, 2d, 90m, 1h30m, "48 hours").
 * Returns minutes, or -1.
 */
long
policy_parse_duration(const char *s)
{
	static const struct { const char *w; long mins; } units[] = {
		{"minutes", 1}, {"minute", 1}, {"mins", 1}, {"min", 1}, {"m", 1},
		{"hours", 60}, {"hour", 60}, {"h", 60}, {"days", 1440}, {"day", 1440}, {"d", 1440},
	};
	long total = 0, v;
	bool any = false;

	skip_blank(&s);
	while (*s) {
		size_t i, n = 0;

		if ((v = read_count(&s)) < 0)
			return -1;
		skip_blank(&s);
		while ((s[n] >= 'a' && s[n] <= 'z') || (s[n] >= 'A' && s[n] <= 'Z'))
			n++;
		for (i = 0; i < sizeof units / sizeof *units; i++)
			if (strlen(units[i].w) == n && strncmp(s, units[i].w, n) == 0)
				break;
		if (n == 0 || i == sizeof units / sizeof *units)
			return -1;
		if (v > 100L * 366 * 1440 / units[i].mins)
			return -1;
		total += v * units[i].mins;
		if (total > 100L * 366 * 1440)
			return -1;
		s += n;
		any = true;
		skip_blank(&s);
	}
	return any ? total : -1;
}

/*
 * A fee or credit: "50%", "12.5 %", an amount with its commodity ("30 EUR", "€30"), or
 * "0"/"none". Returns NULL, or why it is bad.
 */
static const char *
parse_fee(const char *s, struct policy_fee *f)
{
	size_t n = strlen(s);
	const char *why;
	long k;

	memset(f, 0, sizeof *f);
	f->under = -1;
	f->percent = true;
	if (strcmp(s, "none") == 0 || strcmp(s, "0") == 0)
		return NULL;
	if (n > 0 && s[n - 1] == '%') {
		n--;
		while (n > 0 && s[n - 1] == ' ')
			n--;
		if (amount_parse_plain(s, n, &f->amt) < 0)
			return "bad percent";
		if (amount_sign(&f->amt) < 0)
			return "a percent cannot be negative";
		struct amount hundred = {100, 0, 0};

		if (amount_cmp(&f->amt, &hundred) > 0)
			return "a percent cannot be over 100%";
		return NULL;
	}
	f->percent = false;
	k = amount_parse(s, n, &f->amt, true, &why);
	if (k < 0 || (size_t)k != n)
		return "bad amount (write 50% or an amount with its commodity, 30 EUR)";
	if (f->amt.com == 0)
		return "an amount needs its commodity (30 EUR), a percent its sign (30%)";
	if (amount_sign(&f->amt) < 0)
		return "an amount cannot be negative";
	return NULL;
}

/* Tiers are kept narrowest first: the first whose bound exceeds the notice applies. */
static int
by_bound(const void *x, const void *y)
{
	const struct policy_fee *a = x, *b = y;

	return (a->under > b->under) - (a->under < b->under);
}

/* late-cancel-fee: "FEE" or "FEE under DURATION", several separated by ", ". */
static const char *
parse_tiers(char *v, struct policy *p)
{
	char *item = v, *next, *under;
	const char *why;

	p->nlate = 0;
	while (item) {
		next = strstr(item, ", ");
		if (next) {
			*next = '\0';
			next += 2;
		}
		if (p->nlate == POLICY_MAX_TIERS)
			return "too many fee tiers";
		struct policy_fee *f = &p->late[p->nlate];

		under = strstr(item, " under ");
		if (under)
			*under = '\0';
		if ((why = parse_fee(trim(item), f)) != NULL)
			return why;
		if (under && (f->under = policy_parse_duration(under + 7)) <= 0)
			return "bad duration after `under` (24h, 2h, 90m, 2d)";
		for (size_t i = 0; i < p->nlate; i++)
			if (p->late[i].under == f->under)
				return "two fees for the same notice";
		p->nlate++;
		item = next;
	}
	return NULL;
}

/* grace: "N", "none", or "N per [K] UNIT" (1 per 6 months, 2 per year, 1 per 90 days). */
static const char *
parse_grace(const char *s, struct policy *p)
{
	static const struct { const char *w; char unit; int mult; } units[] = {
		{"days", 'd', 1}, {"day", 'd', 1}, {"weeks", 'd', 7}, {"week", 'd', 7},
		{"months", 'm', 1}, {"month", 'm', 1}, {"years", 'm', 12}, {"year", 'm', 12},
	};
	const char *bad = "bad grace (write 0, 1, or 1 per 6 months)";
	long n, k = 1;
	size_t i;

	p->grace = 0;
	p->grace_every = 0;
	if (strcmp(s, "none") == 0)
		return NULL;
	if ((n = read_count(&s)) < 0 || n > 1000)
		return bad;
	p->grace = (int)n;
	skip_blank(&s);
	if (!*s)
		return NULL;
	if (strncmp(s, "per", 3) != 0 || (s[3] != ' ' && s[3] != '\t'))
		return bad;
	s += 3;
	skip_blank(&s);
	if (*s >= '0' && *s <= '9') {
		if ((k = read_count(&s)) <= 0 || k > 1200)
			return bad;
		skip_blank(&s);
	}
	for (i = 0; i < sizeof units / sizeof *units; i++)
		if (strcmp(s, units[i].w) == 0)
			break;
	if (i == sizeof units / sizeof *units)
		return bad;
	p->grace_unit = units[i].unit;
	p->grace_every = (int)k * units[i].mult;
	return NULL;
}

/* Parses one value into p; returns NULL or why it is bad. */
static const char *
parse_value(struct policy *p, enum policy_key k, char *v)
{
	const char *why;

	switch (k) {
	case PK_NAME:
		free(p->name);
		p->name = xstrdup(v);
		return *v ? NULL : "empty name";
	case PK_NOTICE:
		if ((p->notice = policy_parse_duration(v)) < 0)
			return "bad duration (24h, 48h, 2d, 90m)";
		return NULL;
	case PK_LATE:
		return parse_tiers(v, p);
	case PK_NOSHOW:
		if (strstr(v, " under "))
			return "a no-show fee has no notice tiers";
		return parse_fee(v, &p->noshow);
	case PK_CAP:
		if ((why = parse_fee(v, &p->cap)) != NULL)
			return why;
		p->capped = !amount_is_zero(&p->cap.amt);
		return NULL;
	case PK_GRACE:
		return parse_grace(v, p);
	case PK_PREPAID:
		if (strcmp(v, "forfeit") != 0 && strcmp(v, "keep") != 0)
			return "prepaid is forfeit or keep";
		p->forfeit = strcmp(v, "forfeit") == 0;
		return NULL;
	case PK_DEPOSIT:
		if ((why = parse_fee(v, &p->deposit)) != NULL)
			return why;
		return p->deposit.percent ? NULL : "a deposit is a percent of the next session (50%)";
	case PK_PROVIDER:
		return parse_fee(v, &p->provider);
	case PK_WAIVED:
		if (strcmp(v, "free") != 0 && strcmp(v, "package") != 0)
			return "waived is free or package";
		p->waived_package = strcmp(v, "package") == 0;
		return NULL;
	case PK_NKEYS:
		break;
	}
	return "unknown key";
}

/* Checks that hold across keys, once the whole file is read. */
static const char *
check_policy(struct policy *p, long *line)
{
	bool base = false;

	for (size_t i = 0; i < p->nlate; i++) {
		if (p->late[i].under > p->notice) {
			*line = p->line[PK_LATE];
			return "a fee tier is beyond the notice window";
		}
		if (p->late[i].under < 0 || p->late[i].under == p->notice) {
			p->late[i].under = p->notice;
			if (base) {
				*line = p->line[PK_LATE];
				return "two fees for the same notice";
			}
			base = true;
		}
	}
	qsort(p->late, p->nlate, sizeof *p->late, by_bound);
	if (!p->line[PK_NOTICE]) {
		*line = 0;
		return "missing key: notice";
	}
	return NULL;
}

static char *
base_name(const char *path)
{
	const char *b = strrchr(path, '/');
	size_t n;

	b = b ? b + 1 : path;
	n = strlen(b);
	if (n > 7 && strcmp(b + n - 7, ".policy") == 0)
		n -= 7;
	return xstrndup(b, n);
}

struct policy *
policy_load(const char *path, struct terr *e)
{
	struct policy *p = xcalloc(1, sizeof *p);
	FILE *f;
	char *buf = NULL, *k, *v, *eq;
	size_t cap = 0, i;
	long line = 0;
	const char *why;

	p->file = xstrdup(path);
	p->notice = 24 * 60;
	if (!(f = fopen(path, "r"))) {
		terr_set(e, path, 0, "cannot open policy: %s", strerror(errno));
		policy_free(p);
		return NULL;
	}
	while (getline(&buf, &cap, f) > 0) {
		line++;
		k = trim(buf);
		if (line == 1 && strncmp(k, "\xef\xbb\xbf", 3) == 0)
			k += 3; /* a UTF-8 byte order mark */
		if (*k == '#' || *k == '\0')
			continue;
		if ((eq = strchr(k, '#')) != NULL && eq > k && (eq[-1] == ' ' || eq[-1] == '\t'))
			*eq = '\0'; /* a trailing comment */
		k = trim(k);
		if (!(eq = strchr(k, '='))) {
			terr_set(e, path, line, "expected key = value");
			goto bad;
		}
		*eq = '\0';
		v = trim(eq + 1);
		k = trim(k);
		for (i = 0; i < PK_NKEYS && strcmp(keys[i], k) != 0; i++)
			;
		if (i == PK_NKEYS) {
			terr_set(e, path, line, "unknown key: %s", k);
			goto bad;
		}
		if (p->line[i]) {
			terr_set(e, path, line, "duplicate key: %s (first on line %ld)", k,
				 p->line[i]);
			goto bad;
		}
		p->line[i] = line;
		p->clause[i] = xmalloc(strlen(k) + strlen(v) + 4);
		sprintf(p->clause[i], "%s = %s", k, v);
		if ((why = parse_value(p, (enum policy_key)i, v)) != NULL) {
			terr_set(e, path, line, "%s: %s", k, why);
			goto bad;
		}
	}
	if (ferror(f)) {
		terr_set(e, path, 0, "read error: %s", strerror(errno));
		goto bad;
	}
	if ((why = check_policy(p, &line)) != NULL) {
		terr_set(e, path, line, "%s", why);
		goto bad;
	}
	if (!p->name)
		p->name = base_name(path);
	free(buf);
	fclose(f);
	return p;
bad:
	free(buf);
	fclose(f);
	policy_free(p);
	return NULL;
}

void
policy_free(struct policy *p)
{
	if (!p)
		return;
	for (int i = 0; i < PK_NKEYS; i++)
		free(p->clause[i]);
	free(p->name);
	free(p->file);
	free(p);
}

static bool
is_dir(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

char *
policy_sharedir(const char *sub)
{
	/* a source tree (bin/ beside share/), then a relocated install (PREFIX/share/tally) */
	static const char *const rel[] = {"/../share/", "/../share/tally/"};
	char exe[PATH_MAX], *path, *slash;
	ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);

	if (n > 0) {
		exe[n] = '\0';
		if ((slash = strrchr(exe, '/')) != NULL) {
			*slash = '\0';
			for (size_t i = 0; i < sizeof rel / sizeof *rel; i++) {
				path = xmalloc(strlen(exe) + strlen(rel[i]) + strlen(sub) + 1);
				sprintf(path, "%s%s%s", exe, rel[i], sub);
				if (is_dir(path))
					return path;
				free(path);
			}
		}
	}
	path = xmalloc(strlen(TALLY_SHAREDIR) + strlen(sub) + 2);
	sprintf(path, "%s/%s", TALLY_SHAREDIR, sub);
	return path;
}

struct policy *
policy_find(const char *dir, const char *name, size_t n, struct terr *e)
{
	struct policy *p;
	char *path;

	for (size_t i = 0; i < n; i++) {
		if (name[i] == '/' || name[i] == ' ' || (i == 0 && name[i] == '.')) {
			terr_set(e, NULL, 0, "bad policy name: %.*s", (int)n, name);
			return NULL;
		}
	}
	if (n == 0) {
		terr_set(e, NULL, 0, "empty policy name");
		return NULL;
	}
	path = xmalloc(strlen(dir) + n + 10);
	sprintf(path, "%s/%.*s.policy", dir, (int)n, name);
	if (access(path, F_OK) != 0) {
		terr_set(e, NULL, 0, "unknown policy: %.*s (no %s)", (int)n, name, path);
		free(path);
		return NULL;
	}
	p = policy_load(path, e);
	if (!p) {
		/* e->file is path, freed below: keep the message, name the file in it. */
		char msg[sizeof e->msg];
		long line = e->line;

		snprintf(msg, sizeof msg, "%s", e->msg);
		if (line > 0)
			terr_set(e, NULL, 0, "%s:%ld: %s", path, line, msg);
		else
			terr_set(e, NULL, 0, "%s: %s", path, msg);
	}
	free(path);
	return p;
}

const struct policy_fee *
policy_late_fee(const struct policy *p, long notice)
{
	if (p->nlate == 0)
		return NULL;
	if (notice < 0)
		return &p->late[p->nlate - 1];
	for (size_t i = 0; i < p->nlate; i++)
		if (notice < p->late[i].under)
			return &p->late[i];
	return NULL;
}

int
policy_fee_amount(const struct policy_fee *f, const struct amount *price, struct amount *out)
{
	int scale;

	if (!f->percent) {
		*out = f->amt;
		return 0;
	}
	/* rounded once, to the declared precision (or 2), not the one the file showed so far */
	scale = commodity_price_prec(price->com);
	return amount_percent(out, price, &f->amt, scale);
}

int
policy_charge(const struct policy *p, const struct policy_fee *f, const struct amount *price,
	      struct amount *out, bool *capped)
{
	struct amount cap;

	*capped = false;
	if (policy_fee_amount(f, price, out) < 0)
		return -1;
	if (!p->capped)
		return 0;
	if (policy_fee_amount(&p->cap, price, &cap) < 0)
		return -1;
	if (cap.com == out->com && amount_cmp(out, &cap) > 0) {
		*out = cap;
		*capped = true;
	}
	return 0;
}
