/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The lfpool authors
 */

/*
 * --bench-book: the matching engine alone on the main lcore. The same
 * generated requests (parsed beforehand) run through fresh books on lfpool
 * typed pools, then on malloc: glibc's plain malloc()/free() here, each
 * preloaded allocator (jemalloc, tcmalloc, mimalloc) in a child process
 * started with LD_PRELOAD (--bench-child, as lfpool-bench does), and
 * aligned_alloc() as an extra row. The order table runs side by side with
 * its keyed hash and with the former public one, and the flood flow (ids
 * that all share one home slot under the public hash) on the keyed table.
 * Printed, not asserted.
 */

#include <dirent.h>
#include <limits.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sys/wait.h>

#include <rte_cycles.h>
#include <rte_eal.h>
#include <rte_errno.h>

#include "gateway.h"
#include "lfp_malloc_family.h"

struct flow {
	struct gw_msg *msgs;
	uint32_t *sym;
	uint8_t (*frames)[GW_PROTO_FRAME_MAX];
	uint32_t *lens;
	uint64_t n;
};

static void
count_emit(void *ctx, struct gw_msg *m)
{
	uint64_t *events = ctx;

	*events += m->type;
}

static int
make_flow(const struct gw_app *app, const struct gw_symtab *t, struct flow *f)
{
	struct gw_gen_conf gc = {
		.seed = app->opt.seed,
		.symtab = t,
		.sessions = app->opt.sessions,
		.live_per_symbol = app->opt.live_per_symbol,
		.gateway = app->opt.local,
	};
	struct gw_gen *g = gw_gen_create(&gc);
	struct gw_endpoint peer;
	uint64_t symbol, i;

	f->n = app->opt.bench_ops;
	f->msgs = malloc(f->n * sizeof(*f->msgs));
	f->sym = malloc(f->n * sizeof(*f->sym));
	f->frames = malloc(f->n * sizeof(*f->frames));
	f->lens = malloc(f->n * sizeof(*f->lens));
	if (g == NULL || f->msgs == NULL || f->sym == NULL ||
		f->frames == NULL || f->lens == NULL) {
		gw_gen_free(g);
		return -1;
	}
	for (i = 0; i < f->n; i++) {
		f->lens[i] = gw_gen_next(g, f->frames[i], &symbol);
		gw_proto_parse(f->frames[i], f->lens[i], &app->opt.local,
			&f->msgs[i], &peer);
		f->sym[i] = (uint32_t)gw_symtab_find(t, symbol);
	}
	gw_gen_free(g);
	return 0;
}

/*
 * Run the flow on fresh books over @p a: TSC cycles (wall), or 0 on error;
 * the thread's CPU time in @p cpu_ns (the two differ when the CPU is
 * shared with other work).
 */
static uint64_t
run_flow(const struct gw_app *app, const struct gw_symtab *t,
	const struct flow *f, const struct gw_alloc *a,
	enum gw_ordmap_hash hash, uint64_t *events, double *cpu_ns)
{
	struct timespec c0, c1;
	uint32_t nsym = gw_symtab_count(t), i;
	struct gw_sink sink = {.emit = count_emit, .ctx = events};
	struct gw_book **books = calloc(nsym, sizeof(*books));
	struct gw_ordmap *map = gw_ordmap_create_hashed(
		app->opt.pool_orders, SOCKET_ID_ANY, hash, NULL);
	struct gw_book_conf bc = {
		.max_levels = app->opt.max_levels,
		.socket = SOCKET_ID_ANY,
	};
	const struct gw_msg *reqs[GW_BURST], *m;
	void *bb[GW_BURST];
	uint64_t t0 = 0, t1 = 0, k;
	unsigned int nb;

