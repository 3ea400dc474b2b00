/*
 * invdoc.c: tally-invoice --show: one invoice entry of the journal as the document that goes
 * to the client: text, Markdown or HTML from the templates (share/templates/invoice.LANG.*)
 * with the catalog's words (context "invoice"), the text drawn as a PDF (pdf.c), or all
 * three as mail (mail.c). What it has been paid comes from the invoices followed on the way.
 */
#include <stdlib.h>
#include <string.h>

#include "tally.h"

struct invdoc {
	struct invdoc_opts o;
	char *want;         /* the number asked for */
	struct invoices *v; /* every invoice and what of it is paid */
	bool found;
	char *number, *client, *date, *due;
	long terms;
	char **items;       /* "DATE | AMOUNT | DESCRIPTION" as the entry lists them */
	size_t nitems;
	const struct invoice *inv;
	const struct conf *conf;
	struct identities *ids;
	const struct identity *who;  /* the client's name, address, tax ID and email */
	char *tax, *wh;     /* the tax: and withholding: tags ("IVA 21% | 105.00 EUR"), or NULL */
	char *renew;        /* with 1 or 0 package sessions left on the invoice's date: the note */
};

/* The document being written: set by invdoc_write for the helpers below. */
static int format;
static const char *lang;
static const char *maildir;
static const struct conf *words;    /* the catalog, context "invoice": subject, title, base... */
static const struct taxes *taxes;   /* tally.conf's: the exemption wording */

static int
keep_item(const struct vval *v, void *arg)
{
	struct invdoc *s = arg;

	s->items = xrealloc(s->items, (s->nitems + 1) * sizeof *s->items);
	s->items[s->nitems++] = span_dup(v->raw);
	return 0;
}

/* A date as the document's language writes it: 2026-12-15, 15/12/2026 (as the statement). */
static void
lang_date(char *buf, tdate d)
{
	catalog_date(buf, 11, d, "invoice");
}

static void
capture(struct invdoc *s, const struct jitem *it, const struct invoice *in)
{
	char buf[11];
	struct span v;

	s->found = true;
	s->number = xstrdup(in->number);
	s->client = xstrdup(in->client);
	lang_date(buf, in->date);
	s->date = xstrdup(buf);
	lang_date(buf, in->due);
	s->due = xstrdup(buf);
	s->terms = in->due - in->date;
	vocab_each(it->txn, VT_ITEM, keep_item, s);
	s->tax = tag_find(it->txn->comment, "tax", &v) ? span_dup(v) : NULL;
	s->wh = tag_find(it->txn->comment, "withholding", &v) ? span_dup(v) : NULL;
}

static void
put(struct out *o, const char *v, size_t n)
{
	if (format == INVDOC_HTML)
		html_text(o, v, n);
	else if (format == INVDOC_MD)
		md_text(o, v, n);
	else
		out_write(o, v, n);
}

/* Splits "DATE | AMOUNT | DESCRIPTION" into its three fields (missing ones empty). */
static void
split_item(const char *s, struct span f[3])
{
	for (int k = 0; k < 3; k++) {
		const char *bar = k < 2 ? strstr(s, " | ") : NULL;

		f[k].p = s;
		f[k].n = bar ? (size_t)(bar - s) : strlen(s);
		s = bar ? bar + 3 : s + strlen(s);
	}
}

static void
put_items(struct out *o, const struct invdoc *s)
{
	struct span f[3];

	for (size_t i = 0; i < s->nitems; i++) {
		char d[11], amt[AMOUNT_BUF];
		struct amount a;
		tdate day;
		const char *why;

		split_item(s->items[i], f);
		/* the item's date and amount written as the rest of the document writes them */
		if (date_parse(f[0].p, f[0].n, 0, &day, &why) == (long)f[0].n) {
			lang_date(d, day);
			f[0] = (struct span){d, strlen(d)};
		}
		if (amount_parse(f[1].p, f[1].n, &a, false, &why) == (long)f[1].n) {
			amount_format_lang(amt, sizeof amt, &a, lang);
			f[1] = (struct span){amt, strlen(amt)};
		}
		if (format == INVDOC_TXT) {
			out_printf(o, "%-10.*s  %-44.*s  %14.*s\n", (int)f[0].n, f[0].p,
				   (int)f[2].n, f[2].p, (int)f[1].n, f[1].p);
			continue;
		}
		out_puts(o, format == INVDOC_HTML ? "<tr><td>" : "| ");
		put(o, f[0].p, f[0].n);
		out_puts(o, format == INVDOC_HTML ? "</td><td>" : " | ");
		put(o, f[2].p, f[2].n);
		out_puts(o, format == INVDOC_HTML ? "</td><td class=\"num\">" : " | ");
		put(o, f[1].p, f[1].n);
		out_puts(o, format == INVDOC_HTML ? "</td></tr>\n" : " |\n");
	}
}

