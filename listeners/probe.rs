// SPDX-License-Identifier: GPL-2.0

//! The probe: a listener that records what it receives, for tests and users.
//!
//! debugfs `rust_fib_notifier/probe/`:
//!
//! - `attach`, `netns`, `resync`: see `attach.rs`.
//! - `routes`: one route per line, sorted:
//!   `<netns inum> <4|6> <table> <dst>/<len> tos <tos> type <rtn> proto
//!   <protocol> scope <scope> metric <m> nhs <n> dev <ifindex> [via
//!   <gateway>] [nhid <id>]` (the first nexthop's device and gateway;
//!   `nhid`: the nexthop object the route uses)
//! - `rules`: one rule per line: `<netns inum> <4|6> pref <p> table <t> action <a>`
//!   (`a`, and a route's `type`, `proto` and `scope`, named as `ip` names
//!   them: `lookup`, `local`, `kernel`, `host`; a number `ip` has no name
//!   for stays a number)
//! - `nexthops`: one nexthop object per line, sorted by namespace and id:
//!   `<netns inum> id <id> single dev <ifindex> [via <gw>] [blackhole] [fdb]`,
//!   `<netns inum> id <id> group <id>/<weight>... [fdb]` or
//!   `<netns inum> id <id> resilient buckets <n>`
//! - `buckets`: one line per bucket of each resilient group:
//!   `<netns inum> id <group> bucket <index> nhid <id>`
//! - `stats`: `key value` lines: events, replayed, live, flushes,
//!   net_flushes, netns_exits (of them netns_lives: a namespace whose
//!   bridge failed to attach, alive), alloc_failed, skipped, nexthop_events,
//!   routes, rules, nexthops, buckets, mcast_events, vifs, mroutes, mrules.
//! - `vifs`: multicast routing VIFs, one per line, sorted:
//!   `<netns inum> <4|6> table <t> vif <index> dev <ifindex> flags <VIFF_*>`
//! - `mroutes`: multicast routing (MFC) entries, one per line, sorted:
//!   `<netns inum> <4|6> table <t> (<source>,<group>) iif <vif> oifs
//!   <vif>:<ttl>...` (`oifs -` for none)
//! - `mrules`: multicast routing rules, as `rules`.
//! - `families`: the families the next `attach` registers for, as
//!   `RUST_FIB_NOTIFIER_FAMILY_*` bits (1 IPv4, 2 IPv6, 4 rules, 8 nexthop
//!   objects, 16 IPv4 multicast routing, 32 IPv6 multicast routing; 1..63,
//!   default 63).
//!
//! Routes are keyed like hardware keys them and like the kernel notifies
//! them: one entry per (namespace, family, table, prefix, length).

use core::fmt;

use kernel::{
    debugfs::ScopedDir,
    prelude::*,
    rbtree::{RBTree, RBTreeNode},
    sync::{
        atomic::{Atomic, Relaxed},
        Arc,
    },
};

use crate::{
    events::{
        Event, EventKind, Families, Family, Listener, MfcEvent, NexthopEvent, NexthopObject, Route,
    },
    ffi::MAXVIFS,
    kernel_gaps::{new_spinlock_bh, SpinLockBh},
    knob::{self, Knob},
    listeners::{
        attach::{Attach, Attachment, Files},
        table::{self, MfcKey, NetnsKey, NhKey, RouteKey, VifKey},
    },
    nets::NetId,
};

/// One nexthop: gateway family (0: none), gateway, device.
#[derive(Clone, Copy, PartialEq, Eq)]
struct NhVal {
    gw_family: u8,
    gw: [u8; 16],
    ifindex: u32,
}

struct RouteVal {
    tos: u8,
    rtn_type: u8,
    /// `RTPROT_*`.
    protocol: u8,
    /// `RT_SCOPE_*`.
    scope: u8,
    priority: u32,
    /// Every nexthop, in the kernel's order. IPv6 adds (`ENTRY_APPEND`)
    /// and removes (`ENTRY_DEL` of one sibling) nexthops one by one, so a
    /// multipath route is tracked nexthop by nexthop; IPv4 always notifies
    /// the whole route.
    nhs: KVec<NhVal>,
    /// The nexthop object it uses (0: none).
    nh_id: u32,
}

