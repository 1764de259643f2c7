/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The lfpool authors
 */

/*
 * Hazard pointers after Maged Michael, "Hazard Pointers: Safe Memory
 * Reclamation for Lock-Free Objects" (IEEE TPDS 15(6), 2004), for domains
 * that live in DPDK shared memory and are used by several processes.
 */

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <rte_atomic.h>
#include <rte_branch_prediction.h>
#include <rte_common.h>
#include <rte_cycles.h>
#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_log.h>
#include <rte_memzone.h>
#include <rte_spinlock.h>
#include <rte_string_fns.h>

#include "hazptr_private.h"

RTE_LOG_REGISTER(hp_logtype, lib.lfpool.hazptr, NOTICE);

RTE_INIT(hazptr_init)
{
	hp_telemetry_register();
}

/* Domains one process can bind reclaimers for at the same time. */
#define HP_MAX_BINDINGS 32
/* A record's scans between two looks for records of dead processes. */
#define HP_SWEEP_PERIOD 16
/* Distinct owners whose liveness one sweep remembers. */
#define HP_SWEEP_OWNERS 16

/*
 * The reclaimer functions of one domain in this process. Function pointers
 * are per process, so this table is static memory, never the memzone.
 * Entries are claimed and filled under hp_bindings_lock and read lock-free
 * by retire and scan. The table also lists the domains this process used,
 * whose records it gives back at exit.
 */
struct hp_binding {
	const struct lfp_hp_domain *domain; /* NULL: free entry. */
	uint64_t serial;		    /* domain->serial when bound. */
	lfp_hp_reclaim_t fn[LFP_HP_MAX_RECLAIMERS];
	void *arg[LFP_HP_MAX_RECLAIMERS];
};

static struct hp_binding hp_bindings[HP_MAX_BINDINGS];
static rte_spinlock_t hp_bindings_lock = RTE_SPINLOCK_INITIALIZER;

/* A scan's sorted copy of the published hazards. */
struct hp_snapshot {
	unsigned int n;
	bool partial; /* More hazards than HP_SNAPSHOT_MAX were published. */
	void *ptrs[HP_SNAPSHOT_MAX];
};

/* Owner-only counters: a load and a store, no locked RMW on the fast path. */
static inline uint64_t
counter_get(const uint64_t *c)
{
	/* relaxed: a statistic or the owner's own value; orders nothing. */
	return __atomic_load_n(c, __ATOMIC_RELAXED);
}

static inline void
counter_set(uint64_t *c, uint64_t v)
{
	/* relaxed: single writer (the owner); readers only want the value. */
	__atomic_store_n(c, v, __ATOMIC_RELAXED);
}

#if LFP_STATS
#define HP_STAT_ADD(r, field, n) \
	counter_set(&(r)->field, counter_get(&(r)->field) + (n))
#define HP_STAT_MAX(r, field, v) \
	do { \
		if ((v) > counter_get(&(r)->field)) \
			counter_set(&(r)->field, (v)); \
	} while (0)
#else
#define HP_STAT_ADD(r, field, n) RTE_SET_USED(n)
#define HP_STAT_MAX(r, field, v) RTE_SET_USED(v)
#endif

bool
hp_domain_valid(const struct lfp_hp_domain *d)
{
	/* acquire: pairs with the release store of the magic at the end of
	 * lfp_hp_domain_create(), so the header and records are initialised.
	 */
	return d != NULL &&
		__atomic_load_n(&d->magic, __ATOMIC_ACQUIRE) == HP_MAGIC;
}

/* Control-path check that @p r is one of its domain's records. */
static bool
record_valid(const struct lfp_hp_record *r)
{
	const struct lfp_hp_domain *d;

	if (r == NULL)
		return false;
	d = r->domain;
	return hp_domain_valid(d) && r->index < d->max_records &&
		&d->records[r->index] == r;
}

/*
 * Per-process reclaimer bindings.
 */

/* This process's binding for @p d, or NULL. Lock-free (retire path). */
static struct hp_binding *
binding_find(const struct lfp_hp_domain *d)
{
	struct hp_binding *b;
	unsigned int i;

	for (i = 0; i < HP_MAX_BINDINGS; i++) {
		b = &hp_bindings[i];
		/* acquire: pairs with the release store of b->domain in
		 * binding_get(), so b->serial is already set.
		 */
		if (__atomic_load_n(&b->domain, __ATOMIC_ACQUIRE) != d)
			continue;
		/* relaxed: ordered by the acquire load above. */
		if (__atomic_load_n(&b->serial, __ATOMIC_RELAXED) == d->serial)
			return b;
	}
	return NULL;
}

/* The function bound to @p id, or NULL; sets *arg when found. */
static lfp_hp_reclaim_t
binding_fn(const struct hp_binding *b, uint32_t id, void **arg)
{
	lfp_hp_reclaim_t fn;

	if (b == NULL || id >= LFP_HP_MAX_RECLAIMERS)
		return NULL;
	/* acquire: pairs with the release store in binding_set(), so the
	 * argument stored before it is visible.
	 */
	fn = __atomic_load_n(&b->fn[id], __ATOMIC_ACQUIRE);
	if (fn != NULL)
		/* relaxed: ordered by the acquire load of fn. */
		*arg = __atomic_load_n(&b->arg[id], __ATOMIC_RELAXED);
	return fn;
}

