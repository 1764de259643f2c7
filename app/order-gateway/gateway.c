/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The lfpool authors
 */

#define _GNU_SOURCE /* RUSAGE_THREAD */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <rte_cycles.h>
#include <rte_errno.h>
#include <rte_ethdev.h>
#include <rte_lcore.h>
#include <rte_malloc.h>
#include <rte_prefetch.h>

#include "gateway.h"
#include "lfp_alloc_counter.h"
#include "lfp_sysc.h"

/*
 * The counting shim of tests/tradepool, when it is preloaded (the
 * end-to-end test does so): weak, so the gateway runs without it.
 */
#pragma weak lfp_alloc_counter_active
#pragma weak lfp_alloc_counter_read_thread
#pragma weak lfp_alloc_counter_total

/*
 * Hand the buffered responses to tx_burst. Returns the TSC at the call
 * that took the last of them (the end of RX->TX), or at the last try
 * before dropping them.
 */
static uint64_t
tx_flush(struct gw_worker *w)
{
	uint16_t sent = 0, n = w->tx_n, k;
	unsigned int idle = 0;
	uint64_t handed;

	if (n == 0)
		return rte_rdtsc();
	gw_handover_release(w->tx, n);
	for (;;) {
		handed = rte_rdtsc();
		k = rte_eth_tx_burst(
			w->cur.port, w->cur.queue, w->tx + sent, n - sent);
		sent += k;
		if (sent == n)
			break;
		/* A full TX ring: wait a little for the peer, then drop. */
		gw_stat_add(&w->st.tx_short, 1);
		if (k == 0 && ++idle > GW_TX_RETRIES)
			break;
	}
	if (sent < n) {
		rte_pktmbuf_free_bulk(w->tx + sent, n - sent);
		gw_stat_add(&w->st.tx_dropped, n - sent);
	}
	gw_stat_add(&w->st.tx_pkts, sent);
	w->tx_n = 0;
	return handed;
}

/*
 * Once per poll: one more mbuf for the warm stash, with its header
 * (written by the reset in rte_pktmbuf_alloc()) and the lines a response
 * is encoded into pulled into this core's cache. Mbufs come back from the
 * peer lcore, which wrote them last: a response encoded into a cold one
 * waits for those lines (about 0.25 us here, see doc/gateway.md).
 */
static void
warm_refill(struct gw_worker *w)
{
	struct rte_mbuf *m;

	if (w->nb_warm == GW_WARM)
		return;
	m = rte_pktmbuf_alloc(w->mbuf_pool);
	if (m == NULL)
		return;
	rte_prefetch0_write(rte_pktmbuf_mtod(m, void *));
	rte_prefetch0_write(
		rte_pktmbuf_mtod_offset(m, uint8_t *, RTE_CACHE_LINE_SIZE));
	w->warm[w->nb_warm++] = m;
}

/* A request's own mbuf first, then a warm one, then a fresh one. */
static struct rte_mbuf *
response_mbuf(struct gw_worker *w)
{
	if (w->nb_spare > 0)
		return w->spare[--w->nb_spare];
	if (w->nb_warm > 0)
		return w->warm[--w->nb_warm];
	return rte_pktmbuf_alloc(w->mbuf_pool);
}

/*
 * The engine's output: one response, encoded in the mbuf of a request of
 * the burst (all are parsed before any response is made, see
 * gw_engine_burst()), or in another one when they are used up.
 */
static void
worker_out(void *ctx, const struct gw_msg *m, const struct gw_endpoint *dst)
{
	struct gw_worker *w = ctx;
	struct rte_mbuf *mb = response_mbuf(w);

	if (unlikely(mb == NULL)) {
		gw_stat_add(&w->st.tx_nombuf, 1);
		return;
	}
	/* Every mbuf comes from a pool of RTE_MBUF_DEFAULT_BUF_SIZE buffers,
	 * far above GW_PROTO_FRAME_MAX: this cannot fail.
	 */
	gw_proto_encode_mbuf(mb, &w->engine.local, dst, m);
	w->tx[w->tx_n++] = mb;
	if (w->tx_n == GW_TX_BUF)
		tx_flush(w);
}

/*
 * A received mbuf may carry a response once its request is parsed, if it
 * is a plain one (one segment, direct, not shared). The others are moved
 * to the front of @p pkts and counted: freed after the burst, since their
 * data is parsed until then.
 */
