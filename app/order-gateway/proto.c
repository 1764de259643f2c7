/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The lfpool authors
 */

#include <errno.h>
#include <string.h>

#include <rte_byteorder.h>
#include <rte_common.h>
#include <rte_errno.h>
#include <rte_ip.h>
#include <rte_udp.h>

#include "proto.h"

/* Offsets in the frame (Ethernet, IPv4 without options, UDP). */
#define OFF_ETHERTYPE 12
#define OFF_IP 14
#define OFF_UDP (OFF_IP + 20)
#define OFF_MSG GW_PROTO_L2_L4_LEN

/* Offsets in a message, shared by every type (doc/protocol.md). */
#define M_MAGIC 0
#define M_VERSION 2
#define M_TYPE 3
#define M_LENGTH 4
#define M_FLAGS 6
#define M_SESSION 8
#define M_SEQ 12
#define M_ORDER_ID 16
#define M_SYMBOL 24
#define M_TOKEN 16    /* LOGON */
#define M_PRICE 32    /* NEW, REPLACE, ACCEPTED */
#define M_QTY 40      /* NEW, REPLACE, ACCEPTED */
#define M_SIDE 44     /* NEW, ACCEPTED */
#define M_ORD_TYPE 45 /* NEW */
#define M_ACC_REQ 45  /* ACCEPTED */
#define M_REJ_REASON 32
#define M_REJ_REQ 34
#define M_REJ_REF_SEQ 36
#define M_EXE_TRADE 32
#define M_EXE_PRICE 40
#define M_EXE_QTY 48
#define M_EXE_LEAVES 52
#define M_EXE_SIDE 56
#define M_EXE_LIQ 57
#define M_CXL_QTY 32
#define M_CXL_REASON 36

#define GW_IP_TTL 64
#define IP_FLAG_MASK (RTE_IPV4_HDR_MF_FLAG | RTE_IPV4_HDR_OFFSET_MASK)

/* Unaligned big-endian accessors: frames sit at any offset. */
static inline uint16_t
rd16(const uint8_t *p)
{
	uint16_t v;

	memcpy(&v, p, sizeof(v));
	return rte_be_to_cpu_16(v);
}

static inline uint32_t
rd32(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, sizeof(v));
	return rte_be_to_cpu_32(v);
}

static inline uint64_t
rd64(const uint8_t *p)
{
	uint64_t v;

	memcpy(&v, p, sizeof(v));
	return rte_be_to_cpu_64(v);
}

static inline void
wr16(uint8_t *p, uint16_t v)
{
	v = rte_cpu_to_be_16(v);
	memcpy(p, &v, sizeof(v));
}

static inline void
wr32(uint8_t *p, uint32_t v)
{
	v = rte_cpu_to_be_32(v);
	memcpy(p, &v, sizeof(v));
}

static inline void
wr64(uint8_t *p, uint64_t v)
{
	v = rte_cpu_to_be_64(v);
	memcpy(p, &v, sizeof(v));
}

uint32_t
gw_proto_msg_len(uint8_t type)
{
	switch (type) {
	case GW_MSG_NEW:
	case GW_MSG_REPLACE:
	case GW_MSG_ACCEPTED:
		return 48;
	case GW_MSG_CANCEL:
	case GW_MSG_LOGON:
		return 32;
	case GW_MSG_REJECTED:
	case GW_MSG_CANCELLED:
		return 40;
	case GW_MSG_EXECUTED:
		return 64;
	default:
		return 0;
	}
}

static bool
is_request(uint8_t type)
{
	return type == GW_MSG_NEW || type == GW_MSG_CANCEL ||
		type == GW_MSG_REPLACE || type == GW_MSG_LOGON;
}

/*
 * A symbol is 1 to 8 printable, non-space ASCII characters, left-aligned
 * and padded with NUL bytes: nothing may follow the first NUL, so each
 * name has exactly one encoding.
 */
static bool
symbol_valid(const uint8_t *s)
{
	unsigned int i = 0;

	while (i < 8 && s[i] > 0x20 && s[i] < 0x7f)
		i++;
	if (i == 0)
		return false;
	for (; i < 8; i++)
		if (s[i] != 0)
			return false;
	return true;
}

