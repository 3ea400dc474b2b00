/*
 * bookadd.c: pass 1 of the book, one item at a time: where the item is in its file, the
 * session fields of its record from the entry's tags, the prepaid and deposit money its
 * postings move, a package bought. Nothing is priced here: book_settle does that in date
 * order once every item is in.
 */
#include <string.h>

#include "bookint.h"
#include "internal.h"  /* same_bytes, TNUM_BAD */

/* The first item of a file: which of the files named by the user it is, if any. */
static void
new_file(struct book *b, const struct jitem *it)
{
	size_t k = b->fnext;

	while (k < b->nfiles && strcmp(strcmp(b->files[k], "-") == 0 ? "<stdin>"
				  : b->files[k], it->file) != 0)
		k++;
	if (k == b->nfiles)
		b->nocopy = true;
	b->fidx = k;
	b->fnext = k + 1;
	b->foff = 0;
}

uint64_t
book_where_more(struct book *b, const struct jitem *it)
{
	uint64_t start;

	if (it->depth == 0 && it->line == 1)
		new_file(b, it);
	if (b->fidx >= b->nfiles || b->fidx >= 255) {
		b->nocopy = true;
		b->placing = false;
		return 0;
	}
	if (it->open_block)
		b->nocopy = true;  /* an unclosed comment block: let write_item close it */
	start = b->foff;
	if (it->depth == 0) {
		b->foff += it->len;
		b->fend[b->fidx] = b->foff;
	}
	/* the file is known: book_where's quick way for the next (nocopy: nothing is asked) */
	b->placing = !b->nocopy;
	return start;
}

/* A date later than every earlier one: lapses of packages expiring before it go here. */
static void
step(struct book *b, tdate d, uint64_t off, uint32_t pos)
{
	book_snapshot(b, pos);
	if (b->nosteps)
		return;  /* where lapses go is never asked */
	if (b->nsteps == b->capsteps) {
		b->capsteps = b->capsteps ? 2 * b->capsteps : 256;
		b->steps = xrealloc(b->steps, b->capsteps * sizeof *b->steps);
	}
	b->steps[b->nsteps++] = (struct step){d, (uint32_t)b->fidx, off, pos};
}

/* An unpriced event at the top level: where its postings go. */
void
bev_place(struct book *b, struct bev *v, const struct jitem *it, uint64_t start)
{
	uint64_t end = start + it->len;

	if (it->depth > 0 || b->nocopy)
		return;
	if (end >> 40) {
		b->nocopy = true;
		return;
	}
	v->file = (uint8_t)(b->fidx + 1);
	v->off = (uint32_t)end;
	v->offhi = (uint8_t)(end >> 32);
	if (it->len && it->text[it->len - 1] != '\n')
		v->flags |= F_NONL;
}

/* Notice in minutes from cancelled-at: to the session's start, or an N_ code. */
static int32_t
notice_of(const struct client_tags *tg, enum session_kind kind, tdate d)
{
	struct span v;
	long long at;
	int start = -1;

	if (tg->vt) {  /* read without a problem: both parsed */
		const struct vtags *vt = tg->vt;

		if (!vt->has[VT_CANCELLED_AT])
			return kind == SESSION_CANCELLED ? N_NO_STAMP : N_UNKNOWN;
		if (!vt->has[VT_TIME])
			return kind == SESSION_CANCELLED ? N_NO_TIME : N_UNKNOWN;
		at = (long long)d * 1440 + vt->v[VT_TIME].n - vt->v[VT_CANCELLED_AT].stamp;
		return at < 0 ? 0 : at > 1000000000 ? 1000000000 : (int32_t)at;
	}
	if ((v = clients_tag(tg, CT_TIME)).p && (start = time_parse(v.p, v.n)) < 0)
		return N_BAD_TIME;
	if (!(v = clients_tag(tg, CT_CANCELLED_AT)).p)
		return kind == SESSION_CANCELLED ? N_NO_STAMP : N_UNKNOWN;
	if ((at = stamp_parse(v.p, v.n)) < 0)
		return N_BAD_STAMP;
	if (start < 0)
		return kind == SESSION_CANCELLED ? N_NO_TIME : N_UNKNOWN;
	at = (long long)d * 1440 + start - at;
	return at < 0 ? 0 : at > 1000000000 ? 1000000000 : (int32_t)at;
}

