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

bool
tag_find(struct span comment, const char *key, struct span *value)
{
	struct find f = {key, strlen(key), value};
	struct span dummy;

	if (!value)
		f.value = &dummy;
	return tag_each(comment, match, &f) == 1;
}
