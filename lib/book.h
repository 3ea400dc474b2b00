/* tally's library: the book: policies, invoices, clients, pricing (included by tally.h). */
#ifndef TALLY_BOOK_H
#define TALLY_BOOK_H

/* ---- policy (policy.c) -------------------------------------------------------------- */

/*
 * A cancellation policy file (tally-policy(5)): `key = value` lines. tally-cancel applies
 * it and tally-agreement prints it in plain words, from the same parsed struct.
 */
enum policy_key {
	PK_NAME, PK_NOTICE, PK_LATE, PK_NOSHOW, PK_CAP, PK_GRACE, PK_PREPAID, PK_DEPOSIT,
	PK_PROVIDER, PK_WAIVED, PK_NKEYS
};
#define POLICY_MAX_TIERS 8
struct policy_fee {
	bool percent;        /* amt is a percent of the session's price (no commodity) */
	struct amount amt;   /* zero: nothing */
	long under;          /* late fee tier: applies when the notice is under this (minutes) */
};
struct policy {
	char *name;          /* `name`, else the file's name without .policy */
	char *file;
	long notice;         /* minutes of notice required */
	struct policy_fee late[POLICY_MAX_TIERS]; /* narrowest tier first; the last is the base */
	size_t nlate;
	struct policy_fee noshow;
	bool capped;
	struct policy_fee cap;     /* no fee above this (an amount or a percent of the price) */
	int grace;                 /* waivers per client, per window when grace_every > 0 */
	int grace_every;           /* the window: that many days ('d') or months ('m') */
	char grace_unit;
	bool forfeit;              /* prepaid = forfeit */
	struct policy_fee deposit; /* percent of the next session held; zero: none */
	struct policy_fee provider;/* credit when the provider cancels; zero: none */
	bool waived_package;       /* `waived = package`: a waived held session uses a package
				      session when there is credit; default `free` */
	long line[PK_NKEYS];       /* where each key was set; 0: the default */
	char *clause[PK_NKEYS];    /* each key's line as written ("notice = 24h"), for quoting */
};
/* Loads a policy file; NULL with *e set (FILE:LINE) on a missing file or a bad line. */
struct policy *policy_load(const char *path, struct terr *e);
/* Loads DIR/NAME.policy; errors carry no position (the caller adds the journal's). */
struct policy *policy_find(const char *dir, const char *name, size_t n, struct terr *e);
void policy_free(struct policy *p);
const char *policy_key_name(enum policy_key k);
/* share/SUB beside the running binary (a source tree), ../share/tally/SUB (an install
 * moved elsewhere), else TALLY_SHAREDIR/SUB. The caller frees it. */
char *policy_sharedir(const char *sub);
/* "24h", "2d", "90m", "1h30m", "48 hours" as minutes, or -1. */
long policy_parse_duration(const char *s);
size_t policy_format_duration(char *buf, size_t size, long mins, const char *lang);
/* The late fee tier for a notice in minutes (-1: unknown, the base fee); NULL: none. */
const struct policy_fee *policy_late_fee(const struct policy *p, long notice);
/* A fee on a session's price: percents rounded at the price's precision; -1 on overflow. */
int policy_fee_amount(const struct policy_fee *f, const struct amount *price, struct amount *out);
/* The same with the policy's fee cap applied (*capped tells whether it cut the fee). */
int policy_charge(const struct policy *p, const struct policy_fee *f, const struct amount *price,
		  struct amount *out, bool *capped);
/* One key's rule in plain words ("en" or "es"), as the agreement and the notices print it. */
size_t policy_clause(const struct policy *p, enum policy_key k, const char *lang, char *buf,
		     size_t size);

/* ---- open invoices (invoices.c) ------------------------------------------------------ */

/*
 * Receivables followed invoice by invoice while the journal streams past: what each invoice
 * asked for and how much of it has been paid. Memory follows the number of invoices and
 * clients. Items must come in date order for "oldest first" to mean the oldest.
 */
