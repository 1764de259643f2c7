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
 * Order ids are the client's choice, so the home slot comes from a keyed
 * hash (SipHash-1-3 of the id, key drawn from getrandom() at creation)
 * plus the symbol index times an odd constant: a client cannot choose ids
 * that share a slot, and one id in many symbols spreads over the table.
 * GW_ORDMAP_UNKEYED keeps the former public mixer of the id alone, only
 * as the benchmark's baseline and to show the flood it allows
 * (gw_ordmap_unkeyed_preimage()).
 *
 * Why not rte_hash: one owner per table (the worker that owns the books),
 * so its lock-free reader support buys nothing, and a lookup here is one
 * hash and usually one cache line, where rte_hash's cuckoo buckets and key
 * store cost two or three.
 *
 * A slot keeps the symbol index and the home slot beside the id, so a
 * lookup compares keys and a delete moves entries without reading a node
 * or hashing again.
 *
 * Single-threaded: a table belongs to one lcore.
 */

#include <stdint.h>

#include "siphash.h"

struct lfp_order_node;
struct gw_ordmap;

/** How a table finds an id's home slot. */
enum gw_ordmap_hash {
	GW_ORDMAP_KEYED = 0, /**< SipHash-1-3 with a secret key. */
	GW_ORDMAP_UNKEYED,   /**< Public mixer: benchmark baseline only. */
};

/**
 * Create a keyed table (a random key) for up to @p capacity live orders
 * on @p socket's memory.
 *
 * @return
 *   The table, or NULL with rte_errno set: EINVAL (capacity 0 or above
 *   2^30), ENOMEM, or the errno of getrandom().
 */
struct gw_ordmap *gw_ordmap_create(uint32_t capacity, int socket);

/**
 * gw_ordmap_create() with a choice of hash and, for GW_ORDMAP_KEYED, of
 * key (NULL: drawn from getrandom(); a fixed key makes a test's probe
 * counts exact).
 */
struct gw_ordmap *gw_ordmap_create_hashed(uint32_t capacity, int socket,
	enum gw_ordmap_hash hash, const struct gw_sipkey *key);

/** Free a table (NULL allowed); the nodes it points to are not touched. */
void gw_ordmap_free(struct gw_ordmap *m);

/** The node of a live order, or NULL (counts its probes). */
struct lfp_order_node *gw_ordmap_find(
	struct gw_ordmap *m, uint32_t sym, uint64_t id);

/**
 * Add a live order. The table keeps the key's home slot in node->user
 * until the node is deleted, for gw_ordmap_del_node().
 *
 * @return
 *   0, -EEXIST if the key is present, -ENOSPC if the table holds
 *   capacity orders already (rte_errno set).
 */
int gw_ordmap_add(struct gw_ordmap *m, uint32_t sym, uint64_t id,
	struct lfp_order_node *node);

/** Remove a key; returns 0, or -ENOENT if absent (rte_errno set). */
int gw_ordmap_del(struct gw_ordmap *m, uint32_t sym, uint64_t id);

/**
 * Remove the entry of @p node (added with gw_ordmap_add() under @p sym and
 * node->order->id) without hashing: its home slot is in node->user. A
 * maker that trades or is purged long after its add is no longer among
 * the recently hashed keys, and SipHash would cost more than the delete.
 * Returns as gw_ordmap_del().
 */
int gw_ordmap_del_node(
	struct gw_ordmap *m, uint32_t sym, const struct lfp_order_node *node);

/** Most keys gw_ordmap_prefetch_burst() takes at once. */
#define GW_ORDMAP_BURST_MAX 64

/**
 * Start loading the slot where the search for each key of a burst begins
 * (key i in maps[i]), up to GW_ORDMAP_BURST_MAX. When they all go to one
 * keyed table (a worker's books share one), their SipHashes are computed
 * side by side
 * (gw_siphash13_u64_many()), and every home is kept for the lookups that
 * follow. The arrays are read only (not const: gcc 12 then warns about
 * callers' arrays it cannot see filled).
 */
void gw_ordmap_prefetch_burst(struct gw_ordmap **maps, uint32_t *syms,
	uint64_t *ids, unsigned int n);

/**
 * The node of the key (as gw_ordmap_find()), without counting probes: a
 * prefetch hint for the burst's first pass.
 */
struct lfp_order_node *gw_ordmap_peek(
	struct gw_ordmap *m, uint32_t sym, uint64_t id);

/**
 * Slots examined by find, add and delete since creation (each lookup
 * counts its home slot and every slot after it that it reads; a delete
 * adds the slots its backward shift reads). Probes per operation are what
 * a hash flood drives up: linear in the number of colliding keys.
 */
uint64_t gw_ordmap_probes(const struct gw_ordmap *m);

/** Slots in the table (a power of 2, at least twice the capacity). */
uint32_t gw_ordmap_slots(const struct gw_ordmap *m);

/**
 * The id whose GW_ORDMAP_UNKEYED hash is @p h: the mixer is a bijection,
 * so ids k * gw_ordmap_slots() for k = 1, 2, ... all share home slot 0.
 * For the flood benchmark and its test.
 */
uint64_t gw_ordmap_unkeyed_preimage(uint64_t h);

/** Live orders in the table. */
uint32_t gw_ordmap_count(const struct gw_ordmap *m);

/** True when an add would fail with -ENOSPC. */
int gw_ordmap_full(const struct gw_ordmap *m);

#endif /* GW_ORDMAP_H */
