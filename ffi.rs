// SPDX-License-Identifier: GPL-2.0

//! The one Rust FFI layer: declarations of the C glue (`glue/`) and of
//! the kernel functions that `bindings` does not carry.
//!
//! Every type here mirrors `glue/glue.h` or a kernel header by hand; the C
//! side checks the layouts with `static_assert()`, this side with const
//! asserts. The raw pointers the kernel hands over are dereferenced in
//! three places only, each under its `# Safety` contract: the notifier
//! callbacks of `chain.rs` (the node and the event info), `nets.rs`'s
//! `BridgedNet::from_raw` (a bridged namespace) and `c_api.rs`'s
//! registration entry points (a C listener's `notifier_block`); everything
//! else passes them back to C.

use kernel::{
    bindings,
    ffi::{c_char, c_int, c_uint, c_ulong, c_void},
};

/// `enum fib_event_type` (`include/net/fib_notifier.h`), by value.
pub(crate) const FIB_EVENT_ENTRY_REPLACE: c_ulong = 0;
pub(crate) const FIB_EVENT_ENTRY_APPEND: c_ulong = 1;
pub(crate) const FIB_EVENT_ENTRY_ADD: c_ulong = 2;
pub(crate) const FIB_EVENT_ENTRY_DEL: c_ulong = 3;
pub(crate) const FIB_EVENT_RULE_ADD: c_ulong = 4;
pub(crate) const FIB_EVENT_RULE_DEL: c_ulong = 5;
pub(crate) const FIB_EVENT_NH_ADD: c_ulong = 6;
pub(crate) const FIB_EVENT_NH_DEL: c_ulong = 7;
pub(crate) const FIB_EVENT_VIF_ADD: c_ulong = 8;
pub(crate) const FIB_EVENT_VIF_DEL: c_ulong = 9;
/// `RUST_FIB_EVENT_NETNS_EXIT` (`include/rust_fib_notifier.h`).
pub(crate) const RUST_FIB_EVENT_NETNS_EXIT: c_ulong = 0x100;
/// `RUST_FIB_EVENT_NEXTHOP(e)` is this plus `enum nexthop_event_type`; the
/// range up to [`RUST_FIB_EVENT_NEXTHOP_END`] is nexthop events' (a later
/// kernel's new ones land in it too).
pub(crate) const RUST_FIB_EVENT_NEXTHOP_BASE: c_ulong = 0x200;
pub(crate) const RUST_FIB_EVENT_NEXTHOP_END: c_ulong = 0x300;
/// `enum nexthop_event_type`, by value (the C glue checks them).
pub(crate) const NEXTHOP_EVENT_DEL: c_ulong = 0;
pub(crate) const NEXTHOP_EVENT_REPLACE: c_ulong = 1;
pub(crate) const NEXTHOP_EVENT_RES_TABLE_PRE_REPLACE: c_ulong = 2;
pub(crate) const NEXTHOP_EVENT_BUCKET_REPLACE: c_ulong = 3;
pub(crate) const NEXTHOP_EVENT_HW_STATS_REPORT_DELTA: c_ulong = 4;
/// `enum nh_notifier_info_type`, by value.
pub(crate) const NH_INFO_SINGLE: u8 = 0;
pub(crate) const NH_INFO_GRP: u8 = 1;
pub(crate) const NH_INFO_RES_TABLE: u8 = 2;
pub(crate) const NH_INFO_RES_BUCKET: u8 = 3;
pub(crate) const NH_INFO_GRP_HW_STATS: u8 = 4;
/// `RFN_NH_F_*` (`glue/glue.h`).
pub(crate) const RFN_NH_F_REJECT: u8 = 1 << 0;
pub(crate) const RFN_NH_F_FDB: u8 = 1 << 1;

pub(crate) const AF_INET: c_int = 2;
pub(crate) const AF_INET6: c_int = 10;
/// `RTNL_FAMILY_IPMR`, `RTNL_FAMILY_IP6MR`: multicast routing's families.
pub(crate) const RTNL_FAMILY_IPMR: c_int = 128;
pub(crate) const RTNL_FAMILY_IP6MR: c_int = 129;

/// `struct fib_notifier_info`: opaque here, decoded by the C glue.
#[repr(C)]
pub(crate) struct FibNotifierInfo {
    _opaque: [u8; 0],
}

/// `struct nh_notifier_info`: opaque here, decoded by the C glue.
#[repr(C)]
pub(crate) struct NhNotifierInfo {
    _opaque: [u8; 0],
}

