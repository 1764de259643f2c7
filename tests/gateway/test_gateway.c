/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The lfpool authors
 */

#include <stdlib.h>
#include <string.h>

#include <rte_errno.h>

#include "lfp_test.h"
#include "test_gateway.h"

/* The lfpool driver when it is linked in; GW_TEST_POOL_OPS overrides. */
#ifdef GW_HAVE_LFPOOL
#define TEST_POOL_OPS "lfpool"
#else
#define TEST_POOL_OPS "ring_mp_mc"
#endif

static const char *
pool_ops(void)
{
	const char *env = getenv("GW_TEST_POOL_OPS");

	return env != NULL ? env : TEST_POOL_OPS;
}

static void
rec_emit(void *ctx, struct gw_msg *m)
{
	struct rec_sink *r = ctx;

	if (r->n == r->cap) {
		r->cap = r->cap * 2 + 16;
		r->msgs = realloc(r->msgs, r->cap * sizeof(*r->msgs));
		if (r->msgs == NULL)
			abort();
	}
	r->msgs[r->n++] = *m;
}

void
rec_init(struct rec_sink *r, uint32_t cap)
{
	memset(r, 0, sizeof(*r));
	r->cap = cap;
	r->msgs = calloc(cap, sizeof(*r->msgs));
	r->sink.emit = rec_emit;
	r->sink.ctx = r;
}

void
rec_fini(struct rec_sink *r)
{
	free(r->msgs);
	r->msgs = NULL;
}

void
rec_clear(struct rec_sink *r)
{
	r->n = 0;
}

struct lfp_tp_pools *
gw_test_pools(const char *name, uint32_t orders, uint32_t trades,
	uint32_t nodes, uint32_t levels)
{
	struct lfp_tp_pools *pools;
	struct lfp_tp_conf conf;
	unsigned int t;

	lfp_tp_conf_init(&conf);
	snprintf(conf.name, sizeof(conf.name), "%s", name);
	conf.ops_name = pool_ops();
	for (t = 0; t < LFP_TP_TYPE_MAX; t++)
		conf.type[t].count = 0;
	conf.type[LFP_TP_TYPE_ORDER].count = orders;
	conf.type[LFP_TP_TYPE_TRADE].count = trades;
	conf.type[LFP_TP_TYPE_ORDER_NODE].count = nodes;
	conf.type[LFP_TP_TYPE_PRICE_LEVEL].count = levels;
	pools = lfp_tp_create(&conf);
	if (pools == NULL)
		printf("lfp_tp_create(%s, ops %s): %s\n", name, pool_ops(),
			rte_strerror(rte_errno));
	CU_ASSERT_PTR_NOT_NULL(pools);
	return pools;
}

static CU_SuiteInfo suites[] = {
	{"gateway_proto", NULL, NULL, NULL, NULL, gw_proto_tests},
	{"gateway_ordmap", NULL, NULL, NULL, NULL, gw_ordmap_tests},
	{"gateway_book", NULL, NULL, NULL, NULL, gw_book_tests},
	{"gateway_diff", NULL, NULL, NULL, NULL, gw_diff_tests},
	{"gateway_engine", NULL, NULL, NULL, NULL, gw_engine_tests},
	{"gateway_sysc", NULL, NULL, NULL, NULL, gw_sysc_tests},
	CU_SUITE_INFO_NULL,
};

int
main(int argc, char **argv)
{
	const struct lfp_test_conf conf = {
		.name = "gateway",
		.lcores = 1,
		.suites = suites,
	};

	return lfp_test_main(argc, argv, &conf);
}
