/*
 * conf.c: `key = value` files with `#` comments: tally.conf (the provider's details) and
 * anything else of that shape. Keys keep their order; a later key replaces an earlier one.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "tally.h"

struct conf {
	char **key, **val;
	long *line;
	size_t n;
	char *file;
	char *ctx;   /* conf_catalog: a catalog's context, read through catalog_get */
};

static char *
trim(char *s)
{
	char *e;

	while (*s == ' ' || *s == '\t')
		s++;
	e = s + strlen(s);
	while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r' || e[-1] == '\n'))
		*--e = '\0';
	return s;
}

struct conf *
conf_load(const char *path, bool must_exist, struct terr *e)
{
	struct conf *c = xcalloc(1, sizeof *c);
	FILE *f = fopen(path, "r");
	char *buf = NULL, *k, *v, *eq;
	size_t cap = 0, i;
	long line = 0;

	c->file = xstrdup(path);
	if (!f) {
		if (!must_exist && errno == ENOENT)
			return c;
		terr_set(e, path, 0, "cannot open: %s", strerror(errno));
		conf_free(c);
		return NULL;
	}
	while (getline(&buf, &cap, f) > 0) {
		line++;
		k = trim(buf);
		if (*k == '#' || *k == '\0')
			continue;
		if (!(eq = strchr(k, '='))) {
			terr_set(e, path, line, "expected key = value");
			goto bad;
		}
		*eq = '\0';
		v = trim(eq + 1);
		k = trim(k);
		if (!*k) {
			terr_set(e, path, line, "missing key before =");
			goto bad;
		}
		for (i = 0; i < c->n && strcmp(c->key[i], k) != 0; i++)
			;
		if (i == c->n) {
			c->key = xrealloc(c->key, (c->n + 1) * sizeof *c->key);
			c->val = xrealloc(c->val, (c->n + 1) * sizeof *c->val);
			c->line = xrealloc(c->line, (c->n + 1) * sizeof *c->line);
			c->key[c->n++] = xstrdup(k);
		} else {
			free(c->val[i]);
		}
		c->val[i] = xstrdup(v);
		c->line[i] = line;
	}
	free(buf);
	fclose(f);
	return c;
bad:
	free(buf);
	fclose(f);
	conf_free(c);
	return NULL;
}

struct conf *
conf_catalog(const char *ctx)
{
	struct conf *c = xcalloc(1, sizeof *c);

	c->ctx = xstrdup(ctx);
	c->file = xstrdup(ctx);
	return c;
}

const char *
conf_get(const struct conf *c, const char *key)
{
	if (c && c->ctx)
		return catalog_get(c->ctx, key);
	for (size_t i = 0; c && i < c->n; i++)
		if (strcmp(c->key[i], key) == 0)
			return c->val[i];
	return NULL;
}

size_t
conf_count(const struct conf *c)
{
	return c ? c->n : 0;
}

const char *
conf_key(const struct conf *c, size_t i, long *line)
{
	if (line)
		*line = c->line[i];
	return c->key[i];
}

const char *
conf_file(const struct conf *c)
{
	return c->file;
}

void
conf_free(struct conf *c)
{
	if (!c)
		return;
	for (size_t i = 0; i < c->n; i++) {
		free(c->key[i]);
		free(c->val[i]);
	}
	free(c->key);
	free(c->val);
	free(c->line);
	free(c->file);
	free(c->ctx);
	free(c);
}
