/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The lfpool authors
 */

/*
 * Records of the threads of processes other than the pool's creator
 * (secondaries): what each holds in flight (lfpool_private.h), claimed on
 * a thread's first cacheless call on a pool, parked when the thread
 * exits, and adopted by any process once the owner is gone (exited, or
 * killed at any instruction): the adopter refills a cache slot the dead
 * thread had emptied, gives every magazine it held back to the depot,
 * drops its steal counts, and counts what the dead process took out and
 * did not return as lost_to_dead_processes, with a WARNING naming it.
 *
 * A process done with the pools releases its own the same way, with
 * lfp_mempool_process_release() before rte_eal_cleanup(), after flushing
 * its lcores' DPDK caches. Exit handlers cannot do it for it: they run
 * after rte_eal_cleanup(), which unmaps shared memory, and DPDK 22.11 and
 * 24.11 offer a driver no hook before that. Records of a process that
 * did not release them are adopted like a dead process's, the next time
 * a record is short, a cacheless get fails, or lfp_mempool_reclaim() runs.
 *
 * Control path (claim, release, adoption) only; the data path publishes
 * with LFPOOL_REC_SET() and never waits for an adopter.
 */

#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdbool.h>
#include <string.h>
#include <unistd.h>

#include <rte_common.h>
#include <rte_cycles.h>
#include <rte_errno.h>
#include <rte_lcore.h>
#include <rte_mempool.h>

#include "lfp_proc.h"
#include "lfpool_private.h"

/* This process as records name it: start time << 32 | pid. */
static uint64_t rec_self;

/* Bumped by lfp_mempool_process_release(): older TLS entries are void. */
static uint32_t rec_epoch;

/* The records this thread holds, by pool (and the pool's life). */
#define TLS_POOLS 16
struct tls_rec {
	const struct lfpool *pool;
	uint64_t gen;
	uint32_t epoch;
	struct lfpool_rec *rec;
};
static __thread struct tls_rec tls_recs[TLS_POOLS];
static pthread_key_t tls_key;

/* Last lazy reclaim of this process (TSC), see lfpool_recs_reclaim_lazily. */
static uint64_t last_reclaim;
#define RECLAIM_INTERVAL_MS 10

static pid_t
owner_pid(uint64_t owner)
{
	return (pid_t)(owner & (UINT32_MAX & ~LFPOOL_REC_FLAGS));
}

/* The process an owner word names, flags aside. */
static uint64_t
owner_id(uint64_t owner)
{
	return owner & ~LFPOOL_REC_FLAGS;
}

static uint32_t
owner_start(uint64_t owner)
{
	return (uint32_t)(owner >> 32);
}

static void
self_compute(void)
{
	uint64_t start = 0;
	char state;

	/* Without its start time a process could pass for dead: it then
	 * keeps no records (rec_self 0).
	 */
	if (lfp_proc_stat_read(getpid(), &state, &start) < 0 ||
		(uint32_t)start == 0 ||
		((uint32_t)getpid() & LFPOOL_REC_FLAGS) != 0)
		rec_self = 0;
	else
		rec_self = (uint64_t)(uint32_t)start << 32 | (uint32_t)getpid();
}

/* A fork child is another process: its records are its own. */
static void
self_after_fork(void)
{
	self_compute();
	memset(tls_recs, 0, sizeof(tls_recs));
}

/* --- Release: a thread that exits parks its record --- */

/* After adoption: the record is free for any process. */
static void
rec_free(struct lfpool_rec *rec)
{
	memset(rec->entered, 0, sizeof(rec->entered));
	rec->got = 0;
	rec->put = 0;
	rec->chain = NULL;
	rec->held[0] = NULL;
	rec->held[1] = NULL;
	rec->steal_slot = NULL;
	rec->steal_count = NULL;
	rec->steal_empty = NULL;
	/* Release: the cleared fields happen before the next claimer's
	 * acquire CAS in recs_claim().
	 */
	__atomic_store_n(&rec->owner, 0, __ATOMIC_RELEASE);
}

/*
 * A thread exits between two calls: nothing is in flight, but its
 * counters belong to its process (another thread may put what this one
 * got), so the record stays the process's, parked, for its next thread.
 */
