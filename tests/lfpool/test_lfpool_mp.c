/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The lfpool authors
 */

/*
 * Multi-process: a secondary process gets and puts on the primary's lfpool
 * pool, alone and while the primary's lcores do the same. A binary of its
 * own: once a secondary has attached, EAL refuses rte_thread_register()
 * in the primary (rte_mp_disable() fails), which the other suite needs.
 * Needs hugepages (a secondary cannot attach to a --no-huge primary).
 */

#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_common.h>
#include <rte_errno.h>
#include <rte_lcore.h>
#include <rte_mempool.h>

#include "lfp_test.h"
#include "lfpool_test.h"

#define MP_POOL_SIZE 4096
#define MP_HELD 100
#define MP_ITERATIONS (60000 / LT_SCALE)
/* Tag of the secondary's objects, and the mark it leaves in each. */
#define MP_SECONDARY_TAG UINT64_C(0x5ec0000000000001)
#define MP_MARK UINT64_C(0x5ec0)

/* Second word of an object: set by the secondary on each get. */
static uint64_t *
obj_mark(void *obj)
{
	return (uint64_t *)obj + 1;
}

/* --- Secondary side --- */

struct sec_arg {
	struct lt_churn churn;
	int ret;
};

/* The churn, plus the mark, on a thread that exits (and so gives its
 * hazard record back).
 */
static void *
sec_thread(void *arg)
{
	struct sec_arg *a = arg;
	void *objs[64];
	unsigned int i, round;

	for (round = 0; round < 100; round++) {
		if (rte_mempool_get_bulk(a->churn.mp, objs, RTE_DIM(objs)))
			continue;
		for (i = 0; i < RTE_DIM(objs); i++)
			/* Relaxed: read by the primary after we exit. */
			__atomic_store_n(
				obj_mark(objs[i]), MP_MARK, __ATOMIC_RELAXED);
		rte_mempool_put_bulk(a->churn.mp, objs, RTE_DIM(objs));
	}
	a->ret = lt_churn_run(&a->churn);
	return NULL;
}

/* argv[1]: "<pool>,<expected avail or -1>" */
static int
secondary_worker(int argc, char **argv)
{
	struct sec_arg a = {.ret = -1};
	struct lfp_mempool_stats st;
	struct rte_mempool *mp;
	char name[RTE_MEMPOOL_NAMESIZE];
	long expected;
	pthread_t t;
	char *comma;

	if (argc < 2 || (comma = strchr(argv[1], ',')) == NULL)
		return 10;
	snprintf(name, sizeof(name), "%.*s", (int)(comma - argv[1]), argv[1]);
	expected = strtol(comma + 1, NULL, 10);
	mp = rte_mempool_lookup(name);
	if (mp == NULL)
		return 11;
	if (strcmp(rte_mempool_get_ops(mp->ops_index)->name,
		    LFP_MEMPOOL_OPS_NAME) != 0)
		return 12;
	if (expected >= 0 && rte_mempool_avail_count(mp) != expected) {
		fprintf(stderr, "secondary: avail %u, expected %ld\n",
			rte_mempool_avail_count(mp), expected);
		return 13;
	}
	a.churn = (struct lt_churn){.mp = mp,
		.iterations = MP_ITERATIONS,
		.max_bulk = 64,
		.max_held = 256,
		.seed = 0x5ec,
		.tag = MP_SECONDARY_TAG};
	if (pthread_create(&t, NULL, sec_thread, &a) != 0)
		return 14;
	pthread_join(t, NULL);
	if (a.ret != 0 || a.churn.gets == 0) {
		fprintf(stderr,
			"secondary: churn %d, %" PRIu64 " gets, %" PRIu64
			" errors\n",
			a.ret, a.churn.gets, a.churn.errors);
		return 15;
	}
	/* Statistics read from shared memory work here too. */
	if (lfp_mempool_stats_get(mp, &st, NULL) != 0 ||
		st.populated != MP_POOL_SIZE)
		return 16;
	if (expected >= 0 && rte_mempool_avail_count(mp) != expected)
		return 17;
	return 0;
}

/* A secondary may not create an lfpool pool: a clear error, no crash. */
static int
secondary_create(int argc, char **argv)
{
	struct rte_mempool *mp;
	int ret;

	RTE_SET_USED(argc);
	RTE_SET_USED(argv);
	mp = rte_mempool_create_empty(
		"lt_sec_pool", 1024, LT_ELT_SIZE, 0, 0, SOCKET_ID_ANY, 0);
	if (mp == NULL)
		return 20;
	ret = rte_mempool_set_ops_byname(mp, LFP_MEMPOOL_OPS_NAME, NULL);
	if (ret == 0)
		ret = rte_mempool_populate_default(mp);
	rte_mempool_free(mp);
	if (ret != -E_RTE_SECONDARY) {
		fprintf(stderr, "secondary: populate %d, expected %d\n", ret,
			-E_RTE_SECONDARY);
		return 21;
	}
	return 0;
}

/*
 * A secondary runs the driver's free on the primary's pool (named by
 * argv[1]). Not through rte_mempool_free(): DPDK 22.11 then calls the
 * memory chunks' free callbacks, function pointers of the primary, and
 * crashes here with any driver (ring_mp_mc too); the driver's own part
 * must not. The ops table is per process, so this is this process's
 * lfpool_free().
 */
