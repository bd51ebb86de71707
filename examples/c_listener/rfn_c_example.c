// SPDX-License-Identifier: GPL-2.0
/*
 * rfn_c_example: a C listener of rust_fib_notifier, written as the FIB
 * offload part of a switchdev driver, to copy.  It does with the events
 * what netdevsim (drivers/net/netdevsim/fib.c) and mlxsw do; its
 * "hardware" is a hash table.  Documentation/c-api.md walks through it;
 * include/rust_fib_notifier.h is the contract.
 *
 * Atomic side (the notifier call, under RCU): copy the event into a work
 * item allocated with GFP_ATOMIC, take references on what it points at
 * (fib_info_hold(), fib6_info_hold() on the route and on each IPv6 sibling
 * the event names, fib_rule_get()), and queue it on an ordered workqueue
 * of our own, so events are applied in the order they came.  An add we
 * have no memory for is refused (NOTIFY_BAD, as netdevsim does); any other
 * event we cannot queue asks for a resync of its namespace
 * (rust_fib_notifier_resync(), from our ordered queue): we never keep what
 * the kernel no longer has.
 *
 * Process side (the work): apply it to the hardware table (a hash table
 * keyed by namespace, table and prefix) under a mutex, and set the route's
 * flags, as the kernel shows them (`ip route`: rt_offload, rt_trap,
 * rt_offload_failed):
 *  - rt_offload: the hardware forwards the route (unicast; blackhole: it
 *    drops in hardware);
 *  - rt_trap: the hardware gives the route's packets to the CPU (local,
 *    broadcast, anycast, multicast, unreachable, prohibit, throw), as
 *    mlxsw does (netdevsim, which forwards nothing, traps every route);
 *  - rt_offload_failed: the hardware refused it (a full table, a firmware
 *    error: the debugfs file fail_route_offload, as netdevsim's).  The
 *    route stays in the table, marked failed, and is written again when
 *    its namespace is replayed (a resync).
 * The flags are cleared when we forget the route, or it is replaced, while
 * its namespace lives.  They reach user space (ip monitor, FRR, SONiC)
 * only with the sysctls net.ipv4.fib_notify_on_flag_change and
 * net.ipv6.fib_notify_on_flag_change set (1: every change; 2: changes of
 * rt_offload_failed only); at 0, the default, `ip route` shows them but
 * nothing is notified.
 *
 * A held route object is released on its own delete or replace, which the
 * kernel sends before it unregisters the route's device, even when the
 * namespace is dismantled: holding it until the namespace's exit event, or
 * an IPv6 path past its delete, would pin the device forever.
 *
 * Registered with rust_fib_notifier_register_ops(): a retry or a resync
 * replays only the namespaces that changed.  With RUST_FIB_NOTIFIER_F_RECONCILE
 * (the parameter `reconcile`, the default) it reconciles them, as a switch
 * does after a warm reboot: ex_mark_stale() marks what it holds of the
 * namespace stale (in the hardware still, flags kept), the replay makes
 * each entry fresh again (one that did not change with no write at all, a
 * changed one updated in place), and ex_sweep_stale() removes what is
 * still stale, gone from the kernel.  Both are queued on the ordered queue,
 * so they apply in order with the events.  With reconcile=0 it flushes
 * instead (ex_flush_net(): everything of the namespace leaves the
 * hardware, and the replay writes it all again).  Namespaces are known by
 * cookie (net->net_cookie), never by a pointer kept past the event.
 *
 * debugfs rfn_c_example/: routes and rules (the probe's format), nexthops
 * (`<inum> id <id> single|group|resilient size <n>`), stats, resync (write
 * a namespace's inode number: resync it, from the ordered queue) and
 * fail_route_offload (1: the hardware refuses every route written).
 */
#include <linux/debugfs.h>
#include <linux/hashtable.h>
#include <linux/jhash.h>
#include <linux/list.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/workqueue.h>
#include <net/fib_notifier.h>
#include <net/fib_rules.h>
#include <net/ip6_fib.h>
#include <net/ip_fib.h>
#include <net/net_namespace.h>
#include <net/nexthop.h>

#include <rust_fib_notifier.h>

#if RUST_FIB_NOTIFIER_API_VERSION < 4
#error "rfn_c_example needs rust_fib_notifier.h API version 4 or later"
#endif

/* One path of an IPv6 route: its fib6_info, held. */
struct ex_rt6 {
	struct list_head list;
	struct fib6_info *rt;
};

/*
 * What identifies a route in the hardware table: a prefix in a table of a
 * namespace.  Zeroed before it is filled (hashed and compared whole).
 */
struct ex_route_key {
	u64 cookie;		/* net->net_cookie */
	u32 table;
	u8 family;		/* 4 or 6 */
	u8 dst_len;
	u8 dst[16];
};

struct ex_route {
	struct hlist_node node;	/* in ex_routes, or ex_removed */
	struct ex_route_key key;
	unsigned int inum;
	u8 dscp;	/* IPv4: with fi, dst and type, the key of fi's alias */
	u8 type;	/* RTN_*: what the hardware does with it (ex_traps()) */
	/*
	 * The route objects that carry our flags, each held (it holds its
	 * nexthops' devices).  IPv4: the fib_info.  IPv6: one fib6_info per
	 * path (sibling), as netdevsim's nsim_fib6_rt_nh_add(): the kernel
	 * adds and deletes a multipath route's siblings a few at a time
	 * (ENTRY_APPEND, the ENTRY_DEL of one path) and shows each one's
	 * flags, so each is flagged, and released on its own delete.  The
	 * route lives until its last sibling goes.
	 */
	struct fib_info *fi;
	struct list_head rt6s;
	unsigned int nhs;	/* IPv4: fi's paths; IPv6: entries of rt6s */
	/* Marked by ex_mark_stale(), fresh again by an add or replace. */
	bool stale;
	/* The hardware refused it (rt_offload_failed). */
	bool failed;
};

struct ex_rule {
	struct hlist_node node;
	u64 cookie;
	unsigned int inum;
	u8 family;
	u8 action;
	bool stale;
	u32 pref;
	u32 table;
};

/* A nexthop object (ip nexthop): what a driver would program. */
struct ex_nexthop {
	struct hlist_node node;
	u64 cookie;
	unsigned int inum;
	u32 id;
	enum nh_notifier_info_type type;
	unsigned int size;	/* members, buckets; 1 for a single nexthop */
	bool stale;
};

