# SPDX-License-Identifier: GPL-2.0
"""The named checks a guest test asks the host for.

A guest test writes `judge SNAP<TAB>NAME<TAB>CHECK<TAB>ARG...` (tests/guest/
lib/results.sh): one result, NAME, decided by the check function CHECK of
this file on snapshot SNAP (a Snap, snapshot.py) with the ARGs.  A check is
a function decorated with @check; its docstring says what it asserts.  Its
parameters after the snapshot are typed, and each ARG is converted to its
parameter's type: `str`, `int`, `Names` (one argument, a space separated
list of words) or a last `*ns: str` taking the remaining arguments (NS...:
namespace names, `init` for the initial one; none: every namespace of the
snapshot).  A check returns a Verdict (true or false, with the lines that
explain a failure) or a bool.  A check of the `notes` registry (@note)
returns a line of text for a `note SNAP<TAB>CHECK<TAB>ARG...` diagnostic.

Keys: a route's prefix key is `route INO FAMILY TABLE PREFIX`; its per-route
key adds `tos TOS metric METRIC type TYPE via NEXTHOPS` (Snap.rkey).  A
listener is named by its debugfs directory: probe, mock_switchdev,
rfn_c_example.
"""
import inspect

from snapshot import HW_FLAGS, Snap, Verdict, cmp, eq, prefix  # noqa: F401
import mcast

CHECKS = {}
NOTES = {}


class Names(list):
    """A check argument: a space separated list of words."""


def check(fn):
    """Register FN as a check, by its name."""
    CHECKS[fn.__name__] = fn
    return fn


def note(fn):
    """Register FN as a note, by its name."""
    NOTES[fn.__name__] = fn
    return fn


def _convert(fn, args):
    params = list(inspect.signature(fn).parameters.values())[1:]
    out, args = [], list(args)
    for p in params:
        if p.kind == p.VAR_POSITIONAL:
            out += [p.annotation(a) if p.annotation is int else a for a in args]
            args = []
            break
        if not args:
            raise TypeError(f"{fn.__name__}: no argument for {p.name}")
        a = args.pop(0)
        if p.annotation is int:
            out.append(int(a))
        elif p.annotation is Names:
            out.append(Names(a.split()))
        else:
            out.append(a)
    if args:
        raise TypeError(f"{fn.__name__}: {len(args)} arguments too many")
    return out


def run(registry, snap, name, args):
    """Registry entry NAME on SNAP with the string ARGS, converted."""
    if name not in registry:
        raise KeyError(f"no check named {name!r}")
    fn = registry[name]
    return fn(snap, *_convert(fn, args))


def all_of(*verdicts):
    """True if every one is; the lines of all of them."""
    lines = []
    for v in verdicts:
        lines += list(getattr(v, "lines", []))
    return Verdict(all(bool(v) for v in verdicts), lines)


def is_true(value, what):
    """VALUE as a Verdict that says WHAT failed."""
    return Verdict(value, [] if value else [f"false: {what}"])


def _has_flag(r, flag):
    return r is not None and flag in r["flags"]


# --- a listener against the kernel ------------------------------------------
@check
def compare(s, directory: str, *ns: str):
    """The listener holds exactly the kernel's routes (and rules, if it has
    a `rules` file) of NS (the mock: but the routes it ignores); the probe,
    which prints what it holds of each route, per route: the kernel's first
    route of each prefix (Snap.compare, Snap.compare_first)."""
    return s.compare(directory, *ns)


@check
def compare_decoded(s, directory: str, *ns: str):
    """Each route's `type`, `proto` and `scope`, and each rule's `action`,
    as the listener names them, are ip's names for the kernel's values in
    NS (Snap.compare_decoded)."""
    return s.compare_decoded(directory, *ns)


@check
def compare_nexthops(s, directory: str, *ns: str):
    """The listener holds exactly the kernel's nexthop objects, buckets (if
    it has the file) and routes with their `nhid` in NS (Snap.
    compare_nexthops: the probe's lines as the kernel describes each
    object; a mock's kind, occupancy and route count per object)."""
    return s.compare_nexthops(directory, *ns)


@check
def compare_all(s, directory: str, *ns: str):
    """compare_nexthops and compare: nexthop objects, buckets, routes with
    their nhid, rules."""
    return all_of(s.compare_nexthops(directory, *ns), s.compare(directory, *ns))


@check
def compare_paths(s, directory: str, *ns: str):
    """compare, and each route's nexthop count in the listener equals the
    kernel's (Snap.nexthop_counts)."""
    return all_of(s.nexthop_counts(directory, *ns), s.compare(directory, *ns))


@check
def compare_only(s, directory: str, ns: str):
    """compare in NS, and every line of the listener's `routes` is of NS."""
    return all_of(s.compare(directory, ns), only_namespace(s, directory, ns, "routes"))


