/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The lfpool authors
 */

#include <stdlib.h>
#include <string.h>

#include <rte_byteorder.h>
#include <rte_errno.h>
#include <rte_ip.h>
#include <rte_mbuf.h>

#include "lfp_test.h"
#include "test_gateway.h"

#define L4 GW_PROTO_L2_L4_LEN

static const struct gw_endpoint gw_ep = {
	.mac = {.addr_bytes = {0x02, 0, 0, 0, 0, 0x01}},
	.port = RTE_BE16(9000),
	.ip = RTE_BE32(0x0A000001),
};

static const struct gw_endpoint cl_ep = {
	.mac = {.addr_bytes = {0x02, 0, 0, 0, 0, 0x02}},
	.port = RTE_BE16(10007),
	.ip = RTE_BE32(0x0A000002),
};

static struct gw_msg
mk_req(uint8_t type)
{
	struct gw_msg m = {
		.type = type,
		.session = 7,
		.seq = 42,
		.order_id = UINT64_C(0x1122334455667788),
		.symbol = gw_symbol_pack("ACME"),
	};

	if (type == GW_MSG_NEW) {
		m.side = GW_SIDE_SELL;
		m.ord_type = GW_ORD_LIMIT;
	}
	if (type != GW_MSG_CANCEL) {
		m.price = 1234567;
		m.qty = 300;
	}
	return m;
}

static int
enc(const struct gw_msg *m, uint8_t *buf)
{
	int len = gw_proto_encode(buf, GW_PROTO_FRAME_MAX, &cl_ep, &gw_ep, m);

	CU_ASSERT_EQUAL(len, (int)(L4 + gw_proto_msg_len(m->type)));
	return len;
}

/* Parse from a heap copy of exactly @p len bytes: ASan sees overreads. */
static enum gw_parse_result
parse(const uint8_t *frame, uint32_t len, struct gw_msg *out)
{
	struct gw_endpoint peer;
	enum gw_parse_result r;
	uint8_t *copy = malloc(len + 1);

	CU_ASSERT_PTR_NOT_NULL_FATAL(copy);
	memcpy(copy, frame, len);
	r = gw_proto_parse(copy, len, &gw_ep, out, &peer);
	if (r != GW_PARSE_DROP) {
		CU_ASSERT_EQUAL(memcmp(&peer.mac, &cl_ep.mac, 6), 0);
		CU_ASSERT_EQUAL(peer.ip, cl_ep.ip);
		CU_ASSERT_EQUAL(peer.port, cl_ep.port);
	}
	free(copy);
	return r;
}

/* The reject reason of a frame, or -1 if it parsed or was dropped. */
static int
reject_of(const uint8_t *frame, uint32_t len)
{
	struct gw_msg out;

	if (parse(frame, len, &out) != GW_PARSE_REJECT)
		return -1;
	return out.reason;
}

static int
drop_of(const uint8_t *frame, uint32_t len)
{
	struct gw_msg out;

	if (parse(frame, len, &out) != GW_PARSE_DROP)
		return -1;
	return out.reason;
}

/* Re-frame a (mutated) message of @p plen bytes with valid checksums. */
static int
reframe(uint8_t *buf, uint32_t plen)
{
	return gw_proto_frame(
		buf, GW_PROTO_FRAME_MAX + 64, &cl_ep, &gw_ep, buf + L4, plen);
}

static void
put(uint8_t *buf, uint32_t msg_off, uint64_t v, unsigned int bytes)
{
	unsigned int i;

	for (i = 0; i < bytes; i++)
		buf[L4 + msg_off + i] = (uint8_t)(v >> (8 * (bytes - 1 - i)));
}

static uint64_t
get(const uint8_t *buf, uint32_t msg_off, unsigned int bytes)
{
	uint64_t v = 0;
	unsigned int i;

	for (i = 0; i < bytes; i++)
		v = v << 8 | buf[L4 + msg_off + i];
	return v;
}

/* Encode @p type, overwrite one field, re-frame: the reject reason. */
static int
field_reject(uint8_t type, uint32_t off, uint64_t v, unsigned int bytes)
{
	uint8_t buf[GW_PROTO_FRAME_MAX + 64];
	struct gw_msg m = mk_req(type);
	int len = enc(&m, buf);

	put(buf, off, v, bytes);
	len = reframe(buf, len - L4);
	return reject_of(buf, len);
}