/* Find or claim this process's binding for @p d. Caller holds the lock. */
static struct hp_binding *
binding_get(const struct lfp_hp_domain *d)
{
	struct hp_binding *b, *free_b = NULL;
	const struct lfp_hp_domain *bd;
	unsigned int i, id;

	b = binding_find(d);
	if (b != NULL)
		return b;
	for (i = 0; i < HP_MAX_BINDINGS && free_b == NULL; i++) {
		/* relaxed: entries only change under the lock we hold. */
		bd = __atomic_load_n(&hp_bindings[i].domain, __ATOMIC_RELAXED);
		/* Same address, other serial: a freed domain's stale entry. */
		if (bd == NULL || bd == d)
			free_b = &hp_bindings[i];
	}
	if (free_b == NULL)
		return NULL;
	for (id = 0; id < LFP_HP_MAX_RECLAIMERS; id++)
		/* relaxed: published by the release store of domain below. */
		__atomic_store_n(&free_b->fn[id], NULL, __ATOMIC_RELAXED);
	/* relaxed: published by the release store of domain below. */
	__atomic_store_n(&free_b->serial, d->serial, __ATOMIC_RELAXED);
	/* release: serial and the cleared table are visible to a thread
	 * whose binding_find() sees this domain; pairs with its acquire.
	 */
	__atomic_store_n(&free_b->domain, d, __ATOMIC_RELEASE);
	return free_b;
}

/* Bind @p id to fn/arg; the same binding again is accepted. */
static int
binding_set(struct hp_binding *b, uint32_t id, lfp_hp_reclaim_t fn, void *arg)
{
	void *old_arg = NULL;
	lfp_hp_reclaim_t old = binding_fn(b, id, &old_arg);

	if (old != NULL)
		return old == fn && old_arg == arg ? 0 : -EEXIST;
	/* relaxed: published by the release store of fn below. */
	__atomic_store_n(&b->arg[id], arg, __ATOMIC_RELAXED);
	/* release: arg is visible to whoever loads fn; pairs with the
	 * acquire load in binding_fn().
	 */
	__atomic_store_n(&b->fn[id], fn, __ATOMIC_RELEASE);
	return 0;
}

/* Drop this process's binding of a domain being freed. */
static void
binding_forget(const struct lfp_hp_domain *d)
{
	struct hp_binding *b;

	rte_spinlock_lock(&hp_bindings_lock);
	b = binding_find(d);
	if (b != NULL)
		/* relaxed: the domain is gone; no thread may still use it. */
		__atomic_store_n(&b->domain, NULL, __ATOMIC_RELAXED);
	rte_spinlock_unlock(&hp_bindings_lock);
}

/* Remember @p d in this process (membarrier registration, exit release). */
static void
process_attach(const struct lfp_hp_domain *d)
{
	static bool table_full_logged;

	(void)hp_owner_self();
	rte_spinlock_lock(&hp_bindings_lock);
	if (binding_get(d) == NULL && !table_full_logged) {
		table_full_logged = true;
		HP_LOG(NOTICE,
			"%s: more than %d domains in this process: "
			"its records there are given back by adoption only",
			d->name, HP_MAX_BINDINGS);
	}
	rte_spinlock_unlock(&hp_bindings_lock);
}

/* Id of @p name in the domain's shared table, claiming a free entry. */
static int
name_claim(struct lfp_hp_domain *d, const char *name)
{
	int id, free_id = -1;

	rte_spinlock_lock(&d->names_lock);
	for (id = 0; id < LFP_HP_MAX_RECLAIMERS; id++) {
		if (strcmp(d->reclaimer_names[id], name) == 0)
			break;
		if (free_id < 0 && d->reclaimer_names[id][0] == '\0')
			free_id = id;
	}
	if (id == LFP_HP_MAX_RECLAIMERS && free_id >= 0) {
		id = free_id;
		rte_strlcpy(d->reclaimer_names[id], name, LFP_HP_NAMESIZE);
	}
	rte_spinlock_unlock(&d->names_lock);
	return id < LFP_HP_MAX_RECLAIMERS ? id : -ENOSPC;
}

int
lfp_hp_reclaimer_register(struct lfp_hp_domain *d, const char *name,
	lfp_hp_reclaim_t fn, void *arg)
{
	struct hp_binding *b;
	int id, ret;

	if (!hp_domain_valid(d) || name == NULL || fn == NULL ||
		name[0] == '\0' || strlen(name) >= LFP_HP_NAMESIZE) {
		HP_LOG(ERR, "invalid domain, name or function");
		rte_errno = EINVAL;
		return -EINVAL;
	}
	id = name_claim(d, name);
	if (id < 0) {
		HP_LOG(ERR, "%s: no room for reclaimer %s (%d in use)", d->name,
			name, LFP_HP_MAX_RECLAIMERS);
		rte_errno = ENOSPC;
		return -ENOSPC;
	}
	rte_spinlock_lock(&hp_bindings_lock);
	b = binding_get(d);
	ret = b == NULL ? -ENOSPC : binding_set(b, id, fn, arg);
	rte_spinlock_unlock(&hp_bindings_lock);
	if (ret < 0) {
		HP_LOG(ERR, "%s: cannot bind reclaimer %s: %s", d->name, name,
			ret == -EEXIST ? "bound to another function" :
					 "too many domains in this process");
		rte_errno = -ret;
		return ret;
	}
	return id;
}

/*
 * Domains.
 */

/* "LFP_HP_<name>"; callers checked strlen(name) <= LFP_HP_DOMAIN_NAME_MAX. */
static void
mz_name_make(char mz_name[RTE_MEMZONE_NAMESIZE], const char *name)
{
	snprintf(mz_name, RTE_MEMZONE_NAMESIZE, "%s%.*s", LFP_HP_MZ_PREFIX,
		LFP_HP_DOMAIN_NAME_MAX, name);
}

