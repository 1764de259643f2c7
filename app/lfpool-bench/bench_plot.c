/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The lfpool authors
 */

/*
 * Plots: one data file per chart (a row per allocator configuration, for
 * each bar its median, min and max over the runs), then gnuplot draws
 * them with plot.gp (installed next to the binary as
 * lfpool-bench-plot.gp).
 */

#define _GNU_SOURCE
#include <errno.h>
#include <libgen.h>
#include <limits.h>
#include <spawn.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "bench_main.h"

#define REF_SIZE 64
#define MAX_BARS 8

extern char **environ;

/* One bar of every group: which records and which metric. */
struct bar {
	char title[48];
	struct bench_view v;
	unsigned int bulk;
	const char *metric;
	double scale;
};

struct chart {
	const char *file;
	const char *title;
	const char *ylabel;
	unsigned int n;
	struct bar bar[MAX_BARS];
};

static void
chart_init(struct chart *ch, const char *file, const char *title,
	const char *ylabel)
{
	ch->file = file;
	ch->title = title;
	ch->ylabel = ylabel;
}

static void
bar_set(struct chart *ch, const char *scen, unsigned int threads,
	const char *variant, unsigned int bulk, const char *metric,
	double scale, const char *title)
{
	struct bar *b;

	if (ch->n == MAX_BARS)
		return;
	b = &ch->bar[ch->n++];
	snprintf(b->title, sizeof(b->title), "%s", title);
	b->v.scen = scen;
	b->v.threads = threads;
	b->v.variant = variant;
	b->bulk = bulk;
	b->metric = metric;
	b->scale = scale;
}

/* Rows: every configuration that has a record in any bar's view. */
static unsigned int
chart_rows(const struct chart *ch, struct bench_row *rows)
{
	struct bench_row r[BENCH_MAX_ROWS];
	unsigned int i, j, k, n = 0, m;

	for (i = 0; i < ch->n; i++) {
		m = bench_view_rows(&ch->bar[i].v, r);
		for (j = 0; j < m; j++) {
			for (k = 0; k < n; k++)
				if (strcmp(rows[k].alloc, r[j].alloc) == 0 &&
					rows[k].cache == r[j].cache)
					break;
			if (k == n && n < BENCH_MAX_ROWS)
				rows[n++] = r[j];
		}
	}
	return n;
}

static void
write_cell(FILE *f, const struct bar *b, const struct bench_row *r)
{
	const struct bench_metric *m;

	m = bench_rec_metric(bench_view_find(&b->v, r, b->bulk), b->metric);
	if (m == NULL)
		fprintf(f, " ? ? ?");
	else
		fprintf(f, " %g %g %g", bench_median(m->v, m->n) * b->scale,
			bench_min(m->v, m->n) * b->scale,
			bench_max(m->v, m->n) * b->scale);
}

static int
write_chart(const char *dir, const struct chart *ch)
{
	struct bench_row rows[BENCH_MAX_ROWS];
	unsigned int n = chart_rows(ch, rows), i, j;
	char path[PATH_MAX], label[64];
	FILE *f;

	if (n == 0)
		return 0;
	snprintf(path, sizeof(path), "%s/%s.dat", dir, ch->file);
	f = fopen(path, "w");
	if (f == NULL)
		return -errno;
	fprintf(f, "# title: %s\n# ylabel: %s\n# bars: %u\n\"allocator\"",
		ch->title, ch->ylabel, ch->n);
	for (j = 0; j < ch->n; j++)
		fprintf(f, " \"%s\" min max", ch->bar[j].title);
	fputc('\n', f);
	for (i = 0; i < n; i++) {
		bench_row_label(label, sizeof(label), &rows[i]);
		fprintf(f, "\"%s\"", label);
		for (j = 0; j < ch->n; j++)
			write_cell(f, &ch->bar[j], &rows[i]);
		fputc('\n', f);
	}
	return fclose(f) == 0 ? 0 : -errno;
}

static unsigned int
ref_size(const struct bench_conf *c)
{
	unsigned int i;

	for (i = 0; i < c->n_sizes; i++)
		if (c->sizes[i] == REF_SIZE)
			return REF_SIZE;
	return c->sizes[0];
}

