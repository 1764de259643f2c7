/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The lfpool authors
 */

#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <jansson.h>

#include <rte_common.h>
#include <rte_cycles.h>
#include <rte_eal.h>
#include <rte_log.h>
#include <rte_mempool.h>
#include <rte_telemetry.h>
#include <rte_version.h>

#include "gateway.h"
#include "gw_version.h"
#include "lfp_dpdk_compat.h"

/* Counters shown everywhere (line, summary, JSON, telemetry): one table. */
struct field {
	const char *name;
	size_t off;
};

#define ENGINE_FIELD(n, f) \
	{ \
		n, offsetof(struct gw_engine_stats, f) \
	}
static const struct field engine_fields[] = {
	ENGINE_FIELD("frames", frames),
	ENGINE_FIELD("new", requests[GW_MSG_NEW]),
	ENGINE_FIELD("cancel", requests[GW_MSG_CANCEL]),
	ENGINE_FIELD("replace", requests[GW_MSG_REPLACE]),
	ENGINE_FIELD("logon", requests[GW_MSG_LOGON]),
	ENGINE_FIELD("responses", responses),
	ENGINE_FIELD("accepted", accepted),
	ENGINE_FIELD("rejected", rejected),
	ENGINE_FIELD("executions", executions),
	ENGINE_FIELD("trades", trades),
	ENGINE_FIELD("cancelled", cancelled),
};

#define WORKER_FIELD(n, f) \
	{ \
		n, offsetof(struct gw_worker_stats, f) \
	}
static const struct field worker_fields[] = {
	WORKER_FIELD("rx_pkts", rx_pkts),
	WORKER_FIELD("rx_bursts", rx_bursts),
	WORKER_FIELD("tx_pkts", tx_pkts),
	WORKER_FIELD("tx_dropped", tx_dropped),
	WORKER_FIELD("tx_short", tx_short),
	WORKER_FIELD("tx_nombuf", tx_nombuf),
	WORKER_FIELD("busy_cycles", busy_cycles),
	WORKER_FIELD("stalls", stalls),
	WORKER_FIELD("stall_cycles", stall_cycles),
};

static const char *const type_names[LFP_TP_TYPE_BUF_64] = {
	[LFP_TP_TYPE_ORDER] = "order",
	[LFP_TP_TYPE_TRADE] = "trade",
	[LFP_TP_TYPE_ORDER_NODE] = "order_node",
	[LFP_TP_TYPE_PRICE_LEVEL] = "price_level",
};

static inline uint64_t
field_get(const void *base, const struct field *f)
{
	return *(const uint64_t *)((const uint8_t *)base + f->off);
}

/* dst.field += src.field, loading src's counter relaxed. */
static inline void
field_add(void *dst, const void *src, const struct field *f)
{
	const uint8_t *from = (const uint8_t *)src + f->off;

	*(uint64_t *)((uint8_t *)dst + f->off) += gw_stat_load(
		(const uint64_t *)from);
}

void
gw_stats_totals(const struct gw_app *app, struct gw_engine_stats *e,
	struct gw_worker_stats *w)
{
	const struct gw_worker *x;
	unsigned int i, f;

	memset(e, 0, sizeof(*e));
	memset(w, 0, sizeof(*w));
	for (i = 0; i < app->nb_workers; i++) {
		x = app->workers[i];
		/* Telemetry may ask while the workers are being created. */
		if (x == NULL)
			continue;
		gw_engine_stats_add(e, &x->engine.st);
		for (f = 0; f < RTE_DIM(worker_fields); f++)
			field_add(w, &x->st, &worker_fields[f]);
	}
}

static uint64_t
sum_array(const uint64_t *a, unsigned int n)
{
	uint64_t s = 0;
	unsigned int i;

	for (i = 0; i < n; i++)
		s += a[i];
	return s;
}

