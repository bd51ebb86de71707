// SPDX-License-Identifier: GPL-2.0

//! The global atomic FIB chain: listeners, typed events, registrations.
//!
//! One `atomic_notifier_head` (4.11's `fib_chain`, in the C glue) carries
//! every FIB event of every namespace. It is called under RCU, so listeners
//! run in atomic context and must not sleep.
//!
//! Every registration is a pinned [`Node`] with two notifier blocks of its
//! own: `chain_nb`, which hangs on the chain and applies the optional
//! namespace filter, and `replay_nb`, which `dump.rs` hands to the kernel's
//! family dump so that a replay reaches this one listener only. Both end in
//! the node's [`Target`]: a Rust [`Listener`] or, through the exported C
//! API, a C `notifier_block`.

use core::{pin::Pin, ptr, ptr::NonNull};

use kernel::{
    bindings,
    ffi::{c_int, c_ulong, c_void},
    prelude::*,
    str::CStr,
    sync::{
        atomic::{Atomic, Relaxed},
        Mutex,
    },
    types::Opaque,
};

use crate::{
    bh_lock::{new_bh_lock, BhLock},
    ffi::{self, FibNotifierInfo, RfnInfo, RfnRoute, RfnRule},
};

/// The address family of an event.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Family {
    Ipv4,
    Ipv6,
}

impl Family {
    fn from_raw(family: c_int) -> Option<Self> {
        match family {
            ffi::AF_INET => Some(Self::Ipv4),
            ffi::AF_INET6 => Some(Self::Ipv6),
            _ => None,
        }
    }

    /// 4 or 6, as `ip -4` / `ip -6` say.
    pub(crate) fn version(self) -> u8 {
        match self {
            Self::Ipv4 => 4,
            Self::Ipv6 => 6,
        }
    }
}

/// What happened (`enum fib_event_type`, plus the end of a namespace).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum EventKind {
    EntryReplace,
    EntryAppend,
    EntryAdd,
    EntryDel,
    RuleAdd,
    RuleDel,
    NhAdd,
    NhDel,
    /// Forget everything received for the namespace: it is gone, or its
    /// bridge failed to attach (it will be replayed when it does).
    NetnsExit,
    /// Anything else (never sent by the bridge; used by tests).
    Other(c_ulong),
}

impl EventKind {
    pub(crate) fn from_raw(event: c_ulong) -> Self {
        match event {
            ffi::FIB_EVENT_ENTRY_REPLACE => Self::EntryReplace,
            ffi::FIB_EVENT_ENTRY_APPEND => Self::EntryAppend,
            ffi::FIB_EVENT_ENTRY_ADD => Self::EntryAdd,
            ffi::FIB_EVENT_ENTRY_DEL => Self::EntryDel,
            ffi::FIB_EVENT_RULE_ADD => Self::RuleAdd,
            ffi::FIB_EVENT_RULE_DEL => Self::RuleDel,
            ffi::FIB_EVENT_NH_ADD => Self::NhAdd,
            ffi::FIB_EVENT_NH_DEL => Self::NhDel,
            ffi::RUST_FIB_EVENT_NETNS_EXIT => Self::NetnsExit,
            other => Self::Other(other),
        }
    }

    fn is_entry(self) -> bool {
        matches!(
            self,
            Self::EntryReplace | Self::EntryAppend | Self::EntryAdd | Self::EntryDel
        )
    }

    fn is_rule(self) -> bool {
        matches!(self, Self::RuleAdd | Self::RuleDel)
    }
}

/// A route as the event describes it (a copy: valid after the callback).
#[derive(Clone, Copy)]
pub(crate) struct Route(RfnRoute);

