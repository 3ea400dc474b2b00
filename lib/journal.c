/*
 * journal.c: the streaming journal reader. Splits the input into items (an entry with its
 * indented lines, a directive, a run of comment or blank lines), keeps each item's exact
 * bytes so a command can write it back unchanged, and runs the directives that change how
 * later entries read (include, alias, apply account, Y, D, commodity).
 * Memory holds one item at a time, plus what the directives declare.
 */
#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "internal.h"

#define CHUNK ((size_t)1 << 20)
#define MAX_ITEM ((size_t)256 << 20)  /* an entry larger than this is refused */
#define MAX_DEPTH 64                  /* include nesting */

void
journal_fail(struct journal *j, long line, const char *fmt, ...)
{
	va_list ap;

	j->err.file = j->item.file;
	j->err.line = line;
	va_start(ap, fmt);
	vsnprintf(j->err.msg, sizeof j->err.msg, fmt, ap);
	va_end(ap);
	j->nerrors++;
}

static const char *
intern_name(struct journal *j, const char *name)
{
	size_t i;

	for (i = 0; i < j->nnames; i++)
		if (strcmp(j->names[i], name) == 0)
			return j->names[i];
	j->names = xrealloc(j->names, (j->nnames + 1) * sizeof *j->names);
	return j->names[j->nnames++] = xstrdup(name);
}

static char *
dir_of(const char *path)
{
	const char *slash = strrchr(path, '/');

	if (!slash)
		return xstrdup(".");
	if (slash == path)
		return xstrdup("/");
	return xstrndup(path, (size_t)(slash - path));
}

/* Opens a file on the include stack; on failure sets the error and returns -1. */
static int
push_src(struct journal *j, const char *path, int depth, long errline)
{
	struct src *s;
	int fd;
	size_t i;
	char *real = NULL;

	if (strcmp(path, "-") == 0) {
		fd = 0;
	} else {
		struct stat st;

		/* O_NONBLOCK: an included FIFO must not block the reader for ever (see below). */
		fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
		if (fd >= 0 && (fstat(fd, &st) != 0 || S_ISDIR(st.st_mode) ||
				(errline && !S_ISREG(st.st_mode)) ||
				fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK) != 0)) {
			/* A directory, or an include of a FIFO or device: only files are included. */
			const char *why = S_ISDIR(st.st_mode) ? "is a directory" : "not a regular file";

			close(fd);
			if (errline == 0) {
				journal_fail(j, 0, "cannot read: %s", why);
				j->err.file = intern_name(j, path);
			} else {
				journal_fail(j, errline, "cannot include %s: %s", path, why);
			}
			return -1;
		}
		/* An output must not be one of them (a second half's reader: its first did it). */
		if (fd >= 0 && !(j->flags & JOURNAL_SPLIT_TAIL))
			wpath_note_read(st.st_dev, st.st_ino);
		if (fd < 0) {
			int err = errno;

			if (errline == 0) {  /* a file named by the user: the file is the position */
				journal_fail(j, 0, "cannot open: %s", strerror(err));
				j->err.file = intern_name(j, path);
			} else {
				journal_fail(j, errline, "cannot open %s: %s", path, strerror(err));
			}
			return -1;
		}
		real = realpath(path, NULL);
		for (i = 0; real && i < j->nsrc; i++) {
			if (j->stack[i].real && strcmp(j->stack[i].real, real) == 0) {
				journal_fail(j, errline, "include cycle: %s includes itself", path);
				close(fd);
				free(real);
				return -1;
			}
		}
	}
	if (j->nsrc >= MAX_DEPTH) {
		journal_fail(j, errline, "includes nested too deeply");
		if (fd)
			close(fd);
		free(real);
		return -1;
	}
	if (j->nsrc == j->capsrc) {
		j->capsrc = j->capsrc ? j->capsrc * 2 : 4;
		j->stack = xrealloc(j->stack, j->capsrc * sizeof *j->stack);
	}
	s = &j->stack[j->nsrc++];
	memset(s, 0, sizeof *s);
	s->name = intern_name(j, fd == 0 ? "<stdin>" : path);
	s->real = real;
	s->dir = fd == 0 ? xstrdup(".") : dir_of(path);
	s->fd = fd;
	s->cap = CHUNK;
	s->buf = xmalloc(s->cap);
	s->line = 1;
	s->depth = depth;
	if (depth == 0 && j->split_from > 0 && fd > 0) {  /* a second half starts mid-file */
		if (lseek(fd, (off_t)j->split_from, SEEK_SET) < 0)
			j->orderdep = true;
		s->base = j->split_from;
	}
	s->napply = j->napply;
	s->timedot = strlen(path) > 8 && strcmp(path + strlen(path) - 8, ".timedot") == 0;
	return 0;
}

