/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The lfpool authors
 */

#ifndef GW_PROTO_H
#define GW_PROTO_H

/**
 * @file
 * The gateway's binary order-entry protocol (doc/protocol.md has the byte
 * layouts): one message per Ethernet/IPv4/UDP frame, every field in network
 * byte order.
 *
 * gw_proto_parse() checks a received frame from the Ethernet header to the
 * last reserved byte and says what to do with it: hand the decoded request
 * to the engine, answer with a reject (the frame reached our UDP port, so
 * the sender is known), or drop it (the sender cannot be trusted). The
 * encoder writes any message type, requests included, so the flow
 * generator and the tests use the same code as the gateway.
 *
 * Everything here is reentrant and allocation-free.
 */

#include <stdint.h>

#include <rte_ether.h>
#include <rte_mbuf.h>

#define GW_PROTO_MAGIC 0x4C46 /**< "LF" */
#define GW_PROTO_VERSION 1
#define GW_PROTO_UDP_PORT 9000 /**< Default gateway UDP port. */

/** Bytes of the Ethernet, IPv4 (no options) and UDP headers. */
#define GW_PROTO_L2_L4_LEN (14 + 20 + 8)
/** Bytes of the message header common to all types. */
#define GW_PROTO_HDR_LEN 16
/** Longest message (EXECUTED), header included. */
#define GW_PROTO_MSG_MAX 64
/** Longest frame the encoder writes. */
#define GW_PROTO_FRAME_MAX (GW_PROTO_L2_L4_LEN + GW_PROTO_MSG_MAX)
/** Frames shorter than this carry Ethernet padding after the datagram. */
#define GW_PROTO_ETH_MIN_FRAME 60

/** Largest price in ticks and largest quantity a request may carry. */
#define GW_PROTO_PRICE_MAX INT64_C(1000000000000)
#define GW_PROTO_QTY_MAX UINT32_C(1000000000)
/** Session ids are 1 .. GW_PROTO_SESSIONS - 1. */
#define GW_PROTO_SESSIONS 256
/** Bytes of a session's LOGON token. */
#define GW_PROTO_TOKEN_LEN 16

/**
 * Message types; requests have the high bit clear. A frame with the high
 * bit set is never answered (GW_DROP_RESPONSE): answering a response
 * would let two gateways bounce REJECTEDs between them forever.
 */
enum gw_msg_type {
	GW_MSG_NEW = 0x01,
	GW_MSG_CANCEL = 0x02,
	GW_MSG_REPLACE = 0x03,
	GW_MSG_LOGON = 0x04, /**< Bind a session to its source address. */
	GW_MSG_ACCEPTED = 0x81,
	GW_MSG_REJECTED = 0x82,
	GW_MSG_EXECUTED = 0x83,
	GW_MSG_CANCELLED = 0x84,
	GW_MSG_RESPONSE_BIT = 0x80, /**< Set in every response type. */
};

enum gw_side {
	GW_SIDE_BUY = 1,
	GW_SIDE_SELL = 2,
};

enum gw_ord_type {
	GW_ORD_LIMIT = 1,
	GW_ORD_MARKET = 2, /**< Immediate-or-cancel at any price. */
};

/** Why an order's open quantity was cancelled (CANCELLED.reason). */
enum gw_cancel_reason {
	GW_CXL_REQUESTED = 1, /**< A CANCEL request. */
	GW_CXL_UNFILLED = 2,  /**< Market order remainder: no liquidity. */
	/** No object to go on (trade) or to rest (node, level, room). */
	GW_CXL_NO_RESOURCES = 3,
};

/** Which side of a trade an execution is (EXECUTED.liquidity). */
enum gw_liquidity {
	GW_LIQ_MAKER = 1, /**< The resting order. */
	GW_LIQ_TAKER = 2, /**< The incoming order. */
};

