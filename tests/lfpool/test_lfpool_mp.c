/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The lfpool authors
 */

/*
 * Multi-process: a secondary process gets and puts on the primary's lfpool
 * pool, alone and while the primary's lcores do the same. A binary of its
 * own: once a secondary has attached, EAL refuses rte_thread_register()
 * in the primary (rte_mp_disable() fails), which the other suite needs.
 * Needs hugepages (a secondary cannot attach to a --no-huge primary).
 */

#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <rte_common.h>
#include <rte_cycles.h>
#include <rte_errno.h>
#include <rte_lcore.h>
#include <rte_memzone.h>
#include <rte_mempool.h>

#include "lfp_test.h"
#include "lfpool_private.h"
#include "lfpool_test.h"

#define MP_POOL_SIZE 4096
#define MP_HELD 100
#define MP_ITERATIONS (60000 / LT_SCALE)
/* Tag of the secondary's objects, and the mark it leaves in each. */
#define MP_SECONDARY_TAG UINT64_C(0x5ec0000000000001)
#define MP_MARK UINT64_C(0x5ec0)

/* Second word of an object: set by the secondary on each get. */
static uint64_t *
obj_mark(void *obj)
{
	return (uint64_t *)obj + 1;
}

/* --- Secondary side --- */

struct sec_arg {
	struct lt_churn churn;
	int ret;
};

/* The churn, plus the mark, on a thread that exits (and so gives its
 * hazard record back).
 */
static void *
sec_thread(void *arg)
{
	struct sec_arg *a = arg;
	void *objs[64];
	unsigned int i, round;

	for (round = 0; round < 100; round++) {
		if (rte_mempool_get_bulk(a->churn.mp, objs, RTE_DIM(objs)))
			continue;
		for (i = 0; i < RTE_DIM(objs); i++)
			/* Relaxed: read by the primary after we exit. */
			__atomic_store_n(
				obj_mark(objs[i]), MP_MARK, __ATOMIC_RELAXED);
		rte_mempool_put_bulk(a->churn.mp, objs, RTE_DIM(objs));
	}
	a->ret = lt_churn_run(&a->churn);
	return NULL;
}

/* argv[1]: "<pool>,<expected avail or -1>" */
static int
secondary_worker(int argc, char **argv)
{
	struct sec_arg a = {.ret = -1};
	struct lfp_mempool_stats st;
	struct rte_mempool *mp;
	char name[RTE_MEMPOOL_NAMESIZE];
	long expected;
	pthread_t t;
	char *comma;

	if (argc < 2 || (comma = strchr(argv[1], ',')) == NULL)
		return 10;
	snprintf(name, sizeof(name), "%.*s", (int)(comma - argv[1]), argv[1]);
	expected = strtol(comma + 1, NULL, 10);
	mp = rte_mempool_lookup(name);
	if (mp == NULL)
		return 11;
	if (strcmp(rte_mempool_get_ops(mp->ops_index)->name,
		    LFP_MEMPOOL_OPS_NAME) != 0)
		return 12;
	if (expected >= 0 && rte_mempool_avail_count(mp) != expected) {
		fprintf(stderr, "secondary: avail %u, expected %ld\n",
			rte_mempool_avail_count(mp), expected);
		return 13;
	}
	a.churn = (struct lt_churn){.mp = mp,
		.iterations = MP_ITERATIONS,
		.max_bulk = 64,
		.max_held = 256,
		.seed = 0x5ec,
		.tag = MP_SECONDARY_TAG};
	if (pthread_create(&t, NULL, sec_thread, &a) != 0)
		return 14;
	pthread_join(t, NULL);
	if (a.ret != 0 || a.churn.gets == 0) {
		fprintf(stderr,
			"secondary: churn %d, %" PRIu64 " gets, %" PRIu64
			" errors\n",
			a.ret, a.churn.gets, a.churn.errors);
		return 15;
	}
	/* Statistics read from shared memory work here too. */
	if (lfp_mempool_stats_get(mp, &st, NULL) != 0 ||
		st.populated != MP_POOL_SIZE)
		return 16;
	if (expected >= 0 && rte_mempool_avail_count(mp) != expected)
		return 17;
	return 0;
}

/* A secondary may not create an lfpool pool: a clear error, no crash. */
static int
secondary_create(int argc, char **argv)
{
	struct rte_mempool *mp;
	int ret;

	RTE_SET_USED(argc);
	RTE_SET_USED(argv);
	mp = rte_mempool_create_empty(
		"lt_sec_pool", 1024, LT_ELT_SIZE, 0, 0, SOCKET_ID_ANY, 0);
	if (mp == NULL)
		return 20;
	ret = rte_mempool_set_ops_byname(mp, LFP_MEMPOOL_OPS_NAME, NULL);
	if (ret == 0)
		ret = rte_mempool_populate_default(mp);
	rte_mempool_free(mp);
	if (ret != -E_RTE_SECONDARY) {
		fprintf(stderr, "secondary: populate %d, expected %d\n", ret,
			-E_RTE_SECONDARY);
		return 21;
	}
	return 0;
}

