/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The lfpool authors
 */

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <rte_byteorder.h>
#include <rte_errno.h>
#include <rte_ip.h>

#include "engine.h"
#include "gen.h"
#include "lfp_test.h"
#include "ref_book.h"
#include "test_gateway.h"

static const struct gw_endpoint gw_ep = {
	.mac = {.addr_bytes = {0x02, 0, 0, 0, 0, 0x01}},
	.port = RTE_BE16(9000),
	.ip = RTE_BE32(0x0A000001),
};

/* Everything an engine sends: the message and where to. */
struct out_rec {
	struct gw_msg *m;
	struct gw_endpoint *dst;
	uint32_t n;
	uint32_t cap;
};

static void
out_rec(void *ctx, const struct gw_msg *m, const struct gw_endpoint *dst)
{
	struct out_rec *r = ctx;

	if (r->n == r->cap) {
		r->cap = r->cap * 2 + 64;
		r->m = realloc(r->m, r->cap * sizeof(*r->m));
		r->dst = realloc(r->dst, r->cap * sizeof(*r->dst));
		if (r->m == NULL || r->dst == NULL)
			abort();
	}
	r->m[r->n] = *m;
	r->dst[r->n++] = *dst;
}

static void
out_free(struct out_rec *r)
{
	free(r->m);
	free(r->dst);
	memset(r, 0, sizeof(*r));
}

/* An engine over gw_book (pools != NULL) or the reference book. */
struct eng {
	struct gw_engine e;
	struct gw_symtab *t;
	struct gw_ordmap *map;
	struct gw_alloc alloc;
	void **books;
	uint32_t nsym;
	bool ref;
	struct out_rec out;
};

/* With @p sessions, requests need a LOGON (NULL: all open). */
static int
eng_init_auth(struct eng *x, uint32_t nsym, struct lfp_tp_pools *pools,
	uint32_t shard, uint32_t nshards, struct gw_sessions *sessions)
{
	struct gw_engine_conf ec = {
		.local = gw_ep,
		.out = out_rec,
		.socket = SOCKET_ID_ANY,
		.sessions = sessions,
	};
	struct gw_book_conf bc = {.max_levels = 256, .socket = SOCKET_ID_ANY};
	uint32_t i;
	uint64_t sym;

	memset(x, 0, sizeof(*x));
	x->nsym = nsym;
	x->ref = pools == NULL;
	x->t = gw_symtab_create(nsym, SOCKET_ID_ANY);
	x->books = calloc(nsym, sizeof(*x->books));
	x->map = gw_ordmap_create(8192, SOCKET_ID_ANY);
	if (x->t == NULL || x->books == NULL || x->map == NULL)
		return -1;
	ec.symtab = x->t;
	ec.ops = x->ref ? &ref_book_ops : &gw_book_ops;
	ec.out_ctx = &x->out;
	if (gw_engine_init(&x->e, &ec) < 0)
		return -1;
	if (!x->ref)
		gw_alloc_tp_init(&x->alloc, pools);
	for (i = 0; i < nsym; i++) {
		sym = gw_symtab_symbol(x->t, i);
		if (gw_symtab_shard(sym, nshards) != shard)
			continue;
		bc.sym_idx = i;
		bc.symbol = sym;
		x->books[i] = x->ref ?
			(void *)ref_book_create(i, sym, 4096) :
			(void *)gw_book_create(&bc, x->map, &x->alloc);
		if (x->books[i] == NULL)
			return -1;
		gw_engine_set_book(&x->e, i, x->books[i]);
	}
	return 0;
}

static int
eng_init(struct eng *x, uint32_t nsym, struct lfp_tp_pools *pools,
	uint32_t shard, uint32_t nshards)
{
	return eng_init_auth(x, nsym, pools, shard, nshards, NULL);
}

