// SPDX-License-Identifier: GPL-2.0

//! KUnit: the chain, the counter and the retry loop, against a fake source
//! and the real chain. Runs at insmod (`kunit.enable=1`).

use core::{pin::Pin, ptr};

use kernel::{
    ffi::c_ulong,
    prelude::*,
    sync::{
        atomic::{Atomic, Relaxed},
        rcu, Arc,
    },
};

use crate::{
    bridge,
    chain::{self, Event, EventKind, Listener, Node, Registration, Target},
    dump::{self, Source},
    ffi, seq_counter,
};

/// An event number the kernel never sends: tests see only their own events
/// even while real FIB events flow through the chain.
const TEST_EVENT: c_ulong = 0x7e57;

/// A global clock to check delivery order across listeners.
static CLOCK: Atomic<u32> = Atomic::new(0);

struct Recorder {
    events: Atomic<u32>,
    replayed: Atomic<u32>,
    flushes: Atomic<u32>,
    last_seen: Atomic<u32>,
    veto: bool,
}

impl Recorder {
    fn new(veto: bool) -> Result<Arc<Self>> {
        Ok(Arc::new(
            Self {
                events: Atomic::new(0),
                replayed: Atomic::new(0),
                flushes: Atomic::new(0),
                last_seen: Atomic::new(0),
                veto,
            },
            GFP_KERNEL,
        )?)
    }
    fn events(&self) -> u32 {
        self.events.load(Relaxed)
    }
    fn flushes(&self) -> u32 {
        self.flushes.load(Relaxed)
    }
}

struct Rec(Arc<Recorder>);

impl Listener for Rec {
    fn event(&self, event: &Event<'_>) -> Result {
        if event.kind() != EventKind::Other(TEST_EVENT) {
            return Ok(());
        }
        self.0.events.fetch_add(1, Relaxed);
        if event.is_replay() {
            self.0.replayed.fetch_add(1, Relaxed);
        }
        self.0
            .last_seen
            .store(CLOCK.fetch_add(1, Relaxed) + 1, Relaxed);
        if self.0.veto {
            return Err(EOPNOTSUPP);
        }
        Ok(())
    }

    fn flush(&self) {
        self.0.flushes.fetch_add(1, Relaxed);
    }
}

/// A source whose counter moves during the first `unstable` replays.
struct FakeSource {
    seq: Atomic<u64>,
    unstable: Atomic<u32>,
    replay_events: u32,
    replays: Atomic<u32>,
}

impl FakeSource {
    fn new(unstable: u32, replay_events: u32) -> Self {
        Self {
            seq: Atomic::new(1000),
            unstable: Atomic::new(unstable),
            replay_events,
            replays: Atomic::new(0),
        }
    }
}

impl Source for FakeSource {
    fn seq_sum(&self) -> u64 {
        self.seq.load(Relaxed)
    }

    fn replay<T: Target>(&self, node: Pin<&Node<T>>) -> Result {
        self.replays.fetch_add(1, Relaxed);
        for _ in 0..self.replay_events {
            let ret = node.replay_event(ptr::null_mut(), TEST_EVENT);
            kernel::error::to_result(ffi::notifier_to_errno(ret))?;
        }
        if self.unstable.load(Relaxed) > 0 {
            // A change lands while we dump.
            self.unstable.fetch_sub(1, Relaxed);
            self.seq.fetch_add(1, Relaxed);
        }
        Ok(())
    }
}

fn fire() {
    chain::call(ptr::null_mut(), TEST_EVENT, ptr::null_mut());
}

fn register(source: &FakeSource, rec: &Arc<Recorder>) -> Result<Registration<Rec>> {
    Registration::with_source(source, Rec(rec.clone()))
}

#[kunit_tests(rust_fib_notifier_chain)]
mod tests {
    use super::*;

    #[test]
    fn registered_listener_gets_chain_events() -> Result {
        let rec = Recorder::new(false)?;
        let reg = register(&FakeSource::new(0, 0), &rec)?;
        fire();
        fire();
        assert_eq!(rec.events(), 2);
        drop(reg);
        Ok(())
    }

