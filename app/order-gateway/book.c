/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The lfpool authors
 */

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <rte_common.h>
#include <rte_debug.h>
#include <rte_errno.h>
#include <rte_malloc.h>
#include <rte_prefetch.h>

#include "book.h"

/* The wire values are the tradepool ones, so they pass straight through. */
static_assert((int)GW_SIDE_BUY == (int)LFP_TP_SIDE_BUY &&
		(int)GW_SIDE_SELL == (int)LFP_TP_SIDE_SELL,
	"side values");
static_assert((int)GW_ORD_LIMIT == (int)LFP_TP_ORDER_LIMIT &&
		(int)GW_ORD_MARKET == (int)LFP_TP_ORDER_MARKET,
	"order type values");

/*
 * One side's levels, sorted by key ascending, best last. The key is the
 * price for bids and minus the price for asks, so "best" is always the
 * largest key and one binary search serves both sides.
 */
struct book_side {
	int64_t *key;
	struct lfp_price_level **lv;
	uint32_t n;
};

struct gw_book {
	struct book_side side[2]; /* [side - 1] */
	struct gw_ordmap *map;
	struct gw_alloc alloc;
	struct lfp_tp_symbol sym;
	uint64_t wire_sym;
	uint64_t trades;
	uint32_t sym_idx;
	uint32_t max_levels;
	uint32_t orders;
	int socket;
};

static inline struct book_side *
side_of(struct gw_book *b, uint8_t side)
{
	return &b->side[side - 1];
}

static inline uint8_t
opposite(uint8_t side)
{
	return side == GW_SIDE_BUY ? GW_SIDE_SELL : GW_SIDE_BUY;
}

static inline int64_t
key_of(uint8_t side, int64_t price)
{
	return side == GW_SIDE_BUY ? price : -price;
}

static inline uint32_t
leaves(const struct lfp_order *o)
{
	return o->qty - o->filled_qty;
}

