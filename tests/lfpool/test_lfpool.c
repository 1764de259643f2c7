/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The lfpool authors
 */

/*
 * lfpool driver tests, single process. Serial cases here; concurrency in
 * test_lfpool_concurrency.c, telemetry in test_lfpool_telemetry.c. Cases
 * that make sense for any driver also run on ring_mp_mc, stack and
 * lf_stack, DPDK's own drivers, as references.
 */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <rte_common.h>
#include <rte_errno.h>
#include <rte_lcore.h>
#include <rte_malloc.h>
#include <rte_mempool.h>

#include "lfp_proc.h"
#include "lfp_test.h"
#include "lfpool_private.h"
#include "lfpool_test.h"
#include "test_lfpool.h"

#define BULK_POOL_SIZE 3001
static const unsigned int bulk_sizes[] = {1, 7, 32, 64, 65, 512};
static const unsigned int cache_sizes[] = {0, 256};

/*
 * Take everything in bulks of @p bulk, check the failing get (-ENOBUFS:
 * DPDK 22.11's rte_mempool_get_bulk returns the driver's error, not the
 * -ENOENT its documentation lists) lost nothing, then give it all back.
 */
static void
bulk_case(const char *ops, unsigned int cache_size, unsigned int bulk)
{
	const unsigned int n = BULK_POOL_SIZE;
	struct rte_mempool *mp;
	struct lt_objmap map;
	unsigned int got = 0, avail_ok = 1, i;
	void **objs;
	int ret;

	mp = lt_pool_create("lt_bulk", ops, n, cache_size, NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(mp);
	CU_ASSERT_EQUAL(rte_mempool_avail_count(mp), n);
	objs = calloc(n + bulk, sizeof(void *));
	CU_ASSERT_PTR_NOT_NULL_FATAL(objs);
	CU_ASSERT_EQUAL_FATAL(lt_objmap_build(mp, &map), 0);

	while ((ret = rte_mempool_get_bulk(mp, &objs[got], bulk)) == 0) {
		got += bulk;
		avail_ok &= rte_mempool_avail_count(mp) == n - got;
	}
	CU_ASSERT_EQUAL(ret, -ENOBUFS);
	CU_ASSERT(avail_ok);
	CU_ASSERT_EQUAL(got, n - n % bulk);
	CU_ASSERT_EQUAL(rte_mempool_avail_count(mp), n % bulk);
	CU_ASSERT_EQUAL(rte_mempool_in_use_count(mp), got);
	/* The failed get put back what it had taken: all still there. */
	while (rte_mempool_get(mp, &objs[got]) == 0)
		got++;
	CU_ASSERT_EQUAL(got, n);
	CU_ASSERT_EQUAL(rte_mempool_avail_count(mp), 0);
	CU_ASSERT_EQUAL(lt_check_distinct(&map, objs, got), 0);

	for (i = 0; i < got; i += bulk)
		rte_mempool_put_bulk(mp, &objs[i], RTE_MIN(bulk, got - i));
	CU_ASSERT_EQUAL(rte_mempool_avail_count(mp), n);
	lt_objmap_free(&map);
	free(objs);
	rte_mempool_free(mp);
}

static void
test_bulk(const char *ops)
{
	unsigned int c, b;

	if (!lt_ops_available(ops)) {
		lfp_test_skip(ops, "mempool ops not registered");
		return;
	}
	for (c = 0; c < RTE_DIM(cache_sizes); c++)
		for (b = 0; b < RTE_DIM(bulk_sizes); b++)
			bulk_case(ops, cache_sizes[c], bulk_sizes[b]);
}
LT_PER_OPS(test_bulk)

/* Zero-object calls, a get larger than the pool, too-large magazines. */
static void
test_bad_input(void)
{
	struct lfp_mempool_config cfg = {.mag_size = LFP_MAG_SIZE};
	struct rte_mempool *mp;
	void *objs[1001];
	unsigned int c;

	/* 64 objects cannot feed 2 x 64 per lcore: refused at populate. */
	mp = rte_mempool_create_empty(
		"lt_tiny", 64, LT_ELT_SIZE, 0, 0, SOCKET_ID_ANY, 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(mp);
	CU_ASSERT_EQUAL(rte_mempool_set_ops_byname(mp, LT_OPS_LFPOOL, &cfg), 0);
	LFP_ASSERT_ERRNO(rte_mempool_populate_default(mp), EINVAL);
	rte_mempool_free(mp);

	/* Above LFP_MAG_SIZE. */
	cfg.mag_size = LFP_MAG_SIZE + 1;
	mp = rte_mempool_create_empty(
		"lt_big_mag", 4096, LT_ELT_SIZE, 0, 0, SOCKET_ID_ANY, 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(mp);
	CU_ASSERT_EQUAL(rte_mempool_set_ops_byname(mp, LT_OPS_LFPOOL, &cfg), 0);
	LFP_ASSERT_ERRNO(rte_mempool_populate_default(mp), EINVAL);
	rte_mempool_free(mp);

	for (c = 0; c < RTE_DIM(cache_sizes); c++) {
		mp = lt_pool_create(
			"lt_bad", LT_OPS_LFPOOL, 1000, cache_sizes[c], NULL);
		CU_ASSERT_PTR_NOT_NULL_FATAL(mp);
		CU_ASSERT_EQUAL(rte_mempool_get_bulk(mp, objs, 0), 0);
		rte_mempool_put_bulk(mp, objs, 0);
		CU_ASSERT_EQUAL(rte_mempool_avail_count(mp), 1000);
		LFP_ASSERT_ERRNO(rte_mempool_get_bulk(mp, objs, 1001), ENOBUFS);
		CU_ASSERT_EQUAL(rte_mempool_avail_count(mp), 1000);
		CU_ASSERT_EQUAL(rte_mempool_get_bulk(mp, objs, 1000), 0);
		CU_ASSERT_EQUAL(rte_mempool_avail_count(mp), 0);
		LFP_ASSERT_ERRNO(rte_mempool_get_bulk(mp, objs, 1), ENOBUFS);
		rte_mempool_put_bulk(mp, objs, 1000);
		CU_ASSERT_EQUAL(rte_mempool_avail_count(mp), 1000);
		rte_mempool_free(mp);
	}
}

/* A requested magazine size is used; the default one follows the size. */
static void
test_config(void)
{
	struct lfp_mempool_config cfg = {.mag_size = 8, .spare_target = 3};
	struct rte_mempool *mp;
	struct lfpool *pool;

	mp = lt_pool_create("lt_cfg", LT_OPS_LFPOOL, 1024, 0, &cfg);
	CU_ASSERT_PTR_NOT_NULL_FATAL(mp);
	pool = mp->pool_data;
	CU_ASSERT_EQUAL(pool->cap, 8);
	CU_ASSERT_EQUAL(pool->spare_target, 3);
	CU_ASSERT_EQUAL(lt_check_all_present(mp), 0);
	rte_mempool_free(mp);

	/* 1024 / (4 x lcores) rounded down to a power of two. */
	mp = lt_pool_create("lt_cfg", LT_OPS_LFPOOL, 1024, 0, NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(mp);
	pool = mp->pool_data;
	CU_ASSERT_EQUAL(pool->cap,
		RTE_MIN((uint32_t)LFP_MAG_SIZE,
			rte_align32prevpow2(1024 / (4 * rte_lcore_count()))));
	CU_ASSERT_EQUAL(pool->spare_target, 2 * rte_lcore_count() + 8);
	rte_mempool_free(mp);
}

static void
test_stats(void)
{
	static struct lfp_mempool_stats per_lcore[RTE_MAX_LCORE];
	struct lfp_mempool_stats t, t0;
	struct rte_mempool *mp, *ring;
	void *objs[10];
	unsigned int i;

	mp = lt_pool_create("lt_stats", LT_OPS_LFPOOL, 1024, 0, NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(mp);
	CU_ASSERT_EQUAL(lfp_mempool_stats_get(mp, &t0, NULL), 0);
	for (i = 0; i < RTE_DIM(objs); i++)
		CU_ASSERT_EQUAL(rte_mempool_get(mp, &objs[i]), 0);
#if LFP_STATS
	/* Populate left this lcore's loaded magazine full (the magazine
	 * size divides 1024): ten single gets are hits, derived from the
	 * call counters since hits are not counted on the fast path.
	 */
	CU_ASSERT_EQUAL(lfp_mempool_stats_get(mp, &t, NULL), 0);
	CU_ASSERT_EQUAL(t.cache_hits - t0.cache_hits, RTE_DIM(objs));
	CU_ASSERT_EQUAL(t.cache_misses, t0.cache_misses);
#endif
	LFP_ASSERT_ERRNO(rte_mempool_get_bulk(mp, objs, 2000), ENOBUFS);
	CU_ASSERT_EQUAL(lfp_mempool_stats_get(mp, &t, per_lcore), 0);
	CU_ASSERT_EQUAL(t.populated, 1024);
	CU_ASSERT_EQUAL(t.avail, 1014);
	CU_ASSERT_EQUAL(t.in_use, 10);
	CU_ASSERT(t.magazines >= 1024 / LFP_MAG_SIZE);
	CU_ASSERT(t.metadata_bytes > sizeof(struct lfpool));
#if LFP_STATS
	/* Populate puts each object on its own, from this lcore. */
	CU_ASSERT_EQUAL(t.put_bulk, 1024);
	CU_ASSERT_EQUAL(t.put_objs, 1024);
	CU_ASSERT_EQUAL(t.get_bulk, 10);
	CU_ASSERT_EQUAL(t.get_objs, 10);
	CU_ASSERT_EQUAL(t.get_fail_bulk, 1);
	CU_ASSERT_EQUAL(t.get_fail_objs, 2000);
	CU_ASSERT_EQUAL(t.cache_hits + t.cache_misses,
		t.get_bulk + t.put_bulk + t.get_fail_bulk);
	/* The failed get reached the depot: a miss, not a hit. */
	CU_ASSERT_EQUAL(t.cache_hits - t0.cache_hits, RTE_DIM(objs));
	CU_ASSERT_EQUAL(per_lcore[rte_lcore_id()].get_bulk, 10);
	CU_ASSERT(t.peak_in_use >= 10);
	CU_ASSERT(t.depot_gets > 0);
	CU_ASSERT(t.depot_puts > 0);
#endif
	rte_mempool_put_bulk(mp, objs, RTE_DIM(objs));
	CU_ASSERT_EQUAL(lfp_mempool_stats_get(mp, &t, NULL), 0);
	CU_ASSERT_EQUAL(t.avail, 1024);
	CU_ASSERT_EQUAL(t.in_use, 0);

	LFP_ASSERT_ERRNO(lfp_mempool_stats_get(NULL, &t, NULL), EINVAL);
	ring = lt_pool_create("lt_stats_ring", "ring_mp_mc", 64, 0, NULL);
	if (ring != NULL)
		LFP_ASSERT_ERRNO(lfp_mempool_stats_get(ring, &t, NULL), EINVAL);
	rte_mempool_free(ring);
	rte_mempool_free(mp);
}

/* Compression helpers at the window edges. */
static void
test_window_helpers(void)
{
	const uintptr_t gib = (uintptr_t)1 << 30;
	const uintptr_t win = (uintptr_t)LFPOOL_WINDOW_SIZE;
	const uintptr_t base = (uintptr_t)0x100000000000;
	void *last = (void *)(base + win - 8);

	CU_ASSERT_EQUAL(win, 32 * gib);
	CU_ASSERT_EQUAL(lfpool_window_base(0x10000), 0);
	CU_ASSERT_EQUAL(lfpool_window_base(16 * gib), 0);
	CU_ASSERT_EQUAL(lfpool_window_base(base + 16 * gib), base);
	CU_ASSERT_EQUAL(lfpool_window_base(base + 16 * gib + 12), base + 8);

	CU_ASSERT_EQUAL(lfpool_ref(base, (void *)base), 0);
	CU_ASSERT_PTR_EQUAL(lfpool_obj(base, 0), (void *)base);
	CU_ASSERT_EQUAL(lfpool_ref(base, last), UINT32_MAX);
	CU_ASSERT_PTR_EQUAL(lfpool_obj(base, UINT32_MAX), last);
	CU_ASSERT_PTR_EQUAL(
		lfpool_obj(base, lfpool_ref(base, (void *)(base + 12345 * 8))),
		(void *)(base + 12345 * 8));

	CU_ASSERT_EQUAL(lfpool_chunk_check(base, base, win, 64, 128), 0);
	CU_ASSERT_EQUAL(
		lfpool_chunk_check(base, base + win - 128, 128, 64, 128), 0);
	CU_ASSERT_EQUAL(
		lfpool_chunk_check(base, base + win - 128, 136, 64, 128),
		-ERANGE);
	CU_ASSERT_EQUAL(
		lfpool_chunk_check(base, base + 8, win, 64, 128), -ERANGE);
	CU_ASSERT_EQUAL(
		lfpool_chunk_check(base, base - 8, 128, 64, 128), -ERANGE);
	CU_ASSERT_EQUAL(
		lfpool_chunk_check(base, base + win, 128, 64, 128), -ERANGE);
	CU_ASSERT_EQUAL(
		lfpool_chunk_check(base, base + 4, 128, 64, 128), -EINVAL);
	CU_ASSERT_EQUAL(lfpool_chunk_check(base, base, 128, 12, 128), -EINVAL);
	CU_ASSERT_EQUAL(lfpool_chunk_check(base, base, 128, 64, 124), -EINVAL);
}

static void
free_chunk(struct rte_mempool_memhdr *memhdr, void *opaque)
{
	RTE_SET_USED(memhdr);
	rte_free(opaque);
}

/*
 * Map len bytes at least 40 GiB away from near (above, else below), out of
 * the 32 GiB window centred on it; MAP_FAILED if every try is taken.
 */
static void *
map_far_from(const void *near, size_t len)
{
	const uintptr_t gib = (uintptr_t)1 << 30;
	const uintptr_t at = RTE_ALIGN_FLOOR((uintptr_t)near, gib);
	uintptr_t addr;
	void *p;
	int i;

	for (i = 0; i < 32; i++) {
		addr = i % 2 == 0 ? at + (40 + i * 8) * gib :
				    at - (40 + i * 8) * gib;
		if (i % 2 != 0 && at < (40 + i * 8) * gib)
			continue;
		p = mmap((void *)addr, len, PROT_READ | PROT_WRITE,
			MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1,
			0);
		if (p == (void *)addr)
			return p;
		if (p != MAP_FAILED) /* Old kernel: flag taken as a hint. */
			munmap(p, len);
	}
	return MAP_FAILED;
}

/* A chunk out of the window is refused with -ERANGE. */
static void
test_window_refused(void)
{
	struct rte_mempool *mp;
	size_t total, len;
	void *chunk, *far;

	mp = rte_mempool_create_empty("lt_window", 2048, LT_ELT_SIZE, 0, 0,
		SOCKET_ID_ANY, RTE_MEMPOOL_F_NO_IOVA_CONTIG);
	CU_ASSERT_PTR_NOT_NULL_FATAL(mp);
	CU_ASSERT_EQUAL(rte_mempool_set_ops_byname(mp, LT_OPS_LFPOOL, NULL), 0);
	total = mp->header_size + mp->elt_size + mp->trailer_size;
	len = 1024 * total + RTE_CACHE_LINE_SIZE;
	chunk = rte_zmalloc(NULL, len, RTE_CACHE_LINE_SIZE);
	CU_ASSERT_PTR_NOT_NULL_FATAL(chunk);
	CU_ASSERT_EQUAL_FATAL(rte_mempool_populate_iova(mp, chunk, RTE_BAD_IOVA,
				      len, free_chunk, chunk),
		1024);

	far = map_far_from(chunk, len);
	if (far == MAP_FAILED) {
		lfp_test_skip(__func__, "no free address out of the window");
	} else {
		LFP_ASSERT_ERRNO(rte_mempool_populate_iova(mp, far,
					 RTE_BAD_IOVA, len, NULL, NULL),
			ERANGE);
		CU_ASSERT_EQUAL(mp->populated_size, 1024);
	}
	/* The pool still works with the chunk it accepted. */
	CU_ASSERT_EQUAL(lt_check_all_present(mp), 0);
	rte_mempool_free(mp);
	if (far != MAP_FAILED)
		munmap(far, len);
}

/*
 * Magazines are reserved on the control path: the pool has exactly the
 * partial one, the spares, three per cache (two and a spare) and those
 * its objects fill, and a get or put never adds one: with every empty
 * magazine taken, asking for another finds none instead of allocating.
 */
static void
test_reserved_magazines(void)
{
	struct lfp_mempool_config cfg = {.mag_size = 8, .spare_target = 2};
	struct lfp_mempool_stats before, after;
	struct lfpool_mag **mags;
	struct rte_mempool *mp;
	struct lfpool_ctx ctx;
	struct lfpool *pool;
	unsigned int depth, i, caches = 0;

	mp = lt_pool_create("lt_reserved", LT_OPS_LFPOOL, 1024, 0, &cfg);
	CU_ASSERT_PTR_NOT_NULL_FATAL(mp);
	pool = mp->pool_data;
	for (i = 0; i < RTE_MAX_LCORE; i++)
		caches += pool->caches[i] != NULL;
	CU_ASSERT_EQUAL(caches, rte_lcore_count());
	CU_ASSERT_EQUAL(lfp_mempool_stats_get(mp, &before, NULL), 0);
	/* Partial + spares + (2 + 1 spare) per cache + the objects'. */
	CU_ASSERT_EQUAL(before.magazines, 1 + 2 + 3 * caches + 1024 / 8);
	ctx = (struct lfpool_ctx){
		.pool = pool, .st = &pool->uncached, .shared = true};
	depth = lfpool_stack_depth(&pool->empty);
	mags = calloc(depth, sizeof(*mags));
	CU_ASSERT_PTR_NOT_NULL_FATAL(mags);
	for (i = 0; i < depth; i++) {
		mags[i] = lfpool_mag_get_empty(pool, NULL);
		CU_ASSERT_PTR_NOT_NULL_FATAL(mags[i]);
	}
	CU_ASSERT_PTR_NULL(lfpool_mag_get_empty(pool, NULL));
	CU_ASSERT_EQUAL(lfp_mempool_stats_get(mp, &after, NULL), 0);
	CU_ASSERT_EQUAL(after.magazines, before.magazines);
	CU_ASSERT_EQUAL(after.metadata_bytes, before.metadata_bytes);
	for (i = 0; i < depth; i++)
		lfpool_mag_put(&ctx, mags[i]);
	CU_ASSERT_EQUAL(lfpool_stack_depth(&pool->empty), depth);
	CU_ASSERT_EQUAL(lt_check_all_present(mp), 0);
	free(mags);
	rte_mempool_free(mp);
}

/* Driver metadata per object for a large pool (target <= 8 bytes). */
static void
test_bytes_per_object(void)
{
	struct lfp_mempool_stats t;
	struct rte_mempool *mp;
	double per_obj;

	mp = lt_pool_create("lt_bytes", LT_OPS_LFPOOL, 65536, 0, NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(mp);
	CU_ASSERT_EQUAL(lfp_mempool_stats_get(mp, &t, NULL), 0);
	per_obj = (double)t.metadata_bytes / t.populated;
	printf("\n    65536 objects: %" PRIu64 " bytes of driver metadata, "
	       "%.2f B/object, %" PRIu64 " magazines\n",
		t.metadata_bytes, per_obj, t.magazines);
	CU_ASSERT(per_obj <= 8.0);
	rte_mempool_free(mp);
}

/* lfpool's ops as this process registered them. */
static const struct rte_mempool_ops *
lfpool_ops(void)
{
	unsigned int i;

	for (i = 0; i < rte_mempool_ops_table.num_ops; i++)
		if (strcmp(rte_mempool_ops_table.ops[i].name,
			    LFP_MEMPOOL_OPS_NAME) == 0)
			return &rte_mempool_ops_table.ops[i];
	return NULL;
}

/*
 * Another driver's pool reaching lfpool's ops (a secondary whose ops
 * table differs from the primary's): a count of 0 and one ERROR line,
 * not garbage.
 */
static void
test_foreign_pool(void)
{
	const struct rte_mempool_ops *ops = lfpool_ops();
	struct rte_mempool *mp;
	char *log = NULL;
	size_t len = 0;
	FILE *f, *saved = rte_log_get_stream();

	CU_ASSERT_PTR_NOT_NULL_FATAL(ops);
	mp = lt_pool_create("lt_foreign", "ring_mp_mc", 256, 0, NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(mp);
	f = open_memstream(&log, &len);
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	rte_openlog_stream(f);
	CU_ASSERT_EQUAL(ops->get_count(mp), 0);
	CU_ASSERT_EQUAL(ops->get_count(mp), 0);
	rte_openlog_stream(saved);
	fclose(f);
	CU_ASSERT_PTR_NOT_NULL(strstr(log, "lt_foreign: ops index"));
	/* Once per process. */
	CU_ASSERT_PTR_NULL(strstr(strstr(log, "ops index") + 1, "ops index"));
	free(log);
	rte_mempool_free(mp);
}

/*
 * The identity records keep of a process: its start time is field 22 of
 * /proc/<pid>/stat, so a pid reused by a later process (another start
 * time) reads as gone, and a live one as alive.
 */
static void
test_proc_identity(void)
{
	char buf[1024], state, *p, *tok, *save = NULL;
	uint64_t start = 0, field22 = 0;
	FILE *f = fopen("/proc/self/stat", "r");
	unsigned int field;

	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	CU_ASSERT_PTR_NOT_NULL_FATAL(fgets(buf, sizeof(buf), f));
	fclose(f);
	/* Fields 3 on are the tokens after the command's last ')'. */
	p = strrchr(buf, ')');
	CU_ASSERT_PTR_NOT_NULL_FATAL(p);
	for (field = 3, tok = strtok_r(p + 1, " ", &save); tok != NULL;
		field++, tok = strtok_r(NULL, " ", &save))
		if (field == 22)
			field22 = strtoull(tok, NULL, 10);
	CU_ASSERT_EQUAL(lfp_proc_stat_read(getpid(), &state, &start), 0);
	CU_ASSERT(start != 0);
	CU_ASSERT_EQUAL(start, field22);
	CU_ASSERT_TRUE(lfp_proc_alive(getpid(), (uint32_t)start));
	CU_ASSERT_FALSE(lfp_proc_alive(getpid(), (uint32_t)start + 1));
}

static CU_TestInfo basic_tests[] = {
	{"proc_identity", test_proc_identity},
	{"foreign_pool", test_foreign_pool},
	LT_OPS_TESTS("bulk", test_bulk),
	{"bad_input", test_bad_input},
	{"config", test_config},
	{"stats", test_stats},
	{"window_helpers", test_window_helpers},
	{"window_refused", test_window_refused},
	{"reserved_magazines", test_reserved_magazines},
	{"bytes_per_object", test_bytes_per_object},
	CU_TEST_INFO_NULL,
};

static CU_SuiteInfo suites[] = {
	{"lfpool_basic", NULL, NULL, NULL, NULL, basic_tests},
	{"lfpool_concurrency", NULL, NULL, NULL, NULL, lt_concurrency_tests},
	{"lfpool_telemetry", NULL, NULL, NULL, NULL, lt_telemetry_tests},
	{"lfpool_contract", NULL, NULL, NULL, NULL, lt_contract_tests},
	{"lfpool_mode", NULL, NULL, NULL, NULL, lt_mode_tests},
	CU_SUITE_INFO_NULL,
};

int
main(int argc, char **argv)
{
	static const struct lfp_test_conf conf = {
		.name = "lfpool",
		.lcores = 4,
		.suites = suites,
	};

	return lfp_test_main(argc, argv, &conf);
}