/* In use per type on each socket, for the periodic line. */
static void
print_pools(struct gw_app *app, FILE *f)
{
	static struct lfp_tp_stats st;
	unsigned int s, t;
	int sock;

	if (lfp_tp_stats_get(app->pools, &st) < 0)
		return;
	for (s = 0; s < st.nb_sockets; s++) {
		sock = st.socket[s].socket_id;
		fprintf(f, " | s%d", sock);
		for (t = 0; t < RTE_DIM(type_names); t++)
			fprintf(f, " %s %u", type_names[t],
				st.socket[s].type[t].in_use);
		if (app->mbuf_pool[sock] != NULL)
			fprintf(f, " mbuf %u",
				rte_mempool_in_use_count(app->mbuf_pool[sock]));
	}
}

void
gw_stats_tick(struct gw_app *app, double elapsed)
{
	static struct gw_engine_stats prev;
	static double prev_t;
	struct gw_engine_stats e;
	struct gw_worker_stats w;
	double dt = elapsed - prev_t;

	gw_stats_totals(app, &e, &w);
	if (dt <= 0)
		return;
	printf("[%8.2f s] orders %10.0f/s trades %9.0f/s | rejects %" PRIu64
	       " drops %" PRIu64 " (total)",
		elapsed, (double)(e.frames - prev.frames) / dt,
		(double)(e.trades - prev.trades) / dt, e.rejected,
		sum_array(e.drops, GW_DROP_MAX));
	print_pools(app, stdout);
	printf("\n");
	fflush(stdout);
	prev = e;
	prev_t = elapsed;
}

/* Everything the summary and the JSON report. */
struct report {
	struct gw_engine_stats e;
	struct gw_worker_stats w;
	struct gw_client_stats c;
	struct lfp_lat_hist hist;
	double elapsed;
	double busy_s;
};

static void
collect(struct gw_app *app, struct report *r)
{
	unsigned int i;

	memset(r, 0, sizeof(*r));
	gw_stats_totals(app, &r->e, &r->w);
	if (app->client != NULL)
		gw_client_stats(app->client, &r->c);
	lfp_lat_hist_init(&r->hist);
	/* Read after the workers were joined: no concurrent writer. */
	for (i = 0; i < app->nb_workers; i++)
		lfp_lat_hist_merge(&r->hist, &app->workers[i]->hist);
	r->elapsed = (double)(app->tsc_end - app->tsc_start) /
		(double)app->tsc_hz;
	r->busy_s = (double)r->w.busy_cycles / (double)app->tsc_hz;
}

static double
ns(const struct gw_app *app, uint64_t cycles)
{
	return (double)cycles * 1e9 / (double)app->tsc_hz;
}

/* Where a worker ran and took its objects from, and its loop's probe. */
static void
print_worker(FILE *f, const struct gw_app *app, unsigned int i)
{
	const struct gw_worker *w = app->workers[i];
	const struct gw_loop_probe *p = &w->probe;
	char sys[48];

	fprintf(f,
		"\n  worker %u: lcore %u, socket %d, typed objects from "
		"socket %d",
		i, w->lcore, w->socket, w->pool_socket);
	if (app->inline_worker)
		return;
	if (p->syscall_counter)
		snprintf(sys, sizeof(sys), "%" PRIu64, p->syscalls);
	else
		snprintf(sys, sizeof(sys), "not counted");
	fprintf(f,
		"\n    loop: heap calls %" PRIu64 "%s, system calls %s, "
		"read/write %" PRIu64 "/%" PRIu64 ", switches %" PRIu64
		" voluntary %" PRIu64 " involuntary, page faults %" PRIu64,
		p->heap_calls, p->alloc_shim ? "" : " (no counting shim)", sys,
		p->read_syscalls, p->write_syscalls, p->voluntary_switches,
		p->involuntary_switches, p->minor_faults);
}

