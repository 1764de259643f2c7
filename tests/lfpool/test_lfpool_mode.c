/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The lfpool authors
 */

/*
 * The owner's side of the cache protocol in this process's mode: in both
 * binaries (membarrier mode where the kernel allows it; test_lfpool_fence
 * refuses membarrier(2)), every cache carries its mode in steal, and a get
 * or put that fits the loaded magazine is served by the cache, not the
 * depot. A fence-mode owner that wrongly took the depot way would stay
 * correct but lose its cache: only these counts tell.
 */

#include <rte_common.h>
#include <rte_lcore.h>
#include <rte_mempool.h>

#include "lfp_test.h"
#include "lfpool_private.h"
#include "lfpool_test.h"
#include "test_lfpool.h"

#define MODE_POOL_SIZE 1024
#define MODE_MAG_SIZE 64
#define MODE_BULK 8

/* Relaxed: the test's own lcore is the only one using the pool. */
static uint32_t
loaded_count(const struct lfpool_cache *c)
{
	return __atomic_load_n(&c->loaded_count, __ATOMIC_RELAXED);
}

/* The cache is the owner's between calls: no thief, not busy. */
static void
check_idle(const struct lfpool_cache *c)
{
	/* Relaxed: same. */
	uint16_t steal = __atomic_load_n(&c->steal, __ATOMIC_RELAXED);

	CU_ASSERT_EQUAL(steal & (uint16_t)~LFPOOL_STEAL_FENCED, 0);
	/* Relaxed: same. */
	CU_ASSERT_EQUAL(__atomic_load_n(&c->busy, __ATOMIC_RELAXED), 0);
}

/* Every cache's mode bit says what its fenced flag and the process say. */
static void
test_mode_bit(void)
{
	struct lfp_mempool_config cfg = {.mag_size = MODE_MAG_SIZE};
	struct rte_mempool *mp;
	struct lfpool *pool;
	unsigned int i, nb = 0;
	uint16_t steal;

	mp = lt_pool_create(
		"lt_mode_bit", LT_OPS_LFPOOL, MODE_POOL_SIZE, 0, &cfg);
	CU_ASSERT_PTR_NOT_NULL_FATAL(mp);
	pool = mp->pool_data;
	for (i = 0; i < RTE_MAX_LCORE; i++) {
		if (pool->caches[i] == NULL)
			continue;
		nb++;
		/* Relaxed: no thief runs; set as the pool was made. */
		steal = __atomic_load_n(
			&pool->caches[i]->steal, __ATOMIC_RELAXED);
		CU_ASSERT_EQUAL((steal & LFPOOL_STEAL_FENCED) != 0,
			pool->caches[i]->fenced);
		CU_ASSERT_EQUAL(pool->caches[i]->fenced, lfpool_owner_fenced);
	}
	CU_ASSERT(nb >= rte_lcore_count());
	rte_mempool_free(mp);
}

/*
 * One object and a bulk put and got back on this lcore's cache: each
 * call moves the loaded count by what it carries, and the get returns
 * the objects just put (the magazine is LIFO).
 */
static void
test_mode_hits(void)
{
	struct lfp_mempool_config cfg = {.mag_size = MODE_MAG_SIZE};
	void *held[2 * MODE_BULK], *back[MODE_BULK];
	struct lfpool_cache *c;
	struct rte_mempool *mp;
	struct lfpool *pool;
	uint32_t cnt;
	unsigned int i;

	mp = lt_pool_create(
		"lt_mode_hits", LT_OPS_LFPOOL, MODE_POOL_SIZE, 0, &cfg);
	CU_ASSERT_PTR_NOT_NULL_FATAL(mp);
	pool = mp->pool_data;
	c = pool->caches[rte_lcore_id()];
	CU_ASSERT_PTR_NOT_NULL_FATAL(c);
	/* A first get fills the cache from the depot (a miss). */
	CU_ASSERT_EQUAL_FATAL(rte_mempool_get_bulk(mp, held, RTE_DIM(held)), 0);
	cnt = loaded_count(c);
	CU_ASSERT_FATAL(cnt >= MODE_BULK && cnt + MODE_BULK + 1 <= pool->cap);
	check_idle(c);

	rte_mempool_put(mp, held[0]);
	CU_ASSERT_EQUAL(loaded_count(c), cnt + 1);
	CU_ASSERT_EQUAL(rte_mempool_get(mp, &back[0]), 0);
	CU_ASSERT_PTR_EQUAL(back[0], held[0]);
	CU_ASSERT_EQUAL(loaded_count(c), cnt);
	check_idle(c);

	rte_mempool_put_bulk(mp, held + 1, MODE_BULK);
	CU_ASSERT_EQUAL(loaded_count(c), cnt + MODE_BULK);
	CU_ASSERT_EQUAL(rte_mempool_get_bulk(mp, back, MODE_BULK), 0);
	for (i = 0; i < MODE_BULK; i++)
		CU_ASSERT_PTR_EQUAL(back[i], held[MODE_BULK - i]);
	CU_ASSERT_EQUAL(loaded_count(c), cnt);
	check_idle(c);

	rte_mempool_put_bulk(mp, held, RTE_DIM(held));
	CU_ASSERT_EQUAL(rte_mempool_avail_count(mp), MODE_POOL_SIZE);
	rte_mempool_free(mp);
}

CU_TestInfo lt_mode_tests[] = {
	{"mode_bit", test_mode_bit},
	{"mode_hits", test_mode_hits},
	CU_TEST_INFO_NULL,
};
