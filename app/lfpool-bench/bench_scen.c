/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The lfpool authors
 */

/*
 * Scenarios 1 to 5, common to both programs: set up the workers of one
 * measurement, run them on lcores or pthreads, turn their counters into
 * results. Nothing here calls EAL (see struct bench_platform).
 */

#define _GNU_SOURCE
#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/syscall.h>

#include <rte_cycles.h>
#include <rte_errno.h>
#include <rte_pause.h>
#include <rte_ring.h>

#include "bench.h"

/* How long scenarios 3 and 4 wait for a thread to start or to park. */
#define STOP_PARK_TIMEOUT_MS 1000

/* The shared state of one measurement (one at a time, main thread only). */
static struct {
	unsigned int start; /* barrier: threads arrived */
	bool stop;	    /* controller (or stage A) says stop */
	struct bench_worker w[BENCH_MAX_THREADS];
	int (*fn[BENCH_MAX_THREADS])(void *);
} meas;

static struct lfp_lat_hist hist_get, hist_put, hist_get_batch, hist_put_batch;
static struct rte_ring *pipe_ring;

/* The parked thread of scenario 4 (one at a time). */
static struct {
	int hold;   /* controller: keep the victim parked */
	int parked; /* victim: inside the handler */
} park;

/*
 * SIGINT or SIGTERM: finish the measurement under way, skip the others,
 * and report what was measured (marked incomplete). Written by the
 * handler, read between measurements by the main thread.
 */
static volatile sig_atomic_t interrupt_signal;

static void
on_interrupt(int sig)
{
	interrupt_signal = sig;
}

int
bench_catch_interrupt(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_interrupt;
	/* Restart: the workers' calls are not interrupted for this. */
	sa.sa_flags = SA_RESTART;
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGINT, &sa, NULL) != 0 ||
		sigaction(SIGTERM, &sa, NULL) != 0)
		return -errno;
	return 0;
}

int
bench_interrupted(void)
{
	return interrupt_signal;
}

void
bench_worker_wait_start(struct bench_worker *w)
{
	/* Relaxed: a rendezvous only; the inputs were written before the
	 * threads were launched, and launching orders them.
	 */
	__atomic_add_fetch(w->start, 1, __ATOMIC_RELAXED);
	while (__atomic_load_n(w->start, __ATOMIC_RELAXED) < w->nthreads)
		rte_pause();
}

static void
hists_reset(void)
{
	lfp_lat_hist_init(&hist_get);
	lfp_lat_hist_init(&hist_put);
	lfp_lat_hist_init(&hist_get_batch);
	lfp_lat_hist_init(&hist_put_batch);
}

static void
meas_setup(const struct bench_conf *c, const struct bench_platform *p,
	const struct bench_target *t, unsigned int bulk, unsigned int n,
	uint64_t cycles)
{
	unsigned int i;

	memset(&meas, 0, sizeof(meas));
	for (i = 0; i < n; i++) {
		struct bench_worker *w = &meas.w[i];

		w->t = t;
		w->p = p;
		w->bulk = bulk;
		/* A whole number of bulks, at least one. */
		w->window = RTE_MAX(c->window / bulk, 1u) * bulk;
		w->cycles = cycles;
		w->start = &meas.start;
		w->nthreads = n;
		w->stop = &meas.stop;
		w->ring = pipe_ring;
		w->get_hist = &hist_get;
		w->put_hist = &hist_put;
		w->get_batch_hist = &hist_get_batch;
		w->put_batch_hist = &hist_put_batch;
	}
	hists_reset();
}

static double
cycles_to_ns(const struct bench_platform *p, double cycles)
{
	return cycles * 1e9 / p->tsc_hz;
}

/*
 * Record the sum of the workers' own rates, in million objects per second
 * of wall-clock time and per second of the CPU time each one got.
 */
static void
add_mops(const struct bench_key *k, const struct bench_platform *p,
	unsigned int first, unsigned int n)
{
	double wall = 0, cpu = 0;
	unsigned int i;

	for (i = first; i < first + n; i++) {
		const struct bench_worker *w = &meas.w[i];

		if (w->elapsed > 0)
			wall += (double)w->progress * p->tsc_hz /
				(double)w->elapsed / 1e6;
		if (w->cpu_ns > 0)
			cpu += (double)w->progress * 1e3 / (double)w->cpu_ns;
	}
	bench_rec_add(k, "mops", wall);
	bench_rec_add(k, "mops_cpu", cpu);
}

