#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The lfpool authors
#
# Run one of DPDK's own autotests with lfpool as the mbuf pool driver:
# Debian's dpdk-test (package dpdk-dev) loads the built plug-in with -d and
# gets --mbuf-pool-ops-name lfpool, so every rte_pktmbuf_pool_create() of
# the test asks lfpool for its pool.
#
#   dpdk_autotest.sh --plugin SO --workdir DIR --test NAME [--runs N]
#                    [--pool NAME]... [--expect TEXT]...
#
#   --plugin SO    the built librte_mempool_lfpool.so
#   --workdir DIR  where the private copy of the plug-in goes (a build dir)
#   --test NAME    the autotest, e.g. mbuf_autotest
#   --runs N       run it N times in a row, each a process of its own with
#                  its own --file-prefix (default 1)
#   --pool NAME    a pool the test creates that lfpool must have served:
#                  lfpool_alloc() logs "NAME: <n> objects, ..." at DEBUG
#                  level (log type mempool.lfpool) for every pool it gets
#   --expect TEXT  a line the test must print, such as mempool_autotest's
#                  "Testing lfpool mempool handler"
#
# A run passes when dpdk-test exits 0, prints "Test OK" and every --pool
# and --expect line. "Test Skipped" (dpdk-test exits 77) is a skip, with
# the lines the test printed before it as the reason. No dpdk-test at all
# is a skip too.
#
# Memory: 512 MB of 2 MB hugepages with --huge-unlink when enough are free
# on the first hugetlbfs mount, else --no-huge -m 512; EAL failing to get
# the hugepages after all (another process took them) means one more try
# with --no-huge. dpdk-test leaves its runtime directory
# (/var/run/dpdk/<prefix>) behind even after a clean exit: it is removed
# after every run, with any hugepage file of the prefix, and a run that
# leaves one anyway fails.
#
# Builds: release and ASan/UBSan. An ASan plug-in cannot be dlopen()ed by
# Debian's uninstrumented dpdk-test unless the runtime comes first, so the
# sanitizer runtimes the plug-in needs are preloaded. A ThreadSanitizer
# plug-in is skipped: TSan cannot see the synchronization inside DPDK's
# uninstrumented libraries, so what it reported would not be about lfpool.
#
# Environment: LFP_DPDK_TEST, the dpdk-test to run (default: the one on
# PATH). Exit status: 0 passed, 77 skipped, 1 failed, 2 bad usage.
set -uo pipefail

readonly SKIP=77
readonly MEM_MB=512
# Free 2 MB pages wanted before booting on hugepages: this run's and as
# many again for a test meson runs next to it.
readonly HUGE_PAGES_WANTED=$((2 * MEM_MB / 2))

plugin='' workdir='' test='' runs=1
pools=() expects=()

usage() {
	sed -n '10,22p' "$0" | sed 's/^# \{0,1\}//' >&2
	exit 2
}

while [ $# -gt 0 ]; do
	case $1 in
	--plugin) plugin=${2:-} ;;
	--workdir) workdir=${2:-} ;;
	--test) test=${2:-} ;;
	--runs) runs=${2:-} ;;
	--pool) pools+=("${2:-}") ;;
	--expect) expects+=("${2:-}") ;;
	*) echo "dpdk_autotest: unknown option '$1'" >&2; usage ;;
	esac
	[ $# -ge 2 ] || { echo "dpdk_autotest: $1 needs a value" >&2; usage; }
	shift 2
done
if [ -z "$plugin" ] || [ -z "$workdir" ] || [ -z "$test" ]; then usage; fi
case $runs in
'' | *[!0-9]* | 0) echo "dpdk_autotest: --runs must be 1 or more, not '$runs'" >&2; exit 2 ;;
esac

log() { printf 'dpdk_autotest: %s\n' "$*"; }
fail() { log "FAIL: $*"; exit 1; }
skip() { log "SKIP: $*"; exit $SKIP; }

# --- The plug-in, and what it needs to be loaded ---

dpdk_test=${LFP_DPDK_TEST:-$(command -v dpdk-test || true)}
if [ -z "$dpdk_test" ] || [ ! -x "$dpdk_test" ]; then
	skip "no dpdk-test (Debian package dpdk-dev; tools/lfpool.sh installs it)"
