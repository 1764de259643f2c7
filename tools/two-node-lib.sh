# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The lfpool authors
#
# Sourced by tests/*/run-two-node.sh after they set top (the checkout) and
# build (a meson build directory). two_node_setup finds the numa-guest
# tool (NUMA_GUEST_RUN, else ../shared/tools/numa-guest/run.sh beside the
# checkout) into guest, makes build absolute, and checks that the guest,
# which shares the checkout's parent folder, can see it. It cds to top.

two_node_setup() {
	guest=${NUMA_GUEST_RUN:-$(dirname "$top")/shared/tools/numa-guest/run.sh}
	[ -x "$guest" ] || { echo "run-two-node.sh: no numa-guest tool at $guest (set NUMA_GUEST_RUN)" >&2; exit 2; }
	cd "$top"
	[ -f "$build/build.ninja" ] || { echo "run-two-node.sh: $build is not a meson build directory (meson setup $build)" >&2; exit 2; }
	build=$(cd "$build" && pwd)
	case "$build/" in
	"$(dirname "$top")"/*) ;;
	*) echo "run-two-node.sh: $build is outside $(dirname "$top"), which the guest shares" >&2; exit 2 ;;
	esac
}
