/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The lfpool authors
 */

/*
 * The depot: two lock-free stacks of magazines (full, empty), the partial
 * slot, magazine allocation and reclamation, and the paths of threads
 * without a cache. Every pop protects the head with a hazard pointer (the
 * magazine may be freed by a concurrent shrink); pushes dereference nothing
 * shared and need none.
 */

#include <errno.h>
#include <pthread.h>
#include <string.h>

#include <rte_common.h>
#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_malloc.h>
#include <rte_pause.h>
#include <rte_per_lcore.h>
#include <rte_spinlock.h>

#include "lfp_heap_tsan.h"
#include "lfpool_private.h"

/* One hazard-pointer domain serves every lfpool pool. */
#define LFPOOL_HP_DOMAIN "lfpool"
#define LFPOOL_HP_RECLAIMER "lfpool_mag"
/* Every lcore plus as many unregistered threads. */
#define LFPOOL_HP_RECORDS (RTE_MAX_LCORE + 128)
/* Pops use slot 0 only. */
#define LFPOOL_HP_SLOTS 1

/*
 * Per process: the domain (found or created once) and the id of the
 * magazine reclaimer bound in this process. Written once under hp_lock,
 * then read lock-free (hp_domain release/acquire).
 */
static struct lfp_hp_domain *hp_domain;
static uint32_t hp_reclaimer;
static rte_spinlock_t hp_lock = RTE_SPINLOCK_INITIALIZER;

/* This thread's hazard record, and the key that releases it at exit. */
static RTE_DEFINE_PER_LCORE(struct lfp_hp_record *, hp_rec);
static pthread_key_t hp_key;
static pthread_once_t hp_key_once = PTHREAD_ONCE_INIT;
static int hp_key_err;

/* Test hook (per process), see lfp_mempool_set_test_hook(). */
static lfp_mempool_test_hook_t test_hook;
static void *test_hook_arg;

void *
lfpool_mem_alloc(const char *what, size_t size, int socket_id)
{
	void *p;

	LFP_HEAP_TSAN_LOCK();
	p = rte_zmalloc_socket(what, size, RTE_CACHE_LINE_SIZE, socket_id);
	LFP_HEAP_TSAN_UNLOCK();
	return p;
}

void
lfpool_mem_free(void *ptr)
{
	LFP_HEAP_TSAN_LOCK();
	rte_free(ptr);
	LFP_HEAP_TSAN_UNLOCK();
}

/* Reclaimer: the magazine is unlinked and no hazard protects it. */
static void
mag_reclaim(struct lfp_hp_node *node, void *arg)
{
	RTE_SET_USED(arg);
	lfpool_mem_free(node->ptr);
}

int
lfpool_hp_attach(bool create)
{
	struct lfp_hp_domain *d;
	int id, ret = 0;

	rte_spinlock_lock(&hp_lock);
	/* Relaxed: hp_lock orders this with the store below. */
	if (__atomic_load_n(&hp_domain, __ATOMIC_RELAXED) != NULL)
		goto out;
	/* The first pool of the first process creates the shared domain;
	 * everyone else finds it (a miss is answered ENOENT, quietly).
	 */
	d = lfp_hp_domain_lookup(LFPOOL_HP_DOMAIN);
	if (d == NULL && create && rte_errno == ENOENT)
		d = lfp_hp_domain_create(LFPOOL_HP_DOMAIN, LFPOOL_HP_RECORDS,
			LFPOOL_HP_SLOTS, SOCKET_ID_ANY);
	if (d == NULL) {
		ret = -rte_errno;
		LFPOOL_LOG(ERR, "hazard-pointer domain %s: %s",
			LFPOOL_HP_DOMAIN, rte_strerror(rte_errno));
		goto out;
	}
	id = lfp_hp_reclaimer_register(
		d, LFPOOL_HP_RECLAIMER, mag_reclaim, NULL);
	if (id < 0) {
		ret = id;
		LFPOOL_LOG(ERR, "reclaimer %s: %s", LFPOOL_HP_RECLAIMER,
			rte_strerror(-id));
		goto out;
	}
	hp_reclaimer = id;
	/* Release: hp_reclaimer is set before any thread sees the domain
	 * (acquire load in domain_get()).
	 */
	__atomic_store_n(&hp_domain, d, __ATOMIC_RELEASE);
out:
	rte_spinlock_unlock(&hp_lock);
	if (ret < 0)
		rte_errno = -ret;
	return ret;
}

