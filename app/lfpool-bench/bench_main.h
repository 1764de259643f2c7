/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The lfpool authors
 */

#ifndef LFP_BENCH_MAIN_H
#define LFP_BENCH_MAIN_H

/**
 * @file
 * Parts of lfpool-bench that the malloc program does not need: the machine
 * description, the targets of issue 4, the plots.
 */

#include <stdio.h>
#include <time.h>

#include <jansson.h>

#include "bench.h"

/** How busy the machine was around the run (other processes' CPU use). */
struct bench_load {
	double loadavg[2]; /**< 1-minute load average, before/after. */
	double busy_s[2];  /**< CPU seconds of all (/proc/stat). */
	double self_s[2];  /**< CPU seconds used by us and children. */
	struct timespec wall[2];
	double other_share; /**< Others' share of all CPUs in the run. */
};

void bench_load_begin(struct bench_load *l);
void bench_load_end(struct bench_load *l);

/** Machine, DPDK and timer facts, as a JSON object (new reference). */
json_t *bench_machine_json(
	const struct bench_platform *p, const struct bench_load *l);
void bench_machine_print(FILE *f, json_t *machine);

/** Evaluate G1..G8, print them, return them as a JSON array. */
json_t *bench_targets_eval(FILE *f, const struct bench_conf *c);

/** Write the plot data and PNGs into dir (created if missing). */
/* bench_tradepool.c: scenario 7, lib/tradepool's side. */
void bench_tradepool_run(
	const struct bench_conf *c, const struct bench_platform *p);

/*
 * bench_numa.c: scenario 8, tests/numa/numa_bench run as a child; its
 * JSON goes into the report under "numa". Returns the document (NULL:
 * not run) for bench_numa_print(), the report keeping its own reference.
 */
json_t *bench_numa_run(
	const struct bench_conf *c, const struct bench_platform *p);
void bench_numa_print(FILE *f, json_t *numa);

/*
 * bench_steal.c: scenario 9, lfpool's steal path; its JSON goes into the
 * report under "steal". Returns the document for bench_steal_print().
 */
json_t *bench_steal_run(
	const struct bench_conf *c, const struct bench_platform *p);
void bench_steal_print(FILE *f, json_t *steal);

/** A target drawn on a chart: a horizontal line at bound. */
struct bench_target_line {
	const char *id;	  /**< "G7" */
	const char *what; /**< the check's text */
	double bound;	  /**< in the metric's unit */
};

/**
 * The targets that chart (a bench_plot() chart name) draws, at most max,
 * with the bounds of this run (a ratio's reference is measured; a target
 * whose reference was not measured is left out). Returns how many.
 */
unsigned int bench_targets_lines(const struct bench_conf *c, const char *chart,
	unsigned int size, struct bench_target_line *lines, unsigned int max);

/**
 * Write the plot data and PNGs into dir (checked at start-up); machine
 * (bench_machine_json()) names the machine and date in the titles.
 */
int bench_plot(const struct bench_conf *c, const char *dir, json_t *machine);

#endif /* LFP_BENCH_MAIN_H */
