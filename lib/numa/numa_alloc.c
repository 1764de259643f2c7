/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The lfpool authors
 */

/*
 * The allocator: one rte_mempool per size class per node, large buffers
 * from rte_malloc_socket() (or interleaved page stripes), and a free path
 * that finds the owner of a bare pointer in O(1).
 *
 * Each pool's memory is a memzone we reserve ourselves, aligned to and
 * sized in 2 MiB granules, and populated as one chunk without IOVA
 * contiguity (RTE_MEMPOOL_F_NO_IOVA_CONTIG), so that
 *   - the page map (numa_registry.c) sends any address inside it to the
 *     pool, and nothing else does;
 *   - objects sit at first + i * stride, which is checked once after
 *     population: lfp_numa_free() recovers i with a reciprocal multiply and
 *     refuses interior and foreign pointers without reading them.
 */

#define _GNU_SOURCE
#include <ctype.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include <numaif.h>

#include <rte_malloc.h>

#include "lfp_heap_tsan.h"
#include "numa_private.h"

enum obj_state {
	OBJ_FREE = 0,
	OBJ_IN_USE = 1,
};

/* ---- statistics updates (hot path) ---- */

/*
 * Per-lcore counters: only the owning lcore writes its block, so an
 * increment is a relaxed load and a relaxed store (atomic only so that the
 * reader never sees a torn value; a counter orders nothing). Threads
 * without an lcore id share the last block and add atomically.
 */
static inline void
count(uint64_t *c, bool shared)
{
	if (unlikely(shared))
		/* Relaxed RMW: several threads share the block; a counter
		 * orders nothing.
		 */
		__atomic_fetch_add(c, 1, __ATOMIC_RELAXED);
	else
		/* Relaxed load and store, no RMW: the lcore is the only
		 * writer, and readers only need an untorn value.
		 */
		__atomic_store_n(c, __atomic_load_n(c, __ATOMIC_RELAXED) + 1,
			__ATOMIC_RELAXED);
}

static inline unsigned int
stats_slot(bool *shared)
{
	unsigned int lcore = rte_lcore_id();

	*shared = lcore >= RTE_MAX_LCORE;
	return *shared ? RTE_MAX_LCORE : lcore;
}

/* Kernel node the caller really runs on. */
static inline int
caller_kernel_node(const struct lfp_numa_allocator *a)
{
	unsigned int lcore = rte_lcore_id();

	if (lcore < RTE_MAX_LCORE && a->lcore_knode[lcore] >= 0)
		return a->lcore_knode[lcore];
	return numa_real_cpu_node(numa_current_cpu());
}

static inline void
stats_alloc(struct lfp_numa_allocator *a, unsigned int node, unsigned int cls,
	unsigned int rank, uint8_t page_knode)
{
#if LFP_STATS
	struct numa_counters *c;
	bool shared;

	c = numa_stats_cell(a, stats_slot(&shared), node, cls);
	count(&c->allocs, shared);
	if (rank > 0)
		count(&c->fallbacks, shared);
	if (page_knode == NUMA_NODE_UNKNOWN)
		return;
	if (page_knode == caller_kernel_node(a))
		count(&c->local, shared);
	else
		count(&c->remote, shared);
#else
	RTE_SET_USED(a);
	RTE_SET_USED(node);
	RTE_SET_USED(cls);
	RTE_SET_USED(rank);
	RTE_SET_USED(page_knode);
#endif
}

static inline void
stats_event(struct lfp_numa_allocator *a, unsigned int node, unsigned int cls,
	size_t field)
{
#if LFP_STATS
	bool shared;
	struct numa_counters *c = numa_stats_cell(
		a, stats_slot(&shared), node, cls);

	count((uint64_t *)((char *)c + field), shared);
#else
	RTE_SET_USED(a);
	RTE_SET_USED(node);
	RTE_SET_USED(cls);
	RTE_SET_USED(field);
#endif
}

#define STATS_FREE(a, node, cls) \
	stats_event(a, node, cls, offsetof(struct numa_counters, frees))
