/*
 * rules-apply.c: one CSV record through the rules. Each journal field takes the last
 * assignment that applies (top level first, then matching `if` blocks in file order);
 * values render %field references stripped, and CSV text put into a description, code,
 * comment or account goes through journal_text_safe(). Applying allocates nothing per
 * record once warmed up: rendered strings live in scratch memory rewound for every record.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "rules-int.h"

/* The one tnum amount_add refuses as a sum (amount.c's TNUM_BAD). */
#define TNUM_MIN ((tnum)((unsigned __int128)1 << 127))

static void
tmp_put(struct rules *r, size_t *len, const char *s, size_t n)
{
	if (*len + n + 1 > r->tmpcap) {
		while (*len + n + 1 > r->tmpcap)
			r->tmpcap = r->tmpcap ? r->tmpcap * 2 : 1024;
		r->tmp = xrealloc(r->tmp, r->tmpcap);
	}
	memcpy(r->tmp + *len, s, n);
	*len += n;
	r->tmp[*len] = '\0';
}

/* Has the text rendered so far a word on its last line? Then a field follows text. */
static bool
after_text(const char *s, size_t len)
{
	while (len && (s[len - 1] == ' ' || s[len - 1] == '\t'))
		len--;
	return len && s[len - 1] != '\n';
}

/*
 * Is the text rendered so far inside a tag's value ("... key:" and no ',' since)? Then a
 * field's ':' is harmless and its ',' would end the value: JTEXT_TAG. Rules such as
 * "comment time:%time" keep their tags, with the bank's text only as values.
 */
static bool
in_tag_value(const char *s, size_t len)
{
	size_t i = len;

	while (i && s[i - 1] != ',' && s[i - 1] != '\n')
		i--;
	for (; i < len; i++)
		if (s[i] == ':' && i > 0 && s[i - 1] != ' ' && s[i - 1] != '\t' &&
		    s[i - 1] != ',' && s[i - 1] != '\n')
			return true;
	return false;
}

/* Puts text from the CSV (a field, a match group) as plain text for its place. */
static void
put_csv_text(struct rules *r, size_t *len, const char *s, size_t n, int where)
{
	if (where) {
		char *safe = rules_scratch(r, JTEXT_SIZE(n));
		int w = where | (after_text(r->tmp, *len) ? JTEXT_INNER : 0);

		if (where == JTEXT_COMMENT && in_tag_value(r->tmp, *len))
			w = JTEXT_TAG | JTEXT_INNER;
		n = journal_text_safe(safe, s, n, w);
		s = safe;
	}
	tmp_put(r, len, s, n);
}

/*
 * Renders a template into scratch memory: references are replaced by stripped values, \N
 * by match groups of block blk's patterns. With a place (JTEXT_*), the CSV's text is made
 * plain text for it (journal_text_safe) while the rules' own text stays as written; in a
 * comment, "\n" written in a rule is a line break. r->unresolved tells whether a reference
 * named a field the record does not have. NULL with *e set when a pattern gave up.
 */
static const char *
render(struct rules *r, const struct template *t, size_t *outn, int where, long blk,
       struct terr *e)
{
	size_t len = 0, i;

	tmp_put(r, &len, "", 0);
	r->unresolved = false;
	for (i = 0; i < t->nparts; i++) {
		const struct tpart *p = &t->parts[i];

		if (p->group) {
			const char *s;
			size_t n;

			if (rules_match_group(r, blk, p->group, &s, &n, e) < 0)
				return NULL;
			put_csv_text(r, &len, s, n, where);
		} else if (!p->ref && where == JTEXT_COMMENT) {
			for (size_t k = 0; k < p->n; k++) {
				if (p->p[k] == '\\' && k + 1 < p->n && p->p[k + 1] == 'n') {
					tmp_put(r, &len, "\n", 1);
					k++;
				} else {
					tmp_put(r, &len, p->p + k, 1);
				}
			}
			r->unresolved |= p->missing;
		} else if (!p->ref) {
			tmp_put(r, &len, p->p, p->n);
			r->unresolved |= p->missing;
		} else if ((size_t)p->field < r->rec->nf) {
			const char *s;
			size_t n;

			rules_field_value(r, p->field, &s, &n);
			put_csv_text(r, &len, s, n, where);
		} else {  /* the record is shorter than the fields list: hledger 1.25 keeps "%name" */
			tmp_put(r, &len, p->paren ? "%(" : "%", p->paren ? 2 : 1);
			tmp_put(r, &len, p->p, p->n);
			if (p->paren)
				tmp_put(r, &len, ")", 1);
			r->unresolved = true;
		}
	}
	*outn = len;
	return rules_scratch_dup(r, r->tmp, len);
}

