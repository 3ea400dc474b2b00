/*
 * policytext.c: a cancellation policy in plain words, the clauses an agreement prints and a
 * notice quotes. The sentences are English msgids translated by the catalog of the
 * document's language (catalog.c); a language the process has no catalog in use for reads
 * English. English grammar that no format can carry (the possessive "24 hours' notice")
 * is applied for English only.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "tally.h"

struct sbuf {
	char *p;
	size_t size, len;
};

static void __attribute__((format(printf, 2, 3)))
say(struct sbuf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (b->len >= b->size)
		return;
	va_start(ap, fmt);
	n = vsnprintf(b->p + b->len, b->size - b->len, fmt, ap);
	va_end(ap);
	if (n > 0)
		b->len += (size_t)n < b->size - b->len ? (size_t)n : b->size - b->len - 1;
}

/* Whether lang's catalog is the one in use: its words, else English. */
static bool
translated(const char *lang)
{
	return lang && catalog_lang() && strcmp(lang, catalog_lang()) == 0;
}

static const char *
T(const char *lang, const char *msgid)
{
	return translated(lang) ? catalog_tr(msgid) : msgid;
}

static const char *
NT(const char *lang, const char *one, const char *many, long n)
{
	return translated(lang) ? catalog_ntr(one, many, (unsigned long)n) : n == 1 ? one : many;
}

size_t
policy_format_duration(char *buf, size_t size, long mins, const char *lang)
{
	struct sbuf b = {buf, size, 0};
	long d = mins / 1440, h = mins % 1440 / 60, m = mins % 60;

	buf[0] = '\0';
	if (mins % 1440 == 0 && d > 3) { /* 48 hours reads better than 2 days */
		say(&b, NT(lang, "%ld day", "%ld days", d), d);
		return b.len;
	}
	h += d * 24;
	if (h)
		say(&b, NT(lang, "%ld hour", "%ld hours", h), h);
	if (m) {
		if (h)
			say(&b, " ");
		say(&b, NT(lang, "%ld minute", "%ld minutes", m), m);
	}
	if (!h && !m)
		say(&b, "%s", T(lang, "0 hours"));
	return b.len;
}

/* A duration before "notice": English takes the possessive, "24 hours'", "1 hour's". */
static void
notice_duration(char *d, size_t size, long mins, const char *lang)
{
	size_t n = policy_format_duration(d, size, mins, lang);

	if (!translated(lang) || strcmp(lang, "en") == 0)
		if (n && n + 3 < size)
			strcpy(d + n, d[n - 1] == 's' ? "'" : "'s");
}

/* A percentage's number with lang's decimal mark: "50", "12,5". */
static void
percent_number(char *buf, size_t size, const struct policy_fee *f, const char *lang)
{
	const char *dec = translated(lang) ? catalog_get("number", "decimal-mark") : NULL;

	amount_format_plain(buf, size, &f->amt);
	if (dec && *dec)
		for (char *c = buf; *c; c++)
			if (*c == '.')
				*c = *dec;
}

/* A fee: "50% of the session fee" or "30.00 EUR", the number as lang writes it. */
static void
fee_words(char *buf, size_t size, const struct policy_fee *f, const char *lang)
{
	char num[AMOUNT_BUF];

	if (!f->percent) {
		amount_format_lang(buf, size, &f->amt, lang);
		return;
	}
	percent_number(num, sizeof num, f, lang);
	snprintf(buf, size, T(lang, "%s%% of the session fee"), num);
}

/* The grace's period: "month", "6 months", "year", "2 weeks". */
static void
grace_period(char *buf, size_t size, const struct policy *p, const char *lang)
{
	long n = p->grace_every;
	const char *f;

	if (p->grace_unit == 'm' && n % 12 == 0) {
		n /= 12;
		f = n == 1 ? T(lang, "year") : NT(lang, "%ld year", "%ld years", n);
	} else if (p->grace_unit == 'm') {
		f = n == 1 ? T(lang, "month") : NT(lang, "%ld month", "%ld months", n);
	} else if (n % 7 == 0) {
		n /= 7;
		f = n == 1 ? T(lang, "week") : NT(lang, "%ld week", "%ld weeks", n);
	} else {
		f = n == 1 ? T(lang, "day") : NT(lang, "%ld day", "%ld days", n);
	}
	if (n == 1)
		snprintf(buf, size, "%s", f);
	else
		snprintf(buf, size, f, n);
}