#define STATS_FAIL(a, node, cls) \
	stats_event(a, node, cls, offsetof(struct numa_counters, fails))

/* ---- size-class pools ---- */

static inline uint64_t
pool_index(const struct numa_pool *p, const void *obj)
{
	return rte_reciprocal_divide_u64(
		(uintptr_t)obj - p->first, &p->stride_inv);
}

static inline uint8_t
pool_page_node(const struct numa_pool *p, const void *obj)
{
	return p->page_node[((uintptr_t)obj - p->page_base) >> p->page_shift];
}

struct layout {
	struct numa_pool *p;
	uint8_t *seen;
	bool ok;
};

static void
find_first(struct rte_mempool *mp, void *arg, void *obj, unsigned int i)
{
	struct numa_pool *p = arg;

	RTE_SET_USED(mp);
	if (i == 0 || (uintptr_t)obj < p->first)
		p->first = (uintptr_t)obj;
}

static void
check_obj(struct rte_mempool *mp, void *arg, void *obj, unsigned int i)
{
	struct layout *l = arg;
	uint64_t off = (uintptr_t)obj - l->p->first, idx = off / l->p->stride;

	RTE_SET_USED(mp);
	RTE_SET_USED(i);
	if (off % l->p->stride != 0 || idx >= l->p->nb_objs || l->seen[idx])
		l->ok = false;
	else
		l->seen[idx] = 1;
}

/* Objects must be first + i * stride, i < nb_objs, for the free path. */
static int
pool_check_layout(struct numa_pool *p)
{
	struct layout l = {.p = p, .ok = true};

	rte_mempool_obj_iter(p->mp, find_first, p);
	l.seen = calloc(p->nb_objs, 1);
	if (l.seen == NULL)
		return -ENOMEM;
	rte_mempool_obj_iter(p->mp, check_obj, &l);
	free(l.seen);
	if (!l.ok) {
		NUMA_LOG(ERR,
			"mempool %s (ops %s): objects are not at a fixed "
			"stride, the O(1) free path cannot index them",
			p->mp->name, p->owner->ops_name);
		return -ENOTSUP;
	}
	p->stride_inv = rte_reciprocal_value_u64(p->stride);
	return 0;
}

/* Where the kernel really put each page of the pool's memory. */
static int
pool_measure_pages(struct numa_pool *p)
{
	size_t pg = p->mz->hugepage_sz != 0 ? p->mz->hugepage_sz :
					      lfp_numa_stripe_size();

	p->page_shift = rte_log2_u64(pg);
	p->page_base = RTE_ALIGN_FLOOR((uintptr_t)p->mz->addr, pg);
	p->nb_pages = (RTE_ALIGN_CEIL((uintptr_t)p->mz->addr + p->mz->len, pg) -
			      p->page_base) >>
		p->page_shift;
	p->page_node = malloc(p->nb_pages);
	if (p->page_node == NULL)
		return -ENOMEM;
	numa_pages_node(p->page_base, p->page_shift, p->page_node, p->nb_pages);
	return 0;
}

static void
pool_destroy(struct numa_pool *p)
{
	if (p == NULL)
		return;
	if (p->mz != NULL)
		numa_pagemap_set((uintptr_t)p->mz->addr, p->mz->len, NULL);
	/* Not under the stand-in: the ops' free takes it itself. */
	rte_mempool_free(p->mp);
	LFP_HEAP_TSAN_LOCK();
	rte_memzone_free(p->mz);
	rte_free(p->state);
	LFP_HEAP_TSAN_UNLOCK();
	free(p->page_node);
	free(p);
}

