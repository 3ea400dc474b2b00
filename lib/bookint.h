/*
 * bookint.h: what the book's files (clients.c, packages.c, book*.c) share and
 * commands do not see.
 */
#ifndef TALLY_BOOKINT_H
#define TALLY_BOOKINT_H

#include <sys/stat.h>

#include "tally.h"
#include "internal.h"  /* spelt_cache */

struct clients {
	char *prefix[C_NACCT];  /* account prefixes, without the trailing ':' */
	size_t plen[C_NACCT];
	/* each prefix lowered, and 0x20 where it has a letter: clients_classify compares a
	 * word at a time, (byte | fold) == low being strncasecmp's test in the C locale */
	char *low[C_NACCT], *fold[C_NACCT];
	uint8_t first[256];     /* bit k: prefix k may start with this byte (either case) */
	struct strmap *ids;     /* the slug -> its number in list[] */
	struct strmap *spelled; /* names as written -> client, so most lookups slug nothing */
	struct spelt_cache cache;  /* in front of it: every entry asks for its client */
	struct client **list;   /* in order of first appearance */
	size_t n, listcap;
};

/* A spelling the cache does not hold: by the map, else the client of its slug (a new one
 * when create). */
struct client *clients_spell(struct clients *b, struct span name, bool create);
/*
 * A client by any spelling: the spellings met before (as written, so most lookups slug
 * nothing), else by the slug of the name. A name whose slug is too long names nobody: it
 * is never cut to fit (it would merge two clients). Inline: every entry asks.
 */
static inline struct client *
clients_lookup(struct clients *b, struct span name, bool create)
{
	size_t k;

	if (name.n && spelt_get(&b->cache, name.p, name.n, &k))
		return b->list[k];
	return clients_spell(b, name, create);
}

/* Whether the n bytes at s are the prefix (low, fold) in either case: a word at a time. */
static inline bool
same_folded(const char *s, const char *low, const char *fold, size_t n)
{
	uint64_t x, f, y;

	if (n < 8) {
		while (n--)
			if ((*s++ | *fold++) != *low++)
				return false;
		return true;
	}
	for (size_t i = 0; i + 8 < n; i += 8) {
		memcpy(&x, s + i, 8);
		memcpy(&f, fold + i, 8);
		memcpy(&y, low + i, 8);
		if ((x | f) != y)
			return false;
	}
	memcpy(&x, s + n - 8, 8);
	memcpy(&f, fold + n - 8, 8);
	memcpy(&y, low + n - 8, 8);
	return (x | f) == y;
}

/*
 * Which of the book's accounts a posting is in (-1: none); what follows its prefix and ':'
 * is the client's ID and maybe more. Inline: pass 1 asks it of every posting.
 */
static inline int
clients_prefix(const struct clients *b, const struct posting *p)
{
	const char *a = p->acct;

	if (p->acct_len < 2)
		return -1;
	/* only the prefixes its first byte may start (most postings: none) */
	for (unsigned m = b->first[(unsigned char)a[0]]; m; m &= m - 1) {
		int k = __builtin_ctz(m);
		size_t pl = b->plen[k];

		if (p->acct_len > pl + 1 && a[pl] == ':' && same_folded(a, b->low[k], b->fold[k], pl))
			return k;
	}
	return -1;
}

/* Which of the book's accounts a posting is in, and the client it names; -1 for none. */
static inline int
clients_classify(const struct clients *b, const struct posting *p, struct span *who)
{
	int k = clients_prefix(b, p);
	const char *end;

	if (k < 0)
		return -1;
	who->p = p->acct + b->plen[k] + 1;
	who->n = p->acct_len - b->plen[k] - 1;
	if ((end = memchr(who->p, ':', who->n)) != NULL)
		who->n = (size_t)(end - who->p);
	return who->n ? k : -1;
}

/* Frees c's packages (packages.c keeps them with room at both ends). */
void client_packages_free(struct client *c);
/* A leading count ("10", "10 sessions"): the number, or -1. */
long leading_count(struct span v);
/* The tags that set a client's terms: rate, policy, terms, payer. */
int observe_terms(const struct client_tags *tg, const struct jitem *it, struct client *c,
		  struct terr *e);
