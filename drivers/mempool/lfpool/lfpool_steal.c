/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The lfpool authors
 */

/*
 * The thief's side of the cache protocol: a thread whose get finds the
 * depot short takes the magazines of other lcores' caches whose owners
 * are between two calls, so that every object get_count counts can be
 * obtained by any thread (DPDK's mempool contract).
 *
 * The owner's side (lfpool_cache.c, cache_enter()) is a relaxed store of
 * busy, a compiler barrier and an acquire load of steal. The thief counts
 * itself in steal, then issues the heavy side of the pair: membarrier(2), which runs
 * a full fence on every CPU running a thread of the owning processes. So
 * either the owner's load sees steal set (it then serves that call from
 * the depot), or the thief's load sees busy set (it leaves that cache
 * alone), never neither. Where membarrier is not available this process's
 * caches are in fence mode: their owners issue a full fence between the
 * store and the load, which the thief's own full fence pairs with.
 */

#include <errno.h>
#include <linux/membarrier.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <rte_common.h>
#include <rte_lcore.h>

#include "lfpool_private.h"

enum steal_mode {
	STEAL_MODE_UNKNOWN = 0, /* Not set up in this process yet. */
	STEAL_MODE_MEMBARRIER,	/* Registered for both expedited kinds. */
	STEAL_MODE_FENCE,	/* membarrier(2) refused: full fences. */
};

/* This process's mode; set once (a race sets the same value twice). */
static enum steal_mode steal_mode;

static int
membarrier(int cmd)
{
	return (int)syscall(__NR_membarrier, cmd, 0, 0);
}

/* Both expedited kinds, each registered: the private one for thieves of
 * this process, the global one for thieves in the others.
 */
static bool
membarrier_register(void)
{
	const int need = MEMBARRIER_CMD_PRIVATE_EXPEDITED |
		MEMBARRIER_CMD_GLOBAL_EXPEDITED;
	int cmds = membarrier(MEMBARRIER_CMD_QUERY);

	if (cmds < 0 || (cmds & need) != need)
		return false;
	return membarrier(MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED) == 0 &&
		membarrier(MEMBARRIER_CMD_REGISTER_GLOBAL_EXPEDITED) == 0;
}

void
lfpool_steal_init(void)
{
	enum steal_mode mode;

	/* Relaxed: a per-process value; computing it twice is harmless. */
	if (__atomic_load_n(&steal_mode, __ATOMIC_RELAXED) !=
		STEAL_MODE_UNKNOWN)
		return;
	mode = membarrier_register() ? STEAL_MODE_MEMBARRIER : STEAL_MODE_FENCE;
	if (mode == STEAL_MODE_FENCE)
		LFPOOL_LOG(NOTICE,
			"membarrier(2) unavailable (%s): cache owners of this "
			"process use a full fence per call",
			strerror(errno));
	/* Relaxed: see above. */
	__atomic_store_n(&steal_mode, mode, __ATOMIC_RELAXED);
}

static enum steal_mode
mode_get(void)
{
	lfpool_steal_init();
	/* Relaxed: see lfpool_steal_init(). */
	return __atomic_load_n(&steal_mode, __ATOMIC_RELAXED);
}

bool
lfpool_steal_owner_fenced(void)
{
	return mode_get() != STEAL_MODE_MEMBARRIER;
}

/*
 * The heavy side. The fence pairs with the owners' fence in fence mode;
 * membarrier() with their compiler barrier in membarrier mode, on this
 * process's threads only when every marked owner is local. Returns false
 * when membarrier failed: only fence-mode caches may be taken then.
 */
static bool
steal_heavy_fence(struct lfpool_ctx *ctx, bool all_local, bool need_membarrier)
{
	int cmd = all_local ? MEMBARRIER_CMD_PRIVATE_EXPEDITED :
			      MEMBARRIER_CMD_GLOBAL_EXPEDITED;

	/* Pairs with the full fence of fence-mode owners in cache_enter(). */
	rte_atomic_thread_fence(__ATOMIC_SEQ_CST);
	if (!need_membarrier)
		return true;
	LFPOOL_STAT_ADD(ctx, membarriers, 1);
	return membarrier(cmd) == 0;
}

/*
 * Take one magazine slot of a cache whose owner is out: CAS it to NULL
 * (other thieves skip a NULL slot), read its count, then put an empty
 * magazine in its place. Returns the objects moved to the depot.
 */
static uint32_t
steal_mag(struct lfpool_ctx *ctx, struct lfpool_mag **slot, uint32_t *count)
{
	/* Acquire: pairs with the release store of the slot by an earlier
	 * thief below, so its count is the one read next.
	 */
	struct lfpool_mag *m = __atomic_load_n(slot, __ATOMIC_ACQUIRE), *e;
	uint32_t k;

	/* Relaxed: a guess; the count is read again once m is ours. */
	if (m == NULL || __atomic_load_n(count, __ATOMIC_RELAXED) == 0)
		return 0;
	e = lfpool_mag_get_empty(ctx->pool);
	if (e == NULL)
		return 0;
	/* Acquire: same pairing, for the m we take. Relaxed on failure:
	 * another thief took the slot; nothing is read through it.
	 */
	if (!__atomic_compare_exchange_n(slot, &m, NULL, false,
		    __ATOMIC_ACQUIRE, __ATOMIC_RELAXED)) {
		lfpool_stack_push(&ctx->pool->empty, e);
		return 0;
	}
	/* Relaxed: nobody writes the count while the slot is NULL. */
	k = __atomic_load_n(count, __ATOMIC_RELAXED);
	lfpool_set_count(count, 0);
	/* Release: the count of 0 happens before another thief's acquire
	 * load of the slot, and (with the release of steal) before the
	 * owner's next call.
	 */
	__atomic_store_n(slot, e, __ATOMIC_RELEASE);
	m->count = k;
	lfpool_mag_put(ctx, m);
	return k;
}