impl Route {
    pub(crate) fn family(&self) -> Option<Family> {
        Family::from_raw(self.0.family.into())
    }
    pub(crate) fn table(&self) -> u32 {
        self.0.tb_id
    }
    /// The destination: 4 bytes for IPv4, 16 for IPv6, network order.
    pub(crate) fn dst(&self) -> &[u8] {
        match self.family() {
            Some(Family::Ipv4) => &self.0.dst[..4],
            _ => &self.0.dst[..],
        }
    }
    pub(crate) fn dst_len(&self) -> u8 {
        self.0.dst_len
    }
    /// The TOS byte (DSCP << 2) of an IPv4 route; 0 for IPv6.
    pub(crate) fn tos(&self) -> u8 {
        self.0.dscp
    }
    /// `RTN_*`: unicast, local, broadcast, blackhole, ...
    pub(crate) fn rtn_type(&self) -> u8 {
        self.0.rtn_type
    }
    /// The metric (`ip route ... metric N`).
    pub(crate) fn priority(&self) -> u32 {
        self.0.priority
    }
    /// How many nexthops the route has (more than one: multipath).
    pub(crate) fn nexthops(&self) -> u32 {
        self.0.nhs
    }
    /// Whether the route is IPv6 source-specific (`ip -6 route add P from
    /// S`): the kernel notifies it under the same (table, prefix) as the
    /// plain route to P, so a listener keyed like hardware must skip it (as
    /// netdevsim does) or key it by the source too.
    pub(crate) fn is_source_specific(&self) -> bool {
        self.0.src_len != 0
    }
}

/// One nexthop of a route (a copy).
#[derive(Clone, Copy)]
pub(crate) struct Nexthop(ffi::RfnNh);

impl Nexthop {
    /// The gateway: 4 bytes (IPv4) or 16 (IPv6), network order; `None` for
    /// a directly connected route.
    pub(crate) fn gateway(&self) -> Option<&[u8]> {
        match c_int::from(self.0.gw_family) {
            ffi::AF_INET => Some(&self.0.gw[..4]),
            ffi::AF_INET6 => Some(&self.0.gw[..]),
            _ => None,
        }
    }

    /// The device's ifindex (0: none, e.g. a blackhole route).
    pub(crate) fn ifindex(&self) -> u32 {
        self.0.ifindex
    }
}

/// An owned reference to an event's route (`fib_info_hold()` for IPv4,
/// `fib6_info_hold()` for IPv6), for listeners that defer work past the
/// callback. Released on drop, from any context.
///
/// # Invariants
///
/// `ptr` is a `struct fib_info` (IPv4) or `struct fib6_info` (IPv6) on
/// which this value holds one reference; `route` describes it.
pub(crate) struct RouteRef {
    ptr: NonNull<c_void>,
    route: RfnRoute,
}

// SAFETY: the kernel's route objects are refcounted and their release
// (`free_fib_info()`, `fib6_info_destroy_rcu()` via RCU) may run anywhere.
unsafe impl Send for RouteRef {}
// SAFETY: `&RouteRef` only reads `route` or passes `ptr` to the kernel's
// flag setters, which synchronise themselves.
unsafe impl Sync for RouteRef {}

impl RouteRef {
    /// The route, as the event described it.
    pub(crate) fn route(&self) -> Route {
        Route(self.route)
    }

    /// Whether both hold the same kernel route object (an IPv6 nexthop is
    /// known by its `fib6_info`).
    pub(crate) fn same_object(&self, other: &RouteRef) -> bool {
        self.ptr == other.ptr
    }

    /// Sets the flags `ip route` shows: `offload`, `trap`,
    /// `offload_failed`. Process context. `net` must be the route's
    /// namespace ([`NetId::get`] of the event's [`Event::netns_id`]): in
    /// another one the IPv4 alias is not found and nothing is set, but an
    /// IPv6 route's notification would go to that namespace's listeners.
    pub(crate) fn set_hw_flags(&self, net: &NetRef, offload: bool, trap: bool, failed: bool) {
        // SAFETY: `ptr` is a live route (we hold it); `net` is alive (we
        // hold a reference); `route` identifies its alias for IPv4.
        unsafe {
            ffi::rfn_route_set_hw_flags(
                net.0.as_ptr(),
                &self.route,
                self.ptr.as_ptr(),
                offload,
                trap,
                failed,
            )
        }
    }
}

impl Drop for RouteRef {
    fn drop(&mut self) {
        // SAFETY: we hold one reference (type invariant).
        unsafe { ffi::rfn_route_put(self.route.family.into(), self.ptr.as_ptr()) }
    }
}

