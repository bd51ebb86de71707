// SPDX-License-Identifier: GPL-2.0

//! The hardware multicast routing table: VIFs and MFC entries, as mlxsw's
//! `spectrum_mr.c` offloads them, changed by the work only (in queue
//! order).
//!
//! - A VIF is held as its device: the entries whose input VIF is held
//!   can be forwarded in hardware.
//! - An entry is held with a reference on the kernel's entry
//!   (`mr_cache_hold()`), dropped when it leaves the table. It is in the
//!   hardware when its input VIF is held and the table has room
//!   (`mfc_capacity`); then `MFC_OFFLOAD` is set on it (`ip mroute` shows
//!   `offload`), else cleared: mlxsw flags an entry whose action is not a
//!   trap to the CPU.
//! - A VIF added or removed re-evaluates the entries it is the input of.
//!
//! Mark and sweep as the route table: a marked entry stays in the
//! hardware with its flag; a replayed entry that says what is held is
//! fresh again without a hardware write; a sweep removes what is still
//! stale.

use kernel::rbtree::{RBTree, RBTreeNodeReservation};

use crate::{
    events::MfcRef,
    ffi::MAXVIFS,
    listeners::table::{self, MfcKey, VifKey},
};

/// A VIF in the hardware.
pub(super) struct HwVif {
    pub(super) ifindex: u32,
    stale: bool,
}

/// An MFC entry the device holds.
pub(super) struct HwMfc {
    /// The kernel's entry, held.
    pub(super) mfc: MfcRef,
    pub(super) parent: u16,
    pub(super) ttls: [u8; MAXVIFS],
    /// In the hardware, flagged `offload`.
    pub(super) in_hw: bool,
    stale: bool,
}

/// The device's multicast table.
pub(super) struct McastTable {
    pub(super) vifs: RBTree<VifKey, HwVif>,
    pub(super) entries: RBTree<MfcKey, HwMfc>,
    /// Entries in the hardware.
    pub(super) in_hw: u64,
    /// Hardware writes: VIFs and entries programmed, changed or removed.
    pub(super) writes: u64,
    /// Entries and VIFs marked stale, and swept, in all.
    pub(super) marked: u64,
    pub(super) swept: u64,
}

/// The VIF key that `entry`'s input is, in `key`'s table.
fn input_of(key: &MfcKey, parent: u16) -> VifKey {
    VifKey {
        inum: key.inum,
        family: key.family,
        table: key.table,
        index: parent,
    }
}

impl McastTable {
    pub(super) fn new() -> Self {
        Self {
            vifs: RBTree::new(),
            entries: RBTree::new(),
            in_hw: 0,
            writes: 0,
            marked: 0,
            swept: 0,
        }
    }

    /// Puts `e` in the hardware or takes it out, as its input VIF and the
    /// room (`capacity` entries) say; flags it accordingly.
    fn place(
        vifs: &RBTree<VifKey, HwVif>,
        in_hw: &mut u64,
        writes: &mut u64,
        key: &MfcKey,
        e: &mut HwMfc,
        capacity: u64,
    ) {
        let want = vifs.get(&input_of(key, e.parent)).is_some() && (e.in_hw || *in_hw < capacity);
        if want != e.in_hw {
            e.in_hw = want;
            *in_hw = if want { *in_hw + 1 } else { *in_hw - 1 };
            *writes += 1;
            e.mfc.set_offload(want);
        }
    }

    /// A VIF added (or replayed): held, and the entries it is the input of
    /// placed again. One held already as the event says is only made
    /// fresh again: no hardware write.
    pub(super) fn vif_add(
        &mut self,
        key: VifKey,
        ifindex: u32,
        room: RBTreeNodeReservation<VifKey, HwVif>,
        capacity: u64,
    ) {
        if let Some(v) = self.vifs.get_mut(&key) {
            v.stale = false;
            if v.ifindex == ifindex {
                return;
            }
            v.ifindex = ifindex;
        } else {
            let vif = HwVif {
                ifindex,
                stale: false,
            };
            drop(self.vifs.insert(room.into_node(key, vif)));
        }
        self.writes += 1;
        self.replace_inputs(&key, capacity);
    }

    /// A VIF removed: the entries it is the input of leave the hardware.
    pub(super) fn vif_del(&mut self, key: &VifKey, capacity: u64) {
        if self.vifs.remove(key).is_some() {
            self.writes += 1;
            self.replace_inputs(key, capacity);
        }
    }