/* Each socket's typed pools: objects taken (by its workers) and peaks. */
static void
print_sockets(struct gw_app *app, FILE *f)
{
	static struct lfp_tp_stats st;
	const struct lfp_tp_type_stats *ts;
	unsigned int s, t;

	if (lfp_tp_stats_get(app->pools, &st) < 0)
		return;
	for (s = 0; s < st.nb_sockets; s++) {
		fprintf(f, "\n  socket %d pools: allocs",
			st.socket[s].socket_id);
		for (t = 0; t < RTE_DIM(type_names); t++) {
			ts = &st.socket[s].type[t];
			fprintf(f, " %s %" PRIu64 " (peak %u)", type_names[t],
				ts->allocs, ts->peak_in_use);
		}
	}
}

static const double pct[] = {50, 99, 99.9, 100};
static const char *const pct_name[] = {"p50", "p99", "p99_9", "max"};

void
gw_stats_summary(struct gw_app *app, FILE *f, bool leak)
{
	static struct report r;
	unsigned int i;
	uint64_t v;

	collect(app, &r);
	fprintf(f,
		"\norder-gateway: %u worker(s), %u symbols, pool ops %s "
		"(mbufs %s), %.3f s\n",
		app->nb_workers, gw_symtab_count(app->symtab),
		app->opt.pool_ops, app->opt.mbuf_ops, r.elapsed);
	fprintf(f, "  engine:");
	for (i = 0; i < RTE_DIM(engine_fields); i++)
		fprintf(f, " %s %" PRIu64, engine_fields[i].name,
			field_get(&r.e, &engine_fields[i]));
	fprintf(f, "\n  rejects:");
	for (i = 1; i < GW_REJ_MAX; i++)
		if (r.e.rejects[i] != 0)
			fprintf(f, " %s %" PRIu64, gw_reject_name(i),
				r.e.rejects[i]);
	fprintf(f, "\n  drops:");
	for (i = 1; i < GW_DROP_MAX; i++)
		if (r.e.drops[i] != 0)
			fprintf(f, " %s %" PRIu64, gw_drop_name(i),
				r.e.drops[i]);
	fprintf(f,
		"\n  tx: %" PRIu64 " sent, %" PRIu64 " dropped, %" PRIu64
		" without mbuf, %" PRIu64 " tx_burst calls short (ring full)\n",
		r.w.tx_pkts, r.w.tx_dropped, r.w.tx_nombuf, r.w.tx_short);
	fprintf(f,
		"  throughput: %.0f orders/s (wall), %.0f orders/s per "
		"busy worker\n",
		(double)r.e.frames / r.elapsed,
		r.busy_s > 0 ? (double)r.e.frames / r.busy_s : 0);
	fprintf(f, "  RX->TX latency (%" PRIu64 " requests, %.1f per burst):",
		r.hist.count,
		r.w.rx_bursts > 0 ?
			(double)r.w.rx_pkts / (double)r.w.rx_bursts :
			0);
	for (i = 0; i < RTE_DIM(pct); i++) {
		v = lfp_lat_hist_percentile(&r.hist, pct[i]);
		fprintf(f, " %s %" PRIu64 " cyc (%.0f ns)", pct_name[i], v,
			ns(app, v));
	}
	if (app->client != NULL)
		fprintf(f,
			"\n  client: %" PRIu64 " sent (%" PRIu64
			" malformed), %" PRIu64
			" responses, digest 0x%016" PRIx64,
			r.c.sent, r.c.gen.bad, r.c.responses, r.c.digest);
	fprintf(f,
		"\n  CPU lost while polling: %" PRIu64
		" idle polls over %u ns, "
		"%.3f ms in all",
		r.w.stalls, GW_STALL_NS, ns(app, r.w.stall_cycles) / 1e6);
	for (i = 0; i < app->nb_workers; i++)
		print_worker(f, app, i);
	print_sockets(app, f);
	fprintf(f, "\n  pools: %s\n",
		leak ? "LEAK: not every object came "
		       "back (see above)" :
		       "every object back, all pools full");
}

/* JSON, through jansson: escaped strings, one object model. */

static json_t *
ju64(uint64_t v)
{
	/* Counters stay far below 2^63. */
	return json_integer((json_int_t)v);
}

