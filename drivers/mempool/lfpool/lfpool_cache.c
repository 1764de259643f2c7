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
 * The owner never uses an atomic read-modify-write or a fence here (in
 * membarrier mode): it brackets each call with stores of busy, checks
 * steal once (which also tells fence mode), and publishes its counts and
 * counters with plain-cost stores. Another thread may take the cache's
 * magazines between two calls (lfpool_steal.c): the owner then sees
 * steal set and serves that one call from the depot.
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
	 * Another process's thread with the same lcore id reads a token
	 * that is not its own and stays off the cache.
	 */
	if (__atomic_load_n(&c->owner, __ATOMIC_RELAXED) != lfpool_token)
		return NULL;
	return c;
}

/* The owner is out of the cache: a thief may take it from now on. */
static inline void
cache_release(struct lfpool_cache *c)
{
	/* Release: the magazines and counts as this call left them happen
	 * before a thief's acquire load of busy in steal_take().
	 */
	__atomic_store_n(&c->busy, 0, __ATOMIC_RELEASE);
}

/* cache_leave() when a thief asked for the objects: hand them over. */
static __rte_noinline int
cache_leave_hand_over(struct lfpool *pool, struct lfpool_cache *c)
{
	lfpool_cache_hand_over(pool, c);
	cache_release(c);
	return 0;
}

/*
 * The owner leaves the cache; returns 0, the result of every call that
 * got this far, so that callers end with it. A thief that found the
 * cache busy asked for its objects: they are handed over first.
 */
static inline int
cache_leave(struct lfpool *pool, struct lfpool_cache *c)
{
	/* Relaxed: a request, not a synchronisation; the objects travel
	 * through the depot's release/acquire CAS.
	 */
	if (unlikely(__atomic_load_n(&c->want, __ATOMIC_RELAXED)))
		return cache_leave_hand_over(pool, c);
	cache_release(c);
	return 0;
}

/*
 * The owner enters its cache for one call. The store of busy and the load
 * of steal are one side of an asymmetric Dekker pair; the thief's side is
 * in lfpool_steal(). Returns 0 when the cache is the owner's until
 * cache_leave(), else the steal it saw, which cache_enter_slow() judges.
 */
static inline uint16_t
cache_enter(struct lfpool_cache *c)
{
	/* Relaxed: ordered before the load of steal by the thief's
	 * membarrier() (below), or by the fence in cache_enter_slow().
	 */
	__atomic_store_n(&c->busy, 1, __ATOMIC_RELAXED);
	/* Membarrier mode: the thief's membarrier() in steal_heavy_fence()
	 * runs a full fence on this thread; the compiler must keep the
	 * store before the load.
	 */
	rte_compiler_barrier();
	/* Acquire: pairs with the release decrement of steal in
	 * steal_leave(), so the thieves' new magazines are seen. A cache in
	 * fence mode carries LFPOOL_STEAL_FENCED, so this load never lets
	 * its owner in: a hit loads no mode.
	 */
	return __atomic_load_n(&c->steal, __ATOMIC_ACQUIRE);
}

/*
 * cache_enter() saw steal not 0: thieves are inside (the call goes to the
 * depot: false), or the cache is in fence mode, whose full fence orders
 * the store of busy before a second load of steal that decides.
 */
static bool
cache_enter_slow(struct lfpool_cache *c, uint16_t seen)
{
	if (seen == LFPOOL_STEAL_FENCED) {
		/* Fence mode: pairs with the thief's full fence in
		 * steal_heavy_fence(), as its membarrier() does not serve
		 * this process.
		 */
		rte_atomic_thread_fence(__ATOMIC_SEQ_CST);
		/* Acquire: as in cache_enter(). */
		if (__atomic_load_n(&c->steal, __ATOMIC_ACQUIRE) ==
			LFPOOL_STEAL_FENCED)
			return true;
	}
	/* This call touched nothing: out again, as in cache_leave(). */
	cache_release(c);
	return false;
}

