/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The lfpool authors
 */

#ifndef GW_ORDMAP_H
#define GW_ORDMAP_H

/**
 * @file
 * Live orders by (symbol index, order id), for cancel and replace: an
 * open-addressing table with linear probing and backward-shift deletion
 * (no tombstones, so probes stay short however long the run), sized once
 * at creation for a maximum number of live orders, at a load factor of at
 * most 1/2. Nothing is allocated after creation.
 *
 * Why not rte_hash: one owner per table (the worker that owns the books),
 * so its lock-free reader support buys nothing, and a lookup here is one
 * hash and usually one cache line, where rte_hash's cuckoo buckets and key
 * store cost two or three.
 *
 * The symbol index of an entry is kept in its node's user field (written
 * by gw_ordmap_add()): the book must leave that field alone while the
 * order is in the table.
 *
 * Single-threaded: a table belongs to one lcore.
 */

#include <stdint.h>

struct lfp_order_node;
struct gw_ordmap;

/**
 * Create a table for up to @p capacity live orders on @p socket's memory.
 *
 * @return
 *   The table, or NULL with rte_errno set: EINVAL (capacity 0 or above
 *   2^30), ENOMEM.
 */
struct gw_ordmap *gw_ordmap_create(uint32_t capacity, int socket);

/** Free a table (NULL allowed); the nodes it points to are not touched. */
void gw_ordmap_free(struct gw_ordmap *m);

/** The node of a live order, or NULL. */
struct lfp_order_node *gw_ordmap_find(
	const struct gw_ordmap *m, uint32_t sym, uint64_t id);

/**
 * Add a live order.
 *
 * @return
 *   0, -EEXIST if the key is present, -ENOSPC if the table holds
 *   capacity orders already (rte_errno set).
 */
int gw_ordmap_add(struct gw_ordmap *m, uint32_t sym, uint64_t id,
	struct lfp_order_node *node);

/** Remove a key; returns 0, or -ENOENT if absent (rte_errno set). */
int gw_ordmap_del(struct gw_ordmap *m, uint32_t sym, uint64_t id);

/** Start loading the slot where the search for @p id begins. */
void gw_ordmap_prefetch(const struct gw_ordmap *m, uint64_t id);

/**
 * The node of the first entry with this id, whatever its symbol, without
 * reading any node: a prefetch hint, not a lookup.
 */
struct lfp_order_node *gw_ordmap_peek(const struct gw_ordmap *m, uint64_t id);

/** Live orders in the table. */
uint32_t gw_ordmap_count(const struct gw_ordmap *m);

/** True when an add would fail with -ENOSPC. */
int gw_ordmap_full(const struct gw_ordmap *m);

#endif /* GW_ORDMAP_H */
