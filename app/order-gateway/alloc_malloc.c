/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The lfpool authors
 */

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <rte_errno.h>

#include "alloc.h"

/*
 * malloc: the baseline. Each object is one cache line with cache-line
 * alignment (the tradepool types say so), hence aligned_alloc(); orders
 * and trades are checked and initialised by lib/tradepool's own
 * lfp_tp_*_init(), so the baseline does exactly the constructors' work.
 */

static void *
m_get(struct gw_malloc_ctx *c, enum gw_obj kind, size_t size)
{
	void *p;

	if (c->limit[kind] != 0 && c->in_use[kind] >= c->limit[kind]) {
		c->failures++;
		rte_errno = ENOBUFS;
		return NULL;
	}
	p = c->plain ? malloc(size) : aligned_alloc(RTE_CACHE_LINE_SIZE, size);
	if (p == NULL) {
		c->failures++;
		rte_errno = ENOBUFS;
		return NULL;
	}
	c->in_use[kind]++;
	return p;
}

static void
m_put(struct gw_malloc_ctx *c, enum gw_obj kind, void *p)
{
	if (p == NULL)
		return;
	c->in_use[kind]--;
	free(p);
}

static struct lfp_order *
m_order_create(void *ctx, uint64_t id, const struct lfp_tp_symbol *symbol,
	enum lfp_tp_side side, enum lfp_tp_order_type type, int64_t price,
	uint32_t qty, uint64_t ts)
{
	struct lfp_order *o = m_get(ctx, GW_OBJ_ORDER, sizeof(*o));

	if (o != NULL &&
		lfp_tp_order_init(o, id, symbol, side, type, price, qty, ts) <
			0) {
		m_put(ctx, GW_OBJ_ORDER, o);
		return NULL;
	}
	return o;
}

static void
m_order_free(void *ctx, struct lfp_order *o)
{
	m_put(ctx, GW_OBJ_ORDER, o);
}

static struct lfp_trade *
m_trade_create(void *ctx, uint64_t id, uint64_t buy_id, uint64_t sell_id,
	const struct lfp_tp_symbol *symbol, int64_t price, uint32_t qty,
	uint64_t ts)
{
	struct lfp_trade *t = m_get(ctx, GW_OBJ_TRADE, sizeof(*t));

	if (t != NULL &&
		lfp_tp_trade_init(
			t, id, buy_id, sell_id, symbol, price, qty, ts) < 0) {
		m_put(ctx, GW_OBJ_TRADE, t);
		return NULL;
	}
	return t;
}

static void
m_trade_free(void *ctx, struct lfp_trade *t)
{
	m_put(ctx, GW_OBJ_TRADE, t);
}

static struct lfp_order_node *
m_node_create(void *ctx, struct lfp_order *order)
{
	struct lfp_order_node *n = m_get(ctx, GW_OBJ_NODE, sizeof(*n));

	if (n == NULL)
		return NULL;
	*n = (struct lfp_order_node){.order = order};
	return n;
}

static void
m_node_free(void *ctx, struct lfp_order_node *n)
{
	m_put(ctx, GW_OBJ_NODE, n);
}

static struct lfp_price_level *
m_level_create(void *ctx, enum lfp_tp_side side, int64_t price)
{
	struct lfp_price_level *l = m_get(ctx, GW_OBJ_LEVEL, sizeof(*l));

	if (l == NULL)
		return NULL;
	*l = (struct lfp_price_level){.price = price, .side = side};
	return l;
}

static void
m_level_free(void *ctx, struct lfp_price_level *l)
{
	m_put(ctx, GW_OBJ_LEVEL, l);
}

static const struct gw_alloc_ops malloc_ops = {
	.order_create = m_order_create,
	.order_free = m_order_free,
	.trade_create = m_trade_create,
	.trade_free = m_trade_free,
	.node_create = m_node_create,
	.node_free = m_node_free,
	.level_create = m_level_create,
	.level_free = m_level_free,
};

void
gw_alloc_malloc_init(struct gw_alloc *a, struct gw_malloc_ctx *ctx)
{
	memset(ctx->in_use, 0, sizeof(ctx->in_use));
	ctx->failures = 0;
	a->ops = &malloc_ops;
	a->ctx = ctx;
}

uint64_t
gw_alloc_malloc_in_use(const struct gw_malloc_ctx *ctx)
{
	uint64_t sum = 0;
	unsigned int i;

	for (i = 0; i < GW_OBJ_MAX; i++)
		sum += ctx->in_use[i];
	return sum;
}
