/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The lfpool authors
 */

/*
 * lfpool hazard pointers: serial semantics, bad input, a multi-lcore stress
 * on a Treiber stack, a registered non-EAL thread that leaves orphans, and a
 * secondary process working on the primary's domain.
 *
 * The stress stack is a plain-pointer Treiber stack with no ABA tag: the
 * hazard pointers themselves prevent ABA. A popper protects the head before
 * it reads head->next, and a node only comes back onto the stack after it
 * was reclaimed, which cannot happen while any popper still holds its
 * hazard; so the head cannot go A -> B -> A under a popper's CAS.
 *
 * Reclaimed nodes are poisoned and parked in a per-thread stash before they
 * are pushed back, so a node reclaimed too early is likely to be seen
 * poisoned by a reader that still holds it. The node's canary and counters
 * are plain fields on purpose: under ThreadSanitizer, a missing
 * happens-before edge in the library shows up as a data race on them.
 */

#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <linux/membarrier.h>

#include <rte_common.h>
#include <rte_cycles.h>
#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_launch.h>
#include <rte_lcore.h>
#include <rte_log.h>
#include <rte_malloc.h>
#include <rte_memzone.h>
#include <rte_pause.h>
#include <rte_string_fns.h>

#include "lfp_hazptr.h"
#include "hazptr_private.h"
#include "lfp_test.h"

#define TEST_LCORES 4
/* Slots the serial tests ask for: 2, or 1 with -Dhazard_slots=1. */
#define TEST_SLOTS RTE_MIN(2, LFP_HP_SLOTS_MAX)

#define CANARY_LIVE UINT64_C(0x11feface11feface)
#define CANARY_POISON UINT64_C(0xdeaddeaddeaddead)
#define NB_NODES 4096
/* Reclaimed nodes a thread parks before pushing them back. */
#define STASH_MAX 32
/* Pops per thread in the stress tests; see stress_ops(). */
#define STRESS_OPS 750000UL
/* One operation in 4 is a peek that holds its hazard for PEEK_SPINS. */
#define PEEK_MASK 3
#define PEEK_SPINS 16
#define MP_DOMAIN "hp_test_mp"
#define MP_ZONE "hp_test_mp_stack"
/* Set by meson for the run of the multi-process suite. */
#define ENV_MP "LFP_HP_TEST_MP"
/* Set in a re-run whose membarrier(2) calls fail (seccomp filter). */
#define ENV_NO_MEMBARRIER "LFP_HP_TEST_NO_MEMBARRIER"

/*
 * Serial tests: a reclaimer that counts and remembers what it got.
 */

struct count_ctx {
	unsigned int calls;
	struct lfp_hp_node *last;
};

static void
count_reclaim(struct lfp_hp_node *node, void *arg)
{
	struct count_ctx *c = arg;

	c->calls++;
	c->last = node;
}

struct serial_obj {
	struct lfp_hp_node hp;
	unsigned int reclaimed;
};

static void
obj_reclaim(struct lfp_hp_node *node, void *arg)
{
	struct serial_obj *o = container_of(node, struct serial_obj, hp);
	unsigned int *total = arg;

	o->reclaimed++;
	(*total)++;
}

/* A fresh domain with one "obj" reclaimer bound to obj_reclaim. */
static struct lfp_hp_domain *
serial_domain_slots(const char *name, unsigned int records, unsigned int slots,
	unsigned int *total, int *id)
{
	struct lfp_hp_domain *d;

	d = lfp_hp_domain_create(name, records, slots, SOCKET_ID_ANY);
	CU_ASSERT_PTR_NOT_NULL_FATAL(d);
	*id = lfp_hp_reclaimer_register(d, "obj", obj_reclaim, total);
	CU_ASSERT_FATAL(*id >= 0);
	return d;
}

static struct lfp_hp_domain *
serial_domain(
	const char *name, unsigned int records, unsigned int *total, int *id)
{
	return serial_domain_slots(name, records, TEST_SLOTS, total, id);
}

/* R = max(2 * H, LFP_HP_RETIRE_BATCH * min(N, C)), as lfp_hazptr.h says. */
static uint64_t
scan_threshold_for(unsigned int records_used, unsigned int slots)
{
	uint64_t cpus = RTE_MAX(sysconf(_SC_NPROCESSORS_ONLN), 1L);

	return RTE_MAX(2ULL * records_used * slots,
		(uint64_t)LFP_HP_RETIRE_BATCH * RTE_MIN(records_used, cpus));
}

/*
 * A lookup miss is an answer, not an error: it returns NULL with ENOENT
 * and logs nothing above DEBUG (the log type is opened to INFO meanwhile,
 * so that an ERR, WARNING, NOTICE or INFO line would be caught).
 */
static void
test_hp_domain_lookup_miss_is_quiet(void)
{
	int level = rte_log_get_level(hp_logtype);
	char *text = NULL;
	size_t len = 0;
	FILE *f;

	CU_ASSERT_FATAL(level >= 0);
	f = open_memstream(&text, &len);
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	CU_ASSERT_EQUAL_FATAL(rte_openlog_stream(f), 0);
	CU_ASSERT_EQUAL(rte_log_set_level(hp_logtype, RTE_LOG_INFO), 0);
	LFP_ASSERT_NULL_ERRNO(lfp_hp_domain_lookup("hp_t_missing"), ENOENT);
	LFP_ASSERT_NULL_ERRNO(lfp_hp_domain_lookup(""), ENOENT);
	rte_log_set_level(hp_logtype, level);
	rte_openlog_stream(NULL);
	fclose(f);
	CU_ASSERT_EQUAL(len, 0);
	if (len != 0)
		printf("\n    logged: %s", text);
	free(text);
}

static void
test_hp_domain_create_lookup_free(void)
{
	struct lfp_hp_domain *d, *found;

	d = lfp_hp_domain_create("hp_t_life", 8, TEST_SLOTS, SOCKET_ID_ANY);
	CU_ASSERT_PTR_NOT_NULL_FATAL(d);
	CU_ASSERT_STRING_EQUAL(lfp_hp_domain_name(d), "hp_t_life");
	found = lfp_hp_domain_lookup("hp_t_life");
	CU_ASSERT_PTR_EQUAL(found, d);
	CU_ASSERT_PTR_NOT_NULL(rte_memzone_lookup("LFP_HP_hp_t_life"));
	LFP_ASSERT_NULL_ERRNO(
		lfp_hp_domain_create("hp_t_life", 8, TEST_SLOTS, SOCKET_ID_ANY),
		EEXIST);
	CU_ASSERT_EQUAL(lfp_hp_domain_free(d), 0);
	LFP_ASSERT_NULL_ERRNO(lfp_hp_domain_lookup("hp_t_life"), ENOENT);
	CU_ASSERT_PTR_NULL(rte_memzone_lookup("LFP_HP_hp_t_life"));
}

static void
test_hp_protect_then_clear_allows_reclaim(void)
{
	unsigned int total = 0;
	struct serial_obj obj = {.reclaimed = 0};
	void *src = &obj;
	struct lfp_hp_record *r;
	struct lfp_hp_domain *d;
	int id;

	d = serial_domain("hp_t_protect", 2, &total, &id);
	r = lfp_hp_register(d);
	CU_ASSERT_PTR_NOT_NULL_FATAL(r);
	CU_ASSERT_PTR_EQUAL(lfp_hp_protect(r, 0, &src), &obj);
	src = NULL; /* Unlinked. */
	CU_ASSERT_EQUAL(lfp_hp_retire(r, &obj.hp, &obj, id), 0);
	CU_ASSERT_EQUAL(lfp_hp_scan(r), 0);
	CU_ASSERT_EQUAL(obj.reclaimed, 0);
	lfp_hp_clear(r, 0);
	CU_ASSERT_EQUAL(lfp_hp_scan(r), 1);
	CU_ASSERT_EQUAL(obj.reclaimed, 1);
	CU_ASSERT_EQUAL(lfp_hp_scan(r), 0);
	CU_ASSERT_EQUAL(total, 1);
	CU_ASSERT_EQUAL(lfp_hp_unregister(r), 0);
	CU_ASSERT_EQUAL(lfp_hp_domain_free(d), 0);
}

/* A source that changes between the first read and the publish: protect
 * must return the value it validated, and NULL for an empty source.
 */
static void
test_hp_protect_returns_validated_value(void)
{
	unsigned int total = 0;
	struct serial_obj a, b;
	void *src = &a;
	struct lfp_hp_record *r;
	struct lfp_hp_domain *d;
	int id;

	d = serial_domain("hp_t_valid", 1, &total, &id);
	r = lfp_hp_register(d);
	CU_ASSERT_PTR_NOT_NULL_FATAL(r);
	CU_ASSERT_PTR_EQUAL(lfp_hp_protect(r, 0, &src), &a);
	src = &b;
	CU_ASSERT_PTR_EQUAL(lfp_hp_protect(r, 0, &src), &b);
	CU_ASSERT_PTR_EQUAL(r->slots[0], &b);
	src = NULL;
	CU_ASSERT_PTR_NULL(lfp_hp_protect(r, 0, &src));
	CU_ASSERT_PTR_NULL(r->slots[0]);
	CU_ASSERT_EQUAL(lfp_hp_unregister(r), 0);
	CU_ASSERT_EQUAL(lfp_hp_domain_free(d), 0);
}

/* Another record's hazard survives any number of threshold scans. */
static void
test_hp_retire_protected_not_freed(void)
{
	static struct serial_obj objs[300];
	unsigned int total = 0, i;
	void *src = &objs[7];
	struct lfp_hp_record *reader, *writer;
	struct lfp_hp_domain *d;
	struct lfp_hp_stats st;
	int id;

	memset(objs, 0, sizeof(objs));
	d = serial_domain("hp_t_protected", 2, &total, &id);
	reader = lfp_hp_register(d);
	writer = lfp_hp_register(d);
	CU_ASSERT_PTR_NOT_NULL_FATAL(reader);
	CU_ASSERT_PTR_NOT_NULL_FATAL(writer);
	CU_ASSERT_PTR_EQUAL(
		lfp_hp_protect(reader, TEST_SLOTS - 1, &src), &objs[7]);
	src = NULL;
	for (i = 0; i < RTE_DIM(objs); i++)
		CU_ASSERT_EQUAL(
			lfp_hp_retire(writer, &objs[i].hp, &objs[i], id), 0);
	CU_ASSERT_EQUAL(objs[7].reclaimed, 0);
	CU_ASSERT_EQUAL(lfp_hp_barrier(writer), 1);
	CU_ASSERT_EQUAL(total, RTE_DIM(objs) - 1);
	for (i = 0; i < RTE_DIM(objs); i++)
		CU_ASSERT_EQUAL(objs[i].reclaimed, i == 7 ? 0 : 1);
	CU_ASSERT_EQUAL(lfp_hp_record_stats(writer, &st), 0);
	CU_ASSERT_EQUAL(st.pending, 1);
#if LFP_STATS
	CU_ASSERT_EQUAL(st.retired, RTE_DIM(objs));
	CU_ASSERT_EQUAL(st.reclaimed, RTE_DIM(objs) - 1);
	CU_ASSERT(
		st.scans >= RTE_DIM(objs) / scan_threshold_for(2, TEST_SLOTS));
#endif
	lfp_hp_clear(reader, TEST_SLOTS - 1);
	CU_ASSERT_EQUAL(lfp_hp_barrier(writer), 0);
	CU_ASSERT_EQUAL(objs[7].reclaimed, 1);
	CU_ASSERT_EQUAL(lfp_hp_unregister(reader), 0);
	CU_ASSERT_EQUAL(lfp_hp_unregister(writer), 0);
	CU_ASSERT_EQUAL(lfp_hp_domain_free(d), 0);
}

