/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The lfpool authors
 */

/*
 * Topology: discovery through libnuma and EAL, the injected text form,
 * and the accessors. A topology is plain data (no pointers), so the
 * allocator and the policy engine keep their own copies.
 */

#define _GNU_SOURCE
#include <ctype.h>
#include <inttypes.h>
#include <limits.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sysinfo.h>
#include <unistd.h>

#include <numa.h>

#include <rte_eal.h>
#include <rte_lcore.h>

#include "numa_private.h"

RTE_LOG_REGISTER(numa_logtype, lib.lfpool.numa, NOTICE);

/*
 * Here, with the log type, rather than in numa_telemetry.c: every user of
 * the library links this file. At load time, so before EAL starts the
 * telemetry thread that reads the command table.
 */
RTE_INIT(numa_init_telemetry)
{
	numa_telemetry_register();
}

#define MIB (UINT64_C(1) << 20)
/* Distance assumed between two nodes when libnuma reports none. */
#define FALLBACK_REMOTE_DISTANCE 20

static struct lfp_numa_topology *
topology_new(void)
{
	struct lfp_numa_topology *topo = calloc(1, sizeof(*topo));

	if (topo == NULL) {
		rte_errno = ENOMEM;
		return NULL;
	}
	memset(topo->cpu_node, -1, sizeof(topo->cpu_node));
	memset(topo->lcore_node, -1, sizeof(topo->lcore_node));
	return topo;
}

/* True when EAL knows socket_id (EAL not initialized: no socket). */
static bool
eal_has_socket(int socket_id)
{
	unsigned int i;

	for (i = 0; i < rte_socket_count(); i++)
		if (rte_socket_id_by_idx(i) == socket_id)
			return true;
	return false;
}

static void
add_cpu(struct lfp_numa_topology *topo, unsigned int idx, int cpu)
{
	CPU_SET(cpu, &topo->node[idx].cpus);
	topo->node[idx].nb_cpus++;
	topo->cpu_node[cpu] = idx;
}

void
numa_topology_single_node(struct lfp_numa_topology *topo)
{
	struct numa_node *node = &topo->node[0];
	long ncpu = sysconf(_SC_NPROCESSORS_CONF);
	struct sysinfo si;
	int cpu;

	topo->nb_nodes = 1;
	topo->from_libnuma = false;
	node->id = 0;
	node->socket_id = eal_has_socket(0) ? 0 : -1;
	for (cpu = 0; cpu < ncpu && cpu < LFP_NUMA_MAX_CPUS; cpu++)
		add_cpu(topo, 0, cpu);
	if (sysinfo(&si) == 0) {
		node->mem_total = (uint64_t)si.totalram * si.mem_unit;
		node->mem_free = (uint64_t)si.freeram * si.mem_unit;
	}
	topo->distance[0][0] = LFP_NUMA_LOCAL_DISTANCE;
}

static int
index_of_kernel_node(const struct lfp_numa_topology *topo, int id)
{
	unsigned int i;

	for (i = 0; i < topo->nb_nodes; i++)
		if (topo->node[i].id == id)
			return i;
	return -1;
}

static void
discover_nodes(struct lfp_numa_topology *topo)
{
	int max = numa_max_node(), id;
	long long total, free_mem;

	for (id = 0; id <= max; id++) {
		struct numa_node *node = &topo->node[topo->nb_nodes];

		if (!numa_bitmask_isbitset(numa_nodes_ptr, id))
			continue;
		if (topo->nb_nodes == LFP_NUMA_MAX_NODES) {
			NUMA_LOG(WARNING, "nodes above %d ignored (max %d)",
				id - 1, LFP_NUMA_MAX_NODES);
			break;
		}
		node->id = id;
		node->socket_id = eal_has_socket(id) ? id : -1;
		total = numa_node_size64(id, &free_mem);
		node->mem_total = total > 0 ? (uint64_t)total : 0;
		node->mem_free = free_mem > 0 ? (uint64_t)free_mem : 0;
		topo->nb_nodes++;
	}
}

static void
discover_cpus(struct lfp_numa_topology *topo)
{
	int ncpu = numa_num_configured_cpus(), cpu, idx;

	for (cpu = 0; cpu < ncpu && cpu < LFP_NUMA_MAX_CPUS; cpu++) {
		idx = index_of_kernel_node(topo, numa_node_of_cpu(cpu));
		if (idx >= 0)
			add_cpu(topo, idx, cpu);
	}
}

