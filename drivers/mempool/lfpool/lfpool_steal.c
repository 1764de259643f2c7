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
 * itself in steal, then issues the heavy side of the pair: membarrier(2),
 * which runs a full fence on every CPU running a thread of the owning
 * processes. So either the owner's load sees steal set (it then serves
 * that call from the depot), or the thief's load sees busy set (it
 * leaves that cache alone), never neither. Where membarrier is not available this process's
 * caches are in fence mode: their owners issue a full fence between the
 * store and the load, which the thief's own full fence pairs with.
 */

#include <errno.h>
#include <linux/membarrier.h>
#include <sched.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <rte_common.h>
#include <rte_cycles.h>
#include <rte_lcore.h>

#include "lfpool_private.h"

enum steal_mode {
	STEAL_MODE_UNKNOWN = 0, /* Not set up in this process yet. */
	STEAL_MODE_MEMBARRIER,	/* Registered for both expedited kinds. */
	STEAL_MODE_FENCE,	/* membarrier(2) refused: full fences. */
};

/* This process's mode; set once (a race sets the same value twice). */
static enum steal_mode steal_mode;
uint8_t lfpool_owner_fenced;

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
	/* Relaxed: read by owners of caches made after this call, which
	 * the release store of the cache pointer publishes.
	 */
	__atomic_store_n(&lfpool_owner_fenced, mode == STEAL_MODE_FENCE,
		__ATOMIC_RELAXED);
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

/*
 * The heavy side. The fence pairs with the owners' fence in fence mode;
 * membarrier() with their compiler barrier in membarrier mode, on this
 * process's threads only when the owners are local. Returns false
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
 * Take one magazine slot of a cache whose owner is out (or of the
 * owner's own cache, at a hand-over): CAS it to NULL (other thieves skip
 * a NULL slot), read its count, then put an empty magazine in its place,
 * or the magazine back if there is none. Returns the objects moved to
 * the depot. With a record, each step is published before the next, so
 * an adopter can refill the slot if this thread dies (lfpool_rec.c).
 */
static uint32_t
steal_mag(struct lfpool_ctx *ctx, struct lfpool_mag **slot, uint32_t *count)
{
	/* Acquire: pairs with the release store of the slot below by an
	 * earlier thief, so its count is the one read next.
	 */
	struct lfpool_mag *m = __atomic_load_n(slot, __ATOMIC_ACQUIRE), *e;
	uint32_t k;

	/* Relaxed: a guess; the count is read again once m is ours. */
	if (m == NULL || __atomic_load_n(count, __ATOMIC_RELAXED) == 0)
		return 0;
	/* The slot before the CAS, m only once it is ours: an adopter that
	 * finds the slot NULL and no m cannot tell this thread's CAS from
	 * a live thief's, and leaves the slot and this steal count alone.
	 */
	LFPOOL_REC_SET(ctx, steal_count, count);
	LFPOOL_REC_SET(ctx, steal_slot, slot);
	/* Acquire: same pairing, for the m we take. Relaxed on failure:
	 * another thief took the slot; nothing is read through it.
	 */
	if (!__atomic_compare_exchange_n(slot, &m, NULL, false,
		    __ATOMIC_ACQUIRE, __ATOMIC_RELAXED)) {
		LFPOOL_REC_SET(ctx, steal_slot, NULL);
		return 0;
	}
	LFPOOL_REC_SET(ctx, held[0], m);
	/* Relaxed: nobody writes the count while the slot is NULL (other
	 * thieves skip it, the steal count keeps the owner out).
	 */
	k = __atomic_load_n(count, __ATOMIC_RELAXED);
	/* m's own count before the cache's drops (an adopter relies on
	 * one of the two holding k).
	 */
	m->count = k;
	__atomic_signal_fence(__ATOMIC_SEQ_CST);
	/* Taken after the CAS won, so losers hold no spare magazine. */
	e = k > 0 ? lfpool_mag_get_empty(
			    ctx->pool, LFPOOL_REC_FIELD(ctx, steal_empty)) :
		    NULL;
	if (e == NULL) {
		/* Release: as below; the slot is as it was. */
		__atomic_store_n(slot, m, __ATOMIC_RELEASE);
		/* m first: while steal_slot is set, an adopter finds m in
		 * the slot and leaves it there.
		 */
		LFPOOL_REC_SET(ctx, held[0], NULL);
		LFPOOL_REC_SET(ctx, steal_slot, NULL);
		return 0;
	}
	lfpool_set_count(count, 0);
	/* Release: the count of 0 happens before another thief's acquire
	 * load of the slot, and (with the release of steal) before the
	 * owner's next call.
	 */
	__atomic_store_n(slot, e, __ATOMIC_RELEASE);
	/* e first, for the same reason as m above. */
	LFPOOL_REC_SET(ctx, steal_empty, NULL);
	LFPOOL_REC_SET(ctx, steal_slot, NULL);
	lfpool_mag_put(ctx, m);
	return k;
}