	for (i = 0; books != NULL && map != NULL && i < nsym; i++) {
		bc.sym_idx = i;
		bc.symbol = gw_symtab_symbol(t, i);
		books[i] = gw_book_create(&bc, map, a);
		if (books[i] == NULL)
			goto out;
	}
	if (books == NULL || map == NULL)
		goto out;
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &c0);
	t0 = rte_rdtsc_precise();
	/* In bursts, as the gateway's workers see them. */
	for (k = 0; k < f->n; k += GW_BURST) {
		nb = (unsigned int)RTE_MIN(f->n - k, (uint64_t)GW_BURST);
		for (i = 0; i < nb; i++) {
			bb[i] = books[f->sym[k + i]];
			reqs[i] = &f->msgs[k + i];
		}
		gw_book_prefetch_burst(bb, reqs, nb);
		for (i = 0; i < nb; i++) {
			m = reqs[i];
			if (m->type == GW_MSG_NEW)
				gw_book_new(bb[i], m, k, &sink);
			else if (m->type == GW_MSG_CANCEL)
				gw_book_cancel(bb[i], m, k, &sink);
			else
				gw_book_replace(bb[i], m, k, &sink);
		}
	}
	t1 = rte_rdtsc_precise();
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &c1);
	*cpu_ns = (double)(c1.tv_sec - c0.tv_sec) * 1e9 +
		(double)(c1.tv_nsec - c0.tv_nsec);
out:
	for (i = 0; books != NULL && i < nsym; i++)
		gw_book_free(books[i]);
	free(books);
	gw_ordmap_free(map);
	return t1 - t0;
}

/* The engine's output in the benchmark: encode, as the worker does. */
static void
encode_out(void *ctx, const struct gw_msg *m, const struct gw_endpoint *dst)
{
	static uint8_t buf[GW_PROTO_FRAME_MAX];
	uint64_t *events = ctx;
	struct gw_endpoint src = {.port = 0};

	gw_proto_encode(buf, sizeof(buf), &src, dst, m);
	*events += buf[GW_PROTO_L2_L4_LEN + 3];
}

/*
 * The same flow as frames through the engine (parse, book, encode the
 * responses into a buffer): the gateway's work per request without the
 * ports and mbufs. Cycles, or 0 on error; CPU time in @p cpu_ns.
 */
static uint64_t
run_engine(const struct gw_app *app, const struct gw_symtab *t,
	const struct flow *f, const struct gw_alloc *a, uint64_t *events,
	double *cpu_ns)
{
	uint32_t nsym = gw_symtab_count(t), i;
	struct gw_engine_conf ec = {
		.symtab = t,
		.local = app->opt.local,
		.ops = &gw_book_ops,
		.out = encode_out,
		.out_ctx = events,
		.socket = SOCKET_ID_ANY,
	};
	struct gw_book_conf bc = {
		.max_levels = app->opt.max_levels,
		.socket = SOCKET_ID_ANY,
	};
	struct gw_book **books = calloc(nsym, sizeof(*books));
	struct gw_ordmap *map = gw_ordmap_create(
		app->opt.pool_orders, SOCKET_ID_ANY);
	const void *frames[GW_BURST];
	struct gw_engine *e = calloc(1, sizeof(*e));
	struct timespec c0, c1;
	uint64_t t0 = 0, t1 = 0, k;
	unsigned int nb, j;

	if (books == NULL || map == NULL || e == NULL ||
		gw_engine_init(e, &ec) < 0)
		goto out;
	for (i = 0; i < nsym; i++) {
		bc.sym_idx = i;
		bc.symbol = gw_symtab_symbol(t, i);
		books[i] = gw_book_create(&bc, map, a);
		if (books[i] == NULL)
			goto out;
		gw_engine_set_book(e, i, books[i]);
	}
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &c0);
	t0 = rte_rdtsc_precise();
	for (k = 0; k < f->n; k += GW_BURST) {
		nb = (unsigned int)RTE_MIN(f->n - k, (uint64_t)GW_BURST);
		for (j = 0; j < nb; j++)
			frames[j] = f->frames[k + j];
		gw_engine_burst(e, frames, &f->lens[k], nb, k);
	}
	t1 = rte_rdtsc_precise();
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &c1);
	*cpu_ns = (double)(c1.tv_sec - c0.tv_sec) * 1e9 +
		(double)(c1.tv_nsec - c0.tv_nsec);
