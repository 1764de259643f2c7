/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The lfpool authors
 */

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <rte_common.h>
#include <rte_errno.h>
#include <rte_malloc.h>

#include "engine.h"
#include "siphash.h"

/* Symbol table. */

#define NAME_LEN 4
#define NAME_SPACE (26 * 26 * 26 * 26)
/* Prime, so i * NAME_STRIDE mod 26^4 is a permutation: names look random
 * but are distinct. */
#define NAME_STRIDE 104729

struct symtab_slot {
	uint64_t symbol;
	uint32_t idx1; /* index + 1; 0: empty */
};

struct gw_symtab {
	uint32_t n;
	uint32_t mask;
	/* Lookups hash symbols a client sends: keyed, as gw_ordmap. */
	struct gw_sip13_pre sip;
	uint64_t *symbols;
	struct symtab_slot *slots;
};

static_assert(GW_SYMTAB_MAX <= NAME_SPACE, "enough names");

static inline uint64_t
mix(uint64_t z)
{
	z = (z ^ (z >> 30)) * UINT64_C(0xBF58476D1CE4E5B9);
	z = (z ^ (z >> 27)) * UINT64_C(0x94D049BB133111EB);
	return z ^ (z >> 31);
}

uint32_t
gw_symtab_shard(uint64_t symbol, uint32_t nshards)
{
	return (uint32_t)((mix(symbol) >> 32) % nshards);
}

static inline uint32_t
symtab_home(const struct gw_symtab *t, uint64_t symbol)
{
	return (uint32_t)gw_siphash13_u64_pre(&t->sip, symbol) & t->mask;
}

static uint64_t
make_name(uint32_t i)
{
	uint32_t v = (uint32_t)(((uint64_t)i * NAME_STRIDE) % NAME_SPACE);
	char s[NAME_LEN + 1];
	int k;

	for (k = NAME_LEN - 1; k >= 0; k--) {
		s[k] = (char)('A' + v % 26);
		v /= 26;
	}
	s[NAME_LEN] = '\0';
	return gw_symbol_pack(s);
}

struct gw_symtab *
gw_symtab_create(uint32_t n, int socket)
{
	struct gw_sipkey key;
	struct gw_symtab *t;
	uint32_t i, h;
	int rc;

	if (n == 0 || n > GW_SYMTAB_MAX) {
		rte_errno = EINVAL;
		return NULL;
	}
	t = rte_zmalloc_socket("gw_symtab", sizeof(*t), 0, socket);
	if (t == NULL)
		goto no_mem;
	t->n = n;
	t->mask = rte_align32pow2(n * 2) - 1;
	rc = gw_sipkey_random(&key);
	if (rc < 0) {
		gw_symtab_free(t);
		rte_errno = -rc;
		return NULL;
	}
	gw_sip13_prepare(&t->sip, &key);
	t->symbols = rte_zmalloc_socket("gw_symtab_names",
		n * sizeof(*t->symbols), RTE_CACHE_LINE_SIZE, socket);
	t->slots = rte_zmalloc_socket("gw_symtab_slots",
		(t->mask + 1) * sizeof(*t->slots), RTE_CACHE_LINE_SIZE, socket);
	if (t->symbols == NULL || t->slots == NULL)
		goto no_tables;
	for (i = 0; i < n; i++) {
		t->symbols[i] = make_name(i);
		h = symtab_home(t, t->symbols[i]);
		while (t->slots[h].idx1 != 0)
			h = (h + 1) & t->mask;
		t->slots[h] = (struct symtab_slot){t->symbols[i], i + 1};
	}
	return t;

no_tables:
	gw_symtab_free(t);
no_mem:
	rte_errno = ENOMEM;
	return NULL;
}

void
gw_symtab_free(struct gw_symtab *t)
{
	if (t == NULL)
		return;
	rte_free(t->symbols);
	rte_free(t->slots);
	rte_free(t);
}

uint32_t
gw_symtab_count(const struct gw_symtab *t)
{
	return t->n;
}

uint64_t
gw_symtab_symbol(const struct gw_symtab *t, uint32_t idx)
{
	return t->symbols[idx];
}

int
gw_symtab_find(const struct gw_symtab *t, uint64_t symbol)
{
	uint32_t h = symtab_home(t, symbol);

	while (t->slots[h].idx1 != 0) {
		if (t->slots[h].symbol == symbol)
			return (int)t->slots[h].idx1 - 1;
		h = (h + 1) & t->mask;
	}
	return -1;
}

