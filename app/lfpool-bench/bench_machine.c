/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The lfpool authors
 */

/*
 * The machine the figures were taken on, and how busy it was: a result
 * says which CPU, how many cores, which DPDK, hugepages or not, when, and
 * whether other processes were competing for the CPUs meanwhile.
 */

#define _GNU_SOURCE
#include <dirent.h>
#include <string.h>
#include <unistd.h>
#include <sys/resource.h>
#include <sys/utsname.h>

#include <rte_eal.h>
#include <rte_version.h>

#include "bench_main.h"

/* Others used more than this share of the CPUs: figures are preliminary. */
#define BUSY_SHARE 0.05
#define BUSY_LOADAVG 0.5

#ifndef LFP_BENCH_BUILDTYPE
#define LFP_BENCH_BUILDTYPE "unknown"
#endif

static double
loadavg(void)
{
	double l = -1;
	FILE *f = fopen("/proc/loadavg", "r");

	if (f == NULL)
		return -1;
	if (fscanf(f, "%lf", &l) != 1)
		l = -1;
	fclose(f);
	return l;
}

/* CPU seconds all CPUs spent busy (idle and iowait excluded). */
static double
busy_seconds(void)
{
	unsigned long long v[8] = {0};
	double busy = -1;
	FILE *f = fopen("/proc/stat", "r");

	if (f == NULL)
		return -1;
	/* user nice system idle iowait irq softirq steal */
	if (fscanf(f, "cpu %llu %llu %llu %llu %llu %llu %llu %llu", &v[0],
		    &v[1], &v[2], &v[3], &v[4], &v[5], &v[6], &v[7]) == 8)
		busy = (double)(v[0] + v[1] + v[2] + v[5] + v[6] + v[7]) /
			(double)sysconf(_SC_CLK_TCK);
	fclose(f);
	return busy;
}

static double
self_seconds(void)
{
	struct rusage self, kids;

	getrusage(RUSAGE_SELF, &self);
	getrusage(RUSAGE_CHILDREN, &kids);
	return (double)(self.ru_utime.tv_sec + self.ru_stime.tv_sec +
		       kids.ru_utime.tv_sec + kids.ru_stime.tv_sec) +
		(double)(self.ru_utime.tv_usec + self.ru_stime.tv_usec +
			kids.ru_utime.tv_usec + kids.ru_stime.tv_usec) /
		1e6;
}

static void
load_sample(struct bench_load *l, unsigned int i)
{
	l->loadavg[i] = loadavg();
	l->busy_s[i] = busy_seconds();
	l->self_s[i] = self_seconds();
	clock_gettime(CLOCK_MONOTONIC, &l->wall[i]);
}

void
bench_load_begin(struct bench_load *l)
{
	memset(l, 0, sizeof(*l));
	load_sample(l, 0);
}

void
bench_load_end(struct bench_load *l)
{
	double wall, other;
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);

	load_sample(l, 1);
	wall = (double)(l->wall[1].tv_sec - l->wall[0].tv_sec) +
		(double)(l->wall[1].tv_nsec - l->wall[0].tv_nsec) / 1e9;
	other = (l->busy_s[1] - l->busy_s[0]) - (l->self_s[1] - l->self_s[0]);
	l->other_share = wall > 0 && cpus > 0 ?
		RTE_MAX(other, 0.0) / (wall * (double)cpus) :
		0;
}

static void
cpu_model(char *buf, size_t len)
{
	char line[256], *colon;
	FILE *f = fopen("/proc/cpuinfo", "r");

	snprintf(buf, len, "unknown");
	if (f == NULL)
		return;
	while (fgets(line, sizeof(line), f) != NULL) {
		if (strncmp(line, "model name", 10) != 0)
			continue;
		colon = strchr(line, ':');
		if (colon != NULL)
			snprintf(buf, len, "%s", colon + 2);
		buf[strcspn(buf, "\n")] = '\0';
		break;
	}
	fclose(f);
}

static int
numa_nodes(void)
{
	DIR *d = opendir("/sys/devices/system/node");
	struct dirent *e;
	int n = 0;

	if (d == NULL)
		return 1;
	while ((e = readdir(d)) != NULL)
		if (strncmp(e->d_name, "node", 4) == 0 && e->d_name[4] >= '0' &&
			e->d_name[4] <= '9')
			n++;
	closedir(d);
	return n > 0 ? n : 1;
}

