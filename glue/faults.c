// SPDX-License-Identifier: GPL-2.0
/*
 * Test builds only (RFN_TEST_LISTENERS; Kbuild leaves this file out of the
 * product module): the fault injection knobs behind debugfs (bridges that
 * fail to attach, namespace set-ups that fail, changes held in the kernel's
 * notifier calls) and the KUnit hooks (RFN_KUNIT).
 * The bridge calls in through faults.h, whose stubs are empty in the
 * product build.
 */
#include <linux/atomic.h>
#include <linux/debug_locks.h>
#include <linux/delay.h>
#include <linux/jiffies.h>
#include <linux/mutex.h>
#include <linux/notifier.h>
#include <net/fib_notifier.h>
#include <net/net_namespace.h>
#include <net/netns/generic.h>
#ifdef RFN_KUNIT
#include <kunit/test.h>
#include <kunit/test-bug.h>
#endif

#include "glue.h"
#include "bridge.h"
#include "faults.h"

/* Test builds, debugfs fault_bridge_busy: the next N attachments fail. */
static atomic_t rfn_fault_bridge_busy_left = ATOMIC_INIT(0);

void rfn_set_fault_bridge_busy(unsigned int n)
{
	atomic_set(&rfn_fault_bridge_busy_left, n);
}

unsigned int rfn_get_fault_bridge_busy(void)
{
	return atomic_read(&rfn_fault_bridge_busy_left);
}

bool rfn_fault_bridge_busy(void)
{
	return atomic_dec_if_positive(&rfn_fault_bridge_busy_left) >= 0;
}

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

void rfn_hold_rule(const struct rfn_net *rn, unsigned long event)
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

/*
 * Test builds, debugfs fault_net_setup: the next N namespace set-ups fail
 * after the bridge's init, in a pernet device operation (the tail of the
 * list, after loopback's), as a failing device init would.  It fails once a
 * replay pinned the namespace (or after 2 s), and rfn_fault_pinned() keeps
 * that replay asleep long enough for the kernel to undo the set-up and free
 * the namespace, if nothing waits for the replay
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
 * fault_net_setup: a replay pinned @rn, whose set-up fails now; the replay
 * goes on only once the kernel had the time to undo it (or, with the pin,
 * could not: its undo waits for us).
 */
void rfn_fault_pinned(const struct rfn_net *rn)
{
	if (READ_ONCE(rn->fault_failing))
		msleep(300);
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

int rfn_faults_register(void)
{
	return register_pernet_device(&rfn_fault_net_ops);
}

void rfn_faults_unregister(void)
{
	mutex_lock(&rfn_hold_lock);
	rfn_hold_release();
	mutex_unlock(&rfn_hold_lock);
	unregister_pernet_device(&rfn_fault_net_ops);
}

#ifdef RFN_KUNIT
/* KUnit (chain_tests.rs): a chain of a test's own (chain.rs Chain::isolated). */
void rfn_chain_init(struct atomic_notifier_head *head)
{
	ATOMIC_INIT_NOTIFIER_HEAD(head);
}

/*
 * KUnit (c_api_tests.rs): the running test's private pointer (its chain),
 * NULL when the caller runs no KUnit test.
 */
void *rfn_kunit_priv(void)
{
	struct kunit *test = kunit_get_current_test();

	return test ? test->priv : NULL;
}

/* Sets the running test's private pointer; false if no test runs. */
bool rfn_kunit_set_priv(void *priv)
{
	struct kunit *test = kunit_get_current_test();

	if (!test)
		return false;
	test->priv = priv;
	return true;
}

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
