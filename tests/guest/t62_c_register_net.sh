# SPDX-License-Identifier: GPL-2.0
# rust_fib_notifier_register_net() from C with a real namespace (the example
# listener's netns_pid parameter), and that namespace dying while the
# listener is registered: its exit empties the listener, which then gets
# nothing of any other namespace, and unloads cleanly.
ALL_TESTS="register_net"

setup() {
	ns_setup ns1 ns2 ns3
}

cleanup() {
	example_unload
	[ -e /run/netns/ns6 ] && ip netns del ns6
	:
}

_empty() { local l; while read -r l; do return 1; done <"$EX/routes"; return 0; }

register_net() {
	plan 7
	local holder
	check "register_net: namespace ns6 with routes" make_ns ns6 6
	ip netns exec ns6 sleep 1000 &
	holder=$!
	# ip enters the namespace, then execs sleep: wait until it is there.
	_in_ns6() { [ /proc/$holder/ns/net -ef /run/netns/ns6 ]; }
	wait_for 10 _in_ns6
	check "register_net: example loads for ns6 only" \
		insmod examples/c_listener/rfn_c_example.ko netns_pid=$holder
	snap regnet "$EX"
	judge regnet "register_net: it holds ns6's routes and rules" compare rfn_c_example ns6
	judge regnet "register_net: and nothing of another namespace" \
		only_namespace rfn_c_example ns6 routes rules
	kill $holder
	wait $holder 2>/dev/null
	ip netns del ns6
	check "register_net: the namespace's exit emptied it" wait_for 30 _empty
	ip -n ns1 route add 192.0.2.66/32 via 10.1.0.2
	check "register_net: then nothing of another namespace arrives" _empty
	ip -n ns1 route del 192.0.2.66/32
	check "register_net: the example unloads" rmmod rfn_c_example
}
