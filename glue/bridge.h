/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The bridge's per-namespace state (bridge.c), shared with the test
 * builds' fault injection (faults.c).
 */
#ifndef _RFN_GLUE_BRIDGE_H
#define _RFN_GLUE_BRIDGE_H

#include <linux/atomic.h>
#include <linux/list.h>
#include <linux/notifier.h>
#include <linux/types.h>
#include <linux/workqueue.h>

#include "../include/rust_fib_notifier.h"

struct net;
struct task_struct;

/* The families counted apart (RUST_FIB_NOTIFIER_FAMILY_ALL's bits). */
#define RFN_FAMILIES	6
static_assert(RUST_FIB_NOTIFIER_FAMILY_ALL == (1 << RFN_FAMILIES) - 1);

/*
 * struct rfn_net - the bridge of one namespace
 * @nb: our block on the namespace's kernel FIB chain
 * @nh_nb: our block on the namespace's kernel nexthop chain
 * @list: on rfn_nets (RCU readers; writers hold RTNL)
 * @net: the namespace
 * @seq: its change counters, one per family (RUST_FIB_NOTIFIER_FAMILY_*
 *	bit i counts in @seq[i]; see seq_counter.rs); never reset while the
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
 * @fault_failing: test builds: its set-up fails (faults.c)
 */
struct rfn_net {
	struct notifier_block nb;
	struct notifier_block nh_nb;
	struct list_head list;
	struct net *net;
	atomic64_t seq[RFN_FAMILIES];
	struct delayed_work retry;
	unsigned int retries;
	bool bridged;
	struct task_struct *replaying;
	atomic_t pins;
#ifdef RFN_TEST_LISTENERS
	bool fault_failing;
#endif
};

/* The bridge's pernet id: net_generic(net, rfn_net_id) is its struct rfn_net. */
extern unsigned int rfn_net_id;

#endif /* _RFN_GLUE_BRIDGE_H */