struct lfp_hp_domain *
lfp_hp_domain_create(const char *name, unsigned int max_records,
	unsigned int slots, int socket_id)
{
	char mz_name[RTE_MEMZONE_NAMESIZE];
	const struct rte_memzone *mz;
	struct lfp_hp_domain *d;
	struct lfp_hp_record *r;
	size_t size;
	unsigned int i;

	RTE_BUILD_BUG_ON(
		sizeof(LFP_HP_MZ_PREFIX) - 1 + LFP_HP_DOMAIN_NAME_MAX >=
		RTE_MEMZONE_NAMESIZE);
	RTE_BUILD_BUG_ON(LFP_HP_DOMAIN_NAME_MAX >= LFP_HP_NAMESIZE);
	if (rte_eal_process_type() != RTE_PROC_PRIMARY) {
		HP_LOG(ERR, "domains are created by the primary process");
		rte_errno = E_RTE_SECONDARY;
		return NULL;
	}
	if (name == NULL || name[0] == '\0' ||
		strlen(name) > LFP_HP_DOMAIN_NAME_MAX || max_records == 0 ||
		max_records > LFP_HP_MAX_RECORDS || slots == 0 ||
		slots > LFP_HP_SLOTS_MAX) {
		HP_LOG(ERR, "invalid name, max_records %u or slots %u",
			max_records, slots);
		rte_errno = EINVAL;
		return NULL;
	}
	mz_name_make(mz_name, name);
	size = sizeof(*d) + (size_t)max_records * sizeof(*r);
	mz = rte_memzone_reserve_aligned(
		mz_name, size, socket_id, 0, RTE_CACHE_LINE_SIZE);
	if (mz == NULL) {
		HP_LOG(ERR, "%s: cannot reserve %zu bytes: %s", name, size,
			rte_strerror(rte_errno));
		return NULL;
	}
	d = mz->addr;
	memset(d, 0, size);
	rte_strlcpy(d->name, name, sizeof(d->name));
	d->max_records = max_records;
	d->slots = slots;
	d->serial = rte_get_tsc_cycles();
	d->nb_cpus = RTE_MAX(sysconf(_SC_NPROCESSORS_ONLN), 1L);
	rte_spinlock_init(&d->names_lock);
	for (i = 0; i < max_records; i++) {
		r = &d->records[i];
		r->index = i;
		r->nb_slots = slots;
		r->domain = d;
	}
	/* release: everything above is visible to a process that sees the
	 * magic; pairs with the acquire load in hp_domain_valid().
	 */
	__atomic_store_n(&d->magic, HP_MAGIC, __ATOMIC_RELEASE);
	process_attach(d);
	HP_LOG(DEBUG, "%s: %u records x %u slots, %zu bytes", name, max_records,
		slots, size);
	return d;
}

struct lfp_hp_domain *
lfp_hp_domain_lookup(const char *name)
{
	char mz_name[RTE_MEMZONE_NAMESIZE];
	const struct rte_memzone *mz;

	if (name == NULL) {
		HP_LOG(ERR, "NULL name");
		rte_errno = EINVAL;
		return NULL;
	}
	if (name[0] == '\0' || strlen(name) > LFP_HP_DOMAIN_NAME_MAX)
		mz = NULL; /* No domain can have that name. */
	else {
		mz_name_make(mz_name, name);
		mz = rte_memzone_lookup(mz_name);
	}
	if (mz == NULL || !hp_domain_valid(mz->addr)) {
		/* A normal answer (the caller may create the domain next),
		 * not an error.
		 */
		HP_LOG(DEBUG, "no domain %s", name);
		rte_errno = ENOENT;
		return NULL;
	}
	process_attach(mz->addr);
	return mz->addr;
}

const char *
lfp_hp_domain_name(const struct lfp_hp_domain *d)
{
	return d != NULL ? d->name : NULL;
}

/*
 * Orphans: retired lists of unregistered records, as a Treiber stack of
 * whole chains. Pushes CAS one chain on; adoption takes the whole stack with
 * one exchange. No pop of a single element ever compares a head it read
 * earlier, so there is no ABA.
 */

/* Push the chain @p first; returns its length. */
static uint64_t
orphans_push(struct lfp_hp_domain *d, struct lfp_hp_node *first)
{
	struct lfp_hp_node *last = first, *head;
	uint64_t n = 1;

	while (last->next != NULL) {
		last = last->next;
		n++;
	}
	/* relaxed: a statistic. Added before the push, so the adopter's
	 * subtraction (after its acquire of the chain) cannot underflow.
	 */
	__atomic_fetch_add(&d->nb_orphans, n, __ATOMIC_RELAXED);
	/* relaxed: a first guess of the head, checked by the CAS. */
	head = __atomic_load_n(&d->orphans, __ATOMIC_RELAXED);
	do {
		last->next = head; /* The chain is still private. */
		/* release: the chain's links and nodes are visible to the
		 * adopter; pairs with the acquire exchange in orphans_take().
		 * Failure is relaxed: it only reloads the head to retry.
		 */
	} while (!__atomic_compare_exchange_n(&d->orphans, &head, first, true,
		__ATOMIC_RELEASE, __ATOMIC_RELAXED));
	return n;
}

/*
 * Move @p r's whole retired list to the orphans; returns its length. The
 * list leaves the record before the push: a process killed in between
 * loses the list (it is nowhere), rather than leaving it both here and in
 * the orphans for two reclaimers.
 */
static uint64_t
retired_to_orphans(struct lfp_hp_record *r)
{
	struct lfp_hp_node *list = r->retired;

	if (list == NULL)
		return 0;
	r->retired = NULL;
	/* Compiler barrier: the unlink is stored before the push starts. */
	rte_compiler_barrier();
	counter_set(&r->pending, 0);
	r->stuck = 0;
	return orphans_push(r->domain, list);
}

