/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The lfpool authors
 */

/*
 * numa_bench: allocation and free cost per size class and policy of the
 * lfpool NUMA allocator beside glibc malloc and rte_malloc_socket(), and
 * the NUMA-local percentage of each policy, measured two ways: the
 * allocator's own statistics (move_pages() on its memory) and, for every
 * allocation, get_mempolicy(MPOL_F_NODE | MPOL_F_ADDR) after touching it.
 * Prints one JSON document (jansson). Not a test: it asserts nothing and its timings
 * are only meaningful on an idle machine (never in the QEMU guest).
 *
 *   numa_bench [EAL args] -- [--iters N] [--batch N] [--ops NAME]
 *                            [--cache N] [--locality N]
 */

#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <numaif.h>

#include <rte_cycles.h>
#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_launch.h>
#include <rte_lcore.h>
#include <rte_malloc.h>
#include <rte_mempool.h>

#include "lfp_eal_exit.h"
#include "lfp_numa.h"
#include "lfp_opt_mempool.h"

/* Sizes timed: every class, plus the 1 MiB network buffer case. */
static const size_t bench_sizes[] = {
	64,
	128,
	256,
	512,
	1024,
	2048,
	4096,
	1 << 20,
};

/* Mixed sizes of the locality run: mostly small, now and then large. */
static const size_t mix_sizes[] = {
	64,
	100,
	64,
	256,
	64,
	512,
	1000,
	64,
	2048,
	128,
	4096,
	65536,
};

/* Bounds of the options (a run is a few seconds with the defaults). */
#define MAX_ITERS 1000000
#define MAX_BATCH (1u << 20)
#define MAX_LOCALITY (1u << 20)

struct opts {
	unsigned int iters;
	unsigned int batch;
	unsigned int cache;
	unsigned int locality; /* allocations per lcore, locality run */
	const char *ops;
};

enum contender {
	C_LFP,
	C_MALLOC,
	C_RTE_MALLOC,
};

struct timing {
	double alloc_ns;
	double free_ns;
	unsigned int failed;
};

static double
ns(uint64_t cycles, uint64_t ops)
{
	return ops == 0 ?
		0.0 :
		(double)cycles * 1e9 / (double)rte_get_tsc_hz() / (double)ops;
}

static void *
one_alloc(enum contender c, struct lfp_numa_allocator *a, size_t size)
{
	switch (c) {
	case C_LFP:
		return lfp_numa_alloc(a, size);
	case C_MALLOC:
		return malloc(size);
	default:
		return rte_malloc_socket(NULL, size, 0, rte_socket_id());
	}
}

static void
one_free(enum contender c, void *p)
{
	switch (c) {
	case C_LFP:
		lfp_numa_free(p);
		break;
	case C_MALLOC:
		free(p);
		break;
	default:
		rte_free(p);
		break;
	}
}

/*
 * One untimed round (lazy pool creation, first page faults), then iters
 * rounds of: batch allocations (first byte written), batch frees.
 */
static struct timing
time_contender(enum contender c, struct lfp_numa_allocator *a, size_t size,
	const struct opts *o, void **ptr)
{
	struct timing t = {0};
	uint64_t t_alloc = 0, t_free = 0, t0, n = 0;
	unsigned int it, i, got;

	for (i = 0; i < o->batch; i++)
		ptr[i] = one_alloc(c, a, size);
	for (i = 0; i < o->batch; i++)
		if (ptr[i] != NULL)
			one_free(c, ptr[i]);
	for (it = 0; it < o->iters; it++) {
		t0 = rte_rdtsc_precise();
		for (i = 0; i < o->batch; i++) {
			ptr[i] = one_alloc(c, a, size);
			if (ptr[i] != NULL)
				*(volatile char *)ptr[i] = 1;
		}
		t_alloc += rte_rdtsc_precise() - t0;
		for (i = 0, got = 0; i < o->batch; i++)
			got += ptr[i] != NULL;
		t.failed += o->batch - got;
		n += o->batch;
		t0 = rte_rdtsc_precise();
		for (i = 0; i < o->batch; i++)
			if (ptr[i] != NULL)
				one_free(c, ptr[i]);
		t_free += rte_rdtsc_precise() - t0;
	}
	t.alloc_ns = ns(t_alloc, n);
	t.free_ns = ns(t_free, n);
	return t;
}

