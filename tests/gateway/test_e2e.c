/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The lfpool authors
 */

/*
 * End to end: run the order-gateway binary on a fixed seeded flow and
 * check it against the reference model. The gateway writes the requests
 * it generated (--pcap-out), the responses its client received
 * (--pcap-resp) and a JSON summary; this test replays the request capture
 * through the engine over the reference book and expects the same trade
 * count and the same response checksum (the sum of the responses'
 * digests, so the interleaving of the workers does not matter), every
 * pool full at exit, no system call of any kind in the worker loop (the
 * gateway's --count-syscalls, a seccomp listener; shown to count by
 * --self-test-syscall), and no heap call there when the counting shim
 * can be preloaded.
 *
 * Environment (set by meson): GW_BINARY, the gateway; GW_ALLOC_SHIM, the
 * counting shim to preload (absent under the sanitizers).
 */

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdbool.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <jansson.h>
#include <pcap/pcap.h>

#include <rte_byteorder.h>
#include <rte_ip.h>

#include "engine.h"
#include "lfp_malloc_family.h"
#include "lfp_test.h"
#include "ref_book.h"
#include "test_gateway.h"

#define SYMBOLS 64
#define LIVE 16

static const struct gw_endpoint gw_ep = {
	.mac = {.addr_bytes = {0x02, 0, 0, 0, 0, 0x01}},
	.port = RTE_BE16(GW_PROTO_UDP_PORT),
	.ip = RTE_BE32(0x0A000001),
};

static char dir[64];
/* Files of the suite, in dir. */
/* When set, the next gateway's stdout and stderr go to these files. */
static const char *child_stdout, *child_stderr;
static char out_txt[128], err_txt[128], tokens_txt[128];
static struct gw_sessions ref_sessions;
static char req_pcap[128], resp_pcap[128], gw_json[128], replay_json[128],
	replay_pcap[128];

static void
set_path(char *out, const char *name)
{
	snprintf(out, 128, "%s/%s", dir, name);
}

/* In a child: @p fd to a new file at @p path (NULL: unchanged). */
static void
redirect(int fd, const char *path)
{
	int f;

	if (path == NULL)
		return;
	f = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (f >= 0) {
		dup2(f, fd);
		close(f);
	}
}

/* The start of the file at @p path ("" if unreadable). */
static const char *
file_text(const char *path)
{
	static char buf[65536];
	FILE *f = fopen(path, "r");
	size_t n = 0;

	if (f != NULL) {
		n = fread(buf, 1, sizeof(buf) - 1, f);
		fclose(f);
	}
	buf[n] = '\0';
	return buf;
}

/* Whether the file at @p path contains @p needle. */
static bool
file_has(const char *path, const char *needle)
{
	return strstr(file_text(path), needle) != NULL;
}

/*
 * Start the gateway with EAL args, "--", app args; its pid. Its
 * --file-prefix goes to @p prefix (for the telemetry socket).
 */
static pid_t
spawn_gateway(const char *const *eal, const char *const *app, bool preload,
	char *prefix, size_t len)
{
	const char *bin = getenv("GW_BINARY");
	const char *shim = getenv("GW_ALLOC_SHIM");
	char prefix_arg[96];
	char *argv[48];
	int n = 0, i;
	pid_t pid;

	snprintf(prefix, len, "gw_e2e_%d_%d", (int)getpid(), rand());
	snprintf(prefix_arg, sizeof(prefix_arg), "--file-prefix=%s", prefix);
	argv[n++] = (char *)(uintptr_t)bin;
	for (i = 0; eal[i] != NULL; i++)
		argv[n++] = (char *)(uintptr_t)eal[i];
	argv[n++] = prefix_arg;
	argv[n++] = "--no-pci";
	argv[n++] = "--no-huge";
	argv[n++] = "-m";
	argv[n++] = "512";
	argv[n++] = "--log-level=lib.eal:error";
	argv[n++] = "--";
	/* The reference model logs on with the same tokens; first, so that
	 * a test's own --session-tokens comes later and wins.
	 */
	if (app[0] != NULL && strcmp(app[0], "--help") != 0) {
		argv[n++] = "--session-tokens";
		argv[n++] = tokens_txt;
	}
	for (i = 0; app[i] != NULL; i++)
		argv[n++] = (char *)(uintptr_t)app[i];
	/* Same override as the unit tests' pools (test_gateway.c). */
	if (getenv("GW_TEST_POOL_OPS") != NULL && app[0] != NULL &&
		strcmp(app[0], "--help") != 0) {
		argv[n++] = "--pool-ops";
		argv[n++] = getenv("GW_TEST_POOL_OPS");
	}
	argv[n] = NULL;
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		if (preload && shim != NULL)
			setenv("LD_PRELOAD", shim, 1);
		redirect(STDOUT_FILENO, child_stdout);
		redirect(STDERR_FILENO, child_stderr);
		execv(bin, argv);
		_exit(127);
	}
	return pid;
}