/* The session fields of an event record, from the entry's tags. */
static inline void
session(struct bev *v, const struct txn *t, const struct client_tags *tg, enum session_kind kind)
{
	struct span s;
	long m;
	int tm;

	v->kind = kind;
	if (t->np == 0)
		v->flags |= F_UNPRICED;
	if (clients_has(tg, CT_WAIVED))
		v->flags |= F_WAIVED;
	if (tg->vt && tg->vt->has[VT_TIME])  /* parsed by the vocabulary */
		v->time = (int16_t)tg->vt->v[VT_TIME].n;
	else if ((s = clients_tag(tg, CT_TIME)).p && (tm = time_parse(s.p, s.n)) >= 0)
		v->time = (int16_t)tm;
	m = clients_minutes_of(tg);
	v->n = (int32_t)(m > INT32_MAX ? -2 : m);
	if (kind >= SESSION_CANCELLED && kind <= SESSION_PROVIDER)
		v->notice = notice_of(tg, kind, t->date);
}

void
bev_session(struct bev *v, const struct txn *t, const struct client_tags *tg,
	    enum session_kind kind)
{
	session(v, t, tg, kind);
}

/* Per-entry sums for at most a few clients: prepaid and deposit postings. */
struct seen {
	struct client *c;
	struct amount prepaid, debit, deposit;
};

static inline int
add_same(struct amount *sum, const struct amount *a)
{
	/* most sums have one amount: 0 + a is a, as amount_add would make it */
	if (!sum->q && !sum->scale && !sum->com && a->scale >= 0 && a->scale <= AMOUNT_MAX_SCALE &&
	    a->q != TNUM_BAD) {
		*sum = *a;
		return 0;
	}
	if (sum->com && a->com && sum->com != a->com && !amount_is_zero(sum))
		return -2;
	return amount_add(sum, sum, a);
}

static int
sums(struct book *b, const struct txn *t, struct seen *seen, size_t max, size_t *n)
{
	/* in locals: the calls below could change *b and *t for all the compiler knows */
	struct clients *cl = b->cl;
	struct client *mine = b->who;
	const struct posting *p = t->p, *end = p + t->np;
	struct span id;
	int rc;

	*n = 0;
	for (; p < end; p++) {
		int k = clients_prefix(cl, p);
		struct client *who = mine;
		size_t s;

		if (k < 0)
			continue;
		id.p = p->acct + cl->plen[k] + 1;
		id.n = p->acct_len - cl->plen[k] - 1;
		/* most postings name the entry's own client by its slug: no lookup (a slug
		 * slugs to itself, so clients_lookup would find the same client); a slug has
		 * no ':', so the ID is the slug when what follows it is nothing or ':' */
		if (!who || id.n < who->idlen || (id.n > who->idlen && id.p[who->idlen] != ':') ||
		    !same_bytes(id.p, who->id, who->idlen)) {
			const char *colon = memchr(id.p, ':', id.n);

			if (colon)
				id.n = (size_t)(colon - id.p);
			/* no client's: no ID, one that folds to nothing or is too long to keep */
			if (!id.n || !(who = clients_lookup(cl, id, true)))
				continue;
		}
		if (!who->acct[k])
			who->acct[k] = xstrndup(p->acct, p->acct_len);
		if (k == C_UNBILLED)
			continue;
		for (s = 0; s < *n && seen[s].c != who; s++)
			;
		if (s == *n) {
			if (*n == max)
				continue;
			/* field by field: a memset of the struct is a string instruction (rep
			 * stos), slow to start, 7% of this function's time at 1M entries */
			seen[s].c = who;
			seen[s].prepaid = seen[s].debit = seen[s].deposit = (struct amount){0, 0, 0};
			(*n)++;
		}
		if (k == C_DEPOSITS) {
			if ((rc = add_same(&seen[s].deposit, &p->amt)) < 0)
				return rc;
			continue;
		}
		if ((rc = add_same(&seen[s].prepaid, &p->amt)) < 0)
			return rc;
		if (p->amt.q > 0 && (rc = add_same(&seen[s].debit, &p->amt)) < 0)
			return rc;
	}
	return 0;
}