/* Take every orphan; returns the list and its length in *n. */
static struct lfp_hp_node *
orphans_take(struct lfp_hp_domain *d, struct lfp_hp_node **last, uint64_t *n)
{
	struct lfp_hp_node *list, *node;

	*n = 0;
	/* relaxed: a peek, so that a scan with no orphans (the usual case)
	 * does not write the shared line; the exchange does the ordering.
	 */
	if (__atomic_load_n(&d->orphans, __ATOMIC_RELAXED) == NULL)
		return NULL;
	/* acquire: pairs with the release CAS in orphans_push(), so the
	 * pushed chains' links and nodes are visible here.
	 */
	list = __atomic_exchange_n(&d->orphans, NULL, __ATOMIC_ACQUIRE);
	for (node = list; node != NULL; node = node->next) {
		*last = node;
		(*n)++;
	}
	/* relaxed: a statistic; see orphans_push(). */
	__atomic_fetch_sub(&d->nb_orphans, *n, __ATOMIC_RELAXED);
	return list;
}

/* Move the domain's orphans onto @p r's retired list. */
static void
orphans_adopt(struct lfp_hp_record *r)
{
	struct lfp_hp_node *list, *last = NULL;
	uint64_t n, pending;

	list = orphans_take(r->domain, &last, &n);
	if (list == NULL)
		return;
	last->next = r->retired; /* The chain is still private. */
	/* Compiler barrier: one store makes the whole chain ours. */
	rte_compiler_barrier();
	r->retired = list;
	pending = counter_get(&r->pending) + n;
	counter_set(&r->pending, pending);
	HP_STAT_MAX(r, peak_pending, pending);
}

/*
 * Scan.
 */

static int
ptr_cmp(const void *a, const void *b)
{
	uintptr_t x = (uintptr_t) * (void *const *)a;
	uintptr_t y = (uintptr_t) * (void *const *)b;

	return (x > y) - (x < y);
}

/* Calls fn(p, arg) for each hazard published in the domain. */
static bool
hazards_walk(const struct lfp_hp_domain *d, bool (*fn)(void *p, void *arg),
	void *arg)
{
	const struct lfp_hp_record *rec;
	unsigned int i, k, n;
	void *p;

	/* acquire: pairs with the seq_cst raise in hwm_raise(). A record
	 * raised the mark before its owner's first publish, so after the
	 * scan's fence every record with a hazard we must see is below it.
	 */
	n = __atomic_load_n(&d->records_hwm, __ATOMIC_ACQUIRE);
	for (i = 0; i < n; i++) {
		rec = &d->records[i];
		/* acquire: pairs with the release in record_free(). A free
		 * record has NULL slots; a claim (seq_cst CAS and fence)
		 * precedes its owner's first publish, so after the scan's
		 * fence a record with a hazard we must see is seen owned.
		 */
		if (__atomic_load_n(&rec->owner, __ATOMIC_ACQUIRE) == 0)
			continue;
		for (k = 0; k < rec->nb_slots; k++) {
			/* acquire: pairs with the owner's release clear or
			 * seq_cst publish, so its reads of a node happen
			 * before we reclaim a node we no longer see here.
			 */
			p = __atomic_load_n(&rec->slots[k], __ATOMIC_ACQUIRE);
			if (p != NULL && fn(p, arg))
				return true;
		}
	}
	return false;
}

static bool
snapshot_add(void *p, void *arg)
{
	struct hp_snapshot *s = arg;

	if (s->n < HP_SNAPSHOT_MAX)
		s->ptrs[s->n++] = p;
	else
		s->partial = true;
	return false;
}

static bool
hazard_equals(void *p, void *arg)
{
	return p == arg;
}

static void
snapshot_take(const struct lfp_hp_domain *d, struct hp_snapshot *s)
{
	s->n = 0;
	s->partial = false;
	hazards_walk(d, snapshot_add, s);
	qsort(s->ptrs, s->n, sizeof(s->ptrs[0]), ptr_cmp);
}

/* Binary search of the sorted snapshot, inline: once per retired node. */
static inline bool
snapshot_sorted_has(const struct hp_snapshot *s, const void *p)
{
	unsigned int lo = 0, hi = s->n, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if ((uintptr_t)s->ptrs[mid] < (uintptr_t)p)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < s->n && s->ptrs[lo] == p;
}

/*
 * Is @p p a hazard? Binary search of the snapshot; if it overflowed, a
 * linear search of the live slots, which were all read after the scan's
 * fence too, so the same guarantee holds.
 */
static bool
snapshot_has(
	const struct hp_snapshot *s, const struct lfp_hp_domain *d, void *p)
{
	return snapshot_sorted_has(s, p) ||
		(s->partial && hazards_walk(d, hazard_equals, p));
}

/* Does an owned record of @p d publish without a fence? */
static bool
fast_records_in(const struct lfp_hp_domain *d)
{
	/* acquire: as in hazards_walk(). */
	uint32_t i, n = __atomic_load_n(&d->records_hwm, __ATOMIC_ACQUIRE);

	for (i = 0; i < n; i++)
		/* relaxed: read after the scan's fence, which is what orders
		 * it against a claim; see scan_fence().
		 */
		if (__atomic_load_n(&d->records[i].owner, __ATOMIC_RELAXED) &
			HP_OWNER_FAST)
			return true;
	return false;
}

/*
 * The scan's side of the publish/scan pairing; after it, the slot reads
 * see every hazard published for a node that was unlinked before it.
 * Returns false when the domain has fence-less records that this process
 * cannot order (it could not register for membarrier): the scan must then
 * reclaim nothing.
 */
