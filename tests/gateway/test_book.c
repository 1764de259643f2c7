/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The lfpool authors
 */

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <rte_errno.h>

#include "lfp_test.h"
#include "test_gateway.h"

#define B GW_SIDE_BUY
#define S GW_SIDE_SELL
#define LMT GW_ORD_LIMIT
#define MKT GW_ORD_MARKET

/* One book on its own small pools, and the messages of the last request. */
struct bt {
	struct lfp_tp_pools *pools;
	struct gw_alloc alloc;
	struct gw_ordmap *map;
	struct gw_book *book;
	struct rec_sink rec;
	uint32_t seq;
};

static int
bt_init(struct bt *t, const char *name, uint32_t orders, uint32_t trades,
	uint32_t levels, uint32_t max_levels)
{
	const struct gw_book_conf conf = {
		.sym_idx = 3,
		.symbol = gw_symbol_pack("ACME"),
		.max_levels = max_levels,
		.socket = SOCKET_ID_ANY,
	};

	memset(t, 0, sizeof(*t));
	rec_init(&t->rec, 64);
	t->pools = gw_test_pools(name, orders, trades, orders, levels);
	t->map = gw_ordmap_create(orders, SOCKET_ID_ANY);
	if (t->pools == NULL || t->map == NULL)
		return -1;
	gw_alloc_tp_init(&t->alloc, t->pools);
	t->book = gw_book_create(&conf, t->map, &t->alloc);
	CU_ASSERT_PTR_NOT_NULL(t->book);
	return t->book == NULL ? -1 : 0;
}

/* Empty the book, check that every object went back, free everything. */
static void
bt_fini(struct bt *t)
{
	if (t->book != NULL) {
		CU_ASSERT_EQUAL(gw_book_check(t->book), 0);
		gw_book_free(t->book);
	}
	if (t->map != NULL)
		CU_ASSERT_EQUAL(gw_ordmap_count(t->map), 0);
	if (t->pools != NULL)
		CU_ASSERT_TRUE(lfp_tp_full(t->pools));
	lfp_tp_free(t->pools);
	gw_ordmap_free(t->map);
	rec_fini(&t->rec);
}

static uint32_t
run(struct bt *t, struct gw_msg *req)
{
	req->symbol = gw_symbol_pack("ACME");
	req->seq = ++t->seq;
	rec_clear(&t->rec);
	switch (req->type) {
	case GW_MSG_NEW:
		gw_book_new(t->book, req, t->seq, &t->rec.sink);
		break;
	case GW_MSG_CANCEL:
		gw_book_cancel(t->book, req, t->seq, &t->rec.sink);
		break;
	default:
		gw_book_replace(t->book, req, t->seq, &t->rec.sink);
		break;
	}
	CU_ASSERT_EQUAL(gw_book_check(t->book), 0);
	return t->rec.n;
}

static uint32_t
order(struct bt *t, uint32_t session, uint64_t id, uint8_t side, uint8_t type,
	int64_t price, uint32_t qty)
{
	struct gw_msg req = {
		.type = GW_MSG_NEW,
		.session = session,
		.order_id = id,
		.side = side,
		.ord_type = type,
		.price = price,
		.qty = qty,
	};

	return run(t, &req);
}

static uint32_t
cancel(struct bt *t, uint32_t session, uint64_t id)
{
	struct gw_msg req = {
		.type = GW_MSG_CANCEL,
		.session = session,
		.order_id = id,
	};

	return run(t, &req);
}

static uint32_t
replace(struct bt *t, uint32_t session, uint64_t id, int64_t price,
	uint32_t qty)
{
	struct gw_msg req = {
		.type = GW_MSG_REPLACE,
		.session = session,
		.order_id = id,
		.price = price,
		.qty = qty,
	};

	return run(t, &req);
}

/*
 * Message @p i of the last request has this type, id and numbers: price
 * and leaves for ACCEPTED, price, qty and leaves for EXECUTED, qty for
 * CANCELLED, the reason (in qty) for REJECTED.
 */
