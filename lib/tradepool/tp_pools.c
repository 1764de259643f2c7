/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The lfpool authors
 */

/*
 * Creation and destruction of the per-socket typed pools: configuration
 * checks, socket selection, cache sizing, one mempool per type and socket,
 * and the process-local registry used by lookup and telemetry.
 */

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <rte_cycles.h>
#include <rte_errno.h>
#include <rte_malloc.h>
#include <rte_memory.h>
#include <rte_string_fns.h>

#include "lfp_numa.h"
#include "lfp_heap_tsan.h"
#include "tp_private.h"

RTE_LOG_REGISTER(tp_logtype, lib.lfpool.tradepool, NOTICE);

/* Here rather than in tp_telemetry.c, which nothing else refers to and
 * the linker would drop from the static library. */
RTE_INIT(tp_telemetry_init)
{
	tp_telemetry_register();
}

const char *const tp_type_names[LFP_TP_TYPE_MAX] = {
	[LFP_TP_TYPE_ORDER] = "order",
	[LFP_TP_TYPE_TRADE] = "trade",
	[LFP_TP_TYPE_ORDER_NODE] = "node",
	[LFP_TP_TYPE_PRICE_LEVEL] = "level",
	[LFP_TP_TYPE_BUF_64] = "b64",
	[LFP_TP_TYPE_BUF_128] = "b128",
	[LFP_TP_TYPE_BUF_256] = "b256",
	[LFP_TP_TYPE_BUF_512] = "b512",
	[LFP_TP_TYPE_BUF_1024] = "b1024",
	[LFP_TP_TYPE_BUF_2048] = "b2048",
	[LFP_TP_TYPE_BUF_4096] = "b4096",
};

const uint32_t tp_type_sizes[LFP_TP_TYPE_MAX] = {
	[LFP_TP_TYPE_ORDER] = sizeof(struct lfp_order),
	[LFP_TP_TYPE_TRADE] = sizeof(struct lfp_trade),
	[LFP_TP_TYPE_ORDER_NODE] = sizeof(struct lfp_order_node),
	[LFP_TP_TYPE_PRICE_LEVEL] = sizeof(struct lfp_price_level),
	[LFP_TP_TYPE_BUF_64] = 64,
	[LFP_TP_TYPE_BUF_128] = 128,
	[LFP_TP_TYPE_BUF_256] = 256,
	[LFP_TP_TYPE_BUF_512] = 512,
	[LFP_TP_TYPE_BUF_1024] = 1024,
	[LFP_TP_TYPE_BUF_2048] = 2048,
	[LFP_TP_TYPE_BUF_4096] = 4096,
};

static const uint32_t default_counts[LFP_TP_TYPE_MAX] = {
	[LFP_TP_TYPE_ORDER] = 10000,
	[LFP_TP_TYPE_TRADE] = 5000,
	[LFP_TP_TYPE_ORDER_NODE] = 10000,
	[LFP_TP_TYPE_PRICE_LEVEL] = 1000,
	[LFP_TP_TYPE_BUF_64... LFP_TP_TYPE_BUF_4096] = 1024,
};

/* Live pools of this process. Control path only: a spinlock is enough. */
static TAILQ_HEAD(, lfp_tp_pools) registry = TAILQ_HEAD_INITIALIZER(registry);
static rte_spinlock_t registry_lock = RTE_SPINLOCK_INITIALIZER;

void
tp_registry_lock(void)
{
	rte_spinlock_lock(&registry_lock);
}

void
tp_registry_unlock(void)
{
	rte_spinlock_unlock(&registry_lock);
}

struct lfp_tp_pools *
tp_registry_first(void)
{
	return TAILQ_FIRST(&registry);
}

struct lfp_tp_pools *
tp_registry_next(struct lfp_tp_pools *p)
{
	return TAILQ_NEXT(p, next);
}

struct lfp_tp_pools *
tp_registry_find(const char *name)
{
	struct lfp_tp_pools *p;

	TAILQ_FOREACH(p, &registry, next)
	if (strcmp(p->name, name) == 0)
		return p;
	return NULL;
}

