/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The lfpool authors
 */

/*
 * lfpool-bench: lfpool beside DPDK's mempool drivers and the common
 * mallocs, in one run, on the same workloads; the issue-4 targets are
 * computed as ratios of figures taken in that run.
 *
 *   lfpool-bench [EAL options] -- [--quick] [--json F] [--plot DIR] ...
 */

#define _GNU_SOURCE
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <spawn.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/wait.h>

#include <jansson.h>

#include <rte_cycles.h>
#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_launch.h>
#include <rte_lcore.h>

#include "bench.h"
#include "bench_main.h"
#include "lfp_malloc_family.h"
#include "lfp_opt.h"

#define MAX_TARGETS (BENCH_MAX_ALLOCS * BENCH_MAX_LIST)

static struct bench_platform plat;
/* Scenario 8's document (the report holds its own reference). */
static json_t *numa_doc, *steal_doc;

/* What a worker lcore runs, and the handshake TSan is told about. */
static struct {
	int (*fn)(void *);
	void *arg;
} lcore_job[RTE_MAX_LCORE];
static int tsan_launch, tsan_done;

static int
eal_entry(void *arg)
{
	unsigned int i = (unsigned int)(uintptr_t)arg;

	BENCH_TSAN_ACQUIRE(&tsan_launch);
	lcore_job[i].fn(lcore_job[i].arg);
	BENCH_TSAN_RELEASE(&tsan_done);
	return 0;
}

/* Lcore i of a measurement is the i-th enabled lcore, main first. */
static int
eal_run_lcores(unsigned int n, int (*const fns[])(void *), void *const args[])
{
	unsigned int lcore, i = 1;

	/* All or none: a worker launched alone would wait at the barrier. */
	if (n > rte_lcore_count())
		return -ENODEV;
	BENCH_TSAN_RELEASE(&tsan_launch);
	RTE_LCORE_FOREACH_WORKER(lcore)
	{
		if (i == n)
			break;
		lcore_job[i].fn = fns[i];
		lcore_job[i].arg = args[i];
		/* Cannot fail: every worker is idle between measurements. */
		rte_eal_remote_launch(eal_entry, (void *)(uintptr_t)i, lcore);
		i++;
	}
	fns[0](args[0]);
	rte_eal_mp_wait_lcore();
	BENCH_TSAN_ACQUIRE(&tsan_done);
	return 0;
}

static int
eal_thread_register(void)
{
	return rte_thread_register();
}

static void
eal_thread_unregister(void)
{
	rte_thread_unregister();
}

/* The CPUs under the enabled lcores, each once (pthreads are pinned there). */
static void
platform_init(void)
{
	unsigned int lcore, cpu, i;
	rte_cpuset_t set;

	plat.tsc_hz = (double)rte_get_tsc_hz();
	plat.n_lcores = rte_lcore_count();
	plat.run_lcores = eal_run_lcores;
	plat.thread_register = eal_thread_register;
	plat.thread_unregister = eal_thread_unregister;
	RTE_LCORE_FOREACH(lcore)
	{
		set = rte_lcore_cpuset(lcore);
		for (cpu = 0; cpu < CPU_SETSIZE; cpu++) {
			if (!CPU_ISSET(cpu, &set))
				continue;
			for (i = 0; i < plat.n_cpus; i++)
				if (plat.cpus[i] == cpu)
					break;
			if (i == plat.n_cpus && i < BENCH_MAX_THREADS)
				plat.cpus[plat.n_cpus++] = cpu;
		}
	}
	plat.timer_overhead = bench_timer_overhead();
	plat.tsc_resolution = bench_tsc_resolution();
}

/*
 * How far the run is, in allocator-runs: one allocator (with each of its
 * caches for a mempool), one object size, one run. Each takes about the
 * same time, so the time left is the time so far scaled by what remains.
 */
static struct {
	uint64_t start;	    /* TSC at the first step */
	unsigned int done;  /* allocator-runs measured */
	unsigned int total; /* allocator-runs of the whole run */
} progress;

static void
progress_init(const struct bench_conf *c)
{
	unsigned int a, per_run = 0;

	for (a = 0; a < c->n_allocs; a++)
		per_run += bench_mempool_is_ops(c->allocs[a]) ? c->n_caches : 1;
	progress.total = per_run * c->n_sizes * c->runs;
	progress.start = rte_rdtsc();
}

