// SPDX-License-Identifier: GPL-2.0

//! The Rust side of the exported C API (`include/rust_fib_notifier.h`).
//!
//! `glue/api.c` exports `rust_fib_notifier_register{,_net,_ops}()`,
//! `rust_fib_notifier_resync()` and `rust_fib_notifier_unregister()`
//! (`EXPORT_SYMBOL_NS_GPL`); they land here. A C listener is a
//! `notifier_block` of its own: it is never put on the chain itself, a
//! [`Node`] is, and calls it (so the same block may not be registered
//! twice, and an unregistered block is known).

use core::{pin::Pin, ptr};

use kernel::{
    bindings,
    ffi::{c_int, c_ulong, c_void},
    prelude::*,
    sync::Arc,
};

use crate::{
    chain::{ChainRef, Node, Target},
    dump,
    events::{Families, ResyncLater},
    ffi,
    nets::NetId,
};

/// A C listener's block, flush callbacks and options.
pub(crate) struct CTarget {
    nb: *mut bindings::notifier_block,
    /// `nb->notifier_call`, read once at registration: a module that went
    /// away without unregistering is known by it without touching `nb`,
    /// which its exit may have freed.
    call: bindings::notifier_fn_t,
    /// The callbacks and options (`RUST_FIB_NOTIFIER_F_NEXTHOPS`: nexthop
    /// object events too; `RUST_FIB_NOTIFIER_F_RECONCILE`: mark and sweep,
    /// both set).
    ops: ffi::RfnCOps,
}

// SAFETY: the C API requires the block and the callback to be callable from
// any context until the block is unregistered; nothing else is shared.
unsafe impl Send for CTarget {}
// SAFETY: See above.
unsafe impl Sync for CTarget {}

impl Target for CTarget {
    #[inline]
    fn call(&self, event: c_ulong, info: &ffi::RfnInfo, _node: &dyn ResyncLater) -> c_int {
        let Some(call) = self.call else {
            return 0;
        };
        // The callee gets a `struct rust_fib_notifier_info` it may only
        // read, valid for the call.
        let info = ptr::from_ref(info).cast_mut().cast::<c_void>();
        // SAFETY: the block and its callback are valid until the block is
        // unregistered, which drops the node and waits for RCU first.
        unsafe { call(self.nb, event, info) }
    }

    fn flush(&self) {
        if let Some(flush) = self.ops.flush {
            // SAFETY: as above; process context, as documented.
            unsafe { flush(self.nb) }
        }
    }

    fn can_flush_net(&self) -> bool {
        self.ops.flush_net.is_some() || self.reconciles()
    }

    fn families(&self) -> Families {
        Families::from_raw(self.ops.families as u8)
    }

    fn flush_net(&self, net: NetId) {
        self.call_net(self.ops.flush_net, net)
    }

    fn reconciles(&self) -> bool {
        self.ops.mark_stale.is_some() && self.ops.sweep_stale.is_some()
    }

    fn mark_stale(&self, net: NetId) {
        self.call_net(self.ops.mark_stale, net)
    }

    fn sweep_stale(&self, net: NetId) {
        self.call_net(self.ops.sweep_stale, net)
    }
}

impl CTarget {
    fn call_net(&self, callback: ffi::NetCallback, net: NetId) {
        if let Some(callback) = callback {
            // SAFETY: as in `call`; process context, as documented.
            unsafe { callback(self.nb, net.cookie()) }
        }
    }
}

struct CEntry {
    nb: usize,
    /// `None` while the registration replays. Shared with a resync in
    /// progress, which must not hold the registry's lock.
    node: Option<Arc<Node<CTarget>>>,
}

/// The node, pinned.
fn pinned(node: &Arc<Node<CTarget>>) -> Pin<&Node<CTarget>> {
    // SAFETY: the contents of an `Arc` never move.
    unsafe { Pin::new_unchecked(&**node) }
}