void
lfp_tp_conf_init(struct lfp_tp_conf *conf)
{
	unsigned int t;

	memset(conf, 0, sizeof(*conf));
	strlcpy(conf->name, "tp", sizeof(conf->name));
	conf->ops_name = LFP_TP_OPS_DEFAULT;
	conf->policy = LFP_TP_POLICY_LOCAL_PREFERRED;
	for (t = 0; t < LFP_TP_TYPE_MAX; t++) {
		conf->type[t].count = default_counts[t];
		conf->type[t].cache_size = LFP_TP_CACHE_AUTO;
	}
}

static int
check_name(const char *name)
{
	size_t len = strnlen(name, LFP_TP_NAMESIZE);
	size_t i;

	if (len == 0 || len >= LFP_TP_NAMESIZE)
		return -EINVAL;
	for (i = 0; i < len; i++)
		if (!isalnum((unsigned char)name[i]) && name[i] != '_')
			return -EINVAL;
	return 0;
}

static int
check_conf(const struct lfp_tp_conf *conf)
{
	unsigned int t, nb_types = 0;

	if (check_name(conf->name) < 0) {
		TP_LOG(ERR, "pools name must be 1 to %d chars of [A-Za-z0-9_]",
			LFP_TP_NAMESIZE - 1);
		return -EINVAL;
	}
	if (conf->ops_name == NULL || conf->ops_name[0] == '\0' ||
		strlen(conf->ops_name) >= RTE_MEMPOOL_OPS_NAMESIZE) {
		TP_LOG(ERR, "pools %s: bad mempool ops name", conf->name);
		return -EINVAL;
	}
	if (conf->policy != LFP_TP_POLICY_LOCAL_ONLY &&
		conf->policy != LFP_TP_POLICY_LOCAL_PREFERRED) {
		TP_LOG(ERR, "pools %s: unknown policy %d", conf->name,
			(int)conf->policy);
		return -EINVAL;
	}
	for (t = 0; t < LFP_TP_TYPE_MAX; t++) {
		uint32_t c = conf->type[t].cache_size;

		if (conf->type[t].count > 0)
			nb_types++;
		if (c != LFP_TP_CACHE_AUTO && c > RTE_MEMPOOL_CACHE_MAX_SIZE) {
			TP_LOG(ERR, "pools %s: %s cache %u above DPDK's %u",
				conf->name, tp_type_names[t], c,
				RTE_MEMPOOL_CACHE_MAX_SIZE);
			return -EINVAL;
		}
	}
	if (nb_types == 0) {
		TP_LOG(ERR, "pools %s: every type has count 0", conf->name);
		return -EINVAL;
	}
	return 0;
}

static int
msl_on_socket(const struct rte_memseg_list *msl, void *arg)
{
	return msl->socket_id == *(const int *)arg && msl->len > 0;
}

/*
 * EAL can give memory on @socket_id: a memseg list there (hugepages that
 * can still be mapped, or --no-huge memory), or a heap that already grew.
 */
static bool
socket_has_memory(int socket_id)
{
	struct rte_malloc_socket_stats st;

	if (rte_memseg_list_walk(msl_on_socket, &socket_id) > 0)
		return true;
	return rte_malloc_get_socket_stats(socket_id, &st) == 0 &&
		st.heap_totalsz_bytes > 0;
}

static bool
socket_is_known(int socket_id)
{
	unsigned int i;

	for (i = 0; i < rte_socket_count(); i++)
		if (rte_socket_id_by_idx(i) == socket_id)
			return true;
	return false;
}

static uint64_t
sockets_with_lcores(void)
{
	uint64_t mask = 0;
	unsigned int lcore;

	RTE_LCORE_FOREACH(lcore)
	mask |= UINT64_C(1) << rte_lcore_to_socket_id(lcore);
	return mask;
}

static int
slot_of_socket(struct lfp_tp_pools *p, int socket_id)
{
	unsigned int s;

	for (s = 0; s < p->nb_slots; s++)
		if (p->slot[s].socket_id == socket_id)
			return s;
	p->slot[p->nb_slots].socket_id = socket_id;
	return p->nb_slots++;
}

/* lfp_numa_policy_place() callback: can node @node back the pools? */
static int
node_has_memory(void *arg, unsigned int node)
{
	struct lfp_numa_node_info info;

	if (lfp_numa_topology_node_info(arg, node, &info) < 0 ||
		info.socket_id < 0 || info.mem_total == 0 ||
		!socket_has_memory(info.socket_id))
		return -ENOMEM;
	return 0;
}

