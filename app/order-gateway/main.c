/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The lfpool authors
 */

/*
 * order-gateway [EAL options] -- [options]
 *
 * Start-up: EAL, options, symbols, typed pools and mbuf pools per socket,
 * warm-up, ports (the embedded net_ring pair, or --ports), one worker per
 * worker lcore (the main lcore runs worker 0 itself when it is alone).
 * Shutdown, at the end of the flow or on SIGINT/SIGTERM: stop RX, let the
 * workers drain and return every object, read the last responses, check
 * that every pool is full again, print and flush the summary, stop
 * telemetry, free everything, then EAL.
 *
 * Exit status: 0; 1 a run-time error; 2 a bad option; 3 a leak (objects
 * not back in their pools). A crash is a signal, never one of these.
 */

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <math.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <arpa/inet.h>

#include <rte_cycles.h>
#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_ethdev.h>
#include <rte_ip.h>
#include <rte_launch.h>
#include <rte_lcore.h>
#include <rte_mbuf.h>
#include <rte_pause.h>

#include "gateway.h"
#include "lfp_malloc_family.h"

struct gw_app gw_app = {
	.tel_lock = PTHREAD_MUTEX_INITIALIZER,
};

#define DEFAULT_ORDERS 2000000
#define MBUF_CACHE 256
/* Objects one lcore's mempool cache may hold: 1.5 x 256 (DPDK's flush
 * threshold), for the largest cache lfp_tp_create() chooses.
 */
#define LCORE_CACHE_MAX 384
#define SECONDS_MAX 1e9 /* about 31 years */
/* Waiting for the workers to leave their loop longer than this is logged. */
#define WORKER_WAIT_LOG_MS 500

enum gw_exit {
	GW_EXIT_OK = 0,
	GW_EXIT_ERROR = 1,
	GW_EXIT_USAGE = 2,
	GW_EXIT_LEAK = 3,
	/* --bench-child: its allocator's LD_PRELOAD did not take. */
	GW_EXIT_NOT_LOADED = LFP_MALLOC_EXIT_NOT_LOADED,
};

/*
 * --bench-book's exit status. A --bench-child's "not loaded" keeps its
 * own, so that the parent reports the family skipped, not failed.
 */
static enum gw_exit
bench_exit(int ret)
{
	if (ret == 0)
		return GW_EXIT_OK;
	return ret == -ENOENT ? GW_EXIT_NOT_LOADED : GW_EXIT_ERROR;
}

static void
usage(const char *prog)
{
	printf("Usage: %s [EAL options] -- [options]\n\n"
	       "Runs the lfpool order gateway. With no --ports, a seeded order flow is\n"
	       "generated into a net_ring port pair (no NIC, no files needed).\n\n"
	       "Flow and ports:\n"
	       "  --ports LIST          poll these ethdev ports (e.g. 0,1) instead of the\n"
	       "                        embedded flow; each worker polls its own queue\n"
	       "  --orders N            requests to generate (embedded; default %u) or\n"
	       "                        to receive before stopping (--ports; default: no\n"
	       "                        limit)\n"
	       "  --duration SEC        stop after SEC seconds (whichever comes first)\n"
	       "  --symbols N           tradable symbols (default 256)\n"
	       "  --sessions N          client sessions of the generated flow (16)\n"
	       "  --live-per-symbol N   live orders the flow keeps per symbol (32)\n"
	       "  --bad-ppm N           malformed requests per million (1000)\n"
	       "  --rate N              requests per second (default 0: as fast as the\n"
	       "                        main lcore can generate)\n"
	       "  --pregen              generate the whole flow before starting (needs\n"
	       "                        --orders; about 110 bytes per request), so the\n"
	       "                        workers, not the generator, set the pace\n"
	       "  --seed N              flow seed (default 1)\n"
	       "  --burst N             requests per rx_burst, 1..%u (default %u):\n"
	       "                        smaller bursts, shorter RX->TX latency\n"
	       "  --ip A.B.C.D          gateway IPv4 address (10.0.0.1)\n"
	       "  --udp-port N          gateway UDP port (%u)\n"
	       "  --session-tokens FILE each session's LOGON token, lines \"SESSION\n"
	       "                        TOKEN\" (1..255, 32 hex digits); needed with\n"
	       "                        --ports; the embedded flow draws random ones\n"
	       "                        without it (doc/protocol.md)\n"
	       "Workers and memory:\n"
	       "  --workers N           use N worker lcores (default: all); with one\n"
	       "                        lcore in all, the main lcore is the worker\n"
	       "  --pool-ops NAME       mempool ops of the typed pools (default lfpool)\n"
	       "  --mbuf-ops NAME       mempool ops of the mbuf pools (default: as\n"
	       "                        --pool-ops)\n"
	       "  --numa-policy P       local (socket memory only) or preferred\n"
	       "                        (nearest socket with memory; default)\n"
	       "  --pool-orders N       Order and OrderNode objects per socket\n"
	       "  --pool-levels N       PriceLevel objects per socket\n"
	       "  --pool-trades N       Trade objects per socket\n"
	       "  --mbufs N             mbufs per socket\n"
	       "  --max-levels N        price levels per side and book (64)\n"
	       "Output:\n"
	       "  --stats-interval SEC  periodic statistics line (1; 0: none)\n"
	       "  --json FILE           write the summary as JSON\n"
	       "  --pcap-out FILE       write the generated requests as a pcap, to\n"
	       "                        replay with --vdev net_pcap0,rx_pcap=FILE\n"
	       "  --pcap-resp FILE      write the responses the client received\n"
	       "Benchmark:\n"
	       "  --bench-book          matching engine only, lfpool pools vs malloc\n"
	       "                        (glibc, each preloaded jemalloc, tcmalloc,\n"
	       "                        mimalloc installed, aligned_alloc), keyed vs\n"
	       "                        public order table, and a hash flood, on the\n"
	       "                        main lcore; --bench-ops N requests (1000000)\n"
	       "  --count-syscalls      count every system call in each worker lcore's\n"
	       "                        loop (a seccomp listener; not when the main\n"
	       "                        lcore is the worker); slows the calls outside\n"
	       "                        the loop\n"
	       "  --self-test-leak      keep one Order out of its pool to the end, to\n"
	       "                        see the leak check fail (exit status 3)\n"
	       "  --self-test-syscall   make one system call in each worker loop, to\n"
	       "                        see --count-syscalls count it\n"
	       "  -h, --help            this text\n\n"
	       "Exit status: 0 done; 1 run-time error; 2 bad option; 3 objects\n"
	       "not back in their pools (leak).\n",
		prog, DEFAULT_ORDERS, GW_BURST, GW_BURST_DEFAULT,
		GW_PROTO_UDP_PORT);
}