/* First index whose key is >= k; most searches end near the best. */
static inline uint32_t
lower_bound(const struct book_side *s, int64_t k)
{
	uint32_t lo = 0, hi = s->n, mid;

	if (hi > 0 && s->key[hi - 1] < k)
		return hi;
	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (s->key[mid] < k)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* Responses. The engine stamps seq; the rest is filled here. */

static void
emit_reject(const struct gw_book *b, const struct gw_msg *req, uint16_t reason,
	const struct gw_sink *sink)
{
	struct gw_msg m = {
		.type = GW_MSG_REJECTED,
		.session = req->session,
		.order_id = req->order_id,
		.symbol = b->wire_sym,
		.reason = reason,
		.req_type = req->type,
		.ref_seq = req->seq,
	};

	sink->emit(sink->ctx, &m);
}

static void
emit_accepted(const struct gw_book *b, const struct lfp_order *o,
	uint8_t req_type, const struct gw_sink *sink)
{
	struct gw_msg m = {
		.type = GW_MSG_ACCEPTED,
		.session = o->owner,
		.order_id = o->id,
		.symbol = b->wire_sym,
		.price = o->price,
		.leaves = leaves(o),
		.side = o->side,
		.req_type = req_type,
	};

	sink->emit(sink->ctx, &m);
}

static void
emit_executed(const struct gw_book *b, const struct lfp_order *o,
	const struct lfp_trade *t, uint8_t liquidity,
	const struct gw_sink *sink)
{
	struct gw_msg m = {
		.type = GW_MSG_EXECUTED,
		.session = o->owner,
		.order_id = o->id,
		.symbol = b->wire_sym,
		.trade_id = t->id,
		.price = t->price,
		.qty = t->qty,
		.leaves = leaves(o),
		.side = o->side,
		.liquidity = liquidity,
	};

	sink->emit(sink->ctx, &m);
}

static void
emit_cancelled(const struct gw_book *b, const struct lfp_order *o,
	uint16_t reason, const struct gw_sink *sink)
{
	struct gw_msg m = {
		.type = GW_MSG_CANCELLED,
		.session = o->owner,
		.order_id = o->id,
		.symbol = b->wire_sym,
		.qty = leaves(o),
		.reason = reason,
	};

	sink->emit(sink->ctx, &m);
}

/* Levels. */

static struct lfp_price_level *
level_get(struct gw_book *b, uint8_t side, int64_t price)
{
	struct book_side *s = side_of(b, side);
	int64_t k = key_of(side, price);
	uint32_t i = lower_bound(s, k);
	struct lfp_price_level *l;

	if (i < s->n && s->key[i] == k)
		return s->lv[i];
	if (s->n == b->max_levels)
		return NULL;
	l = b->alloc.ops->level_create(b->alloc.ctx, side, price);
	if (l == NULL)
		return NULL;
	memmove(&s->key[i + 1], &s->key[i], (s->n - i) * sizeof(*s->key));
	memmove(&s->lv[i + 1], &s->lv[i], (s->n - i) * sizeof(*s->lv));
	s->key[i] = k;
	s->lv[i] = l;
	s->n++;
	return l;
}

static void
level_remove(struct gw_book *b, struct lfp_price_level *l)
{
	struct book_side *s = side_of(b, l->side);
	uint32_t i = lower_bound(s, key_of(l->side, l->price));

	/* Every level in use is in its side's array. */
	RTE_ASSERT(i < s->n && s->lv[i] == l);
	memmove(&s->key[i], &s->key[i + 1], (s->n - i - 1) * sizeof(*s->key));
	memmove(&s->lv[i], &s->lv[i + 1], (s->n - i - 1) * sizeof(*s->lv));
	s->n--;
	b->alloc.ops->level_free(b->alloc.ctx, l);
}

static void
fifo_append(struct lfp_price_level *l, struct lfp_order_node *n, uint32_t qty)
{
	n->prev = l->tail;
	n->next = NULL;
	if (l->tail != NULL)
		l->tail->next = n;
	else
		l->head = n;
	l->tail = n;
	n->level = l;
	l->order_count++;
	l->total_qty += qty;
}

static void
fifo_unlink(struct lfp_price_level *l, struct lfp_order_node *n, uint32_t qty)
{
	if (n->prev != NULL)
		n->prev->next = n->next;
	else
		l->head = n->next;
	if (n->next != NULL)
		n->next->prev = n->prev;
	else
		l->tail = n->prev;
	n->prev = NULL;
	n->next = NULL;
	n->level = NULL;
	l->order_count--;
	l->total_qty -= qty;
}

/* Orders. */

static void
release(struct gw_book *b, struct lfp_order *o, struct lfp_order_node *n)
{
	if (n != NULL)
		b->alloc.ops->node_free(b->alloc.ctx, n);
	b->alloc.ops->order_free(b->alloc.ctx, o);
}

/* Take a resting order out of the book (its objects are kept). */
static void
unrest(struct gw_book *b, struct lfp_order_node *n)
{
	struct lfp_price_level *l = n->level;
	struct lfp_order *o = n->order;

	fifo_unlink(l, n, leaves(o));
	if (l->order_count == 0)
		level_remove(b, l);
	gw_ordmap_del_node(b->map, b->sym_idx, n);
	b->orders--;
}

static void
cancel_remainder(struct gw_book *b, struct lfp_order *o,
	struct lfp_order_node *n, uint16_t reason, const struct gw_sink *sink)
{
	o->state = LFP_TP_STATE_CANCELLED;
	emit_cancelled(b, o, reason, sink);
	release(b, o, n);
}

static inline bool
crosses(const struct lfp_order *o, int64_t level_price)
{
	if (o->type == LFP_TP_ORDER_MARKET)
		return true;
	return o->side == GW_SIDE_BUY ? o->price >= level_price :
					o->price <= level_price;
}

/* A resting order that traded: done when nothing is left. */
static void
maker_filled(
	struct gw_book *b, struct lfp_price_level *l, struct lfp_order_node *n)
{
	struct lfp_order *m = n->order;

	fifo_unlink(l, n, 0);
	gw_ordmap_del_node(b->map, b->sym_idx, n);
	b->orders--;
	m->state = LFP_TP_STATE_FILLED;
	release(b, m, n);
}

static void
fill(struct lfp_order *o, uint32_t q, uint64_t ts)
{
	o->filled_qty += q;
	o->state = leaves(o) == 0 ? LFP_TP_STATE_FILLED : LFP_TP_STATE_PARTIAL;
	o->ts_updated = ts;
}

/* Trade @p o against level @p l, oldest first; -ENOBUFS without a trade. */
static int
fill_level(struct gw_book *b, struct lfp_order *o, struct lfp_price_level *l,
	uint64_t ts, const struct gw_sink *sink)
{
	const struct gw_alloc *a = &b->alloc;
	struct lfp_order_node *n;
	struct lfp_order *m, *buy, *sell;
	struct lfp_trade *t;
	uint32_t q;

	while (leaves(o) > 0 && l->head != NULL) {
		n = l->head;
		m = n->order;
		q = RTE_MIN(leaves(o), leaves(m));
		buy = o->side == GW_SIDE_BUY ? o : m;
		sell = o->side == GW_SIDE_BUY ? m : o;
		t = a->ops->trade_create(a->ctx,
			gw_trade_id(b->sym_idx, b->trades + 1), buy->id,
			sell->id, &b->sym, l->price, q, ts);
		if (t == NULL)
			return -ENOBUFS;
		b->trades++;
		fill(o, q, ts);
		fill(m, q, ts);
		l->total_qty -= q;
		emit_executed(b, o, t, GW_LIQ_TAKER, sink);
		emit_executed(b, m, t, GW_LIQ_MAKER, sink);
		a->ops->trade_free(a->ctx, t);
		if (leaves(m) == 0)
			maker_filled(b, l, n);
	}
	return 0;
}

static int
match(struct gw_book *b, struct lfp_order *o, uint64_t ts,
	const struct gw_sink *sink)
{
	struct book_side *opp = side_of(b, opposite(o->side));
	struct lfp_price_level *l;

	while (leaves(o) > 0 && opp->n > 0) {
		l = opp->lv[opp->n - 1];
		if (!crosses(o, l->price))
			break;
		if (fill_level(b, o, l, ts, sink) < 0)
			return -ENOBUFS;
		if (l->order_count == 0) {
			opp->n--;
			b->alloc.ops->level_free(b->alloc.ctx, l);
		}
	}
	return 0;
}

/*
 * After matching: release a filled order, cancel what may not or cannot
 * rest, rest the rest. @p n is the order's node when it had one (replace).
 */
static void
finish(struct gw_book *b, struct lfp_order *o, struct lfp_order_node *n,
	int matched, const struct gw_sink *sink)
{
	const struct gw_alloc *a = &b->alloc;
	struct lfp_price_level *l;

	if (leaves(o) == 0) {
		release(b, o, n);
		return;
	}
	/* Without a trade object the remainder may still cross: never rest
	 * it, or the book would be crossed. A market order that stopped for
	 * that reason did not run out of liquidity: reason 3, not 2.
	 */
	if (matched < 0) {
		cancel_remainder(b, o, n, GW_CXL_NO_RESOURCES, sink);
		return;
	}
	if (o->type == LFP_TP_ORDER_MARKET) {
		cancel_remainder(b, o, n, GW_CXL_UNFILLED, sink);
		return;
	}
	if (n == NULL)
		n = a->ops->node_create(a->ctx, o);
	l = n != NULL ? level_get(b, o->side, o->price) : NULL;
	if (l == NULL) {
		cancel_remainder(b, o, n, GW_CXL_NO_RESOURCES, sink);
		return;
	}
	fifo_append(l, n, leaves(o));
	/* Room was checked before ACCEPTED (new) or freed by unrest(). */
	gw_ordmap_add(b->map, b->sym_idx, o->id, n);
	b->orders++;
}

void
gw_book_new(struct gw_book *b, const struct gw_msg *req, uint64_t ts,
	const struct gw_sink *sink)
{
	const struct gw_alloc *a = &b->alloc;
	struct lfp_order *o;

	if (gw_ordmap_find(b->map, b->sym_idx, req->order_id) != NULL) {
		emit_reject(b, req, GW_REJ_DUPLICATE_ID, sink);
		return;
	}
	if (req->ord_type == GW_ORD_LIMIT && gw_ordmap_full(b->map)) {
		emit_reject(b, req, GW_REJ_NO_RESOURCES, sink);
		return;
	}
	o = a->ops->order_create(a->ctx, req->order_id, &b->sym, req->side,
		req->ord_type, req->price, req->qty, ts);
	if (o == NULL) {
		emit_reject(b, req, GW_REJ_NO_RESOURCES, sink);
		return;
	}
	o->owner = req->session;
	emit_accepted(b, o, GW_MSG_NEW, sink);
	finish(b, o, NULL, match(b, o, ts, sink), sink);
}

/* The live order @p req names, or NULL after rejecting it. */
static struct lfp_order_node *
find_own(
	struct gw_book *b, const struct gw_msg *req, const struct gw_sink *sink)
{
	struct lfp_order_node *n;

	n = gw_ordmap_find(b->map, b->sym_idx, req->order_id);
	if (n == NULL || n->order->owner != req->session) {
		emit_reject(b, req, GW_REJ_UNKNOWN_ORDER, sink);
		return NULL;
	}
	return n;
}

void
gw_book_cancel(struct gw_book *b, const struct gw_msg *req, uint64_t ts,
	const struct gw_sink *sink)
{
	struct lfp_order_node *n = find_own(b, req, sink);
	struct lfp_order *o;

	if (n == NULL)
		return;
	o = n->order;
	unrest(b, n);
	o->ts_updated = ts;
	cancel_remainder(b, o, n, GW_CXL_REQUESTED, sink);
}

void
gw_book_replace(struct gw_book *b, const struct gw_msg *req, uint64_t ts,
	const struct gw_sink *sink)
{
	struct lfp_order_node *n = find_own(b, req, sink);
	struct lfp_order *o;
	uint32_t left;

	if (n == NULL)
		return;
	o = n->order;
	left = leaves(o);
	if ((uint64_t)o->filled_qty + req->qty > UINT32_MAX) {
		emit_reject(b, req, GW_REJ_BAD_QTY, sink);
		return;
	}
	o->ts_updated = ts;
	if (req->price == o->price && req->qty <= left) {
		/* Same price, no more quantity: keeps its place. */
		n->level->total_qty -= left - req->qty;
		o->qty = o->filled_qty + req->qty;
		emit_accepted(b, o, GW_MSG_REPLACE, sink);
		return;
	}
	unrest(b, n);
	o->price = req->price;
	o->qty = o->filled_qty + req->qty;
	emit_accepted(b, o, GW_MSG_REPLACE, sink);
	finish(b, o, n, match(b, o, ts, sink), sink);
}

/*
 * Three passes over a burst, each issuing the loads the next one needs, so
 * the cache misses of a burst overlap instead of following one another:
 * the map slots; the nodes they point to; the orders and levels behind
 * the nodes (cancel, replace) or the best opposite level (new).
 */
void
gw_book_prefetch_burst(
	void *const *books, const struct gw_msg *const *reqs, unsigned int n)
{
	struct lfp_order_node *node[GW_BOOK_PREFETCH_MAX];
	struct gw_ordmap *maps[GW_BOOK_PREFETCH_MAX];
	uint32_t syms[GW_BOOK_PREFETCH_MAX];
	uint64_t ids[GW_BOOK_PREFETCH_MAX];
	const struct gw_book *b;
	const struct book_side *s;
	unsigned int i;

	n = RTE_MIN(n, (unsigned int)GW_BOOK_PREFETCH_MAX);
	for (i = 0; i < n; i++) {
		b = books[i];
		maps[i] = b->map;
		syms[i] = b->sym_idx;
		ids[i] = reqs[i]->order_id;
	}
	gw_ordmap_prefetch_burst(maps, syms, ids, n);
	for (i = 0; i < n; i++) {
		b = books[i];
		node[i] = NULL;
		if (reqs[i]->type == GW_MSG_NEW) {
			s = &b->side[opposite(reqs[i]->side) - 1];
			if (s->n > 0)
				rte_prefetch0(s->lv[s->n - 1]);
			continue;
		}
		node[i] = gw_ordmap_peek(b->map, b->sym_idx, reqs[i]->order_id);
		if (node[i] != NULL)
			rte_prefetch0(node[i]);
	}
	for (i = 0; i < n; i++) {
		b = books[i];
		if (node[i] != NULL) {
			rte_prefetch0(node[i]->order);
			rte_prefetch0(node[i]->level);
		} else if (reqs[i]->type == GW_MSG_NEW) {
			s = &b->side[opposite(reqs[i]->side) - 1];
			if (s->n > 0)
				rte_prefetch0(s->lv[s->n - 1]->head);
		}
	}
}

static void
ops_new(void *book, const struct gw_msg *req, uint64_t ts,
	const struct gw_sink *sink)
{
	gw_book_new(book, req, ts, sink);
}

static void
ops_cancel(void *book, const struct gw_msg *req, uint64_t ts,
	const struct gw_sink *sink)
{
	gw_book_cancel(book, req, ts, sink);
}

static void
ops_replace(void *book, const struct gw_msg *req, uint64_t ts,
	const struct gw_sink *sink)
{
	gw_book_replace(book, req, ts, sink);
}

const struct gw_market_ops gw_book_ops = {
	.new_order = ops_new,
	.cancel = ops_cancel,
	.replace = ops_replace,
	.prefetch = gw_book_prefetch_burst,
};

struct gw_book *
gw_book_create(const struct gw_book_conf *conf, struct gw_ordmap *map,
	const struct gw_alloc *alloc)
{
	struct gw_book *b;
	char name[9];
	unsigned int s;

	gw_symbol_unpack(conf->symbol, name);
	if (conf->max_levels == 0 || map == NULL || alloc == NULL ||
		lfp_tp_symbol_set(&(struct lfp_tp_symbol){0}, name) != 0) {
		rte_errno = EINVAL;
		return NULL;
	}
	b = rte_zmalloc_socket("gw_book", sizeof(*b), 0, conf->socket);
	if (b == NULL)
		goto no_mem;
	for (s = 0; s < RTE_DIM(b->side); s++) {
		b->side[s].key = rte_malloc_socket("gw_book_keys",
			conf->max_levels * sizeof(int64_t), RTE_CACHE_LINE_SIZE,
			conf->socket);
		b->side[s].lv = rte_malloc_socket("gw_book_levels",
			conf->max_levels * sizeof(void *), RTE_CACHE_LINE_SIZE,
			conf->socket);
		if (b->side[s].key == NULL || b->side[s].lv == NULL)
			goto no_side;
	}
	lfp_tp_symbol_set(&b->sym, name);
	b->wire_sym = conf->symbol;
	b->sym_idx = conf->sym_idx;
	b->max_levels = conf->max_levels;
	b->socket = conf->socket;
	b->map = map;
	b->alloc = *alloc;
	return b;

no_side:
	gw_book_free(b);
no_mem:
	rte_errno = ENOMEM;
	return NULL;
}

uint32_t
gw_book_purge(struct gw_book *b)
{
	struct lfp_order_node *n, *next;
	struct lfp_price_level *l;
	uint32_t released = 0, s, i;

	for (s = 0; s < RTE_DIM(b->side); s++) {
		for (i = 0; i < b->side[s].n; i++) {
			l = b->side[s].lv[i];
			for (n = l->head; n != NULL; n = next) {
				next = n->next;
				gw_ordmap_del_node(b->map, b->sym_idx, n);
				release(b, n->order, n);
				released++;
			}
			b->alloc.ops->level_free(b->alloc.ctx, l);
		}
		b->side[s].n = 0;
	}
	b->orders = 0;
	return released;
}

void
gw_book_free(struct gw_book *b)
{
	unsigned int s;

	if (b == NULL)
		return;
	if (b->side[0].key != NULL && b->side[1].key != NULL)
		gw_book_purge(b);
	for (s = 0; s < RTE_DIM(b->side); s++) {
		rte_free(b->side[s].key);
		rte_free(b->side[s].lv);
	}
	rte_free(b);
}

static uint32_t
snapshot_side(const struct book_side *s, struct gw_book_entry *out,
	uint32_t max, uint32_t k)
{
	const struct lfp_order_node *n;
	uint32_t i;

	for (i = s->n; i-- > 0;) {
		for (n = s->lv[i]->head; n != NULL; n = n->next, k++) {
			if (k >= max)
				continue;
			out[k] = (struct gw_book_entry){
				.price = n->order->price,
				.id = n->order->id,
				.leaves = leaves(n->order),
				.session = n->order->owner,
				.side = n->order->side,
			};
		}
	}
	return k;
}

uint32_t
gw_book_snapshot(
	const struct gw_book *b, struct gw_book_entry *out, uint32_t max)
{
	uint32_t k = snapshot_side(&b->side[GW_SIDE_BUY - 1], out, max, 0);

	return snapshot_side(&b->side[GW_SIDE_SELL - 1], out, max, k);
}

uint32_t
gw_book_orders(const struct gw_book *b)
{
	return b->orders;
}

uint32_t
gw_book_depth(const struct gw_book *b, uint8_t side)
{
	return b->side[side - 1].n;
}

#define CHECK(cond, ...) \
	do { \
		if (!(cond)) { \
			fprintf(stderr, "book %u: " #cond ": ", b->sym_idx); \
			fprintf(stderr, __VA_ARGS__); \
			fputc('\n', stderr); \
			return -1; \
		} \
	} while (0)

static int
check_level(const struct gw_book *b, const struct lfp_price_level *l,
	uint8_t side, uint32_t *orders)
{
	const struct lfp_order_node *n, *prev = NULL;
	uint64_t total = 0;
	uint32_t count = 0;

	CHECK(l->side == side && l->head != NULL, "price %" PRId64, l->price);
	for (n = l->head; n != NULL; prev = n, n = n->next) {
		CHECK(n->prev == prev && n->level == l, "id %" PRIu64,
			n->order->id);
		CHECK(n->order->side == side && n->order->price == l->price &&
				leaves(n->order) > 0 &&
				n->order->type == LFP_TP_ORDER_LIMIT,
			"id %" PRIu64, n->order->id);
		CHECK(gw_ordmap_find(b->map, b->sym_idx, n->order->id) == n,
			"id %" PRIu64, n->order->id);
		total += leaves(n->order);
		count++;
	}
	CHECK(l->tail == prev, "price %" PRId64, l->price);
	CHECK(l->total_qty == total && l->order_count == count,
		"price %" PRId64 ": %" PRIu64 "/%" PRIu64 " %u/%u", l->price,
		l->total_qty, total, l->order_count, count);
	*orders += count;
	return 0;
}

int
gw_book_check(const struct gw_book *b)
{
	const struct book_side *s;
	uint32_t orders = 0, i;
	uint8_t side;

	for (side = GW_SIDE_BUY; side <= GW_SIDE_SELL; side++) {
		s = &b->side[side - 1];
		CHECK(s->n <= b->max_levels, "%u levels", s->n);
		for (i = 0; i < s->n; i++) {
			CHECK(s->key[i] == key_of(side, s->lv[i]->price) &&
					(i == 0 || s->key[i - 1] < s->key[i]),
				"side %u level %u", side, i);
			if (check_level(b, s->lv[i], side, &orders) < 0)
				return -1;
		}
	}
	CHECK(orders == b->orders, "%u resting, %u counted", b->orders, orders);
	if (b->side[0].n > 0 && b->side[1].n > 0)
		CHECK(b->side[0].lv[b->side[0].n - 1]->price <
				b->side[1].lv[b->side[1].n - 1]->price,
			"crossed book");
	return 0;
}
