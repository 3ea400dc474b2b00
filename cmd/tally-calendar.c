/*
 * tally-calendar: iCalendar exports to session events. Each instance of an event that a
 * rule gives a client becomes `session: held` (or `session: cancelled` with cancelled-at:),
 * tagged with its calendar identity (uid:), so that a second import of the same or an
 * overlapping export adds nothing, and a session already written by hand is not doubled.
 * Events in the future wait unless --upcoming; events no rule names are listed on stderr.
 * Every file is read before anything is written: a bad one stops the run with no output.
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "tally.h"

static const char *prog = "tally-calendar";
static bool upcoming;

static void
usage(FILE *f, int status)
{
	fprintf(f, "usage: %s --rules FILE [--journal FILE]... [--date DATE] [--until DATE]\n"
		   "       [--upcoming] [--timezone TZID] [ICS]...\n", prog);
	exit(status);
}

/* Calendar text as an entry's description: plain text to every journal reader. */
static void
clean_text(const char *s, char *buf, size_t size)
{
	size_t n = s ? strlen(s) : 0;

	if (n > 200) {  /* a description, not a document: cut at a character's start */
		n = 200;
		while (n > 0 && ((unsigned char)s[n] & 0xc0) == 0x80)
			n--;
	}
	if (JTEXT_SIZE(n) > size || journal_text_safe(buf, s ? s : "", n, JTEXT_DESC) == 0)
		snprintf(buf, size, "Calendar event");
}

static void
write_inst(struct out *o, const struct ical_inst *v, const char *client, bool future,
	   bool *first)
{
	char day[11], desc[JTEXT_SIZE(200)];
	int y, m, d;

	date_format(day, v->date);
	clean_text(v->summary, desc, sizeof desc);
	out_printf(o, "%s%s %s\n    ; client: %s\n", *first ? "" : "\n", day, desc, client);
	*first = false;
	if (future)
		out_puts(o, "    ; upcoming: yes\n");
	else if (v->cancelled)
		out_puts(o, "    ; session: cancelled\n");
	else
		out_puts(o, "    ; session: held\n");
	out_printf(o, "    ; time: %02d:%02d\n    ; minutes: %ld\n", v->time / 60, v->time % 60,
		   v->minutes);
	if (v->cancelled && !future && v->cancelled_at >= 0) {
		date_to_ymd((tdate)(v->cancelled_at / 1440), &y, &m, &d);
		out_printf(o, "    ; cancelled-at: %04d-%02d-%02d %02d:%02d\n", y, m, d,
			   (int)(v->cancelled_at % 1440 / 60), (int)(v->cancelled_at % 60));
	}
	out_printf(o, "    ; uid: %s\n", v->uid);
}

/* "Now" in minutes since 1970, local: --date DATE [HH:MM], else the clock. */
static long long
parse_now(const char *s)
{
	const char *why;
	tdate d;
	long n;

	if (!s) {
		time_t t = time(NULL);
		struct tm tm;

		localtime_r(&t, &tm);
		return (long long)date_from_ymd(tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday) * 1440 +
		       tm.tm_hour * 60 + tm.tm_min;
	}
	if (strlen(s) > 10)
		return stamp_parse(s, strlen(s));
	if ((n = date_parse(s, strlen(s), 0, &d, &why)) < 0 || (size_t)n != strlen(s))
		return -1;
	return (long long)d * 1440;
}

/* The journals given: what they already hold. */
static int
load_journals(char **files, size_t n, struct reconcile *known)
{
	struct journal *j = journal_open((const char *const *)files, n, JOURNAL_NO_BALANCE);
	struct jitem *it;
	int r, status = 0;

	while ((r = journal_next(j, &it)) != 0) {
		if (r < 0) {
			terr_print(prog, journal_error(j));
			status = 1;
			continue;
		}
		reconcile_observe(known, it);
	}
	journal_close(j);
	return status;
}

/* An instance to write. */
struct pick {
	const struct ical_inst *v;
	const char *client;   /* owned by the rules */
	bool future;
};

