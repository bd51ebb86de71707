// SPDX-License-Identifier: GPL-2.0

//! Per-namespace change counters and their sum.
//!
//! Every bridged namespace has a counter (`struct rfn_net.seq` in the C
//! glue). The bridge bumps it *before* it passes an event to the chain;
//! a namespace that goes away moves its count, plus one, into [`RETIRED`].
//! [`sum`] therefore never goes back, and it moves whenever anything that a
//! listener may hold has changed.
//!
//! # Why a change the dump missed is counted or delivered
//!
//! A registration (`dump.rs`) does: `s1 = sum()`, replay the real tables
//! under RCU, publish its block on the chain, `smp_mb()`, `s2 = sum()`.
//! The bridge does, for each change: the kernel changes its table, then
//! `bump()` (a fully ordered atomic), then it reads the chain.
//!
//! - **Publication vs. delivery.** The registration writes the chain head
//!   then reads the counters; the bridge writes a counter then reads the
//!   chain head; both with full barriers between. This is the
//!   store-buffering pattern: at least one side sees the other's write.
//!   So either the bridge sees the new block (the change is delivered) or
//!   `s2` sees the bump (the registration retries).
//! - **Dump vs. change.** A change whose bump `s1` already saw must be in
//!   the tables the replay walks afterwards. IPv4 routes and all rules
//!   change under RTNL, and `sum()` takes RTNL: a change is either finished
//!   before `s1` or bumps after it. IPv6 routes change without RTNL, under
//!   the table's `tb6_lock`. A single route is notified (so we bump) inside
//!   that critical section, before it is linked; the IPv6 dump walks each
//!   table under the same `tb6_lock`, so a walk that starts after `s1` saw
//!   the bump waits for the critical section to end and sees the route. A
//!   multipath route is notified after all its siblings are linked, which
//!   is the safe order: visible before counted.
//! - **Namespaces.** A namespace is on the bridged list (the C glue's
//!   `rfn_nets`, RCU, written under RTNL) before its bridge bumps anything
//!   and until after its last event; it leaves the list and retires its
//!   count under RTNL, and only then sends its exit event. So a replay
//!   either walks it or does not need to: anything forwarded before the
//!   walk was counted in `s1` and is in the tables walked. We do not walk
//!   `net_namespace_list` (in 7.3 protected by `net_rwsem` and RCU, not
//!   RTNL): a namespace is added there only after every pernet init ran,
//!   after our bridge may already have forwarded its default rules.

use kernel::sync::{
    atomic::{Atomic, Full, Relaxed},
    rcu,
};

use crate::{bridge, ffi};

/// The counts of namespaces that went away, each plus one.
static RETIRED: Atomic<u64> = Atomic::new(0);

/// Holds RTNL; dropping it releases it.
struct Rtnl(());

impl Rtnl {
    fn lock() -> Self {
        // SAFETY: process context (callers of `sum` may sleep).
        unsafe { ffi::rfn_rtnl_lock() };
        Self(())
    }
}

impl Drop for Rtnl {
    fn drop(&mut self) {
        // SAFETY: RTNL is held by this guard.
        unsafe { ffi::rfn_rtnl_unlock() };
    }
}

/// Counts one change of `net`, before it enters the chain. Fully ordered.
pub(crate) fn bump(net: &bridge::BridgedNet) {
    // SAFETY: `net` is a live bridged namespace (the reference says so).
    unsafe { ffi::rfn_net_seq_bump(net.as_raw()) };
}

/// The count of one namespace.
pub(crate) fn read(net: &bridge::BridgedNet) -> u64 {
    // SAFETY: `net` is a live bridged namespace.
    unsafe { ffi::rfn_net_seq_read(net.as_raw()) }
}

/// Moves the count of a namespace that just left the bridged list, plus one
/// for its exit event, into [`RETIRED`]. Called with RTNL held, so [`sum`]
/// sees the namespace either on the list or retired, never both or neither.
pub(crate) fn retire(net: &bridge::BridgedNet) {
    RETIRED.fetch_add(read(net) + 1, Full);
}

/// The sum of every namespace's counter, read under RTNL (and RCU for the
/// list walk). May sleep.
pub(crate) fn sum() -> u64 {
    let _rtnl = Rtnl::lock();
    let guard = rcu::read_lock();
    bridge::nets(&guard).fold(RETIRED.load(Relaxed), |acc, net| {
        acc.wrapping_add(read(net))
    })
}
