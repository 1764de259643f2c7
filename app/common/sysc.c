/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The lfpool authors
 */

/*
 * The system-call counter of lfp_sysc.h: a one-instruction seccomp filter
 * (every call goes to user space) and a listener loop that counts and
 * continues each call.
 */

#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sys/ioctl.h>
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

int
lfp_sysc_install(struct lfp_sysc *s)
{
	struct sock_filter all[] = {
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_USER_NOTIF),
	};
	struct sock_fprog prog = {
		.len = sizeof(all) / sizeof(all[0]),
		.filter = all,
	};
	int fd;

	/* no_new_privs is per thread: only this one gives up setuid. */
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0)
		return set_state(s, -errno);
	fd = (int)syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER,
		SECCOMP_FILTER_FLAG_NEW_LISTENER, &prog);
	if (fd < 0)
		return set_state(s, -errno);
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

/* Receive one notification, count it if steady, let the call proceed. */
static int
sysc_serve_one(struct lfp_sysc *s)
{
	struct seccomp_notif req;
	struct seccomp_notif_resp resp;

	memset(&req, 0, sizeof(req));
	if (ioctl(s->fd, SECCOMP_IOCTL_NOTIF_RECV, &req) != 0)
		return errno == ENOENT || errno == EINTR ? 0 : -errno;
	/* Acquire: pairs with the release in lfp_sysc_steady(). The count
	 * has one writer, this thread; relaxed as in lfp_sysc_count().
	 */
	if (__atomic_load_n(&s->steady, __ATOMIC_ACQUIRE))
		__atomic_store_n(&s->count, s->count + 1, __ATOMIC_RELAXED);
	memset(&resp, 0, sizeof(resp));
	resp.id = req.id;
	resp.flags = SECCOMP_USER_NOTIF_FLAG_CONTINUE;
	/* ENOENT: the call was interrupted meanwhile; nothing to answer. */
	if (ioctl(s->fd, SECCOMP_IOCTL_NOTIF_SEND, &resp) != 0 &&
		errno != ENOENT)
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

	if (state < 0)
		return state;
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
			r = sysc_serve_one(s);
			if (r != 0 && rc == 0)
				rc = r;
		}
		if (pfd.revents & (POLLHUP | POLLERR | POLLNVAL))
			break;
	}
	return rc;
}

void
lfp_sysc_close(struct lfp_sysc *s)
{
	if (s->fd >= 0)
		close(s->fd);
	s->fd = -1;
}
