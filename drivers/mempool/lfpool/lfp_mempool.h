/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The lfpool authors
 */

#ifndef LFP_MEMPOOL_H
#define LFP_MEMPOOL_H

/**
 * @file
 * lfpool: a lock-free mempool driver (ops name "lfpool") with per-lcore
 * magazine caches in front of a common depot, for DPDK 22.11.
 *
 * Use it like any mempool driver: rte_pktmbuf_pool_create_by_ops(...,
 * LFP_MEMPOOL_OPS_NAME), rte_mempool_set_ops_byname(mp, "lfpool", cfg), or
 * EAL's --mbuf-pool-ops-name lfpool with the plug-in loaded by -d.
 *
 * Design
 * ------
 * Objects travel in *magazines*: arrays of up to LFP_MAG_SIZE 32-bit
 * compressed references, ref = (obj - base) >> 3, where base is fixed at the
 * first populate (first chunk minus 16 GiB, floored at 0). Every chunk of a
 * pool must lie in the 32 GiB window [base, base + 32 GiB); populate refuses
 * other chunks with -ERANGE. A full 256-slot magazine costs 16 + 1024 bytes,
 * 4.06 bytes per object, about half the cache traffic of pointer arrays.
 * 256 matches what DPDK's own cache asks of a driver (its size, 256
 * typically, plus the request): one magazine per refill or flush.
 *
 * The depot, shared by every lcore and process, holds
 * - a lock-free stack of FULL magazines (exactly "capacity" objects each),
 * - a lock-free stack of EMPTY magazines,
 * - one exchange-only "partial" slot with at most one partly filled
 *   magazine, taken by an atomic exchange and put back by a CAS from empty;
 *   partial magazines are merged on the way in, so they never pile up.
 *
 * Each lcore with a cache (EAL lcores of the primary at creation, and
 * non-EAL threads registered later with rte_thread_register()) owns a
 * "loaded" and a "previous" magazine (Bonwick's magazine layer): gets and
 * puts hit them with no atomic read-modify-write and no fence; a full or
 * empty magazine is exchanged with the depot only once per capacity
 * objects. Other threads (LCORE_ID_ANY, secondary processes' lcores) work
 * on the depot directly. When a registered thread unregisters, its DPDK
 * mempool cache and its driver cache are flushed to the depot.
 *
 * Reachability: a get that finds the depot short *steals*: it takes the
 * magazines of other lcores' caches whose owners are outside a get or put
 * and gives them to the depot, then tries again. So every object that
 * rte_mempool_avail_count() counts, except those in DPDK's own per-lcore
 * caches, can be obtained by any thread once the others are not inside a
 * get or put, whether the pool has a DPDK cache or not; and after
 * rte_mempool_cache_flush() the flushed objects are obtainable by all.
 * An owner found inside a call is asked to hand its objects over: it reads
 * the request as that call ends, or while it waits inside a get of its own
 * (two lcores starving at once would otherwise wait for each other), and
 * gives its magazines to the depot; the starving get waits up to
 * LFPOOL_STEAL_WAIT_US (20 ms, a few time slices of a loaded scheduler, so
 * that an owner preempted in its call runs again) for them before it returns
 * -ENOBUFS, stealing again after 20, 40, 80 ... us. It waits too when no
 * owner was inside a call but the objects are not in the depot yet (a
 * magazine another thread held for an instant, an owner whose busy flipped):
 * it fails at once only when the depot and the caches it can steal from seem
 * to hold less than it needs, and stops waiting when two looks in a row find
 * too little (the objects went to other gets). An owner may read the request
 * just before it is made and leave without handing over (its load of want is
 * not fenced against the thief's store), and its cache is then idle. Objects
 * in the cache of an owner stopped *inside* a call stay out of reach until
 * it resumes: they are in flight, as in any driver. A process where
 * membarrier(2) is refused can steal only from fence-mode caches, so a
 * secondary under such a seccomp profile does not reach the primary's
 * caches.
 *
 * The steal protocol is an asymmetric Dekker pair (liburcu's memb flavour
 * and folly's asymmetric fences rest on the same pairing):
 *
 *   owner, each call (cache_enter/leave)  thief (lfpool_steal)
 *   ------------------------------------  -----------------------------
 *   [O1] busy = 1            (relaxed)     [T1] steal += 1 (relaxed RMW)
 *   [O2] compiler barrier, or full fence   [T2] full fence, then
 *        in fence mode; pairs with [T2]         membarrier(); pairs with
 *   [O3] load steal          (acquire,          [O2]
 *        pairs with [T5]); if not 0:       [T3] load busy (acquire, pairs
 *        leave, serve the call from the         with [O5]); if set: skip
 *        depot                             [T4] per slot: CAS it to NULL,
 *   [O4] the call, plain accesses; a get        take its magazine, store
 *        that waits for objects hands the       an empty one (release);
 *        cache over when it sees want           if busy: set want
 *   [O5] if want: hand the cache over      [T5] steal -= 1 (release RMW)
 *        busy = 0            (release)
 *
 * Thieves exclude each other slot by slot ([T4]), so a thief stopped
 * in the middle holds up at most the one magazine it is taking, and an
 * owner that finds thieves inside serves its call from the depot: no
 * side ever waits for the other.
 *
 * membarrier(MEMBARRIER_CMD_PRIVATE_EXPEDITED) when every marked owner
 * is in the thief's process, else MEMBARRIER_CMD_GLOBAL_EXPEDITED, which
 * every process using lfpool registers at its first pool. At [T2] the
 * kernel runs a full fence on every CPU running an owner, so either [O3]
 * sees the mark or [T3] sees busy. Where membarrier(2) is refused (seccomp,
 * old kernels), the process's caches are in fence mode, logged once: [O2]
 * is a full fence, which [T2]'s own fence pairs with; a thief without
 * membarrier steals only from fence-mode caches. The owner reads its mode
 * in steal itself: a fence-mode cache keeps steal's top bit set, so its
 * [O3] never reads 0, and the owner then fences and loads steal again,
 * which decides; a membarrier-mode hit loads nothing but steal. A hit
 * thus costs two stores and a load on the cache's own line; the price is
 * paid on the starvation path: one membarrier per steal of any number of
 * caches, and none when the depot and every cache together could not make
 * the get.
 *
 * Counts: each cache (and the shared slot of cacheless threads) counts
 * the objects that left and entered the driver. get_count is puts less
 * gets, every put counter read (acquire) before any get counter; a put
 * counter is stored with release after the get that handed the object
 * out was counted, so no object is counted twice, not even for an
 * instant, and the count never exceeds the pool's size. It is exact when
 * no get or put runs, and an object moving between a cache and the depot
 * (a magazine exchange, a steal) changes no counter. A put is counted
 * after the owner leaves its cache ([O5]): an object counted can be
 * taken at once, which DPDK's own tests rely on (they get everything
 * avail_count counts the moment the count is right).
 *
 * Processes: threads of processes other than the pool's creator (the
 * primary) have no driver cache; each records, in the pool's shared
 * memory, what it holds in flight: a chain of magazines gathered for a
 * get, the one or two magazines of a put or merge, a cache slot it
 * emptied while stealing and the caches whose steal count it raised. The
 * process is named by its pid and start time. When it is gone (exited,
 * killed, even with SIGKILL), any process adopts its records
 * (lfp_mempool_reclaim(), also run when records run short and when a
 * cacheless get fails): slots are refilled, magazines go back to the
 * depot, steal counts drop, and what it took and did not return is
 * counted as lost_to_dead_processes and logged. Publication is one
 * relaxed store kept in program order by compiler (signal) fences,
 * since the adopter reads only once the owner is dead: a magazine is in
 * one place (the depot, a slot, one record field) at every instruction
 * but between its pop and its publication, or its unpublication and its
 * push, the window a kill loses uncounted. Counters move so that a kill
 * errs low: a put is counted before its objects are in the magazine, a
 * get after they are out. A record's owner word is claimed by CAS
 * (acquire, pairs with the release that frees it) and adopted by CAS to
 * ADOPTING (acquire: the dead owner's stores are read after it).
 *
 * ABA: a stack head is {pointer, version}, replaced by a 16-byte CAS; the
 * version holds a 40-bit tag bumped by every successful CAS and the 24-bit
 * depth. Magazines are allocated on the control path only (alloc, each
 * populated chunk, a cache's first registration), kept until the pool is
 * freed and never returned to the heap before: a popper that reads the
 * link of a magazine popped meanwhile reads a magazine, and the tag makes
 * its CAS fail. The tag wraps after 2^40 successful CAS on one stack:
 * about 18 minutes at 10^9 CAS/s, 15 hours at 2 * 10^7 CAS/s (a 16-byte
 * CAS that another core contends costs tens of ns). A popper's stale
 * {pointer, version} matches the head falsely only if, between its read
 * and its CAS (one stall between two instructions, e.g. a process
 * stopped by SIGSTOP), the stack saw a whole multiple of 2^40 CAS *and*
 * the same magazine is on top at the same depth at that instant: a stall
 * of 15 hours or more, then a coincidence of about one in 2^40 on the
 * tag alone. Creation fails with -ENOTSUP where 16-byte CAS is missing.
 *
 * Progress: get, put and get_count are lock-free and call neither the
 * heap (rte_malloc/rte_free take DPDK's heap lock, shared by every
 * process) nor anything else that locks: a thread stalled anywhere never
 * stops the others; a failed CAS means another thread's CAS succeeded.
 * The one exception: a put needs an empty magazine, and the depot keeps
 * spare_target of them beyond what the pool's objects and caches can
 * fill; a put that finds none (more threads than that stalled while each
 * holds one) waits for one with rte_pause(). Populate, free and thread
 * registration are control-path calls and may use the heap.
 *
 * Limits and documented behaviours
 * - get is all-or-nothing: when the caller's cache, the depot and what a
 *   steal can take hold fewer than n objects, the magazines taken are
 *   given back, the object table is left untouched (DPDK's mempool cache
 *   relies on it) and -ENOBUFS is returned. Objects moving through
 *   another thread's get/put at that instant are not reachable, so a
 *   nearly empty pool may refuse a get that would fit.
 * - An lcore id must not be used by two processes at once (DPDK's rule for
 *   mempool caches); lcores of a secondary process never use a driver cache.
 *   The DPDK mempool cache of a dead secondary's lcore is not flushed by
 *   adoption (another process may use that lcore id by then): its objects
 *   are part of the count lost_to_dead_processes. A secondary that exits
 *   normally flushes its own with lfp_mempool_process_release().
 * - A pool records 32 threads of other processes at a time (4 KiB; records
 *   of gone processes are adopted when they run short), and a thread at
 *   most 16 pools; beyond that, calls go unrecorded (logged once), and a
 *   kill may lose what they hold in flight.
 * - Pools of more than 2^24 magazines (about 10^9 objects) are refused.
 * - A registered thread must call rte_thread_unregister() before it exits:
 *   that is when its caches are flushed. Until then its objects stay
 *   reachable through steals.
 * - Later chunks of a pool must lie within 16 GiB of its first one (the
 *   window); populate returns -ERANGE otherwise, e.g. for memory mapped
 *   far from DPDK's heap.
 *
 * Synchronization (liburcu style; "-": may run concurrently with anything,
 * including the same call on other threads and processes; "owner": only the
 * thread that owns the lcore id, "ctl": control path, not concurrent with
 * itself on the same pool):
 *
 *   operation                              | concurrency
 *   ---------------------------------------+------------------------------
 *   dequeue/enqueue (rte_mempool_get/put)  | -   (cached path: owner)
 *   steal (inside a dequeue)               | -   (thieves: one per slot)
 *   get_count (rte_mempool_avail_count)    | -
 *   lfp_mempool_stats_get, telemetry       | -
 *   populate                               | ctl, concurrent with get/put
 *   alloc, free                            | ctl, no other user of the pool
 *   lcore init/uninit callbacks (EAL)      | owner (serialised by EAL),
 *                                          | concurrent with get/put
 *   lfp_mempool_reclaim (adoption)         | -   (one adopter per dead
 *                                          | process's record, by CAS)
 *   lfp_mempool_process_release            | -   for other processes; no
 *                                          | get/put of its own process
 *   lfp_mempool_set_test_hook              | -   (test only)
 */

