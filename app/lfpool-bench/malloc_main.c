/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The lfpool authors
 */

/*
 * lfpool-bench-malloc: scenarios 1 to 6 with malloc()/free() of whichever
 * allocator is preloaded, on pinned pthreads, without EAL. lfpool-bench
 * runs it once per family (LD_PRELOAD=libjemalloc.so.2 and so on) and
 * merges its JSON report. Built with -fno-builtin-malloc/-free so that
 * the compiler cannot pair up and drop the calls it measures.
 */

#define _GNU_SOURCE
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <rte_branch_prediction.h>

#include "bench.h"
#include "lfp_malloc_family.h"
#include "lfp_opt.h"

static __rte_always_inline int
alloc_get(void *ctx, void **objs, unsigned int n)
{
	size_t size = (size_t)(uintptr_t)ctx;
	unsigned int i;

	for (i = 0; i < n; i++) {
		objs[i] = malloc(size);
		if (unlikely(objs[i] == NULL)) {
			while (i-- > 0)
				free(objs[i]);
			return -ENOMEM;
		}
	}
	return 0;
}

static __rte_always_inline void
alloc_put(void *ctx, void **objs, unsigned int n)
{
	unsigned int i;

	RTE_SET_USED(ctx);
	for (i = 0; i < n; i++)
		free(objs[i]);
}

#include "bench_loops.h"

static struct bench_platform plat;

static void *
lcore_thread(void *arg)
{
	void *const *a = arg;
	int (*fn)(void *);

	memcpy(&fn, &a[0], sizeof(fn));
	fn(a[1]);
	return NULL;
}

/* Lcore i is a pthread pinned to CPU i; lcore 0 is the caller. */
static int
pthread_run_lcores(
	unsigned int n, int (*const fns[])(void *), void *const args[])
{
	void *a[BENCH_MAX_THREADS][2];
	pthread_t th[BENCH_MAX_THREADS];
	pthread_attr_t attr;
	cpu_set_t set;
	unsigned int i, started;
	int rc = 0;

	for (started = 1; started < n && rc == 0; started++) {
		memcpy(&a[started][0], &fns[started], sizeof(a[0][0]));
		a[started][1] = args[started];
		CPU_ZERO(&set);
		CPU_SET(plat.cpus[started], &set);
		pthread_attr_init(&attr);
		pthread_attr_setaffinity_np(&attr, sizeof(set), &set);
		rc = pthread_create(
			&th[started], &attr, lcore_thread, a[started]);
		pthread_attr_destroy(&attr);
	}
	if (rc != 0) {
		fprintf(stderr, "pthread_create: %s\n", strerror(rc));
		exit(EXIT_FAILURE);
	}
	fns[0](args[0]);
	for (i = 1; i < n; i++)
		pthread_join(th[i], NULL);
	return 0;
}

/* Which allocator really serves malloc() in this process. */
static int
check_family(const char *family)
{
	const struct lfp_malloc_family *f = lfp_malloc_family_find(family);
	const char *loaded = lfp_malloc_family_loaded();

	/* glibc (or a name of no family): none of the others may be there. */
	if (f == NULL)
		return strcmp(loaded, "glibc") == 0 ? 0 : -EEXIST;
	if (strcmp(loaded, f->name) == 0)
		return 0;
	fprintf(stderr,
		"lfpool-bench-malloc: %s is not loaded (no %s): preload it "
		"with LD_PRELOAD\n",
		family, f->symbol);
	return -ENOENT;
}

/*
 * Scenario 6 for a malloc: resident memory grown by holding touched
 * objects, at least pool_size of them and at least 4 MiB, so that pages
 * the allocator had already faulted in weigh little. The objects of every
 * size are kept until all sizes are measured, so no size reuses another's
 * freed memory.
 */
