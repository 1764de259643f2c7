/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The lfpool authors
 */

/*
 * The lfpool mempool ops: control path (alloc, free, populate, get_count)
 * and the ops table. The fast path is in lfpool_cache.c, the depot in
 * lfpool_depot.c.
 */

#include <errno.h>
#include <string.h>
#include <pthread.h>
#include <sys/random.h>
#include <unistd.h>

#include <rte_common.h>
#include <rte_cpuflags.h>
#include <rte_cycles.h>
#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_lcore.h>
#include <rte_log.h>
#include <rte_mempool.h>

#include "lfpool_private.h"

RTE_LOG_REGISTER(lfpool_logtype, mempool.lfpool, NOTICE);

uint32_t lfpool_token;

/*
 * A random, non-zero identity for this process: pids repeat across pid
 * namespaces (two containers sharing DPDK's files) and a fork() child
 * keeps its parent's, so neither names a cache's owner safely.
 */
static void
token_new(void)
{
	uint32_t t = 0;

	while (t == 0)
		if (getrandom(&t, sizeof(t), 0) != sizeof(t))
			t = (uint32_t)rte_rdtsc() ^ (uint32_t)getpid();
	lfpool_token = t;
}

RTE_INIT(lfpool_token_init)
{
	token_new();
	pthread_atfork(NULL, NULL, token_new);
}

bool
lfpool_is_lfpool(const struct rte_mempool *mp)
{
	if (mp == NULL || mp->ops_index < 0 ||
		mp->ops_index >= RTE_MEMPOOL_MAX_OPS_IDX)
		return false;
	return strcmp(rte_mempool_get_ops(mp->ops_index)->name,
		       LFP_MEMPOOL_OPS_NAME) == 0;
}

/*
 * The depot's 16-byte CAS. GCC routes it through libatomic, which uses
 * cmpxchg16b (x86_64) or LDXP/STXP/CASP (aarch64) when the CPU has them;
 * __atomic_is_lock_free(16) says no on x86_64 all the same (libatomic's
 * 16-byte *load* is a CAS), so ask the CPU.
 */
static bool
cas16_available(void)
{
#if defined(RTE_ARCH_X86_64)
	return rte_cpu_get_flag_enabled(RTE_CPUFLAG_CMPXCHG16B) > 0;
#elif defined(RTE_ARCH_ARM64)
	return true; /* Exclusive pairs are part of every ARMv8-A. */
#else
	return false;
#endif
}

/* Lcores that may own a cache: every lcore known now. */
static uint32_t
cache_lcores(void)
{
	return RTE_MAX(rte_lcore_count(), 1u);
}

/*
 * Magazine capacity: the requested one, else the largest power of two such
 * that the caches (two magazines per lcore) hold at most half the pool.
 */
static int
pool_capacity(const struct rte_mempool *mp,
	const struct lfp_mempool_config *cfg, uint32_t lcores, uint32_t *cap)
{
	uint32_t per_lcore = mp->size / (4 * lcores);

	if (cfg == NULL || cfg->mag_size == 0) {
		if (per_lcore >= LFP_MAG_SIZE)
			*cap = LFP_MAG_SIZE;
		else
			*cap = per_lcore == 0 ? 1 :
						rte_align32prevpow2(per_lcore);
		return 0;
	}
	if (cfg->mag_size > LFP_MAG_SIZE) {
		LFPOOL_LOG(ERR, "%s: magazine size %u above the maximum %u",
			mp->name, cfg->mag_size, LFP_MAG_SIZE);
		return -EINVAL;
	}
	if ((uint64_t)cfg->mag_size * 2 * lcores > mp->size) {
		LFPOOL_LOG(ERR,
			"%s: pool of %u objects too small for %u "
			"caches of 2 x %u objects; lower the magazine size",
			mp->name, mp->size, lcores, cfg->mag_size);
		return -EINVAL;
	}
	*cap = cfg->mag_size;
	return 0;
}

static int
pool_setup(struct rte_mempool *mp, struct lfpool *pool)
{
	const struct lfp_mempool_config *cfg = mp->pool_config;
	uint32_t lcores = cache_lcores();
	uint64_t mags;
	int ret;

	ret = pool_capacity(mp, cfg, lcores, &pool->cap);
	if (ret < 0)
		return ret;
	pool->spare_target = cfg != NULL && cfg->spare_target != 0 ?
		cfg->spare_target :
		2 * lcores + 8;
	mags = mp->size / pool->cap + 2ULL * lcores + 1 + pool->spare_target;
	if (mags > LFPOOL_MAX_MAGS) {
		LFPOOL_LOG(ERR,
			"%s: %" PRIu64 " magazines of %u objects "
			"exceed the depot's limit of %u",
			mp->name, mags, pool->cap,
			(unsigned int)LFPOOL_MAX_MAGS);
		return -EINVAL;
	}
	pool->mag_bytes = RTE_ALIGN_CEIL(
		sizeof(struct lfpool_mag) + pool->cap * sizeof(uint32_t),
		sizeof(uint64_t));
	pool->mp = mp;
	pool->socket_id = mp->socket_id;
	return 0;
}

