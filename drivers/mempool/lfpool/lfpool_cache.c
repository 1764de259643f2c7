/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The lfpool authors
 */

/*
 * Per-lcore magazine caches (Bonwick's "loaded" and "previous") and the
 * ops' enqueue/dequeue entry points.
 *
 * Invariant of a cache in use: loaded holds 0..cap objects, previous is
 * either empty or full. A get takes from loaded; when loaded is empty it
 * swaps in a full previous, else it trades the empty loaded for a full
 * magazine of the depot. A put is the mirror image. So a cache meets the
 * depot at most once per cap objects, and a get/put that alternates around
 * a magazine boundary does not thrash: previous absorbs it.
 *
 * The owner never uses an atomic read-modify-write here: its counts and
 * counters are published with relaxed stores for get_count and statistics.
 */

#include <errno.h>

#include <rte_branch_prediction.h>
#include <rte_common.h>
#include <rte_debug.h>
#include <rte_errno.h>
#include <rte_lcore.h>
#include <rte_mempool.h>

#include "lfpool_private.h"

/* The calling thread's cache for this pool, or NULL (cacheless path). */
static inline struct lfpool_cache *
cache_of(struct lfpool *pool)
{
	unsigned int lcore_id = rte_lcore_id();
	struct lfpool_cache *c;

	if (unlikely(lcore_id >= RTE_MAX_LCORE))
		return NULL;
	/* Acquire: pairs with the release store in lfpool_lcore_init(), so
	 * a new cache is initialised before this thread uses it.
	 */
	c = __atomic_load_n(&pool->caches[lcore_id], __ATOMIC_ACQUIRE);
	if (c == NULL)
		return NULL;
	/* Relaxed: this thread wrote owner itself (non-EAL thread) or got
	 * it through the acquire above (EAL lcores, set at pool creation).
	 * Another process's thread with the same lcore id reads a pid that
	 * is not its own and stays off the cache.
	 */
	if (__atomic_load_n(&c->owner, __ATOMIC_RELAXED) != lfpool_pid)
		return NULL;
	return c;
}

/* Owner-only store of a count that other threads read. */
static inline void
set_count(uint32_t *count, uint32_t v)
{
	/* Relaxed: read by get_count as a snapshot; orders nothing. */
	__atomic_store_n(count, v, __ATOMIC_RELAXED);
}

static void
cache_swap(struct lfpool_cache *c)
{
	struct lfpool_mag *m = c->loaded;
	uint32_t n = c->loaded_count;

	c->loaded = c->previous;
	set_count(&c->loaded_count, c->prev_count);
	c->previous = m;
	set_count(&c->prev_count, n);
}

/* Hand a cache magazine to the depot with its true count. */
static void
cache_give(struct lfpool_ctx *ctx, struct lfpool_mag *m, uint32_t count)
{
	m->count = count;
	lfpool_mag_put(ctx, m);
}

/*
 * Put n objects in the cache when loaded has no room for them all; never
 * fails. A full loaded goes behind an empty previous; else the full
 * previous goes to the depot and an empty magazine becomes loaded.
 */
static __rte_noinline int
cache_put_slow(struct lfpool *pool, struct lfpool_cache *c, void *const *objs,
	unsigned int n)
{
	struct lfpool_ctx ctx = {.pool = pool, .st = &c->st, .shared = false};
	struct lfpool_mag *m;
	bool depot = false;
	uint32_t cnt, k;

	LFPOOL_STAT_ADD(&ctx, put_bulk, 1);
	LFPOOL_STAT_ADD(&ctx, put_objs, n);
	while (n > 0) {
		cnt = c->loaded_count;
		if (cnt < pool->cap) {
			k = RTE_MIN(n, pool->cap - cnt);
			lfpool_copy_in(pool, c->loaded, cnt, objs, k);
			set_count(&c->loaded_count, cnt + k);
			objs += k;
			n -= k;
			continue;
		}
		if (c->prev_count == 0) {
			cache_swap(c);
			continue;
		}
		depot = true;
		m = lfpool_mag_get_empty(&ctx);
		if (unlikely(m == NULL)) {
			/* No memory for a magazine: the cacheless path
			 * finds room in the depot.
			 */
			lfpool_depot_enqueue(&ctx, objs, n);
			break;
		}
		cache_give(&ctx, c->previous, pool->cap);
		c->previous = c->loaded;
		set_count(&c->prev_count, pool->cap);
		c->loaded = m;
		set_count(&c->loaded_count, 0);
	}
	if (depot)
		LFPOOL_STAT_ADD(&ctx, cache_misses, 1);
	return 0;
}