static struct lfp_hp_domain *
domain_get(void)
{
	/* Acquire: pairs with the release store in lfpool_hp_attach(). */
	struct lfp_hp_domain *d = __atomic_load_n(&hp_domain, __ATOMIC_ACQUIRE);

	/* A secondary process finds the primary's domain on first use. */
	if (unlikely(d == NULL) && lfpool_hp_attach(false) == 0)
		/* Acquire: same pairing, after this thread's attach. */
		d = __atomic_load_n(&hp_domain, __ATOMIC_ACQUIRE);
	return d;
}

/* pthread key destructor: the thread exits, give its record back. */
static void
hp_record_release(void *r)
{
	RTE_PER_LCORE(hp_rec) = NULL;
	lfp_hp_unregister(r);
}

static void
hp_key_create(void)
{
	hp_key_err = pthread_key_create(&hp_key, hp_record_release);
}

/* Register a record for this thread: first slow path of every thread. */
static struct lfp_hp_record *
hp_record_register(void)
{
	struct lfp_hp_domain *d = domain_get();
	struct lfp_hp_record *r;

	if (d == NULL)
		return NULL;
	pthread_once(&hp_key_once, hp_key_create);
	if (hp_key_err != 0)
		return NULL;
	r = lfp_hp_register(d);
	if (r == NULL)
		return NULL;
	if (pthread_setspecific(hp_key, r) != 0) {
		lfp_hp_unregister(r);
		return NULL;
	}
	RTE_PER_LCORE(hp_rec) = r;
	return r;
}

static inline struct lfp_hp_record *
hp_record(void)
{
	struct lfp_hp_record *r = RTE_PER_LCORE(hp_rec);

	return likely(r != NULL) ? r : hp_record_register();
}

void
lfp_mempool_set_test_hook(lfp_mempool_test_hook_t fn, void *arg)
{
	/* Relaxed: published by the release store of the hook below. */
	__atomic_store_n(&test_hook_arg, arg, __ATOMIC_RELAXED);
	/* Release: the argument before the hook (acquire in stack_pop). */
	__atomic_store_n(&test_hook, fn, __ATOMIC_RELEASE);
}

/* --- Stacks --- */

uint32_t
lfpool_stack_depth(const union lfpool_head *head)
{
	/* Relaxed: a count for statistics and sizing; nothing is read
	 * through it.
	 */
	return __atomic_load_n(&head->ver, __ATOMIC_RELAXED) &
		LFPOOL_DEPTH_MASK;
}

void
lfpool_stack_push(union lfpool_head *head, struct lfpool_mag *m)
{
	union lfpool_head old, new;

	/* Relaxed: a torn or stale pair only makes the CAS fail. */
	old.ptr = __atomic_load_n(&head->ptr, __ATOMIC_RELAXED);
	/* Relaxed: same. */
	old.ver = __atomic_load_n(&head->ver, __ATOMIC_RELAXED);
	do {
		/* Relaxed: published by the release CAS below; a stale
		 * popper may read it concurrently (hence atomic).
		 */
		__atomic_store_n(&m->next, old.ptr, __ATOMIC_RELAXED);
		new.ptr = m;
		new.ver = old.ver + LFPOOL_TAG_ONE + 1;
		/* Release: m's next, count and slots happen before the
		 * acquire CAS that pops m. A 16-byte __atomic CAS (libatomic,
		 * lock-free cmpxchg16b/casp) rather than DPDK's inline-asm
		 * rte_atomic128_cmp_exchange, so ThreadSanitizer sees it.
		 * Failure reloads old atomically; relaxed, nothing is read
		 * through it.
		 */
	} while (!__atomic_compare_exchange_n(&head->raw, &old.raw, new.raw,
		false, __ATOMIC_RELEASE, __ATOMIC_RELAXED));
}

