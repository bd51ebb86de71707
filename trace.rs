// SPDX-License-Identifier: GPL-2.0

//! The module's tracepoints, fired from Rust: `glue/rfn_trace.h`
//! defines them (tracefs `events/rust_fib_notifier/`), `glue/trace.c`
//! wraps each `trace_*()` call (a static inline Rust cannot call) in a
//! function. Documentation/tracing.md describes the events.
//!
//! The wrappers are called once per registration, try or namespace to
//! replay again, never per event.

use core::cell::Cell;

use kernel::{
    ffi::{c_int, c_void},
    prelude::*,
};

use crate::{
    chain::{Node, Target},
    nets::NetId,
};

extern "C" {
    fn rfn_trace_register_start(
        node: *const c_void,
        resync: bool,
        nets: u32,
        families: u32,
        filter: u32,
    );
    fn rfn_trace_register_end(
        node: *const c_void,
        resync: bool,
        ret: c_int,
        tries: u32,
        nets_replayed: u32,
        events: u64,
    );
    fn rfn_trace_register_end_enabled() -> bool;
    fn rfn_trace_ebusy(node: *const c_void, resync: bool, tries: u32, stale: u32);
    fn rfn_trace_resync_queued(node: *const c_void, inum: u32, delay_ms: u32);
    fn rfn_trace_retry(inum: u32, cookie: u64, replayed: u64, now: u64);
}

fn saturate(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// One registration's or resync's loop (`dump::settle`), traced from its
/// start (`rfn_register_start`) to its end (`rfn_register_end`): counts
/// its tries and the namespaces it replays, and, if `rfn_register_end` is
/// on as it starts, the events (else the replay does not count them: it
/// costs a little on every event).
pub(crate) struct Settle<'a, T: Target> {
    node: &'a Node<T>,
    resync: bool,
    tries: Cell<u32>,
    nets: Cell<u32>,
    /// The node's replayed events when the loop started.
    events: u64,
}

impl<'a, T: Target> Settle<'a, T> {
    /// The loop starts, to replay `nets` namespaces.
    pub(crate) fn start(node: &'a Node<T>, nets: usize) -> Self {
        // SAFETY: the wrapper only reads the tracepoint's static key.
        node.set_count_events(unsafe { rfn_trace_register_end_enabled() });
        let this = Self {
            node,
            resync: node.is_resyncing(),
            tries: Cell::new(0),
            nets: Cell::new(0),
            events: node.replayed_events(),
        };
        let filter = node.filter().map_or(0, |net| net.inum());
        // SAFETY: the wrapper only copies its arguments into the event.
        unsafe {
            rfn_trace_register_start(
                this.id(),
                this.resync,
                saturate(nets),
                node.families().bits().into(),
                filter,
            )
        };
        this
    }

    fn id(&self) -> *const c_void {
        core::ptr::from_ref(self.node).cast()
    }

    /// A try starts.
    pub(crate) fn try_(&self) {
        self.tries.set(self.tries.get().saturating_add(1));
    }

    /// A namespace was replayed.
    pub(crate) fn net(&self) {
        self.nets.set(self.nets.get().saturating_add(1));
    }

    /// The last try left `stale` namespaces inconsistent.
    pub(crate) fn ebusy(&self, stale: usize) {
        // SAFETY: as in `start`.
        unsafe { rfn_trace_ebusy(self.id(), self.resync, self.tries.get(), saturate(stale)) };
    }

    /// The loop ends with `res`.
    pub(crate) fn end(&self, res: &Result) {
        let ret = match res {
            Ok(()) => 0,
            Err(e) => e.to_errno(),
        };
        let events = self.node.replayed_events().wrapping_sub(self.events);
        // SAFETY: as in `start`.
        unsafe {
            rfn_trace_register_end(
                self.id(),
                self.resync,
                ret,
                self.tries.get(),
                self.nets.get(),
                events,
            )
        };
    }
}

/// A try found `net` inconsistent: replayed at count `replayed` (`None`:
/// not replayed, it appeared), at `now` at the check (`None`: gone).
pub(crate) fn retry(net: NetId, replayed: Option<u64>, now: Option<u64>) {
    // SAFETY: the wrapper copies its arguments, and reads the counters of
    // the bridged namespace with this cookie, if any, under RCU.
    unsafe {
        rfn_trace_retry(
            net.inum(),
            net.cookie(),
            replayed.unwrap_or(u64::MAX),
            now.unwrap_or(u64::MAX),
        )
    };
}

/// A resync of `net` (`None`: of every namespace) is queued for `node`, to
/// run in `delay_ms`.
pub(crate) fn resync_queued<T: Target>(node: &Node<T>, net: Option<NetId>, delay_ms: u32) {
    let inum = net.map_or(0, |net| net.inum());
    // SAFETY: the wrapper only copies its arguments into the event.
    unsafe { rfn_trace_resync_queued(core::ptr::from_ref(node).cast(), inum, delay_ms) };
}