/* "(35 % done, about 1 min 20 s left)", or "(starting)". */
static const char *
progress_text(char *buf, size_t len)
{
	double elapsed = (double)(rte_rdtsc() - progress.start) / plat.tsc_hz;
	double left;

	if (progress.done == 0 || progress.total == 0) {
		snprintf(buf, len, "(starting)");
		return buf;
	}
	left = elapsed * (progress.total - progress.done) / progress.done;
	snprintf(buf, len, "(%u %% done, about %u min %02u s left)",
		100 * progress.done / progress.total, (unsigned int)left / 60,
		(unsigned int)left % 60);
	return buf;
}

static void
progress_step(unsigned int allocator_runs)
{
	progress.done += allocator_runs;
}

static void
run_mempools(const struct bench_conf *c)
{
	static struct bench_target t[MAX_TARGETS];
	unsigned int s, r, n;
	char eta[64];

	for (s = 0; s < c->n_sizes && !bench_interrupted(); s++) {
		n = bench_mempool_targets(c, c->sizes[s], t, MAX_TARGETS);
		for (r = 0; r < c->runs && n > 0 && !bench_interrupted(); r++) {
			fprintf(stderr,
				"lfpool-bench: %u B objects, run %u/%u %s\n",
				c->sizes[s], r + 1, c->runs,
				progress_text(eta, sizeof(eta)));
			bench_run_size(c, &plat, t, n, r);
			progress_step(n);
		}
		bench_mempool_targets_free(t, n);
	}
}

static int
spawn_wait(const char *path, char **argv, char **env)
{
	pid_t pid;
	int rc, status;

	rc = posix_spawn(&pid, path, NULL, NULL, argv, env);
	if (rc != 0)
		return -rc;
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -errno;
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	return -EINTR;
}

static void
note_family(const char *family, const char *fmt, const char *what)
{
	struct bench_target t = {.family = "malloc", .cache = -1};
	struct bench_key k;

	snprintf(t.name, sizeof(t.name), "%s", family);
	bench_key_init(&k, "memory", &t, 0, 0, "");
	bench_rec_note(&k, fmt, what);
	fprintf(stderr, "lfpool-bench: %s: ", family);
	fprintf(stderr, fmt, what);
	fputc('\n', stderr);
}

/*
 * Run lfpool-bench-malloc for one family (glibc: no preload) and merge its
 * results; a family not installed, or whose preload did not take, gets a
 * note saying so instead.
 */
static void
run_family(const struct bench_conf *c, const char *exe, const char *family)
{
	const struct lfp_malloc_family *f = lfp_malloc_family_find(family);
	char json[PATH_MAX], buf[4096], preload[256], eta[64];
	char *argv[64], *env[512];
	const char *lib = f != NULL ? lfp_malloc_family_library(f) : NULL;
	int rc, n;

	if (f != NULL && lib == NULL) {
		note_family(family, "not installed (apt-get install %s)",
			f->packages);
		progress_step(c->n_sizes * c->runs);
		return;
	}
	snprintf(json, sizeof(json), "%s/lfpool-bench-%s-%d.json",
		getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp", family,
		(int)getpid());
	argv[0] = (char *)(uintptr_t)exe;
	n = bench_opts_child_args(
		c, family, json, &plat, argv, RTE_DIM(argv), buf, sizeof(buf));
	if (n < 0 ||
		lfp_malloc_preload_env(
			env, RTE_DIM(env), lib, preload, sizeof(preload)) < 0) {
		note_family(family, "%s", "too many options for the child");
		return;
	}
	fprintf(stderr, "lfpool-bench: %s (%s%s) %s\n", family,
		lib ? "LD_PRELOAD=" : "", lib ? lib : "no preload",
		progress_text(eta, sizeof(eta)));
	rc = spawn_wait(exe, argv, env);
	if (rc == LFP_MALLOC_EXIT_NOT_LOADED)
		note_family(
			family, "not loaded (LD_PRELOAD=%s did not take)", lib);
	else if (rc != 0)
		note_family(family, "%s", "lfpool-bench-malloc failed");
	else if (bench_report_load_json(json) != 0)
		note_family(family, "%s", "unreadable report");
	unlink(json);
	progress_step(c->n_sizes * c->runs);
}