/* render() of a template without match groups for no place (amounts, dates), in one go. */
static const char *
render_plain(struct rules *r, const struct template *t, size_t *outn)
{
	size_t cap = 1, i;
	char *o, *w;

	for (i = 0; i < t->nparts; i++) {
		const struct tpart *p = &t->parts[i];

		cap += p->ref && (size_t)p->field < r->rec->nf ? r->rec->len[p->field] : p->n + 3;
	}
	o = w = rules_scratch(r, cap);
	r->unresolved = false;
	for (i = 0; i < t->nparts; i++) {
		const struct tpart *p = &t->parts[i];
		const char *s;
		size_t n;

		if (!p->ref) {
			memcpy(w, p->p, p->n);
			w += p->n;
			r->unresolved |= p->missing;
		} else if ((size_t)p->field < r->rec->nf) {
			rules_field_value(r, p->field, &s, &n);
			memcpy(w, s, n);
			w += n;
		} else {  /* the record is shorter than the fields list: "%name" kept */
			*w++ = '%';
			if (p->paren)
				*w++ = '(';
			memcpy(w, p->p, p->n);
			w += p->n;
			if (p->paren)
				*w++ = ')';
			r->unresolved = true;
		}
	}
	*w = '\0';
	*outn = (size_t)(w - o);
	return o;
}


/* Where a journal field's text goes, for journal_text_safe (0: not text, kept raw). */
static int
text_place(int f)
{
	if (f == RF_DESC)
		return JTEXT_DESC;
	if (f == RF_CODE)
		return JTEXT_CODE;
	if (f == RF_COMMENT || (f >= RF_N(K_COMMENT, 1) && f <= RF_N(K_COMMENT, MAXPOST)))
		return JTEXT_COMMENT;
	if (f >= RF_N(K_ACCOUNT, 1) && f <= RF_N(K_ACCOUNT, MAXPOST))
		return JTEXT_ACCOUNT;
	return 0;
}

void
rules_apply_index(struct rules *r)
{
	for (int f = 0; f < RF_COUNT; f++) {
		const struct template *t = r->toplast[f] >= 0 ? &r->top[r->toplast[f]].t : NULL;

		r->fplace[f] = (unsigned char)text_place(f);
		r->ftext[f] = t && !r->bylist[f].n && t->kind == TK_TEXT &&
			      r->fplace[f] != JTEXT_COMMENT ? t : NULL;
	}
}

/* Renders field f stripped; *s is NULL when the field is not assigned. */
static int
value_of(struct rules *r, int f, const char **s, size_t *n, struct terr *e)
{
	const struct template *t;
	long blk;
	int rc, where = r->fplace[f];

	*s = NULL;
	*n = 0;
	r->line = false;
	if (!r->bylist[f].n) {  /* no block assigns it: the top level's, if any */
		if (r->toplast[f] < 0)
			return 0;
		t = &r->top[r->toplast[f]].t;
		blk = -1;
	} else if ((rc = rules_effective(r, f, &t, &blk, e)) <= 0) {
		return rc;
	}
	if (t->kind == TK_TEXT) {  /* no reference: worked out when the rules were read */
		r->unresolved = t->missing;
		r->line = t->line && where != JTEXT_COMMENT;
		*s = where == JTEXT_COMMENT ? t->ctext : t->plain;
		*n = where == JTEXT_COMMENT ? t->ctextn : t->plainn;
		return 1;
	}
	if (t->kind == TK_FIELD && (size_t)t->parts[0].field < r->rec->nf) {
		rules_field_value(r, t->parts[0].field, s, n);
		r->unresolved = false;
		if (where) {  /* as render() puts it: the field is the text's start */
			char *safe = rules_scratch(r, JTEXT_SIZE(*n));

			*n = journal_text_safe(safe, *s, *n, where);
			*s = safe;
			/* Its text has no control, and no blank at either end. */
			r->line = where != JTEXT_COMMENT;
		}
	} else if (!where && t->kind == TK_ANY && !t->groups) {
		*s = render_plain(r, t, n);
	} else if (!(*s = render(r, t, n, where, blk, e))) {
		return -1;
	}
	if (where == JTEXT_COMMENT) {  /* a "\n" written in the rule stays */
		while (*n && rules_is_blank(**s))
			(*s)++, (*n)--;
		while (*n && rules_is_blank((*s)[*n - 1]))
			(*n)--;
	} else {
		rules_strip(s, n);
	}
	return 1;
}