/// What a nexthop object is, as the last event described it.
enum NhObj {
    Single {
        nh: NhVal,
        blackhole: bool,
        fdb: bool,
    },
    /// Members: (id, weight), in the kernel's order.
    Group {
        members: KVec<(u32, u16)>,
        fdb: bool,
    },
    /// Each bucket's nexthop id.
    Resilient { buckets: KVec<u32> },
}

impl NhVal {
    /// A nexthop by its gateway (4 or 16 bytes, or none) and device.
    fn new(gateway: Option<&[u8]>, ifindex: u32) -> Self {
        let mut val = Self {
            gw_family: 0,
            gw: [0; 16],
            ifindex,
        };
        if let Some(gw) = gateway {
            val.gw_family = if gw.len() == 4 { 4 } else { 6 };
            table::copy_addr(&mut val.gw, gw);
        }
        val
    }
}

#[derive(Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord)]
struct RuleKey {
    inum: u32,
    family: u8,
    pref: u32,
    table: u32,
    action: u8,
}

impl NetnsKey for RuleKey {
    fn inum(&self) -> u32 {
        self.inum
    }

    fn first_of(inum: u32) -> Self {
        Self {
            inum,
            ..Self::default()
        }
    }
}

/// A multicast routing VIF: its device and `VIFF_*` flags.
struct VifVal {
    ifindex: u32,
    flags: u16,
}

/// A multicast routing entry: its input VIF and each VIF's TTL threshold
/// (255: not an output).
struct MfcVal {
    parent: u16,
    ttls: [u8; MAXVIFS],
}

struct Tables {
    routes: RBTree<RouteKey, RouteVal>,
    rules: RBTree<RuleKey, ()>,
    nexthops: RBTree<NhKey, NhObj>,
    vifs: RBTree<VifKey, VifVal>,
    mroutes: RBTree<MfcKey, MfcVal>,
    mrules: RBTree<RuleKey, ()>,
}

impl Tables {
    fn new() -> Self {
        Self {
            routes: RBTree::new(),
            rules: RBTree::new(),
            nexthops: RBTree::new(),
            vifs: RBTree::new(),
            mroutes: RBTree::new(),
            mrules: RBTree::new(),
        }
    }

    fn remove_netns(&mut self, inum: u32) {
        table::remove_netns(&mut self.routes, inum, drop);
        table::remove_netns(&mut self.rules, inum, drop);
        table::remove_netns(&mut self.nexthops, inum, drop);
        table::remove_netns(&mut self.vifs, inum, drop);
        table::remove_netns(&mut self.mroutes, inum, drop);
        table::remove_netns(&mut self.mrules, inum, drop);
    }
}

/// What the probe received, counted (debugfs `stats`).
struct ProbeStats {
    events: Atomic<u64>,
    replayed: Atomic<u64>,
    live: Atomic<u64>,
    flushes: Atomic<u64>,
    /// Namespaces flushed for a retry or a resync.
    net_flushes: Atomic<u64>,
    netns_exits: Atomic<u64>,
    netns_lives: Atomic<u64>,
    alloc_failed: Atomic<u64>,
    /// IPv6 source-specific routes, not held (see `apply`).
    skipped: Atomic<u64>,
    nexthop_events: Atomic<u64>,
    /// Multicast routing events (VIFs, entries, rules).
    mcast_events: Atomic<u64>,
    /// Bucket events whose old nexthop is not the one the probe holds
    /// for that bucket (never, if nothing was missed).
    bucket_mismatch: Atomic<u64>,
    /// The idle timer of the last non-forced bucket event.
    bucket_idle_timer_ms: Atomic<u64>,
}

