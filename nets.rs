// SPDX-License-Identifier: GPL-2.0

//! Namespaces: their identity ([`NetId`]), the references this module
//! takes on them ([`NetRef`] for a call, [`PinnedNet`] for a replay), and
//! the bridged ones: the C glue's `rfn_nets` list, walked under RCU.
//!
//! A namespace is on the list from before its bridge forwards its first
//! event until after its last (see `seq_counter.rs` for why that is the
//! list a replay walks, not `net_namespace_list`).

use core::{marker::PhantomData, ptr::NonNull};

use kernel::sync::{
    aref::{ARef, AlwaysRefCounted},
    rcu,
};

use crate::ffi;

/// A namespace's identity, which outlives the namespace: its cookie
/// (`net->net_cookie`: unique while the system runs, never reused, unlike
/// the namespace's address or inode number) and its inode number (what
/// users see, and what listeners key their tables by). Holds no reference:
/// a listener's table must not keep a namespace from dying, and a work item
/// must still apply the events of a namespace that is being dismantled.
///
/// Packed to 12 bytes (4-aligned): listeners keep one in every table entry.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(C, packed(4))]
pub(crate) struct NetId {
    cookie: u64,
    inum: u32,
}

impl NetId {
    /// The identity of `net`.
    ///
    /// # Safety
    ///
    /// `net` must be alive for the call.
    pub(crate) unsafe fn of(net: *const ffi::Net) -> Self {
        // SAFETY: alive, per the function's requirement.
        unsafe {
            Self {
                cookie: ffi::rfn_net_cookie(net),
                inum: ffi::rfn_net_inum(net),
            }
        }
    }

    /// The namespace's inode number.
    pub(crate) fn inum(&self) -> u32 {
        self.inum
    }

    /// The namespace's cookie (`net->net_cookie`), what C listeners get.
    pub(crate) fn cookie(&self) -> u64 {
        self.cookie
    }

    /// The identity the KUnit fake source gives its namespaces (no real
    /// namespace has cookie 0 or a cookie this large).
    #[cfg(rfn_kunit)]
    pub(crate) fn fake(n: u32) -> Self {
        Self {
            cookie: (1 << 63) | u64::from(n),
            inum: n,
        }
    }

    /// Whether `net` is this namespace.
    ///
    /// # Safety
    ///
    /// `net` must be alive for the call.
    pub(crate) unsafe fn is(&self, net: *const ffi::Net) -> bool {
        // SAFETY: alive, per the function's requirement.
        unsafe { ffi::rfn_net_cookie(net) == self.cookie }
    }

    /// A reference on the namespace, if it is fully set up (the kernel's
    /// `net_initialized()`) and not being dismantled (`maybe_get_net()`);
    /// `None` otherwise: its routes are going away, or it may yet be freed
    /// without its set-up finishing; there is nothing to report to it.
    pub(crate) fn get(&self) -> Option<NetRef> {
        // SAFETY: looks the cookie up in `net_namespace_list`, under RCU.
        let net = unsafe { ffi::rfn_net_get_by_cookie(self.cookie) };
        // SAFETY: `maybe_get_net()` took the reference this owns, or
        // returned null.
        NonNull::new(net).map(|net| unsafe { ARef::from_raw(net) })
    }
}

/// A counted reference on a namespace, released on drop. Holding one
/// keeps the namespace from being dismantled: hold it for a call, not while
/// work is pending. Made by [`NetId::get`] (`maybe_get_net()`).
pub(crate) type NetRef = ARef<ffi::Net>;

// SAFETY: `get_net()` and `put_net()` count a `struct net`'s references,
// from any context; a `&Net` is only made from a live namespace, on which
// `get_net()` is valid; the last `put_net()` frees it.
unsafe impl AlwaysRefCounted for ffi::Net {
    fn inc_ref(&self) {
        // SAFETY: `self` is a live namespace (see above).
        unsafe { ffi::rfn_net_hold(self.as_ptr()) }
    }

    unsafe fn dec_ref(net: NonNull<Self>) {
        // SAFETY: the caller gives back one reference it holds.
        unsafe { ffi::rfn_net_put(net.as_ptr()) }
    }
}

impl ffi::Net {
    /// The namespace, for the C glue.
    pub(crate) fn as_ptr(&self) -> *mut ffi::Net {
        core::ptr::from_ref(self).cast_mut()
    }

    /// Sets the flags `ip nexthop` shows on the namespace's nexthop object
    /// `id` (nothing if there is none). Any context.
    pub(crate) fn set_nexthop_hw_flags(&self, id: u32, offload: bool, trap: bool) {
        // SAFETY: the namespace is alive (borrowed from a reference); the
        // kernel looks `id` up under RCU itself.
        unsafe { ffi::rfn_nh_set_hw_flags(self.as_ptr(), id, offload, trap) }
    }

    /// Sets the flags `ip nexthop bucket` shows on bucket `index` of the
    /// resilient group `id`. Any context.
    pub(crate) fn set_nexthop_bucket_hw_flags(&self, id: u32, index: u16, offload: bool) {
        // SAFETY: as above; the kernel checks the group and the index.
        unsafe { ffi::rfn_nh_bucket_set_hw_flags(self.as_ptr(), id, index, offload, false) }
    }

    /// Reports every bucket of the resilient group `id` (of `buckets`) as
    /// used by the hardware (`nexthop_res_grp_activity_update()`): the
    /// kernel restarts their idle timers. Process context (allocates).
    pub(crate) fn nexthop_buckets_busy(&self, id: u32, buckets: u16) {
        // SAFETY: as above; the kernel ignores a size that does not match.
        unsafe { ffi::rfn_nh_res_grp_all_busy(self.as_ptr(), id, buckets) }
    }
}

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
