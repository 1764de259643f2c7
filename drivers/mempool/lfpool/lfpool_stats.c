/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The lfpool authors
 */

/*
 * Statistics: per-lcore counters live in each cache (written by the owner
 * with relaxed stores), the cacheless threads share one slot (relaxed
 * atomic adds); readers sum relaxed loads. One table names the fields for
 * lfp_mempool_stats_get() and the telemetry.
 */

#include <assert.h>
#include <errno.h>
#include <stddef.h>
#include <string.h>

#include <rte_common.h>
#include <rte_errno.h>
#include <rte_mempool.h>

#include "lfpool_private.h"

#define FIELD(f) \
	{ \
#f, offsetof(struct lfp_mempool_stats, f) \
	}

const struct lfpool_stat_field lfpool_stat_fields[] = {
	FIELD(get_bulk),
	FIELD(get_objs),
	FIELD(put_bulk),
	FIELD(put_objs),
	FIELD(get_fail_bulk),
	FIELD(get_fail_objs),
	FIELD(cache_hits),
	FIELD(cache_misses),
	FIELD(depot_gets),
	FIELD(depot_puts),
	FIELD(steals),
	FIELD(steal_fails),
	FIELD(stolen_objs),
	FIELD(hand_overs),
	FIELD(membarriers),
	/* Pool-wide values from here on. */
	FIELD(populated),
	FIELD(avail),
	FIELD(in_use),
	FIELD(peak_in_use),
	FIELD(magazines),
	FIELD(metadata_bytes),
	FIELD(lost_to_dead_processes),
	FIELD(records_in_use),
};

const unsigned int lfpool_stat_nb_counters = offsetof(struct lfp_mempool_stats,
						     populated) /
	sizeof(uint64_t);
const unsigned int lfpool_stat_nb_fields = RTE_DIM(lfpool_stat_fields);

/* Every field is listed, in order. */
static_assert(sizeof(struct lfp_mempool_stats) ==
		RTE_DIM(lfpool_stat_fields) * sizeof(uint64_t),
	"lfpool_stat_fields must list every field of lfp_mempool_stats");

/*
 * A cache's hits: its calls less its misses. The loads are not one
 * snapshot, so a call counted in misses but not yet in its bulk counter
 * could make the difference negative for an instant: clamp it.
 */
static void
derive_cache_hits(struct lfp_mempool_stats *st)
{
	uint64_t calls = st->get_bulk + st->get_fail_bulk + st->put_bulk;

	st->cache_hits = calls > st->cache_misses ? calls - st->cache_misses :
						    0;
}

/*
 * Add a relaxed snapshot of src's counters to dst (and copy it to one);
 * cached: src is a cache's, whose hits are derived.
 */
static void
counters_add(struct lfp_mempool_stats *dst, struct lfp_mempool_stats *one,
	const struct lfp_mempool_stats *src, bool cached)
{
	const uint64_t *s = (const uint64_t *)src;
	struct lfp_mempool_stats snap;
	uint64_t *v = (uint64_t *)&snap, *d = (uint64_t *)dst;
	unsigned int i;

	for (i = 0; i < lfpool_stat_nb_counters; i++)
		/* Relaxed: monotonic counters, read as a snapshot. */
		v[i] = __atomic_load_n(&s[i], __ATOMIC_RELAXED);
	if (cached)
		derive_cache_hits(&snap);
	for (i = 0; d != NULL && i < lfpool_stat_nb_counters; i++)
		d[i] += v[i];
	if (one != NULL)
		memcpy(one, v, lfpool_stat_nb_counters * sizeof(*v));
}

static void
pool_values(const struct rte_mempool *mp, const struct lfpool *pool,
	struct lfp_mempool_stats *t)
{
	/* Relaxed: statistics, each read on its own. */
	t->populated = __atomic_load_n(&pool->populated, __ATOMIC_RELAXED);
	t->avail = rte_mempool_avail_count(mp);
	t->in_use = t->populated > t->avail ? t->populated - t->avail : 0;
	/* Relaxed: same. */
	t->peak_in_use = __atomic_load_n(&pool->peak_in_use, __ATOMIC_RELAXED);
	/* Relaxed: same. */
	t->magazines = __atomic_load_n(&pool->magazines, __ATOMIC_RELAXED);
	/* Relaxed: same. */
	t->metadata_bytes = __atomic_load_n(
		&pool->metadata_bytes, __ATOMIC_RELAXED);
	/* Relaxed: same. */
	t->lost_to_dead_processes = __atomic_load_n(
		&pool->lost_to_dead, __ATOMIC_RELAXED);
	t->records_in_use = lfpool_recs_in_use(pool);
}

int
lfp_mempool_stats_get(const struct rte_mempool *mp,
	struct lfp_mempool_stats *total, struct lfp_mempool_stats *per_lcore)
{
	const struct lfpool *pool;
	const struct lfpool_cache *c;
	unsigned int i;

	if (!lfpool_is_lfpool(mp)) {
		rte_errno = EINVAL;
		return -EINVAL;
	}
	if (total != NULL)
		memset(total, 0, sizeof(*total));
	if (per_lcore != NULL)
		memset(per_lcore, 0, sizeof(*per_lcore) * RTE_MAX_LCORE);
	pool = mp->pool_data;
	if (pool == NULL)
		return 0; /* Not populated yet. */
	for (i = 0; i < RTE_MAX_LCORE; i++) {
		/* Acquire: pairs with the release in lfpool_lcore_init(). */
		c = __atomic_load_n(&pool->caches[i], __ATOMIC_ACQUIRE);
		if (c != NULL)
			counters_add(total,
				per_lcore != NULL ? &per_lcore[i] : NULL,
				&c->st, true);
	}
	if (total != NULL) {
		counters_add(total, NULL, &pool->uncached, false);
		pool_values(mp, pool, total);
	}
	return 0;
}
