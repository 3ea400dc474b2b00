/*
 * fuzz_csvin.c: libFuzzer target for the bank CSV reader and the conversion of its records
 * by a fixed rules file (the import path): every record either converts or is refused with
 * a position. The input's length picks the separator and the encoding.
 */
#include <string.h>

#include "fuzz_common.h"
#include "tally.h"

static struct rules *rules;

static const char rules_text[] =
	"fields date, description, amount, balance, note\n"
	"date-format %Y-%m-%d\n"
	"currency EUR\n"
	"account1 Assets:Bank\n"
	"if ana|(a+)+$\n"
	"  account2 Assets:Receivable:ana\n"
	"  comment client: ana\n"
	"if %note ^skip\n"
	"  skip\n";

static void
load_rules(void)
{
	char path[64];
	struct terr e = {0};
	int fd = fuzz_file((const uint8_t *)rules_text, sizeof rules_text - 1, path, sizeof path);

	if (!(rules = rules_load(path, &e))) {
		fprintf(stderr, "fuzz_csvin: the fixed rules do not load: %s\n", e.msg);
		abort();
	}
	close(fd);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const int seps[] = {0, ';', '\t', '|'};
	char path[64], buf[AMOUNT_BUF];
	struct terr e = {0};
	struct csvin *c;
	struct csvrec rec;
	struct rtxn t;
	int fd, r;

	if (!rules)
		load_rules();
	fd = fuzz_file(data, size, path, sizeof path);
	c = csvin_open(path, seps[size & 3], (size >> 2) & 1 ? CSVIN_LATIN1 : CSVIN_UTF8, &e);
	if (!c)
		abort();  /* a memfd always opens */
	while ((r = csvin_next(c, &rec, &e)) > 0) {
		volatile unsigned char sink = 0;

		for (size_t i = 0; i < rec.nf; i++)
			for (size_t k = 0; k < rec.len[i]; k++)
				sink ^= (unsigned char)rec.f[i][k];
		(void)sink;
		e.msg[0] = 0;
		r = rules_apply(rules, &rec, &t, &e);
		if (r < 0 && !e.msg[0])
			abort();
		if (r == RULES_ROW)
			for (size_t i = 0; i < t.np; i++)
				if (t.p[i].has_amt)
					ramount_format(buf, sizeof buf, &t.p[i].amt);
		if (r == RULES_END)
			break;
	}
	if (r < 0 && !e.msg[0])
		abort();
	csvin_close(c);
	close(fd);
	return 0;
}
