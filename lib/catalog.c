/*
 * catalog.c: the languages of the documents as gettext catalogs (share/po/LANG.po compiled
 * to LANG/LC_MESSAGES/tally.mo). A document's language is chosen by --lang, not by the
 * environment, and a fresh system has no generated locales: the catalog is read through
 * glibc's gettext with LC_MESSAGES set to C.UTF-8 (always present in glibc) and LANGUAGE
 * set to "LANG:en", so a message a catalog lacks is the English catalog's.
 *
 * Two kinds of message: labels and words of a document, a symbolic key in a context
 * (msgctxt "statement", msgid "opening"), which every language translates, English too;
 * and sentences written in C, whose msgid is the English (catalog_tr).
 */
#include <libintl.h>
#include <limits.h>
#include <locale.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tally.h"

#ifndef TALLY_LOCALEDIR
#define TALLY_LOCALEDIR "/usr/local/share/locale"
#endif
#ifndef TALLY_BUILD
#define TALLY_BUILD "build"
#endif

#define DOMAIN "tally"

/* glibc's counter of catalog changes: bumped, it forgets the translations it cached. */
extern int _nl_msg_cat_cntr;

static char in_use[4];   /* the language of this process's documents, or "" */

static bool
has_mo(const char *dir, const char *lang)
{
	char path[PATH_MAX];
	struct stat st;

	return snprintf(path, sizeof path, "%s/%s/LC_MESSAGES/" DOMAIN ".mo", dir, lang) <
		       (int)sizeof path && stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

/* The directory holding lang's catalog, or NULL: beside the binary first, as share/ is. */
static char *
find_dir(const char *lang)
{
	char exe[PATH_MAX], *slash, *path;
	const char *rel[] = {"/../share/locale", "/../" TALLY_BUILD "/locale"};
	ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);

	if (n > 0) {
		exe[n] = '\0';
		if ((slash = strrchr(exe, '/')) != NULL) {
			*slash = '\0';
			for (size_t i = 0; i < sizeof rel / sizeof *rel; i++) {
				/* an absolute BUILD is itself the place of the build tree */
				if (i == 1 && TALLY_BUILD[0] == '/') {
					path = xstrdup(TALLY_BUILD "/locale");
				} else {
					path = xmalloc(strlen(exe) + strlen(rel[i]) + 1);
					sprintf(path, "%s%s", exe, rel[i]);
				}
				if (has_mo(path, lang))
					return path;
				free(path);
			}
		}
	}
	return has_mo(TALLY_LOCALEDIR, lang) ? xstrdup(TALLY_LOCALEDIR) : NULL;
}

bool
catalog_lang_ok(const char *lang)
{
	size_t n = strlen(lang);

	return n >= 2 && n <= 3 && strspn(lang, "abcdefghijklmnopqrstuvwxyz") == n;
}

int
catalog_use(const char *lang, struct terr *e)
{
	char *dir, list[16];

	if (strcmp(in_use, lang) == 0)
		return 0;
	if (!catalog_lang_ok(lang) || !(dir = find_dir(lang))) {
		terr_set(e, NULL, 0, "unknown language: %s", lang);
		return -1;
	}
	if (!setlocale(LC_MESSAGES, "C.UTF-8") && !setlocale(LC_MESSAGES, "C.utf8")) {
		terr_set(e, NULL, 0, "no C.UTF-8 locale: the %s catalog cannot be read", lang);
		free(dir);
		return -1;
	}
	snprintf(list, sizeof list, strcmp(lang, "en") == 0 ? "%s" : "%s:en", lang);
	setenv("LANGUAGE", list, 1);
	bindtextdomain(DOMAIN, dir);
	bind_textdomain_codeset(DOMAIN, "UTF-8");
	++_nl_msg_cat_cntr;
	free(dir);
	snprintf(in_use, sizeof in_use, "%s", lang);
	/* every catalog has the number marks (English behind it): none read is gettext not
	   reading catalogs at all, which must not pass for English documents */
	if (!catalog_get("number", "decimal-mark")) {
		terr_set(e, NULL, 0, "cannot read the %s catalog (gettext)", lang);
		in_use[0] = '\0';
		return -1;
	}
	return 0;
}

const char *
catalog_lang(void)
{
	return *in_use ? in_use : NULL;
}

const char *
catalog_get(const char *ctx, const char *key)
{
	char id[256];
	const char *t;

	if (!*in_use || snprintf(id, sizeof id, "%s\004%s", ctx, key) >= (int)sizeof id)
		return NULL;
	t = dgettext(DOMAIN, id);
	return t == id ? NULL : t;
}

const char *
catalog_tr(const char *msgid)
{
	return *in_use ? dgettext(DOMAIN, msgid) : msgid;
}

const char *
catalog_ntr(const char *one, const char *many, unsigned long n)
{
	return *in_use ? dngettext(DOMAIN, one, many, n) : n == 1 ? one : many;
}

size_t
catalog_date(char *buf, size_t size, tdate d, const char *ctx)
{
	const char *f = catalog_get(ctx, "date-format"), *months = catalog_get(ctx, "months");
	char mon[32] = "";
	int y, m, dd;
	size_t len = 0;

	if (!f)
		f = "{yyyy}-{mm}-{dd}";  /* ISO, cut to the buffer like any other format */
	date_to_ymd(d, &y, &m, &dd);
	for (int i = 1; months && *months && i <= m; i++) {
		size_t w = strcspn(months, " ");

		if (i == m)
			snprintf(mon, sizeof mon, "%.*s", (int)w, months);
		months += w;
		months += strspn(months, " ");
	}
	buf[0] = '\0';
	while (*f && len + 1 < size) {
		int n;

		if (strncmp(f, "{dd}", 4) == 0)
			n = snprintf(buf + len, size - len, "%02d", dd), f += 4;
		else if (strncmp(f, "{d}", 3) == 0)
			n = snprintf(buf + len, size - len, "%d", dd), f += 3;
		else if (strncmp(f, "{mm}", 4) == 0)
			n = snprintf(buf + len, size - len, "%02d", m), f += 4;
		else if (strncmp(f, "{mon}", 5) == 0)
			n = snprintf(buf + len, size - len, "%s", mon), f += 5;
		else if (strncmp(f, "{yyyy}", 6) == 0)
			n = snprintf(buf + len, size - len, "%04d", y), f += 6;
		else
			n = snprintf(buf + len, size - len, "%c", *f++);
		if (n < 0)
			break;
		len += (size_t)n;
	}
	return len < size ? len : size - 1;
}