/// A namespace's identity, which outlives the namespace: its cookie
/// (`net->net_cookie`: unique while the system runs, never reused, unlike
/// the namespace's address or inode number) and its inode number (what
/// users see, and what listeners key their tables by). Holds no reference:
/// a listener's table must not keep a namespace from dying, and a work item
/// must still apply the events of a namespace that is being dismantled.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct NetId {
    cookie: u64,
    inum: u32,
}

impl NetId {
    /// The identity of `net`.
    ///
    /// # Safety
    ///
    /// `net` must be alive for the call.
    pub(crate) unsafe fn of(net: *const ffi::Net) -> Self {
        // SAFETY: alive, per the function's requirement.
        unsafe {
            Self {
                cookie: ffi::rfn_net_cookie(net),
                inum: ffi::rfn_net_inum(net),
            }
        }
    }

    /// The namespace's inode number.
    pub(crate) fn inum(&self) -> u32 {
        self.inum
    }

    /// The namespace's cookie (`net->net_cookie`), what C listeners get.
    pub(crate) fn cookie(&self) -> u64 {
        self.cookie
    }

    /// The identity the KUnit fake source gives its namespaces (no real
    /// namespace has cookie 0 or a cookie this large).
    #[cfg(rfn_kunit)]
    pub(crate) fn fake(n: u32) -> Self {
        Self {
            cookie: (1 << 63) | u64::from(n),
            inum: n,
        }
    }

    /// Whether `net` is this namespace.
    ///
    /// # Safety
    ///
    /// `net` must be alive for the call.
    pub(crate) unsafe fn is(&self, net: *const ffi::Net) -> bool {
        // SAFETY: alive, per the function's requirement.
        unsafe { ffi::rfn_net_cookie(net) == self.cookie }
    }

    /// A reference on the namespace, if it is still bridged and not being
    /// dismantled (`maybe_get_net()`); `None` after that: its routes are
    /// going away, there is nothing left to report to it.
    pub(crate) fn get(&self) -> Option<NetRef> {
        // SAFETY: looks the cookie up in the bridged list, under RCU.
        let net = unsafe { ffi::rfn_net_get_by_cookie(self.cookie) };
        // INVARIANT: `maybe_get_net()` took one reference, or returned null.
        NonNull::new(net).map(NetRef)
    }
}

/// A reference on a namespace (`maybe_get_net()`), released on drop.
/// Holding one keeps the namespace from being dismantled: hold it for a
/// call, not while work is pending.
///
/// # Invariants
///
/// Holds one reference on the namespace.
pub(crate) struct NetRef(NonNull<ffi::Net>);

impl NetRef {
    /// The namespace, alive while `self` is.
    pub(crate) fn as_ptr(&self) -> *mut ffi::Net {
        self.0.as_ptr()
    }
}

// SAFETY: `put_net()` may be called from any context.
unsafe impl Send for NetRef {}
// SAFETY: `&NetRef` only passes the pointer to the kernel.
unsafe impl Sync for NetRef {}

impl Drop for NetRef {
    fn drop(&mut self) {
        // SAFETY: we hold one reference (type invariant).
        unsafe { ffi::rfn_net_put(self.0.as_ptr()) }
    }
}

/// A policy routing rule as the event describes it (a copy).
#[derive(Clone, Copy)]
pub(crate) struct Rule(RfnRule);

impl Rule {
    pub(crate) fn family(&self) -> Option<Family> {
        Family::from_raw(self.0.family.into())
    }
    pub(crate) fn pref(&self) -> u32 {
        self.0.pref
    }
    pub(crate) fn table(&self) -> u32 {
        self.0.table
    }
    /// `FR_ACT_*`.
    pub(crate) fn action(&self) -> u8 {
        self.0.action
    }
}

/// What a registration offers its listener's callback: a resync, later.
pub(crate) trait ResyncLater {
    /// Asks for `net` to be flushed and replayed to this listener, from a
    /// work item (any context; see [`Event::resync_later`]).
    fn request_resync(&self, net: NetId);
}

/// One event, borrowed for the duration of a listener's callback.
pub(crate) struct Event<'a> {
    kind: EventKind,
    raw: &'a RfnInfo,
    node: &'a dyn ResyncLater,
}