#include <stdint.h>

#include <rte_common.h>
#include <rte_mempool.h>

#ifdef __cplusplus
extern "C" {
#endif

/** Name of the driver's ops, for rte_mempool_set_ops_byname() & co. */
#define LFP_MEMPOOL_OPS_NAME "lfpool"

/** Largest magazine capacity (objects per magazine, and per depot batch). */
#define LFP_MAG_SIZE 256

/**
 * Optional settings, passed as the pool_config argument of
 * rte_mempool_set_ops_byname(). The driver reads them when the pool is
 * allocated, which DPDK does at the first populate: the structure must stay
 * valid until then. A NULL pool_config selects the defaults.
 */
struct lfp_mempool_config {
	/**
	 * Objects per magazine, 1 to LFP_MAG_SIZE; 0 picks the largest power
	 * of two <= size / (4 * lcores), capped at LFP_MAG_SIZE. A request
	 * with 2 * mag_size * lcores > size is refused (-EINVAL): the caches
	 * alone could hold the whole pool.
	 */
	uint32_t mag_size;
	/**
	 * Empty magazines the depot reserves beyond those the objects and
	 * the caches can fill, for puts that find them all held by other
	 * threads for an instant; 0 means 2 per cache + 8.
	 */
	uint32_t spare_target;
};

/**
 * Counters of one lcore, of the shared slot used by threads without a
 * cache, or their total. Counters are monotonic; the last eight fields are
 * pool-wide values filled in the total only (zero per lcore).
 */
struct lfp_mempool_stats {
	uint64_t get_bulk;	/**< Successful dequeue calls. */
	uint64_t get_objs;	/**< Objects returned by them. */
	uint64_t put_bulk;	/**< Enqueue calls. */
	uint64_t put_objs;	/**< Objects enqueued. */
	uint64_t get_fail_bulk; /**< Dequeue calls that returned -ENOBUFS. */
	uint64_t get_fail_objs; /**< Objects asked for by those calls. */
	/**
	 * Cached calls served by the lcore alone: the lcore's calls less its
	 * cache_misses, derived when read (not counted on the fast path).
	 */
	uint64_t cache_hits;
	uint64_t cache_misses; /**< Cached calls that reached the depot. */
	uint64_t depot_gets;   /**< Magazines taken from the depot. */
	uint64_t depot_puts;   /**< Magazines given to the depot. */
	/** Caches whose objects a get of this thread took (a steal). */
	uint64_t steals;
	/**
	 * Caches marked for a steal but left alone: their owner was inside
	 * a call, or no empty magazine could replace theirs.
	 */
	uint64_t steal_fails;
	uint64_t stolen_objs; /**< Objects moved to the depot by steals. */
	/**
	 * Calls of this lcore that handed its cache to the depot, asked by a
	 * thief that found it inside the call (as the call ended, or while
	 * the call waited for objects itself).
	 */
	uint64_t hand_overs;
	uint64_t membarriers; /**< membarrier(2) calls issued by steals. */
	/* Pool-wide values, in the total only. */
	uint64_t populated; /**< Objects populated so far. */
	/** rte_mempool_avail_count(): the driver's and DPDK's caches. */
	uint64_t avail;
	uint64_t in_use; /**< populated - avail (0 if negative). */
	/**
	 * Largest (populated - objects in the depot) seen when a cache or a
	 * cacheless get refilled from the depot. It counts objects held by the
	 * application and by the per-lcore caches, sampled once per magazine
	 * taken: an upper bound of the application's peak at those instants,
	 * which can miss a peak reached between two samples.
	 */
	uint64_t peak_in_use;
	uint64_t magazines;	 /**< Magazines reserved so far. */
	uint64_t metadata_bytes; /**< Driver memory: pool, caches, magazines. */
	/**
	 * Objects that processes gone since (exited or killed) took out of
	 * the pool and did not return, counted when another process adopts
	 * their records: each such process's gets less its puts (so objects
	 * it got from another process's puts lower it), plus nothing of what
	 * it held in flight, which adoption gives back. A kill in the window
	 * between two instructions around a magazine's pop or push loses
	 * that magazine's objects uncounted (see lfp_mempool_reclaim()).
	 */
	uint64_t lost_to_dead_processes;
	/** Records of threads of other processes than the creator in use. */
	uint64_t records_in_use;
};

/**
 * Read a pool's statistics. Lock-free; counters are read with relaxed loads
 * while other lcores may be updating them, so the total is a snapshot of
 * monotonic counters, not an atomic one.
 *
 * @param mp
 *   A pool using LFP_MEMPOOL_OPS_NAME.
 * @param[out] total
 *   Sum over every lcore and the shared slot, plus the pool-wide values.
 *   May be NULL.
 * @param[out] per_lcore
 *   NULL, or an array of RTE_MAX_LCORE entries: entry i gets lcore i's
 *   counters, summed over every thread that held lcore id i (zero for
 *   lcores that never had a cache).
 * @return
 *   0 on success, or a negative errno, also in rte_errno:
 *   - -EINVAL - NULL mp, or mp does not use the lfpool driver.
 */
int lfp_mempool_stats_get(const struct rte_mempool *mp,
	struct lfp_mempool_stats *total, struct lfp_mempool_stats *per_lcore);

/**
 * Adopt the records of processes that are gone: every thread of a process
 * other than the pool's creator (a secondary) records what it holds in
 * flight in the pool's shared memory, and a process that finds the owner
 * of a record dead (exited, killed, or its pid reused) gives those objects
 * back to the pool and frees the record. The driver does this by itself
 * when a thread finds every record taken and when a cacheless get fails;
 * a monitor may call this after it saw a secondary die. Each adopted
 * process is logged (WARNING) with the objects it took along, which
 * lost_to_dead_processes counts. Not lock-free (it reads /proc); never
 * blocks a get or put.
 *
 * What a kill can lose uncounted: the objects of one magazine, when the
 * process is killed within the few instructions between a magazine's pop
 * and its publication, or between its unpublication and its push.
 *
 * @param mp
 *   A pool using LFP_MEMPOOL_OPS_NAME.
 * @return
 *   Records adopted (>= 0), or -EINVAL (also in rte_errno) when mp is not
 *   an lfpool pool or is not populated yet.
 */
int lfp_mempool_reclaim(struct rte_mempool *mp);

/**
 * Give back what this process holds in every lfpool pool, for a process
 * that is done with them: the DPDK mempool caches of its lcores (its EAL
 * lcores and registered threads) are flushed into the pools, and the
 * records of its threads are released as adoption would release them
 * once it is gone, what it took and did not return being counted in
 * lost_to_dead_processes (a WARNING when any). A secondary calls it before
 * rte_eal_cleanup(): exit handlers run after it, when the pools' memory is
 * unmapped, and DPDK has no hook before. Without it, the records wait for
 * adoption, and the objects in its lcores' DPDK caches stay there until a
 * process runs those lcore ids again.
 *
 * Call it when no other thread of this process is inside a get or put on
 * an lfpool pool or will enter one before the call returns (their lcore
 * caches are flushed by this thread): stop service lcores first. The
 * caches flushed are those of every lcore id this process has enabled or
 * registered, so none of them may be run by another process meanwhile (as
 * DPDK's multi-process rules ask anyway). A thread of this process that
 * calls the driver after it returns (ordered after it, by the
 * application) claims a new record; one that exits leaves no record. Not
 * lock-free (it walks the mempool list); never blocks another process's
 * get or put.
 *
 * @return
 *   Records released (>= 0).
 */
int lfp_mempool_process_release(void);

/**
 * Test hook: called inside the depot's stack pop, after the head is read
 * and before its successor is read and the CAS that unlinks it: a test can
 * stall a thread there while others pop and push magazines.
 *
 * @param mp
 *   Pool being popped.
 * @param arg
 *   The argument given to lfp_mempool_set_test_hook().
 */
typedef void (*lfp_mempool_test_hook_t)(
	const struct rte_mempool *mp, void *arg);

/**
 * @warning For tests only: lets a test stop a thread in the middle of a
 * depot pop (the preemption test). Per process; NULL removes the hook. The
 * hook only runs on slow paths (a magazine exchange), never on a cache hit.
 */
void lfp_mempool_set_test_hook(lfp_mempool_test_hook_t fn, void *arg);

#ifdef __cplusplus
}
#endif

#endif /* LFP_MEMPOOL_H */
