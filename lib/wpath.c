/*
 * wpath.c: the one write path. Every file a command writes (the journal with -i, notices,
 * statements, anything later) is written to a temporary file beside its target and renamed
 * into place only when every output of the command is complete, so a failure, a full disk
 * or a kill leaves each target as it was. The journal edited in place is locked for the
 * whole read-modify-write, and an output that is one of the inputs is refused before
 * anything is opened for writing.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "internal.h"

enum wstate { W_DECLARED, W_OPEN, W_DONE, W_FAILED };

struct wid {
	dev_t dev;
	ino_t ino;
	const char *name;
};

struct wfile {
	struct wpath *w;
	char *path;           /* as the command named it; NULL: standard output */
	char *target;         /* what is replaced: a symlink followed unless WP_NOFOLLOW */
	char *tmp;            /* the temporary file beside the target */
	int flags;
	struct out **slot;    /* where the command gets its out */
	struct out *o;
	enum wstate state;
	bool exists;          /* the target exists: keep its owner and mode */
	bool direct;          /* not a regular file (a device, a FIFO): written at commit */
	int spoolfd;          /* direct: the bytes until then, in an unnamed file */
	struct stat st;       /* the existing target */
	int lockfd;           /* WP_EDIT: the locked journal, else -1 */
	struct stat read;     /* WP_EDIT: the journal as it was locked (and so read) */
};

struct wpath {
	struct wid *in;
	size_t nin;
	struct wfile **f;
	size_t nf;
	bool solo;            /* made by out_open_inplace: out_commit commits the set */
};

/*
 * The file names messages carry: a struct terr points at its file name, which must outlive
 * the set that failed. A few static slots (no allocation left behind for valgrind): a
 * command reports one failure at a time.
 */
static const char *
keep(const char *name)
{
	static char slot[4][PATH_MAX];
	static int next;
	char *s;

	if (!name)
		return NULL;
	s = slot[next++ % 4];
	snprintf(s, PATH_MAX, "%s", name);
	return s;
}

/*
 * Every file the journal reader opened in this process, included files too (a fixed table,
 * so nothing is left allocated at exit; past it, included files are no longer checked).
 */
#define MAX_SEEN 1024
static struct wid seen[MAX_SEEN];
static size_t nseen;

void
wpath_note_read(dev_t dev, ino_t ino)
{
	for (size_t i = 0; i < nseen; i++)
		if (seen[i].dev == dev && seen[i].ino == ino)
			return;
	if (nseen < MAX_SEEN)
		seen[nseen++] = (struct wid){dev, ino, NULL};
}

static bool
was_read(const struct stat *st)
{
	for (size_t i = 0; i < nseen; i++)
		if (seen[i].dev == st->st_dev && seen[i].ino == st->st_ino)
			return true;
	return false;
}

struct wpath *
wpath_new(char *const *inputs, size_t n)
{
	struct wpath *w = xcalloc(1, sizeof *w);
	struct stat st;

	w->in = xcalloc(n ? n : 1, sizeof *w->in);
	for (size_t i = 0; i < n; i++) {
		int r = strcmp(inputs[i], "-") == 0 ? fstat(0, &st) : stat(inputs[i], &st);

		if (r != 0 || (!S_ISREG(st.st_mode) && strcmp(inputs[i], "-") == 0))
			continue;  /* the reader says what is wrong with it */
		w->in[w->nin].dev = st.st_dev;
		w->in[w->nin].ino = st.st_ino;
		w->in[w->nin++].name = strcmp(inputs[i], "-") == 0 ? "<stdin>" : inputs[i];
	}
	return w;
}

static const struct wid *
find_input(const struct wpath *w, const struct stat *st)
{
	for (size_t i = 0; i < w->nin; i++)
		if (w->in[i].dev == st->st_dev && w->in[i].ino == st->st_ino)
			return &w->in[i];
	return NULL;
}

static bool
same(const struct stat *a, const struct stat *b)
{
	return a->st_dev == b->st_dev && a->st_ino == b->st_ino;
}