/* A value of several lines (an address): one line per line in the document's own way. */
static void
put_lines(struct out *o, const char *v)
{
	const char *nl;

	while (v && *v) {
		nl = strchr(v, '\n');
		put(o, v, nl ? (size_t)(nl - v) : strlen(v));
		if (!nl)
			break;
		out_puts(o, format == INVDOC_HTML ? "<br>" : format == INVDOC_MD ? "  \n" : "\n         ");
		v = nl + 1;
	}
}

/* One line of the totals block: label and amount, in the template's own layout. */
static void
put_total(struct out *o, const char *label, const char *amt)
{
	if (format == INVDOC_HTML) {
		out_puts(o, "<tr><td></td><th>");
		put(o, label, strlen(label));
		out_puts(o, "</th><td class=\"num\">");
		put(o, amt, strlen(amt));
		out_puts(o, "</td></tr>\n");
	} else if (format == INVDOC_MD) {
		out_puts(o, "**");
		put(o, label, strlen(label));
		out_puts(o, ":** ");
		put(o, amt, strlen(amt));
		out_puts(o, "  \n");
	} else {
		/* the text templates align amounts after "Total:   " (en) or "Total:       " (es) */
		int w = conf_get(words, "label-width") ? atoi(conf_get(words, "label-width")) : 9;
		int n = (int)strlen(label) + 2;

		out_printf(o, "%s:%*s%s\n", label, n > w ? 1 : w - n + 1, "", amt);
	}
}

/*
 * {{taxes}}: the base, then the tax and the withholding as the invoice entry's tax: and
 * withholding: tags say ("IVA 21% | 105.00 EUR"), the withholding as a negative line.
 * Nothing when the invoice has no tax tags.
 */
static void
put_taxes(struct out *o, const struct invdoc *s)
{
	const char *tag[2] = {s->tax, s->wh};
	struct amount base = s->inv->total, a;
	char buf[AMOUNT_BUF], label[128];
	const char *why, *bar;

	if (!s->tax && !s->wh)
		return;
	for (int k = 0; k < 2; k++) {
		if (!tag[k] || !(bar = strstr(tag[k], " | ")))
			continue;
		if (amount_parse(bar + 3, strlen(bar + 3), &a, false, &why) < 0)
			continue;
		if (k == 0)
			amount_neg(&a);
		if (amount_add(&base, &base, &a) < 0)
			return;
	}
	amount_format_lang(buf, sizeof buf, &base, lang);
	put_total(o, conf_get(words, "base") ? conf_get(words, "base") : "Base", buf);
	for (int k = 0; k < 2; k++) {
		if (!tag[k] || !(bar = strstr(tag[k], " | ")) ||
		    amount_parse(bar + 3, strlen(bar + 3), &a, false, &why) < 0)
			continue;
		if (k == 1)
			amount_neg(&a);
		snprintf(label, sizeof label, "%.*s", (int)(bar - tag[k]), tag[k]);
		amount_format_lang(buf, sizeof buf, &a, lang);
		put_total(o, label, buf);
	}
}

static bool
field(struct out *o, const char *key, size_t n, void *arg)
{
	const struct invdoc *s = arg;
	static const char *const conf_keys[] = {"name", "address", "tax-id", "bank", "email", NULL};
	char buf[AMOUNT_BUF];
	struct amount a;
	const char *v = NULL;

#define IS(k) (n == strlen(k) && memcmp(key, k, n) == 0)
	for (int i = 0; conf_keys[i]; i++) {
		char pk[32];

		snprintf(pk, sizeof pk, "provider-%s", conf_keys[i]);
		if (IS(pk)) {
			v = conf_get(s->conf, conf_keys[i]);
			put(o, v ? v : "", v ? strlen(v) : 0);
			return true;
		}
	}
	if (IS("items")) {
		put_items(o, s);
		return true;
	}
	if (IS("terms")) {
		out_printf(o, "%ld", s->terms);
		return true;
	}
	if (IS("total") || IS("paid") || IS("open")) {
		a = IS("total") ? s->inv->total : s->inv->paid;
		if (IS("open")) {
			struct amount paid = s->inv->paid;

			amount_neg(&paid);
			amount_add(&a, &s->inv->total, &paid);
		}
		a.com = s->inv->total.com;
		amount_format_lang(buf, sizeof buf, &a, lang);
		put(o, buf, strlen(buf));
		return true;
	}
	if (IS("taxes")) {
		put_taxes(o, s);
		return true;
	}
	if (IS("tax-note")) {
		if (s->tax && strstr(s->tax, " exempt |") && taxes->exempt_text)
			put(o, taxes->exempt_text, strlen(taxes->exempt_text));
		return true;
	}
	if (IS("renewal")) {
		if (s->renew && format == INVDOC_TXT)
			out_wrap(o, s->renew, strlen(s->renew), "", 78);
		else if (s->renew)
			put(o, s->renew, strlen(s->renew));
		return true;
	}
	if (IS("client-address")) {
		put_lines(o, s->who ? s->who->address : NULL);
		return true;
	}
	v = IS("number") ? s->number : IS("client") ? identity_name(s->who, s->client) :
	    IS("client-id") ? s->client : IS("client-tax-id") ? (s->who ? s->who->tax_id : NULL) :
	    IS("client-email") ? (s->who ? s->who->email : NULL) :
	    IS("date") ? s->date : IS("due") ? s->due : NULL;
	if (!v && (IS("client-tax-id") || IS("client-email")))
		v = "";
#undef IS
	if (!v)
		return false;
	put(o, v, strlen(v));
	return true;
}