out:
	for (i = 0; books != NULL && i < nsym; i++)
		gw_book_free(books[i]);
	free(books);
	gw_ordmap_free(map);
	if (e != NULL)
		gw_engine_fini(e);
	free(e);
	return t1 - t0;
}

static struct lfp_tp_pools *
bench_pools(const struct gw_app *app)
{
	struct lfp_tp_conf conf;
	struct lfp_tp_pools *p;
	unsigned int t;

	lfp_tp_conf_init(&conf);
	snprintf(conf.name, sizeof(conf.name), "gwbench");
	conf.ops_name = app->opt.pool_ops;
	for (t = 0; t < LFP_TP_TYPE_MAX; t++)
		conf.type[t].count = 0;
	conf.type[LFP_TP_TYPE_ORDER].count = app->opt.pool_orders;
	conf.type[LFP_TP_TYPE_ORDER_NODE].count = app->opt.pool_orders;
	conf.type[LFP_TP_TYPE_PRICE_LEVEL].count = app->opt.pool_levels;
	conf.type[LFP_TP_TYPE_TRADE].count = app->opt.pool_trades;
	p = lfp_tp_create(&conf);
	if (p == NULL || lfp_tp_warmup(p) < 0) {
		GW_LOG(ERR, "bench pools (ops %s): %s", app->opt.pool_ops,
			rte_strerror(rte_errno));
		lfp_tp_free(p);
		return NULL;
	}
	return p;
}

static void
print_run(const char *what, const char *how, uint64_t n, uint64_t cycles,
	double cpu_ns, double hz)
{
	printf("  %-16s (%-22s): %6.2f M requests/s wall (%6.1f ns), "
	       "%6.2f M/s CPU (%6.1f ns)\n",
		what, how, (double)n * hz / (double)cycles / 1e6,
		(double)cycles * 1e9 / hz / (double)n, (double)n * 1e3 / cpu_ns,
		cpu_ns / (double)n);
}

/* One measured run: wall cycles (0: failed) and CPU time. */
struct run {
	uint64_t cycles;
	double cpu_ns;
	uint64_t events;
};

/*
 * The flood of issue 13: the flow with every order id replaced by one
 * that the former public hash sends to home slot 0 of a table of @p slots
 * (a bijection of ids, so cancels and replaces still find their orders).
 */
static int
make_flood(const struct flow *src, uint32_t slots, struct flow *dst)
{
	uint64_t i;

	dst->n = src->n;
	dst->sym = src->sym;
	dst->frames = NULL;
	dst->lens = NULL;
	dst->msgs = malloc(src->n * sizeof(*dst->msgs));
	if (dst->msgs == NULL)
		return -1;
	for (i = 0; i < src->n; i++) {
		dst->msgs[i] = src->msgs[i];
		dst->msgs[i].order_id = gw_ordmap_unkeyed_preimage(
			src->msgs[i].order_id * slots);
	}
	return 0;
}

#define BENCH_TURNS 5

/*
 * Keep the turn of least CPU time; any failed turn (0 cycles) fails the
 * row. @p first: the first turn of the row.
 */
static void
keep_best(struct run *best, const struct run *r, bool first)
{
	if (first || (best->cycles != 0 && r->cycles == 0) ||
		(best->cycles != 0 && r->cpu_ns < best->cpu_ns))
		*best = *r;
}

/* The malloc rows of one allocator (book, then book + protocol). */
static int
run_malloc(const struct gw_app *app, const struct gw_symtab *t,
	const struct flow *f, bool plain, struct run r[2])
{
	struct gw_malloc_ctx mctx = {.plain = plain};
	struct gw_alloc a;

	struct run x;
	unsigned int rep;

	memset(r, 0, 2 * sizeof(*r));
	gw_alloc_malloc_init(&a, &mctx);
	for (rep = 0; rep < BENCH_TURNS; rep++) {
		x.events = 0;
		x.cycles = run_flow(
			app, t, f, &a, GW_ORDMAP_KEYED, &x.events, &x.cpu_ns);
		keep_best(&r[0], &x, rep == 0);
		x.events = 0;
		x.cycles = run_engine(app, t, f, &a, &x.events, &x.cpu_ns);
		keep_best(&r[1], &x, rep == 0);
	}
	return r[0].cycles != 0 && r[1].cycles != 0 &&
			gw_alloc_malloc_in_use(&mctx) == 0 ?
		0 :
		-1;
}