static void
pop_src(struct journal *j)
{
	struct src *s = &j->stack[--j->nsrc];

	if (s->fd > 0)
		close(s->fd);
	free(s->buf);
	free(s->real);
	free(s->dir);
	/* `apply account` does not leak out of the file that opened it. */
	while (j->napply > s->napply)
		free(j->apply[--j->napply]);
}

/* Reads more bytes; returns 1 when some came, 0 at end of file, -1 on error. */
static int
fill(struct journal *j, struct src *s)
{
	ssize_t n;

	if (s->eof)
		return 0;
	if (s->start > 0) {
		s->base += (long long)s->start;
		memmove(s->buf, s->buf + s->start, s->end - s->start);
		s->end -= s->start;
		s->start = 0;
	}
	if (s->cap - s->end < CHUNK / 2) {
		if (s->cap >= MAX_ITEM) {
			journal_fail(j, s->line, "entry longer than %zu MiB", MAX_ITEM >> 20);
			j->err.file = s->name;
			return -1;
		}
		s->cap *= 2;
		s->buf = xrealloc(s->buf, s->cap);
	}
	do
		n = read(s->fd, s->buf + s->end, s->cap - s->end);
	while (n < 0 && errno == EINTR);
	if (n < 0) {
		journal_fail(j, s->line, "read error: %s", strerror(errno));
		j->err.file = s->name;  /* the item being read may not have started */
		return -1;
	}
	if (n == 0) {
		s->eof = true;
		return 0;
	}
	s->end += (size_t)n;
	return 1;
}

/* line_len when the line runs past the bytes read so far. */
static long
line_len_more(struct journal *j, struct src *s, size_t off)
{
	size_t scanned = 0;

	for (;;) {
		char *p = s->buf + s->start + off;
		size_t avail = s->end - s->start - off;
		char *nl = memchr(p + scanned, '\n', avail - scanned);

		if (nl)
			return (long)(nl - p + 1);
		if (s->eof)
			return (long)avail;
		scanned = avail;
		if (fill(j, s) < 0)
			return -1;
	}
}

/* Length of the line at offset off of the unread bytes (newline included), 0 at the end. */
static inline long
line_len(struct journal *j, struct src *s, size_t off)
{
	const char *p = s->buf + s->start + off;
	const char *nl = memchr(p, '\n', s->end - s->start - off);

	return nl ? (long)(nl - p + 1) : line_len_more(j, s, off);
}

static bool
blank(const char *p, size_t n)
{
	uint64_t w;

	if (n && *p > ' ')  /* most lines: a date, a word or an account's first letter */
		return false;
	/* Indented lines: their spaces eight at a time, to the first byte that is not one. */
	while (n >= 8) {
		memcpy(&w, p, 8);
		w ^= 0x2020202020202020ull;
#if defined(__GNUC__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
		if (w) {
			size_t k = (size_t)__builtin_ctzll(w) >> 3;

			p += k;
			n -= k;
			break;
		}
#else
		if (w)
			break;
#endif
		p += 8;
		n -= 8;
	}
	for (; n; p++, n--)
		if (*p != ' ' && *p != '\t' && *p != '\r' && *p != '\n')
			return false;
	return true;
}

static bool
comment_char(char c)
{
	return c == ';' || c == '#' || c == '*' || c == '%' || c == '|';
}

static bool
starts_word(const char *p, size_t n, const char *w)
{
	size_t k = strlen(w);

	return n >= k && memcmp(p, w, k) == 0 &&
	       (n == k || p[k] == ' ' || p[k] == '\t' || p[k] == '\n' || p[k] == '\r');
}