/*
 * Swap loaded and previous. prev_count is stored before loaded_count, and
 * a thief's look loads them the other way round (cache_guess()): a look
 * in the middle of a put's swap (loaded_count falls to 0, prev_count
 * rises to the capacity) sees the objects twice rather than not at all.
 * A get's swap can still look empty for an instant: its owner is inside
 * a get, taking those objects.
 */
static void
cache_swap(struct lfpool_cache *c)
{
	struct lfpool_mag *m = c->loaded;
	uint32_t n = c->loaded_count, p = c->prev_count;

	c->loaded = c->previous;
	c->previous = m;
	lfpool_set_count(&c->prev_count, n);
	/* Release: pairs with the acquire load of loaded_count in
	 * cache_guess(), so a look that sees the new loaded_count sees the
	 * new prev_count too.
	 */
	__atomic_store_n(&c->loaded_count, p, __ATOMIC_RELEASE);
}

/* Hand a cache magazine to the depot with its true count. */
static void
cache_give(struct lfpool_ctx *ctx, struct lfpool_mag *m, uint32_t count)
{
	m->count = count;
	lfpool_mag_put(ctx, m);
}

static inline struct lfpool_ctx
owner_ctx(struct lfpool *pool, struct lfpool_cache *c)
{
	return (struct lfpool_ctx){.pool = pool, .st = &c->st, .shared = false};
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
	struct lfpool_ctx ctx = owner_ctx(pool, c);
	unsigned int total = n;
	struct lfpool_mag *m;
	bool depot = false;
	uint32_t cnt, k;

	while (n > 0) {
		cnt = c->loaded_count;
		if (cnt < pool->cap) {
			k = RTE_MIN(n, pool->cap - cnt);
			lfpool_copy_in(pool, c->loaded, cnt, objs, k);
			lfpool_set_count(&c->loaded_count, cnt + k);
			objs += k;
			n -= k;
			continue;
		}
		if (c->prev_count == 0) {
			cache_swap(c);
			continue;
		}
		depot = true;
		m = lfpool_mag_get_empty(pool, NULL);
		if (unlikely(m == NULL)) {
			/* Every spare magazine is in another thread's hands
			 * for an instant: the depot path finds room.
			 */
			lfpool_depot_enqueue(&ctx, objs, n);
			break;
		}
		cache_give(&ctx, c->previous, pool->cap);
		c->previous = c->loaded;
		lfpool_set_count(&c->prev_count, pool->cap);
		c->loaded = m;
		lfpool_set_count(&c->loaded_count, 0);
	}
	LFPOOL_STAT_ADD(&ctx, put_bulk, 1);
	if (depot)
		LFPOOL_STAT_ADD(&ctx, cache_misses, 1);
	cache_leave(pool, c);
	/* Counted once a thief can take them (see cache_put()). */
	LFPOOL_COUNT_OBJS(&ctx, put_objs, total);
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
	lfpool_set_count(&c->loaded_count, cnt - k);
	return k;
}

/*
 * More than loaded holds: previous (if full), then depot magazines, each
 * replacing the emptied loaded one. Every object is secured before objs
 * is written, so a failure leaves objs as it was, and the cache too
 * unless a thief asked for it while this get waited (then it is in the
 * depot, and the chain holds what was handed over: need grew by it).
 */
static __rte_noinline int
cache_get_slow(struct lfpool *pool, struct lfpool_cache *c, void **objs,
	unsigned int n)
{
	struct lfpool_ctx ctx = owner_ctx(pool, c);
	unsigned int local = c->loaded_count + c->prev_count, got;
	struct lfpool_mag *chain = NULL, *next;

	if (n > local &&
		lfpool_gather_or_steal(&ctx, c, n - local, &chain) < 0) {
		LFPOOL_STAT_ADD(&ctx, get_fail_bulk, 1);
		LFPOOL_STAT_ADD(&ctx, get_fail_objs, n);
		LFPOOL_STAT_ADD(&ctx, cache_misses, 1);
		cache_leave(pool, c);
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
		lfpool_set_count(&c->loaded_count, chain->count);
		got += cache_take(pool, c, objs + got, n - got);
	}
	RTE_ASSERT(got == n);
	LFPOOL_STAT_ADD(&ctx, get_bulk, 1);
	LFPOOL_COUNT_OBJS(&ctx, get_objs, n);
	if (n > local)
		LFPOOL_STAT_ADD(&ctx, cache_misses, 1);
	return cache_leave(pool, c);
}