/* The mempool, on the node's socket, in a memzone of whole granules. */
static int
pool_build_mempool(struct numa_pool *p, int socket)
{
	struct lfp_numa_allocator *a = p->owner;
	char name[RTE_MEMZONE_NAMESIZE];
	size_t len;
	int ret;

	snprintf(name, sizeof(name), "lfpn_%s_%u_%u", a->name, p->cls, p->node);
	/*
	 * The header comes from DPDK's heap and is cleared there: under the
	 * heap's TSan stand-in, as a block another thread freed may come
	 * back (seen on DPDK 24.11). Not around populate: the ops' alloc
	 * takes the stand-in itself.
	 */
	LFP_HEAP_TSAN_LOCK();
	p->mp = rte_mempool_create_empty(name, a->pool_size,
		lfp_numa_class_size(p->cls), a->cache_size, 0, socket,
		RTE_MEMPOOL_F_NO_IOVA_CONTIG);
	LFP_HEAP_TSAN_UNLOCK();
	if (p->mp == NULL)
		return -rte_errno;
	ret = rte_mempool_set_ops_byname(p->mp, a->ops_name, NULL);
	if (ret < 0)
		return ret;
	p->stride = p->mp->header_size + p->mp->elt_size + p->mp->trailer_size;
	p->nb_objs = a->pool_size;
	/* populate_iova() aligns the chunk start to RTE_MEMPOOL_ALIGN. */
	len = RTE_ALIGN_CEIL((size_t)p->stride * p->nb_objs + RTE_MEMPOOL_ALIGN,
		NUMA_GRANULE);
	snprintf(
		name, sizeof(name), "lfpnm_%s_%u_%u", a->name, p->cls, p->node);
	LFP_HEAP_TSAN_LOCK();
	p->mz = rte_memzone_reserve_aligned(name, len, socket, 0, NUMA_GRANULE);
	LFP_HEAP_TSAN_UNLOCK();
	if (p->mz == NULL)
		return -ENOMEM;
	ret = rte_mempool_populate_iova(
		p->mp, p->mz->addr, RTE_BAD_IOVA, p->mz->len, NULL, NULL);
	if (ret < 0)
		return ret;
	return p->mp->populated_size == p->nb_objs ? 0 : -ENOMEM;
}

static struct numa_pool *
pool_create(struct lfp_numa_allocator *a, unsigned int node, unsigned int cls)
{
	int socket = a->topo.node[node].socket_id;
	struct numa_pool *p = calloc(1, sizeof(*p));
	int ret = -ENOMEM;

	if (p == NULL)
		goto fail;
	p->owner = a;
	p->node = node;
	p->cls = cls;
	ret = pool_build_mempool(p, socket);
	if (ret == 0)
		ret = pool_check_layout(p);
	if (ret == 0)
		ret = pool_measure_pages(p);
	if (ret == 0 && (a->flags & LFP_NUMA_F_DEBUG)) {
		/* Zeroed: every object starts OBJ_FREE. */
		LFP_HEAP_TSAN_LOCK();
		p->state = rte_zmalloc_socket(
			"lfp_numa_state", p->nb_objs, 0, socket);
		LFP_HEAP_TSAN_UNLOCK();
		ret = p->state == NULL ? -ENOMEM : 0;
	}
	if (ret == 0)
		ret = numa_pagemap_set((uintptr_t)p->mz->addr, p->mz->len, p);
	if (ret == 0)
		return p;
fail:
	NUMA_LOG(NOTICE, "%s: no %zu-byte pool on node %u (socket %d): %s",
		a->name, lfp_numa_class_size(cls), node, socket,
		rte_strerror(-ret));
	pool_destroy(p);
	rte_errno = -ret;
	return NULL;
}

static __rte_noinline struct numa_pool *
pool_get_slow(struct lfp_numa_allocator *a, unsigned int node, unsigned int cls)
{
	struct numa_pool *p;

	/* Relaxed: a hint to skip the lock; re-read under it. */
	if (__atomic_load_n(&a->pool_failed[node][cls], __ATOMIC_RELAXED))
		return NULL;
	numa_lock();
	/* The lock orders this against the store below. */
	p = __atomic_load_n(&a->pools[node][cls], __ATOMIC_RELAXED);
	if (p == NULL && !a->pool_failed[node][cls]) {
		p = pool_create(a, node, cls);
		if (p != NULL)
			/* Release: the pool is built before it is seen;
			 * pairs with the acquire load in pool_get().
			 */
			__atomic_store_n(
				&a->pools[node][cls], p, __ATOMIC_RELEASE);
		else
			/* Relaxed: read as a hint only, see above. */
			__atomic_store_n(&a->pool_failed[node][cls], true,
				__ATOMIC_RELAXED);
	}
	numa_unlock();
	return p;
}

