/*
 * monthrun.c: tally month's invoice step and statements in its own process, from one
 * reading. Each item read goes to the invoice step (tally-invoice's loop), to the
 * statements' book (book_read_until's pass 1: entries before the period's end) and to the
 * statements themselves (tally-statement's pass 2; the book, settled afterwards, says where
 * each session fell, by position). That reading is pricing's own pass 1 (its hooks) when
 * the journal is priced already, so such a month reads the journal once; else it is a
 * reading of the priced copy (month_run_read).
 *
 * The new invoices are then read on their own as the end of the invoiced journal: what
 * reading it whole gives when nothing at the journal's end changes how they read (a
 * directive, a missing last newline, an open comment block). Else the invoiced journal is
 * written and read once more for the statements, as tally-statement reads it.
 *
 * Nothing is said here: when anything is not as the plain run would find it (a bad entry,
 * a style a policy taught, an option the commands would refuse), the caller runs the
 * commands, which say what.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tally.h"

struct month_run {
	struct month_opts o;
	tdate begin, end;
	struct conf *conf, *words;  /* the invoice step's tally.conf (its taxes point in) */
	struct taxes taxes;
	struct chart chart;
	struct invrun *inv;
	struct book *sb;            /* the statements' book */
	char *sfiles[1];
	FILE *tail;                 /* the new invoices alone */
	bool pending;               /* an entry the statements' book has not had yet */
	bool bad;
	bool again;                 /* the statements read the invoiced journal again */
	bool no_eol, open_block;    /* what the last item left open (write_end) */
	uint32_t pos;               /* items read: the books' position */
	struct stmt_reading rd;     /* the statements, from the same items */
	struct vtags vt;            /* month_run_read's */
	struct query *query;
	struct cstyle *styles;      /* the commodities' styles before a book took an entry */
	int nstyles;
};

/*
 * The invoices are written, and the statements read, with the styles a plain reading of the
 * journal learns. A policy's amounts teach styles too (to the books, amid the reading):
 * when a book's entry changed them, this is not that plain reading.
 */
static void
keep_styles(struct month_run *m)
{
	int n = commodity_count();

	if (n > m->nstyles)
		m->styles = xrealloc(m->styles, (size_t)n * sizeof *m->styles);
	m->nstyles = n;
	for (int i = 0; i < n; i++)
		m->styles[i] = *commodity_style(i);
}

static bool
same_styles(const struct month_run *m)
{
	if (commodity_count() != m->nstyles)
		return false;
	for (int i = 0; i < m->nstyles; i++)
		if (memcmp(commodity_style(i), &m->styles[i], sizeof *m->styles) != 0)
			return false;
	return true;
}

/* Empty statements (tally-statement's, with no query and the default accounts). */
static void
statements_fresh(struct month_run *m)
{
	static const char *const prefix[SA_N];

	statements_free(m->rd.st);
	identities_free(m->rd.ids);
	clients_free(m->rd.payers);
	memset(&m->rd, 0, sizeof m->rd);
	m->rd.st = statements_new(m->begin, m->end, prefix);
	m->rd.ids = identities_new();
	m->rd.payers = clients_new(NULL);
	m->rd.query = m->query;
}

/*
 * Directives that change how later items read: the invoices could not be read alone. A
 * commodity's style and the default commodity are the process's, not the reader's, and an
 * included file's own items come here too.
 */
static bool
order_matters(const struct jitem *it)
{
	static const char *const inert[] = {"account", "payee", "tag", "P", "commodity", "D",
					    "include"};

	if (it->kind == J_TIMELOG)
		return true;
	if (it->kind != J_DIRECTIVE && it->kind != J_INCLUDE)
		return false;
	for (size_t i = 0; i < sizeof inert / sizeof *inert; i++)
		if (it->word.n == strlen(inert[i]) && memcmp(it->word.p, inert[i], it->word.n) == 0)
			return false;
	return true;
}

