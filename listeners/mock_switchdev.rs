// SPDX-License-Identifier: GPL-2.0

//! A mock switchdev listener: what a switchdev driver does with this
//! module, without hardware (netdevsim's `fib.c` is the C peer).
//!
//! - Atomic side ([`Listener::event`]): take owned references to the route
//!   and its namespace, allocate a list entry with `GFP_ATOMIC` and append
//!   it to the device's pending operations. The device's one work item, on
//!   an ordered workqueue of our own, is queued to run a tick after that
//!   list stops being empty: one wake-up per burst, not per event
//!   (netdevsim's `fib_event_queue`, plus the tick). Events are applied in
//!   chain order.
//!   In veto mode a route that would not fit is refused at once, with an
//!   extack message: the device counts, in one atomic, the routes its
//!   table holds plus the adds queued for it (netdevsim's
//!   `atomic64_add_unless()` on its FIB's count). An allocation failure
//!   is counted, and one of 256 entries allocated up front takes the
//!   event's place in the list (order is kept; an add then ends
//!   `offload_failed`); only with all of them in flight is an event
//!   `lost`, counted too.
//! - Process side ([`Switch::run`]): under the table's mutex, apply the
//!   pending events to the "hardware" table (capacity-limited), then report
//!   back:
//!   `offload` on the kernel route, or `offload_failed` when the table is
//!   full or `fail_route_offload` is set.
//! - Flush (a failed registration) and detach: drain the queue, clear the
//!   flags we set, empty the table. A retry or a resync flushes one
//!   namespace the same way; an event lost for want of memory asks for a
//!   resync of its namespace.
//!
//! The table is keyed like the kernel notifies routes and like netdevsim
//! keys them: (namespace, family, table, prefix, length); the TOS byte is
//! kept with the entry (IPv4 notifies one alias per prefix and length, so a
//! TOS in the key would leave stale entries when the first alias goes).
//!
//! Which driver each rule follows (7.3 sources; the functions' doc says
//! more):
//!
//! - one entry per (table, prefix), the kernel's first route; a route
//!   pushed out of first place by a `REPLACE` loses its flags: netdevsim
//!   (`nsim_fib{4,6}_rt_replace()`) and mlxsw
//!   (`mlxsw_sp_router_fib{4,6}_replace()`), [`Switch::unreport_replaced`];
//! - room: a `REPLACE` takes a place, an IPv6 `APPEND` none (it adds
//!   nexthops to the entry held): netdevsim (`nsim_fib6_prepare_event()`,
//!   `nsim_fib6_rt_append()`);
//! - IPv6 source-specific routes skipped: netdevsim (`nsim_fib6_event()`);
//! - IPv6 multicast (`ff00::/8`) ignored, no entry, no flag: mlxsw
//!   (`mlxsw_sp_fib6_rt_should_ignore()`), [`is_ignored`];
//! - flags by route type: mlxsw (`mlxsw_sp_fib{4,6}_entry_type_set()`,
//!   `mlxsw_sp_fib_entry_should_offload()`), [`hw_action`]: `rt_offload`
//!   for unicast and blackhole (a discard entry); `rt_trap` for local,
//!   broadcast, IPv6 anycast, unreachable, prohibit, IPv6 throw, and IPv4
//!   routes with a TOS; `rt_offload_failed` for the IPv4 types mlxsw cannot
//!   program (throw, anycast, multicast, nat);
//! - full table (`offload_failed`, or a veto with an extack message),
//!   `fail_route_offload`, nexthop occupancy: netdevsim.
//!
//! Nexthop objects go into a "hardware" nexthop table of their own
//! (`nexthop_capacity`, counted as netdevsim counts: 1 for a nexthop, the
//! sum of the members' weights for a group, the buckets of a resilient
//! group). It is updated in
//! the event callback itself, so a nexthop that does not fit is vetoed at
//! once, with an extack message; the work item then sets the `offload` flag
//! `ip nexthop` shows (and each bucket's, and reports the buckets busy). A
//! route with `nhid` is offloaded only while its nexthop object is held:
//! until then it waits, unflagged (`nexthop_missing`).

use core::{
    fmt,
    ptr::{self, NonNull},
};

use kernel::{
    alloc::Flags,
    bindings,
    list::{impl_list_arc_safe, impl_list_item, List, ListArc, ListLinks},
    prelude::*,
    rbtree::{RBTree, RBTreeNodeReservation},
    sync::{
        atomic::{Atomic, Relaxed},
        Arc, Mutex, UniqueArc,
    },
    time::{Instant, Monotonic},
    uaccess::UserSliceReader,
    workqueue::{self, impl_has_delayed_work, new_delayed_work, DelayedWork, WorkItem},
};

use crate::{
    bh_lock::{new_bh_lock, BhLock},
    dump::Registration,
    events::{
        Event, EventKind, Family, Listener, NetId, NexthopEvent, NexthopObject, Route, RouteRef,
    },
    ffi, knob,
    listeners::table::{self, NetnsKey, NhKey, RouteKey},
};

/// An ordered workqueue of our own (`alloc_ordered_workqueue()`).
///
/// # Invariants
///
/// `self.0` is a live workqueue owned by this value.
struct OrderedQueue(NonNull<bindings::workqueue_struct>);

// SAFETY: a workqueue may be used and destroyed from any thread.
unsafe impl Send for OrderedQueue {}
// SAFETY: queueing and draining synchronise in the workqueue code.
unsafe impl Sync for OrderedQueue {}

impl OrderedQueue {
    fn new(name: &'static CStr) -> Result<Self> {
        // SAFETY: `name` is a valid string; the queue is ours until drop.
        let wq = unsafe { ffi::rfn_alloc_ordered_wq(name.as_char_ptr()) };
        NonNull::new(wq).map(Self).ok_or(ENOMEM)
    }

    fn queue(&self) -> &workqueue::Queue {
        // SAFETY: the queue lives as long as `self` (type invariant).
        unsafe { workqueue::Queue::from_raw(self.0.as_ptr()) }
    }
}

impl Drop for OrderedQueue {
    fn drop(&mut self) {
        // SAFETY: ours (type invariant); it drains before it is freed.
        unsafe { bindings::destroy_workqueue(self.0.as_ptr()) }
    }
}

/// A route the "hardware" knows: offloaded, or refused (offload_failed).
///
/// The entry names its namespace by identity, not by pointer, and holds no
/// reference on it: an entry must not keep a namespace from dying, and
/// whatever touches the table later (a work item, a flush after detach)
/// may run after the namespace is gone. Flags are reported through a
/// reference taken for the call ([`NetId::get`]), or not at all once the
/// namespace is being dismantled (its routes are going away).
///
/// An entry is one slab object: the table's node holds the first route
/// object inline, the others (IPv6 multipath only) in a vector of their
/// own, and the route's nexthop object in the first's description.
struct HwEntry {
    state: RouteState,
    /// The kernel's route objects: one `fib_info` for IPv4, one
    /// `fib6_info` per nexthop for IPv6 (a multipath route gains and loses
    /// them one by one; every one carries the flags).
    first: RouteRef,
    rest: Option<KBox<KVec<RouteRef>>>,
    netns: NetId,
}

/// A table node: the tree's links, the key, the entry.
const NODE_BYTES: usize = core::mem::size_of::<bindings::rb_node>()
    + core::mem::size_of::<RouteKey>()
    + core::mem::size_of::<HwEntry>();

// One kmalloc-128 object per route (the benchmark's memory per route).
const _: () = assert!(NODE_BYTES <= 128);

/// The slab object size that `bytes` takes.
fn slab_bytes(bytes: usize) -> u64 {
    // SAFETY: a pure computation on the slab caches' sizes.
    unsafe { bindings::kmalloc_size_roundup(bytes) as u64 }
}

