/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The lfpool authors
 */

/*
 * Warm-up: take every page fault at start-up and leave each lcore's cache
 * full, so that the first order costs what the millionth does.
 *
 * Free objects may hold a driver's links, so nothing writes into an object
 * the pool still owns: a pass takes objects out with rte_mempool_get(),
 * chains them through their first word (no allocation), writes them, and
 * puts them back.
 */

#include <errno.h>
#include <string.h>

#include <rte_errno.h>
#include <rte_launch.h>

#include "tp_private.h"

/* An object taken out by a warm-up pass; its first word is the link. */
struct taken {
	struct taken *next;
};

static void
put_chain(struct rte_mempool *mp, struct taken *head)
{
	while (head != NULL) {
		struct taken *next = head->next;

		tp_mp_put(mp, head);
		head = next;
	}
}

/*
 * Take up to @max objects (all of them with UINT32_MAX), zeroing each
 * when @touch so its pages are faulted in writable, and put them back.
 */
static unsigned int
cycle_objects(struct rte_mempool *mp, uint32_t max, bool touch)
{
	struct taken *head = NULL;
	unsigned int n = 0;
	void *obj;

	while (n < max && tp_mp_get(mp, &obj) == 0) {
		struct taken *t = obj;

		if (touch)
			memset(obj, 0, mp->elt_size);
		t->next = head;
		head = t;
		n++;
	}
	put_chain(mp, head);
	return n;
}

static void
touch_slot(struct lfp_tp_pools *p, unsigned int slot)
{
	unsigned int t;

	for (t = 0; t < LFP_TP_TYPE_MAX; t++)
		if (p->slot[slot].mp[t] != NULL)
			cycle_objects(p->slot[slot].mp[t], UINT32_MAX, true);
}

int
lfp_tp_warmup_lcore(struct lfp_tp_pools *pools)
{
	unsigned int lcore = rte_lcore_id();
	unsigned int slot, t;

	if (pools == NULL || lcore >= RTE_MAX_LCORE) {
		rte_errno = EINVAL;
		return -EINVAL;
	}
	slot = pools->lcore_slot[lcore];
	/* A get of one object refills an empty cache to cache_size + 1
	 * from the common pool; taking cache_size and putting them back
	 * leaves the cache holding at least cache_size objects. */
	for (t = 0; t < LFP_TP_TYPE_MAX; t++) {
		struct rte_mempool *mp = pools->slot[slot].mp[t];

		if (mp != NULL && mp->cache_size > 0)
			cycle_objects(mp, mp->cache_size, false);
	}
	return 0;
}

/* What one lcore does in a warm-up phase. */
struct warm_job {
	struct lfp_tp_pools *pools;
	int touch_slot; /* slot to pre-touch in phase 1, or -1 */
};

static int
warm_touch(void *arg)
{
	struct warm_job *job = arg;

	TP_TSAN_ACQUIRE(job);
	if (job->touch_slot >= 0)
		touch_slot(job->pools, job->touch_slot);
	TP_TSAN_RELEASE(job);
	return 0;
}

static int
warm_prefill(void *arg)
{
	struct warm_job *job = arg;
	int ret;

	TP_TSAN_ACQUIRE(job);
	ret = lfp_tp_warmup_lcore(job->pools);
	TP_TSAN_RELEASE(job);
	return ret;
}

static bool
lcore_idle(unsigned int lcore)
{
	return rte_eal_get_lcore_state(lcore) == WAIT;
}

/*
 * Run @fn on the main lcore and on every idle worker, each with its own
 * job. Returns the number of workers that were busy and skipped.
 */
static unsigned int
run_phase(lcore_function_t *fn, struct warm_job *jobs)
{
	unsigned int lcore, busy = 0;
	bool launched[RTE_MAX_LCORE] = {false};

	RTE_LCORE_FOREACH_WORKER(lcore)
	{
		TP_TSAN_RELEASE(&jobs[lcore]);
		if (!lcore_idle(lcore) ||
			rte_eal_remote_launch(fn, &jobs[lcore], lcore) != 0) {
			busy++;
			continue;
		}
		launched[lcore] = true;
	}
	fn(&jobs[rte_lcore_id()]);
	RTE_LCORE_FOREACH_WORKER(lcore)
	if (launched[lcore]) {
		rte_eal_wait_lcore(lcore);
		TP_TSAN_ACQUIRE(&jobs[lcore]);
	}
	return busy;
}

/*
 * Pick, for each slot, the lcore that pre-touches its pools: one of the
 * slot's own lcores so first-touch placement stays on the right socket,
 * the main lcore when it is one of them, or the main lcore if none is
 * idle.
 */
static void
plan_touch(struct lfp_tp_pools *p, struct warm_job *jobs)
{
	unsigned int main_lcore = rte_get_main_lcore();
	unsigned int lcore, s;

	for (lcore = 0; lcore < RTE_MAX_LCORE; lcore++) {
		jobs[lcore].pools = p;
		jobs[lcore].touch_slot = -1;
	}
	for (s = 0; s < p->nb_slots; s++) {
		unsigned int chosen = main_lcore;

		if (p->lcore_slot[main_lcore] != s)
			RTE_LCORE_FOREACH_WORKER(lcore)
		if (p->lcore_slot[lcore] == s && lcore_idle(lcore)) {
			chosen = lcore;
			break;
		}
		/* The main lcore may have to touch several slots. */
		if (jobs[chosen].touch_slot >= 0)
			touch_slot(p, s);
		else
			jobs[chosen].touch_slot = s;
	}
}

int
lfp_tp_warmup(struct lfp_tp_pools *pools)
{
	struct warm_job jobs[RTE_MAX_LCORE];
	unsigned int busy;

	if (pools == NULL) {
		rte_errno = EINVAL;
		return -EINVAL;
	}
	if (rte_lcore_id() != rte_get_main_lcore()) {
		rte_errno = EPERM;
		return -EPERM;
	}
	plan_touch(pools, jobs);
	busy = run_phase(warm_touch, jobs);
	busy = RTE_MAX(busy, run_phase(warm_prefill, jobs));
	if (busy > 0) {
		TP_LOG(WARNING, "pools %s: %u busy worker lcore(s) not warmed",
			pools->name, busy);
		rte_errno = EBUSY;
		return -EBUSY;
	}
	return 0;
}