/*
 * The depot paths: threads without a cache (c NULL: shared counters), and
 * an owner out of its cache c while a steal holds it (its own counters).
 */
static inline struct lfpool_ctx
depot_ctx(struct lfpool *pool, struct lfpool_cache *c)
{
	if (c != NULL)
		return owner_ctx(pool, c);
	return (struct lfpool_ctx){
		.pool = pool,
		.st = &pool->uncached,
		.shared = true,
		.rec = lfpool_rec_get(pool),
	};
}

static __rte_noinline int
depot_put(struct lfpool *pool, struct lfpool_cache *c, void *const *objs,
	unsigned int n)
{
	struct lfpool_ctx ctx = depot_ctx(pool, c);

	lfpool_depot_enqueue(&ctx, objs, n);
	LFPOOL_STAT_ADD(&ctx, put_bulk, 1);
	LFPOOL_COUNT_OBJS(&ctx, put_objs, n);
	return 0;
}

/* Out of its cache, an owner may take from it as a thief does. */
static __rte_noinline int
depot_get(struct lfpool *pool, struct lfpool_cache *c, void **objs,
	unsigned int n)
{
	struct lfpool_ctx ctx = depot_ctx(pool, c);
	struct lfpool_mag *chain;
	/* objs is not touched before every object is secured: DPDK's
	 * cache passes its own array and expects it intact on failure.
	 */
	int ret = lfpool_gather_or_steal(&ctx, NULL, n, &chain);

	/* Objects a dead process held in flight come back on adoption. */
	if (ret < 0 && lfpool_recs_reclaim_lazily(pool) > 0)
		ret = lfpool_gather_or_steal(&ctx, NULL, n, &chain);
	if (ret == 0) {
		lfpool_chain_copy_out(&ctx, chain, objs, n);
		LFPOOL_STAT_ADD(&ctx, get_bulk, 1);
		LFPOOL_COUNT_OBJS(&ctx, get_objs, n);
	} else {
		LFPOOL_STAT_ADD(&ctx, get_fail_bulk, 1);
		LFPOOL_STAT_ADD(&ctx, get_fail_objs, n);
		rte_errno = ENOBUFS;
	}
	return ret;
}

/*
 * A put and a get inside the cache. These, cache_of() and cache_enter()
 * are the hit path: they touch the pool's read-only fields, the lcore's
 * entry in caches[], the first line of the cache and the magazine's
 * slots; no atomic read-modify-write, no fence, no store to a line
 * another lcore writes (a thief writes steal only while it steals). Every
 * other way out is a tail call, so a hit needs no stack frame.
 */
static inline int
cache_put(struct lfpool *pool, struct lfpool_cache *c, void *const *objs,
	unsigned int n)
{
	uint32_t cnt = c->loaded_count;

	if (unlikely(n > pool->cap - cnt))
		return cache_put_slow(pool, c, objs, n);
	lfpool_copy_in(pool, c->loaded, cnt, objs, n);
	lfpool_set_count(&c->loaded_count, cnt + n);
	LFPOOL_OWNER_STAT_ADD(c, put_bulk, 1);
	cache_leave(pool, c);
	/* Counted after the owner left: whoever sees them counted can take
	 * them at once (DPDK's tests get every object avail_count counted
	 * the moment the count is right). Only the owner writes these
	 * counters, so one past cache_leave() is still a single writer.
	 */
	LFPOOL_OWNER_COUNT_OBJS(c, put_objs, n);
	return 0;
}

static inline int
cache_get(struct lfpool *pool, struct lfpool_cache *c, void **objs,
	unsigned int n)
{
	uint32_t cnt = c->loaded_count;

	if (unlikely(n > cnt))
		return cache_get_slow(pool, c, objs, n);
	lfpool_copy_out(pool, c->loaded, cnt, objs, n);
	lfpool_set_count(&c->loaded_count, cnt - n);
	LFPOOL_OWNER_STAT_ADD(c, get_bulk, 1);
	LFPOOL_OWNER_COUNT_OBJS(c, get_objs, n);
	return cache_leave(pool, c);
}

