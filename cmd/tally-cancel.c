/*
 * tally-cancel: apply each client's cancellation policy to the cancellation events that have
 * no postings yet. A late cancellation or no-show inside the client's grace is tagged
 * `waived:`; otherwise the fee becomes a posting pair (a forfeited prepaid session or deposit
 * first). Entries with postings or a `waived:` tag are left as they are, so a second run
 * changes nothing. The journal streams past once, in date order; per client we keep only
 * the book from clients.c and the dates of the waivers granted.
 */
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tally.h"

static char **fopts;     /* -f FILE options */
static const char *prog = "tally-cancel";
static const char *policy_file, *policy_dir_opt, *notices_path, *income = "Income:Cancellations";
static const char *only_client, *notice_lang = "en";
/* -O eml: notices as mail, to the --notices file (mbox) or --maildir; ids name the clients. */
static const char *maildir, *conf_path;
static bool eml, mail_failed;  /* after one mail error, no more messages: nothing goes out */
static struct identities *ids;
static struct mailbox *mb;
static struct conf *conf;
static tdate begin = DATE_NONE, end = DATE_NONE;

/* Waivers granted to one client, oldest first: grace is counted from them. */
struct graces {
	const struct client *c;
	tdate *dates;
	size_t n, cap;
};

/* Policies by the name `policy:` events give, each file loaded once. */
struct named {
	char *name;
	struct policy *p;
};

static struct graces *graces;
static size_t ngraces, gracecap;
static struct named *named;
static size_t nnamed;
static struct policy *global;
static char *policy_dir;

static void
usage(FILE *f, int status)
{
	fprintf(f, "usage: %s [--policy FILE | --policies DIR] [--notices FILE] [--lang en|es]\n"
		   "       [-O eml [--maildir DIR] [--conf FILE]]\n"
		   "       [--client ID] [-b DATE] [-e DATE] [-p PERIOD] [--income ACCOUNT]\n"
		   "       [--unbilled ACCT] [--receivable ACCT] [--prepaid ACCT] [--deposits ACCT]\n"
		   "       [-i FILE] [-f FILE]... [FILE]...\n",
		prog);
	exit(status);
}

static struct graces *
graces_of(const struct client *c)
{
	for (size_t i = 0; i < ngraces; i++)
		if (graces[i].c == c)
			return &graces[i];
	if (ngraces == gracecap) {
		gracecap = gracecap ? 2 * gracecap : 16;
		graces = xrealloc(graces, gracecap * sizeof *graces);
	}
	graces[ngraces] = (struct graces){c, NULL, 0, 0};
	return &graces[ngraces++];
}

static void
grace_add(const struct client *c, tdate d)
{
	struct graces *g = graces_of(c);

	if (g->n == g->cap) {
		g->cap = g->cap ? 2 * g->cap : 4;
		g->dates = xrealloc(g->dates, g->cap * sizeof *g->dates);
	}
	g->dates[g->n++] = d;
}

/* Waivers the client had in the policy's grace window ending on d (all of them: no window). */
static long
grace_used(const struct policy *p, const struct client *c, tdate d)
{
	struct graces *g = graces_of(c);
	tdate from = DATE_NONE;
	long n = 0;

	if (p->grace_every)
		from = p->grace_unit == 'm' ? date_add_months(d, -p->grace_every)
					    : d - p->grace_every;
	for (size_t i = 0; i < g->n; i++)
		if (from == DATE_NONE || g->dates[i] > from)
			n++;
	return n;
}

/* Gives a position-less error the position of the journal line it concerns. */
static void
reposition(struct terr *e, const char *file, long line)
{
	char msg[sizeof e->msg];

	if (e->file)
		return;
	memcpy(msg, e->msg, sizeof msg);
	terr_set(e, file, line, "%s", msg);
}

/* The policy named by a `policy:` event, loaded once. NULL with *e set when unknown. */
static struct policy *
policy_named(const char *name, struct terr *e)
{
	struct policy *p;

	for (size_t i = 0; i < nnamed; i++)
		if (strcmp(named[i].name, name) == 0)
			return named[i].p;
	if (!(p = policy_find(policy_dir, name, strlen(name), e)))
		return NULL;
	named = xrealloc(named, (nnamed + 1) * sizeof *named);
	named[nnamed++] = (struct named){xstrdup(name), p};
	return p;
}