/*
 * A debit to the prepaid account on d: a lapse recognised (expired; *lapsed gets the
 * sessions), a session used (1), else credit spent (a refund). -1 on overflow.
 */
int package_debit(struct client *c, tdate d, const struct amount *amt, bool session, bool expired,
		  long *lapsed);

/*
 * A `package: N` entry. c: its client: (or NULL); who[i] and sum[i]: the clients whose
 * prepaid accounts its postings move and by how much. Each client credited gets a package:
 * several share the N sessions in proportion to their credits (refused when a share is not
 * a whole number). got[i]: the sessions who[i] bought (0: none). Returns the client the
 * entry is about (c, else the first credited), NULL with *e set.
 */
struct client *clients_package_buy(struct client *c, const struct jitem *it,
				   const struct client_tags *tg, struct client *const *who,
				   const struct amount *sum, size_t n, long *got, struct terr *e);
/* client_package_owner and client_package_place of the owner in one look: the client
 * whose package a session of c on d would take (NULL: none), and where (session *n of *m). */
struct client *client_package_where(struct client *c, tdate d, long *n, long *m);
/* `bill-to: v` on c's entry (billto.c); file: a name that outlives the reader, or NULL. */
int clients_billto_add(struct clients *b, struct client *c, const struct jitem *it, struct span v,
		       const char *file, uint32_t pos, struct terr *e);
/* Each bill-to that closes a cycle on its date, with the item's position. */
void clients_billto_cycles(struct clients *b, void (*report)(const struct terr *e, uint32_t pos,
							    void *arg), void *arg);

/*
 * One event of the book: what pass 1 read of an entry for one client, and what settling it
 * in date order decided. 48 bytes, within the budget of 64 per session event: its amounts
 * q[0..2] are q0 here and, when not zero, q[1] and q[2] in b->ext (bev_get, bev_put).
 */
enum {
	F_UNPRICED = 1,   /* a session event without postings */
	F_WAIVED = 2,     /* `waived:` */
	F_SESSION = 4,    /* `session:` (a debit to the prepaid account uses a session) */
	F_EXPIRED = 8,    /* `expired:` (a debit to the prepaid account lapses a package) */
	F_EXTRA = 16,     /* another client's money in the same entry */
	F_DEPIN = 32,     /* a deposit received: takes effect before the day's sessions */
	F_PACKAGE = 64,   /* a `package:` purchase (n holds the sessions bought) */
	F_NONL = 128,     /* the item's last line has no newline */
};
enum { O_PACKAGE = 1, O_OVER = 2, O_GRACE = 4, O_WRITE = 8, O_CAPPED = 16, O_PRICE = 32,
       O_PAYER = 64, /* the package credit was the payer's (bill-to:) */
       O_OWN = 128   /* read: `price:` in q[2] prices this session */ };
/* Cancellation notice codes below zero: unknown, or why it cannot be told. */
enum { N_UNKNOWN = -1, N_NO_TIME = -2, N_BAD_TIME = -3, N_NO_STAMP = -4, N_BAD_STAMP = -5 };
#define NO_CLIENT UINT32_MAX
struct bev {
	int64_t q0;          /* read: prepaid debit; settled: price (q[1]: deposit change, then
				fee; q[2]: `price:`, then deposit - in b->ext) */
	tdate date;
	uint32_t pos;        /* the item's place in the input */
	uint32_t client;     /* clients_at index, or NO_CLIENT */
	int32_t notice;      /* cancellations: minutes of notice, or N_* */
	int32_t n;           /* held and cancelled: the session's length (-1 unknown, -2 malformed)
				until settled; then a waiver's number. Sessions lapsed by `expired:`;
				sessions bought by `package:` */
	uint32_t ext;        /* q[1], q[2] in b->ext[ext - 1]; 0: both 0 at scale 0 */
	uint32_t off;        /* where the item ends in its file (low 32 bits) ... */
	int16_t com;         /* the commodity of q[] (one beyond int16: the amount goes BIG) */
	uint8_t offhi;       /* ... and the high 8 */
	uint8_t file;        /* the file's index + 1; 0: not in a file the output copies */
	int16_t time;        /* minutes after midnight; -1 none; 1440 after the day's sessions */
	int16_t spare;       /* a group session: the attendee's place among its clients */
	uint8_t kind : 3;    /* enum session_kind; SESSION_NONE: money only */
	uint8_t rc : 4;      /* enum book_rc */
	uint8_t group : 1;   /* one attendee of a group session (group.c) */
	uint8_t flags;       /* F_* */
	uint8_t out;         /* O_* */
	int8_t scale0;       /* q0's scale, or BIG */
};
_Static_assert(sizeof(struct bev) == 48, "an event record is 48 bytes");
/* An event's second and third amounts, kept only when one is not zero (most have none). */
struct bext {
	int64_t q[2];
	int8_t scale[2];
};