static void
add_timing(json_t *costs, const char *who, const char *policy, size_t size,
	const struct timing *t)
{
	json_array_append_new(costs,
		json_pack("{s:s, s:s, s:I, s:f, s:f, s:i}", "allocator", who,
			"policy", policy, "size", (json_int_t)size, "alloc_ns",
			t->alloc_ns, "free_ns", t->free_ns, "failed",
			(int)t->failed));
}

static struct lfp_numa_allocator *
make(const char *name, enum lfp_numa_policy_kind k, unsigned int pool_size,
	const struct opts *o)
{
	struct lfp_numa_conf conf = {
		.name = name,
		.policy = k,
		.ops_name = o->ops,
		.pool_size = pool_size,
		.cache_size = o->cache,
	};
	struct lfp_numa_allocator *a = lfp_numa_allocator_create(&conf);

	if (a == NULL)
		fprintf(stderr, "numa_bench: allocator %s: %s\n", name,
			rte_strerror(rte_errno));
	return a;
}

static int
bench_costs(const struct opts *o, json_t *costs)
{
	void **ptr = calloc(o->batch, sizeof(*ptr));
	struct lfp_numa_allocator *a;
	struct timing t;
	unsigned int s;
	int k;

	if (ptr == NULL)
		return -ENOMEM;
	for (s = 0; s < RTE_DIM(bench_sizes); s++) {
		for (k = 0; k < LFP_NUMA_POLICY_MAX; k++) {
			a = make("bench", k, o->batch + o->cache * 2, o);
			if (a == NULL)
				continue;
			t = time_contender(C_LFP, a, bench_sizes[s], o, ptr);
			add_timing(costs, "lfp_numa", lfp_numa_policy_name(k),
				bench_sizes[s], &t);
			lfp_numa_allocator_destroy(a);
		}
		t = time_contender(C_MALLOC, NULL, bench_sizes[s], o, ptr);
		add_timing(costs, "glibc_malloc", "-", bench_sizes[s], &t);
		t = time_contender(C_RTE_MALLOC, NULL, bench_sizes[s], o, ptr);
		add_timing(costs, "rte_malloc_socket", "local", bench_sizes[s],
			&t);
	}
	free(ptr);
	return 0;
}

struct locality_run {
	struct lfp_numa_allocator *a;
	unsigned int count;
	unsigned int node; /* caller's node index */
	unsigned int kernel_local;
	unsigned int kernel_remote;
	unsigned int failed;
	void **ptr;
};

static int
kernel_node(const void *p)
{
	int node = -1;

	if (get_mempolicy(&node, NULL, 0, (void *)(uintptr_t)p,
		    MPOL_F_NODE | MPOL_F_ADDR) != 0)
		return -1;
	return node;
}

/* Allocate a mixed workload, touch it, ask the kernel, keep it. */
static int
locality_lcore(void *arg)
{
	struct locality_run *r = arg;
	const struct lfp_numa_topology *t = lfp_numa_allocator_topology(r->a);
	struct lfp_numa_node_info info;
	unsigned int i;
	size_t size;
	int k;

	r->node = lfp_numa_caller_node(t);
	lfp_numa_topology_node_info(t, r->node, &info);
	for (i = 0; i < r->count; i++) {
		size = mix_sizes[i % RTE_DIM(mix_sizes)];
		r->ptr[i] = lfp_numa_alloc(r->a, size);
		if (r->ptr[i] == NULL) {
			r->failed++;
			continue;
		}
		memset(r->ptr[i], 0, size);
		k = kernel_node(r->ptr[i]);
		if (k == info.id)
			r->kernel_local++;
		else if (k >= 0)
			r->kernel_remote++;
	}
	return 0;
}

static double
pct(uint64_t local, uint64_t remote)
{
	return local + remote == 0 ?
		-1.0 :
		100.0 * (double)local / (double)(local + remote);
}

static json_t *
locality_json(const char *scenario, struct lfp_numa_allocator *a,
	struct locality_run *runs)
{
	json_t *per_lcore = json_array();
	struct lfp_numa_stats st;
	uint64_t kl = 0, kr = 0;
	unsigned int lcore;