/* DPDK's runtime directory of a file prefix (eal_get_runtime_dir()). */
static void
runtime_dir(const char *prefix, char *path, size_t len)
{
	const char *base = getuid() == 0	  ? "/var/run" :
		getenv("XDG_RUNTIME_DIR") != NULL ? getenv("XDG_RUNTIME_DIR") :
						    "/tmp";

	snprintf(path, len, "%s/dpdk/%s", base, prefix);
}

/* DPDK leaves it behind (DPDK-FACTS.md §2); with --no-huge, only it. */
static void
remove_runtime_dir(const char *prefix)
{
	char dir_path[PATH_MAX], file[PATH_MAX + 256];
	struct dirent *e;
	DIR *d;

	runtime_dir(prefix, dir_path, sizeof(dir_path));
	d = opendir(dir_path);
	if (d == NULL)
		return;
	while ((e = readdir(d)) != NULL) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		snprintf(file, sizeof(file), "%s/%s", dir_path, e->d_name);
		unlink(file);
	}
	closedir(d);
	rmdir(dir_path);
}

/* Its exit status, or -1 if it did not exit normally; then clean up. */
static int
wait_gateway(pid_t pid, const char *prefix)
{
	int status, ret = -1;

	if (pid > 0 && waitpid(pid, &status, 0) == pid && WIFEXITED(status))
		ret = WEXITSTATUS(status);
	remove_runtime_dir(prefix);
	return ret;
}

static int
run_gateway(const char *const *eal, const char *const *app, bool preload)
{
	char prefix[64];
	pid_t pid = spawn_gateway(eal, app, preload, prefix, sizeof(prefix));

	return wait_gateway(pid, prefix);
}

/* What the reference model answers to a request capture. */
struct expect {
	uint64_t frames;
	uint64_t trades;
	uint64_t responses;
	uint64_t digest;
};

static void
ref_out(void *ctx, const struct gw_msg *m, const struct gw_endpoint *dst)
{
	struct expect *x = ctx;
	uint8_t buf[GW_PROTO_FRAME_MAX];
	int len = gw_proto_encode(buf, sizeof(buf), &gw_ep, dst, m);

	if (len < 0)
		abort();
	x->responses++;
	x->digest += gw_proto_digest(buf, (uint32_t)len);
	x->trades += m->type == GW_MSG_EXECUTED && m->liquidity == GW_LIQ_TAKER;
}

static int
reference(const char *requests, struct expect *x)
{
	struct gw_symtab *t = gw_symtab_create(SYMBOLS, SOCKET_ID_ANY);
	struct gw_engine_conf ec = {
		.symtab = t,
		.local = gw_ep,
		.ops = &ref_book_ops,
		.out = ref_out,
		.out_ctx = x,
		.socket = SOCKET_ID_ANY,
		.sessions = &ref_sessions,
	};
	struct ref_book *books[SYMBOLS] = {NULL};
	char err[PCAP_ERRBUF_SIZE];
	struct pcap_pkthdr *h;
	const u_char *data;
	struct gw_engine e;
	pcap_t *p;
	uint32_t i;

	memset(x, 0, sizeof(*x));
	memset(ref_sessions.bound, 0, sizeof(ref_sessions.bound));
	p = pcap_open_offline(requests, err);
	if (t == NULL || p == NULL || gw_engine_init(&e, &ec) < 0) {
		printf("\n    reference: %s\n", p == NULL ? err : "setup");
		return -1;
	}
	for (i = 0; i < SYMBOLS; i++) {
		books[i] = ref_book_create(i, gw_symtab_symbol(t, i), 4096);
		gw_engine_set_book(&e, i, books[i]);
	}
	while (pcap_next_ex(p, &h, &data) == 1) {
		gw_engine_frame(&e, data, h->caplen, 0);
		x->frames++;
	}
	pcap_close(p);
	for (i = 0; i < SYMBOLS; i++)
		ref_book_free(books[i]);
	gw_engine_fini(&e);
	gw_symtab_free(t);
	return 0;
}

/* Sum of the digests of a capture's frames, and how many there are. */
static uint64_t
capture_digest(const char *file, uint64_t *frames)
{
	char err[PCAP_ERRBUF_SIZE];
	pcap_t *p = pcap_open_offline(file, err);
	struct pcap_pkthdr *h;
	const u_char *data;
	uint64_t sum = 0;

	*frames = 0;
	if (p == NULL)
		return 0;
	while (pcap_next_ex(p, &h, &data) == 1) {
		sum += gw_proto_digest(data, h->caplen);
		(*frames)++;
	}
	pcap_close(p);
	return sum;
}

static uint64_t
jint(json_t *root, const char *obj, const char *key)
{
	json_t *o = obj != NULL ? json_object_get(root, obj) : root;

	return (uint64_t)json_integer_value(json_object_get(o, key));
}

static uint64_t
jdigest(json_t *root)
{
	const char *s = json_string_value(json_object_get(
		json_object_get(root, "client"), "response_digest"));

	return s != NULL ? strtoull(s, NULL, 16) : 0;
}