static void
test_proto_requests_round_trip(void)
{
	static const uint8_t types[] = {
		GW_MSG_NEW,
		GW_MSG_CANCEL,
		GW_MSG_REPLACE,
	};
	uint8_t buf[GW_PROTO_FRAME_MAX];
	struct gw_msg m, out;
	unsigned int i;
	int len;

	for (i = 0; i < RTE_DIM(types); i++) {
		m = mk_req(types[i]);
		len = enc(&m, buf);
		CU_ASSERT_EQUAL(parse(buf, len, &out), GW_PARSE_OK);
		CU_ASSERT_EQUAL(out.type, m.type);
		CU_ASSERT_EQUAL(out.session, m.session);
		CU_ASSERT_EQUAL(out.seq, m.seq);
		CU_ASSERT_EQUAL(out.order_id, m.order_id);
		CU_ASSERT_EQUAL(out.symbol, m.symbol);
		CU_ASSERT_EQUAL(out.side, m.side);
		CU_ASSERT_EQUAL(out.ord_type, m.ord_type);
		CU_ASSERT_EQUAL(out.price, m.price);
		CU_ASSERT_EQUAL(out.qty, m.qty);
	}
	/* A market order has price 0; eight-character symbols fill the
	 * field with no NUL.
	 */
	m = mk_req(GW_MSG_NEW);
	m.ord_type = GW_ORD_MARKET;
	m.price = 0;
	m.symbol = gw_symbol_pack("ABCDEFGH");
	len = enc(&m, buf);
	CU_ASSERT_EQUAL(parse(buf, len, &out), GW_PARSE_OK);
	CU_ASSERT_EQUAL(out.ord_type, GW_ORD_MARKET);
	CU_ASSERT_EQUAL(out.symbol, m.symbol);
}

/* The byte offsets of doc/protocol.md, checked on encoded responses. */
static void
test_proto_response_layout(void)
{
	uint8_t buf[GW_PROTO_FRAME_MAX];
	struct gw_msg m = {
		.session = 9,
		.seq = 77,
		.order_id = 5,
		.price = 1000,
		.symbol = gw_symbol_pack("XYZ"),
		.side = GW_SIDE_BUY,
	};

	m.type = GW_MSG_EXECUTED;
	m.trade_id = UINT64_C(0x0102030405060708);
	m.qty = 30;
	m.leaves = 70;
	m.liquidity = GW_LIQ_MAKER;
	enc(&m, buf);
	CU_ASSERT_EQUAL(get(buf, 0, 2), GW_PROTO_MAGIC);
	CU_ASSERT_EQUAL(get(buf, 2, 1), GW_PROTO_VERSION);
	CU_ASSERT_EQUAL(get(buf, 3, 1), GW_MSG_EXECUTED);
	CU_ASSERT_EQUAL(get(buf, 4, 2), 64);
	CU_ASSERT_EQUAL(get(buf, 8, 4), 9);
	CU_ASSERT_EQUAL(get(buf, 12, 4), 77);
	CU_ASSERT_EQUAL(get(buf, 16, 8), 5);
	CU_ASSERT_EQUAL(memcmp(buf + L4 + 24, "XYZ\0\0\0\0\0", 8), 0);
	CU_ASSERT_EQUAL(get(buf, 32, 8), m.trade_id);
	CU_ASSERT_EQUAL(get(buf, 40, 8), 1000);
	CU_ASSERT_EQUAL(get(buf, 48, 4), 30);
	CU_ASSERT_EQUAL(get(buf, 52, 4), 70);
	CU_ASSERT_EQUAL(get(buf, 56, 1), GW_SIDE_BUY);
	CU_ASSERT_EQUAL(get(buf, 57, 1), GW_LIQ_MAKER);

	m.type = GW_MSG_ACCEPTED;
	m.req_type = GW_MSG_REPLACE;
	enc(&m, buf);
	CU_ASSERT_EQUAL(get(buf, 4, 2), 48);
	CU_ASSERT_EQUAL(get(buf, 32, 8), 1000);
	CU_ASSERT_EQUAL(get(buf, 40, 4), 70);
	CU_ASSERT_EQUAL(get(buf, 44, 1), GW_SIDE_BUY);
	CU_ASSERT_EQUAL(get(buf, 45, 1), GW_MSG_REPLACE);

	m.type = GW_MSG_REJECTED;
	m.reason = GW_REJ_UNKNOWN_ORDER;
	m.req_type = GW_MSG_CANCEL;
	m.ref_seq = 1234;
	enc(&m, buf);
	CU_ASSERT_EQUAL(get(buf, 4, 2), 40);
	CU_ASSERT_EQUAL(get(buf, 32, 2), GW_REJ_UNKNOWN_ORDER);
	CU_ASSERT_EQUAL(get(buf, 34, 1), GW_MSG_CANCEL);
	CU_ASSERT_EQUAL(get(buf, 36, 4), 1234);

	m.type = GW_MSG_CANCELLED;
	m.qty = 70;
	m.reason = GW_CXL_UNFILLED;
	enc(&m, buf);
	CU_ASSERT_EQUAL(get(buf, 4, 2), 40);
	CU_ASSERT_EQUAL(get(buf, 32, 4), 70);
	CU_ASSERT_EQUAL(get(buf, 36, 1), GW_CXL_UNFILLED);
}

