// SPDX-License-Identifier: GPL-2.0

//! The bridged namespaces: the C glue's `rfn_nets` list, walked under RCU.
//!
//! A namespace is on the list from before its bridge forwards its first
//! event until after its last (see `seq_counter.rs` for why that is the
//! list a replay walks, not `net_namespace_list`).

use core::{marker::PhantomData, ptr::NonNull};

use kernel::sync::rcu;

use crate::{events::NetId, ffi};

/// A bridged namespace (`struct rfn_net`), borrowed.
///
/// # Invariants
///
/// Points to a live `struct rfn_net` for the lifetime of the reference: it
/// is on the bridged list under an RCU guard, or it is the argument of a
/// bridge callback.
#[repr(transparent)]
pub(crate) struct BridgedNet(ffi::RfnNet);

impl BridgedNet {
    /// # Safety
    ///
    /// `raw` must point to a live `struct rfn_net` for `'a`.
    pub(crate) unsafe fn from_raw<'a>(raw: *mut ffi::RfnNet) -> &'a Self {
        // SAFETY: per the function's safety requirement; `Self` is a
        // transparent wrapper of an opaque, zero-sized type.
        unsafe { &*raw.cast::<Self>() }
    }

    pub(crate) fn as_raw(&self) -> *mut ffi::RfnNet {
        core::ptr::from_ref(self).cast_mut().cast()
    }

    /// The namespace.
    pub(crate) fn net(&self) -> *mut ffi::Net {
        // SAFETY: `self` is live (type invariant).
        unsafe { ffi::rfn_net_net(self.as_raw()) }
    }
}

/// Iterates over the bridged namespaces, under `guard`.
pub(crate) struct Nets<'a> {
    prev: *mut ffi::RfnNet,
    _guard: PhantomData<&'a rcu::Guard>,
}

/// Every bridged namespace, in the order they were created.
pub(crate) fn all(_guard: &rcu::Guard) -> Nets<'_> {
    Nets {
        prev: core::ptr::null_mut(),
        _guard: PhantomData,
    }
}

impl<'a> Iterator for Nets<'a> {
    type Item = &'a BridgedNet;

    fn next(&mut self) -> Option<Self::Item> {
        // SAFETY: the RCU read lock is held for `'a`; `prev` is null or an
        // entry this walk returned under the same lock.
        let next = unsafe { ffi::rfn_net_next_rcu(self.prev) };
        if next.is_null() {
            return None;
        }
        self.prev = next;
        // SAFETY: entries on the list stay valid until an RCU grace period
        // after their removal (the glue's exit_batch waits), and we hold
        // the read lock for `'a`.
        Some(unsafe { BridgedNet::from_raw(next) })
    }
}

/// The bridged namespace with inode number `inum`, as an identity for a
/// registration filter.
pub(crate) fn find(inum: u64) -> Option<NetId> {
    let guard = rcu::read_lock();
    all(&guard)
        // SAFETY: bridged namespaces are alive under the guard.
        .map(|bridged| unsafe { NetId::of(bridged.net()) })
        .find(|id| u64::from(id.inum()) == inum)
}

/// A bridged namespace held for a replay ([`pin`]): its exit, also the one
/// that undoes a failed set-up, waits until this is dropped, so the
/// namespace and its tables stay valid meanwhile. Hold it for one replay,
/// never across waiting for something the namespace's teardown holds.
///
/// # Invariants
///
/// Holds one pin and one reference on the namespace (`rfn_net_pin()`).
pub(crate) struct PinnedNet(NonNull<ffi::Net>);

impl PinnedNet {
    /// The namespace, alive while `self` is.
    pub(crate) fn as_ptr(&self) -> *mut ffi::Net {
        self.0.as_ptr()
    }
}

impl Drop for PinnedNet {
    fn drop(&mut self) {
        // SAFETY: we hold a pin and a reference (type invariant).
        unsafe { ffi::rfn_net_unpin(self.0.as_ptr()) }
    }
}

/// Pins the bridged namespace `id` for a replay; `None` once it left the
/// bridge or is being dismantled. It may still be in its set-up: the
/// bridge forwards its events from the bridge's init on, so a replay must
/// walk it (see `seq_counter.rs`). Process context.
pub(crate) fn pin(id: NetId) -> Option<PinnedNet> {
    // SAFETY: looks the cookie up in the bridged list, under RCU.
    let net = unsafe { ffi::rfn_net_pin(id.cookie()) };
    // INVARIANT: `rfn_net_pin()` took a pin and a reference, or returned
    // null.
    NonNull::new(net).map(PinnedNet)
}
