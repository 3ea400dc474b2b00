/* write.c: writing journal text in the subset that ledger and hledger read alike. */
#include <string.h>

#include "tally.h"

void
write_posting(struct out *o, const char *account, const struct amount *amt, const char *comment)
{
	char buf[AMOUNT_BUF];

	out_puts(o, "    ");
	out_puts(o, account);
	if (amt) {
		amount_format(buf, sizeof buf, amt);
		out_puts(o, "  ");
		out_puts(o, buf);
	}
	if (comment && *comment) {
		out_puts(o, "  ; ");
		out_puts(o, comment);
	}
	out_puts(o, "\n");
}

void
write_item(struct out *o, const struct jitem *it, const char *extra, size_t extra_len)
{
	out_write(o, it->text, it->len);
	if (extra && extra_len) {
		if (it->len && it->text[it->len - 1] != '\n')
			out_write(o, "\n", 1);
		out_write(o, extra, extra_len);
	}
}