@check
def compare_and_route(s, directory: str, ns: str, dst: str):
    """compare in NS, and the kernel has the route DST (main table)."""
    return all_of(s.compare(directory, ns), is_true(s.route(ns, dst) is not None, f"{dst} in {ns}"))


@check
def holds_more_than(s, directory: str, ns: str, n: int):
    """The listener holds more than N keys (routes and rules) of NS."""
    return cmp(len(s.listener(directory, ns)), ">", n)


@check
def holds_rule(s, directory: str, ns: str, family: int, pref: int, table: int):
    """The listener holds the rule (FAMILY, PREF, TABLE) of NS."""
    key = f"rule {s.ino(ns)} {family} {pref} {table}"
    return is_true(key in s.listener(directory, ns), f"{directory} holds {key}")


@check
def holds_none_of(s, directory: str, ns: str, *texts: str):
    """No key the listener holds in NS contains any of TEXTS (prefixes)."""
    bad = [k for k in s.listener(directory, ns) if any(t in k for t in texts)]
    return Verdict(not bad, [f"held: {k}" for k in bad])


@check
def holds_no_route(s, directory: str, ns: str, *prefixes: str):
    """No line of the listener's `routes` is a route of NS to one of
    PREFIXES (its fourth word, as the listener prints it)."""
    bad = [l for l in s.lines(directory, "routes")
           if int(l.split()[0]) == s.ino(ns) and l.split()[3] in prefixes]
    return Verdict(not bad, [f"held: {l}" for l in bad])


@check
def no_line_has(s, directory: str, name: str, *texts: str):
    """No line of the listener's file NAME contains any of TEXTS."""
    bad = [l for l in s.lines(directory, name) if any(t in l for t in texts)]
    return Verdict(not bad, [f"{name}: {l}" for l in bad])


@check
def holds_nothing_of(s, directory: str, *inodes: str):
    """No line of the listener's `routes` and `rules` starts with one of
    INODES (namespaces that are gone)."""
    bad = [l for l in s.lines(directory, "routes") + s.lines(directory, "rules")
           if l.split()[0] in inodes]
    return Verdict(not bad, [f"held: {l}" for l in bad])


@check
def only_namespace(s, directory: str, ns: str, *files: str):
    """Every line of the listener's FILES is of namespace NS (its first
    word is NS's inode)."""
    bad = [l for f in files for l in s.lines(directory, f) if int(l.split()[0]) != s.ino(ns)]
    return Verdict(not bad, [f"of another namespace: {l}" for l in bad[:40]])


@check
def lines_match(s, directory: str, *pairs: str):
    """For each pair FILE PATTERN, a line of the listener's FILE matches
    PATTERN (re.search), in which `{ino NS}` stands for NS's inode number
    and `{ifindex NS DEV}` for DEV's index in NS."""
    if len(pairs) % 2:
        raise TypeError("lines_match: FILE PATTERN pairs")
    out = []
    for name, pattern in zip(pairs[::2], pairs[1::2]):
        out.append(s.grep(directory, name, expand(s, pattern)))
    return all_of(*out)


def expand(s, pattern):
    """PATTERN with `{ino NS}` and `{ifindex NS DEV}` replaced."""
    import re

    def sub(m):
        w = m.group(1).split()
        if w[0] == "ino" and len(w) == 2:
            return str(s.ino(w[1]))
        if w[0] == "ifindex" and len(w) == 3:
            return str(s.ifindex(w[1], w[2]))
        raise ValueError(f"unknown placeholder {{{m.group(1)}}}")
    return re.sub(r"\{((?:ino|ifindex) [^}]*)\}", sub, pattern)


@check
def stat_eq(s, directory: str, key: str, value: int):
    """The listener's statistic KEY equals VALUE."""
    return eq(s.stat(directory, key), value)


@check
def stat_at_least(s, key: str, least: int, *directories: str):
    """Each listener's statistic KEY is at least LEAST."""
    bad = [f"{d}: {key} {s.stat(d, key)} < {least}" for d in directories if s.stat(d, key) < least]
    return Verdict(not bad, bad)


# --- the kernel's routes, rules and flags ------------------------------------
@check
def route_has_flag(s, ns: str, table: int, flag: str, *prefixes: str):
    """Each route DST of NS in TABLE carries FLAG (as `ip -j` prints it)."""
    bad = [p for p in prefixes if not _has_flag(s.route(ns, p, table), flag)]
    return Verdict(not bad, [f"{p} in {ns} table {table}: no {flag}" for p in bad])


@check
def route_lacks_flag(s, ns: str, table: int, flag: str, dst: str):
    """The route DST of NS in TABLE exists and does not carry FLAG."""
    return is_true(flag not in s.route(ns, dst, table)["flags"], f"{dst} without {flag}")


@check
def route_unflagged(s, ns: str, table: int, dst: str):
    """The route DST of NS in TABLE exists and carries no rt_ flag."""
    flags = [f for f in s.route(ns, dst, table)["flags"] if f.startswith("rt_")]
    return Verdict(not flags, [f"{dst}: {flags}"])


