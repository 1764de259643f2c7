/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The lfpool authors
 */

#include <stdlib.h>

#include "ref_book.h"

struct ref_order {
	uint64_t id;
	int64_t price;
	uint64_t time; /* arrival in the book: smaller is older */
	uint32_t open;
	uint32_t filled;
	uint32_t session;
	uint8_t side;
};

struct ref_book {
	struct ref_order *o; /* resting orders, in no order */
	uint32_t n;
	uint32_t cap;
	uint64_t clock;
	uint64_t trades;
	uint32_t sym_idx;
	uint64_t symbol;
};

struct ref_book *
ref_book_create(uint32_t sym_idx, uint64_t symbol, uint32_t cap)
{
	struct ref_book *rb = calloc(1, sizeof(*rb));

	if (rb == NULL)
		return NULL;
	rb->o = calloc(cap, sizeof(*rb->o));
	if (rb->o == NULL) {
		free(rb);
		return NULL;
	}
	rb->cap = cap;
	rb->sym_idx = sym_idx;
	rb->symbol = symbol;
	return rb;
}

void
ref_book_free(struct ref_book *rb)
{
	if (rb == NULL)
		return;
	free(rb->o);
	free(rb);
}

uint32_t
ref_book_orders(const struct ref_book *rb)
{
	return rb->n;
}

static int
find(const struct ref_book *rb, uint64_t id)
{
	uint32_t i;

	for (i = 0; i < rb->n; i++)
		if (rb->o[i].id == id)
			return (int)i;
	return -1;
}

static void
drop(struct ref_book *rb, int i)
{
	rb->o[i] = rb->o[--rb->n];
}

static void
add(struct ref_book *rb, struct ref_order *t)
{
	if (rb->n == rb->cap)
		abort();
	t->time = ++rb->clock;
	rb->o[rb->n++] = *t;
}

/* True when resting order a comes before b: better price, then older. */
static bool
before(const struct ref_order *a, const struct ref_order *b)
{
	if (a->price != b->price)
		return a->side == GW_SIDE_BUY ? a->price > b->price :
						a->price < b->price;
	return a->time < b->time;
}

static int
best(const struct ref_book *rb, uint8_t side)
{
	int b = -1;
	uint32_t i;

	for (i = 0; i < rb->n; i++)
		if (rb->o[i].side == side &&
			(b < 0 || before(&rb->o[i], &rb->o[b])))
			b = (int)i;
	return b;
}

static void
emit(const struct gw_sink *sink, struct gw_msg m)
{
	sink->emit(sink->ctx, &m);
}

static void
reject(const struct ref_book *rb, const struct gw_msg *req, uint16_t why,
	const struct gw_sink *sink)
{
	emit(sink,
		(struct gw_msg){.type = GW_MSG_REJECTED,
			.session = req->session,
			.order_id = req->order_id,
			.symbol = rb->symbol,
			.reason = why,
			.req_type = req->type,
			.ref_seq = req->seq});
}

static void
accepted(const struct ref_book *rb, const struct ref_order *t, uint8_t req_type,
	const struct gw_sink *sink)
{
	emit(sink,
		(struct gw_msg){.type = GW_MSG_ACCEPTED,
			.session = t->session,
			.order_id = t->id,
			.symbol = rb->symbol,
			.price = t->price,
			.leaves = t->open,
			.side = t->side,
			.req_type = req_type});
}

static void
executed(const struct ref_book *rb, const struct ref_order *o, int64_t price,
	uint32_t q, uint8_t liq, const struct gw_sink *sink)
{
	emit(sink,
		(struct gw_msg){.type = GW_MSG_EXECUTED,
			.session = o->session,
			.order_id = o->id,
			.symbol = rb->symbol,
			.trade_id = gw_trade_id(rb->sym_idx, rb->trades),
			.price = price,
			.qty = q,
			.leaves = o->open,
			.side = o->side,
			.liquidity = liq});
}

static void
cancelled(const struct ref_book *rb, const struct ref_order *o, uint16_t why,
	const struct gw_sink *sink)
{
	emit(sink,
		(struct gw_msg){.type = GW_MSG_CANCELLED,
			.session = o->session,
			.order_id = o->id,
			.symbol = rb->symbol,
			.qty = o->open,
			.reason = why});
}

