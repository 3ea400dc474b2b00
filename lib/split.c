/*
 * split.c: both cores for the reports that only sum. A large journal is cut at an entry
 * near its middle; a second thread reads from there with a reader of its own while the
 * caller's reader reads up to the cut. Balances are sums, and sums don't mind the order,
 * so at the cut the second half's balances are added to the first's.
 *
 * What does mind the order makes the halves fall back to one reader, read in order: a
 * directive in the first half that changes how later items read (include, alias, apply,
 * Y, D, commodity, decimal-mark, timeclock), or anything in the second half that needs
 * what came before (a balance assertion or assignment, an entry balanced only at its
 * display precision, a directive, an error: its line number is not known there), or a
 * cut that is not an item boundary for the in-order reader. Styles are learned per thread
 * and merged as the in-order reading would have learned them; an amount that a mark known
 * from the first half would read otherwise falls back too (amount.c notes it).
 *
 * A command may give the second half work of its own (journal_split_work): each item the
 * second thread reads goes to the command's observe with a part of state of its own, and
 * at the cut, when the halves are summed, the part is merged into the command's state (the
 * first half's, read in order by the caller). An observe or merge that fails (an overflow:
 * its line is not known there) falls back to the in-order reading as well.
 */
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "internal.h"

#define SPLIT_MIN ((long long)4 << 20)  /* smaller files: a thread costs more than it saves */
#define WINDOW 65536                    /* where to look for an entry after the middle */

struct comstyle {
	char *name;
	struct cstyle st;
};

struct split {
	pthread_t thread;
	struct journal *tail;   /* the second half's reader */
	atomic_bool cancel;     /* the first half found a reason to read in order */
	struct comstyle *coms;  /* the second half's commodities, by its ids */
	int ncoms;
	struct split_work work; /* the command's work on the second half, or all NULL */
	void *part;             /* its state for the second half */
	bool failed;            /* its observe failed: read in order */
};

static void split_free(struct split *sp);

/* TALLY_SPLIT_LOG=FILE: a line per split saying how it ended, for the tests. */
static void
note(const char *what)
{
	const char *log = getenv("TALLY_SPLIT_LOG");
	FILE *f;

	if (log && *log && (f = fopen(log, "a")) != NULL) {
		fprintf(f, "%s\n", what);
		fclose(f);
	}
}

static void *
run_tail(void *arg)
{
	struct split *sp = arg;
	struct journal *t = sp->tail;
	struct jitem *it;
	int r;

	amount_split_watch(true);
	while (!atomic_load_explicit(&sp->cancel, memory_order_relaxed) &&
	       (r = journal_next(t, &it)) != 0) {
		if (r < 0 || t->orderdep)
			break;
		if (sp->work.observe && sp->work.observe(sp->part, it) < 0) {
			sp->failed = true;
			break;
		}
	}
	/* Its commodity table is this thread's: hand names and styles over, then free it. */
	sp->ncoms = commodity_count();
	sp->coms = xcalloc((size_t)sp->ncoms, sizeof *sp->coms);
	for (int i = 0; i < sp->ncoms; i++) {
		sp->coms[i].name = xstrdup(commodity_name(i));
		sp->coms[i].st = *commodity_style(i);
	}
	commodity_reset();
	return NULL;
}

/* The offset of the first entry (a line opening with a digit) after the middle, or 0. */
static long long
find_cut(int fd, long long size)
{
	char *buf = xmalloc(WINDOW);
	long long mid = size / 2, cut = 0;
	ssize_t n = pread(fd, buf, WINDOW, (off_t)mid);

	for (ssize_t i = 0; i + 1 < n; i++) {
		if (buf[i] == '\n' && buf[i + 1] >= '0' && buf[i + 1] <= '9') {
			cut = mid + i + 1;
			break;
		}
	}
	free(buf);
	return cut;
}

bool
journal_split(struct journal *j)
{
	return journal_split_work(j, NULL);
}

