/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The lfpool authors
 */

/*
 * A plain-C driver for fuzz_proto.c, for builds without libFuzzer (gcc,
 * and the sanitizer builds): it replays the files named on the command
 * line, then mutates a seed corpus of valid frames (every request and
 * response type, raw and wrapped) for a bounded time or count. It does not
 * learn from coverage as libFuzzer does; the seeds and the wrapped mode
 * keep it at the message checks.
 *
 *   fuzz_proto_replay [-t SECONDS] [-n COUNT] [-s SEED] [-w DIR] [FILE...]
 *
 * -w DIR writes the seed corpus (one file per seed) for libFuzzer and
 * exits. The exit status is non-zero if an input aborts (the contract
 * checks in fuzz_proto.c) or if the run never reached one of the three
 * outcomes (accepted, rejected, dropped).
 */

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <rte_byteorder.h>
#include <rte_common.h>

#include "proto.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define INPUT_MAX 256
#define MAX_SEEDS 32
/* make_seeds() makes 16 (8 messages, raw and wrapped): meson.build names
 * the files seed00..seed17 for libFuzzer's -seed_inputs.
 */
#define NB_SEEDS 18

struct input {
	uint8_t b[INPUT_MAX];
	size_t n;
};

static struct input seeds[MAX_SEEDS];
static unsigned int nb_seeds;
static uint64_t rng;

static uint64_t
rnd(void)
{
	uint64_t z = (rng += UINT64_C(0x9E3779B97F4A7C15));

	z = (z ^ (z >> 30)) * UINT64_C(0xBF58476D1CE4E5B9);
	z = (z ^ (z >> 27)) * UINT64_C(0x94D049BB133111EB);
	return z ^ (z >> 31);
}

static uint32_t
below(uint32_t n)
{
	return (uint32_t)(((rnd() >> 32) * n) >> 32);
}

static const struct gw_endpoint gw = {
	.port = RTE_BE16(GW_PROTO_UDP_PORT),
	.ip = RTE_BE32(0x0A000001),
};

static const struct gw_endpoint client = {
	.port = RTE_BE16(20001),
	.ip = RTE_BE32(0x0A010001),
};

/* Each message twice: as a raw frame (mode 0) and wrapped (mode 0x80). */
static void
add_seed(const struct gw_msg *m)
{
	uint8_t f[GW_PROTO_FRAME_MAX];
	int len = gw_proto_encode(f, sizeof(f), &client, &gw, m);
	struct input *raw = &seeds[nb_seeds++];
	struct input *wrap = &seeds[nb_seeds++];

	raw->b[0] = 0;
	memcpy(raw->b + 1, f, len);
	raw->n = len + 1;
	wrap->b[0] = 0x80;
	memcpy(wrap->b + 1, f + GW_PROTO_L2_L4_LEN, len - GW_PROTO_L2_L4_LEN);
	wrap->n = len - GW_PROTO_L2_L4_LEN + 1;
}

static void
make_seeds(void)
{
	static const uint8_t types[] = {
		GW_MSG_NEW,
		GW_MSG_CANCEL,
		GW_MSG_REPLACE,
		GW_MSG_LOGON,
		GW_MSG_ACCEPTED,
		GW_MSG_REJECTED,
		GW_MSG_EXECUTED,
		GW_MSG_CANCELLED,
	};
	struct gw_msg m = {
		.session = 3,
		.seq = 9,
		.order_id = 77,
		.symbol = gw_symbol_pack("ACME"),
		.side = GW_SIDE_BUY,
		.ord_type = GW_ORD_LIMIT,
		.price = 1000,
		.qty = 100,
	};
	unsigned int i;

	for (i = 0; i < RTE_DIM(types); i++) {
		m.type = types[i];
		add_seed(&m);
	}
	m.type = GW_MSG_NEW;
	m.ord_type = GW_ORD_MARKET;
	m.price = 0;
	add_seed(&m);
	if (nb_seeds != NB_SEEDS)
		abort();
}

static const uint64_t interesting[] = {
	0,
	1,
	0x7f,
	0x80,
	0xff,
	0x100,
	0x4C46,
	0x7fff,
	0xffff,
	0x10000,
	GW_PROTO_SESSIONS,
	GW_PROTO_QTY_MAX,
	GW_PROTO_QTY_MAX + 1,
	GW_PROTO_PRICE_MAX,
	GW_PROTO_PRICE_MAX + 1,
	UINT32_MAX,
	INT64_MAX,
	UINT64_MAX,
};

