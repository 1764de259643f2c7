/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The lfpool authors
 */

/*
 * Size classes: powers of two from LFP_NUMA_CLASS_MIN to LFP_NUMA_CLASS_MAX.
 * The mapping is numa_size_class() (numa_private.h), inline for the
 * allocation fast path; these are its exported forms.
 */

#define _GNU_SOURCE
#include "numa_private.h"

int
lfp_numa_size_class(size_t size)
{
	int cls = numa_size_class(size);

	if (cls < 0)
		rte_errno = -cls;
	return cls;
}

size_t
lfp_numa_class_size(unsigned int cls)
{
	/* Checked at build time: class 0 is CLASS_MIN, the last CLASS_MAX. */
	RTE_BUILD_BUG_ON((LFP_NUMA_CLASS_MIN << (LFP_NUMA_NB_CLASSES - 1)) !=
		LFP_NUMA_CLASS_MAX);
	return cls < LFP_NUMA_NB_CLASSES ? (size_t)LFP_NUMA_CLASS_MIN << cls :
					   0;
}
