/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The module's tracepoints (tracefs events/rust_fib_notifier/, perf list
 * rust_fib_notifier:*): registrations and resyncs, their retries and what
 * caused each, EBUSY, vetoes and resync requests, and the bridge of a
 * namespace deferred and attached.  Documentation/tracing.md describes
 * each event and its fields.
 *
 * Defined here, created in trace.c (CREATE_TRACE_POINTS), fired from the C
 * glue directly and from Rust through trace.c's rfn_trace_*() wrappers
 * (the trace_*() calls are static inline: Rust cannot call them).
 */
#undef TRACE_SYSTEM
#define TRACE_SYSTEM rust_fib_notifier

#if !defined(_RFN_TRACE_H) || defined(TRACE_HEADER_MULTI_READ)
#define _RFN_TRACE_H

#include <linux/tracepoint.h>
#include "bridge.h"

#define rfn_show_families(f)						\
	__print_flags(f, "|",						\
		{ RUST_FIB_NOTIFIER_FAMILY_IPV4, "ipv4" },		\
		{ RUST_FIB_NOTIFIER_FAMILY_IPV6, "ipv6" },		\
		{ RUST_FIB_NOTIFIER_FAMILY_RULES, "rules" },		\
		{ RUST_FIB_NOTIFIER_FAMILY_NEXTHOPS, "nexthops" },	\
		{ RUST_FIB_NOTIFIER_FAMILY_IPMR, "ipmr" },		\
		{ RUST_FIB_NOTIFIER_FAMILY_IP6MR, "ip6mr" })

#define rfn_show_kind(resync)	((resync) ? "resync" : "register")

/* Why a try replays a namespace again (dump.rs changed()). */
#define RFN_RETRY_CHANGED	0	/* its counter moved */
#define RFN_RETRY_GONE		1	/* it went away (or came back) */
#define RFN_RETRY_APPEARED	2	/* it appeared, with changes, off chain */

/*
 * A registration (or a resync of @nets namespaces of a registered
 * listener) starts.  @filter: the namespace a listener registered for
 * (its inode number), 0 for every namespace.
 */
TRACE_EVENT(rfn_register_start,
	    TP_PROTO(const void *node, bool resync, u32 nets, u32 families,
		     u32 filter),
	    TP_ARGS(node, resync, nets, families, filter),
	    TP_STRUCT__entry(__field(const void *, node)
			     __field(bool, resync)
			     __field(u32, nets)
			     __field(u32, families)
			     __field(u32, filter)),
	    TP_fast_assign(__entry->node = node;
			   __entry->resync = resync;
			   __entry->nets = nets;
			   __entry->families = families;
			   __entry->filter = filter;),
	    TP_printk("node=%p %s nets=%u families=%s filter=%u",
		      __entry->node, rfn_show_kind(__entry->resync), __entry->nets,
		      rfn_show_families(__entry->families), __entry->filter)
);

/*
 * It ends: @ret 0 (on the chain, consistent), -EBUSY, or the error that
 * aborted it (a listener's veto, -ENOMEM).  @tries: replay tries (1: no
 * retry); @nets_replayed: namespace replays over all tries; @events:
 * events replayed to the listener (counted if this event was on as the
 * loop started; else 0).
 */
TRACE_EVENT(rfn_register_end,
	    TP_PROTO(const void *node, bool resync, int ret, u32 tries,
		     u32 nets_replayed, u64 events),
	    TP_ARGS(node, resync, ret, tries, nets_replayed, events),
	    TP_STRUCT__entry(__field(const void *, node)
			     __field(bool, resync)
			     __field(int, ret)
			     __field(u32, tries)
			     __field(u32, nets_replayed)
			     __field(u64, events)),
	    TP_fast_assign(__entry->node = node;
			   __entry->resync = resync;
			   __entry->ret = ret;
			   __entry->tries = tries;
			   __entry->nets_replayed = nets_replayed;
			   __entry->events = events;),
	    TP_printk("node=%p %s ret=%d tries=%u nets_replayed=%u events=%llu",
		      __entry->node, rfn_show_kind(__entry->resync), __entry->ret,
		      __entry->tries, __entry->nets_replayed, __entry->events)
);

/*
 * A namespace's counters read for its replay (the s1 of seq_counter.rs):
 * @seq is the sum of @families' counters, @counters each family's
 * (RUST_FIB_NOTIFIER_FAMILY_* bit i in counters[i]).
 */
TRACE_EVENT(rfn_replay_net,
	    TP_PROTO(u32 inum, u64 cookie, u32 families, u64 seq,
		     const u64 *counters),
	    TP_ARGS(inum, cookie, families, seq, counters),
	    TP_STRUCT__entry(__field(u32, inum)
			     __field(u64, cookie)
			     __field(u32, families)
			     __field(u64, seq)
			     __array(u64, counters, RFN_FAMILIES)),
	    TP_fast_assign(__entry->inum = inum;
			   __entry->cookie = cookie;
			   __entry->families = families;
			   __entry->seq = seq;
			   memcpy(__entry->counters, counters, sizeof(__entry->counters));),
	    TP_printk("net=%u cookie=%llu families=%s seq=%llu counters=%s",
		      __entry->inum, __entry->cookie,
		      rfn_show_families(__entry->families), __entry->seq,
		      __print_array(__entry->counters, RFN_FAMILIES, sizeof(u64)))
);

/*
 * A try found a namespace inconsistent: it is replayed again.  @replayed:
 * its count when replayed (U64_MAX: not replayed, it appeared); @now: its
 * count at the check (U64_MAX: gone); @counters: each family's counter
 * read when the event fires (compare with its rfn_replay_net to see which
 * family moved).
 */
