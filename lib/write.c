/* write.c: writing journal text in the subset that ledger and hledger read alike. */
#include <string.h>

#include "internal.h"

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
write_end(struct out *o)
{
	unsigned *t = out_tail(o);

	if (*t & TAIL_NO_EOL)
		out_write(o, "\n", 1);
	if (*t & TAIL_OPEN_BLOCK)
		out_puts(o, "end comment\n");
	*t = 0;
}

/*
 * Only the last item of a file can lack its final newline or leave a comment block open;
 * the reader ends both with the file, so when more is written after it, so does the writer:
 * several files stay one journal with the same entries, and nothing moves into a comment.
 */
void
write_item(struct out *o, const struct jitem *it, const char *extra, size_t extra_len)
{
	if (!(extra && extra_len) && !it->open_block && out_item(o, it->text, it->len))
		return;
	write_end(o);
	out_write(o, it->text, it->len);
	if (extra && extra_len) {
		if (it->len && it->text[it->len - 1] != '\n')
			out_write(o, "\n", 1);
		out_write(o, extra, extra_len);
		if (extra[extra_len - 1] != '\n')
			*out_tail(o) |= TAIL_NO_EOL;
	} else if (it->len && it->text[it->len - 1] != '\n') {
		*out_tail(o) |= TAIL_NO_EOL;
	}
	if (it->open_block)
		*out_tail(o) |= TAIL_OPEN_BLOCK;
}
