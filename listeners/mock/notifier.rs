// SPDX-License-Identifier: GPL-2.0

//! The mock's notifier side: the [`Listener`] callbacks, in the chain's
//! atomic context (see `attach.rs`). An event becomes an operation on the
//! queue (`queue.rs`); what must be answered at once is answered here:
//!
//! - In veto mode a route that would not fit is refused with an extack
//!   message ([`MockSwitchdev::claim`]: netdevsim's `atomic64_add_unless()`
//!   on its FIB's count).
//! - A nexthop object takes its room in the nexthop table at once, and is
//!   vetoed when it does not fit (`nexthop.rs`).
//! - An allocation failure is counted, and a spare entry takes the event's
//!   place in the queue (order is kept; an add then ends
//!   `offload_failed`); only with every spare in flight is an event
//!   `lost`, counted too, and its namespace resynced.

use kernel::{
    prelude::*,
    sync::{atomic::Relaxed, Arc},
    time::{delay::udelay, Delta, Instant, Monotonic},
};

use super::{fib::is_ignored, queue::Op, MockSwitchdev};
use crate::{
    events::{Event, EventKind, Family, Listener, MfcEvent},
    knob::count,
    listeners::table::{MfcKey, RouteKey, VifKey},
    nets::NetId,
};
use kernel::rbtree::RBTreeNodeReservation;

/// The longest busy-wait `event_delay_us` takes (microseconds): within
/// `udelay()`'s `MAX_UDELAY_MS`. The callback runs in atomic context (see
/// `attach.rs`), and the replay of a namespace is one RCU read section,
/// every route of it one event.
pub(super) const MAX_EVENT_DELAY_US: u64 = 5000;

/// The busy-waits of [`DELAY_WINDOW_US`] take [`DELAY_BUDGET_US`] at
/// most, whichever CPU and event they delay (a later event of the window
/// goes on at once): an atomic section (a replay, an IPv6 table flush) at
/// most doubles, plus two budgets, however many events it sends. So no
/// value stalls RCU or a CPU (21 s by default, 20 s for a soft lockup)
/// that the kernel would not stall itself at half speed.
const DELAY_WINDOW_US: u64 = 100_000;
const DELAY_BUDGET_US: u64 = 50_000;

impl Listener for Arc<MockSwitchdev> {
    fn event(&self, event: &Event<'_>) -> Result {
        count(&self.stats.events);
        let delay = self.knobs.event_delay_us.get();
        if delay > 0 {
            self.busy_wait(delay);
        }
        if event.is_replay() {
            count(&self.stats.replayed);
        }
        if self.skips(event) {
            return Ok(());
        }
        // Whether the namespace must be replayed to the mock after this
        // event.
        let mut resync = false;
        let op = match event.kind() {
            EventKind::EntryReplace | EventKind::EntryAppend | EventKind::EntryAdd => {
                self.add_op(event)?
            }
            EventKind::EntryDel => self.del_op(event, &mut resync),
            EventKind::NetnsExit => event.netns_id().map(|netns| {
                let nexthops = self.nexthops.lock().remove_netns(netns.inum());
                Op::NetnsExit { netns, nexthops }
            }),
            EventKind::Nexthop(what) => self.nexthop_event(event, what)?,
            EventKind::Mfc(what) => self.mfc_op(event, what, &mut resync),
            EventKind::VifAdd | EventKind::VifDel => self.vif_op(event, &mut resync),
            _ => None,
        };
        let Some(op) = op else {
            return Ok(());
        };
        // Failures are counted (`alloc_failed`, `lost`) by `queue`. Not a
        // veto: the device's memory is not the user's error. A lost event
        // (a delete above all: the entry would hold a route the kernel
        // freed from its table) ends in a resync of the namespace, as
        // netdevsim's `fib_flush_work` does for the whole device.
        let claims = op.claims();
        let lost = self.queue(op).is_err();
        if lost {
            self.unclaim(claims);
        }
        if lost || resync {
            count(&self.stats.resyncs_asked);
            event.resync_later();
        }
        Ok(())
    }

    fn flush(&self) {
        count(&self.stats.flushes);
        self.forget(true);
    }

    fn flush_net(&self, net: NetId) {
        count(&self.stats.net_flushes);
        self.forget_net(net);
    }

    fn reconciles(&self) -> bool {
        self.knobs.reconcile.get()
    }

    fn mark_stale(&self, net: NetId) {
        self.mark_net(net);
    }

    fn sweep_stale(&self, net: NetId) {
        self.sweep_net(net);
    }
}

impl MockSwitchdev {
    /// Whether the device leaves `event`'s route alone, counted: a
    /// source-specific IPv6 route shares its (table, prefix) key with the
    /// plain route, and is not offloaded (netdevsim); IPv6 multicast is not
    /// offloaded, held or flagged (mlxsw).
    fn skips(&self, event: &Event<'_>) -> bool {
        let Some(route) = event.route() else {
            return false;
        };
        if route.is_source_specific() {
            count(&self.stats.skipped);
            return true;
        }
        if is_ignored(&route) {
            count(&self.stats.ignored);
            return true;
        }
        false
    }

