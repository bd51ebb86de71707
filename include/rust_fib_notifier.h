/* SPDX-License-Identifier: GPL-2.0 */
/*
 * rust_fib_notifier: one atomic FIB notifier chain for every network
 * namespace, with dump-and-replay on registration (the Linux 4.11 design).
 *
 * A listener is a struct notifier_block.  Its notifier_call is called with
 * an event from enum fib_event_type (or RUST_FIB_EVENT_NETNS_EXIT, or, for
 * listeners that asked for them, a RUST_FIB_EVENT_NEXTHOP() event) and a
 * pointer to struct rust_fib_notifier_info, in the contexts below.
 *
 * An IPv6 FIB_EVENT_ENTRY_APPEND may name siblings the listener already
 * holds: the kernel links a multipath append's siblings, then notifies
 * them holding no lock, so a replay can deliver them first.  Apply it as a
 * union (each sibling fib6_info held once): the kernel never lets one
 * route have two equal nexthops (rt6_duplicate_nexthop(): device,
 * gateway, encap).
 */
/**
 * DOC: Contexts
 *
 * Every notifier_call runs in atomic context, under RCU (the chain is an
 * atomic notifier chain): it must not sleep, allocates with GFP_ATOMIC, and
 * every lock it shares with process context is taken there with BH
 * disabled (spin_lock_bh()): a plain spin_lock() deadlocks when the
 * softirq below interrupts its holder.  Per event:
 *
 *  - IPv4 routes (FIB_EVENT_ENTRY_*, AF_INET): process context, RTNL held.
 *  - IPv6 routes (FIB_EVENT_ENTRY_*, AF_INET6): the route's table lock
 *    (tb6_lock) held, BH disabled, RTNL not held; in process context, or
 *    in softirq: route expiry from the IPv6 GC timer, routes from router
 *    advertisements (NET_RX).
 *  - rules (FIB_EVENT_RULE_*): process context, the family's rules lock
 *    held (RTNL too only for the first custom IPv4 rule).
 *  - multicast routing (@family RUST_FIB_NOTIFIER_FAMILY_IPMR or _IP6MR):
 *    process context, RTNL held; FIB_EVENT_VIF_DEL also under the
 *    family's mrt_lock (a spinlock); rules as below.
 *  - nexthop objects (RUST_FIB_EVENT_NEXTHOP()): process context, RTNL held;
 *    NEXTHOP_EVENT_BUCKET_REPLACE from a resilient group's upkeep work
 *    holds no lock.
 *  - RUST_FIB_EVENT_NETNS_EXIT: process context (the namespace's pernet
 *    exit, or its bridge's attachment), RTNL not held.
 *  - replayed events (@replay set): the registering task, or the module's
 *    resync work; routes and rules under RCU alone, nexthop objects with
 *    RTNL held.
 *
 * The flush callbacks (struct rust_fib_notifier_ops) run in process
 * context, in the registering task or the module's resync work.
 */

#ifndef _RUST_FIB_NOTIFIER_H
#define _RUST_FIB_NOTIFIER_H

#include <linux/notifier.h>
#include <linux/types.h>
#include <net/fib_notifier.h>
#include <net/nexthop.h>

struct net;
struct netlink_ext_ack;

/*
 * The API's version, for listeners built against several: 4 added
 * multicast routing (RUST_FIB_NOTIFIER_F_MULTICAST,
 * RUST_FIB_NOTIFIER_FAMILY_IPMR and _IP6MR); 3 added mark
 * and sweep (RUST_FIB_NOTIFIER_F_RECONCILE), registrations per family
 * (RUST_FIB_NOTIFIER_F_FAMILIES) and struct rust_fib_notifier_info's
 * @family; 2 added
 * struct rust_fib_notifier_info's @net_lives, queued resyncs
 * (rust_fib_notifier_resync() no longer waits), the refusal of a block
 * with a priority and the symbol namespace; 1 was the first release.
 */
#define RUST_FIB_NOTIFIER_API_VERSION	4

/*
 * The API's symbols are in this symbol namespace: a listener's module
 * says MODULE_IMPORT_NS(RUST_FIB_NOTIFIER_NS).
 */
