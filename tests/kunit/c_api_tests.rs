// SPDX-License-Identifier: GPL-2.0

//! KUnit: misuse of the exported C API gets an errno, never a crash. Calls
//! the exported symbols themselves, as a C driver would. Each case's C
//! registrations go on a chain of the case's own ([`CaseChain`]), replayed
//! from the real namespaces: nothing of a case reaches the module's live
//! chain or counts in its statistics.

use core::ptr;

use kernel::{
    bindings,
    ffi::{c_int, c_ulong, c_void},
    prelude::*,
    sync::{
        atomic::{Atomic, Relaxed},
        Arc, ArcBorrow,
    },
};

use crate::chain::Chain;

/// The chain of the case that runs (its address; 0: none), which the
/// running test's private pointer must equal to be taken for one.
static CASE_CHAIN: Atomic<usize> = Atomic::new(0);

/// A chain of the running case's own, on which the C API puts the case's
/// registrations (`c_api::caller_chain`), from its creation until it drops.
///
/// # Invariants
///
/// While it lives, the running test's private pointer and [`CASE_CHAIN`]
/// hold the address of an `Arc::into_raw` reference on `self.0`.
struct CaseChain(Arc<Chain>);

impl CaseChain {
    fn new() -> Result<Self> {
        let chain = Chain::isolated()?;
        let raw = Arc::into_raw(chain.clone());
        CASE_CHAIN.store(raw as usize, Relaxed);
        // SAFETY: sets the running test's private pointer, which nothing
        // else of this crate uses.
        if !unsafe { crate::ffi::rfn_kunit_set_priv(raw.cast_mut().cast()) } {
            CASE_CHAIN.store(0, Relaxed);
            // SAFETY: `raw` came from `into_raw` above and is stored nowhere.
            drop(unsafe { Arc::from_raw(raw) });
            return Err(EINVAL);
        }
        // INVARIANT: both hold `raw`.
        Ok(Self(chain))
    }
}

impl Drop for CaseChain {
    fn drop(&mut self) {
        let raw = CASE_CHAIN.xchg(0, Relaxed) as *const Chain;
        // SAFETY: clears the running test's private pointer.
        unsafe { crate::ffi::rfn_kunit_set_priv(ptr::null_mut()) };
        // SAFETY: the reference `new` made with `into_raw` (type invariant),
        // taken back once (CASE_CHAIN is 0 now).
        drop(unsafe { Arc::from_raw(raw) });
    }
}

/// The running case's chain (`None` outside a case that made one, and in
/// any other task): a new reference.
pub(crate) fn current_chain() -> Option<Arc<Chain>> {
    // SAFETY: reads the running test's private pointer (NULL outside KUnit).
    let raw = unsafe { crate::ffi::rfn_kunit_priv() }.cast::<Chain>();
    if raw.is_null() || raw as usize != CASE_CHAIN.load(Relaxed) {
        return None;
    }
    // SAFETY: it is the `CaseChain`'s `into_raw` reference (type invariant
    // of `CaseChain`), alive until the case drops it, after the call that
    // asks for it returned (the case calls the API synchronously).
    Some(unsafe { ArcBorrow::from_raw(raw) }.into())
}

type FlushFn = Option<unsafe extern "C" fn(*mut bindings::notifier_block)>;
type FlushNetFn = Option<unsafe extern "C" fn(*mut bindings::notifier_block, u64)>;

/// `struct rust_fib_notifier_ops` as API version 2 laid it out, without
/// the mark and sweep callbacks: what a listener built then passes (the
/// glue reads them only with `RUST_FIB_NOTIFIER_F_RECONCILE`).
#[repr(C)]
struct Ops {
    flush: FlushFn,
    flush_net: FlushNetFn,
    flags: core::ffi::c_uint,
}

/// `struct rust_fib_notifier_ops` with its mark and sweep callbacks.
#[repr(C)]
struct ReconcileOps {
    ops: Ops,
    mark_stale: FlushNetFn,
    sweep_stale: FlushNetFn,
}

/// `RUST_FIB_NOTIFIER_F_NEXTHOPS`.
const F_NEXTHOPS: core::ffi::c_uint = 1;
/// `RUST_FIB_NOTIFIER_F_RECONCILE`.
const F_RECONCILE: core::ffi::c_uint = 2;

