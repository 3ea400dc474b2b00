/*
 * fuzz_ical.c: libFuzzer target for the calendar readers. The input is read as an iCalendar
 * file (lib/ical.c through libical: recurrences, time zones, overrides; --until set so that
 * endless rules expand) whose instances are matched against fixed rules, and as a calendar
 * rules file (lib/calrules.c) matched against a fixed instance.
 */
#include <string.h>

#include "fuzz_common.h"
#include "tally.h"

static const char rules_text[] =
	"client someone\n"
	"if lesson|(a+)+b\n"
	"%attendee @example\\.org$\n"
	"  client ana\n"
	"if %location ^room\n"
	"  skip\n";

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char path[64], rpath[64];
	struct terr e = {0};
	struct ical_opts io = {date_from_ymd(2026, 12, 31), DATE_NONE, NULL};
	struct ical *cal = ical_new();
	struct calrules *r;
	int fd = fuzz_file(data, size, path, sizeof path), rfd;
	char *att[] = {"ana@example.org"};
	struct ical_inst one = {"u/2026-01-01", 0, 600, 60, false, -1, "Lesson", NULL, "room 1",
				att, 1, "x", 1};
	const char *client;

	rfd = fuzz_file((const uint8_t *)rules_text, sizeof rules_text - 1, rpath, sizeof rpath);
	if (!(r = calrules_load(rpath, &e)))
		abort();
	if (ical_read(cal, path, &io, &e) < 0) {
		if (!e.msg[0] || ical_count(cal) != 0)
			abort();
	} else {
		ical_sort(cal);
		for (size_t i = 0; i < ical_count(cal); i++) {
			const struct ical_inst *v = ical_at(cal, i);

			if (v->time < 0 || v->time >= 1440 || v->minutes <= 0 || !v->uid)
				abort();
			calrules_match(r, v, &client, &e);
		}
	}
	calrules_free(r);
	e.msg[0] = 0;
	if ((r = calrules_load(path, &e))) {
		calrules_match(r, &one, &client, &e);
		calrules_free(r);
	} else if (!e.msg[0]) {
		abort();
	}
	ical_free(cal);
	close(rfd);
	close(fd);
	return 0;
}
