// SPDX-License-Identifier: GPL-2.0

//! The mock's hardware FIB table: the routes it holds, what it does with
//! each, and the flags it reports back to the kernel. Changed in process
//! context only, under the table's mutex: by the queue's work, and when the
//! device forgets.
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
//!   (`mlxsw_sp_router_fib{4,6}_replace()`), [`MockSwitchdev::unreport_replaced`];
//! - room: a `REPLACE` takes a place, an IPv6 `APPEND` none (it adds
//!   nexthops to the entry held): netdevsim (`nsim_fib6_prepare_event()`,
//!   `nsim_fib6_rt_append()`);
//! - IPv6 source-specific routes skipped (in the event callback):
//!   netdevsim (`nsim_fib6_event()`);
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

use kernel::{
    bindings,
    prelude::*,
    rbtree::{RBTree, RBTreeNodeReservation},
    sync::atomic::Relaxed,
    time::{Instant, Monotonic},
};

use super::MockSwitchdev;
use crate::{
    events::{Family, Route, RouteRef},
    knob::count,
    listeners::table::{self, NetnsKey, RouteKey},
    nets::NetId,
};

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
pub(super) struct HwEntry {
    pub(super) state: RouteState,
    /// The kernel's route objects: one `fib_info` for IPv4, one
    /// `fib6_info` per nexthop for IPv6 (a multipath route gains and loses
    /// them one by one; every one carries the flags).
    pub(super) first: RouteRef,
    rest: Option<KBox<KVec<RouteRef>>>,
    netns: NetId,
    /// Marked before its namespace is replayed again (the device
    /// reconciles): kept as it is until an add gives it again (it is then
    /// fresh) or a sweep removes it.
    pub(super) stale: bool,
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
    pub(super) fn slab_bytes(&self) -> u64 {
        slab_bytes(NODE_BYTES)
            + self.rest.as_ref().map_or(0, |rest| {
                slab_bytes(core::mem::size_of::<KVec<RouteRef>>())
                    + slab_bytes(rest.capacity() * core::mem::size_of::<RouteRef>())
            })
    }
}

/// Where a route stands in the "hardware".
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum RouteState {
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
    pub(super) fn in_hw(self) -> bool {
        matches!(self, Self::Offload | Self::Trap)
    }

    pub(super) fn name(self) -> &'static str {
        match self {
            Self::Offload => "offload",
            Self::Trap => "trap",
            Self::Failed => "offload_failed",
            Self::NexthopMissing => "nexthop_missing",
        }
    }
}

impl HwEntry {
    pub(super) fn routes(&self) -> impl Iterator<Item = &RouteRef> {
        let rest = self.rest.iter().flat_map(|rest| rest.iter());
        Iterator::chain(core::iter::once(&self.first), rest)
    }

    fn set_flags(&self) {
        report(self.netns, self.routes(), self.state);
    }

    /// Clears every flag of the entry's route objects.
    pub(super) fn unreport(&self) {
        unreport(self.netns, self.routes());
    }

