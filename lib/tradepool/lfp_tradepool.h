/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The lfpool authors
 */

#ifndef LFP_TRADEPOOL_H
#define LFP_TRADEPOOL_H

/**
 * @file
 * lfpool typed trading pools: Order, Trade, OrderNode, PriceLevel and raw
 * buffers (64 B to 4 KiB) from per-socket mempools, initialised in place,
 * with no heap allocation on the trading path.
 *
 * A struct lfp_tp_pools holds, for each socket it serves, one mempool per
 * object type (lfp_tp_create()). Each EAL lcore is bound at creation to the
 * pools of one socket, chosen by lib/numa's placement policy on the
 * lcore's NUMA node: that node's own memory, or with
 * LFP_TP_POLICY_LOCAL_PREFERRED the nearest node that has memory when its
 * own has none. Constructors take from the calling lcore's socket; the
 * matching _free() returns the object to the pool it came from, whichever
 * lcore frees it. Buffer classes are lib/numa's size classes.
 *
 * Threading: the constructors and _free() functions may run concurrently
 * on any EAL lcore and on registered non-EAL threads; each lcore uses its
 * mempool cache and its own counter row (relaxed stores, no atomic
 * read-modify-write). Threads without an lcore id work too, without a
 * cache, sharing one counter row under a spinlock: slower, not for the
 * trading path. Like rte_mempool, the fast path must not be preempted in
 * the middle by another thread of the same lcore.
 *
 * The pools and their registry live in this process: secondary processes
 * cannot look them up.
 *
 *   call                         | concurrent with fast path | control path
 *   -----------------------------+---------------------------+-------------
 *   lfp_tp_*_create/_free        |            yes            |     yes
 *   lfp_tp_buf_get/_put          |            yes            |     yes
 *   lfp_tp_stats_get             |            yes            |     yes
 *   lfp_tp_warmup_lcore          |            yes            |     yes
 *   lfp_tp_warmup                | main lcore, workers idle  |     --
 *   lfp_tp_create / lfp_tp_free  | no object may be in use   |     --
 *
 * Objects are plain C structs; their fields belong to the application
 * after construction, except those marked "internal" (tp_slot, which the
 * matching free reads to find the pool: do not memset a whole object).
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <rte_common.h>

#ifdef __cplusplus
extern "C" {
#endif

/** Longest symbol, in printable characters (no terminating NUL needed). */
#define LFP_TP_SYMBOL_LEN 16
/** Longest pools name, including the terminating NUL. */
#define LFP_TP_NAMESIZE 13
/** Number of raw buffer classes: 64, 128, ..., 4096 bytes. */
#define LFP_TP_BUF_CLASSES 7
/** Smallest and largest buffer class, in bytes. */
#define LFP_TP_BUF_MIN 64
#define LFP_TP_BUF_MAX 4096
/** Ask lfp_tp_create() to choose the per-lcore cache size. */
#define LFP_TP_CACHE_AUTO UINT32_MAX
/** Default mempool ops (the lfpool driver). */
#define LFP_TP_OPS_DEFAULT "lfpool"

/** Order side. Zero is not a side, so a zeroed object is not valid. */
enum lfp_tp_side {
	LFP_TP_SIDE_BUY = 1,
	LFP_TP_SIDE_SELL = 2,
};

/** Order type. */
enum lfp_tp_order_type {
	LFP_TP_ORDER_LIMIT = 1,	 /**< Rests at its limit price. */
	LFP_TP_ORDER_MARKET = 2, /**< Takes any price; never rests. */
	LFP_TP_ORDER_IOC = 3,	 /**< Limit, immediate-or-cancel. */
	LFP_TP_ORDER_FOK = 4,	 /**< Limit, fill-or-kill. */
};

/** Order life cycle, kept by the application; constructors set NEW. */
enum lfp_tp_order_state {
	LFP_TP_STATE_NEW = 1,
	LFP_TP_STATE_PARTIAL = 2,
	LFP_TP_STATE_FILLED = 3,
	LFP_TP_STATE_CANCELLED = 4,
	LFP_TP_STATE_REJECTED = 5,
};

