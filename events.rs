// SPDX-License-Identifier: GPL-2.0

//! What a listener sees: typed events, the route and namespace references
//! it may keep, and the [`Listener`] trait with the contexts it runs in.
//!
//! Everything here reads the C glue's decoded views (`ffi.rs`); nothing
//! here knows about the chain, the counters or the replay.

use core::{ptr, ptr::NonNull};

use kernel::{
    ffi::{c_int, c_ulong},
    prelude::*,
    str::CStr,
};

// Listeners name namespaces through these (they live in `nets.rs`).
use crate::{
    ffi::{self, FibNotifierInfo, NhNotifierInfo, RfnInfo, RfnRoute, RfnRule},
    nets::{NetId, NetRef},
};

/// Families of state (`RUST_FIB_NOTIFIER_FAMILY_*`): what a listener
/// registers for, and an event's. Each namespace counts each family's
/// changes apart (`seq_counter.rs`), so a listener is replayed and sent
/// only its families, and retries only for their changes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Families(u8);

impl Families {
    /// IPv4 routes (and `FIB_EVENT_NH_*`).
    pub(crate) const IPV4: Self = Self(1 << 0);
    /// IPv6 routes.
    pub(crate) const IPV6: Self = Self(1 << 1);
    /// IPv4 and IPv6 policy rules.
    pub(crate) const RULES: Self = Self(1 << 2);
    /// Nexthop objects.
    pub(crate) const NEXTHOPS: Self = Self(1 << 3);
    /// IPv4 multicast routing: VIFs, MFC entries and its own rules.
    pub(crate) const IPMR: Self = Self(1 << 4);
    /// IPv6 multicast routing.
    pub(crate) const IP6MR: Self = Self(1 << 5);
    /// Both multicast routing families.
    pub(crate) const MULTICAST: Self = Self(Self::IPMR.0 | Self::IP6MR.0);
    /// Every family but multicast routing's.
    pub(crate) const UNICAST: Self = Self(Self::ALL.0 & !Self::MULTICAST.0);
    /// Every family (a namespace's exit is every family's event).
    pub(crate) const ALL: Self = Self(0x3f);

    /// The families of `bits`, if they are some and all known.
    pub(crate) fn from_bits(bits: u64) -> Option<Self> {
        (bits != 0 && bits & !u64::from(Self::ALL.0) == 0).then_some(Self(bits as u8))
    }

    /// An event's family as the chain carries it (`RfnInfo::family`).
    pub(crate) fn from_raw(bits: u8) -> Self {
        Self(bits)
    }

    pub(crate) fn bits(self) -> u8 {
        self.0
    }

    /// Whether `self` and `other` share a family.
    pub(crate) fn intersects(self, other: Self) -> bool {
        self.0 & other.0 != 0
    }
}

impl core::ops::BitOr for Families {
    type Output = Self;

    fn bitor(self, other: Self) -> Self {
        Self(self.0 | other.0)
    }
}

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

/// What happened to a nexthop object (`enum nexthop_event_type`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum NexthopEvent {
    /// The object is gone (its routes go after it, with their own events).
    Del,
    /// Added or replaced (a group's members changed); replays send this.
    Replace,
    /// A resilient group is about to be replaced: a listener may veto the
    /// new members (the buckets follow as `BucketReplace`).
    ResTablePreReplace,
    /// One bucket of a resilient group moves to another nexthop.
    BucketReplace,
    /// A statistics query on a group with hardware statistics.
    HwStatsReportDelta,
    /// One a later kernel added (`enum nexthop_event_type`'s value).
    Other(c_ulong),
}

/// What happened to a multicast routing entry (an MFC entry), by
/// `enum fib_event_type` in a multicast family.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum MfcEvent {
    /// Added; replays send this. May name an entry the listener holds
    /// already (added while a replay walked its table): apply it as a
    /// replace.
    Add,
    /// Its parent or output VIFs changed (the same entry, in place).
    Replace,
    /// Removed.
    Del,
}