impl ProbeStats {
    const fn new() -> Self {
        Self {
            events: Atomic::new(0),
            replayed: Atomic::new(0),
            live: Atomic::new(0),
            flushes: Atomic::new(0),
            net_flushes: Atomic::new(0),
            netns_exits: Atomic::new(0),
            netns_lives: Atomic::new(0),
            alloc_failed: Atomic::new(0),
            skipped: Atomic::new(0),
            nexthop_events: Atomic::new(0),
            mcast_events: Atomic::new(0),
            bucket_mismatch: Atomic::new(0),
            bucket_idle_timer_ms: Atomic::new(0),
        }
    }
}

/// The probe: what it holds and what it counted.
#[pin_data]
pub(crate) struct Probe {
    /// Taken in the event callback: a BH lock (see `attach.rs`).
    #[pin]
    tables: SpinLockBh<Tables>,
    stats: ProbeStats,
    /// The families it registers for (`RUST_FIB_NOTIFIER_FAMILY_*` bits),
    /// read at `attach`.
    families: Knob,
}

impl Probe {
    pub(crate) fn new() -> Result<Arc<Self>> {
        Arc::pin_init(
            pin_init!(Self {
                tables <- new_spinlock_bh!(Tables::new(), "Probe::tables"),
                stats: ProbeStats::new(),
                families: Knob::new(u64::from(Families::ALL.bits()), 1, u64::from(Families::ALL.bits())),
            }),
            GFP_KERNEL,
        )
    }

    /// Empties both tables (the nodes are freed outside the lock).
    fn forget(&self) {
        let tables = core::mem::replace(&mut *self.tables.lock(), Tables::new());
        drop(tables);
    }

    /// A nexthop object as a `REPLACE` describes it (`GFP_ATOMIC`).
    fn nexthop_object(event: &Event<'_>, object: NexthopObject) -> Result<Option<NhObj>> {
        Ok(Some(match object {
            NexthopObject::Single(nh) => NhObj::Single {
                // A blackhole's device is the loopback, which `ip
                // nexthop` does not show: none.
                nh: NhVal::new(
                    nh.gateway(),
                    if nh.is_blackhole() { 0 } else { nh.ifindex() },
                ),
                blackhole: nh.is_blackhole(),
                fdb: nh.is_fdb(),
            },
            NexthopObject::Group { members: n, fdb } => {
                let mut members = KVec::with_capacity(n.into(), GFP_ATOMIC)?;
                for i in 0..u32::from(n) {
                    let nh = event.nexthop_member(i).ok_or(EINVAL)?;
                    members
                        .push_within_capacity((nh.id(), nh.weight()))
                        .map_err(|_| ENOMEM)?;
                }
                NhObj::Group { members, fdb }
            }
            NexthopObject::Resilient { buckets: n } => {
                let mut buckets = KVec::with_capacity(n.into(), GFP_ATOMIC)?;
                for i in 0..u32::from(n) {
                    let nh = event.nexthop_member(i).ok_or(EINVAL)?;
                    buckets.push_within_capacity(nh.id()).map_err(|_| ENOMEM)?;
                }
                NhObj::Resilient { buckets }
            }
            _ => return Ok(None),
        }))
    }

    /// A nexthop event.
    fn apply_nexthop(&self, event: &Event<'_>, what: NexthopEvent) -> Result {
        knob::count(&self.stats.nexthop_events);
        let Some((id, object)) = event.nexthop_object() else {
            return Ok(());
        };
        let key = NhKey {
            inum: event.netns_inum(),
            id,
        };
        match (what, object) {
            (NexthopEvent::Replace, object) => {
                if let Some(val) = Self::nexthop_object(event, object)? {
                    let node = RBTreeNode::new(key, val, GFP_ATOMIC)?;
                    drop(self.tables.lock().nexthops.insert(node));
                }
            }
            (NexthopEvent::Del, _) => drop(self.tables.lock().nexthops.remove_node(&key)),
            (
                NexthopEvent::BucketReplace,
                NexthopObject::Bucket {
                    index,
                    idle_timer_ms,
                    force,
                    old,
                    new,
                },
            ) => {
                if !force {
                    self.stats
                        .bucket_idle_timer_ms
                        .store(idle_timer_ms.into(), Relaxed);
                }
                let mut tables = self.tables.lock();
                if let Some(NhObj::Resilient { buckets }) = tables.nexthops.get_mut(&key) {
                    if let Some(bucket) = buckets.get_mut(usize::from(index)) {
                        if *bucket != old.id() {
                            knob::count(&self.stats.bucket_mismatch);
                        }
                        *bucket = new.id();
                    }
                }
            }
            // A proposal (vetoable) or a statistics query: nothing changes.
            _ => {}
        }
        Ok(())
    }

