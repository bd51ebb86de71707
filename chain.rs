// SPDX-License-Identifier: GPL-2.0

//! The global atomic FIB chain and the registrations on it.
//!
//! One `atomic_notifier_head` (4.11's `fib_chain`, in the C glue) carries
//! every FIB event of every namespace. It is called under RCU, so listeners
//! run in atomic context and must not sleep.
//!
//! Every registration is a pinned [`Node`] with a notifier block of its
//! own, `chain_nb`, which hangs on the chain and applies the optional
//! namespace filter and the mute list. A replay hands the kernel's family
//! dump a [`ReplayBlock`] instead, so that it reaches this one listener
//! only. Both end in the node's [`Target`]: a Rust
//! [`Listener`](crate::events::Listener) or, through the exported C API, a
//! C `notifier_block`. The node also carries the resync work that `dump.rs`
//! runs for it, and a block on the resync chain, which carries requests to
//! resync a namespace (after a veto), never FIB events.

use core::{
    cell::{Cell, UnsafeCell},
    ops::Deref,
    pin::Pin,
    ptr,
};

use kernel::{
    bindings,
    ffi::{c_int, c_ulong, c_void},
    prelude::*,
    sync::{
        atomic::{Atomic, Relaxed},
        rcu, Mutex,
    },
    time::msecs_to_jiffies,
    types::Opaque,
};

#[cfg(rfn_kunit)]
use kernel::sync::Arc;

use crate::{
    dump::Stats,
    events::{Event, Families, Listener, ResyncLater},
    ffi::{self, RfnInfo},
    kernel_gaps::{
        self, new_cancellable_delayed_work, new_spinlock_bh, CancellableDelayedWork, SpinLockBh,
    },
    nets::NetId,
    trace,
};

/// The receiving end of a registration: a Rust listener or a C block.
pub(crate) trait Target: Send + Sync {
    /// Delivers one event; returns a notifier value (`NOTIFY_*`). `node`
    /// takes the target's resync requests.
    fn call(&self, event: c_ulong, info: &RfnInfo, node: &dyn ResyncLater) -> c_int;
    /// See [`Listener::flush`].
    fn flush(&self);
    /// Whether [`Target::flush_net`] works; if not, every retry and resync
    /// flushes and replays everything.
    fn can_flush_net(&self) -> bool;
    /// See [`Listener::flush_net`].
    fn flush_net(&self, net: NetId);
    /// See [`Listener::reconciles`].
    fn reconciles(&self) -> bool;
    /// See [`Listener::mark_stale`].
    fn mark_stale(&self, net: NetId);
    /// See [`Listener::sweep_stale`].
    fn sweep_stale(&self, net: NetId);
    /// The families the target gets, replayed and live (read once, at
    /// registration).
    fn families(&self) -> Families;
}

/// Adapts a [`Listener`] to a [`Target`]: decodes events into [`Event`].
pub(crate) struct RustTarget<L>(pub(crate) L);

impl<L: Listener> Target for RustTarget<L> {
    #[inline]
    fn call(&self, event: c_ulong, info: &RfnInfo, node: &dyn ResyncLater) -> c_int {
        let event = Event::new(event, info, node);
        match self.0.event(&event) {
            Ok(()) => 0,
            Err(e) => ffi::notifier_from_errno(e.to_errno()),
        }
    }

    fn flush(&self) {
        self.0.flush()
    }

    fn can_flush_net(&self) -> bool {
        true
    }

    fn flush_net(&self, net: NetId) {
        self.0.flush_net(net)
    }

    fn reconciles(&self) -> bool {
        self.0.reconciles()
    }

    fn mark_stale(&self, net: NetId) {
        self.0.mark_stale(net)
    }

    fn sweep_stale(&self, net: NetId) {
        self.0.sweep_stale(net)
    }

    fn families(&self) -> Families {
        self.0.families()
    }
}

/// A chain, with the statistics and knobs of the registrations on it: the
/// module's one, [`GLOBAL`], which the bridge calls; or, in the KUnit
/// suites, a case's own ([`Chain::isolated`]), so that no case runs on the
/// live chain or counts in the module's statistics.
pub(crate) struct Chain {
    heads: Heads,
    /// Registration outcomes (debugfs `stats`).
    pub(crate) stats: Stats,
    /// debugfs `retry_all`: retry as the kernel does (flush the listener
    /// and replay every namespace), to measure what per-namespace retry
    /// saves.
    pub(crate) retry_all: Atomic<bool>,
    /// Nodes whose resync work has something left to do (debugfs
    /// `resync_queued`).
    pub(crate) resync_queued: Atomic<u64>,
}

