// SPDX-License-Identifier: GPL-2.0

//! rust_fib_notifier: an atomic FIB notifier chain for every network
//! namespace, with dump-and-replay on registration.
//!
//! The design of Linux 4.11's "ipv4: fib: Replay events when registering FIB
//! notifier", rebuilt on the 7.3 kernel's per-namespace FIB chains:
//!
//! - `bridge.rs`: a block per namespace on the kernel's own chain forwards
//!   every IPv4/IPv6 route, rule and nexthop event, counted first
//!   (`seq_counter.rs`), to one global atomic chain (`chain.rs`);
//! - `dump.rs`: a new listener gets every namespace's rules and routes
//!   replayed, is put on the chain, and replays again the namespaces whose
//!   counters say the replay may have missed something (5 tries, then
//!   `EBUSY`); a listener can ask for one namespace to be resynced.
//!
//! The Rust listener API (`events.rs`, `dump::Registration`) serves the
//! in-crate listeners, which only the test builds have
//! (`RFN_TEST_LISTENERS=1`, `cfg(rfn_test_listeners)`): in the product
//! build it has no user, and is not reported as dead code there (the test
//! builds, W=1 and clippy, report what is dead in them).

#![cfg_attr(not(rfn_test_listeners), allow(dead_code))]

use core::fmt;

use kernel::{debugfs::Scope, prelude::*, sync::atomic::Relaxed};

#[cfg(rfn_test_listeners)]
use kernel::sync::Arc;

mod bridge;
mod c_api;
mod chain;
mod dump;
mod events;
mod ffi;
mod kernel_gaps;
mod knob;
mod nets;
mod seq_counter;
mod trace;

/// The in-crate test listeners: built with `RFN_TEST_LISTENERS=1` (and with
/// the KUnit suites), never in the product module.
#[cfg(rfn_test_listeners)]
mod listeners {
    pub(crate) mod attach;
    pub(crate) mod counter;
    pub(crate) mod mock;
    pub(crate) mod probe;
    pub(crate) mod table;
}

#[cfg(rfn_kunit)]
#[path = "tests/kunit/chain_tests.rs"]
mod chain_tests;

#[cfg(rfn_kunit)]
#[path = "tests/kunit/c_api_tests.rs"]
mod c_api_tests;

#[cfg(rfn_test_listeners)]
use listeners::{
    attach::Attachment,
    counter::{self, Counter},
    mock::{self, MockSwitchdev},
    probe::{self, Probe},
};

module! {
    type: RustFibNotifier,
    name: "rust_fib_notifier",
    authors: ["rust-fib-notifier developers"],
    description: "Atomic FIB notifier chain with dump-and-replay on registration",
    license: "GPL",
}

/// The in-crate listeners, each in its attachment (`listeners/attach.rs`).
#[cfg(rfn_test_listeners)]
#[derive(Clone)]
struct Listeners {
    probe: Arc<Attachment<Arc<Probe>>>,
    mock: Arc<Attachment<Arc<MockSwitchdev>>>,
    counter: Arc<Attachment<Arc<Counter>>>,
}

#[cfg(rfn_test_listeners)]
impl Listeners {
    fn new() -> Result<Self> {
        Ok(Self {
            probe: Attachment::new(Probe::new()?)?,
            mock: Attachment::new(MockSwitchdev::new()?)?,
            counter: Attachment::new(Counter::new()?)?,
        })
    }

    /// Takes every listener off the chain.
    fn detach(&self) {
        self.counter.detach();
        self.mock.detach();
        self.probe.detach();
    }
}

/// The product module has no listener of its own.
#[cfg(not(rfn_test_listeners))]
#[derive(Clone)]
struct Listeners;

#[cfg(not(rfn_test_listeners))]
impl Listeners {
    fn new() -> Result<Self> {
        Ok(Self)
    }

    fn detach(&self) {}
}

/// What the debugfs files read and write. Its [`Scope`] is dropped first at
/// unload (the files go before the data), so no write races teardown.
struct Knobs {
    listeners: Listeners,
    /// For the files of module-wide state.
    module: (),
}

