/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The lfpool authors
 */

/*
 * hazptr-bench: the cost of lfpool's hazard pointers beside DPDK's QSBR,
 * measured in the same run, on 1 lcore and on 2 lcores at once.
 *
 *   hazptr-bench [EAL args] -- [--iterations N] [--sync-iterations N]
 *                               [--json FILE]
 *
 * Each figure is TSC cycles over the timed loop divided by the operations
 * of that loop, converted to ns; with 2 lcores it is the mean of both
 * lcores' per-operation cost, except for the blocking QSBR calls, where
 * lcore 0 is the writer being timed and lcore 1 a reader that reports
 * quiescent states until the writer is done. Leftovers (at most one scan
 * threshold of nodes, or one defer queue) are drained after the timed loop.
 */

#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_common.h>
#include <rte_cycles.h>
#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_launch.h>
#include <rte_lcore.h>
#include <rte_log.h>
#include <rte_malloc.h>
#include <rte_pause.h>
#include <rte_rcu_qsbr.h>

#include <jansson.h>

#include "lfp_eal_exit.h"
#include "lfp_hazptr.h"
#include "lfp_opt.h"

#define DEFAULT_ITERATIONS 2000000ULL
#define DEFAULT_REPEAT 3
#define MAX_ITERATIONS 10000000000ULL /* ~30 s per figure at 3 ns */
#define MAX_REPEAT 1000
#define BENCH_LCORES_MAX 2
/*
 * Largest scan threshold R of the bench's domain, BENCH_LCORES_MAX records
 * in use (lfp_hazptr.h): R = max(2 * H, LFP_HP_RETIRE_BATCH * min(N, C)).
 */
#define BENCH_THRESHOLD_MAX \
	RTE_MAX(2 * BENCH_LCORES_MAX * LFP_HP_SLOTS_MAX, \
		BENCH_LCORES_MAX * LFP_HP_RETIRE_BATCH)
/*
 * Retired nodes each lcore cycles through: twice the threshold, so that a
 * node is always reclaimed before it is retired again.
 */
#define BENCH_NODES (2u * BENCH_THRESHOLD_MAX)
/* Defer-queue size and auto-reclaim trigger, the QSBR analogue of R. */
#define DQ_SIZE 16384
#define DQ_TRIGGER LFP_HP_RETIRE_BATCH

struct bnode {
	struct lfp_hp_node hp;
	uint32_t freed; /* Set by the reclaimer, cleared before a retire. */
};

struct bench_ctx {
	unsigned int nb;     /* lcores taking part: 1 or 2. */
	uint64_t iters;	     /* Timed loop length (non-blocking). */
	uint64_t sync_iters; /* Timed loop length (blocking calls). */
	unsigned int repeat; /* Runs per figure; the fastest is kept. */
	struct lfp_hp_domain *domain;
	int reclaimer_id;
	struct rte_rcu_qsbr *qsbr;
	void *src; /* What protect reads. */
	struct bnode *nodes[BENCH_LCORES_MAX];
	void (*fn)(struct bench_ctx *c, unsigned int idx);
	uint32_t ready;	      /* Start line. */
	uint32_t finished;    /* Finish line. */
	uint32_t writer_done; /* Readers of blocking benches stop. */
	uint32_t run;	      /* Number of the current run. */
	uint32_t run_done[BENCH_LCORES_MAX]; /* Last run each lcore ended. */
	uint64_t errors;
	uint64_t dq_stalls; /* Full defer queue: waited for readers. */
	uint64_t cycles[BENCH_LCORES_MAX];
	uint64_t ops[BENCH_LCORES_MAX]; /* 0: not timed (a helper reader). */
};

struct bench {
	const char *name;
	void (*fn)(struct bench_ctx *c, unsigned int idx);
	double ns[BENCH_LCORES_MAX]; /* By lcore count - 1; NAN: not run. */
};

static void
count_error(struct bench_ctx *c)
{
	/* relaxed: a counter, read after the lcores are joined. */
	__atomic_fetch_add(&c->errors, 1, __ATOMIC_RELAXED);
}

