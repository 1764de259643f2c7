/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The lfpool authors
 */

/*
 * Telemetry under /lfpool/numa/. The commands are registered at load time
 * by an RTE_INIT constructor in numa_topology.c, not here: lib/numa is a
 * static library, and the linker drops an object file that nothing
 * references, constructor and all. Registering before main() also means
 * before EAL starts the telemetry thread, which reads the command table.
 * Handlers run on the telemetry thread, read counters with relaxed loads
 * and hold the control lock so that no allocator is destroyed under them.
 * In a build without statistics (meson option 'stats') the replies have
 * no counters; everything else is still there.
 */

#define _GNU_SOURCE
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_telemetry.h>

#include "numa_private.h"
#include "lfp_dpdk_compat.h"

#define MIB (UINT64_C(1) << 20)

/* 22.11 spelling; rte_tel_data_add_dict_uint() from 23.03 on. */
static void
dict_u64(struct rte_tel_data *d, const char *name, uint64_t v)
{
	lfp_tel_dict_uint(d, name, v);
}

static const struct {
	const char *name;
	size_t off;
} stat_fields[] = {
	{"allocs", offsetof(struct lfp_numa_stats, allocs)},
	{"frees", offsetof(struct lfp_numa_stats, frees)},
	{"in_use", offsetof(struct lfp_numa_stats, in_use)},
	{"fails", offsetof(struct lfp_numa_stats, fails)},
	{"fallbacks", offsetof(struct lfp_numa_stats, fallbacks)},
	{"local", offsetof(struct lfp_numa_stats, local)},
	{"remote", offsetof(struct lfp_numa_stats, remote)},
	{"unknown", offsetof(struct lfp_numa_stats, unknown)},
};

static void
add_stats(struct rte_tel_data *d, const struct lfp_numa_stats *st)
{
	double pct = lfp_numa_stats_local_pct(st);
	char buf[32];
	unsigned int i;

	for (i = 0; i < RTE_DIM(stat_fields); i++)
		dict_u64(d, stat_fields[i].name,
			*(const uint64_t *)((const char *)st +
				stat_fields[i].off));
	if (pct < 0)
		snprintf(buf, sizeof(buf), "n/a");
	else
		snprintf(buf, sizeof(buf), "%.2f", pct);
	rte_tel_data_add_dict_string(d, "local_pct", buf);
}

/* A new dict container, or NULL. */
static struct rte_tel_data *
new_dict(void)
{
	struct rte_tel_data *d = rte_tel_data_alloc();

	if (d != NULL)
		rte_tel_data_start_dict(d);
	return d;
}

static void
add_node(struct rte_tel_data *d, const struct lfp_numa_topology *topo,
	unsigned int i)
{
	const struct numa_node *n = &topo->node[i];
	struct rte_tel_data *c = new_dict(), *dist;
	char name[16], cpus[RTE_TEL_MAX_STRING_LEN];
	unsigned int j;
	int len = 0, cpu;

	if (c == NULL)
		return;
	rte_tel_data_add_dict_int(c, "id", n->id);
	rte_tel_data_add_dict_int(c, "socket", n->socket_id);
	rte_tel_data_add_dict_int(c, "nb_cpus", n->nb_cpus);
	rte_tel_data_add_dict_int(c, "nb_lcores", n->nb_lcores);
	dict_u64(c, "mem_total_mb", n->mem_total / MIB);
	dict_u64(c, "mem_free_mb", n->mem_free / MIB);
	cpus[0] = '\0';
	for (cpu = 0; cpu < LFP_NUMA_MAX_CPUS && len < (int)sizeof(cpus) - 8;
		cpu++)
		if (CPU_ISSET(cpu, &n->cpus))
			len += snprintf(cpus + len, sizeof(cpus) - len, "%s%d",
				len > 0 ? "," : "", cpu);
	rte_tel_data_add_dict_string(c, "cpus", cpus);
	dist = rte_tel_data_alloc();
	if (dist != NULL) {
		rte_tel_data_start_array(dist, RTE_TEL_INT_VAL);
		for (j = 0; j < topo->nb_nodes; j++)
			rte_tel_data_add_array_int(dist, topo->distance[i][j]);
		rte_tel_data_add_dict_container(c, "distances", dist, 0);
	}
	snprintf(name, sizeof(name), "node%u", i);
	rte_tel_data_add_dict_container(d, name, c, 0);
}

static int
handle_topology(const char *cmd, const char *params, struct rte_tel_data *d)
{
	struct lfp_numa_topology *topo = lfp_numa_topology_discover();
	unsigned int i;

	RTE_SET_USED(cmd);
	RTE_SET_USED(params);
	if (topo == NULL)
		return -ENOMEM;
	rte_tel_data_start_dict(d);
	rte_tel_data_add_dict_int(d, "nb_nodes", topo->nb_nodes);
	rte_tel_data_add_dict_int(d, "from_libnuma", topo->from_libnuma);
	for (i = 0; i < topo->nb_nodes; i++)
		add_node(d, topo, i);
	lfp_numa_topology_free(topo);
	return 0;
}

static int
list_one(struct lfp_numa_allocator *a, void *arg)
{
	rte_tel_data_add_array_string(arg, a->name);
	return 0;
}

static int
handle_list(const char *cmd, const char *params, struct rte_tel_data *d)
{
	RTE_SET_USED(cmd);
	RTE_SET_USED(params);
	rte_tel_data_start_array(d, RTE_TEL_STRING_VAL);
	numa_lock();
	numa_alloc_list_walk(list_one, d);
	numa_unlock();
	return 0;
}