struct invoice {
	char *number;
	char *client;         /* the ID: the account component after the receivable prefix */
	tdate date, due;      /* due: the entry's due: tag, else its date */
	struct amount total;  /* what the invoice entry debited to the client's receivable */
	struct amount paid;   /* payments and client credit applied to it, at most total */
	const char *file;     /* where the invoice entry is; valid until invoices_free */
	long line;
};
struct invoices;

struct invoices *invoices_new(const char *receivable_prefix); /* "Assets:Receivable" */
/* Only the errors of invoices_observe are wanted (tally-check): keeps no movement of the
 * receivables and of an invoice only where it was once its entry has passed, so the
 * queries answer nothing. */
void invoices_lean(struct invoices *v);
/*
 * Learns from one journal item: an invoice is an entry tagged invoice: N (with client:)
 * whose postings debit RECEIVABLE:ID; a payment is a posting crediting RECEIVABLE:ID; a
 * payment tagged invoice: N settles that invoice, an untagged one settles the client's
 * oldest open invoices first (FIFO, in date order whatever the file's order); overpayment is kept as client credit, and client
 * credit pays the client's next invoices. A payment naming an invoice not met yet is held
 * for it (tally-invoice appends invoices after later entries) and counts as credit until
 * then. An untagged debit to RECEIVABLE:ID (a refund) uses up credit first. Returns -1
 * with *e set for a duplicate invoice number, a malformed due: tag, an invoice in two
 * commodities or an amount too large.
 */
int invoices_observe(struct invoices *v, const struct jitem *it, struct terr *e);
/* The same, given the entry's tags as vocab_entry read them without an error (tg may be
 * NULL): its own invoice: and due: are taken from tg, not read again. */
int invoices_observe_tags(struct invoices *v, const struct jitem *it, const struct vtags *tg,
			  struct terr *e);
size_t invoices_count(const struct invoices *v);
/* In the order the invoices were met; pointers stay valid until invoices_free. */
const struct invoice *invoices_at(const struct invoices *v, size_t i);
const struct invoice *invoices_find(const struct invoices *v, const char *number);
/* The client's unused credit (overpayment) in commodity com: zero when none. */
struct amount invoices_credit(const struct invoices *v, const char *client, int com);
void invoices_free(struct invoices *v);
/* (invtemplate.c) The text of template file DIR/NAME (for invoices and reminders), or NULL with *e set. */
char *invoices_template(const char *dir, const char *name, struct terr *e);
/*
 * Writes a template, each {{key}} replaced by what field writes for it (escaped as the
 * document needs); a key field does not know (returns false) is written as it stands.
 */
void invoices_fill(struct out *o, const char *tmpl,
		   bool (*field)(struct out *o, const char *key, size_t n, void *arg), void *arg);
/*
 * The provider's tally.conf: path when given, else $TALLY_CONF (either must exist), else
 * tally.conf beside the journal file named first, else in the current directory, else
 * $XDG_CONFIG_HOME/tally/tally.conf (~/.config/tally/ by default); none found is empty.
 */
struct conf *invoices_conf(const char *path, const char *journal, struct terr *e);

/* ---- clients (clients.c) ------------------------------------------------------------ */

/*
 * The per-client book kept while the journal streams: rates, policies, prepaid packages,
 * deposits, terms, payer, filled by the book (below) in date order; ask it about a date.
 * Clients are named by `client:` tags and by the last component of their accounts
 * (Assets:Unbilled:ID); both are folded to a slug (clients_slug) so `Théo Keller` and
 * `theo-keller` are one client. Account prefixes match ignoring ASCII case.
 * There is no file-order reading of it: every command that needs terms, packages or
 * deposits reads them through the book.
 */
