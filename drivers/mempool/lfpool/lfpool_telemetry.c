/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The lfpool authors
 */

/*
 * Telemetry: /lfpool/list, /lfpool/info,<pool>, /lfpool/stats,<pool>.
 * Handlers run on the telemetry thread (LCORE_ID_ANY) and only read,
 * inside rte_mempool_walk(): get_count and relaxed loads of the counters.
 */

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_common.h>
#include <rte_mempool.h>
#include <rte_telemetry.h>

#include "lfpool_private.h"
#include "lfp_dpdk_compat.h"

/* Replies are at most 16 KiB; keep room for the totals and field names. */
#define TEL_REPLY_BUDGET (16 * 1024 - 2048)

/*
 * The one call to the u64 dict API: renamed rte_tel_data_add_dict_uint in
 * 23.03 and deprecated in 24.11, only this line changes then.
 */
static int
tel_u64(struct rte_tel_data *d, const char *name, uint64_t v)
{
	return lfp_tel_dict_uint(d, name, v);
}

static void
list_one(struct rte_mempool *mp, void *arg)
{
	if (lfpool_is_lfpool(mp))
		rte_tel_data_add_array_string(arg, mp->name);
}

static int
handle_list(const char *cmd, const char *params, struct rte_tel_data *d)
{
	RTE_SET_USED(cmd);
	RTE_SET_USED(params);
	rte_tel_data_start_array(d, RTE_TEL_STRING_VAL);
	rte_mempool_walk(list_one, d);
	return 0;
}

/*
 * Telemetry runs on its own thread, concurrently with rte_mempool_free()
 * in any process: a pool is only touched inside rte_mempool_walk(), which
 * holds the mempool list's lock, so it cannot be freed meanwhile.
 */
struct pool_query {
	const char *name;
	struct rte_tel_data *d;
	int (*fill)(struct rte_mempool *mp, struct rte_tel_data *d);
	int ret;
};

static void
query_one(struct rte_mempool *mp, void *arg)
{
	struct pool_query *q = arg;

	if (strcmp(mp->name, q->name) == 0 && lfpool_is_lfpool(mp))
		q->ret = q->fill(mp, q->d);
}

/* fill(pool named by params); -EINVAL if there is no such lfpool pool. */
static int
with_pool(const char *params, struct rte_tel_data *d,
	int (*fill)(struct rte_mempool *mp, struct rte_tel_data *d))
{
	struct pool_query q = {
		.name = params, .d = d, .fill = fill, .ret = -EINVAL};

	if (params == NULL || params[0] == '\0')
		return -EINVAL;
	rte_mempool_walk(query_one, &q);
	return q.ret;
}

static int
fill_info(struct rte_mempool *mp, struct rte_tel_data *d)
{
	const struct lfpool *pool;
	struct lfp_mempool_stats st;
	uint32_t nb_caches = 0;

	if (lfp_mempool_stats_get(mp, &st, NULL) < 0)
		return -EINVAL;
	pool = mp->pool_data;
	if (pool != NULL)
		nb_caches = lfpool_caches_owned(pool);
	rte_tel_data_start_dict(d);
	rte_tel_data_add_dict_string(d, "name", mp->name);
	rte_tel_data_add_dict_string(
		d, "ops_name", rte_mempool_get_ops(mp->ops_index)->name);
	rte_tel_data_add_dict_int(d, "ops_index", mp->ops_index);
	rte_tel_data_add_dict_int(d, "socket", mp->socket_id);
	tel_u64(d, "size", mp->size);
	tel_u64(d, "populated", st.populated);
	tel_u64(d, "avail", st.avail);
	tel_u64(d, "in_use", st.in_use);
	tel_u64(d, "mag_capacity", pool != NULL ? pool->cap : 0);
	tel_u64(d, "spare_target", pool != NULL ? pool->spare_target : 0);
	tel_u64(d, "caches", nb_caches);
	tel_u64(d, "magazines", st.magazines);
	tel_u64(d, "metadata_bytes", st.metadata_bytes);
	tel_u64(d, "lost_to_dead_processes", st.lost_to_dead_processes);
	tel_u64(d, "records_in_use", st.records_in_use);
	return 0;
}

static unsigned int
digits(uint64_t v)
{
	unsigned int n = 1;

	while (v >= 10) {
		v /= 10;
		n++;
	}
	return n;
}