/* A `policy:` event: the named policy must exist and be good; errors point at the event. */
static const struct policy *
policy_at_event(const struct jitem *it, struct span v, struct terr *e)
{
	char *name = span_dup(v);
	const struct policy *p = policy_named(name, e);

	if (!p)
		reposition(e, it->file, vocab_line(it, v.p));  /* the policy: tag's line */
	free(name);
	return p;
}

/* The lines added to one entry, built before the entry is written. */
struct xbuf {
	char *p;
	size_t n, cap;
};

static void __attribute__((format(printf, 2, 3)))
xprintf(struct xbuf *x, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if (x->n + (size_t)n + 1 > x->cap) {
		x->cap = (x->n + (size_t)n + 1) * 2;
		x->p = xrealloc(x->p, x->cap);
	}
	va_start(ap, fmt);
	vsnprintf(x->p + x->n, x->cap - x->n, fmt, ap);
	va_end(ap);
	x->n += (size_t)n;
}

/* A posting line as write_posting writes it: four spaces, account, two spaces, amount. */
static void
xposting(struct xbuf *x, const char *account, const struct amount *amt)
{
	char buf[AMOUNT_BUF];

	amount_format(buf, sizeof buf, amt);
	xprintf(x, "    %s  %s\n", account, buf);
}

/* What happened to one event, for the notice. */
struct outcome {
	const struct policy *p;
	enum policy_key clause;   /* the rule that applied */
	enum session_kind kind;
	long notice;              /* minutes; -1 unknown */
	int start;                /* the session's time, -1 unknown */
	bool waived, capped, forfeit_session;
	char waiver[96];
	long offense;             /* waived: which of the grace allowance (1: the first) */
	struct amount fee, price, from_deposit;
	bool has_price;
};

/* The notices' sentences, English and Spanish; %s are filled in order. */
enum { M_TO, M_RE, M_AT, M_NOSHOW, M_NONOTICE, M_NOTICE, M_ASKS, M_LATE, M_WAIVED, M_FORFEIT,
       M_CHARGED, M_PRICE, M_CAPPED, M_DEPOSIT, M_POLICY, M_LINE, M_N };
static const char *const msgs[2][M_N] = {
	{
		"To: %s\n", "Re: your session on %s", " at %02d:%02d",
		"The session was missed without notice (a no-show).\n",
		"Your cancellation came with no notice.\n",
		"Your cancellation came with %s notice", "; the policy asks for %s.\n",
		"The session was cancelled late.\n",
		"This time the fee is waived (%s): nothing is charged. Next time the fee applies.\n",
		"The session is taken from your prepaid package (%s).\n",
		"Charged: %s", " (the session's price is %s)", ", limited by the fee cap",
		"; %s of it is taken from your deposit",
		"The cancellation policy you agreed to (%s) says:\n", "  (%s, line %ld: %s)\n",
	}, {
		"Para: %s\n", "Asunto: su sesión del %s", " a las %02d:%02d",
		"La sesión se perdió sin aviso (ausencia).\n",
		"Su cancelación llegó sin antelación.\n",
		"Su cancelación llegó con %s de antelación", "; la política pide %s.\n",
		"La sesión se canceló tarde.\n",
		"Esta vez se perdona el recargo (%s): no se cobra nada. La próxima vez se aplicará.\n",
		"La sesión se descuenta de su paquete prepagado (%s).\n",
		"Importe: %s", " (el precio de la sesión es %s)", ", limitado por el tope de recargos",
		"; %s se toma de su depósito",
		"La política de cancelación acordada (%s) dice:\n", "  (%s, línea %ld: %s)\n",
	},
};

static void
amount_for(char *buf, const struct amount *a)
{
	if (strcmp(notice_lang, "es") == 0)
		amount_format_lang(buf, AMOUNT_BUF, a, "es");
	else
		amount_format(buf, AMOUNT_BUF, a);
}

static void
quote(struct out *n, const struct policy *p, enum policy_key k)
{
	char buf[1024];

	policy_clause(p, k, notice_lang, buf, sizeof buf);
	out_printf(n, "  \"%s\"\n", buf);
}

