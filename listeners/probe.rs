// SPDX-License-Identifier: GPL-2.0

//! The probe: a listener that records what it receives, for tests and users.
//!
//! debugfs `rust_fib_notifier/probe/`:
//!
//! - `attach`: write `1` to register (with replay), `0` to unregister; read
//!   gives the state. A registration that stays inconsistent fails the
//!   write with `EBUSY`.
//! - `routes`: one route per line, sorted:
//!   `<netns inum> <4|6> <table> <dst>/<len> tos <tos> type <rtn> metric <m>
//!   nhs <n> dev <ifindex> [via <gateway>]` (the first nexthop's device and
//!   gateway)
//! - `rules`: one rule per line: `<netns inum> <4|6> pref <p> table <t> action <a>`
//! - `stats`: `key value` lines: events, replayed, live, flushes,
//!   netns_exits, alloc_failed, routes, rules.
//!
//! Routes are keyed like hardware keys them and like the kernel notifies
//! them: one entry per (namespace, family, table, prefix, length).

use core::fmt;

use kernel::{
    prelude::*,
    rbtree::{RBTree, RBTreeNode},
    sync::{
        atomic::{Atomic, Relaxed},
        Arc, Mutex, SpinLock,
    },
    uaccess::UserSliceReader,
};

use crate::{
    chain::{Event, EventKind, Listener, Registration},
    knob,
    listeners::table::{self, NetnsKey, RouteKey},
};

#[derive(Clone, Copy)]
struct RouteVal {
    tos: u8,
    rtn_type: u8,
    priority: u32,
    nexthops: u32,
    /// The first nexthop: gateway family (0: none), gateway, device.
    gw_family: u8,
    gw: [u8; 16],
    ifindex: u32,
}

#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
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
            family: 0,
            pref: 0,
            table: 0,
            action: 0,
        }
    }
}

struct Tables {
    routes: RBTree<RouteKey, RouteVal>,
    rules: RBTree<RuleKey, ()>,
}

/// Counters of what the probe received.
struct Counters {
    events: Atomic<u64>,
    replayed: Atomic<u64>,
    live: Atomic<u64>,
    flushes: Atomic<u64>,
    netns_exits: Atomic<u64>,
    alloc_failed: Atomic<u64>,
}

impl Counters {
    const fn new() -> Self {
        Self {
            events: Atomic::new(0),
            replayed: Atomic::new(0),
            live: Atomic::new(0),
            flushes: Atomic::new(0),
            netns_exits: Atomic::new(0),
            alloc_failed: Atomic::new(0),
        }
    }
}

fn count(c: &Atomic<u64>) {
    c.fetch_add(1, Relaxed);
}

/// What the listener side holds (shared with the debugfs readers).
#[pin_data]
pub(crate) struct ProbeState {
    #[pin]
    tables: SpinLock<Tables>,
    counters: Counters,
}

/// The listener: a handle on the state.
pub(crate) struct ProbeListener(Arc<ProbeState>);

impl ProbeState {
    /// Empties both tables (the nodes are freed outside the lock).
    fn forget(&self) {
        let (routes, rules) = {
            let mut t = self.tables.lock();
            (
                core::mem::replace(&mut t.routes, RBTree::new()),
                core::mem::replace(&mut t.rules, RBTree::new()),
            )
        };
        drop(routes);
        drop(rules);
    }

    fn apply(&self, event: &Event<'_>) -> Result {
        let inum = event.netns_inum();
        match event.kind() {
            EventKind::EntryReplace | EventKind::EntryAppend | EventKind::EntryAdd => {
                let Some(route) = event.route() else {
                    return Ok(());
                };
                let key = RouteKey::of(inum, &route);
                let mut val = RouteVal {
                    tos: route.tos(),
                    rtn_type: route.rtn_type(),
                    priority: route.priority(),
                    nexthops: route.nexthops(),
                    gw_family: 0,
                    gw: [0; 16],
                    ifindex: 0,
                };
                if let Some(nh) = event.nexthop(0) {
                    val.ifindex = nh.ifindex();
                    if let Some(gw) = nh.gateway() {
                        val.gw_family = if gw.len() == 4 { 4 } else { 6 };
                        val.gw[..gw.len()].copy_from_slice(gw);
                    }
                }
                // Atomic context: allocate before taking the lock.
                let node = RBTreeNode::new(key, val, GFP_ATOMIC)?;
                drop(self.tables.lock().routes.insert(node));
            }
            EventKind::EntryDel => {
                let Some(route) = event.route() else {
                    return Ok(());
                };
                let key = RouteKey::of(inum, &route);
                drop(self.tables.lock().routes.remove_node(&key));
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
                count(&self.counters.netns_exits);
                let mut tables = self.tables.lock();
                table::remove_netns(&mut tables.routes, inum, drop);
                table::remove_netns(&mut tables.rules, inum, drop);
            }
            _ => {}
        }
        Ok(())
    }
}