/// What happened (`enum fib_event_type`, plus the end of a namespace, plus
/// nexthop objects).
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
    /// A nexthop object (`ip nexthop`): see [`Event::nexthop_object`].
    Nexthop(NexthopEvent),
    /// A multicast routing VIF added: see [`Event::vif`].
    VifAdd,
    /// A multicast routing VIF removed.
    VifDel,
    /// A multicast routing entry: see [`Event::mfc`].
    Mfc(MfcEvent),
    /// Anything else (never sent by the bridge; used by tests).
    Other(c_ulong),
}

impl EventKind {
    /// Event `event` of `family`: multicast routing's entry events are
    /// MFC entries', its VIF events VIFs' (and its rule events rules').
    pub(crate) fn of(event: c_ulong, family: Families) -> Self {
        // A namespace's exit is every family's (`Families::ALL`): only an
        // event of the multicast families alone is theirs.
        if !family.intersects(Families::MULTICAST) || family.intersects(Families::UNICAST) {
            return Self::from_raw(event);
        }
        match event {
            ffi::FIB_EVENT_ENTRY_ADD => Self::Mfc(MfcEvent::Add),
            ffi::FIB_EVENT_ENTRY_REPLACE => Self::Mfc(MfcEvent::Replace),
            ffi::FIB_EVENT_ENTRY_DEL => Self::Mfc(MfcEvent::Del),
            ffi::FIB_EVENT_VIF_ADD => Self::VifAdd,
            ffi::FIB_EVENT_VIF_DEL => Self::VifDel,
            ffi::FIB_EVENT_RULE_ADD => Self::RuleAdd,
            ffi::FIB_EVENT_RULE_DEL => Self::RuleDel,
            other => Self::Other(other),
        }
    }

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
            e if (ffi::RUST_FIB_EVENT_NEXTHOP_BASE..ffi::RUST_FIB_EVENT_NEXTHOP_END)
                .contains(&e) =>
            {
                match e - ffi::RUST_FIB_EVENT_NEXTHOP_BASE {
                    ffi::NEXTHOP_EVENT_DEL => Self::Nexthop(NexthopEvent::Del),
                    ffi::NEXTHOP_EVENT_REPLACE => Self::Nexthop(NexthopEvent::Replace),
                    ffi::NEXTHOP_EVENT_RES_TABLE_PRE_REPLACE => {
                        Self::Nexthop(NexthopEvent::ResTablePreReplace)
                    }
                    ffi::NEXTHOP_EVENT_BUCKET_REPLACE => Self::Nexthop(NexthopEvent::BucketReplace),
                    ffi::NEXTHOP_EVENT_HW_STATS_REPORT_DELTA => {
                        Self::Nexthop(NexthopEvent::HwStatsReportDelta)
                    }
                    other => Self::Nexthop(NexthopEvent::Other(other)),
                }
            }
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

