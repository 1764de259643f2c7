/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The lfpool authors
 */

/*
 * Records of the threads of processes other than the pool's creator
 * (secondaries): what each holds in flight (lfpool_private.h), claimed on
 * a thread's first cacheless call on a pool, released when the thread
 * exits, and adopted by any process once the owner is gone (exited, or
 * killed at any instruction): the adopter refills a cache slot the dead
 * thread had emptied, gives every magazine it held back to the depot,
 * drops its steal counts, and counts what the dead process took out and
 * did not return as lost_to_dead_processes, with a WARNING naming it.
 *
 * A process that exits normally does not release its records at exit:
 * exit handlers run after rte_eal_cleanup(), when shared memory may be
 * unmapped. Its records are adopted like a dead process's, the next time
 * a record is short, a cacheless get fails, or lfp_mempool_reclaim() runs.
 *
 * Control path (claim, release, adoption) only; the data path publishes
 * with LFPOOL_REC_SET() and never waits for an adopter.
 */

#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <string.h>
#include <unistd.h>

#include <rte_common.h>
#include <rte_cycles.h>
#include <rte_errno.h>
#include <rte_mempool.h>

#include "lfp_proc.h"
#include "lfpool_private.h"

/* This process as records name it: start time << 32 | pid. */
static uint64_t rec_self;

/* The records this thread holds, by pool (and the pool's life). */
#define TLS_POOLS 16
struct tls_rec {
	const struct lfpool *pool;
	uint64_t gen;
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
	return (pid_t)(uint32_t)owner;
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

	if (lfp_proc_stat_read(getpid(), &state, &start) < 0)
		start = 0;
	rec_self = (uint64_t)(uint32_t)start << 32 | (uint32_t)getpid();
}

/* A fork child is another process: its records are its own. */
static void
self_after_fork(void)
{
	self_compute();
	memset(tls_recs, 0, sizeof(tls_recs));
}

/* --- Release: a thread that exits gives its records back --- */

static void
rec_release(struct lfpool_rec *rec)
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

/* Inside rte_mempool_walk(): the pool cannot be freed meanwhile. */
static void
release_if_live(struct rte_mempool *mp, void *arg)
{
	const struct tls_rec *t = arg;

	if (lfpool_is_lfpool(mp) && mp->pool_data == t->pool &&
		t->pool->gen == t->gen)
		rec_release(t->rec);
}

/* pthread key destructor: the thread exits between two calls. */
static void
tls_release(void *value)
{
	unsigned int i;

	RTE_SET_USED(value);
	for (i = 0; i < TLS_POOLS; i++)
		if (tls_recs[i].pool != NULL) {
			rte_mempool_walk(release_if_live, &tls_recs[i]);
			tls_recs[i].pool = NULL;
		}
}

RTE_INIT(lfpool_rec_init)
{
	self_compute();
	pthread_atfork(NULL, NULL, self_after_fork);
	if (pthread_key_create(&tls_key, tls_release) != 0)
		LFPOOL_LOG(WARNING, "no thread key: records of exiting "
				    "threads wait for adoption");
}

/* --- Claim --- */

static struct lfpool_rec *
recs_claim(struct lfpool *pool)
{
	struct lfpool_rec *rec;
	uint64_t expected;
	unsigned int i;

	for (i = 0; i < LFPOOL_NB_RECS; i++) {
		rec = &pool->recs[i];
		expected = 0;
		/* Relaxed: a peek; the CAS decides. Acquire on success:
		 * pairs with the release in rec_release(), the record is
		 * clear. Relaxed on failure: another thread's record.
		 */
		if (__atomic_load_n(&rec->owner, __ATOMIC_RELAXED) == 0 &&
			__atomic_compare_exchange_n(&rec->owner, &expected,
				rec_self, false, __ATOMIC_ACQUIRE,
				__ATOMIC_RELAXED))
			return rec;
	}
	return NULL;
}

/* A TLS entry for pool: free, or left by a freed pool at that address. */
static struct tls_rec *
tls_slot(const struct lfpool *pool)
{
	unsigned int i;

	for (i = 0; i < TLS_POOLS; i++)
		if (tls_recs[i].pool == NULL || tls_recs[i].pool == pool)
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
	t->rec = rec;
	/* Any non-NULL value: the destructor runs at thread exit. */
	pthread_setspecific(tls_key, tls_recs);
	return rec;
}

