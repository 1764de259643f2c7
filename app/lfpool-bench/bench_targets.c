/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The lfpool authors
 */

/*
 * The targets of issue 4 (G1..G8) and of issue 6 (T6a, T6b: scenario 7,
 * always on 64 B objects), each a ratio of two medians measured
 * in the same run (or a median against a fixed bound), evaluated on the
 * reference object size: 64 B (an Order) when it was measured.
 */

#include <limits.h>
#include <string.h>

#include "bench_main.h"

/* Reference groups instead of one allocator. */
#define BEST_DPDK "@dpdk"     /* best correct DPDK driver */
#define BEST_MALLOC "@malloc" /* fastest of jemalloc, tcmalloc, mimalloc */
/* Fastest malloc, glibc included (issue 6 compares with any malloc). */
#define ANY_MALLOC "@anymalloc"
/* Any cache size (lib/tradepool chooses its own). */
#define ANY_CACHE INT_MIN
/* Threads: every lcore of scenario 1 (the largest count measured). */
#define ALL_LCORES UINT_MAX
#define REF_SIZE 64

/* One median: a record's metric (threads 0 and variant NULL: any). */
struct sel {
	const char *scen;
	const char *alloc;
	int cache;
	unsigned int bulk;
	unsigned int threads;
	const char *metric;
	const char *variant; /* NULL: any */
};

enum cmp {
	GE,
	LE,
	LT,
	INFO
};

struct check {
	const char *id;
	const char *what;
	struct sel lhs;
	struct sel rhs; /* rhs.scen NULL: the bound is factor itself */
	double factor;
	enum cmp cmp;
	const char *chart; /* the plot that draws it as a line; NULL: none */
};

#define SAME(a, c, b, t) \
	{ \
		"same", a, c, b, t, "mops", NULL \
	}
#define PIPE_BULK(a, c, b, m) \
	{ \
		"pipeline", a, c, b, 0, m, NULL \
	}
#define PIPE(a, c, m) PIPE_BULK(a, c, 1, m)
/*
 * The issue gives no bulk for G3's rate and G4's cross-thread pattern:
 * scenario 2 runs 1, 8 and 32, and each is a row (at bulk 1 the hand-off
 * ring, the same for every allocator, takes most of the time).
 */
#define PIPE_RATE(id, what, c, b, ref, ref_c, factor) \
	{ \
		id, what, PIPE_BULK("lfpool", c, b, "mops"), \
			PIPE_BULK(ref, ref_c, b, "mops"), factor, GE, NULL \
	}
#define LAT(m) \
	{ \
		"latency", "lfpool", 256, 1, 1, m, NULL \
	}
/* Scenario 7 (issue 6): one thread, one call at a time, 64 B objects. */
#define TP(a, c, m, v) \
	{ \
		"tradepool", a, c, 1, 1, m, v \
	}
#define NONE \
	{ \
		NULL, NULL, 0, 0, 0, NULL, NULL \
	}