/* First byte that is NUL or breaks UTF-8, or NULL. */
static const char *
bad_text(const char *p, size_t n)
{
	const unsigned char *s = (const unsigned char *)p, *e = s + n;

	while (s < e) {
		uint64_t w, v;

#ifdef __SSE2__
		/* ASCII without NUL, 32 bytes a step: a byte's top bit, or a byte equal to 0. */
		while (e - s >= 32) {
			__m128i a = _mm_loadu_si128((const __m128i *)(const void *)s);
			__m128i b = _mm_loadu_si128((const __m128i *)(const void *)(s + 16));
			__m128i z = _mm_setzero_si128();

			if (_mm_movemask_epi8(_mm_or_si128(_mm_or_si128(a, b),
			    _mm_or_si128(_mm_cmpeq_epi8(a, z), _mm_cmpeq_epi8(b, z)))))
				break;
			s += 32;
		}
		if (s == e)
			break;
#endif
		/* ASCII without NUL, sixteen bytes at a time: one test for both words. */
		if (e - s >= 16) {
			memcpy(&w, s, 8);
			memcpy(&v, s + 8, 8);
			if (!((w | v | ((w - 0x0101010101010101ull) & ~w) |
			       ((v - 0x0101010101010101ull) & ~v)) & 0x8080808080808080ull)) {
				s += 16;
				continue;
			}
		}
		if (e - s >= 8) {
			memcpy(&w, s, 8);
			if (!(w & 0x8080808080808080ull) &&
			    !((w - 0x0101010101010101ull) & ~w & 0x8080808080808080ull)) {
				s += 8;
				continue;
			}
		}
		if (*s == 0)
			return (const char *)s;
		if (*s < 0x80) {
			s++;
			continue;
		}
		int k = *s >= 0xf0 && *s <= 0xf4 ? 3 : *s >= 0xe0 ? 2 : *s >= 0xc2 && *s < 0xe0 ? 1 : -1;

		if (k < 0 || *s > 0xf4 || e - s <= k)
			return (const char *)s;
		for (int i = 1; i <= k; i++)
			if ((s[i] & 0xc0) != 0x80)
				return (const char *)s;
		if ((*s == 0xe0 && s[1] < 0xa0) || (*s == 0xed && s[1] >= 0xa0) ||
		    (*s == 0xf0 && s[1] < 0x90) || (*s == 0xf4 && s[1] >= 0x90))
			return (const char *)s;
		s += k + 1;
	}
	return NULL;
}

static long
line_of(const char *text, const char *at, long first)
{
	long line = first;

	for (; text < at; text++)
		if (*text == '\n')
			line++;
	return line;
}

/* The rest of a directive's first line after its word, trimmed, comment removed. */
static struct span
directive_arg(const char *p, size_t n, size_t wordlen)
{
	struct span s;
	const char *e = memchr(p, '\n', n);
	size_t i = wordlen;

	if (!e)
		e = p + n;
	while (p + i < e && (p[i] == ' ' || p[i] == '\t'))
		i++;
	s.p = p + i;
	s.n = (size_t)(e - s.p);
	for (size_t k = 0; k + 1 < s.n; k++)
		if ((s.p[k] == ' ' || s.p[k] == '\t') && s.p[k + 1] == ';') {
			s.n = k;
			break;
		}
	while (s.n && (s.p[s.n - 1] == ' ' || s.p[s.n - 1] == '\t' || s.p[s.n - 1] == '\r'))
		s.n--;
	return s;
}

