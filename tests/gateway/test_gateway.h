/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The lfpool authors
 */

#ifndef TEST_GATEWAY_H
#define TEST_GATEWAY_H

/*
 * Shared pieces of the order gateway's CUnit suites: the suite tables,
 * a sink that records a book's messages, and the allocator the tests run
 * the book on (lib/tradepool pools).
 */

#include <stdint.h>

#include <CUnit/Basic.h>

#include "alloc.h"
#include "book.h"
#include "proto.h"

extern CU_TestInfo gw_proto_tests[];
extern CU_TestInfo gw_ordmap_tests[];
extern CU_TestInfo gw_book_tests[];
extern CU_TestInfo gw_diff_tests[];
extern CU_TestInfo gw_engine_tests[];
extern CU_TestInfo gw_sysc_tests[];

/* Records every message a book emits, in order. */
struct rec_sink {
	struct gw_msg *msgs;
	uint32_t n;
	uint32_t cap;
	struct gw_sink sink;
};

void rec_init(struct rec_sink *r, uint32_t cap);
void rec_fini(struct rec_sink *r);
void rec_clear(struct rec_sink *r);

/*
 * Typed pools for a test: small counts so exhaustion is reachable; the
 * lfpool ops when the driver is linked in, ring_mp_mc before it exists.
 * Returns NULL (and fails the test) on error.
 */
struct lfp_tp_pools *gw_test_pools(const char *name, uint32_t orders,
	uint32_t trades, uint32_t nodes, uint32_t levels);

/* Scale a randomized test's size down under the sanitizers. */
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define GW_TEST_SCALE 5
#else
#define GW_TEST_SCALE 1
#endif

#endif /* TEST_GATEWAY_H */