static inline void
run_test_hook(const struct lfpool *pool)
{
	/* Acquire: pairs with the release in lfp_mempool_set_test_hook(). */
	lfp_mempool_test_hook_t fn = __atomic_load_n(
		&test_hook, __ATOMIC_ACQUIRE);

	if (unlikely(fn != NULL))
		/* Relaxed: ordered by the acquire load of the hook. */
		fn(pool->mp, __atomic_load_n(&test_hook_arg, __ATOMIC_RELAXED));
}

/*
 * Pop, or NULL when the stack is empty or this thread has no hazard record.
 * The version read after the protected pointer decides: if the CAS finds
 * {ptr, ver} unchanged, no CAS succeeded since ver was read (the tag would
 * differ), so ptr stayed on top and the next read in between is its link.
 */
struct lfpool_mag *
lfpool_stack_pop(struct lfpool_ctx *ctx, union lfpool_head *head)
{
	struct lfp_hp_record *r = hp_record();
	union lfpool_head old, new;

	if (unlikely(r == NULL)) {
		LFPOOL_STAT_ADD(ctx, hp_fallbacks, 1);
		return NULL;
	}
	for (;;) {
		/* Publishes the hazard and re-reads head->ptr (seq_cst) until
		 * stable: ptr cannot be freed until the slot is cleared.
		 */
		old.ptr = lfp_hp_protect(r, 0, (void *const *)&head->ptr);
		if (old.ptr == NULL)
			break;
		run_test_hook(ctx->pool);
		/* Acquire: keeps the read of next after it (see above). */
		old.ver = __atomic_load_n(&head->ver, __ATOMIC_ACQUIRE);
		/* Relaxed: validated by the CAS; the owner of a magazine
		 * popped meanwhile may rewrite it.
		 */
		new.ptr = __atomic_load_n(&old.ptr->next, __ATOMIC_RELAXED);
		new.ver = old.ver + LFPOOL_TAG_ONE - 1;
		/* Acquire: pairs with the release CAS of the push, so the
		 * magazine's count and slots are visible. Relaxed on failure:
		 * the loop protects the new head again.
		 */
		if (__atomic_compare_exchange_n(&head->raw, &old.raw, new.raw,
			    false, __ATOMIC_ACQUIRE, __ATOMIC_RELAXED))
			break;
	}
	lfp_hp_clear(r, 0);
	return old.ptr;
}

/* --- Partial slot --- */

struct lfpool_mag *
lfpool_partial_take(struct lfpool *pool)
{
	union lfpool_partial old, none = {.raw = 0};

	/* Relaxed: a peek that saves a locked exchange when the slot is
	 * empty; the exchange decides.
	 */
	if (__atomic_load_n(&pool->partial.ptr, __ATOMIC_RELAXED) == NULL)
		return NULL;
	/* Acquire: pairs with the release CAS in partial_install(). The
	 * magazine is not dereferenced before it is ours: no hazard needed.
	 */
	old.raw = __atomic_exchange_n(
		&pool->partial.raw, none.raw, __ATOMIC_ACQUIRE);
	return old.ptr;
}

static bool
partial_install(struct lfpool *pool, struct lfpool_mag *m)
{
	union lfpool_partial expected = {.raw = 0}, desired;

	desired.ptr = m;
	desired.count = m->count;
	/* Release: m's count and slots happen before the acquire exchange
	 * that takes it. Relaxed on failure: the caller takes the new one.
	 */
	return __atomic_compare_exchange_n(&pool->partial.raw, &expected.raw,
		desired.raw, false, __ATOMIC_RELEASE, __ATOMIC_RELAXED);
}

