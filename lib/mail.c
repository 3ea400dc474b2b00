/*
 * mail.c: documents as mail ready to send, the one wrapper around GMime. GMime writes the
 * headers (RFC 2047 for names and subjects), the MIME structure and the transfer encodings;
 * this file chooses the parts and where the messages go: an mbox (mboxrd quoting) through a
 * struct out, or a maildir (tmp/, then new/ only when the whole run succeeded).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <gmime/gmime.h>

#include "tally.h"
#include "modules.h"

struct mailbox {
	struct out *o;        /* mbox: where it goes; NULL for a maildir */
	char *dir;            /* maildir */
	char **tmp, **name;   /* maildir: written to tmp/, waiting for new/ */
	size_t n;
	unsigned long seq;
	time_t now;
};

/* GMime is set up with the first mailbox and shut down with the last. */
static int users;

static void
gmime_use(void)
{
	if (users++ == 0)
		g_mime_init();
}

static void
gmime_done(void)
{
	if (--users == 0)
		g_mime_shutdown();
}

/* SOURCE_DATE_EPOCH (reproducible builds' convention) fixes Date: for tests and archives. */
static time_t
mail_now(void)
{
	const char *s = getenv("SOURCE_DATE_EPOCH");
	char *end;
	long long t;

	if (s && *s) {
		t = strtoll(s, &end, 10);
		if (!*end && t >= 0)
			return (time_t)t;
	}
	return time(NULL);
}

static struct mailbox *
mailbox_new(void)
{
	struct mailbox *m = xcalloc(1, sizeof *m);

	m->now = mail_now();
	gmime_use();
	return m;
}

struct mailbox *
mail_mbox(struct out *o)
{
	struct mailbox *m = mailbox_new();

	m->o = o;
	return m;
}

static int
mkdir_ok(const char *path)
{
	return mkdir(path, 0700) == 0 || errno == EEXIST ? 0 : -1;
}