    /// A multicast routing event: a VIF, an entry or a rule.
    fn apply_mcast(&self, event: &Event<'_>) -> Result {
        knob::count(&self.stats.mcast_events);
        let inum = event.netns_inum();
        if let Some(vif) = event.vif() {
            let key = VifKey::of(inum, &vif);
            if event.kind() == EventKind::VifAdd {
                let val = VifVal {
                    ifindex: vif.ifindex(),
                    flags: vif.flags(),
                };
                let node = RBTreeNode::new(key, val, GFP_ATOMIC)?;
                drop(self.tables.lock().vifs.insert(node));
            } else {
                drop(self.tables.lock().vifs.remove_node(&key));
            }
        } else if let Some(mfc) = event.mfc() {
            let key = MfcKey::of(inum, &mfc, 0);
            if event.kind() == EventKind::Mfc(MfcEvent::Del) {
                drop(self.tables.lock().mroutes.remove_node(&key));
            } else {
                let mut ttls = [255u8; MAXVIFS];
                for (vif, ttl) in mfc.outputs() {
                    if let Some(t) = ttls.get_mut(usize::from(vif)) {
                        *t = ttl;
                    }
                }
                let val = MfcVal {
                    parent: mfc.parent(),
                    ttls,
                };
                let node = RBTreeNode::new(key, val, GFP_ATOMIC)?;
                drop(self.tables.lock().mroutes.insert(node));
            }
        } else if let Some(rule) = event.rule() {
            let key = RuleKey {
                inum,
                family: rule.multicast().map_or(0, |f| f.version()),
                pref: rule.pref(),
                table: rule.table(),
                action: rule.action(),
            };
            if event.kind() == EventKind::RuleAdd {
                let node = RBTreeNode::new(key, (), GFP_ATOMIC)?;
                drop(self.tables.lock().mrules.insert(node));
            } else {
                drop(self.tables.lock().mrules.remove_node(&key));
            }
        }
        Ok(())
    }

    /// The nexthops of an entry event (`GFP_ATOMIC`).
    fn nexthops(event: &Event<'_>, route: &Route) -> Result<KVec<NhVal>> {
        let mut nhs = KVec::with_capacity(route.nexthops() as usize, GFP_ATOMIC)?;
        for i in 0..route.nexthops() {
            let Some(nh) = event.nexthop(i) else {
                break;
            };
            nhs.push_within_capacity(NhVal::new(nh.gateway(), nh.ifindex()))
                .map_err(|_| ENOMEM)?;
        }
        Ok(nhs)
    }

