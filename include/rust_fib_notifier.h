/* SPDX-License-Identifier: GPL-2.0 */
/*
 * rust_fib_notifier: one atomic FIB notifier chain for every network
 * namespace, with dump-and-replay on registration (the Linux 4.11 design),
 * for switchdev drivers written in C.
 *
 * This header is the contract between the module and a listener: the
 * kernel-doc below says, per event, in which context it arrives and what
 * is locked, what a listener may return, how long each pointer it gets
 * lives, what it may call from where, and how its module exits.
 * Documentation/c-api.md is the guide (building, registering, the
 * example driver examples/c_listener/rfn_c_example.c).
 */

#ifndef _RUST_FIB_NOTIFIER_H
#define _RUST_FIB_NOTIFIER_H

#include <linux/bits.h>
#include <linux/notifier.h>
#include <linux/types.h>
#include <net/fib_notifier.h>
#include <net/nexthop.h>

struct net;
struct netlink_ext_ack;

/**
 * DOC: Events
 *
 * A listener is a struct notifier_block registered with one of the
 * rust_fib_notifier_register*() functions.  Its notifier_call gets an
 * event and a struct rust_fib_notifier_info (never a bare struct
 * fib_notifier_info).  The events a listener gets:
 *
 *  - FIB_EVENT_ENTRY_REPLACE, FIB_EVENT_ENTRY_DEL (IPv4 and IPv6) and
 *    FIB_EVENT_ENTRY_APPEND (IPv6 only): a route, @info inside struct
 *    fib_entry_notifier_info (IPv4) or struct fib6_entry_notifier_info
 *    (IPv6), as the kernel's own FIB notifier sends them.  Only the first
 *    route of a prefix (per table, and per TOS for IPv4) is notified: the
 *    one the kernel uses.  When it goes, the next one of the prefix comes
 *    as FIB_EVENT_ENTRY_REPLACE.  FIB_EVENT_ENTRY_ADD is not sent for unicast
 *    routes by 7.3 (multicast routing sends it for MFC entries: DOC:
 *    Multicast routing).
 *  - FIB_EVENT_NH_ADD, FIB_EVENT_NH_DEL (IPv4): a path's device went up or
 *    down, @info inside struct fib_nh_notifier_info.
 *  - FIB_EVENT_RULE_ADD, FIB_EVENT_RULE_DEL: a policy routing rule (IPv4
 *    or IPv6), @info inside struct fib_rule_notifier_info.
 *  - RUST_FIB_EVENT_NEXTHOP() events, for listeners that asked for them
 *    (RUST_FIB_NOTIFIER_F_NEXTHOPS): nexthop objects (ip nexthop).
 *  - multicast routing, for listeners that asked for it
 *    (RUST_FIB_NOTIFIER_F_MULTICAST; @family RUST_FIB_NOTIFIER_FAMILY_IPMR
 *    or _IP6MR): see DOC: Multicast routing.
 *  - RUST_FIB_EVENT_NETNS_EXIT: forget a namespace.
 *
 * A listener gets a namespace's live events after the namespace's replay
 * to it (the registration's, or a resync's); of a namespace made later,
 * live events only.  A listener that does not know an event returns
 * NOTIFY_DONE (later kernels and versions add events).
 *
 * An IPv6 FIB_EVENT_ENTRY_APPEND may name siblings the listener already
 * holds: the kernel links a multipath append's siblings, then notifies
 * them holding no lock, so a replay can deliver them first.  Apply it as a
 * union (each sibling fib6_info held once): the kernel never lets one
 * route have two equal nexthops (rt6_duplicate_nexthop(): device,
 * gateway, encap).  A refused IPv6 multipath add is deleted again: its
 * FIB_EVENT_ENTRY_DEL may name a route the listener never held (ignore
 * it, as netdevsim does).
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
 *  - IPv4 routes (FIB_EVENT_ENTRY_*, AF_INET) and FIB_EVENT_NH_*: process
 *    context, RTNL held (net/ipv4/fib_trie.c, fib_semantics.c).
 *  - IPv6 routes (FIB_EVENT_ENTRY_*, AF_INET6): the route's table lock
 *    (tb6_lock) held, BH disabled, RTNL not held; in process context, or
 *    in softirq: route expiry from the IPv6 GC timer (fib6_run_gc()),
 *    routes from router advertisements (NET_RX).  A multipath add
 *    (ip6_route_multipath_add()) notifies its siblings once it dropped the
 *    table lock, in process context, RTNL not held.
 *  - rules (FIB_EVENT_RULE_*): process context, the family's rules lock
 *    (fib_rules_ops->lock) held; RTNL too only for the first custom IPv4
 *    rule (net/core/fib_rules.c).
 *  - nexthop objects (RUST_FIB_EVENT_NEXTHOP()): process context, RTNL held
 *    (net/ipv4/nexthop.c); NEXTHOP_EVENT_BUCKET_REPLACE from a resilient
 *    group's upkeep work holds no lock.
 *  - multicast routing (@family RUST_FIB_NOTIFIER_FAMILY_IPMR, _IP6MR):
 *    process context, RTNL held (net/ipv4/ipmr.c, net/ipv6/ip6mr.c);
 *    FIB_EVENT_VIF_DEL also under the family's mrt_lock (a spinlock);
 *    its rules as the unicast ones.
 *  - RUST_FIB_EVENT_NETNS_EXIT: process context (the namespace's pernet
 *    exit, or its bridge's attachment), RTNL not held.
 *  - replayed events (@replay set): the registering task, or the module's
 *    resync work; routes, rules and multicast routing under RCU alone,
 *    nexthop objects with RTNL held.
 *
 * The flush callbacks (struct rust_fib_notifier_ops) run in process
 * context, in the registering task or the module's resync work, without
 * RTNL.
 *
 * Setting the kernel's flags on a route (rt_offload, rt_trap,
 * rt_offload_failed) is work for process context, outside the callback:
 * fib6_info_hw_flags_set() allocates with GFP_KERNEL.
 */

