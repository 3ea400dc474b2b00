/*
 * signoff.c: signatures coming back from a sign-off sheet (CSV: date, client, signed-by)
 * matched to the journal's held sessions. Two passes over the journal: the first finds,
 * for each record, the session it signs (one already signed with the same name first, so
 * recording a list twice changes nothing; else the first unsigned one of that client and
 * day); the second writes the journal with a `signed:` tag added to those sessions, every
 * other byte as it was. Only the files named are edited, not the ones they include.
 */
#include <stdlib.h>
#include <string.h>

#include "tally.h"

struct srec {
	tdate date;
	char client[CLIENT_ID_MAX + 2];
	char *name;          /* the cleaned signer */
	long line;
	long item;           /* the item it signs (ordinal), -1: none yet */
	bool add;            /* the tag is to be written (not already there) */
};

struct signoff {
	struct srec *r;
	size_t n;
	const char *csv;     /* the CSV's name for messages: the caller's string */
	char *errfile;       /* a journal error's file name, kept past journal_close */
	long added;
};

/* A signer as a tag value: plain text to every journal reader, at most ~100 bytes. */
static char *
clean_name(const char *s, size_t n)
{
	char *b;

	if (n > 100) {
		n = 100;
		while (n > 0 && ((unsigned char)s[n] & 0xc0) == 0x80)
			n--;
	}
	b = xmalloc(JTEXT_SIZE(n));
	journal_text_safe(b, s, n, JTEXT_TAG);
	return b;
}

static int
by_key(const void *a, const void *b)
{
	const struct srec *x = a, *y = b;

	if (x->date != y->date)
		return x->date < y->date ? -1 : 1;
	if (strcmp(x->client, y->client) != 0)
		return strcmp(x->client, y->client);
	return (x->line > y->line) - (x->line < y->line);
}

struct signoff *
signoff_load(const char *csv, struct terr *e)
{
	struct csvin *c = csvin_open(csv, 0, CSVIN_UTF8, e);
	struct signoff *s;
	struct csvrec r;
	const char *why;
	int rv;

	if (!c)
		return NULL;
	s = xcalloc(1, sizeof *s);
	/* Messages name the caller's string: the reader's is gone once it is closed. */
	s->csv = strcmp(csv, "-") == 0 ? "<stdin>" : csv;
	while ((rv = csvin_next(c, &r, e)) > 0) {
		struct srec *x;
		tdate d;
		size_t n;

		if (r.nf == 1 && r.len[0] == 0)
			continue;  /* a blank line */
		if (date_parse(r.f[0], r.len[0], 0, &d, &why) != (long)r.len[0]) {
			if (s->n == 0 && r.line == 1)
				continue;  /* the header */
			terr_set(e, s->csv, r.line, "bad date: %.40s", r.f[0]);
			goto fail;
		}
		if (r.nf < 3) {
			terr_set(e, s->csv, r.line, "needs date, client, signed-by");
			goto fail;
		}
		s->r = xrealloc(s->r, (s->n + 1) * sizeof *s->r);
		x = memset(&s->r[s->n++], 0, sizeof *x);
		x->date = d;
		x->line = r.line;
		x->item = -1;
		n = clients_slug((struct span){r.f[1], r.len[1]}, x->client, sizeof x->client);
		if (!n) {
			terr_set(e, s->csv, r.line, "no client");
			goto fail;
		}
		if (n > CLIENT_ID_MAX) {  /* never cut: two clients would become one */
			terr_set(e, s->csv, r.line, "client ID longer than %d bytes", CLIENT_ID_MAX);
			goto fail;
		}
		x->name = clean_name(r.f[2], r.len[2]);
		if (!*x->name) {
			terr_set(e, s->csv, r.line, "no signed-by name");
			goto fail;
		}
	}
	if (rv < 0) {
		e->file = s->csv;
		goto fail;
	}
	csvin_close(c);
	if (s->n > 1)
		qsort(s->r, s->n, sizeof *s->r, by_key);
	return s;
fail:
	csvin_close(c);
	signoff_free(s);
	return NULL;
}