static char *
dir_name(const char *path)
{
	const char *slash = strrchr(path, '/');

	if (!slash)
		return xstrdup(".");
	return slash == path ? xstrdup("/") : xstrndup(path, (size_t)(slash - path));
}

/* Finds what a file output replaces; -1 when it cannot be written at all. */
static int
resolve(struct wfile *f, struct terr *e)
{
	struct stat lst;
	const char *what = f->flags & WP_EDIT ? "cannot edit in place: " : "";

	if (lstat(f->path, &lst) != 0) {
		if (errno == ENOENT && !(f->flags & WP_EDIT)) {
			f->target = xstrdup(f->path);
			return 0;
		}
		terr_set(e, keep(f->path), 0, "%s%s", what, strerror(errno));
		return -1;
	}
	if (S_ISLNK(lst.st_mode) && !(f->flags & WP_NOFOLLOW)) {
		/* A symlinked file is replaced where it lives, so the link stays a link. */
		if (!(f->target = realpath(f->path, NULL))) {
			terr_set(e, keep(f->path), 0, "%scannot follow the symbolic link: %s", what,
				 strerror(errno));
			return -1;
		}
		if (stat(f->target, &f->st) != 0) {
			terr_set(e, keep(f->path), 0, "%s%s", what, strerror(errno));
			return -1;
		}
	} else {
		f->target = xstrdup(f->path);
		f->st = lst;
	}
	/* Only a regular file's owner and mode are kept: never a planted link's or FIFO's. */
	f->exists = !(f->flags & WP_NOFOLLOW) || S_ISREG(f->st.st_mode);
	if (S_ISDIR(f->st.st_mode) || ((f->flags & WP_EDIT) && !S_ISREG(f->st.st_mode))) {
		terr_set(e, keep(f->path), 0, "%snot a regular file", what);
		return -1;
	}
	/* A file the user may not write is not replaced behind their back (-i is, as sed -i). */
	if (f->exists && !(f->flags & WP_EDIT) && access(f->target, W_OK) != 0) {
		terr_set(e, keep(f->path), 0, "%s", strerror(errno));
		return -1;
	}
	/*
	 * A device or FIFO named by the user (--notices /dev/stdout) is written, not replaced;
	 * in an output directory anything but a directory is replaced, never written through.
	 */
	f->direct = !(f->flags & WP_NOFOLLOW) && !S_ISREG(f->st.st_mode);
	return 0;
}

int
wpath_add(struct wpath *w, const char *path, int flags, struct out **o, struct terr *e)
{
	struct wfile *f = xcalloc(1, sizeof *f);
	const struct wid *in;
	struct stat so;
	bool so_reg;

	f->w = w;
	f->flags = path ? flags : 0;  /* WP_EDIT with no -i FILE: standard output */
	f->slot = o;
	f->lockfd = -1;
	f->spoolfd = -1;
	*o = NULL;
	w->f = xrealloc(w->f, (w->nf + 1) * sizeof *w->f);
	w->f[w->nf++] = f;
	so_reg = fstat(1, &so) == 0 && S_ISREG(so.st_mode);
	if (!path) {
		if (so_reg && (in = find_input(w, &so))) {
			terr_set(e, in->name, 0, "output file is an input file");
			return WPATH_REFUSED;
		}
		for (size_t i = 0; i + 1 < w->nf; i++)
			if (so_reg && w->f[i]->exists && same(&w->f[i]->st, &so)) {
				terr_set(e, keep(w->f[i]->path), 0, "standard output is also written as this file");
				return WPATH_REFUSED;
			}
		return 0;
	}
	f->path = xstrdup(path);
	if (resolve(f, e) < 0)
		return -1;
	if (!f->exists || (flags & WP_NOFOLLOW))
		return 0;
	if (!(flags & WP_EDIT) && find_input(w, &f->st)) {
		terr_set(e, keep(path), 0, "output file is an input file");
		return WPATH_REFUSED;
	}
	for (size_t i = 0; i + 1 < w->nf; i++) {
		struct wfile *g = w->f[i];

		if (g->path && g->exists && same(&g->st, &f->st)) {
			terr_set(e, keep(path), 0, "%s", g->flags & WP_EDIT ? "output file is an input file" :
				 "named as two outputs");
			return WPATH_REFUSED;
		}
		if (!g->path && so_reg && same(&so, &f->st)) {
			terr_set(e, keep(path), 0, "standard output is also written as this file");
			return WPATH_REFUSED;
		}
	}
	return 0;
}