/**
 * DOC: Return values and vetoes
 *
 * A notifier_call returns NOTIFY_DONE (0).  To refuse a change it returns
 * notifier_from_errno(-ERRNO), with a message for the user in the event's
 * extack (NL_SET_ERR_MSG_MOD(info->extack, ...); nh_info->extack for
 * nexthop objects; NULL during a replay, which the macro ignores).  The
 * kernel refuses (the user's `ip` command fails with the message):
 *
 *  - IPv4 FIB_EVENT_ENTRY_REPLACE of a route the user adds or replaces
 *    (fib_table_insert()); not the REPLACE that promotes the next route of
 *    a prefix when its first one goes;
 *  - IPv6 FIB_EVENT_ENTRY_REPLACE and FIB_EVENT_ENTRY_APPEND of a route
 *    being added (fib6_add_rt2node(), ip6_route_multipath_add());
 *  - FIB_EVENT_RULE_ADD;
 *  - the nexthop object events listed at RUST_FIB_EVENT_NEXTHOP().
 *
 * Any error or NOTIFY_STOP stops the chain: the listeners after this one
 * do not get the event (the kernel's own call_fib_notifiers() does the
 * same).  Every listener then resyncs the event's namespace (flush or mark
 * and sweep, then replay), the refusing one included, so a veto costs a
 * resync of the whole namespace to every listener.  A listener must
 * therefore never return an error for an event the kernel cannot refuse
 * (a delete, an exit): it stops the chain for nothing.  An event it cannot
 * keep (no memory for a delete) it repairs with rust_fib_notifier_resync().
 *
 * During a registration's replay an error aborts the registration, which
 * calls @flush and returns the error.  During a resync's replay an error
 * is ignored: what the listener refuses, it does not hold.
 */