fi
[ -f "$plugin" ] || fail "no plug-in at $plugin"

# Sanitizer runtimes the plug-in links, as "name path" lines from ldd.
sanitizer_runtimes() {
	ldd "$plugin" | awk '$1 ~ /^lib(asan|ubsan|tsan)\.so/ { print $1, $3 }'
}

preload=()
while read -r name path; do
	case $name in
	libtsan.*) skip "ThreadSanitizer plug-in: TSan cannot see DPDK's own" \
		"synchronization in an uninstrumented dpdk-test (run this suite" \
		"from the release or ASan build)" ;;
	# ASan's runtime must come first in the process: ahead of UBSan's.
	libasan.*) preload=("$path" "${preload[@]}") ;;
	*) preload+=("$path") ;;
	esac
done < <(sanitizer_runtimes)

# EAL (eal_dlopen() -> verify_perms(), v22.11) refuses a plug-in when the
# file or any directory above its real path is writable by others, sticky
# bit or not, so /tmp is out. Name the first such path, as EAL would.
world_writable_in_path() {
	local p
	p=$(realpath "$1") || return 1
	while :; do
		[ "$(stat -c %A "$p" | cut -c9)" = w ] && { echo "$p"; return 0; }
		[ "$p" = / ] && return 1
		p=$(dirname "$p")
	done
}

# A private copy: a relink of the build's plug-in while dpdk-test runs
# cannot change the library under it, and its mode is 0644 whatever the
# umask.
copy_dir=$workdir/plugin-$test-$$
out=$copy_dir/output
mkdir -m 0755 "$copy_dir" || fail "cannot create $copy_dir"
cleanup_copy() { rm -rf "$copy_dir"; }
trap cleanup_copy EXIT
install -m 0644 "$plugin" "$copy_dir/" || fail "cannot copy $plugin"
plugin_copy=$copy_dir/$(basename "$plugin")
if bad=$(world_writable_in_path "$plugin_copy"); then
	fail "$bad is world-writable: EAL will not load a plug-in below it;" \
		"use a build directory outside world-writable directories"
fi

# --- Memory ---

# The first hugetlbfs mount, the one EAL would pick, when its pages are
# the default size (the size HugePages_Free counts).
hugepage_dir() {
	local default_kb
	default_kb=$(awk '/^Hugepagesize:/ { print $2 }' /proc/meminfo)
	[ -n "$default_kb" ] || return 1
	awk -v want="$default_kb" '
		$3 == "hugetlbfs" {
			kb = want
			if (match($4, /pagesize=[0-9]+[KMG]/)) {
				s = substr($4, RSTART + 9, RLENGTH - 9)
				u = substr(s, length(s)); kb = substr(s, 1, length(s) - 1)
				kb *= (u == "G") ? 1048576 : (u == "M") ? 1024 : 1
			}
			if (kb == want) { print $2; found = 1; exit }
		}
		END { exit !found }' /proc/mounts
}

no_huge_args=(--no-huge -m "$MEM_MB")
huge_dir=
if huge_dir=$(hugepage_dir) &&
	[ "$(awk '/^HugePages_Free:/ { print $2 }' /proc/meminfo)" -ge $HUGE_PAGES_WANTED ]; then
	mem_args=(--huge-dir "$huge_dir" --huge-unlink -m "$MEM_MB")
else
	huge_dir=
	mem_args=("${no_huge_args[@]}")
fi

# EAL's runtime directory for a prefix (eal_create_runtime_dir(), v22.11).
runtime_dir() {
	local base=${RUNTIME_DIRECTORY:-}
	if [ -z "$base" ]; then
		if [ "$(id -u)" -eq 0 ]; then base=/var/run; else base=${XDG_RUNTIME_DIR:-/tmp}; fi
	fi
	echo "$base/dpdk/$1"
}