struct ex_event {
	struct work_struct work;
	unsigned long type;
	u64 cookie;
	unsigned int inum;
	int family;
	bool replay;		/* from a replay (struct rust_fib_notifier_info) */
	/*
	 * IPv4: the route's paths, counted in the callback (a route with a
	 * nexthop object counts its object's, which needs RCU or RTNL).
	 */
	unsigned int nhs;
	union {
		struct fib_entry_notifier_info fen;
		struct fib6_entry_notifier_info fen6;
		struct fib_rule_notifier_info frn;
		struct ex_nexthop nh;	/* a copy: the kernel's info is gone */
	};
	/*
	 * IPv6: the fib6_info objects the event names, held: fen6.rt and the
	 * fen6.nsiblings siblings after it in its sibling list.
	 */
	unsigned int nrt6;
	struct fib6_info *rt6[] __counted_by(nrt6);
};

/* Our own operations on the ordered queue, after the events before them. */
#define EX_OP_MARK	(~0UL)		/* ex_mark_stale() */
#define EX_OP_SWEEP	(~0UL - 1)	/* ex_sweep_stale() */

#define EX_ROUTE_BITS	10
static struct workqueue_struct *ex_wq;
static void ex_lost_resync(u64 cookie);
static DEFINE_MUTEX(ex_lock);		/* the tables below */
static DEFINE_HASHTABLE(ex_routes, EX_ROUTE_BITS);
static unsigned long ex_nroutes;	/* entries of ex_routes */
static DEFINE_HASHTABLE(ex_rules, 6);
static DEFINE_HASHTABLE(ex_nexthops, 6);
/*
 * The routes the last repair of their namespace removed from the hardware
 * (a flush_net: all of them; a sweep: the stale ones), keys only (no
 * object held), to count in `absent` those a replay installs again: they
 * were absent from the hardware while the kernel had them.  A live event
 * of the prefix takes it off the table (the kernel changed it meanwhile).
 */
static DEFINE_HASHTABLE(ex_removed, EX_ROUTE_BITS);
static atomic64_t ex_events, ex_replayed, ex_lost, ex_flushes, ex_skipped;
static atomic64_t ex_net_flushes, ex_vetoed, ex_resyncs;
/*
 * flag_writes: flag writes to the kernel (one per route object; not
 * ex_reassert_flag4(), which writes nothing when the flags are set
 * already); marked, swept: entries marked stale, and removed by a sweep
 * still stale; marks, sweeps: the operations; absent: see ex_removed.
 */
static atomic64_t ex_flag_writes, ex_marked, ex_swept, ex_marks, ex_sweeps;
static atomic64_t ex_absent;
static bool ex_fail_route_offload;	/* debugfs: the hardware refuses */
static struct dentry *ex_dir;

static u32 ex_route_hash(const struct ex_route_key *key)
{
	return jhash(key, sizeof(*key), 0);
}

static struct hlist_head *ex_route_bucket(struct hlist_head *table,
					  const struct ex_route_key *key)
{
	return &table[hash_32(ex_route_hash(key), EX_ROUTE_BITS)];
}

static void ex_route_key(const struct ex_event *ev, struct ex_route *key)
{
	memset(key, 0, sizeof(*key));
	key->key.cookie = ev->cookie;
	key->inum = ev->inum;
	key->key.family = ev->family == AF_INET ? 4 : 6;
	if (ev->family == AF_INET) {
		__be32 dst = htonl(ev->fen.dst);

		memcpy(key->key.dst, &dst, sizeof(dst));
		key->key.dst_len = ev->fen.dst_len;
		key->key.table = ev->fen.tb_id;
		key->dscp = inet_dscp_to_dsfield(ev->fen.dscp);
		key->type = ev->fen.type;
	} else {
		const struct fib6_info *rt = ev->fen6.rt;

		memcpy(key->key.dst, &rt->fib6_dst.addr, sizeof(key->key.dst));
		key->key.dst_len = rt->fib6_dst.plen;
		key->key.table = rt->fib6_table->tb6_id;
		key->type = rt->fib6_type;
	}
}

/* The entry of @key in @table (ex_routes or ex_removed). ex_lock held. */
static struct ex_route *ex_route_find_in(struct hlist_head *table,
					 const struct ex_route_key *key)
{
	struct ex_route *r;

	hlist_for_each_entry(r, ex_route_bucket(table, key), node)
		if (!memcmp(&r->key, key, sizeof(*key)))
			return r;
	return NULL;
}

static void ex_route_insert(struct hlist_head *table, struct ex_route *r)
{
	hlist_add_head(&r->node, ex_route_bucket(table, &r->key));
}

/* Takes @key off ex_removed; returns whether it was there. ex_lock held. */
static bool ex_removed_take(const struct ex_route_key *key)
{
	struct ex_route *r = ex_route_find_in(ex_removed, key);

	if (!r)
		return false;
	hlist_del(&r->node);
	kfree(r);
	return true;
}

/* Empties ex_removed of one namespace (@all: of every one). ex_lock held. */
static void ex_removed_drop(u64 cookie, bool all)
{
	struct hlist_node *tmp;
	struct ex_route *r;
	int bkt;

	hash_for_each_safe(ex_removed, bkt, tmp, r, node)
		if (all || r->key.cookie == cookie) {
			hlist_del(&r->node);
			kfree(r);
		}
}

/*
 * What the hardware does with a route of type @type: true, give its
 * packets to the CPU (rt_trap); false, forward (or drop) them itself
 * (rt_offload).
 */
static bool ex_traps(u8 type)
{
	return type != RTN_UNICAST && type != RTN_BLACKHOLE;
}

/*
 * The hardware: writes @r into the switch's tables.  It fails while
 * fail_route_offload is set, as a full table or a firmware error would.
 */
static int ex_hw_write(const struct ex_route *r)
{
	return READ_ONCE(ex_fail_route_offload) ? -ENOSPC : 0;
}

/* The kernel's flags for @r: as the hardware has it (@on), or none. */
static void ex_flags(const struct ex_route *r, bool on, bool *offload,
		     bool *trap, bool *failed)
{
	*failed = on && r->failed;
	*trap = on && !r->failed && ex_traps(r->type);
	*offload = on && !r->failed && !ex_traps(r->type);
}

/* Writes the flags of @r's IPv4 alias (@on: as the hardware has it). */
static void ex_set_flag4(struct net *net, const struct ex_route *r, bool on)
{
	struct fib_rt_info fri = {
		.fi = r->fi,
		.tb_id = r->key.table,
		.dst_len = r->key.dst_len,
		.dscp = inet_dsfield_to_dscp(r->dscp),
		.type = r->type,
	};
	bool offload, trap, failed;

	ex_flags(r, on, &offload, &trap, &failed);
	fri.offload = offload;
	fri.trap = trap;
	fri.offload_failed = failed;
	memcpy(&fri.dst, r->key.dst, sizeof(fri.dst));
	fib_alias_hw_flags_set(net, &fri);
}

