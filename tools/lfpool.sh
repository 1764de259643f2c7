#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The lfpool authors
#
# One entry point for the README's two set-up commands:
#   tools/lfpool.sh run  [-- gateway options]   install, build, run the order gateway
#   tools/lfpool.sh test                        install, build, run every test suite
# Both install the Debian packages they need when missing, reserve 2 MB
# hugepages and mount hugetlbfs when they can (root), and otherwise fall
# back to --no-huge with a one-line notice.

set -euo pipefail

top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$top"

# Build and run dependencies, by Debian 12 package name.
packages=(
	build-essential pkg-config meson ninja-build python3
	dpdk dpdk-dev libdpdk-dev libnuma-dev numactl libcunit1-dev
	libjansson-dev libpcap-dev gnuplot-nox
	libseccomp-dev
	libjemalloc2 libtcmalloc-minimal4 libmimalloc2.0
	clang
)
hugepages_wanted=${LFP_HUGEPAGES:-1024}

log() { printf 'lfpool: %s\n' "$*"; }

as_root() {
	if [ "$(id -u)" -eq 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else return 1; fi
}

install_missing() {
	local missing=() p
	for p in "${packages[@]}"; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' || missing+=("$p")
	done
	[ ${#missing[@]} -eq 0 ] && return 0
	log "installing: ${missing[*]}"
	as_root apt-get update -qq
	as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

# Reserve hugepages and mount hugetlbfs; harmless when not permitted.
setup_hugepages() {
	local total
	if ! mountpoint -q /dev/hugepages 2>/dev/null; then
		as_root mkdir -p /dev/hugepages 2>/dev/null || true
		as_root mount -t hugetlbfs nodev /dev/hugepages 2>/dev/null || true
	fi
	total=$(awk '/^HugePages_Total:/ {print $2}' /proc/meminfo)
	if [ "${total:-0}" -lt "$hugepages_wanted" ]; then
		echo "$hugepages_wanted" | as_root tee /proc/sys/vm/nr_hugepages >/dev/null 2>&1 || true
	fi
	if hugepages_usable; then
		log "hugepages: $(awk '/^HugePages_Free:/ {print $2}' /proc/meminfo) x 2 MB free on /dev/hugepages"
	else
		log "notice: no usable hugepages here (not root, or the kernel refused): running with --no-huge; multi-process tests will be skipped"
	fi
}

hugepages_usable() {
	mountpoint -q /dev/hugepages 2>/dev/null &&
		[ "$(awk '/^HugePages_Free:/ {print $2}' /proc/meminfo)" -ge 256 ]
}

# meson setup once per build dir, reconfigure when it exists.
build() {
	local dir=$1; shift
	if [ -f "$dir/build.ninja" ]; then
		meson setup --reconfigure "$dir" "$@" >/dev/null
	else
		meson setup "$dir" "$@" >/dev/null
	fi
	ninja -C "$dir"
}

eal_memory_args() {
	if hugepages_usable; then echo "-m 512"; else echo "--no-huge -m 1024"; fi
}

cmd_run() {
	install_missing
	setup_hugepages
	build build -Dfuzz=true
	local eal
	eal="-l 0-$(( $(nproc) > 1 ? 1 : 0 )) $(eal_memory_args) --no-pci --file-prefix lfpool_gw_$$"
	if [ -x build/app/order-gateway/order-gateway ]; then
		log "running: order-gateway $eal -- $*"
		# shellcheck disable=SC2086
		build/app/order-gateway/order-gateway $eal -- "$@"
	else
		log "running: lfpool-demo $eal -- $*"
		# shellcheck disable=SC2086
		build/app/lfpool-demo/lfpool-demo $eal -- "$@"
	fi
}

# Suites whose code is concurrent: run again under the sanitizers.
concurrent_suites=(hazptr lfpool numa tradepool gateway)

run_suites() {
	local dir=$1; shift
	local args=() s
	for s in "${concurrent_suites[@]}"; do
		meson test -C "$dir" --list 2>/dev/null | grep -qE "(^|:)$s / " && args+=(--suite "lfpool:$s")
	done
	[ ${#args[@]} -eq 0 ] && { log "no concurrent suites in $dir"; return 1; }
	meson test -C "$dir" --no-rebuild --print-errorlogs "${args[@]}" "$@"
}

cmd_test() {
	install_missing
	setup_hugepages
	local status=0

	log "1/3 release build, whole suite"
	build build -Dfuzz=true
	meson test -C build --no-rebuild --print-errorlogs || status=1

	log "2/3 AddressSanitizer + UndefinedBehaviorSanitizer build, concurrent suites"
	build build-asan -Dbuildtype=debugoptimized -Db_sanitize=address,undefined -Db_lundef=false
	ASAN_OPTIONS=abort_on_error=1:detect_leaks=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
		run_suites build-asan || status=1

	log "3/3 ThreadSanitizer build, concurrent suites"
	build build-tsan -Dbuildtype=debugoptimized -Db_sanitize=thread -Db_lundef=false
	TSAN_OPTIONS=halt_on_error=1:second_deadlock_stack=1 \
		run_suites build-tsan || status=1

	if [ $status -eq 0 ]; then log "all test builds passed"; else log "FAILURES: see above"; fi
	return $status
}

case "${1:-}" in
run) shift; [ "${1:-}" = "--" ] && shift; cmd_run "$@" ;;
test) shift; cmd_test "$@" ;;
*) echo "usage: $0 run [-- gateway options] | test" >&2; exit 2 ;;
esac
