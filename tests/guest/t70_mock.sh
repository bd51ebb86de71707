# SPDX-License-Identifier: GPL-2.0
# The mock switchdev listener: offload flags in `ip route` (rt_trap on the
# host routes: local, broadcast, anycast, as mlxsw does), capacity,
# fault injection, veto, detach, namespace teardown, bad knob input.
plan 22
ALL='"init", "ns1", "ns2", "ns3"'
read -r a <"$MOCK/attach"
check "mock: starts detached" test "$a" = 0
echo 100000 >"$MOCK/capacity"
check "mock: attach (late, with replay)" eval "echo 1 > $MOCK/attach"
snap mock-attach "$MOCK"
judge mock-attach "mock: table equals ip route show table all (4 namespaces, v4+v6)" \
	"compare('mock_switchdev', $ALL)"
judge mock-attach "mock: per route, the first of each prefix flagged by its type (mlxsw's rules), no other" \
	"mock_flags($ALL)"
judge mock-attach "mock: IPv6 multipath route flagged" \
	'"rt_offload" in route("ns1", "2001:db8:fe1::/48")["flags"]'
ip -n ns2 route add 192.0.2.128/25 via 10.2.0.2 table 200
snap mock-add "$MOCK"
judge mock-add "mock: a route added later is flagged" \
	'"rt_offload" in route("ns2", "192.0.2.128/25", 200)["flags"]'
echo 1 >"$MOCK/fail_route_offload"
ip -n ns2 route add 192.0.2.64/26 via 10.2.0.2 table 200
ip -n ns2 route add 2001:db8:99::/48 via 2001:db8:2::2
snap mock-fail "$MOCK"
judge mock-fail "mock: fail_route_offload: IPv4 route ends offload_failed" \
	'"rt_offload_failed" in route("ns2", "192.0.2.64/26", 200)["flags"]'
judge mock-fail "mock: fail_route_offload: IPv6 route ends offload_failed" \
	'"rt_offload_failed" in route("ns2", "2001:db8:99::/48")["flags"]'
echo 0 >"$MOCK/fail_route_offload"
ipb ns2 <<EOF2
route del 192.0.2.64/26 table 200
route del 2001:db8:99::/48
route del 192.0.2.128/25 table 200
EOF2

check "mock: detach" eval "echo 0 > $MOCK/attach"
snap mock-detach
judge mock-detach "mock: detach cleared every flag it set" "eq(hwflagged($ALL), set())"

# Capacity: the first N routes fit, the rest end offload_failed.
echo 20 >"$MOCK/capacity"
echo 1 >"$MOCK/attach"
snap mock-cap "$MOCK"
judge mock-cap "mock: capacity 20: 20 routes offload or trap (trapped routes only trap)" \
	"eq(len(flagged('offload', $ALL) | flagged('trap', $ALL)), 20)
	and eq(flagged('trap', $ALL) - trap_routes($ALL), set()) and eq(flagged('offload', $ALL) & trap_routes($ALL), set())"
judge mock-cap "mock: capacity 20: the others offload_failed, per route: the first of each prefix, one each" \
	"eq(len(flagged('offload_failed', $ALL)), len(mock_routes($ALL)) - 20)
	and eq(hwflagged($ALL), mock_routes($ALL)) and hw_unique($ALL)"
judge mock-cap "mock: capacity: the table still holds every route" "compare('mock_switchdev', $ALL)"

# Veto: refused synchronously, with the message ip route prints.
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
judge mock-clear "mock: flags cleared again" "eq(hwflagged($ALL), set())"

# Bad input on every knob: an errno, and nothing changes.
echo 1 >"$MOCK/attach"
knobs=("$MOCK/attach" "$MOCK/capacity" "$MOCK/fail_route_offload" "$MOCK/veto" "$MOCK/netns" "$PROBE/attach")
before=$(cat "${knobs[@]}" "$MOCK/routes")
bad=0
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

# A namespace deleted while attached leaves the table.
make_ns ns5 5
snap mock-ns5 "$MOCK"
judge mock-ns5 "mock: new namespace's routes flagged" \
	'any("rt_offload" in r.get("flags", []) for r in kroutes("ns5"))'
ns_inode ino ns5
ip netns del ns5
check "mock: deleted namespace left the hardware table" \
	wait_for 20 eval "! file_has_inode $MOCK/routes $ino"
snap mock-rest "$MOCK"
judge mock-rest "mock: the rest still equals the kernel" "compare('mock_switchdev', $ALL)"
