/*
 * csvin.c: the one wrapper around libcsv. Reads a bank export one record at a time, with
 * the line each record starts on, so every later error can name FILE:LINE. The input is
 * fed to libcsv a line at a time (that is how lines are counted); fields are copied into
 * one arena that is reused for every record, so a million rows cost no per-row malloc.
 * Strict mode: a stray quote or an unterminated quoted field is an error, as in hledger.
 */
#include <csv.h>
#include <errno.h>
#include <iconv.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tally.h"

struct csvin {
	struct csv_parser p;
	FILE *f;
	const char *name;
	int encoding;
	char *buf;             /* the input, read 64 KiB at a time; lines point into it */
	size_t bcap, bpos, blen;
	bool ended;            /* the input has no more bytes to give */
	char *conv;            /* the line converted from Latin-1 */
	size_t convcap;
	long lineno;           /* line being fed */
	long rec_line;         /* line the record being parsed started on */
	bool between;          /* no record is in progress */
	bool eof;
	long skip;             /* lines still to skip before parsing (top-level `skip`) */

	char *arena;           /* field bytes, each NUL-terminated */
	size_t alen, acap;
	size_t *off, *len;     /* per field: arena offset and length */
	size_t nf, fcap;
	size_t partial;        /* index of the first field of the record in progress */
	struct rec {           /* complete records waiting to be handed out */
		size_t first, n;
		long line;
	} *q;
	size_t nq, qcap, qnext;

	const char **fp;       /* what csvin_next hands out */
	size_t fpcap;
};

static int
no_space(unsigned char c)
{
	(void)c;
	return 0;
}

static void
on_field(void *s, size_t n, void *arg)
{
	struct csvin *c = arg;

	if (c->alen + n + 1 > c->acap) {
		size_t old = c->acap;

		while (c->alen + n + 1 > c->acap)
			c->acap = c->acap ? c->acap * 2 : 4096;
		c->arena = xrealloc(c->arena, c->acap);
		/* PCRE2's JIT may read a little past a field (never using it): keep it defined
		 * so valgrind stays quiet. */
		memset(c->arena + old, 0, c->acap - old);
	}
	if (c->nf == c->fcap) {
		c->fcap = c->fcap ? c->fcap * 2 : 64;
		c->off = xrealloc(c->off, c->fcap * sizeof *c->off);
		c->len = xrealloc(c->len, c->fcap * sizeof *c->len);
	}
	if (n)
		memcpy(c->arena + c->alen, s, n);
	c->arena[c->alen + n] = '\0';
	c->off[c->nf] = c->alen;
	c->len[c->nf] = n;
	c->nf++;
	c->alen += n + 1;
}

static void
on_record(int term, void *arg)
{
	struct csvin *c = arg;

	(void)term;
	if (c->nq == c->qcap) {
		c->qcap = c->qcap ? c->qcap * 2 : 8;
		c->q = xrealloc(c->q, c->qcap * sizeof *c->q);
	}
	c->q[c->nq].first = c->partial;
	c->q[c->nq].n = c->nf - c->partial;
	c->q[c->nq].line = c->rec_line;
	c->nq++;
	c->partial = c->nf;
	c->between = true;
}

struct csvin *
csvin_open(const char *path, int sep, int encoding, struct terr *e)
{
	struct csvin *c;
	FILE *f;

	if (strcmp(path, "-") == 0) {
		f = stdin;
		path = "<stdin>";
	} else if (!(f = fopen(path, "rb"))) {
		terr_set(e, path, 0, "%s", strerror(errno));
		return NULL;
	}
	c = xcalloc(1, sizeof *c);
	c->f = f;
	c->name = path;
	c->encoding = encoding;
	c->between = true;
	if (csv_init(&c->p, CSV_STRICT | CSV_STRICT_FINI) != 0) {
		fprintf(stderr, "tally: out of memory\n");
		abort();
	}
	csv_set_delim(&c->p, (unsigned char)(sep ? sep : ','));
	csv_set_space_func(&c->p, no_space);
	return c;
}

const char *
csvin_name(const struct csvin *c)
{
	return c->name;
}

