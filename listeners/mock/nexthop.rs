// SPDX-License-Identifier: GPL-2.0

//! The mock's hardware nexthop table.
//!
//! Nexthop objects go into a "hardware" nexthop table of their own
//! (`nexthop_capacity`, counted as netdevsim counts: 1 for a nexthop, the
//! sum of the members' weights for a group, the buckets of a resilient
//! group). It is updated in
//! the event callback itself, so a nexthop that does not fit is vetoed at

use kernel::{
    prelude::*,
    rbtree::{RBTree, RBTreeNodeReservation},
};

use super::{queue::Op, MockSwitchdev};
use crate::{
    events::{Event, NexthopEvent, NexthopObject},
    ffi,
    knob::count,
    listeners::table::{self, NetnsKey, NhKey},
    nets::NetId,
};

#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum NhKind {
    Single,
    Group,
    Resilient,
}

/// A nexthop object in the "hardware".
pub(super) struct HwNexthop {
    pub(super) id: u32,
    pub(super) kind: NhKind,
    /// Entries it takes: 1, its members' weights, or its buckets.
    pub(super) occupancy: u32,
    pub(super) netns: NetId,
    /// Marked before its namespace is replayed again (the device
    /// reconciles), until a replace gives it again or a sweep removes it.
    stale: bool,
}

impl HwNexthop {
    /// A resilient group's bucket count (0 for the others).
    fn buckets(&self) -> u16 {
        match self.kind {
            NhKind::Resilient => u16::try_from(self.occupancy).unwrap_or(u16::MAX),
            _ => 0,
        }
    }
}

/// The hardware nexthop table.
pub(super) struct NhTable {
    pub(super) objects: RBTree<NhKey, HwNexthop>,
    /// The sum of the objects' occupancies.
    pub(super) occupancy: u64,
    /// Hardware entry writes (inserts, updates, removals), objects marked
    /// stale, stale objects swept.
    pub(super) writes: u64,
    pub(super) marked: u64,
    pub(super) swept: u64,
}

impl NhTable {
    pub(super) fn new() -> Self {
        Self {
            objects: RBTree::new(),
            occupancy: 0,
            writes: 0,
            marked: 0,
            swept: 0,
        }
    }

    /// Takes every object out (whose flags the caller clears).
    pub(super) fn take_all(&mut self) -> RBTree<NhKey, HwNexthop> {
        self.occupancy = 0;
        let taken = core::mem::replace(&mut self.objects, RBTree::new());
        self.writes += taken.iter().count() as u64;
        taken
    }

    /// Removes the namespace's objects and returns them (whose flags the
    /// caller clears). Allocates nothing: any context.
    pub(super) fn remove_netns(&mut self, inum: u32) -> RBTree<NhKey, HwNexthop> {
        let taken = table::take_netns(&mut self.objects, inum);
        self.occupancy -= taken
            .values()
            .map(|nh| u64::from(nh.occupancy))
            .sum::<u64>();
        self.writes += taken.iter().count() as u64;
        taken
    }

    /// Marks the namespace's objects stale (no write, no flag).
    pub(super) fn mark_netns(&mut self, inum: u32) {
        let mut cursor = self.objects.cursor_lower_bound_mut(&NhKey::first_of(inum));
        while let Some(mut c) = cursor {
            let (key, nh) = c.current_mut();
            if key.inum != inum {
                break;
            }
            self.marked += u64::from(!nh.stale);
            nh.stale = true;
            cursor = c.move_next();
        }
    }

    /// Removes the namespace's stale objects (`all`: every object) and
    /// returns them (whose flags the caller clears). Allocates nothing:
    /// any context.
    pub(super) fn take_stale(&mut self, inum: u32, all: bool) -> RBTree<NhKey, HwNexthop> {
        let mut taken = RBTree::new();
        let mut cursor = self.objects.cursor_lower_bound_mut(&NhKey::first_of(inum));
        while let Some(c) = cursor {
            let (key, nh) = c.current();
            if key.inum != inum {
                break;
            }
            if !all && !nh.stale {
                cursor = c.move_next();
                continue;
            }
            self.occupancy -= u64::from(nh.occupancy);
            self.writes += 1;
            self.swept += u64::from(nh.stale);
            let (next, node) = c.remove_current();
            // Keys are unique: nothing is replaced.
            drop(taken.insert(node));
            cursor = next;
        }
        taken
    }
}

/// Clears the flags of the nexthop objects `nexthops` of `netns` (and
/// their buckets), if it is alive (process context).
pub(super) fn unflag<'a>(netns: NetId, nexthops: impl Iterator<Item = &'a HwNexthop>) {
    if let Some(net) = netns.get() {
        with_rtnl(|| {
            for nh in nexthops {
                net.set_nexthop_hw_flags(nh.id, false, false);
                for index in 0..nh.buckets() {
                    net.set_nexthop_bucket_hw_flags(nh.id, index, false);
                }
            }
        });
    }
}

/// Runs `f` under RTNL. The kernel's nexthop flag setters change
/// `nh_flags` without a lock, which a replace rewrites under RTNL (netdevsim
/// sets them from its notifier, under RTNL). Process context; the mock's
/// work is never waited for under RTNL.
fn with_rtnl(f: impl FnOnce()) {
    // SAFETY: process context, no lock held that RTNL nests inside.
    unsafe { ffi::rfn_rtnl_lock() };
    f();
    // SAFETY: taken above.
    unsafe { ffi::rfn_rtnl_unlock() };
}

