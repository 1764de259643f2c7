/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The lfpool authors
 */

#ifndef LFP_HEAP_TSAN_H
#define LFP_HEAP_TSAN_H

/*
 * Internal to the project, not installed: for ThreadSanitizer builds only.
 *
 * DPDK's heap lock is invisible to ThreadSanitizer (DPDK is not built with
 * it, and its spinlock is inline asm on x86). A block that rte_free()
 * clears in one thread and that rte_malloc() hands to another thread then
 * looks like a race between the clearing and the new owner's writes. Each
 * component wraps its own rte_malloc/rte_free calls in LFP_HEAP_TSAN_LOCK()
 * and LFP_HEAP_TSAN_UNLOCK(), one mutex that TSan sees, standing for the
 * heap lock. It must be one mutex for every component in the program (a
 * block freed by lib/numa may come back to the driver): a weak definition,
 * merged by the linker. Outside TSan builds both macros are empty.
 */

#if defined(__SANITIZE_THREAD__)
#define LFP_HEAP_TSAN 1
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define LFP_HEAP_TSAN 1
#endif
#endif

#ifdef LFP_HEAP_TSAN
#include <pthread.h>

__attribute__((weak))
pthread_mutex_t lfp_heap_tsan_lock = PTHREAD_MUTEX_INITIALIZER;
#define LFP_HEAP_TSAN_LOCK() pthread_mutex_lock(&lfp_heap_tsan_lock)
#define LFP_HEAP_TSAN_UNLOCK() pthread_mutex_unlock(&lfp_heap_tsan_lock)
#else
#define LFP_HEAP_TSAN_LOCK() \
	do { \
	} while (0)
#define LFP_HEAP_TSAN_UNLOCK() \
	do { \
	} while (0)
#endif

#endif /* LFP_HEAP_TSAN_H */
