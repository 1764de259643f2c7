/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The lfpool authors
 */

/*
 * Telemetry, as a client sees it: connect to <runtime dir>/
 * dpdk_telemetry.v2 (AF_UNIX, SOCK_SEQPACKET), read the greeting, send the
 * /lfpool/ commands and check the JSON replies with jansson.
 */

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <jansson.h>

#include <rte_common.h>
#include <rte_eal.h>
#include <rte_lcore.h>
#include <rte_mempool.h>

#include "lfp_test.h"
#include "lfpool_private.h"
#include "lfpool_test.h"
#include "test_lfpool.h"

#define TEL_BUF (64 * 1024)

static char tel_buf[TEL_BUF];

static int
tel_connect(void)
{
	struct sockaddr_un addr = {.sun_family = AF_UNIX};
	int fd;

	snprintf(addr.sun_path, sizeof(addr.sun_path), "%s/dpdk_telemetry.v2",
		rte_eal_get_runtime_dir());
	fd = socket(AF_UNIX, SOCK_SEQPACKET, 0);
	if (fd < 0)
		return -errno;
	if (connect(fd, (struct sockaddr *)&addr, sizeof(addr)) < 0) {
		close(fd);
		return -errno;
	}
	return fd;
}

/* One message as JSON (NULL if it does not parse). */
static json_t *
tel_recv(int fd)
{
	json_error_t err;
	ssize_t n = recv(fd, tel_buf, sizeof(tel_buf) - 1, 0);
	json_t *j;

	if (n <= 0)
		return NULL;
	tel_buf[n] = '\0';
	j = json_loads(tel_buf, 0, &err);
	if (j == NULL)
		printf("\n    bad JSON (%s): %.200s\n", err.text, tel_buf);
	return j;
}

/*
 * Send a command, return the value under its name in the reply (a new
 * reference, or NULL), e.g. {"/lfpool/list": [...]} gives the array.
 */
static json_t *
tel_query(int fd, const char *cmd)
{
	char key[64];
	json_t *reply, *value;

	if (send(fd, cmd, strlen(cmd), 0) < 0)
		return NULL;
	reply = tel_recv(fd);
	if (reply == NULL)
		return NULL;
	snprintf(key, sizeof(key), "%.*s", (int)strcspn(cmd, ","), cmd);
	value = json_object_get(reply, key);
	json_incref(value);
	json_decref(reply);
	return value;
}

static json_int_t
get_int(json_t *obj, const char *key)
{
	json_t *v = json_object_get(obj, key);

	return json_is_integer(v) ? json_integer_value(v) : -1;
}

static bool
array_has_string(json_t *arr, const char *s)
{
	size_t i;
	json_t *v;

	json_array_foreach(arr, i, v) if (json_is_string(v) &&
		strcmp(json_string_value(v), s) == 0) return true;
	return false;
}

static void
check_greeting(int fd)
{
	json_t *g = tel_recv(fd);

	CU_ASSERT_PTR_NOT_NULL_FATAL(g);
	CU_ASSERT_EQUAL(get_int(g, "pid"), getpid());
	CU_ASSERT_EQUAL(get_int(g, "max_output_len"), 16384);
	json_decref(g);
}

static void
check_info(int fd, struct rte_mempool *mp)
{
	const struct lfpool *pool = mp->pool_data;
	char cmd[64];
	json_t *info;

	snprintf(cmd, sizeof(cmd), "/lfpool/info,%s", mp->name);
	info = tel_query(fd, cmd);
	CU_ASSERT_FATAL(json_is_object(info));
	CU_ASSERT_STRING_EQUAL(
		json_string_value(json_object_get(info, "name")), mp->name);
	CU_ASSERT_STRING_EQUAL(
		json_string_value(json_object_get(info, "ops_name")),
		LFP_MEMPOOL_OPS_NAME);
	CU_ASSERT_EQUAL(get_int(info, "ops_index"), mp->ops_index);
	CU_ASSERT_EQUAL(get_int(info, "size"), mp->size);
	CU_ASSERT_EQUAL(get_int(info, "populated"), mp->populated_size);
	CU_ASSERT_EQUAL(get_int(info, "avail"), rte_mempool_avail_count(mp));
	CU_ASSERT_EQUAL(get_int(info, "in_use"), 10);
	CU_ASSERT_EQUAL(get_int(info, "mag_capacity"), pool->cap);
	CU_ASSERT_EQUAL(get_int(info, "spare_target"), pool->spare_target);
	CU_ASSERT_EQUAL(get_int(info, "caches"), rte_lcore_count());
	CU_ASSERT_EQUAL(get_int(info, "socket"), mp->socket_id);
	CU_ASSERT(get_int(info, "magazines") >= mp->size / pool->cap);
	CU_ASSERT(get_int(info, "metadata_bytes") > 0);
	json_decref(info);
}