kernel::sync::global_lock! {
    // SAFETY: initialised by `init()` from module init, before the API is
    // exported to callers (module init has not returned yet).
    unsafe(uninit) static C_LISTENERS: Mutex<KVec<CEntry>> = KVec::new();
}

/// Called once from module init.
pub(crate) fn init() -> Result {
    // SAFETY: called exactly once, before any C listener can register.
    unsafe { C_LISTENERS.init() };
    // SAFETY: module init; undone by `exit()`.
    kernel::error::to_result(unsafe { ffi::rfn_c_api_init() })
}

/// Called once from module exit (no C listener can be left: each holds a
/// reference on the module): frees the registry's storage.
pub(crate) fn exit() {
    // SAFETY: `init()` succeeded (module exit runs only then).
    unsafe { ffi::rfn_c_api_exit() };
    drop(core::mem::take(&mut *C_LISTENERS.lock()));
}

impl CTarget {
    /// Whether the listener's block or any of its callbacks lies in
    /// `module` (a `struct module` that is going away).
    /// Only compares addresses: the module's exit ran, `nb` may be freed.
    fn in_module(&self, module: *mut c_void) -> bool {
        let net_callback = |f: ffi::NetCallback| f.map_or(ptr::null(), |f| f as *const c_void);
        let addrs: [*const c_void; 6] = [
            self.nb.cast::<c_void>().cast_const(),
            self.call.map_or(ptr::null(), |f| f as *const c_void),
            self.ops.flush.map_or(ptr::null(), |f| f as *const c_void),
            net_callback(self.ops.flush_net),
            net_callback(self.ops.mark_stale),
            net_callback(self.ops.sweep_stale),
        ];
        // SAFETY: plain address comparisons against the module's layout.
        addrs
            .iter()
            .any(|&addr| unsafe { ffi::rfn_within_module(addr, module) })
    }
}

/// A module is going away (`MODULE_STATE_GOING`: its exit ran, its memory
/// is not freed yet): unregisters every listener it left registered, so the
/// chain never calls into freed text.
#[no_mangle]
extern "C" fn rfn_rs_c_module_going(module: *mut c_void) {
    loop {
        let node = {
            let mut listeners = C_LISTENERS.lock();
            let Some(pos) = listeners.iter().position(|e| {
                e.node
                    .as_ref()
                    .is_some_and(|node| node.target.in_module(module))
            }) else {
                return;
            };
            match listeners.remove(pos) {
                Ok(CEntry {
                    node: Some(node), ..
                }) => node,
                _ => return,
            }
        };
        // Waits for a resync in progress (it may still call the module's
        // flush callbacks: its text is there until after this notifier),
        // with the module notifier chain's rwsem held for reading.
        node.shut_down();
        let call = node.target.call.map_or(ptr::null(), |f| f as *const c_void);
        // SAFETY: plain values; the glue drops the reference the
        // registration took on this module.
        unsafe { ffi::rfn_c_listener_forced_off(call, module) };
    }
}

/// How many C listeners are registered (debugfs).
pub(crate) fn count() -> usize {
    C_LISTENERS
        .lock()
        .iter()
        .filter(|e| e.node.is_some())
        .count()
}

/// The chain a C registration goes on: the module's, or, when the caller
/// is a KUnit case of `c_api_tests.rs`, the case's own.
fn caller_chain() -> ChainRef {
    #[cfg(rfn_kunit)]
    if let Some(chain) = crate::c_api_tests::current_chain() {
        return ChainRef::Own(chain);
    }
    ChainRef::Global
}

