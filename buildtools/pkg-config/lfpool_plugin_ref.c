/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The lfpool authors
 */

/*
 * liblfpool_plugin_ref.a, linked whole into every application by
 * libdpdk-lfpool.pc. An application usually names the lfpool ops by string
 * only ("lfpool"), so nothing in it refers to the shared plug-in, and the
 * linker's --as-needed (Debian's default) drops librte_mempool_lfpool.so
 * from a shared link: the ops never register. This reference, from a
 * regular object, keeps the plug-in. In a static link (pkg-config --static)
 * the whole-archive static driver comes earlier on the command line and
 * defines the symbol, so the linker drops the plug-in instead of loading a
 * second copy of the driver.
 */

#include <rte_common.h>
#include <rte_mempool.h>

#include "lfp_mempool.h"

static int (*const lfp_plugin_ref)(const struct rte_mempool *mp,
	struct lfp_mempool_stats *total,
	struct lfp_mempool_stats *per_lcore) __rte_used = lfp_mempool_stats_get;