impl HwEntry {
    /// What the entry takes in slab objects, its node included.
    fn slab_bytes(&self) -> u64 {
        slab_bytes(NODE_BYTES)
            + self.rest.as_ref().map_or(0, |rest| {
                slab_bytes(core::mem::size_of::<KVec<RouteRef>>())
                    + slab_bytes(rest.capacity() * core::mem::size_of::<RouteRef>())
            })
    }
}

/// Where a route stands in the "hardware".
#[derive(Clone, Copy, PartialEq, Eq)]
enum RouteState {
    /// Forwarded by the hardware: `rt_offload`.
    Offload,
    /// Handed to the CPU (local, broadcast, anycast): `rt_trap`.
    Trap,
    /// Refused (full, `fail_route_offload`, no memory): `rt_offload_failed`.
    Failed,
    /// Its nexthop object is not held (yet): no flag.
    NexthopMissing,
}

impl RouteState {
    /// Whether the route takes room in the table.
    fn in_hw(self) -> bool {
        matches!(self, Self::Offload | Self::Trap)
    }

    fn name(self) -> &'static str {
        match self {
            Self::Offload => "offload",
            Self::Trap => "trap",
            Self::Failed => "offload_failed",
            Self::NexthopMissing => "nexthop_missing",
        }
    }
}

impl HwEntry {
    fn routes(&self) -> impl Iterator<Item = &RouteRef> {
        let rest = self.rest.iter().flat_map(|rest| rest.iter());
        Iterator::chain(core::iter::once(&self.first), rest)
    }

    fn set_flags(&self) {
        report(self.netns, self.routes(), self.state);
    }

    /// The nexthop object the route uses (0: none).
    fn nh_id(&self) -> u32 {
        self.first.route().nexthop_id().unwrap_or(0)
    }

    /// Makes room for `n` more route objects (process context).
    fn reserve(&mut self, n: usize) -> Result {
        match &mut self.rest {
            Some(rest) => rest.reserve(n, GFP_KERNEL)?,
            None => {
                let rest = KVec::with_capacity(n, GFP_KERNEL)?;
                self.rest = Some(KBox::new(rest, GFP_KERNEL)?);
            }
        }
        Ok(())
    }

    /// Whether the entry holds the route object `route`.
    fn holds(&self, route: &RouteRef) -> bool {
        self.first.same_object(route)
            || self
                .rest
                .as_ref()
                .is_some_and(|rest| rest.iter().any(|r| r.same_object(route)))
    }

    /// Adds route objects [`HwEntry::reserve`] made room for, each once: an
    /// IPv6 multipath append is notified after its siblings are linked,
    /// holding no lock, so a replay may have given us some of them already
    /// (see `seq_counter.rs`).
    fn push_reserved(&mut self, routes: impl Iterator<Item = RouteRef>) {
        for route in routes {
            if self.holds(&route) {
                continue;
            }
            if let Some(rest) = &mut self.rest {
                // Reserved: cannot fail.
                drop(rest.push_within_capacity(route));
            }
        }
    }

    /// Drops the route objects `gone` holds; `false` when none is left.
    fn remove(&mut self, gone: &[RouteRef]) -> bool {
        let is_gone = |r: &RouteRef| gone.iter().any(|g| g.same_object(r));
        if let Some(rest) = &mut self.rest {
            rest.retain(|r| !is_gone(r));
        }
        if is_gone(&self.first) {
            match self.rest.as_mut().and_then(|rest| rest.pop()) {
                Some(next) => self.first = next,
                None => return false,
            }
        }
        true
    }
}

/// Sets the flags of `routes` for `state`, in the namespace `netns` if it
/// is still alive (process context).
fn report<'a>(netns: NetId, routes: impl Iterator<Item = &'a RouteRef>, state: RouteState) {
    let Some(net) = netns.get() else {
        return;
    };
    for route in routes {
        route.set_hw_flags(
            &net,
            state == RouteState::Offload,
            state == RouteState::Trap,
            state == RouteState::Failed,
        );
    }
}

/// Clears every flag of `routes` (a flush).
fn unreport<'a>(netns: NetId, routes: impl Iterator<Item = &'a RouteRef>) {
    if let Some(net) = netns.get() {
        for route in routes {
            route.set_hw_flags(&net, false, false, false);
        }
    }
}

/// `RTN_*` (`include/uapi/linux/rtnetlink.h`).
const RTN_UNICAST: u8 = 1;
const RTN_LOCAL: u8 = 2;
const RTN_BROADCAST: u8 = 3;
const RTN_ANYCAST: u8 = 4;
const RTN_BLACKHOLE: u8 = 6;
const RTN_UNREACHABLE: u8 = 7;
const RTN_PROHIBIT: u8 = 8;
const RTN_THROW: u8 = 9;

/// What the hardware does with a route it holds, by the route's type:
/// mlxsw's rules (`drivers/net/ethernet/mellanox/mlxsw/spectrum_router.c`,
/// 7.3). Its `mlxsw_sp_fib{4,6}_entry_type_set()` give an entry a type,
/// `mlxsw_sp_fib_entry_should_offload()` says which types forward in
/// hardware (remote, local, blackhole, decap) and which do not (trap,
/// unreachable), and `mlxsw_sp_fib{4,6}_entry_hw_flags_set()` set
/// `offload = should_offload, trap = !should_offload`.
#[derive(Clone, Copy, PartialEq, Eq)]
enum HwAction {
    /// `rt_offload`: forwarded (unicast) or dropped (blackhole) in
    /// hardware.
    Offload,
    /// `rt_trap`: handed to the CPU.
    Trap,
    /// Not programmable: `rt_offload_failed`.
    Refuse,
}

/// The mlxsw rule for `route` (see [`HwAction`]).
///
/// IPv4 (`mlxsw_sp_fib4_entry_type_set()`): `RTN_LOCAL` (no decap tunnel
/// here) and `RTN_BROADCAST` are `TYPE_TRAP`; `RTN_BLACKHOLE` is
/// `TYPE_BLACKHOLE`, a discard entry, which `should_offload` says is
/// offloaded: `rt_offload`, not a trap (the hardware drops the packets
/// itself); `RTN_UNREACHABLE`
/// and `RTN_PROHIBIT` are `TYPE_UNREACHABLE` ("Packets hitting these routes
/// need to be trapped, but can do so with a lower priority"): `rt_trap`;
/// `RTN_UNICAST` is remote or local: `rt_offload`; any other type
/// (`RTN_THROW`, `RTN_ANYCAST`, `RTN_MULTICAST`, `RTN_NAT`...) is
/// `-EINVAL`, and `mlxsw_sp_router_fib4_event_work()` then calls
/// `mlxsw_sp_fib4_offload_failed_flag_set()`: `rt_offload_failed`. A route
/// with a TOS is never offloaded (`mlxsw_sp_fib4_entry_should_offload()`:
/// `return !fib4_entry->dscp;`): `rt_trap`.
///
/// IPv6 (`mlxsw_sp_fib6_entry_type_set()`): `RTF_LOCAL` (`RTN_LOCAL`) and
/// `RTF_ANYCAST` (`RTN_ANYCAST`) are `TYPE_TRAP`; `RTN_BLACKHOLE` is
/// `TYPE_BLACKHOLE` (tested before `RTF_REJECT`): `rt_offload`; the other
/// `RTF_REJECT` routes (`RTN_UNREACHABLE`, `RTN_PROHIBIT`, `RTN_THROW`) are
/// `TYPE_UNREACHABLE`: `rt_trap`; everything else is remote or local:
/// `rt_offload`.
fn hw_action(route: &Route) -> HwAction {
    match route.family() {
        Some(Family::Ipv4) => {
            let action = match route.rtn_type() {
                RTN_UNICAST | RTN_BLACKHOLE => HwAction::Offload,
                RTN_LOCAL | RTN_BROADCAST | RTN_UNREACHABLE | RTN_PROHIBIT => HwAction::Trap,
                _ => return HwAction::Refuse,
            };
            if route.tos() != 0 {
                HwAction::Trap
            } else {
                action
            }
        }
        _ => match route.rtn_type() {
            RTN_LOCAL | RTN_ANYCAST | RTN_UNREACHABLE | RTN_PROHIBIT | RTN_THROW => HwAction::Trap,
            _ => HwAction::Offload,
        },
    }
}

