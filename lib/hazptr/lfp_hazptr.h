/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The lfpool authors
 */

#ifndef LFP_HAZPTR_H
#define LFP_HAZPTR_H

/**
 * @file
 * lfpool hazard pointers: safe memory reclamation for lock-free structures
 * that live in DPDK shared memory.
 *
 * This is Maged Michael's scheme ("Hazard Pointers: Safe Memory Reclamation
 * for Lock-Free Objects", IEEE TPDS 2004). A reader publishes the pointer it
 * is about to dereference in one of its record's hazard slots and re-reads
 * the source to validate it; a writer that unlinks a node retires it, and the
 * node is handed to its reclaimer only once no slot holds it.
 *
 * A *domain* is a named memzone (prefix "LFP_HP_") holding a fixed array of
 * records, so that a secondary process finds it with lfp_hp_domain_lookup()
 * and its threads protect and retire alongside the primary's. Each thread
 * (EAL lcore, registered non-EAL thread, or any other thread) that touches
 * protected memory owns one record, taken with lfp_hp_register().
 *
 * Reclaimers are functions, and function pointers are not valid across
 * processes, so a node carries a reclaimer *id*: every process registers
 * its reclaimers by name with lfp_hp_reclaimer_register(); the domain keeps
 * the names, so the same name gets the same id in every process whatever
 * the registration order.
 *
 * Synchronization (X: the caller must ensure these do not run concurrently
 * on the same record; -: safe to run concurrently):
 *
 *   call                     | same record | other records | domain calls
 *   -------------------------+-------------+---------------+-------------
 *   lfp_hp_protect/set/clear |      X      |       -       |      -
 *     (inline, below)        |             |               |
 *   lfp_hp_retire/scan       |      X      |       -       |      -
 *   lfp_hp_barrier           |      X      |       -       |      -
 *   lfp_hp_register          |     n/a     |       -       |      -
 *   lfp_hp_unregister        |      X      |       -       |      -
 *   lfp_hp_domain_adopt      |     n/a     |       -       |      -
 *   lfp_hp_reclaimer_register|     n/a     |       -       |      -
 *   lfp_hp_*_stats           |      -      |       -       |      -
 *   lfp_hp_process_release   | no thread of the calling process may still
 *                            | use its records; other processes: -
 *   lfp_hp_domain_free       | no record may be in use: control path only
 *
 * Adoption (lfp_hp_domain_adopt() and the slow paths that run it) only
 * takes records whose owner process is gone, so it never races with an
 * owner; two adopters race on one CAS of the record's owner word.
 *
 * A record belongs to the thread that registered it until that thread
 * unregisters it; the record pointer must not be used afterwards (the
 * record may already serve another thread). Record counters are
 * cumulative over the record's successive owners.
 *
 * Bound on unreclaimed memory: with N records in use and K slots each
 * (H = N * K hazards), on a machine of C online CPUs (counted when the
 * domain is created), a record scans when its retired list reaches
 *
 *   R = max(2 * H, LFP_HP_RETIRE_BATCH * min(N, C)).
 *
 * A scan leaves at most H nodes pending, so each record holds at most R
 * nodes and the domain at most N * R plus the orphans of unregistered
 * records, which the next scan of any record adopts. The first term is
 * Michael's: a scan, O(H log H), frees at least R - H >= H nodes, so
 * reclamation is amortised O(log H) per retired node. The second pays for
 * the scan's membarrier(2) ([D] below), which interrupts every CPU that
 * runs a thread of a registered process (microseconds each in a virtual
 * machine), so its cost grows with min(N, C); R grows the same way, so a
 * retired node's share of it stays about one interrupt per
 * LFP_HP_RETIRE_BATCH retires. Per record that is at most
 * max(2 * H, LFP_HP_RETIRE_BATCH * C) nodes: with the default batch
 * (2048), 64-byte objects and 2 CPUs, 256 KiB per record; a smaller batch
 * trades membarriers for memory. A scan also walks the records up to the
 * highest index ever registered, so keep max_records near the number of
 * threads that really register.
 *
 * One exception to the bound: a node whose reclaimer was registered in
 * another process only (an adopted orphan) cannot be reclaimed here. It
 * stays pending, is counted in lfp_hp_stats.unbound, does not count
 * towards R, and goes back to the orphan list when its record unregisters,
 * for a process that has the reclaimer.
 *
 * Processes. Each record holds its owner's pid and the low 32 bits of the
 * owner's start time (/proc/<pid>/stat), in one word claimed with one CAS.
 * - A process gives its records back at exit() (a destructor, which also
 *   covers the main thread, whose thread-exit handlers exit() skips),
 *   provided the domains are still mapped: rte_eal_cleanup() unmaps them,
 *   so an application that calls it should call lfp_hp_process_release()
 *   first. Giving back means: slots cleared, retired nodes to the orphans
 *   (no reclaimer runs at exit), record free. The destructor frees every
 *   record of the process, as lfp_hp_process_release() does: a thread
 *   still inside a protect, read or retire when another one calls exit()
 *   is no longer protected (another process may reclaim its node and
 *   claim its record), so it must not write to shared objects from then
 *   on; stop such threads before exit(), or leave with _exit() and let
 *   adoption take the records.
 * - A process that dies without that (SIGKILL, a crash, or cleanup without
 *   release) keeps its records until another process adopts them: register
 *   when no record is free, lfp_hp_barrier(), lfp_hp_domain_free(), every
 *   16th scan of a record, or lfp_hp_domain_adopt(). A record is adopted
 *   when kill(pid, 0) says ESRCH, the pid is a zombie, or the pid now
 *   belongs to a process with another start time (pid reuse). Its hazards
 *   stop protecting, and its retired nodes join the orphans.
 * - Every change of a retired list is one store that leaves the list well
 *   formed, and a node leaves the list before its reclaimer runs. So a
 *   process killed at any instruction leaves lists an adopter can take
 *   whole; at most the node it was retiring or reclaiming at that instant
 *   (or a chain it was moving to or from the orphans) is lost, never
 *   reclaimed twice.
 *
 * Multi-process: DPDK disables multi-process for good in a process that
 * calls rte_thread_register(), and that call fails once a secondary has
 * attached; so non-EAL threads and secondaries do not mix in one DPDK
 * instance (an EAL constraint, not this library's).
 *
 * Memory order. The publish/scan pairing is asymmetric, as in liburcu's
 * memb flavour: the reader's side is a compiler barrier, the scanner's a
 * membarrier(2) MEMBARRIER_CMD_GLOBAL_EXPEDITED, which runs a full barrier
 * on every CPU that runs a thread of a process registered for it. Every
 * process that creates, looks up or registers in a domain registers once
 * (MEMBARRIER_CMD_REGISTER_GLOBAL_EXPEDITED), because a domain's readers
 * and scanners may be in different processes.
 *
 *   reader: lfp_hp_protect()             scanner: scan once R retires
 *   (inline)                             are pending (bound above)
 *   p = load(src)                        (caller) unlink the node
 *   [A] store slot = p                   [C] seq_cst fence
 *   [B] compiler barrier (fast), or      [D] membarrier GLOBAL_EXPEDITED
 *       A is a seq_cst store (fence)     [E] load owner words and slots
 *   [R] seq_cst re-load of src; retry    reclaim what no slot holds
 *       until equal to p
 *
 * - Fast mode (the process registered): [B] pairs with [D]. The
 *   membarrier interrupts the reader either before [A] is visible, which
 *   then means [R] runs after [D] and sees the unlink, or after, and [E]
 *   sees the hazard. [A], [B] and [R] are inline in the caller; [D] costs
 *   an interrupt of every CPU it reaches, once per scan, which is why R
 *   grows with min(N, C).
 * - Fence mode (membarrier refused by seccomp, or missing in the kernel:
 *   MEMBARRIER_CMD_QUERY; logged once per process at NOTICE): [A] is a
 *   seq_cst store, a full barrier, and pairs with [C] (store buffering is
 *   impossible between two full fences).
 * - The mode is per process and written in each record's owner word. A
 *   scan in a fast-mode process does [C] and [D] and orders both kinds of
 *   readers. A scan in a fence-mode process cannot order a fast-mode
 *   reader: after [C] it reads the owner words, and if any owned record
 *   is fast it reclaims nothing and moves its retired nodes to the orphans
 *   (lfp_hp_stats.deferred), for a fast-mode process's scan to adopt. A
 *   record claimed after [C] is no threat: lfp_hp_register() issues a
 *   seq_cst fence after its claiming CAS, which pairs with [C], so that
 *   owner's [R] sees the unlink.
 * - ThreadSanitizer builds use fence mode always (a compile-time choice):
 *   TSan does not see membarrier, and would report the fast path's
 *   missing edge or miss real ones.
 * - lfp_hp_set() is a seq_cst exchange (a full barrier) in both modes and
 *   pairs with [C]. lfp_hp_clear() is a release store and pairs with the
 *   acquire slot load in [E]: the reader's last uses of a node happen
 *   before its reclaimer runs. [R]'s acquire side pairs with the release
 *   that published the node at *src.
 * - A record's hand-over (unregister, exit, adoption) is a release store
 *   of a zero owner word and pairs with the acquire of the claiming CAS;
 *   orphan chains are pushed with a release CAS and taken with an acquire
 *   exchange.
 */

