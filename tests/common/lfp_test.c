/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The lfpool authors
 */

#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <seccomp.h>

#include <rte_common.h>
#include <rte_eal.h>
#include <rte_errno.h>

#include "lfp_test.h"

#define ENV_SECONDARY "LFP_TEST_SECONDARY"
#define ENV_ARG "LFP_TEST_ARG"
#define ENV_PREFIX "LFP_TEST_PREFIX"
#define ENV_NO_HUGE "LFP_TEST_NO_HUGE"
/* 2 MB pages a binary needs free before it boots on hugepages. */
#define HUGE_PAGES_NEEDED 160
#define HUGE_MEM_MB "256"
#define NO_HUGE_MEM_MB "512"
#define MAX_EAL_ARGS 48
#define MAX_SKIPS 64

static char file_prefix[64];
static char runtime_dir[PATH_MAX / 2];
static char self_path[PATH_MAX];
static bool on_hugepages;
static unsigned int primary_lcores;
static const char *skipped[MAX_SKIPS];
static unsigned int nb_skipped;

bool
lfp_test_have_hugepages(void)
{
	return on_hugepages;
}

const char *
lfp_test_file_prefix(void)
{
	return file_prefix;
}

void
lfp_test_skip(const char *test, const char *why)
{
	printf("\n    SKIPPED %s: %s\n", test, why);
	if (nb_skipped < MAX_SKIPS)
		skipped[nb_skipped++] = test;
}

static long
meminfo_value(const char *key)
{
	char line[128];
	long value = -1;
	size_t len = strlen(key);
	FILE *f = fopen("/proc/meminfo", "r");

	if (f == NULL)
		return -1;
	while (fgets(line, sizeof(line), f) != NULL) {
		if (strncmp(line, key, len) == 0 && line[len] == ':') {
			value = strtol(line + len + 1, NULL, 10);
			break;
		}
	}
	fclose(f);
	return value;
}

/* Calls fn(mount point) for each hugetlbfs mount; stops when fn returns 1. */
static int
for_each_hugetlbfs(int (*fn)(const char *dir, void *arg), void *arg)
{
	char dev[256], dir[PATH_MAX], type[64];
	FILE *f = fopen("/proc/mounts", "r");
	int found = 0;

	if (f == NULL)
		return 0;
	while (fscanf(f, "%255s %4095s %63s %*[^\n]", dev, dir, type) == 3) {
		if (strcmp(type, "hugetlbfs") == 0) {
			found = 1;
			if (fn(dir, arg))
				break;
		}
	}
	fclose(f);
	return found;
}

static int
stop_at_first(const char *dir, void *arg)
{
	RTE_SET_USED(dir);
	RTE_SET_USED(arg);
	return 1;
}

static int
unlink_prefixed(const char *dir, void *arg)
{
	const char *prefix = arg;
	size_t len = strlen(prefix);
	char path[PATH_MAX];
	struct dirent *e;
	DIR *d = opendir(dir);

	if (d == NULL)
		return 0;
	while ((e = readdir(d)) != NULL) {
		if (strncmp(e->d_name, prefix, len) != 0 ||
			strncmp(e->d_name + len, "map_", 4) != 0)
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		unlink(path);
	}
	closedir(d);
	return 0;
}

/* Empties and removes a runtime directory (DPDK leaves only files in it). */
static void
remove_dir(const char *dir)
{
	char path[PATH_MAX];
	struct dirent *e;
	DIR *d = opendir(dir);

	if (d != NULL) {
		while ((e = readdir(d)) != NULL) {
			if (strcmp(e->d_name, ".") == 0 ||
				strcmp(e->d_name, "..") == 0)
				continue;
			snprintf(path, sizeof(path), "%.2047s/%.255s", dir,
				e->d_name);
			unlink(path);
		}
		closedir(d);
	}
	rmdir(dir);
}

/* What DPDK leaves behind after a clean exit (DPDK-FACTS §2). */
static void
remove_leftovers(void)
{
	if (runtime_dir[0] != '\0')
		remove_dir(runtime_dir);
	for_each_hugetlbfs(unlink_prefixed, file_prefix);
}

/*
 * A test binary that crashed or was killed leaves its hugepage files, and
 * they hold their pages until removed. Reap those of "lfp_<name>_<pid>"
 * prefixes whose process is gone, so that later runs find pages free.
 */