impl<'a> Event<'a> {
    /// What happened.
    pub(crate) fn kind(&self) -> EventKind {
        self.kind
    }

    /// Whether this event replays existing state to a new registration.
    pub(crate) fn is_replay(&self) -> bool {
        self.raw.replay
    }

    /// The namespace's inode number, as `readlink /proc/self/ns/net` shows.
    /// 0 for events that name no namespace (only tests send those).
    pub(crate) fn netns_inum(&self) -> u32 {
        if self.raw.net.is_null() {
            return 0;
        }
        // SAFETY: `raw.net` is the event's namespace; the bridge delivers
        // its events only while the namespace is alive, and the replay only
        // while it is on the bridged list under RCU.
        unsafe { ffi::rfn_net_inum(self.raw.net) }
    }

    fn info(&self) -> Option<&'a FibNotifierInfo> {
        // SAFETY: `raw.info` is either null or the kernel's info for this
        // event, valid for the callback, i.e. for `'a`.
        unsafe { self.raw.info.as_ref() }
    }

    /// The route of an entry event.
    pub(crate) fn route(&self) -> Option<Route> {
        if !self.kind.is_entry() {
            return None;
        }
        let info = self.info()?;
        let mut route = RfnRoute::default();
        // SAFETY: for entry events the kernel's info is embedded in a
        // `fib_entry_notifier_info` (IPv4) or `fib6_entry_notifier_info`
        // (IPv6), which is what `rfn_info_route` decodes by family.
        (unsafe { ffi::rfn_info_route(info, &mut route) } == 0).then_some(Route(route))
    }

    /// The `i`-th nexthop of an entry event's route (`0..route().nexthops()`).
    pub(crate) fn nexthop(&self, i: u32) -> Option<Nexthop> {
        if !self.kind.is_entry() {
            return None;
        }
        let info = self.info()?;
        let mut nh = ffi::RfnNh::default();
        // SAFETY: an entry event's info, under RCU (the chain and the
        // replay both hold it).
        (unsafe { ffi::rfn_info_route_nh(info, i, &mut nh) } == 0).then_some(Nexthop(nh))
    }

    /// An owned reference to the route object of an entry event's `i`-th
    /// nexthop: IPv4 notifies one `fib_info` for every path (`i` = 0 only),
    /// IPv6 one `fib6_info` per nexthop (the event's route and its first
    /// `nexthops() - 1` siblings).
    pub(crate) fn hold_route_nh(&self, i: u32) -> Option<RouteRef> {
        let route = self.route()?;
        let info = self.info()?;
        // SAFETY: `info` is an entry event's info (`route()` checked it),
        // under RCU or the table's lock for the callback.
        let ptr = NonNull::new(unsafe { ffi::rfn_info_route_hold(info, i) })?;
        // INVARIANT: `rfn_info_route_hold` took one reference on `ptr`.
        Some(RouteRef {
            ptr,
            route: route.0,
        })
    }

    /// Owned references to every route object the entry event carries (see
    /// [`Event::hold_route_nh`]): one for IPv4, one per nexthop for IPv6.
    /// Allocates with `GFP_ATOMIC`.
    pub(crate) fn hold_routes(&self) -> Result<KVec<RouteRef>> {
        self.hold_routes_from(0)
    }

    /// Like [`Event::hold_routes`], from the `start`-th object on (1: the
    /// IPv6 siblings of the event's route; allocates nothing when there is
    /// none).
    pub(crate) fn hold_routes_from(&self, start: u32) -> Result<KVec<RouteRef>> {
        let route = self.route().ok_or(EINVAL)?;
        let objects = match route.family() {
            Some(Family::Ipv6) => route.nexthops(),
            _ => 1,
        };
        let mut refs = KVec::with_capacity(objects.saturating_sub(start) as usize, GFP_ATOMIC)?;
        for i in start..objects {
            let r = self.hold_route_nh(i).ok_or(ENOENT)?;
            refs.push_within_capacity(r).map_err(|_| ENOMEM)?;
        }
        Ok(refs)
    }

    /// The event's namespace, as an identity that outlives it (`None` for
    /// events that name no namespace: only tests send those).
    pub(crate) fn netns_id(&self) -> Option<NetId> {
        if self.raw.net.is_null() {
            return None;
        }
        // SAFETY: the namespace is alive for the event (see `netns_inum`),
        // even while it is being dismantled.
        Some(unsafe { NetId::of(self.raw.net) })
    }

    /// Explains a veto to whoever changed the route (`ip route add` prints
    /// it).
    pub(crate) fn set_extack(&self, msg: &'static CStr) {
        if let Some(info) = self.info() {
            // SAFETY: `info` is valid for the callback; the message is
            // static, as netlink keeps the pointer.
            unsafe { ffi::rfn_info_set_extack(ptr::from_ref(info).cast_mut(), msg.as_char_ptr()) }
        }
    }

    /// Asks for this event's namespace to be resynced to this listener:
    /// flushed ([`Listener::flush_net`]) and replayed, from a work item,
    /// soon after. What a listener does when it could not keep an event (a
    /// delete it had no memory to queue): it must not hold what the kernel
    /// no longer has. Any context.
    pub(crate) fn resync_later(&self) {
        if let Some(net) = self.netns_id() {
            self.node.request_resync(net);
        }
    }

    /// The rule of a rule event.
    pub(crate) fn rule(&self) -> Option<Rule> {
        if !self.kind.is_rule() {
            return None;
        }
        let info = self.info()?;
        let mut rule = RfnRule::default();
        // SAFETY: for rule events the info is embedded in a
        // `fib_rule_notifier_info`.
        (unsafe { ffi::rfn_info_rule(info, &mut rule) } == 0).then_some(Rule(rule))
    }
}

