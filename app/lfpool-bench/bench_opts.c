/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The lfpool authors
 */

/* Options of both programs (after EAL's "--" for lfpool-bench). */

#define _GNU_SOURCE

#include <errno.h>
#include <getopt.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>

#include <rte_mempool.h>

#include "bench.h"
#include "lfp_opt.h"

/* Upper bounds of the options that have no natural one. */
#define DURATION_MS_MAX 3600000 /* an hour per measurement */
#define POOL_SIZE_MIN 64
#define POOL_SIZE_MAX (1u << 24)
#define SIZE_MAX_BYTES (1u << 20)
#define STOPS_MAX 1000
#define TSC_HZ_MIN 1e6
#define TSC_HZ_MAX 1e11

static const char *const scen_names[] = {
	"same",
	"pipeline",
	"oversub",
	"stop",
	"latency",
	"memory",
	"tradepool",
	"numa",
	"steal",
};

/*
 * Defaults of a full run: every allocator (~5 minutes on 2 CPUs before
 * ring_mt_rts and ring_mt_hts were added, each of which adds its share).
 */
static const char *const full_allocs[] = {
	"lfpool",
	"ring_mp_mc",
	"ring_sp_sc",
	"ring_mt_rts",
	"ring_mt_hts",
	"stack",
	"lf_stack",
	"bucket",
	"glibc",
	"jemalloc",
	"tcmalloc",
	"mimalloc",
};
static const char *const quick_allocs[] = {"lfpool", "ring_mp_mc", "glibc"};
static const char *const mempool_allocs[] = {
	"lfpool",
	"ring_mp_mc",
	"ring_sp_sc",
	"ring_mt_rts",
	"ring_mt_hts",
	"stack",
	"lf_stack",
	"bucket",
};
static const char *const malloc_allocs[] = {
	"glibc",
	"jemalloc",
	"tcmalloc",
	"mimalloc",
};

enum {
	OPT_QUICK = 256,
	OPT_JSON,
	OPT_PLOT,
	OPT_SCEN,
	OPT_ALLOCS,
	OPT_RUNS,
	OPT_DURATION,
	OPT_SIZES,
	OPT_BULKS,
	OPT_CACHES,
	OPT_WINDOW,
	OPT_POOL,
	OPT_THREADS,
	OPT_STOPS,
	OPT_FAMILY,
	OPT_TSC,
	OPT_CPUS,
	OPT_CPU_TIME,
	OPT_FROM_JSON,
	OPT_SELF_TEST_SYSCALL,
};

static const struct option long_opts[] = {
	{"help", no_argument, NULL, 'h'},
	{"verbose", no_argument, NULL, 'v'},
	{"quick", no_argument, NULL, OPT_QUICK},
	{"json", required_argument, NULL, OPT_JSON},
	{"plot", required_argument, NULL, OPT_PLOT},
	{"scenarios", required_argument, NULL, OPT_SCEN},
	{"allocators", required_argument, NULL, OPT_ALLOCS},
	{"runs", required_argument, NULL, OPT_RUNS},
	{"duration-ms", required_argument, NULL, OPT_DURATION},
	{"sizes", required_argument, NULL, OPT_SIZES},
	{"bulks", required_argument, NULL, OPT_BULKS},
	{"caches", required_argument, NULL, OPT_CACHES},
	{"window", required_argument, NULL, OPT_WINDOW},
	{"pool-size", required_argument, NULL, OPT_POOL},
	{"threads", required_argument, NULL, OPT_THREADS},
	{"stops", required_argument, NULL, OPT_STOPS},
	{"cpu-time", no_argument, NULL, OPT_CPU_TIME},
	{"from-json", required_argument, NULL, OPT_FROM_JSON},
	{"self-test-syscall", no_argument, NULL, OPT_SELF_TEST_SYSCALL},
	{"family", required_argument, NULL, OPT_FAMILY},
	{"tsc-hz", required_argument, NULL, OPT_TSC},
	{"cpus", required_argument, NULL, OPT_CPUS},
	{NULL, 0, NULL, 0},
};