/* No one else touches the cache's slots but thieves, by CAS. */
static uint32_t
steal_cache(struct lfpool_ctx *ctx, struct lfpool_cache *c)
{
	return steal_mag(ctx, &c->loaded, &c->loaded_count) +
		steal_mag(ctx, &c->previous, &c->prev_count);
}

/* The record's bit of cache c (the caches a thief's steal count holds). */
static void
rec_entered_set(struct lfpool_ctx *ctx, const struct lfpool_cache *c, bool on)
{
	uint64_t bit = UINT64_C(1) << (c->lcore_id % 64), w;

	if (ctx->rec == NULL)
		return;
	w = ctx->rec->entered[c->lcore_id / 64];
	LFPOOL_REC_SET(ctx, entered[c->lcore_id / 64], on ? w | bit : w & ~bit);
}

/*
 * Leave c as a thief. The record's bit goes first: a kill in between
 * leaves the increment behind (the owner then serves its calls from the
 * depot) rather than letting an adopter decrement it twice.
 */
static void
steal_leave(struct lfpool_ctx *ctx, struct lfpool_cache *c)
{
	rec_entered_set(ctx, c, false);
	/* Release: the slots this thief left happen before the owner's
	 * acquire load of steal in cache_enter() that reads 0 (the later
	 * decrements of other thieves continue the release sequence).
	 */
	__atomic_fetch_sub(&c->steal, 1, __ATOMIC_RELEASE);
}

/* Whether a thief in this mode can keep c's owner out: a fence-less
 * owner needs membarrier. fenced is this process's mode, stored before
 * the release of caches[] that made the cache visible (a re-init stores
 * the same value), hence relaxed.
 */
static bool
cache_stealable(const struct lfpool_cache *c, enum steal_mode mode)
{
	/* Relaxed: see above. */
	return mode == STEAL_MODE_MEMBARRIER ||
		__atomic_load_n(&c->fenced, __ATOMIC_RELAXED);
}

/*
 * Enter c as a thief; false when this process cannot fence its owner.
 * The record's bit follows the increment, for the reason given at
 * steal_leave().
 */
static bool
steal_enter(
	struct lfpool_ctx *ctx, struct lfpool_cache *c, enum steal_mode mode)
{
	if (!cache_stealable(c, mode))
		return false;
	/* Relaxed: the heavy fence orders this store before the loads of
	 * busy; at most as many thieves as threads, far below
	 * LFPOOL_STEAL_FENCED (2^15).
	 */
	__atomic_fetch_add(&c->steal, 1, __ATOMIC_RELAXED);
	rec_entered_set(ctx, c, true);
	return true;
}

/*
 * Take what the entered caches hold whose owners are out; ask the others
 * to hand their objects over as their call ends.
 */
static unsigned int
steal_take(struct lfpool_ctx *ctx, struct lfpool_cache *const *in,
	unsigned int nb, bool only_fenced)
{
	unsigned int i, moved = 0;
	uint32_t k;

	for (i = 0; i < nb; i++) {
		/* Relaxed: see cache_stealable(). */
		if (only_fenced &&
			!__atomic_load_n(&in[i]->fenced, __ATOMIC_RELAXED)) {
			LFPOOL_STAT_ADD(ctx, steal_fails, 1);
		} else if (__atomic_load_n(&in[i]->busy, __ATOMIC_ACQUIRE)) {
			/* Acquire above: pairs with the release in
			 * cache_leave(), so the owner's last call is complete
			 * in what this thread reads. Relaxed here: a request;
			 * cache_leave() reads it.
			 */
			__atomic_store_n(&in[i]->want, 1, __ATOMIC_RELAXED);
			LFPOOL_STAT_ADD(ctx, steal_fails, 1);
		} else {
			k = steal_cache(ctx, in[i]);
			LFPOOL_STAT_ADD(ctx, steals, k > 0);
			LFPOOL_STAT_ADD(ctx, steal_fails, k == 0);
			moved += k;
		}
		steal_leave(ctx, in[i]);
	}
	return moved;
}

