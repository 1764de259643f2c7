/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The lfpool authors
 */

#ifndef LFP_OPT_MEMPOOL_H
#define LFP_OPT_MEMPOOL_H

/**
 * @file
 * lfp_opt.h's check of a mempool ops name, for the programs that take one
 * (--ops): the name must be registered in this process, after
 * rte_eal_init() (drivers loaded with -d or from DPDK's plug-in directory
 * register their ops then).
 */

#include <rte_mempool.h>

#include "lfp_opt.h"

/** 0 if @p arg names registered mempool ops; else -EINVAL, known listed. */
static inline int
lfp_opt_mempool_ops(const char *opt, const char *arg)
{
	const char *names[RTE_MEMPOOL_MAX_OPS_IDX];
	unsigned int i, n = 0, idx;

	for (i = 0; i < rte_mempool_ops_table.num_ops && n < RTE_DIM(names);
		i++)
		names[n++] = rte_mempool_ops_table.ops[i].name;
	return lfp_opt_name(opt, arg, names, n, &idx);
}

#endif /* LFP_OPT_MEMPOOL_H */
