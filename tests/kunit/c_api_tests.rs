// SPDX-License-Identifier: GPL-2.0

//! KUnit: misuse of the exported C API gets an errno, never a crash. Calls
//! the exported symbols themselves, as a C driver would.

use core::ptr;

use kernel::{
    bindings,
    ffi::{c_int, c_ulong, c_void},
    prelude::*,
};

type FlushFn = Option<unsafe extern "C" fn(*mut bindings::notifier_block)>;

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

fn block() -> Result<KBox<bindings::notifier_block>> {
    Ok(KBox::new(
        bindings::notifier_block {
            notifier_call: Some(ignore),
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
    fn null_block_is_einval() {
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
    }

    #[test]
    fn null_net_is_einval() -> Result {
        let mut nb = block()?;
        // SAFETY: `nb` is a valid block that outlives the call.
        let ret = unsafe {
            rust_fib_notifier_register_net(ptr::null_mut(), &mut *nb, None, ptr::null_mut())
        };
        assert_eq!(ret, EINVAL.to_errno());
        Ok(())
    }

    /// Issue 9, defect 7: registration takes RTNL; a caller that holds it
    /// gets -EDEADLK (lockdep tells) instead of deadlocking (the old code
    /// hung here). Only while lock debugging is on: lockdep's answer means
    /// nothing after it turned itself off.
    #[cfg(CONFIG_PROVE_LOCKING)]
    #[test]
    fn rtnl_held_is_edeadlk() -> Result {
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

    #[test]
    fn twice_is_eexist_and_unknown_is_enoent() -> Result {
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
