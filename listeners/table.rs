// SPDX-License-Identifier: GPL-2.0

//! What in-crate listeners share: the key routes are held by, and the
//! removal of a namespace's entries.

use core::fmt;

use kernel::rbtree::RBTree;

use crate::{
    events::{Family, Mfc, Route, Vif},
    knob,
};

/// `from` (an address: 4 or 16 bytes) at the start of `to`, the rest left
/// as it is: element by element, so no length check can panic.
pub(crate) fn copy_addr(to: &mut [u8; 16], from: &[u8]) {
    for (t, f) in to.iter_mut().zip(from) {
        *t = *f;
    }
}

/// The key the kernel notifies routes by, and hardware keys them by (as
/// netdevsim does): one entry per namespace, family, table, prefix and
/// length. Sorted by namespace first.
#[derive(Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct RouteKey {
    pub(crate) inum: u32,
    pub(crate) family: u8,
    pub(crate) table: u32,
    pub(crate) dst: [u8; 16],
    pub(crate) dst_len: u8,
}

impl RouteKey {
    /// The key of `route` in the namespace `inum`.
    pub(crate) fn of(inum: u32, route: &Route) -> Self {
        let mut key = Self {
            inum,
            family: route.family().map_or(0, Family::version),
            table: route.table(),
            dst: [0; 16],
            dst_len: route.dst_len(),
        };
        copy_addr(&mut key.dst, route.dst());
        key
    }
}

/// A nexthop object's key: namespace and id (`ip nexthop ... id N`).
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct NhKey {
    pub(crate) inum: u32,
    pub(crate) id: u32,
}

impl NetnsKey for NhKey {
    fn inum(&self) -> u32 {
        self.inum
    }

    fn first_of(inum: u32) -> Self {
        Self { inum, id: 0 }
    }
}

/// A multicast routing VIF's key: namespace, family, table, VIF index.
#[derive(Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct VifKey {
    pub(crate) inum: u32,
    pub(crate) family: u8,
    pub(crate) table: u32,
    pub(crate) index: u16,
}

impl VifKey {
    /// The key of `vif` in the namespace `inum`.
    pub(crate) fn of(inum: u32, vif: &Vif) -> Self {
        Self {
            inum,
            family: vif.family().map_or(0, Family::version),
            table: vif.table(),
            index: vif.index(),
        }
    }
}

impl NetnsKey for VifKey {
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

/// A multicast routing entry's key: namespace, family, table, source,
/// group, as `ip mroute` lists them. `obj` tells apart entries the kernel
/// holds twice under one (source, group) (proxy entries, with different
/// input VIFs): the entry object's address, which a listener that holds
/// the object keeps (0 for one that does not).
#[derive(Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct MfcKey {
    pub(crate) inum: u32,
    pub(crate) family: u8,
    pub(crate) table: u32,
    pub(crate) origin: [u8; 16],
    pub(crate) group: [u8; 16],
    pub(crate) obj: usize,
}

impl MfcKey {
    /// The key of `mfc` in the namespace `inum`, with its object's
    /// address `obj` (or 0).
    pub(crate) fn of(inum: u32, mfc: &Mfc, obj: usize) -> Self {
        let mut key = Self {
            inum,
            family: mfc.family().map_or(0, Family::version),
            table: mfc.table(),
            origin: [0; 16],
            group: [0; 16],
            obj,
        };
        copy_addr(&mut key.origin, mfc.origin());
        copy_addr(&mut key.group, mfc.group());
        key
    }
}

impl MfcKey {
    /// Writes `<netns inum> <4|6> table <t> (<source>,<group>) iif <vif>
    /// oifs`: how listeners' `mroutes` files start an entry's line.
    pub(crate) fn write_head(&self, f: &mut fmt::Formatter<'_>, parent: u16) -> fmt::Result {
        write!(f, "{} {} table {} (", self.inum, self.family, self.table)?;
        knob::write_addr(f, self.family, &self.origin)?;
        f.write_str(",")?;
        knob::write_addr(f, self.family, &self.group)?;
        write!(f, ") iif {parent} oifs")
    }
}

impl NetnsKey for MfcKey {
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

/// Keys that sort by namespace inode first.
pub(crate) trait NetnsKey: Ord {
    fn inum(&self) -> u32;
    /// The smallest key of the namespace.
    fn first_of(inum: u32) -> Self;
}

impl NetnsKey for RouteKey {
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

/// Calls `f` with every entry of the namespace `inum`, in key order.
pub(crate) fn each_of_netns<K: NetnsKey, V>(
    tree: &mut RBTree<K, V>,
    inum: u32,
    mut f: impl FnMut(&K, &mut V),
) {
    let mut cursor = tree.cursor_lower_bound_mut(&K::first_of(inum));
    while let Some(mut c) = cursor {
        let (k, v) = c.current_mut();
        if k.inum() != inum {
            break;
        }
        f(k, v);
        cursor = c.move_next();
    }
}

/// Removes the entries of the namespace `inum` that `gone` picks, handing
/// each value to `removed` (allocates nothing; any context).
pub(crate) fn remove_netns_if<K: NetnsKey, V>(
    tree: &mut RBTree<K, V>,
    inum: u32,
    gone: impl Fn(&V) -> bool,
    mut removed: impl FnMut(V),
) {
    let mut cursor = tree.cursor_lower_bound_mut(&K::first_of(inum));
    while let Some(c) = cursor {
        let (k, v) = c.current();
        if k.inum() != inum {
            break;
        }
        if !gone(v) {
            cursor = c.move_next();
            continue;
        }
        // The next entry, else the previous one (kept, or of another
        // namespace): the walk goes on from there.
        let (next, node) = c.remove_current();
        removed(node.to_key_value().1);
        cursor = next;
    }
}

/// Moves every entry of the namespace `inum` into a tree of their own
/// (allocates nothing: the nodes move; any context).
pub(crate) fn take_netns<K: NetnsKey, V>(tree: &mut RBTree<K, V>, inum: u32) -> RBTree<K, V> {
    let mut taken = RBTree::new();
    let mut cursor = tree.cursor_lower_bound_mut(&K::first_of(inum));
    while let Some(c) = cursor {
        if c.current().0.inum() != inum {
            break;
        }
        let (next, node) = c.remove_current();
        // Keys are unique: nothing is replaced.
        drop(taken.insert(node));
        cursor = next;
    }
    taken
}

/// Removes every entry of the namespace `inum`, handing each value to
/// `removed`.
pub(crate) fn remove_netns<K: NetnsKey, V>(
    tree: &mut RBTree<K, V>,
    inum: u32,
    removed: impl FnMut(V),
) {
    remove_netns_if(tree, inum, |_| true, removed);
}
