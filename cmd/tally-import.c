/*
 * tally-import: bank CSV exports to journal entries, with hledger's CSV rules. Rows the
 * journal already holds (--journal) are not written again, counted one for one, and
 * client payments settle open invoices: by the invoice number they name, else by an amount
 * that equals exactly one open invoice of a client whose name or payer: pattern matches.
 *
 * Rows stream through the rules into a spool file with a small index (date, offset); at the
 * end the index is put in date order (newest-first exports reversed, as hledger does) and
 * the entries are copied out. Memory follows the journal given (dedup index, invoices),
 * never the size of the CSV.
 */
#include <getopt.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

#include "tally.h"

static const char *prog = "tally-import";
static bool report;
static const char *receivable = "Assets:Receivable";
static bool keyed;               /* rows need dedup keys: a journal, or several CSVs */
static bool journal_style;       /* write amounts with the journal's decimal marks */

static void
usage(FILE *f, int status)
{
	fprintf(f, "usage: %s --rules FILE [-f|--journal FILE]... [-i JOURNAL] [--report]\n"
		   "       [--receivable PREFIX] CSV...\n", prog);
	exit(status);
}

/* ---- a growable text buffer ---- */

struct buf {
	char *p;
	size_t n, cap;
};

static void
bput(struct buf *b, const char *s, size_t n)
{
	if (b->n + n + 1 > b->cap) {
		while (b->n + n + 1 > b->cap)
			b->cap = b->cap ? b->cap * 2 : 1024;
		b->p = xrealloc(b->p, b->cap);
	}
	memcpy(b->p + b->n, s, n);
	b->n += n;
	b->p[b->n] = '\0';
}

static void
bputs(struct buf *b, const char *s)
{
	bput(b, s, strlen(s));
}

/* ---- dedup index: what the journal already holds, counted ---- */

static uint64_t
fnv(uint64_t h, const void *p, size_t n)
{
	const unsigned char *s = p;

	while (n--)
		h = (h ^ *s++) * 1099511628211u;
	return h;
}

#define FNV0 1469598103934665603u

/* Descriptions and codes compare trimmed, case-folded (ASCII), blanks collapsed. 0: empty. */
static uint64_t
text_hash(const char *s, size_t n)
{
	uint64_t h = FNV0;
	bool any = false, space = false;

	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == ';')  /* journal readers end a description at ';' */
			break;
		if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
			space = any;
			continue;
		}
		if (space)
			h = fnv(h, " ", 1);
		space = false;
		any = true;
		c = (unsigned char)(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
		h = fnv(h, &c, 1);
	}
	return any ? (h ? h : 1) : 0;
}

/* Date, account (brackets removed), amount with trailing zero decimals dropped. */
static uint64_t
row_key(tdate d, const char *acct, size_t n, const struct amount *amt)
{
	struct amount a = *amt;
	const char *com = commodity_name(a.com);
	uint64_t h = FNV0;

	if (n >= 2 && (acct[0] == '(' || acct[0] == '[') && (acct[n - 1] == ')' || acct[n - 1] == ']'))
		acct++, n -= 2;
	amount_normalize(&a, 0);
	h = fnv(h, &d, sizeof d);
	h = fnv(h, acct, n);
	h = fnv(h, "", 1);
	h = fnv(h, com, strlen(com));
	h = fnv(h, &a.q, sizeof a.q);
	h = fnv(h, &a.scale, sizeof a.scale);
	return h ? h : 1;
}

struct seen {
	uint64_t key, desc, code;
	uint32_t next;            /* next entry in the bucket + 1, 0 = none */
	bool used;
	const char *file;
	long line;
};

static struct seen *seen;
static size_t nseen, capseen;
static uint32_t *heads;
static size_t nheads;

static void
seen_rehash(void)
{
	nheads = nheads ? nheads * 2 : 1024;
	free(heads);
	heads = xcalloc(nheads, sizeof *heads);
	for (size_t i = 0; i < nseen; i++) {
		size_t b = seen[i].key & (nheads - 1);

		seen[i].next = heads[b];
		heads[b] = (uint32_t)(i + 1);
	}
}

