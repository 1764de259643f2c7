/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The lfpool authors
 */

/*
 * Scenario 9 (issue 11): lfpool's steal path, the price of keeping every
 * free object reachable while per-lcore caches hold them.
 * - steal cost: lcore 1 parks 2 magazines in its cache; lcore 0 takes
 *   them with one get that must steal: ns per stolen object, membarriers
 *   per steal, and the cost of one membarrier(2) on its own;
 * - starving lcore: a pool barely larger than one cache's capacity, lcore
 *   1 keeps its cache full (get/put pairs, plus the objects handed back
 *   to it through a ring), lcore 0 gets objects and hands them over: its
 *   rate against the same flow on ring_mp_mc, which has no cache.
 * Its results go into the report under "steal".
 */

#include <errno.h>
#include <inttypes.h>
#include <linux/membarrier.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <jansson.h>

#include <rte_common.h>
#include <rte_cycles.h>
#include <rte_errno.h>
#include <rte_lcore.h>
#include <rte_mempool.h>
#include <rte_pause.h>
#include <rte_ring.h>

#include "bench.h"
#include "bench_main.h"

#if defined(LFP_BENCH_HAVE_LFPOOL)
#include "lfp_mempool.h"

#define STEAL_MAG 256
/* Two caches of two magazines fit, so lcore 1 can park 2 x STEAL_MAG. */
#define STEAL_POOL (4 * STEAL_MAG)
#define STEAL_ROUNDS 200
#define MEMBARRIER_CALLS 2000
#define STARVE_RING 1024

static struct rte_mempool *
steal_pool(const char *name, const char *ops, unsigned int n)
{
	struct lfp_mempool_config cfg = {.mag_size = STEAL_MAG};
	struct rte_mempool *mp;

	mp = rte_mempool_create_empty(
		name, n, 64, 0, 0, (int)rte_socket_id(), 0);
	if (mp == NULL)
		return NULL;
	if (rte_mempool_set_ops_byname(mp, ops,
		    strcmp(ops, LFP_MEMPOOL_OPS_NAME) == 0 ? &cfg : NULL) !=
			0 ||
		rte_mempool_populate_default(mp) < 0) {
		rte_mempool_free(mp);
		return NULL;
	}
	return mp;
}

/* --- Steal cost --- */

struct steal_ctx {
	struct rte_mempool *mp;
	uint32_t parked, taken; /* Round numbers, release/acquire. */
	uint64_t cycles, stolen;
	int err;
};

static void
round_wait(const uint32_t *flag, uint32_t round)
{
	/* Acquire: pairs with the release in round_set(). */
	while (__atomic_load_n(flag, __ATOMIC_ACQUIRE) != round)
		rte_pause();
}

static void
round_set(uint32_t *flag, uint32_t round)
{
	/* Release: what this side did in the round happens before. */
	__atomic_store_n(flag, round, __ATOMIC_RELEASE);
}

/* Lcore 1: each round, park 2 x STEAL_MAG objects in its own cache. */
static int
steal_owner(void *arg)
{
	struct steal_ctx *s = arg;
	void *objs[2 * STEAL_MAG];
	uint32_t r;

	for (r = 1; r <= STEAL_ROUNDS; r++) {
		round_wait(&s->taken, r - 1);
		if (rte_mempool_get_bulk(s->mp, objs, RTE_DIM(objs)) != 0) {
			s->err = -ENOBUFS;
			round_set(&s->parked, STEAL_ROUNDS);
			return -1;
		}
		rte_mempool_put_bulk(s->mp, objs, RTE_DIM(objs));
		round_set(&s->parked, r);
	}
	return 0;
}

/* Lcore 0: hold the rest, then time the get that must steal. */
static int
steal_thief(void *arg)
{
	struct steal_ctx *s = arg;
	static void *held[2 * STEAL_MAG], *got[2 * STEAL_MAG];
	uint64_t t0;
	uint32_t r;

	for (r = 1; r <= STEAL_ROUNDS && s->err == 0; r++) {
		round_wait(&s->parked, r);
		if (rte_mempool_get_bulk(s->mp, held, RTE_DIM(held)) != 0) {
			s->err = -ENOBUFS;
			break;
		}
		t0 = rte_rdtsc_precise();
		if (rte_mempool_get_bulk(s->mp, got, RTE_DIM(got)) != 0) {
			s->err = -EAGAIN;
			break;
		}
		s->cycles += rte_rdtsc_precise() - t0;
		rte_mempool_put_bulk(s->mp, held, RTE_DIM(held));
		rte_mempool_put_bulk(s->mp, got, RTE_DIM(got));
		round_set(&s->taken, r);
	}
	round_set(&s->taken, STEAL_ROUNDS);
	return 0;
}

