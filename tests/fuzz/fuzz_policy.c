/*
 * fuzz_policy.c: libFuzzer target for the policy file parser. A policy that loads must
 * describe itself in both languages and price a session without overflow going unnoticed.
 */
#include <string.h>

#include "fuzz_common.h"
#include "tally.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char path[64], buf[2048];
	struct terr e = {0};
	struct policy *p;
	struct amount price, fee;
	const struct policy_fee *f;
	bool capped;
	int fd = fuzz_file(data, size, path, sizeof path);

	p = policy_load(path, &e);
	if (!p) {
		if (!e.msg[0])
			abort();  /* a refusal must say why */
		goto out;
	}
	for (int k = 0; k < PK_NKEYS; k++) {
		policy_clause(p, (enum policy_key)k, "en", buf, sizeof buf);
		policy_clause(p, (enum policy_key)k, "es", buf, sizeof buf);
		policy_clause(p, (enum policy_key)k, "en", buf, 8);
	}
	price.q = 4500;
	price.scale = 2;
	price.com = commodity_intern("EUR", 3);
	for (long notice = -1; notice < 3000; notice += 97)
		if ((f = policy_late_fee(p, notice)) != NULL)
			policy_charge(p, f, &price, &fee, &capped);
	policy_charge(p, &p->noshow, &price, &fee, &capped);
	policy_fee_amount(&p->deposit, &price, &fee);
	policy_fee_amount(&p->provider, &price, &fee);
	policy_format_duration(buf, sizeof buf, p->notice, "es");
	policy_free(p);
out:
	/* The duration parser on its own, on the input as a string. */
	if (size < sizeof buf) {
		memcpy(buf, data, size);
		buf[size] = 0;
		policy_parse_duration(buf);
	}
	close(fd);
	commodity_reset();
	return 0;
}
