/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The lfpool authors
 */

#include <stdint.h>
#include <stdlib.h>

#include "lat_hist.h"
#include "lfp_test.h"

/* One histogram is ~15 KiB: keep them off the test's stack. */
static struct lfp_lat_hist h, h2, h3;

/* True when @p got reports @p want within the histogram's resolution. */
static int
within_resolution(uint64_t got, uint64_t want)
{
	return got >= want && got - want <= want / LFP_LAT_HIST_SUB;
}

static void
test_lat_hist_empty_reports_zero(void)
{
	lfp_lat_hist_init(&h);
	CU_ASSERT_EQUAL(h.count, 0);
	CU_ASSERT_EQUAL(lfp_lat_hist_percentile(&h, 50), 0);
	CU_ASSERT_EQUAL(lfp_lat_hist_percentile(&h, 100), 0);
	CU_ASSERT_EQUAL(lfp_lat_hist_mean(&h), 0.0);
}

static void
test_lat_hist_single_value_is_every_percentile(void)
{
	lfp_lat_hist_init(&h);
	lfp_lat_hist_record(&h, 12345);
	CU_ASSERT_EQUAL(lfp_lat_hist_percentile(&h, 0), 12345);
	CU_ASSERT_EQUAL(lfp_lat_hist_percentile(&h, 50), 12345);
	CU_ASSERT_EQUAL(lfp_lat_hist_percentile(&h, 99.9), 12345);
	CU_ASSERT_EQUAL(lfp_lat_hist_percentile(&h, 100), 12345);
	CU_ASSERT_EQUAL(h.min, 12345);
	CU_ASSERT_EQUAL(h.max, 12345);
}

static void
test_lat_hist_small_values_are_exact(void)
{
	uint64_t v;

	lfp_lat_hist_init(&h);
	for (v = 0; v < LFP_LAT_HIST_SUB; v++)
		lfp_lat_hist_record(&h, v);
	/* 32 samples 0..31: nearest rank ceil(p * 32 / 100) - 1. */
	CU_ASSERT_EQUAL(lfp_lat_hist_percentile(&h, 50), 15);
	CU_ASSERT_EQUAL(lfp_lat_hist_percentile(&h, 75), 23);
	CU_ASSERT_EQUAL(lfp_lat_hist_percentile(&h, 1), 0);
	CU_ASSERT_EQUAL(lfp_lat_hist_percentile(&h, 100), 31);
	CU_ASSERT_DOUBLE_EQUAL(lfp_lat_hist_mean(&h), 15.5, 1e-9);
}

static void
test_lat_hist_uniform_percentiles(void)
{
	uint64_t v;

	lfp_lat_hist_init(&h);
	for (v = 1; v <= 100000; v++)
		lfp_lat_hist_record(&h, v);
	CU_ASSERT_TRUE(
		within_resolution(lfp_lat_hist_percentile(&h, 50), 50000));
	CU_ASSERT_TRUE(
		within_resolution(lfp_lat_hist_percentile(&h, 99), 99000));
	CU_ASSERT_TRUE(
		within_resolution(lfp_lat_hist_percentile(&h, 99.9), 99900));
	CU_ASSERT_EQUAL(lfp_lat_hist_percentile(&h, 100), 100000);
	CU_ASSERT_EQUAL(lfp_lat_hist_percentile(&h, 0), 1);
	CU_ASSERT_DOUBLE_EQUAL(lfp_lat_hist_mean(&h), 50000.5, 1e-6);
}

static void
test_lat_hist_bimodal_tail(void)
{
	unsigned int i;

	/* 990 fast samples and 10 slow ones: p99 is fast, p99.9 is slow. */
	lfp_lat_hist_init(&h);
	for (i = 0; i < 990; i++)
		lfp_lat_hist_record(&h, 20);
	for (i = 0; i < 10; i++)
		lfp_lat_hist_record(&h, 1000000);
	CU_ASSERT_EQUAL(lfp_lat_hist_percentile(&h, 50), 20);
	CU_ASSERT_EQUAL(lfp_lat_hist_percentile(&h, 99), 20);
	CU_ASSERT_EQUAL(lfp_lat_hist_percentile(&h, 99.1), 1000000);
	CU_ASSERT_EQUAL(lfp_lat_hist_percentile(&h, 99.9), 1000000);
	CU_ASSERT_EQUAL(h.max, 1000000);
}

static void
test_lat_hist_out_of_range_percentile_clamps(void)
{
	lfp_lat_hist_init(&h);
	lfp_lat_hist_record(&h, 7);
	lfp_lat_hist_record(&h, 70000);
	CU_ASSERT_EQUAL(lfp_lat_hist_percentile(&h, -5), 7);
	CU_ASSERT_EQUAL(lfp_lat_hist_percentile(&h, 250), 70000);
}