/* An lcore's entry: its loop, between two reads of its CPU clock. */
static int
timed_entry(void *arg)
{
	struct bench_worker *w = arg;
	uint64_t c0 = bench_self_cpu_ns();

	meas.fn[w - meas.w](w);
	w->cpu_ns = bench_self_cpu_ns() - c0;
	return 0;
}

static uint64_t
meas_fails(unsigned int n)
{
	uint64_t f = 0;
	unsigned int i;

	for (i = 0; i < n; i++)
		f += meas.w[i].fails;
	return f;
}

/* p50, p99, p99.9 and max of a histogram of cycles, as ns metrics. */
static void
add_percentiles(const struct bench_key *k, const struct bench_platform *p,
	const char *op, const struct lfp_lat_hist *h)
{
	static const struct {
		const char *name;
		double pct;
	} pcts[] = {
		{"p50", 50},
		{"p99", 99},
		{"p999", 99.9},
		{"max", 100},
	};
	char name[24];
	unsigned int i;

	if (h->count == 0)
		return;
	for (i = 0; i < RTE_DIM(pcts); i++) {
		snprintf(name, sizeof(name), "%s_%s_ns", op, pcts[i].name);
		bench_rec_add(k, name,
			cycles_to_ns(p,
				(double)lfp_lat_hist_percentile(
					h, pcts[i].pct)));
	}
}

/* Scenario 1: every lcore runs the window loop on the same pool. */
static void
scen_same(const struct bench_conf *c, const struct bench_platform *p,
	const struct bench_target *t, unsigned int bulk, unsigned int n)
{
	int (*fns[BENCH_MAX_THREADS])(void *);
	void *args[BENCH_MAX_THREADS];
	struct bench_key k;
	unsigned int i;

	bench_key_init(&k, "same", t, bulk, n, "");
	if (n > 1 && !(t->caps & BENCH_CAP_MT)) {
		bench_rec_note(&k, "n/a: single-producer/consumer driver");
		return;
	}
	meas_setup(c, p, t, bulk, n, bench_ms_to_cycles(p, c->duration_ms));
	for (i = 0; i < n; i++) {
		meas.fn[i] = t->loops->window;
		fns[i] = timed_entry;
		args[i] = &meas.w[i];
	}
	if (p->run_lcores(n, fns, args) != 0) {
		bench_rec_note(&k, "failed to launch lcores");
		return;
	}
	add_mops(&k, p, 0, n);
	bench_rec_add(&k, "fails", (double)meas_fails(n));
}

static int
pipe_ring_init(void)
{
	ssize_t sz;

	if (pipe_ring != NULL)
		return 0;
	sz = rte_ring_get_memsize(BENCH_PIPE_RING);
	if (sz < 0)
		return (int)sz;
	pipe_ring = aligned_alloc(RTE_CACHE_LINE_SIZE,
		RTE_ALIGN_CEIL((size_t)sz, RTE_CACHE_LINE_SIZE));
	if (pipe_ring == NULL)
		return -ENOMEM;
	/* Initialised in place: no EAL needed, same ring in both programs. */
	return rte_ring_init(pipe_ring, "bench_pipe", BENCH_PIPE_RING,
		RING_F_SP_ENQ | RING_F_SC_DEQ);
}

/* Scenario 2: lcore 0 allocates, lcore 1 frees, an rte_ring in between. */
static void
scen_pipeline(const struct bench_conf *c, const struct bench_platform *p,
	const struct bench_target *t, unsigned int bulk)
{
	int (*fns[2])(void *) = {timed_entry, timed_entry};
	void *args[2];
	struct bench_key k;

	bench_key_init(&k, "pipeline", t, bulk, 2, "");
	if (p->n_lcores < 2) {
		bench_rec_note(&k, "n/a: needs 2 lcores");
		return;
	}
	if (!(t->caps & (BENCH_CAP_MT | BENCH_CAP_SPSC))) {
		bench_rec_note(&k, "n/a: driver contract");
		return;
	}
	if (pipe_ring_init() != 0) {
		bench_rec_note(&k, "cannot create the ring");
		return;
	}
	meas_setup(c, p, t, bulk, 2, bench_ms_to_cycles(p, c->duration_ms));
	meas.fn[0] = t->loops->pipe_get;
	meas.fn[1] = t->loops->pipe_put;
	args[0] = &meas.w[0];
	args[1] = &meas.w[1];
	if (p->run_lcores(2, fns, args) != 0) {
		bench_rec_note(&k, "failed to launch lcores");
		return;
	}
	add_mops(&k, p, 1, 1);
	bench_rec_add(&k, "fails", (double)meas_fails(2));
	add_percentiles(&k, p, "get", &hist_get);
	add_percentiles(&k, p, "put", &hist_put);
}