#include <stdint.h>

#include <rte_atomic.h>
#include <rte_branch_prediction.h>
#include <rte_common.h>

#include "lfp_config.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Hazard slots per record (build option 'hazard_slots'). */
#define LFP_HP_SLOTS_MAX LFP_HP_SLOTS
/**
 * Retires per record in use (counting at most one record per CPU) between
 * two scans of a record, which amortise the scan's membarrier(2) (build
 * option 'hazard_retire_batch'). See "Bound on unreclaimed memory" above.
 */
#define LFP_HP_RETIRE_BATCH LFP_HP_BATCH
/** Longest domain or reclaimer name, including the terminating NUL. */
#define LFP_HP_NAMESIZE 32
/** Reclaimers per domain. */
#define LFP_HP_MAX_RECLAIMERS 16
/** Prefix of a domain's memzone name: "LFP_HP_<name>". */
#define LFP_HP_MZ_PREFIX "LFP_HP_"
/**
 * Longest domain name, without the NUL: the memzone name
 * LFP_HP_MZ_PREFIX "<name>" must fit in RTE_MEMZONE_NAMESIZE (32).
 */
#define LFP_HP_DOMAIN_NAME_MAX 24
/** Most records a domain can have. */
#define LFP_HP_MAX_RECORDS 4096

