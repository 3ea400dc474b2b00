/*
 * bookgroup.c: the book's records of a group session, one per attendee, and a session's
 * one-off `price:`. An attendee is unpriced while no posting of the entry names one of
 * their accounts, so tally-bill can price a group in one go and a second run adds nothing.
 * A no-show fee waived by the policy's grace is written as a zero posting to the absent
 * attendee's unbilled account: that posting is how a later run knows the grace was used.
 */
#include "bookint.h"

int
bev_own_price(struct book *b, struct bev *v, const struct jitem *it,
	      const struct client_tags *tg, struct terr *e)
{
	struct span s = clients_tag(tg, CT_PRICE);
	struct vval pv;

	if (!s.p)
		return 0;
	if (vocab_parse(VT_PRICE, s, &pv) < 0) {
		vocab_bad(e, it, VT_PRICE, s);
		return -1;
	}
	bev_put(b, v, 2, &pv.amt);
	v->out |= O_OWN;
	return 0;
}

/*
 * Whether a posting of the entry is c's: one to c's accounts, or one tagged `client: C`
 * (tally-bill tags a group's income postings so: an attendee paid from a payer's package
 * has no account of their own in the entry); *zero: one to c's unbilled account of zero.
 */
static bool
named(struct book *b, const struct txn *t, const struct client *c, bool *zero)
{
	bool any = false;

	*zero = false;
	for (size_t i = 0; i < t->np; i++) {
		struct span id;
		int k = clients_classify(b->cl, &t->p[i], &id);

		if (tag_find(t->p[i].comment, "client", &id) && clients_lookup(b->cl, id, false) == c)
			any = true;
		if (k < 0 || clients_lookup(b->cl, id, false) != c)
			continue;
		any = true;
		if (k == C_UNBILLED && amount_is_zero(&t->p[i].amt) && !t->p[i].inferred)
			*zero = true;
	}
	return any;
}

int
book_group(struct book *b, const struct jitem *it, const struct client_tags *tg,
	   enum session_kind kind, uint32_t pos, uint64_t start, struct terr *e)
{
	const struct txn *t = it->txn;
	struct attendee a[GROUP_MAX];
	size_t n;
	bool snap = false;

	if (b->group >= 0 ? !b->group : !group_is(t))
		return 0;
	n = group_attendees(t, a, GROUP_MAX, NULL);
	for (size_t i = 0; i < n && i < GROUP_MAX; i++) {
		struct client *c = clients_lookup(b->cl, a[i].id, true);
		struct bev *v;
		bool zero;

		if (!c)
			continue;
		v = bev_new(b, pos, t);
		v->client = (uint32_t)c->index;
		v->group = 1;
		v->spare = (int16_t)i;
		/* a whole group cancelled is cancelled for each (absent: is for held ones) */
		if (kind != SESSION_HELD)
			a[i].kind = (int)kind;
		bev_session(v, t, tg, (enum session_kind)a[i].kind);
		if (named(b, t, c, &zero)) {
			/* priced: counts for what its postings say; a zero fee was a grace */
			v->flags &= (uint8_t)~(F_UNPRICED | F_WAIVED);
			if (zero && a[i].kind != SESSION_HELD)
				v->flags |= F_WAIVED;
			continue;
		}
		v->flags |= F_UNPRICED;
		bev_place(b, v, it, start);
		snap = true;
		if (bev_own_price(b, v, it, tg, e) < 0)
			return -1;
	}
	if (snap)
		book_snapshot(b, pos);
	return 1;
}
