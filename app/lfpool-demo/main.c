/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The lfpool authors
 */

/*
 * lfpool-demo: the shortest real use of the lfpool driver. Creates a mempool
 * with ops "lfpool", has every lcore allocate, touch and free objects in
 * bulk for a while, then prints what each lcore did, the driver's own
 * statistics, and checks that every object came back.
 */

#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_common.h>
#include <rte_cycles.h>
#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_launch.h>
#include <rte_lcore.h>
#include <rte_log.h>
#include <rte_mempool.h>

#include "lfp_eal_exit.h"
#include "lfp_mempool.h"
#include "lfp_opt_mempool.h"

#define RTE_LOGTYPE_DEMO RTE_LOGTYPE_USER1
#define MAX_BULK 64

struct demo_conf {
	unsigned int objects;
	unsigned int obj_size;
	unsigned int cache_size;
	unsigned int bulk;
	unsigned int seconds;
	const char *ops;
};

struct lcore_result {
	uint64_t pairs;	 /* get+put round trips of one object */
	uint64_t failed; /* bulk gets refused (pool momentarily empty) */
	uint64_t cycles;
} __rte_cache_aligned;

static struct demo_conf conf = {
	.objects = 16383,
	.obj_size = 256,
	.cache_size = 0,
	.bulk = 32,
	.seconds = 2,
	.ops = LFP_MEMPOOL_OPS_NAME,
};
static struct lcore_result results[RTE_MAX_LCORE];
static volatile bool force_quit;

static void
usage(const char *prog)
{
	printf("Usage: %s [EAL options] -- [options]\n"
	       "  --objects N   objects in the pool (default %u)\n"
	       "  --size B      object size in bytes (default %u)\n"
	       "  --cache N     rte_mempool per-lcore cache size, 0 to let the\n"
	       "                driver's own caches serve (default %u)\n"
	       "  --bulk N      objects per get/put, 1..%u (default %u)\n"
	       "  --seconds S   how long each lcore runs (default %u)\n"
	       "  --ops NAME    mempool ops to use (default %s)\n"
	       "  -h, --help    this text\n",
		prog, conf.objects, conf.obj_size, conf.cache_size, MAX_BULK,
		conf.bulk, conf.seconds, conf.ops);
}