enum cacct { C_UNBILLED, C_PREPAID, C_DEPOSITS, C_NACCT };
/* Account prefixes: NULL fields take the defaults (Assets:Unbilled, ...). */
struct clients_opts {
	const char *unbilled, *prepaid, *deposits;
};
struct client_rate {
	tdate from;
	struct amount amt;
	bool per_hour;        /* `rate: 60 EUR/h`: priced pro rata by the session's minutes */
};
struct client_policy {
	tdate from;
	char *name;
};
/* A prepaid package: `package: N` on an entry crediting Liabilities:Prepaid:ID. */
struct client_package {
	tdate date;           /* bought */
	tdate expires;        /* DATE_NONE: never; usable through this date */
	long sessions;        /* bought */
	long used;            /* sessions taken from it */
	struct amount price;  /* what the entry credited to the prepaid account */
	struct amount spent;  /* credit taken so far */
	bool lapsed;          /* what was left was recognised as income (`expired:` entry) */
	bool expiry_seen;     /* handed out once by clients_next_expired */
	long seq;             /* order bought among packages of the same date */
};
/* `terms: N` days from a date on. */
struct client_days {
	tdate from;
	int days;
};
/* One client. Read-only for commands: change it through the client_* functions. */
struct client {
	char *id;             /* the slug used in account names */
	size_t idlen;         /* strlen(id) */
	char *name;           /* the first spelling met (tag value or account component) */
	size_t index;         /* position in clients_at order, for the caller's own tables */
	struct client_rate *rates; /* sorted by date */
	size_t nrates;
	struct client_policy *policies; /* sorted by date */
	size_t npolicies;
	struct client_package *pk;   /* open packages, oldest first (used-up ones are dropped) */
	size_t npk;
	size_t pk_off, pk_cap;  /* packages.c: pk is pk_off records into its allocation of pk_cap
				   (dropping from the front moves no record) */
	long bought, used, lapsed; /* package sessions over everything observed */
	tdate first_pk_date;  /* the first package's date, DATE_NONE: never bought one */
	struct amount deposit;/* Liabilities:Deposits:ID balance (negative: held) */
	int terms;            /* `terms: N` days, the latest by date; -1 when never given */
	struct client_days *termsv; /* every `terms:`, sorted by date (client_terms_at) */
	size_t nterms;
	char *payer;          /* `payer: REGEX`, the latest by date; NULL when never given */
	tdate payer_from;     /* its entry's date */
	char *acct[C_NACCT];  /* account names as the journal spells them (or as written) */
	tdate *waivers;       /* cancellations waived by a policy's grace, in date order */
	size_t nwaivers, capwaivers;
	struct client_billto *billto;  /* `bill-to:` from a date on, sorted by date (billto.c) */
	size_t nbillto;
};
/*
 * The tags the book and the session commands read, found in one pass over an entry's own
 * comments (clients_tags), or as the vocabulary read them (clients_tags_of); read them with
 * clients_tag and clients_has: a tag's .p is NULL when tag k is absent; the first one counts.
 */
enum ctag {
	CT_CLIENT, CT_SESSION, CT_RATE, CT_POLICY, CT_TERMS, CT_PAYER, CT_PACKAGE, CT_EXPIRES,
	CT_EXPIRED, CT_SIGNED, CT_MINUTES, CT_DURATION, CT_TIME, CT_CANCELLED_AT, CT_WAIVED,
	CT_BILL_TO, CT_PRICE, CT_N
};
struct client_tags {
	const struct vtags *vt;  /* clients_tags_of's: the values as the vocabulary parsed them
				  * (session kind, time, minutes...), not parsed again; else NULL */
	struct span v[CT_N];     /* clients_tags': the values (not set with vt: every entry
				  * would copy them) */
};
void clients_tags(const struct txn *t, struct client_tags *tg);
/* The same from tags vocab_entry has read without error (one scan of the entry): tg holds
 * vt, which must outlive it. */