/*
 * Locks the journal for the read-modify-write. rename() puts a new file in its place, so
 * after waiting for the lock the name may point at a newer file: then that one is locked.
 */
static int
lock_journal(struct wfile *f, struct terr *e)
{
	struct stat now;

	for (;;) {
		if ((f->lockfd = open(f->target, O_RDONLY | O_CLOEXEC | O_NONBLOCK)) < 0) {
			terr_set(e, keep(f->path), 0, "cannot edit in place: %s", strerror(errno));
			return -1;
		}
		while (flock(f->lockfd, LOCK_EX) != 0) {
			/* No locks here (some network file systems): the check at commit remains. */
			if (errno == ENOLCK || errno == EOPNOTSUPP)
				break;
			if (errno != EINTR) {
				terr_set(e, keep(f->path), 0, "cannot lock: %s", strerror(errno));
				return -1;
			}
		}
		if (fstat(f->lockfd, &f->read) != 0 || stat(f->target, &now) != 0) {
			terr_set(e, keep(f->path), 0, "cannot edit in place: %s", strerror(errno));
			return -1;
		}
		if (same(&now, &f->read))
			break;
		close(f->lockfd);
	}
	if (!S_ISREG(f->read.st_mode)) {
		terr_set(e, keep(f->path), 0, "cannot edit in place: not a regular file");
		return -1;
	}
	f->st = f->read;
	return 0;
}

static int
file_done(void *arg, int ok)
{
	struct wfile *f = arg;

	f->o = NULL;
	f->state = ok ? W_DONE : W_FAILED;
	if (!ok && f->tmp)
		unlink(f->tmp);
	if (ok && f->w->solo)
		return wpath_commit(f->w, NULL);
	if (!ok && f->w->solo)
		wpath_abort(f->w);
	return ok ? 0 : -1;
}

static mode_t
new_mode(void)
{
	mode_t m = umask(0);

	umask(m);
	return 0666 & ~m;
}

/* The temporary file beside the target, with the target's owner, group and mode. */
static int
make_temp(struct wfile *f, struct terr *e)
{
	char *dir = dir_name(f->target);
	const char *base = strrchr(f->target, '/');
	int fd;
	FILE *fp;

	base = base ? base + 1 : f->target;
	f->tmp = xmalloc(strlen(dir) + strlen(base) + 16);
	sprintf(f->tmp, "%s/.%s.tally-XXXXXX", dir, base);
	free(dir);
	if ((fd = mkstemp(f->tmp)) < 0) {  /* O_EXCL: never an existing file or link */
		terr_set(e, keep(f->path), 0, "cannot create a temporary file beside it: %s", strerror(errno));
		free(f->tmp);
		f->tmp = NULL;
		return -1;
	}
	if (f->exists) {
		/* Root keeps the owner; anyone keeps the group when allowed to. */
		if (geteuid() == 0)
			(void)!fchown(fd, f->st.st_uid, f->st.st_gid);
		else if (f->st.st_gid != getegid())
			(void)!fchown(fd, (uid_t)-1, f->st.st_gid);
	}
	if (fchmod(fd, f->exists ? f->st.st_mode & 07777 : new_mode()) != 0 ||
	    !(fp = fdopen(fd, "w"))) {
		terr_set(e, keep(f->path), 0, "cannot create a temporary file beside it: %s", strerror(errno));
		close(fd);
		unlink(f->tmp);
		return -1;
	}
	f->o = out_temp(fp, file_done, f);
	return 0;
}

/*
 * `tally-import --journal J ... >> J` appends to J while a `-i` command may be replacing it:
 * standard output that is a regular file is locked like an edited journal, so the two
 * take turns, and the commit checks it was not replaced meanwhile (see stdout_replaced).
 */