#define RUST_FIB_NOTIFIER_NS	"RUST_FIB_NOTIFIER"

/*
 * Forget everything received for the namespace @net (@info is NULL).  Sent
 * in two cases, told apart by struct rust_fib_notifier_info's @net_lives:
 *  - false: the namespace is being dismantled (sent once, after its last
 *    FIB event; its routes are going away, no flag needs clearing, and
 *    rust_fib_notifier_get_net() no longer finds it);
 *  - true: the namespace lives on, but its bridge failed to attach (the
 *    kernel's register_fib_notifier() found it inconsistent 5 times, or
 *    its dump failed) after part of it was forwarded; it is replayed when
 *    its bridge attaches later.  Its routes stay: clear the flags you set
 *    on them (rust_fib_notifier_get_net() finds it, unless it failed
 *    during the namespace's own set-up, when it has no routes yet).
 */
#define RUST_FIB_EVENT_NETNS_EXIT	0x100

/*
 * Nexthop object events (ip nexthop), for listeners registered with
 * RUST_FIB_NOTIFIER_F_NEXTHOPS: RUST_FIB_EVENT_NEXTHOP(NEXTHOP_EVENT_REPLACE)
 * and so on, one for each enum nexthop_event_type, with @nh_info (below) the
 * kernel's own struct nh_notifier_info, read as a driver on the kernel's
 * nexthop chain reads it (its type says which union member is valid).
 *
 * Contexts: as every event, under RCU and atomic.  The kernel sends them in
 * process context with RTNL (and its nexthop chain's rwsem, for reading)
 * held; except NEXTHOP_EVENT_BUCKET_REPLACE from a resilient group's upkeep
 * work, which holds no lock.  A registration's replay sends
 * NEXTHOP_EVENT_REPLACE for every object, RTNL held, before the
 * namespace's rules and routes (routes name their object: fib_info->nh,
 * fib6_info->nh).  When a namespace's bridge attaches (a new namespace, or
 * one bridged late) its routes may come before its objects.
 *
 * A listener's error is a veto, with the message it put in
 * @nh_info->extack, for REPLACE of an object added or replaced by the user,
 * RES_TABLE_PRE_REPLACE, and BUCKET_REPLACE (non-forced, or forced by the
 * replace of a single nexthop): the kernel refuses the change, and every
 * listener then resyncs the namespace (a refused bucket move too, which the
 * kernel just retries later).  DEL, the REPLACE of a group losing a member,
 * forced bucket moves of the upkeep work and replayed REPLACEs cannot be
 * refused.  For HW_STATS_REPORT_DELTA the listener reports with
 * nh_grp_hw_stats_report_delta().
 */
#define RUST_FIB_EVENT_NEXTHOP_BASE	0x200
#define RUST_FIB_EVENT_NEXTHOP(e)	(RUST_FIB_EVENT_NEXTHOP_BASE + (e))

/* The whole range: a later kernel's new nexthop events land in it too. */
static inline bool rust_fib_notifier_event_is_nexthop(unsigned long event)
{
	return event >= RUST_FIB_EVENT_NEXTHOP_BASE &&
	       event < RUST_FIB_EVENT_NEXTHOP_BASE + 0x100;
}

/*
 * Multicast routing, for listeners registered with
 * RUST_FIB_NOTIFIER_F_MULTICAST (or the RUST_FIB_NOTIFIER_FAMILY_IPMR,
 * _IP6MR bits): the events of the kernel's RTNL_FAMILY_IPMR and
 * RTNL_FAMILY_IP6MR notifier ops, with @info their own notifier info, read
 * as mlxsw's spectrum_router.c reads it: FIB_EVENT_VIF_ADD and
 * FIB_EVENT_VIF_DEL with struct vif_entry_notifier_info (the VIF's device
 * and index, its table); FIB_EVENT_ENTRY_ADD, FIB_EVENT_ENTRY_REPLACE
 * (the entry's parent or output VIFs changed, in place) and
 * FIB_EVENT_ENTRY_DEL with struct mfc_entry_notifier_info (container_of()
 * @mfc into struct mfc_cache or mfc6_cache for the source and group); and
 * FIB_EVENT_RULE_ADD/DEL of the multicast routing rules.  A replay sends
 * each table's VIFs before its entries, after the family's rules, per
 * namespace after its unicast routes.  An entry is refcounted: a listener
 * that keeps it past the callback takes mr_cache_hold() there and drops
 * it (mr_cache_put()) on the entry's DEL, a flush, or the namespace's exit
 * at the latest.  A listener that offloads an entry sets MFC_OFFLOAD in its
 * mfc_flags (and clears it when it stops), which `ip mroute` shows as
 * "offload".  An entry added while a replay walks its table may come twice
 * (replayed, then as its live ADD): apply ADD of an entry held as a
 * replace.  Multicast events cannot be vetoed (the kernel ignores the
 * return value).
 */