/* Sessions. */

void
gw_sessions_init(struct gw_sessions *s)
{
	memset(s, 0, sizeof(*s));
}

void
gw_sessions_set_token(struct gw_sessions *s, uint32_t session,
	const uint8_t token[GW_PROTO_TOKEN_LEN])
{
	memcpy(s->token[session], token, GW_PROTO_TOKEN_LEN);
	s->has_token[session] = true;
}

int
gw_sessions_random(struct gw_sessions *s, uint32_t n)
{
	uint8_t token[GW_PROTO_TOKEN_LEN];
	struct gw_sipkey k; /* 16 random bytes */
	uint32_t i;
	int rc;

	RTE_BUILD_BUG_ON(sizeof(k) != GW_PROTO_TOKEN_LEN);
	for (i = 1; i <= n && i < GW_PROTO_SESSIONS; i++) {
		rc = gw_sipkey_random(&k);
		if (rc < 0)
			return rc;
		memcpy(token, &k, sizeof(token));
		gw_sessions_set_token(s, i, token);
	}
	return 0;
}

/* 32 hex digits into a token; -1 if @p hex is anything else. */
static int
parse_token(const char *hex, uint8_t token[GW_PROTO_TOKEN_LEN])
{
	unsigned int i, v;

	if (strlen(hex) != 2 * GW_PROTO_TOKEN_LEN)
		return -1;
	for (i = 0; i < GW_PROTO_TOKEN_LEN; i++) {
		if (!isxdigit((unsigned char)hex[2 * i]) ||
			!isxdigit((unsigned char)hex[2 * i + 1]) ||
			sscanf(hex + 2 * i, "%2x", &v) != 1)
			return -1;
		token[i] = (uint8_t)v;
	}
	return 0;
}

int
gw_sessions_load(struct gw_sessions *s, const char *path)
{
	uint8_t token[GW_PROTO_TOKEN_LEN];
	char line[256], hex[64], extra[2];
	unsigned int lineno = 0, session;
	FILE *f = fopen(path, "r");
	int n, ret = 0;

	if (f == NULL) {
		fprintf(stderr, "--session-tokens: cannot read '%s': %s\n",
			path, strerror(errno));
		return -1;
	}
	while (ret == 0 && fgets(line, sizeof(line), f) != NULL) {
		lineno++;
		line[strcspn(line, "#\n")] = '\0';
		n = sscanf(line, "%u %63s %1s", &session, hex, extra);
		if (n == EOF)
			continue; /* blank or comment */
		if (n != 2 || session == 0 || session >= GW_PROTO_SESSIONS ||
			parse_token(hex, token) < 0) {
			fprintf(stderr,
				"--session-tokens: %s:%u: want \"SESSION "
				"TOKEN\", session 1..%u, token %u hex "
				"digits\n",
				path, lineno, GW_PROTO_SESSIONS - 1,
				2 * GW_PROTO_TOKEN_LEN);
			ret = -1;
			break;
		}
		gw_sessions_set_token(s, session, token);
	}
	fclose(f);
	return ret;
}

/* Engine. */

static void
count_response(struct gw_engine *e, const struct gw_msg *m)
{
	gw_stat_add(&e->st.responses, 1);
	switch (m->type) {
	case GW_MSG_ACCEPTED:
		gw_stat_add(&e->st.accepted, 1);
		break;
	case GW_MSG_REJECTED:
		gw_stat_add(&e->st.rejected, 1);
		gw_stat_add(&e->st.rejects[m->reason], 1);
		break;
	case GW_MSG_EXECUTED:
		gw_stat_add(&e->st.executions, 1);
		if (m->liquidity == GW_LIQ_TAKER)
			gw_stat_add(&e->st.trades, 1);
		break;
	default:
		gw_stat_add(&e->st.cancelled, 1);
		break;
	}
}

/* A book's message: number it in its book, address it, send it. */
static void
engine_emit(void *ctx, struct gw_msg *m)
{
	struct gw_engine *e = ctx;
	const struct gw_endpoint *dst;

	m->seq = ++e->seq[e->cur_sym];
	dst = m->session == e->cur_session ? e->cur_peer :
					     &e->sessions[m->session];
	count_response(e, m);
	e->out(e->out_ctx, m, dst);
}

