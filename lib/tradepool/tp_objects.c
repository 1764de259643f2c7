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

/*
 * Single-writer counters: only the row's thread (or the holder of
 * shared_lock, for the shared row) writes them, so a load and a store do;
 * relaxed because readers only need untorn values and nothing else is
 * published through them (pairs with the relaxed loads in tp_stats.c).
 */
static inline void
counter_store(uint64_t *c, uint64_t v)
{
	__atomic_store_n(c, v, __ATOMIC_RELAXED);
}

/* As counter_store() for the signed high-water mark; same pairing. */
static inline void
peak_store(int64_t *c, int64_t v)
{
	__atomic_store_n(c, v, __ATOMIC_RELAXED);
}

/* One more object held by the row's thread: a new high-water mark? */
static inline void
count_alloc(struct tp_counters *c)
{
	uint64_t allocs;
	int64_t held;

	if (!LFP_STATS)
		return;
	allocs = c->allocs + 1;
	held = (int64_t)(allocs - c->frees);
	counter_store(&c->allocs, allocs);
	if (held > c->peak)
		peak_store(&c->peak, held);
}

static inline void
count_free(struct tp_counters *c)
{
	if (LFP_STATS)
		counter_store(&c->frees, c->frees + 1);
}

/* Exhaustion is counted even with the 'stats' option off. */
static inline void
count_failure(struct tp_counters *c)
{
	counter_store(&c->failures, c->failures + 1);
}

/*
 * The fast path: an lcore whose DPDK cache can serve without calling the
 * mempool driver (an object to take, room to put one back). It makes no
 * call, so the compiler keeps nothing in callee-saved registers or on the
 * stack for one. Everything else (threads without an lcore id, pools
 * without a cache, an empty or full cache, objects of another socket's
 * pools) goes out of line, through the same DPDK functions, refills and
 * flushes included.
 */

/* The hot line of @type for an lcore that can take an object from it. */
static inline struct tp_hot *
tp_hot_get(struct lfp_tp_pools *p, unsigned int type)
{
	unsigned int lcore = rte_lcore_id();
	struct tp_hot *h;

	if (unlikely(lcore >= RTE_MAX_LCORE))
		return NULL;
	h = &p->rows[lcore]->hot[type];
	if (unlikely(h->cache == NULL || h->cache->len == 0))
		return NULL;
	return h;
}

/* Take one object through a hot line that tp_hot_get() returned. */
static inline void *
tp_take(struct tp_hot *h)
{
	void *obj;

	/* The cache holds an object: DPDK's get cannot fail, and the
	 * compiler drops its refill code. */
	tp_mp_get_cache(h->mp, h->cache, &obj);
	count_alloc(&h->c);
	return obj;
}

static __rte_noinline void *
tp_get_failed(struct tp_counters *c)
{
	count_failure(c);
	rte_errno = ENOBUFS;
	return NULL;
}

/* Take from @mp through @cache (NULL: none) and count on @c. */
static void *
tp_get_counted(struct rte_mempool *mp, struct rte_mempool_cache *cache,
	struct tp_counters *c)
{
	void *obj;

	if (mp == NULL || tp_mp_get_cache(mp, cache, &obj) != 0)
		return tp_get_failed(c);
	count_alloc(c);
	return obj;
}

/*
 * Take one object of @type for the calling thread, in any case: an lcore
 * from its own slot (refilling its cache if need be), a thread without an
 * lcore id from the shared slot with no cache, under the shared row's
 * lock. Sets *@slot_out (unless NULL) to the object's slot.
 */
static __rte_noinline void *
tp_get_slow(struct lfp_tp_pools *p, unsigned int type, uint8_t *slot_out)
{
	unsigned int lcore = rte_lcore_id(), slot = p->shared_slot;
	struct tp_hot *h;
	void *obj;

	if (lcore >= RTE_MAX_LCORE) {
		rte_spinlock_lock(&p->shared_lock);
		obj = tp_get_counted(p->slot[slot].mp[type], NULL,
			&p->rows[TP_ROW_SHARED]->other[slot][type]);
		rte_spinlock_unlock(&p->shared_lock);
	} else {
		h = &p->rows[lcore]->hot[type];
		slot = h->slot;
		obj = tp_get_counted(h->mp, h->cache, &h->c);
	}
	if (slot_out != NULL)
		*slot_out = slot;
	return obj;
}