/* What map_sockets() works with, released by mapping_fini(). */
struct mapping {
	struct lfp_numa_topology *discovered;
	const struct lfp_numa_topology *topo;
	struct lfp_numa_policy *pol;
	int slot_of_node[LFP_NUMA_MAX_NODES]; /* -1: not placed yet */
};

static int
mapping_init(struct mapping *m, const struct lfp_tp_conf *conf)
{
	enum lfp_numa_policy_kind kind = conf->policy ==
			LFP_TP_POLICY_LOCAL_ONLY ?
		LFP_NUMA_POLICY_LOCAL_ONLY :
		LFP_NUMA_POLICY_LOCAL_PREFERRED;
	unsigned int i;

	memset(m, 0, sizeof(*m));
	for (i = 0; i < RTE_DIM(m->slot_of_node); i++)
		m->slot_of_node[i] = -1;
	m->topo = conf->topology;
	if (m->topo == NULL) {
		m->discovered = lfp_numa_topology_discover();
		m->topo = m->discovered;
	}
	if (m->topo != NULL)
		m->pol = lfp_numa_policy_create(m->topo, kind, 0);
	if (m->pol == NULL) {
		TP_LOG(ERR, "pools %s: no NUMA topology or policy: %s",
			conf->name, rte_strerror(rte_errno));
		return -ENOMEM;
	}
	return 0;
}

static void
mapping_fini(struct mapping *m)
{
	lfp_numa_policy_free(m->pol);
	lfp_numa_topology_free(m->discovered);
}

/* The topology node of @lcore: from its CPUs, else from its socket. */
static int
lcore_node(const struct lfp_numa_topology *topo, unsigned int lcore)
{
	int node = lfp_numa_topology_lcore_node(topo, lcore);

	if (node < 0)
		node = lfp_numa_topology_socket_node(
			topo, rte_lcore_to_socket_id(lcore));
	return node;
}

/*
 * The slot serving the lcores of topology node @node: lib/numa's policy
 * picks the node whose memory backs them (the node itself first; with
 * LOCAL_PREFERRED, the nearest node with memory when it has none).
 */
static int
place_node(struct lfp_tp_pools *p, const struct lfp_tp_conf *conf,
	struct mapping *m, unsigned int node)
{
	struct lfp_numa_node_info info;
	unsigned int rank;
	int served;

	if (m->slot_of_node[node] >= 0)
		return m->slot_of_node[node];
	lfp_numa_topology_node_info(m->topo, node, &info);
	served = lfp_numa_policy_place(m->pol, node, node_has_memory,
		(void *)(uintptr_t)m->topo, &rank);
	if (served < 0) {
		TP_LOG(ERR,
			"pools %s_*_s%d: node %u (socket %d) has no "
			"memory and policy %s allows no other",
			conf->name, info.socket_id, node, info.socket_id,
			conf->policy == LFP_TP_POLICY_LOCAL_ONLY ?
				"LOCAL_ONLY" :
				"LOCAL_PREFERRED");
		return -ENOMEM;
	}
	if (rank > 0)
		TP_LOG(NOTICE,
			"pools %s: node %u has no memory, its lcores "
			"use node %d (policy LOCAL_PREFERRED)",
			conf->name, node, served);
	lfp_numa_topology_node_info(m->topo, served, &info);
	m->slot_of_node[node] = slot_of_socket(p, info.socket_id);
	return m->slot_of_node[node];
}

/* Check the served sockets: each must exist and have an enabled lcore. */
static int
check_mask(const struct lfp_tp_conf *conf, uint64_t mask, uint64_t have)
{
	int s;

	RTE_BUILD_BUG_ON(RTE_MAX_NUMA_NODES > 64);
	for (s = 0; s < 64; s++) {
		if ((mask & (UINT64_C(1) << s)) == 0)
			continue;
		if (s >= RTE_MAX_NUMA_NODES || !socket_is_known(s)) {
			TP_LOG(ERR, "pools %s: socket %d does not exist",
				conf->name, s);
			return -EINVAL;
		}
		if ((have & (UINT64_C(1) << s)) == 0) {
			TP_LOG(ERR,
				"pools %s_*_s%d: socket %d has no enabled "
				"lcore",
				conf->name, s, s);
			return -ENODEV;
		}
	}
	return 0;
}

/* Bind each served lcore to the slot of the socket whose memory it uses. */
static int
map_lcores(struct lfp_tp_pools *p, const struct lfp_tp_conf *conf,
	struct mapping *m, uint64_t mask)
{
	unsigned int lcore;
	int node, slot;