static const struct check checks[] = {
	{"G1", "cache 256, bulk 1, 1 lcore: lfpool >= 0.98x ring_mp_mc",
		SAME("lfpool", 256, 1, 1), SAME("ring_mp_mc", 256, 1, 1), 0.98,
		GE, NULL},
	{"G1", "cache 256, bulk 32, 1 lcore: lfpool >= 0.98x ring_mp_mc",
		SAME("lfpool", 256, 32, 1), SAME("ring_mp_mc", 256, 32, 1),
		0.98, GE, NULL},
	{"G1", "cache 256, bulk 1, all lcores: lfpool >= 0.98x ring_mp_mc",
		SAME("lfpool", 256, 1, ALL_LCORES),
		SAME("ring_mp_mc", 256, 1, ALL_LCORES), 0.98, GE, NULL},
	{"G1", "cache 256, bulk 32, all lcores: lfpool >= 0.98x ring_mp_mc",
		SAME("lfpool", 256, 32, ALL_LCORES),
		SAME("ring_mp_mc", 256, 32, ALL_LCORES), 0.98, GE, NULL},
	{"G2", "cache 0, bulk 1, 1 lcore: lfpool >= 2x ring_mp_mc",
		SAME("lfpool", 0, 1, 1), SAME("ring_mp_mc", 0, 1, 1), 2, GE,
		"same"},
	{"G2",
		"cache 0, bulk 1, all lcores: lfpool >= 10x best of "
		"ring_mp_mc, ring_mt_rts, ring_mt_hts, stack, lf_stack",
		SAME("lfpool", 0, 1, ALL_LCORES),
		SAME(BEST_DPDK, 0, 1, ALL_LCORES), 10, GE, "same"},
	{"G2", "cache 0, bulk 1, 1 lcore: lfpool >= 0.6x ring_mp_mc c256",
		SAME("lfpool", 0, 1, 1), SAME("ring_mp_mc", 256, 1, 1), 0.6, GE,
		NULL},
	{"G3", "pipeline, cache 0, bulk 1: lfpool >= 1.3x best DPDK",
		PIPE_BULK("lfpool", 0, 1, "mops"),
		PIPE_BULK(BEST_DPDK, 0, 1, "mops"), 1.3, GE, "pipeline"},
	PIPE_RATE("G3", "pipeline, cache 0, bulk 8: lfpool >= 1.3x best DPDK",
		0, 8, BEST_DPDK, 0, 1.3),
	PIPE_RATE("G3", "pipeline, cache 0, bulk 32: lfpool >= 1.3x best DPDK",
		0, 32, BEST_DPDK, 0, 1.3),
	PIPE_RATE("G3", "pipeline, cache 256, bulk 1: lfpool >= 1.3x best DPDK",
		256, 1, BEST_DPDK, 256, 1.3),
	PIPE_RATE("G3", "pipeline, cache 256, bulk 8: lfpool >= 1.3x best DPDK",
		256, 8, BEST_DPDK, 256, 1.3),
	PIPE_RATE("G3",
		"pipeline, cache 256, bulk 32: lfpool >= 1.3x best DPDK", 256,
		32, BEST_DPDK, 256, 1.3),
	{"G3", "pipeline, cache 0: get p99.9 <= 0.5x best DPDK's",
		PIPE("lfpool", 0, "get_p999_ns"),
		PIPE(BEST_DPDK, 0, "get_p999_ns"), 0.5, LE, NULL},
	{"G3", "pipeline, cache 0: put p99.9 <= 0.5x best DPDK's",
		PIPE("lfpool", 0, "put_p999_ns"),
		PIPE(BEST_DPDK, 0, "put_p999_ns"), 0.5, LE, NULL},
	{"G3", "pipeline, cache 256: get p99.9 <= 0.5x best DPDK's",
		PIPE("lfpool", 256, "get_p999_ns"),
		PIPE(BEST_DPDK, 256, "get_p999_ns"), 0.5, LE, NULL},
	{"G3", "pipeline, cache 256: put p99.9 <= 0.5x best DPDK's",
		PIPE("lfpool", 256, "put_p999_ns"),
		PIPE(BEST_DPDK, 256, "put_p999_ns"), 0.5, LE, NULL},
	{"G4",
		"1 thread, bulk 1: lfpool c0 pair time <= 0.5x fastest "
		"malloc (rate >= 2x)",
		SAME("lfpool", 0, 1, 1), SAME(BEST_MALLOC, -1, 1, 1), 2, GE,
		NULL},
	{"G4",
		"1 thread, bulk 1: lfpool c256 pair time <= 0.5x fastest "
		"malloc (rate >= 2x)",
		SAME("lfpool", 256, 1, 1), SAME(BEST_MALLOC, -1, 1, 1), 2, GE,
		NULL},
	PIPE_RATE("G4",
		"cross-thread, bulk 1: lfpool c0 time <= 0.33x fastest "
		"malloc (rate >= 3.03x)",
		0, 1, BEST_MALLOC, -1, 1 / 0.33),
	PIPE_RATE("G4",
		"cross-thread, bulk 8: lfpool c0 time <= 0.33x fastest "
		"malloc (rate >= 3.03x)",
		0, 8, BEST_MALLOC, -1, 1 / 0.33),
	PIPE_RATE("G4",
		"cross-thread, bulk 32: lfpool c0 time <= 0.33x fastest "
		"malloc (rate >= 3.03x)",
		0, 32, BEST_MALLOC, -1, 1 / 0.33),
	PIPE_RATE("G4",
		"cross-thread, bulk 1: lfpool c256 time <= 0.33x fastest "
		"malloc (rate >= 3.03x)",
		256, 1, BEST_MALLOC, -1, 1 / 0.33),
	PIPE_RATE("G4",
		"cross-thread, bulk 8: lfpool c256 time <= 0.33x fastest "
		"malloc (rate >= 3.03x)",
		256, 8, BEST_MALLOC, -1, 1 / 0.33),
	PIPE_RATE("G4",
		"cross-thread, bulk 32: lfpool c256 time <= 0.33x fastest "
		"malloc (rate >= 3.03x)",
		256, 32, BEST_MALLOC, -1, 1 / 0.33),
	{"G5", "cache 256, bulk 1: get p99 <= 50 ns", LAT("get_p99_ns"), NONE,
		50, LE, "latency"},
	{"G5", "cache 256, bulk 1: put p99 <= 30 ns", LAT("put_p99_ns"), NONE,
		30, LE, "latency"},
	{"G5", "cache 256, bulk 1: get p99.9 <= 8x get p50 (typical)",
		LAT("get_p999_ns"), LAT("get_typical_ns"), 8, LE, NULL},
	{"G5", "cache 256, bulk 1: put p99.9 <= 8x put p50 (typical)",
		LAT("put_p999_ns"), LAT("put_typical_ns"), 8, LE, NULL},
	{"G5", "cache 256, steady state: no system call",
		{"steady", "lfpool", 256, 1, 1, "syscalls", NULL}, NONE, 0, LE,
		NULL},
	{"G5", "cache 256, steady state: no page fault",
		{"steady", "lfpool", 256, 1, 1, "page_faults", NULL}, NONE, 0,
		LE, NULL},
	{"G5", "cache 0, steady state: no system call",
		{"steady", "lfpool", 0, 1, 1, "syscalls", NULL}, NONE, 0, LE,
		NULL},
	{"G5", "cache 0, steady state: no page fault",
		{"steady", "lfpool", 0, 1, 1, "page_faults", NULL}, NONE, 0, LE,
		NULL},
	{"G6", "driver metadata <= 8 B per object",
		{"memory", "lfpool", 0, 0, 0, "meta_per_obj", NULL}, NONE, 8,
		LE, NULL},
	{"G6", "driver per-lcore state <= 64 KiB per pool",
		{"memory", "lfpool", 0, 0, 0, "per_lcore_bytes", NULL}, NONE,
		65536, LE, NULL},
	{"G7", "one thread parked, cache 0, bulk 1: others keep >= 90 %",
		{"stop", "lfpool", 0, 1, 0, "kept_median", NULL}, NONE, 0.9, GE,
		"stop"},
	{"G7", "one thread parked, cache 256, bulk 1: others keep >= 90 %",
		{"stop", "lfpool", 256, 1, 0, "kept_median", NULL}, NONE, 0.9,
		GE, "stop"},
	{"G7", "ring_mp_mc, cache 0, bulk 1 (expected to stall)",
		{"stop", "ring_mp_mc", 0, 1, 0, "kept_median", NULL}, NONE, 0,
		INFO, NULL},
	{"G8", "cache 0, bulk 1: all lcores >= 1.9x 1 lcore",
		SAME("lfpool", 0, 1, ALL_LCORES), SAME("lfpool", 0, 1, 1), 1.9,
		GE, NULL},
	{"G8", "cache 256, bulk 1: all lcores >= 1.9x 1 lcore",
		SAME("lfpool", 256, 1, ALL_LCORES), SAME("lfpool", 256, 1, 1),
		1.9, GE, NULL},
	{"G8", "this machine's ceiling: DPDK cache path, no shared write",
		SAME("ring_mp_mc", 256, 1, ALL_LCORES),
		SAME("ring_mp_mc", 256, 1, 1), 0, INFO, NULL},
	{"T6a", "tradepool, cache on: lfp_tp_order_create p99 < 100 ns",
		TP("tradepool", ANY_CACHE, "create_p99_ns", "order"), NONE, 100,
		LT, NULL},
	{"T6b",
		"tradepool: Order create+free (mean) <= 0.5x fastest "
		"malloc+init+free",
		TP("tradepool", ANY_CACHE, "pair_batch_ns", "order"),
		TP(ANY_MALLOC, -1, "pair_batch_ns", "order"), 0.5, LE, NULL},
	{"T6b",
		"tradepool: Trade create+free (mean) <= 0.5x fastest "
		"malloc+init+free",
		TP("tradepool", ANY_CACHE, "pair_batch_ns", "trade"),
		TP(ANY_MALLOC, -1, "pair_batch_ns", "trade"), 0.5, LE, NULL},
};