/* A pool's identity for its life: the TSC and a count, never reused. */
static uint64_t
pool_gen(void)
{
	static uint32_t count;

	/* Relaxed: only uniqueness matters. */
	return (rte_get_tsc_cycles() << 16) ^
		__atomic_fetch_add(&count, 1, __ATOMIC_RELAXED);
}

static int
lfpool_alloc(struct rte_mempool *mp)
{
	struct lfpool *pool;
	int ret;

	if (!cas16_available()) {
		LFPOOL_LOG(ERR,
			"%s: needs a lock-free 16-byte CAS "
			"(x86_64 with cmpxchg16b, or aarch64)",
			mp->name);
		rte_errno = ENOTSUP;
		return -ENOTSUP;
	}
	if (rte_eal_process_type() != RTE_PROC_PRIMARY) {
		/* A secondary's lcores cannot own caches: their lcore ids
		 * may be the primary's, and its callbacks die with it.
		 */
		LFPOOL_LOG(ERR,
			"%s: lfpool pools are created by the primary process",
			mp->name);
		rte_errno = E_RTE_SECONDARY;
		return -E_RTE_SECONDARY;
	}
	lfpool_steal_init();
	pool = lfpool_mem_alloc("lfpool", sizeof(*pool), mp->socket_id);
	if (pool == NULL) {
		ret = -ENOMEM;
		goto no_pool;
	}
	pool->metadata_bytes = sizeof(*pool);
	pool->magic = LFPOOL_MAGIC;
	ret = pool_setup(mp, pool);
	if (ret < 0)
		goto bad_config;
	/* The partial magazine and the spare ones, up front; each cache
	 * brings its own two, each populated chunk the ones its objects
	 * fill. No get or put ever allocates one.
	 */
	ret = lfpool_slab_add(pool, 1 + pool->spare_target, NULL, 0);
	if (ret < 0)
		goto no_slab;
	pool->gen = pool_gen();
	pool->creator = lfpool_token;
	mp->pool_data = pool;
	ret = lfpool_callbacks_register(mp);
	if (ret < 0)
		goto no_callback;
	LFPOOL_LOG(DEBUG, "%s: %u objects, magazines of %u, spare %u", mp->name,
		mp->size, pool->cap, pool->spare_target);
	return 0;

no_callback:
	mp->pool_data = NULL;
	lfpool_caches_free(pool);
no_slab:
	lfpool_mags_free_all(pool);
bad_config:
	lfpool_mem_free(pool);
no_pool:
	if (ret == -ENOMEM)
		LFPOOL_LOG(ERR, "%s: out of memory", mp->name);
	rte_errno = -ret;
	return ret;
}

static void
lfpool_free(struct rte_mempool *mp)
{
	struct lfpool *pool = mp->pool_data;

	if (pool == NULL)
		return;
	/* The creator's callbacks; any process may free the pool. */
	lfpool_callbacks_unregister(mp);
	lfpool_caches_free(pool);
	lfpool_mags_free_all(pool);
	pool->magic = 0;
	lfpool_mem_free(pool);
	mp->pool_data = NULL;
}

/*
 * Check the chunk against the reference window, add magazines for the
 * objects it can hold, then let DPDK slice it (which enqueues each object).
 */