static int
do_include(struct journal *j, struct src *s, struct span arg, long line)
{
	char *pat, *path;
	glob_t g;
	int r;
	size_t i, n;

	if (arg.n == 0) {
		journal_fail(j, line, "include without a file name");
		return -1;
	}
	pat = span_dup(arg);
	if (pat[0] == '/' || strcmp(s->dir, ".") == 0) {
		path = pat;
	} else {
		path = xmalloc(strlen(s->dir) + strlen(pat) + 2);
		sprintf(path, "%s/%s", s->dir, pat);
		free(pat);
	}
	r = glob(path, GLOB_NOCHECK, NULL, &g);
	free(path);
	if (r != 0) {
		journal_fail(j, line, "include: cannot expand %.*s", (int)arg.n, arg.p);
		return -1;
	}
	/* Pushed last-first so that the matches are read in order. */
	n = g.gl_pathc;
	for (i = n; i-- > 0;) {
		if (push_src(j, g.gl_pathv[i], s->depth + 1, line) < 0) {
			while (n-- > i + 1)
				pop_src(j);
			globfree(&g);
			return -1;
		}
	}
	globfree(&g);
	return 0;
}

/* hledger's replacement text (\1 for a group) in PCRE2's syntax (${1}, $$ for $). */
static char *
pcre_replacement(struct span to, size_t *len)
{
	char *r = xmalloc(to.n * 4 + 1);
	size_t o = 0;

	for (size_t i = 0; i < to.n; i++) {
		if (to.p[i] == '\\' && i + 1 < to.n && to.p[i + 1] >= '0' && to.p[i + 1] <= '9') {
			o += (size_t)sprintf(r + o, "${%c}", to.p[++i]);
			continue;
		}
		if (to.p[i] == '$')
			r[o++] = '$';
		r[o++] = to.p[i];
	}
	r[o] = '\0';
	*len = o;
	return r;
}

static int
do_alias(struct journal *j, struct span arg, long line)
{
	const char *eq = memchr(arg.p, '=', arg.n);
	struct alias *a;
	struct span from, to;
	struct regex *re = NULL;

	if (arg.n > 0 && arg.p[0] == '/') {
		/* The pattern runs to the next unescaped slash; `\/` is a slash. */
		size_t i = 1;
		char why[300];

		while (i < arg.n && arg.p[i] != '/')
			i += arg.p[i] == '\\' ? 2 : 1;
		eq = i < arg.n ? arg.p + i + 1 : NULL;
		while (eq && eq < arg.p + arg.n && (*eq == ' ' || *eq == '\t'))
			eq++;
		if (!eq || eq >= arg.p + arg.n || *eq != '=') {
			journal_fail(j, line, "alias needs /REGEX/=NEW");
			return -1;
		}
		char *pat = xmalloc(i);
		size_t pn = 0;

		for (size_t k = 1; k < i; k++) {
			if (arg.p[k] == '\\' && k + 1 < i && arg.p[k + 1] == '/')
				k++;
			pat[pn++] = arg.p[k];
		}
		re = regex_compile(pat, pn, why, sizeof why);
		free(pat);
		if (!re) {
			journal_fail(j, line, "alias: %s", why);
			return -1;
		}
	}
	if (!eq) {
		journal_fail(j, line, "alias needs OLD=NEW");
		return -1;
	}
	from.p = arg.p;
	from.n = (size_t)(eq - arg.p);
	to.p = eq + 1;
	to.n = arg.n - from.n - 1;
	while (from.n && (from.p[from.n - 1] == ' ' || from.p[from.n - 1] == '\t'))
		from.n--;
	while (to.n && (*to.p == ' ' || *to.p == '\t'))
		to.p++, to.n--;
	j->aliases = xrealloc(j->aliases, (j->naliases + 1) * sizeof *j->aliases);
	a = &j->aliases[j->naliases++];
	a->from = span_dup(from);
	a->from_len = from.n;
	a->re = re;
	if (re) {
		a->to = pcre_replacement(to, &a->to_len);
	} else {
		a->to = span_dup(to);
		a->to_len = to.n;
	}
	return 0;
}

static void
clear_aliases(struct journal *j)
{
	while (j->naliases > 0) {
		j->naliases--;
		free(j->aliases[j->naliases].from);
		free(j->aliases[j->naliases].to);
		regex_free(j->aliases[j->naliases].re);
	}
}

/* Declares a commodity's style from an amount like "1.000,00 EUR". */
static int
declare_style(struct journal *j, struct span sample, long line, int *com)
{
	struct amount a;
	const char *why;
	long k = amount_parse(sample.p, sample.n, &a, true, &why);
	struct cstyle *st;

	if (k < 0) {
		journal_fail(j, line, "%s: %.*s", why, (int)sample.n, sample.p);
		return -1;
	}
	st = commodity_style(a.com);
	st->prec = a.scale;
	st->mark_known = true;
	st->declared = true;
	if (com)
		*com = a.com;
	return 0;
}