/*
 * More than one object: the copy loops out of line, so that a hit of one
 * object, the usual call, needs no stack frame.
 */
static __rte_noinline int
cache_put_bulk(struct lfpool *pool, struct lfpool_cache *c, void *const *objs,
	unsigned int n)
{
	return cache_put(pool, c, objs, n);
}

static __rte_noinline int
cache_get_bulk(struct lfpool *pool, struct lfpool_cache *c, void **objs,
	unsigned int n)
{
	return cache_get(pool, c, objs, n);
}

/* cache_enter() saw steal set: the cache in fence mode, or the depot. */
static __rte_noinline int
cache_put_contended(struct lfpool *pool, struct lfpool_cache *c, uint16_t seen,
	void *const *objs, unsigned int n)
{
	if (cache_enter_slow(c, seen))
		return cache_put(pool, c, objs, n);
	return depot_put(pool, c, objs, n);
}

static __rte_noinline int
cache_get_contended(struct lfpool *pool, struct lfpool_cache *c, uint16_t seen,
	void **objs, unsigned int n)
{
	if (cache_enter_slow(c, seen))
		return cache_get(pool, c, objs, n);
	return depot_get(pool, c, objs, n);
}

int
lfpool_enqueue(struct rte_mempool *mp, void *const *objs, unsigned int n)
{
	struct lfpool *pool = mp->pool_data;
	struct lfpool_cache *c = cache_of(pool);
	uint16_t seen;

	if (unlikely(c == NULL))
		return depot_put(pool, NULL, objs, n);
	seen = cache_enter(c);
	if (unlikely(seen != 0))
		return cache_put_contended(pool, c, seen, objs, n);
	if (likely(n == 1))
		return cache_put(pool, c, objs, 1);
	return cache_put_bulk(pool, c, objs, n);
}

int
lfpool_dequeue(struct rte_mempool *mp, void **objs, unsigned int n)
{
	struct lfpool *pool = mp->pool_data;
	struct lfpool_cache *c = cache_of(pool);
	uint16_t seen;

	if (unlikely(c == NULL))
		return depot_get(pool, NULL, objs, n);
	seen = cache_enter(c);
	if (unlikely(seen != 0))
		return cache_get_contended(pool, c, seen, objs, n);
	if (likely(n == 1))
		return cache_get(pool, c, objs, 1);
	return cache_get_bulk(pool, c, objs, n);
}

/* --- lcore life cycle (lfpool_lcore.c's callbacks, serialised by EAL) --- */

/*
 * A new cache with its two magazines, and one more spare for the depot:
 * each cache brings what it can hold and what its owner may have in
 * flight, so the depot's spares do not shrink as threads register.
 */