/** Reject reasons (REJECTED.reason), stable wire values. */
enum gw_reject {
	GW_REJ_NONE = 0,
	GW_REJ_SHORT = 1, /**< Fewer bytes than the type needs. */
	GW_REJ_LONG = 2,  /**< More bytes than the type has. */
	GW_REJ_BAD_MAGIC = 3,
	GW_REJ_BAD_VERSION = 4,
	GW_REJ_BAD_TYPE = 5,	 /**< Unknown request type. */
	GW_REJ_BAD_LENGTH = 6,	 /**< Header length != datagram. */
	GW_REJ_BAD_RESERVED = 7, /**< Flags or padding not zero. */
	GW_REJ_BAD_SESSION = 8,
	GW_REJ_BAD_SYMBOL = 9, /**< Empty or not printable. */
	GW_REJ_BAD_SIDE = 10,
	GW_REJ_BAD_ORD_TYPE = 11,
	GW_REJ_BAD_PRICE = 12,
	GW_REJ_BAD_QTY = 13,
	GW_REJ_UNKNOWN_SYMBOL = 14,
	GW_REJ_DUPLICATE_ID = 15,  /**< Id of a live order. */
	GW_REJ_UNKNOWN_ORDER = 16, /**< Not live, or another session's. */
	GW_REJ_NO_RESOURCES = 17,  /**< A pool or the book is full. */
	GW_REJ_WRONG_SHARD = 18,   /**< Symbol owned by another worker. */
	GW_REJ_BAD_TOKEN = 19,	   /**< LOGON: not the session's token. */
	GW_REJ_MAX,
};

/** Why a frame was dropped without an answer (counted, never logged). */
enum gw_drop {
	GW_DROP_NONE = 0,
	GW_DROP_RUNT,	   /**< Shorter than the L2-L4 headers. */
	GW_DROP_NOT_IPV4,  /**< EtherType is not IPv4 (VLANs included). */
	GW_DROP_IP_HEADER, /**< Version, IHL (options) or total length. */
	GW_DROP_IP_CKSUM,
	GW_DROP_IP_FRAGMENT,
	GW_DROP_NOT_UDP,
	GW_DROP_UDP_LENGTH,
	GW_DROP_UDP_CKSUM,
	GW_DROP_NOT_FOR_US,   /**< Other destination address or port. */
	GW_DROP_TRAILER,      /**< Bytes after the datagram beyond padding. */
	GW_DROP_RESPONSE,     /**< A response type (high bit set). */
	GW_DROP_SRC_GROUP,    /**< Broadcast/multicast/0 source MAC or IP. */
	GW_DROP_SRC_SELF,     /**< Our own source IP or MAC. */
	GW_DROP_SRC_PORT_0,   /**< Source UDP port 0. */
	GW_DROP_NO_LOGON,     /**< Request for a session never logged on. */
	GW_DROP_WRONG_SOURCE, /**< Session logged on from another address. */
	GW_DROP_MAX,
};

/** What the caller does with a parsed frame. */
enum gw_parse_result {
	GW_PARSE_OK = 0, /**< A valid request in @c msg. */
	GW_PARSE_REJECT, /**< Answer with REJECTED, @c msg->reason. */
	GW_PARSE_DROP,	 /**< Drop; the gw_drop code in @c msg->reason. */
};

/** One end of a UDP flow; ip and port in network byte order. */
struct gw_endpoint {
	struct rte_ether_addr mac;
	rte_be16_t port;
	rte_be32_t ip;
};

/**
 * A decoded message in host byte order. Requests and responses share it;
 * each type uses the fields its layout has (doc/protocol.md).
 */
struct gw_msg {
	uint8_t type;	   /**< enum gw_msg_type */
	uint8_t side;	   /**< enum gw_side */
	uint8_t ord_type;  /**< enum gw_ord_type */
	uint8_t req_type;  /**< ACCEPTED/REJECTED: request answered. */
	uint16_t reason;   /**< gw_reject, gw_cancel_reason or gw_drop. */
	uint8_t liquidity; /**< enum gw_liquidity */
	uint8_t pad;
	uint32_t session;
	uint32_t seq;	  /**< Request: client seq; response: book seq. */
	uint32_t qty;	  /**< Order, new, executed or cancelled qty. */
	uint32_t leaves;  /**< Open quantity after the event. */
	uint32_t ref_seq; /**< REJECTED: seq of the rejected request. */
	uint64_t order_id;
	uint64_t symbol; /**< The 8 wire bytes, in wire order. */
	int64_t price;	 /**< Ticks. */
	uint64_t trade_id;
	uint8_t token[GW_PROTO_TOKEN_LEN]; /**< LOGON */
};