/* Take up to want objects from loaded; returns how many. */
static unsigned int
cache_take(const struct lfpool *pool, struct lfpool_cache *c, void **objs,
	unsigned int want)
{
	uint32_t cnt = c->loaded_count;
	uint32_t k = RTE_MIN(want, cnt);

	lfpool_copy_out(pool, c->loaded, cnt, objs, k);
	set_count(&c->loaded_count, cnt - k);
	return k;
}

/*
 * More than loaded holds: previous (if full), then depot magazines, each
 * replacing the emptied loaded one. Every object is secured before objs
 * is written, so a failure leaves the cache and objs as they were.
 */
static __rte_noinline int
cache_get_slow(struct lfpool *pool, struct lfpool_cache *c, void **objs,
	unsigned int n)
{
	struct lfpool_ctx ctx = {.pool = pool, .st = &c->st, .shared = false};
	unsigned int local = c->loaded_count + c->prev_count, got;
	struct lfpool_mag *chain = NULL, *next;

	if (n > local && lfpool_depot_gather(&ctx, n - local, &chain) < 0) {
		LFPOOL_STAT_ADD(&ctx, get_fail_bulk, 1);
		LFPOOL_STAT_ADD(&ctx, get_fail_objs, n);
		LFPOOL_STAT_ADD(&ctx, cache_misses, 1);
		rte_errno = ENOBUFS;
		return -ENOBUFS;
	}
	got = cache_take(pool, c, objs, n);
	if (got < n && c->prev_count == pool->cap) {
		cache_swap(c);
		got += cache_take(pool, c, objs + got, n - got);
	}
	/* Each chain magazine but the last is emptied (gather's order). */
	for (; chain != NULL; chain = next) {
		next = lfpool_chain_next(chain);
		cache_give(&ctx, c->loaded, c->loaded_count);
		c->loaded = chain;
		set_count(&c->loaded_count, chain->count);
		got += cache_take(pool, c, objs + got, n - got);
	}
	RTE_ASSERT(got == n);
	LFPOOL_STAT_ADD(&ctx, get_bulk, 1);
	LFPOOL_STAT_ADD(&ctx, get_objs, n);
	if (n > local)
		LFPOOL_STAT_ADD(&ctx, cache_misses, 1);
	return 0;
}

/* A thread without a cache: straight to the depot, shared counters. */
static __rte_noinline int
uncached_put(struct lfpool *pool, void *const *objs, unsigned int n)
{
	struct lfpool_ctx ctx = {
		.pool = pool,
		.st = &pool->uncached,
		.shared = true,
	};

	lfpool_depot_enqueue(&ctx, objs, n);
	LFPOOL_STAT_ADD(&ctx, put_bulk, 1);
	LFPOOL_STAT_ADD(&ctx, put_objs, n);
	return 0;
}

static __rte_noinline int
uncached_get(struct lfpool *pool, void **objs, unsigned int n)
{
	struct lfpool_ctx ctx = {
		.pool = pool,
		.st = &pool->uncached,
		.shared = true,
	};
	int ret;

	ret = lfpool_depot_dequeue(&ctx, objs, n);
	if (ret == 0) {
		LFPOOL_STAT_ADD(&ctx, get_bulk, 1);
		LFPOOL_STAT_ADD(&ctx, get_objs, n);
	} else {
		LFPOOL_STAT_ADD(&ctx, get_fail_bulk, 1);
		LFPOOL_STAT_ADD(&ctx, get_fail_objs, n);
		rte_errno = ENOBUFS;
	}
	return ret;
}

/*
 * The fast paths below touch the pool's read-only fields, the lcore's
 * entry in caches[], the first line of the cache and the magazine's slots:
 * no atomic read-modify-write, no store to a line another lcore writes.
 */
