/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The lfpool authors
 */

/*
 * What lfp_numa_free() needs to find an owner from a bare pointer, in O(1):
 *
 * - a page map from 2 MiB granules of the virtual address space to the
 *   size-class pool whose memzone covers them (pool memzones are aligned
 *   and sized to whole granules, so a granule belongs to one pool at most);
 *   two levels of 2^13 entries cover the 47-bit user address space of
 *   x86-64, and a leaf is only allocated for granules that hold pools.
 *   Readers are lock-free; writers hold the control lock.
 *
 * - a hash table of the large buffers (rte_malloc or striped), keyed by
 *   their start address, under its own mutex: large allocations are on the
 *   slow path anyway (rte_malloc takes the heap lock);
 *
 * - the list of allocators, for lookup by name and telemetry.
 *
 * The control path uses pthread mutexes rather than spinlocks: pool
 * creation can take milliseconds and lcores may share CPUs.
 */

#define _GNU_SOURCE
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <rte_hash.h>
#include <rte_jhash.h>

#include "numa_private.h"

/* User virtual addresses: x86-64 (47 bits) and arm64 (48 bits). */
#define VA_BITS 48
#define LEAF_BITS 13
#define TOP_BITS (VA_BITS - NUMA_GRANULE_SHIFT - LEAF_BITS)
#define LEAF_MASK ((UINT64_C(1) << LEAF_BITS) - 1)
/* Large buffers alive at once, per process. */
#define LARGE_MAX (1u << 16)

static pthread_mutex_t control_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t large_lock = PTHREAD_MUTEX_INITIALIZER;
static struct numa_pool **pagemap[UINT64_C(1) << TOP_BITS];
static struct rte_hash *large_hash;
static TAILQ_HEAD(, lfp_numa_allocator) alloc_list = TAILQ_HEAD_INITIALIZER(
	alloc_list);

void
numa_lock(void)
{
	pthread_mutex_lock(&control_lock);
}

void
numa_unlock(void)
{
	pthread_mutex_unlock(&control_lock);
}

struct numa_pool *
numa_pagemap_lookup(uintptr_t addr)
{
	uint64_t g = (uint64_t)addr >> NUMA_GRANULE_SHIFT;
	struct numa_pool **leaf;

	if (unlikely(((uint64_t)addr >> VA_BITS) != 0))
		return NULL;
	/* Acquire pairs with the release store that publishes a leaf in
	 * numa_pagemap_set(): its zeroed entries are visible.
	 */
	leaf = __atomic_load_n(&pagemap[g >> LEAF_BITS], __ATOMIC_ACQUIRE);
	if (leaf == NULL)
		return NULL;
	/* Acquire pairs with the release store of the entry: the pool was
	 * fully built before its granules pointed to it.
	 */
	return __atomic_load_n(&leaf[g & LEAF_MASK], __ATOMIC_ACQUIRE);
}

int
numa_pagemap_set(uintptr_t start, size_t len, struct numa_pool *pool)
{
	uint64_t g, end = ((uint64_t)start + len) >> NUMA_GRANULE_SHIFT;
	struct numa_pool **leaf;

	/* Pool memzones are reserved aligned to and sized in granules. */
	RTE_ASSERT((start & (NUMA_GRANULE - 1)) == 0);
	RTE_ASSERT((len & (NUMA_GRANULE - 1)) == 0);
	if ((((uint64_t)start + len - 1) >> VA_BITS) != 0)
		return -ENOTSUP;
	for (g = (uint64_t)start >> NUMA_GRANULE_SHIFT; g < end; g++) {
		/* Writers hold the control lock: a relaxed load suffices. */
		leaf = __atomic_load_n(
			&pagemap[g >> LEAF_BITS], __ATOMIC_RELAXED);
		if (leaf == NULL) {
			if (pool == NULL)
				continue;
			leaf = calloc(LEAF_MASK + 1, sizeof(*leaf));
			if (leaf == NULL)
				return -ENOMEM;
			/* Release: the zeroed leaf before its pointer; pairs
			 * with the acquire load in numa_pagemap_lookup().
			 */
			__atomic_store_n(&pagemap[g >> LEAF_BITS], leaf,
				__ATOMIC_RELEASE);
		}
		/* Release: the pool's fields before the entry naming it;
		 * pairs with the acquire load in numa_pagemap_lookup().
		 */
		__atomic_store_n(&leaf[g & LEAF_MASK], pool, __ATOMIC_RELEASE);
	}
	return 0;
}