static void
lock_stdout(void)
{
	struct stat so;

	if (fstat(1, &so) != 0 || !S_ISREG(so.st_mode))
		return;
	while (flock(1, LOCK_EX) != 0 && errno == EINTR)
		;
}

/* A regular file as standard output that no name points at any more: renamed over. */
static bool
stdout_replaced(void)
{
	struct stat so;

	return fstat(1, &so) == 0 && S_ISREG(so.st_mode) && so.st_nlink == 0;
}

int
wpath_open(struct wpath *w, struct terr *e)
{
	/* A full disk under `ulimit -f` is a write error to report, not a signal that kills. */
	signal(SIGXFSZ, SIG_IGN);
	for (size_t i = 0; i < w->nf; i++) {
		struct wfile *f = w->f[i];

		if (f->state != W_DECLARED)
			continue;
		if (!f->path) {
			lock_stdout();
			f->o = out_open(stdout);
			out_on_done(f->o, file_done, f);
		} else if ((f->flags & WP_EDIT) && lock_journal(f, e) < 0) {
			return -1;
		} else if (f->direct) {
			FILE *sp = tmpfile();

			if (!sp || (f->spoolfd = dup(fileno(sp))) < 0) {
				terr_set(e, keep(f->path), 0, "cannot create a temporary file: %s", strerror(errno));
				if (sp)
					fclose(sp);
				return -1;
			}
			f->o = out_temp(sp, file_done, f);
		} else if (make_temp(f, e) < 0) {
			return -1;
		}
		f->state = W_OPEN;
		*f->slot = f->o;
	}
	return 0;
}

/* A device or a FIFO (/dev/stdout, /dev/full) gets the bytes at commit, before any rename. */
static int
write_direct(struct wfile *f, struct terr *e)
{
	char buf[1 << 16];
	ssize_t n;
	int fd;

	if (lseek(f->spoolfd, 0, SEEK_SET) != 0 ||
	    (fd = open(f->target, O_WRONLY | O_CLOEXEC | O_NOCTTY)) < 0) {
		terr_set(e, keep(f->path), 0, "%s", strerror(errno));
		return -1;
	}
	while ((n = read(f->spoolfd, buf, sizeof buf)) > 0) {
		for (ssize_t k = 0, w; k < n; k += w) {
			if ((w = write(fd, buf + k, (size_t)(n - k))) < 0) {
				if (errno == EINTR) {
					w = 0;
					continue;
				}
				terr_set(e, keep(f->path), 0, "write error: %s", strerror(errno));
				close(fd);
				return -1;
			}
		}
	}
	if (n < 0 || close(fd) != 0) {
		terr_set(e, keep(f->path), 0, "write error: %s", strerror(errno));
		return -1;
	}
	return 0;
}

static void
finish(struct wpath *w, bool ok)
{
	for (size_t i = 0; i < w->nf; i++) {
		struct wfile *f = w->f[i];

		if (f->o) {
			out_on_done(f->o, NULL, NULL);
			out_abort(f->o);
		}
		if (f->tmp && !(ok && f->state == W_DONE))
			unlink(f->tmp);
		if (f->lockfd >= 0)
			close(f->lockfd);
		if (f->spoolfd >= 0)
			close(f->spoolfd);
		free(f->path);
		free(f->target);
		free(f->tmp);
		free(f);
	}
	free(w->f);
	free(w->in);
	free(w);
}

/* The journal is still the file that was locked and read, unchanged. */
static bool
unchanged(const struct wfile *f)
{
	struct stat now, fd;

	return stat(f->target, &now) == 0 && fstat(f->lockfd, &fd) == 0 && same(&now, &f->read) &&
	       fd.st_size == f->read.st_size && fd.st_mtim.tv_sec == f->read.st_mtim.tv_sec &&
	       fd.st_mtim.tv_nsec == f->read.st_mtim.tv_nsec;
}

/* Makes the renames durable: the directories' entries are fsynced too. */
static void
sync_dirs(struct wpath *w)
{
	char *last = NULL;

	for (size_t i = 0; i < w->nf; i++) {
		char *dir;
		int fd;

		if (!w->f[i]->tmp)
			continue;
		dir = dir_name(w->f[i]->target);
		if (last && strcmp(dir, last) == 0) {
			free(dir);
			continue;
		}
		if ((fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) >= 0) {
			(void)fsync(fd);
			close(fd);
		}
		free(last);
		last = dir;
	}
	free(last);
}