/* Objects in c by a relaxed guess; whether its owner looks busy. */
static uint32_t
cache_guess(const struct lfpool_cache *c, bool *busy)
{
	uint32_t loaded;

	/* Relaxed: a guess that picks the caches to enter and tells
	 * whether waiting is worth it; the slots are read again once the
	 * protocol keeps the owner out.
	 */
	*busy = __atomic_load_n(&c->busy, __ATOMIC_RELAXED);
	/* Acquire: pairs with the release store in cache_swap(), which
	 * stores prev_count first: loaded_count is loaded first, so a put's
	 * swap is not missed.
	 */
	loaded = __atomic_load_n(&c->loaded_count, __ATOMIC_ACQUIRE);
	/* Relaxed: ordered after the load above by its acquire. */
	return loaded + __atomic_load_n(&c->prev_count, __ATOMIC_RELAXED);
}

/* One look at a cache: what steal_pick() decides on. */
struct steal_view {
	struct lfpool_cache *c;
	uint32_t objs;
	bool busy;
};

/*
 * Look once at every cache but self that a thief in this mode can take
 * from and that seems to hold objects; returns how many, and adds what
 * they seem to hold to *total. Once, because an owner flips busy with
 * every call: two looks at one cache can see it idle, then busy, and a
 * choice made on both would pass it by.
 */
static unsigned int
steal_look(struct lfpool_ctx *ctx, const struct lfpool_cache *self,
	enum steal_mode mode, struct steal_view *view, uint64_t *total)
{
	struct lfpool_cache *c;
	unsigned int nb = 0, i;

	for (i = 0; i < RTE_MAX_LCORE; i++) {
		/* Acquire: pairs with the release in lfpool_lcore_init(). */
		c = __atomic_load_n(&ctx->pool->caches[i], __ATOMIC_ACQUIRE);
		if (c == NULL || c == self || !cache_stealable(c, mode))
			continue;
		view[nb].c = c;
		view[nb].objs = cache_guess(c, &view[nb].busy);
		if (view[nb].objs == 0)
			continue;
		*total += view[nb].objs;
		nb++;
	}
	return nb;
}

/*
 * Enter the caches that seem to hold objects, idle-looking ones first,
 * until they seem to hold need; returns how many were entered. *exists
 * tells whether the depot and those caches seemed to hold need at all:
 * if not, no steal could make it (no fence, no storm, no wait).
 */
static unsigned int
steal_pick(struct lfpool_ctx *ctx, const struct lfpool_cache *self,
	enum steal_mode mode, unsigned int need, struct lfpool_cache **in,
	bool *exists)
{
	struct steal_view view[RTE_MAX_LCORE];
	uint64_t total = 0, guess = 0;
	unsigned int nb_view, nb = 0, pass, i;

	/* The caches before the depot: objects move from caches to the
	 * depot (the push before the count drops), so a move between the
	 * two reads is seen twice rather than missed.
	 */
	nb_view = steal_look(ctx, self, mode, view, &total);
	total += lfpool_depot_count(ctx->pool);
	*exists = total >= need;
	if (!*exists)
		return 0;
	for (pass = 0; pass < 2 && guess < need; pass++)
		for (i = 0; i < nb_view && guess < need; i++) {
			if (view[i].busy != (pass == 1) ||
				!steal_enter(ctx, view[i].c, mode))
				continue;
			in[nb++] = view[i].c;
			guess += view[i].objs;
		}
	return nb;
}

/*
 * One heavy fence for every cache entered, then take what they hold.
 * Every cache is owned by threads of the pool's creator: a thief of
 * that process fences it alone (private expedited). Returns whether the
 * objects seemed to exist (steal_pick()): worth waiting for if so.
 */
static bool
steal(struct lfpool_ctx *ctx, const struct lfpool_cache *self,
	unsigned int need)
{
	struct lfpool_cache *in[RTE_MAX_LCORE];
	enum steal_mode mode = mode_get();
	bool any_fast = false, only_fenced, exists;
	unsigned int nb, i, moved;

	nb = steal_pick(ctx, self, mode, need, in, &exists);
	if (nb == 0)
		return exists;
	for (i = 0; i < nb; i++)
		/* Relaxed: see cache_stealable(). */
		any_fast |= !__atomic_load_n(&in[i]->fenced, __ATOMIC_RELAXED);
	only_fenced = !steal_heavy_fence(
		ctx, lfpool_token == ctx->pool->creator, any_fast);
	moved = steal_take(ctx, in, nb, only_fenced);
	LFPOOL_STAT_ADD(ctx, stolen_objs, moved);
	return true;
}