static inline void
clients_tags_of(const struct vtags *vt, struct client_tags *tg)
{
	tg->vt = vt;
}
/* The vocabulary's tag for k (a constant for a constant k). */
static inline enum vtag
clients_vtag(enum ctag k)
{
	static const signed char to[CT_N] = {
		[CT_CLIENT] = VT_CLIENT, [CT_SESSION] = VT_SESSION, [CT_RATE] = VT_RATE,
		[CT_POLICY] = VT_POLICY, [CT_TERMS] = VT_TERMS, [CT_PAYER] = VT_PAYER,
		[CT_PACKAGE] = VT_PACKAGE, [CT_EXPIRES] = VT_EXPIRES, [CT_EXPIRED] = VT_EXPIRED,
		[CT_SIGNED] = VT_SIGNED, [CT_MINUTES] = VT_MINUTES, [CT_DURATION] = VT_DURATION,
		[CT_TIME] = VT_TIME, [CT_CANCELLED_AT] = VT_CANCELLED_AT, [CT_WAIVED] = VT_WAIVED,
		[CT_BILL_TO] = VT_BILL_TO, [CT_PRICE] = VT_PRICE,
	};

	return (enum vtag)to[k];
}
/* Whether the entry has tag k. */
static inline bool
clients_has(const struct client_tags *tg, enum ctag k)
{
	return tg->vt ? tg->vt->has[clients_vtag(k)] : tg->v[k].p != NULL;
}
/* Tag k's value as written: .p NULL when absent, "" when empty. */
static inline struct span
clients_tag(const struct client_tags *tg, enum ctag k)
{
	const struct vval *v;

	if (!tg->vt)
		return tg->v[k];
	if (!tg->vt->has[clients_vtag(k)])
		return (struct span){NULL, 0};
	v = &tg->vt->v[clients_vtag(k)];
	return (struct span){v->raw.p ? v->raw.p : "", v->raw.n};
}
enum session_kind {
	SESSION_NONE, SESSION_HELD, SESSION_CANCELLED, SESSION_LATE, SESSION_NOSHOW,
	SESSION_PROVIDER, SESSION_OTHER
};
struct clients;

struct clients *clients_new(const struct clients_opts *o);
void clients_free(struct clients *b);
/* A client by tag value or id (slugged); clients_get creates it. NULL for an empty name. */
struct client *clients_find(struct clients *b, struct span id);
struct client *clients_get(struct clients *b, struct span id);
/* The client of an entry's `client:` tag (created when new), or NULL. */
struct client *clients_of_tags(struct clients *b, const struct client_tags *tg);
size_t clients_count(const struct clients *b);
struct client *clients_at(const struct clients *b, size_t i); /* first-seen order */
/* The longest client ID (slug bytes): a longer one is refused, never cut. */
#define CLIENT_ID_MAX 200
/* Folds a name to an account slug: lowercase ASCII, accents dropped, blanks to '-'. */
size_t clients_slug(struct span in, char *buf, size_t size);
/* The entry's `session:` kind. Inline: most entries' tags come parsed (tg->vt). */
enum session_kind clients_kind_read(const struct client_tags *tg);
static inline enum session_kind
clients_kind_of(const struct client_tags *tg)
{
	if (!clients_has(tg, CT_SESSION))
		return SESSION_NONE;
	return tg->vt ? (enum session_kind)tg->vt->v[VT_SESSION].n : clients_kind_read(tg);
}
/* A session's length from `minutes: N` or `duration: 50m|1h30m`: -1 absent, -2 malformed. */
long clients_minutes_read(const struct client_tags *tg);
static inline long
clients_minutes_of(const struct client_tags *tg)
{
	if (!tg->vt)
		return clients_minutes_read(tg);
	return tg->vt->has[VT_MINUTES] ? tg->vt->v[VT_MINUTES].n
	       : tg->vt->has[VT_DURATION] ? tg->vt->v[VT_DURATION].n : -1;
}
/* The client's account to write postings to (its journal spelling, else PREFIX:ID). */
const char *client_account_name(struct clients *b, struct client *c, enum cacct which);
/*
 * The price of one session on date d: the latest rate on or before d; a per-hour rate is
 * pro-rated by minutes (rounded half away from zero at the commodity's precision).
 * 0; -1 no rate; -2 a per-hour rate and minutes < 0 (unknown); -3 overflow.
 */
int client_rate_at(const struct client *c, tdate d, long minutes, struct amount *price);
/* The `policy:` name in force on d, or NULL. */
const char *client_policy_at(const struct client *c, tdate d);
/* The payment terms in force on d (the latest `terms:` dated on or before d; of one date,
 * the last written), -1 when none. */
int client_terms_at(const struct client *c, tdate d);
/*
 * Package credit on date d, oldest package first. _next says what one session would take
 * (price / sessions, the last session takes what is left so the package sums exactly);
 * _take takes it (used++). Both false when no package has credit on d.
 */