/*
 * The kernel's flags of @r's IPv4 route, set again, uncounted: the kernel
 * changes nothing (no notification) when the alias carries them already.
 * A route replaced by an identical one (the same fib_info) has a new alias
 * without them, and a replay says only "the same": this sets them then.
 */
static void ex_reassert_flag4(const struct ex_route *r)
{
	struct net *net = rust_fib_notifier_get_net(r->key.cookie);

	if (!net)
		return;
	ex_set_flag4(net, r, true);
	put_net(net);
}

/*
 * Writes the flags of one IPv6 path of @r, as the hardware has it (@on),
 * or none.  Process context: the kernel allocates its notification with
 * GFP_KERNEL.
 */
static void ex_set_flag6(struct net *net, const struct ex_route *r,
			 struct fib6_info *rt, bool on)
{
	bool offload, trap, failed;

	ex_flags(r, on, &offload, &trap, &failed);
	fib6_info_hw_flags_set(net, rt, offload, trap, failed);
	atomic64_inc(&ex_flag_writes);
}

/*
 * Sets (@on) or clears the flags on the objects of @r (@only: on that IPv6
 * path alone), if its namespace lives.
 */
static void ex_set_flag(const struct ex_route *r, struct fib6_info *only,
			bool on)
{
	struct net *net = rust_fib_notifier_get_net(r->key.cookie);
	struct ex_rt6 *p;

	if (!net)
		return;
	if (only) {
		ex_set_flag6(net, r, only, on);
	} else {
		if (r->fi) {
			ex_set_flag4(net, r, on);
			atomic64_inc(&ex_flag_writes);
		}
		list_for_each_entry(p, &r->rt6s, list)
			ex_set_flag6(net, r, p->rt, on);
	}
	put_net(net);
}

/* Writes @r into the hardware, and its flags as the write went. */
static void ex_program(struct ex_route *r)
{
	r->failed = ex_hw_write(r) != 0;
	ex_set_flag(r, NULL, true);
}

static struct ex_rt6 *ex_rt6_find(const struct ex_route *r,
				  const struct fib6_info *rt)
{
	struct ex_rt6 *p;

	list_for_each_entry(p, &r->rt6s, list)
		if (p->rt == rt)
			return p;
	return NULL;
}

/*
 * Holds the path @rt in @r.  Returns it, or NULL when @r holds it already
 * (a registration's replay notified the whole multipath route, and the
 * APPEND of its last sibling comes live after it) or there is no memory
 * (the namespace is resynced).
 */
static struct ex_rt6 *ex_rt6_add(struct ex_route *r, struct fib6_info *rt)
{
	struct ex_rt6 *p;

	if (ex_rt6_find(r, rt))
		return NULL;
	p = kzalloc_obj(*p, GFP_KERNEL);
	if (!p) {
		ex_lost_resync(r->key.cookie);
		return NULL;
	}
	fib6_info_hold(rt);
	p->rt = rt;
	list_add_tail(&p->list, &r->rt6s);
	r->nhs++;
	return p;
}

static void ex_rt6_del(struct ex_route *r, struct ex_rt6 *p)
{
	list_del(&p->list);
	fib6_info_release(p->rt);
	kfree(p);
	r->nhs--;
}

/* Holds the event's route objects in @r, each once. */
static void ex_hold_objs(struct ex_route *r, const struct ex_event *ev)
{
	unsigned int i;

	if (ev->family == AF_INET) {
		fib_info_hold(ev->fen.fi);
		r->fi = ev->fen.fi;
		r->nhs = ev->nhs;
		return;
	}
	for (i = 0; i < ev->nrt6; i++)
		ex_rt6_add(r, ev->rt6[i]);
}

/* Drops the objects of @r; @clear: clear our flags on them first. */
static void ex_put_objs(struct ex_route *r, bool clear)
{
	struct ex_rt6 *p, *n;

	if (clear)
		ex_set_flag(r, NULL, false);
	if (r->fi)
		fib_info_put(r->fi);
	r->fi = NULL;
	list_for_each_entry_safe(p, n, &r->rt6s, list)
		ex_rt6_del(r, p);
	r->nhs = 0;
}

static void ex_route_free(struct ex_route *r, bool clear)
{
	ex_put_objs(r, clear);
	hlist_del(&r->node);
	ex_nroutes--;
	kfree(r);
}

/*
 * A repair takes @r out of the hardware (flags cleared, objects released):
 * its key goes on ex_removed.  ex_lock held.
 */
static void ex_route_remove(struct ex_route *r)
{
	ex_put_objs(r, true);
	hlist_del(&r->node);
	ex_nroutes--;
	ex_route_insert(ex_removed, r);
}

/* Whether @ev names exactly the objects @r holds, with the same key. */
static bool ex_route_same(const struct ex_route *r, const struct ex_event *ev,
			  const struct ex_route *key)
{
	unsigned int i;

	if (ev->family == AF_INET)
		return r->fi == ev->fen.fi && r->nhs == ev->nhs &&
		       r->dscp == key->dscp && r->type == key->type;
	if (r->nhs != ev->nrt6)
		return false;
	for (i = 0; i < ev->nrt6; i++)
		if (!ex_rt6_find(r, ev->rt6[i]))
			return false;
	return true;
}

/*
 * A replayed IPv6 route that changed while @r was stale: only the paths
 * that changed are written, released (gone) or held and flagged (new).
 * When the hardware refuses the changed route, or took it only now, every
 * path left is written (rt_offload_failed, or no longer).
 */
static void ex_rt6_update(struct ex_route *r, const struct ex_event *ev)
{
	bool was_failed = r->failed, all;
	struct ex_rt6 *p, *n;
	unsigned int i;

	r->failed = ex_hw_write(r) != 0;
	all = r->failed || was_failed;
	list_for_each_entry_safe(p, n, &r->rt6s, list) {
		for (i = 0; i < ev->nrt6; i++)
			if (ev->rt6[i] == p->rt)
				break;
		if (i < ev->nrt6)
			continue;
		ex_set_flag(r, p->rt, false);
		ex_rt6_del(r, p);
	}
	for (i = 0; i < ev->nrt6; i++) {
		p = ex_rt6_add(r, ev->rt6[i]);
		if (p && !all)
			ex_set_flag(r, p->rt, true);
	}
	if (all)
		ex_set_flag(r, NULL, true);
}