/*
 * --bench-child FAMILY: the malloc rows in a process that runs under a
 * preloaded allocator, as "row" lines on stdout for the parent.
 * -ENOENT when FAMILY does not serve malloc() here (the preload did not
 * take), -1 when a run fails.
 */
static int
bench_child(const struct gw_app *app, const struct gw_symtab *t,
	const struct flow *f)
{
	struct run r[2];

	if (strcmp(lfp_malloc_family_loaded(), app->opt.bench_child) != 0)
		return -ENOENT;
	if (run_malloc(app, t, f, true, r) < 0)
		return -1;
	printf("row %" PRIu64 " %.0f %" PRIu64 " %.0f %" PRIu64 "\n",
		r[0].cycles, r[0].cpu_ns, r[1].cycles, r[1].cpu_ns,
		r[0].events);
	return 0;
}

static bool
has_arg(const struct gw_app *app, const char *arg)
{
	unsigned int i;

	for (i = 0; i < app->bench_eal_args; i++)
		if (strcmp(app->bench_argv[i], arg) == 0)
			return true;
	return false;
}

/* A directory and the files in it. */
static void
remove_dir(const char *path)
{
	char file[PATH_MAX + 256];
	struct dirent *e;
	DIR *d = opendir(path);

	if (d == NULL)
		return;
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		snprintf(file, sizeof(file), "%s/%s", path, e->d_name);
		unlink(file);
	}
	closedir(d);
	rmdir(path);
}

/* Run this program again as --bench-child under LD_PRELOAD=@p lib. */
static int
spawn_child(const struct gw_app *app, const char *family, const char *lib,
	struct run r[2])
{
	char *argv[GW_BENCH_ARGV_MAX + 8], *env[512];
	char preload[128], prefix[64], line[256], dir[PATH_MAX];
	posix_spawn_file_actions_t fa;
	unsigned int i, n = 0;
	int fds[2], status = -1;
	pid_t pid;
	FILE *out;

	/* EAL arguments, then our own, then the child's: its own prefix,
	 * in memory (no files), its own pools. A command line longer than
	 * what was kept would lose arguments.
	 */
	if (app->bench_argc >= GW_BENCH_ARGV_MAX)
		return -E2BIG;
	snprintf(prefix, sizeof(prefix), "--file-prefix=gwbench_%d_%s",
		(int)getpid(), family);
	for (i = 0; i < app->bench_argc && i < app->bench_eal_args; i++)
		argv[n++] = app->bench_argv[i];
	argv[n++] = prefix;
	argv[n++] = "--no-telemetry";
	/* --no-huge is legacy memory, which --in-memory refuses. */
	if (!has_arg(app, "--no-huge"))
		argv[n++] = "--in-memory";
	argv[n++] = "--";
	for (i = app->bench_eal_args + 1; i < app->bench_argc; i++)
		argv[n++] = app->bench_argv[i];
	argv[n++] = "--bench-child";
	argv[n++] = (char *)(uintptr_t)family;
	argv[n] = NULL;
	if (lfp_malloc_preload_env(
		    env, RTE_DIM(env), lib, preload, sizeof(preload)) < 0)
		return -ENAMETOOLONG;
	if (pipe(fds) < 0)
		return -errno;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, fds[1], STDOUT_FILENO);
	posix_spawn_file_actions_addclose(&fa, fds[0]);
	fflush(stdout);
	if (posix_spawn(&pid, "/proc/self/exe", &fa, NULL, argv, env) != 0)
		pid = -1;
	posix_spawn_file_actions_destroy(&fa);
	close(fds[1]);
	out = fdopen(fds[0], "r");
	memset(r, 0, 2 * sizeof(*r));
	while (out != NULL && fgets(line, sizeof(line), out) != NULL)
		if (sscanf(line, "row %" SCNu64 " %lf %" SCNu64 " %lf %" SCNu64,
			    &r[0].cycles, &r[0].cpu_ns, &r[1].cycles,
			    &r[1].cpu_ns, &r[0].events) != 5)
			fputs(line, stdout);
	if (out != NULL)
		fclose(out);
	else
		close(fds[0]);
	while (pid > 0 && waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	/* Its runtime directory, beside ours (EAL leaves it behind). */
	snprintf(dir, sizeof(dir), "%s/../%s", rte_eal_get_runtime_dir(),
		prefix + strlen("--file-prefix="));
	remove_dir(dir);
	if (pid < 0 || !WIFEXITED(status))
		return -1;
	return WEXITSTATUS(status);
}