static void *
thread_main(void *arg)
{
	struct bench_worker *w = arg;
	int (*fn)(void *) = meas.fn[w - meas.w];

	if (w->do_register && w->p->thread_register() != 0) {
		w->err = -rte_errno;
		/* Still arrive, or the others would wait for ever. */
		bench_worker_wait_start(w);
		return NULL;
	}
	fn(w);
	if (w->do_register)
		w->p->thread_unregister();
	return NULL;
}

/* Start n pthreads running fn, thread i pinned to CPU i mod n_cpus. */
static int
threads_start(const struct bench_platform *p, unsigned int n, int (*fn)(void *),
	bool do_register)
{
	pthread_attr_t attr;
	cpu_set_t set;
	unsigned int i;
	int rc = 0;

	for (i = 0; i < n && rc == 0; i++) {
		meas.fn[i] = fn;
		meas.w[i].do_register = do_register;
		CPU_ZERO(&set);
		CPU_SET(p->cpus[i % p->n_cpus], &set);
		pthread_attr_init(&attr);
		pthread_attr_setaffinity_np(&attr, sizeof(set), &set);
		rc = pthread_create(
			&meas.w[i].thread, &attr, thread_main, &meas.w[i]);
		pthread_attr_destroy(&attr);
	}
	if (rc == 0)
		return 0;
	/* Relaxed, both: open the barrier the threads started wait at, and
	 * stop them; joining them orders everything else.
	 */
	__atomic_store_n(&meas.start, BENCH_MAX_THREADS, __ATOMIC_RELAXED);
	__atomic_store_n(&meas.stop, true, __ATOMIC_RELAXED);
	while (--i > 0)
		pthread_join(meas.w[i - 1].thread, NULL);
	return -rc;
}

static int
threads_join(unsigned int n)
{
	unsigned int i;
	int err = 0;

	/* Relaxed: the workers poll it; joining orders their results. */
	__atomic_store_n(&meas.stop, true, __ATOMIC_RELAXED);
	for (i = 0; i < n; i++) {
		pthread_join(meas.w[i].thread, NULL);
		if (meas.w[i].err != 0)
			err = meas.w[i].err;
		if (meas.w[i].n_left > 0)
			meas.w[i].t->loops->put_back(&meas.w[i]);
	}
	return err;
}

/* Where threads [first, first + n) are: objects, wall clock, CPU time. */
struct sample {
	uint64_t objs;
	uint64_t tsc;
	uint64_t cpu_ns;
};

static void
progress_sample(unsigned int first, unsigned int n, struct sample *s)
{
	unsigned int i;

	memset(s, 0, sizeof(*s));
	for (i = first; i < first + n; i++) {
		/* Relaxed: pairs with the workers' relaxed progress stores. */
		s->objs += __atomic_load_n(
			&meas.w[i].progress, __ATOMIC_RELAXED);
		s->cpu_ns += bench_thread_cpu_ns(meas.w[i].thread);
	}
	s->tsc = rte_rdtsc();
}

/* Rates of threads [first, first + n) over the next ms milliseconds. */
struct rate {
	double wall; /* Mobj per second */
	double cpu;  /* Mobj per CPU-second, times the CPUs they may use */
	bool ran;    /* the threads got CPU time in the window */
};