/// A mark or sweep callback that does nothing.
///
/// # Safety
///
/// Any arguments: it reads none of them.
unsafe extern "C" fn ignore_net(_: *mut bindings::notifier_block, _: u64) {}

extern "C" {
    fn rust_fib_notifier_register(
        nb: *mut bindings::notifier_block,
        cb: FlushFn,
        extack: *mut bindings::netlink_ext_ack,
    ) -> c_int;
    fn rust_fib_notifier_register_net(
        net: *mut c_void,
        nb: *mut bindings::notifier_block,
        cb: FlushFn,
        extack: *mut bindings::netlink_ext_ack,
    ) -> c_int;
    fn rust_fib_notifier_register_ops(
        net: *mut c_void,
        nb: *mut bindings::notifier_block,
        ops: *const Ops,
        extack: *mut bindings::netlink_ext_ack,
    ) -> c_int;
    fn rust_fib_notifier_unregister(nb: *mut bindings::notifier_block) -> c_int;
    fn rust_fib_notifier_resync(nb: *mut bindings::notifier_block, net: *mut c_void) -> c_int;
}

/// A listener that ignores everything.
///
/// # Safety
///
/// Any arguments: it reads none of them.
unsafe extern "C" fn ignore(_: *mut bindings::notifier_block, _: c_ulong, _: *mut c_void) -> c_int {
    0
}

/// Nexthop events seen by [`count_nexthop_events`] (the tests run one at a
/// time).
static NH_EVENTS: Atomic<u32> = Atomic::new(0);

/// A listener that counts the test's nexthop event (a null namespace:
/// never one the kernel sends).
///
/// # Safety
///
/// `data` is the chain's `struct rust_fib_notifier_info`.
unsafe extern "C" fn count_nexthop_events(
    _: *mut bindings::notifier_block,
    event: c_ulong,
    data: *mut c_void,
) -> c_int {
    // SAFETY: the chain passes a valid info for the call.
    let info = unsafe { &*data.cast::<crate::ffi::RfnInfo>() };
    if event == NH_TEST_EVENT && info.net.is_null() {
        NH_EVENTS.fetch_add(1, Relaxed);
    }
    0
}

/// `RUST_FIB_EVENT_NEXTHOP(NEXTHOP_EVENT_REPLACE)`.
const NH_TEST_EVENT: c_ulong = crate::ffi::RUST_FIB_EVENT_NEXTHOP_BASE + 1;

/// `RUST_FIB_NOTIFIER_F_MULTICAST`.
const F_MULTICAST: core::ffi::c_uint = 8;

/// VIF events that reached a C listener (with no namespace: the tests').
static MC_EVENTS: Atomic<u32> = Atomic::new(0);

/// Counts `FIB_EVENT_VIF_ADD` events sent with no namespace.
///
/// # Safety
///
/// Only the chain calls it, with a valid `RfnInfo`.
unsafe extern "C" fn count_vif_events(
    _: *mut bindings::notifier_block,
    event: c_ulong,
    data: *mut c_void,
) -> c_int {
    // SAFETY: the chain passes a valid info for the call.
    let info = unsafe { &*data.cast::<crate::ffi::RfnInfo>() };
    if event == crate::ffi::FIB_EVENT_VIF_ADD && info.net.is_null() {
        MC_EVENTS.fetch_add(1, Relaxed);
    }
    0
}

fn block() -> Result<KBox<bindings::notifier_block>> {
    block_calling(ignore)
}

fn block_calling(
    f: unsafe extern "C" fn(*mut bindings::notifier_block, c_ulong, *mut c_void) -> c_int,
) -> Result<KBox<bindings::notifier_block>> {
    Ok(KBox::new(
        bindings::notifier_block {
            notifier_call: Some(f),
            next: ptr::null_mut(),
            priority: 0,
        },
        GFP_KERNEL,
    )?)
}

#[kunit_tests(rust_fib_notifier_c_api)]
mod tests {
    use super::*;

    #[test]
    fn null_block_is_einval() -> Result {
        let _chain = CaseChain::new()?;
        // SAFETY: the API accepts NULL and must reject it.
        unsafe {
            assert_eq!(
                rust_fib_notifier_register(ptr::null_mut(), None, ptr::null_mut()),
                EINVAL.to_errno()
            );
            assert_eq!(
                rust_fib_notifier_unregister(ptr::null_mut()),
                EINVAL.to_errno()
            );
        }
        Ok(())
    }

