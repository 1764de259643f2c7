/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The lfpool authors
 */

/*
 * lib/numa tests: topology discovery and injection, the policy engine on
 * injected 1-, 2- and 4-node topologies with fake capacities, the size
 * classes, and the allocator on the real machine, where every placement is
 * checked against the kernel (get_mempolicy(MPOL_F_NODE | MPOL_F_ADDR)).
 * Run on a two-node machine (tests/numa/run-two-node.sh), the real-machine
 * tests check placement on both nodes from lcores and plain threads.
 */

#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <numa.h>
#include <numaif.h>

#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_launch.h>
#include <rte_lcore.h>
#include <rte_malloc.h>
#include <rte_pause.h>

#include "lfp_config.h"
#include "lfp_numa.h"
#include "lfp_test.h"
/* White-box: the no-NUMA fallback and the pools behind an allocator. */
#include "numa_private.h"

/* Ops of the size-class pools: "lfpool" once the driver is linked in. */
#ifndef LFP_NUMA_TEST_OPS
#define LFP_NUMA_TEST_OPS "ring_mp_mc"
#endif

#define NB_LCORES 4

/* Injected topologies. The 4-node one has a different nearest node for
 * every node (0->1, 1->0, 2->3, 3->2) and a different order after it.
 */
static const char topo1_desc[] = "nodes=1; cpus=0-1; dist=10; mem=64";
static const char topo2_desc[] =
	"nodes=2; cpus=0|1; dist=10,21|21,10; mem=64,32";
static const char topo4_desc[] =
	"nodes=4; cpus=0-1|2-3|4-5|6-7;"
	" dist=10,16,22,31|16,10,31,22|22,31,10,16|31,22,16,10;"
	" mem=64,64,64,64";

static struct lfp_numa_topology *
parse_ok(const char *desc)
{
	char err[256];
	struct lfp_numa_topology *t = lfp_numa_topology_parse(
		desc, err, sizeof(err));

	if (t == NULL)
		printf("\n    parse('%s'): %s\n", desc, err);
	CU_ASSERT_PTR_NOT_NULL_FATAL(t);
	return t;
}

/* Node the kernel reports for the page of addr, or -errno. */
static int
kernel_node(const void *addr)
{
	int node = -1;

	if (get_mempolicy(&node, NULL, 0, (void *)(uintptr_t)addr,
		    MPOL_F_NODE | MPOL_F_ADDR) != 0)
		return -errno;
	return node;
}

static bool
kernel_checks_possible(const char *test)
{
	if (numa_available() < 0) {
		lfp_test_skip(test,
			"no NUMA support in this kernel "
			"(numa_available() < 0)");
		return false;
	}
	return true;
}

/* ---- topology ---- */

/*
 * CPUs to start plain threads on: the online ones (not this thread's
 * affinity: EAL pinned the main lcore to one CPU). A thread that cannot
 * pin itself to its CPU (cpuset) says so and is not checked.
 */
static void
machine_cpus(cpu_set_t *set)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN), cpu;

	CPU_ZERO(set);
	for (cpu = 0; cpu < n && cpu < CPU_SETSIZE; cpu++)
		CPU_SET(cpu, set);
}

static void
test_topology_parse_two_nodes(void)
{
	struct lfp_numa_topology *t = parse_ok(
		"nodes=2; cpus=0-3|4-7; dist=10,21|21,10; "
		"mem=1024,512; free=100,512");
	struct lfp_numa_node_info info;

	CU_ASSERT_EQUAL(lfp_numa_topology_nb_nodes(t), 2);
	CU_ASSERT_TRUE(lfp_numa_topology_is_injected(t));
	CU_ASSERT_FALSE(lfp_numa_topology_from_libnuma(t));
	CU_ASSERT_EQUAL(lfp_numa_topology_node_info(t, 0, &info), 0);
	CU_ASSERT_EQUAL(info.nb_cpus, 4);
	CU_ASSERT_EQUAL(info.mem_total, UINT64_C(1024) << 20);
	CU_ASSERT_EQUAL(info.mem_free, UINT64_C(100) << 20);
	CU_ASSERT_EQUAL(info.socket_id, 0);
	CU_ASSERT_EQUAL(lfp_numa_topology_node_info(t, 1, &info), 0);
	CU_ASSERT_EQUAL(info.mem_total, UINT64_C(512) << 20);
	CU_ASSERT_EQUAL(info.socket_id, 1);
	CU_ASSERT_EQUAL(lfp_numa_topology_distance(t, 0, 1), 21);
	CU_ASSERT_EQUAL(lfp_numa_topology_distance(t, 1, 1), 10);
	CU_ASSERT_EQUAL(lfp_numa_topology_cpu_node(t, 3), 0);
	CU_ASSERT_EQUAL(lfp_numa_topology_cpu_node(t, 4), 1);
	LFP_ASSERT_ERRNO(lfp_numa_topology_cpu_node(t, 8), ENOENT);
	LFP_ASSERT_ERRNO(lfp_numa_topology_node_info(t, 2, &info), EINVAL);
	LFP_ASSERT_ERRNO(lfp_numa_topology_distance(t, 0, 2), EINVAL);
	lfp_numa_topology_free(t);
}

static const struct {
	const char *desc;
	const char *why; /* expected in the error message */
} bad_topologies[] = {
	{"", "field 'nodes' is missing"},
	{"nodes=0; cpus=; dist=; mem=", "nodes=0"},
	{"nodes=33; cpus=; dist=; mem=", "at most 32 nodes"},
	{"nodes=two; cpus=0; dist=10; mem=1", "'two' is not a number"},
	{"nodes=1 cpus=0; dist=10; mem=1", "field 'cpus' is missing"},
	{"nodes=1; cpus=0; mem=1", "field 'dist' is missing"},
	{"nodes=1; cpus=0; dist=10", "field 'mem' is missing"},
	{"nodes=1; cpus=0; dist=10; mem=1; colour=red",
		"unknown field 'colour'"},
	{"nodes=1; nodes=1; cpus=0; dist=10; mem=1", "given twice"},
	{"nodes=1; cpus 0; dist=10; mem=1", "not 'field=value'"},
	{"nodes=2; cpus=0-3|3-7; dist=10,21|21,10; mem=1,1",
		"CPU 3 is on node 0 and node 1"},
	{"nodes=2; cpus=0|1|2; dist=10,21|21,10; mem=1,1",
		"3 CPU lists for 2 nodes"},
	{"nodes=1; cpus=3-1; dist=10; mem=1", "bad CPU range"},
	{"nodes=1; cpus=0-1024; dist=10; mem=1", "bad CPU range"},
	{"nodes=2; cpus=0|1; dist=10,21|20,10; mem=1,1",
		"asymmetric, node 0 to node 1 is 21 but node 1 to node 0 "
		"is 20"},
	{"nodes=2; cpus=0|1; dist=10,21|21; mem=1,1",
		"row 1 has 1 distances, 2 needed"},
	{"nodes=2; cpus=0|1; dist=10,21; mem=1,1", "1 rows for 2 nodes"},
	{"nodes=2; cpus=0|1; dist=10,21|21,; mem=1,1",
		"'' (node 1 to node 1) is not a distance"},
	{"nodes=2; cpus=0|1; dist=11,21|21,10; mem=1,1",
		"node 0 to itself is 11"},
	{"nodes=2; cpus=0|1; dist=10,10|10,10; mem=1,1",
		"remote distance must be above 10"},
	{"nodes=2; cpus=0|1; dist=10,300|300,10; mem=1,1", "is not a distance"},
	{"nodes=2; cpus=0|1; dist=10,21|21,10; mem=1",
		"mem: 1 values for 2 nodes"},
	{"nodes=1; cpus=0; dist=10; mem=1; free=2",
		"node 0 has 2 MiB free of 1 MiB"},
	{"nodes=1; cpus=0; dist=10; mem=1; sockets=x",
		"sockets: 'x' (node 0) is not -1 or a socket id"},
};

static void
test_topology_parse_refuses_bad_descriptions(void)
{
	char err[256];
	unsigned int i;

	for (i = 0; i < RTE_DIM(bad_topologies); i++) {
		err[0] = '\0';
		LFP_ASSERT_NULL_ERRNO(
			lfp_numa_topology_parse(
				bad_topologies[i].desc, err, sizeof(err)),
			EINVAL);
		if (strstr(err, bad_topologies[i].why) == NULL) {
			printf("\n    '%s': got '%s', expected '%s'\n",
				bad_topologies[i].desc, err,
				bad_topologies[i].why);
			CU_FAIL("error message does not say what is wrong");
		}
	}
	LFP_ASSERT_NULL_ERRNO(
		lfp_numa_topology_parse(NULL, err, sizeof(err)), EINVAL);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "no description"));
}

static void
test_topology_format_round_trip(void)
{
	struct lfp_numa_topology *t = parse_ok(topo4_desc), *t2;
	char a[512], b[512];
	int len;

	len = lfp_numa_topology_format(t, a, sizeof(a));
	CU_ASSERT_TRUE(len > 0 && len < (int)sizeof(a));
	CU_ASSERT_PTR_NOT_NULL(strstr(
		a, "dist=10,16,22,31|16,10,31,22|22,31,10,16|31,22,16,10"));
	CU_ASSERT_PTR_NOT_NULL(strstr(a, "cpus=0-1|2-3|4-5|6-7"));
	t2 = parse_ok(a);
	CU_ASSERT_EQUAL(lfp_numa_topology_format(t2, b, sizeof(b)), len);
	CU_ASSERT_STRING_EQUAL(a, b);
	/* Too small a buffer: truncated, and the full length returned. */
	CU_ASSERT_EQUAL(lfp_numa_topology_format(t, b, 10), len);
	CU_ASSERT_EQUAL(strlen(b), 9);
	lfp_numa_topology_free(t);
	lfp_numa_topology_free(t2);
}