/* The owner is outside an operation and cannot enter while we are in. */
static uint32_t
steal_cache(struct lfpool_ctx *ctx, struct lfpool_cache *c)
{
	return steal_mag(ctx, &c->loaded, &c->loaded_count) +
		steal_mag(ctx, &c->previous, &c->prev_count);
}

static void
steal_leave(struct lfpool_cache *c)
{
	/* Release: the slots this thief left happen before the owner's
	 * acquire load of steal in cache_enter() that reads 0 (the later
	 * decrements of other thieves continue the release sequence).
	 */
	__atomic_fetch_sub(&c->steal, 1, __ATOMIC_RELEASE);
}

/* Enter c as a thief; false when it is not worth or not safe to. */
static bool
steal_enter(struct lfpool_cache *c, enum steal_mode mode, uint32_t *objs)
{
	/* Relaxed: a guess that picks the caches to enter; the slots are
	 * read again once the protocol has kept the owner out.
	 */
	*objs = __atomic_load_n(&c->loaded_count, __ATOMIC_RELAXED) +
		__atomic_load_n(&c->prev_count, __ATOMIC_RELAXED);
	/* Relaxed: same; an ownerless cache holds nothing. */
	if (*objs == 0 || __atomic_load_n(&c->owner, __ATOMIC_RELAXED) == 0)
		return false;
	/* Relaxed: fenced is set before the owner's release of owner and
	 * never changes; a fence-less owner needs membarrier here.
	 */
	if (mode != STEAL_MODE_MEMBARRIER &&
		!__atomic_load_n(&c->fenced, __ATOMIC_RELAXED))
		return false;
	/* Relaxed: the heavy fence orders this store before the loads of
	 * busy; at most as many thieves as threads, far below 2^16.
	 */
	__atomic_fetch_add(&c->steal, 1, __ATOMIC_RELAXED);
	return true;
}

/* Take what the entered caches hold whose owners are out. */
static unsigned int
steal_take(struct lfpool_ctx *ctx, struct lfpool_cache *const *in,
	unsigned int nb, bool only_fenced)
{
	unsigned int i, moved = 0;
	uint32_t k;

	for (i = 0; i < nb; i++) {
		/* Acquire: pairs with the release in cache_leave(), so the
		 * owner's last call is complete in what this thread reads.
		 * Relaxed on fenced: see steal_enter().
		 */
		if (__atomic_load_n(&in[i]->busy, __ATOMIC_ACQUIRE) ||
			(only_fenced &&
				!__atomic_load_n(
					&in[i]->fenced, __ATOMIC_RELAXED))) {
			LFPOOL_STAT_ADD(ctx, steal_fails, 1);
		} else {
			k = steal_cache(ctx, in[i]);
			LFPOOL_STAT_ADD(ctx, steals, k > 0);
			LFPOOL_STAT_ADD(ctx, steal_fails, k == 0);
			moved += k;
		}
		steal_leave(in[i]);
	}
	return moved;
}

/*
 * One round: enter caches from *next on until they seem to hold need
 * objects, one heavy fence for them all, take what they hold.
 */
static unsigned int
steal_round(struct lfpool_ctx *ctx, const struct lfpool_cache *self,
	enum steal_mode mode, unsigned int *next, unsigned int need)
{
	struct lfpool_cache *in[RTE_MAX_LCORE], *c;
	bool all_local = true, any_fast = false;
	unsigned int nb = 0, i;
	uint64_t guess = 0;
	uint32_t objs;

	for (i = *next; i < RTE_MAX_LCORE && guess < need; i++) {
		/* Acquire: pairs with the release in lfpool_lcore_init(). */
		c = __atomic_load_n(&ctx->pool->caches[i], __ATOMIC_ACQUIRE);
		if (c == NULL || c == self || !steal_enter(c, mode, &objs))
			continue;
		in[nb++] = c;
		guess += objs;
		/* Relaxed: see steal_enter(). */
		if (!__atomic_load_n(&c->fenced, __ATOMIC_RELAXED)) {
			any_fast = true;
			/* Relaxed: a cache is only ever owned by threads of
			 * the process that created the pool.
			 */
			if (__atomic_load_n(&c->owner, __ATOMIC_RELAXED) !=
				lfpool_pid)
				all_local = false;
		}
	}
	*next = i;
	if (nb == 0)
		return 0;
	return steal_take(
		ctx, in, nb, !steal_heavy_fence(ctx, all_local, any_fast));
}

unsigned int
lfpool_steal(struct lfpool_ctx *ctx, const struct lfpool_cache *self,
	unsigned int need)
{
	enum steal_mode mode = mode_get();
	unsigned int next = 0, moved = 0;

	/* A round whose owners were inside a call moves less than it
	 * guessed: go on with the caches after it.
	 */
	while (moved < need && next < RTE_MAX_LCORE)
		moved += steal_round(ctx, self, mode, &next, need - moved);
	LFPOOL_STAT_ADD(ctx, stolen_objs, moved);
	return moved;
}