static void
rec_park(struct lfpool_rec *rec)
{
	/* Release: this thread's counters happen before the acquire CAS
	 * of the thread that takes the record over.
	 */
	__atomic_store_n(
		&rec->owner, rec_self | LFPOOL_REC_PARKED, __ATOMIC_RELEASE);
}

/* Inside rte_mempool_walk(): the pool cannot be freed meanwhile. */
static void
release_if_live(struct rte_mempool *mp, void *arg)
{
	const struct tls_rec *t = arg;

	if (lfpool_is_lfpool(mp) && mp->pool_data == t->pool &&
		t->pool->gen == t->gen)
		rec_park(t->rec);
}

/*
 * Is the TLS entry t from before lfp_mempool_process_release()? Its record
 * was freed then, and may be another thread's or process's by now.
 */
static bool
tls_stale(const struct tls_rec *t)
{
	/* Relaxed: a process-local generation, compared only; the release
	 * happens before this thread's next call (its precondition).
	 */
	return t->epoch != __atomic_load_n(&rec_epoch, __ATOMIC_RELAXED);
}

/* pthread key destructor: the thread exits between two calls. */
static void
tls_release(void *value)
{
	unsigned int i;

	RTE_SET_USED(value);
	for (i = 0; i < TLS_POOLS; i++)
		if (tls_recs[i].pool != NULL) {
			if (!tls_stale(&tls_recs[i]))
				rte_mempool_walk(release_if_live, &tls_recs[i]);
			tls_recs[i].pool = NULL;
		}
}

RTE_INIT(lfpool_rec_init)
{
	self_compute();
	pthread_atfork(NULL, NULL, self_after_fork);
	if (pthread_key_create(&tls_key, tls_release) != 0)
		LFPOOL_LOG(WARNING,
			"no thread key: records of exiting "
			"threads wait for adoption");
}

/* --- Claim --- */

/* A record whose owner word is from, taken by CAS; NULL if none. */
static struct lfpool_rec *
recs_take(struct lfpool *pool, uint64_t from)
{
	struct lfpool_rec *rec;
	uint64_t expected;
	unsigned int i;

	for (i = 0; i < LFPOOL_NB_RECS; i++) {
		rec = &pool->recs[i];
		expected = from;
		/* Relaxed: a peek; the CAS decides. Acquire on success:
		 * pairs with the release in rec_free() or rec_park(), the
		 * record is as its last owner left it. Relaxed on failure:
		 * another thread's record.
		 */
		if (__atomic_load_n(&rec->owner, __ATOMIC_RELAXED) == from &&
			__atomic_compare_exchange_n(&rec->owner, &expected,
				rec_self, false, __ATOMIC_ACQUIRE,
				__ATOMIC_RELAXED))
			return rec;
	}
	return NULL;
}

/* This process's parked record first (its counters go on), else a free one. */
static struct lfpool_rec *
recs_claim(struct lfpool *pool)
{
	struct lfpool_rec *rec = recs_take(pool, rec_self | LFPOOL_REC_PARKED);

	return rec != NULL ? rec : recs_take(pool, 0);
}

/* A TLS entry for pool: free, or left by a freed pool at that address. */
static struct tls_rec *
tls_slot(const struct lfpool *pool)
{
	unsigned int i;

	for (i = 0; i < TLS_POOLS; i++)
		if (tls_recs[i].pool == NULL || tls_recs[i].pool == pool ||
			tls_stale(&tls_recs[i]))
			return &tls_recs[i];
	return NULL;
}

static void
warn_unrecorded(const struct lfpool *pool, const char *why)
{
	static uint32_t warned;

	/* Relaxed: one log line per process, nothing is published. */
	if (__atomic_exchange_n(&warned, 1, __ATOMIC_RELAXED) == 0)
		LFPOOL_LOG(WARNING,
			"%s: %s: this thread's calls are not recorded, a kill "
			"loses what they hold in flight",
			pool->mp->name, why);
}

