/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The lfpool authors
 */

/*
 * Scenario 7 in lfpool-bench: lib/tradepool's Order and Trade create and
 * free, pools on the "lfpool" ops with the default (automatic) per-lcore
 * cache, warmed up first. lfpool-bench-malloc times malloc() plus the
 * same field writes beside it (malloc_main.c).
 */

#include <string.h>

#include <rte_errno.h>
#include <rte_mempool.h>

#include "bench_main.h"

#ifdef LFP_BENCH_HAVE_TRADEPOOL

#include "lfp_tradepool.h"

_Static_assert(sizeof(struct lfp_order) == BENCH_TP_SIZE &&
		sizeof(struct lfp_trade) == BENCH_TP_SIZE,
	"scenario 7 records 64 B objects");

/* Enough for the timed loops, which hold one object at a time. */
#define TP_COUNT 4096

struct tp_ctx {
	struct lfp_tp_pools *pools;
	struct lfp_tp_symbol sym;
};

static void *
order_create(void *ctx, uint64_t seq)
{
	struct tp_ctx *x = ctx;

	return lfp_tp_order_create(x->pools, seq + 1, &x->sym,
		(seq & 1) ? LFP_TP_SIDE_SELL : LFP_TP_SIDE_BUY,
		LFP_TP_ORDER_LIMIT, 100000 + (int64_t)(seq & 1023),
		(uint32_t)seq | 1, seq << 3);
}

static void
order_destroy(void *ctx, void *obj)
{
	lfp_tp_order_free(((struct tp_ctx *)ctx)->pools, obj);
}

static void *
trade_create(void *ctx, uint64_t seq)
{
	struct tp_ctx *x = ctx;

	return lfp_tp_trade_create(x->pools, seq + 1, 2 * seq + 1, 2 * seq + 2,
		&x->sym, 100000 + (int64_t)(seq & 1023), (uint32_t)seq | 1,
		seq << 3);
}

static void
trade_destroy(void *ctx, void *obj)
{
	lfp_tp_trade_free(((struct tp_ctx *)ctx)->pools, obj);
}

static const struct bench_tp_ops tp_ops[] = {
	{"order", order_create, order_destroy},
	{"trade", trade_create, trade_destroy},
};

/* The record's name; its cache is the one the pools really got. */
static void
tp_target(struct bench_target *t, const struct lfp_tp_pools *pools,
	enum lfp_tp_type type)
{
	const struct rte_mempool *mp = lfp_tp_mempool(
		pools, type, (int)rte_socket_id());

	memset(t, 0, sizeof(*t));
	snprintf(t->name, sizeof(t->name), "tradepool");
	t->family = "mempool";
	t->cache = mp != NULL ? (int)mp->cache_size : -1;
	t->size = BENCH_TP_SIZE;
}

void
bench_tradepool_run(const struct bench_conf *c, const struct bench_platform *p)
{
	static const enum lfp_tp_type types[] = {
		LFP_TP_TYPE_ORDER, LFP_TP_TYPE_TRADE};
	struct lfp_tp_conf conf;
	struct bench_target t;
	struct bench_key k;
	struct tp_ctx x;
	unsigned int i;

	lfp_tp_conf_init(&conf);
	snprintf(conf.name, sizeof(conf.name), "benchtp");
	conf.ops_name = "lfpool";
	/* Only the two types measured: the others would only cost memory. */
	for (i = 0; i < LFP_TP_TYPE_MAX; i++)
		conf.type[i].count = 0;
	conf.type[LFP_TP_TYPE_ORDER].count = TP_COUNT;
	conf.type[LFP_TP_TYPE_TRADE].count = TP_COUNT;
	x.pools = lfp_tp_create(&conf);
	if (x.pools == NULL || lfp_tp_symbol_set(&x.sym, "LFPL") < 0 ||
		lfp_tp_warmup(x.pools) < 0) {
		memset(&t, 0, sizeof(t));
		snprintf(t.name, sizeof(t.name), "tradepool");
		t.family = "mempool";
		t.cache = -1;
		t.size = BENCH_TP_SIZE;
		bench_key_init(&k, "tradepool", &t, 1, 1, "order");
		bench_rec_note(
			&k, "pools not created: %s", rte_strerror(rte_errno));
		lfp_tp_free(x.pools);
		return;
	}
	for (i = 0; i < RTE_DIM(tp_ops); i++) {
		tp_target(&t, x.pools, types[i]);
		bench_tradepool_measure(c, p, &t, &tp_ops[i], &x);
	}
	lfp_tp_free(x.pools);
}

#else /* !LFP_BENCH_HAVE_TRADEPOOL */

void
bench_tradepool_run(const struct bench_conf *c, const struct bench_platform *p)
{
	struct bench_target t = {
		.family = "mempool", .cache = -1, .size = BENCH_TP_SIZE};
	struct bench_key k;

	RTE_SET_USED(c);
	RTE_SET_USED(p);
	snprintf(t.name, sizeof(t.name), "tradepool");
	bench_key_init(&k, "tradepool", &t, 1, 1, "order");
	bench_rec_note(
		&k, "%s", "lib/tradepool or the lfpool driver not built");
}

#endif