struct mailbox *
mail_maildir(const char *dir, struct terr *e)
{
	static const char *const sub[] = {"tmp", "new", "cur"};
	char *p = xmalloc(strlen(dir) + 8);
	struct mailbox *m;
	struct stat st;

	if (mkdir_ok(dir) < 0 || stat(dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
		terr_set(e, dir, 0, "cannot use as a maildir: %s",
			 errno && errno != EEXIST ? strerror(errno) : "not a directory");
		free(p);
		return NULL;
	}
	for (int i = 0; i < 3; i++) {
		sprintf(p, "%s/%s", dir, sub[i]);
		if (mkdir_ok(p) < 0) {
			terr_set(e, p, 0, "cannot create: %s", strerror(errno));
			free(p);
			return NULL;
		}
	}
	free(p);
	m = mailbox_new();
	m->dir = xstrdup(dir);
	return m;
}

/* The text as an HTML document: escaped, line breaks kept, nothing loaded from outside. */
static char *
html_of_text(const char *text, const char *lang)
{
	size_t n = strlen(text), k = 0;
	char *h = xmalloc(n * 6 + 256);

	/* a right-to-left language (the catalog's notice dir, Hebrew) reads so in HTML too */
	const char *dir = lang && catalog_lang() && strcmp(lang, catalog_lang()) == 0 ?
			  catalog_get("notice", "dir") : NULL;

	k += (size_t)sprintf(h, "<!DOCTYPE html>\n<html lang=\"%s\"%s><head><meta charset=\"utf-8\">"
			     "</head>\n<body><div style=\"white-space: pre-wrap; font-family: "
			     "sans-serif\">", lang ? lang : "en",
			     dir && strcmp(dir, "rtl") == 0 ? " dir=\"rtl\"" : "");
	for (const char *p = text; *p; p++) {
		const char *r = *p == '&' ? "&amp;" : *p == '<' ? "&lt;" : *p == '>' ? "&gt;" :
				*p == '"' ? "&quot;" : NULL;

		if (r) {
			strcpy(h + k, r);
			k += strlen(r);
		} else {
			h[k++] = *p;
		}
	}
	strcpy(h + k, "</div></body></html>\n");
	return h;
}

/* Always UTF-8: GMime would pick Latin-1 where it fits, and the HTML says utf-8. */
static GMimeObject *
text_part(const char *subtype, const char *text)
{
	GMimeTextPart *t = g_mime_text_part_new_with_subtype(subtype);
	GMimeStream *s = g_mime_stream_mem_new_with_buffer(text, strlen(text));
	GMimeDataWrapper *w = g_mime_data_wrapper_new_with_stream(s, GMIME_CONTENT_ENCODING_DEFAULT);

	g_mime_part_set_content(GMIME_PART(t), w);
	g_mime_object_set_content_type_parameter(GMIME_OBJECT(t), "charset", "utf-8");
	g_mime_part_set_content_encoding(GMIME_PART(t),
		g_mime_part_get_best_content_encoding(GMIME_PART(t), GMIME_ENCODING_CONSTRAINT_7BIT));
	g_object_unref(w);
	g_object_unref(s);
	return GMIME_OBJECT(t);
}

static void
address(GMimeMessage *g, GMimeAddressType type, const char *name, const char *addr)
{
	InternetAddress *a = internet_address_mailbox_new(name, addr);

	internet_address_set_charset(a, "utf-8");
	internet_address_list_add(g_mime_message_get_addresses(g, type), a);
	g_object_unref(a);
}

static GMimeObject *
pdf_part(const struct mail_msg *msg)
{
	GMimePart *p = g_mime_part_new_with_type("application", "pdf");
	GMimeStream *s = g_mime_stream_mem_new_with_buffer(msg->attach, msg->attach_len);
	GMimeDataWrapper *w = g_mime_data_wrapper_new_with_stream(s, GMIME_CONTENT_ENCODING_DEFAULT);

	g_mime_part_set_content(p, w);
	g_mime_part_set_filename(p, msg->attach_name);
	g_mime_object_set_disposition(GMIME_OBJECT(p), "attachment");
	g_mime_part_set_content_encoding(p, GMIME_CONTENT_ENCODING_BASE64);
	g_object_unref(w);
	g_object_unref(s);
	return GMIME_OBJECT(p);
}

/* The message's bytes (LF line ends), or NULL when a header is missing. */
static GByteArray *
build(const struct mailbox *m, const struct mail_msg *msg, GMimeStream **keep)
{
	GMimeMessage *g = g_mime_message_new(TRUE);
	GMimeMultipart *alt = g_mime_multipart_new_with_subtype("alternative");
	GMimeObject *top = GMIME_OBJECT(alt), *t, *h;
	GDateTime *date = g_date_time_new_from_unix_utc((gint64)m->now);
	const char *at = strchr(msg->from_addr, '@');
	char *html = msg->html ? NULL : html_of_text(msg->text, msg->lang);
	char *id = g_mime_utils_generate_message_id(at ? at + 1 : "localhost");
	GMimeStream *s = g_mime_stream_mem_new();

	address(g, GMIME_ADDRESS_TYPE_FROM, msg->from_name, msg->from_addr);
	address(g, GMIME_ADDRESS_TYPE_TO, msg->to_name, msg->to_addr);
	g_mime_message_set_subject(g, msg->subject, "utf-8");
	g_mime_message_set_date(g, date);
	g_mime_message_set_message_id(g, id);
	t = text_part("plain", msg->text);
	h = text_part("html", msg->html ? msg->html : html);
	g_mime_multipart_add(alt, t);
	g_mime_multipart_add(alt, h);
	g_object_unref(t);
	g_object_unref(h);
	if (msg->attach) {
		GMimeMultipart *mixed = g_mime_multipart_new_with_subtype("mixed");
		GMimeObject *pdf = pdf_part(msg);

		g_mime_multipart_add(mixed, GMIME_OBJECT(alt));
		g_mime_multipart_add(mixed, pdf);
		g_object_unref(pdf);
		g_object_unref(alt);
		top = GMIME_OBJECT(mixed);
	}
	g_mime_message_set_mime_part(g, top);
	g_object_unref(top);
	g_mime_object_write_to_stream(GMIME_OBJECT(g), NULL, s);
	g_object_unref(g);
	g_date_time_unref(date);
	g_free(id);
	free(html);
	*keep = s;
	return g_mime_stream_mem_get_byte_array(GMIME_STREAM_MEM(s));
}

/* mboxrd: a "From " line before each message, body lines ">*From " take one more '>'. */
static void
write_mbox(struct mailbox *m, const struct mail_msg *msg, const GByteArray *b)
{
	const char *p = (const char *)b->data, *end = p + b->len, *nl, *q;
	char stamp[64];
	struct tm tm;

	gmtime_r(&m->now, &tm);
	strftime(stamp, sizeof stamp, "%a %b %e %H:%M:%S %Y", &tm);
	out_printf(m->o, "From %s %s\n", msg->from_addr, stamp);
	for (; p < end; p = nl) {
		nl = memchr(p, '\n', (size_t)(end - p));
		nl = nl ? nl + 1 : end;
		for (q = p; q < nl && *q == '>'; q++)
			;
		if ((size_t)(nl - q) >= 5 && memcmp(q, "From ", 5) == 0)
			out_write(m->o, ">", 1);
		out_write(m->o, p, (size_t)(nl - p));
	}
	if (b->len && b->data[b->len - 1] != '\n')
		out_write(m->o, "\n", 1);
	out_write(m->o, "\n", 1);
}

/* maildir: a unique name (time.PpidQseq.host), written and synced in tmp/. */
static int
write_maildir(struct mailbox *m, const GByteArray *b, struct terr *e)
{
	char host[256] = "localhost", *name, *path;
	size_t len;
	ssize_t w;
	int fd, bad;

	gethostname(host, sizeof host - 1);
	for (char *h = host; *h; h++)
		if (*h == '/' || *h == ':')
			*h = '_';
	len = strlen(host) + 64;
	name = xmalloc(len);
	snprintf(name, len, "%lld.P%ldQ%lu.%s", (long long)m->now, (long)getpid(), ++m->seq, host);
	path = xmalloc(strlen(m->dir) + strlen(name) + 8);
	sprintf(path, "%s/tmp/%s", m->dir, name);
	if ((fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0600)) < 0) {
		terr_set(e, m->dir, 0, "cannot write tmp/%s: %s", name, strerror(errno));
		free(name);
		free(path);
		return -1;
	}
	w = write(fd, b->data, b->len);
	bad = w < 0 || (size_t)w != b->len || fsync(fd) != 0;
	if (close(fd) != 0 || bad) {
		terr_set(e, m->dir, 0, "cannot write tmp/%s: %s", name, strerror(errno ? errno : EIO));
		unlink(path);
		free(name);
		free(path);
		return -1;
	}
	m->tmp = xrealloc(m->tmp, (m->n + 1) * sizeof *m->tmp);
	m->name = xrealloc(m->name, (m->n + 1) * sizeof *m->name);
	m->tmp[m->n] = path;
	m->name[m->n++] = name;
	return 0;
}

