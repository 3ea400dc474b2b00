/*
 * wide.c: 256-bit exact decimals for the rare entry whose costs do not fit 128 bits.
 * ledger's sample data prices shares at 28 decimals ("@ $53.6599999999999999998612221219"):
 * the product of such a price and a 6-decimal quantity needs 34 decimals and 38 digits.
 * The reader balances those entries here, exactly, and only falls back to this path when
 * the 128-bit one overflows, so ordinary journals pay nothing for it.
 */
#include <string.h>

#include "internal.h"

static void
from_u128(struct wide *w, unsigned __int128 u)
{
	memset(w, 0, sizeof *w);
	w->l[0] = (uint64_t)u;
	w->l[1] = (uint64_t)(u >> 64);
}

void
wide_from(struct wide *w, tnum q)
{
	from_u128(w, q < 0 ? -(unsigned __int128)q : (unsigned __int128)q);
	w->neg = q < 0;
}

void
wide_mul(struct wide *w, tnum a, tnum b)
{
	unsigned __int128 ua = a < 0 ? -(unsigned __int128)a : (unsigned __int128)a;
	unsigned __int128 ub = b < 0 ? -(unsigned __int128)b : (unsigned __int128)b;
	uint64_t x[2] = {(uint64_t)ua, (uint64_t)(ua >> 64)};
	uint64_t y[2] = {(uint64_t)ub, (uint64_t)(ub >> 64)};

	memset(w, 0, sizeof *w);
	for (int i = 0; i < 2; i++) {
		unsigned __int128 carry = 0;

		for (int k = 0; k < 2; k++) {
			unsigned __int128 t = (unsigned __int128)x[i] * y[k] + w->l[i + k] + carry;

			w->l[i + k] = (uint64_t)t;
			carry = t >> 64;
		}
		w->l[i + 2] = (uint64_t)carry;
	}
	w->neg = (a < 0) != (b < 0) && !wide_is_zero(w);
}

bool
wide_is_zero(const struct wide *w)
{
	return !(w->l[0] | w->l[1] | w->l[2] | w->l[3]);
}

/* Magnitude comparison. */
static int
cmp_mag(const struct wide *a, const struct wide *b)
{
	for (int i = 3; i >= 0; i--)
		if (a->l[i] != b->l[i])
			return a->l[i] < b->l[i] ? -1 : 1;
	return 0;
}

/* r = |a| * m + add, -1 when it passes 256 bits. */
static int
mul_small(struct wide *r, const struct wide *a, uint64_t m, uint64_t add)
{
	unsigned __int128 carry = add;
	struct wide x = *a;

	for (int i = 0; i < 4; i++) {
		unsigned __int128 t = (unsigned __int128)x.l[i] * m + carry;

		x.l[i] = (uint64_t)t;
		carry = t >> 64;
	}
	if (carry)
		return -1;
	*r = x;
	return 0;
}

/* |w| /= d; returns the remainder. */
static uint64_t
div_small(struct wide *w, uint64_t d)
{
	unsigned __int128 rem = 0;

	for (int i = 3; i >= 0; i--) {
		unsigned __int128 t = (rem << 64) | w->l[i];

		w->l[i] = (uint64_t)(t / d);
		rem = t % d;
	}
	return (uint64_t)rem;
}

int
wide_rescale(struct wide *w, int *scale, int to)
{
	for (; *scale < to; ++*scale)
		if (mul_small(w, w, 10, 0) < 0)
			return -1;
	return 0;
}

void
wide_normalize(struct wide *w, int *scale, int min_scale)
{
	while (*scale > min_scale && !wide_is_zero(w)) {
		struct wide t = *w;

		if (div_small(&t, 10) != 0)
			break;
		*w = t;
		--*scale;
	}
	if (wide_is_zero(w))
		w->neg = false;
}

int
wide_add(struct wide *r, const struct wide *a, const struct wide *b)
{
	const struct wide *big = a, *small = b;
	struct wide x = {{0}, false};
	unsigned __int128 carry = 0;

	if (a->neg == b->neg) {
		for (int i = 0; i < 4; i++) {
			unsigned __int128 t = (unsigned __int128)a->l[i] + b->l[i] + carry;

			x.l[i] = (uint64_t)t;
			carry = t >> 64;
		}
		if (carry)
			return -1;
		x.neg = a->neg;
		*r = x;
		return 0;
	}
	if (cmp_mag(a, b) < 0) {
		big = b;
		small = a;
	}
	for (int i = 0; i < 4; i++) {
		unsigned __int128 t = (unsigned __int128)big->l[i] - small->l[i] - carry;

		x.l[i] = (uint64_t)t;
		carry = (unsigned __int128)big->l[i] < (unsigned __int128)small->l[i] + carry;
	}
	x.neg = big->neg && !wide_is_zero(&x);
	*r = x;
	return 0;
}

/* Rounds |w| at `drop` fewer decimals, half to even (as ledger and hledger display). */
static void
round_even(struct wide *w, int drop)
{
	uint64_t rem = 0;
	bool sticky = false;

	for (int i = 0; i < drop; i++) {
		sticky = sticky || rem != 0;
		rem = div_small(w, 10);
	}
	if (drop > 0 && (rem > 5 || (rem == 5 && (sticky || (w->l[0] & 1)))))
		mul_small(w, w, 1, 1);
	if (wide_is_zero(w))
		w->neg = false;
}

bool
wide_zero_at(const struct wide *w, int scale, int prec)
{
	struct wide t = *w;

	if (scale <= prec)
		return wide_is_zero(w);
	round_even(&t, scale - prec);
	return wide_is_zero(&t);
}

int
wide_to_tnum(const struct wide *w, tnum *q)
{
	unsigned __int128 u;

	if (w->l[2] || w->l[3])
		return -1;
	u = (unsigned __int128)w->l[1] << 64 | w->l[0];
	if (u > (unsigned __int128)(((tnum)1 << 126) - 1 + ((tnum)1 << 126)))
		return -1;
	*q = w->neg ? -(tnum)u : (tnum)u;
	return 0;
}

int
wide_round_to(struct amount *a, const struct wide *w, int scale, int com, int prec)
{
	struct wide t = *w;

	if (scale > prec)
		round_even(&t, scale - prec);
	else
		prec = scale;
	a->com = com;
	a->scale = prec;
	return wide_to_tnum(&t, &a->q);
}