/**
 * DOC: Lifetimes
 *
 * Everything an event points to is valid for the call only: the struct
 * rust_fib_notifier_info, @info and @nh_info and what they point to, and
 * @net.  A listener that applies events later (from a work item, as every
 * driver that talks to hardware does) copies them and takes its own
 * references in the callback:
 *
 *  - @net: keep net->net_cookie, never the pointer; later,
 *    rust_fib_notifier_get_net() turns the cookie into a reference, or
 *    NULL once the namespace is being dismantled.  (A reference taken in
 *    the callback would keep a dying namespace alive.)
 *  - IPv4 route: fib_info_hold(fen_info->fi) in the callback; the other
 *    fields of struct fib_entry_notifier_info are values, copy them.
 *  - IPv6 route: fib6_info_hold(fen6_info->rt), and for each of the
 *    @nsiblings siblings after it on rt->fib6_siblings (read under RCU: at
 *    most @nsiblings steps) fib6_info_hold_safe(), which fails for a
 *    sibling being freed (netdevsim's nsim_fib6_event_init()).
 *  - rule: fib_rule_get(rule_info->rule).
 *  - nexthop object: copy what is needed from @nh_info; hold nothing.
 *
 * Release the references of an event once it is applied.  A route object
 * kept because the hardware has the route (to set its flags, to compare a
 * replayed route with what is held) is released on that route's own
 * FIB_EVENT_ENTRY_DEL, or when a FIB_EVENT_ENTRY_REPLACE names another
 * object for the prefix; an IPv6 path on the FIB_EVENT_ENTRY_DEL that names
 * it (the kernel deletes a multipath route's siblings one at a time).  On
 * @flush, @flush_net and @sweep_stale and on RUST_FIB_EVENT_NETNS_EXIT,
 * release everything of the namespace.  Never keep one until the
 * namespace's exit: route objects hold their nexthops' devices, the kernel
 * deletes a namespace's routes (with their FIB_EVENT_ENTRY_DEL) before it
 * unregisters its devices, and a device held by a route object is never
 * freed (`ip link del` and the namespace's dismantling wait forever,
 * "waiting for DEV to become free").
 */

/**
 * DOC: Calls from callbacks
 *
 * What a listener may call, and from where:
 *
 *  - notifier_call (atomic): rust_fib_notifier_get_net() and the kernel's
 *    reference helpers above; queue work.  Not the functions that sleep:
 *    register, unregister, resync.
 *  - @flush, @flush_net, @mark_stale, @sweep_stale (process context, the
 *    module's resync work or the registering task): may sleep and wait for
 *    the listener's own work (flush_workqueue() of its queue), may call
 *    rust_fib_notifier_resync() and rust_fib_notifier_get_net().  Never
 *    rust_fib_notifier_unregister() nor a register function: they wait for
 *    the callbacks that call them (a deadlock, which lockdep reports).
 *  - the listener's own work, which its flush callbacks wait for: the same
 *    as the callbacks (resync, which only queues, and get_net), never
 *    unregister or register, which wait for the callbacks that wait for
 *    this work.
 *  - with RTNL held: rust_fib_notifier_resync() and
 *    rust_fib_notifier_get_net() only.  Registering and unregistering take
 *    RTNL (a registration refuses with -EDEADLK on lockdep kernels).
 *  - setting a route's flags (fib_alias_hw_flags_set(),
 *    fib6_info_hw_flags_set()): process context, with a reference on the
 *    namespace from rust_fib_notifier_get_net() (skip it when that returns
 *    NULL: the routes are going away).
 */

/**
 * DOC: Offload flags and fib_notify_on_flag_change
 *
 * A driver tells the kernel what the hardware did with a route through the
 * route's flags: fib_alias_hw_flags_set() (IPv4, struct fib_rt_info's
 * offload, trap, offload_failed) and fib6_info_hw_flags_set() (IPv6, per
 * sibling), shown by `ip route` as rt_offload (the hardware forwards it),
 * rt_trap (the hardware gives its packets to the CPU) and
 * rt_offload_failed (the hardware refused it).  Set them on the route the
 * event named (the first of its prefix), clear them on the route a
 * FIB_EVENT_ENTRY_REPLACE pushed out of first place, and on everything the
 * listener forgets while the namespace lives (a flush, the module's exit).
 * nexthop_set_hw_flags() and nexthop_bucket_set_hw_flags() do the same for
 * nexthop objects.
 *
 * The kernel tells user space about flag changes (an RTM_NEWROUTE seen by
 * `ip monitor route`, FRR, SONiC) only when the sysctls
 * net.ipv4.fib_notify_on_flag_change and net.ipv6.fib_notify_on_flag_change
 * (per namespace) say so: 0, the default, never (`ip route` shows the
 * flags, nobody is told); 1, every change; 2, changes of rt_offload_failed
 * only.  A routing daemon that waits for rt_offload needs 1.
 */