/// Where a chain's notifier heads are.
enum Heads {
    /// The C glue's statics (`rfn_chain()`, `rfn_resync_chain()`).
    Global,
    /// Heads of the chain's own.
    #[cfg(rfn_kunit)]
    Own(Pin<KBox<OwnHeads>>),
}

#[cfg(rfn_kunit)]
#[pin_data]
struct OwnHeads {
    #[pin]
    fib: Opaque<bindings::atomic_notifier_head>,
    #[pin]
    resync: Opaque<bindings::atomic_notifier_head>,
}

// SAFETY: the heads are used only through the kernel's atomic notifier
// functions, which take each head's own lock; the rest is atomics.
unsafe impl Sync for Chain {}
// SAFETY: as above; nothing in a chain is tied to a thread.
unsafe impl Send for Chain {}

/// The module's chain: every namespace's events, every registration.
pub(crate) static GLOBAL: Chain = Chain {
    heads: Heads::Global,
    stats: Stats::new(),
    retry_all: Atomic::new(false),
    resync_queued: Atomic::new(0),
};

impl Chain {
    /// A chain of its own, no namespace's events on it, with statistics
    /// and knobs of its own.
    #[cfg(rfn_kunit)]
    pub(crate) fn isolated() -> Result<Arc<Self>> {
        let heads = KBox::pin_init(
            pin_init!(OwnHeads {
                // SAFETY: initialises the head it is given.
                fib <- Opaque::ffi_init(|head| unsafe { ffi::rfn_chain_init(head) }),
                // SAFETY: as above.
                resync <- Opaque::ffi_init(|head| unsafe { ffi::rfn_chain_init(head) }),
            }),
            GFP_KERNEL,
        )?;
        Ok(Arc::new(
            Self {
                heads: Heads::Own(heads),
                stats: Stats::new(),
                retry_all: Atomic::new(false),
                resync_queued: Atomic::new(0),
            },
            GFP_KERNEL,
        )?)
    }

    /// The head of the FIB event chain; valid as long as `self`.
    fn head(&self) -> *mut bindings::atomic_notifier_head {
        match &self.heads {
            // SAFETY: returns the address of a static of the glue.
            Heads::Global => unsafe { ffi::rfn_chain() },
            #[cfg(rfn_kunit)]
            Heads::Own(h) => h.fib.get(),
        }
    }

    /// The head of the resync request chain; valid as long as `self`.
    fn resync_head(&self) -> *mut bindings::atomic_notifier_head {
        match &self.heads {
            // SAFETY: returns the address of a static of the glue.
            Heads::Global => unsafe { ffi::rfn_resync_chain() },
            #[cfg(rfn_kunit)]
            Heads::Own(h) => h.resync.get(),
        }
    }

    /// Calls every listener on this chain that gets `family` with one
    /// event of `net` (see [`call`]).
    pub(crate) fn call(
        &self,
        net: *mut ffi::Net,
        event: c_ulong,
        info: *mut c_void,
        family: Families,
    ) -> c_int {
        self.call_info(
            event,
            RfnInfo {
                net,
                info,
                replay: false,
                net_lives: false,
                family: family.bits(),
            },
        )
    }

    fn call_info(&self, event: c_ulong, mut raw: RfnInfo) -> c_int {
        // SAFETY: the head is valid as long as `self`; `raw` outlives the
        // call, which is all listeners may rely on.
        unsafe {
            bindings::atomic_notifier_call_chain(
                self.head(),
                event,
                ptr::from_mut(&mut raw).cast::<c_void>(),
            )
        }
    }
}

/// The chain a node is on: the module's, or a KUnit case's own.
#[derive(Clone)]
pub(crate) enum ChainRef {
    Global,
    #[cfg(rfn_kunit)]
    Own(Arc<Chain>),
}

impl Deref for ChainRef {
    type Target = Chain;

    fn deref(&self) -> &Chain {
        match self {
            ChainRef::Global => &GLOBAL,
            #[cfg(rfn_kunit)]
            ChainRef::Own(chain) => chain,
        }
    }
}

