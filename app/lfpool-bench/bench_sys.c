/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The lfpool authors
 */

/*
 * What the benchmark asks of Linux: time, CPUs, page faults, resident
 * memory, and a count of the system calls one thread makes (a seccomp
 * user-notification listener served by the main thread, lfp_sysc.h).
 */

#define _GNU_SOURCE
#include <errno.h>
#include <libgen.h>
#include <limits.h>
#include <sched.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>
#include <sys/resource.h>

#include <rte_cycles.h>

#include "bench.h"
#include "lfp_sysc.h"

double
bench_tsc_calibrate(void)
{
	struct timespec a, b;
	uint64_t t0, t1;
	double ns;

	clock_gettime(CLOCK_MONOTONIC_RAW, &a);
	t0 = rte_rdtsc();
	bench_sleep_ms(100);
	clock_gettime(CLOCK_MONOTONIC_RAW, &b);
	t1 = rte_rdtsc();
	ns = (double)(b.tv_sec - a.tv_sec) * 1e9 +
		(double)(b.tv_nsec - a.tv_nsec);
	return (double)(t1 - t0) * 1e9 / ns;
}

uint64_t
bench_ms_to_cycles(const struct bench_platform *p, unsigned int ms)
{
	return (uint64_t)(p->tsc_hz * ms / 1000.0);
}

void
bench_sleep_ms(unsigned int ms)
{
	struct timespec ts = {
		.tv_sec = ms / 1000,
		.tv_nsec = (long)(ms % 1000) * 1000000L,
	};

	while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
		;
}

int
bench_pin_self(unsigned int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	return -pthread_setaffinity_np(pthread_self(), sizeof(set), &set);
}

/* The CPUs this process may run on, in order; returns how many. */
int
bench_online_cpus(unsigned int *cpus, unsigned int max)
{
	cpu_set_t set;
	unsigned int i, n = 0;

	if (sched_getaffinity(0, sizeof(set), &set) != 0)
		return -errno;
	for (i = 0; i < CPU_SETSIZE && n < max; i++)
		if (CPU_ISSET(i, &set))
			cpus[n++] = i;
	return (int)n;
}

uint64_t
bench_thread_faults(void)
{
	struct rusage ru;

	if (getrusage(RUSAGE_THREAD, &ru) != 0)
		return 0;
	return (uint64_t)ru.ru_minflt + (uint64_t)ru.ru_majflt;
}

static uint64_t
clock_ns(clockid_t id)
{
	struct timespec ts;

	if (clock_gettime(id, &ts) != 0)
		return 0;
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* CPU time of the calling thread (a system call: keep out of loops). */
uint64_t
bench_self_cpu_ns(void)
{
	return clock_ns(CLOCK_THREAD_CPUTIME_ID);
}

/* CPU time of another thread of this process. */
uint64_t
bench_thread_cpu_ns(pthread_t th)
{
	clockid_t id;

	if (pthread_getcpuclockid(th, &id) != 0)
		return 0;
	return clock_ns(id);
}

/*
 * @p rel, a path relative to this program's directory (the helpers it
 * runs sit at fixed places from it, in the build tree and installed).
 */
int
bench_self_relative(const char *rel, char *path, size_t len)
{
	char self[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);

	if (n < 0)
		return -errno;
	self[n] = '\0';
	if ((size_t)snprintf(path, len, "%s/%s", dirname(self), rel) >= len)
		return -ENAMETOOLONG;
	return 0;
}

long
bench_rss_bytes(void)
{
	long pages = 0, rss = 0;
	FILE *f = fopen("/proc/self/statm", "r");

	if (f == NULL)
		return -1;
	if (fscanf(f, "%ld %ld", &pages, &rss) != 2)
		rss = -1;
	fclose(f);
	return rss < 0 ? -1 : rss * sysconf(_SC_PAGESIZE);
}

/*
 * The system-call counter itself is shared with the order gateway
 * (app/common/lfp_sysc.h); this is the benchmark's interface to it.
 */
struct bench_sysc {
	struct lfp_sysc sc;
};

/*
 * Called by the thread to watch: every later system call of this thread
 * (and of threads it creates) waits for bench_sysc_supervise() to let it
 * through. Returns NULL, with nothing installed, where seccomp is not
 * allowed.
 */
struct bench_sysc *
bench_sysc_install(void)
{
	struct bench_sysc *s = calloc(1, sizeof(*s));

	if (s == NULL)
		return NULL;
	lfp_sysc_init(&s->sc);
	if (lfp_sysc_install(&s->sc) < 0) {
		free(s);
		return NULL;
	}
	return s;
}

void
bench_sysc_steady(struct bench_sysc *s, bool on)
{
	if (s != NULL)
		lfp_sysc_steady(&s->sc, on);
}

long
bench_sysc_count(const struct bench_sysc *s)
{
	return (long)lfp_sysc_count(&s->sc);
}

/*
 * Serve the watched thread until it has exited (the listener then hangs
 * up), then join it. Returns 0, or -errno if a notification could not be
 * served (the count is then not to be trusted).
 */
int
bench_sysc_supervise(struct bench_sysc *s, pthread_t thread)
{
	int rc = lfp_sysc_serve(&s->sc);

	lfp_sysc_close(&s->sc);
	pthread_join(thread, NULL);
	return rc;
}
