/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The lfpool authors
 */

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_random.h>

#include "lfp_test.h"
#include "ref_book.h"
#include "test_gateway.h"

/*
 * Differential test: the same random requests go to gw_book (on lfpool
 * typed pools) and to the reference book; every message and, regularly,
 * the whole book must be the same. A narrow price band and few ids per
 * symbol make crosses, partial fills, duplicate ids, stale cancels and
 * replaces of every kind frequent.
 */

#define NSYM 4
#define IDS 200 /* order ids per symbol: bounds the resting orders */
#define SESSIONS 3
#define PRICE_LO 95
#define PRICE_BAND 11
#define CHECK_EVERY 4096

struct diff {
	struct lfp_tp_pools *pools;
	struct gw_alloc alloc;
	struct gw_ordmap *map;
	struct gw_book *book[NSYM];
	struct ref_book *ref[NSYM];
	struct rec_sink got, want;
	uint64_t trades;
	uint64_t mismatches;
};

static bool
msg_eq(const struct gw_msg *a, const struct gw_msg *b)
{
	return a->type == b->type && a->side == b->side &&
		a->ord_type == b->ord_type && a->req_type == b->req_type &&
		a->reason == b->reason && a->liquidity == b->liquidity &&
		a->session == b->session && a->seq == b->seq &&
		a->qty == b->qty && a->leaves == b->leaves &&
		a->ref_seq == b->ref_seq && a->order_id == b->order_id &&
		a->symbol == b->symbol && a->price == b->price &&
		a->trade_id == b->trade_id;
}

static void
print_msg(const char *who, const struct gw_msg *m)
{
	printf("    %s: %s id %" PRIu64 " s%u price %" PRId64 " qty %u "
	       "leaves %u reason %u trade %" PRIx64 "\n",
		who, gw_msg_type_name(m->type), m->order_id, m->session,
		m->price, m->qty, m->leaves, m->reason, m->trade_id);
}

static struct gw_msg
random_request(uint32_t seq)
{
	uint32_t r = rte_rand_max(100);
	struct gw_msg m = {
		.seq = seq,
		.order_id = 1 + rte_rand_max(IDS),
	};

	/* Mostly the session that owns the id, sometimes a stranger. */
	m.session = 1 +
		(rte_rand_max(10) == 0 ? rte_rand_max(SESSIONS) :
					 m.order_id % SESSIONS);
	m.price = PRICE_LO + (int64_t)rte_rand_max(PRICE_BAND);
	m.qty = 1 + rte_rand_max(20);
	if (r < 45) {
		m.type = GW_MSG_NEW;
		m.ord_type = GW_ORD_LIMIT;
	} else if (r < 50) {
		m.type = GW_MSG_NEW;
		m.ord_type = GW_ORD_MARKET;
		m.price = 0;
	} else if (r < 75) {
		m.type = GW_MSG_CANCEL;
		m.price = 0;
		m.qty = 0;
	} else {
		m.type = GW_MSG_REPLACE;
	}
	if (m.type == GW_MSG_NEW)
		m.side = rte_rand_max(2) ? GW_SIDE_BUY : GW_SIDE_SELL;
	return m;
}

static void
dispatch(const struct gw_market_ops *ops, void *book, const struct gw_msg *req,
	const struct gw_sink *sink)
{
	switch (req->type) {
	case GW_MSG_NEW:
		ops->new_order(book, req, req->seq, sink);
		break;
	case GW_MSG_CANCEL:
		ops->cancel(book, req, req->seq, sink);
		break;
	default:
		ops->replace(book, req, req->seq, sink);
		break;
	}
}

static void
compare_messages(struct diff *d, const struct gw_msg *req)
{
	uint32_t i, n = RTE_MAX(d->got.n, d->want.n);

	for (i = 0; i < d->got.n; i++)
		d->trades += d->got.msgs[i].type == GW_MSG_EXECUTED &&
			d->got.msgs[i].liquidity == GW_LIQ_TAKER;
	if (d->got.n == d->want.n) {
		for (i = 0; i < n; i++)
			if (!msg_eq(&d->got.msgs[i], &d->want.msgs[i]))
				break;
		if (i == n)
			return;
	}
	if (d->mismatches++ > 0)
		return;
	printf("\n    request %u: ", req->seq);
	print_msg("req", req);
	for (i = 0; i < n; i++) {
		if (i < d->got.n)
			print_msg("book", &d->got.msgs[i]);
		if (i < d->want.n)
			print_msg("ref ", &d->want.msgs[i]);
	}
}