/// How many namespaces a node remembers to resync before it resyncs all.
const PENDING_NETS: usize = 8;

/// Namespaces waiting for the node's resync work.
#[derive(Default)]
pub(crate) struct Pending {
    nets: [Option<NetId>; PENDING_NETS],
    /// More than [`PENDING_NETS`] asked: resync every namespace.
    all: bool,
}

impl Pending {
    fn add(&mut self, net: NetId) {
        if self.all || self.nets.contains(&Some(net)) {
            return;
        }
        match self.nets.iter_mut().find(|slot| slot.is_none()) {
            Some(slot) => *slot = Some(net),
            None => self.all = true,
        }
    }

    pub(crate) fn is_empty(&self) -> bool {
        !self.all && self.nets.iter().all(Option::is_none)
    }

    /// Every namespace of the node, not just [`Pending::nets`].
    pub(crate) fn all(&self) -> bool {
        self.all
    }

    /// The namespaces asked for.
    pub(crate) fn nets(&self) -> impl Iterator<Item = NetId> + '_ {
        self.nets.iter().flatten().copied()
    }
}

/// One registration: the blocks the kernel calls and what they lead to.
///
/// # Invariants
///
/// - `chain_nb` is on the chain, and `resync_nb` on the resync chain, only
///   between [`Node::add`] and [`Node::remove`] (or drop), and the node is
///   pinned meanwhile; `resync_nb` is on its chain whenever `chain_nb` is.
/// - `muting` is `muted`'s length, written under `muted`'s lock.
#[pin_data(PinnedDrop)]
pub(crate) struct Node<T: Target> {
    #[pin]
    chain_nb: Opaque<bindings::notifier_block>,
    #[pin]
    resync_nb: Opaque<bindings::notifier_block>,
    /// The replay is a resync's: a veto cannot abort it (see
    /// [`ReplayBlock::call_resync`]).
    resyncing: Atomic<bool>,
    /// Events replayed to the target so far, counted while
    /// `count_events` (tracepoints).
    replayed: Atomic<u64>,
    /// Replays count their events (see [`ReplayBlock`]); set, under
    /// `sync`, as a registration or resync starts
    /// ([`Node::set_count_events`]).
    count_events: Atomic<bool>,
    on_chain: Atomic<bool>,
    /// Deliver only this namespace's events (`None`: every namespace). An
    /// identity, not a pointer: once the namespace is gone nothing matches,
    /// even a new namespace at the same address.
    filter: Option<NetId>,
    /// The families the target gets (`Target::families`).
    families: Families,
    /// Cookies of the namespaces being flushed and replayed again: their
    /// events are not delivered meanwhile. Read by the chain callback (maybe
    /// in softirq): a BH lock.
    #[pin]
    muted: SpinLockBh<KVec<u64>>,
    /// How many are muted: lets the callback skip the lock when none is.
    muting: Atomic<usize>,
    /// The chain it goes on (it keeps an isolated one alive).
    chain: ChainRef,
    /// Serialises the registration, resyncs and the end of the node; `true`
    /// once the node is being dropped (a resync must not put it back).
    #[pin]
    sync: Mutex<bool>,
    /// What the resync work has to do; asked for in atomic context.
    #[pin]
    pending: SpinLockBh<Pending>,
    #[pin]
    resync_work: CancellableDelayedWork,
    pub(crate) target: T,
}

// SAFETY: the notifier blocks are only touched by the chains' own locking
// and the registering thread; the rest is `Send`/`Sync` on its own
// (`T: Target` is).
unsafe impl<T: Target> Send for Node<T> {}
// SAFETY: See above.
unsafe impl<T: Target> Sync for Node<T> {}

fn notifier_block(call: bindings::notifier_fn_t) -> bindings::notifier_block {
    bindings::notifier_block {
        notifier_call: call,
        next: ptr::null_mut(),
        priority: 0,
    }
}

