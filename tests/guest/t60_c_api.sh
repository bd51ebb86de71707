# SPDX-License-Identifier: GPL-2.0
# The exported C API: an example C listener module loaded after the routes.
EX=/sys/kernel/debug/rfn_c_example
ex_ko=examples/c_listener/rfn_c_example.ko
check "c api: example C listener loads and registers" insmod "$ex_ko"
check "c api: the replay equals ip route/ip rule in every namespace" \
	$FIBVIEW compare "$EX" init ns1 ns2 ns3
for ns in ns1 ns2 ns3; do
	diag "c api: $ns: $($FIBVIEW listener "$EX" "$ns" | grep -c '^route') routes held," \
		"$($FIBVIEW kernel "$ns" | grep -c '^route') in ip route show table all"
done
ip -n ns1 route add 172.17.0.0/16 via 10.1.0.2 table 100
ip -n ns2 -6 route add 2001:db8:77::/48 via 2001:db8:2::2
check "c api: live adds arrive" $FIBVIEW compare "$EX" init ns1 ns2 ns3
ip -n ns1 route del 172.17.0.0/16 table 100
ip -n ns2 -6 route del 2001:db8:77::/48
check "c api: live deletes arrive" $FIBVIEW compare "$EX" init ns1 ns2 ns3
check "c api: stats show no event lost" test "$(stat_of lost $EX/stats)" -eq 0
check "c api: rust_fib_notifier cannot be unloaded under a C listener" \
	sh -c '! rmmod rust_fib_notifier 2>/dev/null'
check "c api: rust_fib_notifier still loaded" test -d /sys/module/rust_fib_notifier
check "c api: C listener counted in debugfs" test "$(stat_of c_listeners "$RFN/stats")" -eq 1
check "c api: unloading the C listener first works" rmmod rfn_c_example
check "c api: no C listener left" test "$(stat_of c_listeners "$RFN/stats")" -eq 0
check "c api: the example reloads (registers again)" insmod "$ex_ko"
check "c api: and unloads again" rmmod rfn_c_example
