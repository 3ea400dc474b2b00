/*
 * clients.c: the per-client book that pricing and reporting commands keep while the journal
 * streams past: rate and policy history, prepaid packages and how much of each is used,
 * deposits held, payment terms and the payer pattern. It learns from every entry
 * (clients_observe) and answers for a date, so memory follows the number of clients and
 * their open packages, never the number of entries.
 *
 * The journal is taken to be in date order: packages are consumed in file order.
 */
#include <stdlib.h>
#include <string.h>

#include "tally.h"

struct clients {
	char *prefix[C_NACCT];  /* account prefixes, without the trailing ':' */
	size_t plen[C_NACCT];
	struct client **tab;    /* open-addressing hash on the id */
	size_t cap;
	struct client **list;   /* in order of first appearance */
	size_t n, listcap;
	tdate min_expiry;       /* earliest expiry not yet handed out by clients_next_expired */
	struct client_pricing priced; /* the last item's, when it was an unpriced held session */
	struct {                /* names as written -> client: saves slugging every posting */
		char *raw;
		size_t n;
		struct client *c;
	} cache[64];
};

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
	}
	b->cap = 64;
	b->tab = xcalloc(b->cap, sizeof *b->tab);
	b->min_expiry = DATE_NONE;
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
	free(c->pk);
	free(c->payer);
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
	for (int i = 0; i < C_NACCT; i++)
		free(b->prefix[i]);
	for (size_t i = 0; i < sizeof b->cache / sizeof *b->cache; i++)
		free(b->cache[i].raw);
	free(b->list);
	free(b->tab);
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

static size_t
hash(const char *s, size_t n)
{
	size_t h = 2166136261u;

	for (size_t i = 0; i < n; i++)
		h = (h ^ (unsigned char)s[i]) * 16777619u;
	return h;
}

static struct client **
slot(const struct clients *b, const char *id, size_t n)
{
	size_t i = hash(id, n) & (b->cap - 1);

	while (b->tab[i] && !(strlen(b->tab[i]->id) == n && memcmp(b->tab[i]->id, id, n) == 0))
		i = (i + 1) & (b->cap - 1);
	return &b->tab[i];
}

static struct client *
lookup(struct clients *b, struct span name, bool create)
{
	char id[256];
	size_t n, h = hash(name.p, name.n) % (sizeof b->cache / sizeof *b->cache);
	struct client **s, *c;

	if (b->cache[h].raw && b->cache[h].n == name.n &&
	    memcmp(b->cache[h].raw, name.p, name.n) == 0)
		return b->cache[h].c;
	if ((n = clients_slug(name, id, sizeof id)) == 0)
		return NULL;
	s = slot(b, id, n);
	if (*s) {
		free(b->cache[h].raw);
		b->cache[h].raw = xstrndup(name.p, name.n);
		b->cache[h].n = name.n;
		b->cache[h].c = *s;
	}
	if (*s || !create)
		return *s;
	c = xcalloc(1, sizeof *c);
	c->id = xstrndup(id, n);
	c->name = span_dup(name);
	c->terms = -1;
	c->first_pk_date = DATE_NONE;
	*s = c;
	c->index = b->n;
	if (b->n == b->listcap) {
		b->listcap = b->listcap ? 2 * b->listcap : 16;
		b->list = xrealloc(b->list, b->listcap * sizeof *b->list);
	}
	b->list[b->n++] = c;
	if (2 * b->n >= b->cap) {
		struct client **old = b->tab;
		size_t oldcap = b->cap;

		b->cap *= 2;
		b->tab = xcalloc(b->cap, sizeof *b->tab);
		for (size_t i = 0; i < oldcap; i++)
			if (old[i])
				*slot(b, old[i]->id, strlen(old[i]->id)) = old[i];
		free(old);
	}
	return c;
}

struct client *
clients_find(struct clients *b, struct span id)
{
	return lookup(b, id, false);
}

struct client *
clients_get(struct clients *b, struct span id)
{
	return lookup(b, id, true);
}

/* The tags this module reads, in the order of enum ctag. */
static const char *const tag_names[CT_N] = {
	"client", "session", "rate", "policy", "terms", "payer", "package", "expires", "expired",
	"signed", "minutes", "duration", "time", "cancelled-at",
};

