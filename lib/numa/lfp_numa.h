/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The lfpool authors
 */

#ifndef LFP_NUMA_H
#define LFP_NUMA_H

/**
 * @file
 * lfpool NUMA-aware allocator: topology, placement policies, size classes
 * and locality statistics.
 *
 * Three layers, usable separately:
 *
 * - A **topology** (struct lfp_numa_topology) lists the NUMA nodes, the CPUs
 *   and EAL lcores of each node, the distance matrix and the memory of each
 *   node. It is discovered from libnuma and EAL
 *   (lfp_numa_topology_discover()) or injected from a text description
 *   (lfp_numa_topology_parse(), format below) for tests and what-if runs.
 *   Nodes are named by their *index* 0..nb_nodes-1 everywhere in this API;
 *   lfp_numa_topology_node_info() gives the kernel node id and the EAL
 *   socket id behind an index.
 *
 * - A **policy** (struct lfp_numa_policy) decides which node serves the
 *   next allocation, on any topology, without touching memory:
 *   lfp_numa_policy_place() asks a caller-supplied function to allocate on
 *   each candidate node in turn. The allocator uses the very same engine
 *   with a function that takes an object from a mempool, and tests use it
 *   with fake capacities.
 *
 * - An **allocator** (struct lfp_numa_allocator) serves
 *   lfp_numa_alloc(size) from one rte_mempool per size class per node (ops
 *   "lfpool" by default), and larger requests from rte_malloc_socket() on
 *   the chosen node (or, under LFP_NUMA_POLICY_INTERLEAVED, from page
 *   stripes spread over the nodes). lfp_numa_free(ptr) takes no size and no
 *   allocator: it finds both from the pointer in O(1), and refuses pointers
 *   it did not hand out.
 *
 * Injected topology text form (whitespace is ignored; fields end with ';'
 * and may come in any order; values in the same order as the nodes):
 *
 *     nodes=2; cpus=0-3|4-7; dist=10,21|21,10; mem=1024,1024
 *
 *   - nodes=N      number of nodes, 1..LFP_NUMA_MAX_NODES (required)
 *   - cpus=L|L|..  one CPU list per node ("0-3,8", may be empty) (required)
 *   - dist=R|R|..  one row of N distances per node; the diagonal must be 10
 *                  (LOCAL), the others 11..255, and the matrix symmetric
 *                  (required)
 *   - mem=M,M,..   memory per node in MiB (required)
 *   - free=F,F,..  free memory per node in MiB, <= mem (default: mem)
 *   - sockets=S,.. EAL socket id whose memory backs each node, -1 for
 *                  none (default: the node index); several nodes may share
 *                  one socket, so a two-node what-if runs on a one-node
 *                  machine
 *
 * Threads: the caller's node is the node of its lcore (from EAL's socket
 * id of the lcore, or from the lcore's CPUs for an injected topology); a
 * thread without an lcore id, or an lcore spanning nodes, uses the node of
 * the CPU it runs on (sched_getcpu()).
 *
 * Synchronization (-: may run concurrently; X: must not):
 *
 *   call                          | same allocator | other allocators
 *   ------------------------------+----------------+-----------------
 *   lfp_numa_alloc/zalloc/free    |       -        |        -
 *   lfp_numa_ptr_info             |       -        |        -
 *   lfp_numa_stats_get            |       -        |        -
 *   lfp_numa_policy_place         |  - (per lcore cursors; threads without
 *                                 |  an lcore id share one atomic cursor)
 *   lfp_numa_allocator_create     |      n/a       |        -
 *   lfp_numa_allocator_destroy    |       X        |        -
 *
 * Everything (allocators, the pointer registry) is private to the process
 * that created it: secondary processes are not supported.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <rte_common.h>

#ifdef __cplusplus
extern "C" {
#endif

/** Largest number of NUMA nodes a topology may have (node masks are 64-bit). */
#define LFP_NUMA_MAX_NODES 32
/** CPU ids a topology can describe (0..LFP_NUMA_MAX_CPUS-1), as glibc's
 * CPU_SETSIZE.
 */
#define LFP_NUMA_MAX_CPUS 1024
/** Distance of a node to itself, as in the ACPI SLIT and libnuma. */
#define LFP_NUMA_LOCAL_DISTANCE 10
/** Longest allocator name, including the terminating NUL. */
#define LFP_NUMA_NAMESIZE 13

