/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The lfpool authors
 */

#include <errno.h>
#include <stdio.h>
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

/* gw_ordmap_prefetch_burst() of 32 random keys, odd ones in @p odd. */
static void
prefetch_random_burst(struct gw_ordmap *m, struct gw_ordmap *odd, uint32_t keys)
{
	struct gw_ordmap *maps[32];
	uint32_t syms[32], i, k;
	uint64_t ids[32];

	for (i = 0; i < RTE_DIM(maps); i++) {
		k = rte_rand_max(keys);
		maps[i] = i & 1 ? odd : m;
		syms[i] = k & 3;
		ids[i] = k >> 2;
	}
	gw_ordmap_prefetch_burst(maps, syms, ids, RTE_DIM(maps));
}

/*
 * Every form of gw_siphash13_u64_many() this CPU has gives what the scalar
 * one-word form gives, for every length around the vector widths.
 */
static void
test_siphash_many(void)
{
	static const unsigned int lens[] = {0, 1, 3, 4, 5, 7, 8, 9, 15, 16,
		17, 31, 32, 33, 64};
	uint64_t in[64], out[64], want[64];
	unsigned int simd, l, i, forms = 0;
	struct gw_sip13_pre p;
	struct gw_sipkey key;

	CU_ASSERT_EQUAL_FATAL(gw_sipkey_random(&key), 0);
	gw_sip13_prepare(&p, &key);
	for (i = 0; i < RTE_DIM(in); i++) {
		in[i] = rte_rand();
		want[i] = gw_siphash13_u64(&key, in[i]);
	}
	for (simd = 0; simd < GW_SIP_SIMD_COUNT; simd++) {
		if (gw_siphash13_u64_many_with(simd, &p, in, out, 0) ==
			-ENOTSUP) {
			printf("\n    %s: not on this CPU", gw_sip_simd_name(simd));
			continue;
		}
		forms++;
		for (l = 0; l < RTE_DIM(lens); l++) {
			memset(out, 0, sizeof(out));
			CU_ASSERT_EQUAL(gw_siphash13_u64_many_with(simd, &p, in,
						out, lens[l]),
				0);
			for (i = 0; i < lens[l]; i++)
				CU_ASSERT_EQUAL_FATAL(out[i], want[i]);
			for (; i < RTE_DIM(out); i++)
				CU_ASSERT_EQUAL_FATAL(out[i], 0);
		}
	}
	CU_ASSERT(forms >= 1);
	/* The selected form is one this CPU has. */
	CU_ASSERT_EQUAL(gw_siphash13_u64_many_with(gw_sip_simd_selected(), &p,
				in, out, RTE_DIM(in)),
		0);
	gw_siphash13_u64_many(&p, in, out, RTE_DIM(in));
	CU_ASSERT_EQUAL(memcmp(out, want, sizeof(out)), 0);
	printf("\n    selected: %s ", gw_sip_simd_name(gw_sip_simd_selected()));
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
	struct gw_ordmap *other = gw_ordmap_create(CAP, SOCKET_ID_ANY);
	struct lfp_order_node *node = calloc(KEYS, sizeof(*node));
	struct lfp_order *order = calloc(KEYS, sizeof(*order));
	bool *live = calloc(KEYS, sizeof(*live));
	uint32_t i, k, n = 0, errors = 0;
	uint64_t id;

	CU_ASSERT_PTR_NOT_NULL_FATAL(m);
	CU_ASSERT_PTR_NOT_NULL_FATAL(other);
	CU_ASSERT_PTR_NOT_NULL_FATAL(live);
	CU_ASSERT_PTR_NOT_NULL_FATAL(node);
	CU_ASSERT_PTR_NOT_NULL_FATAL(order);
	for (k = 0; k < KEYS; k++) {
		order[k].id = k >> 2;
		node[k].order = &order[k];
	}
	rte_srand(7);
	for (i = 0; i < ops; i++) {
		/* Now and then a burst's hashes, kept in the memo: one table
		 * (hashed together), or two (one by one).
		 */
		if (i % 32 == 0)
			prefetch_random_burst(m, i % 64 == 0 ? other : m, KEYS);
		k = rte_rand_max(KEYS);
		/* Keys share ids across 4 symbols: (k & 3, k >> 2). */
		id = k >> 2;
		if (live[k]) {
			errors += gw_ordmap_find(m, k & 3, id) != &node[k];
			/* By node (its home kept by the add), or by key. */
			errors += (i & 1 ? gw_ordmap_del_node(m, k & 3, &node[k]) :
					   gw_ordmap_del(m, k & 3, id)) != 0;
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
	free(order);
	gw_ordmap_free(other);
	free(node);
	gw_ordmap_free(m);
}

/* The paper's SipHash-2-4 vector, 8-byte ones, then the one-word form. */
static void
test_siphash_vectors(void)
{
	struct gw_sipkey key = {
		{UINT64_C(0x0706050403020100), UINT64_C(0x0f0e0d0c0b0a0908)}};
	uint8_t msg[15];
	uint64_t w;
	unsigned int i;

	for (i = 0; i < sizeof(msg); i++)
		msg[i] = (uint8_t)i;
	CU_ASSERT_EQUAL(gw_siphash(&key, msg, sizeof(msg), 2, 4),
		UINT64_C(0xa129ca6149be45e5));
	/* Bytes 0..7: the reference code's 2-4 vector of length 8, and 1-3
	 * as an independent implementation (Python, from the paper) gives
	 * it: the round counts and an empty last block checked, not only
	 * the schedule the one-word form shares with gw_siphash().
	 */
	CU_ASSERT_EQUAL(
		gw_siphash(&key, msg, 8, 2, 4), UINT64_C(0x93f5f5799a932462));
	CU_ASSERT_EQUAL(gw_siphash13_u64(&key, UINT64_C(0x0706050403020100)),
		UINT64_C(0x369095118d299a8e));
	for (w = 0; w < 1000; w++) {
		uint64_t v = w * UINT64_C(0x9E3779B97F4A7C15);
		uint8_t le[8];

		for (i = 0; i < 8; i++)
			le[i] = (uint8_t)(v >> (8 * i));
		CU_ASSERT_EQUAL_FATAL(gw_siphash13_u64(&key, v),
			gw_siphash(&key, le, 8, 1, 3));
	}
	/* Two random keys differ (getrandom() really ran). */
	{
		struct gw_sipkey a, b;

		CU_ASSERT_EQUAL(gw_sipkey_random(&a), 0);
		CU_ASSERT_EQUAL(gw_sipkey_random(&b), 0);
		CU_ASSERT_NOT_EQUAL(memcmp(&a, &b, sizeof(a)), 0);
	}
}

/*
 * Add @p n keys (symbol @p sym, ids from @p ids), find each, delete each:
 * slots read per operation, from gw_ordmap_probes().
 */
static double
probes_per_op(struct gw_ordmap *m, uint32_t sym, const uint64_t *ids,
	uint32_t n, struct lfp_order_node *node)
{
	uint64_t p0 = gw_ordmap_probes(m);
	uint32_t i, errors = 0;

	for (i = 0; i < n; i++)
		errors += gw_ordmap_add(m, sym, ids[i], &node[i]) != 0;
	for (i = 0; i < n; i++)
		errors += gw_ordmap_find(m, sym, ids[i]) != &node[i];
	for (i = 0; i < n; i++)
		errors += gw_ordmap_del(m, sym, ids[i]) != 0;
	CU_ASSERT_EQUAL(errors, 0);
	CU_ASSERT_EQUAL(gw_ordmap_count(m), 0);
	return (double)(gw_ordmap_probes(m) - p0) / (3.0 * n);
}

/*
 * The flood of issue 13: ids chosen to share one home slot under the
 * public mixer. Unkeyed, every operation walks the whole run (probes
 * grow with the number of keys); keyed, the same ids cost what random
 * ones do. Probe counts with a fixed key are exact, not timings.
 */
static void
test_ordmap_flood_probes(void)
{
	enum {
		CAP = 4096
	};
	const struct gw_sipkey key = {{0x0123456789abcdefULL, 42}};
	struct lfp_order_node *node = calloc(CAP, sizeof(*node));
	uint64_t *flood = calloc(CAP, sizeof(*flood));
	uint64_t *plain = calloc(CAP, sizeof(*plain));
	struct gw_ordmap *keyed = gw_ordmap_create_hashed(
		CAP, SOCKET_ID_ANY, GW_ORDMAP_KEYED, &key);
	struct gw_ordmap *unkeyed = gw_ordmap_create_hashed(
		CAP, SOCKET_ID_ANY, GW_ORDMAP_UNKEYED, NULL);
	double p_flood_unkeyed, p_plain, p_flood, p_same_id;
	uint32_t i, slots;

	CU_ASSERT_PTR_NOT_NULL_FATAL(node);
	CU_ASSERT_PTR_NOT_NULL_FATAL(flood);
	CU_ASSERT_PTR_NOT_NULL_FATAL(plain);
	CU_ASSERT_PTR_NOT_NULL_FATAL(keyed);
	CU_ASSERT_PTR_NOT_NULL_FATAL(unkeyed);
	slots = gw_ordmap_slots(unkeyed);
	for (i = 0; i < CAP; i++) {
		flood[i] = gw_ordmap_unkeyed_preimage(
			(uint64_t)(i + 1) * slots);
		plain[i] = i + 1; /* the generator's sequential ids */
	}
	p_flood_unkeyed = probes_per_op(unkeyed, 0, flood, CAP, node);
	p_plain = probes_per_op(keyed, 0, plain, CAP, node);
	p_flood = probes_per_op(keyed, 0, flood, CAP, node);
	printf("\n    probes/op: unkeyed flood %.1f, keyed plain %.2f, "
	       "keyed flood %.2f",
		p_flood_unkeyed, p_plain, p_flood);
	/* One run of CAP keys: about CAP / 2 slots per operation. */
	CU_ASSERT(p_flood_unkeyed > CAP / 4);
	/* Load 1/2 with linear probing: a few slots per operation. */
	CU_ASSERT(p_plain < 4);
	CU_ASSERT(p_flood <= 2 * p_plain);
	/* One id in every symbol: spread by the symbol, no single run. */
	for (i = 0; i < CAP; i++)
		CU_ASSERT_EQUAL(gw_ordmap_add(keyed, i, 7, &node[i]), 0);
	{
		uint64_t p0 = gw_ordmap_probes(keyed);

		for (i = 0; i < CAP; i++)
			CU_ASSERT_PTR_EQUAL(
				gw_ordmap_find(keyed, i, 7), &node[i]);
		p_same_id = (double)(gw_ordmap_probes(keyed) - p0) / CAP;
	}
	CU_ASSERT(p_same_id <= 2 * p_plain);
	free(node);
	free(flood);
	free(plain);
	gw_ordmap_free(keyed);
	gw_ordmap_free(unkeyed);
}

CU_TestInfo gw_ordmap_tests[] = {
	{"siphash_vectors", test_siphash_vectors},
	{"siphash_many", test_siphash_many},
	{"flood_probes", test_ordmap_flood_probes},
	{"create_bad_args", test_ordmap_create_bad_args},
	{"add_find_del", test_ordmap_add_find_del},
	{"random_against_array", test_ordmap_random_against_array},
	CU_TEST_INFO_NULL,
};
