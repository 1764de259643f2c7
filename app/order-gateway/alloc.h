/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The lfpool authors
 */

#ifndef GW_ALLOC_H
#define GW_ALLOC_H

/**
 * @file
 * Where the matching engine gets its objects: an ops table, so one book
 * runs on the lfpool typed pools (lib/tradepool, the gateway) and on
 * malloc (the benchmark's baseline, and the tests' leak counter).
 *
 * The ops mirror lib/tradepool's constructors and _free() functions: a
 * create returns an initialised object or NULL with rte_errno set.
 */

#include <stdbool.h>
#include <stdint.h>

#include <lfp_tradepool.h>

struct gw_alloc_ops {
	struct lfp_order *(*order_create)(void *ctx, uint64_t id,
		const struct lfp_tp_symbol *symbol, enum lfp_tp_side side,
		enum lfp_tp_order_type type, int64_t price, uint32_t qty,
		uint64_t ts);
	void (*order_free)(void *ctx, struct lfp_order *o);
	struct lfp_trade *(*trade_create)(void *ctx, uint64_t id,
		uint64_t buy_id, uint64_t sell_id,
		const struct lfp_tp_symbol *symbol, int64_t price, uint32_t qty,
		uint64_t ts);
	void (*trade_free)(void *ctx, struct lfp_trade *t);
	struct lfp_order_node *(*node_create)(
		void *ctx, struct lfp_order *order);
	void (*node_free)(void *ctx, struct lfp_order_node *n);
	struct lfp_price_level *(*level_create)(
		void *ctx, enum lfp_tp_side side, int64_t price);
	void (*level_free)(void *ctx, struct lfp_price_level *l);
};

/** An allocator: ops plus their context. */
struct gw_alloc {
	const struct gw_alloc_ops *ops;
	void *ctx;
};

/** Object kinds, for the malloc allocator's accounting. */
enum gw_obj {
	GW_OBJ_ORDER,
	GW_OBJ_TRADE,
	GW_OBJ_NODE,
	GW_OBJ_LEVEL,
	GW_OBJ_MAX,
};

/**
 * State of the malloc allocator: objects out per kind, and an optional
 * cap per kind (0: none) so tests can exhaust it. Single-threaded.
 */
struct gw_malloc_ctx {
	uint64_t in_use[GW_OBJ_MAX];
	uint64_t limit[GW_OBJ_MAX];
	uint64_t failures;
	/*
	 * Plain malloc() rather than aligned_alloc(64): the baseline an
	 * application would write (glibc's aligned_alloc costs about 40 %
	 * of a book run). The objects then have malloc's 16-byte alignment,
	 * not their declared 64: the benchmark only, never under UBSan.
	 */
	bool plain;
};

/** Allocate from lfpool typed pools: the ops are lfp_tp_*. */
void gw_alloc_tp_init(struct gw_alloc *a, struct lfp_tp_pools *pools);

/** Allocate with aligned_alloc() (or malloc(), ctx->plain)/free() and
 * count in @p ctx.
 */
void gw_alloc_malloc_init(struct gw_alloc *a, struct gw_malloc_ctx *ctx);

/** Objects out of a malloc allocator, all kinds. */
uint64_t gw_alloc_malloc_in_use(const struct gw_malloc_ctx *ctx);

#endif /* GW_ALLOC_H */