/*
 * {{KEY|TEXT}}: TEXT and then KEY's value, or nothing at all when the value is empty, so that
 * a template prints "Tax ID: ..." (on its own line, TEXT may hold the newline) only when
 * there is one.
 */
static bool
field_opt(struct out *o, const char *key, size_t n, void *arg)
{
	const char *bar = memchr(key, '|', n);
	struct mail_doc d;
	struct out *v;
	bool known;

	if (!bar)
		return field(o, key, n, arg);
	v = mail_doc_open(&d);
	known = field(v, key, (size_t)(bar - key), arg);
	mail_doc_close(&d, v);
	if (known && d.n) {
		out_write(o, bar + 1, n - (size_t)(bar + 1 - key));
		out_write(o, d.p, d.n);
	}
	mail_doc_free(&d);
	return known;
}

/*
 * {{#key}}...{{/key}}, as in the agreement's templates: the block stays (without its marks)
 * when key has a value, else it goes, so that "Please pay to , quoting..." never prints.
 * Done in place on the template text.
 */
static void
sections(char *t, struct invdoc *s)
{
	char *open, *close, *end, mark[80];
	struct mail_doc d;
	struct out *v;
	size_t kn;

	while ((open = strstr(t, "{{#")) && (close = strstr(open + 3, "}}"))) {
		kn = (size_t)(close - open - 3);
		snprintf(mark, sizeof mark, "{{/%.*s}}", (int)kn, open + 3);
		if (kn + 6 > sizeof mark || !(end = strstr(close + 2, mark))) {
			t = close + 2;  /* not a block: left as it stands */
			continue;
		}
		v = mail_doc_open(&d);
		field(v, open + 3, kn, s);
		mail_doc_close(&d, v);
		if (d.n) {  /* keep the inside */
			memmove(end, end + strlen(mark), strlen(end + strlen(mark)) + 1);
			memmove(open, close + 2, strlen(close + 2) + 1);
		} else {
			memmove(open, end + strlen(mark), strlen(end + strlen(mark)) + 1);
		}
		mail_doc_free(&d);
		t = open;
	}
}

static int
render(struct out *o, struct invdoc *s, struct terr *e)
{
	static const char *const ext[] = {"txt", "html", "md"};
	char name[64], *dir = policy_sharedir("templates"), *tmpl;

	snprintf(name, sizeof name, "invoice.%s.%s", lang, ext[format]);
	tmpl = invoices_template(dir, name, e);
	free(dir);
	if (!tmpl)
		return -1;
	sections(tmpl, s);
	invoices_fill(o, tmpl, field_opt, s);
	free(tmpl);
	return 0;
}

/* A word of the catalog ("invoice") filled in as a template ("Invoice {{number}}"): plain text. */
static void
word(char *buf, size_t size, const char *key, struct invdoc *s)
{
	struct mail_doc d;
	struct out *o = mail_doc_open(&d);
	int f = format;

	format = INVDOC_TXT;
	invoices_fill(o, conf_get(words, key) ? conf_get(words, key) : "{{number}}", field_opt, s);
	format = f;
	mail_doc_close(&d, o);
	snprintf(buf, size, "%.*s", (int)d.n, d.p ? d.p : "");
	mail_doc_free(&d);
}

/* -O pdf: the text invoice drawn on the paper tally.conf names. */
static int
render_pdf(struct out *o, struct invdoc *s, struct terr *e)
{
	struct mail_doc txt;
	struct out *t = mail_doc_open(&txt);
	char title[128];
	int r;

	format = INVDOC_TXT;
	r = render(t, s, e);
	format = INVDOC_PDF;
	mail_doc_close(&txt, t);
	word(title, sizeof title, "title", s);
	if (r == 0)
		r = pdf_from_text(o, txt.p, txt.n, &(struct pdf_opts){
				  .paper = conf_get(s->conf, "paper"), .title = title,
				  .author = conf_get(s->conf, "name"), .rtl = conf_get(words, "dir") &&
				  strcmp(conf_get(words, "dir"), "rtl") == 0}, e);
	mail_doc_free(&txt);
	return r;
}