/** Object types, one mempool each per socket. */
enum lfp_tp_type {
	LFP_TP_TYPE_ORDER,
	LFP_TP_TYPE_TRADE,
	LFP_TP_TYPE_ORDER_NODE,
	LFP_TP_TYPE_PRICE_LEVEL,
	LFP_TP_TYPE_BUF_64, /**< First of LFP_TP_BUF_CLASSES buffer types. */
	LFP_TP_TYPE_BUF_128,
	LFP_TP_TYPE_BUF_256,
	LFP_TP_TYPE_BUF_512,
	LFP_TP_TYPE_BUF_1024,
	LFP_TP_TYPE_BUF_2048,
	LFP_TP_TYPE_BUF_4096,
	LFP_TP_TYPE_MAX,
};

/**
 * Where the objects of an lcore's node come from when that node has no
 * memory: lib/numa's placement policy of the same name decides.
 */
enum lfp_tp_policy {
	/** Fail lfp_tp_create() naming the node without memory. */
	LFP_TP_POLICY_LOCAL_ONLY,
	/** Serve that node's lcores from the nearest node with memory. */
	LFP_TP_POLICY_LOCAL_PREFERRED,
};

/**
 * A ticker symbol: up to LFP_TP_SYMBOL_LEN printable characters, padded
 * with NULs, compared as two words. Build it with lfp_tp_symbol_set().
 * Print it with "%.*s", LFP_TP_SYMBOL_LEN, sym.c.
 */
struct lfp_tp_symbol {
	union {
		char c[LFP_TP_SYMBOL_LEN];
		uint64_t w[LFP_TP_SYMBOL_LEN / sizeof(uint64_t)];
	};
};

struct lfp_order_node;
struct lfp_price_level;
struct lfp_numa_topology;

/**
 * An order: one cache line, everything matching reads or writes.
 * Quantities are in lots, prices in integer ticks.
 */
struct lfp_order {
	uint64_t id;	     /**< Exchange order id. */
	int64_t price;	     /**< Limit price in ticks (>= 0). */
	uint32_t qty;	     /**< Original quantity (> 0). */
	uint32_t filled_qty; /**< Quantity executed so far. */
	uint8_t side;	     /**< enum lfp_tp_side. */
	uint8_t type;	     /**< enum lfp_tp_order_type. */
	uint8_t state;	     /**< enum lfp_tp_order_state. */
	uint8_t tp_slot;     /**< Internal: socket slot of its pool. */
	uint32_t owner;	     /**< Owner / session id (0 at creation). */
	struct lfp_tp_symbol symbol;
	uint64_t ts_created; /**< Time stamp given at creation. */
	uint64_t ts_updated; /**< Last change; equals ts_created first. */
} __rte_cache_aligned;

/** An execution between a buy and a sell order; one cache line. */
struct lfp_trade {
	uint64_t id; /**< Trade (execution) id. */
	uint64_t buy_order_id;
	uint64_t sell_order_id;
	int64_t price;	 /**< Execution price in ticks (>= 0). */
	uint32_t qty;	 /**< Executed quantity (> 0). */
	uint8_t tp_slot; /**< Internal: socket slot of its pool. */
	uint8_t reserved[3];
	struct lfp_tp_symbol symbol;
	uint64_t ts; /**< Execution time stamp. */
} __rte_cache_aligned;

/**
 * An order's place in a price level's FIFO: an intrusive doubly linked
 * list node, so a cancel unlinks in O(1). A resting order is best found by
 * id through its node (node->order). One cache line, as the mempool gives
 * each object a line of its own anyway.
 */
struct lfp_order_node {
	struct lfp_order_node *prev; /**< Towards the FIFO head (older). */
	struct lfp_order_node *next; /**< Towards the FIFO tail (newer). */
	struct lfp_order *order;
	struct lfp_price_level *level; /**< The level it rests in. */
	uint64_t user;		       /**< Free for the book. */
	uint8_t tp_slot; /**< Internal: socket slot of its pool. */
	uint8_t reserved[23];
} __rte_cache_aligned;

/**
 * A price level of one side of a book: its FIFO of order nodes and the
 * links that chain levels in price order. One cache line.
 */
struct lfp_price_level {
	int64_t price;	      /**< Level price in ticks. */
	uint64_t total_qty;   /**< Sum of the open quantity resting. */
	uint32_t order_count; /**< Nodes in the FIFO. */
	uint8_t side;	      /**< enum lfp_tp_side. */
	uint8_t tp_slot;      /**< Internal: socket slot of its pool. */
	uint16_t reserved;
	struct lfp_order_node *head;  /**< Oldest order (matched first). */
	struct lfp_order_node *tail;  /**< Newest order. */
	struct lfp_price_level *prev; /**< Book link: better price. */
	struct lfp_price_level *next; /**< Book link: worse price. */
	uint64_t user;		      /**< Free for the book (e.g. an index). */
} __rte_cache_aligned;