	memset(p->lcore_slot, UINT8_MAX, sizeof(p->lcore_slot));
	RTE_LCORE_FOREACH(lcore)
	{
		unsigned int socket = rte_lcore_to_socket_id(lcore);

		if ((mask & (UINT64_C(1) << socket)) == 0)
			continue;
		node = lcore_node(m->topo, lcore);
		if (node < 0) {
			TP_LOG(ERR,
				"pools %s: lcore %u is on no node of the "
				"topology",
				conf->name, lcore);
			return -EINVAL;
		}
		slot = place_node(p, conf, m, node);
		if (slot < 0)
			return slot;
		p->lcore_slot[lcore] = slot;
	}
	/* Lcores outside the mask, threads registered later and threads
	 * without an lcore id use the main lcore's slot, or the first. */
	slot = p->lcore_slot[rte_get_main_lcore()];
	p->shared_slot = slot != UINT8_MAX ? slot : 0;
	for (lcore = 0; lcore < RTE_MAX_LCORE; lcore++)
		if (p->lcore_slot[lcore] == UINT8_MAX)
			p->lcore_slot[lcore] = p->shared_slot;
	return 0;
}

static int
map_sockets(struct lfp_tp_pools *p, const struct lfp_tp_conf *conf)
{
	uint64_t have = sockets_with_lcores();
	uint64_t mask = conf->socket_mask != 0 ? conf->socket_mask : have;
	struct mapping m;
	int ret;

	ret = check_mask(conf, mask, have);
	if (ret < 0)
		return ret;
	ret = mapping_init(&m, conf);
	if (ret == 0)
		ret = map_lcores(p, conf, &m, mask);
	mapping_fini(&m);
	return ret;
}

static unsigned int
lcores_of_slot(const struct lfp_tp_pools *p, unsigned int slot)
{
	unsigned int lcore, n = 0;

	RTE_LCORE_FOREACH(lcore)
	if (p->lcore_slot[lcore] == slot)
		n++;
	return n;
}

/*
 * A cache fits when every lcore of the slot can hold a full cache (DPDK
 * flushes at 1.5 x cache_size) and objects still remain in the common
 * pool; otherwise one lcore could starve while others hoard.
 */
static uint32_t
cache_fill(uint32_t cache_size)
{
	return cache_size * 3 / 2;
}

static int
cache_size_for(const char *pool, uint32_t count, uint32_t wanted,
	unsigned int nb_lcores, uint32_t *cache_size)
{
	uint32_t c;

	if (wanted != LFP_TP_CACHE_AUTO) {
		if ((uint64_t)nb_lcores * cache_fill(wanted) >= count) {
			TP_LOG(ERR,
				"pool %s: %u objects are too few for %u "
				"lcore caches of %u (need more than %" PRIu64
				")",
				pool, count, nb_lcores, wanted,
				(uint64_t)nb_lcores * cache_fill(wanted));
			return -EINVAL;
		}
		*cache_size = wanted;
		return 0;
	}
	c = RTE_MIN((uint32_t)TP_CACHE_AUTO_MAX, count);
	while (c > 0 && (uint64_t)nb_lcores * cache_fill(c) >= count)
		c--;
	*cache_size = c;
	return 0;
}