/// Whether the mock ignores `route` altogether (no table entry, no flag),
/// as mlxsw does (`mlxsw_sp_fib6_rt_should_ignore()`, for its replace,
/// append and delete): IPv6 multicast destinations (`ipv6_addr_type()`
/// says `IPV6_ADDR_MULTICAST` for `ff00::/8`: the first byte is `0xff`).
/// Its other case, `RTF_CACHE` clones, never reaches a notifier in 7.3: a
/// `fib6_info` cannot carry `RTF_CACHE` (`ip6_route_info_create()`:
/// "Userspace can not set RTF_CACHE"); the clones are `rt6_info`
/// exceptions, which no FIB notifier sees.
fn is_ignored(route: &Route) -> bool {
    route.family() == Some(Family::Ipv6) && route.dst().first() == Some(&0xff)
}

/// Where a route that may be held (`fits`: room, no fault, its nexthop
/// object held if it has one) ends.
fn route_state(fits: bool, route: &Route) -> RouteState {
    match hw_action(route) {
        HwAction::Refuse => RouteState::Failed,
        _ if !fits => RouteState::Failed,
        HwAction::Trap => RouteState::Trap,
        HwAction::Offload => RouteState::Offload,
    }
}

/// Whether `a` and `b` are the same kernel route: the same object and,
/// for IPv4 (a `fib_info` may be shared by aliases), the same alias key
/// (TOS, type; table and prefix are the entry's).
fn same_route(a: &RouteRef, b: &RouteRef) -> bool {
    let (ra, rb) = (a.route(), b.route());
    a.same_object(b) && ra.tos() == rb.tos() && ra.rtn_type() == rb.rtn_type()
}

/// Runs `f` under RTNL. The kernel's nexthop flag setters change
/// `nh_flags` without a lock, which a replace rewrites under RTNL (netdevsim
/// sets them from its notifier, under RTNL). Process context; the mock's
/// work is never waited for under RTNL.
fn with_rtnl(f: impl FnOnce()) {
    // SAFETY: process context, no lock held that RTNL nests inside.
    unsafe { ffi::rfn_rtnl_lock() };
    f();
    // SAFETY: taken above.
    unsafe { ffi::rfn_rtnl_unlock() };
}

struct HwTable {
    routes: RBTree<RouteKey, HwEntry>,
    /// Routes in the table ([`RouteState::in_hw`]).
    offloaded: u64,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum NhKind {
    Single,
    Group,
    Resilient,
}

/// A nexthop object in the "hardware".
struct HwNexthop {
    id: u32,
    kind: NhKind,
    /// Entries it takes: 1, its members' weights, or its buckets.
    occupancy: u32,
    netns: NetId,
}

impl HwNexthop {
    /// A resilient group's bucket count (0 for the others).
    fn buckets(&self) -> u16 {
        match self.kind {
            NhKind::Resilient => u16::try_from(self.occupancy).unwrap_or(u16::MAX),
            _ => 0,
        }
    }
}

/// The hardware nexthop table. Written in the event callback (maybe
/// softirq, for a flush's sake): a BH lock.
struct NhTable {
    objects: RBTree<NhKey, HwNexthop>,
    occupancy: u64,
}

impl NhTable {
    /// Removes the namespace's objects and returns them (whose flags the
    /// caller clears). Allocates nothing: any context.
    fn remove_netns(&mut self, inum: u32) -> RBTree<NhKey, HwNexthop> {
        let taken = table::take_netns(&mut self.objects, inum);
        self.occupancy -= taken
            .values()
            .map(|nh| u64::from(nh.occupancy))
            .sum::<u64>();
        taken
    }
}

/// One event, as the work applies it.
enum Op {
    /// A route: all of it (`ENTRY_REPLACE`), or IPv6 nexthops appended to
    /// it (`ENTRY_APPEND`, `append`).
    Add {
        /// The route object of the first nexthop, and (IPv6) the others.
        first: RouteRef,
        rest: KVec<RouteRef>,
        netns: NetId,
        append: bool,
        /// Something could not be allocated for it: report it
        /// `offload_failed`, never lose it silently.
        refuse: bool,
    },
    /// A route gone (IPv4), or IPv6 nexthops gone (`routes`): the route
    /// goes with its last nexthop.
    Del {
        key: RouteKey,
        routes: KVec<RouteRef>,
    },
    /// A namespace's last event: its routes go, and the flags of the
    /// nexthop objects `nexthops` (already out of the nexthop table).
    NetnsExit {
        netns: NetId,
        nexthops: RBTree<NhKey, HwNexthop>,
    },
    /// A nexthop object (re)programmed: flag it (and its `buckets`), and
    /// offload the routes that waited for it.
    Nexthop { netns: NetId, id: u32, buckets: u16 },
    /// A nexthop object gone: the routes using it wait again.
    NexthopDel { netns: NetId, id: u32 },
    /// A resilient group's bucket reprogrammed.
    Bucket { netns: NetId, id: u32, index: u16 },
}

impl Op {
    /// Places in the table the operation claimed when it was queued
    /// ([`Switch::claim`]): one for an add, none for an append.
    fn claims(&self) -> i64 {
        i64::from(matches!(self, Op::Add { append: false, .. }))
    }
}

/// Counters (debugfs `stats`).
struct Counters {
    events: Atomic<u64>,
    replayed: Atomic<u64>,
    applied: Atomic<u64>,
    failed: Atomic<u64>,
    vetoed: Atomic<u64>,
    alloc_failed: Atomic<u64>,
    lost: Atomic<u64>,
    /// IPv6 source-specific routes, not offloaded (as netdevsim).
    skipped: Atomic<u64>,
    /// Events of IPv6 multicast routes, ignored (as mlxsw).
    ignored: Atomic<u64>,
    /// Busy-waits skipped: `event_delay_us` past its budget.
    delays_skipped: Atomic<u64>,
    flushes: Atomic<u64>,
    /// Namespaces flushed for a retry or a resync.
    net_flushes: Atomic<u64>,
    /// Resyncs asked for after a lost event.
    resyncs_asked: Atomic<u64>,
    pending: Atomic<u64>,
    pending_hwm: Atomic<u64>,
    nexthop_events: Atomic<u64>,
    bucket_events: Atomic<u64>,
    nexthops_vetoed: Atomic<u64>,
}

fn bump(c: &Atomic<u64>) -> u64 {
    c.fetch_add(1, Relaxed) + 1
}

/// The device: its queue, its table and its knobs.
#[pin_data]
pub(crate) struct Switch {
    wq: OrderedQueue,
    #[pin]
    hw: Mutex<HwTable>,
    #[pin]
    nexthops: BhLock<NhTable>,
    nexthop_capacity: Atomic<u64>,
    /// Routes the table holds (`offloaded`) plus the adds queued for it:
    /// what it will hold once the queue is applied, at most (a queued
    /// delete frees its place when it is applied). The event callback
    /// claims a place for an add, refusing it in veto mode when none is
    /// left; an apply (or a flush) then gives the claim back and counts
    /// what it really changed, in one atomic operation: no reader ever
    /// sees a route twice (queued and applied) or not at all.
    claimed: Atomic<i64>,
    capacity: Atomic<u64>,
    fail_route_offload: Atomic<bool>,
    veto: Atomic<bool>,
    /// Busy-waits this long in every event callback (microseconds): a slow
    /// listener, which widens the kernel's windows between counting a
    /// change and making it visible (tests). At most
    /// [`MAX_EVENT_DELAY_US`], within [`DELAY_BUDGET_US`].
    event_delay_us: Atomic<u32>,
    /// When the device was made: the origin of [`Switch::delay_window`].
    epoch: Instant<Monotonic>,
    /// The [`DELAY_WINDOW_US`] window the busy-waits are counted in, and
    /// how long they took in it (microseconds).
    delay_window: Atomic<u64>,
    delay_spent: Atomic<u64>,
    /// How many spare entries may be in flight at once (tests: 0 makes
    /// the first failed allocation a lost event).
    spare_limit: Atomic<usize>,
    counters: Counters,
    /// The operations waiting for [`Switch::work`], and the spare entries.
    /// Written in the event callback (maybe softirq): a BH lock.
    #[pin]
    backlog: BhLock<Backlog>,
    /// Applies the pending operations; queued on `wq`, [`BATCH_DELAY`]
    /// after they stop being empty.
    #[pin]
    work: DelayedWork<Switch>,
}

/// How long the work waits for more events before it applies them
/// (jiffies): a burst of route changes is one wake-up of the worker, not
/// one per change, and a route is flagged a tick later at most.
const BATCH_DELAY: kernel::time::Jiffies = 1;

/// The longest busy-wait `event_delay_us` takes (microseconds). The
/// callback runs in atomic context: under RCU, with `tb6_lock` and BH
/// disabled, in softirq; and the replay of a namespace is one RCU read
/// section, every route of it one event.
const MAX_EVENT_DELAY_US: u32 = 5000;

/// The busy-waits of [`DELAY_WINDOW_US`] take [`DELAY_BUDGET_US`] at
/// most, whichever CPU and event they delay (a later event of the window
/// goes on at once): an atomic section (a replay, an IPv6 table flush) at
/// most doubles, plus two budgets, however many events it sends. So no
/// value stalls RCU or a CPU (21 s by default, 20 s for a soft lockup)
/// that the kernel would not stall itself at half speed.
const DELAY_WINDOW_US: u64 = 100_000;
const DELAY_BUDGET_US: u64 = 50_000;

/// How many events can be waiting in spare entries at once.
const SPARE_ENTRIES: usize = 256;

/// One operation waiting to be applied, in the [`Backlog`].
///
/// # Invariants
///
/// Never shared: created as a [`UniqueArc`], and only ever held by one
/// [`ListArc`] (in a list or in flight), so it can be made unique again.
#[pin_data]
struct QueuedOp {
    op: Option<Op>,
    /// One of the device's spares: back to them once applied.
    is_spare: bool,
    #[pin]
    links: ListLinks,
}

impl_list_arc_safe! {
    impl ListArcSafe<0> for QueuedOp { untracked; }
}
impl_list_item! {
    impl ListItem<0> for QueuedOp { using ListLinks { self.links }; }
}

impl QueuedOp {
    /// An empty entry (`GFP_ATOMIC` in the event callback).
    fn new(is_spare: bool, flags: Flags) -> Result<Pin<UniqueArc<Self>>> {
        UniqueArc::pin_init(
            pin_init!(Self {
                op: None,
                is_spare,
                links <- ListLinks::new(),
            }),
            flags,
        )
    }

