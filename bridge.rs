// SPDX-License-Identifier: GPL-2.0

//! The bridge: one block per namespace on the kernel's own FIB chain.
//!
//! The C glue registers pernet operations whose init puts the namespace on
//! the bridged list and registers a block on the namespace's kernel FIB
//! chain (retrying later, from a work item, while the namespace is too busy
//! for the kernel's dump), and whose exit undoes both. The block's events
//! land here: count (see `seq_counter.rs`), then forward to the global
//! chain, in order.

use core::marker::PhantomData;

use kernel::{
    ffi::{c_int, c_ulong},
    prelude::*,
    sync::rcu,
};

use crate::{
    chain::{self, NetId},
    ffi, seq_counter,
};

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
    unsafe fn from_raw<'a>(raw: *mut ffi::RfnNet) -> &'a Self {
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
pub(crate) fn nets(_guard: &rcu::Guard) -> Nets<'_> {
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
    nets(&guard)
        // SAFETY: bridged namespaces are alive under the guard.
        .map(|bridged| unsafe { NetId::of(bridged.net()) })
        .find(|id| u64::from(id.inum()) == inum)
}

/// Every bridged namespace `accept` takes, with its change counter, in list
/// order. Sleeps (allocates outside the RCU read section).
pub(crate) fn counters(accept: impl Fn(*const ffi::Net) -> bool) -> Result<KVec<(NetId, u64)>> {
    loop {
        let len = nets(&rcu::read_lock()).count();
        // Room for a few namespaces created meanwhile; else count again.
        let mut out = KVec::with_capacity(len + 8, GFP_KERNEL)?;
        let guard = rcu::read_lock();
        let complete = nets(&guard)
            .filter(|bridged| accept(bridged.net()))
            .all(|bridged| {
                // SAFETY: bridged namespaces are alive under the guard.
                let id = unsafe { NetId::of(bridged.net()) };
                out.push_within_capacity((id, seq_counter::read(bridged)))
                    .is_ok()
            });
        if complete {
            return Ok(out);
        }
    }
}

/// A kernel FIB event of one namespace: count it, then forward it.
#[no_mangle]
extern "C" fn rfn_rs_bridge_event(
    rn: *mut ffi::RfnNet,
    event: c_ulong,
    info: *mut ffi::FibNotifierInfo,
) -> c_int {
    // SAFETY: the glue calls us from the namespace's block, while it is
    // bridged.
    let net = unsafe { BridgedNet::from_raw(rn) };
    seq_counter::bump(net);
    chain::call(net.net(), event, info)
}

/// The chain stopped on one of the namespace's events (a veto, or a
/// listener that returned `NOTIFY_STOP`): every listener resyncs it. Not a
/// change of the namespace: nothing is counted.
#[no_mangle]
extern "C" fn rfn_rs_bridge_stopped(rn: *mut ffi::RfnNet) {
    // SAFETY: as above.
    let net = unsafe { BridgedNet::from_raw(rn) };
    chain::call(net.net(), chain::RFN_EVENT_RESYNC, core::ptr::null_mut());
}

/// The namespace's last event (it is gone, or its bridge failed to attach):
/// listeners drop whatever they hold of it. Counted like any change.
#[no_mangle]
extern "C" fn rfn_rs_bridge_exit(rn: *mut ffi::RfnNet) {
    // SAFETY: the glue's exit and failure paths, with the entry alive.
    let net = unsafe { BridgedNet::from_raw(rn) };
    seq_counter::bump(net);
    chain::call(
        net.net(),
        ffi::RUST_FIB_EVENT_NETNS_EXIT,
        core::ptr::null_mut(),
    );
}

/// Bridges every namespace, existing and future.
pub(crate) fn register() -> Result {
    // SAFETY: called once, from module init.
    kernel::error::to_result(unsafe { ffi::rfn_bridge_register() })
}

/// Unbridges every namespace. Listeners must be gone.
pub(crate) fn unregister() {
    // SAFETY: paired with a successful `register`, from module exit.
    unsafe { ffi::rfn_bridge_unregister() }
}