static json_t *
json_fields(const void *base, const struct field *t, unsigned int n)
{
	json_t *o = json_object();
	unsigned int i;

	for (i = 0; i < n; i++)
		json_object_set_new(o, t[i].name, ju64(field_get(base, &t[i])));
	return o;
}

static json_t *
json_named(
	const uint64_t *v, unsigned int n, const char *(*namer)(unsigned int))
{
	json_t *o = json_object();
	unsigned int i;

	for (i = 1; i < n; i++)
		json_object_set_new(o, namer(i), ju64(v[i]));
	return o;
}

static json_t *
json_latency(const struct gw_app *app, const struct lfp_lat_hist *h)
{
	json_t *o = json_object();
	char key[32];
	unsigned int i;
	uint64_t v;

	json_object_set_new(o, "samples", ju64(h->count));
	for (i = 0; i < RTE_DIM(pct); i++) {
		v = lfp_lat_hist_percentile(h, pct[i]);
		snprintf(key, sizeof(key), "%s_cycles", pct_name[i]);
		json_object_set_new(o, key, ju64(v));
		snprintf(key, sizeof(key), "%s_ns", pct_name[i]);
		json_object_set_new(o, key, json_real(ns(app, v)));
	}
	return o;
}

static json_t *
json_loop(const struct gw_app *app, const struct gw_loop_probe *p)
{
	return json_pack("{s:b, s:b, s:b, s:I, s:I, s:I, s:I, s:I, s:I, s:I}",
		"measured", !app->inline_worker, "alloc_shim", p->alloc_shim,
		"syscall_counter", p->syscall_counter, "heap_calls",
		(json_int_t)p->heap_calls, "syscalls", (json_int_t)p->syscalls,
		"read_syscalls", (json_int_t)p->read_syscalls, "write_syscalls",
		(json_int_t)p->write_syscalls, "voluntary_switches",
		(json_int_t)p->voluntary_switches, "involuntary_switches",
		(json_int_t)p->involuntary_switches, "minor_faults",
		(json_int_t)p->minor_faults);
}

static json_t *
json_workers(const struct gw_app *app)
{
	json_t *a = json_array();
	const struct gw_worker *w;
	unsigned int i;
	double busy;

	for (i = 0; i < app->nb_workers; i++) {
		w = app->workers[i];
		busy = (double)w->st.busy_cycles / (double)app->tsc_hz;
		json_array_append_new(a,
			json_pack("{s:I, s:i, s:i, s:I, s:I, s:I, s:I, s:f, "
				  "s:f, s:o}",
				"lcore", (json_int_t)w->lcore, "socket",
				w->socket, "pool_socket", w->pool_socket,
				"books", (json_int_t)w->nb_books, "rx_pkts",
				(json_int_t)w->st.rx_pkts, "tx_pkts",
				(json_int_t)w->st.tx_pkts, "tx_dropped",
				(json_int_t)w->st.tx_dropped, "busy_s", busy,
				"orders_per_s_busy",
				busy > 0 ? (double)w->st.rx_pkts / busy : 0.0,
				"loop", json_loop(app, &w->probe)));
	}
	return a;
}

/* Size and high-water mark of each typed pool, per socket. */
static json_t *
json_pools(struct gw_app *app)
{
	static struct lfp_tp_stats st;
	const struct lfp_tp_type_stats *ts;
	json_t *a = json_array(), *o;
	unsigned int s, t;

	if (lfp_tp_stats_get(app->pools, &st) < 0)
		return a;
	for (s = 0; s < st.nb_sockets; s++) {
		o = json_pack("{s:i}", "socket", st.socket[s].socket_id);
		for (t = 0; t < RTE_DIM(type_names); t++) {
			ts = &st.socket[s].type[t];
			json_object_set_new(o, type_names[t],
				json_pack("{s:I, s:I, s:I, s:I, s:I, s:I}",
					"size", (json_int_t)ts->size, "in_use",
					(json_int_t)ts->in_use, "peak_in_use",
					(json_int_t)ts->peak_in_use, "allocs",
					(json_int_t)ts->allocs, "frees",
					(json_int_t)ts->frees, "failures",
					(json_int_t)ts->failures));
		}
		json_array_append_new(a, o);
	}
	return a;
}

