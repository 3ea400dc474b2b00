/*
 * stmtread.c: what tally-statement and tally month share of the statements' reading: one
 * entry seen for the statements, the names and addresses and who pays for whom; whose
 * statement a client's lines are on; where the templates are.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tally.h"

int
stmt_read_entry(struct stmt_reading *r, const struct jitem *it, struct terr *e)
{
	if (it->kind != J_TXN)
		return 0;
	if (vocab_entry_next(it, &r->tg, e, NULL, NULL) > 0)
		return -1;
	return stmt_read_tags(r, it, &r->tg, e);
}

int
stmt_read_tags(struct stmt_reading *r, const struct jitem *it, const struct vtags *tg,
	       struct terr *e)
{
	struct span v;

	if (query_txn_undated(r->query, it->txn) && statements_observe_tags(r->st, it, tg, e) < 0)
		return -1;
	identities_learn(r->ids, it, tg);
	/* the vocabulary has read a bill-to: on the entry when there is one */
	if (!tg->has[VT_BILL_TO] || !tag_find(it->txn->comment, "bill-to", &v))
		return 0;
	return clients_observe_billto(r->payers, it, tg, e);
}

bool
stmt_billed_elsewhere(struct clients *payers, const struct stmt_client *c, tdate at)
{
	return strcmp(clients_payer_id(payers, c->id, at), c->id) != 0;
}

bool
stmt_safe_name(const char *id)
{
	if (!*id || *id == '.' || strchr(id, '/') || strstr(id, ".."))
		return false;
	for (const char *p = id; *p; p++)
		if ((unsigned char)*p < 0x20)
			return false;
	return true;
}

char *
stmt_templates_dir(const char *opt)
{
	static const char *const rel[] = {"/../share/templates", "/../share/tally/templates"};
	char exe[PATH_MAX], path[PATH_MAX + 64], *slash;
	ssize_t n;
	struct stat st;

	if (opt)
		return xstrdup(opt);
	n = readlink("/proc/self/exe", exe, sizeof exe - 1);
	if (n > 0) {
		exe[n] = '\0';
		if ((slash = strrchr(exe, '/')) != NULL)
			*slash = '\0';
		for (size_t i = 0; i < sizeof rel / sizeof *rel; i++) {
			snprintf(path, sizeof path, "%s%s/statement.css", exe, rel[i]);
			if (stat(path, &st) == 0) {
				snprintf(path, sizeof path, "%s%s", exe, rel[i]);
				return xstrdup(path);
			}
		}
	}
	return xstrdup(TALLY_SHAREDIR "/templates");
}

char *
stmt_read_text(const char *path)
{
	FILE *f = fopen(path, "r");
	char *buf = NULL;
	size_t len = 0, cap = 0, n;

	if (!f)
		return NULL;
	do {
		if (len + 4096 + 1 > cap)
			buf = xrealloc(buf, cap = (cap ? cap * 2 : 8192));
		n = fread(buf + len, 1, cap - len - 1, f);
		len += n;
	} while (n > 0);
	buf[len] = '\0';
	fclose(f);
	return buf;
}