/* The layouts above are part of the API: one cache line each, hot fields
 * first. A change that breaks this must be deliberate. */
_Static_assert(sizeof(struct lfp_tp_symbol) == LFP_TP_SYMBOL_LEN,
	"symbol is a fixed-size value");
_Static_assert(sizeof(struct lfp_order) == RTE_CACHE_LINE_SIZE &&
		_Alignof(struct lfp_order) == RTE_CACHE_LINE_SIZE,
	"an order is one cache line");
_Static_assert(sizeof(struct lfp_trade) == RTE_CACHE_LINE_SIZE &&
		_Alignof(struct lfp_trade) == RTE_CACHE_LINE_SIZE,
	"a trade is one cache line");
_Static_assert(sizeof(struct lfp_order_node) == RTE_CACHE_LINE_SIZE &&
		_Alignof(struct lfp_order_node) == RTE_CACHE_LINE_SIZE,
	"an order node is one cache line");
_Static_assert(sizeof(struct lfp_price_level) == RTE_CACHE_LINE_SIZE &&
		_Alignof(struct lfp_price_level) == RTE_CACHE_LINE_SIZE,
	"a price level is one cache line");
_Static_assert(
	LFP_TP_TYPE_BUF_4096 - LFP_TP_TYPE_BUF_64 + 1 == LFP_TP_BUF_CLASSES,
	"one type per buffer class");

/** Size and per-lcore cache of one object type's pools. */
struct lfp_tp_type_conf {
	uint32_t count;	     /**< Objects per socket; 0: no such pool. */
	uint32_t cache_size; /**< Per-lcore cache, or LFP_TP_CACHE_AUTO. */
};

/** Configuration of lfp_tp_create(); start from lfp_tp_conf_init(). */
struct lfp_tp_conf {
	/** Pools name, 1 to LFP_TP_NAMESIZE - 1 chars of [A-Za-z0-9_]. */
	char name[LFP_TP_NAMESIZE];
	/** Mempool ops name; default LFP_TP_OPS_DEFAULT ("lfpool"). */
	const char *ops_name;
	/**
	 * Sockets to serve, bit n for socket n; 0 (default): every socket
	 * that has an enabled lcore.
	 */
	uint64_t socket_mask;
	enum lfp_tp_policy policy; /**< Default LOCAL_PREFERRED. */
	/**
	 * NUMA topology from lib/numa (lfp_numa_topology_parse() for a
	 * what-if run); NULL (default): discovered at creation.
	 */
	const struct lfp_numa_topology *topology;
	struct lfp_tp_type_conf type[LFP_TP_TYPE_MAX];
};

/** Opaque set of per-socket typed pools. */
struct lfp_tp_pools;

/** Accounting of one type on one socket. */
struct lfp_tp_type_stats {
	uint32_t size;		 /**< Objects in the pool. */
	uint32_t in_use;	 /**< Objects out of the pool now. */
	uint32_t peak_in_use;	 /**< See lfp_tp_stats_get(). */
	uint32_t obj_size;	 /**< sizeof the object (buffer class). */
	uint64_t elt_footprint;	 /**< Bytes per object incl. header/pad. */
	uint64_t reserved_bytes; /**< Memory the pool holds (all chunks). */
	uint64_t in_use_bytes;	 /**< in_use * elt_footprint. */
	uint64_t allocs;	 /**< Successful constructor/get calls. */
	uint64_t frees;
	uint64_t failures; /**< Exhaustion (ENOBUFS) events. */
	double alloc_rate; /**< Allocs/s since the last stats call. */
	/**
	 * % of the pool's resident pages that the kernel reports on its
	 * socket; -1 when no page is resident (nothing touched yet).
	 */
	double numa_local_pct;
	uint64_t resident_pages; /**< Pages of the pool faulted in. */
};

/** Accounting of one socket slot. */
struct lfp_tp_socket_stats {
	int socket_id; /**< Socket whose memory backs the pools. */
	struct lfp_tp_type_stats type[LFP_TP_TYPE_MAX];
};

/** Everything lfp_tp_stats_get() reports. */
struct lfp_tp_stats {
	unsigned int nb_sockets;
	struct lfp_tp_socket_stats socket[RTE_MAX_NUMA_NODES];
	uint64_t reserved_bytes; /**< Sum over sockets and types. */
	uint64_t in_use_bytes;
	double reserved_mb; /**< reserved_bytes / 2^20. */
	double in_use_mb;
	uint64_t allocs;
	uint64_t frees;
	uint64_t failures;
	double alloc_rate;
	double numa_local_pct; /**< Over all resident pages; -1: none. */
};