static json_t *
cpus_json(const struct bench_platform *p)
{
	json_t *a = json_array();
	unsigned int i;

	for (i = 0; i < p->n_cpus; i++)
		json_array_append_new(a, json_integer(p->cpus[i]));
	return a;
}

json_t *
bench_machine_json(const struct bench_platform *p, const struct bench_load *l)
{
	char model[128], date[32];
	struct utsname u;
	time_t now = time(NULL);
	bool busy = l->other_share > BUSY_SHARE || l->loadavg[0] > BUSY_LOADAVG;

	cpu_model(model, sizeof(model));
	uname(&u);
	strftime(date, sizeof(date), "%Y-%m-%dT%H:%M:%SZ", gmtime(&now));
	return json_pack("{s:s, s:i, s:i, s:o, s:i, s:s, s:s, s:s, s:b, s:f,"
			 " s:i, s:f, s:i, s:f, s:s, s:s, s:f, s:f, s:f, s:b}",
		"cpu_model", model, "cpus_online",
		(int)sysconf(_SC_NPROCESSORS_ONLN), "lcores", (int)p->n_lcores,
		"cpus_used", cpus_json(p), "numa_nodes", numa_nodes(), "kernel",
		u.release, "date_utc", date, "dpdk_version", rte_version(),
		"hugepages", rte_eal_has_hugepages() != 0, "tsc_hz", p->tsc_hz,
		"timer_overhead_cycles", (int)p->timer_overhead,
		"timer_overhead_ns",
		(double)p->timer_overhead * 1e9 / p->tsc_hz,
		"tsc_resolution_cycles", (int)p->tsc_resolution,
		"tsc_resolution_ns",
		(double)p->tsc_resolution * 1e9 / p->tsc_hz, "compiler",
		__VERSION__, "buildtype", LFP_BENCH_BUILDTYPE, "loadavg_before",
		l->loadavg[0], "loadavg_after", l->loadavg[1],
		"other_cpu_share", l->other_share, "preliminary", busy);
}

static const char *
jstr(json_t *o, const char *k)
{
	const char *s = json_string_value(json_object_get(o, k));

	return s != NULL ? s : "?";
}

static double
jnum(json_t *o, const char *k)
{
	return json_number_value(json_object_get(o, k));
}

void
bench_machine_print(FILE *f, json_t *m)
{
	fprintf(f,
		"lfpool-bench: %s, %d CPUs online (%d lcores used), "
		"%d NUMA node(s), Linux %s\n",
		jstr(m, "cpu_model"), (int)jnum(m, "cpus_online"),
		(int)jnum(m, "lcores"), (int)jnum(m, "numa_nodes"),
		jstr(m, "kernel"));
	fprintf(f, "%s, %s, %s build (gcc %s), %s\n", jstr(m, "dpdk_version"),
		json_is_true(json_object_get(m, "hugepages")) ?
			"hugepages" :
			"no hugepages (--no-huge)",
		jstr(m, "buildtype"), jstr(m, "compiler"), jstr(m, "date_utc"));
	fprintf(f,
		"TSC %.3f GHz, steps of %.0f cycles (%.1f ns); latency "
		"samples are rte_rdtsc_precise() pairs around one call, less "
		"the timer's own cost (median of 1e5 empty pairs: %.0f cycles "
		"= %.1f ns), so single-call figures are multiples of the step; "
		"\"batch\" figures are means over back-to-back calls\n",
		jnum(m, "tsc_hz") / 1e9, jnum(m, "tsc_resolution_cycles"),
		jnum(m, "tsc_resolution_ns"), jnum(m, "timer_overhead_cycles"),
		jnum(m, "timer_overhead_ns"));
	fprintf(f,
		"Load: 1-min load average %.2f before, %.2f after; other "
		"processes used %.0f %% of the CPUs during the run%s\n",
		jnum(m, "loadavg_before"), jnum(m, "loadavg_after"),
		100 * jnum(m, "other_cpu_share"),
		json_is_true(json_object_get(m, "preliminary")) ?
			": figures preliminary (machine shared)" :
			"");
}