fn register(
    net: *const ffi::Net,
    target: CTarget,
    extack: *mut bindings::netlink_ext_ack,
) -> Result {
    let nb = target.nb;
    if nb.is_null() {
        return Err(EINVAL);
    }
    // Not under the lock while replaying: the replay takes RTNL and may
    // take long; other listeners register and unregister meanwhile.
    {
        let mut listeners = C_LISTENERS.lock();
        if listeners.iter().any(|e| e.nb == nb as usize) {
            return Err(EEXIST);
        }
        listeners.push(
            CEntry {
                nb: nb as usize,
                node: None,
            },
            GFP_KERNEL,
        )?;
    }
    // SAFETY: a non-null `net` is alive: the caller holds a reference while
    // it registers (the API's documented rule).
    let filter = (!net.is_null()).then(|| unsafe { NetId::of(net) });
    let registered = Arc::pin_init(
        dump::new_node_on(caller_chain(), target, filter),
        GFP_KERNEL,
    )
    .and_then(|node| dump::register(&dump::KernelFib { extack }, pinned(&node)).map(|()| node));
    let mut listeners = C_LISTENERS.lock();
    let Some(pos) = listeners.iter().position(|e| e.nb == nb as usize) else {
        return Err(EINVAL);
    };
    match registered {
        Ok(node) => {
            listeners[pos].node = Some(node);
            Ok(())
        }
        Err(e) => {
            listeners.remove(pos)?;
            Err(e)
        }
    }
}

/// The registration of `nb`, shared.
fn node_of(nb: *mut bindings::notifier_block) -> Result<Arc<Node<CTarget>>> {
    C_LISTENERS
        .lock()
        .iter()
        .find(|e| e.nb == nb as usize)
        .and_then(|e| e.node.clone())
        .ok_or(ENOENT)
}

/// Queues a resync of `net` for `nb`: the node's resync work does it (and
/// tries again until it succeeds), never the caller. A driver asks from its
/// own ordered queue, which its flush callbacks flush: a resync in the
/// caller's context would call them there and wait for itself.
fn resync(nb: *mut bindings::notifier_block, net: *const ffi::Net) -> Result {
    if nb.is_null() || net.is_null() {
        return Err(EINVAL);
    }
    let node = node_of(nb)?;
    // SAFETY: the caller holds a reference on `net` (the API's rule).
    let id = unsafe { NetId::of(net) };
    if !node.covers(id) {
        return Err(EINVAL);
    }
    // An unregistration cancels it.
    node.request_resync(id);
    Ok(())
}

fn unregister(nb: *mut bindings::notifier_block) -> Result {
    if nb.is_null() {
        return Err(EINVAL);
    }
    let node = {
        let mut listeners = C_LISTENERS.lock();
        let pos = listeners
            .iter()
            .position(|e| e.nb == nb as usize && e.node.is_some())
            .ok_or(ENOENT)?;
        listeners.remove(pos)?.node
    };
    if let Some(node) = node {
        // Off the chain, no callback in flight and no resync running or
        // pending when this returns, even if a resync still holds the node.
        node.shut_down();
    }
    Ok(())
}

/// 0 or a negative errno, for C.
fn errno(res: Result) -> c_int {
    kernel::error::from_result(|| res.map(|()| 0))
}

#[no_mangle]
extern "C" fn rfn_rs_c_register(
    net: *const ffi::Net,
    nb: *mut bindings::notifier_block,
    ops: *const ffi::RfnCOps,
    extack: *mut bindings::netlink_ext_ack,
) -> c_int {
    // SAFETY: a non-null block is valid while it registers (the API's rule).
    let call = (!nb.is_null())
        .then(|| unsafe { (*nb).notifier_call })
        .flatten();
    // SAFETY: the glue passes its own, filled `struct rfn_c_ops`, valid for
    // the call; it holds plain function pointers and a bool: a copy.
    let ops = unsafe { ptr::read(ops) };
    let target = CTarget { nb, call, ops };
    errno(register(net, target, extack))
}

#[no_mangle]
extern "C" fn rfn_rs_c_resync(nb: *mut bindings::notifier_block, net: *const ffi::Net) -> c_int {
    errno(resync(nb, net))
}

#[no_mangle]
extern "C" fn rfn_rs_c_unregister(nb: *mut bindings::notifier_block) -> c_int {
    errno(unregister(nb))
}
