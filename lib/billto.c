/*
 * billto.c: who pays. `bill-to: ID` on a client's entry names the client (a household, a
 * parent, a company) whose documents carry this client's sessions from the entry's date on.
 * Kept per client in date order like rates and terms; followed to the end of the chain, so
 * a child billed to a parent billed to a company is on the company's invoices. A chain that
 * comes back to where it started is a cycle: reported at the tag that closes it.
 */
#include <stdlib.h>
#include <string.h>

#include "bookint.h"

/* The longest chain followed: a cycle stops it sooner. */
enum { MAX_HOPS = 64 };

int
clients_billto_add(struct clients *b, struct client *c, const struct jitem *it, struct span v,
		   const char *file, uint32_t pos, struct terr *e)
{
	struct client_billto r = {it->txn->date, NULL, file, vocab_line(it, v.p), pos};
	struct vval vv;
	size_t i;

	if (vocab_parse(VT_BILL_TO, v, &vv) < 0 || !(r.to = clients_lookup(b, v, true))) {
		vocab_bad(e, it, VT_BILL_TO, v);
		return -1;
	}
	c->billto = xrealloc(c->billto, (c->nbillto + 1) * sizeof *c->billto);
	/* the later of two on one date wins, as with rates: insert after equal dates */
	for (i = c->nbillto; i > 0 && c->billto[i - 1].from > r.from; i--)
		c->billto[i] = c->billto[i - 1];
	c->billto[i] = r;
	c->nbillto++;
	return 0;
}

/* The bill-to in force on d (the client itself when none), one step. */
static struct client *
direct(const struct client *c, tdate d)
{
	struct client *to = NULL;

	for (size_t i = 0; i < c->nbillto && c->billto[i].from <= d; i++)
		to = c->billto[i].to;
	return to ? to : (struct client *)c;
}

struct client *
client_payer_at(const struct client *c, tdate d)
{
	const struct client *p = c;

	for (int hop = 0; hop < MAX_HOPS; hop++) {
		struct client *next = direct(p, d);

		if (next == p)
			return (struct client *)p;
		if (next == c)
			return (struct client *)c;  /* a cycle: nobody else pays */
		p = next;
	}
	return (struct client *)c;
}

void
clients_billto_cycles(struct clients *b, void (*report)(const struct terr *e, uint32_t pos,
							  void *arg), void *arg)
{
	for (size_t i = 0; i < b->n; i++) {
		struct client *c = b->list[i];

		for (size_t k = 0; k < c->nbillto; k++) {
			const struct client_billto *r = &c->billto[k];
			char path[512];
			size_t len;
			const struct client *p = r->to;
			int hop;

			if (r->to == c)
				continue;  /* billed to itself again: ends an earlier bill-to */
			len = (size_t)snprintf(path, sizeof path, "%s -> %s", c->id, p->id);
			for (hop = 0; hop < MAX_HOPS && p != c; hop++) {
				struct client *next = direct(p, r->from);

				if (next == p)
					break;
				p = next;
				if (len < sizeof path)
					len += (size_t)snprintf(path + len, sizeof path - len, " -> %s",
								p->id);
			}
			if (p == c) {
				struct terr e;

				terr_set(&e, r->file, r->line, "bill-to: a cycle: %s", path);
				report(&e, r->pos, arg);
			}
		}
	}
}

int
clients_observe_billto(struct clients *b, const struct jitem *it, const struct vtags *tg,
		       struct terr *e)
{
	struct client *c;

	if (it->kind != J_TXN || !tg->has[VT_BILL_TO] || !tg->has[VT_CLIENT])
		return 0;
	if (!(c = clients_lookup(b, tg->v[VT_CLIENT].raw, true)))
		return 0;
	return clients_billto_add(b, c, it, tg->v[VT_BILL_TO].raw, NULL, 0, e);
}

const char *
clients_payer_id(struct clients *b, const char *id, tdate d)
{
	struct client *c = clients_lookup(b, (struct span){id, strlen(id)}, false);

	return c ? client_payer_at(c, d)->id : id;
}

bool
clients_pays_for(struct clients *b, const char *id)
{
	struct client *p = clients_lookup(b, (struct span){id, strlen(id)}, false);

	for (size_t i = 0; p && i < b->n; i++)
		for (size_t k = 0; k < b->list[i]->nbillto; k++)
			if (b->list[i]->billto[k].to == p && b->list[i] != p)
				return true;
	return false;
}