static void
eng_fini(struct eng *x)
{
	uint32_t i;

	for (i = 0; x->books != NULL && i < x->nsym; i++) {
		if (x->ref)
			ref_book_free(x->books[i]);
		else
			gw_book_free(x->books[i]);
	}
	free(x->books);
	gw_engine_fini(&x->e);
	gw_ordmap_free(x->map);
	gw_symtab_free(x->t);
	out_free(&x->out);
}

static void
send_req(struct eng *x, struct gw_msg m, uint32_t session_ep)
{
	uint8_t buf[GW_PROTO_FRAME_MAX];
	struct gw_endpoint src;
	int len;

	gw_gen_session_endpoint(session_ep, &src);
	len = gw_proto_encode(buf, sizeof(buf), &src, &gw_ep, &m);
	CU_ASSERT_FATAL(len > 0);
	gw_engine_frame(&x->e, buf, (uint32_t)len, 1);
}

static void
test_engine_symtab(void)
{
	struct gw_symtab *t = gw_symtab_create(1000, SOCKET_ID_ANY);
	uint32_t i, shard_count[4] = {0};
	char name[9];

	LFP_ASSERT_NULL_ERRNO(gw_symtab_create(0, SOCKET_ID_ANY), EINVAL);
	LFP_ASSERT_NULL_ERRNO(
		gw_symtab_create(GW_SYMTAB_MAX + 1, SOCKET_ID_ANY), EINVAL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(t);
	CU_ASSERT_EQUAL(gw_symtab_count(t), 1000);
	for (i = 0; i < 1000; i++) {
		CU_ASSERT_EQUAL(
			gw_symtab_find(t, gw_symtab_symbol(t, i)), (int)i);
		gw_symbol_unpack(gw_symtab_symbol(t, i), name);
		CU_ASSERT_EQUAL(strlen(name), 4);
		shard_count[gw_symtab_shard(gw_symtab_symbol(t, i), 4)]++;
	}
	CU_ASSERT_EQUAL(gw_symtab_find(t, gw_symbol_pack("ZZZZZZZZ")), -1);
	/* The hash spreads symbols over shards (not a timing figure). */
	for (i = 0; i < 4; i++)
		CU_ASSERT(shard_count[i] > 150);
	gw_symtab_free(t);
}

/*
 * Addressing and numbering: the maker's execution goes to the maker's
 * session address, the rest back to the sender; each book numbers its
 * messages; refusals before a book are numbered 0.
 */
static void
test_engine_routes_and_numbers(void)
{
	struct lfp_tp_pools *pools = gw_test_pools("eng_route", 64, 8, 64, 64);
	struct gw_endpoint a, b;
	struct eng x;
	uint64_t sym0, other = 0;
	uint32_t i;

	CU_ASSERT_PTR_NOT_NULL_FATAL(pools);
	CU_ASSERT_FATAL(eng_init(&x, 8, pools, 0, 2) == 0);
	gw_gen_session_endpoint(1, &a);
	gw_gen_session_endpoint(2, &b);
	for (i = 0; i < 8 && x.books[i] == NULL; i++)
		;
	CU_ASSERT_FATAL(i < 8);
	sym0 = gw_symtab_symbol(x.t, i);
	for (i = 0; i < 8; i++)
		if (x.books[i] == NULL)
			other = gw_symtab_symbol(x.t, i);
	CU_ASSERT_FATAL(other != 0);

	send_req(&x,
		(struct gw_msg){.type = GW_MSG_NEW,
			.session = 1,
			.order_id = 1,
			.symbol = sym0,
			.side = GW_SIDE_SELL,
			.ord_type = GW_ORD_LIMIT,
			.price = 10,
			.qty = 5},
		1);
	send_req(&x,
		(struct gw_msg){.type = GW_MSG_NEW,
			.session = 2,
			.order_id = 2,
			.symbol = sym0,
			.side = GW_SIDE_BUY,
			.ord_type = GW_ORD_LIMIT,
			.price = 10,
			.qty = 5},
		2);
	CU_ASSERT_EQUAL_FATAL(x.out.n, 4);
	CU_ASSERT_EQUAL(x.out.m[0].seq, 1);
	CU_ASSERT_EQUAL(x.out.dst[0].ip, a.ip);
	CU_ASSERT_EQUAL(x.out.m[1].type, GW_MSG_ACCEPTED);
	CU_ASSERT_EQUAL(x.out.dst[1].ip, b.ip);
	CU_ASSERT_EQUAL(x.out.m[2].liquidity, GW_LIQ_TAKER);
	CU_ASSERT_EQUAL(x.out.dst[2].port, b.port);
	CU_ASSERT_EQUAL(x.out.m[3].liquidity, GW_LIQ_MAKER);
	CU_ASSERT_EQUAL(x.out.dst[3].port, a.port);
	CU_ASSERT_EQUAL(memcmp(&x.out.dst[3].mac, &a.mac, 6), 0);
	CU_ASSERT_EQUAL(x.out.m[3].seq, 4);

	/* Another shard's symbol, an unknown one, a malformed request. */
	send_req(&x,
		(struct gw_msg){.type = GW_MSG_CANCEL,
			.session = 2,
			.order_id = 9,
			.symbol = other,
			.seq = 77},
		2);
	send_req(&x,
		(struct gw_msg){.type = GW_MSG_CANCEL,
			.session = 2,
			.order_id = 9,
			.symbol = gw_symbol_pack("NOPE")},
		2);
	send_req(&x,
		(struct gw_msg){.type = GW_MSG_NEW,
			.session = 2,
			.order_id = 9,
			.symbol = sym0,
			.side = 7,
			.ord_type = GW_ORD_LIMIT,
			.price = 10,
			.qty = 5},
		2);
	CU_ASSERT_EQUAL_FATAL(x.out.n, 7);
	CU_ASSERT_EQUAL(x.out.m[4].reason, GW_REJ_WRONG_SHARD);
	CU_ASSERT_EQUAL(x.out.m[4].ref_seq, 77);
	CU_ASSERT_EQUAL(x.out.m[5].reason, GW_REJ_UNKNOWN_SYMBOL);
	CU_ASSERT_EQUAL(x.out.m[6].reason, GW_REJ_BAD_SIDE);
	for (i = 4; i < 7; i++) {
		CU_ASSERT_EQUAL(x.out.m[i].seq, 0);
		CU_ASSERT_EQUAL(x.out.dst[i].ip, b.ip);
	}
	CU_ASSERT_EQUAL(x.e.st.frames, 5);
	CU_ASSERT_EQUAL(x.e.st.requests[GW_MSG_NEW], 2);
	CU_ASSERT_EQUAL(x.e.st.trades, 1);
	CU_ASSERT_EQUAL(x.e.st.rejected, 3);
	CU_ASSERT_EQUAL(x.e.st.responses, 7);
	eng_fini(&x);
	CU_ASSERT_TRUE(lfp_tp_full(pools));
	lfp_tp_free(pools);
}

static void
test_engine_drops_silently(void)
{
	uint8_t buf[GW_PROTO_FRAME_MAX] = {0};
	struct eng x;

	CU_ASSERT_FATAL(eng_init(&x, 4, NULL, 0, 1) == 0);
	gw_engine_frame(&x.e, buf, 30, 0);
	gw_engine_frame(&x.e, buf, sizeof(buf), 0);
	CU_ASSERT_EQUAL(x.out.n, 0);
	CU_ASSERT_EQUAL(x.e.st.drops[GW_DROP_RUNT], 1);
	CU_ASSERT_EQUAL(x.e.st.drops[GW_DROP_NOT_IPV4], 1);
	eng_fini(&x);
}

static struct gw_gen *
mk_gen(const struct gw_symtab *t, uint64_t seed, uint32_t bad_ppm)
{
	const struct gw_gen_conf c = {
		.seed = seed,
		.symtab = t,
		.sessions = 8,
		.live_per_symbol = 16,
		.bad_ppm = bad_ppm,
		.gateway = gw_ep,
		.socket = SOCKET_ID_ANY,
	};

	return gw_gen_create(&c);
}

static void
test_gen_deterministic_and_valid(void)
{
	const uint32_t n = 100000 / GW_TEST_SCALE;
	struct gw_symtab *t = gw_symtab_create(64, SOCKET_ID_ANY);
	struct gw_gen *g1 = mk_gen(t, 5, 20000), *g2 = mk_gen(t, 5, 20000);
	struct gw_gen *g3 = mk_gen(t, 6, 20000);
	uint8_t f1[GW_PROTO_FRAME_MAX], f2[GW_PROTO_FRAME_MAX];
	uint64_t s1, s2, refused = 0, differ = 0, same = 0;
	const struct gw_gen_stats *st;
	struct gw_endpoint peer;
	struct gw_msg m;
	uint32_t i, l1, l2;

	CU_ASSERT_PTR_NOT_NULL_FATAL(t);
	CU_ASSERT_PTR_NOT_NULL_FATAL(g1);
	CU_ASSERT_PTR_NOT_NULL_FATAL(g2);
	CU_ASSERT_PTR_NOT_NULL_FATAL(g3);
	for (i = 0; i < n; i++) {
		l1 = gw_gen_next(g1, f1, &s1);
		l2 = gw_gen_next(g2, f2, &s2);
		same += l1 == l2 && s1 == s2 && memcmp(f1, f2, l1) == 0;
		l2 = gw_gen_next(g3, f2, &s2);
		differ += l1 != l2 || memcmp(f1, f2, l1) != 0;
		if (gw_proto_parse(f1, l1, &gw_ep, &m, &peer) != GW_PARSE_OK)
			refused++;
		else if (gw_symtab_find(t, m.symbol) < 0)
			refused++;
	}
	st = gw_gen_stats(g1);
	CU_ASSERT_EQUAL(same, n);
	CU_ASSERT(differ > n / 2);
	/* Every malformed frame, and only those, is refused. */
	CU_ASSERT_EQUAL(refused, st->bad);
	CU_ASSERT(st->bad > n / 100 && st->bad < n / 25);
	CU_ASSERT_EQUAL(st->frames, n);
	CU_ASSERT_EQUAL(st->news + st->cancels + st->replaces + st->bad, n);
	/* The documented mix, loosely: news about half, markets ~3 %. */
	CU_ASSERT(st->news > n * 4 / 10 && st->news < n * 7 / 10);
	CU_ASSERT(st->markets > st->news / 50 && st->markets < st->news / 20);
	CU_ASSERT(st->marketable > st->news / 10);
	CU_ASSERT(st->replaces > n / 20);
	printf("\n    %u frames: %" PRIu64 " new (%" PRIu64 " market, %" PRIu64
	       " marketable), %" PRIu64 " cancel, %" PRIu64 " replace, %" PRIu64
	       " malformed\n",
		n, st->news, st->markets, st->marketable, st->cancels,
		st->replaces, st->bad);
	gw_gen_free(g1);
	gw_gen_free(g2);
	gw_gen_free(g3);
	gw_symtab_free(t);
	LFP_ASSERT_NULL_ERRNO(mk_gen(NULL, 1, 0), EINVAL);
}

static bool
out_equal(const struct out_rec *a, const struct out_rec *b, uint32_t from)
{
	uint32_t i;

	if (a->n != b->n)
		return false;
	for (i = from; i < a->n; i++)
		if (memcmp(&a->dst[i], &b->dst[i], sizeof(a->dst[i])) != 0 ||
			gw_proto_msg_len(a->m[i].type) == 0 ||
			a->m[i].type != b->m[i].type ||
			a->m[i].seq != b->m[i].seq ||
			a->m[i].order_id != b->m[i].order_id ||
			a->m[i].qty != b->m[i].qty ||
			a->m[i].leaves != b->m[i].leaves ||
			a->m[i].price != b->m[i].price ||
			a->m[i].trade_id != b->m[i].trade_id ||
			a->m[i].reason != b->m[i].reason ||
			a->m[i].session != b->m[i].session)
			return false;
	return true;
}

/*
 * The generated flow, malformed frames included, through the engine on
 * gw_book and on the reference book: the same addressed responses.
 */
static void
test_engine_flow_vs_reference(void)
{
	const uint32_t n = 300000 / GW_TEST_SCALE;
	struct lfp_tp_pools *pools = gw_test_pools(
		"eng_flow", 2048, 8, 2048, 2048);
	struct eng x, y;
	struct gw_gen *g;
	uint8_t f[GW_PROTO_FRAME_MAX];
	uint32_t i, len, mismatches = 0, from;
	uint64_t sym;

	CU_ASSERT_PTR_NOT_NULL_FATAL(pools);
	CU_ASSERT_FATAL(eng_init(&x, 64, pools, 0, 1) == 0);
	CU_ASSERT_FATAL(eng_init(&y, 64, NULL, 0, 1) == 0);
	g = mk_gen(x.t, 11, 5000);
	CU_ASSERT_PTR_NOT_NULL_FATAL(g);
	for (i = 0; i < n && mismatches == 0; i++) {
		len = gw_gen_next(g, f, &sym);
		from = x.out.n;
		gw_engine_frame(&x.e, f, len, i);
		gw_engine_frame(&y.e, f, len, i);
		mismatches += !out_equal(&x.out, &y.out, from);
		if (x.out.n > 4096) {
			x.out.n = 0;
			y.out.n = 0;
		}
	}
	CU_ASSERT_EQUAL(mismatches, 0);
	CU_ASSERT_EQUAL(memcmp(&x.e.st, &y.e.st, sizeof(x.e.st)), 0);
	CU_ASSERT(x.e.st.trades > n / 20);
	printf("\n    %u frames: %" PRIu64 " trades, %" PRIu64
	       " rejects, %" PRIu64 " responses, same on both books\n",
		i, x.e.st.trades, x.e.st.rejected, x.e.st.responses);
	gw_gen_free(g);
	eng_fini(&x);
	eng_fini(&y);
	CU_ASSERT_TRUE(lfp_tp_full(pools));
	lfp_tp_free(pools);
}

/* Like send_req(), from @p src. */
static void
send_from(struct eng *x, struct gw_msg m, const struct gw_endpoint *src)
{
	uint8_t buf[GW_PROTO_FRAME_MAX];
	int len = gw_proto_encode(buf, sizeof(buf), src, &gw_ep, &m);

	CU_ASSERT_FATAL(len > 0);
	gw_engine_frame(&x->e, buf, (uint32_t)len, 1);
}

/*
 * Issue 13's hijack: a session is bound to its source by a LOGON with its
 * token; requests for it from anywhere else are dropped and counted, and
 * cannot take its fills or cancel its orders.
 */
static void
test_engine_logon_binds_session(void)
{
	uint8_t token[GW_PROTO_TOKEN_LEN];
	struct gw_sessions sess;
	struct gw_endpoint a, b;
	struct gw_msg logon = {.type = GW_MSG_LOGON, .session = 7};
	struct gw_msg sell = {
		.type = GW_MSG_NEW,
		.session = 7,
		.order_id = 1,
		.side = GW_SIDE_SELL,
		.ord_type = GW_ORD_LIMIT,
		.price = 10,
		.qty = 5,
	};
	struct gw_msg cancel = {
		.type = GW_MSG_CANCEL, .session = 7, .order_id = 1};
	struct gw_msg buy;
	struct eng x;
	unsigned int i;

	for (i = 0; i < sizeof(token); i++)
		token[i] = (uint8_t)(i * 7 + 1);
	gw_sessions_init(&sess);
	gw_sessions_set_token(&sess, 7, token);
	CU_ASSERT_FATAL(eng_init_auth(&x, 4, NULL, 0, 1, &sess) == 0);
	sell.symbol = cancel.symbol = gw_symtab_symbol(x.t, 0);
	buy = sell;
	gw_gen_session_endpoint(7, &a);
	b = a;
	b.port = rte_cpu_to_be_16(40000); /* the same host, another port */

	/* Before any LOGON: dropped, no answer. */
	send_from(&x, sell, &a);
	CU_ASSERT_EQUAL(x.out.n, 0);
	CU_ASSERT_EQUAL(x.e.st.drops[GW_DROP_NO_LOGON], 1);
	/* A wrong token is refused, and binds nothing. */
	memcpy(logon.token, token, sizeof(token));
	logon.token[15] ^= 0x80;
	send_from(&x, logon, &b);
	CU_ASSERT_EQUAL_FATAL(x.out.n, 1);
	CU_ASSERT_EQUAL(x.out.m[0].type, GW_MSG_REJECTED);
	CU_ASSERT_EQUAL(x.out.m[0].reason, GW_REJ_BAD_TOKEN);
	CU_ASSERT_EQUAL(x.out.dst[0].port, b.port);
	CU_ASSERT_EQUAL(sess.bound[7], 0);
	/* No token configured for session 8: refused whatever it sends. */
	logon.session = 8;
	send_from(&x, logon, &b);
	CU_ASSERT_EQUAL(x.out.m[1].reason, GW_REJ_BAD_TOKEN);
	/* The right token binds session 7 to a. */
	logon.session = 7;
	memcpy(logon.token, token, sizeof(token));
	send_from(&x, logon, &a);
	CU_ASSERT_EQUAL_FATAL(x.out.n, 3);
	CU_ASSERT_EQUAL(x.out.m[2].type, GW_MSG_ACCEPTED);
	CU_ASSERT_EQUAL(x.out.m[2].req_type, GW_MSG_LOGON);
	CU_ASSERT_EQUAL(x.out.dst[2].port, a.port);
	send_from(&x, sell, &a);
	CU_ASSERT_EQUAL_FATAL(x.out.n, 4);
	CU_ASSERT_EQUAL(x.out.m[3].type, GW_MSG_ACCEPTED);
	/* From b: the cancel and a crossing order are dropped unanswered. */
	send_from(&x, cancel, &b);
	buy.side = GW_SIDE_BUY;
	buy.order_id = 2;
	send_from(&x, buy, &b);
	CU_ASSERT_EQUAL(x.out.n, 4);
	CU_ASSERT_EQUAL(x.e.st.drops[GW_DROP_WRONG_SOURCE], 2);
	/* The order is still a's: a's cancel finds it, answered to a. */
	send_from(&x, cancel, &a);
	CU_ASSERT_EQUAL_FATAL(x.out.n, 5);
	CU_ASSERT_EQUAL(x.out.m[4].type, GW_MSG_CANCELLED);
	CU_ASSERT_EQUAL(x.out.dst[4].port, a.port);
	/* The token holder may move: a LOGON from b rebinds to b. */
	send_from(&x, logon, &b);
	send_from(&x, cancel, &a);
	CU_ASSERT_EQUAL(x.out.n, 6);
	CU_ASSERT_EQUAL(x.e.st.drops[GW_DROP_WRONG_SOURCE], 3);
	CU_ASSERT_EQUAL(x.e.st.requests[GW_MSG_LOGON], 4);
	eng_fini(&x);
}

CU_TestInfo gw_engine_tests[] = {
	{"logon_binds_session", test_engine_logon_binds_session},
	{"symtab", test_engine_symtab},
	{"routes_and_numbers", test_engine_routes_and_numbers},
	{"drops_silently", test_engine_drops_silently},
	{"gen_deterministic_and_valid", test_gen_deterministic_and_valid},
	{"flow_vs_reference", test_engine_flow_vs_reference},
	CU_TEST_INFO_NULL,
};
