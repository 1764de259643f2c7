/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The lfpool authors
 */

/*
 * The allocators of lfpool-bench proper: rte_mempool with a given ops
 * name (lfpool, DPDK's drivers) and cache size. Pools are created here,
 * measured for scenario 6 as they are created, and checked for capacity.
 */

#include <errno.h>
#include <pthread.h>
#include <string.h>

#include <rte_errno.h>
#include <rte_lcore.h>
#include <rte_malloc.h>
#include <rte_memzone.h>
#include <rte_mempool.h>
#include <rte_ring.h>

#ifdef LFP_BENCH_HAVE_LFPOOL
#include <lfp_mempool.h>
#endif

#include "bench.h"

static __rte_always_inline int
alloc_get(void *ctx, void **objs, unsigned int n)
{
	int rc = rte_mempool_get_bulk(ctx, objs, n);
#ifdef BENCH_TSAN
	unsigned int i;

	for (i = 0; rc == 0 && i < n; i++)
		BENCH_TSAN_ACQUIRE(objs[i]);
#endif
	return rc;
}

static __rte_always_inline void
alloc_put(void *ctx, void **objs, unsigned int n)
{
#ifdef BENCH_TSAN
	unsigned int i;

	for (i = 0; i < n; i++)
		BENCH_TSAN_RELEASE(objs[i]);
#endif
	rte_mempool_put_bulk(ctx, objs, n);
}

#include "bench_loops.h"

/* What each driver's contract allows (see enum bench_caps). */
static unsigned int
ops_caps(const char *ops)
{
	if (strcmp(ops, "ring_sp_sc") == 0)
		return BENCH_CAP_SPSC | BENCH_CAP_NONEAL;
	/* Per-lcore bucket stacks exist for EAL lcores only (bucket_alloc). */
	if (strcmp(ops, "bucket") == 0)
		return BENCH_CAP_MT | BENCH_CAP_SPSC;
	return BENCH_CAP_MT | BENCH_CAP_SPSC | BENCH_CAP_NONEAL;
}

bool
bench_mempool_is_ops(const char *name)
{
	static const char *const mallocs[] = {
		"glibc",
		"jemalloc",
		"tcmalloc",
		"mimalloc",
	};
	unsigned int i;

	for (i = 0; i < RTE_DIM(mallocs); i++)
		if (strcmp(name, mallocs[i]) == 0)
			return false;
	return true;
}

/* Bytes handed out by DPDK's heap, all sockets. */
static size_t
heap_used(void)
{
	struct rte_malloc_socket_stats st;
	unsigned int i;
	size_t sum = 0;

	for (i = 0; i < rte_socket_count(); i++)
		if (rte_malloc_get_socket_stats(rte_socket_id_by_idx(i), &st) ==
			0)
			sum += st.heap_allocsz_bytes;
	return sum;
}

static void
chunk_len(struct rte_mempool *mp, void *opaque,
	struct rte_mempool_memhdr *memhdr, unsigned int mem_idx)
{
	size_t *sum = opaque;

	RTE_SET_USED(mp);
	RTE_SET_USED(mem_idx);
	*sum += memhdr->len;
}

#ifdef LFP_BENCH_HAVE_LFPOOL
/* A registered thread's first get/put, seen in the driver's accounting. */
struct lcore_probe {
	struct rte_mempool *mp;
	uint64_t after;
	int err;
};

static void *
lcore_probe_main(void *arg)
{
	struct lcore_probe *pr = arg;
	struct lfp_mempool_stats st;
	void *obj;

	if (rte_thread_register() != 0) {
		pr->err = -rte_errno;
		return NULL;
	}
	if (rte_mempool_get(pr->mp, &obj) == 0)
		rte_mempool_put(pr->mp, obj);
	pr->err = lfp_mempool_stats_get(pr->mp, &st, NULL);
	pr->after = st.metadata_bytes;
	rte_thread_unregister();
	return NULL;
}

/*
 * lfpool's state for one more lcore: what its driver accounting
 * (metadata_bytes) grows by when a thread registers and makes one get and
 * one put (the cache structure, and any magazine allocated for it), plus
 * the two magazines a cache may hold (loaded and previous, at most
 * 16 + 4 * LFP_MAG_SIZE bytes each, per lfp_mempool.h).
 */
static size_t
lfpool_per_lcore(struct rte_mempool *mp)
{
	struct lcore_probe pr = {.mp = mp};
	struct lfp_mempool_stats st;
	pthread_t th;

	if (lfp_mempool_stats_get(mp, &st, NULL) != 0 ||
		pthread_create(&th, NULL, lcore_probe_main, &pr) != 0)
		return 0;
	pthread_join(th, NULL);
	if (pr.err != 0 || pr.after < st.metadata_bytes)
		return 0;
	return pr.after - st.metadata_bytes + 2 * (16 + 4 * LFP_MAG_SIZE);
}