    /// The nexthop object the route uses (0: none).
    pub(super) fn nh_id(&self) -> u32 {
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

    /// Whether the entry holds exactly the routes `first` and `rest`, each
    /// under the same alias key: an add of them changes nothing.
    fn holds_exactly(&self, first: &RouteRef, rest: &[RouteRef]) -> bool {
        let new = || Iterator::chain(core::iter::once(first), rest.iter());
        self.routes().count() == 1 + rest.len()
            && new().all(|n| self.routes().any(|r| same_route(r, n)))
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

/// `RTN_*` (`include/uapi/linux/rtnetlink.h`; not in 7.3's `bindings`).
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
pub(super) fn is_ignored(route: &Route) -> bool {
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

/// A route a repair took out of the table (a flush of its namespace or of
/// the device), until the replay that follows installs it again: the
/// `absent` count. Keyed as the kernel keys its aliases: the route key and
/// the TOS.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(super) struct GoneKey {
    route: RouteKey,
    tos: u8,
}

impl NetnsKey for GoneKey {
    fn inum(&self) -> u32 {
        self.route.inum
    }

    fn first_of(inum: u32) -> Self {
        Self {
            route: RouteKey::first_of(inum),
            tos: 0,
        }
    }
}

/// The route table.
///
/// # Invariants
///
/// `offloaded` counts the entries with [`RouteState::in_hw`], `stale_in_hw`
/// those of them that are [`HwEntry::stale`].
pub(super) struct HwTable {
    pub(super) routes: RBTree<RouteKey, HwEntry>,
    /// Routes in the table ([`RouteState::in_hw`]).
    pub(super) offloaded: u64,
    /// Of those, the stale ones.
    stale_in_hw: u64,
    /// Routes a repair removed that the kernel may still have (see
    /// [`GoneKey`]), and when it removed them.
    gone: RBTree<GoneKey, Instant<Monotonic>>,
    /// Hardware entry writes: inserts, in-place updates, removals.
    pub(super) writes: u64,
    /// Entries marked stale, and stale entries swept.
    pub(super) marked: u64,
    pub(super) swept: u64,
    /// Routes a repair removed that its replay installed again: absent
    /// from the hardware while the kernel had them.
    pub(super) absent: u64,
    /// How long those were absent (nanoseconds): in all, and the longest.
    pub(super) absent_ns: u64,
    pub(super) absent_ns_max: u64,
}

impl HwTable {
    pub(super) fn new() -> Self {
        Self {
            routes: RBTree::new(),
            offloaded: 0,
            stale_in_hw: 0,
            gone: RBTree::new(),
            writes: 0,
            marked: 0,
            swept: 0,
            absent: 0,
            absent_ns: 0,
            absent_ns_max: 0,
        }
    }

    /// The routes that hold a place against `claimed` (see
    /// [`MockSwitchdev::claim`]): those in the table, stale ones aside (a
    /// replay gives them again, each claiming its place anew).
    pub(super) fn claims(&self) -> u64 {
        self.offloaded - self.stale_in_hw
    }

    /// Takes the counts of `entry` out: it left the table.
    fn uncount(&mut self, entry: &HwEntry) {
        let in_hw = u64::from(entry.state.in_hw());
        self.offloaded -= in_hw;
        if entry.stale {
            self.stale_in_hw -= in_hw;
        }
    }

    /// A route gone (IPv4), or IPv6 nexthops gone (`routes`): the entry
    /// goes with its last nexthop.
    pub(super) fn del(&mut self, key: &RouteKey, routes: &[RouteRef]) {
        self.forget_gone(key);
        let mut stays = false;
        if !routes.is_empty() {
            if let Some(entry) = self.routes.get_mut(key) {
                let before = entry.routes().count();
                stays = entry.remove(routes);
                if stays && entry.routes().count() != before {
                    self.writes += 1;
                }
            }
        }
        if !stays {
            if let Some(entry) = self.routes.remove(key) {
                self.uncount(&entry);
                self.writes += 1;
            }
        }
    }

    /// Forgets a namespace's routes, clearing their flags if it is still
    /// alive (its bridge failed, it is gone, or it is forgotten for a
    /// resync: `repair`, whose replay installs them again, see
    /// [`GoneKey`]).
    pub(super) fn remove_netns(&mut self, inum: u32, repair: bool) {
        table::remove_netns(&mut self.gone, inum, drop);
        let gone = &mut self.gone;
        let removed = Instant::<Monotonic>::now();
        let (offloaded, stale_in_hw, writes) =
            (&mut self.offloaded, &mut self.stale_in_hw, &mut self.writes);
        table::remove_netns(&mut self.routes, inum, |e: HwEntry| {
            e.unreport();
            if repair {
                let key = GoneKey {
                    route: RouteKey::of(inum, &e.first.route()),
                    tos: e.first.route().tos(),
                };
                // No memory: the route is not counted `absent`.
                drop(gone.try_create_and_insert(key, removed, GFP_KERNEL));
            }
            removed_entry(offloaded, stale_in_hw, writes, &e);
        });
    }

    /// Forgets every route (see [`HwTable::remove_netns`]); returns them.
    pub(super) fn take_all(&mut self, repair: bool) -> RBTree<RouteKey, HwEntry> {
        let routes = core::mem::replace(&mut self.routes, RBTree::new());
        self.gone = RBTree::new();
        let removed = Instant::<Monotonic>::now();
        for (key, entry) in routes.iter() {
            self.writes += 1;
            if repair {
                let key = GoneKey {
                    route: *key,
                    tos: entry.first.route().tos(),
                };
                drop(self.gone.try_create_and_insert(key, removed, GFP_KERNEL));
            }
        }
        self.offloaded = 0;
        self.stale_in_hw = 0;
        routes
    }

    /// `key` is gone from the kernel (a delete): not absent any more.
    fn forget_gone(&mut self, key: &RouteKey) {
        if self.gone.is_empty() {
            return;
        }
        let first = GoneKey {
            route: *key,
            tos: 0,
        };
        let mut cursor = self.gone.cursor_lower_bound_mut(&first);
        while let Some(c) = cursor {
            if c.current().0.route != *key {
                break;
            }
            cursor = c.remove_current().0;
        }
    }

    /// Marks every entry of namespace `inum` stale (no write, no flag).
    pub(super) fn mark_netns(&mut self, inum: u32) {
        let mut cursor = self
            .routes
            .cursor_lower_bound_mut(&RouteKey::first_of(inum));
        while let Some(mut c) = cursor {
            let (key, entry) = c.current_mut();
            if key.inum != inum {
                break;
            }
            if !entry.stale {
                entry.stale = true;
                self.stale_in_hw += u64::from(entry.state.in_hw());
                self.marked += 1;
            }
            cursor = c.move_next();
        }
    }

    /// Removes the entries of namespace `inum` that are still stale
    /// (`all`: every entry, the namespace is gone), clearing their flags.
    pub(super) fn sweep_netns(&mut self, inum: u32, all: bool) {
        let mut cursor = self
            .routes
            .cursor_lower_bound_mut(&RouteKey::first_of(inum));
        while let Some(c) = cursor {
            let (key, entry) = c.current();
            if key.inum != inum {
                break;
            }
            if !all && !entry.stale {
                cursor = c.move_next();
                continue;
            }
            let (next, node) = c.remove_current();
            let entry = node.to_key_value().1;
            entry.unreport();
            self.swept += u64::from(entry.stale);
            removed_entry(
                &mut self.offloaded,
                &mut self.stale_in_hw,
                &mut self.writes,
                &entry,
            );
            cursor = next;
        }
    }
}

/// Counts `entry` out of a table whose counters are `offloaded`,
/// `stale_in_hw` and `writes` (one write: a removal).
fn removed_entry(offloaded: &mut u64, stale_in_hw: &mut u64, writes: &mut u64, entry: &HwEntry) {
    let in_hw = u64::from(entry.state.in_hw());
    *offloaded -= in_hw;
    if entry.stale {
        *stale_in_hw -= in_hw;
    }
    *writes += 1;
}

impl MockSwitchdev {
    /// Gives back `claim` places (the adds just applied) and counts the
    /// table's change from `before` to `after`, in one atomic operation.
    pub(super) fn account(&self, before: u64, after: u64, claim: i64) {
        // Two's complement: the signed difference.
        let delta = after.wrapping_sub(before) as i64;
        self.claimed.fetch_add(delta - claim, Relaxed);
    }

    /// Claims a place in the table for an add (atomic context); in veto
    /// mode, only while one is left.
    ///
    /// `claimed` counts the routes the table holds plus the adds queued
    /// for it: what it will hold once the queue is applied, at most (a
    /// queued delete frees its place when it is applied). The event
    /// callback claims a place for an add; an apply (or a forget) then
    /// gives the claim back and counts what it really changed, in one
    /// atomic operation ([`MockSwitchdev::account`]): no reader ever sees a
    /// route twice (queued and applied) or not at all.
    pub(super) fn claim(&self) -> bool {
        if !self.knobs.veto.get() {
            self.claimed.fetch_add(1, Relaxed);
            return true;
        }
        let capacity = i64::try_from(self.knobs.capacity.get()).unwrap_or(i64::MAX);
        let mut seen = self.claimed.load(Relaxed);
        while seen < capacity {
            match self.claimed.cmpxchg(seen, seen + 1, Relaxed) {
                Ok(_) => return true,
                Err(now) => seen = now,
            }
        }
        false
    }

    /// Gives back `places` that [`MockSwitchdev::claim`] took for an add
    /// not queued.
    pub(super) fn unclaim(&self, places: i64) {
        self.claimed.fetch_sub(places, Relaxed);
    }

    /// The routes of namespace `inum` that use nexthop object `id`: offload
    /// those that waited for it (`held`, room permitting), or make them
    /// wait (it is gone).
    pub(super) fn nexthop_routes(&self, hw: &mut HwTable, inum: u32, id: u32, held: bool) {
        let capacity = self.knobs.capacity.get();
        let fail = self.knobs.fail_route_offload.get();
        let (mut offloaded, mut stale_in_hw) = (hw.offloaded, hw.stale_in_hw);
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
                    let change =
                        |n: u64| n + u64::from(state.in_hw()) - u64::from(entry.state.in_hw());
                    offloaded = change(offloaded);
                    if entry.stale {
                        stale_in_hw = change(stale_in_hw);
                    }
                    entry.state = state;
                    entry.set_flags();
                    hw.writes += 1;
                }
            }
            cursor = c.move_next();
        }
        hw.offloaded = offloaded;
        hw.stale_in_hw = stale_in_hw;
    }