/* A request refused before any book saw it: seq 0, back to the sender. */
static void
reject_unbooked(struct gw_engine *e, const struct gw_msg *req, uint16_t reason,
	const struct gw_endpoint *peer)
{
	struct gw_msg m = {
		.type = GW_MSG_REJECTED,
		.session = req->session,
		.order_id = req->order_id,
		.symbol = req->symbol,
		.reason = reason,
		.req_type = req->type,
		.ref_seq = req->seq,
	};

	count_response(e, &m);
	e->out(e->out_ctx, &m, peer);
}

/* A frame of a burst, parsed in the first pass, handled in the second. */
struct parsed {
	struct gw_msg req;
	struct gw_endpoint peer;
	void *book;	 /* NULL unless the request goes to a book */
	uint32_t sym;	 /* symbol index, when book != NULL */
	uint16_t reject; /* GW_REJ_NONE unless refused before a book */
	uint8_t drop;	 /* parse dropped it */
	uint8_t valid;	 /* well-formed request */
};

static void
classify(const struct gw_engine *e, const void *frame, uint32_t len,
	struct parsed *p)
{
	int idx;

	p->book = NULL;
	p->drop = 0;
	p->valid = 0;
	p->reject = GW_REJ_NONE;
	switch (gw_proto_parse(frame, len, &e->local, &p->req, &p->peer)) {
	case GW_PARSE_DROP:
		p->drop = 1;
		return;
	case GW_PARSE_REJECT:
		p->reject = p->req.reason;
		return;
	default:
		p->valid = 1;
		break;
	}
	if (p->req.type == GW_MSG_LOGON)
		return;
	idx = gw_symtab_find(e->symtab, p->req.symbol);
	if (idx < 0) {
		p->reject = GW_REJ_UNKNOWN_SYMBOL;
		return;
	}
	p->book = e->books[idx];
	p->sym = (uint32_t)idx;
	if (p->book == NULL)
		p->reject = GW_REJ_WRONG_SHARD;
}

/* The binding word of a source: IPv4 address and UDP port, never 0. */
static inline uint64_t
binding_of(const struct gw_endpoint *peer)
{
	return UINT64_C(1) << 48 | (uint64_t)peer->ip << 16 | peer->port;
}

/* Tokens compared in constant time: no timing tells a guess's prefix. */
static bool
token_matches(
	const struct gw_sessions *s, uint32_t session, const uint8_t *token)
{
	uint8_t diff = 0;
	unsigned int i;

	for (i = 0; i < GW_PROTO_TOKEN_LEN; i++)
		diff |= s->token[session][i] ^ token[i];
	return s->has_token[session] && diff == 0;
}

/* LOGON: bind the session to this source (again, or anew) or refuse. */
static void
logon(struct gw_engine *e, const struct gw_msg *req,
	const struct gw_endpoint *peer)
{
	struct gw_msg m = {
		.type = GW_MSG_ACCEPTED,
		.session = req->session,
		.req_type = GW_MSG_LOGON,
	};

	gw_stat_add(&e->st.requests[GW_MSG_LOGON], 1);
	if (e->auth == NULL ||
		!token_matches(e->auth, req->session, req->token)) {
		reject_unbooked(e, req, GW_REJ_BAD_TOKEN, peer);
		return;
	}
	/* Relaxed: the word is the whole message; pairs with the relaxed
	 * load in session_source() on any worker.
	 */
	__atomic_store_n(&e->auth->bound[req->session], binding_of(peer),
		__ATOMIC_RELAXED);
	e->sessions[req->session] = *peer;
	count_response(e, &m);
	e->out(e->out_ctx, &m, peer);
}

/* GW_DROP_NONE if the session is logged on from @p peer's source. */
static enum gw_drop
session_source(const struct gw_engine *e, uint32_t session,
	const struct gw_endpoint *peer)
{
	uint64_t bound;

	if (e->auth == NULL)
		return GW_DROP_NONE;
	/* Pairs with the relaxed store in logon(). */
	bound = __atomic_load_n(&e->auth->bound[session], __ATOMIC_RELAXED);
	if (bound == 0)
		return GW_DROP_NO_LOGON;
	return bound == binding_of(peer) ? GW_DROP_NONE : GW_DROP_WRONG_SOURCE;
}

