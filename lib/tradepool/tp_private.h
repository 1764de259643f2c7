/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The lfpool authors
 */

#ifndef TP_PRIVATE_H
#define TP_PRIVATE_H

/*
 * Internals of lib/tradepool, shared by its tp_*.c files; not installed.
 */

#include <sys/queue.h>

#include <rte_common.h>
#include <rte_lcore.h>
#include <rte_log.h>
#include <rte_mempool.h>
#include <rte_spinlock.h>

#include "lfp_config.h"
#include "lfp_eal_tls.h"
#include "lfp_tradepool.h"

#ifdef __SANITIZE_THREAD__
#include <sanitizer/tsan_interface.h>
#endif

extern int tp_logtype;

#define TP_LOG(level, fmt, ...) \
	rte_log(RTE_LOG_##level, tp_logtype, "%s(): " fmt "\n", __func__, \
		##__VA_ARGS__)

/* Largest per-lcore cache the automatic sizing picks. */
#define TP_CACHE_AUTO_MAX 256

/* Counter row of threads without an lcore id (unregistered non-EAL). */
#define TP_ROW_SHARED RTE_MAX_LCORE
#define TP_NB_ROWS (RTE_MAX_LCORE + 1)

/*
 * One thread's counters of one type on one socket slot. Written only by
 * that thread (relaxed stores, no read-modify-write), or under
 * shared_lock for the shared row; read by the statistics with relaxed
 * loads. What can be derived is not stored: the objects a thread holds
 * are allocs - frees.
 */
struct tp_counters {
	uint64_t allocs;
	uint64_t frees;
	uint64_t failures;
	int64_t peak; /* high-water mark of allocs - frees */
};

/*
 * Everything an lcore's constructor or free of one type touches besides
 * the mempool cache, on one cache line: the pool of the lcore's own slot,
 * the lcore's cache in it (both fixed at creation) and the counters.
 */
struct tp_hot {
	struct rte_mempool *mp;		 /* NULL: no pool of this type */
	struct rte_mempool_cache *cache; /* NULL: pool without caches */
	struct tp_counters c;
	uint8_t slot; /* the row's slot, where its objects come from */
} __rte_cache_aligned;

/*
 * The counters of one lcore (or of the shared row), in the memory of the
 * socket that serves it. An lcore takes objects from its own slot only;
 * the objects of other slots it frees are counted in other[][]. The
 * shared row counts everything in other[][] (its hot[] stays zero).
 */
struct tp_row {
	struct tp_hot hot[LFP_TP_TYPE_MAX];
	struct tp_counters other[][LFP_TP_TYPE_MAX]; /* nb_slots entries */
};

/* Stored in each mempool's private area, so a buffer finds its class. */
struct tp_mp_priv {
	uint8_t slot;
	uint8_t type;
};

/* The pools of one memory socket. */
struct tp_slot {
	int socket_id;
	struct rte_mempool *mp[LFP_TP_TYPE_MAX];
};

struct lfp_tp_pools {
	/* Read by every constructor and free: the caller's row. */
	struct tp_row *rows[TP_NB_ROWS];
	/* Read-mostly, for the slow paths and the control path. */
	struct tp_slot slot[RTE_MAX_NUMA_NODES];
	uint8_t lcore_slot[RTE_MAX_LCORE]; /* slot serving each lcore */
	uint8_t shared_slot;		   /* slot of unregistered threads */
	unsigned int nb_slots;
	void *row_mem[RTE_MAX_NUMA_NODES]; /* the rows of each slot */

	/* Control path. */
	rte_spinlock_t shared_lock; /* shared counter row writers */
	rte_spinlock_t stats_lock;  /* last_* below */
	uint64_t last_tsc;
	uint64_t last_allocs[RTE_MAX_NUMA_NODES][LFP_TP_TYPE_MAX];
	char name[LFP_TP_NAMESIZE];
	char ops_name[RTE_MEMPOOL_OPS_NAMESIZE];
	TAILQ_ENTRY(lfp_tp_pools) next;
};

/* Short type names, used in mempool names and telemetry keys. */
extern const char *const tp_type_names[LFP_TP_TYPE_MAX];

/* Object size of each type. */
extern const uint32_t tp_type_sizes[LFP_TP_TYPE_MAX];

/* Bytes of one row for @nb_slots slots, a whole number of lines. */
static inline size_t
tp_row_size(unsigned int nb_slots)
{
	return RTE_ALIGN_CEIL(sizeof(struct tp_row) +
			nb_slots * sizeof(((struct tp_row *)NULL)->other[0]),
		RTE_CACHE_LINE_SIZE);
}

/*
 * Hand-offs that DPDK orders but ThreadSanitizer cannot see, DPDK not
 * being built with it: what goes through a mempool, and what an lcore
 * launch (rte_eal_remote_launch ... rte_eal_wait_lcore) passes.
 */
#ifdef __SANITIZE_THREAD__
#define TP_TSAN_RELEASE(addr) __tsan_release((void *)(addr))
#define TP_TSAN_ACQUIRE(addr) __tsan_acquire((void *)(addr))
#else
#define TP_TSAN_RELEASE(addr) \
	do { \
	} while (0)
#define TP_TSAN_ACQUIRE(addr) \
	do { \
	} while (0)
#endif

/*
 * rte_mempool_generic_get/put of one object through @cache (NULL: none),
 * with the hand-off made visible to ThreadSanitizer. The mempool orders a
 * put before the get that returns the same object (its ring or driver
 * publishes with release and takes with acquire), but DPDK is not built
 * with TSan, which would then report the previous owner's writes as
 * racing with the next owner's. These annotations state that ordering and
 * compile to nothing in other builds.
 */
static inline int
tp_mp_get_cache(
	struct rte_mempool *mp, struct rte_mempool_cache *cache, void **obj)
{
	int ret = rte_mempool_generic_get(mp, obj, 1, cache);

	if (ret == 0)
		TP_TSAN_ACQUIRE(*obj);
	return ret;
}

static inline void
tp_mp_put_cache(
	struct rte_mempool *mp, struct rte_mempool_cache *cache, void *obj)
{
	TP_TSAN_RELEASE(obj);
	rte_mempool_generic_put(mp, &obj, 1, cache);
}

/* The same through the calling lcore's default cache. */
static inline int
tp_mp_get(struct rte_mempool *mp, void **obj)
{
	return tp_mp_get_cache(
		mp, rte_mempool_default_cache(mp, rte_lcore_id()), obj);
}

static inline void
tp_mp_put(struct rte_mempool *mp, void *obj)
{
	tp_mp_put_cache(mp, rte_mempool_default_cache(mp, rte_lcore_id()), obj);
}

/* Registry of live pools (tp_pools.c), for lookup and telemetry. */
void tp_registry_lock(void);
void tp_registry_unlock(void);
struct lfp_tp_pools *tp_registry_first(void);
struct lfp_tp_pools *tp_registry_next(struct lfp_tp_pools *p);
struct lfp_tp_pools *tp_registry_find(const char *name);

/* Percentage of the resident pages of @mp on @socket_id (tp_stats.c). */
double tp_numa_local_pct(
	const struct rte_mempool *mp, int socket_id, uint64_t *resident);

/* Register the telemetry commands (tp_telemetry.c). */
void tp_telemetry_register(void);

#endif /* TP_PRIVATE_H */
