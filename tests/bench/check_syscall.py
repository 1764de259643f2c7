#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The lfpool authors
"""G5's system-call counter catches a planted call: with
--self-test-syscall, lfpool's steady-state window makes one getppid(),
and every steady record of lfpool must count exactly 1 (the loop itself
makes none), and G5's "no system call" targets must be missed.

Usage: check_syscall.py PATH/TO/lfpool-bench
Exit status: 0 pass, 1 fail, 77 skipped (tool not built, or no seccomp
listener allowed here).
"""

import json
import os
import subprocess
import sys
import tempfile

from check_quick import eal_args

SKIP = 77


def main():
    exe = sys.argv[1]
    if not os.access(exe, os.X_OK):
        print("lfpool-bench not built: skipped")
        return SKIP
    with tempfile.TemporaryDirectory(prefix="lfpool-bench-sysc-") as tmp:
        out = os.path.join(tmp, "sysc.json")
        cmd = [exe] + eal_args() + ["--", "--quick", "--scenarios",
                                    "latency", "--allocators", "lfpool",
                                    "--self-test-syscall", "--json", out]
        print(" ".join(cmd), flush=True)
        proc = subprocess.run(cmd, timeout=300, stdout=subprocess.DEVNULL)
        if proc.returncode != 0:
            print("FAIL: exit %d" % proc.returncode)
            return 1
        with open(out) as f:
            report = json.load(f)
    steady = [r for r in report["results"] if r["scenario"] == "steady"
              and r["allocator"] == "lfpool"]
    counted = [r for r in steady if "syscalls" in r.get("metrics", {})]
    if steady and not counted:
        print("no seccomp listener here: skipped (%s)" %
              steady[0].get("note"))
        return SKIP
    errors = []
    if not counted:
        errors.append("no steady record for lfpool")
    for r in counted:
        seen = r["metrics"]["syscalls"]["runs"]
        if seen != [1]:
            errors.append("cache %s: counted %s, not [1]" %
                          (r.get("cache"), seen))
    g5 = [t for t in report["targets"] if t["id"] == "G5"
          and "no system call" in t["check"]]
    if any(t["status"] != "MISSED" for t in g5):
        errors.append("G5 'no system call' not missed: %s" %
                      [t["status"] for t in g5])
    for e in errors:
        print("FAIL:", e)
    print("%d steady records counted the planted call, %d problems" %
          (len(counted), len(errors)))
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
