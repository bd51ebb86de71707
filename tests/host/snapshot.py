# SPDX-License-Identifier: GPL-2.0
"""A guest snapshot (`snap ID` in tests/guest/lib/snap.sh), read on the host.

OUT/snap/ID holds the listeners' debugfs files and every namespace's
`ip -j` routes, rules, nexthop objects, buckets and links.  Snap parses it
and answers questions about it: the kernel's view (routes(), kroutes(),
rules(), nexthops(), flags per route), a listener's view (listener(),
lines(), stat()) and comparisons of the two (compare(), compare_nexthops(),
nexthop_counts(), mock_flags()).  The check functions of checks.py are
built from these.
"""
import ipaddress
import json
import os
import re
import sys

TABLES = {"local": 255, "main": 254, "default": 253, "unspec": 0}
HW_FLAGS = ("rt_offload", "rt_trap", "rt_offload_failed")


class Verdict:
    """A truth value with the lines that explain it."""

    def __init__(self, ok, lines=()):
        self.ok = bool(ok)
        self.lines = list(lines)

    def __bool__(self):
        return self.ok


def eq(a, b):
    """a == b; on failure says both (and the difference, for sets)."""
    if a == b:
        return Verdict(True)
    if isinstance(a, (set, frozenset)) and isinstance(b, (set, frozenset)):
        return Verdict(False, [f"only left: {k}" for k in sorted(a - b)[:40]] +
                       [f"only right: {k}" for k in sorted(b - a)[:40]])
    return Verdict(False, [f"{a!r} != {b!r}"])


def cmp(a, op, b):
    """a OP b for numbers; on failure says both."""
    res = {"==": a == b, "!=": a != b, "<": a < b, "<=": a <= b,
           ">": a > b, ">=": a >= b}[op]
    return Verdict(res, [] if res else [f"{a!r} {op} {b!r} is false"])


def table_id(name):
    name = str(name)
    return int(name) if name.isdigit() else TABLES.get(name)


def prefix(dst, family):
    if dst == "default":
        dst = "0.0.0.0/0" if family == 4 else "::/0"
    net = ipaddress.ip_network(dst, strict=False)
    return f"{net.network_address}/{net.prefixlen}"