struct month_run *
month_run_new(const struct month_opts *o)
{
	struct month_run *m = xcalloc(1, sizeof *m);
	struct terr e;
	const char *why;
	char **ops;
	size_t nops;
	int y, mo, d;

	m->o = *o;
	m->begin = m->end = DATE_NONE;
	chart_init(&m->chart);
	if (range_option('p', o->period, &m->begin, &m->end, &why) < 0 || m->begin == DATE_NONE ||
	    m->end == DATE_NONE || m->begin >= m->end)
		goto no;
	date_to_ymd(m->end, &y, &mo, &d);  /* tally-invoice refuses invoices dated past 9999 */
	if (y < 1 || y > 9999)
		goto no;
	if (!(m->conf = invoices_conf(NULL, o->journal, &e)) || taxes_conf(m->conf, &m->taxes, &e) < 0 ||
	    catalog_use("en", &e) < 0 || !(m->words = conf_catalog("invoice")))
		goto no;
	m->sfiles[0] = (char *)o->journal;
	if (!(m->sb = book_new(&(struct book_opts){0}, &e)) ||
	    book_input(m->sb, m->sfiles, 1, &e) < 0)
		goto no;
	m->inv = invrun_new(&(struct invrun_opts){m->chart.acct[CH_UNBILLED],
			    m->chart.acct[CH_RECEIVABLE], "", NULL, m->begin, m->end, m->end, 14,
			    &m->taxes});
	if (query_operands(0, NULL, false, &ops, &nops, &m->query, &e) < 0)
		goto no;
	free(ops);
	statements_fresh(m);
	return m;
no:
	month_run_free(m);
	return NULL;
}

/* Every item the reading read well: to the statements' book (entries: after their tags). */
static void
item(struct book *b, const struct jitem *it, void *arg)
{
	static const struct client_tags none;
	struct month_run *m = arg;
	struct terr e;

	(void)b;
	if (m->bad || (m->bad = m->pending))  /* an entry pass 1 did not read: said there */
		return;
	m->pos++;
	if (order_matters(it))
		m->again = true;
	if (it->depth == 0) {
		/* what write_end would close before the invoices */
		m->no_eol = it->len && it->text[it->len - 1] != '\n';
		m->open_block = it->open_block;
	}
	if (it->kind == J_TXN && it->txn->date < m->end)
		m->pending = true;  /* its tags first: entry() */
	else if (book_add_tags(m->sb, it->kind == J_TXN ? NULL : it, &none, &e) < 0)
		m->bad = true;  /* after the end: a position only */
}

/* Every entry with its tags read: to the invoice step, the statements' book, the statements. */
static int
entry(struct book *b, const struct jitem *it, const struct vtags *vt, void *arg)
{
	struct month_run *m = arg;
	struct terr e;

	(void)b;
	if (m->bad || (m->bad = m->pos == 0))  /* no item() before it: a miscounted pass */
		return 0;
	keep_styles(m);
	if (invrun_observe(m->inv, it, vt, &e) < 0)
		m->bad = true;
	statements_book_at(m->rd.st, m->pos - 1);
	if (!m->again && stmt_read_tags(&m->rd, it, vt, &e) < 0)
		m->bad = true;
	return 0;
}

/*
 * After pricing's book took an entry (its client tags read once for both): the statements'
 * book takes it; the styles are still the reading's own.
 */
static void
added(struct book *b, const struct jitem *it, const struct vtags *vt,
      const struct client_tags *tg, void *arg)
{
	struct month_run *m = arg;
	struct terr e;

	(void)b;
	if (m->bad || !vt)
		return;
	if (m->pending) {
		m->pending = false;
		if (book_add_tags(m->sb, it, tg, &e) < 0)
			m->bad = true;
	}
	if (!same_styles(m))
		m->bad = true;
}

void
month_run_learnt(struct month_run *m)
{
	keep_styles(m);  /* settling the book must not teach them either */
}

void
month_run_hooks(struct month_run *m, struct book_pass *p)
{
	struct cstyle fresh = {.decimal = '.'};

	/* nothing (a policy) taught a style before the reading */
	for (int i = 0; i < commodity_count(); i++)
		if (memcmp(commodity_style(i), &fresh, sizeof fresh) != 0)
			m->bad = true;
	keep_styles(m);
	p->item = item;
	p->entry = entry;
	p->added = added;
	p->arg = m;
}