/* Caller holds large_lock. */
static int
large_hash_init(void)
{
	struct rte_hash_parameters prm = {
		.name = "lfp_numa_large",
		.entries = LARGE_MAX,
		.key_len = sizeof(uintptr_t),
		.hash_func = rte_jhash,
		.socket_id = SOCKET_ID_ANY,
		.extra_flag = RTE_HASH_EXTRA_FLAGS_EXT_TABLE,
	};

	if (large_hash != NULL)
		return 0;
	large_hash = rte_hash_create(&prm);
	if (large_hash == NULL) {
		NUMA_LOG(ERR, "cannot create the large-buffer table: %s",
			rte_strerror(rte_errno));
		return -ENOMEM;
	}
	return 0;
}

int
numa_large_add(struct numa_large *l)
{
	uintptr_t key = (uintptr_t)l->addr;
	int ret;

	pthread_mutex_lock(&large_lock);
	ret = large_hash_init();
	if (ret == 0)
		ret = rte_hash_add_key_data(large_hash, &key, l);
	pthread_mutex_unlock(&large_lock);
	return ret;
}

/* Caller holds large_lock. */
static struct numa_large *
large_lookup(const void *addr)
{
	uintptr_t key = (uintptr_t)addr;
	void *data;

	if (large_hash == NULL ||
		rte_hash_lookup_data(large_hash, &key, &data) < 0)
		return NULL;
	return data;
}

int
numa_large_remove(const void *addr, void (*release)(struct numa_large *l))
{
	uintptr_t key = (uintptr_t)addr;
	struct numa_large *l;

	pthread_mutex_lock(&large_lock);
	l = large_lookup(addr);
	if (l != NULL) {
		rte_hash_del_key(large_hash, &key);
		release(l);
	}
	pthread_mutex_unlock(&large_lock);
	return l != NULL ? 0 : -ENOENT;
}

int
numa_large_get(const void *addr, struct numa_large *copy)
{
	struct numa_large *l;

	pthread_mutex_lock(&large_lock);
	l = large_lookup(addr);
	if (l != NULL)
		*copy = *l;
	pthread_mutex_unlock(&large_lock);
	return l != NULL ? 0 : -ENOENT;
}

void
numa_large_drain(const struct lfp_numa_allocator *a,
	void (*release)(struct numa_large *l))
{
	struct numa_large *l;
	const void *key;
	uint32_t iter = 0;
	uintptr_t addr;
	void *data;

	pthread_mutex_lock(&large_lock);
	while (large_hash != NULL &&
		rte_hash_iterate(large_hash, &key, &data, &iter) >= 0) {
		l = data;
		if (l->owner != a)
			continue;
		/* key points into the table: copy it before deleting */
		addr = (uintptr_t)l->addr;
		rte_hash_del_key(large_hash, &addr);
		release(l);
	}
	pthread_mutex_unlock(&large_lock);
}

void
numa_alloc_list_add(struct lfp_numa_allocator *a)
{
	TAILQ_INSERT_TAIL(&alloc_list, a, next);
}

void
numa_alloc_list_del(struct lfp_numa_allocator *a)
{
	TAILQ_REMOVE(&alloc_list, a, next);
}

struct lfp_numa_allocator *
numa_alloc_list_find(const char *name)
{
	struct lfp_numa_allocator *a;

	TAILQ_FOREACH(a, &alloc_list, next)
	if (strcmp(a->name, name) == 0)
		return a;
	return NULL;
}

int
numa_alloc_list_walk(
	int (*fn)(struct lfp_numa_allocator *a, void *arg), void *arg)
{
	struct lfp_numa_allocator *a;
	int ret;

	TAILQ_FOREACH(a, &alloc_list, next)
	{
		ret = fn(a, arg);
		if (ret != 0)
			return ret;
	}
	return 0;
}