/*
 * DPDK's header helpers take a struct rte_ipv4_hdr, which must be 2-byte
 * aligned (__rte_aligned(2) in 24.11); a frame may start at any address,
 * so they get a copy. Their checksum loops read the UDP bytes with
 * memcpy(), at any alignment.
 */
static inline void
ip_header_copy(struct rte_ipv4_hdr *ip, const uint8_t *f)
{
	memcpy(ip, f + OFF_IP, sizeof(*ip));
}

/* True if @p ip (network order) is a group or unusable source address. */
static inline bool
ip_not_unicast(rte_be32_t ip)
{
	uint32_t a = rte_be_to_cpu_32(ip);

	/* 0.0.0.0 "this host"; 224/4 multicast; 240/4 and broadcast. */
	return a == 0 || (a >> 28) >= 0xE;
}

/*
 * Sources never answered: a reply would go to a group (broadcast or
 * multicast MAC or IPv4 address), to ourselves, or to port 0, which no
 * sender can bind. GW_DROP_NONE if the source is a plain unicast one.
 */
static enum gw_drop
check_source(const uint8_t *f, const struct gw_endpoint *local)
{
	struct rte_ether_addr mac;
	rte_be16_t port;
	rte_be32_t ip;

	memcpy(&mac, f + RTE_ETHER_ADDR_LEN, sizeof(mac));
	memcpy(&ip, f + OFF_IP + 12, sizeof(ip));
	memcpy(&port, f + OFF_UDP, sizeof(port));
	if (rte_is_multicast_ether_addr(&mac) || ip_not_unicast(ip))
		return GW_DROP_SRC_GROUP;
	if (ip == local->ip || rte_is_same_ether_addr(&mac, &local->mac))
		return GW_DROP_SRC_SELF;
	if (port == 0)
		return GW_DROP_SRC_PORT_0;
	return GW_DROP_NONE;
}

/* Ethernet, IPv4 and UDP checks; the gw_drop code, GW_DROP_NONE if ok. */
static enum gw_drop
check_l2_l4(const uint8_t *f, uint32_t len, const struct gw_endpoint *local)
{
	const uint8_t *udp = f + OFF_UDP;
	struct rte_ipv4_hdr ip;
	uint32_t ip_len, udp_len;
	uint16_t dst_port;
	uint32_t dst_ip;

	if (len < GW_PROTO_L2_L4_LEN)
		return GW_DROP_RUNT;
	if (rd16(f + OFF_ETHERTYPE) != RTE_ETHER_TYPE_IPV4)
		return GW_DROP_NOT_IPV4;
	ip_len = rd16(f + OFF_IP + 2);
	if (f[OFF_IP] != 0x45 || ip_len < 28 || OFF_IP + ip_len > len)
		return GW_DROP_IP_HEADER;
	/* Ethernet pads short frames; anything else after the datagram is
	 * a malformed frame, not padding.
	 */
	if (OFF_IP + ip_len < len && len > GW_PROTO_ETH_MIN_FRAME)
		return GW_DROP_TRAILER;
	ip_header_copy(&ip, f);
	/* The stored checksum makes the header's one's complement sum 0. */
	if (rte_ipv4_cksum(&ip) != 0)
		return GW_DROP_IP_CKSUM;
	if ((rd16(f + OFF_IP + 6) & IP_FLAG_MASK) != 0)
		return GW_DROP_IP_FRAGMENT;
	if (f[OFF_IP + 9] != IPPROTO_UDP)
		return GW_DROP_NOT_UDP;
	memcpy(&dst_ip, f + OFF_IP + 16, sizeof(dst_ip));
	memcpy(&dst_port, udp + 2, sizeof(dst_port));
	if (dst_ip != local->ip || dst_port != local->port)
		return GW_DROP_NOT_FOR_US;
	udp_len = rd16(udp + 4);
	if (udp_len != ip_len - 20)
		return GW_DROP_UDP_LENGTH;
	/* A zero UDP checksum means "not computed" (RFC 768). */
	if (rd16(udp + 6) != 0 && rte_ipv4_udptcp_cksum_verify(&ip, udp) != 0)
		return GW_DROP_UDP_CKSUM;
	return check_source(f, local);
}

