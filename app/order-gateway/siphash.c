/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The lfpool authors
 */

#include <errno.h>
#include <string.h>

#include <sys/random.h>

#include "siphash.h"

int
gw_sipkey_random(struct gw_sipkey *key)
{
	ssize_t n;

	/* Blocks only before the kernel's pool is initialised (boot). */
	do
		n = getrandom(key, sizeof(*key), 0);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return -errno;
	return n == (ssize_t)sizeof(*key) ? 0 : -EIO;
}

/* Little-endian load of up to 8 bytes. */
static uint64_t
load_le(const uint8_t *p, size_t n)
{
	uint64_t w = 0;
	size_t i;

	for (i = 0; i < n; i++)
		w |= (uint64_t)p[i] << (8 * i);
	return w;
}

static void
compress(uint64_t v[4], uint64_t m, unsigned int rounds)
{
	unsigned int r;

	v[3] ^= m;
	for (r = 0; r < rounds; r++)
		gw_sipround(v);
	v[0] ^= m;
}

uint64_t
gw_siphash(const struct gw_sipkey *key, const void *data, size_t len,
	unsigned int c_rounds, unsigned int d_rounds)
{
	const uint8_t *p = data;
	size_t full = len & ~(size_t)7, i;
	uint64_t v[4];
	unsigned int r;

	gw_sip_init(v, key);
	for (i = 0; i < full; i += 8)
		compress(v, load_le(p + i, 8), c_rounds);
	/* The last block: the tail bytes and the length's low byte. */
	compress(v, load_le(p + full, len - full) | (uint64_t)len << 56,
		c_rounds);
	v[2] ^= 0xff;
	for (r = 0; r < d_rounds; r++)
		gw_sipround(v);
	return v[0] ^ v[1] ^ v[2] ^ v[3];
}