    /// Places again every entry whose input VIF is `vif`.
    fn replace_inputs(&mut self, vif: &VifKey, capacity: u64) {
        self.place_netns(vif.inum, capacity, |k, e| {
            k.family == vif.family && k.table == vif.table && e.parent == vif.index
        });
    }

    /// Places again the entries of the namespace `inum` that `which`
    /// picks.
    fn place_netns(&mut self, inum: u32, capacity: u64, which: impl Fn(&MfcKey, &HwMfc) -> bool) {
        let Self {
            vifs,
            entries,
            in_hw,
            writes,
            ..
        } = self;
        table::each_of_netns(entries, inum, |k, e| {
            if which(k, e) {
                Self::place(vifs, in_hw, writes, k, e, capacity);
            }
        });
    }

    /// An entry added or replaced (or replayed): held as the event says,
    /// and placed. An entry held already as the event says is only made
    /// fresh again: no hardware write. `key` names `mfc`'s object.
    pub(super) fn mfc_set(
        &mut self,
        key: MfcKey,
        mfc: MfcRef,
        (parent, ttls): (u16, [u8; MAXVIFS]),
        room: RBTreeNodeReservation<MfcKey, HwMfc>,
        capacity: u64,
    ) {
        let Self {
            vifs,
            entries,
            in_hw,
            writes,
            ..
        } = self;
        if let Some(e) = entries.get_mut(&key) {
            // The same object (the key says so): the reference held stays,
            // the event's goes.
            e.stale = false;
            if e.parent != parent || e.ttls != ttls {
                e.parent = parent;
                e.ttls = ttls;
                // The outputs are rewritten in place.
                *writes += u64::from(e.in_hw);
                Self::place(vifs, in_hw, writes, &key, e, capacity);
            }
            return;
        }
        let mut e = HwMfc {
            mfc,
            parent,
            ttls,
            in_hw: false,
            stale: false,
        };
        Self::place(vifs, in_hw, writes, &key, &mut e, capacity);
        drop(entries.insert(room.into_node(key, e)));
    }

    /// An entry removed: out of the hardware, unflagged, released.
    pub(super) fn mfc_del(&mut self, key: &MfcKey) {
        if let Some(e) = self.entries.remove(key) {
            removed(&mut self.in_hw, &mut self.writes, &e);
        }
    }

    /// Everything of the namespace `inum` goes (unflagged, released): it
    /// is gone, or forgotten.
    pub(super) fn remove_netns(&mut self, inum: u32) {
        self.sweep_netns(inum, true, 0);
    }

    /// Everything goes (unflagged, released).
    pub(super) fn clear(&mut self) {
        let entries = core::mem::replace(&mut self.entries, RBTree::new());
        for e in entries.values() {
            removed(&mut self.in_hw, &mut self.writes, e);
        }
        self.writes += self.vifs.iter().count() as u64;
        self.vifs = RBTree::new();
    }

    /// Marks everything of `inum` stale (it stays in the hardware, with
    /// its flags).
    pub(super) fn mark_netns(&mut self, inum: u32) {
        let marked = &mut self.marked;
        table::each_of_netns(&mut self.vifs, inum, |_, v| {
            v.stale = true;
            *marked += 1;
        });
        table::each_of_netns(&mut self.entries, inum, |_, e| {
            e.stale = true;
            *marked += 1;
        });
    }

    /// Removes what is still stale of `inum` (`all`: everything, the
    /// namespace is gone, counted as swept only if marked): entries, then
    /// VIFs, then places again the entries left. Allocates nothing.
    pub(super) fn sweep_netns(&mut self, inum: u32, all: bool, capacity: u64) {
        let Self {
            vifs,
            entries,
            in_hw,
            writes,
            swept,
            ..
        } = self;
        table::remove_netns_if(
            entries,
            inum,
            |e| all || e.stale,
            |e| {
                *swept += u64::from(e.stale);
                removed(in_hw, writes, &e);
            },
        );
        table::remove_netns_if(
            vifs,
            inum,
            |v| all || v.stale,
            |v| {
                *swept += u64::from(v.stale);
                *writes += 1;
            },
        );
        self.place_netns(inum, capacity, |_, _| true);
    }
}

/// `e` leaves the table: out of the hardware (counted in `in_hw` and
/// `writes`), unflagged.
fn removed(in_hw: &mut u64, writes: &mut u64, e: &HwMfc) {
    if e.in_hw {
        *in_hw -= 1;
        *writes += 1;
        e.mfc.set_offload(false);
    }
}