static int
lfpool_populate(struct rte_mempool *mp, unsigned int max_objs, void *vaddr,
	rte_iova_t iova, size_t len, rte_mempool_populate_obj_cb_t *obj_cb,
	void *obj_cb_arg)
{
	struct lfpool *pool = mp->pool_data;
	size_t total = mp->header_size + mp->elt_size + mp->trailer_size;
	uint64_t objs;
	int ret;

	if (!pool->base_set) {
		pool->base = lfpool_window_base((uintptr_t)vaddr);
		pool->base_set = 1;
	}
	ret = lfpool_chunk_check(
		pool->base, (uintptr_t)vaddr, len, mp->header_size, total);
	if (ret == -ERANGE)
		LFPOOL_LOG(ERR,
			"%s: chunk %p+%zu outside the 32 GiB window "
			"at 0x%" PRIxPTR " set by the first chunk",
			mp->name, vaddr, len, pool->base);
	else if (ret < 0)
		LFPOOL_LOG(ERR,
			"%s: objects of chunk %p (header %u, size %zu) "
			"are not 8-byte aligned",
			mp->name, vaddr, mp->header_size, total);
	if (ret < 0) {
		rte_errno = -ret;
		return ret;
	}
	objs = RTE_MIN((uint64_t)max_objs, (uint64_t)(len / total));
	if (objs > 0) {
		ret = lfpool_slab_add(pool,
			(uint32_t)((objs + pool->cap - 1) / pool->cap), NULL,
			0);
		if (ret < 0) {
			LFPOOL_LOG(
				ERR, "%s: no memory for magazines", mp->name);
			rte_errno = -ret;
			return ret;
		}
	}
	ret = rte_mempool_op_populate_default(
		mp, max_objs, vaddr, iova, len, obj_cb, obj_cb_arg);
	if (ret > 0)
		/* Relaxed: statistics (in_use); orders nothing. */
		__atomic_fetch_add(
			&pool->populated, (uint64_t)ret, __ATOMIC_RELAXED);
	return ret;
}

/*
 * A pool of another driver reached lfpool's ops: its ops index means
 * lfpool in this process but another driver in the one that made it. A
 * secondary whose binary registers other drivers, or in another order,
 * than the primary (tools/lfpool-secondary-args prints the -d list that
 * matches). Said once per process; the count is 0 rather than garbage.
 */
static void
foreign_pool(const struct rte_mempool *mp)
{
	static uint32_t said;

	/* Relaxed: only the first caller logs. */
	if (__atomic_exchange_n(&said, 1, __ATOMIC_RELAXED) != 0)
		return;
	LFPOOL_LOG(ERR,
		"%s: ops index %d is \"%s\" in this process, but the pool was "
		"not made by it: register the same mempool drivers in the same "
		"order as the primary (lfpool-secondary-args prints the -d "
		"options that do)",
		mp->name, mp->ops_index, LFP_MEMPOOL_OPS_NAME);
}

/* Sum of one counter over every cache and the shared slot. */
static uint64_t
objs_counted(const struct lfpool *pool, size_t field, int order)
{
	const struct lfpool_cache *c;
	uint64_t sum;
	unsigned int i;

	sum = __atomic_load_n(
		(const uint64_t *)RTE_PTR_ADD(&pool->uncached, field), order);
	for (i = 0; i < RTE_MAX_LCORE; i++) {
		/* Acquire: pairs with the release in lfpool_lcore_init(). */
		c = __atomic_load_n(&pool->caches[i], __ATOMIC_ACQUIRE);
		if (c != NULL)
			sum += __atomic_load_n(
				(const uint64_t *)RTE_PTR_ADD(&c->st, field),
				order);
	}
	return sum;
}

/*
 * Objects put (populate included) less objects taken. Every put counter
 * is read, with acquire, before any get counter: a put seen here is one
 * whose get is seen too (release in lfpool_count_add_()), so an object
 * is never counted twice and the result never exceeds the pool's size.
 * A get counted after its put was read makes the result low for an
 * instant (clamped at 0); it is exact when no get or put runs.
 */
unsigned int
lfpool_get_count(const struct rte_mempool *mp)
{
	const struct lfpool *pool = mp->pool_data;
	uint64_t puts, gets;

	/* rte_mempool_avail_count() works on a pool not populated yet. */
	if (pool == NULL)
		return 0;
	if (unlikely(pool->magic != LFPOOL_MAGIC)) {
		foreign_pool(mp);
		return 0;
	}
	/* Acquire: pairs with the release of each put_objs store. */
	puts = objs_counted(pool, offsetof(struct lfp_mempool_stats, put_objs),
		__ATOMIC_ACQUIRE);
	/* Relaxed: ordered after the put counters by their acquire. */
	gets = objs_counted(pool, offsetof(struct lfp_mempool_stats, get_objs),
		__ATOMIC_RELAXED);
	return puts > gets ? (unsigned int)(puts - gets) : 0;
}

static const struct rte_mempool_ops ops_lfpool = {
	.name = LFP_MEMPOOL_OPS_NAME,
	.alloc = lfpool_alloc,
	.free = lfpool_free,
	.enqueue = lfpool_enqueue,
	.dequeue = lfpool_dequeue,
	.get_count = lfpool_get_count,
	.populate = lfpool_populate,
};

RTE_MEMPOOL_REGISTER_OPS(ops_lfpool);