@check
def some_route_flagged(s, ns: str, flag: str):
    """Some route of NS carries FLAG."""
    return is_true(any(flag in r.get("flags", []) for r in s.kroutes(ns)), f"a route of {ns} with {flag}")


@check
def no_hw_flags(s, *ns: str):
    """No route of NS carries a hardware flag (rt_offload, rt_trap,
    rt_offload_failed)."""
    return eq(s.hwflagged(*ns), set())


@check
def kernel_lacks_prefixes(s, ns: str, *prefixes: str):
    """The kernel has no route to any of PREFIXES in NS (any table)."""
    bad = [k for k in s.routes(ns) if k.split()[-1] in set(prefixes)]
    return Verdict(not bad, [f"in the kernel: {k}" for k in bad])


@check
def no_rules_in_range(s, ns: str, low: int, high: int):
    """The kernel has no rule of NS with a preference in [LOW, HIGH)."""
    bad = [r for r in s.rules(ns) if low <= int(r.split()[3]) < high]
    return Verdict(not bad, [f"in the kernel: {r}" for r in bad[:40]])


@check
def single_path(s, ns: str, dst: str):
    """The kernel's route DST of NS (main table) has one path (no
    `nexthops` list)."""
    return eq(len(s.route(ns, dst).get("nexthops", [])), 0)


@check
def paths_held_once(s, directory: str, ns: str, dst: str, paths: int):
    """The kernel's route DST of NS has PATHS nexthops, and every route's
    nexthop count in the listener equals the kernel's."""
    return all_of(s.nexthop_counts(directory, ns), eq(len(s.route(ns, dst)["nexthops"]), paths))


def _hw_spec(text):
    """`METRIC TOS VIA FLAGS` -> a tuple as Snap.hw gives (METRIC or TOS
    `*`: any; FLAGS comma separated, `-` for none)."""
    metric, tos, via, flags = text.split()
    return (None if metric == "*" else int(metric), None if tos == "*" else tos, via,
            [] if flags == "-" else flags.split(","))


@check
def hw_routes(s, ns: str, table: int, *spec: str):
    """Per prefix: `PREFIX ROUTE... [; PREFIX ROUTE...]`: the kernel's routes
    to PREFIX in TABLE of NS, in its order, are exactly the ROUTEs, each
    `METRIC TOS VIA FLAGS` (VIA `GATEWAY@DEV,...`; FLAGS the hardware flags,
    comma separated, `-` for none; METRIC or TOS `*`: not compared)."""
    groups, cur = [], None
    for w in spec:
        if w == ";":
            cur = None
        elif cur is None:
            cur = (w, [])
            groups.append(cur)
        else:
            cur[1].append(_hw_spec(w))
    out = []
    for dst, want in groups:
        have = s.hw(ns, dst, table)
        if len(have) == len(want):
            # A `*` in the expectation: that field is not compared.
            have = [(None if w[0] is None else h[0], None if w[1] is None else h[1], h[2], h[3])
                    for h, w in zip(have, want)]
        out.append(eq((dst, have), (dst, want)))
    return all_of(*out)


@check
def first_route_flags(s, ns: str, table: int, *pairs: str):
    """For each pair PREFIX FLAGS, the first of the kernel's routes to
    PREFIX in TABLE of NS carries exactly the hardware FLAGS (comma
    separated, `-` for none)."""
    want = [(p, [] if f == "-" else f.split(",")) for p, f in zip(pairs[::2], pairs[1::2])]
    return eq([(p, s.hw(ns, p, table)[0][3]) for p, _ in want], want)


def _fields(r, kind):
    if kind == "metric":
        return (r.get("metric", 0), r.get("gateway"))
    return ("tos" in r, r.get("gateway"))


def _field_spec(kind, text):
    a, gw = text.split()
    return (int(a), gw) if kind == "metric" else (a == "tos", gw)


@check
def one_flagged(s, ns: str, dst: str, kind: str, flagged: str, *routes: str):
    """The kernel's routes to DST in the main table of NS are ROUTES (sorted)
    and only FLAGGED carries a hardware flag.  KIND `metric`: a route is
    `METRIC GATEWAY`; KIND `tos`: `tos GATEWAY` or `notos GATEWAY`."""
    all_r = sorted(_fields(r, kind) for r in s.kroutes(ns) if r["prefix"] == dst and r["tb"] == 254)
    hw = [_fields(r, kind) for r in s.kroutes(ns) if r["prefix"] == dst and r["tb"] == 254
          and any(f in r.get("flags", []) for f in HW_FLAGS)]
    return all_of(eq(all_r, sorted(_field_spec(kind, r) for r in routes)),
                  eq(hw, [_field_spec(kind, flagged)]))


