#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The lfpool authors
#
# run-secondary-test.sh <plug-in> <lfpool-secondary-args> <work dir>
#
# 1. Ops tables (no hugepages needed): a primary that links two mempool
#    drivers and loads the plug-in with -d, and a binary that links none,
#    given what lfpool-secondary-args prints, must list the same ops in the
#    same order; given only "-d <plug-in>" (DPDK's own recipe) they differ.
# 2. Debian's DPDK tools (hugepages): dpdk-testpmd as primary with lfpool
#    mbufs; dpdk-proc-info --show-mempool must report the pool on lfpool with
#    sane counts, and dpdk-pdump must capture from it, both as secondaries
#    with the printed options; the primary must still answer afterwards.
#    Skipped (exit 77) with the reason when hugepages or the tools are
#    missing.

set -euo pipefail

[ $# -eq 3 ] || { echo "usage: $0 <plug-in> <lfpool-secondary-args> <work dir>" >&2; exit 2; }
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
mkdir -p "$3"
work=$(cd "$3" && pwd)
tool=$2
# EAL refuses plug-ins under a world-writable directory (such as /tmp).
plugin=$work/plugin/$(basename "$(readlink -f "$1")")
mkdir -p -m 0755 "$work/plugin"
cp "$(readlink -f "$1")" "$plugin"

fail() { echo "secondary test: FAIL: $*" >&2; exit 1; }
note() { echo "secondary test: $*"; }
skip() { echo "secondary test: SKIP: $*"; exit 77; }

eal_small=(-l 0 --no-huge -m 64 --no-shconf --no-pci --no-telemetry)

ops_table() {
	local exe=$1 prefix=$2; shift 2
	"$work/$exe" "${eal_small[@]}" --file-prefix "$prefix" "$@" | sed -n 's/^ops //p' ||
		fail "$exe failed"
}

check_ops_tables() {
	local libdir primary secondary naive args
	libdir=$(pkg-config --variable=libdir libdpdk)
	# shellcheck disable=SC2046
	cc -O2 -Wall -Werror "$here/ops_table.c" -o "$work/ops_table" \
		$(pkg-config --cflags --libs libdpdk)
	# shellcheck disable=SC2046
	cc -O2 -Wall -Werror "$here/ops_table.c" -o "$work/ops_table_drivers" \
		$(pkg-config --cflags libdpdk) -L"$libdir" \
		-Wl,--no-as-needed -lrte_mempool_stack -lrte_mempool_ring -Wl,--as-needed \
		$(pkg-config --libs libdpdk)
	primary=$(ops_table ops_table_drivers lfp_ops_p_$$ -d "$plugin")
	grep -q ' lfpool$' <<<"$primary" || fail "primary has no lfpool ops: $primary"
	args=$("$tool" "$work/ops_table_drivers" "$plugin") || fail "$tool failed"
	note "linked ring and stack: $args"
	# shellcheck disable=SC2086
	secondary=$(ops_table ops_table lfp_ops_s_$$ $args)
	[ "$primary" = "$secondary" ] || fail "ops tables differ with '$args':
$(diff <(echo "$primary") <(echo "$secondary") || true)"
	naive=$(ops_table ops_table lfp_ops_n_$$ -d "$plugin")
	[ "$primary" != "$naive" ] || fail "tables equal without the linked drivers: the check proves nothing"
	note "ops tables equal ($(grep -c . <<<"$primary") ops, lfpool at $(sed -n 's/ lfpool$//p' <<<"$primary"))"
}

# --- 2: testpmd, proc-info, pdump ------------------------------------------

prefix=lfp_sec_$$
testpmd_pid=

hugepage_dir() {
	awk '$3 == "hugetlbfs" {print $2; exit}' /proc/mounts
}

# A primary on hugepages leaves its files and runtime directory behind.
cleanup() {
	exec 3>&- 2>/dev/null || true
	if [ -n "$testpmd_pid" ] && kill -0 "$testpmd_pid" 2>/dev/null; then
		kill "$testpmd_pid" 2>/dev/null || true
		wait "$testpmd_pid" 2>/dev/null || true
	fi
	local huge
	huge=$(hugepage_dir)
	[ -z "$huge" ] || rm -f "$huge/${prefix}"map_*
	rm -rf "/var/run/dpdk/$prefix"
}

testpmd_cmd() {
	echo "$1" >&3
}

start_testpmd() {
	local i
	rm -f "$work/testpmd.in"
	mkfifo "$work/testpmd.in"
	dpdk-testpmd -l 0-1 -m 256 --no-pci --file-prefix "$prefix" \
		--vdev net_null0 --vdev net_null1 -d "$plugin" --mbuf-pool-ops-name lfpool \
		-- -i --total-num-mbufs=4096 <"$work/testpmd.in" >"$work/testpmd.log" 2>&1 &
	testpmd_pid=$!
	exec 3>"$work/testpmd.in"
	for i in $(seq 120); do
		grep -q '^testpmd> ' "$work/testpmd.log" && break
		kill -0 "$testpmd_pid" 2>/dev/null || fail "testpmd exited: $(tail -5 "$work/testpmd.log")"
		sleep 0.5
	done
	grep -q 'preferred mempool ops selected: lfpool' "$work/testpmd.log" ||
		fail "testpmd did not select lfpool"
}

# proc-info's report of mb_pool_0: on lfpool, and avail + in use == size
# (avail comes from lfpool's get_count, run in the secondary).
check_proc_info() {
	local args=$1 out size avail in_use
	# shellcheck disable=SC2086
	out=$(timeout 60 dpdk-proc-info --file-prefix "$prefix" $args -- --show-mempool=mb_pool_0 2>&1) ||
		fail "dpdk-proc-info failed: $(tail -5 <<<"$out")"
	grep -qE '^  - ops_index [0-9]+ ops_name lfpool$' <<<"$out" ||
		fail "proc-info does not see lfpool: $(grep ops_ <<<"$out")"
	size=$(sed -n 's/^  - Size \([0-9]*\) .*/\1/p' <<<"$out")
	avail=$(sed -n 's/^  - Count: avail (\([0-9]*\)), in use .*/\1/p' <<<"$out")
	in_use=$(sed -n 's/^  - Count: avail .*, in use (\([0-9]*\))$/\1/p' <<<"$out")
	[ -n "$size" ] && [ -n "$avail" ] && [ -n "$in_use" ] && [ $((avail + in_use)) -eq "$size" ] ||
		fail "proc-info counts not sane: size=$size avail=$avail in_use=$in_use"
	note "proc-info: mb_pool_0 on lfpool, size $size, avail $avail, in use $in_use"
}

# pdump's mbufs come from a pool it makes in the secondary, which the
# primary fills by that pool's ops index: the capture goes to /dev/null,
# and pdump's own count of what it got must be above zero. Forwarding
# stops before pdump leaves: when pdump tears its capture down while a
# forwarding lcore still copies packets into pdump's pool, testpmd can
# crash in librte_mbuf (DPDK 22.11 and 24.11 alike, any mempool driver).
check_pdump() {
	local args=$1 rc=0 got pdump_pid
	testpmd_cmd start
	# shellcheck disable=SC2086
	timeout -s INT 4 dpdk-pdump --file-prefix "$prefix" $args -- \
		--pdump "port=0,queue=*,rx-dev=/dev/null" >"$work/pdump.log" 2>&1 &
	pdump_pid=$!
	sleep 3
	testpmd_cmd stop
	wait "$pdump_pid" || rc=$?
	# SIGINT is how pdump is meant to stop; timeout then exits 124.
	[ $rc -eq 0 ] || [ $rc -eq 124 ] || fail "dpdk-pdump exited $rc: $(tail -5 "$work/pdump.log")"
	got=$(sed -n 's/^ -packets transmitted to vdev:[[:space:]]*//p' "$work/pdump.log")
	[ "${got:-0}" -gt 0 ] || fail "dpdk-pdump captured nothing: $(tail -5 "$work/pdump.log")"
	note "pdump captured $got packets through the primary"
}

check_dpdk_tools() {
	local t args huge
	for t in dpdk-testpmd dpdk-proc-info dpdk-pdump; do
		command -v $t >/dev/null || skip "$t not installed (dpdk package)"
	done
	huge=$(hugepage_dir)
	[ -n "$huge" ] || skip "no hugetlbfs mounted: multi-process needs hugepages"
	[ "$(awk '/^HugePages_Free:/ {print $2}' /proc/meminfo)" -ge 256 ] ||
		skip "fewer than 256 free 2 MB hugepages: multi-process needs hugepages"
	trap cleanup EXIT
	start_testpmd
	args=$("$tool" "$(command -v dpdk-testpmd)" "$plugin") || fail "$tool failed"
	note "testpmd: $args"
	check_proc_info "$args"
	check_pdump "$args"
	check_proc_info "$args"
	testpmd_cmd quit
	wait "$testpmd_pid" || fail "testpmd exited with an error"
	testpmd_pid=
}

check_ops_tables
check_dpdk_tools
note passed