/* The waiver in a Spanish notice: "primera falta", "falta 2 de 3", "... en 6 meses". */
static void
waiver_text_es(char *buf, size_t size, const struct policy *p, long k)
{
	int n, every = p->grace_unit == 'm' && p->grace_every % 12 == 0 ? p->grace_every / 12 :
		       p->grace_every;

	if (k == 1)
		n = snprintf(buf, size, "primera falta");
	else
		n = snprintf(buf, size, "falta %ld de %d", k, p->grace);
	if (p->grace_every && n > 0 && (size_t)n < size)
		snprintf(buf + n, size - (size_t)n, " en %d %s", every,
			 p->grace_unit == 'd' ? (every == 1 ? "día" : "días") :
			 p->grace_every % 12 == 0 ? (every == 1 ? "año" : "años") :
			 (every == 1 ? "mes" : "meses"));
}

static void
write_notice(struct out *n, const struct jitem *it, const struct client *c,
	     const struct outcome *r)
{
	const char *const *m = msgs[strcmp(notice_lang, "es") == 0];
	const char *base = strrchr(r->p->file, '/') ? strrchr(r->p->file, '/') + 1 : r->p->file;
	char buf[1024], a[AMOUNT_BUF], d[11];
	enum policy_key cite;

	{  /* the name never brings a CR or LF from the tag into the header */
		const char *to = m[M_TO], *at = strstr(to, "%s");

		out_write(n, to, (size_t)(at - to));
		header_value(n, identity_name(identities_find(ids, c->id), c->name));
		out_puts(n, at + 2);
	}
	date_format(d, it->txn->date);
	out_printf(n, m[M_RE], d);
	if (r->start >= 0)
		out_printf(n, m[M_AT], r->start / 60, r->start % 60);
	out_puts(n, "\n");
	if (r->kind == SESSION_NOSHOW) {
		out_puts(n, m[M_NOSHOW]);
	} else if (r->notice == 0) {
		out_puts(n, m[M_NONOTICE]);
	} else if (r->notice > 0) {
		size_t k = policy_format_duration(buf, sizeof buf, r->notice, notice_lang);

		/* English possessive: "1 hour's notice", "24 hours' notice" */
		if (strcmp(notice_lang, "es") != 0 && k > 0 && k + 3 < sizeof buf)
			strcpy(buf + k, buf[k - 1] == 's' ? "'" : "'s");
		out_printf(n, m[M_NOTICE], buf);
		policy_format_duration(buf, sizeof buf, r->p->notice, notice_lang);
		out_printf(n, m[M_ASKS], buf);
	} else {
		out_puts(n, m[M_LATE]);
	}
	if (r->waived) {
		if (strcmp(notice_lang, "es") == 0)
			waiver_text_es(buf, sizeof buf, r->p, r->offense);
		out_printf(n, m[M_WAIVED], strcmp(notice_lang, "es") == 0 ? buf : r->waiver);
	} else if (r->forfeit_session) {
		amount_for(a, &r->fee);
		out_printf(n, m[M_FORFEIT], a);
	} else {
		amount_for(a, &r->fee);
		out_printf(n, m[M_CHARGED], a);
		if (r->has_price) {
			amount_for(a, &r->price);
			out_printf(n, m[M_PRICE], a);
		}
		if (r->capped)
			out_puts(n, m[M_CAPPED]);
		if (!amount_is_zero(&r->from_deposit)) {
			amount_for(a, &r->from_deposit);
			out_printf(n, m[M_DEPOSIT], a);
		}
		out_puts(n, ".\n");
	}
	out_printf(n, m[M_POLICY], r->p->name);
	quote(n, r->p, r->clause);
	if (r->capped)
		quote(n, r->p, PK_CAP);
	if (!amount_is_zero(&r->from_deposit))
		quote(n, r->p, PK_DEPOSIT);
	if (r->waived)
		quote(n, r->p, PK_GRACE);
	/* a waiver rests on the grace clause: that is the line to cite */
	cite = r->waived && r->p->clause[PK_GRACE] ? PK_GRACE : r->clause;
	if (r->p->clause[cite])
		out_printf(n, m[M_LINE], base, r->p->line[cite], r->p->clause[cite]);
	out_puts(n, "\n");
}