static unsigned int
all_lcores(void)
{
	unsigned int i, n = 1;

	for (i = 0; i < bench_rec_count(); i++)
		if (strcmp(bench_rec_at(i)->key.scen, "same") == 0)
			n = RTE_MAX(n, bench_rec_at(i)->key.threads);
	return n;
}

static bool
in_group(const char *group, const struct bench_key *k)
{
	if (strcmp(group, ANY_MALLOC) == 0)
		return strcmp(k->family, "malloc") == 0;
	if (strcmp(group, BEST_MALLOC) == 0)
		return strcmp(k->family, "malloc") == 0 &&
			strcmp(k->alloc, "glibc") != 0;
	/* DPDK's own drivers; bucket fails DPDK's mempool_autotest. */
	return strcmp(k->family, "mempool") == 0 &&
		strcmp(k->alloc, "lfpool") != 0 &&
		strcmp(k->alloc, "bucket") != 0;
}

/* "mops" in the table above means the rate the report shows. */
static const char *rate_metric = "mops";

static bool
sel_match(const struct sel *s, const struct bench_key *k, unsigned int size)
{
	unsigned int threads = s->threads == ALL_LCORES ? all_lcores() :
							  s->threads;

	if (strcmp(k->scen, s->scen) != 0 || k->size != size ||
		k->bulk != s->bulk || (threads != 0 && k->threads != threads) ||
		(s->variant != NULL && strcmp(k->variant, s->variant) != 0))
		return false;
	if (s->alloc[0] == '@')
		return in_group(s->alloc, k) &&
			(strcmp(s->alloc, BEST_MALLOC) == 0 ||
				strcmp(s->alloc, ANY_MALLOC) == 0 ||
				k->cache == s->cache);
	return strcmp(k->alloc, s->alloc) == 0 &&
		(s->cache == ANY_CACHE || k->cache == s->cache);
}