/* The JSON report agrees with the reference. */
static void
check_counts(json_t *j, const struct expect *x, bool embedded)
{
	CU_ASSERT_PTR_NOT_NULL_FATAL(j);
	CU_ASSERT_EQUAL(jint(j, "engine", "frames"), x->frames);
	CU_ASSERT_EQUAL(jint(j, "engine", "trades"), x->trades);
	CU_ASSERT_EQUAL(jint(j, "engine", "responses"), x->responses);
	CU_ASSERT_EQUAL(jint(j, "io", "tx_dropped"), 0);
	CU_ASSERT_EQUAL(jint(j, "io", "tx_nombuf"), 0);
	CU_ASSERT_TRUE(json_is_true(json_object_get(j, "pools_full")));
	if (embedded) {
		CU_ASSERT_EQUAL(jint(j, "client", "responses"), x->responses);
		CU_ASSERT_EQUAL(jdigest(j), x->digest);
	}
}

/*
 * ThreadSanitizer's runtime makes system calls of its own on the worker's
 * thread (mmap for its bookkeeping of new addresses, futex on its internal
 * locks), which the listener cannot tell from the gateway's: there, a count
 * is only a lower bound.
 */
#if defined(__SANITIZE_THREAD__)
#define SYSCALLS_EXACT false
#else
#define SYSCALLS_EXACT true
#endif

static void
check_syscalls(size_t worker, uint64_t seen, uint64_t expected)
{
	if (SYSCALLS_EXACT) {
		CU_ASSERT_EQUAL(seen, expected);
		return;
	}
	CU_ASSERT(seen >= expected);
	printf("\n    worker %zu: %" PRIu64 " system calls, ThreadSanitizer's "
	       "included (expected %" PRIu64 " of the gateway's)",
		worker, seen, expected);
}

/*
 * Each worker loop made @p syscalls system calls (every kind, when the
 * seccomp listener could be installed; read/write ones otherwise) and,
 * when the shim was preloaded, no heap or mmap/brk call.
 */
static void
check_loop(json_t *j, uint64_t syscalls)
{
	json_t *workers = json_object_get(j, "workers"), *w, *loop;
	size_t i;

	json_array_foreach(workers, i, w)
	{
		loop = json_object_get(w, "loop");
		if (!json_is_true(json_object_get(loop, "measured")))
			continue;
		if (json_is_true(json_object_get(loop, "syscall_counter"))) {
			check_syscalls(
				i, jint(loop, NULL, "syscalls"), syscalls);
		} else {
			printf("\n    worker %zu: no seccomp listener, only "
			       "read/write calls checked",
				i);
		}
		CU_ASSERT_EQUAL(jint(loop, NULL, "read_syscalls"), 0);
		CU_ASSERT_EQUAL(jint(loop, NULL, "write_syscalls"), 0);
		if (json_is_true(json_object_get(loop, "alloc_shim"))) {
			CU_ASSERT_EQUAL(jint(loop, NULL, "heap_calls"), 0);
		} else {
			printf("\n    worker %zu: counting shim not active, "
			       "heap calls not checked",
				i);
		}
	}
}

/* What a reader needs to compare two reports' figures. */
static void
check_provenance(json_t *j)
{
	static const char *const config_keys[] = {
		"burst",
		"rate",
		"pregen",
		"workers",
		"symbols",
		"sessions",
		"live_per_symbol",
		"bad_ppm",
		"pool_ops",
		"mbuf_ops",
		"pool_orders",
		"pool_trades",
		"mbufs",
		"numa_policy",
	};
	json_t *config = json_object_get(j, "config");
	json_t *build = json_object_get(j, "build");
	json_t *machine = json_object_get(build, "machine");
	const char *dpdk;
	unsigned int i;

	for (i = 0; i < RTE_DIM(config_keys); i++)
		CU_ASSERT_PTR_NOT_NULL(json_object_get(config, config_keys[i]));
	CU_ASSERT_EQUAL(jint(config, NULL, "burst"), 2);
	CU_ASSERT(
		json_string_length(json_object_get(machine, "cpu_model")) > 0);
	CU_ASSERT(jint(machine, NULL, "vcpus") > 0);
	dpdk = json_string_value(json_object_get(build, "dpdk_version"));
	CU_ASSERT(dpdk != NULL && strncmp(dpdk, "DPDK ", 5) == 0);
	CU_ASSERT(json_string_length(json_object_get(build, "commit")) > 0);
}

static void
check_report(json_t *j, const struct expect *x, bool embedded)
{
	check_counts(j, x, embedded);
	check_provenance(j);
	/* net_ring only: the pcap PMD reads and writes files in the loop. */
	if (embedded)
		check_loop(j, 0);
}

static bool
have_binary(const char *test)
{
	const char *bin = getenv("GW_BINARY");

	if (bin == NULL || access(bin, X_OK) != 0) {
		lfp_test_skip(test, "order-gateway not built (GW_BINARY)");
		return false;
	}
	return true;
}

