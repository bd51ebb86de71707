// SPDX-License-Identifier: GPL-2.0
/*
 * Where the module reaches into the kernel: wrappers over the static
 * inlines and macros Rust cannot call (RTNL, spin_lock_bh(), delayed work,
 * delays), and the code that reads kernel structures or relies on how the
 * kernel behaves (the FIB and nexthop dumps, waiting for a namespace's
 * writers, the namespace list).  With decode.c (the notifier infos'
 * layouts), this is what a new kernel release can break.
 */
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/notifier.h>
#include <linux/rbtree.h>
#include <linux/rculist.h>
#include <linux/rtnetlink.h>
#include <linux/sched.h>
#include <linux/spinlock.h>
#include <linux/workqueue.h>
#include <net/fib_notifier.h>
#include <net/fib_rules.h>
#include <net/nexthop.h>
#include <net/net_namespace.h>

#include "glue.h"

void rfn_rtnl_lock(void)
{
	rtnl_lock();
}

void rfn_rtnl_unlock(void)
{
	rtnl_unlock();
}

/* bh_lock.rs: spin_lock_bh() and friends are inline, Rust needs symbols. */
void rfn_spin_lock_bh(spinlock_t *lock)
{
	spin_lock_bh(lock);
}

int rfn_spin_trylock_bh(spinlock_t *lock)
{
	return spin_trylock_bh(lock);
}

void rfn_spin_unlock_bh(spinlock_t *lock)
{
	spin_unlock_bh(lock);
}

struct workqueue_struct *rfn_alloc_ordered_wq(const char *name)
{
	return alloc_ordered_workqueue("%s", WQ_MEM_RECLAIM, name);
}

void rfn_cond_resched(void)
{
	cond_resched();
}

unsigned int rfn_net_inum(const struct net *net)
{
	return net->ns.inum;
}

u64 rfn_net_cookie(const struct net *net)
{
	return net->net_cookie;
}

/*
 * A reference on the namespace with this cookie, for listeners (their
 * deferred work, rust_fib_notifier_get_net()); NULL when it is not fully set
 * up (net_initialized(): a namespace whose set-up fails later is freed
 * whatever its reference count), or being dismantled (its count dropped to
 * 0).  Any namespace, bridged or not: a listener told to forget one whose
 * bridge failed to attach clears the flags it set on its routes.  A cookie
 * is never reused, unlike an address or an inode number.
 */
struct net *rfn_net_get_by_cookie(u64 cookie)
{
	struct net *net, *found = NULL;

	rcu_read_lock();
	/* Only initialised namespaces are on net_namespace_list. */
	for_each_net_rcu(net) {
		if (net->net_cookie == cookie) {
			found = maybe_get_net(net);
			break;
		}
	}
	rcu_read_unlock();
	return found;
}

void rfn_net_hold(struct net *net)
{
	get_net(net);
}

void rfn_net_put(struct net *net)
{
	put_net(net);
}

/*
 * Waits for every writer whose change the counter may already show (see
 * seq_counter.rs): rules (unicast and multicast routing's) are notified
 * before they are linked, under the family's rules lock and without RTNL;
 * IPv4 routes, nexthop objects and multicast VIFs are notified before they
 * are unlinked, under RTNL; resilient groups' buckets before they change,
 * from a work item.  Taking each lock once (and waiting for those work
 * items), after the counter was read, waits for such a writer to finish.
 * IPv6 routes need nothing: the dump takes each table's tb6_lock itself.
 * @net is alive (the caller holds a reference).
 */