/*
 * One preloaded family's rows in @p r, or a line saying why it has none:
 * not installed (and the packages that install it), not loaded although
 * installed, or failed. 0 when measured.
 */
static int
run_family(const struct gw_app *app, const struct lfp_malloc_family *fam,
	struct run r[2])
{
	const char *lib = lfp_malloc_family_library(fam);
	int rc;

	if (lib == NULL) {
		printf("  %-16s skipped: not installed (apt-get install %s)\n",
			fam->name, fam->packages);
		return -ENOENT;
	}
	rc = spawn_child(app, fam->name, lib, r);
	if (rc == LFP_MALLOC_EXIT_NOT_LOADED) {
		printf("  %-16s skipped: LD_PRELOAD=%s did not take\n",
			fam->name, lib);
		return -ENOENT;
	}
	if (rc != 0 || r[0].cycles == 0) {
		printf("  %-16s run failed (LD_PRELOAD=%s, status %d)\n",
			fam->name, lib, rc);
		return -EIO;
	}
	return 0;
}

/* Each installed preloaded allocator's rows; the fastest's in @p best. */
static void
run_preloaded(const struct gw_app *app, uint64_t n, double hz,
	struct run best[2], const char **best_name)
{
	const struct lfp_malloc_family *fam;
	struct run r[2];
	unsigned int i;

	*best_name = NULL;
	for (i = 0; i < LFP_MALLOC_FAMILIES; i++) {
		fam = &lfp_malloc_families[i];
		if (run_family(app, fam, r) != 0)
			continue;
		print_run("malloc", fam->name, n, r[0].cycles, r[0].cpu_ns, hz);
		print_run("+ protocol", fam->name, n, r[1].cycles, r[1].cpu_ns,
			hz);
		if (*best_name == NULL || r[0].cpu_ns < best[0].cpu_ns) {
			best[0] = r[0];
			best[1] = r[1];
			*best_name = fam->name;
		}
	}
}

static void
print_ratio(const char *what, const struct run *num, const struct run *den)
{
	printf("  %-40s %.2fx wall, %.2fx CPU\n", what,
		(double)num->cycles / (double)den->cycles,
		num->cpu_ns / den->cpu_ns);
}

/* The typed-pool rows: the keyed table, the former one, the flood. */
static int
run_pools(const struct gw_app *app, const struct gw_symtab *t,
	const struct flow *f, struct lfp_tp_pools *pools, struct run r[4])
{
	struct flow flood = {0};
	struct gw_ordmap *probe;
	unsigned int rep, k;
	struct gw_alloc a;
	struct run x;
	int ok;

	probe = gw_ordmap_create_hashed(
		app->opt.pool_orders, SOCKET_ID_ANY, GW_ORDMAP_UNKEYED, NULL);
	if (probe == NULL ||
		make_flood(f, gw_ordmap_slots(probe), &flood) < 0) {
		gw_ordmap_free(probe);
		return -1;
	}
	gw_ordmap_free(probe);
	memset(r, 0, 4 * sizeof(*r));
	gw_alloc_tp_init(&a, pools);
	/* A first pass, not counted: page faults and cold caches. */
	run_flow(app, t, f, &a, GW_ORDMAP_KEYED, &x.events, &x.cpu_ns);
	/*
	 * Side by side, in turns, the best of each: on a shared machine the
	 * fastest pass is the one least disturbed.
	 */
	for (rep = 0; rep < BENCH_TURNS; rep++) {
		for (k = 0; k < 3; k++) {
			x.events = 0;
			x.cycles = run_flow(app, t, k == 2 ? &flood : f, &a,
				k == 1 ? GW_ORDMAP_UNKEYED : GW_ORDMAP_KEYED,
				&x.events, &x.cpu_ns);
			keep_best(&r[k], &x, rep == 0);
		}
		x.events = 0;
		x.cycles = run_engine(app, t, f, &a, &x.events, &x.cpu_ns);
		keep_best(&r[3], &x, rep == 0);
	}
	free(flood.msgs);
	ok = r[0].cycles != 0 && r[1].cycles != 0 && r[2].cycles != 0 &&
		r[3].cycles != 0 && r[0].events == r[1].events &&
		r[0].events == r[2].events;
	return ok ? 0 : -1;
}