static int
pool_create(struct lfp_tp_pools *p, const struct lfp_tp_conf *conf,
	unsigned int slot, unsigned int type)
{
	int socket_id = p->slot[slot].socket_id;
	uint32_t count = conf->type[type].count;
	char name[RTE_MEMPOOL_NAMESIZE];
	struct rte_mempool *mp;
	struct tp_mp_priv *priv;
	uint32_t cache_size;
	int ret;

	snprintf(name, sizeof(name), "%s_%s_s%d", conf->name,
		tp_type_names[type], socket_id);
	ret = cache_size_for(name, count, conf->type[type].cache_size,
		lcores_of_slot(p, slot), &cache_size);
	if (ret < 0)
		return ret;
	/* The CPU touches these objects, no device DMAs them: no object is
	 * padded to a page boundary for IOVA contiguity, nor to an odd
	 * number of cache lines to spread DMA over memory channels (which
	 * would turn 128 bytes of header + order into 192). */
	mp = rte_mempool_create_empty(name, count, tp_type_sizes[type],
		cache_size, sizeof(struct tp_mp_priv), socket_id,
		RTE_MEMPOOL_F_NO_IOVA_CONTIG | RTE_MEMPOOL_F_NO_SPREAD);
	if (mp == NULL) {
		ret = -rte_errno;
		TP_LOG(ERR, "pool %s: cannot create on socket %d: %s", name,
			socket_id, rte_strerror(rte_errno));
		return ret;
	}
	p->slot[slot].mp[type] = mp;
	priv = rte_mempool_get_priv(mp);
	priv->slot = slot;
	priv->type = type;
	if (rte_mempool_set_ops_byname(mp, p->ops_name, NULL) != 0) {
		TP_LOG(ERR, "pool %s: mempool ops '%s' not registered", name,
			p->ops_name);
		return -ENOENT;
	}
	ret = rte_mempool_populate_default(mp);
	if (ret == -ENOMEM || (ret >= 0 && (uint32_t)ret < count)) {
		TP_LOG(ERR,
			"pool %s: not enough memory on socket %d for %u "
			"objects of %u bytes",
			name, socket_id, count, tp_type_sizes[type]);
		return -ENOMEM;
	}
	if (ret < 0) {
		TP_LOG(ERR,
			"pool %s: cannot populate with ops %s on socket "
			"%d: %s",
			name, p->ops_name, socket_id, rte_strerror(-ret));
		return ret;
	}
	TP_LOG(DEBUG, "pool %s: %u objects, cache %u, ops %s", name, count,
		cache_size, p->ops_name);
	return 0;
}

static int
pools_populate(struct lfp_tp_pools *p, const struct lfp_tp_conf *conf)
{
	unsigned int s, t;
	int ret;

	for (s = 0; s < p->nb_slots; s++)
		for (t = 0; t < LFP_TP_TYPE_MAX; t++) {
			if (conf->type[t].count == 0)
				continue;
			ret = pool_create(p, conf, s, t);
			if (ret < 0)
				return ret;
		}
	return 0;
}

static unsigned int
row_slot(const struct lfp_tp_pools *p, unsigned int row)
{
	return row == TP_ROW_SHARED ? p->shared_slot : p->lcore_slot[row];
}

/*
 * Point the hot line of each type of @row at its slot's pool and at the
 * row's cache there (threads without an lcore id have none).
 */
static void
row_init(struct lfp_tp_pools *p, unsigned int row)
{
	unsigned int slot = row_slot(p, row), t;

	for (t = 0; t < LFP_TP_TYPE_MAX; t++) {
		struct tp_hot *h = &p->rows[row]->hot[t];

		h->slot = slot;
		h->mp = p->slot[slot].mp[t];
		if (h->mp != NULL && row != TP_ROW_SHARED)
			h->cache = rte_mempool_default_cache(h->mp, row);
	}
}

/*
 * The rows of the lcores that a slot serves sit together on that slot's
 * socket, so that an lcore writes its counters in its own socket's
 * memory; each row starts a cache line, so no two lcores share one.
 */
static int
rows_alloc(struct lfp_tp_pools *p)
{
	size_t row_size = tp_row_size(p->nb_slots);
	unsigned int nb_rows[RTE_MAX_NUMA_NODES] = {0};
	unsigned int s, row;

	for (row = 0; row < TP_NB_ROWS; row++)
		nb_rows[row_slot(p, row)]++;
	for (s = 0; s < p->nb_slots; s++) {
		if (nb_rows[s] == 0)
			continue;
		LFP_HEAP_TSAN_LOCK();
		p->row_mem[s] = rte_zmalloc_socket("lfp_tp_rows",
			nb_rows[s] * row_size, RTE_CACHE_LINE_SIZE,
			p->slot[s].socket_id);
		LFP_HEAP_TSAN_UNLOCK();
		if (p->row_mem[s] == NULL) {
			TP_LOG(ERR,
				"pools %s: no memory for counters on "
				"socket %d",
				p->name, p->slot[s].socket_id);
			return -ENOMEM;
		}
		nb_rows[s] = 0;
	}
	for (row = 0; row < TP_NB_ROWS; row++) {
		s = row_slot(p, row);
		p->rows[row] = RTE_PTR_ADD(
			p->row_mem[s], nb_rows[s]++ * row_size);
		row_init(p, row);
	}
	return 0;
}