uint32_t
lfpool_partial_count(const struct lfpool *pool)
{
	/* Relaxed: a count; it is 0 whenever the slot is empty. */
	return (uint32_t)__atomic_load_n(
		&pool->partial.count, __ATOMIC_RELAXED);
}

/* --- Magazines --- */

static void
pool_account(struct lfpool *pool, int64_t mags, int64_t bytes)
{
	/* Relaxed: statistics, they order nothing. */
	__atomic_fetch_add(&pool->magazines, (uint64_t)mags, __ATOMIC_RELAXED);
	/* Relaxed: same. */
	__atomic_fetch_add(
		&pool->metadata_bytes, (uint64_t)bytes, __ATOMIC_RELAXED);
}

int
lfpool_slab_add(struct lfpool *pool, uint32_t nb_mags)
{
	size_t bytes = sizeof(struct lfpool_slab) +
		(size_t)nb_mags * pool->mag_bytes;
	struct lfpool_slab *slab;
	struct lfpool_mag *m;
	uint32_t i;

	slab = lfpool_mem_alloc("lfpool_slab", bytes, pool->socket_id);
	if (slab == NULL)
		return -ENOMEM;
	slab->nb_mags = nb_mags;
	for (i = 0; i < nb_mags; i++) {
		m = RTE_PTR_ADD(slab + 1, (size_t)i * pool->mag_bytes);
		m->flags = LFPOOL_MAG_F_SLAB;
		lfpool_stack_push(&pool->empty, m);
	}
	slab->next = pool->slabs;
	pool->slabs = slab;
	pool_account(pool, nb_mags, bytes);
	return 0;
}

/* Slow path: a put found no empty magazine. */
static struct lfpool_mag *
mag_alloc(struct lfpool_ctx *ctx)
{
	struct lfpool *pool = ctx->pool;
	struct lfpool_mag *m;

	m = lfpool_mem_alloc("lfpool_mag", pool->mag_bytes, pool->socket_id);
	if (m == NULL)
		return NULL;
	LFPOOL_STAT_ADD(ctx, mag_allocs, 1);
	pool_account(pool, 1, pool->mag_bytes);
	return m;
}

static void
mag_retire(
	struct lfpool_ctx *ctx, struct lfp_hp_record *r, struct lfpool_mag *m)
{
	struct lfpool *pool = ctx->pool;

	if (lfp_hp_retire(r, lfpool_mag_node(m), m, hp_reclaimer) < 0) {
		lfpool_stack_push(&pool->empty, m);
		return;
	}
	LFPOOL_STAT_ADD(ctx, mag_frees, 1);
	pool_account(pool, -1, -(int64_t)pool->mag_bytes);
}

/*
 * An empty magazine goes back to the empty stack, unless the stack already
 * holds the spare target and the magazine was allocated on demand: then it
 * is retired, and freed once no popper protects it. Slab magazines stay.
 */
static void
mag_put_empty(struct lfpool_ctx *ctx, struct lfpool_mag *m)
{
	struct lfpool *pool = ctx->pool;
	struct lfp_hp_record *r;

	if (!(m->flags & LFPOOL_MAG_F_SLAB) &&
		lfpool_stack_depth(&pool->empty) >= pool->spare_target) {
		r = hp_record();
		if (r != NULL) {
			mag_retire(ctx, r, m);
			return;
		}
		LFPOOL_STAT_ADD(ctx, hp_fallbacks, 1);
	}
	lfpool_stack_push(&pool->empty, m);
}

struct lfpool_mag *
lfpool_mag_get_empty(struct lfpool_ctx *ctx)
{
	struct lfpool_mag *m = lfpool_stack_pop(ctx, &ctx->pool->empty);

	if (m == NULL)
		m = mag_alloc(ctx);
	if (m != NULL)
		m->count = 0;
	return m;
}

