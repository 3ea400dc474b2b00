/*
 * book.c: the book read in two passes. Pass 1 (book_add) keeps the clients' terms (rates,
 * policies, packages) and one 64-byte record per session event or movement of package or
 * deposit money; book_settle sorts the records by date, `time:` and position and prices
 * them in that order (bookprice.c); pass 2 (book_next) hands the decisions out item by
 * item in the input's order. The journal's text is never held.
 */
#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "bookint.h"

struct book *
book_new(const struct book_opts *o, struct terr *e)
{
	struct book *b = xcalloc(1, sizeof *b);

	if (o->policy_file && !(b->global = policy_load(o->policy_file, e))) {
		free(b);
		return NULL;
	}
	b->cl = clients_new(&o->accts);
	b->dir = o->policy_dir ? xstrdup(o->policy_dir) : policy_sharedir("policies");
	b->check = o->check_policies;
	b->last = DATE_NONE;
	return b;
}

void
book_free(struct book *b)
{
	if (!b)
		return;
	clients_free(b->cl);
	free(b->ev);
	policy_free(b->global);
	free(b->dir);
	for (size_t i = 0; i < b->nnamed; i++) {
		free(b->named[i].name);
		policy_free(b->named[i].p);
	}
	free(b->named);
	free(b->lapse);
	free(b->fend);
	free(b->fid);
	free(b->big);
	free(b->steps);
	free(b->places);
	free(b->err);
	for (size_t i = 0; i < b->nsnaps; i++)
		free(b->snaps[i].st);
	free(b->snaps);
	for (size_t i = 0; i < b->nnames; i++)
		free(b->names[i]);
	free(b->names);
	free(b);
}

struct clients *
book_clients(struct book *b)
{
	return b->cl;
}

struct amount
bev_get(const struct book *b, const struct bev *v, int i)
{
	if (v->scale[i] == BIG)
		return b->big[v->q[i]];
	return (struct amount){v->q[i], v->scale[i], v->com};
}

void
bev_put(struct book *b, struct bev *v, int i, const struct amount *a)
{
	bool mixed = false;

	for (int k = 0; a->com && v->com && a->com != v->com && k < 3; k++)
		mixed |= k != i && v->q[k] && v->scale[k] != BIG;
	if (a->q > INT64_MAX || a->q < -INT64_MAX || mixed) {
		/* rare: an amount over 64 bits, or in another commodity, is kept aside whole */
		if (b->nbig == b->capbig) {
			b->capbig = b->capbig ? 2 * b->capbig : 8;
			b->big = xrealloc(b->big, b->capbig * sizeof *b->big);
		}
		b->big[b->nbig] = *a;
		v->q[i] = (int64_t)b->nbig++;
		v->scale[i] = BIG;
		return;
	}
	if (a->com)
		v->com = a->com;
	v->q[i] = (int64_t)a->q;
	v->scale[i] = (int8_t)a->scale;
}

const struct policy *
book_policy_named(struct book *b, struct span name, struct terr *e)
{
	struct terr scratch;
	struct policy *p;

	for (size_t i = 0; i < b->nnamed; i++)
		if (span_eq(name, b->named[i].name)) {
			if (!b->named[i].p && e)
				terr_set(e, NULL, 0, "unknown policy: %.*s", (int)name.n, name.p);
			return b->named[i].p;
		}
	p = policy_find(b->dir, name.p, name.n, e ? e : &scratch);
	b->named = xrealloc(b->named, (b->nnamed + 1) * sizeof *b->named);
	b->named[b->nnamed++] = (struct named){span_dup(name), p};
	return p;
}

const struct policy *
book_policy(struct book *b, const struct client *c, tdate d)
{
	const char *name;

	if (b->global)
		return b->global;
	if (!c || !(name = client_policy_at(c, d)))
		return NULL;
	return book_policy_named(b, (struct span){name, strlen(name)}, NULL);
}