/* Gather only when the depot seems to hold need: a failed gather holds
 * the depot's magazines for an instant and hides them from other gets.
 */
static int
gather_if_there(
	struct lfpool_ctx *ctx, unsigned int need, struct lfpool_mag **chain)
{
	if (lfpool_depot_count(ctx->pool) < need)
		return -ENOBUFS;
	return lfpool_depot_gather(ctx, need, chain);
}

/*
 * A waiting owner that a thief asked hands its own objects over, and
 * then needs them from the depot too: else two lcores starving at once
 * would each wait for the other (an owner hands over as its call ends,
 * and a waiting owner's call does not end). Returns the objects it
 * handed over. Only self's owner writes want to 0, so a request set
 * after the load below is seen at the next one.
 */
static uint32_t
hand_over_if_wanted(struct lfpool *pool, struct lfpool_cache *self)
{
	/* Relaxed: a request, as in cache_leave(). */
	if (self == NULL || !__atomic_load_n(&self->want, __ATOMIC_RELAXED))
		return 0;
	return lfpool_cache_hand_over(pool, self);
}

int
lfpool_gather_or_steal(struct lfpool_ctx *ctx, struct lfpool_cache *self,
	unsigned int need, struct lfpool_mag **chain)
{
	uint64_t now, deadline, retry, retry_max, next_steal;
	unsigned int misses = 0;

	if (lfpool_depot_gather(ctx, need, chain) == 0)
		return 0;
	if (!steal(ctx, self, need))
		return -ENOBUFS; /* Not there to be had: fail at once. */
	if (lfpool_depot_gather(ctx, need, chain) == 0)
		return 0;
	/* The objects seemed to be there, and are not in the depot yet.
	 * Owners inside a call hand theirs over as it ends, within
	 * nanoseconds unless they were preempted. Others were between two
	 * looks: an owner that read want just before this thread set it
	 * (its load of want comes before its release of busy, which a
	 * steal's acquire load of busy would see; no fence orders the
	 * request against that load), an owner whose busy flipped, a
	 * magazine that another thread held for an instant (a merge in the
	 * depot, a hand-over). So wait, and steal again now and then (at
	 * 20, 40, 80 ... us, then every LFPOOL_STEAL_RETRY_MAX_US). Two
	 * looks in a row that find too little end it: the objects went to
	 * other gets, and a get that cannot succeed fails soon.
	 */
	now = rte_get_tsc_cycles();
	deadline = now + rte_get_tsc_hz() * LFPOOL_STEAL_WAIT_US / US_PER_S;
	retry = rte_get_tsc_hz() * LFPOOL_STEAL_RETRY_US / US_PER_S;
	retry_max = rte_get_tsc_hz() * LFPOOL_STEAL_RETRY_MAX_US / US_PER_S;
	next_steal = now + retry;
	do {
		/* The owners it waits for may share this CPU (a cacheless
		 * thread inherits its creator's affinity): yield, not spin.
		 */
		sched_yield();
		need += hand_over_if_wanted(ctx->pool, self);
		if (gather_if_there(ctx, need, chain) == 0)
			return 0;
		now = rte_get_tsc_cycles();
		if (now >= next_steal) {
			misses = steal(ctx, self, need) ? 0 : misses + 1;
			if (misses == 2)
				break;
			/* Backing off: each steal may interrupt every CPU. */
			retry = RTE_MIN(retry * 2, retry_max);
			next_steal = now + retry;
		}
	} while (now < deadline);
	return lfpool_depot_gather(ctx, need, chain);
}

uint32_t
lfpool_cache_hand_over(struct lfpool *pool, struct lfpool_cache *c)
{
	struct lfpool_ctx ctx = {.pool = pool, .st = &c->st, .shared = false};
	uint32_t moved;

	/* Relaxed: the owner's own flag from now on; a later request sets
	 * it again.
	 */
	__atomic_store_n(&c->want, 0, __ATOMIC_RELAXED);
	moved = steal_cache(&ctx, c);
	LFPOOL_STAT_ADD(&ctx, hand_overs, moved > 0);
	return moved;
}
