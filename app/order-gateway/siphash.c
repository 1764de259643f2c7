/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The lfpool authors
 */

#include <errno.h>
#include <stdbool.h>
#include <string.h>

#include <sys/random.h>

#include <rte_branch_prediction.h>
#include <rte_common.h>
#include <rte_vect.h>

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

/* --- Many words at once --- */

static void
many_scalar(const struct gw_sip13_pre *p, const uint64_t *in, uint64_t *out,
	unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		out[i] = gw_siphash13_u64_pre(p, in[i]);
}

#ifdef RTE_ARCH_X86

#define TARGET_AVX2 __attribute__((target("avx2")))
#define TARGET_AVX512 __attribute__((target("avx512f")))

/* Lane operations of 4 x 64 bits (AVX2 has no rotate). */
#define V4_ADD _mm256_add_epi64
#define V4_XOR _mm256_xor_si256
#define V4_SET1(x) _mm256_set1_epi64x((long long)(x))

static inline TARGET_AVX2 __attribute__((always_inline)) __m256i
v4_rol(__m256i x, const int b)
{
	/* Byte i of each lane takes byte (i + 6) % 8: a rotate by 16. */
	const __m256i rol16 = _mm256_setr_epi8(6, 7, 0, 1, 2, 3, 4, 5, 14,
		15, 8, 9, 10, 11, 12, 13, 6, 7, 0, 1, 2, 3, 4, 5, 14, 15, 8, 9,
		10, 11, 12, 13);

	/* b is a constant at every call: one instruction for 32 and 16. */
	if (b == 32)
		return _mm256_shuffle_epi32(x, _MM_SHUFFLE(2, 3, 0, 1));
	if (b == 16)
		return _mm256_shuffle_epi8(x, rol16);
	return _mm256_or_si256(
		_mm256_slli_epi64(x, b), _mm256_srli_epi64(x, 64 - b));
}

/*
 * The body of a many_<simd>() function: LANES words per step in vectors
 * of type VEC with the lane operations given, the tail one by one.
 */
#define SIP13_MANY(VEC, LANES, ADD, XOR, ROL, SET1, LOAD, STORE, p, in, out, \
	n) \
	do { \
		VEC v0, v1, v2, v3, m; \
		unsigned int i; \
\
		for (i = 0; i + (LANES) <= (n); i += (LANES)) { \
			v0 = SET1((p)->v[0]); \
			v1 = SET1((p)->v[1]); \
			v2 = SET1((p)->v[2]); \
			v3 = SET1((p)->v[3]); \
			m = LOAD(&(in)[i]); \
			GW_SIP13_FROM_PREPARED( \
				ADD, XOR, ROL, SET1, v0, v1, v2, v3, m); \
			STORE(&(out)[i], v0); \
		} \
		many_scalar(p, &(in)[i], &(out)[i], (n) - i); \
	} while (0)

#define V4_LOAD(a) _mm256_loadu_si256((const void *)(a))
#define V4_STORE(a, v) _mm256_storeu_si256((void *)(a), v)

static TARGET_AVX2 void
many_avx2(const struct gw_sip13_pre *p, const uint64_t *in, uint64_t *out,
	unsigned int n)
{
	SIP13_MANY(__m256i, 4, V4_ADD, V4_XOR, v4_rol, V4_SET1, V4_LOAD,
		V4_STORE, p, in, out, n);
}

/* Lane operations of 8 x 64 bits. */
#define V8_ADD _mm512_add_epi64
#define V8_XOR _mm512_xor_si512
#define V8_ROL _mm512_rol_epi64
#define V8_SET1(x) _mm512_set1_epi64((long long)(x))
#define V8_LOAD(a) _mm512_loadu_si512(a)
#define V8_STORE(a, v) _mm512_storeu_si512(a, v)

static TARGET_AVX512 void
many_avx512(const struct gw_sip13_pre *p, const uint64_t *in, uint64_t *out,
	unsigned int n)
{
	SIP13_MANY(__m512i, 8, V8_ADD, V8_XOR, V8_ROL, V8_SET1, V8_LOAD,
		V8_STORE, p, in, out, n);
}

static bool
cpu_has(enum gw_sip_simd simd)
{
	/* libgcc's checks include the OS's support of the vector state. */
	switch (simd) {
	case GW_SIP_AVX2:
		return __builtin_cpu_supports("avx2");
	case GW_SIP_AVX512:
		return __builtin_cpu_supports("avx512f");
	default:
		return simd == GW_SIP_SCALAR;
	}
}

#else /* !RTE_ARCH_X86 */

static bool
cpu_has(enum gw_sip_simd simd)
{
	return simd == GW_SIP_SCALAR;
}

#endif

static void
many_run(enum gw_sip_simd simd, const struct gw_sip13_pre *p,
	const uint64_t *in, uint64_t *out, unsigned int n)
{
	switch (simd) {
#ifdef RTE_ARCH_X86
	case GW_SIP_AVX512:
		many_avx512(p, in, out, n);
		break;
	case GW_SIP_AVX2:
		many_avx2(p, in, out, n);
		break;
#endif
	default:
		many_scalar(p, in, out, n);
		break;
	}
}

static enum gw_sip_simd
simd_best(void)
{
	uint16_t width = rte_vect_get_max_simd_bitwidth();

	if (width >= RTE_VECT_SIMD_512 && cpu_has(GW_SIP_AVX512))
		return GW_SIP_AVX512;
	if (width >= RTE_VECT_SIMD_256 && cpu_has(GW_SIP_AVX2))
		return GW_SIP_AVX2;
	return GW_SIP_SCALAR;
}

enum gw_sip_simd
gw_sip_simd_selected(void)
{
	static int selected = -1;
	/* Relaxed: every thread that finds it unset computes the same
	 * value; nothing else is published with it.
	 */
	int simd = __atomic_load_n(&selected, __ATOMIC_RELAXED);

	if (unlikely(simd < 0)) {
		simd = (int)simd_best();
		__atomic_store_n(&selected, simd, __ATOMIC_RELAXED);
	}
	return (enum gw_sip_simd)simd;
}

const char *
gw_sip_simd_name(enum gw_sip_simd simd)
{
	static const char *const names[GW_SIP_SIMD_COUNT] = {
		[GW_SIP_SCALAR] = "scalar",
		[GW_SIP_AVX2] = "avx2",
		[GW_SIP_AVX512] = "avx512",
	};

	return (unsigned int)simd < RTE_DIM(names) ? names[simd] : "?";
}

void
gw_siphash13_u64_many(const struct gw_sip13_pre *p, const uint64_t *in,
	uint64_t *out, unsigned int n)
{
	many_run(gw_sip_simd_selected(), p, in, out, n);
}

int
gw_siphash13_u64_many_with(enum gw_sip_simd simd,
	const struct gw_sip13_pre *p, const uint64_t *in, uint64_t *out,
	unsigned int n)
{
	if (!cpu_has(simd))
		return -ENOTSUP;
	many_run(simd, p, in, out, n);
	return 0;
}
