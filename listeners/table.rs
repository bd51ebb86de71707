// SPDX-License-Identifier: GPL-2.0

//! What in-crate listeners share: the key routes are held by, and the
//! removal of a namespace's entries.

use kernel::rbtree::RBTree;

use crate::events::{Family, Route};

/// The key the kernel notifies routes by, and hardware keys them by (as
/// netdevsim does): one entry per namespace, family, table, prefix and
/// length. Sorted by namespace first.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
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
        key.dst[..route.dst().len()].copy_from_slice(route.dst());
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
            family: 0,
            table: 0,
            dst: [0; 16],
            dst_len: 0,
        }
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
    mut removed: impl FnMut(V),
) {
    let mut cursor = tree.cursor_lower_bound_mut(&K::first_of(inum));
    while let Some(c) = cursor {
        if c.current().0.inum() != inum {
            break;
        }
        let (next, node) = c.remove_current();
        removed(node.to_key_value().1);
        cursor = next;
    }
}
