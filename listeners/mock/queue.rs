// SPDX-License-Identifier: GPL-2.0

//! The mock's queue and its work: the operations the event callbacks
//! append, in chain order, and the one delayed work item that applies them
//! to the hardware tables, on the device's own ordered workqueue,
//! [`BATCH_DELAY`] after the queue stops being empty (netdevsim's
//! `fib_event_queue`, plus the delay).

use kernel::{
    alloc::Flags,
    list::{impl_list_arc_safe, impl_list_item, List, ListArc, ListLinks},
    prelude::*,
    rbtree::RBTree,
    sync::{atomic::Relaxed, Arc, UniqueArc},
    workqueue::{impl_has_delayed_work, WorkItem},
};

use super::{
    mcast::{HwMfc, HwVif},
    nexthop,
    nexthop::HwNexthop,
    MockSwitchdev,
};
use crate::{
    events::{MfcRef, RouteRef},
    ffi::MAXVIFS,
    kernel_gaps::FlushDelayedWork,
    knob::count,
    listeners::table::{MfcKey, NhKey, RouteKey, VifKey},
    nets::NetId,
};
use kernel::rbtree::RBTreeNodeReservation;

/// How long the work waits for more events before it applies them
/// (jiffies): a burst of route changes is one wake-up of the worker, not
/// one per change, and a route is flagged a tick later at most.
const BATCH_DELAY: kernel::time::Jiffies = 1;

/// How many events can be waiting in spare entries at once.
pub(super) const SPARE_ENTRIES: usize = 256;

/// One event, as the work applies it.
pub(super) enum Op {
    /// A route: all of it (`ENTRY_REPLACE`), or IPv6 nexthops appended to
    /// it (`ENTRY_APPEND`, `append`).
    Add {
        /// The route object of the first nexthop, and (IPv6) the others.
        first: RouteRef,
        rest: KVec<RouteRef>,
        netns: NetId,
        append: bool,
        /// Something could not be allocated for it: report it
        /// `offload_failed`, never lose it silently.
        refuse: bool,
    },
    /// A route gone (IPv4), or IPv6 nexthops gone (`routes`): the route
    /// goes with its last nexthop.
    Del {
        key: RouteKey,
        routes: KVec<RouteRef>,
    },
    /// A namespace's last event: its routes go, and the flags of the
    /// nexthop objects `nexthops` (already out of the nexthop table).
    NetnsExit {
        netns: NetId,
        nexthops: RBTree<NhKey, HwNexthop>,
    },
    /// A namespace's replay was consistent: its stale routes go (`all`:
    /// every route, the namespace is gone), and the flags of its stale
    /// nexthop objects `nexthops` (already out of the nexthop table).
    Sweep {
        netns: NetId,
        nexthops: RBTree<NhKey, HwNexthop>,
        all: bool,
    },
    /// A nexthop object (re)programmed: flag it (and its `buckets`), and
    /// offload the routes that waited for it.
    Nexthop { netns: NetId, id: u32, buckets: u16 },
    /// A nexthop object gone: the routes using it wait again.
    NexthopDel { netns: NetId, id: u32 },
    /// A resilient group's bucket reprogrammed.
    Bucket { netns: NetId, id: u32, index: u16 },
    /// A multicast routing entry added or replaced (`key` names `mfc`'s
    /// object), with the room to hold it.
    MfcSet {
        key: MfcKey,
        mfc: MfcRef,
        /// Its input VIF and each VIF's TTL threshold.
        vifs: (u16, [u8; MAXVIFS]),
        room: RBTreeNodeReservation<MfcKey, HwMfc>,
    },
    /// A multicast routing entry removed.
    MfcDel { key: MfcKey },
    /// A multicast routing VIF added, with the room to hold it.
    VifAdd {
        key: VifKey,
        ifindex: u32,
        room: RBTreeNodeReservation<VifKey, HwVif>,
    },
    /// A multicast routing VIF removed.
    VifDel { key: VifKey },
}

impl Op {
    /// Places in the table the operation claimed when it was queued
    /// ([`MockSwitchdev::claim`]): one for an add, none for an append.
    pub(super) fn claims(&self) -> i64 {
        i64::from(matches!(self, Op::Add { append: false, .. }))
    }
}