/** log2 of the smallest size class. */
#define LFP_NUMA_CLASS_MIN_SHIFT 6
/** log2 of the largest size class. */
#define LFP_NUMA_CLASS_MAX_SHIFT 12
/** Smallest size class, in bytes. */
#define LFP_NUMA_CLASS_MIN (1u << LFP_NUMA_CLASS_MIN_SHIFT)
/** Largest size class, in bytes; larger requests go to rte_malloc. */
#define LFP_NUMA_CLASS_MAX (1u << LFP_NUMA_CLASS_MAX_SHIFT)
/** Number of size classes: 64, 128, 256, 512, 1024, 2048, 4096. */
#define LFP_NUMA_NB_CLASSES 7
/** Statistics index of requests larger than LFP_NUMA_CLASS_MAX. */
#define LFP_NUMA_CLASS_LARGE LFP_NUMA_NB_CLASSES
/** Statistics indexes: the size classes plus LFP_NUMA_CLASS_LARGE. */
#define LFP_NUMA_NB_STAT_CLASSES (LFP_NUMA_NB_CLASSES + 1)

/** Mempool ops used by default for the size-class pools. */
#define LFP_NUMA_DEFAULT_OPS "lfpool"
/** Objects per size-class pool when lfp_numa_conf.pool_size is 0. */
#define LFP_NUMA_DEFAULT_POOL_SIZE 1024

/** Create every size-class pool at allocator creation, not on first use. */
#define LFP_NUMA_F_EAGER (1u << 0)
/**
 * Debug mode: keep an in-use byte per object so that a double free is
 * refused (-EALREADY) instead of corrupting the pool. Costs one atomic
 * exchange per allocation and per free.
 */
#define LFP_NUMA_F_DEBUG (1u << 1)

/** Placement policies. */
enum lfp_numa_policy_kind {
	/** The caller's node, then the other nodes in order of distance. */
	LFP_NUMA_POLICY_LOCAL_PREFERRED = 0,
	/** The caller's node only; -ENOMEM when it is exhausted. */
	LFP_NUMA_POLICY_LOCAL_ONLY,
	/**
	 * Successive allocations of one lcore go to successive nodes of the
	 * node set. A node that cannot serve is skipped (the next node serves,
	 * counted as a fallback) and the rotation goes on after the node that
	 * served, so the nodes with room stay even to within one.
	 */
	LFP_NUMA_POLICY_ROUND_ROBIN,
	/**
	 * Objects rotate over the node set as with ROUND_ROBIN; buffers above
	 * LFP_NUMA_CLASS_MAX are striped: every page (lfp_numa_stripe_size())
	 * lies on a node of the set, page after page in turn (see
	 * lfp_numa_policy_stripe_node()). Striped buffers are anonymous memory
	 * (mmap + mbind(MPOL_INTERLEAVE)), not DPDK memory: no IOVA for DMA.
	 */
	LFP_NUMA_POLICY_INTERLEAVED,
	LFP_NUMA_POLICY_MAX, /**< Number of policies. */
};

struct lfp_numa_topology;
struct lfp_numa_policy;
struct lfp_numa_allocator;

/** What lfp_numa_topology_node_info() reports about one node. */
struct lfp_numa_node_info {
	int id;			/**< Kernel node id (injected: the index). */
	int socket_id;		/**< EAL socket id backing it, -1 if none. */
	unsigned int nb_cpus;	/**< CPUs of the node. */
	unsigned int nb_lcores; /**< EAL lcores whose CPUs are on the node. */
	uint64_t mem_total;	/**< Bytes of memory on the node. */
	uint64_t mem_free;	/**< Bytes free when the topology was made. */
};

/**
 * Discover the machine's topology with libnuma and EAL.
 *
 * Works without NUMA support: when numa_available() < 0, the topology has
 * one node holding every CPU and all memory, and a NOTICE says so once per
 * process. If EAL is initialized, nodes are mapped to EAL socket ids and
 * lcores.
 *
 * @return
 *   A topology to free with lfp_numa_topology_free(), or NULL with
 *   rte_errno set:
 *   - ENOMEM - out of memory.
 */
struct lfp_numa_topology *lfp_numa_topology_discover(void);

