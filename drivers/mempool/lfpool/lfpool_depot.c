/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The lfpool authors
 */

/*
 * The depot: two lock-free stacks of magazines (full, empty), the partial
 * slot, the magazine slabs, and the paths of threads without a cache.
 * Magazines are allocated on the control path only and never freed while
 * the pool lives, so a popper that reads the link of a magazine popped
 * meanwhile reads a magazine, never freed memory: the version tag of the
 * head, not reclamation, keeps that read from being used (no hazard
 * pointers, no heap call and no lock on get/put).
 */

#include <errno.h>
#include <string.h>

#include <rte_common.h>
#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_malloc.h>
#include <rte_pause.h>

#include "lfp_heap_tsan.h"
#include "lfpool_private.h"

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
lfpool_stack_push(
	union lfpool_head *head, struct lfpool_mag *m, struct lfpool_mag **pub)
{
	union lfpool_head old, new;

	/* Relaxed: a torn or stale pair only makes the CAS fail. */
	old.ptr = __atomic_load_n(&head->ptr, __ATOMIC_RELAXED);
	/* Relaxed: same. */
	old.ver = __atomic_load_n(&head->ver, __ATOMIC_RELAXED);
	for (;;) {
		/* Relaxed: published by the release CAS below; a stale
		 * popper may read it concurrently (hence atomic).
		 */
		__atomic_store_n(&m->next, old.ptr, __ATOMIC_RELAXED);
		new.ptr = m;
		new.ver = old.ver + LFPOOL_TAG_ONE + 1;
		lfpool_rec_pub(pub, NULL);
		/* Release: m's next, count and slots happen before the
		 * acquire CAS that pops m. A 16-byte __atomic CAS (libatomic,
		 * lock-free cmpxchg16b/casp) rather than DPDK's inline-asm
		 * rte_atomic128_cmp_exchange, so ThreadSanitizer sees it.
		 * Failure reloads old atomically; relaxed, nothing is read
		 * through it.
		 */
		if (__atomic_compare_exchange_n(&head->raw, &old.raw, new.raw,
			    false, __ATOMIC_RELEASE, __ATOMIC_RELAXED))
			return;
		lfpool_rec_pub(pub, m);
	}
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
 * Pop, or NULL when the stack is empty. The version read before the link
 * decides: if the CAS finds {ptr, ver} unchanged, no CAS succeeded since
 * ver was read (the tag would differ), so ptr stayed on top and the link
 * read in between is its own. A stale link read from a magazine popped
 * meanwhile is harmless: magazines are never freed while the pool lives.
 */
struct lfpool_mag *
lfpool_stack_pop(union lfpool_head *head, const struct lfpool *pool,
	struct lfpool_mag **pub)
{
	union lfpool_head old, new;

	/* Acquire: pairs with the release CAS of the push that installed
	 * ver, so the link read below is at least that push's.
	 */
	old.ver = __atomic_load_n(&head->ver, __ATOMIC_ACQUIRE);
	/* Relaxed: ordered after ver by the acquire above; a torn pair
	 * only makes the CAS fail.
	 */
	old.ptr = __atomic_load_n(&head->ptr, __ATOMIC_RELAXED);
	while (old.ptr != NULL) {
		run_test_hook(pool);
		/* Relaxed: validated by the CAS; the owner of a magazine
		 * popped meanwhile may rewrite it.
		 */
		new.ptr = __atomic_load_n(&old.ptr->next, __ATOMIC_RELAXED);
		new.ver = old.ver + LFPOOL_TAG_ONE - 1;
		/* Acquire: pairs with the release CAS of the push, so the
		 * magazine's count and slots are visible. On failure old is
		 * reloaded whole; acquire too, as the loop reads its link.
		 */
		if (__atomic_compare_exchange_n(&head->raw, &old.raw, new.raw,
			    false, __ATOMIC_ACQUIRE, __ATOMIC_ACQUIRE)) {
			lfpool_rec_pub(pub, old.ptr);
			break;
		}
	}
	return old.ptr;
}

/* --- Partial slot --- */

struct lfpool_mag *
lfpool_partial_take(struct lfpool *pool, struct lfpool_mag **pub)
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
	if (old.ptr != NULL)
		lfpool_rec_pub(pub, old.ptr);
	return old.ptr;
}

/* pub as for lfpool_stack_push(): still holds m when this fails. */
static bool
partial_install(
	struct lfpool *pool, struct lfpool_mag *m, struct lfpool_mag **pub)
{
	union lfpool_partial expected = {.raw = 0}, desired;

