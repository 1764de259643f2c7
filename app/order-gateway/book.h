/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The lfpool authors
 */

#ifndef GW_BOOK_H
#define GW_BOOK_H

/**
 * @file
 * The matching engine: one price-time priority limit order book per
 * symbol, owned by one lcore (no locks).
 *
 * Rules (doc/protocol.md, "Matching"):
 * - An incoming order trades with the best opposite level while it
 *   crosses: a buy at P crosses an ask at Q when P >= Q, a sell when
 *   P <= Q, so equal prices trade. Within a level the oldest order trades
 *   first. The trade price is the resting order's price. Orders of the
 *   same session trade with each other like any others (no self-trade
 *   prevention).
 * - A limit order's remainder rests at its price, at the tail of the
 *   level. A market order never rests: its remainder is cancelled
 *   (CANCELLED, reason UNFILLED).
 * - Cancel removes a live order whatever it has filled; the CANCELLED
 *   message carries the open quantity removed.
 * - Replace sets a new price and a new open quantity. The order keeps its
 *   place in the queue only when the price is unchanged and the open
 *   quantity does not grow; otherwise it leaves the book and comes back
 *   as if new (same id, filled quantity kept): it may trade at once, and
 *   its remainder rests at the tail of its new level.
 * - Events come out in this order: ACCEPTED (or REJECTED), then for each
 *   fill the taker's EXECUTED followed by the maker's, then CANCELLED if
 *   the remainder cannot rest.
 *
 * Storage: each side keeps its levels in a sorted array fixed at creation
 * (best last, so the busy end moves least), with the level prices in a
 * parallel array for the binary search. Orders, FIFO nodes, levels and
 * trades come from a struct gw_alloc (lfpool pools in the gateway); a
 * trade lives only while its two EXECUTED messages are emitted. Orders
 * are found by id through a gw_ordmap shared by the lcore's books.
 */

#include <stdint.h>

#include "alloc.h"
#include "ordmap.h"
#include "proto.h"

/**
 * Receiver of a book's responses, in the order they must be sent. The
 * message is the book's scratch copy: the receiver may complete it (the
 * engine stamps seq) before it is encoded.
 */
struct gw_sink {
	void (*emit)(void *ctx, struct gw_msg *m);
	void *ctx;
};

struct gw_book_conf {
	uint32_t sym_idx;    /**< Index in the symbol table (map key). */
	uint64_t symbol;     /**< Wire symbol (proto.h). */
	uint32_t max_levels; /**< Price levels per side. */
	int socket;	     /**< Memory of the book's arrays. */
};

struct gw_book;

/**
 * Create an empty book.
 *
 * @return
 *   The book, or NULL with rte_errno set: EINVAL (bad symbol, 0 levels),
 *   ENOMEM.
 */
struct gw_book *gw_book_create(const struct gw_book_conf *conf,
	struct gw_ordmap *map, const struct gw_alloc *alloc);

/** Release every resting order (gw_book_purge()) and free the book. */
void gw_book_free(struct gw_book *b);

/**
 * Remove every resting order without emitting anything, returning all
 * objects to the allocator (shutdown).
 *
 * @return
 *   The number of orders released.
 */
uint32_t gw_book_purge(struct gw_book *b);

/**
 * @name Requests
 * Handle one validated request (gw_proto_parse() returned GW_PARSE_OK)
 * for this book's symbol; @p ts stamps the objects created.
 * @{
 */
void gw_book_new(struct gw_book *b, const struct gw_msg *req, uint64_t ts,
	const struct gw_sink *sink);
void gw_book_cancel(struct gw_book *b, const struct gw_msg *req, uint64_t ts,
	const struct gw_sink *sink);
void gw_book_replace(struct gw_book *b, const struct gw_msg *req, uint64_t ts,
	const struct gw_sink *sink);
/** @} */

/** One resting order, as gw_book_snapshot() lists them. */
struct gw_book_entry {
	int64_t price;
	uint64_t id;
	uint32_t leaves;
	uint32_t session;
	uint8_t side;
};

/**
 * List the resting orders: bids best to worst, each level oldest first,
 * then asks the same way.
 *
 * @return
 *   The number of resting orders (entries beyond @p max are not written).
 */
uint32_t gw_book_snapshot(
	const struct gw_book *b, struct gw_book_entry *out, uint32_t max);

/** Resting orders. */
uint32_t gw_book_orders(const struct gw_book *b);

/** Price levels on @p side (enum gw_side). */
uint32_t gw_book_depth(const struct gw_book *b, uint8_t side);

/**
 * Check every invariant (sorted levels, level totals and counts, FIFO
 * links, map entries): for tests.
 *
 * @return
 *   0, or -1 after printing the first violation to stderr.
 */
int gw_book_check(const struct gw_book *b);

/**
 * The three requests behind function pointers, so the engine drives this
 * book and the tests' reference book alike.
 */
struct gw_market_ops {
	void (*new_order)(void *book, const struct gw_msg *req, uint64_t ts,
		const struct gw_sink *sink);
	void (*cancel)(void *book, const struct gw_msg *req, uint64_t ts,
		const struct gw_sink *sink);
	void (*replace)(void *book, const struct gw_msg *req, uint64_t ts,
		const struct gw_sink *sink);
	/** Optional: warm the caches for a burst (gw_book_prefetch_burst). */
	void (*prefetch)(void *const *books, const struct gw_msg *const *reqs,
		unsigned int n);
};

/**
 * Prefetch what handling each request of a burst will touch first (map
 * slot, node, order and level, or the best opposite level), in passes so
 * that the misses overlap. @p books[i] is the book of @p reqs[i]. A hint:
 * nothing is changed.
 */
void gw_book_prefetch_burst(
	void *const *books, const struct gw_msg *const *reqs, unsigned int n);

/** Requests gw_book_prefetch_burst() looks at; the rest are not. */
#define GW_BOOK_PREFETCH_MAX 64

/** gw_book_new(), gw_book_cancel(), gw_book_replace() and the prefetch. */
extern const struct gw_market_ops gw_book_ops;

/** Trade id of the @p n th trade (from 1) of symbol @p sym_idx. */
static inline uint64_t
gw_trade_id(uint32_t sym_idx, uint64_t n)
{
	return ((uint64_t)(sym_idx + 1) << 40) | n;
}

#endif /* GW_BOOK_H */