static bool
msg_is(const struct bt *t, uint32_t i, uint8_t type, uint64_t id, int64_t price,
	uint32_t qty, uint32_t leaves)
{
	const struct gw_msg *m = &t->rec.msgs[i];
	bool ok;

	if (i >= t->rec.n) {
		printf("\n    message %u missing (%u)\n", i, t->rec.n);
		return false;
	}
	ok = m->type == type && m->order_id == id;
	switch (type) {
	case GW_MSG_ACCEPTED:
		ok = ok && m->price == price && m->leaves == leaves;
		break;
	case GW_MSG_EXECUTED:
		ok = ok && m->price == price && m->qty == qty &&
			m->leaves == leaves;
		break;
	case GW_MSG_CANCELLED:
		ok = ok && m->qty == qty;
		break;
	default:
		ok = ok && m->reason == qty;
		break;
	}
	if (!ok)
		printf("\n    message %u: %s id %" PRIu64 " price %" PRId64
		       " qty %u leaves %u reason %u\n",
			i, gw_msg_type_name(m->type), m->order_id, m->price,
			m->qty, m->leaves, m->reason);
	return ok;
}

/* The resting orders, best first, as "side:id:leaves@price" words. */
static bool
book_is(const struct bt *t, const char *want)
{
	struct gw_book_entry e[32];
	char got[512] = "";
	uint32_t n = gw_book_snapshot(t->book, e, RTE_DIM(e)), i;
	size_t off = 0;

	for (i = 0; i < n && i < RTE_DIM(e); i++)
		off += snprintf(got + off, sizeof(got) - off,
			"%s%c:%" PRIu64 ":%u@%" PRId64, i ? " " : "",
			e[i].side == B ? 'B' : 'S', e[i].id, e[i].leaves,
			e[i].price);
	if (strcmp(got, want) != 0) {
		printf("\n    book \"%s\", want \"%s\"\n", got, want);
		return false;
	}
	return true;
}

static void
test_book_passive_orders_rest(void)
{
	struct bt t;

	if (bt_init(&t, "bk_rest", 64, 16, 16, 8) == 0) {
		CU_ASSERT_EQUAL(order(&t, 1, 1, B, LMT, 100, 10), 1);
		CU_ASSERT(msg_is(&t, 0, GW_MSG_ACCEPTED, 1, 100, 0, 10));
		CU_ASSERT_EQUAL(t.rec.msgs[0].req_type, GW_MSG_NEW);
		CU_ASSERT_EQUAL(t.rec.msgs[0].session, 1);
		CU_ASSERT_EQUAL(order(&t, 1, 2, B, LMT, 101, 5), 1);
		CU_ASSERT_EQUAL(order(&t, 2, 3, S, LMT, 103, 7), 1);
		CU_ASSERT_EQUAL(order(&t, 2, 4, S, LMT, 102, 8), 1);
		CU_ASSERT_EQUAL(order(&t, 2, 5, B, LMT, 100, 1), 1);
		CU_ASSERT(book_is(&t,
			"B:2:5@101 B:1:10@100 B:5:1@100 "
			"S:4:8@102 S:3:7@103"));
		CU_ASSERT_EQUAL(gw_book_depth(t.book, B), 2);
		CU_ASSERT_EQUAL(gw_book_depth(t.book, S), 2);
		CU_ASSERT_EQUAL(gw_book_orders(t.book), 5);
	}
	bt_fini(&t);
}

