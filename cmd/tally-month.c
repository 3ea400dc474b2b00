/*
 * tally-month: the month-end run of SPEC.md. It runs the C filters one after the other,
 * each reading the previous one's output from a temporary file beside the journal (so an
 * `include` resolves as it does from the journal itself):
 *
 *   tally-import --rules R --journal J CSV     > T0   (with --rules and --csv)
 *   tally-cancel J [T0]                         > T1
 *   tally-bill T1 > T2;  tally-invoice -p PERIOD T2 > T3
 *   tally-statement -p PERIOD --all --output-dir WORK T3
 *
 * Cancel and bill are one reading where the two filters would read the same policies:
 * one book prices every event and one copy of the journal gets both filters' lines
 * (price_once), as the pipe would; else, or when the journal has something to report,
 * the two filters run in turn and say it. When neither filter would add a line to the one
 * journal (it is priced already), no copy is made: the invoice step reads the journal.
 *
 * The invoice step and the statements run in this process (lib/monthrun.c): from the
 * pricing's own reading when the journal is priced already (one reading in all), else from
 * one reading of the priced copy. Where that run would not see what the commands see, or
 * with TALLY_MONTH_STAGES, tally-invoice and tally-statement run, and say what is wrong.
 *
 * Nothing is written until every step succeeded: then the statements (and with -i the
 * journal, last) go into place through the write path, together. A failure at any step
 * leaves the journal byte-identical and no statement that looks right.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tally.h"

static const char *prog = "tally-month";
static char self[PATH_MAX];   /* the directory of this binary: the filters beside it first */

enum { T_IMPORT, T_CANCEL, T_BILL, T_INVOICE, NTEMP };
static char *temps[NTEMP];    /* beside the journal, removed at exit */
static char *work;            /* the statements' directory inside --output-dir */
static struct wpath *set;     /* the outputs, for on_signal */
static const char *journal_path;

static void
usage(FILE *f, int status)
{
	fprintf(f, "usage: %s -p PERIOD [-f JOURNAL] [--rules FILE --csv FILE] [--output-dir DIR]\n"
		"       [-O txt|md|html] [--lang LANG] [--conf FILE] [--policy FILE] [--policies DIR]\n"
		"       [-i]\n", prog);
	exit(status);
}

/* Only what the statements left there: the directory was made empty by us. */
static void
empty_work(void)
{
	DIR *d = opendir(work);
	struct dirent *de;

	while (d && (de = readdir(d)))
		if (strcmp(de->d_name, ".") != 0 && strcmp(de->d_name, "..") != 0)
			unlinkat(dirfd(d), de->d_name, 0);
	if (d)
		closedir(d);
}

static void
cleanup(void)
{
	for (int i = 0; i < NTEMP; i++)
		if (temps[i])
			unlink(temps[i]);
	if (work) {
		empty_work();
		rmdir(work);
	}
}

/* Interrupted: the temporary files go, the journal was never touched. */
static void
on_signal(int sig)
{
	wpath_unlink_temps(set);
	cleanup();
	signal(sig, SIG_DFL);
	raise(sig);
}

static char *
dir_of(const char *path)
{
	const char *slash = strrchr(path, '/');

	if (!slash)
		return xstrdup(".");
	return slash == path ? xstrdup("/") : xstrndup(path, (size_t)(slash - path));
}

/* A new empty file in dir named after base; NULL with errno set. */
static char *
temp_beside(const char *dir, const char *base, const char *what)
{
	char *p = xmalloc(strlen(dir) + strlen(base) + strlen(what) + 16);
	int fd;

	sprintf(p, "%s/.%s.%s-XXXXXX", dir, base, what);
	if ((fd = mkstemp(p)) < 0) {
		free(p);
		return NULL;
	}
	close(fd);
	return p;
}

/*
 * Runs tally-NAME with args, its standard output appended to out (NULL: /dev/null).
 * 0 when it succeeded; else 1 (it said why on standard error, or we do).
 */
