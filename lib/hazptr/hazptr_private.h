/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The lfpool authors
 */

#ifndef HAZPTR_PRIVATE_H
#define HAZPTR_PRIVATE_H

/*
 * Layout of a hazard-pointer domain in shared memory, and the internals
 * shared by hazptr.c and hazptr_telemetry.c. Not installed.
 *
 * Everything here lives in one memzone, mapped at the same address in every
 * process of the DPDK instance, so the plain pointers below (record->domain,
 * node links) are valid in secondaries too. Function pointers are not, and
 * never appear here: reclaimers are bound per process (hazptr.c).
 */

#include <stdbool.h>
#include <stdint.h>

#include <rte_common.h>
#include <rte_log.h>
#include <rte_memzone.h>
#include <rte_spinlock.h>

#include "lfp_hazptr.h"

/* Fence-less publishes compiled in (lfp_hazptr.h: not under TSan). */
#define HP_FAST_BUILD LFP_HP_FAST_BUILD

extern int hp_logtype;
#define HP_LOG(level, fmt, ...) \
	rte_log(RTE_LOG_##level, hp_logtype, "%s(): " fmt "\n", __func__, \
		##__VA_ARGS__)

/* Hazards a scan sorts in its stack buffer (8 KiB); beyond, linear search. */
#define HP_SNAPSHOT_MAX 1024

/** Domain header magic, checked by lookup ("LFPHAZP1"). */
#define HP_MAGIC UINT64_C(0x4c465048415a5031)

/*
 * Owner word of a record (struct lfp_hp_record, in lfp_hazptr.h, which
 * also defines bit 30, LFP_HP_OWNER_FAST): 0 when the record is free,
 * otherwise
 *   bits  0-29  pid of the owning process (Linux pid_max <= 2^22),
 *   bit   30    HP_OWNER_FAST: the owner publishes hazards without a fence
 *               (it is registered for MEMBARRIER_CMD_GLOBAL_EXPEDITED),
 *   bits 32-63  low 32 bits of the owner's start time (/proc/<pid>/stat
 *               field 22, clock ticks since boot), so that a recycled pid
 *               is not taken for the process that died.
 * One 64-bit word, claimed with one CAS: a record is never seen owned by a
 * pid whose start time is not yet written.
 */
#define HP_OWNER_PID_MASK UINT64_C(0x3fffffff)
#define HP_OWNER_FAST LFP_HP_OWNER_FAST
#define HP_OWNER_START_SHIFT 32

/** Domain header, followed by the records. */
struct lfp_hp_domain {
	/* Read-only after creation. */
	uint64_t magic;
	/* Creation stamp: tells a recreated domain at the same address apart
	 * from a freed one in the per-process reclaimer bindings.
	 */
	uint64_t serial;
	char name[LFP_HP_NAMESIZE];
	uint32_t max_records;
	uint32_t slots;

	/*
	 * Reclaimer names (control path): an entry is claimed under the
	 * lock, which works across processes since it lives in the memzone.
	 * An empty name is a free entry; names are never released.
	 */
	rte_spinlock_t names_lock;
	char reclaimer_names[LFP_HP_MAX_RECLAIMERS][LFP_HP_NAMESIZE];

	/*
	 * Read on every retire (records_used) and every scan (records_hwm,
	 * orphans), written on register/unregister/adoption only:
	 * read-mostly, on a line of its own.
	 *
	 * records_used sizes the scan threshold only. It is raised before a
	 * record is claimed and lowered after one is given back, so a process
	 * killed in between leaves it too high (a larger threshold), never
	 * too low; the stats count owned records instead.
	 */
	uint32_t records_used __rte_cache_aligned;
	/* Online CPUs when created (read-only): caps the threshold's batch. */
	uint32_t nb_cpus;
	/* Records ever claimed: 1 + highest index; scans stop there. */
	uint32_t records_hwm;
	struct lfp_hp_node *orphans; /* Treiber stack of retired chains. */
	uint64_t nb_orphans;	     /* Nodes in it (stats). */
	uint64_t adopted;	     /* Records taken from dead processes. */
	uint64_t deferred; /* Nodes scans left to membarrier-capable ones. */

	struct lfp_hp_record records[] __rte_cache_aligned;
} __rte_cache_aligned;

/* True if @p d is a live domain (hazptr.c); also used by the telemetry. */
bool hp_domain_valid(const struct lfp_hp_domain *d);

/*
 * Process ownership (hazptr_owner.c).
 */

/*
 * This process's owner word, computed again after a fork. The first call
 * also decides how this process publishes hazards (membarrier registration
 * or the fence fallback), once per process. Control path.
 */
uint64_t hp_owner_self(void);

/* True if this process publishes hazards without a fence. */
bool hp_fast_publish(void);

/*
 * Is the process named by @p owner (a non-zero owner word) still running?
 * A pid that does not exist, a zombie, or a live process whose start time
 * differs from the recorded one (the pid was recycled) is dead. Undecided
 * cases (no /proc) count as alive, which only delays adoption.
 */
bool hp_owner_alive(uint64_t owner);

/*
 * The heavy side of the asymmetric fence: membarrier(2)
 * MEMBARRIER_CMD_GLOBAL_EXPEDITED. Returns false in a process that could
 * not register for it (then fence-less records cannot be ordered).
 */
bool hp_membarrier_global(void);

/*
 * Register the /lfpool/hazptr/ telemetry commands (hazptr_telemetry.c).
 * Called from a constructor in hazptr.c: a constructor of its own in
 * hazptr_telemetry.o would be dropped by the linker, as nothing else in
 * that object of the static library is referenced.
 */
void hp_telemetry_register(void);

#endif /* HAZPTR_PRIVATE_H */