    #[test]
    fn null_net_is_einval() -> Result {
        let _chain = CaseChain::new()?;
        let mut nb = block()?;
        // SAFETY: `nb` is a valid block that outlives the call.
        let ret = unsafe {
            rust_fib_notifier_register_net(ptr::null_mut(), &mut *nb, None, ptr::null_mut())
        };
        assert_eq!(ret, EINVAL.to_errno());
        Ok(())
    }

    /// Registration takes RTNL; a caller that holds it gets -EDEADLK
    /// (lockdep tells) instead of deadlocking. Only while lock debugging is
    /// on: lockdep's answer means nothing after it turned itself off.
    #[cfg(CONFIG_PROVE_LOCKING)]
    #[test]
    fn rtnl_held_is_edeadlk() -> Result {
        let _chain = CaseChain::new()?;
        // SAFETY: reads a flag; marks the test skipped when it is off.
        if !unsafe { crate::ffi::rfn_kunit_lockdep_on() } {
            return Ok(());
        }
        let mut nb = block()?;
        // SAFETY: process context; RTNL is released below.
        unsafe { crate::ffi::rfn_rtnl_lock() };
        // SAFETY: `nb` is a valid block that outlives the call.
        let ret = unsafe { rust_fib_notifier_register(&mut *nb, None, ptr::null_mut()) };
        // SAFETY: taken above.
        unsafe { crate::ffi::rfn_rtnl_unlock() };
        assert_eq!(ret, EDEADLK.to_errno());
        Ok(())
    }

    #[test]
    fn resync_of_unknown_is_enoent() -> Result {
        let _chain = CaseChain::new()?;
        let mut nb = block()?;
        // SAFETY: `nb` is a valid block; the initial namespace lives forever.
        unsafe {
            let net = core::ptr::addr_of_mut!(bindings::init_net).cast::<c_void>();
            assert_eq!(rust_fib_notifier_resync(&mut *nb, net), ENOENT.to_errno());
            assert_eq!(
                rust_fib_notifier_resync(ptr::null_mut(), net),
                EINVAL.to_errno()
            );
        }
        Ok(())
    }

    /// A block's priority would order nothing (a node, not the block, is
    /// on the chain, in registration order): refused, not ignored.
    #[test]
    fn priority_is_einval() -> Result {
        let _chain = CaseChain::new()?;
        let mut nb = block()?;
        nb.priority = 1;
        // SAFETY: `nb` is a valid block that outlives the call.
        let ret = unsafe { rust_fib_notifier_register(&mut *nb, None, ptr::null_mut()) };
        assert_eq!(ret, EINVAL.to_errno());
        Ok(())
    }

    #[test]
    fn unknown_flags_are_einval() -> Result {
        let _chain = CaseChain::new()?;
        let mut nb = block()?;
        let ops = Ops {
            flush: None,
            flush_net: None,
            flags: 1 << 7,
        };
        // SAFETY: `nb` and `ops` are valid for the call.
        let ret = unsafe {
            rust_fib_notifier_register_ops(ptr::null_mut(), &mut *nb, &ops, ptr::null_mut())
        };
        assert_eq!(ret, EINVAL.to_errno());
        Ok(())
    }

    /// Mark and sweep come together: one without the other would leave
    /// stale entries forever, or sweep what was never marked.
    #[test]
    fn reconcile_needs_both_callbacks() -> Result {
        let _chain = CaseChain::new()?;
        let mut nb = block()?;
        let ops = ReconcileOps {
            ops: Ops {
                flush: None,
                flush_net: None,
                flags: F_RECONCILE,
            },
            mark_stale: Some(ignore_net),
            sweep_stale: None,
        };
        // SAFETY: `nb` and `ops` are valid for the call; the glue reads the
        // whole struct (the flag says so).
        let ret = unsafe {
            rust_fib_notifier_register_ops(
                ptr::null_mut(),
                &mut *nb,
                ptr::from_ref(&ops).cast(),
                ptr::null_mut(),
            )
        };
        assert_eq!(ret, EINVAL.to_errno());
        Ok(())
    }

