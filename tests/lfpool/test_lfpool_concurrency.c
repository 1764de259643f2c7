/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The lfpool authors
 */

/*
 * Concurrency: random churn on every lcore plus a registered and an
 * unregistered thread; a registered thread exiting with full caches; a
 * thread stopped inside a depot pop; populating while others allocate.
 * Each case ends with the "every object exactly once" check.
 */

#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <semaphore.h>
#include <stdlib.h>
#include <string.h>

#include <rte_common.h>
#include <rte_errno.h>
#include <rte_lcore.h>
#include <rte_malloc.h>
#include <rte_mempool.h>
#include <rte_pause.h>

#include "lfp_test.h"
#include "lfpool_private.h"
#include "lfpool_test.h"
#include "test_lfpool.h"

static const unsigned int cache_sizes[] = {0, 256};

/* Reference drivers leave DPDK's cache of an exiting thread to the app. */
static bool
app_flushes(const char *ops)
{
	return strcmp(ops, LT_OPS_LFPOOL) != 0;
}

/*
 * ring_mp_mc and stack wait for each other (ring tail update, spinlock):
 * with more threads than CPUs a preempted thread stalls the others for a
 * time slice, so those references run fewer iterations.
 */
static unsigned int
iterations(const char *ops, unsigned int n)
{
	if (strcmp(ops, "ring_mp_mc") == 0 || strcmp(ops, "stack") == 0)
		return RTE_MAX(n / 50, 100u);
	return n;
}

static bool
skip_unavailable(const char *ops)
{
	if (lt_ops_available(ops))
		return false;
	lfp_test_skip(ops, "mempool ops not registered");
	return true;
}

/* --- Stress --- */

#define STRESS_POOL_SIZE 8192
#define STRESS_ITERATIONS (150000 / LT_SCALE)

struct stress_arg {
	struct lt_churn churn;
	const uint32_t *go;
	const char *ops;
	bool registered; /* A non-EAL thread that registers itself. */
	bool had_cache;	 /* lfpool gave that thread a driver cache. */
	int ret;
};

static int
stress_lcore(void *arg)
{
	struct stress_arg *a = arg;

	lt_flag_wait(a->go);
	return lt_churn_run(&a->churn);
}

static void *
stress_thread(void *arg)
{
	struct stress_arg *a = arg;
	struct lfpool *pool = a->churn.mp->pool_data;

	if (a->registered) {
		if (rte_thread_register() != 0) {
			a->ret = -rte_errno;
			return NULL;
		}
		if (!app_flushes(a->ops))
			/* Acquire: pairs with the release in the init
			 * callback this thread just ran.
			 */
			a->had_cache = __atomic_load_n(
					       &pool->caches[rte_lcore_id()],
					       __ATOMIC_ACQUIRE) != NULL;
	}
	lt_flag_wait(a->go);
	a->ret = lt_churn_run(&a->churn);
	if (a->registered) {
		if (app_flushes(a->ops))
			rte_mempool_cache_flush(NULL, a->churn.mp);
		rte_thread_unregister();
	}
	return NULL;
}

static void
stress_setup(struct stress_arg *a, struct rte_mempool *mp, const char *ops,
	const uint32_t *go, unsigned int id)
{
	memset(a, 0, sizeof(*a));
	a->churn.mp = mp;
	a->churn.iterations = iterations(ops, STRESS_ITERATIONS);
	/* One thread moves big bulks (up to 512), the others small ones. */
	a->churn.max_bulk = id == 0 ? 512 : 64;
	a->churn.max_held = id == 0 ? 1024 : 512;
	a->churn.seed = 0x9e3779b9u * (id + 1);
	a->churn.tag = id + 1;
	a->go = go;
	a->ops = ops;
}

/* lfpool's counters after a stress: the paths meant to run did run. */
static void
stress_check_stats(struct rte_mempool *mp)
{
#if LFP_STATS
	static struct lfp_mempool_stats per_lcore[RTE_MAX_LCORE];
	struct lfp_mempool_stats total;
	uint64_t cached_gets = 0;
	unsigned int i;

	CU_ASSERT_EQUAL_FATAL(lfp_mempool_stats_get(mp, &total, per_lcore), 0);
	for (i = 0; i < RTE_MAX_LCORE; i++)
		cached_gets += per_lcore[i].get_bulk;
	/* The unregistered thread used the shared, cacheless slot. */
	CU_ASSERT(total.get_bulk > cached_gets);
	CU_ASSERT(total.depot_gets > 0);
	CU_ASSERT(total.depot_puts > 0);
	CU_ASSERT(total.cache_misses > 0);
	CU_ASSERT(total.peak_in_use > 0);
#else
	RTE_SET_USED(mp);
#endif
}

