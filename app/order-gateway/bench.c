/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The lfpool authors
 */

/*
 * --bench-book: the matching engine alone on the main lcore. The same
 * generated requests (parsed beforehand) run through the same books twice:
 * once on lfpool typed pools, once on the malloc allocator. Printed, not
 * asserted.
 */

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <rte_cycles.h>
#include <rte_errno.h>

#include "gateway.h"

struct flow {
	struct gw_msg *msgs;
	uint32_t *sym;
	uint8_t (*frames)[GW_PROTO_FRAME_MAX];
	uint32_t *lens;
	uint64_t n;
};

static void
count_emit(void *ctx, struct gw_msg *m)
{
	uint64_t *events = ctx;

	*events += m->type;
}

static int
make_flow(const struct gw_app *app, const struct gw_symtab *t, struct flow *f)
{
	struct gw_gen_conf gc = {
		.seed = app->opt.seed,
		.symtab = t,
		.sessions = app->opt.sessions,
		.live_per_symbol = app->opt.live_per_symbol,
		.gateway = app->opt.local,
	};
	struct gw_gen *g = gw_gen_create(&gc);
	struct gw_endpoint peer;
	uint64_t symbol, i;

	f->n = app->opt.bench_ops;
	f->msgs = malloc(f->n * sizeof(*f->msgs));
	f->sym = malloc(f->n * sizeof(*f->sym));
	f->frames = malloc(f->n * sizeof(*f->frames));
	f->lens = malloc(f->n * sizeof(*f->lens));
	if (g == NULL || f->msgs == NULL || f->sym == NULL ||
		f->frames == NULL || f->lens == NULL) {
		gw_gen_free(g);
		return -1;
	}
	for (i = 0; i < f->n; i++) {
		f->lens[i] = gw_gen_next(g, f->frames[i], &symbol);
		gw_proto_parse(f->frames[i], f->lens[i], &app->opt.local,
			&f->msgs[i], &peer);
		f->sym[i] = (uint32_t)gw_symtab_find(t, symbol);
	}
	gw_gen_free(g);
	return 0;
}

/*
 * Run the flow on fresh books over @p a: TSC cycles (wall), or 0 on error;
 * the thread's CPU time in @p cpu_ns (the two differ when the CPU is
 * shared with other work).
 */
static uint64_t
run_flow(const struct gw_app *app, const struct gw_symtab *t,
	const struct flow *f, const struct gw_alloc *a, uint64_t *events,
	double *cpu_ns)
{
	struct timespec c0, c1;
	uint32_t nsym = gw_symtab_count(t), i;
	struct gw_sink sink = {.emit = count_emit, .ctx = events};
	struct gw_book **books = calloc(nsym, sizeof(*books));
	struct gw_ordmap *map = gw_ordmap_create(
		app->opt.pool_orders, SOCKET_ID_ANY);
	struct gw_book_conf bc = {
		.max_levels = app->opt.max_levels,
		.socket = SOCKET_ID_ANY,
	};
	const struct gw_msg *reqs[GW_BURST], *m;
	void *bb[GW_BURST];
	uint64_t t0 = 0, t1 = 0, k;
	unsigned int nb;

	for (i = 0; books != NULL && map != NULL && i < nsym; i++) {
		bc.sym_idx = i;
		bc.symbol = gw_symtab_symbol(t, i);
		books[i] = gw_book_create(&bc, map, a);
		if (books[i] == NULL)
			goto out;
	}
	if (books == NULL || map == NULL)
		goto out;
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &c0);
	t0 = rte_rdtsc_precise();
	/* In bursts, as the gateway's workers see them. */
	for (k = 0; k < f->n; k += GW_BURST) {
		nb = (unsigned int)RTE_MIN(f->n - k, (uint64_t)GW_BURST);
		for (i = 0; i < nb; i++) {
			bb[i] = books[f->sym[k + i]];
			reqs[i] = &f->msgs[k + i];
		}
		gw_book_prefetch_burst(bb, reqs, nb);
		for (i = 0; i < nb; i++) {
			m = reqs[i];
			if (m->type == GW_MSG_NEW)
				gw_book_new(bb[i], m, k, &sink);
			else if (m->type == GW_MSG_CANCEL)
				gw_book_cancel(bb[i], m, k, &sink);
			else
				gw_book_replace(bb[i], m, k, &sink);
		}
	}
	t1 = rte_rdtsc_precise();
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &c1);
	*cpu_ns = (double)(c1.tv_sec - c0.tv_sec) * 1e9 +
		(double)(c1.tv_nsec - c0.tv_nsec);
