/*
 * jappend.c: may text be appended to this journal? Not when it ends inside an open
 * `comment` block: ledger and hledger would read everything appended as comment, and the
 * new entries would vanish from every report.
 */
#include <errno.h>
#include <string.h>

#include "tally.h"

/* A column-0 line that is exactly WORD or WORD followed by a blank. */
static bool
is_word(const char *p, size_t n, const char *w)
{
	size_t k = strlen(w);

	return n >= k && memcmp(p, w, k) == 0 &&
	       (n == k || p[k] == ' ' || p[k] == '\t' || p[k] == '\r' || p[k] == '\n');
}

int
journal_append_check(const char *path, struct terr *e)
{
	char buf[1 << 16], line[16];
	size_t n, len = 0;
	long lineno = 1, opened = 0;
	bool at_start = true;
	FILE *f = fopen(path, "rb");

	if (!f) {
		terr_set(e, path, 0, "cannot read: %s", strerror(errno));
		return -1;
	}
	/* Only the first bytes of each line matter: "comment", "test", "end". */
	while ((n = fread(buf, 1, sizeof buf, f)) > 0) {
		for (size_t i = 0; i < n; i++) {
			if (buf[i] != '\n') {
				if (len < sizeof line)
					line[len++] = buf[i];
				at_start = false;
				continue;
			}
			if (!opened && (is_word(line, len, "comment") || is_word(line, len, "test")))
				opened = lineno;
			else if (opened && is_word(line, len, "end"))
				opened = 0;
			len = 0;
			at_start = true;
			lineno++;
		}
	}
	if (!at_start && !opened && (is_word(line, len, "comment") || is_word(line, len, "test")))
		opened = lineno;
	if (ferror(f)) {
		terr_set(e, path, 0, "read error: %s", strerror(errno));
		fclose(f);
		return -1;
	}
	fclose(f);
	if (opened) {
		terr_set(e, path, opened, "the journal ends inside this comment block: what is "
			 "appended would be comment too (add `end comment` first)");
		return -1;
	}
	return 0;
}
