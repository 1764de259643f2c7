/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The lfpool authors
 */

#ifndef GW_GATEWAY_H
#define GW_GATEWAY_H

/*
 * The order gateway application: options, the per-worker state and the
 * run-to-completion loop (gateway.c), the embedded client that feeds a
 * net_ring port pair (client.c), statistics (stats.c) and the start-up
 * and shutdown sequence (main.c).
 */

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include <rte_common.h>
#include <rte_log.h>
#include <rte_mbuf.h>

#include <lfp_tradepool.h>

#include "alloc.h"
#include "book.h"
#include "engine.h"
#include "gen.h"
#include "lat_hist.h"
#include "proto.h"

/*
 * ThreadSanitizer cannot see the ordering of DPDK 22.11's rte_ring on x86
 * (RTE_USE_C11_MEM_MODEL is off: rte_ring_generic_pvt.h orders with DPDK's
 * SMP write/read barriers, compiler barriers only on x86), so every mbuf
 * handed over through a net_ring queue looks like a race. The sender
 * releases and the receiver acquires on the mbuf's address around
 * tx_burst/rx_burst, which is what the ring's tail store/load do. Nothing
 * without TSan.
 */
#ifdef __SANITIZE_THREAD__
#include <sanitizer/tsan_interface.h>
static inline void
gw_handover_release(struct rte_mbuf **m, unsigned int n)
{
	while (n-- > 0)
		__tsan_release(m[n]);
}
static inline void
gw_handover_acquire(struct rte_mbuf **m, unsigned int n)
{
	while (n-- > 0)
		__tsan_acquire(m[n]);
}
#else
static inline void
gw_handover_release(struct rte_mbuf **m, unsigned int n)
{
	RTE_SET_USED(m);
	RTE_SET_USED(n);
}
static inline void
gw_handover_acquire(struct rte_mbuf **m, unsigned int n)
{
	RTE_SET_USED(m);
	RTE_SET_USED(n);
}
#endif

