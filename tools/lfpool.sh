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
	debhelper lintian libsystemd-dev
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
	local eal prefix=lfpool_gw_$$
	# --in-memory: no hugepage files and no shared config to leave behind
	# (the run needs no secondary); EAL still leaves its empty runtime
	# directory, removed when the program has exited.
	eal="-l 0-$(( $(nproc) > 1 ? 1 : 0 )) $(eal_memory_args) --in-memory --no-pci --file-prefix $prefix"
	# shellcheck disable=SC2064
	trap "rmdir /var/run/dpdk/$prefix 2>/dev/null || true" EXIT
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

# The suites each stage must run: every suite in the release build, the
# concurrent ones again under the sanitizers. A stage that runs fewer fails.
all_suites=(hazptr lfpool numa tradepool gateway bench dpdk docs install)
# Inside the Debian 13 stage the documents' commands are not run again:
# they ran on the host, and they are most of a stage's time.
if [ "${LFP_IN_DEBIAN13:-0}" = 1 ]; then
	all_suites=(hazptr lfpool numa tradepool gateway bench dpdk install)
fi
concurrent_suites=(hazptr lfpool numa tradepool gateway)

# meson test on the named suites of build dir $1 (stage label $2), in
# private DPDK directories, then the count of suites that ran. The suites
# are not filtered through 'meson test --list | grep -q' any more: under
# pipefail grep's early exit killed meson with SIGPIPE and dropped suites.
run_suites() {
	local dir=$1 label=$2; shift 2
	local args=() s status=0
	for s in "$@"; do args+=(--suite "lfpool:$s"); done
	with_private_dpdk_dirs "$label" \
		meson test -C "$dir" --no-rebuild --print-errorlogs "${args[@]}" || status=1
	count_suites "$dir" "$label" "$@" || status=1
	return $status
}

# Which of the suites named after $1 (build dir) and $2 (label) ran, from
# meson's log of the last run (test names are "lfpool:<suite> / <test>").
count_suites() {
	local dir=$1 label=$2; shift 2
	python3 - "$dir/meson-logs/testlog.json" "$label" "$@" <<'PY'
import json, sys
log, label, wanted = sys.argv[1], sys.argv[2], sys.argv[3:]
ran = {}
with open(log) as f:
    for line in f:
        t = json.loads(line)
        suite = t["name"].split(" / ")[0].split(":")[-1]
        ran.setdefault(suite, []).append(t["result"])
missing = [s for s in wanted if s not in ran]
print("lfpool: %s: %d of %d suites ran (%s)" % (label, len(wanted) - len(missing),
      len(wanted), ", ".join("%s %d tests%s" % (s, len(ran[s]),
      "" if "SKIP" not in ran[s] else ", %d skipped" % ran[s].count("SKIP"))
      for s in wanted if s in ran)))
if missing:
    print("lfpool: %s: FAIL: suites that did not run: %s" % (label, " ".join(missing)))
sys.exit(1 if missing else 0)
PY
}

# Run "$@" (label $1 first) with /var/run/dpdk and /dev/hugepages of its
# own, in a private mount namespace, and return its status, or 1 when it
# leaves any hugepage file or EAL runtime directory there: other DPDK
# processes on the machine can neither collide with nor be blamed for what
# a stage leaves. Without root or unshare(1), the stage runs on the shared
# directories and the check compares them before and after, ignoring what
# is still in use.
with_private_dpdk_dirs() {
	local label=$1 propagation=private; shift
	# In the Debian 13 chroot the root is no mount point, so unshare's
	# "mount --make-rprivate /" fails there; private_dpdk_dirs makes the
	# two mounts it covers private instead. The chroot shares the host's
	# /run and /dev/hugepages, where the other engineers' DPDK processes
	# come and go: a before/after comparison there blames their leftovers.
	[ "${LFP_IN_DEBIAN13:-0}" != 1 ] || propagation=unchanged
	if [ "$(id -u)" -eq 0 ] && command -v unshare >/dev/null; then
		unshare --mount --propagation "$propagation" -- \
			"$0" __private_dpdk_dirs "$(readlink /proc/self/ns/mnt)" "$label" "$@"
		return
	fi
	local before rc=0
	before=$(dpdk_entries)
	"$@" || rc=$?
	leftovers "$label" "$before" || rc=1
	return $rc
}

# Inside the namespace: fresh tmpfs and hugetlbfs mounts, which vanish (and
# free their pages) with it.
private_dpdk_dirs() {
	local caller_ns=$1 label=$2 rc=0 ns; shift 2
	# Mounting here in the caller's namespace would hide every other
	# process's runtime directory and hugepage files.
	ns=$(readlink /proc/self/ns/mnt)
	[ -n "$caller_ns" ] && [ -n "$ns" ] && [ "$ns" != "$caller_ns" ] ||
		{ log "refusing to mount over the shared DPDK directories"; return 1; }
	mkdir -p /run/dpdk /dev/hugepages
	if [ "${LFP_IN_DEBIAN13:-0}" = 1 ]; then
		make_mounts_private /run/dpdk /dev/hugepages ||
			{ log "refusing to mount: $label's DPDK directories are not private"; return 1; }
	fi
	mount -t tmpfs -o mode=0700 lfpool-dpdk /run/dpdk
	if hugepages_usable; then mount -t hugetlbfs -o pagesize=2M lfpool-huge /dev/hugepages; fi
	"$@" || rc=$?
	leftovers "$label" "" || rc=1
	return $rc
}

# Make the mounts that hold the directories "$@" private in this
# namespace (unshare --propagation unchanged copied them), so that what
# is mounted over those directories reaches no other namespace.
make_mounts_private() {
	local d m
	for d in "$@"; do
		m=$(findmnt -n -o TARGET -T "$d") && mount --make-private "$m" || return 1
	done
}