/**
 * DOC: Module exit
 *
 * A listener's module exit, in this order (examples/c_listener's
 * ex_exit()):
 *
 *  1. stop what asks for resyncs on its own (a debugfs file, a timer);
 *  2. rust_fib_notifier_unregister(): when it returns, no notifier_call
 *     runs or will run, no flush callback runs or will run (not with RTNL
 *     held, not from the listener's own queue);
 *  3. drain the listener's own queue (drain_workqueue()): the events
 *     queued before step 2 are applied; a resync they ask for now gets
 *     -ENOENT;
 *  4. cancel the listener's delayed work (cancel_delayed_work_sync());
 *  5. destroy the queue;
 *  6. clear the flags it set (the namespaces may live on) and release every
 *     route object and rule it holds (fib_info_put(),
 *     fib6_info_release(), fib_rule_put()).
 *
 * The same steps undo a module init that fails after registering.  A
 * module that goes away still registered (it forgot step 2) has its
 * listener unregistered by rust_fib_notifier, with an error in the kernel
 * log, so the chain never calls into freed text; its own work and
 * references are its own bug.  While a listener is registered,
 * rust_fib_notifier cannot be unloaded.
 */

/**
 * DOC: Multicast routing
 *
 * For listeners registered with RUST_FIB_NOTIFIER_F_MULTICAST (or the
 * RUST_FIB_NOTIFIER_FAMILY_IPMR, _IP6MR bits in @families): the events of
 * the kernel's RTNL_FAMILY_IPMR and RTNL_FAMILY_IP6MR notifier ops, with
 * @info their own notifier info, read as mlxsw's spectrum_router.c reads
 * it: FIB_EVENT_VIF_ADD and FIB_EVENT_VIF_DEL with struct
 * vif_entry_notifier_info (the VIF's device and index, its table);
 * FIB_EVENT_ENTRY_ADD, FIB_EVENT_ENTRY_REPLACE (the entry's parent or
 * output VIFs changed, in place) and FIB_EVENT_ENTRY_DEL with struct
 * mfc_entry_notifier_info (container_of() @mfc into struct mfc_cache or
 * mfc6_cache for the source and group); and FIB_EVENT_RULE_ADD/DEL of the
 * multicast routing rules.  A replay sends each table's VIFs before its
 * entries, after the family's rules; a namespace's IPv4 multicast routing
 * after its IPv4 routes, its IPv6 multicast routing after its IPv6 routes,
 * as the kernel's own replay.
 *
 * An entry is refcounted: a listener that keeps it past the callback takes
 * mr_cache_hold() there and drops it (mr_cache_put()) on the entry's DEL,
 * a flush, or the namespace's exit at the latest.  A listener that
 * offloads an entry sets MFC_OFFLOAD in its mfc_flags (and clears it when
 * it stops), which `ip mroute` shows as "offload".  An entry or a VIF
 * added while a replay walks its table may come twice (replayed, then as
 * its live ADD): apply an ADD of what is held as a replace.  VIF and MFC
 * entry events cannot be vetoed (the kernel ignores the return value);
 * FIB_EVENT_RULE_ADD of a multicast rule can, as a unicast one (DOC: Return
 * values and vetoes).
 */