static void ex_apply_route(const struct ex_event *ev)
{
	struct ex_route key, *r;
	struct ex_rt6 *p;
	unsigned int i;

	ex_route_key(ev, &key);
	r = ex_route_find_in(ex_routes, &key.key);
	/* A live change of the prefix: a later replay of it is no repair's. */
	if (!ev->replay)
		ex_removed_take(&key.key);
	if (ev->type == FIB_EVENT_ENTRY_DEL) {
		if (!r)
			return;
		/* IPv6: exactly the paths named go; the route with its last. */
		for (i = 0; i < ev->nrt6; i++) {
			p = ex_rt6_find(r, ev->rt6[i]);
			if (p)
				ex_rt6_del(r, p);
		}
		if (ev->family == AF_INET || list_empty(&r->rt6s))
			ex_route_free(r, false);
		return;
	}
	if (r && r->stale && ev->type != FIB_EVENT_ENTRY_APPEND) {
		/*
		 * Held since before the repair: fresh again.  The same objects
		 * with the same key are what the hardware has, flags included:
		 * nothing to write (but a write the hardware refused, tried
		 * again).  Changed: updated in place, the entry never leaves
		 * the hardware.
		 */
		r->stale = false;
		if (ex_route_same(r, ev, &key)) {
			if (r->failed)
				ex_program(r);
			else if (r->fi)
				ex_reassert_flag4(r);
			return;
		}
		if (ev->family == AF_INET6) {
			ex_rt6_update(r, ev);
			if (list_empty(&r->rt6s))
				ex_route_free(r, false);	/* no memory */
			return;
		}
	}
	if (!r) {
		r = kmemdup(&key, sizeof(key), GFP_KERNEL);
		if (!r) {
			ex_lost_resync(ev->cookie);
			return;
		}
		INIT_LIST_HEAD(&r->rt6s);
		ex_route_insert(ex_routes, r);
		ex_nroutes++;
		if (ev->replay && ex_removed_take(&key.key))
			atomic64_inc(&ex_absent);
	} else if (ev->family == AF_INET || ev->type != FIB_EVENT_ENTRY_APPEND) {
		/*
		 * Replaced (an IPv6 APPEND only adds paths).  The kernel keeps
		 * a route pushed out of first place by a better one (a lower
		 * metric, a higher TOS): clear the flags of the old objects, or
		 * `ip route` shows two routes of one prefix offloaded, as
		 * netdevsim (nsim_fib4_rt_replace(), nsim_fib6_rt_replace())
		 * and mlxsw (mlxsw_sp_router_fib4_replace() and _fib6_, with
		 * mlxsw_sp_fib_entry_hw_flags_clear()) do.  With the old key
		 * (IPv4: the old alias's dscp and type), and before the new
		 * objects are flagged: they may be the same ones (a route
		 * notified again), and the flags must end up set.
		 */
		ex_put_objs(r, true);
	}
	r->stale = false;
	r->dscp = key.dscp;
	r->type = key.type;
	ex_hold_objs(r, ev);
	if (!r->fi && list_empty(&r->rt6s)) {
		ex_route_free(r, false);	/* no memory for any path */
		return;
	}
	/* An APPEND changes the route: the hardware writes all its paths. */
	ex_program(r);
}

static u32 ex_rule_hash(u64 cookie, u32 pref)
{
	return jhash_2words((u32)cookie ^ (u32)(cookie >> 32), pref, 0);
}

static void ex_apply_rule(const struct ex_event *ev)
{
	const struct fib_rule *rule = ev->frn.rule;
	u8 family = ev->family == AF_INET ? 4 : 6;
	u32 hash = ex_rule_hash(ev->cookie, rule->pref);
	struct ex_rule *r;

	hash_for_each_possible(ex_rules, r, node, hash) {
		if (r->cookie == ev->cookie && r->family == family &&
		    r->pref == rule->pref && r->table == rule->table &&
		    r->action == rule->action) {
			r->stale = false;
			if (ev->type == FIB_EVENT_RULE_DEL) {
				hash_del(&r->node);
				kfree(r);
			}
			return;
		}
	}
	if (ev->type == FIB_EVENT_RULE_DEL)
		return;
	r = kzalloc_obj(*r, GFP_KERNEL);
	if (!r) {
		ex_lost_resync(ev->cookie);
		return;
	}
	r->cookie = ev->cookie;
	r->inum = ev->inum;
	r->family = family;
	r->pref = rule->pref;
	r->table = rule->table;
	r->action = rule->action;
	hash_add(ex_rules, &r->node, hash);
}

static u32 ex_nexthop_hash(u64 cookie, u32 id)
{
	return jhash_2words((u32)cookie ^ (u32)(cookie >> 32), id, 0);
}

/*
 * REPLACE: the object is new, or changed (a group's members); DEL: gone
 * (the kernel deletes the routes that used it after this event).
 */
static void ex_apply_nexthop(const struct ex_event *ev)
{
	u32 hash = ex_nexthop_hash(ev->cookie, ev->nh.id);
	struct ex_nexthop *nh, *found = NULL;

	hash_for_each_possible(ex_nexthops, nh, node, hash)
		if (nh->cookie == ev->cookie && nh->id == ev->nh.id) {
			found = nh;
			break;
		}
	nh = found;
	if (ev->type == RUST_FIB_EVENT_NEXTHOP(NEXTHOP_EVENT_DEL)) {
		if (nh) {
			hash_del(&nh->node);
			kfree(nh);
		}
		return;
	}
	if (!nh) {
		nh = kzalloc_obj(*nh, GFP_KERNEL);
		if (!nh) {
			ex_lost_resync(ev->cookie);
			return;
		}
		hash_add(ex_nexthops, &nh->node, hash);
	}
	nh->stale = false;
	nh->cookie = ev->cookie;
	nh->inum = ev->inum;
	nh->id = ev->nh.id;
	nh->type = ev->nh.type;
	nh->size = ev->nh.size;
}

/*
 * Forgets one namespace (@all: every one), stale or not; @clear: clear our
 * flags (the namespace may live on: a flush, an unload).  @stale: only
 * what is stale, each counted in `swept`.  @removed: the routes go on
 * ex_removed (a repair), the table's old entries of the namespace gone
 * first.  ex_lock held.
 */