/* A full magazine, else the partial one; counts and samples the depot. */
static struct lfpool_mag *
depot_take(struct lfpool_ctx *ctx, bool full_first)
{
	struct lfpool *pool = ctx->pool;
	struct lfpool_mag *m;

	if (full_first) {
		m = lfpool_stack_pop(ctx, &pool->full);
		if (m == NULL)
			m = lfpool_partial_take(pool);
	} else {
		m = lfpool_partial_take(pool);
		if (m == NULL)
			m = lfpool_stack_pop(ctx, &pool->full);
	}
	if (m != NULL) {
		LFPOOL_STAT_ADD(ctx, depot_gets, 1);
		lfpool_sample_in_use(pool);
	}
	return m;
}

/*
 * Give a private magazine (any count) to the depot: full ones go to the
 * full stack, empty ones to the empty stack, and a partly filled one is
 * merged with the partial slot's magazine until one of the two is full or
 * empty, so at most one partial magazine ever waits in the depot.
 */
void
lfpool_mag_put(struct lfpool_ctx *ctx, struct lfpool_mag *m)
{
	struct lfpool *pool = ctx->pool;
	struct lfpool_mag *p, *src, *dst;
	uint32_t k;

	LFPOOL_STAT_ADD(ctx, depot_puts, 1);
	for (;;) {
		if (m->count == pool->cap) {
			lfpool_stack_push(&pool->full, m);
			return;
		}
		if (m->count == 0) {
			mag_put_empty(ctx, m);
			return;
		}
		p = lfpool_partial_take(pool);
		if (p == NULL) {
			if (partial_install(pool, m))
				return;
			continue; /* Someone installed one: merge with it. */
		}
		/* Move the lighter magazine's hottest objects into the
		 * heavier one: fewer copies.
		 */
		if (p->count < m->count) {
			src = p;
			dst = m;
		} else {
			src = m;
			dst = p;
		}
		k = RTE_MIN(src->count, pool->cap - dst->count);
		memcpy(&dst->slots[dst->count], &src->slots[src->count - k],
			k * sizeof(dst->slots[0]));
		dst->count += k;
		src->count -= k;
		if (dst->count == pool->cap) {
			lfpool_stack_push(&pool->full, dst);
			m = src; /* The remainder, possibly none. */
		} else {
			mag_put_empty(ctx, src); /* All of src moved. */
			m = dst;
		}
	}
}

/* Free every magazine reachable from the depot, then the slabs. */
void
lfpool_mags_free_all(struct lfpool *pool)
{
	union lfpool_head *stacks[] = {&pool->full, &pool->empty};
	struct lfpool_mag *m, *next;
	struct lfpool_slab *slab;
	unsigned int i;

	/* Control path, no concurrent user: plain reads of the heads. */
	for (i = 0; i < RTE_DIM(stacks); i++) {
		for (m = stacks[i]->ptr; m != NULL; m = next) {
			next = m->next;
			if (!(m->flags & LFPOOL_MAG_F_SLAB))
				lfpool_mem_free(m);
		}
		stacks[i]->raw = 0;
	}
	m = pool->partial.ptr;
	if (m != NULL && !(m->flags & LFPOOL_MAG_F_SLAB))
		lfpool_mem_free(m);
	pool->partial.raw = 0;
	while ((slab = pool->slabs) != NULL) {
		pool->slabs = slab->next;
		lfpool_mem_free(slab);
	}
}

/* --- Paths of threads without a cache --- */

uint64_t
lfpool_depot_count(const struct lfpool *pool)
{
	return (uint64_t)lfpool_stack_depth(&pool->full) * pool->cap +
		lfpool_partial_count(pool);
}