    /// Nexthop events reach only the C listeners that asked for them (a
    /// listener written for FIB events would misread their info).
    #[test]
    fn nexthop_events_only_with_the_flag() -> Result {
        let chain = CaseChain::new()?;
        let mut plain = block_calling(count_nexthop_events)?;
        let mut nexthops = block_calling(count_nexthop_events)?;
        let plain: *mut bindings::notifier_block = &mut *plain;
        let nexthops: *mut bindings::notifier_block = &mut *nexthops;
        let ops = |flags| Ops {
            flush: None,
            flush_net: None,
            flags,
        };
        NH_EVENTS.store(0, Relaxed);
        // SAFETY: both blocks stay valid until unregistered below.
        unsafe {
            assert_eq!(
                rust_fib_notifier_register_ops(ptr::null_mut(), plain, &ops(0), ptr::null_mut()),
                0
            );
            chain.0.call(
                ptr::null_mut(),
                NH_TEST_EVENT,
                ptr::null_mut(),
                crate::events::Families::NEXTHOPS,
            );
            assert_eq!(NH_EVENTS.load(Relaxed), 0);
            assert_eq!(
                rust_fib_notifier_register_ops(
                    ptr::null_mut(),
                    nexthops,
                    &ops(F_NEXTHOPS),
                    ptr::null_mut()
                ),
                0
            );
            chain.0.call(
                ptr::null_mut(),
                NH_TEST_EVENT,
                ptr::null_mut(),
                crate::events::Families::NEXTHOPS,
            );
            assert_eq!(NH_EVENTS.load(Relaxed), 1);
            assert_eq!(rust_fib_notifier_unregister(plain), 0);
            assert_eq!(rust_fib_notifier_unregister(nexthops), 0);
        }
        Ok(())
    }

    /// Multicast routing events reach only the C listeners that asked for
    /// them (`RUST_FIB_NOTIFIER_F_MULTICAST`): listeners built before they
    /// were bridged never see an info they do not know.
    #[test]
    fn multicast_events_only_with_the_flag() -> Result {
        let chain = CaseChain::new()?;
        let mut plain = block_calling(count_vif_events)?;
        let mut multicast = block_calling(count_vif_events)?;
        let plain: *mut bindings::notifier_block = &mut *plain;
        let multicast: *mut bindings::notifier_block = &mut *multicast;
        let ops = |flags| Ops {
            flush: None,
            flush_net: None,
            flags,
        };
        let vif_add = || {
            for family in [
                crate::events::Families::IPMR,
                crate::events::Families::IP6MR,
            ] {
                chain.0.call(
                    ptr::null_mut(),
                    crate::ffi::FIB_EVENT_VIF_ADD,
                    ptr::null_mut(),
                    family,
                );
            }
        };
        MC_EVENTS.store(0, Relaxed);
        // SAFETY: both blocks stay valid until unregistered below.
        unsafe {
            assert_eq!(
                rust_fib_notifier_register_ops(ptr::null_mut(), plain, &ops(0), ptr::null_mut()),
                0
            );
            vif_add();
            assert_eq!(MC_EVENTS.load(Relaxed), 0);
            assert_eq!(
                rust_fib_notifier_register_ops(
                    ptr::null_mut(),
                    multicast,
                    &ops(F_MULTICAST),
                    ptr::null_mut()
                ),
                0
            );
            vif_add();
            assert_eq!(MC_EVENTS.load(Relaxed), 2);
            assert_eq!(rust_fib_notifier_unregister(plain), 0);
            assert_eq!(rust_fib_notifier_unregister(multicast), 0);
        }
        Ok(())
    }

    #[test]
    fn twice_is_eexist_and_unknown_is_enoent() -> Result {
        let _chain = CaseChain::new()?;
        let mut nb = block()?;
        let nb: *mut bindings::notifier_block = &mut *nb;
        // SAFETY: `nb` stays valid until after it is unregistered below.
        unsafe {
            assert_eq!(rust_fib_notifier_unregister(nb), ENOENT.to_errno());
            assert_eq!(rust_fib_notifier_register(nb, None, ptr::null_mut()), 0);
            assert_eq!(
                rust_fib_notifier_register(nb, None, ptr::null_mut()),
                EEXIST.to_errno()
            );
            assert_eq!(rust_fib_notifier_unregister(nb), 0);
            assert_eq!(rust_fib_notifier_unregister(nb), ENOENT.to_errno());
        }
        Ok(())
    }
}