int
book_add(struct book *b, const struct jitem *it, struct terr *e)
{
	struct client_tags tg;

	if (it && it->kind == J_TXN)
		clients_tags(it->txn, &tg);
	return book_add_tags(b, it, &tg, e);
}

int
book_add_tags(struct book *b, const struct jitem *it, const struct client_tags *tg,
	      struct terr *e)
{
	uint32_t pos = b->pos++;
	uint64_t start;

	b->who = NULL;
	if (!it) {
		b->nocopy = true;
		return 0;
	}
	start = book_where(b, it);
	/* most items that are not entries (blank lines, comments) end here, cheaply */
	return it->kind == J_TXN ? book_entry(b, it, tg, pos, start, e) : 0;
}

#define VTB(k) ((uint64_t)1 << (k))
/* The tags that set a client's terms, or name a policy to check. */
#define TERM_TAGS (VTB(VT_RATE) | VTB(VT_POLICY) | VTB(VT_TERMS) | VTB(VT_PAYER) | \
		   VTB(VT_BILL_TO))

/* An entry's tags that set its client's terms: rate, policy, terms, payer, bill-to. */
static int
terms(struct book *b, const struct jitem *it, const struct client_tags *tg, struct client *c,
      uint32_t pos, struct terr *e)
{
	bool any = clients_has(tg, CT_RATE) || clients_has(tg, CT_POLICY) ||
		   clients_has(tg, CT_TERMS) || clients_has(tg, CT_PAYER);
	struct span v;

	if (c && any && observe_terms(tg, it, c, e) < 0)
		return -1;
	if (c && clients_has(tg, CT_BILL_TO) &&
	    clients_billto_add(b->cl, c, it, clients_tag(tg, CT_BILL_TO), book_name(b, it->file),
			       pos, e) < 0)
		return -1;
	if (!c && any) {
		terr_set(e, it->file, it->txn->comment_line, "client terms without a client: tag");
		return -1;
	}
	if (b->check && !b->global && (v = clients_tag(tg, CT_POLICY)).p && v.n) {
		e->file = NULL;
		if (!book_policy_named(b, v, e)) {
			if (!e->file) {
				char msg[sizeof e->msg];

				memcpy(msg, e->msg, sizeof msg);
				terr_set(e, it->file, vocab_line(it, v.p), "%s", msg);
			}
			return -1;
		}
	}
	return 0;
}