/* One lcore's counters as a u64 array under "lcore_<id>"; JSON size. */
static int
add_lcore(struct rte_tel_data *d, unsigned int lcore_id,
	const struct lfp_mempool_stats *st, size_t budget)
{
	struct rte_tel_data *arr;
	char key[32];
	size_t len;
	unsigned int i;

	len = (size_t)snprintf(key, sizeof(key), "lcore_%u", lcore_id) + 6;
	for (i = 0; i < lfpool_stat_nb_counters; i++)
		len += digits(lfpool_stat_value(st, i)) + 1;
	if (len > budget)
		return -ENOSPC;
	arr = rte_tel_data_alloc();
	if (arr == NULL)
		return -ENOMEM;
	rte_tel_data_start_array(arr, RTE_TEL_U64_VAL);
	for (i = 0; i < lfpool_stat_nb_counters; i++)
		lfp_tel_array_uint(arr, lfpool_stat_value(st, i));
	if (rte_tel_data_add_dict_container(d, key, arr, 0) < 0) {
		rte_tel_data_free(arr);
		return -ENOSPC;
	}
	return (int)len;
}

static int
add_field_names(struct rte_tel_data *d)
{
	struct rte_tel_data *names = rte_tel_data_alloc();
	unsigned int i;

	if (names == NULL)
		return -ENOMEM;
	rte_tel_data_start_array(names, RTE_TEL_STRING_VAL);
	for (i = 0; i < lfpool_stat_nb_counters; i++)
		rte_tel_data_add_array_string(
			names, lfpool_stat_fields[i].name);
	if (rte_tel_data_add_dict_container(d, "lcore_fields", names, 0) < 0) {
		rte_tel_data_free(names);
		return -ENOSPC;
	}
	return 0;
}

/*
 * Totals, then "lcore_<id>": [counters in lcore_fields order] for each
 * lcore with a cache, as many as fit in a reply ("lcores_omitted" says how
 * many did not).
 */
static int
fill_stats(struct rte_mempool *mp, struct rte_tel_data *d)
{
	struct lfp_mempool_stats total, *per_lcore;
	const struct lfpool *pool;
	size_t budget = TEL_REPLY_BUDGET;
	unsigned int i, omitted = 0;
	int len;

	/* Each client has its own telemetry thread: no static buffer. */
	per_lcore = malloc(sizeof(*per_lcore) * RTE_MAX_LCORE);
	if (per_lcore == NULL)
		return -ENOMEM;
	if (lfp_mempool_stats_get(mp, &total, per_lcore) < 0) {
		free(per_lcore);
		return -EINVAL;
	}
	pool = mp->pool_data;
	rte_tel_data_start_dict(d);
	rte_tel_data_add_dict_string(d, "name", mp->name);
	for (i = 0; i < lfpool_stat_nb_fields; i++)
		tel_u64(d, lfpool_stat_fields[i].name,
			lfpool_stat_value(&total, i));
	if (pool != NULL && add_field_names(d) == 0)
		for (i = 0; i < RTE_MAX_LCORE; i++) {
			/* Acquire: pairs with the release in
			 * lfpool_lcore_init().
			 */
			if (__atomic_load_n(
				    &pool->caches[i], __ATOMIC_ACQUIRE) == NULL)
				continue;
			len = omitted == 0 ?
				add_lcore(d, i, &per_lcore[i], budget) :
				-ENOSPC;
			if (len < 0)
				omitted++;
			else
				budget -= (size_t)len;
		}
	tel_u64(d, "lcores_omitted", omitted);
	free(per_lcore);
	return 0;
}

static int
handle_info(const char *cmd, const char *params, struct rte_tel_data *d)
{
	RTE_SET_USED(cmd);
	return with_pool(params, d, fill_info);
}

static int
handle_stats(const char *cmd, const char *params, struct rte_tel_data *d)
{
	RTE_SET_USED(cmd);
	return with_pool(params, d, fill_stats);
}

RTE_INIT(lfpool_telemetry_init)
{
	rte_telemetry_register_cmd("/lfpool/list", handle_list,
		"Returns the names of the mempools using lfpool. "
		"No parameters");
	rte_telemetry_register_cmd("/lfpool/info", handle_info,
		"Returns an lfpool mempool's settings and fill. Parameters: "
		"pool_name");
	rte_telemetry_register_cmd("/lfpool/stats", handle_stats,
		"Returns an lfpool mempool's counters, total and per lcore. "
		"Parameters: pool_name");
}
