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

use core::fmt;

use kernel::{
    debugfs::{Dir, File},
    prelude::*,
    sync::{atomic::Relaxed, Arc},
};

mod bh_lock;
mod bridge;
mod c_api;
mod chain;
mod dump;
mod ffi;
mod knob;
mod seq_counter;

mod listeners {
    pub(crate) mod mock_switchdev;
    pub(crate) mod probe;
    pub(crate) mod table;
}

#[cfg(CONFIG_KUNIT)]
#[path = "tests/kunit/chain_tests.rs"]
mod chain_tests;

#[cfg(CONFIG_KUNIT)]
#[path = "tests/kunit/c_api_tests.rs"]
mod c_api_tests;

use listeners::{
    mock_switchdev::{self, MockSwitchdev},
    probe::{self, Probe},
};

module! {
    type: RustFibNotifier,
    name: "rust_fib_notifier",
    authors: ["rust-fib-notifier developers"],
    description: "Atomic FIB notifier chain with dump-and-replay on registration",
    license: "GPL",
}

/// The debugfs files; dropped first at unload, so no write races teardown.
struct DebugFs {
    _probe_files: KVec<Pin<KBox<File<Arc<Probe>>>>>,
    _mock_files: KVec<Pin<KBox<File<Arc<MockSwitchdev>>>>>,
    _mock_dir: Dir,
    _stats: Pin<KBox<File<()>>>,
    _retry_all: Pin<KBox<File<()>>>,
    _fault_bridge_busy: Pin<KBox<File<()>>>,
    _probe_dir: Dir,
    _root: Dir,
}

fn show_dump_stats(_: &(), f: &mut fmt::Formatter<'_>) -> fmt::Result {
    let s = &dump::STATS;
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
            ("resync_queued", s.resync_queued.load(Relaxed)),
            (
                "nets",
                bridge::counters(|_| true).map_or(0, |n| n.len() as u64),
            ),
            // SAFETY: reads two counters.
            ("bridge_deferred", unsafe { ffi::rfn_bridge_stat(false) }),
            // SAFETY: as above.
            ("bridge_late", unsafe { ffi::rfn_bridge_stat(true) }),
        ],
    )
}

fn show_fault_bridge_busy(_: &(), f: &mut fmt::Formatter<'_>) -> fmt::Result {
    // SAFETY: reads an atomic of the glue.
    writeln!(f, "{}", unsafe { ffi::rfn_get_fault_bridge_busy() })
}

fn write_fault_bridge_busy(_: &(), r: &mut kernel::uaccess::UserSliceReader) -> Result {
    let n = knob::parse_u64(r)?;
    if n > 1000 {
        return Err(ERANGE);
    }
    // SAFETY: sets an atomic of the glue.
    unsafe { ffi::rfn_set_fault_bridge_busy(n as u32) };
    Ok(())
}

fn show_retry_all(_: &(), f: &mut fmt::Formatter<'_>) -> fmt::Result {
    writeln!(f, "{}", u8::from(dump::RETRY_ALL.load(Relaxed)))
}

fn write_retry_all(_: &(), r: &mut kernel::uaccess::UserSliceReader) -> Result {
    dump::RETRY_ALL.store(knob::parse_bool(r)?, Relaxed);
    Ok(())
}