    /// Programs one route (process context, table locked), reports it:
    /// the route object `first`, and (IPv6 multipath) `rest`.
    /// `refuse`: the route could not be handled, it ends `offload_failed`.
    /// `append`: IPv6 nexthops added to a route the table may hold.
    pub(super) fn add(
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
                    count(&self.stats.alloc_failed);
                    report(netns, routes(), RouteState::Failed);
                    return;
                }
                report(netns, routes(), entry.state);
                let before = entry.routes().count();
                entry.push_reserved(Iterator::chain(core::iter::once(first), rest));
                let grew = entry.routes().count() != before;
                // The kernel has it: fresh.
                let was_stale = core::mem::replace(&mut entry.stale, false);
                let in_hw = u64::from(entry.state.in_hw());
                if was_stale {
                    hw.stale_in_hw -= in_hw;
                }
                hw.writes += u64::from(grew);
                return;
            }
        }
        let route = first.route();
        let nh_id = route.nexthop_id().unwrap_or(0);
        let was_in_hw = hw.routes.get(&key).is_some_and(|e| e.state.in_hw());
        let room = was_in_hw || hw.offloaded < self.knobs.capacity.get();
        let state = if nh_id != 0 && !self.holds_nexthop(netns.inum(), nh_id) {
            RouteState::NexthopMissing
        } else {
            route_state(
                room && !refuse && !self.knobs.fail_route_offload.get(),
                &route,
            )
        };
        // The entry the table holds, unchanged (the same route objects, the
        // same state): kept as it is, fresh again; no hardware write. Its
        // flags are reported again: the kernel's setters change nothing
        // when they are equal (`fib_alias_hw_flags_set()`,
        // `fib6_info_hw_flags_set()`), and an IPv4 alias made again with
        // the same shared `fib_info` starts without them.
        if let Some(entry) = hw.routes.get_mut(&key) {
            if entry.state == state && entry.holds_exactly(&first, &rest) {
                if core::mem::replace(&mut entry.stale, false) {
                    hw.stale_in_hw -= u64::from(state.in_hw());
                }
                entry.set_flags();
                return;
            }
        }
        // IPv6 siblings: their vector is the entry's second allocation.
        let rest_box = if rest.is_empty() {
            Ok(None)
        } else {
            KBox::new_uninit(GFP_KERNEL).map(Some)
        };
        let (Ok(slot), Ok(rest_box)) = (RBTreeNodeReservation::new(GFP_KERNEL), rest_box) else {
            // Not in the table, but not silent: counted and reported.
            count(&self.stats.alloc_failed);
            report(netns, routes(), RouteState::Failed);
            return;
        };
        let rest = rest_box.map(|b| b.write(rest));
        let tos = route.tos();
        let node = slot.into_node(
            key,
            HwEntry {
                state,
                first,
                rest,
                netns,
                stale: false,
            },
        );
        count(if state == RouteState::Failed {
            &self.stats.failed
        } else {
            &self.stats.applied
        });
        // Replaces the entry of the route that was first until now (one
        // write: an insert or an update in place).
        let old = hw.routes.insert(node).map(|node| node.to_key_value().1);
        hw.writes += 1;
        if let Some(entry) = hw.routes.get(&key) {
            entry.set_flags();
            if let Some(old) = &old {
                Self::unreport_replaced(old, entry);
            }
        }
        if let Some(old) = &old {
            hw.uncount(old);
        }
        hw.offloaded += u64::from(state.in_hw());
        // Releases the old route objects, now unflagged.
        drop(old);
        let gone = GoneKey { route: key, tos };
        if let Some(removed) = hw.gone.remove(&gone) {
            hw.absent += 1;
            let ns = u64::try_from(removed.elapsed().as_nanos()).unwrap_or(0);
            hw.absent_ns += ns;
            hw.absent_ns_max = hw.absent_ns_max.max(ns);
        }
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
}