static int
secondary_free(int argc, char **argv)
{
	struct rte_mempool *mp;

	if (argc < 2)
		return 30;
	mp = rte_mempool_lookup(argv[1]);
	if (mp == NULL || mp->pool_data == NULL)
		return 31;
	rte_mempool_get_ops(mp->ops_index)->free(mp);
	return mp->pool_data == NULL ? 0 : 32;
}

/* --- Primary side --- */

static void
count_marks(struct rte_mempool *mp, void *arg, void *obj, unsigned int idx)
{
	RTE_SET_USED(mp);
	RTE_SET_USED(idx);
	*(unsigned int *)arg += *obj_mark(obj) == MP_MARK;
}

static int
primary_churn(void *arg)
{
	return lt_churn_run(arg);
}

static void
secondary_case(unsigned int cache_size, bool concurrent)
{
	struct lt_churn churn[RTE_MAX_LCORE];
	struct lt_job jobs[RTE_MAX_LCORE];
	unsigned int lcore_id, id = 0, marks = 0, i;
	struct rte_mempool *mp;
	void *held[MP_HELD];
	char arg[64];
	int pid;

	mp = lt_pool_create(
		"lt_mp", LT_OPS_LFPOOL, MP_POOL_SIZE, cache_size, NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(mp);
	CU_ASSERT_EQUAL_FATAL(rte_mempool_get_bulk(mp, held, MP_HELD), 0);
	snprintf(arg, sizeof(arg), "%s,%d", mp->name,
		concurrent ? -1 : MP_POOL_SIZE - MP_HELD);
	pid = lfp_test_spawn_secondary("worker", arg);
	CU_ASSERT_FATAL(pid > 0);
	if (concurrent)
		RTE_LCORE_FOREACH_WORKER(lcore_id)
		{
			if (id == RTE_DIM(churn))
				break;
			churn[id] = (struct lt_churn){.mp = mp,
				.iterations = MP_ITERATIONS,
				.max_bulk = 64,
				.max_held = 256,
				.seed = 77 + id,
				.tag = id + 1};
			CU_ASSERT_EQUAL(lt_launch(&jobs[id], lcore_id,
						primary_churn, &churn[id]),
				0);
			id++;
		}
	for (i = 0; i < id; i++) {
		CU_ASSERT_EQUAL(lt_wait(&jobs[i]), 0);
		CU_ASSERT(churn[i].gets > 0);
	}
	CU_ASSERT_EQUAL(lfp_test_wait_secondary(pid), 0);

	CU_ASSERT_EQUAL(rte_mempool_avail_count(mp), MP_POOL_SIZE - MP_HELD);
	rte_mempool_put_bulk(mp, held, MP_HELD);
	rte_mempool_obj_iter(mp, count_marks, &marks);
	CU_ASSERT(marks > 0);
	CU_ASSERT_EQUAL(lt_check_all_present(mp), 0);
	rte_mempool_free(mp);
}

static void
test_secondary(void)
{
	if (!lfp_test_have_hugepages()) {
		lfp_test_skip(__func__, "needs hugepages");
		return;
	}
	secondary_case(0, false);
	secondary_case(256, false);
	secondary_case(0, true);
	secondary_case(256, true);
}

/*
 * Pool life cycle across processes: a secondary's create is refused; a
 * secondary frees the primary's pool, whose lcore callbacks stay behind
 * in the primary and must then do nothing; the next pool created prunes
 * them and works (ASan builds catch a use of the freed pool).
 */
static void
test_life_cycle(void)
{
	struct rte_mempool *freed, *mp;
	void *objs[64];
	int ret;

	if (!lfp_test_have_hugepages()) {
		lfp_test_skip(__func__, "needs hugepages");
		return;
	}
	CU_ASSERT_EQUAL(lfp_test_run_secondary("create", NULL), 0);
	freed = lt_pool_create("lt_mp_freed", LT_OPS_LFPOOL, 1024, 0, NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(freed);
	ret = lfp_test_run_secondary("free", "lt_mp_freed");
	CU_ASSERT_EQUAL(ret, 0);
	CU_ASSERT_PTR_NULL(freed->pool_data);
	mp = lt_pool_create("lt_mp_next", LT_OPS_LFPOOL, 1024, 0, NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(mp);
	CU_ASSERT_EQUAL(rte_mempool_get_bulk(mp, objs, RTE_DIM(objs)), 0);
	rte_mempool_put_bulk(mp, objs, RTE_DIM(objs));
	CU_ASSERT_EQUAL(lt_check_all_present(mp), 0);
	rte_mempool_free(mp);
	/* DPDK's part of freeing "freed" (its memzone and chunks) cannot
	 * run once its driver is gone: it empties the pool through the
	 * driver. EAL releases that memory when the test ends.
	 */
}

static CU_TestInfo mp_tests[] = {
	{"secondary_get_put", test_secondary},
	{"life_cycle", test_life_cycle},
	CU_TEST_INFO_NULL,
};

static CU_SuiteInfo suites[] = {
	{"lfpool_multiprocess", NULL, NULL, NULL, NULL, mp_tests},
	CU_SUITE_INFO_NULL,
};

static const struct lfp_test_secondary secondaries[] = {
	{"worker", secondary_worker},
	{"create", secondary_create},
	{"free", secondary_free},
	{NULL, NULL},
};

int
main(int argc, char **argv)
{
	static const struct lfp_test_conf conf = {
		.name = "lfpool_mp",
		.lcores = 4,
		.suites = suites,
		.secondaries = secondaries,
	};

	return lfp_test_main(argc, argv, &conf);
}
