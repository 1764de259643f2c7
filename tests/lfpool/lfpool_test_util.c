/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The lfpool authors
 */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_common.h>
#include <rte_errno.h>
#include <rte_launch.h>
#include <rte_lcore.h>
#include <rte_mempool.h>
#include <rte_pause.h>

#include "lfpool_test.h"

const char *const lt_ops_names[] = {
	LT_OPS_LFPOOL,
	"ring_mp_mc",
	"stack",
	"lf_stack",
};
const unsigned int lt_nb_ops = RTE_DIM(lt_ops_names);

bool
lt_ops_available(const char *ops)
{
	unsigned int i;

	for (i = 0; i < rte_mempool_ops_table.num_ops; i++)
		if (strcmp(rte_mempool_ops_table.ops[i].name, ops) == 0)
			return true;
	return false;
}

static void
zero_tag(struct rte_mempool *mp, void *arg, void *obj, unsigned int idx)
{
	RTE_SET_USED(mp);
	RTE_SET_USED(arg);
	RTE_SET_USED(idx);
	memset(obj, 0, 2 * sizeof(uint64_t)); /* Tag and mark words. */
}

struct rte_mempool *
lt_pool_create(const char *name, const char *ops, unsigned int n,
	unsigned int cache_size, const struct lfp_mempool_config *cfg)
{
	struct rte_mempool *mp;
	int ret;

	mp = rte_mempool_create_empty(
		name, n, LT_ELT_SIZE, cache_size, 0, SOCKET_ID_ANY, 0);
	if (mp == NULL)
		return NULL;
	ret = rte_mempool_set_ops_byname(mp, ops, (void *)(uintptr_t)cfg);
	if (ret == 0) {
		ret = rte_mempool_populate_default(mp);
		ret = ret < 0 ? ret : 0;
	}
	if (ret < 0) {
		rte_mempool_free(mp);
		rte_errno = -ret;
		return NULL;
	}
	rte_mempool_obj_iter(mp, zero_tag, NULL);
	return mp;
}

static void
collect_obj(struct rte_mempool *mp, void *arg, void *obj, unsigned int idx)
{
	struct lt_objmap *map = arg;

	RTE_SET_USED(mp);
	RTE_SET_USED(idx);
	map->objs[map->n++] = obj;
}

static int
ptr_cmp(const void *a, const void *b)
{
	uintptr_t x = (uintptr_t) * (void *const *)a;
	uintptr_t y = (uintptr_t) * (void *const *)b;

	return x < y ? -1 : x > y;
}

int
lt_objmap_build(struct rte_mempool *mp, struct lt_objmap *map)
{
	map->n = 0;
	map->objs = calloc(mp->populated_size + 1, sizeof(void *));
	if (map->objs == NULL)
		return -ENOMEM;
	rte_mempool_obj_iter(mp, collect_obj, map);
	qsort(map->objs, map->n, sizeof(void *), ptr_cmp);
	return 0;
}

int
lt_objmap_index(const struct lt_objmap *map, const void *obj)
{
	void **hit = bsearch(&obj, map->objs, map->n, sizeof(void *), ptr_cmp);

	return hit == NULL ? -1 : (int)(hit - map->objs);
}

void
lt_objmap_free(struct lt_objmap *map)
{
	free(map->objs);
	map->objs = NULL;
	map->n = 0;
}

unsigned int
lt_check_distinct(const struct lt_objmap *map, void **objs, unsigned int n)
{
	uint8_t *seen = calloc(map->n + 1, 1);
	unsigned int i, bad = 0;
	int idx;

	if (seen == NULL)
		return 1;
	for (i = 0; i < n; i++) {
		idx = lt_objmap_index(map, objs[i]);
		if (idx < 0 || seen[idx]++ != 0) {
			if (bad++ < 5)
				printf("\n    object %p: %s\n", objs[i],
					idx < 0 ? "not in the pool" :
						  "returned twice");
		}
	}
	free(seen);
	return bad;
}

/* --- Launching and waiting --- */

static int
job_main(void *arg)
{
	struct lt_job *job = arg;

	job->ret = job->fn(job->arg);
	/* Release: the job's results happen before lt_wait() returns
	 * (EAL's own wait is not instrumented by ThreadSanitizer).
	 */
	__atomic_store_n(&job->done, 1, __ATOMIC_RELEASE);
	return 0;
}

int
lt_launch(struct lt_job *job, unsigned int lcore_id, int (*fn)(void *arg),
	void *arg)
{
	job->fn = fn;
	job->arg = arg;
	job->lcore_id = lcore_id;
	job->ret = -1;
	job->done = 0;
	return rte_eal_remote_launch(job_main, job, lcore_id);
}