static bool
books_equal(const struct diff *d, unsigned int s)
{
	static struct gw_book_entry a[NSYM * IDS], b[NSYM * IDS];
	uint32_t na = gw_book_snapshot(d->book[s], a, RTE_DIM(a));
	uint32_t nb = ref_book_snapshot(d->ref[s], b, RTE_DIM(b));
	uint32_t i;

	if (na != nb)
		return false;
	for (i = 0; i < na; i++)
		if (a[i].price != b[i].price || a[i].id != b[i].id ||
			a[i].leaves != b[i].leaves ||
			a[i].session != b[i].session || a[i].side != b[i].side)
			return false;
	return gw_book_check(d->book[s]) == 0;
}

static int
diff_init(struct diff *d)
{
	struct gw_book_conf conf = {
		.max_levels = PRICE_BAND,
		.socket = SOCKET_ID_ANY,
	};
	char name[9];
	unsigned int s;

	memset(d, 0, sizeof(*d));
	rec_init(&d->got, 64);
	rec_init(&d->want, 64);
	/* Resting orders <= NSYM * IDS; one taker and one trade in flight. */
	d->pools = gw_test_pools(
		"diff", NSYM * IDS + 1, 1, NSYM * IDS, NSYM * 2 * PRICE_BAND);
	d->map = gw_ordmap_create(NSYM * IDS, SOCKET_ID_ANY);
	if (d->pools == NULL || d->map == NULL)
		return -1;
	gw_alloc_tp_init(&d->alloc, d->pools);
	for (s = 0; s < NSYM; s++) {
		snprintf(name, sizeof(name), "SYM%u", s);
		conf.sym_idx = s;
		conf.symbol = gw_symbol_pack(name);
		d->book[s] = gw_book_create(&conf, d->map, &d->alloc);
		d->ref[s] = ref_book_create(s, conf.symbol, IDS);
		if (d->book[s] == NULL || d->ref[s] == NULL)
			return -1;
	}
	return 0;
}

static void
diff_fini(struct diff *d)
{
	unsigned int s;

	for (s = 0; s < NSYM; s++) {
		gw_book_free(d->book[s]);
		ref_book_free(d->ref[s]);
	}
	if (d->pools != NULL)
		CU_ASSERT_TRUE(lfp_tp_full(d->pools));
	lfp_tp_free(d->pools);
	gw_ordmap_free(d->map);
	rec_fini(&d->got);
	rec_fini(&d->want);
}

static void
test_diff_book_vs_reference(void)
{
	const uint32_t n = 1000000 / GW_TEST_SCALE;
	uint32_t i, s, bad_books = 0, resting = 0;
	struct gw_msg req;
	struct diff d;

	if (diff_init(&d) < 0) {
		CU_FAIL("setup");
		diff_fini(&d);
		return;
	}
	rte_srand(20260101);
	for (i = 1; i <= n && d.mismatches == 0; i++) {
		req = random_request(i);
		s = rte_rand_max(NSYM);
		req.symbol = gw_symbol_pack(
			(char[]){'S', 'Y', 'M', (char)('0' + s), 0});
		rec_clear(&d.got);
		rec_clear(&d.want);
		dispatch(&gw_book_ops, d.book[s], &req, &d.got.sink);
		dispatch(&ref_book_ops, d.ref[s], &req, &d.want.sink);
		compare_messages(&d, &req);
		if (i % CHECK_EVERY == 0 && !books_equal(&d, s))
			bad_books++;
	}
	for (s = 0; s < NSYM; s++) {
		bad_books += !books_equal(&d, s);
		resting += gw_book_orders(d.book[s]);
	}
	printf("\n    %u requests, %" PRIu64 " trades, %u resting at the "
	       "end: %" PRIu64 " mismatching requests, %u mismatching "
	       "books\n",
		i - 1, d.trades, resting, d.mismatches, bad_books);
	CU_ASSERT_EQUAL(d.mismatches, 0);
	CU_ASSERT_EQUAL(bad_books, 0);
	/* The flow must really trade and keep a book: not a vacuous pass. */
	CU_ASSERT(d.trades > n / 10);
	CU_ASSERT(resting > 0);
	diff_fini(&d);
}

CU_TestInfo gw_diff_tests[] = {
	{"book_vs_reference", test_diff_book_vs_reference},
	CU_TEST_INFO_NULL,
};