/* The waiver's tag text: "first offense", "offense 2 of 3", "... in 6 months". */
static void
waiver_text(char *buf, size_t size, const struct policy *p, long k)
{
	int n;

	if (k == 1)
		n = snprintf(buf, size, "first offense");
	else
		n = snprintf(buf, size, "offense %ld of %d", k, p->grace);
	if (p->grace_every && n > 0 && (size_t)n < size)
		snprintf(buf + n, size - (size_t)n, " in %d %s%s",
			 p->grace_unit == 'm' && p->grace_every % 12 == 0 ? p->grace_every / 12
									   : p->grace_every,
			 p->grace_unit == 'd' ? "day" : p->grace_every % 12 == 0 ? "year" : "month",
			 (p->grace_unit == 'm' && p->grace_every % 12 == 0 ? p->grace_every / 12
									    : p->grace_every) == 1
				 ? "" : "s");
}

/* The session's price on its date: the rate, else (for a package) one session's credit. */
static int
session_price(struct client *c, const struct jitem *it, struct amount *price,
	      struct terr *e)
{
	const struct txn *t = it->txn;
	long minutes = clients_minutes(t);
	int rc;
	char d[11];

	if (minutes == -2) {
		terr_set(e, it->file, t->comment_line, "bad minutes: or duration: tag");
		return -1;
	}
	if ((rc = client_rate_at(c, t->date, minutes, price)) == 0)
		return 0;
	if (rc == -1 && client_package_next(c, t->date, price))
		return 0;
	date_format(d, t->date);
	if (rc == -3)
		terr_set(e, it->file, it->line, "an amount too large to hold exactly");
	else if (rc == -2)
		terr_set(e, it->file, it->line, "rate for %s is per hour: the session needs minutes:",
			 c->id);
	else
		terr_set(e, it->file, it->line, "no rate: for %s on %s (the fee is a percent of it)",
			 c->id, d);
	return -1;
}

/* Notice in minutes from cancelled-at: to the session's start; -1 when not given. */
static int
notice_of(const struct jitem *it, enum session_kind kind, struct outcome *r, struct terr *e)
{
	const struct txn *t = it->txn;
	struct span v;
	long long at;

	r->notice = -1;
	r->start = -1;
	if (txn_tag(t, "time", &v) && (r->start = time_parse(v.p, v.n)) < 0) {
		terr_set(e, it->file, t->comment_line, "bad time: %.*s (HH:MM)", (int)v.n, v.p);
		return -1;
	}
	if (!txn_tag(t, "cancelled-at", &v)) {
		if (kind != SESSION_CANCELLED)
			return 0;
		terr_set(e, it->file, it->line, "cancelled session without cancelled-at: "
			 "(cannot tell the notice)");
		return -1;
	}
	if ((at = stamp_parse(v.p, v.n)) < 0) {
		terr_set(e, it->file, t->comment_line, "bad cancelled-at: %.*s (YYYY-MM-DD HH:MM)",
			 (int)v.n, v.p);
		return -1;
	}
	if (r->start < 0) {
		if (kind != SESSION_CANCELLED)
			return 0;
		terr_set(e, it->file, it->line, "cancelled session without time: "
			 "(cannot tell the notice)");
		return -1;
	}
	at = (long long)t->date * 1440 + r->start - at;
	r->notice = at < 0 ? 0 : at > 1000000000 ? 1000000000 : (long)at;
	return 0;
}

/*
 * Applies the policy to one unpriced event. Appends postings or a waiver line to x (an
 * out spooling the extra lines), fills *r; returns 1 when the event changed, 0 when it
 * passes through, -1 with *e set.
 */
static int
apply(struct clients *book, struct client *c, const struct policy *p, const struct jitem *it,
      enum session_kind kind, struct xbuf *x, struct outcome *r, struct terr *e)
{
	const struct txn *t = it->txn;
	const struct policy_fee *f;
	struct amount neg, rest;
	long used;