/* Driver memory by the driver's own account, once populated. */
static double
lfpool_metadata(const struct rte_mempool *mp)
{
	struct lfp_mempool_stats st;

	if (lfp_mempool_stats_get(mp, &st, NULL) != 0)
		return -1;
	return (double)st.metadata_bytes;
}
#endif

/* Driver state per lcore, where the design says what it is. */
static size_t
driver_per_lcore(struct rte_mempool *mp, const char *ops)
{
	struct rte_mempool_info info;

	if (strcmp(ops, "bucket") == 0 &&
		rte_mempool_ops_get_info(mp, &info) == 0 &&
		info.contig_block_size > 0)
		/* bucket_alloc(): for each EAL lcore, a stack of bucket
		 * pointers (an 8-byte header, then one slot per bucket)
		 * and an adoption ring of the pool's size.
		 */
		return rte_ring_get_memsize(rte_align32pow2(mp->size + 1)) +
			(mp->size / info.contig_block_size + 1) *
			sizeof(void *);
#ifdef LFP_BENCH_HAVE_LFPOOL
	if (strcmp(ops, "lfpool") == 0)
		return lfpool_per_lcore(mp);
#endif
	/* Rings and stacks keep nothing per lcore. */
	return 0;
}

/*
 * Driver metadata from the design (rings: the ring of n + 1 slots rounded
 * up to a power of two) or the driver's own accounting (lfpool).
 */
static double
driver_design(const struct rte_mempool *mp, const char *ops)
{
	if (strncmp(ops, "ring_", 5) == 0)
		return (double)rte_ring_get_memsize(
			rte_align32pow2(mp->size + 1));
#ifdef LFP_BENCH_HAVE_LFPOOL
	if (strcmp(ops, LFP_MEMPOOL_OPS_NAME) == 0)
		return lfpool_metadata(mp);
#endif
	return -1;
}

/*
 * Scenario 6, from what the pool's creation took from DPDK's heap:
 * before_ops is the heap after rte_mempool_create_empty() (the mempool
 * header and its RTE_MAX_LCORE caches), after is the heap once populated.
 * The driver's metadata is what population took beyond the object chunks.
 */
static void
record_memory(
	const struct bench_target *t, size_t before, size_t mid, size_t after)
{
	struct rte_mempool *mp = t->ctx;
	struct bench_key k;
	size_t chunks = 0;
	double n = mp->size, design;

	rte_mempool_mem_iter(mp, chunk_len, &chunks);
	bench_key_init(&k, "memory", t, 0, 0, "");
	bench_rec_add(&k, "bytes_per_obj", (double)(after - before) / n);
	bench_rec_add(&k, "hdr_per_obj",
		(double)(mp->header_size + mp->elt_size + mp->trailer_size -
			t->size));
	bench_rec_add(&k, "meta_per_obj",
		((double)(after - mid) - (double)chunks) / n);
	bench_rec_add(&k, "mempool_bytes", (double)(mid - before));
	bench_rec_add(
		&k, "per_lcore_bytes", (double)driver_per_lcore(mp, t->name));
	bench_rec_add(&k, "cache_per_lcore",
		t->cache > 0 ? (double)sizeof(struct rte_mempool_cache) : 0);
	design = driver_design(mp, t->name);
	if (design >= 0)
		bench_rec_add(&k, "design_per_obj", design / n);
}

/* How many objects one lcore can take out at once (all, if correct). */
static unsigned int
usable_objects(struct rte_mempool *mp)
{
	void **objs = rte_malloc(NULL, mp->size * sizeof(void *), 0);
	unsigned int n = 0;

	if (objs == NULL)
		return 0;
	while (n < mp->size && rte_mempool_get(mp, &objs[n]) == 0)
		n++;
	if (n > 0)
		rte_mempool_put_bulk(mp, objs, n);
	rte_free(objs);
	return n;
}

static struct rte_mempool *
pool_create(const struct bench_conf *c, struct bench_target *t,
	unsigned int idx, size_t *before, size_t *mid)
{
	char name[RTE_MEMPOOL_NAMESIZE];
	struct rte_mempool *mp;
	int rc;

	/* Short: bucket appends ".a<lcore>" to its rings' names. */
	snprintf(name, sizeof(name), "b%u_%u_%d", idx, t->size, t->cache);
	*before = heap_used();
	mp = rte_mempool_create_empty(name, c->pool_size, t->size,
		(unsigned int)t->cache, 0, (int)rte_socket_id(), 0);
	if (mp == NULL)
		return NULL;
	*mid = heap_used();
	rc = rte_mempool_set_ops_byname(mp, t->name, NULL);
	if (rc == 0)
		rc = rte_mempool_populate_default(mp);
	if (rc < 0) {
		rte_mempool_free(mp);
		rte_errno = -rc;
		return NULL;
	}
	return mp;
}

/*
 * A driver's first pool, created and freed once on 64-byte objects:
 * what it leaves behind in the process (lfpool: its hazard-pointer
 * domain), so that no measured pool carries it; and, where the driver
 * works in blocks (bucket), how many bytes of objects a block holds.
 */