/// One operation waiting to be applied, in the [`Backlog`].
///
/// # Invariants
///
/// Never shared: created as a [`UniqueArc`], and only ever held by one
/// [`ListArc`] (in a list or in flight), so it can be made unique again.
#[pin_data]
struct QueuedOp {
    op: Option<Op>,
    /// One of the device's spares: back to them once applied.
    is_spare: bool,
    #[pin]
    links: ListLinks,
}

impl_list_arc_safe! {
    impl ListArcSafe<0> for QueuedOp { untracked; }
}
impl_list_item! {
    impl ListItem<0> for QueuedOp { using ListLinks { self.links }; }
}

impl QueuedOp {
    /// An empty entry (`GFP_ATOMIC` in the event callback).
    fn new(is_spare: bool, flags: Flags) -> Result<Pin<UniqueArc<Self>>> {
        UniqueArc::pin_init(
            pin_init!(Self {
                op: None,
                is_spare,
                links <- ListLinks::new(),
            }),
            flags,
        )
    }

    /// The entry out of a list, unique again (type invariant).
    fn unique(entry: ListArc<Self>) -> Option<Pin<UniqueArc<Self>>> {
        Arc::into_unique_or_drop(entry.into_arc())
    }
}

/// The device's pending operations and its spare entries.
///
/// Spare entries are allocated up front, for events whose own could not
/// be allocated (`GFP_ATOMIC` failed): a spare takes the event's place in
/// the list, so every event is applied in chain order, and the failure
/// path allocates nothing.
pub(super) struct Backlog {
    ops: List<QueuedOp>,
    spares: List<QueuedOp>,
    /// Entries in `spares`.
    spares_free: usize,
}

impl_has_delayed_work! {
    impl HasDelayedWork<Self> for MockSwitchdev { self.work }
}

impl Backlog {
    /// No pending operation, and [`SPARE_ENTRIES`] spares.
    pub(super) fn new() -> Result<Self> {
        let mut spares = List::new();
        for _ in 0..SPARE_ENTRIES {
            spares.push_back(ListArc::from(QueuedOp::new(true, GFP_KERNEL)?));
        }
        Ok(Self {
            ops: List::new(),
            spares,
            spares_free: SPARE_ENTRIES,
        })
    }
}

impl WorkItem for MockSwitchdev {
    type Pointer = Arc<MockSwitchdev>;

    /// Applies the pending operations, in chain order. The list is taken
    /// whole (netdevsim's `list_splice_init()`): events that come while
    /// it is applied start a new one and queue this work again.
    fn run(sw: Arc<MockSwitchdev>) {
        let ops = core::mem::take(&mut sw.backlog.lock().ops);
        for entry in ops {
            // Never `None` (entries are never shared); counted all the same.
            if let Some(mut entry) = QueuedOp::unique(entry) {
                let this = entry.as_mut().project();
                if let Some(op) = this.op.take() {
                    sw.apply(op);
                }
                if *this.is_spare {
                    let mut backlog = sw.backlog.lock();
                    backlog.spares.push_back(ListArc::from(entry));
                    backlog.spares_free += 1;
                }
            }
            sw.stats.pending.fetch_sub(1, Relaxed);
        }
    }
}