/**
 * RUST_FIB_NOTIFIER_API_VERSION - the API version this header describes
 *
 * A listener compiles against it (``#if RUST_FIB_NOTIFIER_API_VERSION >=
 * 4``) and registers with it (RUST_FIB_NOTIFIER_F_VERSION): a module
 * older than the header refuses the registration instead of misreading
 * struct rust_fib_notifier_ops.  4 added RUST_FIB_NOTIFIER_F_VERSION and
 * multicast routing (RUST_FIB_NOTIFIER_F_MULTICAST,
 * RUST_FIB_NOTIFIER_FAMILY_IPMR and _IP6MR);
 * 3 added mark and sweep (RUST_FIB_NOTIFIER_F_RECONCILE), registrations
 * per family (RUST_FIB_NOTIFIER_F_FAMILIES) and struct
 * rust_fib_notifier_info's @family; 2 added @net_lives, queued resyncs
 * (rust_fib_notifier_resync() does not wait), the refusal of a block with
 * a priority and the symbol namespace; 1 was the first release.
 */
#define RUST_FIB_NOTIFIER_API_VERSION	4

/**
 * RUST_FIB_NOTIFIER_NS - the symbol namespace of the API's functions
 *
 * The functions below are exported with EXPORT_SYMBOL_NS_GPL() into it: a
 * listener's module says MODULE_IMPORT_NS(RUST_FIB_NOTIFIER_NS), or
 * modpost fails its build.
 */
#define RUST_FIB_NOTIFIER_NS	"RUST_FIB_NOTIFIER"

/**
 * RUST_FIB_EVENT_NETNS_EXIT - forget everything of a namespace
 *
 * @info is NULL.  Sent in two cases, told apart by struct
 * rust_fib_notifier_info's @net_lives:
 *
 *  - false: the namespace is being dismantled (sent once, after its last
 *    FIB event; its routes are going away, no flag needs clearing, and
 *    rust_fib_notifier_get_net() no longer finds it);
 *  - true: the namespace lives on, but its bridge failed to attach (the
 *    kernel's register_fib_notifier() found it inconsistent 5 times, or
 *    its dump failed) after part of it was forwarded; it is replayed when
 *    its bridge attaches later.  Its routes stay: clear the flags you set
 *    on them (rust_fib_notifier_get_net() finds it, unless it failed
 *    during the namespace's own set-up, when it has no routes yet).
 *
 * Process context, RTNL not held; cannot be refused.
 */
#define RUST_FIB_EVENT_NETNS_EXIT	0x100

/**
 * RUST_FIB_EVENT_NEXTHOP_BASE - the first nexthop object event
 *
 * RUST_FIB_EVENT_NEXTHOP() events lie in [BASE, BASE + 0x100).
 */
#define RUST_FIB_EVENT_NEXTHOP_BASE	0x200

/**
 * RUST_FIB_EVENT_NEXTHOP - a nexthop object event
 * @e: an enum nexthop_event_type (NEXTHOP_EVENT_REPLACE, ...)
 *
 * For listeners registered with RUST_FIB_NOTIFIER_F_NEXTHOPS, one for each
 * enum nexthop_event_type, with @nh_info the kernel's own struct
 * nh_notifier_info, read as a driver on the kernel's nexthop chain reads
 * it (its type says which union member is valid).
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
#define RUST_FIB_EVENT_NEXTHOP(e)	(RUST_FIB_EVENT_NEXTHOP_BASE + (e))

/**
 * rust_fib_notifier_event_is_nexthop - whether an event is a nexthop one
 * @event: the event a notifier_call got
 *
 * The whole range: a later kernel's new nexthop events land in it too.
 * Any context.
 *
 * Return: true for a RUST_FIB_EVENT_NEXTHOP() event (@nh_info is valid).
 */
static inline bool rust_fib_notifier_event_is_nexthop(unsigned long event)
{
	return event >= RUST_FIB_EVENT_NEXTHOP_BASE &&
	       event < RUST_FIB_EVENT_NEXTHOP_BASE + 0x100;
}

/*
 * The families a listener registers for (struct rust_fib_notifier_ops'
 * @families), and an event's (struct rust_fib_notifier_info's @family).
 * Each namespace counts the changes of each family apart: a listener is
 * replayed and sent only its families, and only their changes make its
 * registration or resync try again.
 */

/**
 * RUST_FIB_NOTIFIER_FAMILY_IPV4 - IPv4 routes and FIB_EVENT_NH_* events
 */
