/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The lfpool authors
 */

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <rte_byteorder.h>
#include <rte_common.h>
#include <rte_errno.h>
#include <rte_ip.h>

#include "gen.h"

#define MID_MIN 20	/* keeps passive bids above zero */
#define PASSIVE_DEPTH 8 /* ticks from the mid, skewed to near */
#define LOT 100

/* One order the flow sent and has not cancelled. */
struct gen_live {
	uint64_t id;
	int64_t price;
	uint32_t qty;
	uint8_t session;
	uint8_t side;
};

struct gen_sym {
	int64_t mid;
	uint32_t n_live;
	struct gen_live *live;
};

struct gw_gen {
	uint64_t rng;
	uint64_t next_id;
	const struct gw_symtab *symtab;
	uint32_t nsym;
	uint32_t sessions;
	uint32_t cap;
	uint32_t bad_ppm;
	struct gw_endpoint gateway;
	struct gen_sym *sym;
	struct gen_live *live_store;
	uint32_t seq[GW_PROTO_SESSIONS];
	const struct gw_sessions *tokens; /* NULL: no LOGON */
	uint32_t logons;		  /* LOGON frames that open the flow */
	struct gw_gen_stats st;
};

/* splitmix64: small, fast, and the same everywhere for a given seed. */
static inline uint64_t
rnd(struct gw_gen *g)
{
	uint64_t z = (g->rng += UINT64_C(0x9E3779B97F4A7C15));

	z = (z ^ (z >> 30)) * UINT64_C(0xBF58476D1CE4E5B9);
	z = (z ^ (z >> 27)) * UINT64_C(0x94D049BB133111EB);
	return z ^ (z >> 31);
}

/* Uniform in [0, n), by multiply-shift (no modulo bias worth noting). */
static inline uint32_t
below(struct gw_gen *g, uint32_t n)
{
	return (uint32_t)(((rnd(g) >> 32) * n) >> 32);
}

void
gw_gen_session_endpoint(uint32_t s, struct gw_endpoint *ep)
{
	memset(ep, 0, sizeof(*ep));
	ep->mac.addr_bytes[0] = 0x02;
	ep->mac.addr_bytes[4] = 0x01;
	ep->mac.addr_bytes[5] = (uint8_t)s;
	ep->ip = rte_cpu_to_be_32(RTE_IPV4(10, 1, 0, s & 0xff));
	ep->port = rte_cpu_to_be_16((uint16_t)(20000 + s));
}

struct gw_gen *
gw_gen_create(const struct gw_gen_conf *conf)
{
	struct gw_gen *g;
	uint32_t i;

	if (conf->symtab == NULL || conf->sessions == 0 ||
		conf->sessions >= GW_PROTO_SESSIONS ||
		conf->live_per_symbol == 0 || conf->bad_ppm > 1000000) {
		rte_errno = EINVAL;
		return NULL;
	}
	g = calloc(1, sizeof(*g));
	if (g == NULL)
		goto no_mem;
	g->nsym = gw_symtab_count(conf->symtab);
	g->sym = calloc(g->nsym, sizeof(*g->sym));
	g->live_store = calloc((size_t)g->nsym * conf->live_per_symbol,
		sizeof(*g->live_store));
	if (g->sym == NULL || g->live_store == NULL)
		goto no_tables;
	g->rng = conf->seed;
	g->next_id = 1;
	g->symtab = conf->symtab;
	g->sessions = conf->sessions;
	g->cap = conf->live_per_symbol;
	g->bad_ppm = conf->bad_ppm;
	g->gateway = conf->gateway;
	g->tokens = conf->tokens;
	g->logons = g->tokens != NULL ? g->sessions : 0;
	for (i = 0; i < g->nsym; i++) {
		g->sym[i].mid = 1000 + below(g, 9000);
		g->sym[i].live = g->live_store + (size_t)i * g->cap;
	}
	return g;

no_tables:
	gw_gen_free(g);
no_mem:
	rte_errno = ENOMEM;
	return NULL;
}

void
gw_gen_free(struct gw_gen *g)
{
	if (g == NULL)
		return;
	free(g->sym);
	free(g->live_store);
	free(g);
}

const struct gw_gen_stats *
gw_gen_stats(const struct gw_gen *g)
{
	return &g->st;
}

