/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The lfpool authors
 */

#include <math.h>
#include <string.h>

#include "lat_hist.h"

_Static_assert(LFP_LAT_HIST_SUB_BITS >= 1 && LFP_LAT_HIST_SUB_BITS < 16,
	"sub-bucket bits out of range");

void
lfp_lat_hist_init(struct lfp_lat_hist *h)
{
	memset(h, 0, sizeof(*h));
	h->min = UINT64_MAX;
}

void
lfp_lat_hist_merge(struct lfp_lat_hist *dst, const struct lfp_lat_hist *src)
{
	unsigned int i;

	for (i = 0; i < LFP_LAT_HIST_BUCKETS; i++)
		dst->bucket[i] += src->bucket[i];
	dst->count += src->count;
	dst->sum += src->sum;
	if (src->min < dst->min)
		dst->min = src->min;
	if (src->max > dst->max)
		dst->max = src->max;
}

uint64_t
lfp_lat_hist_bucket_high(unsigned int idx)
{
	unsigned int shift, sub;

	if (idx < LFP_LAT_HIST_SUB)
		return idx;
	/* Inverse of lfp_lat_hist_index(): octave, then linear step. */
	shift = idx / LFP_LAT_HIST_SUB - 1;
	sub = idx % LFP_LAT_HIST_SUB;
	return (((uint64_t)LFP_LAT_HIST_SUB + sub) << shift) +
		((UINT64_C(1) << shift) - 1);
}

uint64_t
lfp_lat_hist_percentile(const struct lfp_lat_hist *h, double p)
{
	uint64_t rank, seen = 0, v;
	unsigned int i;

	if (h->count == 0)
		return 0;
	if (!(p > 0))
		return h->min;
	if (p >= 100)
		return h->max;
	/* Nearest rank: the smallest sample with >= p % of them at or below. */
	rank = (uint64_t)ceil(p * (double)h->count / 100.0);
	if (rank == 0)
		rank = 1;
	for (i = 0; i < LFP_LAT_HIST_BUCKETS; i++) {
		seen += h->bucket[i];
		if (seen >= rank)
			break;
	}
	v = lfp_lat_hist_bucket_high(i);
	if (v > h->max)
		v = h->max;
	if (v < h->min)
		v = h->min;
	return v;
}

double
lfp_lat_hist_mean(const struct lfp_lat_hist *h)
{
	return h->count == 0 ? 0.0 : h->sum / (double)h->count;
}