static void
read_peer(const uint8_t *f, struct gw_endpoint *peer)
{
	memcpy(&peer->mac, f + RTE_ETHER_ADDR_LEN, RTE_ETHER_ADDR_LEN);
	memcpy(&peer->ip, f + OFF_IP + 12, sizeof(peer->ip));
	memcpy(&peer->port, f + OFF_UDP, sizeof(peer->port));
}

/* Header checks after the length is known to cover the header. */
static enum gw_reject
check_header(const uint8_t *m, uint32_t plen, struct gw_msg *msg)
{
	uint32_t want;

	msg->type = m[M_TYPE];
	msg->session = rd32(m + M_SESSION);
	msg->seq = rd32(m + M_SEQ);
	if (rd16(m + M_MAGIC) != GW_PROTO_MAGIC)
		return GW_REJ_BAD_MAGIC;
	if (m[M_VERSION] != GW_PROTO_VERSION)
		return GW_REJ_BAD_VERSION;
	if (!is_request(msg->type))
		return GW_REJ_BAD_TYPE;
	want = gw_proto_msg_len(msg->type);
	if (plen >= M_SYMBOL + 8 && msg->type == GW_MSG_LOGON)
		memcpy(msg->token, m + M_TOKEN, GW_PROTO_TOKEN_LEN);
	else if (plen >= M_SYMBOL + 8) {
		msg->order_id = rd64(m + M_ORDER_ID);
		memcpy(&msg->symbol, m + M_SYMBOL, 8);
	}
	if (plen < want)
		return GW_REJ_SHORT;
	if (plen > want)
		return GW_REJ_LONG;
	if (rd16(m + M_LENGTH) != want)
		return GW_REJ_BAD_LENGTH;
	if (rd16(m + M_FLAGS) != 0)
		return GW_REJ_BAD_RESERVED;
	if (msg->session == 0 || msg->session >= GW_PROTO_SESSIONS)
		return GW_REJ_BAD_SESSION;
	/* A LOGON's bytes 16..31 are its token, any value. */
	if (msg->type != GW_MSG_LOGON && !symbol_valid(m + M_SYMBOL))
		return GW_REJ_BAD_SYMBOL;
	return GW_REJ_NONE;
}

static enum gw_reject
check_price_qty(int64_t price, uint32_t qty)
{
	if (price <= 0 || price > GW_PROTO_PRICE_MAX)
		return GW_REJ_BAD_PRICE;
	if (qty == 0 || qty > GW_PROTO_QTY_MAX)
		return GW_REJ_BAD_QTY;
	return GW_REJ_NONE;
}

static enum gw_reject
parse_new(const uint8_t *m, struct gw_msg *msg)
{
	msg->price = (int64_t)rd64(m + M_PRICE);
	msg->qty = rd32(m + M_QTY);
	msg->side = m[M_SIDE];
	msg->ord_type = m[M_ORD_TYPE];
	if (rd16(m + 46) != 0)
		return GW_REJ_BAD_RESERVED;
	if (msg->side != GW_SIDE_BUY && msg->side != GW_SIDE_SELL)
		return GW_REJ_BAD_SIDE;
	if (msg->ord_type == GW_ORD_MARKET) {
		/* A market order has no price: 0 says so explicitly. */
		if (msg->price != 0)
			return GW_REJ_BAD_PRICE;
		return check_price_qty(1, msg->qty);
	}
	if (msg->ord_type != GW_ORD_LIMIT)
		return GW_REJ_BAD_ORD_TYPE;
	return check_price_qty(msg->price, msg->qty);
}

static enum gw_reject
parse_replace(const uint8_t *m, struct gw_msg *msg)
{
	msg->price = (int64_t)rd64(m + M_PRICE);
	msg->qty = rd32(m + M_QTY);
	if (rd32(m + 44) != 0)
		return GW_REJ_BAD_RESERVED;
	return check_price_qty(msg->price, msg->qty);
}