static struct rate
progress_rate(const struct bench_platform *p, unsigned int first,
	unsigned int n, unsigned int ms)
{
	struct sample a, b;
	struct rate r = {0, 0, false};
	double cpus = RTE_MIN(n, p->n_cpus);

	progress_sample(first, n, &a);
	bench_sleep_ms(ms);
	progress_sample(first, n, &b);
	if (b.tsc > a.tsc)
		r.wall = (double)(b.objs - a.objs) * p->tsc_hz /
			(double)(b.tsc - a.tsc) / 1e6;
	r.ran = b.cpu_ns > a.cpu_ns;
	if (r.ran)
		r.cpu = (double)(b.objs - a.objs) * 1e3 * cpus /
			(double)(b.cpu_ns - a.cpu_ns);
	return r;
}

/*
 * Scenarios 3 and 4: start n pthreads on the target's window loop, wait
 * until they have all reached the start barrier (on a busy machine a new
 * thread may wait long for its first slice), then let them warm up. On
 * failure the note is recorded under k and no thread is left running.
 */
static int
threads_launch(const struct bench_conf *c, const struct bench_platform *p,
	const struct bench_target *t, const struct bench_key *k,
	unsigned int bulk, unsigned int n, bool reg)
{
	unsigned int waited;
	int rc;

	meas_setup(c, p, t, bulk, n, UINT64_MAX);
	rc = threads_start(p, n, t->loops->window, reg);
	if (rc != 0) {
		bench_rec_note(k, "pthread_create: %s", strerror(-rc));
		return rc;
	}
	/* Relaxed: a count of arrivals, nothing is read with it. */
	for (waited = 0; waited < STOP_PARK_TIMEOUT_MS &&
		__atomic_load_n(&meas.start, __ATOMIC_RELAXED) < n;
		waited++)
		bench_sleep_ms(1);
	bench_sleep_ms(c->duration_ms / 4 + 1);
	return 0;
}

static const char *
oversub_skip(const struct bench_target *t, bool reg)
{
	if (!(t->caps & BENCH_CAP_MT))
		return "n/a: single-producer/consumer driver";
	if (!(t->caps & BENCH_CAP_NONEAL))
		return "n/a: driver needs EAL lcores";
	if (!reg && t->cache > 0)
		return "n/a: no lcore id, so no cache: same as cache 0";
	return NULL;
}

/* Scenario 3: more pthreads than CPUs, lcores (registered) or not. */
static void
scen_oversub(const struct bench_conf *c, const struct bench_platform *p,
	const struct bench_target *t, unsigned int bulk, bool reg)
{
	unsigned int n = c->oversub_threads ? c->oversub_threads :
					      2 * p->n_cpus;
	struct bench_key k;
	const char *skip;
	struct rate r;
	int rc;

	n = RTE_MIN(n, (unsigned int)BENCH_MAX_THREADS);
	bench_key_init(
		&k, "oversub", t, bulk, n, reg ? "registered" : "unregistered");
	skip = oversub_skip(t, reg);
	if (skip != NULL) {
		bench_rec_note(&k, "%s", skip);
		return;
	}
	if (threads_launch(c, p, t, &k, bulk, n, reg) != 0)
		return;
	/* Past the start-up: the steady share of the CPUs. */
	r = progress_rate(p, 0, n, c->duration_ms);
	rc = threads_join(n);
	if (rc != 0) {
		bench_rec_note(&k, "rte_thread_register: %s", strerror(-rc));
		return;
	}
	if (!r.ran) {
		bench_rec_note(&k, "no CPU time in the window (machine busy)");
		return;
	}
	bench_rec_add(&k, "mops", r.wall);
	bench_rec_add(&k, "mops_cpu", r.cpu);
	bench_rec_add(&k, "fails", (double)meas_fails(n));
}

/* SIGUSR1: park the receiving thread wherever it was, until released. */
static void
park_handler(int sig)
{
	const struct timespec nap = {.tv_sec = 0, .tv_nsec = 100000};

	RTE_SET_USED(sig);
	/* Release: tells the controller the victim has stopped; pairs with
	 * its acquire load in park_victim().
	 */
	__atomic_store_n(&park.parked, 1, __ATOMIC_RELEASE);
	/* Acquire: pairs with the controller's release of the hold. */
	while (__atomic_load_n(&park.hold, __ATOMIC_ACQUIRE))
		nanosleep(&nap, NULL);
	/* Relaxed: only read by the controller after the next park. */
	__atomic_store_n(&park.parked, 0, __ATOMIC_RELAXED);
}

