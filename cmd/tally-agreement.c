/*
 * tally-agreement: the collaboration agreement a client signs, built from the client's terms
 * in the journal (rate, session length and frequency, payment terms, package) and the very
 * policy file tally-cancel applies, so the numbers the client agrees to are the numbers
 * charged. The text comes from share/templates/agreement.LANG.FORMAT: `{{field}}` is
 * replaced by a value escaped for the format, `{{#field}}...{{/field}}` is kept only when
 * the field has a value and `{{^field}}...{{/field}}` only when it has none.
 */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "tally.h"

static char **fopts;     /* -f FILE options */
static const char *prog = "tally-agreement";
static const char *client_opt, *policy_file, *policy_dir_opt, *templates_opt, *conf_path;
static const char *lang = "en";
static tdate on = DATE_NONE;
static enum { F_TXT, F_MD, F_HTML, F_EML, F_PDF } format = F_TXT;
static const char *const formats[] = {"txt", "md", "html", "eml", "pdf", NULL};
static const char *maildir;
static struct identities *ids;  /* the client's name, address, tax ID and email */

/* The template's fields: name and value (NULL or "" is "no value"). */
struct field {
	const char *name;
	char *value;
};
static struct field fields[40];
static size_t nfields;

static void
usage(FILE *f, int status)
{
	fprintf(f, "usage: %s --client ID [-O txt|md|html|pdf|eml] [--maildir DIR] [--lang en|es|he] [--date DATE]\n"
		   "       [--policy FILE | --policies DIR] [--templates DIR] [--conf FILE]\n"
		   "       [-f FILE]... [FILE]...\n", prog);
	exit(status);
}

static void
set(const char *name, const char *value)
{
	for (size_t i = 0; i < nfields; i++) {
		if (strcmp(fields[i].name, name) == 0) {
			free(fields[i].value);
			fields[i].value = value ? xstrdup(value) : NULL;
			return;
		}
	}
	if (nfields < sizeof fields / sizeof *fields)
		fields[nfields++] = (struct field){name, value ? xstrdup(value) : NULL};
}

static const struct field *
field(const char *name, size_t n)
{
	for (size_t i = 0; i < nfields; i++)
		if (strlen(fields[i].name) == n && memcmp(fields[i].name, name, n) == 0)
			return &fields[i];
	return NULL;
}

static void
escaped(struct out *o, const char *s)
{
	if (format == F_HTML) {
		html_text(o, s, strlen(s));
		return;
	}
	for (; format == F_MD && *s; s++) {
		if (strchr("\\`*_[]<>#|", *s))
			out_write(o, "\\", 1);
		out_write(o, s, 1);
	}
	if (format == F_TXT)
		out_puts(o, s);
}

/* The first s[0..n) occurrence of the k bytes at w, or NULL. */
static const char *
find(const char *s, size_t n, const char *w, size_t k)
{
	for (size_t i = 0; i + k <= n; i++)
		if (s[i] == w[0] && memcmp(s + i, w, k) == 0)
			return s + i;
	return NULL;
}

static long
line_at(const char *start, const char *p)
{
	long n = 1;

	for (; start < p; start++)
		n += *start == '\n';
	return n;
}

/*
 * Renders t[0..n) of the template (whole text at base, for line numbers). A section tag
 * alone on its line takes its newline with it, so sections leave no blank lines.
 */
static int
render(struct out *o, const char *base, const char *t, size_t n, const char *path,
       struct terr *e)
{
	const char *end = t + n, *open, *close, *name, *stop;
	const struct field *f;
	char tag[64];
	size_t k;

