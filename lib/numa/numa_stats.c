/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The lfpool authors
 */

/*
 * Where memory really is, and the statistics that use it.
 *
 * move_pages(pid 0, nodes NULL) only reports the node of each page; it
 * faults nothing in, so a page nobody touched yet is reported as not
 * resident instead of being placed by the question (get_mempolicy() with
 * MPOL_F_ADDR would fault it in on the calling thread's node).
 */

#define _GNU_SOURCE
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <numa.h>
#include <numaif.h>

#include "numa_private.h"

/* Pages asked about per move_pages() call. */
#define PAGES_PER_CALL 512

static void
say_move_pages_failed_once(int err)
{
	static bool said;

	/* Relaxed: only picks which caller logs; orders nothing else. */
	if (!__atomic_exchange_n(&said, true, __ATOMIC_RELAXED))
		NUMA_LOG(WARNING,
			"move_pages(): %s; page placement unknown, "
			"NUMA-local statistics will stay empty",
			strerror(err));
}

int
numa_pages_node(
	uintptr_t start, unsigned int shift, uint8_t *nodes, uint32_t nb_pages)
{
	void *pages[PAGES_PER_CALL];
	int status[PAGES_PER_CALL];
	uint32_t done, n, i;

	if (numa_available() < 0) {
		/* One node: all memory is on it. */
		memset(nodes, 0, nb_pages);
		return 0;
	}
	for (done = 0; done < nb_pages; done += n) {
		n = RTE_MIN(nb_pages - done, (uint32_t)PAGES_PER_CALL);
		for (i = 0; i < n; i++)
			pages[i] = (void *)(start +
				((uintptr_t)(done + i) << shift));
		if (move_pages(0, n, pages, NULL, status, 0) != 0) {
			say_move_pages_failed_once(errno);
			memset(nodes + done, NUMA_NODE_UNKNOWN,
				nb_pages - done);
			return -errno;
		}
		for (i = 0; i < n; i++)
			nodes[done + i] = status[i] >= 0 &&
					status[i] < NUMA_NODE_UNKNOWN ?
				(uint8_t)status[i] :
				NUMA_NODE_UNKNOWN;
	}
	return 0;
}

uint8_t
numa_addr_node(const void *addr)
{
	size_t pg = lfp_numa_stripe_size();
	uint8_t node;

	numa_pages_node(RTE_ALIGN_FLOOR((uintptr_t)addr, pg), rte_log2_u64(pg),
		&node, 1);
	return node;
}

static void
add_cell(struct lfp_numa_stats *st, const struct numa_counters *c)
{
	/* Relaxed: counters are independent; each lcore writes its own. */
	st->allocs += __atomic_load_n(&c->allocs, __ATOMIC_RELAXED);
	st->frees += __atomic_load_n(&c->frees, __ATOMIC_RELAXED);
	st->fails += __atomic_load_n(&c->fails, __ATOMIC_RELAXED);
	st->fallbacks += __atomic_load_n(&c->fallbacks, __ATOMIC_RELAXED);
	st->local += __atomic_load_n(&c->local, __ATOMIC_RELAXED);
	st->remote += __atomic_load_n(&c->remote, __ATOMIC_RELAXED);
}

int
lfp_numa_stats_get(const struct lfp_numa_allocator *a, int node, int cls,
	struct lfp_numa_stats *st)
{
	unsigned int slot, n, c;

	if (a == NULL || st == NULL || node < -1 ||
		node >= (int)a->topo.nb_nodes || cls < -1 ||
		cls >= LFP_NUMA_NB_STAT_CLASSES) {
		rte_errno = EINVAL;
		return -EINVAL;
	}
	if (!LFP_STATS) {
		rte_errno = ENOTSUP;
		return -ENOTSUP;
	}
	memset(st, 0, sizeof(*st));
	for (slot = 0; slot <= RTE_MAX_LCORE; slot++)
		for (n = 0; n < a->topo.nb_nodes; n++)
			for (c = 0; c < LFP_NUMA_NB_STAT_CLASSES; c++)
				if ((node < 0 || (int)n == node) &&
					(cls < 0 || (int)c == cls))
					add_cell(st,
						numa_stats_cell(a, slot, n, c));
	/* Counters of different lcores are read at different times: a
	 * free may be seen before its allocation. Clamp at zero.
	 */
	st->in_use = st->allocs > st->frees ? st->allocs - st->frees : 0;
	st->unknown = st->allocs > st->local + st->remote ?
		st->allocs - st->local - st->remote :
		0;
	return 0;
}

double
lfp_numa_stats_local_pct(const struct lfp_numa_stats *st)
{
	if (st == NULL || st->local + st->remote == 0)
		return -1.0;
	return 100.0 * (double)st->local / (double)(st->local + st->remote);
}