/* A `commodity` directive: `commodity 1.000,00 EUR`, or `commodity EUR` + `format ...`. */
static int
do_commodity(struct journal *j, const char *text, size_t len, struct span arg, long line)
{
	const char *p = memchr(text, '\n', len), *e = text + len;
	bool has_digit = false;

	bool quoted = false;

	for (size_t i = 0; i < arg.n; i++) {
		if (arg.p[i] == '"')
			quoted = !quoted;
		else if (!quoted && arg.p[i] >= '0' && arg.p[i] <= '9')
			has_digit = true;
	}
	if (has_digit)
		return declare_style(j, arg, line, NULL);
	/* Sub-lines: look for `format AMOUNT`. */
	while (p && p + 1 < e) {
		const char *q = p + 1, *nl;

		line++;
		nl = memchr(q, '\n', (size_t)(e - q));
		while (q < e && (*q == ' ' || *q == '\t'))
			q++;
		if (starts_word(q, (size_t)((nl ? nl : e) - q), "format"))
			return declare_style(j, directive_arg(q, (size_t)((nl ? nl : e) - q), 6), line, NULL);
		p = nl;
	}
	return 0;
}

static int
do_directive(struct journal *j, struct src *s, struct jitem *it)
{
	struct span w = it->word;
	struct span arg = directive_arg(w.p, it->len - (size_t)(w.p - it->text), w.n);
	struct amount a;
	const char *why;
	long line = it->line;

	/* Every directive below changes how later items read, but `account`-like words. */
	if (!span_eq(w, "account") && !span_eq(w, "payee") && !span_eq(w, "tag") &&
	    !span_eq(w, "P"))
		j->orderdep = true;
	if (span_eq(w, "include")) {
		if (j->flags & JOURNAL_NO_INCLUDE)
			return 0;
		return do_include(j, s, arg, line);
	}
	if (span_eq(w, "alias"))
		return do_alias(j, arg, line);
	if (span_eq(w, "end")) {
		if (arg.n >= 7 && memcmp(arg.p, "aliases", 7) == 0)
			clear_aliases(j);
		else if (arg.n >= 5 && memcmp(arg.p, "apply", 5) == 0 && j->napply > s->napply)
			free(j->apply[--j->napply]);
		return 0;
	}
	if (span_eq(w, "apply")) {
		if (arg.n > 8 && memcmp(arg.p, "account", 7) == 0) {
			struct span name = directive_arg(arg.p, arg.n, 7);

			j->apply = xrealloc(j->apply, (j->napply + 1) * sizeof *j->apply);
			j->apply[j->napply++] = span_dup(name);
		}
		return 0;
	}
	if (span_eq(w, "Y") || span_eq(w, "year") || (w.n == 5 && w.p[0] == 'Y')) {
		const char *y = w.n == 5 ? w.p + 1 : arg.p;
		size_t yn = w.n == 5 ? 4 : arg.n;
		int v = 0;

		for (size_t i = 0; i < yn; i++) {
			if (y[i] < '0' || y[i] > '9' || v > 100000) {
				journal_fail(j, line, "bad year: %.*s", (int)yn, y);
				return -1;
			}
			v = v * 10 + (y[i] - '0');
		}
		if (v < 1 || v > 9999) {
			journal_fail(j, line, "bad year: %.*s", (int)yn, y);
			return -1;
		}
		j->year = v;
		return 0;
	}
	if (span_eq(w, "D")) {
		if (amount_parse(arg.p, arg.n, &a, true, &why) < 0) {
			journal_fail(j, line, "%s: %.*s", why, (int)arg.n, arg.p);
			return -1;
		}
		commodity_set_default(a.com);
		return 0;
	}
	if (span_eq(w, "commodity"))
		return do_commodity(j, it->text, it->len, arg, line);
	if (span_eq(w, "i") || span_eq(w, "o"))
		return timeclock_item(j, it);
	if (span_eq(w, "decimal-mark")) {
		if (arg.n != 1 || (*arg.p != '.' && *arg.p != ',')) {
			journal_fail(j, line, "decimal-mark must be . or ,");
			return -1;
		}
		s->dmark = *arg.p;
	}
	return 0;
}

