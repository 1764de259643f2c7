/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The lfpool authors
 */

#ifndef LFP_TEST_H
#define LFP_TEST_H

/**
 * @file
 * Shared harness of the lfpool CUnit suites: boots EAL once per binary with
 * its own --file-prefix, uses hugepages when the machine has free ones and
 * --no-huge otherwise, maps more lcores than CPUs when a suite asks for
 * them, re-executes the binary as a secondary process on request, and
 * removes the runtime directory and hugepage files it created at exit.
 */

#include <stdbool.h>
#include <stdio.h>

#include <CUnit/Basic.h>

/** Options of lfp_test_main(). */
struct lfp_test_conf {
	const char *name;     /**< Suite family, e.g. "hazptr"; prefix base. */
	unsigned int lcores;  /**< EAL lcores wanted (main included), >= 1. */
	CU_SuiteInfo *suites; /**< NULL-terminated suite table. */
	/**
	 * Secondary-process entry points, looked up by name when the binary is
	 * re-executed by lfp_test_run_secondary(). May be NULL.
	 */
	const struct lfp_test_secondary *secondaries;
	/** Extra EAL arguments (e.g. "-d" plug-ins), NULL-terminated. */
	const char *const *extra_eal_args;
};

/** A function run in a secondary process; returns its exit status. */
struct lfp_test_secondary {
	const char *name;
	int (*fn)(int argc, char **argv);
};

/**
 * Boot EAL, run the suites (or the secondary entry point named in the
 * environment), clean up, and return the process exit status: 0 when every
 * test passed, 1 otherwise.
 */
int lfp_test_main(int argc, char **argv, const struct lfp_test_conf *conf);

/** True when EAL was booted on hugepages (multi-process is possible). */
bool lfp_test_have_hugepages(void);

/** The --file-prefix this process uses. */
const char *lfp_test_file_prefix(void);

/**
 * Re-execute this binary as a secondary process of the running primary,
 * running the secondary entry point @p name with @p arg passed as its only
 * application argument, and wait for it.
 *
 * @return
 *   The secondary's exit status (0 on success), or -1 if it could not run.
 */
int lfp_test_run_secondary(const char *name, const char *arg);

/**
 * Start a secondary like lfp_test_run_secondary() without waiting.
 * @return its pid, or -1.
 */
int lfp_test_spawn_secondary(const char *name, const char *arg);

/**
 * Make membarrier(2) fail with ENOSYS in this process from now on, as a
 * seccomp policy or an old kernel would: call it before EAL and the code
 * under test first try it. Returns 0 or a negative errno.
 */
int lfp_test_refuse_membarrier(void);

/** Wait for a pid from lfp_test_spawn_secondary(); returns its status. */
int lfp_test_wait_secondary(int pid);

/**
 * Print why a test is skipped. CUnit 2.1-3 has no skip state, so a skipped
 * test prints this line (counted and listed at the end) and passes.
 */
void lfp_test_skip(const char *test, const char *why);

/** Assert that an int call returned @p expected_ret and set rte_errno. */
#define LFP_ASSERT_ERRNO(call, expected_errno) \
	do { \
		rte_errno = 0; \
		int lfp_ret_ = (call); \
		CU_ASSERT_EQUAL(lfp_ret_, -(expected_errno)); \
		CU_ASSERT_EQUAL(rte_errno, (expected_errno)); \
	} while (0)

/** Assert that a pointer call returned NULL and set rte_errno. */
#define LFP_ASSERT_NULL_ERRNO(call, expected_errno) \
	do { \
		rte_errno = 0; \
		const void *lfp_ptr_ = (call); \
		CU_ASSERT_PTR_NULL(lfp_ptr_); \
		CU_ASSERT_EQUAL(rte_errno, (expected_errno)); \
	} while (0)

#endif /* LFP_TEST_H */
