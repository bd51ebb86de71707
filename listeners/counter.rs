// SPDX-License-Identifier: GPL-2.0

//! The counter: a listener that only counts what it receives, and times its
//! own registration (the replay of every namespace).
//!
//! It measures the cost of the chain and of the replay alone, with nothing a
//! real listener would do on top: `make bench` compares its registration
//! with the kernel's own `register_fib_notifier()` in every namespace. It is
//! also the smallest complete Rust listener.
//!
//! debugfs `counter/`: `attach` (see `attach.rs`) and `stats`: `events`,
//! `replayed` (of them, those received by the time the registration
//! returned: its replay, and the live events that came while it was on the
//! chain before it returned, between its tries or after its last one),
//! `flushes`, `register_ns` (the last registration's time, in ns).

use core::fmt;

use kernel::{
    debugfs::ScopedDir,
    prelude::*,
    sync::{
        atomic::{Atomic, Relaxed},
        Arc,
    },
};

use crate::{
    events::{Event, Listener},
    knob,
    listeners::attach::{Attach, Attachment, Files},
    nets::NetId,
};

/// The counter: one atomic add per event, the C counting block's work
/// (`atomic64_inc()`) that the benchmark compares with.
pub(crate) struct Counter {
    /// Events received, replayed and live.
    events: Atomic<u64>,
    /// `events` when the registration returned.
    replayed: Atomic<u64>,
    flushes: Atomic<u64>,
}

impl Counter {
    pub(crate) fn new() -> Result<Arc<Self>> {
        let counter = Self {
            events: Atomic::new(0),
            replayed: Atomic::new(0),
            flushes: Atomic::new(0),
        };
        Ok(Arc::new(counter, GFP_KERNEL)?)
    }
}

impl Listener for Arc<Counter> {
    fn event(&self, _event: &Event<'_>) -> Result {
        self.events.add(1, Relaxed);
        Ok(())
    }

    fn flush(&self) {
        self.flushes.fetch_add(1, Relaxed);
    }

    fn flush_net(&self, _net: NetId) {
        self.flushes.fetch_add(1, Relaxed);
    }
}

impl Attach for Arc<Counter> {
    /// Each registration is counted from zero.
    fn attaching(&self) {
        for n in [&self.events, &self.replayed, &self.flushes] {
            n.store(0, Relaxed);
        }
    }

    fn attached(&self) {
        self.replayed.store(self.events.load(Relaxed), Relaxed);
    }
}

fn show_stats(a: &Attachment<Arc<Counter>>, f: &mut fmt::Formatter<'_>) -> fmt::Result {
    let c = a.listener();
    knob::write_stats(
        f,
        &[
            ("events", c.events.load(Relaxed)),
            ("replayed", c.replayed.load(Relaxed)),
            ("flushes", c.flushes.load(Relaxed)),
            ("register_ns", a.register_ns()),
        ],
    )
}

/// The files of `counter/`.
pub(crate) fn debugfs<'a>(dir: &ScopedDir<'a, '_>, counter: &'a Attachment<Arc<Counter>>) {
    counter.debugfs(dir, Files::ATTACH);
    dir.read_callback_file(c"stats", counter, &show_stats);
}
