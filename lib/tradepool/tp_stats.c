/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The lfpool authors
 */

/*
 * Memory accounting and statistics: mempool sizes and counts, the sums of
 * the per-lcore counters, and where the kernel really put the pages.
 */

#include <errno.h>
#include <inttypes.h>
#include <string.h>
#include <unistd.h>

#include <numaif.h>

#include <rte_cycles.h>
#include <rte_errno.h>
#include <rte_memory.h>

#include "tp_private.h"

/* Pages asked about per move_pages() call. */
#define PAGE_BATCH 64

struct page_count {
	int socket_id;
	uint64_t local;	   /* resident on socket_id */
	uint64_t resident; /* resident anywhere */
};

static void
count_batch(struct page_count *pc, void **pages, unsigned int n)
{
	int status[PAGE_BATCH];
	unsigned int i;

	/* With nodes == NULL, move_pages() only reports each page's node
	 * (or -ENOENT when it is not faulted in yet). */
	if (move_pages(0, n, pages, NULL, status, 0) != 0)
		memset(status, 0xff, sizeof(status));
	for (i = 0; i < n; i++) {
		if (status[i] < 0)
			continue;
		pc->resident++;
		pc->local += status[i] == pc->socket_id;
	}
}

static void
count_chunk(struct rte_mempool *mp, void *opaque,
	struct rte_mempool_memhdr *memhdr, unsigned int mem_idx)
{
	struct page_count *pc = opaque;
	const struct rte_memseg_list *msl = rte_mem_virt2memseg_list(
		memhdr->addr);
	size_t pg = msl != NULL ? msl->page_sz : (size_t)sysconf(_SC_PAGESIZE);
	uintptr_t a = RTE_ALIGN_FLOOR((uintptr_t)memhdr->addr, pg);
	uintptr_t end = (uintptr_t)memhdr->addr + memhdr->len;
	void *pages[PAGE_BATCH];
	unsigned int n = 0;

	RTE_SET_USED(mp);
	RTE_SET_USED(mem_idx);
	for (; a < end; a += pg) {
		pages[n++] = (void *)a;
		if (n == PAGE_BATCH) {
			count_batch(pc, pages, n);
			n = 0;
		}
	}
	if (n > 0)
		count_batch(pc, pages, n);
}

/*
 * Share of the pool's resident pages that the kernel reports on
 * @socket_id; pages never touched (padding the mempool leaves, or objects
 * not warmed up) have no node yet and are left out. -1 when none is
 * resident.
 */
double
tp_numa_local_pct(
	const struct rte_mempool *mp, int socket_id, uint64_t *resident)
{
	struct page_count pc = {.socket_id = socket_id};

	rte_mempool_mem_iter(
		(struct rte_mempool *)(uintptr_t)mp, count_chunk, &pc);
	*resident = pc.resident;
	return pc.resident == 0 ? -1.0 : 100.0 * pc.local / pc.resident;
}

static void
sum_chunk(struct rte_mempool *mp, void *opaque,
	struct rte_mempool_memhdr *memhdr, unsigned int mem_idx)
{
	uint64_t *bytes = opaque;

	RTE_SET_USED(mp);
	RTE_SET_USED(mem_idx);
	*bytes += memhdr->len;
}

/* Object chunks plus the mempool's own memzone (struct, lcore caches). */
static uint64_t
reserved_bytes(struct rte_mempool *mp)
{
	uint64_t bytes = mp->mz != NULL ? mp->mz->len : 0;

	rte_mempool_mem_iter(mp, sum_chunk, &bytes);
	return bytes;
}

/* Relaxed: statistics only need untorn values; pairs with counter_store()
 * in tp_objects.c, and nothing else is read through these counters. */
static inline uint64_t
counter_load(const uint64_t *c)
{
	return __atomic_load_n(c, __ATOMIC_RELAXED);
}

/* As counter_load() for the high-water mark (peak_store() in
 * tp_objects.c); it starts at 0 and only grows. */
static inline uint64_t
peak_load(const int64_t *c)
{
	return (uint64_t)__atomic_load_n(c, __ATOMIC_RELAXED);
}

static void
add_counters(const struct tp_counters *c, struct lfp_tp_type_stats *ts,
	uint64_t *peak)
{
	ts->allocs += counter_load(&c->allocs);
	ts->frees += counter_load(&c->frees);
	ts->failures += counter_load(&c->failures);
	*peak += peak_load(&c->peak);
}

/* Each row counts its own slot's objects in hot[], the others' in
 * other[]; the entries a row never writes stay zero. */
static void
sum_counters(const struct lfp_tp_pools *p, unsigned int slot, unsigned int type,
	struct lfp_tp_type_stats *ts)
{
	uint64_t peak = 0;
	unsigned int row;

	for (row = 0; row < TP_NB_ROWS; row++) {
		const struct tp_row *r = p->rows[row];

		if (r->hot[type].slot == slot)
			add_counters(&r->hot[type].c, ts, &peak);
		add_counters(&r->other[slot][type], ts, &peak);
	}
	ts->peak_in_use = RTE_MIN(peak, (uint64_t)ts->size);
}

