/*
 * chart.c: the chart of accounts tally writes to and reads from: the default accounts, the
 * options that rename them (one spelling per account, plus the older `-account` synonyms),
 * and the one rule that says whether an account is a client's account under a prefix.
 */
#include <string.h>
#include <strings.h>

#include "tally.h"
#include "internal.h"

static const char *const defaults[CH_N] = {
	"Assets:Unbilled", "Assets:Receivable", "Liabilities:Prepaid", "Liabilities:Deposits",
};

void
chart_init(struct chart *c)
{
	for (int k = 0; k < CH_N; k++)
		c->acct[k] = defaults[k];
}

bool
chart_option(struct chart *c, int opt, const char *arg)
{
	if (opt < CHART_OPT || opt >= CHART_OPT + CH_N)
		return false;
	c->acct[opt - CHART_OPT] = arg;
	return true;
}

void
chart_clients_opts(const struct chart *c, struct clients_opts *o)
{
	o->unbilled = c->acct[CH_UNBILLED];
	o->prepaid = c->acct[CH_PREPAID];
	o->deposits = c->acct[CH_DEPOSITS];
}

bool
chart_client(const char *prefix, size_t plen, const char *acct, size_t n, struct span *id)
{
	size_t e;

	while (plen && prefix[plen - 1] == ':')
		plen--;
	/* the first byte in either case (| 0x20) rules out most before strncasecmp */
	if (n <= plen + 1 || acct[plen] != ':' || (acct[0] | 0x20) != (prefix[0] | 0x20) ||
	    strncasecmp(acct, prefix, plen) != 0)
		return false;
	for (e = plen + 1; e < n && acct[e] != ':'; e++)
		;
	if (e == plen + 1)
		return false;
	if (id)
		*id = (struct span){acct + plen + 1, e - plen - 1};
	return true;
}

void
chart_under_init(struct chart_under *u, const char *prefix)
{
	u->prefix = prefix;
	u->plen = strlen(prefix);
	while (u->plen && prefix[u->plen - 1] == ':')
		u->plen--;
	u->nseen = 0;
}

/* chart_under past its first test: acct[plen] is the ':' after a prefix. */
bool
chart_under_at(struct chart_under *u, const char *acct, size_t n, struct span *id)
{
	size_t plen = u->plen;
	const char *colon;

	/* the prefix as the journal spells it, met before, is the same bytes again */
	if (u->nseen != plen || !same_bytes(acct, u->seen, plen)) {
		if (strncasecmp(acct, u->prefix, plen) != 0)
			return false;
		if (plen < sizeof u->seen) {
			memcpy(u->seen, acct, plen);
			u->nseen = plen;
		}
	}
	if (!(colon = memchr(acct + plen + 1, ':', n - plen - 1)))
		colon = acct + n;
	if (colon == acct + plen + 1)
		return false;
	if (id)
		*id = (struct span){acct + plen + 1, (size_t)(colon - acct) - plen - 1};
	return true;
}
