/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The lfpool authors
 */

/*
 * mbuf_pool: an mbuf pool on the lfpool driver.
 *
 *   mbuf_pool [EAL options] -- [--plain] [--mbufs N]
 *
 * By default the pool is created with rte_pktmbuf_pool_create_by_ops(...,
 * "lfpool"). With --plain it is created with rte_pktmbuf_pool_create(), so
 * the driver comes from EAL's --mbuf-pool-ops-name (e.g. lfpool), with no
 * code change. Every lcore then allocates and frees mbufs, and the counts
 * (and lfpool's statistics, when the pool uses it) are printed.
 */

#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_common.h>
#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_launch.h>
#include <rte_lcore.h>
#include <rte_mbuf.h>
#include <rte_mbuf_pool_ops.h>
#include <rte_mempool.h>

#include "lfp_mempool.h"
#include "lfp_opt.h"

#define BURST 32
/* A pool of 4 Mi mbufs of 2 KiB data room is 9 GiB already. */
#define MAX_MBUFS (1u << 22)
#define ROUNDS 1000
#define CACHE_SIZE 256

static bool plain;
static unsigned int nb_mbufs = 8191;

static void
usage(const char *prog)
{
	printf("Usage: %s [EAL options] -- [--plain] [--mbufs N]\n"
	       "  --plain    create the pool with rte_pktmbuf_pool_create():\n"
	       "             the driver is EAL's --mbuf-pool-ops-name\n"
	       "  --mbufs N  mbufs in the pool (default %u)\n",
		prog, nb_mbufs);
}

static int
parse_args(int argc, char **argv)
{
	static const struct option opts[] = {
		{"plain", no_argument, NULL, 'p'},
		{"mbufs", required_argument, NULL, 'n'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	int c;

	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'p':
			plain = true;
			break;
		case 'n':
			if (lfp_opt_uint("--mbufs", optarg, 2 * BURST,
				    MAX_MBUFS, &nb_mbufs) != 0)
				return -1;
			break;
		default:
			usage(argv[0]);
			return -1;
		}
	}
	return 0;
}

/* Allocate and free bursts; keep a few mbufs between rounds. */
static int
lcore_churn(void *arg)
{
	struct rte_mempool *mp = arg;
	struct rte_mbuf *burst[BURST];
	unsigned int round, failed = 0;

	for (round = 0; round < ROUNDS; round++) {
		if (rte_pktmbuf_alloc_bulk(mp, burst, BURST) != 0) {
			failed++;
			continue;
		}
		rte_pktmbuf_free_bulk(burst, BURST);
	}
	printf("lcore %u: %u bursts of %u mbufs allocated and freed, "
	       "%u refused\n",
		rte_lcore_id(), ROUNDS - failed, BURST, failed);
	return 0;
}

static void
print_counts(const char *when, struct rte_mempool *mp)
{
	printf("%s: %u available, %u in use (of %u)\n", when,
		rte_mempool_avail_count(mp), rte_mempool_in_use_count(mp),
		mp->size);
}

static void
print_lfpool_stats(const struct rte_mempool *mp)
{
	struct lfp_mempool_stats st;

	if (lfp_mempool_stats_get(mp, &st, NULL) != 0)
		return;
	printf("lfpool: %" PRIu64 " gets, %" PRIu64 " puts, %" PRIu64
	       " cache hits, %" PRIu64 " misses, %" PRIu64
	       " magazines, %" PRIu64
	       " bytes of metadata (%.2f B/mbuf), peak in use %" PRIu64 "\n",
		st.get_bulk, st.put_bulk, st.cache_hits, st.cache_misses,
		st.magazines, st.metadata_bytes,
		(double)st.metadata_bytes / mp->size, st.peak_in_use);
}

int
main(int argc, char **argv)
{
	struct rte_mbuf *held[BURST];
	struct rte_mempool *mp;
	int ret;

	ret = rte_eal_init(argc, argv);
	if (ret < 0)
		rte_exit(EXIT_FAILURE, "EAL init: %s\n",
			rte_strerror(rte_errno));
	argc -= ret;
	argv += ret;
	if (parse_args(argc, argv) < 0)
		rte_exit(LFP_OPT_EXIT_USAGE, "bad arguments\n");

	if (plain)
		mp = rte_pktmbuf_pool_create("mbuf_pool", nb_mbufs, CACHE_SIZE,
			0, RTE_MBUF_DEFAULT_BUF_SIZE, rte_socket_id());
	else
		mp = rte_pktmbuf_pool_create_by_ops("mbuf_pool", nb_mbufs,
			CACHE_SIZE, 0, RTE_MBUF_DEFAULT_BUF_SIZE,
			rte_socket_id(), LFP_MEMPOOL_OPS_NAME);
	if (mp == NULL)
		rte_exit(EXIT_FAILURE, "mbuf pool: %s\n",
			rte_strerror(rte_errno));
	printf("pool %s: %u mbufs, ops \"%s\" (best mbuf ops: \"%s\")\n",
		mp->name, mp->size, rte_mempool_get_ops(mp->ops_index)->name,
		rte_mbuf_best_mempool_ops());
	print_counts("created", mp);

	if (rte_pktmbuf_alloc_bulk(mp, held, BURST) != 0)
		rte_exit(EXIT_FAILURE, "cannot allocate %u mbufs\n", BURST);
	print_counts("holding a burst", mp);

	rte_eal_mp_remote_launch(lcore_churn, mp, CALL_MAIN);
	rte_eal_mp_wait_lcore();

	rte_pktmbuf_free_bulk(held, BURST);
	print_counts("all freed", mp);
	print_lfpool_stats(mp);

	rte_mempool_free(mp);
	rte_eal_cleanup();
	return 0;
}
