/*
 * regex.c: the one wrapper around PCRE2. Patterns are compiled once, case-insensitive,
 * UTF-8 and Unicode aware (\w, \b and case work in any script: Cyrillic or Japanese payer
 * patterns too), JIT-compiled where the platform allows, and matched under a match limit so
 * a pathological pattern fails with an error instead of hanging an import.
 */
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <stdlib.h>

#include "tally.h"

/* Backtracking budget per match: generous for real patterns, small enough to stop a bomb. */
#define MATCH_LIMIT 1000000
#define DEPTH_LIMIT 10000

struct regex {
	pcre2_code *code;
	pcre2_match_data *md;    /* reused by every match: no allocation per row */
	pcre2_match_context *mc;
	bool jit;
};

struct regex *
regex_compile(const char *pat, size_t n, char *why, size_t whysize)
{
	struct regex *r;
	int err;
	PCRE2_SIZE off;
	pcre2_code *code;

	code = pcre2_compile((PCRE2_SPTR)pat, n,
			     PCRE2_CASELESS | PCRE2_UTF | PCRE2_UCP | PCRE2_MATCH_INVALID_UTF, &err, &off, NULL);
	if (!code) {
		PCRE2_UCHAR buf[200];

		pcre2_get_error_message(err, buf, sizeof buf);
		snprintf(why, whysize, "bad regular expression \"%.*s\": %s at offset %zu",
			 (int)n, pat, (const char *)buf, (size_t)off);
		return NULL;
	}
	r = xcalloc(1, sizeof *r);
	r->code = code;
	r->jit = pcre2_jit_compile(code, PCRE2_JIT_COMPLETE) == 0;
	r->md = pcre2_match_data_create_from_pattern(code, NULL);
	r->mc = pcre2_match_context_create(NULL);
	if (!r->md || !r->mc) {
		regex_free(r);
		snprintf(why, whysize, "out of memory compiling a regular expression");
		return NULL;
	}
	pcre2_set_match_limit(r->mc, MATCH_LIMIT);
	pcre2_set_depth_limit(r->mc, DEPTH_LIMIT);
	return r;
}

int
regex_match(const struct regex *r, const char *s, size_t n)
{
	int rc;

	if (r->jit)
		rc = pcre2_jit_match(r->code, (PCRE2_SPTR)s, n, 0, 0, r->md, r->mc);
	else
		rc = pcre2_match(r->code, (PCRE2_SPTR)s, n, 0, 0, r->md, r->mc);
	if (rc >= 0)
		return 1;
	if (rc == PCRE2_ERROR_NOMATCH)
		return 0;
	return -1;
}

void
regex_free(struct regex *r)
{
	if (!r)
		return;
	pcre2_match_data_free(r->md);
	pcre2_match_context_free(r->mc);
	pcre2_code_free(r->code);
	free(r);
}
