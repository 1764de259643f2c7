#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The lfpool authors
#
#   expect_crash.sh FUZZER [LIBFUZZER OPTION...]
#
# Runs a libFuzzer binary whose target has a planted crash and passes only
# if the crash is reported as a failure: a crash input was written, and the
# exit status is neither 0 nor 77, which meson would count as a skip (and
# which is libFuzzer's default -error_exitcode).

artifacts=$(mktemp -d) || exit 1
trap 'rm -rf "$artifacts"' EXIT

"$@" -artifact_prefix="$artifacts/"
rc=$?
if ! ls "$artifacts"/crash-* >/dev/null 2>&1; then
	echo "expect_crash: no crash input written: the planted crash went unseen (exit $rc)"
	exit 1
fi
case $rc in
0) echo "expect_crash: the fuzzer crashed but exited 0" ;;
77) echo "expect_crash: the fuzzer crashed but exited 77, which meson reports as skipped" ;;
*) echo "expect_crash: the planted crash failed the run (exit $rc), as it must"; exit 0 ;;
esac
exit 1