/// `struct net`: opaque here (only passed back to C and compared).
#[repr(C)]
pub(crate) struct Net {
    _opaque: [u8; 0],
}

/// `struct rfn_net`: opaque here, one per bridged namespace.
#[repr(C)]
pub(crate) struct RfnNet {
    _opaque: [u8; 0],
}

/// `struct rust_fib_notifier_info`: what every listener's callback receives.
/// `info` is a `struct fib_notifier_info` for FIB events, a `struct
/// nh_notifier_info` for nexthop events.
#[repr(C)]
pub(crate) struct RfnInfo {
    pub(crate) net: *mut Net,
    pub(crate) info: *mut c_void,
    pub(crate) replay: bool,
    /// `RUST_FIB_EVENT_NETNS_EXIT` only: the namespace lives on.
    pub(crate) net_lives: bool,
    /// The event's family: a `RUST_FIB_NOTIFIER_FAMILY_*` bit (all of them
    /// for `RUST_FIB_EVENT_NETNS_EXIT`).
    pub(crate) family: u8,
}

const _: () = assert!(core::mem::size_of::<RfnInfo>() == 24);

/// `struct rfn_route`.
#[repr(C)]
#[derive(Clone, Copy, Default)]
pub(crate) struct RfnRoute {
    pub(crate) dst: [u8; 16],
    pub(crate) tb_id: u32,
    pub(crate) priority: u32,
    pub(crate) family: u8,
    pub(crate) dst_len: u8,
    pub(crate) dscp: u8,
    pub(crate) rtn_type: u8,
    pub(crate) nhs: u32,
    pub(crate) src_len: u8,
    /// `RTPROT_*`.
    pub(crate) protocol: u8,
    /// `RT_SCOPE_*`.
    pub(crate) scope: u8,
    pub(crate) pad: u8,
    pub(crate) nh_id: u32,
}
const _: () = assert!(core::mem::size_of::<RfnRoute>() == 40);

/// `struct rfn_nh_single`.
#[repr(C)]
#[derive(Clone, Copy, Default)]
pub(crate) struct RfnNhSingle {
    pub(crate) gw: [u8; 16],
    pub(crate) id: u32,
    pub(crate) ifindex: u32,
    pub(crate) gw_family: u8,
    pub(crate) flags: u8,
    pub(crate) weight: u16,
}
const _: () = assert!(core::mem::size_of::<RfnNhSingle>() == 28);

/// `struct rfn_nh_obj`.
#[repr(C)]
#[derive(Clone, Copy, Default)]
pub(crate) struct RfnNhObj {
    pub(crate) id: u32,
    pub(crate) count: u32,
    pub(crate) idle_timer_ms: u32,
    pub(crate) info_type: u8,
    pub(crate) fdb: u8,
    pub(crate) hw_stats: u8,
    pub(crate) force: u8,
}
const _: () = assert!(core::mem::size_of::<RfnNhObj>() == 16);

/// `struct rfn_nh`.
#[repr(C)]
#[derive(Clone, Copy, Default)]
pub(crate) struct RfnNh {
    pub(crate) gw: [u8; 16],
    pub(crate) ifindex: u32,
    pub(crate) gw_family: u8,
    pub(crate) pad: [u8; 3],
}
const _: () = assert!(core::mem::size_of::<RfnNh>() == 24);

/// `struct rfn_vif`.
#[repr(C)]
#[derive(Clone, Copy, Default)]
pub(crate) struct RfnVif {
    pub(crate) tb_id: u32,
    pub(crate) ifindex: u32,
    pub(crate) vif_index: u16,
    pub(crate) vif_flags: u16,
    pub(crate) family: u8,
    pub(crate) pad: [u8; 3],
}
const _: () = assert!(core::mem::size_of::<RfnVif>() == 16);

/// `RFN_MAXVIFS`: the kernel's `MAXVIFS`.
pub(crate) const MAXVIFS: usize = 32;

/// `struct rfn_mfc`.
#[repr(C)]
#[derive(Clone, Copy)]
pub(crate) struct RfnMfc {
    pub(crate) origin: [u8; 16],
    pub(crate) group: [u8; 16],
    pub(crate) tb_id: u32,
    pub(crate) parent: u16,
    pub(crate) family: u8,
    pub(crate) pad: u8,
    pub(crate) mfc_flags: u32,
    pub(crate) ttls: [u8; MAXVIFS],
    pub(crate) pad2: [u8; 4],
}
const _: () = assert!(core::mem::size_of::<RfnMfc>() == 80);

