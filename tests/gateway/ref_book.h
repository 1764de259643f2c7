/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The lfpool authors
 */

#ifndef REF_BOOK_H
#define REF_BOOK_H

/*
 * The reference book for the differential tests: one unordered array of
 * resting orders and linear scans, written to be obviously right rather
 * than fast. Same rules as book.h, no resource limits (the array holds
 * @p cap orders; more is a test bug and aborts).
 */

#include <stdint.h>

#include "book.h"

struct ref_book;

struct ref_book *ref_book_create(
	uint32_t sym_idx, uint64_t symbol, uint32_t cap);
void ref_book_free(struct ref_book *rb);

/* Same listing as gw_book_snapshot(). */
uint32_t ref_book_snapshot(
	const struct ref_book *rb, struct gw_book_entry *out, uint32_t max);

/* Resting orders. */
uint32_t ref_book_orders(const struct ref_book *rb);

extern const struct gw_market_ops ref_book_ops;

#endif /* REF_BOOK_H */