/* Latin-1 to UTF-8: every byte above 0x7f becomes two bytes. */
static const char *
from_latin1(struct csvin *c, const char *s, size_t n, size_t *outn)
{
	size_t i, o = 0;

	if (2 * n + 1 > c->convcap) {
		c->convcap = 2 * n + 1;
		c->conv = xrealloc(c->conv, c->convcap);
	}
	for (i = 0; i < n; i++) {
		unsigned char b = (unsigned char)s[i];

		if (b < 0x80) {
			c->conv[o++] = (char)b;
		} else {
			c->conv[o++] = (char)(0xc0 | (b >> 6));
			c->conv[o++] = (char)(0x80 | (b & 0x3f));
		}
	}
	*outn = o;
	return c->conv;
}

/* Checks that s is well-formed UTF-8 (no overlongs, no surrogates). */
static bool
utf8_ok(const unsigned char *s, size_t n)
{
	size_t i = 0;

	while (i < n) {
		unsigned char b = s[i];
		size_t k;
		unsigned long cp;
		uint64_t w;

		if (b < 0x80) {  /* ASCII, eight bytes a step where it goes on */
			i++;
			while (i + 8 <= n && (memcpy(&w, s + i, 8), !(w & 0x8080808080808080ull)))
				i += 8;
			continue;
		}
		if (b >= 0xc2 && b <= 0xdf)
			k = 1, cp = b & 0x1f;
		else if (b >= 0xe0 && b <= 0xef)
			k = 2, cp = b & 0x0f;
		else if (b >= 0xf0 && b <= 0xf4)
			k = 3, cp = b & 0x07;
		else
			return false;
		if (n - i <= k)
			return false;
		for (size_t j = 1; j <= k; j++) {
			if ((s[i + j] & 0xc0) != 0x80)
				return false;
			cp = (cp << 6) | (s[i + j] & 0x3f);
		}
		if ((k == 2 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff))) ||
		    (k == 3 && (cp < 0x10000 || cp > 0x10ffff)))
			return false;
		i += k + 1;
	}
	return true;
}

/* Moves the fields of the record in progress to the front of the arena. */
static void
compact(struct csvin *c)
{
	size_t i, base, keep = c->nf - c->partial;

	if (c->partial == 0)
		return;
	base = keep ? c->off[c->partial] : c->alen;
	memmove(c->arena, c->arena + base, c->alen - base);
	c->alen -= base;
	for (i = 0; i < keep; i++) {
		c->off[i] = c->off[c->partial + i] - base;
		c->len[i] = c->len[c->partial + i];
	}
	c->nf = keep;
	c->partial = 0;
}

/*
 * A line that is one whole record in the common shape, read as libcsv (strict, no space
 * trimming) reads it, without a call per byte or per field: fields plain or quoted ("" a
 * quote), the line ending in LF or CRLF and holding no other CR. Anything else (a quote
 * inside a field, text after a closing quote, a quoted field going on to the next line)
 * returns false with nothing stored, and libcsv reads the line, errors and all.
 */
static bool
fast_record(struct csvin *c, const char *s, size_t n)
{
	const char *p, *end;
	size_t nf0 = c->nf, a0 = c->alen;
	unsigned char sep = c->p.delim_char;

	if (c->p.pstate != 0 || sep == '"' || sep == '\r' || sep == '\n' || n == 0 ||
	    s[n - 1] != '\n')
		return false;  /* not between rows (libcsv's ROW_NOT_BEGUN), or no line end */
	n--;
	if (n && s[n - 1] == '\r')
		n--;
	if (n == 0 || memchr(s, '\r', n))
		return false;  /* libcsv makes no record of an empty line */
	/* Room for every byte and every field of the line: nothing to check per field. */
	if (c->alen + 2 * n + 2 > c->acap) {
		size_t old = c->acap;

		while (c->alen + 2 * n + 2 > c->acap)
			c->acap = c->acap ? c->acap * 2 : 4096;
		c->arena = xrealloc(c->arena, c->acap);
		memset(c->arena + old, 0, c->acap - old);  /* as on_field: for the JIT */
	}
	if (c->nf + n + 1 > c->fcap) {
		while (c->nf + n + 1 > c->fcap)
			c->fcap = c->fcap ? c->fcap * 2 : 64;
		c->off = xrealloc(c->off, c->fcap * sizeof *c->off);
		c->len = xrealloc(c->len, c->fcap * sizeof *c->len);
	}
	p = s;
	end = s + n;
	for (;;) {
		char *o = c->arena + c->alen, *o0 = o;

		if (p < end && *p == '"') {
			for (p++;;) {
				const char *q = memchr(p, '"', (size_t)(end - p));

				if (!q)
					goto undo;  /* the field goes on past the line */
				memcpy(o, p, (size_t)(q - p));
				o += q - p;
				p = q + 1;
				if (p < end && *p == '"') {
					*o++ = '"';
					p++;
					continue;
				}
				if (p < end && (unsigned char)*p != sep)
					goto undo;  /* text after the closing quote */
				break;
			}
		} else {
			const char *q = p;

			while (q < end && (unsigned char)*q != sep && *q != '"')
				q++;
			if (q < end && *q == '"')
				goto undo;  /* a quote inside a plain field */
			memcpy(o, p, (size_t)(q - p));
			o += q - p;
			p = q;
		}
		*o = '\0';
		c->off[c->nf] = c->alen;
		c->len[c->nf] = (size_t)(o - o0);
		c->nf++;
		c->alen += (size_t)(o - o0) + 1;
		if (p == end)
			break;
		p++;  /* the separator: a field follows, empty at the line's end */
	}
	on_record(0, c);
	return true;
undo:
	c->nf = nf0;
	c->alen = a0;
	return false;
}