/*
 * A secondary runs the driver's free on the primary's pool (named by
 * argv[1]). Not through rte_mempool_free(): DPDK 22.11 then calls the
 * memory chunks' free callbacks, function pointers of the primary, and
 * crashes here with any driver (ring_mp_mc too); the driver's own part
 * must not. The ops table is per process, so this is this process's
 * lfpool_free().
 */
static int
secondary_free(int argc, char **argv)
{
	struct rte_mempool *mp;

	if (argc < 2)
		return 30;
	mp = rte_mempool_lookup(argv[1]);
	if (mp == NULL || mp->pool_data == NULL)
		return 31;
	rte_mempool_get_ops(mp->ops_index)->free(mp);
	return mp->pool_data == NULL ? 0 : 32;
}

/* --- Secondaries that exit or die --- */

#define DEAD_POOL_SIZE 4096
/* Small magazines: a kill inside a pop's window loses at most 8. */
#define DEAD_MAG_SIZE 8
#define DEAD_BRIEF 300	/* Secondaries that exit normally. */
#define DEAD_RELEASED 20 /* ... after lfp_mempool_process_release(). */
#define DEAD_KILLED 20	/* Then secondaries killed at random moments. */
#define DEAD_STOPPED 10 /* And secondaries stopped inside a pop, killed. */
#define DEAD_MAX_HELD 256
#define DEAD_TRACK "lt_mp_track"

/*
 * What a doomed secondary holds, as it tells the primary through a
 * memzone: held objects, and the bulk of the get or put it is inside
 * (which may or may not have happened when it dies).
 */
struct dead_track {
	uint64_t started;
	uint64_t held;
	uint64_t pending;
};

/* A plain store in program order: a kill lands between instructions. */
static void
track_set(uint64_t *field, uint64_t v)
{
	__atomic_signal_fence(__ATOMIC_SEQ_CST);
	/* Relaxed: read by the primary once this process is dead. */
	__atomic_store_n(field, v, __ATOMIC_RELAXED);
	__atomic_signal_fence(__ATOMIC_SEQ_CST);
}

static struct rte_mempool *
sec_lookup(const char *arg, char *rest, size_t rest_len)
{
	char name[RTE_MEMPOOL_NAMESIZE];
	const char *comma = strchr(arg, ',');
	size_t len = comma != NULL ? (size_t)(comma - arg) : strlen(arg);

	snprintf(name, sizeof(name), "%.*s", (int)len, arg);
	snprintf(rest, rest_len, "%s", comma != NULL ? comma + 1 : "");
	return rte_mempool_lookup(name);
}

/*
 * argv[1]: "<pool>[,release]". A few gets and puts, everything back, then
 * with "release" lfp_mempool_process_release(), a normal exit.
 */
static int
secondary_brief(int argc, char **argv)
{
	uint32_t rnd = (uint32_t)getpid() | 1;
	struct rte_mempool *mp;
	void *objs[32];
	unsigned int i, k;
	char rest[16];

	if (argc < 2 || (mp = sec_lookup(argv[1], rest, sizeof(rest))) == NULL)
		return 40;
	for (i = 0; i < 20; i++) {
		k = 1 + lt_rand(&rnd) % RTE_DIM(objs);
		if (rte_mempool_get_bulk(mp, objs, k) == 0)
			rte_mempool_put_bulk(mp, objs, k);
	}
	if (strcmp(rest, "release") == 0 && lfp_mempool_process_release() < 0)
		return 41;
	return 0;
}

/* Cacheless gets of one object until none comes; returns how many. */
static unsigned int
drain_all(struct rte_mempool *mp, void **objs, unsigned int room)
{
	unsigned int n = 0;

	while (n < room && rte_mempool_generic_get(mp, &objs[n], 1, NULL) == 0)
		n++;
	return n;
}

/* argv[1]: "<pool>,<n>": a cacheless drain obtains exactly n objects. */
static int
secondary_drain(int argc, char **argv)
{
	static void *objs[DEAD_POOL_SIZE];
	struct rte_mempool *mp;
	unsigned int n, expected;
	char rest[16];

	if (argc < 2 || (mp = sec_lookup(argv[1], rest, sizeof(rest))) == NULL)
		return 60;
	expected = (unsigned int)strtoul(rest, NULL, 10);
	n = drain_all(mp, objs, DEAD_POOL_SIZE);
	rte_mempool_generic_put(mp, objs, n, NULL);
	if (n != expected) {
		fprintf(stderr, "secondary: drained %u, expected %u\n", n,
			expected);
		return 61;
	}
	return 0;
}