static enum gw_reject
parse_body(const uint8_t *m, struct gw_msg *msg)
{
	switch (msg->type) {
	case GW_MSG_NEW:
		return parse_new(m, msg);
	case GW_MSG_REPLACE:
		return parse_replace(m, msg);
	default:
		/* CANCEL has only the id and symbol, checked already. */
		return GW_REJ_NONE;
	}
}

enum gw_parse_result
gw_proto_parse(const void *frame, uint32_t len, const struct gw_endpoint *local,
	struct gw_msg *msg, struct gw_endpoint *peer)
{
	const uint8_t *f = frame;
	const uint8_t *m = f + OFF_MSG;
	enum gw_reject rej;
	enum gw_drop drop;
	uint32_t plen;

	memset(msg, 0, sizeof(*msg));
	drop = check_l2_l4(f, len, local);
	if (drop != GW_DROP_NONE) {
		msg->reason = drop;
		return GW_PARSE_DROP;
	}
	plen = rd16(f + OFF_UDP + 4) - sizeof(struct rte_udp_hdr);
	if (plen > M_TYPE && (m[M_TYPE] & GW_MSG_RESPONSE_BIT) != 0) {
		msg->reason = GW_DROP_RESPONSE;
		return GW_PARSE_DROP;
	}
	read_peer(f, peer);
	if (plen < GW_PROTO_HDR_LEN)
		rej = GW_REJ_SHORT;
	else
		rej = check_header(m, plen, msg);
	if (rej == GW_REJ_NONE)
		rej = parse_body(m, msg);
	if (rej != GW_REJ_NONE) {
		msg->reason = rej;
		return GW_PARSE_REJECT;
	}
	return GW_PARSE_OK;
}

static void
encode_body(uint8_t *m, const struct gw_msg *msg)
{
	if (msg->type == GW_MSG_LOGON) {
		memcpy(m + M_TOKEN, msg->token, GW_PROTO_TOKEN_LEN);
		return;
	}
	wr64(m + M_ORDER_ID, msg->order_id);
	memcpy(m + M_SYMBOL, &msg->symbol, 8);
	switch (msg->type) {
	case GW_MSG_NEW:
	case GW_MSG_REPLACE:
	case GW_MSG_ACCEPTED:
		wr64(m + M_PRICE, (uint64_t)msg->price);
		wr32(m + M_QTY,
			msg->type == GW_MSG_ACCEPTED ? msg->leaves : msg->qty);
		if (msg->type != GW_MSG_REPLACE)
			m[M_SIDE] = msg->side;
		if (msg->type == GW_MSG_NEW)
			m[M_ORD_TYPE] = msg->ord_type;
		else if (msg->type == GW_MSG_ACCEPTED)
			m[M_ACC_REQ] = msg->req_type;
		break;
	case GW_MSG_REJECTED:
		wr16(m + M_REJ_REASON, msg->reason);
		m[M_REJ_REQ] = msg->req_type;
		wr32(m + M_REJ_REF_SEQ, msg->ref_seq);
		break;
	case GW_MSG_EXECUTED:
		wr64(m + M_EXE_TRADE, msg->trade_id);
		wr64(m + M_EXE_PRICE, (uint64_t)msg->price);
		wr32(m + M_EXE_QTY, msg->qty);
		wr32(m + M_EXE_LEAVES, msg->leaves);
		m[M_EXE_SIDE] = msg->side;
		m[M_EXE_LIQ] = msg->liquidity;
		break;
	case GW_MSG_CANCELLED:
		wr32(m + M_CXL_QTY, msg->qty);
		m[M_CXL_REASON] = (uint8_t)msg->reason;
		break;
	default:
		/* CANCEL: id and symbol only. */
		break;
	}
}