/* LOGON: 32 bytes, the token at 16, any token value; session checked. */
static void
test_proto_logon(void)
{
	uint8_t buf[GW_PROTO_FRAME_MAX + 64];
	struct gw_msg m = {.type = GW_MSG_LOGON, .session = 9, .seq = 3}, out;
	unsigned int i;
	int len;

	for (i = 0; i < GW_PROTO_TOKEN_LEN; i++)
		m.token[i] = (uint8_t)(0xF0 + i); /* not a printable symbol */
	len = enc(&m, buf);
	CU_ASSERT_EQUAL(len, L4 + 32);
	CU_ASSERT_EQUAL(get(buf, 16, 1), 0xF0);
	CU_ASSERT_EQUAL(parse(buf, (uint32_t)len, &out), GW_PARSE_OK);
	CU_ASSERT_EQUAL(out.type, GW_MSG_LOGON);
	CU_ASSERT_EQUAL(out.session, 9);
	CU_ASSERT_EQUAL(memcmp(out.token, m.token, GW_PROTO_TOKEN_LEN), 0);
	CU_ASSERT_EQUAL(out.order_id, 0);
	CU_ASSERT_EQUAL(
		field_reject(GW_MSG_LOGON, 8, 0, 4), GW_REJ_BAD_SESSION);
	len = enc(&m, buf);
	len = reframe(buf, 33);
	CU_ASSERT_EQUAL(reject_of(buf, (uint32_t)len), GW_REJ_LONG);
	CU_ASSERT_STRING_EQUAL(gw_msg_type_name(GW_MSG_LOGON), "logon");
	CU_ASSERT_STRING_EQUAL(gw_reject_name(GW_REJ_BAD_TOKEN), "bad_token");
}

/* A response, even a malformed one, is never answered: no reflection. */
static void
test_proto_responses_dropped(void)
{
	static const uint8_t types[] = {
		GW_MSG_ACCEPTED,
		GW_MSG_REJECTED,
		GW_MSG_EXECUTED,
		GW_MSG_CANCELLED,
	};
	uint8_t buf[GW_PROTO_FRAME_MAX];
	struct gw_msg m = mk_req(GW_MSG_NEW);
	unsigned int i;
	int len;

	for (i = 0; i < RTE_DIM(types); i++) {
		m.type = types[i];
		len = enc(&m, buf);
		CU_ASSERT_EQUAL(drop_of(buf, len), GW_DROP_RESPONSE);
		/* Bad magic or length do not make it answerable. */
		buf[L4] ^= 0xff;
		reframe(buf, (uint32_t)len - L4);
		CU_ASSERT_EQUAL(drop_of(buf, len), GW_DROP_RESPONSE);
		reframe(buf, gw_proto_msg_len(GW_MSG_CANCEL) - 1);
		CU_ASSERT_EQUAL(
			drop_of(buf, L4 + gw_proto_msg_len(GW_MSG_CANCEL) - 1),
			GW_DROP_RESPONSE);
	}
	/* Any type with the high bit set, known or not. */
	CU_ASSERT_EQUAL(field_reject(GW_MSG_NEW, 3, 0x80, 1), -1);
	CU_ASSERT_EQUAL(field_reject(GW_MSG_NEW, 3, 0xff, 1), -1);
}

/* Re-frame a NEW from @p src; its drop code, -1 if it was not dropped. */
static int
drop_from(const struct gw_endpoint *src)
{
	uint8_t buf[GW_PROTO_FRAME_MAX];
	struct gw_msg m = mk_req(GW_MSG_NEW), out;
	struct gw_endpoint peer;
	int len = gw_proto_encode(buf, sizeof(buf), src, &gw_ep, &m);

	CU_ASSERT_FATAL(len > 0);
	if (gw_proto_parse(buf, (uint32_t)len, &gw_ep, &out, &peer) !=
		GW_PARSE_DROP)
		return -1;
	return out.reason;
}

