/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The lfpool authors
 */

#ifndef TEST_LFPOOL_H
#define TEST_LFPOOL_H

#include <CUnit/CUnit.h>

#include "lfpool_test.h"

/* One CUnit test per ops name for a case written as fn(const char *ops). */
#define LT_PER_OPS(fn) \
	static void fn##_lfpool(void) \
	{ \
		fn(lt_ops_names[0]); \
	} \
	static void fn##_ring(void) \
	{ \
		fn(lt_ops_names[1]); \
	} \
	static void fn##_stack(void) \
	{ \
		fn(lt_ops_names[2]); \
	} \
	static void fn##_lf_stack(void) \
	{ \
		fn(lt_ops_names[3]); \
	}

/* The matching CU_TestInfo entries. */
#define LT_OPS_TESTS(name, fn) \
	{name "_lfpool", fn##_lfpool}, {name "_ring_mp_mc", fn##_ring}, \
		{name "_stack", fn##_stack}, \
	{ \
		name "_lf_stack", fn##_lf_stack \
	}

extern CU_TestInfo lt_concurrency_tests[];
extern CU_TestInfo lt_telemetry_tests[];
extern CU_TestInfo lt_contract_tests[];
extern CU_TestInfo lt_mode_tests[];

#endif /* TEST_LFPOOL_H */
