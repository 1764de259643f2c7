/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The lfpool authors
 */

/*
 * The embedded client: the generated flow goes into a net_ring port pair,
 * so the workers poll an ethdev exactly as they would a NIC. Queue q of
 * the gateway port belongs to worker q; the client steers each request to
 * the queue of the worker that owns its symbol (a NIC would do this with
 * a flow rule on the symbol's UDP port or RSS on a per-shard address). It
 * runs on the main lcore, reads the responses, and sums their digests.
 */

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <pcap/pcap.h>

#include <rte_cycles.h>
#include <rte_errno.h>
#include <rte_eth_ring.h>
#include <rte_ethdev.h>
#include <rte_malloc.h>
#include <rte_memcpy.h>
#include <rte_ring.h>

#include "gateway.h"

#define RSP_BURST 64
#define PEND_MAX (2 * GW_BURST)

struct pend {
	uint16_t n;
	struct rte_mbuf *m[PEND_MAX];
};

/* A generated request kept for --pregen. */
struct pre_frame {
	uint16_t len;
	uint16_t q;
	uint8_t b[GW_PROTO_FRAME_MAX];
};

struct gw_client {
	struct gw_app *app;
	struct gw_gen *gen;
	struct rte_mempool *mp;
	uint16_t gw_port;
	uint16_t cl_port;
	unsigned int nq;
	struct rte_ring **req;
	struct rte_ring **rsp;
	struct pend *pend;
	pcap_t *pcap;
	pcap_dumper_t *req_dump;
	pcap_dumper_t *rsp_dump;
	struct pre_frame *pre; /* --pregen: the whole flow */
	uint64_t target;
	uint64_t generated;
	uint64_t sent;
	uint64_t responses;
	uint64_t digest;
	uint64_t tsc_start;
	uint64_t tsc_stop; /* duration; UINT64_MAX: none */
	uint64_t rate;
	bool stopping;
	bool ports_started;
};

/* Synthetic, deterministic capture times: frame i at i microseconds. */
static void
dump(pcap_dumper_t *d, const void *frame, uint32_t len, uint64_t i)
{
	struct pcap_pkthdr h = {
		.ts = {.tv_sec = (time_t)(i / 1000000),
			.tv_usec = (suseconds_t)(i % 1000000)},
		.caplen = len,
		.len = len,
	};

	if (d != NULL)
		pcap_dump((u_char *)d, &h, frame);
}

static pcap_dumper_t *
dump_open(struct gw_client *c, const char *path)
{
	pcap_dumper_t *d;

	if (path == NULL)
		return NULL;
	if (c->pcap == NULL)
		c->pcap = pcap_open_dead(DLT_EN10MB, 65535);
	d = c->pcap != NULL ? pcap_dump_open(c->pcap, path) : NULL;
	if (d == NULL)
		GW_LOG(ERR, "cannot write %s: %s", path,
			c->pcap != NULL ? pcap_geterr(c->pcap) :
					  "pcap_open_dead failed");
	return d;
}

static int
create_rings(struct gw_client *c, int socket)
{
	char name[RTE_RING_NAMESIZE];
	unsigned int q;

	c->req = calloc(c->nq, sizeof(*c->req));
	c->rsp = calloc(c->nq, sizeof(*c->rsp));
	c->pend = calloc(c->nq, sizeof(*c->pend));
	if (c->req == NULL || c->rsp == NULL || c->pend == NULL)
		return -ENOMEM;
	/* One producer and one consumer per ring: the client and worker q. */
	for (q = 0; q < c->nq; q++) {
		snprintf(name, sizeof(name), "gw_req%u", q);
		c->req[q] = rte_ring_create(name, GW_REQ_RING, socket,
			RING_F_SP_ENQ | RING_F_SC_DEQ);
		snprintf(name, sizeof(name), "gw_rsp%u", q);
		c->rsp[q] = rte_ring_create(name, GW_RSP_RING, socket,
			RING_F_SP_ENQ | RING_F_SC_DEQ);
		if (c->req[q] == NULL || c->rsp[q] == NULL)
			return -rte_errno;
	}
	return 0;
}

static int
create_ports(struct gw_client *c, int socket)
{
	int gw, cl;

	gw = rte_eth_from_rings(
		"net_ring_gw", c->req, c->nq, c->rsp, c->nq, socket);
	cl = rte_eth_from_rings(
		"net_ring_client", c->rsp, c->nq, c->req, c->nq, socket);
	if (gw < 0 || cl < 0)
		return -ENODEV;
	c->gw_port = (uint16_t)gw;
	c->cl_port = (uint16_t)cl;
	c->ports_started = true;
	if (gw_port_start(c->gw_port, c->nq, c->mp) < 0 ||
		gw_port_start(c->cl_port, c->nq, c->mp) < 0)
		return -EIO;
	return 0;
}