static int
run_to(const char *name, const char **args, const char *out, bool quiet)
{
	char path[PATH_MAX + NAME_MAX], cmd[NAME_MAX];
	int status, fd;
	pid_t pid;

	snprintf(cmd, sizeof cmd, "tally-%s", name);
	snprintf(path, sizeof path, "%s/%s", self, cmd);
	fflush(stdout);
	if ((pid = fork()) < 0) {
		fprintf(stderr, "%s: cannot run %s: %s\n", prog, cmd, strerror(errno));
		return 1;
	}
	if (pid == 0) {
		fd = out ? open(out, O_WRONLY | O_APPEND | O_CLOEXEC) : open("/dev/null", O_WRONLY);
		if (fd < 0 || dup2(fd, 1) < 0) {
			fprintf(stderr, "%s: %s: %s\n", prog, out ? out : "/dev/null", strerror(errno));
			_exit(1);
		}
		if (quiet && ((fd = open("/dev/null", O_WRONLY)) < 0 || dup2(fd, 2) < 0))
			_exit(1);
		args[0] = cmd;  /* in the child: cmd lives as long as it does */
		if (*self && access(path, X_OK) == 0)
			execv(path, (char *const *)args);
		execvp(cmd, (char *const *)args);
		fprintf(stderr, "%s: cannot run %s: %s\n", prog, cmd, strerror(errno));
		_exit(127);
	}
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return 1;
	if (WIFSIGNALED(status)) {
		fprintf(stderr, "%s: %s: killed by signal %d\n", prog, cmd, WTERMSIG(status));
		return 1;
	}
	return WEXITSTATUS(status) != 0;
}

static int
run(const char *name, const char **args, const char *out)
{
	return run_to(name, args, out, false);
}

/* What tally-cancel and tally-bill write by default (tally month passes no account option). */
static const struct price_accts accts = {"Income:Sessions", "Income:Cancellations", NULL};

/* What book_copy's calls share. */
struct fused {
	struct book *b;
	bool taught;        /* a cancellation's amount would teach tally-bill's reading */
};

/*
 * Whether tally-bill, reading the amount a tally-cancel wrote, would learn from it what the
 * journal had not shown there: more decimals, or the first style of its commodity. It would
 * then write later amounts in another style than one reading of the journal gives.
 */
static bool
teaches(const struct amount *a)
{
	const struct cstyle *st = commodity_style(a->com);

	return !st->learned || a->scale > st->prec || (!st->mark_known && a->scale + st->prec > 0);
}

/* book_copy's call after an unpriced event: tally-cancel's lines or tally-bill's. */
static bool
priced(void *arg, struct out *o, const struct book_price *r)
{
	struct fused *f = arg;
	struct clients *cl = book_clients(f->b);
	char *x;
	size_t n;

	if (!r->unpriced || !r->write)
		return false;
	if (r->kind == SESSION_HELD || r->group) {
		if (r->nonl)
			out_write(o, "\n", 1);
		price_write_held(o, cl, r, &accts);
		return true;
	}
	if (r->kind < SESSION_CANCELLED || r->kind > SESSION_PROVIDER || r->waived || !r->c)
		return false;
	if (!r->grace && (teaches(&r->fee) || (!amount_is_zero(&r->deposit) && teaches(&r->deposit))))
		f->taught = true;
	if (r->nonl)
		out_write(o, "\n", 1);
	x = price_cancel_lines(cl, r, &accts, &n);
	out_write(o, x, n);
	free(x);
	return true;
}

/* book_copy's call where an expired package's credit lapses (tally-bill's entry). */
static bool
lapsed(void *arg, struct out *o, const struct book_lapse *l)
{
	struct fused *f = arg;

	if (amount_sign(&l->left) <= 0)
		return false;
	price_write_lapse(o, book_clients(f->b), l, &accts);
	return true;
}

/* The filter tally-NAME is beside this binary (the fused stage is its code, same build). */
static bool
beside(const char *name)
{
	char path[PATH_MAX + NAME_MAX];

	snprintf(path, sizeof path, "%s/tally-%s", self, name);
	return *self && access(path, X_OK) == 0;
}

/* Two paths name one directory. */
static bool
same_dir(const char *a, const char *b)
{
	struct stat sa, sb;

	return stat(a, &sa) == 0 && stat(b, &sb) == 0 && sa.st_dev == sb.st_dev &&
	       sa.st_ino == sb.st_ino;
}

/*
 * tally-cancel and tally-bill in one reading: one book prices every event (the filters
 * share bookprice.c, so they commute) and one copy of the input gets both filters' lines
 * into out: what `tally-cancel | tally-bill` writes. Only where both filters would read the
 * same policies and pass 1 found nothing to say: 1 then (2: neither filter adds a line to
 * the one journal, which is then their output as it is, and out is left empty); 0 when the
 * filters must run one after the other (they say what is wrong); -1 when out could not be
 * written.
 */