    /// Whether the event is a nexthop object's (its info is a `struct
    /// nh_notifier_info`).
    pub(crate) fn is_nexthop(self) -> bool {
        matches!(self, Self::Nexthop(_))
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

    /// Who installed the route (`RTPROT_*`: `ip route`'s `proto`).
    pub(crate) fn protocol(&self) -> u8 {
        self.0.protocol
    }

    /// The route's scope (`RT_SCOPE_*`; IPv6 routes: universe).
    pub(crate) fn scope(&self) -> u8 {
        self.0.scope
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
    /// The nexthop object the route uses (`ip route ... nhid N`); its
    /// paths ([`Event::nexthop`]) are the object's.
    pub(crate) fn nexthop_id(&self) -> Option<u32> {
        (self.0.nh_id != 0).then_some(self.0.nh_id)
    }
}

/// One nexthop of a nexthop event (a copy): the object, a group member, a
/// resilient group's bucket's, or a bucket's old or new one.
#[derive(Clone, Copy)]
pub(crate) struct NhSingle(ffi::RfnNhSingle);

impl NhSingle {
    /// The nexthop object's id (`ip nexthop ... id N`).
    pub(crate) fn id(&self) -> u32 {
        self.0.id
    }
    /// The gateway: 4 bytes (IPv4) or 16 (IPv6), network order; `None`
    /// without one.
    pub(crate) fn gateway(&self) -> Option<&[u8]> {
        gateway(self.0.gw_family, &self.0.gw)
    }
    /// The device's ifindex (0: none, e.g. a blackhole).
    pub(crate) fn ifindex(&self) -> u32 {
        self.0.ifindex
    }
    /// `ip nexthop add id N blackhole`.
    pub(crate) fn is_blackhole(&self) -> bool {
        self.0.flags & ffi::RFN_NH_F_REJECT != 0
    }
    /// A nexthop for the bridge FDB (`fdb`), not for routes.
    pub(crate) fn is_fdb(&self) -> bool {
        self.0.flags & ffi::RFN_NH_F_FDB != 0
    }
    /// A group member's weight (1-based, as `ip nexthop` prints it); 0
    /// elsewhere.
    pub(crate) fn weight(&self) -> u16 {
        self.0.weight
    }
}

/// A nexthop event's object (`struct nh_notifier_info` by its type).
#[derive(Clone, Copy)]
pub(crate) enum NexthopObject {
    /// A single nexthop.
    Single(NhSingle),
    /// A hash-threshold group; [`Event::nexthop_member`] gives each member.
    Group { members: u16, fdb: bool },
    /// A resilient group's bucket table; [`Event::nexthop_member`] gives
    /// each bucket's nexthop.
    Resilient { buckets: u16 },
    /// One bucket of a resilient group moving from `old` to `new`. Not
    /// `force`d: the listener may refuse it (the bucket is busy).
    Bucket {
        index: u16,
        idle_timer_ms: u32,
        force: bool,
        old: NhSingle,
        new: NhSingle,
    },
    /// A statistics query (report with `nh_grp_hw_stats_report_delta()`;
    /// not offered to Rust listeners yet).
    HwStats,
}

/// The address `gw` holds for `family` (0: none, `AF_INET`, `AF_INET6`).
fn gateway(family: u8, gw: &[u8; 16]) -> Option<&[u8]> {
    match c_int::from(family) {
        ffi::AF_INET => Some(&gw[..4]),
        ffi::AF_INET6 => Some(&gw[..]),
        _ => None,
    }
}

/// One nexthop of a route (a copy).
#[derive(Clone, Copy)]
pub(crate) struct Nexthop(ffi::RfnNh);

impl Nexthop {
    /// The gateway: 4 bytes (IPv4) or 16 (IPv6), network order; `None` for
    /// a directly connected route.
    pub(crate) fn gateway(&self) -> Option<&[u8]> {
        gateway(self.0.gw_family, &self.0.gw)
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
                net.as_ptr(),
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

/// A multicast routing VIF as the event describes it (a copy).
#[derive(Clone, Copy)]
pub(crate) struct Vif(ffi::RfnVif);

impl Vif {
    /// IPv4 (`ip mroute`) or IPv6 (`ip -6 mroute`) multicast routing.
    pub(crate) fn family(&self) -> Option<Family> {
        Family::from_raw(self.0.family.into())
    }
    pub(crate) fn table(&self) -> u32 {
        self.0.tb_id
    }
    /// The VIF's index in its table (what MFC entries name).
    pub(crate) fn index(&self) -> u16 {
        self.0.vif_index
    }
    /// Its device's ifindex (0: none).
    pub(crate) fn ifindex(&self) -> u32 {
        self.0.ifindex
    }
    /// `VIFF_*` (tunnel, register, ...).
    pub(crate) fn flags(&self) -> u16 {
        self.0.vif_flags
    }
}

/// A multicast routing (MFC) entry as the event describes it (a copy).
#[derive(Clone, Copy)]
pub(crate) struct Mfc(ffi::RfnMfc);

impl Mfc {
    pub(crate) fn family(&self) -> Option<Family> {
        Family::from_raw(self.0.family.into())
    }
    pub(crate) fn table(&self) -> u32 {
        self.0.tb_id
    }
    /// The source: 4 bytes (IPv4) or 16 (IPv6), network order (all zero:
    /// any source, a (*,G) entry).
    pub(crate) fn origin(&self) -> &[u8] {
        self.addr(&self.0.origin)
    }
    /// The group, as [`Mfc::origin`].
    pub(crate) fn group(&self) -> &[u8] {
        self.addr(&self.0.group)
    }
    fn addr<'b>(&self, a: &'b [u8; 16]) -> &'b [u8] {
        match self.family() {
            Some(Family::Ipv4) => &a[..4],
            _ => &a[..],
        }
    }
    /// The input VIF (`Iif:`).
    pub(crate) fn parent(&self) -> u16 {
        self.0.parent
    }
    /// The output VIFs with their TTL thresholds, in VIF order.
    pub(crate) fn outputs(&self) -> impl Iterator<Item = (u16, u8)> + '_ {
        (0u16..)
            .zip(self.0.ttls.iter().copied())
            .filter(|&(_, ttl)| ttl != 255)
    }
    /// Each VIF's TTL threshold (255: not an output), by VIF index.
    pub(crate) fn ttls(&self) -> &[u8; ffi::MAXVIFS] {
        &self.0.ttls
    }
}

/// An owned reference to an event's MFC entry (`mr_cache_hold()`), for
/// listeners that defer work past the callback. Released on drop
/// (`mr_cache_put()`), from any context.
///
/// # Invariants
///
/// `ptr` is a `struct mr_mfc` on which this value holds one reference.
pub(crate) struct MfcRef {
    ptr: NonNull<c_void>,
}

// SAFETY: MFC entries are refcounted, and the last put frees them through
// RCU, from any context.
unsafe impl Send for MfcRef {}
// SAFETY: `&MfcRef` only sets the entry's offload bit, which only drivers
// write after the entry's creation.
unsafe impl Sync for MfcRef {}

impl MfcRef {
    /// The entry object's address: its identity while it is held.
    pub(crate) fn addr(&self) -> usize {
        self.ptr.as_ptr() as usize
    }