/* The new instances, in date order; lists on stderr the events no rule names. */
static int
pick_new(struct ical *cal, struct calrules *rules, struct reconcile *known, long long now,
	 struct pick **out, size_t *n, struct terr *e)
{
	struct strmap *listed = strmap_new();  /* events named on stderr: once each */

	for (size_t i = 0; i < ical_count(cal); i++) {
		const struct ical_inst *v = ical_at(cal, i);
		bool future = (long long)v->date * 1440 + v->time + v->minutes > now;
		const char *client = NULL;
		struct reconcile_rec had;
		char day[11];
		int m;

		if (future && (!upcoming || v->cancelled))
			continue;  /* a cancelled plan is no plan */
		if ((m = calrules_match(rules, v, &client, e)) == -2) {
			strmap_free(listed, NULL);
			return -1;
		}
		if (m < 0)
			continue;
		if (m == 0) {
			char key[4200], desc[JTEXT_SIZE(200)];
			bool added;
			int kn = snprintf(key, sizeof key, "%ld:%s", v->line, v->file);

			if (kn < 0 || (size_t)kn >= sizeof key)
				kn = (int)strnlen(key, sizeof key - 1);
			strmap_add(listed, key, (size_t)kn, &added);
			if (added) {
				clean_text(v->summary, desc, sizeof desc);
				fprintf(stderr, "%s: %s:%ld: no rule names a client for \"%s\" "
					"(not imported)\n", prog, v->file, v->line, desc);
			}
			continue;
		}
		if (reconcile_take(known, v, client, future, &had)) {
			if (v->cancelled && had.kind == SESSION_HELD) {
				/* Never changed here: the journal is the record; say so. */
				date_format(day, v->date);
				fprintf(stderr, "%s: %s:%ld: %s is cancelled in the calendar but held "
					"in the journal (%s:%ld)\n", prog, v->file, v->line, day,
					had.file, had.line);
			}
			continue;
		}
		reconcile_add(known, v, client, future);
		*out = xrealloc(*out, (*n + 1) * sizeof **out);
		(*out)[(*n)++] = (struct pick){v, client, future};
	}
	strmap_free(listed, NULL);
	return 0;
}

/* Copies the journal edited in place, then a blank line before what is added. */
static int
copy_journal(struct out *o, const char *path, bool more, struct terr *e)
{
	FILE *f = fopen(path, "rb");
	char chunk[1 << 14], last[2] = {'\n', '\n'};
	size_t got;

	if (!f) {
		terr_set(e, path, 0, "cannot read");
		return -1;
	}
	while ((got = fread(chunk, 1, sizeof chunk, f)) > 0) {
		out_write(o, chunk, got);
		last[0] = got >= 2 ? chunk[got - 2] : last[1];
		last[1] = chunk[got - 1];
	}
	fclose(f);
	if (more && last[1] != '\n')
		out_puts(o, "\n\n");
	else if (more && last[0] != '\n')
		out_puts(o, "\n");
	return 0;
}