int
mail_add(struct mailbox *m, const struct mail_msg *msg, struct terr *e)
{
	GMimeStream *s;
	GByteArray *b;
	int r = 0;

	if (!msg->from_addr || !*msg->from_addr) {
		terr_set(e, NULL, 0, "no sender address: set email = ADDRESS in tally.conf");
		return -1;
	}
	if (!msg->to_addr || !*msg->to_addr) {
		terr_set(e, NULL, 0, "client %s has no email: tag: cannot mail it",
			 msg->client ? msg->client : msg->to_name);
		return -1;
	}
	b = build(m, msg, &s);
	if (m->o)
		write_mbox(m, msg, b);
	else
		r = write_maildir(m, b, e);
	g_object_unref(s);
	return r;
}

static void
mailbox_free(struct mailbox *m)
{
	for (size_t i = 0; i < m->n; i++) {
		free(m->tmp[i]);
		free(m->name[i]);
	}
	free(m->tmp);
	free(m->name);
	free(m->dir);
	free(m);
	gmime_done();
}

int
mail_commit(struct mailbox *m, struct terr *e)
{
	char *to;
	int r = 0;

	for (size_t i = 0; m->dir && i < m->n && r == 0; i++) {
		to = xmalloc(strlen(m->dir) + strlen(m->name[i]) + 8);
		sprintf(to, "%s/new/%s", m->dir, m->name[i]);
		if (rename(m->tmp[i], to) != 0) {
			terr_set(e, m->dir, 0, "cannot move tmp/%s into new/: %s", m->name[i],
				 strerror(errno));
			r = -1;
		}
		free(to);
	}
	mailbox_free(m);
	return r;
}

void
mail_abort(struct mailbox *m)
{
	for (size_t i = 0; m->dir && i < m->n; i++)
		unlink(m->tmp[i]);
	mailbox_free(m);
}

MODULE_TABLE const struct mail_ops tally_mail_ops = {
	mail_mbox, mail_maildir, mail_add, mail_commit, mail_abort,
};