/*
 * More hazards than a scan's sorted snapshot holds: the one that protects
 * the retired node is published last, past the snapshot, so only the
 * linear fallback can find it.
 */
static void
test_hp_many_hazards_linear_fallback(void)
{
	const unsigned int nb = HP_SNAPSHOT_MAX / LFP_HP_SLOTS_MAX + 2;
	struct serial_obj obj = {.reclaimed = 0}, other = {.reclaimed = 0};
	struct lfp_hp_record **recs;
	unsigned int total = 0, i, k;
	struct lfp_hp_domain *d;
	char *dummies;
	int id;

	recs = calloc(nb, sizeof(*recs));
	dummies = calloc(nb * LFP_HP_SLOTS_MAX, 1);
	CU_ASSERT_FATAL(recs != NULL && dummies != NULL);
	d = serial_domain_slots("hp_t_many", nb, LFP_HP_SLOTS_MAX, &total, &id);
	for (i = 0; i < nb; i++) {
		recs[i] = lfp_hp_register(d);
		CU_ASSERT_PTR_NOT_NULL_FATAL(recs[i]);
		for (k = 0; k < LFP_HP_SLOTS_MAX; k++)
			CU_ASSERT_EQUAL(
				lfp_hp_set(recs[i], k,
					&dummies[i * LFP_HP_SLOTS_MAX + k]),
				0);
	}
	RTE_VERIFY(nb * LFP_HP_SLOTS_MAX > HP_SNAPSHOT_MAX);
	CU_ASSERT_EQUAL(
		lfp_hp_set(recs[nb - 1], LFP_HP_SLOTS_MAX - 1, &obj), 0);
	CU_ASSERT_EQUAL(lfp_hp_retire(recs[0], &obj.hp, &obj, id), 0);
	CU_ASSERT_EQUAL(lfp_hp_retire(recs[0], &other.hp, &other, id), 0);
	CU_ASSERT_EQUAL(lfp_hp_scan(recs[0]), 1);
	CU_ASSERT_EQUAL(obj.reclaimed, 0);
	CU_ASSERT_EQUAL(other.reclaimed, 1);
	lfp_hp_clear(recs[nb - 1], LFP_HP_SLOTS_MAX - 1);
	CU_ASSERT_EQUAL(lfp_hp_scan(recs[0]), 1);
	CU_ASSERT_EQUAL(obj.reclaimed, 1);
	for (i = 0; i < nb; i++)
		CU_ASSERT_EQUAL(lfp_hp_unregister(recs[i]), 0);
	CU_ASSERT_EQUAL(lfp_hp_domain_free(d), 0);
	free(dummies);
	free(recs);
}

/*
 * Retire R - 1 nodes: nothing reclaimed; the R-th triggers the scan. With
 * @p records_used records of @p slots slots registered.
 */
static void
check_threshold(unsigned int records_used, unsigned int slots)
{
	struct lfp_hp_record **recs;
	struct serial_obj *objs;
	unsigned int total = 0, i;
	struct lfp_hp_domain *d;
	uint64_t threshold;
	int id;

	threshold = scan_threshold_for(records_used, slots);
	objs = calloc(threshold, sizeof(*objs));
	recs = calloc(records_used, sizeof(*recs));
	CU_ASSERT_FATAL(objs != NULL && recs != NULL);
	d = serial_domain_slots(
		"hp_t_threshold", records_used, slots, &total, &id);
	for (i = 0; i < records_used; i++) {
		recs[i] = lfp_hp_register(d);
		CU_ASSERT_PTR_NOT_NULL_FATAL(recs[i]);
	}
	for (i = 0; i < threshold - 1; i++)
		CU_ASSERT_EQUAL(
			lfp_hp_retire(recs[0], &objs[i].hp, &objs[i], id), 0);
	CU_ASSERT_EQUAL(total, 0);
	CU_ASSERT_EQUAL(lfp_hp_retire(recs[0], &objs[i].hp, &objs[i], id), 0);
	CU_ASSERT_EQUAL(total, threshold);
	for (i = 0; i < records_used; i++)
		CU_ASSERT_EQUAL(lfp_hp_unregister(recs[i]), 0);
	CU_ASSERT_EQUAL(lfp_hp_domain_free(d), 0);
	free(recs);
	free(objs);
}

/* Records needed for 2 * H to exceed the membarrier batch: past C. */
static unsigned int
records_for_hazard_term(unsigned int slots)
{
	uint64_t cpus = RTE_MAX(sysconf(_SC_NPROCESSORS_ONLN), 1L);

	return RTE_MAX(
		cpus, (uint64_t)LFP_HP_RETIRE_BATCH * cpus / (2 * slots) + 1);
}

static void
test_hp_unprotected_reclaimed_at_threshold(void)
{
	const unsigned int many = records_for_hazard_term(LFP_HP_SLOTS_MAX);

	check_threshold(1, TEST_SLOTS); /* R = LFP_HP_RETIRE_BATCH */
	check_threshold(3, TEST_SLOTS); /* R = batch * min(3, C) */
	if (many > 1024) {
		printf("\n  2 * H > batch * C needs %u records: not tested "
		       "here ",
			many);
		return;
	}
	RTE_VERIFY(scan_threshold_for(many, LFP_HP_SLOTS_MAX) ==
		2ULL * many * LFP_HP_SLOTS_MAX);
	check_threshold(many, LFP_HP_SLOTS_MAX); /* R = 2 * H */
}

/* lfp_hp_set() protects without validation; overwriting it releases. */
static void
test_hp_set_protects_until_overwritten(void)
{
	unsigned int total = 0;
	struct serial_obj a = {.reclaimed = 0}, b;
	struct lfp_hp_record *r;
	struct lfp_hp_domain *d;
	int id;

	d = serial_domain("hp_t_set", 1, &total, &id);
	r = lfp_hp_register(d);
	CU_ASSERT_PTR_NOT_NULL_FATAL(r);
	CU_ASSERT_EQUAL(lfp_hp_set(r, 0, &a), 0);
	CU_ASSERT_EQUAL(lfp_hp_retire(r, &a.hp, &a, id), 0);
	CU_ASSERT_EQUAL(lfp_hp_scan(r), 0);
	CU_ASSERT_EQUAL(lfp_hp_set(r, 0, &b), 0);
	CU_ASSERT_EQUAL(lfp_hp_scan(r), 1);
	CU_ASSERT_EQUAL(a.reclaimed, 1);
	CU_ASSERT_EQUAL(lfp_hp_unregister(r), 0);
	CU_ASSERT_EQUAL(lfp_hp_domain_free(d), 0);
}

/* A reclaimer may retire more nodes on the record that scans. */
struct parent_obj {
	struct lfp_hp_node hp;
	struct serial_obj *child;
	struct lfp_hp_record *rec;
	int child_id;
};

static void
parent_reclaim(struct lfp_hp_node *node, void *arg)
{
	struct parent_obj *p = container_of(node, struct parent_obj, hp);
	unsigned int *parents = arg;

	(*parents)++;
	CU_ASSERT_EQUAL(
		lfp_hp_retire(p->rec, &p->child->hp, p->child, p->child_id), 0);
}

static void
test_hp_reclaimer_may_retire(void)
{
	struct serial_obj child = {.reclaimed = 0};
	unsigned int total = 0, parents = 0;
	struct parent_obj parent;
	struct lfp_hp_record *r;
	struct lfp_hp_domain *d;
	int id, pid;

	d = serial_domain("hp_t_nested", 1, &total, &id);
	pid = lfp_hp_reclaimer_register(d, "parent", parent_reclaim, &parents);
	CU_ASSERT_FATAL(pid >= 0);
	r = lfp_hp_register(d);
	CU_ASSERT_PTR_NOT_NULL_FATAL(r);
	parent.child = &child;
	parent.rec = r;
	parent.child_id = id;
	CU_ASSERT_EQUAL(lfp_hp_retire(r, &parent.hp, &parent, pid), 0);
	CU_ASSERT_EQUAL(lfp_hp_scan(r), 1);
	CU_ASSERT_EQUAL(parents, 1);
	CU_ASSERT_EQUAL(child.reclaimed, 0);
	CU_ASSERT_EQUAL(lfp_hp_barrier(r), 0);
	CU_ASSERT_EQUAL(child.reclaimed, 1);
	CU_ASSERT_EQUAL(lfp_hp_unregister(r), 0);
	CU_ASSERT_EQUAL(lfp_hp_domain_free(d), 0);
}

/* Unregister with a protected node pending: it becomes an orphan, and the
 * barrier of another record reclaims it once the hazard is gone.
 */
static void
test_hp_unregister_leaves_orphans_for_barrier(void)
{
	unsigned int total = 0;
	struct serial_obj obj = {.reclaimed = 0};
	struct lfp_hp_record *pin, *leaver, *adopter;
	struct lfp_hp_domain *d;
	struct lfp_hp_stats st;
	int id;

	d = serial_domain("hp_t_orphans", 3, &total, &id);
	pin = lfp_hp_register(d);
	leaver = lfp_hp_register(d);
	adopter = lfp_hp_register(d);
	CU_ASSERT_FATAL(pin != NULL && leaver != NULL && adopter != NULL);
	CU_ASSERT_EQUAL(lfp_hp_set(pin, 0, &obj), 0);
	CU_ASSERT_EQUAL(lfp_hp_retire(leaver, &obj.hp, &obj, id), 0);
	CU_ASSERT_EQUAL(lfp_hp_unregister(leaver), 0);
	CU_ASSERT_EQUAL(lfp_hp_domain_stats(d, &st), 0);
	CU_ASSERT_EQUAL(st.orphans, 1);
	CU_ASSERT_EQUAL(st.pending, 1);
	CU_ASSERT_EQUAL(st.records_used, 2);
	/* Adopted but still protected. */
	CU_ASSERT_EQUAL(lfp_hp_barrier(adopter), 1);
	CU_ASSERT_EQUAL(obj.reclaimed, 0);
	lfp_hp_clear(pin, 0);
	CU_ASSERT_EQUAL(lfp_hp_barrier(adopter), 0);
	CU_ASSERT_EQUAL(obj.reclaimed, 1);
	CU_ASSERT_EQUAL(lfp_hp_domain_stats(d, &st), 0);
	CU_ASSERT_EQUAL(st.orphans, 0);
	CU_ASSERT_EQUAL(st.pending, 0);
#if LFP_STATS
	CU_ASSERT_EQUAL(st.retired, 1);
	CU_ASSERT_EQUAL(st.reclaimed, 1);
#endif
	CU_ASSERT_EQUAL(lfp_hp_unregister(pin), 0);
	CU_ASSERT_EQUAL(lfp_hp_unregister(adopter), 0);
	CU_ASSERT_EQUAL(lfp_hp_domain_free(d), 0);
}

/* Orphans left at free time go to their reclaimer. */
static void
test_hp_domain_free_reclaims_orphans(void)
{
	unsigned int total = 0;
	struct serial_obj obj = {.reclaimed = 0};
	struct lfp_hp_record *pin, *leaver;
	struct lfp_hp_domain *d;
	int id;

	d = serial_domain("hp_t_free_orph", 2, &total, &id);
	pin = lfp_hp_register(d);
	leaver = lfp_hp_register(d);
	CU_ASSERT_FATAL(pin != NULL && leaver != NULL);
	CU_ASSERT_EQUAL(lfp_hp_set(pin, 0, &obj), 0);
	CU_ASSERT_EQUAL(lfp_hp_retire(leaver, &obj.hp, &obj, id), 0);
	CU_ASSERT_EQUAL(lfp_hp_unregister(leaver), 0);
	LFP_ASSERT_ERRNO(lfp_hp_domain_free(d), EBUSY);
	CU_ASSERT_EQUAL(lfp_hp_unregister(pin), 0);
	CU_ASSERT_EQUAL(obj.reclaimed, 0);
	CU_ASSERT_EQUAL(lfp_hp_domain_free(d), 0);
	CU_ASSERT_EQUAL(obj.reclaimed, 1);
}