static bool
scan_fence(const struct lfp_hp_domain *d)
{
	/*
	 * seq_cst fence: our unlinks (before our retires) precede the slot
	 * reads below. Pairs with the full barrier of fence-mode publishes
	 * (seq_cst store in lfp_hp_protect(), exchange in lfp_hp_set()) and
	 * with the fence after a claim in record_claim(): in each pair one
	 * side's store precedes its load, so at least one side sees the
	 * other's store (store buffering forbidden by two full fences).
	 */
	rte_atomic_thread_fence(__ATOMIC_SEQ_CST);
	/*
	 * membarrier GLOBAL_EXPEDITED: a full barrier on every CPU that runs
	 * a thread of a registered process, between our fence above and the
	 * slot reads. Pairs with the compiler barrier of fence-less
	 * publishes in lfp_hp_protect(): a reader's publish and re-load are
	 * then either both before that barrier (its publish is visible to
	 * us) or its re-load after it (and it sees our unlink).
	 */
	if (hp_membarrier_global())
		return true;
	return !fast_records_in(d);
}

/* Time for @p r's scan to look for records of dead processes? */
static bool
sweep_due(struct lfp_hp_record *r)
{
	if (r->next_sweep > 0) {
		r->next_sweep--;
		return false;
	}
	r->next_sweep = HP_SWEEP_PERIOD - 1;
	return true;
}

static unsigned int domain_adopt(struct lfp_hp_domain *d);

/*
 * A scan that cannot order the domain's fence-less readers hands its nodes
 * to the orphans, where a scan in a process that can (registered for
 * membarrier) adopts them.
 */
static unsigned int
scan_defer(struct lfp_hp_record *r)
{
	uint64_t n = retired_to_orphans(r);

	HP_STAT_ADD(r, scans, 1);
	/* relaxed: a statistic; deferring is a slow path. */
	__atomic_fetch_add(&r->domain->deferred, n, __ATOMIC_RELAXED);
	return 0;
}

/*
 * Reclaim what no hazard protects on @p r's retired list. The list is
 * walked in place, and each reclaimed node is unlinked with one store
 * before its reclaimer runs: if the process dies at any point, an adopter
 * finds a well-formed list in which every node is still retired and none
 * is half reclaimed. Nodes a reclaimer retires meanwhile are pushed at the
 * head and left for a later scan (they were unlinked after our fence).
 */
static unsigned int
scan(struct lfp_hp_record *r, const struct hp_binding *b, bool adopt)
{
	struct lfp_hp_domain *d = r->domain;
	struct lfp_hp_node **prev, *node, *next;
	uint64_t nb_unbound = 0, nb_reclaimed = 0;
	struct hp_snapshot snap;
	lfp_hp_reclaim_t fn;
	void *arg = NULL;

	if (adopt && sweep_due(r))
		domain_adopt(d);
	/* A first look, so that a process that cannot order the fence-less
	 * readers does not adopt the orphans only to give them back; the
	 * decision is scan_fence()'s.
	 */
	if (!hp_fast_publish() && fast_records_in(d))
		return scan_defer(r);
	if (adopt)
		orphans_adopt(r);
	if (!scan_fence(d))
		return scan_defer(r);
	snapshot_take(d, &snap);
	r->in_scan = 1;
	prev = &r->retired;
	for (node = r->retired; node != NULL; node = next) {
		next = node->next;
		fn = NULL;
		if (!snapshot_has(&snap, d, node->ptr)) {
			fn = binding_fn(b, node->reclaimer_id, &arg);
			nb_unbound += fn == NULL;
		}
		if (fn == NULL) {
			prev = &node->next; /* Kept. */
			continue;
		}
		*prev = next;
		/* Compiler barrier: the node is off the list before its
		 * reclaimer may reuse it.
		 */
		rte_compiler_barrier();
		fn(node, arg);
		nb_reclaimed++;
		/* Step over what the reclaimer retired in front of next. */
		while (*prev != next)
			prev = &(*prev)->next;
	}
	r->in_scan = 0;
	r->stuck = nb_unbound;
	counter_set(&r->pending, counter_get(&r->pending) - nb_reclaimed);
	HP_STAT_ADD(r, scans, 1);
	HP_STAT_ADD(r, reclaimed, nb_reclaimed);
	HP_STAT_ADD(r, unbound, nb_unbound);
	return nb_reclaimed;
}

/*
 * R = max(2 * H, LFP_HP_RETIRE_BATCH * min(N, C)), with N the records in
 * use, H = N * slots and C the CPUs (lfp_hazptr.h, "Bound on unreclaimed
 * memory").
 */
static inline uint64_t
scan_threshold(const struct lfp_hp_record *r)
{
	const struct lfp_hp_domain *d = r->domain;
	/* relaxed: only sizes the threshold; a stale count changes when a
	 * scan runs, never what it may reclaim.
	 */
	uint64_t n = __atomic_load_n(&d->records_used, __ATOMIC_RELAXED);

	return RTE_MAX(2 * n * r->nb_slots,
		(uint64_t)LFP_HP_RETIRE_BATCH *
			RTE_MIN(n, (uint64_t)d->nb_cpus));
}

unsigned int
lfp_hp_scan(struct lfp_hp_record *r)
{
	if (unlikely(r == NULL)) {
		rte_errno = EINVAL;
		return 0;
	}
	return scan(r, binding_find(r->domain), true);
}

unsigned int
lfp_hp_barrier(struct lfp_hp_record *r)
{
	if (!record_valid(r)) {
		HP_LOG(ERR, "invalid record");
		rte_errno = EINVAL;
		return 0;
	}
	domain_adopt(r->domain);
	scan(r, binding_find(r->domain), true);
	return counter_get(&r->pending);
}