static int
reap_dead_prefixes(const char *dir, void *arg)
{
	char path[PATH_MAX], prefix[NAME_MAX + 1];
	const char *pid_str, *map;
	struct dirent *e;
	DIR *d = opendir(dir);
	long pid;

	RTE_SET_USED(arg);
	if (d == NULL)
		return 0;
	while ((e = readdir(d)) != NULL) {
		map = strstr(e->d_name, "map_");
		if (strncmp(e->d_name, "lfp_", 4) != 0 || map == NULL)
			continue;
		/* The pid is the number between the last '_' before "map_". */
		snprintf(prefix, sizeof(prefix), "%.*s", (int)(map - e->d_name),
			e->d_name);
		pid_str = strrchr(prefix, '_');
		if (pid_str == NULL)
			continue;
		pid = strtol(pid_str + 1, NULL, 10);
		if (pid <= 0 || kill((pid_t)pid, 0) == 0 || errno != ESRCH)
			continue;
		snprintf(path, sizeof(path), "%.2047s/%.255s", dir, e->d_name);
		unlink(path);
		snprintf(path, sizeof(path), "/var/run/dpdk/%.255s", prefix);
		remove_dir(path);
	}
	closedir(d);
	return 0;
}

static bool
hugepages_usable(void)
{
	if (getenv(ENV_NO_HUGE) != NULL)
		return false;
#if defined(__SANITIZE_THREAD__)
	/* EAL's hugepage init and cleanup take about a minute per process
	 * under TSan here, and TSan cannot observe a secondary anyway.
	 */
	printf("lfp_test: ThreadSanitizer build: --no-huge\n");
	return false;
#endif
	for_each_hugetlbfs(reap_dead_prefixes, NULL);
	if (meminfo_value("HugePages_Free") < HUGE_PAGES_NEEDED)
		return false;
	return for_each_hugetlbfs(stop_at_first, NULL);
}

static unsigned int
allowed_cpus(int *cpus, unsigned int max)
{
	cpu_set_t set;
	unsigned int n = 0;
	int c;

	if (sched_getaffinity(0, sizeof(set), &set) != 0)
		return 0;
	for (c = 0; c < CPU_SETSIZE && n < max; c++)
		if (CPU_ISSET(c, &set))
			cpus[n++] = c;
	return n;
}

/* "--lcores=0@c0,1@c1,2@c0,...": more lcores than CPUs share CPUs. */
static int
lcores_arg(char *buf, size_t len, unsigned int first, unsigned int count)
{
	int cpus[CPU_SETSIZE];
	unsigned int ncpu = allowed_cpus(cpus, CPU_SETSIZE);
	unsigned int i;
	size_t off;

	if (ncpu == 0)
		return -1;
	off = snprintf(buf, len, "--lcores=");
	for (i = 0; i < count && off < len; i++)
		off += snprintf(buf + off, len - off, "%s%u@%d",
			i == 0 ? "" : ",", first + i, cpus[(first + i) % ncpu]);
	return off < len ? 0 : -1;
}

static void
reexec_without_hugepages(char **argv)
{
	fprintf(stderr,
		"lfp_test: EAL failed on hugepages (%s); "
		"re-running with --no-huge\n",
		rte_strerror(rte_errno));
	setenv(ENV_NO_HUGE, "1", 1);
	execv(self_path, argv);
	perror("execv");
}

static int
boot_eal(int argc, char **argv, const struct lfp_test_conf *conf,
	const char *secondary)
{
	static char lcores[512], prefix_arg[96];
	char *eal_argv[MAX_EAL_ARGS];
	int n = 0, i, ret;
	const char *inherited = getenv(ENV_PREFIX);

	if (secondary != NULL && inherited != NULL)
		snprintf(file_prefix, sizeof(file_prefix), "%s", inherited);
	else
		snprintf(file_prefix, sizeof(file_prefix), "lfp_%s_%d",
			conf->name, (int)getpid());
	snprintf(prefix_arg, sizeof(prefix_arg), "--file-prefix=%s",
		file_prefix);

	/* A secondary takes the lcore after the primary's, on CPU 0. */
	if (secondary != NULL)
		ret = lcores_arg(lcores, sizeof(lcores),
			atoi(getenv("LFP_TEST_LCORES") ?: "1"), 1);
	else
		ret = lcores_arg(lcores, sizeof(lcores), 0, conf->lcores);
	if (ret < 0)
		return -1;

	on_hugepages = secondary != NULL ? true : hugepages_usable();
	eal_argv[n++] = argv[0];
	eal_argv[n++] = lcores;
	eal_argv[n++] = prefix_arg;
	eal_argv[n++] = "--no-pci";
	if (secondary != NULL) {
		eal_argv[n++] = "--proc-type=secondary";
	} else if (on_hugepages) {
		eal_argv[n++] = "-m";
		eal_argv[n++] = HUGE_MEM_MB;
	} else {
		eal_argv[n++] = "--no-huge";
		eal_argv[n++] = "-m";
		eal_argv[n++] = NO_HUGE_MEM_MB;
	}
#if defined(__SANITIZE_ADDRESS__)
	/* DPDK's default base address (4 GiB) lies in ASan's shadow, so the
	 * primary would map at an address the secondary's own ASan layout may
	 * hold. A base in ASan's high application range works for both.
	 */
	eal_argv[n++] = "--base-virtaddr=0x200000000000";
#endif
	for (i = 0; conf->extra_eal_args != NULL &&
		conf->extra_eal_args[i] != NULL && n < MAX_EAL_ARGS - 1;
		i++)
		eal_argv[n++] = (char *)(uintptr_t)conf->extra_eal_args[i];
	/* Anything given on the command line goes to EAL too. */
	for (i = 1; i < argc && n < MAX_EAL_ARGS - 1; i++)
		eal_argv[n++] = argv[i];
	eal_argv[n] = NULL;

	if (secondary == NULL && !on_hugepages)
		printf("lfp_test: no free hugepages (need %d x 2 MB and "
		       "hugetlbfs): running with --no-huge; multi-process "
		       "tests will be skipped\n",
			HUGE_PAGES_NEEDED);

	ret = rte_eal_init(n, eal_argv);
	if (ret < 0 && secondary == NULL && on_hugepages)
		reexec_without_hugepages(argv);
	if (ret < 0)
		return -1;
	if (secondary == NULL) {
		snprintf(runtime_dir, sizeof(runtime_dir), "%s",
			rte_eal_get_runtime_dir());
		atexit(remove_leftovers);
	}
	primary_lcores = conf->lcores;
	return 0;
}