TRACE_EVENT(rfn_retry,
	    TP_PROTO(u32 inum, u64 cookie, int cause, u64 replayed, u64 now,
		     const u64 *counters),
	    TP_ARGS(inum, cookie, cause, replayed, now, counters),
	    TP_STRUCT__entry(__field(u32, inum)
			     __field(u64, cookie)
			     __field(int, cause)
			     __field(u64, replayed)
			     __field(u64, now)
			     __array(u64, counters, RFN_FAMILIES)),
	    TP_fast_assign(__entry->inum = inum;
			   __entry->cookie = cookie;
			   __entry->cause = cause;
			   __entry->replayed = replayed;
			   __entry->now = now;
			   memcpy(__entry->counters, counters, sizeof(__entry->counters));),
	    TP_printk("net=%u cookie=%llu cause=%s replayed=%lld now=%lld counters=%s",
		      __entry->inum, __entry->cookie,
		      __print_symbolic(__entry->cause,
				       { RFN_RETRY_CHANGED, "changed" },
				       { RFN_RETRY_GONE, "gone" },
				       { RFN_RETRY_APPEARED, "appeared" }),
		      (s64)__entry->replayed, (s64)__entry->now,
		      __print_array(__entry->counters, RFN_FAMILIES, sizeof(u64)))
);

/* @tries tries left @stale namespaces inconsistent: -EBUSY. */
TRACE_EVENT(rfn_ebusy,
	    TP_PROTO(const void *node, bool resync, u32 tries, u32 stale),
	    TP_ARGS(node, resync, tries, stale),
	    TP_STRUCT__entry(__field(const void *, node)
			     __field(bool, resync)
			     __field(u32, tries)
			     __field(u32, stale)),
	    TP_fast_assign(__entry->node = node;
			   __entry->resync = resync;
			   __entry->tries = tries;
			   __entry->stale = stale;),
	    TP_printk("node=%p %s tries=%u stale=%u", __entry->node,
		      rfn_show_kind(__entry->resync), __entry->tries,
		      __entry->stale)
);

/*
 * A listener's resync of @inum (0: every namespace) is queued, to run in
 * @delay_ms: asked for by the listener, after a veto, or again after a
 * resync that failed.
 */
TRACE_EVENT(rfn_resync_queued,
	    TP_PROTO(const void *node, u32 inum, u32 delay_ms),
	    TP_ARGS(node, inum, delay_ms),
	    TP_STRUCT__entry(__field(const void *, node)
			     __field(u32, inum)
			     __field(u32, delay_ms)),
	    TP_fast_assign(__entry->node = node;
			   __entry->inum = inum;
			   __entry->delay_ms = delay_ms;),
	    TP_printk("node=%p net=%u delay_ms=%u", __entry->node, __entry->inum,
		      __entry->delay_ms)
);

/*
 * A listener stopped the chain on an event of @inum (a veto: @err is its
 * errno, 0 for a bare NOTIFY_STOP): every listener resyncs the namespace.
 * @replay: the event came from the kernel's replay into the bridge, which
 * goes on.
 */
TRACE_EVENT(rfn_veto,
	    TP_PROTO(u32 inum, unsigned long event, u32 family, int err,
		     bool replay),
	    TP_ARGS(inum, event, family, err, replay),
	    TP_STRUCT__entry(__field(u32, inum)
			     __field(unsigned long, event)
			     __field(u32, family)
			     __field(int, err)
			     __field(bool, replay)),
	    TP_fast_assign(__entry->inum = inum;
			   __entry->event = event;
			   __entry->family = family;
			   __entry->err = err;
			   __entry->replay = replay;),
	    TP_printk("net=%u event=%#lx family=%s err=%d replay=%d",
		      __entry->inum, __entry->event,
		      rfn_show_families(__entry->family), __entry->err,
		      __entry->replay)
);

/*
 * The bridge of @inum failed to attach (@err: register_fib_notifier()'s
 * -EBUSY, or a failed dump): the namespace is not bridged until the retry
 * in @delay_ms; @failures: failed attempts in a row, this one included.
 */
TRACE_EVENT(rfn_bridge_deferred,
	    TP_PROTO(u32 inum, int err, u32 failures, u32 delay_ms),
	    TP_ARGS(inum, err, failures, delay_ms),
	    TP_STRUCT__entry(__field(u32, inum)
			     __field(int, err)
			     __field(u32, failures)
			     __field(u32, delay_ms)),
	    TP_fast_assign(__entry->inum = inum;
			   __entry->err = err;
			   __entry->failures = failures;
			   __entry->delay_ms = delay_ms;),
	    TP_printk("net=%u err=%d failures=%u delay_ms=%u", __entry->inum,
		      __entry->err, __entry->failures, __entry->delay_ms)
);

/*
 * The bridge of @inum attached (the namespace's set-up, or its deferred
 * retry), after @failures failed attempts.
 */
TRACE_EVENT(rfn_bridge_attached,
	    TP_PROTO(u32 inum, u32 failures),
	    TP_ARGS(inum, failures),
	    TP_STRUCT__entry(__field(u32, inum)
			     __field(u32, failures)),
	    TP_fast_assign(__entry->inum = inum;
			   __entry->failures = failures;),
	    TP_printk("net=%u failures=%u", __entry->inum, __entry->failures)
);

#endif /* _RFN_TRACE_H */

/* This part must be outside protection. */
#undef TRACE_INCLUDE_PATH
#define TRACE_INCLUDE_PATH .
#undef TRACE_INCLUDE_FILE
#define TRACE_INCLUDE_FILE rfn_trace
#include <trace/define_trace.h>
