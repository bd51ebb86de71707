// SPDX-License-Identifier: GPL-2.0

//! The mock's debugfs files, `rust_fib_notifier/mock_switchdev/`:
//!
//! - `attach`, `netns`: see `attach.rs`.
//! - Knobs, a decimal each; a bad write is refused and changes nothing:
//!   `capacity` (routes, 1..=1000000, `ERANGE` outside),
//!   `nexthop_capacity` (1..=1000000), `fail_route_offload` and `veto`
//!   (0 or 1), `event_delay_us` (0..=5000, `EINVAL` outside), `spares`
//!   (0..=256), `reconcile` (0 or 1; 1, the default: a retry or a resync
//!   marks and sweeps the namespace instead of flushing it),
//!   `mfc_capacity` (multicast routing entries in the hardware,
//!   1..=1000000, default 1024).
//! - `routes`: the route table once the queue is idle, one route per line:
//!   `<netns inum> <4|6> <table> <dst>/<len> tos <tos> <state> nhs <n>
//!   [nhid <id>]`.
//! - `nexthops`: the nexthop table, one object per line: `<netns inum> id
//!   <id> <single|group|resilient> occupancy <n> routes <n>`.
//! - `mroutes`: the multicast routing table once the queue is idle, one
//!   entry per line: `<netns inum> <4|6> table <t> (<source>,<group>) iif
//!   <vif> oifs <vif>... <offload|trap>` (`trap`: not in the hardware,
//!   its input VIF unknown or no room).
//! - `vifs`: the VIFs the hardware holds: `<netns inum> <4|6> table <t> vif
//!   <index> dev <ifindex>`.
//! - `stats`: `key value` lines.
//! - `resync`: see `attach.rs`.

use core::fmt;

use kernel::{
    debugfs::ScopedDir,
    prelude::*,
    sync::{
        atomic::{Atomic, Relaxed},
        Arc,
    },
};

use super::{
    fib::RouteState, nexthop::NhKind, notifier::MAX_EVENT_DELAY_US, queue::SPARE_ENTRIES,
    MockSwitchdev,
};
use crate::{
    events::Family,
    knob::{self, Flag, Knob},
    listeners::attach::{Attachment, Files},
};

/// The device's knobs.
pub(super) struct MockKnobs {
    /// Routes the table holds at most.
    pub(super) capacity: Knob,
    /// Nexthop entries the nexthop table holds at most (see `nexthop.rs`).
    pub(super) nexthop_capacity: Knob,
    /// Every route added ends `offload_failed`.
    pub(super) fail_route_offload: Flag,
    /// A route add that does not fit is vetoed, not `offload_failed`.
    pub(super) veto: Flag,
    /// Busy-waits this long in every event callback (microseconds): a slow
    /// listener, which widens the kernel's windows between counting a
    /// change and making it visible (tests). Within a budget (see
    /// `notifier.rs`).
    pub(super) event_delay_us: Knob,
    /// How many spare entries may be in flight at once (tests: 0 makes
    /// the first failed allocation a lost event).
    pub(super) spares: Knob,
    /// Repairs a namespace by mark and sweep, not by flushing it.
    pub(super) reconcile: Flag,
    /// Multicast routing entries the hardware holds at most.
    pub(super) mfc_capacity: Knob,
}

impl MockKnobs {
    pub(super) const fn new() -> Self {
        Self {
            capacity: Knob::new(4096, 1, 1_000_000),
            nexthop_capacity: Knob::new(1024, 1, 1_000_000),
            fail_route_offload: Flag::new(false),
            veto: Flag::new(false),
            event_delay_us: Knob::new(0, 0, MAX_EVENT_DELAY_US).refusing(EINVAL),
            spares: Knob::new(SPARE_ENTRIES as u64, 0, SPARE_ENTRIES as u64),
            reconcile: Flag::new(true),
            mfc_capacity: Knob::new(1024, 1, 1_000_000),
        }
    }
}

/// What the device counts (`stats`).
pub(super) struct MockStats {
    pub(super) events: Atomic<u64>,
    pub(super) replayed: Atomic<u64>,
    pub(super) applied: Atomic<u64>,
    pub(super) failed: Atomic<u64>,
    pub(super) vetoed: Atomic<u64>,
    pub(super) alloc_failed: Atomic<u64>,
    pub(super) lost: Atomic<u64>,
    /// IPv6 source-specific routes, not offloaded (as netdevsim).
    pub(super) skipped: Atomic<u64>,
    /// Events of IPv6 multicast routes, ignored (as mlxsw).
    pub(super) ignored: Atomic<u64>,
    /// Busy-waits skipped: `event_delay_us` past its budget.
    pub(super) delays_skipped: Atomic<u64>,
    pub(super) flushes: Atomic<u64>,
    /// Namespaces flushed for a retry or a resync.
    pub(super) net_flushes: Atomic<u64>,
    /// Resyncs asked for after a lost event.
    pub(super) resyncs_asked: Atomic<u64>,
    pub(super) pending: Atomic<u64>,
    pub(super) pending_hwm: Atomic<u64>,
    pub(super) nexthop_events: Atomic<u64>,
    pub(super) bucket_events: Atomic<u64>,
    pub(super) nexthops_vetoed: Atomic<u64>,
    /// Multicast routing events: VIFs and entries.
    pub(super) mcast_events: Atomic<u64>,
}