int
lt_wait(struct lt_job *job)
{
	rte_eal_wait_lcore(job->lcore_id);
	/* Acquire: pairs with the release in job_main(). */
	while (!__atomic_load_n(&job->done, __ATOMIC_ACQUIRE))
		rte_pause();
	return job->ret;
}

void
lt_flag_wait(const uint32_t *flag)
{
	/* Acquire: pairs with lt_flag_set(); the setup before it is ours. */
	while (!__atomic_load_n(flag, __ATOMIC_ACQUIRE))
		rte_pause();
}

void
lt_flag_set(uint32_t *flag)
{
	/* Release: pairs with lt_flag_wait(). */
	__atomic_store_n(flag, 1, __ATOMIC_RELEASE);
}

/* --- Draining --- */

struct drain {
	struct rte_mempool *mp;
	void **objs;
	unsigned int n, max;
};

/* Take objects one by one until the pool says none is reachable. */
static int
drain_here(void *arg)
{
	struct drain *d = arg;

	while (d->n < d->max && rte_mempool_get(d->mp, &d->objs[d->n]) == 0)
		d->n++;
	return 0;
}

int
lt_check_all_present(struct rte_mempool *mp)
{
	struct drain d = {.mp = mp, .max = mp->populated_size + 64};
	struct lt_objmap map;
	struct lt_job job;
	unsigned int lcore_id, i, k, bad;
	int problems = 0;

	if (lt_objmap_build(mp, &map) < 0)
		return 1;
	d.objs = calloc(d.max, sizeof(void *));
	if (d.objs == NULL) {
		lt_objmap_free(&map);
		return 1;
	}
	RTE_LCORE_FOREACH_WORKER(lcore_id)
	{
		if (lt_launch(&job, lcore_id, drain_here, &d) == 0)
			lt_wait(&job);
	}
	drain_here(&d);
	if (d.n != mp->populated_size) {
		printf("\n    drained %u objects of %u\n", d.n,
			mp->populated_size);
		problems++;
	}
	bad = lt_check_distinct(&map, d.objs, d.n);
	problems += bad;
	if (rte_mempool_avail_count(mp) != 0) {
		printf("\n    avail %u after draining\n",
			rte_mempool_avail_count(mp));
		problems++;
	}
	for (i = 0; i < d.n; i += k) {
		k = RTE_MIN(d.n - i, 512u);
		rte_mempool_put_bulk(mp, &d.objs[i], k);
	}
	if (rte_mempool_avail_count(mp) != mp->populated_size) {
		printf("\n    avail %u of %u after putting back\n",
			rte_mempool_avail_count(mp), mp->populated_size);
		problems++;
	}
	free(d.objs);
	lt_objmap_free(&map);
	return problems;
}

/* --- Random churn --- */

static void
churn_put(struct lt_churn *c, void **held, unsigned int *nheld, unsigned int k)
{
	unsigned int i;

	*nheld -= k;
	for (i = 0; i < k; i++)
		/* Relaxed: the pool's own release/acquire carries it to
		 * the next taker.
		 */
		__atomic_store_n(
			(uint64_t *)held[*nheld + i], 0, __ATOMIC_RELAXED);
	rte_mempool_put_bulk(c->mp, &held[*nheld], k);
	c->puts++;
}

static void
churn_get(struct lt_churn *c, void **held, unsigned int *nheld, unsigned int k)
{
	unsigned int i;
	uint64_t old;
	int ret;

	ret = rte_mempool_get_bulk(c->mp, &held[*nheld], k);
	if (ret == -ENOBUFS) {
		c->fails++;
		return;
	}
	if (ret != 0) {
		c->errors++;
		return;
	}
	for (i = 0; i < k; i++) {
		/* Relaxed: only the value matters; 0 means nobody holds it. */
		old = __atomic_exchange_n(
			(uint64_t *)held[*nheld + i], c->tag, __ATOMIC_RELAXED);
		if (old != 0 && c->errors++ < 3)
			printf("\n    %p taken by %#" PRIx64 " and %#" PRIx64
			       "\n",
				held[*nheld + i], old, c->tag);
	}
	*nheld += k;
	c->gets++;
}

int
lt_churn_run(struct lt_churn *c)
{
	void **held = calloc(c->max_held + 1, sizeof(void *));
	uint32_t rnd = c->seed | 1;
	unsigned int nheld = 0, it, k, r;

	if (held == NULL)
		return -ENOMEM;
	for (it = 0; it < c->iterations; it++) {
		r = lt_rand(&rnd);
		k = 1 + (r >> 8) % c->max_bulk;
		if (nheld + k > c->max_held || ((r & 1) && nheld > 0))
			churn_put(c, held, &nheld, RTE_MIN(k, nheld));
		else
			churn_get(c, held, &nheld, k);
	}
	if (nheld > 0)
		churn_put(c, held, &nheld, nheld);
	free(held);
	return c->errors == 0 ? 0 : -1;
}