int
month_run_read(struct month_run *m)
{
	char *files[] = {(char *)m->o.journal};
	struct book_pass p = {0};
	struct client_tags tg;
	struct journal *j;
	struct jitem *it;
	struct terr e;
	int rv;

	/* a fresh reading's styles, as tally-invoice's own (the ids stay) */
	for (int i = 0; i < commodity_count(); i++)
		*commodity_style(i) = (struct cstyle){.decimal = '.'};
	commodity_set_default(0);
	month_run_hooks(m, &p);
	j = journal_open((const char *const *)files, 1, 0);
	while (!m->bad && (rv = journal_next(j, &it)) != 0) {
		bool txn = rv > 0 && it->kind == J_TXN;

		if (rv < 0 || (txn && vocab_entry_next(it, &m->vt, &e, NULL, NULL) > 0)) {
			m->bad = true;  /* tally-invoice says what */
			break;
		}
		item(NULL, it, m);
		if (txn) {
			clients_tags_of(&m->vt, &tg);
			entry(NULL, it, &m->vt, m);
		}
		added(NULL, it, txn ? &m->vt : NULL, txn ? &tg : NULL, m);
	}
	journal_close(j);
	month_run_learnt(m);
	return m->bad ? -1 : 0;
}

int
month_run_invoice(struct month_run *m)
{
	struct terr e;
	struct out *t;
	FILE *f;
	int r;

	if (m->bad || m->pending || !same_styles(m) || !(m->tail = tmpfile()))
		return -1;
	t = out_open(m->tail);
	if (out_end(t, invrun_write(m->inv, t, &e)) < 0 || fflush(m->tail) != 0)
		return -1;
	book_settle(m->sb, m->end);
	m->again = m->again || m->no_eol || m->open_block;
	if (!m->again)
		return 0;
	/* the statements read the invoiced journal itself */
	if (!(f = fopen(m->o.invoiced, "w")))
		return -1;
	t = out_open(f);
	r = out_end(t, month_run_write(m, t));
	if (fclose(f) != 0)
		r = -1;
	return r;
}

/*
 * The invoiced journal: what tally-invoice writes, the journal's items as they are (its
 * bytes: the items are the file, as book_copy has it), write_end's, the new invoices.
 */
int
month_run_write(struct month_run *m, struct out *o)
{
	FILE *j = fopen(m->o.journal, "rb");
	int r;

	if (!j)
		return -1;
	r = out_copy(o, j);
	fclose(j);
	if (m->no_eol)
		out_write(o, "\n", 1);
	if (m->open_block)
		out_puts(o, "end comment\n");
	rewind(m->tail);
	return r < 0 || out_copy(o, m->tail) < 0 ? -1 : 0;
}

/* The statements of every client into o->workdir, one file each (tally-statement --all). */
static int
write_all(struct month_run *m, struct statements *st, struct clients *payers,
	  const struct stmt_doc *doc, const char *ext)
{
	tdate at = m->end - 1;
	size_t n = statements_count(st);
	int r = 0;

	for (size_t i = 0; i < n; i++)
		if (!stmt_safe_name(statements_at(st, i)->id))
			return -1;
	for (size_t i = 0; i < n && r == 0; i++) {
		const struct stmt_client *c = statements_at(st, i);
		struct stmt_client *fam;
		char *path;
		struct out *o;
		FILE *f;
		int fd;

		if (stmt_billed_elsewhere(payers, c, at))
			continue;
		path = xmalloc(strlen(m->o.workdir) + strlen(c->id) + strlen(ext) + 3);
		sprintf(path, "%s/%s.%s", m->o.workdir, c->id, ext);
		fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
		free(path);
		if (fd < 0 || !(f = fdopen(fd, "w"))) {
			if (fd >= 0)
				close(fd);
			return -1;
		}
		o = out_open(f);
		fam = statements_family(st, c->id, payers, at);
		r = out_end(o, statement_write(o, doc, fam ? fam : c));
		stmt_client_free(fam);
		if (fclose(f) != 0)
			r = -1;
	}
	return r;
}

/*
 * The new invoices, read as the end of the invoiced journal (nothing before them changes how
 * they read); then the book, settled, says where each session fell.
 */
