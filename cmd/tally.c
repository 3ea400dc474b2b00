/*
 * tally: the front door. `tally COMMAND ARGS` runs tally-COMMAND with ARGS, looked up first
 * in the directory the tally binary is in (so a build tree or an install prefix is
 * self-contained), then on PATH, as git does. `tally help` lists the commands found,
 * `tally help COMMAND` opens the command's manual page.
 */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tally.h"

static const char *prog = "tally";

/* One line per command, for `tally help`; commands found but not named here are listed too. */
static const struct {
	const char *name, *line;
} known[] = {
	{"agreement", "the client agreement to sign, from the client's terms and policy"},
	{"aging", "open invoices by client and days past due; --remind writes reminders"},
	{"balance", "balances per account, the figures of ledger bal and hledger bal"},
	{"bill", "price held sessions: package credit first, else the client's rate"},
	{"calendar", "calendar (.ics) events to session events, with rules naming clients"},
	{"cancel", "apply the cancellation policy to cancellations and no-shows"},
	{"check", "validate a journal: balances, assertions, tags, clients"},
	{"close", "the year end: the new file's opening entries, nothing billed twice"},
	{"import", "bank CSV to journal entries with an hledger rules file"},
	{"invoice", "invoice a period's unbilled amounts per client; --show renders one"},
	{"month", "the month-end run: import, cancel, bill, invoice, statements"},
	{"print", "parse a journal and write it back unchanged; --check validates"},
	{"report", "practice reports: --income per client and month"},
	{"sessions", "sessions per client: held, cancelled, signed, package left"},
	{"signoff", "a client's sign-off sheet; --record adds signed: tags from a signed list"},
	{"statement", "a client's month-end statement (txt, md, html; en, es)"},
};

static void
usage(FILE *f, int status)
{
	fprintf(f, "usage: tally COMMAND [ARGS]...\n"
		   "       tally help [COMMAND]\n"
		   "       tally --sharedir\n"
		   "       tally --version\n");
	exit(status);
}

/* The directory of the running binary, or "" when it cannot be told. */
static void
self_dir(char *buf, size_t size, const char *argv0)
{
	ssize_t n = readlink("/proc/self/exe", buf, size - 1);
	char *slash;

	if (n > 0) {
		buf[n] = '\0';
	} else if (strchr(argv0, '/') && strlen(argv0) < size) {
		snprintf(buf, size, "%s", argv0);
	} else {
		buf[0] = '\0';
		return;
	}
	if ((slash = strrchr(buf, '/')) != NULL)
		*slash = '\0';
}

static bool
executable(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISREG(st.st_mode) && access(path, X_OK) == 0;
}

/* Command names found in dir (tally-NAME executables), added to *names once each. */
static void
scan(const char *dir, char ***names, size_t *n)
{
	DIR *d = opendir(*dir ? dir : ".");
	struct dirent *de;
	char path[PATH_MAX];
	size_t i;

	if (!d)
		return;
	while ((de = readdir(d)) != NULL) {
		const char *name = de->d_name + 6;

		if (strncmp(de->d_name, "tally-", 6) != 0 || !*name || strchr(name, '.'))
			continue;
		snprintf(path, sizeof path, "%s/%s", *dir ? dir : ".", de->d_name);
		if (!executable(path))
			continue;
		for (i = 0; i < *n && strcmp((*names)[i], name) != 0; i++)
			;
		if (i < *n)
			continue;
		*names = xrealloc(*names, (*n + 1) * sizeof **names);
		(*names)[(*n)++] = xstrdup(name);
	}
	closedir(d);
}

static int
by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int
list(const char *self)
{
	char **names = NULL, *path = xstrdup(getenv("PATH") ? getenv("PATH") : ""), *dir, *save;
	size_t n = 0;

	scan(self, &names, &n);
	for (dir = strtok_r(path, ":", &save); dir; dir = strtok_r(NULL, ":", &save))
		scan(dir, &names, &n);
	free(path);
	if (n)
		qsort(names, n, sizeof *names, by_name);
	printf("usage: tally COMMAND [ARGS]...   (tally help COMMAND: its manual)\n\n"
	       "commands:\n");
	for (size_t i = 0; i < n; i++) {
		const char *line = "";

		for (size_t k = 0; k < sizeof known / sizeof *known; k++)
			if (strcmp(known[k].name, names[i]) == 0)
				line = known[k].line;
		printf("  %-11s %s\n", names[i], line);
		free(names[i]);
	}
	free(names);
	return fshut_stdout(prog) < 0 ? 1 : 0;
}

/* A command name runs a file: no path separators, no leading dash. */
static bool
valid_name(const char *s)
{
	return *s && *s != '-' && !strchr(s, '/') && strlen(s) < NAME_MAX - 8;
}

/* man tally-COMMAND; in a build tree, the page beside the binary's ../docs. */
static int
manual(const char *self, const char *cmd)
{
	char page[PATH_MAX + NAME_MAX + 16], name[NAME_MAX];

	if (!valid_name(cmd)) {
		fprintf(stderr, "%s: bad command name: %s\n", prog, cmd);
		return 2;
	}
	snprintf(name, sizeof name, strcmp(cmd, "tally") == 0 ? "%s" : "tally-%s", cmd);
	snprintf(page, sizeof page, "%s/../docs/%s.1", self, name);
	if (*self && access(page, R_OK) == 0)
		execlp("man", "man", "-l", page, (char *)NULL);
	else
		execlp("man", "man", name, (char *)NULL);
	fprintf(stderr, "%s: cannot run man: %s\n", prog, strerror(errno));
	return 1;
}

int
main(int argc, char **argv)
{
	char self[PATH_MAX], path[PATH_MAX + NAME_MAX], name[NAME_MAX];

	self_dir(self, sizeof self, argv[0]);
	if (argc < 2)
		usage(stderr, 2);
	if (strcmp(argv[1], "--version") == 0) {
		printf("%s %s\n", prog, TALLY_VERSION);
		return fshut_stdout(prog) < 0 ? 1 : 0;
	}
	/* Where the examples, policies, rules and templates are: a guide's `cp` needs it. */
	if (strcmp(argv[1], "--sharedir") == 0 && argc == 2) {
		char *dir = policy_sharedir("policies"), real[PATH_MAX];

		*strrchr(dir, '/') = '\0';  /* the directory that holds policies/ */
		printf("%s\n", realpath(dir, real) ? real : dir);
		free(dir);
		return fshut_stdout(prog) < 0 ? 1 : 0;
	}
	if (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0 ||
	    (strcmp(argv[1], "help") == 0 && argc == 2))
		return list(self);
	if (strcmp(argv[1], "help") == 0) {
		if (argc > 3)
			usage(stderr, 2);
		return manual(self, argv[2]);
	}
	if (!valid_name(argv[1])) {
		fprintf(stderr, "%s: unknown option: %s\n", prog, argv[1]);
		usage(stderr, 2);
	}
	snprintf(name, sizeof name, "tally-%s", argv[1]);
	argv[1] = name;
	snprintf(path, sizeof path, "%s/%s", self, name);
	if (*self && executable(path))
		execv(path, argv + 1);
	else
		execvp(name, argv + 1);
	if (errno == ENOENT) {
		fprintf(stderr, "%s: unknown command: %s (tally help lists them)\n", prog,
			name + 6);
		return 2;
	}
	fprintf(stderr, "%s: cannot run %s: %s\n", prog, name, strerror(errno));
	return 1;
}
