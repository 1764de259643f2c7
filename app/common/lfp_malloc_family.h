/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The lfpool authors
 */

#ifndef LFP_MALLOC_FAMILY_H
#define LFP_MALLOC_FAMILY_H

/**
 * @file
 * The mallocs that the benchmarks put in place of glibc's with LD_PRELOAD
 * (jemalloc, tcmalloc, mimalloc): which shared object provides each on
 * this system, how a process tells which one serves its malloc(), and the
 * environment of a child that preloads one. Shared by lfpool-bench (its
 * lfpool-bench-malloc children) and the order gateway's --bench-book (its
 * --bench-child children). No DPDK.
 *
 * A parent looks the family's library up with lfp_malloc_family_library()
 * (none: not installed, say so and which package installs it), starts the
 * child with lfp_malloc_preload_env(), and the child checks with
 * lfp_malloc_family_loaded() that the preload took; if not, it exits with
 * LFP_MALLOC_EXIT_NOT_LOADED, and the parent reports the family skipped.
 */

#include <stddef.h>

/** Exit status of a child in which the family asked for is not loaded. */
#define LFP_MALLOC_EXIT_NOT_LOADED 77

/** Number of preloadable families (glibc's own malloc is not one). */
#define LFP_MALLOC_FAMILIES 3

/** Sonames tried for a family, newest first. */
#define LFP_MALLOC_SONAMES 2

/** A malloc that LD_PRELOAD can put in place of glibc's. */
struct lfp_malloc_family {
	const char *name; /**< "jemalloc", "tcmalloc", "mimalloc". */
	/** A symbol only this allocator exports: it is loaded when found. */
	const char *symbol;
	/** Its shared objects, newest first, NULL-padded (Debian 12: mimalloc
	 * 2, Debian 13: mimalloc 3).
	 */
	const char *sonames[LFP_MALLOC_SONAMES];
	/** The Debian packages that install it, for the "not installed" note. */
	const char *packages;
};

/** The preloadable families, in the order the reports list them. */
extern const struct lfp_malloc_family lfp_malloc_families[LFP_MALLOC_FAMILIES];

/** The family called @p name; NULL if none (glibc is none). */
const struct lfp_malloc_family *lfp_malloc_family_find(const char *name);

/**
 * The name of the malloc that serves this process: a family's name when
 * its marking symbol is found, else "glibc".
 */
const char *lfp_malloc_family_loaded(void);

/**
 * The newest of @p f's sonames that the dynamic loader's cache
 * (ldconfig -p) lists; NULL when none is installed.
 */
const char *lfp_malloc_family_library(const struct lfp_malloc_family *f);

/**
 * Fill @p env (room for @p n pointers, NULL-terminated) with this
 * process's environment minus any LD_PRELOAD, then LD_PRELOAD=@p lib when
 * @p lib is not NULL, written into @p preload (@p len bytes). Variables
 * that do not fit are dropped.
 *
 * @return
 *   0, or -ENAMETOOLONG when LD_PRELOAD=@p lib does not fit in @p preload,
 *   -EINVAL when @p n < 2.
 */
int lfp_malloc_preload_env(
	char **env, size_t n, const char *lib, char *preload, size_t len);

#endif /* LFP_MALLOC_FAMILY_H */