    /// The entry out of a list, unique again (type invariant).
    fn unique(entry: ListArc<Self>) -> Option<Pin<UniqueArc<Self>>> {
        Arc::into_unique_or_drop(entry.into_arc())
    }
}

/// The device's pending operations and its spare entries.
///
/// Spare entries are allocated up front, for events whose own could not
/// be allocated (`GFP_ATOMIC` failed): a spare takes the event's place in
/// the list, so every event is applied in chain order, and the failure
/// path allocates nothing.
struct Backlog {
    ops: List<QueuedOp>,
    spares: List<QueuedOp>,
    /// Entries in `spares`.
    spares_free: usize,
}

impl_has_delayed_work! {
    impl HasDelayedWork<Self> for Switch { self.work }
}

impl WorkItem for Switch {
    type Pointer = Arc<Switch>;

    /// Applies the pending operations, in chain order. The list is taken
    /// whole (netdevsim's `list_splice_init()`): events that come while
    /// it is applied start a new one and queue this work again.
    fn run(sw: Arc<Switch>) {
        let ops = core::mem::take(&mut sw.backlog.lock().ops);
        for entry in ops {
            // Never `None` (entries are never shared); counted all the same.
            if let Some(mut entry) = QueuedOp::unique(entry) {
                let this = entry.as_mut().project();
                if let Some(op) = this.op.take() {
                    sw.apply(op);
                }
                if *this.is_spare {
                    let mut backlog = sw.backlog.lock();
                    backlog.spares.push_back(ListArc::from(entry));
                    backlog.spares_free += 1;
                }
            }
            sw.counters.pending.fetch_sub(1, Relaxed);
        }
    }
}

impl Switch {
    fn new() -> Result<Arc<Self>> {
        Arc::pin_init(
            try_pin_init!(Self {
                wq: OrderedQueue::new(c"rfn_mock_switchdev")?,
                hw <- kernel::new_mutex!(HwTable {
                    routes: RBTree::new(),
                    offloaded: 0,
                }),
                nexthops <- new_bh_lock!(
                    NhTable {
                        objects: RBTree::new(),
                        occupancy: 0,
                    },
                    "Switch::nexthops"
                ),
                nexthop_capacity: Atomic::new(DEFAULT_NEXTHOP_CAPACITY),
                claimed: Atomic::new(0),
                capacity: Atomic::new(DEFAULT_CAPACITY),
                fail_route_offload: Atomic::new(false),
                veto: Atomic::new(false),
                event_delay_us: Atomic::new(0),
                epoch: Instant::now(),
                delay_window: Atomic::new(0),
                delay_spent: Atomic::new(0),
                spare_limit: Atomic::new(SPARE_ENTRIES),
                backlog <- new_bh_lock!(Self::backlog()?, "Switch::backlog"),
                work <- new_delayed_work!("Switch::work"),
                counters: Counters {
                    events: Atomic::new(0),
                    replayed: Atomic::new(0),
                    applied: Atomic::new(0),
                    failed: Atomic::new(0),
                    vetoed: Atomic::new(0),
                    alloc_failed: Atomic::new(0),
                    lost: Atomic::new(0),
                    skipped: Atomic::new(0),
                    ignored: Atomic::new(0),
                    delays_skipped: Atomic::new(0),
                    flushes: Atomic::new(0),
                    net_flushes: Atomic::new(0),
                    resyncs_asked: Atomic::new(0),
                    pending: Atomic::new(0),
                    pending_hwm: Atomic::new(0),
                    nexthop_events: Atomic::new(0),
                    bucket_events: Atomic::new(0),
                    nexthops_vetoed: Atomic::new(0),
                },
            }? Error),
            GFP_KERNEL,
        )
    }

    /// No pending operation, and [`SPARE_ENTRIES`] spares.
    fn backlog() -> Result<Backlog> {
        let mut spares = List::new();
        for _ in 0..SPARE_ENTRIES {
            spares.push_back(ListArc::from(QueuedOp::new(true, GFP_KERNEL)?));
        }
        Ok(Backlog {
            ops: List::new(),
            spares,
            spares_free: SPARE_ENTRIES,
        })
    }

    /// Applies one operation to the table (process context, in queue
    /// order).
    fn apply(&self, op: Op) {
        let mut hw = self.hw.lock();
        let (before, claim) = (hw.offloaded, op.claims());
        match op {
            Op::Add {
                first,
                rest,
                netns,
                append,
                refuse,
            } => {
                self.add(&mut hw, first, rest, netns, refuse, append);
            }
            Op::Del { key, routes } => {
                // IPv6: the entry stays while it has nexthops left.
                let stays = !routes.is_empty()
                    && hw.routes.get_mut(&key).is_some_and(|e| e.remove(&routes));
                if !stays {
                    if let Some(entry) = hw.routes.remove(&key) {
                        hw.offloaded -= u64::from(entry.state.in_hw());
                    }
                }
            }
            Op::NetnsExit { netns, nexthops } => {
                Switch::remove_netns(&mut hw, netns.inum());
                unflag_nexthops(netns, nexthops.values());
            }
            Op::Nexthop { netns, id, buckets } => {
                if let Some(net) = netns.get() {
                    with_rtnl(|| {
                        net.set_nexthop_hw_flags(id, true, false);
                        for index in 0..buckets {
                            net.set_nexthop_bucket_hw_flags(id, index, true);
                        }
                    });
                    if buckets > 0 {
                        net.nexthop_buckets_busy(id, buckets);
                    }
                }
                self.nexthop_routes(&mut hw, netns.inum(), id, true);
            }
            Op::NexthopDel { netns, id } => self.nexthop_routes(&mut hw, netns.inum(), id, false),
            Op::Bucket { netns, id, index } => {
                if let Some(net) = netns.get() {
                    with_rtnl(|| net.set_nexthop_bucket_hw_flags(id, index, true));
                }
            }
        }
        // No arm above returns early: every change is counted here.
        self.account(before, hw.offloaded, claim);
    }

