# SPDX-License-Identifier: GPL-2.0
# The mock switchdev listener: offload flags in `ip route` (rt_trap on the
# host routes: local, broadcast, anycast, as mlxsw does), fault injection,
# detach, capacity, veto, bad knob input, namespace teardown.
ALL_TESTS="mock_offload mock_detach_clears mock_capacity mock_veto mock_bad_input mock_netns_gone"
NEEDS[mock_veto]=mock_capacity
ALL="init ns1 ns2 ns3"

setup() {
	ns_setup ns1 ns2 ns3
}

cleanup() {
	echo 0 >"$MOCK/attach"
	echo 0 >"$MOCK/veto"
	echo 0 >"$MOCK/fail_route_offload"
	echo 100000 >"$MOCK/capacity"
	[ -e /run/netns/ns5 ] && ip netns del ns5
	:
}

mock_offload() {
	plan 8
	local a
	read -r a <"$MOCK/attach"
	check "mock: starts detached" test "$a" = 0
	echo 100000 >"$MOCK/capacity"
	check "mock: attach (late, with replay)" eval "echo 1 > $MOCK/attach"
	snap mock-attach "$MOCK"
	judge mock-attach "mock: table equals ip route show table all (4 namespaces, v4+v6)" \
		compare mock_switchdev $ALL
	judge mock-attach "mock: per route, the first of each prefix flagged by its type (mlxsw's rules), no other" \
		mock_flags $ALL
	judge mock-attach "mock: IPv6 multipath route flagged" \
		route_has_flag ns1 254 rt_offload 2001:db8:fe1::/48
	ip -n ns2 route add 192.0.2.128/25 via 10.2.0.2 table 200
	snap mock-add "$MOCK"
	judge mock-add "mock: a route added later is flagged" \
		route_has_flag ns2 200 rt_offload 192.0.2.128/25
	echo 1 >"$MOCK/fail_route_offload"
	ip -n ns2 route add 192.0.2.64/26 via 10.2.0.2 table 200
	ip -n ns2 route add 2001:db8:99::/48 via 2001:db8:2::2
	snap mock-fail "$MOCK"
	judge mock-fail "mock: fail_route_offload: IPv4 route ends offload_failed" \
		route_has_flag ns2 200 rt_offload_failed 192.0.2.64/26
	judge mock-fail "mock: fail_route_offload: IPv6 route ends offload_failed" \
		route_has_flag ns2 254 rt_offload_failed 2001:db8:99::/48
	echo 0 >"$MOCK/fail_route_offload"
	ipb ns2 <<EOF
route del 192.0.2.64/26 table 200
route del 2001:db8:99::/48
route del 192.0.2.128/25 table 200
EOF
}

mock_detach_clears() {
	plan 2
	echo 1 >"$MOCK/attach"
	check "mock: detach" eval "echo 0 > $MOCK/attach"
	snap mock-detach
	judge mock-detach "mock: detach cleared every flag it set" no_hw_flags $ALL
}

# Capacity: the first N routes fit, the rest end offload_failed.
mock_capacity() {
	plan 3
	echo 0 >"$MOCK/attach"
	echo 20 >"$MOCK/capacity"
	echo 1 >"$MOCK/attach"
	snap mock-cap "$MOCK"
	judge mock-cap "mock: capacity 20: 20 routes offload or trap (trapped routes only trap)" \
		mock_capacity_held 20 $ALL
	judge mock-cap "mock: capacity 20: the others offload_failed, per route: the first of each prefix, one each" \
		mock_capacity_failed 20 $ALL
	judge mock-cap "mock: capacity: the table still holds every route" compare mock_switchdev $ALL
}

# Veto, on the full table mock_capacity left: refused synchronously, with
# the message ip route prints.
mock_veto() {
	plan 4
	local msg rc
	echo 1 >"$MOCK/veto"
	msg=$(ip -n ns1 route add 192.0.2.200/32 via 10.1.0.2 2>&1)
	rc=$?
	diag "veto: ip route add said: $msg"
	check "mock: veto: ip route add fails" test $rc -ne 0
	check "mock: veto: with the extack message" test "${msg/*hardware route table is full*/yes}" = yes
	check "mock: veto: the route is not in the kernel" \
		test -z "$(ip -n ns1 route show 192.0.2.200/32)"
	echo 0 >"$MOCK/veto"
	echo 0 >"$MOCK/attach"
	echo 100000 >"$MOCK/capacity"
	snap mock-clear
	judge mock-clear "mock: flags cleared again" no_hw_flags $ALL
}

# Bad input on every knob: an errno, and nothing changes.
mock_bad_input() {
	plan 2
	local knobs knob input before after bad=0
	echo 1 >"$MOCK/attach"
	knobs=("$MOCK/attach" "$MOCK/capacity" "$MOCK/fail_route_offload" "$MOCK/veto" "$MOCK/netns" "$PROBE/attach")
	before=$(cat "${knobs[@]}" "$MOCK/routes")
	for knob in "${knobs[@]}"; do
		for input in garbage -1 2 0x10 "1 1" 99999999999999999999999 $'\nx' 1000001 4294967296 " " "1x"; do
			case "$knob:$input" in
			*/capacity:2) continue ;;	# valid there
			esac
			if printf '%s' "$input" >"$knob" 2>/dev/null; then
				diag "knob $knob accepted '$input'"
				bad=$((bad + 1))
			fi
		done
	done
	after=$(cat "${knobs[@]}" "$MOCK/routes")
	check "mock: every knob rejects bad input with an errno" test $bad -eq 0
	check "mock: bad input changed nothing" test "$before" = "$after"
}

# A namespace deleted while attached leaves the table.
mock_netns_gone() {
	plan 3
	local ino
	echo 1 >"$MOCK/attach"
	make_ns ns5 5
	snap mock-ns5 "$MOCK"
	judge mock-ns5 "mock: new namespace's routes flagged" some_route_flagged ns5 rt_offload
	ns_inode ino ns5
	ip netns del ns5
	check "mock: deleted namespace left the hardware table" \
		wait_for 20 eval "! file_has_inode $MOCK/routes $ino"
	snap mock-rest "$MOCK"
	judge mock-rest "mock: the rest still equals the kernel" compare mock_switchdev $ALL
}