@check
def one_path_offloaded(s, ns: str, dst: str, gateway: str, dev: str):
    """The kernel has one route to DST in NS (any table): one path, via
    GATEWAY on DEV, with rt_offload."""
    have = [(r.get("gateway"), r.get("dev"), "nexthops" in r, "rt_offload" in r.get("flags", []))
            for r in s.kroutes(ns) if r["prefix"] == dst]
    return eq(have, [(gateway, dev, False, True)])


@check
def multipath_held(s, directory: str, ns: str, paths: int, *prefixes: str):
    """Each route DST of PREFIXES in NS has PATHS nexthops in the kernel,
    and the listener equals the kernel in NS, nexthop counts too."""
    return all_of(eq([len(s.route(ns, p).get("nexthops", [])) for p in prefixes], [paths] * len(prefixes)),
                  compare_paths(s, directory, ns))


@check
def offloaded_and_compare(s, directory: str, ns: str, *prefixes: str):
    """Each route DST of PREFIXES in NS (main table) carries rt_offload, and
    the listener equals the kernel in NS, nexthop counts too."""
    return all_of(is_true(all("rt_offload" in s.route(ns, p)["flags"] for p in prefixes),
                          "every one rt_offload"),
                  compare_paths(s, directory, ns))


def _flags_on_held(s, directory, flag, ns):
    held = {k for k in s.listener(directory, *ns) if k.startswith("route")}
    have = s.hwflagged(*ns) if flag == "any" else s.flagged(flag, *ns)
    return all_of(eq(have, s.best_of(held, *ns)), s.hw_unique(*ns))


@check
def flags_on_held(s, directory: str, flag: str, *ns: str):
    """Exactly the routes the listener holds (the first of each prefix)
    carry rt_FLAG (FLAG `any`: a hardware flag), and no (prefix, table,
    TOS) has two flagged routes."""
    return _flags_on_held(s, directory, flag, ns)


@check
def compare_and_flags_on_held(s, directory: str, *ns: str):
    """compare, and flags_on_held with any hardware flag."""
    return all_of(s.compare(directory, *ns), _flags_on_held(s, directory, "any", ns))


# --- the mock switchdev -----------------------------------------------------
@check
def mock_flags(s, *ns: str):
    """Per route: the first route of each prefix carries the flag the mock
    gives its type (mlxsw's rules), every other none, no prefix two; every
    nexthop object and bucket offload, none trap (Snap.mock_flags)."""
    return s.mock_flags(*ns)


@check
def mock_consistent(s, *ns: str):
    """mock_flags, and the mock's table equals the kernel (compare)."""
    return all_of(s.mock_flags(*ns), s.compare("mock_switchdev", *ns))


@check
def mock_consistent_paths(s, *ns: str):
    """mock_consistent, and each route's nexthop count in the mock equals
    the kernel's."""
    return all_of(s.mock_flags(*ns), s.compare("mock_switchdev", *ns),
                  s.nexthop_counts("mock_switchdev", *ns))


@check
def mock_unique_consistent(s, *ns: str):
    """No (prefix, table, TOS) has two flagged routes, and mock_consistent."""
    return all_of(s.hw_unique(*ns), s.mock_flags(*ns), s.compare("mock_switchdev", *ns))


@check
def mock_nexthops_consistent(s, *ns: str):
    """The mock's nexthop table, buckets and routes' nhid equal the
    kernel's (compare_nexthops), and mock_flags."""
    return all_of(s.compare_nexthops("mock_switchdev", *ns), s.mock_flags(*ns))


@check
def mock_empty(s, *ns: str):
    """The mock's `routes` is empty and no route of NS carries a hardware
    flag."""
    return all_of(eq(s.lines("mock_switchdev", "routes"), []), eq(s.hwflagged(*ns), set()))


@check
def mock_capacity_held(s, n: int, *ns: str):
    """N routes of NS carry rt_offload or rt_trap; rt_trap only on routes
    the mock traps, rt_offload on none of them."""
    trap = s.trap_routes(*ns)
    return all_of(eq(len(s.flagged("offload", *ns) | s.flagged("trap", *ns)), n),
                  eq(s.flagged("trap", *ns) - trap, set()),
                  eq(s.flagged("offload", *ns) & trap, set()))


@check
def mock_capacity_failed(s, n: int, *ns: str):
    """All but N of the routes the mock holds carry rt_offload_failed;
    exactly the routes it holds carry a flag, no prefix two."""
    return all_of(eq(len(s.flagged("offload_failed", *ns)), len(s.mock_routes(*ns)) - n),
                  eq(s.hwflagged(*ns), s.mock_routes(*ns)), s.hw_unique(*ns))


