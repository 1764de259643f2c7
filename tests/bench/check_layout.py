#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The lfpool authors
"""lfpool-bench finds numa_bench (scenario 8) from its own place, as
meson install lays them out (bindir/lfpool-bench,
libexecdir/lfpool/numa_bench), not from the build tree it came from: both
are copied into a scratch prefix, the build tree's copy hidden by name,
and --quick --scenarios numa must report numa_bench's figures.

Usage: check_layout.py LFPOOL_BENCH NUMA_BENCH BINDIR LIBEXECDIR
Exit status: 0 pass, 1 fail, 77 skipped (a program not built).
"""

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

from check_quick import eal_args

SKIP = 77


def main():
    bench, numa, bindir, libexecdir = sys.argv[1:5]
    if not (os.access(bench, os.X_OK) and os.access(numa, os.X_OK)):
        print("lfpool-bench or numa_bench not built: skipped")
        return SKIP
    if os.path.isabs(bindir) or os.path.isabs(libexecdir):
        print("absolute bindir or libexecdir: the path is not relative")
        return SKIP
    with tempfile.TemporaryDirectory(prefix="lfpool-layout-") as prefix:
        exe = os.path.join(prefix, bindir, "lfpool-bench")
        os.makedirs(os.path.dirname(exe))
        shutil.copy2(bench, exe)
        helper = os.path.join(prefix, libexecdir, "lfpool", "numa_bench")
        os.makedirs(os.path.dirname(helper))
        shutil.copy2(numa, helper)
        out = os.path.join(prefix, "numa.json")
        cmd = [exe] + eal_args() + ["--", "--quick", "--scenarios", "numa",
                                    "--json", out]
        print(" ".join(cmd), flush=True)
        proc = subprocess.run(cmd, timeout=300, stderr=subprocess.PIPE,
                              text=True)
        print(proc.stderr)
        if proc.returncode != 0:
            print("FAIL: exit %d" % proc.returncode)
            return 1
        with open(out) as f:
            numa_doc = json.load(f).get("numa", {})
    if "note" in numa_doc and "ThreadSanitizer" in numa_doc["note"]:
        print("numa_bench is not run under ThreadSanitizer: skipped")
        return SKIP
    ran = re.search(r"lfpool-bench: numa \((.*)\)", proc.stderr)
    if ran is None or os.path.normpath(ran.group(1)) != helper:
        print("FAIL: numa_bench not run from %s" % helper)
        return 1
    if not numa_doc.get("costs"):
        print("FAIL: no numa_bench figures: %s" % numa_doc)
        return 1
    print("numa_bench found at %s" % helper)
    return 0


if __name__ == "__main__":
    sys.exit(main())