	RTE_LCORE_FOREACH(lcore)
	{
		kl += runs[lcore].kernel_local;
		kr += runs[lcore].kernel_remote;
	}
	if (lfp_numa_stats_get(a, -1, -1, &st) < 0)
		memset(&st, 0, sizeof(st));
	RTE_LCORE_FOREACH(lcore)
	json_array_append_new(per_lcore,
		json_pack("{s:i, s:i, s:f, s:i}", "lcore", (int)lcore, "node",
			(int)runs[lcore].node, "kernel_local_pct",
			pct(runs[lcore].kernel_local,
				runs[lcore].kernel_remote),
			"failed", (int)runs[lcore].failed));
	return json_pack("{s:s, s:I, s:I, s:I, s:I, s:I, s:I, s:f, s:f, s:o}",
		"scenario", scenario, "allocs", (json_int_t)st.allocs, "fails",
		(json_int_t)st.fails, "fallbacks", (json_int_t)st.fallbacks,
		"stats_local", (json_int_t)st.local, "stats_remote",
		(json_int_t)st.remote, "stats_unknown", (json_int_t)st.unknown,
		"stats_local_pct", lfp_numa_stats_local_pct(&st),
		"kernel_local_pct", pct(kl, kr), "per_lcore", per_lcore);
}

/* Every lcore runs the mixed workload at once; then everything is freed. */
static json_t *
locality_scenario(
	const char *scenario, struct lfp_numa_allocator *a, unsigned int count)
{
	static struct locality_run runs[RTE_MAX_LCORE];
	unsigned int lcore, i;
	json_t *doc;

	memset(runs, 0, sizeof(runs));
	RTE_LCORE_FOREACH(lcore)
	{
		runs[lcore].a = a;
		runs[lcore].count = count;
		runs[lcore].ptr = calloc(count, sizeof(void *));
		if (runs[lcore].ptr == NULL)
			runs[lcore].count = 0;
	}
	RTE_LCORE_FOREACH_WORKER(lcore)
	rte_eal_remote_launch(locality_lcore, &runs[lcore], lcore);
	locality_lcore(&runs[rte_lcore_id()]);
	rte_eal_mp_wait_lcore();
	doc = locality_json(scenario, a, runs);
	RTE_LCORE_FOREACH(lcore)
	{
		for (i = 0; i < runs[lcore].count; i++)
			lfp_numa_free(runs[lcore].ptr[i]);
		free(runs[lcore].ptr);
	}
	return doc;
}

/*
 * LocalPreferred on one lcore whose local 64-byte pool holds 3/4 of what
 * it asks for: every allocation should be local until the pool is empty,
 * then come from the nearest node.
 */
static json_t *
exhaust_scenario(const struct opts *o)
{
	unsigned int pool = o->locality * 3 / 4, i, first_remote = 0;
	unsigned int local = 0, remote = 0, failed = 0;
	struct lfp_numa_node_info info;
	struct lfp_numa_allocator *a;
	struct lfp_numa_stats st;
	json_t *doc = NULL;
	void **ptr;
	int k;

	a = make("exhaust", LFP_NUMA_POLICY_LOCAL_PREFERRED, pool, o);
	ptr = calloc(o->locality, sizeof(*ptr));
	if (a == NULL || ptr == NULL)
		goto out;
	lfp_numa_topology_node_info(lfp_numa_allocator_topology(a),
		lfp_numa_caller_node(lfp_numa_allocator_topology(a)), &info);
	for (i = 0; i < o->locality; i++) {
		ptr[i] = lfp_numa_alloc(a, 64);
		if (ptr[i] == NULL) {
			failed++;
			continue;
		}
		*(volatile char *)ptr[i] = 1;
		k = kernel_node(ptr[i]);
		if (k == info.id) {
			local++;
		} else if (k >= 0) {
			if (remote++ == 0)
				first_remote = i;
		}
	}
	if (lfp_numa_stats_get(a, -1, -1, &st) < 0)
		memset(&st, 0, sizeof(st));
	doc = json_pack("{s:s, s:i, s:i, s:i, s:I, s:i, s:f, s:f}", "scenario",
		"local_preferred_exhaust_one_lcore", "requests",
		(int)o->locality, "local_pool", (int)pool, "failed",
		(int)failed, "fallbacks", (json_int_t)st.fallbacks,
		"first_remote_at", (int)first_remote, "stats_local_pct",
		lfp_numa_stats_local_pct(&st), "kernel_local_pct",
		pct(local, remote));
	for (i = 0; i < o->locality; i++)
		lfp_numa_free(ptr[i]);
out:
	free(ptr);
	lfp_numa_allocator_destroy(a);
	return doc;
}