static void
discover_distances(struct lfp_numa_topology *topo)
{
	unsigned int i, j;
	int d;

	for (i = 0; i < topo->nb_nodes; i++) {
		for (j = 0; j < topo->nb_nodes; j++) {
			d = numa_distance(topo->node[i].id, topo->node[j].id);
			if (d <= 0 || d > UINT8_MAX) {
				/* No SLIT: libnuma reports 0. */
				d = i == j ? LFP_NUMA_LOCAL_DISTANCE :
					     FALLBACK_REMOTE_DISTANCE;
			}
			topo->distance[i][j] = d;
		}
	}
}

static void
say_no_numa_once(void)
{
	static bool said;

	/* Relaxed: only picks which caller logs; orders nothing else. */
	if (!__atomic_exchange_n(&said, true, __ATOMIC_RELAXED))
		NUMA_LOG(NOTICE,
			"numa_available() < 0: no NUMA support, "
			"one node with every CPU and all memory, all local");
}

struct lfp_numa_topology *
lfp_numa_topology_discover(void)
{
	struct lfp_numa_topology *topo = topology_new();

	if (topo == NULL)
		return NULL;
	if (numa_available() < 0) {
		say_no_numa_once();
		numa_topology_single_node(topo);
	} else {
		topo->from_libnuma = true;
		discover_nodes(topo);
		discover_cpus(topo);
		discover_distances(topo);
		if (topo->nb_nodes == 0) {
			say_no_numa_once();
			numa_topology_single_node(topo);
		}
	}
	numa_topology_map_lcores(topo);
	return topo;
}

/* Node holding every CPU of set, or -1 (no CPU, or CPUs on several). */
static int
cpuset_node(const struct lfp_numa_topology *topo, const rte_cpuset_t *set)
{
	int cpu, idx = -1;

	for (cpu = 0; cpu < LFP_NUMA_MAX_CPUS; cpu++) {
		if (!CPU_ISSET(cpu, set))
			continue;
		if (topo->cpu_node[cpu] < 0 ||
			(idx >= 0 && idx != topo->cpu_node[cpu]))
			return -1;
		idx = topo->cpu_node[cpu];
	}
	return idx;
}

void
numa_topology_map_lcores(struct lfp_numa_topology *topo)
{
	unsigned int lcore, i;
	rte_cpuset_t set;
	int idx;

	memset(topo->lcore_node, -1, sizeof(topo->lcore_node));
	for (i = 0; i < topo->nb_nodes; i++)
		topo->node[i].nb_lcores = 0;
	/* Before rte_eal_init() no lcore is enabled: nothing to map. */
	RTE_LCORE_FOREACH(lcore)
	{
		/* A discovered node is found from EAL's socket id of the
		 * lcore; an injected one from the lcore's CPUs.
		 */
		if (topo->injected) {
			set = rte_lcore_cpuset(lcore);
			idx = cpuset_node(topo, &set);
		} else {
			idx = lfp_numa_topology_socket_node(
				topo, rte_lcore_to_socket_id(lcore));
		}
		if (idx < 0)
			continue;
		topo->lcore_node[lcore] = idx;
		topo->node[idx].nb_lcores++;
	}
}

int
numa_current_cpu(void)
{
	return sched_getcpu();
}

int
numa_real_cpu_node(int cpu)
{
	static int8_t cache[LFP_NUMA_MAX_CPUS];
	static bool filled;
	bool numa = numa_available() >= 0;
	int c, n = numa ? numa_num_possible_cpus() : LFP_NUMA_MAX_CPUS;

	if (cpu < 0 || cpu >= LFP_NUMA_MAX_CPUS)
		return -1;
	/* Acquire pairs with the release below: the table is complete. */
	if (!__atomic_load_n(&filled, __ATOMIC_ACQUIRE)) {
		/* Racing fillers write identical values (relaxed: ordered by
		 * the release store below). Without NUMA, all is node 0.
		 */
		for (c = 0; c < LFP_NUMA_MAX_CPUS; c++)
			__atomic_store_n(&cache[c],
				!numa	      ? 0 :
					c < n ? (int8_t)numa_node_of_cpu(c) :
						-1,
				__ATOMIC_RELAXED);
		/* Release: publish the table filled above. */
		__atomic_store_n(&filled, true, __ATOMIC_RELEASE);
	}
	/* Relaxed: ordered by the acquire load of 'filled'. */
	return __atomic_load_n(&cache[cpu], __ATOMIC_RELAXED);
}

/* ---- injected topologies ---- */