	desired.ptr = m;
	desired.count = m->count;
	lfpool_rec_pub(pub, NULL);
	/* Release: m's count and slots happen before the acquire exchange
	 * that takes it. Relaxed on failure: the caller takes the new one.
	 */
	if (__atomic_compare_exchange_n(&pool->partial.raw, &expected.raw,
		    desired.raw, false, __ATOMIC_RELEASE, __ATOMIC_RELAXED))
		return true;
	lfpool_rec_pub(pub, m);
	return false;
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

/*
 * Control path: nb_mags new empty magazines, allocated together; the
 * first nb_keep go to the caller, the others to the empty stack. May run
 * concurrently with get/put and with another slab_add (a thread registers
 * while the pool is populated): the slab list is a push-only stack.
 */
int
lfpool_slab_add(struct lfpool *pool, uint32_t nb_mags, struct lfpool_mag **keep,
	uint32_t nb_keep)
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
	/* Relaxed: the CAS below decides; nothing is read through it. */
	slab->next = __atomic_load_n(&pool->slabs, __ATOMIC_RELAXED);
	/* Relaxed both ways: the list is read only when the pool is freed,
	 * with no other user; a failure reloads slab->next.
	 */
	while (!__atomic_compare_exchange_n(&pool->slabs, &slab->next, slab,
		false, __ATOMIC_RELAXED, __ATOMIC_RELAXED))
		;
	pool_account(pool, nb_mags, bytes);
	for (i = 0; i < nb_mags; i++) {
		m = RTE_PTR_ADD(slab + 1, (size_t)i * pool->mag_bytes);
		if (i < nb_keep)
			keep[i] = m;
		else
			lfpool_stack_push(&pool->empty, m, NULL);
	}
	return 0;
}

/* An empty magazine, or NULL when the empty stack has none right now. */
struct lfpool_mag *
lfpool_mag_get_empty(struct lfpool *pool, struct lfpool_mag **pub)
{
	struct lfpool_mag *m = lfpool_stack_pop(&pool->empty, pool, pub);

	if (m != NULL)
		m->count = 0;
	return m;
}

/* A full magazine, else the partial one; counts and samples the depot. */
static struct lfpool_mag *
depot_take(struct lfpool_ctx *ctx, bool full_first, struct lfpool_mag **pub)
{
	struct lfpool *pool = ctx->pool;
	struct lfpool_mag *m;

	if (full_first) {
		m = lfpool_stack_pop(&pool->full, pool, pub);
		if (m == NULL)
			m = lfpool_partial_take(pool, pub);
	} else {
		m = lfpool_partial_take(pool, pub);
		if (m == NULL)
			m = lfpool_stack_pop(&pool->full, pool, pub);
	}
	if (m != NULL) {
		LFPOOL_STAT_ADD(ctx, depot_gets, 1);
		lfpool_sample_in_use(pool);
	}
	return m;
}

/* Keep the stores around it in program order as compiled: a kill lands
 * between two instructions, and an adopter reads what it interrupted.
 */
static inline void
kill_order(void)
{
	__atomic_signal_fence(__ATOMIC_SEQ_CST);
}

/*
 * Merge src into dst (the caller's two magazines) until src is empty or
 * dst full. src's count drops before dst's rises: a kill in between loses
 * the objects moved (the window), rather than leaving them in both.
 */
static void
mag_merge(const struct lfpool *pool, struct lfpool_mag *src,
	struct lfpool_mag *dst)
{
	uint32_t k = RTE_MIN(src->count, pool->cap - dst->count);

	src->count -= k;
	kill_order();
	memcpy(&dst->slots[dst->count], &src->slots[src->count],
		k * sizeof(dst->slots[0]));
	dst->count += k;
}

/*
 * Give a private magazine (any count) to the depot: full ones go to the
 * full stack, empty ones to the empty stack, and a partly filled one is
 * merged with the partial slot's magazine until one of the two is full or
 * empty, so at most one partial magazine ever waits in the depot. With a
 * record, m must be the caller's held[0]; it is unpublished just before
 * the push or install that gives it away.
 */