static void
add_allocator(struct rte_tel_data *d, const struct lfp_numa_allocator *a)
{
	struct lfp_numa_stats st;
	struct rte_tel_data *c;
	char name[16];
	unsigned int i;

	rte_tel_data_add_dict_string(d, "name", a->name);
	rte_tel_data_add_dict_string(
		d, "policy", lfp_numa_policy_name(a->kind));
	rte_tel_data_add_dict_string(d, "ops", a->ops_name);
	rte_tel_data_add_dict_int(d, "pool_size", a->pool_size);
	rte_tel_data_add_dict_int(d, "cache_size", a->cache_size);
	rte_tel_data_add_dict_int(
		d, "debug", (a->flags & LFP_NUMA_F_DEBUG) != 0);
	dict_u64(d, "nodes", a->nodes);
	/* Valid arguments: fails only with ENOTSUP (no statistics). */
	if (lfp_numa_stats_get(a, -1, -1, &st) == 0)
		add_stats(d, &st);
	for (i = 0; i < a->topo.nb_nodes; i++) {
		c = new_dict();
		if (c == NULL)
			continue;
		rte_tel_data_add_dict_int(
			c, "socket", a->topo.node[i].socket_id);
		if (lfp_numa_stats_get(a, i, -1, &st) == 0)
			add_stats(c, &st);
		snprintf(name, sizeof(name), "node%u", i);
		rte_tel_data_add_dict_container(d, name, c, 0);
	}
}

/* Pool facts: size, what is left, where its pages really are. */
static void
add_pool(struct rte_tel_data *c, const struct lfp_numa_allocator *a,
	const struct numa_pool *p)
{
	uint32_t i, on_node = 0, unknown = 0;
	int socket = a->topo.node[p->node].socket_id;

	rte_tel_data_add_dict_int(c, "pool_objs", p->nb_objs);
	rte_tel_data_add_dict_int(
		c, "pool_avail", rte_mempool_avail_count(p->mp));
	for (i = 0; i < p->nb_pages; i++) {
		if (p->page_node[i] == NUMA_NODE_UNKNOWN)
			unknown++;
		else if (p->page_node[i] == socket)
			on_node++;
	}
	rte_tel_data_add_dict_int(c, "pages", p->nb_pages);
	rte_tel_data_add_dict_int(c, "pages_on_node", on_node);
	rte_tel_data_add_dict_int(c, "pages_unknown", unknown);
}

static void
add_node_classes(struct rte_tel_data *d, const struct lfp_numa_allocator *a,
	unsigned int node)
{
	struct lfp_numa_stats st;
	struct rte_tel_data *c;
	const struct numa_pool *p;
	char name[16];
	unsigned int cls;

	for (cls = 0; cls < LFP_NUMA_NB_STAT_CLASSES; cls++) {
		c = new_dict();
		if (c == NULL)
			continue;
		/* As in add_allocator(): counters where the build has them. */
		if (lfp_numa_stats_get(a, node, cls, &st) == 0)
			add_stats(c, &st);
		if (cls < LFP_NUMA_NB_CLASSES) {
			/* Acquire pairs with the release in pool_get_slow(). */
			p = __atomic_load_n(
				&a->pools[node][cls], __ATOMIC_ACQUIRE);
			if (p != NULL)
				add_pool(c, a, p);
			snprintf(name, sizeof(name), "c%zu",
				lfp_numa_class_size(cls));
		} else {
			snprintf(name, sizeof(name), "large");
		}
		rte_tel_data_add_dict_container(d, name, c, 0);
	}
}

/* "<allocator>" or "<allocator>,<node>". */
static int
parse_params(const char *params, char *name, int *node)
{
	const char *comma;
	char *end;
	long n;

	if (params == NULL || *params == '\0')
		return -EINVAL;
	comma = strchr(params, ',');
	if ((comma != NULL ? (size_t)(comma - params) : strlen(params)) >=
		LFP_NUMA_NAMESIZE)
		return -EINVAL;
	snprintf(name, LFP_NUMA_NAMESIZE, "%.*s",
		comma != NULL ? (int)(comma - params) : LFP_NUMA_NAMESIZE,
		params);
	*node = -1;
	if (comma == NULL)
		return 0;
	n = strtol(comma + 1, &end, 10);
	if (end == comma + 1 || *end != '\0' || n < 0 ||
		n >= LFP_NUMA_MAX_NODES)
		return -EINVAL;
	*node = n;
	return 0;
}

static int
handle_stats(const char *cmd, const char *params, struct rte_tel_data *d)
{
	char name[LFP_NUMA_NAMESIZE];
	struct lfp_numa_allocator *a;
	int node, ret = 0;

	RTE_SET_USED(cmd);
	if (parse_params(params, name, &node) < 0)
		return -EINVAL;
	rte_tel_data_start_dict(d);
	numa_lock();
	a = numa_alloc_list_find(name);
	if (a == NULL || (node >= 0 && node >= (int)a->topo.nb_nodes))
		ret = -EINVAL;
	else if (node < 0)
		add_allocator(d, a);
	else
		add_node_classes(d, a, node);
	numa_unlock();
	return ret;
}

void
numa_telemetry_register(void)
{
	rte_telemetry_register_cmd("/lfpool/numa/topology", handle_topology,
		"Returns the NUMA topology lfpool sees: nodes, CPUs, memory, "
		"distances, EAL sockets. No parameters");
	rte_telemetry_register_cmd("/lfpool/numa/list", handle_list,
		"Returns the names of the lfpool NUMA allocators. "
		"No parameters");
	rte_telemetry_register_cmd("/lfpool/numa/stats", handle_stats,
		"Returns an allocator's statistics, in total and per node. "
		"Parameters: allocator name[,node for per class]");
}
