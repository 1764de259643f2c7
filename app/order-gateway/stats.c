/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The lfpool authors
 */

#include <inttypes.h>
#include <pthread.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <rte_common.h>
#include <rte_cycles.h>
#include <rte_mempool.h>
#include <rte_telemetry.h>

#include "gateway.h"
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

/* JSON: hand-written output, parsed by the tests with jansson. */

static void
json_fields(FILE *f, const char *name, const void *base, const struct field *t,
	unsigned int n)
{
	unsigned int i;

	fprintf(f, "  \"%s\": {", name);
	for (i = 0; i < n; i++)
		fprintf(f, "%s\"%s\": %" PRIu64, i ? ", " : "", t[i].name,
			field_get(base, &t[i]));
	fprintf(f, "},\n");
}

static void
json_named(FILE *f, const char *name, const uint64_t *v, unsigned int n,
	const char *(*namer)(unsigned int))
{
	unsigned int i;

	fprintf(f, "  \"%s\": {", name);
	for (i = 1; i < n; i++)
		fprintf(f, "%s\"%s\": %" PRIu64, i > 1 ? ", " : "", namer(i),
			v[i]);
	fprintf(f, "},\n");
}

static void
json_latency(FILE *f, const struct gw_app *app, const struct lfp_lat_hist *h)
{
	unsigned int i;
	uint64_t v;

	fprintf(f, "  \"latency_rx_tx\": {\"samples\": %" PRIu64, h->count);
	for (i = 0; i < RTE_DIM(pct); i++) {
		v = lfp_lat_hist_percentile(h, pct[i]);
		fprintf(f, ", \"%s_cycles\": %" PRIu64 ", \"%s_ns\": %.1f",
			pct_name[i], v, pct_name[i], ns(app, v));
	}
	fprintf(f, "},\n");
}

static void
json_workers(FILE *f, const struct gw_app *app)
{
	const struct gw_worker *w;
	unsigned int i;
	double busy;

	fprintf(f, "  \"workers\": [");
	for (i = 0; i < app->nb_workers; i++) {
		w = app->workers[i];
		busy = (double)w->st.busy_cycles / (double)app->tsc_hz;
		fprintf(f,
			"%s\n    {\"lcore\": %u, \"socket\": %d, "
			"\"pool_socket\": %d, "
			"\"books\": %u, \"rx_pkts\": %" PRIu64 ", "
			"\"tx_pkts\": %" PRIu64 ", \"tx_dropped\": %" PRIu64
			", \"busy_s\": %.6f, \"orders_per_s_busy\": %.0f, "
			"\"loop\": {\"measured\": %s, \"alloc_shim\": %s, "
			"\"syscall_counter\": %s, "
			"\"heap_calls\": %" PRIu64 ", \"syscalls\": %" PRIu64
			", \"read_syscalls\": %" PRIu64
			", \"write_syscalls\": %" PRIu64
			", \"voluntary_switches\": %" PRIu64
			", \"involuntary_switches\": %" PRIu64
			", \"minor_faults\": %" PRIu64 "}}",
			i ? "," : "", w->lcore, w->socket, w->pool_socket,
			w->nb_books, w->st.rx_pkts, w->st.tx_pkts,
			w->st.tx_dropped, busy,
			busy > 0 ? (double)w->st.rx_pkts / busy : 0,
			app->inline_worker ? "false" : "true",
			w->probe.alloc_shim ? "true" : "false",
			w->probe.syscall_counter ? "true" : "false",
			w->probe.heap_calls, w->probe.syscalls,
			w->probe.read_syscalls, w->probe.write_syscalls,
			w->probe.voluntary_switches,
			w->probe.involuntary_switches, w->probe.minor_faults);
	}
	fprintf(f, "\n  ],\n");
}

/* Size and high-water mark of each typed pool, per socket. */
static void
json_pools(FILE *f, struct gw_app *app)
{
	static struct lfp_tp_stats st;
	const struct lfp_tp_type_stats *ts;
	unsigned int s, t;

	if (lfp_tp_stats_get(app->pools, &st) < 0)
		return;
	fprintf(f, "  \"pools\": [");
	for (s = 0; s < st.nb_sockets; s++) {
		fprintf(f, "%s\n    {\"socket\": %d", s ? "," : "",
			st.socket[s].socket_id);
		for (t = 0; t < RTE_DIM(type_names); t++) {
			ts = &st.socket[s].type[t];
			fprintf(f,
				", \"%s\": {\"size\": %u, \"in_use\": %u, "
				"\"peak_in_use\": %u, \"allocs\": %" PRIu64
				", \"frees\": %" PRIu64
				", \"failures\": %" PRIu64 "}",
				type_names[t], ts->size, ts->in_use,
				ts->peak_in_use, ts->allocs, ts->frees,
				ts->failures);
		}
		fprintf(f, "}");
	}
	fprintf(f, "\n  ],\n");
}

int
gw_stats_json(struct gw_app *app, const char *path, bool leak)
{
	static struct report r;
	FILE *f = fopen(path, "w");

	if (f == NULL)
		return -errno;
	collect(app, &r);
	fprintf(f,
		"{\n  \"version\": 1,\n  \"config\": {\"workers\": %u, "
		"\"symbols\": %u, \"orders\": %" PRIu64 ", \"seed\": %" PRIu64
		", \"pool_ops\": \"%s\", \"mbuf_ops\": \"%s\", "
		"\"embedded\": %s, \"inline_worker\": %s},\n",
		app->nb_workers, gw_symtab_count(app->symtab), app->opt.orders,
		app->opt.seed, app->opt.pool_ops, app->opt.mbuf_ops,
		app->client != NULL ? "true" : "false",
		app->inline_worker ? "true" : "false");
	fprintf(f, "  \"elapsed_s\": %.6f,\n", r.elapsed);
	json_fields(f, "engine", &r.e, engine_fields, RTE_DIM(engine_fields));
	json_named(f, "rejects", r.e.rejects, GW_REJ_MAX, gw_reject_name);
	json_named(f, "drops", r.e.drops, GW_DROP_MAX, gw_drop_name);
	json_fields(f, "io", &r.w, worker_fields, RTE_DIM(worker_fields));
	fprintf(f,
		"  \"throughput\": {\"orders_per_s\": %.0f, "
		"\"orders_per_s_per_busy_worker\": %.0f},\n",
		(double)r.e.frames / r.elapsed,
		r.busy_s > 0 ? (double)r.e.frames / r.busy_s : 0);
	json_latency(f, app, &r.hist);
	json_workers(f, app);
	if (app->client != NULL)
		fprintf(f,
			"  \"client\": {\"sent\": %" PRIu64 ", "
			"\"malformed\": %" PRIu64 ", \"responses\": %" PRIu64
			", \"response_digest\": \"0x%016" PRIx64 "\"},\n",
			r.c.sent, r.c.gen.bad, r.c.responses, r.c.digest);
	json_pools(f, app);
	fprintf(f, "  \"pools_full\": %s\n}\n", leak ? "false" : "true");
	return fclose(f) == 0 ? 0 : -errno;
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

	RTE_SET_USED(cmd);
	RTE_SET_USED(params);
	rte_tel_data_start_dict(d);
	/* The workers are created and freed under this lock. */
	pthread_mutex_lock(&gw_app.tel_lock);
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
	return 0;
}

/* Before EAL starts the telemetry thread, as DPDK's libraries do. */
RTE_INIT(gw_stats_telemetry_init)
{
	rte_telemetry_register_cmd("/gateway/stats", tel_stats,
		"Order gateway counters, summed over the workers. "
		"No parameters");
}
