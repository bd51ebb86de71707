// SPDX-License-Identifier: GPL-2.0

//! The mock switchdev: what a switchdev driver does with this module,
//! without hardware. It reads like netdevsim's `drivers/net/netdevsim/fib.c`,
//! its C peer, with each side in a file of its own:
//!
//! - `notifier.rs`, the atomic side: the `Listener` callbacks. An event
//!   takes owned references to its route and namespace and becomes an
//!   operation on the queue; a route add claims its place in the table at
//!   once (and is vetoed when none is left, in veto mode); a nexthop object
//!   is programmed into the nexthop table at once (and vetoed when it does
//!   not fit).
//! - `queue.rs`, the queue and its work: the operations in chain order
//!   (with spare entries for when `GFP_ATOMIC` fails), applied by one
//!   delayed work item on an ordered workqueue of the device's own, a tick
//!   after the queue stops being empty (netdevsim's `fib_event_queue`).
//! - `fib.rs`, the hardware FIB table: routes by (namespace, family, table,
//!   prefix, length), what the hardware does with each route type, the
//!   flags reported back to the kernel (`offload`, `trap`,
//!   `offload_failed`), and which driver each rule follows.
//! - `nexthop.rs`, the hardware nexthop table: nexthop objects, their room
//!   (`nexthop_capacity`) and their flags.
//! - `mcast.rs`, the hardware multicast routing table: VIFs and MFC
//!   entries (held), their room (`mfc_capacity`) and `MFC_OFFLOAD`.
//! - `debugfs.rs`: the knobs, the tables' views and the counters
//!   (`mock_switchdev/`).
//!
//! Forgetting (a failed registration, a detach) waits for the queue to be
//! idle, clears every flag the device set and empties its tables (routes,
//! nexthop objects, multicast); a retry or a resync forgets one namespace
//! the same way, unless the device
//! reconciles (`reconcile`, the default): then it marks the namespace's
//! entries stale and keeps them, the replay makes fresh again those it
//! gives (unchanged ones without a hardware write), and a sweep, queued
//! in order with the namespace's events once its replay is consistent,
//! removes what is still stale.

use kernel::{
    prelude::*,
    sync::{atomic::Atomic, Arc, Mutex},
    time::{Instant, Monotonic},
    workqueue::{new_delayed_work, DelayedWork},
};

use crate::{
    kernel_gaps::{new_spinlock_bh, OrderedQueue, SpinLockBh},
    listeners::attach::Attach,
    nets::NetId,
};

mod debugfs;
mod fib;
mod mcast;
mod nexthop;
mod notifier;
mod queue;

pub(crate) use debugfs::debugfs;

use debugfs::{MockKnobs, MockStats};
use fib::HwTable;
use mcast::McastTable;
use nexthop::NhTable;
use queue::Backlog;

/// The device: its queue, its two tables, its knobs and counters.
#[pin_data]
pub(crate) struct MockSwitchdev {
    wq: OrderedQueue,
    /// The operations waiting for `work`, and the spare entries. Written
    /// in the event callback: a BH lock (see `attach.rs`).
    #[pin]
    backlog: SpinLockBh<Backlog>,
    /// Applies the pending operations; queued on `wq`.
    #[pin]
    work: DelayedWork<MockSwitchdev>,
    /// The route table, changed by the work only.
    #[pin]
    hw: Mutex<HwTable>,
    /// Routes the table holds (stale ones aside: [`HwTable::claims`]) plus
    /// the adds queued for it (see [`MockSwitchdev::claim`]).
    claimed: Atomic<i64>,
    /// The multicast routing table, changed by the work only.
    #[pin]
    mc: Mutex<McastTable>,
    /// The nexthop table, changed in the event callback: a BH lock.
    #[pin]
    nexthops: SpinLockBh<NhTable>,
    /// When the device was made: the origin of the busy-wait windows.
    epoch: Instant<Monotonic>,
    /// The busy-wait window the callbacks are in, and how long they
    /// waited in it (microseconds; see `notifier.rs`).
    delay_window: Atomic<u64>,
    delay_spent: Atomic<u64>,
    knobs: MockKnobs,
    stats: MockStats,
}

