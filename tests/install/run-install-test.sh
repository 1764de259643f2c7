#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The lfpool authors
#
# What a DPDK user does with an installed lfpool, from the installed files
# only:
#   run-install-test.sh stage <build dir>   meson install --destdir into
#                                           <build dir>/install-stage and
#                                           test that tree (PKG_CONFIG_PATH)
#   run-install-test.sh system              test the installed packages
# It checks the installed files (each public header compiles alone, the
# static libraries, the plug-in's SONAME and that it exports exactly the
# symbols of version.map), then builds tests/install/oot_pool.c with
# pkg-config alone, with the shared plug-in (twice: calling its API, and
# naming its ops only) and with the static driver (--static), and runs them on --no-huge EAL with their own --file-prefix.

set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
top=$(cd "$here/../.." && pwd)
version_map=$top/drivers/mempool/lfpool/version.map
pc=libdpdk-lfpool

fail() { echo "install test: FAIL: $*" >&2; exit 1; }
note() { echo "install test: $*"; }

stage_install() {
	local build stage pcfile
	build=$(cd "$1" && pwd)
	stage=$build/install-stage
	rm -rf "$stage"
	meson install -C "$build" --no-rebuild --destdir "$stage" >"$build/install-stage.log" ||
		fail "meson install failed, see $build/install-stage.log"
	pcfile=$(find "$stage" -name "$pc.pc" -print -quit)
	[ -n "$pcfile" ] || fail "no $pc.pc installed"
	export PKG_CONFIG_PATH=${pcfile%/*}
	work=$build/install-test
}

# Each public header, alone, with the package's compile flags.
check_headers() {
	local incdir h
	incdir=$(pkg-config --variable=includedir $pc)
	for h in lfp_config.h lfp_hazptr.h lfp_mempool.h lfp_numa.h lfp_tradepool.h; do
		[ -f "$incdir/$h" ] || fail "$h not installed in $incdir"
		printf '#include <%s>\n' "$h" |
			cc -fsyntax-only -Wall -Wextra -Werror -x c - $(pkg-config --cflags $pc) ||
			fail "$h does not compile on its own"
	done
}

check_libraries() {
	local libdir a
	libdir=$(pkg-config --variable=libdir $pc)
	for a in liblfp_hazptr.a liblfp_numa.a liblfp_tradepool.a \
		librte_mempool_lfpool.a liblfpool_plugin_ref.a; do
		[ -f "$libdir/$a" ] || fail "$a not installed in $libdir"
	done
}

# The plug-in: a SONAME, and exactly version.map's global symbols.
check_plugin() {
	local so soname want got
	so=$(pkg-config --variable=plugindir $pc)/librte_mempool_lfpool.so
	[ -e "$so" ] || fail "$so not installed"
	soname=$(readelf -d "$so" | sed -n 's/.*(SONAME).*\[\(.*\)\]/\1/p')
	[[ $soname == librte_mempool_lfpool.so.[0-9]* ]] || fail "plug-in SONAME is '$soname'"
	want=$(sed -n 's/^\t\(lfp_[a-z0-9_]*\);$/\1/p' "$version_map" | sort)
	got=$(nm -D --defined-only "$so" | awk '$2 != "A" {sub(/@.*/, "", $3); print $3}' | sort)
	[ "$want" = "$got" ] || fail "plug-in exports differ from version.map:
$(diff <(echo "$want") <(echo "$got") || true)"
	plugin_soname=$soname
	note "plug-in $soname exports $(echo "$got" | wc -l) symbols, as version.map"
}

# Build oot_pool.c with pkg-config alone; $1 = shared|static|by-name (a
# shared build that refers to the driver by its ops name only).
build_oot() {
	local mode=$1 exe=$work/oot_pool_$1 flags=() defs=()
	case $mode in
	static) flags=(--static) ;;
	by-name) defs=(-DOOT_OPS_BY_NAME_ONLY) ;;
	esac
	# shellcheck disable=SC2046
	cc -O2 -Wall -Wextra -Werror "${defs[@]}" "$here/oot_pool.c" -o "$exe" \
		$(pkg-config --cflags --libs "${flags[@]}" $pc) || fail "$mode build failed"
	if readelf -d "$exe" | grep -qF "[$plugin_soname]"; then
		[ "$mode" != static ] || fail "static build still needs $plugin_soname"
	else
		[ "$mode" = static ] || fail "$mode build dropped $plugin_soname (--as-needed)"
	fi
}

run_oot() {
	local mode=$1 prefix=lfp_oot_$1_$$
	"$work/oot_pool_$mode" -l 0 --no-huge -m 128 --no-shconf --no-pci \
		--no-telemetry --file-prefix "$prefix" || fail "$mode program failed"
	[ ! -e "/var/run/dpdk/$prefix" ] || fail "$mode program left /var/run/dpdk/$prefix"
	note "$mode build passed"
}

case "${1:-}" in
stage) [ $# -eq 2 ] || fail "usage: $0 stage <build dir>"; stage_install "$2" ;;
system) work=$(mktemp -d); trap 'rm -rf "$work"' EXIT ;;
*) echo "usage: $0 stage <build dir> | system" >&2; exit 2 ;;
esac
mkdir -p "$work"
check_headers
check_libraries
check_plugin
for mode in shared by-name static; do
	build_oot $mode
	run_oot $mode
done
note "passed ($(pkg-config --modversion $pc), $(pkg-config --variable=prefix $pc))"
