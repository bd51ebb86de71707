// SPDX-License-Identifier: GPL-2.0

//! Per-namespace change counters.
//!
//! Every bridged namespace has a counter (`struct rfn_net.seq` in the C
//! glue). The bridge bumps it *before* it passes an event to the chain,
//! including the namespace's exit event (and the "forget" event of a bridge
//! that failed to attach), and the counter is never reset while the
//! namespace lives. So a namespace's counter moves whenever anything a
//! listener may hold of that namespace changes, and `(cookie, counter)`
//! names one state of one namespace.
//!
//! # Why a change the replay missed is counted or delivered
//!
//! A registration (`dump.rs`) replays namespace by namespace: for each,
//! `s1 = read()` (with a reference on the namespace), wait for writers (see
//! below), replay its real tables under RCU. Then it publishes: puts its
//! block on the chain, or, on a retry, unmutes the namespaces it replayed
//! again; `smp_mb()`; and reads every counter again (`s2`). A namespace
//! whose `s2` differs from its `s1`, that appeared with a non-zero counter
//! while the block was off the chain, or that went away, is flushed in the
//! listener (muted first, so no event of it is in flight) and replayed
//! again; namespaces that passed stay as they are, the block hearing their
//! events all along. The bridge does, for each change: the kernel changes
//! its table, then `count_change()` (a fully ordered atomic), then it walks the
//! chain (and reads the node's mute list).
//!
//! - **Publication vs. delivery.** The registration writes the chain head
//!   (or the mute list) then reads the namespace's counter; the bridge
//!   writes the counter then reads the chain head and the mute list; both
//!   with full barriers between. This is the store-buffering pattern: at
//!   least one side sees the other's write. So either the bridge sees the
//!   block unmuted (the change is delivered) or `s2` sees the bump (the
//!   namespace is replayed again).
//! - **Replay vs. change.** A change whose bump `s1` already saw must be
//!   in the state the replay walks afterwards. The kernel does not always
//!   change the table first:
//!   - IPv4 routes change under RTNL; an add is linked before it is
//!     notified, but a delete is notified *before* it is unlinked;
//!   - rules change under the family's rules lock (`fib_rules_ops.lock`),
//!     with RTNL only for the first custom IPv4 rule, and an add is
//!     notified *before* it is linked (`fib_newrule()`); so does the
//!     kernel's own `register_fib_notifier()`, which reads its counters
//!     under RCU alone: it can miss a rule;
//!   - IPv6 routes change under their table's `tb6_lock`, notified before
//!     they are linked.
//!
//!   - nexthop objects change under RTNL (the bridge's block on the
//!     namespace's nexthop chain is called with it held): an add is linked
//!     then notified (and unlinked again on a veto), a delete is notified
//!     *before* it is unlinked (`remove_nexthop()`), a group replace is
//!     notified before the new members are swapped in, a group losing a
//!     member is changed, then notified (all one RTNL section: the replay,
//!     under RTNL, sees none of it or all of it);
//!   - a resilient group's buckets also change from its upkeep work, which
//!     takes no lock at all: it notifies `BUCKET_REPLACE`, then moves the
//!     bucket;
//!   - multicast routing (`ipmr.c`, `ip6mr.c`) changes under RTNL: a VIF
//!     is linked (under `mrt_lock`) then notified, and notified *before*
//!     it is unlinked (`vif_delete()` notifies `VIF_DEL` under `mrt_lock`,
//!     then clears the VIF's device); an MFC entry is linked then
//!     notified, unlinked then notified, and replaced in place (its
//!     parent and TTLs, under `mrt_lock`) then notified; the multicast
//!     rules change as the unicast ones, under their own rules lock.
//!
//!   So after `s1`, the replay takes RTNL and each family's rules lock
//!   (unicast and multicast routing's) once
//!   (`rfn_net_wait_writers()`): a writer whose bump `s1` saw held one of
//!   them when it bumped, so taking it waits until the writer linked or
//!   unlinked. Under RTNL it also waits for every resilient group's upkeep
//!   work that is running (`flush_work()`; the kernel cancels that work
//!   under RTNL too, and the work never takes RTNL). IPv6 needs nothing
//!   more: its dump takes each table's `tb6_lock` itself.
//! - **Visible before counted.** Some changes are linked before they are
//!   notified, without a lock the replay could wait for: then the replay
//!   may walk the change and the listener also get its event live. IPv4
//!   route adds (linked, then notified, under RTNL: the replay walks the
//!   table under RCU alone) send `REPLACE`, which a listener applies
//!   twice to the same end. An IPv6 multipath append (`ip -6 route append
//!   P nexthop ... nexthop ...`) is not: `ip6_route_multipath_add()` links
//!   each sibling under `tb6_lock`, then, holding no lock at all (IPv6
//!   route changes take no RTNL in 7.3), notifies one `APPEND` with them.
//!   A replay in between gives the listener the route with those siblings,
//!   then `APPEND` gives them again. No lock closes this; the listener
//!   applies an IPv6 `APPEND` as a set union of nexthops, which is exact
//!   because the kernel never lets one route hold two equal nexthops
//!   (`rt6_duplicate_nexthop()`). The header says so to C listeners.
//!   Multicast routing's VIFs and MFC entries are linked then notified,
//!   under RTNL, and the replay walks them under RCU alone: one added in
//!   between comes twice, replayed and then as its live `VIF_ADD` or
//!   `ENTRY_ADD`, which a listener applies as a replace (the header says
//!   so). An entry replaced in place while the replay reads it may be
//!   read half old, half new: its `REPLACE` was counted after `s1`, so
//!   the check retries the namespace. A replayed entry whose delete has
//!   dropped its last reference is not taken (`rfn_info_mfc_hold()`):
//!   that delete was counted after `s1` too. The nexthop objects are replayed under RTNL
//!   (`register_nexthop_notifier()`'s own walk), before rules and routes:
//!   a listener learns an object before the routes that use it, unless the
//!   object was added after its replay, which moves the counter.
//!   `HW_STATS_REPORT_DELTA` (a statistics query) changes no state and is
//!   not counted.
//! - **Namespaces.** A namespace is on the bridged list (the C glue's
//!   `rfn_nets`, RCU, written under RTNL) before its bridge bumps anything
//!   and until after its last event, the exit, which bumps too. A replay
//!   either walks it or does not need to: anything forwarded before the
//!   walk was counted in `s1` and is in the tables walked. A namespace that
//!   appears after the block was published gets every event of it. We do
//!   not walk `net_namespace_list` (in 7.3 protected by `net_rwsem` and
//!   RCU, not RTNL): a namespace is added there only after every pernet
//!   init ran, after our bridge may already have forwarded its default
//!   rules.
//! - **Per family.** A namespace has one counter per family (IPv4 routes,
//!   IPv6 routes, rules, nexthop objects, IPv4 and IPv6 multicast routing
//!   with their own rules: `events::Families`); the bridge
//!   counts an event in its family's counter, the namespace's exit in all
//!   of them. A registration reads the sum of its families' counters, and
//!   its node gets only their events. Each argument above holds counter by
//!   counter (an event of a family is counted in that family's counter
//!   before the chain is walked, and a node that wants the family reads
//!   that counter in `s1` and `s2`); the counters only grow, so the sum is
//!   unchanged exactly when each of them is. Changes of a family a
//!   listener does not want neither reach it nor make it try again.
//! - **Mark and sweep.** A listener that reconciles is told to mark a
//!   namespace stale where another is flushed: muted first, so no event of
//!   it is in flight and none is delivered until the namespace's replay is
//!   published; the replay then refreshes every entry the kernel has. The
//!   sweep comes only after a try whose check found the namespace
//!   consistent: by the argument above every change counted before `s2`
//!   is in the tables that try walked, so what is still stale is gone from
//!   the kernel; a change after the publication is delivered, and an add
//!   or replace refreshes its entry whether it comes before the sweep or
//!   after it (the listener applies the sweep in order with the
//!   namespace's events). A namespace that went away is consistent once it
//!   stays away: the sweep drops all of it. A try that fails (`EBUSY`)
//!   sweeps nothing: the listener keeps its marks, and the next resync
//!   marks and sweeps again.
//! - **Only what changed.** A namespace that passed the check is
//!   consistent from then on: its events reach the listener (the block
//!   stays on the chain, and only the namespaces being replayed again are
//!   muted). Its counter moving later is the listener hearing about it, not
//!   a reason to replay it. A registration restricted to one namespace
//!   reads that namespace's counter alone.