# Remove what a run of this prefix left, then fail if anything remains.
clean_prefix() {
	local prefix=$1 dir left=()
	dir=$(runtime_dir "$prefix")
	rm -rf "$dir"
	[ -e "$dir" ] && left+=("$dir")
	while read -r mnt; do
		rm -f "$mnt/${prefix}map_"*
		compgen -G "$mnt/${prefix}map_*" >/dev/null && left+=("$mnt/${prefix}map_*")
	done < <(awk '$3 == "hugetlbfs" { print $2 }' /proc/mounts)
	[ ${#left[@]} -eq 0 ] || fail "cannot remove ${left[*]}"
}

# --- One run ---

child='' prefix=''
on_signal() {
	log "interrupted: stopping dpdk-test"
	[ -n "$child" ] && kill "$child" 2>/dev/null && wait "$child"
	[ -f "$out" ] && cat "$out"
	[ -n "$prefix" ] && clean_prefix "$prefix"
	exit 1
}
trap on_signal INT TERM

# Runs dpdk-test once; its output goes to stdout (meson's log) and $out.
run_dpdk_test() {
	local status
	(
		[ ${#preload[@]} -gt 0 ] && export LD_PRELOAD="${preload[*]}"
		export DPDK_TEST=$test
		# Line-buffered: a run killed on timeout still shows how far
		# it got, and the driver's log lines stay in order with it.
		exec stdbuf -oL "$dpdk_test" -l 0-1 --no-pci "$@" --file-prefix "$prefix" \
			-d "$plugin_copy" --mbuf-pool-ops-name lfpool \
			--log-level=mempool.lfpool:debug
	) </dev/null >"$out" 2>&1 &
	child=$!
	wait "$child"
	status=$?
	child=
	cat "$out"
	# dpdk-test's last prompt has no newline.
	[ -z "$(tail -c 1 "$out")" ] || echo
	clean_prefix "$prefix"
	return $status
}

# EAL gave up on memory before the test began (its prompt never printed).
eal_lacked_hugepages() {
	! grep -q '^RTE>>' "$out" && grep -q 'Cannot init memory' "$out"
}

# What the test printed between its prompt (echoed with a CR) and "Test
# Skipped", less the unit-test suite's " + " framing: where dpdk-test's
# tests give a reason.
skip_reason() {
	sed -n "/^RTE>>$test\r\{0,1\}\$/,/^Test Skipped\$/p" "$out" |
		grep -v -e '^RTE>>' -e '^ + ' -e '^Test Skipped$' | tail -n 5
}

check_run() {
	local status=$1 line
	if [ "$status" -eq $SKIP ] && grep -qx 'Test Skipped' "$out"; then
		log "$test skipped itself; its own last lines (without the" \
			"suite's summary table) say why:"
		skip_reason | sed 's/^/    /'
		skip "$test: skipped by dpdk-test"
	fi
	[ "$status" -eq 0 ] || fail "$test: dpdk-test exited with status $status"
	grep -qx 'Test OK' "$out" || fail "$test: exit status 0 but no 'Test OK'"
	for line in "${expects[@]}"; do
		grep -qxF "$line" "$out" || fail "$test: no line '$line'"
	done
	# No anchor: the log line can follow a printf() without a newline.
	for line in "${pools[@]}"; do
		grep -qF "lfpool_alloc(): $line: " "$out" ||
			fail "$test: pool $line was not lfpool's (no" \
				"'lfpool_alloc(): $line: ' debug line)"
	done
}

for ((run = 1; run <= runs; run++)); do
	prefix=lfp_dpdk_${test}_r${run}_$$
	log "run $run/$runs: ${mem_args[*]}${preload[*]:+, LD_PRELOAD=${preload[*]}}"
	run_dpdk_test "${mem_args[@]}"
	status=$?
	if [ $status -ne 0 ] && [ -n "$huge_dir" ] && eal_lacked_hugepages; then
		log "EAL found too few free hugepages; again with --no-huge"
		huge_dir=
		mem_args=("${no_huge_args[@]}")
		run_dpdk_test "${mem_args[@]}"
		status=$?
	fi
	check_run $status
	log "run $run/$runs passed"
done
prefix=
log "PASS: $test, $runs run(s)${pools[*]:+, pools served by lfpool: ${pools[*]}}"