impl<T: Target> Node<T> {
    /// A registration for `target`, optionally restricted to one namespace;
    /// `resync` runs the node's resync work (`dump.rs`).
    pub(crate) fn new(
        target: T,
        filter: Option<NetId>,
        resync: unsafe extern "C" fn(*mut bindings::work_struct),
        chain: ChainRef,
    ) -> impl PinInit<Self> {
        pin_init!(Self {
            chain_nb: Opaque::new(notifier_block(Some(Self::chain_call))),
            resync_nb: Opaque::new(notifier_block(Some(Self::resync_call))),
            resyncing: Atomic::new(false),
            replayed: Atomic::new(0),
            count_events: Atomic::new(false),
            on_chain: Atomic::new(false),
            filter,
            families: target.families(),
            muted <- new_spinlock_bh!(KVec::new(), "Node::muted"),
            muting: Atomic::new(0),
            chain,
            sync <- kernel::new_mutex!(false, "Node::sync"),
            pending <- new_spinlock_bh!(Pending::default(), "Node::pending"),
            resync_work <- new_cancellable_delayed_work!(resync, "Node::resync_work"),
            target,
        })
    }

    /// Whether this registration wants events of `net` (alive: an event's
    /// or a replayed namespace).
    pub(crate) fn accepts(&self, net: *const ffi::Net) -> bool {
        match self.filter {
            None => true,
            // SAFETY: the caller passes a live namespace (see above).
            Some(id) => !net.is_null() && unsafe { id.is(net) },
        }
    }

    /// The families the target gets.
    pub(crate) fn families(&self) -> Families {
        self.families
    }

    /// Whether this registration covers the namespace `net`.
    pub(crate) fn covers(&self, net: NetId) -> bool {
        self.filter.is_none_or(|only| only == net)
    }

    /// Whether `net`'s events are held back (alive: an event's namespace).
    fn is_muted(&self, net: *const ffi::Net) -> bool {
        // The bridge's bump before this is fully ordered: see seq_counter.rs.
        if net.is_null() || self.muting.load(Relaxed) == 0 {
            return false;
        }
        // SAFETY: the event's namespace is alive for the callback.
        let cookie = unsafe { ffi::rfn_net_cookie(net) };
        self.muted.lock().contains(&cookie)
    }

    /// Holds back the events of `nets`; when this returns, none of theirs
    /// is in flight. Sleeps.
    pub(crate) fn mute(&self, nets: &[NetId]) -> Result {
        // Only the thread holding `sync` changes the list: its length
        // cannot change between here and the swap below.
        let len = self.muted.lock().len();
        let mut list = KVec::with_capacity(len + nets.len(), GFP_KERNEL)?;
        {
            let mut muted = self.muted.lock();
            // Within the capacity reserved above: nothing allocates under
            // the lock.
            let cookies = nets.iter().map(|net| net.cookie());
            for cookie in Iterator::chain(muted.iter().copied(), cookies) {
                if !list.contains(&cookie) {
                    list.push_within_capacity(cookie).map_err(|_| ENOMEM)?;
                }
            }
            core::mem::swap(&mut *muted, &mut list);
            self.muting.store(muted.len(), Relaxed);
        }
        // Callbacks that read the old list are done after a grace period
        // (the chain is called under RCU).
        rcu::synchronize_rcu();
        Ok(())
    }

    /// Delivers the events of `nets` again (`None`: of every namespace).
    pub(crate) fn unmute(&self, nets: Option<&[NetId]>) {
        let mut muted = self.muted.lock();
        match nets {
            Some(nets) => muted.retain(|c| !nets.iter().any(|n| n.cookie() == *c)),
            None => muted.clear(),
        }
        self.muting.store(muted.len(), Relaxed);
    }

    /// The chain the node goes on.
    pub(crate) fn chain_ref(&self) -> &Chain {
        &self.chain
    }

    /// The namespace the registration is restricted to, if any.
    pub(crate) fn filter(&self) -> Option<NetId> {
        self.filter
    }

    /// Whether the replays are a resync's.
    pub(crate) fn is_resyncing(&self) -> bool {
        self.resyncing.load(Relaxed)
    }

    /// Events replayed to the target so far.
    pub(crate) fn replayed_events(&self) -> u64 {
        self.replayed.load(Relaxed)
    }

    /// Whether the replays that follow count their events, in
    /// [`Node::replayed_events`] (only the tracepoints read them).
    pub(crate) fn set_count_events(&self, count: bool) {
        self.count_events.store(count, Relaxed);
    }

    /// Marks the replays that follow as a resync's (or not).
    pub(crate) fn set_resyncing(&self, resyncing: bool) {
        self.resyncing.store(resyncing, Relaxed);
    }