enum field {
	F_NODES,
	F_CPUS,
	F_DIST,
	F_MEM,
	F_FREE,
	F_SOCKETS,
	F_MAX,
};

static const char *const field_names[F_MAX] = {
	[F_NODES] = "nodes",
	[F_CPUS] = "cpus",
	[F_DIST] = "dist",
	[F_MEM] = "mem",
	[F_FREE] = "free",
	[F_SOCKETS] = "sockets",
};

struct parse {
	char *err;
	size_t err_len;
	char *value[F_MAX];
	struct lfp_numa_topology *topo;
};

static int __rte_format_printf(2, 3)
	refuse(struct parse *p, const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (p->err != NULL && p->err_len > 0)
		snprintf(p->err, p->err_len, "%s", msg);
	NUMA_LOG(ERR, "topology refused: %s", msg);
	return -EINVAL;
}

static char *
trim(char *s)
{
	char *end;

	while (isspace((unsigned char)*s))
		s++;
	end = s + strlen(s);
	while (end > s && isspace((unsigned char)end[-1]))
		*--end = '\0';
	return s;
}

/*
 * Split s in place at sep into trimmed tokens; returns how many tokens s
 * has, storing at most max of them.
 */
static unsigned int
split(char *s, char sep, char **tok, unsigned int max)
{
	unsigned int n = 0;
	char *next;

	for (;;) {
		next = strchr(s, sep);
		if (next != NULL)
			*next = '\0';
		if (n < max)
			tok[n] = trim(s);
		n++;
		if (next == NULL)
			return n;
		s = next + 1;
	}
}

/* Decimal number, digits only. */
static int
parse_u64(const char *s, uint64_t max, uint64_t *v)
{
	unsigned long long x;
	char *end;

	if (*s == '\0' || !isdigit((unsigned char)*s))
		return -1;
	errno = 0;
	x = strtoull(s, &end, 10);
	if (errno != 0 || *end != '\0' || x > max)
		return -1;
	*v = x;
	return 0;
}

static int
parse_fields(struct parse *p, char *desc)
{
	char *tok[F_MAX * 4], *key, *val, *eq;
	unsigned int n, i, f;

	n = split(desc, ';', tok, RTE_DIM(tok));
	if (n > RTE_DIM(tok))
		return refuse(p, "%u fields, at most %u", n,
			(unsigned int)RTE_DIM(tok));
	for (i = 0; i < n; i++) {
		if (*tok[i] == '\0')
			continue; /* ";;" or a final ';' */
		eq = strchr(tok[i], '=');
		if (eq == NULL)
			return refuse(p, "'%s' is not 'field=value'", tok[i]);
		*eq = '\0';
		key = trim(tok[i]);
		val = trim(eq + 1);
		for (f = 0; f < F_MAX; f++)
			if (strcmp(key, field_names[f]) == 0)
				break;
		if (f == F_MAX)
			return refuse(p,
				"unknown field '%s' (known: nodes, "
				"cpus, dist, mem, free, sockets)",
				key);
		if (p->value[f] != NULL)
			return refuse(p, "field '%s' given twice", key);
		p->value[f] = val;
	}
	for (f = F_NODES; f <= F_MEM; f++)
		if (p->value[f] == NULL)
			return refuse(
				p, "field '%s' is missing", field_names[f]);
	return 0;
}

static int
parse_nodes(struct parse *p)
{
	uint64_t n;

	if (parse_u64(p->value[F_NODES], UINT32_MAX, &n) < 0)
		return refuse(
			p, "nodes: '%s' is not a number", p->value[F_NODES]);
	if (n == 0)
		return refuse(p,
			"nodes=0: a topology needs at least one "
			"node");
	if (n > LFP_NUMA_MAX_NODES)
		return refuse(p, "nodes=%" PRIu64 ": at most %d nodes", n,
			LFP_NUMA_MAX_NODES);
	p->topo->nb_nodes = n;
	return 0;
}

