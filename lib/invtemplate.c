/*
 * invtemplate.c: what an invoice document is made from: the template file, its {{fields}}
 * filled in, and tally.conf found where the user keeps it (kept apart from invoices.c,
 * which follows the receivables).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tally.h"

char *
invoices_template(const char *dir, const char *name, struct terr *e)
{
	char *path = xmalloc(strlen(dir) + strlen(name) + 2), *buf = NULL;
	size_t n = 0, cap = 0, r;
	FILE *f;

	sprintf(path, "%s/%s", dir, name);
	if (!(f = fopen(path, "r"))) {
		terr_set(e, NULL, 0, "cannot read template %s", path);
		free(path);
		return NULL;
	}
	do {
		if (cap - n < 4096)
			buf = xrealloc(buf, cap = cap * 2 + 4096);
		r = fread(buf + n, 1, cap - n - 1, f);
		n += r;
	} while (r > 0);
	buf[n] = '\0';
	if (ferror(f)) {
		terr_set(e, NULL, 0, "cannot read template %s", path);
		free(buf);
		buf = NULL;
	}
	fclose(f);
	free(path);
	return buf;
}

void
invoices_fill(struct out *o, const char *tmpl,
	      bool (*field)(struct out *o, const char *key, size_t n, void *arg), void *arg)
{
	const char *p = tmpl, *open, *close;

	while ((open = strstr(p, "{{")) && (close = strstr(open + 2, "}}"))) {
		out_write(o, p, (size_t)(open - p));
		if (!field(o, open + 2, (size_t)(close - open - 2), arg))
			out_write(o, open, (size_t)(close + 2 - open));
		p = close + 2;
	}
	out_puts(o, p);
}

/* Loads buf when it exists: 1 found (*c set, NULL on a bad file), 0 not there. */
static int
conf_try(char *buf, struct conf **c, struct terr *e)
{
	FILE *f = fopen(buf, "r");

	if (!f)
		return 0;
	fclose(f);
	if (!(*c = conf_load(buf, true, e)))
		e->file = buf;
	return 1;
}

struct conf *
invoices_conf(const char *path, const char *journal, struct terr *e)
{
	/* Static: a conf_load error names the file, and the message outlives the call. */
	static char buf[4096];
	const char *slash, *env;
	struct conf *c;

	/* $TALLY_CONF stands for --conf, which hledger 1.4x keeps from its add-ons. */
	if (path || ((env = getenv("TALLY_CONF")) && *env)) {
		snprintf(buf, sizeof buf, "%s", path ? path : env);
		if (!(c = conf_load(buf, true, e)))
			e->file = buf;
		return c;
	}
	if (journal && strcmp(journal, "-") != 0 && (slash = strrchr(journal, '/')) &&
	    (size_t)(slash - journal) + 12 < sizeof buf) {
		snprintf(buf, sizeof buf, "%.*s/tally.conf", (int)(slash - journal), journal);
		if (conf_try(buf, &c, e))
			return c;
	}
	snprintf(buf, sizeof buf, "tally.conf");
	if (conf_try(buf, &c, e))
		return c;
	/* The XDG base directory: $XDG_CONFIG_HOME, else ~/.config (a relative one is ignored). */
	if ((env = getenv("XDG_CONFIG_HOME")) && env[0] == '/')
		snprintf(buf, sizeof buf, "%s/tally/tally.conf", env);
	else if ((env = getenv("HOME")) && *env)
		snprintf(buf, sizeof buf, "%s/.config/tally/tally.conf", env);
	else
		snprintf(buf, sizeof buf, "tally.conf");
	if (!(c = conf_load(buf, false, e)))
		e->file = buf;
	return c;
}
