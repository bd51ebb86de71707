// SPDX-License-Identifier: GPL-2.0

//! What this crate needs and the 7.3 kernel crate lacks, each shaped like
//! its neighbours upstream so that it could be proposed there:
//!
//! - [`SpinLockBh`]: `spin_lock_bh()`, next to `rust/kernel/sync/lock/`'s
//!   `SpinLock` and `SpinLockIrq` (7.3 has no BH backend);
//! - [`OrderedQueue`]: a workqueue the caller owns
//!   (`alloc_ordered_workqueue()`), next to `rust/kernel/workqueue.rs`'s
//!   `Queue`, which only borrows the system queues in 7.3;
//! - [`FlushDelayedWork`]: `flush_delayed_work()` for
//!   `workqueue::DelayedWork`, which 7.3 can queue but not flush.
//!
//! The C side of each is an inline function or a macro, reached through
//! `rfn_glue.c` (a `rust/helpers/` entry upstream).

use core::{ops::Deref, ptr::NonNull};

use kernel::{
    bindings,
    ffi::c_char,
    prelude::*,
    sync::lock::{Backend, Lock},
    workqueue::{DelayedWork, Queue},
};

use crate::ffi;

/// A spinlock taken with bottom halves disabled (`spin_lock_bh()`).
///
/// The lock for data that softirq context shares with process context: a
/// plain spinlock that a softirq takes, and that process context also takes
/// with BH enabled, deadlocks when the softirq interrupts that holder on
/// the same CPU (lockdep: "inconsistent {IN-SOFTIRQ-W} -> {SOFTIRQ-ON-W}
/// usage"). Valid in process context and, nested, in softirq; not in
/// hardirq (use `SpinLockIrq` there).
pub(crate) type SpinLockBh<T> = Lock<T, SpinLockBhBackend>;

/// Creates a [`SpinLockBh`] initialiser with a lock class of its own.
macro_rules! new_spinlock_bh {
    ($inner:expr $(, $name:literal)? $(,)?) => {
        $crate::kernel_gaps::SpinLockBh::new(
            $inner,
            kernel::optional_name!($($name)?),
            kernel::static_lock_class!(),
        )
    };
}
pub(crate) use new_spinlock_bh;

/// The backend of [`SpinLockBh`]: `spin_lock_bh()` / `spin_unlock_bh()`.
pub(crate) struct SpinLockBhBackend;

// SAFETY: `spin_lock_bh()` gives mutual exclusion until `spin_unlock_bh()`,
// and `State` is the `spinlock_t` both take; `init` initialises it with the
// given name and class, as `SpinLockBackend` does. `relock` uses the default
// implementation, which always takes the lock the same way.
unsafe impl Backend for SpinLockBhBackend {
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

/// An ordered workqueue the value owns (`alloc_ordered_workqueue()` with
/// `WQ_MEM_RECLAIM`): its work items run one at a time, in queueing order.
/// It dereferences to a [`Queue`]; dropping it drains and destroys it
/// (`destroy_workqueue()`).
///
/// # Invariants
///
/// `self.0` is a live workqueue that this value owns.
pub(crate) struct OrderedQueue(NonNull<bindings::workqueue_struct>);

// SAFETY: a workqueue may be used and destroyed from any thread.
unsafe impl Send for OrderedQueue {}
// SAFETY: queueing and flushing synchronise in the workqueue code.
unsafe impl Sync for OrderedQueue {}

impl OrderedQueue {
    /// Allocates an ordered workqueue named `name` (process context).
    pub(crate) fn new(name: &'static CStr) -> Result<Self> {
        // SAFETY: `name` is a valid string that outlives the queue.
        let wq = unsafe { ffi::rfn_alloc_ordered_wq(name.as_char_ptr()) };
        // INVARIANT: non-null, the queue is live and ours until `drop`.
        NonNull::new(wq).map(Self).ok_or(ENOMEM)
    }
}

impl Deref for OrderedQueue {
    type Target = Queue;

    fn deref(&self) -> &Queue {
        // SAFETY: the queue lives as long as `self` (type invariant).
        unsafe { Queue::from_raw(self.0.as_ptr()) }
    }
}

impl Drop for OrderedQueue {
    fn drop(&mut self) {
        // SAFETY: ours (type invariant), and not used after this; it
        // drains before it is freed.
        unsafe { bindings::destroy_workqueue(self.0.as_ptr()) }
    }
}

/// `flush_delayed_work()` for [`DelayedWork`].
pub(crate) trait FlushDelayedWork {
    /// Waits until the work, if queued, has run: now, if its delay has not
    /// passed. Process context; it must not be called from the work
    /// itself, nor holding a lock that the work takes.
    fn flush(&self);
}

impl<T: ?Sized, const ID: u64> FlushDelayedWork for DelayedWork<T, ID> {
    fn flush(&self) {
        // `DelayedWork` is a transparent wrapper of an `Opaque<struct
        // delayed_work>`, writable through a shared reference.
        let dwork = core::ptr::from_ref(self)
            .cast::<bindings::delayed_work>()
            .cast_mut();
        // SAFETY: `dwork` is an initialised `delayed_work` (a `DelayedWork`
        // is initialised on creation), alive for the call; the caller is
        // in process context (the method's contract).
        unsafe { bindings::flush_delayed_work(dwork) };
    }
}