struct lfp_hp_domain;

/**
 * Retirement link, embedded in the object to be reclaimed so that retiring
 * never allocates (intrusive, as in Concurrency Kit's ck_hp).
 */
struct lfp_hp_node {
	struct lfp_hp_node *next; /**< Link in a retired or orphan list. */
	void *ptr;		  /**< The protected address being retired. */
	uint32_t reclaimer_id;	  /**< From lfp_hp_reclaimer_register(). */
};

/**
 * Reclaimer: called once for each retired node that no hazard protects,
 * on the thread that ran the scan.
 *
 * @param node
 *   The node given to lfp_hp_retire().
 * @param arg
 *   The argument given to lfp_hp_reclaimer_register() in this process.
 */
typedef void (*lfp_hp_reclaim_t)(struct lfp_hp_node *node, void *arg);

/** Reclamation counters of a record, or summed over a domain. */
struct lfp_hp_stats {
	uint64_t retired;   /**< Nodes given to lfp_hp_retire(). */
	uint64_t reclaimed; /**< Nodes handed to their reclaimer. */
	uint64_t pending;   /**< Retired, not yet reclaimed (incl. orphans). */
	uint64_t scans;	    /**< Scans run. */
	uint64_t peak_pending; /**< Largest retired-list length seen. */
	uint64_t orphans; /**< Nodes waiting in the domain's orphan list. */
	/**
	 * Times a scan kept a node because its reclaimer id has no function
	 * in the scanning process (adopted from another process's orphans).
	 */
	uint64_t unbound;
	uint32_t records_used; /**< Records owned (domain stats only). */
	/**
	 * Nodes scans handed to the orphan list because their process cannot
	 * order the fence-less readers of other processes (no membarrier);
	 * domain stats only.
	 */
	uint64_t deferred;
	/** Records taken from dead processes (domain stats only). */
	uint64_t adopted;
};