/* Wait until every lcore taking part reached *line. */
static void
line_wait(struct bench_ctx *c, uint32_t *line)
{
	/* acq_rel: our setup is released to the others, theirs acquired. */
	__atomic_fetch_add(line, 1, __ATOMIC_ACQ_REL);
	/* acquire: pairs with the other lcores' increments. */
	while (__atomic_load_n(line, __ATOMIC_ACQUIRE) < c->nb)
		rte_pause();
}

static void
timed(struct bench_ctx *c, unsigned int idx, uint64_t start, uint64_t ops)
{
	c->cycles[idx] = rte_rdtsc() - start;
	c->ops[idx] = ops;
}

/*
 * Hazard pointers.
 */

static void
bench_hp_protect(struct bench_ctx *c, unsigned int idx)
{
	struct lfp_hp_record *r = lfp_hp_register(c->domain);
	uint64_t i, start;

	if (r == NULL) {
		count_error(c);
		return;
	}
	line_wait(c, &c->ready);
	start = rte_rdtsc();
	for (i = 0; i < c->iters; i++) {
		if (unlikely(lfp_hp_protect(r, 0, &c->src) != c->src))
			count_error(c);
		lfp_hp_clear(r, 0);
	}
	timed(c, idx, start, c->iters);
	line_wait(c, &c->finished);
	lfp_hp_unregister(r);
}

static void
bnode_reclaim(struct lfp_hp_node *node, void *arg)
{
	struct bnode *n = container_of(node, struct bnode, hp);

	RTE_SET_USED(arg);
	n->freed = 1;
}

static void
bench_hp_retire(struct bench_ctx *c, unsigned int idx)
{
	struct lfp_hp_record *r = lfp_hp_register(c->domain);
	struct bnode *nodes = c->nodes[idx], *n;
	uint64_t i, start;
	unsigned int next = 0;

	if (r == NULL) {
		count_error(c);
		return;
	}
	line_wait(c, &c->ready);
	start = rte_rdtsc();
	for (i = 0; i < c->iters; i++) {
		/* A wrap, not i % BENCH_NODES: no division in the loop. */
		n = &nodes[next];
		next = next + 1 < BENCH_NODES ? next + 1 : 0;
		/* Reclaimed R retires ago at most, as no hazard is set. */
		if (unlikely(!n->freed))
			count_error(c);
		n->freed = 0;
		if (unlikely(lfp_hp_retire(r, &n->hp, n, c->reclaimer_id)))
			count_error(c);
	}
	timed(c, idx, start, c->iters);
	line_wait(c, &c->finished);
	if (lfp_hp_barrier(r) != 0)
		count_error(c);
	lfp_hp_unregister(r);
}

/*
 * QSBR. Each lcore registers its lcore id as a reader thread for the run.
 */

static void
qsbr_join(struct bench_ctx *c)
{
	unsigned int id = rte_lcore_id();

	if (rte_rcu_qsbr_thread_register(c->qsbr, id) != 0)
		count_error(c);
	rte_rcu_qsbr_thread_online(c->qsbr, id);
}

static void
qsbr_leave(struct bench_ctx *c)
{
	unsigned int id = rte_lcore_id();

	rte_rcu_qsbr_thread_offline(c->qsbr, id);
	rte_rcu_qsbr_thread_unregister(c->qsbr, id);
}

static void
bench_qsbr_quiescent(struct bench_ctx *c, unsigned int idx)
{
	unsigned int id = rte_lcore_id();
	uint64_t i, start;

	qsbr_join(c);
	line_wait(c, &c->ready);
	start = rte_rdtsc();
	for (i = 0; i < c->iters; i++)
		rte_rcu_qsbr_quiescent(c->qsbr, id);
	timed(c, idx, start, c->iters);
	qsbr_leave(c);
	line_wait(c, &c->finished);
}

/* The reader side of a blocking bench: quiescent until the writer ends. */
static void
qsbr_reader(struct bench_ctx *c)
{
	unsigned int id = rte_lcore_id();

	/* acquire: pairs with the writer's release; nothing else to order. */
	while (!__atomic_load_n(&c->writer_done, __ATOMIC_ACQUIRE))
		rte_rcu_qsbr_quiescent(c->qsbr, id);
}

static void
writer_finish(struct bench_ctx *c)
{
	/* release: the timed figures are written before readers stop. */
	__atomic_store_n(&c->writer_done, 1, __ATOMIC_RELEASE);
}

