# SPDX-License-Identifier: GPL-2.0
# A namespace the kernel's register_fib_notifier() finds too busy (fault
# injection: the next 2 attachments fail with EBUSY after the kernel's
# replay was forwarded) is created all the same; listeners are told to
# forget what the failed tries forwarded, and the bridge attaches later;
# then listeners hold exactly the namespace's state.
ALL_TESTS="bridge_busy_late"

setup() {
	detach
	attach
}

cleanup() {
	detach
}

bridge_busy_late() {
	plan 7
	local deferred0 late0 exits0 deferred exits
	get deferred0 bridge_deferred "$RFN/stats"
	get late0 bridge_late "$RFN/stats"
	get exits0 netns_exits
	echo 2 >"$RFN/fault_bridge_busy"
	check "bridge busy: ip netns add succeeds" ip netns add busy1
	ipb busy1 <<EOF2
route add blackhole 198.18.77.0/24
route add unreachable 2001:db8:77::/48
rule add to 198.18.77.0/24 table 100 pref 700
EOF2
	_late() { local n; get n bridge_late "$RFN/stats" && [ "$n" -gt "$late0" ]; }
	check "bridge busy: bridged later" wait_for 30 _late
	get deferred bridge_deferred "$RFN/stats"
	get exits netns_exits
	check "bridge busy: counted as deferred" test "$deferred" -gt "$deferred0"
	check "bridge busy: each failed try told listeners to forget" test "$exits" -ge $((exits0 + 2))
	SNAP_NS=busy1 snap busy "$PROBE"
	judge busy "bridge busy: the probe equals the kernel in the late namespace" compare probe busy1
	check "bridge busy: the namespace goes" ip netns del busy1
	_gone() { local n; get n netns_exits && [ "$n" -gt "$exits" ]; }
	check "bridge busy: and its exit arrives" wait_for 30 _gone
}