int
main(int argc, char **argv)
{
	static const struct option opts[] = {
		{"rules", required_argument, NULL, 'r'},
		{"journal", required_argument, NULL, 'j'},
		{"file", required_argument, NULL, 'j'},
		{"in-place", required_argument, NULL, 'i'},
		{"date", required_argument, NULL, 'd'},
		{"until", required_argument, NULL, 'u'},
		{"upcoming", no_argument, NULL, 'U'},
		{"timezone", required_argument, NULL, 'z'},
		{"report", no_argument, NULL, 'R'},
		{"help", no_argument, NULL, 'h'},
		{"version", no_argument, NULL, 'V'},
		{NULL, 0, NULL, 0},
	};
	char **jfiles = xcalloc((size_t)argc + 2, sizeof *jfiles);
	size_t nj = 0, npick = 0;
	const char *rulesfile = NULL, *datearg = NULL, *inplace = NULL, *why;
	struct ical_opts io = {DATE_NONE, DATE_NONE, NULL};
	struct calrules *rules = NULL;
	struct reconcile *known = reconcile_new();
	struct ical *cal = ical_new();
	struct pick *picks = NULL;
	struct wpath *w = NULL;
	struct out *o;
	struct terr e = {0};
	long long now;
	bool report = false, first = true;
	int c, status = 0;

	while ((c = getopt_long(argc, argv, "f:i:h", opts, NULL)) != -1) {
		switch (c) {
		case 'r': rulesfile = optarg; break;
		case 'j':
		case 'f': jfiles[nj++] = optarg; break;
		case 'i': inplace = optarg; break;
		case 'd': datearg = optarg; break;
		case 'u':
			if (date_parse(optarg, strlen(optarg), 0, &io.until, &why) !=
			    (long)strlen(optarg)) {
				fprintf(stderr, "%s: bad --until date: %s\n", prog, optarg);
				goto usage_error;
			}
			break;
		case 'U': upcoming = true; break;
		case 'z': io.zone = optarg; break;
		case 'R': report = true; break;
		case 'h': usage(stdout, 0); break;
		case 'V':
			printf("%s %s\n", prog, TALLY_VERSION);
			goto done;
		default: goto usage_error;
		}
	}
	if ((now = parse_now(datearg)) < 0) {
		fprintf(stderr, "%s: bad --date: %s (YYYY-MM-DD or \"YYYY-MM-DD HH:MM\")\n", prog,
			datearg);
		goto usage_error;
	}
	if (!rulesfile) {
		fprintf(stderr, "%s: --rules FILE is required\n", prog);
		goto usage_error;
	}
	if (!upcoming)
		io.stop = (tdate)(now / 1440);
	if (inplace) {  /* -i FILE is read as a --journal too, once */
		size_t k;

		for (k = 0; k < nj && strcmp(jfiles[k], inplace) != 0; k++)
			;
		if (k == nj)
			jfiles[nj++] = (char *)inplace;
	}
	/* The journal is locked before it is read; an output that is a calendar is refused. */
	w = wpath_new(argv + optind, (size_t)(argc - optind));
	if ((c = wpath_add(w, inplace, WP_EDIT, &o, &e)) != 0 || wpath_open(w, &e) < 0) {
		terr_print(prog, &e);
		status = c == WPATH_REFUSED ? 2 : 1;
		goto done;
	}
	for (size_t k = 0; k < nj; k++)
		if (journal_append_check(jfiles[k], &e) < 0) {
			terr_print(prog, &e);
			status = 1;
			goto done;
		}
	if (!(rules = calrules_load(rulesfile, &e))) {
		terr_print(prog, &e);
		status = 1;
		goto done;
	}
	if (nj && load_journals(jfiles, nj, known) != 0) {
		status = 1;
		goto done;
	}
	for (int k = optind; k < argc || (k == optind && optind == argc); k++) {
		if (ical_read(cal, k < argc ? argv[k] : "-", &io, &e) < 0) {
			terr_print(prog, &e);
			status = 1;
			goto done;
		}
	}
	ical_sort(cal);
	if (pick_new(cal, rules, known, now, &picks, &npick, &e) < 0 ||
	    (inplace && copy_journal(o, inplace, npick > 0, &e) < 0)) {
		terr_print(prog, &e);
		status = 1;
		goto done;
	}
	for (size_t i = 0; i < npick; i++)
		write_inst(o, picks[i].v, picks[i].client, picks[i].future, &first);
	if (wpath_commit(w, &e) < 0) {
		terr_print(prog, &e);
		status = 1;
	}
	w = NULL;
	if (report && status == 0)
		fprintf(stderr, "%s: %ld instances read, %ld written\n", prog,
			(long)ical_count(cal), (long)npick);
done:
	if (w)
		wpath_abort(w);
	free(picks);
	calrules_free(rules);
	reconcile_free(known);
	ical_free(cal);
	free(jfiles);
	if (fshut_stdout(prog) < 0)
		status = 1;
	commodity_reset();
	return status;
usage_error:
	calrules_free(rules);
	reconcile_free(known);
	ical_free(cal);
	free(jfiles);
	usage(stderr, 2);
	return 2;
}