/* A file name that outlives the reader (pass 1's names are gone by pass 2). */
static const char *
book_name(struct book *b, const char *file)
{
	size_t i;

	if (!file)
		return NULL;
	for (i = 0; i < b->nnames && strcmp(b->names[i], file) != 0; i++)
		;
	if (i == b->nnames) {
		b->names = xrealloc(b->names, (b->nnames + 1) * sizeof *b->names);
		b->names[b->nnames++] = xstrdup(file);
	}
	return b->names[i];
}

struct bev *
bev_new(struct book *b, uint32_t pos, const struct txn *t)
{
	struct bev *v;

	if (b->n == b->cap) {
		b->cap = b->cap ? 2 * b->cap : 1024;
		b->ev = xrealloc(b->ev, b->cap * sizeof *b->ev);
	}
	v = &b->ev[b->n++];
	memset(v, 0, sizeof *v);
	v->date = t->date;
	v->time = -1;
	v->pos = pos;
	v->client = NO_CLIENT;
	v->notice = N_UNKNOWN;
	v->n = -1;
	return v;
}

/* What each named file is, to tell later whether it changed; a pipe only once spooled. */
static void
note_files(struct book *b)
{
	for (size_t i = 0; i < b->nfiles; i++) {
		struct stat st;

		if (b->fid[i].known || strcmp(b->files[i], "-") == 0 ||
		    stat(b->files[i], &st) != 0 || S_ISFIFO(st.st_mode) || S_ISSOCK(st.st_mode))
			continue;
		b->fid[i] = (struct fid){st.st_dev, st.st_ino, st.st_size, st.st_mtim, true};
	}
}

int
book_input(struct book *b, char *const *files, size_t n, struct terr *e)
{
	b->files = files;
	b->nfiles = n;
	b->fend = xcalloc(n + 1, sizeof *b->fend);
	b->fid = xcalloc(n + 1, sizeof *b->fid);
	b->fidx = SIZE_MAX;
	note_files(b);
	if (book_spool_stdin(files, n, e) < 0)
		return -1;
	note_files(b);  /* the pipes named /dev/fd/N: temporary files now */
	return 0;
}