#define RUST_FIB_NOTIFIER_FAMILY_IPV4	BIT(0)
/**
 * RUST_FIB_NOTIFIER_FAMILY_IPV6 - IPv6 routes
 */
#define RUST_FIB_NOTIFIER_FAMILY_IPV6	BIT(1)
/**
 * RUST_FIB_NOTIFIER_FAMILY_RULES - IPv4 and IPv6 policy routing rules
 */
#define RUST_FIB_NOTIFIER_FAMILY_RULES	BIT(2)
/**
 * RUST_FIB_NOTIFIER_FAMILY_NEXTHOPS - nexthop objects
 */
#define RUST_FIB_NOTIFIER_FAMILY_NEXTHOPS BIT(3)
/**
 * RUST_FIB_NOTIFIER_FAMILY_IPMR - IPv4 multicast routing: VIFs, MFC
 * entries and its rules
 */
#define RUST_FIB_NOTIFIER_FAMILY_IPMR	BIT(4)
/**
 * RUST_FIB_NOTIFIER_FAMILY_IP6MR - IPv6 multicast routing
 */
#define RUST_FIB_NOTIFIER_FAMILY_IP6MR	BIT(5)
/**
 * RUST_FIB_NOTIFIER_FAMILY_MULTICAST - both multicast routing families
 */
#define RUST_FIB_NOTIFIER_FAMILY_MULTICAST \
	(RUST_FIB_NOTIFIER_FAMILY_IPMR | RUST_FIB_NOTIFIER_FAMILY_IP6MR)
/**
 * RUST_FIB_NOTIFIER_FAMILY_ALL - every family above
 */
#define RUST_FIB_NOTIFIER_FAMILY_ALL	GENMASK(5, 0)

/**
 * struct rust_fib_notifier_info - what a listener's notifier_call receives
 * @net: the namespace the event belongs to; valid for the call only (keep
 *	@net->net_cookie, see DOC: Lifetimes)
 * @info: for FIB events, the kernel's own FIB notifier info
 *	(container_of() it into struct fib_entry_notifier_info,
 *	fib6_entry_notifier_info, fib_rule_notifier_info,
 *	fib_nh_notifier_info as usual); NULL for RUST_FIB_EVENT_NETNS_EXIT.
 *	Valid for the call only.
 * @nh_info: for RUST_FIB_EVENT_NEXTHOP() events, the kernel's own
 *	struct nh_notifier_info; valid for the call only
 * @replay: true while a registration or a resync replays existing state
 *	(the event says what exists, not what changed)
 * @net_lives: for RUST_FIB_EVENT_NETNS_EXIT, whether the namespace lives on
 *	(see there); false for every other event
 * @family: the event's family, one RUST_FIB_NOTIFIER_FAMILY_* bit
 *	(RUST_FIB_NOTIFIER_FAMILY_ALL for RUST_FIB_EVENT_NETNS_EXIT)
 *
 * Read-only for the listener.
 */
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
 * Replays each namespace's nexthop objects (with
 * RUST_FIB_NOTIFIER_F_NEXTHOPS), then its families in the kernel's own order
 * (IPv4 rules and routes, IPv4 multicast routing, IPv6 rules and routes,
 * IPv6 multicast routing) to @nb alone, puts @nb on the chain, and checks
 * that nothing changed meanwhile; else unregisters, calls @cb and tries
 * again, 5 times in all.  Sleeps, and takes RTNL: never call it with RTNL
 * held (with lockdep it fails with -EDEADLK and a warning in the kernel
 * log; without, it deadlocks).
 * rust_fib_notifier_register_ops() does the same with per-namespace
 * flushes and options: new listeners use that.
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
 * Return: as for rust_fib_notifier_register(); -EINVAL for a NULL @net.
 */
int rust_fib_notifier_register_net(struct net *net, struct notifier_block *nb,
				   void (*cb)(struct notifier_block *nb),
				   struct netlink_ext_ack *extack);

