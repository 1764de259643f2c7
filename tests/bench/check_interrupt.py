#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The lfpool authors
"""An interrupted lfpool-bench keeps what it measured: SIGINT after the
first run step must end it with status 130 (128 + SIGINT) and a JSON
report marked incomplete that holds the results of that step. Its
progress lines give the time left. Nothing about timing is asserted.

Usage: check_interrupt.py PATH/TO/lfpool-bench
Exit status: 0 pass, 1 fail, 77 skipped (tool not built).
"""

import json
import os
import re
import signal
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
    with tempfile.TemporaryDirectory(prefix="lfpool-bench-int-") as tmp:
        out = os.path.join(tmp, "partial.json")
        # Three runs of same+pipeline: long enough to be interrupted.
        cmd = [exe] + eal_args() + ["--", "--quick", "--runs", "3",
                                    "--scenarios", "same,pipeline",
                                    "--json", out]
        print(" ".join(cmd), flush=True)
        proc = subprocess.Popen(cmd, stderr=subprocess.PIPE, text=True,
                                stdout=subprocess.DEVNULL)
        progress = []
        for line in proc.stderr:
            print(line, end="")
            if "objects, run" in line:
                progress.append(line)
            # The second step's line: the first step's results exist.
            if len(progress) == 2:
                proc.send_signal(signal.SIGINT)
                break
        proc.stderr.read()
        rc = proc.wait(timeout=300)
        errors = []
        if len(progress) < 2:
            errors.append("fewer than 2 progress lines")
        elif not re.search(r"\d+ % done, about \d+ min \d+ s left",
                           progress[1]):
            errors.append("no time left in %r" % progress[1])
        if rc != 128 + signal.SIGINT:
            errors.append("exit status %d, not %d" %
                          (rc, 128 + signal.SIGINT))
        report = {}
        if os.path.exists(out):
            with open(out) as f:
                report = json.load(f)
        else:
            errors.append("no JSON report written")
    if report and report.get("incomplete") is not True:
        errors.append("report not marked incomplete")
    measured = [r for r in report.get("results", []) if r.get("metrics")]
    if report and not measured:
        errors.append("report holds no measured result")
    for e in errors:
        print("FAIL:", e)
    print("%d measured records kept, %d problems" %
          (len(measured), len(errors)))
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