/**
 * Build a topology from its text form (see the file comment).
 *
 * @param desc
 *   The description.
 * @param err
 *   Where to write what is wrong with a refused description (may be NULL).
 *   The same text is logged at ERR level.
 * @param err_len
 *   Size of @p err.
 * @return
 *   A topology to free with lfp_numa_topology_free(), or NULL with
 *   rte_errno set:
 *   - EINVAL - malformed, missing or unknown field, zero or too many
 *     nodes, a CPU on two nodes, missing or asymmetric distances, free
 *     memory above total, ...
 *   - ENOMEM - out of memory.
 */
struct lfp_numa_topology *lfp_numa_topology_parse(
	const char *desc, char *err, size_t err_len);

/**
 * Write a topology in the text form lfp_numa_topology_parse() reads, so
 * that a discovered topology can be replayed elsewhere.
 *
 * @return
 *   The length of the full text (as snprintf()), or -EINVAL.
 */
int lfp_numa_topology_format(
	const struct lfp_numa_topology *topo, char *buf, size_t len);

/** Free a topology (NULL is allowed). */
void lfp_numa_topology_free(struct lfp_numa_topology *topo);

/** Number of nodes (>= 1). */
unsigned int lfp_numa_topology_nb_nodes(const struct lfp_numa_topology *topo);

/** True for a topology built by lfp_numa_topology_parse(). */
bool lfp_numa_topology_is_injected(const struct lfp_numa_topology *topo);

/**
 * True when the topology came from libnuma; false when it was injected or
 * when numa_available() < 0 made discovery assume one node.
 */
bool lfp_numa_topology_from_libnuma(const struct lfp_numa_topology *topo);

/**
 * Describe one node.
 *
 * @return
 *   0, or -EINVAL (bad index or NULL pointer).
 */
int lfp_numa_topology_node_info(const struct lfp_numa_topology *topo,
	unsigned int node, struct lfp_numa_node_info *info);

/**
 * Distance between two nodes (LFP_NUMA_LOCAL_DISTANCE for a node and
 * itself).
 *
 * @return
 *   The distance, or -EINVAL.
 */
int lfp_numa_topology_distance(const struct lfp_numa_topology *topo,
	unsigned int from, unsigned int to);

/**
 * @return
 *   The index of the node holding @p cpu, or -ENOENT (no such CPU), or
 *   -EINVAL.
 */
int lfp_numa_topology_cpu_node(const struct lfp_numa_topology *topo, int cpu);

/**
 * @return
 *   The index of the node of EAL lcore @p lcore_id, or -ENOENT (not an
 *   lcore, or its CPUs span several nodes), or -EINVAL.
 */
int lfp_numa_topology_lcore_node(
	const struct lfp_numa_topology *topo, unsigned int lcore_id);

/**
 * @return
 *   The index of the first node backed by EAL socket @p socket_id, or
 *   -ENOENT, or -EINVAL.
 */
int lfp_numa_topology_socket_node(
	const struct lfp_numa_topology *topo, int socket_id);

/**
 * The calling thread's node: its lcore's node, else the node of the CPU it
 * runs on, else node 0.
 */
unsigned int lfp_numa_caller_node(const struct lfp_numa_topology *topo);

/**
 * Function that tries to allocate on one node for lfp_numa_policy_place().
 *
 * @return
 *   0 when the node served the request, a negative errno (e.g. -ENOMEM)
 *   when it could not.
 */
typedef int (*lfp_numa_try_node_t)(void *arg, unsigned int node);

/**
 * Create a placement policy on a topology (which it copies what it needs
 * from: the topology may be freed afterwards).
 *
 * @param topo
 *   Discovered or injected topology.
 * @param kind
 *   The policy.
 * @param nodes
 *   Node set (bit i = node index i) the policy may place on; 0 means every
 *   node of the topology.
 * @return
 *   The policy, to free with lfp_numa_policy_free(), or NULL with rte_errno:
 *   - EINVAL - bad kind, or @p nodes names no node of the topology.
 *   - ENOMEM - out of memory.
 */
struct lfp_numa_policy *lfp_numa_policy_create(
	const struct lfp_numa_topology *topo, enum lfp_numa_policy_kind kind,
	uint64_t nodes);

/** Free a policy (NULL is allowed). */
void lfp_numa_policy_free(struct lfp_numa_policy *pol);