/* Sources a reply must never go to: groups, ourselves, port 0. */
static void
test_proto_unanswerable_sources_dropped(void)
{
	static const uint32_t group_ips[] = {
		0,	    /* 0.0.0.0 */
		0xE0000001, /* 224.0.0.1 */
		0xEFFFFFFA, /* 239.255.255.250 */
		0xF0000001, /* 240.0.0.1 */
		0xFFFFFFFF, /* broadcast */
	};
	struct gw_endpoint src = cl_ep;
	unsigned int i;

	CU_ASSERT_EQUAL(drop_from(&src), -1);
	for (i = 0; i < RTE_DIM(group_ips); i++) {
		src.ip = rte_cpu_to_be_32(group_ips[i]);
		CU_ASSERT_EQUAL(drop_from(&src), GW_DROP_SRC_GROUP);
	}
	src = cl_ep;
	memset(&src.mac, 0xff, sizeof(src.mac));
	CU_ASSERT_EQUAL(drop_from(&src), GW_DROP_SRC_GROUP);
	src.mac = cl_ep.mac;
	src.mac.addr_bytes[0] |= 0x01; /* multicast MAC */
	CU_ASSERT_EQUAL(drop_from(&src), GW_DROP_SRC_GROUP);
	src = cl_ep;
	src.ip = gw_ep.ip;
	CU_ASSERT_EQUAL(drop_from(&src), GW_DROP_SRC_SELF);
	src = cl_ep;
	src.mac = gw_ep.mac;
	CU_ASSERT_EQUAL(drop_from(&src), GW_DROP_SRC_SELF);
	src = cl_ep;
	src.port = 0;
	CU_ASSERT_EQUAL(drop_from(&src), GW_DROP_SRC_PORT_0);
	/* 10.0.0.255 may be a unicast host on a wider subnet: answered. */
	src = cl_ep;
	src.ip = rte_cpu_to_be_32(RTE_IPV4(10, 0, 0, 255));
	CU_ASSERT_EQUAL(drop_from(&src), -1);
}

/*
 * Frames at an odd address parse and encode exactly as aligned ones
 * (struct rte_ipv4_hdr must never be read in place: UBSan checks it).
 */
static void
test_proto_misaligned_frames(void)
{
	uint8_t aligned[GW_PROTO_FRAME_MAX] __rte_aligned(8);
	uint8_t odd_buf[GW_PROTO_FRAME_MAX + 1] __rte_aligned(8);
	uint8_t *odd = odd_buf + 1;
	struct gw_msg m = mk_req(GW_MSG_REPLACE), a, b;
	struct gw_endpoint pa, pb;
	int len;

	len = gw_proto_encode(aligned, sizeof(aligned), &cl_ep, &gw_ep, &m);
	CU_ASSERT_EQUAL(
		gw_proto_encode(odd, GW_PROTO_FRAME_MAX, &cl_ep, &gw_ep, &m),
		len);
	CU_ASSERT_EQUAL(memcmp(aligned, odd, (size_t)len), 0);
	CU_ASSERT_EQUAL(gw_proto_parse(aligned, (uint32_t)len, &gw_ep, &a, &pa),
		GW_PARSE_OK);
	CU_ASSERT_EQUAL(gw_proto_parse(odd, (uint32_t)len, &gw_ep, &b, &pb),
		GW_PARSE_OK);
	CU_ASSERT_EQUAL(memcmp(&a, &b, sizeof(a)), 0);
	/* The checksums are checked at the odd address too. */
	odd[L4 + 40] ^= 1;
	CU_ASSERT_EQUAL(gw_proto_parse(odd, (uint32_t)len, &gw_ep, &b, &pb),
		GW_PARSE_DROP);
	CU_ASSERT_EQUAL(b.reason, GW_DROP_UDP_CKSUM);
}

static void
test_proto_short_and_long(void)
{
	static const uint8_t types[] = {
		GW_MSG_NEW,
		GW_MSG_CANCEL,
		GW_MSG_REPLACE,
	};
	uint8_t buf[GW_PROTO_FRAME_MAX + 64];
	uint32_t want, plen;
	struct gw_msg m, out;
	unsigned int i;
	int len;

	for (i = 0; i < RTE_DIM(types); i++) {
		m = mk_req(types[i]);
		want = gw_proto_msg_len(types[i]);
		for (plen = 0; plen < want + 16; plen++) {
			if (plen == want)
				continue;
			memset(buf, 0, sizeof(buf));
			enc(&m, buf);
			len = reframe(buf, plen);
			CU_ASSERT_EQUAL(parse(buf, len, &out), GW_PARSE_REJECT);
			CU_ASSERT_EQUAL(out.reason,
				plen < want ? GW_REJ_SHORT : GW_REJ_LONG);
			/* The ids come back once the payload holds them. */
			if (plen >= 32)
				CU_ASSERT_EQUAL(out.order_id, m.order_id);
		}
	}
}

