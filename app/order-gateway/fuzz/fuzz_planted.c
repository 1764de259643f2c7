/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The lfpool authors
 */

/*
 * A libFuzzer target with a planted crash, built only for the test that
 * proves a crash of the parser's target fails the fuzz test: it aborts,
 * as fuzz_proto.c does on a contract violation, on any input whose first
 * byte is PLANTED_BYTE. libFuzzer's comparison tracing finds that byte
 * within its first few runs.
 */

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#define PLANTED_BYTE 0xA5

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > 0 && data[0] == PLANTED_BYTE)
		abort();
	return 0;
}
