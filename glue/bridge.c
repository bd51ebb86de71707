// SPDX-License-Identifier: GPL-2.0
/*
 * The bridge: a block on each namespace's kernel FIB and nexthop chains
 * (the pernet operations: set-up, retry, exit), the list of bridged
 * namespaces and their change counters, and the global chain every
 * listener hangs off.  The bridge forwards into Rust (bridge.rs); the
 * logic (bump-then-forward, the counter sum, the replay loop) lives there.
 */
#include <linux/atomic.h>
#include <linux/delay.h>
#include <linux/minmax.h>
#include <linux/notifier.h>
#include <linux/printk.h>
#include <linux/rculist.h>
#include <linux/rtnetlink.h>
#include <linux/sched.h>
#include <linux/wait_bit.h>
#include <linux/workqueue.h>
#include <net/fib_notifier.h>
#include <net/nexthop.h>
#include <net/net_namespace.h>
#include <net/netns/generic.h>

#include "glue.h"
#include "bridge.h"
#include "faults.h"
#include "rfn_trace.h"

/* The one global chain every listener hangs off (4.11's fib_chain). */
static ATOMIC_NOTIFIER_HEAD(rfn_fib_chain);

struct atomic_notifier_head *rfn_chain(void)
{
	return &rfn_fib_chain;
}

/*
 * Requests to resync one namespace (the bridge's, after a veto): a chain of
 * their own, so that the FIB chain carries nothing but events.
 */
static ATOMIC_NOTIFIER_HEAD(rfn_resync_chain_head);

struct atomic_notifier_head *rfn_resync_chain(void)
{
	return &rfn_resync_chain_head;
}

unsigned int rfn_net_id;
/*
 * Every bridged namespace.  A namespace is on this list from before its
 * bridge forwards its first event until after it forwarded its last one, so
 * a replay that walks this list never misses state that was forwarded
 * before the walk (net_namespace_list gets a new namespace only after every
 * pernet init ran, too late for that).
 */
static LIST_HEAD(rfn_nets);

struct rfn_net *rfn_net_next_rcu(struct rfn_net *prev)
{
	struct list_head *pos = prev ? &prev->list : &rfn_nets;

	RCU_LOCKDEP_WARN(!rcu_read_lock_held(), "rfn_nets walked without RCU");
	return list_next_or_null_rcu(&rfn_nets, pos, struct rfn_net, list);
}

struct net *rfn_net_net(const struct rfn_net *rn)
{
	return rn->net;
}

void rfn_net_seq_bump(struct rfn_net *rn, u32 families)
{
	unsigned int i;

	/* Value-returning atomics: fully ordered, as seq_counter.rs needs. */
	for (i = 0; i < RFN_FAMILIES; i++)
		if (families & BIT(i))
			atomic64_inc_return(&rn->seq[i]);
}

/* The sum of @families' counters: it moves when any of them does. */
u64 rfn_net_seq_read(const struct rfn_net *rn, u32 families)
{
	unsigned int i;
	u64 sum = 0;

	for (i = 0; i < RFN_FAMILIES; i++)
		if (families & BIT(i))
			sum += atomic64_read(&rn->seq[i]);
	return sum;
}

/*
 * As rfn_net_seq_read() (the caller holds a reference on @net), for a
 * replay: traced with each family's counter that makes up the sum.
 */
u64 rfn_net_seq_of(struct net *net, u32 families)
{
	struct rfn_net *rn = net_generic(net, rfn_net_id);
	u64 counters[RFN_FAMILIES] = {};
	unsigned int i;
	u64 sum = 0;

	for (i = 0; i < RFN_FAMILIES; i++)
		if (families & BIT(i))
			sum += counters[i] = atomic64_read(&rn->seq[i]);
	trace_rfn_replay_net(net->ns.inum, net->net_cookie, families, sum,
			     counters);
	return sum;
}

/*
 * rfn_net_pin() - the bridged namespace with this cookie, for a replay
 *
 * The namespace may still be in its set-up (our init ran, later pernet
 * inits have not): a replay must walk it, since the bridge forwards its
 * events from our init on (seq_counter.rs).  Its exit, also the one that
 * undoes a failed set-up, waits until rfn_net_unpin(): the namespace and
 * its FIB stay valid meanwhile.  Returns it with a reference, or NULL when
 * it left the bridge or is being dismantled.  Process context.
 */