static void
run_mallocs(const struct bench_conf *c)
{
	char exe[PATH_MAX];
	unsigned int a;

	if (bench_self_relative("lfpool-bench-malloc", exe, sizeof(exe)) != 0)
		return;
	for (a = 0; a < c->n_allocs && !bench_interrupted(); a++)
		if (!bench_mempool_is_ops(c->allocs[a]))
			run_family(c, exe, c->allocs[a]);
}

/* Print, evaluate, plot and save; takes the reference to machine. */
static int
finish(const struct bench_conf *c, json_t *machine)
{
	json_t *targets;
	int rc = 0;

	if (bench_interrupted())
		printf("INCOMPLETE: interrupted by %s; what was measured "
		       "follows%s\n",
			strsignal(bench_interrupted()),
			c->json_path != NULL ? " and is saved" : "");
	bench_machine_print(stdout, machine);
	bench_report_print(stdout, c);
	bench_numa_print(stdout, numa_doc);
	bench_steal_print(stdout, steal_doc);
	targets = bench_targets_eval(stdout, c);
	if (c->plot_dir != NULL && bench_plot(c, c->plot_dir, machine) != 0)
		rc = -EIO;
	if (c->json_path != NULL) {
		if (bench_report_write_json(
			    c->json_path, machine, c, targets) != 0) {
			fprintf(stderr, "lfpool-bench: cannot write %s\n",
				c->json_path);
			rc = -EIO;
		}
	} else {
		json_decref(machine);
		json_decref(targets);
	}
	return rc;
}

/*
 * EAL leaves its runtime directory behind. Remove it at exit when it is
 * empty: registered before rte_eal_init(), this runs after the telemetry
 * library's own exit handler has removed its socket from it.
 */
static char runtime_dir[PATH_MAX];

static void
runtime_dir_remove(void)
{
	if (runtime_dir[0] != '\0')
		rmdir(runtime_dir);
}

int
main(int argc, char **argv)
{
	struct bench_load load;
	struct bench_conf c;
	json_t *machine;
	int ret;

	bench_load_begin(&load);
	atexit(runtime_dir_remove);
	ret = rte_eal_init(argc, argv);
	if (ret < 0)
		rte_exit(EXIT_FAILURE, "EAL init failed: %s\n",
			rte_strerror(rte_errno));
	snprintf(runtime_dir, sizeof(runtime_dir), "%s",
		rte_eal_get_runtime_dir());
	argc -= ret;
	argv += ret;
	ret = bench_opts_parse(&c, argc, argv, false);
	if (ret != 0) {
		rte_eal_cleanup();
		return ret > 0 ? EXIT_SUCCESS : LFP_OPT_EXIT_USAGE;
	}
	if (c.from_json != NULL) {
		machine = bench_report_reload(c.from_json, &c);
	} else {
		platform_init();
		if (bench_catch_interrupt() != 0)
			fprintf(stderr, "lfpool-bench: SIGINT not caught\n");
		progress_init(&c);
		run_mempools(&c);
		if ((c.scenarios & BENCH_S_TRADEPOOL) && !bench_interrupted())
			bench_tradepool_run(&c, &plat);
		if ((c.scenarios & BENCH_S_STEAL) && !bench_interrupted()) {
			steal_doc = bench_steal_run(&c, &plat);
			json_incref(steal_doc);
			bench_report_add_section("steal", steal_doc);
		}
		run_mallocs(&c);
		if ((c.scenarios & BENCH_S_NUMA) && !bench_interrupted()) {
			numa_doc = bench_numa_run(&c, &plat);
			json_incref(numa_doc);
			bench_report_add_section("numa", numa_doc);
		}
		bench_load_end(&load);
		machine = bench_machine_json(&plat, &load);
	}
	ret = machine != NULL ? finish(&c, machine) : -EINVAL;
	bench_rec_free_all();
	json_decref(numa_doc);
	json_decref(steal_doc);
	rte_eal_cleanup();
	/* As a shell reports a command a signal ended: 128 + its number. */
	if (ret == 0 && bench_interrupted())
		return 128 + bench_interrupted();
	return ret == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