int
book_entry(struct book *b, const struct jitem *it, const struct client_tags *tg, uint32_t pos,
	   uint64_t start, struct terr *e)
{
	const struct txn *t = it->txn;
	enum session_kind kind;
	struct client *c;
	struct seen seen[8];
	size_t nseen;
	struct span v;
	struct bev *ev;
	bool primary = false;
	int rc;

	if (t->date > b->last) {  /* DATE_NONE is before every date */
		b->last = t->date;
		step(b, t->date, start, pos);
	}
	kind = clients_kind_of(tg);
	v = clients_tag(tg, CT_CLIENT);
	c = b->who = v.p ? clients_lookup(b->cl, v, true) : NULL;
	/* most entries have none of the tags that set terms: one test of the vocabulary's */
	if ((!tg->vt || tg->vt->set & TERM_TAGS) && terms(b, it, tg, c, pos, e) < 0)
		return -1;
	if ((rc = sums(b, t, seen, sizeof seen / sizeof *seen, &nseen)) < 0)
		goto bad;
	if (clients_has(tg, CT_PACKAGE)) {
		struct client *who[sizeof seen / sizeof *seen];
		struct amount sum[sizeof seen / sizeof *seen];
		long got[sizeof seen / sizeof *seen];

		for (size_t s = 0; s < nseen; s++)
			who[s] = seen[s].c, sum[s] = seen[s].prepaid;
		if (!(c = clients_package_buy(c, it, tg, who, sum, nseen, got, e)))
			return -1;
		/* one record per client that bought: the entry's client's first */
		for (size_t s = 0; s <= nseen; s++) {
			struct client *k = s == 0 ? c : who[s - 1];
			long n = s == 0 ? leading_count(clients_tag(tg, CT_PACKAGE)) : got[s - 1];

			if (s > 0 && (k == c || n <= 0))
				continue;
			for (size_t i = 0; s == 0 && i < nseen; i++)
				if (who[i] == c)
					n = got[i];
			ev = bev_new(b, pos, t);
			ev->client = (uint32_t)k->index;
			ev->flags |= F_PACKAGE | (s > 0 ? F_EXTRA : 0);
			ev->n = (int32_t)(n > INT32_MAX ? INT32_MAX : n);
		}
		primary = true;
		/* a package entry moves no package credit: its prepaid postings are the purchase */
		for (size_t s = 0; s < nseen; s++)
			seen[s].debit = (struct amount){0, 0, 0};
	}
	/* b->group 0: its tags said it is no group (book_group would say so too) */
	if (kind != SESSION_NONE && !primary && b->group != 0 &&
	    (rc = book_group(b, it, tg, kind, pos, start, e)) != 0) {
		if (rc < 0)
			return -1;
		primary = true;
	}
	if (kind != SESSION_NONE && !primary) {
		ev = bev_new(b, pos, t);
		ev->client = c ? (uint32_t)c->index : NO_CLIENT;
		session(ev, t, tg, kind);  /* most entries' record: inline */
		if (ev->flags & F_UNPRICED) {
			bev_place(b, ev, it, start);
			book_snapshot(b, pos);
			if (bev_own_price(b, ev, it, tg, e) < 0)
				return -1;
		}
		if (clients_has(tg, CT_EXPIRED))
			ev->flags |= F_EXPIRED;
		primary = true;
	}
	for (size_t s = 0; s < nseen; s++) {
		struct bev *own = NULL;
		bool mine;

		for (size_t k = b->n; primary && k-- > 0 && b->ev[k].pos == pos;)
			if (!(b->ev[k].flags & F_EXTRA) && b->ev[k].client == seen[s].c->index)
				own = &b->ev[k];
		mine = own != NULL;

		if (!mine && amount_is_zero(&seen[s].debit) && amount_is_zero(&seen[s].deposit))
			continue;
		if (mine) {
			ev = own;
		} else {
			int16_t tm = primary ? b->ev[b->n - 1].time : -1;

			ev = bev_new(b, pos, t);
			ev->client = (uint32_t)seen[s].c->index;
			if (primary) {
				/* at the event's time: a payer's credit a session took, right after it */
				ev->flags |= F_EXTRA;
				ev->time = tm;
			}
			if (clients_has(tg, CT_SESSION))
				ev->flags |= F_SESSION;
			if (clients_has(tg, CT_EXPIRED)) {
				ev->flags |= F_EXPIRED;
				ev->time = 1440;
			}
			primary = true;
		}
		if (clients_has(tg, CT_SESSION))
			ev->flags |= F_SESSION;
		if (clients_has(tg, CT_EXPIRED))
			ev->time = 1440;
		if (seen[s].deposit.q < 0 && amount_is_zero(&seen[s].debit) &&
		    !ev->kind)
			ev->flags |= F_DEPIN;
		bev_put0(b, ev, &seen[s].debit);
		if (seen[s].deposit.q || seen[s].deposit.scale || seen[s].deposit.com)
			bev_put(b, ev, 1, &seen[s].deposit);  /* else what it holds already */
	}
	return 0;
bad:
	if (rc == -2)
		terr_set(e, it->file, it->line, "prepaid or deposit amounts in two commodities");
	else
		terr_set(e, it->file, it->line, "an amount too large to hold exactly");
	return -1;
}
