// SPDX-License-Identifier: GPL-2.0

//! The bridge: one block per namespace on the kernel's own FIB chain.
//!
//! The C glue registers pernet operations whose init puts the namespace on
//! the bridged list and registers a block on the namespace's kernel FIB
//! chain (retrying later, from a work item, while the namespace is too busy
//! for the kernel's dump), and whose exit undoes both. The block's events
//! land here: count (see `seq_counter.rs`), then forward to the global
//! chain, in order.

use kernel::{
    ffi::{c_int, c_ulong},
    prelude::*,
};

use crate::{chain, events::Families, ffi, nets::BridgedNet, seq_counter};

/// A kernel FIB event of one namespace: count it, then forward it.
#[no_mangle]
extern "C" fn rfn_rs_bridge_event(
    rn: *mut ffi::RfnNet,
    event: c_ulong,
    info: *mut ffi::FibNotifierInfo,
    family: u8,
) -> c_int {
    // SAFETY: the glue calls us from the namespace's block, while it is
    // bridged.
    let net = unsafe { BridgedNet::from_raw(rn) };
    let family = Families::from_raw(family);
    seq_counter::count_change(net, family);
    chain::call(net.net(), event, info.cast(), family)
}

/// A kernel nexthop event of one namespace: count it (unless it is a
/// statistics query, which changes nothing), then forward it as
/// `RUST_FIB_EVENT_NEXTHOP(event)`.
#[no_mangle]
extern "C" fn rfn_rs_bridge_nh_event(
    rn: *mut ffi::RfnNet,
    event: c_ulong,
    info: *mut ffi::NhNotifierInfo,
) -> c_int {
    // SAFETY: the glue calls us from the namespace's nexthop block, while
    // it is on the kernel's chain (the namespace is listed meanwhile).
    let net = unsafe { BridgedNet::from_raw(rn) };
    if event != ffi::NEXTHOP_EVENT_HW_STATS_REPORT_DELTA {
        seq_counter::count_change(net, Families::NEXTHOPS);
    }
    chain::call(
        net.net(),
        ffi::RUST_FIB_EVENT_NEXTHOP_BASE + event,
        info.cast(),
        Families::NEXTHOPS,
    )
}

/// The chain stopped on one of the namespace's events (a veto, or a
/// listener that returned `NOTIFY_STOP`): every listener resyncs it. Not a
/// change of the namespace: nothing is counted.
#[no_mangle]
extern "C" fn rfn_rs_bridge_stopped(rn: *mut ffi::RfnNet) {
    // SAFETY: as above.
    let net = unsafe { BridgedNet::from_raw(rn) };
    chain::request_resync(net.net());
}

/// The namespace's last event (it is gone, or, `lives`, its bridge failed
/// to attach): listeners drop whatever they hold of it. Counted like any
/// change.
#[no_mangle]
extern "C" fn rfn_rs_bridge_exit(rn: *mut ffi::RfnNet, lives: bool) {
    // SAFETY: the glue's exit and failure paths, with the entry alive.
    let net = unsafe { BridgedNet::from_raw(rn) };
    seq_counter::count_change(net, Families::ALL);
    chain::call_netns_exit(net.net(), lives);
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
