/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The lfpool authors
 */

#include "alloc.h"

/* lib/tradepool: the ops are its constructors with the pools as ctx. */

static struct lfp_order *
tp_order_create(void *ctx, uint64_t id, const struct lfp_tp_symbol *symbol,
	enum lfp_tp_side side, enum lfp_tp_order_type type, int64_t price,
	uint32_t qty, uint64_t ts)
{
	return lfp_tp_order_create(ctx, id, symbol, side, type, price, qty, ts);
}

static void
tp_order_free(void *ctx, struct lfp_order *o)
{
	lfp_tp_order_free(ctx, o);
}

static struct lfp_trade *
tp_trade_create(void *ctx, uint64_t id, uint64_t buy_id, uint64_t sell_id,
	const struct lfp_tp_symbol *symbol, int64_t price, uint32_t qty,
	uint64_t ts)
{
	return lfp_tp_trade_create(
		ctx, id, buy_id, sell_id, symbol, price, qty, ts);
}

static void
tp_trade_free(void *ctx, struct lfp_trade *t)
{
	lfp_tp_trade_free(ctx, t);
}

static struct lfp_order_node *
tp_node_create(void *ctx, struct lfp_order *order)
{
	return lfp_tp_order_node_create(ctx, order);
}

static void
tp_node_free(void *ctx, struct lfp_order_node *n)
{
	lfp_tp_order_node_free(ctx, n);
}

static struct lfp_price_level *
tp_level_create(void *ctx, enum lfp_tp_side side, int64_t price)
{
	return lfp_tp_price_level_create(ctx, side, price);
}

static void
tp_level_free(void *ctx, struct lfp_price_level *l)
{
	lfp_tp_price_level_free(ctx, l);
}

static const struct gw_alloc_ops tp_ops = {
	.order_create = tp_order_create,
	.order_free = tp_order_free,
	.trade_create = tp_trade_create,
	.trade_free = tp_trade_free,
	.node_create = tp_node_create,
	.node_free = tp_node_free,
	.level_create = tp_level_create,
	.level_free = tp_level_free,
};

void
gw_alloc_tp_init(struct gw_alloc *a, struct lfp_tp_pools *pools)
{
	a->ops = &tp_ops;
	a->ctx = pools;
}
