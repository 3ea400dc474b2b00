/*
 * jdirective.c: the directives that change how later entries read (include, alias,
 * apply account, end, Y/year, D, commodity, decimal-mark, timeclock i/o), the list of
 * directive words tally knows, and the effective account names aliases and `apply account`
 * make of the names as written.
 */
#include <stdlib.h>
#include <string.h>

#include "internal.h"

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

void
directives_clear_aliases(struct journal *j)
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

int
directive_run(struct journal *j, struct src *s, struct jitem *it)
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
		return src_include(j, s, arg, line);
	}
	if (span_eq(w, "alias"))
		return do_alias(j, arg, line);
	if (span_eq(w, "end")) {
		if (arg.n >= 7 && memcmp(arg.p, "aliases", 7) == 0)
			directives_clear_aliases(j);
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
bool
directive_known(struct span w)
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