/* start + own quiescent + blocking check: one grace period. */
static void
bench_qsbr_check(struct bench_ctx *c, unsigned int idx)
{
	unsigned int id = rte_lcore_id();
	uint64_t i, start, token;

	qsbr_join(c);
	line_wait(c, &c->ready);
	if (idx == 0) {
		start = rte_rdtsc();
		for (i = 0; i < c->sync_iters; i++) {
			token = rte_rcu_qsbr_start(c->qsbr);
			rte_rcu_qsbr_quiescent(c->qsbr, id);
			if (rte_rcu_qsbr_check(c->qsbr, token, true) != 1)
				count_error(c);
		}
		timed(c, idx, start, c->sync_iters);
		writer_finish(c);
	} else {
		qsbr_reader(c);
	}
	qsbr_leave(c);
	line_wait(c, &c->finished);
}

static void
bench_qsbr_synchronize(struct bench_ctx *c, unsigned int idx)
{
	unsigned int id = rte_lcore_id();
	uint64_t i, start;

	qsbr_join(c);
	line_wait(c, &c->ready);
	if (idx == 0) {
		start = rte_rdtsc();
		for (i = 0; i < c->sync_iters; i++)
			rte_rcu_qsbr_synchronize(c->qsbr, id);
		timed(c, idx, start, c->sync_iters);
		writer_finish(c);
	} else {
		qsbr_reader(c);
	}
	qsbr_leave(c);
	line_wait(c, &c->finished);
}

static void
dq_free(void *p, void *e, unsigned int n)
{
	RTE_SET_USED(p);
	RTE_SET_USED(e);
	RTE_SET_USED(n);
}

static struct rte_rcu_qsbr_dq *
dq_create(struct bench_ctx *c, unsigned int idx)
{
	struct rte_rcu_qsbr_dq_parameters params;
	char name[RTE_RCU_QSBR_DQ_NAMESIZE];

	snprintf(name, sizeof(name), "hpbench%u", idx);
	memset(&params, 0, sizeof(params));
	params.name = name;
	params.size = DQ_SIZE;
	params.esize = sizeof(uint64_t);
	params.trigger_reclaim_limit = DQ_TRIGGER;
	params.max_reclaim_size = DQ_SIZE;
	params.free_fn = dq_free;
	params.v = c->qsbr;
	return rte_rcu_qsbr_dq_create(&params);
}

/*
 * A full defer queue: a reader was slow to report (preempted, say). Wait
 * for it as a user would, reclaiming until the element fits; the stall is
 * part of the cost, and counted.
 */
static void
dq_enqueue_wait(struct bench_ctx *c, struct rte_rcu_qsbr_dq *dq, void *e)
{
	unsigned int id = rte_lcore_id();

	while (rte_rcu_qsbr_dq_enqueue(dq, e) != 0) {
		/* relaxed: a counter, read after the lcores are joined. */
		__atomic_fetch_add(&c->dq_stalls, 1, __ATOMIC_RELAXED);
		rte_rcu_qsbr_quiescent(c->qsbr, id);
		rte_rcu_qsbr_dq_reclaim(dq, DQ_SIZE, NULL, NULL, NULL);
	}
}

/* The QSBR analogue of retire: enqueue, then report quiescent. */
static void
bench_qsbr_dq(struct bench_ctx *c, unsigned int idx)
{
	struct rte_rcu_qsbr_dq *dq = dq_create(c, idx);
	unsigned int id = rte_lcore_id();
	uint64_t i, start;

	if (dq == NULL) {
		count_error(c);
		return;
	}
	qsbr_join(c);
	line_wait(c, &c->ready);
	start = rte_rdtsc();
	for (i = 0; i < c->iters; i++) {
		dq_enqueue_wait(c, dq, &i);
		rte_rcu_qsbr_quiescent(c->qsbr, id);
	}
	timed(c, idx, start, c->iters);
	/* Offline first: a reader that stops reporting blocks the others. */
	qsbr_leave(c);
	line_wait(c, &c->finished);
	if (rte_rcu_qsbr_dq_delete(dq) != 0)
		count_error(c);
}

/*
 * Driver.
 */

/*
 * rte_eal_remote_launch() and rte_eal_wait_lcore() order the run's settings
 * and results already, but inside DPDK, where ThreadSanitizer cannot see
 * it; the run number below makes those edges visible to it.
 */
