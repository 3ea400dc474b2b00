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

/*
 * Calendar text made safe for an entry's description: a line of its own that no journal
 * reader takes for structure (no ';' comment, no line breaks or tabs, no `key:` tag, no
 * leading status mark or code). Blanks collapse; the result is at most ~200 bytes.
 */
static void
clean_text(const char *s, char *buf, size_t size)
{
	size_t n = 0;
	bool space = false;

	for (; s && *s && n + 4 < size && n < 200; s++) {
		unsigned char c = (unsigned char)*s;

		if (c < ' ' || c == 0x7f || c == ';') {
			space = n > 0;
			continue;
		}
		if (c == ' ') {
			space = n > 0;
			continue;
		}
		if (space) {
			buf[n++] = ' ';
			space = false;
		}
		if (n == 0 && (c == '*' || c == '!'))
			continue;
		if (n == 0 && c == '(')
			c = '[';
		if (c == ':' && n > 0 && buf[n - 1] != ' ') {
			/* "key:" would read as a tag: "Lesson: Ana" -> "Lesson - Ana", 16:00 -> 16.00 */
			if (s[1] == ' ' || s[1] == 0) {
				buf[n++] = ' ';
				buf[n++] = '-';
			} else
				buf[n++] = '.';
			continue;
		}
		buf[n++] = (char)c;
	}
	/* Never end inside a UTF-8 sequence cut short. */
	while (n > 0 && ((unsigned char)buf[n - 1] & 0xc0) == 0x80) {
		size_t k = n;

		while (k > 0 && ((unsigned char)buf[k - 1] & 0xc0) == 0x80)
			k--;
		if (k > 0) {
			unsigned char lead = (unsigned char)buf[k - 1];
			size_t want = lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : lead >= 0xc0 ? 2 : 1;

			if (n - (k - 1) >= want)
				break;
			n = k - 1;
		} else
			n = 0;
	}
	buf[n] = 0;
	if (n == 0)
		snprintf(buf, size, "Calendar event");
}

static void
write_inst(struct out *o, const struct ical_inst *v, const char *client, bool future,
	   bool *first)
{
	char day[11], desc[256];
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

/* Writes the new instances; lists on stderr the events no rule names. */
static int
emit(struct ical *cal, struct calrules *rules, struct reconcile *known, long long now,
     struct out *o, long *written, struct terr *e)
{
	bool first = true;
	const char *lastfile = NULL;
	long lastline = 0;

	for (size_t i = 0; i < ical_count(cal); i++) {
		const struct ical_inst *v = ical_at(cal, i);
		long long startm = (long long)v->date * 1440 + v->time;
		bool future = startm + v->minutes > now;
		const char *client = NULL;
		char desc[256];
		int m;

		if (future && !upcoming)
			continue;
		if ((m = calrules_match(rules, v, &client, e)) == -2)
			return -1;
		if (m < 0)
			continue;
		if (m == 0) {
			if (v->file != lastfile || v->line != lastline) {
				clean_text(v->summary, desc, sizeof desc);
				fprintf(stderr, "%s: %s:%ld: no rule names a client for \"%s\" "
					"(not imported)\n", prog, v->file, v->line, desc);
			}
			lastfile = v->file;
			lastline = v->line;
			continue;
		}
		if (reconcile_take(known, v, client, future))
			continue;
		write_inst(o, v, client, future, &first);
		reconcile_add(known, v, client, future);
		(*written)++;
	}
	return 0;
}

int
main(int argc, char **argv)
{
	static const struct option opts[] = {
		{"rules", required_argument, NULL, 'r'},
		{"journal", required_argument, NULL, 'j'},
		{"file", required_argument, NULL, 'j'},
		{"date", required_argument, NULL, 'd'},
		{"until", required_argument, NULL, 'u'},
		{"upcoming", no_argument, NULL, 'U'},
		{"timezone", required_argument, NULL, 'z'},
		{"report", no_argument, NULL, 'R'},
		{"help", no_argument, NULL, 'h'},
		{"version", no_argument, NULL, 'V'},
		{NULL, 0, NULL, 0},
	};
	char **jfiles = xcalloc((size_t)argc + 1, sizeof *jfiles);
	size_t nj = 0;
	const char *rulesfile = NULL, *datearg = NULL, *why;
	struct ical_opts io = {DATE_NONE, DATE_NONE, NULL};
	struct calrules *rules = NULL;
	struct reconcile *known = reconcile_new();
	struct ical *cal = ical_new();
	struct out *o;
	struct terr e = {0};
	long long now;
	long written = 0;
	bool report = false;
	int c, status = 0;

	while ((c = getopt_long(argc, argv, "f:h", opts, NULL)) != -1) {
		switch (c) {
		case 'r': rulesfile = optarg; break;
		case 'j':
		case 'f': jfiles[nj++] = optarg; break;
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
	o = out_open(stdout);
	if (emit(cal, rules, known, now, o, &written, &e) < 0) {
		terr_print(prog, &e);
		out_abort(o);
		status = 1;
	} else if (out_commit(o) < 0) {
		fprintf(stderr, "%s: cannot write the output\n", prog);
		status = 1;
	}
	if (report && status == 0)
		fprintf(stderr, "%s: %ld instances read, %ld written\n", prog,
			(long)ical_count(cal), written);
done:
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