/*
 * The median a selection designates; for a group, its best member
 * (highest for GE checks, lowest for LE ones), named in who.
 */
static bool
sel_value(const struct sel *s, unsigned int size, enum cmp cmp, double *v,
	char *who, size_t wlen)
{
	const struct bench_metric *m;
	const struct bench_rec *r;
	bool found = false;
	unsigned int i;
	double x;

	for (i = 0; i < bench_rec_count(); i++) {
		r = bench_rec_at(i);
		if (!sel_match(s, &r->key, size))
			continue;
		m = bench_rec_metric(r,
			strcmp(s->metric, "mops") == 0 ? rate_metric :
							 s->metric);
		if (m == NULL)
			continue;
		x = bench_median(m->v, m->n);
		if (!found || (cmp == LE || cmp == LT ? x < *v : x > *v)) {
			*v = x;
			if (r->key.cache >= 0)
				snprintf(who, wlen, "%s c%d", r->key.alloc,
					r->key.cache);
			else
				snprintf(who, wlen, "%s", r->key.alloc);
		}
		found = true;
	}
	return found;
}

static const char *
verdict(const struct check *k, double lhs, double bound)
{
	if (k->cmp == INFO)
		return "INFO";
	if (k->cmp == GE)
		return lhs >= bound ? "MET" : "MISSED";
	if (k->cmp == LT)
		return lhs < bound ? "MET" : "MISSED";
	return lhs <= bound ? "MET" : "MISSED";
}

