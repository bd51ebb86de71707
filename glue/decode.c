// SPDX-License-Identifier: GPL-2.0
/*
 * Decoding the kernel's notifier info: struct fib_notifier_info (routes,
 * rules) and struct nh_notifier_info (nexthop objects) turned into the
 * fixed-layout structs of glue.h that Rust reads, references on the routes
 * they name, and the hardware flags a listener reports back on them.
 */
#include <linux/bitmap.h>
#include <linux/netdevice.h>
#include <linux/netlink.h>
#include <linux/rculist.h>
#include <linux/slab.h>
#include <net/fib_notifier.h>
#include <net/fib_rules.h>
#include <net/ip_fib.h>
#include <net/ip6_fib.h>
#include <net/nexthop.h>

#include "glue.h"

static_assert(sizeof(struct rfn_route) == 40);
static_assert(sizeof(struct rfn_nh_single) == 28);
static_assert(sizeof(struct rfn_nh_obj) == 16);
static_assert(sizeof(struct rfn_rule) == 12);
static_assert(sizeof(struct rfn_nh) == 24);
/* ffi.rs mirrors enum fib_event_type by value. */
static_assert(FIB_EVENT_ENTRY_REPLACE == 0 && FIB_EVENT_ENTRY_APPEND == 1 &&
	      FIB_EVENT_ENTRY_ADD == 2 && FIB_EVENT_ENTRY_DEL == 3 &&
	      FIB_EVENT_RULE_ADD == 4 && FIB_EVENT_RULE_DEL == 5 &&
	      FIB_EVENT_NH_ADD == 6 && FIB_EVENT_NH_DEL == 7);
/* ... and enum nexthop_event_type, enum nh_notifier_info_type. */
static_assert(NEXTHOP_EVENT_DEL == 0 && NEXTHOP_EVENT_REPLACE == 1 &&
	      NEXTHOP_EVENT_RES_TABLE_PRE_REPLACE == 2 &&
	      NEXTHOP_EVENT_BUCKET_REPLACE == 3 &&
	      NEXTHOP_EVENT_HW_STATS_REPORT_DELTA == 4);
static_assert(NH_NOTIFIER_INFO_TYPE_SINGLE == 0 &&
	      NH_NOTIFIER_INFO_TYPE_GRP == 1 &&
	      NH_NOTIFIER_INFO_TYPE_RES_TABLE == 2 &&
	      NH_NOTIFIER_INFO_TYPE_RES_BUCKET == 3 &&
	      NH_NOTIFIER_INFO_TYPE_GRP_HW_STATS == 4);

int rfn_info_route(const struct fib_notifier_info *info, struct rfn_route *out)
{
	memset(out, 0, sizeof(*out));
	out->family = info->family;
	if (info->family == AF_INET) {
		const struct fib_entry_notifier_info *fen =
			container_of_const(info, struct fib_entry_notifier_info, info);
		__be32 dst = htonl(fen->dst);

		memcpy(out->dst, &dst, sizeof(dst));
		out->dst_len = fen->dst_len;
		out->tb_id = fen->tb_id;
		out->dscp = inet_dscp_to_dsfield(fen->dscp);
		out->type = fen->type;
		out->priority = fen->fi->fib_priority;
		out->nhs = fib_info_num_path(fen->fi);
		out->nh_id = fen->fi->nh ? fen->fi->nh->id : 0;
		out->protocol = fen->fi->fib_protocol;
		out->scope = fen->fi->fib_scope;
		return 0;
	}
#if IS_ENABLED(CONFIG_IPV6)
	if (info->family == AF_INET6) {
		const struct fib6_entry_notifier_info *fen6 =
			container_of_const(info, struct fib6_entry_notifier_info, info);
		const struct fib6_info *rt = fen6->rt;

		memcpy(out->dst, &rt->fib6_dst.addr, sizeof(out->dst));
		out->dst_len = rt->fib6_dst.plen;
		out->tb_id = rt->fib6_table->tb6_id;
		out->type = rt->fib6_type;
		out->priority = rt->fib6_metric;
		out->nhs = fen6->nsiblings + 1;
		out->nh_id = rt->nh ? rt->nh->id : 0;
		out->protocol = rt->fib6_protocol;
		out->scope = RT_SCOPE_UNIVERSE;
#ifdef CONFIG_IPV6_SUBTREES
		out->src_len = rt->fib6_src.plen;
#endif
		return 0;
	}
#endif
	return -EAFNOSUPPORT;
}

static void rfn_nhc_fill(const struct fib_nh_common *nhc, struct rfn_nh *out)
{
	out->gw_family = nhc->nhc_gw_family;
	if (nhc->nhc_gw_family == AF_INET)
		memcpy(out->gw, &nhc->nhc_gw.ipv4, sizeof(nhc->nhc_gw.ipv4));
	else if (nhc->nhc_gw_family == AF_INET6)
		memcpy(out->gw, &nhc->nhc_gw.ipv6, sizeof(nhc->nhc_gw.ipv6));
	out->ifindex = nhc->nhc_dev ? nhc->nhc_dev->ifindex : 0;
}

