#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The lfpool authors
"""Smoke run of lfpool-bench: '--quick' must finish and its JSON report
must be complete and consistent, and the plots it names must be the ones
it wrote. Nothing about timing is asserted.

Usage: check_quick.py PATH/TO/lfpool-bench
Exit status: 0 pass, 1 fail, 77 skipped (tool not built).
"""

import json
import os
import subprocess
import sys
import tempfile

SKIP = 77
# Every scenario of --quick yields at least one of these record kinds.
SCENARIOS = {"same", "pipeline", "oversub", "stop", "latency", "steady",
             "memory", "tradepool"}
# Scenario 7's figures per record (lib/tradepool's and each malloc's).
TRADEPOOL_METRICS = {"create_p50_ns", "create_p99_ns", "pair_p50_ns",
                     "pair_p99_ns", "pair_batch_ns"}
STATUSES = {"MET", "MISSED", "N/A", "INFO"}


def eal_args():
    """Two lcores: on two CPUs when there are, else both on one CPU.
    No hugepages and no shared files: the tool removes its (then empty)
    runtime directory at exit."""
    cpus = sorted(os.sched_getaffinity(0))
    second = cpus[1] if len(cpus) >= 2 else cpus[0]
    return ["--lcores", "0@%d,1@%d" % (cpus[0], second), "--no-huge",
            "-m", "512", "--no-shconf", "--file-prefix",
            "bench_quick_%d" % os.getpid(), "--no-pci", "--no-telemetry",
            "--log-level", "lib.eal:error"]


def check_metric(rec, name, m, errors):
    runs = m.get("runs", [])
    if not runs:
        errors.append("%s/%s: no runs" % (rec["scenario"], name))
        return
    lo, hi, med = m["min"], m["max"], m["median"]
    if not lo <= med <= hi or min(runs) != lo or max(runs) != hi:
        errors.append("%s %s %s: median %g outside [%g, %g]" %
                      (rec["scenario"], rec["allocator"], name, med, lo, hi))


def check_tradepool(results):
    """Scenario 7: Order and Trade records, each measured or explained,
    and a measured malloc record for both (the targets' reference)."""
    errors = []
    tp = [r for r in results if r["scenario"] == "tradepool"]
    for variant in ("order", "trade"):
        mine = [r for r in tp if r.get("variant") == variant]
        if not any(r["family"] == "malloc" and r.get("metrics")
                   for r in mine):
            errors.append("tradepool %s: no malloc figures" % variant)
        for r in mine:
            missing = TRADEPOOL_METRICS - set(r.get("metrics", {}))
            if r.get("metrics") and missing:
                errors.append("tradepool %s %s: no %s" %
                              (variant, r["allocator"],
                               ", ".join(sorted(missing))))
    return errors


def check_numa(numa):
    """Scenario 8: numa_bench's document, or a note saying why not."""
    if not isinstance(numa, dict):
        return ["no numa section"]
    if "note" in numa:
        return []
    errors = []
    if not numa.get("costs"):
        errors.append("numa: no costs")
    if not numa.get("locality"):
        errors.append("numa: no locality")
    for e in numa.get("costs", []):
        for key in ("allocator", "policy", "size", "alloc_ns", "free_ns"):
            if key not in e:
                errors.append("numa cost: no %s" % key)
    return errors


# Each malloc family's library, by soname stem: lfpool-bench must preload
# whichever version the loader has (Debian 12's mimalloc is .so.2, 13's .so.3).
MALLOC_LIBS = {"jemalloc": "libjemalloc.so.", "tcmalloc":
               "libtcmalloc_minimal.so.", "mimalloc": "libmimalloc.so."}


def loader_sonames():
    """The sonames in the dynamic loader's cache (ldconfig -p)."""
    try:
        out = subprocess.run(["/sbin/ldconfig", "-p"], capture_output=True,
                             text=True, check=True).stdout
    except (OSError, subprocess.CalledProcessError):
        return set()
    return {line.split()[0] for line in out.splitlines()[1:] if line.strip()}


def check_mallocs(results, sonames):
    """A malloc family the loader has is measured, not 'not installed'."""
    errors = []
    for family, stem in sorted(MALLOC_LIBS.items()):
        have = sorted(n for n in sonames if n.startswith(stem))
        recs = [r for r in results
                if r["family"] == "malloc" and r["allocator"] == family]
        if have and recs and not any(r.get("metrics") for r in recs):
            errors.append("%s: %s is installed but was not measured (%s)" %
                          (family, have[-1], recs[0].get("note", "no note")))
    return errors