static __rte_noinline struct lfpool_rec *
rec_claim_for(struct lfpool *pool)
{
	struct tls_rec *t = tls_slot(pool);
	struct lfpool_rec *rec;

	if (t == NULL) {
		warn_unrecorded(pool, "thread uses too many pools");
		return NULL;
	}
	rec = recs_claim(pool);
	if (rec == NULL && lfpool_recs_reclaim(pool->mp) > 0)
		rec = recs_claim(pool);
	if (rec == NULL) {
		warn_unrecorded(pool, "every record is taken");
		return NULL;
	}
	t->pool = pool;
	t->gen = pool->gen;
	/* Relaxed: a process-local generation, compared only. */
	t->epoch = __atomic_load_n(&rec_epoch, __ATOMIC_RELAXED);
	t->rec = rec;
	/* Any non-NULL value: the destructor runs at thread exit. */
	pthread_setspecific(tls_key, tls_recs);
	return rec;
}

struct lfpool_rec *
lfpool_rec_get(struct lfpool *pool)
{
	unsigned int i;

	if (likely(pool->creator == lfpool_token) || rec_self == 0)
		return NULL;
	for (i = 0; i < TLS_POOLS; i++)
		if (tls_recs[i].pool == pool && tls_recs[i].gen == pool->gen &&
			!tls_stale(&tls_recs[i]))
			return tls_recs[i].rec;
	return rec_claim_for(pool);
}

uint32_t
lfpool_recs_in_use(const struct lfpool *pool)
{
	uint32_t n = 0;
	unsigned int i;

	for (i = 0; i < LFPOOL_NB_RECS; i++)
		/* Relaxed: a statistic. */
		n += __atomic_load_n(&pool->recs[i].owner, __ATOMIC_RELAXED) !=
			0;
	return n;
}

/* --- Adoption --- */

static bool
is_held(const struct lfpool_rec *rec, const struct lfpool_mag *m)
{
	return m != NULL &&
		(m == rec->held[0] || m == rec->held[1] ||
			m == rec->steal_empty);
}

/* The lcore id of the cache that holds slot. */
static unsigned int
slot_cache(const struct lfpool *pool, struct lfpool_mag *const *slot)
{
	const struct lfpool_cache *c;
	unsigned int i;

	for (i = 0; i < RTE_MAX_LCORE; i++) {
		c = pool->caches[i];
		if (c != NULL && (slot == &c->loaded || slot == &c->previous))
			return i;
	}
	return RTE_MAX_LCORE;
}

/*
 * The dead thread was stealing from a slot (steal_slot set). If the slot
 * is NULL and the thread holds its magazine (held[0]), the thread emptied
 * it: put the count in that magazine and a replacement in the slot, so
 * that the owner never finds a NULL slot once the steal counts drop. If
 * the slot is NULL and no magazine is held, a live thief may be the one
 * inside: leave the slot, and the dead thread's increment of that cache's
 * steal count (*keep gets the cache's lcore id), which keeps the owner
 * out for good rather than let it in to a NULL slot. Returns the
 * magazine in the slot, which is not to be given back.
 */
static struct lfpool_mag *
steal_repair(struct lfpool *pool, struct lfpool_rec *rec, unsigned int *keep)
{
	struct lfpool_mag **slot = rec->steal_slot, *cur, *repl;
	struct lfpool_mag *m = rec->held[0];
	uint32_t *count = rec->steal_count;
	uint32_t k;

	/* Acquire: the slot as the last thief to store it left it (a live
	 * one, or the dead one, whose stores the adopting CAS ordered).
	 */
	cur = __atomic_load_n(slot, __ATOMIC_ACQUIRE);
	if (cur != NULL)
		return cur;
	if (m == NULL) {
		*keep = slot_cache(pool, slot);
		return NULL;
	}
	/* Relaxed: the steal counts keep the owner out and thieves skip a
	 * NULL slot, so nobody else writes this count now.
	 */
	k = __atomic_load_n(count, __ATOMIC_RELAXED);
	if (k != 0)
		m->count = k; /* The count had not moved into m yet. */
	else if (rec->steal_empty == NULL)
		m->count = 0; /* Nothing to take: k was 0. */
	lfpool_set_count(count, 0);
	repl = rec->steal_empty != NULL ? rec->steal_empty :
					  lfpool_mag_get_empty(pool, NULL);
	if (repl == NULL) {
		repl = m; /* No empty one: the magazine goes back. */
		lfpool_set_count(count, m->count);
	} else {
		repl->count = 0;
	}
	/* Release: the count above happens before a thief's acquire load
	 * of the slot (as in steal_mag()).
	 */
	__atomic_store_n(slot, repl, __ATOMIC_RELEASE);
	return repl;
}