/* Directive words tally knows; anything else at column 0 is an error, as in ledger. */
static bool
known_directive(struct span w)
{
	static const char *const words[] = {
		"account", "alias", "apply", "assert", "bucket", "A", "capture", "check",
		"commodity", "D", "decimal-mark", "define", "def", "end", "expr", "include",
		"payee", "P", "N", "C", "Y", "year", "tag", "value", "python", "eval", "import",
		"I", "i", "O", "o", "b", "h", NULL,
	};

	for (size_t i = 0; words[i]; i++)
		if (span_eq(w, words[i]))
			return true;
	if (w.n == 5 && w.p[0] == 'Y')  /* Y2014 */
		return true;
	if (w.n >= 2 && w.p[0] == '-' && w.p[1] == '-')  /* ledger option lines */
		return true;
	return false;
}

enum { RI_EOF, RI_OK, RI_BAD };

/* Splits off the next item of source s. */
static int
read_item(struct journal *j, struct src *s)
{
	struct jitem *it = &j->item;
	size_t off;
	long ll, nlines = 1;
	const char *p;
	char c;
	enum jkind kind;
	bool indented_body = false, block = false;
	const char *bad;
	long errline = 0;
	size_t skip = 0, wordoff = 0;
	int r;

	ll = line_len(j, s, 0);
	if (ll < 0)
		return -1;
	if (ll == 0)
		return RI_EOF;
	p = s->buf + s->start;
	/* A UTF-8 byte order mark opening a file stays in the item's text but is not read. */
	if (s->line == 1 && ll >= 3 && memcmp(p, "\xef\xbb\xbf", 3) == 0)
		skip = 3;
	c = p[skip];
	memset(it, 0, sizeof *it);
	it->file = s->name;
	it->line = s->line;
	it->depth = s->depth;
	off = (size_t)ll;

	if (blank(p + skip, (size_t)ll - skip)) {
		kind = J_BLANK;
	} else if (s->timedot) {
		/* A day runs from its date line to the next one; before it, only comments. */
		kind = timedot_date_line(p + skip, (size_t)ll - skip) ? J_TIMELOG :
		       c == '#' || c == ';' || (c == '*' && !s->dated) ? J_COMMENT : J_ERROR;
		if (kind == J_TIMELOG)
			s->dated = true;
		else if (kind == J_ERROR)
			errline = s->line;
	} else if (comment_char(c)) {
		kind = J_COMMENT;
	} else if (c >= '0' && c <= '9') {  /* before the words: most items are entries */
		kind = J_TXN;
		indented_body = true;
	} else if (starts_word(p + skip, (size_t)ll - skip, "comment") ||
		   starts_word(p + skip, (size_t)ll - skip, "test")) {
		kind = J_COMMENT;
		block = true;
	} else if (c == '~') {
		kind = J_PERIODIC;
		indented_body = true;
	} else if (c == '=') {
		kind = J_AUTO;
		indented_body = true;
	} else if (c == ' ' || c == '\t') {
		const char *q = p;

		while (*q == ' ' || *q == '\t')
			q++;
		kind = *q == ';' || *q == '#' ? J_COMMENT : J_ERROR;
		if (kind == J_ERROR)
			errline = s->line;
	} else {
		size_t w;

		/* ledger's and hledger's legacy prefix: `!include`, `@account`. */
		wordoff = skip + ((c == '!' || c == '@') && (size_t)ll > skip + 1 &&
				  p[skip + 1] > ' ');
		w = wordoff;
		while (w < (size_t)ll && p[w] != ' ' && p[w] != '\t' && p[w] != '\n' && p[w] != '\r')
			w++;
		it->word.p = p + wordoff;  /* fixed up below: the buffer may move */
		it->word.n = w - wordoff;
		kind = span_eq(it->word, "include") ? J_INCLUDE : J_DIRECTIVE;
		indented_body = true;
		if (!known_directive(it->word)) {
			kind = J_ERROR;
			errline = s->line;
		}
	}

	/* Gather the item's further lines. */
	for (;;) {
		const char *q;

		ll = line_len(j, s, off);
		if (ll < 0)
			return -1;
		if (ll == 0) {
			/* ledger and hledger let a comment block run to the end of the file. */
			it->open_block = block;
			break;
		}
		q = s->buf + s->start + off;
		if (block) {
			off += (size_t)ll;
			nlines++;
			if (starts_word(q, (size_t)ll, "end"))
				break;
			continue;
		}
		if (s->timedot) {
			if (kind != J_TIMELOG ? kind == J_BLANK ? !blank(q, (size_t)ll) :
			    q[0] != '#' && q[0] != ';' && !(q[0] == '*' && !timedot_date_line(q, (size_t)ll)) :
			    timedot_date_line(q, (size_t)ll))
				break;
			off += (size_t)ll;
			nlines++;
			continue;
		}
		if (kind == J_BLANK ? !blank(q, (size_t)ll) :
		    kind == J_COMMENT ? !comment_char(q[0]) :
		    !(indented_body && (q[0] == ' ' || q[0] == '\t') && !blank(q, (size_t)ll)))
			break;
		off += (size_t)ll;
		nlines++;
	}

	it->text = s->buf + s->start;
	it->len = off;
	it->nlines = nlines;
	if (it->word.n)
		it->word.p = it->text + wordoff;
	s->start += off;
	s->line += nlines;

	if ((bad = bad_text(it->text, it->len)) != NULL) {
		it->kind = J_ERROR;
		journal_fail(j, line_of(it->text, bad, it->line),
			     *bad ? "invalid UTF-8 byte 0x%02x" : "NUL byte in journal",
			     (unsigned char)*bad);
		return RI_BAD;
	}
	it->kind = kind;
	if (kind == J_ERROR && s->timedot) {
		journal_fail(j, errline, "timedot: a line before the first date");
		return RI_BAD;
	}
	if (kind == J_TIMELOG) {
		j->orderdep = true;
		amount_decimal_mark(s->dmark);
		r = timedot_item(j, it);
		amount_decimal_mark(0);
		if (r < 0) {
			it->kind = J_ERROR;
			return RI_BAD;
		}
		return RI_OK;
	}
	if (kind == J_ERROR) {
		if (it->word.n)
			journal_fail(j, errline, "unknown directive or bad line: %.*s",
				     (int)(it->word.n > 60 ? 60 : it->word.n), it->word.p);
		else
			journal_fail(j, errline, "indented line outside an entry");
		return RI_BAD;
	}
	if (kind == J_TXN) {
		amount_decimal_mark(s->dmark);
		r = txn_parse(j, it->text + skip, it->len - skip, it->line);
		amount_decimal_mark(0);
		if (r < 0) {
			it->kind = J_ERROR;
			return RI_BAD;
		}
		it->txn = &j->txn;
	} else if (kind == J_DIRECTIVE || kind == J_INCLUDE) {
		amount_decimal_mark(s->dmark);
		r = do_directive(j, s, it);
		amount_decimal_mark(0);
		if (r < 0) {
			it->kind = J_ERROR;
			return RI_BAD;
		}
	}
	return RI_OK;
}

