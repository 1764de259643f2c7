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

extern int hp_logtype;
#define HP_LOG(level, fmt, ...) \
	rte_log(RTE_LOG_##level, hp_logtype, "%s(): " fmt "\n", __func__, \
		##__VA_ARGS__)

/* Hazards a scan sorts in its stack buffer (8 KiB); beyond, linear search. */
#define HP_SNAPSHOT_MAX 1024

/** Domain header magic, checked by lookup ("LFPHAZP1"). */
#define HP_MAGIC UINT64_C(0x4c465048415a5031)

/**
 * One thread's hazard record. Three groups, each on its own cache line(s),
 * so that the owner's retire bookkeeping never invalidates the line that
 * every scanner reads.
 */
struct lfp_hp_record {
	/*
	 * Read by every scan of every process. Written by the owner on each
	 * protect (slots) and by register/unregister (in_use).
	 */
	void *slots[LFP_HP_SLOTS_MAX]; /* Published hazards. */
	uint32_t in_use;	       /* 1 while a thread owns the record. */

	/* Set once at domain creation, read-only afterwards. */
	uint32_t index;	   /* Position in domain->records[]. */
	uint32_t nb_slots; /* K, slots the domain gives a record. */
	struct lfp_hp_domain *domain;

	/*
	 * Owner only: the private retired list. No atomics: only the thread
	 * owning the record touches it, and ownership changes hands through
	 * the in_use flag (release in unregister, acquire in register).
	 */
	struct lfp_hp_node *retired __rte_cache_aligned;
	uint64_t stuck; /* Kept by the last scan: reclaimer not bound here. */

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
	 * orphans), written on register/unregister only: read-mostly, on a
	 * line of its own.
	 */
	uint32_t records_used __rte_cache_aligned;
	/* Records ever claimed: 1 + highest index; scans stop there. */
	uint32_t records_hwm;
	struct lfp_hp_node *orphans; /* Treiber stack of retired chains. */
	uint64_t nb_orphans;	     /* Nodes in it (stats). */

	struct lfp_hp_record records[] __rte_cache_aligned;
} __rte_cache_aligned;

/* True if @p d is a live domain (hazptr.c); also used by the telemetry. */
bool hp_domain_valid(const struct lfp_hp_domain *d);

/*
 * Register the /lfpool/hazptr/ telemetry commands (hazptr_telemetry.c).
 * Called from a constructor in hazptr.c: a constructor of its own in
 * hazptr_telemetry.o would be dropped by the linker, as nothing else in
 * that object of the static library is referenced.
 */
void hp_telemetry_register(void);

#endif /* HAZPTR_PRIVATE_H */