bool
journal_split_work(struct journal *j, const struct split_work *w)
{
	const char *mode = getenv("TALLY_SPLIT");
	bool always = mode && strcmp(mode, "always") == 0;
	const char *path;
	struct stat st;
	struct split *sp;
	long long cut;
	size_t n;
	int fd;

	if ((mode && strcmp(mode, "never") == 0) || j->nfiles != 1 || j->split)
		return false;
	path = j->files[0];
	n = strlen(path);
	if (strcmp(path, "-") == 0 || (n > 8 && strcmp(path + n - 8, ".timedot") == 0))
		return false;
	if (!always && sysconf(_SC_NPROCESSORS_ONLN) < 2)
		return false;
	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)) < 0)
		return false;
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || (!always && st.st_size < SPLIT_MIN)) {
		close(fd);
		return false;
	}
	cut = find_cut(fd, (long long)st.st_size);
	close(fd);
	if (cut <= 0)
		return false;
	sp = xcalloc(1, sizeof *sp);
	sp->tail = journal_open(&path, 1, j->flags | JOURNAL_SPLIT_TAIL);
	sp->tail->split_from = cut;
	atomic_init(&sp->cancel, false);
	if (w) {
		sp->work = *w;
		sp->part = w->part_new(w->arg);
	}
	if (pthread_create(&sp->thread, NULL, run_tail, sp) != 0) {
		split_free(sp);
		return false;
	}
	j->split = sp;
	j->split_at = cut;
	return true;
}

/* The second half's commodity i in this thread's table; whether its reading stands. */
static bool
style_stands(const struct comstyle *c, int *id)
{
	int before = commodity_count();
	const struct cstyle *s1;

	*id = c->name[0] ? commodity_intern(c->name, strlen(c->name)) : 0;
	if (*id >= before)
		return true;  /* new here: the second half read it as the in-order reader would */
	s1 = commodity_style(*id);
	if (!s1->mark_known)
		return true;
	return s1->decimal == ',' ? !c->st.not_comma : !c->st.not_dot;
}

/* Styles as the in-order reading learns them: the first half's first, then the second's. */
static void
merge_style(struct cstyle *s1, const struct cstyle *s2)
{
	if (!s2->learned)
		return;
	if (!s1->prec && !s1->mark_known && !s1->group) {  /* still learning its placement */
		s1->left = s2->left;
		s1->space = s2->space;
	}
	if (s2->prec > s1->prec)
		s1->prec = s2->prec;
	if (!s1->mark_known && s2->mark_known) {
		s1->decimal = s2->decimal;
		s1->mark_known = true;
	}
	if (!s1->group)
		s1->group = s2->group;
	s1->learned = true;
}

/* Adds every balance of `from` (commodities mapped by map) into `to`; -1 on overflow. */
static int
add_table(struct accounts *to, struct accounts *from, const int *map)
{
	for (size_t i = 0; i < accounts_count(from); i++) {
		struct account *a = accounts_at(from, i);
		struct account *b = accounts_get(to, a->name, a->len);

		for (size_t k = 0; k < a->nbal; k++) {
			struct amount x = a->bal[k].sum;

			x.com = map ? map[a->bal[k].com] : a->bal[k].com;
			if (account_add(b, &x) < 0)
				return -1;
		}
	}
	return 0;
}

static void
split_free(struct split *sp)
{
	if (sp->part)
		sp->work.part_free(sp->part);
	for (int i = 0; i < sp->ncoms; i++)
		free(sp->coms[i].name);
	free(sp->coms);
	journal_close(sp->tail);
	free(sp);
}

int
split_join(struct journal *j)
{
	struct split *sp = j->split;
	struct journal *t = sp->tail;
	struct src *top = &j->stack[0];
	bool ok = !j->orderdep && top->base + (long long)top->start == j->split_at;
	int *map = NULL;
	struct accounts *sum = NULL;

	j->split = NULL;
	if (!ok)
		atomic_store(&sp->cancel, true);
	pthread_join(sp->thread, NULL);
	ok = ok && !sp->failed && !t->orderdep && t->nerrors == 0 && !t->stopped &&
	     t->nsrc == 0 && t->run;
	if (ok) {
		map = xcalloc((size_t)sp->ncoms, sizeof *map);
		for (int i = 0; i < sp->ncoms && ok; i++)
			ok = style_stands(&sp->coms[i], &map[i]);
	}
	if (ok) {
		sum = accounts_new();
		ok = add_table(sum, j->run, NULL) == 0 && add_table(sum, t->run, map) == 0;
	}
	/* the command's part last: a merge that fails has changed nothing */
	if (ok && sp->work.merge)
		ok = sp->work.merge(sp->work.arg, sp->part, map) == 0;
	if (ok) {
		for (int i = 0; i < sp->ncoms; i++)
			merge_style(commodity_style(map[i]), &sp->coms[i].st);
		accounts_free(j->run);
		j->run = sum;
	} else if (sum) {
		accounts_free(sum);
	}
	free(map);
	split_free(sp);
	note(ok ? "summed" : "in order");
	return ok;
}

/* journal_close with a thread still running: the first half ended before the cut. */
void
split_abandon(struct journal *j)
{
	if (!j->split)
		return;
	atomic_store(&j->split->cancel, true);
	pthread_join(j->split->thread, NULL);
	note("abandoned");
	split_free(j->split);
	j->split = NULL;
}
