/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The lfpool authors
 */

/*
 * The system-call counter (app/common/lfp_sysc.h) that proves the worker
 * loop makes no system call (test_e2e.c reads its count from the gateway's
 * report): it counts deliberate calls, only inside the window, nothing for
 * pure computation, and reports an install it cannot make.
 */

#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "lfp_sysc.h"
#include "lfp_test.h"
#include "test_gateway.h"

/* What the watched thread does, and what it saw. */
struct watched {
	struct lfp_sysc s;
	unsigned int before; /* calls before the window */
	unsigned int inside; /* calls in it */
	unsigned int after;
	uint64_t spin; /* iterations of pure computation in the window */
	uint64_t sink;
	bool try_second;	/* install a second listener after */
	struct lfp_sysc second; /* its state */
	int second_install;	/* its result */
};

static void
calls(unsigned int n)
{
	while (n-- > 0)
		(void)syscall(SYS_getppid);
}

static void *
watched_main(void *arg)
{
	struct watched *x = arg;
	volatile uint64_t acc = 1;
	uint64_t i;

	if (lfp_sysc_install(&x->s) < 0)
		return NULL;
	calls(x->before);
	lfp_sysc_steady(&x->s, true);
	calls(x->inside);
	for (i = 0; i < x->spin; i++)
		acc = acc * 6364136223846793005u + i;
	lfp_sysc_steady(&x->s, false);
	calls(x->after);
	x->sink = acc;
	if (x->try_second)
		x->second_install = lfp_sysc_install(&x->second);
	return NULL;
}

/*
 * Run @p x on a thread served by this one. Returns false (test skipped)
 * where seccomp user notification is not available.
 */
static bool
run_watched(const char *test, struct watched *x)
{
	pthread_t th;
	int rc;

	lfp_sysc_init(&x->s);
	lfp_sysc_init(&x->second);
	CU_ASSERT_EQUAL_FATAL(pthread_create(&th, NULL, watched_main, x), 0);
	rc = lfp_sysc_serve(&x->s);
	lfp_sysc_close(&x->s);
	CU_ASSERT_EQUAL(pthread_join(th, NULL), 0);
	if (rc == -EACCES || rc == -EPERM || rc == -ENOSYS || rc == -EINVAL) {
		lfp_test_skip(test, "no seccomp user notification here");
		return false;
	}
	CU_ASSERT_EQUAL(rc, 0);
	return rc == 0;
}

/* Three calls in the window, five around it: three counted. */
static void
test_sysc_counts_calls_in_window(void)
{
	struct watched x = {.before = 2, .inside = 3, .after = 3};

	if (!run_watched(__func__, &x))
		return;
	CU_ASSERT_EQUAL(lfp_sysc_count(&x.s), 3);
}

/* Computation alone in the window: nothing counted. */
static void
test_sysc_pure_loop_counts_zero(void)
{
	struct watched x = {
		.before = 1, .spin = 10000000 / GW_TEST_SCALE, .after = 1};

	if (!run_watched(__func__, &x))
		return;
	CU_ASSERT_EQUAL(lfp_sysc_count(&x.s), 0);
	CU_ASSERT_NOT_EQUAL(x.sink, 0);
}

/*
 * A second listener on a watched thread is refused with -EBUSY (its calls
 * counted by the first), and serving it returns that error at once.
 */
static void
test_sysc_second_install_busy(void)
{
	struct watched x = {.inside = 1, .try_second = true};

	if (!run_watched(__func__, &x))
		return;
	CU_ASSERT_EQUAL(x.second_install, -EBUSY);
	CU_ASSERT_EQUAL(x.second.fd, -1);
	CU_ASSERT_EQUAL(lfp_sysc_serve(&x.second), -EBUSY);
	CU_ASSERT_EQUAL(lfp_sysc_count(&x.s), 1);
}

CU_TestInfo gw_sysc_tests[] = {
	{"counts_calls_in_window", test_sysc_counts_calls_in_window},
	{"pure_loop_counts_zero", test_sysc_pure_loop_counts_zero},
	{"second_install_busy", test_sysc_second_install_busy},
	CU_TEST_INFO_NULL,
};