/*
 * Fast path: retire (protect, set and clear are inline, lfp_hazptr.h).
 */

int
lfp_hp_arg_invalid(const char *func, unsigned int slot)
{
	rte_log(RTE_LOG_DEBUG, hp_logtype,
		"%s(): invalid record, source or slot %u\n", func, slot);
	rte_errno = EINVAL;
	return -EINVAL;
}

int
lfp_hp_retire(struct lfp_hp_record *r, struct lfp_hp_node *node, void *ptr,
	uint32_t reclaimer_id)
{
	const struct hp_binding *b;
	uint64_t pending;
	void *arg;

	if (unlikely(r == NULL || node == NULL || ptr == NULL))
		goto invalid;
	b = binding_find(r->domain);
	if (unlikely(binding_fn(b, reclaimer_id, &arg) == NULL))
		goto invalid;
	node->ptr = ptr;
	node->reclaimer_id = reclaimer_id;
	node->next = r->retired;
	/* Compiler barrier: the node is complete before the one store that
	 * links it, for an adopter that reads the list of a dead process.
	 */
	rte_compiler_barrier();
	r->retired = node;
	pending = counter_get(&r->pending) + 1;
	counter_set(&r->pending, pending);
	HP_STAT_ADD(r, retired_cnt, 1);
	HP_STAT_MAX(r, peak_pending, pending);
	if (pending - r->stuck >= scan_threshold(r) && !r->in_scan)
		scan(r, b, true);
	return 0;
invalid:
	HP_LOG(DEBUG, "invalid record, node, pointer or reclaimer %u",
		reclaimer_id);
	rte_errno = EINVAL;
	return -EINVAL;
}

/*
 * Records.
 */

/* Raise the records high-water mark to at least @p n; never lowered. */
static void
hwm_raise(struct lfp_hp_domain *d, uint32_t n)
{
	/* acquire: a mark already high enough was raised by a seq_cst CAS
	 * that must precede our first publish; this load orders it so.
	 */
	uint32_t cur = __atomic_load_n(&d->records_hwm, __ATOMIC_ACQUIRE);

	/* seq_cst: precedes our first publish in the total order read by
	 * scan()'s fence (hazards_walk()); failure acquire, as above.
	 */
	while (cur < n &&
		!__atomic_compare_exchange_n(&d->records_hwm, &cur, n, true,
			__ATOMIC_SEQ_CST, __ATOMIC_ACQUIRE))
		;
}

/* Claim the first free record of @p d for owner word @p me, or NULL. */
static struct lfp_hp_record *
record_claim(struct lfp_hp_domain *d, uint64_t me)
{
	struct lfp_hp_record *r;
	uint64_t expected;
	unsigned int i;

	/* relaxed: sizes the scan threshold only; raised before the claim
	 * (see struct lfp_hp_domain).
	 */
	__atomic_fetch_add(&d->records_used, 1, __ATOMIC_RELAXED);
	for (i = 0; i < d->max_records; i++) {
		r = &d->records[i];
		expected = 0;
		/* relaxed: a peek to skip owned records without a locked RMW;
		 * the CAS decides.
		 */
		if (__atomic_load_n(&r->owner, __ATOMIC_RELAXED) != 0)
			continue;
		/* seq_cst: acquire pairs with the release in record_free()
		 * (the last owner's list and counters are ours), and the
		 * claim precedes our first publish in the total order read
		 * by scan()'s fence (hazards_walk()). Failure is relaxed: we
		 * move on to the next record.
		 */
		if (__atomic_compare_exchange_n(&r->owner, &expected, me, false,
			    __ATOMIC_SEQ_CST, __ATOMIC_RELAXED)) {
			hwm_raise(d, i + 1);
			/* seq_cst fence: the claim precedes the owner's
			 * fence-less publishes and re-loads. Pairs with the
			 * fence in scan_fence(): a scan in a process without
			 * membarrier either sees this record owned and fast
			 * (and reclaims nothing), or its unlinks are seen by
			 * our re-loads.
			 */
			rte_atomic_thread_fence(__ATOMIC_SEQ_CST);
			return r;
		}
	}
	/* relaxed: as above. */
	__atomic_fetch_sub(&d->records_used, 1, __ATOMIC_RELAXED);
	return NULL;
}

/*
 * Make @p r free: drop its hazards, move its retired nodes to the orphans
 * and clear the owner word. Called by the owner (unregister, exit) or by
 * an adopter that took the record from a dead owner.
 */
static void
record_free(struct lfp_hp_record *r)
{
	unsigned int k;

	for (k = 0; k < r->nb_slots; k++)
		/* release: as in lfp_hp_clear(). */
		__atomic_store_n(&r->slots[k], NULL, __ATOMIC_RELEASE);
	retired_to_orphans(r);
	r->in_scan = 0;
	r->next_sweep = 0;
	/* release: the emptied list and final counters are visible to the
	 * next owner; pairs with the acquire of the CAS in record_claim().
	 */
	__atomic_store_n(&r->owner, 0, __ATOMIC_RELEASE);
	/* relaxed: sizes the scan threshold only; lowered after the record
	 * is free (see struct lfp_hp_domain).
	 */
	__atomic_fetch_sub(&r->domain->records_used, 1, __ATOMIC_RELAXED);
}

