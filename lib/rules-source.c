/*
 * rules-source.c: the `source` and `archive` rules, as current hledger reads them. A
 * `source` names the data file by a glob: ./ and ../ from the rules file's directory, / and
 * ~/ as they are, anything else in the data directory (data/ beside the journal, else beside
 * the rules file), then in ~/Downloads; the newest match is read (the oldest when an
 * archiving import consumes them one by one). `archive` keeps a copy of an imported file in
 * data/archive/ and removes the original. Data commands (`source ... | cmd`) are not run:
 * a rules file is data, and tally runs no programs from it.
 */
#include <errno.h>
#include <glob.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "rules-int.h"

static char *
join(const char *dir, const char *name)
{
	size_t dl = strlen(dir), nl = strlen(name);
	char *p = xmalloc(dl + nl + 2);

	memcpy(p, dir, dl);
	p[dl] = '/';
	memcpy(p + dl + 1, name, nl + 1);
	return p;
}

static char *
dir_of(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash ? xstrndup(path, (size_t)(slash - path)) : xstrdup(".");
}

/* The newest (or oldest) file matching pattern; NULL when none. */
static char *
pick(const char *pattern, bool oldest)
{
	glob_t g;
	char *best = NULL;
	struct timespec bt = {0, 0};

	if (glob(pattern, 0, NULL, &g) != 0)
		return NULL;
	for (size_t i = 0; i < g.gl_pathc; i++) {
		struct stat st;
		bool better;

		if (stat(g.gl_pathv[i], &st) != 0 || !S_ISREG(st.st_mode))
			continue;
		better = !best || (oldest ? (st.st_mtim.tv_sec < bt.tv_sec ||
					     (st.st_mtim.tv_sec == bt.tv_sec && st.st_mtim.tv_nsec < bt.tv_nsec)) :
					    (st.st_mtim.tv_sec > bt.tv_sec ||
					     (st.st_mtim.tv_sec == bt.tv_sec && st.st_mtim.tv_nsec >= bt.tv_nsec)));
		if (better) {
			free(best);
			best = xstrdup(g.gl_pathv[i]);
			bt = st.st_mtim;
		}
	}
	globfree(&g);
	return best;
}

/* The data directory: data/ beside the journal, else beside the rules file. */
static char *
data_dir(const struct rules *r, const char *journaldir)
{
	char *d = journaldir ? xstrdup(journaldir) : dir_of(r->source_file), *p = join(d, "data");

	free(d);
	return p;
}

int
rules_source_file(const struct rules *r, const char *journaldir, bool oldest, char **path,
		  struct terr *e)
{
	const char *v = r->source, *bar;
	char *pat, *full = NULL, *got = NULL;
	size_t n;

	*path = NULL;
	if (!v)
		return 0;
	n = strcspn(v, "#");  /* a # starts a comment */
	bar = memchr(v, '|', n);
	if (bar) {
		const char *c = bar + 1;

		while (c < v + n && (*c == ' ' || *c == '\t'))
			c++;
		if (c < v + n) {
			terr_set(e, r->source_file, r->source_line,
				 "source: a data command is not run by tally-import (run it, and name "
				 "its output as the CSV)");
			return -1;
		}
		n = (size_t)(bar - v);
	}
	while (n && (v[n - 1] == ' ' || v[n - 1] == '\t'))
		n--;
	pat = xstrndup(v, n);
	if (!*pat) {
		terr_set(e, r->source_file, r->source_line, "source: no file pattern");
		free(pat);
		return -1;
	}
	if (strncmp(pat, "./", 2) == 0 || strncmp(pat, "../", 3) == 0) {
		char *d = dir_of(r->source_file);

		got = pick(full = join(d, pat), oldest);
		free(d);
	} else if (pat[0] == '/') {
		got = pick(pat, oldest);
	} else if (pat[0] == '~' && pat[1] == '/') {
		const char *home = getenv("HOME");

		got = pick(full = join(home ? home : "", pat + 2), oldest);
	} else {
		char *d = data_dir(r, journaldir), *dl;
		const char *home = getenv("HOME");

		got = pick(full = join(d, pat), oldest);
		free(d);
		if (!got && home) {
			dl = join(home, "Downloads");
			free(full);
			got = pick(full = join(dl, pat), oldest);
			free(dl);
		}
	}
	if (!got)
		terr_set(e, r->source_file, r->source_line, "source: no file matches %s",
			 full ? full : pat);
	free(full);
	free(pat);
	*path = got;
	return got ? 1 : -1;
}