/* Trade the incoming order @p t against the best resting orders. */
static void
take(struct ref_book *rb, struct ref_order *t, bool market,
	const struct gw_sink *sink)
{
	struct ref_order *m;
	uint32_t q;
	int i;

	while (t->open > 0) {
		i = best(rb,
			t->side == GW_SIDE_BUY ? GW_SIDE_SELL : GW_SIDE_BUY);
		if (i < 0)
			return;
		m = &rb->o[i];
		if (!market &&
			(t->side == GW_SIDE_BUY ? t->price < m->price :
						  t->price > m->price))
			return;
		q = t->open < m->open ? t->open : m->open;
		rb->trades++;
		t->open -= q;
		t->filled += q;
		m->open -= q;
		m->filled += q;
		executed(rb, t, m->price, q, GW_LIQ_TAKER, sink);
		executed(rb, m, m->price, q, GW_LIQ_MAKER, sink);
		if (m->open == 0)
			drop(rb, i);
	}
}

static void
ref_new(void *book, const struct gw_msg *req, uint64_t ts,
	const struct gw_sink *sink)
{
	struct ref_book *rb = book;
	struct ref_order t = {
		.id = req->order_id,
		.price = req->price,
		.open = req->qty,
		.session = req->session,
		.side = req->side,
	};
	bool market = req->ord_type == GW_ORD_MARKET;

	RTE_SET_USED(ts);
	if (find(rb, req->order_id) >= 0) {
		reject(rb, req, GW_REJ_DUPLICATE_ID, sink);
		return;
	}
	accepted(rb, &t, GW_MSG_NEW, sink);
	take(rb, &t, market, sink);
	if (t.open == 0)
		return;
	if (market)
		cancelled(rb, &t, GW_CXL_UNFILLED, sink);
	else
		add(rb, &t);
}

/* The resting order @p req names, or -1 after rejecting the request. */
static int
find_own(struct ref_book *rb, const struct gw_msg *req,
	const struct gw_sink *sink)
{
	int i = find(rb, req->order_id);

	if (i < 0 || rb->o[i].session != req->session) {
		reject(rb, req, GW_REJ_UNKNOWN_ORDER, sink);
		return -1;
	}
	return i;
}

static void
ref_cancel(void *book, const struct gw_msg *req, uint64_t ts,
	const struct gw_sink *sink)
{
	struct ref_book *rb = book;
	int i = find_own(rb, req, sink);

	RTE_SET_USED(ts);
	if (i < 0)
		return;
	cancelled(rb, &rb->o[i], GW_CXL_REQUESTED, sink);
	drop(rb, i);
}

static void
ref_replace(void *book, const struct gw_msg *req, uint64_t ts,
	const struct gw_sink *sink)
{
	struct ref_book *rb = book;
	int i = find_own(rb, req, sink);
	struct ref_order t;

	RTE_SET_USED(ts);
	if (i < 0)
		return;
	if ((uint64_t)rb->o[i].filled + req->qty > UINT32_MAX) {
		reject(rb, req, GW_REJ_BAD_QTY, sink);
		return;
	}
	if (req->price == rb->o[i].price && req->qty <= rb->o[i].open) {
		rb->o[i].open = req->qty;
		accepted(rb, &rb->o[i], GW_MSG_REPLACE, sink);
		return;
	}
	t = rb->o[i];
	drop(rb, i);
	t.price = req->price;
	t.open = req->qty;
	accepted(rb, &t, GW_MSG_REPLACE, sink);
	take(rb, &t, false, sink);
	if (t.open > 0)
		add(rb, &t);
}

const struct gw_market_ops ref_book_ops = {
	.new_order = ref_new,
	.cancel = ref_cancel,
	.replace = ref_replace,
};

static int
cmp_entry(const void *pa, const void *pb)
{
	const struct ref_order *a = pa, *b = pb;

	if (a->side != b->side)
		return a->side == GW_SIDE_BUY ? -1 : 1;
	return before(a, b) ? -1 : 1;
}

uint32_t
ref_book_snapshot(
	const struct ref_book *rb, struct gw_book_entry *out, uint32_t max)
{
	struct ref_order *sorted = malloc(sizeof(*sorted) * (rb->n + 1));
	uint32_t i;

	if (sorted == NULL)
		abort();
	for (i = 0; i < rb->n; i++)
		sorted[i] = rb->o[i];
	qsort(sorted, rb->n, sizeof(*sorted), cmp_entry);
	for (i = 0; i < rb->n && i < max; i++)
		out[i] = (struct gw_book_entry){
			.price = sorted[i].price,
			.id = sorted[i].id,
			.leaves = sorted[i].open,
			.session = sorted[i].session,
			.side = sorted[i].side,
		};
	free(sorted);
	return rb->n;
}
