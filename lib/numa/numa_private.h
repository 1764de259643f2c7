/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The lfpool authors
 */

#ifndef NUMA_PRIVATE_H
#define NUMA_PRIVATE_H

/*
 * Internals of lib/numa, shared by its files; never installed.
 * Cross-file internals are named numa_*, grouped by the file defining them.
 */

#ifndef _GNU_SOURCE
#error "lib/numa files define _GNU_SOURCE first (rte_cpuset_t, sched_getcpu)"
#endif

#include <assert.h>
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/queue.h>

#include <rte_common.h>
#include <rte_errno.h>
#include <rte_lcore.h>
#include <rte_log.h>
#include <rte_mempool.h>
#include <rte_memzone.h>
#include <rte_reciprocal.h>

#include "lfp_config.h"
#include "lfp_numa.h"

extern int numa_logtype;

#define NUMA_LOG(level, fmt, ...) \
	rte_log(RTE_LOG_##level, numa_logtype, "%s(): " fmt "\n", __func__, \
		##__VA_ARGS__)

/* The size-class function below relies on this layout. */
static_assert(LFP_NUMA_NB_CLASSES ==
		LFP_NUMA_CLASS_MAX_SHIFT - LFP_NUMA_CLASS_MIN_SHIFT + 1,
	"one size class per power of two from CLASS_MIN to CLASS_MAX");
static_assert(LFP_NUMA_MAX_NODES <= 64, "node sets are uint64_t masks");
static_assert(LFP_NUMA_MAX_NODES <= UINT8_MAX, "node indexes are uint8_t");
static_assert(LFP_NUMA_MAX_CPUS == CPU_SETSIZE, "CPU ids index rte_cpuset_t");

/* Kernel node id of a page that move_pages() found not resident. */
#define NUMA_NODE_UNKNOWN UINT8_MAX

/* ---- numa_topology.c ---- */

struct numa_node {
	int id;	       /* kernel node id; injected: the index */
	int socket_id; /* EAL socket id backing the node, or -1 */
	unsigned int nb_cpus;
	unsigned int nb_lcores;
	uint64_t mem_total; /* bytes */
	uint64_t mem_free;  /* bytes */
	rte_cpuset_t cpus;
};

struct lfp_numa_topology {
	unsigned int nb_nodes;
	bool injected;
	bool from_libnuma;
	struct numa_node node[LFP_NUMA_MAX_NODES];
	uint8_t distance[LFP_NUMA_MAX_NODES][LFP_NUMA_MAX_NODES];
	int8_t cpu_node[LFP_NUMA_MAX_CPUS]; /* node index, or -1 */
	int8_t lcore_node[RTE_MAX_LCORE];   /* node index, or -1 */
};

/* One node holding every CPU and all memory: numa_available() < 0. */
void numa_topology_single_node(struct lfp_numa_topology *topo);
/* Fill lcore_node[] and nb_lcores from EAL (no-op before rte_eal_init). */
void numa_topology_map_lcores(struct lfp_numa_topology *topo);
/* Kernel node of a CPU on the real machine, or -1 (libnuma, cached). */
int numa_real_cpu_node(int cpu);

/*
 * Caller's node index: its lcore's node, else its CPU's node, else 0.
 * sched_getcpu() is a vDSO call; EAL lcores never reach it.
 */
int numa_current_cpu(void);

static inline unsigned int
numa_caller_node(const struct lfp_numa_topology *topo)
{
	unsigned int lcore = rte_lcore_id();
	int cpu;

	if (lcore < RTE_MAX_LCORE && topo->lcore_node[lcore] >= 0)
		return topo->lcore_node[lcore];
	cpu = numa_current_cpu();
	if (cpu >= 0 && cpu < LFP_NUMA_MAX_CPUS && topo->cpu_node[cpu] >= 0)
		return topo->cpu_node[cpu];
	return 0;
}

/* ---- numa_policy.c ---- */

/* One lcore's rotation position, alone on its cache line. */
struct numa_cursor {
	uint32_t next; /* written by the owning lcore only */
} __rte_cache_aligned;

struct lfp_numa_policy {
	enum lfp_numa_policy_kind kind;
	unsigned int nb_nodes; /* nodes of the topology */
	unsigned int nb_set;   /* nodes in the set */
	uint64_t set;
	uint8_t set_list[LFP_NUMA_MAX_NODES]; /* set, by index */
	uint8_t self[LFP_NUMA_MAX_NODES];     /* self[i] == i */
	/* by_distance[c]: the set by distance from c, ties by index */
	uint8_t by_distance[LFP_NUMA_MAX_NODES][LFP_NUMA_MAX_NODES];
	/* RTE_MAX_LCORE slots, then one shared by threads without an lcore */
	struct numa_cursor cursor[RTE_MAX_LCORE + 1];
};

/*
 * Candidate nodes of one placement: order[(start + k) % n], k < n. For the
 * rotating policies, cursor is the slot to move past the serving node.
 */
struct numa_plan {
	const uint8_t *order;
	unsigned int n;
	unsigned int start;
	uint32_t *cursor;
	bool shared; /* cursor of threads without an lcore id */
};

static inline void
numa_cursor_start(struct lfp_numa_policy *pol, struct numa_plan *plan)
{
	unsigned int lcore = rte_lcore_id();

	if (unlikely(lcore >= RTE_MAX_LCORE)) {
		plan->cursor = &pol->cursor[RTE_MAX_LCORE].next;
		plan->shared = true;
		/* Shared by unregistered threads. Relaxed: the cursor only
		 * has to rotate; it orders no other memory access.
		 */
		plan->start = __atomic_fetch_add(
				      plan->cursor, 1, __ATOMIC_RELAXED) %
			pol->nb_set;
		return;
	}
	plan->cursor = &pol->cursor[lcore].next;
	plan->shared = false;
	/* Only this lcore writes its cursor (relaxed: atomic only so that
	 * a reader never sees a torn value).
	 */
	plan->start = __atomic_load_n(plan->cursor, __ATOMIC_RELAXED);
}

/* The next placement starts after the node at position k that served. */
static inline void
numa_cursor_advance(const struct numa_plan *plan, unsigned int k)
{
	unsigned int next = (plan->start + k + 1) % plan->n;

	if (unlikely(plan->shared)) {
		/* Relaxed, as in numa_cursor_start(): skip the k nodes that
		 * could not serve.
		 */
		if (k > 0)
			__atomic_fetch_add(plan->cursor, k, __ATOMIC_RELAXED);
		return;
	}
	/* Owner-only store, no read-modify-write (see above). */
	__atomic_store_n(plan->cursor, next, __ATOMIC_RELAXED);
}

static inline struct numa_plan
numa_policy_plan(struct lfp_numa_policy *pol, unsigned int caller)
{
	struct numa_plan plan = {.order = pol->self};

	switch (pol->kind) {
	case LFP_NUMA_POLICY_LOCAL_ONLY:
		if (caller < pol->nb_nodes && (pol->set >> caller) & 1) {
			plan.order = &pol->self[caller];
			plan.n = 1;
		}
		break;
	case LFP_NUMA_POLICY_LOCAL_PREFERRED:
		if (caller < pol->nb_nodes) {
			plan.order = pol->by_distance[caller];
			plan.n = pol->nb_set;
		}
		break;
	default:
		plan.order = pol->set_list;
		plan.n = pol->nb_set;
		numa_cursor_start(pol, &plan);
		break;
	}
	return plan;
}

/*
 * The engine itself, inline so that the allocator's constant try function
 * is inlined into its fast path; lfp_numa_policy_place() wraps it.
 */
static inline int
numa_policy_place(struct lfp_numa_policy *pol, unsigned int caller,
	lfp_numa_try_node_t try_node, void *arg, unsigned int *rank)
{
	struct numa_plan plan = numa_policy_plan(pol, caller);
	unsigned int k, i = plan.start;

	for (k = 0; k < plan.n; k++) {
		if (try_node(arg, plan.order[i]) == 0) {
			if (plan.cursor != NULL)
				numa_cursor_advance(&plan, k);
			*rank = k;
			return plan.order[i];
		}
		i = i + 1 == plan.n ? 0 : i + 1;
	}
	return -ENOMEM;
}

/* ---- numa_sizeclass.c (inline for the fast path) ---- */

static inline int
numa_size_class(size_t size)
{
	if (unlikely(size == 0))
		return -EINVAL;
	if (size <= LFP_NUMA_CLASS_MIN)
		return 0;
	if (unlikely(size > LFP_NUMA_CLASS_MAX))
		return -E2BIG;
	/* ceil(log2(size)) - MIN_SHIFT: 65..128 -> 1, ..., 2049..4096 -> 6 */
	return (int)(sizeof(unsigned long long) * CHAR_BIT) -
		__builtin_clzll(size - 1) - LFP_NUMA_CLASS_MIN_SHIFT;
}

/* ---- numa_alloc.c ---- */

/* One size-class pool of one node. */
struct numa_pool {
	struct rte_mempool *mp;
	const struct rte_memzone *mz; /* the pool's memory, ours */
	struct lfp_numa_allocator *owner;
	uintptr_t first; /* address of object 0 */
	uint32_t stride; /* bytes between two objects */
	uint32_t nb_objs;
	struct rte_reciprocal_u64 stride_inv;
	uint8_t node; /* topology node index */
	uint8_t cls;
	uint8_t page_shift;  /* log2 of the memzone page size */
	uintptr_t page_base; /* first page of the memzone */
	uint8_t *page_node;  /* kernel node of each page */
	uint32_t nb_pages;
	uint8_t *state; /* LFP_NUMA_F_DEBUG: in-use byte */
};

/* Counters of one (node, class) cell of one lcore. */
struct numa_counters {
	uint64_t allocs;
	uint64_t frees;
	uint64_t fails;
	uint64_t fallbacks;
	uint64_t local;
	uint64_t remote;
};

struct lfp_numa_allocator {
	TAILQ_ENTRY(lfp_numa_allocator) next;
	char name[LFP_NUMA_NAMESIZE];
	char ops_name[RTE_MEMPOOL_OPS_NAMESIZE];
	enum lfp_numa_policy_kind kind;
	unsigned int flags;
	unsigned int pool_size;
	unsigned int cache_size;
	uint64_t nodes;
	struct lfp_numa_policy *policy;
	/* Published with a release store once built; read with acquire. */
	struct numa_pool *pools[LFP_NUMA_MAX_NODES][LFP_NUMA_NB_CLASSES];
	/* Set under the control lock when a pool could not be built. */
	bool pool_failed[LFP_NUMA_MAX_NODES][LFP_NUMA_NB_CLASSES];
	/* Kernel node of each lcore's CPUs (EAL socket), or -1. */
	int8_t lcore_knode[RTE_MAX_LCORE];
	/*
	 * Statistics: RTE_MAX_LCORE + 1 blocks of stats_stride bytes (cache
	 * aligned), each nb_nodes x LFP_NUMA_NB_STAT_CLASSES counters; block
	 * l is written by lcore l only, the last one by threads without an
	 * lcore id (with atomic adds).
	 */
	char *stats;
	size_t stats_stride;
	struct lfp_numa_topology topo;
};

/* ---- numa_registry.c: pointer -> owner, allocator list ---- */

/* Control-path lock: allocator list, pool creation, registry writes. */
void numa_lock(void);
void numa_unlock(void);

/* Map the pool's memzone (2 MiB granules) to the pool; NULL clears. */
int numa_pagemap_set(uintptr_t start, size_t len, struct numa_pool *pool);

/* Pool whose memzone holds addr, or NULL. Lock-free, O(1). */
struct numa_pool *numa_pagemap_lookup(uintptr_t addr);

/* Granule of the page map: pool memzones are aligned and sized to it. */
#define NUMA_GRANULE_SHIFT 21
#define NUMA_GRANULE (UINT64_C(1) << NUMA_GRANULE_SHIFT)

/* A buffer above LFP_NUMA_CLASS_MAX. */
struct numa_large {
	struct lfp_numa_allocator *owner;
	void *addr;
	size_t size;	/* usable bytes */
	size_t map_len; /* striped: mmap length; 0 for rte_malloc */
	uint8_t node;
};

/* Register a large buffer, keyed by l->addr: 0 or -ENOMEM/-ENOSPC. */
int numa_large_add(struct numa_large *l);
/*
 * Unregister the buffer starting at addr and hand it to release() under
 * the registry lock, so that its memory goes back before another thread
 * can be given the same address and register it: 0 or -ENOENT.
 */
int numa_large_remove(const void *addr, void (*release)(struct numa_large *l));
/* Copy the descriptor of the buffer starting at addr: 0 or -ENOENT. */
int numa_large_get(const void *addr, struct numa_large *copy);
/* Unregister and release every buffer of allocator a, as above. */
void numa_large_drain(const struct lfp_numa_allocator *a,
	void (*release)(struct numa_large *l));

/* Callers hold numa_lock(). */
void numa_alloc_list_add(struct lfp_numa_allocator *a);
void numa_alloc_list_del(struct lfp_numa_allocator *a);
/* Caller holds numa_lock(). */
struct lfp_numa_allocator *numa_alloc_list_find(const char *name);
/* Caller holds numa_lock(); stops when fn returns non-zero. */
int numa_alloc_list_walk(
	int (*fn)(struct lfp_numa_allocator *a, void *arg), void *arg);

/* ---- numa_stats.c ---- */

/* Counters of (lcore slot, node, class). */
static inline struct numa_counters *
numa_stats_cell(const struct lfp_numa_allocator *a, unsigned int slot,
	unsigned int node, unsigned int cls)
{
	return (struct numa_counters *)(a->stats + slot * a->stats_stride) +
		node * LFP_NUMA_NB_STAT_CLASSES + cls;
}

/*
 * Kernel node of nb_pages pages of 1 << shift bytes from start, or
 * NUMA_NODE_UNKNOWN for a page not resident. Returns 0 or -errno.
 */
int numa_pages_node(
	uintptr_t start, unsigned int shift, uint8_t *nodes, uint32_t nb_pages);

/* Kernel node of the page holding addr, NUMA_NODE_UNKNOWN if unknown. */
uint8_t numa_addr_node(const void *addr);

/* ---- numa_telemetry.c ---- */

/*
 * Register the /lfpool/numa/ telemetry commands. Called by the RTE_INIT
 * constructor in numa_topology.c, the file every user of the library
 * links: numa_telemetry.o alone would be dropped by the linker, as
 * nothing else refers to it.
 */
void numa_telemetry_register(void);

#endif /* NUMA_PRIVATE_H */