enum {
	OPT_PORTS = 256,
	OPT_ORDERS,
	OPT_DURATION,
	OPT_SYMBOLS,
	OPT_SESSIONS,
	OPT_LIVE,
	OPT_BAD_PPM,
	OPT_RATE,
	OPT_SEED,
	OPT_IP,
	OPT_UDP_PORT,
	OPT_WORKERS,
	OPT_POOL_OPS,
	OPT_NUMA_POLICY,
	OPT_POOL_ORDERS,
	OPT_POOL_LEVELS,
	OPT_POOL_TRADES,
	OPT_MBUFS,
	OPT_MAX_LEVELS,
	OPT_STATS,
	OPT_JSON,
	OPT_PCAP_OUT,
	OPT_PCAP_RESP,
	OPT_BENCH_BOOK,
	OPT_BENCH_OPS,
	OPT_PREGEN,
	OPT_MBUF_OPS,
	OPT_SELF_TEST_LEAK,
	OPT_BURST,
	OPT_COUNT_SYSCALLS,
	OPT_SELF_TEST_SYSCALL,
	OPT_BENCH_CHILD,
	OPT_SESSION_TOKENS,
};

static const struct option long_opts[] = {
	{"ports", required_argument, NULL, OPT_PORTS},
	{"orders", required_argument, NULL, OPT_ORDERS},
	{"duration", required_argument, NULL, OPT_DURATION},
	{"symbols", required_argument, NULL, OPT_SYMBOLS},
	{"sessions", required_argument, NULL, OPT_SESSIONS},
	{"live-per-symbol", required_argument, NULL, OPT_LIVE},
	{"bad-ppm", required_argument, NULL, OPT_BAD_PPM},
	{"rate", required_argument, NULL, OPT_RATE},
	{"seed", required_argument, NULL, OPT_SEED},
	{"burst", required_argument, NULL, OPT_BURST},
	{"ip", required_argument, NULL, OPT_IP},
	{"udp-port", required_argument, NULL, OPT_UDP_PORT},
	{"workers", required_argument, NULL, OPT_WORKERS},
	{"pool-ops", required_argument, NULL, OPT_POOL_OPS},
	{"mbuf-ops", required_argument, NULL, OPT_MBUF_OPS},
	{"numa-policy", required_argument, NULL, OPT_NUMA_POLICY},
	{"pool-orders", required_argument, NULL, OPT_POOL_ORDERS},
	{"pool-levels", required_argument, NULL, OPT_POOL_LEVELS},
	{"pool-trades", required_argument, NULL, OPT_POOL_TRADES},
	{"mbufs", required_argument, NULL, OPT_MBUFS},
	{"max-levels", required_argument, NULL, OPT_MAX_LEVELS},
	{"stats-interval", required_argument, NULL, OPT_STATS},
	{"json", required_argument, NULL, OPT_JSON},
	{"pcap-out", required_argument, NULL, OPT_PCAP_OUT},
	{"pcap-resp", required_argument, NULL, OPT_PCAP_RESP},
	{"pregen", no_argument, NULL, OPT_PREGEN},
	{"self-test-leak", no_argument, NULL, OPT_SELF_TEST_LEAK},
	{"count-syscalls", no_argument, NULL, OPT_COUNT_SYSCALLS},
	{"self-test-syscall", no_argument, NULL, OPT_SELF_TEST_SYSCALL},
	{"bench-book", no_argument, NULL, OPT_BENCH_BOOK},
	{"bench-ops", required_argument, NULL, OPT_BENCH_OPS},
	{"bench-child", required_argument, NULL, OPT_BENCH_CHILD},
	{"session-tokens", required_argument, NULL, OPT_SESSION_TOKENS},
	{"help", no_argument, NULL, 'h'},
	{NULL, 0, NULL, 0},
};

