/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The lfpool authors
 */

#ifndef LFPOOL_PRIVATE_H
#define LFPOOL_PRIVATE_H

/*
 * Internals of the lfpool mempool driver, shared by its .c files and by the
 * white-box tests. Not installed.
 *
 * Everything reachable from mp->pool_data lives in DPDK shared memory
 * (rte_zmalloc_socket on the pool's socket), at the same address in every
 * process. Per process are only: the pid, whether membarrier(2) serves
 * this process (lfpool_steal.c) and the test hook.
 */

#include <assert.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include <rte_branch_prediction.h>
#include <rte_common.h>
#include <rte_lcore.h>
#include <rte_log.h>
#include <rte_mempool.h>

#include "lfp_config.h"
#include "lfp_eal_tls.h"
#include "lfp_mempool.h"

extern int lfpool_logtype;
#define LFPOOL_LOG(level, fmt, ...) \
	rte_log(RTE_LOG_##level, lfpool_logtype, "%s(): " fmt "\n", __func__, \
		##__VA_ARGS__)

/* --- Compressed object references --- */

/* Objects are 8-byte aligned, so a reference drops the 3 low bits. */
#define LFPOOL_REF_SHIFT 3
/* 2^32 references of 8 bytes: a 32 GiB window. */
#define LFPOOL_WINDOW_SIZE (UINT64_C(1) << (32 + LFPOOL_REF_SHIFT))

/* Reference of an object inside the window starting at base. */
static inline uint32_t
lfpool_ref(uintptr_t base, const void *obj)
{
	return (uint32_t)(((uintptr_t)obj - base) >> LFPOOL_REF_SHIFT);
}

/* Object of a reference. */
static inline void *
lfpool_obj(uintptr_t base, uint32_t ref)
{
	return (void *)(base + ((uintptr_t)ref << LFPOOL_REF_SHIFT));
}

/*
 * Window base for a pool whose first chunk starts at vaddr: centred on it,
 * so later chunks may lie up to 16 GiB below or above.
 */
static inline uintptr_t
lfpool_window_base(uintptr_t vaddr)
{
	uintptr_t half = (uintptr_t)(LFPOOL_WINDOW_SIZE / 2);
	uintptr_t base = vaddr > half ? vaddr - half : 0;

	return RTE_ALIGN_FLOOR(base, (uintptr_t)1 << LFPOOL_REF_SHIFT);
}

/*
 * Can a chunk [vaddr, vaddr + len) hold objects of this pool? Every object
 * (vaddr + k * total_size + header_size, or page-aligned offsets of it)
 * must be 8-byte aligned and inside the window.
 * Returns 0, -ERANGE (outside the window) or -EINVAL (misaligned).
 */
static inline int
lfpool_chunk_check(uintptr_t base, uintptr_t vaddr, size_t len,
	size_t header_size, size_t total_size)
{
	uintptr_t mask = ((uintptr_t)1 << LFPOOL_REF_SHIFT) - 1;

	if ((vaddr & mask) != 0 || (header_size & mask) != 0 ||
		(total_size & mask) != 0)
		return -EINVAL;
	if (vaddr < base || len > LFPOOL_WINDOW_SIZE ||
		vaddr - base > LFPOOL_WINDOW_SIZE - len)
		return -ERANGE;
	return 0;
}

/* --- Magazines --- */

/*
 * A magazine. Only its owner (the thread that popped, took or allocated it)
 * reads or writes count and slots; ownership passes through the release CAS
 * that pushes it and the acquire CAS/exchange that takes it.
 */
struct lfpool_mag {
	/*
	 * Link in the full or empty stack. Written by the pusher before its
	 * release CAS, read by concurrent poppers (atomic relaxed on both
	 * sides: a stale popper reads it while the owner may rewrite it).
	 */
	struct lfpool_mag *next;
	uint32_t count; /* Objects in slots[0, count). */
	uint32_t pad;
	/* Compressed references, LIFO: slots[count - 1] is the hottest. */
	uint32_t slots[];
};

/*
 * A run of magazines allocated together on the control path (alloc,
 * populate, a cache's first registration). Magazines are never freed
 * while the pool lives, so a stale popper always reads a magazine.
 */
struct lfpool_slab {
	struct lfpool_slab *next; /* Control path only (populate, free). */
	uint32_t nb_mags;
	uint32_t pad;
	/* Magazines follow, pool->mag_bytes each. */
};

/* --- Depot --- */

/*
 * Lock-free stack head, replaced as a whole by a 16-byte CAS and read as
 * two 8-byte loads (a torn pair makes the CAS fail).
 * ver = tag << LFPOOL_DEPTH_BITS | depth: every successful CAS adds
 * LFPOOL_TAG_ONE to the tag and +1/-1 to the depth, in one addition.
 */
#define LFPOOL_DEPTH_BITS 24
#define LFPOOL_DEPTH_MASK ((UINT64_C(1) << LFPOOL_DEPTH_BITS) - 1)
#define LFPOOL_TAG_ONE (UINT64_C(1) << LFPOOL_DEPTH_BITS)
/* Magazines a pool may have at most, so that a depth never overflows. */
#define LFPOOL_MAX_MAGS (LFPOOL_DEPTH_MASK - RTE_MAX_LCORE * 4)

union lfpool_head {
	unsigned __int128 raw;
	struct {
		struct lfpool_mag *ptr;
		uint64_t ver;
	};
} __rte_aligned(16);

/* The partial slot: {magazine, its count}, exchanged as a whole. */
union lfpool_partial {
	unsigned __int128 raw;
	struct {
		struct lfpool_mag *ptr;
		uint64_t count;
	};
} __rte_aligned(16);

/* --- Per-lcore caches --- */

/*
 * An lcore's cache. Its magazines and counts are written by the thread
 * owning the lcore id, and by a thief that steals them while the owner is
 * outside an operation (lfpool_steal.c); owner is set by the init
 * callback and cleared by uninit. Read by statistics from any thread.
 * Kept, once allocated, until the pool is freed (a later thread with the
 * same lcore id reuses it): readers never race with its release.
 *
 * Steal protocol (asymmetric Dekker, see lfp_mempool.h): the owner stores
 * busy = 1, orders it before its load of steal with a compiler barrier
 * (membarrier mode) or a full fence (fence mode), and takes the cache only
 * if no thief is counted in steal; a thief increments steal, issues the
 * heavy fence, and takes magazines only if busy is 0, else sets want, and
 * the owner hands its objects to the depot as that call ends. Thieves
 * exclude each other slot by slot: a CAS of loaded (or previous) to NULL
 * makes the magazine one thief's, so a thief stopped mid-steal holds up
 * one magazine, not the cache.
 *
 * A cache hit reads and writes the first cache line only: the fields up to
 * st and the four call counters that open st (see LFPOOL_CACHE_HOT_END);
 * previous and prev_count serve the slow paths only. busy has a 4-byte
 * word to itself: with busy and steal in one word, the load of steal
 * right after the store of busy drew a third of a hit's samples in
 * perf (AMD EPYC VM, 2026-12-03), as if it waited for that store; in
 * words of their own it draws a few per cent.
 */
struct lfpool_cache {
	struct lfpool_mag *loaded; /* Owner, or thieves by CAS. */
	uint32_t loaded_count;	   /* Same writers, relaxed loads. */
	/* lfpool_token of the owner's process, 0 while nobody owns it. */
	uint32_t owner;
	uint8_t busy; /* Owner: 1 inside an operation on the cache. */
	uint8_t busy_pad[3];
	uint8_t want; /* Thief: hand the objects over as the call ends. */
	uint8_t want_pad;
	/* Thieves inside the cache (atomic RMW), | LFPOOL_STEAL_FENCED. */
	uint16_t steal;
	/*
	 * Owner's counters: relaxed stores by the owner (get_objs and
	 * put_objs: release, get_count reads them), relaxed loads.
	 * cache_hits stays 0 here: readers derive it (lfpool_stats.c).
	 */
	struct lfp_mempool_stats st;
	struct lfpool_mag *previous; /* As loaded; full or empty. */
	uint32_t prev_count;	     /* 0 or capacity; as loaded_count. */
	uint32_t lcore_id;
	/* The owner's process has no membarrier (thieves read this). */
	uint8_t fenced;
} __rte_cache_aligned;

/*
 * steal's top bit, set with fenced: the owner's copy of its mode. A hit
 * in membarrier mode is a steal of 0; a cache in fence mode never reads
 * 0 there, so its owner takes the fenced way (cache_enter_slow()) with
 * no load of the mode on the hit path. Thieves count below it.
 */
#define LFPOOL_STEAL_FENCED UINT16_C(0x8000)

/* Store of a count that statistics read (owner, or thief under steal). */
static inline void
lfpool_set_count(uint32_t *count, uint32_t v)
{
	/* Relaxed: read by statistics as a snapshot; orders nothing. */
	__atomic_store_n(count, v, __ATOMIC_RELAXED);
}

/* End of what a cache hit touches: the cache's fields up to st.put_objs. */
#define LFPOOL_CACHE_HOT_END \
	(offsetof(struct lfpool_cache, st) + \
		offsetof(struct lfp_mempool_stats, put_objs) + \
		sizeof(uint64_t))
static_assert(LFPOOL_CACHE_HOT_END <= RTE_CACHE_LINE_SIZE,
	"a cache hit must touch one cache line of its lfpool_cache");
static_assert(offsetof(struct lfpool_cache, busy) / 4 !=
			offsetof(struct lfpool_cache, steal) / 4 &&
		offsetof(struct lfpool_cache, busy) / 4 !=
			offsetof(struct lfpool_cache, want) / 4,
	"busy must have a 4-byte word of its own (see lfpool_cache)");

/* --- Records of threads of other processes --- */

/*
 * What a thread of a process other than the pool's creator holds in
 * flight, so that the pool gets it back if that process dies (SIGKILL
 * included): a process that finds the owner gone adopts the record
 * (lfpool_rec.c). The creator's threads have none: the pool dies with it.
 *
 * Only the owner writes a claimed record, with relaxed stores that
 * lfpool_rec_publish() keeps in program order in the compiled code (a
 * kill lands between two instructions); the adopter reads it once the
 * owner is dead, so every store made before the kill is visible to it.
 * A magazine is never in the depot or a cache slot and a record field at
 * once, except while steal_slot names that slot (the adopter then leaves
 * what the slot holds); it may be in two fields of one record (chain and
 * held[1] while a gathered magazine is linked, chain and held[0] while it
 * is given back), which the adopter gives back once. Between a pop and
 * its publication, and between an unpublication and the push that
 * follows, it is in none: what a kill there loses is the documented
 * window.
 */
#define LFPOOL_NB_RECS 32
/*
 * Owner word: start time (low 32 bits) << 32 | flags | pid (pids stay
 * below 2^22). PARKED: its thread exited, the next thread of the same
 * process takes it over, counters and all; ADOPTING: the process named
 * is the adopter, at work on a dead owner's record.
 */
#define LFPOOL_REC_PARKED (UINT64_C(1) << 31)
#define LFPOOL_REC_ADOPTING (UINT64_C(1) << 30)
#define LFPOOL_REC_FLAGS (LFPOOL_REC_PARKED | LFPOOL_REC_ADOPTING)

struct lfpool_rec {
	/* 0 (free) or an owner word (see above), changed by CAS. */
	uint64_t owner;
	/* Magazines gathered for a get, linked through next. */
	struct lfpool_mag *chain;
	/* Magazines of a put or a merge (held[0]: also a stolen one). */
	struct lfpool_mag *held[2];
	/* A cache slot this thread emptied by CAS, not refilled yet. */
	struct lfpool_mag **steal_slot;
	uint32_t *steal_count;		/* That slot's count. */
	struct lfpool_mag *steal_empty; /* Its replacement, popped. */
	/* Caches whose steal count holds an increment of this thread. */
	uint64_t entered[RTE_MAX_LCORE / 64];
	/* Objects this thread took out of magazines and put into them. */
	uint64_t got;
	uint64_t put;
} __rte_cache_aligned;

/* --- Pool --- */

/* lfpool.magic of a live pool: "LFPOOL23" read as a little-endian word. */
#define LFPOOL_MAGIC UINT64_C(0x3332204c4f4f5046)

struct lfpool {
	/* Set by alloc (base: first populate), read-only afterwards. */
	uint64_t magic; /* LFPOOL_MAGIC: tells another driver's data apart. */
	struct rte_mempool *mp;
	uintptr_t base;	       /* Window base of compressed references. */
	uint32_t cap;	       /* Objects per magazine. */
	uint32_t mag_bytes;    /* Bytes per magazine. */
	uint32_t spare_target; /* Empty magazines reserved beyond need. */
	int socket_id;
	uint32_t base_set; /* 1 once base is fixed (first populate). */
	/* Identity of this pool's life, for the creator's lcore callbacks. */
	uint64_t gen;
	/* lfpool_token of the creating process, which owns every cache. */
	uint32_t creator;
	struct lfpool_slab *slabs; /* Control path only. */

	/* Depot: each head on its own cache line. */
	union lfpool_head full __rte_cache_aligned;
	union lfpool_head empty __rte_cache_aligned;
	union lfpool_partial partial __rte_cache_aligned;

	/* Pool-wide slow-path counters: atomic RMW, relaxed. */
	uint64_t populated __rte_cache_aligned;
	uint64_t peak_in_use;
	uint64_t magazines;
	uint64_t metadata_bytes;

	/* Counters of threads without a cache: shared, atomic RMW. */
	struct lfp_mempool_stats uncached __rte_cache_aligned;

	/* Caches by lcore id; NULL where none was ever allocated. */
	struct lfpool_cache *caches[RTE_MAX_LCORE] __rte_cache_aligned;

	/* Objects dead processes took with them (atomic RMW, relaxed). */
	uint64_t lost_to_dead __rte_cache_aligned;
	/* Records of other processes' threads. */
	struct lfpool_rec recs[LFPOOL_NB_RECS];
};

/*
 * Where a get/put runs: the pool, the counters it updates and whether
 * other threads update the same counters.
 */
struct lfpool_ctx {
	struct lfpool *pool;
	struct lfp_mempool_stats *st;
	bool shared;
	/* The calling thread's record; NULL in the creator's process. */
	struct lfpool_rec *rec;
};

/*
 * Publish v in a field of the caller's record (no-op without one). The
 * signal fences keep the store between the code before and after it in
 * program order as compiled: what a kill interrupts is what the adopter
 * reads. Relaxed: the adopter reads only once the owner is dead.
 */
#define LFPOOL_REC_SET(ctx, field, v) \
	do { \
		if ((ctx)->rec != NULL) { \
			__atomic_signal_fence(__ATOMIC_SEQ_CST); \
			__atomic_store_n( \
				&(ctx)->rec->field, (v), __ATOMIC_RELAXED); \
			__atomic_signal_fence(__ATOMIC_SEQ_CST); \
		} \
	} while (0)

/* Address of a magazine field of the caller's record, or NULL. */
#define LFPOOL_REC_FIELD(ctx, field) \
	((ctx)->rec != NULL ? &(ctx)->rec->field : NULL)

/* Store m at a record field (nothing if pub is NULL): LFPOOL_REC_SET(). */
static inline void
lfpool_rec_pub(struct lfpool_mag **pub, struct lfpool_mag *m)
{
	if (pub == NULL)
		return;
	__atomic_signal_fence(__ATOMIC_SEQ_CST);
	/* Relaxed: as in LFPOOL_REC_SET(). */
	__atomic_store_n(pub, m, __ATOMIC_RELAXED);
	__atomic_signal_fence(__ATOMIC_SEQ_CST);
}

/* Count n objects moved by the caller (record only), in program order. */
#define LFPOOL_REC_COUNT(ctx, field, n) \
	LFPOOL_REC_SET(ctx, field, (ctx)->rec->field + (n))

/*
 * Compress n objects into m->slots[pos, pos + n). A single object, the
 * usual call of an lcore that allocates one message at a time, skips the
 * loop and its set-up (vectorised for bulks).
 */
static inline void
lfpool_copy_in(const struct lfpool *pool, struct lfpool_mag *m, uint32_t pos,
	void *const *objs, uint32_t n)
{
	uint32_t *slot = &m->slots[pos];
	uintptr_t base = pool->base;
	uint32_t i;

	if (likely(n == 1)) {
		slot[0] = lfpool_ref(base, objs[0]);
		return;
	}
	for (i = 0; i < n; i++)
		slot[i] = lfpool_ref(base, objs[i]);
}

/* Take n objects off a magazine holding pos, hottest (top) first. */
static inline void
lfpool_copy_out(const struct lfpool *pool, const struct lfpool_mag *m,
	uint32_t pos, void **objs, uint32_t n)
{
	const uint32_t *top = &m->slots[pos];
	uintptr_t base = pool->base;
	uint32_t i;

	if (likely(n == 1)) {
		objs[0] = lfpool_obj(base, top[-1]);
		return;
	}
	for (i = 0; i < n; i++)
		objs[i] = lfpool_obj(base, top[-1 - (int32_t)i]);
}

/*
 * Driver memory (shared, on the pool's socket, cache aligned). In
 * ThreadSanitizer builds the wrappers show it the ordering DPDK's heap lock
 * gives (a block freed, and cleared, by one thread before another gets it).
 */
void *lfpool_mem_alloc(const char *what, size_t size, int socket_id);
void lfpool_mem_free(void *ptr);

/* This process's random identity, compared with lfpool_cache.owner. */
extern uint32_t lfpool_token;

/*
 * Counter update: no RMW for a single writer (a store of the new value
 * keeps readers untorn), an atomic RMW when threads share the slot.
 */
static inline void
lfpool_counter_add_(uint64_t *c, bool shared, uint64_t n, int order)
{
	if (shared)
		/* Order: the caller's (see below); several writers. */
		__atomic_fetch_add(c, n, order);
	else
		/* Order: the caller's; a single writer. */
		__atomic_store_n(c, *c + n, order);
}

/*
 * get_objs and put_objs: always counted, get_count derives from them.
 * Release: get_count reads every put_objs (acquire) before any get_objs,
 * and this store orders the counts a thread made before it (its own
 * get_objs, or the get that handed it the object) before it; so a reader
 * that sees a put also sees the get it returns, and never counts an
 * object twice. A cached put is counted after its owner leaves the cache,
 * so a thief may take and count the object first: get_count is then low
 * for an instant (clamped at 0), never high. Plain stores on x86,
 * store-release on arm64.
 */
#define LFPOOL_COUNT_OBJS(ctx, field, n) \
	lfpool_counter_add_( \
		&(ctx)->st->field, (ctx)->shared, (n), __ATOMIC_RELEASE)
#define LFPOOL_OWNER_COUNT_OBJS(c, field, n) \
	lfpool_counter_add_(&(c)->st.field, false, (n), __ATOMIC_RELEASE)

/*
 * The other counters: statistics only, compiled out with -Dstats=false.
 * Relaxed: a counter orders nothing.
 */
#if LFP_STATS
#define LFPOOL_STAT_ADD(ctx, field, n) \
	lfpool_counter_add_( \
		&(ctx)->st->field, (ctx)->shared, (n), __ATOMIC_RELAXED)
/* The owner of cache c counts on its own counters. */
#define LFPOOL_OWNER_STAT_ADD(c, field, n) \
	lfpool_counter_add_(&(c)->st.field, false, (n), __ATOMIC_RELAXED)
#else
/* The context stays used: some functions take it for counters only. */
#define LFPOOL_STAT_ADD(ctx, field, n) RTE_SET_USED(ctx)
#define LFPOOL_OWNER_STAT_ADD(c, field, n) RTE_SET_USED(c)
#endif

/* lfpool_depot.c: magazines, stacks, partial slot, cacheless paths. */
/*
 * pub: NULL, or the caller's record field that holds the magazine while
 * it is private: a pop stores the magazine there right after the CAS that
 * takes it, a push clears it right before each CAS attempt (and stores it
 * again when the CAS fails), so that a kill loses the magazine only
 * between the CAS and the store next to it.
 */
struct lfpool_mag *lfpool_stack_pop(union lfpool_head *head,
	const struct lfpool *pool, struct lfpool_mag **pub);
void lfpool_stack_push(
	union lfpool_head *head, struct lfpool_mag *m, struct lfpool_mag **pub);
uint32_t lfpool_stack_depth(const union lfpool_head *head);
struct lfpool_mag *lfpool_partial_take(
	struct lfpool *pool, struct lfpool_mag **pub);
uint32_t lfpool_partial_count(const struct lfpool *pool);
struct lfpool_mag *lfpool_mag_get_empty(
	struct lfpool *pool, struct lfpool_mag **pub);
void lfpool_mag_put(struct lfpool_ctx *ctx, struct lfpool_mag *m);
void lfpool_mags_free_all(struct lfpool *pool);
int lfpool_slab_add(struct lfpool *pool, uint32_t nb_mags,
	struct lfpool_mag **keep, uint32_t nb_keep);
/*
 * Take magazines from the depot until they hold at least need objects,
 * chained through next in order of arrival (lfpool_chain_next()), so all
 * but the last are needed whole; all or nothing: -ENOBUFS after giving
 * them back.
 */
int lfpool_depot_gather(
	struct lfpool_ctx *ctx, unsigned int need, struct lfpool_mag **chain);
struct lfpool_mag *lfpool_chain_next(const struct lfpool_mag *m);
/* Copy n objects out of a gathered chain, giving its magazines back. */
void lfpool_chain_copy_out(struct lfpool_ctx *ctx, struct lfpool_mag *chain,
	void **objs, unsigned int n);
void lfpool_depot_enqueue(
	struct lfpool_ctx *ctx, void *const *objs, unsigned int n);
uint64_t lfpool_depot_count(const struct lfpool *pool);
void lfpool_sample_in_use(struct lfpool *pool);

/* lfpool_cache.c: per-lcore caches and the ops' enqueue/dequeue. */
int lfpool_enqueue(struct rte_mempool *mp, void *const *objs, unsigned int n);
int lfpool_dequeue(struct rte_mempool *mp, void **objs, unsigned int n);
/* A live pool's lcore life cycle: lcore_id gets or gives up its cache. */
void lfpool_lcore_init(unsigned int lcore_id, struct rte_mempool *mp);
void lfpool_lcore_uninit(unsigned int lcore_id, struct rte_mempool *mp);
uint32_t lfpool_caches_owned(const struct lfpool *pool);
void lfpool_caches_free(struct lfpool *pool);

/* lfpool_steal.c: taking objects out of other lcores' caches. */
/* Set up this process's side of the protocol (once; control path). */
void lfpool_steal_init(void);
/*
 * lfpool_depot_gather(), and when the depot is short, objects from other
 * caches than self (NULL: none is the caller's): taken from those whose
 * owner is out of a call, handed over by the others as their call ends,
 * waited for LFPOOL_STEAL_WAIT_US at most. need is what the chain must
 * hold beyond self's objects; self's owner, asked while it waits, hands
 * them over and then gathers them too. All or nothing: -ENOBUFS.
 */
int lfpool_gather_or_steal(struct lfpool_ctx *ctx, struct lfpool_cache *self,
	unsigned int need, struct lfpool_mag **chain);
/*
 * Owner, at the end of a call a thief asked it to, or while waiting
 * inside one: empty the cache into the depot; returns the objects moved.
 */
uint32_t lfpool_cache_hand_over(struct lfpool *pool, struct lfpool_cache *c);
/*
 * How long a starving get waits for owners inside a call, and how often
 * it steals again meanwhile. Long enough for an owner preempted in its
 * call to run again on a loaded machine: Linux's EEVDF gives a slice of
 * 0.75 ms x (1 + log2 CPUs), 1.5 ms on 2 CPUs, and a preempted thread
 * waits for the slices of the tasks ahead of it. With 1 ms, DPDK's
 * mbuf_autotest failed in 2 of 378 runs next to a CPU hog on 2 vCPUs;
 * with 20 ms, none of 400 (2026-12-03). A get waits only while the
 * objects seem to be there: an owner stopped inside its call makes it
 * wait that long; objects that went to other gets end the wait at the
 * second look that misses them.
 */
#define LFPOOL_STEAL_WAIT_US 20000
#define LFPOOL_STEAL_RETRY_US 20
#define LFPOOL_STEAL_RETRY_MAX_US 1000
/* This process's caches use a full fence (no membarrier). */
extern uint8_t lfpool_owner_fenced;

/* lfpool_lcore.c: the creator's EAL lcore callbacks (process-local). */
int lfpool_callbacks_register(struct rte_mempool *mp);
void lfpool_callbacks_unregister(struct rte_mempool *mp);

/* lfpool_stats.c: counters by name (telemetry), snapshots and sums. */
struct lfpool_stat_field {
	const char *name;
	size_t offset; /* In struct lfp_mempool_stats. */
};
/* Per-thread counters, then pool-wide values (totals only). */
extern const struct lfpool_stat_field lfpool_stat_fields[];
extern const unsigned int lfpool_stat_nb_counters;
extern const unsigned int lfpool_stat_nb_fields;

static inline uint64_t
lfpool_stat_value(const struct lfp_mempool_stats *st, unsigned int field)
{
	return *(const uint64_t *)(const void *)((const char *)st +
		lfpool_stat_fields[field].offset);
}

/* lfpool_rec.c: records of other processes' threads, adoption. */
/* The calling thread's record in pool, claimed on first use; NULL in the
 * creator's process or when every record is taken.
 */
struct lfpool_rec *lfpool_rec_get(struct lfpool *pool);
/* Adopt the records of dead processes; returns how many. */
unsigned int lfpool_recs_reclaim(struct rte_mempool *mp);
/* Slow path of a failed get: reclaim, at most every few milliseconds;
 * returns the records adopted.
 */
unsigned int lfpool_recs_reclaim_lazily(struct lfpool *pool);
uint32_t lfpool_recs_in_use(const struct lfpool *pool);

/* lfpool_ops.c */
bool lfpool_is_lfpool(const struct rte_mempool *mp);
unsigned int lfpool_get_count(const struct rte_mempool *mp);

#endif /* LFPOOL_PRIVATE_H */