out:
	for (i = 0; books != NULL && i < nsym; i++)
		gw_book_free(books[i]);
	free(books);
	gw_ordmap_free(map);
	return t1 - t0;
}

/* The engine's output in the benchmark: encode, as the worker does. */
static void
encode_out(void *ctx, const struct gw_msg *m, const struct gw_endpoint *dst)
{
	static uint8_t buf[GW_PROTO_FRAME_MAX];
	uint64_t *events = ctx;
	struct gw_endpoint src = {.port = 0};

	gw_proto_encode(buf, sizeof(buf), &src, dst, m);
	*events += buf[GW_PROTO_L2_L4_LEN + 3];
}

/*
 * The same flow as frames through the engine (parse, book, encode the
 * responses into a buffer): the gateway's work per request without the
 * ports and mbufs. Cycles, or 0 on error; CPU time in @p cpu_ns.
 */
static uint64_t
run_engine(const struct gw_app *app, const struct gw_symtab *t,
	const struct flow *f, const struct gw_alloc *a, uint64_t *events,
	double *cpu_ns)
{
	uint32_t nsym = gw_symtab_count(t), i;
	struct gw_engine_conf ec = {
		.symtab = t,
		.local = app->opt.local,
		.ops = &gw_book_ops,
		.out = encode_out,
		.out_ctx = events,
		.socket = SOCKET_ID_ANY,
	};
	struct gw_book_conf bc = {
		.max_levels = app->opt.max_levels,
		.socket = SOCKET_ID_ANY,
	};
	struct gw_book **books = calloc(nsym, sizeof(*books));
	struct gw_ordmap *map = gw_ordmap_create(
		app->opt.pool_orders, SOCKET_ID_ANY);
	const void *frames[GW_BURST];
	struct gw_engine *e = calloc(1, sizeof(*e));
	struct timespec c0, c1;
	uint64_t t0 = 0, t1 = 0, k;
	unsigned int nb, j;

	if (books == NULL || map == NULL || e == NULL ||
		gw_engine_init(e, &ec) < 0)
		goto out;
	for (i = 0; i < nsym; i++) {
		bc.sym_idx = i;
		bc.symbol = gw_symtab_symbol(t, i);
		books[i] = gw_book_create(&bc, map, a);
		if (books[i] == NULL)
			goto out;
		gw_engine_set_book(e, i, books[i]);
	}
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &c0);
	t0 = rte_rdtsc_precise();
	for (k = 0; k < f->n; k += GW_BURST) {
		nb = (unsigned int)RTE_MIN(f->n - k, (uint64_t)GW_BURST);
		for (j = 0; j < nb; j++)
			frames[j] = f->frames[k + j];
		gw_engine_burst(e, frames, &f->lens[k], nb, k);
	}
	t1 = rte_rdtsc_precise();
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &c1);
	*cpu_ns = (double)(c1.tv_sec - c0.tv_sec) * 1e9 +
		(double)(c1.tv_nsec - c0.tv_nsec);
out:
	for (i = 0; books != NULL && i < nsym; i++)
		gw_book_free(books[i]);
	free(books);
	gw_ordmap_free(map);
	if (e != NULL)
		gw_engine_fini(e);
	free(e);
	return t1 - t0;
}