/*
 * Put one object back, in any case: to its slot's pool through the
 * calling lcore's cache there (DPDK gives each lcore a cache in every
 * pool), or without a cache under the shared row's lock for a thread
 * without an lcore id. Objects of the lcore's own slot are counted on its
 * hot line, the others in other[][].
 */
static __rte_noinline void
tp_put_slow(
	struct lfp_tp_pools *p, unsigned int type, unsigned int slot, void *obj)
{
	unsigned int lcore = rte_lcore_id();
	struct rte_mempool *mp = p->slot[slot].mp[type];
	struct tp_row *r;

	/* The slot byte comes from the object itself; see the header. */
	RTE_ASSERT(slot < p->nb_slots && mp != NULL);
	if (lcore >= RTE_MAX_LCORE) {
		rte_spinlock_lock(&p->shared_lock);
		tp_mp_put_cache(mp, NULL, obj);
		count_free(&p->rows[TP_ROW_SHARED]->other[slot][type]);
		rte_spinlock_unlock(&p->shared_lock);
		return;
	}
	r = p->rows[lcore];
	tp_mp_put_cache(mp, rte_mempool_default_cache(mp, lcore), obj);
	count_free(slot == r->hot[type].slot ? &r->hot[type].c :
					       &r->other[slot][type]);
}

/* Put back an object of @type from @slot. */
static inline void
tp_put(struct lfp_tp_pools *p, unsigned int type, unsigned int slot, void *obj)
{
	unsigned int lcore = rte_lcore_id();
	struct tp_hot *h;

	if (unlikely(lcore >= RTE_MAX_LCORE))
		goto slow;
	h = &p->rows[lcore]->hot[type];
	/* Room in the cache. The first test tells the compiler that the
	 * threshold is not 0, the second is DPDK's own (len + n against the
	 * threshold): with both it drops the put's flush and direct enqueue
	 * code, so this path has no call and no stack frame. */
	if (unlikely(slot != h->slot || h->cache == NULL ||
		    h->cache->len >= h->cache->flushthresh ||
		    h->cache->len + 1 > h->cache->flushthresh))
		goto slow;
	tp_mp_put_cache(h->mp, h->cache, obj);
	count_free(&h->c);
	return;
slow:
	tp_put_slow(p, type, slot, obj);
}