static void
test_proto_header_errors(void)
{
	CU_ASSERT_EQUAL(
		field_reject(GW_MSG_NEW, 0, 0x4C47, 2), GW_REJ_BAD_MAGIC);
	CU_ASSERT_EQUAL(field_reject(GW_MSG_NEW, 2, 2, 1), GW_REJ_BAD_VERSION);
	CU_ASSERT_EQUAL(field_reject(GW_MSG_NEW, 3, 0, 1), GW_REJ_BAD_TYPE);
	CU_ASSERT_EQUAL(field_reject(GW_MSG_NEW, 3, 5, 1), GW_REJ_BAD_TYPE);
	CU_ASSERT_EQUAL(field_reject(GW_MSG_NEW, 3, 0x7f, 1), GW_REJ_BAD_TYPE);
	/* A CANCEL header on a NEW-sized datagram is too long for its type;
	 * a length field that disagrees with the datagram is refused.
	 */
	CU_ASSERT_EQUAL(
		field_reject(GW_MSG_NEW, 3, GW_MSG_CANCEL, 1), GW_REJ_LONG);
	CU_ASSERT_EQUAL(
		field_reject(GW_MSG_CANCEL, 3, GW_MSG_NEW, 1), GW_REJ_SHORT);
	CU_ASSERT_EQUAL(field_reject(GW_MSG_NEW, 4, 47, 2), GW_REJ_BAD_LENGTH);
	CU_ASSERT_EQUAL(field_reject(GW_MSG_NEW, 4, 0, 2), GW_REJ_BAD_LENGTH);
	CU_ASSERT_EQUAL(
		field_reject(GW_MSG_CANCEL, 4, 48, 2), GW_REJ_BAD_LENGTH);
	CU_ASSERT_EQUAL(field_reject(GW_MSG_NEW, 6, 1, 2), GW_REJ_BAD_RESERVED);
	CU_ASSERT_EQUAL(
		field_reject(GW_MSG_CANCEL, 8, 0, 4), GW_REJ_BAD_SESSION);
	CU_ASSERT_EQUAL(field_reject(GW_MSG_CANCEL, 8, GW_PROTO_SESSIONS, 4),
		GW_REJ_BAD_SESSION);
	CU_ASSERT_EQUAL(field_reject(GW_MSG_CANCEL, 8, UINT32_MAX, 4),
		GW_REJ_BAD_SESSION);
	CU_ASSERT_EQUAL(
		field_reject(GW_MSG_CANCEL, 8, GW_PROTO_SESSIONS - 1, 4), -1);
}

static void
test_proto_symbol_errors(void)
{
	static const struct {
		const char bytes[8];
		bool ok;
	} cases[] = {
		{"\0\0\0\0\0\0\0", false}, /* empty */
		{"A B\0\0\0\0", false},	   /* space */
		{" AB\0\0\0\0", false},
		{"AB\x7f\0\0\0\0", false}, /* DEL */
		{"AB\x01\0\0\0\0", false},
		{"AB\0C\0\0\0", false}, /* byte after the NUL */
		{"A\0\0\0\0\0\0", true},
		{"a.b-c_d", true},
		{{'A', 'B', 'C', 'D', 'E', 'F', 'G', 'H'}, true},
		{{'A', 'B', 'C', 'D', 'E', 'F', 'G', '\x80'}, false},
	};
	uint8_t buf[GW_PROTO_FRAME_MAX + 64];
	struct gw_msg m = mk_req(GW_MSG_CANCEL);
	unsigned int i;
	int len;

	for (i = 0; i < RTE_DIM(cases); i++) {
		enc(&m, buf);
		memcpy(buf + L4 + 24, cases[i].bytes, 8);
		len = reframe(buf, gw_proto_msg_len(m.type));
		CU_ASSERT_EQUAL(reject_of(buf, len),
			cases[i].ok ? -1 : GW_REJ_BAD_SYMBOL);
	}
}