/* Where a doomed secondary stops itself: from its stop_at_pop-th depot
 * pop on, at the first inside a put (stop_in_put) or a get.
 */
static unsigned int stop_at_pop, stop_in_put, pops;
static volatile unsigned int in_put;

static void
stop_hook(const struct rte_mempool *mp, void *arg)
{
	RTE_SET_USED(mp);
	RTE_SET_USED(arg);
	if (++pops >= stop_at_pop && in_put == stop_in_put)
		raise(SIGSTOP);
}

/*
 * argv[1]: "<pool>,<slot>,<pop to stop at, 0: none>,<1: in a put>". Gets
 * and puts until killed, telling the primary what it holds.
 */
static int
secondary_doomed(int argc, char **argv)
{
	const struct rte_memzone *mz;
	void *held[DEAD_MAX_HELD];
	struct rte_mempool *mp;
	struct dead_track *t;
	unsigned int slot, n = 0, k;
	uint32_t rnd, r;
	char rest[32];

	if (argc < 2 || (mp = sec_lookup(argv[1], rest, sizeof(rest))) == NULL)
		return 50;
	if (sscanf(rest, "%u,%u,%u", &slot, &stop_at_pop, &stop_in_put) != 3 ||
		(mz = rte_memzone_lookup(DEAD_TRACK)) == NULL)
		return 51;
	t = (struct dead_track *)mz->addr + slot;
	rnd = (uint32_t)getpid() * 2654435761u | 1;
	if (stop_at_pop > 0)
		lfp_mempool_set_test_hook(stop_hook, NULL);
	track_set(&t->started, 1);
	for (;;) {
		r = lt_rand(&rnd);
		k = 1 + (r >> 8) % 16;
		if (n + k > DEAD_MAX_HELD || ((r & 1) && n > 0)) {
			k = RTE_MIN(k, n);
			track_set(&t->pending, k);
			track_set(&t->held, n - k);
			in_put = 1;
			rte_mempool_put_bulk(mp, &held[n - k], k);
			in_put = 0;
			n -= k;
		} else {
			track_set(&t->pending, k);
			if (rte_mempool_get_bulk(mp, &held[n], k) == 0) {
				n += k;
				track_set(&t->held, n);
			}
		}
		track_set(&t->pending, 0);
	}
	return 0;
}

/* --- Primary side --- */

static void
count_marks(struct rte_mempool *mp, void *arg, void *obj, unsigned int idx)
{
	RTE_SET_USED(mp);
	RTE_SET_USED(idx);
	*(unsigned int *)arg += *obj_mark(obj) == MP_MARK;
}

static int
primary_churn(void *arg)
{
	return lt_churn_run(arg);
}