struct lfpool_rec *
lfpool_rec_get(struct lfpool *pool)
{
	unsigned int i;

	if (likely(pool->creator == lfpool_token))
		return NULL;
	for (i = 0; i < TLS_POOLS; i++)
		if (tls_recs[i].pool == pool && tls_recs[i].gen == pool->gen)
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

/*
 * The dead thread emptied a cache slot by CAS and did not refill it: put
 * its count in the magazine it took (held[0]), and a replacement in the
 * slot, so that the owner never finds a NULL slot once the steal counts
 * drop. Returns the magazine now in the slot (not to be given back).
 */
static struct lfpool_mag *
steal_repair(struct lfpool *pool, struct lfpool_rec *rec)
{
	struct lfpool_mag **slot = rec->steal_slot, *cur, *repl;
	uint32_t *count = rec->steal_count;
	struct lfpool_mag *m = rec->held[0];

	/* Acquire: the slot as the last thief left it. */
	cur = __atomic_load_n(slot, __ATOMIC_ACQUIRE);
	if (cur != NULL)
		return cur; /* Refilled before the kill. */
	/* Relaxed: no thread writes a count while its slot is NULL. */
	if (__atomic_load_n(count, __ATOMIC_RELAXED) != 0) {
		/* Killed before the count moved into m: move it now. */
		m->count = __atomic_load_n(count, __ATOMIC_RELAXED);
		lfpool_set_count(count, 0);
	}
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

/* What the dead thread held goes back; returns its objects out, net. */
static int64_t
rec_recover(struct lfpool *pool, struct lfpool_rec *rec)
{
	struct lfpool_ctx ctx = {
		.pool = pool, .st = &pool->uncached, .shared = true};
	const struct lfpool_mag *in_slot = NULL;
	struct lfpool_mag *m, *next;
	unsigned int i, b;

	if (rec->steal_slot != NULL)
		in_slot = steal_repair(pool, rec);
	for (m = rec->chain; m != NULL; m = next) {
		next = lfpool_chain_next(m);
		if (!is_held(rec, m))
			give_back(&ctx, m, in_slot);
	}
	give_back(&ctx, rec->held[0], in_slot);
	if (rec->held[1] != rec->held[0])
		give_back(&ctx, rec->held[1], in_slot);
	if (rec->steal_empty != rec->held[0] &&
		rec->steal_empty != rec->held[1])
		give_back(&ctx, rec->steal_empty, in_slot);
	/* Last: with its slots whole again, the owner may take its cache. */
	for (i = 0; i < RTE_MAX_LCORE / 64; i++)
		for (b = 0; b < 64; b++)
			if (rec->entered[i] & (UINT64_C(1) << b))
				/* Release: pairs with the owner's acquire
				 * load of steal in cache_enter(), as in
				 * steal_leave().
				 */
				__atomic_fetch_sub(
					&pool->caches[i * 64 + b]->steal, 1,
					__ATOMIC_RELEASE);
	return (int64_t)(rec->got - rec->put);
}

/* Adopt every record of the dead process owner, from index first on. */
static unsigned int
adopt_process(struct lfpool *pool, uint64_t owner, unsigned int first)
{
	int64_t net = 0;
	unsigned int i, n = 0;
	uint64_t expected, lost;

	for (i = first; i < LFPOOL_NB_RECS; i++) {
		expected = owner;
		/* Acquire: the dead thread's last stores (its record's
		 * fields) are read after this. Relaxed on failure: not this
		 * process's record, or another adopter took it.
		 */
		if (!__atomic_compare_exchange_n(&pool->recs[i].owner,
			    &expected, LFPOOL_REC_ADOPTING, false,
			    __ATOMIC_ACQUIRE, __ATOMIC_RELAXED))
			continue;
		net += rec_recover(pool, &pool->recs[i]);
		rec_release(&pool->recs[i]);
		n++;
	}
	if (n == 0)
		return 0;
	/* Objects moved between its threads cancel out; objects it got
	 * from another process's puts make it low, not high.
	 */
	lost = net > 0 ? (uint64_t)net : 0;
	/* Relaxed: a statistic. */
	__atomic_fetch_add(&pool->lost_to_dead, lost, __ATOMIC_RELAXED);
	if (lost > 0)
		LFPOOL_LOG(WARNING,
			"%s: process %d is gone: %u records adopted, %" PRIu64
			" objects it held are lost",
			pool->mp->name, (int)owner_pid(owner), n, lost);
	else
		LFPOOL_LOG(DEBUG, "%s: process %d is gone: %u records adopted",
			pool->mp->name, (int)owner_pid(owner), n);
	return n;
}

unsigned int
lfpool_recs_reclaim(struct rte_mempool *mp)
{
	struct lfpool *pool = mp->pool_data;
	uint64_t owner, alive_owner = 0;
	unsigned int i, n = 0;

	for (i = 0; i < LFPOOL_NB_RECS; i++) {
		/* Relaxed: a candidate; adopt_process() CASes it. */
		owner = __atomic_load_n(&pool->recs[i].owner, __ATOMIC_RELAXED);
		if (owner == 0 || owner == LFPOOL_REC_ADOPTING ||
			owner == rec_self || owner == alive_owner)
			continue;
		if (lfp_proc_alive(owner_pid(owner), owner_start(owner))) {
			alive_owner = owner; /* Its next records too. */
			continue;
		}
		n += adopt_process(pool, owner, i);
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
