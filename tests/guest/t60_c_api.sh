# SPDX-License-Identifier: GPL-2.0
# The exported C API: an example C listener module loaded after the routes
# gets their replay and the live changes; it pins rust_fib_notifier while
# registered, and loads and unloads again.  A listener built against a
# newer API version (tests/kmod/rfn_future.ko) is refused, with both
# versions in the kernel log; the module says its own in modinfo.
ALL_TESTS="capi_replay capi_live capi_module_refs capi_version"
ex_ko=examples/c_listener/rfn_c_example.ko

setup() {
	ns_setup ns1 ns2 ns3
}

cleanup() {
	example_unload
	:
}

capi_replay() {
	plan 2
	local ns
	check "c api: example C listener loads and registers" insmod "$ex_ko"
	snap capi-replay "$EX"
	judge capi-replay "c api: the replay equals ip route/ip rule in every namespace" \
		compare rfn_c_example init ns1 ns2 ns3
	for ns in ns1 ns2 ns3; do
		note capi-replay route_counts rfn_c_example "$ns"
	done
}

capi_live() {
	plan 3
	[ -d /sys/module/rfn_c_example ] || insmod "$ex_ko"
	ip -n ns1 route add 172.17.0.0/16 via 10.1.0.2 table 100
	ip -n ns2 route add 2001:db8:77::/48 via 2001:db8:2::2
	snap capi-add "$EX"
	judge capi-add "c api: live adds arrive" compare rfn_c_example init ns1 ns2 ns3
	ip -n ns1 route del 172.17.0.0/16 table 100
	ip -n ns2 route del 2001:db8:77::/48
	snap capi-del "$EX"
	judge capi-del "c api: live deletes arrive" compare rfn_c_example init ns1 ns2 ns3
	judge capi-del "c api: stats show no event lost" stat_eq rfn_c_example lost 0
}

capi_module_refs() {
	plan 7
	local n
	[ -d /sys/module/rfn_c_example ] || insmod "$ex_ko"
	check "c api: rust_fib_notifier cannot be unloaded under a C listener" \
		eval '! rmmod rust_fib_notifier 2>/dev/null'
	check "c api: rust_fib_notifier still loaded" test -d /sys/module/rust_fib_notifier
	get n c_listeners "$RFN/stats"
	check "c api: C listener counted in debugfs" test "$n" -eq 1
	check "c api: unloading the C listener first works" rmmod rfn_c_example
	get n c_listeners "$RFN/stats"
	check "c api: no C listener left" test "$n" -eq 0
	check "c api: the example reloads (registers again)" insmod "$ex_ko"
	check "c api: and unloads again" rmmod rfn_c_example
}

_t60_said() { dmesg | grep -q 'rust_fib_notifier: future_event.* was built against API version [0-9]*; this module provides version [0-9]*$'; }

capi_version() {
	plan 4
	local v n0 n1
	v=$(modinfo -F api_version "$KO")
	check "c api: modinfo says the API version the module provides ($v)" test -n "$v"
	get n0 c_listeners "$RFN/stats"
	check "c api: a listener built against API version $((v + 1)) is refused" \
		eval '! insmod tests/kmod/rfn_future.ko 2>/dev/null'
	get n1 c_listeners "$RFN/stats"
	check "c api: and not registered ($n0 -> $n1 C listeners)" test "$n1" -eq "$n0"
	check "c api: the kernel log names both versions" _t60_said
}