/* Parse an unsigned number in [lo, hi]; -1 with a message otherwise. */
static int
parse_u64(const char *name, const char *s, uint64_t lo, uint64_t hi,
	uint64_t *out)
{
	char *end;
	unsigned long long v;

	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno != 0 || end == s || *end != '\0' || s[0] == '-' || v < lo ||
		v > hi) {
		fprintf(stderr,
			"--%s: '%s' is not a number in [%" PRIu64 ", %" PRIu64
			"]\n",
			name, s, lo, hi);
		return -1;
	}
	*out = v;
	return 0;
}

static int
parse_u32(const char *name, const char *s, uint32_t lo, uint32_t hi,
	uint32_t *out)
{
	uint64_t v;

	if (parse_u64(name, s, lo, hi, &v) < 0)
		return -1;
	*out = (uint32_t)v;
	return 0;
}

static int
parse_seconds(const char *name, const char *s, double *out)
{
	char *end;

	errno = 0;
	*out = strtod(s, &end);
	if (errno != 0 || end == s || *end != '\0' || !isfinite(*out) ||
		*out < 0 || *out > SECONDS_MAX) {
		fprintf(stderr,
			"--%s: '%s' is not a number of seconds in [0, %.0f]\n",
			name, s, SECONDS_MAX);
		return -1;
	}
	return 0;
}

/*
 * Can @p path be written? Checked before any work, so that a typo does
 * not cost a whole run; a file created for the check is removed again.
 */
static int
check_output(const char *name, const char *path)
{
	bool existed;
	int fd;

	if (path == NULL)
		return 0;
	existed = access(path, F_OK) == 0;
	fd = open(path, existed ? O_WRONLY : O_WRONLY | O_CREAT | O_EXCL, 0644);
	if (fd < 0) {
		fprintf(stderr, "--%s: cannot write '%s': %s\n", name, path,
			strerror(errno));
		return -1;
	}
	close(fd);
	if (!existed)
		unlink(path);
	return 0;
}

static int
parse_ports(struct gw_options *o, const char *s)
{
	char buf[128], *tok, *save = NULL;
	uint32_t p;

	snprintf(buf, sizeof(buf), "%s", s);
	o->nb_ports = 0;
	for (tok = strtok_r(buf, ",", &save); tok != NULL;
		tok = strtok_r(NULL, ",", &save)) {
		if (o->nb_ports == GW_MAX_PORTS ||
			parse_u32("ports", tok, 0, RTE_MAX_ETHPORTS - 1, &p) <
				0)
			return -1;
		if (!rte_eth_dev_is_valid_port((uint16_t)p)) {
			fprintf(stderr, "--ports: no port %u\n", p);
			return -1;
		}
		o->ports[o->nb_ports++] = (uint16_t)p;
	}
	return o->nb_ports > 0 ? 0 : -1;
}

static int
bad_policy(const char *arg)
{
	fprintf(stderr, "--numa-policy: '%s': local or preferred\n", arg);
	return -1;
}

static void
default_options(struct gw_options *o)
{
	memset(o, 0, sizeof(*o));
	o->symbols = 256;
	o->sessions = 16;
	o->live_per_symbol = 32;
	o->bad_ppm = 1000;
	o->seed = 1;
	o->burst = GW_BURST_DEFAULT;
	o->max_levels = 64;
	o->stats_interval = 1.0;
	o->policy = LFP_TP_POLICY_LOCAL_PREFERRED;
	o->pool_ops = LFP_TP_OPS_DEFAULT;
	o->bench_ops = 1000000;
	o->local.mac.addr_bytes[0] = 0x02;
	o->local.mac.addr_bytes[5] = 0x01;
	o->local.ip = rte_cpu_to_be_32(RTE_IPV4(10, 0, 0, 1));
	o->local.port = rte_cpu_to_be_16(GW_PROTO_UDP_PORT);
}