#define GW_LOG(level, fmt, ...) \
	rte_log(RTE_LOG_##level, RTE_LOGTYPE_USER1, "gateway: " fmt "\n", \
		##__VA_ARGS__)

#define GW_BURST 32 /* largest rx_burst size (--burst) */
/*
 * Default rx_burst size. A request waits for the ones before it in its
 * burst, so the burst bounds the RX->TX latency: with 2, p99 stays under
 * 2 us at 3.1-3.2 M orders/s per worker on a 2-vCPU VM, where 32 gives
 * the same rate with a p99 of 52 us (doc/gateway.md).
 */
#define GW_BURST_DEFAULT 2
#define GW_TX_BUF 64	 /* responses buffered before tx_burst */
#define GW_TX_RETRIES 64 /* empty tx_burst calls before dropping */
#define GW_MAX_PORTS 8
#define GW_WARM 8	  /* cache-hot mbufs kept for responses */
#define GW_STALL_NS 2000  /* an idle poll this long lost the CPU */
#define GW_REQ_RING 4096  /* embedded requests per worker queue */
#define GW_RSP_RING 16384 /* embedded responses per worker queue */

/** Command-line options (main.c documents them in --help). */
struct gw_options {
	uint16_t ports[GW_MAX_PORTS]; /* external ports; none: embedded */
	uint16_t nb_ports;
	uint32_t symbols;
	uint64_t orders;      /* 0: until the duration or a signal */
	double duration;      /* seconds; 0: none */
	uint32_t workers;     /* 0: every worker lcore */
	uint32_t pool_orders; /* typed pool sizes per socket */
	uint32_t pool_trades;
	uint32_t pool_nodes;
	uint32_t pool_levels;
	uint32_t mbufs;		  /* mbufs per socket */
	uint32_t max_levels;	  /* price levels per side and book */
	uint32_t live_per_symbol; /* generator's live orders/symbol */
	uint32_t sessions;
	uint32_t bad_ppm;
	uint32_t burst; /* rx_burst size, 1..GW_BURST */
	uint64_t rate;	/* generated requests/s; 0: max */
	uint64_t seed;
	double stats_interval; /* seconds; 0: no periodic line */
	enum lfp_tp_policy policy;
	const char *pool_ops; /* typed pools */
	const char *mbuf_ops; /* mbuf pools */
	const char *json_path;
	const char *pcap_out;	    /* generated requests */
	const char *pcap_resp;	    /* responses the client received */
	const char *session_tokens; /* file of LOGON tokens */
	struct gw_endpoint local;
	bool pregen;		/* generate the flow before the run */
	bool count_syscalls;	/* seccomp listener on each worker */
	bool self_test_leak;	/* hold an Order: the check must fail */
	bool self_test_syscall; /* one system call in each worker loop */
	bool bench_book;
	uint64_t bench_ops;
	const char *bench_child; /* malloc family this child measures */
};

/* Arguments kept for the benchmark's children (bench.c). */
#define GW_BENCH_ARGV_MAX 64

/** Per-worker counters (owner-written, relaxed; see gw_engine_stats). */
struct gw_worker_stats {
	uint64_t rx_pkts;
	uint64_t rx_bursts;
	uint64_t tx_pkts;
	uint64_t tx_dropped;   /* tx ring full after retries */
	uint64_t tx_short;     /* tx_burst calls that took less (ring full) */
	uint64_t tx_nombuf;    /* no mbuf for a response */
	uint64_t busy_cycles;  /* from rx_burst to tx_burst */
	uint64_t stalls;       /* idle polls of GW_STALL_NS or more */
	uint64_t stall_cycles; /* their length in all */
};

/* What the worker's thread did in its loop, measured around it. */
struct gw_loop_probe {
	bool alloc_shim;	       /* counting shim preloaded and live */
	bool syscall_counter;	       /* seccomp listener installed */
	uint64_t heap_calls;	       /* malloc..free, mmap, brk (shim) */
	uint64_t syscalls;	       /* every system call (listener) */
	uint64_t read_syscalls;	       /* /proc/thread-self/io syscr */
	uint64_t write_syscalls;       /* syscw */
	uint64_t voluntary_switches;   /* blocking waits */
	uint64_t involuntary_switches; /* preempted by another task */
	uint64_t minor_faults;
};

struct gw_rxq {
	uint16_t port;
	uint16_t queue;
};

struct lfp_sysc;

struct gw_worker {
	unsigned int lcore;
	unsigned int index; /* shard */
	int socket;
	int pool_socket; /* socket of its typed objects; -1: not seen */
	uint16_t burst;	 /* rx_burst size */
	uint16_t nb_warm;
	uint64_t stall_min; /* GW_STALL_NS in TSC cycles */
	struct gw_engine engine;
	struct gw_ordmap *map;
	struct gw_book **books; /* this shard's books */
	uint32_t nb_books;
	struct gw_alloc alloc;
	struct lfp_tp_pools *pools;
	struct rte_mempool *mbuf_pool;
	struct gw_rxq rxq[GW_MAX_PORTS];
	unsigned int nb_rxq;
	struct gw_rxq cur; /* where responses go */
	uint16_t tx_n;
	uint16_t nb_spare;
	struct rte_mbuf *tx[GW_TX_BUF];
	struct rte_mbuf *spare[GW_BURST]; /* parsed requests' mbufs */
	struct rte_mbuf *warm[GW_WARM];	  /* refilled while idle */
	struct gw_worker_stats st;
	struct gw_loop_probe probe;
	struct lfp_sysc *sysc;	  /* --count-syscalls; NULL: off */
	bool syscall_self_test;	  /* one system call while trading */
	uint32_t exited;	  /* set (release) when the loop ended */
	struct lfp_lat_hist hist; /* RX->TX cycles; read after join */
} __rte_cache_aligned;

struct gw_client;

struct gw_app {
	struct gw_options opt;
	/* The command line as given, for --bench-book's children: EAL's
	 * arguments are bench_argv[0 .. bench_eal_args - 1], then "--".
	 */
	char *bench_argv[GW_BENCH_ARGV_MAX];
	unsigned int bench_argc;
	unsigned int bench_eal_args;
	struct gw_symtab *symtab;
	struct gw_sessions sessions; /* tokens and bindings, every worker */
	struct lfp_tp_pools *pools;
	struct rte_mempool *mbuf_pool[RTE_MAX_NUMA_NODES];
	struct gw_worker *workers[RTE_MAX_LCORE];
	unsigned int nb_workers;
	uint16_t ports[GW_MAX_PORTS]; /* polled by the workers */
	uint16_t nb_ports;
	bool inline_worker;	  /* single lcore: main runs worker 0 */
	struct gw_client *client; /* embedded mode */
	uint32_t stop;		  /* signal, or limit in port mode */
	uint32_t input_done;	  /* no more requests will arrive */
	uint64_t tsc_start;
	uint64_t tsc_end;
	uint64_t tsc_hz;
	/*
	 * Telemetry (its own thread) against creating and freeing the
	 * workers; control path only. A pthread mutex rather than an
	 * rte_spinlock, whose inline asm ThreadSanitizer cannot see.
	 */
	pthread_mutex_t tel_lock;
	bool tel_closed; /* shutting down: /gateway/stats answers an error */
};

extern struct gw_app gw_app;

/* gateway.c */
struct gw_worker *gw_worker_create(
	struct gw_app *app, unsigned int lcore, unsigned int index);
void gw_worker_free(struct gw_worker *w);
unsigned int gw_worker_poll(struct gw_worker *w);
int gw_worker_main(void *arg);
/* Return every object of the worker's books to the pools. */
uint32_t gw_worker_purge(struct gw_worker *w);
void gw_worker_probe_begin(struct gw_worker *w);
void gw_worker_probe_end(struct gw_worker *w);
/* Which socket's typed pools serve the calling lcore (the worker's). */
void gw_worker_locate_pools(struct gw_worker *w);
/* --count-syscalls: start the listener's server; the worker installs it. */
int gw_worker_count_syscalls(struct gw_worker *w);

/* main.c: configure nq RX/TX queues, start; stop and close. */
int gw_port_start(uint16_t port, uint16_t nq, struct rte_mempool *mp);
void gw_port_stop(uint16_t port);

/* client.c */
struct gw_client *gw_client_create(struct gw_app *app, uint16_t *gw_port);
void gw_client_free(struct gw_client *c);
/* Generate and send what is due, read responses; true when all is sent. */
bool gw_client_step(struct gw_client *c);
/* Read every response still queued; free requests never received. */
void gw_client_drain(struct gw_client *c);
void gw_client_stop(struct gw_client *c);
struct gw_client_stats {
	uint64_t sent;
	uint64_t responses;
	uint64_t digest; /* sum of gw_proto_digest() of responses */
	struct gw_gen_stats gen;
};
void gw_client_stats(const struct gw_client *c, struct gw_client_stats *s);

/* stats.c */
void gw_stats_totals(const struct gw_app *app, struct gw_engine_stats *e,
	struct gw_worker_stats *w);
void gw_stats_tick(struct gw_app *app, double elapsed);
void gw_stats_summary(struct gw_app *app, FILE *f, bool leak);
int gw_stats_json(struct gw_app *app, const char *path, bool leak);
/*
 * Stop every telemetry command before the pools go (see stats.c): ours
 * answers an error, and no client thread is left inside any handler.
 */
void gw_telemetry_stop(struct gw_app *app);

/*
 * bench.c: --bench-book. 0, or -1 when a run fails; as --bench-child
 * FAMILY, -ENOENT when FAMILY is not the malloc loaded in this process.
 */
int gw_bench_book(const struct gw_app *app);

#endif /* GW_GATEWAY_H */
