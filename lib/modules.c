/*
 * modules.c: the libraries only some runs need, loaded when first used. cairo + pango (PDF),
 * GMime (mail) and libical (calendars) bring forty shared libraries between them, and
 * mapping them is most of a small run: tally-report started in 17 ms with them linked and
 * starts in 5 ms without, though it writes a PDF only when asked. Each is a module,
 * $(BUILD)/mod/tally-NAME.so (lib/pdf.c, lib/mail.c, lib/ical.c with lib/icaltext.c),
 * found beside the binary first, as share/ is; the functions of docs.h below forward to
 * its table (modules.h). A module that cannot be loaded is an error that names it.
 */
#include <dlfcn.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tally.h"
#include "modules.h"

#ifndef TALLY_MODDIR
#define TALLY_MODDIR "/usr/local/lib/tally"
#endif
#ifndef TALLY_BUILD
#define TALLY_BUILD "build"
#endif

/*
 * What the modules call back in the command (the names of lib/modules.list, which the link
 * exports): named here so that every command that can load a module has them, whether or
 * not it calls them itself.
 */
__attribute__((used)) static void (*const callbacks[])(void) = {
	(void (*)(void))catalog_get, (void (*)(void))catalog_lang,
	(void (*)(void))date_from_ymd, (void (*)(void))date_valid_ymd,
	(void (*)(void))out_printf, (void (*)(void))out_write,
	(void (*)(void))strmap_add, (void (*)(void))strmap_free, (void (*)(void))strmap_new,
	(void (*)(void))terr_set, (void (*)(void))xcalloc, (void (*)(void))xmalloc,
	(void (*)(void))xrealloc, (void (*)(void))xstrdup,
};

static _Noreturn void
cannot_load(const char *what, const char *why)
{
	fprintf(stderr, "tally: cannot load the module %s: %s\n", what, why);
	exit(1);
}

/* DIR/FILE opened, or NULL when there is no such file; any other failure is fatal. */
static void *
open_in(const char *dir, const char *file)
{
	char path[PATH_MAX];
	void *h;

	if (snprintf(path, sizeof path, "%s/%s", dir, file) >= (int)sizeof path ||
	    access(path, F_OK) != 0)
		return NULL;
	if (!(h = dlopen(path, RTLD_NOW | RTLD_LOCAL)))
		cannot_load(path, dlerror());
	return h;
}

/* The table tally_NAME_ops of tally-NAME.so: PREFIX/lib/tally or the build tree's mod/
 * beside the binary, else the installed place. */
static const void *
module_table(const char *name)
{
	char file[64], sym[64], exe[PATH_MAX], dir[PATH_MAX + 64];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
	char *slash;
	void *h = NULL, *t;

	snprintf(file, sizeof file, "tally-%s.so", name);
	snprintf(sym, sizeof sym, "tally_%s_ops", name);
	if (n > 0) {
		exe[n] = '\0';
		if ((slash = strrchr(exe, '/')) != NULL) {
			*slash = '\0';
			snprintf(dir, sizeof dir, "%s/../lib/tally", exe);
			if (!(h = open_in(dir, file))) {
				/* an absolute BUILD is itself the place of the build tree */
				if (TALLY_BUILD[0] == '/')
					snprintf(dir, sizeof dir, "%s/mod", TALLY_BUILD);
				else
					snprintf(dir, sizeof dir, "%s/../%s/mod", exe, TALLY_BUILD);
				h = open_in(dir, file);
			}
		}
	}
	if (!h && !(h = open_in(TALLY_MODDIR, file)))
		cannot_load(file, "not found beside the command nor in " TALLY_MODDIR);
	if (!(t = dlsym(h, sym)))
		cannot_load(file, dlerror());
	return t;
}

/* ---- PDF (pdf.c) ---- */

static const struct pdf_ops *
pdf_ops(void)
{
	static const struct pdf_ops *t;

	return t ? t : (t = module_table("pdf"));
}

int
pdf_from_text(struct out *o, const char *text, size_t len, const struct pdf_opts *opt,
	      struct terr *e)
{
	return pdf_ops()->from_text(o, text, len, opt, e);
}

struct pdf *
pdf_begin(struct out *o, const struct pdf_opts *opt, struct terr *e)
{
	return pdf_ops()->begin(o, opt, e);
}

void
pdf_text(struct pdf *d, const char *text, size_t len)
{
	pdf_ops()->text(d, text, len);
}

void
pdf_bars(struct pdf *d, const struct pdf_bar *bars, size_t n, int after)
{
	pdf_ops()->bars(d, bars, n, after);
}

int
pdf_end(struct pdf *d, struct terr *e)
{
	return pdf_ops()->end(d, e);
}

/* ---- mail (mail.c) ---- */

static const struct mail_ops *
mail_ops(void)
{
	static const struct mail_ops *t;

	return t ? t : (t = module_table("mail"));
}

struct mailbox *
mail_mbox(struct out *o)
{
	return mail_ops()->mbox(o);
}

struct mailbox *
mail_maildir(const char *dir, struct terr *e)
{
	return mail_ops()->maildir(dir, e);
}

int
mail_add(struct mailbox *m, const struct mail_msg *msg, struct terr *e)
{
	return mail_ops()->add(m, msg, e);
}

int
mail_commit(struct mailbox *m, struct terr *e)
{
	return mail_ops()->commit(m, e);
}

void
mail_abort(struct mailbox *m)
{
	mail_ops()->abort(m);
}

/* ---- calendars (ical.c) ---- */

static const struct ical_ops *
ical_ops(void)
{
	static const struct ical_ops *t;

	return t ? t : (t = module_table("ical"));
}

struct ical *
ical_new(void)
{
	return ical_ops()->new();
}

int
ical_read(struct ical *c, const char *path, const struct ical_opts *o, struct terr *e)
{
	return ical_ops()->read(c, path, o, e);
}

size_t
ical_count(const struct ical *c)
{
	return ical_ops()->count(c);
}

const struct ical_inst *
ical_at(const struct ical *c, size_t i)
{
	return ical_ops()->at(c, i);
}

void
ical_sort(struct ical *c)
{
	ical_ops()->sort(c);
}

void
ical_free(struct ical *c)
{
	if (c)  /* nothing read: no module to load */
		ical_ops()->free(c);
}