static void
check_stats(int fd, struct rte_mempool *mp)
{
	char cmd[64], key[32];
	json_t *st, *fields, *lc;
	unsigned int lcore_id;

	snprintf(cmd, sizeof(cmd), "/lfpool/stats,%s", mp->name);
	st = tel_query(fd, cmd);
	CU_ASSERT_FATAL(json_is_object(st));
	CU_ASSERT_EQUAL(get_int(st, "populated"), mp->populated_size);
	CU_ASSERT_EQUAL(get_int(st, "in_use"), 10);
	CU_ASSERT_EQUAL(get_int(st, "lcores_omitted"), 0);
	fields = json_object_get(st, "lcore_fields");
	CU_ASSERT_EQUAL(json_array_size(fields), lfpool_stat_nb_counters);
	CU_ASSERT_STRING_EQUAL(
		json_string_value(json_array_get(fields, 0)), "get_bulk");
	RTE_LCORE_FOREACH(lcore_id)
	{
		snprintf(key, sizeof(key), "lcore_%u", lcore_id);
		lc = json_object_get(st, key);
		CU_ASSERT_EQUAL(json_array_size(lc), lfpool_stat_nb_counters);
	}
#if LFP_STATS
	CU_ASSERT_EQUAL(get_int(st, "get_bulk"), 10);
	CU_ASSERT_EQUAL(get_int(st, "put_bulk"), mp->size);
	snprintf(key, sizeof(key), "lcore_%u", rte_lcore_id());
	lc = json_object_get(st, key);
	CU_ASSERT_EQUAL(json_integer_value(json_array_get(lc, 0)), 10);
#endif
	json_decref(st);
}

static void
check_bad_names(int fd, const char *other_driver_pool)
{
	char cmd[64];
	json_t *v;

	snprintf(cmd, sizeof(cmd), "/lfpool/info,%s", other_driver_pool);
	v = tel_query(fd, cmd);
	CU_ASSERT(json_is_null(v));
	json_decref(v);
	v = tel_query(fd, "/lfpool/info,no_such_pool");
	CU_ASSERT(json_is_null(v));
	json_decref(v);
	v = tel_query(fd, "/lfpool/stats,no_such_pool");
	CU_ASSERT(json_is_null(v));
	json_decref(v);
	v = tel_query(fd, "/lfpool/info");
	CU_ASSERT(json_is_null(v));
	json_decref(v);
}

static void
test_telemetry(void)
{
	struct rte_mempool *mp, *ring;
	void *objs[10];
	json_t *list;
	unsigned int i;
	int fd;

	mp = lt_pool_create("lt_tel", LT_OPS_LFPOOL, 1024, 0, NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(mp);
	ring = lt_pool_create("lt_tel_ring", "ring_mp_mc", 64, 0, NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(ring);
	for (i = 0; i < RTE_DIM(objs); i++)
		CU_ASSERT_EQUAL_FATAL(rte_mempool_get(mp, &objs[i]), 0);
	fd = tel_connect();
	CU_ASSERT_FATAL(fd >= 0);
	check_greeting(fd);

	list = tel_query(fd, "/lfpool/list");
	CU_ASSERT(json_is_array(list));
	CU_ASSERT(array_has_string(list, "lt_tel"));
	CU_ASSERT(!array_has_string(list, "lt_tel_ring"));
	json_decref(list);
	check_info(fd, mp);
	check_stats(fd, mp);
	check_bad_names(fd, ring->name);

	close(fd);
	rte_mempool_put_bulk(mp, objs, RTE_DIM(objs));
	rte_mempool_free(ring);
	rte_mempool_free(mp);
}

CU_TestInfo lt_telemetry_tests[] = {
	{"telemetry", test_telemetry},
	CU_TEST_INFO_NULL,
};