static int
bench_lcore(void *arg)
{
	struct bench_ctx *c = arg;
	unsigned int idx = rte_lcore_id() == rte_get_main_lcore() ? 0 : 1;
	/* acquire: pairs with the release in bench_run(); settings ready. */
	uint32_t run = __atomic_load_n(&c->run, __ATOMIC_ACQUIRE);

	c->fn(c, idx);
	/* release: our figures are written; pairs with bench_run(). */
	__atomic_store_n(&c->run_done[idx], run, __ATOMIC_RELEASE);
	return 0;
}

/* Run one bench on @p nb lcores (main, then the first worker). */
static double
bench_run(struct bench_ctx *c, const struct bench *b, unsigned int nb)
{
	unsigned int worker = rte_get_next_lcore(-1, 1, 0);
	double cycles_per_op = 0;
	unsigned int i, timed_lcores = 0;

	c->nb = nb;
	c->fn = b->fn;
	c->ready = 0;
	c->finished = 0;
	c->writer_done = 0;
	memset(c->cycles, 0, sizeof(c->cycles));
	memset(c->ops, 0, sizeof(c->ops));
	/* release: the settings above; pairs with bench_lcore(). */
	__atomic_store_n(&c->run, c->run + 1, __ATOMIC_RELEASE);
	if (nb > 1 && rte_eal_remote_launch(bench_lcore, c, worker) != 0)
		return NAN;
	bench_lcore(c);
	if (nb > 1) {
		rte_eal_wait_lcore(worker);
		/* acquire: pairs with the release in bench_lcore(). */
		while (__atomic_load_n(&c->run_done[1], __ATOMIC_ACQUIRE) !=
			c->run)
			rte_pause();
	}
	for (i = 0; i < nb; i++) {
		if (c->ops[i] == 0)
			continue;
		cycles_per_op += (double)c->cycles[i] / c->ops[i];
		timed_lcores++;
	}
	if (timed_lcores == 0)
		return NAN;
	return cycles_per_op / timed_lcores * 1e9 / rte_get_tsc_hz();
}

static int
bench_setup(struct bench_ctx *c)
{
	unsigned int i, j;
	size_t sz;

	c->domain = lfp_hp_domain_create("hazptr_bench", 2 * BENCH_LCORES_MAX,
		LFP_HP_SLOTS_MAX, SOCKET_ID_ANY);
	if (c->domain == NULL)
		return -rte_errno;
	c->reclaimer_id = lfp_hp_reclaimer_register(
		c->domain, "bnode", bnode_reclaim, NULL);
	if (c->reclaimer_id < 0)
		return c->reclaimer_id;
	c->src = c; /* Any stable non-NULL address. */
	for (i = 0; i < BENCH_LCORES_MAX; i++) {
		c->nodes[i] = rte_zmalloc(NULL,
			BENCH_NODES * sizeof(struct bnode),
			RTE_CACHE_LINE_SIZE);
		if (c->nodes[i] == NULL)
			return -ENOMEM;
		for (j = 0; j < BENCH_NODES; j++)
			c->nodes[i][j].freed = 1;
	}
	sz = rte_rcu_qsbr_get_memsize(RTE_MAX_LCORE);
	c->qsbr = rte_zmalloc(NULL, sz, RTE_CACHE_LINE_SIZE);
	if (c->qsbr == NULL)
		return -ENOMEM;
	return rte_rcu_qsbr_init(c->qsbr, RTE_MAX_LCORE);
}

static void
bench_teardown(struct bench_ctx *c)
{
	unsigned int i;

	for (i = 0; i < BENCH_LCORES_MAX; i++)
		rte_free(c->nodes[i]);
	rte_free(c->qsbr);
	lfp_hp_domain_free(c->domain);
}

static void
cpu_model(char *buf, size_t len)
{
	char line[256];
	FILE *f = fopen("/proc/cpuinfo", "r");
	char *p;

	snprintf(buf, len, "unknown");
	if (f == NULL)
		return;
	while (fgets(line, sizeof(line), f) != NULL) {
		if (strncmp(line, "model name", 10) != 0)
			continue;
		p = strchr(line, ':');
		if (p != NULL) {
			snprintf(buf, len, "%s", p + 2);
			buf[strcspn(buf, "\n")] = '\0';
		}
		break;
	}
	fclose(f);
}

