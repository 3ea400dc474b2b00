/*
 * clients.c: the per-client book that pricing and reporting commands keep while the journal
 * streams past: rate and policy history, prepaid packages and how much of each is used,
 * deposits held, payment terms and the payer pattern. It learns from every entry
 * (clients_observe) and answers for a date, so memory follows the number of clients and
 * their open packages, never the number of entries.
 *
 * Package credit and deposits are in packages.c; the book (book.c) orders events by date.
 */
#include <stdlib.h>
#include <string.h>

#include "bookint.h"
#include "tagwalk.h"

static const char *const default_prefix[C_NACCT] = {
	"Assets:Unbilled", "Liabilities:Prepaid", "Liabilities:Deposits",
};

struct clients *
clients_new(const struct clients_opts *o)
{
	struct clients *b = xcalloc(1, sizeof *b);
	const char *given[C_NACCT] = {o ? o->unbilled : NULL, o ? o->prepaid : NULL,
				      o ? o->deposits : NULL};

	for (int i = 0; i < C_NACCT; i++) {
		const char *p = given[i] ? given[i] : default_prefix[i];
		size_t n = strlen(p);

		while (n && p[n - 1] == ':')
			n--;
		b->prefix[i] = xstrndup(p, n);
		b->plen[i] = n;
		b->low[i] = xmalloc(n + 1);
		b->fold[i] = xmalloc(n + 1);
		for (size_t k = 0; k < n; k++) {
			unsigned char ch = (unsigned char)p[k];
			bool letter = (ch | 0x20) >= 'a' && (ch | 0x20) <= 'z';

			b->low[i][k] = (char)(letter ? ch | 0x20 : ch);
			b->fold[i][k] = letter ? 0x20 : 0;
		}
		b->low[i][n] = b->fold[i][n] = 0;
		/* the first byte as it is, and its capital when a letter */
		b->first[(unsigned char)b->low[i][0]] |= (uint8_t)(1u << i);
		b->first[(unsigned char)(b->low[i][0] ^ b->fold[i][0])] |= (uint8_t)(1u << i);
	}
	b->ids = strmap_new();
	b->spelled = strmap_new();
	return b;
}

static void
client_free(struct client *c)
{
	free(c->id);
	free(c->name);
	free(c->rates);
	for (size_t i = 0; i < c->npolicies; i++)
		free(c->policies[i].name);
	free(c->policies);
	client_packages_free(c);
	free(c->waivers);
	free(c->billto);
	free(c->payer);
	free(c->termsv);
	for (int i = 0; i < C_NACCT; i++)
		free(c->acct[i]);
	free(c);
}

void
clients_free(struct clients *b)
{
	if (!b)
		return;
	for (size_t i = 0; i < b->n; i++)
		client_free(b->list[i]);
	for (int i = 0; i < C_NACCT; i++) {
		free(b->prefix[i]);
		free(b->low[i]);
		free(b->fold[i]);
	}
	strmap_free(b->ids, NULL);
	strmap_free(b->spelled, NULL);
	spelt_free(&b->cache);
	free(b->list);
	free(b);
}

/*
 * Latin letters with diacritics as two-byte UTF-8 (U+00C0..U+017F) fold to their ASCII base
 * letter, so that `client: Théo Keller` and `Assets:Unbilled:theo-keller` name one client.
 */
static const char fold_c0[] =		/* U+00C0..U+00FF */
	"aaaaaaaceeeeiiiidnooooo-ouuuuyts"
	"aaaaaaaceeeeiiiidnooooo-ouuuuyty";
static const char fold_100[] =		/* U+0100..U+017F */
	"aaaaaaccccccccddddeeeeeeeeeegggggggghhhhiiiiiiiiiijjjjkkklllllll"
	"lllnnnnnnnnnoooooooorrrrrrssssssssttttttuuuuuuuuuuuuwwyyyzzzzzzs";
_Static_assert(sizeof fold_c0 == 64 + 1 && sizeof fold_100 == 128 + 1, "fold tables");