bool
rules_archive(const struct rules *r)
{
	return r->archive;
}

/* Are the two files the same bytes? */
static bool
same_file(const char *a, const char *b)
{
	FILE *fa = fopen(a, "rb"), *fb = fopen(b, "rb");
	bool same = fa && fb;
	int ca, cb;

	while (same) {
		ca = getc(fa);
		cb = getc(fb);
		if (ca != cb)
			same = false;
		if (ca == EOF)
			break;
	}
	if (fa)
		fclose(fa);
	if (fb)
		fclose(fb);
	return same;
}

/* The archive copy goes through the one write path: temporary file, fsync, rename. */
static int
copy_file(const char *from, const char *to, struct terr *e)
{
	FILE *in = fopen(from, "rb");
	struct wpath *w;
	struct out *o;
	char buf[1 << 14];
	size_t got;

	if (!in) {
		terr_set(e, from, 0, "%s", strerror(errno));
		return -1;
	}
	w = wpath_new(NULL, 0);
	if (wpath_add(w, to, 0, &o, e) < 0 || wpath_open(w, e) < 0) {
		wpath_abort(w);
		fclose(in);
		return -1;
	}
	while ((got = fread(buf, 1, sizeof buf, in)) > 0)
		out_write(o, buf, got);
	if (ferror(in)) {
		terr_set(e, from, 0, "%s", strerror(errno));
		wpath_abort(w);
		fclose(in);
		return -1;
	}
	fclose(in);
	return wpath_commit(w, e);
}

int
rules_archive_file(const struct rules *r, const char *datafile, const char *journaldir,
		   struct terr *e)
{
	char *d = data_dir(r, journaldir), *ad = join(d, "archive"), *name, *dest, *prev;
	const char *rb = strrchr(r->source_file, '/'), *ext = strrchr(datafile, '.');
	const char *ds = strrchr(datafile, '/');
	size_t bl;
	struct stat st;
	struct tm tm;
	char day[16], *pat;
	int rc = 0;

	rb = rb ? rb + 1 : r->source_file;
	bl = strcspn(rb, ".");  /* the rules file's base name */
	if (!ext || (ds && ext < ds))
		ext = ".csv";
	if (stat(datafile, &st) != 0 || !gmtime_r(&st.st_mtime, &tm)) {
		terr_set(e, datafile, 0, "%s", strerror(errno));
		free(d);
		free(ad);
		return -1;
	}
	strftime(day, sizeof day, "%Y-%m-%d", &tm);
	name = xmalloc(bl + strlen(day) + strlen(ext) + 3);
	sprintf(name, "%.*s.%s%s", (int)bl, rb, day, ext);
	dest = join(ad, name);
	(void)mkdir(d, 0777);
	(void)mkdir(ad, 0777);
	/* Not again when the newest archive of these rules holds exactly this data. */
	pat = xmalloc(bl + 4);
	sprintf(pat, "%.*s.*", (int)bl, rb);
	{
		char *g = join(ad, pat);

		prev = pick(g, false);
		free(g);
	}
	if (!(prev && same_file(prev, datafile)) && copy_file(datafile, dest, e) < 0) {
		rc = -1;
	} else if (unlink(datafile) != 0) {
		terr_set(e, datafile, 0, "archived, but cannot remove it: %s", strerror(errno));
		rc = -1;
	}
	free(prev);
	free(pat);
	free(dest);
	free(name);
	free(ad);
	free(d);
	return rc;
}