@check
def mock_ignores_multicast(s, ns: str, least: int, *prefixes: str):
    """At least LEAST of NS's local-table routes to ff00::/8 exist; those
    and the main-table routes to PREFIXES carry no flag; the mock holds no
    route starting `ff` and counted some ignored."""
    local = s.hw(ns, "ff00::/8", 255)
    main = [h for p in prefixes for h in s.hw(ns, p)]
    return all_of(cmp(len(local), ">=", least),
                  is_true(all(f == [] for *_, f in local + main), "no flag on them"),
                  is_true(not [l for l in s.lines("mock_switchdev", "routes")
                               if l.split()[3].startswith("ff")], "no ff route in the mock"),
                  cmp(s.stat("mock_switchdev", "ignored"), ">", 0))


@check
def mock_append_held(s, ns: str, dst: str, via: str, held: int):
    """The kernel's route DST of NS (metric 1024) is one route via VIA with
    rt_offload; the mock shows it `offload`, holds the kernel's nexthop
    counts in NS, and its `offloaded` statistic is HELD."""
    return all_of(eq(s.hw(ns, dst), [(1024, "0", via, ["rt_offload"])]),
                  is_true(f"route {s.ino(ns)} 6 254 {dst}" in s.states("mock_switchdev", "offload", ns),
                          f"{dst} offload in the mock"),
                  s.nexthop_counts("mock_switchdev", ns),
                  eq(s.stat("mock_switchdev", "offloaded"), held))


@check
def mock_route_paths(s, ns: str, dst: str, via: str):
    """The kernel's route DST of NS (metric 1024) is one route via VIA with
    rt_offload, and the mock holds the kernel's nexthop counts in NS."""
    return all_of(eq(s.hw(ns, dst), [(1024, "0", via, ["rt_offload"])]),
                  s.nexthop_counts("mock_switchdev", ns))


# --- nexthop objects --------------------------------------------------------
@check
def probe_nexthop_stats(s, events0: int):
    """The probe's statistics: `nexthops` and `buckets` equal the kernel's
    counts (every namespace), and `nexthop_events` grew from EVENTS0 by at
    least the number of nexthop objects (they were replayed)."""
    n = len(s.nh_ids())
    return all_of(eq(s.stat("probe", "nexthops"), n), eq(s.stat("probe", "buckets"), len(s.bucket_ids())),
                  cmp(s.stat("probe", "nexthop_events") - events0, ">=", n))


@check
def nexthops_offloaded(s, count: int, *ns: str):
    """Every nexthop object of NS carries offload, none trap, and there
    are COUNT of them."""
    return all_of(eq(s.nh_flagged("offload", *ns), s.nh_ids(*ns)), eq(s.nh_flagged("trap", *ns), set()),
                  cmp(len(s.nh_ids(*ns)), "==", count))


@check
def buckets_offloaded(s, count: int, *ns: str):
    """Every bucket of a resilient group of NS carries offload, and there
    are COUNT of them."""
    return all_of(eq(s.bucket_flagged("offload", *ns), s.bucket_ids(*ns)),
                  cmp(len(s.bucket_ids(*ns)), "==", count))


@check
def nhid_routes_offloaded(s, count: int, *ns: str):
    """Every first route using a nexthop object (nhid) in NS carries
    rt_offload, and there are COUNT of them."""
    via = s.best_via(None, *ns)
    return all_of(eq(via - s.flagged("offload", *ns), set()), cmp(len(via), "==", count))


@check
def mock_route_flags_hosts(s, least: int, *ns: str):
    """The mock's route flags are right in every namespace (Snap.
    mock_route_flags), and NS have at least LEAST host routes (local,
    broadcast, anycast)."""
    return all_of(s.mock_route_flags(), cmp(len(s.host_routes(*ns)), ">=", least))


@check
def mock_nexthop_stats(s):
    """The mock's statistics and states, every namespace: `nexthops` and
    `nexthop_occupancy` as the kernel's objects, nothing waits for a
    nexthop (`nh_waiting` 0, no route `nexthop_missing`), `trapped` and the
    routes in state `trap` are the routes it traps."""
    m = "mock_switchdev"
    return all_of(eq(s.stat(m, "nexthops"), len(s.nh_ids())), eq(s.stat(m, "nexthop_occupancy"), s.occupancy()),
                  eq(s.stat(m, "nh_waiting"), 0), eq(s.states(m, "nexthop_missing"), set()),
                  eq(s.stat(m, "trapped"), len(s.trap_routes())),
                  eq(s.states(m, "trap"), s.prefixes(s.trap_routes())))


def _no_nh_flags(s, ns):
    return all_of(eq(s.nh_flagged("offload", *ns) | s.bucket_flagged("offload", *ns), set()),
                  eq(s.hwflagged(*ns), set()))


@check
def no_offload_flags(s, *ns: str):
    """No nexthop object or bucket of NS carries offload, and no route a
    hardware flag."""
    return _no_nh_flags(s, ns)