/* The first record of this client and day, or NULL. */
static struct srec *
first_of(struct signoff *s, tdate d, const char *client)
{
	size_t lo = 0, hi = s->n;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		const struct srec *x = &s->r[mid];
		int cmp = x->date != d ? (x->date < d ? -1 : 1) : strcmp(x->client, client);

		if (cmp < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < s->n && s->r[lo].date == d && strcmp(s->r[lo].client, client) == 0 ?
		       &s->r[lo] : NULL;
}

/*
 * A held session of the files named: its clients present (a group session's attendees not
 * absent, else its client) and every `signed:` on it. A group entry takes one signature
 * per attendee who signs; a client name too long to be an ID (tally-check refuses it)
 * signs nothing.
 */
struct held {
	char id[GROUP_MAX][CLIENT_ID_MAX + 2];
	size_t n;
	struct span sig[GROUP_MAX];
	size_t nsig;
	bool group;
};

static int
add_signer(const struct vval *v, void *arg)
{
	struct held *h = arg;

	if (h->nsig < GROUP_MAX)
		h->sig[h->nsig++] = v->raw;
	return 0;
}

static bool
held(const struct jitem *it, struct held *h)
{
	struct client_tags tg;
	struct attendee a[GROUP_MAX];
	size_t n;

	if (it->kind != J_TXN || it->depth > 0)
		return false;
	clients_tags(it->txn, &tg);
	if (clients_kind_of(&tg) != SESSION_HELD || !clients_has(&tg, CT_CLIENT))
		return false;
	h->n = h->nsig = 0;
	h->group = group_is(it->txn);
	if (!h->group) {
		a[0] = (struct attendee){clients_tag(&tg, CT_CLIENT), SESSION_HELD};
		n = 1;
	} else if ((n = group_attendees(it->txn, a, GROUP_MAX, NULL)) > GROUP_MAX) {
		n = GROUP_MAX;  /* more is an error tally-check reports */
	}
	for (size_t i = 0; i < n; i++)
		if (a[i].kind == SESSION_HELD &&
		    clients_slug(a[i].id, h->id[h->n], sizeof h->id[h->n]) <= CLIENT_ID_MAX)
			h->n++;
	vocab_each(it->txn, VT_SIGNED, add_signer, h);
	return h->n > 0;
}

/* Whether the entry carries `signed: name`. */
static bool
signed_by(const struct held *h, const char *name)
{
	for (size_t i = 0; i < h->nsig; i++)
		if (strlen(name) == h->sig[i].n && memcmp(name, h->sig[i].p, h->sig[i].n) == 0)
			return true;
	return false;
}

static void
keep_error(struct signoff *s, const struct journal *j, struct terr *e)
{
	*e = *journal_error(j);
	if (e->file) {
		free(s->errfile);
		e->file = s->errfile = xstrdup(e->file);
	}
}

int
signoff_plan(struct signoff *s, char *const *files, size_t nfiles, struct terr *e)
{
	struct journal *j = journal_open((const char *const *)files, nfiles, JOURNAL_NO_BALANCE);
	struct jitem *it;
	long item = 0;
	int rv, status = 0;
	/* Unsigned sessions per record group are taken after the signed ones: keep them. */
	struct pend {
		long item;
		struct srec *first;
	} *pend = NULL;
	size_t npend = 0;
	struct held *h = xmalloc(sizeof *h);

	while ((rv = journal_next(j, &it)) != 0) {
		struct srec *x;

		if (rv < 0) {
			if (!status)
				keep_error(s, j, e);
			status = -1;
			continue;
		}
		item++;
		if (!held(it, h))
			continue;
		for (size_t c = 0; c < h->n; c++) {
			bool answered = false;

			if (!(x = first_of(s, it->txn->date, h->id[c])))
				continue;
			/* Already signed with a record's name: it answers the first such record. */
			for (struct srec *y = x; y < s->r + s->n && y->date == it->txn->date &&
			     strcmp(y->client, h->id[c]) == 0 && !answered; y++)
				if (y->item < 0 && signed_by(h, y->name)) {
					y->item = item;
					answered = true;
				}
			/* Unsigned (a group: not by this attendee's record) waits for the rest. */
			if (!answered && (h->nsig == 0 || h->group)) {
				pend = xrealloc(pend, (npend + 1) * sizeof *pend);
				pend[npend++] = (struct pend){item, x};
			}
		}
	}
	journal_close(j);
	for (size_t i = 0; i < npend && status == 0; i++)
		for (struct srec *x = pend[i].first; x < s->r + s->n && x->date == pend[i].first->date &&
		     strcmp(x->client, pend[i].first->client) == 0; x++)
			if (x->item < 0) {
				x->item = pend[i].item;
				x->add = true;
				s->added++;
				break;
			}
	free(pend);
	free(h);
	for (size_t i = 0; i < s->n && status == 0; i++)
		if (s->r[i].item < 0) {
			char day[11];

			date_format(day, s->r[i].date);
			terr_set(e, s->csv, s->r[i].line, "no unsigned held session of %s on %s",
				 s->r[i].client, day);
			status = -1;
		}
	return status;
}

static int
by_item(const void *a, const void *b)
{
	const struct srec *const *x = a, *const *y = b;

	if ((*x)->item != (*y)->item)
		return (*x)->item > (*y)->item ? 1 : -1;
	return (*x > *y) - (*x < *y);  /* a group's signatures in the sheet's order */
}

/*
 * Writes an entry with `; signed: NAME` lines (v[0..n): a group's attendees each sign; one
 * name written once) after its header and comment lines.
 */
static void
write_signed(struct out *o, const struct jitem *it, struct srec *const *v, size_t n)
{
	const char *p = it->text, *end = it->text + it->len, *at;
	const char *nl = memchr(p, '\n', (size_t)(end - p));

	at = nl ? nl + 1 : end;
	while (at < end) {
		const char *q = at, *e2;

		while (q < end && (*q == ' ' || *q == '\t'))
			q++;
		if (q == at || q >= end || *q != ';')
			break;
		e2 = memchr(q, '\n', (size_t)(end - q));
		at = e2 ? e2 + 1 : end;
	}
	out_write(o, p, (size_t)(at - p));
	if (at > p && at[-1] != '\n')
		out_puts(o, "\n");
	for (size_t i = 0; i < n; i++) {
		size_t k = 0;

		while (k < i && strcmp(v[k]->name, v[i]->name) != 0)
			k++;
		if (k == i)
			out_printf(o, "    ; signed: %s\n", v[i]->name);
	}
	out_write(o, at, (size_t)(end - at));
}

int
signoff_write(struct signoff *s, char *const *files, size_t nfiles, struct out *o, struct terr *e)
{
	struct journal *j = journal_open((const char *const *)files, nfiles, JOURNAL_NO_BALANCE);
	struct srec **v = xcalloc(s->n + 1, sizeof *v);
	struct jitem *it;
	size_t nv = 0, k = 0;
	long item = 0;
	int rv, status = 0;

	for (size_t i = 0; i < s->n; i++)
		if (s->r[i].add)
			v[nv++] = &s->r[i];
	qsort(v, nv, sizeof *v, by_item);
	while ((rv = journal_next(j, &it)) != 0) {
		if (rv < 0) {
			if (!status)
				keep_error(s, j, e);
			status = -1;
			continue;
		}
		item++;
		if (it->depth > 0)
			continue;
		if (k < nv && v[k]->item == item) {
			size_t first = k;

			while (k < nv && v[k]->item == item)
				k++;
			write_signed(o, it, v + first, k - first);
		} else {
			write_item(o, it, NULL, 0);
		}
	}
	journal_close(j);
	free(v);
	return status;
}

long
signoff_added(const struct signoff *s)
{
	return s->added;
}

void
signoff_free(struct signoff *s)
{
	if (!s)
		return;
	for (size_t i = 0; i < s->n; i++)
		free(s->r[i].name);
	free(s->r);
	free(s->errfile);
	free(s);
}