/* The constructors' refusal of their arguments. */
static __rte_noinline void *
tp_invalid(void)
{
	rte_errno = EINVAL;
	return NULL;
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

/*
 * Each constructor has an out-of-line twin for when the fast path cannot
 * serve: the twin is a tail call, so nothing has to survive a call in the
 * fast path.
 */
static __rte_noinline struct lfp_order *
order_create_slow(struct lfp_tp_pools *pools, uint64_t id,
	const struct lfp_tp_symbol *symbol, enum lfp_tp_side side,
	enum lfp_tp_order_type type, int64_t price, uint32_t qty, uint64_t ts)
{
	struct lfp_order *o;
	uint8_t slot;

	o = tp_get_slow(pools, LFP_TP_TYPE_ORDER, &slot);
	if (o != NULL)
		order_fill(o, slot, id, symbol, side, type, price, qty, ts);
	return o;
}

struct lfp_order *
lfp_tp_order_create(struct lfp_tp_pools *pools, uint64_t id,
	const struct lfp_tp_symbol *symbol, enum lfp_tp_side side,
	enum lfp_tp_order_type type, int64_t price, uint32_t qty, uint64_t ts)
{
	struct lfp_order *o;
	struct tp_hot *h;

	if (unlikely(pools == NULL ||
		    !order_args_valid(symbol, side, type, price, qty)))
		return tp_invalid();
	h = tp_hot_get(pools, LFP_TP_TYPE_ORDER);
	if (unlikely(h == NULL))
		return order_create_slow(
			pools, id, symbol, side, type, price, qty, ts);
	o = tp_take(h);
	order_fill(o, h->slot, id, symbol, side, type, price, qty, ts);
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

static __rte_noinline struct lfp_trade *
trade_create_slow(struct lfp_tp_pools *pools, uint64_t id,
	uint64_t buy_order_id, uint64_t sell_order_id,
	const struct lfp_tp_symbol *symbol, int64_t price, uint32_t qty,
	uint64_t ts)
{
	struct lfp_trade *t;
	uint8_t slot;

	t = tp_get_slow(pools, LFP_TP_TYPE_TRADE, &slot);
	if (t != NULL)
		trade_fill(t, slot, id, buy_order_id, sell_order_id, symbol,
			price, qty, ts);
	return t;
}

struct lfp_trade *
lfp_tp_trade_create(struct lfp_tp_pools *pools, uint64_t id,
	uint64_t buy_order_id, uint64_t sell_order_id,
	const struct lfp_tp_symbol *symbol, int64_t price, uint32_t qty,
	uint64_t ts)
{
	struct lfp_trade *t;
	struct tp_hot *h;

	if (unlikely(pools == NULL ||
		    !trade_args_valid(
			    buy_order_id, sell_order_id, symbol, price, qty)))
		return tp_invalid();
	h = tp_hot_get(pools, LFP_TP_TYPE_TRADE);
	if (unlikely(h == NULL))
		return trade_create_slow(pools, id, buy_order_id, sell_order_id,
			symbol, price, qty, ts);
	t = tp_take(h);
	trade_fill(t, h->slot, id, buy_order_id, sell_order_id, symbol, price,
		qty, ts);
	return t;
}

void
lfp_tp_trade_free(struct lfp_tp_pools *pools, struct lfp_trade *t)
{
	if (t != NULL)
		tp_put(pools, LFP_TP_TYPE_TRADE, t->tp_slot, t);
}

static inline void
node_fill(struct lfp_order_node *n, uint8_t slot, struct lfp_order *order)
{
	*n = (struct lfp_order_node){
		.order = order,
		.tp_slot = slot,
	};
}

static __rte_noinline struct lfp_order_node *
node_create_slow(struct lfp_tp_pools *pools, struct lfp_order *order)
{
	struct lfp_order_node *n;
	uint8_t slot;

	n = tp_get_slow(pools, LFP_TP_TYPE_ORDER_NODE, &slot);
	if (n != NULL)
		node_fill(n, slot, order);
	return n;
}

struct lfp_order_node *
lfp_tp_order_node_create(struct lfp_tp_pools *pools, struct lfp_order *order)
{
	struct lfp_order_node *n;
	struct tp_hot *h;

	if (unlikely(pools == NULL || order == NULL))
		return tp_invalid();
	h = tp_hot_get(pools, LFP_TP_TYPE_ORDER_NODE);
	if (unlikely(h == NULL))
		return node_create_slow(pools, order);
	n = tp_take(h);
	node_fill(n, h->slot, order);
	return n;
}

void
lfp_tp_order_node_free(struct lfp_tp_pools *pools, struct lfp_order_node *n)
{
	if (n != NULL)
		tp_put(pools, LFP_TP_TYPE_ORDER_NODE, n->tp_slot, n);
}

static inline void
level_fill(struct lfp_price_level *l, uint8_t slot, enum lfp_tp_side side,
	int64_t price)
{
	*l = (struct lfp_price_level){
		.price = price,
		.side = side,
		.tp_slot = slot,
	};
}

static __rte_noinline struct lfp_price_level *
level_create_slow(
	struct lfp_tp_pools *pools, enum lfp_tp_side side, int64_t price)
{
	struct lfp_price_level *l;
	uint8_t slot;

	l = tp_get_slow(pools, LFP_TP_TYPE_PRICE_LEVEL, &slot);
	if (l != NULL)
		level_fill(l, slot, side, price);
	return l;
}

struct lfp_price_level *
lfp_tp_price_level_create(
	struct lfp_tp_pools *pools, enum lfp_tp_side side, int64_t price)
{
	struct lfp_price_level *l;
	struct tp_hot *h;

	if (unlikely(pools == NULL || !side_valid(side) || price < 0))
		return tp_invalid();
	h = tp_hot_get(pools, LFP_TP_TYPE_PRICE_LEVEL);
	if (unlikely(h == NULL))
		return level_create_slow(pools, side, price);
	l = tp_take(h);
	level_fill(l, h->slot, side, price);
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
	unsigned int type;
	struct tp_hot *h;

	if (unlikely(pools == NULL || size == 0 || size > LFP_TP_BUF_MAX))
		return tp_invalid();
	type = buf_type(size);
	h = tp_hot_get(pools, type);
	if (unlikely(h == NULL))
		return tp_get_slow(pools, type, NULL);
	return tp_take(h);
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
