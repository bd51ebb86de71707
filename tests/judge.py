#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Judge a guest run on the host: the guest acts and collects, this decides.

  judge.py OUT FILE...

OUT/guest.results is what the guest wrote (the protocol: tests/guest/lib/
results.sh): `file`, `cases`, `case`, `plan`, `ok`, `not ok`, `judge`,
`note`, `#`, `endcase`, `end` lines.  OUT/snap/ID are the snapshots `snap
ID` saved (tests/host/snapshot.py reads them).  FILE... are the test files
that were to run, in order.

A `judge ID<TAB>NAME<TAB>CHECK<TAB>ARG...` line is one result: the check
function CHECK of tests/host/checks.py on snapshot ID, with the ARGs
converted to its parameters' types.  A snapshot that says an `ip` dump
failed fails every check on it; an unknown check, bad arguments or a
snapshot that lacks what the check reads fail the result, said.

Writes OUT/guest.ktap (one KTAP subtest per test file) and prints one line
per file with its time.  Nothing can pass by running less: a file that did
not run, a case listed in its `cases` line that did not start, a case
without a plan, with fewer or more results than its plan, or that never
returned, and a file that never ended (a hang: OUT/stalled says where) each
get a failing result.
"""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "host"))

import checks  # noqa: E402
from snapshot import Snap, Verdict  # noqa: E402


class Case:
    def __init__(self, name):
        self.name = name
        self.plan = None
        self.results = 0
        self.ended = False


class File:
    def __init__(self, name):
        self.name = name
        self.cases = None      # the names the `cases` line announced
        self.ran = {}          # name -> Case
        self.case = None       # the case running
        self.results = []      # (ok, name, [diag lines before it])
        self.pending = []      # diagnostics not yet attached to a result
        self.seconds = None

    def add(self, ok, name, diags=()):
        self.results.append((ok, name.replace("#", "no."), self.pending + list(diags)))
        self.pending = []
        if self.case is not None:
            self.case.results += 1

    def close_case(self):
        """The running case's plan, checked when the next starts or the
        file ends."""
        c, self.case = self.case, None
        if c is None:
            return
        if c.plan is None:
            self.add(False, f"{c.name} declared its plan", ["no `plan N` line"])
        elif c.results < c.plan:
            for k in range(c.results + 1, c.plan + 1):
                self.add(False, f"{c.name}: missing result {k} of {c.plan}")
        elif c.results > c.plan:
            self.add(False, f"{c.name} ran {c.results} results, its plan says {c.plan}")
        if not c.ended:
            self.add(False, f"{c.name} ran to its end", ["the case did not return"])


def evaluate(out, snaps, registry, snap_id, name, args):
    try:
        if snap_id not in snaps:
            snaps[snap_id] = Snap(os.path.join(out, "snap", snap_id))
        s = snaps[snap_id]
        value = checks.run(registry, s, name, args)
        lines = list(value.lines) if isinstance(value, Verdict) else []
        if s.errors:
            # An incomplete snapshot proves nothing, whatever the value.
            return Verdict(False), lines + [f"snapshot {snap_id}: {e}" for e in s.errors[:10]]
        return value, lines
    except Exception as e:  # a broken snapshot or call is a failure, said
        call = " ".join([name] + [repr(a) for a in args])
        return Verdict(False), [f"cannot judge `{call}` on snapshot {snap_id}: {type(e).__name__}: {e}"]


def parse(out):
    files, order, cur, snaps = {}, [], None, {}
    path = os.path.join(out, "guest.results")
    text = open(path).read().splitlines() if os.path.exists(path) else []
    for line in text:
        word, _, rest = line.partition(" ")
        if word == "file":
            cur = files[rest] = File(rest)
            order.append(rest)
        elif cur is None:
            continue
        elif word == "cases":
            cur.cases = rest.split()
        elif word == "case":
            cur.close_case()
            cur.case = cur.ran[rest] = Case(rest)
        elif word == "endcase":
            if cur.case is not None and cur.case.name == rest:
                cur.case.ended = True
            cur.close_case()
        elif word == "plan":
            if cur.case is None:
                cur.add(False, f"plan {rest} outside a case")
            else:
                cur.case.plan = int(rest)
        elif word == "end":
            cur.close_case()
            cur.seconds = float(rest.split()[1])
        elif word == "ok":
            cur.add(True, rest)
        elif line.startswith("not ok "):
            cur.add(False, line[7:])
        elif word == "#":
            cur.pending.append(rest)
        elif word == "judge":
            snap_id, name, check, *args = rest.split("\t")
            value, lines = evaluate(out, snaps, checks.CHECKS, snap_id, check, args)
            cur.add(bool(value), name, lines if not value else [])
        elif word == "note":
            snap_id, check, *args = rest.split("\t")
            value, lines = evaluate(out, snaps, checks.NOTES, snap_id, check, args)
            cur.pending += lines if isinstance(value, Verdict) else [str(value)]
    return files, order


def main(argv):
    out, expected = argv[1], argv[2:]
    files, order = parse(out)
    stalled = ""
    if os.path.exists(os.path.join(out, "stalled")):
        stalled = open(os.path.join(out, "stalled")).read().strip()
    names = expected + [n for n in order if n not in expected]
    ktap = ["KTAP version 1", f"1..{len(names)}"]
    total = 0.0
    print(f"{'test file':<24} {'results':>8} {'seconds':>8}")
    for i, name in enumerate(names, 1):
        f = files.get(name)
        if f is None:
            f = File(name)
            f.add(False, f"{name} ran", ["the file did not run"])
            f.seconds = 0.0
        f.close_case()
        if f.cases is None:
            f.add(False, f"{name} listed its cases", ["no `cases` line"])
        for c in f.cases or []:
            if c not in f.ran:
                f.add(False, f"{c} ran", ["the case did not start"])
        if f.seconds is None:
            why = f"stopped after {len(f.results)} results and never ended"
            if stalled:
                why += f" (guest killed: {stalled})"
            f.add(False, f"{name} ran to its end", [why])
        ktap.append("    KTAP version 1")
        ktap.append(f"    # Subtest: {name}")
        ktap.append(f"    1..{len(f.results)}")
        for n, (ok, rname, diags) in enumerate(f.results, 1):
            ktap += [f"    # {d}" for d in diags]
            ktap.append(f"    {'ok' if ok else 'not ok'} {n} {rname}")
        ktap += [f"    # {d}" for d in f.pending]
        fails = sum(1 for ok, _, _ in f.results if not ok)
        secs = f"{f.seconds:.1f}" if f.seconds is not None else "-"
        total += f.seconds or 0
        ktap.append(f"# {name}: {len(f.results) - fails} passed, {fails} failed, {secs} s")
        ktap.append(f"{'ok' if not fails else 'not ok'} {i} {name}")
        print(f"{name:<24} {len(f.results):>8} {secs:>8}{'' if not fails else f'  ({fails} failed)'}")
    print(f"{'all files':<24} {'':>8} {total:>8.1f}")
    if stalled:
        print(f"guest stalled: {stalled}")
    with open(os.path.join(out, "guest.ktap"), "w") as f:
        f.write("\n".join(ktap) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