/* The smaller figure; NAN (not run) loses. */
static double
ns_min(double a, double b)
{
	if (isnan(a))
		return b;
	return isnan(b) || a < b ? a : b;
}

/* A figure, or "-" for a measurement not run. */
static void
print_ns(double ns, int width)
{
	if (!isnan(ns))
		printf("%*.2f", width, ns);
	else
		printf("%*s", width, "-");
}

/* A figure in ns, or null for a measurement not run. */
static json_t *
json_ns(double ns)
{
	return isnan(ns) ? json_null() : json_real(ns);
}

static void
print_table(const struct bench *benches, unsigned int n)
{
	unsigned int i;

	printf("%-28s %16s %16s\n", "measurement (ns/op)", "1 lcore",
		"2 lcores");
	for (i = 0; i < n; i++) {
		printf("%-28s ", benches[i].name);
		print_ns(benches[i].ns[0], 16);
		printf(" ");
		print_ns(benches[i].ns[1], 16);
		printf("\n");
	}
}

static int
write_json(const char *path, const struct bench *benches, unsigned int n,
	const char *cpu, const struct bench_ctx *c)
{
	json_t *results = json_array(), *doc;
	unsigned int i;
	int rc;

	for (i = 0; i < n; i++)
		json_array_append_new(results,
			json_pack("{s:s, s:o, s:o}", "name", benches[i].name,
				"ns_per_op_1lcore", json_ns(benches[i].ns[0]),
				"ns_per_op_2lcores",
				json_ns(benches[i].ns[1])));
	doc = json_pack("{s:s, s:s, s:I, s:b, s:i, s:i, s:I, s:I, s:i, s:I, "
			"s:o}",
		"tool", "hazptr-bench", "cpu", cpu, "tsc_hz",
		(json_int_t)rte_get_tsc_hz(), "hugepages",
		rte_eal_has_hugepages(), "lcores", (int)rte_lcore_count(),
		"repeat", (int)c->repeat, "iterations", (json_int_t)c->iters,
		"sync_iterations", (json_int_t)c->sync_iters, "hazard_slots",
		LFP_HP_SLOTS_MAX, "dq_stalls", (json_int_t)c->dq_stalls,
		"results", results);
	if (doc == NULL)
		return -ENOMEM;
	rc = json_dump_file(doc, path,
		JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(6));
	json_decref(doc);
	return rc == 0 ? 0 : -EIO;
}

static void
usage(const char *prog)
{
	printf("Usage: %s [EAL options] -- [options]\n"
	       "  -i, --iterations N       operations per timed loop "
	       "(default %llu)\n"
	       "  -s, --sync-iterations N  grace periods per blocking QSBR "
	       "loop\n"
	       "                           (default iterations / 100, at "
	       "least 10)\n"
	       "  -r, --repeat N           runs per figure, the fastest is "
	       "kept (default %u)\n"
	       "  -j, --json FILE          also write the results as JSON\n"
	       "  -h, --help               this text\n"
	       "Runs on the main lcore, then on the main lcore and the first "
	       "worker at once\n(give EAL 2 lcores, e.g. -l 0-1, for the "
	       "second column).\n",
		prog, DEFAULT_ITERATIONS, DEFAULT_REPEAT);
}