#define MEMORY_MIN_BYTES (4u << 20)
static void
memory_scenario(const struct bench_conf *c, const char *family)
{
	static const struct bench_loops none;
	void **held[BENCH_MAX_LIST] = {NULL};
	unsigned int count[BENCH_MAX_LIST] = {0};
	struct bench_target t;
	struct bench_key k;
	unsigned int s, i, n;
	long r0, r1;

	for (s = 0; s < c->n_sizes; s++) {
		memset(&t, 0, sizeof(t));
		snprintf(t.name, sizeof(t.name), "%s", family);
		t.family = "malloc";
		t.cache = -1;
		t.size = c->sizes[s];
		t.loops = &none;
		bench_key_init(&k, "memory", &t, 0, 0, "");
		n = RTE_MAX(c->pool_size, MEMORY_MIN_BYTES / t.size);
		held[s] = calloc(n, sizeof(void *));
		r0 = bench_rss_bytes();
		for (i = 0; held[s] != NULL && i < n; i++) {
			held[s][i] = malloc(t.size);
			if (held[s][i] == NULL)
				break;
			memset(held[s][i], 0x5a, t.size);
		}
		count[s] = i;
		r1 = bench_rss_bytes();
		if (held[s] == NULL || i < n || r0 < 0 || r1 < 0) {
			bench_rec_note(&k, "could not hold %u objects", n);
			continue;
		}
		bench_rec_add(&k, "bytes_per_obj", (double)(r1 - r0) / n);
		bench_rec_add(
			&k, "meta_per_obj", (double)(r1 - r0) / n - t.size);
	}
	for (s = 0; s < c->n_sizes; s++) {
		for (i = 0; i < count[s]; i++)
			free(held[s][i]);
		free(held[s]);
	}
}

/*
 * Scenario 7's malloc side. This program does not link DPDK's libraries
 * nor lib/tradepool, so these mirror struct lfp_order and struct
 * lfp_trade (lfp_tradepool.h): the same fields, 64 B, written as
 * lfp_tp_order_create()/lfp_tp_trade_create() write them (the symbol as
 * its two words). Keep them in step with that header. The library also
 * checks its arguments; that cost stays in its own figure. Not declared
 * cache-aligned: malloc() only promises 16 B alignment.
 */
struct tp_order {
	uint64_t id;
	int64_t price;
	uint32_t qty, filled_qty;
	uint8_t side, type, state, slot;
	uint32_t owner;
	uint64_t symbol[2];
	uint64_t ts_created, ts_updated;
};

struct tp_trade {
	uint64_t id, buy_order_id, sell_order_id;
	int64_t price;
	uint32_t qty;
	uint8_t slot, reserved[3];
	uint64_t symbol[2];
	uint64_t ts;
};

_Static_assert(sizeof(struct tp_order) == BENCH_TP_SIZE &&
		sizeof(struct tp_trade) == BENCH_TP_SIZE,
	"the mirrors have the library's size");

/* "LFPL" padded with NULs, as lfp_tp_symbol_set() stores it (x86). */
#define TP_SYMBOL_W0 UINT64_C(0x4c50464c)

static void *
tp_order_create(void *ctx, uint64_t seq)
{
	struct tp_order *o = malloc(sizeof(*o));

	RTE_SET_USED(ctx);
	if (o == NULL)
		return NULL;
	o->id = seq + 1;
	o->price = 100000 + (int64_t)(seq & 1023);
	o->qty = (uint32_t)seq | 1;
	o->filled_qty = 0;
	o->side = (seq & 1) ? 2 : 1;
	o->type = 1;
	o->state = 1; /* LFP_TP_STATE_NEW */
	o->slot = 0;
	o->owner = 0;
	o->symbol[0] = TP_SYMBOL_W0;
	o->symbol[1] = 0;
	o->ts_created = seq << 3;
	o->ts_updated = o->ts_created;
	return o;
}

static void *
tp_trade_create(void *ctx, uint64_t seq)
{
	struct tp_trade *t = malloc(sizeof(*t));

	RTE_SET_USED(ctx);
	if (t == NULL)
		return NULL;
	t->id = seq + 1;
	t->buy_order_id = 2 * seq + 1;
	t->sell_order_id = 2 * seq + 2;
	t->price = 100000 + (int64_t)(seq & 1023);
	t->qty = (uint32_t)seq | 1;
	t->slot = 0;
	memset(t->reserved, 0, sizeof(t->reserved));
	t->symbol[0] = TP_SYMBOL_W0;
	t->symbol[1] = 0;
	t->ts = seq << 3;
	return t;
}