static void
test_topology_discover_matches_machine(void)
{
	struct lfp_numa_topology *t = lfp_numa_topology_discover();
	struct lfp_numa_node_info info;
	unsigned int i, j, lcore, cpus = 0;
	char text[1024];
	cpu_set_t set;
	int cpu;

	CU_ASSERT_PTR_NOT_NULL_FATAL(t);
	CU_ASSERT_TRUE(lfp_numa_topology_nb_nodes(t) >= 1);
	CU_ASSERT_FALSE(lfp_numa_topology_is_injected(t));
	if (numa_available() >= 0)
		CU_ASSERT_EQUAL(lfp_numa_topology_nb_nodes(t),
			numa_bitmask_weight(numa_nodes_ptr));
	for (i = 0; i < lfp_numa_topology_nb_nodes(t); i++) {
		CU_ASSERT_EQUAL(lfp_numa_topology_node_info(t, i, &info), 0);
		cpus += info.nb_cpus;
		CU_ASSERT_EQUAL(lfp_numa_topology_distance(t, i, i), 10);
		for (j = 0; j < lfp_numa_topology_nb_nodes(t); j++)
			CU_ASSERT_EQUAL(lfp_numa_topology_distance(t, i, j),
				lfp_numa_topology_distance(t, j, i));
		/* EAL socket ids are kernel node ids on Linux. */
		if (info.socket_id >= 0)
			CU_ASSERT_EQUAL(info.socket_id, info.id);
	}
	/* Every online CPU is on a node, as libnuma says. */
	machine_cpus(&set);
	for (cpu = 0; cpu < CPU_SETSIZE; cpu++) {
		if (!CPU_ISSET(cpu, &set))
			continue;
		CU_ASSERT_TRUE(lfp_numa_topology_cpu_node(t, cpu) >= 0);
		if (numa_available() >= 0) {
			lfp_numa_topology_node_info(
				t, lfp_numa_topology_cpu_node(t, cpu), &info);
			CU_ASSERT_EQUAL(info.id, numa_node_of_cpu(cpu));
		}
	}
	CU_ASSERT_TRUE(cpus >= (unsigned int)CPU_COUNT(&set));
	/* Lcores map to the node of their EAL socket. */
	RTE_LCORE_FOREACH(lcore)
	CU_ASSERT_EQUAL(lfp_numa_topology_lcore_node(t, lcore),
		lfp_numa_topology_socket_node(
			t, rte_lcore_to_socket_id(lcore)));
	CU_ASSERT_EQUAL(lfp_numa_caller_node(t),
		(unsigned int)lfp_numa_topology_lcore_node(t, rte_lcore_id()));
	/* The machine's topology replays as an injected one. */
	CU_ASSERT_TRUE(lfp_numa_topology_format(t, text, sizeof(text)) > 0);
	printf("\n    discovered: %s\n", text);
	lfp_numa_topology_free(parse_ok(text));
	lfp_numa_topology_free(t);
}

static void
test_topology_without_numa_is_one_local_node(void)
{
	struct lfp_numa_topology *t = calloc(1, sizeof(*t));
	long ncpu = sysconf(_SC_NPROCESSORS_CONF);

	CU_ASSERT_PTR_NOT_NULL_FATAL(t);
	memset(t->cpu_node, -1, sizeof(t->cpu_node));
	/* What discovery does when numa_available() < 0. */
	numa_topology_single_node(t);
	CU_ASSERT_EQUAL(lfp_numa_topology_nb_nodes(t), 1);
	CU_ASSERT_FALSE(lfp_numa_topology_from_libnuma(t));
	CU_ASSERT_EQUAL(lfp_numa_topology_distance(t, 0, 0), 10);
	CU_ASSERT_EQUAL(lfp_numa_topology_cpu_node(t, 0), 0);
	CU_ASSERT_EQUAL(lfp_numa_topology_cpu_node(t, ncpu - 1), 0);
	CU_ASSERT_EQUAL(t->node[0].nb_cpus, (unsigned int)ncpu);
	CU_ASSERT_TRUE(t->node[0].mem_total > 0);
	free(t);
}

struct thread_node {
	const struct lfp_numa_topology *topo;
	int cpu;
	bool pinned;
	unsigned int node;
	unsigned int lcore;
};

static bool
pin_to_cpu(int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	return pthread_setaffinity_np(pthread_self(), sizeof(set), &set) == 0;
}

static void *
thread_caller_node(void *arg)
{
	struct thread_node *tn = arg;

	tn->pinned = pin_to_cpu(tn->cpu);
	tn->node = lfp_numa_caller_node(tn->topo);
	tn->lcore = rte_lcore_id();
	return NULL;
}

static void
test_topology_caller_node_of_plain_thread_is_its_cpu_node(void)
{
	struct lfp_numa_topology *t = lfp_numa_topology_discover();
	struct thread_node tn = {.topo = t};
	pthread_t th;
	cpu_set_t set;

	CU_ASSERT_PTR_NOT_NULL_FATAL(t);
	machine_cpus(&set);
	for (tn.cpu = 0; tn.cpu < CPU_SETSIZE; tn.cpu++) {
		if (!CPU_ISSET(tn.cpu, &set))
			continue;
		tn.node = UINT32_MAX;
		CU_ASSERT_EQUAL_FATAL(
			pthread_create(&th, NULL, thread_caller_node, &tn), 0);
		pthread_join(th, NULL);
		if (!tn.pinned) {
			printf("\n    cannot run on CPU %d: not checked",
				tn.cpu);
			continue;
		}
		CU_ASSERT_EQUAL(tn.lcore, LCORE_ID_ANY);
		CU_ASSERT_EQUAL(tn.node,
			(unsigned int)lfp_numa_topology_cpu_node(t, tn.cpu));
	}
	lfp_numa_topology_free(t);
}

/* ---- policy engine on injected topologies, fake capacities ---- */

struct fake {
	unsigned int cap[LFP_NUMA_MAX_NODES];
	unsigned int used[LFP_NUMA_MAX_NODES];
	unsigned int tries;
	uint64_t tried; /* nodes try_fake() was asked about */
};

static int
try_fake(void *arg, unsigned int node)
{
	struct fake *f = arg;

	f->tries++;
	f->tried |= UINT64_C(1) << node;
	if (f->cap[node] == 0)
		return -ENOMEM;
	f->cap[node]--;
	f->used[node]++;
	return 0;
}

static void
fake_fill(struct fake *f, unsigned int nb_nodes, unsigned int cap)
{
	unsigned int i;

	memset(f, 0, sizeof(*f));
	for (i = 0; i < nb_nodes; i++)
		f->cap[i] = cap;
}

/* Nearest node to 'from' among those with capacity left, ties by index. */
static int
nearest_with_room(const struct lfp_numa_topology *t, const struct fake *f,
	unsigned int from)
{
	unsigned int i;
	int best = -1;

	for (i = 0; i < lfp_numa_topology_nb_nodes(t); i++)
		if (f->cap[i] > 0 &&
			(best < 0 ||
				lfp_numa_topology_distance(t, from, i) <
					lfp_numa_topology_distance(
						t, from, best)))
			best = i;
	return best;
}