#if IS_ENABLED(CONFIG_IPV6)
/*
 * An IPv6 multipath route is notified as one fib6_info per nexthop: the
 * event's rt and the first nsiblings of its sibling list (REPLACE: the whole
 * route; APPEND: nexthops added; DEL: nexthops removed).  The i-th of them,
 * under RCU or tb6_lock.
 */
static struct fib6_info *rfn_fib6_nth(const struct fib6_entry_notifier_info *fen6,
				      unsigned int i)
{
	struct fib6_info *sib;
	unsigned int n = 0;

	if (i == 0)
		return fen6->rt;
	if (i > fen6->nsiblings)
		return NULL;
	list_for_each_entry_rcu(sib, &fen6->rt->fib6_siblings, fib6_siblings)
		if (++n == i)
			return sib;
	return NULL;
}
#endif

/* The i-th nexthop of an entry event's route.  Under RCU (or RTNL). */
int rfn_info_route_nh(const struct fib_notifier_info *info, unsigned int i,
		      struct rfn_nh *out)
{
	memset(out, 0, sizeof(*out));
	if (info->family == AF_INET) {
		const struct fib_entry_notifier_info *fen =
			container_of_const(info, struct fib_entry_notifier_info, info);

		const struct fib_nh_common *nhc;

		if (i >= fib_info_num_path(fen->fi))
			return -ENOENT;
		/*
		 * A route with a nexthop group: under RCU alone (a replay) the
		 * group may be replaced between the two reads, the new one
		 * with fewer paths (nexthop_mpath_select() gives NULL).  That
		 * replace moved the namespace's counter: the replay is tried
		 * again.
		 */
		nhc = fib_info_nhc(fen->fi, i);
		if (!nhc)
			return -ENOENT;
		rfn_nhc_fill(nhc, out);
		return 0;
	}
#if IS_ENABLED(CONFIG_IPV6)
	if (info->family == AF_INET6) {
		const struct fib6_entry_notifier_info *fen6 =
			container_of_const(info, struct fib6_entry_notifier_info, info);
		struct fib6_info *found = rfn_fib6_nth(fen6, i);
		struct fib6_nh *nh6;

		if (!found)
			return -ENOENT;
		nh6 = found->nh ? nexthop_fib6_nh(found->nh) : found->fib6_nh;
		if (!nh6)
			return -ENOENT;
		rfn_nhc_fill(&nh6->nh_common, out);
		return 0;
	}
#endif
	return -EAFNOSUPPORT;
}

static void rfn_nh_single_fill(const struct nh_notifier_single_info *nh,
			       u16 weight, struct rfn_nh_single *out)
{
	memset(out, 0, sizeof(*out));
	out->id = nh->id;
	out->ifindex = nh->dev ? nh->dev->ifindex : 0;
	out->gw_family = nh->gw_family;
	if (nh->gw_family == AF_INET)
		memcpy(out->gw, &nh->ipv4, sizeof(nh->ipv4));
	else if (nh->gw_family == AF_INET6)
		memcpy(out->gw, &nh->ipv6, sizeof(nh->ipv6));
	out->flags = (nh->is_reject ? RFN_NH_F_REJECT : 0) |
		     (nh->is_fdb ? RFN_NH_F_FDB : 0) |
		     (nh->has_encap ? RFN_NH_F_ENCAP : 0);
	out->weight = weight;
}

/* A nexthop event's object.  Valid for the callback. */
int rfn_nh_info_obj(const struct nh_notifier_info *info, struct rfn_nh_obj *out)
{
	memset(out, 0, sizeof(*out));
	out->id = info->id;
	out->type = info->type;
	switch (info->type) {
	case NH_NOTIFIER_INFO_TYPE_SINGLE:
		out->count = 1;
		break;
	case NH_NOTIFIER_INFO_TYPE_GRP:
		out->count = info->nh_grp->num_nh;
		out->fdb = info->nh_grp->is_fdb;
		out->hw_stats = info->nh_grp->hw_stats;
		break;
	case NH_NOTIFIER_INFO_TYPE_RES_TABLE:
		out->count = info->nh_res_table->num_nh_buckets;
		out->hw_stats = info->nh_res_table->hw_stats;
		break;
	case NH_NOTIFIER_INFO_TYPE_RES_BUCKET:
		out->count = info->nh_res_bucket->bucket_index;
		out->idle_timer_ms = info->nh_res_bucket->idle_timer_ms;
		out->force = info->nh_res_bucket->force;
		break;
	case NH_NOTIFIER_INFO_TYPE_GRP_HW_STATS:
		out->count = info->nh_grp_hw_stats->num_nh;
		break;
	default:
		return -EOPNOTSUPP;
	}
	return 0;
}

/*
 * The i-th nexthop of a nexthop event: the object (single), a member
 * (group), a bucket's (resilient table), the old (0) or new (1) one of a
 * bucket.
 */
