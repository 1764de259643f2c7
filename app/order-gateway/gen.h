/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The lfpool authors
 */

#ifndef GW_GEN_H
#define GW_GEN_H

/**
 * @file
 * The embedded order flow: a seeded, reproducible stream of request
 * frames that looks like a venue's order entry (doc/gateway.md, "The
 * generated flow"):
 *
 * - symbols chosen with a skew (a few are busy, most are quiet), each with
 *   a mid price that random-walks by one tick;
 * - new orders (about 55 %): mostly passive limit orders a few ticks from
 *   the mid, about 15 % marketable limit orders, about 3 % market orders;
 *   lot sizes of 100 with some odd lots;
 * - cancels (about 30 %) and replaces (about 15 %: half shrink in place,
 *   half move the price) of the flow's own live orders, from the session
 *   that owns them;
 * - a small share of malformed frames (--bad-ppm), each of a kind the
 *   gateway must reject or drop;
 * - with session tokens, first a LOGON of each session (gw_gen_logons()
 *   frames), and among the malformed frames LOGONs with a wrong token and
 *   requests sent from another session's address (a hijack attempt).
 *
 * The generator only knows what it sent, not what traded: it tracks up to
 * live_per_symbol orders per symbol and cancels one when the list is
 * full, so a cancel may name an order that has traded since (the gateway
 * rejects it, as a venue would). That bound also caps the resting orders.
 *
 * The flow depends on the seed and the configuration only, never on the
 * gateway's answers or timing. Single-threaded.
 */

#include <stdint.h>

#include "engine.h"
#include "proto.h"

struct gw_gen_conf {
	uint64_t seed;
	const struct gw_symtab *symtab;
	uint32_t sessions;	    /**< 1 .. GW_PROTO_SESSIONS - 1 */
	uint32_t live_per_symbol;   /**< Orders tracked per symbol. */
	uint32_t bad_ppm;	    /**< Malformed frames per million. */
	struct gw_endpoint gateway; /**< Destination of the requests. */
	int socket;
	/** The sessions' tokens; NULL: no LOGON (gateway without them). */
	const struct gw_sessions *tokens;
};

/** Counts of what the generator produced. */
struct gw_gen_stats {
	uint64_t frames;
	uint64_t news;
	uint64_t markets;
	uint64_t marketable;
	uint64_t cancels;
	uint64_t replaces;
	uint64_t logons;
	uint64_t bad;
};

struct gw_gen;

/**
 * @return
 *   A generator, or NULL with rte_errno set: EINVAL, ENOMEM.
 */
struct gw_gen *gw_gen_create(const struct gw_gen_conf *conf);
void gw_gen_free(struct gw_gen *g);

/**
 * Write the next request frame.
 *
 * @param buf
 *   At least GW_PROTO_FRAME_MAX bytes.
 * @param[out] symbol
 *   The request's wire symbol, to steer it to the worker that owns it.
 * @return
 *   The frame length.
 */
uint32_t gw_gen_next(struct gw_gen *g, uint8_t *buf, uint64_t *symbol);

const struct gw_gen_stats *gw_gen_stats(const struct gw_gen *g);

/**
 * How many LOGON frames open the flow (one per session, or 0 without
 * tokens): a client waits for their answers before it sends the rest.
 */
uint32_t gw_gen_logons(const struct gw_gen *g);

/** The address the generator uses for session @p s (1..255). */
void gw_gen_session_endpoint(uint32_t s, struct gw_endpoint *ep);

#endif /* GW_GEN_H */