    /// Gives back `claim` places (the adds just applied) and counts the
    /// table's change from `before` to `after`, in one atomic operation.
    fn account(&self, before: u64, after: u64, claim: i64) {
        // Two's complement: the signed difference.
        let delta = after.wrapping_sub(before) as i64;
        self.claimed.fetch_add(delta - claim, Relaxed);
    }

    /// Claims a place in the table for an add (atomic context); in veto
    /// mode, only while one is left.
    fn claim(&self) -> bool {
        if !self.veto.load(Relaxed) {
            self.claimed.fetch_add(1, Relaxed);
            return true;
        }
        let capacity = i64::try_from(self.capacity.load(Relaxed)).unwrap_or(i64::MAX);
        let mut seen = self.claimed.load(Relaxed);
        while seen < capacity {
            match self.claimed.cmpxchg(seen, seen + 1, Relaxed) {
                Ok(_) => return true,
                Err(now) => seen = now,
            }
        }
        false
    }

    /// Gives back `places` [`Switch::claim`] took for an add not queued.
    fn unclaim(&self, places: i64) {
        self.claimed.fetch_sub(places, Relaxed);
    }

    /// Whether the nexthop table holds object `id` of namespace `inum`.
    fn holds_nexthop(&self, inum: u32, id: u32) -> bool {
        self.nexthops
            .lock()
            .objects
            .get(&NhKey { inum, id })
            .is_some()
    }

    /// The routes of namespace `inum` that use nexthop object `id`: offload
    /// those that waited for it (`held`, room permitting), or make them
    /// wait (it is gone).
    fn nexthop_routes(&self, hw: &mut HwTable, inum: u32, id: u32, held: bool) {
        let capacity = self.capacity.load(Relaxed);
        let fail = self.fail_route_offload.load(Relaxed);
        let mut offloaded = hw.offloaded;
        let mut cursor = hw.routes.cursor_lower_bound_mut(&RouteKey::first_of(inum));
        while let Some(mut c) = cursor {
            let (key, entry) = c.current_mut();
            if key.inum != inum {
                break;
            }
            if entry.nh_id() == id {
                let route = entry.first.route();
                let state = match (held, entry.state) {
                    (true, RouteState::NexthopMissing) => {
                        Some(route_state(offloaded < capacity && !fail, &route))
                    }
                    (false, s) if s.in_hw() => Some(RouteState::NexthopMissing),
                    _ => None,
                };
                if let Some(state) = state {
                    offloaded =
                        offloaded + u64::from(state.in_hw()) - u64::from(entry.state.in_hw());
                    entry.state = state;
                    entry.set_flags();
                }
            }
            cursor = c.move_next();
        }
        hw.offloaded = offloaded;
    }

    /// Programs one route (process context, table locked), reports it:
    /// the route object `first`, and (IPv6 multipath) `rest`.
    /// `refuse`: the route could not be handled, it ends `offload_failed`.
    /// `append`: IPv6 nexthops added to a route the table may hold.
    fn add(
        &self,
        hw: &mut HwTable,
        first: RouteRef,
        rest: KVec<RouteRef>,
        netns: NetId,
        refuse: bool,
        append: bool,
    ) {
        let key = RouteKey::of(netns.inum(), &first.route());
        let routes = || Iterator::chain(core::iter::once(&first), rest.iter());
        if append {
            if let Some(entry) = hw.routes.get_mut(&key) {
                if entry.reserve(1 + rest.len()).is_err() {
                    // Not held, but not silent: counted, reported failed.
                    bump(&self.counters.alloc_failed);
                    report(netns, routes(), RouteState::Failed);
                    return;
                }
                report(netns, routes(), entry.state);
                entry.push_reserved(Iterator::chain(core::iter::once(first), rest));
                return;
            }
        }
        let route = first.route();
        let nh_id = route.nexthop_id().unwrap_or(0);
        let was_in_hw = hw.routes.get(&key).is_some_and(|e| e.state.in_hw());
        let room = was_in_hw || hw.offloaded < self.capacity.load(Relaxed);
        let state = if nh_id != 0 && !self.holds_nexthop(netns.inum(), nh_id) {
            RouteState::NexthopMissing
        } else {
            route_state(
                room && !refuse && !self.fail_route_offload.load(Relaxed),
                &route,
            )
        };
        // IPv6 siblings: their vector is the entry's second allocation.
        let rest_box = if rest.is_empty() {
            Ok(None)
        } else {
            KBox::new_uninit(GFP_KERNEL).map(Some)
        };
        let (Ok(slot), Ok(rest_box)) = (RBTreeNodeReservation::new(GFP_KERNEL), rest_box) else {
            // Not in the table, but not silent: counted and reported.
            bump(&self.counters.alloc_failed);
            report(netns, routes(), RouteState::Failed);
            return;
        };
        let rest = rest_box.map(|b| b.write(rest));
        let node = slot.into_node(
            key,
            HwEntry {
                state,
                first,
                rest,
                netns,
            },
        );
        bump(if state == RouteState::Failed {
            &self.counters.failed
        } else {
            &self.counters.applied
        });
        // Replaces the entry of the route that was first until now.
        let old = hw.routes.insert(node).map(|node| node.to_key_value().1);
        if let Some(entry) = hw.routes.get(&key) {
            entry.set_flags();
            if let Some(old) = &old {
                Self::unreport_replaced(old, entry);
            }
        }
        // Releases the old route objects, now unflagged.
        drop(old);
        hw.offloaded = hw.offloaded + u64::from(state.in_hw()) - u64::from(was_in_hw);
    }

    /// Clears the flags of the route `old` that `new` replaced in the
    /// table: its route objects that `new` does not hold (IPv4: the old
    /// `fib_info` under its own alias key, TOS and type; IPv6: every old
    /// sibling), while the namespace lives. The kernel keeps the old route
    /// when a better one for the same prefix arrives (a lower metric, a
    /// higher TOS; `ip route replace` of another metric): only the one it
    /// notified is in hardware, only that one may show a flag. As the
    /// drivers do: netdevsim's `nsim_fib4_rt_replace()` and
    /// `nsim_fib6_rt_replace()` (`drivers/net/netdevsim/fib.c`) flag the new
    /// route, then `nsim_fib{4,6}_rt_hw_flags_set(..., fib{4,6}_rt_old,
    /// false)`; mlxsw's `mlxsw_sp_router_fib4_replace()` and
    /// `mlxsw_sp_router_fib6_replace()` link the new entry, then
    /// `mlxsw_sp_fib_entry_hw_flags_clear(mlxsw_sp, replaced)`.
    fn unreport_replaced(old: &HwEntry, new: &HwEntry) {
        let gone = old
            .routes()
            .filter(|r| !new.routes().any(|n| same_route(r, n)));
        unreport(old.netns, gone);
    }

    /// Forgets a namespace's routes, clearing their flags if it is still
    /// alive (its bridge failed, or it is flushed for a resync).
    fn remove_netns(hw: &mut HwTable, inum: u32) {
        let mut offloaded = hw.offloaded;
        table::remove_netns(&mut hw.routes, inum, |e: HwEntry| {
            offloaded -= u64::from(e.state.in_hw());
            unreport(e.netns, e.routes());
        });
        hw.offloaded = offloaded;
    }

