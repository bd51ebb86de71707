# SPDX-License-Identifier: GPL-2.0
# The mock switchdev listener: offload flags in `ip route`, capacity,
# fault injection, veto, detach, namespace teardown, bad knob input.
MOCK=$RFN/mock_switchdev
ALL="init ns1 ns2 ns3"
flagged() { $FIBVIEW flagged "$1" $ALL | wc -l; }
total_routes() { $FIBVIEW kernel $ALL | grep -c '^route'; }

check "mock: starts detached" grep -qx 0 "$MOCK/attach"
echo 100000 >"$MOCK/capacity"
check "mock: attach (late, with replay)" sh -c "echo 1 > $MOCK/attach"
check "mock: table equals ip route show table all (4 namespaces, v4+v6)" \
	$FIBVIEW compare "$MOCK" $ALL
n=$(total_routes)
check "mock: all $n routes flagged offload in ip -j route" test "$(flagged offload)" -eq "$n"
check "mock: IPv6 multipath route flagged" \
	sh -c "ip -n ns1 -6 -j route show 2001:db8:fe1::/48 | grep -q '\"rt_offload\"'"
ip -n ns2 route add 192.0.2.128/25 via 10.2.0.2 table 200
check "mock: a route added later is flagged" \
	sh -c "ip -n ns2 -j route show table 200 192.0.2.128/25 | grep -q '\"rt_offload\"'"
echo 1 >"$MOCK/fail_route_offload"
ip -n ns2 route add 192.0.2.64/26 via 10.2.0.2 table 200
ip -n ns2 -6 route add 2001:db8:99::/48 via 2001:db8:2::2
check "mock: fail_route_offload: IPv4 route ends offload_failed" \
	sh -c "ip -n ns2 -j route show table 200 192.0.2.64/26 | grep -q '\"rt_offload_failed\"'"
check "mock: fail_route_offload: IPv6 route ends offload_failed" \
	sh -c "ip -n ns2 -6 -j route show 2001:db8:99::/48 | grep -q '\"rt_offload_failed\"'"
echo 0 >"$MOCK/fail_route_offload"
ip -n ns2 route del 192.0.2.64/26 table 200
ip -n ns2 -6 route del 2001:db8:99::/48
ip -n ns2 route del 192.0.2.128/25 table 200

check "mock: detach" sh -c "echo 0 > $MOCK/attach"
check "mock: detach cleared every flag it set" test -z "$($FIBVIEW unflagged $ALL)"

# Capacity: the first N routes fit, the rest end offload_failed.
echo 20 >"$MOCK/capacity"
echo 1 >"$MOCK/attach"
n=$(total_routes)
check "mock: capacity 20: 20 routes offload" test "$(flagged offload)" -eq 20
check "mock: capacity 20: the other $((n - 20)) offload_failed" \
	test "$(flagged offload_failed)" -eq $((n - 20))
check "mock: capacity: the table still holds every route" $FIBVIEW compare "$MOCK" $ALL

# Veto: refused synchronously, with the message ip route prints.
echo 1 >"$MOCK/veto"
msg=$(ip -n ns1 route add 192.0.2.200/32 via 10.1.0.2 2>&1)
rc=$?
diag "veto: ip route add said: $msg"
check "mock: veto: ip route add fails" test $rc -ne 0
check "mock: veto: with the extack message" \
	sh -c "echo '$msg' | grep -q 'hardware route table is full'"
check "mock: veto: the route is not in the kernel" \
	sh -c "! ip -n ns1 route show 192.0.2.200/32 | grep -q ."
echo 0 >"$MOCK/veto"
echo 0 >"$MOCK/attach"
echo 100000 >"$MOCK/capacity"
check "mock: flags cleared again" test -z "$($FIBVIEW unflagged $ALL)"

# Bad input on every knob: an errno, and nothing changes.
echo 1 >"$MOCK/attach"
before=$(cat $MOCK/attach $MOCK/capacity $MOCK/fail_route_offload $MOCK/veto $MOCK/netns $PROBE/attach; cat $MOCK/routes)
bad=0
for knob in $MOCK/attach $MOCK/capacity $MOCK/fail_route_offload $MOCK/veto $MOCK/netns $PROBE/attach; do
	for input in garbage -1 2 0x10 "1 1" 99999999999999999999999 "$(printf '\n')x" 1000001 4294967296 " " "1x"; do
		case "$knob:$input" in
		*/capacity:2) continue ;;	# valid there
		esac
		if printf '%s' "$input" >"$knob" 2>/dev/null; then
			diag "knob $knob accepted '$input'"
			bad=$((bad + 1))
		fi
	done
done
after=$(cat $MOCK/attach $MOCK/capacity $MOCK/fail_route_offload $MOCK/veto $MOCK/netns $PROBE/attach; cat $MOCK/routes)
check "mock: every knob rejects bad input with an errno" test $bad -eq 0
check "mock: bad input changed nothing" test "$before" = "$after"

# A namespace deleted while attached leaves the table.
make_ns ns5 5
check "mock: new namespace's routes flagged" \
	sh -c "ip -n ns5 -j route show | grep -q '\"rt_offload\"'"
ino=$(stat -L -c %i /run/netns/ns5)
ip netns del ns5
for _ in $(seq 100); do
	grep -q "^$ino " $MOCK/routes || break
	sleep 0.2
done
check "mock: deleted namespace left the hardware table" sh -c "! grep -q '^$ino ' $MOCK/routes"
check "mock: the rest still equals the kernel" $FIBVIEW compare "$MOCK" $ALL
