#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The lfpool authors
#
#   with_unique_prefix.sh STEM PROGRAM [EAL ARG...] [-- APP ARG...]
#
# Runs a DPDK program as a test with --file-prefix=STEM_<pid>, unique per
# run: two runs of one build dir, or a run on the host and one in a
# Debian 13 root (which shares the host's /run), never meet. EAL leaves
# the prefix's runtime directory behind (DPDK-FACTS.md §2): it is removed
# afterwards. The program's exit status is the script's.

stem=$1
program=$2
shift 2
prefix=${stem}_$$

# eal_get_runtime_dir(): /var/run for root, else XDG_RUNTIME_DIR or /tmp.
if [ "$(id -u)" -eq 0 ]; then
	runtime=/var/run/dpdk/$prefix
else
	runtime=${XDG_RUNTIME_DIR:-/tmp}/dpdk/$prefix
fi

"$program" --file-prefix="$prefix" "$@"
rc=$?
rm -rf "$runtime"
exit $rc