/*
 * --pregen: generate the whole flow before the clock starts, so that the
 * client only copies frames and the workers, not the generator, set the
 * pace (for the benchmark).
 */
static int
pregenerate(struct gw_client *c)
{
	uint64_t i, symbol;
	struct pre_frame *p;

	c->pre = malloc(c->target * sizeof(*c->pre));
	if (c->pre == NULL)
		return -ENOMEM;
	for (i = 0; i < c->target; i++) {
		p = &c->pre[i];
		p->len = (uint16_t)gw_gen_next(c->gen, p->b, &symbol);
		p->q = (uint16_t)gw_symtab_shard(symbol, c->nq);
		dump(c->req_dump, p->b, p->len, i);
	}
	return 0;
}

struct gw_client *
gw_client_create(struct gw_app *app, uint16_t *gw_port)
{
	const struct gw_options *o = &app->opt;
	int socket = (int)rte_socket_id();
	struct gw_gen_conf gc = {
		.seed = o->seed,
		.symtab = app->symtab,
		.sessions = o->sessions,
		.live_per_symbol = o->live_per_symbol,
		.bad_ppm = o->bad_ppm,
		.gateway = o->local,
		.socket = socket,
		.tokens = &app->sessions,
	};
	struct gw_client *c = calloc(1, sizeof(*c));
	int ret;

	if (c == NULL)
		return NULL;
	c->app = app;
	c->nq = app->nb_workers;
	c->mp = app->mbuf_pool[socket];
	c->target = o->orders;
	c->rate = o->rate;
	c->gen = gw_gen_create(&gc);
	ret = c->gen == NULL ? -rte_errno : create_rings(c, socket);
	if (ret == 0)
		ret = create_ports(c, socket);
	if (ret < 0) {
		GW_LOG(ERR, "embedded client: %s", strerror(-ret));
		gw_client_free(c);
		return NULL;
	}
	c->req_dump = dump_open(c, o->pcap_out);
	c->rsp_dump = dump_open(c, o->pcap_resp);
	if ((o->pcap_out != NULL && c->req_dump == NULL) ||
		(o->pcap_resp != NULL && c->rsp_dump == NULL)) {
		gw_client_free(c);
		return NULL;
	}
	if (o->pregen && pregenerate(c) < 0) {
		GW_LOG(ERR, "--pregen: no memory for %" PRIu64 " requests",
			c->target);
		gw_client_free(c);
		return NULL;
	}
	c->tsc_start = rte_rdtsc();
	c->tsc_stop = o->duration > 0 ?
		c->tsc_start + (uint64_t)(o->duration * (double)app->tsc_hz) :
		UINT64_MAX;
	*gw_port = c->gw_port;
	return c;
}

/* One burst per queue; the number of responses read. */
static unsigned int
read_responses(struct gw_client *c)
{
	struct rte_mbuf *pkts[RSP_BURST];
	unsigned int q, i, n, total = 0;
	const uint8_t *f;

	for (q = 0; q < c->nq; q++) {
		n = rte_eth_rx_burst(c->cl_port, q, pkts, RSP_BURST);
		gw_handover_acquire(pkts, n);
		for (i = 0; i < n; i++) {
			f = rte_pktmbuf_mtod(pkts[i], const uint8_t *);
			c->digest += gw_proto_digest(
				f, rte_pktmbuf_data_len(pkts[i]));
			dump(c->rsp_dump, f, rte_pktmbuf_data_len(pkts[i]),
				c->responses++);
		}
		if (n > 0)
			rte_pktmbuf_free_bulk(pkts, n);
		total += n;
	}
	return total;
}

/* Requests due now: a burst, or what the rate allows since the start. */
static unsigned int
due(const struct gw_client *c, uint64_t now)
{
	double want;

	if (c->rate == 0)
		return GW_BURST;
	want = (double)(now - c->tsc_start) * (double)c->rate /
		(double)c->app->tsc_hz;
	if (want <= (double)c->generated)
		return 0;
	return (unsigned int)RTE_MIN(
		want - (double)c->generated, (double)GW_BURST);
}

static bool
pending_room(const struct gw_client *c)
{
	unsigned int q;

	for (q = 0; q < c->nq; q++)
		if (c->pend[q].n > PEND_MAX - GW_BURST)
			return false;
	return true;
}