void
bench_opts_usage(const char *prog, bool malloc_child)
{
	printf("Usage: %s%s [options]\n", prog,
		malloc_child ? "" : " [EAL options] --");
	printf("  --quick            small subset in seconds (1 run, 10 ms, 64 B, bulk 1\n"
	       "                     and 32; lfpool, ring_mp_mc and glibc unless\n"
	       "                     --allocators is given)\n"
	       "  --json FILE        write every result, the machine and the targets\n"
	       "  --plot DIR         write PNG plots (gnuplot) and their data into DIR\n"
	       "  --scenarios LIST   same,pipeline,oversub,stop,latency,memory,\n"
	       "                     tradepool,numa,steal or 1-9\n"
	       "                     (default: all)\n"
	       "  --allocators LIST  lfpool,ring_mp_mc,ring_sp_sc,ring_mt_rts,ring_mt_hts,\n"
	       "                     stack,lf_stack,bucket,glibc,jemalloc,tcmalloc,\n"
	       "                     mimalloc; or mempool, malloc, all (default: all)\n"
	       "  --runs N           runs per figure; the median is shown with min-max (3)\n"
	       "  --duration-ms MS   length of one measurement (50)\n"
	       "  --sizes LIST       object sizes in bytes (64,256,4096)\n"
	       "  --bulks LIST       objects per get/put call (1,8,32)\n"
	       "  --caches LIST      rte_mempool cache sizes (0,256)\n"
	       "  --window N         objects held between gets and puts (128)\n"
	       "  --pool-size N      objects per mempool (8191)\n"
	       "  --threads N        scenario 3 threads (default 2 x CPUs)\n"
	       "  --stops N          scenario 4 parks per run (3)\n"
	       "  --cpu-time         show rates per second of CPU time the measured\n"
	       "                     threads got, not of wall-clock time (both are in\n"
	       "                     the JSON): steadier on a machine shared with others\n"
	       "  --from-json FILE   no run: print, evaluate and plot the report FILE\n"
	       "                     (with its sizes, bulks and caches)\n"
	       "  --self-test-syscall  make one system call in G5's steady-state\n"
	       "                     window, which must then count 1 (a test of\n"
	       "                     the counter: G5 is then missed)\n"
	       "  -v, --verbose      print each measurement as it starts\n"
	       "  -h, --help         this text\n");
	if (malloc_child)
		printf("  --family NAME      name of the preloaded malloc (checked: jemalloc\n"
		       "                     exports mallctl, tcmalloc tc_malloc, mimalloc\n"
		       "                     mi_malloc)\n"
		       "  --tsc-hz HZ        TSC frequency (default: calibrated for 100 ms)\n"
		       "  --cpus LIST        CPUs of the threads (default: this process's)\n");
}

/* Scenario names, or their numbers 1-8; "all". */
static int
parse_scenarios(const char *opt, const char *s, unsigned int *mask)
{
	char buf[128], *tok, *save = NULL;
	unsigned int i;

	snprintf(buf, sizeof(buf), "%s", s);
	*mask = 0;
	for (tok = strtok_r(buf, ",", &save); tok != NULL;
		tok = strtok_r(NULL, ",", &save)) {
		if (strcmp(tok, "all") == 0) {
			*mask = BENCH_S_ALL;
			continue;
		}
		for (i = 0; i < RTE_DIM(scen_names); i++)
			if (strcmp(tok, scen_names[i]) == 0 ||
				(tok[0] == '1' + (int)i && tok[1] == '\0'))
				break;
		if (i == RTE_DIM(scen_names))
			return lfp_opt_unknown(
				opt, tok, scen_names, RTE_DIM(scen_names));
		*mask |= 1u << i;
	}
	return *mask != 0 ?
		0 :
		lfp_opt_unknown(opt, s, scen_names, RTE_DIM(scen_names));
}

static void
add_allocs(struct bench_conf *c, const char *const *names, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n && c->n_allocs < BENCH_MAX_ALLOCS; i++)
		if (!bench_conf_wants(c, names[i]))
			snprintf(c->allocs[c->n_allocs++], BENCH_NAME_LEN, "%s",
				names[i]);
}

static bool
known_alloc(const char *name)
{
	unsigned int i;

	for (i = 0; i < RTE_DIM(full_allocs); i++)
		if (strcmp(name, full_allocs[i]) == 0)
			return true;
	return false;
}

/* Allocator names, and the groups all, mempool and malloc. */
static int
parse_allocs(struct bench_conf *c, const char *opt, const char *s)
{
	static const char *const groups[] = {"all", "mempool", "malloc"};
	const char *known[RTE_DIM(full_allocs) + RTE_DIM(groups)];
	char buf[512], *tok, *save = NULL;
	unsigned int i;

	snprintf(buf, sizeof(buf), "%s", s);
	c->n_allocs = 0;
	for (tok = strtok_r(buf, ",", &save); tok != NULL;
		tok = strtok_r(NULL, ",", &save)) {
		if (strcmp(tok, "all") == 0)
			add_allocs(c, full_allocs, RTE_DIM(full_allocs));
		else if (strcmp(tok, "mempool") == 0)
			add_allocs(c, mempool_allocs, RTE_DIM(mempool_allocs));
		else if (strcmp(tok, "malloc") == 0)
			add_allocs(c, malloc_allocs, RTE_DIM(malloc_allocs));
		else if (known_alloc(tok))
			add_allocs(c, (const char *const *)&tok, 1);
		else
			break;
	}
	if (tok == NULL && c->n_allocs > 0)
		return 0;
	for (i = 0; i < RTE_DIM(full_allocs); i++)
		known[i] = full_allocs[i];
	for (i = 0; i < RTE_DIM(groups); i++)
		known[RTE_DIM(full_allocs) + i] = groups[i];
	return lfp_opt_unknown(
		opt, tok != NULL ? tok : s, known, RTE_DIM(known));
}