use kernel::{prelude::*, sync::rcu};

use crate::{
    events::Families,
    ffi,
    nets::{self, BridgedNet, NetId, PinnedNet},
};

/// Counts one change of `families` of `net` (one family; every family for
/// the namespace's exit), before it enters the chain. Fully ordered.
pub(crate) fn count_change(net: &BridgedNet, families: Families) {
    // SAFETY: `net` is a live bridged namespace (the reference says so).
    unsafe { ffi::rfn_net_seq_bump(net.as_raw(), families.bits().into()) };
}

/// The count of `families` of one namespace (the sum of their counters:
/// it moves whenever one of them does).
pub(crate) fn read(net: &BridgedNet, families: Families) -> u64 {
    // SAFETY: `net` is a live bridged namespace.
    unsafe { ffi::rfn_net_seq_read(net.as_raw(), families.bits().into()) }
}

/// The count of one namespace, for a replay that starts right after: every
/// change this count includes is in the tables when this returns (see the
/// argument above). Sleeps (takes RTNL and the rules locks).
pub(crate) fn read_for_replay(net: &PinnedNet, families: Families) -> u64 {
    // SAFETY: the namespace is pinned, so its bridge state (net_generic)
    // is alive.
    let seq = unsafe { ffi::rfn_net_seq_of(net.as_ptr(), families.bits().into()) };
    // SAFETY: as above; process context.
    unsafe { ffi::rfn_net_wait_writers(net.as_ptr()) };
    seq
}

/// Every bridged namespace `accept` takes, with the count of its
/// `families`, in list order. Sleeps (allocates outside the RCU read
/// section).
pub(crate) fn counters(
    accept: impl Fn(*const ffi::Net) -> bool,
    families: Families,
) -> Result<KVec<(NetId, u64)>> {
    loop {
        let len = nets::all(&rcu::read_lock()).count();
        // Room for a few namespaces created meanwhile; else count again.
        let mut out = KVec::with_capacity(len + 8, GFP_KERNEL)?;
        let guard = rcu::read_lock();
        let complete = nets::all(&guard)
            .filter(|bridged| accept(bridged.net()))
            .all(|bridged| {
                // SAFETY: bridged namespaces are alive under the guard.
                let id = unsafe { NetId::of(bridged.net()) };
                out.push_within_capacity((id, read(bridged, families)))
                    .is_ok()
            });
        if complete {
            return Ok(out);
        }
    }
}
