/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The lfpool authors
 */

/*
 * libFuzzer target for the gateway's frame parser (and the encoder behind
 * it). The first input byte picks the mode:
 *   bit 7 clear: the rest is a raw frame, Ethernet header first;
 *   bit 7 set:   the rest is a UDP payload, wrapped in valid Ethernet,
 *                IPv4 and UDP headers first, so the fuzzer reaches the
 *                message checks without forging checksums.
 * Besides "no crash, no out-of-bounds read" (the sanitizers), it checks
 * the parser's contract and aborts on a violation:
 *   - OK: the fields are in range, and the request re-encodes to a frame
 *     that parses to the same request;
 *   - REJECT: a known reason, and a REJECTED answer can be encoded;
 *   - DROP: a known drop code.
 * Built with clang -fsanitize=fuzzer when meson's 'fuzz' option is on; the
 * plain driver fuzz_main.c runs the same function in every build.
 */

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <rte_byteorder.h>
#include <rte_ip.h>

#include "proto.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const struct gw_endpoint gw = {
	.mac = {.addr_bytes = {0x02, 0, 0, 0, 0, 0x01}},
	.port = RTE_BE16(GW_PROTO_UDP_PORT),
	.ip = RTE_BE32(0x0A000001),
};

static const struct gw_endpoint client = {
	.mac = {.addr_bytes = {0x02, 0, 0, 0, 1, 0x01}},
	.port = RTE_BE16(20001),
	.ip = RTE_BE32(0x0A010001),
};

#define CHECK(cond) \
	do { \
		if (!(cond)) \
			abort(); \
	} while (0)

/* Whatever is answered goes to one unicast host that is not us. */
static void
check_answerable(const struct gw_endpoint *peer)
{
	uint32_t ip = rte_be_to_cpu_32(peer->ip);

	CHECK(!rte_is_multicast_ether_addr(&peer->mac));
	CHECK(!rte_is_same_ether_addr(&peer->mac, &gw.mac));
	CHECK(ip != 0 && ip < UINT32_C(0xE0000000) && peer->ip != gw.ip);
	CHECK(peer->port != 0);
}

static void
check_request(const struct gw_msg *m, const struct gw_endpoint *peer)
{
	uint8_t buf[GW_PROTO_FRAME_MAX];
	struct gw_endpoint p2;
	struct gw_msg again;
	int len;

	CHECK(m->type == GW_MSG_NEW || m->type == GW_MSG_CANCEL ||
		m->type == GW_MSG_REPLACE || m->type == GW_MSG_LOGON);
	CHECK(m->session > 0 && m->session < GW_PROTO_SESSIONS);
	check_answerable(peer);
	if (m->type == GW_MSG_NEW || m->type == GW_MSG_REPLACE) {
		CHECK(m->qty > 0 && m->qty <= GW_PROTO_QTY_MAX);
		CHECK(m->price >= 0 && m->price <= GW_PROTO_PRICE_MAX);
	}
	if (m->type == GW_MSG_NEW) {
		CHECK(m->side == GW_SIDE_BUY || m->side == GW_SIDE_SELL);
		CHECK(m->ord_type == GW_ORD_MARKET ? m->price == 0 :
						     m->price > 0);
	}
	len = gw_proto_encode(buf, sizeof(buf), peer, &gw, m);
	CHECK(len > 0);
	CHECK(gw_proto_parse(buf, (uint32_t)len, &gw, &again, &p2) ==
		GW_PARSE_OK);
	CHECK(again.type == m->type && again.session == m->session &&
		again.seq == m->seq && again.order_id == m->order_id &&
		again.symbol == m->symbol && again.price == m->price &&
		again.qty == m->qty && again.side == m->side &&
		again.ord_type == m->ord_type &&
		memcmp(again.token, m->token, GW_PROTO_TOKEN_LEN) == 0);
}

static void
check_reject(const struct gw_msg *m, const struct gw_endpoint *peer)
{
	uint8_t buf[GW_PROTO_FRAME_MAX];
	struct gw_msg r = {
		.type = GW_MSG_REJECTED,
		.session = m->session,
		.order_id = m->order_id,
		.symbol = m->symbol,
		.reason = m->reason,
		.req_type = m->type,
		.ref_seq = m->seq,
	};

	CHECK(m->reason > GW_REJ_NONE && m->reason < GW_REJ_MAX);
	CHECK((m->type & GW_MSG_RESPONSE_BIT) == 0);
	check_answerable(peer);
	CHECK(gw_proto_encode(buf, sizeof(buf), &gw, peer, &r) > 0);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t frame[GW_PROTO_L2_L4_LEN + 2048];
	struct gw_endpoint peer;
	const uint8_t *f = data + 1;
	struct gw_msg m;
	uint32_t len;
	int wrapped;

	if (size < 1)
		return 0;
	len = (uint32_t)(size - 1);
	if (data[0] & 0x80) {
		if (len > sizeof(frame) - GW_PROTO_L2_L4_LEN)
			return 0;
		wrapped = gw_proto_frame(
			frame, sizeof(frame), &client, &gw, f, len);
		CHECK(wrapped > 0);
		f = frame;
		len = (uint32_t)wrapped;
	}
	switch (gw_proto_parse(f, len, &gw, &m, &peer)) {
	case GW_PARSE_OK:
		check_request(&m, &peer);
		break;
	case GW_PARSE_REJECT:
		check_reject(&m, &peer);
		break;
	case GW_PARSE_DROP:
		CHECK(m.reason > GW_DROP_NONE && m.reason < GW_DROP_MAX);
		/* A wrapped payload has sound headers and a unicast
		 * source: only a response type drops it.
		 */
		CHECK(!(data[0] & 0x80) || m.reason == GW_DROP_RESPONSE);
		break;
	default:
		abort();
	}
	return 0;
}