    /// Sets or clears `MFC_OFFLOAD` (`ip mroute` shows `offload`). Any
    /// context.
    pub(crate) fn set_offload(&self, offload: bool) {
        // SAFETY: `ptr` is a live entry (we hold it).
        unsafe { ffi::rfn_mfc_set_offload(self.ptr.as_ptr(), offload) }
    }
}

impl Drop for MfcRef {
    fn drop(&mut self) {
        // SAFETY: we hold one reference (type invariant).
        unsafe { ffi::rfn_mfc_put(self.ptr.as_ptr()) }
    }
}

/// A policy routing rule as the event describes it (a copy).
#[derive(Clone, Copy)]
pub(crate) struct Rule(RfnRule);

impl Rule {
    /// A unicast rule's family (`ip rule`, `ip -6 rule`); `None` for a
    /// multicast routing rule.
    pub(crate) fn family(&self) -> Option<Family> {
        Family::from_raw(self.0.family.into())
    }
    /// A multicast routing rule's family (`ip mrule`, `ip -6 mrule`).
    pub(crate) fn multicast(&self) -> Option<Family> {
        match c_int::from(self.0.family) {
            ffi::RTNL_FAMILY_IPMR => Some(Family::Ipv4),
            ffi::RTNL_FAMILY_IP6MR => Some(Family::Ipv6),
            _ => None,
        }
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
    /// Event `event` of the chain (or a replay), with `info` as the chain
    /// passes it; `node` takes the listener's resync requests.
    pub(crate) fn new(event: c_ulong, raw: &'a RfnInfo, node: &'a dyn ResyncLater) -> Self {
        Self {
            kind: EventKind::of(event, Families::from_raw(raw.family)),
            raw,
            node,
        }
    }

    /// What happened.
    pub(crate) fn kind(&self) -> EventKind {
        self.kind
    }

    /// The event's family ([`Families::ALL`] for a namespace's exit).
    pub(crate) fn family(&self) -> Families {
        Families::from_raw(self.raw.family)
    }

    /// Whether this event replays existing state to a new registration.
    pub(crate) fn is_replay(&self) -> bool {
        self.raw.replay
    }

    /// [`EventKind::NetnsExit`]: whether the namespace lives on (its
    /// bridge failed to attach, and its state is replayed when it does;
    /// flags set on its routes must be cleared), or is being dismantled.
    pub(crate) fn net_lives(&self) -> bool {
        self.raw.net_lives
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
        if self.kind.is_nexthop() {
            return None;
        }
        // SAFETY: for FIB events `raw.info` is either null or the kernel's
        // `struct fib_notifier_info`, valid for the callback, i.e. for `'a`.
        unsafe { self.raw.info.cast::<FibNotifierInfo>().as_ref() }
    }

    fn nh_info(&self) -> Option<&'a NhNotifierInfo> {
        if !self.kind.is_nexthop() {
            return None;
        }
        // SAFETY: for nexthop events `raw.info` is the kernel's `struct
        // nh_notifier_info`, valid for the callback.
        unsafe { self.raw.info.cast::<NhNotifierInfo>().as_ref() }
    }