void
lfpool_sample_in_use(struct lfpool *pool)
{
#if LFP_STATS
	/* Relaxed: statistics only. */
	uint64_t populated = __atomic_load_n(
		&pool->populated, __ATOMIC_RELAXED);
	uint64_t depot = lfpool_depot_count(pool);
	uint64_t in_use = populated > depot ? populated - depot : 0;
	/* Relaxed: a maximum of samples, it orders nothing. */
	uint64_t peak = __atomic_load_n(&pool->peak_in_use, __ATOMIC_RELAXED);

	/* Relaxed CAS: same; a failure reloads peak. */
	while (in_use > peak &&
		!__atomic_compare_exchange_n(&pool->peak_in_use, &peak, in_use,
			false, __ATOMIC_RELAXED, __ATOMIC_RELAXED))
		;
#else
	RTE_SET_USED(pool);
#endif
}

void
lfpool_depot_enqueue(struct lfpool_ctx *ctx, void *const *objs, unsigned int n)
{
	struct lfpool *pool = ctx->pool;
	struct lfpool_mag *m;
	uint32_t k;

	while (n > 0) {
		/* The partial magazine first: topping it up costs its
		 * exchange and the CAS that puts it back, where an empty
		 * magazine costs a pop, and a push once merged.
		 */
		m = lfpool_partial_take(pool);
		if (m == NULL)
			m = lfpool_mag_get_empty(ctx);
		if (unlikely(m == NULL)) {
			/* No magazine anywhere: another thread holds them
			 * all for an instant. Wait for one (documented).
			 */
			rte_pause();
			continue;
		}
		k = RTE_MIN(n, pool->cap - m->count);
		lfpool_copy_in(pool, m, m->count, objs, k);
		m->count += k;
		objs += k;
		n -= k;
		lfpool_mag_put(ctx, m);
	}
}

/* Link a private magazine into a private chain. */
static inline void
chain_link(struct lfpool_mag *m, struct lfpool_mag *next)
{
	/* Relaxed: m is ours, but a stale popper may still read next. */
	__atomic_store_n(&m->next, next, __ATOMIC_RELAXED);
}

struct lfpool_mag *
lfpool_chain_next(const struct lfpool_mag *m)
{
	/* Relaxed: written by this thread (chain_link). */
	return __atomic_load_n(&m->next, __ATOMIC_RELAXED);
}

int
lfpool_depot_gather(
	struct lfpool_ctx *ctx, unsigned int need, struct lfpool_mag **chain)
{
	struct lfpool_mag *head = NULL, *tail = NULL, *m;
	unsigned int have = 0;

	/* In order of arrival: every magazine but the last is needed whole,
	 * so a consumer empties all but the last one.
	 */
	while (have < need) {
		/* Whole magazines while a whole one is needed, else the
		 * partial one first, which keeps full magazines whole.
		 */
		m = depot_take(ctx, need - have >= ctx->pool->cap);
		if (m == NULL) {
			/* All or nothing: give the magazines back. */
			for (; head != NULL; head = m) {
				m = lfpool_chain_next(head);
				lfpool_mag_put(ctx, head);
			}
			return -ENOBUFS;
		}
		chain_link(m, NULL);
		if (tail != NULL)
			chain_link(tail, m);
		else
			head = m;
		tail = m;
		have += m->count;
	}
	*chain = head;
	return 0;
}

int
lfpool_depot_dequeue(struct lfpool_ctx *ctx, void **objs, unsigned int n)
{
	struct lfpool *pool = ctx->pool;
	struct lfpool_mag *m, *next;
	unsigned int got = 0;
	uint32_t k;

	/* objs is not touched before every object is secured: DPDK's
	 * cache passes its own array and expects it intact on failure.
	 */
	if (lfpool_depot_gather(ctx, n, &m) < 0)
		return -ENOBUFS;
	for (; m != NULL; m = next) {
		next = lfpool_chain_next(m);
		k = RTE_MIN(n - got, m->count);
		lfpool_copy_out(pool, m, m->count, objs + got, k);
		m->count -= k;
		got += k;
		lfpool_mag_put(ctx, m); /* Empty, or the remainder. */
	}
	return 0;
}
