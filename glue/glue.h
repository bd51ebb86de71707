/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Internal interface between the C glue (the .c files of glue/) and the
 * Rust crate.  Rust mirrors these declarations by hand in ffi.rs; the
 * layouts that cross the boundary are checked with static_assert() in
 * decode.c and api.c and const asserts there.  The glue is plumbing: the
 * logic (bump-then-forward, the counter sum, the replay loop) lives in Rust.
 */
#ifndef _RFN_GLUE_H
#define _RFN_GLUE_H

#include <linux/bits.h>
#include <linux/types.h>
#include <linux/spinlock_types.h>
#include "../include/rust_fib_notifier.h"

struct net;
struct notifier_block;
struct netlink_ext_ack;
struct fib_notifier_info;
struct nh_notifier_info;
struct atomic_notifier_head;
/* One per network namespace: the bridge onto the kernel's own FIB chain. */
struct rfn_net;

/* A route, flattened from fib_entry_notifier_info / fib6_entry_notifier_info. */
struct rfn_route {
	u8 dst[16];		/* IPv4 in the first 4 bytes, network order */
	u32 tb_id;
	u32 priority;
	u8 family;		/* AF_INET or AF_INET6 */
	u8 dst_len;
	u8 dscp;
	u8 type;		/* RTN_* */
	u32 nhs;		/* number of nexthops */
	u8 src_len;		/* IPv6 source prefix length (0: none) */
	u8 protocol;		/* RTPROT_* */
	u8 scope;		/* RT_SCOPE_* (IPv6: universe, as rtnetlink says) */
	u8 pad;
	u32 nh_id;		/* the nexthop object it uses (0: none) */
};

/* One nexthop of a route. */
struct rfn_nh {
	u8 gw[16];		/* gw_family's address, network order */
	u32 ifindex;		/* 0: no device */
	u8 gw_family;		/* 0 (no gateway), AF_INET or AF_INET6 */
	u8 pad[3];
};

/*
 * One nexthop of a nexthop event (struct nh_notifier_single_info): the
 * object itself, a group member (with its weight), the nexthop of a
 * resilient group's bucket, or a bucket's old (0) or new (1) nexthop.
 */
struct rfn_nh_single {
	u8 gw[16];		/* gw_family's address, network order */
	u32 id;
	u32 ifindex;		/* 0: no device */
	u8 gw_family;		/* 0 (none), AF_INET or AF_INET6 */
	u8 flags;		/* RFN_NH_F_* */
	u16 weight;		/* group members only */
};

#define RFN_NH_F_REJECT		BIT(0)	/* blackhole */
#define RFN_NH_F_FDB		BIT(1)
#define RFN_NH_F_ENCAP		BIT(2)

/* A nexthop event's object (struct nh_notifier_info and its type's header). */
struct rfn_nh_obj {
	u32 id;
	u32 count;		/* members, buckets, bucket index, stats entries */
	u32 idle_timer_ms;	/* bucket */
	u8 type;		/* enum nh_notifier_info_type */
	u8 fdb;			/* group */
	u8 hw_stats;		/* group, resilient table */
	u8 force;		/* bucket */
};

struct rfn_rule {
	u32 pref;
	u32 table;
	u8 family;
	u8 action;		/* FR_ACT_* */
	u8 pad[2];
};

/* A multicast routing VIF (struct vif_entry_notifier_info). */
struct rfn_vif {
	u32 tb_id;
	u32 ifindex;		/* 0: none */
	u16 vif_index;
	u16 vif_flags;		/* VIFF_* */
	u8 family;		/* AF_INET (IPMR) or AF_INET6 (IP6MR) */
	u8 pad[3];
};

#define RFN_MAXVIFS	32

/* A multicast routing (MFC) entry (struct mfc_entry_notifier_info). */
struct rfn_mfc {
	u8 origin[16];		/* IPv4 in the first 4 bytes, network order */
	u8 group[16];
	u32 tb_id;
	u16 parent;		/* the input VIF */
	u8 family;		/* AF_INET (IPMR) or AF_INET6 (IP6MR) */
	u8 pad;
	u32 mfc_flags;		/* MFC_STATIC, MFC_OFFLOAD */
	u8 ttls[RFN_MAXVIFS];	/* per VIF: 255 = not an output VIF */
	u8 pad2[4];
};

/* C glue, called from Rust. */
struct atomic_notifier_head *rfn_chain(void);
struct atomic_notifier_head *rfn_resync_chain(void);
void rfn_rtnl_lock(void);
void rfn_rtnl_unlock(void);
void rfn_spin_lock_bh(spinlock_t *lock);
int rfn_spin_trylock_bh(spinlock_t *lock);
void rfn_spin_unlock_bh(spinlock_t *lock);
int rfn_bridge_register(void);
void rfn_bridge_unregister(void);
struct rfn_net *rfn_net_next_rcu(struct rfn_net *prev);
struct net *rfn_net_net(const struct rfn_net *rn);
void rfn_net_seq_bump(struct rfn_net *rn, u32 families);
u64 rfn_net_seq_read(const struct rfn_net *rn, u32 families);
unsigned int rfn_net_inum(const struct net *net);
int rfn_fib_dump(struct net *net, int family, struct notifier_block *nb,
		 struct netlink_ext_ack *extack);
