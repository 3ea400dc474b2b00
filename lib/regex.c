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

int
regex_group(const struct regex *r, const char *s, size_t n, int k, size_t *start, size_t *len)
{
	uint32_t count = 0;
	int rc;
	PCRE2_SIZE *ov;

	pcre2_pattern_info(r->code, PCRE2_INFO_CAPTURECOUNT, &count);
	if (r->jit)
		rc = pcre2_jit_match(r->code, (PCRE2_SPTR)s, n, 0, 0, r->md, r->mc);
	else
		rc = pcre2_match(r->code, (PCRE2_SPTR)s, n, 0, 0, r->md, r->mc);
	if (rc == PCRE2_ERROR_NOMATCH)
		return 0;
	if (rc < 0)
		return -1;
	if (k < 1 || (uint32_t)k > count)
		return (int)count;
	ov = pcre2_get_ovector_pointer(r->md);
	*start = *len = 0;
	if (k < rc && ov[2 * k] != PCRE2_UNSET) {
		*start = ov[2 * k];
		*len = ov[2 * k + 1] - ov[2 * k];
	}
	return (int)count;
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

int
regex_replace(const struct regex *r, const char *s, size_t n, const char *repl, size_t rn,
	      char **out, size_t *outlen)
{
	PCRE2_SIZE len = n + rn + 64;
	uint32_t opts = PCRE2_SUBSTITUTE_GLOBAL | PCRE2_SUBSTITUTE_UNSET_EMPTY |
			PCRE2_SUBSTITUTE_OVERFLOW_LENGTH;
	char *buf = NULL;
	int rc;

	for (int tries = 0; tries < 2; tries++) {
		buf = xrealloc(buf, len + 1);
		rc = pcre2_substitute(r->code, (PCRE2_SPTR)s, n, 0, opts, r->md, r->mc,
				      (PCRE2_SPTR)repl, rn, (PCRE2_UCHAR *)buf, &len);
		if (rc != PCRE2_ERROR_NOMEMORY)
			break;
	}
	if (rc <= 0) {
		free(buf);
		return rc == 0 ? 0 : -1;
	}
	buf[len] = '\0';
	*out = buf;
	*outlen = len;
	return 1;
}
