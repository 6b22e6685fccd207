#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Turn scard-bench's output into the benchmark's files.

  report.py RESULTS OUTDIR

RESULTS is the benchmark VM's results channel (scard-bench's "samples NAME
v..." lines, in nanoseconds). Writes OUTDIR/samples/NAME.txt (one sample
per line, in the order taken), OUTDIR/summary.json (per path: n, min,
median, p90, p99, max in microseconds, ops per second; the floor ratios),
OUTDIR/latency.gp and, when gnuplot is installed, OUTDIR/latency.png (the
latency distribution of each path, a CDF on a log scale). Prints the table.
Exit status 1 when RESULTS holds no samples.
"""
import json
import os
import shutil
import subprocess
import sys


def pct(s, q):
    return s[min(len(s) - 1, int(q * (len(s) - 1) + 0.5))] / 1000.0


def main():
    if len(sys.argv) != 3:
        print(__doc__.strip().splitlines()[2].strip(), file=sys.stderr)
        return 2
    res, out = sys.argv[1], sys.argv[2]
    samples = {}
    header = []
    memory = None
    with open(res, errors="replace") as f:
        for line in f:
            w = line.split()
            if len(w) > 2 and w[0] == "samples":
                samples.setdefault(w[1], []).extend(int(v) for v in w[2:])
            elif line.startswith("# bench:"):
                header.append(line[2:].strip())
            elif len(w) == 9 and w[0] == "memory":
                memory = {w[i]: int(w[i + 1]) for i in range(1, 9, 2)}
    if not samples:
        print("report.py: no samples in %s" % res, file=sys.stderr)
        return 1
    os.makedirs(os.path.join(out, "samples"), exist_ok=True)
    summary = {"conditions": header, "paths": {}}
    rows = []
    for name, s in samples.items():
        with open(os.path.join(out, "samples", name + ".txt"), "w") as f:
            f.write("".join("%d\n" % v for v in s))
        srt = sorted(s)
        st = {
            "n": len(s),
            "min_us": pct(srt, 0), "median_us": pct(srt, 0.5),
            "p90_us": pct(srt, 0.9), "p99_us": pct(srt, 0.99),
            "max_us": pct(srt, 1),
            "ops_per_s": 1e9 * len(s) / sum(s),
        }
        summary["paths"][name] = st
        rows.append((name, st))
        with open(os.path.join(out, "samples", name + ".sorted"), "w") as f:
            f.write("".join("%.3f %.6f\n" % (v / 1000.0, (i + 1) / len(srt))
                            for i, v in enumerate(srt)))
    p = summary["paths"]
    ratios = {}
    for a, b in (("vproxy_short", "pingpong"), ("vproxy_rw", "pingpong"),
                 ("ccid", "usbfs"), ("ccid", "pcsc_libccid"),
                 ("pcsc_scard", "pcsc_libccid")):
        if a in p and b in p:
            ratios["%s/%s" % (a, b)] = {
                k: p[a][k] / p[b][k] for k in ("median_us", "p99_us")}
    summary["ratios"] = ratios
    if memory:
        summary["memory"] = memory
    with open(os.path.join(out, "summary.json"), "w") as f:
        json.dump(summary, f, indent=2, sort_keys=True)

    for h in header:
        print(h)
    print("%-18s %7s %9s %9s %9s %9s %9s %10s" %
          ("path", "n", "min us", "median", "p90", "p99", "max", "ops/s"))
    for name, st in rows:
        print("%-18s %7d %9.1f %9.1f %9.1f %9.1f %9.1f %10.0f" %
              (name, st["n"], st["min_us"], st["median_us"], st["p90_us"],
               st["p99_us"], st["max_us"], st["ops_per_s"]))
    for k, v in ratios.items():
        print("ratio %-26s median %.2f  p99 %.2f" %
              (k, v["median_us"], v["p99_us"]))
    if memory:
        print("memory: %d bytes per reader, %d per open file (%d readers, "
              "%d files)" % (memory["per_reader"], memory["per_file"],
                             memory["readers"], memory["files"]))

    gp = os.path.join(out, "latency.gp")
    with open(gp, "w") as f:
        f.write("set terminal pngcairo size 1200,700\n")
        f.write("set output '%s'\n" % os.path.join(out, "latency.png"))
        f.write("set title 'scard TRANSMIT latency and its floors (CDF)'\n")
        f.write("set logscale x\nset xlabel 'round trip, microseconds'\n")
        f.write("set ylabel 'fraction of samples'\nset key bottom right\n")
        f.write("set grid\n")
        colors = ("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd",
                  "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf")
        f.write("plot " + ", \\\n     ".join(
            "'%s' using 1:2 with lines lw 2 lc rgb '%s' dt %d title '%s'" %
            (os.path.join(out, "samples", n + ".sorted"),
             colors[i % len(colors)], 1 + i // len(colors),
             n.replace("_", "\\_"))
            for i, (n, _) in enumerate(rows)) + "\n")
    if shutil.which("gnuplot"):
        subprocess.run(["gnuplot", gp], check=False)
    return 0


if __name__ == "__main__":
    sys.exit(main())