static void
give_back(struct lfpool_ctx *ctx, struct lfpool_mag *m,
	const struct lfpool_mag *in_slot)
{
	if (m != NULL && m != in_slot)
		lfpool_mag_put(ctx, m);
}

/*
 * What the dead thread held goes back; returns its objects out, net.
 * Every field is read into locals and cleared before it is acted on, so
 * an adopter killed midway leaves a record that the next one adopts
 * without giving anything back twice (it may lose what was in hand).
 */
static int64_t
rec_recover(struct lfpool *pool, struct lfpool_rec *r)
{
	struct lfpool_ctx ctx = {
		.pool = pool, .st = &pool->uncached, .shared = true};
	struct lfpool_rec rec = *r;
	const struct lfpool_mag *in_slot = NULL;
	unsigned int i, b, keep = RTE_MAX_LCORE;
	struct lfpool_mag *m, *next;

	memset(r->entered, 0, sizeof(r->entered));
	r->got = 0;
	r->put = 0;
	r->chain = NULL;
	r->held[0] = NULL;
	r->held[1] = NULL;
	r->steal_slot = NULL;
	r->steal_empty = NULL;
	__atomic_signal_fence(__ATOMIC_SEQ_CST);
	if (rec.steal_slot != NULL)
		in_slot = steal_repair(pool, &rec, &keep);
	for (m = rec.chain; m != NULL; m = next) {
		next = lfpool_chain_next(m);
		if (!is_held(&rec, m))
			give_back(&ctx, m, in_slot);
	}
	give_back(&ctx, rec.held[0], in_slot);
	if (rec.held[1] != rec.held[0])
		give_back(&ctx, rec.held[1], in_slot);
	if (rec.steal_empty != rec.held[0] && rec.steal_empty != rec.held[1])
		give_back(&ctx, rec.steal_empty, in_slot);
	/* Last: with its slots whole again, the owner may take its cache. */
	for (i = 0; i < RTE_MAX_LCORE / 64; i++)
		for (b = 0; b < 64; b++)
			if ((rec.entered[i] & (UINT64_C(1) << b)) &&
				i * 64 + b != keep)
				/* Release: pairs with the owner's acquire
				 * load of steal in cache_enter(), as in
				 * steal_leave().
				 */
				__atomic_fetch_sub(
					&pool->caches[i * 64 + b]->steal, 1,
					__ATOMIC_RELEASE);
	return (int64_t)(rec.got - rec.put);
}

/*
 * Adopt every record of the dead process dead (parked ones, and ones a
 * dead adopter had started on), from index first on; or, with dead this
 * process, release its own.
 */
static unsigned int
adopt_process(struct lfpool *pool, uint64_t dead, unsigned int first)
{
	bool self = dead == owner_id(rec_self);
	int64_t net = 0;
	unsigned int i, n = 0;
	uint64_t word, lost;

	for (i = first; i < LFPOOL_NB_RECS; i++) {
		/* Relaxed: a candidate; the CAS decides. */
		word = __atomic_load_n(&pool->recs[i].owner, __ATOMIC_RELAXED);
		/* Acquire: orders the reads of the record after the CAS
		 * against another adopter's release (a dead owner released
		 * nothing: its stores are all visible once it is dead).
		 * Relaxed on failure: someone else took it. Releasing its
		 * own, a process skips the records its threads are adopting
		 * from a dead one: the adopter is alive and finishes them.
		 */
		if (word == 0 || owner_id(word) != dead ||
			(self && (word & LFPOOL_REC_ADOPTING)) ||
			!__atomic_compare_exchange_n(&pool->recs[i].owner,
				&word, rec_self | LFPOOL_REC_ADOPTING, false,
				__ATOMIC_ACQUIRE, __ATOMIC_RELAXED))
			continue;
		net += rec_recover(pool, &pool->recs[i]);
		rec_free(&pool->recs[i]);
		n++;
	}
	if (n == 0)
		return 0;
	/* Objects moved between its threads cancel out (their records are
	 * the process's until it dies); objects it got from another
	 * process's puts make it low, objects it handed to another process
	 * to put make it high.
	 */
	lost = net > 0 ? (uint64_t)net : 0;
	/* Relaxed: a statistic. */
	__atomic_fetch_add(&pool->lost_to_dead, lost, __ATOMIC_RELAXED);
	if (self && lost > 0)
		LFPOOL_LOG(WARNING,
			"%s: process %d released %u records; %" PRIu64
			" objects it took are not back",
			pool->mp->name, (int)owner_pid(dead), n, lost);
	else if (self)
		LFPOOL_LOG(DEBUG, "%s: process %d released %u records",
			pool->mp->name, (int)owner_pid(dead), n);
	else if (lost > 0)
		LFPOOL_LOG(WARNING,
			"%s: process %d is gone: %u records adopted, %" PRIu64
			" objects it held are lost",
			pool->mp->name, (int)owner_pid(dead), n, lost);
	else
		LFPOOL_LOG(DEBUG, "%s: process %d is gone: %u records adopted",
			pool->mp->name, (int)owner_pid(dead), n);
	return n;
}