impl MockStats {
    pub(super) const fn new() -> Self {
        Self {
            events: Atomic::new(0),
            replayed: Atomic::new(0),
            applied: Atomic::new(0),
            failed: Atomic::new(0),
            vetoed: Atomic::new(0),
            alloc_failed: Atomic::new(0),
            lost: Atomic::new(0),
            skipped: Atomic::new(0),
            ignored: Atomic::new(0),
            delays_skipped: Atomic::new(0),
            flushes: Atomic::new(0),
            net_flushes: Atomic::new(0),
            resyncs_asked: Atomic::new(0),
            pending: Atomic::new(0),
            pending_hwm: Atomic::new(0),
            nexthop_events: Atomic::new(0),
            bucket_events: Atomic::new(0),
            nexthops_vetoed: Atomic::new(0),
            mcast_events: Atomic::new(0),
        }
    }
}

fn show_routes(m: &Attachment<Arc<MockSwitchdev>>, f: &mut fmt::Formatter<'_>) -> fmt::Result {
    let m = m.listener();
    // What the hardware has once the queue ran dry.
    m.wait_idle();
    let hw = m.hw.lock();
    for (k, e) in hw.routes.iter() {
        write!(f, "{} {} {} ", k.inum, k.family, k.table)?;
        knob::write_addr(f, k.family, &k.dst)?;
        let state = e.state.name();
        let first = e.first.route();
        // IPv4: one `fib_info` holds every path; IPv6: one object each.
        let nhs = match first.family() {
            Some(Family::Ipv4) => first.nexthops() as usize,
            _ => e.routes().count(),
        };
        let tos = first.tos();
        write!(f, "/{} tos {} {} nhs {}", k.dst_len, tos, state, nhs)?;
        if e.nh_id() != 0 {
            write!(f, " nhid {}", e.nh_id())?;
        }
        writeln!(f)?;
    }
    Ok(())
}

fn show_nexthops(m: &Attachment<Arc<MockSwitchdev>>, f: &mut fmt::Formatter<'_>) -> fmt::Result {
    let m = m.listener();
    // The routes as the hardware has them once the queue ran dry.
    m.wait_idle();
    let hw = m.hw.lock();
    let t = m.nexthops.lock();
    for (k, nh) in t.objects.iter() {
        let kind = match nh.kind {
            NhKind::Single => "single",
            NhKind::Group => "group",
            NhKind::Resilient => "resilient",
        };
        let routes = hw
            .routes
            .iter()
            .filter(|(rk, e)| rk.inum == k.inum && e.nh_id() == k.id)
            .count();
        writeln!(
            f,
            "{} id {} {} occupancy {} routes {}",
            k.inum, k.id, kind, nh.occupancy, routes
        )?;
    }
    Ok(())
}

fn show_mroutes(m: &Attachment<Arc<MockSwitchdev>>, f: &mut fmt::Formatter<'_>) -> fmt::Result {
    let m = m.listener();
    m.wait_idle();
    let mc = m.mc.lock();
    for (k, e) in mc.entries.iter() {
        k.write_head(f, e.parent)?;
        for (vif, _) in e.ttls.iter().enumerate().filter(|(_, t)| **t != 255) {
            write!(f, " {vif}")?;
        }
        writeln!(f, " {}", if e.in_hw { "offload" } else { "trap" })?;
    }
    Ok(())
}

fn show_vifs(m: &Attachment<Arc<MockSwitchdev>>, f: &mut fmt::Formatter<'_>) -> fmt::Result {
    let m = m.listener();
    m.wait_idle();
    let mc = m.mc.lock();
    for (k, v) in mc.vifs.iter() {
        writeln!(
            f,
            "{} {} table {} vif {} dev {}",
            k.inum, k.family, k.table, k.index, v.ifindex
        )?;
    }
    Ok(())
}

