/*
 * tax.c: the taxes on an invoice. tally.conf names one tax added to the base (VAT, IVA:
 * `tax-name`, `tax-rate`, `tax-account`, `tax-exempt` for the exemption wording) and one
 * withheld from it by the client (IRPF: `withholding-name`, `withholding-rate`,
 * `withholding-account`). A client's `tax-rate:` or `withholding-rate:` tag (a percent, or
 * `exempt`) overrides the rate for that client. Amounts are exact; each tax is rounded half
 * away from zero at the commodity's precision, once per invoice.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "tally.h"

/* A percent from 0 to 100 ("21", "7.5"), or "exempt" (the tax at rate 0, with wording). */
int
tax_rate_parse(const char *s, size_t n, struct amount *rate, bool *exempt)
{
	struct amount hundred = {100, 0, 0};

	*exempt = n == 6 && strncasecmp(s, "exempt", 6) == 0;
	if (*exempt) {
		*rate = (struct amount){0, 0, 0};
		return 0;
	}
	if (amount_parse_plain(s, n, rate) < 0 || amount_sign(rate) < 0 ||
	    amount_cmp(rate, &hundred) > 0)
		return -1;
	rate->com = 0;
	return 0;
}

static int
rule(const struct conf *c, const char *what, const char *name0, const char *acct0,
     struct tax_rule *r, struct terr *e)
{
	char key[64];
	const char *v;

	*r = (struct tax_rule){0};
	/* name and account stand even without a rate: a client's own rate uses them */
	snprintf(key, sizeof key, "%s-name", what);
	snprintf(r->name, sizeof r->name, "%s", conf_get(c, key) ? conf_get(c, key) : name0);
	snprintf(key, sizeof key, "%s-account", what);
	if ((v = conf_get(c, key)))
		snprintf(r->account, sizeof r->account, "%s", v);
	else
		snprintf(r->account, sizeof r->account, "%s:%s", acct0, r->name);
	snprintf(key, sizeof key, "%s-rate", what);
	if (!(v = conf_get(c, key)))
		return 0;
	if (tax_rate_parse(v, strlen(v), &r->rate, &r->exempt) < 0) {
		terr_set(e, conf_file(c), 0, "%s: not a percent from 0 to 100 or exempt: %s", key,
			 v);
		return -1;
	}
	r->set = true;
	return 0;
}

int
taxes_conf(const struct conf *c, struct taxes *t, struct terr *e)
{
	if (rule(c, "tax", "VAT", "Liabilities:Tax", &t->tax, e) < 0 ||
	    rule(c, "withholding", "Withholding", "Assets:Tax", &t->wh, e) < 0)
		return -1;
	t->exempt_text = conf_get(c, "tax-exempt");
	return 0;
}

/* What the rate takes from base, rounded at the commodity's precision. */
static int
part(const struct tax_rule *r, const struct amount *base, struct amount *out)
{
	int prec = commodity_style(base->com)->prec;

	if (amount_percent(out, base, &r->rate, prec < base->scale ? base->scale : prec) < 0)
		return -1;
	out->com = base->com;
	return 0;
}

int
taxes_apply(const struct taxes *t, const struct amount *base, struct amount *tax,
	    struct amount *wh, struct amount *total)
{
	struct amount neg;

	*tax = (struct amount){0, base->scale, base->com};
	*wh = *tax;
	if ((t->tax.set && part(&t->tax, base, tax) < 0) ||
	    (t->wh.set && part(&t->wh, base, wh) < 0) || amount_add(total, base, tax) < 0)
		return -1;
	neg = *wh;
	amount_neg(&neg);
	return amount_add(total, total, &neg);
}

size_t
tax_label(char *buf, size_t size, const struct tax_rule *r)
{
	char pct[AMOUNT_BUF];
	struct amount p = r->rate;

	amount_normalize(&p, 0);
	amount_format_plain(pct, sizeof pct, &p);
	return (size_t)snprintf(buf, size, r->exempt ? "%s exempt" : "%s %s%%", r->name, pct);
}
