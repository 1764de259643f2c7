/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The lfpool authors
 */

/*
 * The human report: one table per scenario and object size, a row per
 * allocator configuration, each cell "median [min-max]" over the runs.
 */

#include <string.h>

#include "bench.h"

#define CELL 24

static bool
view_match(const struct bench_view *v, const struct bench_key *k)
{
	return strcmp(k->scen, v->scen) == 0 && k->size == v->size &&
		(v->threads == 0 || k->threads == v->threads) &&
		(v->variant == NULL || strcmp(k->variant, v->variant) == 0);
}

/* Allocator configurations shown in a view, in the order they ran. */
unsigned int
bench_view_rows(const struct bench_view *v, struct bench_row *rows)
{
	unsigned int i, j, n = 0;

	for (i = 0; i < bench_rec_count(); i++) {
		const struct bench_key *k = &bench_rec_at(i)->key;

		if (!view_match(v, k))
			continue;
		for (j = 0; j < n; j++)
			if (strcmp(rows[j].alloc, k->alloc) == 0 &&
				rows[j].cache == k->cache)
				break;
		if (j == n && n < BENCH_MAX_ROWS) {
			snprintf(rows[n].alloc, sizeof(rows[n].alloc), "%s",
				k->alloc);
			rows[n++].cache = k->cache;
		}
	}
	return n;
}

const struct bench_rec *
bench_view_find(const struct bench_view *v, const struct bench_row *r,
	unsigned int bulk)
{
	unsigned int i;

	for (i = 0; i < bench_rec_count(); i++) {
		const struct bench_rec *rec = bench_rec_at(i);

		if (view_match(v, &rec->key) &&
			strcmp(rec->key.alloc, r->alloc) == 0 &&
			rec->key.cache == r->cache &&
			(bulk == 0 || rec->key.bulk == bulk))
			return rec;
	}
	return NULL;
}

void
bench_row_label(char *buf, size_t len, const struct bench_row *r)
{
	/* Bounded: the name is NUL-terminated within BENCH_NAME_LEN. */
	if (r->cache < 0)
		snprintf(buf, len, "%.*s", BENCH_NAME_LEN - 1, r->alloc);
	else
		snprintf(buf, len, "%.*s c%d", BENCH_NAME_LEN - 1, r->alloc,
			r->cache);
}

/* "median [min-max]" of one metric, scaled; "n/a" or "-" if absent. */
static void
cell(char *buf, size_t len, const struct bench_rec *r, const char *metric,
	double scale, bool spread)
{
	const struct bench_metric *m = bench_rec_metric(r, metric);

	if (m == NULL)
		snprintf(buf, len, "%s", r != NULL && r->note[0] ? "n/a" : "-");
	else if (!spread || m->n == 1)
		snprintf(buf, len, "%.2f", bench_median(m->v, m->n) * scale);
	else
		snprintf(buf, len, "%.2f [%.2f-%.2f]",
			bench_median(m->v, m->n) * scale,
			bench_min(m->v, m->n) * scale,
			bench_max(m->v, m->n) * scale);
}

/* One metric, one column per bulk size. */
static void
print_by_bulk(FILE *f, const struct bench_conf *c, const struct bench_view *v,
	const char *title, const char *metric, double scale)
{
	struct bench_row rows[BENCH_MAX_ROWS];
	unsigned int n = bench_view_rows(v, rows), i, b;
	char label[48], buf[64];

	if (n == 0)
		return;
	fprintf(f, "\n%s, %u B objects\n%-22s", title, v->size, "allocator");
	for (b = 0; b < c->n_bulks; b++) {
		snprintf(buf, sizeof(buf), "bulk %u", c->bulks[b]);
		fprintf(f, " %-*s", CELL, buf);
	}
	fputc('\n', f);
	for (i = 0; i < n; i++) {
		bench_row_label(label, sizeof(label), &rows[i]);
		fprintf(f, "%-22s", label);
		for (b = 0; b < c->n_bulks; b++) {
			cell(buf, sizeof(buf),
				bench_view_find(v, &rows[i], c->bulks[b]),
				metric, scale, true);
			fprintf(f, " %-*s", CELL, buf);
		}
		fputc('\n', f);
	}
}

/* Several metrics (medians) at one bulk size; notes at the end. */
static void
print_by_metric(FILE *f, const struct bench_view *v, unsigned int bulk,
	const char *title, const char *const *metrics, const char *const *heads)
{
	struct bench_row rows[BENCH_MAX_ROWS];
	unsigned int n = bench_view_rows(v, rows), i, j;
	const struct bench_rec *r;
	char label[48], buf[64];

	if (n == 0)
		return;
	fprintf(f, "\n%s, %u B objects\n%-22s", title, v->size, "allocator");
	for (j = 0; metrics[j] != NULL; j++)
		fprintf(f, " %9s", heads[j]);
	fputc('\n', f);
	for (i = 0; i < n; i++) {
		r = bench_view_find(v, &rows[i], bulk);
		bench_row_label(label, sizeof(label), &rows[i]);
		fprintf(f, "%-22s", label);
		for (j = 0; metrics[j] != NULL; j++) {
			cell(buf, sizeof(buf), r, metrics[j], 1, false);
			fprintf(f, " %9s", buf);
		}
		fprintf(f, "%s%s\n", r != NULL && r->note[0] ? "  " : "",
			r != NULL ? r->note : "");
	}
}

