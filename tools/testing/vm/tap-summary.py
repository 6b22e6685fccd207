#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Count the results of a scard test run and print the summary.

Inputs (NAME is a label such as "host", "6.1" or "6.12"):
  --tap NAME=FILE       TAP/KTAP stream, split into suites by
                        "# scard-suite: <suite>" lines and closed by
                        "# scard-suite-exit: <status>" lines
  --console NAME=FILE   guest console log: one test, failed when it holds a
                        kernel bug report (KASAN, lockdep, WARN, kmemleak ...)
  --vm NAME=STATUS      qemu.py exit status: one test, failed when the VM
                        timed out or never reached the end marker

Counting rule: every leaf result line (ok / not ok at any nesting level that
has no nested results of its own) is one test; a result line directly after
deeper-indented results is a suite summary and is not counted. "# SKIP" (and
"# TODO") count as skipped. A missing part of a top-level plan counts as
failed, as does a suite that exited with a status other than 0 or 4 (kselftest
skip) without reporting a failure.

The last line printed is "N passed, N failed"; the exit status is 1 when
anything failed or nothing ran.
"""

import argparse
import re
import sys

RESULT_RE = re.compile(r"^(\s*)(not ok|ok)\b\s*(\d+)?\s*(?:-\s*)?(.*)$")
PLAN_RE = re.compile(r"^(\s*)1\.\.(\d+)")
SUITE_RE = re.compile(r"^# scard-suite: (\S+)")
EXIT_RE = re.compile(r"^# scard-suite-exit: (-?\d+)")
DIRECTIVE_RE = re.compile(r"#\s*(SKIP|TODO|XFAIL)\b", re.IGNORECASE)

# Kernel log lines that fail a run. WARNING: only at the start of a message
# (WARN() and lockdep), not inside e.g. "RETBleed: WARNING: ..." boot notes.
BAD_LOG = [
    re.compile(r"BUG:"),
    re.compile(r"KASAN:"),
    re.compile(r"(^|\]\s*)WARNING:"),
    re.compile(r"UBSAN:"),
    re.compile(r"possible circular locking"),
    re.compile(r"inconsistent lock state"),
    re.compile(r"unreferenced object"),
    re.compile(r"\bOops\b"),
    re.compile(r"Call Trace"),
    re.compile(r"INFO: task .* blocked"),
    re.compile(r"sleeping function called from invalid context"),
    re.compile(r"Kernel panic"),
]

VM_STATUS = {123: "QEMU stopped answering QMP (hung in a hot-plug request; killed)",
             124: "timed out (QEMU killed)", 125: "did not reach the end marker",
             126: "harness error (see qemu log)"}


class Suite:
    def __init__(self, name):
        self.name = name
        self.label = name.split("/", 1)[0]
        self.passed = 0
        self.failed = 0
        self.skipped = 0
        self.fail_lines = []
        self.exit = None
        self.plan = None
        self.top = 0

    def fail(self, text):
        self.failed += 1
        self.fail_lines.append(text)


def indent_of(ws):
    return len(ws.expandtabs(8))


def parse_tap(label, path, suites):
    try:
        with open(path, encoding="utf-8", errors="replace") as f:
            lines = f.read().splitlines()
    except OSError as e:
        s = Suite("%s/missing-results" % label)
        s.fail("cannot read %s: %s" % (path, e))
        suites.append(s)
        return
    cur = None
    prev_ind = -1  # indentation of the previous result line in this suite

    def finish():
        if cur is None:
            return
        if cur.plan is not None and cur.top < cur.plan:
            cur.fail("%d of %d planned results missing (crash or timeout?)"
                     % (cur.plan - cur.top, cur.plan))
        if cur.exit not in (None, 0, 4) and cur.failed == 0:
            cur.fail("exited with status %d" % cur.exit)
        if cur.exit == 4 and cur.passed + cur.failed + cur.skipped == 0:
            cur.skipped += 1

    for raw in lines:
        line = raw.rstrip("\r")
        m = SUITE_RE.match(line)
        if m:
            finish()
            cur = Suite("%s/%s" % (label, m.group(1)))
            suites.append(cur)
            prev_ind = -1
            continue
        if cur is None:
            if not line.strip() or line.startswith("# scard-vm-end"):
                continue
            cur = Suite("%s/unnamed" % label)
            suites.append(cur)
        m = EXIT_RE.match(line)
        if m:
            cur.exit = int(m.group(1))
            continue
        m = PLAN_RE.match(line)
        if m and indent_of(m.group(1)) == 0 and cur.plan is None:
            cur.plan = int(m.group(2))
            continue
        m = RESULT_RE.match(line)
        if not m:
            continue
        ind = indent_of(m.group(1))
        if ind == 0:
            cur.top += 1
        # Children are printed before their parent, so a result line right
        # after deeper results is a parent's summary: not counted.
        is_parent = prev_ind > ind
        prev_ind = ind
        if not is_parent:
            count(cur, m.group(2), line.strip())
    finish()


def count(suite, status, text):
    d = DIRECTIVE_RE.search(text)
    directive = d.group(1).upper() if d else None
    if directive in ("SKIP", "TODO"):
        suite.skipped += 1
    elif status == "ok":
        suite.passed += 1
    else:
        suite.fail(text)


def check_console(label, path, suites):
    s = Suite("%s/kernel-log" % label)
    suites.append(s)
    try:
        with open(path, encoding="utf-8", errors="replace") as f:
            lines = f.read().splitlines()
    except OSError as e:
        s.fail("cannot read console log %s: %s" % (path, e))
        return
    bad = [ln for ln in lines if any(p.search(ln) for p in BAD_LOG)]
    if bad:
        s.failed += 1
        s.fail_lines.append("kernel log %s has %d report line(s):" % (path, len(bad)))
        s.fail_lines += ["    " + ln for ln in bad[:60]]
        if len(bad) > 60:
            s.fail_lines.append("    ... %d more" % (len(bad) - 60))
    else:
        s.passed += 1


def check_vm(label, status, suites):
    s = Suite("%s/vm-run" % label)
    suites.append(s)
    if status in VM_STATUS:
        s.fail("VM %s: %s" % (label, VM_STATUS[status]))
    else:
        s.passed += 1


def pairs(values):
    for v in values or []:
        name, sep, rest = v.partition("=")
        if not sep:
            raise SystemExit("expected NAME=VALUE, got %r" % v)
        yield name, rest


def main():
    p = argparse.ArgumentParser(description="scard test summary")
    p.add_argument("--tap", action="append")
    p.add_argument("--console", action="append")
    p.add_argument("--vm", action="append")
    a = p.parse_args()

    suites = []
    for name, path in pairs(a.tap):
        parse_tap(name, path, suites)
    for name, path in pairs(a.console):
        check_console(name, path, suites)
    for name, st in pairs(a.vm):
        check_vm(name, int(st), suites)

    # Group by label (host, then each kernel in the order given).
    labels = []
    for s in suites:
        if s.label not in labels:
            labels.append(s.label)
    suites.sort(key=lambda s: labels.index(s.label))

    passed = sum(s.passed for s in suites)
    failed = sum(s.failed for s in suites)
    skipped = sum(s.skipped for s in suites)

    print("\n==> per-suite results")
    width = max([len(s.name) for s in suites] + [10])
    for s in suites:
        verdict = "FAIL" if s.failed else ("PASS" if s.passed else "SKIP")
        print("  %s  %-*s  %3d passed, %3d failed, %3d skipped"
              % (verdict, width, s.name, s.passed, s.failed, s.skipped))
    if failed:
        print("\n==> failures")
        for s in suites:
            for ln in s.fail_lines:
                print("  %s: %s" % (s.name, ln))
    print("\n%d skipped" % skipped)
    if passed + failed == 0:
        print("no tests ran")
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed or passed + failed == 0 else 0


if __name__ == "__main__":
    sys.exit(main())
