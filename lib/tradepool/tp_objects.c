/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The lfpool authors
 */

/*
 * The trading path: typed constructors that validate and initialise in
 * place, the matching frees, raw buffers, and the per-lcore counters they
 * bump. Nothing here allocates, locks (except for threads without an lcore
 * id) or logs.
 */

#include <errno.h>
#include <string.h>

#include <rte_branch_prediction.h>
#include <rte_errno.h>

#include "lfp_numa.h"
#include "tp_private.h"

int
lfp_tp_symbol_set_n(struct lfp_tp_symbol *sym, const char *str, size_t len)
{
	size_t n;

	if (sym == NULL || str == NULL)
		goto invalid;
	for (n = 0; n < len && str[n] != '\0'; n++) {
		if (n == LFP_TP_SYMBOL_LEN || str[n] < 0x20 || str[n] > 0x7e)
			goto invalid;
	}
	if (n == 0)
		goto invalid;
	memset(sym, 0, sizeof(*sym));
	memcpy(sym->c, str, n);
	return 0;
invalid:
	rte_errno = EINVAL;
	return -EINVAL;
}

int
lfp_tp_symbol_set(struct lfp_tp_symbol *sym, const char *str)
{
	/* One past the longest symbol, so a longer string is refused. */
	return lfp_tp_symbol_set_n(sym, str, LFP_TP_SYMBOL_LEN + 1);
}

/* The counter row of the calling thread; the shared row needs the lock. */
static inline unsigned int
tp_row(void)
{
	unsigned int lcore = rte_lcore_id();

	return lcore < RTE_MAX_LCORE ? lcore : TP_ROW_SHARED;
}

/*
 * Single-writer increment: only this row's thread writes the counter, so
 * a load and a store do; relaxed because readers only need an untorn value
 * and nothing else is published through it (pairs with the relaxed loads
 * in tp_stats.c).
 */
static inline void
counter_store(uint64_t *c, uint64_t v)
{
	__atomic_store_n(c, v, __ATOMIC_RELAXED);
}

enum tp_event {
	TP_EV_ALLOC,
	TP_EV_FREE,
	TP_EV_FAIL,
};

/* Count one event of the calling thread (@row) on (@slot, @type). */
static inline void
count_event(struct lfp_tp_pools *p, unsigned int row, unsigned int slot,
	unsigned int type, enum tp_event ev)
{
	struct tp_counters *c = tp_counters_at(p, row, slot, type);
	int64_t net;

	if (unlikely(row == TP_ROW_SHARED))
		rte_spinlock_lock(&p->shared_lock);
	if (ev == TP_EV_FAIL) {
		/* Exhaustion is counted even with the 'stats' option off. */
		counter_store(&c->failures, c->failures + 1);
	} else if (LFP_STATS) {
		if (ev == TP_EV_ALLOC)
			counter_store(&c->allocs, c->allocs + 1);
		else
			counter_store(&c->frees, c->frees + 1);
		net = c->net + (ev == TP_EV_ALLOC ? 1 : -1);
		counter_store((uint64_t *)&c->net, net);
		if (net > c->peak)
			counter_store((uint64_t *)&c->peak, net);
	}
	if (unlikely(row == TP_ROW_SHARED))
		rte_spinlock_unlock(&p->shared_lock);
}

/* Take one object of @type from the calling lcore's socket. */
static inline void *
tp_get(struct lfp_tp_pools *p, unsigned int type, uint8_t *slot_out)
{
	unsigned int row = tp_row();
	unsigned int slot = row != TP_ROW_SHARED ? p->lcore_slot[row] :
						   p->shared_slot;
	struct rte_mempool *mp = p->slot[slot].mp[type];
	void *obj;

	if (unlikely(mp == NULL || tp_mp_get(mp, &obj) != 0)) {
		count_event(p, row, slot, type, TP_EV_FAIL);
		rte_errno = ENOBUFS;
		return NULL;
	}
	count_event(p, row, slot, type, TP_EV_ALLOC);
	*slot_out = slot;
	return obj;
}

static inline void
tp_put(struct lfp_tp_pools *p, unsigned int type, unsigned int slot, void *obj)
{
	/* The slot byte comes from the object itself; see the header. */
	RTE_ASSERT(slot < p->nb_slots && p->slot[slot].mp[type] != NULL);
	tp_mp_put(p->slot[slot].mp[type], obj);
	count_event(p, tp_row(), slot, type, TP_EV_FREE);
}