static void
test_proto_order_field_errors(void)
{
	/* NEW: side, type, price, quantity, padding. */
	CU_ASSERT_EQUAL(field_reject(GW_MSG_NEW, 44, 0, 1), GW_REJ_BAD_SIDE);
	CU_ASSERT_EQUAL(field_reject(GW_MSG_NEW, 44, 3, 1), GW_REJ_BAD_SIDE);
	CU_ASSERT_EQUAL(
		field_reject(GW_MSG_NEW, 45, 0, 1), GW_REJ_BAD_ORD_TYPE);
	CU_ASSERT_EQUAL(
		field_reject(GW_MSG_NEW, 45, 3, 1), GW_REJ_BAD_ORD_TYPE);
	CU_ASSERT_EQUAL(field_reject(GW_MSG_NEW, 32, 0, 8), GW_REJ_BAD_PRICE);
	CU_ASSERT_EQUAL(field_reject(GW_MSG_NEW, 32, (uint64_t)-5, 8),
		GW_REJ_BAD_PRICE);
	CU_ASSERT_EQUAL(field_reject(GW_MSG_NEW, 32, GW_PROTO_PRICE_MAX + 1, 8),
		GW_REJ_BAD_PRICE);
	CU_ASSERT_EQUAL(
		field_reject(GW_MSG_NEW, 32, GW_PROTO_PRICE_MAX, 8), -1);
	CU_ASSERT_EQUAL(field_reject(GW_MSG_NEW, 40, 0, 4), GW_REJ_BAD_QTY);
	CU_ASSERT_EQUAL(field_reject(GW_MSG_NEW, 40, GW_PROTO_QTY_MAX + 1, 4),
		GW_REJ_BAD_QTY);
	CU_ASSERT_EQUAL(field_reject(GW_MSG_NEW, 40, GW_PROTO_QTY_MAX, 4), -1);
	CU_ASSERT_EQUAL(
		field_reject(GW_MSG_NEW, 46, 1, 2), GW_REJ_BAD_RESERVED);
	/* Market order: price must be 0. Type byte 2 with price 1234567. */
	CU_ASSERT_EQUAL(field_reject(GW_MSG_NEW, 45, GW_ORD_MARKET, 1),
		GW_REJ_BAD_PRICE);
	/* REPLACE: price, quantity, padding. */
	CU_ASSERT_EQUAL(
		field_reject(GW_MSG_REPLACE, 32, 0, 8), GW_REJ_BAD_PRICE);
	CU_ASSERT_EQUAL(field_reject(GW_MSG_REPLACE, 40, 0, 4), GW_REJ_BAD_QTY);
	CU_ASSERT_EQUAL(
		field_reject(GW_MSG_REPLACE, 44, 1, 4), GW_REJ_BAD_RESERVED);
}

/* Overwrite frame bytes (not the message) and fix only the IP checksum. */
static int
l3_case(uint32_t off, uint64_t v, unsigned int bytes, bool fix_ip_cksum)
{
	uint8_t buf[GW_PROTO_FRAME_MAX];
	struct gw_msg m = mk_req(GW_MSG_CANCEL);
	struct rte_ipv4_hdr *ip = (void *)(buf + 14);
	int len = enc(&m, buf);

	put(buf, off - L4, v, bytes);
	if (fix_ip_cksum) {
		ip->hdr_checksum = 0;
		ip->hdr_checksum = rte_ipv4_cksum(ip);
	}
	return drop_of(buf, len);
}