uint32_t
gw_gen_logons(const struct gw_gen *g)
{
	return g->logons;
}

static uint32_t
emit(struct gw_gen *g, struct gw_msg *m, uint8_t *buf)
{
	struct gw_endpoint src;

	m->seq = ++g->seq[m->session];
	gw_gen_session_endpoint(m->session, &src);
	g->st.frames++;
	/* A known type and a GW_PROTO_FRAME_MAX buffer: cannot fail. */
	return (uint32_t)gw_proto_encode(
		buf, GW_PROTO_FRAME_MAX, &src, &g->gateway, m);
}

static uint32_t
lot(struct gw_gen *g)
{
	if (below(g, 20) == 0)
		return 1 + below(g, LOT - 1);
	return LOT * (1 + below(g, 10));
}

static void
make_new(struct gw_gen *g, uint32_t idx, struct gw_msg *m)
{
	struct gen_sym *s = &g->sym[idx];
	uint32_t kind = below(g, 100);
	int64_t off;

	m->type = GW_MSG_NEW;
	m->order_id = g->next_id++;
	m->session = 1 + below(g, g->sessions);
	m->side = below(g, 2) ? GW_SIDE_BUY : GW_SIDE_SELL;
	m->qty = lot(g);
	g->st.news++;
	if (kind < 3) {
		m->ord_type = GW_ORD_MARKET;
		g->st.markets++;
		return;
	}
	m->ord_type = GW_ORD_LIMIT;
	if (kind < 18) {
		/* Through the mid: trades with the resting opposite side. */
		off = -(int64_t)(1 + below(g, 3));
		g->st.marketable++;
	} else {
		off = 1 +
			RTE_MIN(below(g, PASSIVE_DEPTH),
				below(g, PASSIVE_DEPTH));
	}
	m->price = m->side == GW_SIDE_BUY ? s->mid - off : s->mid + off;
	s->live[s->n_live++] = (struct gen_live){
		.id = m->order_id,
		.price = m->price,
		.qty = m->qty,
		.session = (uint8_t)m->session,
		.side = m->side,
	};
}

static void
make_cancel(struct gw_gen *g, struct gen_sym *s, struct gw_msg *m)
{
	uint32_t i = below(g, s->n_live);

	m->type = GW_MSG_CANCEL;
	m->order_id = s->live[i].id;
	m->session = s->live[i].session;
	s->live[i] = s->live[--s->n_live];
	g->st.cancels++;
}

static void
make_replace(struct gw_gen *g, struct gen_sym *s, struct gw_msg *m)
{
	struct gen_live *l = &s->live[below(g, s->n_live)];
	int64_t step;

	if (below(g, 2) == 0) {
		/* Shrink in place: keeps its queue position. */
		l->qty = RTE_MAX(l->qty / 2, 1u);
	} else {
		step = 1 + below(g, 2);
		l->price += below(g, 2) ? step : -step;
		l->price = RTE_MAX(l->price, (int64_t)1);
		l->qty = lot(g);
	}
	m->type = GW_MSG_REPLACE;
	m->order_id = l->id;
	m->session = l->session;
	m->price = l->price;
	m->qty = l->qty;
	g->st.replaces++;
}

/* A few symbols take most of the flow: the smaller of two draws. */
static uint32_t
pick_symbol(struct gw_gen *g)
{
	return RTE_MIN(below(g, g->nsym), below(g, g->nsym));
}

/* Session @p s's LOGON, with its token or (@p wrong) another. */
static void
make_logon(struct gw_gen *g, uint32_t s, bool wrong, struct gw_msg *m)
{
	*m = (struct gw_msg){.type = GW_MSG_LOGON, .session = s};
	memcpy(m->token, g->tokens->token[s], GW_PROTO_TOKEN_LEN);
	if (wrong)
		m->token[0] ^= 0x01;
}

/* Malformed frames, each a different check of the gateway's. */
enum bad_kind {
	BAD_UNKNOWN_SYMBOL,
	BAD_TYPE,
	BAD_SHORT,
	BAD_PRICE,
	BAD_QTY,
	BAD_SESSION,
	BAD_IP_CKSUM,
	BAD_UDP_CKSUM,
	BAD_KINDS_NO_LOGON, /* the kinds below need session tokens */
	BAD_TOKEN = BAD_KINDS_NO_LOGON,
	BAD_HIJACK,
	BAD_KINDS,
};