/*
 * @internal ThreadSanitizer does not see membarrier(2): a fence-less
 * publish paired with it would look like a missing happens-before edge,
 * and TSan would not model the order it gives anyway. So TSan builds
 * always take the full-fence path, which TSan checks like any seq_cst
 * access.
 */
#if defined(__SANITIZE_THREAD__)
#define LFP_HP_FAST_BUILD 0
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define LFP_HP_FAST_BUILD 0
#endif
#endif
#ifndef LFP_HP_FAST_BUILD
/** @internal Fence-less publishes compiled in. */
#define LFP_HP_FAST_BUILD 1
#endif

/**
 * @internal Owner-word bit of a record: its owner publishes hazards without
 * a fence (its process is registered for membarrier(2)); see the file
 * comment. The rest of the owner word is private to the library.
 */
#define LFP_HP_OWNER_FAST (UINT64_C(1) << 30)

/**
 * @internal One thread's hazard record. The layout is public only so that
 * lfp_hp_protect(), lfp_hp_set() and lfp_hp_clear() can be inline (as
 * rte_ring's is for its enqueue and dequeue); applications must not touch
 * the fields. Three groups, each on its own cache line(s), so that the
 * owner's retire bookkeeping never invalidates the line that every scanner
 * reads.
 */
struct lfp_hp_record {
	/*
	 * Read by every scan of every process. Written by the owner on each
	 * protect (slots), and by register, unregister and adoption (owner).
	 * The inline fast path reads nb_slots and owner and writes one slot:
	 * one cache line, which the owner already holds.
	 */
	void *slots[LFP_HP_SLOTS_MAX]; /* Published hazards. */
	uint64_t owner; /* Owner word (hazptr_private.h); 0: free. */

	/* Set once at domain creation, read-only afterwards. */
	uint32_t index;	   /* Position in domain->records[]. */
	uint32_t nb_slots; /* K, slots the domain gives a record. */
	struct lfp_hp_domain *domain;

	/*
	 * Owner only: the private retired list. Plain fields: only the thread
	 * owning the record touches them, and ownership changes hands through
	 * the owner word (release when given back, acquire when claimed).
	 * A process may die at any instruction, and an adopter then reads
	 * the list, so every change of it is one store of a link that keeps
	 * the list well formed (see scan() and lfp_hp_retire()).
	 */
	struct lfp_hp_node *retired __rte_cache_aligned;
	uint32_t stuck;	     /* Kept by the last scan: reclaimer not bound. */
	uint16_t in_scan;    /* A reclaimer's retire must not scan again. */
	uint16_t next_sweep; /* Scans left before one looks for the dead. */

	/*
	 * Counters: written only by the owner, with relaxed atomic stores (no
	 * RMW); read by anyone with relaxed loads (stats, telemetry). They
	 * are cumulative over the record's successive owners.
	 */
	uint64_t pending; /* Length of the retired list. */
	uint64_t retired_cnt;
	uint64_t reclaimed;
	uint64_t scans;
	uint64_t peak_pending;
	uint64_t unbound;
} __rte_cache_aligned;