static int
parse_one(struct gw_options *o, int opt, const char *arg)
{
	uint32_t v32;
	uint64_t v;

	switch (opt) {
	case OPT_PORTS:
		return parse_ports(o, arg);
	case OPT_ORDERS:
		return parse_u64("orders", arg, 1, UINT64_MAX, &o->orders);
	case OPT_DURATION:
		return parse_seconds("duration", arg, &o->duration);
	case OPT_SYMBOLS:
		return parse_u32("symbols", arg, 1, GW_SYMTAB_MAX, &o->symbols);
	case OPT_SESSIONS:
		return parse_u32("sessions", arg, 1, GW_PROTO_SESSIONS - 1,
			&o->sessions);
	case OPT_LIVE:
		return parse_u32(
			"live-per-symbol", arg, 1, 4096, &o->live_per_symbol);
	case OPT_BAD_PPM:
		return parse_u32("bad-ppm", arg, 0, 1000000, &o->bad_ppm);
	case OPT_RATE:
		return parse_u64("rate", arg, 0, UINT32_MAX, &o->rate);
	case OPT_SEED:
		return parse_u64("seed", arg, 0, UINT64_MAX, &o->seed);
	case OPT_BURST:
		return parse_u32("burst", arg, 1, GW_BURST, &o->burst);
	case OPT_IP:
		if (inet_pton(AF_INET, arg, &o->local.ip) != 1) {
			fprintf(stderr, "--ip: '%s' is not an IPv4 address\n",
				arg);
			return -1;
		}
		return 0;
	case OPT_UDP_PORT:
		if (parse_u32("udp-port", arg, 1, UINT16_MAX, &v32) < 0)
			return -1;
		o->local.port = rte_cpu_to_be_16((uint16_t)v32);
		return 0;
	case OPT_WORKERS:
		return parse_u32("workers", arg, 1, RTE_MAX_LCORE, &o->workers);
	case OPT_POOL_OPS:
		o->pool_ops = arg;
		return 0;
	case OPT_MBUF_OPS:
		o->mbuf_ops = arg;
		return 0;
	case OPT_NUMA_POLICY:
		if (strcmp(arg, "local") == 0)
			o->policy = LFP_TP_POLICY_LOCAL_ONLY;
		else if (strcmp(arg, "preferred") == 0)
			o->policy = LFP_TP_POLICY_LOCAL_PREFERRED;
		else
			return bad_policy(arg);
		return 0;
	case OPT_POOL_ORDERS:
		return parse_u32(
			"pool-orders", arg, 1, 1u << 30, &o->pool_orders);
	case OPT_POOL_LEVELS:
		return parse_u32(
			"pool-levels", arg, 1, 1u << 30, &o->pool_levels);
	case OPT_POOL_TRADES:
		return parse_u32(
			"pool-trades", arg, 1, 1u << 30, &o->pool_trades);
	case OPT_MBUFS:
		return parse_u32("mbufs", arg, 1024, 1u << 24, &o->mbufs);
	case OPT_MAX_LEVELS:
		return parse_u32(
			"max-levels", arg, 1, 1u << 20, &o->max_levels);
	case OPT_STATS:
		return parse_seconds("stats-interval", arg, &o->stats_interval);
	case OPT_JSON:
		o->json_path = arg;
		return 0;
	case OPT_PCAP_OUT:
		o->pcap_out = arg;
		return 0;
	case OPT_PCAP_RESP:
		o->pcap_resp = arg;
		return 0;
	case OPT_PREGEN:
		o->pregen = true;
		return 0;
	case OPT_SELF_TEST_LEAK:
		o->self_test_leak = true;
		return 0;
	case OPT_COUNT_SYSCALLS:
		o->count_syscalls = true;
		return 0;
	case OPT_SELF_TEST_SYSCALL:
		o->self_test_syscall = true;
		return 0;
	case OPT_BENCH_BOOK:
		o->bench_book = true;
		return 0;
	case OPT_BENCH_OPS:
		if (parse_u64("bench-ops", arg, 1, UINT32_MAX, &v) < 0)
			return -1;
		o->bench_ops = v;
		return 0;
	case OPT_SESSION_TOKENS:
		o->session_tokens = arg;
		return 0;
	case OPT_BENCH_CHILD:
		o->bench_child = arg;
		o->bench_book = true;
		return 0;
	default:
		return -1;
	}
}

/* 0, 1 after --help, -1 on a bad option. */
static int
parse_options(struct gw_options *o, int argc, char **argv)
{
	int opt;

	default_options(o);
	optind = 1;
	while ((opt = getopt_long(argc, argv, "h", long_opts, NULL)) != -1) {
		if (opt == 'h') {
			usage(argv[0]);
			return 1;
		}
		if (opt == '?' || parse_one(o, opt, optarg) < 0)
			return -1;
	}
	if (optind < argc) {
		fprintf(stderr, "unexpected argument '%s'\n", argv[optind]);
		return -1;
	}
	if (o->nb_ports == 0 && o->orders == 0 && o->duration == 0)
		o->orders = DEFAULT_ORDERS;
	if (o->mbuf_ops == NULL)
		o->mbuf_ops = o->pool_ops;
	if (o->pregen && (o->orders == 0 || o->nb_ports > 0)) {
		fprintf(stderr, "--pregen needs --orders and no --ports\n");
		return -1;
	}
	if (o->nb_ports > 0 && o->session_tokens == NULL) {
		fprintf(stderr,
			"--ports needs --session-tokens FILE: a session "
			"logs on with its token\n");
		return -1;
	}
	if (check_output("json", o->json_path) < 0 ||
		check_output("pcap-out", o->pcap_out) < 0 ||
		check_output("pcap-resp", o->pcap_resp) < 0)
		return -1;
	return 0;
}

