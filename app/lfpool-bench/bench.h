/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The lfpool authors
 */

#ifndef LFP_BENCH_H
#define LFP_BENCH_H

/**
 * @file
 * Internals shared by lfpool-bench (DPDK mempools) and lfpool-bench-malloc
 * (the malloc families, one preloaded library per process): options,
 * allocators under test, workers, the platform that runs them, results.
 *
 * The scenario code (bench_scen.c) is common to both programs. It never
 * calls EAL: lcores, thread registration and the TSC frequency come from
 * a struct bench_platform that each program fills in.
 */

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <pthread.h>
#include <sys/types.h>

#include <rte_common.h>

#include "lat_hist.h"

#define BENCH_NAME_LEN 32
#define BENCH_MAX_LIST 8 /* sizes, bulks, caches given on the line */
#define BENCH_MAX_ALLOCS 16
#define BENCH_MAX_THREADS 64
#define BENCH_MAX_RUNS 16
#define BENCH_MAX_METRICS 16
#define BENCH_BULK_MAX 64
#define BENCH_WINDOW_MAX 1024
/* Pipeline: time one call in 2^shift (rdtsc costs as much as a get). */
#define BENCH_PIPE_SAMPLE_SHIFT 4
/* Batch latencies are kept in 1/16 cycle (a batch mean is fractional). */
#define BENCH_BATCH_SCALE 16
/* Size of the rte_ring between pipeline stages (a gateway's RX ring). */
#define BENCH_PIPE_RING 1024

/*
 * ThreadSanitizer does not see DPDK synchronise (its libraries are not
 * instrumented): say where objects change hands through a driver and where
 * EAL launches and joins lcores. No-ops in other builds.
 */
#if defined(__SANITIZE_THREAD__)
#define BENCH_TSAN 1
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define BENCH_TSAN 1
#endif
#endif
#ifdef BENCH_TSAN
void __tsan_acquire(void *addr);
void __tsan_release(void *addr);
#define BENCH_TSAN_ACQUIRE(p) __tsan_acquire((void *)(p))
#define BENCH_TSAN_RELEASE(p) __tsan_release((void *)(p))
#else
#define BENCH_TSAN_ACQUIRE(p) RTE_SET_USED(p)
#define BENCH_TSAN_RELEASE(p) RTE_SET_USED(p)
#endif

/** Scenarios, as bits of bench_conf.scenarios (numbers as in issue 4). */
enum bench_scenario {
	BENCH_S_SAME = 1 << 0,	    /**< 1: same lcore, window, 1 and all. */
	BENCH_S_PIPELINE = 1 << 1,  /**< 2: A allocates, B frees via a ring. */
	BENCH_S_OVERSUB = 1 << 2,   /**< 3: more threads than CPUs. */
	BENCH_S_STOP = 1 << 3,	    /**< 4: one thread parked mid-loop. */
	BENCH_S_LATENCY = 1 << 4,   /**< 5: per-call latency, steady state. */
	BENCH_S_MEMORY = 1 << 5,    /**< 6: bytes per object, per lcore. */
	BENCH_S_TRADEPOOL = 1 << 6, /**< 7: lib/tradepool create/free. */
	BENCH_S_NUMA = 1 << 7,	    /**< 8: lib/numa (tests/numa/numa_bench). */
	BENCH_S_STEAL = 1 << 8,	    /**< 9: lfpool's steal path (issue 11). */
};
#define BENCH_S_ALL 0x1ff

/** What the user asked for (both programs parse the same options). */
struct bench_conf {
	unsigned int scenarios;
	unsigned int n_allocs;
	char allocs[BENCH_MAX_ALLOCS][BENCH_NAME_LEN];
	unsigned int n_sizes, sizes[BENCH_MAX_LIST];
	unsigned int n_bulks, bulks[BENCH_MAX_LIST];
	unsigned int n_caches, caches[BENCH_MAX_LIST];
	unsigned int runs;
	unsigned int duration_ms;     /**< One measurement. */
	unsigned int window;	      /**< Objects held per loop (scen. 1). */
	unsigned int pool_size;	      /**< Objects per mempool. */
	unsigned int oversub_threads; /**< Scenario 3; 0: 2 x CPUs. */
	unsigned int stops;	      /**< Scenario 4: parks per run. */
	bool quick;
	bool verbose;
	bool cpu_time; /**< Show rates per CPU-second used. */
	/** One getppid() in G5's steady window: the counter must see it. */
	bool self_test_syscall;
	const char *json_path;
	const char *plot_dir;
	const char *from_json; /**< Re-render a report, no run. */
	/* lfpool-bench-malloc only. */
	const char *family; /**< Name recorded for the results. */
	double tsc_hz;	    /**< 0: calibrate. */
	unsigned int n_cpus, cpus[BENCH_MAX_THREADS]; /**< Threads' CPUs. */
};

