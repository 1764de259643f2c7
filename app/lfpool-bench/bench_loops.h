/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The lfpool authors
 */

#ifndef LFP_BENCH_LOOPS_H
#define LFP_BENCH_LOOPS_H

/**
 * @file
 * The measured loops, written once and compiled into each program around
 * that program's own allocation calls. The includer defines, before
 * including this file:
 *
 *   static __rte_always_inline int
 *   alloc_get(void *ctx, void **objs, unsigned int n);
 *   static __rte_always_inline void
 *   alloc_put(void *ctx, void **objs, unsigned int n);
 *
 * (all-or-nothing, 0 on success), and gets bench_loops_impl. Compiling the
 * loops in place, rather than calling get/put through a pointer, keeps
 * DPDK's inline cache path inline and adds no call that the allocator
 * under test would not have in an application. Hence always_inline: with
 * plain inline, gcc 12 kept alloc_put() out of line in lfpool-bench (five
 * loops call it) and inlined it in lfpool-bench-malloc, so every mempool
 * put paid a call and a stack frame that no malloc put paid.
 */

#include <string.h>

#include <rte_branch_prediction.h>
#include <rte_cycles.h>
#include <rte_pause.h>
#include <rte_ring.h>

#include "bench.h"

/* Cycles of one timed call, less the timer's own cost (never negative). */
static inline uint64_t
loops_net(uint64_t t0, uint64_t t1, uint64_t overhead)
{
	uint64_t d = t1 - t0;

	return d > overhead ? d - overhead : 0;
}

/* Time one call in 2^shift: the pipeline's sampled latency. */
static inline bool
loops_sampled(uint64_t calls)
{
	return (calls & ((1u << BENCH_PIPE_SAMPLE_SHIFT) - 1)) == 0;
}

/* Whether a running loop must end: its own deadline or the controller. */
static inline bool
loops_over(const struct bench_worker *w, uint64_t start, uint64_t now)
{
	/* Relaxed: a flag polled once per window, nothing is published. */
	return now - start >= w->cycles ||
		__atomic_load_n(w->stop, __ATOMIC_RELAXED);
}

/*
 * Get up to w->window objects in bulks, constructing each; return count.
 * Stops early when told to: with more threads than CPUs, a driver that
 * makes threads wait for a preempted one can take a time slice per call.
 */
static inline unsigned int
loops_fill(struct bench_worker *w, void **objs, uint64_t seq)
{
	unsigned int held, i;

	for (held = 0; held < w->window; held += w->bulk) {
		/* Relaxed: a flag polled, nothing is published with it. */
		if (unlikely(__atomic_load_n(w->stop, __ATOMIC_RELAXED)))
			break;
		if (unlikely(alloc_get(w->t->ctx, objs + held, w->bulk) != 0)) {
			w->fails++;
			break;
		}
		for (i = held; i < held + w->bulk; i++)
			bench_obj_construct(objs[i], seq + i);
	}
	return held;
}

/*
 * Free what loops_fill() got, in bulks; on a stop, leave the rest to the
 * controller (w->left), which frees it once the threads are joined.
 */
static inline unsigned int
loops_drain(struct bench_worker *w, void **objs, unsigned int held)
{
	uint64_t sink = 0;
	unsigned int i;

	for (i = 0; i < held; i += w->bulk) {
		/* Relaxed: a flag polled, nothing is published with it. */
		if (unlikely(__atomic_load_n(w->stop, __ATOMIC_RELAXED))) {
			memcpy(w->left, objs + i, (held - i) * sizeof(*objs));
			w->n_left = held - i;
			break;
		}
		sink += bench_obj_consume(objs[i]);
		alloc_put(w->t->ctx, objs + i, w->bulk);
	}
	w->sink += sink;
	return i;
}

/* Free the objects a stopped worker left (called after it is joined). */
static void
loops_put_back(struct bench_worker *w)
{
	unsigned int i;

	for (i = 0; i < w->n_left; i += w->bulk)
		alloc_put(w->t->ctx, w->left + i, w->bulk);
	w->n_left = 0;
}

/* Scenarios 1, 3, 4: hold a window of objects, then free them. */
static int
loops_window(void *arg)
{
	struct bench_worker *w = arg;
	void *objs[BENCH_WINDOW_MAX];
	uint64_t done = 0, start, now;

	bench_worker_wait_start(w);
	start = rte_rdtsc();
	do {
		done += loops_drain(w, objs, loops_fill(w, objs, done));
		/* Relaxed: a counter the controller samples; no data. */
		__atomic_store_n(&w->progress, done, __ATOMIC_RELAXED);
		now = rte_rdtsc();
	} while (!loops_over(w, start, now));
	w->elapsed = now - start;
	return 0;
}

/* Scenario 2, stage A: allocate, construct, pass on through the ring. */
static int
loops_pipe_get(void *arg)
{
	struct bench_worker *w = arg;
	void *objs[BENCH_BULK_MAX];
	uint64_t done = 0, calls = 0, start, now, t0 = 0;
	unsigned int i;
	bool timed;
	int rc;

	bench_worker_wait_start(w);
	start = rte_rdtsc();
	do {
		timed = loops_sampled(calls++);
		if (timed)
			t0 = rte_rdtsc_precise();
		rc = alloc_get(w->t->ctx, objs, w->bulk);
		if (timed && rc == 0)
			lfp_lat_hist_record(w->get_hist,
				loops_net(t0, rte_rdtsc_precise(),
					w->p->timer_overhead));
		if (unlikely(rc != 0)) {
			w->fails++;
			rte_pause();
		} else {
			for (i = 0; i < w->bulk; i++)
				bench_obj_construct(objs[i], done + i);
			while (rte_ring_sp_enqueue_bulk(
				       w->ring, objs, w->bulk, NULL) == 0)
				rte_pause();
			done += w->bulk;
		}
		now = rte_rdtsc();
	} while (now - start < w->cycles);
	w->elapsed = now - start;
	w->progress = done;
	/* Release: the last enqueue is visible before the end is; pairs with
	 * the acquire load in loops_pipe_put().
	 */
	__atomic_store_n(w->stop, true, __ATOMIC_RELEASE);
	return 0;
}

