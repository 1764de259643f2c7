/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The lfpool authors
 */

/*
 * The contract and concurrency cases again, in a process where
 * membarrier(2) is refused (a seccomp filter answers ENOSYS, as a
 * container's profile or an old kernel would): the driver must fall back
 * to fence-mode caches and stay correct.
 */

#include <stdio.h>
#include <string.h>

#include "lfp_test.h"
#include "test_lfpool.h"

static CU_SuiteInfo suites[] = {
	{"lfpool_fence_contract", NULL, NULL, NULL, NULL, lt_contract_tests},
	{"lfpool_fence_concurrency", NULL, NULL, NULL, NULL,
		lt_concurrency_tests},
	{"lfpool_fence_mode", NULL, NULL, NULL, NULL, lt_mode_tests},
	CU_SUITE_INFO_NULL,
};

int
main(int argc, char **argv)
{
	static const struct lfp_test_conf conf = {
		.name = "lfpool_fence",
		.lcores = 4,
		.suites = suites,
	};
	int ret = lfp_test_refuse_membarrier();

	if (ret < 0) {
		fprintf(stderr, "seccomp filter: %s\n", strerror(-ret));
		return 1;
	}
	return lfp_test_main(argc, argv, &conf);
}
