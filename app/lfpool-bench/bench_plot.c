/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The lfpool authors
 */

/*
 * Plots: per chart, a data file (a row per allocator configuration, for
 * each bar its median, min and max over the runs) and a settings file
 * (titles with the object size, machine and date, axis labels, clipping,
 * marks for zero, not measured and clipped bars, target lines); then
 * gnuplot draws them with plot.gp (installed as lfpool-bench-plot.gp).
 */

#define _GNU_SOURCE
#include <errno.h>
#include <libgen.h>
#include <stdbool.h>
#include <stdlib.h>
#include <limits.h>
#include <spawn.h>
#include <string.h>
#include <unistd.h>
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
	bool logy;    /* log scale (latency): nothing is clipped */
	double clip;  /* fixed clip height; 0: from the data (see chart_clip) */
	double scale; /* target bounds to chart units (a fraction to %) */
};

/* One bar of one row: median, min and max over the runs, scaled. */
struct cell {
	bool measured;
	unsigned int runs;
	double med, lo, hi;
};

static void
chart_init(struct chart *ch, const char *file, const char *title,
	const char *ylabel)
{
	ch->file = file;
	ch->title = title;
	ch->ylabel = ylabel;
	ch->scale = 1;
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

static struct cell
cell_get(const struct bar *b, const struct bench_row *r)
{
	const struct bench_metric *m;
	struct cell x = {0};

	m = bench_rec_metric(bench_view_find(&b->v, r, b->bulk), b->metric);
	if (m == NULL)
		return x;
	x.measured = true;
	x.runs = m->n;
	x.med = bench_median(m->v, m->n) * b->scale;
	x.lo = bench_min(m->v, m->n) * b->scale;
	x.hi = bench_max(m->v, m->n) * b->scale;
	return x;
}

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/*
 * The height above which bars are clipped (and marked with their value),
 * or 0: none. One or two runs that went wrong (a ring whose rate before
 * the park was near 0 gave 35000 %) would otherwise squash every other
 * bar. Outliers are the one or two highest medians when they are more
 * than 3 times the next one; the axis then stops at 1.5 times that one,
 * or at the chart's fixed height.
 */
static double
chart_clip(const struct chart *ch, const struct cell *cells, unsigned int n)
{
	double v[BENCH_MAX_ROWS * MAX_BARS], top = 0, cap = ch->clip;
	unsigned int i, m = 0, k;

	if (ch->logy)
		return 0;
	for (i = 0; i < n; i++) {
		if (!cells[i].measured)
			continue;
		v[m++] = cells[i].med;
		top = RTE_MAX(top, cells[i].hi);
	}
	qsort(v, m, sizeof(v[0]), cmp_double);
	/* v ascending: v[m - 1 - k] is the highest median after k outliers. */
	for (k = 1; cap == 0 && k <= 2 && k < m; k++)
		if (v[m - k] > 3 * v[m - 1 - k] && v[m - 1 - k] > 0)
			cap = 1.5 * v[m - 1 - k];
	return cap > 0 && top > cap ? cap : 0;
}

/* gnuplot x of bar j in row i (clustered histogram, gap 2). */
static double
bar_x(unsigned int i, unsigned int j, unsigned int bars)
{
	return i + ((double)j - (bars - 1) / 2.0) / (bars + 2);
}

/* A double-quoted gnuplot string may hold no '"' or '\'. */
static void
gp_safe(char *s)
{
	for (; *s != '\0'; s++)
		if (*s == '"' || *s == '\\')
			*s = '\'';
}

/* The data: for each bar its median, min and max, clipped; "?": none. */
static int
write_data(const char *path, const struct chart *ch,
	const struct bench_row *rows, unsigned int n, const struct cell *cells,
	double clip)
{
	const struct cell *x;
	unsigned int i, j;
	char label[64];
	FILE *f = fopen(path, "w");

	if (f == NULL)
		return -errno;
	fprintf(f, "# %s: median, min and max of each bar%s\n\"allocator\"",
		ch->title, clip > 0 ? " (clipped, see the .gp file)" : "");
	for (j = 0; j < ch->n; j++)
		fprintf(f, " \"%s\" min max", ch->bar[j].title);
	fputc('\n', f);
	for (i = 0; i < n; i++) {
		bench_row_label(label, sizeof(label), &rows[i]);
		fprintf(f, "\"%s\"", label);
		for (j = 0; j < ch->n; j++) {
			x = &cells[i * ch->n + j];
			if (!x->measured)
				fprintf(f, " ? ? ?");
			else if (clip > 0)
				fprintf(f, " %g %g %g", RTE_MIN(x->med, clip),
					RTE_MIN(x->lo, clip),
					RTE_MIN(x->hi, clip));
			else
				fprintf(f, " %g %g %g", x->med, x->lo, x->hi);
		}
		fputc('\n', f);
	}
	return fclose(f) == 0 ? 0 : -errno;
}

/*
 * Marks on the bars: "not measured" where a scenario does not apply (no
 * bar), "0" on a measured zero (no bar either, so the two differ), and
 * the real value above a clipped bar.
 */
static void
write_marks(FILE *f, const struct chart *ch, unsigned int n,
	const struct cell *cells, double clip)
{
	const struct cell *x;
	unsigned int i, j;
	double xpos, base = ch->logy ? 1 : 0;

	for (i = 0; i < n; i++)
		for (j = 0; j < ch->n; j++) {
			x = &cells[i * ch->n + j];
			xpos = bar_x(i, j, ch->n);
			if (!x->measured)
				fprintf(f,
					"set label \"not measured\" at %g, "
					"graph 0.01 rotate by 90 left "
					"font \",7\" tc rgb \"gray40\"\n",
					xpos);
			else if (x->med == 0)
				fprintf(f,
					"set label \"0\" at %g, %g center "
					"offset 0,0.6 font \",10\" front\n",
					xpos, base);
			else if (clip > 0 && x->hi > clip)
				fprintf(f,
					"set label \"%.*f%s\" at %g, %g "
					"rotate by 90 right offset 0,-0.3 "
					"font \",8\" tc rgb \"red\" front "
					"boxed\n",
					x->med >= 100 ? 0 : 2, x->med,
					x->med > clip ? " (clipped)" :
							" (max clipped)",
					xpos, clip);
		}
}

/* Each target of the chart: a dashed line at its bound, named. */
static void
write_targets(FILE *f, const struct bench_conf *c, const struct chart *ch,
	unsigned int size)
{
	struct bench_target_line t[8];
	unsigned int i, n;
	char what[160];

	n = bench_targets_lines(c, ch->file, size, t, RTE_DIM(t));
	for (i = 0; i < n; i++) {
		/* Two targets on one bound (G7 with and without cache). */
		if (i > 0 && t[i].bound == t[i - 1].bound)
			continue;
		snprintf(what, sizeof(what), "%s target: %s", t[i].id,
			t[i].what);
		gp_safe(what);
		fprintf(f,
			"set arrow from graph 0, first %g to graph 1, first %g "
			"nohead dt 2 lw 1.5 lc rgb \"red\" front\n"
			"set label \"%s\" at graph 0.995, first %g right "
			"offset 0,0.7 font \",8\" tc rgb \"red\" front "
			"boxed\n",
			t[i].bound * ch->scale, t[i].bound * ch->scale, what,
			t[i].bound * ch->scale);
	}
}

/* The chart's settings: titles, axes, range, marks and target lines. */
static int
write_settings(const char *path, const struct bench_conf *c,
	const struct chart *ch, unsigned int n, const struct cell *cells,
	double clip, const char *machine, unsigned int size)
{
	unsigned int i, runs = 0;
	char title[160];
	FILE *f = fopen(path, "w");

	if (f == NULL)
		return -errno;
	for (i = 0; i < n * ch->n; i++)
		runs = RTE_MAX(runs, cells[i].runs);
	snprintf(title, sizeof(title), "%s", ch->title);
	gp_safe(title);
	fprintf(f,
		"# %s: settings for plot.gp (written by lfpool-bench)\n"
		"bars = %u\nlogy = %d\n"
		"set title \"%s\\n%u B objects; %s\"\n"
		"set ylabel \"%s\"\n"
		"set xlabel \"allocator (cN: rte_mempool cache size N)\"\n"
		"set key title \"bars: median of %u run(s); whiskers: min to "
		"max\"\n",
		ch->file, ch->n, ch->logy, title, size, machine, ch->ylabel,
		runs);
	if (clip > 0)
		fprintf(f, "set yrange [0:%g]\n", clip * 1.05);
	write_marks(f, ch, n, cells, clip);
	write_targets(f, c, ch, size);
	return fclose(f) == 0 ? 0 : -errno;
}

/* Returns 1 if the chart has data (files written), 0 if not, or -errno. */
static int
write_chart(const char *dir, const struct bench_conf *c, const struct chart *ch,
	const char *machine, unsigned int size)
{
	static struct cell cells[BENCH_MAX_ROWS * MAX_BARS];
	struct bench_row rows[BENCH_MAX_ROWS];
	unsigned int n = chart_rows(ch, rows), i, j;
	char path[PATH_MAX];
	double clip;
	int rc;

	if (n == 0)
		return 0;
	for (i = 0; i < n; i++)
		for (j = 0; j < ch->n; j++)
			cells[i * ch->n + j] = cell_get(&ch->bar[j], &rows[i]);
	clip = chart_clip(ch, cells, n * ch->n);
	snprintf(path, sizeof(path), "%s/%s.dat", dir, ch->file);
	rc = write_data(path, ch, rows, n, cells, clip);
	if (rc != 0)
		return rc;
	snprintf(path, sizeof(path), "%s/%s.gp", dir, ch->file);
	rc = write_settings(path, c, ch, n, cells, clip, machine, size);
	return rc != 0 ? rc : 1;
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
		"% of their rate before the park");
	chart_init(&ch[4], "latency",
		"Scenario 5: latency of one call, "
		"bulk 1 (p50: the median, or the mean of back-to-back calls "
		"where the TSC cannot resolve it)",
		"ns (log scale)");
	ch[3].clip = 150; /* above 100 %: noise of a near-zero "before" */
	ch[3].scale = 100;
	ch[4].logy = true;
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

/* "AMD EPYC, 2 CPUs, DPDK 22.11.11, 2026-12-02T21:08:01Z" */
static void
machine_text(char *buf, size_t len, json_t *m)
{
	const char *cpu = json_string_value(json_object_get(m, "cpu_model"));
	const char *dpdk = json_string_value(
		json_object_get(m, "dpdk_version"));
	const char *date = json_string_value(json_object_get(m, "date_utc"));

	snprintf(buf, len, "%s, %d CPUs, %s, %s", cpu ? cpu : "unknown CPU",
		(int)json_integer_value(json_object_get(m, "cpus_online")),
		dpdk ? dpdk : "DPDK ?", date ? date : "date ?");
	gp_safe(buf);
}

/* Print "Plots:" and the PNGs gnuplot wrote, by name. */
static void
print_written(const char *dir, const struct chart *ch, unsigned int n,
	const bool *has_data)
{
	char path[PATH_MAX];
	unsigned int i, shown = 0;

	for (i = 0; i < n; i++) {
		snprintf(path, sizeof(path), "%s/%s.png", dir, ch[i].file);
		if (!has_data[i] || access(path, R_OK) != 0)
			continue;
		printf("%s %s", shown++ ? "," : "\nPlots:", path);
	}
	printf(shown ? "\n" : "\nPlots: none (no scenario with a chart ran)\n");
}

int
bench_plot(const struct bench_conf *c, const char *dir, json_t *machine)
{
	struct chart ch[5];
	bool has_data[5] = {false};
	char mtext[256];
	unsigned int n, i, charts = 0;
	int rc = 0;

	machine_text(mtext, sizeof(mtext), machine);
	n = charts_build(c, ch);
	for (i = 0; i < n && rc >= 0; i++) {
		rc = write_chart(dir, c, &ch[i], mtext, ref_size(c));
		has_data[i] = rc > 0;
		charts += rc > 0;
	}
	if (rc < 0) {
		fprintf(stderr,
			"lfpool-bench: cannot write plot data in %s: %s\n", dir,
			strerror(-rc));
		return rc;
	}
	/* Stale PNGs of charts without data this time would mislead. */
	for (i = 0; i < n; i++) {
		char path[PATH_MAX];

		snprintf(path, sizeof(path), "%s/%s.png", dir, ch[i].file);
		if (!has_data[i])
			unlink(path);
	}
	rc = charts > 0 ? run_gnuplot(dir) : 0;
	if (rc == 0)
		print_written(dir, ch, n, has_data);
	return rc;
}