static unsigned int
max_threads(const char *scen)
{
	unsigned int i, n = 0;

	for (i = 0; i < bench_rec_count(); i++)
		if (strcmp(bench_rec_at(i)->key.scen, scen) == 0)
			n = RTE_MAX(n, bench_rec_at(i)->key.threads);
	return n;
}

static void
print_size(FILE *f, const struct bench_conf *c, unsigned int size)
{
	static const char *const lat[] = {"get_p50_ns", "get_p99_ns",
		"get_p999_ns", "get_max_ns", "put_p50_ns", "put_p99_ns",
		"put_p999_ns", "put_max_ns", NULL};
	static const char *const lat_h[] = {"get p50", "get p99", "get p99.9",
		"get max", "put p50", "put p99", "put p99.9", "put max", NULL};
	static const char *const lat5[] = {"get_batch_ns", "get_p50_ns",
		"get_p99_ns", "get_p999_ns", "get_max_ns", "put_batch_ns",
		"put_p50_ns", "put_p99_ns", "put_p999_ns", "put_max_ns", NULL};
	static const char *const lat5_h[] = {"get batch", "get p50", "get p99",
		"get p99.9", "get max", "put batch", "put p50", "put p99",
		"put p99.9", "put max", NULL};
	static const char *const steady[] = {
		"syscalls", "page_faults", "mops", NULL};
	static const char *const steady_h[] = {
		"syscalls", "faults", "Mobj/s", NULL};
	static const char *const mem[] = {"bytes_per_obj", "hdr_per_obj",
		"meta_per_obj", "design_per_obj", "per_lcore_bytes",
		"cache_per_lcore", "once_bytes", NULL};
	static const char *const mem_h[] = {"total B", "hdr+pad", "meta B",
		"design B", "lcore B", "mpcache B", "once B", NULL};
	unsigned int all = max_threads("same");
	struct bench_view v = {.size = size};
	const char *rate = bench_rate_metric(c);
	const char *per = c->cpu_time ? "per CPU-s" : "";
	char title[128];

	v.scen = "same";
	v.threads = 1;
	snprintf(title, sizeof(title),
		"Scenario 1: same lcore, 1 lcore, "
		"Mobj/s %s(get+put)",
		per);
	print_by_bulk(f, c, &v, title, rate, 1);
	if (all > 1) {
		v.threads = all;
		snprintf(title, sizeof(title),
			"Scenario 1: same lcore, %u "
			"lcores, Mobj/s %s(sum)",
			all, per);
		print_by_bulk(f, c, &v, title, rate, 1);
	}
	v.threads = 0;
	v.scen = "pipeline";
	snprintf(title, sizeof(title),
		"Scenario 2: pipeline A gets -> ring "
		"-> B puts, Mobj/s %s",
		per);
	print_by_bulk(f, c, &v, title, rate, 1);
	print_by_metric(f, &v, 1,
		"Scenario 2: pipeline per-call latency "
		"(ns, 1 call in 16 timed), bulk 1",
		lat, lat_h);
	v.scen = "oversub";
	v.variant = "registered";
	snprintf(title, sizeof(title),
		"Scenario 3: oversubscribed lcore "
		"threads (rte_thread_register), Mobj/s %s",
		per);
	print_by_bulk(f, c, &v, title, rate, 1);
	v.variant = "unregistered";
	snprintf(title, sizeof(title),
		"Scenario 3: oversubscribed "
		"unregistered threads, Mobj/s %s",
		per);
	print_by_bulk(f, c, &v, title, rate, 1);
	v.variant = NULL;
	v.scen = "stop";
	print_by_bulk(f, c, &v,
		"Scenario 4: others' rate per CPU-second "
		"while one thread is parked, % of before (median park)",
		"kept_median", 100);
	v.scen = "latency";
	print_by_metric(f, &v, 1,
		"Scenario 5: latency per call (ns, TSC, "
		"timer overhead subtracted; batch: mean of back-to-back "
		"calls), bulk 1",
		lat5, lat5_h);
	v.scen = "steady";
	print_by_metric(f, &v, 1,
		"Scenario 5: steady state, system calls "
		"and page faults (bulk 1)",
		steady, steady_h);
	v.scen = "memory";
	print_by_metric(f, &v, 0,
		"Scenario 6: memory per object and per "
		"lcore",
		mem, mem_h);
}

/* Scenario 7: one table per object type, every allocator a row. */
static void
print_tradepool(FILE *f)
{
	static const char *const tp[] = {"create_p50_ns", "create_p99_ns",
		"pair_p50_ns", "pair_p99_ns", "pair_batch_ns", NULL};
	static const char *const tp_h[] = {"new p50", "new p99", "pair p50",
		"pair p99", "pair mean", NULL};
	struct bench_view v = {.scen = "tradepool", .size = BENCH_TP_SIZE};

	v.variant = "order";
	print_by_metric(f, &v, 1,
		"Scenario 7: lib/tradepool Order create (+ free: pair) vs "
		"malloc + the same writes (+ free), ns per call (TSC; mean: "
		"back-to-back pairs)",
		tp, tp_h);
	v.variant = "trade";
	print_by_metric(f, &v, 1,
		"Scenario 7: lib/tradepool Trade create (+ free: pair) vs "
		"malloc + the same writes (+ free), ns per call (TSC; mean: "
		"back-to-back pairs)",
		tp, tp_h);
}

void
bench_report_print(FILE *f, const struct bench_conf *c)
{
	unsigned int s;

	for (s = 0; s < c->n_sizes; s++)
		print_size(f, c, c->sizes[s]);
	print_tradepool(f);
}