/* Oldest first within a level, then the next level; maker's price. */
static void
test_book_partial_fills_several_levels(void)
{
	struct bt t;

	if (bt_init(&t, "bk_levels", 64, 16, 16, 8) == 0) {
		order(&t, 1, 1, S, LMT, 10, 100);
		order(&t, 2, 2, S, LMT, 10, 50);
		order(&t, 1, 3, S, LMT, 11, 80);
		order(&t, 2, 4, S, LMT, 12, 40);
		CU_ASSERT_EQUAL(order(&t, 3, 9, B, LMT, 11, 200), 7);
		CU_ASSERT(msg_is(&t, 0, GW_MSG_ACCEPTED, 9, 11, 0, 200));
		CU_ASSERT(msg_is(&t, 1, GW_MSG_EXECUTED, 9, 10, 100, 100));
		CU_ASSERT(msg_is(&t, 2, GW_MSG_EXECUTED, 1, 10, 100, 0));
		CU_ASSERT(msg_is(&t, 3, GW_MSG_EXECUTED, 9, 10, 50, 50));
		CU_ASSERT(msg_is(&t, 4, GW_MSG_EXECUTED, 2, 10, 50, 0));
		CU_ASSERT(msg_is(&t, 5, GW_MSG_EXECUTED, 9, 11, 50, 0));
		CU_ASSERT(msg_is(&t, 6, GW_MSG_EXECUTED, 3, 11, 50, 30));
		CU_ASSERT_EQUAL(t.rec.msgs[1].liquidity, GW_LIQ_TAKER);
		CU_ASSERT_EQUAL(t.rec.msgs[2].liquidity, GW_LIQ_MAKER);
		CU_ASSERT_EQUAL(t.rec.msgs[2].session, 1);
		/* Both sides of a trade share its id; ids count up. */
		CU_ASSERT_EQUAL(t.rec.msgs[1].trade_id, t.rec.msgs[2].trade_id);
		CU_ASSERT_EQUAL(t.rec.msgs[1].trade_id, gw_trade_id(3, 1));
		CU_ASSERT_EQUAL(t.rec.msgs[5].trade_id, gw_trade_id(3, 3));
		CU_ASSERT(book_is(&t, "S:3:30@11 S:4:40@12"));
		/* A buy above the best ask trades at the ask and rests. */
		CU_ASSERT_EQUAL(order(&t, 3, 10, B, LMT, 11, 45), 3);
		CU_ASSERT(msg_is(&t, 1, GW_MSG_EXECUTED, 10, 11, 30, 15));
		CU_ASSERT(book_is(&t, "B:10:15@11 S:4:40@12"));
	}
	bt_fini(&t);
}

static void
test_book_market_orders(void)
{
	struct bt t;

	if (bt_init(&t, "bk_market", 64, 16, 16, 8) == 0) {
		/* Nothing to trade with: accepted, then cancelled. */
		CU_ASSERT_EQUAL(order(&t, 1, 1, B, MKT, 0, 10), 2);
		CU_ASSERT(msg_is(&t, 0, GW_MSG_ACCEPTED, 1, 0, 0, 10));
		CU_ASSERT(msg_is(&t, 1, GW_MSG_CANCELLED, 1, 0, 10, 0));
		CU_ASSERT_EQUAL(t.rec.msgs[1].reason, GW_CXL_UNFILLED);
		order(&t, 2, 2, B, LMT, 50, 5);
		order(&t, 2, 3, B, LMT, 40, 5);
		/* A sell sweeps every level at any price. */
		CU_ASSERT_EQUAL(order(&t, 1, 4, S, MKT, 0, 12), 6);
		CU_ASSERT(msg_is(&t, 1, GW_MSG_EXECUTED, 4, 50, 5, 7));
		CU_ASSERT(msg_is(&t, 3, GW_MSG_EXECUTED, 4, 40, 5, 2));
		CU_ASSERT(msg_is(&t, 5, GW_MSG_CANCELLED, 4, 0, 2, 0));
		CU_ASSERT(book_is(&t, ""));
	}
	bt_fini(&t);
}