static void ex_forget_what(u64 cookie, bool all, bool clear, bool stale,
			   bool removed)
{
	struct hlist_node *tmp;
	struct ex_nexthop *nh;
	struct ex_route *r;
	struct ex_rule *u;
	int bkt;

	if (removed || all)
		ex_removed_drop(cookie, all);
	hash_for_each_safe(ex_nexthops, bkt, tmp, nh, node)
		if ((all || nh->cookie == cookie) && (!stale || nh->stale)) {
			if (stale)
				atomic64_inc(&ex_swept);
			hash_del(&nh->node);
			kfree(nh);
		}
	hash_for_each_safe(ex_routes, bkt, tmp, r, node)
		if ((all || r->key.cookie == cookie) && (!stale || r->stale)) {
			if (stale)
				atomic64_inc(&ex_swept);
			if (removed)
				ex_route_remove(r);
			else
				ex_route_free(r, clear);
		}
	hash_for_each_safe(ex_rules, bkt, tmp, u, node)
		if ((all || u->cookie == cookie) && (!stale || u->stale)) {
			if (stale)
				atomic64_inc(&ex_swept);
			hash_del(&u->node);
			kfree(u);
		}
	if (removed && !all) {
		struct net *net = rust_fib_notifier_get_net(cookie);

		if (net)
			put_net(net);
		else
			ex_removed_drop(cookie, false);	/* gone: no replay */
	}
}

/* Forgets everything of one namespace (@all: of every one). ex_lock held. */
static void ex_forget(u64 cookie, bool all, bool clear)
{
	ex_forget_what(cookie, all, clear, false, false);
	if (!all)
		ex_removed_drop(cookie, false);
}

/*
 * Marks everything held of one namespace stale: kept as it is, in the
 * hardware with its flags, until an event gives it again or a sweep
 * removes it.  ex_lock held.
 */
static void ex_mark(u64 cookie)
{
	struct ex_nexthop *nh;
	struct ex_route *r;
	struct ex_rule *u;
	int bkt;

	atomic64_inc(&ex_marks);
	hash_for_each(ex_routes, bkt, r, node)
		if (r->key.cookie == cookie) {
			r->stale = true;
			atomic64_inc(&ex_marked);
		}
	hash_for_each(ex_rules, bkt, u, node)
		if (u->cookie == cookie) {
			u->stale = true;
			atomic64_inc(&ex_marked);
		}
	hash_for_each(ex_nexthops, bkt, nh, node)
		if (nh->cookie == cookie) {
			nh->stale = true;
			atomic64_inc(&ex_marked);
		}
}

/*
 * Removes what is still stale of one namespace, as its deletes would
 * (flags cleared, references released): the kernel no longer has it.
 * ex_lock held.
 */
static void ex_sweep(u64 cookie)
{
	atomic64_inc(&ex_sweeps);
	ex_forget_what(cookie, false, true, true, true);
}

static void ex_put_refs(struct ex_event *ev)
{
	unsigned int i;

	switch (ev->type) {
	case FIB_EVENT_ENTRY_REPLACE:
	case FIB_EVENT_ENTRY_APPEND:
	case FIB_EVENT_ENTRY_ADD:
	case FIB_EVENT_ENTRY_DEL:
		if (ev->family == AF_INET)
			fib_info_put(ev->fen.fi);
		for (i = 0; i < ev->nrt6; i++)
			fib6_info_release(ev->rt6[i]);
		break;
	case FIB_EVENT_RULE_ADD:
	case FIB_EVENT_RULE_DEL:
		fib_rule_put(ev->frn.rule);
		break;
	}
}

static void ex_work(struct work_struct *work)
{
	struct ex_event *ev = container_of(work, struct ex_event, work);

	mutex_lock(&ex_lock);
	switch (ev->type) {
	case FIB_EVENT_ENTRY_REPLACE:
	case FIB_EVENT_ENTRY_APPEND:
	case FIB_EVENT_ENTRY_ADD:
	case FIB_EVENT_ENTRY_DEL:
		ex_apply_route(ev);
		break;
	case FIB_EVENT_RULE_ADD:
	case FIB_EVENT_RULE_DEL:
		ex_apply_rule(ev);
		break;
	case RUST_FIB_EVENT_NETNS_EXIT:
		/* Gone, or its bridge will replay it: clear if it lives. */
		ex_forget(ev->cookie, false, true);
		break;
	case RUST_FIB_EVENT_NEXTHOP(NEXTHOP_EVENT_REPLACE):
	case RUST_FIB_EVENT_NEXTHOP(NEXTHOP_EVENT_DEL):
		ex_apply_nexthop(ev);
		break;
	case EX_OP_MARK:
		ex_mark(ev->cookie);
		break;
	case EX_OP_SWEEP:
		ex_sweep(ev->cookie);
		break;
	}
	mutex_unlock(&ex_lock);
	ex_put_refs(ev);
	kfree(ev);
}

/*
 * A source-specific IPv6 route (ip -6 route add P from S) is notified under
 * the same table and prefix as the plain route to P: skip it, as netdevsim
 * does, rather than mix the two up.
 */
static bool ex_source_specific(unsigned long type,
			       const struct rust_fib_notifier_info *ri)
{
#ifdef CONFIG_IPV6_SUBTREES
	switch (type) {
	case FIB_EVENT_ENTRY_REPLACE:
	case FIB_EVENT_ENTRY_APPEND:
	case FIB_EVENT_ENTRY_ADD:
	case FIB_EVENT_ENTRY_DEL:
		return ri->info->family == AF_INET6 &&
		       container_of(ri->info, struct fib6_entry_notifier_info,
				    info)->rt->fib6_src.plen;
	}
#endif
	return false;
}

/*
 * Namespaces to resync (cookies), asked for in atomic context when an
 * event could not be queued; ex_resync_all when more were asked for than
 * fit.  Under ex_resync_lock (taken in softirq too: the _bh variant).  The
 * request runs on our ordered queue, after the events queued before it:
 * rust_fib_notifier_resync() only queues the resync (the module's work
 * does it, and tries again until it succeeds), so it may be called from
 * the queue our flush callbacks flush.
 */
#define EX_RESYNC_SLOTS 8
static DEFINE_SPINLOCK(ex_resync_lock);
static u64 ex_resync_nets[EX_RESYNC_SLOTS];
static bool ex_resync_all;
static void ex_resync_work_fn(struct work_struct *work);
static DECLARE_DELAYED_WORK(ex_resync_work, ex_resync_work_fn);

static void ex_add_resync(u64 cookie)
{
	int i;

	spin_lock_bh(&ex_resync_lock);
	for (i = 0; i < EX_RESYNC_SLOTS; i++) {
		if (ex_resync_nets[i] == cookie)
			break;
		if (!ex_resync_nets[i]) {
			ex_resync_nets[i] = cookie;
			break;
		}
	}
	if (i == EX_RESYNC_SLOTS)
		ex_resync_all = true;
	spin_unlock_bh(&ex_resync_lock);
}