static int
collect(struct span key, struct span value, void *arg)
{
	struct client_tags *tg = arg;

	/* a cheap first-letter filter: most tags in a journal are none of ours */
	if (!key.n || !strchr("cseprtmd", key.p[0]))
		return 0;
	for (int k = 0; k < CT_N; k++) {
		if (tg->v[k].p || strlen(tag_names[k]) != key.n ||
		    memcmp(tag_names[k], key.p, key.n) != 0)
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
	tag_each(t->comment, collect, tg);
}

struct client *
clients_of(struct clients *b, const struct txn *t)
{
	struct client_tags tg;

	clients_tags(t, &tg);
	return clients_of_tags(b, &tg);
}

struct client *
clients_of_tags(struct clients *b, const struct client_tags *tg)
{
	return tg->v[CT_CLIENT].p ? lookup(b, tg->v[CT_CLIENT], true) : NULL;
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

/* Which of the book's accounts a posting is in, and the client it names; -1 for none. */
static int
classify(const struct clients *b, const struct posting *p, struct span *who)
{
	for (int k = 0; k < C_NACCT; k++) {
		size_t pl = b->plen[k];

		if (p->acct_len <= pl + 1 || p->acct[pl] != ':' ||
		    strncasecmp(p->acct, b->prefix[k], pl) != 0)
			continue;
		who->p = p->acct + pl + 1;
		who->n = p->acct_len - pl - 1;
		for (size_t i = 0; i < who->n; i++)
			if (who->p[i] == ':')
				who->n = i;
		return who->n ? k : -1;
	}
	return -1;
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

/* The price of a package's next session: the unit, or what is left for the last one. */
static int
next_price(const struct client_package *k, struct amount *price)
{
	struct amount unit, rest = k->price;
	int prec = commodity_style(k->price.com)->prec;

	if (k->sessions - k->used <= 1) {
		struct amount s = k->spent;

		amount_neg(&s);
		return amount_add(price, &rest, &s);
	}
	if (amount_rescale(&rest, prec) < 0 || amount_div_int(&unit, &rest, k->sessions, NULL) < 0)
		return -1;
	*price = unit;
	return 0;
}

static bool
live(const struct client_package *k, tdate d)
{
	return !k->lapsed && k->used < k->sessions &&
	       (k->expires == DATE_NONE || d == DATE_NONE || d <= k->expires);
}

/* Drops packages at the front of the queue that can no longer be used or reported. */
static void
compact(struct client *c)
{
	size_t k = 0;

	while (k < c->npk && (c->pk[k].lapsed || c->pk[k].used >= c->pk[k].sessions))
		k++;
	if (k) {
		memmove(c->pk, c->pk + k, (c->npk - k) * sizeof *c->pk);
		c->npk -= k;
	}
}

static struct client_package *
oldest_live(struct client *c, tdate d)
{
	for (size_t i = 0; i < c->npk; i++)
		if (live(&c->pk[i], d))
			return &c->pk[i];
	return NULL;
}

bool
client_package_next(struct client *c, tdate d, struct amount *price)
{
	struct client_package *k = oldest_live(c, d);

	return k && next_price(k, price) == 0;
}

bool
client_package_take(struct client *c, tdate d, struct amount *price)
{
	struct client_package *k = oldest_live(c, d);
	struct amount p;

	if (!k || next_price(k, &p) < 0 || amount_add(&k->spent, &k->spent, &p) < 0)
		return false;
	k->used++;
	c->used++;
	if (price)
		*price = p;
	compact(c);
	return true;
}

long
client_package_left(const struct client *c, tdate d, struct amount *money)
{
	long n = 0;
	struct amount m = {0, 0, 0};

	for (size_t i = 0; i < c->npk; i++) {
		const struct client_package *k = &c->pk[i];
		struct amount s = k->spent;

		if (!live(k, d))
			continue;
		n += k->sessions - k->used;
		amount_neg(&s);
		if (amount_add(&m, &m, &k->price) < 0 || amount_add(&m, &m, &s) < 0)
			continue;
	}
	if (money)
		*money = m;
	return n;
}

struct client_package *
clients_next_expired(struct clients *b, tdate d, struct client **who)
{
	tdate min = DATE_NONE;

	if (b->min_expiry == DATE_NONE || d <= b->min_expiry)
		return NULL;
	for (size_t i = 0; i < b->n; i++) {
		struct client *c = b->list[i];

		for (size_t k = 0; k < c->npk; k++) {
			struct client_package *p = &c->pk[k];

			if (p->expires == DATE_NONE || p->expiry_seen || p->lapsed ||
			    p->used >= p->sessions)
				continue;
			if (p->expires < d) {
				p->expiry_seen = true;
				*who = c;
				return p;
			}
			if (min == DATE_NONE || p->expires < min)
				min = p->expires;
		}
	}
	b->min_expiry = min;
	return NULL;
}

int
client_package_lapse(struct client *c, struct client_package *k, struct amount *left)
{
	struct amount s = k->spent, l;

	amount_neg(&s);
	if (amount_add(&l, &k->price, &s) < 0)
		return -1;
	k->spent = k->price;
	k->lapsed = true;
	c->lapsed += k->sessions - k->used;
	if (left)
		*left = l;
	compact(c);
	return 0;
}

bool
client_deposit(const struct client *c, struct amount *held)
{
	struct amount h = c->deposit;

	amount_neg(&h);
	if (held)
		*held = h;
	return amount_sign(&h) > 0;
}

int
client_deposit_take(struct client *c, const struct amount *max, struct amount *taken)
{
	struct amount h;

	if (!client_deposit(c, &h) || h.com != max->com || amount_sign(max) <= 0) {
		*taken = (struct amount){0, 0, max->com};
		return 0;
	}
	*taken = amount_cmp(&h, max) < 0 ? h : *max;
	return amount_add(&c->deposit, &c->deposit, taken);
}

int
client_rate_at(const struct client *c, tdate d, long minutes, struct amount *price)
{
	const struct client_rate *r = NULL;
	struct amount m, x, rem;

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
	/* rate * minutes / 60, rounded half away from zero at the commodity's precision */
	m = (struct amount){minutes, 0, 0};
	x = r->amt;
	if (amount_rescale(&x, commodity_style(x.com)->prec) < 0 || amount_mul(&x, &x, &m) < 0 ||
	    amount_div_int(price, &x, 60, &rem) < 0)
		return -3;
	if (rem.q * 2 >= 60 || rem.q * 2 <= -60)
		price->q += rem.q < 0 ? -1 : 1;
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
clients_pricing_error(const struct client_pricing *r, const struct jitem *it, struct terr *e)
{
	char day[11];

	date_format(day, it->txn->date);
	switch (r->rc) {
	case CP_OK:
		return 0;
	case CP_NO_CLIENT:
		terr_set(e, it->file, it->line, "session without a client: tag");
		break;
	case CP_NO_RATE:
		terr_set(e, it->file, it->line, "no rate for %s on %s and no package credit",
			 r->c->id, day);
		break;
	case CP_NO_MINUTES:
		terr_set(e, it->file, it->line,
			 "%s's rate on %s is per hour: the session needs a minutes: tag", r->c->id,
			 day);
		break;
	case CP_BAD_MINUTES:
		terr_set(e, it->file, it->txn->comment_line, "bad minutes: or duration: tag");
		break;
	default:
		terr_set(e, it->file, it->line, "an amount too large to hold exactly");
	}
	return -1;
}

enum session_kind
clients_session_kind(const struct txn *t)
{
	struct client_tags tg;

	clients_tags(t, &tg);
	return clients_kind_of(&tg);
}

enum session_kind
clients_kind_of(const struct client_tags *tg)
{
	static const char *const names[] = {
		[SESSION_HELD] = "held", [SESSION_CANCELLED] = "cancelled",
		[SESSION_LATE] = "late-cancel", [SESSION_NOSHOW] = "no-show",
		[SESSION_PROVIDER] = "provider-cancel",
	};
	struct span v = tg->v[CT_SESSION];

	if (!v.p)
		return SESSION_NONE;
	for (int k = SESSION_HELD; k <= SESSION_PROVIDER; k++)
		if (span_eq(v, names[k]))
			return k;
	return SESSION_OTHER;
}

/* Reads a leading count ("10", "10 sessions"): the number, or -1. */
static long
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

long
clients_minutes(const struct txn *t)
{
	struct client_tags tg;

	clients_tags(t, &tg);
	return clients_minutes_of(&tg);
}

long
clients_minutes_of(const struct client_tags *tg)
{
	struct vval v;

	if (tg->v[CT_MINUTES].p)
		return vocab_parse(VT_MINUTES, tg->v[CT_MINUTES], &v) < 0 ? -2 : v.n;
	if (tg->v[CT_DURATION].p)
		return vocab_parse(VT_DURATION, tg->v[CT_DURATION], &v) < 0 ? -2 : v.n;
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

/* The tags that set a client's terms: rate, policy, terms, payer. */
static int
observe_terms(const struct client_tags *tg, const struct jitem *it, struct client *c,
	      struct terr *e)
{
	const struct txn *t = it->txn;
	struct span v;

	if ((v = tg->v[CT_RATE]).p && add_rate(c, t->date, v, it, e) < 0)
		return -1;
	if ((v = tg->v[CT_POLICY]).p && v.n)
		add_policy(c, t->date, v);
	if ((v = tg->v[CT_TERMS]).p) {
		struct vval tv;

		if (vocab_parse(VT_TERMS, v, &tv) < 0) {
			vocab_bad(e, it, VT_TERMS, v);
			return -1;
		}
		c->terms = (int)tv.n;
	}
	if ((v = tg->v[CT_PAYER]).p && v.n) {
		free(c->payer);
		c->payer = span_dup(v);
	}
	return 0;
}

static int
observe_package(struct clients *b, struct client *c, const struct jitem *it,
		const struct client_tags *tg, const struct amount *credit, struct terr *e)
{
	struct span v = tg->v[CT_PACKAGE];
	const struct txn *t = it->txn;
	long n = leading_count(v);
	struct client_package k = {0};
	struct span x = tg->v[CT_EXPIRES];
	const char *why;

	if (n <= 0) {
		terr_set(e, it->file, t->comment_line, "bad package: %.*s (a number of sessions)",
			 (int)v.n, v.p);
		return -1;
	}
	if (amount_sign(credit) >= 0) {
		terr_set(e, it->file, it->line, "package entry credits no prepaid account for %s",
			 c->id);
		return -1;
	}
	k.date = t->date;
	k.expires = DATE_NONE;
	k.sessions = n;
	k.price = *credit;
	amount_neg(&k.price);
	k.spent = (struct amount){0, 0, k.price.com};
	if (x.p &&
	    date_parse(x.p, x.n, 0, &k.expires, &why) != (long)x.n) {
		terr_set(e, it->file, t->comment_line, "bad expires: date: %.*s", (int)x.n, x.p);
		return -1;
	}
	if (k.expires != DATE_NONE && (b->min_expiry == DATE_NONE || k.expires < b->min_expiry))
		b->min_expiry = k.expires;
	c->pk = xrealloc(c->pk, (c->npk + 1) * sizeof *c->pk);
	c->pk[c->npk++] = k;
	c->bought += n;
	if (c->first_pk_date == DATE_NONE)
		c->first_pk_date = t->date;
	return 0;
}

/* A debit to the prepaid account: a session used, a lapse recognised, or a refund. */
static int
observe_debit(struct client *c, const struct txn *t, const struct client_tags *tg,
	      const struct amount *amt)
{
	struct client_package *k;

	if (tg->v[CT_EXPIRED].p) {
		for (size_t i = 0; i < c->npk; i++) {
			k = &c->pk[i];
			if (!k->lapsed && k->expires != DATE_NONE && k->expires <= t->date &&
			    k->used < k->sessions) {
				c->lapsed += k->sessions - k->used;
				k->lapsed = true;
				break;
			}
		}
		compact(c);
		return 0;
	}
	if (!(k = oldest_live(c, t->date)))
		return 0;
	if (amount_add(&k->spent, &k->spent, amt) < 0)
		return -1;
	if (tg->v[CT_SESSION].p) {
		k->used++;
		c->used++;
	}
	compact(c);
	return 0;
}

/*
 * An unpriced held session: takes what tally-bill will price it with (package credit, else
 * the deposit against the rate), so every command's book agrees whatever ran first.
 */
static void
price_held(struct clients *b, struct client *c, const struct txn *t,
	   const struct client_tags *tg)
{
	struct client_pricing *r = &b->priced;
	long minutes;
	int rc;

	memset(r, 0, sizeof *r);
	r->valid = true;
	r->c = c;
	if (!c) {
		r->rc = CP_NO_CLIENT;
		return;
	}
	if (client_package_take(c, t->date, &r->price)) {
		r->from_package = true;
		return;
	}
	if ((minutes = clients_minutes_of(tg)) == -2) {
		r->rc = CP_BAD_MINUTES;
		return;
	}
	rc = client_rate_at(c, t->date, minutes, &r->price);
	if (rc == 0 && client_deposit_take(c, &r->price, &r->deposit) == 0) {
		r->rest = r->deposit;
		amount_neg(&r->rest);
		if (amount_add(&r->rest, &r->price, &r->rest) == 0)
			return;
	}
	r->rc = rc == -1 ? CP_NO_RATE : rc == -2 ? CP_NO_MINUTES : CP_OVERFLOW;
}

const struct client_pricing *
clients_priced(const struct clients *b)
{
	return b->priced.valid ? &b->priced : NULL;
}

static int
add_same(struct amount *sum, const struct amount *a)
{
	if (sum->com && a->com && sum->com != a->com && !amount_is_zero(sum))
		return -2;
	return amount_add(sum, sum, a);
}

int
clients_observe(struct clients *b, const struct jitem *it, struct terr *e)
{
	struct client_tags tg;

	if (it->kind != J_TXN)
		return 0;
	clients_tags(it->txn, &tg);
	return clients_observe_tags(b, it, &tg, e);
}

int
clients_observe_tags(struct clients *b, const struct jitem *it, const struct client_tags *tg,
		     struct terr *e)
{
	const struct txn *t;
	struct client *c, *who;
	struct span id;
	/* Per-entry sums for at most a few clients: prepaid and deposit postings. */
	struct {
		struct client *c;
		struct amount prepaid, debit;
	} seen[8];
	size_t nseen = 0;
	int rc;

	b->priced.valid = false;
	if (it->kind != J_TXN)
		return 0;
	t = it->txn;
	c = clients_of_tags(b, tg);
	if (c && observe_terms(tg, it, c, e) < 0)
		return -1;
	if (!c && (tg->v[CT_RATE].p || tg->v[CT_POLICY].p || tg->v[CT_TERMS].p ||
		   tg->v[CT_PAYER].p)) {
		terr_set(e, it->file, t->comment_line, "client terms without a client: tag");
		return -1;
	}
	for (size_t i = 0; i < t->np; i++) {
		const struct posting *p = &t->p[i];
		int k = classify(b, p, &id);
		size_t s;

		if (k < 0)
			continue;
		who = lookup(b, id, true);
		if (!who->acct[k])
			who->acct[k] = xstrndup(p->acct, p->acct_len);
		if (k == C_DEPOSITS) {
			if ((rc = add_same(&who->deposit, &p->amt)) < 0)
				goto bad;
			continue;
		}
		if (k != C_PREPAID)
			continue;
		for (s = 0; s < nseen && seen[s].c != who; s++)
			;
		if (s == nseen) {
			if (nseen == sizeof seen / sizeof *seen)
				continue;
			seen[s].c = who;
			seen[s].prepaid = seen[s].debit = (struct amount){0, 0, 0};
			nseen++;
		}
		if ((rc = add_same(&seen[s].prepaid, &p->amt)) < 0)
			goto bad;
		if (amount_sign(&p->amt) > 0 && (rc = add_same(&seen[s].debit, &p->amt)) < 0)
			goto bad;
	}
	if (tg->v[CT_PACKAGE].p) {
		struct amount credit = {0, 0, 0};

		if (!c && nseen)
			c = seen[0].c;
		if (!c) {
			terr_set(e, it->file, t->comment_line, "package entry without a client");
			return -1;
		}
		for (size_t s = 0; s < nseen; s++)
			if (seen[s].c == c)
				credit = seen[s].prepaid;
		return observe_package(b, c, it, tg, &credit, e);
	}
	for (size_t s = 0; s < nseen; s++) {
		if (amount_sign(&seen[s].debit) > 0 &&
		    observe_debit(seen[s].c, t, tg, &seen[s].debit) < 0) {
			rc = -1;
			goto bad;
		}
	}
	if (t->np == 0 && clients_kind_of(tg) == SESSION_HELD)
		price_held(b, c, t, tg);
	return 0;
bad:
	if (rc == -2)
		terr_set(e, it->file, it->line, "prepaid or deposit amounts in two commodities");
	else
		terr_set(e, it->file, it->line, "an amount too large to hold exactly");
	return -1;
}