/*
 * An explicit pool size the lcores' caches could swallow whole: the
 * flow would find no object (--pool-trades 1: no trade ever) or far
 * fewer than asked for. -1 with the smallest size that works.
 */
static int
check_pool_size(const char *name, uint32_t n, uint32_t caches)
{
	if (n == 0 || n > caches)
		return 0;
	fprintf(stderr,
		"--%s %u: the mempool caches of %u lcore(s) can hold %u "
		"objects; the smallest size that works is %u\n",
		name, n, rte_lcore_count(), caches, caches + 1);
	return -1;
}

/*
 * Pool sizes not given: the embedded flow rests at most symbols x
 * live-per-symbol orders; each lcore's mempool cache may hold up to 1.5 x
 * 256 objects besides (DPDK's flush threshold). Sizes given must leave
 * objects beyond the caches. -1 after a message.
 */
static int
size_pools(struct gw_options *o)
{
	uint32_t caches = rte_lcore_count() * LCORE_CACHE_MAX;
	uint64_t resting = (uint64_t)o->symbols * o->live_per_symbol;

	if (check_pool_size("pool-orders", o->pool_orders, caches) < 0 ||
		check_pool_size("pool-levels", o->pool_levels, caches) < 0 ||
		check_pool_size("pool-trades", o->pool_trades, caches) < 0)
		return -1;
	if (o->nb_ports > 0)
		resting = RTE_MAX(resting, (uint64_t)65536);
	if (o->pool_orders == 0)
		o->pool_orders = (uint32_t)RTE_MIN(
			resting + caches + RTE_MAX_LCORE, (uint64_t)1 << 30);
	if (o->pool_levels == 0)
		o->pool_levels = o->pool_orders;
	if (o->pool_trades == 0)
		o->pool_trades = caches + 1024;
	if (o->mbufs == 0)
		o->mbufs = rte_lcore_count() *
				(GW_REQ_RING + GW_RSP_RING + 2048) +
			4096;
	return 0;
}

static int
create_pools(struct gw_app *app)
{
	struct lfp_tp_conf conf;
	unsigned int t, lcore;
	char name[RTE_MEMPOOL_NAMESIZE];
	int s;

	lfp_tp_conf_init(&conf);
	snprintf(conf.name, sizeof(conf.name), "gw");
	conf.ops_name = app->opt.pool_ops;
	conf.policy = app->opt.policy;
	for (t = LFP_TP_TYPE_BUF_64; t < LFP_TP_TYPE_MAX; t++)
		conf.type[t].count = 0;
	conf.type[LFP_TP_TYPE_ORDER].count = app->opt.pool_orders;
	conf.type[LFP_TP_TYPE_ORDER_NODE].count = app->opt.pool_orders;
	conf.type[LFP_TP_TYPE_PRICE_LEVEL].count = app->opt.pool_levels;
	conf.type[LFP_TP_TYPE_TRADE].count = app->opt.pool_trades;
	app->pools = lfp_tp_create(&conf);
	if (app->pools == NULL) {
		GW_LOG(ERR, "typed pools: %s", rte_strerror(rte_errno));
		return -1;
	}
	RTE_LCORE_FOREACH(lcore)
	{
		s = (int)rte_lcore_to_socket_id(lcore);
		if (app->mbuf_pool[s] != NULL)
			continue;
		snprintf(name, sizeof(name), "gw_mbuf_s%d", s);
		app->mbuf_pool[s] = rte_pktmbuf_pool_create_by_ops(name,
			app->opt.mbufs, MBUF_CACHE, 0,
			RTE_MBUF_DEFAULT_BUF_SIZE, s, app->opt.mbuf_ops);
		if (app->mbuf_pool[s] == NULL) {
			GW_LOG(ERR,
				"mbuf pool on socket %d (%u mbufs, ops %s)"
				": %s",
				s, app->opt.mbufs, app->opt.mbuf_ops,
				rte_strerror(rte_errno));
			return -1;
		}
	}
	return lfp_tp_warmup(app->pools) == 0 ? 0 : -1;
}