static inline bool
side_valid(enum lfp_tp_side side)
{
	return side == LFP_TP_SIDE_BUY || side == LFP_TP_SIDE_SELL;
}

static inline bool
order_type_valid(enum lfp_tp_order_type type)
{
	return type >= LFP_TP_ORDER_LIMIT && type <= LFP_TP_ORDER_FOK;
}

static inline bool
symbol_valid(const struct lfp_tp_symbol *sym)
{
	return sym != NULL && sym->c[0] != '\0';
}

static inline bool
order_args_valid(const struct lfp_tp_symbol *symbol, enum lfp_tp_side side,
	enum lfp_tp_order_type type, int64_t price, uint32_t qty)
{
	return symbol_valid(symbol) && side_valid(side) &&
		order_type_valid(type) && price >= 0 && qty != 0;
}

static inline void
order_fill(struct lfp_order *o, uint8_t slot, uint64_t id,
	const struct lfp_tp_symbol *symbol, enum lfp_tp_side side,
	enum lfp_tp_order_type type, int64_t price, uint32_t qty, uint64_t ts)
{
	*o = (struct lfp_order){
		.id = id,
		.price = price,
		.qty = qty,
		.side = side,
		.type = type,
		.state = LFP_TP_STATE_NEW,
		.tp_slot = slot,
		.symbol = *symbol,
		.ts_created = ts,
		.ts_updated = ts,
	};
}

int
lfp_tp_order_init(struct lfp_order *o, uint64_t id,
	const struct lfp_tp_symbol *symbol, enum lfp_tp_side side,
	enum lfp_tp_order_type type, int64_t price, uint32_t qty, uint64_t ts)
{
	if (unlikely(o == NULL ||
		    !order_args_valid(symbol, side, type, price, qty))) {
		rte_errno = EINVAL;
		return -EINVAL;
	}
	order_fill(o, LFP_TP_SLOT_NONE, id, symbol, side, type, price, qty, ts);
	return 0;
}

struct lfp_order *
lfp_tp_order_create(struct lfp_tp_pools *pools, uint64_t id,
	const struct lfp_tp_symbol *symbol, enum lfp_tp_side side,
	enum lfp_tp_order_type type, int64_t price, uint32_t qty, uint64_t ts)
{
	struct lfp_order *o;
	uint8_t slot;

	if (unlikely(pools == NULL ||
		    !order_args_valid(symbol, side, type, price, qty))) {
		rte_errno = EINVAL;
		return NULL;
	}
	o = tp_get(pools, LFP_TP_TYPE_ORDER, &slot);
	if (unlikely(o == NULL))
		return NULL;
	order_fill(o, slot, id, symbol, side, type, price, qty, ts);
	return o;
}

void
lfp_tp_order_free(struct lfp_tp_pools *pools, struct lfp_order *o)
{
	if (o != NULL)
		tp_put(pools, LFP_TP_TYPE_ORDER, o->tp_slot, o);
}

static inline bool
trade_args_valid(uint64_t buy_order_id, uint64_t sell_order_id,
	const struct lfp_tp_symbol *symbol, int64_t price, uint32_t qty)
{
	return symbol_valid(symbol) && price >= 0 && qty != 0 &&
		buy_order_id != sell_order_id;
}

static inline void
trade_fill(struct lfp_trade *t, uint8_t slot, uint64_t id,
	uint64_t buy_order_id, uint64_t sell_order_id,
	const struct lfp_tp_symbol *symbol, int64_t price, uint32_t qty,
	uint64_t ts)
{
	*t = (struct lfp_trade){
		.id = id,
		.buy_order_id = buy_order_id,
		.sell_order_id = sell_order_id,
		.price = price,
		.qty = qty,
		.tp_slot = slot,
		.symbol = *symbol,
		.ts = ts,
	};
}

int
lfp_tp_trade_init(struct lfp_trade *t, uint64_t id, uint64_t buy_order_id,
	uint64_t sell_order_id, const struct lfp_tp_symbol *symbol,
	int64_t price, uint32_t qty, uint64_t ts)
{
	if (unlikely(t == NULL ||
		    !trade_args_valid(
			    buy_order_id, sell_order_id, symbol, price, qty))) {
		rte_errno = EINVAL;
		return -EINVAL;
	}
	trade_fill(t, LFP_TP_SLOT_NONE, id, buy_order_id, sell_order_id, symbol,
		price, qty, ts);
	return 0;
}

