// SPDX-License-Identifier: GPL-2.0

//! Registration with dump-and-replay (`net/core/fib_notifier.c`'s loop, on
//! the global chain, over every namespace).

use core::{pin::Pin, ptr};

use kernel::{
    bindings,
    prelude::*,
    sync::{
        atomic::{Atomic, Full, Relaxed},
        barrier::smp_mb,
        rcu,
    },
};

use crate::{
    bridge,
    chain::{Node, Target},
    ffi, seq_counter,
};

/// Fixed, as in 4.11: "Lets see if it's really a problem before adding
/// something we can never remove."
pub(crate) const FIB_DUMP_MAX_RETRIES: u32 = 5;

/// Where the state to replay comes from.
pub(crate) trait Source {
    /// The change counter (see `seq_counter.rs`).
    fn seq_sum(&self) -> u64;
    /// Replays every namespace the node accepts, rules first, to the node
    /// alone. An error (a veto, -ENOMEM) aborts the replay.
    fn replay<T: Target>(&self, node: Pin<&Node<T>>) -> Result;
}

/// The kernel's real tables, through each family's own dump. A listener's
/// veto message during the replay goes to `extack` (may be null).
pub(crate) struct KernelFib {
    pub(crate) extack: *mut bindings::netlink_ext_ack,
}

impl KernelFib {
    /// The real tables, with no extack.
    pub(crate) const fn new() -> Self {
        Self {
            extack: ptr::null_mut(),
        }
    }
}

impl Source for KernelFib {
    fn seq_sum(&self) -> u64 {
        seq_counter::sum()
    }

    fn replay<T: Target>(&self, node: Pin<&Node<T>>) -> Result {
        let guard = rcu::read_lock();
        for bridged in bridge::nets(&guard) {
            let net = bridged.net();
            if !node.accepts(net) {
                continue;
            }
            for family in [ffi::AF_INET, ffi::AF_INET6] {
                // SAFETY: `net` is bridged, hence alive, under `guard`; the
                // replay block is the node's, pinned for the call. The
                // family dump replays rules, then every table entry.
                kernel::error::to_result(unsafe {
                    ffi::rfn_fib_dump(net, family, node.replay_block(net), self.extack)
                })?;
            }
        }
        Ok(())
    }
}

/// Registration outcomes, for debugfs.
pub(crate) struct Stats {
    pub(crate) tries: Atomic<u64>,
    pub(crate) flushes: Atomic<u64>,
    pub(crate) ebusy: Atomic<u64>,
    pub(crate) registered: Atomic<u64>,
    pub(crate) aborted: Atomic<u64>,
}

pub(crate) static STATS: Stats = Stats {
    tries: Atomic::new(0),
    flushes: Atomic::new(0),
    ebusy: Atomic::new(0),
    registered: Atomic::new(0),
    aborted: Atomic::new(0),
};

fn count(counter: &Atomic<u64>) {
    counter.fetch_add(1, Relaxed);
}

/// Replays `source` to `node`, then puts it on the chain, if the counter
/// says nothing changed meanwhile; else flushes the listener and retries,
/// [`FIB_DUMP_MAX_RETRIES`] times in all, then fails with `EBUSY`.
///
/// A veto during the replay flushes the listener and returns the error.
pub(crate) fn register<S: Source, T: Target>(source: &S, node: Pin<&Node<T>>) -> Result {
    for _ in 0..FIB_DUMP_MAX_RETRIES {
        count(&STATS.tries);
        let seq = source.seq_sum();
        if let Err(e) = source.replay(node) {
            count(&STATS.aborted);
            node.target.flush();
            return Err(e);
        }
        node.add();
        // Publish the block before reading the counters again: see the
        // ordering argument in seq_counter.rs.
        smp_mb(Full);
        if source.seq_sum() == seq {
            count(&STATS.registered);
            return Ok(());
        }
        node.remove();
        count(&STATS.flushes);
        node.target.flush();
    }
    count(&STATS.ebusy);
    Err(EBUSY)
}