/// Sets the `offload` flag of nexthop object `id` of `netns` and of its
/// `buckets`, and reports the buckets busy (process context).
pub(super) fn flag(netns: NetId, id: u32, buckets: u16) {
    if let Some(net) = netns.get() {
        with_rtnl(|| {
            net.set_nexthop_hw_flags(id, true, false);
            for index in 0..buckets {
                net.set_nexthop_bucket_hw_flags(id, index, true);
            }
        });
        if buckets > 0 {
            net.nexthop_buckets_busy(id, buckets);
        }
    }
}

/// Sets the `offload` flag of bucket `index` of group `id` (process
/// context).
pub(super) fn flag_bucket(netns: NetId, id: u32, index: u16) {
    if let Some(net) = netns.get() {
        with_rtnl(|| net.set_nexthop_bucket_hw_flags(id, index, true));
    }
}

impl MockSwitchdev {
    /// Whether the nexthop table holds object `id` of namespace `inum`.
    pub(super) fn holds_nexthop(&self, inum: u32, id: u32) -> bool {
        self.nexthops
            .lock()
            .objects
            .get(&NhKey { inum, id })
            .is_some()
    }

    /// A nexthop object added or replaced: takes its room in the table, or
    /// vetoes it (atomic context). Returns what the work item reports.
    fn program_nexthop(&self, event: &Event<'_>, id: u32, object: NexthopObject) -> Result<Op> {
        let (kind, occupancy, buckets) = match object {
            NexthopObject::Single(_) => (NhKind::Single, 1, 0),
            // As netdevsim: a group takes the sum of its members' weights.
            NexthopObject::Group { members, .. } => {
                let weights = (0..u32::from(members))
                    .filter_map(|i| event.nexthop_member(i))
                    .map(|nh| u32::from(nh.weight()))
                    .sum();
                (NhKind::Group, weights, 0)
            }
            NexthopObject::Resilient { buckets } => (NhKind::Resilient, buckets.into(), buckets),
            _ => return Err(EINVAL),
        };
        let netns = event.netns_id().ok_or(EINVAL)?;
        let key = NhKey {
            inum: netns.inum(),
            id,
        };
        // Allocated before the lock, used only for a new object.
        let slot = RBTreeNodeReservation::new(GFP_ATOMIC);
        let mut t = self.nexthops.lock();
        let old = t.objects.get(&key).map_or(0, |nh| u64::from(nh.occupancy));
        // A replace that does not grow always fits (a group losing a
        // member must not fail because the table was shrunk meanwhile).
        let new = u64::from(occupancy);
        if new > old && t.occupancy - old + new > self.knobs.nexthop_capacity.get() {
            drop(t);
            count(&self.stats.nexthops_vetoed);
            event.set_extack(c"rust_fib_notifier mock switchdev: hardware nexthop table is full");
            return Err(ENOSPC);
        }
        let value = HwNexthop {
            id,
            kind,
            occupancy,
            netns,
            stale: false,
        };
        if let Some(nh) = t.objects.get_mut(&key) {
            // Unchanged (what the hardware records of it): no write, fresh
            // again; its flags are set again, which changes nothing.
            let unchanged = nh.kind == kind && nh.occupancy == occupancy;
            *nh = value;
            t.writes += u64::from(!unchanged);
        } else {
            let Ok(slot) = slot else {
                drop(t);
                count(&self.stats.alloc_failed);
                event.set_extack(c"rust_fib_notifier mock switchdev: out of memory");
                return Err(ENOMEM);
            };
            drop(t.objects.insert(slot.into_node(key, value)));
            t.writes += 1;
        }
        t.occupancy = t.occupancy - old + u64::from(occupancy);
        Ok(Op::Nexthop { netns, id, buckets })
    }

    /// A nexthop event (atomic context): the table changes now, the flags
    /// from the work item. `None`: nothing to queue.
    pub(super) fn nexthop_event(
        &self,
        event: &Event<'_>,
        what: NexthopEvent,
    ) -> Result<Option<Op>> {
        count(&self.stats.nexthop_events);
        let (Some((id, object)), Some(netns)) = (event.nexthop_object(), event.netns_id()) else {
            return Ok(None);
        };
        Ok(match (what, object) {
            (NexthopEvent::Replace, object) => Some(self.program_nexthop(event, id, object)?),
            (NexthopEvent::Del, _) => {
                let mut t = self.nexthops.lock();
                let key = NhKey {
                    inum: netns.inum(),
                    id,
                };
                let nh = t.objects.remove(&key);
                t.writes += u64::from(nh.is_some());
                t.occupancy -= nh.map_or(0, |nh| u64::from(nh.occupancy));
                Some(Op::NexthopDel { netns, id })
            }
            (NexthopEvent::BucketReplace, NexthopObject::Bucket { index, .. }) => {
                count(&self.stats.bucket_events);
                Some(Op::Bucket { netns, id, index })
            }
            // Same bucket count (the kernel requires it): it fits.
            _ => None,
        })
    }
}