/* -O eml: the invoice as mail, its text and HTML renderings as the two alternatives and
 * the PDF attached. */
static int
render_mail(struct out *o, struct invdoc *s, struct terr *e)
{
	struct mail_doc txt, html, pdf;
	struct out *t = mail_doc_open(&txt), *h = mail_doc_open(&html), *pd = mail_doc_open(&pdf);
	char pdfname[160];
	struct mailbox *mb = maildir ? mail_maildir(maildir, e) : mail_mbox(o);
	const struct conf *c = s->conf;
	char subject[256];
	int r;

	format = INVDOC_TXT;
	r = render(t, s, e);
	format = INVDOC_HTML;
	if (r == 0)
		r = render(h, s, e);
	if (r == 0)
		r = render_pdf(pd, s, e);
	format = INVDOC_EML;
	mail_doc_close(&txt, t);
	mail_doc_close(&html, h);
	mail_doc_close(&pdf, pd);
	snprintf(pdfname, sizeof pdfname, "%s.pdf", s->number);
	word(subject, sizeof subject, "subject", s);
	if (r == 0 && mb)
		r = mail_add(mb, &(struct mail_msg){
			.from_name = conf_get(c, "name"), .from_addr = conf_get(c, "email"),
			.client = s->client, .to_name = identity_name(s->who, s->client),
			.to_addr = s->who ? s->who->email : NULL, .subject = subject,
			.text = txt.p, .html = html.p, .lang = lang, .attach_name = pdfname,
			.attach = pdf.p, .attach_len = pdf.n}, e);
	if (!mb)
		r = -1;
	else if (r < 0)
		mail_abort(mb);
	else
		r = mail_commit(mb, e);
	mail_doc_free(&txt);
	mail_doc_free(&html);
	mail_doc_free(&pdf);
	return r;
}

/*
 * The renewal note: package sessions counted in date order through the book up to the
 * invoice's date; with 1 or 0 left, the statement's words for it.
 */
static int
renewal(struct invdoc *s, char *const *files, size_t nfiles, const struct chart *ch,
	struct terr *e)
{
	struct clients_opts accts;
	struct book *b;
	const char *note;
	long left;

	chart_clients_opts(ch, &accts);
	if (!(b = book_read_until(files, nfiles, &accts, s->inv->date + 1, e)))
		return -1;
	left = book_package_left(b, s->client, s->inv->date);
	book_free(b);
	if (left < 0 || left > 1)
		return 0;
	if ((note = catalog_get("statement", left ? "renew-1" : "renew-0")))
		s->renew = xstrdup(note);
	return 0;
}

struct invdoc *
invdoc_new(const char *number, const struct invdoc_opts *o)
{
	struct invdoc *s = xcalloc(1, sizeof *s);

	s->o = *o;
	s->want = xstrdup(number);
	s->v = invoices_new(o->receivable);
	s->ids = identities_new();
	s->conf = o->conf;
	return s;
}

int
invdoc_observe(struct invdoc *s, const struct jitem *it, const struct vtags *tg,
	       struct terr *e)
{
	const struct invoice *in;

	if (invoices_observe(s->v, it, e) < 0)
		return -1;
	if (it->kind != J_TXN)
		return 0;
	identities_learn(s->ids, it, tg);
	if (!s->found && (in = invoices_find(s->v, s->want)) && in->line == it->line &&
	    strcmp(in->file, it->file) == 0)
		capture(s, it, in);
	return 0;
}

bool
invdoc_found(const struct invdoc *s)
{
	return s->found;
}

int
invdoc_write(struct invdoc *s, struct out *o, char *const *files, size_t nfiles,
	     const struct chart *ch, struct terr *e)
{
	format = s->o.format;
	lang = s->o.lang;
	maildir = s->o.maildir;
	words = s->o.words;
	taxes = s->o.taxes;
	s->inv = invoices_find(s->v, s->want);
	s->who = identities_find(s->ids, s->client);
	if (renewal(s, files, nfiles, ch, e) < 0)
		return -1;
	return format == INVDOC_EML ? render_mail(o, s, e) :
	       format == INVDOC_PDF ? render_pdf(o, s, e) : render(o, s, e);
}

void
invdoc_free(struct invdoc *s)
{
	if (!s)
		return;
	free(s->want);
	invoices_free(s->v);
	free(s->number);
	free(s->client);
	free(s->date);
	free(s->due);
	for (size_t i = 0; i < s->nitems; i++)
		free(s->items[i]);
	free(s->items);
	identities_free(s->ids);
	free(s->tax);
	free(s->wh);
	free(s->renew);
	free(s);
}