    fn apply(&self, event: &Event<'_>) -> Result {
        if event.family().intersects(Families::MULTICAST) && event.kind() != EventKind::NetnsExit {
            return self.apply_mcast(event);
        }
        let inum = event.netns_inum();
        // A source-specific IPv6 route shares its (table, prefix) key with
        // the plain route to the same prefix: skipped and counted, as
        // netdevsim does, never mixed up with it.
        if event.route().is_some_and(|r| r.is_source_specific()) {
            knob::count(&self.stats.skipped);
            return Ok(());
        }
        match event.kind() {
            EventKind::EntryReplace | EventKind::EntryAppend | EventKind::EntryAdd => {
                let Some(route) = event.route() else {
                    return Ok(());
                };
                let key = RouteKey::of(inum, &route);
                // Atomic context: allocate before taking the lock.
                let nhs = Self::nexthops(event, &route)?;
                if event.kind() == EventKind::EntryAppend && route.family() == Some(Family::Ipv6) {
                    let mut tables = self.tables.lock();
                    if let Some(val) = tables.routes.get_mut(&key) {
                        // Siblings appended to a multipath route, each
                        // once: the kernel notifies a multipath append
                        // after it linked the siblings, holding no lock
                        // (`ip6_route_multipath_add()`), so a replay may
                        // have given us some of them already; one route
                        // never has two equal nexthops
                        // (`rt6_duplicate_nexthop()`). The probe keeps no
                        // encap: two siblings that differ only in theirs
                        // show as one here (a debugging view; the mock
                        // and the example key siblings by `fib6_info`).
                        for nh in nhs {
                            if !val.nhs.contains(&nh) {
                                val.nhs.push(nh, GFP_ATOMIC)?;
                            }
                        }
                        return Ok(());
                    }
                }
                let val = RouteVal {
                    tos: route.tos(),
                    rtn_type: route.rtn_type(),
                    protocol: route.protocol(),
                    scope: route.scope(),
                    priority: route.priority(),
                    nhs,
                    nh_id: route.nexthop_id().unwrap_or(0),
                };
                let node = RBTreeNode::new(key, val, GFP_ATOMIC)?;
                drop(self.tables.lock().routes.insert(node));
            }
            EventKind::EntryDel => {
                let Some(route) = event.route() else {
                    return Ok(());
                };
                let key = RouteKey::of(inum, &route);
                // A route with `nhid` has no siblings, and its object's
                // paths may have changed since it was added: it goes whole.
                if route.family() == Some(Family::Ipv6) && route.nexthop_id().is_none() {
                    // The nexthops named go; the route goes with its last.
                    let gone = Self::nexthops(event, &route)?;
                    let mut tables = self.tables.lock();
                    if let Some(val) = tables.routes.get_mut(&key) {
                        val.nhs.retain(|nh| !gone.contains(nh));
                        if !val.nhs.is_empty() && !gone.is_empty() {
                            return Ok(());
                        }
                    }
                    drop(tables.routes.remove_node(&key));
                } else {
                    drop(self.tables.lock().routes.remove_node(&key));
                }
            }
            EventKind::RuleAdd | EventKind::RuleDel => {
                let Some(rule) = event.rule() else {
                    return Ok(());
                };
                let key = RuleKey {
                    inum,
                    family: rule.family().map_or(0, |f| f.version()),
                    pref: rule.pref(),
                    table: rule.table(),
                    action: rule.action(),
                };
                if event.kind() == EventKind::RuleAdd {
                    let node = RBTreeNode::new(key, (), GFP_ATOMIC)?;
                    drop(self.tables.lock().rules.insert(node));
                } else {
                    drop(self.tables.lock().rules.remove_node(&key));
                }
            }
            EventKind::NetnsExit => {
                knob::count(&self.stats.netns_exits);
                if event.net_lives() {
                    knob::count(&self.stats.netns_lives);
                }
                self.tables.lock().remove_netns(inum);
            }
            EventKind::Nexthop(what) => return self.apply_nexthop(event, what),
            _ => {}
        }
        Ok(())
    }
}

impl Listener for Arc<Probe> {
    fn event(&self, event: &Event<'_>) -> Result {
        let c = &self.stats;
        knob::count(&c.events);
        knob::count(if event.is_replay() {
            &c.replayed
        } else {
            &c.live
        });
        if self.apply(event).is_err() {
            // Never lost silently: counted, shown in `stats`, and the
            // namespace resynced soon. The probe does not veto: it only
            // observes.
            knob::count(&c.alloc_failed);
            event.resync_later();
        }
        Ok(())
    }

    fn flush(&self) {
        knob::count(&self.stats.flushes);
        self.forget();
    }

    fn flush_net(&self, net: NetId) {
        knob::count(&self.stats.net_flushes);
        self.tables.lock().remove_netns(net.inum());
    }

