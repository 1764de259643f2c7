/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The lfpool authors
 */

/*
 * DPDK's mempool contract, as DPDK's own tests rely on it:
 * - conservation: once the other threads are outside get/put (alive,
 *   parked, not unregistered), one thread with cacheless gets obtains
 *   every object avail_count counts, each exactly once; with one thread
 *   stopped by a signal, everything but what that thread holds;
 * - get_count never exceeds the pool's size while objects move one at a
 *   time from one lcore to another;
 * - get and put go on while a thread is stopped inside DPDK's heap lock.
 * The same cases run in test_lfpool_fence, where membarrier(2) is refused.
 */

#define _GNU_SOURCE /* fopencookie(), memmem() */

#include <errno.h>
#include <inttypes.h>
#include <linux/membarrier.h>
#include <pthread.h>
#include <sched.h>
#include <semaphore.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include <rte_common.h>
#include <rte_cycles.h>
#include <rte_errno.h>
#include <rte_lcore.h>
#include <rte_malloc.h>
#include <rte_mempool.h>
#include <rte_pause.h>
#include <rte_ring.h>

#include "lfp_test.h"
#include "lfpool_private.h"
#include "lfpool_test.h"
#include "test_lfpool.h"

#define CONTRACT_POOL_SIZE 4096
#define CONTRACT_ITERATIONS (60000 / LT_SCALE)
#define CONTRACT_MAX_BULK 32
#define CONTRACT_MAX_HELD 512
/* Churning threads: EAL workers, one registered, one unregistered. */
#define CONTRACT_THREADS (RTE_MAX_LCORE + 2)

enum churn_kind {
	CHURN_LCORE,	    /* An EAL worker lcore. */
	CHURN_REGISTERED,   /* A pthread that calls rte_thread_register(). */
	CHURN_UNREGISTERED, /* A pthread without an lcore id. */
};

struct churner {
	struct rte_mempool *mp;
	enum churn_kind kind;
	uint32_t seed;
	bool victim;	  /* Keeps churning until stop is set. */
	uint32_t *stop;	  /* Victim: set by the main lcore. */
	sem_t *parked;	  /* Posted once everything is put back. */
	sem_t release;	  /* The main lcore lets it go on. */
	pthread_t thread; /* Its thread, for the stop signal. */
	uint32_t started; /* thread is set. */
	void *held[CONTRACT_MAX_HELD + CONTRACT_MAX_BULK];
	/* Objects held: read by this thread's signal handler. */
	volatile unsigned int nheld;
	/* Inside a get or put: read by this thread's signal handler. */
	volatile unsigned int in_call;
	int ret;
};

/* One random step: a bulk get or a bulk put of what it holds. */
static int
churn_step(struct churner *c, uint32_t *rnd)
{
	uint32_t r = lt_rand(rnd);
	unsigned int k = 1 + (r >> 8) % CONTRACT_MAX_BULK;
	unsigned int n = c->nheld;

	if (n + k > CONTRACT_MAX_HELD || ((r & 1) && n > 0)) {
		k = RTE_MIN(k, n);
		c->in_call = 1;
		rte_mempool_put_bulk(c->mp, &c->held[n - k], k);
		c->in_call = 0;
		c->nheld = n - k;
		return 0;
	}
	c->in_call = 1;
	if (rte_mempool_get_bulk(c->mp, &c->held[n], k) == 0)
		c->nheld = n + k;
	c->in_call = 0;
	return 0;
}

/* Everything back to the pool, DPDK's cache of this lcore flushed too. */
static void
churn_give_back(struct churner *c)
{
	struct rte_mempool_cache *dc;

	rte_mempool_put_bulk(c->mp, c->held, c->nheld);
	c->nheld = 0;
	dc = rte_mempool_default_cache(c->mp, rte_lcore_id());
	if (dc != NULL)
		rte_mempool_cache_flush(dc, c->mp);
}

static uint32_t
flag_get(const uint32_t *flag)
{
	/* Acquire: pairs with the release in lt_flag_set(). */
	return __atomic_load_n(flag, __ATOMIC_ACQUIRE);
}

static int
churn_main(void *arg)
{
	struct churner *c = arg;
	uint32_t rnd = c->seed | 1;
	unsigned int it;

	c->thread = pthread_self();
	lt_flag_set(&c->started);
	for (it = 0;
		it < CONTRACT_ITERATIONS || (c->victim && !flag_get(c->stop));
		it++)
		churn_step(c, &rnd);
	churn_give_back(c);
	/* Parked: alive, outside any get or put, still registered. */
	sem_post(c->parked);
	sem_wait(&c->release);
	return 0;
}

static void *
churn_thread(void *arg)
{
	struct churner *c = arg;

	if (c->kind == CHURN_REGISTERED && rte_thread_register() != 0) {
		c->ret = -rte_errno;
		sem_post(c->parked);
		return NULL;
	}
	c->ret = churn_main(c);
	if (c->kind == CHURN_REGISTERED)
		rte_thread_unregister();
	return NULL;
}

/* --- The victim: one EAL worker stopped by a signal mid-loop --- */

static sem_t victim_stopped, victim_resume;
static struct churner *victim;
/* What the handler saw of the victim's state. */
static unsigned int victim_held, victim_dpdk_cached, victim_in_call;

static void
victim_handler(int sig)
{
	struct rte_mempool_cache *dc;

	RTE_SET_USED(sig);
	victim_held = victim->nheld;
	dc = rte_mempool_default_cache(victim->mp, rte_lcore_id());
	victim_dpdk_cached = dc != NULL ? dc->len : 0;
	victim_in_call = victim->in_call;
	sem_post(&victim_stopped);
	sem_wait(&victim_resume);
}

/* --- Draining with cacheless gets --- */

/* Take everything a cacheless get can; returns how many. */
static unsigned int
drain(struct rte_mempool *mp, void **objs, unsigned int room)
{
	unsigned int n = 0, k;

	for (k = CONTRACT_MAX_BULK; k > 0; k = k > 1 ? 1 : 0)
		while (n + k <= room &&
			rte_mempool_generic_get(mp, &objs[n], k, NULL) == 0)
			n += k;
	return n;
}

static uint64_t
steals_so_far(struct rte_mempool *mp)
{
	struct lfp_mempool_stats st;

	if (lfp_mempool_stats_get(mp, &st, NULL) < 0)
		return 0;
	return st.steals;
}

/* Objects in other lcores' driver caches than the caller's. */
static unsigned int
cached_elsewhere(struct rte_mempool *mp)
{
	struct lfpool *pool = mp->pool_data;
	unsigned int i, sum = 0;

	for (i = 0; i < RTE_MAX_LCORE; i++)
		if (i != rte_lcore_id() && pool->caches[i] != NULL)
			sum += pool->caches[i]->loaded_count +
				pool->caches[i]->prev_count;
	return sum;
}

/*
 * Drain, check every object came once and, unless a stopped thread keeps
 * some, that the pool then counts none; put back; returns drained.
 */
static unsigned int
drain_and_check(
	struct rte_mempool *mp, const struct lt_objmap *map, bool all_out)
{
	void **objs = calloc(CONTRACT_POOL_SIZE + 1, sizeof(*objs));
	unsigned int n;

	CU_ASSERT_PTR_NOT_NULL_FATAL(objs);
	n = drain(mp, objs, CONTRACT_POOL_SIZE + 1);
	CU_ASSERT_EQUAL(lt_check_distinct(map, objs, n), 0);
	if (all_out)
		CU_ASSERT_EQUAL(rte_mempool_avail_count(mp), 0);
	rte_mempool_generic_put(mp, objs, n, NULL);
	free(objs);
	return n;
}

