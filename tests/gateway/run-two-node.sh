#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The lfpool authors
#
# Run the order gateway with worker lcores on two NUMA sockets: a Debian 12
# guest with two nodes under QEMU (software emulation), booted by the
# numa-guest tool, runs this host build's gateway on a small seeded flow.
# Then check, from its JSON report, that it exited 0 with every object back
# (no leak), that each worker took its typed objects from its own socket's
# pools, that both sockets' pools were used, and that both workers traded.
#
#   tests/gateway/run-two-node.sh [-C BUILD_DIR] [--orders N] [--seed N]
#
#   -C BUILD_DIR   meson build directory (default: build); it must lie inside
#                  the folder the guest shares (the parent of this checkout)
#   --orders N     requests of the flow (default 20000)
#   --seed N       flow seed (default 7)
#
# The guest has one vCPU per node: the main lcore (the flow's generator) and
# worker 0 share CPU 0 on socket 0, worker 1 has CPU 1 on socket 1
# (--lcores 0@0,1@0,2@1). The gateway runs with --numa-policy local, so a
# pool it cannot place on its socket is an error, and --count-syscalls.
#
# Environment:
#   NUMA_GUEST_RUN   the tool's run.sh (default: ../shared/tools/numa-guest/
#                    run.sh next to this checkout); its own knobs
#                    (NUMA_GUEST_*) pass through
#
# Not part of the test suite: a run takes one to a few minutes under
# emulation (the first one also builds the guest image: root and Debian's
# apt registry needed, about 3 minutes). Exit status: 0 when the gateway
# exited 0 and every check passed, 1 when a check failed, the gateway's
# status when it failed, 125 when the guest never reported one.
set -euo pipefail

top=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
build=build
orders=20000
seed=7
while [ $# -gt 0 ]; do
	case "$1" in
	-C) build=$2; shift 2 ;;
	--orders) orders=$2; shift 2 ;;
	--seed) seed=$2; shift 2 ;;
	-h | --help) sed -n '2,/^set -e/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
	*) echo "run-two-node.sh: unknown argument '$1' (see --help)" >&2; exit 2 ;;
	esac
done

. "$top/tools/two-node-lib.sh"
two_node_setup

ninja -C "$build" app/order-gateway/order-gateway >/dev/null
out=$build/gateway-two-node
mkdir -p "$out"
json=$out/gateway.json
rm -f "$json"

# Small pools: mempool population is slow under emulation. The guest has
# 256 x 2 MiB hugepages per node.
script="set -u
echo '== numactl -H'; numactl -H
echo '== order-gateway'
$build/app/order-gateway/order-gateway --lcores 0@0,1@0,2@1 \\
	--socket-mem 192,192 --no-pci --no-telemetry --file-prefix gw_two_node \\
	--log-level lib.eal:notice -- \\
	--orders $orders --seed $seed --symbols 64 --live-per-symbol 16 \\
	--mbufs 8192 --numa-policy local --stats-interval 0 --count-syscalls \\
	--json $json
r=\$?; echo \"== order-gateway: rc=\$r\"; exit \$r"

rc=0
"$guest" "$script" || rc=$?
[ "$rc" = 0 ] || { echo "run-two-node.sh: the gateway (or the guest) failed: rc=$rc" >&2; exit "$rc"; }

python3 - "$json" <<'EOF'
import json
import sys

r = json.load(open(sys.argv[1]))
bad = []


def check(ok, what):
    print(("ok   " if ok else "FAIL ") + what)
    if not ok:
        bad.append(what)


check(r["pools_full"], "every object back in its pool (no leak)")
workers = r["workers"]
sockets = sorted({w["socket"] for w in workers})
check(sockets == [0, 1], "workers on sockets 0 and 1 (%s)" % sockets)
for i, w in enumerate(workers):
    check(w["pool_socket"] == w["socket"],
          "worker %d (lcore %d, socket %d) takes typed objects from socket %d"
          % (i, w["lcore"], w["socket"], w["pool_socket"]))
    check(w["rx_pkts"] > 0, "worker %d traded (%d requests)" % (i, w["rx_pkts"]))
    loop = w["loop"]
    if loop["syscall_counter"]:
        check(loop["syscalls"] == 0,
              "worker %d loop: %d system calls" % (i, loop["syscalls"]))
types = ("order", "order_node", "price_level", "trade")
for p in r["pools"]:
    allocs = {t: p[t]["allocs"] for t in types}
    check(allocs["order"] > 0 and allocs["order_node"] > 0,
          "socket %d pools used: allocs %s" % (p["socket"], allocs))
check(r["engine"]["frames"] == r["config"]["orders"],
      "%d requests handled" % r["engine"]["frames"])
sys.exit(1 if bad else 0)
EOF