struct named {
	char *name;
	struct policy *p;    /* NULL: the name names no usable policy */
};

struct book {
	struct clients *cl;
	struct bev *ev;
	size_t n, cap;
	uint32_t pos;          /* items handed to book_add, then to book_next */
	uint32_t at;           /* pass 1: the item being read (book_problem) */
	struct client *who;    /* the client: of the entry book_add_tags read last */
	int8_t group;          /* pass 1: whether the entry is a group session as its tags were
				  read (book_learn); -1: unknown, book_group reads the text */
	size_t cur;            /* pass 2: the next record */
	tdate last;            /* the latest entry's date */
	struct policy *global;
	char *dir;
	bool check;
	struct named *named;
	size_t nnamed;
	struct book_lapse *lapse;
	size_t nlapse, caplapse, lcur;
	/* where each item is in the files the output copies (book_copy) */
	char *const *files;
	size_t nfiles, fnext;
	size_t fidx;           /* the file being read */
	uint64_t foff;         /* bytes of it read so far */
	uint64_t *fend;        /* each file's size as read */
	struct amount *big;    /* amounts a record cannot hold (bev_put) */
	size_t nbig, capbig;
	struct bext *ext;      /* records' q[1] and q[2] (bev_put) */
	size_t next, capext;
	struct fid {           /* each file as pass 1 found it: pass 2 must read the same */
		dev_t dev;
		ino_t ino;
		off_t size;
		struct timespec mtime;
		bool known;
	} *fid;
	bool nocopy;           /* positions unknown: pass 2 reads items */
	bool placing;          /* positions wanted, in a file named by the user (book_where) */
	bool report;           /* book_opts.report_only: no steps, no places kept */
	bool noplaces;         /* report_only or no_places: no places kept */
	bool nosteps;          /* report_only or no_lapses: no steps kept */
	bool settled;          /* book_settle has run: ... */
	bool unpriced_bad;     /* ... and left a session event without postings unpriced */
	struct deferred {      /* pass 1's errors, said in pass 2 in the input's order */
		uint32_t pos;
		struct terr e;
	} *err;
	size_t nerr, caperr, errcur;
	char **names;          /* their file names (the reader's are gone by pass 2) */
	size_t nnames;
	struct snap {          /* the commodities' styles where they changed, at an event */
		uint32_t pos;
		int n;
		struct cstyle *st;
	} *snaps;
	size_t nsnaps, capsnaps, scur;
	struct bplace {        /* the package sessions taken: session n of m, by position */
		uint32_t pos, client;
		int32_t n, m;
	} *places;
	size_t nplaces, capplaces;
	struct step {          /* the first item dated after every earlier one */
		tdate date;
		uint32_t file;
		uint64_t off;
		uint32_t pos;
	} *steps;
	size_t nsteps, capsteps;
};

/* Where an item that is the first of a file, included, or in an open comment block is. */
uint64_t book_where_more(struct book *b, const struct jitem *it);
/*
 * Follows where items are in the files named by the user; the offset where it starts.
 * Inline: every item passes here, half of them blank lines, and most are at the top level
 * of a file already known (b->placing; once positions are unknown, nothing asks them).
 */