impl DebugFs {
    fn new(probe: &Arc<Probe>, mock: &Arc<MockSwitchdev>) -> Result<Self> {
        let root = Dir::new(c"rust_fib_notifier");
        let probe_dir = root.subdir(c"probe");
        let stats = KBox::pin_init(
            root.read_callback_file(c"stats", (), &show_dump_stats),
            GFP_KERNEL,
        )?;
        let retry_all = KBox::pin_init(
            root.read_write_callback_file(c"retry_all", (), &show_retry_all, &write_retry_all),
            GFP_KERNEL,
        )?;
        let fault_bridge_busy = KBox::pin_init(
            root.read_write_callback_file(
                c"fault_bridge_busy",
                (),
                &show_fault_bridge_busy,
                &write_fault_bridge_busy,
            ),
            GFP_KERNEL,
        )?;
        let mut files = KVec::new();
        files.push(
            KBox::pin_init(
                probe_dir.read_write_callback_file(
                    c"attach",
                    probe.clone(),
                    &probe::show_attach,
                    &probe::write_attach,
                ),
                GFP_KERNEL,
            )?,
            GFP_KERNEL,
        )?;
        files.push(
            KBox::pin_init(
                probe_dir.read_write_callback_file(
                    c"netns",
                    probe.clone(),
                    &probe::show_netns,
                    &probe::write_netns,
                ),
                GFP_KERNEL,
            )?,
            GFP_KERNEL,
        )?;
        files.push(
            KBox::pin_init(
                probe_dir.read_write_callback_file(
                    c"resync",
                    probe.clone(),
                    &probe::show_resync,
                    &probe::write_resync,
                ),
                GFP_KERNEL,
            )?,
            GFP_KERNEL,
        )?;
        let show_routes =
            probe_dir.read_callback_file(c"routes", probe.clone(), &probe::show_routes);
        files.push(KBox::pin_init(show_routes, GFP_KERNEL)?, GFP_KERNEL)?;
        let show_rules = probe_dir.read_callback_file(c"rules", probe.clone(), &probe::show_rules);
        files.push(KBox::pin_init(show_rules, GFP_KERNEL)?, GFP_KERNEL)?;
        let show_stats = probe_dir.read_callback_file(c"stats", probe.clone(), &probe::show_stats);
        files.push(KBox::pin_init(show_stats, GFP_KERNEL)?, GFP_KERNEL)?;
        let mock_dir = root.subdir(c"mock_switchdev");
        let mut mock_files = KVec::new();
        // The callbacks must be function items (zero-sized): one call each.
        macro_rules! mock_file {
            ($name:literal, $show:ident) => {{
                let file = mock_dir.read_callback_file($name, mock.clone(), &mock_switchdev::$show);
                mock_files.push(KBox::pin_init(file, GFP_KERNEL)?, GFP_KERNEL)?;
            }};
            ($name:literal, $show:ident, $write:ident) => {{
                let file = mock_dir.read_write_callback_file(
                    $name,
                    mock.clone(),
                    &mock_switchdev::$show,
                    &mock_switchdev::$write,
                );
                mock_files.push(KBox::pin_init(file, GFP_KERNEL)?, GFP_KERNEL)?;
            }};
        }
        mock_file!(c"attach", show_attach, write_attach);
        mock_file!(c"capacity", show_capacity, write_capacity);
        mock_file!(c"fail_route_offload", show_fail, write_fail);
        mock_file!(c"veto", show_veto, write_veto);
        mock_file!(c"netns", show_netns, write_netns);
        mock_file!(c"event_delay_us", show_event_delay, write_event_delay);
        mock_file!(c"spares", show_spares, write_spares);
        mock_file!(c"routes", show_routes);
        mock_file!(c"stats", show_stats);
        Ok(Self {
            _probe_files: files,
            _mock_files: mock_files,
            _mock_dir: mock_dir,
            _stats: stats,
            _retry_all: retry_all,
            _fault_bridge_busy: fault_bridge_busy,
            _probe_dir: probe_dir,
            _root: root,
        })
    }
}

struct RustFibNotifier {
    debugfs: Option<DebugFs>,
    probe: Arc<Probe>,
    mock: Arc<MockSwitchdev>,
}

impl kernel::Module for RustFibNotifier {
    fn init(_module: &'static ThisModule) -> Result<Self> {
        c_api::init();
        let probe = Probe::new()?;
        let mock = MockSwitchdev::new()?;
        bridge::register()?;
        let debugfs = match DebugFs::new(&probe, &mock) {
            Ok(d) => d,
            Err(e) => {
                bridge::unregister();
                return Err(e);
            }
        };
        pr_info!("loaded: one FIB chain over every network namespace\n");
        Ok(Self {
            debugfs: Some(debugfs),
            probe,
            mock,
        })
    }
}

impl Drop for RustFibNotifier {
    fn drop(&mut self) {
        drop(self.debugfs.take());
        self.mock.detach();
        self.probe.detach();
        bridge::unregister();
        c_api::exit();
        pr_info!("unloaded\n");
    }
}