    /// The nexthop object of a nexthop event: its id, and what it is.
    pub(crate) fn nexthop_object(&self) -> Option<(u32, NexthopObject)> {
        let info = self.nh_info()?;
        let mut obj = ffi::RfnNhObj::default();
        // SAFETY: a nexthop event's info, valid for the callback.
        if unsafe { ffi::rfn_nh_info_obj(info, &mut obj) } != 0 {
            return None;
        }
        let count = u16::try_from(obj.count).unwrap_or(u16::MAX);
        let object = match obj.info_type {
            ffi::NH_INFO_SINGLE => NexthopObject::Single(self.nexthop_member(0)?),
            ffi::NH_INFO_GRP => NexthopObject::Group {
                members: count,
                fdb: obj.fdb != 0,
            },
            ffi::NH_INFO_RES_TABLE => NexthopObject::Resilient { buckets: count },
            ffi::NH_INFO_RES_BUCKET => NexthopObject::Bucket {
                index: count,
                idle_timer_ms: obj.idle_timer_ms,
                force: obj.force != 0,
                old: self.nexthop_member(0)?,
                new: self.nexthop_member(1)?,
            },
            ffi::NH_INFO_GRP_HW_STATS => NexthopObject::HwStats,
            _ => return None,
        };
        Some((obj.id, object))
    }