	while (t < end) {
		open = find(t, (size_t)(end - t), "{{", 2);
		if (!open) {
			out_write(o, t, (size_t)(end - t));
			return 0;
		}
		out_write(o, t, (size_t)(open - t));
		close = find(open, (size_t)(end - open), "}}", 2);
		if (!close) {
			terr_set(e, path, line_at(base, open), "unclosed {{");
			return -1;
		}
		name = open + 2;
		k = (size_t)(close - name);
		t = close + 2;
		if (*name != '#' && *name != '^') {
			if (!(f = field(name, k))) {
				terr_set(e, path, line_at(base, open), "unknown field: %.*s", (int)k,
					 name);
				return -1;
			}
			if (f->value)
				escaped(o, f->value);
			continue;
		}
		if (k - 1 >= sizeof tag - 6) {
			terr_set(e, path, line_at(base, open), "field name too long");
			return -1;
		}
		snprintf(tag, sizeof tag, "{{/%.*s}}", (int)(k - 1), name + 1);
		if (!(stop = find(t, (size_t)(end - t), tag, strlen(tag)))) {
			terr_set(e, path, line_at(base, open), "no %s for this section", tag);
			return -1;
		}
		if (!(f = field(name + 1, k - 1))) {
			terr_set(e, path, line_at(base, open), "unknown field: %.*s", (int)k - 1,
				 name + 1);
			return -1;
		}
		bool standalone = (open == base || open[-1] == '\n') && t < end && *t == '\n';
		bool shown = (f->value && *f->value) == (*name == '#');
		const char *in = standalone ? t + 1 : t;

		if (shown && render(o, base, in, (size_t)(stop - in), path, e) < 0)
			return -1;
		t = stop + strlen(tag);
		if (standalone && t < end && *t == '\n')
			t++;
	}
	return 0;
}

/* Columns of UTF-8 text. */
static size_t
cols(const char *s, size_t n)
{
	size_t k = 0;

	for (size_t i = 0; i < n; i++)
		k += ((unsigned char)s[i] & 0xC0) != 0x80;
	return k;
}

/*
 * The text agreement within 80 columns: a longer line (a policy clause, a package) is
 * broken at spaces, its continuation indented under the text of a "- " item.
 */
static void
wrap80(struct out *o, const char *p, size_t n)
{
	const char *end = p + n, *nl;

	for (; p < end; p = nl + 1) {
		size_t len, cut = 0, k = 0, b;

		nl = memchr(p, '\n', (size_t)(end - p));
		if (!nl)
			nl = end;
		len = (size_t)(nl - p);
		if (cols(p, len) > 80) {
			for (b = 0; b < len && k <= 80; b++) {
				if (p[b] == ' ')
					cut = b;
				k += ((unsigned char)p[b] & 0xC0) != 0x80;
			}
		}
		if (!cut) {
			out_write(o, p, len);
		} else {
			out_write(o, p, cut);
			out_puts(o, "\n");
			out_wrap(o, p + cut + 1, len - cut - 1, strncmp(p, "- ", 2) == 0 ? "  " : "",
				 80);
			if (nl < end)
				continue;  /* out_wrap ended the line */
		}
		if (nl < end)
			out_puts(o, "\n");
	}
}

/* The template rendered; text is wrapped at 80 columns. */
static int
render_doc(struct out *o, const char *tmpl, const char *path, struct terr *e)
{
	struct mail_doc d;
	struct out *t;
	int r;

	if (format != F_TXT)
		return render(o, tmpl, tmpl, strlen(tmpl), path, e);
	t = mail_doc_open(&d);
	r = render(t, tmpl, tmpl, strlen(tmpl), path, e);
	mail_doc_close(&d, t);
	if (r == 0)
		wrap80(o, d.p, d.n);
	mail_doc_free(&d);
	return r;
}

static char *
read_all(const char *path, struct terr *e)
{
	FILE *f = fopen(path, "r");
	char *buf = NULL;
	size_t len = 0, cap = 0, r;

	if (!f) {
		terr_set(e, path, 0, "cannot open template: %s", strerror(errno));
		return NULL;
	}
	do {
		if (cap - len < 4096) {
			cap = cap ? 2 * cap : 8192;
			buf = xrealloc(buf, cap + 1);
		}
		r = fread(buf + len, 1, cap - len, f);
		len += r;
	} while (r > 0);
	if (ferror(f)) {
		terr_set(e, path, 0, "read error: %s", strerror(errno));
		free(buf);
		buf = NULL;
	} else {
		buf[len] = '\0';
	}
	fclose(f);
	return buf;
}

/* "23 November 2026" or "23 de noviembre de 2026": the catalog's "agreement" date-format. */
static void
date_words(char *buf, size_t size, tdate d)
{
	catalog_date(buf, size, d, "agreement");
}