def check_report(report):
    errors = []
    machine = report.get("machine", {})
    for key in ("cpu_model", "cpus_online", "dpdk_version", "hugepages",
                "date_utc", "tsc_hz", "timer_overhead_cycles"):
        if key not in machine:
            errors.append("machine: no %s" % key)
    results = report.get("results", [])
    seen = {r["scenario"] for r in results if r.get("metrics")}
    for missing in sorted(SCENARIOS - seen):
        errors.append("no measured record for scenario %s" % missing)
    for rec in results:
        for name, m in rec.get("metrics", {}).items():
            check_metric(rec, name, m, errors)
        if not rec.get("metrics") and not rec.get("note"):
            errors.append("%s %s: neither figures nor a note" %
                          (rec["scenario"], rec["allocator"]))
    if not any(r["family"] == "malloc" and r.get("metrics")
               for r in results):
        errors.append("no malloc family was measured")
    errors += check_tradepool(results) + check_numa(report.get("numa"))
    targets = report.get("targets", [])
    ids = {t["id"] for t in targets}
    for g in ("G1", "G2", "G3", "G4", "G5", "G6", "G7", "G8", "T6a",
              "T6b"):
        if g not in ids:
            errors.append("target %s missing" % g)
    for t in targets:
        if t.get("status") not in STATUSES:
            errors.append("target %s: bad status %r" % (t["id"],
                                                        t.get("status")))
    return errors


def check_plots(stdout, plot_dir):
    """The "Plots:" line names exactly the PNGs in the directory, and each
    chart has its settings file (titles, marks, target lines)."""
    lines = [l for l in stdout.splitlines() if l.startswith("Plots:")]
    if len(lines) != 1:
        return ["%d 'Plots:' lines" % len(lines)]
    named = {p.strip() for p in lines[0][len("Plots:"):].split(",")}
    written = {os.path.join(plot_dir, f) for f in os.listdir(plot_dir)
               if f.endswith(".png")}
    errors = ["named but not written: %s" % p for p in named - written]
    errors += ["written but not named: %s" % p for p in written - named]
    if not written:
        errors.append("no plot written")
    for png in written:
        settings = png[:-len(".png")] + ".gp"
        if not os.path.exists(settings):
            errors.append("no %s" % settings)
            continue
        with open(settings) as f:
            text = f.read()
        for needed in ("B objects;", "set xlabel", "set ylabel",
                       "whiskers: min to max"):
            if needed not in text:
                errors.append("%s: no %r" % (settings, needed))
    return errors


def check_installed_mallocs(exe, tmp):
    """--quick measures glibc only: one short scenario of the other
    families, each of which must be measured when its library is there."""
    out = os.path.join(tmp, "mallocs.json")
    cmd = [exe] + eal_args() + ["--", "--quick", "--scenarios", "same",
                                "--allocators", ",".join(MALLOC_LIBS),
                                "--json", out]
    print(" ".join(cmd), flush=True)
    proc = subprocess.run(cmd, timeout=540)
    if proc.returncode != 0:
        return ["lfpool-bench %s exited with %d" %
                (" ".join(cmd[-6:-2]), proc.returncode)]
    with open(out) as f:
        results = json.load(f)["results"]
    return check_mallocs(results, loader_sonames())


def main():
    exe = sys.argv[1]
    if not os.access(exe, os.X_OK):
        print("lfpool-bench not built: skipped")
        return SKIP
    with tempfile.TemporaryDirectory(prefix="lfpool-bench-") as tmp:
        out = os.path.join(tmp, "quick.json")
        plots = os.path.join(tmp, "plots")
        cmd = [exe] + eal_args() + ["--", "--quick", "--json", out,
                                    "--plot", plots]
        print(" ".join(cmd), flush=True)
        proc = subprocess.run(cmd, timeout=540, stdout=subprocess.PIPE,
                              text=True)
        print(proc.stdout)
        if proc.returncode != 0:
            print("lfpool-bench exited with %d" % proc.returncode)
            return 1
        with open(out) as f:
            report = json.load(f)
        errors = check_plots(proc.stdout, plots)
        errors += check_installed_mallocs(exe, tmp)
    errors += check_report(report)
    for e in errors:
        print("FAIL:", e)
    print("%d records, %d targets, %d problems" %
          (len(report["results"]), len(report["targets"]), len(errors)))
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