/* One CPU list "a-b,c" of node idx. */
static int
parse_cpu_list(struct parse *p, unsigned int idx, char *list)
{
	char *tok[LFP_NUMA_MAX_CPUS], *dash;
	uint64_t lo, hi, cpu;
	unsigned int n, i;

	if (*list == '\0')
		return 0; /* a node without CPUs */
	n = split(list, ',', tok, RTE_DIM(tok));
	for (i = 0; i < n && i < RTE_DIM(tok); i++) {
		dash = strchr(tok[i], '-');
		if (dash != NULL)
			*dash = '\0';
		if (parse_u64(trim(tok[i]), LFP_NUMA_MAX_CPUS - 1, &lo) < 0 ||
			parse_u64(dash != NULL ? trim(dash + 1) : tok[i],
				LFP_NUMA_MAX_CPUS - 1, &hi) < 0 ||
			hi < lo)
			return refuse(p,
				"cpus: bad CPU range '%s%s%s' for "
				"node %u (CPUs are 0..%d)",
				tok[i], dash != NULL ? "-" : "",
				dash != NULL ? dash + 1 : "", idx,
				LFP_NUMA_MAX_CPUS - 1);
		for (cpu = lo; cpu <= hi; cpu++) {
			if (p->topo->cpu_node[cpu] >= 0)
				return refuse(p,
					"cpus: CPU %" PRIu64 " is on "
					"node %d and node %u",
					cpu, p->topo->cpu_node[cpu], idx);
			add_cpu(p->topo, idx, cpu);
		}
	}
	return 0;
}

static int
parse_cpus(struct parse *p)
{
	char *list[LFP_NUMA_MAX_NODES];
	unsigned int n, i;
	int ret;

	n = split(p->value[F_CPUS], '|', list, RTE_DIM(list));
	if (n != p->topo->nb_nodes)
		return refuse(p, "cpus: %u CPU lists for %u nodes", n,
			p->topo->nb_nodes);
	for (i = 0; i < n; i++) {
		ret = parse_cpu_list(p, i, list[i]);
		if (ret < 0)
			return ret;
	}
	return 0;
}

static int
check_distances(struct parse *p)
{
	unsigned int i, j, n = p->topo->nb_nodes;
	uint8_t(*d)[LFP_NUMA_MAX_NODES] = p->topo->distance;

	for (i = 0; i < n; i++) {
		if (d[i][i] != LFP_NUMA_LOCAL_DISTANCE)
			return refuse(p,
				"dist: node %u to itself is %u, "
				"must be %d",
				i, d[i][i], LFP_NUMA_LOCAL_DISTANCE);
		for (j = 0; j < n; j++) {
			if (i != j && d[i][j] <= LFP_NUMA_LOCAL_DISTANCE)
				return refuse(p,
					"dist: node %u to node %u is "
					"%u, a remote distance must be above "
					"%d",
					i, j, d[i][j], LFP_NUMA_LOCAL_DISTANCE);
			if (d[i][j] != d[j][i])
				return refuse(p,
					"dist: asymmetric, node %u "
					"to node %u is %u but node %u to node "
					"%u is %u",
					i, j, d[i][j], j, i, d[j][i]);
		}
	}
	return 0;
}

static int
parse_dist(struct parse *p)
{
	char *row[LFP_NUMA_MAX_NODES], *val[LFP_NUMA_MAX_NODES];
	unsigned int n = p->topo->nb_nodes, rows, cols, i, j;
	uint64_t d;

	rows = split(p->value[F_DIST], '|', row, RTE_DIM(row));
	if (rows != n)
		return refuse(p,
			"dist: %u rows for %u nodes (one row of %u "
			"distances per node)",
			rows, n, n);
	for (i = 0; i < n; i++) {
		cols = split(row[i], ',', val, RTE_DIM(val));
		if (cols != n)
			return refuse(p,
				"dist: row %u has %u distances, %u "
				"needed",
				i, cols, n);
		for (j = 0; j < n; j++) {
			if (parse_u64(val[j], UINT8_MAX, &d) < 0)
				return refuse(p,
					"dist: '%s' (node %u to node "
					"%u) is not a distance 10..255",
					val[j], i, j);
			p->topo->distance[i][j] = d;
		}
	}
	return check_distances(p);
}

/* A list of n numbers at most max (MiB lists, socket lists). */
static int
parse_numbers(struct parse *p, enum field f, uint64_t max, uint64_t *out)
{
	char *val[LFP_NUMA_MAX_NODES];
	unsigned int n, i;

	n = split(p->value[f], ',', val, RTE_DIM(val));
	if (n != p->topo->nb_nodes)
		return refuse(p, "%s: %u values for %u nodes", field_names[f],
			n, p->topo->nb_nodes);
	for (i = 0; i < n; i++)
		if (parse_u64(val[i], max, &out[i]) < 0)
			return refuse(p,
				"%s: '%s' (node %u) is not a number "
				"up to %" PRIu64,
				field_names[f], val[i], i, max);
	return 0;
}