    /// A route added, replaced or appended to: its place claimed (or the
    /// event vetoed), its route objects held.
    ///
    /// An IPv6 append adds nexthops to the route the table holds (a
    /// sibling of the first route): it takes no new place, as in netdevsim,
    /// whose `nsim_fib6_prepare_event()` calls `nsim_fib_account()` for
    /// `FIB_EVENT_ENTRY_REPLACE` only and `nsim_fib6_rt_append()` adds the
    /// nexthops to the entry it finds. (One that finds no entry becomes
    /// one, if there is room, refusing nothing.)
    fn add_op(&self, event: &Event<'_>) -> Result<Option<Op>> {
        let append = event.kind() == EventKind::EntryAppend;
        let claims = i64::from(!append);
        if !append && !self.claim() {
            count(&self.stats.vetoed);
            event.set_extack(c"rust_fib_notifier mock switchdev: hardware route table is full");
            return Err(ENOSPC);
        }
        // Never dropped because the namespace is being dismantled: a
        // delete or the next alias's replace must still be applied.
        let (Some(first), Some(netns)) = (event.hold_route_nh(0), event.netns_id()) else {
            self.unclaim(claims);
            return Ok(None);
        };
        // IPv6 siblings (allocates only for a multipath route).
        let (rest, refuse) = match event.hold_routes_from(1) {
            Ok(rest) => (rest, false),
            Err(_) => {
                count(&self.stats.alloc_failed);
                (KVec::new(), true)
            }
        };
        Ok(Some(Op::Add {
            first,
            rest,
            netns,
            append,
            refuse,
        }))
    }

    /// A route deleted. IPv6: which nexthops go (an empty list: all). Not
    /// knowing (no memory), the entry goes whole and the namespace is
    /// replayed (`resync`): a multipath route's other nexthops come back.
    fn del_op(&self, event: &Event<'_>, resync: &mut bool) -> Option<Op> {
        let route = event.route()?;
        let routes = if route.family() == Some(Family::Ipv6) {
            event.hold_routes().unwrap_or_else(|_| {
                count(&self.stats.alloc_failed);
                *resync = true;
                KVec::new()
            })
        } else {
            KVec::new()
        };
        Some(Op::Del {
            key: RouteKey::of(event.netns_inum(), &route),
            routes,
        })
    }

    /// A multicast routing entry added, replaced or removed: held (the
    /// key names its object), with room for it in the table. Not knowing
    /// it (no memory, or a replayed entry being freed) the namespace is
    /// replayed (`resync`).
    fn mfc_op(&self, event: &Event<'_>, what: MfcEvent, resync: &mut bool) -> Option<Op> {
        count(&self.stats.mcast_events);
        // `None` for a replayed entry being freed: its delete retries the
        // replay.
        let (desc, mfc) = (event.mfc()?, event.hold_mfc()?);
        let key = MfcKey::of(event.netns_inum(), &desc, mfc.addr());
        if what == MfcEvent::Del {
            return Some(Op::MfcDel { key });
        }
        match RBTreeNodeReservation::new(GFP_ATOMIC) {
            Ok(room) => Some(Op::MfcSet {
                key,
                mfc,
                vifs: (desc.parent(), *desc.ttls()),
                room,
            }),
            Err(_) => {
                count(&self.stats.alloc_failed);
                *resync = true;
                None
            }
        }
    }

    /// A multicast routing VIF added or removed.
    fn vif_op(&self, event: &Event<'_>, resync: &mut bool) -> Option<Op> {
        count(&self.stats.mcast_events);
        let vif = event.vif()?;
        let key = VifKey::of(event.netns_inum(), &vif);
        if event.kind() == EventKind::VifDel {
            return Some(Op::VifDel { key });
        }
        match RBTreeNodeReservation::new(GFP_ATOMIC) {
            Ok(room) => Some(Op::VifAdd {
                key,
                ifindex: vif.ifindex(),
                room,
            }),
            Err(_) => {
                count(&self.stats.alloc_failed);
                *resync = true;
                None
            }
        }
    }

    /// Busy-waits `us` microseconds (atomic context), unless the busy-waits
    /// of this [`DELAY_WINDOW_US`] window took [`DELAY_BUDGET_US`]
    /// already (then counted in `delays_skipped`). Windows and budget are
    /// counted without a lock: two CPUs may both see a new window and
    /// start its count afresh, which overdraws it by one delay at most.
    fn busy_wait(&self, us: u64) {
        let since = (Instant::<Monotonic>::now() - self.epoch).as_micros_ceil();
        let window = u64::try_from(since).unwrap_or(0) / DELAY_WINDOW_US;
        if self.delay_window.xchg(window, Relaxed) != window {
            self.delay_spent.store(0, Relaxed);
        }
        let us = us.min(MAX_EVENT_DELAY_US);
        if self.delay_spent.fetch_add(us, Relaxed) + us > DELAY_BUDGET_US {
            count(&self.stats.delays_skipped);
            return;
        }
        // At most `MAX_UDELAY_MS`: a busy-wait, valid in atomic context.
        udelay(Delta::from_micros(i64::try_from(us).unwrap_or(0)));
    }
}