/**
 * Place one allocation: call @p try_node on the policy's candidate nodes in
 * order until one returns 0.
 *
 * Candidates for a caller on node c:
 *   - LOCAL_PREFERRED: the set's nodes by increasing distance from c (ties
 *     by index), so c first when it is in the set;
 *   - LOCAL_ONLY: c alone, or nothing when c is not in the set;
 *   - ROUND_ROBIN, INTERLEAVED: every node of the set in index order,
 *     starting after the node that served this lcore's previous placement
 *     (threads without an lcore id share one cursor).
 *
 * @param pol
 *   The policy.
 * @param caller
 *   The caller's node index (e.g. lfp_numa_caller_node()).
 * @param try_node
 *   Allocation attempt on one node.
 * @param arg
 *   Passed to @p try_node.
 * @param rank
 *   If not NULL, set to the position of the serving node among the
 *   candidates: 0 for the first choice, > 0 for a fallback.
 * @return
 *   The index of the node that served the request, or -ENOMEM when no
 *   candidate could (rte_errno is set), or -EINVAL.
 */
int lfp_numa_policy_place(struct lfp_numa_policy *pol, unsigned int caller,
	lfp_numa_try_node_t try_node, void *arg, unsigned int *rank);

/** Policy kind of @p pol. */
enum lfp_numa_policy_kind lfp_numa_policy_kind(
	const struct lfp_numa_policy *pol);

/**
 * Size of one interleave stripe: the system page size. A striped buffer is
 * a whole number of stripes.
 */
size_t lfp_numa_stripe_size(void);

/**
 * Node of the interleave stripe (page) holding address @p addr: the set's
 * nodes taken in index order, page number (addr / lfp_numa_stripe_size())
 * modulo the number of nodes in the set.
 * This is the kernel's MPOL_INTERLEAVE rule for an anonymous mapping, so
 * consecutive stripes of a buffer cycle through the set.
 *
 * @return
 *   A node index, or -EINVAL.
 */
int lfp_numa_policy_stripe_node(
	const struct lfp_numa_policy *pol, uintptr_t addr);

/** Name of a policy ("local_preferred", ...), or NULL. */
const char *lfp_numa_policy_name(enum lfp_numa_policy_kind kind);

/**
 * Policy from its name (as lfp_numa_policy_name()).
 *
 * @return
 *   The kind, or -EINVAL.
 */
int lfp_numa_policy_from_name(const char *name);

/**
 * Size class of a request.
 *
 * @return
 *   The class index (0 for 1..64 bytes, 1 for 65..128, ..., 6 for
 *   2049..4096), or -EINVAL for 0 bytes, or -E2BIG above
 *   LFP_NUMA_CLASS_MAX (served by rte_malloc).
 */
int lfp_numa_size_class(size_t size);

/**
 * @return
 *   Object size of class @p cls in bytes, or 0 for a bad index.
 */
size_t lfp_numa_class_size(unsigned int cls);

/** Allocator configuration. */
struct lfp_numa_conf {
	/** Unique name, at most LFP_NUMA_NAMESIZE - 1 characters. */
	const char *name;
	/** Placement policy. */
	enum lfp_numa_policy_kind policy;
	/**
	 * Node set (bit i = topology node index i) the allocator may place
	 * on; 0 means every node backed by an EAL socket.
	 */
	uint64_t nodes;
	/** Mempool ops of the size-class pools; NULL: LFP_NUMA_DEFAULT_OPS. */
	const char *ops_name;
	/** Objects per size-class pool; 0: LFP_NUMA_DEFAULT_POOL_SIZE. */
	unsigned int pool_size;
	/** rte_mempool per-lcore cache size of each pool (0: no cache). */
	unsigned int cache_size;
	/** LFP_NUMA_F_* flags. */
	unsigned int flags;
	/**
	 * Topology to place on (copied); NULL: discover it. Every node in
	 * the set must be backed by an existing EAL socket.
	 */
	const struct lfp_numa_topology *topology;
};

/**
 * Create an allocator. Needs EAL.
 *
 * @return
 *   The allocator, or NULL with rte_errno set:
 *   - EINVAL - bad configuration (name, policy, cache size, node set);
 *   - EEXIST - an allocator with this name exists;
 *   - ENODEV - a node of the set has no EAL socket behind it;
 *   - ENOENT - the mempool ops name is not registered;
 *   - ENOMEM - out of memory (with LFP_NUMA_F_EAGER: a pool could not be
 *     created);
 *   - ENOTSUP - the mempool driver lays objects out in a way the O(1)
 *     free path cannot index.
 */
struct lfp_numa_allocator *lfp_numa_allocator_create(
	const struct lfp_numa_conf *conf);

