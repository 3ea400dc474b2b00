/*
 * maildoc.c: a document rendered for mail, before GMime sees it: the message template's
 * subject and body (mail_split), the rendering into memory (mail_doc_*), and the one call
 * that mails it (mail_add_text). Kept out of mail.c, which is a module (lib/modules.c):
 * these run in every command that renders mail, whatever it then does with the text.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tally.h"

void
mail_split(const char *doc, size_t n, char **buf, const char **subject, const char **body)
{
	char *s = xstrndup(doc, n), *nl, *line2, *c;

	*buf = s;
	*subject = "";
	*body = s;
	if (!(nl = strchr(s, '\n')))
		return;
	line2 = nl + 1;
	if (!(nl = strchr(line2, '\n')))
		return;
	*nl = '\0';
	if ((c = strstr(line2, ": ")) != NULL) {
		*subject = c + 2;
		if (c[2] >= 'a' && c[2] <= 'z')  /* "Re: your session..." */
			c[2] = (char)(c[2] - 'a' + 'A');
	}
	for (c = nl + 1; *c == '\n'; c++)
		;
	*body = c;
}

struct out *
mail_doc_open(struct mail_doc *d)
{
	*d = (struct mail_doc){0};
	if (!(d->f = open_memstream(&d->p, &d->n)))
		abort();  /* out of memory, as xmalloc treats it */
	return out_open(d->f);
}

void
mail_doc_close(struct mail_doc *d, struct out *o)
{
	out_commit(o);
	fclose(d->f);
	d->f = NULL;
}

void
mail_doc_free(struct mail_doc *d)
{
	free(d->p);
	*d = (struct mail_doc){0};
}

int
mail_add_text(struct mailbox *m, const struct conf *provider, const char *client,
	      const struct identity *who, const struct mail_doc *d, const char *lang,
	      struct terr *e)
{
	const char *subject, *body;
	char *buf;
	int r;

	mail_split(d->p ? d->p : "", d->n, &buf, &subject, &body);
	r = mail_add(m, &(struct mail_msg){
		.from_name = conf_get(provider, "name"), .from_addr = conf_get(provider, "email"),
		.client = client, .to_name = identity_name(who, client),
		.to_addr = who ? who->email : NULL, .subject = subject, .text = body,
		.lang = lang}, e);
	free(buf);
	return r;
}