@check
def mock_holds_nothing(s, *ns: str):
    """The mock's `nexthops` and `routes` statistics are 0, and
    no_offload_flags in NS."""
    return all_of(eq(s.stat("mock_switchdev", "nexthops"), 0), eq(s.stat("mock_switchdev", "routes"), 0),
                  eq(s.nh_flagged("offload", *ns), set()), eq(s.bucket_flagged("offload", *ns), set()),
                  eq(s.hwflagged(*ns), set()))


@check
def nexthops_replaced(s, directory: str, nss: Names, ns: str, group: int, nhids: Names):
    """compare_nexthops in NSS, and the buckets of resilient GROUP of NS use
    exactly the nexthops NHIDS."""
    have = {k.split()[-1] for k in s.kernel_buckets(ns) if f" id {group} " in k}
    return all_of(s.compare_nexthops(directory, *nss), eq(have, set(nhids)))


@check
def offloaded(s, ns: str, nhids: Names, prefixes: Names):
    """The nexthop objects NHIDS of NS carry offload, and its routes
    PREFIXES (main table) rt_offload."""
    return is_true(all("offload" in s.nexthop(ns, int(i))["flags"] for i in nhids)
                   and all("rt_offload" in s.route(ns, p)["flags"] for p in prefixes),
                   "every one flagged")


@check
def kernel_lacks(s, ns: str, nhids: Names, prefixes: Names):
    """NS has none of the nexthop objects NHIDS, and no route to PREFIXES
    in its main table."""
    return is_true(all(s.nexthop(ns, int(i)) is None for i in nhids)
                   and all(s.route(ns, p) is None for p in prefixes), "none of them in the kernel")


@check
def nexthops_dropped(s, directory: str, nss: Names, ns: str, *prefixes: str):
    """compare_nexthops in NSS, and the listener holds no route of NS to
    PREFIXES (holds_no_route)."""
    return all_of(s.compare_nexthops(directory, *nss), holds_no_route(s, directory, ns, *prefixes))


@check
def mock_nexthops_dropped(s, nss: Names, ns: str, *prefixes: str):
    """mock_nexthops_consistent in NSS, and the mock holds no route of NS
    to PREFIXES."""
    return all_of(mock_nexthops_consistent(s, *nss), holds_no_route(s, "mock_switchdev", ns, *prefixes))


@check
def nexthop_vetoed_kernel(s, ns: str, vetoed: int, group: int, members: Names, added: int):
    """In NS the kernel has no nexthop VETOED, group GROUP has exactly the
    MEMBERS (in order), and ADDED exists."""
    return is_true(s.nexthop(ns, vetoed) is None
                   and [m["id"] for m in s.nexthop(ns, group)["group"]] == [int(m) for m in members]
                   and s.nexthop(ns, added) is not None, "the kernel as expected")


@check
def nexthop_not_held(s, directory: str, ns: str, nhid: int, *nss: str):
    """The listener holds no nexthop NHID of NS, and compare_nexthops in
    NSS."""
    held = [l for l in s.lines(directory, "nexthops")
            if int(l.split()[0]) == s.ino(ns) and l.split()[1:3] == ["id", str(nhid)]]
    return all_of(Verdict(not held, [f"held: {l}" for l in held]), s.compare_nexthops(directory, *nss))


@check
def mock_full_consistent(s, occupancy: int, *ns: str):
    """mock_nexthops_consistent, and the mock's nexthop_occupancy is
    OCCUPANCY."""
    return all_of(mock_nexthops_consistent(s, *ns), eq(s.stat("mock_switchdev", "nexthop_occupancy"), occupancy))


@check
def c_example_nexthops(s, ns_least: str, least: int, *ns: str):
    """The example C listener's `nexthops` lines (inode, id, kind, size) are
    the kernel's objects of NS (size: a resilient group's buckets, a
    group's members, 1), and NS_LEAST has at least LEAST of them."""
    have = {" ".join(l.split()[i] for i in (0, 2, 3, 5)) for l in s.lines("rfn_c_example", "nexthops")}
    want = {"%d %s %s %d" % (s.ino(n), e["id"], s.nh_kind(e),
                             int(e["resilient_args"]["buckets"]) if s.nh_kind(e) == "resilient"
                             else len(e.get("group", [0])))
            for n in ns for e in s.nexthops(n)}
    return all_of(eq(have, want), cmp(len(s.nexthops(ns_least)), ">=", least))


# --- side by side with netdevsim ---------------------------------------------
@check
def netdevsim_same_routes(s, nsim: str, mock: str):
    """netdevsim's rt_trap routes in NSIM (but those the mock ignores) are,
    namespace aside, the mock's rt_offload and rt_trap routes in MOCK; no
    prefix of either has two flagged routes."""
    return all_of(eq(s.sans_ns(s.flagged("trap", nsim) - s.mock_ignored(nsim)),
                     s.sans_ns(s.flagged("offload", mock) | s.flagged("trap", mock))),
                  s.hw_unique(nsim, mock))