static void
seen_add(uint64_t key, uint64_t desc, uint64_t code, const char *file, long line)
{
	size_t b;

	if (nseen == capseen) {
		capseen = capseen ? capseen * 2 : 1024;
		seen = xrealloc(seen, capseen * sizeof *seen);
	}
	seen[nseen] = (struct seen){key, desc, code, 0, false, file, line};
	nseen++;
	if (nseen > nheads)
		seen_rehash();
	else {
		b = key & (nheads - 1);
		seen[nseen - 1].next = heads[b];
		heads[b] = (uint32_t)nseen;
	}
}

/* Finds and uses up an unused entry with this key and the same description or code. */
static struct seen *
seen_take(uint64_t key, uint64_t desc, uint64_t code)
{
	struct seen *best = NULL;

	if (!nheads)
		return NULL;
	/* Buckets are newest first: walk them all so the oldest match is used first. */
	for (uint32_t i = heads[key & (nheads - 1)]; i; i = seen[i - 1].next) {
		struct seen *s = &seen[i - 1];

		if (s->key == key && !s->used &&
		    ((desc && s->desc == desc) || (code && s->code == code) || (!desc && !s->desc)))
			best = s;
	}
	if (best)
		best->used = true;
	return best;
}

/* The accounts rows can have as first posting (nfirst < 0: any): only those are indexed. */
#define MAXFIRST 64
static const char *first_names[MAXFIRST];
static size_t first_lens[MAXFIRST];
static long nfirst = -1;

static bool
first_account(const char *a, size_t n)
{
	if (nfirst < 0)
		return true;
	for (long k = 0; k < nfirst; k++) {
		const char *f = first_names[k];
		size_t fn = first_lens[k];

		if (fn >= 2 && (f[0] == '(' || f[0] == '[') && (f[fn - 1] == ')' || f[fn - 1] == ']'))
			f++, fn -= 2;
		if (fn == n && memcmp(f, a, n) == 0)
			return true;
	}
	return false;
}

static void
seen_observe(const struct jitem *it)
{
	const struct txn *t = it->txn;
	uint64_t desc = text_hash(t->desc.p, t->desc.n), code = text_hash(t->code.p, t->code.n);

	for (size_t i = 0; i < t->np; i++) {
		const struct posting *p = &t->p[i];

		if ((p->has_amount || p->inferred) && first_account(p->acct, p->acct_len))
			seen_add(row_key(t->date, p->acct, p->acct_len, &p->amt), desc, code,
				 it->file, p->line);
	}
}

/* ---- invoices and payers ---- */

struct open_inv {
	const struct invoice *inv;
	struct amount due;        /* still to pay */
};

struct payer {
	char *client;
	struct regex *re;
};

static struct invoices *invs;
static struct open_inv *openinv;
static size_t nopen;
static struct payer *payers;
static size_t npayers;

static void
add_payer(const char *client, size_t cn, const char *pat, size_t pn, const char *file, long line)
{
	char why[400];
	struct regex *re = regex_compile(pat, pn, why, sizeof why);

	if (!re) {
		fprintf(stderr, "%s: %s:%ld: payer: %s\n", prog, file, line, why);
		exit(1);
	}
	payers = xrealloc(payers, (npayers + 1) * sizeof *payers);
	payers[npayers].client = xstrndup(client, cn);
	payers[npayers].re = re;
	npayers++;
}

struct payer_arg {
	const char *id;
	size_t n;
	const struct jitem *it;
};

static int
payer_tag(struct span key, struct span value, void *arg)
{
	struct payer_arg *a = arg;

	if (span_eq(key, "payer") && value.n)
		add_payer(a->id, a->n, value.p, value.n, a->it->file, a->it->txn->comment_line);
	return 0;
}

/* A client event (no postings) with client: and payer: tags (one or more) names payers. */
static void
payer_observe(const struct jitem *it)
{
	struct span c;
	char id[128];
	struct payer_arg a = {id, 0, it};

	if (it->txn->np || !txn_tag(it->txn, "client", &c))
		return;
	a.n = clients_slug(c, id, sizeof id);
	if (a.n)
		tag_each(it->txn->comment, payer_tag, &a);
}