static int
read_tail(struct month_run *m)
{
	char path[64], *files[] = {path};
	struct journal *j;
	struct jitem *it;
	struct terr e;
	int rv, r = 0;

	snprintf(path, sizeof path, "/proc/self/fd/%d", fileno(m->tail));
	j = journal_open((const char *const *)files, 1, 0);
	while ((rv = journal_next(j, &it)) != 0) {
		statements_book_at(m->rd.st, m->pos++);
		if (r == 0 && (rv < 0 || stmt_read_entry(&m->rd, it, &e) < 0))
			r = -1;
	}
	journal_close(j);
	keep_styles(m);
	statements_places(m->rd.st, m->sb);
	if (!same_styles(m))
		r = -1;  /* the book set a style back (an unpriced event): not as a reading would */
	statements_packages(m->rd.st, m->sb, m->end - 1);
	return r;
}

/* The invoiced journal read again, as tally-statement reads it (pass 2 of the book). */
static int
read_again(struct month_run *m)
{
	char *files[] = {(char *)m->o.invoiced};
	struct journal *j;
	struct jitem *it;
	struct terr e;
	int rv, r = 0;

	statements_fresh(m);
	/* a fresh reading's styles, as tally-statement's own (the ids stay: the book's) */
	for (int i = 0; i < commodity_count(); i++)
		*commodity_style(i) = (struct cstyle){.decimal = '.'};
	commodity_set_default(0);
	j = journal_open((const char *const *)files, 1, 0);
	while ((rv = journal_next(j, &it)) != 0) {
		struct book_price bp;

		statements_book(m->rd.st, book_next(m->sb, rv > 0 ? it : NULL, &bp) ? &bp : NULL);
		if (r == 0 && (rv < 0 || stmt_read_entry(&m->rd, it, &e) < 0))
			r = -1;
	}
	journal_close(j);
	statements_book(m->rd.st, NULL);
	statements_packages(m->rd.st, m->sb, m->end - 1);
	return r;
}

int
month_run_statements(struct month_run *m)
{
	static const char *const ext[] = {"txt", "md", "html", "pdf", "eml", NULL};
	char *tdir, *css = NULL;
	struct stmt_doc doc = {.format = STMT_TXT, .lang = m->o.lang ? m->o.lang : "en"};
	struct conf *labels = NULL, *provider = NULL;
	struct terr e;
	int r = 0;

	if (m->o.format && (doc.format = format_parse(m->o.format, ext)) > STMT_HTML)
		return -1;  /* -O pdf or eml: tally-statement says what */
	if (doc.format < 0 || (m->o.lang && !catalog_lang_ok(m->o.lang)) ||
	    catalog_use(doc.lang, &e) < 0)
		return -1;
	labels = conf_catalog("statement");
	if (doc.format == STMT_HTML) {
		char path[4096];

		tdir = stmt_templates_dir(NULL);
		snprintf(path, sizeof path, "%s/statement.css", tdir);
		free(tdir);
		if (!(css = stmt_read_text(path)) || strstr(css, "</"))
			r = -1;
	}
	if (r == 0 && !(provider = invoices_conf(m->o.conf, m->o.invoiced, &e)))
		r = -1;
	if (r < 0) {
		conf_free(labels);
		free(css);
		return -1;
	}
	if (m->again)
		r = read_again(m);
	else
		r = read_tail(m);
	doc.labels = labels;
	doc.provider = provider;
	doc.css = css;
	doc.begin = m->begin;
	doc.end = m->end;
	doc.inv = statements_invoices(m->rd.st);
	doc.ids = m->rd.ids;
	if (r == 0)
		r = write_all(m, m->rd.st, m->rd.payers, &doc, ext[doc.format]);
	free(css);
	conf_free(labels);
	conf_free(provider);
	return r;
}

void
month_run_free(struct month_run *m)
{
	if (!m)
		return;
	invrun_free(m->inv);
	if (m->tail)
		fclose(m->tail);
	book_free(m->sb);
	free(m->styles);
	statements_free(m->rd.st);
	identities_free(m->rd.ids);
	clients_free(m->rd.payers);
	query_free(m->query);
	conf_free(m->conf);
	conf_free(m->words);
	free(m);
}
