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

#endif /* _RUST_FIB_NOTIFIER_H */