@check
def offloaded_and_trapped(s, ns: str):
    """Some route of NS carries rt_offload and some rt_trap."""
    return is_true(len(s.flagged("offload", ns)) > 0 and len(s.flagged("trap", ns)) > 0,
                   "some rt_offload and some rt_trap")


@check
def netdevsim_same_nexthops(s, nsim: str, mock: str, count: int):
    """netdevsim's trap nexthop objects in NSIM are the mock's offload ones
    in MOCK (namespace aside); every object of MOCK offload, COUNT of
    them."""
    return all_of(eq(s.sans_ns(s.nh_flagged("trap", nsim)), s.sans_ns(s.nh_flagged("offload", mock))),
                  eq(s.nh_flagged("offload", mock), s.nh_ids(mock)), cmp(len(s.nh_ids(mock)), "==", count))


@check
def netdevsim_same_buckets(s, nsim: str, mock: str, count: int):
    """netdevsim's trap buckets in NSIM are the mock's offload ones in MOCK
    (namespace aside); every bucket of MOCK offload, COUNT of them."""
    return all_of(eq(s.sans_ns(s.bucket_flagged("trap", nsim)), s.sans_ns(s.bucket_flagged("offload", mock))),
                  eq(s.bucket_flagged("offload", mock), s.bucket_ids(mock)),
                  cmp(len(s.bucket_ids(mock)), "==", count))


@check
def netdevsim_same_nhid_routes(s, nsim: str, mock: str, count: int):
    """netdevsim_same_routes, and every first route using a nexthop object
    in MOCK carries rt_offload, COUNT of them."""
    via = s.best_via(None, mock)
    return all_of(eq(s.sans_ns(s.flagged("trap", nsim) - s.mock_ignored(nsim)),
                     s.sans_ns(s.flagged("offload", mock) | s.flagged("trap", mock))),
                  eq(via - s.flagged("offload", mock), set()), cmp(len(via), "==", count),
                  s.hw_unique(nsim, mock))


@check
def mock_holds_only(s, ns: str):
    """mock_nexthops_consistent in NS, and every line of the mock's
    `nexthops` and `routes` is of NS."""
    return all_of(mock_nexthops_consistent(s, ns), only_namespace(s, "mock_switchdev", ns, "nexthops", "routes"))


# --- notes ------------------------------------------------------------------
@note
def route_counts(s, directory: str, ns: str):
    """How many routes the listener holds in NS, and the kernel has."""
    held = len([k for k in s.listener(directory, ns) if k.startswith("route")])
    return f"{ns}: {held} routes held, {len(s.routes(ns))} in ip route show table all"


@note
def kernel_route_count(s, what: str, *ns: str):
    """WHAT: how many routes NS have."""
    return f"{what}: {len(s.routes(*ns))} routes at the end"


@note
def netdevsim_counts(s, nsim: str, mock: str):
    """The flags netdevsim set in NSIM and the mock in MOCK: routes."""
    return "netdevsim flagged %d routes, the mock switchdev %d (%d trapped)" % (
        len(s.flagged("trap", nsim)), len(s.flagged("offload", mock) | s.flagged("trap", mock)),
        len(s.flagged("trap", mock)))


@note
def netdevsim_nexthop_counts(s, nsim: str, mock: str):
    """The flags netdevsim set in NSIM and the mock in MOCK: nexthops,
    buckets, routes."""
    return "netdevsim flagged %d nexthops, %d buckets, %d routes; the mock %d, %d, %d" % (
        len(s.nh_flagged("trap", nsim)), len(s.bucket_flagged("trap", nsim)), len(s.flagged("trap", nsim)),
        len(s.nh_flagged("offload", mock)), len(s.bucket_flagged("offload", mock)),
        len(s.flagged("offload", mock) | s.flagged("trap", mock)))


# --- registrations per family (t58) ------------------------------------------

@check
def compare_families(s, directory: str, families: int, *ns: str):
    """The listener registered for FAMILIES (RUST_FIB_NOTIFIER_FAMILY_*
    bits: 1 IPv4, 2 IPv6, 4 rules, 8 nexthop objects) holds exactly the
    kernel's routes and rules of those families in NS, and nothing of the
    others: no route of another family, no rule without 4, no nexthop
    object without 8."""
    fams = {f for bit, f in ((1, "4"), (2, "6")) if families & bit}
    want = {k for k in s.routes(*ns) if k.split()[2] in fams}
    if families & 4:
        want |= s.rules(*ns)
    have = s.listener(directory, *ns)
    missing, extra = sorted(want - have), sorted(have - want)
    lines = [f"missing: {k}" for k in missing[:40]] + [f"extra: {k}" for k in extra[:40]]
    lines.append(f"compared {len(want)} kernel keys of families {families} with {len(have)} "
                 f"{directory} keys: {len(missing)} missing, {len(extra)} extra")
    verdicts = [Verdict(not missing and not extra, lines)]
    if families & 8:
        verdicts.append(s.compare_nexthops(directory, *ns))
    else:
        inos = {str(s.ino(n)) for n in s.names(ns)}
        held = [line for line in s.lines(directory, "nexthops") if line.split()[0] in inos]
        verdicts.append(Verdict(not held, [f"nexthop object held: {line}" for line in held[:20]]))
    return all_of(*verdicts)