static void
put_be(uint8_t *p, uint64_t v, unsigned int bytes)
{
	unsigned int i;

	for (i = 0; i < bytes; i++)
		p[i] = (uint8_t)(v >> (8 * (bytes - 1 - i)));
}

static void
mutate(struct input *in)
{
	unsigned int k, bytes, off;

	switch (below(6)) {
	case 0:
		if (in->n > 1)
			in->b[1 + below(in->n - 1)] ^= 1u << below(8);
		break;
	case 1:
		if (in->n > 1)
			in->b[1 + below(in->n - 1)] = (uint8_t)rnd();
		break;
	case 2:
		bytes = 1u << below(4);
		if (in->n > 1 + bytes) {
			off = 1 + below(in->n - bytes);
			put_be(in->b + off,
				interesting[below(RTE_DIM(interesting))],
				bytes);
		}
		break;
	case 3:
		in->n = 1 + below(in->n);
		break;
	case 4:
		for (k = below(16) + 1; k > 0 && in->n < INPUT_MAX; k--)
			in->b[in->n++] = (uint8_t)rnd();
		break;
	default:
		in->b[0] ^= 0x80;
		break;
	}
}

static int
write_corpus(const char *dir)
{
	char path[4096];
	unsigned int i;
	FILE *f;

	if (mkdir(dir, 0755) != 0 && errno != EEXIST)
		return 1;
	for (i = 0; i < nb_seeds; i++) {
		snprintf(path, sizeof(path), "%s/seed%02u", dir, i);
		f = fopen(path, "wb");
		if (f == NULL ||
			fwrite(seeds[i].b, 1, seeds[i].n, f) != seeds[i].n)
			return 1;
		fclose(f);
	}
	return 0;
}

static int
replay_file(const char *path)
{
	static uint8_t buf[1 << 16];
	FILE *f = fopen(path, "rb");
	size_t n;

	if (f == NULL) {
		perror(path);
		return 1;
	}
	n = fread(buf, 1, sizeof(buf), f);
	fclose(f);
	LLVMFuzzerTestOneInput(buf, n);
	return 0;
}

/* Which outcome an input had, from the bits fuzz_proto.c cannot return:
 * parse it again here.
 */
static int
outcome(const struct input *in)
{
	uint8_t frame[GW_PROTO_L2_L4_LEN + INPUT_MAX];
	const uint8_t *f = in->b + 1;
	struct gw_endpoint peer;
	uint32_t len = (uint32_t)(in->n - 1);
	struct gw_msg m;

	if (in->b[0] & 0x80) {
		len = (uint32_t)gw_proto_frame(
			frame, sizeof(frame), &client, &gw, f, len);
		f = frame;
	}
	return gw_proto_parse(f, len, &gw, &m, &peer);
}

int
main(int argc, char **argv)
{
	uint64_t count = 0, max_count = 0, seen[3] = {0};
	double seconds = 5;
	time_t stop;
	struct input in;
	int opt, i, ret = 0;

	rng = 1;
	make_seeds();
	while ((opt = getopt(argc, argv, "t:n:s:w:")) != -1) {
		switch (opt) {
		case 't':
			seconds = atof(optarg);
			break;
		case 'n':
			max_count = strtoull(optarg, NULL, 0);
			break;
		case 's':
			rng = strtoull(optarg, NULL, 0);
			break;
		case 'w':
			return write_corpus(optarg);
		default:
			return 2;
		}
	}
	for (i = optind; i < argc; i++)
		ret |= replay_file(argv[i]);
	stop = time(NULL) + (time_t)seconds;
	while (max_count != 0 ? count < max_count : time(NULL) < stop) {
		in = seeds[below(nb_seeds)];
		for (i = 1 + below(4); i > 0; i--)
			mutate(&in);
		LLVMFuzzerTestOneInput(in.b, in.n);
		seen[outcome(&in)]++;
		count++;
	}
	printf("fuzz_proto_replay: %" PRIu64 " inputs (%u seeds): %" PRIu64
	       " accepted, %" PRIu64 " rejected, %" PRIu64 " dropped\n",
		count, nb_seeds, seen[GW_PARSE_OK], seen[GW_PARSE_REJECT],
		seen[GW_PARSE_DROP]);
	if (count > 0 && (seen[0] == 0 || seen[1] == 0 || seen[2] == 0))
		ret = 1;
	return ret;
}
