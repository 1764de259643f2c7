/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The lfpool authors
 */

/*
 * Placement policy engine: which node serves the next allocation. It knows
 * the topology and the node set, never the memory: the caller's try
 * function says whether a node could serve. Orders are precomputed so that
 * a placement is a table lookup plus, for the rotating policies, one
 * per-lcore cursor step.
 */

#define _GNU_SOURCE
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "numa_private.h"

static const char *const policy_names[LFP_NUMA_POLICY_MAX] = {
	[LFP_NUMA_POLICY_LOCAL_PREFERRED] = "local_preferred",
	[LFP_NUMA_POLICY_LOCAL_ONLY] = "local_only",
	[LFP_NUMA_POLICY_ROUND_ROBIN] = "round_robin",
	[LFP_NUMA_POLICY_INTERLEAVED] = "interleaved",
};

const char *
lfp_numa_policy_name(enum lfp_numa_policy_kind kind)
{
	return (unsigned int)kind < LFP_NUMA_POLICY_MAX ? policy_names[kind] :
							  NULL;
}

int
lfp_numa_policy_from_name(const char *name)
{
	int k;

	for (k = 0; name != NULL && k < LFP_NUMA_POLICY_MAX; k++)
		if (strcmp(name, policy_names[k]) == 0)
			return k;
	rte_errno = EINVAL;
	return -EINVAL;
}

/* The set's nodes ordered by distance from 'from', ties by index. */
static void
order_by_distance(struct lfp_numa_policy *pol,
	const struct lfp_numa_topology *topo, unsigned int from)
{
	uint8_t *order = pol->by_distance[from];
	unsigned int i, j;
	uint8_t node;

	memcpy(order, pol->set_list, pol->nb_set);
	/* Insertion sort: at most LFP_NUMA_MAX_NODES entries, and stable,
	 * so equal distances keep index order.
	 */
	for (i = 1; i < pol->nb_set; i++) {
		node = order[i];
		for (j = i; j > 0 &&
			topo->distance[from][order[j - 1]] >
				topo->distance[from][node];
			j--)
			order[j] = order[j - 1];
		order[j] = node;
	}
}

struct lfp_numa_policy *
lfp_numa_policy_create(const struct lfp_numa_topology *topo,
	enum lfp_numa_policy_kind kind, uint64_t nodes)
{
	struct lfp_numa_policy *pol;
	uint64_t all;
	unsigned int i;

	if (topo == NULL || (unsigned int)kind >= LFP_NUMA_POLICY_MAX) {
		rte_errno = EINVAL;
		return NULL;
	}
	all = (UINT64_C(1) << topo->nb_nodes) - 1;
	if (nodes == 0)
		nodes = all;
	if ((nodes & ~all) != 0) {
		NUMA_LOG(ERR,
			"node set 0x%" PRIx64 " names nodes beyond the "
			"topology's %u",
			nodes, topo->nb_nodes);
		rte_errno = EINVAL;
		return NULL;
	}
	/* The per-lcore cursors are cache-line aligned. */
	pol = aligned_alloc(RTE_CACHE_LINE_SIZE,
		RTE_ALIGN_CEIL(sizeof(*pol), RTE_CACHE_LINE_SIZE));
	if (pol == NULL) {
		rte_errno = ENOMEM;
		return NULL;
	}
	memset(pol, 0, sizeof(*pol));
	pol->kind = kind;
	pol->nb_nodes = topo->nb_nodes;
	pol->set = nodes;
	for (i = 0; i < topo->nb_nodes; i++) {
		pol->self[i] = i;
		if ((nodes >> i) & 1)
			pol->set_list[pol->nb_set++] = i;
	}
	for (i = 0; i < topo->nb_nodes; i++)
		order_by_distance(pol, topo, i);
	return pol;
}

void
lfp_numa_policy_free(struct lfp_numa_policy *pol)
{
	free(pol);
}

enum lfp_numa_policy_kind
lfp_numa_policy_kind(const struct lfp_numa_policy *pol)
{
	return pol->kind;
}

int
lfp_numa_policy_place(struct lfp_numa_policy *pol, unsigned int caller,
	lfp_numa_try_node_t try_node, void *arg, unsigned int *rank)
{
	unsigned int r;
	int node;

	if (pol == NULL || try_node == NULL) {
		rte_errno = EINVAL;
		return -EINVAL;
	}
	node = numa_policy_place(pol, caller, try_node, arg, &r);
	if (node < 0) {
		rte_errno = -node;
		return node;
	}
	if (rank != NULL)
		*rank = r;
	return node;
}

size_t
lfp_numa_stripe_size(void)
{
	static size_t page;

	/* Relaxed: racing callers store the same value. */
	if (__atomic_load_n(&page, __ATOMIC_RELAXED) == 0)
		__atomic_store_n(
			&page, (size_t)sysconf(_SC_PAGESIZE), __ATOMIC_RELAXED);
	return __atomic_load_n(&page, __ATOMIC_RELAXED);
}

int
lfp_numa_policy_stripe_node(const struct lfp_numa_policy *pol, uintptr_t addr)
{
	if (pol == NULL || pol->nb_set == 0) {
		rte_errno = EINVAL;
		return -EINVAL;
	}
	return pol->set_list[(addr / lfp_numa_stripe_size()) % pol->nb_set];
}
