/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The lfpool authors
 */

/*
 * What the benchmark asks of Linux: time, CPUs, page faults, resident
 * memory, and a count of the system calls one thread makes (a seccomp
 * user-notification listener served by the main thread).
 */

#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <sched.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>

#include <rte_cycles.h>

#include "bench.h"

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

struct bench_sysc {
	int fd;	     /* seccomp listener */
	bool steady; /* count only while set */
	long count;  /* system calls seen while steady */
};

/*
 * Called by the thread to watch: every later system call of this thread
 * (and of threads it creates) waits for the listener to let it through.
 * Returns NULL, with nothing installed, where seccomp is not allowed.
 */
struct bench_sysc *
bench_sysc_install(void)
{
	struct sock_filter all[] = {
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_USER_NOTIF),
	};
	struct sock_fprog prog = {
		.len = RTE_DIM(all),
		.filter = all,
	};
	struct bench_sysc *s = calloc(1, sizeof(*s));

	if (s == NULL)
		return NULL;
	/* no_new_privs is per thread: only this one gives up setuid. */
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0)
		goto fail;
	s->fd = (int)syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER,
		SECCOMP_FILTER_FLAG_NEW_LISTENER, &prog);
	if (s->fd < 0)
		goto fail;
	return s;
fail:
	free(s);
	return NULL;
}

void
bench_sysc_steady(struct bench_sysc *s, bool on)
{
	if (s == NULL)
		return;
	/* Release: the watched thread's loop starts after this store; the
	 * supervisor's acquire load at each notification pairs with it.
	 */
	__atomic_store_n(&s->steady, on, __ATOMIC_RELEASE);
}

long
bench_sysc_count(const struct bench_sysc *s)
{
	return s->count;
}

/* Receive one notification, count it if steady, let the call proceed. */
static int
sysc_serve_one(struct bench_sysc *s)
{
	struct seccomp_notif req;
	struct seccomp_notif_resp resp;

	memset(&req, 0, sizeof(req));
	if (ioctl(s->fd, SECCOMP_IOCTL_NOTIF_RECV, &req) != 0)
		return errno == ENOENT || errno == EINTR ? 0 : -errno;
	/* Acquire: pairs with the release in bench_sysc_steady(). */
	if (__atomic_load_n(&s->steady, __ATOMIC_ACQUIRE))
		s->count++;
	memset(&resp, 0, sizeof(resp));
	resp.id = req.id;
	resp.flags = SECCOMP_USER_NOTIF_FLAG_CONTINUE;
	/* ENOENT: the call was interrupted meanwhile; nothing to answer. */
	if (ioctl(s->fd, SECCOMP_IOCTL_NOTIF_SEND, &resp) != 0 &&
		errno != ENOENT)
		return -errno;
	return 0;
}

/*
 * Serve the watched thread until it has exited (the listener then hangs
 * up), then join it. The listener stays open until then: once it is
 * closed, the thread's calls fail with ENOSYS, its exit() included.
 * Returns 0, or -errno if a notification could not be served (the count
 * is then not to be trusted).
 */
int
bench_sysc_supervise(struct bench_sysc *s, pthread_t thread)
{
	struct pollfd pfd = {.fd = s->fd, .events = POLLIN};
	int rc = 0, n, r;

	for (;;) {
		n = poll(&pfd, 1, 100);
		if (n < 0 && errno != EINTR) {
			rc = -errno;
			break;
		}
		if (n <= 0)
			continue;
		if (pfd.revents & POLLIN) {
			r = sysc_serve_one(s);
			if (r != 0 && rc == 0)
				rc = r;
		}
		if (pfd.revents & (POLLHUP | POLLERR | POLLNVAL))
			break;
	}
	close(s->fd);
	pthread_join(thread, NULL);
	return rc;
}
