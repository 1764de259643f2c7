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

#include <rte_cycles.h>
#include <rte_errno.h>

#include "gateway.h"

struct flow {
	struct gw_msg *msgs;
	uint32_t *sym;
	uint64_t n;
};

static void
count_emit(void *ctx, struct gw_msg *m)
{
	uint64_t *events = ctx;

	*events += m->type;
}

static int
make_flow(const struct gw_app *app, const struct gw_symtab *t,
		struct flow *f)
{
	struct gw_gen_conf gc = {
		.seed = app->opt.seed,
		.symtab = t,
		.sessions = app->opt.sessions,
		.live_per_symbol = app->opt.live_per_symbol,
		.gateway = app->opt.local,
	};
	struct gw_gen *g = gw_gen_create(&gc);
	uint8_t frame[GW_PROTO_FRAME_MAX];
	struct gw_endpoint peer;
	uint64_t symbol, i;

	f->n = app->opt.bench_ops;
	f->msgs = malloc(f->n * sizeof(*f->msgs));
	f->sym = malloc(f->n * sizeof(*f->sym));
	if (g == NULL || f->msgs == NULL || f->sym == NULL) {
		gw_gen_free(g);
		return -1;
	}
	for (i = 0; i < f->n; i++) {
		uint32_t len = gw_gen_next(g, frame, &symbol);

		gw_proto_parse(frame, len, &app->opt.local, &f->msgs[i], &peer);
		f->sym[i] = (uint32_t)gw_symtab_find(t, symbol);
	}
	gw_gen_free(g);
	return 0;
}

/* Run the flow on fresh books over @p a: cycles, or 0 on error. */
static uint64_t
run_flow(const struct gw_app *app, const struct gw_symtab *t,
		const struct flow *f, const struct gw_alloc *a,
		uint64_t *events)
{
	uint32_t nsym = gw_symtab_count(t), i;
	struct gw_sink sink = { .emit = count_emit, .ctx = events };
	struct gw_book **books = calloc(nsym, sizeof(*books));
	struct gw_ordmap *map = gw_ordmap_create(app->opt.pool_orders,
		SOCKET_ID_ANY);
	struct gw_book_conf bc = {
		.max_levels = app->opt.max_levels,
		.socket = SOCKET_ID_ANY,
	};
	uint64_t t0 = 0, t1 = 0, k;
	const struct gw_msg *m;

	for (i = 0; books != NULL && map != NULL && i < nsym; i++) {
		bc.sym_idx = i;
		bc.symbol = gw_symtab_symbol(t, i);
		books[i] = gw_book_create(&bc, map, a);
		if (books[i] == NULL)
			goto out;
	}
	if (books == NULL || map == NULL)
		goto out;
	t0 = rte_rdtsc_precise();
	for (k = 0; k < f->n; k++) {
		m = &f->msgs[k];
		if (m->type == GW_MSG_NEW)
			gw_book_new(books[f->sym[k]], m, k, &sink);
		else if (m->type == GW_MSG_CANCEL)
			gw_book_cancel(books[f->sym[k]], m, k, &sink);
		else
			gw_book_replace(books[f->sym[k]], m, k, &sink);
	}
	t1 = rte_rdtsc_precise();
out:
	for (i = 0; books != NULL && i < nsym; i++)
		gw_book_free(books[i]);
	free(books);
	gw_ordmap_free(map);
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

int
gw_bench_book(const struct gw_app *app)
{
	struct gw_symtab *t = gw_symtab_create(app->opt.symbols,
		SOCKET_ID_ANY);
	struct lfp_tp_pools *pools = bench_pools(app);
	struct gw_malloc_ctx mctx = { 0 };
	uint64_t ev_tp = 0, ev_m = 0, c_tp, c_m;
	struct flow f = { 0 };
	struct gw_alloc a;
	double hz = (double)app->tsc_hz;
	int ret = -1;

	if (t == NULL || pools == NULL || make_flow(app, t, &f) < 0)
		goto out;
	gw_alloc_tp_init(&a, pools);
	c_tp = run_flow(app, t, &f, &a, &ev_tp);
	gw_alloc_malloc_init(&a, &mctx);
	c_m = run_flow(app, t, &f, &a, &ev_m);
	if (c_tp == 0 || c_m == 0 || ev_tp != ev_m) {
		GW_LOG(ERR, "bench runs failed or differ");
		goto out;
	}
	printf("book bench: %" PRIu64 " requests, %u symbols, one lcore\n"
		"  typed pools (ops %s): %.2f M requests/s, %.1f ns/request\n"
		"  malloc:%*s %.2f M requests/s, %.1f ns/request\n"
		"  lfpool / malloc: %.2fx; objects back: %s / %s\n",
		f.n, gw_symtab_count(t), app->opt.pool_ops,
		(double)f.n * hz / (double)c_tp / 1e6,
		(double)c_tp * 1e9 / hz / (double)f.n,
		(int)strlen(app->opt.pool_ops) + 14, "",
		(double)f.n * hz / (double)c_m / 1e6,
		(double)c_m * 1e9 / hz / (double)f.n,
		(double)c_m / (double)c_tp,
		lfp_tp_full(pools) ? "yes" : "NO",
		gw_alloc_malloc_in_use(&mctx) == 0 ? "yes" : "NO");
	ret = lfp_tp_full(pools) && gw_alloc_malloc_in_use(&mctx) == 0 ?
		0 : -1;
out:
	free(f.msgs);
	free(f.sym);
	lfp_tp_free(pools);
	gw_symtab_free(t);
	return ret;
}