/** Capabilities of an allocator: where its contract allows it to run. */
enum bench_caps {
	BENCH_CAP_MT = 1 << 0,	   /**< Several threads may get (or put). */
	BENCH_CAP_NONEAL = 1 << 1, /**< Callable from non-EAL threads. */
	BENCH_CAP_SPSC = 1 << 2,   /**< One getter and one putter at once. */
};

struct bench_worker;

/** Worker entry points, compiled once per program around its get/put. */
struct bench_loops {
	int (*window)(void *worker);   /**< get window, touch, put (1,3,4). */
	int (*pipe_get)(void *worker); /**< pipeline stage A. */
	int (*pipe_put)(void *worker); /**< pipeline stage B. */
	int (*latency)(void *worker);  /**< timed single calls (5). */
	/** Free what a stopped window loop left in worker->left. */
	void (*put_back)(struct bench_worker *worker);
};

/** One allocator configuration under test. */
struct bench_target {
	char name[BENCH_NAME_LEN]; /**< "ring_mp_mc", "jemalloc". */
	const char *family;	   /**< "mempool" or "malloc". */
	void *ctx;		   /**< struct rte_mempool *, or size. */
	int cache;		   /**< Mempool cache size, -1: none. */
	unsigned int size;	   /**< Object size asked for. */
	unsigned int caps;	   /**< enum bench_caps. */
	const struct bench_loops *loops;
};

/** The program's way of running threads (EAL lcores or pthreads). */
struct bench_platform {
	double tsc_hz;
	uint64_t timer_overhead; /**< Cycles of an empty timed pair. */
	uint64_t tsc_resolution; /**< Smallest step the TSC shows. */
	unsigned int n_lcores;	 /**< Lcores for scenarios 1 and 2. */
	/**
	 * Run fns[i](args[i]) on lcore i for i < n, the caller being lcore
	 * 0, and return when all have returned.
	 */
	int (*run_lcores)(
		unsigned int n, int (*const fns[])(void *), void *const args[]);
	/** Make a pthread an lcore (NULL: the program has no lcores). */
	int (*thread_register)(void);
	void (*thread_unregister)(void);
	unsigned int n_cpus, cpus[BENCH_MAX_THREADS]; /**< For pthreads. */
};

/** One thread's share of a measurement: inputs, then its outputs. */
struct bench_worker {
	const struct bench_target *t;
	const struct bench_platform *p;
	unsigned int bulk;
	unsigned int window;
	uint64_t cycles;       /**< Run length; UINT64_MAX: *stop. */
	unsigned int *start;   /**< Start barrier (threads arrive). */
	unsigned int nthreads; /**< Threads the barrier waits for. */
	bool *stop;	       /**< Set by the controller/producer. */
	struct rte_ring *ring; /**< Pipeline. */
	struct lfp_lat_hist *get_hist, *put_hist;
	struct lfp_lat_hist *get_batch_hist, *put_batch_hist;
	bool do_register; /**< pthreads: rte_thread_register. */
	/* Outputs. */
	uint64_t progress; /**< Objects done, read while running. */
	uint64_t fails;	   /**< Gets refused (pool empty). */
	uint64_t elapsed;  /**< Cycles from the start barrier. */
	uint64_t cpu_ns;   /**< CPU time it got meanwhile. */
	uint64_t sink;	   /**< Reads of the objects, kept. */
	int err;	   /**< Registration failure (-errno). */
	pthread_t thread;
	unsigned int n_left;	      /**< Objects left when stopped... */
	void *left[BENCH_WINDOW_MAX]; /**< ...freed by the controller. */
} __rte_cache_aligned;

/** Fields a constructor writes, as an Order's would (first cache line). */
struct bench_obj {
	uint64_t id;
	uint64_t price;
	uint32_t qty;
	uint8_t side;
	uint8_t type;
	uint16_t flags;
	uint64_t ts;
};

/** Touch an object after allocation, as a real constructor would. */
static inline void
bench_obj_construct(void *obj, uint64_t seq)
{
	struct bench_obj *o = obj;

	o->id = seq;
	o->price = 100000 + (seq & 1023);
	o->qty = (uint32_t)seq | 1;
	o->side = (uint8_t)(seq & 1);
	o->type = 1;
	o->flags = 0;
	o->ts = seq << 3;
}

/** What a consumer reads before freeing (keeps the writes observable). */
static inline uint64_t
bench_obj_consume(const void *obj)
{
	const struct bench_obj *o = obj;

	return o->id ^ o->qty;
}

/**
 * Scenario 7 (issue 6): one trading object type's create (allocation plus
 * field initialisation) and free, each call timed alone on the calling
 * thread. Both programs reach their allocator through these pointers, so
 * both pay the same indirect call.
 */
#define BENCH_TP_SIZE 64 /**< An Order's and a Trade's size: one line. */

struct bench_tp_ops {
	const char *variant; /**< "order" or "trade": the record's variant. */
	void *(*create)(void *ctx, uint64_t seq); /**< NULL: failed. */
	void (*destroy)(void *ctx, void *obj);
};

/* bench_opts.c */
int bench_opts_parse(
	struct bench_conf *c, int argc, char **argv, bool malloc_child);
