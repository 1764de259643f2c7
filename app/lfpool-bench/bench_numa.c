/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The lfpool authors
 */

/*
 * Scenario 8 (issue 5): lib/numa's allocation and free cost per size
 * class and policy beside glibc malloc and rte_malloc_socket(), and the
 * local % per policy. tests/numa/numa_bench measures exactly that and
 * prints one JSON document: it runs here as a child process (its own EAL,
 * its own --file-prefix, the same CPUs), and its document becomes the
 * report's "numa" section as is.
 */

#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/wait.h>

#include <rte_eal.h>

#include "bench_main.h"

extern char **environ;

static json_t *
numa_note(const char *why)
{
	fprintf(stderr, "lfpool-bench: numa: %s\n", why);
	return json_pack("{s:s}", "note", why);
}

#ifdef LFP_BENCH_NUMA_BENCH_BUILT

/*
 * numa_bench, found from this program's place: in the build tree, or
 * where meson install put both (libexecdir/lfpool). Returns 0 or -ENOENT.
 */
static int
numa_bench_path(char *path, size_t len)
{
	static const char *const rel[] = {
		LFP_BENCH_NUMA_BENCH_BUILT,
		LFP_BENCH_NUMA_BENCH_INSTALLED,
	};
	unsigned int i;

	for (i = 0; i < RTE_DIM(rel); i++) {
		if (rel[i][0] == '/')
			snprintf(path, len, "%s", rel[i]);
		else if (bench_self_relative(rel[i], path, len) != 0)
			continue;
		if (access(path, X_OK) == 0)
			return 0;
	}
	return -ENOENT;
}

/* Run numa_bench with stdout into out; its exit status or -errno. */
static int
numa_spawn(char **argv, const char *out)
{
	posix_spawn_file_actions_t fa;
	int rc, status;
	pid_t pid;

	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(
		&fa, STDOUT_FILENO, out, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	rc = posix_spawn(&pid, argv[0], &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	if (rc != 0)
		return -rc;
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -errno;
	return WIFEXITED(status) ? WEXITSTATUS(status) : -EINTR;
}

/*
 * numa_bench's EAL leaves its runtime directory (empty: --no-shconf)
 * behind; it sits next to this process's own.
 */
static void
numa_runtime_dir_remove(const char *prefix)
{
	char base[PATH_MAX], dir[PATH_MAX + 64];

	snprintf(base, sizeof(base), "%s", rte_eal_get_runtime_dir());
	snprintf(dir, sizeof(dir), "%s/%s", dirname(base), prefix);
	rmdir(dir);
}

json_t *
bench_numa_run(const struct bench_conf *c, const struct bench_platform *p)
{
	char out[PATH_MAX], lcores[64], prefix[64], exe[PATH_MAX];
	const char *tmp = getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
	/* Quick: a handful of allocations per size and policy. */
	char *argv[] = {exe, "--lcores", lcores, "--no-huge", "-m", "256",
		"--no-shconf", "--file-prefix", prefix, "--no-pci",
		"--no-telemetry", "--log-level", "lib.eal:error", "--",
		c->quick ? "--iters" : NULL, "2", "--batch", "64", "--locality",
		"100", NULL};
	json_t *doc;
	int rc;

	if (numa_bench_path(exe, sizeof(exe)) != 0)
		return numa_note("numa_bench not found (built or installed)");
#ifdef BENCH_TSAN
	/*
	 * Its lcores are launched by EAL, which TSan cannot see synchronise,
	 * and numa_bench does not annotate that (this tool does, bench.h):
	 * every report would be a false positive.
	 */
	RTE_SET_USED(c);
	RTE_SET_USED(argv);
	return numa_note("not run under ThreadSanitizer (numa_bench has "
			 "no annotations for EAL's lcore launch)");
#endif
	snprintf(lcores, sizeof(lcores), "0@%u,1@%u", p->cpus[0],
		p->cpus[p->n_cpus > 1 ? 1 : 0]);
	snprintf(prefix, sizeof(prefix), "lfpool_bench_numa_%d", (int)getpid());
	snprintf(out, sizeof(out), "%s/lfpool-bench-numa-%d.json", tmp,
		(int)getpid());
	fprintf(stderr, "lfpool-bench: numa (%s)\n", argv[0]);
	rc = numa_spawn(argv, out);
	numa_runtime_dir_remove(prefix);
	doc = rc == 0 ? json_load_file(out, 0, NULL) : NULL;
	unlink(out);
	if (rc != 0)
		return numa_note("numa_bench failed");
	if (doc == NULL)
		return numa_note("numa_bench printed no JSON");
	return doc;
}

#else

json_t *
bench_numa_run(const struct bench_conf *c, const struct bench_platform *p)
{
	RTE_SET_USED(c);
	RTE_SET_USED(p);
	return numa_note("numa_bench not built (no lib/numa)");
}

#endif

/* Costs (ns per call) and locality, as numa_bench measured them. */
void
bench_numa_print(FILE *f, json_t *numa)
{
	json_t *e;
	size_t i;

	if (numa == NULL)
		return;
	if (json_object_get(numa, "note") != NULL) {
		fprintf(f, "\nScenario 8: NUMA allocator: %s\n",
			json_string_value(json_object_get(numa, "note")));
		return;
	}
	fprintf(f,
		"\nScenario 8: NUMA allocator (numa_bench, ops %s, %s), "
		"ns per call\n%-18s %-16s %8s %9s %9s %6s\n",
		json_string_value(json_object_get(numa, "ops")),
		json_string_value(json_object_get(numa, "topology")),
		"allocator", "policy", "size", "alloc ns", "free ns", "failed");
	json_array_foreach(json_object_get(numa, "costs"), i, e)
		fprintf(f, "%-18s %-16s %8lld %9.1f %9.1f %6lld\n",
			json_string_value(json_object_get(e, "allocator")),
			json_string_value(json_object_get(e, "policy")),
			json_integer_value(json_object_get(e, "size")),
			json_number_value(json_object_get(e, "alloc_ns")),
			json_number_value(json_object_get(e, "free_ns")),
			json_integer_value(json_object_get(e, "failed")));
	fprintf(f, "%-40s %9s %9s %9s\n", "locality scenario", "allocs",
		"stats %", "kernel %");
	json_array_foreach(json_object_get(numa, "locality"), i, e) fprintf(f,
		"%-40s %9lld %9.2f %9.2f\n",
		json_string_value(json_object_get(e, "scenario")),
		json_integer_value(json_object_get(e, "allocs")),
		json_number_value(json_object_get(e, "stats_local_pct")),
		json_number_value(json_object_get(e, "kernel_local_pct")));
}