static void
check_local_preferred(const char *desc, unsigned int cap)
{
	struct lfp_numa_topology *t = parse_ok(desc);
	unsigned int n = lfp_numa_topology_nb_nodes(t), caller, k, rank;
	struct lfp_numa_policy *p;
	struct fake f;
	int node, want;

	p = lfp_numa_policy_create(t, LFP_NUMA_POLICY_LOCAL_PREFERRED, 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(p);
	for (caller = 0; caller < n; caller++) {
		fake_fill(&f, n, cap);
		for (k = 0; k < n * cap; k++) {
			want = nearest_with_room(t, &f, caller);
			node = lfp_numa_policy_place(
				p, caller, try_fake, &f, &rank);
			CU_ASSERT_EQUAL(node, want);
			/* The local node serves until it is exhausted. */
			CU_ASSERT_EQUAL(rank == 0, k < cap);
			CU_ASSERT_EQUAL(node == (int)caller, k < cap);
		}
		LFP_ASSERT_ERRNO(
			lfp_numa_policy_place(p, caller, try_fake, &f, &rank),
			ENOMEM);
	}
	lfp_numa_policy_free(p);
	lfp_numa_topology_free(t);
}

static void
test_policy_local_preferred_falls_back_when_exhausted(void)
{
	struct lfp_numa_topology *t = parse_ok(topo4_desc);
	struct lfp_numa_policy *p;
	static const int order_from_2[] = {2, 3, 0, 1};
	struct fake f;
	unsigned int rank;
	int i;

	check_local_preferred(topo1_desc, 5);
	check_local_preferred(topo2_desc, 5);
	check_local_preferred(topo4_desc, 5);
	/* The exact order from node 2 in the 4-node topology: 2, 3, 0, 1. */
	p = lfp_numa_policy_create(t, LFP_NUMA_POLICY_LOCAL_PREFERRED, 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(p);
	fake_fill(&f, 4, 1);
	for (i = 0; i < 4; i++)
		CU_ASSERT_EQUAL(
			lfp_numa_policy_place(p, 2, try_fake, &f, &rank),
			order_from_2[i]);
	/* A caller outside the set starts at the set's nearest node. */
	lfp_numa_policy_free(p);
	p = lfp_numa_policy_create(t, LFP_NUMA_POLICY_LOCAL_PREFERRED,
		RTE_BIT64(1) | RTE_BIT64(3));
	CU_ASSERT_PTR_NOT_NULL_FATAL(p);
	fake_fill(&f, 4, 1);
	CU_ASSERT_EQUAL(lfp_numa_policy_place(p, 0, try_fake, &f, &rank), 1);
	CU_ASSERT_EQUAL(rank, 0);
	CU_ASSERT_EQUAL(lfp_numa_policy_place(p, 0, try_fake, &f, &rank), 3);
	CU_ASSERT_EQUAL(rank, 1);
	CU_ASSERT_EQUAL(f.tried & (RTE_BIT64(0) | RTE_BIT64(2)), 0);
	lfp_numa_policy_free(p);
	lfp_numa_topology_free(t);
}

static void
test_policy_local_only_fails_when_node_full(void)
{
	const char *descs[] = {topo1_desc, topo2_desc, topo4_desc};
	struct lfp_numa_topology *t;
	struct lfp_numa_policy *p;
	unsigned int d, caller, k, n, rank;
	struct fake f;

	for (d = 0; d < RTE_DIM(descs); d++) {
		t = parse_ok(descs[d]);
		n = lfp_numa_topology_nb_nodes(t);
		p = lfp_numa_policy_create(t, LFP_NUMA_POLICY_LOCAL_ONLY, 0);
		CU_ASSERT_PTR_NOT_NULL_FATAL(p);
		for (caller = 0; caller < n; caller++) {
			fake_fill(&f, n, 3);
			for (k = 0; k < 3; k++)
				CU_ASSERT_EQUAL(lfp_numa_policy_place(p, caller,
							try_fake, &f, &rank),
					(int)caller);
			LFP_ASSERT_ERRNO(lfp_numa_policy_place(p, caller,
						 try_fake, &f, &rank),
				ENOMEM);
			/* No other node was even asked. */
			CU_ASSERT_EQUAL(f.tried, RTE_BIT64(caller));
			CU_ASSERT_EQUAL(f.tries, 4);
		}
		lfp_numa_policy_free(p);
		lfp_numa_topology_free(t);
	}
	/* A caller whose node is outside the set gets nothing. */
	t = parse_ok(topo4_desc);
	p = lfp_numa_policy_create(
		t, LFP_NUMA_POLICY_LOCAL_ONLY, RTE_BIT64(0) | RTE_BIT64(1));
	fake_fill(&f, 4, 3);
	LFP_ASSERT_ERRNO(
		lfp_numa_policy_place(p, 3, try_fake, &f, &rank), ENOMEM);
	CU_ASSERT_EQUAL(f.tries, 0);
	lfp_numa_policy_free(p);
	lfp_numa_topology_free(t);
}

static unsigned int
spread(const struct fake *f, uint64_t set)
{
	unsigned int i, lo = UINT32_MAX, hi = 0;

	for (i = 0; i < LFP_NUMA_MAX_NODES; i++) {
		if (((set >> i) & 1) == 0)
			continue;
		lo = RTE_MIN(lo, f->used[i]);
		hi = RTE_MAX(hi, f->used[i]);
	}
	return hi - lo;
}

static void
check_rotation(const char *desc, enum lfp_numa_policy_kind kind, uint64_t set,
	unsigned int rounds)
{
	struct lfp_numa_topology *t = parse_ok(desc);
	unsigned int n = lfp_numa_topology_nb_nodes(t), k, rank, members;
	uint64_t all = set != 0 ? set : RTE_BIT64(n) - 1;
	struct lfp_numa_policy *p = lfp_numa_policy_create(t, kind, set);
	struct fake f;
	int node;

	CU_ASSERT_PTR_NOT_NULL_FATAL(p);
	members = __builtin_popcountll(all);
	fake_fill(&f, n, UINT32_MAX);
	for (k = 0; k < members * rounds + members / 2; k++) {
		/* Any caller: rotation ignores it. */
		node = lfp_numa_policy_place(p, k % n, try_fake, &f, &rank);
		CU_ASSERT_TRUE(node >= 0 && ((all >> node) & 1));
		CU_ASSERT_EQUAL(rank, 0);
		/* Even to within one allocation at every step. */
		CU_ASSERT_TRUE(spread(&f, all) <= 1);
	}
	CU_ASSERT_EQUAL(f.tried, all);
	lfp_numa_policy_free(p);
	lfp_numa_topology_free(t);
}

static void
test_policy_round_robin_even_within_one(void)
{
	struct lfp_numa_topology *t = parse_ok(topo4_desc);
	struct lfp_numa_policy *p;
	unsigned int k, rank, fallbacks = 0;
	struct fake f;

	check_rotation(topo1_desc, LFP_NUMA_POLICY_ROUND_ROBIN, 0, 10);
	check_rotation(topo2_desc, LFP_NUMA_POLICY_ROUND_ROBIN, 0, 10);
	check_rotation(topo4_desc, LFP_NUMA_POLICY_ROUND_ROBIN, 0, 10);
	check_rotation(topo4_desc, LFP_NUMA_POLICY_ROUND_ROBIN,
		RTE_BIT64(0) | RTE_BIT64(2) | RTE_BIT64(3), 10);
	/* An exhausted node passes its turn on; the others stay even. */
	p = lfp_numa_policy_create(t, LFP_NUMA_POLICY_ROUND_ROBIN, 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(p);
	fake_fill(&f, 4, 100);
	f.cap[1] = 2;
	for (k = 0; k < 40; k++) {
		CU_ASSERT_TRUE(
			lfp_numa_policy_place(p, 0, try_fake, &f, &rank) >= 0);
		fallbacks += rank > 0;
	}
	CU_ASSERT_EQUAL(f.used[1], 2);
	/* Node 2 served node 1's turns once node 1 was full (rounds 3..). */
	CU_ASSERT_EQUAL(fallbacks, f.used[2] - 2);
	CU_ASSERT_TRUE(
		spread(&f, RTE_BIT64(0) | RTE_BIT64(2) | RTE_BIT64(3)) <= 1);
	CU_ASSERT_EQUAL(f.used[0] + f.used[1] + f.used[2] + f.used[3], 40);
	lfp_numa_policy_free(p);
	lfp_numa_topology_free(t);
}

static void
test_policy_interleaved_stripes_cycle_over_set(void)
{
	struct lfp_numa_topology *t = parse_ok(topo4_desc);
	uint64_t set = RTE_BIT64(0) | RTE_BIT64(2) | RTE_BIT64(3);
	struct lfp_numa_policy *p;
	size_t pg = lfp_numa_stripe_size();
	unsigned int count[4] = {0}, k;
	uintptr_t base = (uintptr_t)pg * (3 * 4096 + 5);
	static const int in_set[] = {0, 2, 3};
	int node, prev = -1;

	/* Objects rotate over the set only, evenly. */
	check_rotation(topo4_desc, LFP_NUMA_POLICY_INTERLEAVED, set, 10);
	p = lfp_numa_policy_create(t, LFP_NUMA_POLICY_INTERLEAVED, set);
	CU_ASSERT_PTR_NOT_NULL_FATAL(p);
	CU_ASSERT_EQUAL(pg, (size_t)sysconf(_SC_PAGESIZE));
	/* Stripe = one page; page after page the set's nodes take turns in
	 * index order (0, 2, 3), starting where the page number says.
	 */
	for (k = 0; k < 3 * 7; k++) {
		node = lfp_numa_policy_stripe_node(p, base + k * pg);
		CU_ASSERT_TRUE(node == 0 || node == 2 || node == 3);
		CU_ASSERT_EQUAL(node, in_set[(5 + k) % 3]);
		CU_ASSERT_NOT_EQUAL(node, prev);
		/* The whole page is one stripe. */
		CU_ASSERT_EQUAL(
			lfp_numa_policy_stripe_node(p, base + k * pg + pg - 1),
			node);
		count[node]++;
		prev = node;
	}
	CU_ASSERT_EQUAL(count[0], 7);
	CU_ASSERT_EQUAL(count[1], 0);
	CU_ASSERT_EQUAL(count[2], 7);
	CU_ASSERT_EQUAL(count[3], 7);
	LFP_ASSERT_ERRNO(lfp_numa_policy_stripe_node(NULL, base), EINVAL);
	lfp_numa_policy_free(p);
	lfp_numa_topology_free(t);
}

static void
test_policy_create_refuses_bad_arguments(void)
{
	struct lfp_numa_topology *t = parse_ok(topo2_desc);
	int k;

	LFP_ASSERT_NULL_ERRNO(
		lfp_numa_policy_create(
			t, LFP_NUMA_POLICY_ROUND_ROBIN, RTE_BIT64(2)),
		EINVAL);
	LFP_ASSERT_NULL_ERRNO(
		lfp_numa_policy_create(t, LFP_NUMA_POLICY_MAX, 0), EINVAL);
	LFP_ASSERT_NULL_ERRNO(
		lfp_numa_policy_create(NULL, LFP_NUMA_POLICY_LOCAL_ONLY, 0),
		EINVAL);
	LFP_ASSERT_ERRNO(
		lfp_numa_policy_place(NULL, 0, try_fake, NULL, NULL), EINVAL);
	for (k = 0; k < LFP_NUMA_POLICY_MAX; k++)
		CU_ASSERT_EQUAL(
			lfp_numa_policy_from_name(lfp_numa_policy_name(k)), k);
	LFP_ASSERT_ERRNO(lfp_numa_policy_from_name("nearest"), EINVAL);
	CU_ASSERT_PTR_NULL(lfp_numa_policy_name(LFP_NUMA_POLICY_MAX));
	lfp_numa_topology_free(t);
}

/* ---- size classes ---- */

static void
test_size_class_boundaries(void)
{
	unsigned int cls;
	size_t size;

	LFP_ASSERT_ERRNO(lfp_numa_size_class(0), EINVAL);
	CU_ASSERT_EQUAL(lfp_numa_size_class(1), 0);
	for (cls = 0; cls < LFP_NUMA_NB_CLASSES; cls++) {
		size = (size_t)64 << cls;
		CU_ASSERT_EQUAL(lfp_numa_class_size(cls), size);
		CU_ASSERT_EQUAL(
			lfp_numa_size_class(size - 1), cls == 0 ? 0 : (int)cls);
		CU_ASSERT_EQUAL(lfp_numa_size_class(size), (int)cls);
		if (cls + 1 < LFP_NUMA_NB_CLASSES)
			CU_ASSERT_EQUAL(
				lfp_numa_size_class(size + 1), (int)cls + 1);
	}
	/* The exact list of the issue: 63, 64, 65, ..., 4096, 4097. */
	CU_ASSERT_EQUAL(lfp_numa_size_class(63), 0);
	CU_ASSERT_EQUAL(lfp_numa_size_class(64), 0);
	CU_ASSERT_EQUAL(lfp_numa_size_class(65), 1);
	CU_ASSERT_EQUAL(lfp_numa_size_class(128), 1);
	CU_ASSERT_EQUAL(lfp_numa_size_class(129), 2);
	CU_ASSERT_EQUAL(lfp_numa_size_class(2048), 5);
	CU_ASSERT_EQUAL(lfp_numa_size_class(2049), 6);
	CU_ASSERT_EQUAL(lfp_numa_size_class(4095), 6);
	CU_ASSERT_EQUAL(lfp_numa_size_class(4096), 6);
	LFP_ASSERT_ERRNO(lfp_numa_size_class(4097), E2BIG);
	LFP_ASSERT_ERRNO(lfp_numa_size_class(SIZE_MAX), E2BIG);
	CU_ASSERT_EQUAL(lfp_numa_class_size(LFP_NUMA_NB_CLASSES), 0);
}

/* ---- the allocator on the real machine ---- */

/*
 * EAL's remote launch and wait synchronize inside DPDK, which is not
 * instrumented: these flags make the hand-over of a worker's arguments and
 * results visible to ThreadSanitizer.
 */
static void
handoff_publish(int *flag)
{
	/* Release: the writes before it; pairs with handoff_wait(). */
	__atomic_store_n(flag, 1, __ATOMIC_RELEASE);
}

static void
handoff_wait(int *flag)
{
	/* Acquire: pairs with handoff_publish(). */
	while (__atomic_load_n(flag, __ATOMIC_ACQUIRE) == 0)
		rte_pause();
}

/* First member of every per-lcore run struct of run_on_all_lcores(). */
struct lcore_run {
	struct lfp_numa_allocator *a; /* in: the allocator under test */
	int ready;		      /* handoff: inputs written */
	int done;		      /* handoff: outputs written */
};

static struct lcore_run *
run_of(void *runs, size_t size, unsigned int lcore)
{
	return RTE_PTR_ADD(runs, (size_t)lcore * size);
}

/*
 * Run fn on every lcore at once, the main one included. runs holds
 * RTE_MAX_LCORE structs of size bytes, indexed by lcore id, each starting
 * with a struct lcore_run: they are zeroed and given a, and fn must
 * handoff_wait() on ready first and handoff_publish() done last. On
 * return every run's outputs are visible.
 */
static void
run_on_all_lcores(struct lfp_numa_allocator *a, lcore_function_t *fn,
	void *runs, size_t size)
{
	unsigned int lcore;

	memset(runs, 0, size * RTE_MAX_LCORE);
	RTE_LCORE_FOREACH(lcore)
	{
		run_of(runs, size, lcore)->a = a;
		handoff_publish(&run_of(runs, size, lcore)->ready);
	}
	RTE_LCORE_FOREACH_WORKER(lcore)
	rte_eal_remote_launch(fn, run_of(runs, size, lcore), lcore);
	fn(run_of(runs, size, rte_lcore_id()));
	rte_eal_mp_wait_lcore();
	RTE_LCORE_FOREACH(lcore)
	handoff_wait(&run_of(runs, size, lcore)->done);
}

static struct lfp_numa_allocator *
make_alloc(const char *name, enum lfp_numa_policy_kind kind,
	unsigned int pool_size, unsigned int flags,
	const struct lfp_numa_topology *topo, uint64_t nodes)
{
	struct lfp_numa_conf conf = {
		.name = name,
		.policy = kind,
		.nodes = nodes,
		.ops_name = LFP_NUMA_TEST_OPS,
		.pool_size = pool_size,
		.flags = flags,
		.topology = topo,
	};
	struct lfp_numa_allocator *a = lfp_numa_allocator_create(&conf);

	if (a == NULL)
		printf("\n    allocator %s: %s\n", name,
			rte_strerror(rte_errno));
	return a;
}

/* Kernel node expected for a topology node: its EAL socket's. */
static int
expected_kernel_node(struct lfp_numa_allocator *a, unsigned int node)
{
	struct lfp_numa_node_info info;

	if (lfp_numa_topology_node_info(
		    lfp_numa_allocator_topology(a), node, &info) < 0)
		return -1;
	return info.socket_id;
}

/*
 * Objects left in the pool that served ptr (white-box): what allocations
 * and frees did to the pool, seen whether or not the build counts them.
 */
static unsigned int
pool_avail_of(struct lfp_numa_allocator *a, const void *ptr)
{
	struct lfp_numa_ptr_info info;

	CU_ASSERT_EQUAL_FATAL(lfp_numa_ptr_info(ptr, &info), 0);
	CU_ASSERT_FATAL(info.cls < LFP_NUMA_NB_CLASSES);
	return rte_mempool_avail_count(a->pools[info.node][info.cls]->mp);
}

/* Every pool of the allocator holds all its objects again: no leak. */
static void
assert_pools_full(struct lfp_numa_allocator *a)
{
	const struct numa_pool *p;
	unsigned int node, cls;

	for (node = 0; node < a->topo.nb_nodes; node++)
		for (cls = 0; cls < LFP_NUMA_NB_CLASSES; cls++) {
			p = a->pools[node][cls];
			if (p != NULL)
				CU_ASSERT_EQUAL(rte_mempool_avail_count(p->mp),
					p->nb_objs);
		}
}

/*
 * Frees counted by the allocator. Without statistics the counters do not
 * exist: the stats call must say so.
 */
static void
assert_frees(struct lfp_numa_allocator *a, uint64_t frees)
{
	struct lfp_numa_stats st;

#if LFP_STATS
	CU_ASSERT_EQUAL_FATAL(lfp_numa_stats_get(a, -1, -1, &st), 0);
	CU_ASSERT_EQUAL(st.frees, frees);
#else
	RTE_SET_USED(frees);
	LFP_ASSERT_ERRNO(lfp_numa_stats_get(a, -1, -1, &st), ENOTSUP);
#endif
}

/*
 * Touch the memory, then ask the kernel where each page is. Returns the
 * number of pages found elsewhere than the policy chose (printing them).
 */
static unsigned int
check_placement(struct lfp_numa_allocator *a, void *ptr, size_t size)
{
	struct lfp_numa_ptr_info info;
	size_t pg = lfp_numa_stripe_size();
	uintptr_t page, end = (uintptr_t)ptr + size;
	unsigned int bad = 0;
	int want, got, node;

	if (lfp_numa_ptr_info(ptr, &info) != 0 || info.alloc != a ||
		info.size < size)
		return 1;
	memset(ptr, 0x5a, size);
	for (page = RTE_ALIGN_FLOOR((uintptr_t)ptr, pg); page < end;
		page += pg) {
		node = info.striped ?
			lfp_numa_policy_stripe_node(
				lfp_numa_allocator_policy(a), page) :
			(int)info.node;
		want = expected_kernel_node(a, node);
		got = kernel_node((void *)page);
		if (got != want) {
			if (bad++ == 0)
				printf("\n    %zu bytes at %p: page %#lx on "
				       "kernel node %d, policy chose node %d "
				       "(kernel node %d)\n",
					size, ptr, (unsigned long)page, got,
					node, want);
		}
	}
	return bad;
}

static const size_t place_sizes[] = {
	1,
	64,
	65,
	200,
	512,
	1000,
	2048,
	4096,
	4097,
	65536,
	1 << 20,
};

struct place_run {
	struct lcore_run run;
	unsigned int caller;	/* out: caller's node */
	unsigned int bad;	/* out: pages on the wrong node */
	unsigned int not_local; /* out: local policies placed elsewhere */
	unsigned int failed;	/* out: allocations that failed */
	bool pinned;		/* out: plain thread ran on its CPU */
};

static int
place_and_check(void *arg)
{
	struct place_run *r = arg;
	struct lfp_numa_allocator *a;
	enum lfp_numa_policy_kind kind;
	void *ptr[RTE_DIM(place_sizes) * 2];
	struct lfp_numa_ptr_info info;
	unsigned int i;

	handoff_wait(&r->run.ready);
	a = r->run.a;
	kind = lfp_numa_policy_kind(lfp_numa_allocator_policy(a));
	r->caller = lfp_numa_caller_node(lfp_numa_allocator_topology(a));
	for (i = 0; i < RTE_DIM(ptr); i++) {
		ptr[i] = lfp_numa_alloc(a, place_sizes[i % 11]);
		if (ptr[i] == NULL) {
			r->failed++;
			continue;
		}
		r->bad += check_placement(a, ptr[i], place_sizes[i % 11]);
		lfp_numa_ptr_info(ptr[i], &info);
		if ((kind == LFP_NUMA_POLICY_LOCAL_ONLY ||
			    kind == LFP_NUMA_POLICY_LOCAL_PREFERRED) &&
			info.node != r->caller)
			r->not_local++;
	}
	for (i = 0; i < RTE_DIM(ptr); i++)
		if (ptr[i] != NULL && lfp_numa_free(ptr[i]) != 0)
			r->failed++;
	handoff_publish(&r->run.done);
	return 0;
}

static void *
place_on_cpu(void *arg)
{
	struct place_run *r = arg;

	/* r->caller carries the CPU in. */
	r->pinned = pin_to_cpu(r->caller);
	if (r->pinned)
		place_and_check(r);
	return NULL;
}

static void
report_run(const char *who, const struct place_run *r)
{
	printf("\n    %s: %s, caller node %u: %u pages misplaced, %u not "
	       "local, %u failed",
		who,
		lfp_numa_policy_name(lfp_numa_policy_kind(
			lfp_numa_allocator_policy(r->run.a))),
		r->caller, r->bad, r->not_local, r->failed);
	CU_ASSERT_EQUAL(r->bad, 0);
	CU_ASSERT_EQUAL(r->not_local, 0);
	CU_ASSERT_EQUAL(r->failed, 0);
}

static void
test_alloc_every_page_on_the_node_the_policy_chose(void)
{
	struct place_run runs[RTE_MAX_LCORE], thr;
	struct lfp_numa_allocator *a;
	unsigned int lcore;
	pthread_t th;
	cpu_set_t set;
	char who[32];
	int k, cpu;

	if (!kernel_checks_possible(__func__))
		return;
	for (k = 0; k < LFP_NUMA_POLICY_MAX; k++) {
		a = make_alloc("place", k, 64, 0, NULL, 0);
		CU_ASSERT_PTR_NOT_NULL_FATAL(a);
		/* From every lcore at once: each has its own node. */
		run_on_all_lcores(a, place_and_check, runs, sizeof(runs[0]));
		RTE_LCORE_FOREACH(lcore)
		{
			snprintf(who, sizeof(who), "lcore %u", lcore);
			report_run(who, &runs[lcore]);
		}
		/* And from plain threads on each CPU. */
		machine_cpus(&set);
		for (cpu = 0; cpu < CPU_SETSIZE; cpu++) {
			if (!CPU_ISSET(cpu, &set))
				continue;
			memset(&thr, 0, sizeof(thr));
			thr.run.a = a;
			thr.caller = cpu;
			thr.run.ready = 1;
			CU_ASSERT_EQUAL_FATAL(
				pthread_create(&th, NULL, place_on_cpu, &thr),
				0);
			pthread_join(th, NULL);
			if (!thr.pinned) {
				printf("\n    cannot run on CPU %d: "
				       "not checked",
					cpu);
				continue;
			}
			snprintf(who, sizeof(who), "thread on cpu %d", cpu);
			report_run(who, &thr);
			CU_ASSERT_EQUAL(thr.caller,
				(unsigned int)lfp_numa_topology_cpu_node(
					lfp_numa_allocator_topology(a), cpu));
		}
		lfp_numa_allocator_destroy(a);
	}
	printf("\n");
}

static void
test_free_refuses_foreign_pointers(void)
{
	struct lfp_numa_allocator *a = make_alloc(
		"foreign", LFP_NUMA_POLICY_LOCAL_PREFERRED, 64, 0, NULL, 0);
	struct lfp_numa_ptr_info info;
	char *obj, *big, *heap, *dpdk;
	unsigned int avail;
	int on_stack = 0;

	CU_ASSERT_PTR_NOT_NULL_FATAL(a);
	obj = lfp_numa_alloc(a, 100);
	big = lfp_numa_alloc(a, 10000);
	heap = malloc(128);
	dpdk = rte_malloc(NULL, 128, 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(obj);
	CU_ASSERT_PTR_NOT_NULL_FATAL(big);
	CU_ASSERT_PTR_NOT_NULL_FATAL(heap);
	CU_ASSERT_PTR_NOT_NULL_FATAL(dpdk);
	avail = pool_avail_of(a, obj);
	LFP_ASSERT_ERRNO(lfp_numa_free(heap), EINVAL);
	LFP_ASSERT_ERRNO(lfp_numa_free(&on_stack), EINVAL);
	LFP_ASSERT_ERRNO(lfp_numa_free(dpdk), EINVAL);
	LFP_ASSERT_ERRNO(lfp_numa_free((void *)(uintptr_t)1), EINVAL);
	LFP_ASSERT_ERRNO(
		lfp_numa_free((void *)UINT64_C(0xffff800000001000)), EINVAL);
	/* Interior pointers and the mempool header in front. */
	LFP_ASSERT_ERRNO(lfp_numa_free(obj + 1), EINVAL);
	LFP_ASSERT_ERRNO(lfp_numa_free(obj + 64), EINVAL);
	LFP_ASSERT_ERRNO(lfp_numa_free(obj - 8), EINVAL);
	LFP_ASSERT_ERRNO(lfp_numa_free(big + 8), EINVAL);
	LFP_ASSERT_ERRNO(lfp_numa_ptr_info(heap, &info), EINVAL);
	LFP_ASSERT_ERRNO(lfp_numa_ptr_info(obj + 1, &info), EINVAL);
	/* Nothing was freed by the refused calls. */
	assert_frees(a, 0);
	CU_ASSERT_EQUAL(pool_avail_of(a, obj), avail);
	CU_ASSERT_EQUAL(lfp_numa_ptr_info(big, &info), 0);
	CU_ASSERT_EQUAL(lfp_numa_ptr_info(obj, &info), 0);
	CU_ASSERT_EQUAL(info.cls, 1);
	CU_ASSERT_EQUAL(info.size, 128);
	CU_ASSERT_EQUAL(lfp_numa_free(obj), 0);
	CU_ASSERT_EQUAL(pool_avail_of(a, obj), avail + 1);
	CU_ASSERT_EQUAL(lfp_numa_free(big), 0);
	/* A large buffer freed twice is no longer known. */
	LFP_ASSERT_ERRNO(lfp_numa_free(big), EINVAL);
	CU_ASSERT_EQUAL(lfp_numa_free(NULL), 0);
	assert_frees(a, 2);
	free(heap);
	rte_free(dpdk);
	lfp_numa_allocator_destroy(a);
}

static int
cmp_ptr(const void *x, const void *y)
{
	uintptr_t a = *(const uintptr_t *)x, b = *(const uintptr_t *)y;

	return a < b ? -1 : a > b;
}

static void
test_double_free_refused_in_debug_mode(void)
{
	struct lfp_numa_allocator *a;
	uintptr_t objs[33];
	unsigned int i, n = 0;
	void *obj;

	a = make_alloc("dfree", LFP_NUMA_POLICY_LOCAL_ONLY, 32,
		LFP_NUMA_F_DEBUG, NULL, 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(a);
	obj = lfp_numa_alloc(a, 64);
	CU_ASSERT_PTR_NOT_NULL_FATAL(obj);
	CU_ASSERT_EQUAL(lfp_numa_free(obj), 0);
	LFP_ASSERT_ERRNO(lfp_numa_free(obj), EALREADY);
	LFP_ASSERT_ERRNO(lfp_numa_free(obj), EALREADY);
	/* The pool holds each object once: 32 distinct, then empty. */
	for (i = 0; i < RTE_DIM(objs); i++) {
		objs[n] = (uintptr_t)lfp_numa_alloc(a, 64);
		if (objs[n] != 0)
			n++;
	}
	CU_ASSERT_EQUAL(n, 32);
	LFP_ASSERT_NULL_ERRNO(lfp_numa_alloc(a, 64), ENOMEM);
	qsort(objs, n, sizeof(objs[0]), cmp_ptr);
	for (i = 1; i < n; i++)
		CU_ASSERT_NOT_EQUAL(objs[i], objs[i - 1]);
	for (i = 0; i < n; i++)
		CU_ASSERT_EQUAL(lfp_numa_free((void *)objs[i]), 0);
	lfp_numa_allocator_destroy(a);
}

#if LFP_STATS
static void
assert_cell(struct lfp_numa_allocator *a, int node, int cls, uint64_t allocs,
	uint64_t frees, uint64_t fails, uint64_t fallbacks)
{
	struct lfp_numa_stats st;

	CU_ASSERT_EQUAL_FATAL(lfp_numa_stats_get(a, node, cls, &st), 0);
	CU_ASSERT_EQUAL(st.allocs, allocs);
	CU_ASSERT_EQUAL(st.frees, frees);
	CU_ASSERT_EQUAL(st.in_use, allocs - frees);
	CU_ASSERT_EQUAL(st.fails, fails);
	CU_ASSERT_EQUAL(st.fallbacks, fallbacks);
	CU_ASSERT_EQUAL(st.local + st.remote + st.unknown, st.allocs);
}

/*
 * The counters of test_stats_arithmetic()'s sequence, per cell, and their
 * locality against the kernel: count what it reports for the n live
 * allocations (touched first, so every page is resident). The 8 freed
 * ones were counted too: bounds, not equality.
 */
static void
assert_sequence_counted(
	struct lfp_numa_allocator *a, void *const *live, unsigned int n)
{
	unsigned int i, real_local = 0, real_remote = 0, c;
	struct lfp_numa_stats st;
	int me, k;

	c = lfp_numa_caller_node(lfp_numa_allocator_topology(a));
	assert_cell(a, c, 0, 20, 7, 0, 0);
	assert_cell(a, c, 1, 32, 0, 1, 0);
	assert_cell(a, c, 2, 5, 0, 0, 0);
	assert_cell(a, c, LFP_NUMA_CLASS_LARGE, 3, 1, 0, 0);
	assert_cell(a, c, -1, 60, 8, 1, 0);
	assert_cell(a, -1, -1, 60, 8, 1, 0);
	assert_cell(a, -1, 3, 0, 0, 0, 0);
	CU_ASSERT_EQUAL_FATAL(lfp_numa_stats_get(a, -1, -1, &st), 0);
	me = expected_kernel_node(a, c);
	for (i = 0; i < n; i++) {
		memset(live[i], 1, 64);
		k = kernel_node(live[i]);
		real_local += k == me;
		real_remote += k >= 0 && k != me;
	}
	CU_ASSERT_TRUE(st.local <= real_local + 8);
	CU_ASSERT_TRUE(st.remote <= real_remote + 8);
	if (lfp_test_have_hugepages())
		CU_ASSERT_EQUAL(st.unknown, 0);
	printf("\n    local %" PRIu64 " remote %" PRIu64 " unknown %" PRIu64
	       " (kernel: %u on the caller's node, %u elsewhere), "
	       "local_pct %.1f\n",
		st.local, st.remote, st.unknown, real_local, real_remote,
		lfp_numa_stats_local_pct(&st));
	if (st.local + st.remote > 0)
		CU_ASSERT_DOUBLE_EQUAL(lfp_numa_stats_local_pct(&st),
			100.0 * st.local / (st.local + st.remote), 1e-9);
}
#endif

/*
 * Counters against a known sequence (20 x 64 B, 5 x 200 B, 3 large, 32 x
 * 100 B and one failure on pools of 32, then 8 frees). Without statistics
 * the pools still show what was taken and given back, and the stats call
 * refuses with ENOTSUP after checking its arguments.
 */
static void
test_stats_arithmetic(void)
{
	struct lfp_numa_allocator *a = make_alloc(
		"stats", LFP_NUMA_POLICY_LOCAL_ONLY, 32, 0, NULL, 0);
	void *p64[20], *p256[5], *big[3], *p128[32], *live[13 + 5 + 2 + 32];
	struct lfp_numa_stats st;
	unsigned int i;

	CU_ASSERT_PTR_NOT_NULL_FATAL(a);
	for (i = 0; i < 20; i++)
		CU_ASSERT_PTR_NOT_NULL_FATAL(p64[i] = lfp_numa_alloc(a, 64));
	for (i = 0; i < 5; i++)
		CU_ASSERT_PTR_NOT_NULL_FATAL(p256[i] = lfp_numa_alloc(a, 200));
	for (i = 0; i < 3; i++)
		CU_ASSERT_PTR_NOT_NULL_FATAL(big[i] = lfp_numa_alloc(a, 8192));
	for (i = 0; i < 32; i++)
		CU_ASSERT_PTR_NOT_NULL_FATAL(p128[i] = lfp_numa_alloc(a, 100));
	LFP_ASSERT_NULL_ERRNO(lfp_numa_alloc(a, 100), ENOMEM);
	for (i = 0; i < 7; i++)
		CU_ASSERT_EQUAL(lfp_numa_free(p64[i]), 0);
	CU_ASSERT_EQUAL(lfp_numa_free(big[0]), 0);
	CU_ASSERT_EQUAL(pool_avail_of(a, p64[7]), 32 - 20 + 7);
	CU_ASSERT_EQUAL(pool_avail_of(a, p256[0]), 32 - 5);
	CU_ASSERT_EQUAL(pool_avail_of(a, p128[0]), 0);
	LFP_ASSERT_ERRNO(lfp_numa_stats_get(a, 99, 0, &st), EINVAL);
	LFP_ASSERT_ERRNO(
		lfp_numa_stats_get(a, 0, LFP_NUMA_NB_STAT_CLASSES, &st),
		EINVAL);
	LFP_ASSERT_ERRNO(lfp_numa_stats_get(NULL, -1, -1, &st), EINVAL);
	LFP_ASSERT_ERRNO(lfp_numa_stats_get(a, -1, -1, NULL), EINVAL);
	/* The allocations still live. */
	memcpy(live, &p64[7], 13 * sizeof(live[0]));
	memcpy(&live[13], p256, sizeof(p256));
	memcpy(&live[18], &big[1], 2 * sizeof(big[0]));
	memcpy(&live[20], p128, sizeof(p128));
#if LFP_STATS
	assert_sequence_counted(a, live, RTE_DIM(live));
#else
	LFP_ASSERT_ERRNO(lfp_numa_stats_get(a, -1, -1, &st), ENOTSUP);
	LFP_ASSERT_ERRNO(lfp_numa_stats_get(a, 0, 0, &st), ENOTSUP);
#endif
	for (i = 0; i < RTE_DIM(live); i++)
		CU_ASSERT_EQUAL(lfp_numa_free(live[i]), 0);
	assert_pools_full(a);
#if LFP_STATS
	assert_cell(a, -1, -1, 60, 60, 1, 0);
#endif
	lfp_numa_allocator_destroy(a);
}

/* Two injected nodes backed by the caller's own socket: the policies run
 * on real pools, whatever the machine.
 */
static struct lfp_numa_topology *
two_nodes_on_my_socket(void)
{
	char desc[160];

	snprintf(desc, sizeof(desc),
		"nodes=2; cpus=0-1023|; "
		"dist=10,21|21,10; mem=64,64; sockets=%d,%d",
		(int)rte_socket_id(), (int)rte_socket_id());
	return parse_ok(desc);
}

static void
test_local_preferred_falls_back_on_real_pools(void)
{
	struct lfp_numa_topology *t = two_nodes_on_my_socket();
	struct lfp_numa_allocator *a;
	struct lfp_numa_ptr_info info;
	void *obj[32];
	unsigned int i;

	a = make_alloc("lpref", LFP_NUMA_POLICY_LOCAL_PREFERRED, 16, 0, t, 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(a);
	CU_ASSERT_EQUAL(
		lfp_numa_caller_node(lfp_numa_allocator_topology(a)), 0);
	for (i = 0; i < 32; i++) {
		obj[i] = lfp_numa_alloc(a, 64);
		CU_ASSERT_PTR_NOT_NULL_FATAL(obj[i]);
		CU_ASSERT_EQUAL(lfp_numa_ptr_info(obj[i], &info), 0);
		/* Node 1 only once node 0's pool is empty. */
		CU_ASSERT_EQUAL(info.node, i < 16 ? 0u : 1u);
	}
	LFP_ASSERT_NULL_ERRNO(lfp_numa_alloc(a, 64), ENOMEM);
#if LFP_STATS
	assert_cell(a, 0, 0, 16, 0, 1, 0);
	assert_cell(a, 1, 0, 16, 0, 0, 16);
#endif
	/* Freed node-0 objects are preferred again. */
	CU_ASSERT_EQUAL(lfp_numa_free(obj[3]), 0);
	obj[3] = lfp_numa_alloc(a, 64);
	CU_ASSERT_EQUAL(lfp_numa_ptr_info(obj[3], &info), 0);
	CU_ASSERT_EQUAL(info.node, 0);
	for (i = 0; i < 32; i++)
		CU_ASSERT_EQUAL(lfp_numa_free(obj[i]), 0);
	lfp_numa_allocator_destroy(a);

	a = make_alloc("lonly", LFP_NUMA_POLICY_LOCAL_ONLY, 16, 0, t, 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(a);
	for (i = 0; i < 16; i++)
		CU_ASSERT_PTR_NOT_NULL(obj[i] = lfp_numa_alloc(a, 64));
	LFP_ASSERT_NULL_ERRNO(lfp_numa_alloc(a, 64), ENOMEM);
	for (i = 0; i < 16; i++)
		CU_ASSERT_EQUAL(lfp_numa_free(obj[i]), 0);
	lfp_numa_allocator_destroy(a);

	a = make_alloc("rrobin", LFP_NUMA_POLICY_ROUND_ROBIN, 16, 0, t, 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(a);
	for (i = 0; i < 10; i++) {
		CU_ASSERT_PTR_NOT_NULL_FATAL(obj[i] = lfp_numa_alloc(a, 64));
		lfp_numa_ptr_info(obj[i], &info);
		CU_ASSERT_EQUAL(info.node, i % 2);
	}
	for (i = 0; i < 10; i++)
		CU_ASSERT_EQUAL(lfp_numa_free(obj[i]), 0);
	lfp_numa_allocator_destroy(a);
	/* Two nodes on one socket cannot be told apart by the kernel. */
	LFP_ASSERT_NULL_ERRNO(
		make_alloc("stripes", LFP_NUMA_POLICY_INTERLEAVED, 16, 0, t, 0),
		EINVAL);
	lfp_numa_topology_free(t);
}

static void
test_interleaved_large_buffer_pages_follow_stripes(void)
{
	struct lfp_numa_allocator *a;
	struct lfp_numa_ptr_info info;
	size_t pg = lfp_numa_stripe_size(), size = (1 << 20) + 100, i;
	unsigned int count[LFP_NUMA_MAX_NODES] = {0}, n, lo = UINT32_MAX;
	unsigned int hi = 0;
	uint64_t set;
	char *buf;
	int node;

	if (!kernel_checks_possible(__func__))
		return;
	a = make_alloc("stripes", LFP_NUMA_POLICY_INTERLEAVED, 16, 0, NULL, 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(a);
	buf = lfp_numa_alloc(a, size);
	CU_ASSERT_PTR_NOT_NULL_FATAL(buf);
	CU_ASSERT_EQUAL((uintptr_t)buf % pg, 0);
	CU_ASSERT_EQUAL(lfp_numa_ptr_info(buf, &info), 0);
	CU_ASSERT_TRUE(info.striped);
	CU_ASSERT_EQUAL(info.size, size);
	CU_ASSERT_EQUAL(info.cls, LFP_NUMA_CLASS_LARGE);
	/* Zeroed, like every fresh stripe. */
	for (i = 0; i < size; i += 997)
		CU_ASSERT_EQUAL_FATAL(buf[i], 0);
	CU_ASSERT_EQUAL(check_placement(a, buf, size), 0);
	for (i = 0; i < size; i += pg) {
		node = lfp_numa_policy_stripe_node(
			lfp_numa_allocator_policy(a), (uintptr_t)buf + i);
		count[node]++;
	}
	set = 0;
	for (n = 0;
		n < lfp_numa_topology_nb_nodes(lfp_numa_allocator_topology(a));
		n++)
		set |= RTE_BIT64(n);
	for (n = 0; n < LFP_NUMA_MAX_NODES; n++) {
		if (((set >> n) & 1) == 0)
			continue;
		lo = RTE_MIN(lo, count[n]);
		hi = RTE_MAX(hi, count[n]);
	}
	printf("\n    %zu stripes, %u..%u per node\n", (size + pg - 1) / pg, lo,
		hi);
	CU_ASSERT_TRUE(hi - lo <= 1);
	CU_ASSERT_EQUAL(lfp_numa_free(buf), 0);
	LFP_ASSERT_ERRNO(lfp_numa_free(buf), EINVAL);
	lfp_numa_allocator_destroy(a);
}

static void
test_allocator_create_refuses_bad_configuration(void)
{
	struct lfp_numa_conf conf = {
		.name = "conf",
		.ops_name = LFP_NUMA_TEST_OPS,
		.pool_size = 32,
	};
	struct lfp_numa_topology *t;
	struct lfp_numa_allocator *a, *b;

	conf.name = NULL;
	LFP_ASSERT_NULL_ERRNO(lfp_numa_allocator_create(&conf), EINVAL);
	conf.name = "";
	LFP_ASSERT_NULL_ERRNO(lfp_numa_allocator_create(&conf), EINVAL);
	conf.name = "name_too_long";
	LFP_ASSERT_NULL_ERRNO(lfp_numa_allocator_create(&conf), EINVAL);
	conf.name = "bad-name";
	LFP_ASSERT_NULL_ERRNO(lfp_numa_allocator_create(&conf), EINVAL);
	LFP_ASSERT_NULL_ERRNO(lfp_numa_allocator_create(NULL), EINVAL);
	conf.name = "conf";
	conf.policy = LFP_NUMA_POLICY_MAX;
	LFP_ASSERT_NULL_ERRNO(lfp_numa_allocator_create(&conf), EINVAL);
	conf.policy = LFP_NUMA_POLICY_LOCAL_ONLY;
	conf.ops_name = "no_such_ops";
	LFP_ASSERT_NULL_ERRNO(lfp_numa_allocator_create(&conf), ENOENT);
	conf.ops_name = LFP_NUMA_TEST_OPS;
	conf.cache_size = 32; /* flush threshold 48 > 32 objects */
	LFP_ASSERT_NULL_ERRNO(lfp_numa_allocator_create(&conf), EINVAL);
	conf.cache_size = 0;
	conf.nodes = RTE_BIT64(40);
	LFP_ASSERT_NULL_ERRNO(lfp_numa_allocator_create(&conf), EINVAL);
	conf.nodes = 0;
	t = parse_ok("nodes=1; cpus=0; dist=10; mem=1; sockets=31");
	conf.topology = t;
	LFP_ASSERT_NULL_ERRNO(lfp_numa_allocator_create(&conf), ENODEV);
	conf.topology = NULL;
	lfp_numa_topology_free(t);

	a = lfp_numa_allocator_create(&conf);
	CU_ASSERT_PTR_NOT_NULL_FATAL(a);
	LFP_ASSERT_NULL_ERRNO(lfp_numa_allocator_create(&conf), EEXIST);
	b = lfp_numa_allocator_lookup("conf");
	CU_ASSERT_PTR_EQUAL(b, a);
	LFP_ASSERT_NULL_ERRNO(lfp_numa_alloc(a, 0), EINVAL);
	LFP_ASSERT_NULL_ERRNO(lfp_numa_alloc(NULL, 64), EINVAL);
	lfp_numa_allocator_destroy(a);
	LFP_ASSERT_NULL_ERRNO(lfp_numa_allocator_lookup("conf"), ENOENT);
	lfp_numa_allocator_destroy(NULL);
}

static void
test_eager_allocator_builds_every_pool(void)
{
	struct lfp_numa_allocator *a = make_alloc("eager",
		LFP_NUMA_POLICY_LOCAL_PREFERRED, 16, LFP_NUMA_F_EAGER, NULL, 0);
	unsigned int node, cls, lazy = 0;

	CU_ASSERT_PTR_NOT_NULL_FATAL(a);
	for (node = 0; node < a->topo.nb_nodes; node++)
		for (cls = 0; cls < LFP_NUMA_NB_CLASSES; cls++)
			if (((a->nodes >> node) & 1) &&
				a->pools[node][cls] == NULL)
				lazy++;
	CU_ASSERT_EQUAL(lazy, 0);
	lfp_numa_allocator_destroy(a);
	a = make_alloc("lazy", LFP_NUMA_POLICY_LOCAL_PREFERRED, 16, 0, NULL, 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(a);
	for (node = 0; node < a->topo.nb_nodes; node++)
		for (cls = 0; cls < LFP_NUMA_NB_CLASSES; cls++)
			lazy += a->pools[node][cls] == NULL;
	CU_ASSERT_EQUAL(lazy, a->topo.nb_nodes * LFP_NUMA_NB_CLASSES);
	lfp_numa_allocator_destroy(a);
}

static void
test_zalloc_returns_zeroed_memory(void)
{
	struct lfp_numa_allocator *a = make_alloc(
		"zero", LFP_NUMA_POLICY_LOCAL_ONLY, 8, 0, NULL, 0);
	unsigned char *obj[8];
	unsigned int i, j, nonzero = 0;

	CU_ASSERT_PTR_NOT_NULL_FATAL(a);
	for (i = 0; i < 8; i++) {
		CU_ASSERT_PTR_NOT_NULL_FATAL(obj[i] = lfp_numa_alloc(a, 256));
		memset(obj[i], 0xff, 256);
	}
	for (i = 0; i < 8; i++)
		lfp_numa_free(obj[i]);
	/* The pool has 8 objects: these are the dirty ones. */
	for (i = 0; i < 8; i++) {
		CU_ASSERT_PTR_NOT_NULL_FATAL(obj[i] = lfp_numa_zalloc(a, 256));
		for (j = 0; j < 256; j++)
			nonzero += obj[i][j] != 0;
	}
	CU_ASSERT_EQUAL(nonzero, 0);
	for (i = 0; i < 8; i++)
		lfp_numa_free(obj[i]);
	obj[0] = lfp_numa_zalloc(a, 100000);
	CU_ASSERT_PTR_NOT_NULL_FATAL(obj[0]);
	for (j = 0; j < 100000; j++)
		nonzero += obj[0][j] != 0;
	CU_ASSERT_EQUAL(nonzero, 0);
	lfp_numa_free(obj[0]);
	lfp_numa_allocator_destroy(a);
}

#define STRESS_ITERS 3000

struct stress_run {
	struct lcore_run run;
	int failures; /* out: allocations or frees that failed */
};

static int
stress_lcore(void *arg)
{
	struct stress_run *r = arg;
	unsigned int i, failures = 0, seed = rte_lcore_id() * 7919 + 1;
	struct lfp_numa_allocator *a;
	char *keep[8] = {NULL};
	size_t size;
	char *p;

	handoff_wait(&r->run.ready);
	a = r->run.a;
	for (i = 0; i < STRESS_ITERS; i++) {
		seed = seed * 1103515245 + 12345;
		/* Mostly objects, one large buffer in 128. */
		size = (seed >> 8) % 128 == 0 ? 8192 : 1 + (seed >> 12) % 4096;
		p = lfp_numa_alloc(a, size);
		if (p == NULL) {
			failures++;
			continue;
		}
		p[0] = (char)i;
		p[size - 1] = (char)i;
		/* Keep a few alive so objects change hands between lcores. */
		if (lfp_numa_free(keep[i % 8]) != 0)
			failures++;
		keep[i % 8] = p;
	}
	for (i = 0; i < 8; i++)
		if (lfp_numa_free(keep[i]) != 0)
			failures++;
	r->failures = failures;
	handoff_publish(&r->run.done);
	return 0;
}

static void
test_concurrent_lcores_keep_counts_exact(void)
{
	static struct stress_run runs[RTE_MAX_LCORE];
	struct lfp_numa_allocator *a;
	struct lfp_numa_stats st;
	unsigned int lcore;
	int failures = 0;

	if (rte_lcore_count() < 2) {
		lfp_test_skip(__func__, "needs 2 lcores");
		return;
	}
	/* Debug mode: the in-use byte also shows the object hand-over to
	 * ThreadSanitizer, which cannot see inside the mempool driver.
	 */
	a = make_alloc("stress", LFP_NUMA_POLICY_ROUND_ROBIN, 512,
		LFP_NUMA_F_DEBUG, NULL, 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(a);
	run_on_all_lcores(a, stress_lcore, runs, sizeof(runs[0]));
	RTE_LCORE_FOREACH(lcore)
	failures += runs[lcore].failures;
	CU_ASSERT_EQUAL(failures, 0);
	assert_pools_full(a);
#if LFP_STATS
	CU_ASSERT_EQUAL(lfp_numa_stats_get(a, -1, -1, &st), 0);
	CU_ASSERT_EQUAL(st.allocs, (uint64_t)rte_lcore_count() * STRESS_ITERS);
	CU_ASSERT_EQUAL(st.frees, st.allocs);
	CU_ASSERT_EQUAL(st.in_use, 0);
	CU_ASSERT_EQUAL(st.fails, 0);
#else
	LFP_ASSERT_ERRNO(lfp_numa_stats_get(a, -1, -1, &st), ENOTSUP);
#endif
	lfp_numa_allocator_destroy(a);
}

/* One telemetry request on this process's socket, as dpdk-telemetry.py. */
static int
telemetry_query(const char *cmd, char *reply, size_t len)
{
	struct sockaddr_un addr = {.sun_family = AF_UNIX};
	int fd = socket(AF_UNIX, SOCK_SEQPACKET, 0);
	ssize_t n = -1;

	if (fd < 0)
		return -errno;
	snprintf(addr.sun_path, sizeof(addr.sun_path), "%s/dpdk_telemetry.v2",
		rte_eal_get_runtime_dir());
	if (connect(fd, (struct sockaddr *)&addr, sizeof(addr)) == 0 &&
		read(fd, reply, len - 1) > 0 &&
		write(fd, cmd, strlen(cmd)) == (ssize_t)strlen(cmd))
		n = read(fd, reply, len - 1);
	close(fd);
	if (n <= 0)
		return -ENOTCONN;
	reply[n] = '\0';
	return 0;
}

/*
 * A stats reply has the counters where the build keeps them (want1 and
 * want2 among them), and none at all where it does not.
 */
static void
assert_counters_reply(const char *reply, const char *want1, const char *want2)
{
#if LFP_STATS
	CU_ASSERT_PTR_NOT_NULL(strstr(reply, want1));
	CU_ASSERT_PTR_NOT_NULL(strstr(reply, want2));
	CU_ASSERT_PTR_NOT_NULL(strstr(reply, "\"local_pct\":"));
#else
	RTE_SET_USED(want1);
	RTE_SET_USED(want2);
	CU_ASSERT_PTR_NULL(strstr(reply, "\"allocs\":"));
	CU_ASSERT_PTR_NULL(strstr(reply, "\"local_pct\":"));
#endif
}

static void
test_telemetry_reports_topology_and_stats(void)
{
	struct lfp_numa_allocator *a = make_alloc(
		"tele", LFP_NUMA_POLICY_LOCAL_ONLY, 16, 0, NULL, 0);
	static char reply[16384];
	char want[64];
	void *obj[3];
	unsigned int i, c;

	CU_ASSERT_PTR_NOT_NULL_FATAL(a);
	c = lfp_numa_caller_node(lfp_numa_allocator_topology(a));
	for (i = 0; i < 3; i++)
		obj[i] = lfp_numa_alloc(a, 64);
	lfp_numa_free(obj[2]);
	if (telemetry_query("/lfpool/numa/list", reply, sizeof(reply)) < 0) {
		lfp_test_skip(__func__, "no telemetry socket");
		goto out;
	}
	CU_ASSERT_PTR_NOT_NULL(strstr(reply, "\"tele\""));
	CU_ASSERT_EQUAL(
		telemetry_query("/lfpool/numa/topology", reply, sizeof(reply)),
		0);
	CU_ASSERT_PTR_NOT_NULL(strstr(reply, "\"nb_nodes\":"));
	CU_ASSERT_PTR_NOT_NULL(strstr(reply, "\"distances\":[10"));
	CU_ASSERT_EQUAL(telemetry_query("/lfpool/numa/stats,tele", reply,
				sizeof(reply)),
		0);
	printf("\n    %s\n", reply);
	CU_ASSERT_PTR_NOT_NULL(strstr(reply, "\"policy\":\"local_only\""));
	assert_counters_reply(reply, "\"allocs\":3", "\"in_use\":2");
	snprintf(want, sizeof(want), "/lfpool/numa/stats,tele,%u", c);
	CU_ASSERT_EQUAL(telemetry_query(want, reply, sizeof(reply)), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(reply, "\"c64\":{"));
	CU_ASSERT_PTR_NOT_NULL(strstr(reply, "\"large\":{"));
	/* The pool facts do not depend on the counters. */
	CU_ASSERT_PTR_NOT_NULL(strstr(reply, "\"pool_objs\":16"));
	CU_ASSERT_PTR_NOT_NULL(strstr(reply, "\"pool_avail\":14"));
	assert_counters_reply(reply, "\"allocs\":3", "\"frees\":1");
	/* Unknown allocator or node: a null reply. */
	CU_ASSERT_EQUAL(telemetry_query("/lfpool/numa/stats,nobody", reply,
				sizeof(reply)),
		0);
	CU_ASSERT_PTR_NOT_NULL(strstr(reply, "null"));
	CU_ASSERT_EQUAL(telemetry_query("/lfpool/numa/stats,tele,99", reply,
				sizeof(reply)),
		0);
	CU_ASSERT_PTR_NOT_NULL(strstr(reply, "null"));
out:
	lfp_numa_free(obj[0]);
	lfp_numa_free(obj[1]);
	lfp_numa_allocator_destroy(a);
}

static CU_TestInfo topology_tests[] = {
	{"parse_two_nodes", test_topology_parse_two_nodes},
	{"parse_refuses_bad_descriptions",
		test_topology_parse_refuses_bad_descriptions},
	{"format_round_trip", test_topology_format_round_trip},
	{"discover_matches_machine", test_topology_discover_matches_machine},
	{"without_numa_is_one_local_node",
		test_topology_without_numa_is_one_local_node},
	{"caller_node_of_plain_thread_is_its_cpu_node",
		test_topology_caller_node_of_plain_thread_is_its_cpu_node},
	CU_TEST_INFO_NULL,
};

static CU_TestInfo policy_tests[] = {
	{"local_preferred_falls_back_to_nearest_when_exhausted",
		test_policy_local_preferred_falls_back_when_exhausted},
	{"local_only_fails_when_node_full",
		test_policy_local_only_fails_when_node_full},
	{"round_robin_even_within_one",
		test_policy_round_robin_even_within_one},
	{"interleaved_stripes_cycle_over_set",
		test_policy_interleaved_stripes_cycle_over_set},
	{"create_refuses_bad_arguments",
		test_policy_create_refuses_bad_arguments},
	CU_TEST_INFO_NULL,
};

static CU_TestInfo sizeclass_tests[] = {
	{"size_class_boundaries", test_size_class_boundaries},
	CU_TEST_INFO_NULL,
};

static CU_TestInfo alloc_tests[] = {
	{"every_page_on_the_node_the_policy_chose",
		test_alloc_every_page_on_the_node_the_policy_chose},
	{"free_refuses_foreign_pointers", test_free_refuses_foreign_pointers},
	{"double_free_refused_in_debug_mode",
		test_double_free_refused_in_debug_mode},
	{"stats_arithmetic", test_stats_arithmetic},
	{"local_preferred_falls_back_on_real_pools",
		test_local_preferred_falls_back_on_real_pools},
	{"interleaved_large_buffer_pages_follow_stripes",
		test_interleaved_large_buffer_pages_follow_stripes},
	{"create_refuses_bad_configuration",
		test_allocator_create_refuses_bad_configuration},
	{"eager_allocator_builds_every_pool",
		test_eager_allocator_builds_every_pool},
	{"zalloc_returns_zeroed_memory", test_zalloc_returns_zeroed_memory},
	{"concurrent_lcores_keep_counts_exact",
		test_concurrent_lcores_keep_counts_exact},
	{"telemetry_reports_topology_and_stats",
		test_telemetry_reports_topology_and_stats},
	CU_TEST_INFO_NULL,
};

static CU_SuiteInfo suites[] = {
	{"numa_topology", NULL, NULL, NULL, NULL, topology_tests},
	{"numa_policy", NULL, NULL, NULL, NULL, policy_tests},
	{"numa_sizeclass", NULL, NULL, NULL, NULL, sizeclass_tests},
	{"numa_alloc", NULL, NULL, NULL, NULL, alloc_tests},
	CU_SUITE_INFO_NULL,
};

int
main(int argc, char **argv)
{
	const struct lfp_test_conf conf = {
		.name = "numa",
		.lcores = NB_LCORES,
		.suites = suites,
	};

	return lfp_test_main(argc, argv, &conf);
}