    /// Delivers one event through a replay block, as the kernel's dump
    /// does (used by sources that are not the kernel: the KUnit fake).
    #[cfg(rfn_kunit)]
    pub(crate) fn replay_event(&self, net: *mut ffi::Net, event: c_ulong) -> c_int {
        let block = ReplayBlock::new(self, net, Families::ALL);
        let nb = block.as_ptr();
        // SAFETY: `nb` is a live replay block's, whose callback is set and
        // accepts a null info pointer.
        unsafe {
            match (*nb).notifier_call {
                Some(call) => call(nb, event, ptr::null_mut()),
                None => 0,
            }
        }
    }

    /// Whether the node is on the chain.
    pub(crate) fn on_chain(&self) -> bool {
        self.on_chain.load(Relaxed)
    }

    /// Puts the node on the chain (and on the resync chain, first).
    pub(crate) fn add(self: Pin<&Self>) {
        if self.on_chain.xchg(true, Relaxed) {
            return;
        }
        // Registering a block not on its chain cannot fail.
        // SAFETY: the node keeps the chain, so its heads, alive; the blocks
        // stay pinned until `remove` takes them off (type invariant).
        unsafe {
            bindings::atomic_notifier_chain_register(
                self.chain.resync_head(),
                self.resync_nb.get(),
            );
            bindings::atomic_notifier_chain_register(self.chain.head(), self.chain_nb.get());
        }
    }

    /// Takes the node off the chains; when this returns, no callback of the
    /// node runs any more (the kernel waits for RCU readers).
    pub(crate) fn remove(&self) {
        if !self.on_chain.xchg(false, Relaxed) {
            return;
        }
        // SAFETY: the blocks are on their chains (checked above).
        unsafe {
            bindings::atomic_notifier_chain_unregister(self.chain.head(), self.chain_nb.get());
            bindings::atomic_notifier_chain_unregister(
                self.chain.resync_head(),
                self.resync_nb.get(),
            );
        }
    }

    /// Takes the lock that serialises the registration, resyncs and the
    /// end of the node; `None` once the node is ending.
    pub(crate) fn lock_sync(&self) -> Option<kernel::sync::MutexGuard<'_, bool>> {
        let guard = self.sync.lock();
        (!*guard).then_some(guard)
    }

    /// Ends the node: off the chain, no resync running or pending. After
    /// this no callback of the target runs.
    pub(crate) fn shut_down(&self) {
        {
            let mut ending = self.sync.lock();
            *ending = true;
            self.remove();
        }
        // A running work finds the node ending and does nothing.
        self.resync_work.cancel_sync();
        if !core::mem::take(&mut *self.pending.lock()).is_empty() {
            self.chain.resync_queued.fetch_sub(1, Relaxed);
        }
    }

    /// The node whose resync work `work` is.
    ///
    /// # Safety
    ///
    /// `work` must be the `resync_work` of a live, pinned node: what the
    /// workqueue passes to the function given to [`Node::new`] (the node
    /// cancels the work before it is freed).
    pub(crate) unsafe fn of_resync_work<'a>(work: *mut bindings::work_struct) -> Pin<&'a Self> {
        let work = CancellableDelayedWork::of(work);
        // SAFETY: `work` is the `resync_work` of a live, pinned node (the
        // function's requirement).
        unsafe { Pin::new_unchecked(&*kernel::container_of!(work, Self, resync_work)) }
    }

    /// What the resync work has to do; empty afterwards.
    pub(crate) fn take_pending(&self) -> Pending {
        core::mem::take(&mut *self.pending.lock())
    }

    /// Asks the resync work to resync `nets` in `delay_ms` (any context).
    pub(crate) fn resync_in(&self, nets: &[NetId], delay_ms: u32) {
        {
            let mut pending = self.pending.lock();
            if pending.is_empty() {
                // Until the work has done it (debugfs `resync_queued`).
                self.chain.resync_queued.fetch_add(1, Relaxed);
            }
            for &net in nets {
                pending.add(net);
            }
            trace::resync_queued(self, nets.first().copied(), delay_ms);
            // A resync of every namespace found none (`counters()`):
            // every namespace again, never an empty request.
            pending.all |= nets.is_empty();
        }
        // A work already queued stays queued.
        self.queue_resync_work(delay_ms);
    }

    /// Asks again for what a failed resync work could not do, in `delay_ms`.
    pub(crate) fn retry_pending(&self, failed: Pending, delay_ms: u32) {
        {
            let mut again = self.pending.lock();
            if !again.is_empty() {
                // Asked for again meanwhile: counted once already.
                self.chain.resync_queued.fetch_sub(1, Relaxed);
            }
            again.all |= failed.all;
            trace::resync_queued(self, failed.nets().next(), delay_ms);
            for net in failed.nets() {
                again.add(net);
            }
        }
        self.queue_resync_work(delay_ms);
    }

    fn queue_resync_work(&self, delay_ms: u32) {
        self.resync_work
            .queue(kernel_gaps::system_dfl(), msecs_to_jiffies(delay_ms));
    }

    /// The chain's callback.
    ///
    /// # Safety
    ///
    /// `nb` must be the `chain_nb` of a live node, and `data` a valid
    /// `RfnInfo`: only the chain, through `chain::call`, calls this.
    unsafe extern "C" fn chain_call(
        nb: *mut bindings::notifier_block,
        event: c_ulong,
        data: *mut c_void,
    ) -> c_int {
        // SAFETY: the chain only calls blocks registered by `add`, which are
        // the `chain_nb` of a pinned, live `Node<T>` (type invariant).
        let node =
            unsafe { &*kernel::container_of!(Opaque::cast_from(nb).cast_mut(), Self, chain_nb) };
        // SAFETY: `chain::call` passes a valid `RfnInfo` for the call.
        let info = unsafe { &*data.cast::<RfnInfo>() };
        if !node.families.intersects(Families::from_raw(info.family))
            || !node.accepts(info.net)
            || node.is_muted(info.net)
        {
            return 0;
        }
        node.target.call(event, info, node)
    }
}