impl Default for RfnMfc {
    fn default() -> Self {
        Self {
            origin: [0; 16],
            group: [0; 16],
            tb_id: 0,
            parent: 0,
            family: 0,
            pad: 0,
            mfc_flags: 0,
            ttls: [255; MAXVIFS],
            pad2: [0; 4],
        }
    }
}

/// `struct rfn_rule`.
#[repr(C)]
#[derive(Clone, Copy, Default)]
pub(crate) struct RfnRule {
    pub(crate) pref: u32,
    pub(crate) table: u32,
    pub(crate) family: u8,
    pub(crate) action: u8,
    pub(crate) pad: [u8; 2],
}
const _: () = assert!(core::mem::size_of::<RfnRule>() == 12);

/// A C listener's callback for one namespace (its cookie).
pub(crate) type NetCallback = Option<unsafe extern "C" fn(*mut bindings::notifier_block, u64)>;

/// `struct rfn_c_ops`: a C listener's callbacks and options.
#[repr(C)]
pub(crate) struct RfnCOps {
    pub(crate) flush: Option<unsafe extern "C" fn(*mut bindings::notifier_block)>,
    pub(crate) flush_net: NetCallback,
    pub(crate) mark_stale: NetCallback,
    pub(crate) sweep_stale: NetCallback,
    /// `RUST_FIB_NOTIFIER_FAMILY_*`.
    pub(crate) families: u32,
}
const _: () = assert!(core::mem::size_of::<RfnCOps>() == 40);

// The test builds' fault injection (`RFN_TEST_LISTENERS` in the glue).
#[cfg(rfn_test_listeners)]
extern "C" {
    pub(crate) fn rfn_set_fault_bridge_busy(n: c_uint);
    pub(crate) fn rfn_get_fault_bridge_busy() -> c_uint;
    pub(crate) fn rfn_set_fault_net_setup(n: c_uint);
    pub(crate) fn rfn_get_fault_net_setup(pinned: bool) -> c_uint;
    pub(crate) fn rfn_set_hold(rule: bool, inum: u64) -> c_int;
    pub(crate) fn rfn_get_hold(rule: bool, holding: bool) -> c_uint;
}