static int
price_once(char **files, size_t n, const char *policy, const char *policies, const char *out,
	   struct month_run *mr)
{
	struct book_opts o = {.check_policies = true, .policy_dir = policies};
	struct book_pass pass = {.limit = DATE_NONE};
	struct fused fu = {0};
	struct book *b;
	struct terr e;
	struct out *w;
	FILE *f;
	char *dir;
	bool same;
	int r = 0;

	if (policy || !beside("cancel") || !beside("bill") || getenv("TALLY_MONTH_STAGES"))
		return 0;
	dir = policy_sharedir("policies");
	same = !policies || same_dir(policies, dir);
	free(dir);
	if (!same || !(b = book_new(&o, &e)))
		return 0;
	if (mr && n == 1)
		month_run_hooks(mr, &pass);  /* the invoice step and statements learn here too */
	same = book_input(b, files, n, &e) == 0 && book_learn(b, files, n, &pass) == 0;
	if (same && pass.arg)
		month_run_learnt(mr);
	if (same && book_settle(b, DATE_NONE) == 0 && book_can_copy(b)) {
		if (n == 1 && !book_copy_inserts(b)) {
			r = 2;  /* both filters would copy the journal as it is: no copy made */
		} else if (!(f = fopen(out, "w"))) {
			fprintf(stderr, "%s: %s: %s\n", prog, out, strerror(errno));
			r = -1;
		} else {
			w = out_open(f);
			/*
			 * The styles are set back to pass 1's at each event (book_style_at), but
			 * only for the commodities met by then: one met later keeps the end's
			 * style, unlearned here, so that teaches() sees it was not known there.
			 */
			for (int i = 0; i < commodity_count(); i++)
				commodity_style(i)->learned = false;
			fu.b = b;
			if (book_copy(b, w, priced, lapsed, &fu, &e) < 0) {
				terr_print(prog, &e);
				out_abort(w);
				r = -1;
			} else if (out_commit(w) < 0) {
				fprintf(stderr, "%s: %s: %s\n", prog, out, strerror(errno));
				r = -1;
			} else {
				r = fu.taught ? 0 : 1;  /* then the filters in turn, exactly */
			}
			if (fclose(f) != 0 && r == 1) {
				fprintf(stderr, "%s: %s: %s\n", prog, out, strerror(errno));
				r = -1;
			}
		}
	}
	book_free(b);
	if (r == 0 && fu.b && truncate(out, 0) != 0) {  /* the filters append to it */
		fprintf(stderr, "%s: %s: %s\n", prog, out, strerror(errno));
		r = -1;
	}
	return r;
}

/* Copies the file at path into o; -1 with errno set when it cannot be read. */
static int
copy_into(struct out *o, const char *path)
{
	FILE *f = fopen(path, "rb");
	int r;

	if (!f)
		return -1;
	r = out_copy(o, f);
	fclose(f);
	return r;
}

/* The file at from copied over the file at to; -1 with errno set. */
static int
copy_file(const char *from, const char *to)
{
	FILE *f = fopen(to, "w");
	struct out *o;
	int r;

	if (!f)
		return -1;
	o = out_open(f);
	r = out_end(o, copy_into(o, from));
	if (fclose(f) != 0)
		r = -1;
	return r;
}

static char *
join(const char *dir, const char *name)
{
	char *p = xmalloc(strlen(dir) + strlen(name) + 2);

	sprintf(p, "%s/%s", dir, name);
	return p;
}