/* Returns 0, 1 for --help, or -1 on a bad option (message printed). */
static int
parse_args(int argc, char **argv, struct bench_ctx *c, const char **json)
{
	static const struct option opts[] = {
		{"iterations", required_argument, NULL, 'i'},
		{"sync-iterations", required_argument, NULL, 's'},
		{"repeat", required_argument, NULL, 'r'},
		{"json", required_argument, NULL, 'j'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	int opt, rc = 0;

	c->iters = DEFAULT_ITERATIONS;
	c->sync_iters = 0;
	c->repeat = DEFAULT_REPEAT;
	*json = NULL;
	while (rc == 0 &&
		(opt = getopt_long(argc, argv, "i:s:r:j:h", opts, NULL)) !=
			-1) {
		switch (opt) {
		case 'i':
			rc = lfp_opt_u64("--iterations", optarg, 1,
				MAX_ITERATIONS, &c->iters);
			break;
		case 's':
			rc = lfp_opt_u64("--sync-iterations", optarg, 1,
				MAX_ITERATIONS, &c->sync_iters);
			break;
		case 'r':
			rc = lfp_opt_uint(
				"--repeat", optarg, 1, MAX_REPEAT, &c->repeat);
			break;
		case 'j':
			rc = lfp_opt_out_file("--json", optarg);
			*json = optarg;
			break;
		case 'h':
			return 1;
		default:
			return -1;
		}
	}
	if (rc != 0)
		return -1;
	if (optind != argc) {
		fprintf(stderr, "hazptr-bench: unexpected argument '%s'\n",
			argv[optind]);
		return -1;
	}
	if (c->sync_iters == 0)
		c->sync_iters = RTE_MAX(c->iters / 100, 10ULL);
	return 0;
}

int
main(int argc, char **argv)
{
	struct bench benches[] = {
		{"hp_protect_clear", bench_hp_protect, {NAN, NAN}},
		{"hp_retire_amortised", bench_hp_retire, {NAN, NAN}},
		{"qsbr_quiescent", bench_qsbr_quiescent, {NAN, NAN}},
		{"qsbr_start_check_blocking", bench_qsbr_check, {NAN, NAN}},
		{"qsbr_synchronize", bench_qsbr_synchronize, {NAN, NAN}},
		{"qsbr_dq_enqueue_amortised", bench_qsbr_dq, {NAN, NAN}},
	};
	static struct bench_ctx ctx;
	const char *json;
	char cpu[128];
	unsigned int i, nb, max_nb, r;
	int ret;

	lfp_eal_rmdir_at_exit();
	ret = rte_eal_init(argc, argv);
	if (ret < 0)
		rte_exit(EXIT_FAILURE, "cannot init EAL: %s\n",
			rte_strerror(rte_errno));
	argc -= ret;
	argv += ret;
	ret = parse_args(argc, argv, &ctx, &json);
	if (ret != 0) {
		if (ret > 0)
			usage(argv[0]);
		rte_eal_cleanup();
		return ret > 0 ? EXIT_SUCCESS : LFP_OPT_EXIT_USAGE;
	}
	ret = bench_setup(&ctx);
	if (ret < 0)
		rte_exit(
			EXIT_FAILURE, "setup failed: %s\n", rte_strerror(-ret));

	cpu_model(cpu, sizeof(cpu));
	max_nb = RTE_MIN(rte_lcore_count(), (unsigned int)BENCH_LCORES_MAX);
	printf("hazptr-bench: CPU %s, TSC %" PRIu64 " Hz, hugepages %s, "
	       "%u lcore(s), %" PRIu64 " iterations (%" PRIu64
	       " for blocking calls), best of %u, %u hazard slots\n",
		cpu, rte_get_tsc_hz(), rte_eal_has_hugepages() ? "yes" : "no",
		rte_lcore_count(), ctx.iters, ctx.sync_iters, ctx.repeat,
		LFP_HP_SLOTS_MAX);
	/* A full defer queue logs each refused enqueue; dq_stalls counts. */
	rte_log_set_level_pattern("lib.rcu", RTE_LOG_CRIT);
	for (i = 0; i < RTE_DIM(benches); i++)
		for (nb = 1; nb <= max_nb; nb++)
			for (r = 0; r < ctx.repeat; r++)
				benches[i].ns[nb - 1] = ns_min(
					benches[i].ns[nb - 1],
					bench_run(&ctx, &benches[i], nb));
	print_table(benches, RTE_DIM(benches));
	if (max_nb < 2)
		printf("(2-lcore column skipped: give EAL 2 lcores)\n");
	printf("defer queue full (waited for a reader): %" PRIu64 " times\n",
		ctx.dq_stalls);

	ret = EXIT_SUCCESS;
	if (ctx.errors != 0) {
		printf("ERROR: %" PRIu64 " failed operations\n", ctx.errors);
		ret = EXIT_FAILURE;
	}
	if (json != NULL &&
		write_json(json, benches, RTE_DIM(benches), cpu, &ctx) != 0) {
		printf("ERROR: cannot write %s\n", json);
		ret = EXIT_FAILURE;
	}
	bench_teardown(&ctx);
	rte_eal_cleanup();
	return ret;
}