    fn families(&self) -> Families {
        Families::from_bits(self.families.get()).unwrap_or(Families::ALL)
    }
}

impl Attach for Arc<Probe> {
    fn detached(&self) {
        self.forget();
    }
}

fn show_routes(a: &Attachment<Arc<Probe>>, f: &mut fmt::Formatter<'_>) -> fmt::Result {
    let probe = a.listener();
    let tables = probe.tables.lock();
    for (k, v) in tables.routes.iter() {
        write!(f, "{} {} {} ", k.inum, k.family, k.table)?;
        knob::write_addr(f, k.family, &k.dst)?;
        let first = v.nhs.first();
        write!(f, "/{} tos {} type ", k.dst_len, v.tos)?;
        knob::write_rtn_type(f, v.rtn_type)?;
        f.write_str(" proto ")?;
        knob::write_rt_protocol(f, v.protocol)?;
        f.write_str(" scope ")?;
        knob::write_rt_scope(f, v.scope)?;
        write!(
            f,
            " metric {} nhs {} dev {}",
            v.priority,
            v.nhs.len(),
            first.map_or(0, |nh| nh.ifindex)
        )?;
        if let Some(nh) = first.filter(|nh| nh.gw_family != 0) {
            f.write_str(" via ")?;
            knob::write_addr(f, nh.gw_family, &nh.gw)?;
        }
        if v.nh_id != 0 {
            write!(f, " nhid {}", v.nh_id)?;
        }
        writeln!(f)?;
    }
    Ok(())
}

fn show_nexthops(a: &Attachment<Arc<Probe>>, f: &mut fmt::Formatter<'_>) -> fmt::Result {
    let probe = a.listener();
    let tables = probe.tables.lock();
    for (k, v) in tables.nexthops.iter() {
        write!(f, "{} id {} ", k.inum, k.id)?;
        match v {
            NhObj::Single { nh, blackhole, fdb } => {
                write!(f, "single dev {}", nh.ifindex)?;
                if nh.gw_family != 0 {
                    f.write_str(" via ")?;
                    knob::write_addr(f, nh.gw_family, &nh.gw)?;
                }
                if *blackhole {
                    f.write_str(" blackhole")?;
                }
                if *fdb {
                    f.write_str(" fdb")?;
                }
            }
            NhObj::Group { members, fdb } => {
                f.write_str("group")?;
                for (id, weight) in members.iter() {
                    write!(f, " {id}/{weight}")?;
                }
                if *fdb {
                    f.write_str(" fdb")?;
                }
            }
            NhObj::Resilient { buckets } => write!(f, "resilient buckets {}", buckets.len())?,
        }
        writeln!(f)?;
    }
    Ok(())
}

fn show_buckets(a: &Attachment<Arc<Probe>>, f: &mut fmt::Formatter<'_>) -> fmt::Result {
    let probe = a.listener();
    let tables = probe.tables.lock();
    for (k, v) in tables.nexthops.iter() {
        if let NhObj::Resilient { buckets } = v {
            for (index, nhid) in buckets.iter().enumerate() {
                writeln!(f, "{} id {} bucket {} nhid {}", k.inum, k.id, index, nhid)?;
            }
        }
    }
    Ok(())
}

/// One rule a line: `<netns inum> <4|6> pref <p> table <t> action <a>`.
fn write_rules(rules: &RBTree<RuleKey, ()>, f: &mut fmt::Formatter<'_>) -> fmt::Result {
    for (k, ()) in rules.iter() {
        write!(
            f,
            "{} {} pref {} table {} action ",
            k.inum, k.family, k.pref, k.table
        )?;
        knob::write_rule_action(f, k.action)?;
        writeln!(f)?;
    }
    Ok(())
}

fn show_rules(a: &Attachment<Arc<Probe>>, f: &mut fmt::Formatter<'_>) -> fmt::Result {
    write_rules(&a.listener().tables.lock().rules, f)
}