/**
 * Fill @p conf with the defaults: name "tp", ops "lfpool", every socket
 * with an lcore, LOCAL_PREFERRED, Order 10,000, Trade 5,000, OrderNode
 * 10,000, PriceLevel 1,000, each buffer class 1,024, caches automatic.
 */
void lfp_tp_conf_init(struct lfp_tp_conf *conf);

/**
 * Create the pools: for each served socket and each type with count > 0,
 * one mempool named "<name>_<type>_s<socket>" on that socket's memory with
 * the configured ops. Must be called after rte_eal_init() by the main
 * lcore. The reason for any failure is logged with the pool's name.
 *
 * An automatic cache size is the largest up to 256 that lets every lcore
 * of the socket fill its cache (1.5 x cache_size objects, DPDK's flush
 * threshold) with objects left in the common pool; an explicit one that
 * does not fit that way is refused.
 *
 * @param conf
 *   The configuration; NULL for the defaults.
 * @return
 *   The pools, or NULL with rte_errno set:
 *   - EINVAL - bad name, count, cache size, socket mask or policy, or
 *     an lcore on no node of the NUMA topology.
 *   - ENODEV - a socket in the mask has no enabled lcore.
 *   - ENOMEM - an lcore's node has no memory and the policy allows no
 *     other (LOCAL_ONLY), or there is not enough memory.
 *   - EEXIST - pools or a mempool of that name already exist.
 *   - ENOENT - the ops name is not registered.
 *   - Any other errno the mempool ops returned when populating.
 */
struct lfp_tp_pools *lfp_tp_create(const struct lfp_tp_conf *conf);

/**
 * Free every mempool and the pools. Objects still out are lost; a warning
 * names each pool that is not full. NULL is allowed.
 */
void lfp_tp_free(struct lfp_tp_pools *pools);

/** Name given at creation. */
const char *lfp_tp_name(const struct lfp_tp_pools *pools);

/**
 * The mempool of @p type for @p socket_id (for tests, benchmarks and
 * rte_mempool_* queries), or NULL with rte_errno = ENOENT.
 */
struct rte_mempool *lfp_tp_mempool(
	const struct lfp_tp_pools *pools, enum lfp_tp_type type, int socket_id);

/** True when every mempool of @p pools holds all its objects. */
bool lfp_tp_full(const struct lfp_tp_pools *pools);

/**
 * Validate and store a symbol from a NUL-terminated string.
 *
 * @return
 *   0, or -EINVAL (rte_errno set) if @p str is NULL, empty, longer than
 *   LFP_TP_SYMBOL_LEN or has a character outside 0x20..0x7e.
 */
int lfp_tp_symbol_set(struct lfp_tp_symbol *sym, const char *str);

/**
 * As lfp_tp_symbol_set() for a fixed-width field of @p len bytes (a wire
 * format): the symbol ends at the first NUL or at @p len.
 */
int lfp_tp_symbol_set_n(struct lfp_tp_symbol *sym, const char *str, size_t len);

/** True when two symbols are equal. */
static inline bool
lfp_tp_symbol_eq(const struct lfp_tp_symbol *a, const struct lfp_tp_symbol *b)
{
	return a->w[0] == b->w[0] && a->w[1] == b->w[1];
}

/** tp_slot of an object that no tradepool pool owns (see *_init()). */
#define LFP_TP_SLOT_NONE UINT8_MAX

/**
 * Validate the arguments of an Order and initialise @p o in place, as
 * lfp_tp_order_create() does, for memory that is not from these pools (a
 * baseline allocator, a stack object). Such an order is marked
 * LFP_TP_SLOT_NONE and must not be given to lfp_tp_order_free().
 *
 * @return
 *   0, or -EINVAL (rte_errno set) for a NULL @p o or the arguments
 *   lfp_tp_order_create() refuses.
 */
int lfp_tp_order_init(struct lfp_order *o, uint64_t id,
	const struct lfp_tp_symbol *symbol, enum lfp_tp_side side,
	enum lfp_tp_order_type type, int64_t price, uint32_t qty, uint64_t ts);

/**
 * As lfp_tp_order_init() for a Trade: the checks and initialisation of
 * lfp_tp_trade_create(), on memory that is not from these pools.
 */