size_t
policy_clause(const struct policy *p, enum policy_key k, const char *lang, char *buf,
	      size_t size)
{
	struct sbuf b = {buf, size, 0};
	char dur[64], fee[AMOUNT_BUF + 64], per[64];

	buf[0] = '\0';
	switch (k) {
	case PK_NAME:
		say(&b, "%s", p->name);
		break;
	case PK_NOTICE:
		notice_duration(dur, sizeof dur, p->notice, lang);
		say(&b, T(lang, "Cancellations need at least %s notice before the session starts; "
			  "with that much notice nothing is charged."), dur);
		break;
	case PK_LATE:
		if (p->nlate == 0 || (p->nlate == 1 && amount_is_zero(&p->late[0].amt))) {
			say(&b, "%s", T(lang, "A late cancellation is not charged."));
			break;
		}
		for (size_t i = p->nlate; i-- > 0;) {
			notice_duration(dur, sizeof dur, p->late[i].under, lang);
			fee_words(fee, sizeof fee, &p->late[i], lang);
			if (i != p->nlate - 1)
				say(&b, " ");
			say(&b, T(lang, "A cancellation with less than %s notice is charged %s."), dur,
			    fee);
		}
		break;
	case PK_NOSHOW:
		if (amount_is_zero(&p->noshow.amt)) {
			say(&b, "%s", T(lang, "A missed session (no-show) is not charged."));
			break;
		}
		fee_words(fee, sizeof fee, &p->noshow, lang);
		say(&b, T(lang, "A missed session without notice (no-show) is charged %s."), fee);
		break;
	case PK_CAP:
		if (!p->capped)
			break;
		fee_words(fee, sizeof fee, &p->cap, lang);
		say(&b, T(lang, "No cancellation fee is more than %s."), fee);
		break;
	case PK_GRACE:
		if (p->grace == 0) {
			say(&b, "%s", T(lang, "Fees apply from the first late cancellation or no-show."));
		} else if (p->grace_every) {
			grace_period(per, sizeof per, p, lang);
			say(&b, NT(lang, "%d late cancellation or no-show every %s is waived, with a "
				   "reminder of this policy.", "%d late cancellations or no-shows every "
				   "%s are waived, with a reminder of this policy.", p->grace),
			    p->grace, per);
		} else if (p->grace == 1) {
			say(&b, "%s", T(lang, "The first late cancellation or no-show is waived, with "
				       "a reminder of this policy."));
		} else {
			say(&b, T(lang, "The first %d late cancellations or no-shows are waived, with "
				  "a reminder of this policy."), p->grace);
		}
		break;
	case PK_PREPAID:
		say(&b, "%s", p->forfeit ?
		    T(lang, "A prepaid session cancelled late or missed is forfeited: it counts "
			  "as used.") :
		    T(lang, "A prepaid session cancelled late or missed stays in the package; any "
			  "fee is invoiced separately."));
		break;
	case PK_DEPOSIT:
		if (amount_is_zero(&p->deposit.amt)) {
			say(&b, "%s", T(lang, "No deposit is required."));
		} else if (p->deposit.percent) {
			percent_number(fee, sizeof fee, &p->deposit, lang);
			say(&b, T(lang, "A deposit of %s%% of the next session fee is held; a late "
				  "cancellation or no-show forfeits it first."), fee);
		} else {
			fee_words(fee, sizeof fee, &p->deposit, lang);
			say(&b, T(lang, "A deposit of %s is held; a late cancellation or no-show "
				  "forfeits it first."), fee);
		}
		break;
	case PK_PROVIDER:
		if (amount_is_zero(&p->provider.amt)) {
			say(&b, "%s", T(lang, "If the provider cancels, nothing is charged."));
			break;
		}
		fee_words(fee, sizeof fee, &p->provider, lang);
		say(&b, T(lang, "If the provider cancels, nothing is charged and the client is "
			  "credited %s."), fee);
		break;
	case PK_WAIVED:
		say(&b, "%s", p->waived_package ?
		    T(lang, "A session given free (waived:) uses a prepaid package session when "
			  "one is left.") :
		    T(lang, "A session given free (waived:) is not charged and uses no package "
			  "credit."));
		break;
	case PK_NKEYS:
		break;
	}
	return b.len;
}