int
gw_port_start(uint16_t port, uint16_t nq, struct rte_mempool *mp)
{
	struct rte_eth_conf conf;
	struct rte_eth_dev_info info;
	uint16_t nrx = 1024, ntx = 1024, q;
	int socket = rte_eth_dev_socket_id(port), ret;

	memset(&conf, 0, sizeof(conf));
	ret = rte_eth_dev_info_get(port, &info);
	if (ret == 0 && (nq > info.max_rx_queues || nq > info.max_tx_queues))
		ret = -EINVAL;
	if (ret == 0)
		ret = rte_eth_dev_configure(port, nq, nq, &conf);
	if (ret == 0)
		ret = rte_eth_dev_adjust_nb_rx_tx_desc(port, &nrx, &ntx);
	for (q = 0; ret == 0 && q < nq; q++) {
		ret = rte_eth_rx_queue_setup(port, q, nrx, socket, NULL, mp);
		if (ret == 0)
			ret = rte_eth_tx_queue_setup(
				port, q, ntx, socket, NULL);
	}
	if (ret == 0)
		ret = rte_eth_dev_start(port);
	if (ret < 0) {
		GW_LOG(ERR, "port %u with %u queue pair(s): %s", port, nq,
			strerror(-ret));
		return ret;
	}
	/* Not every device has a promiscuous mode (net_ring does not). */
	rte_eth_promiscuous_enable(port);
	return 0;
}

void
gw_port_stop(uint16_t port)
{
	rte_eth_dev_stop(port);
	rte_eth_dev_close(port);
}

static int
setup_ports(struct gw_app *app)
{
	struct rte_mempool *mp;
	uint16_t i, p;
	int s;

	if (app->opt.nb_ports == 0) {
		app->client = gw_client_create(app, &app->ports[0]);
		app->nb_ports = app->client != NULL ? 1 : 0;
		return app->client != NULL ? 0 : -1;
	}
	for (i = 0; i < app->opt.nb_ports; i++) {
		p = app->opt.ports[i];
		s = rte_eth_dev_socket_id(p);
		mp = app->mbuf_pool[s >= 0 && app->mbuf_pool[s] != NULL ?
				s :
				(int)rte_socket_id()];
		if (gw_port_start(p, app->nb_workers, mp) < 0)
			return -1;
		app->ports[app->nb_ports++] = p;
	}
	/* Answer with the first port's own MAC address. */
	rte_eth_macaddr_get(app->ports[0], &app->opt.local.mac);
	return 0;
}

static unsigned int
worker_lcores(const struct gw_app *app, unsigned int *lcores)
{
	unsigned int n = 0, lcore;

	RTE_LCORE_FOREACH_WORKER(lcore)
	{
		if (app->opt.workers != 0 && n == app->opt.workers)
			break;
		lcores[n++] = lcore;
	}
	if (n == 0)
		lcores[n++] = rte_get_main_lcore();
	return n;
}

/* --count-syscalls on a worker lcore (the main lcore's loop also runs the
 * client, whose calls are not the worker's).
 */
static int
count_syscalls(const struct gw_app *app, struct gw_worker *w)
{
	int rc;

	if (!app->opt.count_syscalls)
		return 0;
	if (app->inline_worker) {
		GW_LOG(WARNING,
			"--count-syscalls: no worker lcore, not counted");
		return 0;
	}
	rc = gw_worker_count_syscalls(w);
	if (rc < 0)
		GW_LOG(ERR, "--count-syscalls: %s", strerror(-rc));
	return rc;
}

static int
create_workers(struct gw_app *app)
{
	unsigned int lcores[RTE_MAX_LCORE], n, i;

	n = worker_lcores(app, lcores);
	app->inline_worker = lcores[0] == rte_get_main_lcore();
	pthread_mutex_lock(&app->tel_lock);
	app->nb_workers = n;
	pthread_mutex_unlock(&app->tel_lock);
	app->symtab = gw_symtab_create(app->opt.symbols, (int)rte_socket_id());
	if (app->symtab == NULL)
		return -1;
	if (create_pools(app) < 0 || setup_ports(app) < 0)
		return -1;
	for (i = 0; i < n; i++) {
		struct gw_worker *w = gw_worker_create(app, lcores[i], i);

		if (w == NULL)
			return -1;
		pthread_mutex_lock(&app->tel_lock);
		app->workers[i] = w;
		pthread_mutex_unlock(&app->tel_lock);
		if (count_syscalls(app, w) < 0)
			return -1;
	}
	return 0;
}

static void
announce(const struct gw_app *app)
{
	char ip[INET_ADDRSTRLEN], mac[RTE_ETHER_ADDR_FMT_SIZE];

	inet_ntop(AF_INET, &app->opt.local.ip, ip, sizeof(ip));
	rte_ether_format_addr(mac, sizeof(mac), &app->opt.local.mac);
	GW_LOG(NOTICE, "%s:%u (%s) on %s, %u worker(s), %u symbols", ip,
		rte_be_to_cpu_16(app->opt.local.port), mac,
		app->client != NULL ? "the embedded net_ring flow" : "--ports",
		app->nb_workers, gw_symtab_count(app->symtab));
}

static void
on_signal(int sig)
{
	RTE_SET_USED(sig);
	/* Async-signal-safe (lock-free). Relaxed: a stop request orders
	 * nothing; pairs with the relaxed loads of the polling loops.
	 */
	__atomic_store_n(&gw_app.stop, 1, __ATOMIC_RELAXED);
}

