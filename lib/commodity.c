/* commodity.c: the process's table of commodity symbols and their display styles. */
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "amemo.h"

struct com {
	char *sym;
	size_t len;
};

/* Per thread: a reader on a second thread (journal_split) has a table of its own. */
static _Thread_local struct com *coms;   /* coms[0] is the empty commodity */
/* coms[id]'s style, apart: the amount memo (amemo.h) finds a style by its id. */
_Thread_local struct cstyle *commodity_styles;
static _Thread_local int ncoms, capcoms;
static _Thread_local struct strmap *syms; /* symbol -> id: the empty symbol is id 0 */
static _Thread_local int default_com;
static _Thread_local int last_id;        /* the last symbol interned: most amounts repeat it */

static void
init(void)
{
	if (coms)
		return;
	capcoms = 16;
	coms = xcalloc(capcoms, sizeof *coms);
	commodity_styles = xcalloc(capcoms, sizeof *commodity_styles);
	coms[0].sym = xstrdup("");
	commodity_styles[0].decimal = '.';
	ncoms = 1;
	syms = strmap_new();
	strmap_add(syms, "", 0, NULL);
}

int
commodity_intern(const char *sym, size_t n)
{
	bool added;
	int id;

	init();
	if (n == 0)
		return 0;
	if (last_id && coms[last_id].len == n) {  /* inline: symbols are a few bytes */
		size_t i = 0;

		while (i < n && coms[last_id].sym[i] == sym[i])
			i++;
		if (i == n)
			return last_id;
	}
	id = (int)strmap_add(syms, sym, n, &added);
	if (!added)
		return last_id = id;
	if (ncoms == capcoms) {
		capcoms *= 2;
		coms = xrealloc(coms, capcoms * sizeof *coms);
		commodity_styles = xrealloc(commodity_styles, capcoms * sizeof *commodity_styles);
		amount_forget_symbol();  /* it keeps a pointer to its style */
	}
	ncoms++;
	memset(&coms[id], 0, sizeof coms[id]);
	coms[id].sym = xstrndup(sym, n);
	coms[id].len = n;
	memset(&commodity_styles[id], 0, sizeof commodity_styles[id]);
	commodity_styles[id].decimal = '.';
	return last_id = id;
}

const char *
commodity_name(int id)
{
	init();
	return id > 0 && id < ncoms ? coms[id].sym : "";
}

struct cstyle *
commodity_style(int id)
{
	init();
	return &commodity_styles[id > 0 && id < ncoms ? id : 0];
}

int
commodity_count(void)
{
	init();
	return ncoms;
}

int
commodity_price_prec(int id)
{
	const struct cstyle *st = commodity_style(id);

	return st->declared ? st->prec : 2;
}

void
commodity_set_default(int id)
{
	default_com = id;
}

int
commodity_default(void)
{
	return default_com;
}

void
commodity_reset(void)
{
	int i;

	for (i = 0; i < ncoms; i++)
		free(coms[i].sym);
	free(coms);
	free(commodity_styles);
	strmap_free(syms, NULL);
	coms = NULL;
	commodity_styles = NULL;
	syms = NULL;
	ncoms = capcoms = 0;
	default_com = last_id = 0;
	amount_forget_symbol();
}