/**
 * Create a domain in shared memory. Primary process only.
 *
 * @param name
 *   Domain name, unique among domains; 1 to LFP_HP_DOMAIN_NAME_MAX chars.
 *   The memzone is named LFP_HP_MZ_PREFIX "<name>".
 * @param max_records
 *   Records (threads) the domain can serve at once; 1 to
 *   LFP_HP_MAX_RECORDS. A record takes 128 bytes of the memzone when
 *   LFP_HP_SLOTS_MAX <= 5, 192 up to 13, 256 up to 16.
 * @param slots
 *   Hazard slots per record, 1 to LFP_HP_SLOTS_MAX.
 * @param socket_id
 *   NUMA socket for the memzone, or SOCKET_ID_ANY.
 * @return
 *   The domain, or NULL with rte_errno set:
 *   - EINVAL - NULL, empty or over-long name, max_records or slots out
 *     of range.
 *   - E_RTE_SECONDARY - called from a secondary process.
 *   - EEXIST - a domain (or memzone) of that name exists.
 *   - ENOMEM - no memory for the memzone.
 *   - ENOSPC - no free memzone descriptor.
 */
struct lfp_hp_domain *lfp_hp_domain_create(const char *name,
	unsigned int max_records, unsigned int slots, int socket_id);

/**
 * Find a domain created by any process of this DPDK instance.
 *
 * @return
 *   The domain, or NULL with rte_errno set:
 *   - EINVAL - NULL name.
 *   - ENOENT - no domain of that name (also for names no domain can have).
 */
struct lfp_hp_domain *lfp_hp_domain_lookup(const char *name);

/**
 * Free a domain: reclaims every orphan, then releases the memzone.
 * Primary process only, and no record may be registered. Reclaimer
 * bindings of other processes are not told: they must not use the domain
 * any more.
 *
 * @return
 *   0 on success; NULL is accepted and does nothing. Otherwise a negative
 *   errno, also in rte_errno:
 *   - -EBUSY - records are still registered, or an orphan's reclaimer is
 *     not registered in this process (then nothing is reclaimed or freed).
 *   - -E_RTE_SECONDARY - called from a secondary process.
 *   - -EINVAL - not a live domain.
 */
int lfp_hp_domain_free(struct lfp_hp_domain *d);

/**
 * Bind a reclaimer to a name in this process and return its id, the same
 * id in every process that registers the same name. The name table is in
 * the domain (names are never released); the function and argument are
 * kept per process. Registering the same name with the same function and
 * argument again returns the same id. Control path (takes locks).
 *
 * @return
 *   The id (>= 0), or a negative errno, also in rte_errno:
 *   - -EINVAL - NULL domain, name or function, or empty or over-long name.
 *   - -ENOSPC - LFP_HP_MAX_RECLAIMERS names already taken, or this process
 *     has reclaimers in too many (32) domains.
 *   - -EEXIST - the name is bound in this process to another function or
 *     argument.
 */
int lfp_hp_reclaimer_register(struct lfp_hp_domain *d, const char *name,
	lfp_hp_reclaim_t fn, void *arg);

/**
 * Take a free record of the domain for the calling thread. Lock-free:
 * claims the first free record with a CAS; when none is free, adopts the
 * records of dead processes (lfp_hp_domain_adopt()) and tries again. The
 * record is stamped with this process's pid, start time and publish mode
 * (see the file comment). Control path.
 *
 * @return
 *   The record, or NULL with rte_errno set:
 *   - EINVAL - NULL domain.
 *   - ENOSPC - every record is in use.
 */
struct lfp_hp_record *lfp_hp_register(struct lfp_hp_domain *d);

/**
 * Give a record back, from its owner thread. Its slots are cleared, one
 * scan is run, and the nodes it still cannot reclaim move to the domain's
 * orphan list, where the next scan of any record adopts them: nothing
 * leaks.
 *
 * @return
 *   0, or -EINVAL (rte_errno EINVAL) for a NULL, foreign or unregistered
 *   record.
 */
int lfp_hp_unregister(struct lfp_hp_record *r);

/**
 * Retire @p ptr, already unlinked from every shared structure: queue it on
 * the record and scan once the queue reaches the threshold.
 *
 * @param node
 *   Link embedded in the retired object; owned by the library until the
 *   reclaimer is called.
 * @param ptr
 *   The address readers protect (the object, not necessarily @p node).
 * @param reclaimer_id
 *   From lfp_hp_reclaimer_register().
 * @return
 *   0, or a negative errno, also in rte_errno (nothing is queued):
 *   - -EINVAL - NULL record, node or ptr, or a reclaimer id that has no
 *     function in this process.
 */
