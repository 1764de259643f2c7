#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The lfpool authors
"""Every shell command of a document runs as written: the fenced ```sh
blocks of README.md or doc/*.md are extracted, each block runs as one bash
script (set -e, pipefail; so its commands may share files, $$ and a
background job), in a scratch directory where build/ is this build tree
and order-gateway is on PATH, with a time bound. A non-zero exit fails.

Commands that cannot run here are listed in EXCLUDED with the reason, and
are left out of their block (printed, never silently). What a command
leaves in EAL's runtime directory or in hugetlbfs under its
--file-prefix (a name ending in _$$) is removed after the block.

Usage: check_docs.py SOURCE_ROOT BUILD_ROOT DOC.md
Exit status: 0 pass, 1 fail, 77 skipped (no runnable command).
"""

import glob
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile

SKIP = 77
BLOCK_TIMEOUT = 600

# (document, regular expression matched against the start of a command,
#  why it is not run here)
EXCLUDED = [
    ("README.md", r"tools/lfpool\.sh run",
     "installs packages and builds into build/, which this test runs from"),
    ("README.md", r"tools/lfpool\.sh test",
     "the test command itself: runs this suite"),
    ("README.md", r"build/app/lfpool-bench/lfpool-bench .*--cpu-time",
     "the full benchmark: minutes of a loaded machine (bench-quick runs "
     "the same tool with --quick)"),
    ("README.md", r"dpdk-proc-info --file-prefix tp_",
     "a secondary of the testpmd primary above, on hugepages; the install "
     "suite's secondary-args test runs the same pair"),
    ("README.md", r"cc app\.c ",
     "builds the reader's own app.c against an installed lfpool; the "
     "install suite builds two such programs from a staged install"),
    ("doc/performance.md", r"sudo apt-get install",
     "needs the network and root; tools/lfpool.sh installs the same"),
    ("doc/performance.md", r"meson setup build && ninja -C build",
     "reconfigures build/, which this test runs from"),
    ("doc/performance.md", r"build/app/lfpool-bench/lfpool-bench",
     "the full benchmark: minutes of a loaded machine (bench-quick runs "
     "the same tool with --quick)"),
    ("doc/gateway.md", r"tools/lfpool\.sh run",
     "installs packages and builds into build/, which this test runs from"),
    ("doc/gateway.md", r"meson test ",
     "runs a suite of this meson test run"),
    ("doc/gateway.md", r"tests/gateway/run-two-node\.sh",
     "boots a two-node QEMU guest (root, minutes)"),
    ("doc/gateway.md", r".*net_tap0", "creates a TAP interface on the host"),
    ("doc/gateway.md", r"ip (link|neigh) ",
     "configures the host's network for the TAP example"),
    ("doc/gateway.md", r"python3 -c '\nimport socket",
     "talks to the TAP example's gateway"),
    ("doc/numa.md", r"meson (setup|test) ",
     "configures or tests the build trees of this test run"),
    ("doc/numa.md", r"tests/numa/run-two-node\.sh",
     "boots a two-node QEMU guest (root, minutes)"),
    ("doc/tradepool.md", r"meson test ",
     "runs a suite of this meson test run"),
]


def blocks(text):
    """(first line number, lines) of each ```sh block."""
    out, cur, start = [], None, 0
    for n, line in enumerate(text.split("\n"), 1):
        if cur is None and line.strip() == "```sh":
            cur, start = [], n + 1
        elif cur is not None and line.strip() == "```":
            out.append((start, cur))
            cur = None
        elif cur is not None:
            cur.append(line)
    return out


def commands(lines):
    """The commands of a block: a line, its backslash continuations and
    the lines of a quote it opens; comment-only and empty lines dropped."""
    out, cur = [], ""
    for line in lines:
        cur = cur + "\n" + line if cur else line
        if cur.endswith("\\") or cur.count("'") % 2 == 1:
            continue
        if cur.strip() and not cur.lstrip().startswith("#"):
            out.append(cur)
        cur = ""
    if cur.strip():
        out.append(cur)
    return out


def excluded(doc, cmd):
    for d, pattern, why in EXCLUDED:
        if d == doc and re.match(pattern, cmd, re.S):
            return why
    return None


def eal_leftovers(pid):
    """EAL's files of the prefixes named *_<pid> (the block's $$)."""
    found = []
    for base in ("/var/run/dpdk", os.path.join(
            os.environ.get("XDG_RUNTIME_DIR", "/tmp"), "dpdk")):
        found += glob.glob(os.path.join(base, "*_%d" % pid))
    for mnt in ("/dev/hugepages", "/mnt/huge"):
        found += glob.glob(os.path.join(mnt, "*_%dmap_*" % pid))
    return found


def run_block(doc, line, script, cwd, env):
    print("--- %s:%d\n%s" % (doc, line, script), flush=True)
    proc = subprocess.Popen(["bash", "-e", "-o", "pipefail", "-c", script],
                            cwd=cwd, env=env, start_new_session=True)
    try:
        rc = proc.wait(timeout=BLOCK_TIMEOUT)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
        rc = "timeout (%d s)" % BLOCK_TIMEOUT
    for path in eal_leftovers(proc.pid):
        shutil.rmtree(path, ignore_errors=True) if os.path.isdir(path) \
            else os.unlink(path)
    ok = rc == 0
    print("%s: %s:%d (%s)" % ("ok" if ok else "FAIL", doc, line,
                              "exit 0" if ok else "exit %s" % rc),
          flush=True)
    return ok


def main():
    src, build, doc = sys.argv[1:4]
    with open(os.path.join(src, doc)) as f:
        text = f.read()
    env = dict(os.environ)
    env["PATH"] = os.path.join(build, "app", "order-gateway") + ":" + \
        env.get("PATH", "")
    ran = failed = 0
    with tempfile.TemporaryDirectory(prefix="lfpool-docs-") as cwd:
        os.symlink(build, os.path.join(cwd, "build"))
        for line, lines in blocks(text):
            keep = []
            for cmd in commands(lines):
                why = excluded(doc, cmd)
                if why:
                    print("excluded: %s:%d: %s\n    (%s)" %
                          (doc, line, cmd.split("\n")[0], why))
                else:
                    keep.append(cmd)
            if not keep:
                continue
            ran += 1
            failed += not run_block(doc, line, "\n".join(keep), cwd, env)
    print("%s: %d blocks run, %d failed" % (doc, ran, failed))
    if ran == 0:
        return SKIP
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