static int
by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The statements written into work, sorted by name. */
static size_t
statements(char ***names)
{
	DIR *d = opendir(work);
	struct dirent *de;
	size_t n = 0;

	*names = NULL;
	while (d && (de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		*names = xrealloc(*names, (n + 1) * sizeof **names);
		(*names)[n++] = xstrdup(de->d_name);
	}
	if (d)
		closedir(d);
	if (n > 1)
		qsort(*names, n, sizeof **names, by_name);
	return n;
}

/*
 * Commits the month: every statement into outdir (a symlink there is replaced, not
 * followed) and, with -i, the month's journal over J, all through one write path.
 */
static int
commit(struct wpath *w, struct out *jo, const char *outdir, struct month_run *mr)
{
	char **names;
	size_t n = statements(&names), i;
	struct terr e;
	int r = 0;

	if (jo && mr && month_run_write(mr, jo) < 0) {
		fprintf(stderr, "%s: %s: %s\n", prog, journal_path, strerror(errno));
		r = 1;
	} else if (jo && !mr && copy_into(jo, temps[T_INVOICE]) < 0) {
		fprintf(stderr, "%s: %s: %s\n", prog, temps[T_INVOICE], strerror(errno));
		r = 1;
	}
	for (i = 0; i < n && !r; i++) {
		struct out *o;
		char *path = join(outdir, names[i]), *src = join(work, names[i]);

		if (wpath_add(w, path, WP_NOFOLLOW, &o, &e) != 0 || wpath_open(w, &e) < 0) {
			terr_print(prog, &e);
			r = 1;
		} else if (copy_into(o, src) < 0 || out_commit(o) < 0) {
			fprintf(stderr, "%s: %s: %s\n", prog, path, strerror(errno));
			r = 1;
		}
		free(path);
		free(src);
	}
	if (r)
		wpath_abort(w);
	else if (wpath_commit(w, &e) < 0) {
		terr_print(prog, &e);
		r = 1;
	}
	for (i = 0; i < n; i++) {
		if (!r)
			printf("%s/%s\n", outdir, names[i]);
		free(names[i]);
	}
	free(names);
	return r;
}

/* tally-cancel > T1, then tally-bill T1 > T2: the filters one after the other. */
static int
stages(const char *journal, const char *imported, const char *policy, const char *policies)
{
	const char *args[12];
	int n = 1;

	if (policy)
		args[n++] = "--policy", args[n++] = policy;
	if (policies)
		args[n++] = "--policies", args[n++] = policies;
	args[n++] = journal;
	if (imported)
		args[n++] = imported;
	args[n] = NULL;
	if (run("cancel", args, temps[T_CANCEL]) != 0)
		return 1;
	args[1] = temps[T_CANCEL], args[2] = NULL;
	return run("bill", args, temps[T_BILL]);
}

int
main(int argc, char **argv)
{
	enum { O_RULES = 256, O_CSV, O_DIR, O_LANG, O_CONF, O_POLICY, O_POLICIES, O_VERSION };
	static const struct option opts[] = {
		{"period", required_argument, NULL, 'p'},
		{"file", required_argument, NULL, 'f'},
		{"rules", required_argument, NULL, O_RULES},
		{"csv", required_argument, NULL, O_CSV},
		{"output-dir", required_argument, NULL, O_DIR},
		{"output-format", required_argument, NULL, 'O'},
		{"lang", required_argument, NULL, O_LANG},
		{"conf", required_argument, NULL, O_CONF},
		{"policy", required_argument, NULL, O_POLICY},
		{"policies", required_argument, NULL, O_POLICIES},
		{"in-place", no_argument, NULL, 'i'},
		{"help", no_argument, NULL, 'h'},
		{"version", no_argument, NULL, O_VERSION},
		{NULL, 0, NULL, 0},
	};
	const char *period = NULL, *journal = NULL, *rules = NULL, *csv = NULL, *outdir = NULL;
	const char *format = NULL, *lang = NULL, *conf = NULL, *policy = NULL, *policies = NULL;
	const char *jbase;
	const char *args[32];
	char *jdir, *inputs[3], outbuf[PATH_MAX], confbuf[PATH_MAX];
	bool inplace = false;
	struct wpath *w;
	struct out *jo = NULL;
	struct terr e;
	struct stat st, st0;
	const char *priced, *confarg;
	struct month_run *mr = NULL;
	bool fused = false;
	sigset_t block;
	tdate pb, pe;
	int c, n, status;
	ssize_t len;

	opterr = 0;
	while ((c = getopt_long(argc, argv, ":p:f:O:ih", opts, NULL)) != -1) {
		switch (c) {
		case 'p': period = optarg; break;
		case 'f':
			if (journal) {
				fprintf(stderr, "%s: one journal only (-f given twice)\n", prog);
				return 2;
			}
			journal = optarg;
			break;
		case O_RULES: rules = optarg; break;
		case O_CSV: csv = optarg; break;
		case O_DIR: outdir = optarg; break;
		case 'O': format = optarg; break;
		case O_LANG: lang = optarg; break;
		case O_CONF: conf = optarg; break;
		case O_POLICY: policy = optarg; break;
		case O_POLICIES: policies = optarg; break;
		case 'i': inplace = true; break;
		case 'h': usage(stdout, 0); break;
		case O_VERSION: printf("%s %s\n", prog, TALLY_VERSION); return fshut_stdout(prog) < 0;
		case ':':
			fprintf(stderr, "%s: option needs a value: %s\n", prog, argv[optind - 1]);
			return 2;
		default:
			fprintf(stderr, "%s: unknown option: %s\n", prog, argv[optind - 1]);
			usage(stderr, 2);
		}
	}
	if (optind < argc) {
		fprintf(stderr, "%s: unexpected argument: %s\n", prog, argv[optind]);
		usage(stderr, 2);
	}
	if (!period) {
		fprintf(stderr, "%s: -p PERIOD is required\n", prog);
		return 2;
	}
	if (strchr(period, '/') || period_parse(period, &pb, &pe) < 0) {
		fprintf(stderr, "%s: bad period: %s\n", prog, period);
		return 2;
	}
	if (!rules != !csv) {
		fprintf(stderr, "%s: --rules and --csv go together\n", prog);
		return 2;
	}
	if (!journal && !((journal = getenv("LEDGER_FILE")) && *journal)) {
		fprintf(stderr, "%s: no journal: give -f JOURNAL or set LEDGER_FILE\n", prog);
		return 2;
	}
	if (access(journal, R_OK) != 0) {
		fprintf(stderr, "%s: %s: cannot read\n", prog, journal);
		return 1;
	}
	if (stat(journal, &st) != 0 || !S_ISREG(st.st_mode)) {
		fprintf(stderr, "%s: %s: not a regular file\n", prog, journal);
		return 1;
	}
	if (!outdir) {
		snprintf(outbuf, sizeof outbuf, "statements-%s", period);
		outdir = outbuf;
	}
	if ((len = readlink("/proc/self/exe", self, sizeof self - 1)) > 0) {
		self[len] = '\0';
		*strrchr(self, '/') = '\0';
	} else {
		self[0] = '\0';
	}

	journal_path = journal;
	/* The journal is locked (with -i) before any step reads it. */
	inputs[0] = (char *)journal;
	inputs[1] = (char *)(rules ? rules : journal);
	inputs[2] = (char *)(csv ? csv : journal);
	w = wpath_new(inputs, 3);
	if ((n = inplace ? wpath_add(w, journal, WP_EDIT, &jo, &e) : 0) != 0 ||
	    wpath_open(w, &e) < 0) {
		terr_print(prog, &e);
		wpath_abort(w);
		return n == WPATH_REFUSED ? 2 : 1;
	}
	set = w;
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	signal(SIGHUP, on_signal);
	atexit(cleanup);
	jdir = dir_of(journal);
	jbase = strrchr(journal, '/') ? strrchr(journal, '/') + 1 : journal;
	for (int i = 0; i < NTEMP; i++)
		if (!(temps[i] = temp_beside(jdir, jbase, "month"))) {
			fprintf(stderr, "%s: %s: cannot create a temporary file beside it: %s\n", prog,
				journal, strerror(errno));
			set = NULL;
			wpath_abort(w);
			free(jdir);
			return 1;
		}
	if (mkdir(outdir, 0777) != 0 && errno != EEXIST) {
		fprintf(stderr, "%s: %s: %s\n", prog, outdir, strerror(errno));
		set = NULL;
		wpath_abort(w);
		free(jdir);
		return 1;
	}
	{
		char *t = xmalloc(strlen(outdir) + 24);

		sprintf(t, "%s/.tally-month.XXXXXX", outdir);
		if (!mkdtemp(t)) {
			fprintf(stderr, "%s: %s: %s\n", prog, outdir, strerror(errno));
			free(t);
			set = NULL;
			wpath_abort(w);
			free(jdir);
			return 1;
		}
		work = t;
	}

	snprintf(confbuf, sizeof confbuf, "%s/tally.conf", jdir);
	confarg = conf ? conf : access(confbuf, R_OK) == 0 ? confbuf : NULL;
	status = 0;
	priced = temps[T_BILL];  /* what cancel and bill wrote: the invoice step's input */
	/* The bank rows the journal does not have yet, after a blank line when there are any. */
	if (rules) {
		int fd = open(temps[T_IMPORT], O_WRONLY | O_CLOEXEC);

		if (fd < 0 || write(fd, "\n", 1) != 1 || close(fd) != 0) {
			fprintf(stderr, "%s: %s: %s\n", prog, temps[T_IMPORT], strerror(errno));
			status = 1;
		}
		n = 1;
		args[n++] = "--rules", args[n++] = rules;
		args[n++] = "--journal", args[n++] = journal;
		args[n++] = csv, args[n] = NULL;
		if (!status)
			status = run("import", args, temps[T_IMPORT]);
		if (!status && stat(temps[T_IMPORT], &st) == 0 && st.st_size <= 1)
			rules = NULL;  /* nothing new */
	}
	if (!status) {
		char *files[] = {(char *)journal, temps[T_IMPORT]};

		if (stat(journal, &st0) != 0) {
			fprintf(stderr, "%s: %s: %s\n", prog, journal, strerror(errno));
			status = 1;
		} else {
			if (!rules)
				mr = month_run_new(&(struct month_opts){journal, temps[T_INVOICE],
						   period, work, format, lang, confarg});
			if ((n = price_once(files, rules ? 2 : 1, policy, policies, temps[T_BILL],
					    mr)) != 0) {
				status = n < 0;
				if (n == 2)
					priced = journal;
			} else {
				status = stages(journal, rules ? temps[T_IMPORT] : NULL, policy,
						policies);
			}
		}
	}
	/*
	 * The invoice step and the statements in this process (monthrun.c): from pricing's own
	 * reading when the journal was priced already, else from one reading of the priced copy.
	 */
	if (mr && (status || priced != journal)) {
		month_run_free(mr);  /* pricing's reading was not the invoice step's input */
		mr = NULL;
	}
	if (!status && !mr && !getenv("TALLY_MONTH_STAGES"))
		mr = month_run_new(&(struct month_opts){priced, temps[T_INVOICE], period, work,
				   format, lang, confarg});
	if (mr && (priced == journal || month_run_read(mr) == 0) && month_run_invoice(mr) == 0 &&
	    month_run_statements(mr) == 0) {
		fused = true;
	} else if (mr) {
		month_run_free(mr);
		mr = NULL;
		empty_work();  /* the commands write them again, or say what is wrong */
		if (truncate(temps[T_INVOICE], 0) != 0) {
			fprintf(stderr, "%s: %s: %s\n", prog, temps[T_INVOICE], strerror(errno));
			status = 1;
		}
	}
	if (!status && !fused) {
		args[1] = "-p", args[2] = period, args[3] = priced, args[4] = NULL;
		status = run_to("invoice", args, temps[T_INVOICE], priced == journal);
		/*
		 * It failed on the journal itself: again on the copy the filters would have
		 * written, so that it says what is wrong as the filters one after the other do.
		 */
		if (status && priced == journal) {
			status = copy_file(journal, temps[T_BILL]) < 0 ||
				 truncate(temps[T_INVOICE], 0) != 0;
			if (status)
				fprintf(stderr, "%s: %s: %s\n", prog, temps[T_BILL], strerror(errno));
			else
				status = run("invoice", (args[3] = temps[T_BILL], args), temps[T_INVOICE]);
			priced = temps[T_BILL];
		}
	}
	/* Read twice (priced, then invoiced): it must be the journal the pricing read. */
	if (!status && priced == journal && (stat(journal, &st) != 0 || st.st_dev != st0.st_dev ||
	    st.st_ino != st0.st_ino || st.st_size != st0.st_size ||
	    st.st_mtim.tv_sec != st0.st_mtim.tv_sec || st.st_mtim.tv_nsec != st0.st_mtim.tv_nsec)) {
		fprintf(stderr, "%s: %s: changed since it was read (by another program?): nothing "
			"written; run the command again\n", prog, journal);
		status = 1;
	}
	if (!status && !fused) {
		n = 1;
		args[n++] = "-p", args[n++] = period;
		args[n++] = "--all", args[n++] = "--output-dir", args[n++] = work;
		if (format)
			args[n++] = "-O", args[n++] = format;
		if (lang)
			args[n++] = "--lang", args[n++] = lang;
		if (confarg)
			args[n++] = "--conf", args[n++] = confarg;
		args[n++] = temps[T_INVOICE], args[n] = NULL;
		status = run("statement", args, NULL);
	}
	free(jdir);
	/* From here the set is committed or aborted whole: an interrupt waits until it is. */
	sigemptyset(&block);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGTERM);
	sigaddset(&block, SIGHUP);
	sigprocmask(SIG_BLOCK, &block, NULL);
	set = NULL;
	if (status)
		wpath_abort(w);
	else
		status = commit(w, jo, outdir, mr);
	month_run_free(mr);
	if (fshut_stdout(prog) < 0)
		status = 1;
	cleanup();
	for (int i = 0; i < NTEMP; i++)
		free(temps[i]);
	free(work);
	work = NULL;
	memset(temps, 0, sizeof temps);
	commodity_reset();  /* the one reading's commodities */
	return status;
}