impl<T: Target> Node<T> {
    /// The resync chain's callback: a request to resync `data`'s namespace
    /// (even a muted one: a resync that fails must be done again).
    ///
    /// # Safety
    ///
    /// `nb` must be the `resync_nb` of a live node, and `data` a live
    /// `struct net`: only [`request_resync`] calls the resync chain.
    unsafe extern "C" fn resync_call(
        nb: *mut bindings::notifier_block,
        _event: c_ulong,
        data: *mut c_void,
    ) -> c_int {
        let nb = Opaque::cast_from(nb).cast_mut();
        // SAFETY: the resync chain only calls `resync_nb` blocks of pinned,
        // live nodes (`add`, type invariant).
        let node = unsafe { &*kernel::container_of!(nb, Self, resync_nb) };
        let net = data.cast::<ffi::Net>();
        if node.accepts(net) {
            // SAFETY: the namespace is alive for the call.
            node.request_resync(unsafe { NetId::of(net) });
        }
        0
    }
}

/// The notifier block a replay hands to the kernel's dump of one namespace
/// (`dump.rs`), on the replaying thread's stack: the dump calls it there,
/// synchronously, and keeps no pointer to it. A replay is millions of
/// events, so what each one needs is worked out here, once: an entry (all
/// but a few events of a dump) only has its `info` pointer set before the
/// target's call, `info.family` being the dump's entries' already; a rule
/// takes a colder path. Events are counted only for the tracepoints, and
/// only when they were on as the registration started
/// ([`Node::set_count_events`]): `COUNT`.
///
/// # Invariants
///
/// - `nb`'s callback is, for this `T` and the node's `COUNT`,
///   [`ReplayBlock::call_resync`] for a resync's replay, else
///   [`ReplayBlock::call_entries`] when `entries` is not 0, else
///   [`ReplayBlock::call`].
/// - `info.net` is the namespace replayed and `info.replay` is true;
///   `info.family` is `entries` between events. The target's borrow of
///   `info` lasts one call (listeners only read it, as the C API's contract
///   says).
#[repr(C)]
pub(crate) struct ReplayBlock<'a, T: Target> {
    nb: Opaque<bindings::notifier_block>,
    node: &'a Node<T>,
    /// What the target gets: `info` is set before each call; `family` is
    /// `entries` but during a rule's call.
    info: UnsafeCell<RfnInfo>,
    /// The family of the dump's entries, as `RfnInfo::family` carries it;
    /// 0 when the target does not get it.
    entries: u8,
    /// The same for the dump's rules: a unicast family's are
    /// [`Families::RULES`], a multicast family's its own.
    rules: u8,
    /// Events passed to the target (with `COUNT`), added to the node's
    /// count at drop.
    delivered: Cell<u64>,
}