/**
 * struct rust_fib_notifier_info - what a listener's notifier_call receives
 * @net: the namespace the event belongs to
 * @info: for FIB events, the kernel's own FIB notifier info
 *	(container_of() it into struct fib_entry_notifier_info,
 *	fib6_entry_notifier_info, fib_rule_notifier_info,
 *	fib_nh_notifier_info as usual); NULL for RUST_FIB_EVENT_NETNS_EXIT
 * @nh_info: for RUST_FIB_EVENT_NEXTHOP() events, the kernel's own
 *	struct nh_notifier_info
 * @replay: true while the registration replays existing state
 * @net_lives: for RUST_FIB_EVENT_NETNS_EXIT, whether the namespace lives on
 *	(see there); false for every other event
 * @family: the event's family, one RUST_FIB_NOTIFIER_FAMILY_* bit
 *	(RUST_FIB_NOTIFIER_FAMILY_ALL for RUST_FIB_EVENT_NETNS_EXIT)
 */
/*
 * The families a listener registers for (struct rust_fib_notifier_ops'
 * @families), and an event's (struct rust_fib_notifier_info's @family).
 * Each namespace counts the changes of each family apart: a listener is
 * replayed and sent only its families, and only their changes make its
 * registration or resync try again.
 */
#define RUST_FIB_NOTIFIER_FAMILY_IPV4	BIT(0)	/* IPv4 routes, FIB_EVENT_NH_* */
#define RUST_FIB_NOTIFIER_FAMILY_IPV6	BIT(1)	/* IPv6 routes */
#define RUST_FIB_NOTIFIER_FAMILY_RULES	BIT(2)	/* IPv4 and IPv6 rules */
#define RUST_FIB_NOTIFIER_FAMILY_NEXTHOPS BIT(3) /* nexthop objects */
#define RUST_FIB_NOTIFIER_FAMILY_IPMR	BIT(4)	/* IPv4 multicast routing */
#define RUST_FIB_NOTIFIER_FAMILY_IP6MR	BIT(5)	/* IPv6 multicast routing */
#define RUST_FIB_NOTIFIER_FAMILY_MULTICAST \
	(RUST_FIB_NOTIFIER_FAMILY_IPMR | RUST_FIB_NOTIFIER_FAMILY_IP6MR)
#define RUST_FIB_NOTIFIER_FAMILY_ALL	GENMASK(5, 0)