fn show_stats(m: &Attachment<Arc<MockSwitchdev>>, f: &mut fmt::Formatter<'_>) -> fmt::Result {
    let m = m.listener();
    let c = &m.stats;
    let (mut routes, mut trapped, mut nh_waiting, mut table_bytes) = (0u64, 0u64, 0u64, 0u64);
    let (offloaded, mut writes, mut marked, mut swept, absent, absent_ns, absent_ns_max) = {
        let hw = m.hw.lock();
        // One pass over the table.
        for entry in hw.routes.values() {
            routes += 1;
            trapped += u64::from(entry.state == RouteState::Trap);
            nh_waiting += u64::from(entry.state == RouteState::NexthopMissing);
            table_bytes += entry.slab_bytes();
        }
        (
            hw.offloaded,
            hw.writes,
            hw.marked,
            hw.swept,
            hw.absent,
            hw.absent_ns,
            hw.absent_ns_max,
        )
    };
    let (mroutes, mroutes_offloaded, vifs) = {
        let mc = m.mc.lock();
        writes += mc.writes;
        marked += mc.marked;
        swept += mc.swept;
        (
            mc.entries.iter().count() as u64,
            mc.in_hw,
            mc.vifs.iter().count() as u64,
        )
    };
    let (nexthops, nexthop_occupancy) = {
        let t = m.nexthops.lock();
        writes += t.writes;
        marked += t.marked;
        swept += t.swept;
        (t.objects.iter().count() as u64, t.occupancy)
    };
    let d = &crate::chain::GLOBAL.stats;
    knob::write_stats(
        f,
        &[
            ("events", c.events.load(Relaxed)),
            ("replayed", c.replayed.load(Relaxed)),
            ("applied", c.applied.load(Relaxed)),
            ("failed", c.failed.load(Relaxed)),
            ("vetoed", c.vetoed.load(Relaxed)),
            ("alloc_failed", c.alloc_failed.load(Relaxed)),
            ("lost", c.lost.load(Relaxed)),
            ("skipped", c.skipped.load(Relaxed)),
            ("ignored", c.ignored.load(Relaxed)),
            ("delays_skipped", c.delays_skipped.load(Relaxed)),
            ("flushes", c.flushes.load(Relaxed)),
            ("net_flushes", c.net_flushes.load(Relaxed)),
            ("resyncs_asked", c.resyncs_asked.load(Relaxed)),
            ("queue_depth", c.pending.load(Relaxed)),
            ("queue_hwm", c.pending_hwm.load(Relaxed)),
            ("routes", routes),
            ("offloaded", offloaded),
            ("trapped", trapped),
            ("nh_waiting", nh_waiting),
            ("table_bytes", table_bytes),
            ("nexthops", nexthops),
            ("nexthop_occupancy", nexthop_occupancy),
            ("nexthops_vetoed", c.nexthops_vetoed.load(Relaxed)),
            ("nexthop_events", c.nexthop_events.load(Relaxed)),
            ("bucket_events", c.bucket_events.load(Relaxed)),
            ("registration_tries", d.tries.load(Relaxed)),
            ("registration_ebusy", d.ebusy.load(Relaxed)),
            ("hw_writes", writes),
            ("marked", marked),
            ("swept", swept),
            ("absent", absent),
            ("absent_ns", absent_ns),
            ("absent_ns_max", absent_ns_max),
            ("mcast_events", c.mcast_events.load(Relaxed)),
            ("mroutes", mroutes),
            ("mroutes_offloaded", mroutes_offloaded),
            ("vifs", vifs),
        ],
    )
}

/// The files of `mock_switchdev/`.
pub(crate) fn debugfs<'a>(dir: &ScopedDir<'a, '_>, mock: &'a Attachment<Arc<MockSwitchdev>>) {
    mock.debugfs(dir, Files::ALL);
    let k = &mock.listener().knobs;
    dir.read_write_file(c"capacity", &k.capacity);
    dir.read_write_file(c"fail_route_offload", &k.fail_route_offload);
    dir.read_write_file(c"veto", &k.veto);
    dir.read_write_file(c"event_delay_us", &k.event_delay_us);
    dir.read_write_file(c"spares", &k.spares);
    dir.read_write_file(c"nexthop_capacity", &k.nexthop_capacity);
    dir.read_write_file(c"reconcile", &k.reconcile);
    dir.read_write_file(c"mfc_capacity", &k.mfc_capacity);
    dir.read_callback_file(c"routes", mock, &show_routes);
    dir.read_callback_file(c"nexthops", mock, &show_nexthops);
    dir.read_callback_file(c"mroutes", mock, &show_mroutes);
    dir.read_callback_file(c"vifs", mock, &show_vifs);
    dir.read_callback_file(c"stats", mock, &show_stats);
}