static unsigned int
keep_spares(struct gw_worker *w, struct rte_mbuf **pkts, unsigned int n)
{
	unsigned int i, odd = 0;
	struct rte_mbuf *m;

	w->nb_spare = 0;
	for (i = 0; i < n; i++) {
		m = pkts[i];
		if (likely(m->nb_segs == 1 && RTE_MBUF_DIRECT(m) &&
			    rte_mbuf_refcnt_read(m) == 1))
			w->spare[w->nb_spare++] = m;
		else
			pkts[odd++] = m;
	}
	return odd;
}

/*
 * A burst of @p n requests received at @p rx, their responses handed to
 * tx_burst at @p handed: each request waited that long (the responses are
 * sent together). Busy time runs until tx_burst has returned.
 */
static void
record_burst(struct gw_worker *w, uint64_t rx, uint64_t handed, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		lfp_lat_hist_record(&w->hist, handed - rx);
	gw_stat_add(&w->st.rx_pkts, n);
	gw_stat_add(&w->st.rx_bursts, 1);
	gw_stat_add(&w->st.busy_cycles, rte_rdtsc() - rx);
}

unsigned int
gw_worker_poll(struct gw_worker *w)
{
	struct rte_mbuf *pkts[GW_BURST];
	const void *frames[GW_BURST];
	uint32_t lens[GW_BURST];
	unsigned int q, i, n, odd, total = 0;
	uint64_t t0;

	for (q = 0; q < w->nb_rxq; q++) {
		n = rte_eth_rx_burst(
			w->rxq[q].port, w->rxq[q].queue, pkts, w->burst);
		if (n == 0)
			continue;
		t0 = rte_rdtsc();
		gw_handover_acquire(pkts, n);
		w->cur = w->rxq[q];
		/* net_ring hands over pointers only: the headers, then the
		 * frames, are first touched here (and came from another
		 * lcore), so ask for all of them before using any.
		 */
		for (i = 0; i < n; i++)
			rte_prefetch0(pkts[i]);
		for (i = 0; i < n; i++) {
			frames[i] = rte_pktmbuf_mtod(pkts[i], void *);
			lens[i] = rte_pktmbuf_data_len(pkts[i]);
			rte_prefetch0(frames[i]);
			rte_prefetch0((const uint8_t *)frames[i] +
				RTE_CACHE_LINE_SIZE);
		}
		odd = keep_spares(w, pkts, n);
		gw_engine_burst(&w->engine, frames, lens, n, t0);
		rte_pktmbuf_free_bulk(w->spare, w->nb_spare);
		w->nb_spare = 0;
		if (unlikely(odd > 0))
			rte_pktmbuf_free_bulk(pkts, odd);
		record_burst(w, t0, tx_flush(w), n);
		total += n;
	}
	/* After the hand-off, outside RX->TX: the lines arrive meanwhile. */
	warm_refill(w);
	return total;
}

/* --self-test-syscall: a call the seccomp probe must see. */
static void
self_test_syscall(struct gw_worker *w)
{
	w->syscall_self_test = false;
	(void)syscall(SYS_getppid);
}

/*
 * An idle poll (nothing received) that took GW_STALL_NS or more: the
 * thread lost its CPU meanwhile (an interrupt, another task, or the
 * hypervisor running something else on the vCPU).
 */
static void
count_stall(struct gw_worker *w, uint64_t cycles)
{
	if (cycles < w->stall_min)
		return;
	gw_stat_add(&w->st.stalls, 1);
	gw_stat_add(&w->st.stall_cycles, cycles);
}

int
gw_worker_main(void *arg)
{
	struct gw_worker *w = arg;
	uint64_t prev, now;
	unsigned int n;
	uint32_t done;

	gw_worker_locate_pools(w);
	gw_worker_probe_begin(w);
	prev = rte_rdtsc();
	for (;;) {
		/* A hint from the signal handler: no ordering needed. */
		if (__atomic_load_n(&gw_app.stop, __ATOMIC_RELAXED))
			break;
		/* Pairs with the release store after the client's last
		 * enqueue: an empty poll after this load means all is read.
		 */
		done = __atomic_load_n(&gw_app.input_done, __ATOMIC_ACQUIRE);
		n = gw_worker_poll(w);
		now = rte_rdtsc();
		if (n == 0)
			count_stall(w, now - prev);
		else if (unlikely(w->syscall_self_test))
			self_test_syscall(w);
		prev = now;
		if (n == 0 && done)
			break;
	}
	gw_worker_probe_end(w);
	gw_worker_purge(w);
	/* Pairs with the acquire load in main: the worker's last TX and its
	 * purge happen before the main lcore drains and checks the pools.
	 */
	__atomic_store_n(&w->exited, 1, __ATOMIC_RELEASE);
	return 0;
}