/*
 * A node whose reclaimer id has no function in this process, as a
 * secondary's orphan would look to the primary. Planted on the orphan list
 * directly (white box): the barrier must keep it and count it, never call
 * anything, and domain_free must refuse to drop it.
 */
static void
test_hp_unbound_reclaimer_kept_pending(void)
{
	struct lfp_hp_node foreign = {.ptr = &foreign};
	struct count_ctx c = {0, NULL};
	struct lfp_hp_record *r;
	struct lfp_hp_domain *d;
	struct lfp_hp_stats st;
	int id;

	d = lfp_hp_domain_create("hp_t_unbound", 1, TEST_SLOTS, SOCKET_ID_ANY);
	CU_ASSERT_PTR_NOT_NULL_FATAL(d);
	id = lfp_hp_reclaimer_register(d, "counted", count_reclaim, &c);
	CU_ASSERT_EQUAL_FATAL(id, 0);
	/* Claim name 1 in the shared table only, as another process would. */
	rte_strlcpy(d->reclaimer_names[1], "elsewhere", LFP_HP_NAMESIZE);
	foreign.reclaimer_id = 1;
	d->orphans = &foreign;
	d->nb_orphans = 1;
	r = lfp_hp_register(d);
	CU_ASSERT_PTR_NOT_NULL_FATAL(r);
	LFP_ASSERT_ERRNO(lfp_hp_retire(r, &foreign, &foreign, 1), EINVAL);
	CU_ASSERT_EQUAL(lfp_hp_barrier(r), 1);
	CU_ASSERT_EQUAL(lfp_hp_barrier(r), 1);
	CU_ASSERT_EQUAL(c.calls, 0);
	CU_ASSERT_EQUAL(lfp_hp_record_stats(r, &st), 0);
	CU_ASSERT_EQUAL(st.pending, 1);
#if LFP_STATS
	CU_ASSERT_EQUAL(st.unbound, 2);
#endif
	CU_ASSERT_EQUAL(lfp_hp_unregister(r), 0);
	LFP_ASSERT_ERRNO(lfp_hp_domain_free(d), EBUSY);
	/* Still there, untouched; take it back so the domain can go. */
	CU_ASSERT_PTR_EQUAL(d->orphans, &foreign);
	CU_ASSERT_PTR_NULL(foreign.next);
	d->orphans = NULL;
	d->nb_orphans = 0;
	CU_ASSERT_EQUAL(lfp_hp_domain_free(d), 0);
}

static void
test_hp_reclaimer_names_share_ids(void)
{
	struct count_ctx c1 = {0, NULL}, c2 = {0, NULL};
	char name[LFP_HP_NAMESIZE];
	struct lfp_hp_domain *d;
	int a, b, i;

	d = lfp_hp_domain_create("hp_t_names", 1, TEST_SLOTS, SOCKET_ID_ANY);
	CU_ASSERT_PTR_NOT_NULL_FATAL(d);
	a = lfp_hp_reclaimer_register(d, "a", count_reclaim, &c1);
	b = lfp_hp_reclaimer_register(d, "b", count_reclaim, &c2);
	CU_ASSERT_EQUAL(a, 0);
	CU_ASSERT_EQUAL(b, 1);
	/* The same binding again is idempotent; another one is refused. */
	CU_ASSERT_EQUAL(
		lfp_hp_reclaimer_register(d, "a", count_reclaim, &c1), a);
	LFP_ASSERT_ERRNO(
		lfp_hp_reclaimer_register(d, "a", count_reclaim, &c2), EEXIST);
	for (i = 2; i < LFP_HP_MAX_RECLAIMERS; i++) {
		snprintf(name, sizeof(name), "r%d", i);
		CU_ASSERT_EQUAL(
			lfp_hp_reclaimer_register(d, name, count_reclaim, &c1),
			i);
	}
	LFP_ASSERT_ERRNO(lfp_hp_reclaimer_register(
				 d, "one_too_many", count_reclaim, &c1),
		ENOSPC);
	CU_ASSERT_EQUAL(
		lfp_hp_reclaimer_register(d, "b", count_reclaim, &c2), b);
	CU_ASSERT_EQUAL(lfp_hp_domain_free(d), 0);
}

/* One telemetry command over this process's socket; 0 or -1. */
static int
telemetry_query(const char *cmd, char *buf, size_t len)
{
	struct sockaddr_un addr = {.sun_family = AF_UNIX};
	ssize_t n = -1;
	int fd;

	snprintf(addr.sun_path, sizeof(addr.sun_path), "%s/dpdk_telemetry.v2",
		rte_eal_get_runtime_dir());
	fd = socket(AF_UNIX, SOCK_SEQPACKET, 0);
	if (fd < 0)
		return -1;
	if (connect(fd, (struct sockaddr *)&addr, sizeof(addr)) == 0 &&
		read(fd, buf, len) > 0 && /* The greeting. */
		write(fd, cmd, strlen(cmd)) == (ssize_t)strlen(cmd))
		n = read(fd, buf, len - 1);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	return 0;
}

static void
test_hp_telemetry_list_and_stats(void)
{
	static struct serial_obj objs[3];
	unsigned int total = 0, i;
	struct lfp_hp_record *r;
	struct lfp_hp_domain *d;
	char reply[4096];
	int id;

	d = serial_domain("hp_t_tel", 2, &total, &id);
	if (telemetry_query("/lfpool/hazptr/list", reply, sizeof(reply))) {
		lfp_test_skip(__func__, "no telemetry socket");
		CU_ASSERT_EQUAL(lfp_hp_domain_free(d), 0);
		return;
	}
	CU_ASSERT_PTR_NOT_NULL(strstr(reply, "\"hp_t_tel\""));
	r = lfp_hp_register(d);
	CU_ASSERT_PTR_NOT_NULL_FATAL(r);
	CU_ASSERT_EQUAL(lfp_hp_set(r, 0, &objs[0]), 0);
	for (i = 0; i < RTE_DIM(objs); i++)
		CU_ASSERT_EQUAL(lfp_hp_retire(r, &objs[i].hp, &objs[i], id), 0);
	CU_ASSERT_EQUAL(lfp_hp_barrier(r), 1);
	CU_ASSERT_EQUAL(telemetry_query("/lfpool/hazptr/stats,hp_t_tel", reply,
				sizeof(reply)),
		0);
	CU_ASSERT_PTR_NOT_NULL(strstr(reply, "\"name\":\"hp_t_tel\""));
	CU_ASSERT_PTR_NOT_NULL(strstr(reply, "\"records_used\":1"));
	CU_ASSERT_PTR_NOT_NULL(strstr(reply, "\"pending\":1"));
#if LFP_STATS
	CU_ASSERT_PTR_NOT_NULL(strstr(reply, "\"retired\":3"));
	CU_ASSERT_PTR_NOT_NULL(strstr(reply, "\"reclaimed\":2"));
#endif
	/* An unknown domain: the command fails, the reply is null. */
	CU_ASSERT_EQUAL(telemetry_query("/lfpool/hazptr/stats,hp_t_none", reply,
				sizeof(reply)),
		0);
	CU_ASSERT_PTR_NOT_NULL(strstr(reply, "null"));
	CU_ASSERT_EQUAL(lfp_hp_unregister(r), 0);
	CU_ASSERT_EQUAL(lfp_hp_domain_free(d), 0);
	CU_ASSERT_EQUAL(total, RTE_DIM(objs));
	CU_ASSERT_EQUAL(
		telemetry_query("/lfpool/hazptr/list", reply, sizeof(reply)),
		0);
	CU_ASSERT_PTR_NULL(strstr(reply, "\"hp_t_tel\""));
}

static void
test_hp_bad_input(void)
{
	struct count_ctx c = {0, NULL};
	char long_name[LFP_HP_NAMESIZE + 8];
	struct lfp_hp_record *recs[2], *r;
	struct lfp_hp_domain *d;
	struct lfp_hp_node node;
	struct lfp_hp_stats st;
	void *src = &node;
	int id;

	memset(long_name, 'x', sizeof(long_name) - 1);
	long_name[sizeof(long_name) - 1] = '\0';
	/* Creation. */
	LFP_ASSERT_NULL_ERRNO(
		lfp_hp_domain_create(NULL, 1, 1, SOCKET_ID_ANY), EINVAL);
	LFP_ASSERT_NULL_ERRNO(
		lfp_hp_domain_create("", 1, 1, SOCKET_ID_ANY), EINVAL);
	LFP_ASSERT_NULL_ERRNO(
		lfp_hp_domain_create(long_name, 1, 1, SOCKET_ID_ANY), EINVAL);
	LFP_ASSERT_NULL_ERRNO(
		lfp_hp_domain_create("hp_t_bad", 0, 1, SOCKET_ID_ANY), EINVAL);
	LFP_ASSERT_NULL_ERRNO(lfp_hp_domain_create("hp_t_bad",
				      LFP_HP_MAX_RECORDS + 1, 1, SOCKET_ID_ANY),
		EINVAL);
	LFP_ASSERT_NULL_ERRNO(
		lfp_hp_domain_create("hp_t_bad", 1, 0, SOCKET_ID_ANY), EINVAL);
	LFP_ASSERT_NULL_ERRNO(lfp_hp_domain_create("hp_t_bad", 1,
				      LFP_HP_SLOTS_MAX + 1, SOCKET_ID_ANY),
		EINVAL);
	/* Lookup. */
	LFP_ASSERT_NULL_ERRNO(lfp_hp_domain_lookup(NULL), EINVAL);
	LFP_ASSERT_NULL_ERRNO(lfp_hp_domain_lookup("hp_t_nowhere"), ENOENT);
	LFP_ASSERT_NULL_ERRNO(lfp_hp_domain_lookup(long_name), ENOENT);
	/* NULL domain everywhere. */
	LFP_ASSERT_NULL_ERRNO(lfp_hp_register(NULL), EINVAL);
	LFP_ASSERT_ERRNO(
		lfp_hp_reclaimer_register(NULL, "x", count_reclaim, &c),
		EINVAL);
	LFP_ASSERT_ERRNO(lfp_hp_domain_stats(NULL, &st), EINVAL);
	CU_ASSERT_PTR_NULL(lfp_hp_domain_name(NULL));
	CU_ASSERT_EQUAL(lfp_hp_domain_free(NULL), 0);

	d = lfp_hp_domain_create("hp_t_bad", 2, TEST_SLOTS, SOCKET_ID_ANY);
	CU_ASSERT_PTR_NOT_NULL_FATAL(d);
	LFP_ASSERT_ERRNO(
		lfp_hp_reclaimer_register(d, NULL, count_reclaim, &c), EINVAL);
	LFP_ASSERT_ERRNO(
		lfp_hp_reclaimer_register(d, "", count_reclaim, &c), EINVAL);
	LFP_ASSERT_ERRNO(
		lfp_hp_reclaimer_register(d, long_name, count_reclaim, &c),
		EINVAL);
	LFP_ASSERT_ERRNO(lfp_hp_reclaimer_register(d, "x", NULL, &c), EINVAL);
	id = lfp_hp_reclaimer_register(d, "x", count_reclaim, &c);
	CU_ASSERT_EQUAL_FATAL(id, 0);
	LFP_ASSERT_ERRNO(lfp_hp_domain_stats(d, NULL), EINVAL);

	/* Too many records. */
	recs[0] = lfp_hp_register(d);
	recs[1] = lfp_hp_register(d);
	CU_ASSERT_FATAL(recs[0] != NULL && recs[1] != NULL);
	LFP_ASSERT_NULL_ERRNO(lfp_hp_register(d), ENOSPC);
	r = recs[0];

	/* Slots out of range. */
	LFP_ASSERT_NULL_ERRNO(lfp_hp_protect(r, TEST_SLOTS, &src), EINVAL);
	LFP_ASSERT_NULL_ERRNO(lfp_hp_protect(r, UINT32_MAX, &src), EINVAL);
	LFP_ASSERT_NULL_ERRNO(lfp_hp_protect(NULL, 0, &src), EINVAL);
	LFP_ASSERT_NULL_ERRNO(lfp_hp_protect(r, 0, NULL), EINVAL);
	LFP_ASSERT_ERRNO(lfp_hp_set(r, TEST_SLOTS, &node), EINVAL);
	LFP_ASSERT_ERRNO(lfp_hp_set(NULL, 0, &node), EINVAL);
	CU_ASSERT_EQUAL(lfp_hp_set(r, 0, &node), 0);
	rte_errno = 0;
	lfp_hp_clear(r, TEST_SLOTS);
	CU_ASSERT_EQUAL(rte_errno, EINVAL);
	CU_ASSERT_PTR_EQUAL(r->slots[0], &node); /* Untouched. */
	lfp_hp_clear(NULL, 0);
	lfp_hp_clear(r, 0);

	/* Retire. */
	LFP_ASSERT_ERRNO(lfp_hp_retire(r, &node, NULL, id), EINVAL);
	LFP_ASSERT_ERRNO(lfp_hp_retire(r, NULL, &node, id), EINVAL);
	LFP_ASSERT_ERRNO(lfp_hp_retire(NULL, &node, &node, id), EINVAL);
	LFP_ASSERT_ERRNO(lfp_hp_retire(r, &node, &node, id + 1), EINVAL);
	LFP_ASSERT_ERRNO(
		lfp_hp_retire(r, &node, &node, LFP_HP_MAX_RECLAIMERS), EINVAL);
	LFP_ASSERT_ERRNO(lfp_hp_record_stats(r, NULL), EINVAL);
	LFP_ASSERT_ERRNO(lfp_hp_record_stats(NULL, &st), EINVAL);
	CU_ASSERT_EQUAL(lfp_hp_record_stats(r, &st), 0);
	CU_ASSERT_EQUAL(st.pending, 0); /* Refused retires queued nothing. */
	rte_errno = 0;
	CU_ASSERT_EQUAL(lfp_hp_scan(NULL), 0);
	CU_ASSERT_EQUAL(rte_errno, EINVAL);
	rte_errno = 0;
	CU_ASSERT_EQUAL(lfp_hp_barrier(NULL), 0);
	CU_ASSERT_EQUAL(rte_errno, EINVAL);

	/* Unregister and free. */
	LFP_ASSERT_ERRNO(lfp_hp_domain_free(d), EBUSY);
	LFP_ASSERT_ERRNO(lfp_hp_unregister(NULL), EINVAL);
	CU_ASSERT_EQUAL(lfp_hp_unregister(recs[0]), 0);
	LFP_ASSERT_ERRNO(lfp_hp_unregister(recs[0]), EINVAL);
	CU_ASSERT_EQUAL(lfp_hp_unregister(recs[1]), 0);
	CU_ASSERT_EQUAL(lfp_hp_domain_free(d), 0);
	CU_ASSERT_EQUAL(c.calls, 0);
}