static inline struct numa_pool *
pool_get(struct lfp_numa_allocator *a, unsigned int node, unsigned int cls)
{
	/* Acquire pairs with the release store in pool_get_slow(). */
	struct numa_pool *p = __atomic_load_n(
		&a->pools[node][cls], __ATOMIC_ACQUIRE);

	return likely(p != NULL) ? p : pool_get_slow(a, node, cls);
}

/* ---- small objects ---- */

struct try_small {
	struct lfp_numa_allocator *a;
	unsigned int cls;
	struct numa_pool *pool;
	void *obj;
};

static inline int
try_small(void *arg, unsigned int node)
{
	struct try_small *t = arg;
	struct numa_pool *p = pool_get(t->a, node, t->cls);

	if (unlikely(p == NULL) || rte_mempool_get(p->mp, &t->obj) != 0)
		return -ENOMEM;
	t->pool = p;
	return 0;
}

/*
 * Debug in-use byte. Acq_rel exchanges: each pairs with the previous
 * exchange on the same object (by whichever thread freed or took it), so
 * the hand-over is ordered even where the mempool driver is not
 * instrumented, and a racing double free sees the first one.
 */
static inline void
mark_in_use(struct numa_pool *p, void *obj)
{
	/* Acq_rel: pairs with the exchange in mark_free() by whichever thread
	 * frees the object, so a double free is seen whatever thread runs it.
	 */
	__atomic_exchange_n(
		&p->state[pool_index(p, obj)], OBJ_IN_USE, __ATOMIC_ACQ_REL);
}

static inline bool
mark_free(struct numa_pool *p, uint64_t idx)
{
	/* Acq_rel: pairs with mark_in_use(); only the first of two frees
	 * of one object reads OBJ_IN_USE.
	 */
	return __atomic_exchange_n(&p->state[idx], OBJ_FREE,
		       __ATOMIC_ACQ_REL) == OBJ_IN_USE;
}

static inline void *
small_alloc(struct lfp_numa_allocator *a, unsigned int cls, bool zero)
{
	struct try_small t = {.a = a, .cls = cls};
	unsigned int caller = numa_caller_node(&a->topo), rank;
	int node;

	node = numa_policy_place(a->policy, caller, try_small, &t, &rank);
	if (unlikely(node < 0)) {
		STATS_FAIL(a, caller, cls);
		rte_errno = ENOMEM;
		return NULL;
	}
	if (unlikely(t.pool->state != NULL))
		mark_in_use(t.pool, t.obj);
	stats_alloc(a, node, cls, rank, pool_page_node(t.pool, t.obj));
	if (zero)
		memset(t.obj, 0, lfp_numa_class_size(cls));
	return t.obj;
}

static inline int
small_free(struct numa_pool *p, void *ptr)
{
	uint64_t off = (uintptr_t)ptr - p->first, idx;

	if (unlikely((uintptr_t)ptr < p->first))
		goto foreign;
	idx = rte_reciprocal_divide_u64(off, &p->stride_inv);
	if (unlikely(idx >= p->nb_objs || idx * p->stride != off))
		goto foreign;
	if (unlikely(p->state != NULL) && unlikely(!mark_free(p, idx))) {
		rte_errno = EALREADY;
		return -EALREADY;
	}
	rte_mempool_put(p->mp, ptr);
	STATS_FREE(p->owner, p->node, p->cls);
	return 0;
foreign:
	rte_errno = EINVAL;
	return -EINVAL;
}

/* ---- large buffers ---- */

struct try_large {
	struct lfp_numa_allocator *a;
	size_t size;
	bool zero;
	void *buf;
};

