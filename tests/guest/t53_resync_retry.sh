# SPDX-License-Identifier: GPL-2.0
# A resync that fails (EBUSY: the namespaces kept changing during 5
# replays) leaves the namespace flushed and muted in the listener; it is
# tried again until it succeeds, whoever asked for it.  Here the probe's
# `resync` file asks, under churn in three namespaces, with `retry_all`
# (every try replays every namespace, and a failure leaves the probe off
# the chain: the resync asked again is of every namespace); the next five
# consistency checks find their namespaces changed (`fault_check_busy`:
# under churn alone EBUSY came after 20-30 resyncs, too close to chance).
# Then the churn stops and a route is added: the probe gets it, and equals
# the kernel.
ALL_TESTS="resync_retried"

setup() {
	ns_setup ns1 ns2 ns3
	detach
	attach
}

cleanup() {
	echo 0 >"$RFN/retry_all"
	detach
}

resync_retried() {
	plan 6
	local ino1
	ns_inode ino1 ns1
	echo 1 >"$RFN/retry_all"
	churn_start ns1 1
	churn_start ns2 2
	churn_start ns3 3
	forced_ebusy_resync "$PROBE" "$ino1"
	check "resync retry: the churn stopped" churn_stop
	echo 0 >"$RFN/retry_all"
	check "resync retry: a resync of ns1 failed with EBUSY (${RESYNC_ERR##*: })" \
		said_ebusy "$RESYNC_ERR"
	check "resync retry: a route is added after the failure" \
		ip -n ns1 route add 198.18.53.0/24 via 10.1.0.2
	check "resync retry: the failed resync was done again (resync_queued drops to 0)" resyncs_done
	snap resync-retry "$PROBE"
	judge resync-retry "resync retry: the probe holds the route added after the failure" \
		lines_match probe routes '^{ino ns1} 4 254 198.18.53.0/24 '
	judge resync-retry "resync retry: the probe equals the kernel in every namespace" compare probe
	ip -n ns1 route del 198.18.53.0/24
}