/* Follows where items are in the files named by the user; the offset where it starts. */
static uint64_t
where(struct book *b, const struct jitem *it)
{
	uint64_t start;

	if (it->depth == 0 && it->line == 1) {
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
	if (b->fidx >= b->nfiles || b->fidx >= 255) {
		b->nocopy = true;
		return 0;
	}
	if (it->open_block)
		b->nocopy = true;  /* an unclosed comment block: let write_item close it */
	start = b->foff;
	if (it->depth == 0) {
		b->foff += it->len;
		b->fend[b->fidx] = b->foff;
	}
	return start;
}

/* A date later than every earlier one: lapses of packages expiring before it go here. */
static void
step(struct book *b, tdate d, uint64_t off, uint32_t pos)
{
	book_snapshot(b, pos);
	if (b->nsteps == b->capsteps) {
		b->capsteps = b->capsteps ? 2 * b->capsteps : 256;
		b->steps = xrealloc(b->steps, b->capsteps * sizeof *b->steps);
	}
	b->steps[b->nsteps++] = (struct step){d, (uint32_t)b->fidx, off, pos};
}

/*
 * The commodities' styles as they are at an unpriced event, kept when they changed since
 * the last event: its postings are written in the style the journal had there, as a
 * single streaming pass would write them.
 */
void
book_snapshot(struct book *b, uint32_t pos)
{
	int n = commodity_count();
	struct snap *last = b->nsnaps ? &b->snaps[b->nsnaps - 1] : NULL;
	bool same = last && last->n == n;

	for (int i = 0; same && i < n; i++)
		same = memcmp(&last->st[i], commodity_style(i), sizeof *last->st) == 0;
	if (same)
		return;
	if (b->nsnaps == b->capsnaps) {
		b->capsnaps = b->capsnaps ? 2 * b->capsnaps : 8;
		b->snaps = xrealloc(b->snaps, b->capsnaps * sizeof *b->snaps);
	}
	assert(b->snaps);  /* grown just above when full */
	last = &b->snaps[b->nsnaps++];
	last->pos = pos;
	last->n = n;
	last->st = xmalloc((size_t)n * sizeof *last->st);
	for (int i = 0; i < n; i++)
		last->st[i] = *commodity_style(i);
}

/* Sets the styles to what they were at position pos (pass 2 goes forward only). */
void
book_style_at(struct book *b, uint32_t pos)
{
	const struct snap *s = NULL;

	while (b->scur < b->nsnaps && b->snaps[b->scur].pos <= pos)
		b->scur++;
	if (b->scur)
		s = &b->snaps[b->scur - 1];
	if (!s)
		return;
	for (int i = 0; i < s->n && i < commodity_count(); i++)
		*commodity_style(i) = s->st[i];
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

	if ((v = tg->v[CT_TIME]).p && (start = time_parse(v.p, v.n)) < 0)
		return N_BAD_TIME;
	if (!(v = tg->v[CT_CANCELLED_AT]).p)
		return kind == SESSION_CANCELLED ? N_NO_STAMP : N_UNKNOWN;
	if ((at = stamp_parse(v.p, v.n)) < 0)
		return N_BAD_STAMP;
	if (start < 0)
		return kind == SESSION_CANCELLED ? N_NO_TIME : N_UNKNOWN;
	at = (long long)d * 1440 + start - at;
	return at < 0 ? 0 : at > 1000000000 ? 1000000000 : (int32_t)at;
}

/* The session fields of an event record, from the entry's tags. */
void
bev_session(struct bev *v, const struct txn *t, const struct client_tags *tg,
	       enum session_kind kind)
{
	struct span s;
	long m;
	int tm;

	v->kind = kind;
	if (t->np == 0)
		v->flags |= F_UNPRICED;
	if (tg->v[CT_WAIVED].p)
		v->flags |= F_WAIVED;
	if ((s = tg->v[CT_TIME]).p && (tm = time_parse(s.p, s.n)) >= 0)
		v->time = (int16_t)tm;
	m = clients_minutes_of(tg);
	v->n = (int32_t)(m > INT32_MAX ? -2 : m);
	if (kind >= SESSION_CANCELLED && kind <= SESSION_PROVIDER)
		v->notice = notice_of(tg, kind, t->date);
}

/* Per-entry sums for at most a few clients: prepaid and deposit postings. */
struct seen {
	struct client *c;
	struct amount prepaid, debit, deposit;
};

static int
add_same(struct amount *sum, const struct amount *a)
{
	if (sum->com && a->com && sum->com != a->com && !amount_is_zero(sum))
		return -2;
	return amount_add(sum, sum, a);
}

static int
sums(struct book *b, const struct txn *t, struct seen *seen, size_t max, size_t *n)
{
	struct span id;
	int rc;

	*n = 0;
	for (size_t i = 0; i < t->np; i++) {
		const struct posting *p = &t->p[i];
		int k = clients_classify(b->cl, p, &id);
		struct client *who;
		size_t s;

		if (k < 0)
			continue;
		/* no client's: an ID that folds to nothing or is too long to keep */
		if (!(who = clients_lookup(b->cl, id, true)))
			continue;
		if (!who->acct[k])
			who->acct[k] = xstrndup(p->acct, p->acct_len);
		if (k == C_UNBILLED)
			continue;
		for (s = 0; s < *n && seen[s].c != who; s++)
			;
		if (s == *n) {
			if (*n == max)
				continue;
			memset(&seen[s], 0, sizeof seen[s]);
			seen[s].c = who;
			(*n)++;
		}
		if (k == C_DEPOSITS) {
			if ((rc = add_same(&seen[s].deposit, &p->amt)) < 0)
				return rc;
			continue;
		}
		if ((rc = add_same(&seen[s].prepaid, &p->amt)) < 0)
			return rc;
		if (amount_sign(&p->amt) > 0 && (rc = add_same(&seen[s].debit, &p->amt)) < 0)
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
book_add_tags(struct book *b, const struct jitem *it, const struct client_tags *tgp,
	      struct terr *e)
{
	uint32_t pos = b->pos++;
	const struct txn *t;
	struct client_tags tg;
	enum session_kind kind;
	struct client *c;
	struct seen seen[8];
	size_t nseen;
	struct span v;
	struct bev *ev;
	bool primary = false;
	uint64_t start;
	int rc;

	if (!it) {
		b->nocopy = true;
		return 0;
	}
	start = where(b, it);
	if (it->kind != J_TXN)
		return 0;
	t = it->txn;
	if (b->last == DATE_NONE || t->date > b->last) {
		b->last = t->date;
		step(b, t->date, start, pos);
	}
	tg = *tgp;
	kind = clients_kind_of(&tg);
	c = clients_of_tags(b->cl, &tg);
	if (c && observe_terms(&tg, it, c, e) < 0)
		return -1;
	if (c && tg.v[CT_BILL_TO].p &&
	    clients_billto_add(b->cl, c, it, tg.v[CT_BILL_TO], book_name(b, it->file), pos, e) < 0)
		return -1;
	if (!c && (tg.v[CT_RATE].p || tg.v[CT_POLICY].p || tg.v[CT_TERMS].p || tg.v[CT_PAYER].p)) {
		terr_set(e, it->file, t->comment_line, "client terms without a client: tag");
		return -1;
	}
	if (!b->global && (v = tg.v[CT_POLICY]).p && v.n && b->check) {
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
	if ((rc = sums(b, t, seen, sizeof seen / sizeof *seen, &nseen)) < 0)
		goto bad;
	if (tg.v[CT_PACKAGE].p) {
		struct client *who[sizeof seen / sizeof *seen];
		struct amount sum[sizeof seen / sizeof *seen];
		long got[sizeof seen / sizeof *seen];

		for (size_t s = 0; s < nseen; s++)
			who[s] = seen[s].c, sum[s] = seen[s].prepaid;
		if (!(c = clients_package_buy(c, it, &tg, who, sum, nseen, got, e)))
			return -1;
		/* one record per client that bought: the entry's client's first */
		for (size_t s = 0; s <= nseen; s++) {
			struct client *k = s == 0 ? c : who[s - 1];
			long n = s == 0 ? leading_count(tg.v[CT_PACKAGE]) : got[s - 1];

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
	if (kind != SESSION_NONE && !primary && (rc = book_group(b, it, &tg, pos, start, e)) != 0) {
		if (rc < 0)
			return -1;
		primary = true;
	}
	if (kind != SESSION_NONE && !primary) {
		ev = bev_new(b, pos, t);
		ev->client = c ? (uint32_t)c->index : NO_CLIENT;
		bev_session(ev, t, &tg, kind);
		if (ev->flags & F_UNPRICED) {
			bev_place(b, ev, it, start);
			book_snapshot(b, pos);
			if (bev_own_price(b, ev, it, &tg, e) < 0)
				return -1;
		}
		if (tg.v[CT_EXPIRED].p)
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
			if (tg.v[CT_SESSION].p)
				ev->flags |= F_SESSION;
			if (tg.v[CT_EXPIRED].p) {
				ev->flags |= F_EXPIRED;
				ev->time = 1440;
			}
			primary = true;
		}
		if (tg.v[CT_SESSION].p)
			ev->flags |= F_SESSION;
		if (tg.v[CT_EXPIRED].p)
			ev->time = 1440;
		if (amount_sign(&seen[s].deposit) < 0 && amount_is_zero(&seen[s].debit) &&
		    !ev->kind)
			ev->flags |= F_DEPIN;
		bev_put(b, ev, 0, &seen[s].debit);
		bev_put(b, ev, 1, &seen[s].deposit);
	}
	return 0;
bad:
	if (rc == -2)
		terr_set(e, it->file, it->line, "prepaid or deposit amounts in two commodities");
	else
		terr_set(e, it->file, it->line, "an amount too large to hold exactly");
	return -1;
}

static int
by_date(const void *x, const void *y)
{
	const struct bev *a = x, *b = y;
	int ra = !(a->flags & F_DEPIN), rb = !(b->flags & F_DEPIN);

	if (a->date != b->date)
		return a->date < b->date ? -1 : 1;
	if (a->time != b->time)
		return a->time < b->time ? -1 : 1;
	if (ra != rb)
		return ra - rb;
	if (a->pos != b->pos)
		return a->pos < b->pos ? -1 : 1;
	return (a->flags & F_EXTRA) - (b->flags & F_EXTRA);
}

static int
by_pos(const void *x, const void *y)
{
	const struct bev *a = x, *b = y;

	if (a->pos != b->pos)
		return a->pos < b->pos ? -1 : 1;
	if ((a->flags & F_EXTRA) != (b->flags & F_EXTRA))
		return (a->flags & F_EXTRA) - (b->flags & F_EXTRA);
	if (a->spare != b->spare)
		return a->spare - b->spare;
	return a->client < b->client ? -1 : a->client > b->client;
}

static int
by_bought(const void *x, const void *y)
{
	const struct client_package *a = x, *b = y;

	if (a->date != b->date)
		return a->date < b->date ? -1 : 1;
	return a->seq < b->seq ? -1 : a->seq > b->seq;
}

static int
by_expiry(const void *x, const void *y)
{
	const struct book_lapse *a = x, *b = y;

	if (a->expires != b->expires)
		return a->expires < b->expires ? -1 : 1;
	return a->c->index < b->c->index ? -1 : a->c->index > b->c->index;
}

void
book_lapse_add(struct book *b, struct client *c, tdate d, long n, const struct amount *left,
	       bool by_entry)
{
	if (b->nlapse == b->caplapse) {
		b->caplapse = b->caplapse ? 2 * b->caplapse : 16;
		b->lapse = xrealloc(b->lapse, b->caplapse * sizeof *b->lapse);
	}
	b->lapse[b->nlapse++] = (struct book_lapse){c, d, n, *left, by_entry};
}

/* Packages of c that expired before d with sessions left: their credit lapses. */
static void
lapse_before(struct book *b, struct client *c, tdate d)
{
	bool again = c->npk > 0;

	while (again) {
		again = false;
		for (size_t i = 0; i < c->npk; i++) {
			struct client_package *k = &c->pk[i];
			struct amount left = {0, 0, k->price.com};
			tdate x = k->expires;
			long n = k->sessions - k->used;

			if (k->date >= d)
				break;  /* bought later: sorted by date */
			if (k->lapsed || x == DATE_NONE || x >= d || n <= 0)
				continue;
			client_package_lapse(c, k, &left);
			book_lapse_add(b, c, x, n, &left, false);
			again = true;  /* the queue was compacted */
			break;
		}
	}
}

/*
 * A stable sort of n records of size bytes, in place while the records are nearly in order
 * (a journal is most often written in date order, sessions of a day in any order): an
 * insertion sort while it has moved fewer records than there are, then qsort (glibc's is a
 * stable merge sort) for what is left. The sort's buffer (16 bytes a record) is then spent
 * only on journals far from date order.
 */
static void
sort(void *base, size_t n, size_t size, int (*cmp)(const void *, const void *))
{
	char *p = base, tmp[64];
	size_t moved = 0;

	if (size > sizeof tmp) {
		qsort(base, n, size, cmp);
		return;
	}
	for (size_t i = 1; i < n; i++) {
		size_t j = i;

		if (cmp(p + (i - 1) * size, p + i * size) <= 0)
			continue;
		while (j > 0 && cmp(p + (j - 1) * size, p + i * size) > 0)
			j--;
		if ((moved += i - j) > n) {
			qsort(base, n, size, cmp);
			return;
		}
		memcpy(tmp, p + i * size, size);
		memmove(p + (j + 1) * size, p + j * size, (i - j) * size);
		memcpy(p + j * size, tmp, size);
	}
}

static void defer_at(struct book *b, uint32_t pos, const struct terr *e);

/* settle's report of a bill-to cycle: said in pass 2 at the tag's item. */
static void
cycle(const struct terr *e, uint32_t pos, void *arg)
{
	defer_at(arg, pos, e);
}

int
book_settle(struct book *b, tdate until)
{
	size_t nc = clients_count(b->cl), nerr = b->nerr;

	if (until == DATE_NONE)
		until = b->last;
	for (size_t i = 0; i < nc; i++) {
		struct client *c = clients_at(b->cl, i);

		if (c->npk > 1)
			qsort(c->pk, c->npk, sizeof *c->pk, by_bought);
	}
	clients_billto_cycles(b->cl, cycle, b);
	nerr = b->nerr - nerr;
	sort(b->ev, b->n, sizeof *b->ev, by_date);
	for (size_t i = 0; i < b->n; i++) {
		struct bev *v = &b->ev[i];
		struct client *c;

		if (v->client == NO_CLIENT) {
			v->rc = BR_NO_CLIENT;
			continue;
		}
		c = clients_at(b->cl, v->client);
		lapse_before(b, c, v->date);
		book_settle_one(b, c, v);
	}
	if (until != DATE_NONE)
		for (size_t i = 0; i < nc; i++)
			lapse_before(b, clients_at(b->cl, i), until);
	sort(b->ev, b->n, sizeof *b->ev, by_pos);
	if (b->nlapse > 1)
		qsort(b->lapse, b->nlapse, sizeof *b->lapse, by_expiry);
	book_places_sort(b);
	b->pos = 0;
	b->cur = 0;
	b->lcur = 0;
	b->scur = 0;
	return (int)nerr;
}

void
bev_price(struct book *b, const struct bev *v, struct book_price *r)
{
	memset(r, 0, sizeof *r);
	r->c = v->client == NO_CLIENT ? NULL : clients_at(b->cl, v->client);
	r->kind = v->kind;
	r->unpriced = v->flags & F_UNPRICED;
	r->waived = v->flags & F_WAIVED;
	r->rc = v->rc;
	r->write = v->out & O_WRITE;
	r->package = v->out & O_PACKAGE;
	r->owner = r->c && (v->out & O_PAYER) ? client_payer_at(r->c, v->date) : r->c;
	r->over = v->out & O_OVER;
	r->grace = v->out & O_GRACE;
	r->capped = v->out & O_CAPPED;
	r->has_price = v->out & O_PRICE;
	r->group = v->group;
	if (r->grace)
		r->grace_n = v->n;
	if (v->kind == SESSION_HELD || r->package)
		book_place_of(b, v, r);
	r->notice = v->notice >= 0 ? v->notice : -1;
	r->start = v->time >= 0 && v->time < 1440 ? v->time : -1;
	if ((v->flags & F_EXPIRED) && !(v->flags & F_UNPRICED) && v->n > 0)
		r->lapsed = v->n;
	if (v->flags & F_PACKAGE)
		r->bought = v->n;
	if (r->c && v->kind)
		r->policy = book_policy(b, r->c, v->date);
	if (v->flags & F_UNPRICED) {
		r->price = bev_get(b, v, 0);
		r->fee = bev_get(b, v, 1);
		r->deposit = bev_get(b, v, 2);
	}
	r->date = v->date;
	r->nonl = v->flags & F_NONL;
	if (v->flags & F_UNPRICED) {
		/* written as the journal wrote amounts there: no more decimals than needed */
		book_style_at(b, v->pos);
		amount_normalize(&r->price, commodity_style(r->price.com)->prec);
		amount_normalize(&r->fee, commodity_style(r->fee.com)->prec);
		amount_normalize(&r->deposit, commodity_style(r->deposit.com)->prec);
	}
}

int
book_next(struct book *b, const struct jitem *it, struct book_price *r)
{
	uint32_t pos = b->pos++;

	(void)it;
	while (b->cur < b->n && b->ev[b->cur].pos < pos)
		b->cur++;
	if (b->cur >= b->n || b->ev[b->cur].pos != pos)
		return 0;
	bev_price(b, &b->ev[b->cur], r);
	return 1;
}

/* Keeps an error for the item at pos, in the input's order among those kept. */
static void
defer_at(struct book *b, uint32_t pos, const struct terr *e)
{
	size_t i;

	if (b->nerr == b->caperr) {
		b->caperr = b->caperr ? 2 * b->caperr : 16;
		b->err = xrealloc(b->err, b->caperr * sizeof *b->err);
	}
	for (i = b->nerr; i > 0 && b->err[i - 1].pos > pos; i--)
		b->err[i] = b->err[i - 1];
	b->err[i].pos = pos;
	b->err[i].e = *e;
	b->err[i].e.file = book_name(b, e->file);
	b->nerr++;
}

int
book_next_more(struct book *b, struct book_price *r)
{
	if (b->cur + 1 >= b->n || b->ev[b->cur + 1].pos != b->ev[b->cur].pos ||
	    b->ev[b->cur].pos + 1 != b->pos)
		return 0;
	bev_price(b, &b->ev[++b->cur], r);
	return 1;
}

void
book_defer(struct book *b, const struct terr *e)
{
	defer_at(b, b->pos ? b->pos - 1 : 0, e);
}

const struct terr *
book_deferred(struct book *b, bool all)
{
	if (b->errcur < b->nerr && (all || b->err[b->errcur].pos < b->pos))
		return &b->err[b->errcur++].e;
	return NULL;
}

const struct book_lapse *
book_lapse_before(struct book *b, tdate d)
{
	while (b->lcur < b->nlapse && b->lapse[b->lcur].by_entry)
		b->lcur++;
	if (b->lcur < b->nlapse && b->lapse[b->lcur].expires < d) {
		book_style_at(b, b->pos ? b->pos - 1 : 0);
		return &b->lapse[b->lcur++];
	}
	return NULL;
}

size_t
book_nlapses(const struct book *b)
{
	return b->nlapse;
}

const struct book_lapse *
book_lapse_at(const struct book *b, size_t i)
{
	return i < b->nlapse ? &b->lapse[i] : NULL;
}

void
book_error(const struct book_price *r, const struct jitem *it, struct terr *e)
{
	const struct txn *t = it->txn;
	const char *id = r->c ? r->c->id : "";
	struct span v = {"", 0};
	char day[11];

	date_format(day, t->date);
	switch (r->rc) {
	case BR_NO_CLIENT:
		terr_set(e, it->file, it->line, "session without a client: tag");
		break;
	case BR_NO_RATE:
		terr_set(e, it->file, it->line, "no rate for %s on %s and no package credit", id, day);
		break;
	case BR_NO_MINUTES:
		terr_set(e, it->file, it->line,
			 "%s's rate on %s is per hour: the session needs a minutes: tag", id, day);
		break;
	case BR_BAD_MINUTES:
		terr_set(e, it->file, t->comment_line, "bad minutes: or duration: tag");
		break;
	case BR_NO_STAMP:
		terr_set(e, it->file, it->line, "cancelled session without cancelled-at: "
			 "(cannot tell the notice)");
		break;
	case BR_BAD_STAMP:
		txn_tag(t, "cancelled-at", &v);
		terr_set(e, it->file, t->comment_line, "bad cancelled-at: %.*s (YYYY-MM-DD HH:MM)",
			 (int)v.n, v.p);
		break;
	case BR_NO_TIME:
		terr_set(e, it->file, it->line, "cancelled session without time: "
			 "(cannot tell the notice)");
		break;
	case BR_BAD_TIME:
		txn_tag(t, "time", &v);
		terr_set(e, it->file, t->comment_line, "bad time: %.*s (HH:MM)", (int)v.n, v.p);
		break;
	case BR_FEE_NO_RATE:
		terr_set(e, it->file, it->line, "no rate: for %s on %s (the fee is a percent of it)",
			 id, day);
		break;
	case BR_FEE_PER_HOUR:
		terr_set(e, it->file, it->line, "rate for %s is per hour: the session needs minutes:",
			 id);
		break;
	default:
		terr_set(e, it->file, it->line, "an amount too large to hold exactly");
		break;
	}
}