	memset(r, 0, sizeof *r);
	r->p = p;
	r->kind = kind;
	if (notice_of(it, kind, r, e) < 0)
		return -1;
	if (kind == SESSION_PROVIDER) {
		if (amount_is_zero(&p->provider.amt))
			return 0;
		if ((p->provider.percent && session_price(c, it, &r->price, e) < 0) ||
		    policy_fee_amount(&p->provider, &r->price, &r->fee) < 0) {
			if (!e->msg[0])
				terr_set(e, it->file, it->line, "an amount too large to hold exactly");
			return -1;
		}
		neg = r->fee;
		amount_neg(&neg);
		xposting(x, client_account_name(book, c, C_UNBILLED), &neg);
		xposting(x, income, &r->fee);
		return 1;
	}
	if (kind == SESSION_CANCELLED && r->notice >= p->notice)
		return 0; /* on time */
	if (kind == SESSION_NOSHOW) {
		f = &p->noshow;
		r->clause = PK_NOSHOW;
	} else {
		f = policy_late_fee(p, kind == SESSION_LATE && r->notice >= p->notice ? -1 : r->notice);
		r->clause = PK_LATE;
	}
	if (!f || amount_is_zero(&f->amt))
		return 0; /* late, but the policy charges nothing for it */
	used = grace_used(p, c, t->date);
	if (used < p->grace) {
		r->waived = true;
		waiver_text(r->waiver, sizeof r->waiver, p, used + 1);
		r->offense = used + 1;
		xprintf(x, "    ; waived: %s\n", r->waiver);
		grace_add(c, t->date);
		return 1;
	}
	if (p->forfeit && client_package_next(c, t->date, &r->fee)) {
		client_package_take(c, t->date, &r->fee);
		r->forfeit_session = true;
		r->clause = PK_PREPAID;
		neg = r->fee;
		amount_neg(&neg);
		xposting(x, client_account_name(book, c, C_PREPAID), &r->fee);
		xposting(x, income, &neg);
		return 1;
	}
	if (f->percent) {
		if (session_price(c, it, &r->price, e) < 0)
			return -1;
		r->has_price = true;
	}
	if (policy_charge(p, f, &r->price, &r->fee, &r->capped) < 0 ||
	    client_deposit_take(c, &r->fee, &r->from_deposit) < 0) {
		terr_set(e, it->file, it->line, "an amount too large to hold exactly");
		return -1;
	}
	if (amount_is_zero(&r->fee))
		return 0;
	neg = r->from_deposit;
	amount_neg(&neg);
	if (amount_add(&rest, &r->fee, &neg) < 0) {
		terr_set(e, it->file, it->line, "an amount too large to hold exactly");
		return -1;
	}
	if (!amount_is_zero(&r->from_deposit))
		xposting(x, client_account_name(book, c, C_DEPOSITS), &r->from_deposit);
	if (!amount_is_zero(&rest))
		xposting(x, client_account_name(book, c, C_UNBILLED), &rest);
	neg = r->fee;
	amount_neg(&neg);
	xposting(x, income, &neg);
	return 1;
}

/* The policy for an event: --policy, else the client's `policy:` on its date, else none. */
static const struct policy *
policy_for(const struct client *c, tdate d, const struct jitem *it, struct terr *e)
{
	const char *name;
	const struct policy *p;

	if (global)
		return global;
	if (!(name = client_policy_at(c, d)))
		return NULL;
	if (!(p = policy_named(name, e)))
		reposition(e, it->file, it->line);
	return p;
}

static int
handle(struct clients *book, const struct jitem *it, struct out *o, struct out *notes,
       struct terr *e)
{
	const struct txn *t = it->txn;
	enum session_kind kind;
	struct client *c;
	const struct policy *p;
	struct outcome r;
	struct span v;
	struct xbuf x = {0};
	int rc;