impl MockSwitchdev {
    /// Applies one operation to the table (process context, in queue
    /// order).
    pub(super) fn apply(&self, op: Op) {
        let mfc_capacity = self.knobs.mfc_capacity.get();
        let mut hw = self.hw.lock();
        let (before, claim) = (hw.claims(), op.claims());
        match op {
            Op::Add {
                first,
                rest,
                netns,
                append,
                refuse,
            } => {
                self.add(&mut hw, first, rest, netns, refuse, append);
            }
            Op::Del { key, routes } => hw.del(&key, &routes),
            Op::NetnsExit { netns, nexthops } => {
                hw.remove_netns(netns.inum(), false);
                nexthop::unflag(netns, nexthops.values());
                self.mc.lock().remove_netns(netns.inum());
            }
            Op::Sweep {
                netns,
                nexthops,
                all,
            } => {
                nexthop::unflag(netns, nexthops.values());
                for nh in nexthops.values() {
                    self.nexthop_routes(&mut hw, netns.inum(), nh.id, false);
                }
                let all = all || netns.get().is_none();
                hw.sweep_netns(netns.inum(), all);
                self.mc.lock().sweep_netns(netns.inum(), all, mfc_capacity);
            }
            Op::Nexthop { netns, id, buckets } => {
                nexthop::flag(netns, id, buckets);
                self.nexthop_routes(&mut hw, netns.inum(), id, true);
            }
            Op::NexthopDel { netns, id } => self.nexthop_routes(&mut hw, netns.inum(), id, false),
            Op::Bucket { netns, id, index } => nexthop::flag_bucket(netns, id, index),
            Op::MfcSet {
                key,
                mfc,
                vifs,
                room,
            } => self.mc.lock().mfc_set(key, mfc, vifs, room, mfc_capacity),
            Op::MfcDel { key } => self.mc.lock().mfc_del(&key),
            Op::VifAdd { key, ifindex, room } => {
                self.mc.lock().vif_add(key, ifindex, room, mfc_capacity);
            }
            Op::VifDel { key } => self.mc.lock().vif_del(&key, mfc_capacity),
        }
        // No arm above returns early: every change is counted here.
        self.account(before, hw.claims(), claim);
    }

    /// Waits until every operation queued so far is applied: the work runs
    /// now if its delay has not passed (process context). Not
    /// `drain_workqueue()`: that one WARNs if events keep coming.
    pub(super) fn wait_idle(&self) {
        self.work.flush();
    }

    /// A spare entry, unless `spare_limit` of them are in flight.
    fn take_spare(&self) -> Option<Pin<UniqueArc<QueuedOp>>> {
        let mut backlog = self.backlog.lock();
        let limit = usize::try_from(self.knobs.spares.get()).unwrap_or(SPARE_ENTRIES);
        if SPARE_ENTRIES - backlog.spares_free >= limit {
            return None;
        }
        let spare = backlog.spares.pop_front()?;
        backlog.spares_free -= 1;
        QueuedOp::unique(spare)
    }

    /// Appends one operation to the backlog (atomic context). When no
    /// entry can be allocated a spare takes its place (an add then ends
    /// `offload_failed`); only with every spare in flight is it lost
    /// (counted): `Err`, and the caller has the namespace resynced.
    pub(super) fn queue(self: &Arc<Self>, op: Op) -> Result {
        self.queue_with(op, GFP_ATOMIC).map_err(|_| {
            count(&self.stats.lost);
            ENOMEM
        })
    }

    /// Appends one operation to the backlog, its entry allocated with
    /// `flags`, else a spare; gives it back if neither is there (counted
    /// in `alloc_failed`).
    pub(super) fn queue_with(self: &Arc<Self>, mut op: Op, flags: Flags) -> Result<(), Op> {
        let mut entry = match QueuedOp::new(false, flags) {
            Ok(entry) => entry,
            Err(_) => {
                count(&self.stats.alloc_failed);
                let Some(spare) = self.take_spare() else {
                    return Err(op);
                };
                if let Op::Add { refuse, .. } = &mut op {
                    *refuse = true;
                }
                spare
            }
        };
        *entry.as_mut().project().op = Some(op);
        let depth = count(&self.stats.pending);
        // A high-water mark: a lost race only loses a sample.
        if depth > self.stats.pending_hwm.load(Relaxed) {
            self.stats.pending_hwm.store(depth, Relaxed);
        }
        let was_empty = {
            let mut backlog = self.backlog.lock();
            let was_empty = backlog.ops.is_empty();
            backlog.ops.push_back(ListArc::from(entry));
            was_empty
        };
        // Only the event that found the backlog empty queues the work: a
        // later one is in the list the work takes (the work is queued, or
        // it runs and has not taken the list yet).
        if was_empty {
            // `Err`: already queued, it will take our entry too.
            drop(self.wq.enqueue_delayed(self.clone(), BATCH_DELAY));
        }
        Ok(())
    }
}
