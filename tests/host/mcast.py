# SPDX-License-Identifier: GPL-2.0
"""Multicast routing in a snapshot (`msnap` in tests/guest/lib/mcast.sh).

The kernel's view: `ip -j mroute show table all` and `ip -j mrule show`
(both families), the default table's VIFs (/proc/net/ip_mr_vif,
ip6_mr_vif).  A listener's view: its debugfs `vifs` and `mroutes` (and
the probe's `mrules`), its VIF indexes named by the devices they stand
for, as `ip mroute` names them: an input VIF the listener does not hold
is no input, an output VIF it does not hold is no output (the kernel's
dump skips VIFs that are gone, as a listener that heard VIF_DEL does).
"""
import json

from snapshot import TABLES, Verdict, eq, table_id

# The multicast routing tables' defaults: RT_TABLE_DEFAULT for IPv4,
# RT6_TABLE_DFLT (main) for IPv6; `ip mroute` names a table unless it is
# main.
MR_DEFAULT = {4: 253, 6: 254}


def _json(snap, ns, kind):
    out = []
    for line in snap.mr.get((ns, kind), []):
        if line.startswith("["):
            out += json.loads(line)
    return out


def _names(snap, ns):
    return {link["ifindex"]: link["ifname"] for link in snap._dump(ns, 4, "link")}


def kernel_mroutes(snap, ns):
    """NS's entries: {(fam, table, src, group): (iif, oifs, offload)}."""
    out = {}
    for fam in (4, 6):
        for r in _json(snap, ns, f"mroute{fam}"):
            tb = table_id(r.get("table", "main"))
            oifs = tuple(sorted(m["oif"] if isinstance(m, dict) else m
                                for m in r.get("multipath", [])))
            key = (fam, tb, _addr(r["src"], fam), _addr(r["dst"], fam))
            # `unresolved`: the input VIF is gone (ip names no device).
            iif = r.get("iif")
            out[key] = (None if iif == "unresolved" else iif, oifs, "offload" in r)
    return out


def kernel_mrules(snap, ns):
    return {(fam, r["priority"], table_id(r.get("table", "unspec")))
            for fam in (4, 6) for r in _json(snap, ns, f"mrule{fam}")}


def kernel_default_vifs(snap, ns):
    """The default table's VIFs: {(fam, index): device}."""
    out = {}
    for fam in (4, 6):
        for line in snap.mr.get((ns, f"vif{fam}"), []):
            w = line.split()
            if len(w) >= 2 and w[0].isdigit():
                out[(fam, int(w[0]))] = w[1]
    return out


def _addr(text, fam):
    import ipaddress
    return str(ipaddress.ip_address(text))


def listener_vifs(snap, directory, ns):
    """{(fam, table, index): device} of the listener's `vifs` in NS."""
    ino, names, out = snap.ino(ns), _names(snap, ns), {}
    for line in snap.lines(directory, "vifs"):
        w = line.split()
        if int(w[0]) != ino:
            continue
        fam, tb, index, ifindex = int(w[1]), int(w[3]), int(w[5]), int(w[7])
        out[(fam, tb, index)] = names.get(ifindex, f"ifindex{ifindex}")
    return out


def listener_mroutes(snap, directory, ns):
    """{(fam, table, src, group): (iif, oifs, state)} of the listener's
    `mroutes` in NS, VIFs named by its `vifs` (state: the mock's
    offload/trap word, None for the probe)."""
    ino, vifs, out = snap.ino(ns), listener_vifs(snap, directory, ns), {}
    for line in snap.lines(directory, "mroutes"):
        w = line.split()
        if int(w[0]) != ino:
            continue
        fam, tb = int(w[1]), int(w[3])
        src, group = w[4].strip("()").split(",")
        parent = int(w[6])
        words = w[8:]
        state = None
        if words and words[-1] in ("offload", "trap"):
            state = words.pop()
        oifs = []
        for word in words:
            if word == "-":
                continue
            vif = int(word.split(":")[0])
            if (fam, tb, vif) in vifs:
                oifs.append(vifs[(fam, tb, vif)])
        key = (fam, tb, _addr(src, fam), _addr(group, fam))
        out[key] = (vifs.get((fam, tb, parent)), tuple(sorted(oifs)), state)
    return out


def _diff(want, have, what):
    lines = [f"{what}: kernel only: {k} {want[k]}" for k in sorted(set(want) - set(have))[:30]]
    lines += [f"{what}: listener only: {k} {have[k]}" for k in sorted(set(have) - set(want))[:30]]
    lines += [f"{what}: differs: {k}: kernel {want[k]} listener {have[k]}"
              for k in sorted(set(want) & set(have)) if want[k] != have[k]][:30]
    return Verdict(not lines, lines + [f"{what}: compared {len(want)} with {len(have)}"])


def compare(snap, directory, ns, state=False):
    """The listener's entries (input, outputs), and the default table's
    VIFs, equal the kernel's in NS; with `state`, also the offload flag
    (the mock's word against `ip mroute`'s `offload`)."""
    kern = kernel_mroutes(snap, ns)
    mine = listener_mroutes(snap, directory, ns)
    want = {k: (v[0], v[1]) + ((v[2],) if state else ()) for k, v in kern.items()}
    have = {k: (v[0], v[1]) + ((v[2] == "offload",) if state else ()) for k, v in mine.items()}
    verdicts = [_diff(want, have, f"{ns} entries")]
    kv = kernel_default_vifs(snap, ns)
    lv = {(f, i): d for (f, tb, i), d in listener_vifs(snap, directory, ns).items()
          if tb == MR_DEFAULT[f]}
    verdicts.append(_diff(kv, lv, f"{ns} default table VIFs"))
    ok = all(verdicts)
    return Verdict(ok, [l for v in verdicts for l in v.lines])


def compare_rules(snap, directory, ns):
    ino = snap.ino(ns)
    have = set()
    for line in snap.lines(directory, "mrules"):
        w = line.split()
        if int(w[0]) == ino:
            have.add((int(w[1]), int(w[3]), int(w[5])))
    want = kernel_mrules(snap, ns)
    return eq(want, have)
