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

# Build and run dependencies, by Debian package name: Debian 12 (DPDK
# 22.11) and Debian 13 (DPDK 24.11). clang only recommends the libFuzzer
# runtime (libclang-rt-dev), so it is named here.
packages=(
	build-essential pkg-config meson ninja-build python3
	dpdk dpdk-dev libdpdk-dev libnuma-dev numactl libcunit1-dev
	libjansson-dev libpcap-dev libseccomp-dev gnuplot-nox
	libjemalloc2
	clang libclang-rt-dev
)
# The benchmark's allocators whose package names changed in Debian 13
# (mimalloc 3; the 64-bit time_t transition's t64 suffix). A release after
# 13 is assumed to keep 13's names.
os_codename() { (. /etc/os-release 2>/dev/null && echo "${VERSION_CODENAME:-}"); }
case $(os_codename) in
bookworm) packages+=(libtcmalloc-minimal4 libmimalloc2.0) ;;
*) packages+=(libtcmalloc-minimal4t64 libmimalloc3) ;;
esac
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
	local args=() s list
	# List once: grep -q closing the pipe early made meson die of SIGPIPE,
	# and pipefail then dropped suites at random.
	list=$(meson test -C "$dir" --list 2>/dev/null)
	for s in "${concurrent_suites[@]}"; do
		grep -qE "(^|:)$s / " <<<"$list" && args+=(--suite "lfpool:$s")
	done
	[ ${#args[@]} -eq 0 ] && { log "no concurrent suites in $dir"; return 1; }
	meson test -C "$dir" --no-rebuild --print-errorlogs "${args[@]}" "$@"
}

# The Debian 13 root is made and entered by the workplace's debootstrap
# tool, shared/tools/debian13-root/run.sh in a folder above the checkout;
# LFP_DEBIAN13_TOOL names another one.
debian13_tool() {
	local d=$top
	if [ -n "${LFP_DEBIAN13_TOOL:-}" ]; then
		[ -x "$LFP_DEBIAN13_TOOL" ] && echo "$LFP_DEBIAN13_TOOL"
		return
	fi
	while [ "$d" != / ]; do
		d=$(dirname "$d")
		if [ -x "$d/shared/tools/debian13-root/run.sh" ]; then
			echo "$d/shared/tools/debian13-root/run.sh"
			return 0
		fi
	done
	return 1
}

# Why the Debian 13 stage cannot run here; nothing when it can.
debian13_skip_reason() {
	if [ "${LFP_SKIP_DEBIAN13:-0}" = 1 ]; then
		echo "LFP_SKIP_DEBIAN13=1"
	elif [ "$(os_codename)" != bookworm ]; then
		echo "not a Debian 12 host (stages 1-3 used this machine's own DPDK)"
	elif [ "$(id -u)" -ne 0 ]; then
		echo "not root (debootstrap and chroot need root)"
	elif [ -n "${LFP_DEBIAN13_TOOL:-}" ] && ! debian13_tool >/dev/null; then
		echo "LFP_DEBIAN13_TOOL=$LFP_DEBIAN13_TOOL is not an executable"
	elif ! debian13_tool >/dev/null; then
		echo "no shared/tools/debian13-root/run.sh above $top (set LFP_DEBIAN13_TOOL)"
	fi
}

# This checkout's files as a tar stream: the working tree as git sees it
# (tracked and untracked files, not the ignored build dirs).
source_tar() {
	if git -C "$top" rev-parse --is-inside-work-tree >/dev/null 2>&1; then
		git -C "$top" ls-files -z --cached --others --exclude-standard |
			tar -C "$top" --null --ignore-failed-read -T - -cf - 2>/dev/null
	else
		tar -C "$top" --exclude='./build*' -cf - .
	fi
}

# The whole suite again (release, ASan+UBSan, TSan) on Debian 13's gcc 14
# and DPDK 24.11, in a copy of the tree inside the root, removed at the
# end. Returns 77 when skipped (the reason is printed).
stage_debian13() {
	local reason tool setup_log dir rc t0=$SECONDS
	reason=$(debian13_skip_reason)
	if [ -n "$reason" ]; then
		log "skipped: $reason"
		return 77
	fi
	tool=$(debian13_tool)
	setup_log=$(mktemp)
	if ! "$tool" --setup >"$setup_log" 2>&1; then
		log "skipped: the Debian 13 root could not be made ($tool --setup):"
		tail -n 4 "$setup_log" | sed 's/^/    /'
		rm -f "$setup_log"
		return 77
	fi
	rm -f "$setup_log"
	# A directory per run, so that checkouts may test side by side.
	dir=/build/lfpool.$$
	set +e
	source_tar | "$tool" bash -c "trap 'cd / && rm -rf $dir' EXIT
		mkdir -p $dir && tar -x -C $dir && cd $dir &&
		LFP_SKIP_DEBIAN13=1 tools/lfpool.sh test" 2>&1 | sed -u 's/^/debian13| /'
	rc=${PIPESTATUS[1]}
	set -e
	log "Debian 13 / DPDK 24.11 stage: $((SECONDS - t0)) s"
	[ "$rc" -eq 0 ] || return 1
}

cmd_test() {
	install_missing
	setup_hugepages
	local status=0

	log "1/4 release build, whole suite"
	build build -Dfuzz=true
	meson test -C build --no-rebuild --print-errorlogs || status=1

	log "2/4 AddressSanitizer + UndefinedBehaviorSanitizer build, concurrent suites"
	build build-asan -Dbuildtype=debugoptimized -Db_sanitize=address,undefined -Db_lundef=false
	ASAN_OPTIONS=abort_on_error=1:detect_leaks=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
		run_suites build-asan || status=1

	log "3/4 ThreadSanitizer build, concurrent suites"
	build build-tsan -Dbuildtype=debugoptimized -Db_sanitize=thread -Db_lundef=false
	TSAN_OPTIONS=halt_on_error=1:second_deadlock_stack=1 \
		run_suites build-tsan || status=1

	log "4/4 Debian 13 / DPDK 24.11 root, whole suite (LFP_SKIP_DEBIAN13=1 skips)"
	stage_debian13 || case $? in
		77) if [ "${LFP_REQUIRE_DEBIAN13:-0}" = 1 ]; then status=1; fi ;;
		*) status=1 ;;
	esac

	if [ $status -eq 0 ]; then log "all test builds passed"; else log "FAILURES: see above"; fi
	return $status
}

case "${1:-}" in
run) shift; [ "${1:-}" = "--" ] && shift; cmd_run "$@" ;;
test) shift; cmd_test "$@" ;;
*) echo "usage: $0 run [-- gateway options] | test" >&2; exit 2 ;;
esac