/**
 * Destroy an allocator, its pools and the large buffers still allocated
 * from it. No thread may use the allocator or its memory any more.
 * NULL is allowed.
 */
void lfp_numa_allocator_destroy(struct lfp_numa_allocator *alloc);

/**
 * @return
 *   The allocator called @p name, or NULL with rte_errno = ENOENT.
 */
struct lfp_numa_allocator *lfp_numa_allocator_lookup(const char *name);

/** The allocator's copy of its topology. */
const struct lfp_numa_topology *lfp_numa_allocator_topology(
	const struct lfp_numa_allocator *alloc);

/** The allocator's placement policy. */
struct lfp_numa_policy *lfp_numa_allocator_policy(
	const struct lfp_numa_allocator *alloc);

/**
 * Allocate @p size bytes on the node the policy picks for the caller.
 * Objects up to LFP_NUMA_CLASS_MAX come from a size-class pool and are
 * cache-line aligned; larger buffers are cache-line aligned (rte_malloc)
 * or page aligned (interleaved stripes).
 *
 * @return
 *   The memory, or NULL with rte_errno set:
 *   - EINVAL - @p alloc is NULL or @p size is 0;
 *   - ENOMEM - no candidate node could serve the request.
 */
void *lfp_numa_alloc(struct lfp_numa_allocator *alloc, size_t size);

/** As lfp_numa_alloc(), and the memory is zeroed. */
void *lfp_numa_zalloc(struct lfp_numa_allocator *alloc, size_t size);

/**
 * Free memory from lfp_numa_alloc()/lfp_numa_zalloc() of any allocator.
 * The class, node and allocator are found from the pointer in O(1).
 *
 * @return
 *   0 (also for NULL), or a negative errno with rte_errno set, and then
 *   nothing is freed:
 *   - EINVAL - not the start of memory that lfpool handed out (foreign
 *     pointer, interior pointer, or a large buffer freed already);
 *   - EALREADY - (LFP_NUMA_F_DEBUG) the object is already free.
 */
int lfp_numa_free(void *ptr);

/** Where lfp_numa_ptr_info() says a pointer comes from. */
struct lfp_numa_ptr_info {
	struct lfp_numa_allocator *alloc; /**< Owning allocator. */
	unsigned int node; /**< Node index (striped: node of first page). */
	int socket_id;	   /**< EAL socket id of that node (striped: -1). */
	unsigned int cls;  /**< Size class or LFP_NUMA_CLASS_LARGE. */
	size_t size;	   /**< Usable bytes. */
	bool striped;	   /**< Interleaved page stripes. */
};

/**
 * Describe memory handed out by lfp_numa_alloc().
 *
 * @return
 *   0, or -EINVAL (with rte_errno) for a pointer lfpool does not own.
 */
int lfp_numa_ptr_info(const void *ptr, struct lfp_numa_ptr_info *info);

/** Counters of one (node, class) cell, or sums of cells. */
struct lfp_numa_stats {
	uint64_t allocs; /**< Allocations served by the node. */
	uint64_t frees;	 /**< Frees back to the node. */
	uint64_t in_use; /**< allocs - frees. */
	/** Requests that failed entirely, counted on the caller's node. */
	uint64_t fails;
	/** Allocations the node served although it was not the first choice. */
	uint64_t fallbacks;
	/**
	 * Allocations whose memory the kernel reports on the caller's node
	 * (move_pages() on the page of the first byte, measured when a pool
	 * or large buffer is created, not assumed from the socket id).
	 */
	uint64_t local;
	/** Allocations whose memory the kernel reports on another node. */
	uint64_t remote;
	/** Allocations whose page was not resident when measured. */
	uint64_t unknown;
};

/**
 * Read (sum) statistics of an allocator.
 *
 * @param node
 *   Node index, or -1 for all nodes.
 * @param cls
 *   Size class, LFP_NUMA_CLASS_LARGE, or -1 for all.
 * @return
 *   0, -EINVAL, or -ENOTSUP when the build has statistics off
 *   (meson option 'stats').
 */
int lfp_numa_stats_get(const struct lfp_numa_allocator *alloc, int node,
	int cls, struct lfp_numa_stats *stats);

/**
 * NUMA-local percentage of measured allocations:
 * 100 * local / (local + remote), or -1.0 when none was measured.
 */
double lfp_numa_stats_local_pct(const struct lfp_numa_stats *stats);

#ifdef __cplusplus
}
#endif

#endif /* LFP_NUMA_H */