static uint32_t
make_bad(struct gw_gen *g, uint8_t *buf, uint64_t *symbol)
{
	struct gw_msg m = {
		.type = GW_MSG_NEW,
		.order_id = g->next_id++,
		.session = 1 + below(g, g->sessions),
		.symbol = gw_symtab_symbol(g->symtab, pick_symbol(g)),
		.side = GW_SIDE_BUY,
		.ord_type = GW_ORD_LIMIT,
		.price = 1,
		.qty = 1,
	};
	enum bad_kind kind = below(
		g, g->tokens != NULL ? BAD_KINDS : BAD_KINDS_NO_LOGON);
	struct gw_endpoint src;
	uint32_t len;

	if (kind == BAD_UNKNOWN_SYMBOL)
		m.symbol = gw_symbol_pack("ZZZZZZZZ");
	else if (kind == BAD_PRICE)
		m.price = 0;
	else if (kind == BAD_QTY)
		m.qty = 0;
	else if (kind == BAD_SESSION)
		m.session = 0;
	else if (kind == BAD_TOKEN)
		make_logon(g, m.session, true, &m);
	*symbol = m.symbol;
	len = emit(g, &m, buf);
	g->st.bad++;
	gw_gen_session_endpoint(m.session, &src);
	switch (kind) {
	case BAD_HIJACK:
		/* Session s's request from another address (port + 1000):
		 * dropped, and s keeps its binding.
		 */
		src.port = rte_cpu_to_be_16(
			(uint16_t)(rte_be_to_cpu_16(src.port) + 1000));
		return (uint32_t)gw_proto_frame(buf, GW_PROTO_FRAME_MAX, &src,
			&g->gateway, buf + GW_PROTO_L2_L4_LEN,
			len - GW_PROTO_L2_L4_LEN);
	case BAD_TYPE:
		buf[GW_PROTO_L2_L4_LEN + 3] = 0x7f;
		return (uint32_t)gw_proto_frame(buf, GW_PROTO_FRAME_MAX, &src,
			&g->gateway, buf + GW_PROTO_L2_L4_LEN,
			len - GW_PROTO_L2_L4_LEN);
	case BAD_SHORT:
		return (uint32_t)gw_proto_frame(buf, GW_PROTO_FRAME_MAX, &src,
			&g->gateway, buf + GW_PROTO_L2_L4_LEN, 20);
	case BAD_IP_CKSUM:
		buf[14 + 10] ^= 0x5a;
		return len;
	case BAD_UDP_CKSUM:
		/* Never to 0, which would mean "no checksum". */
		buf[34 + 6] ^= buf[34 + 6] == 0x5a && buf[34 + 7] == 0 ? 0xa5 :
									 0x5a;
		return len;
	default:
		return len;
	}
}

uint32_t
gw_gen_next(struct gw_gen *g, uint8_t *buf, uint64_t *symbol)
{
	struct gw_msg m = {0};
	struct gen_sym *s;
	uint32_t idx, r;

	/* Every session logs on first, in order. */
	if (g->st.logons < g->logons) {
		make_logon(g, (uint32_t)++g->st.logons, false, &m);
		*symbol = 0;
		return emit(g, &m, buf);
	}
	if (g->bad_ppm != 0 && below(g, 1000000) < g->bad_ppm)
		return make_bad(g, buf, symbol);
	idx = pick_symbol(g);
	s = &g->sym[idx];
	if (below(g, 8) == 0)
		s->mid = RTE_MAX(
			s->mid + (below(g, 2) ? 1 : -1), (int64_t)MID_MIN);
	r = below(g, 100);
	if (s->n_live == g->cap)
		make_cancel(g, s, &m);
	else if (s->n_live == 0 || r < 55)
		make_new(g, idx, &m);
	else if (r < 85)
		make_cancel(g, s, &m);
	else
		make_replace(g, s, &m);
	m.symbol = gw_symtab_symbol(g->symtab, idx);
	*symbol = m.symbol;
	return emit(g, &m, buf);
}