static void
tp_destroy(void *ctx, void *obj)
{
	RTE_SET_USED(ctx);
	free(obj);
}

static void
tradepool_scenario(const struct bench_conf *c, const char *family)
{
	static const struct bench_tp_ops ops[] = {
		{"order", tp_order_create, tp_destroy},
		{"trade", tp_trade_create, tp_destroy},
	};
	static const struct bench_loops none;
	struct bench_target t;
	unsigned int i;

	memset(&t, 0, sizeof(t));
	snprintf(t.name, sizeof(t.name), "%s", family);
	t.family = "malloc";
	t.cache = -1;
	t.size = BENCH_TP_SIZE;
	t.loops = &none;
	for (i = 0; i < RTE_DIM(ops); i++)
		bench_tradepool_measure(c, &plat, &t, &ops[i], NULL);
}

static int
platform_init(struct bench_conf *c)
{
	int n;

	plat.tsc_hz = c->tsc_hz > 0 ? c->tsc_hz : bench_tsc_calibrate();
	if (c->n_cpus == 0) {
		n = bench_online_cpus(c->cpus, BENCH_MAX_THREADS);
		if (n <= 0)
			return -EINVAL;
		c->n_cpus = (unsigned int)n;
	}
	plat.n_cpus = c->n_cpus;
	memcpy(plat.cpus, c->cpus, c->n_cpus * sizeof(c->cpus[0]));
	plat.n_lcores = plat.n_cpus;
	plat.run_lcores = pthread_run_lcores;
	/* Lcore 0 is this thread, on the first CPU. */
	return bench_pin_self(plat.cpus[0]);
}

static void
run_all(const struct bench_conf *c, const char *family)
{
	struct bench_target t[BENCH_MAX_LIST];
	unsigned int s, r;

	if (c->scenarios & BENCH_S_MEMORY)
		memory_scenario(c, family);
	plat.timer_overhead = bench_timer_overhead();
	plat.tsc_resolution = bench_tsc_resolution();
	for (s = 0; s < c->n_sizes; s++) {
		memset(&t[s], 0, sizeof(t[s]));
		snprintf(t[s].name, sizeof(t[s].name), "%s", family);
		t[s].family = "malloc";
		t[s].ctx = (void *)(uintptr_t)c->sizes[s];
		t[s].cache = -1;
		t[s].size = c->sizes[s];
		t[s].caps = BENCH_CAP_MT | BENCH_CAP_NONEAL | BENCH_CAP_SPSC;
		t[s].loops = &bench_loops_impl;
	}
	for (s = 0; s < c->n_sizes; s++)
		for (r = 0; r < c->runs; r++)
			bench_run_size(c, &plat, &t[s], 1, r);
	if ((c->scenarios & BENCH_S_TRADEPOOL) && !bench_interrupted())
		tradepool_scenario(c, family);
}

int
main(int argc, char **argv)
{
	struct bench_conf c;
	const char *family;
	int rc;

	rc = bench_opts_parse(&c, argc, argv, true);
	if (rc != 0)
		return rc > 0 ? EXIT_SUCCESS : LFP_OPT_EXIT_USAGE;
	family = c.family != NULL ? c.family : "glibc";
	rc = check_family(family);
	if (rc != 0)
		return rc == -ENOENT ? LFP_MALLOC_EXIT_NOT_LOADED :
				       EXIT_FAILURE;
	if (platform_init(&c) != 0) {
		fprintf(stderr, "lfpool-bench-malloc: cannot use CPU %u\n",
			c.cpus[0]);
		return EXIT_FAILURE;
	}
	if (bench_catch_interrupt() != 0)
		fprintf(stderr, "lfpool-bench-malloc: SIGINT not caught\n");
	run_all(&c, family);
	if (c.json_path != NULL &&
		bench_report_write_json(c.json_path, NULL, &c, NULL)) {
		fprintf(stderr, "lfpool-bench-malloc: cannot write %s\n",
			c.json_path);
		return EXIT_FAILURE;
	}
	if (c.json_path == NULL)
		bench_report_print(stdout, &c);
	bench_rec_free_all();
	return EXIT_SUCCESS;
}