# Hugepage files and runtime directories, one per line.
dpdk_entries() {
	find /dev/hugepages /run/dpdk -mindepth 1 -maxdepth 1 2>/dev/null | sort
}

# Fails when an entry not in $2 is there and no live process has it open
# or mapped (a running process is not a leftover).
leftovers() {
	local label=$1 before=$2 e left=()
	while read -r e; do
		[ -n "$e" ] || continue
		grep -qxF -- "$e" <<<"$before" && continue
		in_use "$e" && continue
		left+=("$e")
	done <<<"$(dpdk_entries)"
	[ ${#left[@]} -eq 0 ] && return 0
	log "$label: FAIL: left ${#left[@]} hugepage file(s) or runtime dir(s) behind: ${left[*]:0:8}"
	return 1
}

in_use() {
	local e=$1
	find /proc/[0-9]*/fd /proc/[0-9]*/map_files -maxdepth 1 -lname "$e*" -print -quit 2>/dev/null | grep -q .
}

# The checks run on the installed packages, and their number.
deb_checks=(install secondary-args)

# dpkg-buildpackage -b on a copy of the tree (it writes the .debs beside the
# source), lintian (errors fail), apt-get install, the install and
# secondary tests on what the packages installed, then apt-get purge.
debian_packages() {
	local label=$1 dir=$top/build-deb rc=0 ran=0 t arch
	if [ "$(os_codename)" != bookworm ]; then
		# debian/ names DPDK 22.11's ABI 23 (librte-mempool-lfpool23).
		log "$label: skipped: the packaging is for Debian 12's DPDK ABI 23, this is $(os_codename)"
		return 0
	fi
	rm -rf "$dir"
	mkdir -p "$dir/src"
	tar -C "$top" --exclude=./build --exclude='./build-*' --exclude=./.git -cf - . |
		tar -C "$dir/src" -xf -
	if ! (cd "$dir/src" && DEB_BUILD_OPTIONS="nocheck parallel=$(nproc)" \
		dpkg-buildpackage -us -uc -b >"$dir/build.log" 2>&1); then
		log "$label: FAIL: dpkg-buildpackage, see $dir/build.log"
		return 1
	fi
	lintian --fail-on error "$dir"/*.changes || rc=1
	as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
		-o DPkg::Lock::Timeout=300 --no-install-recommends --reinstall \
		"$dir"/librte-mempool-lfpool23_*.deb "$dir"/liblfpool-dev_*.deb \
		"$dir"/lfpool-tools_*.deb >/dev/null || { log "$label: FAIL: apt-get install"; return 1; }
	arch=$(dpkg-architecture -qDEB_HOST_MULTIARCH)
	for t in "${deb_checks[@]}"; do
		case $t in
		install) with_private_dpdk_dirs "$label" tests/install/run-install-test.sh system ;;
		secondary-args) with_private_dpdk_dirs "$label" tests/install/run-secondary-test.sh \
			"/usr/lib/$arch/lfpool/librte_mempool_lfpool.so.23" \
			/usr/bin/lfpool-secondary-args "$dir/secondary" ;;
		esac || { [ $? -eq 77 ] || rc=1; }
		ran=$((ran + 1))
	done
	as_root apt-get purge -y -qq -o DPkg::Lock::Timeout=300 \
		librte-mempool-lfpool23 liblfpool-dev lfpool-tools >/dev/null || rc=1
	log "$label: $ran of ${#deb_checks[@]} checks ran on the installed packages"
	return $rc
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
		LFP_SKIP_DEBIAN13=1 LFP_IN_DEBIAN13=1 tools/lfpool.sh test" 2>&1 | sed -u 's/^/debian13| /'
	rc=${PIPESTATUS[1]}
	set -e
	log "Debian 13 / DPDK 24.11 stage: $((SECONDS - t0)) s"
	[ "$rc" -eq 0 ] || return 1
}

cmd_test() {
	install_missing
	setup_hugepages
	local status=0 t=$SECONDS

	log "1/5 release build, whole suite"
	build build -Dfuzz=true
	run_suites build "1/5 release" "${all_suites[@]}" || status=1
	log "1/5 release stage: $((SECONDS - t)) s"; t=$SECONDS

	log "2/5 AddressSanitizer + UndefinedBehaviorSanitizer build, concurrent suites"
	build build-asan -Dbuildtype=debugoptimized -Db_sanitize=address,undefined -Db_lundef=false
	ASAN_OPTIONS=abort_on_error=1:detect_leaks=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
		run_suites build-asan "2/5 ASan+UBSan" "${concurrent_suites[@]}" || status=1
	log "2/5 ASan+UBSan stage: $((SECONDS - t)) s"; t=$SECONDS

	log "3/5 ThreadSanitizer build, concurrent suites"
	build build-tsan -Dbuildtype=debugoptimized -Db_sanitize=thread -Db_lundef=false
	TSAN_OPTIONS=halt_on_error=1:second_deadlock_stack=1 \
		run_suites build-tsan "3/5 TSan" "${concurrent_suites[@]}" || status=1
	log "3/5 TSan stage: $((SECONDS - t)) s"; t=$SECONDS

	log "4/5 Debian packages: build, lintian, install, test what they installed"
	debian_packages "4/5 Debian packages" || status=1
	log "4/5 Debian packages stage: $((SECONDS - t)) s"

	log "5/5 Debian 13 / DPDK 24.11 root, whole suite (LFP_SKIP_DEBIAN13=1 skips)"
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
__private_dpdk_dirs) shift; private_dpdk_dirs "$@" ;;
*) echo "usage: $0 run [-- gateway options] | test" >&2; exit 2 ;;
esac