static void
type_stats(struct lfp_tp_pools *p, unsigned int slot, unsigned int type,
	double seconds, struct lfp_tp_type_stats *ts)
{
	struct rte_mempool *mp = p->slot[slot].mp[type];

	memset(ts, 0, sizeof(*ts));
	ts->obj_size = tp_type_sizes[type];
	ts->numa_local_pct = -1.0;
	if (mp == NULL)
		return;
	ts->size = mp->size;
	ts->in_use = rte_mempool_in_use_count(mp);
	ts->elt_footprint = mp->header_size + mp->elt_size + mp->trailer_size;
	ts->reserved_bytes = reserved_bytes(mp);
	ts->in_use_bytes = (uint64_t)ts->in_use * ts->elt_footprint;
	sum_counters(p, slot, type, ts);
	ts->alloc_rate = seconds > 0 ?
		(ts->allocs - p->last_allocs[slot][type]) / seconds :
		0.0;
	p->last_allocs[slot][type] = ts->allocs;
	ts->numa_local_pct = tp_numa_local_pct(
		mp, p->slot[slot].socket_id, &ts->resident_pages);
}

/* Pages resident in all pools, and how many of them are local. */
struct local_sum {
	double local;
	uint64_t resident;
};

static void
add_totals(struct lfp_tp_stats *st, const struct lfp_tp_type_stats *ts,
	struct local_sum *sum)
{
	st->reserved_bytes += ts->reserved_bytes;
	st->in_use_bytes += ts->in_use_bytes;
	st->allocs += ts->allocs;
	st->frees += ts->frees;
	st->failures += ts->failures;
	st->alloc_rate += ts->alloc_rate;
	if (ts->resident_pages > 0) {
		sum->local += ts->numa_local_pct * ts->resident_pages / 100.0;
		sum->resident += ts->resident_pages;
	}
}

int
lfp_tp_stats_get(struct lfp_tp_pools *pools, struct lfp_tp_stats *stats)
{
	struct local_sum sum = {0};
	unsigned int s, t;
	uint64_t now;
	double seconds;

	if (pools == NULL || stats == NULL) {
		rte_errno = EINVAL;
		return -EINVAL;
	}
	memset(stats, 0, sizeof(*stats));
	rte_spinlock_lock(&pools->stats_lock);
	now = rte_get_tsc_cycles();
	seconds = (double)(now - pools->last_tsc) / rte_get_tsc_hz();
	pools->last_tsc = now;
	stats->nb_sockets = pools->nb_slots;
	for (s = 0; s < pools->nb_slots; s++) {
		stats->socket[s].socket_id = pools->slot[s].socket_id;
		for (t = 0; t < LFP_TP_TYPE_MAX; t++) {
			type_stats(pools, s, t, seconds,
				&stats->socket[s].type[t]);
			add_totals(stats, &stats->socket[s].type[t], &sum);
		}
	}
	rte_spinlock_unlock(&pools->stats_lock);
	stats->reserved_mb = stats->reserved_bytes / (1024.0 * 1024.0);
	stats->in_use_mb = stats->in_use_bytes / (1024.0 * 1024.0);
	stats->numa_local_pct = sum.resident == 0 ?
		-1.0 :
		100.0 * sum.local / sum.resident;
	return 0;
}

/* A percentage, or "-" when unknown (no resident page); @buf has 16. */
static const char *
pct_str(double pct, char *buf)
{
	if (pct < 0)
		return "-";
	snprintf(buf, 16, "%.1f", pct);
	return buf;
}

void
lfp_tp_stats_dump(FILE *f, struct lfp_tp_pools *pools)
{
	struct lfp_tp_stats st;
	unsigned int s, t;
	char pct[16];

	if (f == NULL || lfp_tp_stats_get(pools, &st) < 0)
		return;
	fprintf(f,
		"tradepool %s: %.2f MB reserved, %.3f MB in use, "
		"%" PRIu64 " allocs, %" PRIu64 " frees, %" PRIu64
		" failures, %.0f allocs/s, %s%% NUMA-local\n",
		pools->name, st.reserved_mb, st.in_use_mb, st.allocs, st.frees,
		st.failures, st.alloc_rate, pct_str(st.numa_local_pct, pct));
	fprintf(f, "  %-6s %-6s %8s %8s %8s %10s %12s %10s %8s %7s\n", "socket",
		"type", "size", "in_use", "peak", "allocs", "reserved_B",
		"failures", "bytes/o", "local%");
	for (s = 0; s < st.nb_sockets; s++)
		for (t = 0; t < LFP_TP_TYPE_MAX; t++) {
			const struct lfp_tp_type_stats *ts =
				&st.socket[s].type[t];

			if (ts->size == 0)
				continue;
			fprintf(f,
				"  %-6d %-6s %8u %8u %8u %10" PRIu64
				" %12" PRIu64 " %10" PRIu64 " %8" PRIu64
				" %7s\n",
				st.socket[s].socket_id, tp_type_names[t],
				ts->size, ts->in_use, ts->peak_in_use,
				ts->allocs, ts->reserved_bytes, ts->failures,
				ts->elt_footprint,
				pct_str(ts->numa_local_pct, pct));
		}
}