static void
stress_case(const char *ops, unsigned int cache_size)
{
	struct stress_arg args[RTE_MAX_LCORE + 2];
	struct lt_job jobs[RTE_MAX_LCORE];
	struct rte_mempool *mp;
	pthread_t threads[2];
	unsigned int lcore_id, id = 1, i;
	uint32_t go = 0;

	mp = lt_pool_create(
		"lt_stress", ops, STRESS_POOL_SIZE, cache_size, NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(mp);
	stress_setup(&args[0], mp, ops, &go, 0);
	RTE_LCORE_FOREACH_WORKER(lcore_id)
	{
		if (id == RTE_DIM(jobs))
			break;
		stress_setup(&args[id], mp, ops, &go, id);
		CU_ASSERT_EQUAL(
			lt_launch(&jobs[id], lcore_id, stress_lcore, &args[id]),
			0);
		id++;
	}
	for (i = 0; i < 2; i++) {
		stress_setup(&args[id + i], mp, ops, &go, id + i);
		args[id + i].registered = i == 0;
		CU_ASSERT_EQUAL_FATAL(pthread_create(&threads[i], NULL,
					      stress_thread, &args[id + i]),
			0);
	}
	lt_flag_set(&go);
	args[0].ret = lt_churn_run(&args[0].churn);
	for (i = 1; i < id; i++)
		args[i].ret = lt_wait(&jobs[i]);
	for (i = 0; i < 2; i++)
		pthread_join(threads[i], NULL);

	for (i = 0; i < id + 2; i++) {
		CU_ASSERT_EQUAL(args[i].ret, 0);
		CU_ASSERT_EQUAL(args[i].churn.errors, 0);
		CU_ASSERT(args[i].churn.gets > 0);
	}
	if (!app_flushes(ops)) {
		CU_ASSERT(args[id].had_cache);
		stress_check_stats(mp);
	}
	CU_ASSERT_EQUAL(lt_check_all_present(mp), 0);
	rte_mempool_free(mp);
}

static void
test_stress(const char *ops)
{
	unsigned int c;

	if (skip_unavailable(ops))
		return;
	for (c = 0; c < RTE_DIM(cache_sizes); c++)
		stress_case(ops, cache_sizes[c]);
}
LT_PER_OPS(test_stress)

/* --- A registered thread exits with objects in its caches --- */

#define EXIT_POOL_SIZE 2048

struct exit_arg {
	struct rte_mempool *mp;
	const char *ops;
	unsigned int cached; /* Objects in the thread's caches at exit. */
	int ret;
};

static void *
exit_thread(void *arg)
{
	struct exit_arg *a = arg;
	struct lfpool *pool = a->mp->pool_data;
	struct rte_mempool_cache *dc;
	struct lfpool_cache *c;
	void *objs[600];
	unsigned int i;

	if (rte_thread_register() != 0) {
		a->ret = -rte_errno;
		return NULL;
	}
	a->ret = 0;
	for (i = 0; i < RTE_DIM(objs) && a->ret == 0; i += 30)
		a->ret = rte_mempool_get_bulk(a->mp, &objs[i], 30);
	for (i = 0; i < RTE_DIM(objs) && a->ret == 0; i += 20)
		rte_mempool_put_bulk(a->mp, &objs[i], 20);
	dc = rte_mempool_default_cache(a->mp, rte_lcore_id());
	a->cached = dc != NULL ? dc->len : 0;
	if (app_flushes(a->ops)) {
		rte_mempool_cache_flush(NULL, a->mp);
	} else {
		/* Acquire: pairs with the release in the init callback. */
		c = __atomic_load_n(
			&pool->caches[rte_lcore_id()], __ATOMIC_ACQUIRE);
		a->cached += c != NULL ? c->loaded_count + c->prev_count : 0;
	}
	rte_thread_unregister();
	return NULL;
}

static void
exit_case(const char *ops, unsigned int cache_size)
{
	struct exit_arg a = {.ops = ops};
	pthread_t t;
	void **objs;
	unsigned int got = 0;

	a.mp = lt_pool_create("lt_exit", ops, EXIT_POOL_SIZE, cache_size, NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(a.mp);
	objs = calloc(EXIT_POOL_SIZE, sizeof(void *));
	CU_ASSERT_PTR_NOT_NULL_FATAL(objs);
	CU_ASSERT_EQUAL_FATAL(pthread_create(&t, NULL, exit_thread, &a), 0);
	pthread_join(t, NULL);
	CU_ASSERT_EQUAL(a.ret, 0);
	/* The case means something only if the caches held objects. */
	if (!app_flushes(ops))
		CU_ASSERT(a.cached > 0);

	/* Another thread (this one) can allocate every object. */
	while (got + 64 <= EXIT_POOL_SIZE &&
		rte_mempool_get_bulk(a.mp, &objs[got], 64) == 0)
		got += 64;
	while (got < EXIT_POOL_SIZE && rte_mempool_get(a.mp, &objs[got]) == 0)
		got++;
	CU_ASSERT_EQUAL(got, EXIT_POOL_SIZE);
	CU_ASSERT_EQUAL(rte_mempool_avail_count(a.mp), 0);
	rte_mempool_put_bulk(a.mp, objs, got);
	CU_ASSERT_EQUAL(rte_mempool_avail_count(a.mp), EXIT_POOL_SIZE);
	free(objs);
	rte_mempool_free(a.mp);
}

static void
test_thread_exit(const char *ops)
{
	unsigned int c;

	if (skip_unavailable(ops))
		return;
	for (c = 0; c < RTE_DIM(cache_sizes); c++)
		exit_case(ops, cache_sizes[c]);
}
LT_PER_OPS(test_thread_exit)

/* --- A thread stopped inside a depot pop --- */

#define PREEMPT_POOL_SIZE 4096
#define PREEMPT_MAG 8

static sem_t preempt_entered, preempt_release;
static RTE_DEFINE_PER_LCORE(bool, preempt_victim);
static uint32_t preempt_stopped;

/* Stops the victim thread, once, between reading a head and its CAS. */
static void
preempt_hook(const struct rte_mempool *mp, void *arg)
{
	RTE_SET_USED(mp);
	RTE_SET_USED(arg);
	if (!RTE_PER_LCORE(preempt_victim))
		return;
	/* Relaxed: only the value matters (stop once); the semaphores
	 * order the rest.
	 */
	if (__atomic_exchange_n(&preempt_stopped, 1, __ATOMIC_RELAXED) != 0)
		return;
	sem_post(&preempt_entered);
	sem_wait(&preempt_release);
}

struct victim_arg {
	struct rte_mempool *mp;
	void *objs[PREEMPT_MAG];
	int ret;
};

static void *
victim_thread(void *arg)
{
	struct victim_arg *v = arg;

	/* Unregistered (LCORE_ID_ANY): the cacheless path pops the full
	 * stack for a request of one magazine.
	 */
	RTE_PER_LCORE(preempt_victim) = true;
	v->ret = rte_mempool_get_bulk(v->mp, v->objs, PREEMPT_MAG);
	return NULL;
}

static void
test_preemption(void)
{
	struct lfp_mempool_config cfg = {
		.mag_size = PREEMPT_MAG, .spare_target = 1};
	struct stress_arg args[RTE_MAX_LCORE];
	struct lt_job jobs[RTE_MAX_LCORE];
	struct victim_arg v = {.ret = -1};
	unsigned int lcore_id, id = 0, i;
	uint32_t go = 0;
	pthread_t t;

	v.mp = lt_pool_create(
		"lt_preempt", LT_OPS_LFPOOL, PREEMPT_POOL_SIZE, 0, &cfg);
	CU_ASSERT_PTR_NOT_NULL_FATAL(v.mp);
	CU_ASSERT_EQUAL_FATAL(sem_init(&preempt_entered, 0, 0), 0);
	CU_ASSERT_EQUAL_FATAL(sem_init(&preempt_release, 0, 0), 0);
	preempt_stopped = 0;
	lfp_mempool_set_test_hook(preempt_hook, NULL);
	CU_ASSERT_EQUAL_FATAL(pthread_create(&t, NULL, victim_thread, &v), 0);
	sem_wait(&preempt_entered);

	/* The victim sits in the middle of a pop: everyone else goes on. */
	RTE_LCORE_FOREACH_WORKER(lcore_id)
	{
		if (id == RTE_DIM(args))
			break;
		stress_setup(&args[id], v.mp, LT_OPS_LFPOOL, &go, id + 1);
		args[id].churn.iterations = STRESS_ITERATIONS / 3;
		args[id].churn.max_bulk = 2 * PREEMPT_MAG;
		CU_ASSERT_EQUAL(
			lt_launch(&jobs[id], lcore_id, stress_lcore, &args[id]),
			0);
		id++;
	}
	lt_flag_set(&go);
	for (i = 0; i < id; i++) {
		CU_ASSERT_EQUAL(lt_wait(&jobs[i]), 0);
		CU_ASSERT(args[i].churn.gets > 0);
		CU_ASSERT(args[i].churn.puts > 0);
	}
	/* Relaxed: read back by this thread only. */
	CU_ASSERT_EQUAL(__atomic_load_n(&preempt_stopped, __ATOMIC_RELAXED), 1);

	sem_post(&preempt_release);
	pthread_join(t, NULL);
	lfp_mempool_set_test_hook(NULL, NULL);
	CU_ASSERT(v.ret == 0 || v.ret == -ENOBUFS);
	if (v.ret == 0)
		rte_mempool_put_bulk(v.mp, v.objs, PREEMPT_MAG);
	CU_ASSERT_EQUAL(lt_check_all_present(v.mp), 0);
	sem_destroy(&preempt_entered);
	sem_destroy(&preempt_release);
	rte_mempool_free(v.mp);
}

/* --- Populating while others allocate --- */

#define GROW_CHUNKS 4
#define GROW_CHUNK_OBJS 1024

static void
free_chunk(struct rte_mempool_memhdr *memhdr, void *opaque)
{
	RTE_SET_USED(memhdr);
	rte_free(opaque);
}

static int
populate_chunk(struct rte_mempool *mp)
{
	size_t len = GROW_CHUNK_OBJS *
			(size_t)(mp->header_size + mp->elt_size +
				mp->trailer_size) +
		RTE_CACHE_LINE_SIZE;
	void *chunk = rte_zmalloc(NULL, len, RTE_CACHE_LINE_SIZE);
	int ret;

	if (chunk == NULL)
		return -ENOMEM;
	ret = rte_mempool_populate_iova(
		mp, chunk, RTE_BAD_IOVA, len, free_chunk, chunk);
	if (ret < 0)
		rte_free(chunk);
	return ret;
}

static void
growth_case(const char *ops, unsigned int cache_size)
{
	struct stress_arg args[RTE_MAX_LCORE];
	struct lt_job jobs[RTE_MAX_LCORE];
	struct rte_mempool *mp;
	unsigned int lcore_id, id = 0, i;
	uint32_t go = 0;

	mp = rte_mempool_create_empty("lt_grow", GROW_CHUNKS * GROW_CHUNK_OBJS,
		LT_ELT_SIZE, cache_size, 0, SOCKET_ID_ANY,
		RTE_MEMPOOL_F_NO_IOVA_CONTIG);
	CU_ASSERT_PTR_NOT_NULL_FATAL(mp);
	CU_ASSERT_EQUAL_FATAL(rte_mempool_set_ops_byname(mp, ops, NULL), 0);
	CU_ASSERT_EQUAL_FATAL(populate_chunk(mp), GROW_CHUNK_OBJS);

	RTE_LCORE_FOREACH_WORKER(lcore_id)
	{
		if (id == RTE_DIM(args))
			break;
		stress_setup(&args[id], mp, ops, &go, id + 1);
		args[id].churn.iterations = iterations(
			ops, STRESS_ITERATIONS / 5);
		args[id].churn.max_bulk = 32;
		args[id].churn.max_held = 256;
		CU_ASSERT_EQUAL(
			lt_launch(&jobs[id], lcore_id, stress_lcore, &args[id]),
			0);
		id++;
	}
	lt_flag_set(&go);
	for (i = 1; i < GROW_CHUNKS; i++)
		CU_ASSERT_EQUAL(populate_chunk(mp), GROW_CHUNK_OBJS);
	for (i = 0; i < id; i++) {
		CU_ASSERT_EQUAL(lt_wait(&jobs[i]), 0);
		CU_ASSERT_EQUAL(args[i].churn.errors, 0);
	}
	CU_ASSERT_EQUAL(mp->populated_size, GROW_CHUNKS * GROW_CHUNK_OBJS);
	CU_ASSERT_EQUAL(lt_check_all_present(mp), 0);
	rte_mempool_free(mp);
}

static void
test_growth(const char *ops)
{
	unsigned int c;

	if (skip_unavailable(ops))
		return;
	for (c = 0; c < RTE_DIM(cache_sizes); c++)
		growth_case(ops, cache_sizes[c]);
}
LT_PER_OPS(test_growth)

CU_TestInfo lt_concurrency_tests[] = {
	LT_OPS_TESTS("stress", test_stress),
	LT_OPS_TESTS("thread_exit", test_thread_exit),
	{"preemption", test_preemption},
	LT_OPS_TESTS("growth", test_growth),
	CU_TEST_INFO_NULL,
};