void bench_opts_usage(const char *prog, bool malloc_child);
int bench_opts_child_args(const struct bench_conf *c, const char *family,
	const char *json, const struct bench_platform *p, char **argv,
	unsigned int max, char *buf, size_t buflen);
bool bench_conf_wants(const struct bench_conf *c, const char *alloc);

/* bench_scen.c */
void bench_worker_wait_start(struct bench_worker *w);
void bench_run_size(const struct bench_conf *c, const struct bench_platform *p,
	const struct bench_target *t, unsigned int n, unsigned int run);
uint64_t bench_timer_overhead(void);
uint64_t bench_tsc_resolution(void);
int bench_steady_check(const struct bench_conf *c,
	const struct bench_platform *p, const struct bench_target *t);
void bench_tradepool_measure(const struct bench_conf *c,
	const struct bench_platform *p, const struct bench_target *t,
	const struct bench_tp_ops *ops, void *ctx);

/** Catch SIGINT and SIGTERM (see bench_interrupted()); 0 or -errno. */
int bench_catch_interrupt(void);
/** The signal that asked the run to stop, or 0: go on. */
int bench_interrupted(void);

/* bench_sys.c */
double bench_tsc_calibrate(void);
uint64_t bench_ms_to_cycles(const struct bench_platform *p, unsigned int ms);
void bench_sleep_ms(unsigned int ms);
int bench_pin_self(unsigned int cpu);
int bench_online_cpus(unsigned int *cpus, unsigned int max);
uint64_t bench_thread_faults(void);
uint64_t bench_self_cpu_ns(void);
uint64_t bench_thread_cpu_ns(pthread_t th);
struct bench_sysc;
struct bench_sysc *bench_sysc_install(void);
int bench_sysc_supervise(struct bench_sysc *s, pthread_t thread);
void bench_sysc_steady(struct bench_sysc *s, bool on);
long bench_sysc_count(const struct bench_sysc *s);
long bench_rss_bytes(void);
int bench_self_relative(const char *rel, char *path, size_t len);

/* bench_mempool.c (lfpool-bench only) */
bool bench_mempool_is_ops(const char *name);
unsigned int bench_mempool_targets(const struct bench_conf *c,
	unsigned int size, struct bench_target *t, unsigned int max);
void bench_mempool_targets_free(struct bench_target *t, unsigned int n);

/* bench_report.c: results, keyed by scenario and configuration. */
struct bench_key {
	char scen[16]; /**< same, pipeline, oversub, stop, latency, ... */
	char alloc[BENCH_NAME_LEN];
	char family[8]; /**< mempool, malloc. */
	int cache;	/**< -1: not applicable. */
	unsigned int size;
	unsigned int bulk; /**< 0: not applicable. */
	unsigned int threads;
	char variant[16]; /**< registered, unregistered, or empty. */
};

struct bench_metric {
	char name[24];
	unsigned int n;
	double v[BENCH_MAX_RUNS];
};

struct bench_rec {
	struct bench_key key;
	unsigned int n_metrics;
	struct bench_metric m[BENCH_MAX_METRICS];
	char note[128];
};

void bench_key_init(struct bench_key *k, const char *scen,
	const struct bench_target *t, unsigned int bulk, unsigned int threads,
	const char *variant);
void bench_rec_add(const struct bench_key *k, const char *metric, double v);
void bench_rec_note(const struct bench_key *k, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
const struct bench_rec *bench_rec_find(const struct bench_key *k);
unsigned int bench_rec_count(void);
const struct bench_rec *bench_rec_at(unsigned int i);
const struct bench_metric *bench_rec_metric(
	const struct bench_rec *r, const char *name);
double bench_median(const double *v, unsigned int n);
double bench_min(const double *v, unsigned int n);
double bench_max(const double *v, unsigned int n);
void bench_rec_free_all(void);
const char *bench_rate_metric(const struct bench_conf *c);

/* bench_table.c: the configurations a table (or a plot) shows. */
#define BENCH_MAX_ROWS 64

struct bench_row {
	char alloc[BENCH_NAME_LEN];
	int cache;
};

/** Records shown together; threads 0 and variant NULL match any. */
struct bench_view {
	const char *scen;
	unsigned int size;
	unsigned int threads;
	const char *variant;
};

unsigned int bench_view_rows(
	const struct bench_view *v, struct bench_row *rows);
const struct bench_rec *bench_view_find(const struct bench_view *v,
	const struct bench_row *r, unsigned int bulk);
void bench_row_label(char *buf, size_t len, const struct bench_row *r);

struct json_t;
int bench_report_write_json(const char *path, struct json_t *machine,
	const struct bench_conf *c, struct json_t *targets);
int bench_report_load_json(const char *path);
struct json_t *bench_report_reload(const char *path, struct bench_conf *c);
void bench_report_print(FILE *f, const struct bench_conf *c);
/** Add a section (e.g. "numa") to the next report written; steals v. */
void bench_report_add_section(const char *name, struct json_t *v);

#endif /* LFP_BENCH_H */
