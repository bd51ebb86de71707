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
//!   `workqueue::DelayedWork`, which 7.3 can queue but not flush;
//! - [`CancellableDelayedWork`]: a delayed work its owner cancels
//!   (`cancel_delayed_work_sync()`), which 7.3's `DelayedWork` cannot be;
//! - [`system_dfl`]: the default unbound system queue, next to
//!   `workqueue::system_unbound()` (whose C queue 7.3 deprecates);
//! - [`cond_resched`]: next to `kernel::task::might_sleep()`.
//!
//! The C side of each is an inline function or a macro, reached through
//! `glue/kernel_internals.c` (a `rust/helpers/` entry upstream).

use core::{ops::Deref, pin::Pin, ptr, ptr::NonNull};

use kernel::{
    bindings,
    ffi::c_char,
    prelude::*,
    str::CStr,
    sync::{
        lock::{Backend, Lock},
        LockClassKey,
    },
    time::Jiffies,
    types::Opaque,
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

// `init` initialises the lock with the given name and class, as
// `SpinLockBackend` does; `relock` (the default) takes it the same way.
// SAFETY: `spin_lock_bh()` excludes until `spin_unlock_bh()`, on `State`.
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

/// A delayed work embedded in a pinned object that cancels it before it is
/// freed: the C idiom (`INIT_DELAYED_WORK()` in the constructor,
/// `cancel_delayed_work_sync()` in the destructor).
///
/// `kernel::workqueue::DelayedWork` hands the queue an owning pointer (an
/// `Arc` or a `KBox`) for as long as the work is queued, and has no cancel:
/// the owner cannot take the work back, only wait until it ran. A FIB
/// registration is owned by its user, who ends it at once (module exit
/// cannot wait for a resync due in 500 ms), so its work must be cancellable.
/// Upstream, this would be `DelayedWork::cancel_sync()` for work items whose
/// pointer type is a borrow of a pinned owner.
///
/// The work's function gets the `work_struct`; [`CancellableDelayedWork::of`]
/// turns it back into the work, from which the owner's `container_of!`
/// finds the owner.
///
/// # Invariants
///
/// `dwork` is initialised, with the function given to
/// [`CancellableDelayedWork::new`]; it is not queued once `self` is dropped.
#[pin_data(PinnedDrop)]
#[repr(transparent)]
pub(crate) struct CancellableDelayedWork {
    #[pin]
    dwork: Opaque<bindings::delayed_work>,
}

// SAFETY: the workqueue code serialises every access to a work item; the
// type holds nothing else.
unsafe impl Send for CancellableDelayedWork {}
// SAFETY: as above.
unsafe impl Sync for CancellableDelayedWork {}

// `of` casts a `work_struct` pointer to its delayed work.
const _: () = assert!(core::mem::offset_of!(bindings::delayed_work, work) == 0);

/// Creates a [`CancellableDelayedWork`] running `$func`, with lockdep
/// classes of its own (as `kernel::new_delayed_work!`).
macro_rules! new_cancellable_delayed_work {
    ($func:expr, $name:literal) => {
        $crate::kernel_gaps::CancellableDelayedWork::new(
            $func,
            kernel::c_str!($name),
            kernel::static_lock_class!(),
            kernel::c_str!(concat!($name, "_timer")),
            kernel::static_lock_class!(),
        )
    };
}
pub(crate) use new_cancellable_delayed_work;

impl CancellableDelayedWork {
    /// A work that runs `func`; use [`new_cancellable_delayed_work!`].
    pub(crate) fn new(
        func: unsafe extern "C" fn(*mut bindings::work_struct),
        work_name: &'static CStr,
        work_key: Pin<&'static LockClassKey>,
        timer_name: &'static CStr,
        timer_key: Pin<&'static LockClassKey>,
    ) -> impl PinInit<Self> {
        // INVARIANT: initialised here with `func`.
        pin_init!(Self {
            dwork <- Opaque::ffi_init(|slot: *mut bindings::delayed_work| {
                // SAFETY: `slot` is valid for writes and pinned; `func`
                // takes the work it is given.
                unsafe {
                    bindings::init_work_with_key(
                        ptr::addr_of_mut!((*slot).work),
                        Some(func),
                        false,
                        work_name.as_char_ptr(),
                        work_key.as_ptr(),
                    )
                };
                // SAFETY: the timer is the delayed work's own, only armed by
                // the workqueue code, and `delayed_work_timer_fn` is irq
                // safe (as `kernel::workqueue::DelayedWork::new` does).
                unsafe {
                    bindings::timer_init_key(
                        ptr::addr_of_mut!((*slot).timer),
                        Some(bindings::delayed_work_timer_fn),
                        bindings::TIMER_IRQSAFE,
                        timer_name.as_char_ptr(),
                        timer_key.as_ptr(),
                    )
                };
            }),
        })
    }

    /// Queues the work on `queue` to run after `delay`, unless it is
    /// already queued; returns whether it queued it. Any context.
    pub(crate) fn queue(&self, queue: &Queue, delay: Jiffies) -> bool {
        // `Queue` is a transparent wrapper of the C struct.
        let queue = ptr::from_ref(queue)
            .cast::<bindings::workqueue_struct>()
            .cast_mut();
        // SAFETY: the work is initialised (type invariant) and stays valid
        // until it is cancelled, which dropping `self` does; `queue` is a
        // live workqueue (it is borrowed).
        unsafe {
            bindings::queue_delayed_work_on(
                bindings::wq_misc_consts_WORK_CPU_UNBOUND as c_int,
                queue,
                self.dwork.get(),
                delay,
            )
        }
    }

    /// Cancels the work and waits until it is not running. Sleeps; must not
    /// be called from the work itself.
    pub(crate) fn cancel_sync(&self) {
        // SAFETY: initialised (type invariant); process context.
        unsafe { bindings::cancel_delayed_work_sync(self.dwork.get()) };
    }

    /// The work whose `work_struct` the workqueue passes to its function:
    /// the work is the first member of the delayed work (asserted above),
    /// the only member of `Self` (transparent).
    pub(crate) fn of(work: *mut bindings::work_struct) -> *mut Self {
        work.cast()
    }
}

#[pinned_drop]
impl PinnedDrop for CancellableDelayedWork {
    fn drop(self: Pin<&mut Self>) {
        self.cancel_sync();
    }
}

/// The default unbound system workqueue (`system_dfl_wq`). 7.3's
/// `kernel::workqueue` offers `system_unbound()`, whose C queue is
/// deprecated in 7.3 (a work queued on it logs a warning): upstream, this
/// is `kernel::workqueue::system_dfl()`.
pub(crate) fn system_dfl() -> &'static Queue {
    // SAFETY: `system_dfl_wq` is a C global, set up before any module
    // loads and never freed.
    unsafe { Queue::from_raw(bindings::system_dfl_wq) }
}

/// Lets other tasks run (`cond_resched()`, a macro in C). Process context,
/// no spinlock or RCU read lock held. Upstream: `kernel::task::cond_resched`,
/// next to `might_sleep()`.
pub(crate) fn cond_resched() {
    // SAFETY: the caller's context permits it (see above).
    unsafe { ffi::rfn_cond_resched() };
}