static void
encode_headers(uint8_t *f, uint32_t mlen, const struct gw_endpoint *src,
	const struct gw_endpoint *dst)
{
	uint8_t *udp = f + OFF_UDP;
	struct rte_ipv4_hdr ip;
	uint16_t cksum;

	memcpy(f, &dst->mac, RTE_ETHER_ADDR_LEN);
	memcpy(f + RTE_ETHER_ADDR_LEN, &src->mac, RTE_ETHER_ADDR_LEN);
	wr16(f + OFF_ETHERTYPE, RTE_ETHER_TYPE_IPV4);
	f[OFF_IP] = 0x45;
	f[OFF_IP + 1] = 0;
	wr16(f + OFF_IP + 2, 20 + 8 + mlen);
	wr16(f + OFF_IP + 4, 0);
	wr16(f + OFF_IP + 6, RTE_IPV4_HDR_DF_FLAG);
	f[OFF_IP + 8] = GW_IP_TTL;
	f[OFF_IP + 9] = IPPROTO_UDP;
	wr16(f + OFF_IP + 10, 0);
	memcpy(f + OFF_IP + 12, &src->ip, 4);
	memcpy(f + OFF_IP + 16, &dst->ip, 4);
	ip_header_copy(&ip, f);
	cksum = rte_ipv4_cksum(&ip);
	memcpy(f + OFF_IP + 10, &cksum, 2);
	memcpy(udp, &src->port, 2);
	memcpy(udp + 2, &dst->port, 2);
	wr16(udp + 4, 8 + mlen);
	wr16(udp + 6, 0);
	/* Computed over the finished message: encode the body first. */
	cksum = rte_ipv4_udptcp_cksum(&ip, udp);
	memcpy(udp + 6, &cksum, 2);
}

static int
fail(int err)
{
	rte_errno = err;
	return -err;
}

int
gw_proto_frame(void *buf, uint32_t room, const struct gw_endpoint *src,
	const struct gw_endpoint *dst, const void *payload, uint32_t plen)
{
	uint8_t *f = buf;

	if (plen > UINT16_MAX - 28)
		return fail(EINVAL);
	if (room < OFF_MSG + plen)
		return fail(ENOSPC);
	memmove(f + OFF_MSG, payload, plen);
	encode_headers(f, plen, src, dst);
	return OFF_MSG + plen;
}

int
gw_proto_encode(void *buf, uint32_t room, const struct gw_endpoint *src,
	const struct gw_endpoint *dst, const struct gw_msg *msg)
{
	uint32_t mlen = gw_proto_msg_len(msg->type);
	uint8_t *f = buf;
	uint8_t *m = f + OFF_MSG;

	if (mlen == 0)
		return fail(EINVAL);
	if (room < OFF_MSG + mlen)
		return fail(ENOSPC);
	memset(m, 0, mlen);
	wr16(m + M_MAGIC, GW_PROTO_MAGIC);
	m[M_VERSION] = GW_PROTO_VERSION;
	m[M_TYPE] = msg->type;
	wr16(m + M_LENGTH, mlen);
	wr32(m + M_SESSION, msg->session);
	wr32(m + M_SEQ, msg->seq);
	encode_body(m, msg);
	encode_headers(f, mlen, src, dst);
	return OFF_MSG + mlen;
}

int
gw_proto_encode_mbuf(struct rte_mbuf *m, const struct gw_endpoint *src,
	const struct gw_endpoint *dst, const struct gw_msg *msg)
{
	int len;

	rte_pktmbuf_reset(m);
	len = gw_proto_encode(rte_pktmbuf_mtod(m, void *),
		rte_pktmbuf_tailroom(m), src, dst, msg);
	if (len < 0)
		return len;
	m->data_len = (uint16_t)len;
	m->pkt_len = (uint32_t)len;
	return 0;
}

uint64_t
gw_proto_digest(const void *frame, uint32_t len)
{
	const uint8_t *f = frame;
	uint64_t h = UINT64_C(0xCBF29CE484222325); /* FNV-1a 64 */
	uint32_t end = len, i;

	if (len >= OFF_MSG && rd16(f + OFF_UDP + 4) >= 8 &&
		OFF_UDP + (uint32_t)rd16(f + OFF_UDP + 4) <= len)
		end = OFF_UDP + (uint32_t)rd16(f + OFF_UDP + 4);
	for (i = OFF_MSG; i < end; i++)
		h = (h ^ f[i]) * UINT64_C(0x100000001B3);
	return h;
}