static struct lfp_tp_pools *
bench_pools(const struct gw_app *app)
{
	struct lfp_tp_conf conf;
	struct lfp_tp_pools *p;
	unsigned int t;

	lfp_tp_conf_init(&conf);
	snprintf(conf.name, sizeof(conf.name), "gwbench");
	conf.ops_name = app->opt.pool_ops;
	for (t = 0; t < LFP_TP_TYPE_MAX; t++)
		conf.type[t].count = 0;
	conf.type[LFP_TP_TYPE_ORDER].count = app->opt.pool_orders;
	conf.type[LFP_TP_TYPE_ORDER_NODE].count = app->opt.pool_orders;
	conf.type[LFP_TP_TYPE_PRICE_LEVEL].count = app->opt.pool_levels;
	conf.type[LFP_TP_TYPE_TRADE].count = app->opt.pool_trades;
	p = lfp_tp_create(&conf);
	if (p == NULL || lfp_tp_warmup(p) < 0) {
		GW_LOG(ERR, "bench pools (ops %s): %s", app->opt.pool_ops,
			rte_strerror(rte_errno));
		lfp_tp_free(p);
		return NULL;
	}
	return p;
}

static void
print_run(const char *what, const char *how, uint64_t n, uint64_t cycles,
	double cpu_ns, double hz)
{
	printf("  %-11s (%-13s): %6.2f M requests/s wall (%6.1f ns), "
	       "%6.2f M/s CPU (%6.1f ns)\n",
		what, how, (double)n * hz / (double)cycles / 1e6,
		(double)cycles * 1e9 / hz / (double)n, (double)n * 1e3 / cpu_ns,
		cpu_ns / (double)n);
}

int
gw_bench_book(const struct gw_app *app)
{
	struct gw_symtab *t = gw_symtab_create(app->opt.symbols, SOCKET_ID_ANY);
	struct lfp_tp_pools *pools = bench_pools(app);
	struct gw_malloc_ctx mctx = {0};
	uint64_t ev_tp = 0, ev_m = 0, ev_e = 0, c_tp, c_m, c_e;
	double cpu_tp = 0, cpu_m = 0, cpu_e = 0;
	struct flow f = {0};
	struct gw_alloc a;
	double hz = (double)app->tsc_hz;
	int ret = -1;

	if (t == NULL || pools == NULL || make_flow(app, t, &f) < 0)
		goto out;
	gw_alloc_tp_init(&a, pools);
	c_tp = run_flow(app, t, &f, &a, &ev_tp, &cpu_tp);
	gw_alloc_malloc_init(&a, &mctx);
	c_m = run_flow(app, t, &f, &a, &ev_m, &cpu_m);
	gw_alloc_tp_init(&a, pools);
	c_e = run_engine(app, t, &f, &a, &ev_e, &cpu_e);
	if (c_tp == 0 || c_m == 0 || c_e == 0 || ev_tp != ev_m) {
		GW_LOG(ERR, "bench runs failed or differ");
		goto out;
	}
	printf("book bench: %" PRIu64 " requests, %u symbols, one lcore "
	       "(wall from the TSC; CPU from the thread's CPU clock)\n",
		f.n, gw_symtab_count(t));
	print_run("typed pools", app->opt.pool_ops, f.n, c_tp, cpu_tp, hz);
	print_run("malloc", "aligned_alloc", f.n, c_m, cpu_m, hz);
	print_run("+ protocol", "parse, encode", f.n, c_e, cpu_e, hz);
	printf("  typed pools / malloc: %.2fx wall, %.2fx CPU; objects back:"
	       " %s / %s\n",
		(double)c_m / (double)c_tp, cpu_m / cpu_tp,
		lfp_tp_full(pools) ? "yes" : "NO",
		gw_alloc_malloc_in_use(&mctx) == 0 ? "yes" : "NO");
	ret = lfp_tp_full(pools) && gw_alloc_malloc_in_use(&mctx) == 0 ? 0 : -1;
out:
	free(f.msgs);
	free(f.sym);
	free(f.frames);
	free(f.lens);
	lfp_tp_free(pools);
	gw_symtab_free(t);
	return ret;
}
