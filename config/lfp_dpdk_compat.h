/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The lfpool authors
 */

#ifndef LFP_DPDK_COMPAT_H
#define LFP_DPDK_COMPAT_H

/*
 * Internal to the project, not installed: the one place where the DPDK
 * releases lfpool builds against (22.11 on Debian 12, 24.11 on Debian 13)
 * differ in API. Code calls these names instead of the release's own.
 */

#include <stdint.h>

#include <rte_telemetry.h>
#include <rte_version.h>

/*
 * Unsigned telemetry values: DPDK 23.03 renamed rte_tel_data_add_dict_u64
 * and rte_tel_data_add_array_u64 to _uint, and 24.11 marks the old names
 * deprecated, which -Werror turns into a build failure.
 */
#if RTE_VERSION >= RTE_VERSION_NUM(23, 3, 0, 0)
#define LFP_TEL_HAS_UINT 1
#endif

static inline int
lfp_tel_dict_uint(struct rte_tel_data *d, const char *name, uint64_t val)
{
#ifdef LFP_TEL_HAS_UINT
	return rte_tel_data_add_dict_uint(d, name, val);
#else
	return rte_tel_data_add_dict_u64(d, name, val);
#endif
}

static inline int
lfp_tel_array_uint(struct rte_tel_data *d, uint64_t val)
{
#ifdef LFP_TEL_HAS_UINT
	return rte_tel_data_add_array_uint(d, val);
#else
	return rte_tel_data_add_array_u64(d, val);
#endif
}

#endif /* LFP_DPDK_COMPAT_H */
