// SPDX-License-Identifier: GPL-2.0

//! What this module needs from the kernel crate and 7.3's `rust/kernel`
//! does not have: each item is shaped like its upstream neighbours, so that
//! it could be proposed there, and says what it would replace.

use core::{pin::Pin, ptr};

use kernel::{
    bindings, prelude::*, str::CStr, sync::LockClassKey, time::Jiffies, types::Opaque,
    workqueue::Queue,
};

use crate::ffi;

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