bool
bench_conf_wants(const struct bench_conf *c, const char *alloc)
{
	unsigned int i;

	for (i = 0; i < c->n_allocs; i++)
		if (strcmp(c->allocs[i], alloc) == 0)
			return true;
	return false;
}

/* Fill in what the command line left out, from the full or quick set. */
static void
apply_defaults(struct bench_conf *c)
{
	static const unsigned int sizes[] = {64, 256, 4096};
	static const unsigned int bulks[] = {1, 8, 32};
	static const unsigned int qbulks[] = {1, 32};
	static const unsigned int caches[] = {0, 256};

	if (c->scenarios == 0)
		c->scenarios = BENCH_S_ALL;
	if (c->n_allocs == 0 && c->quick)
		add_allocs(c, quick_allocs, RTE_DIM(quick_allocs));
	else if (c->n_allocs == 0)
		add_allocs(c, full_allocs, RTE_DIM(full_allocs));
	if (c->n_sizes == 0) {
		c->n_sizes = c->quick ? 1 : RTE_DIM(sizes);
		memcpy(c->sizes, sizes, c->n_sizes * sizeof(sizes[0]));
	}
	if (c->n_bulks == 0) {
		c->n_bulks = c->quick ? RTE_DIM(qbulks) : RTE_DIM(bulks);
		memcpy(c->bulks, c->quick ? qbulks : bulks,
			c->n_bulks * sizeof(bulks[0]));
	}
	if (c->n_caches == 0) {
		c->n_caches = RTE_DIM(caches);
		memcpy(c->caches, caches, sizeof(caches));
	}
	if (c->runs == 0)
		c->runs = c->quick ? 1 : 3;
	if (c->duration_ms == 0)
		c->duration_ms = c->quick ? 10 : 50;
	if (c->window == 0)
		c->window = 128;
	if (c->pool_size == 0)
		c->pool_size = c->quick ? 4095 : 8191;
	if (c->stops == 0)
		c->stops = c->quick ? 1 : 3;
}

static int
parse_one(struct bench_conf *c, int opt, const char *name, const char *arg)
{
	switch (opt) {
	case 'v':
		c->verbose = true;
		return 0;
	case OPT_QUICK:
		c->quick = true;
		return 0;
	case OPT_CPU_TIME:
		c->cpu_time = true;
		return 0;
	case OPT_SELF_TEST_SYSCALL:
		c->self_test_syscall = true;
		return 0;
	case OPT_FROM_JSON:
		c->from_json = arg;
		return 0;
	case OPT_JSON:
		c->json_path = arg;
		return 0;
	case OPT_PLOT:
		c->plot_dir = arg;
		return 0;
	case OPT_FAMILY:
		c->family = arg;
		return 0;
	case OPT_SCEN:
		return parse_scenarios(name, arg, &c->scenarios);
	case OPT_ALLOCS:
		return parse_allocs(c, name, arg);
	case OPT_RUNS:
		return lfp_opt_uint(name, arg, 1, BENCH_MAX_RUNS, &c->runs);
	case OPT_DURATION:
		return lfp_opt_uint(
			name, arg, 1, DURATION_MS_MAX, &c->duration_ms);
	case OPT_WINDOW:
		return lfp_opt_uint(name, arg, 1, BENCH_WINDOW_MAX, &c->window);
	case OPT_POOL:
		return lfp_opt_uint(
			name, arg, POOL_SIZE_MIN, POOL_SIZE_MAX, &c->pool_size);
	case OPT_THREADS:
		return lfp_opt_uint(
			name, arg, 1, BENCH_MAX_THREADS, &c->oversub_threads);
	case OPT_STOPS:
		return lfp_opt_uint(name, arg, 1, STOPS_MAX, &c->stops);
	case OPT_TSC:
		return lfp_opt_double(
			name, arg, TSC_HZ_MIN, TSC_HZ_MAX, &c->tsc_hz);
	case OPT_SIZES:
		return lfp_opt_uint_list(name, arg, sizeof(struct bench_obj),
			SIZE_MAX_BYTES, c->sizes, BENCH_MAX_LIST, &c->n_sizes);
	case OPT_BULKS:
		return lfp_opt_uint_list(name, arg, 1, BENCH_BULK_MAX, c->bulks,
			BENCH_MAX_LIST, &c->n_bulks);
	case OPT_CACHES:
		return lfp_opt_uint_list(name, arg, 0,
			RTE_MEMPOOL_CACHE_MAX_SIZE, c->caches, BENCH_MAX_LIST,
			&c->n_caches);
	case OPT_CPUS:
		return lfp_opt_uint_list(name, arg, 0, CPU_SETSIZE - 1, c->cpus,
			BENCH_MAX_THREADS, &c->n_cpus);
	default:
		return -EINVAL;
	}
}

