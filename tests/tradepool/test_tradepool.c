/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The lfpool authors
 */

/*
 * CUnit tests of lib/tradepool: symbols, each constructor's validation,
 * exhaustion and recovery, scoped release, creation errors, warm-up,
 * accounting and telemetry, multi-lcore create/free, and the proof that
 * the steady-state trading loop allocates nothing.
 */

#define _GNU_SOURCE
#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <jansson.h>
#include <numa.h>

#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_launch.h>
#include <rte_lcore.h>
#include <rte_malloc.h>
#include <rte_mempool.h>
#include <rte_ring.h>

#ifdef __SANITIZE_THREAD__
#include <sanitizer/tsan_interface.h>
#define TSAN_RELEASE(addr) __tsan_release((void *)(addr))
#define TSAN_ACQUIRE(addr) __tsan_acquire((void *)(addr))
/* Exported by the TSan runtime, not declared in GCC 12's header. */
void __tsan_ignore_thread_begin(void);
void __tsan_ignore_thread_end(void);
#define TSAN_IGNORE_BEGIN() __tsan_ignore_thread_begin()
#define TSAN_IGNORE_END() __tsan_ignore_thread_end()
#else
#define TSAN_RELEASE(addr) \
	do { \
	} while (0)
#define TSAN_ACQUIRE(addr) \
	do { \
	} while (0)
#define TSAN_IGNORE_BEGIN() \
	do { \
	} while (0)
#define TSAN_IGNORE_END() \
	do { \
	} while (0)
#endif

#ifdef __SANITIZE_ADDRESS__
/*
 * warmup_leaves_no_page_faults counts this thread's minor faults while it
 * uses warmed-up objects. With detect_stack_use_after_return, on by default
 * in gcc 14's ASan (Debian 13), every function with addressable locals
 * (thread_minflt()'s struct rusage, the pools' own) gets its frame from a
 * per-thread "fake stack" that ASan maps lazily and hands out in rotation,
 * so frames fault in pages the warm-up could not have touched: faults of
 * the sanitizer, not of the pools. The option is off for this binary only;
 * the runtime reads this before ASAN_OPTIONS, which may still set it.
 */
const char *__asan_default_options(void);

const char *
__asan_default_options(void)
{
	return "detect_stack_use_after_return=0";
}
#endif

#include "lfp_alloc_counter.h"
#include "lfp_config.h"
#include "lfp_numa.h"
#include "lfp_test.h"
#include "lfp_tradepool.h"

/* The mempool ops under test: the build's default (lfpool when the driver
 * is linked in, else DPDK's ring_mp_mc), or $LFP_TP_TEST_OPS. */
#ifndef TP_TEST_OPS_DEFAULT
#define TP_TEST_OPS_DEFAULT "ring_mp_mc"
#endif
static const char *test_ops = TP_TEST_OPS_DEFAULT;
#define TP_TEST_OPS test_ops

#define TEST_LCORES 4

static struct lfp_tp_symbol sym_abc;

/* What a counter of the 'stats' build option reads: @n, or 0 without it
 * (failures are counted either way). */
static uint64_t
counted(uint64_t n)
{
	return LFP_STATS ? n : 0;
}

/*
 * rte_eal_remote_launch() and rte_eal_wait_lcore() order what the main
 * lcore wrote before the launch with the worker's reads, and the worker's
 * writes with what the main lcore reads after the wait; DPDK is not built
 * with ThreadSanitizer, so these wrappers state it.
 */
struct launch {
	lcore_function_t *fn;
	void *arg;
};
static struct launch launches[RTE_MAX_LCORE];

static int
launch_trampoline(void *arg)
{
	struct launch *l = arg;
	int ret;

	TSAN_ACQUIRE(l);
	ret = l->fn(l->arg);
	TSAN_RELEASE(l);
	return ret;
}

static int
launch_on(lcore_function_t *fn, void *arg, unsigned int lcore)
{
	launches[lcore] = (struct launch){fn, arg};
	TSAN_RELEASE(&launches[lcore]);
	return rte_eal_remote_launch(
		launch_trampoline, &launches[lcore], lcore);
}

static int
wait_on(unsigned int lcore)
{
	int ret = rte_eal_wait_lcore(lcore);

	TSAN_ACQUIRE(&launches[lcore]);
	return ret;
}

/* Pools with @count objects of every type (buffers: @count / 4). */
static struct lfp_tp_pools *
make_pools(const char *name, uint32_t count)
{
	struct lfp_tp_conf conf;
	unsigned int t;

	lfp_tp_conf_init(&conf);
	snprintf(conf.name, sizeof(conf.name), "%s", name);
	conf.ops_name = TP_TEST_OPS;
	for (t = 0; t < LFP_TP_TYPE_MAX; t++)
		conf.type[t].count = t < LFP_TP_TYPE_BUF_64 ?
			count :
			RTE_MAX(count / 4, 64u);
	return lfp_tp_create(&conf);
}

static struct rte_mempool *
mp_of(struct lfp_tp_pools *p, enum lfp_tp_type type)
{
	return lfp_tp_mempool(p, type, (int)rte_socket_id());
}

static unsigned int
in_use(struct lfp_tp_pools *p, enum lfp_tp_type type)
{
	return rte_mempool_in_use_count(mp_of(p, type));
}

/* ---- symbols ---------------------------------------------------------- */

static void
test_tp_symbol_rejects_bad_input(void)
{
	struct lfp_tp_symbol s;
	const char nonprint[] = {'A', 0x01, 'B', 0};
	const char del[] = {'A', 0x7f, 0};
	const char high[] = {'A', (char)0xc3, (char)0xa9, 0};

	LFP_ASSERT_ERRNO(lfp_tp_symbol_set(&s, ""), EINVAL);
	LFP_ASSERT_ERRNO(lfp_tp_symbol_set(&s, NULL), EINVAL);
	LFP_ASSERT_ERRNO(lfp_tp_symbol_set(NULL, "AAPL"), EINVAL);
	LFP_ASSERT_ERRNO(lfp_tp_symbol_set(&s, "ABCDEFGHIJKLMNOPQ"), EINVAL);
	LFP_ASSERT_ERRNO(lfp_tp_symbol_set(&s, nonprint), EINVAL);
	LFP_ASSERT_ERRNO(lfp_tp_symbol_set(&s, del), EINVAL);
	LFP_ASSERT_ERRNO(lfp_tp_symbol_set(&s, high), EINVAL);
	LFP_ASSERT_ERRNO(lfp_tp_symbol_set_n(&s, "AAPL", 0), EINVAL);
}

static void
test_tp_symbol_accepts_and_compares(void)
{
	struct lfp_tp_symbol a, b, c;
	/* A wire field of 8 bytes, NUL-padded, then unrelated bytes. */
	const char wire[] = {'M', 'S', 'F', 'T', 0, 0, 0, 0, 'X', 'Y'};

	CU_ASSERT_EQUAL(lfp_tp_symbol_set(&a, "ABCDEFGHIJKLMNOP"), 0);
	CU_ASSERT_EQUAL(memcmp(a.c, "ABCDEFGHIJKLMNOP", 16), 0);
	CU_ASSERT_EQUAL(lfp_tp_symbol_set(&b, "MSFT"), 0);
	CU_ASSERT_EQUAL(lfp_tp_symbol_set_n(&c, wire, 8), 0);
	CU_ASSERT(lfp_tp_symbol_eq(&b, &c));
	CU_ASSERT(!lfp_tp_symbol_eq(&a, &b));
	CU_ASSERT_EQUAL(c.c[4], '\0');
	CU_ASSERT_EQUAL(c.c[15], '\0');
	/* A full-width wire field has no NUL at all. */
	CU_ASSERT_EQUAL(lfp_tp_symbol_set_n(&c, "ABCDEFGHIJKLMNOPQ", 16), 0);
	CU_ASSERT(lfp_tp_symbol_eq(&a, &c));
	CU_ASSERT_EQUAL(lfp_tp_symbol_set(&c, "BRK B"), 0);
}

/* ---- constructors ----------------------------------------------------- */

static struct lfp_tp_pools *obj_pools;

static int
objects_init(void)
{
	obj_pools = make_pools("tpobj", 512);
	return obj_pools == NULL;
}

static int
objects_cleanup(void)
{
	lfp_tp_free(obj_pools);
	return 0;
}

/* The in-place initialisers share the constructors' checks and fill. */
static void
test_tp_init_in_place(void)
{
	struct lfp_order o;
	struct lfp_trade t;

	memset(&o, 0xa5, sizeof(o));
	CU_ASSERT_EQUAL(lfp_tp_order_init(&o, 7, &sym_abc, LFP_TP_SIDE_SELL,
				LFP_TP_ORDER_IOC, 250, 30, 99),
		0);
	CU_ASSERT_EQUAL(o.id, 7);
	CU_ASSERT_EQUAL(o.price, 250);
	CU_ASSERT_EQUAL(o.qty, 30);
	CU_ASSERT_EQUAL(o.filled_qty, 0);
	CU_ASSERT_EQUAL(o.side, LFP_TP_SIDE_SELL);
	CU_ASSERT_EQUAL(o.type, LFP_TP_ORDER_IOC);
	CU_ASSERT_EQUAL(o.state, LFP_TP_STATE_NEW);
	CU_ASSERT_EQUAL(o.owner, 0);
	CU_ASSERT_EQUAL(o.ts_created, 99);
	CU_ASSERT_EQUAL(o.ts_updated, 99);
	CU_ASSERT_EQUAL(o.tp_slot, LFP_TP_SLOT_NONE);
	CU_ASSERT(lfp_tp_symbol_eq(&o.symbol, &sym_abc));
	LFP_ASSERT_ERRNO(lfp_tp_order_init(NULL, 1, &sym_abc, LFP_TP_SIDE_BUY,
				 LFP_TP_ORDER_LIMIT, 100, 10, 0),
		EINVAL);
	LFP_ASSERT_ERRNO(lfp_tp_order_init(&o, 1, &sym_abc, LFP_TP_SIDE_BUY,
				 LFP_TP_ORDER_LIMIT, -1, 10, 0),
		EINVAL);
	LFP_ASSERT_ERRNO(lfp_tp_order_init(&o, 1, &sym_abc, LFP_TP_SIDE_BUY,
				 LFP_TP_ORDER_LIMIT, 100, 0, 0),
		EINVAL);

	memset(&t, 0xa5, sizeof(t));
	CU_ASSERT_EQUAL(
		lfp_tp_trade_init(&t, 3, 10, 11, &sym_abc, 250, 30, 5), 0);
	CU_ASSERT_EQUAL(t.id, 3);
	CU_ASSERT_EQUAL(t.buy_order_id, 10);
	CU_ASSERT_EQUAL(t.sell_order_id, 11);
	CU_ASSERT_EQUAL(t.price, 250);
	CU_ASSERT_EQUAL(t.qty, 30);
	CU_ASSERT_EQUAL(t.ts, 5);
	CU_ASSERT_EQUAL(t.tp_slot, LFP_TP_SLOT_NONE);
	LFP_ASSERT_ERRNO(
		lfp_tp_trade_init(&t, 3, 10, 10, &sym_abc, 250, 30, 5), EINVAL);
	LFP_ASSERT_ERRNO(
		lfp_tp_trade_init(NULL, 3, 10, 11, &sym_abc, 250, 30, 5),
		EINVAL);
}