static struct lfpool_cache *
cache_alloc(struct lfpool *pool, unsigned int lcore_id)
{
	struct lfpool_mag *mags[2];
	struct lfpool_cache *c;

	c = lfpool_mem_alloc("lfpool_cache", sizeof(*c), pool->socket_id);
	if (c == NULL)
		return NULL;
	if (lfpool_slab_add(pool, 3, mags, RTE_DIM(mags)) < 0) {
		lfpool_mem_free(c);
		return NULL;
	}
	/* Nobody sees the cache before caches[lcore_id] is published. */
	c->loaded = mags[0];
	c->previous = mags[1];
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
 * Runs for every lcore when the pool is created (on the creating thread)
 * and later on each thread that calls rte_thread_register(). A failure
 * leaves the lcore without a cache (the cacheless path serves it) rather
 * than refusing the thread. A cache used before keeps its magazines
 * (empty, or with what no empty one could replace): thieves may still be
 * inside it, and the new owner serves its calls from the depot until
 * they are out, so nothing here waits for them.
 */
void
lfpool_lcore_init(unsigned int lcore_id, struct rte_mempool *mp)
{
	struct lfpool *pool = mp->pool_data;
	struct lfpool_cache *c = callback_cache(pool, lcore_id);
	bool fresh = c == NULL;
	uint8_t fenced;

	if (fresh)
		c = cache_alloc(pool, lcore_id);
	if (c == NULL) {
		LFPOOL_LOG(WARNING, "%s: no memory for lcore %u's cache",
			mp->name, lcore_id);
		return;
	}
	/* Acquire: pairs with the release store in lfpool_lcore_uninit():
	 * the previous owner's flush and counters happen before our use.
	 */
	if (__atomic_load_n(&c->owner, __ATOMIC_ACQUIRE) != 0)
		return; /* Already set up: EAL never inits an lcore twice. */
	/* Relaxed: set once per process, before any pool is made. */
	fenced = __atomic_load_n(&lfpool_owner_fenced, __ATOMIC_RELAXED);
	/* Relaxed: published by the release store of owner. */
	__atomic_store_n(&c->fenced, fenced, __ATOMIC_RELAXED);
	/* Relaxed: the same publication. An RMW, as thieves may still be
	 * counting themselves in steal; the owner's copy of the mode.
	 */
	if (fenced)
		__atomic_fetch_or(
			&c->steal, LFPOOL_STEAL_FENCED, __ATOMIC_RELAXED);
	else
		__atomic_fetch_and(&c->steal, (uint16_t)~LFPOOL_STEAL_FENCED,
			__ATOMIC_RELAXED);
	/* Release: the fields above happen before the owner's first use
	 * (relaxed load in cache_of(), after the acquire load of the
	 * pointer or by the same thread).
	 */
	__atomic_store_n(&c->owner, lfpool_token, __ATOMIC_RELEASE);
	if (fresh)
		/* Release: pairs with the acquire load in cache_of() and
		 * in readers of the counters.
		 */
		__atomic_store_n(&pool->caches[lcore_id], c, __ATOMIC_RELEASE);
}

/*
 * Runs on a registered thread that unregisters (in that thread, its lcore
 * id still set); not when the pool is freed (it is no longer live then).
 */
void
lfpool_lcore_uninit(unsigned int lcore_id, struct rte_mempool *mp)
{
	struct lfpool *pool = mp->pool_data;
	struct lfpool_cache *c = callback_cache(pool, lcore_id);
	struct rte_mempool_cache *dc;

	/* Relaxed: owner is only ever set to this process's token by
	 * this process's callbacks.
	 */
	if (c == NULL ||
		__atomic_load_n(&c->owner, __ATOMIC_RELAXED) != lfpool_token)
		return;
	/* DPDK's own cache first: its flush enqueues through
	 * lfpool_enqueue(), into this lcore's cache, flushed next.
	 */
	dc = rte_mempool_default_cache(mp, lcore_id);
	if (dc != NULL)
		rte_mempool_cache_flush(dc, mp);
	/* Then every object to the depot, as a thief would take them
	 * (a thief stopped inside keeps the one magazine it is taking).
	 */
	lfpool_cache_hand_over(pool, c);
	/* Release: the flush happens before the next owner's acquire in
	 * lfpool_lcore_init().
	 */
	__atomic_store_n(&c->owner, 0, __ATOMIC_RELEASE);
}

/* Caches owned by a thread now (statistics: a snapshot). */
uint32_t
lfpool_caches_owned(const struct lfpool *pool)
{
	const struct lfpool_cache *c;
	uint32_t nb = 0;
	unsigned int i;

	for (i = 0; i < RTE_MAX_LCORE; i++) {
		/* Acquire: pairs with the release in lfpool_lcore_init(). */
		c = __atomic_load_n(&pool->caches[i], __ATOMIC_ACQUIRE);
		/* Relaxed: statistics only. */
		if (c != NULL &&
			__atomic_load_n(&c->owner, __ATOMIC_RELAXED) != 0)
			nb++;
	}
	return nb;
}

/* Control path (pool free): release the caches; magazines are slabs'. */
void
lfpool_caches_free(struct lfpool *pool)
{
	unsigned int i;

	for (i = 0; i < RTE_MAX_LCORE; i++) {
		lfpool_mem_free(pool->caches[i]);
		pool->caches[i] = NULL;
	}
}