type ReplayFn = unsafe extern "C" fn(*mut bindings::notifier_block, c_ulong, *mut c_void) -> c_int;

impl<'a, T: Target> ReplayBlock<'a, T> {
    /// The block that replays `net`'s entries of `family` (and its rules)
    /// to `node`'s target.
    pub(crate) fn new(node: &'a Node<T>, net: *mut ffi::Net, family: Families) -> Self {
        let rules = if family.intersects(Families::MULTICAST) {
            family
        } else {
            Families::RULES
        };
        let wanted = |family: Families| {
            if node.families.intersects(family) {
                family.bits()
            } else {
                0
            }
        };
        let entries = wanted(family);
        // INVARIANT: the callback as documented, for this `T`; `net`,
        // `replay` and `family` too.
        Self {
            nb: Opaque::new(notifier_block(Some(Self::callback(node, entries)))),
            node,
            info: UnsafeCell::new(RfnInfo {
                net,
                info: ptr::null_mut(),
                replay: true,
                net_lives: false,
                family: entries,
            }),
            entries,
            rules: wanted(rules),
            delivered: Cell::new(0),
        }
    }

    /// The callback for a block of `node` whose entries' family is
    /// `entries`.
    fn callback(node: &Node<T>, entries: u8) -> ReplayFn {
        // A registration's replay stops at a veto (the listener refuses to
        // start). A resync's cannot: the state exists, and the listener
        // already lives with what it refused; it simply does not hold it.
        // The node's `sync` lock, held by the replaying thread, keeps
        // `resyncing` and `count_events` as they are for the block's life.
        fn pick<T: Target, const COUNT: bool>(resync: bool, entries: u8) -> ReplayFn {
            if resync {
                ReplayBlock::<T>::call_resync::<COUNT>
            } else if entries != 0 {
                ReplayBlock::<T>::call_entries::<COUNT>
            } else {
                ReplayBlock::<T>::call::<COUNT>
            }
        }
        let resync = node.resyncing.load(Relaxed);
        if node.count_events.load(Relaxed) {
            pick::<T, true>(resync, entries)
        } else {
            pick::<T, false>(resync, entries)
        }
    }

    /// The block, for the kernel's dump; valid while `self` is borrowed.
    pub(crate) fn as_ptr(&self) -> *mut bindings::notifier_block {
        self.nb.get()
    }

    /// The block whose `nb` is `nb`.
    ///
    /// # Safety
    ///
    /// `nb` must be the `nb` of a live `ReplayBlock<T>`.
    unsafe fn of<'b>(nb: *mut bindings::notifier_block) -> &'b Self {
        // SAFETY: `nb` is the `nb` of a live `ReplayBlock<T>` (the
        // function's requirement).
        unsafe { &*kernel::container_of!(Opaque::cast_from(nb).cast_mut(), Self, nb) }
    }

    /// Whether `event` is a rule's.
    #[inline(always)]
    fn is_rule(event: c_ulong) -> bool {
        matches!(event, ffi::FIB_EVENT_RULE_ADD | ffi::FIB_EVENT_RULE_DEL)
    }

    /// Passes one replayed event of `family` (not 0) to the target, with
    /// `info.family` already `family`.
    #[inline(always)]
    fn deliver_as<const COUNT: bool>(&self, event: c_ulong, data: *mut c_void) -> c_int {
        let info = self.info.get();
        // SAFETY: only the replaying thread uses the block, one event at a
        // time, and the target's borrow of `info` ended with its last call
        // (type invariant): nothing else reads or writes it now.
        unsafe { (*info).info = data };
        if COUNT {
            self.delivered.set(self.delivered.get().wrapping_add(1));
        }
        // SAFETY: `info` is set; the target's borrow lasts the call.
        self.node.target.call(event, unsafe { &*info }, self.node)
    }

    /// Passes one replayed event to the target, if it gets the event's
    /// family; `info.family` back to `entries` after.
    #[cold]
    #[inline(never)]
    fn deliver<const COUNT: bool>(&self, event: c_ulong, data: *mut c_void) -> c_int {
        let family = if Self::is_rule(event) {
            self.rules
        } else {
            self.entries
        };
        if family == 0 {
            return 0;
        }
        let info = self.info.get();
        // SAFETY: as in `deliver_as`.
        unsafe { (*info).family = family };
        let ret = self.deliver_as::<COUNT>(event, data);
        // SAFETY: as in `deliver_as`: the target's borrow ended with the
        // call.
        unsafe { (*info).family = self.entries };
        ret
    }

