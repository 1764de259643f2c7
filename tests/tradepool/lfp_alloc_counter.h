/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The lfpool authors
 */

#ifndef LFP_ALLOC_COUNTER_H
#define LFP_ALLOC_COUNTER_H

/**
 * @file
 * A counting shim over the C heap and the kernel memory calls, to prove
 * that a loop allocates nothing. Linked as a shared library (meson
 * variable lfp_alloc_counter_dep) it comes before libc in the symbol
 * search order and interposes malloc, calloc, realloc, free,
 * posix_memalign, aligned_alloc, memalign, valloc, pvalloc, mmap, mmap64,
 * munmap, mremap, brk and sbrk; it also works through LD_PRELOAD. Each
 * call is counted for the process and for the calling thread, then handed
 * to glibc.
 *
 * Sanitizer runtimes (ASan, TSan) interpose the heap first, so the shim's
 * heap counters stay at zero under them: check lfp_alloc_counter_active()
 * before trusting a zero, and skip the proof when it returns false.
 */

#include <stdbool.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/** Calls counted, one field per interposed family. */
struct lfp_alloc_counts {
	uint64_t malloc;
	uint64_t calloc;
	uint64_t realloc;
	uint64_t free;
	uint64_t posix_memalign;
	uint64_t aligned_alloc;
	uint64_t memalign; /**< memalign, valloc, pvalloc */
	uint64_t mmap;	   /**< mmap, mmap64 */
	uint64_t munmap;
	uint64_t mremap;
	uint64_t brk; /**< brk, sbrk */
};

/** Process-wide counts since start or the last reset. */
void lfp_alloc_counter_read(struct lfp_alloc_counts *c);

/** Counts of the calling thread since it started or its last reset. */
void lfp_alloc_counter_read_thread(struct lfp_alloc_counts *c);

/** Zero the process-wide counts and the calling thread's counts. */
void lfp_alloc_counter_reset(void);

/** Sum of all fields. */
uint64_t lfp_alloc_counter_total(const struct lfp_alloc_counts *c);

/**
 * True when the shim really sees this process's malloc and mmap calls:
 * it makes one of each and checks that the calling thread's counts moved.
 */
bool lfp_alloc_counter_active(void);

/** Print the non-zero fields, "malloc=3 mmap=1", to @p buf. */
void lfp_alloc_counter_format(
	const struct lfp_alloc_counts *c, char *buf, unsigned int len);

#ifdef __cplusplus
}
#endif

#endif /* LFP_ALLOC_COUNTER_H */