/**
 * Parse and validate one received frame.
 *
 * @param frame
 *   First byte of the Ethernet header.
 * @param len
 *   Frame length (no FCS).
 * @param local
 *   The gateway's address: frames to another IPv4 address or UDP port
 *   are dropped.
 * @param[out] msg
 *   The request on GW_PARSE_OK. On GW_PARSE_REJECT: the reason, and the
 *   type, session, seq, order id and symbol as far as they could be read
 *   (zero otherwise). On GW_PARSE_DROP: the gw_drop code in reason.
 * @param[out] peer
 *   The sender's address, set unless the frame is dropped.
 * @return
 *   The enum gw_parse_result.
 */
enum gw_parse_result gw_proto_parse(const void *frame, uint32_t len,
	const struct gw_endpoint *local, struct gw_msg *msg,
	struct gw_endpoint *peer);

/**
 * Encode one message of any type as a complete frame, checksums included.
 *
 * @param buf
 *   Output buffer.
 * @param room
 *   Its size; GW_PROTO_FRAME_MAX is always enough.
 * @param src, dst
 *   Source and destination addresses.
 * @param msg
 *   The message; reserved fields are written as zero.
 * @return
 *   The frame length, or (rte_errno set) -EINVAL for an unknown type, or
 *   -ENOSPC.
 */
int gw_proto_encode(void *buf, uint32_t room, const struct gw_endpoint *src,
	const struct gw_endpoint *dst, const struct gw_msg *msg);

/**
 * Wrap any payload in Ethernet/IPv4/UDP headers with valid lengths and
 * checksums (the encoder's framing; tests and the fuzzer use it to build
 * malformed messages inside well-formed datagrams).
 *
 * @param payload
 *   The UDP payload; it may already sit at @p buf + GW_PROTO_L2_L4_LEN.
 * @return
 *   The frame length, or (rte_errno set) -EINVAL if @p plen does not fit
 *   in a datagram, or -ENOSPC.
 */
int gw_proto_frame(void *buf, uint32_t room, const struct gw_endpoint *src,
	const struct gw_endpoint *dst, const void *payload, uint32_t plen);

/**
 * gw_proto_encode() into an mbuf, replacing its data (one segment).
 *
 * @return
 *   0, or (rte_errno set) -EINVAL for an unknown type, or -ENOSPC if the
 *   mbuf is too small.
 */
int gw_proto_encode_mbuf(struct rte_mbuf *m, const struct gw_endpoint *src,
	const struct gw_endpoint *dst, const struct gw_msg *msg);

/**
 * Message bytes (header included) of a type, 0 for an unknown type.
 */
uint32_t gw_proto_msg_len(uint8_t type);

/**
 * FNV-1a hash of a frame's message bytes (the UDP payload; headers and
 * Ethernet padding excluded). The gateway's response checksum is the sum
 * of the digests of its responses, so it does not depend on how the
 * workers' outputs interleave.
 */
uint64_t gw_proto_digest(const void *frame, uint32_t len);

/** Short constant names, for statistics and JSON keys. */
const char *gw_reject_name(unsigned int reason);
const char *gw_drop_name(unsigned int drop);
const char *gw_msg_type_name(unsigned int type);

/** Pack up to 8 characters of @p s into a wire symbol (NUL padded). */
uint64_t gw_symbol_pack(const char *s);

/** Unpack a wire symbol into @p out (9 bytes at least). */
void gw_symbol_unpack(uint64_t sym, char out[9]);

#endif /* GW_PROTO_H */