/* Scenario 2, stage B: take objects off the ring, read them, free them. */
static int
loops_pipe_put(void *arg)
{
	struct bench_worker *w = arg;
	void *objs[BENCH_BULK_MAX];
	uint64_t done = 0, calls = 0, sink = 0, start, t0;
	unsigned int i;

	bench_worker_wait_start(w);
	start = rte_rdtsc();
	for (;;) {
		if (rte_ring_sc_dequeue_bulk(w->ring, objs, w->bulk, NULL) ==
			0) {
			/* Acquire: pairs with stage A's release of the end, so
			 * the emptiness seen next is final.
			 */
			if (__atomic_load_n(w->stop, __ATOMIC_ACQUIRE) &&
				rte_ring_empty(w->ring))
				break;
			rte_pause();
			continue;
		}
		for (i = 0; i < w->bulk; i++)
			sink += bench_obj_consume(objs[i]);
		if (loops_sampled(calls++)) {
			t0 = rte_rdtsc_precise();
			alloc_put(w->t->ctx, objs, w->bulk);
			lfp_lat_hist_record(w->put_hist,
				loops_net(t0, rte_rdtsc_precise(),
					w->p->timer_overhead));
		} else {
			alloc_put(w->t->ctx, objs, w->bulk);
		}
		done += w->bulk;
	}
	w->elapsed = rte_rdtsc() - start;
	w->progress = done;
	w->sink = sink;
	return 0;
}

/* Scenario 5, odd windows: every get, then every put, timed alone. */
static unsigned int
loops_lat_calls(struct bench_worker *w, void **objs, uint64_t seq)
{
	const uint64_t ovh = w->p->timer_overhead;
	uint64_t t0, t1, sink = 0;
	unsigned int held, i;
	int rc;

	for (held = 0; held < w->window; held += w->bulk) {
		t0 = rte_rdtsc_precise();
		rc = alloc_get(w->t->ctx, objs + held, w->bulk);
		t1 = rte_rdtsc_precise();
		if (unlikely(rc != 0)) {
			w->fails++;
			break;
		}
		lfp_lat_hist_record(w->get_hist, loops_net(t0, t1, ovh));
		for (i = held; i < held + w->bulk; i++)
			bench_obj_construct(objs[i], seq + i);
	}
	for (i = 0; i < held; i += w->bulk) {
		sink += bench_obj_consume(objs[i]);
		t0 = rte_rdtsc_precise();
		alloc_put(w->t->ctx, objs + i, w->bulk);
		t1 = rte_rdtsc_precise();
		lfp_lat_hist_record(w->put_hist, loops_net(t0, t1, ovh));
	}
	w->sink += sink;
	return held;
}

/*
 * Scenario 5, even windows: the gets back to back, timed as one batch,
 * then the puts; records the mean per call in 1/BENCH_BATCH_SCALE cycle,
 * which the TSC's resolution does not limit.
 */
static unsigned int
loops_lat_batch(struct bench_worker *w, void **objs, uint64_t seq)
{
	const uint64_t ovh = w->p->timer_overhead;
	uint64_t t0, t1, sink = 0;
	unsigned int held, calls, i;

	t0 = rte_rdtsc_precise();
	for (held = 0; held < w->window; held += w->bulk)
		if (unlikely(alloc_get(w->t->ctx, objs + held, w->bulk) != 0))
			break;
	t1 = rte_rdtsc_precise();
	calls = held / w->bulk;
	if (unlikely(held < w->window))
		w->fails++;
	if (calls == 0)
		return 0;
	lfp_lat_hist_record(w->get_batch_hist,
		loops_net(t0, t1, ovh) * BENCH_BATCH_SCALE / calls);
	for (i = 0; i < held; i++)
		bench_obj_construct(objs[i], seq + i);
	for (i = 0; i < held; i++)
		sink += bench_obj_consume(objs[i]);
	t0 = rte_rdtsc_precise();
	for (i = 0; i < held; i += w->bulk)
		alloc_put(w->t->ctx, objs + i, w->bulk);
	t1 = rte_rdtsc_precise();
	lfp_lat_hist_record(w->put_batch_hist,
		loops_net(t0, t1, ovh) * BENCH_BATCH_SCALE / calls);
	w->sink += sink;
	return held;
}

/* Scenario 5: windows timed call by call and as batches, alternately. */
static int
loops_latency(void *arg)
{
	struct bench_worker *w = arg;
	void *objs[BENCH_WINDOW_MAX];
	uint64_t done = 0, start, now;
	bool batch = false;

	start = rte_rdtsc();
	do {
		done += batch ? loops_lat_batch(w, objs, done) :
				loops_lat_calls(w, objs, done);
		batch = !batch;
		now = rte_rdtsc();
	} while (now - start < w->cycles);
	w->elapsed = now - start;
	w->progress = done;
	return 0;
}

static const struct bench_loops bench_loops_impl = {
	.window = loops_window,
	.pipe_get = loops_pipe_get,
	.pipe_put = loops_pipe_put,
	.latency = loops_latency,
	.put_back = loops_put_back,
};

#endif /* LFP_BENCH_LOOPS_H */