extern "C" {
    pub(crate) fn rfn_chain() -> *mut bindings::atomic_notifier_head;
    pub(crate) fn rfn_resync_chain() -> *mut bindings::atomic_notifier_head;
    pub(crate) fn rfn_spin_lock_bh(lock: *mut bindings::spinlock_t);
    pub(crate) fn rfn_spin_trylock_bh(lock: *mut bindings::spinlock_t) -> c_int;
    pub(crate) fn rfn_spin_unlock_bh(lock: *mut bindings::spinlock_t);
    pub(crate) fn rfn_bridge_register() -> c_int;
    pub(crate) fn rfn_bridge_unregister();
    pub(crate) fn rfn_net_next_rcu(prev: *mut RfnNet) -> *mut RfnNet;
    pub(crate) fn rfn_net_net(rn: *const RfnNet) -> *mut Net;
    pub(crate) fn rfn_net_seq_bump(rn: *mut RfnNet, families: u32);
    pub(crate) fn rfn_net_seq_read(rn: *const RfnNet, families: u32) -> u64;
    pub(crate) fn rfn_net_inum(net: *const Net) -> c_uint;
    pub(crate) fn rfn_fib_dump(
        net: *mut Net,
        family: c_int,
        nb: *mut bindings::notifier_block,
        extack: *mut bindings::netlink_ext_ack,
    ) -> c_int;
    pub(crate) fn rfn_info_route(info: *const FibNotifierInfo, out: *mut RfnRoute) -> c_int;
    pub(crate) fn rfn_info_rule(info: *const FibNotifierInfo, out: *mut RfnRule) -> c_int;
    pub(crate) fn rfn_info_route_nh(
        info: *const FibNotifierInfo,
        i: c_uint,
        out: *mut RfnNh,
    ) -> c_int;
    pub(crate) fn rfn_info_route_hold(info: *const FibNotifierInfo, i: c_uint) -> *mut c_void;
    pub(crate) fn rfn_route_put(family: c_int, route: *mut c_void);
    pub(crate) fn rfn_info_vif(info: *const FibNotifierInfo, out: *mut RfnVif) -> c_int;
    pub(crate) fn rfn_info_mfc(info: *const FibNotifierInfo, out: *mut RfnMfc) -> c_int;
    pub(crate) fn rfn_info_mfc_hold(info: *const FibNotifierInfo) -> *mut c_void;
    pub(crate) fn rfn_mfc_put(mfc: *mut c_void);
    pub(crate) fn rfn_mfc_set_offload(mfc: *mut c_void, offload: bool);
    pub(crate) fn rfn_route_set_hw_flags(
        net: *mut Net,
        key: *const RfnRoute,
        route: *mut c_void,
        offload: bool,
        trap: bool,
        failed: bool,
    );
    pub(crate) fn rfn_net_cookie(net: *const Net) -> u64;
    pub(crate) fn rfn_net_get_by_cookie(cookie: u64) -> *mut Net;
    pub(crate) fn rfn_net_hold(net: *mut Net);
    pub(crate) fn rfn_net_put(net: *mut Net);
    pub(crate) fn rfn_within_module(addr: *const c_void, module: *mut c_void) -> bool;
    pub(crate) fn rfn_c_listener_forced_off(call: *const c_void, module: *mut c_void);
    pub(crate) fn rfn_c_api_init() -> c_int;
    pub(crate) fn rfn_c_api_exit();
    pub(crate) fn rfn_net_pin(cookie: u64) -> *mut Net;
    pub(crate) fn rfn_net_unpin(net: *mut Net);
    pub(crate) fn rfn_info_set_extack(info: *mut FibNotifierInfo, msg: *const c_char);
    pub(crate) fn rfn_alloc_ordered_wq(name: *const c_char) -> *mut bindings::workqueue_struct;
    pub(crate) fn rfn_cond_resched();
    pub(crate) fn rfn_bridge_stat(late: bool) -> u64;
    pub(crate) fn rfn_net_wait_writers(net: *mut Net);
    pub(crate) fn rfn_net_seq_of(net: *mut Net, families: u32) -> u64;
    pub(crate) fn rfn_rtnl_lock();
    pub(crate) fn rfn_rtnl_unlock();
    pub(crate) fn rfn_nh_dump(
        net: *mut Net,
        nb: *mut bindings::notifier_block,
        extack: *mut bindings::netlink_ext_ack,
    ) -> c_int;
    pub(crate) fn rfn_nh_info_obj(info: *const NhNotifierInfo, out: *mut RfnNhObj) -> c_int;
    pub(crate) fn rfn_nh_info_single(
        info: *const NhNotifierInfo,
        i: c_uint,
        out: *mut RfnNhSingle,
    ) -> c_int;
    pub(crate) fn rfn_nh_info_set_extack(info: *mut NhNotifierInfo, msg: *const c_char);
    pub(crate) fn rfn_nh_set_hw_flags(net: *mut Net, id: u32, offload: bool, trap: bool);
    pub(crate) fn rfn_nh_bucket_set_hw_flags(
        net: *mut Net,
        id: u32,
        index: u16,
        offload: bool,
        trap: bool,
    );
    pub(crate) fn rfn_nh_res_grp_all_busy(net: *mut Net, id: u32, buckets: u16);
}

#[cfg(all(rfn_kunit, CONFIG_PROVE_LOCKING))]
extern "C" {
    pub(crate) fn rfn_kunit_lockdep_on() -> bool;
}

#[cfg(rfn_kunit)]
extern "C" {
    pub(crate) fn rfn_chain_init(head: *mut bindings::atomic_notifier_head);
    pub(crate) fn rfn_kunit_priv() -> *mut c_void;
    pub(crate) fn rfn_kunit_set_priv(private: *mut c_void) -> bool;
}

/// `notifier_from_errno()`: encode an errno as a notifier return value.
pub(crate) fn notifier_from_errno(err: c_int) -> c_int {
    const NOTIFY_DONE: c_int = 0;
    const NOTIFY_STOP_MASK: c_int = 0x8000;
    const NOTIFY_OK: c_int = 1;
    if err != 0 {
        NOTIFY_STOP_MASK | (NOTIFY_OK - err)
    } else {
        NOTIFY_DONE
    }
}

/// `notifier_to_errno()`: decode a notifier return value into an errno (or 0).
#[cfg(rfn_kunit)]
pub(crate) fn notifier_to_errno(ret: c_int) -> c_int {
    const NOTIFY_STOP_MASK: c_int = 0x8000;
    const NOTIFY_OK: c_int = 1;
    let ret = ret & !NOTIFY_STOP_MASK;
    if ret > NOTIFY_OK {
        NOTIFY_OK - ret
    } else {
        0
    }
}