static int
park_install(void)
{
	static bool done;
	struct sigaction sa;

	if (done)
		return 0;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = park_handler;
	sa.sa_flags = SA_RESTART;
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGUSR1, &sa, NULL) != 0)
		return -errno;
	done = true;
	return 0;
}

/* Park the victim; return 0 once it sits in the handler. */
static int
park_victim(pthread_t victim)
{
	unsigned int waited;

	/* Release: set before the signal is sent; pairs with the handler's
	 * acquire load of the hold.
	 */
	__atomic_store_n(&park.hold, 1, __ATOMIC_RELEASE);
	if (pthread_kill(victim, SIGUSR1) != 0)
		return -ESRCH;
	for (waited = 0; waited < STOP_PARK_TIMEOUT_MS; waited++) {
		/* Acquire: pairs with the handler's release of parked. */
		if (__atomic_load_n(&park.parked, __ATOMIC_ACQUIRE))
			return 0;
		bench_sleep_ms(1);
	}
	return -ETIMEDOUT;
}

static void
park_release(void)
{
	/* Release: pairs with the handler's acquire load of the hold. */
	__atomic_store_n(&park.hold, 0, __ATOMIC_RELEASE);
}

/*
 * Park the last thread c->stops times; for each park, the others' rate
 * while it is parked over their rate just before, per CPU-second they got
 * (kept: what other processes do to their share does not count) and per
 * wall-clock second (kept_wall). Records the worst park and the median.
 */
static int
stop_measure(const struct bench_conf *c, const struct bench_platform *p,
	const struct bench_key *k, unsigned int n)
{
	double kept[BENCH_MAX_RUNS], kept_wall[BENCH_MAX_RUNS];
	unsigned int s, stops = RTE_MIN(c->stops, (unsigned int)BENCH_MAX_RUNS);
	/* Half-length windows: several parks fit in one measurement. */
	unsigned int ms = RTE_MAX(c->duration_ms / 2, 5u), nk = 0;
	struct rate before, during = {0, 0, false};
	int rc = 0;

	for (s = 0; s < stops && rc == 0; s++) {
		before = progress_rate(p, 0, n - 1, ms);
		rc = park_victim(meas.w[n - 1].thread);
		if (rc == 0)
			during = progress_rate(p, 0, n - 1, ms);
		park_release();
		/* No progress before the park (the CPUs went to other
		 * processes): this park tells nothing.
		 */
		if (rc == 0 && before.cpu > 0 && during.ran) {
			kept[nk] = during.cpu / before.cpu;
			kept_wall[nk++] = during.wall / before.wall;
		}
		/* Let a stalled thread catch up before the next "before". */
		bench_sleep_ms(5);
	}
	if (rc != 0)
		return rc;
	if (nk == 0) {
		bench_rec_note(k, "no progress before any park");
		return 0;
	}
	bench_rec_add(k, "kept_min", bench_min(kept, nk));
	bench_rec_add(k, "kept_median", bench_median(kept, nk));
	bench_rec_add(k, "kept_wall_min", bench_min(kept_wall, nk));
	bench_rec_add(k, "before_mops", before.wall);
	bench_rec_add(k, "during_mops", during.wall);
	return 0;
}

/* Scenario 4: one lcore thread per CPU, the last one parked mid-loop. */
static void
scen_stop(const struct bench_conf *c, const struct bench_platform *p,
	const struct bench_target *t, unsigned int bulk)
{
	unsigned int n = RTE_MIN(p->n_cpus, (unsigned int)BENCH_MAX_THREADS);
	bool reg = p->thread_register != NULL;
	struct bench_key k;
	const char *skip;
	int rc;

	bench_key_init(&k, "stop", t, bulk, n, reg ? "registered" : "");
	skip = oversub_skip(t, true);
	if (n < 2)
		skip = "n/a: needs 2 CPUs";
	if (skip == NULL && park_install() != 0)
		skip = "cannot install the SIGUSR1 handler";
	if (skip != NULL) {
		bench_rec_note(&k, "%s", skip);
		return;
	}
	if (threads_launch(c, p, t, &k, bulk, n, reg) != 0)
		return;
	rc = stop_measure(c, p, &k, n);
	if (threads_join(n) != 0 && rc == 0)
		rc = -EINVAL;
	if (rc == -ETIMEDOUT)
		bench_rec_note(&k, "the parked thread never took SIGUSR1");
	else if (rc != 0)
		bench_rec_note(&k, "failed: %s", strerror(-rc));
	else
		bench_rec_add(&k, "fails", (double)meas_fails(n));
}

