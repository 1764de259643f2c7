/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The lfpool authors
 */

/*
 * Telemetry: /lfpool/tradepool/list and /lfpool/tradepool/stats,<name>.
 * The commands are registered by a constructor in tp_pools.c: an object
 * file of a static library is linked only when something refers to it.
 * Handlers run on the telemetry thread (no lcore id); they hold the
 * registry lock so that lfp_tp_free() cannot free the pools under them.
 */

#include <errno.h>
#include <stddef.h>
#include <stdio.h>

#include <rte_telemetry.h>

#include "tp_private.h"
#include "lfp_dpdk_compat.h"

/* 22.11's names for unsigned values; renamed _uint in DPDK 23.03. */
static int
tel_add_uint(struct rte_tel_data *d, const char *name, uint64_t v)
{
	return lfp_tel_dict_uint(d, name, v);
}

static int
tel_array_add_uint(struct rte_tel_data *a, uint64_t v)
{
	return lfp_tel_array_uint(a, v);
}

static int
tel_add_double(struct rte_tel_data *d, const char *name, double v)
{
	char buf[32];

	snprintf(buf, sizeof(buf), "%.3f", v);
	return rte_tel_data_add_dict_string(d, name, buf);
}

enum field_kind {
	F_U32,
	F_U64,
	F_RATE,
	F_PCT
};

/* Columns of each "s<socket>_<type>" array, in the order of "fields". */
static const struct {
	const char *name;
	size_t offset;
	enum field_kind kind;
} fields[] = {
	{"size", offsetof(struct lfp_tp_type_stats, size), F_U32},
	{"in_use", offsetof(struct lfp_tp_type_stats, in_use), F_U32},
	{"peak_in_use", offsetof(struct lfp_tp_type_stats, peak_in_use), F_U32},
	{"obj_size", offsetof(struct lfp_tp_type_stats, obj_size), F_U32},
	{"elt_footprint", offsetof(struct lfp_tp_type_stats, elt_footprint),
		F_U64},
	{"reserved_bytes", offsetof(struct lfp_tp_type_stats, reserved_bytes),
		F_U64},
	{"in_use_bytes", offsetof(struct lfp_tp_type_stats, in_use_bytes),
		F_U64},
	{"allocs", offsetof(struct lfp_tp_type_stats, allocs), F_U64},
	{"frees", offsetof(struct lfp_tp_type_stats, frees), F_U64},
	{"failures", offsetof(struct lfp_tp_type_stats, failures), F_U64},
	{"alloc_rate", offsetof(struct lfp_tp_type_stats, alloc_rate), F_RATE},
	/* 0 with resident_pages 0: nothing measured yet. */
	{"numa_local_pct_x100",
		offsetof(struct lfp_tp_type_stats, numa_local_pct), F_PCT},
	{"resident_pages", offsetof(struct lfp_tp_type_stats, resident_pages),
		F_U64},
};

static uint64_t
round_u64(double v)
{
	return v <= 0 ? 0 : (uint64_t)(v + 0.5);
}

static uint64_t
field_value(const struct lfp_tp_type_stats *ts, unsigned int i)
{
	const void *p = RTE_PTR_ADD(ts, fields[i].offset);

	switch (fields[i].kind) {
	case F_U32:
		return *(const uint32_t *)p;
	case F_U64:
		return *(const uint64_t *)p;
	case F_RATE:
		return round_u64(*(const double *)p);
	case F_PCT:
		return round_u64(*(const double *)p * 100.0);
	}
	return 0;
}

static int
add_fields_names(struct rte_tel_data *d)
{
	struct rte_tel_data *a = rte_tel_data_alloc();
	unsigned int i;

	if (a == NULL)
		return -ENOMEM;
	rte_tel_data_start_array(a, RTE_TEL_STRING_VAL);
	for (i = 0; i < RTE_DIM(fields); i++)
		rte_tel_data_add_array_string(a, fields[i].name);
	return rte_tel_data_add_dict_container(d, "fields", a, 0);
}

static int
add_type(struct rte_tel_data *d, int socket_id, unsigned int type,
	const struct lfp_tp_type_stats *ts)
{
	struct rte_tel_data *a;
	char key[32];
	unsigned int i;

	if (ts->size == 0)
		return 0;
	a = rte_tel_data_alloc();
	if (a == NULL)
		return -ENOMEM;
	rte_tel_data_start_array(a, RTE_TEL_U64_VAL);
	for (i = 0; i < RTE_DIM(fields); i++)
		tel_array_add_uint(a, field_value(ts, i));
	snprintf(key, sizeof(key), "s%d_%s", socket_id, tp_type_names[type]);
	return rte_tel_data_add_dict_container(d, key, a, 0);
}

static int
fill_stats(struct lfp_tp_pools *p, struct rte_tel_data *d)
{
	struct lfp_tp_stats st;
	unsigned int s, t;
	int ret;

	ret = lfp_tp_stats_get(p, &st);
	if (ret < 0)
		return ret;
	rte_tel_data_start_dict(d);
	rte_tel_data_add_dict_string(d, "name", p->name);
	rte_tel_data_add_dict_string(d, "ops", p->ops_name);
	tel_add_uint(d, "sockets", st.nb_sockets);
	tel_add_uint(d, "reserved_bytes", st.reserved_bytes);
	tel_add_uint(d, "in_use_bytes", st.in_use_bytes);
	tel_add_double(d, "reserved_mb", st.reserved_mb);
	tel_add_double(d, "in_use_mb", st.in_use_mb);
	tel_add_uint(d, "allocs", st.allocs);
	tel_add_uint(d, "frees", st.frees);
	tel_add_uint(d, "failures", st.failures);
	tel_add_double(d, "alloc_rate", st.alloc_rate);
	tel_add_double(d, "numa_local_pct", st.numa_local_pct);
	ret = add_fields_names(d);
	for (s = 0; ret == 0 && s < st.nb_sockets; s++)
		for (t = 0; ret == 0 && t < LFP_TP_TYPE_MAX; t++)
			ret = add_type(d, st.socket[s].socket_id, t,
				&st.socket[s].type[t]);
	return ret;
}

static int
handle_stats(const char *cmd, const char *params, struct rte_tel_data *d)
{
	struct lfp_tp_pools *p;
	int ret;

	RTE_SET_USED(cmd);
	tp_registry_lock();
	p = params != NULL && params[0] != '\0' ? tp_registry_find(params) :
						  tp_registry_first();
	ret = p != NULL ? fill_stats(p, d) : -EINVAL;
	tp_registry_unlock();
	return ret;
}

static int
handle_list(const char *cmd, const char *params, struct rte_tel_data *d)
{
	struct lfp_tp_pools *p;

	RTE_SET_USED(cmd);
	RTE_SET_USED(params);
	rte_tel_data_start_array(d, RTE_TEL_STRING_VAL);
	tp_registry_lock();
	for (p = tp_registry_first(); p != NULL; p = tp_registry_next(p))
		rte_tel_data_add_array_string(d, p->name);
	tp_registry_unlock();
	return 0;
}

void
tp_telemetry_register(void)
{
	rte_telemetry_register_cmd("/lfpool/tradepool/list", handle_list,
		"Returns the names of the trading pools.");
	rte_telemetry_register_cmd("/lfpool/tradepool/stats", handle_stats,
		"Returns trading pool statistics. Parameters: pools name "
		"(default: the first created)");
}
