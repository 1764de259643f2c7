/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The lfpool authors
 */

/*
 * What a trading application does with lib/tradepool, step by step:
 *   1. create typed pools for the sockets of its lcores, with a policy;
 *   2. warm them up (page faults and cache fills happen now, not later);
 *   3. create a resting sell order and put it in a price level;
 *   4. let an incoming buy order cross it: one trade, released by scope;
 *   5. cancel the rest of the sell order;
 *   6. run a short create/free burst on every lcore;
 *   7. print the statistics and check that every pool is full again.
 *
 * Usage: trading_pools [EAL args] -- [--policy local_only|local_preferred]
 *                      [--ops NAME] [--orders N] [--burst N]
 */

#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_cycles.h>
#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_launch.h>
#include <rte_lcore.h>
#include <rte_mempool.h>

#include "lfp_eal_exit.h"
#include "lfp_opt_mempool.h"
#include "lfp_tradepool.h"

/* Order pool size per socket, and create/free pairs per lcore. */
#define MAX_ORDERS (1u << 24)
#define MAX_BURST (1u << 30)

struct options {
	enum lfp_tp_policy policy;
	const char *ops;
	uint32_t orders;
	uint32_t burst;
};

static struct lfp_tp_pools *pools;
static struct lfp_tp_symbol acme;

static void
usage(const char *prog)
{
	printf("Usage: %s [EAL args] -- [options]\n"
	       "  --policy P   local_preferred (default) or local_only\n"
	       "  --ops NAME   mempool ops (default: lfpool if registered, "
	       "else ring_mp_mc)\n"
	       "  --orders N   Order pool size per socket (default 10000)\n"
	       "  --burst N    create/free pairs per lcore (default 100000)\n"
	       "  -h, --help   this text\n",
		prog);
}

/* Mempool ops registered in this process? (lookup is by name) */
static bool
ops_registered(const char *name)
{
	unsigned int i;

	for (i = 0; i < rte_mempool_ops_table.num_ops; i++)
		if (strcmp(rte_mempool_ops_table.ops[i].name, name) == 0)
			return true;
	return false;
}

