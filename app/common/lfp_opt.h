/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The lfpool authors
 */

#ifndef LFP_OPT_H
#define LFP_OPT_H

/**
 * @file
 * Command-line values of the lfpool programs (benchmarks, demo, examples),
 * checked the same way everywhere: a value that is negative, not a number,
 * out of range or not one of the known names is refused with one line on
 * stderr naming the option and what it accepts, e.g.
 *
 *   lfpool-bench: --sizes: '-1' is not an integer in 8..1048576
 *
 * and the program then exits with LFP_OPT_EXIT_USAGE. Output paths are
 * checked the same way before any work is done, so that a typo does not
 * cost a whole run. Plain C and libc, no DPDK: usable before rte_eal_init()
 * and in programs without EAL.
 *
 * Every function returns 0 or -EINVAL, and prints the message itself.
 */

#include <stdint.h>

/** Exit status of a program given a bad option (as getopt users do). */
#define LFP_OPT_EXIT_USAGE 2

/** Parse @p arg, a decimal integer in [@p min, @p max], into @p v. */
int lfp_opt_u64(const char *opt, const char *arg, uint64_t min, uint64_t max,
	uint64_t *v);

/** lfp_opt_u64() for an unsigned int. */
int lfp_opt_uint(const char *opt, const char *arg, unsigned int min,
	unsigned int max, unsigned int *v);

/** Parse @p arg, a finite number in [@p min, @p max], into @p v. */
int lfp_opt_double(
	const char *opt, const char *arg, double min, double max, double *v);

/**
 * Parse @p arg, a comma-separated list of 1 to @p max_n integers each in
 * [@p min, @p max], into @p v and its length @p n.
 */
int lfp_opt_uint_list(const char *opt, const char *arg, unsigned int min,
	unsigned int max, unsigned int *v, unsigned int max_n, unsigned int *n);

/**
 * Find @p arg among the @p n names of @p names; its index goes to @p idx.
 * The message of an unknown name lists the known ones.
 */
int lfp_opt_name(const char *opt, const char *arg, const char *const *names,
	unsigned int n, unsigned int *idx);

/**
 * Refuse an unknown name @p arg of option @p opt, listing the @p n known
 * @p names (for lists that accept more than lfp_opt_name() knows, such as
 * group names): always returns -EINVAL.
 */
int lfp_opt_unknown(const char *opt, const char *arg, const char *const *names,
	unsigned int n);

/**
 * Check that the file @p path can be written: an existing file is opened
 * for writing (not truncated), a new one is created and removed again.
 */
int lfp_opt_out_file(const char *opt, const char *path);

/**
 * Check that @p path is a directory in which files can be created,
 * creating it (one level) when it does not exist.
 */
int lfp_opt_out_dir(const char *opt, const char *path);

#endif /* LFP_OPT_H */
