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
 * One type's counters on one socket slot, in one lcore's row. Written
 * only by that lcore (relaxed stores), read by the statistics with relaxed
 * loads; the shared row is written under shared_lock.
 */
struct tp_counters {
	uint64_t allocs;
	uint64_t frees;
	uint64_t failures;
	int64_t net;  /* allocs - frees made by this row's thread */
	int64_t peak; /* high-water mark of net */
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
	/* Read-mostly part used by every constructor and free. */
	struct tp_slot slot[RTE_MAX_NUMA_NODES];
	uint8_t lcore_slot[RTE_MAX_LCORE]; /* slot serving each lcore */
	uint8_t shared_slot;		   /* slot of unregistered threads */
	unsigned int nb_slots;
	/* Counter row of each lcore (and the shared row), each in the
	 * memory of the socket serving that lcore: nb_slots x TYPE_MAX. */
	struct tp_counters *rows[TP_NB_ROWS];
	void *counter_mem[RTE_MAX_NUMA_NODES]; /* one block per slot */

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

static inline struct tp_counters *
tp_counters_at(const struct lfp_tp_pools *p, unsigned int row,
	unsigned int slot, unsigned int type)
{
	return &p->rows[row][slot * LFP_TP_TYPE_MAX + type];
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
 * rte_mempool_get/put with the hand-off made visible to ThreadSanitizer.
 * The mempool orders a put before the get that returns the same object
 * (its ring or driver publishes with release and takes with acquire), but
 * DPDK is not built with TSan, which would then report the previous
 * owner's writes as racing with the next owner's. These annotations state
 * that ordering and compile to nothing in other builds.
 */
static inline int
tp_mp_get(struct rte_mempool *mp, void **obj)
{
	int ret = rte_mempool_get(mp, obj);

	if (ret == 0)
		TP_TSAN_ACQUIRE(*obj);
	return ret;
}

static inline void
tp_mp_put(struct rte_mempool *mp, void *obj)
{
	TP_TSAN_RELEASE(obj);
	rte_mempool_put(mp, obj);
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
