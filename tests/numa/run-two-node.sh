#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The lfpool authors
#
# Run the NUMA suite (and, with --bench, the locality benchmark) on a Linux
# with two NUMA nodes: a Debian 12 guest under QEMU (software emulation),
# booted by the numa-guest tool, against this host build tree.
#
#   tests/numa/run-two-node.sh [-C BUILD_DIR] [--bench] [--no-test]
#
#   -C BUILD_DIR   meson build directory (default: build); it must lie inside
#                  the folder the guest shares (the parent of this checkout)
#   --bench        also run tests/numa/numa_bench (placement figures only:
#                  timings under emulation mean nothing)
#   --no-test      skip the test suite (with --bench: the benchmark alone)
#
# Environment:
#   NUMA_GUEST_RUN   the tool's run.sh (default: ../shared/tools/numa-guest/
#                    run.sh next to this checkout); its own knobs
#                    (NUMA_GUEST_*) pass through, e.g. NUMA_GUEST_DISTANCE=21
#   NUMA_BENCH_ARGS  arguments after '--' for numa_bench
#                    (default: --iters 3 --batch 64 --locality 600)
#
# The first run builds the guest image (root and Debian's apt registry
# needed, about 3 minutes); later runs take 20 s to 2 min. Exit status: the
# suite's (and the benchmark's), or 125 when the guest never reported one.
set -euo pipefail

top=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
build=build
bench=0
test=1
while [ $# -gt 0 ]; do
	case "$1" in
	-C) build=$2; shift 2 ;;
	--bench) bench=1; shift ;;
	--no-test) test=0; shift ;;
	-h | --help) sed -n '2,/^set -e/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
	*) echo "run-two-node.sh: unknown argument '$1' (see --help)" >&2; exit 2 ;;
	esac
done

. "$top/tools/two-node-lib.sh"
two_node_setup

ninja -C "$build" tests/numa/test_numa tests/numa/numa_bench >/dev/null

# The guest image has DPDK and libnuma but not CUnit: lend it the host's.
guest_lib=$build/numa-guest-lib
mkdir -p "$guest_lib"
# (awk reads all of ldconfig's output: an early exit would SIGPIPE it)
cunit=$(ldconfig -p | awk '$1 == "libcunit.so.1" && !found { print $NF; found = 1 }')
[ -n "$cunit" ] || { echo "run-two-node.sh: libcunit.so.1 not found on the host" >&2; exit 2; }
cp -L "$cunit" "$guest_lib/"

bench_args=${NUMA_BENCH_ARGS:---iters 3 --batch 64 --locality 600}
noise='open shared lib|Virtual area|virtual area|emseg list'
script="set -u
echo '== numactl -H'; numactl -H
export LD_LIBRARY_PATH=$guest_lib
rc=0"
if [ "$test" = 1 ]; then
	script+="
echo '== meson test --suite numa'
meson test -C $build --no-rebuild --suite numa -v 2>&1 | grep -v -E '$noise'
r=\${PIPESTATUS[0]}; echo \"== suite numa: rc=\$r\"; rc=\$((rc | r))"
fi
if [ "$bench" = 1 ]; then
	script+="
echo '== numa_bench'
$build/tests/numa/numa_bench -l 0,1 --socket-mem 64,64 --no-telemetry \\
	--file-prefix numa_bench --log-level lib.eal:error -- $bench_args
r=\$?; echo \"== numa_bench: rc=\$r\"; rc=\$((rc | r))"
fi
script+="
exit \$rc"

exec "$guest" "$script"