uint32_t
gw_worker_purge(struct gw_worker *w)
{
	uint32_t i, n = 0;

	rte_pktmbuf_free_bulk(w->warm, w->nb_warm);
	w->nb_warm = 0;
	for (i = 0; i < w->nb_books; i++)
		n += gw_book_purge(w->books[i]);
	return n;
}

static int
create_books(struct gw_worker *w, const struct gw_app *app)
{
	uint32_t nsym = gw_symtab_count(app->symtab), i;
	struct gw_book_conf conf = {
		.max_levels = app->opt.max_levels,
		.socket = w->socket,
	};
	struct gw_book *b;

	w->books = rte_zmalloc_socket(
		"gw_books", nsym * sizeof(*w->books), 0, w->socket);
	if (w->books == NULL)
		return -ENOMEM;
	for (i = 0; i < nsym; i++) {
		conf.symbol = gw_symtab_symbol(app->symtab, i);
		if (gw_symtab_shard(conf.symbol, app->nb_workers) != w->index)
			continue;
		conf.sym_idx = i;
		b = gw_book_create(&conf, w->map, &w->alloc);
		if (b == NULL)
			return -rte_errno;
		w->books[w->nb_books++] = b;
		gw_engine_set_book(&w->engine, i, b);
	}
	return 0;
}

struct gw_worker *
gw_worker_create(struct gw_app *app, unsigned int lcore, unsigned int index)
{
	int socket = (int)rte_lcore_to_socket_id(lcore);
	struct gw_engine_conf ec = {
		.symtab = app->symtab,
		.local = app->opt.local,
		.ops = &gw_book_ops,
		.out = worker_out,
		.socket = socket,
		.sessions = &app->sessions,
	};
	struct gw_worker *w;
	unsigned int p;

	w = rte_zmalloc_socket(
		"gw_worker", sizeof(*w), RTE_CACHE_LINE_SIZE, socket);
	if (w == NULL)
		return NULL;
	w->lcore = lcore;
	w->index = index;
	w->socket = socket;
	w->pool_socket = -1;
	w->burst = (uint16_t)app->opt.burst;
	w->stall_min = app->tsc_hz * GW_STALL_NS / 1000000000u;
	w->syscall_self_test = app->opt.self_test_syscall;
	w->pools = app->pools;
	w->mbuf_pool = app->mbuf_pool[socket];
	lfp_lat_hist_init(&w->hist);
	gw_alloc_tp_init(&w->alloc, app->pools);
	ec.out_ctx = w;
	/* Each worker may hold every order of its socket's pool. */
	w->map = gw_ordmap_create(app->opt.pool_orders, socket);
	if (w->map == NULL || gw_engine_init(&w->engine, &ec) < 0 ||
		create_books(w, app) < 0) {
		GW_LOG(ERR, "worker %u (lcore %u): %s", index, lcore,
			rte_strerror(rte_errno));
		gw_worker_free(w);
		return NULL;
	}
	for (p = 0; p < app->nb_ports; p++)
		w->rxq[w->nb_rxq++] = (struct gw_rxq){
			.port = app->ports[p],
			.queue = (uint16_t)index,
		};
	return w;
}

void
gw_worker_free(struct gw_worker *w)
{
	uint32_t i;

	if (w == NULL)
		return;
	for (i = 0; i < w->nb_books; i++)
		gw_book_free(w->books[i]);
	rte_free(w->books);
	gw_engine_fini(&w->engine);
	gw_ordmap_free(w->map);
	rte_free(w);
}

/* The loop probe: what the worker's thread asked of the kernel. */

struct probe_snap {
	uint64_t heap;
	uint64_t syscr;
	uint64_t syscw;
	uint64_t nvcsw;
	uint64_t nivcsw;
	uint64_t minflt;
};

static uint64_t
io_field(const char *buf, const char *key)
{
	const char *p = strstr(buf, key);

	return p != NULL ? strtoull(p + strlen(key), NULL, 10) : 0;
}

/* No stdio: fopen() would allocate and show up in the counts. */
static void
snap(struct probe_snap *s)
{
	struct lfp_alloc_counts c;
	struct rusage ru;
	char buf[512];
	ssize_t n = -1;
	int fd;

	memset(s, 0, sizeof(*s));
	fd = open("/proc/thread-self/io", O_RDONLY);
	if (fd >= 0) {
		n = read(fd, buf, sizeof(buf) - 1);
		close(fd);
	}
	if (n > 0) {
		buf[n] = '\0';
		s->syscr = io_field(buf, "syscr: ");
		s->syscw = io_field(buf, "syscw: ");
	}
	if (getrusage(RUSAGE_THREAD, &ru) == 0) {
		s->nvcsw = (uint64_t)ru.ru_nvcsw;
		s->nivcsw = (uint64_t)ru.ru_nivcsw;
		s->minflt = (uint64_t)ru.ru_minflt;
	}
	if (lfp_alloc_counter_read_thread != NULL) {
		lfp_alloc_counter_read_thread(&c);
		s->heap = lfp_alloc_counter_total(&c);
	}
}