static int
rename_all(struct wpath *w, bool edited, struct terr *e)
{
	for (size_t i = 0; i < w->nf; i++) {
		struct wfile *f = w->f[i];

		if (!f->tmp || !(f->flags & WP_EDIT) != !edited)
			continue;
		if (rename(f->tmp, f->target) != 0) {
			terr_set(e, keep(f->path), 0, "cannot rename into place: %s", strerror(errno));
			return -1;
		}
		free(f->tmp);
		f->tmp = NULL;
		f->state = W_DONE;
	}
	return 0;
}

int
wpath_commit(struct wpath *w, struct terr *e)
{
	struct terr local;
	struct wfile *so = NULL;
	size_t i;
	int r = 0;

	if (!e)
		e = &local;
	w->solo = false;  /* the outs' callbacks must not commit the set again */
	for (i = 0; i < w->nf && r == 0; i++) {
		struct wfile *f = w->f[i];

		if (!f->path) {
			so = f;
		} else if (f->state == W_FAILED || f->state == W_DECLARED) {
			terr_set(e, keep(f->path), 0, "not written");
			r = -1;
		} else if (f->state == W_OPEN && out_commit(f->o) < 0) {
			terr_set(e, keep(f->path), 0, "write error: %s", strerror(errno));
			r = -1;
		}
	}
	/* Named inputs were refused up front; a file reached through `include` is refused here. */
	for (i = 0; i < w->nf && r == 0; i++) {
		struct wfile *f = w->f[i];

		if (f->path && f->exists && !(f->flags & (WP_EDIT | WP_NOFOLLOW)) && was_read(&f->st)) {
			terr_set(e, keep(f->path), 0, "output file is an input file (included)");
			r = WPATH_REFUSED;
		}
	}
	for (i = 0; i < w->nf && r == 0; i++)
		if ((w->f[i]->flags & WP_EDIT) && !unchanged(w->f[i])) {
			terr_set(e, keep(w->f[i]->path), 0, "changed since it was read (by another program?): "
				 "nothing written; run the command again");
			r = -1;
		}
	if (r == 0 && so && so->o && stdout_replaced()) {
		terr_set(e, NULL, 0, "standard output's file was replaced by another program while "
			 "this ran: nothing written; run the command again");
		r = -1;
	}
	if (r == 0 && so && so->o && out_commit(so->o) < 0) {
		terr_set(e, NULL, 0, "cannot write the output: %s", strerror(errno));
		r = -1;
	}
	for (i = 0; i < w->nf && r == 0; i++)
		if (w->f[i]->direct && write_direct(w->f[i], e) < 0)
			r = -1;
	/* The journal last: when anything else fails, it is untouched and a rerun redoes all. */
	if (r == 0 && (rename_all(w, false, e) < 0 || rename_all(w, true, e) < 0))
		r = -1;
	if (r == 0)
		sync_dirs(w);
	finish(w, r == 0);
	return r;
}

void
wpath_unlink_temps(const struct wpath *w)
{
	for (size_t i = 0; w && i < w->nf; i++)
		if (w->f[i]->tmp)
			unlink(w->f[i]->tmp);
}

void
wpath_abort(struct wpath *w)
{
	w->solo = false;
	finish(w, false);
}

struct out *
out_open_inplace(const char *path, struct terr *e)
{
	char *in[1] = {(char *)path};
	struct wpath *w = wpath_new(in, 1);
	struct out *o;

	if (wpath_add(w, path, WP_EDIT, &o, e) != 0 || wpath_open(w, e) < 0) {
		wpath_abort(w);
		return NULL;
	}
	w->solo = true;
	return o;
}

int
wpath_check_stdout(char *const *files, size_t n, struct terr *e)
{
	struct wpath *w = wpath_new(files, n);
	struct out *o;
	int r = wpath_add(w, NULL, 0, &o, e);

	wpath_abort(w);
	return r;
}