class Snap:
    """One snapshot: OUT/snap/ID."""

    def __init__(self, path):
        self.path = path
        self.debugfs = {}      # "probe/routes" -> [lines]
        self.inodes = {}       # "ns1" / "init" -> inode
        self.ip = {}           # (ns, family) -> [json arrays]
        self.mr = {}           # (ns, "mroute4"...) -> [lines] (msnap)
        self.errors = []
        section, cur, base = None, None, None
        with open(path) as f:
            for line in f.read().splitlines():
                if line.startswith("@@ failed "):
                    self.errors.append(line[3:] + ": the batch stopped early")
                    continue
                if line.startswith("@@ base "):
                    base = line.split()[2]
                    continue
                if line.startswith("@@ "):
                    section = line[3:].split()
                    if section[0] == "ip":
                        cur = self.ip.setdefault((section[1], int(section[2])), [])
                    elif section[0] == "mr":
                        cur = self.mr.setdefault((section[1], section[2]), [])
                    continue
                if not section:
                    continue
                if section[0] == "debugfs":
                    m = re.match(r"==> (.*) <==$", line)
                    if m:
                        parts = m.group(1).rstrip("/").split("/")
                        cur = self.debugfs.setdefault("/".join(parts[-2:]), [])
                    elif line and cur is not None:
                        cur.append(line)
                elif section[0] == "inodes":
                    if not re.match(r"\S+ \d+$", line):
                        self.errors.append(f"inodes: {line}")
                        continue
                    name, ino = line.rsplit(" ", 1)
                    name = "init" if name == "/proc/1/ns/net" else name.rsplit("/", 1)[-1]
                    self.inodes[name] = int(ino)
                elif section[0] == "mr":
                    cur.append(line)
                elif section[0] == "ip":
                    if line.startswith("["):
                        cur.append(json.loads(line))
                    elif line.strip():
                        self.errors.append(f"{' '.join(section)}: {line}")
        if base:
            # Namespaces not dumped here are as in the base snapshot.
            b = Snap(os.path.join(os.path.dirname(path), base))
            self.errors += [f"base {base}: {e}" for e in b.errors]
            for key, arrays in b.ip.items():
                self.ip.setdefault(key, arrays)

    # --- the kernel's view ---------------------------------------------
    def names(self, ns):
        return list(ns) if ns else sorted(self.inodes)

    def ino(self, ns):
        return self.inodes[ns]

    # `ip -batch` prints one JSON array per command, and nothing or `[]`
    # for an empty one: an array is known by what its entries hold.
    KINDS = {"route": "dst", "rule": "priority", "bucket": "bucket", "nexthop": "id",
             "link": "ifname"}

    @staticmethod
    def kind_of(entry):
        # Rules have a priority (and maybe a dst), links an ifname, routes
        # a dst, resilient groups' buckets an id and a bucket, nexthop
        # objects an id.
        for kind in ("rule", "link", "route", "bucket", "nexthop"):
            if Snap.KINDS[kind] in entry:
                return kind
        return None

    def _dump(self, ns, family, kind):
        return [e for arr in self.ip.get((ns, family), []) for e in arr
                if self.kind_of(e) == kind]

    @staticmethod
    def route_family(r):
        # One dump holds both families; `default` says neither, but the
        # kernel gives every IPv6 route a preference and ip prints it.
        if ":" in r["dst"] or "pref" in r or ":" in str(r.get("gateway", "")):
            return 6
        return 4

    def kroutes(self, ns, family=None, source_specific=False):
        """The `ip -j route show table all` entries of NS (dicts); IPv6
        source-specific routes (`from`) only if asked: listeners skip them,
        as netdevsim does."""
        out, seen = [], set()
        for r in self._dump(ns, 4, "route") + self._dump(ns, 6, "route"):
            if "from" in r and not source_specific:
                continue
            fam = self.route_family(r)
            if family is not None and fam != family:
                continue
            r = dict(r, family=fam, tb=table_id(r.get("table", "main")),
                     prefix=prefix(r["dst"], fam))
            ident = json.dumps(r, sort_keys=True)
            if ident not in seen:
                seen.add(ident)
                out.append(r)
        return out

    def route(self, ns, dst, table=254):
        """The kernel's route DST in NS (table), a dict, or None."""
        fam = 6 if ":" in dst else 4
        want = prefix(dst, fam)
        for r in self.kroutes(ns, fam):
            if r["prefix"] == want and r["tb"] == table:
                return r
        return None

    def routes(self, *ns):
        """Route keys `route INO FAMILY TABLE PREFIX` in NS (default all)."""
        return {f"route {self.ino(n)} {r['family']} {r['tb']} {r['prefix']}"
                for n in self.names(ns) for r in self.kroutes(n)}

    def rules(self, *ns):
        return {f"rule {self.ino(n)} {fam} {r['priority']} {table_id(r.get('table', 'unspec'))}"
                for n in self.names(ns) for fam in (4, 6)
                for r in self._dump(n, fam, "rule")}

    def nexthops(self, ns):
        return self._dump(ns, 4, "nexthop") + self._dump(ns, 6, "nexthop")

    def ifindex(self, ns, dev):
        for link in self._dump(ns, 4, "link"):
            if link["ifname"] == dev:
                return link["ifindex"]
        raise KeyError(f"no link {dev} in {ns}")

    def kernel(self, *ns):
        return self.routes(*ns) | self.rules(*ns)

    # --- flags, judged per route -------------------------------------------
    # A route's key: `route INO FAMILY TABLE PREFIX tos TOS metric METRIC
    # type TYPE via NEXTHOPS`, NEXTHOPS `GATEWAY@DEV,...` in the kernel's
    # order (`-` for none) or `nhid:N`.  Its first five words are the
    # route's prefix key (routes(), a listener's keys): prefix_key().
    @staticmethod
    def _tos(r):
        return str(r.get("tos", r.get("dsfield", 0)))

    def rkey(self, ns, r):
        """The key of the kernel route R (a kroutes() dict) of NS."""
        if "nhid" in r:
            via = f"nhid:{r['nhid']}"
        else:
            via = ",".join(f"{nh.get('gateway', '-')}@{nh.get('dev', '-')}"
                           for nh in (r.get("nexthops") or [r]))
        return (f"route {self.ino(ns)} {r['family']} {r['tb']} {r['prefix']} "
                f"tos {self._tos(r)} metric {r.get('metric', 0)} "
                f"type {r.get('type', 'unicast')} via {via}")

    @staticmethod
    def prefix_key(key):
        """A route key's prefix key (`route INO FAMILY TABLE PREFIX`)."""
        return " ".join(key.split()[:5])

    @staticmethod
    def prefixes(keys):
        """The prefix keys of route KEYS."""
        return {Snap.prefix_key(k) for k in keys}

    def rroutes(self, *ns):
        """The key of every route of NS."""
        return {self.rkey(n, r) for n in self.names(ns) for r in self.kroutes(n)}

    def best(self, *ns):
        """The kernel's first route of each (family, table, prefix) of NS,
        as `ip route` prints it first: the one the kernel notifies, the one
        a listener holding one route per prefix holds and flags.  IPv4:
        fib_table_insert() notifies the alias fib_find_alias(..., 0, 0,
        tb_id, true) finds, the first of the leaf's aliases of that prefix
        length and table, which are sorted by TOS (highest first), then
        metric; fn_trie_dump_leaf() prints them in that order.  IPv6: the
        node's leaf (routes sorted by metric, ECMP siblings printed with
        it), what fib6_add_rt2node() notifies and fib6_dump_node() prints
        first."""
        out = set()
        for n in self.names(ns):
            seen = set()
            for r in self.kroutes(n):
                where = (r["family"], r["tb"], r["prefix"])
                if where not in seen:
                    seen.add(where)
                    out.add(self.rkey(n, r))
        return out

    def best_of(self, keys, *ns):
        """The kernel's first routes (best) of the prefix keys KEYS."""
        keys = set(keys)
        return {k for k in self.best(*ns) if self.prefix_key(k) in keys}

    def flagged(self, flag, *ns):
        """Route keys (per route) of the routes carrying rt_FLAG (offload,
        trap, offload_failed)."""
        return {self.rkey(n, r) for n in self.names(ns) for r in self.kroutes(n)
                if f"rt_{flag}" in r.get("flags", [])}

    def hwflagged(self, *ns):
        """Route keys (per route) of the routes carrying any hardware flag."""
        return {self.rkey(n, r) for n in self.names(ns) for r in self.kroutes(n)
                if any(f in r.get("flags", []) for f in HW_FLAGS)}

    def hw_unique(self, *ns):
        """No (family, table, prefix, TOS) of NS has more than one route
        with a hardware flag: a listener that holds one route per prefix
        flags the one the kernel notified, and clears a route pushed out of
        first place."""
        seen, bad = {}, []
        for n in self.names(ns):
            for r in self.kroutes(n):
                if any(f in r.get("flags", []) for f in HW_FLAGS):
                    where = (self.ino(n), r["family"], r["tb"], r["prefix"], self._tos(r))
                    seen.setdefault(where, []).append(self.rkey(n, r))
        for keys in seen.values():
            if len(keys) > 1:
                bad.append("more than one route flagged: " + " | ".join(sorted(keys)))
        return Verdict(not bad, bad[:40])

    def hw(self, ns, dst, table=254):
        """The routes DST of NS in TABLE, in the kernel's order: a list of
        (metric, tos, via, [hardware flags]) (via: `GATEWAY@DEV,...`, as in
        the route keys)."""
        fam = 6 if ":" in dst else 4
        want = prefix(dst, fam)
        out = []
        for r in self.kroutes(ns, fam):
            if r["prefix"] == want and r["tb"] == table:
                k = self.rkey(ns, r).split()
                out.append((r.get("metric", 0), self._tos(r), k[k.index("via") + 1],
                            [f for f in r.get("flags", []) if f in HW_FLAGS]))
        return out

    # --- nexthop objects, buckets and the flags hardware puts on them -------
    HOST_TYPES = ("local", "broadcast", "anycast")

    def host_routes(self, *ns):
        """Route keys (per route) of the routes to this host: type local,
        broadcast or anycast (`ip -j route` prints "type"; unicast routes
        have none)."""
        return {self.rkey(n, r) for n in self.names(ns) for r in self.kroutes(n)
                if r.get("type") in self.HOST_TYPES}

    # What the mock switchdev does with a route it holds, by type: mlxsw's
    # rules (listeners/mock/fib.rs, hw_action()).
    MOCK_TRAP = {4: ("local", "broadcast", "unreachable", "prohibit"),
                 6: ("local", "anycast", "unreachable", "prohibit", "throw")}

    @staticmethod
    def mock_ignores(r):
        """The mock switchdev ignores route R (no entry, no flag), as mlxsw:
        IPv6 multicast destinations (ff00::/8)."""
        return r["family"] == 6 and ipaddress.ip_network(r["prefix"]).network_address.is_multicast

    def mock_expect(self, r):
        """The flag the mock switchdev gives route R when it holds it (as
        the first route of its prefix, with room): rt_trap, rt_offload,
        rt_offload_failed (IPv4 types mlxsw cannot program), or None (it
        ignores the route)."""
        fam, typ = r["family"], r.get("type", "unicast")
        if self.mock_ignores(r):
            return None
        if typ in self.MOCK_TRAP[fam]:
            return "rt_trap"
        if fam == 4 and typ not in ("unicast", "blackhole"):
            return "rt_offload_failed"
        if fam == 4 and "tos" in r:
            return "rt_trap"
        return "rt_offload"

    def mock_ignored(self, *ns):
        """Route keys of the routes the mock switchdev ignores."""
        return {self.rkey(n, r) for n in self.names(ns) for r in self.kroutes(n)
                if self.mock_ignores(r)}

    def mock_routes(self, *ns):
        """Route keys of the routes the mock switchdev holds: the first of
        each prefix (best), but those it ignores."""
        return self.best(*ns) - self.mock_ignored(*ns)

    def _mock_expected(self, *ns):
        """{route key: the flag the mock gives it} for mock_routes()."""
        best = self.best(*ns)
        return {self.rkey(n, r): self.mock_expect(r) for n in self.names(ns)
                for r in self.kroutes(n) if self.rkey(n, r) in best and not self.mock_ignores(r)}

    def trap_routes(self, *ns):
        """Route keys of the routes the mock switchdev traps when it holds
        them (mock_expect: rt_trap)."""
        return {k for k, f in self._mock_expected(*ns).items() if f == "rt_trap"}

    def best_via(self, nhid, *ns):
        """Route keys of the first routes (best) using nexthop object NHID
        (`nhid`); NHID None: any."""
        return {k for k in self.best(*ns) if " via nhid:" in k
                and (nhid is None or k.endswith(f" via nhid:{nhid}"))}

    def routes_via(self, nhid, *ns):
        """Prefix keys of the routes using nexthop object NHID (`nhid`);
        NHID None: every route using one.  (Per route: best_via.)"""
        return {f"route {self.ino(n)} {r['family']} {r['tb']} {r['prefix']}"
                for n in self.names(ns) for r in self.kroutes(n)
                if "nhid" in r and (nhid is None or r["nhid"] == nhid)}

    def nexthop(self, ns, nhid):
        """The kernel's nexthop object NHID in NS (a dict from `ip -j
        nexthop`), or None."""
        for e in self.nexthops(ns):
            if e["id"] == nhid:
                return e
        return None

    def kbuckets(self, ns):
        """The `ip -j nexthop bucket` entries of NS (dicts)."""
        return self._dump(ns, 4, "bucket") + self._dump(ns, 6, "bucket")

    @staticmethod
    def nh_kind(e):
        """single, group (hash-threshold) or resilient."""
        if "group" not in e:
            return "single"
        return "resilient" if e.get("type") == "resilient" else "group"

    def nh_describe(self, ns, e):
        """A kernel nexthop object as the probe prints it after `<inum> id
        <id> `: `single dev <ifindex> [via <gw>] [blackhole] [fdb]` (dev 0
        for a blackhole or a device-less fdb nexthop), `group <id>/<weight>
        ... [fdb]` (members in the kernel's order, weight 1 when ip prints
        none), `resilient buckets <n>`."""
        kind = self.nh_kind(e)
        if kind == "resilient":
            return f"resilient buckets {e['resilient_args']['buckets']}"
        if kind == "group":
            members = " ".join(f"{m['id']}/{m.get('weight', 1)}" for m in e["group"])
            return f"group {members}" + (" fdb" if "fdb" in e else "")
        black = "blackhole" in e
        dev = 0 if black or "dev" not in e else self.ifindex(ns, e["dev"])
        text = f"single dev {dev}"
        if "gateway" in e:
            text += f" via {ipaddress.ip_address(e['gateway'])}"
        return text + (" blackhole" if black else "") + (" fdb" if "fdb" in e else "")

    @staticmethod
    def nh_occupancy(e):
        """Room in a hardware nexthop table, counted like the mock switchdev
        and netdevsim: 1 for a nexthop, the sum of the members' weights for
        a group, the bucket count of a resilient one."""
        kind = Snap.nh_kind(e)
        if kind == "resilient":
            return int(e["resilient_args"]["buckets"])
        return sum(int(m.get("weight", 1)) for m in e["group"]) if kind == "group" else 1

    def occupancy(self, *ns):
        """The room the kernel's nexthop objects of NS take (nh_occupancy)."""
        return sum(self.nh_occupancy(e) for n in self.names(ns) for e in self.nexthops(n))

    def kernel_nexthops(self, *ns):
        """Nexthop keys `nexthop <inum> id <id> <description>` (nh_describe)."""
        return {f"nexthop {self.ino(n)} id {e['id']} {self.nh_describe(n, e)}"
                for n in self.names(ns) for e in self.nexthops(n)}

    def kernel_buckets(self, *ns):
        """Bucket keys `bucket <inum> id <group> bucket <index> nhid <nhid>`."""
        return {f"bucket {self.ino(n)} id {b['id']} bucket {b['bucket']['index']} "
                f"nhid {b['bucket']['nhid']}"
                for n in self.names(ns) for b in self.kbuckets(n)}

    def nh_ids(self, *ns):
        """Keys `nexthop <inum> <id>` of every kernel nexthop object."""
        return {f"nexthop {self.ino(n)} {e['id']}"
                for n in self.names(ns) for e in self.nexthops(n)}

    def nh_flagged(self, flag, *ns):
        """Keys `nexthop <inum> <id>` of the objects `ip -j nexthop` shows
        with FLAG (offload, trap)."""
        return {f"nexthop {self.ino(n)} {e['id']}" for n in self.names(ns)
                for e in self.nexthops(n) if flag in e.get("flags", [])}

    def bucket_ids(self, *ns):
        """Keys `bucket <inum> <group> <index>` of every kernel bucket."""
        return {f"bucket {self.ino(n)} {b['id']} {b['bucket']['index']}"
                for n in self.names(ns) for b in self.kbuckets(n)}

    def bucket_flagged(self, flag, *ns):
        """Keys `bucket <inum> <group> <index>` of the buckets `ip -j
        nexthop bucket` shows with FLAG (offload, trap)."""
        return {f"bucket {self.ino(n)} {b['id']} {b['bucket']['index']}"
                for n in self.names(ns) for b in self.kbuckets(n)
                if flag in b.get("flags", [])}

    @staticmethod
    def sans_ns(keys):
        """KEYS without their namespace inode (the second word): to compare
        two namespaces with the same workload."""
        return {" ".join(k.split()[:1] + k.split()[2:]) for k in keys}

    @staticmethod
    def _diff(what, want, have, left="kernel", right="flagged"):
        missing, extra = sorted(want - have), sorted(have - want)
        lines = [f"{what}: missing: {k}" for k in missing[:40]] + \
                [f"{what}: extra: {k}" for k in extra[:40]]
        lines.append(f"{what}: {len(want)} {left}, {len(have)} {right}: "
                     f"{len(missing)} missing, {len(extra)} extra")
        return not missing and not extra, lines

    def mock_route_flags(self, *ns):
        """Per route: the first route of each prefix (best) carries the
        flag the mock switchdev gives its type (mock_expect: rt_trap,
        rt_offload, rt_offload_failed), and only that one; every other
        route (not first, or ignored: IPv6 multicast) carries none; and no
        (prefix, table, TOS) has two flagged routes (hw_unique)."""
        want = {}
        for n in self.names(ns):
            for r in self.kroutes(n):
                want[self.rkey(n, r)] = set()
        for k, f in self._mock_expected(*ns).items():
            want[k] = {f}
        bad = []
        for n in self.names(ns):
            for r in self.kroutes(n):
                k = self.rkey(n, r)
                have = {f for f in r.get("flags", []) if f in HW_FLAGS}
                if have != want[k]:
                    bad.append(f"{k}: flags {sorted(have)}, want {sorted(want[k])}")
        uniq = self.hw_unique(*ns)
        lines = bad[:40] + uniq.lines
        lines.append(f"{len(want)} routes, {sum(1 for v in want.values() if v)} held by the mock: "
                     f"{len(bad)} flagged wrong")
        return Verdict(not bad and uniq, lines)

    def mock_nexthop_flags(self, *ns):
        """Every nexthop object and every bucket of a resilient group is
        flagged offload in `ip -j nexthop` (`bucket`), and none trap."""
        ok1, l1 = self._diff("nexthop offload", self.nh_ids(*ns), self.nh_flagged("offload", *ns))
        trapped = sorted(self.nh_flagged("trap", *ns) | self.bucket_flagged("trap", *ns))
        ok2, l2 = self._diff("bucket offload", self.bucket_ids(*ns),
                             self.bucket_flagged("offload", *ns))
        return Verdict(ok1 and ok2 and not trapped,
                       l1 + l2 + [f"trap: {k}" for k in trapped[:40]])

    def mock_flags(self, *ns):
        """mock_route_flags and mock_nexthop_flags: the mock switchdev's
        flags on every kernel object of NS."""
        r, n = self.mock_route_flags(*ns), self.mock_nexthop_flags(*ns)
        return Verdict(r and n, r.lines + n.lines)

    # --- a listener's view (debugfs) ----------------------------------------
    def lines(self, directory, name):
        key = f"{directory}/{name}"
        if key not in self.debugfs:
            raise KeyError(f"{key} not in snapshot {os.path.basename(self.path)}")
        return self.debugfs[key]

    def stat(self, directory, key):
        for line in self.lines(directory, "stats"):
            k, _, v = line.partition(" ")
            if k == key:
                return int(v)
        raise KeyError(f"{directory}/stats has no {key}")

    def listener(self, directory, *ns):
        """A listener's keys (routes, and rules if it has them) in NS."""
        inos = {self.ino(n) for n in self.names(ns)}
        keys = set()
        for line in self.lines(directory, "routes"):
            ino, fam, tb, dst = line.split()[:4]
            if int(ino) in inos:
                keys.add(f"route {ino} {fam} {tb} {prefix(dst, int(fam))}")
        if f"{directory}/rules" in self.debugfs:
            for line in self.lines(directory, "rules"):
                w = line.split()
                if int(w[0]) in inos:
                    keys.add(f"rule {w[0]} {w[1]} {w[3]} {w[5]}")
        return keys

    def compare(self, directory, *ns):
        """The listener holds exactly the kernel's routes (and rules); the
        probe, which prints what it holds of each route, per route too
        (compare_first)."""
        have = self.listener(directory, *ns)
        rules = f"{directory}/rules" in self.debugfs
        want = self.kernel(*ns) if rules else self.routes(*ns)
        if directory.startswith("mock"):
            want -= self.prefixes(self.mock_ignored(*ns))
        missing, extra = sorted(want - have), sorted(have - want)
        lines = [f"missing: {k}" for k in missing[:40]] + [f"extra: {k}" for k in extra[:40]]
        lines.append(f"compared {len(want)} kernel keys with {len(have)} {directory} keys: "
                     f"{len(missing)} missing, {len(extra)} extra")
        ok = not missing and not extra
        if directory == "probe":
            first = self.compare_first(directory, *ns)
            ok, lines = ok and first.ok, lines + first.lines
        return Verdict(ok, lines)

    @staticmethod
    def _after(words, word, default=None):
        """The word after WORD in WORDS (DEFAULT if none)."""
        return words[words.index(word) + 1] if word in words[:-1] else default

    @staticmethod
    def rule_action(r):
        """An `ip -j rule` entry's action as `ip rule` names it: `lookup`
        (a table), `goto`, `nop`, or the `action` ip prints."""
        if "action" in r:
            return r["action"]
        if "nop" in r:
            return "nop"
        if "goto" in r:
            return "goto"
        return "lookup" if "table" in r else "unspec"

    def compare_decoded(self, directory, *ns):
        """The names a listener prints for what the kernel numbers equal
        ip's: each route's `type`, `proto` and `scope` those of the
        kernel's first route of its prefix (best: the one notified; ip -j
        leaves out unicast, boot and global), each rule's `action` ip's."""
        inos = {self.ino(n) for n in self.names(ns)}
        want, have = set(), set()
        for n in self.names(ns):
            seen = set()
            for r in self.kroutes(n):
                where = (r["family"], r["tb"], r["prefix"])
                if where in seen or (directory.startswith("mock") and self.mock_ignores(r)):
                    continue
                seen.add(where)
                want.add(f"route {self.ino(n)} {r['family']} {r['tb']} {r['prefix']} "
                         f"type {r.get('type', 'unicast')} proto {r.get('protocol', 'boot')} "
                         f"scope {r.get('scope', 'global')}")
            for fam in (4, 6):
                for r in self._dump(n, fam, "rule"):
                    want.add(f"rule {self.ino(n)} {fam} {r['priority']} "
                             f"{table_id(r.get('table', 'unspec'))} action {self.rule_action(r)}")
        for line in self.lines(directory, "routes"):
            w = line.split()
            if int(w[0]) in inos:
                have.add(f"route {w[0]} {w[1]} {w[2]} {prefix(w[3], int(w[1]))} "
                         f"type {self._after(w, 'type')} proto {self._after(w, 'proto')} "
                         f"scope {self._after(w, 'scope')}")
        if f"{directory}/rules" in self.debugfs:
            for line in self.lines(directory, "rules"):
                w = line.split()
                if int(w[0]) in inos:
                    have.add(f"rule {w[0]} {w[1]} {w[3]} {w[5]} action {self._after(w, 'action')}")
        else:
            want = {k for k in want if k.startswith("route ")}
        ok, lines = self._diff("decoded", want, have, "kernel", directory)
        return Verdict(ok, lines)

    @staticmethod
    def _norm_words(line):
        """A debugfs line's words, gateways (after `via`) in ip's text."""
        w = line.split()
        for i in range(1, len(w)):
            if w[i - 1] == "via":
                try:
                    w[i] = str(ipaddress.ip_address(w[i]))
                except ValueError:
                    pass
        return w

    def compare_nexthops(self, directory, *ns):
        """The listener holds exactly the kernel's nexthop objects, buckets,
        and routes with their `nhid` (routes without one: no `nhid`).

        The probe's `nexthops` lines equal kernel_nexthops(); a mock
        switchdev's (`<inum> id <id> <kind> occupancy <n> routes <r>`) give
        each object's kind, its occupancy (nh_occupancy) and how many of the
        kernel's routes use it (`nhid`); `buckets` (if the listener has the
        file) equals kernel_buckets(); every route of `routes` carries the
        kernel's `nhid` or none.  A listener holds one route per prefix, the
        first (best): the routes and route counts compared are the first
        routes' (a prefix may have a route with an `nhid` and one without)."""
        names = self.names(ns)
        inos = {self.ino(n) for n in names}
        have_nh, want_nh = set(), set()
        mock = None
        for line in self.lines(directory, "nexthops"):
            w = self._norm_words(line)
            if int(w[0]) not in inos:
                continue
            if mock is None:
                mock = "occupancy" in w
            have_nh.add("nexthop " + " ".join(w))
        if mock is None:
            mock = directory.startswith("mock")
        for n in names:
            for e in self.nexthops(n):
                if mock:
                    users = len(self.best_via(e["id"], n))
                    want_nh.add(f"nexthop {self.ino(n)} id {e['id']} {self.nh_kind(e)} "
                                f"occupancy {self.nh_occupancy(e)} routes {users}")
                else:
                    want_nh.add(f"nexthop {self.ino(n)} id {e['id']} {self.nh_describe(n, e)}")
        ok, lines = self._diff("nexthops", want_nh, have_nh, "kernel", directory)
        if f"{directory}/buckets" in self.debugfs:
            have_b = {"bucket " + " ".join(l.split()) for l in self.lines(directory, "buckets")
                      if int(l.split()[0]) in inos}
            ok_b, l_b = self._diff("buckets", self.kernel_buckets(*names), have_b,
                                   "kernel", directory)
            ok, lines = ok and ok_b, lines + l_b
        best = self.best(*names)
        want_r = {f"route {self.ino(n)} {r['family']} {r['tb']} {r['prefix']}"
                  + (f" nhid {r['nhid']}" if "nhid" in r else "")
                  for n in names for r in self.kroutes(n)
                  if self.rkey(n, r) in best and not (mock and self.mock_ignores(r))}
        have_r = set()
        for line in self.lines(directory, "routes"):
            w = line.split()
            if int(w[0]) not in inos:
                continue
            key = f"route {w[0]} {w[1]} {w[2]} {prefix(w[3], int(w[1]))}"
            if "nhid" in w[4:]:
                key += f" nhid {w[w.index('nhid', 4) + 1]}"
            have_r.add(key)
        ok_r, l_r = self._diff("routes", want_r, have_r, "kernel", directory)
        return Verdict(ok and ok_r, lines + l_r)

    # ip's names for DS field values (iproute2's rt_dsfield), for TOS.
    DSFIELD = {**{f"CS{i}": i << 5 for i in range(8)},
               **{f"AF{c}{d}": (c << 5) | (d << 3) for c in range(1, 5) for d in range(1, 4)},
               "EF": 0xb8}

    def tos_value(self, r):
        """A kernel route's TOS as a number (ip -j prints a name or hex)."""
        t = self._tos(r)
        return self.DSFIELD[t] if t in self.DSFIELD else int(t, 0)

    def first_route(self, n, r):
        """The kernel route R of NS N as a probe prints what it holds of
        it: metric, TOS, and the first nexthop (device index and gateway)
        or its nexthop object."""
        if "nhid" in r:
            via = f"nhid {r['nhid']}"
        else:
            nh = (r.get("nexthops") or [r])[0]
            via = f"dev {self.ifindex(n, nh['dev']) if 'dev' in nh else 0}"
            if "gateway" in nh:
                via += f" via {ipaddress.ip_address(nh['gateway'])}"
        return (f"route {self.ino(n)} {r['family']} {r['tb']} {r['prefix']} "
                f"tos {self.tos_value(r)} metric {r.get('metric', 0)} {via}")

    def compare_first(self, directory, *ns):
        """Per route, not per key: each route a probe holds is the kernel's
        first route of its prefix (best: the one notified) as it is now,
        its metric, TOS, first nexthop's device and gateway (or its nexthop
        object); and it holds one for every prefix."""
        names = self.names(ns)
        inos = {self.ino(n) for n in names}
        want = {self.first_route(n, r) for n in names for r in self.kroutes(n)
                if self.rkey(n, r) in self.best(n)}
        have = set()
        for line in self.lines(directory, "routes"):
            w = line.split()
            if int(w[0]) not in inos:
                continue
            if "nhid" in w[4:]:
                via = f"nhid {self._after(w, 'nhid')}"
            else:
                via = f"dev {self._after(w, 'dev')}"
                if "via" in w[4:]:
                    via += f" via {ipaddress.ip_address(self._after(w, 'via'))}"
            have.add(f"route {w[0]} {w[1]} {w[2]} {prefix(w[3], int(w[1]))} "
                     f"tos {self._after(w, 'tos')} metric {self._after(w, 'metric')} {via}")
        ok, lines = self._diff("first routes", want, have, "kernel", directory)
        return Verdict(ok, lines)

    def states(self, directory, state, *ns):
        """Route keys a mock switchdev's `routes` shows in STATE (offload,
        trap, offload_failed, nexthop_missing: the word after `tos <tos>`)."""
        inos = {self.ino(n) for n in self.names(ns)}
        keys = set()
        for line in self.lines(directory, "routes"):
            w = line.split()
            if int(w[0]) in inos and "tos" in w and w[w.index("tos") + 2] == state:
                keys.add(f"route {w[0]} {w[1]} {w[2]} {prefix(w[3], int(w[1]))}")
        return keys

    def nexthop_counts(self, directory, *ns):
        """Each route's nexthop count (`nhs N`) in the listener equals the
        kernel's (`nexthops` in ip -j, else 1)."""
        want = {f"route {self.ino(n)} {r['family']} {r['tb']} {r['prefix']}":
                len(r.get("nexthops", [])) or 1
                for n in self.names(ns) for r in reversed(self.kroutes(n))
                if not (directory.startswith("mock") and self.mock_ignores(r))}
        have, inos = {}, {self.ino(n) for n in self.names(ns)}
        for line in self.lines(directory, "routes"):
            w = line.split()
            if int(w[0]) in inos and "nhs" in w:
                have[f"route {w[0]} {w[1]} {w[2]} {prefix(w[3], int(w[1]))}"] = int(w[w.index("nhs") + 1])
        bad = [f"{k}: kernel {want[k]} nexthops, {directory} {have.get(k)}"
               for k in sorted(want) if have.get(k) != want[k]]
        return Verdict(not bad, bad[:40] + [f"{len(want)} routes, {len(bad)} differ"])

    def grep(self, directory, name, regex):
        """The lines of a debugfs file matching REGEX (re.search)."""
        hits = [l for l in self.lines(directory, name) if re.search(regex, l)]
        return Verdict(hits, [] if hits else [f"no line of {directory}/{name} matches {regex!r}"])
