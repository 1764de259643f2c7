/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The lfpool authors
 */

/*
 * Who owns a record: this process's identity (pid and start time), the
 * liveness test that lets any process adopt the records of a dead one, and
 * the per-process choice between fence-less publishes paired with
 * membarrier(2) and the full-fence fallback.
 */

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <unistd.h>

#include <linux/membarrier.h>

#include <rte_branch_prediction.h>
#include <rte_common.h>
#include <rte_spinlock.h>

#include "hazptr_private.h"
#include "lfp_proc.h"

/* This process, as recorded in the owner word of its records. */
static struct {
	rte_spinlock_t lock; /* Serialises (re)computation. */
	pid_t pid;	     /* 0 until computed; stale in a forked child. */
	uint64_t owner;	     /* Owner word, HP_OWNER_FAST included. */
	bool fast;	     /* Registered for GLOBAL_EXPEDITED. */
} hp_self = {.lock = RTE_SPINLOCK_INITIALIZER};

static uint64_t
owner_make(pid_t pid, uint64_t start, bool fast)
{
	return ((uint64_t)pid & HP_OWNER_PID_MASK) |
		(fast ? HP_OWNER_FAST : 0) |
		((start & UINT32_MAX) << HP_OWNER_START_SHIFT);
}

static long
membarrier(int cmd)
{
	return syscall(__NR_membarrier, cmd, 0, 0);
}

/*
 * Register this process for MEMBARRIER_CMD_GLOBAL_EXPEDITED, so that a
 * scanner in any process can order this process's fence-less publishes.
 * False where the kernel lacks it or a seccomp filter refuses it.
 */
static bool
membarrier_register(void)
{
	const long need = MEMBARRIER_CMD_GLOBAL_EXPEDITED |
		MEMBARRIER_CMD_REGISTER_GLOBAL_EXPEDITED;
	const char *why = NULL;
	long cmds;

	if (!HP_FAST_BUILD)
		why = "ThreadSanitizer build";
	else if ((cmds = membarrier(MEMBARRIER_CMD_QUERY)) < 0)
		why = strerror(errno);
	else if ((cmds & need) != need)
		why = "GLOBAL_EXPEDITED not supported";
	else if (membarrier(MEMBARRIER_CMD_REGISTER_GLOBAL_EXPEDITED) < 0)
		why = strerror(errno);
	if (why == NULL)
		return true;
	HP_LOG(NOTICE,
		"membarrier(2) unavailable (%s): this process publishes "
		"hazards with a full fence",
		why);
	return false;
}

/* Compute identity and mode, again in a child after fork(). */
static void
self_refresh(void)
{
	pid_t pid = getpid();
	uint64_t start = 0;
	char state;

	bool fast;

	rte_spinlock_lock(&hp_self.lock);
	/* relaxed: written under the lock we hold. */
	if (__atomic_load_n(&hp_self.pid, __ATOMIC_RELAXED) != pid) {
		/* A forked child is a new mm: it registers again. */
		fast = membarrier_register();
		if (lfp_proc_stat_read(pid, &state, &start) < 0)
			HP_LOG(WARNING,
				"cannot read /proc/%d/stat: records "
				"of a recycled pid may be kept",
				(int)pid);
		/* relaxed: published by the release store of pid below. */
		__atomic_store_n(&hp_self.fast, fast, __ATOMIC_RELAXED);
		/* relaxed: published by the release store of pid below. */
		__atomic_store_n(&hp_self.owner, owner_make(pid, start, fast),
			__ATOMIC_RELAXED);
		/* release: owner and fast are set for whoever sees this pid;
		 * pairs with the acquire load in hp_owner_self().
		 */
		__atomic_store_n(&hp_self.pid, pid, __ATOMIC_RELEASE);
	}
	rte_spinlock_unlock(&hp_self.lock);
}

uint64_t
hp_owner_self(void)
{
	/* acquire: pairs with the release store in self_refresh(). */
	if (unlikely(__atomic_load_n(&hp_self.pid, __ATOMIC_ACQUIRE) !=
		    getpid()))
		self_refresh();
	/* relaxed: ordered by the acquire load of pid above. */
	return __atomic_load_n(&hp_self.owner, __ATOMIC_RELAXED);
}

bool
hp_fast_publish(void)
{
	/* relaxed: set before this process's first record was claimed
	 * (lfp_hp_register() calls hp_owner_self() first), so a thread
	 * that owns a record of this process reads the final value.
	 */
	return __atomic_load_n(&hp_self.fast, __ATOMIC_RELAXED);
}

bool
hp_owner_alive(uint64_t owner)
{
	if ((owner & ~HP_OWNER_FAST) == (hp_owner_self() & ~HP_OWNER_FAST))
		return true;
	return lfp_proc_alive((pid_t)(owner & HP_OWNER_PID_MASK),
		(uint32_t)(owner >> HP_OWNER_START_SHIFT));
}

bool
hp_membarrier_global(void)
{
	return hp_fast_publish() &&
		membarrier(MEMBARRIER_CMD_GLOBAL_EXPEDITED) == 0;
}