static double
membarrier_ns(const struct bench_platform *p, int cmd)
{
	uint64_t t0 = rte_rdtsc_precise();
	unsigned int i;

	for (i = 0; i < MEMBARRIER_CALLS; i++)
		if (syscall(__NR_membarrier, cmd, 0, 0) != 0)
			return -1;
	return (double)(rte_rdtsc_precise() - t0) * 1e9 / p->tsc_hz /
		MEMBARRIER_CALLS;
}

static void
steal_cost(const struct bench_platform *p, json_t *doc)
{
	int (*const fns[2])(void *) = {steal_thief, steal_owner};
	struct lfp_mempool_stats before, after;
	struct steal_ctx s = {0};
	void *const args[2] = {&s, &s};

	s.mp = steal_pool("bench_steal", LFP_MEMPOOL_OPS_NAME, STEAL_POOL);
	if (s.mp == NULL) {
		json_object_set_new(doc, "note", json_string("pool not made"));
		return;
	}
	lfp_mempool_stats_get(s.mp, &before, NULL);
	p->run_lcores(2, fns, args);
	lfp_mempool_stats_get(s.mp, &after, NULL);
	rte_mempool_free(s.mp);
	if (s.err != 0 || after.stolen_objs == before.stolen_objs) {
		json_object_set_new(doc, "note",
			json_string("the timed get did not steal"));
		return;
	}
	s.stolen = after.stolen_objs - before.stolen_objs;
	json_object_set_new(doc, "rounds", json_integer(STEAL_ROUNDS));
	json_object_set_new(doc, "ns_per_stolen_object",
		json_real((double)s.cycles * 1e9 / p->tsc_hz / s.stolen));
	json_object_set_new(doc, "objects_per_steal",
		json_real((double)s.stolen / STEAL_ROUNDS));
	json_object_set_new(doc, "membarriers_per_steal",
		json_real((double)(after.membarriers - before.membarriers) /
			STEAL_ROUNDS));
	json_object_set_new(doc, "membarrier_private_ns",
		json_real(membarrier_ns(p, MEMBARRIER_CMD_PRIVATE_EXPEDITED)));
	json_object_set_new(doc, "membarrier_global_ns",
		json_real(membarrier_ns(p, MEMBARRIER_CMD_GLOBAL_EXPEDITED)));
}

/* --- A starving lcore --- */

struct starve_ctx {
	struct rte_mempool *mp;
	struct rte_ring *ring;
	uint64_t cycles;
	uint32_t stop;
	uint64_t gets, pairs;
};

/* Lcore 0: gets what it can and hands it to lcore 1. */
static int
starve_getter(void *arg)
{
	struct starve_ctx *s = arg;
	uint64_t end = rte_rdtsc() + s->cycles;
	void *obj;

	while (rte_rdtsc() < end) {
		if (rte_mempool_get(s->mp, &obj) != 0)
			continue;
		while (rte_ring_enqueue(s->ring, obj) != 0)
			rte_pause();
		s->gets++;
	}
	round_set(&s->stop, 1);
	return 0;
}

/* Lcore 1: takes them back into its cache, and keeps it busy. */
static int
starve_owner(void *arg)
{
	struct starve_ctx *s = arg;
	void *obj;

	/* Acquire: pairs with the release in starve_getter(). */
	while (!__atomic_load_n(&s->stop, __ATOMIC_ACQUIRE)) {
		while (rte_ring_dequeue(s->ring, &obj) == 0)
			rte_mempool_put(s->mp, obj);
		if (rte_mempool_get(s->mp, &obj) == 0) {
			rte_mempool_put(s->mp, obj);
			s->pairs++;
		}
	}
	while (rte_ring_dequeue(s->ring, &obj) == 0)
		rte_mempool_put(s->mp, obj);
	return 0;
}