static void
test_proto_l2_l4_drops(void)
{
	uint8_t buf[GW_PROTO_FRAME_MAX + 64];
	struct gw_msg m = mk_req(GW_MSG_CANCEL), out;
	int len;

	CU_ASSERT_EQUAL(l3_case(12, 0x86DD, 2, false), GW_DROP_NOT_IPV4);
	CU_ASSERT_EQUAL(l3_case(12, 0x8100, 2, false), GW_DROP_NOT_IPV4);
	CU_ASSERT_EQUAL(l3_case(14, 0x65, 1, true), GW_DROP_IP_HEADER);
	CU_ASSERT_EQUAL(l3_case(14, 0x46, 1, true), GW_DROP_IP_HEADER);
	CU_ASSERT_EQUAL(l3_case(16, 27, 2, true), GW_DROP_IP_HEADER);
	CU_ASSERT_EQUAL(l3_case(16, 200, 2, true), GW_DROP_IP_HEADER);
	CU_ASSERT_EQUAL(l3_case(24, 0x1234, 2, false), GW_DROP_IP_CKSUM);
	CU_ASSERT_EQUAL(l3_case(22, 63, 1, false), GW_DROP_IP_CKSUM);
	CU_ASSERT_EQUAL(l3_case(20, 0x2000, 2, true), GW_DROP_IP_FRAGMENT);
	CU_ASSERT_EQUAL(l3_case(20, 0x0001, 2, true), GW_DROP_IP_FRAGMENT);
	CU_ASSERT_EQUAL(l3_case(23, IPPROTO_TCP, 1, true), GW_DROP_NOT_UDP);
	CU_ASSERT_EQUAL(l3_case(30, 0x0A000009, 4, true), GW_DROP_NOT_FOR_US);
	CU_ASSERT_EQUAL(l3_case(36, 9001, 2, false), GW_DROP_NOT_FOR_US);
	CU_ASSERT_EQUAL(l3_case(38, 39, 2, false), GW_DROP_UDP_LENGTH);
	CU_ASSERT_EQUAL(l3_case(40, 0x1234, 2, false), GW_DROP_UDP_CKSUM);
	CU_ASSERT_EQUAL(l3_case(L4 + 16, 1, 1, false), GW_DROP_UDP_CKSUM);
	/* DF is fine; a zero UDP checksum means "none". */
	CU_ASSERT_EQUAL(l3_case(20, 0x4000, 2, true), -1);
	CU_ASSERT_EQUAL(l3_case(40, 0, 2, false), -1);

	len = enc(&m, buf);
	CU_ASSERT_EQUAL(drop_of(buf, L4 - 1), GW_DROP_RUNT);
	CU_ASSERT_EQUAL(drop_of(buf, 0), GW_DROP_RUNT);
	/* Bytes after the datagram: padding up to 60 bytes, else dropped. */
	memset(buf + len, 0, 8);
	CU_ASSERT_EQUAL(drop_of(buf, len + 1), GW_DROP_TRAILER);
	len = reframe(buf, 10);
	CU_ASSERT_EQUAL(len, 52);
	CU_ASSERT_EQUAL(
		parse(buf, GW_PROTO_ETH_MIN_FRAME, &out), GW_PARSE_REJECT);
	CU_ASSERT_EQUAL(out.reason, GW_REJ_SHORT);
	CU_ASSERT_EQUAL(
		drop_of(buf, GW_PROTO_ETH_MIN_FRAME + 1), GW_DROP_TRAILER);
}

/* Every prefix of a valid frame is refused, never read past its end. */
static void
test_proto_truncated_frames_refused(void)
{
	static const uint8_t types[] = {
		GW_MSG_NEW,
		GW_MSG_CANCEL,
		GW_MSG_REPLACE,
	};
	uint8_t buf[GW_PROTO_FRAME_MAX];
	struct gw_msg m, out;
	unsigned int i;
	int len, cut;

	for (i = 0; i < RTE_DIM(types); i++) {
		m = mk_req(types[i]);
		len = enc(&m, buf);
		for (cut = 0; cut < len; cut++)
			CU_ASSERT_EQUAL(parse(buf, cut, &out), GW_PARSE_DROP);
	}
}

static void
test_proto_encode_errors(void)
{
	uint8_t buf[GW_PROTO_FRAME_MAX];
	struct gw_msg m = mk_req(GW_MSG_NEW);

	m.type = 0x42;
	LFP_ASSERT_ERRNO(
		gw_proto_encode(buf, sizeof(buf), &cl_ep, &gw_ep, &m), EINVAL);
	m.type = GW_MSG_NEW;
	LFP_ASSERT_ERRNO(
		gw_proto_encode(buf, L4 + 47, &cl_ep, &gw_ep, &m), ENOSPC);
	CU_ASSERT_EQUAL(
		gw_proto_encode(buf, L4 + 48, &cl_ep, &gw_ep, &m), L4 + 48);
	LFP_ASSERT_ERRNO(gw_proto_frame(buf, sizeof(buf), &cl_ep, &gw_ep,
				 buf + L4, 70000),
		EINVAL);
	LFP_ASSERT_ERRNO(
		gw_proto_frame(buf, L4 + 9, &cl_ep, &gw_ep, buf + L4, 10),
		ENOSPC);
	CU_ASSERT_EQUAL(gw_proto_msg_len(0), 0);
	CU_ASSERT_EQUAL(gw_proto_msg_len(GW_MSG_CANCELLED + 1), 0);
}