/* What the journal says about the client besides the book's terms: its descriptive tags. */
struct extra {
	long minutes;
	char *frequency, *includes, *excludes, *extras, *programme;
	tdate on[6];          /* when each (minutes first) was given: the latest date wins */
};

/*
 * A value given on d replaces one given earlier: the terms are read in date order, not
 * file order (on the same day, the later entry). Free text keeps its commas (vocab.c).
 */
static void
keep(const struct vtags *vt, enum vtag k, tdate d, char **slot, tdate *when)
{
	if (!vt->has[k] || !vt->v[k].raw.n || (*slot && d < *when))
		return;
	free(*slot);
	*slot = span_dup(vt->v[k].raw);
	*when = d;
}

/*
 * Pass 1's look at each good entry (book_learn): the client's name and address, and its
 * descriptive tags from terms entries (not sessions) dated on or before the agreement.
 */
static int
learn(struct book *b, const struct jitem *it, const struct vtags *vt, void *arg)
{
	struct extra *x = arg;
	tdate d = it->txn->date;
	enum vtag len = vt->has[VT_MINUTES] ? VT_MINUTES : VT_DURATION;

	(void)b;
	identities_learn(ids, it, vt);
	if (!vt->has[VT_CLIENT] || vt->has[VT_SESSION] || d > on ||
	    !vocab_same_client(vt->v[VT_CLIENT].raw, (struct span){client_opt, strlen(client_opt)}))
		return 0;
	/* the vocabulary's reading of the length: minutes:, else duration: */
	if (vt->has[len] && (x->minutes <= 0 || d >= x->on[0])) {
		x->minutes = vt->v[len].n;
		x->on[0] = d;
	}
	keep(vt, VT_FREQUENCY, d, &x->frequency, &x->on[1]);
	keep(vt, VT_INCLUDES, d, &x->includes, &x->on[2]);
	keep(vt, VT_EXCLUDES, d, &x->excludes, &x->on[3]);
	keep(vt, VT_EXTRAS, d, &x->extras, &x->on[4]);
	keep(vt, VT_PROGRAMME, d, &x->programme, &x->on[5]);
	return 0;
}

/* The package the client bought last on or before the agreement's date (the book's, bought
 * in date order, then in the order written), or NULL. */
static const struct client_package *
last_package(const struct client *c)
{
	const struct client_package *k = NULL;

	for (size_t i = 0; i < c->npk; i++) {
		const struct client_package *p = &c->pk[i];

		if (p->date <= on && (!k || p->date > k->date ||
				      (p->date == k->date && p->seq > k->seq)))
			k = p;
	}
	return k;
}

static void
set_amount(const char *name, const struct amount *a)
{
	char buf[AMOUNT_BUF];

	amount_format_lang(buf, sizeof buf, a, lang);
	set(name, buf);
}