static void
bench_locality(const struct opts *o, json_t *locality)
{
	struct lfp_numa_allocator *a;
	json_t *exhaust;
	int k;

	for (k = 0; k < LFP_NUMA_POLICY_MAX; k++) {
		/* Room for every lcore's share on every node. */
		a = make("locality", k, o->locality * rte_lcore_count(), o);
		if (a == NULL)
			continue;
		json_array_append_new(locality,
			locality_scenario(
				lfp_numa_policy_name(k), a, o->locality));
		lfp_numa_allocator_destroy(a);
	}
	exhaust = exhaust_scenario(o);
	if (exhaust != NULL)
		json_array_append_new(locality, exhaust);
}

static int
parse_opts(int argc, char **argv, struct opts *o)
{
	static const struct option longopts[] = {
		{"iters", required_argument, NULL, 'i'},
		{"batch", required_argument, NULL, 'b'},
		{"cache", required_argument, NULL, 'c'},
		{"locality", required_argument, NULL, 'l'},
		{"ops", required_argument, NULL, 'o'},
		{NULL, 0, NULL, 0},
	};
	int c, rc = 0;

	while (rc == 0 &&
		(c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (c) {
		case 'i':
			rc = lfp_opt_uint(
				"--iters", optarg, 1, MAX_ITERS, &o->iters);
			break;
		case 'b':
			rc = lfp_opt_uint(
				"--batch", optarg, 1, MAX_BATCH, &o->batch);
			break;
		case 'c':
			rc = lfp_opt_uint("--cache", optarg, 0,
				RTE_MEMPOOL_CACHE_MAX_SIZE, &o->cache);
			break;
		case 'l':
			rc = lfp_opt_uint("--locality", optarg, 1, MAX_LOCALITY,
				&o->locality);
			break;
		case 'o':
			rc = lfp_opt_mempool_ops("--ops", optarg);
			o->ops = optarg;
			break;
		default:
			return -1;
		}
	}
	return rc == 0 && optind == argc ? 0 : -1;
}

/* lfpool when the driver is linked in, else DPDK's ring driver. */
static const char *
default_ops(void)
{
	uint32_t i;

	for (i = 0; i < rte_mempool_ops_table.num_ops; i++)
		if (strcmp(rte_mempool_ops_table.ops[i].name,
			    LFP_NUMA_DEFAULT_OPS) == 0)
			return LFP_NUMA_DEFAULT_OPS;
	return "ring_mp_mc";
}

int
main(int argc, char **argv)
{
	struct opts o = {.iters = 50, .batch = 512, .locality = 1200};
	struct lfp_numa_topology *topo;
	json_t *doc, *costs, *locality;
	char text[1024];
	int ret;

	lfp_eal_rmdir_at_exit();
	ret = rte_eal_init(argc, argv);
	if (ret < 0) {
		fprintf(stderr, "numa_bench: EAL: %s\n",
			rte_strerror(rte_errno));
		return 1;
	}
	argc -= ret;
	argv += ret;
	if (parse_opts(argc, argv, &o) < 0) {
		fprintf(stderr,
			"usage: numa_bench [EAL args] -- [--iters N] "
			"[--batch N] [--cache N] [--locality N] [--ops NAME]\n");
		rte_eal_cleanup();
		return LFP_OPT_EXIT_USAGE;
	}
	if (o.ops == NULL)
		o.ops = default_ops();
	topo = lfp_numa_topology_discover();
	if (topo == NULL ||
		lfp_numa_topology_format(topo, text, sizeof(text)) < 0)
		text[0] = '\0';
	lfp_numa_topology_free(topo);
	costs = json_array();
	locality = json_array();
	ret = bench_costs(&o, costs);
	bench_locality(&o, locality);
	doc = json_pack("{s:s, s:s, s:s, s:i, s:i, s:i, s:i, s:I, s:o, s:o}",
		"tool", "numa_bench", "topology", text, "ops", o.ops, "lcores",
		(int)rte_lcore_count(), "iters", (int)o.iters, "batch",
		(int)o.batch, "cache", (int)o.cache, "tsc_hz",
		(json_int_t)rte_get_tsc_hz(), "costs", costs, "locality",
		locality);
	/* Four significant digits: the figures are not more precise. */
	if (doc == NULL ||
		json_dumpf(doc, stdout,
			JSON_INDENT(2) | JSON_PRESERVE_ORDER |
				JSON_REAL_PRECISION(4)) != 0)
		ret = -EIO;
	else
		putchar('\n');
	json_decref(doc);
	rte_eal_cleanup();
	return ret < 0 ? 1 : 0;
}