/*
 * The mean of back-to-back calls (batch), and the typical call: the
 * per-call median, or the batch mean where that median is not above one
 * TSC step (it then only says "less than a step").
 */
static void
add_typical(const struct bench_key *k, const struct bench_platform *p,
	const char *op, const struct lfp_lat_hist *calls,
	const struct lfp_lat_hist *batch)
{
	double b = (double)lfp_lat_hist_percentile(batch, 50) /
		BENCH_BATCH_SCALE;
	double m = (double)lfp_lat_hist_percentile(calls, 50);
	char name[24];

	if (batch->count == 0)
		return;
	snprintf(name, sizeof(name), "%s_batch_ns", op);
	bench_rec_add(k, name, cycles_to_ns(p, b));
	snprintf(name, sizeof(name), "%s_typical_ns", op);
	bench_rec_add(k, name,
		cycles_to_ns(p, m > (double)p->tsc_resolution ? m : b));
}

/* Scenario 5: per-call latency on the calling lcore, after a warm-up. */
static void
scen_latency(const struct bench_conf *c, const struct bench_platform *p,
	const struct bench_target *t, unsigned int bulk)
{
	struct bench_worker *w = &meas.w[0];
	struct bench_key k;

	bench_key_init(&k, "latency", t, bulk, 1, "");
	meas_setup(c, p, t, bulk, 1,
		bench_ms_to_cycles(p, c->duration_ms / 4 + 1));
	t->loops->latency(w);
	hists_reset();
	w->cycles = bench_ms_to_cycles(p, c->duration_ms);
	t->loops->latency(w);
	add_percentiles(&k, p, "get", &hist_get);
	add_percentiles(&k, p, "put", &hist_put);
	add_typical(&k, p, "get", &hist_get, &hist_get_batch);
	add_typical(&k, p, "put", &hist_put, &hist_put_batch);
	bench_rec_add(&k, "samples", (double)(hist_get.count + hist_put.count));
	bench_rec_add(&k, "fails", (double)w->fails);
}

/* The smallest non-zero step between two reads (VMs may scale it). */
uint64_t
bench_tsc_resolution(void)
{
	uint64_t prev = rte_rdtsc(), now, step = UINT64_MAX;
	unsigned int i;

	for (i = 0; i < 100000; i++) {
		now = rte_rdtsc();
		if (now != prev && now - prev < step)
			step = now - prev;
		prev = now;
	}
	return step;
}

uint64_t
bench_timer_overhead(void)
{
	uint64_t t0;
	unsigned int i;

	lfp_lat_hist_init(&hist_get);
	for (i = 0; i < 100000; i++) {
		t0 = rte_rdtsc_precise();
		lfp_lat_hist_record(&hist_get, rte_rdtsc_precise() - t0);
	}
	return lfp_lat_hist_percentile(&hist_get, 50);
}

/* The steady-state check's thread and what it reports back. */
static struct {
	struct bench_sysc *sysc; /* published once the filter is on */
	bool ready;		 /* sysc is set (NULL: not available) */
	bool plant;		 /* one system call in the window */
	uint64_t faults;
	double mops;
	int err;
} steady;

static void *
steady_main(void *arg)
{
	struct bench_worker *w = arg;
	const struct bench_platform *p = w->p;
	struct bench_sysc *sysc = NULL;
	uint64_t f0, full;

	if (w->do_register && p->thread_register() != 0)
		w->err = -rte_errno;
	else
		sysc = bench_sysc_install();
	steady.sysc = sysc;
	/* Release: publishes steady.sysc; pairs with the acquire in
	 * bench_steady_check().
	 */
	__atomic_store_n(&steady.ready, true, __ATOMIC_RELEASE);
	if (w->err != 0)
		return NULL;
	full = w->cycles;
	w->cycles = full / 4 + 1;
	w->t->loops->window(w);
	f0 = bench_thread_faults();
	bench_sysc_steady(sysc, true);
	if (steady.plant)
		(void)syscall(SYS_getppid);
	w->cycles = full;
	w->t->loops->window(w);
	bench_sysc_steady(sysc, false);
	steady.faults = bench_thread_faults() - f0;
	steady.mops = (double)w->progress * p->tsc_hz / (double)w->elapsed /
		1e6;
	if (w->do_register)
		p->thread_unregister();
	return NULL;
}

