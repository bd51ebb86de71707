// SPDX-License-Identifier: GPL-2.0
/*
 * C glue of rust_fib_notifier: what Rust cannot reach through `bindings`
 * (inline helpers, macros, structs whose headers bindgen does not see) and
 * the per-namespace bridge onto the kernel's own FIB notifier chain.
 *
 * Everything here is plumbing; the logic (bump-then-forward, the counter
 * sum, the replay loop) lives in Rust.
 */
#include <linux/bitmap.h>
#include <linux/debug_locks.h>
#include <linux/delay.h>
#include <linux/module.h>
#include <linux/netdevice.h>
#include <linux/notifier.h>
#include <linux/rculist.h>
#include <linux/rtnetlink.h>
#include <linux/sched.h>
#include <linux/wait_bit.h>
#include <net/fib_notifier.h>
#include <net/fib_rules.h>
#include <net/ip_fib.h>
#include <net/ip6_fib.h>
#include <net/nexthop.h>
#include <net/net_namespace.h>
#include <net/netns/generic.h>

#ifdef RFN_KUNIT
#include <kunit/test.h>
#include <kunit/test-bug.h>
#endif

#include "rfn_glue.h"
#include "include/rust_fib_notifier.h"

static_assert(sizeof(struct rfn_route) == 40);
static_assert(sizeof(struct rfn_nh_single) == 28);
static_assert(sizeof(struct rfn_nh_obj) == 16);
static_assert(sizeof(struct rfn_rule) == 12);
static_assert(sizeof(struct rfn_nh) == 24);
static_assert(sizeof(struct rust_fib_notifier_info) == 24);
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

/*
 * struct rfn_net - the bridge of one namespace
 * @nb: our block on the namespace's kernel FIB chain
 * @nh_nb: our block on the namespace's kernel nexthop chain
 * @list: on rfn_nets (RCU readers; writers hold RTNL)
 * @net: the namespace
 * @seq: its change counter (see seq_counter.rs); never reset while the
 *	namespace lives, so a namespace that leaves the list and comes back
 *	never shows an old value again
 * @retry: bridges the namespace again after register_fib_notifier() failed
 * @retries: how many times it failed in a row (the retry's back-off)
 * @bridged: on the kernel's chains (written by init/retry, read by exit
 *	after the retry is cancelled)
 * @replaying: the task in which the kernel replays the namespace into our
 *	blocks while they attach (register_fib_notifier() and
 *	register_nexthop_notifier() call them directly, from the registering
 *	task); events from any other task are live
 * @pins: replays using the namespace (rfn_net_pin()), plus one while its
 *	pernet state lives; the exit waits for the others.  A namespace whose
 *	set-up fails after our init is freed whatever its reference count
 *	(copy_net_ns() -> net_passive_dec()): a reference alone does not keep
 *	it, waiting in our exit does.
 */
struct rfn_net {
	struct notifier_block nb;
	struct notifier_block nh_nb;
	struct list_head list;
	struct net *net;
	atomic64_t seq;
	struct delayed_work retry;
	unsigned int retries;
	bool bridged;
	struct task_struct *replaying;
	atomic_t pins;
#ifdef RFN_KUNIT
	bool fault_failing;
#endif
};

static unsigned int rfn_net_id;
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

u64 rfn_net_seq_bump(struct rfn_net *rn)
{
	/* A value-returning atomic: fully ordered, as seq_counter.rs needs. */
	return atomic64_inc_return(&rn->seq);
}

u64 rfn_net_seq_read(const struct rfn_net *rn)
{
	return atomic64_read(&rn->seq);
}

/*
 * Waits for every writer whose change the counter may already show (see
 * seq_counter.rs): rules are notified before they are linked, under the
 * family's rules lock and without RTNL; IPv4 routes are notified before
 * they are unlinked, and nexthop objects before they are unlinked, under
 * RTNL; resilient groups' buckets before they change, from a work item.
 * Taking each lock once (and waiting for those work items), after the
 * counter was read, waits for such a writer to finish.  IPv6 routes need
 * nothing:
 * the dump takes each table's tb6_lock itself.  @net is alive (the caller
 * holds a reference).
 */
void rfn_net_wait_writers(struct net *net)
{
	struct fib_rules_ops *ops[2] = {};
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
	for (i = 0; i < ARRAY_SIZE(ops); i++) {
		if (!ops[i])
			continue;
		mutex_lock(&ops[i]->lock);
		mutex_unlock(&ops[i]->lock);
	}
}