    /// Forgets one namespace, for a retry or a resync: drains the queue
    /// (none of the namespace's events is queued after that: it is muted),
    /// then empties its part of the table.
    fn flush_net(&self, net: NetId) {
        self.drain();
        let nexthops = self.nexthops.lock().remove_netns(net.inum());
        unflag_nexthops(net, nexthops.values());
        let mut hw = self.hw.lock();
        let before = hw.offloaded;
        Switch::remove_netns(&mut hw, net.inum());
        self.account(before, hw.offloaded, 0);
    }

    /// Drains the queue, clears the flags we set and empties the table.
    fn flush(&self) {
        self.drain();
        let mut hw = self.hw.lock();
        let routes = core::mem::replace(&mut hw.routes, RBTree::new());
        self.account(core::mem::take(&mut hw.offloaded), 0, 0);
        drop(hw);
        for (_, entry) in routes.iter() {
            unreport(entry.netns, entry.routes());
        }
        let nexthops = {
            let mut t = self.nexthops.lock();
            t.occupancy = 0;
            core::mem::replace(&mut t.objects, RBTree::new())
        };
        for nh in nexthops.values() {
            unflag_nexthops(nh.netns, core::iter::once(nh));
        }
    }

    /// A nexthop object added or replaced: takes its room in the table, or
    /// vetoes it (atomic context). Returns what the work item reports.
    fn program_nexthop(&self, event: &Event<'_>, id: u32, object: NexthopObject) -> Result<Op> {
        let (kind, occupancy, buckets) = match object {
            NexthopObject::Single(_) => (NhKind::Single, 1, 0),
            // As netdevsim: a group takes the sum of its members' weights.
            NexthopObject::Group { members, .. } => {
                let weights = (0..u32::from(members))
                    .filter_map(|i| event.nexthop_member(i))
                    .map(|nh| u32::from(nh.weight()))
                    .sum();
                (NhKind::Group, weights, 0)
            }
            NexthopObject::Resilient { buckets } => (NhKind::Resilient, buckets.into(), buckets),
            _ => return Err(EINVAL),
        };
        let netns = event.netns_id().ok_or(EINVAL)?;
        let key = NhKey {
            inum: netns.inum(),
            id,
        };
        // Allocated before the lock, used only for a new object.
        let slot = RBTreeNodeReservation::new(GFP_ATOMIC);
        let mut t = self.nexthops.lock();
        let old = t.objects.get(&key).map_or(0, |nh| u64::from(nh.occupancy));
        // A replace that does not grow always fits (a group losing a
        // member must not fail because the table was shrunk meanwhile).
        let new = u64::from(occupancy);
        if new > old && t.occupancy - old + new > self.nexthop_capacity.load(Relaxed) {
            drop(t);
            bump(&self.counters.nexthops_vetoed);
            event.set_extack(c"rust_fib_notifier mock switchdev: hardware nexthop table is full");
            return Err(ENOSPC);
        }
        let value = HwNexthop {
            id,
            kind,
            occupancy,
            netns,
        };
        if let Some(nh) = t.objects.get_mut(&key) {
            *nh = value;
        } else {
            let Ok(slot) = slot else {
                drop(t);
                bump(&self.counters.alloc_failed);
                event.set_extack(c"rust_fib_notifier mock switchdev: out of memory");
                return Err(ENOMEM);
            };
            drop(t.objects.insert(slot.into_node(key, value)));
        }
        t.occupancy = t.occupancy - old + u64::from(occupancy);
        Ok(Op::Nexthop { netns, id, buckets })
    }

    /// A nexthop event (atomic context): the table changes now, the flags
    /// from the work item. `None`: nothing to queue.
    fn nexthop_event(&self, event: &Event<'_>, what: NexthopEvent) -> Result<Option<Op>> {
        bump(&self.counters.nexthop_events);
        let (Some((id, object)), Some(netns)) = (event.nexthop_object(), event.netns_id()) else {
            return Ok(None);
        };
        Ok(match (what, object) {
            (NexthopEvent::Replace, object) => Some(self.program_nexthop(event, id, object)?),
            (NexthopEvent::Del, _) => {
                let mut t = self.nexthops.lock();
                let key = NhKey {
                    inum: netns.inum(),
                    id,
                };
                let nh = t.objects.remove(&key);
                t.occupancy -= nh.map_or(0, |nh| u64::from(nh.occupancy));
                Some(Op::NexthopDel { netns, id })
            }
            (NexthopEvent::BucketReplace, NexthopObject::Bucket { index, .. }) => {
                bump(&self.counters.bucket_events);
                Some(Op::Bucket { netns, id, index })
            }
            // Same bucket count (the kernel requires it): it fits.
            _ => None,
        })
    }

    /// Waits until every operation queued so far is applied: the work runs
    /// now if its delay has not passed (process context).
    fn drain(&self) {
        // `DelayedWork` is a transparent (`Opaque`, writable) `struct
        // delayed_work`.
        let dwork = ptr::from_ref(&self.work).cast::<bindings::delayed_work>();
        // SAFETY: initialised, and alive with the device; process context.
        // (Not `drain_workqueue()`: that one WARNs if events keep coming.)
        unsafe { bindings::flush_delayed_work(dwork.cast_mut()) };
    }

    /// Busy-waits `us` microseconds (atomic context), unless the busy-waits
    /// of this [`DELAY_WINDOW_US`] window took [`DELAY_BUDGET_US`]
    /// already (then counted in `delays_skipped`). Windows and budget are
    /// counted without a lock: two CPUs may both see a new window and
    /// start its count afresh, which overdraws it by one delay at most.
    fn busy_wait(&self, us: u32) {
        let since = (Instant::<Monotonic>::now() - self.epoch).as_micros_ceil();
        let window = u64::try_from(since).unwrap_or(0) / DELAY_WINDOW_US;
        if self.delay_window.xchg(window, Relaxed) != window {
            self.delay_spent.store(0, Relaxed);
        }
        let us = us.min(MAX_EVENT_DELAY_US);
        if self.delay_spent.fetch_add(u64::from(us), Relaxed) + u64::from(us) > DELAY_BUDGET_US {
            bump(&self.counters.delays_skipped);
            return;
        }
        // SAFETY: a busy wait, valid in atomic context.
        unsafe { ffi::rfn_udelay(us) };
    }

    /// A spare entry, unless `spare_limit` of them are in flight.
    fn take_spare(&self) -> Option<Pin<UniqueArc<QueuedOp>>> {
        let mut backlog = self.backlog.lock();
        if SPARE_ENTRIES - backlog.spares_free >= self.spare_limit.load(Relaxed) {
            return None;
        }
        let spare = backlog.spares.pop_front()?;
        backlog.spares_free -= 1;
        QueuedOp::unique(spare)
    }

