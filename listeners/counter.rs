// SPDX-License-Identifier: GPL-2.0

//! The counter: a listener that only counts what it receives, and times its
//! own registration (the replay of every namespace).
//!
//! It measures the cost of the chain and of the replay alone, with nothing a
//! real listener would do on top: `make bench` compares its registration
//! with the kernel's own `register_fib_notifier()` in every namespace. It is
//! also the smallest complete Rust listener.
//!
//! debugfs `counter/`: `attach` (write 1 to register, 0 to unregister) and
//! `stats`: `events`, `replayed` (of them, during the registration),
//! `flushes`, `register_ns` (the last registration's time, in ns).

use core::fmt;

use kernel::{
    prelude::*,
    sync::{
        atomic::{Atomic, Relaxed},
        Arc, Mutex,
    },
    time::{Instant, Monotonic},
    uaccess::UserSliceReader,
};

use crate::{
    dump::Registration,
    events::{Event, Listener, NetId},
    knob,
};

/// One atomic add per event, as the C counting block the benchmark
/// compares with (`events` is their sum).
struct Counters {
    /// Events of the registration's replay.
    replayed: Atomic<u64>,
    /// Events from the chain.
    live: Atomic<u64>,
    flushes: Atomic<u64>,
    register_ns: Atomic<u64>,
}

impl Counters {
    fn new() -> Self {
        Self {
            replayed: Atomic::new(0),
            live: Atomic::new(0),
            flushes: Atomic::new(0),
            register_ns: Atomic::new(0),
        }
    }
}

struct CounterListener(Arc<Counters>);

impl Listener for CounterListener {
    fn event(&self, event: &Event<'_>) -> Result {
        let n = if event.is_replay() {
            &self.0.replayed
        } else {
            &self.0.live
        };
        n.fetch_add(1, Relaxed);
        Ok(())
    }

    fn flush(&self) {
        self.0.flushes.fetch_add(1, Relaxed);
    }

    fn flush_net(&self, _net: NetId) {
        self.0.flushes.fetch_add(1, Relaxed);
    }
}

/// The counter: its counters and its registration slot.
#[pin_data]
pub(crate) struct Counter {
    counters: Arc<Counters>,
    #[pin]
    registration: Mutex<Option<Registration<CounterListener>>>,
}

impl Counter {
    pub(crate) fn new() -> Result<Arc<Self>> {
        let counters = Arc::new(Counters::new(), GFP_KERNEL)?;
        Arc::pin_init(
            pin_init!(Self {
                counters,
                registration <- kernel::new_mutex!(None),
            }),
            GFP_KERNEL,
        )
    }

    /// Registers the counter (with replay), timed; a no-op when attached.
    fn attach(&self) -> Result {
        let mut slot = self.registration.lock();
        if slot.is_some() {
            return Ok(());
        }
        let c = &self.counters;
        for n in [&c.replayed, &c.live, &c.flushes] {
            n.store(0, Relaxed);
        }
        let start = Instant::<Monotonic>::now();
        let registration = Registration::new(CounterListener(c.clone()), None)?;
        let ns = start.elapsed().as_nanos();
        c.register_ns.store(u64::try_from(ns).unwrap_or(0), Relaxed);
        *slot = Some(registration);
        Ok(())
    }

    pub(crate) fn detach(&self) {
        drop(self.registration.lock().take());
    }
}

pub(crate) fn write_attach(counter: &Arc<Counter>, reader: &mut UserSliceReader) -> Result {
    match knob::parse_u64(reader)? {
        1 => counter.attach(),
        0 => {
            counter.detach();
            Ok(())
        }
        _ => Err(ERANGE),
    }
}

pub(crate) fn show_attach(counter: &Arc<Counter>, f: &mut fmt::Formatter<'_>) -> fmt::Result {
    writeln!(f, "{}", u8::from(counter.registration.lock().is_some()))
}

pub(crate) fn show_stats(counter: &Arc<Counter>, f: &mut fmt::Formatter<'_>) -> fmt::Result {
    let c = &counter.counters;
    let replayed = c.replayed.load(Relaxed);
    knob::write_stats(
        f,
        &[
            ("events", replayed + c.live.load(Relaxed)),
            ("replayed", replayed),
            ("flushes", c.flushes.load(Relaxed)),
            ("register_ns", c.register_ns.load(Relaxed)),
        ],
    )
}