static void
test_book_cancel_partly_filled(void)
{
	struct bt t;

	if (bt_init(&t, "bk_cancel", 64, 16, 16, 8) == 0) {
		order(&t, 1, 1, S, LMT, 10, 100);
		order(&t, 1, 2, S, LMT, 10, 20);
		order(&t, 2, 3, B, LMT, 10, 30);
		CU_ASSERT(book_is(&t, "S:1:70@10 S:2:20@10"));
		CU_ASSERT_EQUAL(cancel(&t, 1, 1), 1);
		CU_ASSERT(msg_is(&t, 0, GW_MSG_CANCELLED, 1, 0, 70, 0));
		CU_ASSERT_EQUAL(t.rec.msgs[0].reason, GW_CXL_REQUESTED);
		CU_ASSERT(book_is(&t, "S:2:20@10"));
		/* Already gone, never existed, another session's. */
		CU_ASSERT_EQUAL(cancel(&t, 1, 1), 1);
		CU_ASSERT(msg_is(
			&t, 0, GW_MSG_REJECTED, 1, 0, GW_REJ_UNKNOWN_ORDER, 0));
		CU_ASSERT_EQUAL(t.rec.msgs[0].req_type, GW_MSG_CANCEL);
		CU_ASSERT_EQUAL(t.rec.msgs[0].ref_seq, t.seq);
		CU_ASSERT_EQUAL(cancel(&t, 1, 99), 1);
		CU_ASSERT(msg_is(&t, 0, GW_MSG_REJECTED, 99, 0,
			GW_REJ_UNKNOWN_ORDER, 0));
		CU_ASSERT_EQUAL(cancel(&t, 2, 2), 1);
		CU_ASSERT(msg_is(
			&t, 0, GW_MSG_REJECTED, 2, 0, GW_REJ_UNKNOWN_ORDER, 0));
		/* The last order of a level takes the level with it. */
		CU_ASSERT_EQUAL(cancel(&t, 1, 2), 1);
		CU_ASSERT_EQUAL(gw_book_depth(t.book, S), 0);
		CU_ASSERT_EQUAL(gw_ordmap_count(t.map), 0);
	}
	bt_fini(&t);
}

static void
test_book_replace_keeps_priority(void)
{
	struct bt t;

	if (bt_init(&t, "bk_repl_keep", 64, 16, 16, 8) == 0) {
		order(&t, 1, 1, B, LMT, 10, 50);
		order(&t, 2, 2, B, LMT, 10, 50);
		/* Same price, less: in place, first still. */
		CU_ASSERT_EQUAL(replace(&t, 1, 1, 10, 20), 1);
		CU_ASSERT(msg_is(&t, 0, GW_MSG_ACCEPTED, 1, 10, 0, 20));
		CU_ASSERT_EQUAL(t.rec.msgs[0].req_type, GW_MSG_REPLACE);
		/* Same price, same quantity: a no-op that keeps its place. */
		CU_ASSERT_EQUAL(replace(&t, 1, 1, 10, 20), 1);
		CU_ASSERT(book_is(&t, "B:1:20@10 B:2:50@10"));
		CU_ASSERT_EQUAL(order(&t, 3, 3, S, LMT, 10, 20), 3);
		CU_ASSERT(msg_is(&t, 2, GW_MSG_EXECUTED, 1, 10, 20, 0));
		CU_ASSERT(book_is(&t, "B:2:50@10"));
	}
	bt_fini(&t);
}

static void
test_book_replace_loses_priority(void)
{
	struct bt t;

	if (bt_init(&t, "bk_repl_lose", 64, 16, 16, 8) == 0) {
		order(&t, 1, 1, B, LMT, 10, 50);
		order(&t, 2, 2, B, LMT, 10, 50);
		order(&t, 2, 3, B, LMT, 9, 50);
		/* More quantity at the same price: to the tail. */
		CU_ASSERT_EQUAL(replace(&t, 1, 1, 10, 60), 1);
		CU_ASSERT(book_is(&t, "B:2:50@10 B:1:60@10 B:3:50@9"));
		/* New price: to the tail of the new level, old one kept. */
		CU_ASSERT_EQUAL(replace(&t, 2, 2, 9, 50), 1);
		CU_ASSERT(book_is(&t, "B:1:60@10 B:3:50@9 B:2:50@9"));
		/* Leaving a level alone removes the level. */
		CU_ASSERT_EQUAL(replace(&t, 1, 1, 8, 60), 1);
		CU_ASSERT(book_is(&t, "B:3:50@9 B:2:50@9 B:1:60@8"));
		CU_ASSERT_EQUAL(gw_book_depth(t.book, B), 2);
		/* Unknown and foreign orders are rejected. */
		CU_ASSERT_EQUAL(replace(&t, 2, 1, 8, 1), 1);
		CU_ASSERT(msg_is(
			&t, 0, GW_MSG_REJECTED, 1, 0, GW_REJ_UNKNOWN_ORDER, 0));
		CU_ASSERT_EQUAL(t.rec.msgs[0].req_type, GW_MSG_REPLACE);
	}
	bt_fini(&t);
}