/* Empty or blank (spaces, tabs) lines between records are no records, as in hledger. */
static bool
blank(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (s[i] != '\r' && s[i] != '\n' && s[i] != ' ' && s[i] != '\t')
			return false;
	return true;
}

bool
csvin_charset_ok(const char *charset, char *why, size_t whysize)
{
	iconv_t cd = iconv_open("UTF-8", charset);

	if (cd == (iconv_t)-1) {
		snprintf(why, whysize, "%s cannot be read here (iconv knows no such encoding)", charset);
		return false;
	}
	iconv_close(cd);
	return true;
}

int
csvin_charset(struct csvin *c, const char *charset, struct terr *e)
{
	iconv_t cd = iconv_open("UTF-8", charset);
	FILE *out = tmpfile();
	char in[1 << 14], buf[4 << 14];
	size_t have = 0, got;
	long line = 1;
	bool eof = false;

	if (cd == (iconv_t)-1 || !out) {
		terr_set(e, c->name, 0, "cannot convert from %s", charset);
		if (cd != (iconv_t)-1)
			iconv_close(cd);
		if (out)
			fclose(out);
		return -1;
	}
	while (!eof || have) {
		char *ip = in, *op = buf;
		size_t il, ol = sizeof buf;

		if (!eof && have < sizeof in) {
			got = fread(in + have, 1, sizeof in - have, c->f);
			have += got;
			eof = got == 0;
		}
		il = have;
		if (iconv(cd, &ip, &il, &op, &ol) == (size_t)-1 && errno != E2BIG &&
		    (errno != EINVAL || eof)) {
			for (char *q = buf; q < op; q++)
				line += *q == '\n';
			terr_set(e, c->name, line, "not valid %s", charset);
			iconv_close(cd);
			fclose(out);
			return -1;
		}
		for (char *q = buf; q < op; q++)
			line += *q == '\n';
		if (fwrite(buf, 1, (size_t)(op - buf), out) != (size_t)(op - buf)) {
			terr_set(e, c->name, 0, "cannot write a temporary file");
			iconv_close(cd);
			fclose(out);
			return -1;
		}
		memmove(in, ip, il);
		if (eof && il == have && op == buf)
			break;  /* nothing moved: an incomplete sequence at the end is left */
		have = il;
	}
	iconv_close(cd);
	if (have) {
		terr_set(e, c->name, line, "not valid %s (the file ends inside a character)", charset);
		fclose(out);
		return -1;
	}
	if (c->f != stdin)
		fclose(c->f);
	rewind(out);
	c->f = out;
	return 0;
}

void
csvin_skip(struct csvin *c, long n)
{
	c->skip = n;
}