    /// A registration's replay callback for a target that gets the dump's
    /// entries: an entry goes straight to the target, `info.family`
    /// already set; the target's answer goes back to the dump, which stops
    /// at a veto.
    ///
    /// # Safety
    ///
    /// `nb` must be the `nb` of a live `ReplayBlock<T>`, and `data` null or
    /// the kernel's `struct fib_notifier_info` of the event.
    unsafe extern "C" fn call_entries<const COUNT: bool>(
        nb: *mut bindings::notifier_block,
        event: c_ulong,
        data: *mut c_void,
    ) -> c_int {
        // SAFETY: only a live `ReplayBlock<T>` hands out this callback, in
        // its own `nb` (type invariant), and the caller guarantees `nb` is
        // that block's.
        let block = unsafe { Self::of(nb) };
        if Self::is_rule(event) {
            return block.deliver::<COUNT>(event, data);
        }
        block.deliver_as::<COUNT>(event, data)
    }

    /// [`ReplayBlock::call_entries`] for a target that does not get them
    /// (only the dump's rules).
    ///
    /// # Safety
    ///
    /// As [`ReplayBlock::call_entries`].
    unsafe extern "C" fn call<const COUNT: bool>(
        nb: *mut bindings::notifier_block,
        event: c_ulong,
        data: *mut c_void,
    ) -> c_int {
        // Its entries are dropped here, not out of line: they are the
        // dump's bulk.
        if !Self::is_rule(event) {
            return 0;
        }
        // SAFETY: as in `call_entries`.
        unsafe { Self::of(nb) }.deliver::<COUNT>(event, data)
    }

    /// A resync's replay callback: a veto does not stop it.
    ///
    /// # Safety
    ///
    /// As [`ReplayBlock::call_entries`].
    unsafe extern "C" fn call_resync<const COUNT: bool>(
        nb: *mut bindings::notifier_block,
        event: c_ulong,
        data: *mut c_void,
    ) -> c_int {
        // SAFETY: as in `call_entries`.
        let block = unsafe { Self::of(nb) };
        if Self::is_rule(event) || block.entries == 0 {
            block.deliver::<COUNT>(event, data);
        } else {
            block.deliver_as::<COUNT>(event, data);
        }
        0
    }
}

impl<T: Target> Drop for ReplayBlock<'_, T> {
    fn drop(&mut self) {
        self.node.replayed.fetch_add(self.delivered.get(), Relaxed);
    }
}

impl<T: Target> ResyncLater for Node<T> {
    /// Asks the resync work to resync `net` (any context).
    fn request_resync(&self, net: NetId) {
        self.resync_in(&[net], 0);
    }
}

#[pinned_drop]
impl<T: Target> PinnedDrop for Node<T> {
    fn drop(self: Pin<&mut Self>) {
        self.shut_down();
    }
}

/// Calls every listener on the chain that gets `family` with one event of
/// `net`.
///
/// Returns a notifier value: the first veto stops the chain, as the kernel's
/// own `call_fib_notifiers()` does.
pub(crate) fn call(
    net: *mut ffi::Net,
    event: c_ulong,
    info: *mut c_void,
    family: Families,
) -> c_int {
    GLOBAL.call(net, event, info, family)
}

/// Calls every listener with `net`'s `RUST_FIB_EVENT_NETNS_EXIT`; `lives`:
/// the namespace lives on (its bridge failed to attach).
pub(crate) fn call_netns_exit(net: *mut ffi::Net, lives: bool) {
    GLOBAL.call_info(
        ffi::RUST_FIB_EVENT_NETNS_EXIT,
        RfnInfo {
            net,
            info: ptr::null_mut(),
            replay: false,
            net_lives: lives,
            family: Families::ALL.bits(),
        },
    );
}

/// Asks every registration that covers `net` to resync it (the chain
/// stopped on one of its events). Any context; `net` is alive.
pub(crate) fn request_resync(net: *mut ffi::Net) {
    // SAFETY: the chain head is valid for the module's lifetime; the
    // callbacks (`Node::resync_call`) read `net` during the call only.
    unsafe { bindings::atomic_notifier_call_chain(GLOBAL.resync_head(), 0, net.cast()) };
}
