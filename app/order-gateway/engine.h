/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The lfpool authors
 */

#ifndef GW_ENGINE_H
#define GW_ENGINE_H

/**
 * @file
 * The session layer of one worker: a received frame goes in, the response
 * messages come out, addressed. It parses, answers malformed requests,
 * finds the symbol's book (one of this worker's shard), hands the request
 * to it, and stamps every response with its book's sequence number and
 * its session's address (learned from that session's requests).
 *
 * The books are driven through struct gw_market_ops, so the tests run the
 * same engine over the reference book. One engine per lcore; only its
 * counters are read by other threads (relaxed loads).
 */

#include <stdint.h>

#include "book.h"
#include "proto.h"

/** @name Symbol table
 * The tradable symbols, fixed at start-up and shared read-only by every
 * worker: index <-> wire symbol, and the shard that owns a symbol.
 * @{
 */
struct gw_symtab;

/**
 * Create a table of @p n generated symbols: distinct 4-letter names
 * (symbol i is gw_symtab_symbol(t, i)).
 *
 * @return
 *   The table, or NULL with rte_errno set: EINVAL (n is 0 or above
 *   GW_SYMTAB_MAX), ENOMEM.
 */
struct gw_symtab *gw_symtab_create(uint32_t n, int socket);
void gw_symtab_free(struct gw_symtab *t);

#define GW_SYMTAB_MAX 65536

uint32_t gw_symtab_count(const struct gw_symtab *t);
uint64_t gw_symtab_symbol(const struct gw_symtab *t, uint32_t idx);

/** Index of a wire symbol, or -1. */
int gw_symtab_find(const struct gw_symtab *t, uint64_t symbol);

/** Shard (worker) in [0, @p nshards) that owns a symbol: by hash. */
uint32_t gw_symtab_shard(uint64_t symbol, uint32_t nshards);
/** @} */

/** @name Sessions
 * Each session's LOGON token (from the configuration) and, once it has
 * logged on, the source (IPv4 address, UDP port) it is bound to. Shared
 * by every worker's engine: a LOGON handled by one binds the session for
 * all. The binding is one 64-bit word, written and read with relaxed
 * atomics (the value is all there is to see; no other data depends on
 * it).
 * @{
 */
struct gw_sessions {
	uint8_t token[GW_PROTO_SESSIONS][GW_PROTO_TOKEN_LEN];
	bool has_token[GW_PROTO_SESSIONS];
	uint64_t bound[GW_PROTO_SESSIONS]; /**< 0: not logged on */
};

/** No tokens, nothing bound. */
void gw_sessions_init(struct gw_sessions *s);

/** Give session @p session (1..255) its token. */
void gw_sessions_set_token(struct gw_sessions *s, uint32_t session,
	const uint8_t token[GW_PROTO_TOKEN_LEN]);

/**
 * Random tokens (getrandom()) for sessions 1 .. @p n: the embedded flow's
 * default, which no outside client can know.
 *
 * @return
 *   0, or a negative errno.
 */
int gw_sessions_random(struct gw_sessions *s, uint32_t n);

/**
 * Read tokens from a file of lines "SESSION TOKEN" (session 1..255, token
 * 32 hex digits; '#' starts a comment). A bad line is reported on stderr
 * with its number.
 *
 * @return
 *   0, or -1 after a message.
 */
int gw_sessions_load(struct gw_sessions *s, const char *path);
/** @} */

/**
 * Counters of one engine. Written only by the owning lcore (relaxed
 * stores, no read-modify-write); read by anyone with relaxed loads.
 */
struct gw_engine_stats {
	uint64_t frames;      /**< Frames handed to the engine. */
	uint64_t requests[5]; /**< Valid requests by type (1..4). */
	uint64_t responses;
	uint64_t accepted;
	uint64_t rejected;
	uint64_t executions; /**< EXECUTED messages (2 per trade). */
	uint64_t trades;
	uint64_t cancelled;
	uint64_t rejects[GW_REJ_MAX];
	uint64_t drops[GW_DROP_MAX];
};

/**
 * Add to a counter that only the calling lcore writes: a relaxed store of
 * the new value is enough (no read-modify-write). It pairs with the
 * relaxed loads of the statistics readers, which need no ordering with
 * anything else.
 */
static inline void
gw_stat_add(uint64_t *c, uint64_t n)
{
	__atomic_store_n(c, *c + n, __ATOMIC_RELAXED);
}

/** Read a counter of another lcore: pairs with gw_stat_add(). */
static inline uint64_t
gw_stat_load(const uint64_t *c)
{
	return __atomic_load_n(c, __ATOMIC_RELAXED);
}

/** Output of an engine: one encoded response per call. */
typedef void (*gw_engine_out_t)(
	void *ctx, const struct gw_msg *m, const struct gw_endpoint *dst);

struct gw_engine_conf {
	const struct gw_symtab *symtab;
	struct gw_endpoint local; /**< Our address (parse, encode). */
	const struct gw_market_ops *ops;
	gw_engine_out_t out;
	void *out_ctx;
	int socket;
	/**
	 * Tokens and bindings; NULL: every session is open without a
	 * LOGON (the unit tests and the book benchmark only).
	 */
	struct gw_sessions *sessions;
};

struct gw_engine {
	const struct gw_symtab *symtab;
	const struct gw_market_ops *ops;
	gw_engine_out_t out;
	void *out_ctx;
	void **books;  /* [symbols]: NULL unless this shard's */
	uint32_t *seq; /* [symbols]: last book sequence number */
	struct gw_sink sink;
	/* The request being handled. */
	uint32_t cur_sym;
	uint32_t cur_session;
	const struct gw_endpoint *cur_peer;
	struct gw_endpoint local;
	struct gw_sessions *auth; /* NULL: no LOGON needed */
	/* Each session's full address (MAC too), learned on this worker. */
	struct gw_endpoint sessions[GW_PROTO_SESSIONS];
	struct gw_engine_stats st;
};

/**
 * Initialise an engine with no books.
 *
 * @return
 *   0, or -EINVAL / -ENOMEM (rte_errno set).
 */
int gw_engine_init(struct gw_engine *e, const struct gw_engine_conf *conf);

/** Free the engine's tables (not the books). */
void gw_engine_fini(struct gw_engine *e);

/** Make @p book (NULL: none) the book of symbol @p idx. */
void gw_engine_set_book(struct gw_engine *e, uint32_t idx, void *book);

/** Frames handled per pass of gw_engine_burst(); more are split. */
#define GW_ENGINE_BURST 64

/**
 * Handle received frames, in order: parse, dispatch, emit the responses
 * through the output callback, count. All frames are parsed first and
 * the books asked to prefetch (gw_market_ops.prefetch), then each is
 * handled.
 *
 * @param ts
 *   Time stamp for the objects created (TSC at receive).
 */
void gw_engine_burst(struct gw_engine *e, const void *const *frames,
	const uint32_t *lens, unsigned int n, uint64_t ts);

/** gw_engine_burst() of one frame. */
void gw_engine_frame(
	struct gw_engine *e, const void *frame, uint32_t len, uint64_t ts);

/** Add @p src's counters into @p dst (relaxed loads of @p src). */
void gw_engine_stats_add(
	struct gw_engine_stats *dst, const struct gw_engine_stats *src);

#endif /* GW_ENGINE_H */