static void
test_proto_encode_mbuf(void)
{
	struct rte_mempool *mp, *tiny;
	struct rte_mbuf *mb;
	struct gw_msg m = mk_req(GW_MSG_REPLACE), out;

	mp = rte_pktmbuf_pool_create("gw_t_mbuf", 63, 0, 0,
		RTE_PKTMBUF_HEADROOM + 256, SOCKET_ID_ANY);
	tiny = rte_pktmbuf_pool_create("gw_t_tiny", 63, 0, 0,
		RTE_PKTMBUF_HEADROOM + 64, SOCKET_ID_ANY);
	CU_ASSERT_PTR_NOT_NULL_FATAL(mp);
	CU_ASSERT_PTR_NOT_NULL_FATAL(tiny);
	mb = rte_pktmbuf_alloc(mp);
	CU_ASSERT_PTR_NOT_NULL_FATAL(mb);
	CU_ASSERT_EQUAL(gw_proto_encode_mbuf(mb, &cl_ep, &gw_ep, &m), 0);
	CU_ASSERT_EQUAL(rte_pktmbuf_pkt_len(mb), L4 + 48);
	CU_ASSERT_EQUAL(parse(rte_pktmbuf_mtod(mb, uint8_t *),
				rte_pktmbuf_data_len(mb), &out),
		GW_PARSE_OK);
	CU_ASSERT_EQUAL(out.price, m.price);
	rte_pktmbuf_free(mb);
	mb = rte_pktmbuf_alloc(tiny);
	CU_ASSERT_PTR_NOT_NULL_FATAL(mb);
	LFP_ASSERT_ERRNO(gw_proto_encode_mbuf(mb, &cl_ep, &gw_ep, &m), ENOSPC);
	rte_pktmbuf_free(mb);
	rte_mempool_free(mp);
	rte_mempool_free(tiny);
}

static void
test_proto_digest_covers_message_only(void)
{
	uint8_t a[GW_PROTO_FRAME_MAX], b[GW_PROTO_FRAME_MAX + 8];
	struct gw_msg m = mk_req(GW_MSG_NEW);
	struct gw_endpoint other = cl_ep;
	int len;

	len = gw_proto_encode(a, sizeof(a), &cl_ep, &gw_ep, &m);
	other.port = RTE_BE16(555);
	CU_ASSERT_EQUAL(gw_proto_encode(b, sizeof(b), &other, &gw_ep, &m), len);
	/* Addresses and padding do not count, message bytes do. */
	memset(b + len, 0xee, 8);
	CU_ASSERT_EQUAL(gw_proto_digest(a, len), gw_proto_digest(b, len + 8));
	m.qty++;
	gw_proto_encode(b, sizeof(b), &cl_ep, &gw_ep, &m);
	CU_ASSERT_NOT_EQUAL(gw_proto_digest(a, len), gw_proto_digest(b, len));
}

static void
test_proto_names_and_symbols(void)
{
	char s[9];
	unsigned int i, j;

	for (i = 0; i < GW_REJ_MAX; i++) {
		CU_ASSERT_STRING_NOT_EQUAL(gw_reject_name(i), "unknown");
		for (j = 0; j < i; j++)
			CU_ASSERT_STRING_NOT_EQUAL(
				gw_reject_name(i), gw_reject_name(j));
	}
	for (i = 0; i < GW_DROP_MAX; i++) {
		CU_ASSERT_STRING_NOT_EQUAL(gw_drop_name(i), "unknown");
		for (j = 0; j < i; j++)
			CU_ASSERT_STRING_NOT_EQUAL(
				gw_drop_name(i), gw_drop_name(j));
	}
	CU_ASSERT_STRING_EQUAL(gw_reject_name(GW_REJ_MAX), "unknown");
	CU_ASSERT_STRING_EQUAL(gw_drop_name(GW_DROP_MAX), "unknown");
	CU_ASSERT_STRING_EQUAL(gw_msg_type_name(GW_MSG_EXECUTED), "executed");
	CU_ASSERT_STRING_EQUAL(gw_msg_type_name(0), "unknown");
	gw_symbol_unpack(gw_symbol_pack("ABCDEFGHIJ"), s);
	CU_ASSERT_STRING_EQUAL(s, "ABCDEFGH");
	gw_symbol_unpack(gw_symbol_pack("Q"), s);
	CU_ASSERT_STRING_EQUAL(s, "Q");
}

CU_TestInfo gw_proto_tests[] = {
	{"requests_round_trip", test_proto_requests_round_trip},
	{"response_layout", test_proto_response_layout},
	{"logon", test_proto_logon},
	{"responses_dropped", test_proto_responses_dropped},
	{"unanswerable_sources_dropped",
		test_proto_unanswerable_sources_dropped},
	{"misaligned_frames", test_proto_misaligned_frames},
	{"short_and_long", test_proto_short_and_long},
	{"header_errors", test_proto_header_errors},
	{"symbol_errors", test_proto_symbol_errors},
	{"order_field_errors", test_proto_order_field_errors},
	{"l2_l4_drops", test_proto_l2_l4_drops},
	{"truncated_frames_refused", test_proto_truncated_frames_refused},
	{"encode_errors", test_proto_encode_errors},
	{"encode_mbuf", test_proto_encode_mbuf},
	{"digest_covers_message_only", test_proto_digest_covers_message_only},
	{"names_and_symbols", test_proto_names_and_symbols},
	CU_TEST_INFO_NULL,
};