    #[test]
    fn no_callback_after_registration_dropped() -> Result {
        let rec = Recorder::new(false)?;
        let reg = register(&FakeSource::new(0, 0), &rec)?;
        fire();
        drop(reg);
        fire();
        fire();
        assert_eq!(rec.events(), 1);
        Ok(())
    }

    #[test]
    fn listeners_called_in_registration_order() -> Result {
        let first = Recorder::new(false)?;
        let second = Recorder::new(false)?;
        let source = FakeSource::new(0, 0);
        let reg1 = register(&source, &first)?;
        let reg2 = register(&source, &second)?;
        fire();
        let (a, b) = (
            first.last_seen.load(Relaxed),
            second.last_seen.load(Relaxed),
        );
        assert!(a != 0 && b != 0 && a < b);
        drop(reg1);
        fire();
        assert_eq!(first.events(), 1);
        assert_eq!(second.events(), 2);
        drop(reg2);
        Ok(())
    }

    #[test]
    fn consistent_first_try() -> Result {
        let rec = Recorder::new(false)?;
        let source = FakeSource::new(0, 3);
        let reg = register(&source, &rec)?;
        assert_eq!(source.replays.load(Relaxed), 1);
        assert_eq!(rec.flushes(), 0);
        assert_eq!(rec.replayed.load(Relaxed), 3);
        drop(reg);
        Ok(())
    }

    #[test]
    fn inconsistent_k_times_then_registered() -> Result {
        for k in 1..dump::FIB_DUMP_MAX_RETRIES {
            let rec = Recorder::new(false)?;
            let source = FakeSource::new(k, 2);
            let reg = register(&source, &rec)?;
            assert_eq!(rec.flushes(), k);
            assert_eq!(source.replays.load(Relaxed), k + 1);
            assert_eq!(rec.replayed.load(Relaxed), 2 * (k + 1));
            fire();
            assert_eq!(rec.events(), 2 * (k + 1) + 1);
            drop(reg);
        }
        Ok(())
    }

    #[test]
    fn always_inconsistent_is_ebusy_after_five() -> Result {
        let rec = Recorder::new(false)?;
        let source = FakeSource::new(u32::MAX, 1);
        let ebusy0 = dump::STATS.ebusy.load(Relaxed);
        let res = register(&source, &rec);
        assert!(matches!(res, Err(e) if e == EBUSY));
        assert_eq!(source.replays.load(Relaxed), 5);
        assert_eq!(rec.flushes(), 5);
        assert_eq!(dump::STATS.ebusy.load(Relaxed), ebusy0 + 1);
        let before = rec.events();
        fire();
        // Not on the chain.
        assert_eq!(rec.events(), before);
        Ok(())
    }

    #[test]
    fn veto_during_replay_aborts() -> Result {
        let rec = Recorder::new(true)?;
        let source = FakeSource::new(0, 3);
        let res = register(&source, &rec);
        assert!(matches!(res, Err(e) if e == EOPNOTSUPP));
        // The first event was vetoed: the replay stopped there.
        assert_eq!(rec.events(), 1);
        assert_eq!(rec.flushes(), 1);
        fire();
        assert_eq!(rec.events(), 1);
        Ok(())
    }

    #[test]
    fn counter_sums_every_namespace() -> Result {
        let (nets, total) = {
            let guard = rcu::read_lock();
            bridge::nets(&guard).fold((0u32, 0u64), |(n, t), net| {
                (n + 1, t + seq_counter::read(net))
            })
        };
        let before = seq_counter::sum();
        // The initial namespace and the three the guest test made first.
        assert!(nets >= 1);
        assert!(before >= total);
        {
            let guard = rcu::read_lock();
            if let Some(net) = bridge::nets(&guard).next() {
                seq_counter::bump(net);
            }
        }
        assert!(seq_counter::sum() > before);
        Ok(())
    }
}