/* The next request into @p buf; its queue. */
static unsigned int
next_frame(struct gw_client *c, uint8_t *buf, uint32_t *len)
{
	const struct pre_frame *p;
	uint64_t symbol;

	if (c->pre != NULL) {
		p = &c->pre[c->generated];
		rte_memcpy(buf, p->b, p->len);
		*len = p->len;
		return p->q;
	}
	*len = gw_gen_next(c->gen, buf, &symbol);
	dump(c->req_dump, buf, *len, c->generated);
	return gw_symtab_shard(symbol, c->nq);
}

/*
 * The LOGONs open the flow; the rest waits for their answers, as a client
 * of a venue waits to be logged on (a LOGON and the session's next
 * request may reach different workers). True once the rest may go.
 */
static bool
logged_on(const struct gw_client *c)
{
	uint32_t n = gw_gen_logons(c->gen);

	return c->generated < n || c->responses >= n;
}

static void
generate(struct gw_client *c, unsigned int n)
{
	struct rte_mbuf *m;
	unsigned int q;
	uint32_t len;

	while (n-- > 0 && (c->target == 0 || c->generated < c->target) &&
		logged_on(c)) {
		m = rte_pktmbuf_alloc(c->mp);
		if (m == NULL)
			return;
		q = next_frame(c, rte_pktmbuf_mtod(m, uint8_t *), &len);
		m->data_len = (uint16_t)len;
		m->pkt_len = len;
		c->generated++;
		c->pend[q].m[c->pend[q].n++] = m;
	}
}

static bool
flush(struct gw_client *c)
{
	bool empty = true;
	struct pend *p;
	unsigned int q;
	uint16_t k;

	for (q = 0; q < c->nq; q++) {
		p = &c->pend[q];
		if (p->n == 0)
			continue;
		gw_handover_release(p->m, p->n);
		k = rte_eth_tx_burst(c->cl_port, q, p->m, p->n);
		memmove(p->m, p->m + k, (p->n - k) * sizeof(p->m[0]));
		p->n -= k;
		c->sent += k;
		empty = empty && p->n == 0;
	}
	return empty;
}

bool
gw_client_step(struct gw_client *c)
{
	uint64_t now = rte_rdtsc();
	bool more;

	read_responses(c);
	more = !c->stopping && now < c->tsc_stop &&
		(c->target == 0 || c->generated < c->target);
	if (more && pending_room(c) && logged_on(c))
		generate(c, due(c, now));
	return flush(c) && !more;
}

void
gw_client_stop(struct gw_client *c)
{
	unsigned int q;

	c->stopping = true;
	for (q = 0; q < c->nq; q++) {
		rte_pktmbuf_free_bulk(c->pend[q].m, c->pend[q].n);
		c->pend[q].n = 0;
	}
}

void
gw_client_drain(struct gw_client *c)
{
	struct rte_mbuf *pkts[RSP_BURST];
	unsigned int q, n;

	gw_client_stop(c);
	while (read_responses(c) > 0)
		;
	/* Requests still queued (stopped by a signal): never processed. */
	for (q = 0; q < c->nq; q++) {
		while ((n = rte_eth_rx_burst(c->gw_port, q, pkts, RSP_BURST)) >
			0) {
			gw_handover_acquire(pkts, n);
			rte_pktmbuf_free_bulk(pkts, n);
		}
	}
	if (c->req_dump != NULL)
		pcap_dump_flush(c->req_dump);
	if (c->rsp_dump != NULL)
		pcap_dump_flush(c->rsp_dump);
}

void
gw_client_stats(const struct gw_client *c, struct gw_client_stats *s)
{
	s->sent = c->sent;
	s->responses = c->responses;
	s->digest = c->digest;
	s->gen = *gw_gen_stats(c->gen);
}

void
gw_client_free(struct gw_client *c)
{
	unsigned int q;

	if (c == NULL)
		return;
	if (c->req_dump != NULL)
		pcap_dump_close(c->req_dump);
	if (c->rsp_dump != NULL)
		pcap_dump_close(c->rsp_dump);
	if (c->pcap != NULL)
		pcap_close(c->pcap);
	if (c->ports_started) {
		gw_port_stop(c->gw_port);
		gw_port_stop(c->cl_port);
	}
	for (q = 0; c->req != NULL && q < c->nq; q++) {
		rte_ring_free(c->req[q]);
		rte_ring_free(c->rsp[q]);
	}
	free(c->req);
	free(c->rsp);
	free(c->pend);
	free(c->pre);
	gw_gen_free(c->gen);
	free(c);
}