/* The next line of the input (its '\n' kept) into *s: its length, 0 at the end, -1 error. */
static ssize_t
next_line(struct csvin *c, const char **s)
{
	enum { CHUNK = 1 << 16 };

	if (!c->buf) {
		c->bcap = CHUNK;
		c->buf = xmalloc(c->bcap);
	}
	for (;;) {
		char *at = c->buf + c->bpos, *nl = c->blen > c->bpos ?
			memchr(at, '\n', c->blen - c->bpos) : NULL;
		size_t got;

		if (nl || (c->ended && c->blen > c->bpos)) {
			size_t n = nl ? (size_t)(nl + 1 - at) : c->blen - c->bpos;

			*s = at;
			c->bpos += n;
			return (ssize_t)n;
		}
		if (c->ended)
			return 0;
		/* A line goes on past the bytes read: it moves to the front, more are read. */
		if (c->blen > c->bpos)
			memmove(c->buf, at, c->blen - c->bpos);
		c->blen -= c->bpos;
		c->bpos = 0;
		if (c->blen + CHUNK > c->bcap) {
			while (c->blen + CHUNK > c->bcap)
				c->bcap = c->bcap ? c->bcap * 2 : CHUNK;
			c->buf = xrealloc(c->buf, c->bcap);
		}
		got = fread(c->buf + c->blen, 1, c->bcap - c->blen, c->f);
		c->blen += got;
		if (got == 0 && ferror(c->f))
			return -1;
		if (got == 0)
			c->ended = true;
	}
}

int
csvin_next(struct csvin *c, struct csvrec *r, struct terr *e)
{
	ssize_t got;

	while (c->qnext == c->nq) {
		const char *s;
		size_t n;

		c->nq = c->qnext = 0;
		compact(c);
		if (c->eof)
			return 0;
		got = next_line(c, &s);
		if (got <= 0) {
			if (got < 0) {
				terr_set(e, c->name, 0, "%s", strerror(errno));
				return -1;
			}
			c->eof = true;
			if (csv_fini(&c->p, on_field, on_record, c) != 0) {
				terr_set(e, c->name, c->rec_line, "unterminated quoted field");
				return -1;
			}
			continue;
		}
		c->lineno++;
		n = (size_t)got;
		if (c->lineno == 1 && n >= 3 && memcmp(s, "\xef\xbb\xbf", 3) == 0) {
			s += 3;
			n -= 3;
		}
		/* Blank lines, and the header lines a top-level `skip` names, are not parsed:
		 * a header need not be valid CSV (hledger #1967). */
		if (c->between && (blank(s, n) || c->skip > 0)) {
			if (!blank(s, n))
				c->skip--;
			continue;
		}
		if (memchr(s, '\0', n)) {
			terr_set(e, c->name, c->lineno, "NUL byte in CSV");
			return -1;
		}
		if (c->encoding == CSVIN_LATIN1) {
			s = from_latin1(c, s, n, &n);
		} else if (!utf8_ok((const unsigned char *)s, n)) {
			terr_set(e, c->name, c->lineno,
				 "not valid UTF-8 (for a Latin-1 export add the rule: encoding latin1)");
			return -1;
		}
		if (c->between) {
			c->rec_line = c->lineno;
			c->between = false;
		}
		if (fast_record(c, s, n))
			continue;
		if (csv_parse(&c->p, s, n, on_field, on_record, c) != n) {
			terr_set(e, c->name, c->lineno, "malformed CSV: %s",
				 csv_error(&c->p) == CSV_EPARSE ?
				 "a quote inside an unquoted field, or text after a closing quote" :
				 csv_strerror(csv_error(&c->p)));
			return -1;
		}
	}
	{
		struct rec *q = &c->q[c->qnext++];
		size_t i;

		if (q->n > c->fpcap) {
			c->fpcap = q->n * 2;
			c->fp = xrealloc(c->fp, c->fpcap * sizeof *c->fp);
		}
		for (i = 0; i < q->n; i++)
			c->fp[i] = c->arena + c->off[q->first + i];
		r->f = c->fp;
		r->len = c->len + q->first;
		r->nf = q->n;
		r->line = q->line;
		r->file = c->name;
	}
	return 1;
}

void
csvin_close(struct csvin *c)
{
	if (!c)
		return;
	csv_free(&c->p);
	if (c->f && c->f != stdin)
		fclose(c->f);
	free(c->buf);
	free(c->conv);
	free(c->arena);
	free(c->off);
	free(c->len);
	free(c->q);
	free(c->fp);
	free(c);
}