static void
handle(struct gw_engine *e, struct parsed *p, uint64_t ts)
{
	struct gw_msg *req = &p->req;
	enum gw_drop drop;

	gw_stat_add(&e->st.frames, 1);
	if (p->drop) {
		gw_stat_add(&e->st.drops[req->reason], 1);
		return;
	}
	if (p->valid && req->type == GW_MSG_LOGON) {
		logon(e, req, &p->peer);
		return;
	}
	/*
	 * A well-formed request must come from where its session logged
	 * on; any other source is dropped unanswered, so it can neither
	 * take the session's address nor touch its orders.
	 */
	if (p->valid) {
		drop = session_source(e, req->session, &p->peer);
		if (drop != GW_DROP_NONE) {
			gw_stat_add(&e->st.drops[drop], 1);
			return;
		}
		e->sessions[req->session] = p->peer;
	}
	if (p->reject != GW_REJ_NONE) {
		reject_unbooked(e, req, p->reject, &p->peer);
		return;
	}
	gw_stat_add(&e->st.requests[req->type], 1);
	e->cur_sym = p->sym;
	e->cur_session = req->session;
	e->cur_peer = &p->peer;
	if (req->type == GW_MSG_NEW)
		e->ops->new_order(p->book, req, ts, &e->sink);
	else if (req->type == GW_MSG_CANCEL)
		e->ops->cancel(p->book, req, ts, &e->sink);
	else
		e->ops->replace(p->book, req, ts, &e->sink);
}

void
gw_engine_burst(struct gw_engine *e, const void *const *frames,
	const uint32_t *lens, unsigned int n, uint64_t ts)
{
	struct parsed p[GW_ENGINE_BURST];
	const struct gw_msg *reqs[GW_ENGINE_BURST];
	void *books[GW_ENGINE_BURST];
	unsigned int i, k, nb;

	for (k = 0; k < n; k += GW_ENGINE_BURST) {
		unsigned int m = RTE_MIN(n - k, (unsigned int)GW_ENGINE_BURST);

		nb = 0;
		for (i = 0; i < m; i++) {
			classify(e, frames[k + i], lens[k + i], &p[i]);
			if (p[i].book != NULL) {
				books[nb] = p[i].book;
				reqs[nb++] = &p[i].req;
			}
		}
		if (nb > 0 && e->ops->prefetch != NULL)
			e->ops->prefetch(books, reqs, nb);
		for (i = 0; i < m; i++)
			handle(e, &p[i], ts);
	}
}

void
gw_engine_frame(
	struct gw_engine *e, const void *frame, uint32_t len, uint64_t ts)
{
	gw_engine_burst(e, &frame, &len, 1, ts);
}

int
gw_engine_init(struct gw_engine *e, const struct gw_engine_conf *conf)
{
	uint32_t n;

	if (conf->symtab == NULL || conf->ops == NULL || conf->out == NULL) {
		rte_errno = EINVAL;
		return -EINVAL;
	}
	memset(e, 0, sizeof(*e));
	n = gw_symtab_count(conf->symtab);
	e->books = rte_zmalloc_socket("gw_engine_books", n * sizeof(void *),
		RTE_CACHE_LINE_SIZE, conf->socket);
	e->seq = rte_zmalloc_socket("gw_engine_seq", n * sizeof(uint32_t),
		RTE_CACHE_LINE_SIZE, conf->socket);
	if (e->books == NULL || e->seq == NULL) {
		gw_engine_fini(e);
		rte_errno = ENOMEM;
		return -ENOMEM;
	}
	e->symtab = conf->symtab;
	e->ops = conf->ops;
	e->out = conf->out;
	e->out_ctx = conf->out_ctx;
	e->local = conf->local;
	e->auth = conf->sessions;
	e->sink.emit = engine_emit;
	e->sink.ctx = e;
	return 0;
}

void
gw_engine_fini(struct gw_engine *e)
{
	rte_free(e->books);
	rte_free(e->seq);
	e->books = NULL;
	e->seq = NULL;
}

void
gw_engine_set_book(struct gw_engine *e, uint32_t idx, void *book)
{
	e->books[idx] = book;
}

static_assert(sizeof(struct gw_engine_stats) % sizeof(uint64_t) == 0,
	"engine counters are uint64_t only");

void
gw_engine_stats_add(
	struct gw_engine_stats *dst, const struct gw_engine_stats *src)
{
	const uint64_t *s = (const uint64_t *)src;
	uint64_t *d = (uint64_t *)dst;
	unsigned int i;

	/* The struct is made of uint64_t counters only. */
	for (i = 0; i < sizeof(*src) / sizeof(uint64_t); i++)
		d[i] += gw_stat_load(&s[i]);
}
