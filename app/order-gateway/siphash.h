/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The lfpool authors
 */

#ifndef GW_SIPHASH_H
#define GW_SIPHASH_H

/**
 * @file
 * SipHash (Aumasson and Bernstein, "SipHash: a fast short-input PRF",
 * 2012): a keyed hash for tables indexed by values a client chooses. With
 * a secret key drawn at start, a client cannot pick ids that land in one
 * slot, which a fixed public mixer (splitmix64's finaliser, say) lets
 * anyone do by inverting it.
 *
 * The tables use SipHash-1-3 on one 64-bit word (gw_siphash13_u64(): five
 * rounds in all), the variant hash tables use where a full PRF margin is
 * not needed; gw_siphash() takes any length and round counts, so the test
 * checks the round function against the paper's SipHash-2-4 vector and
 * the one-word form against it.
 */

#include <stddef.h>
#include <stdint.h>

/** A 128-bit SipHash key, as two little-endian 64-bit words. */
struct gw_sipkey {
	uint64_t k[2];
};

/**
 * Draw a key from the OS's random source (getrandom()).
 *
 * @return
 *   0, or a negative errno.
 */
int gw_sipkey_random(struct gw_sipkey *key);

/** SipHash-c-d of @p len bytes. */
uint64_t gw_siphash(const struct gw_sipkey *key, const void *data, size_t len,
	unsigned int c_rounds, unsigned int d_rounds);

#define GW_SIP_ROTL(x, b) (((x) << (b)) | ((x) >> (64 - (b))))
#define GW_SIP_ADD(a, b) ((a) + (b))
#define GW_SIP_XOR(a, b) ((a) ^ (b))
#define GW_SIP_SET1(x) ((uint64_t)(x))

/*
 * A SipRound in two halves, written once over the operations of a 64-bit
 * lane (ADD, XOR, ROL), so that the scalar form below and the vector forms
 * in siphash.c follow one schedule. The first half reads and writes only
 * v0 and v1, which before the first block hold no data: see
 * gw_sip13_prepare().
 */
#define GW_SIP_HALF1(ADD, XOR, ROL, v0, v1) \
	do { \
		(v0) = ADD(v0, v1); \
		(v1) = ROL(v1, 13); \
		(v1) = XOR(v1, v0); \
		(v0) = ROL(v0, 32); \
	} while (0)

#define GW_SIP_HALF2(ADD, XOR, ROL, v0, v1, v2, v3) \
	do { \
		(v2) = ADD(v2, v3); \
		(v3) = ROL(v3, 16); \
		(v3) = XOR(v3, v2); \
		(v0) = ADD(v0, v3); \
		(v3) = ROL(v3, 21); \
		(v3) = XOR(v3, v0); \
		(v2) = ADD(v2, v1); \
		(v1) = ROL(v1, 17); \
		(v1) = XOR(v1, v2); \
		(v2) = ROL(v2, 32); \
	} while (0)

#define GW_SIP_ROUND(ADD, XOR, ROL, v0, v1, v2, v3) \
	do { \
		GW_SIP_HALF1(ADD, XOR, ROL, v0, v1); \
		GW_SIP_HALF2(ADD, XOR, ROL, v0, v1, v2, v3); \
	} while (0)

/* The last block of an 8-byte message: its length in the top byte. */
#define GW_SIP_LAST_OF_8 (UINT64_C(8) << 56)

/*
 * SipHash-1-3 of one 8-byte word m from a prepared state (v0..v3 as
 * gw_sip13_prepare() leaves them); the hash ends in v0. SET1 makes a lane
 * of a constant.
 */
#define GW_SIP13_FROM_PREPARED(ADD, XOR, ROL, SET1, v0, v1, v2, v3, m) \
	do { \
		(v3) = XOR(v3, m); \
		GW_SIP_HALF2(ADD, XOR, ROL, v0, v1, v2, v3); \
		(v0) = XOR(v0, m); \
		(v3) = XOR(v3, SET1(GW_SIP_LAST_OF_8)); \
		GW_SIP_ROUND(ADD, XOR, ROL, v0, v1, v2, v3); \
		(v0) = XOR(v0, SET1(GW_SIP_LAST_OF_8)); \
		(v2) = XOR(v2, SET1(0xff)); \
		GW_SIP_ROUND(ADD, XOR, ROL, v0, v1, v2, v3); \
		GW_SIP_ROUND(ADD, XOR, ROL, v0, v1, v2, v3); \
		GW_SIP_ROUND(ADD, XOR, ROL, v0, v1, v2, v3); \
		(v0) = XOR(XOR(v0, v1), XOR(v2, v3)); \
	} while (0)