/* Most fields are assigned nowhere: said without a call. */
static inline int
value(struct rules *r, int f, const char **s, size_t *n, struct terr *e)
{
	const struct template *t = r->ftext[f];

	if (!r->fset[f]) {
		*s = NULL;
		*n = 0;
		return 0;
	}
	if (t) {  /* as value_of answers it */
		r->unresolved = t->missing;
		r->line = t->line;
		*s = t->plain;
		*n = t->plainn;
		return 1;
	}
	return value_of(r, f, s, n, e);
}

static int
get_date(struct rules *r, int f, tdate *out, struct terr *e)
{
	const char *s;
	size_t n;
	int rc = value(r, f, &s, &n, e);

	if (rc <= 0)
		return rc;
	if (n && n == r->date_n && memcmp(s, r->date_s, n) == 0) {
		*out = r->date_v;
		return 1;
	}
	if (csvdate_parse(s, n, r->date_format, r->tzin, out)) {
		if (n <= sizeof r->date_s) {
			memcpy(r->date_s, s, n);
			r->date_n = n;
			r->date_v = *out;
		}
		return 1;
	}
	terr_set(e, r->rec->file, r->rec->line, "cannot read \"%.*s\" as a %s (date-format %s)",
		 (int)n, s, f == RF_DATE ? "date" : "date2",
		 r->date_format ? r->date_format : "unset: YYYY-MM-DD, YYYY/MM/DD or YYYY.MM.DD");
	return -1;
}

/* Renders and parses an amount-like field: currency first, then the sign-simplified value. */
static int
amount_of(struct rules *r, int f, const char *v, size_t vn, const char *cur, size_t curn,
	  struct ramount *ra, bool keep, struct terr *e)
{
	char *t;
	size_t tn;
	const char *why;

	if (r->unresolved) {  /* "%4" of a short record is no amount (current hledger agrees) */
		char fname[32];

		terr_set(e, r->rec->file, r->rec->line,
			 "%s: \"%.*s\" refers to a field this record does not have (%zu fields)",
			 rules_field_label(f, fname, sizeof fname), (int)vn, v, r->rec->nf);
		return -1;
	}

	if (keep && r->am_ok && vn == r->am_vn && curn == r->am_curn && memcmp(v, r->am_v, vn) == 0 &&
	    memcmp(cur, r->am_cur, curn) == 0) {
		*ra = r->am;
		return 0;
	}
	/* No currency and a digit first (after a '-'): the sign simplification leaves the
	 * (stripped) text as it is, so it is read where it is; an error is reported below. */
	if (curn == 0 && vn && ((unsigned)(v[0] - '0') < 10 ||
				(v[0] == '-' && vn > 1 && (unsigned)(v[1] - '0') < 10)) &&
	    csvamount_parse(v, vn, r->decmark, ra, &why) == 0)
		goto parsed;
	t = rules_scratch(r, curn + vn + 3);
	memcpy(t, cur, curn);
	tn = curn + csvamount_unsign(v, vn, t + curn);
	t[tn] = '\0';
	if (csvamount_parse(t, tn, r->decmark, ra, &why) < 0) {
		char fname[32];
		const char *name = rules_field_label(f, fname, sizeof fname);

		terr_set(e, r->rec->file, r->rec->line, "%s: cannot read \"%s\" as an amount (%s)",
			 name, t, why);
		return -1;
	}
parsed:
	if (!keep)
		return 0;
	r->am = *ra;
	r->am_v = v;
	r->am_vn = vn;
	r->am_cur = cur;
	r->am_curn = curn;
	r->am_ok = true;
	return 0;
}

