#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The lfpool authors
"""Every program refuses a bad option value the same way (app/common's
lfp_opt.h): exit status 2, one line naming the option, before any work.

Usage: check_options.py NAME=PATH ...   (lfpool-bench, hazptr-bench,
       lfpool-demo, mbuf_pool, trading_pools, numa_bench)
A program that was not built is skipped; all missing: exit 77.
"""

import os
import shutil
import subprocess
import sys

SKIP = 77
USAGE = 2
# Output paths that cannot be created: checked before the run starts.
NO_DIR = "/nonexistent-lfpool-dir/out"

# (arguments after "--", the option the message must name)
CASES = {
    "lfpool-bench": [
        (["--sizes", "64,-1"], "--sizes"),
        (["--sizes", "64,"], "--sizes"),
        (["--allocators", "foo"], "--allocators"),
        (["--allocators", "lfpool,foo"], "--allocators"),
        (["--runs", "0"], "--runs"),
        (["--runs", "17"], "--runs"),
        (["--bulks", "abc"], "--bulks"),
        (["--caches", "1000"], "--caches"),
        (["--scenarios", "10"], "--scenarios"),
        (["--duration-ms", "-1"], "--duration-ms"),
        (["--window", "5x"], "--window"),
        (["--pool-size", "99999999999"], "--pool-size"),
        (["--json", NO_DIR + ".json"], "--json"),
        (["--plot", NO_DIR + "/plots"], "--plot"),
    ],
    "hazptr-bench": [
        (["--iterations", "-5"], "--iterations"),
        (["--repeat", "0"], "--repeat"),
        (["--sync-iterations", "x"], "--sync-iterations"),
        (["--json", NO_DIR + ".json"], "--json"),
    ],
    "lfpool-demo": [
        (["--bulk", "-1"], "--bulk"),
        (["--objects", "abc"], "--objects"),
        (["--cache", "513"], "--cache"),
        (["--seconds", "0"], "--seconds"),
        (["--ops", "foo"], "--ops"),
    ],
    "mbuf_pool": [
        (["--mbufs", "-5"], "--mbufs"),
        (["--mbufs", "12abc"], "--mbufs"),
    ],
    "trading_pools": [
        (["--burst", "abc"], "--burst"),
        (["--orders", "-1"], "--orders"),
        (["--policy", "x"], "--policy"),
        (["--ops", "foo"], "--ops"),
    ],
    "numa_bench": [
        (["--iters", "-1"], "--iters"),
        (["--batch", "0"], "--batch"),
        (["--cache", "x"], "--cache"),
        (["--locality", "99999999"], "--locality"),
        (["--ops", "foo"], "--ops"),
    ],
}


def eal_args(n):
    """One lcore, no hugepages, no shared files, a prefix of its own."""
    return ["-l", str(min(os.sched_getaffinity(0))), "--no-huge", "-m",
            "256", "--no-shconf", "--no-pci", "--no-telemetry",
            "--file-prefix", "lfp_opts_%d_%d" % (os.getpid(), n),
            "--log-level", "lib.eal:error"]


def runtime_dir(n):
    """EAL's runtime directory of case n (made even with --no-shconf)."""
    base = "/var/run/dpdk" if os.geteuid() == 0 else os.path.join(
        os.environ.get("XDG_RUNTIME_DIR", "/tmp"), "dpdk")
    return os.path.join(base, "lfp_opts_%d_%d" % (os.getpid(), n))


def check(name, exe, n, args, opt):
    cmd = [exe] + eal_args(n) + ["--"] + args
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True,
                              timeout=60)
    finally:
        shutil.rmtree(runtime_dir(n), ignore_errors=True)
    err = proc.stderr
    lines = [l for l in err.splitlines() if opt + ":" in l]
    problems = []
    if proc.returncode != USAGE:
        problems.append("exit %d, not %d" % (proc.returncode, USAGE))
    if not lines:
        problems.append("no message naming %s" % opt)
    # Refused before any work: lfpool-bench prints a line per run step.
    if "objects, run" in err:
        problems.append("started a run first")
    if os.path.exists(NO_DIR.rsplit("/", 1)[0]):
        problems.append("created %s" % NO_DIR)
    status = "FAIL" if problems else "ok"
    print("%s: %s %s: %s%s" % (status, name, " ".join(args),
                               lines[0] if lines else err.strip()[-200:],
                               " (" + "; ".join(problems) + ")"
                               if problems else ""))
    return not problems


def main():
    progs = dict(a.split("=", 1) for a in sys.argv[1:])
    ran = failed = n = 0
    for name, cases in CASES.items():
        exe = progs.get(name)
        if exe is None or not os.access(exe, os.X_OK):
            print("%s not built: skipped" % name)
            continue
        for args, opt in cases:
            n += 1
            ran += 1
            failed += not check(name, exe, n, args, opt)
    print("%d cases, %d failed" % (ran, failed))
    if ran == 0:
        return SKIP
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