static void
test_lat_hist_extreme_values(void)
{
	lfp_lat_hist_init(&h);
	lfp_lat_hist_record(&h, UINT64_MAX);
	lfp_lat_hist_record(&h, 0);
	CU_ASSERT_EQUAL(
		lfp_lat_hist_index(UINT64_MAX), LFP_LAT_HIST_BUCKETS - 1);
	CU_ASSERT_EQUAL(
		lfp_lat_hist_bucket_high(LFP_LAT_HIST_BUCKETS - 1), UINT64_MAX);
	CU_ASSERT_EQUAL(lfp_lat_hist_percentile(&h, 50), 0);
	CU_ASSERT_EQUAL(lfp_lat_hist_percentile(&h, 100), UINT64_MAX);
	CU_ASSERT_EQUAL(h.count, 2);
}

static void
test_lat_hist_buckets_bound_relative_error(void)
{
	uint64_t v, hi, lo;
	unsigned int idx, e, k;

	/* Around every power of two: monotonic, contiguous, <= 1/SUB wide. */
	for (e = 0; e < 64; e++) {
		for (k = 0; k < 3; k++) {
			v = (UINT64_C(1) << e) - 1 + k;
			if (e == 63 && k == 2)
				v = UINT64_MAX;
			idx = lfp_lat_hist_index(v);
			CU_ASSERT_FATAL(idx < LFP_LAT_HIST_BUCKETS);
			hi = lfp_lat_hist_bucket_high(idx);
			lo = idx == 0 ? 0 :
					lfp_lat_hist_bucket_high(idx - 1) + 1;
			CU_ASSERT_TRUE(lo <= v && v <= hi);
			CU_ASSERT_TRUE(hi - lo <= lo / LFP_LAT_HIST_SUB);
			if (v > 0)
				CU_ASSERT_TRUE(
					lfp_lat_hist_index(v - 1) <= idx);
		}
	}
}

static void
test_lat_hist_merge_equals_single_recording(void)
{
	uint64_t v;
	unsigned int i;

	lfp_lat_hist_init(&h);
	lfp_lat_hist_init(&h2);
	lfp_lat_hist_init(&h3);
	srand(42);
	for (i = 0; i < 20000; i++) {
		v = (uint64_t)rand() % 5000000;
		lfp_lat_hist_record(i % 2 ? &h : &h2, v);
		lfp_lat_hist_record(&h3, v);
	}
	lfp_lat_hist_merge(&h, &h2);
	CU_ASSERT_EQUAL(h.count, h3.count);
	CU_ASSERT_EQUAL(h.min, h3.min);
	CU_ASSERT_EQUAL(h.max, h3.max);
	CU_ASSERT_EQUAL(lfp_lat_hist_percentile(&h, 50),
		lfp_lat_hist_percentile(&h3, 50));
	CU_ASSERT_EQUAL(lfp_lat_hist_percentile(&h, 99.9),
		lfp_lat_hist_percentile(&h3, 99.9));
	CU_ASSERT_DOUBLE_EQUAL(
		lfp_lat_hist_mean(&h), lfp_lat_hist_mean(&h3), 1e-6);
}

static void
test_lat_hist_merge_into_empty_keeps_min(void)
{
	lfp_lat_hist_init(&h);
	lfp_lat_hist_init(&h2);
	lfp_lat_hist_record(&h2, 500);
	lfp_lat_hist_merge(&h, &h2);
	CU_ASSERT_EQUAL(h.min, 500);
	CU_ASSERT_EQUAL(h.max, 500);
	lfp_lat_hist_init(&h2);
	lfp_lat_hist_merge(&h, &h2);
	CU_ASSERT_EQUAL(h.min, 500);
	CU_ASSERT_EQUAL(h.count, 1);
}

static CU_TestInfo lat_hist_tests[] = {
	{"empty_reports_zero", test_lat_hist_empty_reports_zero},
	{"single_value_is_every_percentile",
		test_lat_hist_single_value_is_every_percentile},
	{"small_values_are_exact", test_lat_hist_small_values_are_exact},
	{"uniform_percentiles", test_lat_hist_uniform_percentiles},
	{"bimodal_tail", test_lat_hist_bimodal_tail},
	{"out_of_range_percentile_clamps",
		test_lat_hist_out_of_range_percentile_clamps},
	{"extreme_values", test_lat_hist_extreme_values},
	{"buckets_bound_relative_error",
		test_lat_hist_buckets_bound_relative_error},
	{"merge_equals_single_recording",
		test_lat_hist_merge_equals_single_recording},
	{"merge_into_empty_keeps_min",
		test_lat_hist_merge_into_empty_keeps_min},
	CU_TEST_INFO_NULL,
};

static CU_SuiteInfo suites[] = {
	{"lat_hist", NULL, NULL, NULL, NULL, lat_hist_tests},
	CU_SUITE_INFO_NULL,
};

int
main(int argc, char **argv)
{
	static const struct lfp_test_conf conf = {
		.name = "bench",
		.lcores = 1,
		.suites = suites,
	};

	return lfp_test_main(argc, argv, &conf);
}
