/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The lfpool authors
 */

/*
 * Telemetry of the hazard-pointer domains of this DPDK instance:
 *   /lfpool/hazptr/list          names of the domains
 *   /lfpool/hazptr/stats,<name>  one domain's counters
 * Handlers run on the telemetry thread and only read: relaxed loads of
 * the counters through lfp_hp_domain_stats().
 */

#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <rte_common.h>
#include <rte_memzone.h>
#include <rte_telemetry.h>

#include "hazptr_private.h"
#include "lfp_dpdk_compat.h"

/* Counters shown by /lfpool/hazptr/stats, in reply order. */
static const struct {
	const char *name;
	size_t offset;
} stat_fields[] = {
	{"retired", offsetof(struct lfp_hp_stats, retired)},
	{"reclaimed", offsetof(struct lfp_hp_stats, reclaimed)},
	{"pending", offsetof(struct lfp_hp_stats, pending)},
	{"orphans", offsetof(struct lfp_hp_stats, orphans)},
	{"scans", offsetof(struct lfp_hp_stats, scans)},
	{"peak_pending", offsetof(struct lfp_hp_stats, peak_pending)},
	{"unbound", offsetof(struct lfp_hp_stats, unbound)},
	{"deferred", offsetof(struct lfp_hp_stats, deferred)},
	{"adopted", offsetof(struct lfp_hp_stats, adopted)},
};

/* One place for the u64 call, renamed rte_tel_data_add_dict_uint later. */
static void
tel_add_u64(struct rte_tel_data *t, const char *name, uint64_t v)
{
	lfp_tel_dict_uint(t, name, v);
}

/* The domain behind a memzone, or NULL if it is not a live domain. */
static const struct lfp_hp_domain *
mz_domain(const struct rte_memzone *mz)
{
	size_t len = strlen(LFP_HP_MZ_PREFIX);

	if (strncmp(mz->name, LFP_HP_MZ_PREFIX, len) != 0)
		return NULL;
	return hp_domain_valid(mz->addr) ? mz->addr : NULL;
}

static void
list_one(const struct rte_memzone *mz, void *arg)
{
	const struct lfp_hp_domain *d = mz_domain(mz);

	if (d != NULL)
		rte_tel_data_add_array_string(arg, d->name);
}

static int
handle_list(const char *cmd, const char *params, struct rte_tel_data *t)
{
	RTE_SET_USED(cmd);
	RTE_SET_USED(params);
	rte_tel_data_start_array(t, RTE_TEL_STRING_VAL);
	rte_memzone_walk(list_one, t);
	return 0;
}

static int
handle_stats(const char *cmd, const char *params, struct rte_tel_data *t)
{
	char mz_name[RTE_MEMZONE_NAMESIZE];
	const struct lfp_hp_domain *d;
	const struct rte_memzone *mz;
	struct lfp_hp_stats st;
	unsigned int i;

	RTE_SET_USED(cmd);
	if (params == NULL || params[0] == '\0' ||
		strlen(params) > LFP_HP_DOMAIN_NAME_MAX)
		return -EINVAL;
	snprintf(mz_name, sizeof(mz_name), "%s%.*s", LFP_HP_MZ_PREFIX,
		LFP_HP_DOMAIN_NAME_MAX, params);
	/* Quietly: a wrong name is the client's error, not the library's. */
	mz = rte_memzone_lookup(mz_name);
	d = mz != NULL ? mz_domain(mz) : NULL;
	if (d == NULL || lfp_hp_domain_stats(d, &st) != 0)
		return -EINVAL;
	rte_tel_data_start_dict(t);
	rte_tel_data_add_dict_string(t, "name", d->name);
	tel_add_u64(t, "max_records", d->max_records);
	tel_add_u64(t, "slots", d->slots);
	tel_add_u64(t, "records_used", st.records_used);
	for (i = 0; i < RTE_DIM(stat_fields); i++)
		tel_add_u64(t, stat_fields[i].name,
			*(const uint64_t *)((const char *)&st +
				stat_fields[i].offset));
	return 0;
}

void
hp_telemetry_register(void)
{
	rte_telemetry_register_cmd("/lfpool/hazptr/list", handle_list,
		"Returns the hazard-pointer domains. No parameters");
	rte_telemetry_register_cmd("/lfpool/hazptr/stats", handle_stats,
		"Returns a hazard-pointer domain's counters. Parameters: "
		"domain name");
}