/* A replace that crosses trades at once, filled quantity kept. */
static void
test_book_replace_crossing_trades(void)
{
	struct bt t;

	if (bt_init(&t, "bk_repl_x", 64, 16, 16, 8) == 0) {
		order(&t, 1, 1, S, LMT, 12, 30);
		order(&t, 2, 2, B, LMT, 10, 100);
		order(&t, 3, 3, S, LMT, 10, 40);
		CU_ASSERT(book_is(&t, "B:2:60@10 S:1:30@12"));
		/* Open 60 of 100 -> open 80 at 12: buys 30, rests 50. */
		CU_ASSERT_EQUAL(replace(&t, 2, 2, 12, 80), 3);
		CU_ASSERT(msg_is(&t, 0, GW_MSG_ACCEPTED, 2, 12, 0, 80));
		CU_ASSERT(msg_is(&t, 1, GW_MSG_EXECUTED, 2, 12, 30, 50));
		CU_ASSERT(msg_is(&t, 2, GW_MSG_EXECUTED, 1, 12, 30, 0));
		CU_ASSERT(book_is(&t, "B:2:50@12"));
		/* Cancel reports the open quantity only. */
		CU_ASSERT_EQUAL(cancel(&t, 2, 2), 1);
		CU_ASSERT(msg_is(&t, 0, GW_MSG_CANCELLED, 2, 0, 50, 0));
	}
	bt_fini(&t);
}

/* Equal prices cross, whatever the sessions: no self-trade prevention. */
static void
test_book_self_cross_at_equal_price(void)
{
	struct bt t;

	if (bt_init(&t, "bk_self", 64, 16, 16, 8) == 0) {
		order(&t, 1, 1, B, LMT, 100, 10);
		CU_ASSERT_EQUAL(order(&t, 1, 2, S, LMT, 101, 10), 1);
		CU_ASSERT_EQUAL(order(&t, 1, 3, S, LMT, 100, 4), 3);
		CU_ASSERT(msg_is(&t, 1, GW_MSG_EXECUTED, 3, 100, 4, 0));
		CU_ASSERT(msg_is(&t, 2, GW_MSG_EXECUTED, 1, 100, 4, 6));
		CU_ASSERT_EQUAL(t.rec.msgs[1].session, 1);
		CU_ASSERT_EQUAL(t.rec.msgs[2].session, 1);
		CU_ASSERT_EQUAL(t.rec.msgs[1].side, S);
		CU_ASSERT_EQUAL(t.rec.msgs[2].side, B);
		CU_ASSERT(book_is(&t, "B:1:6@100 S:2:10@101"));
	}
	bt_fini(&t);
}

static void
test_book_duplicate_ids(void)
{
	struct bt t;

	if (bt_init(&t, "bk_dup", 64, 16, 16, 8) == 0) {
		order(&t, 1, 1, B, LMT, 100, 10);
		CU_ASSERT_EQUAL(order(&t, 2, 1, S, LMT, 101, 10), 1);
		CU_ASSERT(msg_is(
			&t, 0, GW_MSG_REJECTED, 1, 0, GW_REJ_DUPLICATE_ID, 0));
		CU_ASSERT_EQUAL(order(&t, 2, 1, S, MKT, 0, 10), 1);
		CU_ASSERT(msg_is(
			&t, 0, GW_MSG_REJECTED, 1, 0, GW_REJ_DUPLICATE_ID, 0));
		/* Once the order is done, its id may be used again. */
		CU_ASSERT_EQUAL(order(&t, 2, 2, S, MKT, 0, 10), 3);
		CU_ASSERT_EQUAL(order(&t, 2, 1, S, LMT, 101, 10), 1);
		CU_ASSERT(msg_is(&t, 0, GW_MSG_ACCEPTED, 1, 101, 0, 10));
	}
	bt_fini(&t);
}