/*
 * Something of the namespace is not in the hardware, or we could not keep
 * a change of it (no memory): count it and resync the namespace.  Any
 * context.
 */
static void ex_lost_resync(u64 cookie)
{
	atomic64_inc(&ex_lost);
	ex_add_resync(cookie);
	queue_delayed_work(ex_wq, &ex_resync_work, 0);
}

static struct notifier_block ex_nb;

/* Asks for a resync of one namespace (on ex_wq). */
static void ex_resync(u64 cookie)
{
	struct net *net = rust_fib_notifier_get_net(cookie);

	if (!net) {
		/*
		 * Gone or dismantled: nothing to replay, forget it (the
		 * events queued before us are applied: an ordered queue).
		 */
		mutex_lock(&ex_lock);
		ex_forget(cookie, false, false);
		mutex_unlock(&ex_lock);
		return;
	}
	if (!rust_fib_notifier_resync(&ex_nb, net))	/* queued */
		atomic64_inc(&ex_resyncs);
	put_net(net);
}

static void ex_resync_work_fn(struct work_struct *work)
{
	u64 nets[EX_RESYNC_SLOTS], *all = NULL;
	struct ex_route *r;
	int i, n = 0, bkt;
	bool every;

	spin_lock_bh(&ex_resync_lock);
	memcpy(nets, ex_resync_nets, sizeof(nets));
	memset(ex_resync_nets, 0, sizeof(ex_resync_nets));
	every = ex_resync_all;
	ex_resync_all = false;
	spin_unlock_bh(&ex_resync_lock);

	if (every) {
		/* Every namespace we hold a route of, once each. */
		mutex_lock(&ex_lock);
		all = kmalloc_array(ex_nroutes ?: 1, sizeof(*all), GFP_KERNEL);
		if (all)
			hash_for_each(ex_routes, bkt, r, node) {
				for (i = 0; i < n && all[i] != r->key.cookie; i++)
					;
				if (i == n)
					all[n++] = r->key.cookie;
			}
		mutex_unlock(&ex_lock);
		if (!all) {
			/* No memory to list them: ask again later. */
			spin_lock_bh(&ex_resync_lock);
			ex_resync_all = true;
			spin_unlock_bh(&ex_resync_lock);
			queue_delayed_work(ex_wq, &ex_resync_work, HZ / 2);
		}
	}
	for (i = 0; i < EX_RESYNC_SLOTS && nets[i]; i++)
		ex_resync(nets[i]);
	for (i = 0; all && i < n; i++)
		ex_resync(all[i]);
	kfree(all);
}

/*
 * Holds the fib6_info objects an IPv6 event names, in @ev->rt6: @fen6->rt
 * and the @fen6->nsiblings siblings after it in its sibling list (the
 * appended ones for ENTRY_APPEND; all for REPLACE, or the DEL of a whole
 * route), as netdevsim's nsim_fib6_event_init().  A multipath add notifies
 * without the table lock (IPv6 routes change without RTNL): the list is
 * read as an RCU reader, at most nsiblings steps, and a sibling deleted
 * meanwhile, whose last reference may be gone, is not held.
 */
static void ex_hold_rt6s(struct ex_event *ev,
			 const struct fib6_entry_notifier_info *fen6)
{
	struct fib6_info *rt = fen6->rt, *sib;
	unsigned int n = 1, seen = 0;

	ev->nrt6 = fen6->nsiblings + 1;		/* the array's size */
	fib6_info_hold(rt);
	ev->rt6[0] = rt;
	if (!fen6->nsiblings)
		return;		/* (fib6_siblings is nh_list with a nexthop object) */
	list_for_each_entry_rcu(sib, &rt->fib6_siblings, fib6_siblings) {
		if (seen++ == fen6->nsiblings)
			break;
		if (fib6_info_hold_safe(sib))
			ev->rt6[n++] = sib;
	}
	ev->nrt6 = n;
}

/* Atomic context: no sleeping, GFP_ATOMIC, references, then defer. */
static int ex_event(struct notifier_block *nb, unsigned long type, void *ptr)
{
	const struct fib6_entry_notifier_info *fen6 = NULL;
	struct rust_fib_notifier_info *ri = ptr;
	struct ex_event *ev;

	switch (type) {
	case FIB_EVENT_ENTRY_REPLACE:
	case FIB_EVENT_ENTRY_APPEND:
	case FIB_EVENT_ENTRY_ADD:
	case FIB_EVENT_ENTRY_DEL:
		if (ri->info->family == AF_INET6)
			fen6 = container_of(ri->info,
					    struct fib6_entry_notifier_info, info);
		break;
	case FIB_EVENT_RULE_ADD:
	case FIB_EVENT_RULE_DEL:
	case RUST_FIB_EVENT_NETNS_EXIT:
	case RUST_FIB_EVENT_NEXTHOP(NEXTHOP_EVENT_REPLACE):
	case RUST_FIB_EVENT_NEXTHOP(NEXTHOP_EVENT_DEL):
		break;
	default:
		/* Bucket events, statistics: this example keeps no buckets. */
		return NOTIFY_DONE;
	}
	atomic64_inc(&ex_events);
	if (ri->replay)
		atomic64_inc(&ex_replayed);
	if (ex_source_specific(type, ri)) {
		atomic64_inc(&ex_skipped);
		return NOTIFY_DONE;
	}

	/* IPv6: room for the route object of each path named. */
	ev = kzalloc_flex(*ev, rt6, fen6 ? fen6->nsiblings + 1 : 0, GFP_ATOMIC);
	if (!ev) {
		switch (type) {
		case FIB_EVENT_ENTRY_REPLACE:
		case FIB_EVENT_ENTRY_APPEND:
		case FIB_EVENT_ENTRY_ADD:
		case FIB_EVENT_RULE_ADD:
		case RUST_FIB_EVENT_NEXTHOP(NEXTHOP_EVENT_REPLACE):
			/*
			 * No room to remember it: refuse it, as netdevsim
			 * does, saying why (the user's `ip` prints it; a
			 * replay has no extack: NULL, which NL_SET_ERR_MSG_MOD
			 * ignores).  Every listener then resyncs the namespace.
			 */
			atomic64_inc(&ex_vetoed);
			if (rust_fib_notifier_event_is_nexthop(type))
				NL_SET_ERR_MSG_MOD(ri->nh_info->extack,
						   "no memory for the nexthop object");
			else
				NL_SET_ERR_MSG_MOD(ri->info->extack,
						   "no memory for the entry");
			return notifier_from_errno(-ENOMEM);
		}
		/* A delete or an exit we cannot queue: resync instead. */
		ex_lost_resync(ri->net->net_cookie);
		return NOTIFY_DONE;
	}
	INIT_WORK(&ev->work, ex_work);
	ev->type = type;
	ev->cookie = ri->net->net_cookie;
	ev->inum = ri->net->ns.inum;
	ev->replay = ri->replay;
	if (ri->info && !rust_fib_notifier_event_is_nexthop(type))
		ev->family = ri->info->family;

	switch (type) {
	case FIB_EVENT_ENTRY_REPLACE:
	case FIB_EVENT_ENTRY_APPEND:
	case FIB_EVENT_ENTRY_ADD:
	case FIB_EVENT_ENTRY_DEL:
		if (ev->family == AF_INET) {
			ev->fen = *container_of(ri->info, struct fib_entry_notifier_info, info);
			fib_info_hold(ev->fen.fi);
			ev->nhs = fib_info_num_path(ev->fen.fi);
		} else {
			ev->fen6 = *fen6;
			ex_hold_rt6s(ev, fen6);
		}
		break;
	case FIB_EVENT_RULE_ADD:
	case FIB_EVENT_RULE_DEL:
		ev->frn = *container_of(ri->info, struct fib_rule_notifier_info, info);
		fib_rule_get(ev->frn.rule);
		break;
	case RUST_FIB_EVENT_NEXTHOP(NEXTHOP_EVENT_REPLACE):
	case RUST_FIB_EVENT_NEXTHOP(NEXTHOP_EVENT_DEL):
		/* The kernel's own struct nh_notifier_info, as on its chain. */
		ev->nh.id = ri->nh_info->id;
		ev->nh.type = ri->nh_info->type;
		if (ri->nh_info->type == NH_NOTIFIER_INFO_TYPE_GRP)
			ev->nh.size = ri->nh_info->nh_grp->num_nh;
		else if (ri->nh_info->type == NH_NOTIFIER_INFO_TYPE_RES_TABLE)
			ev->nh.size = ri->nh_info->nh_res_table->num_nh_buckets;
		else
			ev->nh.size = 1;
		break;
	}
	queue_work(ex_wq, &ev->work);
	return NOTIFY_DONE;
}

