/*
 * fuzz_rules.c: libFuzzer target for the CSV rules parser. Rules that load are applied to a
 * few fixed bank records, so that field references, templates, if blocks and amount rules
 * run too.
 */
#include <string.h>

#include "fuzz_common.h"
#include "tally.h"

static const char csv_text[] =
	"Date,Description,Amount,Balance,Note\n"
	"2026-11-03,TRANSFER ANA GARCIA,\"1.234,50\",\"2.000,00\",ref 1\n"
	"03/11/2026,Card payment (a+)+ aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa!,(40.00),-5,\n"
	"2026-13-45,,,,\n"
	"x\n";

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char path[64], cpath[64], buf[AMOUNT_BUF];
	struct terr e = {0};
	struct rules *rules;
	struct csvin *c;
	struct csvrec rec;
	struct rtxn t;
	int fd = fuzz_file(data, size, path, sizeof path), cfd, r;

	rules = rules_load(path, &e);
	if (!rules) {
		if (!e.msg[0])
			abort();
		close(fd);
		commodity_reset();
		return 0;
	}
	cfd = fuzz_file((const uint8_t *)csv_text, sizeof csv_text - 1, cpath, sizeof cpath);
	c = csvin_open(cpath, rules_separator(rules, "bank.csv"), rules_encoding(rules), &e);
	if (!c)
		abort();
	for (long skip = rules_skip(rules); (r = csvin_next(c, &rec, &e)) > 0;) {
		if (skip > 0) {
			skip--;
			continue;
		}
		e.msg[0] = 0;
		r = rules_apply(rules, &rec, &t, &e);
		if (r < 0 && !e.msg[0])
			abort();
		if (r == RULES_ROW)
			for (size_t i = 0; i < t.np; i++) {
				if (t.p[i].has_amt)
					ramount_format(buf, sizeof buf, &t.p[i].amt);
				if (t.p[i].has_bal)
					ramount_format(buf, sizeof buf, &t.p[i].bal);
			}
		if (r == RULES_END)
			break;
	}
	csvin_close(c);
	close(cfd);
	rules_free(rules);
	close(fd);
	commodity_reset();
	return 0;
}