static int
parse_memory(struct parse *p)
{
	uint64_t mem[LFP_NUMA_MAX_NODES], free_mem[LFP_NUMA_MAX_NODES];
	unsigned int i;
	int ret;

	ret = parse_numbers(p, F_MEM, UINT64_MAX / MIB, mem);
	if (ret < 0)
		return ret;
	if (p->value[F_FREE] != NULL) {
		ret = parse_numbers(p, F_FREE, UINT64_MAX / MIB, free_mem);
		if (ret < 0)
			return ret;
	} else {
		memcpy(free_mem, mem, sizeof(mem));
	}
	for (i = 0; i < p->topo->nb_nodes; i++) {
		if (free_mem[i] > mem[i])
			return refuse(p,
				"free: node %u has %" PRIu64 " MiB "
				"free of %" PRIu64 " MiB",
				i, free_mem[i], mem[i]);
		p->topo->node[i].mem_total = mem[i] * MIB;
		p->topo->node[i].mem_free = free_mem[i] * MIB;
	}
	return 0;
}

static int
parse_sockets(struct parse *p)
{
	char *val[LFP_NUMA_MAX_NODES];
	unsigned int n, i;
	uint64_t sock;

	if (p->value[F_SOCKETS] == NULL) {
		for (i = 0; i < p->topo->nb_nodes; i++)
			p->topo->node[i].socket_id = i;
		return 0;
	}
	n = split(p->value[F_SOCKETS], ',', val, RTE_DIM(val));
	if (n != p->topo->nb_nodes)
		return refuse(p, "sockets: %u values for %u nodes", n,
			p->topo->nb_nodes);
	for (i = 0; i < n; i++) {
		/* -1: no EAL socket behind the node (policy what-if only) */
		if (strcmp(val[i], "-1") == 0) {
			p->topo->node[i].socket_id = -1;
			continue;
		}
		if (parse_u64(val[i], RTE_MAX_NUMA_NODES - 1, &sock) < 0)
			return refuse(p,
				"sockets: '%s' (node %u) is not -1 "
				"or a socket id 0..%d",
				val[i], i, RTE_MAX_NUMA_NODES - 1);
		p->topo->node[i].socket_id = (int)sock;
	}
	return 0;
}

struct lfp_numa_topology *
lfp_numa_topology_parse(const char *desc, char *err, size_t err_len)
{
	static int (*const steps[])(struct parse * p) = {
		parse_nodes,
		parse_cpus,
		parse_dist,
		parse_memory,
		parse_sockets,
	};
	struct parse p = {.err = err, .err_len = err_len};
	char *copy = NULL;
	unsigned int i;
	int ret;

	if (err != NULL && err_len > 0)
		err[0] = '\0';
	if (desc == NULL) {
		rte_errno = -refuse(&p, "no description");
		return NULL;
	}
	copy = strdup(desc);
	p.topo = topology_new();
	if (copy == NULL || p.topo == NULL) {
		ret = -ENOMEM;
		goto fail;
	}
	p.topo->injected = true;
	ret = parse_fields(&p, copy);
	for (i = 0; ret == 0 && i < RTE_DIM(steps); i++)
		ret = steps[i](&p);
	if (ret < 0)
		goto fail;
	free(copy);
	numa_topology_map_lcores(p.topo);
	return p.topo;
fail:
	free(copy);
	free(p.topo);
	rte_errno = -ret;
	return NULL;
}

/* snprintf() that appends and keeps counting past the end of the buffer. */
struct out {
	char *buf;
	size_t len;
	size_t used;
};

static void __rte_format_printf(2, 3)
	out_add(struct out *o, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(o->used < o->len ? o->buf + o->used : NULL,
		o->used < o->len ? o->len - o->used : 0, fmt, ap);
	va_end(ap);
	if (n > 0)
		o->used += n;
}

static void
out_cpus(struct out *o, const rte_cpuset_t *set)
{
	const char *sep = "";
	int cpu, last;

	for (cpu = 0; cpu < LFP_NUMA_MAX_CPUS; cpu++) {
		if (!CPU_ISSET(cpu, set))
			continue;
		for (last = cpu; last + 1 < LFP_NUMA_MAX_CPUS &&
			CPU_ISSET(last + 1, set);
			last++)
			;
		if (last == cpu)
			out_add(o, "%s%d", sep, cpu);
		else
			out_add(o, "%s%d-%d", sep, cpu, last);
		sep = ",";
		cpu = last;
	}
}