struct lfp_trade *
lfp_tp_trade_create(struct lfp_tp_pools *pools, uint64_t id,
	uint64_t buy_order_id, uint64_t sell_order_id,
	const struct lfp_tp_symbol *symbol, int64_t price, uint32_t qty,
	uint64_t ts)
{
	struct lfp_trade *t;
	uint8_t slot;

	if (unlikely(pools == NULL ||
		    !trade_args_valid(
			    buy_order_id, sell_order_id, symbol, price, qty))) {
		rte_errno = EINVAL;
		return NULL;
	}
	t = tp_get(pools, LFP_TP_TYPE_TRADE, &slot);
	if (unlikely(t == NULL))
		return NULL;
	trade_fill(t, slot, id, buy_order_id, sell_order_id, symbol, price, qty,
		ts);
	return t;
}

void
lfp_tp_trade_free(struct lfp_tp_pools *pools, struct lfp_trade *t)
{
	if (t != NULL)
		tp_put(pools, LFP_TP_TYPE_TRADE, t->tp_slot, t);
}

struct lfp_order_node *
lfp_tp_order_node_create(struct lfp_tp_pools *pools, struct lfp_order *order)
{
	struct lfp_order_node *n;
	uint8_t slot;

	if (unlikely(pools == NULL || order == NULL)) {
		rte_errno = EINVAL;
		return NULL;
	}
	n = tp_get(pools, LFP_TP_TYPE_ORDER_NODE, &slot);
	if (unlikely(n == NULL))
		return NULL;
	*n = (struct lfp_order_node){
		.order = order,
		.tp_slot = slot,
	};
	return n;
}

void
lfp_tp_order_node_free(struct lfp_tp_pools *pools, struct lfp_order_node *n)
{
	if (n != NULL)
		tp_put(pools, LFP_TP_TYPE_ORDER_NODE, n->tp_slot, n);
}

struct lfp_price_level *
lfp_tp_price_level_create(
	struct lfp_tp_pools *pools, enum lfp_tp_side side, int64_t price)
{
	struct lfp_price_level *l;
	uint8_t slot;

	if (unlikely(pools == NULL || !side_valid(side) || price < 0)) {
		rte_errno = EINVAL;
		return NULL;
	}
	l = tp_get(pools, LFP_TP_TYPE_PRICE_LEVEL, &slot);
	if (unlikely(l == NULL))
		return NULL;
	*l = (struct lfp_price_level){
		.price = price,
		.side = side,
		.tp_slot = slot,
	};
	return l;
}

void
lfp_tp_price_level_free(struct lfp_tp_pools *pools, struct lfp_price_level *l)
{
	if (l != NULL)
		tp_put(pools, LFP_TP_TYPE_PRICE_LEVEL, l->tp_slot, l);
}

/* The buffer classes are lib/numa's size classes, one type per class. */
static inline unsigned int
buf_type(size_t size)
{
	RTE_BUILD_BUG_ON(LFP_TP_BUF_CLASSES != LFP_NUMA_NB_CLASSES);
	RTE_BUILD_BUG_ON(LFP_TP_BUF_MIN != LFP_NUMA_CLASS_MIN);
	RTE_BUILD_BUG_ON(LFP_TP_BUF_MAX != LFP_NUMA_CLASS_MAX);
	/* 1 <= size <= LFP_TP_BUF_MAX here: the class exists. */
	return LFP_TP_TYPE_BUF_64 + lfp_numa_size_class(size);
}

void *
lfp_tp_buf_get(struct lfp_tp_pools *pools, size_t size)
{
	uint8_t slot;

	if (unlikely(pools == NULL || size == 0 || size > LFP_TP_BUF_MAX)) {
		rte_errno = EINVAL;
		return NULL;
	}
	return tp_get(pools, buf_type(size), &slot);
}

void
lfp_tp_buf_put(struct lfp_tp_pools *pools, void *buf)
{
	struct rte_mempool *mp;
	const struct tp_mp_priv *priv;

	if (buf == NULL)
		return;
	/* A raw buffer has no room for a slot byte: its mempool header
	 * (the cache line before it) says where it belongs. */
	mp = rte_mempool_from_obj(buf);
	priv = rte_mempool_get_priv(mp);
	tp_put(pools, priv->type, priv->slot, buf);
}