/*
 * Ownership by process, white-box: the owner word and its liveness test.
 */

/* Fork a child that reports its owner word and waits to be killed. */
static pid_t
owner_child(uint64_t *owner)
{
	int fds[2];
	pid_t pid;

	if (pipe(fds) != 0)
		return -1;
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		uint64_t me = hp_owner_self();

		close(fds[0]);
		if (write(fds[1], &me, sizeof(me)) != sizeof(me))
			_exit(1);
		for (;;)
			pause();
	}
	close(fds[1]);
	if (pid > 0 && read(fds[0], owner, sizeof(*owner)) != sizeof(*owner)) {
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
		pid = -1;
	}
	close(fds[0]);
	return pid;
}

/* A recycled pid: the same pid, another start time. */
static uint64_t
owner_recycled(uint64_t owner)
{
	return owner ^ (UINT64_C(1) << HP_OWNER_START_SHIFT);
}

static void
test_hp_owner_liveness(void)
{
	uint64_t me = hp_owner_self(), child;
	unsigned int i;
	pid_t pid;

	CU_ASSERT((me & HP_OWNER_PID_MASK) == (uint64_t)getpid());
	CU_ASSERT(hp_owner_alive(me));
	CU_ASSERT(!hp_owner_alive(owner_recycled(me)));
	CU_ASSERT(!hp_owner_alive(me & ~HP_OWNER_PID_MASK)); /* pid 0 */

	pid = owner_child(&child);
	CU_ASSERT_FATAL(pid > 0);
	CU_ASSERT((child & HP_OWNER_PID_MASK) == (uint64_t)pid);
	CU_ASSERT(hp_owner_alive(child));
	CU_ASSERT(!hp_owner_alive(owner_recycled(child)));
	CU_ASSERT_EQUAL(kill(pid, SIGKILL), 0);
	/* Killed but not reaped: a zombie runs nothing, so it is dead. */
	for (i = 0; i < 1000 && hp_owner_alive(child); i++)
		rte_delay_us_sleep(1000);
	CU_ASSERT(!hp_owner_alive(child));
	CU_ASSERT_EQUAL(waitpid(pid, NULL, 0), pid);
	CU_ASSERT(!hp_owner_alive(child)); /* Reaped: ESRCH. */
}

/*
 * A record whose owner word names this process's pid with another start
 * time belongs to a dead process whose pid we reuse: adoption frees it,
 * its hazard stops protecting and its retired node is reclaimed, while
 * our own live record stays ours.
 */
static void
test_hp_adopt_record_of_recycled_pid(void)
{
	struct serial_obj held = {.reclaimed = 0}, retired = {.reclaimed = 0};
	unsigned int total = 0;
	void *src = &held;
	struct lfp_hp_record *live, *dead;
	struct lfp_hp_domain *d;
	struct lfp_hp_stats st;
	uint64_t owner;
	int id;

	d = serial_domain("hp_t_recycled", 4, &total, &id);
	live = lfp_hp_register(d);
	dead = lfp_hp_register(d);
	CU_ASSERT_FATAL(live != NULL && dead != NULL);
	CU_ASSERT_PTR_EQUAL(lfp_hp_protect(dead, 0, &src), &held);
	CU_ASSERT_EQUAL(lfp_hp_retire(dead, &retired.hp, &retired, id), 0);
	src = NULL;
	CU_ASSERT_EQUAL(lfp_hp_retire(live, &held.hp, &held, id), 0);
	CU_ASSERT_EQUAL(lfp_hp_barrier(live), 1); /* held is protected. */

	/* relaxed: white-box forgery; this thread is the only user. */
	owner = __atomic_load_n(&dead->owner, __ATOMIC_RELAXED);
	__atomic_store_n(&dead->owner, owner_recycled(owner), __ATOMIC_RELAXED);
	CU_ASSERT_EQUAL(lfp_hp_domain_adopt(d), 1);
	CU_ASSERT_EQUAL(lfp_hp_domain_adopt(d), 0);
	CU_ASSERT_EQUAL(__atomic_load_n(&dead->owner, __ATOMIC_RELAXED), 0);
	CU_ASSERT_EQUAL(lfp_hp_domain_stats(d, &st), 0);
	CU_ASSERT_EQUAL(st.records_used, 1);
	CU_ASSERT_EQUAL(st.adopted, 1);
	CU_ASSERT_EQUAL(st.orphans, 1);
	CU_ASSERT_EQUAL(lfp_hp_barrier(live), 0);
	CU_ASSERT_EQUAL(held.reclaimed, 1);
	CU_ASSERT_EQUAL(retired.reclaimed, 1);
	CU_ASSERT_EQUAL(total, 2);
	LFP_ASSERT_ERRNO(lfp_hp_domain_adopt(NULL), EINVAL);
	CU_ASSERT_EQUAL(lfp_hp_unregister(live), 0);
	CU_ASSERT_EQUAL(lfp_hp_domain_free(d), 0);
}

/* Can this process register for the membarrier fast path at all? */
static bool
membarrier_usable(void)
{
	const long need = MEMBARRIER_CMD_GLOBAL_EXPEDITED |
		MEMBARRIER_CMD_REGISTER_GLOBAL_EXPEDITED;
	long cmds = syscall(__NR_membarrier, MEMBARRIER_CMD_QUERY, 0, 0);

	return HP_FAST_BUILD && cmds >= 0 && (cmds & need) == need;
}

/* Records publish without a fence exactly when membarrier is usable. */
static void
test_hp_publish_mode_follows_membarrier(void)
{
	struct lfp_hp_domain *d;
	struct lfp_hp_record *r;
	unsigned int total = 0;
	uint64_t owner;
	int id;

	d = serial_domain("hp_t_mode", 1, &total, &id);
	r = lfp_hp_register(d);
	CU_ASSERT_PTR_NOT_NULL_FATAL(r);
	/* relaxed: this thread owns the record. */
	owner = __atomic_load_n(&r->owner, __ATOMIC_RELAXED);
	printf("\n    this process publishes %s ",
		hp_fast_publish() ? "without a fence (membarrier)" :
				    "with a full fence (fallback)");
	CU_ASSERT_EQUAL((owner & HP_OWNER_FAST) != 0, hp_fast_publish());
	CU_ASSERT_EQUAL(hp_fast_publish(), membarrier_usable());
	if (getenv(ENV_NO_MEMBARRIER) != NULL)
		CU_ASSERT(!hp_fast_publish());
	CU_ASSERT_EQUAL(lfp_hp_unregister(r), 0);
	CU_ASSERT_EQUAL(lfp_hp_domain_free(d), 0);
}

/*
 * In a process without membarrier, a scan cannot order a fence-less reader
 * of another process: with such a record in the domain it reclaims
 * nothing and hands its nodes to the orphans; once that reader is gone, a
 * scan reclaims them.
 */
static void
test_hp_fallback_scan_defers_for_fast_records(void)
{
	struct serial_obj obj = {.reclaimed = 0};
	struct lfp_hp_record *scanner, *reader;
	struct lfp_hp_domain *d;
	struct lfp_hp_stats st;
	unsigned int total = 0;
	uint64_t owner;
	int id;

	if (hp_fast_publish()) {
		lfp_test_skip(__func__,
			"membarrier works here; runs in the fallback re-run");
		return;
	}
	d = serial_domain("hp_t_defer", 2, &total, &id);
	scanner = lfp_hp_register(d);
	reader = lfp_hp_register(d);
	CU_ASSERT_FATAL(scanner != NULL && reader != NULL);
	/* relaxed: white-box forgery of a fast reader's record. */
	owner = __atomic_load_n(&reader->owner, __ATOMIC_RELAXED);
	__atomic_store_n(
		&reader->owner, owner | HP_OWNER_FAST, __ATOMIC_RELAXED);
	CU_ASSERT_EQUAL(lfp_hp_retire(scanner, &obj.hp, &obj, id), 0);
	CU_ASSERT_EQUAL(lfp_hp_scan(scanner), 0);
	CU_ASSERT_EQUAL(lfp_hp_barrier(scanner), 0); /* Deferred again. */
	CU_ASSERT_EQUAL(obj.reclaimed, 0);
	CU_ASSERT_EQUAL(lfp_hp_domain_stats(d, &st), 0);
	CU_ASSERT_EQUAL(st.orphans, 1);
	CU_ASSERT(st.deferred >= 1);
	__atomic_store_n(&reader->owner, owner, __ATOMIC_RELAXED);
	CU_ASSERT_EQUAL(lfp_hp_barrier(scanner), 0);
	CU_ASSERT_EQUAL(obj.reclaimed, 1);
	CU_ASSERT_EQUAL(lfp_hp_unregister(reader), 0);
	CU_ASSERT_EQUAL(lfp_hp_unregister(scanner), 0);
	CU_ASSERT_EQUAL(lfp_hp_domain_free(d), 0);
}

