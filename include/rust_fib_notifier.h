/* SPDX-License-Identifier: GPL-2.0 */
/*
 * rust_fib_notifier: one atomic FIB notifier chain for every network
 * namespace, with dump-and-replay on registration (the Linux 4.11 design).
 *
 * A listener is a struct notifier_block.  Its notifier_call runs in atomic
 * context (under RCU, possibly with BH disabled): it must not sleep.  It is
 * called with an event from enum fib_event_type (or RUST_FIB_EVENT_NETNS_EXIT)
 * and a pointer to struct rust_fib_notifier_info.
 */
#ifndef _RUST_FIB_NOTIFIER_H
#define _RUST_FIB_NOTIFIER_H

#include <linux/notifier.h>
#include <linux/types.h>
#include <net/fib_notifier.h>

struct net;
struct netlink_ext_ack;

/*
 * The namespace @net is gone: forget everything received for it.  @info is
 * NULL.  Sent once per namespace, after its last FIB event.
 */
#define RUST_FIB_EVENT_NETNS_EXIT	0x100

/**
 * struct rust_fib_notifier_info - what a listener's notifier_call receives
 * @net: the namespace the event belongs to
 * @info: the kernel's own FIB notifier info (container_of() it into
 *	struct fib_entry_notifier_info, fib6_entry_notifier_info,
 *	fib_rule_notifier_info, fib_nh_notifier_info as usual); NULL for
 *	RUST_FIB_EVENT_NETNS_EXIT
 * @replay: true while the registration replays existing state
 */
struct rust_fib_notifier_info {
	struct net *net;
	struct fib_notifier_info *info;
	bool replay;
};

/**
 * rust_fib_notifier_register - register a listener on every namespace
 * @nb: the listener; its notifier_call gets struct rust_fib_notifier_info
 * @cb: called (process context) each time the replay was inconsistent,
 *	before the next try: forget everything received so far.  May be NULL.
 * @extack: where a veto during the replay reports (may be NULL)
 *
 * Replays every namespace's rules, then every table entry, to @nb alone,
 * puts @nb on the chain, and checks that nothing changed meanwhile; else
 * unregisters, calls @cb and tries again, 5 times in all.  Sleeps, and
 * takes RTNL: never call it with RTNL held (with lockdep it fails with
 * -EDEADLK and a warning in the kernel log; without, it deadlocks).
 *
 * Return: 0; -EBUSY when the FIB kept changing during 5 replays; -EEXIST
 * when @nb is registered already; -EINVAL when @nb is NULL; -EDEADLK when
 * the caller holds RTNL (lockdep kernels); -ENOMEM; or the error @nb
 * returned for a replayed event (the veto).
 */
int rust_fib_notifier_register(struct notifier_block *nb,
			       void (*cb)(struct notifier_block *nb),
			       struct netlink_ext_ack *extack);

/**
 * rust_fib_notifier_register_net - register a listener on one namespace
 * @net: the namespace (the caller holds a reference while registering)
 * @nb: as for rust_fib_notifier_register()
 * @cb: as for rust_fib_notifier_register()
 * @extack: as for rust_fib_notifier_register()
 *
 * Like rust_fib_notifier_register(), with the replay and the events
 * restricted to @net (mainline register_fib_notifier() semantics).  After
 * @net's RUST_FIB_EVENT_NETNS_EXIT, @nb gets nothing more.  Takes RTNL,
 * as rust_fib_notifier_register() does.
 *
 * Return: as for rust_fib_notifier_register().
 */
int rust_fib_notifier_register_net(struct net *net, struct notifier_block *nb,
				   void (*cb)(struct notifier_block *nb),
				   struct netlink_ext_ack *extack);

/**
 * rust_fib_notifier_unregister - unregister a listener
 * @nb: a registered listener
 *
 * When this returns, @nb's notifier_call is not running and will not be
 * called again.  Sleeps (waits for RCU readers).
 *
 * Return: 0; -ENOENT when @nb is not registered; -EINVAL when @nb is NULL.
 */
int rust_fib_notifier_unregister(struct notifier_block *nb);

#endif /* _RUST_FIB_NOTIFIER_H */
