/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The lfpool authors
 */

#ifndef LFP_SYSC_H
#define LFP_SYSC_H

/**
 * @file
 * Count every system call one thread makes: a seccomp filter on that
 * thread sends each of its calls to a user-notification listener, which
 * another thread serves (counting the call, then letting it proceed
 * unchanged). Shared by lfpool-bench (G5, steady state) and the order
 * gateway (its worker loop), and tested in tests/gateway.
 *
 * Needs Linux 5.5 (SECCOMP_USER_NOTIF_FLAG_CONTINUE) and seccomp allowed
 * to the process; lfp_sysc_install() says when it is not. Built on
 * libseccomp (2.5, API level 5 for SCMP_ACT_NOTIFY), no DPDK.
 *
 * Life cycle, and who calls what:
 *
 *   call                 | thread
 *   ---------------------+-----------------------------------------------
 *   lfp_sysc_init        | anyone, before the two below
 *   lfp_sysc_install     | the watched thread, once
 *   lfp_sysc_serve       | one other thread, created before the install
 *                        | if the watched thread cannot wait for it
 *   lfp_sysc_steady      | the watched thread (opens/closes the window)
 *   lfp_sysc_count       | anyone
 *   lfp_sysc_close       | the serving thread, after lfp_sysc_serve()
 *
 * Once installed, the filter stays on the watched thread (and on threads
 * it creates later) until it exits, and each of its system calls waits
 * for the server: the server must run until then. lfp_sysc_serve()
 * returns when the listener hangs up, i.e. when every watched thread has
 * exited; a thread that lives until the process ends (an EAL lcore) needs
 * a server that does too. Closing the listener earlier makes the watched
 * threads' system calls fail with ENOSYS.
 */

#include <stdbool.h>
#include <stdint.h>

/** One watched thread's listener and count. Initialise with lfp_sysc_init(). */
struct lfp_sysc {
	int fd;		/**< The listener, -1 until installed. */
	int state;	/**< 0: pending, 1: installed, -errno: failed. */
	bool steady;	/**< Count only while set (the window). */
	uint64_t count; /**< Calls seen in the window (server-written). */
};

/** Prepare @p s: nothing installed, window closed, count 0. */
void lfp_sysc_init(struct lfp_sysc *s);

/**
 * Install the filter on the calling thread; from now on each of its system
 * calls waits until a thread in lfp_sysc_serve() lets it through. Sets
 * no_new_privs on the calling thread (needed without CAP_SYS_ADMIN).
 *
 * @return
 *   0, or a negative errno (the state lfp_sysc_serve() then returns):
 *   - -EINVAL, -ENOSYS - the kernel has no seccomp user notification.
 *   - -EACCES, -EPERM - seccomp is not allowed here.
 *   - -EBUSY - a listener is installed on this thread already.
 */
int lfp_sysc_install(struct lfp_sysc *s);

/**
 * Wait until the watched thread has called lfp_sysc_install(), then serve
 * its system calls until the listener hangs up (every watched thread has
 * exited). Each call is counted if the window is open, then continues as
 * if there were no filter.
 *
 * @return
 *   0; the install's negative errno if it failed; or a negative errno if a
 *   notification could not be served (the count is then not to be trusted).
 */
int lfp_sysc_serve(struct lfp_sysc *s);

/** Open (@p on) or close the counting window; called by the watched thread. */
void lfp_sysc_steady(struct lfp_sysc *s, bool on);

/** System calls seen while the window was open, so far. */
uint64_t lfp_sysc_count(const struct lfp_sysc *s);

/** Close the listener (after lfp_sysc_serve() returned). */
void lfp_sysc_close(struct lfp_sysc *s);

#endif /* LFP_SYSC_H */