static inline uint64_t
book_where(struct book *b, const struct jitem *it)
{
	uint64_t start = b->foff;

	if (b->placing && it->depth == 0 && it->line != 1 && !it->open_block) {
		b->foff = start + it->len;
		b->fend[b->fidx] = b->foff;
		return start;
	}
	return b->nocopy ? 0 : book_where_more(b, it);
}
/* An entry (book_add_tags' it, at position pos, starting at start): its records, and its
 * client's terms. b->pos is past it already. */
int book_entry(struct book *b, const struct jitem *it, const struct client_tags *tg,
	       uint32_t pos, uint64_t start, struct terr *e);

/* Room for more records (bev_new). */
void book_grow_ev(struct book *b);
/* A new record for the item at pos (inline: most entries make one or more). */
static inline struct bev *
bev_new(struct book *b, uint32_t pos, const struct txn *t)
{
	struct bev *v;

	if (b->n == b->cap)
		book_grow_ev(b);
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
/* Its session fields from the tags; where it ends. */
void bev_session(struct bev *v, const struct txn *t, const struct client_tags *tg,
		 enum session_kind kind);
void bev_place(struct book *b, struct bev *v, const struct jitem *it, uint64_t start);
/* Keeps the commodities' styles at an unpriced event when they changed. */
void book_snapshot(struct book *b, uint32_t pos);
/* `price:` on a session: kept in q[2] for the pricing (O_OWN). -1 with *e set. */
int bev_own_price(struct book *b, struct bev *v, const struct jitem *it,
		  const struct client_tags *tg, struct terr *e);
/*
 * A group session (bookgroup.c): one record per attendee, unpriced when no posting of the
 * entry names the attendee's accounts. 1 when it was one, 0 when not, -1 with *e set.
 */
int book_group(struct book *b, const struct jitem *it, const struct client_tags *tg,
	       enum session_kind kind,
	       uint32_t pos, uint64_t start, struct terr *e);
/* q[i] as an amount, and back (one over 64 bits or in another commodity: in b->big). */
#define BIG INT8_MIN
struct amount bev_get(const struct book *b, const struct bev *v, int i);
void bev_put(struct book *b, struct bev *v, int i, const struct amount *a);
/* bev_put(b, v, 0, a) inline for most amounts: in the record's commodity (or the first
 * one), within 64 bits. */
static inline void
bev_put0(struct book *b, struct bev *v, const struct amount *a)
{
	if ((!a->com || !v->com || a->com == v->com) && a->q <= INT64_MAX && a->q >= -INT64_MAX &&
	    a->com <= INT16_MAX && a->com >= INT16_MIN) {
		if (a->com)
			v->com = (int16_t)a->com;
		v->q0 = (int64_t)a->q;
		v->scale0 = (int8_t)a->scale;
		return;
	}
	bev_put(b, v, 0, a);
}
/* The commodities' styles as they were at position pos of pass 1 (forward only). */
void book_style_at(struct book *b, uint32_t pos);
/* What the book decided for a record. */
void bev_price(struct book *b, const struct bev *v, struct book_price *r);
/* Prices one event in date order (bookprice.c). */
void book_settle_one(struct book *b, struct client *c, struct bev *v);
/* After settling: the package places by position; then r->pk_n, pk_m of a record. */
void book_places_sort(struct book *b);
void book_place_of(const struct book *b, const struct bev *v, struct book_price *r);
/* The policy by name, loaded once; NULL when it cannot be used (*e set when e). */
const struct policy *book_policy_named(struct book *b, struct span name, struct terr *e);
/* A file name that outlives the reader (pass 1's names are gone by pass 2). */
const char *book_name(struct book *b, const char *file);
/* Keeps an error for the item at pos, in the input's order among those kept. */
void book_defer_at(struct book *b, uint32_t pos, const struct terr *e);
/* A stable sort, in place while the records are nearly in order (booksettle.c). */
void book_sort(void *base, size_t n, size_t size, int (*cmp)(const void *, const void *));
/* Records a lapse. */
void book_lapse_add(struct book *b, struct client *c, tdate d, long n, const struct amount *left,
		    bool by_entry);

#endif