    /// The `i`-th nexthop of a nexthop event: a group's member, a
    /// resilient table's bucket's nexthop (see [`NexthopObject`]).
    pub(crate) fn nexthop_member(&self, i: u32) -> Option<NhSingle> {
        let info = self.nh_info()?;
        let mut nh = ffi::RfnNhSingle::default();
        // SAFETY: a nexthop event's info, valid for the callback; the glue
        // checks `i` against the info's own count.
        (unsafe { ffi::rfn_nh_info_single(info, i, &mut nh) } == 0).then_some(NhSingle(nh))
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

    /// Explains a veto to whoever changed the route or the nexthop (`ip
    /// route add`, `ip nexthop add` print it).
    pub(crate) fn set_extack(&self, msg: &'static CStr) {
        if let Some(info) = self.info() {
            // SAFETY: `info` is valid for the callback; the message is
            // static, as netlink keeps the pointer.
            unsafe { ffi::rfn_info_set_extack(ptr::from_ref(info).cast_mut(), msg.as_char_ptr()) }
        } else if let Some(info) = self.nh_info() {
            // SAFETY: as above, for a nexthop event's info.
            unsafe {
                ffi::rfn_nh_info_set_extack(ptr::from_ref(info).cast_mut(), msg.as_char_ptr())
            }
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

    /// The VIF of a multicast routing VIF event.
    pub(crate) fn vif(&self) -> Option<Vif> {
        if !matches!(self.kind, EventKind::VifAdd | EventKind::VifDel) {
            return None;
        }
        let info = self.info()?;
        let mut vif = ffi::RfnVif::default();
        // SAFETY: a VIF event's info is embedded in a
        // `vif_entry_notifier_info` (the glue checks the family).
        (unsafe { ffi::rfn_info_vif(info, &mut vif) } == 0).then_some(Vif(vif))
    }

    /// The entry of a multicast routing entry event.
    pub(crate) fn mfc(&self) -> Option<Mfc> {
        if !matches!(self.kind, EventKind::Mfc(_)) {
            return None;
        }
        let info = self.info()?;
        let mut mfc = ffi::RfnMfc::default();
        // SAFETY: an MFC event's info is embedded in a
        // `mfc_entry_notifier_info` (the glue checks the family); the
        // entry is alive for the callback (RCU, or the kernel's reference).
        (unsafe { ffi::rfn_info_mfc(info, &mut mfc) } == 0).then_some(Mfc(mfc))
    }

    /// An owned reference to the MFC entry of an entry event; `None` when
    /// it is not one, or a replayed entry is being freed (its delete moved
    /// the counter: the replay is retried).
    pub(crate) fn hold_mfc(&self) -> Option<MfcRef> {
        if !matches!(self.kind, EventKind::Mfc(_)) {
            return None;
        }
        let info = self.info()?;
        // SAFETY: an MFC event's info (the glue checks the family), for
        // the callback.
        let ptr = NonNull::new(unsafe { ffi::rfn_info_mfc_hold(info) })?;
        // INVARIANT: `rfn_info_mfc_hold` took one reference on `ptr`.
        Some(MfcRef { ptr })
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
/// [`Listener::event`] runs where a C listener's `notifier_call` does: in
/// atomic context, under RCU, sometimes in softirq, with the locks each
/// event's family holds (the header's `DOC: Contexts`,
/// `include/rust_fib_notifier.h`). So it never sleeps, allocates with
/// `GFP_ATOMIC`, and every lock it shares with process context (debugfs,
/// work items) is a [`SpinLockBh`](crate::kernel_gaps::SpinLockBh), never a plain
/// `SpinLock` or a `Mutex`.
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
    /// Not called for a listener that reconciles ([`Listener::reconciles`]).
    fn flush_net(&self, net: NetId);

    /// Whether the listener repairs a namespace by mark and sweep instead
    /// of [`Listener::flush_net`]: before `net` is replayed again it is
    /// told to [`Listener::mark_stale`] what it holds of it, and once the
    /// replay of `net` is consistent to [`Listener::sweep_stale`] what is
    /// still stale. Entries that did not change stay where they are (in
    /// the hardware, with their flags) for the whole repair.
    fn reconciles(&self) -> bool {
        false
    }

    /// The families the listener is replayed and sent (read once, at
    /// registration).
    fn families(&self) -> Families {
        Families::ALL
    }

    /// Everything held of `net` is stale until an event gives it again (a
    /// replayed or a live add or replace of the same entry: it is then
    /// fresh, and unchanged if the event says what it holds). Keep it
    /// meanwhile. Called in process context; no event of `net` is in
    /// flight, and none arrives until `net` is being replayed again.
    fn mark_stale(&self, _net: NetId) {}

    /// Drop what is still stale of `net` (which may be gone: then all of
    /// it): its replay was consistent, so every entry the kernel has was
    /// given again. Called in process context, after `net`'s events flow
    /// again: apply it in their order (a live event may come before it).
    fn sweep_stale(&self, _net: NetId) {}
}