bool client_package_next(struct client *c, tdate d, struct amount *price);
bool client_package_take(struct client *c, tdate d, struct amount *price);
/* Where the next session on d falls: session *n of a package of *m; false when none. */
bool client_package_place(const struct client *c, tdate d, long *n, long *m);
/* Sessions left in packages usable on d (d = DATE_NONE: ignoring expiry); money left too. */
long client_package_left(const struct client *c, tdate d, struct amount *money);
/* Marks a package lapsed; *left gets the credit that was left. -1 on overflow. */
int client_package_lapse(struct client *c, struct client_package *k, struct amount *left);
/*
 * Who pays (billto.c): `bill-to: ID` on a client's entry sends the client's sessions, from
 * the entry's date on, to ID's invoices and statements (`bill-to:` its own ID ends it).
 * A payer that has a payer passes the sessions on: client_payer_at follows the chain to the
 * client whose documents carry them (c itself when nobody else pays, or on a cycle).
 */
struct client_billto {
	tdate from;
	struct client *to;
	const char *file;     /* where the tag is (the book's copy of the name), for a cycle */
	long line;
	uint32_t pos;         /* the item's place in the input */
};
struct client *client_payer_at(const struct client *c, tdate d);
/*
 * For the commands that stream (tally-invoice, tally-statement, tally-aging): an entry's
 * `bill-to:` learnt into b (-1 with *e set on a bad value), and the ID of the client whose
 * documents carry the sessions id has on d (id itself when nobody else pays).
 */
int clients_observe_billto(struct clients *b, const struct jitem *it, const struct vtags *tg,
			   struct terr *e);
const char *clients_payer_id(struct clients *b, const char *id, tdate d);
/* Whether id pays for another client on some date (a household's or company's ID). */
bool clients_pays_for(struct clients *b, const char *id);
/*
 * Whose package credit a session of c on d takes: c's own first, else its payer's (one
 * pool for every client the payer pays for); NULL when neither has credit on d.
 */
struct client *client_package_owner(struct client *c, tdate d);
/* The deposit held (positive), true when there is one. */
bool client_deposit(const struct client *c, struct amount *held);
/* Takes up to *max (same commodity) from the deposit held into *taken. -1 on overflow. */
int client_deposit_take(struct client *c, const struct amount *max, struct amount *taken);

/* ---- the book (book.c, bookprice.c, spool.c) ---------------------------------------- */

/*
 * Entries take effect in date order (date, then `time:`, then position in the input),
 * whatever their order in the files. A command reads its input twice: pass 1 feeds every
 * item to book_add, which keeps the clients' terms and one compact record (48 bytes) per
 * session event or movement of package or deposit money; book_settle sorts the records and
 * prices every event in date order; pass 2 reads the input again and book_next hands out,
 * item by item, what the book decided. tally-bill writes the held sessions' postings,
 * tally-cancel the cancellations', from the same pricing (bookprice.c), so the two filters
 * commute. Standard input is spooled first (book_spool_stdin) so it can be read twice.
 */