/*
 * Stress: a Treiber stack of nodes in shared memory.
 */

enum tnode_state {
	TNODE_LIVE,    /* On the stack or held by its popper. */
	TNODE_RETIRED, /* Retired, not yet reclaimed. */
	TNODE_POISON,  /* Reclaimed, parked in a stash. */
};

struct tnode {
	struct tnode *next; /* Stack link; written while private. */
	struct lfp_hp_node hp;
	uint64_t canary;  /* Plain: ordered by the hazard protocol. */
	uint32_t state;	  /* Atomic: read by readers holding it. */
	uint32_t retires; /* Plain: popper, then reclaimer. */
	uint32_t reclaims;
	uint32_t gen; /* Atomic: reclaims, checked under a hazard. */
} __rte_cache_aligned;

/* Shared by every thread and process of a stress run. */
struct tstack {
	void *head; /* struct tnode *, as protect wants. */
	uint32_t reclaimer_id;
	uint32_t stop;	      /* Set when the workers must finish. */
	uint32_t ready;	      /* Workers started. */
	uint32_t done;	      /* Workers finished. */
	uint32_t sec_ready;   /* The secondary is about to start. */
	uint64_t sec_retires; /* Nodes the secondary retired. */
	uint64_t errors;      /* Invariant violations seen. */
	uint64_t retires;
	uint64_t reclaims;
	struct lfp_hp_domain *domain;
	struct lfp_hp_node *pinned; /* Retired last by the non-EAL thread. */
	struct tnode nodes[NB_NODES];
};

struct stash {
	struct tnode *head;
	unsigned int n;
};

static __thread struct stash stash;

static void
count_error(struct tstack *s, const char *what)
{
	/* relaxed: a counter, read after the workers are joined. */
	if (__atomic_fetch_add(&s->errors, 1, __ATOMIC_RELAXED) < 5)
		printf("\n    stress error: %s\n", what);
}

static void
stack_push(struct tstack *s, struct tnode *n)
{
	/* relaxed: a first guess of the head, checked by the CAS. */
	void *head = __atomic_load_n(&s->head, __ATOMIC_RELAXED);

	do {
		n->next = head;
		/* release: the node's fields are visible to the popper's
		 * protect (seq_cst load of head). Failure relaxed: retry.
		 */
	} while (!__atomic_compare_exchange_n(
		&s->head, &head, n, true, __ATOMIC_RELEASE, __ATOMIC_RELAXED));
}

static uint32_t
node_gen(const struct tnode *n)
{
	/* relaxed: compared under a hazard, where it must not change. */
	return __atomic_load_n(&n->gen, __ATOMIC_RELAXED);
}

/* Checks on a node we hold a validated hazard on. */
static void
check_protected(struct tstack *s, const struct tnode *n, uint32_t gen)
{
	if (n->canary != CANARY_LIVE)
		count_error(s, "protected node is poisoned");
	/* relaxed: we only check it; the hazard keeps it readable. */
	if (__atomic_load_n(&n->state, __ATOMIC_RELAXED) == TNODE_POISON)
		count_error(s, "protected node was reclaimed");
	if (node_gen(n) != gen)
		count_error(s, "node reclaimed under a hazard");
}

static struct tnode *
stack_pop(struct tstack *s, struct lfp_hp_record *r)
{
	struct tnode *top;
	void *expected;
	uint32_t gen;
	bool popped;

	do {
		top = lfp_hp_protect(r, 0, &s->head);
		if (top == NULL)
			return NULL;
		gen = node_gen(top);
		check_protected(s, top, gen);
		expected = top;
		/* acquire: pairs with the release CAS in stack_push() that
		 * published top; relaxed failure: we retry from the protect.
		 */
		popped = __atomic_compare_exchange_n(&s->head, &expected,
			top->next, false, __ATOMIC_ACQUIRE, __ATOMIC_RELAXED);
		check_protected(s, top, gen);
	} while (!popped);
	lfp_hp_clear(r, 0);
	return top;
}

/*
 * Hold a hazard on the top node for a while, as a reader walking a
 * structure would, so that its popper retires it and scans meanwhile.
 */
static void
stack_peek(struct tstack *s, struct lfp_hp_record *r)
{
	struct tnode *top = lfp_hp_protect(r, 0, &s->head);
	unsigned int i;
	uint32_t gen;

	if (top == NULL)
		return;
	gen = node_gen(top);
	for (i = 0; i < PEEK_SPINS; i++) {
		check_protected(s, top, gen);
		rte_pause();
	}
	lfp_hp_clear(r, 0);
}

static void
stash_flush(struct tstack *s)
{
	struct tnode *n;

	while ((n = stash.head) != NULL) {
		stash.head = n->next;
		n->canary = CANARY_LIVE;
		/* relaxed: published by the release push. */
		__atomic_store_n(&n->state, TNODE_LIVE, __ATOMIC_RELAXED);
		stack_push(s, n);
	}
	stash.n = 0;
}

static void
tnode_reclaim(struct lfp_hp_node *hp, void *arg)
{
	struct tnode *n = container_of(hp, struct tnode, hp);
	struct tstack *s = arg;

	/* relaxed: only its retirer or an adopter reaches here. */
	if (__atomic_load_n(&n->state, __ATOMIC_RELAXED) != TNODE_RETIRED)
		count_error(s, "reclaimed a node that is not retired");
	n->reclaims++;
	if (n->reclaims != n->retires)
		count_error(s, "reclaims differ from retires");
	n->canary = CANARY_POISON;
	/* relaxed: a reader that sees it changed has found a bug. */
	__atomic_store_n(&n->gen, n->gen + 1, __ATOMIC_RELAXED);
	/* relaxed: readers that could see it would be a bug we report. */
	__atomic_store_n(&n->state, TNODE_POISON, __ATOMIC_RELAXED);
	/* relaxed: a counter, read after the workers are joined. */
	__atomic_fetch_add(&s->reclaims, 1, __ATOMIC_RELAXED);
	n->next = stash.head;
	stash.head = n;
	if (++stash.n >= STASH_MAX)
		stash_flush(s);
}

static unsigned long
stress_ops(unsigned long base)
{
	const char *env = getenv("LFP_HP_STRESS_OPS");

	if (env != NULL)
		return strtoul(env, NULL, 0);
#if defined(__SANITIZE_THREAD__)
	return base / 25;
#elif defined(__SANITIZE_ADDRESS__)
	return base / 4;
#else
	return base;
#endif
}

/* Pop, check, retire (or peek, one time in PEEK_MASK + 1): @p ops times,
 * or until s->stop if ops is 0. Returns the number of nodes retired.
 */
static unsigned long
stress_loop(struct tstack *s, struct lfp_hp_record *r, unsigned long ops)
{
	unsigned long i, retired = 0;
	struct tnode *n;

	/* relaxed: a stop request; nothing is published through it. */
	for (i = 0; ops == 0 ? !__atomic_load_n(&s->stop, __ATOMIC_RELAXED) :
			       i < ops;
		i++) {
		if ((i & PEEK_MASK) == PEEK_MASK) {
			stack_peek(s, r);
			continue;
		}
		n = stack_pop(s, r);
		if (n == NULL) {
			/* Every node is pending, in lists below their
			 * threshold: reclaim ours, as an application short
			 * of nodes would.
			 */
			lfp_hp_scan(r);
			stash_flush(s);
			continue;
		}
		/* relaxed: we own the node now; others only read it. */
		if (__atomic_load_n(&n->state, __ATOMIC_RELAXED) != TNODE_LIVE)
			count_error(s, "popped a node that is not live");
		/* relaxed: the retire below publishes it to the reclaimer. */
		__atomic_store_n(&n->state, TNODE_RETIRED, __ATOMIC_RELAXED);
		n->retires++;
		/* relaxed: a counter, read after the workers are joined. */
		__atomic_fetch_add(&s->retires, 1, __ATOMIC_RELAXED);
		if (lfp_hp_retire(r, &n->hp, n, s->reclaimer_id) != 0)
			count_error(s, "retire refused");
		retired++;
	}
	return retired;
}

static void
stress_wait_ready(struct tstack *s, unsigned int nb)
{
	/* relaxed: a start line only; the stack was built before launch. */
	__atomic_fetch_add(&s->ready, 1, __ATOMIC_RELAXED);
	/* relaxed: as above. */
	while (__atomic_load_n(&s->ready, __ATOMIC_RELAXED) < nb)
		rte_pause();
}

/* One thread's share: own record, loop, leave orphans behind. Returns
 * the number of nodes retired, or -1.
 */
static long
stress_worker(struct tstack *s, unsigned long ops, unsigned int nb)
{
	struct lfp_hp_record *r = lfp_hp_register(s->domain);
	long retired;

	if (r == NULL) {
		count_error(s, "register failed");
		return -1;
	}
	stress_wait_ready(s, nb);
	retired = stress_loop(s, r, ops);
	lfp_hp_barrier(r);
	if (lfp_hp_unregister(r) != 0)
		count_error(s, "unregister failed");
	stash_flush(s);
	/* release: this thread's work happens before the checker's acquire
	 * in stress_join(); rte_eal_wait_lcore() orders it too, but inside
	 * DPDK, where ThreadSanitizer cannot see it.
	 */
	__atomic_fetch_add(&s->done, 1, __ATOMIC_RELEASE);
	return retired;
}

/* Wait for @p nb workers' stress_worker() to finish. */
static void
stress_join(struct tstack *s, unsigned int nb)
{
	/* acquire: pairs with the release in stress_worker(). */
	while (__atomic_load_n(&s->done, __ATOMIC_ACQUIRE) < nb)
		rte_pause();
}

struct lcore_arg {
	struct tstack *s;
	unsigned long ops;
	unsigned int nb;
};

static int
stress_lcore(void *arg)
{
	struct lcore_arg *a = arg;

	return stress_worker(a->s, a->ops, a->nb) < 0 ? -1 : 0;
}

static struct tstack *
tstack_create(struct lfp_hp_domain *d)
{
	const struct rte_memzone *mz;
	struct tstack *s;
	unsigned int i;
	int id;

	mz = rte_memzone_reserve_aligned(
		MP_ZONE, sizeof(*s), SOCKET_ID_ANY, 0, RTE_CACHE_LINE_SIZE);
	if (mz == NULL)
		return NULL;
	s = mz->addr;
	memset(s, 0, sizeof(*s));
	s->domain = d;
	id = lfp_hp_reclaimer_register(d, "tnode", tnode_reclaim, s);
	if (id < 0) {
		rte_memzone_free(mz);
		return NULL;
	}
	s->reclaimer_id = id;
	for (i = 0; i < NB_NODES; i++) {
		s->nodes[i].canary = CANARY_LIVE;
		stack_push(s, &s->nodes[i]);
	}
	return s;
}