/* The first "model name" of /proc/cpuinfo, or "unknown". */
static void
cpu_model(char *buf, size_t len)
{
	char line[256], *colon;
	FILE *f = fopen("/proc/cpuinfo", "r");

	snprintf(buf, len, "unknown");
	while (f != NULL && fgets(line, sizeof(line), f) != NULL) {
		colon = strchr(line, ':');
		if (strncmp(line, "model name", 10) != 0 || colon == NULL)
			continue;
		snprintf(buf, len, "%s", colon + 2);
		buf[strcspn(buf, "\n")] = '\0';
		break;
	}
	if (f != NULL)
		fclose(f);
}

/* Where and with what the figures were made. */
static json_t *
json_build(void)
{
	char model[128];
	struct utsname u;

	cpu_model(model, sizeof(model));
	if (uname(&u) < 0)
		snprintf(u.release, sizeof(u.release), "unknown");
	return json_pack("{s:{s:s, s:I, s:s}, s:s, s:s, s:s}", "machine",
		"cpu_model", model, "vcpus",
		(json_int_t)sysconf(_SC_NPROCESSORS_ONLN), "kernel", u.release,
		"dpdk_version", rte_version(), "commit", GW_GIT_COMMIT, "build",
		GW_BUILD_TYPE);
}

/* Every option that changes a figure. */
static json_t *
json_config(const struct gw_app *app)
{
	const struct gw_options *o = &app->opt;
	json_t *c = json_pack("{s:I, s:I, s:I, s:I, s:f, s:I, s:I, s:I, s:I}",
		"workers", (json_int_t)app->nb_workers, "symbols",
		(json_int_t)gw_symtab_count(app->symtab), "orders",
		(json_int_t)o->orders, "seed", (json_int_t)o->seed,
		"duration_s", o->duration, "sessions", (json_int_t)o->sessions,
		"live_per_symbol", (json_int_t)o->live_per_symbol, "bad_ppm",
		(json_int_t)o->bad_ppm, "max_levels",
		(json_int_t)o->max_levels);

	json_object_update_missing_new(c,
		json_pack("{s:I, s:I, s:b, s:s, s:s, s:s, s:I, s:I, s:I, s:I}",
			"burst", (json_int_t)o->burst, "rate",
			(json_int_t)o->rate, "pregen", o->pregen, "pool_ops",
			o->pool_ops, "mbuf_ops", o->mbuf_ops, "numa_policy",
			o->policy == LFP_TP_POLICY_LOCAL_ONLY ? "local" :
								"preferred",
			"pool_orders", (json_int_t)o->pool_orders,
			"pool_levels", (json_int_t)o->pool_levels,
			"pool_trades", (json_int_t)o->pool_trades, "mbufs",
			(json_int_t)o->mbufs));
	json_object_update_missing_new(c,
		json_pack("{s:b, s:b, s:b, s:b, s:I}", "embedded",
			app->client != NULL, "inline_worker",
			app->inline_worker, "count_syscalls", o->count_syscalls,
			"self_test_leak", o->self_test_leak, "lcores",
			(json_int_t)rte_lcore_count()));
	return c;
}