static int
try_large(void *arg, unsigned int node)
{
	struct try_large *t = arg;
	int socket = t->a->topo.node[node].socket_id;

	LFP_HEAP_TSAN_LOCK();
	if (t->zero)
		t->buf = rte_zmalloc_socket("lfp_numa", t->size, 0, socket);
	else
		t->buf = rte_malloc_socket("lfp_numa", t->size, 0, socket);
	LFP_HEAP_TSAN_UNLOCK();
	return t->buf != NULL ? 0 : -ENOMEM;
}

/*
 * Interleaved stripes: an anonymous mapping with MPOL_INTERLEAVE over the
 * set's kernel nodes. Transparent huge pages are turned off on it, or a
 * 2 MiB page would put 512 stripes on one node. The pages are faulted in
 * (zeroed) here, so that placement happens, and is measured, now:
 * MADV_POPULATE_WRITE (Linux 5.14) in one call, else one write per page.
 */
static void *
stripes_map(struct lfp_numa_allocator *a, size_t size, size_t *map_len)
{
	unsigned long mask[RTE_MAX_NUMA_NODES / (sizeof(long) * CHAR_BIT) + 1];
	size_t len = RTE_ALIGN_CEIL(size, lfp_numa_stripe_size());
	unsigned int i;
	void *buf;
	int k;

	memset(mask, 0, sizeof(mask));
	for (i = 0; i < a->topo.nb_nodes; i++) {
		if (((a->nodes >> i) & 1) == 0)
			continue;
		k = a->topo.node[i].socket_id;
		mask[k / (sizeof(long) * CHAR_BIT)] |= 1UL
			<< (k % (sizeof(long) * CHAR_BIT));
	}
	buf = mmap(NULL, len, PROT_READ | PROT_WRITE,
		MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (buf == MAP_FAILED)
		return NULL;
	madvise(buf, len, MADV_NOHUGEPAGE);
	if (mbind(buf, len, MPOL_INTERLEAVE, mask, sizeof(mask) * CHAR_BIT,
		    0) != 0) {
		NUMA_LOG(ERR, "%s: mbind(MPOL_INTERLEAVE): %s", a->name,
			strerror(errno));
		munmap(buf, len);
		return NULL;
	}
	if (madvise(buf, len, MADV_POPULATE_WRITE) != 0)
		memset(buf, 0, len);
	*map_len = len;
	return buf;
}

static void
large_release(struct numa_large *l)
{
	if (l->map_len != 0)
		munmap(l->addr, l->map_len);
	else {
		LFP_HEAP_TSAN_LOCK();
		rte_free(l->addr);
		LFP_HEAP_TSAN_UNLOCK();
	}
	free(l);
}

static __rte_noinline void *
large_alloc(struct lfp_numa_allocator *a, size_t size, bool zero)
{
	struct try_large t = {.a = a, .size = size, .zero = zero};
	unsigned int caller = numa_caller_node(&a->topo), rank = 0;
	struct numa_large *l = calloc(1, sizeof(*l));
	int node = -ENOMEM;

	if (l == NULL)
		goto fail;
	l->owner = a;
	l->size = size;
	if (a->kind == LFP_NUMA_POLICY_INTERLEAVED) {
		t.buf = stripes_map(a, size, &l->map_len);
		if (t.buf != NULL)
			node = lfp_numa_policy_stripe_node(
				a->policy, (uintptr_t)t.buf);
	} else {
		node = numa_policy_place(
			a->policy, caller, try_large, &t, &rank);
	}
	if (node < 0)
		goto fail;
	l->addr = t.buf;
	l->node = node;
	if (numa_large_add(l) < 0) {
		large_release(l);
		l = NULL;
		goto fail;
	}
	stats_alloc(a, node, LFP_NUMA_CLASS_LARGE, rank, numa_addr_node(t.buf));
	return t.buf;
fail:
	free(l);
	STATS_FAIL(a, caller, LFP_NUMA_CLASS_LARGE);
	rte_errno = ENOMEM;
	return NULL;
}

/* Under the registry lock (numa_large_remove()). */
static void
large_free_counted(struct numa_large *l)
{
	STATS_FREE(l->owner, l->node, LFP_NUMA_CLASS_LARGE);
	large_release(l);
}

static __rte_noinline int
large_free(void *ptr)
{
	if (numa_large_remove(ptr, large_free_counted) < 0) {
		rte_errno = EINVAL;
		return -EINVAL;
	}
	return 0;
}

/* ---- public allocation API ---- */

static inline void *
numa_alloc(struct lfp_numa_allocator *a, size_t size, bool zero)
{
	int cls = numa_size_class(size);

	if (unlikely(a == NULL || cls == -EINVAL)) {
		rte_errno = EINVAL;
		return NULL;
	}
	if (unlikely(cls < 0))
		return large_alloc(a, size, zero);
	return small_alloc(a, cls, zero);
}

void *
lfp_numa_alloc(struct lfp_numa_allocator *a, size_t size)
{
	return numa_alloc(a, size, false);
}

void *
lfp_numa_zalloc(struct lfp_numa_allocator *a, size_t size)
{
	return numa_alloc(a, size, true);
}

int
lfp_numa_free(void *ptr)
{
	struct numa_pool *p;

	if (ptr == NULL)
		return 0;
	p = numa_pagemap_lookup((uintptr_t)ptr);
	if (likely(p != NULL))
		return small_free(p, ptr);
	return large_free(ptr);
}

int
lfp_numa_ptr_info(const void *ptr, struct lfp_numa_ptr_info *info)
{
	struct numa_pool *p = numa_pagemap_lookup((uintptr_t)ptr);
	struct numa_large l;
	uint64_t idx;

	if (info == NULL)
		goto foreign;
	if (p != NULL) {
		if ((uintptr_t)ptr < p->first)
			goto foreign;
		idx = pool_index(p, ptr);
		if (idx >= p->nb_objs ||
			idx * p->stride != (uintptr_t)ptr - p->first)
			goto foreign;
		info->alloc = p->owner;
		info->node = p->node;
		info->socket_id = p->owner->topo.node[p->node].socket_id;
		info->cls = p->cls;
		info->size = lfp_numa_class_size(p->cls);
		info->striped = false;
		return 0;
	}
	if (numa_large_get(ptr, &l) < 0)
		goto foreign;
	info->alloc = l.owner;
	info->node = l.node;
	info->striped = l.map_len != 0;
	info->socket_id = info->striped ? -1 :
					  l.owner->topo.node[l.node].socket_id;
	info->cls = LFP_NUMA_CLASS_LARGE;
	info->size = l.size;
	return 0;
foreign:
	rte_errno = EINVAL;
	return -EINVAL;
}

/* ---- allocator life cycle ---- */

static int
check_name(const char *name)
{
	size_t i, len = name != NULL ? strlen(name) : 0;

	if (len == 0 || len >= LFP_NUMA_NAMESIZE)
		return -EINVAL;
	/* Names end up in mempool names and telemetry parameters. */
	for (i = 0; i < len; i++)
		if (!isalnum((unsigned char)name[i]) && name[i] != '_')
			return -EINVAL;
	return 0;
}

static bool
ops_registered(const char *name)
{
	uint32_t i;

	for (i = 0; i < rte_mempool_ops_table.num_ops; i++)
		if (strcmp(rte_mempool_ops_table.ops[i].name, name) == 0)
			return true;
	return false;
}

static int
check_conf(const struct lfp_numa_conf *conf)
{
	unsigned int pool_size;

	if (conf == NULL || check_name(conf->name) < 0) {
		NUMA_LOG(ERR,
			"a name of 1..%d characters [A-Za-z0-9_] is "
			"needed",
			LFP_NUMA_NAMESIZE - 1);
		return -EINVAL;
	}
	if ((unsigned int)conf->policy >= LFP_NUMA_POLICY_MAX) {
		NUMA_LOG(
			ERR, "%s: unknown policy %d", conf->name, conf->policy);
		return -EINVAL;
	}
	pool_size = conf->pool_size != 0 ? conf->pool_size :
					   LFP_NUMA_DEFAULT_POOL_SIZE;
	/* rte_mempool refuses a cache whose flush threshold exceeds n. */
	if (conf->cache_size > RTE_MEMPOOL_CACHE_MAX_SIZE ||
		conf->cache_size * 3 / 2 > pool_size) {
		NUMA_LOG(ERR, "%s: cache size %u too big for pools of %u",
			conf->name, conf->cache_size, pool_size);
		return -EINVAL;
	}
	if (!ops_registered(conf->ops_name != NULL ? conf->ops_name :
						     LFP_NUMA_DEFAULT_OPS)) {
		NUMA_LOG(ERR, "%s: mempool ops '%s' not registered", conf->name,
			conf->ops_name != NULL ? conf->ops_name :
						 LFP_NUMA_DEFAULT_OPS);
		return -ENOENT;
	}
	return 0;
}

static bool
eal_socket_exists(int socket_id)
{
	unsigned int i;

	for (i = 0; i < rte_socket_count(); i++)
		if (rte_socket_id_by_idx(i) == socket_id)
			return true;
	return false;
}

/* The node set: given, or every node with an EAL socket behind it. */
static int
choose_nodes(struct lfp_numa_allocator *a, uint64_t nodes)
{
	int last_socket = -1, s;
	unsigned int i;

	for (i = 0; nodes == 0 && i < a->topo.nb_nodes; i++)
		if (eal_socket_exists(a->topo.node[i].socket_id))
			a->nodes |= UINT64_C(1) << i;
	if (nodes == 0 && a->nodes == 0) {
		NUMA_LOG(ERR, "%s: no node of the topology has an EAL socket",
			a->name);
		return -ENODEV;
	}
	if (nodes != 0)
		a->nodes = nodes;
	if ((a->nodes >> a->topo.nb_nodes) != 0) {
		NUMA_LOG(ERR,
			"%s: node set 0x%" PRIx64 " is beyond the "
			"topology's %u nodes",
			a->name, a->nodes, a->topo.nb_nodes);
		return -EINVAL;
	}
	for (i = 0; i < a->topo.nb_nodes; i++) {
		if (((a->nodes >> i) & 1) == 0)
			continue;
		s = a->topo.node[i].socket_id;
		if (!eal_socket_exists(s)) {
			NUMA_LOG(ERR, "%s: node %u: EAL has no socket %d",
				a->name, i, s);
			return -ENODEV;
		}
		/* The kernel interleaves over a node mask in node id order;
		 * the stripe rule uses index order: they must agree.
		 */
		if (a->kind == LFP_NUMA_POLICY_INTERLEAVED &&
			s <= last_socket) {
			NUMA_LOG(ERR,
				"%s: interleaved nodes need distinct "
				"sockets in increasing order",
				a->name);
			return -EINVAL;
		}
		last_socket = s;
	}
	return 0;
}

static int
setup_topology(struct lfp_numa_allocator *a, const struct lfp_numa_conf *conf)
{
	struct lfp_numa_topology *found = NULL;
	const struct lfp_numa_topology *topo = conf->topology;
	unsigned int lcore;
	int s;

	if (topo == NULL) {
		found = lfp_numa_topology_discover();
		if (found == NULL)
			return -rte_errno;
		topo = found;
	}
	a->topo = *topo;
	lfp_numa_topology_free(found);
	/* EAL may have started after an injected topology was parsed. */
	numa_topology_map_lcores(&a->topo);
	for (lcore = 0; lcore < RTE_MAX_LCORE; lcore++) {
		s = rte_lcore_is_enabled(lcore) ?
			(int)rte_lcore_to_socket_id(lcore) :
			-1;
		a->lcore_knode[lcore] = s >= 0 && s < INT8_MAX ? s : -1;
	}
	return 0;
}

static int
setup_stats(struct lfp_numa_allocator *a)
{
	size_t cells = (size_t)a->topo.nb_nodes * LFP_NUMA_NB_STAT_CLASSES;

	/* No counters to keep: a->stats stays NULL, and nothing reads it. */
	if (!LFP_STATS)
		return 0;
	a->stats_stride = RTE_ALIGN_CEIL(
		cells * sizeof(struct numa_counters), RTE_CACHE_LINE_SIZE);
	a->stats = aligned_alloc(
		RTE_CACHE_LINE_SIZE, a->stats_stride * (RTE_MAX_LCORE + 1));
	if (a->stats == NULL)
		return -ENOMEM;
	memset(a->stats, 0, a->stats_stride * (RTE_MAX_LCORE + 1));
	return 0;
}

static int
create_pools(struct lfp_numa_allocator *a)
{
	unsigned int node, cls;

	for (node = 0; node < a->topo.nb_nodes; node++) {
		if (((a->nodes >> node) & 1) == 0)
			continue;
		for (cls = 0; cls < LFP_NUMA_NB_CLASSES; cls++)
			if (pool_get(a, node, cls) == NULL)
				return -rte_errno; /* set by pool_create() */
	}
	return 0;
}

static void
allocator_release(struct lfp_numa_allocator *a)
{
	unsigned int node, cls;

	numa_large_drain(a, large_release);
	numa_lock();
	for (node = 0; node < LFP_NUMA_MAX_NODES; node++)
		for (cls = 0; cls < LFP_NUMA_NB_CLASSES; cls++)
			pool_destroy(a->pools[node][cls]);
	numa_unlock();
	lfp_numa_policy_free(a->policy);
	free(a->stats);
	free(a);
}

struct lfp_numa_allocator *
lfp_numa_allocator_create(const struct lfp_numa_conf *conf)
{
	struct lfp_numa_allocator *a;
	int ret;

	ret = check_conf(conf);
	if (ret < 0)
		goto fail;
	a = calloc(1, sizeof(*a));
	if (a == NULL) {
		ret = -ENOMEM;
		goto fail;
	}
	snprintf(a->name, sizeof(a->name), "%s", conf->name);
	snprintf(a->ops_name, sizeof(a->ops_name), "%s",
		conf->ops_name != NULL ? conf->ops_name : LFP_NUMA_DEFAULT_OPS);
	a->kind = conf->policy;
	a->flags = conf->flags;
	a->pool_size = conf->pool_size != 0 ? conf->pool_size :
					      LFP_NUMA_DEFAULT_POOL_SIZE;
	a->cache_size = conf->cache_size;
	ret = setup_topology(a, conf);
	if (ret == 0)
		ret = choose_nodes(a, conf->nodes);
	if (ret == 0)
		ret = setup_stats(a);
	if (ret == 0) {
		a->policy = lfp_numa_policy_create(&a->topo, a->kind, a->nodes);
		ret = a->policy == NULL ? -rte_errno : 0;
	}
	if (ret < 0)
		goto fail_release;
	numa_lock();
	if (numa_alloc_list_find(a->name) != NULL)
		ret = -EEXIST;
	else
		numa_alloc_list_add(a);
	numa_unlock();
	if (ret < 0)
		goto fail_release;
	if (a->flags & LFP_NUMA_F_EAGER) {
		ret = create_pools(a);
		if (ret < 0) {
			lfp_numa_allocator_destroy(a);
			goto fail;
		}
	}
	return a;
fail_release:
	allocator_release(a);
fail:
	rte_errno = -ret;
	return NULL;
}

void
lfp_numa_allocator_destroy(struct lfp_numa_allocator *a)
{
	if (a == NULL)
		return;
	/* Telemetry reads allocators under the same lock. */
	numa_lock();
	numa_alloc_list_del(a);
	numa_unlock();
	allocator_release(a);
}

struct lfp_numa_allocator *
lfp_numa_allocator_lookup(const char *name)
{
	struct lfp_numa_allocator *a;

	if (name == NULL) {
		rte_errno = ENOENT;
		return NULL;
	}
	numa_lock();
	a = numa_alloc_list_find(name);
	numa_unlock();
	if (a == NULL)
		rte_errno = ENOENT;
	return a;
}

const struct lfp_numa_topology *
lfp_numa_allocator_topology(const struct lfp_numa_allocator *a)
{
	return a != NULL ? &a->topo : NULL;
}

struct lfp_numa_policy *
lfp_numa_allocator_policy(const struct lfp_numa_allocator *a)
{
	return a != NULL ? a->policy : NULL;
}