/// A listener on the chain, written in Rust.
///
/// # Contexts
///
/// [`Listener::event`] runs in atomic context: under RCU, in process context
/// (IPv4 routes and nexthops under RTNL; rules under the family's rules
/// lock; IPv6 routes with `tb6_lock` held and BH disabled) and in
/// **softirq** (IPv6 route expiry from the GC timer, router advertisements
/// from NET_RX). So it never sleeps, allocates with `GFP_ATOMIC`, and every
/// lock it shares with process context (debugfs, work items) is a
/// [`BhLock`](crate::bh_lock::BhLock), never a plain `SpinLock` or a
/// `Mutex`: a plain spinlock taken with BH enabled elsewhere deadlocks when
/// the softirq interrupts its holder.
pub(crate) trait Listener: Send + Sync {
    /// Called for every event, replayed or live (see the contexts above).
    /// Must not sleep. An error vetoes an add or replace: the kernel passes
    /// it back to `ip route add`.
    fn event(&self, event: &Event<'_>) -> Result;

    /// Forget everything received so far: the registration failed, or was
    /// dropped by its owner. Called in process context, with no event of
    /// this listener in flight.
    fn flush(&self);

    /// Forget everything received for the namespace `net` (which may be
    /// gone): it changed while it was replayed, or a resync was asked for.
    /// Called in process context; no event of `net` is in flight for this
    /// listener, and none arrives until `net` was replayed to it again.
    fn flush_net(&self, net: NetId);
}

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
}

/// Adapts a [`Listener`] to a [`Target`]: decodes events into [`Event`].
pub(crate) struct RustTarget<L>(pub(crate) L);

