#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Turn scard-bench's output into the benchmark's files.

  report.py RESULTS... OUTDIR

Each RESULTS is a benchmark VM's results channel: scard-bench's "samples
NAME v..." lines (nanoseconds), "memory ..." and "allocs ..." lines,
scard-scale's "scale ..." lines. Writes OUTDIR/samples/NAME.txt (one sample
per line, in the order taken), OUTDIR/summary.json (per path: n, min,
median, p90, p99, max in microseconds, ops per second; the floor ratios;
memory; allocations per TRANSMIT; scaling), OUTDIR/latency.gp and
OUTDIR/scaling.gp and, when gnuplot is installed, OUTDIR/latency.png (the
latency distribution of each path, a CDF on a log scale) and
OUTDIR/scaling.png (aggregate APDUs per second against readers). Prints
the tables. Exit status 1 when no RESULTS holds samples.
"""
import json
import os
import shutil
import subprocess
import sys


def pct(s, q):
    return s[min(len(s) - 1, int(q * (len(s) - 1) + 0.5))] / 1000.0


def scaling_plot(out, scale):
    """OUTDIR/scaling.gp and, with gnuplot, scaling.png."""
    files = sorted({int(r["files"]) for r in scale})
    for n in files:
        with open(os.path.join(out, "scaling-%d.dat" % n), "w") as f:
            for r in scale:
                if int(r["files"]) == n:
                    f.write("%d %.0f %.1f\n" % (r["readers"], r["ops_per_s"],
                                                r["p99_us"]))
    gp = os.path.join(out, "scaling.gp")
    with open(gp, "w") as f:
        f.write("set terminal pngcairo size 1000,600\n")
        f.write("set output '%s'\n" % os.path.join(out, "scaling.png"))
        f.write("set title 'scard TRANSMIT throughput against readers "
                "(vproxy, 2 vCPUs)'\n")
        f.write("set logscale x 2\nset xlabel 'readers'\nset yrange [0:*]\n")
        f.write("set ylabel 'APDUs per second, all files'\n")
        f.write("set key bottom right\nset grid\n")
        f.write("plot " + ", \\\n     ".join(
            "'%s' using 1:2 with linespoints lw 2 title '%d file%s per "
            "reader'" % (os.path.join(out, "scaling-%d.dat" % n), n,
                         "" if n == 1 else "s")
            for n in files) + "\n")
    if shutil.which("gnuplot"):
        subprocess.run(["gnuplot", gp], check=False)


def main():
    if len(sys.argv) < 3:
        print(__doc__.strip().splitlines()[2].strip(), file=sys.stderr)
        return 2
    results, out = sys.argv[1:-1], sys.argv[-1]
    samples = {}
    header = []
    memory = None
    allocs = {}
    scale = []
    for res in results:
        if not os.path.exists(res):
            print("report.py: %s is missing" % res, file=sys.stderr)
            continue
        with open(res, errors="replace") as f:
            for line in f:
                w = line.split()
                if len(w) > 2 and w[0] == "samples":
                    samples.setdefault(w[1], []).extend(
                        int(v) for v in w[2:])
                elif line.startswith("# bench:"):
                    header.append(line[2:].strip())
                elif len(w) == 9 and w[0] == "memory":
                    memory = {w[i]: int(w[i + 1]) for i in range(1, 9, 2)}
                elif len(w) == 12 and w[0] == "allocs":
                    allocs[w[1]] = {w[i]: float(w[i + 1])
                                    for i in range(2, 10, 2)}
                    allocs[w[1]]["largest_site"] = w[11]
                elif len(w) == 11 and w[0] == "scale":
                    scale.append({w[i]: float(w[i + 1])
                                  for i in range(1, 11, 2)})
    if not samples:
        print("report.py: no samples in %s" % " ".join(results),
              file=sys.stderr)
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
    if allocs:
        summary["allocations_per_transmit"] = allocs
    if scale:
        summary["scaling"] = scale
        one = {r["files"]: r["ops_per_s"] for r in scale
               if r["readers"] == 1}
        two = {r["files"]: r["ops_per_s"] for r in scale
               if r["readers"] == 2}
        summary["scaling_2_over_1"] = {
            "%d files" % k: two[k] / one[k] for k in one if k in two}
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
    if allocs:
        print("%-18s %12s %14s %9s  %s" % ("allocations", "per TRANSMIT",
                                            "bytes per op", "largest",
                                            "asked for by"))
        for name, a in allocs.items():
            print("%-18s %12.2f %14.0f %9d  %s%s" % (
                name, a["per_op"], a["bytes_per_op"], a["largest"],
                a["largest_site"],
                "  (%d trace entries lost)" % a["lost"] if a["lost"] else ""))
    if scale:
        print("%-8s %5s %10s %9s %9s" % ("readers", "files", "APDUs/s",
                                         "p99 us", "fairness"))
        for r in scale:
            print("%-8d %5d %10.0f %9.1f %9.3f" % (
                r["readers"], r["files"], r["ops_per_s"], r["p99_us"],
                r["fairness"]))
        for k, v in summary["scaling_2_over_1"].items():
            print("scaling 2 readers / 1, %s: %.2f" % (k, v))
        scaling_plot(out, scale)

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