int
gw_bench_book(const struct gw_app *app)
{
	struct gw_symtab *t = gw_symtab_create(app->opt.symbols, SOCKET_ID_ANY);
	struct lfp_tp_pools *pools = NULL;
	struct run tp[4], gm[2], al[2], best[2];
	const char *best_name;
	struct flow f = {0};
	double hz = (double)app->tsc_hz;
	int ret = -1;

	if (t == NULL || make_flow(app, t, &f) < 0)
		goto out;
	if (app->opt.bench_child != NULL) {
		ret = bench_child(app, t, &f);
		goto out;
	}
	pools = bench_pools(app);
	if (pools == NULL || run_pools(app, t, &f, pools, tp) < 0 ||
		run_malloc(app, t, &f, true, gm) < 0 ||
		run_malloc(app, t, &f, false, al) < 0 ||
		gm[0].events != tp[0].events) {
		GW_LOG(ERR, "bench runs failed or differ");
		goto out;
	}
	printf("book bench: %" PRIu64 " requests, %u symbols, one lcore "
	       "(wall from the TSC; CPU from the thread's CPU clock); "
	       "SipHash of a burst: %s\n",
		f.n, gw_symtab_count(t),
		gw_sip_simd_name(gw_sip_simd_selected()));
	print_run("typed pools", app->opt.pool_ops, f.n, tp[0].cycles,
		tp[0].cpu_ns, hz);
	print_run("former table", "public hash", f.n, tp[1].cycles,
		tp[1].cpu_ns, hz);
	print_run("flood ids", "keyed table", f.n, tp[2].cycles, tp[2].cpu_ns,
		hz);
	print_run("+ protocol", "parse, encode", f.n, tp[3].cycles,
		tp[3].cpu_ns, hz);
	print_run("malloc", "glibc malloc/free", f.n, gm[0].cycles,
		gm[0].cpu_ns, hz);
	print_run("+ protocol", "glibc malloc/free", f.n, gm[1].cycles,
		gm[1].cpu_ns, hz);
	run_preloaded(app, f.n, hz, best, &best_name);
	print_run("aligned_alloc", "glibc, extra row", f.n, al[0].cycles,
		al[0].cpu_ns, hz);
	print_ratio("keyed / former table (target >= 0.95x):", &tp[1], &tp[0]);
	print_ratio(
		"flood / random ids, keyed (target <= 2x):", &tp[2], &tp[0]);
	print_ratio("typed pools / glibc malloc:", &gm[0], &tp[0]);
	print_ratio("+ protocol, typed pools / glibc malloc:", &gm[1], &tp[3]);
	if (best_name != NULL) {
		printf("  fastest preloaded malloc: %s\n", best_name);
		print_ratio("typed pools / fastest malloc:", &best[0], &tp[0]);
		print_ratio("+ protocol, typed pools / fastest malloc:",
			&best[1], &tp[3]);
	}
	printf("  objects back: %s\n", lfp_tp_full(pools) ? "yes" : "NO");
	ret = lfp_tp_full(pools) ? 0 : -1;
out:
	free(f.msgs);
	free(f.sym);
	free(f.frames);
	free(f.lens);
	lfp_tp_free(pools);
	gw_symtab_free(t);
	return ret;
}