/*
 * Two snapshots back to back give the cost of taking one (its own read
 * syscall); the loop's figures are the difference minus that cost.
 */
static struct probe_snap probe_base[RTE_MAX_LCORE];
static struct probe_snap probe_cost[RTE_MAX_LCORE];

/*
 * --count-syscalls: one listener per worker lcore, and a thread serving
 * it. The lcore thread keeps the filter until the process exits, and so
 * must its server (lfp_sysc.h): static, never freed.
 */
static struct lfp_sysc probe_sysc[RTE_MAX_LCORE];

static void *
sysc_server(void *arg)
{
	lfp_sysc_serve(arg);
	return NULL;
}

int
gw_worker_count_syscalls(struct gw_worker *w)
{
	struct lfp_sysc *s = &probe_sysc[w->lcore];
	pthread_t th;
	int rc;

	lfp_sysc_init(s);
	/* Started before the worker installs the filter: from then on its
	 * system calls wait for this thread, thread creation included.
	 */
	rc = pthread_create(&th, NULL, sysc_server, s);
	if (rc != 0)
		return -rc;
	pthread_detach(th);
	w->sysc = s;
	return 0;
}

void
gw_worker_locate_pools(struct gw_worker *w)
{
	struct lfp_order *o = lfp_tp_order_create(w->pools, 0,
		&(struct lfp_tp_symbol){.c = "SOCK"}, LFP_TP_SIDE_BUY,
		LFP_TP_ORDER_LIMIT, 1, 1, 0);

	if (o == NULL)
		return;
	w->pool_socket = rte_mempool_from_obj(o)->socket_id;
	lfp_tp_order_free(w->pools, o);
}

void
gw_worker_probe_begin(struct gw_worker *w)
{
	struct probe_snap a;
	int rc;

	w->probe.alloc_shim = lfp_alloc_counter_active != NULL &&
		lfp_alloc_counter_active();
	if (w->sysc != NULL) {
		rc = lfp_sysc_install(w->sysc);
		w->probe.syscall_counter = rc == 0;
		if (rc < 0)
			GW_LOG(WARNING, "worker %u: no system call counter: %s",
				w->index, strerror(-rc));
	}
	snap(&a);
	snap(&probe_base[w->lcore]);
	probe_cost[w->lcore] = (struct probe_snap){
		.heap = probe_base[w->lcore].heap - a.heap,
		.syscr = probe_base[w->lcore].syscr - a.syscr,
		.syscw = probe_base[w->lcore].syscw - a.syscw,
		/* Under the listener each call of a snapshot waits for it. */
		.nvcsw = probe_base[w->lcore].nvcsw - a.nvcsw,
		.nivcsw = probe_base[w->lcore].nivcsw - a.nivcsw,
	};
	/* Last: the snapshots' own calls are outside the window. */
	if (w->probe.syscall_counter)
		lfp_sysc_steady(w->sysc, true);
}

/* end - base - cost, or 0: an event may fall in the cost pair only. */
static uint64_t
loop_delta(uint64_t end, uint64_t base, uint64_t cost)
{
	return end - base > cost ? end - base - cost : 0;
}

void
gw_worker_probe_end(struct gw_worker *w)
{
	const struct probe_snap *b = &probe_base[w->lcore];
	const struct probe_snap *k = &probe_cost[w->lcore];
	struct probe_snap e;

	if (w->probe.syscall_counter) {
		lfp_sysc_steady(w->sysc, false);
		w->probe.syscalls = lfp_sysc_count(w->sysc);
	}
	snap(&e);
	w->probe.heap_calls = loop_delta(e.heap, b->heap, k->heap);
	w->probe.read_syscalls = loop_delta(e.syscr, b->syscr, k->syscr);
	w->probe.write_syscalls = loop_delta(e.syscw, b->syscw, k->syscw);
	w->probe.voluntary_switches = loop_delta(e.nvcsw, b->nvcsw, k->nvcsw);
	w->probe.involuntary_switches = loop_delta(
		e.nivcsw, b->nivcsw, k->nivcsw);
	w->probe.minor_faults = e.minflt - b->minflt;
}