struct book_opts {
	struct clients_opts accts;
	const char *policy_file;  /* --policy FILE: every client's policy; NULL: by `policy:` */
	const char *policy_dir;   /* --policies DIR; NULL: policy_sharedir("policies") */
	bool check_policies;      /* a `policy:` naming no usable policy is an error at it */
	bool report_only;         /* no book_copy and no package places ("session n of m") will
				   * be asked for (tally-check, tally-sessions): pass 1 keeps
				   * neither where the dates step up nor where sessions fall */
	bool no_places;           /* no "session n of m" will be asked for (tally-bill,
				   * tally-cancel): settling keeps no package places */
	bool no_lapses;           /* book_copy will write no lapse (tally-cancel): pass 1
				   * keeps no steps to place them at */
};
/* Why an event could not be priced (book_error says it at the event's line). */
enum book_rc {
	BR_OK, BR_NO_CLIENT, BR_NO_RATE, BR_NO_MINUTES, BR_BAD_MINUTES, BR_TOO_LARGE,
	BR_NO_STAMP, BR_BAD_STAMP, BR_NO_TIME, BR_BAD_TIME, BR_FEE_NO_RATE, BR_FEE_PER_HOUR
};
/* What one event costs and consumes, as if every earlier event had been priced. */
struct book_price {
	struct client *c;         /* NULL: no client */
	struct client *owner;     /* whose prepaid credit `package` took: c, or c's payer */
	enum session_kind kind;   /* SESSION_NONE for a movement of money */
	bool unpriced;            /* a session event with no postings: a filter writes them */
	bool waived;              /* the event carries `waived:` (a held one: given free) */
	int rc;                   /* enum book_rc */
	bool write;               /* postings to write (unpriced events with a cost) */
	bool package;             /* one package session taken (held, forfeited, or by hand) */
	bool over;                /* held, paid at the rate after a package ran out */
	long pk_n, pk_m;          /* package: session pk_n of a package of pk_m (date order) */
	bool grace;               /* a cancellation waived by the policy's grace: tag it */
	long grace_n;             /* the waiver's number in the grace window */
	bool capped, has_price;
	bool group;               /* one attendee of a group session: tally-bill writes it all */
	long lapsed;              /* sessions lapsed by an `expired:` entry */
	long bought;              /* sessions bought by a `package:` entry of this client */
	tdate date;               /* the event's date */
	bool nonl;                /* its last line has no newline: write one before more lines */
	long notice;              /* cancellations: minutes of notice; -1 unknown */
	int start;                /* the session's `time:` in minutes; -1 unknown */
	const struct policy *policy; /* the policy applied (cancellations, waived sessions) */
	struct amount price;      /* a held session's price; a percent fee's base */
	struct amount fee;        /* a cancellation's fee, or the forfeited package session */
	struct amount deposit;    /* taken from the deposit held */
};
/* A package's credit recognised when it expired (by tally-bill, or by an `expired:` entry). */
struct book_lapse {
	struct client *c;
	tdate expires;            /* the expiry date (the entry's date when by_entry) */
	long sessions;            /* sessions left */
	struct amount left;       /* credit left */
	bool by_entry;
};
struct book;
/* NULL with *e set when the --policy file cannot be used. */
struct book *book_new(const struct book_opts *o, struct terr *e);
void book_free(struct book *b);
struct clients *book_clients(struct book *b);
/* The client: of the entry the book was given last (pass 1's hooks), NULL: none. */
struct client *book_client(const struct book *b);
/*
 * Pass 1: call for every item journal_next hands out, bad ones (NULL) included, so that
 * positions match in pass 2. -1 with *e set on a bad tag, an amount too large, or (with
 * check_policies) an unknown policy.
 */
int book_add(struct book *b, const struct jitem *it, struct terr *e);
/*
 * Pass 1, the one loop of every command with a book (booklearn.c): every item of the files
 * to the book, each entry's tags read once through the vocabulary. What differs between the
 * commands is in the hooks, each optional: item sees every item read, entry each good entry
 * before the book has it (-1 leaves the entry out as bad), added each item the book has
 * after it has it (vt, tg: a good entry's tags, else NULL).
 * Every problem (the reader's, the vocabulary's, the book's, the hooks' through
 * book_problem) is deferred at its item for pass 2 (book_deferred), in the order found.
 * Returns 1 when there was one, else 0.
 */
struct book_pass {
	tdate limit;     /* entries dated on or after it count as positions only; DATE_NONE */
	int flags;       /* journal_open's */
	bool every;      /* every problem of an entry's tags (tally-check), not only the first */
	bool book_only;  /* keep the book's own problems only: a document says the others */
	/* each item before its tags are read; with flagged_items, only the items the reader
	 * flagged (a CR may be in it, or it opens a block left open): tally-check's case */
	void (*item)(struct book *b, const struct jitem *it, void *arg);
	bool flagged_items;
	int (*entry)(struct book *b, const struct jitem *it, const struct vtags *vt, void *arg);
	void (*added)(struct book *b, const struct jitem *it, const struct vtags *vt,
		      const struct client_tags *tg, void *arg);
	void *arg;
	tdate last;      /* set: the latest date of an entry read before limit; DATE_NONE */
};
int book_learn(struct book *b, char *const *files, size_t nfiles, struct book_pass *p);
/* From a hook: a problem of the item being read, deferred there. */
void book_problem(struct book *b, const struct terr *e);
/* The same with the entry's tags already read (clients_tags or clients_tags_of). */
int book_add_tags(struct book *b, const struct jitem *it, const struct client_tags *tg,
		  struct terr *e);