/* The currency for posting n: currencyN, else currency; not stripped ("EUR " keeps its space). */
static int
currency_of(struct rules *r, int n, const char **s, size_t *len, struct terr *e)
{
	const struct template *t;
	long blk;
	bool unresolved = r->unresolved;  /* about the value this currency goes with */
	int rc;

	if (!r->fset[RF_N(K_CURRENCY, n)] && !r->fset[RF_CURRENCY]) {  /* the usual case */
		*s = "";
		*len = 0;
		return 0;
	}
	rc = rules_effective(r, RF_N(K_CURRENCY, n), &t, &blk, e);
	if (rc == 0)
		rc = rules_effective(r, RF_CURRENCY, &t, &blk, e);
	*s = "";
	*len = 0;
	if (rc < 0)
		return -1;
	if (rc > 0 && !(*s = render(r, t, len, 0, blk, e)))
		return -1;
	r->unresolved = unresolved;
	return 0;
}

/* The amount's cost: itself, or its price times it (@), or its total price (@@). */
static int
cost_of(const struct ramount *ra, struct amount *c)
{
	if (ra->price == 0) {
		*c = ra->a;
		return 0;
	}
	if (ra->price == 2) {
		*c = ra->pa;
		if (amount_sign(&ra->a) < 0)
			amount_neg(c);
		return 0;
	}
	if (amount_mul(c, &ra->a, &ra->pa) < 0)
		return -1;
	c->com = ra->pa.com;
	return 0;
}

/* Posting 2's share of an unnumbered amount: minus its cost, in the price's style. */
static int
to_cost(struct ramount *ra, const struct rules *r, struct terr *e)
{
	struct amount c;

	if (cost_of(ra, &c) < 0) {
		terr_set(e, r->rec->file, r->rec->line, "amount too large to hold exactly");
		return -1;
	}
	amount_neg(&c);
	if (ra->price) {
		ra->left = ra->pleft;
		ra->space = ra->pspace;
		ra->dec = ra->pdec;
		ra->price = 0;
	}
	ra->a = c;
	return 0;
}

/* Amount of posting n (hledger's getAmount). Returns 1 with *ra, 0 for none, -1 error. */
static int
posting_amount(struct rules *r, int n, bool p1virtual, struct ramount *ra, struct terr *e)
{
	int fields[6], nf = 0, i, kept = 0, which = -1, nz = 0, firstzero = -1;
	struct ramount got[6];
	bool numbered = false;
	const char *cur;
	size_t curn;

	fields[nf++] = RF_N(K_AMOUNT, n);
	fields[nf++] = RF_N(K_AMOUNT_IN, n);
	fields[nf++] = RF_N(K_AMOUNT_OUT, n);
	if (n == 1 || (n == 2 && !p1virtual)) {
		fields[nf++] = RF_AMOUNT;
		fields[nf++] = RF_AMOUNT_IN;
		fields[nf++] = RF_AMOUNT_OUT;
	}
	if (currency_of(r, n, &cur, &curn, e) < 0)
		return -1;
	{
		bool have[6] = {0};

		for (i = 0; i < nf; i++) {
			const char *v;
			size_t vn;
			int rc;

			if (!r->fset[fields[i]])
				continue;  /* most of the six are assigned nowhere */
			if (i >= 3 && r->uv_ok) {  /* rendered for posting 1 */
				v = r->uv[i - 3].s;
				vn = r->uv[i - 3].n;
				rc = r->uv[i - 3].rc;
				r->unresolved = r->uv[i - 3].unresolved;
			} else if ((rc = value(r, fields[i], &v, &vn, e)) < 0) {
				return -1;
			} else if (i >= 3) {
				r->uv[i - 3].s = v;
				r->uv[i - 3].n = vn;
				r->uv[i - 3].rc = rc;
				r->uv[i - 3].unresolved = r->unresolved;
			}
			if (rc == 0 || vn == 0)
				continue;
			if (amount_of(r, fields[i], v, vn, cur, curn, &got[i], true, e) < 0)
				return -1;
			if (fields[i] == RF_AMOUNT_OUT || fields[i] == RF_N(K_AMOUNT_OUT, n))
				amount_neg(&got[i].a);
			if (n == 2 && i >= 3 && to_cost(&got[i], r, e) < 0)
				return -1;
			have[i] = true;
			if (i < 3)
				numbered = true;
		}
		r->uv_ok |= nf == 6;
		for (i = 0; i < nf; i++) {
			if (!have[i] || (numbered && i >= 3))
				continue;
			kept++;
			if (amount_is_zero(&got[i].a)) {
				if (firstzero < 0)
					firstzero = i;
			} else {
				nz++;
				which = i;
			}
		}
	}
	if (kept == 0)
		return 0;
	if (nz > 1) {
		terr_set(e, r->rec->file, r->rec->line,
			 "posting %d: more than one non-empty amount field (amount, -in, -out)", n);
		return -1;
	}
	*ra = got[nz ? which : firstzero];
	return 1;
}