static const char *const reject_names[GW_REJ_MAX] = {
	[GW_REJ_NONE] = "none",
	[GW_REJ_SHORT] = "short",
	[GW_REJ_LONG] = "long",
	[GW_REJ_BAD_MAGIC] = "bad_magic",
	[GW_REJ_BAD_VERSION] = "bad_version",
	[GW_REJ_BAD_TYPE] = "bad_type",
	[GW_REJ_BAD_LENGTH] = "bad_length",
	[GW_REJ_BAD_RESERVED] = "bad_reserved",
	[GW_REJ_BAD_SESSION] = "bad_session",
	[GW_REJ_BAD_SYMBOL] = "bad_symbol",
	[GW_REJ_BAD_SIDE] = "bad_side",
	[GW_REJ_BAD_ORD_TYPE] = "bad_ord_type",
	[GW_REJ_BAD_PRICE] = "bad_price",
	[GW_REJ_BAD_QTY] = "bad_qty",
	[GW_REJ_UNKNOWN_SYMBOL] = "unknown_symbol",
	[GW_REJ_DUPLICATE_ID] = "duplicate_id",
	[GW_REJ_UNKNOWN_ORDER] = "unknown_order",
	[GW_REJ_NO_RESOURCES] = "no_resources",
	[GW_REJ_WRONG_SHARD] = "wrong_shard",
	[GW_REJ_BAD_TOKEN] = "bad_token",
};

static const char *const drop_names[GW_DROP_MAX] = {
	[GW_DROP_NONE] = "none",
	[GW_DROP_RUNT] = "runt",
	[GW_DROP_NOT_IPV4] = "not_ipv4",
	[GW_DROP_IP_HEADER] = "ip_header",
	[GW_DROP_IP_CKSUM] = "ip_cksum",
	[GW_DROP_IP_FRAGMENT] = "ip_fragment",
	[GW_DROP_NOT_UDP] = "not_udp",
	[GW_DROP_UDP_LENGTH] = "udp_length",
	[GW_DROP_UDP_CKSUM] = "udp_cksum",
	[GW_DROP_NOT_FOR_US] = "not_for_us",
	[GW_DROP_TRAILER] = "trailer",
	[GW_DROP_RESPONSE] = "response_type",
	[GW_DROP_SRC_GROUP] = "src_group",
	[GW_DROP_SRC_SELF] = "src_self",
	[GW_DROP_SRC_PORT_0] = "src_port_0",
	[GW_DROP_NO_LOGON] = "no_logon",
	[GW_DROP_WRONG_SOURCE] = "wrong_source",
};

const char *
gw_reject_name(unsigned int reason)
{
	return reason < GW_REJ_MAX ? reject_names[reason] : "unknown";
}

const char *
gw_drop_name(unsigned int drop)
{
	return drop < GW_DROP_MAX ? drop_names[drop] : "unknown";
}

const char *
gw_msg_type_name(unsigned int type)
{
	switch (type) {
	case GW_MSG_NEW:
		return "new";
	case GW_MSG_CANCEL:
		return "cancel";
	case GW_MSG_REPLACE:
		return "replace";
	case GW_MSG_LOGON:
		return "logon";
	case GW_MSG_ACCEPTED:
		return "accepted";
	case GW_MSG_REJECTED:
		return "rejected";
	case GW_MSG_EXECUTED:
		return "executed";
	case GW_MSG_CANCELLED:
		return "cancelled";
	default:
		return "unknown";
	}
}

uint64_t
gw_symbol_pack(const char *s)
{
	char b[8] = {0};
	unsigned int i;
	uint64_t v;

	for (i = 0; i < sizeof(b) && s[i] != '\0'; i++)
		b[i] = s[i];
	memcpy(&v, b, sizeof(v));
	return v;
}

void
gw_symbol_unpack(uint64_t sym, char out[9])
{
	memcpy(out, &sym, 8);
	out[8] = '\0';
}