static void
embedded_run(const char *test, const char *lcore_opt, const char *lcores,
	const char *seed, const char *orders)
{
	const char *eal[] = {lcore_opt, lcores, NULL};
	const char *app[] = {
		"--orders",
		orders,
		"--seed",
		seed,
		"--symbols",
		"64",
		"--live-per-symbol",
		"16",
		"--bad-ppm",
		"5000",
		"--stats-interval",
		"0",
		"--pcap-out",
		req_pcap,
		"--pcap-resp",
		resp_pcap,
		"--json",
		gw_json,
		"--count-syscalls",
		NULL,
	};
	struct expect x;
	uint64_t frames, digest;
	json_t *j;

	if (!have_binary(test))
		return;
	CU_ASSERT_EQUAL_FATAL(run_gateway(eal, app, true), 0);
	CU_ASSERT_EQUAL_FATAL(reference(req_pcap, &x), 0);
	CU_ASSERT_EQUAL(x.frames, strtoull(orders, NULL, 10));
	digest = capture_digest(resp_pcap, &frames);
	CU_ASSERT_EQUAL(frames, x.responses);
	CU_ASSERT_EQUAL(digest, x.digest);
	j = json_load_file(gw_json, 0, NULL);
	check_report(j, &x, true);
	printf("\n    %" PRIu64 " requests: %" PRIu64 " trades, %" PRIu64
	       " responses, digest 0x%016" PRIx64 " (reference: same)",
		x.frames, x.trades, x.responses, x.digest);
	json_decref(j);
}

/* A ThreadSanitizer gateway runs some 100 times slower. */
#if defined(__SANITIZE_THREAD__)
#define E2E_SCALE 40
#else
#define E2E_SCALE (GW_TEST_SCALE * 2)
#endif

static const char *
scaled_orders(void)
{
	static char buf[16];

	snprintf(buf, sizeof(buf), "%u", 200000 / E2E_SCALE);
	return buf;
}

/* Main lcore generates, one worker lcore trades. */
static void
test_e2e_embedded_two_lcores(void)
{
	embedded_run(__func__, "-l", "0-1", "42", scaled_orders());
}

/* One lcore does everything. */
static void
test_e2e_embedded_single_lcore(void)
{
	embedded_run(__func__, "-l", "0", "7", scaled_orders());
}

/* Two workers sharing one CPU (correctness only): sharding by symbol. */
static void
test_e2e_embedded_two_workers(void)
{
	embedded_run(__func__, "--lcores", "0@0,1@1,2@1", "3", scaled_orders());
}

/* The first run's capture replayed through net_pcap: same answers. */
static void
test_e2e_pcap_replay(void)
{
	char vdev[320];
	const char *eal[] = {"-l", "0-1", "--vdev", vdev, NULL};
	const char *app[] = {
		"--ports",
		"0",
		"--orders",
		NULL,
		"--symbols",
		"64",
		"--stats-interval",
		"0",
		"--json",
		replay_json,
		NULL,
	};
	uint64_t frames, digest;
	struct expect x;
	json_t *j;

	if (!have_binary(__func__))
		return;
	/* embedded_two_lcores leaves this capture; make it if it did not. */
	if (access(req_pcap, R_OK) != 0)
		embedded_run(__func__, "-l", "0-1", "42", scaled_orders());
	snprintf(vdev, sizeof(vdev), "net_pcap0,rx_pcap=%s,tx_pcap=%s",
		req_pcap, replay_pcap);
	app[3] = scaled_orders();
	CU_ASSERT_EQUAL_FATAL(run_gateway(eal, app, false), 0);
	CU_ASSERT_EQUAL_FATAL(reference(req_pcap, &x), 0);
	digest = capture_digest(replay_pcap, &frames);
	CU_ASSERT_EQUAL(frames, x.responses);
	CU_ASSERT_EQUAL(digest, x.digest);
	j = json_load_file(replay_json, 0, NULL);
	check_report(j, &x, false);
	json_decref(j);
}

/*
 * The loop probe sees a system call: --self-test-syscall makes one in each
 * worker loop, and --count-syscalls must report exactly that one.
 */