/*
 * Checks that the entry balances, as ledger and hledger will when they read it: per
 * commodity, unless one posting has no amount (or a balance assignment); two commodities
 * whose sums have opposite signs are a conversion both tools infer a price for.
 */
static int
check_balance(const struct rtxn *t, struct terr *e)
{
	struct amount sum[MAXPOST];
	size_t nsum = 0, nonzero = 0;
	int elided = 0, assigned = 0, first = -1, second = -1;
	const struct csvrec *rec = t->record;

	for (size_t i = 0; i < t->np; i++) {
		const struct rposting *p = &t->p[i];
		struct amount c;
		size_t k;

		if (p->account_len && p->account[0] == '(')
			continue;
		if (!p->has_amt) {
			if (p->has_bal)
				assigned++;
			else
				elided++;
			continue;
		}
		if (cost_of(&p->amt, &c) < 0) {
			terr_set(e, rec->file, rec->line, "amount too large to hold exactly");
			return -1;
		}
		for (k = 0; k < nsum && sum[k].com != c.com; k++)
			;
		if (k == nsum && c.q != TNUM_MIN) {  /* 0 + c, as amount_add without rescaling */
			sum[nsum++] = c;
			continue;
		}
		if (k == nsum)
			sum[nsum++] = (struct amount){0, 0, c.com};
		if (amount_add(&sum[k], &sum[k], &c) < 0) {
			terr_set(e, rec->file, rec->line, "amount too large to add up exactly");
			return -1;
		}
	}
	if (elided > 1) {
		terr_set(e, rec->file, rec->line, "more than one posting without an amount");
		return -1;
	}
	if (elided || assigned)
		return 0;
	for (size_t k = 0; k < nsum; k++)
		if (!amount_is_zero(&sum[k])) {
			nonzero++;
			if (first < 0)
				first = (int)k;
			else
				second = (int)k;
		}
	if (nonzero == 0 ||
	    (nonzero == 2 && amount_sign(&sum[first]) != amount_sign(&sum[second])))
		return 0;
	{
		char buf[2 * AMOUNT_BUF], all[512] = "";
		struct ramount ra;

		for (size_t k = 0; k < nsum; k++) {
			if (amount_is_zero(&sum[k]))
				continue;
			memset(&ra, 0, sizeof ra);
			ra.a = sum[k];
			ra.space = true;
			ra.dec = '.';
			ramount_format(buf, sizeof buf, &ra);
			if (strlen(all) + strlen(buf) + 3 < sizeof all)
				snprintf(all + strlen(all), sizeof all - strlen(all), "%s%s", *all ? ", " : "", buf);
		}
		terr_set(e, rec->file, rec->line, "the entry does not balance: off by %s%s", all,
			 nonzero == 2 ? " (two commodities with the same sign: no conversion)" : "");
	}
	return -1;
}