static void
pools_release(struct lfp_tp_pools *p)
{
	unsigned int s, t;

	for (s = 0; s < p->nb_slots; s++)
		for (t = 0; t < LFP_TP_TYPE_MAX; t++)
			rte_mempool_free(p->slot[s].mp[t]);
	LFP_HEAP_TSAN_LOCK();
	for (s = 0; s < p->nb_slots; s++)
		rte_free(p->row_mem[s]);
	rte_free(p);
	LFP_HEAP_TSAN_UNLOCK();
}

struct lfp_tp_pools *
lfp_tp_create(const struct lfp_tp_conf *conf)
{
	struct lfp_tp_conf defaults;
	struct lfp_tp_pools *p;
	int ret;

	if (conf == NULL) {
		lfp_tp_conf_init(&defaults);
		conf = &defaults;
	}
	ret = check_conf(conf);
	if (ret < 0)
		goto fail;
	LFP_HEAP_TSAN_LOCK();
	p = rte_zmalloc("lfp_tp_pools", sizeof(*p), RTE_CACHE_LINE_SIZE);
	LFP_HEAP_TSAN_UNLOCK();
	if (p == NULL) {
		ret = -ENOMEM;
		goto fail;
	}
	strlcpy(p->name, conf->name, sizeof(p->name));
	strlcpy(p->ops_name, conf->ops_name, sizeof(p->ops_name));
	rte_spinlock_init(&p->shared_lock);
	rte_spinlock_init(&p->stats_lock);

	tp_registry_lock();
	if (tp_registry_find(p->name) != NULL) {
		TP_LOG(ERR, "pools %s already exist", p->name);
		ret = -EEXIST;
		goto unlock_release;
	}
	ret = map_sockets(p, conf);
	if (ret < 0)
		goto unlock_release;
	ret = pools_populate(p, conf);
	if (ret < 0)
		goto unlock_release;
	ret = rows_alloc(p);
	if (ret < 0)
		goto unlock_release;
	p->last_tsc = rte_get_tsc_cycles();
	TAILQ_INSERT_TAIL(&registry, p, next);
	tp_registry_unlock();
	return p;

unlock_release:
	tp_registry_unlock();
	pools_release(p);
fail:
	rte_errno = -ret;
	return NULL;
}

void
lfp_tp_free(struct lfp_tp_pools *pools)
{
	unsigned int s, t;

	if (pools == NULL)
		return;
	tp_registry_lock();
	TAILQ_REMOVE(&registry, pools, next);
	tp_registry_unlock();
	for (s = 0; s < pools->nb_slots; s++)
		for (t = 0; t < LFP_TP_TYPE_MAX; t++) {
			struct rte_mempool *mp = pools->slot[s].mp[t];

			if (mp != NULL && !rte_mempool_full(mp))
				TP_LOG(WARNING,
					"pool %s freed with %u objects "
					"out",
					mp->name, rte_mempool_in_use_count(mp));
		}
	pools_release(pools);
}

const char *
lfp_tp_name(const struct lfp_tp_pools *pools)
{
	return pools != NULL ? pools->name : NULL;
}

struct rte_mempool *
lfp_tp_mempool(
	const struct lfp_tp_pools *pools, enum lfp_tp_type type, int socket_id)
{
	unsigned int s;

	if (pools != NULL && (unsigned int)type < LFP_TP_TYPE_MAX)
		for (s = 0; s < pools->nb_slots; s++)
			if (pools->slot[s].socket_id == socket_id &&
				pools->slot[s].mp[type] != NULL)
				return pools->slot[s].mp[type];
	rte_errno = ENOENT;
	return NULL;
}

bool
lfp_tp_full(const struct lfp_tp_pools *pools)
{
	unsigned int s, t;

	if (pools == NULL)
		return false;
	for (s = 0; s < pools->nb_slots; s++)
		for (t = 0; t < LFP_TP_TYPE_MAX; t++)
			if (pools->slot[s].mp[t] != NULL &&
				!rte_mempool_full(pools->slot[s].mp[t]))
				return false;
	return true;
}

struct lfp_tp_pools *
lfp_tp_lookup(const char *name)
{
	struct lfp_tp_pools *p;

	if (name == NULL) {
		rte_errno = ENOENT;
		return NULL;
	}
	tp_registry_lock();
	p = tp_registry_find(name);
	tp_registry_unlock();
	if (p == NULL)
		rte_errno = ENOENT;
	return p;
}