static void
contract_case(unsigned int cache_size, bool with_victim)
{
	static struct churner c[CONTRACT_THREADS];
	struct lt_job jobs[RTE_MAX_LCORE];
	unsigned int nb = 0, lcores = 0, lcore_id, i, drained, elsewhere;
	uint32_t stop = 0;
	struct lt_objmap map;
	struct rte_mempool *mp;
	uint64_t steals;
	sem_t parked;

	mp = lt_pool_create("lt_contract", LT_OPS_LFPOOL, CONTRACT_POOL_SIZE,
		cache_size, NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(mp);
	CU_ASSERT_EQUAL_FATAL(lt_objmap_build(mp, &map), 0);
	CU_ASSERT_EQUAL_FATAL(sem_init(&parked, 0, 0), 0);
	memset(c, 0, sizeof(c));
	RTE_LCORE_FOREACH_WORKER(lcore_id)
	lcores++;
	/* Set up every churner before any starts (the victim is the first
	 * worker lcore), then launch them.
	 */
	for (i = 0; i < lcores + 2; i++) {
		c[i].mp = mp;
		c[i].kind = i < lcores ? CHURN_LCORE :
			i == lcores    ? CHURN_REGISTERED :
					 CHURN_UNREGISTERED;
		c[i].seed = 0x9e3779b9u * (i + 1);
		c[i].parked = &parked;
		c[i].victim = with_victim && i == 0;
		c[i].stop = &stop;
		CU_ASSERT_EQUAL_FATAL(sem_init(&c[i].release, 0, 0), 0);
	}
	victim = with_victim ? &c[0] : NULL;
	nb = lcores + 2;
	i = 0;
	RTE_LCORE_FOREACH_WORKER(lcore_id)
	{
		CU_ASSERT_EQUAL(
			lt_launch(&jobs[i], lcore_id, churn_main, &c[i]), 0);
		i++;
	}
	for (i = lcores; i < nb; i++)
		CU_ASSERT_EQUAL_FATAL(
			pthread_create(&c[i].thread, NULL, churn_thread, &c[i]),
			0);
	for (i = with_victim ? 1 : 0; i < nb; i++)
		sem_wait(&parked);

	if (with_victim) {
		/* Stop the victim wherever it is in its loop. */
		lt_flag_wait(&c[0].started);
		rte_delay_us_block(1000);
		pthread_kill(c[0].thread, SIGUSR1);
		sem_wait(&victim_stopped);
	} else {
		CU_ASSERT_EQUAL(
			rte_mempool_avail_count(mp), CONTRACT_POOL_SIZE);
	}
	elsewhere = cached_elsewhere(mp);
	steals = steals_so_far(mp);
	drained = drain_and_check(mp, &map, !with_victim);
	if (!with_victim) {
		CU_ASSERT_EQUAL(drained, CONTRACT_POOL_SIZE);
	} else {
		/* All but what the victim holds and has in DPDK's cache; if
		 * it was stopped inside a get or put, also what that call
		 * has in flight: DPDK's refill between the driver's return and
		 * the update of the cache's length (up to cache size + bulk),
		 * or in the driver its own cache (two magazines) and a chain
		 * gathered for a refill (the refill, plus the rest of the last
		 * magazine).
		 */
		unsigned int in_flight = 2 * LFP_MAG_SIZE +
			(cache_size + CONTRACT_MAX_BULK) + LFP_MAG_SIZE;
		unsigned int bound = victim_held + victim_dpdk_cached +
			CONTRACT_MAX_BULK + (victim_in_call ? in_flight : 0);

		CU_ASSERT(drained <= CONTRACT_POOL_SIZE);
		CU_ASSERT(drained + bound >= CONTRACT_POOL_SIZE);
		if (drained + bound < CONTRACT_POOL_SIZE)
			printf("\n    drained %u, victim held %u, cached %u, "
			       "in a call %u\n",
				drained, victim_held, victim_dpdk_cached,
				victim_in_call);
		sem_post(&victim_resume);
		lt_flag_set(&stop);
		sem_wait(&parked);
		/* Every thread parked: now all of it is reachable. */
		CU_ASSERT_EQUAL(
			rte_mempool_avail_count(mp), CONTRACT_POOL_SIZE);
		CU_ASSERT_EQUAL(
			drain_and_check(mp, &map, true), CONTRACT_POOL_SIZE);
	}
	CU_ASSERT_EQUAL(rte_mempool_avail_count(mp), CONTRACT_POOL_SIZE);
#if LFP_STATS
	/* Objects parked in other caches came out through steals. */
	if (elsewhere > 0)
		CU_ASSERT(steals_so_far(mp) > steals);
#else
	RTE_SET_USED(steals);
	RTE_SET_USED(elsewhere);
#endif
	for (i = 0; i < nb; i++)
		sem_post(&c[i].release);
	for (i = 0; i < lcores; i++)
		CU_ASSERT_EQUAL(lt_wait(&jobs[i]), 0);
	for (i = lcores; i < nb; i++) {
		pthread_join(c[i].thread, NULL);
		CU_ASSERT_EQUAL(c[i].ret, 0);
	}
	for (i = 0; i < nb; i++)
		sem_destroy(&c[i].release);
	sem_destroy(&parked);
	lt_objmap_free(&map);
	CU_ASSERT_EQUAL(lt_check_all_present(mp), 0);
	rte_mempool_free(mp);
}

static bool
contract_skip(const char *test)
{
	if (rte_lcore_count() >= 2)
		return false;
	lfp_test_skip(test, "needs a worker lcore");
	return true;
}

static void
test_conservation(void)
{
	if (contract_skip("conservation"))
		return;
	contract_case(0, false);
	contract_case(256, false);
}

static void
test_conservation_stopped(void)
{
	struct sigaction sa = {.sa_handler = victim_handler};

	if (contract_skip("conservation_stopped"))
		return;
	CU_ASSERT_EQUAL_FATAL(sem_init(&victim_stopped, 0, 0), 0);
	CU_ASSERT_EQUAL_FATAL(sem_init(&victim_resume, 0, 0), 0);
	sigemptyset(&sa.sa_mask);
	CU_ASSERT_EQUAL_FATAL(sigaction(SIGUSR1, &sa, NULL), 0);
	contract_case(0, true);
	contract_case(256, true);
	signal(SIGUSR1, SIG_DFL);
	sem_destroy(&victim_stopped);
	sem_destroy(&victim_resume);
}

/* --- get_count while objects move one at a time --- */

#define HANDOFF_OBJS (200000 / LT_SCALE)
/* Counts the main lcore samples while objects move, at least. */
#define HANDOFF_SAMPLES 1000

struct handoff {
	struct rte_mempool *mp;
	struct rte_ring *ring;
	uint32_t sampled; /* Set by the main lcore: enough samples. */
	uint32_t done;
	uint64_t errors;
	uint64_t dropped; /* References the putter is done with. */
};

/* Gets one object at a time, tags it and hands it over, until the main
 * lcore has sampled enough; then hands over NULL, the end mark.
 */
static int
handoff_getter(void *arg)
{
	struct handoff *h = arg;
	unsigned int i;
	void *obj;

	for (i = 0; i < HANDOFF_OBJS || !flag_get(&h->sampled);) {
		if (rte_mempool_get(h->mp, &obj) != 0)
			continue;
		/* Relaxed: the tag catches an object handed out twice. */
		if (__atomic_exchange_n((uint64_t *)obj, 1, __ATOMIC_RELAXED))
			h->errors++;
		while (rte_ring_enqueue(h->ring, obj) != 0)
			rte_pause();
		i++;
	}
	while (rte_ring_enqueue(h->ring, NULL) != 0)
		rte_pause();
	return 0;
}

/*
 * Takes references over and drops them; the last drop puts the object
 * back, one at a time. The getter above hands over one reference (its
 * tag of 1), test_get_while_put() several, as mbufs' refcnt goes.
 */
static int
handoff_putter(void *arg)
{
	struct handoff *h = arg;
	void *obj;

	for (;;) {
		while (rte_ring_dequeue(h->ring, &obj) != 0)
			rte_pause();
		if (obj == NULL)
			break;
		/* Acq_rel: the last drop sees every earlier one, as an mbuf's
		 * refcnt does; the tag is 0 again once the object is put.
		 */
		if (__atomic_sub_fetch((uint64_t *)obj, 1, __ATOMIC_ACQ_REL) ==
			0)
			rte_mempool_put(h->mp, obj);
		/* Release: the put happens before the acquire load of a
		 * waiter that sees this drop counted.
		 */
		__atomic_fetch_add(&h->dropped, 1, __ATOMIC_RELEASE);
	}
	lt_flag_set(&h->done);
	return 0;
}

static void
test_get_count_bound(void)
{
	struct handoff h = {0};
	struct lt_job jobs[2];
	unsigned int lcore_id, n = 0, count, max = 0;
	uint64_t samples = 0;

	if (rte_lcore_count() < 3) {
		lfp_test_skip("get_count_bound", "needs two worker lcores");
		return;
	}
	h.mp = lt_pool_create(
		"lt_count", LT_OPS_LFPOOL, CONTRACT_POOL_SIZE, 0, NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(h.mp);
	/* HTS: its synchronisation is C11 atomics, which ThreadSanitizer
	 * sees (the default ring's rte_smp_rmb() it does not).
	 */
	h.ring = rte_ring_create("lt_handoff", 8192, SOCKET_ID_ANY,
		RING_F_MP_HTS_ENQ | RING_F_MC_HTS_DEQ);
	CU_ASSERT_PTR_NOT_NULL_FATAL(h.ring);
	RTE_LCORE_FOREACH_WORKER(lcore_id)
	{
		if (n == 2)
			break;
		CU_ASSERT_EQUAL(
			lt_launch(&jobs[n], lcore_id,
				n == 0 ? handoff_getter : handoff_putter, &h),
			0);
		n++;
	}
	while (!flag_get(&h.done)) {
		count = rte_mempool_avail_count(h.mp);
		max = RTE_MAX(max, count);
		if (++samples == HANDOFF_SAMPLES)
			lt_flag_set(&h.sampled);
	}
	CU_ASSERT_EQUAL(lt_wait(&jobs[0]), 0);
	CU_ASSERT_EQUAL(lt_wait(&jobs[1]), 0);
	printf("\n    %" PRIu64 " samples, largest count %u of %u\n", samples,
		max, CONTRACT_POOL_SIZE);
	CU_ASSERT(samples >= HANDOFF_SAMPLES);
	CU_ASSERT(max <= CONTRACT_POOL_SIZE);
	CU_ASSERT_EQUAL(h.errors, 0);
	CU_ASSERT_EQUAL(rte_mempool_avail_count(h.mp), CONTRACT_POOL_SIZE);
	rte_ring_free(h.ring);
	CU_ASSERT_EQUAL(lt_check_all_present(h.mp), 0);
	rte_mempool_free(h.mp);
}

/* --- Gets while another lcore puts back (mbuf_autotest's refcnt test) --- */

#define REFILL_POOL_SIZE 64
#define REFILL_ROUNDS (5000 / LT_SCALE)
/* References per object, 1 to this many, as in DPDK's test. */
#define REFILL_MAX_REFS 128
/* DPDK's default ring, as in DPDK's test: its pace matters here. Under
 * ThreadSanitizer HTS, as in test_get_count_bound().
 */
#if defined(__SANITIZE_THREAD__)
#define REFILL_RING_FLAGS (RING_F_MP_HTS_ENQ | RING_F_MC_HTS_DEQ)
#else
#define REFILL_RING_FLAGS 0
#endif

/* One round: every object of the pool got once, each of its references
 * handed over (*sent counts them); returns the gets that failed (the
 * round stops there).
 */
static unsigned int
refill_round(struct handoff *h, uint32_t *rnd, uint64_t *sent)
{
	unsigned int k, refs;
	void *obj;

	for (k = 0; k < REFILL_POOL_SIZE; k++) {
		if (rte_mempool_get(h->mp, &obj) != 0)
			return 1;
		refs = 1 + lt_rand(rnd) % REFILL_MAX_REFS;
		*sent += refs;
		/* Relaxed: the ring's enqueue publishes it. */
		__atomic_store_n((uint64_t *)obj, refs, __ATOMIC_RELAXED);
		while (refs-- > 0)
			while (rte_ring_enqueue(h->ring, obj) != 0)
				rte_pause();
	}
	return 0;
}

/*
 * The shape of DPDK's test_refcnt_mbuf(): in a cache-0 pool of 64, one
 * lcore gets one object at a time and hands references to it to another
 * lcore, whose last drop puts it back. At the k-th get of a round at most
 * k objects are out, so each of a round's 64 gets must succeed, although
 * the objects come back into the other lcore's cache while its owner goes
 * in and out of calls. Each round ends with every object counted.
 */
static void
test_get_while_put(void)
{
	struct lfp_mempool_config cfg = {.mag_size = 8};
	unsigned int round, fails = 0, miscounts = 0;
	struct handoff h = {0};
	uint64_t sent = 0;
	uint32_t rnd = 2026;
	struct lt_job job;

	if (contract_skip("get_while_put"))
		return;
	h.mp = lt_pool_create(
		"lt_refill", LT_OPS_LFPOOL, REFILL_POOL_SIZE, 0, &cfg);
	CU_ASSERT_PTR_NOT_NULL_FATAL(h.mp);
	h.ring = rte_ring_create("lt_refill",
		REFILL_POOL_SIZE * REFILL_MAX_REFS, SOCKET_ID_ANY,
		REFILL_RING_FLAGS);
	CU_ASSERT_PTR_NOT_NULL_FATAL(h.ring);
	CU_ASSERT_EQUAL_FATAL(lt_launch(&job, rte_get_next_lcore(-1, 1, 0),
				      handoff_putter, &h),
		0);
	for (round = 0; round < REFILL_ROUNDS; round++) {
		fails += refill_round(&h, &rnd, &sent);
		/* Acquire: pairs with the putter's release of each drop, so
		 * every put of the round is complete.
		 */
		while (__atomic_load_n(&h.dropped, __ATOMIC_ACQUIRE) != sent)
			rte_pause();
		miscounts += rte_mempool_avail_count(h.mp) != REFILL_POOL_SIZE;
	}
	while (rte_ring_enqueue(h.ring, NULL) != 0)
		rte_pause();
	CU_ASSERT_EQUAL(lt_wait(&job), 0);
	printf("\n    %u rounds of %u gets: %u failed, %u miscounted\n",
		REFILL_ROUNDS, REFILL_POOL_SIZE, fails, miscounts);
	CU_ASSERT_EQUAL(fails, 0);
	CU_ASSERT_EQUAL(miscounts, 0);
	rte_ring_free(h.ring);
	CU_ASSERT_EQUAL(lt_check_all_present(h.mp), 0);
	rte_mempool_free(h.mp);
}

/* Microseconds since the TSC read t0. */
static uint64_t
us_since(uint64_t t0)
{
	return (rte_get_tsc_cycles() - t0) * US_PER_S / rte_get_tsc_hz();
}

/* --- A waiting get whose objects go to another get --- */

#define GONE_POOL_SIZE 64
#define GONE_HELD 48 /* The main lcore's; the other 16 are free. */
#define GONE_STALL_US 2000

struct gone {
	struct rte_mempool *mp;
	unsigned int lcore_id; /* The worker the hook stalls. */
	uint32_t armed, stalled, go;
	int ret;
	void *objs[GONE_POOL_SIZE - GONE_HELD]; /* The worker's take. */
};

/* Stalls the worker in its first depot pop once armed: it is inside a
 * get, with objects in its cache that a thief can see.
 */
static void
gone_hook(const struct rte_mempool *mp, void *arg)
{
	struct gone *g = arg;
	uint32_t one = 1;

	RTE_SET_USED(mp);
	/* Relaxed: the exchange below decides who stalls. */
	if (rte_lcore_id() != g->lcore_id ||
		!__atomic_load_n(&g->armed, __ATOMIC_RELAXED) ||
		!__atomic_compare_exchange_n(&g->armed, &one, 0, false,
			__ATOMIC_RELAXED, __ATOMIC_RELAXED))
		return;
	lt_flag_set(&g->stalled);
	rte_delay_us_block(GONE_STALL_US);
}

/* Parks 8 objects in its cache, then takes all 16 free ones at once and
 * keeps them (the main lcore puts them back).
 */
static int
gone_worker(void *arg)
{
	struct gone *g = arg;

	if (rte_mempool_get_bulk(g->mp, g->objs, 8) != 0)
		return -1;
	rte_mempool_put_bulk(g->mp, g->objs, 8);
	lt_flag_set(&g->armed);
	lt_flag_wait(&g->go);
	g->ret = rte_mempool_get_bulk(g->mp, g->objs, RTE_DIM(g->objs));
	return 0;
}

/*
 * A get that waits for an owner inside its call, while that call takes
 * every free object: the get fails once two looks find nothing, not at
 * the end of LFPOOL_STEAL_WAIT_US (it waited the whole bound before).
 */
static void
test_objects_gone(void)
{
	struct lfp_mempool_config cfg = {.mag_size = 8};
	void *held[GONE_HELD], *objs[9];
	struct gone g = {0};
	uint64_t t0, waited_us;
	struct lt_job job;
	int ret;

	if (contract_skip("objects_gone"))
		return;
	g.mp = lt_pool_create(
		"lt_gone", LT_OPS_LFPOOL, GONE_POOL_SIZE, 0, &cfg);
	CU_ASSERT_PTR_NOT_NULL_FATAL(g.mp);
	CU_ASSERT_EQUAL_FATAL(
		rte_mempool_generic_get(g.mp, held, GONE_HELD, NULL), 0);
	g.lcore_id = rte_get_next_lcore(-1, 1, 0);
	lfp_mempool_set_test_hook(gone_hook, &g);
	CU_ASSERT_EQUAL_FATAL(lt_launch(&job, g.lcore_id, gone_worker, &g), 0);
	lt_flag_wait(&g.armed);
	lt_flag_set(&g.go);
	lt_flag_wait(&g.stalled);
	/* 16 objects seem free (8 in the depot, 8 in the worker's cache,
	 * whose owner is inside its get): this get waits, and the worker's
	 * get takes all 16.
	 */
	t0 = rte_get_tsc_cycles();
	ret = rte_mempool_generic_get(g.mp, objs, RTE_DIM(objs), NULL);
	waited_us = us_since(t0);
	CU_ASSERT_EQUAL(lt_wait(&job), 0);
	lfp_mempool_set_test_hook(NULL, NULL);
	printf("\n    get of 9: %d after %" PRIu64
	       " us (stall %u us, bound %u us)\n",
		ret, waited_us, GONE_STALL_US, LFPOOL_STEAL_WAIT_US);
	CU_ASSERT_EQUAL(g.ret, 0);
	if (g.ret == 0)
		rte_mempool_generic_put(g.mp, g.objs, RTE_DIM(g.objs), NULL);
	if (ret == 0)
		rte_mempool_generic_put(g.mp, objs, RTE_DIM(objs), NULL);
	CU_ASSERT_NOT_EQUAL(ret, 0);
	CU_ASSERT(waited_us < LFPOOL_STEAL_WAIT_US);
	rte_mempool_generic_put(g.mp, held, GONE_HELD, NULL);
	CU_ASSERT_EQUAL(lt_check_all_present(g.mp), 0);
	rte_mempool_free(g.mp);
}

/* --- Two lcores starving at once --- */

#define PAIR_POOL_SIZE 64
#define PAIR_MAIN_CACHED 16  /* Objects in the main lcore's cache. */
#define PAIR_WORKER_CACHED 8 /* In the worker's. */
#define PAIR_DEPOT 16	     /* Two full magazines in the depot. */
/* Each asks for its cache, the depot and one more: only one can have it. */
#define PAIR_MAIN_GET (PAIR_MAIN_CACHED + PAIR_DEPOT + 1)
#define PAIR_WORKER_GET (PAIR_WORKER_CACHED + PAIR_DEPOT + 1)
/* A cacheless thread with them: what the depot and one cache cannot make. */
#define PAIR_ANY_GET (PAIR_WORKER_CACHED + PAIR_DEPOT + 1)
#define PAIR_MEET_US 1000000

struct pair {
	struct rte_mempool *mp;
	unsigned int worker;
	/* Bit 0: main lcore, bit 1: worker, bit 2: cacheless, to meet. */
	uint32_t armed;
	uint32_t arrived; /* How many met in the hook. */
	uint32_t meet;	  /* How many are to meet. */
	uint32_t ready, go;
	int ret, ret_any;
	uint64_t waited_us, waited_any_us;
	void *objs[PAIR_WORKER_GET];
	void *objs_any[PAIR_ANY_GET];
};

/* Holds each thread in its first depot pop until the others are in one
 * too: all are then inside a get, the lcores with objects in their caches.
 */
static void
pair_hook(const struct rte_mempool *mp, void *arg)
{
	struct pair *p = arg;
	unsigned int lcore = rte_lcore_id();
	uint32_t bit;
	uint64_t deadline;

	RTE_SET_USED(mp);
	if (lcore == p->worker)
		bit = 2;
	else if (lcore == rte_get_main_lcore())
		bit = 1;
	else if (lcore == LCORE_ID_ANY)
		bit = 4;
	else
		return;
	/* Relaxed: the RMW alone decides who meets, once per lcore. */
	if (!(__atomic_fetch_and(&p->armed, ~bit, __ATOMIC_RELAXED) & bit))
		return;
	/* Relaxed: a rendezvous; the objects travel through the pool. */
	__atomic_fetch_add(&p->arrived, 1, __ATOMIC_RELAXED);
	deadline = rte_get_tsc_cycles() +
		rte_get_tsc_hz() * PAIR_MEET_US / US_PER_S;
	/* Relaxed: as above. Yielding: the cacheless thread may share this
	 * lcore's CPU, and could not arrive while this one spins.
	 */
	while (__atomic_load_n(&p->arrived, __ATOMIC_RELAXED) < p->meet &&
		rte_get_tsc_cycles() < deadline)
		sched_yield();
}

/* Parks the objects it was given in its cache, then starves. */
static int
pair_worker(void *arg)
{
	struct pair *p = arg;
	uint64_t t0;

	rte_mempool_generic_put(p->mp, p->objs, PAIR_WORKER_CACHED, NULL);
	lt_flag_set(&p->ready);
	lt_flag_wait(&p->go);
	t0 = rte_get_tsc_cycles();
	p->ret = rte_mempool_generic_get(p->mp, p->objs, PAIR_WORKER_GET, NULL);
	p->waited_us = us_since(t0);
	return 0;
}

/* A thread without a cache that starves with them. */
static void *
pair_cacheless(void *arg)
{
	struct pair *p = arg;
	uint64_t t0;

	lt_flag_wait(&p->go);
	t0 = rte_get_tsc_cycles();
	p->ret_any = rte_mempool_generic_get(
		p->mp, p->objs_any, PAIR_ANY_GET, NULL);
	p->waited_any_us = us_since(t0);
	return NULL;
}

/*
 * The main lcore and a worker each ask for more than their cache and the
 * depot hold, inside their gets at the same time: each asks the other to
 * hand over. One get must succeed, and neither may wait for the bound
 * (each waited LFPOOL_STEAL_WAIT_US for the other before a waiting owner
 * handed its own objects over). With cacheless, a thread without a cache
 * starves with them, asking both: still one of the three succeeds.
 */
static void
starving_case(bool cacheless)
{
	struct lfp_mempool_config cfg = {.mag_size = 8};
	void *all[PAIR_POOL_SIZE], **objs = all;
	unsigned int held, wins;
	struct pair p = {.armed = cacheless ? 7 : 3, .meet = cacheless + 2};
	uint64_t t0, waited_us;
	struct lt_job job;
	pthread_t any;
	int ret;

	p.mp = lt_pool_create(
		"lt_pair", LT_OPS_LFPOOL, PAIR_POOL_SIZE, 0, &cfg);
	CU_ASSERT_PTR_NOT_NULL_FATAL(p.mp);
	CU_ASSERT_EQUAL_FATAL(
		rte_mempool_generic_get(p.mp, all, PAIR_POOL_SIZE, NULL), 0);
	/* Into the main lcore's cache, full previous going to the depot
	 * once loaded and previous are full: 16 there, 16 in the depot.
	 */
	rte_mempool_generic_put(
		p.mp, objs, PAIR_MAIN_CACHED + PAIR_DEPOT, NULL);
	objs += PAIR_MAIN_CACHED + PAIR_DEPOT;
	memcpy(p.objs, objs, PAIR_WORKER_CACHED * sizeof(*objs));
	objs += PAIR_WORKER_CACHED;
	held = PAIR_POOL_SIZE - (unsigned int)(objs - all);
	p.worker = rte_get_next_lcore(-1, 1, 0);
	CU_ASSERT_EQUAL_FATAL(lt_launch(&job, p.worker, pair_worker, &p), 0);
	lt_flag_wait(&p.ready);
	if (cacheless)
		CU_ASSERT_EQUAL_FATAL(
			pthread_create(&any, NULL, pair_cacheless, &p), 0);
	lfp_mempool_set_test_hook(pair_hook, &p);
	lt_flag_set(&p.go);
	t0 = rte_get_tsc_cycles();
	ret = rte_mempool_generic_get(p.mp, all, PAIR_MAIN_GET, NULL);
	waited_us = us_since(t0);
	CU_ASSERT_EQUAL(lt_wait(&job), 0);
	if (cacheless)
		CU_ASSERT_EQUAL(pthread_join(any, NULL), 0);
	lfp_mempool_set_test_hook(NULL, NULL);
	printf("\n    main get of %u: %d after %" PRIu64
	       " us; worker get of %u: %d after %" PRIu64
	       " us (met: %u, bound %u us)\n",
		PAIR_MAIN_GET, ret, waited_us, PAIR_WORKER_GET, p.ret,
		p.waited_us, p.arrived, LFPOOL_STEAL_WAIT_US);
	if (cacheless)
		printf("    cacheless get of %u: %d after %" PRIu64 " us\n",
			PAIR_ANY_GET, p.ret_any, p.waited_any_us);
	CU_ASSERT_EQUAL(p.arrived, p.meet);
	wins = (ret == 0) + (p.ret == 0) + (cacheless && p.ret_any == 0);
	CU_ASSERT_EQUAL(wins, 1);
	/* With cacheless, three threads spin on two CPUs here: a wait then
	 * lasts what the scheduler gives the other thread of its CPU.
	 */
	CU_ASSERT(cacheless || waited_us < LFPOOL_STEAL_WAIT_US);
	CU_ASSERT(cacheless || p.waited_us < LFPOOL_STEAL_WAIT_US);
	if (cacheless && p.ret_any == 0)
		rte_mempool_generic_put(p.mp, p.objs_any, PAIR_ANY_GET, NULL);
	if (ret == 0)
		rte_mempool_generic_put(p.mp, all, PAIR_MAIN_GET, NULL);
	if (p.ret == 0)
		rte_mempool_generic_put(p.mp, p.objs, PAIR_WORKER_GET, NULL);
	rte_mempool_generic_put(p.mp, objs, held, NULL);
	CU_ASSERT_EQUAL(lt_check_all_present(p.mp), 0);
	rte_mempool_free(p.mp);
}

static void
test_starving_pair(void)
{
	if (contract_skip("starving_pair"))
		return;
	starving_case(false);
}

static void
test_starving_three(void)
{
	if (contract_skip("starving_three"))
		return;
	starving_case(true);
}

/* --- A waiting owner that can hand over only part of its cache --- */

#define HALF_POOL_SIZE 64
#define HALF_MAG 8
#define HALF_MAIN_LOADED 4 /* The main lcore's loaded; previous is full. */
#define HALF_MAIN_CACHED (HALF_MAIN_LOADED + HALF_MAG)
#define HALF_WORKER_CACHED (2 * HALF_MAG) /* Loaded and previous full. */
#define HALF_GET (HALF_MAIN_CACHED + 1)
#define HALF_MAX_EMPTIES 128
#define HALF_STEP_US 1000000

enum half_stage {
	HALF_IDLE,
	HALF_ARMED,    /* The worker's next pop runs the scenario. */
	HALF_DRAINING, /* The worker empties the empty stack. */
	HALF_DRAINED,  /* One empty magazine left: the main lcore's pop. */
	HALF_DONE,
};

struct half {
	struct rte_mempool *mp;
	struct lfpool_cache *main_cache, *worker_cache;
	unsigned int worker;
	uint32_t stage;
	uint32_t in_hook, ready, go;
	uint8_t main_popped; /* The main lcore popped in HALF_DRAINED. */
	uint32_t timed_out;
	uint32_t loaded_after, prev_after; /* Main's counts after its turn. */
	unsigned int nb_empties;
	struct lfpool_mag *empties[HALF_MAX_EMPTIES];
	void *objs[HALF_WORKER_CACHED + 1];
};

/* Wait for *v == want, false (and timed_out) after HALF_STEP_US. */
static bool
half_wait(struct half *h, const uint8_t *v, uint8_t want)
{
	uint64_t deadline = rte_get_tsc_cycles() +
		rte_get_tsc_hz() * HALF_STEP_US / US_PER_S;

	/* Acquire: pairs with the release store of main_popped; relaxed
	 * would do for want (a request), acquire costs nothing here.
	 */
	while (__atomic_load_n(v, __ATOMIC_ACQUIRE) != want) {
		if (rte_get_tsc_cycles() >= deadline) {
			lt_flag_set(&h->timed_out);
			return false;
		}
		rte_pause();
	}
	return true;
}

/*
 * On the worker, inside its put (busy, its cache full, just before it
 * pops an empty magazine): once the main lcore's steal asked it for its
 * objects, leave one empty magazine in the depot, ask the main lcore for
 * its own, and let it hand over: its loaded takes the last empty one, so
 * its full previous stays where it is.
 */
static void
half_worker_turn(struct half *h)
{
	struct lfpool *pool = h->mp->pool_data;
	struct lfpool_ctx ctx = {
		.pool = pool, .st = &pool->uncached, .shared = true};
	struct lfpool_mag *m;
	unsigned int i;

	lt_flag_set(&h->in_hook);
	if (!half_wait(h, &h->worker_cache->want, 1))
		goto out;
	/* Release: the hook reads the stage with acquire. */
	__atomic_store_n(&h->stage, HALF_DRAINING, __ATOMIC_RELEASE);
	while (h->nb_empties < HALF_MAX_EMPTIES &&
		(m = lfpool_mag_get_empty(pool, NULL)) != NULL)
		h->empties[h->nb_empties++] = m;
	if (h->nb_empties == 0 || h->nb_empties == HALF_MAX_EMPTIES) {
		lt_flag_set(&h->timed_out);
		goto out;
	}
	lfpool_mag_put(&ctx, h->empties[--h->nb_empties]);
	/* Release: as above. */
	__atomic_store_n(&h->stage, HALF_DRAINED, __ATOMIC_RELEASE);
	/* Relaxed: a thief's request, as in steal_take(). */
	__atomic_store_n(&h->main_cache->want, 1, __ATOMIC_RELAXED);
	if (!half_wait(h, &h->main_popped, 1))
		goto out;
	/* The main lcore is in its hand-over; its next steal of this cache,
	 * after the hand-over, asks again.
	 */
	/* Relaxed: this lcore's own request flag, as the owner clears it. */
	__atomic_store_n(&h->worker_cache->want, 0, __ATOMIC_RELAXED);
	if (!half_wait(h, &h->worker_cache->want, 1))
		goto out;
	/* Relaxed: snapshots, as statistics read them. */
	h->loaded_after = __atomic_load_n(
		&h->main_cache->loaded_count, __ATOMIC_RELAXED);
	/* Relaxed: as above. */
	h->prev_after = __atomic_load_n(
		&h->main_cache->prev_count, __ATOMIC_RELAXED);
out:
	/* Release: as above. */
	__atomic_store_n(&h->stage, HALF_DONE, __ATOMIC_RELEASE);
	for (i = 0; i < h->nb_empties; i++)
		lfpool_mag_put(&ctx, h->empties[i]);
}

static void
half_hook(const struct rte_mempool *mp, void *arg)
{
	struct half *h = arg;
	/* Acquire: pairs with the release stores of the stage. */
	uint32_t stage = __atomic_load_n(&h->stage, __ATOMIC_ACQUIRE);

	RTE_SET_USED(mp);
	if (rte_lcore_id() == rte_get_main_lcore()) {
		if (stage == HALF_DRAINED)
			/* Release: pairs with the acquire in half_wait(). */
			__atomic_store_n(&h->main_popped, 1, __ATOMIC_RELEASE);
		return;
	}
	if (rte_lcore_id() == h->worker && stage == HALF_ARMED)
		half_worker_turn(h);
}

/* Fills its cache, then one more put pops an empty magazine: the hook. */
static int
half_worker(void *arg)
{
	struct half *h = arg;

	rte_mempool_generic_put(h->mp, h->objs, HALF_WORKER_CACHED, NULL);
	lt_flag_set(&h->ready);
	lt_flag_wait(&h->go);
	rte_mempool_generic_put(h->mp, h->objs + HALF_WORKER_CACHED, 1, NULL);
	return 0;
}

/*
 * The main lcore starves with its loaded partly filled and its previous
 * full; asked while it waits, it hands over loaded but finds no empty
 * magazine for previous, which stays. The get must still return every
 * object it asked for, once each (what it handed over, gathered back,
 * plus previous swapped in), and no object may be lost or doubled.
 */
static void
test_partial_hand_over(void)
{
	struct lfp_mempool_config cfg = {.mag_size = HALF_MAG};
	void *all[HALF_POOL_SIZE], **objs = all, *got[HALF_GET];
	struct half *h;
	struct lt_objmap map;
	struct lfpool *pool;
	struct lt_job job;
	unsigned int held;
	int ret;

	if (contract_skip("partial_hand_over"))
		return;
	h = calloc(1, sizeof(*h));
	CU_ASSERT_PTR_NOT_NULL_FATAL(h);
	h->mp = lt_pool_create(
		"lt_half", LT_OPS_LFPOOL, HALF_POOL_SIZE, 0, &cfg);
	CU_ASSERT_PTR_NOT_NULL_FATAL(h->mp);
	CU_ASSERT_EQUAL_FATAL(lt_objmap_build(h->mp, &map), 0);
	pool = h->mp->pool_data;
	h->worker = rte_get_next_lcore(-1, 1, 0);
	h->main_cache = pool->caches[rte_get_main_lcore()];
	h->worker_cache = pool->caches[h->worker];
	CU_ASSERT_EQUAL_FATAL(
		rte_mempool_generic_get(h->mp, all, HALF_POOL_SIZE, NULL), 0);
	/* loaded fills, swaps with the empty previous, fills again. */
	rte_mempool_generic_put(h->mp, objs, HALF_MAIN_CACHED, NULL);
	objs += HALF_MAIN_CACHED;
	CU_ASSERT_EQUAL(h->main_cache->loaded_count, HALF_MAIN_LOADED);
	CU_ASSERT_EQUAL(h->main_cache->prev_count, HALF_MAG);
	CU_ASSERT_EQUAL(lfpool_depot_count(pool), 0);
	memcpy(h->objs, objs, sizeof(h->objs));
	objs += RTE_DIM(h->objs);
	held = HALF_POOL_SIZE - (unsigned int)(objs - all);
	CU_ASSERT_EQUAL_FATAL(lt_launch(&job, h->worker, half_worker, h), 0);
	lt_flag_wait(&h->ready);
	h->stage = HALF_ARMED;
	lfp_mempool_set_test_hook(half_hook, h);
	lt_flag_set(&h->go);
	lt_flag_wait(&h->in_hook);
	ret = rte_mempool_generic_get(h->mp, got, HALF_GET, NULL);
	CU_ASSERT_EQUAL(lt_wait(&job), 0);
	lfp_mempool_set_test_hook(NULL, NULL);
	printf("\n    get of %u: %d; main's cache after its hand-over: "
	       "loaded %u, previous %u%s\n",
		HALF_GET, ret, h->loaded_after, h->prev_after,
		h->timed_out ? " (a step timed out)" : "");
	CU_ASSERT_FALSE(h->timed_out);
	CU_ASSERT_EQUAL(h->loaded_after, 0);
	CU_ASSERT_EQUAL(h->prev_after, HALF_MAG);
	CU_ASSERT_EQUAL(ret, 0);
	if (ret == 0) {
		CU_ASSERT_EQUAL(lt_check_distinct(&map, got, HALF_GET), 0);
		rte_mempool_generic_put(h->mp, got, HALF_GET, NULL);
	}
	rte_mempool_generic_put(h->mp, objs, held, NULL);
	CU_ASSERT_EQUAL(lt_check_all_present(h->mp), 0);
	lt_objmap_free(&map);
	rte_mempool_free(h->mp);
	free(h);
}

/* --- A thread stopped inside DPDK's heap lock --- */

/*
 * rte_malloc_dump_heaps() prints each heap while holding its lock
 * (malloc_heap_dump() in DPDK 22.11 and 24.11). The holder prints into a
 * stream whose writer blocks at the first line printed under the lock:
 * the thread then sits inside the heap lock for as long as the test
 * wants, wherever the scheduler puts it.
 */
static sem_t heap_stopped, heap_resume;

static ssize_t
heap_writer(void *cookie, const char *buf, size_t size)
{
	bool *stopped_once = cookie;

	if (!*stopped_once && memmem(buf, size, "Heap size", 9) != NULL) {
		*stopped_once = true;
		sem_post(&heap_stopped);
		sem_wait(&heap_resume);
	}
	return (ssize_t)size;
}

static void *
heap_thread(void *arg)
{
	cookie_io_functions_t io = {.write = heap_writer};
	bool stopped_once = false;
	FILE *f = fopencookie(&stopped_once, "w", io);

	RTE_SET_USED(arg);
	if (f == NULL) {
		sem_post(&heap_stopped);
		return NULL;
	}
	/* Unbuffered: each fprintf() reaches the writer at once. */
	setvbuf(f, NULL, _IONBF, 0);
	rte_malloc_dump_heaps(f);
	fclose(f);
	return stopped_once ? arg : NULL;
}

struct heap_probe {
	uint32_t done;
};

/* rte_malloc_get_socket_stats() takes the heap lock of socket 0. */
static void *
heap_probe_thread(void *arg)
{
	struct heap_probe *p = arg;
	struct rte_malloc_socket_stats st;

	rte_malloc_get_socket_stats(0, &st);
	lt_flag_set(&p->done);
	return NULL;
}

/*
 * Stop the heap thread inside the lock, and check that it is: a probe that
 * needs the lock has not finished after a while. Returns true with the
 * probe left blocked.
 */
static bool
heap_stop_inside_lock(pthread_t *t, pthread_t *probe, struct heap_probe *p)
{
	if (pthread_create(t, NULL, heap_thread, p) != 0)
		return false;
	sem_wait(&heap_stopped);
	p->done = 0;
	if (pthread_create(probe, NULL, heap_probe_thread, p) != 0)
		return false;
	rte_delay_us_sleep(20000);
	return !flag_get(&p->done);
}

static void
test_heap_lock(void)
{
	struct lfp_mempool_config cfg = {.mag_size = 8};
	static struct churner c[RTE_MAX_LCORE];
	struct lt_job jobs[RTE_MAX_LCORE];
	unsigned int lcore_id, n = 0, i;
	struct heap_probe probe_state;
	struct rte_mempool *mp;
	void **objs, *held_lock;
	pthread_t t, probe;
	uint64_t steals;
	sem_t parked;
	bool stalled;

	if (contract_skip("heap_lock"))
		return;
	/* Small magazines: every few calls is a depot exchange or a steal. */
	mp = lt_pool_create(
		"lt_heap", LT_OPS_LFPOOL, CONTRACT_POOL_SIZE, 0, &cfg);
	CU_ASSERT_PTR_NOT_NULL_FATAL(mp);
	CU_ASSERT_EQUAL_FATAL(sem_init(&heap_stopped, 0, 0), 0);
	CU_ASSERT_EQUAL_FATAL(sem_init(&heap_resume, 0, 0), 0);
	CU_ASSERT_EQUAL_FATAL(sem_init(&parked, 0, 0), 0);
	stalled = heap_stop_inside_lock(&t, &probe, &probe_state);
	CU_ASSERT_FATAL(stalled);

	/* The heap lock is held by a stopped thread: churn on every worker
	 * and on this lcore, then drain: no call may wait for the lock.
	 */
	steals = steals_so_far(mp);
	memset(c, 0, sizeof(c));
	RTE_LCORE_FOREACH_WORKER(lcore_id)
	{
		c[n] = (struct churner){.mp = mp,
			.kind = CHURN_LCORE,
			.seed = 77u * (n + 1),
			.parked = &parked};
		sem_init(&c[n].release, 0, 1);
		CU_ASSERT_EQUAL(
			lt_launch(&jobs[n], lcore_id, churn_main, &c[n]), 0);
		n++;
	}
	for (i = 0; i < n; i++)
		sem_wait(&parked);
	objs = calloc(CONTRACT_POOL_SIZE, sizeof(*objs));
	CU_ASSERT_PTR_NOT_NULL_FATAL(objs);
	CU_ASSERT_EQUAL(
		drain(mp, objs, CONTRACT_POOL_SIZE), CONTRACT_POOL_SIZE);
	rte_mempool_generic_put(mp, objs, CONTRACT_POOL_SIZE, NULL);
	free(objs);
	/* Still stopped inside the lock all along. */
	CU_ASSERT_FALSE(flag_get(&probe_state.done));
#if LFP_STATS
	CU_ASSERT(steals_so_far(mp) > steals);
#else
	RTE_SET_USED(steals);
#endif
	sem_post(&heap_resume);
	pthread_join(probe, NULL);
	CU_ASSERT_TRUE(flag_get(&probe_state.done));
	pthread_join(t, &held_lock);
	CU_ASSERT_PTR_EQUAL(held_lock, &probe_state);
	for (i = 0; i < n; i++) {
		CU_ASSERT_EQUAL(lt_wait(&jobs[i]), 0);
		sem_destroy(&c[i].release);
	}
	sem_destroy(&heap_stopped);
	sem_destroy(&heap_resume);
	sem_destroy(&parked);
	CU_ASSERT_EQUAL(lt_check_all_present(mp), 0);
	rte_mempool_free(mp);
}

/* --- Which side of the protocol this process runs --- */

/* A worker takes objects and puts them back: they stay in its cache. */
static int
park_some(void *arg)
{
	void *objs[CONTRACT_MAX_BULK];

	if (rte_mempool_get_bulk(arg, objs, RTE_DIM(objs)) != 0)
		return -1;
	rte_mempool_put_bulk(arg, objs, RTE_DIM(objs));
	return 0;
}

/* What the driver should have chosen: membarrier if the kernel lets us. */
static bool
membarrier_expected(void)
{
	const int need = MEMBARRIER_CMD_PRIVATE_EXPEDITED |
		MEMBARRIER_CMD_GLOBAL_EXPEDITED;
	long cmds = syscall(__NR_membarrier, MEMBARRIER_CMD_QUERY, 0, 0);

	return cmds >= 0 && (cmds & need) == need;
}

/*
 * Caches are in membarrier mode where membarrier(2) works, else in fence
 * mode; steals issue membarriers only in the first case, and succeed in
 * both.
 */
static void
test_steal_mode(void)
{
	struct lfp_mempool_stats st;
	struct rte_mempool *mp;
	struct lfpool *pool;
	bool fast = membarrier_expected();
	unsigned int lcore_id, i;
	struct lt_objmap map;
	struct lt_job job;

	printf("\n    membarrier(2) %s here\n", fast ? "works" : "is refused");
	mp = lt_pool_create(
		"lt_mode", LT_OPS_LFPOOL, CONTRACT_POOL_SIZE, 0, NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(mp);
	CU_ASSERT_EQUAL_FATAL(lt_objmap_build(mp, &map), 0);
	pool = mp->pool_data;
	for (i = 0; i < RTE_MAX_LCORE; i++)
		if (pool->caches[i] != NULL)
			CU_ASSERT_EQUAL(pool->caches[i]->fenced, !fast);
	/* An object parked in a worker's cache, taken by this lcore. */
	lcore_id = rte_get_next_lcore(-1, 1, 0);
	if (lcore_id < RTE_MAX_LCORE) {
		CU_ASSERT_EQUAL(lt_launch(&job, lcore_id, park_some, mp), 0);
		CU_ASSERT_EQUAL(lt_wait(&job), 0);
		CU_ASSERT_EQUAL(
			drain_and_check(mp, &map, true), CONTRACT_POOL_SIZE);
		CU_ASSERT_EQUAL(lfp_mempool_stats_get(mp, &st, NULL), 0);
#if LFP_STATS
		CU_ASSERT(st.steals > 0);
		CU_ASSERT(fast ? st.membarriers > 0 : st.membarriers == 0);
#endif
	}
	lt_objmap_free(&map);
	rte_mempool_free(mp);
}

/* --- A thief stopped inside a steal --- */

static sem_t thief_stopped, thief_resume;
static RTE_DEFINE_PER_LCORE(bool, thief_victim);

/* Stops the victim in its first depot pop inside a steal. */
static void
thief_hook(const struct rte_mempool *mp, void *arg)
{
	RTE_SET_USED(mp);
	RTE_SET_USED(arg);
	if (!RTE_PER_LCORE(thief_victim))
		return;
	RTE_PER_LCORE(thief_victim) = false;
	sem_post(&thief_stopped);
	sem_wait(&thief_resume);
}

struct thief_arg {
	struct rte_mempool *mp;
	void *obj;
	int ret;
};

/* A cacheless thread whose get must steal; it stops inside the steal. */
static void *
thief_thread(void *arg)
{
	struct thief_arg *t = arg;

	RTE_PER_LCORE(thief_victim) = true;
	t->ret = rte_mempool_generic_get(t->mp, &t->obj, 1, NULL);
	return NULL;
}

struct owner_arg {
	struct rte_mempool *mp;
	sem_t filled, go;
	uint32_t unregistered;
};

/* A registered thread parks objects in its cache, then unregisters. */
static void *
owner_thread(void *arg)
{
	struct owner_arg *o = arg;
	void *objs[64];

	if (rte_thread_register() != 0)
		return NULL;
	if (rte_mempool_generic_get(o->mp, objs, RTE_DIM(objs), NULL) == 0)
		rte_mempool_generic_put(o->mp, objs, RTE_DIM(objs), NULL);
	sem_post(&o->filled);
	sem_wait(&o->go);
	rte_thread_unregister();
	lt_flag_set(&o->unregistered);
	return NULL;
}

/* Take everything but what the owner's cache holds; returns how many. */
static unsigned int
hold_depot(struct rte_mempool *mp, void **objs)
{
	unsigned int n = 0;

	while (n < CONTRACT_POOL_SIZE &&
		lfpool_depot_count(mp->pool_data) > 0 &&
		rte_mempool_generic_get(mp, &objs[n], 1, NULL) == 0)
		n++;
	return n;
}

/*
 * A thief stopped in the middle of a steal holds up only the magazine it
 * is taking: the owner of the cache it is in still unregisters (EAL's
 * lcore lock and the mempool list lock are held meanwhile), and the
 * next pool can still be created. A get that no steal could satisfy
 * issues no membarrier at all.
 */
static void
test_stopped_thief(void)
{
	struct owner_arg o = {0};
	struct thief_arg t = {0};
	struct lfp_mempool_stats before, after;
	struct rte_mempool *mp, *other;
	pthread_t owner, thief;
	unsigned int held, wait;
	void **objs;

	mp = lt_pool_create(
		"lt_thief", LT_OPS_LFPOOL, CONTRACT_POOL_SIZE, 0, NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(mp);
	objs = calloc(CONTRACT_POOL_SIZE + 1, sizeof(*objs));
	CU_ASSERT_PTR_NOT_NULL_FATAL(objs);
	CU_ASSERT_EQUAL_FATAL(lfp_mempool_stats_get(mp, &before, NULL), 0);
	CU_ASSERT_NOT_EQUAL(
		rte_mempool_generic_get(mp, objs, CONTRACT_POOL_SIZE + 1, NULL),
		0);
	CU_ASSERT_EQUAL_FATAL(lfp_mempool_stats_get(mp, &after, NULL), 0);
	CU_ASSERT_EQUAL(after.membarriers, before.membarriers);

	o.mp = mp;
	t.mp = mp;
	CU_ASSERT_EQUAL_FATAL(sem_init(&o.filled, 0, 0), 0);
	CU_ASSERT_EQUAL_FATAL(sem_init(&o.go, 0, 0), 0);
	CU_ASSERT_EQUAL_FATAL(sem_init(&thief_stopped, 0, 0), 0);
	CU_ASSERT_EQUAL_FATAL(sem_init(&thief_resume, 0, 0), 0);
	CU_ASSERT_EQUAL_FATAL(
		pthread_create(&owner, NULL, owner_thread, &o), 0);
	sem_wait(&o.filled);
	/* Only the owner's cache holds objects now: the thief must steal. */
	held = hold_depot(mp, objs);
	lfp_mempool_set_test_hook(thief_hook, NULL);
	CU_ASSERT_EQUAL_FATAL(
		pthread_create(&thief, NULL, thief_thread, &t), 0);
	sem_wait(&thief_stopped);

	sem_post(&o.go);
	for (wait = 0; wait < 2000 && !flag_get(&o.unregistered); wait++)
		rte_delay_us_sleep(1000);
	CU_ASSERT(flag_get(&o.unregistered));
	other = lt_pool_create("lt_thief2", "ring_mp_mc", 64, 0, NULL);
	CU_ASSERT_PTR_NOT_NULL(other);
	rte_mempool_free(other);

	sem_post(&thief_resume);
	pthread_join(thief, NULL);
	pthread_join(owner, NULL);
	lfp_mempool_set_test_hook(NULL, NULL);
	CU_ASSERT_EQUAL(t.ret, 0);
	if (t.ret == 0)
		rte_mempool_generic_put(mp, &t.obj, 1, NULL);
	rte_mempool_generic_put(mp, objs, held, NULL);
	free(objs);
	sem_destroy(&o.filled);
	sem_destroy(&o.go);
	sem_destroy(&thief_stopped);
	sem_destroy(&thief_resume);
	CU_ASSERT_EQUAL(lt_check_all_present(mp), 0);
	rte_mempool_free(mp);
}

CU_TestInfo lt_contract_tests[] = {
	{"stopped_thief", test_stopped_thief},
	{"steal_mode", test_steal_mode},
	{"conservation", test_conservation},
	{"conservation_stopped", test_conservation_stopped},
	{"get_count_bound", test_get_count_bound},
	{"get_while_put", test_get_while_put},
	{"objects_gone", test_objects_gone},
	{"starving_pair", test_starving_pair},
	{"starving_three", test_starving_three},
	{"partial_hand_over", test_partial_hand_over},
	{"heap_lock", test_heap_lock},
	CU_TEST_INFO_NULL,
};