static json_t *
starve_one(const struct bench_conf *c, const struct bench_platform *p,
	const char *ops)
{
	int (*const fns[2])(void *) = {starve_getter, starve_owner};
	struct starve_ctx s = {0};
	void *const args[2] = {&s, &s};
	struct lfp_mempool_stats before = {0}, after = {0};
	bool lfpool = strcmp(ops, LFP_MEMPOOL_OPS_NAME) == 0;
	double secs = c->duration_ms / 1e3;
	json_t *row;

	s.mp = steal_pool("bench_starve", ops, STEAL_POOL);
	s.ring = rte_ring_create("bench_starve", STARVE_RING,
		(int)rte_socket_id(), RING_F_SP_ENQ | RING_F_SC_DEQ);
	if (s.mp == NULL || s.ring == NULL) {
		rte_mempool_free(s.mp);
		rte_ring_free(s.ring);
		return NULL;
	}
	s.cycles = bench_ms_to_cycles(p, c->duration_ms);
	if (lfpool)
		lfp_mempool_stats_get(s.mp, &before, NULL);
	p->run_lcores(2, fns, args);
	if (lfpool)
		lfp_mempool_stats_get(s.mp, &after, NULL);
	rte_mempool_free(s.mp);
	rte_ring_free(s.ring);
	row = json_pack("{s:s, s:f, s:f, s:I, s:I, s:I}", "ops", ops,
		"starving_mops", s.gets / secs / 1e6, "owner_mpairs",
		s.pairs / secs / 1e6, "steals",
		(json_int_t)(after.steals - before.steals), "hand_overs",
		(json_int_t)(after.hand_overs - before.hand_overs),
		"membarriers",
		(json_int_t)(after.membarriers - before.membarriers));
	return row;
}

json_t *
bench_steal_run(const struct bench_conf *c, const struct bench_platform *p)
{
	static const char *const peers[] = {LFP_MEMPOOL_OPS_NAME, "ring_mp_mc"};
	json_t *doc = json_object(), *rows = json_array(), *row;
	unsigned int i;

	if (rte_lcore_count() < 2) {
		json_object_set_new(doc, "note", json_string("needs 2 lcores"));
		json_decref(rows);
		return doc;
	}
	steal_cost(p, doc);
	for (i = 0; i < RTE_DIM(peers) && !bench_interrupted(); i++) {
		row = starve_one(c, p, peers[i]);
		if (row != NULL)
			json_array_append_new(rows, row);
	}
	json_object_set_new(doc, "starving", rows);
	json_object_set_new(doc, "pool_objects", json_integer(STEAL_POOL));
	json_object_set_new(doc, "mag_size", json_integer(STEAL_MAG));
	return doc;
}

#else

json_t *
bench_steal_run(const struct bench_conf *c, const struct bench_platform *p)
{
	RTE_SET_USED(c);
	RTE_SET_USED(p);
	return json_pack("{s:s}", "note", "the lfpool driver was not built");
}

#endif

static double
num(json_t *o, const char *key)
{
	return json_number_value(json_object_get(o, key));
}

void
bench_steal_print(FILE *f, json_t *doc)
{
	json_t *e;
	size_t i;

	if (doc == NULL)
		return;
	fprintf(f,
		"\nScenario 9: lfpool's steal path (pool of %lld, "
		"magazines of %lld, cache 0)\n",
		json_integer_value(json_object_get(doc, "pool_objects")),
		json_integer_value(json_object_get(doc, "mag_size")));
	if (json_object_get(doc, "note") != NULL)
		fprintf(f, "  steal cost: %s\n",
			json_string_value(json_object_get(doc, "note")));
	else
		fprintf(f,
			"  a get that steals: %.1f ns per stolen object, %.0f "
			"objects and %.2f membarriers per steal\n"
			"  membarrier(2): %.0f ns private expedited, %.0f ns "
			"global expedited\n",
			num(doc, "ns_per_stolen_object"),
			num(doc, "objects_per_steal"),
			num(doc, "membarriers_per_steal"),
			num(doc, "membarrier_private_ns"),
			num(doc, "membarrier_global_ns"));
	fprintf(f, "  %-12s %14s %14s %9s %10s %11s\n", "starving on",
		"lcore 0 Mobj/s", "lcore 1 Mpair/s", "steals", "hand-overs",
		"membarriers");
	json_array_foreach(json_object_get(doc, "starving"), i, e)
		fprintf(f, "  %-12s %14.2f %14.2f %9lld %10lld %11lld\n",
			json_string_value(json_object_get(e, "ops")),
			num(e, "starving_mops"), num(e, "owner_mpairs"),
			json_integer_value(json_object_get(e, "steals")),
			json_integer_value(json_object_get(e, "hand_overs")),
			json_integer_value(json_object_get(e, "membarriers")));
}
