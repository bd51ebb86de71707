#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Compare what a listener holds with what the kernel's FIB holds.

The kernel's side comes from `ip -j route show table all`, `ip -6 -j route
show table all` and `ip -j rule` in each namespace; the listener's from
debugfs (`<dir>/routes`, `<dir>/rules`). Both are reduced to the key the
kernel notifies by: (namespace inode, family, table, prefix/len) for routes,
(namespace inode, family, pref, table) for rules.

  fibview.py compare DIR NS...   exit 1 and print the difference if any
  fibview.py kernel NS...        print the kernel's keys
  fibview.py listener DIR NS...  print the listener's keys
  fibview.py flagged FLAG NS...  print the kernel's route keys carrying FLAG
                                 (offload, trap, offload_failed) in `ip -j`
  fibview.py unflagged NS...     print route keys that carry any hw flag
A listener directory without a `rules` file is compared on routes only.
NS is a name under /run/netns, or `init` for the initial namespace.
"""
import ipaddress
import json
import os
import subprocess
import sys

TABLES = {"local": 255, "main": 254, "default": 253, "unspec": 0}


def inum(ns):
    return os.stat("/proc/1/ns/net" if ns == "init" else f"/run/netns/{ns}").st_ino


def ip_json(ns, *args):
    cmd = ["ip"] if ns == "init" else ["ip", "-n", ns]
    out = subprocess.run(cmd + ["-j"] + list(args), check=True,
                         capture_output=True, text=True).stdout
    return json.loads(out or "[]")


def table_id(name):
    return TABLES.get(str(name), None) if not str(name).isdigit() else int(name)


def prefix(dst, family):
    if dst == "default":
        dst = "0.0.0.0/0" if family == 4 else "::/0"
    net = ipaddress.ip_network(dst, strict=False)
    return f"{net.network_address}/{net.prefixlen}"


def kernel_routes(ns):
    ino = inum(ns)
    for family in (4, 6):
        for r in ip_json(ns, f"-{family}", "route", "show", "table", "all"):
            tb = table_id(r.get("table", "main"))
            yield f"route {ino} {family} {tb} {prefix(r['dst'], family)}", r.get("flags", [])


def kernel_keys(ns, rules=True):
    ino = inum(ns)
    keys = {k for k, _ in kernel_routes(ns)}
    for family in (4, 6) if rules else ():
        for r in ip_json(ns, f"-{family}", "rule", "show"):
            tb = table_id(r.get("table", "unspec"))
            keys.add(f"rule {ino} {family} {r['priority']} {tb}")
    return keys


def listener_keys(directory, inums):
    keys = set()
    with open(f"{directory}/routes") as f:
        for line in f:
            ino, family, tb, dst = line.split()[:4]
            if int(ino) in inums:
                keys.add(f"route {ino} {family} {tb} {prefix(dst, int(family))}")
    if not os.path.exists(f"{directory}/rules"):
        return keys
    with open(f"{directory}/rules") as f:
        for line in f:
            w = line.split()
            if int(w[0]) in inums:
                keys.add(f"rule {w[0]} {w[1]} {w[3]} {w[5]}")
    return keys


# `ip -j route` names the route's hardware flags rt_offload, rt_trap,
# rt_offload_failed.
HW_FLAGS = ("rt_offload", "rt_trap", "rt_offload_failed")


def main(argv):
    cmd = argv[1]
    if cmd == "flagged":
        for ns in argv[3:]:
            for k, flags in sorted(kernel_routes(ns)):
                if f"rt_{argv[2]}" in flags:
                    print(k)
        return 0
    if cmd == "unflagged":
        for ns in argv[2:]:
            for k, flags in sorted(kernel_routes(ns)):
                if any(f in flags for f in HW_FLAGS):
                    print(k, *flags)
        return 0
    if cmd == "kernel":
        for k in sorted(set().union(*(kernel_keys(ns) for ns in argv[2:]))):
            print(k)
        return 0
    directory, names = argv[2], argv[3:]
    inums = {inum(ns) for ns in names}
    have = listener_keys(directory, inums)
    if cmd == "listener":
        for k in sorted(have):
            print(k)
        return 0
    rules = os.path.exists(f"{directory}/rules")
    want = set().union(*(kernel_keys(ns, rules) for ns in names))
    missing, extra = sorted(want - have), sorted(have - want)
    for k in missing:
        print(f"# missing: {k}")
    for k in extra:
        print(f"# extra: {k}")
    print(f"# compared {len(want)} kernel keys with {len(have)} listener keys: "
          f"{len(missing)} missing, {len(extra)} extra")
    return 1 if missing or extra else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