/*
 * G5's "no system call and no page fault in steady state": the window
 * loop at bulk 1 on a fresh lcore thread, warmed up, then run under a
 * seccomp listener that counts every system call the thread makes while
 * the main thread lets each one proceed, and getrusage() page faults.
 */
int
bench_steady_check(const struct bench_conf *c, const struct bench_platform *p,
	const struct bench_target *t)
{
	struct bench_worker *w = &meas.w[0];
	pthread_attr_t attr;
	struct bench_key k;
	cpu_set_t set;
	int rc;

	bench_key_init(&k, "steady", t, 1, 1, "");
	if (!(t->caps & BENCH_CAP_NONEAL)) {
		bench_rec_note(&k, "n/a: driver needs EAL lcores");
		return 0;
	}
	meas_setup(c, p, t, 1, 1, bench_ms_to_cycles(p, c->duration_ms));
	w->do_register = p->thread_register != NULL;
	memset(&steady, 0, sizeof(steady));
	/* Read by the thread, which pthread_create() orders after this. */
	steady.plant = c->self_test_syscall;
	CPU_ZERO(&set);
	CPU_SET(p->cpus[p->n_cpus - 1], &set);
	pthread_attr_init(&attr);
	pthread_attr_setaffinity_np(&attr, sizeof(set), &set);
	rc = pthread_create(&w->thread, &attr, steady_main, w);
	pthread_attr_destroy(&attr);
	if (rc != 0) {
		bench_rec_note(&k, "pthread_create: %s", strerror(rc));
		return -rc;
	}
	/* Acquire: pairs with the thread's release of steady.ready. */
	while (!__atomic_load_n(&steady.ready, __ATOMIC_ACQUIRE))
		bench_sleep_ms(1);
	if (steady.sysc != NULL)
		rc = bench_sysc_supervise(steady.sysc, w->thread);
	else
		rc = pthread_join(w->thread, NULL);
	if (w->err != 0) {
		bench_rec_note(
			&k, "rte_thread_register: %s", strerror(-w->err));
		return w->err;
	}
	bench_rec_add(&k, "page_faults", (double)steady.faults);
	bench_rec_add(&k, "mops", steady.mops);
	if (steady.sysc != NULL && rc == 0)
		bench_rec_add(
			&k, "syscalls", (double)bench_sysc_count(steady.sysc));
	else
		bench_rec_note(&k,
			"system calls not counted: no seccomp "
			"listener here");
	free(steady.sysc);
	return 0;
}

static void
run_one(const struct bench_conf *c, const struct bench_platform *p,
	const struct bench_target *t, unsigned int scen, unsigned int bulk,
	unsigned int run)
{
	if (bench_interrupted())
		return;
	if (c->verbose)
		fprintf(stderr,
			"  run %u scenario %#x bulk %u %s cache %d "
			"%u B\n",
			run, scen, bulk, t->name, t->cache, t->size);
	switch (scen) {
	case BENCH_S_SAME:
		scen_same(c, p, t, bulk, 1);
		if (p->n_lcores > 1)
			scen_same(c, p, t, bulk, p->n_lcores);
		break;
	case BENCH_S_PIPELINE:
		scen_pipeline(c, p, t, bulk);
		break;
	case BENCH_S_OVERSUB:
		if (p->thread_register != NULL)
			scen_oversub(c, p, t, bulk, true);
		scen_oversub(c, p, t, bulk, false);
		break;
	case BENCH_S_STOP:
		scen_stop(c, p, t, bulk);
		break;
	case BENCH_S_LATENCY:
		scen_latency(c, p, t, bulk);
		/* Counting system calls once per configuration is enough. */
		if (bulk == 1 && run == 0)
			bench_steady_check(c, p, t);
		break;
	default:
		break;
	}
}

/*
 * One run of every timed scenario, bulk size and target of one object
 * size. Allocators are interleaved innermost, so that the ratios between
 * them compare measurements taken seconds apart, not minutes.
 */