int
lfpool_enqueue(struct rte_mempool *mp, void *const *objs, unsigned int n)
{
	struct lfpool *pool = mp->pool_data;
	struct lfpool_cache *c = cache_of(pool);
	uint32_t cnt;

	if (unlikely(c == NULL))
		return uncached_put(pool, objs, n);
	cnt = c->loaded_count;
	if (unlikely(n > pool->cap - cnt))
		return cache_put_slow(pool, c, objs, n);
	lfpool_copy_in(pool, c->loaded, cnt, objs, n);
	set_count(&c->loaded_count, cnt + n);
	LFPOOL_OWNER_STAT_ADD(c, put_bulk, 1);
	LFPOOL_OWNER_STAT_ADD(c, put_objs, n);
	return 0;
}

int
lfpool_dequeue(struct rte_mempool *mp, void **objs, unsigned int n)
{
	struct lfpool *pool = mp->pool_data;
	struct lfpool_cache *c = cache_of(pool);
	uint32_t cnt;

	if (unlikely(c == NULL))
		return uncached_get(pool, objs, n);
	cnt = c->loaded_count;
	if (unlikely(n > cnt))
		return cache_get_slow(pool, c, objs, n);
	lfpool_copy_out(pool, c->loaded, cnt, objs, n);
	set_count(&c->loaded_count, cnt - n);
	LFPOOL_OWNER_STAT_ADD(c, get_bulk, 1);
	LFPOOL_OWNER_STAT_ADD(c, get_objs, n);
	return 0;
}

/* --- lcore life cycle (EAL callbacks, serialised by EAL) --- */

static struct lfpool_cache *
cache_alloc(struct lfpool *pool, unsigned int lcore_id)
{
	struct lfpool_cache *c;

	c = lfpool_mem_alloc("lfpool_cache", sizeof(*c), pool->socket_id);
	if (c == NULL)
		return NULL;
	c->lcore_id = lcore_id;
	/* Relaxed: statistics only. */
	__atomic_fetch_add(&pool->metadata_bytes, sizeof(*c), __ATOMIC_RELAXED);
	return c;
}

/* An lcore's cache as the lcore callbacks see it (NULL if never made). */
static struct lfpool_cache *
callback_cache(const struct lfpool *pool, unsigned int lcore_id)
{
	/* Relaxed: only these callbacks store it, serialised by EAL. */
	return __atomic_load_n(&pool->caches[lcore_id], __ATOMIC_RELAXED);
}

/*
 * Init callback: runs for every lcore when the pool is created (on the
 * creating thread) and later on each thread that calls
 * rte_thread_register(). A failure leaves the lcore without a cache (the
 * cacheless path serves it) rather than refusing the thread.
 */
int
lfpool_lcore_init(unsigned int lcore_id, void *arg)
{
	struct rte_mempool *mp = arg;
	struct lfpool *pool = mp->pool_data;
	struct lfpool_cache *c = callback_cache(pool, lcore_id);
	bool fresh = c == NULL;
	struct lfpool_ctx ctx;
	struct lfpool_mag *a, *b;

	if (fresh)
		c = cache_alloc(pool, lcore_id);
	if (c == NULL) {
		LFPOOL_LOG(WARNING, "%s: no memory for lcore %u's cache",
			mp->name, lcore_id);
		return 0;
	}
	/* Acquire: pairs with the release store in lfpool_lcore_uninit():
	 * the previous owner's flush and counters happen before our use.
	 */
	if (__atomic_load_n(&c->owner, __ATOMIC_ACQUIRE) != 0)
		return 0; /* Already set up: EAL never inits an lcore twice. */
	ctx = (struct lfpool_ctx){.pool = pool, .st = &c->st, .shared = false};
	a = lfpool_mag_get_empty(&ctx);
	b = a != NULL ? lfpool_mag_get_empty(&ctx) : NULL;
	if (b == NULL) {
		if (a != NULL)
			lfpool_mag_put(&ctx, a);
		LFPOOL_LOG(WARNING, "%s: no magazines for lcore %u's cache",
			mp->name, lcore_id);
	} else {
		c->loaded = a;
		c->previous = b;
		set_count(&c->loaded_count, 0);
		set_count(&c->prev_count, 0);
		/* Release: the fields above happen before the owner's
		 * first use (relaxed load in cache_of(), after the acquire
		 * load of the pointer or by the same thread).
		 */
		__atomic_store_n(&c->owner, lfpool_pid, __ATOMIC_RELEASE);
	}
	if (fresh)
		/* Release: pairs with the acquire load in cache_of() and
		 * in readers of the counters.
		 */
		__atomic_store_n(&pool->caches[lcore_id], c, __ATOMIC_RELEASE);
	return 0;
}

