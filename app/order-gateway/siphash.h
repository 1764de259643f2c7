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

/** One SipRound on the state v[0..3]. */
static inline void
gw_sipround(uint64_t v[4])
{
	v[0] += v[1];
	v[1] = GW_SIP_ROTL(v[1], 13);
	v[1] ^= v[0];
	v[0] = GW_SIP_ROTL(v[0], 32);
	v[2] += v[3];
	v[3] = GW_SIP_ROTL(v[3], 16);
	v[3] ^= v[2];
	v[0] += v[3];
	v[3] = GW_SIP_ROTL(v[3], 21);
	v[3] ^= v[0];
	v[2] += v[1];
	v[1] = GW_SIP_ROTL(v[1], 17);
	v[1] ^= v[2];
	v[2] = GW_SIP_ROTL(v[2], 32);
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
 * SipHash-1-3 of the 8 bytes of @p word in little-endian order (equal to
 * gw_siphash(key, &word, 8, 1, 3) on a little-endian CPU).
 */
static inline uint64_t
gw_siphash13_u64(const struct gw_sipkey *key, uint64_t word)
{
	/* The last block holds the length (8) in its top byte, no data. */
	const uint64_t last = UINT64_C(8) << 56;
	uint64_t v[4];

	gw_sip_init(v, key);
	v[3] ^= word;
	gw_sipround(v);
	v[0] ^= word;
	v[3] ^= last;
	gw_sipround(v);
	v[0] ^= last;
	v[2] ^= 0xff;
	gw_sipround(v);
	gw_sipround(v);
	gw_sipround(v);
	return v[0] ^ v[1] ^ v[2] ^ v[3];
}

#endif /* GW_SIPHASH_H */