fn show_vifs(a: &Attachment<Arc<Probe>>, f: &mut fmt::Formatter<'_>) -> fmt::Result {
    let probe = a.listener();
    let tables = probe.tables.lock();
    for (k, v) in tables.vifs.iter() {
        writeln!(
            f,
            "{} {} table {} vif {} dev {} flags {}",
            k.inum, k.family, k.table, k.index, v.ifindex, v.flags
        )?;
    }
    Ok(())
}

fn show_mroutes(a: &Attachment<Arc<Probe>>, f: &mut fmt::Formatter<'_>) -> fmt::Result {
    let probe = a.listener();
    let tables = probe.tables.lock();
    for (k, v) in tables.mroutes.iter() {
        k.write_head(f, v.parent)?;
        let mut any = false;
        for (vif, ttl) in v.ttls.iter().enumerate().filter(|(_, t)| **t != 255) {
            write!(f, " {vif}:{ttl}")?;
            any = true;
        }
        if !any {
            f.write_str(" -")?;
        }
        writeln!(f)?;
    }
    Ok(())
}

fn show_mrules(a: &Attachment<Arc<Probe>>, f: &mut fmt::Formatter<'_>) -> fmt::Result {
    write_rules(&a.listener().tables.lock().mrules, f)
}

fn show_stats(a: &Attachment<Arc<Probe>>, f: &mut fmt::Formatter<'_>) -> fmt::Result {
    let probe = a.listener();
    let c = &probe.stats;
    let (routes, rules, nexthops, buckets, vifs, mroutes, mrules) = {
        let t = probe.tables.lock();
        let buckets: usize = t
            .nexthops
            .values()
            .map(|v| match v {
                NhObj::Resilient { buckets } => buckets.len(),
                _ => 0,
            })
            .sum();
        (
            t.routes.iter().count(),
            t.rules.iter().count(),
            t.nexthops.iter().count(),
            buckets,
            t.vifs.iter().count(),
            t.mroutes.iter().count(),
            t.mrules.iter().count(),
        )
    };
    knob::write_stats(
        f,
        &[
            ("events", c.events.load(Relaxed)),
            ("replayed", c.replayed.load(Relaxed)),
            ("live", c.live.load(Relaxed)),
            ("flushes", c.flushes.load(Relaxed)),
            ("net_flushes", c.net_flushes.load(Relaxed)),
            ("netns_exits", c.netns_exits.load(Relaxed)),
            ("netns_lives", c.netns_lives.load(Relaxed)),
            ("alloc_failed", c.alloc_failed.load(Relaxed)),
            ("skipped", c.skipped.load(Relaxed)),
            ("nexthop_events", c.nexthop_events.load(Relaxed)),
            ("bucket_mismatch", c.bucket_mismatch.load(Relaxed)),
            ("bucket_idle_timer_ms", c.bucket_idle_timer_ms.load(Relaxed)),
            ("routes", routes as u64),
            ("rules", rules as u64),
            ("nexthops", nexthops as u64),
            ("buckets", buckets as u64),
            ("mcast_events", c.mcast_events.load(Relaxed)),
            ("vifs", vifs as u64),
            ("mroutes", mroutes as u64),
            ("mrules", mrules as u64),
        ],
    )
}

/// The files of `probe/`.
pub(crate) fn debugfs<'a>(dir: &ScopedDir<'a, '_>, probe: &'a Attachment<Arc<Probe>>) {
    probe.debugfs(dir, Files::ALL);
    dir.read_callback_file(c"routes", probe, &show_routes);
    dir.read_callback_file(c"rules", probe, &show_rules);
    dir.read_callback_file(c"nexthops", probe, &show_nexthops);
    dir.read_callback_file(c"buckets", probe, &show_buckets);
    dir.read_callback_file(c"vifs", probe, &show_vifs);
    dir.read_callback_file(c"mroutes", probe, &show_mroutes);
    dir.read_callback_file(c"mrules", probe, &show_mrules);
    dir.read_callback_file(c"stats", probe, &show_stats);
    dir.read_write_file(c"families", &probe.listener().families);
}