/* Give everything the cache holds to the depot; the cache keeps nothing. */
static void
cache_flush(struct lfpool *pool, struct lfpool_cache *c)
{
	struct lfpool_ctx ctx = {.pool = pool, .st = &c->st, .shared = false};

	cache_give(&ctx, c->loaded, c->loaded_count);
	cache_give(&ctx, c->previous, c->prev_count);
	c->loaded = NULL;
	c->previous = NULL;
	set_count(&c->loaded_count, 0);
	set_count(&c->prev_count, 0);
}

/*
 * Uninit callback: runs on a registered thread that unregisters (in that
 * thread, its lcore id still set), and for every lcore when the pool is
 * freed (then there is nothing to flush).
 */
void
lfpool_lcore_uninit(unsigned int lcore_id, void *arg)
{
	struct rte_mempool *mp = arg;
	struct lfpool *pool = mp->pool_data;
	struct lfpool_cache *c = callback_cache(pool, lcore_id);
	struct rte_mempool_cache *dc;

	/* Relaxed: owner is only ever set to this process's pid by this
	 * process's callbacks.
	 */
	if (c == NULL ||
		__atomic_load_n(&c->owner, __ATOMIC_RELAXED) != lfpool_pid)
		return;
	/* Relaxed: set by the freeing thread, which runs this callback. */
	if (!__atomic_load_n(&pool->freeing, __ATOMIC_RELAXED)) {
		/* DPDK's own cache first: its flush enqueues through
		 * lfpool_enqueue(), into this lcore's cache, flushed next.
		 */
		dc = rte_mempool_default_cache(mp, lcore_id);
		if (dc != NULL)
			rte_mempool_cache_flush(dc, mp);
		cache_flush(pool, c);
	}
	/* Release: the flush happens before the next owner's acquire in
	 * lfpool_lcore_init().
	 */
	__atomic_store_n(&c->owner, 0, __ATOMIC_RELEASE);
}

uint64_t
lfpool_caches_count(const struct lfpool *pool, uint32_t *nb_caches)
{
	const struct lfpool_cache *c;
	uint64_t sum = 0;
	uint32_t nb = 0;
	unsigned int i;

	for (i = 0; i < RTE_MAX_LCORE; i++) {
		/* Acquire: pairs with the release in lfpool_lcore_init(). */
		c = __atomic_load_n(&pool->caches[i], __ATOMIC_ACQUIRE);
		if (c == NULL)
			continue;
		/* Relaxed: snapshots of owner-written counts. */
		sum += __atomic_load_n(&c->loaded_count, __ATOMIC_RELAXED);
		/* Relaxed: same. */
		sum += __atomic_load_n(&c->prev_count, __ATOMIC_RELAXED);
		/* Relaxed: statistics only. */
		nb += __atomic_load_n(&c->owner, __ATOMIC_RELAXED) != 0;
	}
	if (nb_caches != NULL)
		*nb_caches = nb;
	return sum;
}

/* Control path (pool free): release the caches and their magazines. */
void
lfpool_caches_free(struct lfpool *pool)
{
	struct lfpool_cache *c;
	unsigned int i;

	for (i = 0; i < RTE_MAX_LCORE; i++) {
		c = pool->caches[i];
		if (c == NULL)
			continue;
		if (c->loaded != NULL &&
			!(c->loaded->flags & LFPOOL_MAG_F_SLAB))
			lfpool_mem_free(c->loaded);
		if (c->previous != NULL &&
			!(c->previous->flags & LFPOOL_MAG_F_SLAB))
			lfpool_mem_free(c->previous);
		lfpool_mem_free(c);
		pool->caches[i] = NULL;
	}
}