struct net *rfn_net_pin(u64 cookie)
{
	struct net *net = NULL;
	struct rfn_net *rn;

	rcu_read_lock();
	list_for_each_entry_rcu(rn, &rfn_nets, list) {
		if (rn->net->net_cookie != cookie)
			continue;
		/* Entries stay valid for an RCU grace period after the exit. */
		if (!atomic_inc_not_zero(&rn->pins))
			break;
		net = maybe_get_net(rn->net);
		if (!net && atomic_dec_and_test(&rn->pins))
			wake_up_var(&rn->pins);
		break;
	}
	rcu_read_unlock();
	/* Test builds: a set-up that fails under the pin (faults.c). */
	if (net)
		rfn_fault_pinned(rn);
	return net;
}

void rfn_net_unpin(struct net *net)
{
	struct rfn_net *rn = net_generic(net, rfn_net_id);

	/*
	 * May be the last reference (cleanup_net() is queued): the exit it
	 * runs waits for the pin dropped below.
	 */
	put_net(net);
	if (atomic_dec_and_test(&rn->pins))
		wake_up_var(&rn->pins);
}

static int rfn_bridge_call(struct notifier_block *nb, unsigned long event,
			   void *ptr)
{
	struct rfn_net *rn = container_of(nb, struct rfn_net, nb);
	struct fib_notifier_info *info = ptr;

	u8 family;
	int ret;

	/*
	 * Multicast routing's events (VIFs, MFC entries, and its own rules)
	 * are all its family's; unicast rules are one family for both.
	 */
	if (info->family == RTNL_FAMILY_IPMR)
		family = RUST_FIB_NOTIFIER_FAMILY_IPMR;
	else if (info->family == RTNL_FAMILY_IP6MR)
		family = RUST_FIB_NOTIFIER_FAMILY_IP6MR;
	else if (info->family != AF_INET && info->family != AF_INET6)
		return NOTIFY_DONE;
	else if (event == FIB_EVENT_RULE_ADD || event == FIB_EVENT_RULE_DEL)
		family = RUST_FIB_NOTIFIER_FAMILY_RULES;
	else if (info->family == AF_INET)
		family = RUST_FIB_NOTIFIER_FAMILY_IPV4;
	else
		family = RUST_FIB_NOTIFIER_FAMILY_IPV6;
	ret = rfn_rs_bridge_event(rn, event, info, family);
	rfn_hold_rule(rn, event);
	if (!(ret & NOTIFY_STOP_MASK))
		return ret;
	trace_rfn_veto(rn->net->ns.inum, event, family, notifier_to_errno(ret),
		       READ_ONCE(rn->replaying) == current);
	/*
	 * A listener stopped the chain: the kernel rolls a refused change
	 * back without telling anyone, and the listeners after it never got
	 * the event.  Either way some listener holds what the kernel does
	 * not, or lacks what it has: every listener resyncs the namespace
	 * (seq_counter.rs).  The kernel's own replay into the bridge cannot
	 * be refused (the state exists): it goes on.
	 */
	rfn_rs_bridge_stopped(rn);
	return READ_ONCE(rn->replaying) == current ? NOTIFY_DONE : ret;
}

/*
 * The namespace's nexthop chain (process context; RTNL held, except bucket
 * events from a resilient group's upkeep work).  A stop is handled as on
 * the FIB chain (a listener refusing a non-forced bucket move costs every
 * listener a resync of the namespace).
 */
static int rfn_bridge_nh_call(struct notifier_block *nb, unsigned long event,
			      void *ptr)
{
	struct rfn_net *rn = container_of(nb, struct rfn_net, nh_nb);
	int ret;

	ret = rfn_rs_bridge_nh_event(rn, event, ptr);
	/* A statistics query changes nothing: its error is just returned. */
	if (!(ret & NOTIFY_STOP_MASK) ||
	    event == NEXTHOP_EVENT_HW_STATS_REPORT_DELTA)
		return ret;
	trace_rfn_veto(rn->net->ns.inum, RUST_FIB_EVENT_NEXTHOP(event),
		       RUST_FIB_NOTIFIER_FAMILY_NEXTHOPS, notifier_to_errno(ret),
		       READ_ONCE(rn->replaying) == current);
	rfn_rs_bridge_stopped(rn);
	return READ_ONCE(rn->replaying) == current ? NOTIFY_DONE : ret;
}

