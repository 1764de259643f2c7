/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The lfpool authors
 */

/*
 * The system-call counter of lfp_sysc.h, on libseccomp: a filter whose
 * only action sends every call to user space (built by libseccomp), and a
 * listener loop that counts and continues each call (libseccomp's notify
 * calls).
 */

#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <seccomp.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <linux/filter.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>

#include "lfp_sysc.h"

enum {
	SYSC_PENDING = 0,
	SYSC_INSTALLED = 1,
};

void
lfp_sysc_init(struct lfp_sysc *s)
{
	memset(s, 0, sizeof(*s));
	s->fd = -1;
}

/* Publish the outcome of the install to the server. */
static int
set_state(struct lfp_sysc *s, int state)
{
	/* Release: the server's acquire load in lfp_sysc_serve() then sees
	 * s->fd as written before.
	 */
	__atomic_store_n(&s->state, state, __ATOMIC_RELEASE);
	return state < 0 ? state : 0;
}

/* Room for the filter: libseccomp's is a handful of instructions. */
#define SYSC_FILTER_MAX 256

/* The program libseccomp exported into @p fd: its instruction count. */
static int
filter_read(int fd, struct sock_filter *insns, unsigned int max)
{
	size_t room = max * sizeof(*insns);
	ssize_t len = pread(fd, insns, room, 0);

	if (len < 0)
		return -errno;
	/* A full buffer may hold a truncated program. */
	if (len == 0 || (size_t)len == room || len % sizeof(*insns) != 0)
		return -E2BIG;
	return (int)(len / sizeof(*insns));
}

/*
 * The filter, written by libseccomp into @p insns: every system call of
 * the native architecture goes to the listener (a foreign one kills the
 * thread, libseccomp's default). Returns its length, or a negative errno.
 */
static int
sysc_filter(struct sock_filter *insns, unsigned int max)
{
	scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_NOTIFY);
	int fd, rc = -ENOMEM;

	if (ctx == NULL)
		return rc;
	fd = memfd_create("lfp_sysc_filter", MFD_CLOEXEC);
	if (fd < 0) {
		rc = -errno;
		goto out;
	}
	rc = seccomp_export_bpf(ctx, fd);
	if (rc == 0)
		rc = filter_read(fd, insns, max);
	close(fd);
out:
	seccomp_release(ctx);
	return rc;
}

/*
 * Load the filter with a listener of its own. libseccomp 2.5's
 * seccomp_load() keeps one listener per process (a second watched thread
 * would get none, and ENOSYS for each call), so the load itself is the
 * seccomp(2) call, with SECCOMP_FILTER_FLAG_NEW_LISTENER every time.
 */
static int
sysc_load(struct sock_filter *insns, int len)
{
	struct sock_fprog prog = {
		.len = (unsigned short)len,
		.filter = insns,
	};
	int fd;

	/* no_new_privs is per thread: only this one gives up setuid. */
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0)
		return -errno;
	fd = (int)syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER,
		SECCOMP_FILTER_FLAG_NEW_LISTENER, &prog);
	return fd < 0 ? -errno : fd;
}

int
lfp_sysc_install(struct lfp_sysc *s)
{
	struct sock_filter insns[SYSC_FILTER_MAX];
	int len, fd;

	/* Level 5: the kernel has SECCOMP_RET_USER_NOTIF and its ioctls. */
	if (seccomp_api_get() < 5)
		return set_state(s, -ENOSYS);
	len = sysc_filter(insns, SYSC_FILTER_MAX);
	if (len < 0)
		return set_state(s, len);
	/* From here on, each call of this thread waits for the server,
	 * which starts once set_state() is seen: no call in between.
	 */
	fd = sysc_load(insns, len);
	if (fd < 0)
		return set_state(s, fd);
	s->fd = fd;
	return set_state(s, SYSC_INSTALLED);
}

void
lfp_sysc_steady(struct lfp_sysc *s, bool on)
{
	/* Release: the watched thread's calls after this store are seen with
	 * the new window; pairs with the acquire load at each notification.
	 */
	__atomic_store_n(&s->steady, on, __ATOMIC_RELEASE);
}

uint64_t
lfp_sysc_count(const struct lfp_sysc *s)
{
	/* Relaxed: the count orders nothing; a call counted in the window was
	 * counted before the server answered it (sysc_serve_one()), so the
	 * watched thread, and whoever it synchronises with afterwards, reads
	 * it up to date.
	 */
	return __atomic_load_n(&s->count, __ATOMIC_RELAXED);
}

/*
 * libseccomp 2.5 turns every failed ioctl of the two calls below into
 * -ECANCELED; the ioctl's errno is still in errno. The failures that are
 * part of the protocol: ENOENT, the call was interrupted (the watched
 * thread got a signal, or exited) between poll and answer; EINTR, a
 * signal reached this thread. Neither loses a call: the kernel restarts
 * or drops it.
 */
static bool
sysc_benign(void)
{
	return errno == ENOENT || errno == EINTR;
}

/* Receive one notification, count it if steady, let the call proceed. */
static int
sysc_serve_one(struct lfp_sysc *s, struct seccomp_notif *req,
	struct seccomp_notif_resp *resp)
{
	memset(req, 0, sizeof(*req));
	if (seccomp_notify_receive(s->fd, req) != 0)
		return sysc_benign() ? 0 : -errno;
	/* Acquire: pairs with the release in lfp_sysc_steady(). The count
	 * has one writer, this thread; relaxed as in lfp_sysc_count().
	 */
	if (__atomic_load_n(&s->steady, __ATOMIC_ACQUIRE))
		__atomic_store_n(&s->count, s->count + 1, __ATOMIC_RELAXED);
	memset(resp, 0, sizeof(*resp));
	resp->id = req->id;
	resp->flags = SECCOMP_USER_NOTIF_FLAG_CONTINUE;
	if (seccomp_notify_respond(s->fd, resp) != 0 && !sysc_benign())
		return -errno;
	return 0;
}

/* The install's outcome: 1, or its negative errno. */
static int
wait_installed(const struct lfp_sysc *s)
{
	const struct timespec ms = {.tv_nsec = 1000000};
	int state;

	/* Acquire: pairs with set_state(); s->fd is valid after it. */
	while ((state = __atomic_load_n(&s->state, __ATOMIC_ACQUIRE)) ==
		SYSC_PENDING)
		nanosleep(&ms, NULL);
	return state;
}

int
lfp_sysc_serve(struct lfp_sysc *s)
{
	struct pollfd pfd = {.events = POLLIN};
	int state = wait_installed(s), rc = 0, n, r;
	struct seccomp_notif *req;
	struct seccomp_notif_resp *resp;

	if (state < 0)
		return state;
	/* Sized for the running kernel, which may know a longer request. */
	r = seccomp_notify_alloc(&req, &resp);
	if (r != 0)
		return r;
	pfd.fd = s->fd;
	for (;;) {
		n = poll(&pfd, 1, -1);
		if (n < 0 && errno != EINTR) {
			rc = -errno;
			break;
		}
		if (n <= 0)
			continue;
		if (pfd.revents & POLLIN) {
			r = sysc_serve_one(s, req, resp);
			if (r != 0 && rc == 0)
				rc = r;
		}
		if (pfd.revents & (POLLHUP | POLLERR | POLLNVAL))
			break;
	}
	seccomp_notify_free(req, resp);
	return rc;
}

void
lfp_sysc_close(struct lfp_sysc *s)
{
	if (s->fd >= 0)
		close(s->fd);
	s->fd = -1;
}