unsigned int
lfpool_recs_reclaim(struct rte_mempool *mp)
{
	struct lfpool *pool = mp->pool_data;
	uint64_t id, alive = 0;
	unsigned int i, n = 0;

	/* An adopter names itself in the records it works on. */
	if (rec_self == 0)
		return 0;
	for (i = 0; i < LFPOOL_NB_RECS; i++) {
		/* Relaxed: a candidate; adopt_process() CASes it. */
		id = owner_id(__atomic_load_n(
			&pool->recs[i].owner, __ATOMIC_RELAXED));
		if (id == 0 || id == owner_id(rec_self) || id == alive)
			continue;
		if (lfp_proc_alive(owner_pid(id), owner_start(id))) {
			alive = id; /* Its next records too. */
			continue;
		}
		n += adopt_process(pool, id, i);
	}
	return n;
}

unsigned int
lfpool_recs_reclaim_lazily(struct lfpool *pool)
{
	uint64_t now = rte_get_tsc_cycles();
	uint64_t last = __atomic_load_n(&last_reclaim, __ATOMIC_RELAXED);

	/* Relaxed: a rate limit of this process, it publishes nothing. */
	if (now - last < rte_get_tsc_hz() / 1000 * RECLAIM_INTERVAL_MS ||
		!__atomic_compare_exchange_n(&last_reclaim, &last, now, false,
			__ATOMIC_RELAXED, __ATOMIC_RELAXED))
		return 0;
	return lfpool_recs_reclaim(pool->mp);
}

int
lfp_mempool_reclaim(struct rte_mempool *mp)
{
	if (!lfpool_is_lfpool(mp) || mp->pool_data == NULL) {
		rte_errno = EINVAL;
		return -EINVAL;
	}
	return (int)lfpool_recs_reclaim(mp);
}

/* --- Release of this process's share, before rte_eal_cleanup() --- */

/* An lcore id this process runs: an EAL lcore or a registered thread. */
static bool
lcore_is_ours(unsigned int lcore_id)
{
	enum rte_lcore_role_t role = rte_eal_lcore_role(lcore_id);

	return role == ROLE_RTE || role == ROLE_SERVICE || role == ROLE_NON_EAL;
}

/* Inside rte_mempool_walk(): the pool cannot be freed meanwhile. */
static void
release_pool(struct rte_mempool *mp, void *arg)
{
	unsigned int *released = arg, lcore_id;

	if (!lfpool_is_lfpool(mp) || mp->pool_data == NULL)
		return;
	/* The caches first: their flush puts through this thread's record,
	 * which the release then settles with the others.
	 */
	if (mp->cache_size != 0)
		for (lcore_id = 0; lcore_id < RTE_MAX_LCORE; lcore_id++)
			if (lcore_is_ours(lcore_id))
				rte_mempool_cache_flush(
					&mp->local_cache[lcore_id], mp);
	if (rec_self != 0)
		*released += adopt_process(mp->pool_data, owner_id(rec_self), 0);
}

int
lfp_mempool_process_release(void)
{
	unsigned int released = 0;

	rte_mempool_walk(release_pool, &released);
	/* Relaxed: read by this process's threads on their next cacheless
	 * call, which then claim a record anew (the precondition says there
	 * is none).
	 */
	__atomic_fetch_add(&rec_epoch, 1, __ATOMIC_RELAXED);
	memset(tls_recs, 0, sizeof(tls_recs));
	return (int)released;
}