impl MockSwitchdev {
    pub(crate) fn new() -> Result<Arc<Self>> {
        Arc::pin_init(
            try_pin_init!(Self {
                wq: OrderedQueue::new(c"rfn_mock_switchdev")?,
                backlog <- new_spinlock_bh!(Backlog::new()?, "MockSwitchdev::backlog"),
                work <- new_delayed_work!("MockSwitchdev::work"),
                hw <- kernel::new_mutex!(HwTable::new()),
                mc <- kernel::new_mutex!(McastTable::new()),
                claimed: Atomic::new(0),
                nexthops <- new_spinlock_bh!(NhTable::new(), "MockSwitchdev::nexthops"),
                epoch: Instant::now(),
                delay_window: Atomic::new(0),
                delay_spent: Atomic::new(0),
                knobs: MockKnobs::new(),
                stats: MockStats::new(),
            }? Error),
            GFP_KERNEL,
        )
    }

    /// Forgets one namespace, for a retry or a resync: waits for the queue
    /// (none of the namespace's events is queued after that: it is muted),
    /// then empties its part of the tables, clearing their flags.
    fn forget_net(&self, net: NetId) {
        self.wait_idle();
        let nexthops = self.nexthops.lock().remove_netns(net.inum());
        nexthop::unflag(net, nexthops.values());
        self.mc.lock().remove_netns(net.inum());
        let mut hw = self.hw.lock();
        let before = hw.claims();
        hw.remove_netns(net.inum(), true);
        self.account(before, hw.claims(), 0);
    }

    /// Marks one namespace stale, for a retry or a resync of a device that
    /// reconciles: waits for the queue (none of the namespace's events is
    /// queued after that: it is muted), then marks its entries in both
    /// tables. Nothing is written to the hardware, no flag changes; the
    /// marked routes stop holding a place against `claimed` (the replay
    /// claims them anew).
    fn mark_net(&self, net: NetId) {
        self.wait_idle();
        self.nexthops.lock().mark_netns(net.inum());
        self.mc.lock().mark_netns(net.inum());
        let mut hw = self.hw.lock();
        let before = hw.claims();
        hw.mark_netns(net.inum());
        self.account(before, hw.claims(), 0);
    }

    /// Sweeps one namespace once its replay is consistent: its stale
    /// nexthop objects leave the nexthop table now (it changes in the
    /// event callbacks, in their order), its stale routes in queue order.
    /// A gone namespace loses everything. Without a queue entry (no
    /// memory, no spare) the sweep waits for the queue and is applied at
    /// once: what is queued after it only adds what the kernel has.
    fn sweep_net(self: &Arc<Self>, net: NetId) {
        let all = net.get().is_none();
        let nexthops = self.nexthops.lock().take_stale(net.inum(), all);
        let op = queue::Op::Sweep {
            netns: net,
            nexthops,
            all,
        };
        if let Err(op) = self.queue_with(op, GFP_KERNEL) {
            self.wait_idle();
            self.apply(op);
        }
    }

    /// Waits for the queue, clears every flag the device set and empties
    /// its tables: routes, nexthop objects, multicast (`repair`: for a
    /// replay of everything, see `fib::GoneKey`).
    fn forget(&self, repair: bool) {
        self.wait_idle();
        let mut hw = self.hw.lock();
        let before = hw.claims();
        let routes = hw.take_all(repair);
        self.account(before, 0, 0);
        drop(hw);
        for (_, entry) in routes.iter() {
            entry.unreport();
        }
        self.mc.lock().clear();
        let nexthops = self.nexthops.lock().take_all();
        for nh in nexthops.values() {
            nexthop::unflag(nh.netns, core::iter::once(nh));
        }
    }
}

impl Attach for Arc<MockSwitchdev> {
    fn detached(&self) {
        self.forget(false);
    }
}