struct ops_probe {
	char ops[BENCH_NAME_LEN];
	double once_bytes;
	size_t block_bytes; /* 0: no blocks */
};

static const struct ops_probe *
ops_probe(const struct bench_conf *c, const char *ops)
{
	static struct ops_probe seen[BENCH_MAX_ALLOCS];
	static unsigned int n_seen;
	struct bench_target t = {.cache = 0, .size = 64};
	struct bench_conf small = *c;
	struct rte_mempool_info info;
	struct ops_probe *pr;
	size_t before, mid;
	struct rte_mempool *mp;
	unsigned int i;

	for (i = 0; i < n_seen; i++)
		if (strcmp(seen[i].ops, ops) == 0)
			return &seen[i];
	if (n_seen == BENCH_MAX_ALLOCS)
		return NULL;
	pr = &seen[n_seen++];
	snprintf(pr->ops, sizeof(pr->ops), "%s", ops);
	snprintf(t.name, sizeof(t.name), "%s", ops);
	small.pool_size = 1023;
	mp = pool_create(&small, &t, 999, &before, &mid);
	if (mp == NULL)
		return pr;
	if (rte_mempool_ops_get_info(mp, &info) == 0 &&
		info.contig_block_size > 0)
		pr->block_bytes = (size_t)info.contig_block_size *
			(mp->header_size + mp->elt_size + mp->trailer_size);
	rte_mempool_free(mp);
	pr->once_bytes = (double)heap_used() - (double)before;
	return pr;
}

/*
 * bucket_alloc() divides the pool size by the objects per bucket, which is
 * 0 (SIGFPE) when one object does not fit in a bucket: 4 KiB buckets in
 * Debian's DPDK 22.11 build, so objects of ~4000 B and more.
 */
static bool
fits_in_block(const struct ops_probe *pr, unsigned int size)
{
	struct rte_mempool_objsz sz;

	if (pr == NULL || pr->block_bytes == 0)
		return true;
	rte_mempool_calc_obj_size(size, 0, &sz);
	return sz.total_size <= pr->block_bytes;
}

static int
target_create(
	const struct bench_conf *c, struct bench_target *t, unsigned int idx)
{
	const struct ops_probe *pr = ops_probe(c, t->name);
	size_t before, mid;
	struct rte_mempool *mp;
	struct bench_key k;
	unsigned int usable;

	bench_key_init(&k, "memory", t, 0, 0, "");
	if (!fits_in_block(pr, t->size)) {
		bench_rec_note(&k,
			"n/a: a %u B object does not fit in one of "
			"the driver's %zu B blocks (it would divide by zero)",
			t->size, pr->block_bytes);
		return -EINVAL;
	}
	mp = pool_create(c, t, idx, &before, &mid);
	if (mp == NULL) {
		bench_rec_note(&k, "unavailable: %s",
			rte_errno == EINVAL ?
				"no such mempool ops (driver not loaded?)" :
				rte_strerror(rte_errno));
		fprintf(stderr, "lfpool-bench: %s cache %d: %s\n", t->name,
			t->cache, rte_strerror(rte_errno));
		return -rte_errno;
	}
	t->ctx = mp;
	if (c->scenarios & BENCH_S_MEMORY) {
		record_memory(t, before, mid, heap_used());
		bench_rec_add(
			&k, "once_bytes", pr != NULL ? pr->once_bytes : 0);
	}
	usable = usable_objects(mp);
	if (usable < mp->size) {
		bench_rec_note(&k,
			"only %u of %u objects could be allocated: "
			"not a correct general-purpose driver",
			usable, mp->size);
		fprintf(stderr,
			"lfpool-bench: %s: only %u of %u objects "
			"allocatable\n",
			t->name, usable, mp->size);
	}
	if (c->scenarios & BENCH_S_MEMORY)
		bench_rec_add(&k, "usable_objs", usable);
	return 0;
}

/*
 * One target per (mempool allocator, cache size) for this object size.
 * Allocators that cannot be created are noted and left out.
 */
unsigned int
bench_mempool_targets(const struct bench_conf *c, unsigned int size,
	struct bench_target *t, unsigned int max)
{
	unsigned int a, ci, n = 0;

	for (a = 0; a < c->n_allocs; a++) {
		if (!bench_mempool_is_ops(c->allocs[a]))
			continue;
		for (ci = 0; ci < c->n_caches && n < max; ci++) {
			struct bench_target *x = &t[n];

			memset(x, 0, sizeof(*x));
			snprintf(x->name, sizeof(x->name), "%s", c->allocs[a]);
			x->family = "mempool";
			x->cache = (int)c->caches[ci];
			x->size = size;
			x->caps = ops_caps(x->name);
			x->loops = &bench_loops_impl;
			if (target_create(c, x, n) == 0)
				n++;
		}
	}
	return n;
}

void
bench_mempool_targets_free(struct bench_target *t, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		rte_mempool_free(t[i].ctx);
}
