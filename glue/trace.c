// SPDX-License-Identifier: GPL-2.0
/*
 * The module's tracepoints (rfn_trace.h), created here, and the
 * wrappers through which Rust fires them (trace.rs): a trace_*() call is a
 * static inline around a static branch, which Rust cannot call.  Each
 * wrapper costs a call even when its event is off; they fire at most once
 * per namespace and try, never per replayed event.
 */
#include <linux/limits.h>
#include <linux/rcupdate.h>
#include <linux/string.h>
#include <net/net_namespace.h>

#include "glue.h"
#include "bridge.h"

#define CREATE_TRACE_POINTS
#include "rfn_trace.h"

void rfn_trace_register_start(const void *node, bool resync, u32 nets,
			      u32 families, u32 filter)
{
	trace_rfn_register_start(node, resync, nets, families, filter);
}

void rfn_trace_register_end(const void *node, bool resync, int ret,
			    u32 tries, u32 nets_replayed, u64 events)
{
	trace_rfn_register_end(node, resync, ret, tries, nets_replayed, events);
}

/* Whether a replay starting now counts its events for rfn_register_end. */
bool rfn_trace_register_end_enabled(void)
{
	return trace_rfn_register_end_enabled();
}

void rfn_trace_ebusy(const void *node, bool resync, u32 tries, u32 stale)
{
	trace_rfn_ebusy(node, resync, tries, stale);
}

void rfn_trace_resync_queued(const void *node, u32 inum, u32 delay_ms)
{
	trace_rfn_resync_queued(node, inum, delay_ms);
}

/*
 * Each family's counter of the bridged namespace with this cookie (zeros
 * when it is not bridged, or not a real namespace: the KUnit suites' fakes).
 */
static void rfn_trace_counters(u64 cookie, u64 *counters)
{
	struct rfn_net *rn = NULL;
	unsigned int i;

	memset(counters, 0, sizeof(u64) * RFN_FAMILIES);
	rcu_read_lock();
	while ((rn = rfn_net_next_rcu(rn)))
		if (rn->net->net_cookie == cookie)
			break;
	/* Entries stay valid for a grace period after they leave the list. */
	for (i = 0; rn && i < RFN_FAMILIES; i++)
		counters[i] = atomic64_read(&rn->seq[i]);
	rcu_read_unlock();
}

void rfn_trace_retry(u32 inum, u64 cookie, u64 replayed, u64 now)
{
	u64 counters[RFN_FAMILIES];
	int cause = RFN_RETRY_CHANGED;

	if (!trace_rfn_retry_enabled())
		return;
	if (replayed == U64_MAX)
		cause = RFN_RETRY_APPEARED;
	else if (now == U64_MAX)
		cause = RFN_RETRY_GONE;
	rfn_trace_counters(cookie, counters);
	trace_rfn_retry(inum, cookie, cause, replayed, now, counters);
}