/* Fills the template's fields from the client, the extras, the policy and tally.conf. */
static void
fill(struct client *c, const struct extra *x, const struct policy *p, const struct conf *cf)
{
	const struct client_package *pk = last_package(c);
	static const char *const clause_field[PK_NKEYS] = {
		[PK_NOTICE] = "clause-notice", [PK_LATE] = "clause-late-cancel-fee",
		[PK_NOSHOW] = "clause-no-show-fee", [PK_CAP] = "clause-fee-cap",
		[PK_GRACE] = "clause-grace", [PK_PREPAID] = "clause-prepaid",
		[PK_DEPOSIT] = "clause-deposit", [PK_PROVIDER] = "clause-provider-cancel",
	};
	static const char *const conf_keys[][2] = {
		{"provider-name", "name"}, {"provider-address", "address"},
		{"provider-email", "email"}, {"provider-phone", "phone"},
		{"provider-tax-id", "tax-id"},
	};
	char buf[1024];
	const struct client_rate *r = NULL;
	int terms;

	for (size_t i = 0; i < sizeof conf_keys / sizeof *conf_keys; i++)
		set(conf_keys[i][0], conf_get(cf, conf_keys[i][1]));
	if (!conf_get(cf, "name"))
		set("provider-name", "______________________");
	const struct identity *who = identities_find(ids, c->id);
	size_t k;

	set("client", who && who->name ? who->name : c->name);
	set("client-id", c->id);
	set("client-tax-id", who ? who->tax_id : NULL);
	set("client-email", who ? who->email : NULL);
	k = 0;
	for (const char *a = who && who->address ? who->address : ""; *a && k + 3 < sizeof buf; a++) {
		if (*a == '\n') {  /* one line in a sentence: "street, city" */
			buf[k++] = ',';
			buf[k++] = ' ';
		} else {
			buf[k++] = *a;
		}
	}
	buf[k] = '\0';
	set("client-address", buf);
	date_words(buf, sizeof buf, on);
	set("date", buf);
	for (size_t i = 0; i < c->nrates && c->rates[i].from <= on; i++)
		r = &c->rates[i];
	set("rate", NULL);
	set("rate-unit", NULL);
	if (r) {
		set_amount("rate", &r->amt);
		set("rate-unit", catalog_get("agreement", r->per_hour ? "per-hour" : "per-session"));
	}
	snprintf(buf, sizeof buf, "%ld", x->minutes);
	set("minutes", x->minutes > 0 ? buf : NULL);
	set("frequency", x->frequency);
	set("includes", x->includes);
	set("excludes", x->excludes);
	set("extras", x->extras);
	set("programme", x->programme);
	terms = client_terms_at(c, on);
	snprintf(buf, sizeof buf, "%d", terms >= 0 ? terms : 14);
	set("terms", buf);
	set("package-sessions", NULL);
	set("package-price", NULL);
	set("package-expires", NULL);
	if (pk) {
		snprintf(buf, sizeof buf, "%ld", pk->sessions);
		set("package-sessions", buf);
		set_amount("package-price", &pk->price);
		if (pk->expires != DATE_NONE) {
			date_words(buf, sizeof buf, pk->expires);
			set("package-expires", buf);
		}
	}
	set("policy-name", p->name);
	for (int k = 0; k < PK_NKEYS; k++) {
		if (!clause_field[k])
			continue;
		policy_clause(p, (enum policy_key)k, lang, buf, sizeof buf);
		set(clause_field[k], buf);
	}
}

/* The client's name as the agreement prints it. */
static const char *
fields_client(void)
{
	const struct field *f = field("client", 6);

	return f && f->value ? f->value : "";
}

/* The text agreement drawn as a PDF on the paper tally.conf names. */
static int
pdf_agreement(struct out *o, const char *text, size_t n, const struct conf *cf,
	      const char *name, struct terr *e)
{
	char title[512];

	snprintf(title, sizeof title, catalog_tr("Collaboration agreement: %s"), name);
	const char *dir = catalog_get("agreement", "dir");

	return pdf_from_text(o, text, n, &(struct pdf_opts){.paper = conf_get(cf, "paper"),
			     .title = title, .author = conf_get(cf, "name"),
			     .rtl = dir && strcmp(dir, "rtl") == 0}, e);
}

/* -O eml: the agreement as mail, its text and HTML renderings as the two alternatives and
 * the PDF attached. */
static int
mail_agreement(struct out *o, const char *dir, const struct client *c, const struct conf *cf,
	       struct terr *e)
{
	const struct identity *who = identities_find(ids, c->id);
	const char *name = who && who->name ? who->name : c->name;
	struct mail_doc doc[3];
	struct mailbox *mb;
	struct out *pd;
	char *path = xmalloc(strlen(dir) + 32), *tmpl, subject[512];
	int r = 0;