impl<L: Listener> Target for RustTarget<L> {
    fn call(&self, event: c_ulong, info: &RfnInfo, node: &dyn ResyncLater) -> c_int {
        let event = Event {
            kind: EventKind::from_raw(event),
            raw: info,
            node,
        };
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

    fn is_empty(&self) -> bool {
        !self.all && self.nets.iter().all(Option::is_none)
    }
}

/// Delay before a failed resync (`EBUSY`, a veto) is tried again.
const RESYNC_RETRY_MS: u32 = 500;

/// One registration: the blocks the kernel calls and what they lead to.
///
/// # Invariants
///
/// - `chain_nb` is on the chain only between [`Node::add`] and
///   [`Node::remove`] (or drop), and the node is pinned meanwhile.
/// - `replay_nb` is only called by the registering thread, during
///   `dump.rs`'s replay, after `replay_net` was set.
/// - `muting` is `muted`'s length, written under `muted`'s lock.
/// - `resync_work` is initialised, and cancelled before the node is freed.
#[pin_data(PinnedDrop)]
pub(crate) struct Node<T: Target> {
    #[pin]
    chain_nb: Opaque<bindings::notifier_block>,
    #[pin]
    replay_nb: Opaque<bindings::notifier_block>,
    replay_net: Atomic<*mut ffi::Net>,
    /// The replay is a resync's: a veto cannot abort it (see
    /// [`Node::replay_call`]).
    resyncing: Atomic<bool>,
    on_chain: Atomic<bool>,
    /// Deliver only this namespace's events (`None`: every namespace). An
    /// identity, not a pointer: once the namespace is gone nothing matches,
    /// even a new namespace at the same address.
    filter: Option<NetId>,
    /// Cookies of the namespaces being flushed and replayed again: their
    /// events are not delivered meanwhile. Read by the chain callback (maybe
    /// in softirq): a BH lock.
    #[pin]
    muted: BhLock<KVec<u64>>,
    /// How many are muted: lets the callback skip the lock when none is.
    muting: Atomic<usize>,
    /// Serialises the registration, resyncs and the end of the node; `true`
    /// once the node is being dropped (a resync must not put it back).
    #[pin]
    sync: Mutex<bool>,
    /// What the resync work has to do; asked for in atomic context.
    #[pin]
    pending: BhLock<Pending>,
    #[pin]
    resync_work: Opaque<bindings::delayed_work>,
    pub(crate) target: T,
}

// SAFETY: the notifier blocks are only touched by the chain's own locking
// and the registering thread, the work by the workqueue code; the rest is
// `Send`/`Sync` on its own (`T: Target` is).
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

/// The bridge's request (not a FIB event, never passed to a listener): the
/// chain stopped on this namespace's event, every node resyncs it.
pub(crate) const RFN_EVENT_RESYNC: c_ulong = 0x101;

impl<T: Target> Node<T> {
    /// A registration for `target`, optionally restricted to one namespace.
    pub(crate) fn new(target: T, filter: Option<NetId>) -> impl PinInit<Self> {
        pin_init!(Self {
            chain_nb: Opaque::new(notifier_block(Some(Self::chain_call))),
            replay_nb: Opaque::new(notifier_block(Some(Self::replay_call))),
            replay_net: Atomic::new(ptr::null_mut()),
            resyncing: Atomic::new(false),
            on_chain: Atomic::new(false),
            filter,
            muted <- new_bh_lock!(KVec::new(), "Node::muted"),
            muting: Atomic::new(0),
            sync <- kernel::new_mutex!(false, "Node::sync"),
            pending <- new_bh_lock!(Pending::default(), "Node::pending"),
            // SAFETY: `slot` is the pinned, uninitialised work; the glue
            // initialises it with our callback.
            resync_work <- Opaque::ffi_init(|slot| unsafe {
                ffi::rfn_delayed_work_init(slot, Some(Self::resync_work_fn))
            }),
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
        // SAFETY: process context.
        unsafe { bindings::synchronize_rcu() };
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

    /// Marks the replays that follow as a resync's (or not).
    pub(crate) fn set_resyncing(&self, resyncing: bool) {
        self.resyncing.store(resyncing, Relaxed);
    }

    /// The block that replays reach; `net` is the namespace being replayed.
    pub(crate) fn replay_block(&self, net: *mut ffi::Net) -> *mut bindings::notifier_block {
        self.replay_net.store(net, Relaxed);
        self.replay_nb.get()
    }

    /// Delivers one event through the replay block, as the kernel's dump
    /// does (used by sources that are not the kernel: the KUnit fake).
    #[cfg(rfn_kunit)]
    pub(crate) fn replay_event(&self, net: *mut ffi::Net, event: c_ulong) -> c_int {
        let nb = self.replay_block(net);
        // SAFETY: `nb` is our own, initialised replay block; `replay_call`
        // accepts a null info pointer.
        unsafe { Self::replay_call(nb, event, ptr::null_mut()) }
    }

    /// Whether the node is on the chain.
    pub(crate) fn on_chain(&self) -> bool {
        self.on_chain.load(Relaxed)
    }

    /// Puts the node on the chain.
    pub(crate) fn add(self: Pin<&Self>) {
        if self.on_chain.xchg(true, Relaxed) {
            return;
        }
        // SAFETY: the chain head is a static of the C glue; `chain_nb` is
        // pinned and stays valid until `remove` takes it off (type
        // invariant); registering an unregistered block cannot fail.
        unsafe { bindings::atomic_notifier_chain_register(ffi::rfn_chain(), self.chain_nb.get()) };
    }

    /// Takes the node off the chain; when this returns, no callback of the
    /// node runs any more (the kernel waits for RCU readers).
    pub(crate) fn remove(&self) {
        if !self.on_chain.xchg(false, Relaxed) {
            return;
        }
        // SAFETY: `chain_nb` is on the chain (checked above).
        unsafe {
            bindings::atomic_notifier_chain_unregister(ffi::rfn_chain(), self.chain_nb.get())
        };
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
        // SAFETY: initialised (type invariant); process context. A running
        // work finds the node ending and does nothing.
        unsafe { ffi::rfn_delayed_work_cancel_sync(self.resync_work.get()) };
        if !core::mem::take(&mut *self.pending.lock()).is_empty() {
            crate::dump::STATS.resync_queued.fetch_sub(1, Relaxed);
        }
    }

    /// The resync work: resyncs what was asked for; what fails is asked
    /// for again, later.
    ///
    /// # Safety
    ///
    /// `work` must be the `resync_work` of a live, pinned node: only the
    /// workqueue calls this, and the node cancels it before it is freed.
    unsafe extern "C" fn resync_work_fn(work: *mut bindings::work_struct) {
        // SAFETY: the work is the first member of the delayed work (the
        // glue asserts it), which is our `resync_work` field.
        let node = unsafe {
            &*kernel::container_of!(
                Opaque::cast_from(work.cast::<bindings::delayed_work>()).cast_mut(),
                Self,
                resync_work
            )
        };
        // SAFETY: the node is pinned (type invariant).
        let node = unsafe { Pin::new_unchecked(node) };
        let pending = core::mem::take(&mut *node.pending.lock());
        if pending.is_empty() {
            return;
        }
        let nets = pending.nets.iter().flatten().copied();
        let res = if pending.all {
            crate::dump::resync_all(&crate::dump::KernelFib::new(), node)
        } else {
            // At most `PENDING_NETS`: on the stack.
            let mut list = [NetId { cookie: 0, inum: 0 }; PENDING_NETS];
            let mut n = 0;
            for net in nets {
                list[n] = net;
                n += 1;
            }
            crate::dump::resync(&crate::dump::KernelFib::new(), node, &list[..n])
        };
        let queued = &crate::dump::STATS.resync_queued;
        if res.is_ok() {
            queued.fetch_sub(1, Relaxed);
            return;
        }
        {
            let mut again = node.pending.lock();
            if !again.is_empty() {
                // Asked for again meanwhile: counted once already.
                queued.fetch_sub(1, Relaxed);
            }
            again.all |= pending.all;
            for net in pending.nets.iter().flatten() {
                again.add(*net);
            }
        }
        // SAFETY: as in `request_resync`.
        unsafe { ffi::rfn_delayed_work_queue(node.resync_work.get(), RESYNC_RETRY_MS) };
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
        if !node.accepts(info.net) || node.is_muted(info.net) {
            return 0;
        }
        if event == RFN_EVENT_RESYNC {
            if !info.net.is_null() {
                // SAFETY: the event's namespace is alive for the call.
                node.request_resync(unsafe { NetId::of(info.net) });
            }
            return 0;
        }
        node.target.call(event, info, node)
    }

    /// The replay's callback.
    ///
    /// # Safety
    ///
    /// `nb` must be the `replay_nb` of a live node, and `data` null or the
    /// kernel's `struct fib_notifier_info` of the event.
    unsafe extern "C" fn replay_call(
        nb: *mut bindings::notifier_block,
        event: c_ulong,
        data: *mut c_void,
    ) -> c_int {
        // SAFETY: only `replay_block` hands out this block, which is the
        // `replay_nb` of a pinned, live `Node<T>`.
        let node =
            unsafe { &*kernel::container_of!(Opaque::cast_from(nb).cast_mut(), Self, replay_nb) };
        let info = RfnInfo {
            net: node.replay_net.load(Relaxed),
            info: data.cast::<FibNotifierInfo>(),
            replay: true,
        };
        let ret = node.target.call(event, &info, node);
        // A registration's replay stops at a veto (the listener refuses
        // to start). A resync's cannot: the state exists, and the listener
        // already lives with what it refused; it simply does not hold it.
        if node.resyncing.load(Relaxed) {
            return 0;
        }
        ret
    }
}

impl<T: Target> ResyncLater for Node<T> {
    /// Asks the resync work to resync `net` (any context).
    fn request_resync(&self, net: NetId) {
        {
            let mut pending = self.pending.lock();
            if pending.is_empty() {
                // Until the work has done it (debugfs `resync_queued`).
                crate::dump::STATS.resync_queued.fetch_add(1, Relaxed);
            }
            pending.add(net);
        }
        // SAFETY: initialised (type invariant); queueing is safe in atomic
        // context, and a work already queued stays queued.
        unsafe { ffi::rfn_delayed_work_queue(self.resync_work.get(), 0) };
    }
}

#[pinned_drop]
impl<T: Target> PinnedDrop for Node<T> {
    fn drop(self: Pin<&mut Self>) {
        self.shut_down();
    }
}

/// A Rust listener's registration: dropping it unregisters the listener and
/// waits for RCU readers, so no callback runs after the listener is gone.
pub(crate) struct Registration<L: Listener> {
    /// On the chain until dropped.
    node: Pin<KBox<Node<RustTarget<L>>>>,
}

impl<L: Listener> Registration<L> {
    /// Registers `listener` on every namespace (or only `filter`'s) with
    /// dump-and-replay: see `dump::register`.
    pub(crate) fn new(listener: L, filter: Option<NetId>) -> Result<Self> {
        let node = KBox::pin_init(Node::new(RustTarget(listener), filter), GFP_KERNEL)?;
        crate::dump::register(&crate::dump::KernelFib::new(), node.as_ref())?;
        Ok(Self { node })
    }

    /// Flushes `net` in the listener and replays it to it alone, with the
    /// same counter check: see `dump::resync`. Sleeps.
    pub(crate) fn resync(&self, net: NetId) -> Result {
        crate::dump::resync(&crate::dump::KernelFib::new(), self.node.as_ref(), &[net])
    }

    /// Like [`Registration::new`], with the replay taken from `source`.
    #[cfg(rfn_kunit)]
    pub(crate) fn with_source<S: crate::dump::Source>(source: &S, listener: L) -> Result<Self> {
        let node = KBox::pin_init(Node::new(RustTarget(listener), None), GFP_KERNEL)?;
        crate::dump::register(source, node.as_ref())?;
        Ok(Self { node })
    }

    /// Like [`Registration::resync`], with the replay taken from `source`.
    #[cfg(rfn_kunit)]
    pub(crate) fn resync_from<S: crate::dump::Source>(&self, source: &S, net: NetId) -> Result {
        crate::dump::resync(source, self.node.as_ref(), &[net])
    }
}

/// Calls every listener on the chain with one event of `net`.
///
/// Returns a notifier value: the first veto stops the chain, as the kernel's
/// own `call_fib_notifiers()` does.
pub(crate) fn call(net: *mut ffi::Net, event: c_ulong, info: *mut FibNotifierInfo) -> c_int {
    let mut raw = RfnInfo {
        net,
        info,
        replay: false,
    };
    // SAFETY: the chain head is valid for the module's lifetime; `raw`
    // outlives the call, which is all listeners may rely on.
    unsafe {
        bindings::atomic_notifier_call_chain(
            ffi::rfn_chain(),
            event,
            ptr::from_mut(&mut raw).cast::<c_void>(),
        )
    }
}