int
rules_apply(struct rules *r, const struct csvrec *rec, struct rtxn *t, struct terr *e)
{
	const struct template *tp;
	const char *s;
	size_t n;
	long blk;
	int rc, np = 0, k;
	bool p1virtual = false;

	memset(t, 0, sizeof *t);
	if (r->ended)
		return RULES_END;
	r->rec = rec;
	memset(r->litres, -2, r->nlitres);
	r->lit_done = 0;
	r->uv_ok = false;
	r->whole_done = false;
	r->am_ok = false;
	rules_scratch_reset(r);
	memset(r->bmatch, -1, r->nblk ? r->nblk : 1);
	if (r->skipping > 0) {
		r->skipping--;
		return RULES_SKIP;
	}
	if ((rc = rules_effective(r, RF_END, &tp, &blk, e)) != 0) {
		if (rc < 0)
			return -1;
		r->ended = true;
		return RULES_END;
	}
	if ((rc = value(r, RF_SKIP, &s, &n, e)) != 0) {
		char *end;
		long k2 = 1;

		if (rc < 0)
			return -1;
		if (n) {
			k2 = strtol(s, &end, 10);
			if (end != s + n || k2 < 1) {
				terr_set(e, rec->file, rec->line, "skip: not a number: %.*s", (int)n, s);
				return -1;
			}
		}
		r->skipping = k2 - 1;
		return RULES_SKIP;
	}
	if (rec->nf < 2) {
		terr_set(e, rec->file, rec->line,
			 "record has fewer than two fields (wrong separator, or a line to skip?)");
		return -1;
	}
	if ((rc = get_date(r, RF_DATE, &t->date, e)) <= 0) {
		if (rc == 0)
			terr_set(e, rec->file, rec->line, "no date: no date rule applies to this record");
		return -1;
	}
	t->date2 = DATE_NONE;
	if (rules_assigned(r, RF_DATE2) && get_date(r, RF_DATE2, &t->date2, e) < 0)
		return -1;
	if ((rc = value(r, RF_STATUS, &s, &n, e)) < 0)
		return -1;
	if (rc && n) {
		if (n != 1 || (s[0] != '*' && s[0] != '!')) {
			terr_set(e, rec->file, rec->line, "status: \"%.*s\" is not *, ! or empty",
				 (int)n, s);
			return -1;
		}
		t->status = s[0];
	}
	if (value(r, RF_CODE, &t->code, &t->code_len, e) < 0 ||
	    (rc = value(r, RF_DESC, &t->desc, &t->desc_len, e)) < 0)
		return -1;
	t->desc_line = rc > 0 && r->line;
	if (value(r, RF_COMMENT, &s, &n, e) < 0)
		return -1;
	t->comment = s ? rules_scratch_dup(r, s, n) : NULL;

	/* Is posting 1 virtual ("(account)")? Then posting 2 takes no unnumbered amount. */
	if ((rc = value(r, RF_N(K_ACCOUNT, 1), &s, &n, e)) < 0)
		return -1;
	p1virtual = rc && n && s[0] == '(' && s[n - 1] == ')';

	for (k = 1; k <= r->maxpost; k++) {
		struct rposting *p = &r->post[np];
		const char *acc;
		size_t accn;
		int arc;
		bool final = false;

		memset(p, 0, sizeof *p);
		if ((rc = posting_amount(r, k, p1virtual, &p->amt, e)) < 0)
			return -1;
		p->has_amt = rc == 1;
		if ((rc = value(r, RF_N(K_BALANCE, k), &s, &n, e)) < 0)
			return -1;
		if (rc == 0 && k == 1 && (rc = value(r, RF_BALANCE, &s, &n, e)) < 0)
			return -1;
		if (rc && n) {
			const char *cur;
			size_t curn;

			if (currency_of(r, k, &cur, &curn, e) < 0 ||
			    amount_of(r, k == 1 && !rules_assigned(r, RF_N(K_BALANCE, 1)) ?
				      RF_BALANCE : RF_N(K_BALANCE, k), s, n, cur, curn, &p->bal, false, e) < 0)
				return -1;
			p->has_bal = true;
		}
		if ((arc = value(r, RF_N(K_ACCOUNT, k), &acc, &accn, e)) < 0)
			return -1;
		if (arc && accn == 0)
			continue;  /* accountN set to nothing: no posting */
		p->account_line = arc && r->line;
		if (arc) {
			final = true;
		} else if (p->has_amt || p->has_bal) {
			acc = "expenses:unknown";
			accn = strlen(acc);
			p->account_line = true;
		} else {
			continue;
		}
		if (!final && p->has_amt && amount_sign(&p->amt.a) < 0) {
			acc = "income:unknown";
			accn = strlen(acc);
			p->account_line = true;
		}
		p->account = acc;
		p->account_len = accn;
		if ((rc = value(r, RF_N(K_COMMENT, k), &s, &n, e)) < 0)
			return -1;
		p->comment = rc && n ? rules_scratch_dup(r, s, n) : NULL;
		np++;
	}
	t->p = r->post;
	t->np = (size_t)np;
	t->record = rec;
	t->balance_op = r->balance_op ? r->balance_op : "=";

	if (check_balance(t, e) < 0)
		return -1;
	return RULES_ROW;
}