/* Every way resources run out, then everything comes back. */
static void
test_book_resource_exhaustion(void)
{
	struct bt t;

	/* 4 orders, 1 trade, 2 levels in the pool, 2 levels per side. */
	if (bt_init(&t, "bk_exhaust", 4, 1, 2, 2) == 0) {
		order(&t, 1, 1, B, LMT, 10, 1);
		order(&t, 1, 2, B, LMT, 11, 1);
		/* A third bid level: no room in the side array (2 levels). */
		CU_ASSERT_EQUAL(order(&t, 1, 3, B, LMT, 9, 1), 2);
		CU_ASSERT(msg_is(&t, 1, GW_MSG_CANCELLED, 3, 0, 1, 0));
		CU_ASSERT_EQUAL(t.rec.msgs[1].reason, GW_CXL_NO_RESOURCES);
		/* An ask level: the level pool (2) is empty. */
		CU_ASSERT_EQUAL(order(&t, 1, 4, S, LMT, 20, 1), 2);
		CU_ASSERT_EQUAL(t.rec.msgs[1].reason, GW_CXL_NO_RESOURCES);
		order(&t, 1, 5, B, LMT, 11, 1);
		order(&t, 1, 6, B, LMT, 11, 1);
		/* The ordmap holds 4 live orders: a fifth limit order is
		 * refused before it is accepted.
		 */
		CU_ASSERT_EQUAL(order(&t, 1, 7, B, LMT, 11, 1), 1);
		CU_ASSERT(msg_is(
			&t, 0, GW_MSG_REJECTED, 7, 0, GW_REJ_NO_RESOURCES, 0));
		/* All 4 orders are resting, so the pool is empty too. */
		CU_ASSERT_EQUAL(order(&t, 1, 8, S, MKT, 0, 1), 1);
		CU_ASSERT(msg_is(
			&t, 0, GW_MSG_REJECTED, 8, 0, GW_REJ_NO_RESOURCES, 0));
		CU_ASSERT_EQUAL(gw_book_purge(t.book), 4);
		CU_ASSERT_TRUE(lfp_tp_full(t.pools));
	}
	bt_fini(&t);
}

/* No trade object: stop matching, never rest a crossing remainder. */
static void
test_book_trade_exhaustion(void)
{
	struct bt t;
	struct lfp_trade *held;

	if (bt_init(&t, "bk_notrade", 8, 1, 4, 4) == 0) {
		order(&t, 1, 1, S, LMT, 10, 5);
		held = lfp_tp_trade_create(t.pools, 1, 1, 2,
			&(struct lfp_tp_symbol){.c = "X"}, 1, 1, 0);
		CU_ASSERT_PTR_NOT_NULL_FATAL(held);
		CU_ASSERT_EQUAL(order(&t, 2, 2, B, LMT, 10, 5), 2);
		CU_ASSERT(msg_is(&t, 1, GW_MSG_CANCELLED, 2, 0, 5, 0));
		CU_ASSERT_EQUAL(t.rec.msgs[1].reason, GW_CXL_NO_RESOURCES);
		CU_ASSERT(book_is(&t, "S:1:5@10"));
		/* A market order stopped by the same want of a Trade:
		 * reason 3 (no resources), not 2 (no liquidity).
		 */
		CU_ASSERT_EQUAL(order(&t, 2, 3, B, MKT, 0, 5), 2);
		CU_ASSERT(msg_is(&t, 1, GW_MSG_CANCELLED, 3, 0, 5, 0));
		CU_ASSERT_EQUAL(t.rec.msgs[1].reason, GW_CXL_NO_RESOURCES);
		CU_ASSERT(book_is(&t, "S:1:5@10"));
		lfp_tp_trade_free(t.pools, held);
		CU_ASSERT_EQUAL(order(&t, 2, 2, B, LMT, 10, 5), 3);
	}
	bt_fini(&t);
}

