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
 * pool full at exit, and no allocation or system call in the worker loop
 * when the counting shim can be preloaded.
 *
 * Environment (set by meson): GW_BINARY, the gateway; GW_ALLOC_SHIM, the
 * counting shim to preload (absent under the sanitizers).
 */

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <jansson.h>
#include <pcap/pcap.h>

#include <rte_byteorder.h>
#include <rte_ip.h>

#include "engine.h"
#include "lfp_test.h"
#include "ref_book.h"
#include "test_gateway.h"

#define SYMBOLS 64
#define LIVE 16

static const struct gw_endpoint gw_ep = {
	.mac = { .addr_bytes = { 0x02, 0, 0, 0, 0, 0x01 } },
	.port = RTE_BE16(GW_PROTO_UDP_PORT),
	.ip = RTE_BE32(0x0A000001),
};

static char dir[64];
/* Files of the suite, in dir. */
static char req_pcap[128], resp_pcap[128], gw_json[128], replay_json[128],
	replay_pcap[128];

static void
set_path(char *out, const char *name)
{
	snprintf(out, 128, "%s/%s", dir, name);
}

/* Run the gateway with EAL args, "--", app args; its exit status. */
static int
run_gateway(const char *const *eal, const char *const *app, bool preload)
{
	const char *bin = getenv("GW_BINARY");
	const char *shim = getenv("GW_ALLOC_SHIM");
	char prefix[64];
	char *argv[48];
	int n = 0, i, status;
	pid_t pid;

	snprintf(prefix, sizeof(prefix), "--file-prefix=gw_e2e_%d_%d",
		(int)getpid(), rand());
	argv[n++] = (char *)(uintptr_t)bin;
	for (i = 0; eal[i] != NULL; i++)
		argv[n++] = (char *)(uintptr_t)eal[i];
	argv[n++] = prefix;
	argv[n++] = "--no-pci";
	argv[n++] = "--no-huge";
	argv[n++] = "-m";
	argv[n++] = "512";
	argv[n++] = "--log-level=lib.eal:error";
	argv[n++] = "--";
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
		execv(bin, argv);
		_exit(127);
	}
	if (pid < 0 || waitpid(pid, &status, 0) < 0 || !WIFEXITED(status))
		return -1;
	return WEXITSTATUS(status);
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
	x->trades += m->type == GW_MSG_EXECUTED &&
		m->liquidity == GW_LIQ_TAKER;
}

static int
reference(const char *requests, struct expect *x)
{
	struct gw_symtab *t = gw_symtab_create(SYMBOLS, SOCKET_ID_ANY);
	struct gw_engine_conf ec = {
		.symtab = t, .local = gw_ep, .ops = &ref_book_ops,
		.out = ref_out, .out_ctx = x, .socket = SOCKET_ID_ANY,
	};
	struct ref_book *books[SYMBOLS] = { NULL };
	char err[PCAP_ERRBUF_SIZE];
	struct pcap_pkthdr *h;
	const u_char *data;
	struct gw_engine e;
	pcap_t *p;
	uint32_t i;

	memset(x, 0, sizeof(*x));
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
	CU_ASSERT_EQUAL(jint(j, "tx", "tx_dropped"), 0);
	CU_ASSERT_EQUAL(jint(j, "tx", "tx_nombuf"), 0);
	CU_ASSERT_TRUE(json_is_true(json_object_get(j, "pools_full")));
	if (embedded) {
		CU_ASSERT_EQUAL(jint(j, "client", "responses"), x->responses);
		CU_ASSERT_EQUAL(jdigest(j), x->digest);
	}
}

/* Each worker loop made no read/write system call and, when the shim was
 * preloaded, no heap or mmap/brk call.
 */
static void
check_loop(json_t *j)
{
	json_t *workers = json_object_get(j, "workers"), *w, *loop;
	size_t i;

	json_array_foreach(workers, i, w) {
		loop = json_object_get(w, "loop");
		if (!json_is_true(json_object_get(loop, "measured")))
			continue;
		CU_ASSERT_EQUAL(jint(loop, NULL, "read_syscalls"), 0);
		CU_ASSERT_EQUAL(jint(loop, NULL, "write_syscalls"), 0);
		if (json_is_true(json_object_get(loop, "alloc_shim"))) {
			CU_ASSERT_EQUAL(jint(loop, NULL, "heap_calls"), 0);
		} else {
			printf("\n    worker %zu: counting shim not active, "
				"heap calls not checked", i);
		}
	}
}

static void
check_report(json_t *j, const struct expect *x, bool embedded)
{
	check_counts(j, x, embedded);
	/* net_ring only: the pcap PMD reads and writes files in the loop. */
	if (embedded)
		check_loop(j);
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
	const char *eal[] = { lcore_opt, lcores, NULL };
	const char *app[] = {
		"--orders", orders, "--seed", seed, "--symbols", "64",
		"--live-per-symbol", "16", "--bad-ppm", "5000",
		"--stats-interval", "0", "--pcap-out", req_pcap,
		"--pcap-resp", resp_pcap, "--json", gw_json,
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

static const char *
scaled_orders(void)
{
	static char buf[16];

	snprintf(buf, sizeof(buf), "%u", 200000 / GW_TEST_SCALE);
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
	embedded_run(__func__, "--lcores", "0@0,1@1,2@1", "3",
		scaled_orders());
}

/* The first run's capture replayed through net_pcap: same answers. */
static void
test_e2e_pcap_replay(void)
{
	char vdev[320];
	const char *eal[] = { "-l", "0-1", "--vdev", vdev, NULL };
	const char *app[] = {
		"--ports", "0", "--orders", NULL, "--symbols", "64",
		"--stats-interval", "0", "--json", replay_json, NULL,
	};
	uint64_t frames, digest;
	struct expect x;
	json_t *j;

	if (!have_binary(__func__))
		return;
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

/* Usage errors exit 2; --help exits 0. */
static void
test_e2e_options(void)
{
	const char *eal[] = { "-l", "0", NULL };
	const char *help[] = { "--help", NULL };
	const char *bad[][3] = {
		{ "--orders", "0", NULL },
		{ "--symbols", "x", NULL },
		{ "--numa-policy", "far", NULL },
		{ "--ports", "9", NULL },
		{ "--nonsense", NULL, NULL },
	};
	unsigned int i;

	if (!have_binary(__func__))
		return;
	CU_ASSERT_EQUAL(run_gateway(eal, help, false), 0);
	for (i = 0; i < RTE_DIM(bad); i++)
		CU_ASSERT_EQUAL(run_gateway(eal, bad[i], false), 2);
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
	set_path(replay_json, "replay.json");
	set_path(replay_pcap, "replay_resp.pcap");
	return 0;
}

static int
suite_fini(void)
{
	const char *const files[] = {
		req_pcap, resp_pcap, gw_json, replay_json, replay_pcap,
	};
	unsigned int i;

	for (i = 0; i < RTE_DIM(files); i++)
		unlink(files[i]);
	return rmdir(dir) == 0 || errno == ENOENT ? 0 : -1;
}

static CU_TestInfo e2e_tests[] = {
	{ "embedded_two_lcores", test_e2e_embedded_two_lcores },
	{ "embedded_single_lcore", test_e2e_embedded_single_lcore },
	{ "embedded_two_workers", test_e2e_embedded_two_workers },
	{ "pcap_replay", test_e2e_pcap_replay },
	{ "options", test_e2e_options },
	CU_TEST_INFO_NULL,
};

static CU_SuiteInfo suites[] = {
	{ "gateway_e2e", suite_init, suite_fini, NULL, NULL, e2e_tests },
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