void
bench_run_size(const struct bench_conf *c, const struct bench_platform *p,
	const struct bench_target *t, unsigned int n, unsigned int run)
{
	unsigned int s, b, i;

	for (s = BENCH_S_SAME; s <= BENCH_S_LATENCY; s <<= 1) {
		if (!(c->scenarios & s))
			continue;
		for (b = 0; b < c->n_bulks; b++)
			for (i = 0; i < n; i++)
				run_one(c, p, &t[i], s, c->bulks[b], run);
	}
}

/* Scenario 7: calls timed per run (a quick run only shows it works). */
#define TP_CALLS 200000
#define TP_CALLS_QUICK 2000

static uint64_t
tp_net(uint64_t t0, uint64_t t1, uint64_t overhead)
{
	uint64_t d = t1 - t0;

	return d > overhead ? d - overhead : 0;
}

/*
 * One run: every call's create timed alone (the object is freed untimed),
 * then every create+free pair timed as one, then all pairs back to back
 * in one interval (*batch: cycles per pair, finer than the TSC's steps).
 * The warm-up cycles the first objects through the allocator's fast path
 * before anything is recorded.
 */
static int
tp_run(const struct bench_platform *p, const struct bench_tp_ops *ops,
	void *ctx, unsigned int calls, double *batch)
{
	uint64_t t0, t1;
	unsigned int i;
	void *obj;

	lfp_lat_hist_init(&hist_get);
	lfp_lat_hist_init(&hist_put);
	for (i = 0; i < calls / 10 + 1; i++) {
		obj = ops->create(ctx, i);
		if (obj == NULL)
			return -ENOMEM;
		ops->destroy(ctx, obj);
	}
	for (i = 0; i < calls; i++) {
		t0 = rte_rdtsc_precise();
		obj = ops->create(ctx, i);
		t1 = rte_rdtsc_precise();
		if (obj == NULL)
			return -ENOMEM;
		ops->destroy(ctx, obj);
		lfp_lat_hist_record(
			&hist_get, tp_net(t0, t1, p->timer_overhead));
	}
	for (i = 0; i < calls; i++) {
		t0 = rte_rdtsc_precise();
		obj = ops->create(ctx, i);
		if (obj == NULL)
			return -ENOMEM;
		ops->destroy(ctx, obj);
		t1 = rte_rdtsc_precise();
		lfp_lat_hist_record(
			&hist_put, tp_net(t0, t1, p->timer_overhead));
	}
	t0 = rte_rdtsc_precise();
	for (i = 0; i < calls; i++) {
		obj = ops->create(ctx, i);
		if (obj == NULL)
			return -ENOMEM;
		ops->destroy(ctx, obj);
	}
	t1 = rte_rdtsc_precise();
	*batch = (double)tp_net(t0, t1, p->timer_overhead) / calls;
	return 0;
}

void
bench_tradepool_measure(const struct bench_conf *c,
	const struct bench_platform *p, const struct bench_target *t,
	const struct bench_tp_ops *ops, void *ctx)
{
	unsigned int calls = c->quick ? TP_CALLS_QUICK : TP_CALLS, r;
	struct bench_key k;
	double batch;

	bench_key_init(&k, "tradepool", t, 1, 1, ops->variant);
	for (r = 0; r < c->runs; r++) {
		if (tp_run(p, ops, ctx, calls, &batch) != 0) {
			bench_rec_note(&k, "%s create failed", ops->variant);
			return;
		}
		bench_rec_add(&k, "create_p50_ns",
			cycles_to_ns(p,
				(double)lfp_lat_hist_percentile(
					&hist_get, 50)));
		bench_rec_add(&k, "create_p99_ns",
			cycles_to_ns(p,
				(double)lfp_lat_hist_percentile(
					&hist_get, 99)));
		bench_rec_add(&k, "pair_p50_ns",
			cycles_to_ns(p,
				(double)lfp_lat_hist_percentile(
					&hist_put, 50)));
		bench_rec_add(&k, "pair_p99_ns",
			cycles_to_ns(p,
				(double)lfp_lat_hist_percentile(
					&hist_put, 99)));
		bench_rec_add(&k, "pair_batch_ns", cycles_to_ns(p, batch));
	}
}