int rfn_info_route(const struct fib_notifier_info *info, struct rfn_route *out);
int rfn_info_rule(const struct fib_notifier_info *info, struct rfn_rule *out);
int rfn_info_route_nh(const struct fib_notifier_info *info, unsigned int i,
		      struct rfn_nh *out);
void *rfn_info_route_hold(const struct fib_notifier_info *info, unsigned int i);
void rfn_route_put(int family, void *route);
int rfn_info_vif(const struct fib_notifier_info *info, struct rfn_vif *out);
int rfn_info_mfc(const struct fib_notifier_info *info, struct rfn_mfc *out);
void *rfn_info_mfc_hold(const struct fib_notifier_info *info);
void rfn_mfc_put(void *mfc);
void rfn_mfc_set_offload(void *mfc, bool offload);
void rfn_route_set_hw_flags(struct net *net, const struct rfn_route *key,
			    void *route, bool offload, bool trap, bool failed);
u64 rfn_net_cookie(const struct net *net);
struct net *rfn_net_get_by_cookie(u64 cookie);
void rfn_net_hold(struct net *net);
void rfn_net_put(struct net *net);
struct net *rfn_net_pin(u64 cookie);
void rfn_net_unpin(struct net *net);
void rfn_info_set_extack(struct fib_notifier_info *info, const char *msg);
struct workqueue_struct;
struct workqueue_struct *rfn_alloc_ordered_wq(const char *name);
void rfn_cond_resched(void);
u64 rfn_bridge_stat(bool late);
#ifdef RFN_KUNIT
bool rfn_kunit_lockdep_on(void);
void rfn_chain_init(struct atomic_notifier_head *head);
void *rfn_kunit_priv(void);
bool rfn_kunit_set_priv(void *priv);
#endif
#ifdef RFN_TEST_LISTENERS
void rfn_set_fault_bridge_busy(unsigned int n);
unsigned int rfn_get_fault_bridge_busy(void);
void rfn_set_fault_net_setup(unsigned int n);
unsigned int rfn_get_fault_net_setup(bool pinned);
int rfn_set_hold(bool rule, u64 inum);
unsigned int rfn_get_hold(bool rule, bool holding);
unsigned int rfn_get_hold_append(bool holding);
#endif
void rfn_net_wait_writers(struct net *net);
void rfn_trace_register_start(const void *node, bool resync, u32 nets,
			      u32 families, u32 filter);
void rfn_trace_register_end(const void *node, bool resync, int ret,
			    u32 tries, u32 nets_replayed, u64 events);
bool rfn_trace_register_end_enabled(void);
void rfn_trace_ebusy(const void *node, bool resync, u32 tries, u32 stale);
void rfn_trace_resync_queued(const void *node, u32 inum, u32 delay_ms);
void rfn_trace_retry(u32 inum, u64 cookie, u64 replayed, u64 now);
u64 rfn_net_seq_of(struct net *net, u32 families);
int rfn_nh_dump(struct net *net, struct notifier_block *nb,
		struct netlink_ext_ack *extack);
int rfn_nh_info_obj(const struct nh_notifier_info *info, struct rfn_nh_obj *out);
int rfn_nh_info_single(const struct nh_notifier_info *info, unsigned int i,
		       struct rfn_nh_single *out);
void rfn_nh_info_set_extack(struct nh_notifier_info *info, const char *msg);
void rfn_nh_set_hw_flags(struct net *net, u32 id, bool offload, bool trap);
void rfn_nh_bucket_set_hw_flags(struct net *net, u32 id, u16 index,
				bool offload, bool trap);
void rfn_nh_res_grp_all_busy(struct net *net, u32 id, u16 buckets);

/* Rust, called from the C glue. */
int rfn_rs_bridge_event(struct rfn_net *rn, unsigned long event,
			struct fib_notifier_info *info, u8 family);
int rfn_rs_bridge_nh_event(struct rfn_net *rn, unsigned long event,
			   struct nh_notifier_info *info);
void rfn_rs_bridge_exit(struct rfn_net *rn, bool lives);
void rfn_rs_c_module_going(void *mod);
bool rfn_within_module(const void *addr, void *mod);
void rfn_c_listener_forced_off(const void *call, void *mod);
int rfn_c_api_init(void);
void rfn_c_api_exit(void);
void rfn_rs_bridge_stopped(struct rfn_net *rn);
/*
 * A C listener's callbacks and options, as c_api.rs reads them (ffi.rs
 * mirrors it): struct rust_fib_notifier_ops with what its flags say is set.
 */
struct rfn_c_ops {
	void (*flush)(struct notifier_block *nb);
	void (*flush_net)(struct notifier_block *nb, u64 net_cookie);
	void (*mark_stale)(struct notifier_block *nb, u64 net_cookie);
	void (*sweep_stale)(struct notifier_block *nb, u64 net_cookie);
	/* RUST_FIB_NOTIFIER_FAMILY_* */
	u32 families;
};

int rfn_rs_c_register(struct net *net, struct notifier_block *nb,
		      const struct rfn_c_ops *ops,
		      struct netlink_ext_ack *extack);
int rfn_rs_c_resync(struct notifier_block *nb, struct net *net);
int rfn_rs_c_unregister(struct notifier_block *nb);

#endif /* _RFN_GLUE_H */