	for (int k = 0; k < 2; k++) {
		struct out *d = mail_doc_open(&doc[k]);

		sprintf(path, "%s/agreement.%s.%s", dir, lang, k ? "html" : "txt");
		format = k ? F_HTML : F_TXT;
		if (r == 0 && (tmpl = read_all(path, e)) != NULL) {
			r = render_doc(d, tmpl, path, e);
			free(tmpl);
		} else {
			r = -1;
		}
		mail_doc_close(&doc[k], d);
	}
	pd = mail_doc_open(&doc[2]);
	if (r == 0)
		r = pdf_agreement(pd, doc[0].p, doc[0].n, cf, name, e);
	mail_doc_close(&doc[2], pd);
	format = F_EML;
	snprintf(subject, sizeof subject, catalog_tr("Collaboration agreement: %s"), name);
	if (r == 0 && (mb = maildir ? mail_maildir(maildir, e) : mail_mbox(o)) != NULL) {
		r = mail_add(mb, &(struct mail_msg){
			.from_name = conf_get(cf, "name"), .from_addr = conf_get(cf, "email"),
			.client = c->id, .to_name = name, .to_addr = who ? who->email : NULL,
			.subject = subject, .text = doc[0].p, .html = doc[1].p, .lang = lang,
			.attach_name = catalog_get("agreement", "attachment"),
			.attach = doc[2].p, .attach_len = doc[2].n}, e);
		if (r < 0)
			mail_abort(mb);
		else
			r = mail_commit(mb, e);
	} else {
		r = -1;
	}
	mail_doc_free(&doc[0]);
	mail_doc_free(&doc[1]);
	mail_doc_free(&doc[2]);
	free(path);
	return r;
}

static int
parse_date_opt(const char *s, tdate *d)
{
	const char *why;

	return date_parse(s, strlen(s), 0, d, &why) == (long)strlen(s) ? 0 : -1;
}