	if (t->np > 0 || !txn_tag(t, "session", &v))
		return 0;
	kind = clients_session_kind(t);
	if (kind != SESSION_CANCELLED && kind != SESSION_LATE && kind != SESSION_NOSHOW && kind != SESSION_PROVIDER)
		return 0;
	if (!(c = clients_of(book, t))) {
		terr_set(e, it->file, it->line, "session without a client: tag");
		return -1;
	}
	if (txn_tag(t, "waived", NULL)) {
		grace_add(c, t->date);
		return 0;
	}
	if (it->depth > 0 || (begin != DATE_NONE && t->date < begin) ||
	    (end != DATE_NONE && t->date >= end) || (only_client && c != clients_find(book, (struct span){only_client,
									 strlen(only_client)})))
		return 0;
	e->file = NULL;
	e->msg[0] = '\0';
	if (!(p = policy_for(c, t->date, it, e)))
		return e->msg[0] ? -1 : 0;
	rc = apply(book, c, p, it, kind, &x, &r, e);
	if (rc > 0) {
		write_item(o, it, x.p, x.n);
		if (mb && kind != SESSION_PROVIDER && !mail_failed) {
			struct mail_doc d;
			struct out *n = mail_doc_open(&d);

			write_notice(n, it, c, &r);
			mail_doc_close(&d, n);
			if (mail_add_text(mb, conf, c->id, identities_find(ids, c->id), &d,
					  notice_lang, e) < 0) {
				mail_failed = true;
				rc = -1;
			}
			mail_doc_free(&d);
		} else if (notes && !mb && kind != SESSION_PROVIDER) {
			write_notice(notes, it, c, &r);
		}
	}
	free(x.p);
	return rc;
}