struct journal *
journal_open(const char *const *files, size_t nfiles, int flags)
{
	struct journal *j = xcalloc(1, sizeof *j);
	int y, m, d;

	j->flags = flags;
	j->files = xcalloc(nfiles ? nfiles : 1, sizeof *j->files);
	for (size_t i = 0; i < nfiles; i++)
		j->files[i] = xstrdup(files[i]);
	j->nfiles = nfiles;
	date_to_ymd(date_today(), &y, &m, &d);
	j->year = y;
	if (flags & JOURNAL_CHECK_ASSERT)
		j->run = accounts_new();
	return j;
}

int
journal_next(struct journal *j, struct jitem **item)
{
	int r;

	for (;;) {
		if (j->stopped)
			return 0;
		if (j->nsrc == 0) {
			if (j->nextfile >= j->nfiles) {
				/* sessions still clocked in count up to now (ledger, hledger) */
				if ((r = timeclock_end(j, &j->item)) == 0)
					return 0;
				*item = &j->item;
				return r;
			}
			j->item.file = NULL;
			if (push_src(j, j->files[j->nextfile++], 0, 0) < 0) {
				j->stopped = true;
				return -1;
			}
		}
		if (j->split && j->nsrc == 1) {
			struct src *top = &j->stack[0];

			if (top->base + (long long)top->start >= j->split_at && split_join(j) == 1)
				j->split_done = true;
		}
		if (j->split_done)
			return 0;
		r = read_item(j, &j->stack[j->nsrc - 1]);
		if (r == RI_EOF) {
			pop_src(j);
			continue;
		}
		*item = &j->item;
		if (r < 0) {
			j->stopped = true;
			j->item.kind = J_ERROR;
			return -1;
		}
		return r == RI_OK ? 1 : -1;
	}
}