/**
 * RUST_FIB_NOTIFIER_F_NEXTHOPS - also nexthop object events
 *
 * For struct rust_fib_notifier_ops' @flags: the listener also gets
 * RUST_FIB_EVENT_NEXTHOP() events (replayed first, then live), as a
 * switchdev driver that offloads routes with `nhid` needs.
 */
#define RUST_FIB_NOTIFIER_F_NEXTHOPS	BIT(0)
/**
 * RUST_FIB_NOTIFIER_F_RECONCILE - repair by mark and sweep
 *
 * For struct rust_fib_notifier_ops' @flags: @mark_stale and @sweep_stale
 * are set, and used instead of @flush_net.
 */
#define RUST_FIB_NOTIFIER_F_RECONCILE	BIT(1)
/**
 * RUST_FIB_NOTIFIER_F_FAMILIES - @families is set
 *
 * For struct rust_fib_notifier_ops' @flags: the listener gets only the
 * families in @families.
 */
#define RUST_FIB_NOTIFIER_F_FAMILIES	BIT(2)
/**
 * RUST_FIB_NOTIFIER_F_MULTICAST - also multicast routing events
 *
 * For struct rust_fib_notifier_ops' @flags: the listener also gets the
 * IPv4 and IPv6 multicast routing events (see DOC: Multicast routing).
 */
#define RUST_FIB_NOTIFIER_F_MULTICAST	BIT(3)
/* BIT(4) to BIT(23): later flags.  Unknown flags are refused (-EINVAL). */

/**
 * RUST_FIB_NOTIFIER_F_VERSION_SHIFT - where @flags carries the API version
 *
 * Bits 24 to 31 of struct rust_fib_notifier_ops' @flags: the API version
 * the listener was built against (0: before version 4).
 */
#define RUST_FIB_NOTIFIER_F_VERSION_SHIFT	24
/**
 * RUST_FIB_NOTIFIER_F_VERSION - the header's API version, as a flag
 *
 * Every listener sets it in struct rust_fib_notifier_ops' @flags: a
 * module that provides an older API (one that may not know the fields or
 * flags this header has) then refuses the registration with -EOPNOTSUPP
 * and says both versions in the kernel log.
 */
#define RUST_FIB_NOTIFIER_F_VERSION \
	((unsigned int)RUST_FIB_NOTIFIER_API_VERSION << RUST_FIB_NOTIFIER_F_VERSION_SHIFT)