    /// Appends one operation to the backlog (atomic context). When no
    /// entry can be allocated a spare takes its place (an add then ends
    /// `offload_failed`); only with every spare in flight is it lost
    /// (counted): `Err`, and the caller has the namespace resynced.
    fn queue(self: &Arc<Self>, mut op: Op) -> Result {
        let mut entry = match QueuedOp::new(false, GFP_ATOMIC) {
            Ok(entry) => entry,
            Err(_) => {
                bump(&self.counters.alloc_failed);
                let Some(spare) = self.take_spare() else {
                    bump(&self.counters.lost);
                    return Err(ENOMEM);
                };
                if let Op::Add { refuse, .. } = &mut op {
                    *refuse = true;
                }
                spare
            }
        };
        *entry.as_mut().project().op = Some(op);
        let depth = bump(&self.counters.pending);
        // A high-water mark: a lost race only loses a sample.
        if depth > self.counters.pending_hwm.load(Relaxed) {
            self.counters.pending_hwm.store(depth, Relaxed);
        }
        let was_empty = {
            let mut backlog = self.backlog.lock();
            let was_empty = backlog.ops.is_empty();
            backlog.ops.push_back(ListArc::from(entry));
            was_empty
        };
        // Only the event that found the backlog empty queues the work: a
        // later one is in the list the work takes (the work is queued, or
        // it runs and has not taken the list yet).
        if was_empty {
            // `Err`: already queued, it will take our entry too.
            drop(self.wq.queue().enqueue_delayed(self.clone(), BATCH_DELAY));
        }
        Ok(())
    }
}

const DEFAULT_CAPACITY: u64 = 4096;
const DEFAULT_NEXTHOP_CAPACITY: u64 = 1024;

/// Clears the flags of the nexthop objects `nexthops` of `netns` (and
/// their buckets), if it is alive (process context).
fn unflag_nexthops<'a>(netns: NetId, nexthops: impl Iterator<Item = &'a HwNexthop>) {
    if let Some(net) = netns.get() {
        with_rtnl(|| {
            for nh in nexthops {
                net.set_nexthop_hw_flags(nh.id, false, false);
                for index in 0..nh.buckets() {
                    net.set_nexthop_bucket_hw_flags(nh.id, index, false);
                }
            }
        });
    }
}

/// The listener: a handle on the device.
pub(crate) struct MockListener(Arc<Switch>);

impl Listener for MockListener {
    fn event(&self, event: &Event<'_>) -> Result {
        let sw = &self.0;
        bump(&sw.counters.events);
        let delay = sw.event_delay_us.load(Relaxed);
        if delay > 0 {
            sw.busy_wait(delay);
        }
        if event.is_replay() {
            bump(&sw.counters.replayed);
        }
        // A source-specific IPv6 route shares its (table, prefix) key with
        // the plain route: not offloaded, counted (netdevsim does the same).
        // IPv6 multicast: not offloaded, not held, not flagged (mlxsw).
        if let Some(route) = event.route() {
            if route.is_source_specific() {
                bump(&sw.counters.skipped);
                return Ok(());
            }
            if is_ignored(&route) {
                bump(&sw.counters.ignored);
                return Ok(());
            }
        }
        // The namespace must be replayed to the mock after this event.
        let mut resync = false;
        let op = match event.kind() {
            EventKind::EntryReplace | EventKind::EntryAppend | EventKind::EntryAdd => {
                // An IPv6 append adds nexthops to the route the table holds
                // (a sibling of the first route): it takes no new place, as
                // in netdevsim, whose `nsim_fib6_prepare_event()` calls
                // `nsim_fib_account()` for `FIB_EVENT_ENTRY_REPLACE` only
                // and `nsim_fib6_rt_append()` adds the nexthops to the
                // entry it finds. (One that finds no entry becomes one, if
                // there is room, refusing nothing.)
                let append = event.kind() == EventKind::EntryAppend;
                let claims = i64::from(!append);
                if !append && !sw.claim() {
                    bump(&sw.counters.vetoed);
                    event.set_extack(
                        c"rust_fib_notifier mock switchdev: hardware route table is full",
                    );
                    return Err(ENOSPC);
                }
                // Never dropped because the namespace is being dismantled:
                // a delete or the next alias's replace must still be applied.
                let (Some(first), Some(netns)) = (event.hold_route_nh(0), event.netns_id()) else {
                    sw.unclaim(claims);
                    return Ok(());
                };
                // IPv6 siblings (allocates only for a multipath route).
                let (rest, refuse) = match event.hold_routes_from(1) {
                    Ok(rest) => (rest, false),
                    Err(_) => {
                        bump(&sw.counters.alloc_failed);
                        (KVec::new(), true)
                    }
                };
                Op::Add {
                    first,
                    rest,
                    netns,
                    append,
                    refuse,
                }
            }
            EventKind::EntryDel => match event.route() {
                Some(route) => Op::Del {
                    key: RouteKey::of(event.netns_inum(), &route),
                    // IPv6: which nexthops go (an empty list: all). Not
                    // knowing (no memory), the entry goes whole and the
                    // namespace is replayed: a multipath route's other
                    // nexthops come back.
                    routes: if route.family() == Some(Family::Ipv6) {
                        event.hold_routes().unwrap_or_else(|_| {
                            bump(&sw.counters.alloc_failed);
                            resync = true;
                            KVec::new()
                        })
                    } else {
                        KVec::new()
                    },
                },
                None => return Ok(()),
            },
            EventKind::NetnsExit => {
                let Some(netns) = event.netns_id() else {
                    return Ok(());
                };
                let nexthops = sw.nexthops.lock().remove_netns(netns.inum());
                Op::NetnsExit { netns, nexthops }
            }
            EventKind::Nexthop(what) => match sw.nexthop_event(event, what)? {
                Some(op) => op,
                None => return Ok(()),
            },
            _ => return Ok(()),
        };
        // Failures are counted (`alloc_failed`, `lost`) by `queue`. Not a
        // veto: our memory is not the user's error. A lost event (a delete
        // above all: the entry would hold a route the kernel freed from
        // its table) ends in a resync of the namespace, as netdevsim's
        // `fib_flush_work` does for the whole device.
        let claims = op.claims();
        let lost = sw.queue(op).is_err();
        if lost {
            sw.unclaim(claims);
        }
        if lost || resync {
            bump(&sw.counters.resyncs_asked);
            event.resync_later();
        }
        Ok(())
    }

    fn flush(&self) {
        bump(&self.0.counters.flushes);
        self.0.flush();
    }

    fn flush_net(&self, net: NetId) {
        bump(&self.0.counters.net_flushes);
        self.0.flush_net(net);
    }
}

/// The mock switchdev: the device and its registration slot.
#[pin_data]
pub(crate) struct MockSwitchdev {
    switch: Arc<Switch>,
    /// Register for this namespace only (inode number; 0: every one).
    netns: Atomic<u64>,
    #[pin]
    registration: Mutex<Option<Registration<MockListener>>>,
}

impl MockSwitchdev {
    pub(crate) fn new() -> Result<Arc<Self>> {
        let switch = Switch::new()?;
        Arc::pin_init(
            pin_init!(Self {
                switch,
                netns: Atomic::new(0),
                registration <- kernel::new_mutex!(None),
            }),
            GFP_KERNEL,
        )
    }

    fn attach(&self) -> Result {
        let mut slot = self.registration.lock();
        if slot.is_none() {
            let filter = match self.netns.load(Relaxed) {
                0 => None,
                inum => Some(crate::nets::find(inum).ok_or(ENOENT)?),
            };
            *slot = Some(Registration::new(
                MockListener(self.switch.clone()),
                filter,
            )?);
        }
        Ok(())
    }

    /// Unregisters, drains, clears the flags and empties the table.
    pub(crate) fn detach(&self) {
        // All under the registration's lock: an attach racing us must not
        // register (and replay) before we emptied the table. The work we
        // drain never takes this lock.
        let mut slot = self.registration.lock();
        if let Some(registration) = slot.take() {
            drop(registration);
            self.switch.flush();
        }
    }

    fn attached(&self) -> bool {
        self.registration.lock().is_some()
    }
}

pub(crate) fn write_attach(m: &Arc<MockSwitchdev>, r: &mut UserSliceReader) -> Result {
    match knob::parse_u64(r)? {
        1 => m.attach(),
        0 => {
            m.detach();
            Ok(())
        }
        _ => Err(ERANGE),
    }
}

pub(crate) fn show_attach(m: &Arc<MockSwitchdev>, f: &mut fmt::Formatter<'_>) -> fmt::Result {
    writeln!(f, "{}", u8::from(m.attached()))
}

pub(crate) fn write_capacity(m: &Arc<MockSwitchdev>, r: &mut UserSliceReader) -> Result {
    let v = knob::parse_u64(r)?;
    if !(1..=1_000_000).contains(&v) {
        return Err(ERANGE);
    }
    m.switch.capacity.store(v, Relaxed);
    Ok(())
}