/*
 * Sorts the events and prices them in date order. Packages expiring before `until`
 * (DATE_NONE: the latest entry's date) lapse. Then rewinds for pass 2. Returns how many
 * problems it found (a `bill-to:` cycle), deferred to their items like pass 1's.
 */
int book_settle(struct book *b, tdate until);
/* Pass 2: the same items in the same order. 1 with *r filled for a book event, else 0. */
int book_next(struct book *b, const struct jitem *it, struct book_price *r);
/* What was decided for one record, and no more (no place, policy or amounts): counting. */
struct book_decided {
	struct client *c;         /* NULL: no client */
	struct client *owner;     /* whose package credit it took (c, or c's payer) */
	tdate date;
	int32_t notice;           /* cancellations: minutes of notice; -1 unknown */
	int32_t bought;           /* sessions bought by a `package:` entry of this client */
	uint8_t kind;             /* enum session_kind */
	bool group, package, over;
	bool more;                /* the item's next record follows */
};
/*
 * Pass 2 without the items: record i (from 0) in the input's order, the records of an item
 * one after another; 0 after the last.
 */
int book_decided(const struct book *b, size_t i, struct book_decided *d);
void book_rewind(struct book *b);
/*
 * After book_next gave 1: the item's further records (a package split over clients, a
 * group session's next attendee).
 */
int book_next_more(struct book *b, struct book_price *r);
/*
 * Pass 1's errors, said in the input's order: book_defer keeps one for the item just added;
 * in pass 2, book_deferred hands out those of the items book_next has passed (all: the
 * rest), NULL when none is due.
 */
void book_defer(struct book *b, const struct terr *e);
const struct terr *book_deferred(struct book *b, bool all);
/* r->rc as an error at the item's line. */
void book_error(const struct book_price *r, const struct jitem *it, struct terr *e);
/* The next lapse by expiry (not by an entry) dated before d, once each; NULL: none. */
const struct book_lapse *book_lapse_before(struct book *b, tdate d);
size_t book_nlapses(const struct book *b);
const struct book_lapse *book_lapse_at(const struct book *b, size_t i);
/*
 * Pass 2 without reading items again: when every event is priced without error and pass 1
 * knew where each one is (book_can_copy), book_copy copies the input's bytes to o and calls
 * event() after each unpriced event (to write its lines) and lapse() where an expiry goes;
 * both return true when they wrote whole lines.
 * -1 with *e set when a file changed between the passes or cannot be read.
 */
bool book_can_copy(const struct book *b);
/* Whether every unpriced session event could be priced (after book_settle). */
bool book_priced_all(const struct book *b);
/* Whether book_copy would call event() or lapse() at all: false, its copy is the input. */
bool book_copy_inserts(const struct book *b);
/* The files are still those pass 1 read (same file, size and time): else -1 with *e set. */
int book_unchanged(const struct book *b, struct terr *e);
int book_copy(struct book *b, struct out *o,
	      bool (*event)(void *arg, struct out *o, const struct book_price *r),
	      bool (*lapse)(void *arg, struct out *o, const struct book_lapse *l), void *arg,
	      struct terr *e);
/* The policy for client c on d: --policy, else its `policy:` then; NULL: none. */
const struct policy *book_policy(struct book *b, const struct client *c, tdate d);
/*
 * The files pass 1 will read (journal_open's list, kept until book_free); standard input is
 * made readable twice when a file is "-": spooled to an unlinked temporary file unless it
 * is a regular file already. Call before pass 1. -1 with *e set.
 */