/* Take @p r from the dead owner @p dead and free it. */
static bool
record_adopt(struct lfp_hp_record *r, uint64_t dead)
{
	/* acquire: pairs with the release of a previous adopter's or
	 * owner's hand-over; the dead owner's own plain stores are visible
	 * since its exit, which we observed through the kernel. Failure:
	 * another adopter was first, or the record changed hands.
	 */
	if (!__atomic_compare_exchange_n(&r->owner, &dead,
		    hp_owner_self() & ~HP_OWNER_FAST, false, __ATOMIC_ACQUIRE,
		    __ATOMIC_RELAXED))
		return false;
	record_free(r);
	return true;
}

/* Liveness of @p owner, remembered for the rest of one sweep. */
struct owner_seen {
	unsigned int n;
	uint64_t owner[HP_SWEEP_OWNERS];
	bool alive[HP_SWEEP_OWNERS];
};

static bool
owner_alive_cached(struct owner_seen *seen, uint64_t owner)
{
	unsigned int i;
	bool alive;

	owner &= ~HP_OWNER_FAST;
	for (i = 0; i < seen->n; i++)
		if (seen->owner[i] == owner)
			return seen->alive[i];
	alive = hp_owner_alive(owner);
	if (seen->n < HP_SWEEP_OWNERS) {
		seen->owner[seen->n] = owner;
		seen->alive[seen->n++] = alive;
	}
	return alive;
}

/*
 * Free the records whose owner process is gone. Slow path: one liveness
 * check (kill(2) and /proc) per distinct owner.
 */
static unsigned int
domain_adopt(struct lfp_hp_domain *d)
{
	struct owner_seen seen = {.n = 0};
	unsigned int i, n = 0;
	uint64_t owner;

	for (i = 0; i < d->max_records; i++) {
		/* relaxed: a peek; record_adopt()'s CAS decides. */
		owner = __atomic_load_n(&d->records[i].owner, __ATOMIC_RELAXED);
		if (owner != 0 && !owner_alive_cached(&seen, owner) &&
			record_adopt(&d->records[i], owner)) {
			HP_LOG(INFO, "%s: record %u of dead pid %u adopted",
				d->name, i,
				(unsigned int)(owner & HP_OWNER_PID_MASK));
			n++;
		}
	}
	if (n > 0)
		/* relaxed: a statistic. */
		__atomic_fetch_add(&d->adopted, n, __ATOMIC_RELAXED);
	return n;
}

int
lfp_hp_domain_adopt(struct lfp_hp_domain *d)
{
	if (!hp_domain_valid(d)) {
		HP_LOG(ERR, "invalid domain");
		rte_errno = EINVAL;
		return -EINVAL;
	}
	return domain_adopt(d);
}

struct lfp_hp_record *
lfp_hp_register(struct lfp_hp_domain *d)
{
	struct lfp_hp_record *r;
	uint64_t me;

	if (!hp_domain_valid(d)) {
		HP_LOG(ERR, "invalid domain");
		rte_errno = EINVAL;
		return NULL;
	}
	process_attach(d);
	me = hp_owner_self();
	r = record_claim(d, me);
	/* Slow path: the dead may hold the records we need. */
	if (r == NULL && domain_adopt(d) > 0)
		r = record_claim(d, me);
	if (r == NULL) {
		HP_LOG(ERR, "%s: all %u records in use", d->name,
			d->max_records);
		rte_errno = ENOSPC;
	}
	return r;
}

int
lfp_hp_unregister(struct lfp_hp_record *r)
{
	unsigned int k;

	/* relaxed: the owner reads the word it wrote itself. */
	if (!record_valid(r) ||
		__atomic_load_n(&r->owner, __ATOMIC_RELAXED) == 0) {
		HP_LOG(ERR, "invalid or unregistered record");
		rte_errno = EINVAL;
		return -EINVAL;
	}
	for (k = 0; k < r->nb_slots; k++)
		lfp_hp_clear(r, k);
	scan(r, binding_find(r->domain), false);
	record_free(r);
	return 0;
}

/*
 * Exit: give back this process's records.
 */

/* Is the whole of @p d still mapped (EAL memory not yet detached)? */
static bool
domain_mapped(const struct lfp_hp_domain *d)
{
	uintptr_t page = sysconf(_SC_PAGESIZE);
	uintptr_t start = RTE_ALIGN_FLOOR((uintptr_t)d, page);
	size_t len = (uintptr_t)(d + 1) - start;

	/* msync() fails with ENOMEM on an unmapped range; it reads nothing. */
	if (msync((void *)start, len, MS_ASYNC) != 0)
		return false;
	len += (size_t)d->max_records * sizeof(d->records[0]);
	return msync((void *)start, len, MS_ASYNC) == 0;
}

/* Free every record of @p d that this process owns. */
static unsigned int
domain_release_own(struct lfp_hp_domain *d, uint64_t me)
{
	unsigned int i, n = 0;

	for (i = 0; i < d->max_records; i++)
		/* relaxed: only this process writes its own owner words. */
		if (__atomic_load_n(&d->records[i].owner, __ATOMIC_RELAXED) ==
			me) {
			record_free(&d->records[i]);
			n++;
		}
	return n;
}

static unsigned int
process_release(bool at_exit)
{
	const struct lfp_hp_domain *bd;
	struct lfp_hp_domain *d;
	unsigned int i, n = 0;
	uint64_t me = hp_owner_self();

	rte_spinlock_lock(&hp_bindings_lock);
	for (i = 0; i < HP_MAX_BINDINGS; i++) {
		/* relaxed: entries only change under the lock we hold. */
		bd = __atomic_load_n(&hp_bindings[i].domain, __ATOMIC_RELAXED);
		d = (struct lfp_hp_domain *)(uintptr_t)bd;
		if (d == NULL || (at_exit && !domain_mapped(d)) ||
			!hp_domain_valid(d) ||
			d->serial != hp_bindings[i].serial)
			continue;
		n += domain_release_own(d, me);
	}
	rte_spinlock_unlock(&hp_bindings_lock);
	return n;
}

