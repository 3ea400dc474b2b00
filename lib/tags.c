/*
 * tags.c: tags in comments. hledger's form "key: value, key2: value2" (the value ends at a
 * comma or the end of the line) and ledger's ":tag1:tag2:" (tags without values). The
 * values of tally's free-text tags (vocab_to_eol) run to the end of the line, commas and
 * all, as ledger reads every value.
 */
#include <string.h>

#include "tagwalk.h"

int
tag_each(struct span comment, int (*fn)(struct span, struct span, void *), void *arg)
{
	/* no comment: NULL + 0 is undefined behaviour */
	return comment.p ? tag_walk(comment, comment.p + comment.n, fn, NULL, arg) : 0;
}

struct find {
	const char *key;
	size_t n;
	struct span *value;
};

static int
match(struct span key, struct span value, void *arg)
{
	struct find *f = arg;

	if (key.n == f->n && memcmp(key.p, f->key, f->n) == 0) {
		*f->value = value;
		return 1;
	}
	return 0;
}

/*
 * tag_walk's known: the wanted key and its colon at w, where tag_key_end would stop too
 * (no blank, control byte, comma or colon before it): one pass over the key's bytes.
 */
static size_t
wanted(const char *w, const char *end, const char *lim, void *arg)
{
	struct find *f = arg;

	(void)lim;
	if ((size_t)(end - w) <= f->n || w[f->n] != ':')
		return 0;
	for (size_t i = 0; i < f->n; i++)
		if (w[i] != f->key[i] || (unsigned char)w[i] <= ' ' || w[i] == ',' || w[i] == ':')
			return 0;
	return f->n;
}

static void
find_init(struct find *f, const char *key, struct span *value, struct span *dummy)
{
	f->key = key;
	f->n = strlen(key);
	f->value = value ? value : dummy;
}

static bool
find_in(struct span comment, struct find *f)
{
	if (!comment.p)  /* no comment: NULL + 0 is undefined behaviour */
		return false;
	/* tag_walk inline: match and wanted are called directly, not through a pointer */
	return tag_walk(comment, comment.p + comment.n, match, wanted, f) == 1;
}

bool
tag_find(struct span comment, const char *key, struct span *value)
{
	struct find f;
	struct span dummy;

	find_init(&f, key, value, &dummy);
	return find_in(comment, &f);
}

bool
tag_find_either(struct span first, struct span then, const char *key, struct span *value)
{
	struct find f;
	struct span dummy;

	find_init(&f, key, value, &dummy);
	return find_in(first, &f) || find_in(then, &f);
}