int
gw_stats_json(struct gw_app *app, const char *path, bool leak)
{
	static struct report r;
	json_t *j;
	int rc;

	collect(app, &r);
	j = json_pack("{s:i, s:o, s:o, s:f}", "version", 2, "config",
		json_config(app), "build", json_build(), "elapsed_s",
		r.elapsed);
	json_object_set_new(j, "engine",
		json_fields(&r.e, engine_fields, RTE_DIM(engine_fields)));
	json_object_set_new(j, "rejects",
		json_named(r.e.rejects, GW_REJ_MAX, gw_reject_name));
	json_object_set_new(
		j, "drops", json_named(r.e.drops, GW_DROP_MAX, gw_drop_name));
	json_object_set_new(j, "io",
		json_fields(&r.w, worker_fields, RTE_DIM(worker_fields)));
	json_object_set_new(j, "throughput",
		json_pack("{s:f, s:f}", "orders_per_s",
			(double)r.e.frames / r.elapsed,
			"orders_per_s_per_busy_worker",
			r.busy_s > 0 ? (double)r.e.frames / r.busy_s : 0.0));
	json_object_set_new(j, "latency_rx_tx", json_latency(app, &r.hist));
	json_object_set_new(j, "workers", json_workers(app));
	if (app->client != NULL) {
		char digest[24];

		snprintf(digest, sizeof(digest), "0x%016" PRIx64, r.c.digest);
		json_object_set_new(j, "client",
			json_pack("{s:I, s:I, s:I, s:s}", "sent",
				(json_int_t)r.c.sent, "malformed",
				(json_int_t)r.c.gen.bad, "responses",
				(json_int_t)r.c.responses, "response_digest",
				digest));
	}
	json_object_set_new(j, "pools", json_pools(app));
	json_object_set_new(j, "pools_full", json_boolean(!leak));
	rc = json_dump_file(j, path, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	json_decref(j);
	return rc == 0 ? 0 : -EIO;
}

/* Telemetry: /gateway/stats, totals over the workers. */

static void
tel_u64(struct rte_tel_data *d, const char *name, uint64_t v)
{
	/* Renamed rte_tel_data_add_dict_uint in 23.03 (DPDK-FACTS.md §3). */
	lfp_tel_dict_uint(d, name, v);
}

static int
tel_stats(const char *cmd, const char *params, struct rte_tel_data *d)
{
	struct gw_engine_stats e;
	struct gw_worker_stats w;
	unsigned int i, nb;
	char key[32];

	RTE_SET_USED(cmd);
	RTE_SET_USED(params);
	/* The workers are created and freed under this lock. */
	pthread_mutex_lock(&gw_app.tel_lock);
	if (gw_app.tel_closed) {
		pthread_mutex_unlock(&gw_app.tel_lock);
		return -ESHUTDOWN;
	}
	rte_tel_data_start_dict(d);
	gw_stats_totals(&gw_app, &e, &w);
	for (i = 0, nb = 0; i < gw_app.nb_workers; i++)
		nb += gw_app.workers[i] != NULL;
	pthread_mutex_unlock(&gw_app.tel_lock);
	tel_u64(d, "workers", nb);
	for (i = 0; i < RTE_DIM(engine_fields); i++)
		tel_u64(d, engine_fields[i].name,
			field_get(&e, &engine_fields[i]));
	for (i = 0; i < RTE_DIM(worker_fields); i++)
		tel_u64(d, worker_fields[i].name,
			field_get(&w, &worker_fields[i]));
	tel_u64(d, "drops", sum_array(e.drops, GW_DROP_MAX));
	for (i = GW_DROP_NONE + 1; i < GW_DROP_MAX; i++) {
		snprintf(key, sizeof(key), "drop_%s", gw_drop_name(i));
		tel_u64(d, key, e.drops[i]);
	}
	return 0;
}

/*
 * Telemetry at shutdown. DPDK cannot stop its telemetry threads (one
 * listener per socket, one detached thread per client), and a handler
 * that runs after rte_eal_cleanup() reads unmapped memory: /mempool/list
 * walks the shared mempool list, /lfpool/... the pools. So before the
 * pools are freed, the gateway closes its own command (it answers an
 * error from then on), shuts the telemetry sockets for reading (found by
 * the path they are bound to: a listener fails its accept() and quits; a
 * client's thread reads EOF once its command in flight has answered, and
 * closes the socket) and waits until every client socket is closed.
 */

/* The telemetry socket paths in the runtime directory (v2 and legacy). */
static bool
is_telemetry_socket(int fd)
{
	static const char *const names[] = {"dpdk_telemetry.v2", "telemetry"};
	struct sockaddr_un sun;
	socklen_t len = sizeof(sun);
	char path[sizeof(sun.sun_path) + 1];
	struct stat st;
	unsigned int i;

	if (fstat(fd, &st) < 0 || !S_ISSOCK(st.st_mode))
		return false;
	memset(&sun, 0, sizeof(sun));
	if (getsockname(fd, (struct sockaddr *)&sun, &len) < 0 ||
		sun.sun_family != AF_UNIX)
		return false;
	for (i = 0; i < RTE_DIM(names); i++) {
		snprintf(path, sizeof(path), "%s/%s", rte_eal_get_runtime_dir(),
			names[i]);
		if (strncmp(sun.sun_path, path, sizeof(sun.sun_path)) == 0)
			return true;
	}
	return false;
}

#define TEL_MAX_SOCKETS 32 /* 10 clients, 2 listeners, and margin */

struct tel_socket {
	int fd;
	ino_t ino; /* a closed fd's number may be reused */
};

/* Shut every telemetry socket not yet in @p s for reading; how many. */
static unsigned int
shut_sockets(struct tel_socket *s, unsigned int n)
{
	struct dirent *e;
	struct stat st;
	unsigned int k;
	DIR *d = opendir("/proc/self/fd");
	int fd;

	if (d == NULL)
		return n;
	while ((e = readdir(d)) != NULL && n < TEL_MAX_SOCKETS) {
		fd = atoi(e->d_name);
		if (e->d_name[0] == '.' || fd == dirfd(d) ||
			!is_telemetry_socket(fd) || fstat(fd, &st) < 0)
			continue;
		for (k = 0; k < n; k++)
			if (s[k].fd == fd && s[k].ino == st.st_ino)
				break;
		if (k < n)
			continue;
		shutdown(fd, SHUT_RD);
		s[n++] = (struct tel_socket){.fd = fd, .ino = st.st_ino};
	}
	closedir(d);
	return n;
}

/* True while a client's thread still has its socket open. */
static bool
still_open(const struct tel_socket *s)
{
	struct stat st;
	int listening = 0;
	socklen_t len = sizeof(listening);

	if (fstat(s->fd, &st) < 0 || st.st_ino != s->ino)
		return false;
	/* A listener stays open (its thread quit): nothing to wait for. */
	return getsockopt(s->fd, SOL_SOCKET, SO_ACCEPTCONN, &listening, &len) ==
		0 &&
		!listening;
}

void
gw_telemetry_stop(struct gw_app *app)
{
	struct tel_socket s[TEL_MAX_SOCKETS];
	unsigned int n = 0, before, i, open;
	int waited_ms = 0;

	pthread_mutex_lock(&app->tel_lock);
	app->tel_closed = true;
	pthread_mutex_unlock(&app->tel_lock);
	/* The listener's "Error with accept" is this, not an error. */
	rte_log_set_level_pattern("lib.telemetry", RTE_LOG_CRIT);
	/*
	 * Until two scans 10 ms apart find nothing new: a connection the
	 * listener accepted just before its shutdown gets its fd a moment
	 * after accept() took it.
	 */
	do {
		before = n;
		n = shut_sockets(s, n);
		rte_delay_us_sleep(10 * 1000);
	} while (n != before);
	for (;;) {
		for (i = 0, open = 0; i < n; i++)
			open += still_open(&s[i]);
		if (open == 0)
			break;
		if (waited_ms == 100)
			GW_LOG(NOTICE,
				"waiting for %u telemetry client(s) to finish",
				open);
		if (waited_ms >= 5000) {
			GW_LOG(WARNING,
				"%u telemetry client(s) still connected", open);
			break;
		}
		rte_delay_us_sleep(10 * 1000);
		waited_ms += 10;
	}
}

/* Before EAL starts the telemetry thread, as DPDK's libraries do. */
RTE_INIT(gw_stats_telemetry_init)
{
	rte_telemetry_register_cmd("/gateway/stats", tel_stats,
		"Order gateway counters, summed over the workers. "
		"No parameters");
}