static void
secondary_case(unsigned int cache_size, bool concurrent)
{
	struct lt_churn churn[RTE_MAX_LCORE];
	struct lt_job jobs[RTE_MAX_LCORE];
	unsigned int lcore_id, id = 0, marks = 0, i;
	struct rte_mempool *mp;
	void *held[MP_HELD];
	char arg[64];
	int pid;

	mp = lt_pool_create(
		"lt_mp", LT_OPS_LFPOOL, MP_POOL_SIZE, cache_size, NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(mp);
	CU_ASSERT_EQUAL_FATAL(rte_mempool_get_bulk(mp, held, MP_HELD), 0);
	snprintf(arg, sizeof(arg), "%s,%d", mp->name,
		concurrent ? -1 : MP_POOL_SIZE - MP_HELD);
	pid = lfp_test_spawn_secondary("worker", arg);
	CU_ASSERT_FATAL(pid > 0);
	if (concurrent)
		RTE_LCORE_FOREACH_WORKER(lcore_id)
		{
			if (id == RTE_DIM(churn))
				break;
			churn[id] = (struct lt_churn){.mp = mp,
				.iterations = MP_ITERATIONS,
				.max_bulk = 64,
				.max_held = 256,
				.seed = 77 + id,
				.tag = id + 1};
			CU_ASSERT_EQUAL(lt_launch(&jobs[id], lcore_id,
						primary_churn, &churn[id]),
				0);
			id++;
		}
	for (i = 0; i < id; i++) {
		CU_ASSERT_EQUAL(lt_wait(&jobs[i]), 0);
		CU_ASSERT(churn[i].gets > 0);
	}
	CU_ASSERT_EQUAL(lfp_test_wait_secondary(pid), 0);

	CU_ASSERT_EQUAL(rte_mempool_avail_count(mp), MP_POOL_SIZE - MP_HELD);
	rte_mempool_put_bulk(mp, held, MP_HELD);
	rte_mempool_obj_iter(mp, count_marks, &marks);
	CU_ASSERT(marks > 0);
	CU_ASSERT_EQUAL(lt_check_all_present(mp), 0);
	rte_mempool_free(mp);
}

static void
test_secondary(void)
{
	if (!lfp_test_have_hugepages()) {
		lfp_test_skip(__func__, "needs hugepages");
		return;
	}
	secondary_case(0, false);
	secondary_case(256, false);
	secondary_case(0, true);
	secondary_case(256, true);
}

/*
 * Pool life cycle across processes: a secondary's create is refused; a
 * secondary frees the primary's pool, whose lcore callbacks stay behind
 * in the primary and must then do nothing; the next pool created prunes
 * them and works (ASan builds catch a use of the freed pool).
 */
static void
test_life_cycle(void)
{
	struct rte_mempool *freed, *mp;
	void *objs[64];
	int ret;

	if (!lfp_test_have_hugepages()) {
		lfp_test_skip(__func__, "needs hugepages");
		return;
	}
	CU_ASSERT_EQUAL(lfp_test_run_secondary("create", NULL), 0);
	freed = lt_pool_create("lt_mp_freed", LT_OPS_LFPOOL, 1024, 0, NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(freed);
	ret = lfp_test_run_secondary("free", "lt_mp_freed");
	CU_ASSERT_EQUAL(ret, 0);
	CU_ASSERT_PTR_NULL(freed->pool_data);
	mp = lt_pool_create("lt_mp_next", LT_OPS_LFPOOL, 1024, 0, NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(mp);
	CU_ASSERT_EQUAL(rte_mempool_get_bulk(mp, objs, RTE_DIM(objs)), 0);
	rte_mempool_put_bulk(mp, objs, RTE_DIM(objs));
	CU_ASSERT_EQUAL(lt_check_all_present(mp), 0);
	rte_mempool_free(mp);
	/* DPDK's part of freeing "freed" (its memzone and chunks) cannot
	 * run once its driver is gone: it empties the pool through the
	 * driver. EAL releases that memory when the test ends.
	 */
}

/* --- Dead secondaries: nothing lost but what they held --- */

static void
spawn_brief(struct rte_mempool *mp, unsigned int count, bool release)
{
	unsigned int i, failed = 0;
	char arg[64];

	snprintf(arg, sizeof(arg), "%s%s", mp->name, release ? ",release" : "");
	for (i = 0; i < count; i++)
		failed += lfp_test_run_secondary("brief", arg) != 0;
	CU_ASSERT_EQUAL(failed, 0);
}

/* Wait until pid has stopped itself (true) or a timeout passed. */
static bool
wait_stopped(int pid)
{
	unsigned int ms;
	int status;

	for (ms = 0; ms < 10000; ms++) {
		if (waitpid(pid, &status, WNOHANG | WUNTRACED) == pid)
			return WIFSTOPPED(status);
		rte_delay_us_sleep(1000);
	}
	return false;
}

/*
 * Kill a doomed secondary: at a random moment of its loop (stop_at 0),
 * or once it stopped itself inside its stop_at-th depot pop. Returns the
 * objects it may have held: what it said, plus the bulk it was inside.
 */
static uint64_t
kill_doomed(struct rte_mempool *mp, struct dead_track *t, unsigned int slot,
	unsigned int stop_at, bool in_a_put, unsigned int *stopped)
{
	char arg[96];
	int pid, status;

	memset(t, 0, sizeof(*t));
	snprintf(arg, sizeof(arg), "%s,%u,%u,%u", mp->name, slot, stop_at,
		in_a_put);
	pid = lfp_test_spawn_secondary("doomed", arg);
	CU_ASSERT_FATAL(pid > 0);
	if (stop_at > 0) {
		*stopped += wait_stopped(pid);
	} else {
		/* Relaxed: set by the secondary; polled. */
		while (__atomic_load_n(&t->started, __ATOMIC_RELAXED) == 0 &&
			waitpid(pid, &status, WNOHANG) == 0)
			rte_delay_us_sleep(1000);
		rte_delay_us_sleep(2000 + (unsigned int)rand() % 30000);
	}
	kill(pid, SIGKILL);
	CU_ASSERT_EQUAL(waitpid(pid, &status, 0), pid);
	CU_ASSERT(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
	/* Relaxed: the secondary is dead, its stores are all visible. */
	return __atomic_load_n(&t->held, __ATOMIC_RELAXED) +
		__atomic_load_n(&t->pending, __ATOMIC_RELAXED);
}

/*
 * What dead thieves left in the caches: steal increments (the owner is
 * then kept out), which the adopter leaves only where it cannot tell a
 * dead thief's emptied slot from a live one's, at most one per kill; and
 * slots left NULL where no increment keeps the owner out (a crash), of
 * which there must be none.
 */
static void
steal_leftovers(const struct rte_mempool *mp, unsigned int *increments,
	unsigned int *unguarded_null_slots)
{
	const struct lfpool *pool = mp->pool_data;
	const struct lfpool_cache *c;
	unsigned int i, steal;

	*increments = 0;
	*unguarded_null_slots = 0;
	for (i = 0; i < RTE_MAX_LCORE; i++) {
		c = pool->caches[i];
		if (c == NULL)
			continue;
		steal = c->steal & ~LFPOOL_STEAL_FENCED;
		*increments += steal;
		if (steal == 0)
			*unguarded_null_slots += (c->loaded == NULL) +
				(c->previous == NULL);
	}
}

/* A pool of small magazines for the tests below, NULL (skipped) without
 * hugepages: a secondary cannot attach to a --no-huge primary.
 */
static struct rte_mempool *
dead_pool(const char *test, const char *name, unsigned int size)
{
	struct lfp_mempool_config cfg = {.mag_size = DEAD_MAG_SIZE};
	struct rte_mempool *mp;

	if (!lfp_test_have_hugepages()) {
		lfp_test_skip(test, "needs hugepages");
		return NULL;
	}
	mp = lt_pool_create(name, LT_OPS_LFPOOL, size, 0, &cfg);
	CU_ASSERT_PTR_NOT_NULL_FATAL(mp);
	return mp;
}

static void
test_dead_secondaries(void)
{
	const struct rte_memzone *mz;
	struct lfp_mempool_stats st;
	uint64_t held_bound = 0;
	unsigned int i, drained, stopped = 0, increments, unguarded;
	struct rte_mempool *mp;
	struct dead_track *t;
	struct lt_objmap map;
	char arg[64];
	void **objs;

	mp = dead_pool(__func__, "lt_mp_dead", DEAD_POOL_SIZE);
	if (mp == NULL)
		return;
	CU_ASSERT_EQUAL_FATAL(lt_objmap_build(mp, &map), 0);
	mz = rte_memzone_reserve(DEAD_TRACK,
		sizeof(struct dead_track) * (DEAD_KILLED + DEAD_STOPPED),
		SOCKET_ID_ANY, 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(mz);
	t = mz->addr;
	objs = calloc(DEAD_POOL_SIZE, sizeof(*objs));
	CU_ASSERT_PTR_NOT_NULL_FATAL(objs);

	/* Exits after lfp_mempool_process_release(): nothing is left for
	 * adoption.
	 */
	spawn_brief(mp, DEAD_RELEASED, true);
	CU_ASSERT_EQUAL(lfp_mempool_stats_get(mp, &st, NULL), 0);
	printf("\n    %u exits after a release: %" PRIu64
	       " records in use, %" PRIu64 " lost",
		DEAD_RELEASED, st.records_in_use, st.lost_to_dead_processes);
	CU_ASSERT_EQUAL(st.records_in_use, 0);
	CU_ASSERT_EQUAL(st.lost_to_dead_processes, 0);

	/* 300 normal exits without it: more than there are records, so the
	 * later ones find the records of the gone ones and adopt them.
	 */
	spawn_brief(mp, DEAD_BRIEF, false);
	CU_ASSERT(lfp_mempool_reclaim(mp) >= 0);
	CU_ASSERT_EQUAL(lfp_mempool_stats_get(mp, &st, NULL), 0);
	printf("\n    %u exits: %" PRIu64 " records in use, %" PRIu64 " lost\n",
		DEAD_BRIEF, st.records_in_use, st.lost_to_dead_processes);
	CU_ASSERT_EQUAL(st.records_in_use, 0);
	CU_ASSERT_EQUAL(st.lost_to_dead_processes, 0);
	CU_ASSERT_EQUAL(drain_all(mp, objs, DEAD_POOL_SIZE), DEAD_POOL_SIZE);
	rte_mempool_generic_put(mp, objs, DEAD_POOL_SIZE, NULL);

	/* Killed at random moments, then inside a depot pop. */
	for (i = 0; i < DEAD_KILLED; i++)
		held_bound += kill_doomed(mp, &t[i], i, 0, false, &stopped);
	/* Stopped inside a depot pop of a get (gathering a chain) or of a
	 * put (taking an empty magazine), half each.
	 */
	for (i = 0; i < DEAD_STOPPED; i++)
		held_bound += kill_doomed(mp, &t[DEAD_KILLED + i],
			DEAD_KILLED + i, 1 + (unsigned int)rand() % 64, i & 1,
			&stopped);
	CU_ASSERT(lfp_mempool_reclaim(mp) > 0);
	CU_ASSERT_EQUAL(lfp_mempool_stats_get(mp, &st, NULL), 0);
	drained = drain_all(mp, objs, DEAD_POOL_SIZE);
	printf("    %u killed (%u stopped inside a pop): lost %" PRIu64
	       ", they held at most %" PRIu64 ", drained %u of %u; %" PRIu64
	       " steals\n",
		DEAD_KILLED + DEAD_STOPPED, stopped, st.lost_to_dead_processes,
		held_bound, drained, DEAD_POOL_SIZE, st.steals);
	CU_ASSERT_EQUAL(stopped, DEAD_STOPPED);
	CU_ASSERT_EQUAL(st.records_in_use, 0);
	steal_leftovers(mp, &increments, &unguarded);
	CU_ASSERT(increments <= DEAD_KILLED + DEAD_STOPPED);
	CU_ASSERT_EQUAL(unguarded, 0);
	CU_ASSERT(st.lost_to_dead_processes <= held_bound);
	/* Exact but for the window of a kill between a pop and its
	 * publication (or an unpublication and its push): one magazine
	 * per random kill at most.
	 */
	CU_ASSERT(drained <= DEAD_POOL_SIZE - st.lost_to_dead_processes);
	CU_ASSERT(drained + DEAD_KILLED * DEAD_MAG_SIZE >=
		DEAD_POOL_SIZE - st.lost_to_dead_processes);
	CU_ASSERT_EQUAL(lt_check_distinct(&map, objs, drained), 0);
	rte_mempool_generic_put(mp, objs, drained, NULL);

	/* A new secondary gets every one of them too. */
	snprintf(arg, sizeof(arg), "%s,%u", mp->name, drained);
	CU_ASSERT_EQUAL(lfp_test_run_secondary("drain", arg), 0);
	free(objs);
	lt_objmap_free(&map);
	rte_memzone_free(mz);
	/* Not freed: the dead secondaries' objects are out of it for good,
	 * and DPDK's free would wait for none of them; EAL releases it.
	 */
}

/*
 * argv[1]: "<pool>,<release 0|1>". Gets and puts through this lcore's DPDK
 * cache, which keeps objects, then maybe lfp_mempool_process_release().
 */
static int
secondary_cached(int argc, char **argv)
{
	struct rte_mempool *mp;
	void *objs[20];
	char rest[16];

	if (argc < 2 || (mp = sec_lookup(argv[1], rest, sizeof(rest))) == NULL)
		return 40;
	if (rte_mempool_get_bulk(mp, objs, RTE_DIM(objs)) != 0)
		return 42;
	rte_mempool_put_bulk(mp, objs, RTE_DIM(objs));
	if (strcmp(rest, "1") == 0 && lfp_mempool_process_release() < 0)
		return 41;
	return 0;
}

static struct rte_mempool *joined_pool;

/* A thread that puts and gets without a cache, then waits for its exit. */
static void *
joined_thread(void *arg)
{
	pthread_barrier_t *b = arg;
	void *obj;

	if (rte_mempool_generic_get(joined_pool, &obj, 1, NULL) == 0)
		rte_mempool_generic_put(joined_pool, &obj, 1, NULL);
	pthread_barrier_wait(&b[0]);
	pthread_barrier_wait(&b[1]);
	return NULL;
}

/*
 * argv[1]: pool. A thread holds a record through
 * lfp_mempool_process_release() and exits after it: its exit must not
 * park the record the release freed.
 */
static int
secondary_joined(int argc, char **argv)
{
	pthread_barrier_t b[2];
	pthread_t thread;
	char rest[8];
	int released;

	if (argc < 2 ||
		(joined_pool = sec_lookup(argv[1], rest, sizeof(rest))) == NULL)
		return 40;
	pthread_barrier_init(&b[0], NULL, 2);
	pthread_barrier_init(&b[1], NULL, 2);
	if (pthread_create(&thread, NULL, joined_thread, b) != 0)
		return 42;
	pthread_barrier_wait(&b[0]);
	released = lfp_mempool_process_release();
	pthread_barrier_wait(&b[1]);
	pthread_join(thread, NULL);
	pthread_barrier_destroy(&b[0]);
	pthread_barrier_destroy(&b[1]);
	return released >= 1 ? 0 : 41;
}

/* Objects in the DPDK caches of lcores this process does not run. */
static unsigned int
others_cached(const struct rte_mempool *mp)
{
	unsigned int lcore_id, n = 0;

	for (lcore_id = 0; lcore_id < RTE_MAX_LCORE; lcore_id++)
		if (!rte_lcore_is_enabled(lcore_id))
			n += mp->local_cache[lcore_id].len;
	return n;
}

/*
 * A secondary leaves objects in its lcore's DPDK cache when it exits;
 * lfp_mempool_process_release() before its exit hands them back, and its
 * records with them.
 */
static void
test_exit_release(void)
{
	const unsigned int size = 512;
	struct lfp_mempool_stats st;
	unsigned int stuck, lcore_id;
	struct rte_mempool *mp;
	uint64_t lost_before;
	char arg[64];
	void **objs;

	if (!lfp_test_have_hugepages()) {
		lfp_test_skip(__func__, "needs hugepages");
		return;
	}
	mp = lt_pool_create("lt_mp_exit", LT_OPS_LFPOOL, size, 32, NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(mp);
	objs = calloc(size, sizeof(*objs));
	CU_ASSERT_PTR_NOT_NULL_FATAL(objs);

	/* Without the release: its cache keeps objects out of reach. */
	snprintf(arg, sizeof(arg), "%s,0", mp->name);
	CU_ASSERT_EQUAL(lfp_test_run_secondary("cached", arg), 0);
	stuck = others_cached(mp);
	CU_ASSERT(stuck > 0);
	CU_ASSERT_EQUAL(drain_all(mp, objs, size), size - stuck);
	rte_mempool_generic_put(mp, objs, size - stuck, NULL);
	/* Its record waits for adoption, which counts the cached objects
	 * as lost; the test then flushes that cache itself.
	 */
	CU_ASSERT_EQUAL(lfp_mempool_stats_get(mp, &st, NULL), 0);
	CU_ASSERT(st.records_in_use >= 1);
	CU_ASSERT(lfp_mempool_reclaim(mp) >= 1);
	CU_ASSERT_EQUAL(lfp_mempool_stats_get(mp, &st, NULL), 0);
	CU_ASSERT_EQUAL(st.records_in_use, 0);
	CU_ASSERT_EQUAL(st.lost_to_dead_processes, stuck);
	lost_before = st.lost_to_dead_processes;
	for (lcore_id = 0; lcore_id < RTE_MAX_LCORE; lcore_id++)
		if (!rte_lcore_is_enabled(lcore_id))
			rte_mempool_cache_flush(&mp->local_cache[lcore_id], mp);

	/* With it: everything back, no record left, nothing lost. */
	snprintf(arg, sizeof(arg), "%s,1", mp->name);
	CU_ASSERT_EQUAL(lfp_test_run_secondary("cached", arg), 0);
	CU_ASSERT_EQUAL(lfp_mempool_stats_get(mp, &st, NULL), 0);
	printf("\n    without a release %u objects stayed in its cache; with "
	       "one %u, %" PRIu64 " records in use, %" PRIu64 " lost ",
		stuck, others_cached(mp), st.records_in_use,
		st.lost_to_dead_processes - lost_before);
	CU_ASSERT_EQUAL(others_cached(mp), 0);
	CU_ASSERT_EQUAL(st.records_in_use, 0);
	CU_ASSERT_EQUAL(st.lost_to_dead_processes, lost_before);
	CU_ASSERT_EQUAL(drain_all(mp, objs, size), size);
	rte_mempool_generic_put(mp, objs, size, NULL);
	free(objs);
	rte_mempool_free(mp);
}

/*
 * A thread of a secondary that exits after lfp_mempool_process_release()
 * leaves no record behind: its exit would otherwise park the record the
 * release freed, which another process may hold by then.
 */
static void
test_release_then_thread_exit(void)
{
	struct lfp_mempool_stats st;
	struct rte_mempool *mp;

	if (!lfp_test_have_hugepages()) {
		lfp_test_skip(__func__, "needs hugepages");
		return;
	}
	mp = lt_pool_create("lt_mp_joined", LT_OPS_LFPOOL, 256, 32, NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(mp);
	CU_ASSERT_EQUAL(lfp_test_run_secondary("joined", mp->name), 0);
	CU_ASSERT_EQUAL(lfp_mempool_stats_get(mp, &st, NULL), 0);
	printf("\n    records in use after the secondary: %" PRIu64 " ",
		st.records_in_use);
	CU_ASSERT_EQUAL(st.records_in_use, 0);
	CU_ASSERT_EQUAL(st.lost_to_dead_processes, 0);
	rte_mempool_free(mp);
}

/*
 * Dead thieves: a pool small enough that a doomed secondary steals from
 * the primary's caches all the time, which the primary's workers keep
 * filling; each secondary is killed at a random moment, often inside a
 * steal. Nothing may stay behind: no steal count, no empty slot, and the
 * objects are all back but what the dead held.
 */
#define THIEF_POOL_SIZE 64
#define THIEF_KILLED 10

struct refill {
	struct rte_mempool *mp;
	uint32_t stop;
	uint64_t rounds;
};

static int
refill_caches(void *arg)
{
	struct refill *r = arg;
	uint32_t rnd = rte_lcore_id() * 2654435761u | 1;
	void *objs[16];
	unsigned int k;

	/* Relaxed: a flag polled; the join publishes the rest. */
	while (!__atomic_load_n(&r->stop, __ATOMIC_RELAXED)) {
		k = 1 + lt_rand(&rnd) % RTE_DIM(objs);
		if (rte_mempool_get_bulk(r->mp, objs, k) == 0)
			rte_mempool_put_bulk(r->mp, objs, k);
		r->rounds++;
	}
	return 0;
}

static void
test_dead_thieves(void)
{
	struct refill refill[RTE_MAX_LCORE];
	struct lt_job jobs[RTE_MAX_LCORE];
	const struct rte_memzone *mz;
	struct lfp_mempool_stats st;
	unsigned int lcore_id, n = 0, i, drained, stopped = 0;
	unsigned int increments, unguarded;
	uint64_t held_bound = 0;
	struct rte_mempool *mp;
	void *objs[THIEF_POOL_SIZE];

	mp = dead_pool(__func__, "lt_mp_thief", THIEF_POOL_SIZE);
	if (mp == NULL)
		return;
	mz = rte_memzone_reserve(DEAD_TRACK,
		sizeof(struct dead_track) * THIEF_KILLED, SOCKET_ID_ANY, 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(mz);
	RTE_LCORE_FOREACH_WORKER(lcore_id)
	{
		refill[n] = (struct refill){.mp = mp};
		CU_ASSERT_EQUAL(lt_launch(&jobs[n], lcore_id, refill_caches,
					&refill[n]),
			0);
		n++;
	}
	for (i = 0; i < THIEF_KILLED; i++)
		held_bound += kill_doomed(mp, (struct dead_track *)mz->addr + i,
			i, 0, false, &stopped);
	for (i = 0; i < n; i++) {
		lt_flag_set(&refill[i].stop);
		CU_ASSERT_EQUAL(lt_wait(&jobs[i]), 0);
	}
	/* The refilling workers' failed gets may have adopted them all. */
	CU_ASSERT(lfp_mempool_reclaim(mp) >= 0);
	CU_ASSERT_EQUAL(lfp_mempool_stats_get(mp, &st, NULL), 0);
	steal_leftovers(mp, &increments, &unguarded);
	CU_ASSERT(increments <= THIEF_KILLED);
	CU_ASSERT_EQUAL(unguarded, 0);
	CU_ASSERT_EQUAL(st.records_in_use, 0);
	drained = drain_all(mp, objs, THIEF_POOL_SIZE);
	printf("\n    %u thieves killed: %" PRIu64 " steals, lost %" PRIu64
	       " (held at most %" PRIu64 "), drained %u of %u, %u steal "
	       "counts kept\n",
		THIEF_KILLED, st.steals, st.lost_to_dead_processes, held_bound,
		drained, THIEF_POOL_SIZE, increments);
	CU_ASSERT(st.steals > 0);
	CU_ASSERT(st.lost_to_dead_processes <= held_bound);
	CU_ASSERT(drained <= THIEF_POOL_SIZE - st.lost_to_dead_processes);
	CU_ASSERT(drained + THIEF_KILLED * DEAD_MAG_SIZE >=
		THIEF_POOL_SIZE - st.lost_to_dead_processes);
	rte_mempool_generic_put(mp, objs, drained, NULL);
	rte_memzone_free(mz);
}

static CU_TestInfo mp_tests[] = {
	{"secondary_get_put", test_secondary},
	{"life_cycle", test_life_cycle},
	{"dead_secondaries", test_dead_secondaries},
	{"dead_thieves", test_dead_thieves},
	{"exit_release", test_exit_release},
	{"release_then_thread_exit", test_release_then_thread_exit},
	CU_TEST_INFO_NULL,
};

static CU_SuiteInfo suites[] = {
	{"lfpool_multiprocess", NULL, NULL, NULL, NULL, mp_tests},
	CU_SUITE_INFO_NULL,
};

static const struct lfp_test_secondary secondaries[] = {
	{"worker", secondary_worker},
	{"create", secondary_create},
	{"free", secondary_free},
	{"brief", secondary_brief},
	{"doomed", secondary_doomed},
	{"drain", secondary_drain},
	{"cached", secondary_cached},
	{"joined", secondary_joined},
	{NULL, NULL},
};

int
main(int argc, char **argv)
{
	static const struct lfp_test_conf conf = {
		.name = "lfpool_mp",
		.lcores = 4,
		.suites = suites,
		.secondaries = secondaries,
	};

	return lfp_test_main(argc, argv, &conf);
}