static bool
stopped(void)
{
	/* Pairs with on_signal(): a hint, no data depends on it. */
	return __atomic_load_n(&gw_app.stop, __ATOMIC_RELAXED) != 0;
}

static bool
workers_exited(const struct gw_app *app)
{
	unsigned int i;

	for (i = 0; i < app->nb_workers; i++)
		/* Pairs with the worker's release store after its purge. */
		if (!__atomic_load_n(
			    &app->workers[i]->exited, __ATOMIC_ACQUIRE))
			return false;
	return true;
}

static uint64_t
rx_total(const struct gw_app *app)
{
	struct gw_engine_stats e;
	struct gw_worker_stats w;

	gw_stats_totals(app, &e, &w);
	return w.rx_pkts;
}

/* Periodic statistics, from the main lcore. */
static void
tick(struct gw_app *app, uint64_t *next)
{
	uint64_t now = rte_rdtsc();

	if (app->opt.stats_interval <= 0 || now < *next)
		return;
	gw_stats_tick(
		app, (double)(now - app->tsc_start) / (double)app->tsc_hz);
	*next = now + (uint64_t)(app->opt.stats_interval * (double)app->tsc_hz);
}

/* Embedded flow: feed the ports until every request is in, then wait. */
static void
run_embedded(struct gw_app *app, uint64_t *next)
{
	struct gw_worker *w0 = app->workers[0];
	bool sent_all = false;
	unsigned int n = 1;

	while (!stopped()) {
		sent_all = gw_client_step(app->client);
		if (app->inline_worker)
			n = gw_worker_poll(w0);
		if (sent_all && !app->inline_worker)
			/* Pairs with the workers' acquire load: every
			 * request was enqueued before this store.
			 */
			__atomic_store_n(&app->input_done, 1, __ATOMIC_RELEASE);
		if (sent_all &&
			(app->inline_worker ? n == 0 : workers_exited(app)))
			break;
		tick(app, next);
	}
}

/* External ports: run until the order count, the duration, or a signal. */
static void
run_ports(struct gw_app *app, uint64_t *next)
{
	uint64_t stop_at = app->opt.duration > 0 ? app->tsc_start +
			(uint64_t)(app->opt.duration * (double)app->tsc_hz) :
						   UINT64_MAX;

	while (!stopped()) {
		if (app->inline_worker)
			gw_worker_poll(app->workers[0]);
		if (app->opt.orders != 0 && rx_total(app) >= app->opt.orders)
			break;
		if (rte_rdtsc() >= stop_at)
			break;
		tick(app, next);
	}
	/* Stop RX: the workers finish their burst and return. Relaxed as in
	 * on_signal(); the join publishes what they did.
	 */
	__atomic_store_n(&app->stop, 1, __ATOMIC_RELAXED);
}

/*
 * Join the workers, saying so when one does not leave its loop promptly
 * (an lcore stopped by a debugger or SIGSTOP, or starved of CPU), so that
 * a shutdown that seems to hang tells why.
 */
static void
wait_workers(struct gw_app *app)
{
	uint64_t until = rte_rdtsc() + app->tsc_hz * WORKER_WAIT_LOG_MS / 1000;
	unsigned int i;

	if (app->inline_worker)
		return;
	while (!workers_exited(app) && rte_rdtsc() < until)
		rte_delay_us_sleep(1000);
	for (i = 0; i < app->nb_workers; i++)
		/* Pairs with the worker's release store, as workers_exited(). */
		if (!__atomic_load_n(
			    &app->workers[i]->exited, __ATOMIC_ACQUIRE))
			GW_LOG(NOTICE,
				"shutdown: waiting for worker %u (lcore %u) to "
				"leave its loop",
				i, app->workers[i]->lcore);
	rte_eal_mp_wait_lcore();
}

static void
run(struct gw_app *app)
{
	uint64_t next;
	unsigned int i;

	if (app->inline_worker)
		gw_worker_locate_pools(app->workers[0]);
	app->tsc_start = rte_rdtsc();
	next = app->tsc_start +
		(uint64_t)(app->opt.stats_interval * (double)app->tsc_hz);
	if (!app->inline_worker)
		for (i = 0; i < app->nb_workers; i++)
			rte_eal_remote_launch(gw_worker_main, app->workers[i],
				app->workers[i]->lcore);
	if (app->client != NULL)
		run_embedded(app, &next);
	else
		run_ports(app, &next);
	wait_workers(app);
	/* Joined already; the flags' acquire makes the order visible to
	 * ThreadSanitizer, which does not see inside EAL's wait.
	 */
	while (!app->inline_worker && !workers_exited(app))
		rte_pause();
	app->tsc_end = rte_rdtsc();
	if (app->inline_worker)
		gw_worker_purge(app->workers[0]);
}