/*
 * register_fib_notifier() found this namespace inconsistent: our block is
 * off its chain again and the next try replays everything.  Listeners
 * forget what this try forwarded (a route deleted before the next try would
 * otherwise stay with them).
 */
static void rfn_bridge_forget(struct notifier_block *nb)
{
	rfn_rs_bridge_exit(container_of(nb, struct rfn_net, nb), true);
}

/*
 * Lists the namespace, then puts our blocks on its kernel chains: the
 * kernel replays the namespace's rules and routes, then its nexthop
 * objects, into the bridge, which forwards them (listeners registered
 * before the namespace existed learn its default rules this way; a route
 * that names a nexthop object may come before it here).  On failure the
 * namespace leaves the list again, its listeners told to forget it: it is
 * as if it were not there yet.
 */
static int rfn_net_bridge(struct rfn_net *rn)
{
	int err;

	rtnl_lock();
	list_add_tail_rcu(&rn->list, &rfn_nets);
	rtnl_unlock();

	WRITE_ONCE(rn->replaying, current);
	err = register_fib_notifier(rn->net, &rn->nb, rfn_bridge_forget, NULL);
	if (!err && rfn_fault_bridge_busy()) {
		/*
		 * Test builds, debugfs fault_bridge_busy: as if the last check
		 * had been inconsistent, after a slow replay (listeners apply
		 * what was forwarded meanwhile, the namespace still listed).
		 */
		msleep(200);
		unregister_fib_notifier(rn->net, &rn->nb);
		rfn_bridge_forget(&rn->nb);
		err = -EBUSY;
	}
	if (!err) {
		/* One walk under RTNL, which every nexthop change holds. */
		err = register_nexthop_notifier(rn->net, &rn->nh_nb, NULL);
		if (err)
			unregister_fib_notifier(rn->net, &rn->nb);
	}
	WRITE_ONCE(rn->replaying, NULL);
	if (!err) {
		WRITE_ONCE(rn->bridged, true);
		return 0;
	}
	rtnl_lock();
	list_del_rcu(&rn->list);
	rtnl_unlock();
	/*
	 * -EBUSY: the last inconsistent try told listeners to forget already
	 * (rfn_bridge_forget()).  A failed dump forwarded part of the
	 * namespace and told nobody.
	 */
	if (err != -EBUSY)
		rfn_rs_bridge_exit(rn, true);
	/* Readers are done with the entry before it can be listed again. */
	synchronize_rcu();
	return err;
}

#define RFN_RETRY_MAX_DELAY (60 * HZ)

/* Namespaces whose bridge failed to attach, then attached (debugfs). */
static atomic64_t rfn_bridge_deferred, rfn_bridge_late;

u64 rfn_bridge_stat(bool late)
{
	return atomic64_read(late ? &rfn_bridge_late : &rfn_bridge_deferred);
}

/*
 * The namespace kept changing during 5 replays (or the dump failed): try
 * again later, backing off up to a minute.  Until it succeeds the
 * namespace is simply not bridged: listeners neither hold nor hear it.
 */
static void rfn_net_retry(struct work_struct *work)
{
	struct rfn_net *rn = container_of(to_delayed_work(work), struct rfn_net,
					  retry);
	unsigned long delay;
	int err;

	err = rfn_net_bridge(rn);
	if (!err) {
		atomic64_inc(&rfn_bridge_late);
		trace_rfn_bridge_attached(rn->net->ns.inum, rn->retries + 1);
		pr_info("rust_fib_notifier: namespace %u bridged after %u retries\n",
			rn->net->ns.inum, rn->retries);
		return;
	}
	rn->retries++;
	delay = min_t(unsigned long, (HZ / 10) << min(rn->retries, 10U),
		      RFN_RETRY_MAX_DELAY);
	pr_warn_ratelimited("rust_fib_notifier: namespace %u not bridged yet (%d), retry %u\n",
			    rn->net->ns.inum, err, rn->retries);
	trace_rfn_bridge_deferred(rn->net->ns.inum, err, rn->retries + 1,
				  jiffies_to_msecs(delay));
	queue_delayed_work(system_dfl_wq, &rn->retry, delay);
}