/* After the run: everything is back on the stack, each retire reclaimed. */
static void
tstack_check_and_free(struct tstack *s)
{
	struct lfp_hp_record *r = lfp_hp_register(s->domain);
	struct lfp_hp_stats st;
	unsigned int i, on_stack = 0, bad = 0;
	struct tnode *n;

	CU_ASSERT_PTR_NOT_NULL_FATAL(r);
	CU_ASSERT_EQUAL(lfp_hp_barrier(r), 0);
	CU_ASSERT_EQUAL(lfp_hp_unregister(r), 0);
	stash_flush(s);
	for (n = s->head; n != NULL && on_stack <= NB_NODES; n = n->next)
		on_stack++;
	for (i = 0; i < NB_NODES; i++)
		bad += s->nodes[i].retires != s->nodes[i].reclaims ||
			s->nodes[i].canary != CANARY_LIVE;
	printf("\n    %" PRIu64 " retires, %" PRIu64 " reclaims, %" PRIu64
	       " errors ",
		s->retires, s->reclaims, s->errors);
	CU_ASSERT_EQUAL(s->errors, 0);
	CU_ASSERT(s->retires > 0);
	CU_ASSERT_EQUAL(s->retires, s->reclaims);
	CU_ASSERT_EQUAL(on_stack, NB_NODES);
	CU_ASSERT_EQUAL(bad, 0);
	CU_ASSERT_EQUAL(lfp_hp_domain_stats(s->domain, &st), 0);
	CU_ASSERT_EQUAL(st.pending, 0);
	CU_ASSERT_EQUAL(st.orphans, 0);
	CU_ASSERT_EQUAL(st.records_used, 0);
#if LFP_STATS
	CU_ASSERT_EQUAL(st.retired, s->retires);
	CU_ASSERT_EQUAL(st.reclaimed, s->reclaims);
	printf("scans %" PRIu64 ", peak pending %" PRIu64 " ", st.scans,
		st.peak_pending);
#endif
	CU_ASSERT_EQUAL(lfp_hp_domain_free(s->domain), 0);
	CU_ASSERT_EQUAL(rte_memzone_free(rte_memzone_lookup(MP_ZONE)), 0);
}

static struct tstack *
stress_setup(unsigned int max_records)
{
	struct lfp_hp_domain *d;
	struct tstack *s;

	d = lfp_hp_domain_create(
		MP_DOMAIN, max_records, LFP_HP_SLOTS_MAX, SOCKET_ID_ANY);
	if (d == NULL)
		return NULL;
	s = tstack_create(d);
	if (s == NULL)
		lfp_hp_domain_free(d);
	return s;
}

static void
test_hp_stress_treiber_lcores(void)
{
	struct lcore_arg a;

	if (rte_lcore_count() < 2) {
		lfp_test_skip(__func__, "needs 2 lcores");
		return;
	}
	a.s = stress_setup(RTE_MAX_LCORE);
	CU_ASSERT_PTR_NOT_NULL_FATAL(a.s);
	a.ops = stress_ops(STRESS_OPS);
	a.nb = rte_lcore_count();
	CU_ASSERT_EQUAL(
		rte_eal_mp_remote_launch(stress_lcore, &a, CALL_MAIN), 0);
	rte_eal_mp_wait_lcore();
	stress_join(a.s, a.nb);
	tstack_check_and_free(a.s);
}

/*
 * A registered non-EAL thread takes part, and retires last a node that the
 * main lcore pins with a hazard; its unregister must leave that node as an
 * orphan, which a later barrier on another record reclaims.
 */
static void *
non_eal_thread(void *arg)
{
	struct lcore_arg *a = arg;
	struct lfp_hp_record *r;
	struct tnode *pinned;
	long ok = -1;

	if (rte_thread_register() != 0 || rte_lcore_id() == LCORE_ID_ANY) {
		count_error(a->s, "rte_thread_register failed");
		return (void *)ok;
	}
	r = lfp_hp_register(a->s->domain);
	if (r != NULL) {
		stress_wait_ready(a->s, a->nb);
		stress_loop(a->s, r, a->ops);
		pinned = container_of(a->s->pinned, struct tnode, hp);
		pinned->retires++;
		/* relaxed: a counter, read after the thread is joined. */
		__atomic_fetch_add(&a->s->retires, 1, __ATOMIC_RELAXED);
		/* relaxed: the retire below publishes it to the reclaimer. */
		__atomic_store_n(
			&pinned->state, TNODE_RETIRED, __ATOMIC_RELAXED);
		if (lfp_hp_retire(r, &pinned->hp, pinned, a->s->reclaimer_id) ==
				0 &&
			lfp_hp_unregister(r) == 0)
			ok = 0;
	}
	stash_flush(a->s);
	rte_thread_unregister();
	return (void *)ok;
}

static void
test_hp_non_eal_thread_orphans_reclaimed(void)
{
	struct lfp_hp_record *pin;
	struct lfp_hp_stats st;
	struct lcore_arg a;
	struct tnode *pinned;
	pthread_t tid;
	void *ret = NULL;

	a.s = stress_setup(RTE_MAX_LCORE);
	CU_ASSERT_PTR_NOT_NULL_FATAL(a.s);
	a.ops = stress_ops(STRESS_OPS) / 2;
	a.nb = rte_lcore_count() + 1;
	/* Keep one node off the stack, pinned by the main lcore. */
	pin = lfp_hp_register(a.s->domain);
	CU_ASSERT_PTR_NOT_NULL_FATAL(pin);
	pinned = stack_pop(a.s, pin);
	CU_ASSERT_PTR_NOT_NULL_FATAL(pinned);
	CU_ASSERT_EQUAL(lfp_hp_set(pin, 0, pinned), 0);
	a.s->pinned = &pinned->hp;

	CU_ASSERT_EQUAL_FATAL(
		pthread_create(&tid, NULL, non_eal_thread, &a), 0);
	CU_ASSERT_EQUAL(
		rte_eal_mp_remote_launch(stress_lcore, &a, CALL_MAIN), 0);
	rte_eal_mp_wait_lcore();
	CU_ASSERT_EQUAL(pthread_join(tid, &ret), 0);
	CU_ASSERT_PTR_NULL(ret);
	stress_join(a.s, a.nb - 1); /* The lcores; the thread was joined. */

	CU_ASSERT_EQUAL(lfp_hp_domain_stats(a.s->domain, &st), 0);
	CU_ASSERT(st.orphans >= 1);
	CU_ASSERT_EQUAL(pinned->reclaims, 0);
	lfp_hp_clear(pin, 0);
	/* pin is the only record left; its barrier adopts and reclaims. */
	CU_ASSERT_EQUAL(lfp_hp_barrier(pin), 0);
	CU_ASSERT_EQUAL(pinned->reclaims, 1);
	CU_ASSERT_EQUAL(lfp_hp_unregister(pin), 0);
	tstack_check_and_free(a.s);
}

/*
 * Secondary process: it works on the primary's stack and domain while the
 * primary's lcores do the same.
 */
static int
secondary_stress(int argc, char **argv)
{
	const struct rte_memzone *mz = rte_memzone_lookup(MP_ZONE);
	struct lfp_hp_domain *d = lfp_hp_domain_lookup(MP_DOMAIN);
	unsigned long ops = argc > 1 ? strtoul(argv[1], NULL, 0) : 1000;
	struct tstack *s;
	long retired;
	int id;

	if (mz == NULL || d == NULL) {
		fprintf(stderr, "secondary: no stack or domain\n");
		return 1;
	}
	s = mz->addr;
	/* Control calls a secondary may not make. */
	rte_errno = 0;
	if (lfp_hp_domain_create("hp_t_sec", 1, 1, SOCKET_ID_ANY) != NULL ||
		rte_errno != E_RTE_SECONDARY ||
		lfp_hp_domain_free(d) != -E_RTE_SECONDARY) {
		fprintf(stderr, "secondary: create/free not refused\n");
		return 1;
	}
	/* The same name gets the primary's id, bound to our function. */
	id = lfp_hp_reclaimer_register(d, "tnode", tnode_reclaim, s);
	if (id < 0 || (uint32_t)id != s->reclaimer_id) {
		fprintf(stderr, "secondary: reclaimer id %d, primary %u\n", id,
			s->reclaimer_id);
		return 1;
	}
	/* release: orders nothing the primary reads; a start signal. */
	__atomic_store_n(&s->sec_ready, 1, __ATOMIC_RELEASE);
	retired = stress_worker(s, ops, 0);
	if (retired < 0)
		return 1;
	/* relaxed: read after the secondary exited (waitpid orders it). */
	__atomic_store_n(&s->sec_retires, retired, __ATOMIC_RELAXED);
	/* relaxed: read after the secondary exited (waitpid orders it). */
	return __atomic_load_n(&s->errors, __ATOMIC_RELAXED) != 0;
}

/* Sleep until the secondary is up (its EAL init needs the CPUs), then
 * stress until it has exited.
 */
static int
stress_until_stopped(void *arg)
{
	struct lcore_arg *a = arg;

	/* acquire/relaxed: start and stop signals only. */
	while (!__atomic_load_n(&a->s->sec_ready, __ATOMIC_ACQUIRE) &&
		!__atomic_load_n(&a->s->stop, __ATOMIC_RELAXED))
		rte_delay_us_sleep(1000);
	return stress_worker(a->s, 0, 0) < 0 ? -1 : 0;
}

/* Re-execute this binary as a fresh primary with @p env set; its status. */
static int
reexec_self(const char *env)
{
	char self[PATH_MAX];
	ssize_t len;
	int status;
	pid_t pid;

	len = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (len < 0)
		return -1;
	self[len] = '\0';
	fflush(stdout);
	fflush(stderr);
	pid = fork();
	if (pid == 0) {
		setenv(env, "1", 1);
		execl(self, self, (char *)NULL);
		_exit(127);
	}
	if (pid < 0 || waitpid(pid, &status, 0) < 0 || !WIFEXITED(status))
		return -1;
	return WEXITSTATUS(status);
}

/*
 * The serial and stress suites again, in a process whose membarrier(2)
 * calls fail as under a seccomp policy: every record publishes with a full
 * fence and scans order them with their own fence.
 */
static void
test_hp_fallback_process_runs_suites(void)
{
#if !HP_FAST_BUILD
	lfp_test_skip(__func__,
		"ThreadSanitizer builds always use the "
		"fence path: the suites above ran it");
	return;
#endif
	printf("\n    (re-executed with membarrier(2) refused by seccomp)\n");
	CU_ASSERT_EQUAL(reexec_self(ENV_NO_MEMBARRIER), 0);
}

/* Multi-process tests need hugepages and a sanitizer that sees them. */
static bool mp_skipped;

static bool
mp_usable(const char *test)
{
#if defined(__SANITIZE_THREAD__)
	/* TSan sees one process only, and EAL's hugepage init and cleanup
	 * under TSan take about a minute per process here.
	 */
	lfp_test_skip(test, "ThreadSanitizer cannot observe a secondary");
	mp_skipped = true;
	return false;
#endif
	if (!lfp_test_have_hugepages()) {
		lfp_test_skip(test, "needs hugepages");
		mp_skipped = true;
		return false;
	}
	return true;
}

/* The secondary runs the stress with membarrier refused if @p fallback. */
static void
secondary_concurrent(bool fallback)
{
	char ops[32];
	struct lcore_arg a;
	int pid, status;

	a.s = stress_setup(RTE_MAX_LCORE);
	CU_ASSERT_PTR_NOT_NULL_FATAL(a.s);
	a.ops = 0;
	a.nb = 0;
	snprintf(ops, sizeof(ops), "%lu", stress_ops(STRESS_OPS) / 2);
	if (fallback)
		setenv(ENV_NO_MEMBARRIER, "1", 1);
	pid = lfp_test_spawn_secondary("stress", ops);
	unsetenv(ENV_NO_MEMBARRIER);
	CU_ASSERT_FATAL(pid > 0);
	/* The workers run for as long as the secondary does. */
	CU_ASSERT_EQUAL(
		rte_eal_mp_remote_launch(stress_until_stopped, &a, SKIP_MAIN),
		0);
	status = lfp_test_wait_secondary(pid);
	/* relaxed: stop request; the join below orders the rest. */
	__atomic_store_n(&a.s->stop, 1, __ATOMIC_RELAXED);
	rte_eal_mp_wait_lcore();
	CU_ASSERT_EQUAL(status, 0);
	if (status == 0) /* The workers, and the secondary's. */
		stress_join(a.s, rte_lcore_count());
	printf("\n    the secondary retired %" PRIu64 " nodes while the "
	       "primary's lcores ran",
		a.s->sec_retires);
	CU_ASSERT(a.s->sec_retires > 0);
	tstack_check_and_free(a.s);
}