int lfp_hp_retire(struct lfp_hp_record *r, struct lfp_hp_node *node, void *ptr,
	uint32_t reclaimer_id);

/**
 * Adopt the domain's orphans, then reclaim every node of the record's
 * retired list that no hazard protects. Reclaimers run on the calling
 * thread and may retire further nodes on the same record.
 *
 * @return
 *   Number of nodes reclaimed; 0 with rte_errno EINVAL for a NULL record.
 */
unsigned int lfp_hp_scan(struct lfp_hp_record *r);

/**
 * Adopt the domain's orphans, then scan: reclaims everything that is safe
 * at the time of the call. For shutdown and tests.
 *
 * Looks for records of dead processes first (lfp_hp_domain_adopt()). In
 * a process without membarrier, while fence-less records of other
 * processes exist, the nodes move to the orphan list instead of being
 * reclaimed (they are not pending on this record any more).
 *
 * @return
 *   Number of nodes still pending on this record afterwards; 0 with
 *   rte_errno EINVAL for an invalid record.
 */
unsigned int lfp_hp_barrier(struct lfp_hp_record *r);

/**
 * Counters of one record, read with relaxed loads: exact when the owner
 * is idle, approximate while it runs. With the build option stats=false
 * only pending is kept. @return 0, or -EINVAL for NULL arguments.
 */
int lfp_hp_record_stats(const struct lfp_hp_record *r, struct lfp_hp_stats *st);

/**
 * Counters summed over every record of a domain, plus the orphans (also in
 * pending); peak_pending is the largest of one record. @return 0, or
 * -EINVAL for NULL arguments.
 */
int lfp_hp_domain_stats(const struct lfp_hp_domain *d, struct lfp_hp_stats *st);

/**
 * Free the records of processes that are gone: a pid that no longer
 * exists, a zombie, or a pid now used by a process with another start time.
 * Their hazards stop protecting anything and their retired nodes join the
 * orphan list, for the next scan of any record. Register (when no record
 * is free), lfp_hp_barrier(), lfp_hp_domain_free() and every 16th scan of
 * a record do this too. Control path: one kill(2) and one read of
 * /proc/<pid>/stat per distinct owner.
 *
 * @return
 *   Records adopted (>= 0), or -EINVAL (rte_errno EINVAL) for an invalid
 *   domain.
 */
int lfp_hp_domain_adopt(struct lfp_hp_domain *d);

/**
 * Give back every record the calling process still owns, in every domain
 * it created, looked up or registered in (up to 32 domains), as if each
 * owner thread had unregistered (without running reclaimers: the retired
 * nodes go to the orphan list). No thread of the process may use those
 * records afterwards. The same runs by itself at exit() while the domains
 * are still mapped; call this before rte_eal_cleanup(), which unmaps them.
 *
 * @return
 *   Records given back.
 */
unsigned int lfp_hp_process_release(void);

/** Name of a domain, or NULL for a NULL domain. */
const char *lfp_hp_domain_name(const struct lfp_hp_domain *d);

/*
 * Fast path, inline: protect, set, clear. They touch only the caller's own
 * record (one cache line), so that a call costs a few instructions and no
 * call through the library.
 */

/**
 * @internal The error path of the inline calls below: logs at DEBUG, sets
 * rte_errno to EINVAL.
 *
 * @param func
 *   The calling function's name, for the log.
 * @param slot
 *   The slot it was given.
 * @return
 *   -EINVAL.
 */
__rte_cold int lfp_hp_arg_invalid(const char *func, unsigned int slot);

/** @internal True if @p slot of @p r may be used (r not NULL). */
static __rte_always_inline int
lfp_hp_slot_valid(const struct lfp_hp_record *r, unsigned int slot)
{
	return likely(r != NULL && slot < r->nb_slots);
}

