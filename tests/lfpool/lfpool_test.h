/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The lfpool authors
 */

#ifndef LFPOOL_TEST_H
#define LFPOOL_TEST_H

/*
 * Helpers shared by the lfpool test binaries: pools by ops name, a map from
 * object to index, the "every object exactly once" check, and launching
 * work on lcores and threads with a handshake ThreadSanitizer can see.
 */

#include <stdbool.h>
#include <stdint.h>

#include <rte_lcore.h>
#include <rte_mempool.h>

#include "lfp_mempool.h"

/* Ops every case runs against: lfpool first, then DPDK's references. */
#define LT_OPS_LFPOOL LFP_MEMPOOL_OPS_NAME
extern const char *const lt_ops_names[];
extern const unsigned int lt_nb_ops;

/* Element size of the test pools; the first 8 bytes hold an owner tag. */
#define LT_ELT_SIZE 64

/* Sanitizer builds run the stress loops this many times fewer. */
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define LT_SCALE 20
#else
#define LT_SCALE 1
#endif

/* True when the ops are registered in this process. */
bool lt_ops_available(const char *ops);

/*
 * rte_mempool_create_empty + set_ops_byname(ops, cfg) + populate_default.
 * NULL with rte_errno set on failure (the pool is freed).
 */
struct rte_mempool *lt_pool_create(const char *name, const char *ops,
	unsigned int n, unsigned int cache_size,
	const struct lfp_mempool_config *cfg);

/* Objects of a pool, sorted, to turn a pointer into an index. */
struct lt_objmap {
	void **objs;
	unsigned int n;
};
int lt_objmap_build(struct rte_mempool *mp, struct lt_objmap *map);
/* Index of obj, or -1 if it is not an object of the pool. */
int lt_objmap_index(const struct lt_objmap *map, const void *obj);
void lt_objmap_free(struct lt_objmap *map);

/*
 * Check that objs[0, n) are distinct objects of the pool; returns the
 * number of problems found (foreign pointers, duplicates).
 */
unsigned int lt_check_distinct(
	const struct lt_objmap *map, void **objs, unsigned int n);

/*
 * Drain the pool from every EAL lcore in turn (each takes what its caches
 * and the depot hold), check that every object came out exactly once, put
 * everything back and check that avail_count equals the populated size.
 * Call with no other user of the pool. Returns 0 or the number of problems
 * (and prints them).
 */
int lt_check_all_present(struct rte_mempool *mp);

/* Run fn(arg) on a worker lcore; lt_wait() returns its result. */
struct lt_job {
	int (*fn)(void *arg);
	void *arg;
	unsigned int lcore_id;
	int ret;
	uint32_t done;
};
int lt_launch(struct lt_job *job, unsigned int lcore_id, int (*fn)(void *arg),
	void *arg);
int lt_wait(struct lt_job *job);

/* Release/acquire start flag, so workers start together. */
void lt_flag_wait(const uint32_t *flag);
void lt_flag_set(uint32_t *flag);

/* Small per-thread random generator (xorshift32). */
static inline uint32_t
lt_rand(uint32_t *state)
{
	uint32_t x = *state;

	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	*state = x;
	return x;
}

/*
 * The random get/put loop used by the stress, growth, preemption and
 * multi-process tests. Each object taken is tagged with the caller's id by
 * an atomic exchange that must find 0 (a double allocation finds another
 * tag), and untagged before it is put back.
 */
struct lt_churn {
	struct rte_mempool *mp;
	unsigned int iterations;
	unsigned int max_bulk; /* Bulks of 1..max_bulk objects. */
	unsigned int max_held; /* Objects held at most. */
	uint32_t seed;
	uint64_t tag; /* Non-zero, unique per thread. */
	/* Results. */
	uint64_t gets, puts, fails, errors;
};
int lt_churn_run(struct lt_churn *c);

#endif /* LFPOOL_TEST_H */