/** One SipRound on the state v[0..3]. */
static inline void
gw_sipround(uint64_t v[4])
{
	GW_SIP_ROUND(GW_SIP_ADD, GW_SIP_XOR, GW_SIP_ROTL, v[0], v[1], v[2],
		v[3]);
}

/** The initial state ("somepseudorandomlygeneratedbytes" xor the key). */
static inline void
gw_sip_init(uint64_t v[4], const struct gw_sipkey *key)
{
	v[0] = key->k[0] ^ UINT64_C(0x736f6d6570736575);
	v[1] = key->k[1] ^ UINT64_C(0x646f72616e646f6d);
	v[2] = key->k[0] ^ UINT64_C(0x6c7967656e657261);
	v[3] = key->k[1] ^ UINT64_C(0x7465646279746573);
}

/**
 * A key made ready for gw_siphash13_u64_pre(): the initial state with the
 * first half of SipRound 1 on v0 and v1 done, as no data has reached them
 * yet. A table hashes many words under one key, and this is that key's
 * share of each hash, done once.
 */
struct gw_sip13_pre {
	uint64_t v[4];
};

static inline void
gw_sip13_prepare(struct gw_sip13_pre *p, const struct gw_sipkey *key)
{
	uint64_t *v = p->v;

	gw_sip_init(v, key);
	GW_SIP_HALF1(GW_SIP_ADD, GW_SIP_XOR, GW_SIP_ROTL, v[0], v[1]);
}

/**
 * SipHash-1-3 of the 8 bytes of @p word in little-endian order under the
 * key @p p was prepared from (equal to gw_siphash(key, &word, 8, 1, 3) on
 * a little-endian CPU).
 */
static inline uint64_t
gw_siphash13_u64_pre(const struct gw_sip13_pre *p, uint64_t word)
{
	uint64_t v0 = p->v[0], v1 = p->v[1], v2 = p->v[2], v3 = p->v[3];

	GW_SIP13_FROM_PREPARED(GW_SIP_ADD, GW_SIP_XOR, GW_SIP_ROTL,
		GW_SIP_SET1, v0, v1, v2, v3, word);
	return v0;
}

/** SipHash-1-3 of one word (see gw_siphash13_u64_pre()). */
static inline uint64_t
gw_siphash13_u64(const struct gw_sipkey *key, uint64_t word)
{
	struct gw_sip13_pre p;

	gw_sip13_prepare(&p, key);
	return gw_siphash13_u64_pre(&p, word);
}

/**
 * How gw_siphash13_u64_many() hashes: several words side by side in the
 * lanes of a vector, where the CPU has the instructions and EAL allows
 * the width (rte_vect_get_max_simd_bitwidth(); DPDK's default on x86 is
 * 256 bits, --force-max-simd-bitwidth=512 allows AVX-512).
 */
enum gw_sip_simd {
	GW_SIP_SCALAR = 0, /**< One word at a time. */
	GW_SIP_AVX2,	   /**< 4 words per step, 256-bit vectors. */
	GW_SIP_AVX512,	   /**< 8 words per step, AVX-512F. */
	GW_SIP_SIMD_COUNT
};

/** The widest form this CPU has and EAL allows, chosen at the first call. */
enum gw_sip_simd gw_sip_simd_selected(void);

/** "scalar", "avx2" or "avx512". */
const char *gw_sip_simd_name(enum gw_sip_simd simd);

/**
 * out[i] = gw_siphash13_u64_pre(p, in[i]) for i < n, in the form
 * gw_sip_simd_selected() names: a table hashes a burst's keys together.
 */
void gw_siphash13_u64_many(const struct gw_sip13_pre *p, const uint64_t *in,
	uint64_t *out, unsigned int n);

/**
 * gw_siphash13_u64_many() in the form @p simd, for the tests that hold
 * every form to the scalar one.
 *
 * @return
 *   0, or -ENOTSUP if this CPU lacks the instructions (out unchanged).
 */
int gw_siphash13_u64_many_with(enum gw_sip_simd simd,
	const struct gw_sip13_pre *p, const uint64_t *in, uint64_t *out,
	unsigned int n);

#endif /* GW_SIPHASH_H */