static void
test_tp_order_create_validates(void)
{
	struct lfp_tp_pools *p = obj_pools;
	struct lfp_tp_symbol empty;
	unsigned int before = in_use(p, LFP_TP_TYPE_ORDER);

	memset(&empty, 0, sizeof(empty));
	LFP_ASSERT_NULL_ERRNO(
		lfp_tp_order_create(NULL, 1, &sym_abc, LFP_TP_SIDE_BUY,
			LFP_TP_ORDER_LIMIT, 100, 10, 0),
		EINVAL);
	LFP_ASSERT_NULL_ERRNO(lfp_tp_order_create(p, 1, NULL, LFP_TP_SIDE_BUY,
				      LFP_TP_ORDER_LIMIT, 100, 10, 0),
		EINVAL);
	LFP_ASSERT_NULL_ERRNO(lfp_tp_order_create(p, 1, &empty, LFP_TP_SIDE_BUY,
				      LFP_TP_ORDER_LIMIT, 100, 10, 0),
		EINVAL);
	LFP_ASSERT_NULL_ERRNO(
		lfp_tp_order_create(p, 1, &sym_abc, LFP_TP_SIDE_BUY,
			LFP_TP_ORDER_LIMIT, 100, 0, 0),
		EINVAL);
	LFP_ASSERT_NULL_ERRNO(
		lfp_tp_order_create(p, 1, &sym_abc, LFP_TP_SIDE_BUY,
			LFP_TP_ORDER_LIMIT, -1, 10, 0),
		EINVAL);
	LFP_ASSERT_NULL_ERRNO(
		lfp_tp_order_create(p, 1, &sym_abc, (enum lfp_tp_side)0,
			LFP_TP_ORDER_LIMIT, 100, 10, 0),
		EINVAL);
	LFP_ASSERT_NULL_ERRNO(
		lfp_tp_order_create(p, 1, &sym_abc, (enum lfp_tp_side)3,
			LFP_TP_ORDER_LIMIT, 100, 10, 0),
		EINVAL);
	LFP_ASSERT_NULL_ERRNO(
		lfp_tp_order_create(p, 1, &sym_abc, LFP_TP_SIDE_SELL,
			(enum lfp_tp_order_type)0, 100, 10, 0),
		EINVAL);
	LFP_ASSERT_NULL_ERRNO(
		lfp_tp_order_create(p, 1, &sym_abc, LFP_TP_SIDE_SELL,
			(enum lfp_tp_order_type)5, 100, 10, 0),
		EINVAL);
	/* Nothing was taken by the refused calls. */
	CU_ASSERT_EQUAL(in_use(p, LFP_TP_TYPE_ORDER), before);
}

static void
test_tp_order_create_initialises(void)
{
	struct lfp_tp_pools *p = obj_pools;
	struct lfp_order *o;

	o = lfp_tp_order_create(p, 42, &sym_abc, LFP_TP_SIDE_SELL,
		LFP_TP_ORDER_IOC, 0, 7, 1234);
	CU_ASSERT_PTR_NOT_NULL_FATAL(o);
	CU_ASSERT_EQUAL((uintptr_t)o % RTE_CACHE_LINE_SIZE, 0);
	CU_ASSERT_EQUAL(o->id, 42);
	CU_ASSERT(lfp_tp_symbol_eq(&o->symbol, &sym_abc));
	CU_ASSERT_EQUAL(o->side, LFP_TP_SIDE_SELL);
	CU_ASSERT_EQUAL(o->type, LFP_TP_ORDER_IOC);
	CU_ASSERT_EQUAL(o->state, LFP_TP_STATE_NEW);
	CU_ASSERT_EQUAL(o->price, 0);
	CU_ASSERT_EQUAL(o->qty, 7);
	CU_ASSERT_EQUAL(o->filled_qty, 0);
	CU_ASSERT_EQUAL(o->owner, 0);
	CU_ASSERT_EQUAL(o->ts_created, 1234);
	CU_ASSERT_EQUAL(o->ts_updated, 1234);
	CU_ASSERT_EQUAL(in_use(p, LFP_TP_TYPE_ORDER), 1);
	lfp_tp_order_free(p, o);
	lfp_tp_order_free(p, NULL);
	CU_ASSERT_EQUAL(in_use(p, LFP_TP_TYPE_ORDER), 0);
}

static void
test_tp_trade_create_validates(void)
{
	struct lfp_tp_pools *p = obj_pools;
	struct lfp_trade *t;

	LFP_ASSERT_NULL_ERRNO(
		lfp_tp_trade_create(NULL, 1, 2, 3, &sym_abc, 100, 5, 0),
		EINVAL);
	LFP_ASSERT_NULL_ERRNO(
		lfp_tp_trade_create(p, 1, 2, 3, NULL, 100, 5, 0), EINVAL);
	LFP_ASSERT_NULL_ERRNO(
		lfp_tp_trade_create(p, 1, 2, 3, &sym_abc, -5, 5, 0), EINVAL);
	LFP_ASSERT_NULL_ERRNO(
		lfp_tp_trade_create(p, 1, 2, 3, &sym_abc, 100, 0, 0), EINVAL);
	LFP_ASSERT_NULL_ERRNO(
		lfp_tp_trade_create(p, 1, 9, 9, &sym_abc, 100, 5, 0), EINVAL);
	CU_ASSERT_EQUAL(in_use(p, LFP_TP_TYPE_TRADE), 0);

	t = lfp_tp_trade_create(p, 11, 2, 3, &sym_abc, 100, 5, 77);
	CU_ASSERT_PTR_NOT_NULL_FATAL(t);
	CU_ASSERT_EQUAL(t->id, 11);
	CU_ASSERT_EQUAL(t->buy_order_id, 2);
	CU_ASSERT_EQUAL(t->sell_order_id, 3);
	CU_ASSERT_EQUAL(t->price, 100);
	CU_ASSERT_EQUAL(t->qty, 5);
	CU_ASSERT_EQUAL(t->ts, 77);
	CU_ASSERT(lfp_tp_symbol_eq(&t->symbol, &sym_abc));
	lfp_tp_trade_free(p, t);
	CU_ASSERT_EQUAL(in_use(p, LFP_TP_TYPE_TRADE), 0);
}

