#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""The stress generator and its differential checker (tests/stress/README).

Runs in the guest, as one process, with the module loaded: a seeded random
mix of route, nexthop, rule, address, link and namespace changes (raw
rtnetlink, nl.py), listener registrations, detaches, resyncs and knobs,
fault injection and module reloads; at quiet points it waits for the
listeners' queues to drain, snapshots the kernel and the listeners in the
format of tests/guest/lib/snap.sh and compares them with the suite's own
comparer (tests/host/snapshot.py, checks.py), and reads the kernel log.

    stress.py --seed S [--seconds T] [--ops N] --out DIR --ko MODULE.ko

The operation sequence is a function of the seed alone: the generator's
model is what it asked for, never what the kernel answered, so the same
seed replays the same operations (a time bound only cuts the sequence
shorter or longer).  A failure prints the seed, the reason and the last
operations, and leaves the snapshot in DIR.
"""
import argparse
import collections
import json
import os
import random
import re
import socket
import subprocess
import sys
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, "..", "host"))
import nl  # noqa: E402
from nl import NLM_F_APPEND, NLM_F_CREATE, NLM_F_EXCL, NLM_F_REPLACE, NlError  # noqa: E402
import checks  # noqa: E402
from snapshot import HW_FLAGS, Snap, Verdict, prefix  # noqa: E402

RFN = "/sys/kernel/debug/rust_fib_notifier"
PROBE, MOCK, COUNTER = f"{RFN}/probe", f"{RFN}/mock_switchdev", f"{RFN}/counter"
EX = "/sys/kernel/debug/rfn_c_example"
EX_KO = "examples/c_listener/rfn_c_example.ko"
FS = "/sys/kernel/debug/failslab"
# What scripts/test.sh fails a run on, in the kernel log.
SPLATS = re.compile(r"WARNING:|BUG:|BUG |Oops|general protection|KASAN|kmemleak:.*new suspected|"
                    r"possible recursive locking|possible circular locking|possible irq lock "
                    r"inversion|inconsistent lock state|suspicious RCU usage|sleeping function "
                    r"called from invalid context|rcu_sched detected stall|rcu: INFO:|detected "
                    r"stall|Call Trace:|UBSAN|refcount_t:|list_add corruption|list_del corruption|"
                    r"hung_task|blocked for more than|waiting for .* to become free")
TABLES = (254, 100, 200, 1000)
D0, D1, D2 = 10, 11, 12          # the dummy devices' ifindexes, in every namespace
R0, R1 = 13, 14                  # a veth pair: router advertisements from r0 to r1
HANG = 60                        # seconds a change, a drain or a namespace's end may take
SNAP_BATCH = "route show table all\nrule show\nnexthop show\nnexthop bucket show\nlink show\n"


class Failure(Exception):
    pass


def write(path, value):
    with open(path, "w") as f:
        f.write(f"{value}\n")


def read(path):
    with open(path) as f:
        return f.read()


def stat(path, key):
    for line in read(path).splitlines():
        k, _, v = line.partition(" ")
        if k == key:
            return int(v.split()[0])
    return None


def ino(path):
    return os.stat(path).st_ino


class Ns:
    """A namespace of the run and what the generator asked of it."""

    def __init__(self, name, idx):
        self.name, self.idx = name, idx
        self.path = f"/run/netns/{name}"
        self.nl = None
        self.up = {D0: True, D1: True}   # device -> admin up (D2: exists or not)
        self.nhs = {}                    # id -> "v4" | "v6" | "bh" | "g4" | "g6" | "r4" | "r6"
        self.expiring = 0.0              # the last IPv6 expiry asked for (monotonic)
        self.extra_addrs = set()

    def gw(self, dev, v6, host=2):
        i = self.idx
        if v6:
            return f"2001:db8:{i}::{host:x}" if dev == D0 else f"2001:db8:{i}:1::{host:x}"
        return f"10.{i}.0.{host}" if dev == D0 else f"10.{i}.1.{host}"


class Stress:
    def __init__(self, a):
        self.a = a
        self.rng = random.Random(a.seed)
        self.log = collections.deque(maxlen=40)
        self.all_ops = []            # every operation, to OUT/stress.SEED.ops at the end
        self.ops = self.errors = self.regs = self.comparisons = self.quiet = 0
        self.kinds = collections.Counter()
        self.ns = {}
        self.dead = []               # inodes of namespaces deleted since the last quiet point
        self.next_ns = 0
        self.bg = None               # the background registration in flight
        self.t0 = time.monotonic()
        self.snapdir = "/tmp/rfn-stress"
        os.makedirs(self.snapdir, exist_ok=True)
        self.kmsg = os.open("/dev/kmsg", os.O_RDONLY | os.O_NONBLOCK)
        os.lseek(self.kmsg, 0, os.SEEK_END)
        self.reset_listeners()

    # --- the listeners ---------------------------------------------------------
    # The generator decides from what it asked for (on: attached, loaded),
    # never from what the kernel answered, so the seed alone fixes the
    # operations; the checks read what is attached from the kernel's files
    # (actual()).
    def reset_listeners(self):
        # After a (re)load every listener is detached, every knob default.
        self.on = {"probe": False, "mock": False, "counter": False, "veto": False,
                   "example": os.path.isdir("/sys/module/rfn_c_example")}

    def actual(self):
        """What is attached now: {"probe": (families, netns inode) or None,
        "mock": bool, "example": bool}."""
        def attached(d):
            try:
                return read(f"{d}/attach").strip() == "1"
            except OSError:
                return False
        probe = None
        if attached(PROBE):
            probe = (int(read(f"{PROBE}/families").split()[0]),
                     int(read(f"{PROBE}/netns").split()[0]))
        return {"probe": probe, "mock": attached(MOCK),
                "example": os.path.isdir("/sys/module/rfn_c_example") and os.path.isdir(EX)}

    # --- logging ---------------------------------------------------------------
    def say(self, text):
        print(f"stress: {text}", flush=True)

    def record(self, text, result):
        self.ops += 1
        self.log.append(f"#{self.ops} {text} -> {result}")
        self.all_ops.append(self.log[-1])

    def run_op(self, kind, text, fn, *args, **kw):
        """One operation: FN(*ARGS), its result logged; a change that does
        not return within HANG seconds is a hang."""
        self.kinds[kind] += 1
        try:
            fn(*args, **kw)
            res = "ok"
        except NlError as e:
            res, self.errors = str(e), self.errors + 1
        except socket.timeout:
            self.record(text, "no answer")
            raise Failure(f"hang: no answer to `{text}` within {HANG} s")
        except OSError as e:
            res, self.errors = f"{type(e).__name__}: {e.strerror or e}", self.errors + 1
        self.record(text, res)
        return res == "ok"

    def sh(self, *cmd, check=False):
        try:
            p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                               timeout=2 * HANG, text=True)
        except subprocess.TimeoutExpired:
            raise Failure(f"hang: `{' '.join(cmd)}` did not return within {2 * HANG} s")
        if check and p.returncode:
            raise Failure(f"`{' '.join(cmd)}` failed: {p.stdout.strip()}")
        return p.returncode == 0, p.stdout.strip()

    # --- namespaces ------------------------------------------------------------
    def ns_add(self, busy=0):
        name = f"st{self.next_ns}"
        n = Ns(name, 40 + self.next_ns % 50)
        self.next_ns += 1
        if busy:
            self.run_op("bridge_busy", f"fault_bridge_busy {busy}", write,
                        f"{RFN}/fault_bridge_busy", busy)
        ok, out = self.sh("ip", "netns", "add", name)
        self.record(f"ip netns add {name}", "ok" if ok else out)
        if not ok:
            raise Failure(f"ip netns add {name}: {out}")
        n.nl = nl.Rtnl(n.path, timeout=HANG)
        self.ns[name] = n
        r, i = n.nl, n.idx
        steps = [("link set lo up", r.link_set, 1, True)]
        for dev, name_ in ((D0, "d0"), (D1, "d1")):
            steps += [(f"link add {name_} type dummy", r.link_add_dummy, name_, dev),
                      (f"link set {name_} up", r.link_set, dev, True)]
        for cidr, dev in ((f"10.{i}.0.1/24", D0), (f"10.{i}.1.1/24", D1),
                          (f"2001:db8:{i}::1/64", D0), (f"2001:db8:{i}:1::1/64", D1)):
            steps.append((f"addr add {cidr} dev {dev}", r.address, "new", dev, cidr))
        for text, fn, *args in steps:
            self.run_op("ns_setup", f"{name}: {text}", fn, *args)
        # r0 -> r1: router advertisements sent on r0 (its link-local
        # address usable at once), received on r1 (accept_ra).
        self.run_op("ns_setup", f"{name}: link add r0 type veth peer name r1", r.link_add_veth,
                    "r0", R0, "r1", R1)
        self.run_op("ns_setup", f"{name}: sysctl net.ipv6.conf.r0.accept_dad=0", self.ns_sysctl,
                    n, "net/ipv6/conf/r0/accept_dad", 0)
        self.run_op("ns_setup", f"{name}: sysctl net.ipv6.conf.r1.accept_dad=0", self.ns_sysctl,
                    n, "net/ipv6/conf/r1/accept_dad", 0)
        for dev, name_ in ((R0, "r0"), (R1, "r1")):
            self.run_op("ns_setup", f"{name}: link set {name_} up", r.link_set, dev, True)
        # The route GC timer (TIMER_SOFTIRQ) deletes expired IPv6 routes
        # every second, while the changes go on.
        self.run_op("ns_setup", f"{name}: sysctl net.ipv6.route.gc_interval=1", self.ns_sysctl, n,
                    "net/ipv6/route/gc_interval", 1)
        return n

    def ns_del(self, n):
        try:
            self.dead.append(ino(n.path))
        except OSError:
            pass
        n.nl.close()
        del self.ns[n.name]
        ok, out = self.sh("ip", "netns", "del", n.name)
        self.record(f"ip netns del {n.name}", "ok" if ok else out)
        self.kinds["ns_del"] += 1

    # --- the generator's operations -----------------------------------------
    def pick_ns(self):
        return self.ns[self.rng.choice(sorted(self.ns))]

    def op_route4(self, n):
        rng = self.rng
        tos_pool = rng.random() < 0.15
        k = rng.randrange(6 if tos_pool else 16)
        dst = f"198.19.{k}.0/24" if tos_pool else f"198.18.{k}.0/24"
        tos = 0x10 * (1 + k % 3) if tos_pool else 0
        table = rng.choice(TABLES)
        metric = rng.choice((None, 10, 20))
        verb = rng.choices(("add", "replace", "append", "prepend", "del"), (3, 2, 2, 1, 3))[0]
        text = f"{n.name}: route {verb} {dst}" + (f" tos {tos:#x}" if tos else "") + \
            f" table {table}" + (f" metric {metric}" if metric is not None else "")
        if verb == "del":
            kw = {}
            if rng.random() < 0.5 and metric is not None:
                kw["metric"] = metric
            else:
                text = text.split(" metric")[0]
            return self.run_op("route4", text, n.nl.route, "del", 0, dst, table=table, tos=tos,
                               **kw)
        flags = {"add": NLM_F_CREATE | NLM_F_EXCL, "replace": NLM_F_CREATE | NLM_F_REPLACE,
                 "append": NLM_F_CREATE | NLM_F_APPEND, "prepend": NLM_F_CREATE}[verb]
        kw = dict(table=table, tos=tos, metric=metric)
        shape = rng.choices(("gw", "mp", "dev", "nhid", "blackhole", "unreachable", "prohibit",
                             "local"), (5, 3, 1, 2, 1, 1, 1, 1))[0]
        if shape == "gw":
            dev = rng.choice((D0, D1))
            kw.update(gw=n.gw(dev, False, rng.choice((2, 3))), oif=dev)
            text += f" via {kw['gw']} dev d{dev - D0}"
        elif shape == "mp":
            w = (rng.randint(1, 3), rng.randint(1, 3))
            kw["paths"] = [(n.gw(D0, False), D0, w[0]), (n.gw(D1, False), D1, w[1])]
            text += f" nexthop via {n.gw(D0, False)} dev d0 weight {w[0]} nexthop via " \
                    f"{n.gw(D1, False)} dev d1 weight {w[1]}"
        elif shape == "dev":
            dev = rng.choice((D0, D1))
            kw["oif"] = dev
            text += f" dev d{dev - D0}"
        elif shape == "nhid":
            ids = sorted(i for i, t in n.nhs.items() if t in ("v4", "bh", "g4", "r4"))
            kw["nhid"] = rng.choice(ids) if ids else rng.randint(1, 40)
            text += f" nhid {kw['nhid']}"
        else:
            kw["rtype"] = shape
            if shape == "local":
                kw["oif"] = D0
            text = text.replace(f"route {verb} ", f"route {verb} {shape} ") + \
                (" dev d0" if shape == "local" else "")
        if rng.random() < 0.1:
            kw["mtu"] = rng.choice((1280, 1400))
            text += f" mtu {kw['mtu']}"
        return self.run_op("route4", text, n.nl.route, "new", flags, dst, **kw)

    def op_route6(self, n):
        rng = self.rng
        dst = f"2001:db8:1{n.idx}:{rng.randrange(16):x}::/64"
        table = rng.choice(TABLES)
        metric = rng.choice((None, 10, 20))
        verb = rng.choices(("add", "replace", "append", "prepend", "del", "delpath"),
                           (3, 2, 3, 1, 2, 2))[0]
        text = f"{n.name}: route {verb} {dst} table {table}" + \
            (f" metric {metric}" if metric is not None else "")
        if verb in ("del", "delpath"):
            kw = dict(table=table)
            if metric is not None:
                kw["metric"] = metric
            if verb == "delpath":
                dev = rng.choice((D0, D1))
                kw.update(gw=n.gw(dev, True), oif=dev)
                text += f" via {kw['gw']} dev d{dev - D0}"
            return self.run_op("route6", text.replace("delpath", "del"), n.nl.route, "del", 0,
                               dst, **kw)
        flags = {"add": NLM_F_CREATE | NLM_F_EXCL, "replace": NLM_F_CREATE | NLM_F_REPLACE,
                 "append": NLM_F_CREATE | NLM_F_APPEND, "prepend": NLM_F_CREATE}[verb]
        kw = dict(table=table, metric=metric)
        shape = rng.choices(("gw", "mp", "dev", "nhid", "blackhole", "unreachable", "prohibit"),
                            (6, 3, 1, 2, 1, 1, 1))[0]
        if shape == "gw":
            dev = rng.choice((D0, D1))
            kw.update(gw=n.gw(dev, True, rng.choice((2, 3))), oif=dev)
            text += f" via {kw['gw']} dev d{dev - D0}"
        elif shape == "mp":
            kw["paths"] = [(n.gw(D0, True), D0, 1), (n.gw(D1, True), D1, 1)]
            text += f" nexthop via {n.gw(D0, True)} dev d0 nexthop via {n.gw(D1, True)} dev d1"
        elif shape == "dev":
            dev = rng.choice((D0, D1))
            kw["oif"] = dev
            text += f" dev d{dev - D0}"
        elif shape == "nhid":
            ids = sorted(i for i, t in n.nhs.items() if t in ("v6", "g6", "r6"))
            kw["nhid"] = rng.choice(ids) if ids else rng.randint(1, 40)
            text += f" nhid {kw['nhid']}"
        else:
            kw["rtype"] = shape
            text = text.replace(f"route {verb} ", f"route {verb} {shape} ")
        if shape in ("gw", "dev") and rng.random() < 0.1:
            kw["expires"] = rng.randint(1, 3)
            n.expiring = max(n.expiring, time.monotonic() + kw["expires"])
            text += f" expires {kw['expires']}"
        return self.run_op("route6", text, n.nl.route, "new", flags, dst, **kw)

    def op_nexthop(self, n):
        rng = self.rng
        nhid = rng.randint(1, 40)
        verb = rng.choices(("add", "replace", "del"), (4, 2, 2))[0]
        if verb == "del":
            n.nhs.pop(nhid, None)
            return self.run_op("nexthop", f"{n.name}: nexthop del id {nhid}", n.nl.nexthop_del,
                               nhid)
        flags = NLM_F_CREATE | (NLM_F_EXCL if verb == "add" else NLM_F_REPLACE)
        kind = rng.choices(("v4", "v6", "bh", "g4", "g6", "r4", "r6"), (4, 3, 1, 3, 2, 2, 1))[0]
        text = f"{n.name}: nexthop {verb} id {nhid}"
        kw = {}
        if kind in ("v4", "v6"):
            dev = rng.choice((D0, D1))
            kw.update(gw=n.gw(dev, kind == "v6", rng.choice((2, 3))), oif=dev)
            text += f" via {kw['gw']} dev d{dev - D0}"
        elif kind == "bh":
            kw["blackhole"] = True
            text += " blackhole"
        else:
            fam = "v4" if kind in ("g4", "r4") else "v6"
            members = sorted(i for i, t in n.nhs.items() if t == fam and i != nhid)
            if not members:
                members = [rng.randint(1, 40)]
            group = [(m, rng.randint(1, 3)) for m in
                     rng.sample(members, min(len(members), rng.randint(1, 3)))]
            kw["group"] = group
            text += " group " + "/".join(f"{m},{w}" for m, w in group)
            if kind[0] == "r":
                kw["resilient"] = (rng.choice((4, 8)), 0)
                text += f" type resilient buckets {kw['resilient'][0]} idle_timer 0"
        n.nhs[nhid] = kind
        return self.run_op("nexthop", text, n.nl.nexthop, flags, nhid, **kw)

    def op_rule(self, n):
        rng = self.rng
        fam = rng.choice((4, 6))
        pref = 2000 + rng.randrange(8)
        table = rng.choice((100, 200, 1000))
        verb = rng.choice(("add", "del"))
        sel = {}
        if rng.random() < 0.5:
            sel["src"] = f"10.{n.idx}.0.0/16" if fam == 4 else f"2001:db8:{n.idx}::/48"
        text = f"{n.name}: rule {verb} -{fam} pref {pref} table {table}" + \
            (f" from {sel['src']}" if sel else "")
        return self.run_op("rule", text, n.nl.rule, "new" if verb == "add" else "del", fam, pref,
                           table, **sel)

    def op_addr(self, n):
        rng = self.rng
        v6 = rng.random() < 0.5
        dev = rng.choice((D0, D1))
        cidr = (f"2001:db8:{n.idx}:{2 + rng.randrange(3)}::1/64" if v6
                else f"10.{n.idx}.{2 + rng.randrange(3)}.1/24")
        verb = "del" if cidr in n.extra_addrs and rng.random() < 0.6 else "add"
        (n.extra_addrs.discard if verb == "del" else n.extra_addrs.add)(cidr)
        return self.run_op("addr", f"{n.name}: addr {verb} {cidr} dev d{dev - D0}", n.nl.address,
                           "new" if verb == "add" else "del", dev, cidr)

    def op_ra(self, n):
        """A router advertisement r0 -> r1: a default route and a prefix
        route added in the NET_RX softirq, expiring in 1-3 s (the GC timer
        deletes them, in TIMER_SOFTIRQ); lifetime 0 withdraws the default."""
        rng = self.rng
        life, valid = rng.choice((0, 1, 2, 3)), rng.randint(1, 3)
        pfx = f"2001:db8:3{n.idx}:{rng.randrange(4)}::/64"
        n.expiring = max(n.expiring, time.monotonic() + max(life, valid) + 0.5)
        return self.run_op("ra", f"{n.name}: router advertisement r0 -> r1 lifetime {life} "
                           f"prefix {pfx} valid {valid}", nl.router_advert, n.path, "r0", R0,
                           life, pfx, valid)

    def op_link(self, n):
        rng = self.rng
        what = rng.choices(("toggle", "d2"), (3, 1))[0]
        if what == "toggle":
            dev = rng.choice((D0, D1))
            up = not n.up[dev] if rng.random() < 0.8 else n.up[dev]
            n.up[dev] = up
            return self.run_op("link", f"{n.name}: link set d{dev - D0} {'up' if up else 'down'}",
                               n.nl.link_set, dev, up)
        if D2 in n.up:
            del n.up[D2]
            return self.run_op("link", f"{n.name}: link del d2", n.nl.link_del, D2)
        n.up[D2] = True
        ok = self.run_op("link", f"{n.name}: link add d2 type dummy", n.nl.link_add_dummy,
                         "d2", D2)
        self.run_op("link", f"{n.name}: link set d2 up", n.nl.link_set, D2, True)
        self.run_op("link", f"{n.name}: addr add 10.{n.idx}.9.1/24 dev d2", n.nl.address, "new",
                    D2, f"10.{n.idx}.9.1/24")
        for k in range(3):
            self.run_op("route4", f"{n.name}: route add 198.18.{20 + k}.0/24 via 10.{n.idx}.9.2 dev d2",
                        n.nl.route, "new", NLM_F_CREATE | NLM_F_EXCL, f"198.18.{20 + k}.0/24",
                        gw=f"10.{n.idx}.9.2", oif=D2)
            self.run_op("route6", f"{n.name}: route add 2001:db8:2{n.idx}:{k}::/64 dev d2",
                        n.nl.route, "new", NLM_F_CREATE | NLM_F_EXCL, f"2001:db8:2{n.idx}:{k}::/64",
                        oif=D2)
        return ok

    def op_ns(self):
        rng = self.rng
        if len(self.ns) > 1 and (len(self.ns) >= 4 or rng.random() < 0.5):
            self.ns_del(self.pick_ns())
            return
        busy = rng.choice((0, 0, 1, 2))
        n = self.ns_add(busy)
        # With state: some routes of each kind before anything else.
        for _ in range(rng.randint(3, 10)):
            self.op_route4(n)
            self.op_route6(n)
        self.op_nexthop(n)
        self.op_rule(n)

    # --- listeners -------------------------------------------------------------
    def attach(self, path, kind, background):
        """Register a listener: here, or on the background thread while the
        changes go on (a late registration racing them: its replay, its
        retries); its result is logged when it is joined."""
        text = f"attach {kind}" + (" (in the background)" if background else "")
        if not background:
            self.regs += self.run_op("attach", text, write, f"{path}/attach", 1)
            return
        self.join()
        box = {}

        def work():
            try:
                write(f"{path}/attach", 1)
                box["res"] = "ok"
            except OSError as e:
                box["res"] = f"{type(e).__name__}: {e.strerror or e}"
        self.kinds["attach"] += 1
        self.bg = (threading.Thread(target=work, daemon=True), text, box, time.monotonic())
        self.bg[0].start()

    def join(self):
        """Wait for the background registration (a hang after HANG s)."""
        if not self.bg:
            return
        t, text, box, t0 = self.bg
        t.join(max(0.0, t0 + HANG - time.monotonic()))
        if t.is_alive():
            raise Failure(f"hang: `{text}` did not return within {HANG} s")
        self.bg = None
        self.record(text, box["res"])
        self.regs += box["res"] == "ok"

    def detach(self, path, kind):
        self.join()
        self.run_op("detach", f"detach {kind}", write, f"{path}/attach", 0)

    def op_listener(self):
        rng = self.rng
        what = rng.choices(("probe", "mock", "mock_knob", "counter", "example", "resync"),
                           (4, 3, 3, 1, 2, 3))[0]
        r1, r2, pick, bg = rng.random(), rng.random(), rng.randrange(1 << 30), rng.random() < 0.5
        on = self.on
        if what == "probe":
            if on["probe"] and r1 < 0.6:
                self.detach(PROBE, "probe")
                on["probe"] = False
                return
            fams, netns = 15, None
            if r2 < 0.2:
                # Families without nexthop objects: compare_families with 8
                # compares the routes' nhid in every family (checks.py).
                fams = 1 + pick % 7
            elif r2 < 0.35 and self.ns:
                netns = sorted(self.ns)[pick % len(self.ns)]
            if on["probe"]:
                self.detach(PROBE, "probe")
            self.join()
            self.run_op("knob", f"probe families {fams}", write, f"{PROBE}/families", fams)
            target = 0
            if netns:
                try:
                    target = ino(f"/run/netns/{netns}")
                except OSError:
                    pass
            if not self.run_op("knob", f"probe netns {netns or 0}", write, f"{PROBE}/netns",
                               target):
                # Not bridged (yet): the knob keeps what it had; every namespace.
                self.run_op("knob", "probe netns 0", write, f"{PROBE}/netns", 0)
            self.attach(PROBE, "probe", bg)
            on["probe"] = True
        elif what == "mock":
            if on["mock"] and r1 < 0.5:
                self.detach(MOCK, "mock")
                on["mock"] = False
            elif not on["mock"]:
                # One listener writes the hardware flags at a time (two
                # drivers never flag the same route): the example goes.
                if on["example"]:
                    self.example_unload()
                self.attach(MOCK, "mock", bg)
                on["mock"] = True
        elif what == "mock_knob":
            knob, val = rng.choice((("capacity", rng.choice((5, 20, 60, 100000, 100000))),
                                    ("veto", rng.randint(0, 1)),
                                    ("fail_route_offload", rng.choice((0, 0, 0, 1)))))
            # Veto mode only with room for what the mock holds (mock_full,
            # tests/guest/lib/listeners.sh): a resync's replay refused for
            # want of room leaves the mock without routes the kernel has,
            # by design (t74).  A smaller capacity turns veto mode off.
            if knob == "veto" and val:
                self.join()
                try:
                    read(f"{MOCK}/routes")        # its queue run dry
                    held = stat(f"{MOCK}/stats", "routes") or 0
                except OSError:
                    held = 0
                self.run_op("knob", f"mock capacity {max(held, 1)} (what it holds)", write,
                            f"{MOCK}/capacity", max(held, 1))
                self.on["veto"] = True
            elif knob == "veto":
                self.on["veto"] = False
            elif knob == "capacity" and self.on.get("veto"):
                self.run_op("knob", "mock veto 0", write, f"{MOCK}/veto", 0)
                self.on["veto"] = False
            self.run_op("knob", f"mock {knob} {val}", write, f"{MOCK}/{knob}", val)
        elif what == "counter":
            on["counter"] = not on["counter"]
            if on["counter"]:
                self.attach(COUNTER, "counter", bg)
            else:
                self.detach(COUNTER, "counter")
        elif what == "example":
            self.join()
            if on["example"]:
                self.example_unload()
                return
            else:
                if on["mock"]:      # one flag writer at a time
                    self.detach(MOCK, "mock")
                    on["mock"] = False
                rec = pick % 2
                ok, out = self.sh("insmod", self.a.ex_ko, f"reconcile={rec}")
                self.record(f"insmod rfn_c_example reconcile={rec}", "ok" if ok else out)
                self.regs += ok
            on["example"] = True
            self.kinds["example"] += 1
        elif what == "resync" and self.ns:
            n = self.ns[sorted(self.ns)[pick % len(self.ns)]]
            try:
                i = ino(n.path)
            except OSError:
                return
            dirs = [d for d, k in ((PROBE, "probe"), (MOCK, "mock"), (EX, "example")) if on[k]]
            target = (dirs or [PROBE])[pick % max(1, len(dirs))]
            self.run_op("resync", f"resync {os.path.basename(target)} {n.name}", write,
                        f"{target}/resync", i)

    def example_unload(self):
        self.join()
        ok, out = self.sh("rmmod", "rfn_c_example")
        self.record("rmmod rfn_c_example", "ok" if ok else out)
        self.on["example"] = False
        self.kinds["example"] += 1

    def op_failslab(self):
        """A burst of changes with every atomic slab allocation of this task
        failing (the listeners' GFP_ATOMIC allocations in their callbacks)."""
        rng = self.rng
        self.join()
        write(f"{FS}/verbose", 0)
        write(f"{FS}/task-filter", "Y")
        write(f"{FS}/ignore-gfp-wait", "Y")
        write(f"{FS}/interval", 1)
        write(f"{FS}/times", -1)
        prob = rng.choice((100, 30))
        write(f"{FS}/probability", prob)
        self.record(f"failslab on (probability {prob})", "ok")
        write("/proc/self/make-it-fail", 1)
        try:
            for _ in range(rng.randint(1, 6)):
                n = self.pick_ns()
                (self.op_route4 if rng.random() < 0.5 else self.op_route6)(n)
            if rng.random() < 0.3:
                self.op_listener()
        finally:
            write("/proc/self/make-it-fail", 0)
            write(f"{FS}/probability", 0)
            self.record("failslab off", "ok")
        self.kinds["failslab"] += 1

    def op_reload(self):
        self.join()
        if os.path.isdir("/sys/module/rfn_c_example"):
            self.sh("rmmod", "rfn_c_example", check=True)
            self.record("rmmod rfn_c_example", "ok")
        self.sh("rmmod", "rust_fib_notifier", check=True)
        self.record("rmmod rust_fib_notifier", "ok")
        write("/sys/module/kunit/parameters/filter_glob", "-") if os.path.exists(
            "/sys/module/kunit/parameters/filter_glob") else None
        self.sh("insmod", self.a.ko, check=True)
        self.record("insmod rust_fib_notifier", "ok")
        self.kinds["reload"] += 1
        self.reset_listeners()

    def step(self):
        rng = self.rng
        if not self.ns:
            self.ns_add()
        kind = rng.choices(("route4", "route6", "nexthop", "rule", "addr", "link", "ra", "ns",
                            "listener", "failslab", "reload"),
                           (40, 32, 14, 4, 3, 3, 2, 1.5, 6, 1.5, 0.15))[0]
        if kind in ("ns", "listener", "failslab", "reload"):
            getattr(self, f"op_{kind}")()
        else:
            getattr(self, f"op_{kind}")(self.pick_ns())

    # --- quiet points ----------------------------------------------------------
    def wait(self, what, fn, limit=HANG):
        end = time.monotonic() + limit
        while not fn():
            if time.monotonic() > end:
                raise Failure(f"hang: {what} not within {limit} s")
            time.sleep(0.05)

    def kernel_reports(self):
        bad = []
        while True:
            try:
                rec = os.read(self.kmsg, 8192).decode(errors="replace")
            except BlockingIOError:
                break
            except OSError:          # EPIPE: overwritten records
                continue
            text = rec.split(";", 1)[-1]
            if SPLATS.search(text):
                bad.append(text.strip())
        return bad

    def drain(self):
        # IPv6 routes asked to expire since the last quiet point: past
        # their time, then the garbage collector run now
        # (net.ipv6.route.flush) in their namespace, however long ago they
        # expired. The GC timer deletes an expired route up to a couple of
        # seconds late (more under TCG); one deleted between the reads of
        # the listeners and of the kernel would differ, by the snapshot's
        # order, not by the module.
        for n in self.ns.values():
            if n.expiring:
                time.sleep(max(0.0, n.expiring - time.monotonic()) + 0.2)
                self.ns_sysctl(n, "net/ipv6/route/flush", 1)
                n.expiring = 0.0
        self.wait("the module's resyncs", lambda: stat(f"{RFN}/stats", "resync_queued") == 0)
        # Every namespace bridged (late ones too) and every deleted one
        # gone: the module's nets count is the live namespaces' (+ init).
        live = len([p for p in os.listdir("/run/netns")]) + 1
        self.wait("namespace deletion (the module's nets count)",
                  lambda: stat(f"{RFN}/stats", "nets") == live)
        self.wait("the module's resyncs", lambda: stat(f"{RFN}/stats", "resync_queued") == 0)

    def ns_sysctl(self, n, key, value):
        own = os.open("/proc/self/ns/net", os.O_RDONLY)
        fd = os.open(n.path, os.O_RDONLY)
        try:
            nl.setns(fd)
            write(f"/proc/sys/{key}", value)
        finally:
            nl.setns(own)
            os.close(fd)
            os.close(own)

    def snapshot(self, sid, act):
        """OUT/snap-format snapshot (tests/guest/lib/snap.sh) into a file."""
        dirs = [d for d, on in ((PROBE, True), (MOCK, True), (EX, act["example"])) if on]
        out = ["@@ debugfs"]
        for d in dirs:       # first: reading the mock's routes drains its queue
            for f in sorted(os.listdir(d)):
                p = f"{d}/{f}"
                if f == "resync":
                    continue
                try:
                    text = read(p)
                except OSError:
                    continue
                out.append(f"==> {p} <==")
                out += text.splitlines()
        names = sorted(os.listdir("/run/netns"))
        jobs = []
        for name in ["init"] + names:
            n = [] if name == "init" else ["-n", name]
            for fam, batch in ((4, SNAP_BATCH), (6, "rule show\n")):
                jobs.append((name, fam, subprocess.Popen(
                    ["ip", *n, *(["-6"] if fam == 6 else []), "-j", "-batch", "-"],
                    stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                    text=True)))
                jobs[-1][2].stdin.write(batch)
                jobs[-1][2].stdin.close()
        out.append("@@ inodes")
        out.append(f"/proc/1/ns/net {ino('/proc/1/ns/net')}")
        for name in names:
            try:
                out.append(f"/run/netns/{name} {ino('/run/netns/' + name)}")
            except OSError:
                pass
        for name, fam, p in jobs:
            try:
                text = p.stdout.read()
                rc = p.wait(timeout=2 * HANG)
            except subprocess.TimeoutExpired:
                raise Failure(f"hang: ip -n {name} -j dump did not return")
            out.append(f"@@ ip {name} {fam}")
            if rc:
                out.append(f"@@ failed ip {name} {fam}")
            out += text.splitlines()
        path = f"{self.snapdir}/{sid}"
        with open(path, "w") as f:
            f.write("\n".join(out) + "\n")
        return path

    def mock_state_flags(self, s):
        """Per route: the kernel flags of the first route of each prefix are
        the state the mock shows for it (offload, trap, offload_failed;
        nexthop_missing: none), and that state is mlxsw's for its type when
        it is in hardware; every other route carries none."""
        state = {}
        for line in s.lines("mock_switchdev", "routes"):
            w = line.split()
            state[f"route {w[0]} {w[1]} {w[2]} {prefix(w[3], int(w[1]))}"] = w[w.index("tos") + 2]
        want_flag = {"offload": "rt_offload", "trap": "rt_trap",
                     "offload_failed": "rt_offload_failed", "nexthop_missing": None}
        best, bad = s.best(), []
        for n in s.names(()):
            for r in s.kroutes(n):
                k = s.rkey(n, r)
                have = {f for f in r.get("flags", []) if f in HW_FLAGS}
                want = set()
                if k in best and not s.mock_ignores(r):
                    st = state.get(s.prefix_key(k))
                    if st is None:
                        bad.append(f"{k}: not in the mock")
                        continue
                    f = want_flag.get(st)
                    want = {f} if f else set()
                    if st in ("offload", "trap") and f != s.mock_expect(r):
                        bad.append(f"{k}: mock state {st}, mlxsw's is {s.mock_expect(r)}")
                if have != want:
                    bad.append(f"{k}: flags {sorted(have)}, want {sorted(want)}")
        uniq = s.hw_unique()
        return Verdict(not bad and uniq, bad[:40] + uniq.lines + [f"{len(bad)} routes flagged wrong"])

    @staticmethod
    def paths(s, directory):
        """Snap.nexthop_counts, but for routes via a nexthop object (`nhid`),
        whose paths are the object's (compared by compare_nexthops): a
        listener may count a group's members when the route came, and the
        group change since without a route event."""
        v = s.nexthop_counts(directory)
        nhid = {f"route {s.ino(n)} {r['family']} {r['tb']} {r['prefix']}"
                for n in s.names(()) for r in s.kroutes(n) if "nhid" in r}
        bad = [line for line in v.lines[:-1] if line.rsplit(": kernel ", 1)[0] not in nhid]
        return Verdict(not bad, bad + v.lines[-1:])

    def compare(self, sid, path, act):
        s = Snap(path)
        if s.errors:
            raise Failure(f"snapshot {sid}: " + "; ".join(s.errors[:5]))
        results = []
        all_ns = s.names(())
        dead = [str(i) for i in self.dead if i not in s.inodes.values()]
        probe, mock, example = act["probe"], act["mock"], act["example"]
        by_ino = {i: n for n, i in s.inodes.items()}
        if probe:
            fams, netns = probe
            if netns and netns not in by_ino:
                results.append(("probe (its one namespace is gone) holds nothing",
                                checks.all_of(*(checks.eq(s.lines("probe", f), [])
                                                for f in ("routes", "rules", "nexthops")))))
            elif netns:
                name = by_ino[netns]
                results.append((f"probe (namespace {name} only) equals the kernel",
                                checks.all_of(checks.compare_all(s, "probe", name),
                                              checks.only_namespace(s, "probe", name, "routes",
                                                                    "rules", "nexthops"))))
            elif fams != 15:
                results.append((f"probe (families {fams}) equals the kernel",
                                checks.compare_families(s, "probe", fams)))
            else:
                results.append(("probe equals the kernel (routes, rules, nexthops, buckets, "
                                "paths, first route per prefix)",
                                checks.all_of(checks.compare_all(s, "probe"),
                                              self.paths(s, "probe"))))
        else:
            results.append(("probe detached holds nothing",
                            checks.eq(s.lines("probe", "routes"), [])))
        if mock:
            results.append(("mock equals the kernel (routes, nexthops, paths)",
                            checks.all_of(s.compare("mock_switchdev"),
                                          s.compare_nexthops("mock_switchdev"),
                                          self.paths(s, "mock_switchdev"))))
        else:
            results.append(("mock detached holds nothing",
                            checks.eq(s.lines("mock_switchdev", "routes"), [])))
        if example:
            results.append(("example C listener equals the kernel",
                            checks.all_of(s.compare("rfn_c_example"),
                                          self.paths(s, "rfn_c_example"),
                                          checks.c_example_nexthops(s, "init", 0, *all_ns))))
        if mock and not example:
            results.append(("hardware flags per route are the mock's", self.mock_state_flags(s)))
        elif example and not mock:
            results.append(("the example's flag, by route type, on exactly the routes it holds",
                            checks.c_example_flags(s, "-")))
        elif not mock and not example:
            results.append(("no hardware flag without a flag-writing listener",
                            checks.no_hw_flags(s)))
        for d in ("probe", "mock_switchdev", "rfn_c_example"):
            if dead and f"{d}/routes" in s.debugfs:
                held = [l for f in ("routes", "rules", "nexthops") if f"{d}/{f}" in s.debugfs
                        for l in s.lines(d, f) if l.split()[0] in dead]
                results.append((f"{d} holds nothing of deleted namespaces",
                                Verdict(not held, [f"held: {l}" for l in held[:20]])))
        bad = []
        for name, v in results:
            self.comparisons += 1
            if not v:
                bad.append(name)
                bad += ["  " + line for line in getattr(v, "lines", [])[:60]]
        return bad

    def quiet_point(self, final=False):
        self.quiet += 1
        sid = f"stress-{self.a.seed}-{self.quiet}"
        self.join()
        self.drain()
        act = self.actual()
        path = self.snapshot(sid, act)
        bad = self.compare(sid, path, act)
        reports = self.kernel_reports()
        if bad or reports:
            os.makedirs(self.a.out, exist_ok=True)
            subprocess.run(["cp", path, f"{self.a.out}/{sid}"])
            stats = []
            for d in (RFN, PROBE, MOCK, EX):
                try:
                    stats.append(f"{d}/stats: " + " ".join(read(f"{d}/stats").split()))
                except OSError:
                    pass
            raise Failure(f"quiet point {self.quiet} (snapshot {self.a.out}/{sid}):\n" +
                          "\n".join(bad + [f"kernel: {r}" for r in reports[:40]] + stats))
        self.dead = []
        if final:
            self.for_host(path, act)
        self.say(f"quiet point {self.quiet}: {self.ops} operations, {self.comparisons} "
                 f"comparisons equal, {time.monotonic() - self.t0:.0f} s")

    def for_host(self, path, act):
        """The last snapshot, for the host to judge again (tests/judge.py):
        OUT/snap/stress-final and OUT/stress.judge, one `NAME<TAB>CHECK<TAB>
        ARG...` line per listener attached in every namespace."""
        snaps = os.path.join(self.a.out, "snap")
        os.makedirs(snaps, exist_ok=True)
        subprocess.run(["cp", path, f"{snaps}/stress-final"])
        lines = []
        if act["probe"] == (15, 0):
            lines.append(("stress: at the end the probe equals the kernel", "compare_all", "probe"))
        if act["mock"]:
            lines.append(("stress: at the end the mock equals the kernel", "compare",
                          "mock_switchdev"))
        if act["example"]:
            lines.append(("stress: at the end the example C listener equals the kernel",
                          "compare_paths", "rfn_c_example"))
        if not act["mock"] and not act["example"]:
            lines.append(("stress: at the end no route carries a hardware flag", "no_hw_flags"))
        with open(os.path.join(self.a.out, "stress.judge"), "w") as f:
            for line in lines:
                f.write("\t".join(line) + "\n")

    # --- the run ----------------------------------------------------------------
    def measure(self):
        """Process start-up against one netlink message: N `ip route add`
        processes, then N routes through this process's socket."""
        n = self.ns_add()
        k = 10
        t = time.monotonic()
        for j in range(k):
            self.sh("ip", "-n", n.name, "route", "add", f"198.20.0.{j}/32", "dev", "d0")
        proc = (time.monotonic() - t) / k
        t = time.monotonic()
        for j in range(k):
            n.nl.route("new", NLM_F_CREATE | NLM_F_EXCL, f"198.20.1.{j}/32", oif=D0)
        msg = (time.monotonic() - t) / k
        self.say(f"measured: `ip route add` as a process {proc * 1000:.0f} ms, as a netlink "
                 f"message of this process {msg * 1000:.2f} ms ({proc / msg:.0f}x)")
        self.ns_del(n)

    def run(self):
        a = self.a
        self.say(f"seed {a.seed}, {a.seconds} s" + (f", at most {a.ops} operations" if a.ops else ""))
        if a.measure:
            self.measure()
        for _ in range(3):
            self.ns_add()
        end = self.t0 + a.seconds
        next_quiet = self.rng.randint(40, 120)
        try:
            while time.monotonic() < end and (not a.ops or self.ops < a.ops):
                self.step()
                next_quiet -= 1
                if next_quiet <= 0:
                    self.quiet_point()
                    next_quiet = self.rng.randint(40, 120)
            self.quiet_point(final=True)
        except Failure as e:
            self.say(f"FAILED (seed {a.seed}): {e}")
            self.say(f"the last operations (replay: SEED={a.seed}):")
            for line in self.log:
                print(f"  {line}", flush=True)
            self.summary()
            return 1
        self.summary()
        return 0

    def summary(self):
        with open(os.path.join(self.a.out, f"stress.{self.a.seed}.ops"), "w") as f:
            f.write("\n".join(self.all_ops) + "\n")
        kinds = " ".join(f"{k}={v}" for k, v in sorted(self.kinds.items()))
        self.say(f"seed {self.a.seed}: {self.ops} operations ({self.errors} refused by the "
                 f"kernel), {self.regs} registrations, {self.quiet} quiet points, "
                 f"{self.comparisons} comparisons, {time.monotonic() - self.t0:.0f} s; {kinds}")
        with open(os.path.join(self.a.out, "stress.summary"), "w") as f:
            json.dump(dict(seed=self.a.seed, ops=self.ops, refused=self.errors,
                           registrations=self.regs, quiet_points=self.quiet,
                           comparisons=self.comparisons, kinds=self.kinds,
                           seconds=round(time.monotonic() - self.t0)), f)

    def cleanup(self):
        for n in list(self.ns.values()):
            self.ns_del(n)
        try:
            self.join()
        except Failure:
            pass
        for d in (PROBE, MOCK, COUNTER):
            try:
                write(f"{d}/attach", 0)
            except OSError:
                pass
        for k, v in (("capacity", 4096), ("veto", 0), ("fail_route_offload", 0)):
            try:
                write(f"{MOCK}/{k}", v)
            except OSError:
                pass
        try:
            write(f"{PROBE}/families", 15)
            write(f"{PROBE}/netns", 0)
        except OSError:
            pass
        if os.path.isdir("/sys/module/rfn_c_example"):
            self.sh("rmmod", "rfn_c_example")


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--seconds", type=float, default=180)
    p.add_argument("--ops", type=int, default=0)
    p.add_argument("--out", required=True)
    p.add_argument("--ko", required=True)
    p.add_argument("--ex-ko", default=EX_KO)
    p.add_argument("--measure", action="store_true")
    a = p.parse_args()
    os.makedirs(a.out, exist_ok=True)
    s = Stress(a)
    rc = s.run()
    s.cleanup()
    return rc


if __name__ == "__main__":
    sys.exit(main())