/* The registration gave up: drop everything. */
static void ex_flush(struct notifier_block *nb)
{
	atomic64_inc(&ex_flushes);
	flush_workqueue(ex_wq);
	mutex_lock(&ex_lock);
	ex_forget(0, true, true);
	mutex_unlock(&ex_lock);
}

/*
 * reconcile=0: one namespace changed during its replay, or is resynced:
 * drop it (out of the hardware until the replay writes it again).
 */
static void ex_flush_net(struct notifier_block *nb, u64 net_cookie)
{
	atomic64_inc(&ex_net_flushes);
	flush_workqueue(ex_wq);		/* none of its events is queued after */
	mutex_lock(&ex_lock);
	ex_forget_what(net_cookie, false, true, false, true);
	mutex_unlock(&ex_lock);
}

/*
 * Queues @op for one namespace on the ordered queue, after the events
 * queued before it.  Without the memory, does it here once the queue ran
 * dry (the same order: what comes after waits for ex_lock).
 */
static void ex_queue_op(unsigned long op, u64 net_cookie)
{
	struct ex_event *ev = kzalloc_flex(*ev, rt6, 0, GFP_KERNEL);

	if (ev) {
		INIT_WORK(&ev->work, ex_work);
		ev->type = op;
		ev->cookie = net_cookie;
		queue_work(ex_wq, &ev->work);
		return;
	}
	flush_workqueue(ex_wq);
	mutex_lock(&ex_lock);
	if (op == EX_OP_MARK)
		ex_mark(net_cookie);
	else
		ex_sweep(net_cookie);
	mutex_unlock(&ex_lock);
}

/*
 * Before the namespace is replayed again (no event of it in flight, none
 * until its replay): mark, in order after what is queued.
 */
static void ex_mark_stale(struct notifier_block *nb, u64 net_cookie)
{
	ex_queue_op(EX_OP_MARK, net_cookie);
}

/*
 * Its replay was consistent: sweep, in order after the replay and the live
 * events queued before this call.
 */
static void ex_sweep_stale(struct notifier_block *nb, u64 net_cookie)
{
	ex_queue_op(EX_OP_SWEEP, net_cookie);
}

static bool reconcile = true;
module_param(reconcile, bool, 0444);
MODULE_PARM_DESC(reconcile,
		 "repair a namespace by mark and sweep (1, the default) or by flush (0)");

/* Set up in ex_init(): RUST_FIB_NOTIFIER_F_RECONCILE with `reconcile`. */
static struct rust_fib_notifier_ops ex_ops = {
	.flush = ex_flush,
	.flush_net = ex_flush_net,
	.mark_stale = ex_mark_stale,
	.sweep_stale = ex_sweep_stale,
	.flags = RUST_FIB_NOTIFIER_F_VERSION | RUST_FIB_NOTIFIER_F_NEXTHOPS,
};

static struct notifier_block ex_nb = {
	.notifier_call = ex_event,
};