static int
parse_args(int argc, char **argv)
{
	static const struct option longopts[] = {
		{"objects", required_argument, NULL, 'o'},
		{"size", required_argument, NULL, 's'},
		{"cache", required_argument, NULL, 'c'},
		{"bulk", required_argument, NULL, 'b'},
		{"seconds", required_argument, NULL, 't'},
		{"ops", required_argument, NULL, 'p'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	int opt, ret = 0;

	while (ret == 0 &&
		(opt = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (opt) {
		case 'o':
			ret = lfp_opt_uint("--objects", optarg, 64, 1U << 26,
				&conf.objects);
			break;
		case 's':
			ret = lfp_opt_uint(
				"--size", optarg, 8, 1U << 20, &conf.obj_size);
			break;
		case 'c':
			ret = lfp_opt_uint("--cache", optarg, 0,
				RTE_MEMPOOL_CACHE_MAX_SIZE, &conf.cache_size);
			break;
		case 'b':
			ret = lfp_opt_uint(
				"--bulk", optarg, 1, MAX_BULK, &conf.bulk);
			break;
		case 't':
			ret = lfp_opt_uint(
				"--seconds", optarg, 1, 3600, &conf.seconds);
			break;
		case 'p':
			ret = lfp_opt_mempool_ops("--ops", optarg);
			conf.ops = optarg;
			break;
		case 'h':
			usage(argv[0]);
			exit(EXIT_SUCCESS);
		default:
			usage(argv[0]);
			return -EINVAL;
		}
	}
	if (ret == 0 && optind < argc) {
		RTE_LOG(ERR, DEMO, "unexpected argument '%s'\n", argv[optind]);
		ret = -EINVAL;
	}
	return ret;
}

static void
on_signal(int sig)
{
	RTE_SET_USED(sig);
	force_quit = true;
}

/* Writes to the objects as a constructor would, so they are really used. */
static void
touch(void **objs, unsigned int n, uint64_t stamp)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		*(uint64_t *)objs[i] = stamp;
}

static int
lcore_loop(void *arg)
{
	struct rte_mempool *mp = arg;
	struct lcore_result *res = &results[rte_lcore_id()];
	uint64_t start = rte_get_timer_cycles();
	uint64_t stop = start + conf.seconds * rte_get_timer_hz();
	void *objs[MAX_BULK];

	while (!force_quit && rte_get_timer_cycles() < stop) {
		if (rte_mempool_get_bulk(mp, objs, conf.bulk) != 0) {
			res->failed++;
			continue;
		}
		touch(objs, conf.bulk, res->pairs);
		rte_mempool_put_bulk(mp, objs, conf.bulk);
		res->pairs += conf.bulk;
	}
	res->cycles = rte_get_timer_cycles() - start;
	return 0;
}

static struct rte_mempool *
pool_create(void)
{
	struct rte_mempool *mp;
	int ret;

	mp = rte_mempool_create_empty("lfpool_demo", conf.objects,
		conf.obj_size, conf.cache_size, 0, rte_socket_id(), 0);
	if (mp == NULL) {
		RTE_LOG(ERR, DEMO, "cannot create pool: %s\n",
			rte_strerror(rte_errno));
		return NULL;
	}
	ret = rte_mempool_set_ops_byname(mp, conf.ops, NULL);
	if (ret == 0 && rte_mempool_populate_default(mp) < 0)
		ret = -rte_errno;
	if (ret < 0) {
		RTE_LOG(ERR, DEMO, "cannot set up pool with ops %s: %s\n",
			conf.ops, rte_strerror(-ret));
		rte_mempool_free(mp);
		return NULL;
	}
	return mp;
}

static void
print_lcore_results(void)
{
	unsigned int lcore;
	double hz = rte_get_timer_hz(), rate, total = 0;

	printf("\n%-6s %14s %12s %10s\n", "lcore", "objects", "Mobj/s",
		"failed");
	RTE_LCORE_FOREACH(lcore)
	{
		const struct lcore_result *r = &results[lcore];

		rate = r->cycles ? r->pairs * hz / r->cycles / 1e6 : 0;
		total += rate;
		printf("%-6u %14" PRIu64 " %12.1f %10" PRIu64 "\n", lcore,
			r->pairs, rate, r->failed);
	}
	printf("%-6s %14s %12.1f\n", "total", "", total);
}

static void
print_driver_stats(const struct rte_mempool *mp)
{
	struct lfp_mempool_stats st;

	if (lfp_mempool_stats_get(mp, &st, NULL) != 0) {
		printf("\n(no lfpool statistics: pool uses ops %s)\n",
			rte_mempool_get_ops(mp->ops_index)->name);
		return;
	}
	printf("\nlfpool driver statistics for %s:\n"
	       "  objects got %" PRIu64 ", put %" PRIu64
	       ", failed gets %" PRIu64 "\n"
	       "  driver cache hits %" PRIu64 ", misses %" PRIu64
	       ", magazines from/to depot %" PRIu64 "/%" PRIu64 "\n"
	       "  peak in use %" PRIu64 ", magazines %" PRIu64
	       ", driver metadata %" PRIu64 " B (%.2f B per object)\n",
		mp->name, st.get_objs, st.put_objs, st.get_fail_bulk,
		st.cache_hits, st.cache_misses, st.depot_gets, st.depot_puts,
		st.peak_in_use, st.magazines, st.metadata_bytes,
		(double)st.metadata_bytes / mp->size);
}

int
main(int argc, char **argv)
{
	struct rte_mempool *mp;
	unsigned int avail;
	int ret;

	lfp_eal_rmdir_at_exit();
	ret = rte_eal_init(argc, argv);
	if (ret < 0)
		rte_exit(EXIT_FAILURE, "cannot init EAL: %s\n",
			rte_strerror(rte_errno));
	argc -= ret;
	argv += ret;
	if (parse_args(argc, argv) < 0)
		rte_exit(
			LFP_OPT_EXIT_USAGE, "invalid arguments (see --help)\n");
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);

	mp = pool_create();
	if (mp == NULL)
		rte_exit(EXIT_FAILURE, "no pool\n");
	printf("pool %s: %u objects of %u B, cache %u, ops %s, %u lcores, "
	       "bulk %u, %u s\n",
		mp->name, mp->size, conf.obj_size, conf.cache_size, conf.ops,
		rte_lcore_count(), conf.bulk, conf.seconds);

	rte_eal_mp_remote_launch(lcore_loop, mp, CALL_MAIN);
	rte_eal_mp_wait_lcore();

	print_lcore_results();
	print_driver_stats(mp);
	avail = rte_mempool_avail_count(mp);
	printf("\navailable after the run: %u of %u: %s\n", avail, mp->size,
		avail == mp->size ? "every object came back" : "LEAK");
	ret = avail == mp->size ? EXIT_SUCCESS : EXIT_FAILURE;
	rte_mempool_free(mp);
	rte_eal_cleanup();
	return ret;
}