/* The namespace's counter (the caller holds a reference on @net). */
u64 rfn_net_seq_of(struct net *net)
{
	struct rfn_net *rn = net_generic(net, rfn_net_id);

	return atomic64_read(&rn->seq);
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
#ifdef RFN_KUNIT
	/*
	 * fault_net_setup: the set-up fails now; the replay goes on only
	 * once the kernel had the time to undo it (or, with the pin, could
	 * not: its undo waits for us).
	 */
	if (net && READ_ONCE(rn->fault_failing))
		msleep(300);
#endif
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

unsigned int rfn_net_inum(const struct net *net)
{
	return net->ns.inum;
}

#ifdef RFN_KUNIT
/*
 * Test builds, debugfs fault_hold_rule: write a namespace's inode number
 * to hold each of its rule adds after the bridge counted and forwarded it
 * (busy-waiting up to 10 s, until 0 is written): the kernel notifies a rule
 * before it links it, under the family's rules lock, so a replay that read
 * the count meanwhile must wait for that lock (seq_counter.rs;
 * tests/guest/t55_rule_race_held.sh).
 */
static atomic64_t rfn_hold_rule_inum = ATOMIC64_INIT(0);
static atomic_t rfn_hold_rule_holding = ATOMIC_INIT(0);

static void rfn_hold_rule(const struct rfn_net *rn, unsigned long event)
{
	unsigned long end = jiffies + 10 * HZ;

	if (event != FIB_EVENT_RULE_ADD ||
	    atomic64_read(&rfn_hold_rule_inum) != rn->net->ns.inum)
		return;
	atomic_inc(&rfn_hold_rule_holding);
	while (atomic64_read(&rfn_hold_rule_inum) == rn->net->ns.inum &&
	       time_before(jiffies, end))
		cpu_relax();
	atomic_dec(&rfn_hold_rule_holding);
}
#endif

static int rfn_bridge_call(struct notifier_block *nb, unsigned long event,
			   void *ptr)
{
	struct rfn_net *rn = container_of(nb, struct rfn_net, nb);
	struct fib_notifier_info *info = ptr;

	/* Unicast routes and rules only: ipmr/ip6mr events are out of scope. */
	int ret;

	if (info->family != AF_INET && info->family != AF_INET6)
		return NOTIFY_DONE;
	ret = rfn_rs_bridge_event(rn, event, info);
#ifdef RFN_KUNIT
	rfn_hold_rule(rn, event);
#endif
	if (!(ret & NOTIFY_STOP_MASK))
		return ret;
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

/* debugfs fault_bridge_busy: the next N attachments fail with -EBUSY. */
static atomic_t rfn_fault_bridge_busy = ATOMIC_INIT(0);

void rfn_set_fault_bridge_busy(unsigned int n)
{
	atomic_set(&rfn_fault_bridge_busy, n);
}

unsigned int rfn_get_fault_bridge_busy(void)
{
	return atomic_read(&rfn_fault_bridge_busy);
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
	if (!err && atomic_dec_if_positive(&rfn_fault_bridge_busy) >= 0) {
		/* Fault injection: as if the last check had been inconsistent. */
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
		pr_info("rust_fib_notifier: namespace %u bridged after %u retries\n",
			rn->net->ns.inum, rn->retries);
		return;
	}
	rn->retries++;
	delay = min_t(unsigned long, (HZ / 10) << min(rn->retries, 10U),
		      RFN_RETRY_MAX_DELAY);
	pr_warn_ratelimited("rust_fib_notifier: namespace %u not bridged yet (%d), retry %u\n",
			    rn->net->ns.inum, err, rn->retries);
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

	rn->net = net;
	atomic64_set(&rn->seq, 0);
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

	if (rfn_net_bridge(rn)) {
		atomic64_inc(&rfn_bridge_deferred);
		queue_delayed_work(system_dfl_wq, &rn->retry, HZ / 10);
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

#ifdef RFN_KUNIT
/*
 * Test builds, debugfs fault_net_setup: the next N namespace set-ups fail
 * after the bridge's init, in a pernet device operation (the tail of the
 * list, after loopback's), as a failing device init would.  It fails once a
 * replay pinned the namespace (or after 2 s), and rfn_net_pin() keeps that
 * replay asleep long enough for the kernel to undo the set-up and free the
 * namespace, if nothing waits for the replay
 * (tests/guest/t43_netns_setup_fails.sh).
 */
static atomic_t rfn_fault_net_setup = ATOMIC_INIT(0);
/* Set-ups that failed while a replay held the namespace. */
static atomic_t rfn_fault_net_pinned = ATOMIC_INIT(0);

void rfn_set_fault_net_setup(unsigned int n)
{
	atomic_set(&rfn_fault_net_setup, n);
}

unsigned int rfn_get_fault_net_setup(bool pinned)
{
	return atomic_read(pinned ? &rfn_fault_net_pinned : &rfn_fault_net_setup);
}

static int __net_init rfn_fault_net_init(struct net *net)
{
	struct rfn_net *rn = net_generic(net, rfn_net_id);
	int i;

	if (atomic_dec_if_positive(&rfn_fault_net_setup) < 0)
		return 0;
	WRITE_ONCE(rn->fault_failing, true);
	for (i = 0; i < 2000 && atomic_read(&rn->pins) < 2; i++)
		usleep_range(1000, 2000);
	if (i < 2000)
		atomic_inc(&rfn_fault_net_pinned);
	return -ENOMEM;
}

/*
 * Test builds, debugfs fault_hold_append: write a namespace's inode number
 * to put a block on its kernel FIB chain, ahead of the bridge (priority 0
 * against INT_MIN), that busy-waits in every IPv6 ENTRY_APPEND (up to 10 s)
 * until 0 is written: it holds a multipath append between the kernel's
 * linking of the siblings and the bridge's count, where a replay can walk
 * them (seq_counter.rs; tests/guest/t93_ipv6_append_race.sh).  It spins
 * in the kernel's RCU read section: grace periods wait meanwhile (the test
 * kernel has preemptible RCU, so the shell that writes 0 still runs).
 */
static struct net *rfn_hold_net;	/* under rfn_hold_lock */
static DEFINE_MUTEX(rfn_hold_lock);
static atomic_t rfn_hold_armed = ATOMIC_INIT(0);
static atomic_t rfn_hold_holding = ATOMIC_INIT(0);

static int rfn_hold_call(struct notifier_block *nb, unsigned long event,
			 void *ptr)
{
	struct fib_notifier_info *info = ptr;
	unsigned long end = jiffies + 10 * HZ;

	if (event != FIB_EVENT_ENTRY_APPEND || info->family != AF_INET6 ||
	    !atomic_read(&rfn_hold_armed))
		return NOTIFY_DONE;
	atomic_inc(&rfn_hold_holding);
	while (atomic_read(&rfn_hold_armed) && time_before(jiffies, end))
		cpu_relax();
	atomic_dec(&rfn_hold_holding);
	return NOTIFY_DONE;
}

static struct notifier_block rfn_hold_nb = {
	.notifier_call = rfn_hold_call,
};

static void rfn_hold_release(void)
{
	atomic_set(&rfn_hold_armed, 0);
	if (rfn_hold_net) {
		unregister_fib_notifier(rfn_hold_net, &rfn_hold_nb);
		put_net(rfn_hold_net);
		rfn_hold_net = NULL;
	}
}

static int rfn_set_hold_append(u64 inum)
{
	struct net *net = NULL, *pos;
	int err = 0;

	mutex_lock(&rfn_hold_lock);
	rfn_hold_release();
	if (inum) {
		/* Fully set up namespaces only (see rfn_net_get_by_cookie()). */
		rcu_read_lock();
		for_each_net_rcu(pos)
			if (pos->ns.inum == inum) {
				net = maybe_get_net(pos);
				break;
			}
		rcu_read_unlock();
		err = net ? register_fib_notifier(net, &rfn_hold_nb, NULL, NULL) :
			    -ENOENT;
		if (!err) {
			rfn_hold_net = net;
			atomic_set(&rfn_hold_armed, 1);
		} else if (net) {
			put_net(net);
		}
	}
	mutex_unlock(&rfn_hold_lock);
	return err;
}

/* "<armed> <holding>" */
/* debugfs fault_hold_append (@rule false) and fault_hold_rule (true). */
int rfn_set_hold(bool rule, u64 inum)
{
	if (!rule)
		return rfn_set_hold_append(inum);
	atomic64_set(&rfn_hold_rule_inum, inum);
	return 0;
}

/* Whether it is armed, or (@holding) how many changes it holds now. */
unsigned int rfn_get_hold(bool rule, bool holding)
{
	if (rule)
		return holding ? atomic_read(&rfn_hold_rule_holding) :
				 !!atomic64_read(&rfn_hold_rule_inum);
	return atomic_read(holding ? &rfn_hold_holding : &rfn_hold_armed);
}

static struct pernet_operations rfn_fault_net_ops = {
	.init = rfn_fault_net_init,
};
#endif

int rfn_bridge_register(void)
{
	int err = register_pernet_subsys(&rfn_net_ops);

#ifdef RFN_KUNIT
	if (!err) {
		err = register_pernet_device(&rfn_fault_net_ops);
		if (err)
			unregister_pernet_subsys(&rfn_net_ops);
	}
#endif
	return err;
}

void rfn_bridge_unregister(void)
{
#ifdef RFN_KUNIT
	mutex_lock(&rfn_hold_lock);
	rfn_hold_release();
	mutex_unlock(&rfn_hold_lock);
	unregister_pernet_device(&rfn_fault_net_ops);
#endif
	unregister_pernet_subsys(&rfn_net_ops);
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
	/* Valid while the namespace is bridged: the family exits after us. */
	if (!ops || !try_module_get(ops->owner))
		return 0;
	err = ops->fib_dump(net, nb, extack);
	module_put(ops->owner);
	return err;
}

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

		if (i >= fib_info_num_path(fen->fi))
			return -ENOENT;
		rfn_nhc_fill(fib_info_nhc(fen->fi, i), out);
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

/* NL_SET_ERR_MSG() wants a literal; @msg is a static string from Rust. */
void rfn_info_set_extack(struct fib_notifier_info *info, const char *msg)
{
	if (info->extack)
		info->extack->_msg = msg;
}

struct workqueue_struct *rfn_alloc_ordered_wq(const char *name)
{
	return alloc_ordered_workqueue("%s", WQ_MEM_RECLAIM, name);
}

/* A registration's resync work (chain.rs): on the unbound system queue. */
static_assert(offsetof(struct delayed_work, work) == 0);

void rfn_delayed_work_init(struct delayed_work *dw, work_func_t fn)
{
	INIT_DELAYED_WORK(dw, fn);
}

bool rfn_delayed_work_queue(struct delayed_work *dw, unsigned int delay_ms)
{
	return queue_delayed_work(system_dfl_wq, dw, msecs_to_jiffies(delay_ms));
}

void rfn_delayed_work_cancel_sync(struct delayed_work *dw)
{
	cancel_delayed_work_sync(dw);
}

void rfn_cond_resched(void)
{
	cond_resched();
}

#ifdef RFN_KUNIT
/*
 * KUnit (c_api_tests.rs): whether lockdep can answer "does the caller hold
 * RTNL?"; if not, the current test is marked skipped, not passed.
 */
bool rfn_kunit_lockdep_on(void)
{
	struct kunit *test = kunit_get_current_test();

	if (debug_locks)
		return true;
	if (test)
		kunit_mark_skipped(test, "lock debugging is off (a splat or a taint before)");
	return false;
}
#endif

/* A busy wait (a test knob of the mock switchdev: a slow listener). */
void rfn_udelay(unsigned int us)
{
	mdelay(us / 1000);
	udelay(us % 1000);
}

/*
 * The exported C API: thin wrappers over c_api.rs.  While a C listener is
 * registered this module holds a reference on itself, so it cannot be
 * unloaded under the listener (the listener's module also depends on ours
 * through these symbols).
 */
#ifdef CONFIG_PROVE_LOCKING
/*
 * Whether the caller holds RTNL, as far as lockdep knows.  Lockdep's "is
 * held" answers yes once lock debugging is off (after any splat or taint,
 * debug_locks is 0): only trust it while it is on.
 */
static bool rfn_caller_holds_rtnl(void)
{
	return debug_locks && lockdep_rtnl_is_held();
}
#else
static bool rfn_caller_holds_rtnl(void)
{
	return false;
}
#endif

static int rfn_register(struct net *net, struct notifier_block *nb,
			const struct rust_fib_notifier_ops *ops,
			struct netlink_ext_ack *extack)
{
	int err;

	/*
	 * The block is never on a chain itself (a node is, in registration
	 * order): a priority would silently mean nothing.
	 */
	if (!nb || nb->priority)
		return -EINVAL;
	/*
	 * Registration takes RTNL (to wait for writers, see seq_counter.rs):
	 * a caller that holds it would deadlock.  Lockdep knows who holds it.
	 */
	if (rfn_caller_holds_rtnl()) {
		pr_warn("rust_fib_notifier: %ps registers with RTNL held; registration takes RTNL itself\n",
			__builtin_return_address(0));
		return -EDEADLK;
	}
	__module_get(THIS_MODULE);
	err = rfn_rs_c_register(net, nb, ops ? ops->flush : NULL,
				ops ? ops->flush_net : NULL,
				ops && (ops->flags & RUST_FIB_NOTIFIER_F_NEXTHOPS),
				extack);
	if (err)
		module_put(THIS_MODULE);
	return err;
}

/*
 * A listener's module that goes away with its listener still registered
 * (it forgot, or its init failed after registering): the chain would call
 * into freed text.  Its exit has run, its memory is not freed yet
 * (MODULE_STATE_GOING): the listener is unregistered here, loudly.  A
 * module reference held while registered would do it too, but then a
 * driver that unregisters in its exit could never be unloaded.
 */
bool rfn_within_module(const void *addr, void *mod)
{
	return addr && within_module((unsigned long)addr, mod);
}

void rfn_c_listener_forced_off(const void *call, void *mod)
{
	pr_err("rust_fib_notifier: module %s went away with listener %ps still registered: unregistered it\n",
	       ((struct module *)mod)->name, call);
	module_put(THIS_MODULE);
}

static int rfn_module_event(struct notifier_block *nb, unsigned long action,
			    void *data)
{
	if (action == MODULE_STATE_GOING)
		rfn_rs_c_module_going(data);
	return NOTIFY_DONE;
}

static struct notifier_block rfn_module_nb = {
	.notifier_call = rfn_module_event,
};

int rfn_c_api_init(void)
{
	return register_module_notifier(&rfn_module_nb);
}

void rfn_c_api_exit(void)
{
	unregister_module_notifier(&rfn_module_nb);
}

int rust_fib_notifier_register(struct notifier_block *nb,
			       void (*cb)(struct notifier_block *nb),
			       struct netlink_ext_ack *extack)
{
	struct rust_fib_notifier_ops ops = { .flush = cb };

	return rfn_register(NULL, nb, &ops, extack);
}
EXPORT_SYMBOL_NS_GPL(rust_fib_notifier_register, RUST_FIB_NOTIFIER_NS);

int rust_fib_notifier_register_net(struct net *net, struct notifier_block *nb,
				   void (*cb)(struct notifier_block *nb),
				   struct netlink_ext_ack *extack)
{
	struct rust_fib_notifier_ops ops = { .flush = cb };

	if (!net)
		return -EINVAL;
	return rfn_register(net, nb, &ops, extack);
}
EXPORT_SYMBOL_NS_GPL(rust_fib_notifier_register_net, RUST_FIB_NOTIFIER_NS);

int rust_fib_notifier_register_ops(struct net *net, struct notifier_block *nb,
				   const struct rust_fib_notifier_ops *ops,
				   struct netlink_ext_ack *extack)
{
	if (ops && (ops->flags & ~RUST_FIB_NOTIFIER_F_NEXTHOPS))
		return -EINVAL;
	return rfn_register(net, nb, ops, extack);
}
EXPORT_SYMBOL_NS_GPL(rust_fib_notifier_register_ops, RUST_FIB_NOTIFIER_NS);

int rust_fib_notifier_resync(struct notifier_block *nb, struct net *net)
{
	/* Queued, never done here: RTNL held or not, it cannot deadlock. */
	might_sleep();
	if (!nb || !net)
		return -EINVAL;
	return rfn_rs_c_resync(nb, net);
}
EXPORT_SYMBOL_NS_GPL(rust_fib_notifier_resync, RUST_FIB_NOTIFIER_NS);

struct net *rust_fib_notifier_get_net(u64 net_cookie)
{
	return rfn_net_get_by_cookie(net_cookie);
}
EXPORT_SYMBOL_NS_GPL(rust_fib_notifier_get_net, RUST_FIB_NOTIFIER_NS);

int rust_fib_notifier_unregister(struct notifier_block *nb)
{
	int err;

	/* It waits for a resync in progress, which takes RTNL. */
	if (rfn_caller_holds_rtnl())
		pr_warn("rust_fib_notifier: %ps unregisters with RTNL held; it may deadlock with a resync\n",
			__builtin_return_address(0));
	err = rfn_rs_c_unregister(nb);

	if (!err)
		module_put(THIS_MODULE);
	return err;
}
EXPORT_SYMBOL_NS_GPL(rust_fib_notifier_unregister, RUST_FIB_NOTIFIER_NS);