size_t
clients_slug(struct span in, char *buf, size_t size)
{
	size_t n = 0;
	bool dash = false;

	for (size_t i = 0; i < in.n && n + 1 < size; i++) {
		unsigned char ch = (unsigned char)in.p[i];
		char out = 0;

		if (ch >= 'A' && ch <= 'Z')
			out = (char)(ch - 'A' + 'a');
		else if ((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '.')
			out = (char)ch;
		else if (ch == ' ' || ch == '-' || ch == '_' || ch == '\t')
			dash = n > 0;
		else if ((ch == 0xc3 || ch == 0xc4 || ch == 0xc5) && i + 1 < in.n) {
			unsigned cp = ((ch & 0x1fu) << 6) | ((unsigned char)in.p[i + 1] & 0x3fu);

			i++;
			if (cp >= 0xc0 && cp < 0x100)
				out = fold_c0[cp - 0xc0];
			else if (cp >= 0x100 && cp < 0x180)
				out = fold_100[cp - 0x100];
			if (out == '-')
				out = 0;
			if (cp == 0xdf || cp == 0xc6 || cp == 0xe6 || cp == 0x153 || cp == 0x152) {
				/* ß, Æ, æ, Œ, œ spell as two letters */
				if (dash && n + 2 < size)
					buf[n++] = '-';
				dash = false;
				if (n + 2 < size) {
					buf[n++] = cp == 0xdf ? 's' : cp == 0xc6 || cp == 0xe6 ? 'a' : 'o';
					buf[n++] = cp == 0xdf ? 's' : 'e';
				}
				continue;
			}
		} else if (ch >= 0x80)
			out = (char)ch;	/* other scripts are kept as they are */
		if (!out)
			continue;
		if (dash && n + 2 < size)
			buf[n++] = '-';
		dash = false;
		buf[n++] = out;
	}
	if (size)
		buf[n] = '\0';
	return n;
}

struct client *
clients_spell(struct clients *b, struct span name, bool create)
{
	char id[CLIENT_ID_MAX + 2];
	size_t n, i;
	long k = name.n ? strmap_find(b->spelled, name.p, name.n) : -1;
	struct client *c;

	if (k >= 0) {
		c = *strmap_value(b->spelled, (size_t)k);
		spelt_put(&b->cache, name, c->index);
		return c;
	}
	if ((n = clients_slug(name, id, sizeof id)) == 0 || n > CLIENT_ID_MAX)
		return NULL;
	if ((k = strmap_find(b->ids, id, n)) >= 0) {
		c = b->list[k];
	} else if (!create) {
		return NULL;
	} else {
		i = strmap_add(b->ids, id, n, NULL);
		c = xcalloc(1, sizeof *c);
		c->id = xstrndup(id, n);
		c->idlen = n;
		c->name = span_dup(name);
		c->terms = -1;
		c->first_pk_date = DATE_NONE;
		c->index = i;
		if (b->n == b->listcap) {
			b->listcap = b->listcap ? 2 * b->listcap : 16;
			b->list = xrealloc(b->list, b->listcap * sizeof *b->list);
		}
		b->list[b->n++] = c;
	}
	i = strmap_add(b->spelled, name.p, name.n, NULL);
	*strmap_value(b->spelled, i) = c;
	spelt_put(&b->cache, name, c->index);
	return c;
}

struct client *
clients_of_tags(struct clients *b, const struct client_tags *tg)
{
	struct span v = clients_tag(tg, CT_CLIENT);

	return v.p ? clients_lookup(b, v, true) : NULL;
}

struct client *
clients_find(struct clients *b, struct span id)
{
	return clients_lookup(b, id, false);
}

struct client *
clients_get(struct clients *b, struct span id)
{
	return clients_lookup(b, id, true);
}

/* The tags this module reads, in the order of enum ctag, with their lengths. */
#define TAG(s) {s, sizeof s - 1}
static const struct {
	const char *name;
	size_t n;
} tag_names[CT_N] = {
	TAG("client"), TAG("session"), TAG("rate"), TAG("policy"), TAG("terms"), TAG("payer"),
	TAG("package"), TAG("expires"), TAG("expired"), TAG("signed"), TAG("minutes"),
	TAG("duration"), TAG("time"), TAG("cancelled-at"), TAG("waived"), TAG("bill-to"),
	TAG("price"),
};
#undef TAG

/* Each key is compared once: its length and first letter pick the names it may be. */
static int
collect(struct span key, struct span value, void *arg)
{
	struct client_tags *tg = arg;

	/* a cheap first-letter filter: most tags in a journal are none of ours */
	if (!key.n || !memchr("cseprtmdwb", key.p[0], 10))
		return 0;
	for (int k = 0; k < CT_N; k++) {
		if (tag_names[k].n != key.n || tag_names[k].name[0] != key.p[0] || tg->v[k].p ||
		    memcmp(tag_names[k].name, key.p, key.n) != 0)
			continue;
		tg->v[k] = value;
		if (!tg->v[k].p)
			tg->v[k].p = "";
		break;
	}
	return 0;
}

void
clients_tags(const struct txn *t, struct client_tags *tg)
{
	memset(tg, 0, sizeof *tg);
	/* tag_walk inline: collect is called directly, not through a pointer */
	if (t->comment.p)
		tag_walk(t->comment, t->comment.p + t->comment.n, collect, NULL, tg);
}

size_t
clients_count(const struct clients *b)
{
	return b->n;
}

struct client *
clients_at(const struct clients *b, size_t i)
{
	return i < b->n ? b->list[i] : NULL;
}

const char *
client_account_name(struct clients *b, struct client *c, enum cacct which)
{
	if (!c->acct[which]) {
		size_t n = b->plen[which] + 1 + strlen(c->id) + 1;

		c->acct[which] = xmalloc(n);
		snprintf(c->acct[which], n, "%s:%s", b->prefix[which], c->id);
	}
	return c->acct[which];
}

int
client_rate_at(const struct client *c, tdate d, long minutes, struct amount *price)
{
	const struct client_rate *r = NULL;
	struct amount m, x, rem;
	long div;
	int prec;

	for (size_t i = 0; i < c->nrates && c->rates[i].from <= d; i++)
		r = &c->rates[i];
	if (!r)
		return -1;
	if (!r->per_hour) {
		*price = r->amt;
		return 0;
	}
	if (minutes < 0)
		return -2;
	/* rate * minutes / 60, rounded once, half away from zero, at the price precision */
	prec = commodity_price_prec(r->amt.com);
	m = (struct amount){minutes, 0, 0};
	if (amount_mul(&x, &r->amt, &m) < 0)
		return -3;
	amount_normalize(&x, prec);
	if (amount_rescale(&x, prec) < 0 || x.scale - prec > 16)
		return -3;
	for (div = 60; x.scale > prec; x.scale--)
		div *= 10;
	if (amount_div_int(price, &x, div, &rem) < 0)
		return -3;
	if (rem.q * 2 >= div || rem.q * 2 <= -div)
		price->q += rem.q < 0 ? -1 : 1;
	price->scale = prec;
	price->com = r->amt.com;
	return 0;
}

const char *
client_policy_at(const struct client *c, tdate d)
{
	const char *name = NULL;

	for (size_t i = 0; i < c->npolicies && c->policies[i].from <= d; i++)
		name = c->policies[i].name;
	return name;
}

int
client_terms_at(const struct client *c, tdate d)
{
	int days = -1;

	for (size_t i = 0; i < c->nterms && c->termsv[i].from <= d; i++)
		days = c->termsv[i].days;
	return days;
}

/* clients_kind_of of tags the vocabulary did not parse: by name. */
enum session_kind
clients_kind_read(const struct client_tags *tg)
{
	static const char *const names[] = {
		[SESSION_HELD] = "held", [SESSION_CANCELLED] = "cancelled",
		[SESSION_LATE] = "late-cancel", [SESSION_NOSHOW] = "no-show",
		[SESSION_PROVIDER] = "provider-cancel",
	};
	struct span v = clients_tag(tg, CT_SESSION);

	for (int k = SESSION_HELD; k <= SESSION_PROVIDER; k++)
		if (span_eq(v, names[k]))
			return k;
	return SESSION_OTHER;
}

/* Reads a leading count ("10", "10 sessions"): the number, or -1. */
long
leading_count(struct span v)
{
	long n = 0;
	size_t i = 0;

	while (i < v.n && v.p[i] >= '0' && v.p[i] <= '9' && n < 100000000)
		n = n * 10 + (v.p[i++] - '0');
	if (i == 0 || (i < v.n && v.p[i] != ' ' && v.p[i] != '\t'))
		return -1;
	return n;
}

/* clients_minutes_of of tags the vocabulary did not parse. */
long
clients_minutes_read(const struct client_tags *tg)
{
	struct vval v;

	if (clients_has(tg, CT_MINUTES))
		return vocab_parse(VT_MINUTES, clients_tag(tg, CT_MINUTES), &v) < 0 ? -2 : v.n;
	if (clients_has(tg, CT_DURATION))
		return vocab_parse(VT_DURATION, clients_tag(tg, CT_DURATION), &v) < 0 ? -2 : v.n;
	return -1;
}

static int
add_rate(struct client *c, tdate from, struct span v, const struct jitem *it, struct terr *e)
{
	struct client_rate r = {from, {0, 0, 0}, false};
	struct vval rv;
	size_t i;

	if (vocab_parse(VT_RATE, v, &rv) < 0) {
		vocab_bad(e, it, VT_RATE, v);
		return -1;
	}
	r.amt = rv.amt;
	r.per_hour = rv.per_hour;
	c->rates = xrealloc(c->rates, (c->nrates + 1) * sizeof *c->rates);
	for (i = c->nrates; i > 0 && c->rates[i - 1].from > from; i--)
		c->rates[i] = c->rates[i - 1];
	c->rates[i] = r;
	c->nrates++;
	return 0;
}

static void
add_policy(struct client *c, tdate from, struct span v)
{
	size_t i;

	c->policies = xrealloc(c->policies, (c->npolicies + 1) * sizeof *c->policies);
	for (i = c->npolicies; i > 0 && c->policies[i - 1].from > from; i--)
		c->policies[i] = c->policies[i - 1];
	c->policies[i].from = from;
	c->policies[i].name = span_dup(v);
	c->npolicies++;
}

static void
add_terms(struct client *c, tdate from, int days)
{
	size_t i;

	c->termsv = xrealloc(c->termsv, (c->nterms + 1) * sizeof *c->termsv);
	for (i = c->nterms; i > 0 && c->termsv[i - 1].from > from; i--)
		c->termsv[i] = c->termsv[i - 1];
	c->termsv[i] = (struct client_days){from, days};
	c->nterms++;
	c->terms = c->termsv[c->nterms - 1].days;  /* the latest by date */
}

/* The tags that set a client's terms: rate, policy, terms, payer. */
int
observe_terms(const struct client_tags *tg, const struct jitem *it, struct client *c,
	      struct terr *e)
{
	const struct txn *t = it->txn;
	struct span v;

	if ((v = clients_tag(tg, CT_RATE)).p && add_rate(c, t->date, v, it, e) < 0)
		return -1;
	if ((v = clients_tag(tg, CT_POLICY)).p && v.n)
		add_policy(c, t->date, v);
	if ((v = clients_tag(tg, CT_TERMS)).p) {
		struct vval tv;

		if (vocab_parse(VT_TERMS, v, &tv) < 0) {
			vocab_bad(e, it, VT_TERMS, v);
			return -1;
		}
		add_terms(c, t->date, (int)tv.n);
	}
	/* date order, whatever the order in the file: of one date, the last written */
	if ((v = clients_tag(tg, CT_PAYER)).p && v.n && (!c->payer || t->date >= c->payer_from)) {
		free(c->payer);
		c->payer = span_dup(v);
		c->payer_from = t->date;
	}
	return 0;
}