# --- the example C listener ---------------------------------------------------
def _c_example_flag(key):
    """The flag the example C listener gives the route of KEY when the
    hardware takes it (ex_traps()): rt_offload for unicast and blackhole
    routes (forwarded or dropped in hardware), rt_trap for every other
    type (local, broadcast, anycast, multicast, unreachable, prohibit,
    throw: packets to the CPU)."""
    w = key.split()
    return "offload" if w[w.index("type") + 1] in ("unicast", "blackhole") else "trap"


def _c_example_flags(s, failed, ns):
    held = {k for k in s.listener("rfn_c_example", *ns) if k.startswith("route")}
    want = {"offload": set(), "trap": set(), "offload_failed": set()}
    for k in s.best_of(held, *ns):
        w = k.split()
        want["offload_failed" if w[4] in failed else _c_example_flag(k)].add(k)
    return all_of(*(eq(s.flagged(f, *ns), keys) for f, keys in want.items()), s.hw_unique(*ns))


@check
def c_example_flags(s, failed: str, *ns: str):
    """Exactly the routes the example C listener holds (the first of each
    prefix) carry a hardware flag in NS, each the one its type gets
    (rt_offload: unicast, blackhole; rt_trap: every other type), but the
    routes to FAILED (comma-separated prefixes, `-` for none), which the
    hardware refused: rt_offload_failed alone; no (prefix, table, TOS) has
    two flagged routes."""
    bad = set() if failed == "-" else {prefix(p, 6 if ":" in p else 4) for p in failed.split(",")}
    return _c_example_flags(s, bad, ns)


@check
def c_example_reconciled(s, *ns: str):
    """The example C listener (rfn_c_example) equals the kernel (compare),
    with each route's nexthop count (no IPv6 sibling lost or doubled), and
    carries the flags c_example_flags says (none refused)."""
    d = "rfn_c_example"
    return all_of(s.compare(d, *ns), s.nexthop_counts(d, *ns), _c_example_flags(s, set(), ns))


# --- multicast routing (t59) ---------------------------------------------------
@check
def compare_mcast(s, directory: str, *ns: str):
    """In each NS the listener holds exactly the kernel's multicast routing
    entries (`ip mroute show table all`, both families: source, group,
    input and output devices through the listener's own VIFs), the
    default table's VIFs (/proc/net/ip_mr_vif, ip6_mr_vif) and the
    multicast rules (`ip mrule`)."""
    return all_of(*[mcast.compare(s, directory, n) for n in s.names(ns)],
                  *[mcast.compare_rules(s, directory, n) for n in s.names(ns)])


@check
def compare_mcast_mock(s, directory: str, *ns: str):
    """As compare_mcast, without rules (the mock holds none)."""
    return all_of(*[mcast.compare(s, directory, n) for n in s.names(ns)])


@check
def mcast_offload_flags(s, directory: str, *ns: str):
    """`ip mroute` shows `offload` on exactly the entries the mock has in
    its hardware (its `mroutes` says `offload`), and the mock holds every
    kernel entry."""
    return all_of(*[mcast.compare(s, directory, n, state=True) for n in s.names(ns)])


@check
def mcast_tables(s, directory: str, tables: Names, *ns: str):
    """The listener holds entries in each TABLES `FAMILY:TABLE`."""
    have = {(f, t) for n in s.names(ns)
            for (f, t, _, _) in mcast.listener_mroutes(s, directory, n)}
    want = {tuple(int(x) for x in t.split(":")) for t in tables}
    return Verdict(want <= have, [f"no entry in {sorted(want - have)}; has {sorted(have)}"])


@check
def all_of_mcast(s, directories: Names, *ns: str):
    """compare_mcast for the probe, compare_mcast_mock with flags
    (mcast_offload_flags) for the mock, in DIRECTORIES."""
    out = []
    for d in directories:
        for n in s.names(ns):
            out.append(mcast.compare(s, d, n, state=(d == "mock_switchdev")))
            if d == "probe":
                out.append(mcast.compare_rules(s, d, n))
    return all_of(*out)


@check
def no_mcast_of(s, directories: Names, *ns: str):
    """None of DIRECTORIES holds a VIF or an entry of NS, and the kernel
    has none either."""
    inos = {str(s.ino(n)) for n in s.names(ns)}
    held = [f"{d}/{f}: {l}" for d in directories for f in ("vifs", "mroutes")
            for l in s.lines(d, f) if l.split()[0] in inos]
    kern = [f"kernel: {k}" for n in s.names(ns) for k in mcast.kernel_mroutes(s, n)]
    return Verdict(not held and not kern, held + kern)