int lfp_tp_trade_init(struct lfp_trade *t, uint64_t id, uint64_t buy_order_id,
	uint64_t sell_order_id, const struct lfp_tp_symbol *symbol,
	int64_t price, uint32_t qty, uint64_t ts);

/**
 * Take an Order from the calling lcore's socket and initialise it:
 * filled_qty 0, state NEW, owner 0, ts_updated = ts_created = @p ts.
 *
 * @return
 *   The order, or NULL with rte_errno set:
 *   - EINVAL - NULL pools/symbol, empty symbol, unknown side or type,
 *     negative price, zero quantity.
 *   - ENOBUFS - the pool is exhausted (counted in the statistics).
 */
struct lfp_order *lfp_tp_order_create(struct lfp_tp_pools *pools, uint64_t id,
	const struct lfp_tp_symbol *symbol, enum lfp_tp_side side,
	enum lfp_tp_order_type type, int64_t price, uint32_t qty, uint64_t ts);

/**
 * Take a Trade and initialise it.
 *
 * @return
 *   The trade, or NULL with rte_errno set:
 *   - EINVAL - NULL pools/symbol, empty symbol, negative price, zero
 *     quantity, buy_order_id == sell_order_id.
 *   - ENOBUFS - the pool is exhausted.
 */
struct lfp_trade *lfp_tp_trade_create(struct lfp_tp_pools *pools, uint64_t id,
	uint64_t buy_order_id, uint64_t sell_order_id,
	const struct lfp_tp_symbol *symbol, int64_t price, uint32_t qty,
	uint64_t ts);

/**
 * Take an OrderNode for @p order, unlinked (prev, next, level NULL).
 *
 * @return
 *   The node, or NULL with rte_errno set:
 *   - EINVAL - NULL pools or order.
 *   - ENOBUFS - the pool is exhausted.
 */
struct lfp_order_node *lfp_tp_order_node_create(
	struct lfp_tp_pools *pools, struct lfp_order *order);

/**
 * Take an empty PriceLevel (no orders, unlinked, user 0).
 *
 * @return
 *   The level, or NULL with rte_errno set:
 *   - EINVAL - NULL pools, unknown side, negative price.
 *   - ENOBUFS - the pool is exhausted.
 */
struct lfp_price_level *lfp_tp_price_level_create(
	struct lfp_tp_pools *pools, enum lfp_tp_side side, int64_t price);

/**
 * Take a buffer of the smallest class that holds @p size bytes. Its
 * contents are not initialised.
 *
 * @return
 *   The buffer (64-byte aligned), or NULL with rte_errno set:
 *   - EINVAL - NULL pools, size 0 or above LFP_TP_BUF_MAX.
 *   - ENOBUFS - that class is exhausted (or has no pool).
 */
void *lfp_tp_buf_get(struct lfp_tp_pools *pools, size_t size);

/** @name Release
 * Return an object to its pool. NULL is allowed and ignored. The pointer
 * must come from the matching constructor of the same @p pools.
 * @{
 */
void lfp_tp_order_free(struct lfp_tp_pools *pools, struct lfp_order *o);
void lfp_tp_trade_free(struct lfp_tp_pools *pools, struct lfp_trade *t);
void lfp_tp_order_node_free(
	struct lfp_tp_pools *pools, struct lfp_order_node *n);
void lfp_tp_price_level_free(
	struct lfp_tp_pools *pools, struct lfp_price_level *l);
void lfp_tp_buf_put(struct lfp_tp_pools *pools, void *buf);
/** @} */

/**
 * Pre-touch every object of every pool (page faults at start-up, not
 * while trading), then prefill the per-lcore cache of the calling lcore
 * and of every idle worker lcore (launched with rte_eal_remote_launch()).
 * Call from the main lcore before the workers start trading.
 *
 * @return
 *   0, or a negative errno (rte_errno set):
 *   - EINVAL - NULL pools.
 *   - EBUSY - a worker lcore is not idle; it was not warmed (its own
 *     code may call lfp_tp_warmup_lcore()).
 *   - EPERM - not called from the main lcore.
 */
int lfp_tp_warmup(struct lfp_tp_pools *pools);

/**
 * Prefill the calling lcore's cache of every pool of its socket (get
 * cache_size objects of each type, then put them back).
 *
 * @return
 *   0, or -EINVAL (NULL pools or not an EAL/registered lcore).
 */
int lfp_tp_warmup_lcore(struct lfp_tp_pools *pools);