/* The five charts of the README, on the reference object size. */
static unsigned int
charts_build(const struct bench_conf *c, struct chart *ch)
{
	const char *rate = bench_rate_metric(c);
	unsigned int size = ref_size(c), b, i, all = 1;
	unsigned int lo = c->bulks[0], hi = c->bulks[c->n_bulks - 1];
	char t[48];

	for (i = 0; i < bench_rec_count(); i++)
		if (strcmp(bench_rec_at(i)->key.scen, "same") == 0)
			all = RTE_MAX(all, bench_rec_at(i)->key.threads);
	memset(ch, 0, 5 * sizeof(*ch));
	chart_init(&ch[0], "same", "Scenario 1: same lcore, window of objects",
		c->cpu_time ? "million objects per CPU-second (get+put)" :
			      "million objects/s (get+put)");
	chart_init(&ch[1], "pipeline",
		"Scenario 2: A gets -> rte_ring -> B "
		"puts",
		c->cpu_time ? "million objects per CPU-second" :
			      "million objects/s");
	chart_init(&ch[2], "oversub", "Scenario 3: 2 threads per CPU",
		c->cpu_time ? "million objects per CPU-second (sum)" :
			      "million objects/s (sum)");
	chart_init(&ch[3], "stop",
		"Scenario 4: others' rate per CPU-second "
		"while one thread is parked (median park)",
		"% of the rate before");
	chart_init(&ch[4], "latency",
		"Scenario 5: latency of one call, "
		"bulk 1 (p50: the median, or the mean of back-to-back calls "
		"where the TSC cannot resolve it)",
		"ns (log scale)");
	for (b = lo;; b = hi) {
		snprintf(t, sizeof(t), "1 lcore, bulk %u", b);
		bar_set(&ch[0], "same", 1, "", b, rate, 1, t);
		snprintf(t, sizeof(t), "%u lcores, bulk %u", all, b);
		bar_set(&ch[0], "same", all, "", b, rate, 1, t);
		if (b == hi)
			break;
	}
	for (i = 0; i < c->n_bulks; i++) {
		snprintf(t, sizeof(t), "bulk %u", c->bulks[i]);
		bar_set(&ch[1], "pipeline", 0, NULL, c->bulks[i], rate, 1, t);
	}
	bar_set(&ch[2], "oversub", 0, "registered", lo, rate, 1,
		"lcore threads (registered)");
	bar_set(&ch[2], "oversub", 0, "unregistered", lo, rate, 1,
		"unregistered threads");
	snprintf(t, sizeof(t), "bulk %u", lo);
	bar_set(&ch[3], "stop", 0, NULL, lo, "kept_median", 100, t);
	bar_set(&ch[4], "latency", 0, NULL, 1, "get_typical_ns", 1,
		"get p50 (typical)");
	bar_set(&ch[4], "latency", 0, NULL, 1, "get_p99_ns", 1, "get p99");
	bar_set(&ch[4], "latency", 0, NULL, 1, "get_p999_ns", 1, "get p99.9");
	bar_set(&ch[4], "latency", 0, NULL, 1, "put_typical_ns", 1,
		"put p50 (typical)");
	bar_set(&ch[4], "latency", 0, NULL, 1, "put_p99_ns", 1, "put p99");
	bar_set(&ch[4], "latency", 0, NULL, 1, "put_p999_ns", 1, "put p99.9");
	for (i = 0; i < 5; i++)
		for (b = 0; b < ch[i].n; b++)
			ch[i].bar[b].v.size = size;
	return 5;
}

/*
 * plot.gp: next to the binary (build tree), else where it is installed,
 * else in the sources.
 */
static void
script_path(char *buf, size_t len)
{
	char self[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);

	if (n > 0) {
		self[n] = '\0';
		snprintf(buf, len, "%s/lfpool-bench-plot.gp", dirname(self));
		if (access(buf, R_OK) == 0)
			return;
	}
	snprintf(buf, len, "%s", LFP_BENCH_DATADIR "/lfpool-bench-plot.gp");
	if (access(buf, R_OK) != 0)
		snprintf(buf, len, "%s", LFP_BENCH_SRCDIR "/plot.gp");
}

static int
run_gnuplot(const char *dir)
{
	char script[PATH_MAX], arg[PATH_MAX + 16];
	char *argv[] = {(char *)(uintptr_t) "gnuplot", (char *)(uintptr_t) "-e",
		arg, script, NULL};
	int status;
	pid_t pid;

	script_path(script, sizeof(script));
	snprintf(arg, sizeof(arg), "dir='%s'", dir);
	if (posix_spawnp(&pid, "gnuplot", NULL, NULL, argv, environ) != 0) {
		fprintf(stderr,
			"lfpool-bench: gnuplot not found (apt-get "
			"install gnuplot-nox); plot data left in %s\n",
			dir);
		return -ENOENT;
	}
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -errno;
	return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : -EIO;
}

int
bench_plot(const struct bench_conf *c, const char *dir)
{
	struct chart ch[5];
	unsigned int n, i;
	int rc = 0;

	if (mkdir(dir, 0755) != 0 && errno != EEXIST) {
		fprintf(stderr, "lfpool-bench: mkdir %s: %s\n", dir,
			strerror(errno));
		return -errno;
	}
	n = charts_build(c, ch);
	for (i = 0; i < n && rc == 0; i++)
		rc = write_chart(dir, &ch[i]);
	if (rc == 0)
		rc = run_gnuplot(dir);
	if (rc == 0)
		printf("\nPlots: %s/{same,pipeline,oversub,stop,latency}.png\n",
			dir);
	return rc;
}