pub(crate) fn show_capacity(m: &Arc<MockSwitchdev>, f: &mut fmt::Formatter<'_>) -> fmt::Result {
    writeln!(f, "{}", m.switch.capacity.load(Relaxed))
}

pub(crate) fn write_fail(m: &Arc<MockSwitchdev>, r: &mut UserSliceReader) -> Result {
    m.switch
        .fail_route_offload
        .store(knob::parse_bool(r)?, Relaxed);
    Ok(())
}

pub(crate) fn show_fail(m: &Arc<MockSwitchdev>, f: &mut fmt::Formatter<'_>) -> fmt::Result {
    writeln!(f, "{}", u8::from(m.switch.fail_route_offload.load(Relaxed)))
}

pub(crate) fn write_veto(m: &Arc<MockSwitchdev>, r: &mut UserSliceReader) -> Result {
    m.switch.veto.store(knob::parse_bool(r)?, Relaxed);
    Ok(())
}

pub(crate) fn show_veto(m: &Arc<MockSwitchdev>, f: &mut fmt::Formatter<'_>) -> fmt::Result {
    writeln!(f, "{}", u8::from(m.switch.veto.load(Relaxed)))
}

/// `event_delay_us`: 0..=[`MAX_EVENT_DELAY_US`]; a longer busy-wait is
/// refused (`EINVAL`), the knob unchanged.
pub(crate) fn write_event_delay(m: &Arc<MockSwitchdev>, r: &mut UserSliceReader) -> Result {
    let v = knob::parse_u64(r)?;
    let v = u32::try_from(v)
        .ok()
        .filter(|v| *v <= MAX_EVENT_DELAY_US)
        .ok_or(EINVAL)?;
    m.switch.event_delay_us.store(v, Relaxed);
    Ok(())
}

pub(crate) fn show_event_delay(m: &Arc<MockSwitchdev>, f: &mut fmt::Formatter<'_>) -> fmt::Result {
    writeln!(f, "{}", m.switch.event_delay_us.load(Relaxed))
}

pub(crate) fn write_spares(m: &Arc<MockSwitchdev>, r: &mut UserSliceReader) -> Result {
    let v = knob::parse_u64(r)?;
    if v > SPARE_ENTRIES as u64 {
        return Err(ERANGE);
    }
    m.switch.spare_limit.store(v as usize, Relaxed);
    Ok(())
}

pub(crate) fn show_spares(m: &Arc<MockSwitchdev>, f: &mut fmt::Formatter<'_>) -> fmt::Result {
    writeln!(f, "{}", m.switch.spare_limit.load(Relaxed))
}

pub(crate) fn write_nexthop_capacity(m: &Arc<MockSwitchdev>, r: &mut UserSliceReader) -> Result {
    let v = knob::parse_u64(r)?;
    if !(1..=1_000_000).contains(&v) {
        return Err(ERANGE);
    }
    m.switch.nexthop_capacity.store(v, Relaxed);
    Ok(())
}

pub(crate) fn show_nexthop_capacity(
    m: &Arc<MockSwitchdev>,
    f: &mut fmt::Formatter<'_>,
) -> fmt::Result {
    writeln!(f, "{}", m.switch.nexthop_capacity.load(Relaxed))
}

pub(crate) fn write_netns(m: &Arc<MockSwitchdev>, r: &mut UserSliceReader) -> Result {
    m.netns.store(knob::parse_netns(r)?, Relaxed);
    Ok(())
}

pub(crate) fn show_netns(m: &Arc<MockSwitchdev>, f: &mut fmt::Formatter<'_>) -> fmt::Result {
    writeln!(f, "{}", m.netns.load(Relaxed))
}

pub(crate) fn show_routes(m: &Arc<MockSwitchdev>, f: &mut fmt::Formatter<'_>) -> fmt::Result {
    // What the hardware has once the queue ran dry.
    m.switch.drain();
    let hw = m.switch.hw.lock();
    for (k, e) in hw.routes.iter() {
        write!(f, "{} {} {} ", k.inum, k.family, k.table)?;
        knob::write_addr(f, k.family, &k.dst)?;
        let state = e.state.name();
        let first = e.first.route();
        // IPv4: one `fib_info` holds every path; IPv6: one object each.
        let nhs = match first.family() {
            Some(Family::Ipv4) => first.nexthops() as usize,
            _ => e.routes().count(),
        };
        let tos = first.tos();
        write!(f, "/{} tos {} {} nhs {}", k.dst_len, tos, state, nhs)?;
        if e.nh_id() != 0 {
            write!(f, " nhid {}", e.nh_id())?;
        }
        writeln!(f)?;
    }
    Ok(())
}

pub(crate) fn show_nexthops(m: &Arc<MockSwitchdev>, f: &mut fmt::Formatter<'_>) -> fmt::Result {
    // The routes as the hardware has them once the queue ran dry.
    m.switch.drain();
    let hw = m.switch.hw.lock();
    let t = m.switch.nexthops.lock();
    for (k, nh) in t.objects.iter() {
        let kind = match nh.kind {
            NhKind::Single => "single",
            NhKind::Group => "group",
            NhKind::Resilient => "resilient",
        };
        let routes = hw
            .routes
            .iter()
            .filter(|(rk, e)| rk.inum == k.inum && e.nh_id() == k.id)
            .count();
        writeln!(
            f,
            "{} id {} {} occupancy {} routes {}",
            k.inum, k.id, kind, nh.occupancy, routes
        )?;
    }
    Ok(())
}

pub(crate) fn show_stats(m: &Arc<MockSwitchdev>, f: &mut fmt::Formatter<'_>) -> fmt::Result {
    let c = &m.switch.counters;
    let (mut routes, mut trapped, mut nh_waiting, mut table_bytes) = (0u64, 0u64, 0u64, 0u64);
    let offloaded = {
        let hw = m.switch.hw.lock();
        // One pass over the table.
        for entry in hw.routes.values() {
            routes += 1;
            trapped += u64::from(entry.state == RouteState::Trap);
            nh_waiting += u64::from(entry.state == RouteState::NexthopMissing);
            table_bytes += entry.slab_bytes();
        }
        hw.offloaded
    };
    let (nexthops, nexthop_occupancy) = {
        let t = m.switch.nexthops.lock();
        (t.objects.iter().count() as u64, t.occupancy)
    };
    let d = &crate::dump::STATS;
    knob::write_stats(
        f,
        &[
            ("events", c.events.load(Relaxed)),
            ("replayed", c.replayed.load(Relaxed)),
            ("applied", c.applied.load(Relaxed)),
            ("failed", c.failed.load(Relaxed)),
            ("vetoed", c.vetoed.load(Relaxed)),
            ("alloc_failed", c.alloc_failed.load(Relaxed)),
            ("lost", c.lost.load(Relaxed)),
            ("skipped", c.skipped.load(Relaxed)),
            ("ignored", c.ignored.load(Relaxed)),
            ("delays_skipped", c.delays_skipped.load(Relaxed)),
            ("flushes", c.flushes.load(Relaxed)),
            ("net_flushes", c.net_flushes.load(Relaxed)),
            ("resyncs_asked", c.resyncs_asked.load(Relaxed)),
            ("queue_depth", c.pending.load(Relaxed)),
            ("queue_hwm", c.pending_hwm.load(Relaxed)),
            ("routes", routes),
            ("offloaded", offloaded),
            ("trapped", trapped),
            ("nh_waiting", nh_waiting),
            ("table_bytes", table_bytes),
            ("nexthops", nexthops),
            ("nexthop_occupancy", nexthop_occupancy),
            ("nexthops_vetoed", c.nexthops_vetoed.load(Relaxed)),
            ("nexthop_events", c.nexthop_events.load(Relaxed)),
            ("bucket_events", c.bucket_events.load(Relaxed)),
            ("registration_tries", d.tries.load(Relaxed)),
            ("registration_ebusy", d.ebusy.load(Relaxed)),
        ],
    )
}