void rfn_net_wait_writers(struct net *net)
{
	struct fib_rules_ops *ops[4] = {};
	struct rb_node *node;
	int i;

	/* The counter was read before any of the locks below is taken. */
	smp_mb();
	rtnl_lock();
	/*
	 * A resilient group's upkeep work replaces buckets without RTNL: it
	 * notifies, then changes the bucket.  Wait for one that is running
	 * (the kernel cancels it under RTNL too; it never takes RTNL).
	 */
	for (node = rb_first(&net->nexthop.rb_root); node; node = rb_next(node)) {
		struct nexthop *nh = rb_entry(node, struct nexthop, rb_node);
		struct nh_res_table *res_table;
		struct nh_group *nhg;

		if (!nh->is_group)
			continue;
		nhg = rtnl_dereference(nh->nh_grp);
		if (!nhg->resilient)
			continue;
		res_table = rtnl_dereference(nhg->res_table);
		flush_work(&res_table->upkeep_dw.work);
	}
	rtnl_unlock();
#ifdef CONFIG_IP_MULTIPLE_TABLES
	ops[0] = net->ipv4.rules_ops;
#endif
#if IS_ENABLED(CONFIG_IPV6) && defined(CONFIG_IPV6_MULTIPLE_TABLES)
	ops[1] = net->ipv6.fib6_rules_ops;
#endif
#ifdef CONFIG_IP_MROUTE_MULTIPLE_TABLES
	ops[2] = net->ipv4.mr_rules_ops;
#endif
#ifdef CONFIG_IPV6_MROUTE_MULTIPLE_TABLES
	ops[3] = net->ipv6.mr6_rules_ops;
#endif
	for (i = 0; i < ARRAY_SIZE(ops); i++) {
		if (!ops[i])
			continue;
		mutex_lock(&ops[i]->lock);
		mutex_unlock(&ops[i]->lock);
	}
}

int rfn_fib_dump(struct net *net, int family, struct notifier_block *nb,
		 struct netlink_ext_ack *extack)
{
	struct fib_notifier_ops *ops = NULL;
	int err;

	RCU_LOCKDEP_WARN(!rcu_read_lock_held(), "FIB dump without RCU");
	if (family == AF_INET)
		ops = net->ipv4.notifier_ops;
#if IS_ENABLED(CONFIG_IPV6)
	else if (family == AF_INET6)
		ops = net->ipv6.notifier_ops;
#endif
#ifdef CONFIG_IP_MROUTE
	else if (family == RTNL_FAMILY_IPMR)
		ops = net->ipv4.ipmr_notifier_ops;
#endif
#ifdef CONFIG_IPV6_MROUTE
	else if (family == RTNL_FAMILY_IP6MR)
		ops = net->ipv6.ip6mr_notifier_ops;
#endif
	/* Valid while the namespace is bridged: the family exits after us. */
	if (!ops || !try_module_get(ops->owner))
		return 0;
	err = ops->fib_dump(net, nb, extack);
	module_put(ops->owner);
	return err;
}

/*
 * rfn_nh_dump() - replays a namespace's nexthop objects to @nb alone
 *
 * The kernel's own replay: register_nexthop_notifier() walks the objects
 * under RTNL and calls our block with NEXTHOP_EVENT_REPLACE for each, as
 * it does for a driver, then puts the block on the chain; we take it off
 * again at once (its DEL replay, and any live event in between, from
 * another task, are ignored: live events reach listeners through the
 * bridge, and bump the counter the replay checks).  The unregistration
 * walks the objects once more (DEL, ignored): the price of using the
 * kernel's exported walk.  Each event goes to @nb under RCU, as the
 * chain calls listeners.  @net is alive (the caller holds a reference).
 */
struct rfn_nh_dump {
	struct notifier_block nb;
	struct notifier_block *target;
	struct task_struct *task;
	bool done;
};

static int rfn_nh_dump_call(struct notifier_block *nb, unsigned long event,
			    void *ptr)
{
	struct rfn_nh_dump *dump = container_of(nb, struct rfn_nh_dump, nb);
	int ret;

	/*
	 * The kernel's walk runs in the registering task; a live event (from
	 * the next RTNL holder, an upkeep work) between the registration and
	 * the unregistration is the bridge's, never this listener's to veto.
	 */
	if (dump->task != current || READ_ONCE(dump->done))
		return NOTIFY_DONE;
	rcu_read_lock();
	ret = dump->target->notifier_call(dump->target,
					  RUST_FIB_EVENT_NEXTHOP(event), ptr);
	rcu_read_unlock();
	return ret;
}

int rfn_nh_dump(struct net *net, struct notifier_block *nb,
		struct netlink_ext_ack *extack)
{
	struct rfn_nh_dump dump = {
		.nb.notifier_call = rfn_nh_dump_call,
		.target = nb,
		.task = current,
	};
	int err;

	err = register_nexthop_notifier(net, &dump.nb, extack);
	if (err)
		return err;
	WRITE_ONCE(dump.done, true);
	/* Waits for callers of the chain: @dump is unused when it returns. */
	unregister_nexthop_notifier(net, &dump.nb);
	return 0;
}
