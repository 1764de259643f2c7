/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The lfpool authors
 */

#ifndef LFP_EAL_EXIT_H
#define LFP_EAL_EXIT_H

/*
 * Internal to the project, not installed. EAL (22.11) creates its runtime
 * directory, /var/run/dpdk/<file-prefix>, in every process and never
 * removes it, so each run of a program with a new --file-prefix leaves one
 * behind. lfp_eal_rmdir_at_exit(), called before rte_eal_init(), removes
 * it at exit when it is empty (--no-shconf or --in-memory; a primary with
 * shared files keeps them for its secondaries). Registered before EAL's
 * own exit handlers, it runs after them: the telemetry library removes its
 * socket from the directory first. Hugepage files are not EAL's to clean
 * either: pass --huge-unlink or --in-memory when no secondary will attach.
 */

#include <stdlib.h>
#include <unistd.h>

#include <rte_eal.h>

static void
lfp_eal_rmdir_runtime_dir(void)
{
	/* Empty before rte_eal_init() has set it: rmdir("") just fails. */
	rmdir(rte_eal_get_runtime_dir());
}

static inline int
lfp_eal_rmdir_at_exit(void)
{
	return atexit(lfp_eal_rmdir_runtime_dir);
}

#endif /* LFP_EAL_EXIT_H */
