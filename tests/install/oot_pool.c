/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The lfpool authors
 */

/*
 * An application built out of tree against an installed lfpool, with
 * pkg-config alone (run-install-test.sh builds it with the shared plug-in
 * and with the static driver). It makes a pool on the lfpool ops, checks
 * that this process's ops table resolves the pool's index to "lfpool",
 * takes every object and gives them back, reads the driver's statistics
 * through its public API, and removes its EAL runtime directory at exit.
 *
 * Built with -DOOT_OPS_BY_NAME_ONLY, it names the driver by string only,
 * as most applications do: nothing in it then refers to the plug-in, which
 * is how Debian's --as-needed used to drop it from the link.
 */

#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_mempool.h>

#include <lfp_mempool.h>

#define POOL_SIZE 1023
#define OBJ_SIZE 64
#define CACHE_SIZE 32

static int
fail(const char *what, int err)
{
	fprintf(stderr, "oot_pool: %s: %s\n", what, rte_strerror(err));
	return -1;
}

static struct rte_mempool *
lfpool_create(void)
{
	struct rte_mempool *mp;
	int ret;

	mp = rte_mempool_create_empty("oot_lfpool", POOL_SIZE, OBJ_SIZE,
		CACHE_SIZE, 0, SOCKET_ID_ANY, 0);
	if (mp == NULL) {
		fail("rte_mempool_create_empty", rte_errno);
		return NULL;
	}
	ret = rte_mempool_set_ops_byname(mp, LFP_MEMPOOL_OPS_NAME, NULL);
	if (ret != 0) {
		fail("rte_mempool_set_ops_byname(lfpool)", -ret);
		goto err;
	}
	if (rte_mempool_populate_default(mp) != POOL_SIZE) {
		fail("rte_mempool_populate_default", rte_errno);
		goto err;
	}
	return mp;
err:
	rte_mempool_free(mp);
	return NULL;
}

/* Every object out, one more refused, every object back. */
static int
drain_and_refill(struct rte_mempool *mp)
{
	static void *objs[POOL_SIZE];
	void *extra;

	if (rte_mempool_get_bulk(mp, objs, POOL_SIZE) != 0)
		return fail("get of every object", ENOBUFS);
	if (rte_mempool_avail_count(mp) != 0 ||
		rte_mempool_get(mp, &extra) == 0)
		return fail("pool not empty after a full get", EINVAL);
	rte_mempool_put_bulk(mp, objs, POOL_SIZE);
	if (rte_mempool_avail_count(mp) != POOL_SIZE)
		return fail("objects missing after the put", EINVAL);
	return 0;
}

static int
exercise_pool(void)
{
#ifndef OOT_OPS_BY_NAME_ONLY
	struct lfp_mempool_stats total;
#endif
	struct rte_mempool *mp;
	const char *ops_name;
	int ret = -1;

	mp = lfpool_create();
	if (mp == NULL)
		return -1;
	ops_name = rte_mempool_get_ops(mp->ops_index)->name;
	if (strcmp(ops_name, LFP_MEMPOOL_OPS_NAME) != 0) {
		fprintf(stderr, "oot_pool: ops index %d is '%s', not lfpool\n",
			mp->ops_index, ops_name);
		goto out;
	}
	if (drain_and_refill(mp) != 0)
		goto out;
#ifndef OOT_OPS_BY_NAME_ONLY
	if (lfp_mempool_stats_get(mp, &total, NULL) != 0) {
		fail("lfp_mempool_stats_get", rte_errno);
		goto out;
	}
	printf("oot_pool: lfp_mempool_stats_get: populated %" PRIu64
	       " avail %" PRIu64 "\n",
		total.populated, total.avail);
#endif
	printf("oot_pool: pool on ops '%s' (index %d): %u objects taken and "
	       "returned\n",
		ops_name, mp->ops_index, POOL_SIZE);
	ret = 0;
out:
	rte_mempool_free(mp);
	return ret;
}

int
main(int argc, char **argv)
{
	char runtime_dir[PATH_MAX];
	int status;

	if (rte_eal_init(argc, argv) < 0) {
		fail("rte_eal_init", rte_errno);
		return 1;
	}
	snprintf(runtime_dir, sizeof(runtime_dir), "%s",
		rte_eal_get_runtime_dir());
	status = exercise_pool() == 0 ? 0 : 1;
	rte_eal_cleanup();
	/* EAL leaves its (then empty, with --no-shconf) runtime directory. */
	if (rmdir(runtime_dir) != 0) {
		perror(runtime_dir);
		status = 1;
	}
	return status;
}