void
lfpool_mag_put(struct lfpool_ctx *ctx, struct lfpool_mag *m)
{
	struct lfpool_mag **held0 = LFPOOL_REC_FIELD(ctx, held[0]);
	struct lfpool_mag **held1 = LFPOOL_REC_FIELD(ctx, held[1]);
	struct lfpool *pool = ctx->pool;
	struct lfpool_mag *p;

	LFPOOL_STAT_ADD(ctx, depot_puts, 1);
	for (;;) {
		if (m->count == pool->cap || m->count == 0) {
			lfpool_stack_push(
				m->count == 0 ? &pool->empty : &pool->full, m,
				held0);
			return;
		}
		p = lfpool_partial_take(pool, held1);
		if (p == NULL) {
			if (partial_install(pool, m, held0))
				return;
			continue; /* Someone installed one: merge with it. */
		}
		/* Move the lighter magazine's hottest objects into the
		 * heavier one: fewer copies.
		 */
		if (p->count < m->count)
			mag_merge(pool, p, m);
		else
			mag_merge(pool, m, p);
		/* One of them is full or empty now: push it, go on with
		 * the other (the remainder, possibly none) as held[0].
		 */
		if (p->count == pool->cap || p->count == 0) {
			lfpool_stack_push(
				p->count == 0 ? &pool->empty : &pool->full, p,
				held1);
			continue;
		}
		lfpool_stack_push(
			m->count == 0 ? &pool->empty : &pool->full, m, held0);
		m = p;
		LFPOOL_REC_SET(ctx, held[0], m);
		LFPOOL_REC_SET(ctx, held[1], NULL);
	}
}

/* Control path, no other user of the pool: free the slabs. */
void
lfpool_mags_free_all(struct lfpool *pool)
{
	struct lfpool_slab *slab;

	pool->full.raw = 0;
	pool->empty.raw = 0;
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
		m = lfpool_partial_take(pool, LFPOOL_REC_FIELD(ctx, held[0]));
		if (m == NULL)
			m = lfpool_mag_get_empty(
				pool, LFPOOL_REC_FIELD(ctx, held[0]));
		if (unlikely(m == NULL)) {
			/* No magazine anywhere: more threads than the spare
			 * magazines hold one each between two instructions.
			 * Wait for one (the documented exception).
			 */
			rte_pause();
			continue;
		}
		k = RTE_MIN(n, pool->cap - m->count);
		lfpool_copy_in(pool, m, m->count, objs, k);
		/* Counted as put before they are in m: a kill in between
		 * loses them uncounted rather than counting them lost and
		 * giving them back too.
		 */
		LFPOOL_REC_COUNT(ctx, put, k);
		m->count += k;
		kill_order();
		objs += k;
		n -= k;
		lfpool_mag_put(ctx, m);
	}
}

/* Link a private magazine into a private chain. */
static inline void
chain_link(struct lfpool_mag *m, struct lfpool_mag *next)
{
	/* Relaxed: m is ours, but a stale popper may still read next. The
	 * signal fences keep the link in program order (kill_order()).
	 */
	kill_order();
	__atomic_store_n(&m->next, next, __ATOMIC_RELAXED);
	kill_order();
}

struct lfpool_mag *
lfpool_chain_next(const struct lfpool_mag *m)
{
	/* Relaxed: written by this thread (chain_link), or by a dead one
	 * whose record is adopted.
	 */
	return __atomic_load_n(&m->next, __ATOMIC_RELAXED);
}

/* Give the chain's first magazine back: it moves to held[0] first. */
static struct lfpool_mag *
chain_give_first(struct lfpool_ctx *ctx, struct lfpool_mag *m)
{
	struct lfpool_mag *next = lfpool_chain_next(m);

	LFPOOL_REC_SET(ctx, held[0], m);
	LFPOOL_REC_SET(ctx, chain, next);
	lfpool_mag_put(ctx, m);
	return next;
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
		/* Held in held[1] from the pop until linked (an adopter
		 * gives a magazine in two places back once).
		 */
		m = depot_take(ctx, need - have >= ctx->pool->cap,
			LFPOOL_REC_FIELD(ctx, held[1]));
		if (m == NULL) {
			/* All or nothing: give the magazines back. */
			while (head != NULL)
				head = chain_give_first(ctx, head);
			return -ENOBUFS;
		}
		chain_link(m, NULL);
		if (tail != NULL)
			chain_link(tail, m);
		else
			LFPOOL_REC_SET(ctx, chain, m);
		LFPOOL_REC_SET(ctx, held[1], NULL);
		if (tail == NULL)
			head = m;
		tail = m;
		have += m->count;
	}
	*chain = head;
	return 0;
}

void
lfpool_chain_copy_out(struct lfpool_ctx *ctx, struct lfpool_mag *chain,
	void **objs, unsigned int n)
{
	struct lfpool_mag *m = chain;
	unsigned int got = 0;
	uint32_t k;

	while (m != NULL) {
		k = RTE_MIN(n - got, m->count);
		lfpool_copy_out(ctx->pool, m, m->count, objs + got, k);
		/* Out of m before counted as got: a kill in between loses
		 * them uncounted rather than counting them twice.
		 */
		m->count -= k;
		kill_order();
		LFPOOL_REC_COUNT(ctx, got, k);
		got += k;
		m = chain_give_first(ctx, m); /* Empty, or the remainder. */
	}
}