/* The output paths, checked before a run that could take minutes. */
static int
check_outputs(const struct bench_conf *c)
{
	if (c->json_path != NULL && lfp_opt_out_file("--json", c->json_path))
		return -EINVAL;
	if (c->plot_dir != NULL && lfp_opt_out_dir("--plot", c->plot_dir))
		return -EINVAL;
	return 0;
}

/*
 * Returns 0, 1 when --help was given (usage printed), or -EINVAL (a
 * message naming the option printed; exit with LFP_OPT_EXIT_USAGE).
 */
int
bench_opts_parse(struct bench_conf *c, int argc, char **argv, bool malloc_child)
{
	const char *prog = argv[0];
	char name[32];
	int opt, idx = 0;

	memset(c, 0, sizeof(*c));
	optind = 1;
	while ((opt = getopt_long(argc, argv, "hv", long_opts, &idx)) != -1) {
		if (opt == 'h') {
			bench_opts_usage(prog, malloc_child);
			return 1;
		}
		if (opt == '?') {
			bench_opts_usage(prog, malloc_child);
			return -EINVAL;
		}
		snprintf(name, sizeof(name), "--%s",
			opt == 'v' ? "verbose" : long_opts[idx].name);
		if (parse_one(c, opt, name, optarg) != 0)
			return -EINVAL;
	}
	if (optind < argc) {
		fprintf(stderr, "%s: unexpected argument '%s'\n", prog,
			argv[optind]);
		return -EINVAL;
	}
	apply_defaults(c);
	return check_outputs(c);
}

/* Append "name" and a formatted list to a child's argv. */
struct argv_buf {
	char **argv;
	unsigned int n, max;
	char *buf;
	size_t used, len;
};

static int
argv_push(struct argv_buf *a, const char *s)
{
	size_t l = strlen(s) + 1;

	if (a->n + 1 >= a->max || a->used + l > a->len)
		return -ENOSPC;
	memcpy(a->buf + a->used, s, l);
	a->argv[a->n++] = a->buf + a->used;
	a->argv[a->n] = NULL;
	a->used += l;
	return 0;
}

static int
argv_push_list(struct argv_buf *a, const char *opt, const unsigned int *v,
	unsigned int n)
{
	char s[256];
	size_t off = 0;
	unsigned int i;

	for (i = 0; i < n && off < sizeof(s); i++)
		off += snprintf(
			s + off, sizeof(s) - off, "%s%u", i ? "," : "", v[i]);
	return argv_push(a, opt) || argv_push(a, s) ? -ENOSPC : 0;
}

/* The malloc program's arguments: the same configuration, explicit. */
int
bench_opts_child_args(const struct bench_conf *c, const char *family,
	const char *json, const struct bench_platform *p, char **argv,
	unsigned int max, char *buf, size_t buflen)
{
	struct argv_buf a = {argv, 1, max, buf, 0, buflen};
	unsigned int one[4], scen[RTE_DIM(scen_names)], ns = 0, i;
	char hz[32];
	int rc;

	for (i = 0; i < RTE_DIM(scen_names); i++)
		if (c->scenarios & (1u << i))
			scen[ns++] = i + 1;
	snprintf(hz, sizeof(hz), "%.0f", p->tsc_hz);
	rc = argv_push(&a, "--family") || argv_push(&a, family) ||
		argv_push(&a, "--json") || argv_push(&a, json) ||
		argv_push(&a, "--tsc-hz") || argv_push(&a, hz) ||
		argv_push_list(&a, "--scenarios", scen, ns) ||
		argv_push_list(&a, "--sizes", c->sizes, c->n_sizes) ||
		argv_push_list(&a, "--bulks", c->bulks, c->n_bulks) ||
		argv_push_list(&a, "--cpus", p->cpus, p->n_cpus);
	one[0] = c->runs;
	one[1] = c->duration_ms;
	one[2] = c->window;
	one[3] = c->stops;
	rc = rc || argv_push_list(&a, "--runs", &one[0], 1) ||
		argv_push_list(&a, "--duration-ms", &one[1], 1) ||
		argv_push_list(&a, "--window", &one[2], 1) ||
		argv_push_list(&a, "--stops", &one[3], 1) ||
		argv_push_list(&a, "--pool-size", &c->pool_size, 1);
	if (c->oversub_threads != 0)
		rc = rc ||
			argv_push_list(&a, "--threads", &c->oversub_threads, 1);
	if (c->verbose)
		rc = rc || argv_push(&a, "--verbose");
	return rc ? -ENOSPC : (int)a.n;
}