static json_t *
eval_one(FILE *f, const struct check *k, unsigned int size)
{
	char lwho[64] = "", rwho[64] = "", fig[160];
	double lhs = 0, rhs = 0, bound;
	const char *status;
	bool have;

	have = sel_value(&k->lhs, size, k->cmp, &lhs, lwho, sizeof(lwho));
	if (k->rhs.scen != NULL)
		have = have &&
			sel_value(&k->rhs, size, k->cmp, &rhs, rwho,
				sizeof(rwho));
	if (!have) {
		fprintf(f, "%-4s %-64s %-40s N/A\n", k->id, k->what,
			"not measured");
		return json_pack("{s:s, s:s, s:s}", "id", k->id, "check",
			k->what, "status", "N/A");
	}
	bound = k->rhs.scen != NULL ? k->factor * rhs : k->factor;
	status = verdict(k, lhs, bound);
	if (k->rhs.scen != NULL)
		snprintf(fig, sizeof(fig), "%.4g / %.4g (%s) = %.3gx", lhs, rhs,
			rwho, rhs != 0 ? lhs / rhs : 0);
	else
		snprintf(fig, sizeof(fig), "%.4g", lhs);
	fprintf(f, "%-4s %-64s %-40s %s\n", k->id, k->what, fig, status);
	return json_pack("{s:s, s:s, s:s, s:f, s:s, s:f, s:s, s:f, s:s, s:i}",
		"id", k->id, "check", k->what, "lhs_what", lwho, "lhs", lhs,
		"rhs_what", k->rhs.scen != NULL ? rwho : "bound", "rhs",
		k->rhs.scen != NULL ? rhs : k->factor, "cmp",
		k->cmp == GE	     ? ">=" :
			k->cmp == LE ? "<=" :
			k->cmp == LT ? "<" :
				       "info",
		"required", k->factor, "status", status, "size", (int)size);
}

/* The size a check is evaluated on (scenario 7: always its own). */
static unsigned int
check_size(const struct check *k, unsigned int size)
{
	return strcmp(k->lhs.scen, "tradepool") == 0 ? BENCH_TP_SIZE : size;
}

unsigned int
bench_targets_lines(const struct bench_conf *c, const char *chart,
	unsigned int size, struct bench_target_line *lines, unsigned int max)
{
	const struct check *k;
	char who[64];
	unsigned int i, n = 0;
	double rhs;

	rate_metric = bench_rate_metric(c);
	for (i = 0; i < RTE_DIM(checks) && n < max; i++) {
		k = &checks[i];
		if (k->chart == NULL || strcmp(k->chart, chart) != 0)
			continue;
		rhs = 1;
		if (k->rhs.scen != NULL &&
			!sel_value(&k->rhs, check_size(k, size), k->cmp, &rhs,
				who, sizeof(who)))
			continue;
		lines[n].id = k->id;
		lines[n].what = k->what;
		lines[n].bound = k->factor * rhs;
		n++;
	}
	return n;
}

json_t *
bench_targets_eval(FILE *f, const struct bench_conf *c)
{
	json_t *out = json_array();
	unsigned int i, size = c->sizes[0];

	rate_metric = bench_rate_metric(c);
	for (i = 0; i < c->n_sizes; i++)
		if (c->sizes[i] == REF_SIZE)
			size = REF_SIZE;
	fprintf(f,
		"\nTargets of issue 4 (%u B objects; medians; \"best "
		"DPDK\" = best of DPDK's drivers legal there, bucket excluded "
		"as it fails DPDK's mempool_autotest; all lcores = %u; rates "
		"per %s second)\n",
		size, all_lcores(), c->cpu_time ? "CPU" : "wall-clock");
	for (i = 0; i < RTE_DIM(checks); i++)
		json_array_append_new(out,
			eval_one(f, &checks[i], check_size(&checks[i], size)));
	return out;
}