static void
test_hp_secondary_concurrent(void)
{
	if (mp_usable(__func__))
		secondary_concurrent(false);
}

/*
 * A secondary without membarrier (full-fence publishes, scans that defer
 * to the orphans while fast records exist) against the primary's
 * fence-less lcores.
 */
static void
test_hp_secondary_fallback_concurrent(void)
{
	if (mp_usable(__func__))
		secondary_concurrent(true);
}

/*
 * Ownership by process: secondaries that exit or die with records.
 */

#define OWN_DOMAIN "hp_test_own"
#define OWN_ZONE "hp_test_own_objs"
#define OWN_RECORDS 64
#define OWN_CHILDREN 16
#define OWN_PER_CHILD 256
#define OWN_VICTIM (OWN_CHILDREN * OWN_PER_CHILD)
/* Secondaries that exit normally, one after another. */
#define NB_EXITING 15
#define NB_HOLDING 3 /* Killed while holding a hazard. */
#define NB_BLOCKED 2 /* Killed inside a reclaimer, mid-scan. */

struct own_obj {
	struct lfp_hp_node hp;
	uint32_t retired;  /* Atomic: set by the process that retires it. */
	uint32_t reclaims; /* Atomic: by whichever process reclaims it. */
};

/* Shared by the primary and its secondaries (memzone OWN_ZONE). */
struct own_shared {
	void *victim;		      /* What holding secondaries protect. */
	uint32_t ready[OWN_CHILDREN]; /* Set when a secondary may be killed. */
	struct own_obj objs[OWN_VICTIM + 1];
};

/* In a secondary that must stop inside its first reclaim: its index. */
static int own_block_as = -1;
static struct own_shared *own_shared;

static void
own_reclaim(struct lfp_hp_node *node, void *arg)
{
	struct own_obj *o = container_of(node, struct own_obj, hp);

	RTE_SET_USED(arg);
	if (own_block_as >= 0) {
		/* relaxed: the primary only polls it before killing us. */
		__atomic_store_n(
			&own_shared->ready[own_block_as], 1, __ATOMIC_RELAXED);
		for (;;)
			pause();
	}
	/* relaxed: a count, checked after every process is done. */
	__atomic_fetch_add(&o->reclaims, 1, __ATOMIC_RELAXED);
}

/* Attach a secondary: the domain, the objects and the reclaimer id. */
static struct lfp_hp_domain *
own_attach(const char *arg, unsigned int *idx, int *id)
{
	const struct rte_memzone *mz = rte_memzone_lookup(OWN_ZONE);
	struct lfp_hp_domain *d = lfp_hp_domain_lookup(OWN_DOMAIN);

	*idx = arg != NULL ? strtoul(arg, NULL, 0) : 0;
	if (mz == NULL || d == NULL || *idx >= OWN_CHILDREN) {
		fprintf(stderr, "secondary: no domain, objects or index\n");
		return NULL;
	}
	own_shared = mz->addr;
	*id = lfp_hp_reclaimer_register(d, "own", own_reclaim, NULL);
	return *id >= 0 ? d : NULL;
}

/* Retire objects [first, first + n) on @p r. */
static int
own_retire(struct lfp_hp_record *r, unsigned int first, unsigned int n, int id)
{
	struct own_obj *o;
	unsigned int i;

	for (i = 0; i < n; i++) {
		o = &own_shared->objs[first + i];
		/* relaxed: checked after every process is done. */
		__atomic_store_n(&o->retired, 1, __ATOMIC_RELAXED);
		if (lfp_hp_retire(r, &o->hp, o, id) != 0)
			return -1;
	}
	return 0;
}

struct own_thread_arg {
	struct lfp_hp_domain *d;
	unsigned int first;
	int id;
	int ret;
};

/* Register, protect one object, retire four, and leave the record. */
static int
own_protect_retire(struct lfp_hp_domain *d, unsigned int first, int id)
{
	struct lfp_hp_record *r = lfp_hp_register(d);
	void *src = &own_shared->objs[first];

	if (r == NULL || lfp_hp_protect(r, 0, &src) != src)
		return -1;
	return own_retire(r, first, 4, id);
}

static void *
own_thread(void *arg)
{
	struct own_thread_arg *a = arg;

	a->ret = own_protect_retire(a->d, a->first, a->id);
	return NULL;
}

/*
 * Two records (main thread and a plain pthread), neither unregistered,
 * then one of three exits: exit() (records given back by the library's
 * exit hook), lfp_hp_process_release() then rte_eal_cleanup(), or
 * rte_eal_cleanup() alone (records left to adoption).
 */
static int
secondary_exits(int argc, char **argv)
{
	struct own_thread_arg a;
	struct lfp_hp_domain *d;
	unsigned int idx;
	pthread_t tid;
	int id;

	d = own_attach(argc > 1 ? argv[1] : NULL, &idx, &id);
	if (d == NULL)
		return 1;
	a = (struct own_thread_arg){d, idx * OWN_PER_CHILD + 4, id, -1};
	if (own_protect_retire(d, idx * OWN_PER_CHILD, id) != 0 ||
		pthread_create(&tid, NULL, own_thread, &a) != 0 ||
		pthread_join(tid, NULL) != 0 || a.ret != 0)
		return 1;
	switch (idx % 3) {
	case 0:
		fflush(stdout);
		exit(0);
	case 1:
		return lfp_hp_process_release() == 2 ? 0 : 1;
	default:
		return 0;
	}
}

/* Protect the victim, retire four objects, wait to be killed. */
static int
secondary_holds(int argc, char **argv)
{
	struct lfp_hp_domain *d;
	struct lfp_hp_record *r;
	unsigned int idx;
	void *p;
	int id;

	d = own_attach(argc > 1 ? argv[1] : NULL, &idx, &id);
	if (d == NULL || (r = lfp_hp_register(d)) == NULL)
		return 1;
	p = lfp_hp_protect(r, 0, &own_shared->victim);
	if (p != &own_shared->objs[OWN_VICTIM] ||
		own_retire(r, idx * OWN_PER_CHILD, 4, id) != 0)
		return 1;
	/* relaxed: the primary only polls it before killing us. */
	__atomic_store_n(&own_shared->ready[idx], 1, __ATOMIC_RELAXED);
	for (;;)
		pause();
}

/*
 * Retire a slice, then scan (unless a threshold scan came first): the
 * reclaimer stops there for good.
 */
static int
secondary_blocks(int argc, char **argv)
{
	struct lfp_hp_domain *d;
	struct lfp_hp_record *r;
	unsigned int idx;
	int id;

	d = own_attach(argc > 1 ? argv[1] : NULL, &idx, &id);
	if (d == NULL || (r = lfp_hp_register(d)) == NULL)
		return 1;
	own_block_as = idx;
	if (own_retire(r, idx * OWN_PER_CHILD, OWN_PER_CHILD, id) != 0)
		return 1;
	lfp_hp_scan(r);
	fprintf(stderr, "secondary: the scan reclaimed nothing\n");
	return 1;
}

static struct lfp_hp_domain *
own_setup(int *id)
{
	const struct rte_memzone *mz;
	struct lfp_hp_domain *d;

	d = lfp_hp_domain_create(
		OWN_DOMAIN, OWN_RECORDS, TEST_SLOTS, SOCKET_ID_ANY);
	if (d == NULL)
		return NULL;
	mz = rte_memzone_reserve_aligned(OWN_ZONE, sizeof(*own_shared),
		SOCKET_ID_ANY, 0, RTE_CACHE_LINE_SIZE);
	*id = lfp_hp_reclaimer_register(d, "own", own_reclaim, NULL);
	if (mz == NULL || *id < 0) {
		rte_memzone_free(mz);
		lfp_hp_domain_free(d);
		return NULL;
	}
	own_shared = mz->addr;
	memset(own_shared, 0, sizeof(*own_shared));
	return d;
}

/* Objects in [first, first + n) retired, and reclaimed exactly once. */
static unsigned int
own_unreclaimed(unsigned int first, unsigned int n)
{
	unsigned int i, bad = 0;
	struct own_obj *o;

	for (i = first; i < first + n; i++) {
		o = &own_shared->objs[i];
		/* relaxed: every other process is gone (waitpid). */
		bad += __atomic_load_n(&o->retired, __ATOMIC_RELAXED) != 1 ||
			__atomic_load_n(&o->reclaims, __ATOMIC_RELAXED) != 1;
	}
	return bad;
}

/* Reclaim what is left from a fresh record. */
static void
own_drain(struct lfp_hp_domain *d)
{
	struct lfp_hp_record *r = lfp_hp_register(d);
	struct lfp_hp_stats st;

	CU_ASSERT_PTR_NOT_NULL_FATAL(r);
	CU_ASSERT_EQUAL(lfp_hp_barrier(r), 0);
	CU_ASSERT_EQUAL(lfp_hp_domain_stats(d, &st), 0);
	CU_ASSERT_EQUAL(st.records_used, 1);
	CU_ASSERT_EQUAL(st.pending, 0);
	CU_ASSERT_EQUAL(lfp_hp_unregister(r), 0);
}

static void
own_free(struct lfp_hp_domain *d)
{
	CU_ASSERT_EQUAL(lfp_hp_domain_free(d), 0);
	CU_ASSERT_EQUAL(rte_memzone_free(rte_memzone_lookup(OWN_ZONE)), 0);
}

static void
test_hp_exited_processes_give_records_back(void)
{
	unsigned int i, left_to_adopt = 0;
	struct lfp_hp_domain *d;
	struct lfp_hp_stats st;
	char arg[16];
	int id;

	if (!mp_usable(__func__))
		return;
	RTE_BUILD_BUG_ON(NB_EXITING > OWN_CHILDREN);
	d = own_setup(&id);
	CU_ASSERT_PTR_NOT_NULL_FATAL(d);
	for (i = 0; i < NB_EXITING; i++) {
		snprintf(arg, sizeof(arg), "%u", i);
		CU_ASSERT_EQUAL(lfp_test_run_secondary("exits", arg), 0);
		left_to_adopt += i % 3 == 2 ? 2 : 0;
	}
	/* Nothing adopted yet: what exit() and the explicit release gave
	 * back is free; the rest is held by dead pids.
	 */
	CU_ASSERT_EQUAL(lfp_hp_domain_stats(d, &st), 0);
	printf("\n    %u secondaries exited; records still owned: %u, "
	       "expected %u (those that only called rte_eal_cleanup())",
		NB_EXITING, st.records_used, left_to_adopt);
	CU_ASSERT_EQUAL(st.records_used, left_to_adopt);
	CU_ASSERT_EQUAL(st.adopted, 0);
	CU_ASSERT_EQUAL(lfp_hp_domain_adopt(d), (int)left_to_adopt);
	CU_ASSERT_EQUAL(lfp_hp_domain_stats(d, &st), 0);
	CU_ASSERT_EQUAL(st.records_used, 0);
	CU_ASSERT_EQUAL(st.adopted, left_to_adopt);
	own_drain(d);
	for (i = 0; i < NB_EXITING; i++)
		CU_ASSERT_EQUAL(own_unreclaimed(i * OWN_PER_CHILD, 8), 0);
	own_free(d);
}