static void
test_tp_node_and_level_create_validate(void)
{
	struct lfp_tp_pools *p = obj_pools;
	struct lfp_order *o;
	struct lfp_order_node *n;
	struct lfp_price_level *l;

	o = lfp_tp_order_create(
		p, 1, &sym_abc, LFP_TP_SIDE_BUY, LFP_TP_ORDER_LIMIT, 10, 1, 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(o);
	LFP_ASSERT_NULL_ERRNO(lfp_tp_order_node_create(NULL, o), EINVAL);
	LFP_ASSERT_NULL_ERRNO(lfp_tp_order_node_create(p, NULL), EINVAL);
	LFP_ASSERT_NULL_ERRNO(
		lfp_tp_price_level_create(NULL, LFP_TP_SIDE_BUY, 10), EINVAL);
	LFP_ASSERT_NULL_ERRNO(
		lfp_tp_price_level_create(p, (enum lfp_tp_side)0, 10), EINVAL);
	LFP_ASSERT_NULL_ERRNO(
		lfp_tp_price_level_create(p, LFP_TP_SIDE_SELL, -10), EINVAL);
	CU_ASSERT_EQUAL(in_use(p, LFP_TP_TYPE_ORDER_NODE), 0);
	CU_ASSERT_EQUAL(in_use(p, LFP_TP_TYPE_PRICE_LEVEL), 0);

	n = lfp_tp_order_node_create(p, o);
	l = lfp_tp_price_level_create(p, LFP_TP_SIDE_BUY, 10);
	CU_ASSERT_PTR_NOT_NULL_FATAL(n);
	CU_ASSERT_PTR_NOT_NULL_FATAL(l);
	CU_ASSERT_PTR_EQUAL(n->order, o);
	CU_ASSERT_PTR_NULL(n->prev);
	CU_ASSERT_PTR_NULL(n->next);
	CU_ASSERT_PTR_NULL(n->level);
	CU_ASSERT_EQUAL(l->price, 10);
	CU_ASSERT_EQUAL(l->side, LFP_TP_SIDE_BUY);
	CU_ASSERT_EQUAL(l->total_qty, 0);
	CU_ASSERT_EQUAL(l->order_count, 0);
	CU_ASSERT_PTR_NULL(l->head);
	CU_ASSERT_PTR_NULL(l->tail);
	CU_ASSERT_PTR_NULL(l->prev);
	CU_ASSERT_PTR_NULL(l->next);
	lfp_tp_order_node_free(p, n);
	lfp_tp_price_level_free(p, l);
	lfp_tp_order_free(p, o);
	CU_ASSERT(lfp_tp_full(p));
}

static void
test_tp_buf_get_picks_smallest_class(void)
{
	static const struct {
		size_t size;
		enum lfp_tp_type type;
	} cases[] = {
		{1, LFP_TP_TYPE_BUF_64},
		{64, LFP_TP_TYPE_BUF_64},
		{65, LFP_TP_TYPE_BUF_128},
		{128, LFP_TP_TYPE_BUF_128},
		{200, LFP_TP_TYPE_BUF_256},
		{512, LFP_TP_TYPE_BUF_512},
		{513, LFP_TP_TYPE_BUF_1024},
		{2000, LFP_TP_TYPE_BUF_2048},
		{2049, LFP_TP_TYPE_BUF_4096},
		{4096, LFP_TP_TYPE_BUF_4096},
	};
	struct lfp_tp_pools *p = obj_pools;
	unsigned int i;

	LFP_ASSERT_NULL_ERRNO(lfp_tp_buf_get(p, 0), EINVAL);
	LFP_ASSERT_NULL_ERRNO(lfp_tp_buf_get(p, 4097), EINVAL);
	LFP_ASSERT_NULL_ERRNO(lfp_tp_buf_get(NULL, 64), EINVAL);
	for (i = 0; i < RTE_DIM(cases); i++) {
		void *b = lfp_tp_buf_get(p, cases[i].size);

		CU_ASSERT_PTR_NOT_NULL_FATAL(b);
		CU_ASSERT_EQUAL((uintptr_t)b % RTE_CACHE_LINE_SIZE, 0);
		CU_ASSERT_PTR_EQUAL(
			rte_mempool_from_obj(b), mp_of(p, cases[i].type));
		memset(b, 0xa5, cases[i].size);
		CU_ASSERT_EQUAL(in_use(p, cases[i].type), 1);
		lfp_tp_buf_put(p, b);
		CU_ASSERT_EQUAL(in_use(p, cases[i].type), 0);
	}
	lfp_tp_buf_put(p, NULL);
}

/* One constructor/free pair, driven by the exhaustion test. */
struct kind {
	enum lfp_tp_type type;
	void *(*create)(struct lfp_tp_pools *p, uint64_t i);
	void (*release)(struct lfp_tp_pools *p, void *obj);
};

static void *
mk_order(struct lfp_tp_pools *p, uint64_t i)
{
	return lfp_tp_order_create(
		p, i, &sym_abc, LFP_TP_SIDE_BUY, LFP_TP_ORDER_LIMIT, 100, 1, i);
}

static void
rm_order(struct lfp_tp_pools *p, void *o)
{
	lfp_tp_order_free(p, o);
}

static void *
mk_trade(struct lfp_tp_pools *p, uint64_t i)
{
	return lfp_tp_trade_create(
		p, i, 2 * i + 1, 2 * i + 2, &sym_abc, 100, 1, i);
}

static void
rm_trade(struct lfp_tp_pools *p, void *t)
{
	lfp_tp_trade_free(p, t);
}

static struct lfp_order dummy_order;

static void *
mk_node(struct lfp_tp_pools *p, uint64_t i)
{
	RTE_SET_USED(i);
	return lfp_tp_order_node_create(p, &dummy_order);
}

static void
rm_node(struct lfp_tp_pools *p, void *n)
{
	lfp_tp_order_node_free(p, n);
}

static void *
mk_level(struct lfp_tp_pools *p, uint64_t i)
{
	return lfp_tp_price_level_create(p, LFP_TP_SIDE_SELL, i);
}

static void
rm_level(struct lfp_tp_pools *p, void *l)
{
	lfp_tp_price_level_free(p, l);
}

static void *
mk_buf(struct lfp_tp_pools *p, uint64_t i)
{
	RTE_SET_USED(i);
	return lfp_tp_buf_get(p, 300);
}

static void
rm_buf(struct lfp_tp_pools *p, void *b)
{
	lfp_tp_buf_put(p, b);
}

static const struct kind kinds[] = {
	{LFP_TP_TYPE_ORDER, mk_order, rm_order},
	{LFP_TP_TYPE_TRADE, mk_trade, rm_trade},
	{LFP_TP_TYPE_ORDER_NODE, mk_node, rm_node},
	{LFP_TP_TYPE_PRICE_LEVEL, mk_level, rm_level},
	{LFP_TP_TYPE_BUF_512, mk_buf, rm_buf},
};

static void *
thread_create_free(void *arg)
{
	struct lfp_tp_pools *p = arg;
	struct lfp_order *o = mk_order(p, 7);
	uintptr_t ok = o != NULL && o->id == 7 &&
		rte_lcore_id() == LCORE_ID_ANY;

	lfp_tp_order_free(p, o);
	return (void *)ok;
}

static void
test_tp_create_free_from_non_eal_thread(void)
{
	struct lfp_tp_pools *p = obj_pools;
	struct lfp_tp_stats before, after;
	const struct lfp_tp_type_stats *b, *a;
	pthread_t th;
	void *ok = NULL;

	CU_ASSERT_EQUAL(lfp_tp_stats_get(p, &before), 0);
	CU_ASSERT_EQUAL(pthread_create(&th, NULL, thread_create_free, p), 0);
	CU_ASSERT_EQUAL(pthread_join(th, &ok), 0);
	CU_ASSERT_PTR_EQUAL(ok, (void *)1);
	CU_ASSERT_EQUAL(lfp_tp_stats_get(p, &after), 0);
	b = &before.socket[0].type[LFP_TP_TYPE_ORDER];
	a = &after.socket[0].type[LFP_TP_TYPE_ORDER];
	/* Counted in the shared row of threads without an lcore id. */
	CU_ASSERT_EQUAL(a->allocs, b->allocs + counted(1));
	CU_ASSERT_EQUAL(a->frees, b->frees + counted(1));
	CU_ASSERT(lfp_tp_full(p));
}

#define EXH_COUNT 256
#define EXH_FAILS 3

static uint64_t
failures_of(struct lfp_tp_pools *p, enum lfp_tp_type type)
{
	struct lfp_tp_stats st;

	CU_ASSERT_EQUAL(lfp_tp_stats_get(p, &st), 0);
	return st.socket[0].type[type].failures;
}

static void
exhaust_one(struct lfp_tp_pools *p, const struct kind *k)
{
	static void *objs[EXH_COUNT + 1];
	struct rte_mempool *mp = mp_of(p, k->type);
	uint64_t fails = failures_of(p, k->type);
	unsigned int n = 0, i;

	/* Only this lcore has used the pool: every object is reachable,
	 * and the call after the last one fails. */
	while (n <= EXH_COUNT && (objs[n] = k->create(p, n + 1)) != NULL)
		n++;
	CU_ASSERT_EQUAL(rte_errno, ENOBUFS);
	CU_ASSERT_EQUAL_FATAL(n, mp->size);
	for (i = 0; i < EXH_FAILS; i++)
		LFP_ASSERT_NULL_ERRNO(k->create(p, 1000 + i), ENOBUFS);
	CU_ASSERT_EQUAL(failures_of(p, k->type), fails + 1 + EXH_FAILS);
	CU_ASSERT_EQUAL(rte_mempool_avail_count(mp), 0);

	/* Recovery: one back, one out again; then all back. */
	k->release(p, objs[--n]);
	objs[n] = k->create(p, 5000);
	CU_ASSERT_PTR_NOT_NULL(objs[n]);
	if (objs[n] != NULL)
		n++;
	LFP_ASSERT_NULL_ERRNO(k->create(p, 5001), ENOBUFS);
	for (i = 0; i < n; i++)
		k->release(p, objs[i]);
	CU_ASSERT(rte_mempool_full(mp));
}

static void
test_tp_exhaustion_and_recovery(void)
{
	struct lfp_tp_pools *p = make_pools("tpexh", EXH_COUNT);
	unsigned int i;

	CU_ASSERT_PTR_NOT_NULL_FATAL(p);
	for (i = 0; i < RTE_DIM(kinds); i++)
		exhaust_one(p, &kinds[i]);
	CU_ASSERT(lfp_tp_full(p));
	lfp_tp_free(p);
}

/* ---- scoped release --------------------------------------------------- */

static struct lfp_order *
scoped_make(struct lfp_tp_pools *p, bool keep, bool fail_early)
{
	LFP_TP_SCOPED_ORDER(o, p, mk_order(p, 1));
	LFP_TP_SCOPED_TRADE(t, p, mk_trade(p, 1));

	if (o == NULL || t == NULL)
		return NULL;
	if (fail_early)
		return NULL; /* both go back */
	o->filled_qty = t->qty;
	if (keep)
		return lfp_tp_take(o); /* o kept, t goes back */
	return NULL;
}

static void
test_tp_scoped_release_at_block_end(void)
{
	struct lfp_tp_pools *p = obj_pools;

	{
		LFP_TP_SCOPED_ORDER(o, p, mk_order(p, 1));
		LFP_TP_SCOPED_ORDER_NODE(n, p, lfp_tp_order_node_create(p, o));
		LFP_TP_SCOPED_PRICE_LEVEL(l, p, mk_level(p, 5));
		LFP_TP_SCOPED_BUF(b, p, lfp_tp_buf_get(p, 100));

		CU_ASSERT_PTR_NOT_NULL(o);
		CU_ASSERT_PTR_NOT_NULL(n);
		CU_ASSERT_PTR_NOT_NULL(l);
		CU_ASSERT_PTR_NOT_NULL(b);
		CU_ASSERT_EQUAL(in_use(p, LFP_TP_TYPE_ORDER), 1);
		CU_ASSERT_EQUAL(in_use(p, LFP_TP_TYPE_ORDER_NODE), 1);
		CU_ASSERT_EQUAL(in_use(p, LFP_TP_TYPE_PRICE_LEVEL), 1);
		CU_ASSERT_EQUAL(in_use(p, LFP_TP_TYPE_BUF_128), 1);
	}
	CU_ASSERT(lfp_tp_full(p));
}

static void
test_tp_scoped_release_on_early_return(void)
{
	struct lfp_tp_pools *p = obj_pools;

	CU_ASSERT_PTR_NULL(scoped_make(p, false, true));
	CU_ASSERT(lfp_tp_full(p));
	CU_ASSERT_PTR_NULL(scoped_make(p, false, false));
	CU_ASSERT(lfp_tp_full(p));
}

static void
test_tp_scoped_take_transfers_ownership(void)
{
	struct lfp_tp_pools *p = obj_pools;
	struct lfp_order *kept = scoped_make(p, true, false);

	CU_ASSERT_PTR_NOT_NULL_FATAL(kept);
	CU_ASSERT_EQUAL(kept->filled_qty, 1);
	CU_ASSERT_EQUAL(in_use(p, LFP_TP_TYPE_ORDER), 1);
	CU_ASSERT_EQUAL(in_use(p, LFP_TP_TYPE_TRADE), 0);
	lfp_tp_order_free(p, kept);
	CU_ASSERT(lfp_tp_full(p));
}

static void
test_tp_scoped_release_in_loop_and_null(void)
{
	struct lfp_tp_pools *p = obj_pools;
	unsigned int i, seen = 0;

	for (i = 0; i < 10; i++) {
		LFP_TP_SCOPED_ORDER(o, p, mk_order(p, i + 1));

		CU_ASSERT_PTR_NOT_NULL(o);
		CU_ASSERT_EQUAL(in_use(p, LFP_TP_TYPE_ORDER), 1);
		seen++;
		if (i % 3 == 0)
			continue;
		if (i == 8)
			break;
	}
	CU_ASSERT_EQUAL(seen, 9);
	CU_ASSERT(lfp_tp_full(p));
	{
		/* A failed constructor leaves NULL: nothing to release. */
		LFP_TP_SCOPED_ORDER(o, p,
			lfp_tp_order_create(p, 1, &sym_abc, LFP_TP_SIDE_BUY,
				LFP_TP_ORDER_LIMIT, 1, 0, 0));

		CU_ASSERT_PTR_NULL(o);
		CU_ASSERT_EQUAL(rte_errno, EINVAL);
	}
	CU_ASSERT(lfp_tp_full(p));
}

/* ---- creation --------------------------------------------------------- */

static void
conf_small(struct lfp_tp_conf *conf, const char *name)
{
	unsigned int t;

	lfp_tp_conf_init(conf);
	snprintf(conf->name, sizeof(conf->name), "%s", name);
	conf->ops_name = TP_TEST_OPS;
	for (t = 0; t < LFP_TP_TYPE_MAX; t++)
		conf->type[t].count = 128;
}

static void
test_tp_create_rejects_bad_conf(void)
{
	struct lfp_tp_conf conf;
	unsigned int t;

	conf_small(&conf, "");
	LFP_ASSERT_NULL_ERRNO(lfp_tp_create(&conf), EINVAL);
	conf_small(&conf, "bad-name");
	LFP_ASSERT_NULL_ERRNO(lfp_tp_create(&conf), EINVAL);
	conf_small(&conf, "tpbad");
	memset(conf.name, 'x', sizeof(conf.name)); /* no NUL: too long */
	LFP_ASSERT_NULL_ERRNO(lfp_tp_create(&conf), EINVAL);

	conf_small(&conf, "tpbad");
	conf.ops_name = NULL;
	LFP_ASSERT_NULL_ERRNO(lfp_tp_create(&conf), EINVAL);
	conf_small(&conf, "tpbad");
	conf.policy = (enum lfp_tp_policy)7;
	LFP_ASSERT_NULL_ERRNO(lfp_tp_create(&conf), EINVAL);
	conf_small(&conf, "tpbad");
	for (t = 0; t < LFP_TP_TYPE_MAX; t++)
		conf.type[t].count = 0;
	LFP_ASSERT_NULL_ERRNO(lfp_tp_create(&conf), EINVAL);
	conf_small(&conf, "tpbad");
	conf.type[LFP_TP_TYPE_TRADE].cache_size = RTE_MEMPOOL_CACHE_MAX_SIZE +
		1;
	LFP_ASSERT_NULL_ERRNO(lfp_tp_create(&conf), EINVAL);
	/* Four lcores with caches of 64 can hold 4 x 96 objects: 128 is
	 * too few, and the message names the pool. */
	conf_small(&conf, "tpbad");
	conf.type[LFP_TP_TYPE_ORDER].cache_size = 64;
	LFP_ASSERT_NULL_ERRNO(lfp_tp_create(&conf), EINVAL);
	conf_small(&conf, "tpbad");
	conf.socket_mask = UINT64_C(1) << (RTE_MAX_NUMA_NODES - 1);
	LFP_ASSERT_NULL_ERRNO(lfp_tp_create(&conf), EINVAL);
	conf_small(&conf, "tpbad");
	conf.socket_mask = UINT64_C(1) << 63;
	LFP_ASSERT_NULL_ERRNO(lfp_tp_create(&conf), EINVAL);
	LFP_ASSERT_NULL_ERRNO(lfp_tp_lookup("tpbad"), ENOENT);
}

static void
test_tp_create_reports_missing_ops_and_memory(void)
{
	struct lfp_tp_conf conf;

	conf_small(&conf, "tpops");
	conf.ops_name = "no_such_ops";
	LFP_ASSERT_NULL_ERRNO(lfp_tp_create(&conf), ENOENT);
	CU_ASSERT_PTR_NULL(rte_mempool_lookup("tpops_order_s0"));
	if (lfp_test_have_hugepages()) {
		/* DPDK's populate falls back to grabbing every free page it
		 * can get, which would starve the machine's other users. */
		lfp_test_skip(__func__,
			"ENOMEM case runs with --no-huge "
			"only (fixed EAL memory)");
		return;
	}
	/* 40 M orders (5 GB with headers) cannot fit in 512 MB. */
	conf_small(&conf, "tpbig");
	conf.type[LFP_TP_TYPE_ORDER].count = 40 * 1000 * 1000;
	LFP_ASSERT_NULL_ERRNO(lfp_tp_create(&conf), ENOMEM);
	/* The failed attempt left no mempool behind. */
	CU_ASSERT_PTR_NULL(rte_mempool_lookup("tpbig_order_s0"));
}

static void
test_tp_create_duplicate_and_lookup(void)
{
	struct lfp_tp_conf conf;
	struct lfp_tp_pools *p;

	conf_small(&conf, "tpdup");
	p = lfp_tp_create(&conf);
	CU_ASSERT_PTR_NOT_NULL_FATAL(p);
	LFP_ASSERT_NULL_ERRNO(lfp_tp_create(&conf), EEXIST);
	CU_ASSERT_PTR_EQUAL(lfp_tp_lookup("tpdup"), p);
	CU_ASSERT_STRING_EQUAL(lfp_tp_name(p), "tpdup");
	LFP_ASSERT_NULL_ERRNO(lfp_tp_mempool(p, LFP_TP_TYPE_MAX, 0), ENOENT);
	LFP_ASSERT_NULL_ERRNO(lfp_tp_mempool(p, LFP_TP_TYPE_ORDER, 31), ENOENT);
	lfp_tp_free(p);
	LFP_ASSERT_NULL_ERRNO(lfp_tp_lookup("tpdup"), ENOENT);
	lfp_tp_free(NULL);
}

static void
test_tp_create_defaults_and_auto_cache(void)
{
	static const uint32_t want[] = {10000, 5000, 10000, 1000};
	struct lfp_tp_conf conf;
	struct lfp_tp_pools *p;
	unsigned int t, lcore, nb_lcores = 0;

	RTE_LCORE_FOREACH(lcore)
	nb_lcores++;
	lfp_tp_conf_init(&conf);
	conf.ops_name = TP_TEST_OPS;
	p = lfp_tp_create(&conf);
	CU_ASSERT_PTR_NOT_NULL_FATAL(p);
	CU_ASSERT_STRING_EQUAL(lfp_tp_name(p), "tp");
	for (t = 0; t < LFP_TP_TYPE_MAX; t++) {
		struct rte_mempool *mp = mp_of(p, t);

		CU_ASSERT_PTR_NOT_NULL_FATAL(mp);
		CU_ASSERT_EQUAL(mp->size, t < RTE_DIM(want) ? want[t] : 1024);
		/* Every lcore can fill its cache and objects remain. */
		CU_ASSERT(mp->cache_size > 0);
		CU_ASSERT(nb_lcores * (mp->cache_size * 3 / 2) < mp->size);
		CU_ASSERT(mp->cache_size <= 256);
		CU_ASSERT_STRING_EQUAL(
			rte_mempool_get_ops(mp->ops_index)->name, TP_TEST_OPS);
	}
	lfp_tp_free(p);
}

static int
lcore_cpu(unsigned int lcore)
{
	rte_cpuset_t set = rte_lcore_cpuset(lcore);
	int cpu;

	for (cpu = 0; cpu < CPU_SETSIZE; cpu++)
		if (CPU_ISSET(cpu, &set))
			return cpu;
	return -1;
}

/*
 * A what-if topology for lib/numa: node 0 holds the main lcore's CPU and
 * all the memory, node 1 the CPU of another lcore and no memory; both are
 * backed by EAL socket 0, so it runs on a one-node machine.
 */
static struct lfp_numa_topology *
topology_node1_without_memory(void)
{
	int main_cpu = lcore_cpu(rte_get_main_lcore());
	int other_cpu = -1;
	unsigned int lcore;
	char desc[256];

	RTE_LCORE_FOREACH_WORKER(lcore)
	if (lcore_cpu(lcore) != main_cpu && lcore_cpu(lcore) >= 0)
		other_cpu = lcore_cpu(lcore);
	if (main_cpu < 0 || other_cpu < 0 || rte_socket_id() != 0)
		return NULL;
	snprintf(desc, sizeof(desc),
		"nodes=2; cpus=%d|%d; "
		"dist=10,21|21,10; mem=1024,0; sockets=0,0",
		main_cpu, other_cpu);
	return lfp_numa_topology_parse(desc, NULL, 0);
}

static void
test_tp_create_node_without_memory_policy(void)
{
	struct lfp_numa_topology *topo = topology_node1_without_memory();
	struct lfp_tp_conf conf;
	struct lfp_tp_pools *p;
	struct lfp_tp_stats st;
	unsigned int t;

	if (topo == NULL) {
		lfp_test_skip(__func__,
			"needs lcores on two CPUs and "
			"memory on socket 0");
		return;
	}
	conf_small(&conf, "tplocal");
	conf.topology = topo;
	for (t = 0; t < LFP_TP_TYPE_MAX; t++)
		conf.type[t].count = 512;
	/* The worker's node has no memory: LOCAL_ONLY refuses... */
	conf.policy = LFP_TP_POLICY_LOCAL_ONLY;
	LFP_ASSERT_NULL_ERRNO(lfp_tp_create(&conf), ENOMEM);
	CU_ASSERT_PTR_NULL(rte_mempool_lookup("tplocal_order_s0"));
	/* ... LOCAL_PREFERRED serves it from node 0's socket. */
	conf.policy = LFP_TP_POLICY_LOCAL_PREFERRED;
	p = lfp_tp_create(&conf);
	CU_ASSERT_PTR_NOT_NULL(p);
	if (p != NULL) {
		CU_ASSERT_EQUAL(lfp_tp_stats_get(p, &st), 0);
		CU_ASSERT_EQUAL(st.nb_sockets, 1);
		CU_ASSERT_EQUAL(st.socket[0].socket_id, 0);
		lfp_tp_free(p);
	}
	lfp_numa_topology_free(topo);
}

/* ---- warm-up ---------------------------------------------------------- */

static unsigned long
thread_minflt(void)
{
	struct rusage ru;

	getrusage(RUSAGE_THREAD, &ru);
	return ru.ru_minflt;
}

#define WARM_COUNT 1024
static void *warm_objs[WARM_COUNT];

/* Write the first word of each cache line: every page of the object is
 * written, and the typed objects' internal slot byte is left alone. */
static void
touch_lines(void *obj, size_t len)
{
	size_t off;

	for (off = 0; off < len; off += RTE_CACHE_LINE_SIZE)
		*(volatile uint64_t *)RTE_PTR_ADD(obj, off) = off + 1;
}

/* Take every object this lcore can reach, write all of it, give back. */
static void
use_everything(struct lfp_tp_pools *p)
{
	unsigned int i, k, n;

	for (k = 0; k < RTE_DIM(kinds); k++) {
		n = 0;
		while (n < WARM_COUNT &&
			(warm_objs[n] = kinds[k].create(p, n + 1)) != NULL)
			n++;
		for (i = 0; i < n; i++)
			touch_lines(warm_objs[i],
				mp_of(p, kinds[k].type)->elt_size);
		for (i = 0; i < n; i++)
			kinds[k].release(p, warm_objs[i]);
	}
}

static void
test_tp_warmup_leaves_no_page_faults(void)
{
	struct lfp_tp_pools *dry = make_pools("tpdry", WARM_COUNT);
	struct lfp_tp_pools *p = make_pools("tpwarm", WARM_COUNT);
	unsigned long before, after;

	CU_ASSERT_PTR_NOT_NULL_FATAL(dry);
	CU_ASSERT_PTR_NOT_NULL_FATAL(p);
	/* Run the same code once on other pools, so that only the objects
	 * of p can fault below, not code or stack pages. */
	CU_ASSERT_EQUAL(lfp_tp_warmup(dry), 0);
	use_everything(dry);
	memset(warm_objs, 0, sizeof(warm_objs));

	CU_ASSERT_EQUAL(lfp_tp_warmup(p), 0);
	before = thread_minflt();
	use_everything(p);
	after = thread_minflt();
#ifdef __SANITIZE_THREAD__
	/* TSan maps the shadow of each newly accessed range on demand. */
	RTE_SET_USED(after - before);
	lfp_test_skip(__func__, "ThreadSanitizer's shadow memory faults");
#else
	CU_ASSERT_EQUAL(after - before, 0);
	if (after != before)
		printf("\n    %lu minor faults after warm-up\n",
			after - before);
#endif
	CU_ASSERT(lfp_tp_full(p));
	lfp_tp_free(dry);
	lfp_tp_free(p);
}

static void
test_tp_warmup_prefills_every_lcore_cache(void)
{
	struct lfp_tp_pools *p = make_pools("tpfill", WARM_COUNT);
	unsigned int lcore, t;

	CU_ASSERT_PTR_NOT_NULL_FATAL(p);
	CU_ASSERT_EQUAL(lfp_tp_warmup(p), 0);
	RTE_LCORE_FOREACH(lcore)
	for (t = 0; t < LFP_TP_TYPE_MAX; t++) {
		struct rte_mempool *mp = lfp_tp_mempool(
			p, t, rte_lcore_to_socket_id(lcore));
		struct rte_mempool_cache *c;

		CU_ASSERT_PTR_NOT_NULL_FATAL(mp);
		c = rte_mempool_default_cache(mp, lcore);
		CU_ASSERT(mp->cache_size > 0);
		CU_ASSERT(c != NULL && c->len >= mp->cache_size);
	}
	/* Warm-up objects are not allocations. */
	CU_ASSERT(lfp_tp_full(p));
	CU_ASSERT_EQUAL(failures_of(p, LFP_TP_TYPE_ORDER), 0);
	lfp_tp_free(p);
}

static volatile int worker_hold;

static int
worker_spin(void *arg)
{
	RTE_SET_USED(arg);
	/* Relaxed: a stop flag, nothing is published through it. */
	while (__atomic_load_n(&worker_hold, __ATOMIC_RELAXED))
		rte_pause();
	return 0;
}

static int
worker_warmup(void *arg)
{
	int ret = lfp_tp_warmup(arg);

	return ret == -EPERM && rte_errno == EPERM ? 0 : -1;
}

static void *
thread_warmup_lcore(void *arg)
{
	int ret = lfp_tp_warmup_lcore(arg);

	return (void *)(uintptr_t)(ret == -EINVAL && rte_errno == EINVAL);
}

static void
test_tp_warmup_refusals(void)
{
	struct lfp_tp_pools *p = make_pools("tpwref", 512);
	unsigned int worker = rte_get_next_lcore(-1, 1, 0);
	pthread_t th;
	void *ok = NULL;

	CU_ASSERT_PTR_NOT_NULL_FATAL(p);
	LFP_ASSERT_ERRNO(lfp_tp_warmup(NULL), EINVAL);
	LFP_ASSERT_ERRNO(lfp_tp_warmup_lcore(NULL), EINVAL);
	if (worker >= RTE_MAX_LCORE) {
		lfp_test_skip(__func__, "needs a worker lcore");
		lfp_tp_free(p);
		return;
	}
	/* From a worker: only the main lcore may warm everything. */
	CU_ASSERT_EQUAL(launch_on(worker_warmup, p, worker), 0);
	CU_ASSERT_EQUAL(wait_on(worker), 0);
	/* A thread with no lcore id has no cache to fill. */
	CU_ASSERT_EQUAL(pthread_create(&th, NULL, thread_warmup_lcore, p), 0);
	CU_ASSERT_EQUAL(pthread_join(th, &ok), 0);
	CU_ASSERT_PTR_EQUAL(ok, (void *)1);
	/* A busy worker is reported, the others are still warmed. */
	__atomic_store_n(&worker_hold, 1, __ATOMIC_RELAXED); /* see spin */
	CU_ASSERT_EQUAL(launch_on(worker_spin, NULL, worker), 0);
	LFP_ASSERT_ERRNO(lfp_tp_warmup(p), EBUSY);
	__atomic_store_n(&worker_hold, 0, __ATOMIC_RELAXED); /* see spin */
	CU_ASSERT_EQUAL(wait_on(worker), 0);
	CU_ASSERT(rte_mempool_default_cache(
			  mp_of(p, LFP_TP_TYPE_ORDER), rte_lcore_id())
			  ->len > 0);
	lfp_tp_free(p);
}

/* ---- statistics ------------------------------------------------------- */

static void
check_totals(const struct lfp_tp_stats *st)
{
	uint64_t reserved = 0, used = 0, allocs = 0, frees = 0, fails = 0;
	unsigned int s, t;

	for (s = 0; s < st->nb_sockets; s++)
		for (t = 0; t < LFP_TP_TYPE_MAX; t++) {
			const struct lfp_tp_type_stats *ts =
				&st->socket[s].type[t];

			reserved += ts->reserved_bytes;
			used += ts->in_use_bytes;
			allocs += ts->allocs;
			frees += ts->frees;
			fails += ts->failures;
			CU_ASSERT_EQUAL(ts->in_use_bytes,
				(uint64_t)ts->in_use * ts->elt_footprint);
			CU_ASSERT(ts->reserved_bytes >=
				(uint64_t)ts->size * ts->elt_footprint);
			CU_ASSERT(ts->elt_footprint >= ts->obj_size);
		}
	CU_ASSERT_EQUAL(st->reserved_bytes, reserved);
	CU_ASSERT_EQUAL(st->in_use_bytes, used);
	CU_ASSERT_EQUAL(st->allocs, allocs);
	CU_ASSERT_EQUAL(st->frees, frees);
	CU_ASSERT_EQUAL(st->failures, fails);
	CU_ASSERT_DOUBLE_EQUAL(
		st->reserved_mb, reserved / (1024.0 * 1024.0), 1e-9);
	CU_ASSERT_DOUBLE_EQUAL(st->in_use_mb, used / (1024.0 * 1024.0), 1e-9);
}

#define ACC_TAKE 100

static void
test_tp_stats_accounting_arithmetic(void)
{
	struct lfp_tp_pools *p = make_pools("tpacc", 512);
	struct lfp_order *orders[ACC_TAKE];
	const struct lfp_tp_type_stats *os;
	struct lfp_tp_stats st;
	unsigned int i;

	CU_ASSERT_PTR_NOT_NULL_FATAL(p);
	LFP_ASSERT_ERRNO(lfp_tp_stats_get(NULL, &st), EINVAL);
	LFP_ASSERT_ERRNO(lfp_tp_stats_get(p, NULL), EINVAL);
	for (i = 0; i < ACC_TAKE; i++)
		orders[i] = mk_order(p, i + 1);
	CU_ASSERT_EQUAL(lfp_tp_stats_get(p, &st), 0);
	os = &st.socket[0].type[LFP_TP_TYPE_ORDER];
	CU_ASSERT_EQUAL(st.nb_sockets, 1);
	CU_ASSERT_EQUAL(st.socket[0].socket_id, (int)rte_socket_id());
	CU_ASSERT_EQUAL(os->size, 512);
	CU_ASSERT_EQUAL(os->obj_size, sizeof(struct lfp_order));
	CU_ASSERT_EQUAL(os->in_use, ACC_TAKE);
	CU_ASSERT_EQUAL(os->allocs, counted(ACC_TAKE));
	CU_ASSERT_EQUAL(os->frees, 0);
	CU_ASSERT_EQUAL(os->peak_in_use, counted(ACC_TAKE));
	CU_ASSERT_EQUAL(os->in_use_bytes, ACC_TAKE * os->elt_footprint);
	CU_ASSERT_EQUAL(os->alloc_rate > 0, LFP_STATS);
	CU_ASSERT_EQUAL(st.allocs, counted(ACC_TAKE));
	check_totals(&st);

	for (i = 0; i < ACC_TAKE / 2; i++)
		lfp_tp_order_free(p, orders[i]);
	CU_ASSERT_EQUAL(lfp_tp_stats_get(p, &st), 0);
	CU_ASSERT_EQUAL(os->in_use, ACC_TAKE / 2);
	CU_ASSERT_EQUAL(os->allocs - os->frees, counted(os->in_use));
	CU_ASSERT_EQUAL(os->peak_in_use, counted(ACC_TAKE));
	/* No allocation since the previous call. */
	CU_ASSERT_DOUBLE_EQUAL(os->alloc_rate, 0.0, 1e-12);
	check_totals(&st);

	for (; i < ACC_TAKE; i++)
		lfp_tp_order_free(p, orders[i]);
	CU_ASSERT_EQUAL(lfp_tp_stats_get(p, &st), 0);
	CU_ASSERT_EQUAL(os->in_use, 0);
	CU_ASSERT_EQUAL(os->frees, counted(ACC_TAKE));
	CU_ASSERT_EQUAL(st.in_use_bytes, 0);
	CU_ASSERT(lfp_tp_full(p));
	lfp_tp_stats_dump(stdout, p);
	lfp_tp_free(p);
}

#define PATH_COUNT 512
#define PATH_TAKE 20

/* The statistics of @type on the first socket. */
static struct lfp_tp_type_stats
stats_of(struct lfp_tp_pools *p, enum lfp_tp_type type)
{
	struct lfp_tp_stats st;

	CU_ASSERT_EQUAL(lfp_tp_stats_get(p, &st), 0);
	return st.socket[0].type[type];
}

/* Pools of Orders and PriceLevels with caches, Trades without. */
static struct lfp_tp_pools *
make_path_pools(void)
{
	struct lfp_tp_conf conf;
	unsigned int t;

	lfp_tp_conf_init(&conf);
	snprintf(conf.name, sizeof(conf.name), "tppath");
	conf.ops_name = TP_TEST_OPS;
	for (t = 0; t < LFP_TP_TYPE_MAX; t++)
		conf.type[t].count = 0;
	conf.type[LFP_TP_TYPE_ORDER].count = PATH_COUNT;
	conf.type[LFP_TP_TYPE_PRICE_LEVEL].count = PATH_COUNT;
	conf.type[LFP_TP_TYPE_TRADE].count = PATH_COUNT;
	conf.type[LFP_TP_TYPE_TRADE].cache_size = 0;
	return lfp_tp_create(&conf);
}

static void
check_counts(struct lfp_tp_pools *p, enum lfp_tp_type type, uint64_t allocs,
	uint64_t frees, uint64_t failures, uint32_t peak)
{
	struct lfp_tp_type_stats ts = stats_of(p, type);

	CU_ASSERT_EQUAL(ts.allocs, counted(allocs));
	CU_ASSERT_EQUAL(ts.frees, counted(frees));
	CU_ASSERT_EQUAL(ts.failures, failures);
	CU_ASSERT_EQUAL(ts.peak_in_use, counted(peak));
	CU_ASSERT_EQUAL(ts.in_use, allocs - frees);
}

/* Empty the Order pool and fill it again on one lcore: the cache
 * refills from the common pool, then flushes back to it. */
static void
count_drain_and_refill(struct lfp_tp_pools *p)
{
	static struct lfp_order *orders[PATH_COUNT];
	unsigned int i;

	for (i = 0; i < PATH_COUNT; i++) {
		orders[i] = mk_order(p, i + 1);
		CU_ASSERT_PTR_NOT_NULL_FATAL(orders[i]);
	}
	LFP_ASSERT_NULL_ERRNO(mk_order(p, 0), ENOBUFS);
	check_counts(p, LFP_TP_TYPE_ORDER, PATH_COUNT, 0, 1, PATH_COUNT);
	/* A type without a pool is refused the same way. */
	LFP_ASSERT_NULL_ERRNO(lfp_tp_order_node_create(p, orders[0]), ENOBUFS);
	for (i = 0; i < PATH_COUNT; i++)
		lfp_tp_order_free(p, orders[i]);
	check_counts(
		p, LFP_TP_TYPE_ORDER, PATH_COUNT, PATH_COUNT, 1, PATH_COUNT);
}

/* A pool without caches: every get and put goes to the common pool. */
static void
count_uncached(struct lfp_tp_pools *p)
{
	struct lfp_trade *trades[PATH_TAKE];
	unsigned int i;

	for (i = 0; i < PATH_TAKE; i++) {
		trades[i] = lfp_tp_trade_create(
			p, i, 2 * i + 1, 2 * i + 2, &sym_abc, 100, 10, i);
		CU_ASSERT_PTR_NOT_NULL_FATAL(trades[i]);
	}
	check_counts(p, LFP_TP_TYPE_TRADE, PATH_TAKE, 0, 0, PATH_TAKE);
	for (i = 0; i < PATH_TAKE; i++)
		lfp_tp_trade_free(p, trades[i]);
	check_counts(p, LFP_TP_TYPE_TRADE, PATH_TAKE, PATH_TAKE, 0, PATH_TAKE);
}

struct level_batch {
	struct lfp_tp_pools *pools;
	struct lfp_price_level *levels[PATH_TAKE];
};

static int
free_levels(void *arg)
{
	struct level_batch *b = arg;
	unsigned int i;

	for (i = 0; i < PATH_TAKE; i++)
		lfp_tp_price_level_free(b->pools, b->levels[i]);
	return 0;
}

static void
take_levels(struct level_batch *b)
{
	unsigned int i;

	for (i = 0; i < PATH_TAKE; i++) {
		b->levels[i] = lfp_tp_price_level_create(
			b->pools, LFP_TP_SIDE_SELL, 100 + i);
		CU_ASSERT_PTR_NOT_NULL_FATAL(b->levels[i]);
	}
}

/*
 * Levels taken on this lcore and freed on a worker: each lcore counts
 * what it did, and the peak is the documented upper bound (this lcore's
 * high-water mark also counts the levels the worker freed).
 */
static void
count_cross_lcore(struct lfp_tp_pools *p, unsigned int worker)
{
	static struct level_batch b;

	b.pools = p;
	take_levels(&b);
	CU_ASSERT_EQUAL(launch_on(free_levels, &b, worker), 0);
	CU_ASSERT_EQUAL(wait_on(worker), 0);
	check_counts(
		p, LFP_TP_TYPE_PRICE_LEVEL, PATH_TAKE, PATH_TAKE, 0, PATH_TAKE);
	take_levels(&b);
	check_counts(p, LFP_TP_TYPE_PRICE_LEVEL, 2 * PATH_TAKE, PATH_TAKE, 0,
		2 * PATH_TAKE);
	free_levels(&b);
	check_counts(p, LFP_TP_TYPE_PRICE_LEVEL, 2 * PATH_TAKE, 2 * PATH_TAKE,
		0, 2 * PATH_TAKE);
}

static void
test_tp_stats_count_every_path(void)
{
	unsigned int worker = rte_get_next_lcore(-1, 1, 0);
	struct lfp_tp_pools *p = make_path_pools();

	CU_ASSERT_PTR_NOT_NULL_FATAL(p);
	count_drain_and_refill(p);
	count_uncached(p);
	if (worker < RTE_MAX_LCORE)
		count_cross_lcore(p, worker);
	else
		lfp_test_skip(__func__, "cross-lcore part needs a worker");
	CU_ASSERT(lfp_tp_full(p));
	lfp_tp_free(p);
}

static void
test_tp_stats_numa_local(void)
{
	struct lfp_tp_pools *p = make_pools("tpnuma", 512);
	struct lfp_tp_stats st;
	unsigned int t;

	CU_ASSERT_PTR_NOT_NULL_FATAL(p);
	CU_ASSERT_EQUAL(lfp_tp_warmup(p), 0);
	CU_ASSERT_EQUAL(lfp_tp_stats_get(p, &st), 0);
	for (t = 0; t < LFP_TP_TYPE_MAX; t++) {
		double pct = st.socket[0].type[t].numa_local_pct;

		CU_ASSERT(pct >= 0.0 && pct <= 100.0);
		/* One node: every faulted-in page is on it. */
		if (numa_available() >= 0 && numa_max_node() == 0)
			CU_ASSERT_DOUBLE_EQUAL(pct, 100.0, 1e-9);
	}
	CU_ASSERT(st.numa_local_pct >= 0.0 && st.numa_local_pct <= 100.0);
	lfp_tp_free(p);
}

/* A string member, or "" when missing, so a comparison cannot crash. */
static const char *
jstr(json_t *obj, const char *key)
{
	const char *v = json_string_value(json_object_get(obj, key));

	return v != NULL ? v : "";
}

static const char *
jstr_at(json_t *arr, size_t i)
{
	const char *v = json_string_value(json_array_get(arr, i));

	return v != NULL ? v : "";
}

/* Send @cmd to this process's telemetry socket; the parsed reply. */
static json_t *
telemetry_query(const char *cmd)
{
	struct sockaddr_un addr = {.sun_family = AF_UNIX};
	char *buf = malloc(65536);
	json_t *reply = NULL;
	ssize_t n;
	int fd;

	snprintf(addr.sun_path, sizeof(addr.sun_path), "%s/dpdk_telemetry.v2",
		rte_eal_get_runtime_dir());
	fd = socket(AF_UNIX, SOCK_SEQPACKET, 0);
	if (buf == NULL || fd < 0)
		goto out;
	if (connect(fd, (struct sockaddr *)&addr, sizeof(addr)) != 0)
		goto out;
	if (recv(fd, buf, 65535, 0) <= 0) /* greeting */
		goto out;
	if (send(fd, cmd, strlen(cmd), 0) < 0)
		goto out;
	n = recv(fd, buf, 65535, 0);
	if (n > 0)
		reply = json_loadb(buf, n, 0, NULL);
out:
	if (fd >= 0)
		close(fd);
	free(buf);
	return reply;
}

static void
test_tp_stats_telemetry(void)
{
	struct lfp_tp_pools *p = make_pools("tptel", 256);
	json_t *reply, *stats, *row, *fields;
	char key[32];
	struct lfp_order *o;

	CU_ASSERT_PTR_NOT_NULL_FATAL(p);
	o = mk_order(p, 1);
	CU_ASSERT_PTR_NOT_NULL(o);
	reply = telemetry_query("/lfpool/tradepool/list");
	CU_ASSERT_PTR_NOT_NULL_FATAL(reply);
	CU_ASSERT(json_is_array(
		json_object_get(reply, "/lfpool/tradepool/list")));
	json_decref(reply);

	reply = telemetry_query("/lfpool/tradepool/stats,tptel");
	CU_ASSERT_PTR_NOT_NULL_FATAL(reply);
	stats = json_object_get(reply, "/lfpool/tradepool/stats");
	CU_ASSERT_FATAL(json_is_object(stats));
	CU_ASSERT_STRING_EQUAL(jstr(stats, "name"), "tptel");
	CU_ASSERT_STRING_EQUAL(jstr(stats, "ops"), TP_TEST_OPS);
	fields = json_object_get(stats, "fields");
	CU_ASSERT_STRING_EQUAL(jstr_at(fields, 0), "size");
	CU_ASSERT_STRING_EQUAL(jstr_at(fields, 1), "in_use");
	snprintf(key, sizeof(key), "s%u_order", rte_socket_id());
	row = json_object_get(stats, key);
	CU_ASSERT_FATAL(json_is_array(row));
	CU_ASSERT_EQUAL(json_integer_value(json_array_get(row, 0)), 256);
	CU_ASSERT_EQUAL(json_integer_value(json_array_get(row, 1)), 1);
	CU_ASSERT_EQUAL(json_array_size(row), json_array_size(fields));
	json_decref(reply);

	reply = telemetry_query("/lfpool/tradepool/stats,nosuch");
	CU_ASSERT_PTR_NOT_NULL_FATAL(reply);
	CU_ASSERT(json_is_null(
		json_object_get(reply, "/lfpool/tradepool/stats")));
	json_decref(reply);
	lfp_tp_order_free(p, o);
	lfp_tp_free(p);
}

/* ---- multi-lcore ------------------------------------------------------ */

#define MT_ITER 10000
#define MT_STASH 32
#define MT_COUNT 8192

/*
 * Each lcore hands every other order it made to the next lcore through a
 * single-producer single-consumer ring: with more lcores than CPUs, a
 * multi-producer ring would spin whenever a producer is preempted
 * mid-enqueue, and the test would measure the scheduler.
 *
 * On x86, DPDK 22.11's ring orders its head/tail updates with compiler
 * barriers that ThreadSanitizer cannot see, so under TSan the ring's own
 * accesses are ignored and the hand-off of each order is stated instead.
 */
static int
mt_give(struct rte_ring *r, void *obj)
{
	int ret;

	TSAN_RELEASE(obj);
	TSAN_IGNORE_BEGIN();
	ret = rte_ring_enqueue(r, obj);
	TSAN_IGNORE_END();
	return ret;
}

static unsigned int
mt_take(struct rte_ring *r, void **objs, unsigned int n)
{
	unsigned int i;

	TSAN_IGNORE_BEGIN();
	n = rte_ring_dequeue_burst(r, objs, n, NULL);
	TSAN_IGNORE_END();
	for (i = 0; i < n; i++)
		TSAN_ACQUIRE(objs[i]);
	return n;
}

static struct rte_ring *mt_ring[RTE_MAX_LCORE];
static unsigned int mt_from[RTE_MAX_LCORE];

struct mt_stash {
	struct lfp_order *order;
	struct lfp_order_node *node;
	struct lfp_trade *trade;
	void *buf;
};

static uint64_t
mt_id(unsigned int lcore, unsigned int i)
{
	return (uint64_t)lcore << 32 | i;
}

/* The object still holds what its owner wrote: no one else got it. */
static int
mt_check_release(struct lfp_tp_pools *p, struct mt_stash *s, uint64_t id)
{
	int bad = s->order->id != id || s->node->order != s->order ||
		s->trade->buy_order_id != id || *(uint64_t *)s->buf != id;

	lfp_tp_order_node_free(p, s->node);
	lfp_tp_trade_free(p, s->trade);
	lfp_tp_buf_put(p, s->buf);
	if ((id & 1) == 0 || mt_give(mt_ring[rte_lcore_id()], s->order) != 0)
		lfp_tp_order_free(p, s->order);
	return bad;
}

/* Free orders that the previous lcore made. */
static void
mt_free_foreign(struct lfp_tp_pools *p, unsigned int lcore)
{
	void *objs[8];
	unsigned int n, i;

	n = mt_take(mt_ring[mt_from[lcore]], objs, RTE_DIM(objs));
	for (i = 0; i < n; i++)
		lfp_tp_order_free(p, objs[i]);
}

static int
mt_worker(void *arg)
{
	struct lfp_tp_pools *p = arg;
	unsigned int lcore = rte_lcore_id();
	struct mt_stash stash[MT_STASH];
	unsigned int i, bad = 0;

	for (i = 0; i < MT_ITER; i++) {
		uint64_t id = mt_id(lcore, i);
		struct mt_stash *s = &stash[i % MT_STASH];

		if (i >= MT_STASH)
			bad += mt_check_release(
				p, s, mt_id(lcore, i - MT_STASH));
		s->order = mk_order(p, id);
		s->node = s->order != NULL ?
			lfp_tp_order_node_create(p, s->order) :
			NULL;
		s->trade = lfp_tp_trade_create(
			p, i, id, id + 1, &sym_abc, 1, 1, 0);
		s->buf = lfp_tp_buf_get(p, 8 + (i % 4000));
		if (s->order == NULL || s->node == NULL || s->trade == NULL ||
			s->buf == NULL)
			return -1; /* pools are sized never to run dry */
		*(uint64_t *)s->buf = id;
		mt_free_foreign(p, lcore);
	}
	for (i = MT_ITER - MT_STASH; i < MT_ITER; i++)
		bad += mt_check_release(
			p, &stash[i % MT_STASH], mt_id(lcore, i));
	return bad == 0 ? 0 : -1;
}

static int
mt_rings_create(void)
{
	unsigned int lcore, prev = rte_get_main_lcore();
	char name[RTE_RING_NAMESIZE];

	/* The main lcore comes first in the walk, and last in the chain. */
	RTE_LCORE_FOREACH(lcore)
	{
		snprintf(name, sizeof(name), "tp_mt_%u", lcore);
		mt_ring[lcore] = rte_ring_create(name, 1024, SOCKET_ID_ANY,
			RING_F_SP_ENQ | RING_F_SC_DEQ);
		if (mt_ring[lcore] == NULL)
			return -1;
		if (lcore != rte_get_main_lcore())
			mt_from[lcore] = prev;
		prev = lcore;
	}
	mt_from[rte_get_main_lcore()] = prev;
	return 0;
}

static void
mt_rings_drain_free(struct lfp_tp_pools *p)
{
	unsigned int lcore;

	RTE_LCORE_FOREACH(lcore)
	{
		while (rte_ring_count(mt_ring[mt_from[lcore]]) > 0)
			mt_free_foreign(p, lcore);
	}
	RTE_LCORE_FOREACH(lcore)
	{
		rte_ring_free(mt_ring[lcore]);
		mt_ring[lcore] = NULL;
	}
}

static void
test_tp_mt_create_free_back_to_full(void)
{
	struct lfp_tp_pools *p;
	struct lfp_tp_stats st;
	unsigned int lcore, t;

	if (rte_lcore_count() < 2) {
		lfp_test_skip(__func__, "needs 2 lcores");
		return;
	}
	p = make_pools("tpmt", MT_COUNT);
	CU_ASSERT_PTR_NOT_NULL_FATAL(p);
	CU_ASSERT_EQUAL_FATAL(mt_rings_create(), 0);
	CU_ASSERT_EQUAL(lfp_tp_warmup(p), 0);
	RTE_LCORE_FOREACH_WORKER(lcore)
	CU_ASSERT_EQUAL(launch_on(mt_worker, p, lcore), 0);
	CU_ASSERT_EQUAL(mt_worker(p), 0);
	RTE_LCORE_FOREACH_WORKER(lcore)
	CU_ASSERT_EQUAL(wait_on(lcore), 0);
	mt_rings_drain_free(p);

	CU_ASSERT(lfp_tp_full(p));
	CU_ASSERT_EQUAL(lfp_tp_stats_get(p, &st), 0);
	CU_ASSERT_EQUAL(st.allocs, st.frees);
	CU_ASSERT_EQUAL(st.failures, 0);
	CU_ASSERT_EQUAL(st.in_use_bytes, 0);
	CU_ASSERT_EQUAL(st.socket[0].type[LFP_TP_TYPE_ORDER].allocs,
		counted((uint64_t)MT_ITER * rte_lcore_count()));
	for (t = 0; t < LFP_TP_TYPE_MAX; t++)
		CU_ASSERT(st.socket[0].type[t].peak_in_use <=
			st.socket[0].type[t].size);
	check_totals(&st);
	lfp_tp_free(p);
}

/* ---- zero allocation -------------------------------------------------- */

#define ZA_ITER 100000

/* One trading step: order in, rests, matches, trade out, all released. */
static int
za_step(struct lfp_tp_pools *p, uint64_t i)
{
	LFP_TP_SCOPED_ORDER(o, p,
		lfp_tp_order_create(p, i, &sym_abc,
			(i & 1) ? LFP_TP_SIDE_BUY : LFP_TP_SIDE_SELL,
			LFP_TP_ORDER_LIMIT, 100 + (i & 7), 10, i));
	LFP_TP_SCOPED_PRICE_LEVEL(
		l, p, lfp_tp_price_level_create(p, LFP_TP_SIDE_BUY, 100));
	LFP_TP_SCOPED_ORDER_NODE(n, p, lfp_tp_order_node_create(p, o));
	LFP_TP_SCOPED_TRADE(t, p,
		lfp_tp_trade_create(p, i, i, i + 1, &sym_abc, 100, 10, i));
	LFP_TP_SCOPED_BUF(b, p, lfp_tp_buf_get(p, 64 + (i & 1023)));

	if (o == NULL || l == NULL || n == NULL || t == NULL || b == NULL)
		return -1;
	l->head = l->tail = n;
	l->total_qty += o->qty;
	o->filled_qty = t->qty;
	o->state = LFP_TP_STATE_FILLED;
	memcpy(b, t, sizeof(*t));
	/* A refused order allocates nothing either. */
	return lfp_tp_order_create(p, i, &sym_abc, LFP_TP_SIDE_BUY,
		       LFP_TP_ORDER_LIMIT, -1, 1, i) == NULL ?
		0 :
		-1;
}

/* The loop, with the calling thread's heap and mmap calls counted. */
static int
za_loop(void *arg)
{
	struct lfp_tp_pools *p = arg;
	struct lfp_alloc_counts c;
	char what[256];
	uint64_t i;
	int bad = 0;

	za_step(p, 0);
	lfp_alloc_counter_reset();
	for (i = 1; i <= ZA_ITER; i++)
		bad |= za_step(p, i);
	lfp_alloc_counter_read_thread(&c);
	if (lfp_alloc_counter_total(&c) != 0) {
		lfp_alloc_counter_format(&c, what, sizeof(what));
		printf("\n    lcore %u called: %s\n", rte_lcore_id(), what);
		bad = 1;
	}
	return bad ? -1 : 0;
}

static void
test_tp_zero_alloc_steady_state(void)
{
	struct lfp_tp_pools *p;
	unsigned int worker = rte_get_next_lcore(-1, 1, 0);

	if (!lfp_alloc_counter_active()) {
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
		lfp_test_skip(__func__,
			"the sanitizer runtime interposes "
			"malloc before the counting shim");
#else
		CU_FAIL("the counting shim does not see malloc/mmap");
#endif
		return;
	}
	p = make_pools("tpza", 1024);
	CU_ASSERT_PTR_NOT_NULL_FATAL(p);
	CU_ASSERT_EQUAL(lfp_tp_warmup(p), 0);
	CU_ASSERT_EQUAL(za_loop(p), 0);
	if (worker < RTE_MAX_LCORE) {
		CU_ASSERT_EQUAL(launch_on(za_loop, p, worker), 0);
		CU_ASSERT_EQUAL(wait_on(worker), 0);
	}
	CU_ASSERT(lfp_tp_full(p));
	lfp_tp_free(p);
}

static void
test_tp_zero_alloc_shim_counts(void)
{
	struct lfp_alloc_counts c;
	void *(*volatile do_calloc)(size_t, size_t) = calloc;
	void *(*volatile do_realloc)(void *, size_t) = realloc;
	int (*volatile do_pm)(void **, size_t, size_t) = posix_memalign;
	void *(*volatile do_aa)(size_t, size_t) = aligned_alloc;
	void *(*volatile do_sbrk)(intptr_t) = sbrk;
	void *a, *b = NULL;

	if (!lfp_alloc_counter_active()) {
		lfp_test_skip(__func__,
			"the counting shim is not active "
			"(sanitizer build)");
		return;
	}
	lfp_alloc_counter_reset();
	a = do_calloc(4, 8);
	a = do_realloc(a, 64);
	CU_ASSERT_EQUAL(do_pm(&b, 64, 128), 0);
	free(b);
	b = do_aa(64, 128);
	free(b);
	free(a);
	do_sbrk(0);
	lfp_alloc_counter_read_thread(&c);
	CU_ASSERT_EQUAL(c.calloc, 1);
	CU_ASSERT_EQUAL(c.realloc, 1);
	CU_ASSERT_EQUAL(c.posix_memalign, 1);
	CU_ASSERT_EQUAL(c.aligned_alloc, 1);
	CU_ASSERT_EQUAL(c.free, 3);
	CU_ASSERT_EQUAL(c.brk, 1);
}

/* ---- registration ----------------------------------------------------- */

static int
types_init(void)
{
	return lfp_tp_symbol_set(&sym_abc, "ABC") != 0;
}

static CU_TestInfo symbol_tests[] = {
	{"symbol_rejects_bad_input", test_tp_symbol_rejects_bad_input},
	{"symbol_accepts_and_compares", test_tp_symbol_accepts_and_compares},
	CU_TEST_INFO_NULL,
};

static CU_TestInfo object_tests[] = {
	{"init_in_place", test_tp_init_in_place},
	{"order_create_validates", test_tp_order_create_validates},
	{"order_create_initialises", test_tp_order_create_initialises},
	{"trade_create_validates", test_tp_trade_create_validates},
	{"node_and_level_create_validate",
		test_tp_node_and_level_create_validate},
	{"buf_get_picks_smallest_class", test_tp_buf_get_picks_smallest_class},
	{"create_free_from_non_eal_thread",
		test_tp_create_free_from_non_eal_thread},
	{"exhaustion_and_recovery", test_tp_exhaustion_and_recovery},
	{"scoped_release_at_block_end", test_tp_scoped_release_at_block_end},
	{"scoped_release_on_early_return",
		test_tp_scoped_release_on_early_return},
	{"scoped_take_transfers_ownership",
		test_tp_scoped_take_transfers_ownership},
	{"scoped_release_in_loop_and_null",
		test_tp_scoped_release_in_loop_and_null},
	CU_TEST_INFO_NULL,
};

static CU_TestInfo create_tests[] = {
	{"create_rejects_bad_conf", test_tp_create_rejects_bad_conf},
	{"create_reports_missing_ops_and_memory",
		test_tp_create_reports_missing_ops_and_memory},
	{"create_duplicate_and_lookup", test_tp_create_duplicate_and_lookup},
	{"create_defaults_and_auto_cache",
		test_tp_create_defaults_and_auto_cache},
	{"create_node_without_memory_policy",
		test_tp_create_node_without_memory_policy},
	CU_TEST_INFO_NULL,
};

static CU_TestInfo warmup_tests[] = {
	{"warmup_leaves_no_page_faults", test_tp_warmup_leaves_no_page_faults},
	{"warmup_prefills_every_lcore_cache",
		test_tp_warmup_prefills_every_lcore_cache},
	{"warmup_refusals", test_tp_warmup_refusals},
	CU_TEST_INFO_NULL,
};

static CU_TestInfo stats_tests[] = {
	{"stats_accounting_arithmetic", test_tp_stats_accounting_arithmetic},
	{"stats_count_every_path", test_tp_stats_count_every_path},
	{"stats_numa_local", test_tp_stats_numa_local},
	{"stats_telemetry", test_tp_stats_telemetry},
	CU_TEST_INFO_NULL,
};

static CU_TestInfo mt_tests[] = {
	{"mt_create_free_back_to_full", test_tp_mt_create_free_back_to_full},
	CU_TEST_INFO_NULL,
};

static CU_TestInfo zero_alloc_tests[] = {
	{"zero_alloc_shim_counts", test_tp_zero_alloc_shim_counts},
	{"zero_alloc_steady_state", test_tp_zero_alloc_steady_state},
	CU_TEST_INFO_NULL,
};

static CU_SuiteInfo suites[] = {
	{"tradepool_symbols", types_init, NULL, NULL, NULL, symbol_tests},
	{"tradepool_objects", objects_init, objects_cleanup, NULL, NULL,
		object_tests},
	{"tradepool_create", NULL, NULL, NULL, NULL, create_tests},
	{"tradepool_warmup", NULL, NULL, NULL, NULL, warmup_tests},
	{"tradepool_stats", NULL, NULL, NULL, NULL, stats_tests},
	{"tradepool_mt", NULL, NULL, NULL, NULL, mt_tests},
	{"tradepool_zero_alloc", NULL, NULL, NULL, NULL, zero_alloc_tests},
	CU_SUITE_INFO_NULL,
};

int
main(int argc, char **argv)
{
	static const struct lfp_test_conf conf = {
		.name = "tradepool",
		.lcores = TEST_LCORES,
		.suites = suites,
	};

	if (getenv("LFP_TP_TEST_OPS") != NULL)
		test_ops = getenv("LFP_TP_TEST_OPS");
	printf("tradepool tests on mempool ops %s\n", test_ops);
	return lfp_test_main(argc, argv, &conf);
}
