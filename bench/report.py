#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""The benchmark's report: bench.raw (written in the guest) to figures.

    bench/report.py RAW [--out DIR] [--meta key=value ...]

RAW holds one measurement per line, whitespace-separated key=value fields,
`#` comments; `kind=` says what was measured (see KINDS).  Every figure is
compared with a reference measured in the same boot (the kernel's own
mechanism, no listener, netdevsim), so the report gives ratios: absolute
times under TCG say little, their ratios hold.  Several runs of one
measurement give the median, with the minimum and maximum beside it.

Writes into DIR (default: RAW's directory) results.json, results.md (the
README's performance section) and, when matplotlib is there, replay.png,
replay-ipv6.png and insert.png; prints the Markdown.  The output depends on
RAW and --meta only (sorted, no clock read).

The system's python3 (Debian: apt-get install python3-matplotlib) has
matplotlib; without it the plots are skipped with a message.
"""

import argparse
import json
import math
import statistics
import sys
from collections import defaultdict
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

Record = dict[str, Any]  # one raw line's fields, integers converted
Row = dict[str, Any]  # one figure of results.json

# Required fields of each kind, and the order of the report's sections.
KINDS: dict[str, tuple[str, ...]] = {
    "replay": ("family", "routes", "nets", "who", "ns", "events"),
    "insert": ("routes", "who", "ns"),
    "flag": ("routes", "who", "ns"),
    "memory": ("routes", "who", "slab_bytes"),
    "churn": ("nets", "registrations", "tries", "ebusy", "events"),
    "teardown": ("nets", "who", "ns"),
    "fill": ("family", "routes", "nets", "slab_bytes"),
    "sections": ("family", "routes", "nets", "kernel_net_ns",
                 "kernel_events_ns", "module_events_ns"),
    "resync": ("routes", "mode", "ns", "hw_writes", "absent", "absent_ns",
               "absent_ns_max"),
}
INT_FIELDS = frozenset({"routes", "nets", "ns", "events", "slab_bytes",
                        "own_bytes", "registrations", "tries", "ebusy",
                        "register_ns", "kernel_net_ns", "kernel_events_ns",
                        "module_events_ns", "replay_ns", "hw_writes",
                        "absent", "absent_ns", "absent_ns_max", "marked",
                        "swept", "cpu_ns", "switches", "boot", "round"})
# Divided by: a zero is a broken measurement.
POSITIVE_FIELDS = frozenset({"routes", "nets", "ns"})

# Listeners, in the order tables and plots show them, and their names.
WHO: dict[str, str] = {
    "kernel": "kernel",
    "wrapped": "kernel, one more call per event (control)",
    "c": "module (C listener)",
    "rust": "module (Rust listener)",
    "none": "no listener",
    "probe": "module + probe",
    "mock": "module + mock switchdev",
    "netdevsim": "netdevsim",
    "without": "without the module",
    "with": "with the module",
}
FAMILY = {"ipv4": "IPv4", "ipv6": "IPv6"}

# The goals, checked where the figure was measured (see the summaries).
REPLAY_GOAL_POINT = {"family": "ipv4", "routes": 100000, "nets": 8}
REPLAY_GOAL_MAX = 1.05
INSERT_GOAL_MIN = 0.95
FLAG_GOAL_MAX = 0.1

MET, NOT_MET, NOT_MEASURED = "met", "not met", "not measured"


class RawError(Exception):
    """A line of the raw file that cannot be read."""


def parse_raw(path: Path) -> tuple[dict[str, str], dict[str, list[Record]]]:
    """Returns the meta fields and the records of each kind."""
    meta: dict[str, str] = {}
    records: dict[str, list[Record]] = defaultdict(list)
    for lineno, line in enumerate(path.read_text().splitlines(), 1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        where = f"{path}:{lineno}"
        fields: dict[str, str] = {}
        for token in line.split():
            key, sep, value = token.partition("=")
            if not sep or not key:
                raise RawError(f"{where}: {token!r} is not key=value")
            fields[key] = value
        kind = fields.pop("kind", None)
        if kind is None:
            raise RawError(f"{where}: no kind=")
        if kind == "meta":
            meta.update(fields)
            continue
        if kind not in KINDS:
            # A newer guest's measurement: say so, report the rest.
            print(f"report.py: {where}: unknown kind {kind!r}, skipped",
                  file=sys.stderr)
            continue
        missing = [k for k in KINDS[kind] if k not in fields]
        if missing:
            raise RawError(f"{where}: kind={kind} lacks {', '.join(missing)}")
        record: Record = dict(fields)
        for key in INT_FIELDS & fields.keys():
            try:
                record[key] = int(fields[key])
            except ValueError:
                raise RawError(f"{where}: {key}={fields[key]} is not an "
                               "integer") from None
            if key in POSITIVE_FIELDS and record[key] <= 0:
                raise RawError(f"{where}: {key}={fields[key]} is not "
                               "positive")
        records[kind].append(record)
    return meta, records


def group(records: Iterable[Record], keys: tuple[str, ...]
          ) -> dict[tuple, list[Record]]:
    groups: dict[tuple, list[Record]] = defaultdict(list)
    for record in records:
        groups[tuple(record[k] for k in keys)].append(record)
    return groups


def who_order(who: str) -> tuple[int, str]:
    """Known listeners in WHO's order, then any other by name."""
    known = list(WHO)
    return (known.index(who) if who in known else len(known), who)


def spread(values: list[int]) -> dict[str, Any]:
    return {"runs": len(values), "median": statistics.median(values),
            "min": min(values), "max": max(values)}


def ratio(value: float | None, reference: float | None
          ) -> float | None:
    if value is None or not reference:
        return None
    return round(value / reference, 4)


Goal = tuple[str, Callable[[float], bool]]  # its text, its test of a ratio


def compare(rows: list[Row], same: tuple[str, ...], ref_who: str,
            shown: tuple[str, ...], value: str,
            goal: Callable[[Row], Goal | None] = lambda row: None) -> None:
    """Gives each row the row of @ref_who with the same @same fields as its
    reference (the @shown fields of it), the ratio of their @value, and
    the @goal that applies to the row, if any, checked."""
    refs = {tuple(r[k] for k in same): r for r in rows if r["who"] == ref_who}
    for row in rows:
        ref = refs.get(tuple(row[k] for k in same))
        row.update(reference=None, ratio=None, goal=None, met=None)
        if row["who"] == ref_who or ref is None:
            continue
        row["reference"] = {k: ref[k] for k in shown}
        row["ratio"] = ratio(row[value], ref[value])
        applies = goal(row)
        if applies:
            row["goal"], test = applies
            row["met"] = None if row["ratio"] is None else test(row["ratio"])


def summarize_goal(text: str, rows: list[Row], needed: Iterable[str],
                   describe: Callable[[Row], str]) -> dict[str, Any]:
    """The kind's goal: not met if a figure misses it, met once it was
    checked for each listener in @needed, else not measured."""
    checked = [r for r in rows if r["met"] is not None]
    missing = sorted(set(needed) - {r["who"] for r in checked})
    if any(not r["met"] for r in checked):
        status = NOT_MET
    elif missing:
        status = NOT_MEASURED
    else:
        status = MET
    return {"goal": text, "status": status,
            "measured": [describe(r) for r in checked]
            + [f"{label(who)}: not measured" for who in missing]}


def replay_goal(row: Row) -> Goal | None:
    """The goal is the module's (its listeners'), not the control's."""
    if row["who"] not in ("c", "rust") or \
            any(row[k] != v for k, v in REPLAY_GOAL_POINT.items()):
        return None
    return f"ratio <= {REPLAY_GOAL_MAX}", lambda x: x <= REPLAY_GOAL_MAX


def boot_of(record: Record) -> int:
    """The boot a record was measured in: the first unless it says."""
    return record.get("boot", 1)


def median_ns(runs: list[Record]) -> float:
    """The runs' median wall-clock time."""
    return statistics.median(r["ns"] for r in runs)


def median_cpu(runs: list[Record]) -> float | None:
    """The runs' median CPU time, where they have one (natively)."""
    cpu = [r["cpu_ns"] for r in runs if r.get("cpu_ns")]
    return statistics.median(cpu) if cpu else None


def paired(runs: list[Record], ref: list[Record], field: str
           ) -> float | None:
    """The median over rounds of a run's @field (time or CPU time) divided
    by the kernel's run's of the same round (@ref), where the runs say
    their round: a round runs the four ways back to back, so what drifts
    over a boot (load on the machine, a neighbour's use of the caches)
    weighs on its four runs alike and leaves their ratios."""
    base = {r["round"]: r[field] for r in ref if "round" in r and r.get(field)}
    ratios = [r[field] / base[r["round"]] for r in runs
              if r.get("round") in base and r.get(field)]
    return round(statistics.median(ratios), 4) if ratios else None


def ratio_of_medians(median_of: Callable[[list[Record]], float | None]
                     ) -> Callable[[list[Record], list[Record]], float | None]:
    """A listener's median (time or CPU time) over the kernel's."""
    def of(runs: list[Record], ref: list[Record]) -> float | None:
        value, reference = median_of(runs), median_of(ref)
        return ratio(value, reference) if value and reference else None
    return of


# A replay's ratios to the kernel, by the name the rows give them
# ("ratio_" + name): of the medians, on each clock; and paired by round.
RATIOS: dict[str, Callable[[list[Record], list[Record]], float | None]] = {
    "time": ratio_of_medians(median_ns),
    "cpu": ratio_of_medians(median_cpu),
    "paired_time": lambda runs, ref: paired(runs, ref, "ns"),
    "paired_cpu": lambda runs, ref: paired(runs, ref, "cpu_ns"),
}
# The figure the goal is checked on, the first a row has: paired by round,
# natively on the CPU time (what the host gave other processes left out).
JUDGED = ("paired_cpu", "paired_time", "cpu", "time")
NAMES = {"time": "time", "cpu": "CPU time",
         "paired_time": "time paired by round",
         "paired_cpu": "CPU time paired by round"}


def replay_rows(records: list[Record]) -> list[Row]:
    """The first boot's runs, each point and listener a row; where a point
    was measured in more boots too, the ratios of each boot beside it."""
    groups = group((r for r in records if boot_of(r) == 1),
                   ("family", "routes", "nets", "who"))
    rows = []
    for (family, routes, nets, who), runs in groups.items():
        ns = spread([r["ns"] for r in runs])
        events = statistics.median(r["events"] for r in runs)
        rows.append({"family": family, "routes": routes, "nets": nets,
                     "cpu_ns_median": median_cpu(runs),
                     "switched": sum(1 for r in runs if r.get("switches"))
                     if any("switches" in r for r in runs) else None,
                     "who": who, "runs": ns["runs"], "ns_median": ns["median"],
                     "ns_min": ns["min"], "ns_max": ns["max"],
                     "events": events,
                     "events_per_s": round(events / (ns["median"] / 1e9))})
    rows.sort(key=lambda r: (r["family"], r["routes"], r["nets"],
                             who_order(r["who"])))
    compare(rows, ("family", "routes", "nets"), "kernel",
            ("who", "runs", "ns_median", "ns_min", "ns_max", "events"),
            "ns_median")
    # Beside it, the ratio of the fastest runs: what load on the machine
    # adds to a run only makes it slower; and the other ratios.
    point = ("family", "routes", "nets")
    refs = {tuple(r[k] for k in point): r for r in rows if r["who"] == "kernel"}
    for row in rows:
        ref = refs.get(tuple(row[k] for k in point))
        mine = row["who"] != "kernel" and ref is not None
        row["ratio_min"] = ratio(row["ns_min"], ref["ns_min"]) if mine \
            else None
        runs = groups[tuple(row[k] for k in point) + (row["who"],)]
        kernel = groups.get(tuple(row[k] for k in point) + ("kernel",), [])
        for name, ratio_of in RATIOS.items():
            if name != "time":
                row["ratio_" + name] = ratio_of(runs, kernel) if mine \
                    else None
    add_boots(rows, records)
    for row in rows:
        judge_replay(row)
    return rows


def add_boots(rows: list[Row], records: list[Record]) -> None:
    """Where a point was measured in several boots: each boot's ratios to
    the kernel of that boot, and their medians.  A boot's ratio of
    medians moves by a few percent (the control's too): one boot's ratio
    is one sample."""
    points = group(records, ("family", "routes", "nets"))
    for row in rows:
        runs = points.get((row["family"], row["routes"], row["nets"]), [])
        boots = sorted({boot_of(r) for r in runs})
        if len(boots) < 2 or row["who"] == "kernel":
            continue
        per_boot: dict[str, list[float]] = {name: [] for name in RATIOS}
        for boot in boots:
            mine = [r for r in runs if boot_of(r) == boot]
            ref = [r for r in mine if r["who"] == "kernel"]
            own = [r for r in mine if r["who"] == row["who"]]
            if not ref or not own:
                continue
            for name, ratio_of in RATIOS.items():
                value = ratio_of(own, ref)
                if value is not None:
                    per_boot[name].append(value)
        if len(per_boot["time"]) < 2:
            continue
        row["boots"] = len(per_boot["time"])
        for name, ratios in per_boot.items():
            # A figure some boot lacks has no median.
            row["ratio_boots_" + name] = ratios
            row["ratio_boots_median_" + name] = round(
                statistics.median(ratios), 4) \
                if len(ratios) == row["boots"] else None


def ratio_named(row: Row, name: str, across_boots: bool) -> float | None:
    """A row's ratio @name (see RATIOS), of its first boot or the median
    across boots."""
    if across_boots:
        return row.get("ratio_boots_median_" + name)
    return row["ratio"] if name == "time" else row.get("ratio_" + name)


def judge_replay(row: Row) -> None:
    """The replay goal, where it applies, checked on the figure that
    says most: the median across boots over one boot's, then the first
    of JUDGED the row has."""
    applies = replay_goal(row)
    if not applies:
        return
    text, test = applies
    boots = "boots" in row
    on = next((name for name in JUDGED
               if ratio_named(row, name, boots) is not None), "time")
    value = ratio_named(row, on, boots)
    row.update(judged_on=on, judged=value,
               goal=(f"median over {row['boots']} boots of the "
                     f"{NAMES[on]}: " if boots else f"{NAMES[on]}: ") + text,
               met=None if value is None else test(value))


def insert_rows(records: list[Record]) -> list[Row]:
    rows = timed_rows(records, "routes")
    for row in rows:
        row["routes_per_s"] = round(row["routes"] / (row["ns_median"] / 1e9))
    compare(rows, ("routes",), "none",
            ("who", "runs", "ns_median", "routes_per_s"), "routes_per_s",
            lambda row: (f"ratio >= {INSERT_GOAL_MIN}",
                         lambda x: x >= INSERT_GOAL_MIN)
            if row["who"] == "mock" else None)
    return rows


def timed_rows(records: list[Record], size: str) -> list[Row]:
    """Median, fastest and slowest time of each (size, who)."""
    rows = []
    for (n, who), runs in group(records, (size, "who")).items():
        ns = spread([r["ns"] for r in runs])
        rows.append({size: n, "who": who, "runs": ns["runs"],
                     "ns_median": ns["median"], "ns_min": ns["min"],
                     "ns_max": ns["max"]})
    rows.sort(key=lambda r: (r[size], who_order(r["who"])))
    return rows


def flag_rows(records: list[Record]) -> list[Row]:
    rows = timed_rows(records, "routes")
    compare(rows, ("routes",), "netdevsim", ("who", "runs", "ns_median"),
            "ns_median",
            lambda row: (f"ratio <= {FLAG_GOAL_MAX}",
                         lambda x: x <= FLAG_GOAL_MAX)
            if row["who"] == "mock" else None)
    return rows


def memory_rows(records: list[Record]) -> list[Row]:
    rows = []
    for (routes, who), runs in group(records, ("routes", "who")).items():
        own = [r["own_bytes"] for r in runs if "own_bytes" in r]
        rows.append({"routes": routes, "who": who, "runs": len(runs),
                     "slab_bytes": statistics.median(r["slab_bytes"]
                                                     for r in runs),
                     "own_bytes": statistics.median(own) if own else None})
    rows.sort(key=lambda r: (r["routes"], who_order(r["who"])))
    none = {r["routes"]: r for r in rows if r["who"] == "none"}
    for row in rows:
        # The listener's cost: slab beyond the FIB's own.  Its own
        # accounting (of slab objects too) is shown beside, not added.
        base = none.get(row["routes"])
        row["bytes_per_route"] = None
        if row["who"] != "none" and base is not None:
            row["bytes_per_route"] = round(
                (row["slab_bytes"] - base["slab_bytes"]) / row["routes"], 1)
    netdevsim = {r["routes"]: r for r in rows if r["who"] == "netdevsim"}
    for row in rows:
        ref = netdevsim.get(row["routes"])
        if row["who"] in ("none", "netdevsim") or ref is None:
            row.update(reference=None, ratio=None, goal=None, met=None)
            continue
        row["reference"] = {k: ref[k] for k in ("who", "runs", "slab_bytes",
                                                "own_bytes",
                                                "bytes_per_route")}
        # Checked on the bytes: netdevsim's may be about 0, a ratio not.
        mine, theirs = row["bytes_per_route"], ref["bytes_per_route"]
        row["ratio"] = ratio(mine, theirs) if theirs and theirs > 0 else None
        row["goal"] = row["met"] = None
        if row["who"] == "mock":
            row["goal"] = "bytes_per_route <= netdevsim's"
            if mine is not None and theirs is not None:
                row["met"] = mine <= theirs
    return rows


def churn_rows(records: list[Record]) -> list[Row]:
    """Per namespace count and retry mode (`net`: the module's
    per-namespace retry; `all`: the kernel's, every namespace again)."""
    rows = []
    for record in records:
        record.setdefault("mode", "net")
    for (nets, mode), runs in sorted(
            group(records, ("nets", "mode")).items(),
            key=lambda item: (item[0][0], item[0][1] != "net", item[0][1])):
        total = {k: sum(r[k] for r in runs)
                 for k in ("registrations", "tries", "ebusy", "events")}
        per = total["registrations"]
        times = [r["register_ns"] for r in runs if r.get("register_ns")]
        rows.append({"nets": nets, "mode": mode, "runs": len(runs), **total,
                     "register_ns_median":
                     statistics.median(times) if times else None,
                     "register_ns_min": min(times) if times else None,
                     "register_ns_max": max(times) if times else None,
                     "tries_per_registration":
                     round(total["tries"] / per, 3) if per else None,
                     "events_per_registration":
                     round(total["events"] / per) if per else None,
                     # A registration takes at least one try.
                     "reference": {"tries_per_registration": 1},
                     "ratio": round(total["tries"] / per, 3) if per else None,
                     "goal": None, "met": None})
    return rows


def teardown_rows(records: list[Record]) -> list[Row]:
    rows = timed_rows(records, "nets")
    compare(rows, ("nets",), "without", ("who", "runs", "ns_median"),
            "ns_median")
    return rows


def fill_rows(records: list[Record]) -> list[Row]:
    """The FIB's own slab growth per route, as the replay's namespaces
    were filled (no listener holds anything)."""
    rows = []
    for (family, routes, nets), runs in group(
            records, ("family", "routes", "nets")).items():
        slab = statistics.median(r["slab_bytes"] for r in runs)
        rows.append({"family": family, "routes": routes, "nets": nets,
                     "runs": len(runs), "slab_bytes": slab,
                     "bytes_per_route": round(slab / routes, 1)})
    rows.sort(key=lambda r: (r["family"], r["nets"], r["routes"]))
    return rows


def sections_rows(records: list[Record]) -> list[Row]:
    """The longest run of one namespace's replayed events, kernel and
    module, and the kernel's longest registration of one namespace."""
    rows = []
    keys = ("kernel_net_ns", "kernel_events_ns", "module_events_ns")
    for (family, routes, nets), runs in group(
            records, ("family", "routes", "nets")).items():
        row: Row = {"family": family, "routes": routes, "nets": nets,
                    "runs": len(runs)}
        # Each run's longest; the median over the runs (a run's longest
        # is also the one a preemption of the whole machine lands in),
        # and the longest of all.
        for k in keys:
            row[k] = statistics.median(r[k] for r in runs)
            row[k + "_max"] = max(r[k] for r in runs)
        row["ratio"] = ratio(row["module_events_ns"],
                             row["kernel_events_ns"])
        rows.append(row)
    rows.sort(key=lambda r: (r["family"], r["nets"], r["routes"]))
    return rows


RESYNC_MODES = ("flush", "reconcile")


def resync_rows(records: list[Record]) -> list[Row]:
    """Per mode: the resync's time, the mock's hardware writes, the routes
    absent from its table while the kernel had them and for how long."""
    rows = []
    for (routes, mode), runs in group(records, ("routes", "mode")).items():
        ns = spread([r["ns"] for r in runs])
        absent = sum(r["absent"] for r in runs)
        absent_ns = sum(r["absent_ns"] for r in runs)
        rows.append({
            "routes": routes, "mode": mode, "runs": ns["runs"],
            "ns_median": ns["median"], "ns_min": ns["min"],
            "ns_max": ns["max"],
            "hw_writes_median": statistics.median(r["hw_writes"]
                                                  for r in runs),
            "hw_writes_max": max(r["hw_writes"] for r in runs),
            "absent_median": statistics.median(r["absent"] for r in runs),
            "absent_max": max(r["absent"] for r in runs),
            "absent_ns_per_route": round(absent_ns / absent)
            if absent else 0,
            # The mock's longest absence so far, read after each resync:
            # a resync that made no route absent added none.
            "absent_ns_max": max(r["absent_ns_max"] if r["absent"] else 0
                                 for r in runs),
            "who": mode, "goal": None, "met": None})
    rows.sort(key=lambda r: (r["routes"], RESYNC_MODES.index(r["mode"])
                             if r["mode"] in RESYNC_MODES else 9, r["mode"]))
    for row in rows:
        if row["mode"] == "reconcile":
            row["goal"] = "0 routes absent, 0 hardware writes (no route " \
                          "changed)"
            row["met"] = row["absent_max"] == 0 and row["hw_writes_max"] == 0
    return rows


ROWS: dict[str, Callable[[list[Record]], list[Row]]] = {
    "replay": replay_rows, "insert": insert_rows, "flag": flag_rows,
    "memory": memory_rows, "churn": churn_rows, "teardown": teardown_rows,
    "fill": fill_rows, "sections": sections_rows, "resync": resync_rows,
}


def replay_measured(r: Row) -> str:
    """How a listener's replay figure met or missed the goal: the figure
    judged, then the wall-clock one if that was not it."""
    text = f"{label(r['who'])}: {NAMES[r['judged_on']]} {r['judged']:.3f}"
    if "boots" in r:
        text += f", the median of {r['boots']} boots (" + ", ".join(
            f"{x:.3f}" for x in r["ratio_boots_" + r["judged_on"]]) + ")"
    for name in ("cpu", "time"):
        if r["judged_on"] != name:
            value = ratio_named(r, name, "boots" in r)
            if value is not None:
                text += f"; ratio of median {NAMES[name]} {value:.3f}"
    return text


def goals(results: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Each measured kind's goal, whether the figures meet it, and the
    figures it was checked on."""
    point = REPLAY_GOAL_POINT

    def at_routes(r: Row) -> str:
        return f"{label(r['who'])} at {fmt_int(r['routes'])} routes: " \
               f"{r['ratio']:.3f}"

    summary = {
        "replay": summarize_goal(
            f"module/kernel replay time (natively: CPU time) <= "
            f"{REPLAY_GOAL_MAX} at "
            f"{fmt_int(point['routes'])} {FAMILY[point['family']]} routes in "
            f"{point['nets']} namespaces, C and Rust listeners",
            results.get("replay", []), ("c", "rust"),
            replay_measured),
        "insert": summarize_goal(
            f"insertion rate with the mock switchdev >= {INSERT_GOAL_MIN} x "
            "the rate without a listener, at every route count",
            results.get("insert", []), ("mock",), at_routes),
        "flag": summarize_goal(
            "time until every route is flagged, mock switchdev/netdevsim "
            f"<= {FLAG_GOAL_MAX}", results.get("flag", []), ("mock",),
            at_routes),
        "memory": summarize_goal(
            "the mock switchdev's bytes per route <= netdevsim's",
            results.get("memory", []), ("mock",),
            lambda r: f"{fmt_int(r['routes'])} routes: "
                      f"{fmt_num(r['bytes_per_route'])} vs "
                      f"{fmt_num(r['reference']['bytes_per_route'])} bytes"),
        "churn": {"goal": None, "status": None, "measured": []},
        "teardown": {"goal": None, "status": None, "measured": []},
        "fill": {"goal": None, "status": None, "measured": []},
        "sections": {"goal": None, "status": None, "measured": []},
        "resync": summarize_goal(
            "a resync in reconcile mode takes no route out of the hardware "
            "(0 absent) and writes only changed routes (none changed: 0 "
            "writes)", results.get("resync", []), ("reconcile",),
            lambda r: f"{fmt_int(r['routes'])} routes: "
                      f"{fmt_int(r['absent_max'])} absent, "
                      f"{fmt_int(r['hw_writes_max'])} writes at most"),
    }
    return {kind: summary[kind] for kind in KINDS if kind in results}


# Markdown

def fmt_num(x: float | None, digits: int = 3) -> str:
    """@digits significant digits, thousands separated."""
    if x is None:
        return "n/a"
    if x == 0:
        return "0"
    decimals = max(0, digits - 1 - math.floor(math.log10(abs(x))))
    return f"{x:,.{decimals}f}"


def fmt_int(x: float | None) -> str:
    return "n/a" if x is None else f"{round(x):,}"


def fmt_ms(ns: float) -> str:
    return fmt_num(ns / 1e6)


def fmt_range_ms(row: Row) -> str:
    return f"{fmt_ms(row['ns_min'])}-{fmt_ms(row['ns_max'])}"


def fmt_rate(per_s: float) -> str:
    for scale, prefix in ((1e6, "M"), (1e3, "k")):
        if per_s >= scale:
            return f"{fmt_num(per_s / scale)} {prefix}/s"
    return f"{fmt_num(per_s)} /s"


def fmt_bytes(n: float | None) -> str:
    if n is None:
        return "n/a"
    for scale, unit in ((1 << 20, "MiB"), (1 << 10, "KiB")):
        if abs(n) >= scale:
            return f"{fmt_num(n / scale)} {unit}"
    return f"{fmt_int(n)} B"


def fmt_ratio(row: Row, reference_name: str) -> str:
    """The ratio, bold when it misses its goal; the reference row says so."""
    if row["ratio"] is None:
        return reference_name if row["reference"] is None else "n/a"
    text = f"{row['ratio']:.3f}"
    return f"**{text}**" if row["met"] is False else text


def label(who: str) -> str:
    return WHO.get(who, who)


def table(header: list[str], lines: list[list[str]]) -> list[str]:
    out = ["| " + " | ".join(header) + " |",
           "|" + "|".join(" --- " for _ in header) + "|"]
    out += ["| " + " | ".join(cells) + " |" for cells in lines]
    return out


def judged_cell(row: Row, on: str, value: float | None,
                across_boots: bool = False) -> str:
    """A replay ratio on clock @on (of one boot, or the median across
    boots), bold when it is the figure the goal was checked on and misses
    the goal."""
    if value is None:
        return "-"
    text = f"{value:.3f}"
    judged = row.get("judged_on") == on and ("boots" in row) == across_boots
    return f"**{text}**" if judged and row.get("met") is False else text


def md_replay(rows: list[Row]) -> list[str]:
    intro = ("A listener registering late gets every namespace's rules and "
             "routes replayed.  Reference: the kernel's own chains, one "
             "`register_fib_notifier()` per namespace (rfn_bench "
             "`kernel_replay`); the module: one registration for every "
             "namespace.  Only the registration is timed, the four "
             "interleaved: in rounds of one run each, in orders that put "
             "each after each other one equally often (a run is slower "
             "after some ways than after others).  Ratio: module/kernel "
             "median time (lower is better).")
    lines = [[FAMILY.get(r["family"], r["family"]), fmt_int(r["routes"]),
              str(r["nets"]), label(r["who"]), str(r["runs"]),
              fmt_int(r["events"]),
              fmt_ms(r["ns_median"]), fmt_range_ms(r),
              fmt_rate(r["events_per_s"]),
              "reference" if r["who"] == "kernel" else
              "no reference" if r["reference"] is None else
              "n/a" if r["ratio"] is None else
              judged_cell(r, "time", r["ratio"]),
              "-" if r.get("ratio_min") is None
              else f"{r['ratio_min']:.3f}"] for r in rows]
    header = ["family", "routes", "netns", "listener", "runs", "events",
              "median ms", "min-max ms", "events/s", "ratio to kernel",
              "ratio of fastest runs"]
    if any(r.get("cpu_ns_median") for r in rows):
        intro += ("  CPU: the median CPU time of the registrations (the "
                  "host thread's, natively: what the host gave other "
                  "processes meanwhile left out), and its ratio to the "
                  "kernel's.")
        header += ["CPU median ms", "CPU ratio"]
        for r, line in zip(rows, lines):
            line += ["-" if not r.get("cpu_ns_median")
                     else fmt_ms(r["cpu_ns_median"]),
                     "reference" if r["who"] == "kernel" and
                     r.get("cpu_ns_median") else
                     judged_cell(r, "cpu", r["ratio_cpu"])]
    if any(r.get("switched") is not None for r in rows):
        intro += ("  Switched out: the runs in which the registering task "
                  "gave the CPU to another task (natively `ksoftirqd`, at "
                  "the module's yield points between namespaces; the "
                  "kernel's registration has none), whose time both clocks "
                  "then count.")
        header += ["switched out"]
        for r, line in zip(rows, lines):
            line += ["-" if r.get("switched") is None
                     else f"{r['switched']} of {r['runs']}"]
    paired_name = next((name for name in ("paired_cpu", "paired_time")
                        if any(r.get("ratio_" + name) for r in rows)), None)
    if paired_name:
        intro += (f"  Paired: the median over the rounds of a run's "
                  f"{NAMES[paired_name.removeprefix('paired_')]} divided "
                  "by the kernel's run's of the same round (a round runs "
                  "the four back to back, so what drifts during a boot, "
                  "load on the machine or a neighbour's use of the shared "
                  "caches, weighs on the four alike); the goal is checked "
                  "on it.")
        header += ["paired ratio"]
        for r, line in zip(rows, lines):
            line += ["reference" if r["who"] == "kernel" else
                     judged_cell(r, paired_name, r.get("ratio_" + paired_name))]
    out = [intro, ""] + table(header, lines)
    boots = [r for r in rows if "boots" in r]
    if boots:
        shown = [name for name in ("time", "cpu", paired_name)
                 if name and any(r.get("ratio_boots_median_" + name)
                                 for r in boots)]
        header = ["family", "routes", "netns", "listener", "boots"]
        for name in shown:
            header += [{"time": "ratio to kernel", "cpu": "CPU ratio"}.get(
                name, "paired ratio") + ", each boot", "median"]
        out += ["", "Across boots: the same point measured again in "
                "boots of their own (the runs of each interleaved as "
                "above).  A boot's ratio moves by a few percent (the "
                "control's too), so one boot's ratio is one sample; the "
                "goal is checked on the median of the boots' paired "
                "ratios.", ""]
        out += table(
            header,
            [[FAMILY.get(r["family"], r["family"]), fmt_int(r["routes"]),
              str(r["nets"]), label(r["who"]), str(r["boots"]),
              *(cell for name in shown for cell in (
                  ", ".join(f"{x:.3f}" for x in r["ratio_boots_" + name])
                  or "-",
                  judged_cell(r, name, r["ratio_boots_median_" + name],
                              across_boots=True)))]
             for r in boots])
    return out


def md_insert(rows: list[Row]) -> list[str]:
    intro = ("`ip -batch` inserting the routes, with each listener "
             "registered.  Ratio: insertion rate with the listener / "
             "without any (higher is better).")
    lines = [[fmt_int(r["routes"]), label(r["who"]), str(r["runs"]),
              fmt_ms(r["ns_median"]), fmt_range_ms(r),
              fmt_rate(r["routes_per_s"]),
              fmt_ratio(r, "reference" if r["who"] == "none"
                        else "no reference")] for r in rows]
    return [intro, ""] + table(
        ["routes", "listener", "runs", "median ms", "min-max ms", "routes/s",
         "ratio to none"], lines)


def md_flag(rows: list[Row]) -> list[str]:
    intro = ("Time from the start of the insertion until every route shows "
             "the offload flag.  Ratio: mock switchdev / netdevsim (lower is "
             "better).")
    lines = [[fmt_int(r["routes"]), label(r["who"]), str(r["runs"]),
              fmt_ms(r["ns_median"]), fmt_range_ms(r),
              fmt_ratio(r, "reference" if r["who"] == "netdevsim"
                        else "no reference")] for r in rows]
    return [intro, ""] + table(
        ["routes", "listener", "runs", "median ms", "min-max ms",
         "ratio to netdevsim"], lines)


def md_memory(rows: list[Row]) -> list[str]:
    intro = ("Slab growth while inserting the routes.  A listener's bytes "
             "per route: its slab growth beyond the FIB's own (no "
             "listener), per route.  Own: what the listener accounts itself "
             "(the mock's `table_bytes`: its table in slab objects' sizes), "
             "per route; the slab growth includes it.  Ratio: mock "
             "switchdev / netdevsim bytes per route (lower is better).")

    def per_route(r: Row) -> str:
        if r["who"] == "none":
            return f"({fmt_num(r['slab_bytes'] / r['routes'])}: the FIB's own)"
        return fmt_num(r["bytes_per_route"])

    def ratio_cell(r: Row) -> str:
        if r["who"] == "none":
            return "-"
        return fmt_ratio(r, "reference" if r["who"] == "netdevsim"
                         else "no reference")

    lines = [[fmt_int(r["routes"]), label(r["who"]), str(r["runs"]),
              fmt_bytes(r["slab_bytes"]),
              "-" if r["own_bytes"] is None
              else fmt_num(r["own_bytes"] / r["routes"]),
              per_route(r), ratio_cell(r)] for r in rows]
    return [intro, ""] + table(
        ["routes", "listener", "runs", "slab growth", "own bytes/route",
         "listener bytes/route", "ratio to netdevsim"], lines)


def md_churn(rows: list[Row]) -> list[str]:
    intro = ("Late registrations of a listener on every namespace while one "
             "of them keeps changing: a try whose replay saw a change is "
             "retried (5 tries, then `EBUSY`).  Retry per namespace: the "
             "module's (only what changed is replayed again); every "
             "namespace: the kernel's way (`retry_all`: the listener is "
             "flushed, everything replayed again).  Reference: one try per "
             "registration.  Time: the registration's, `EBUSY` included.")
    mode = {"net": "per namespace", "all": "every namespace (kernel's)"}
    lines = [[str(r["nets"]), mode.get(r["mode"], r["mode"]), str(r["runs"]),
              fmt_int(r["registrations"]),
              fmt_num(r["tries_per_registration"]), fmt_int(r["ebusy"]),
              fmt_int(r["events_per_registration"]),
              "n/a" if r["register_ns_median"] is None else
              f"{fmt_ms(r['register_ns_median'])} "
              f"({fmt_ms(r['register_ns_min'])}-"
              f"{fmt_ms(r['register_ns_max'])})"] for r in rows]
    return [intro, ""] + table(
        ["netns", "retry", "runs", "registrations",
         "tries/registration (ideal 1)", "EBUSY", "events/registration",
         "ms per registration (min-max)"], lines)


def md_fill(rows: list[Row]) -> list[str]:
    intro = ("The FIB's own memory: slab growth (`SUnreclaim`) from the "
             "empty namespaces to the routes the replay was measured on, "
             "per route.")
    lines = [[FAMILY.get(r["family"], r["family"]), fmt_int(r["routes"]),
              str(r["nets"]), fmt_bytes(r["slab_bytes"]),
              fmt_num(r["bytes_per_route"])] for r in rows]
    return [intro, ""] + table(
        ["family", "routes", "netns", "slab growth", "bytes/route"], lines)


def md_sections(rows: list[Row]) -> list[str]:
    intro = ("How long one namespace's replay holds the CPU: the kernel "
             "dumps a namespace under one RCU read section (its whole "
             "`register_fib_notifier()`, first column, bounds it), the "
             "module likewise, one namespace per section with a "
             "`cond_resched()` between namespaces.  Measured untimed, with "
             "a listener that reads the clock at every event: the longest "
             "time from a namespace's first replayed event to its last, "
             "the median of the runs' (the longest run's beside it).  "
             "RTNL: the module takes it once per namespace as a barrier "
             "(`rfn_net_wait_writers()`: lock, unlock), and around the "
             "nexthop objects' replay for listeners that want them (none "
             "here); the kernel's registration takes none.")
    def cell(r: Row, k: str) -> str:
        return f"{fmt_ms(r[k])} ({fmt_ms(r[k + '_max'])})"

    lines = [[FAMILY.get(r["family"], r["family"]), fmt_int(r["routes"]),
              str(r["nets"]), str(r["runs"]), cell(r, "kernel_net_ns"),
              cell(r, "kernel_events_ns"), cell(r, "module_events_ns"),
              "n/a" if r["ratio"] is None else f"{r['ratio']:.3f}"]
             for r in rows]
    return [intro, ""] + table(
        ["family", "routes", "netns", "runs",
         "kernel: longest registration of one netns, ms (longest run)",
         "kernel: longest netns events, ms (longest run)",
         "module: longest netns events, ms (longest run)",
         "ratio (medians)"], lines)


def md_resync(rows: list[Row]) -> list[str]:
    intro = ("A resync of one namespace with the mock switchdev attached "
             "(its debugfs `resync`), no route changed: in flush mode "
             "(`reconcile` 0) the mock removes the namespace from its "
             "hardware table and the replay writes it again; in reconcile "
             "mode (1) it marks the routes stale, keeps each route the "
             "replay gives unchanged and sweeps what stayed stale.  "
             "Hardware writes and routes absent from the hardware while "
             "the kernel had them: the mock's `stats` (`hw_writes`, "
             "`absent`); time absent: from a route's removal to its "
             "re-insertion (`absent_ns`, mean per absent route, and the "
             "longest, `absent_ns_max`).  Time: from the write to `resync` "
             "until the mock's queue is drained.")
    lines = [[fmt_int(r["routes"]), r["mode"], str(r["runs"]),
              fmt_ms(r["ns_median"]), fmt_range_ms(r),
              fmt_int(r["hw_writes_median"]), fmt_int(r["absent_median"]),
              fmt_ms(r["absent_ns_per_route"]),
              fmt_ms(r["absent_ns_max"])] for r in rows]
    return [intro, ""] + table(
        ["routes", "mode", "runs", "median ms", "min-max ms",
         "hw writes", "routes absent", "mean ms absent",
         "longest ms absent"], lines)


def md_teardown(rows: list[Row]) -> list[str]:
    intro = ("Deleting the namespaces at once, until they are gone.  Ratio: "
             "with / without the module (lower is better).")
    lines = [[str(r["nets"]), label(r["who"]), str(r["runs"]),
              fmt_ms(r["ns_median"]), fmt_range_ms(r),
              fmt_ratio(r, "reference" if r["who"] == "without"
                        else "no reference")] for r in rows]
    return [intro, ""] + table(
        ["netns", "run", "runs", "median ms", "min-max ms",
         "ratio to without"], lines)


SECTIONS: dict[str, tuple[str, Callable[[list[Row]], list[str]]]] = {
    "replay": ("Registration replay", md_replay),
    "insert": ("Route insertion", md_insert),
    "flag": ("Time to offload flag", md_flag),
    "memory": ("Memory", md_memory),
    "churn": ("Registration under churn", md_churn),
    "teardown": ("Namespace teardown", md_teardown),
    "fill": ("Memory of the FIB", md_fill),
    "sections": ("Longest replay section of one namespace", md_sections),
    "resync": ("Resync: flush against reconcile", md_resync),
}


def accel_name(meta: dict[str, str]) -> str:
    """The accelerator every figure of this run used."""
    accel = meta.get("accel", "tcg")
    return {"tcg": "TCG", "native": "native (UML)",
            "kvm": "KVM"}.get(accel, accel)


def meta_line(meta: dict[str, str]) -> str:
    known = ("machine", "kernel", "cpus", "accel", "date", "title")
    parts = []
    if "machine" in meta:
        parts.append(f"machine `{meta['machine']}`")
    if "kernel" in meta:
        parts.append(f"kernel `{meta['kernel']}`")
    if "cpus" in meta:
        parts.append(f"{meta['cpus']} CPUs")
    if "accel" in meta:
        accel = meta["accel"]
        parts.append("TCG (emulated CPU: slow absolute times, compare the "
                     "ratios)" if accel == "tcg" else
                     "native (User-mode Linux: the kernel's code runs "
                     "natively as a host process, one CPU)"
                     if accel == "native" else accel.upper())
    if "date" in meta:
        parts.append(f"measured {meta['date']}")
    parts += [f"{k} `{v}`" for k, v in sorted(meta.items()) if k not in known]
    return "Setup: " + (", ".join(parts) if parts else "not recorded") + "."


def goal_text(summary: dict[str, Any]) -> str:
    if summary["goal"] is None:
        return "none set (for information)"
    return f"{summary['goal']}: **{summary['status']}** " \
           f"({'; '.join(summary['measured'])})"


def markdown(meta: dict[str, str], results: dict[str, Any],
             summary: dict[str, dict[str, Any]]) -> str:
    out = [f"## {meta.get('title', 'Performance')}", "",
           "All figures are ratios to a reference measured in the same boot "
           "(same kernel, machine and load), so they carry over to other "
           "machines where absolute times do not.  Times are medians of the "
           "runs, with the fastest and slowest beside them.", "",
           meta_line(meta), ""]
    if not results:
        return "\n".join(out + ["Nothing was measured.", ""])
    out += table(["measurement", "accelerator", "goal", "result"],
                 [[SECTIONS[k][0], accel_name(meta),
                   summary[k]["goal"] or "none set",
                   f"**{summary[k]['status']}**" if summary[k]["status"]
                   else "for information"] for k in summary])
    for kind, rows in results.items():
        title, render = SECTIONS[kind]
        out += ["", f"### {title}: {accel_name(meta)}", ""] + render(rows)
        out += ["", f"Goal: {goal_text(summary[kind])}."]
    return "\n".join(out) + "\n"


# Plots

def plot(results: dict[str, Any], out: Path, accel: str) -> list[Path]:
    """Writes the plots of what was measured; returns their paths."""
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError as err:
        print(f"report.py: no plots: {sys.executable} cannot import "
              f"matplotlib ({err}); on Debian: apt-get install "
              "python3-matplotlib, and run report.py with /usr/bin/python3",
              file=sys.stderr)
        return []
    written = []
    replay = results.get("replay", [])
    for family, name in (("ipv4", "replay.png"), ("ipv6", "replay-ipv6.png")):
        rows = [r for r in replay if r["family"] == family]
        if rows:
            written.append(plot_replay(plt, rows, family, out / name,
                                       accel))
    if results.get("insert"):
        written.append(plot_insert(plt, results["insert"], out / "insert.png",
                                   accel))
    return written


def plot_replay(plt: Any, rows: list[Row], family: str, path: Path,
                accel: str) -> Path:
    """Time vs routes, log-log: a colour per namespace count, the kernel
    dashed, its control dotted, the module's listeners solid (a marker
    each); below, the ratio to the kernel, which the log scale hides."""
    markers = {"kernel": "^", "wrapped": "v", "c": "o", "rust": "s"}
    dashes = {"kernel": "--", "wrapped": ":"}
    nets_all = sorted({r["nets"] for r in rows})
    colours = plt.get_cmap("tab10")
    fig, (times, ratios) = plt.subplots(
        2, 1, sharex=True, figsize=(8, 7.5), dpi=100,
        gridspec_kw={"height_ratios": (3, 1.4)})
    lines = group(rows, ("who", "nets"))
    for who, nets in sorted(lines, key=lambda k: (k[1], who_order(k[0]))):
        points = sorted(lines[(who, nets)], key=lambda r: r["routes"])
        routes = [r["routes"] for r in points]
        median = [r["ns_median"] / 1e6 for r in points]
        style = {"color": colours(nets_all.index(nets) % 10),
                 "linestyle": dashes.get(who, "-"),
                 "marker": markers.get(who, "D")}
        times.errorbar(routes, median, capsize=3,
                       yerr=[[m - r["ns_min"] / 1e6
                              for m, r in zip(median, points)],
                             [r["ns_max"] / 1e6 - m
                              for m, r in zip(median, points)]],
                       label=f"{label(who)}, {nets} netns", **style)
        measured = [r for r in points if r["ratio"] is not None]
        if measured:
            ratios.plot([r["routes"] for r in measured],
                        [r["ratio"] for r in measured], **style)
    times.set_xscale("log")
    times.set_yscale("log")
    times.set_ylabel("registration (replay) time, ms")
    times.set_title(f"Registration replay, {FAMILY.get(family, family)}, "
                    f"{accel}: median, bars min-max")
    times.grid(True, which="both", alpha=0.3)
    times.legend(fontsize="small")
    ratios.axhline(1.0, color="grey", linewidth=1)
    if family == REPLAY_GOAL_POINT["family"]:
        ratios.axhline(REPLAY_GOAL_MAX, color="red", linestyle=":",
                       label=f"goal {REPLAY_GOAL_MAX}, at "
                       f"{fmt_int(REPLAY_GOAL_POINT['routes'])} routes, "
                       f"{REPLAY_GOAL_POINT['nets']} netns")
        ratios.legend(fontsize="small")
    ratios.set_xlabel("routes, over all the namespaces")
    ratios.set_ylabel("module / kernel")
    ratios.grid(True, which="both", alpha=0.3)
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)
    return path


def plot_insert(plt: Any, rows: list[Row], path: Path, accel: str) -> Path:
    """Grouped bars, one group per route count, the ratio to none on each."""
    counts = sorted({r["routes"] for r in rows})
    whos = sorted({r["who"] for r in rows}, key=who_order)
    width = 0.8 / len(whos)
    colours = plt.get_cmap("tab10")
    fig, ax = plt.subplots(figsize=(8, 5.5), dpi=100)
    for i, who in enumerate(whos):
        mine = {r["routes"]: r for r in rows if r["who"] == who}
        xs = [j + (i - (len(whos) - 1) / 2) * width
              for j, n in enumerate(counts) if n in mine]
        found = [mine[n] for n in counts if n in mine]
        bars = ax.bar(xs, [r["routes_per_s"] / 1e3 for r in found], width,
                      color=colours(i % 10), label=label(who))
        ax.bar_label(bars, fontsize="small", padding=2,
                     labels=["ref." if r["who"] == "none" else
                             "n/a" if r["ratio"] is None else
                             f"\u00d7{r['ratio']:.2f}" for r in found])
    ax.set_xticks(range(len(counts)), [f"{n:,} routes" for n in counts])
    ax.set_ylabel("insertion rate, thousand routes/s")
    ax.set_title(f"ip -batch route insertion, {accel}: median rate, "
                 "\u00d7 the rate without a listener")
    ax.margins(y=0.1)
    ax.legend(fontsize="small", loc="upper center", ncol=len(whos),
              bbox_to_anchor=(0.5, -0.08))
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)
    return path


def main() -> int:
    parser = argparse.ArgumentParser(
        description="Report of the benchmark's raw results.")
    parser.add_argument("raw", type=Path, help="bench.raw from the guest")
    parser.add_argument("--out", type=Path,
                        help="output directory (default: the raw file's)")
    parser.add_argument("--meta", nargs="+", action="extend", default=[],
                        metavar="KEY=VALUE",
                        help="setup facts, over the raw file's kind=meta")
    args = parser.parse_args()

    try:
        meta, records = parse_raw(args.raw)
    except (OSError, RawError) as err:
        print(f"report.py: {err}", file=sys.stderr)
        return 1
    for item in args.meta:
        key, sep, value = item.partition("=")
        if not sep or not key:
            parser.error(f"--meta {item!r} is not key=value")
        meta[key] = value

    results = {kind: ROWS[kind](records[kind]) for kind in KINDS
               if records.get(kind)}
    summary = goals(results)
    out = args.out or args.raw.parent
    out.mkdir(parents=True, exist_ok=True)
    # A plot of a kind not measured this time would be stale: remove it.
    for name in ("replay.png", "replay-ipv6.png", "insert.png"):
        (out / name).unlink(missing_ok=True)

    document = {"meta": dict(sorted(meta.items())), "goals": summary,
                **results}
    (out / "results.json").write_text(json.dumps(document, indent=2) + "\n")
    text = markdown(meta, results, summary)
    (out / "results.md").write_text(text)
    for path in plot(results, out, accel_name(meta)):
        print(f"report.py: wrote {path}", file=sys.stderr)
    print(text, end="")
    return 0


if __name__ == "__main__":
    sys.exit(main())