/**
 * Read the pointer at *src and protect it in slot @p slot: publish, then
 * re-read *src until it is stable. The publish is a plain store and a
 * compiler barrier in a process registered for membarrier(2), a seq_cst
 * store otherwise (see the file comment). On return the pointer (if not NULL)
 * cannot be reclaimed until the slot is cleared or overwritten, provided
 * it was reachable from *src (not yet retired) when it was read.
 *
 * @param src
 *   Location another thread may change atomically; it is read with
 *   __atomic loads, so it should be declared as a void * object (another
 *   pointer type read through a cast is type punning).
 * @return
 *   The protected pointer, which may be NULL. NULL with rte_errno EINVAL if
 *   @p r or @p src is NULL or @p slot is out of range (a caller bug; the
 *   slot count is fixed), logged at DEBUG level only.
 */
static inline void *
lfp_hp_protect(struct lfp_hp_record *r, unsigned int slot, void *const *src)
{
	void **hazard, *p, *again;
	uint64_t fast;

	if (unlikely(!lfp_hp_slot_valid(r, slot) || src == NULL)) {
		lfp_hp_arg_invalid(__func__, slot);
		return NULL;
	}
	hazard = &r->slots[slot];
	/* relaxed: the owner reads its own record's owner word. */
	fast = __atomic_load_n(&r->owner, __ATOMIC_RELAXED) & LFP_HP_OWNER_FAST;
	/* relaxed: a first guess, validated once it is published. */
	p = __atomic_load_n(src, __ATOMIC_RELAXED);
	for (;;) {
		if (LFP_HP_FAST_BUILD && likely(fast)) {
			/* relaxed [A]: ordered before the re-load [R], for
			 * scanners, by their membarrier [D]; pairs with it.
			 */
			__atomic_store_n(hazard, p, __ATOMIC_RELAXED);
			/* [B] compiler barrier: [A] stays before [R] in
			 * program order; the CPU may still delay [A] until a
			 * scanner's membarrier [D] interrupts this thread.
			 */
			rte_compiler_barrier();
		} else {
			/* seq_cst [A]: a full barrier, so the publish
			 * precedes the re-load [R]; pairs with the seq_cst
			 * fence [C] of scans.
			 */
			__atomic_store_n(hazard, p, __ATOMIC_SEQ_CST);
		}
		/* seq_cst [R]: after [A] in the total order (fence mode);
		 * its acquire side pairs with the release that stored *src,
		 * so the object's contents are visible.
		 */
		again = __atomic_load_n(src, __ATOMIC_SEQ_CST);
		if (likely(again == p))
			return p;
		p = again;
	}
}

/**
 * Publish @p ptr in @p slot without validation, for a caller that already
 * knows ptr is safe (for example, reached through a protected node).
 * Full barrier included, as ck_hp_set_fence().
 *
 * @return
 *   0, or -EINVAL (also in rte_errno) for a NULL record or a slot out of
 *   range.
 */
static inline int
lfp_hp_set(struct lfp_hp_record *r, unsigned int slot, void *ptr)
{
	if (unlikely(!lfp_hp_slot_valid(r, slot)))
		return lfp_hp_arg_invalid(__func__, slot);
	/* seq_cst exchange: a full barrier in every mode, so the publish
	 * precedes every later access of the caller; pairs with the seq_cst
	 * fence [C] of scans.
	 */
	(void)__atomic_exchange_n(&r->slots[slot], ptr, __ATOMIC_SEQ_CST);
	return 0;
}

/**
 * Clear one slot: the pointer it held may be reclaimed from now on. A NULL
 * record or a slot out of range changes nothing and sets rte_errno EINVAL.
 */
static inline void
lfp_hp_clear(struct lfp_hp_record *r, unsigned int slot)
{
	if (unlikely(!lfp_hp_slot_valid(r, slot))) {
		lfp_hp_arg_invalid(__func__, slot);
		return;
	}
	/* release: our reads of the object happen before a scan that sees
	 * the slot clear reclaims it; pairs with the acquire slot load [E].
	 */
	__atomic_store_n(&r->slots[slot], NULL, __ATOMIC_RELEASE);
}

#ifdef __cplusplus
}
#endif

#endif /* LFP_HAZPTR_H */