static int
run_suites(const struct lfp_test_conf *conf)
{
	unsigned int failures, i;

	if (CU_initialize_registry() != CUE_SUCCESS)
		return 1;
	if (CU_register_suites(conf->suites) != CUE_SUCCESS) {
		fprintf(stderr, "CU_register_suites: %s\n", CU_get_error_msg());
		CU_cleanup_registry();
		return 1;
	}
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	failures = CU_get_number_of_failures() +
		CU_get_number_of_tests_failed();
	if (CU_get_number_of_suites_failed() > 0)
		failures++;
	CU_cleanup_registry();
	if (nb_skipped > 0) {
		printf("\n%u test(s) skipped (passed without running):\n",
			nb_skipped);
		for (i = 0; i < nb_skipped; i++)
			printf("  %s\n", skipped[i]);
	}
	return failures != 0;
}

static int
run_secondary(int argc, char **argv, const struct lfp_test_conf *conf,
	const char *name)
{
	const struct lfp_test_secondary *s;

	for (s = conf->secondaries; s != NULL && s->name != NULL; s++)
		if (strcmp(s->name, name) == 0)
			return s->fn(argc, argv);
	fprintf(stderr, "lfp_test: no secondary entry point '%s'\n", name);
	return 2;
}

int
lfp_test_main(int argc, char **argv, const struct lfp_test_conf *conf)
{
	const char *secondary = getenv(ENV_SECONDARY);
	char *app_argv[3] = {argv[0], getenv(ENV_ARG), NULL};
	int status;

	if (readlink("/proc/self/exe", self_path, sizeof(self_path) - 1) < 0)
		snprintf(self_path, sizeof(self_path), "%s", argv[0]);
	if (boot_eal(argc, argv, conf, secondary) < 0) {
		fprintf(stderr, "lfp_test: cannot init EAL: %s\n",
			rte_strerror(rte_errno));
		return 1;
	}
	if (secondary != NULL)
		status = run_secondary(
			app_argv[1] != NULL ? 2 : 1, app_argv, conf, secondary);
	else
		status = run_suites(conf);
	rte_eal_cleanup();
	return status;
}

int
lfp_test_spawn_secondary(const char *name, const char *arg)
{
	char lcores[16];
	pid_t pid;

	fflush(stdout);
	fflush(stderr);
	pid = fork();
	if (pid != 0)
		return pid;
	snprintf(lcores, sizeof(lcores), "%u", primary_lcores);
	setenv(ENV_SECONDARY, name, 1);
	setenv(ENV_PREFIX, file_prefix, 1);
	setenv("LFP_TEST_LCORES", lcores, 1);
	if (arg != NULL)
		setenv(ENV_ARG, arg, 1);
	else
		unsetenv(ENV_ARG);
	execl(self_path, self_path, (char *)NULL);
	_exit(127);
}

int
lfp_test_wait_secondary(int pid)
{
	int status;

	if (pid < 0)
		return -1;
	if (waitpid(pid, &status, 0) < 0)
		return -1;
	if (!WIFEXITED(status))
		return -1;
	return WEXITSTATUS(status);
}

int
lfp_test_run_secondary(const char *name, const char *arg)
{
	return lfp_test_wait_secondary(lfp_test_spawn_secondary(name, arg));
}

int
lfp_test_refuse_membarrier(void)
{
	scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ALLOW);
	int ret;

	if (ctx == NULL)
		return -ENOMEM;
	ret = seccomp_rule_add(
		ctx, SCMP_ACT_ERRNO(ENOSYS), SCMP_SYS(membarrier), 0);
	if (ret == 0)
		ret = seccomp_load(ctx);
	seccomp_release(ctx);
	return ret;
}