fn show_dump_stats(_: &(), f: &mut fmt::Formatter<'_>) -> fmt::Result {
    let s = &chain::GLOBAL.stats;
    knob::write_stats(
        f,
        &[
            ("tries", s.tries.load(Relaxed)),
            ("flushes", s.flushes.load(Relaxed)),
            ("ebusy", s.ebusy.load(Relaxed)),
            ("registered", s.registered.load(Relaxed)),
            ("aborted", s.aborted.load(Relaxed)),
            ("c_listeners", c_api::count() as u64),
            ("nets_replayed", s.nets_replayed.load(Relaxed)),
            ("resyncs", s.resyncs.load(Relaxed)),
            ("resynced", s.resynced.load(Relaxed)),
            ("sweeps", s.sweeps.load(Relaxed)),
            ("resync_queued", chain::GLOBAL.resync_queued.load(Relaxed)),
            (
                "nets",
                seq_counter::counters(|_| true, events::Families::ALL)
                    .map_or(0, |n| n.len() as u64),
            ),
            // SAFETY: reads two counters.
            ("bridge_deferred", unsafe { ffi::rfn_bridge_stat(false) }),
            // SAFETY: as above.
            ("bridge_late", unsafe { ffi::rfn_bridge_stat(true) }),
        ],
    )
}

/// A fault knob's count of what is to fail next: 0..1000.
#[cfg(rfn_test_listeners)]
fn parse_fault_count(r: &mut kernel::uaccess::UserSliceReader) -> Result<u32> {
    match knob::parse_u64(r)? {
        n @ 0..=1000 => Ok(n as u32),
        _ => Err(ERANGE),
    }
}

#[cfg(rfn_test_listeners)]
fn show_fault_check_busy(_: &(), f: &mut fmt::Formatter<'_>) -> fmt::Result {
    writeln!(f, "{}", dump::FAULT_CHECK_BUSY.load(Relaxed))
}

#[cfg(rfn_test_listeners)]
fn write_fault_check_busy(_: &(), r: &mut kernel::uaccess::UserSliceReader) -> Result {
    dump::FAULT_CHECK_BUSY.store(parse_fault_count(r)?, Relaxed);
    Ok(())
}

#[cfg(rfn_test_listeners)]
fn show_fault_bridge_busy(_: &(), f: &mut fmt::Formatter<'_>) -> fmt::Result {
    // SAFETY: reads an atomic of the glue.
    writeln!(f, "{}", unsafe { ffi::rfn_get_fault_bridge_busy() })
}

#[cfg(rfn_test_listeners)]
fn write_fault_bridge_busy(_: &(), r: &mut kernel::uaccess::UserSliceReader) -> Result {
    let n = parse_fault_count(r)?;
    // SAFETY: sets an atomic of the glue.
    unsafe { ffi::rfn_set_fault_bridge_busy(n) };
    Ok(())
}

#[cfg(rfn_test_listeners)]
fn show_fault_net_setup(_: &(), f: &mut fmt::Formatter<'_>) -> fmt::Result {
    // SAFETY: reads atomics of the glue.
    let (left, pinned) = unsafe {
        (
            ffi::rfn_get_fault_net_setup(false),
            ffi::rfn_get_fault_net_setup(true),
        )
    };
    writeln!(f, "{left} pinned {pinned}")
}

#[cfg(rfn_test_listeners)]
fn write_fault_net_setup(_: &(), r: &mut kernel::uaccess::UserSliceReader) -> Result {
    let n = parse_fault_count(r)?;
    // SAFETY: sets an atomic of the glue.
    unsafe { ffi::rfn_set_fault_net_setup(n) };
    Ok(())
}

/// `fault_hold_append` (`RULE` false) and `fault_hold_rule`: `<armed>
/// holding <N>`.
#[cfg(rfn_test_listeners)]
fn show_hold<const RULE: bool>(_: &(), f: &mut fmt::Formatter<'_>) -> fmt::Result {
    // SAFETY: reads atomics of the glue.
    let (armed, holding) = unsafe {
        (
            ffi::rfn_get_hold(RULE, false),
            ffi::rfn_get_hold(RULE, true),
        )
    };
    writeln!(f, "{armed} holding {holding}")
}