/* Each client is also known by its ID as words: "ana-garcia" matches "ANA GARCIA". */
static void
name_payers(void)
{
	for (size_t i = 0; i < nopen; i++) {
		const char *id = openinv[i].inv->client;
		struct buf b = {0};
		bool seen_before = false;

		for (size_t k = 0; k < i; k++)
			if (strcmp(openinv[k].inv->client, id) == 0)
				seen_before = true;
		if (seen_before || !*id)
			continue;
		bputs(&b, "\\b");
		for (const char *s = id; *s; s++) {
			if (*s == '-')
				bputs(&b, "[\\s.-]+");
			else if ((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9'))
				bput(&b, s, 1);
			else
				bput(&b, "\\", 1), bput(&b, s, 1);
		}
		bputs(&b, "\\b");
		add_payer(id, strlen(id), b.p, b.n, "<client id>", 0);
		free(b.p);
	}
}

static bool
isalnum_c(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

/* Does text name invoice number num as a whole token? */
static bool
names(const char *text, size_t tn, const char *num)
{
	size_t n = strlen(num);

	if (!n)
		return false;
	for (size_t i = 0; i + n <= tn; i++) {
		if (strncasecmp(text + i, num, n) != 0)
			continue;
		if ((i == 0 || !isalnum_c(text[i - 1])) && (i + n == tn || !isalnum_c(text[i + n])))
			return true;
	}
	return false;
}

/* ---- the import ---- */

struct ent {
	tdate date;
	uint32_t len;
	uint64_t seq;             /* order after newest-first files are turned around */
	off_t off;
};

static struct ent *ents;
static size_t nents, capents;
static FILE *spool;
static off_t spool_off;
static long nrows, nwritten, ndup, nmatched, nunmatched;

struct pending {                  /* rows written from the current CSV, for later CSVs */
	uint64_t key, desc, code;
	const char *file;
	long line;
};
static struct pending *pend;
static size_t npend, cappend;
static bool later_files;          /* more CSV files follow the current one */

static void
fmt_date(struct buf *b, tdate d)
{
	char s[16];

	date_format(s, d);
	bputs(b, s);
}

/* Comment text, one "; line" per line; the first on the header/posting line. */
static void
put_comment_lines(struct buf *b, const char *c, bool first_inline, const char *indent)
{
	const char *nl;
	bool first = true;

	while (c) {
		size_t n;

		nl = strchr(c, '\n');
		n = nl ? (size_t)(nl - c) : strlen(c);
		if (first && first_inline) {
			if (n) {
				bputs(b, "  ; ");
				bput(b, c, n);
			}
			bputs(b, "\n");
		} else {
			bputs(b, indent);
			bputs(b, "; ");
			bput(b, c, n);
			bputs(b, "\n");
		}
		first = false;
		c = nl ? nl + 1 : NULL;
	}
	if (first && first_inline)
		bputs(b, "\n");
}

/* A description or code on one line: each line stripped, empty ones dropped, joined by a
 * space (as hledger prints them). */
static void
put_oneline(struct buf *b, const char *s, size_t n)
{
	bool first = true;

	while (n) {
		const char *nl = NULL, *l = s;
		size_t k, m;

		for (k = 0; k < n && !nl; k++)
			if (s[k] == '\n' || s[k] == '\r')
				nl = s + k;
		k = nl ? (size_t)(nl - s) : n;
		m = k;
		while (m && (*l == ' ' || *l == '\t' || *l == '\r'))
			l++, m--;
		while (m && (l[m - 1] == ' ' || l[m - 1] == '\t' || l[m - 1] == '\r'))
			m--;
		if (m) {
			if (!first)
				bput(b, " ", 1);
			bput(b, l, m);
			first = false;
		}
		s += k + (nl != NULL);
		n -= k + (nl != NULL);
	}
}

/* With a journal, amounts take its style (symbol side, decimal mark); else the CSV's. */
static void
put_amount(struct buf *b, const struct ramount *ra)
{
	char a[2 * AMOUNT_BUF + 8];
	struct ramount x = *ra;
	const struct cstyle *st = commodity_style(x.a.com);

	if (journal_style && x.a.com && (st->mark_known || st->prec > 0)) {
		x.left = st->left;
		x.space = st->space;
	}
	if (journal_style && st->mark_known && (st->decimal == '.' || st->decimal == ','))
		x.dec = st->decimal;
	ramount_format(a, sizeof a, &x);
	bputs(b, a);
}

static void
render(struct buf *b, const struct rtxn *t, const char *acct2, const char *tags)
{

	b->n = 0;
	fmt_date(b, t->date);
	if (t->date2 != DATE_NONE) {
		bputs(b, "=");
		fmt_date(b, t->date2);
	}
	if (t->status)
		bput(b, (char[]){' ', t->status}, 2);
	if (t->code_len) {
		bputs(b, " (");
		put_oneline(b, t->code, t->code_len);
		bputs(b, ")");
	}
	if (t->desc_len) {
		bputs(b, " ");
		put_oneline(b, t->desc, t->desc_len);
	}
	put_comment_lines(b, t->comment, true, "    ");
	if (tags)
		bputs(b, tags);
	for (size_t i = 0; i < t->np; i++) {
		const struct rposting *p = &t->p[i];

		bputs(b, "    ");
		if (i == 1 && acct2)
			bputs(b, acct2);
		else
			put_oneline(b, p->account, p->account_len);
		if (p->has_amt) {
			bputs(b, "  ");
			put_amount(b, &p->amt);
		}
		if (p->has_bal) {
			bputs(b, p->has_amt ? " = " : "  = ");
			put_amount(b, &p->bal);
		}
		if (p->comment)
			put_comment_lines(b, p->comment, true, "      ");
		else
			bputs(b, "\n");
	}
	bputs(b, "\n");
}

/* Does any field of the record name invoice number num, or match the client's payers? */
static bool
names_in(const struct csvrec *r, const char *num)
{
	for (size_t i = 0; i < r->nf; i++)
		if (names(r->f[i], r->len[i], num))
			return true;
	return false;
}

static bool
payer_matches(const char *client, const struct csvrec *r)
{
	for (size_t k = 0; k < npayers; k++) {
		if (strcmp(payers[k].client, client) != 0)
			continue;
		for (size_t i = 0; i < r->nf; i++)
			if (regex_match(payers[k].re, r->f[i], r->len[i]) == 1)
				return true;
	}
	return false;
}

/*
 * Settles an invoice with an incoming payment, or lists the candidates when more than one
 * fits. Returns the invoice index, -1 for none; *cands gets "INV (client), ..." when several.
 */
static long
match_invoice(const struct rtxn *t, struct buf *cands, const char **how)
{
	const struct ramount *amt = &t->p[0].amt;
	long hit = -1, nhits = 0;

	cands->n = 0;
	bput(cands, "", 0);
	for (size_t i = 0; i < nopen; i++) {
		if (amount_sign(&openinv[i].due) <= 0 || !names_in(t->record, openinv[i].inv->number))
			continue;
		if (nhits++)
			bputs(cands, ", ");
		bputs(cands, openinv[i].inv->number);
		hit = (long)i;
	}
	*how = "number";
	if (nhits == 1)
		return hit;
	if (nhits > 1)
		return -1;
	for (size_t i = 0; i < nopen; i++) {
		const struct open_inv *o = &openinv[i];

		if (amount_sign(&o->due) <= 0 || o->due.com != amt->a.com ||
		    amount_cmp(&o->due, &amt->a) != 0 ||
		    !payer_matches(o->inv->client, t->record))
			continue;
		if (nhits++)
			bputs(cands, ", ");
		bputs(cands, o->inv->number);
		bputs(cands, " (");
		bputs(cands, o->inv->client);
		bputs(cands, ")");
		hit = (long)i;
	}
	*how = "amount and payer";
	return nhits == 1 ? hit : -1;
}

static void
where(const struct rtxn *t)
{
	fprintf(stderr, "%s: %s:%ld: ", prog, t->record->file, t->record->line);
}

static int
import_row(const struct rtxn *t, struct buf *out, struct terr *e)
{
	struct buf tags = {0};
	static struct buf cands;
	char acct2[512], a[2 * AMOUNT_BUF + 8];
	const char *acct2p = NULL, *how;
	uint64_t key = 0, desc = 0, code = 0;

	nrows++;
	if (t->np && t->p[0].has_amt && keyed) {
		const struct rposting *p = &t->p[0];
		struct seen *s;

		key = row_key(t->date, p->account, p->account_len, &p->amt.a);
		desc = text_hash(t->desc, t->desc_len);
		code = text_hash(t->code, t->code_len);
		if ((s = seen_take(key, desc, code))) {
			ndup++;
			if (report) {
				where(t);
				fprintf(stderr, "already in %s:%ld, skipped\n", s->file, s->line);
			}
			return 0;
		}
	}
	if (nopen && t->np == 2 && t->p[0].has_amt && amount_sign(&t->p[0].amt.a) > 0) {
		long i = match_invoice(t, &cands, &how);
		struct buf ab = {0};

		put_amount(&ab, &t->p[0].amt);
		snprintf(a, sizeof a, "%s", ab.p);
		free(ab.p);
		if (i >= 0) {
			struct open_inv *o = &openinv[i];

			snprintf(acct2, sizeof acct2, "%s:%s", receivable, o->inv->client);
			acct2p = acct2;
			bputs(&tags, "    ; client: ");
			bputs(&tags, o->inv->client);
			bputs(&tags, "\n    ; invoice: ");
			bputs(&tags, o->inv->number);
			bputs(&tags, "\n");
			amount_neg(&o->due);
			if (amount_add(&o->due, &o->due, &t->p[0].amt.a) < 0) {
				terr_set(e, t->record->file, t->record->line, "amount too large");
				free(tags.p);
				return -1;
			}
			amount_neg(&o->due);
			nmatched++;
			if (report) {
				where(t);
				fprintf(stderr, "%s settles %s (%s, by %s)%s\n", a, o->inv->number,
					o->inv->client, how,
					amount_sign(&o->due) > 0 ? ": partial, the rest stays open" : "");
			}
		} else if (cands.n) {
			bputs(&tags, "    ; unmatched: ");
			bputs(&tags, cands.p);
			bputs(&tags, "\n");
			nunmatched++;
			if (report) {
				where(t);
				fprintf(stderr, "%s not matched: it fits %s\n", a, cands.p);
			}
		} else if (report) {
			where(t);
			fprintf(stderr, "%s not matched: no open invoice fits\n", a);
		}
	}
	render(out, t, acct2p, tags.n ? tags.p : NULL);
	free(tags.p);
	if (fwrite(out->p, 1, out->n, spool) != out->n) {
		terr_set(e, NULL, 0, "cannot write the spool file");
		return -1;
	}
	if (nents == capents) {
		capents = capents ? capents * 2 : 4096;
		ents = xrealloc(ents, capents * sizeof *ents);
	}
	ents[nents] = (struct ent){t->date, (uint32_t)out->n, nents, spool_off};
	nents++;
	spool_off += (off_t)out->n;
	nwritten++;
	if (key && later_files) {
		if (npend == cappend) {
			cappend = cappend ? cappend * 2 : 256;
			pend = xrealloc(pend, cappend * sizeof *pend);
		}
		pend[npend++] = (struct pending){key, desc, code, t->record->file, t->record->line};
	}
	return 0;
}

static int
import_csv(struct rules *r, const char *path, bool more, struct terr *e)
{
	struct csvin *c = csvin_open(path, rules_separator(r, path), rules_encoding(r), e);
	struct csvrec rec;
	struct rtxn t;
	struct buf out = {0};
	long skip = rules_skip(r);
	size_t first = nents;
	tdate first_date = DATE_NONE, last_date = DATE_NONE;
	int rc;

	if (!c)
		return -1;
	npend = 0;
	later_files = more;
	while ((rc = csvin_next(c, &rec, e)) > 0) {
		if (skip > 0) {
			skip--;
			continue;
		}
		rc = rules_apply(r, &rec, &t, e);
		if (rc < 0)
			break;
		if (rc != RULES_ROW)
			continue;
		if (first_date == DATE_NONE)
			first_date = t.date;
		last_date = t.date;
		if (import_row(&t, &out, e) < 0) {
			rc = -1;
			break;
		}
	}
	/* A newest-first export (said, or seen: first date after the last) is turned around. */
	if (rc == 0 && nents - first > 1 &&
	    (rules_newest_first(r) || first_date > last_date)) {
		for (size_t i = first, j = nents - 1; i < j; i++, j--) {
			struct ent x = ents[i];

			ents[i] = ents[j];
			ents[j] = x;
		}
		for (size_t i = first; i < nents; i++)
			ents[i].seq = i;
	}
	if (rc == 0 && more)
		for (size_t i = 0; i < npend; i++)
			seen_add(pend[i].key, pend[i].desc, pend[i].code, pend[i].file, pend[i].line);
	free(out.p);
	csvin_close(c);
	return rc;
}

static int
ent_cmp(const void *a, const void *b)
{
	const struct ent *x = a, *y = b;

	if (x->date != y->date)
		return x->date < y->date ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/* Copies the spooled entries to o in date order. */
static int
emit(struct out *o)
{
	bool inorder = true;
	char *chunk = xmalloc(1 << 16);

	for (size_t i = 1; i < nents && inorder; i++)
		if (ents[i].off < ents[i - 1].off)
			inorder = false;
	for (size_t i = 1; i < nents && inorder; i++)
		if (ents[i].date < ents[i - 1].date)
			inorder = false;
	if (!inorder)
		qsort(ents, nents, sizeof *ents, ent_cmp);
	if (fflush(spool) != 0)
		goto fail;
	if (inorder) {
		size_t got;

		rewind(spool);
		while ((got = fread(chunk, 1, 1 << 16, spool)) > 0)
			out_write(o, chunk, got);
		if (ferror(spool))
			goto fail;
	} else {
		size_t cap = 1 << 16;

		for (size_t i = 0; i < nents; i++) {
			if (ents[i].len > cap) {
				cap = ents[i].len;
				chunk = xrealloc(chunk, cap);
			}
			if (fseeko(spool, ents[i].off, SEEK_SET) != 0 ||
			    fread(chunk, 1, ents[i].len, spool) != ents[i].len)
				goto fail;
			out_write(o, chunk, ents[i].len);
		}
	}
	free(chunk);
	return 0;
fail:
	free(chunk);
	return -1;
}

/* Reads the journals: what they hold (dedup), their invoices and payer patterns. */
static struct journal *
load_journals(char **files, size_t n, int *status)
{
	struct journal *j = journal_open((const char *const *)files, n, 0);
	struct jitem *it;
	struct terr e;
	int r;

	invs = invoices_new(receivable);
	while ((r = journal_next(j, &it)) != 0) {
		if (r < 0) {
			terr_print(prog, journal_error(j));
			*status = 1;
			continue;
		}
		if (it->kind != J_TXN)
			continue;
		seen_observe(it);
		payer_observe(it);
		if (invoices_observe(invs, it, &e) < 0) {
			terr_print(prog, &e);
			*status = 1;
		}
	}
	for (size_t i = 0; i < invoices_count(invs); i++) {
		const struct invoice *v = invoices_at(invs, i);
		struct amount due = v->paid;

		amount_neg(&due);
		if (amount_add(&due, &due, &v->total) < 0 || amount_sign(&due) <= 0)
			continue;
		openinv = xrealloc(openinv, (nopen + 1) * sizeof *openinv);
		openinv[nopen].inv = v;
		openinv[nopen].due = due;
		nopen++;
	}
	name_payers();
	return j;
}

/* Copies the journal being changed in place, ending it with a blank line. */
static int
copy_journal(struct out *o, const char *path, struct terr *e)
{
	FILE *f = fopen(path, "rb");
	char chunk[1 << 14], last[2] = {'\n', '\n'};
	size_t got;

	if (!f) {
		terr_set(e, path, 0, "cannot read");
		return -1;
	}
	while ((got = fread(chunk, 1, sizeof chunk, f)) > 0) {
		out_write(o, chunk, got);
		if (got >= 2) {
			last[0] = chunk[got - 2];
			last[1] = chunk[got - 1];
		} else {
			last[0] = last[1];
			last[1] = chunk[0];
		}
	}
	fclose(f);
	if (nents) {
		if (last[1] != '\n')
			out_puts(o, "\n\n");
		else if (last[0] != '\n')
			out_puts(o, "\n");
	}
	return 0;
}

int
main(int argc, char **argv)
{
	static const struct option opts[] = {
		{"rules", required_argument, NULL, 'r'},
		{"journal", required_argument, NULL, 'j'},
		{"file", required_argument, NULL, 'j'},
		{"in-place", required_argument, NULL, 'i'},
		{"report", no_argument, NULL, 'R'},
		{"receivable", required_argument, NULL, 'A'},
		{"help", no_argument, NULL, 'h'},
		{"version", no_argument, NULL, 'V'},
		{NULL, 0, NULL, 0},
	};
	char **jfiles = xcalloc((size_t)argc + 1, sizeof *jfiles);
	size_t nj = 0;
	const char *rulesfile = NULL, *inplace = NULL;
	struct rules *r;
	struct journal *j = NULL;
	struct out *o = NULL;
	struct wpath *w;
	struct terr e = {0};
	int c, status = 0;

	while ((c = getopt_long(argc, argv, "f:i:h", opts, NULL)) != -1) {
		switch (c) {
		case 'r': rulesfile = optarg; break;
		case 'j': jfiles[nj++] = optarg; break;
		case 'i': inplace = optarg; break;
		case 'R': report = true; break;
		case 'A': receivable = optarg; break;
		case 'h': usage(stdout, 0); break;
		case 'V':
			printf("%s %s\n", prog, TALLY_VERSION);
			free(jfiles);
			return fshut_stdout(prog) < 0;
		default: usage(stderr, 2);
		}
	}
	if (!rulesfile || optind == argc) {
		fprintf(stderr, "%s: %s\n", prog, !rulesfile ? "--rules FILE is required" :
			"no CSV file named (use - for standard input)");
		usage(stderr, 2);
	}
	if (inplace) {  /* -i FILE is read as a --journal too, once */
		size_t k;

		for (k = 0; k < nj && strcmp(jfiles[k], inplace) != 0; k++)
			;
		if (k == nj)
			jfiles[nj++] = (char *)inplace;
	}
	/* The journal is locked before it is read; an output that is a CSV input is refused. */
	w = wpath_new(argv + optind, (size_t)(argc - optind));
	if ((c = wpath_add(w, inplace, WP_EDIT, &o, &e)) != 0 || wpath_open(w, &e) < 0) {
		terr_print(prog, &e);
		wpath_abort(w);
		free(jfiles);
		return c == WPATH_REFUSED ? 2 : 1;
	}
	for (size_t k = 0; k < nj; k++)
		if (journal_append_check(jfiles[k], &e) < 0) {
			terr_print(prog, &e);
			wpath_abort(w);
			free(jfiles);
			return 1;
		}
	if (!(r = rules_load(rulesfile, &e))) {
		terr_print(prog, &e);
		wpath_abort(w);
		free(jfiles);
		return 1;
	}
	nfirst = rules_first_accounts(r, first_names, first_lens, MAXFIRST);
	if (nj)
		j = load_journals(jfiles, nj, &status);
	keyed = nj > 0 || argc - optind > 1;
	journal_style = nj > 0;
	if (status == 0 && !(spool = tmpfile())) {
		fprintf(stderr, "%s: cannot make a temporary file\n", prog);
		status = 1;
	}
	for (int k = optind; k < argc && status == 0; k++)
		if (import_csv(r, argv[k], k + 1 < argc, &e) < 0) {
			terr_print(prog, &e);
			status = 1;
		}
	if (status == 0) {
		if ((inplace && copy_journal(o, inplace, &e) < 0) || emit(o) < 0) {
			if (!*e.msg)
				terr_set(&e, NULL, 0, "cannot read back the spool file");
			terr_print(prog, &e);
			wpath_abort(w);
			status = 1;
		} else if (wpath_commit(w, &e) < 0) {
			terr_print(prog, &e);
			status = 1;
		}
		w = NULL;
	}
	if (w)
		wpath_abort(w);
	if (report && status == 0)
		fprintf(stderr, "%s: %ld rows: %ld written, %ld already in the journal, "
			"%ld matched to invoices, %ld ambiguous\n",
			prog, nrows, nwritten, ndup, nmatched, nunmatched);
	if (spool)
		fclose(spool);
	if (j)
		journal_close(j);
	if (invs)
		invoices_free(invs);
	for (size_t i = 0; i < npayers; i++) {
		free(payers[i].client);
		regex_free(payers[i].re);
	}
	free(payers);
	free(openinv);
	free(seen);
	free(heads);
	free(ents);
	free(pend);
	free(jfiles);
	rules_free(r);
	if (fshut_stdout(prog) < 0)
		status = 1;
	commodity_reset();
	return status;
}