static int
parse_args(int argc, char **argv, struct options *o)
{
	static const struct option longopts[] = {
		{"policy", required_argument, NULL, 'p'},
		{"ops", required_argument, NULL, 'o'},
		{"orders", required_argument, NULL, 'n'},
		{"burst", required_argument, NULL, 'b'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	static const char *const policies[] = {
		"local_preferred",
		"local_only",
	};
	unsigned int policy;
	int c, rc = 0;

	o->policy = LFP_TP_POLICY_LOCAL_PREFERRED;
	o->ops = ops_registered(LFP_TP_OPS_DEFAULT) ? LFP_TP_OPS_DEFAULT :
						      "ring_mp_mc";
	o->orders = 10000;
	o->burst = 100000;
	while (rc == 0 &&
		(c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (c) {
		case 'p':
			rc = lfp_opt_name("--policy", optarg, policies,
				RTE_DIM(policies), &policy);
			o->policy = policy == 1 ? LFP_TP_POLICY_LOCAL_ONLY :
						  LFP_TP_POLICY_LOCAL_PREFERRED;
			break;
		case 'o':
			rc = lfp_opt_mempool_ops("--ops", optarg);
			o->ops = optarg;
			break;
		case 'n':
			rc = lfp_opt_uint(
				"--orders", optarg, 1, MAX_ORDERS, &o->orders);
			break;
		case 'b':
			rc = lfp_opt_uint(
				"--burst", optarg, 1, MAX_BURST, &o->burst);
			break;
		default:
			return -1;
		}
	}
	return rc;
}

/* Step 4: the buy order crosses the resting sell; both released here. */
static void
match_incoming_buy(struct lfp_price_level *asks, uint64_t trade_id)
{
	struct lfp_order *ask = asks->head->order;
	uint32_t qty;

	/* Released to its pool when this block ends, whatever happens. */
	LFP_TP_SCOPED_ORDER(bid, pools,
		lfp_tp_order_create(pools, 2, &acme, LFP_TP_SIDE_BUY,
			LFP_TP_ORDER_IOC, 10060, 60, rte_get_tsc_cycles()));
	if (bid == NULL) {
		printf("buy order refused: %s\n", rte_strerror(rte_errno));
		return;
	}
	if (bid->price < asks->price)
		return; /* no cross: the IOC order just goes away */
	qty = RTE_MIN(bid->qty, ask->qty - ask->filled_qty);

	LFP_TP_SCOPED_TRADE(trade, pools,
		lfp_tp_trade_create(pools, trade_id, bid->id, ask->id, &acme,
			asks->price, qty, rte_get_tsc_cycles()));
	if (trade == NULL)
		return;
	bid->filled_qty += qty;
	bid->state = LFP_TP_STATE_FILLED;
	ask->filled_qty += qty;
	ask->state = LFP_TP_STATE_PARTIAL;
	asks->total_qty -= qty;
	/* A real gateway builds the execution report from the trade here;
	 * the trade goes back to its pool once the report is sent. */
	printf("trade %" PRIu64 ": %.*s %u @ %" PRId64 " (buy #%" PRIu64
	       ", sell #%" PRIu64 ")\n",
		trade->id, LFP_TP_SYMBOL_LEN, trade->symbol.c, trade->qty,
		trade->price, trade->buy_order_id, trade->sell_order_id);
}

/* Step 3: a sell order rests in the book; the book takes ownership. */
static struct lfp_price_level *
rest_sell_order(void)
{
	LFP_TP_SCOPED_ORDER(ask, pools,
		lfp_tp_order_create(pools, 1, &acme, LFP_TP_SIDE_SELL,
			LFP_TP_ORDER_LIMIT, 10050, 100, rte_get_tsc_cycles()));
	LFP_TP_SCOPED_PRICE_LEVEL(level, pools,
		lfp_tp_price_level_create(pools, LFP_TP_SIDE_SELL, 10050));
	LFP_TP_SCOPED_ORDER_NODE(
		node, pools, lfp_tp_order_node_create(pools, ask));

	if (ask == NULL || level == NULL || node == NULL)
		return NULL; /* whatever was taken goes back */
	node->level = level;
	level->head = level->tail = node;
	level->order_count = 1;
	level->total_qty = ask->qty;
	/* From here the book owns all three. */
	lfp_tp_take(ask);
	lfp_tp_take(node);
	return lfp_tp_take(level);
}

/* Step 5: cancel what is left of the sell order. */
static void
cancel_rest(struct lfp_price_level *level)
{
	struct lfp_order_node *node = level->head;
	struct lfp_order *ask = node->order;

	ask->state = LFP_TP_STATE_CANCELLED;
	printf("cancel sell #%" PRIu64 ": %u of %u left\n", ask->id,
		ask->qty - ask->filled_qty, ask->qty);
	level->head = level->tail = NULL;
	lfp_tp_order_node_free(pools, node);
	lfp_tp_order_free(pools, ask);
	lfp_tp_price_level_free(pools, level);
}

/* Step 6: each lcore creates and frees orders and trades from its pools. */
static int
burst(void *arg)
{
	const struct options *o = arg;
	uint64_t i, fails = 0;

	for (i = 0; i < o->burst; i++) {
		struct lfp_order *ord = lfp_tp_order_create(pools, i, &acme,
			LFP_TP_SIDE_BUY, LFP_TP_ORDER_LIMIT, 100, 1, i);
		struct lfp_trade *t = lfp_tp_trade_create(
			pools, i, i, i + 1, &acme, 100, 1, i);

		fails += ord == NULL || t == NULL;
		lfp_tp_trade_free(pools, t);
		lfp_tp_order_free(pools, ord);
	}
	return fails == 0 ? 0 : -1;
}

static int
run_burst(struct options *o)
{
	unsigned int lcore;
	int ret;

	rte_eal_mp_remote_launch(burst, o, SKIP_MAIN);
	ret = burst(o);
	RTE_LCORE_FOREACH_WORKER(lcore)
	if (rte_eal_wait_lcore(lcore) < 0)
		ret = -1;
	if (ret < 0)
		printf("burst: an lcore ran out of objects\n");
	return ret;
}

int
main(int argc, char **argv)
{
	struct lfp_price_level *asks;
	struct lfp_tp_conf conf;
	struct options o;
	uint64_t start;
	int ret;

	lfp_eal_rmdir_at_exit();
	ret = rte_eal_init(argc, argv);
	if (ret < 0)
		rte_exit(EXIT_FAILURE, "cannot init EAL\n");
	argc -= ret;
	argv += ret;
	if (parse_args(argc, argv, &o) < 0) {
		usage(argv[0]);
		rte_exit(LFP_OPT_EXIT_USAGE, "bad arguments\n");
	}

	/* Step 1: pools for the sockets of our lcores. */
	lfp_tp_conf_init(&conf);
	snprintf(conf.name, sizeof(conf.name), "example");
	conf.ops_name = o.ops;
	conf.policy = o.policy;
	conf.type[LFP_TP_TYPE_ORDER].count = o.orders;
	pools = lfp_tp_create(&conf);
	if (pools == NULL)
		rte_exit(EXIT_FAILURE, "cannot create pools: %s\n",
			rte_strerror(rte_errno));
	printf("pools '%s' on ops %s, policy %s, %u lcore(s)\n",
		lfp_tp_name(pools), o.ops,
		o.policy == LFP_TP_POLICY_LOCAL_ONLY ? "local_only" :
						       "local_preferred",
		rte_lcore_count());

	/* Step 2: warm-up on every (idle) lcore. */
	start = rte_get_tsc_cycles();
	if (lfp_tp_warmup(pools) < 0)
		printf("warm-up incomplete: %s\n", rte_strerror(rte_errno));
	printf("warm-up: %.1f ms\n",
		(rte_get_tsc_cycles() - start) * 1e3 / rte_get_tsc_hz());

	if (lfp_tp_symbol_set(&acme, "ACME") < 0)
		rte_exit(EXIT_FAILURE, "bad symbol\n");
	asks = rest_sell_order();
	if (asks == NULL)
		rte_exit(EXIT_FAILURE, "cannot rest the sell order: %s\n",
			rte_strerror(rte_errno));
	match_incoming_buy(asks, 1);
	cancel_rest(asks);

	ret = run_burst(&o);

	/* Step 7. */
	lfp_tp_stats_dump(stdout, pools);
	if (!lfp_tp_full(pools)) {
		printf("leak: a pool is not full\n");
		ret = -1;
	}
	lfp_tp_free(pools);
	rte_eal_cleanup();
	return ret < 0 ? EXIT_FAILURE : EXIT_SUCCESS;
}