int
lfp_numa_topology_format(
	const struct lfp_numa_topology *topo, char *buf, size_t len)
{
	struct out o = {.buf = buf, .len = len, .used = 0};
	unsigned int i, j, n;

	if (topo == NULL || (buf == NULL && len > 0))
		return -EINVAL;
	if (len > 0)
		buf[0] = '\0';
	n = topo->nb_nodes;
	out_add(&o, "nodes=%u; cpus=", n);
	for (i = 0; i < n; i++) {
		out_add(&o, "%s", i > 0 ? "|" : "");
		out_cpus(&o, &topo->node[i].cpus);
	}
	out_add(&o, "; dist=");
	for (i = 0; i < n; i++)
		for (j = 0; j < n; j++)
			out_add(&o, "%s%u",
				j > 0	      ? "," :
					i > 0 ? "|" :
						"",
				topo->distance[i][j]);
	out_add(&o, "; mem=");
	for (i = 0; i < n; i++)
		out_add(&o, "%s%" PRIu64, i > 0 ? "," : "",
			topo->node[i].mem_total / MIB);
	out_add(&o, "; free=");
	for (i = 0; i < n; i++)
		out_add(&o, "%s%" PRIu64, i > 0 ? "," : "",
			topo->node[i].mem_free / MIB);
	out_add(&o, "; sockets=");
	for (i = 0; i < n; i++)
		out_add(&o, "%s%d", i > 0 ? "," : "", topo->node[i].socket_id);
	return o.used > INT_MAX ? -EINVAL : (int)o.used;
}

void
lfp_numa_topology_free(struct lfp_numa_topology *topo)
{
	free(topo);
}

unsigned int
lfp_numa_topology_nb_nodes(const struct lfp_numa_topology *topo)
{
	return topo != NULL ? topo->nb_nodes : 0;
}

bool
lfp_numa_topology_is_injected(const struct lfp_numa_topology *topo)
{
	return topo != NULL && topo->injected;
}

bool
lfp_numa_topology_from_libnuma(const struct lfp_numa_topology *topo)
{
	return topo != NULL && topo->from_libnuma;
}

int
lfp_numa_topology_node_info(const struct lfp_numa_topology *topo,
	unsigned int node, struct lfp_numa_node_info *info)
{
	const struct numa_node *n;

	if (topo == NULL || info == NULL || node >= topo->nb_nodes) {
		rte_errno = EINVAL;
		return -EINVAL;
	}
	n = &topo->node[node];
	info->id = n->id;
	info->socket_id = n->socket_id;
	info->nb_cpus = n->nb_cpus;
	info->nb_lcores = n->nb_lcores;
	info->mem_total = n->mem_total;
	info->mem_free = n->mem_free;
	return 0;
}

int
lfp_numa_topology_distance(const struct lfp_numa_topology *topo,
	unsigned int from, unsigned int to)
{
	if (topo == NULL || from >= topo->nb_nodes || to >= topo->nb_nodes) {
		rte_errno = EINVAL;
		return -EINVAL;
	}
	return topo->distance[from][to];
}

/* -EINVAL without a topology, -ENOENT for no node, else idx. */
static int
node_or_error(const struct lfp_numa_topology *topo, int idx)
{
	int ret = topo == NULL ? -EINVAL : idx < 0 ? -ENOENT : idx;

	if (ret < 0)
		rte_errno = -ret;
	return ret;
}

int
lfp_numa_topology_cpu_node(const struct lfp_numa_topology *topo, int cpu)
{
	if (topo == NULL || cpu < 0 || cpu >= LFP_NUMA_MAX_CPUS)
		return node_or_error(topo, -1);
	return node_or_error(topo, topo->cpu_node[cpu]);
}

int
lfp_numa_topology_lcore_node(
	const struct lfp_numa_topology *topo, unsigned int lcore_id)
{
	if (topo == NULL || lcore_id >= RTE_MAX_LCORE)
		return node_or_error(topo, -1);
	return node_or_error(topo, topo->lcore_node[lcore_id]);
}

int
lfp_numa_topology_socket_node(
	const struct lfp_numa_topology *topo, int socket_id)
{
	unsigned int i;

	if (topo == NULL || socket_id < 0)
		return node_or_error(topo, -1);
	for (i = 0; i < topo->nb_nodes; i++)
		if (topo->node[i].socket_id == socket_id)
			return i;
	return node_or_error(topo, -1);
}

unsigned int
lfp_numa_caller_node(const struct lfp_numa_topology *topo)
{
	return topo != NULL ? numa_caller_node(topo) : 0;
}