int
main(int argc, char **argv)
{
	static const struct option opts[] = {
		{"client", required_argument, NULL, 'c'},
		{"output-format", required_argument, NULL, 'O'},
		{"lang", required_argument, NULL, 'L'},
		{"date", required_argument, NULL, 'd'},
		{"policy", required_argument, NULL, 'P'},
		{"policies", required_argument, NULL, 'D'},
		{"templates", required_argument, NULL, 'T'},
		{"conf", required_argument, NULL, 'C'},
		{"maildir", required_argument, NULL, 'M'},
		{"file", required_argument, NULL, 'f'},
		{"help", no_argument, NULL, 'h'},
		{"version", no_argument, NULL, 'V'},
		{NULL, 0, NULL, 0},
	};
	char **files, *dir, *path, *tmpl, *first = NULL;
	size_t nf = 0, nfiles;
	struct book *book = NULL;
	struct client *mine = NULL;
	struct extra x = {0};
	const struct policy *p = NULL;
	const struct terr *d;
	struct conf *cf = NULL;
	struct terr e = {0};
	struct out *o;
	int opt, rv, status = 0;

	fopts = xcalloc((size_t)argc + 1, sizeof *fopts); /* static: reachable on early exits */
	while ((opt = getopt_long(argc, argv, "c:O:f:h", opts, NULL)) != -1) {
		switch (opt) {
		case 'c': client_opt = optarg; break;
		case 'O':
			if ((rv = format_parse(optarg, formats)) < 0) {
				fprintf(stderr, "%s: unknown output format: %s\n", prog, optarg);
				return 2;
			}
			format = rv;
			break;
		case 'L':
			lang = optarg;  /* a language is its catalog and templates: checked below */
			break;
		case 'd':
			if (parse_date_opt(optarg, &on) < 0) {
				fprintf(stderr, "%s: bad date: %s\n", prog, optarg);
				return 2;
			}
			break;
		case 'P': policy_file = optarg; break;
		case 'D': policy_dir_opt = optarg; break;
		case 'T': templates_opt = optarg; break;
		case 'C': conf_path = optarg; break;
		case 'M': maildir = optarg; break;
		case 'f': fopts[nf++] = optarg; break;
		case 'h': usage(stdout, 0); break;
		case 'V': printf("%s %s\n", prog, TALLY_VERSION); return 0;
		default: usage(stderr, 2);
		}
	}
	if (!client_opt) {
		fprintf(stderr, "%s: which client? (--client ID)\n", prog);
		usage(stderr, 2);
	}
	if (maildir && format != F_EML) {
		fprintf(stderr, "%s: --maildir needs -O eml\n", prog);
		return 2;
	}
	if (catalog_use(lang, &e) < 0) {
		terr_print(prog, &e);
		return 2;
	}
	if (on == DATE_NONE)
		on = date_today();
	nfiles = input_files(fopts, nf, argv + optind, (size_t)(argc - optind), &files);
	if (wpath_check_stdout(files, nfiles, &e) < 0) {  /* `>> JOURNAL`, as cat refuses it */
		terr_print(prog, &e);
		input_free(files, nfiles);
		return 2;
	}
	/*
	 * The book reads the terms as tally-bill and tally-check do: in date order whatever the
	 * order of the files, every tag through the vocabulary, a `policy:` that names no
	 * usable policy refused at its line. Pass 1 is all an agreement needs.
	 */
	ids = identities_new();
	if (!(book = book_new(&(struct book_opts){.policy_file = policy_file,
			      .policy_dir = policy_dir_opt, .check_policies = true}, &e)) ||
	    book_input(book, files, nfiles, &e) < 0) {
		terr_print(prog, &e);
		status = 1;
	} else {
		status = book_learn(book, files, nfiles, &(struct book_pass){.limit = DATE_NONE,
				    .entry = learn, .arg = &x});
		while ((d = book_deferred(book, true)))
			terr_print(prog, d);
		mine = clients_find(book_clients(book), (struct span){client_opt, strlen(client_opt)});
	}
	/* tally.conf is looked for beside the first journal. */
	first = nfiles && strcmp(files[0], "-") != 0 ? xstrdup(files[0]) : NULL;
	input_free(files, nfiles);
	if (!status && !mine) {
		fprintf(stderr, "%s: no client %s in the journal\n", prog, client_opt);
		status = 1;
	}
	if (!status && !(p = book_policy(book, mine, on))) {
		const char *name = client_policy_at(mine, on);

		if (!name) {
			fprintf(stderr, "%s: no policy: for %s on that date (give --policy FILE)\n",
				prog, mine->id);
		} else {  /* refused at its tag already when it was unusable: not reached */
			fprintf(stderr, "%s: unknown policy: %s\n", prog, name);
		}
		status = 1;
	}
	if (!status && !(cf = invoices_conf(conf_path, first, &e))) {
		terr_print(prog, &e);
		status = 1;
	}
	if (!status) {
		dir = templates_opt ? xstrdup(templates_opt) : policy_sharedir("templates");
		path = xmalloc(strlen(dir) + 32);
		sprintf(path, "%s/agreement.%s.%s", dir, lang, formats[format == F_PDF ? F_TXT : format]);
		fill(mine, &x, p, cf);
		if (format == F_EML) {
			o = out_open(stdout);
			if (mail_agreement(o, dir, mine, cf, &e) < 0) {
				terr_print(prog, &e);
				out_abort(o);
				status = 1;
			} else if (out_commit(o) < 0) {
				status = 1;
			}
		} else if (!(tmpl = read_all(path, &e))) {
			terr_print(prog, &e);
			status = 1;
		} else if (format == F_PDF) {
			struct mail_doc txt;
			struct out *t = mail_doc_open(&txt);

			format = F_TXT;
			rv = render_doc(t, tmpl, path, &e);
			format = F_PDF;
			mail_doc_close(&txt, t);
			o = out_open(stdout);
			if (rv < 0 || pdf_agreement(o, txt.p, txt.n, cf, fields_client(), &e) < 0) {
				terr_print(prog, &e);
				out_abort(o);
				status = 1;
			} else if (out_commit(o) < 0) {
				status = 1;
			}
			mail_doc_free(&txt);
			free(tmpl);
		} else {
			o = out_open(stdout);
			if (render_doc(o, tmpl, path, &e) < 0) {
				terr_print(prog, &e);
				out_abort(o);
				status = 1;
			} else if (out_commit(o) < 0) {
				status = 1;
			}
			free(tmpl);
		}
		free(path);
		free(dir);
	}
	for (size_t i = 0; i < nfields; i++)
		free(fields[i].value);
	free(x.frequency);
	free(x.includes);
	free(x.excludes);
	free(x.extras);
	free(x.programme);
	conf_free(cf);
	free(first);
	book_free(book);
	identities_free(ids);
	free(fopts);
	if (fshut_stdout(prog) < 0)
		status = 1;
	commodity_reset();
	return status;
}