/*
 * Never fails: a namespace that keeps changing while we bridge it (the
 * kernel's register_fib_notifier() gives up with -EBUSY after 5 tries) is
 * bridged later by rfn_net_retry(), so neither insmod nor `ip netns add`
 * fails because something else is busy.
 */
static int __net_init rfn_net_init(struct net *net)
{
	struct rfn_net *rn = net_generic(net, rfn_net_id);
	unsigned int i;
	int err;

	rn->net = net;
	for (i = 0; i < RFN_FAMILIES; i++)
		atomic64_set(&rn->seq[i], 0);
	rn->nb.notifier_call = rfn_bridge_call;
	rn->nh_nb.notifier_call = rfn_bridge_nh_call;
	/*
	 * Last on the kernel's chains: a driver's veto (netdevsim, mlxsw)
	 * stops the chain before the bridge counts and forwards a change the
	 * kernel then rolls back without telling anyone.
	 */
	rn->nb.priority = INT_MIN;
	rn->nh_nb.priority = INT_MIN;
	rn->replaying = NULL;
	rn->retries = 0;
	rn->bridged = false;
	atomic_set(&rn->pins, 1);
	INIT_DELAYED_WORK(&rn->retry, rfn_net_retry);

	err = rfn_net_bridge(rn);
	if (err) {
		atomic64_inc(&rfn_bridge_deferred);
		trace_rfn_bridge_deferred(net->ns.inum, err, 1,
					  jiffies_to_msecs(HZ / 10));
		queue_delayed_work(system_dfl_wq, &rn->retry, HZ / 10);
	} else {
		trace_rfn_bridge_attached(net->ns.inum, 0);
	}
	return 0;
}

static void __net_exit rfn_net_exit(struct net *net)
{
	struct rfn_net *rn = net_generic(net, rfn_net_id);
	bool bridged;

	/* Waits for a running retry; a failed one sent its exit event. */
	cancel_delayed_work_sync(&rn->retry);
	bridged = rn->bridged;
	if (bridged) {
		/*
		 * The nexthop chain waits for its callers; the FIB chain for
		 * RCU: no kernel event is in flight in the bridge after these.
		 * (The nexthop objects are gone already, flushed by the nexthop
		 * code's exit; at module unload their DEL events go to a chain
		 * with no listener.)
		 */
		unregister_nexthop_notifier(net, &rn->nh_nb);
		unregister_fib_notifier(net, &rn->nb);
		rtnl_lock();
		list_del_rcu(&rn->list);
		rtnl_unlock();
	}
	/*
	 * Off the list, no new pin: wait for the replays that use the
	 * namespace (after a failed set-up the kernel frees it when we
	 * return), so that what they forwarded comes before the exit event.
	 */
	if (!atomic_dec_and_test(&rn->pins))
		wait_var_event(&rn->pins, !atomic_read_acquire(&rn->pins));
	if (bridged)
		rfn_rs_bridge_exit(rn, false);
}

static void __net_exit rfn_net_exit_batch(struct list_head *net_list)
{
	/* rfn_nets readers are done with these entries before they are freed. */
	synchronize_rcu();
}

static struct pernet_operations rfn_net_ops = {
	.init = rfn_net_init,
	.exit = rfn_net_exit,
	.exit_batch = rfn_net_exit_batch,
	.id = &rfn_net_id,
	.size = sizeof(struct rfn_net),
};

int rfn_bridge_register(void)
{
	int err = register_pernet_subsys(&rfn_net_ops);

	if (!err) {
		err = rfn_faults_register();
		if (err)
			unregister_pernet_subsys(&rfn_net_ops);
	}
	return err;
}

void rfn_bridge_unregister(void)
{
	rfn_faults_unregister();
	unregister_pernet_subsys(&rfn_net_ops);
}