int book_input(struct book *b, char *const *files, size_t n, struct terr *e);
/* Before pass 2: standard input back to where it started. */
int book_rewind_stdin(char *const *files, size_t n, struct terr *e);
/* Makes standard input readable again later (before a first pass that is not the book's). */
int book_spool_stdin(char *const *files, size_t n, struct terr *e);
/*
 * The book for a document (bookmeter.c): pass 1 over the entries dated before end
 * (DATE_NONE: all), settled; standard input rewound, so the document's own reading is
 * pass 2 (book_next). Bad items count as positions only. NULL with *e set.
 */
struct book *book_read_until(char *const *files, size_t n, const struct clients_opts *accts,
			     tdate end, struct terr *e);
/* Package sessions the client has left on asof, in date order; -1: no package bought by then. */
long book_package_left(struct book *b, const char *client, tdate asof);

/* ---- session counts per client (sesscount.c) ---------------------------------------- */

/*
 * tally-sessions' figures: a row per client (by struct client's index) of sessions held,
 * cancelled on time or late, no-shows, provider cancellations, signed and unsigned, package
 * sessions bought, used, left and over (held after the credit ran out), given free; and the
 * warnings its packages call for.
 */
enum {
	SC_HELD, SC_CANCELLED, SC_LATE, SC_NOSHOW, SC_PROVIDER, SC_SIGNED, SC_UNSIGNED, SC_BOUGHT,
	SC_USED, SC_LEFT, SC_OVER, SC_FREE, SC_N
};
struct scount_row {
	long n[SC_N];
	bool active;      /* shown: something happened in the period */
	bool expired;     /* a package expired in the period: "used up" would mislead */
	char **warn;
	size_t nwarn;
};
struct scounts {
	struct scount_row *rows;
	size_t nrows;
};
struct scount_opts {
	tdate begin, end;     /* the period, [begin, end); DATE_NONE: open */
	const char *only;     /* --client's slug, or NULL */
};
/* Client c's row, made (zero) when new (scounts_grow); rows may move. */
struct scount_row *scounts_grow(struct scounts *s, const struct client *c);
static inline struct scount_row *
scounts_row(struct scounts *s, const struct client *c)
{
	return c->index < s->nrows ? &s->rows[c->index] : scounts_grow(s, c);
}
void scounts_warn(struct scount_row *r, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Back to no figures (scounts_free: and no rows). */
void scounts_reset(struct scounts *s);
void scounts_free(struct scounts *s);
/* Packages that expired in the period with sessions left (by date or by an `expired:`). */
void scounts_expiries(struct scounts *s, struct book *b, const struct scount_opts *o);
/* The clients to show (*out, sorted by ID, freed by the caller): package_left at asof and
 * the packages' warnings added. Returns how many. */
size_t scounts_report(struct scounts *s, struct book *b, tdate asof, const struct scount_opts *o,
		      struct client ***out);

/* ---- the lines the pricing filters write (pricewrite.c) ------------------------------ */

/*
 * What tally-bill and tally-cancel add to an unpriced event, from what the book decided:
 * one writer each, shared, so that tally month prices both in one reading and writes what
 * the two filters write one after the other.
 */
struct price_accts {
	const char *income;       /* held sessions (tally-bill --income) */
	const char *fee_income;   /* cancellations and a group's absences */
	const char *lapse_income; /* expired package credit; NULL: income */
};
/* tally-bill's: a held session's postings, or a group attendee's absence. */
void price_write_held(struct out *o, struct clients *cl, const struct book_price *r,
		      const struct price_accts *a);
/* tally-bill's: the entry that recognises an expired package's credit left. */
void price_write_lapse(struct out *o, struct clients *cl, const struct book_lapse *l,
		       const struct price_accts *a);
/*
 * tally-cancel's: a cancellation's waiver line or postings, as whole lines in a new buffer
 * of *len bytes (free it).
 */
char *price_cancel_lines(struct clients *cl, const struct book_price *b,
			 const struct price_accts *a, size_t *len);
/* The waiver's tag text: "first offense", "offense 2 of 3", "... in 6 months". */
void price_waiver_text(char *buf, size_t size, const struct policy *p, long k);

#endif
