/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The lfpool authors
 */

#ifndef LFP_LAT_HIST_H
#define LFP_LAT_HIST_H

/**
 * @file
 * Log-linear latency histogram (self-contained: C11 and the GCC/Clang
 * builtins only, no DPDK), shared by lfpool-bench and the order gateway.
 *
 * Values below 2^LFP_LAT_HIST_SUB_BITS are counted exactly. Above, each
 * power-of-two range [2^e, 2^(e+1)) is split into 2^LFP_LAT_HIST_SUB_BITS
 * equal buckets, so a bucket is never wider than 1/32 of the values it
 * holds: any percentile is reported at most 3.2 % above the true sample
 * (the bucket's highest value, clipped to the largest recorded value),
 * never below it. The full uint64_t range is covered.
 *
 * A histogram is a plain struct (about 15 KiB) with no pointers, written by
 * one thread. Merge the per-thread histograms afterwards with
 * lfp_lat_hist_merge(); nothing here is thread-safe.
 */

#include <stddef.h>
#include <stdint.h>

/** log2 of the number of buckets per power of two. */
#define LFP_LAT_HIST_SUB_BITS 5
/** Buckets per power of two; also the bound below which values are exact. */
#define LFP_LAT_HIST_SUB (1u << LFP_LAT_HIST_SUB_BITS)
/** Number of buckets: the exact ones, then 64 - SUB_BITS octaves. */
#define LFP_LAT_HIST_BUCKETS \
	(LFP_LAT_HIST_SUB * (64 - LFP_LAT_HIST_SUB_BITS + 1))

/** A histogram. Initialise with lfp_lat_hist_init() before use. */
struct lfp_lat_hist {
	uint64_t count; /**< Number of recorded values. */
	uint64_t min;	/**< Smallest recorded value (UINT64_MAX if none). */
	uint64_t max;	/**< Largest recorded value (0 if none). */
	double sum;	/**< Sum of the values, for the mean. */
	uint64_t bucket[LFP_LAT_HIST_BUCKETS]; /**< Counts per bucket. */
};

/**
 * Bucket index of a value (exposed for the inline record and the tests).
 *
 * @param v
 *   Any value.
 * @return
 *   An index in [0, LFP_LAT_HIST_BUCKETS), non-decreasing in @p v.
 */
static inline unsigned int
lfp_lat_hist_index(uint64_t v)
{
	unsigned int e, shift;

	if (v < LFP_LAT_HIST_SUB)
		return (unsigned int)v;
	/* e >= SUB_BITS: the octave; keep SUB_BITS bits below the top one. */
	e = 63u - (unsigned int)__builtin_clzll(v);
	shift = e - LFP_LAT_HIST_SUB_BITS;
	return LFP_LAT_HIST_SUB * (shift + 1) +
		(unsigned int)((v >> shift) - LFP_LAT_HIST_SUB);
}

/**
 * Record one value. Inline because it sits in measured loops.
 *
 * @param h
 *   An initialised histogram.
 * @param v
 *   The value (cycles, nanoseconds: the unit is the caller's).
 */
static inline void
lfp_lat_hist_record(struct lfp_lat_hist *h, uint64_t v)
{
	h->bucket[lfp_lat_hist_index(v)]++;
	h->count++;
	h->sum += (double)v;
	if (v < h->min)
		h->min = v;
	if (v > h->max)
		h->max = v;
}

/**
 * Empty a histogram.
 *
 * @param h
 *   The histogram; its previous content is discarded.
 */
void lfp_lat_hist_init(struct lfp_lat_hist *h);

/**
 * Add every value recorded in @p src to @p dst.
 *
 * @param dst
 *   An initialised histogram, updated.
 * @param src
 *   An initialised histogram, unchanged.
 */
void lfp_lat_hist_merge(
	struct lfp_lat_hist *dst, const struct lfp_lat_hist *src);

/**
 * Value at percentile @p p: the smallest bucket whose cumulative count
 * reaches ceil(p / 100 * count) samples, reported as that bucket's highest
 * value clipped to [min, max]. Exact for values below LFP_LAT_HIST_SUB;
 * otherwise at most 1/LFP_LAT_HIST_SUB above the true sample.
 *
 * @param h
 *   The histogram.
 * @param p
 *   Percentile in [0, 100] (clamped): 0 gives min, 100 gives max.
 * @return
 *   The value, or 0 for an empty histogram.
 */
uint64_t lfp_lat_hist_percentile(const struct lfp_lat_hist *h, double p);

/**
 * Mean of the recorded values.
 *
 * @param h
 *   The histogram.
 * @return
 *   The mean, or 0 for an empty histogram.
 */
double lfp_lat_hist_mean(const struct lfp_lat_hist *h);

/**
 * Highest value that falls in bucket @p idx (the lowest is
 * lfp_lat_hist_bucket_high(idx - 1) + 1).
 *
 * @param idx
 *   A bucket index below LFP_LAT_HIST_BUCKETS.
 * @return
 *   The bucket's upper bound, inclusive.
 */
uint64_t lfp_lat_hist_bucket_high(unsigned int idx);

#endif /* LFP_LAT_HIST_H */
