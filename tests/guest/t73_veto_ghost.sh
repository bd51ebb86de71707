# SPDX-License-Identifier: GPL-2.0
# The chain stops at a veto and the kernel rolls the change back without a
# delete, so a listener earlier on the chain would keep a route `ip route`
# does not show.  Every listener resyncs the namespace instead (the bridge
# asks when the chain stopped).  The probe first on the chain, then the
# mock in veto mode with a full table; a refused IPv4 and a refused IPv6
# add; once the resyncs ran, the probe equals the kernel.
ALL_TESTS="veto_ghost"

setup() {
	ns_setup ns1 ns2 ns3
	listeners_off
	attach
	mock_full
}

cleanup() {
	echo 0 >"$MOCK/veto"
	echo 0 >"$MOCK/attach"
	echo 100000 >"$MOCK/capacity"
	detach
}

veto_ghost() {
	plan 8
	local resynced0 resynced rc4 rc6
	get resynced0 resynced "$RFN/stats"
	ip -n ns1 route add 192.0.2.77/32 via 10.1.0.2 2>/dev/null
	rc4=$?
	check "veto ghost: the full mock refuses an IPv4 add" test $rc4 -ne 0
	check "veto ghost: the resyncs ran" resyncs_done
	ip -n ns1 route add 2001:db8:ef::/48 via 2001:db8:1::2 2>/dev/null
	rc6=$?
	check "veto ghost: and an IPv6 add" test $rc6 -ne 0
	check "veto ghost: the resyncs ran again" resyncs_done
	get resynced resynced "$RFN/stats"
	diag "veto ghost: $((resynced - resynced0)) resyncs"
	check "veto ghost: the probe (before the veto on the chain) was resynced" \
		test "$resynced" -gt "$resynced0"
	snap veto-ghost "$PROBE" "$MOCK"
	judge veto-ghost "veto ghost: the probe holds neither refused route" \
		holds_none_of probe ns1 192.0.2.77/32 2001:db8:ef::/48
	judge veto-ghost "veto ghost: the probe equals the kernel" compare probe init ns1 ns2 ns3
	judge veto-ghost "veto ghost: the mock equals the kernel" compare mock_switchdev init ns1 ns2 ns3
	# An add that went in after all (this case failed) is not left to the
	# next.
	[ $rc4 -ne 0 ] || ip -n ns1 route del 192.0.2.77/32
	[ $rc6 -ne 0 ] || ip -n ns1 route del 2001:db8:ef::/48
}
