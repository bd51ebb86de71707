// SPDX-License-Identifier: GPL-2.0

//! How an in-crate listener is put on the chain and taken off it: an
//! [`Attachment`] holds the listener, its namespace filter and its
//! registration slot, and gives them their debugfs files:
//!
//! - `attach`: write `1` to register (with replay; a no-op when attached),
//!   `0` to unregister; read gives the state. A registration that stays
//!   inconsistent fails the write with `EBUSY`.
//! - `netns`: the inode number of the one namespace the next attach
//!   registers for (0, the default: every namespace); a write names a
//!   bridged namespace (`ENOENT` otherwise).
//! - `resync`: write a namespace's inode number: the listener forgets it
//!   and gets it replayed (`EBUSY` when it kept changing); reads `0`.
//!
//! A listener's callbacks run in the contexts the `Listener` trait lists
//! (`events.rs`): atomic, and softirq for IPv6. So whatever a callback
//! shares with process context (debugfs readers, work items) is under a
//! [`SpinLockBh`](crate::kernel_gaps::SpinLockBh), and a callback
//! allocates with `GFP_ATOMIC`.

use core::fmt;

use kernel::{
    debugfs::{Reader, ScopedDir, Writer},
    prelude::*,
    sync::{
        atomic::{Atomic, Relaxed},
        Arc, Mutex,
    },
    time::{Instant, Monotonic},
    uaccess::UserSliceReader,
};

use crate::{dump::Registration, events::Listener, knob, nets};

/// A listener that an [`Attachment`] registers: a handle (an `Arc`),
/// cloned for each registration.
pub(crate) trait Attach: Listener + Clone + 'static {
    /// Called before each registration, not attached yet: resets what a
    /// registration counts.
    fn attaching(&self) {}

    /// Called once a registration succeeded (its replay is done).
    fn attached(&self) {}

    /// Called once the registration is dropped (no event in flight, none to
    /// come): forgets what the listener received.
    fn detached(&self) {}
}

/// The debugfs files of an attachment besides `attach`.
pub(crate) struct Files {
    netns: bool,
    resync: bool,
}

impl Files {
    /// `attach` alone: a registration for every namespace.
    pub(crate) const ATTACH: Self = Self {
        netns: false,
        resync: false,
    };
    /// `attach`, `netns` and `resync`.
    pub(crate) const ALL: Self = Self {
        netns: true,
        resync: true,
    };
}

/// The namespace a registration is restricted to: a bridged namespace's
/// inode number, or 0 (every namespace).
struct NetnsFilter(Atomic<u64>);

impl Writer for NetnsFilter {
    fn write(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "{}", self.0.load(Relaxed))
    }
}

impl Reader for NetnsFilter {
    fn read_from_slice(&self, reader: &mut UserSliceReader) -> Result {
        self.0.store(knob::parse_netns(reader)?, Relaxed);
        Ok(())
    }
}

/// A listener, its namespace filter and its registration slot.
///
/// Attach and detach run whole under the slot's lock: an attach racing a
/// detach cannot register (and replay) between the unregistration and
/// [`Attach::detached`], which would wipe what its replay filled in.
#[pin_data]
pub(crate) struct Attachment<L: Attach> {
    listener: L,
    netns: NetnsFilter,
    /// How long the last registration took (ns), its replay included.
    register_ns: Atomic<u64>,
    #[pin]
    registration: Mutex<Option<Registration<L>>>,
}

impl<L: Attach> Attachment<L> {
    pub(crate) fn new(listener: L) -> Result<Arc<Self>> {
        Arc::pin_init(
            pin_init!(Self {
                listener,
                netns: NetnsFilter(Atomic::new(0)),
                register_ns: Atomic::new(0),
                registration <- kernel::new_mutex!(None),
            }),
            GFP_KERNEL,
        )
    }

    /// The listener (what its debugfs files read).
    pub(crate) fn listener(&self) -> &L {
        &self.listener
    }

    /// The last registration's time (ns).
    pub(crate) fn register_ns(&self) -> u64 {
        self.register_ns.load(Relaxed)
    }

    /// Registers the listener (with replay); a no-op when attached.
    pub(crate) fn attach(&self) -> Result {
        let mut slot = self.registration.lock();
        if slot.is_some() {
            return Ok(());
        }
        let filter = match self.netns.0.load(Relaxed) {
            0 => None,
            inum => Some(nets::find(inum).ok_or(ENOENT)?),
        };
        self.listener.attaching();
        let start = Instant::<Monotonic>::now();
        let registration = Registration::new(self.listener.clone(), filter)?;
        let ns = start.elapsed().as_nanos();
        self.register_ns
            .store(u64::try_from(ns).unwrap_or(0), Relaxed);
        self.listener.attached();
        *slot = Some(registration);
        Ok(())
    }

    /// Unregisters the listener, which then forgets what it holds.
    pub(crate) fn detach(&self) {
        let mut slot = self.registration.lock();
        if let Some(registration) = slot.take() {
            // Off the chain first: no event refills what it forgets.
            drop(registration);
            self.listener.detached();
        }
    }

    fn is_attached(&self) -> bool {
        self.registration.lock().is_some()
    }

    /// Resyncs the namespace with inode number `inum`.
    fn resync(&self, inum: u64) -> Result {
        let net = nets::find(inum).ok_or(ENOENT)?;
        self.registration.lock().as_ref().ok_or(ENOENT)?.resync(net)
    }

    /// Creates `attach` and the `files` asked for in `dir`.
    pub(crate) fn debugfs<'a>(&'a self, dir: &ScopedDir<'a, '_>, files: Files) {
        dir.read_write_callback_file(c"attach", self, &show_attach::<L>, &write_attach::<L>);
        if files.netns {
            dir.read_write_file(c"netns", &self.netns);
        }
        if files.resync {
            dir.read_write_callback_file(c"resync", self, &show_resync::<L>, &write_resync::<L>);
        }
    }
}

fn show_attach<L: Attach>(a: &Attachment<L>, f: &mut fmt::Formatter<'_>) -> fmt::Result {
    writeln!(f, "{}", u8::from(a.is_attached()))
}

fn write_attach<L: Attach>(a: &Attachment<L>, reader: &mut UserSliceReader) -> Result {
    match knob::parse_u64(reader)? {
        1 => a.attach(),
        0 => {
            a.detach();
            Ok(())
        }
        _ => Err(ERANGE),
    }
}

fn show_resync<L: Attach>(_: &Attachment<L>, f: &mut fmt::Formatter<'_>) -> fmt::Result {
    writeln!(f, "0")
}

fn write_resync<L: Attach>(a: &Attachment<L>, reader: &mut UserSliceReader) -> Result {
    a.resync(knob::parse_u64(reader)?)
}