impl Listener for ProbeListener {
    fn event(&self, event: &Event<'_>) -> Result {
        let c = &self.0.counters;
        count(&c.events);
        count(if event.is_replay() {
            &c.replayed
        } else {
            &c.live
        });
        if self.0.apply(event).is_err() {
            // Never lost silently: counted, and shown in `stats`. The probe
            // does not veto: it only observes.
            count(&c.alloc_failed);
        }
        Ok(())
    }

    fn flush(&self) {
        count(&self.0.counters.flushes);
        self.0.forget();
    }
}

/// The probe: its state and its registration slot.
#[pin_data]
pub(crate) struct Probe {
    state: Arc<ProbeState>,
    #[pin]
    registration: Mutex<Option<Registration<ProbeListener>>>,
}

impl Probe {
    pub(crate) fn new() -> Result<Arc<Self>> {
        let state = Arc::pin_init(
            pin_init!(ProbeState {
                tables <- kernel::new_spinlock!(Tables {
                    routes: RBTree::new(),
                    rules: RBTree::new(),
                }),
                counters: Counters::new(),
            }),
            GFP_KERNEL,
        )?;
        Arc::pin_init(
            pin_init!(Self {
                state,
                registration <- kernel::new_mutex!(None),
            }),
            GFP_KERNEL,
        )
    }

    /// Registers the probe (with replay); a no-op when attached.
    pub(crate) fn attach(&self) -> Result {
        let mut slot = self.registration.lock();
        if slot.is_none() {
            *slot = Some(Registration::new(
                ProbeListener(self.state.clone()),
                core::ptr::null(),
            )?);
        }
        Ok(())
    }

    /// Unregisters the probe and forgets what it holds.
    pub(crate) fn detach(&self) {
        let registration = self.registration.lock().take();
        if registration.is_some() {
            // Off the chain first: no event can refill what we forget.
            drop(registration);
            self.state.forget();
        }
    }

    fn attached(&self) -> bool {
        self.registration.lock().is_some()
    }
}

pub(crate) fn write_attach(probe: &Arc<Probe>, reader: &mut UserSliceReader) -> Result {
    match knob::parse_u64(reader)? {
        1 => probe.attach(),
        0 => {
            probe.detach();
            Ok(())
        }
        _ => Err(ERANGE),
    }
}

pub(crate) fn show_attach(probe: &Arc<Probe>, f: &mut fmt::Formatter<'_>) -> fmt::Result {
    writeln!(f, "{}", u8::from(probe.attached()))
}

pub(crate) fn show_routes(probe: &Arc<Probe>, f: &mut fmt::Formatter<'_>) -> fmt::Result {
    let tables = probe.state.tables.lock();
    for (k, v) in tables.routes.iter() {
        write!(f, "{} {} {} ", k.inum, k.family, k.table)?;
        knob::write_addr(f, k.family, &k.dst)?;
        write!(
            f,
            "/{} tos {} type {} metric {} nhs {} dev {}",
            k.dst_len, v.tos, v.rtn_type, v.priority, v.nexthops, v.ifindex
        )?;
        if v.gw_family != 0 {
            f.write_str(" via ")?;
            knob::write_addr(f, v.gw_family, &v.gw)?;
        }
        writeln!(f)?;
    }
    Ok(())
}

pub(crate) fn show_rules(probe: &Arc<Probe>, f: &mut fmt::Formatter<'_>) -> fmt::Result {
    let tables = probe.state.tables.lock();
    for (k, ()) in tables.rules.iter() {
        writeln!(
            f,
            "{} {} pref {} table {} action {}",
            k.inum, k.family, k.pref, k.table, k.action
        )?;
    }
    Ok(())
}

pub(crate) fn show_stats(probe: &Arc<Probe>, f: &mut fmt::Formatter<'_>) -> fmt::Result {
    let c = &probe.state.counters;
    let (routes, rules) = {
        let t = probe.state.tables.lock();
        (t.routes.iter().count(), t.rules.iter().count())
    };
    knob::write_stats(
        f,
        &[
            ("events", c.events.load(Relaxed)),
            ("replayed", c.replayed.load(Relaxed)),
            ("live", c.live.load(Relaxed)),
            ("flushes", c.flushes.load(Relaxed)),
            ("netns_exits", c.netns_exits.load(Relaxed)),
            ("alloc_failed", c.alloc_failed.load(Relaxed)),
            ("routes", routes as u64),
            ("rules", rules as u64),
        ],
    )
}