const struct terr *
journal_error(const struct journal *j)
{
	return &j->err;
}

struct accounts *
journal_balances(struct journal *j)
{
	return j->run;
}

long
journal_nerrors(const struct journal *j)
{
	return j->nerrors;
}

void
journal_close(struct journal *j)
{
	if (!j)
		return;
	split_abandon(j);
	while (j->nsrc)
		pop_src(j);
	for (size_t i = 0; i < j->nfiles; i++)
		free(j->files[i]);
	free(j->files);
	for (size_t i = 0; i < j->nnames; i++)
		free(j->names[i]);
	free(j->names);
	free(j->stack);
	clear_aliases(j);
	free(j->aliases);
	while (j->napply)
		free(j->apply[--j->napply]);
	free(j->apply);
	free(j->txn.p);
	free(j->acct_off);
	free(j->sums);
	timelog_free(j);
	free(j->arena);
	if (j->run)
		accounts_free(j->run);
	free(j);
}

/* ---- effective account names ---- */

static size_t
arena_put(struct journal *j, const char *p, size_t n)
{
	size_t at = j->arena_len;

	if (j->arena_len + n + 1 > j->arena_cap) {
		j->arena_cap = (j->arena_len + n + 1) * 2;
		j->arena = xrealloc(j->arena, j->arena_cap);
	}
	memcpy(j->arena + j->arena_len, p, n);
	j->arena_len += n;
	return at;
}

/*
 * Applies aliases and `apply account` to an account name. Returns false when nothing
 * applies (the name is used as written); else the new name is at *off in the arena,
 * which may move while the entry is read, so txn.c keeps offsets until the end.
 * Aliases apply as hledger applies them: the latest first, each to the result of the one
 * before (a plain alias rewrites the name or its prefix up to a colon; a regex alias every
 * match). For plain aliases alone that is ledger's result too.
 */
bool
journal_account_name(struct journal *j, const char *p, size_t n, size_t *off, size_t *len)
{
	size_t at, i;
	char *cur = NULL;  /* the name once an alias changed it */

	if (!j->naliases && !j->napply)
		return false;
	at = j->arena_len;
	for (i = 0; i < j->napply; i++) {
		arena_put(j, j->apply[i], strlen(j->apply[i]));
		arena_put(j, ":", 1);
	}
	for (i = j->naliases; i-- > 0;) {
		struct alias *a = &j->aliases[i];
		char *next;
		size_t nn;

		if (a->re) {
			if (regex_replace(a->re, p, n, a->to, a->to_len, &next, &nn) != 1)
				continue;
		} else if (n >= a->from_len && memcmp(p, a->from, a->from_len) == 0 &&
			   (n == a->from_len || p[a->from_len] == ':')) {
			nn = a->to_len + n - a->from_len;
			next = xmalloc(nn + 1);
			memcpy(next, a->to, a->to_len);
			memcpy(next + a->to_len, p + a->from_len, n - a->from_len);
		} else {
			continue;
		}
		free(cur);
		cur = next;
		p = cur;
		n = nn;
	}
	arena_put(j, p, n);
	free(cur);
	*off = at;
	*len = j->arena_len - at;
	return true;
}
