/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The lfpool authors
 */

#include <stdlib.h>
#include <string.h>

#include <rte_errno.h>
#include <rte_random.h>

#include "lfp_test.h"
#include "lfp_tradepool.h"
#include "ordmap.h"
#include "test_gateway.h"

static void
test_ordmap_create_bad_args(void)
{
	LFP_ASSERT_NULL_ERRNO(gw_ordmap_create(0, SOCKET_ID_ANY), EINVAL);
	LFP_ASSERT_NULL_ERRNO(
		gw_ordmap_create((UINT32_C(1) << 30) + 1, SOCKET_ID_ANY),
		EINVAL);
	gw_ordmap_free(NULL);
}

static void
test_ordmap_add_find_del(void)
{
	struct gw_ordmap *m = gw_ordmap_create(4, SOCKET_ID_ANY);
	static struct lfp_order_node n[4];
	struct lfp_order_node *a = &n[0], *b = &n[1];

	CU_ASSERT_PTR_NOT_NULL_FATAL(m);
	CU_ASSERT_EQUAL(gw_ordmap_add(m, 1, 10, a), 0);
	/* Same id, other symbol: another key. */
	CU_ASSERT_EQUAL(gw_ordmap_add(m, 2, 10, b), 0);
	LFP_ASSERT_ERRNO(gw_ordmap_add(m, 1, 10, b), EEXIST);
	CU_ASSERT_PTR_EQUAL(gw_ordmap_find(m, 1, 10), a);
	CU_ASSERT_PTR_EQUAL(gw_ordmap_find(m, 2, 10), b);
	CU_ASSERT_PTR_NULL(gw_ordmap_find(m, 3, 10));
	CU_ASSERT_EQUAL(b->user, 2);
	CU_ASSERT_EQUAL(gw_ordmap_add(m, 1, 11, &n[2]), 0);
	CU_ASSERT_EQUAL(gw_ordmap_add(m, 1, 12, &n[3]), 0);
	CU_ASSERT_TRUE(gw_ordmap_full(m));
	LFP_ASSERT_ERRNO(gw_ordmap_add(m, 1, 13, a), ENOSPC);
	CU_ASSERT_EQUAL(gw_ordmap_count(m), 4);
	CU_ASSERT_EQUAL(gw_ordmap_del(m, 1, 10), 0);
	LFP_ASSERT_ERRNO(gw_ordmap_del(m, 1, 10), ENOENT);
	CU_ASSERT_PTR_NULL(gw_ordmap_find(m, 1, 10));
	CU_ASSERT_PTR_EQUAL(gw_ordmap_find(m, 2, 10), b);
	CU_ASSERT_EQUAL(gw_ordmap_count(m), 3);
	CU_ASSERT_FALSE(gw_ordmap_full(m));
	gw_ordmap_free(m);
}

/*
 * Random adds and deletes against a plain array, with a table kept near
 * its 1/2 load factor so probe runs wrap and backward shifts happen.
 */
static void
test_ordmap_random_against_array(void)
{
	enum {
		CAP = 512,
		KEYS = 2048
	};
	const uint32_t ops = 400000 / GW_TEST_SCALE;
	struct gw_ordmap *m = gw_ordmap_create(CAP, SOCKET_ID_ANY);
	struct lfp_order_node *node = calloc(KEYS, sizeof(*node));
	bool *live = calloc(KEYS, sizeof(*live));
	uint32_t i, k, n = 0, errors = 0;
	uint64_t id;

	CU_ASSERT_PTR_NOT_NULL_FATAL(m);
	CU_ASSERT_PTR_NOT_NULL_FATAL(live);
	CU_ASSERT_PTR_NOT_NULL_FATAL(node);
	rte_srand(7);
	for (i = 0; i < ops; i++) {
		k = rte_rand_max(KEYS);
		/* Keys share ids across 4 symbols: (k & 3, k >> 2). */
		id = k >> 2;
		if (live[k]) {
			errors += gw_ordmap_find(m, k & 3, id) != &node[k];
			errors += gw_ordmap_del(m, k & 3, id) != 0;
			live[k] = false;
			n--;
		} else if (n < CAP) {
			errors += gw_ordmap_find(m, k & 3, id) != NULL;
			errors += gw_ordmap_add(m, k & 3, id, &node[k]) != 0;
			live[k] = true;
			n++;
		}
	}
	CU_ASSERT_EQUAL(errors, 0);
	CU_ASSERT_EQUAL(gw_ordmap_count(m), n);
	for (k = 0; k < KEYS; k++)
		CU_ASSERT_PTR_EQUAL(gw_ordmap_find(m, k & 3, k >> 2),
			live[k] ? &node[k] : NULL);
	free(live);
	free(node);
	gw_ordmap_free(m);
}

CU_TestInfo gw_ordmap_tests[] = {
	{"create_bad_args", test_ordmap_create_bad_args},
	{"add_find_del", test_ordmap_add_find_del},
	{"random_against_array", test_ordmap_random_against_array},
	CU_TEST_INFO_NULL,
};