int
main(int argc, char **argv)
{
	static const struct option opts[] = {
		{"policy", required_argument, NULL, 'P'},
		{"policies", required_argument, NULL, 'D'},
		{"notices", required_argument, NULL, 'n'},
		{"output-format", required_argument, NULL, 'O'},
		{"maildir", required_argument, NULL, 'M'},
		{"conf", required_argument, NULL, 'C'},
		{"client", required_argument, NULL, 'c'},
		{"lang", required_argument, NULL, 'L'},
		{"income", required_argument, NULL, 'I'},
		CHART_OPTIONS,
		{"in-place", required_argument, NULL, 'i'},
		{"begin", required_argument, NULL, 'b'},
		{"end", required_argument, NULL, 'e'},
		{"period", required_argument, NULL, 'p'},
		{"file", required_argument, NULL, 'f'},
		{"help", no_argument, NULL, 'h'},
		{"version", no_argument, NULL, 'V'},
		{NULL, 0, NULL, 0},
	};
	char **files;
	size_t nf = 0, nfiles;
	struct clients_opts co = {0};
	struct chart chart;
	struct clients *book;
	struct journal *j;
	struct jitem *it;
	struct out *o = NULL, *notes = NULL;
	struct terr e = {0};
	const char *inplace = NULL;
	struct wpath *w;
	int c, rv, rc, status = 0;
	const char *why;

	chart_init(&chart);
	fopts = xcalloc((size_t)argc + 1, sizeof *fopts); /* static: reachable on early exits */
	while ((c = getopt_long(argc, argv, "P:D:n:c:i:b:e:p:f:hO:", opts, NULL)) != -1) {
		if (chart_option(&chart, c, optarg))
			continue;
		switch (c) {
		case 'P': policy_file = optarg; break;
		case 'D': policy_dir_opt = optarg; break;
		case 'n': notices_path = optarg; break;
		case 'O':
			if (strcmp(optarg, "eml") != 0) {
				fprintf(stderr, "%s: unknown output format: %s (eml)\n", prog, optarg);
				return 2;
			}
			eml = true;
			break;
		case 'M': maildir = optarg; break;
		case 'C': conf_path = optarg; break;
		case 'c': only_client = optarg; break;
		case 'L':
			if (strcmp(optarg, "en") != 0 && strcmp(optarg, "es") != 0) {
				fprintf(stderr, "%s: unknown language: %s (en, es)\n", prog, optarg);
				return 2;
			}
			notice_lang = optarg;
			break;
		case 'I': income = optarg; break;
		case 'i': inplace = optarg; break;
		case 'b':
		case 'e':
		case 'p':
			if (range_option(c, optarg, &begin, &end, &why) < 0) {
				fprintf(stderr, "%s: %s: %s\n", prog, why, optarg);
				return 2;
			}
			break;
		case 'f': fopts[nf++] = optarg; break;
		case 'h': usage(stdout, 0); break;
		case 'V': printf("%s %s\n", prog, TALLY_VERSION); return 0;
		default: usage(stderr, 2);
		}
	}
	chart_clients_opts(&chart, &co);
	if (inplace && (nf || optind < argc)) {
		fprintf(stderr, "%s: -i FILE edits one journal: name no other file\n", prog);
		return 2;
	}
	if ((eml && !notices_path && !maildir) || (maildir && (!eml || notices_path))) {
		fprintf(stderr, "%s: %s\n", prog, !eml ? "--maildir needs -O eml" : notices_path ?
			"--notices and --maildir: choose one" : "-O eml needs --notices FILE or --maildir DIR");
		return 2;
	}
	if (inplace)
		fopts[nf++] = (char *)inplace;
	if (policy_file && !(global = policy_load(policy_file, &e))) {
		terr_print(prog, &e);
		policy_free(global);
		free(fopts);
		return 1;
	}
	policy_dir = policy_dir_opt ? xstrdup(policy_dir_opt) : policy_sharedir("policies");
	nfiles = input_files(fopts, nf, argv + optind, (size_t)(argc - optind), &files);
	if (eml && (!(conf = invoices_conf(conf_path, nfiles ? files[0] : NULL, &e)) ||
		    (maildir && !(mb = mail_maildir(maildir, &e))))) {
		terr_print(prog, &e);
		status = 1;
	}
	w = wpath_new(files, nfiles);
	if (!status && ((rc = wpath_add(w, inplace, WP_EDIT, &o, &e)) != 0 ||
	    (notices_path && (rc = wpath_add(w, notices_path, 0, &notes, &e)) != 0) ||
	    (rc = wpath_open(w, &e)) != 0)) {
		terr_print(prog, &e);
		status = rc == WPATH_REFUSED ? 2 : 1;
		o = NULL;
	}
	if (o && notes && eml)
		mb = mail_mbox(notes);
	book = clients_new(&co);
	ids = identities_new();
	j = journal_open((const char *const *)files, nfiles, 0);
	while (o && (rv = journal_next(j, &it)) != 0) {
		if (rv < 0) {
			terr_print(prog, journal_error(j));
			status = 1;
			continue;
		}
		if (it->kind == J_TXN) {
			struct span v;
			struct vtags vt;

			if (vocab_entry(it, &vt, &e, NULL, NULL) > 0 ||
			    clients_observe(book, it, &e) < 0 || identities_observe(ids, it, &e) < 0 ||
			    (!global && txn_tag(it->txn, "policy", &v) && v.n &&
			     !policy_at_event(it, v, &e))) {
				terr_print(prog, &e);
				status = 1;
				continue;
			}
			rv = handle(book, it, o, notes, &e);
			if (rv < 0) {
				terr_print(prog, &e);
				status = 1;
			}
			if (rv != 0 || it->depth > 0)
				continue;
		}
		if (it->depth == 0)
			write_item(o, it, NULL, 0);
	}
	journal_close(j);
	if (!status && only_client &&
	    !clients_find(book, (struct span){only_client, strlen(only_client)})) {
		fprintf(stderr, "%s: unknown client: %s\n", prog, only_client);
		status = 1;
	}
	/* The books first: notices go out only for what the journal now says. */
	if (status) {
		if (mb)
			mail_abort(mb);
		wpath_abort(w);
	} else if (wpath_commit(w, &e) < 0) {
		if (mb)
			mail_abort(mb);
		terr_print(prog, &e);
		status = 1;
	} else if (mb && mail_commit(mb, &e) < 0) {
		terr_print(prog, &e);
		status = 1;
	}
	clients_free(book);
	identities_free(ids);
	conf_free(conf);
	for (size_t i = 0; i < ngraces; i++)
		free(graces[i].dates);
	free(graces);
	for (size_t i = 0; i < nnamed; i++) {
		free(named[i].name);
		policy_free(named[i].p);
	}
	free(named);
	policy_free(global);
	free(policy_dir);
	input_free(files, nfiles);
	free(fopts);
	if (fshut_stdout(prog) < 0)
		status = 1;
	commodity_reset();
	return status;
}