static int ex_routes_show(struct seq_file *m, void *v)
{
	struct ex_route *r;
	int bkt;

	flush_workqueue(ex_wq);		/* show what the hardware has now */
	mutex_lock(&ex_lock);
	hash_for_each(ex_routes, bkt, r, node) {
		seq_printf(m, "%u %u %u ", r->inum, r->key.family,
			   r->key.table);
		if (r->key.family == 4)
			seq_printf(m, "%pI4", r->key.dst);
		else
			seq_printf(m, "%pI6c", r->key.dst);
		seq_printf(m, "/%u nhs %u\n", r->key.dst_len, r->nhs);
	}
	mutex_unlock(&ex_lock);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(ex_routes);

static int ex_rules_show(struct seq_file *m, void *v)
{
	struct ex_rule *r;
	int bkt;

	flush_workqueue(ex_wq);
	mutex_lock(&ex_lock);
	hash_for_each(ex_rules, bkt, r, node)
		seq_printf(m, "%u %u pref %u table %u action %u\n", r->inum,
			   r->family, r->pref, r->table, r->action);
	mutex_unlock(&ex_lock);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(ex_rules);

static int ex_nexthops_show(struct seq_file *m, void *v)
{
	static const char * const kind[] = {
		[NH_NOTIFIER_INFO_TYPE_SINGLE] = "single",
		[NH_NOTIFIER_INFO_TYPE_GRP] = "group",
		[NH_NOTIFIER_INFO_TYPE_RES_TABLE] = "resilient",
	};
	struct ex_nexthop *nh;
	int bkt;

	flush_workqueue(ex_wq);
	mutex_lock(&ex_lock);
	hash_for_each(ex_nexthops, bkt, nh, node)
		seq_printf(m, "%u id %u %s size %u\n", nh->inum, nh->id,
			   nh->type < ARRAY_SIZE(kind) && kind[nh->type] ?
			   kind[nh->type] : "other", nh->size);
	mutex_unlock(&ex_lock);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(ex_nexthops);

static int ex_stats_show(struct seq_file *m, void *v)
{
	unsigned long n, failed = 0;
	struct ex_route *r;
	int bkt;

	flush_workqueue(ex_wq);
	mutex_lock(&ex_lock);
	n = ex_nroutes;
	hash_for_each(ex_routes, bkt, r, node)
		failed += r->failed;
	mutex_unlock(&ex_lock);
	seq_printf(m, "events %lld\nreplayed %lld\nlost %lld\nflushes %lld\nnet_flushes %lld\n",
		   atomic64_read(&ex_events), atomic64_read(&ex_replayed),
		   atomic64_read(&ex_lost), atomic64_read(&ex_flushes),
		   atomic64_read(&ex_net_flushes));
	seq_printf(m, "vetoed %lld\nresyncs %lld\nskipped %lld\nroutes %lu\n",
		   atomic64_read(&ex_vetoed), atomic64_read(&ex_resyncs),
		   atomic64_read(&ex_skipped), n);
	seq_printf(m, "flag_writes %lld\nmarked %lld\nswept %lld\nabsent %lld\n",
		   atomic64_read(&ex_flag_writes), atomic64_read(&ex_marked),
		   atomic64_read(&ex_swept), atomic64_read(&ex_absent));
	seq_printf(m, "marks %lld\nsweeps %lld\nreconcile %d\n",
		   atomic64_read(&ex_marks), atomic64_read(&ex_sweeps),
		   reconcile);
	seq_printf(m, "offload_failed %lu\n", failed);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(ex_stats);

/*
 * Write a namespace's inode number: resync it (one we hold something of),
 * asked from the ordered queue as a lost event's resync is.
 */
static ssize_t ex_resync_write(struct file *file, const char __user *buf,
			       size_t len, loff_t *ppos)
{
	struct ex_route *r;
	struct ex_rule *u;
	unsigned int inum;
	u64 cookie = 0;
	int err, bkt;

	err = kstrtouint_from_user(buf, len, 10, &inum);
	if (err)
		return err;
	mutex_lock(&ex_lock);
	hash_for_each(ex_routes, bkt, r, node)
		if (r->inum == inum) {
			cookie = r->key.cookie;
			break;
		}
	if (!cookie)
		hash_for_each(ex_rules, bkt, u, node)
			if (u->inum == inum) {
				cookie = u->cookie;
				break;
			}
	mutex_unlock(&ex_lock);
	if (!cookie)
		return -ENOENT;
	ex_add_resync(cookie);
	queue_delayed_work(ex_wq, &ex_resync_work, 0);
	return len;
}

/* Reads `0`, as the module's listeners' resync files do. */
static ssize_t ex_resync_read(struct file *file, char __user *buf,
			      size_t len, loff_t *ppos)
{
	return simple_read_from_buffer(buf, len, ppos, "0\n", 2);
}

static const struct file_operations ex_resync_fops = {
	.owner = THIS_MODULE,
	.read = ex_resync_read,
	.write = ex_resync_write,
	.llseek = noop_llseek,
};

static int netns_pid;
module_param(netns_pid, int, 0444);
MODULE_PARM_DESC(netns_pid,
		 "listen to the network namespace of this process only (0: every namespace)");

static int __init ex_init(void)
{
	struct net *net = NULL;
	int err;

	ex_wq = alloc_ordered_workqueue("rfn_c_example", 0);
	if (!ex_wq)
		return -ENOMEM;
	if (netns_pid) {
		/* One namespace: hold it while registering, as the API asks. */
		net = get_net_ns_by_pid(netns_pid);
		if (IS_ERR(net)) {
			destroy_workqueue(ex_wq);
			return PTR_ERR(net);
		}
	}
	if (reconcile)
		ex_ops.flags |= RUST_FIB_NOTIFIER_F_RECONCILE;
	err = rust_fib_notifier_register_ops(net, &ex_nb, &ex_ops, NULL);
	if (net)
		put_net(net);
	if (err) {
		pr_err("rfn_c_example: register: %d\n", err);
		cancel_delayed_work_sync(&ex_resync_work);
		destroy_workqueue(ex_wq);
		ex_forget(0, true, true);
		return err;
	}
	ex_dir = debugfs_create_dir("rfn_c_example", NULL);
	debugfs_create_file("routes", 0400, ex_dir, NULL, &ex_routes_fops);
	debugfs_create_file("rules", 0400, ex_dir, NULL, &ex_rules_fops);
	debugfs_create_file("nexthops", 0400, ex_dir, NULL, &ex_nexthops_fops);
	debugfs_create_file("stats", 0400, ex_dir, NULL, &ex_stats_fops);
	debugfs_create_file("resync", 0600, ex_dir, NULL, &ex_resync_fops);
	debugfs_create_bool("fail_route_offload", 0600, ex_dir,
			    &ex_fail_route_offload);
	pr_info("rfn_c_example: registered, %lld events replayed\n",
		atomic64_read(&ex_replayed));
	return 0;
}

/*
 * The exit recipe (include/rust_fib_notifier.h, DOC: Module exit), in
 * this order: nothing may queue work after the queue is gone, and the
 * route objects are released before the module is.
 */
static void __exit ex_exit(void)
{
	debugfs_remove(ex_dir);			/* no resync asked by hand */
	rust_fib_notifier_unregister(&ex_nb);	/* no callback after this */
	drain_workqueue(ex_wq);			/* the events queued before */
	cancel_delayed_work_sync(&ex_resync_work);	/* its resyncs: -ENOENT */
	destroy_workqueue(ex_wq);
	ex_forget(0, true, true);		/* flags cleared, objects put */
}

module_init(ex_init);
module_exit(ex_exit);
MODULE_DESCRIPTION("Example C listener of rust_fib_notifier");
MODULE_LICENSE("GPL");
MODULE_IMPORT_NS(RUST_FIB_NOTIFIER_NS);
