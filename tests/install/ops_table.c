/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The lfpool authors
 */

/*
 * Prints this process's mempool ops table, one "ops <index> <name>" line per
 * entry, after EAL has loaded its -d plug-ins and DPDK's PMD directory.
 * run-secondary-test.sh builds it with and without linked mempool drivers
 * and compares the tables that lfpool-secondary-args makes equal.
 */

#include <limits.h>
#include <stdio.h>
#include <unistd.h>

#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_mempool.h>

int
main(int argc, char **argv)
{
	char runtime_dir[PATH_MAX];
	unsigned int i;

	if (rte_eal_init(argc, argv) < 0) {
		fprintf(stderr, "ops_table: rte_eal_init: %s\n",
			rte_strerror(rte_errno));
		return 1;
	}
	for (i = 0; i < rte_mempool_ops_table.num_ops; i++)
		printf("ops %u %s\n", i, rte_mempool_ops_table.ops[i].name);
	snprintf(runtime_dir, sizeof(runtime_dir), "%s",
		rte_eal_get_runtime_dir());
	rte_eal_cleanup();
	return rmdir(runtime_dir) == 0 ? 0 : 1;
}
