/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The lfpool authors
 */

#ifndef LFP_EAL_TLS_H
#define LFP_EAL_TLS_H

/*
 * Internal to the project, not installed. Included by the components whose
 * fast paths call rte_lcore_id() (the lfpool driver, lib/tradepool).
 *
 * rte_lcore_id() reads a thread-local variable of librte_eal. Code built
 * position-independent (our static libraries, the driver's -d plug-in)
 * gets the general dynamic TLS model: a call to __tls_get_addr() per read,
 * which clobbers every caller-saved register and gives each get, put,
 * create and free a stack frame. librte_eal is loaded at program start
 * (it is what loads any plug-in), so its TLS block is static and the
 * initial-exec model (one load from the GOT, then %fs-relative) is valid
 * wherever this code ends up. The declaration only adds that model to
 * EAL's own.
 */

#include <rte_per_lcore.h>

RTE_DECLARE_PER_LCORE(unsigned int, _lcore_id)
__attribute__((tls_model("initial-exec")));

#endif /* LFP_EAL_TLS_H */