static void
test_book_create_bad_args(void)
{
	struct gw_book_conf conf = {
		.symbol = gw_symbol_pack("OK"),
		.max_levels = 4,
		.socket = SOCKET_ID_ANY,
	};
	struct gw_malloc_ctx mctx = {0};
	struct gw_ordmap *map = gw_ordmap_create(4, SOCKET_ID_ANY);
	struct gw_alloc a;
	struct gw_book *b;

	CU_ASSERT_PTR_NOT_NULL_FATAL(map);
	gw_alloc_malloc_init(&a, &mctx);
	conf.max_levels = 0;
	LFP_ASSERT_NULL_ERRNO(gw_book_create(&conf, map, &a), EINVAL);
	conf.max_levels = 4;
	LFP_ASSERT_NULL_ERRNO(gw_book_create(&conf, NULL, &a), EINVAL);
	conf.symbol = 0;
	LFP_ASSERT_NULL_ERRNO(gw_book_create(&conf, map, &a), EINVAL);
	conf.symbol = gw_symbol_pack("OK");
	b = gw_book_create(&conf, map, &a);
	CU_ASSERT_PTR_NOT_NULL(b);
	gw_book_free(b);
	gw_book_free(NULL);
	gw_ordmap_free(map);
}

/* The benchmark's malloc allocator runs the same book. */
static void
test_book_on_malloc_allocator(void)
{
	const struct gw_book_conf conf = {
		.symbol = gw_symbol_pack("M"),
		.max_levels = 4,
		.socket = SOCKET_ID_ANY,
	};
	struct gw_malloc_ctx mctx = {.limit = {[GW_OBJ_ORDER] = 2}};
	struct gw_ordmap *map = gw_ordmap_create(16, SOCKET_ID_ANY);
	struct rec_sink rec;
	struct gw_alloc a;
	struct gw_book *b;
	struct gw_msg req = {
		.type = GW_MSG_NEW,
		.session = 1,
		.side = S,
		.ord_type = LMT,
		.price = 5,
		.qty = 3,
	};

	CU_ASSERT_PTR_NOT_NULL_FATAL(map);
	rec_init(&rec, 8);
	gw_alloc_malloc_init(&a, &mctx);
	mctx.limit[GW_OBJ_ORDER] = 2;
	b = gw_book_create(&conf, map, &a);
	CU_ASSERT_PTR_NOT_NULL_FATAL(b);
	for (req.order_id = 1; req.order_id <= 3; req.order_id++)
		gw_book_new(b, &req, 0, &rec.sink);
	CU_ASSERT_EQUAL(rec.n, 3);
	CU_ASSERT_EQUAL(rec.msgs[2].reason, GW_REJ_NO_RESOURCES);
	CU_ASSERT_EQUAL(mctx.failures, 1);
	/* Two orders, two nodes, one level. */
	CU_ASSERT_EQUAL(gw_alloc_malloc_in_use(&mctx), 5);
	CU_ASSERT_EQUAL(gw_book_check(b), 0);
	gw_book_free(b);
	CU_ASSERT_EQUAL(gw_alloc_malloc_in_use(&mctx), 0);
	gw_ordmap_free(map);
	rec_fini(&rec);
}

CU_TestInfo gw_book_tests[] = {
	{"passive_orders_rest", test_book_passive_orders_rest},
	{"partial_fills_several_levels",
		test_book_partial_fills_several_levels},
	{"market_orders", test_book_market_orders},
	{"cancel_partly_filled", test_book_cancel_partly_filled},
	{"replace_keeps_priority", test_book_replace_keeps_priority},
	{"replace_loses_priority", test_book_replace_loses_priority},
	{"replace_crossing_trades", test_book_replace_crossing_trades},
	{"self_cross_at_equal_price", test_book_self_cross_at_equal_price},
	{"duplicate_ids", test_book_duplicate_ids},
	{"resource_exhaustion", test_book_resource_exhaustion},
	{"trade_exhaustion", test_book_trade_exhaustion},
	{"create_bad_args", test_book_create_bad_args},
	{"on_malloc_allocator", test_book_on_malloc_allocator},
	CU_TEST_INFO_NULL,
};