/* Wait for secondary @p idx to say it may be killed. */
static bool
own_wait_ready(unsigned int idx)
{
	unsigned int ms;

	for (ms = 0; ms < 120000; ms++) {
		/* relaxed: a flag; the kill and waitpid order the rest. */
		if (__atomic_load_n(&own_shared->ready[idx], __ATOMIC_RELAXED))
			return true;
		rte_delay_us_sleep(1000);
	}
	return false;
}

static void
test_hp_killed_processes_adopted(void)
{
	struct own_obj *victim;
	struct lfp_hp_domain *d;
	struct lfp_hp_record *r;
	struct lfp_hp_stats st;
	int pids[NB_HOLDING + NB_BLOCKED];
	unsigned int i, j, lost;
	char arg[16];
	int id;

	if (!mp_usable(__func__))
		return;
	d = own_setup(&id);
	CU_ASSERT_PTR_NOT_NULL_FATAL(d);
	victim = &own_shared->objs[OWN_VICTIM];
	/* release: the object is ready for the secondaries' protect. */
	__atomic_store_n(&own_shared->victim, victim, __ATOMIC_RELEASE);
	for (i = 0; i < RTE_DIM(pids); i++) {
		snprintf(arg, sizeof(arg), "%u", i);
		pids[i] = lfp_test_spawn_secondary(
			i < NB_HOLDING ? "holds" : "blocks", arg);
		CU_ASSERT_FATAL(pids[i] > 0);
	}
	for (i = 0; i < RTE_DIM(pids); i++)
		CU_ASSERT(own_wait_ready(i));

	/* Unlink and retire the victim: live hazards keep it. */
	r = lfp_hp_register(d);
	CU_ASSERT_PTR_NOT_NULL_FATAL(r);
	/* relaxed: unlinked; the retire and scan order the rest. */
	__atomic_store_n(&own_shared->victim, NULL, __ATOMIC_RELAXED);
	__atomic_store_n(&victim->retired, 1, __ATOMIC_RELAXED);
	CU_ASSERT_EQUAL(lfp_hp_retire(r, &victim->hp, victim, id), 0);
	CU_ASSERT_EQUAL(lfp_hp_barrier(r), 1);
	CU_ASSERT_EQUAL(victim->reclaims, 0);

	for (i = 0; i < RTE_DIM(pids); i++) {
		CU_ASSERT_EQUAL(kill(pids[i], SIGKILL), 0);
		CU_ASSERT_EQUAL(waitpid(pids[i], NULL, 0), pids[i]);
	}
	/* The barrier adopts the dead records: the victim is free now. */
	CU_ASSERT_EQUAL(lfp_hp_barrier(r), 0);
	CU_ASSERT_EQUAL(victim->reclaims, 1);
	CU_ASSERT_EQUAL(lfp_hp_domain_stats(d, &st), 0);
	CU_ASSERT_EQUAL(st.adopted, RTE_DIM(pids));
	CU_ASSERT_EQUAL(st.records_used, 1);
	CU_ASSERT_EQUAL(lfp_hp_unregister(r), 0);
	for (i = 0; i < NB_HOLDING; i++)
		CU_ASSERT_EQUAL(own_unreclaimed(i * OWN_PER_CHILD, 4), 0);
	/* A blocked secondary loses the one node it was reclaiming: it left
	 * the list before its reclaimer ran, so no one reclaims it twice.
	 */
	for (i = NB_HOLDING; i < RTE_DIM(pids); i++) {
		lost = 0;
		for (j = i * OWN_PER_CHILD; j < (i + 1) * OWN_PER_CHILD; j++) {
			struct own_obj *o = &own_shared->objs[j];

			if (o->retired == 0) {
				CU_ASSERT_EQUAL(o->reclaims, 0);
				continue;
			}
			CU_ASSERT(o->reclaims <= 1);
			lost += o->reclaims == 0;
		}
		CU_ASSERT_EQUAL(lost, 1);
	}
	own_drain(d);
	own_free(d);
}

/* Retire the slice one node at a time, protecting the next, slowly. */
static int
secondary_churns(int argc, char **argv)
{
	struct lfp_hp_domain *d;
	struct lfp_hp_record *r;
	unsigned int idx, i, first;
	void *src;
	int id;

	d = own_attach(argc > 1 ? argv[1] : NULL, &idx, &id);
	if (d == NULL || (r = lfp_hp_register(d)) == NULL)
		return 1;
	first = idx * OWN_PER_CHILD;
	/* relaxed: the primary only polls it before killing us. */
	__atomic_store_n(&own_shared->ready[idx], 1, __ATOMIC_RELAXED);
	for (i = 0; i < OWN_PER_CHILD; i++) {
		src = &own_shared->objs[first + (i + 1) % OWN_PER_CHILD];
		if (lfp_hp_protect(r, 0, &src) != src ||
			own_retire(r, first + i, 1, id) != 0)
			return 1;
		rte_delay_us_sleep(50);
	}
	for (;;)
		pause();
}

/*
 * Secondaries killed at random moments while they protect and retire:
 * after adoption every node they retired is reclaimed once, apart from at
 * most the one each was retiring or reclaiming when it died.
 */
static void
test_hp_randomly_killed_processes(void)
{
	unsigned int i, j, lost, twice = 0, lost_max = 0;
	int pids[OWN_CHILDREN];
	struct lfp_hp_domain *d;
	struct own_obj *o;
	char arg[16];
	int id;

	if (!mp_usable(__func__))
		return;
	d = own_setup(&id);
	CU_ASSERT_PTR_NOT_NULL_FATAL(d);
	srand(getpid());
	for (i = 0; i < RTE_DIM(pids); i++) {
		snprintf(arg, sizeof(arg), "%u", i);
		pids[i] = lfp_test_spawn_secondary("churns", arg);
		CU_ASSERT_FATAL(pids[i] > 0);
		CU_ASSERT(own_wait_ready(i));
		rte_delay_us_sleep(rand() % 20000);
		CU_ASSERT_EQUAL(kill(pids[i], SIGKILL), 0);
		CU_ASSERT_EQUAL(waitpid(pids[i], NULL, 0), pids[i]);
	}
	own_drain(d);
	for (i = 0; i < RTE_DIM(pids); i++) {
		lost = 0;
		for (j = i * OWN_PER_CHILD; j < (i + 1) * OWN_PER_CHILD; j++) {
			o = &own_shared->objs[j];
			twice += o->reclaims > 1 || o->reclaims > o->retired;
			lost += o->retired == 1 && o->reclaims == 0;
		}
		CU_ASSERT(lost <= 1);
		lost_max = RTE_MAX(lost_max, lost);
	}
	printf("\n    %u secondaries killed at random; at most %u node(s) "
	       "lost by one ",
		(unsigned int)RTE_DIM(pids), lost_max);
	CU_ASSERT_EQUAL(twice, 0);
	own_free(d);
}

static CU_TestInfo serial_tests[] = {
	{"domain_create_lookup_free", test_hp_domain_create_lookup_free},
	{"domain_lookup_miss_is_quiet", test_hp_domain_lookup_miss_is_quiet},
	{"protect_then_clear_allows_reclaim",
		test_hp_protect_then_clear_allows_reclaim},
	{"protect_returns_validated_value",
		test_hp_protect_returns_validated_value},
	{"retire_protected_not_freed", test_hp_retire_protected_not_freed},
	{"unprotected_reclaimed_at_threshold",
		test_hp_unprotected_reclaimed_at_threshold},
	{"many_hazards_linear_fallback", test_hp_many_hazards_linear_fallback},
	{"set_protects_until_overwritten",
		test_hp_set_protects_until_overwritten},
	{"reclaimer_may_retire", test_hp_reclaimer_may_retire},
	{"unregister_leaves_orphans_for_barrier",
		test_hp_unregister_leaves_orphans_for_barrier},
	{"domain_free_reclaims_orphans", test_hp_domain_free_reclaims_orphans},
	{"unbound_reclaimer_kept_pending",
		test_hp_unbound_reclaimer_kept_pending},
	{"reclaimer_names_share_ids", test_hp_reclaimer_names_share_ids},
	{"bad_input", test_hp_bad_input},
	{"owner_liveness", test_hp_owner_liveness},
	{"adopt_record_of_recycled_pid", test_hp_adopt_record_of_recycled_pid},
	{"publish_mode_follows_membarrier",
		test_hp_publish_mode_follows_membarrier},
	{"fallback_scan_defers_for_fast_records",
		test_hp_fallback_scan_defers_for_fast_records},
	{"telemetry_list_and_stats", test_hp_telemetry_list_and_stats},
	CU_TEST_INFO_NULL,
};

static CU_TestInfo stress_tests[] = {
	{"stress_treiber_lcores", test_hp_stress_treiber_lcores},
	{"non_eal_thread_orphans_reclaimed",
		test_hp_non_eal_thread_orphans_reclaimed},
	CU_TEST_INFO_NULL,
};

static CU_TestInfo fallback_tests[] = {
	{"fallback_process_runs_suites", test_hp_fallback_process_runs_suites},
	CU_TEST_INFO_NULL,
};

static CU_TestInfo mp_tests[] = {
	{"secondary_concurrent", test_hp_secondary_concurrent},
	{"secondary_fallback_concurrent",
		test_hp_secondary_fallback_concurrent},
	{"exited_processes_give_records_back",
		test_hp_exited_processes_give_records_back},
	{"killed_processes_adopted", test_hp_killed_processes_adopted},
	{"randomly_killed_processes", test_hp_randomly_killed_processes},
	CU_TEST_INFO_NULL,
};

static CU_SuiteInfo suites[] = {
	{"hazptr_serial", NULL, NULL, NULL, NULL, serial_tests},
	{"hazptr_stress", NULL, NULL, NULL, NULL, stress_tests},
	{"hazptr_fallback", NULL, NULL, NULL, NULL, fallback_tests},
	CU_SUITE_INFO_NULL,
};

/* The re-run without membarrier: the suites that do not re-run. */
static CU_SuiteInfo fallback_child_suites[] = {
	{"hazptr_serial", NULL, NULL, NULL, NULL, serial_tests},
	{"hazptr_stress", NULL, NULL, NULL, NULL, stress_tests},
	CU_SUITE_INFO_NULL,
};

/* Its own meson test (ENV_MP), so that it can report a skip (77). */
static CU_SuiteInfo mp_suites[] = {
	{"hazptr_multiprocess", NULL, NULL, NULL, NULL, mp_tests},
	CU_SUITE_INFO_NULL,
};

static const struct lfp_test_secondary secondaries[] = {
	{"stress", secondary_stress},
	{"exits", secondary_exits},
	{"holds", secondary_holds},
	{"blocks", secondary_blocks},
	{"churns", secondary_churns},
	{NULL, NULL},
};

int
main(int argc, char **argv)
{
	struct lfp_test_conf conf = {
		.name = "hazptr",
		.lcores = TEST_LCORES,
		.suites = suites,
		.secondaries = secondaries,
	};
	int ret;

	if (getenv(ENV_NO_MEMBARRIER) != NULL) {
		ret = lfp_test_refuse_membarrier();
		if (ret != 0) {
			fprintf(stderr, "seccomp: %s\n", strerror(-ret));
			return 1;
		}
		conf.suites = fallback_child_suites;
	}
	if (getenv(ENV_MP) != NULL)
		conf.suites = mp_suites;
	ret = lfp_test_main(argc, argv, &conf);
	/* Every multi-process test skipped: tell meson. */
	return ret == 0 && mp_skipped && getenv(ENV_MP) != NULL ? 77 : ret;
}