/**
 * Collect the statistics. in_use comes from the mempools' counts (per-lcore
 * caches included, so it is exact when no object is in flight); allocs,
 * frees and failures are the sums of the per-lcore counters. peak_in_use is
 * the sum over lcores of each lcore's high-water mark of (its allocs - its
 * frees), capped at the pool size: exact when objects are freed by the
 * lcore that took them (one owner per book), an upper bound otherwise.
 * alloc_rate covers the time since the previous lfp_tp_stats_get() on these
 * pools (by any caller, telemetry included) or since creation.
 * numa_local_pct is measured page by page with the kernel (move_pages()
 * on every page of the pool's memory), over the pages that are resident.
 *
 * @return
 *   0, or -EINVAL (rte_errno set) on a NULL argument.
 */
int lfp_tp_stats_get(struct lfp_tp_pools *pools, struct lfp_tp_stats *stats);

/** Print the statistics as a table (control path). */
void lfp_tp_stats_dump(FILE *f, struct lfp_tp_pools *pools);

/** Find pools by name; NULL with rte_errno = ENOENT if there are none. */
struct lfp_tp_pools *lfp_tp_lookup(const char *name);

/** @name Scope-based release
 * LFP_TP_SCOPED_ORDER(o, pools, lfp_tp_order_create(pools, ...)); declares
 * `struct lfp_order *o` initialised from the expression, and gives it back
 * to @p pools when the enclosing block ends (return, break and goto
 * included), unless ownership was taken with lfp_tp_take(o), which
 * returns the pointer and leaves NULL in o. A NULL o is ignored.
 *
 * The pools expression is evaluated once, at the declaration.
 * @{
 */

/** Scope guard; internal to the LFP_TP_SCOPED_* macros. */
#define LFP_TP_GUARD_TYPE(kind, ctype) \
	struct lfp_tp_guard_##kind { \
		struct lfp_tp_pools *pools; \
		ctype **ref; \
	}; \
	static inline void lfp_tp_guard_##kind##_release( \
		struct lfp_tp_guard_##kind *g) \
	{ \
		lfp_tp_##kind##_free(g->pools, *g->ref); \
	}

LFP_TP_GUARD_TYPE(order, struct lfp_order)
LFP_TP_GUARD_TYPE(trade, struct lfp_trade)
LFP_TP_GUARD_TYPE(order_node, struct lfp_order_node)
LFP_TP_GUARD_TYPE(price_level, struct lfp_price_level)

/* Buffers are released through lfp_tp_buf_put(); same shape. */
struct lfp_tp_guard_buf {
	struct lfp_tp_pools *pools;
	void **ref;
};
static inline void
lfp_tp_guard_buf_release(struct lfp_tp_guard_buf *g)
{
	lfp_tp_buf_put(g->pools, *g->ref);
}

/** The compiler's cleanup attribute, named once here. */
#define LFP_TP_CLEANUP(fn) __attribute__((cleanup(fn)))

/** Declare @p var of type @p ctype * released to @p pools at scope end. */
#define LFP_TP_SCOPED(kind, ctype, var, pools, init) \
	ctype *var = (init); \
	struct lfp_tp_guard_##kind lfp_tp_guard_##var LFP_TP_CLEANUP( \
		lfp_tp_guard_##kind##_release) = {(pools), &var}

#define LFP_TP_SCOPED_ORDER(var, pools, init) \
	LFP_TP_SCOPED(order, struct lfp_order, var, pools, init)
#define LFP_TP_SCOPED_TRADE(var, pools, init) \
	LFP_TP_SCOPED(trade, struct lfp_trade, var, pools, init)
#define LFP_TP_SCOPED_ORDER_NODE(var, pools, init) \
	LFP_TP_SCOPED(order_node, struct lfp_order_node, var, pools, init)
#define LFP_TP_SCOPED_PRICE_LEVEL(var, pools, init) \
	LFP_TP_SCOPED(price_level, struct lfp_price_level, var, pools, init)
#define LFP_TP_SCOPED_BUF(var, pools, init) \
	LFP_TP_SCOPED(buf, void, var, pools, init)

/**
 * Take ownership of a scoped object: evaluates to its pointer and leaves
 * NULL in @p var, so the scope's end releases nothing.
 */
#define lfp_tp_take(var) \
	__extension__({ \
		__typeof__(var) lfp_tp_taken_ = (var); \
		(var) = NULL; \
		lfp_tp_taken_; \
	})
/** @} */

#ifdef __cplusplus
}
#endif

#endif /* LFP_TRADEPOOL_H */
