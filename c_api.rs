// SPDX-License-Identifier: GPL-2.0

//! The Rust side of the exported C API (`include/rust_fib_notifier.h`).
//!
//! `rfn_glue.c` exports `rust_fib_notifier_register{,_net}()` and
//! `rust_fib_notifier_unregister()` with `EXPORT_SYMBOL_GPL`; they land
//! here. A C listener is a `notifier_block` of its own: it is never put on
//! the chain itself, a [`Node`] is, and calls it (so the same block may not
//! be registered twice, and an unregistered block is known).

use core::{pin::Pin, ptr};

use kernel::{
    bindings,
    ffi::{c_int, c_ulong, c_void},
    prelude::*,
};

use crate::{
    chain::{NetId, Node, Target},
    dump, ffi,
};

/// A C listener's block and flush callback.
pub(crate) struct CTarget {
    nb: *mut bindings::notifier_block,
    flush: Option<unsafe extern "C" fn(*mut bindings::notifier_block)>,
}

// SAFETY: the C API requires the block and the callback to be callable from
// any context until the block is unregistered; nothing else is shared.
unsafe impl Send for CTarget {}
// SAFETY: See above.
unsafe impl Sync for CTarget {}

impl Target for CTarget {
    fn call(&self, event: c_ulong, info: &ffi::RfnInfo) -> c_int {
        // SAFETY: the block is valid until it is unregistered, which drops
        // the node (and waits for RCU) before returning.
        let Some(call) = (unsafe { (*self.nb).notifier_call }) else {
            return 0;
        };
        // SAFETY: as above; the callee gets a `struct
        // rust_fib_notifier_info` it may only read, valid for the call.
        unsafe {
            call(
                self.nb,
                event,
                ptr::from_ref(info).cast_mut().cast::<c_void>(),
            )
        }
    }

    fn flush(&self) {
        if let Some(flush) = self.flush {
            // SAFETY: as above; process context, as documented.
            unsafe { flush(self.nb) }
        }
    }
}

struct CEntry {
    nb: usize,
    /// `None` while the registration replays.
    node: Option<Pin<KBox<Node<CTarget>>>>,
}

kernel::sync::global_lock! {
    // SAFETY: initialised by `init()` from module init, before the API is
    // exported to callers (module init has not returned yet).
    unsafe(uninit) static C_LISTENERS: Mutex<KVec<CEntry>> = KVec::new();
}

/// Called once from module init.
pub(crate) fn init() {
    // SAFETY: called exactly once, before any C listener can register.
    unsafe { C_LISTENERS.init() };
}

/// Called once from module exit (no C listener can be left: each holds a
/// reference on the module): frees the registry's storage.
pub(crate) fn exit() {
    drop(core::mem::take(&mut *C_LISTENERS.lock()));
}

/// How many C listeners are registered (debugfs).
pub(crate) fn count() -> usize {
    C_LISTENERS
        .lock()
        .iter()
        .filter(|e| e.node.is_some())
        .count()
}

fn register(
    net: *const ffi::Net,
    nb: *mut bindings::notifier_block,
    flush: Option<unsafe extern "C" fn(*mut bindings::notifier_block)>,
    extack: *mut bindings::netlink_ext_ack,
) -> Result {
    if nb.is_null() {
        return Err(EINVAL);
    }
    // Not under the lock while replaying: the replay takes RTNL, and a
    // driver may unregister with RTNL held.
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
    let registered = KBox::pin_init(Node::new(CTarget { nb, flush }, filter), GFP_KERNEL)
        .and_then(|node| dump::register(&dump::KernelFib { extack }, node.as_ref()).map(|()| node));
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
    // Off the chain, and no callback in flight, when this returns.
    drop(node);
    Ok(())
}

fn errno(res: Result) -> c_int {
    match res {
        Ok(()) => 0,
        Err(e) => e.to_errno(),
    }
}

#[no_mangle]
extern "C" fn rfn_rs_c_register(
    net: *const ffi::Net,
    nb: *mut bindings::notifier_block,
    flush: Option<unsafe extern "C" fn(*mut bindings::notifier_block)>,
    extack: *mut bindings::netlink_ext_ack,
) -> c_int {
    errno(register(net, nb, flush, extack))
}

#[no_mangle]
extern "C" fn rfn_rs_c_unregister(nb: *mut bindings::notifier_block) -> c_int {
    errno(unregister(nb))
}