struct rust_fib_notifier_info {
	struct net *net;
	union {
		struct fib_notifier_info *info;
		struct nh_notifier_info *nh_info;
	};
	bool replay;
	bool net_lives;
	u8 family;
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
 * @nb->priority must be 0: listeners are called in the order they
 * registered (every registration replays alone, so no order among
 * listeners can be promised for the replay).
 *
 * Return: 0; -EBUSY when the FIB kept changing during 5 replays; -EEXIST
 * when @nb is registered already; -EINVAL when @nb is NULL or
 * @nb->priority is not 0; -EDEADLK when the caller holds RTNL (lockdep
 * kernels); -ENOMEM; or the error @nb returned for a replayed event (the
 * veto).
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

/* struct rust_fib_notifier_ops.flags */
#define RUST_FIB_NOTIFIER_F_NEXTHOPS	BIT(0)	/* nexthop object events too */
#define RUST_FIB_NOTIFIER_F_RECONCILE	BIT(1)	/* @mark_stale, @sweep_stale */
#define RUST_FIB_NOTIFIER_F_FAMILIES	BIT(2)	/* @families */
#define RUST_FIB_NOTIFIER_F_MULTICAST	BIT(3)	/* multicast routing too */

/**
 * struct rust_fib_notifier_ops - a listener's flush callbacks and options
 * @flush: forget everything received so far (process context, in the
 *	registering task or the module's resync work; no lock of the
 *	module's that the listener's own work could need is held).  Called
 *	when a registration gives up (-EBUSY, a veto) and, for a listener
 *	without @flush_net, on every inconsistent try.  May be NULL.
 * @flush_net: forget everything received for the namespace whose
 *	net->net_cookie is @net_cookie (the namespace may be gone already).
 *	Process context; no event of that namespace is in flight for @nb, and
 *	none arrives until it has been replayed again.  With it, a retry or a
 *	resync replays only the namespaces that changed; without it (NULL),
 *	every retry flushes and replays everything.
 * @flags: RUST_FIB_NOTIFIER_F_NEXTHOPS: also receive nexthop object events
 *	(replayed first, then live), as a switchdev driver that offloads
 *	routes with `nhid` needs.  Listeners registered without it (and
 *	through the older functions) get FIB events only.  (A field added
 *	after the first release: rebuild listeners against this header.)
 *	RUST_FIB_NOTIFIER_F_MULTICAST: also receive multicast routing
 *	events (see RUST_FIB_NOTIFIER_FAMILY_IPMR).
 *	RUST_FIB_NOTIFIER_F_RECONCILE: the fields below are set; the listener
 *	repairs a namespace by mark and sweep instead of @flush_net.
 * @mark_stale: (RUST_FIB_NOTIFIER_F_RECONCILE) instead of @flush_net,
 *	before the namespace is replayed again (a retry, a resync, a veto's
 *	resync): everything held of it is stale until an event gives it again
 *	(a replayed or a live add or replace of the same entry makes it fresh;
 *	one that says what the listener holds already needs no hardware
 *	write).  Keep it meanwhile, in the hardware and with its flags.  Same
 *	context and guarantees as @flush_net.
 * @sweep_stale: (RUST_FIB_NOTIFIER_F_RECONCILE) the namespace's replay was
 *	consistent: drop what is still stale (gone from the kernel; all of it
 *	when the namespace is gone).  Process context, in the registering
 *	task or the module's resync work, after the namespace's events flow
 *	to @nb again: a driver that applies events from a queue queues this
 *	too, so that it is applied in order with them.  A registration or
 *	resync that fails (-EBUSY) leaves the stale entries marked; the next
 *	resync marks and sweeps again.  Both or neither must be set.
 * @families: (RUST_FIB_NOTIFIER_F_FAMILIES) the RUST_FIB_NOTIFIER_FAMILY_*
 *	bits the listener wants, at least one: replayed and sent only those,
 *	retried only for their changes (RUST_FIB_NOTIFIER_FAMILY_NEXTHOPS
 *	here is RUST_FIB_NOTIFIER_F_NEXTHOPS).  Without the flag: IPv4, IPv6
 *	and rules, nexthop objects with RUST_FIB_NOTIFIER_F_NEXTHOPS, and
 *	multicast routing with RUST_FIB_NOTIFIER_F_MULTICAST.
 */
struct rust_fib_notifier_ops {
	void (*flush)(struct notifier_block *nb);
	void (*flush_net)(struct notifier_block *nb, u64 net_cookie);
	unsigned int flags;
	void (*mark_stale)(struct notifier_block *nb, u64 net_cookie);
	void (*sweep_stale)(struct notifier_block *nb, u64 net_cookie);
	unsigned int families;
};

/**
 * rust_fib_notifier_register_ops - register a listener with per-namespace flush
 * @net: only this namespace (the caller holds a reference), or NULL for all
 * @nb: as for rust_fib_notifier_register()
 * @ops: the flush callbacks (may be NULL; copied, need not outlive the call)
 * @extack: as for rust_fib_notifier_register()
 *
 * Like rust_fib_notifier_register(), with consistency checked per
 * namespace: each replayed namespace's change counter is recorded, and a
 * failed check flushes (@ops->flush_net) and replays only the namespaces
 * whose counters moved, or that appeared or went away meanwhile, 5 tries
 * in all.  A registration restricted to @net reads @net's counter alone.
 *
 * With RUST_FIB_NOTIFIER_F_NEXTHOPS in @ops->flags each namespace's
 * nexthop objects are replayed first, under the same check.
 *
 * Return: as for rust_fib_notifier_register(); -EINVAL for unknown @flags,
 * RUST_FIB_NOTIFIER_F_RECONCILE without both @mark_stale and @sweep_stale,
 * or RUST_FIB_NOTIFIER_F_FAMILIES with no family or an unknown one.
 */
int rust_fib_notifier_register_ops(struct net *net, struct notifier_block *nb,
				   const struct rust_fib_notifier_ops *ops,
				   struct netlink_ext_ack *extack);

/**
 * rust_fib_notifier_resync - flush one namespace and replay it to one listener
 * @nb: a registered listener
 * @net: the namespace (the caller holds a reference)
 *
 * What a driver calls after it lost an event (a delete it could not queue)
 * or reset its hardware.  Queues the resync and returns: the module's
 * resync work (on system_dfl_wq, never the caller's context) stops
 * delivering @net's events to @nb, flushes @nb of it (@flush_net; without
 * one, of everything, and takes @nb off the chain for every namespace),
 * replays @net with the same counter check as a registration, and
 * delivers @net's events again.  Other namespaces' events keep flowing
 * meanwhile (with @flush_net).  A resync that fails (-EBUSY after 5
 * inconsistent tries, -ENOMEM) is tried again every 500 ms until it
 * succeeds or @nb is unregistered; until then @nb holds nothing of @net
 * and gets none of its events.  Requests coalesce: asking again while one
 * is queued costs nothing.
 *
 * Process context; it does not wait for the resync, so it may be called
 * from the driver's own ordered queue, the one its flush callbacks flush.
 *
 * Return: 0 (queued); -ENOENT when @nb is not registered; -EINVAL (NULL,
 * or @net not one @nb was registered for).
 */
int rust_fib_notifier_resync(struct notifier_block *nb, struct net *net);

/**
 * rust_fib_notifier_get_net - a namespace by its cookie
 * @net_cookie: net->net_cookie, as events (and @flush_net) give it
 *
 * For work that runs after the event (setting a route's offload flags, a
 * resync): a cookie, unlike a struct net pointer, can be kept without a
 * reference and never names another namespace later.  Any context.
 *
 * Return: a reference on the namespace (put_net() it), or NULL when it is
 * gone or being dismantled (its routes are going away), or not fully set up
 * yet (net_initialized(): a namespace whose set-up fails is freed whatever
 * its reference count; its events may already arrive, but its own set-up
 * adds no route to flag).
 */
struct net *rust_fib_notifier_get_net(u64 net_cookie);

/**
 * rust_fib_notifier_unregister - unregister a listener
 * @nb: a registered listener
 *
 * When this returns, @nb's notifier_call is not running and will not be
 * called again, no resync of @nb runs and no flush callback of @nb runs or
 * will run.  Sleeps (waits for RCU readers and for a resync in progress,
 * which takes RTNL): never call it with RTNL held (lockdep kernels warn),
 * nor from work that @flush or @flush_net waits for (they run in the
 * module's resync work, and this waits for them: lockdep reports the
 * cycle).  Resyncs may be asked for from such work (they are queued).
 *
 * A module that goes away with a listener still registered (its block or
 * a callback in its text: it forgot, or its init failed after registering)
 * has it unregistered by rust_fib_notifier when it goes, with an error in
 * the kernel log, so the chain never calls into freed text.  No module
 * reference is held while registered: a driver that unregisters in its
 * exit can be unloaded.
 *
 * Return: 0; -ENOENT when @nb is not registered; -EINVAL when @nb is NULL.
 */
int rust_fib_notifier_unregister(struct notifier_block *nb);

#endif /* _RUST_FIB_NOTIFIER_H */