/* After the run: everything back? Stops the ports first (RX rings). */
static bool
check_leaks(struct gw_app *app)
{
	bool leak = false;
	unsigned int s, i;

	if (app->client != NULL)
		gw_client_drain(app->client);
	for (i = 0; app->client == NULL && i < app->nb_ports; i++)
		gw_port_stop(app->ports[i]);
	if (!lfp_tp_full(app->pools)) {
		GW_LOG(ERR, "typed pools not full after shutdown");
		lfp_tp_stats_dump(stderr, app->pools);
		leak = true;
	}
	for (s = 0; s < RTE_MAX_NUMA_NODES; s++) {
		if (app->mbuf_pool[s] == NULL ||
			rte_mempool_full(app->mbuf_pool[s]))
			continue;
		GW_LOG(ERR, "%s: %u mbufs not returned",
			app->mbuf_pool[s]->name,
			rte_mempool_in_use_count(app->mbuf_pool[s]));
		leak = true;
	}
	return leak;
}

/*
 * Free everything, telemetry stopped first: a client's handler may read
 * the workers or any pool (DPDK's /mempool/list included) until then.
 */
static void
teardown(struct gw_app *app)
{
	unsigned int i, n = app->nb_workers, s;

	gw_telemetry_stop(app);
	pthread_mutex_lock(&app->tel_lock);
	app->nb_workers = 0;
	pthread_mutex_unlock(&app->tel_lock);
	for (i = 0; i < n; i++)
		gw_worker_free(app->workers[i]);
	gw_client_free(app->client);
	lfp_tp_free(app->pools);
	for (s = 0; s < RTE_MAX_NUMA_NODES; s++)
		rte_mempool_free(app->mbuf_pool[s]);
	gw_symtab_free(app->symtab);
}

/* The sessions' tokens: from --session-tokens, or random (embedded). */
static int
load_tokens(struct gw_app *app)
{
	int rc;

	gw_sessions_init(&app->sessions);
	if (app->opt.session_tokens != NULL)
		return gw_sessions_load(
			&app->sessions, app->opt.session_tokens);
	rc = gw_sessions_random(&app->sessions, GW_PROTO_SESSIONS - 1);
	if (rc < 0)
		fprintf(stderr, "session tokens: getrandom(): %s\n",
			strerror(-rc));
	return rc;
}

/* Before rte_eal_init() reorders argv: see gw_app.bench_argv. */
static void
keep_argv(struct gw_app *app, int argc, char **argv)
{
	unsigned int i;

	app->bench_argc = RTE_MIN(
		(unsigned int)argc, (unsigned int)GW_BENCH_ARGV_MAX);
	app->bench_eal_args = app->bench_argc;
	for (i = 0; i < app->bench_argc; i++) {
		app->bench_argv[i] = argv[i];
		if (strcmp(argv[i], "--") == 0 &&
			app->bench_eal_args == app->bench_argc)
			app->bench_eal_args = i;
	}
}

/* Telemetry stopped before EAL goes: see teardown(). */
static int
finish(struct gw_app *app, int status)
{
	teardown(app);
	rte_eal_cleanup();
	return status;
}

int
main(int argc, char **argv)
{
	struct gw_app *app = &gw_app;
	struct lfp_order *held = NULL;
	int ret, status = GW_EXIT_OK;
	bool leak;

	/* A telemetry client that goes away mid-reply must not kill us. */
	signal(SIGPIPE, SIG_IGN);
	keep_argv(app, argc, argv);
	ret = rte_eal_init(argc, argv);
	if (ret < 0)
		rte_exit(EXIT_FAILURE, "EAL: %s\n", rte_strerror(rte_errno));
	argc -= ret;
	argv += ret;
	argv[0] = argv[-ret];
	ret = parse_options(&app->opt, argc, argv);
	if (ret == 0 && size_pools(&app->opt) < 0)
		ret = -1;
	if (ret == 0 && load_tokens(app) < 0)
		ret = -1;
	if (ret != 0) {
		if (ret < 0)
			fprintf(stderr, "try '%s -- --help'\n", argv[0]);
		return finish(app, ret < 0 ? GW_EXIT_USAGE : GW_EXIT_OK);
	}
	app->tsc_hz = rte_get_tsc_hz();
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	if (app->opt.bench_book)
		return finish(app, bench_exit(gw_bench_book(app)));
	if (create_workers(app) < 0)
		return finish(app, GW_EXIT_ERROR);
	if (app->opt.self_test_leak)
		held = lfp_tp_order_create(app->pools, 0,
			&(struct lfp_tp_symbol){.c = "LEAK"}, LFP_TP_SIDE_BUY,
			LFP_TP_ORDER_LIMIT, 1, 1, 0);
	announce(app);
	run(app);
	leak = check_leaks(app);
	lfp_tp_order_free(app->pools, held);
	gw_stats_summary(app, stdout, leak);
	if (app->opt.json_path != NULL &&
		gw_stats_json(app, app->opt.json_path, leak) < 0) {
		GW_LOG(ERR, "cannot write %s", app->opt.json_path);
		status = GW_EXIT_ERROR;
	}
	/* Whatever happens in the teardown, the verdict is out. */
	fflush(stdout);
	return finish(app, leak ? GW_EXIT_LEAK : status);
}
