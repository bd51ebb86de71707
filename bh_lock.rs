// SPDX-License-Identifier: GPL-2.0

//! A spinlock that disables bottom halves: the lock for anything an event
//! callback shares with process context.
//!
//! Listeners are called from softirq: the IPv6 route GC timer
//! (`fib6_gc_timer_cb()` -> `fib6_del()`) and router advertisements
//! (`rt6_add_dflt_router()` from NET_RX) notify with `tb6_lock` held, in
//! softirq. A plain spinlock that a callback takes, and that a debugfs read
//! or a work item also takes with BH enabled, deadlocks when the softirq
//! interrupts that holder on the same CPU (lockdep: "inconsistent
//! {IN-SOFTIRQ-W} -> {SOFTIRQ-ON-W} usage"). [`BhLock`] takes
//! `spin_lock_bh()` everywhere, as netdevsim's FIB code does: valid in
//! process context and, nested, in softirq. (No FIB notifier runs in
//! hardirq, so disabling interrupts would only cost latency.)

use kernel::{
    bindings,
    ffi::c_char,
    sync::lock::{Backend, Lock},
};

use crate::ffi;

/// A BH-disabling spinlock; see the module documentation.
pub(crate) type BhLock<T> = Lock<T, BhLockBackend>;

/// Creates a [`BhLock`] initialiser with a lock class of its own.
macro_rules! new_bh_lock {
    ($inner:expr, $name:literal $(,)?) => {
        $crate::bh_lock::BhLock::new($inner, kernel::c_str!($name), kernel::static_lock_class!())
    };
}
pub(crate) use new_bh_lock;

/// The backend of [`BhLock`]: `spin_lock_bh()` / `spin_unlock_bh()`.
pub(crate) struct BhLockBackend;

// SAFETY: `spin_lock_bh()` gives mutual exclusion until `spin_unlock_bh()`,
// and `State` is the `spinlock_t` both take; `init` initialises it with the
// given name and class, as `SpinLockBackend` does.
unsafe impl Backend for BhLockBackend {
    type State = bindings::spinlock_t;
    type GuardState = ();

    unsafe fn init(ptr: *mut Self::State, name: *const c_char, key: *mut bindings::lock_class_key) {
        // SAFETY: `ptr` is valid for writes, `name` and `key` live forever
        // (the trait's requirements).
        unsafe { bindings::__spin_lock_init(ptr, name, key) }
    }

    unsafe fn lock(ptr: *mut Self::State) -> Self::GuardState {
        // SAFETY: `ptr` is an initialised lock (the trait's requirement).
        unsafe { ffi::rfn_spin_lock_bh(ptr) }
    }

    unsafe fn try_lock(ptr: *mut Self::State) -> Option<Self::GuardState> {
        // SAFETY: `ptr` is an initialised lock (the trait's requirement).
        (unsafe { ffi::rfn_spin_trylock_bh(ptr) } != 0).then_some(())
    }

    unsafe fn unlock(ptr: *mut Self::State, _guard_state: &Self::GuardState) {
        // SAFETY: the caller owns the lock (the trait's requirement).
        unsafe { ffi::rfn_spin_unlock_bh(ptr) }
    }

    unsafe fn assert_is_held(ptr: *mut Self::State) {
        // SAFETY: `ptr` is an initialised lock (the trait's requirement).
        unsafe { bindings::spin_assert_is_held(ptr) }
    }
}