static void
test_e2e_syscall_probe_counts(void)
{
	const char *eal[] = {"-l", "0-1", NULL};
	const char *app[] = {
		"--orders",
		"2000",
		"--symbols",
		"64",
		"--stats-interval",
		"0",
		"--json",
		gw_json,
		"--count-syscalls",
		"--self-test-syscall",
		NULL,
	};
	json_t *j, *loop;

	if (!have_binary(__func__))
		return;
	CU_ASSERT_EQUAL_FATAL(run_gateway(eal, app, false), 0);
	j = json_load_file(gw_json, 0, NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(j);
	loop = json_object_get(
		json_array_get(json_object_get(j, "workers"), 0), "loop");
	if (json_is_true(json_object_get(loop, "syscall_counter")))
		check_loop(j, 1);
	else
		lfp_test_skip(__func__, "no seccomp user notification here");
	CU_ASSERT_TRUE(json_is_true(json_object_get(j, "pools_full")));
	json_decref(j);
}

/* Usage errors exit 2; --help exits 0. */
static void
test_e2e_options(void)
{
	const char *eal[] = {"-l", "0", NULL};
	const char *help[] = {"--help", NULL};
	/* Each: the option, the value, what the message must say. */
	const char *bad[][3] = {
		{"--orders", "0", "--orders: '0' is not a number in [1, "},
		{"--orders", "-5", "--orders: '-5' is not a number in [1, "},
		{"--symbols", "x",
			"--symbols: 'x' is not a number in [1, 65536]"},
		{"--burst", "0", "--burst: '0' is not a number in [1, 32]"},
		{"--rate", "1e3", "--rate: '1e3' is not a number in [0, "},
		{"--duration", "-1",
			"--duration: '-1' is not a number of seconds"},
		{"--duration", "nan",
			"--duration: 'nan' is not a number of seconds"},
		{"--stats-interval", "inf", "--stats-interval: 'inf' is not a"},
		{"--udp-port", "65536",
			"--udp-port: '65536' is not a number in [1, 65535]"},
		{"--numa-policy", "far", "--numa-policy: 'far'"},
		{"--ports", "9", "--ports: no port 9"},
		{"--pool-trades", "1",
			"--pool-trades 1: the mempool caches of 1 lcore(s) can "
			"hold 384 objects; the smallest size that works is 385"},
		{"--pool-orders", "300", "the smallest size that works is 385"},
		{"--json", "/nonexistent/gw.json",
			"--json: cannot write '/nonexistent/gw.json'"},
		{"--pcap-out", "/nonexistent/r.pcap",
			"--pcap-out: cannot write"},
		{"--session-tokens", "/nonexistent/t.txt",
			"--session-tokens: cannot read '/nonexistent/t.txt'"},
		{"--session-tokens", "/proc/self/status",
			"--session-tokens: /proc/self/status:1: want"},
		{"--nonsense", NULL, "unrecognized option"},
	};
	const char *app[3] = {NULL};
	unsigned int i;
	int rc;

	if (!have_binary(__func__))
		return;
	CU_ASSERT_EQUAL(run_gateway(eal, help, false), 0);
	/* Each run boots EAL: under a sanitizer, a few are enough. */
	child_stderr = err_txt;
	for (i = 0; i < RTE_DIM(bad); i += GW_TEST_SCALE == 1 ? 1 : 4) {
		app[0] = bad[i][0];
		app[1] = bad[i][1];
		rc = run_gateway(eal, app, false);
		CU_ASSERT_EQUAL(rc, 2);
		CU_ASSERT_TRUE(file_has(err_txt, bad[i][2]));
		if (rc != 2 || !file_has(err_txt, bad[i][2]))
			printf("\n    %s %s: exit %d, no \"%s\" in: %s",
				bad[i][0], bad[i][1] != NULL ? bad[i][1] : "",
				rc, bad[i][2], file_text(err_txt));
	}
	child_stderr = NULL;
	/* The path check leaves no file behind. */
	CU_ASSERT_NOT_EQUAL(access("/nonexistent/gw.json", F_OK), 0);
}

/* The telemetry socket of a DPDK process with file prefix @p prefix. */
static void
telemetry_path(const char *prefix, char *path, size_t len)
{
	char dir_path[80];

	runtime_dir(prefix, dir_path, sizeof(dir_path));
	snprintf(path, len, "%.80s/dpdk_telemetry.v2", dir_path);
}

/* One command to a process's telemetry socket: the reply's value. */
static json_t *
telemetry(const char *prefix, const char *cmd)
{
	struct sockaddr_un sun = {.sun_family = AF_UNIX};
	static char buf[16384];
	json_t *reply, *value = NULL;
	ssize_t n;
	int fd = socket(AF_UNIX, SOCK_SEQPACKET, 0);

	telemetry_path(prefix, sun.sun_path, sizeof(sun.sun_path));
	if (fd < 0 || connect(fd, (struct sockaddr *)&sun, sizeof(sun)) < 0)
		goto out;
	/* The greeting first, then one reply per command. */
	if (read(fd, buf, sizeof(buf)) <= 0 || write(fd, cmd, strlen(cmd)) < 0)
		goto out;
	n = read(fd, buf, sizeof(buf) - 1);
	if (n <= 0)
		goto out;
	buf[n] = '\0';
	reply = json_loads(buf, 0, NULL);
	value = json_incref(json_object_get(reply, cmd));
	json_decref(reply);
out:
	if (fd >= 0)
		close(fd);
	return value;
}

/* Poll /gateway/stats until the gateway trades (EAL and set-up take a
 * while).
 */
static json_t *
telemetry_wait(const char *prefix, pid_t pid)
{
	json_t *v = NULL;
	int i;

	for (i = 0; i < 600 && v == NULL; i++) {
		if (waitpid(pid, NULL, WNOHANG) != 0)
			return NULL;
		v = telemetry(prefix, "/gateway/stats");
		if (v == NULL || jint(v, NULL, "frames") == 0) {
			json_decref(v);
			v = NULL;
			usleep(100000);
		}
	}
	return v;
}

/* A run that trades until a signal stops it. */
#define LONG_RUN \
	"--duration", "120", "--rate", "20000", "--symbols", "64", \
		"--stats-interval", "0"

/*
 * A long run, read through telemetry while it trades, stopped by SIGINT:
 * it drains, returns every object and exits 0.
 */
static void
test_e2e_telemetry_and_sigint(void)
{
	const char *eal[] = {"-l", "0-1", NULL};
	const char *app[] = {LONG_RUN, "--json", gw_json, NULL};
	uint64_t f1, f2;
	char prefix[64];
	json_t *a, *b, *j;
	pid_t pid;

	if (!have_binary(__func__))
		return;
	pid = spawn_gateway(eal, app, false, prefix, sizeof(prefix));
	CU_ASSERT_FATAL(pid > 0);
	a = telemetry_wait(prefix, pid);
	CU_ASSERT_PTR_NOT_NULL(a);
	usleep(500000);
	b = telemetry(prefix, "/gateway/stats");
	CU_ASSERT_PTR_NOT_NULL(b);
	f1 = jint(a, NULL, "frames");
	f2 = jint(b, NULL, "frames");
	printf("\n    /gateway/stats: frames %" PRIu64 " then %" PRIu64
	       ", trades %" PRIu64,
		f1, f2, jint(b, NULL, "trades"));
	CU_ASSERT(f2 > f1);
	if (f2 <= f1) {
		char *d = json_dumps(b, 0);

		printf("\n    reply: %s", d != NULL ? d : "(none)");
		free(d);
	}
	CU_ASSERT_PTR_NOT_NULL(json_object_get(b, "trades"));
	CU_ASSERT_PTR_NOT_NULL(json_object_get(b, "tx_pkts"));
	kill(pid, SIGINT);
	CU_ASSERT_EQUAL(wait_gateway(pid, prefix), 0);
	j = json_load_file(gw_json, 0, NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(j);
	CU_ASSERT_TRUE(json_is_true(json_object_get(j, "pools_full")));
	CU_ASSERT(jint(j, "engine", "frames") >= f2);
	json_decref(a);
	json_decref(b);
	json_decref(j);
}

/* A telemetry client that polls a gateway until told to stop. */
struct poller {
	const char *prefix;
	bool reconnect; /* a new connection per round, or one for all */
	int stop;	/* set by the test; relaxed, a plain request */
	uint64_t replies;
	pthread_t thread;
};

/* One connection: commands until an error or the stop request. */
static void
poll_connection(struct poller *p)
{
	static const char *const cmds[] = {
		"/gateway/stats",
#ifndef __SANITIZE_THREAD__
		/*
		 * A pool handler ends before its pool goes because its
		 * thread closes its socket first, and the gateway waits for
		 * that: TSan does not model that as synchronisation (nor the
		 * rte_spinlocks and rwlocks of the pool lists), and would
		 * report the free as a race with the handler's last read.
		 * Under TSan, only the gateway's command (a pthread mutex);
		 * the release and ASan builds poll them all.
		 */
		"/mempool/list",
		"/mempool/info,gw_order_s0",
		"/lfpool/list",
		"/lfpool/stats,gw_order_s0",
		"/lfpool/stats,gw_mbuf_s0",
		"/lfpool/tradepool/list",
#endif
	};
	struct sockaddr_un sun = {.sun_family = AF_UNIX};
	char buf[16384];
	unsigned int i;
	int fd = socket(AF_UNIX, SOCK_SEQPACKET, 0);

	telemetry_path(p->prefix, sun.sun_path, sizeof(sun.sun_path));
	if (fd < 0 || connect(fd, (struct sockaddr *)&sun, sizeof(sun)) < 0 ||
		read(fd, buf, sizeof(buf)) <= 0)
		goto out;
	do {
		for (i = 0; i < RTE_DIM(cmds); i++) {
			if (write(fd, cmds[i], strlen(cmds[i])) < 0 ||
				read(fd, buf, sizeof(buf)) <= 0)
				goto out;
			p->replies++;
		}
	} while (!p->reconnect && !__atomic_load_n(&p->stop, __ATOMIC_RELAXED));
out:
	if (fd >= 0)
		close(fd);
}

static void *
poll_loop(void *arg)
{
	struct poller *p = arg;

	/* Relaxed: pairs with the test's store; pthread_join orders. */
	while (!__atomic_load_n(&p->stop, __ATOMIC_RELAXED)) {
		poll_connection(p);
		usleep(200);
	}
	return NULL;
}

/*
 * SIGINT while telemetry clients poll the gateway's, the pools' and
 * DPDK's own commands, 20 times: each run prints its summary and exits 0
 * (no handler may run into freed pools or an unmapped EAL).
 */
static void
test_e2e_sigint_under_telemetry(void)
{
	const char *eal[] = {"-l", "0-1", NULL};
	const char *app[] = {LONG_RUN, NULL};
	const unsigned int runs = GW_TEST_SCALE == 1 ? 20 : 4;
	struct poller p[2];
	unsigned int r, k, ok = 0;
	uint64_t replies = 0;
	char prefix[64];
	json_t *v;
	pid_t pid;
	int rc;

	if (!have_binary(__func__))
		return;
	for (r = 0; r < runs; r++) {
		child_stdout = out_txt;
		pid = spawn_gateway(eal, app, false, prefix, sizeof(prefix));
		child_stdout = NULL;
		CU_ASSERT_FATAL(pid > 0);
		v = telemetry_wait(prefix, pid);
		CU_ASSERT_PTR_NOT_NULL(v);
		json_decref(v);
		for (k = 0; k < RTE_DIM(p); k++) {
			p[k] = (struct poller){
				.prefix = prefix, .reconnect = k == 0};
			CU_ASSERT_EQUAL_FATAL(pthread_create(&p[k].thread, NULL,
						      poll_loop, &p[k]),
				0);
		}
		/* Somewhere in the middle of the pollers' commands. */
		usleep(20000 + (useconds_t)(rand() % 100000));
		kill(pid, SIGINT);
		rc = wait_gateway(pid, prefix);
		for (k = 0; k < RTE_DIM(p); k++) {
			__atomic_store_n(&p[k].stop, 1, __ATOMIC_RELAXED);
			pthread_join(p[k].thread, NULL);
			replies += p[k].replies;
		}
		CU_ASSERT_EQUAL(rc, 0);
		CU_ASSERT_TRUE(file_has(out_txt, "every object back"));
		ok += rc == 0 && file_has(out_txt, "every object back");
		if (rc != 0)
			printf("\n    run %u: exit %d", r, rc);
	}
	printf("\n    %u/%u runs exited 0 with a summary; %" PRIu64
	       " telemetry replies in all",
		ok, runs, replies);
	CU_ASSERT(replies > 0);
}

/* An object kept out of its pool makes the exit status 3 (not a crash's
 * signal, nor 1 for a run-time error); the summary says why.
 */
static void
test_e2e_leak_fails(void)
{
	const char *eal[] = {"-l", "0", NULL};
	const char *app[] = {
		"--orders",
		"1000",
		"--stats-interval",
		"0",
		"--self-test-leak",
		"--json",
		gw_json,
		NULL,
	};
	json_t *j;

	if (!have_binary(__func__))
		return;
	child_stdout = out_txt;
	CU_ASSERT_EQUAL(run_gateway(eal, app, false), 3);
	child_stdout = NULL;
	CU_ASSERT_TRUE(file_has(out_txt, "pools: LEAK"));
	j = json_load_file(gw_json, 0, NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(j);
	CU_ASSERT_TRUE(json_is_false(json_object_get(j, "pools_full")));
	json_decref(j);
}

/* Whether the dynamic loader's cache (ldconfig -p) has a @p stem* soname. */
static bool
loader_has_stem(const char *stem)
{
	FILE *p = popen("/sbin/ldconfig -p 2>/dev/null", "r");
	char line[512], name[256];
	bool found = false;

	if (p == NULL)
		return false;
	while (fgets(line, sizeof(line), p) != NULL)
		found |= sscanf(line, " %255s", name) == 1 &&
			strncmp(name, stem, strlen(stem)) == 0;
	pclose(p);
	return found;
}

/*
 * --bench-book runs every row (figures are printed, never asserted: the
 * machine may be shared) and leaves no runtime directory of its children;
 * each preloaded family the loader has is measured, and one it has not is
 * skipped with the reason printed.
 * Not under the sanitizers: its plain-malloc rows give objects less than
 * their declared alignment, on purpose (alloc.h).
 */
static void
test_e2e_bench_book_rows(void)
{
	static const char *const rows[] = {
		"typed pools ",
		"former table",
		"flood ids",
		"glibc malloc/free",
		"aligned_alloc",
		"keyed / former table",
		"flood / random ids",
		"objects back: yes",
	};
	/* The families and their sonames' common start, as Debian names
	 * them (mimalloc: .so.2 on Debian 12, .so.3 on Debian 13).
	 */
	static const struct {
		const char *name, *stem;
	} families[] = {
		{"jemalloc", "libjemalloc.so."},
		{"tcmalloc", "libtcmalloc_minimal.so."},
		{"mimalloc", "libmimalloc.so."},
	};
	const char *eal[] = {"-l", "0", NULL};
	const char *app[] = {"--bench-book", "--bench-ops", "20000", NULL};
	char line[64], prefix[64], dir_path[PATH_MAX];
	bool measured, skipped, installed;
	unsigned int i;
	pid_t pid;

	if (!have_binary(__func__) || GW_TEST_SCALE != 1)
		return;
	child_stdout = out_txt;
	pid = spawn_gateway(eal, app, false, prefix, sizeof(prefix));
	child_stdout = NULL;
	CU_ASSERT_EQUAL(wait_gateway(pid, prefix), 0);
	for (i = 0; i < RTE_DIM(rows); i++) {
		CU_ASSERT_TRUE(file_has(out_txt, rows[i]));
		if (!file_has(out_txt, rows[i]))
			printf("\n    no \"%s\" in: %s", rows[i],
				file_text(out_txt));
	}
	/*
	 * Each family measured, or skipped with its reason; one the loader
	 * has must be measured, whichever of its sonames this release ships.
	 */
	for (i = 0; i < RTE_DIM(families); i++) {
		snprintf(line, sizeof(line), "(%-22s)", families[i].name);
		measured = file_has(out_txt, line);
		snprintf(line, sizeof(line),
			"  %-16s skipped: ", families[i].name);
		skipped = file_has(out_txt, line);
		installed = loader_has_stem(families[i].stem);
		CU_ASSERT_TRUE(measured != skipped);
		CU_ASSERT_TRUE(measured || !installed);
		if (measured == skipped || (installed && !measured))
			printf("\n    %s: measured %d, skipped %d, installed "
			       "%d, in: %s",
				families[i].name, measured, skipped, installed,
				file_text(out_txt));
		snprintf(line, sizeof(line), "gwbench_%d_%s", (int)pid,
			families[i].name);
		runtime_dir(line, dir_path, sizeof(dir_path));
		CU_ASSERT_NOT_EQUAL(access(dir_path, F_OK), 0);
	}
	CU_ASSERT_FALSE(file_has(out_txt, "run failed"));
}

/*
 * A --bench-child whose allocator is not loaded (here: no LD_PRELOAD at
 * all) exits with the status its parent reads as "skipped", not as a
 * failed run: lost, the parent could not try a family's other soname.
 */
static void
test_e2e_bench_child_not_loaded(void)
{
	const char *eal[] = {"-l", "0", NULL};
	const char *app[] = {"--bench-book", "--bench-ops", "1000",
		"--bench-child", "jemalloc", NULL};

	if (!have_binary(__func__))
		return;
	child_stdout = out_txt;
	CU_ASSERT_EQUAL(
		run_gateway(eal, app, false), LFP_MALLOC_EXIT_NOT_LOADED);
	child_stdout = NULL;
	CU_ASSERT_FALSE(file_has(out_txt, "row "));
}

/* A token for every session, as an operator's configuration would. */
static int
write_tokens(const char *path)
{
	FILE *f = fopen(path, "w");
	unsigned int s, i;

	if (f == NULL)
		return -1;
	fprintf(f, "# session token\n");
	for (s = 1; s < GW_PROTO_SESSIONS; s++) {
		fprintf(f, "%u ", s);
		for (i = 0; i < GW_PROTO_TOKEN_LEN; i++)
			fprintf(f, "%02x", (s * 37 + i * 101) & 0xff);
		fprintf(f, "\n");
	}
	return fclose(f);
}

static int
suite_init(void)
{
	snprintf(dir, sizeof(dir), "/tmp/gw_e2e_XXXXXX");
	if (mkdtemp(dir) == NULL)
		return -1;
	set_path(req_pcap, "req.pcap");
	set_path(resp_pcap, "resp.pcap");
	set_path(gw_json, "gw.json");
	snprintf(out_txt, sizeof(out_txt), "%s/out.txt", dir);
	snprintf(err_txt, sizeof(err_txt), "%s/err.txt", dir);
	snprintf(tokens_txt, sizeof(tokens_txt), "%s/tokens.txt", dir);
	if (write_tokens(tokens_txt) < 0)
		return -1;
	gw_sessions_init(&ref_sessions);
	if (gw_sessions_load(&ref_sessions, tokens_txt) < 0)
		return -1;
	set_path(replay_json, "replay.json");
	set_path(replay_pcap, "replay_resp.pcap");
	return 0;
}

static int
suite_fini(void)
{
	const char *const files[] = {
		out_txt,
		err_txt,
		tokens_txt,
		req_pcap,
		resp_pcap,
		gw_json,
		replay_json,
		replay_pcap,
	};
	unsigned int i;

	for (i = 0; i < RTE_DIM(files); i++)
		unlink(files[i]);
	return rmdir(dir) == 0 || errno == ENOENT ? 0 : -1;
}

static CU_TestInfo e2e_tests[] = {
	{"embedded_two_lcores", test_e2e_embedded_two_lcores},
	{"embedded_single_lcore", test_e2e_embedded_single_lcore},
	{"embedded_two_workers", test_e2e_embedded_two_workers},
	{"pcap_replay", test_e2e_pcap_replay},
	{"telemetry_and_sigint", test_e2e_telemetry_and_sigint},
	{"leak_fails", test_e2e_leak_fails},
	{"sigint_under_telemetry", test_e2e_sigint_under_telemetry},
	{"syscall_probe_counts", test_e2e_syscall_probe_counts},
	{"options", test_e2e_options},
	{"bench_book_rows", test_e2e_bench_book_rows},
	{"bench_child_not_loaded", test_e2e_bench_child_not_loaded},
	CU_TEST_INFO_NULL,
};

static CU_SuiteInfo suites[] = {
	{"gateway_e2e", suite_init, suite_fini, NULL, NULL, e2e_tests},
	CU_SUITE_INFO_NULL,
};

int
main(int argc, char **argv)
{
	const struct lfp_test_conf conf = {
		.name = "gateway_e2e",
		.lcores = 1,
		.suites = suites,
	};

	return lfp_test_main(argc, argv, &conf);
}