/// Arms the hold for the namespace with this inode number, `0` releases it.
#[cfg(rfn_test_listeners)]
fn write_hold<const RULE: bool>(_: &(), r: &mut kernel::uaccess::UserSliceReader) -> Result {
    let inum = knob::parse_u64(r)?;
    // SAFETY: process context; the glue serialises the knob.
    kernel::error::to_result(unsafe { ffi::rfn_set_hold(RULE, inum) })
}

fn show_retry_all(_: &(), f: &mut fmt::Formatter<'_>) -> fmt::Result {
    writeln!(f, "{}", u8::from(chain::GLOBAL.retry_all.load(Relaxed)))
}

fn write_retry_all(_: &(), r: &mut kernel::uaccess::UserSliceReader) -> Result {
    chain::GLOBAL.retry_all.store(knob::parse_bool(r)?, Relaxed);
    Ok(())
}

/// `/sys/kernel/debug/rust_fib_notifier/` (see the README): one scope, so
/// every file is removed before the listeners it reaches.
fn debugfs(listeners: &Listeners) -> impl PinInit<Scope<Knobs>, Error> {
    let knobs = Ok::<_, Error>(Knobs {
        listeners: listeners.clone(),
        module: (),
    });
    Scope::dir(knobs, c"rust_fib_notifier", |k: &Knobs, root| {
        root.read_callback_file(c"stats", &k.module, &show_dump_stats);
        root.read_write_callback_file(c"retry_all", &k.module, &show_retry_all, &write_retry_all);
        #[cfg(rfn_test_listeners)]
        root.read_write_callback_file(
            c"fault_check_busy",
            &k.module,
            &show_fault_check_busy,
            &write_fault_check_busy,
        );
        #[cfg(rfn_test_listeners)]
        root.read_write_callback_file(
            c"fault_bridge_busy",
            &k.module,
            &show_fault_bridge_busy,
            &write_fault_bridge_busy,
        );
        #[cfg(rfn_test_listeners)]
        root.read_write_callback_file(
            c"fault_net_setup",
            &k.module,
            &show_fault_net_setup,
            &write_fault_net_setup,
        );
        #[cfg(rfn_test_listeners)]
        root.read_write_callback_file(
            c"fault_hold_append",
            &k.module,
            &show_hold::<false>,
            &write_hold::<false>,
        );
        #[cfg(rfn_test_listeners)]
        root.read_write_callback_file(
            c"fault_hold_rule",
            &k.module,
            &show_hold::<true>,
            &write_hold::<true>,
        );
        #[cfg(rfn_test_listeners)]
        {
            let l = &k.listeners;
            probe::debugfs(&root.dir(c"probe"), &l.probe);
            mock::debugfs(&root.dir(c"mock_switchdev"), &l.mock);
            counter::debugfs(&root.dir(c"counter"), &l.counter);
        }
    })
}

struct RustFibNotifier {
    debugfs: Option<Pin<KBox<Scope<Knobs>>>>,
    listeners: Listeners,
}

impl kernel::Module for RustFibNotifier {
    fn init(_module: &'static ThisModule) -> Result<Self> {
        c_api::init()?;
        let module = Self::start();
        if module.is_err() {
            c_api::exit();
        }
        module
    }
}

impl RustFibNotifier {
    /// Everything but the C API's registry (`c_api::init()`).
    fn start() -> Result<Self> {
        let listeners = Listeners::new()?;
        bridge::register()?;
        let debugfs = match KBox::pin_init(debugfs(&listeners), GFP_KERNEL) {
            Ok(d) => d,
            Err(e) => {
                bridge::unregister();
                return Err(e);
            }
        };
        pr_info!("loaded: one FIB chain over every network namespace\n");
        Ok(Self {
            debugfs: Some(debugfs),
            listeners,
        })
    }
}

impl Drop for RustFibNotifier {
    fn drop(&mut self) {
        drop(self.debugfs.take());
        self.listeners.detach();
        bridge::unregister();
        c_api::exit();
        pr_info!("unloaded\n");
    }
}