unsigned int
lfp_hp_process_release(void)
{
	unsigned int n = process_release(false);

	HP_LOG(DEBUG, "%u records given back", n);
	return n;
}

/*
 * exit() runs no thread-exit handler for the main thread, so records are
 * given back here, provided rte_eal_cleanup() has not unmapped the domains
 * yet (otherwise lfp_hp_process_release() should have been called before
 * it, or adoption frees them later). A process killed by a signal runs
 * nothing: adoption handles it.
 */
RTE_FINI(hazptr_fini)
{
	process_release(true);
}

/*
 * Freeing a domain.
 */

/* Reclaim every orphan, or none if one has no reclaimer in this process. */
static int
orphans_reclaim(struct lfp_hp_domain *d)
{
	const struct hp_binding *b = binding_find(d);
	struct lfp_hp_node *list, *node, *next, *last = NULL;
	lfp_hp_reclaim_t fn;
	void *arg;
	uint64_t n;

	list = orphans_take(d, &last, &n);
	for (node = list; node != NULL; node = node->next) {
		if (binding_fn(b, node->reclaimer_id, &arg) == NULL) {
			HP_LOG(ERR,
				"%s: orphan with reclaimer %u, not "
				"registered in this process",
				d->name, node->reclaimer_id);
			orphans_push(d, list);
			return -EBUSY;
		}
	}
	for (node = list; node != NULL; node = next) {
		next = node->next; /* The reclaimer may reuse the node. */
		fn = binding_fn(b, node->reclaimer_id, &arg);
		fn(node, arg);
	}
	return 0;
}

/* Records with an owner (live, or dead and not adopted yet). */
static uint32_t
records_owned(const struct lfp_hp_domain *d)
{
	uint32_t i, n = 0;

	for (i = 0; i < d->max_records; i++)
		/* relaxed: a count for stats and the control path. */
		n += __atomic_load_n(&d->records[i].owner, __ATOMIC_RELAXED) !=
			0;
	return n;
}

int
lfp_hp_domain_free(struct lfp_hp_domain *d)
{
	char mz_name[RTE_MEMZONE_NAMESIZE];
	const struct rte_memzone *mz;
	int ret;

	if (d == NULL)
		return 0;
	if (rte_eal_process_type() != RTE_PROC_PRIMARY) {
		HP_LOG(ERR, "domains are freed by the primary process");
		rte_errno = E_RTE_SECONDARY;
		return -E_RTE_SECONDARY;
	}
	if (!hp_domain_valid(d)) {
		HP_LOG(ERR, "invalid domain");
		rte_errno = EINVAL;
		return -EINVAL;
	}
	domain_adopt(d);
	if (records_owned(d) != 0) {
		HP_LOG(ERR, "%s: records still registered", d->name);
		rte_errno = EBUSY;
		return -EBUSY;
	}
	ret = orphans_reclaim(d);
	if (ret < 0) {
		rte_errno = -ret;
		return ret;
	}
	mz_name_make(mz_name, d->name);
	mz = rte_memzone_lookup(mz_name);
	binding_forget(d);
	/* relaxed: a stale handle fails hp_domain_valid() from now on. */
	__atomic_store_n(&d->magic, 0, __ATOMIC_RELAXED);
	return rte_memzone_free(mz);
}

/*
 * Statistics.
 */

static void
record_read_stats(const struct lfp_hp_record *r, struct lfp_hp_stats *st)
{
	st->retired = counter_get(&r->retired_cnt);
	st->reclaimed = counter_get(&r->reclaimed);
	st->pending = counter_get(&r->pending);
	st->scans = counter_get(&r->scans);
	st->peak_pending = counter_get(&r->peak_pending);
	st->unbound = counter_get(&r->unbound);
}

int
lfp_hp_record_stats(const struct lfp_hp_record *r, struct lfp_hp_stats *st)
{
	if (r == NULL || st == NULL) {
		HP_LOG(ERR, "NULL record or stats");
		rte_errno = EINVAL;
		return -EINVAL;
	}
	memset(st, 0, sizeof(*st));
	record_read_stats(r, st);
	return 0;
}

int
lfp_hp_domain_stats(const struct lfp_hp_domain *d, struct lfp_hp_stats *st)
{
	struct lfp_hp_stats rs;
	unsigned int i;

	if (!hp_domain_valid(d) || st == NULL) {
		HP_LOG(ERR, "invalid domain or NULL stats");
		rte_errno = EINVAL;
		return -EINVAL;
	}
	memset(st, 0, sizeof(*st));
	/* Counters are cumulative, so free records count too. */
	for (i = 0; i < d->max_records; i++) {
		record_read_stats(&d->records[i], &rs);
		st->retired += rs.retired;
		st->reclaimed += rs.reclaimed;
		st->pending += rs.pending;
		st->scans += rs.scans;
		st->peak_pending = RTE_MAX(st->peak_pending, rs.peak_pending);
		st->unbound += rs.unbound;
	}
	/* relaxed: statistics; see orphans_push(). */
	st->orphans = __atomic_load_n(&d->nb_orphans, __ATOMIC_RELAXED);
	st->pending += st->orphans;
	/* relaxed: a statistic. */
	st->adopted = __atomic_load_n(&d->adopted, __ATOMIC_RELAXED);
	/* relaxed: a statistic. */
	st->deferred = __atomic_load_n(&d->deferred, __ATOMIC_RELAXED);
	st->records_used = records_owned(d);
	return 0;
}