/**
 * struct rust_fib_notifier_ops - a listener's flush callbacks and options
 * @flush: forget everything received so far (process context, in the
 *	registering task or the module's resync work; no lock of the
 *	module's that the listener's own work could need is held).  Called
 *	when a registration gives up (-EBUSY, a veto) and, for a listener
 *	without @flush_net, on every inconsistent try.  May be NULL.
 * @flush_net: forget everything received for the namespace whose
 *	net->net_cookie is @net_cookie (the namespace may be gone already):
 *	clear the flags set on its routes (while it lives) and release its
 *	route objects.  Process context; no event of that namespace is in
 *	flight for @nb, and none arrives until it has been replayed again.
 *	With it, a retry or a resync replays only the namespaces that
 *	changed; without it (NULL), every retry flushes and replays
 *	everything.
 * @flags: RUST_FIB_NOTIFIER_F_VERSION, always, ORed with options:
 *	RUST_FIB_NOTIFIER_F_NEXTHOPS (nexthop object events too; listeners
 *	registered without it, and through the older functions, get FIB
 *	events only), RUST_FIB_NOTIFIER_F_RECONCILE (@mark_stale and
 *	@sweep_stale are set: the listener repairs a namespace by mark and
 *	sweep instead of @flush_net), RUST_FIB_NOTIFIER_F_FAMILIES (@families
 *	is set), RUST_FIB_NOTIFIER_F_MULTICAST (multicast routing too).
 *	The fields after @flags are read only when their flag says so
 *	(listeners built before them never set it).
 * @mark_stale: (RUST_FIB_NOTIFIER_F_RECONCILE) instead of @flush_net,
 *	before the namespace is replayed again (a retry, a resync, a veto's
 *	resync): everything held of it is stale until an event gives it again
 *	(a replayed or a live add or replace of the same entry makes it fresh;
 *	one that says what the listener holds already needs no hardware
 *	write).  Keep it meanwhile, in the hardware and with its flags.  Same
 *	context and guarantees as @flush_net.
 * @sweep_stale: (RUST_FIB_NOTIFIER_F_RECONCILE) the namespace's replay was
 *	consistent: drop what is still stale (gone from the kernel; all of it
 *	when the namespace is gone), clearing its flags and releasing its
 *	route objects.  Process context, in the registering task or the
 *	module's resync work, after the namespace's events flow to @nb
 *	again: a driver that applies events from a queue queues this too, so
 *	that it is applied in order with them.  A registration or resync that
 *	fails (-EBUSY) leaves the stale entries marked; the next resync marks
 *	and sweeps again.  Both or neither must be set.
 * @families: (RUST_FIB_NOTIFIER_F_FAMILIES) the RUST_FIB_NOTIFIER_FAMILY_*
 *	bits the listener wants, at least one: replayed and sent only those,
 *	retried only for their changes (RUST_FIB_NOTIFIER_FAMILY_NEXTHOPS
 *	here is RUST_FIB_NOTIFIER_F_NEXTHOPS).  Without the flag: IPv4, IPv6
 *	and rules, nexthop objects with RUST_FIB_NOTIFIER_F_NEXTHOPS, and
 *	multicast routing with RUST_FIB_NOTIFIER_F_MULTICAST.
 *
 * Each callback gets the registered @nb.  None may unregister or register
 * (see DOC: Calls from callbacks).  The layout only grows at its end.
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
 * @ops: the flush callbacks and options (may be NULL; copied, need not
 *	outlive the call)
 * @extack: as for rust_fib_notifier_register()
 *
 * Like rust_fib_notifier_register(), with consistency checked per
 * namespace: each replayed namespace's change counter is recorded, and a
 * failed check flushes (@ops->flush_net, or @ops->mark_stale) and replays
 * only the namespaces whose counters moved, or that appeared or went away
 * meanwhile, 5 tries in all.  A registration restricted to @net reads
 * @net's counter alone.  Sleeps, takes RTNL (never call it with RTNL
 * held), and must not be called from a flush callback or from work one
 * waits for.
 *
 * With RUST_FIB_NOTIFIER_F_NEXTHOPS in @ops->flags each namespace's
 * nexthop objects are replayed first, under the same check.
 *
 * Return: as for rust_fib_notifier_register(); -EINVAL for unknown @flags,
 * RUST_FIB_NOTIFIER_F_RECONCILE without both @mark_stale and @sweep_stale,
 * or RUST_FIB_NOTIFIER_F_FAMILIES with no family or an unknown one;
 * -EOPNOTSUPP when @flags carries an API version newer than the module's
 * (RUST_FIB_NOTIFIER_F_VERSION: the listener was built against a newer
 * header).
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
 * delivering @net's events to @nb, flushes @nb of it (@flush_net or
 * @mark_stale; without either, of everything, and takes @nb off the chain
 * for every namespace), replays @net with the same counter check as a
 * registration, sweeps (@sweep_stale) and delivers @net's events again.
 * Other namespaces' events keep flowing meanwhile (with @flush_net or
 * @mark_stale).  A resync that fails (-EBUSY after 5 inconsistent tries,
 * -ENOMEM) is tried again every 500 ms until it succeeds or @nb is
 * unregistered; until then @nb holds nothing of @net (mark and sweep: its
 * stale entries) and gets none of its events.  Requests coalesce: asking
 * again while one is queued costs nothing.
 *
 * Process context, RTNL held or not; it does not wait for the resync, so
 * it may be called from the flush callbacks and from the driver's own
 * ordered queue, the one they flush.
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
 * will run.  What the listener holds is its own to release (DOC: Module
 * exit).  Sleeps (waits for RCU readers and for a resync in progress,
 * which takes RTNL): never call it with RTNL held (lockdep kernels warn),
 * nor from a flush callback or from work that one waits for (they run in
 * the module's resync work, and this waits for them: lockdep reports the
 * cycle).
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