int rfn_nh_info_single(const struct nh_notifier_info *info, unsigned int i,
		       struct rfn_nh_single *out)
{
	switch (info->type) {
	case NH_NOTIFIER_INFO_TYPE_SINGLE:
		if (i)
			return -ENOENT;
		rfn_nh_single_fill(info->nh, 0, out);
		return 0;
	case NH_NOTIFIER_INFO_TYPE_GRP:
		if (i >= info->nh_grp->num_nh)
			return -ENOENT;
		rfn_nh_single_fill(&info->nh_grp->nh_entries[i].nh,
				   info->nh_grp->nh_entries[i].weight, out);
		return 0;
	case NH_NOTIFIER_INFO_TYPE_RES_TABLE:
		if (i >= info->nh_res_table->num_nh_buckets)
			return -ENOENT;
		rfn_nh_single_fill(&info->nh_res_table->nhs[i], 0, out);
		return 0;
	case NH_NOTIFIER_INFO_TYPE_RES_BUCKET:
		if (i > 1)
			return -ENOENT;
		rfn_nh_single_fill(i ? &info->nh_res_bucket->new_nh :
				   &info->nh_res_bucket->old_nh, 0, out);
		return 0;
	default:
		return -ENOENT;
	}
}

/* NL_SET_ERR_MSG() wants a literal; @msg is a static string from Rust. */
void rfn_nh_info_set_extack(struct nh_notifier_info *info, const char *msg)
{
	if (info->extack)
		info->extack->_msg = msg;
}

/* The flags `ip nexthop` shows (process context; RCU inside). */
void rfn_nh_set_hw_flags(struct net *net, u32 id, bool offload, bool trap)
{
	nexthop_set_hw_flags(net, id, offload, trap);
}

void rfn_nh_bucket_set_hw_flags(struct net *net, u32 id, u16 index,
				bool offload, bool trap)
{
	nexthop_bucket_set_hw_flags(net, id, index, offload, trap);
}

/* Reports every bucket of a resilient group as used by the hardware. */
void rfn_nh_res_grp_all_busy(struct net *net, u32 id, u16 buckets)
{
	unsigned long *activity = bitmap_zalloc(buckets, GFP_KERNEL);

	if (!activity)
		return;
	bitmap_fill(activity, buckets);
	nexthop_res_grp_activity_update(net, id, buckets, activity);
	bitmap_free(activity);
}

int rfn_info_rule(const struct fib_notifier_info *info, struct rfn_rule *out)
{
	const struct fib_rule_notifier_info *frn =
		container_of_const(info, struct fib_rule_notifier_info, info);

	memset(out, 0, sizeof(*out));
	out->family = info->family;
	out->pref = frn->rule->pref;
	out->table = frn->rule->table;
	out->action = frn->rule->action;
	return 0;
}

/*
 * Owned references, for listeners that defer work past the callback: the
 * route object of the event's i-th nexthop (IPv4: the fib_info, which holds
 * every path, i == 0 only; IPv6: the i-th fib6_info, see rfn_fib6_nth()).
 */
void *rfn_info_route_hold(const struct fib_notifier_info *info, unsigned int i)
{
	if (info->family == AF_INET) {
		const struct fib_entry_notifier_info *fen =
			container_of_const(info, struct fib_entry_notifier_info, info);

		if (i)
			return NULL;
		fib_info_hold(fen->fi);
		return fen->fi;
	}
#if IS_ENABLED(CONFIG_IPV6)
	if (info->family == AF_INET6) {
		const struct fib6_entry_notifier_info *fen6 =
			container_of_const(info, struct fib6_entry_notifier_info, info);
		struct fib6_info *rt = rfn_fib6_nth(fen6, i);

		if (!rt)
			return NULL;
		fib6_info_hold(rt);
		return rt;
	}
#endif
	return NULL;
}

void rfn_route_put(int family, void *route)
{
	if (family == AF_INET)
		fib_info_put(route);
#if IS_ENABLED(CONFIG_IPV6)
	else if (family == AF_INET6)
		fib6_info_release(route);
#endif
}

/*
 * Report a route's hardware state: the flags `ip route` shows.  IPv4 may be
 * called in atomic context (RCU inside, GFP_ATOMIC); IPv6 only in process
 * context (it may allocate with GFP_KERNEL).
 */
void rfn_route_set_hw_flags(struct net *net, const struct rfn_route *key,
			    void *route, bool offload, bool trap, bool failed)
{
	if (key->family == AF_INET) {
		struct fib_rt_info fri = {
			.fi = route,
			.tb_id = key->tb_id,
			.dst_len = key->dst_len,
			.dscp = inet_dsfield_to_dscp(key->dscp),
			.type = key->type,
			.offload = offload,
			.trap = trap,
			.offload_failed = failed,
		};

		memcpy(&fri.dst, key->dst, sizeof(fri.dst));
		fib_alias_hw_flags_set(net, &fri);
		return;
	}
#if IS_ENABLED(CONFIG_IPV6)
	if (key->family == AF_INET6)
		fib6_info_hw_flags_set(net, route, offload, trap, failed);
#endif
}

/* NL_SET_ERR_MSG() wants a literal; @msg is a static string from Rust. */
void rfn_info_set_extack(struct fib_notifier_info *info, const char *msg)
{
	if (info->extack)
		info->extack->_msg = msg;
}
