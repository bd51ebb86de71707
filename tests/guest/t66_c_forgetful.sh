# SPDX-License-Identifier: GPL-2.0
# A C listener's module that goes away with its listener still registered
# (tests/kmod/rfn_forgetful.ko never unregisters): rust_fib_notifier
# unregisters it when the module goes (MODULE_STATE_GOING), says so in the
# kernel log, and the chain never calls into the freed text: route changes
# after the unload run clean (a call into freed text is an oops or a KASAN
# report, which fails the run).
ALL_TESTS="forgetful_module"

setup() {
	ns_setup ns1 ns2 ns3
}

_said() { dmesg | grep -q 'module rfn_forgetful went away with listener'; }

forgetful_module() {
	plan 7
	local cl0 cl1 cl2 ev0
	get cl0 c_listeners "$RFN/stats"
	check "forgetful: loads" insmod tests/kmod/rfn_forgetful.ko
	get cl1 c_listeners "$RFN/stats"
	check "forgetful: registered ($cl0 -> $cl1 C listeners)" test "$cl1" -eq $((cl0 + 1))
	read -r ev0 </sys/kernel/debug/rfn_forgetful/events
	check "forgetful: got the replay ($ev0 events)" test "$ev0" -gt 0
	check "forgetful: unloads" rmmod rfn_forgetful
	get cl2 c_listeners "$RFN/stats"
	check "forgetful: its listener was unregistered when it went ($cl2 C listeners)" test "$cl2" -eq "$cl0"
	check "forgetful: route changes after it went" \
		ipb ns1 <<EOF
route add 198.18.66.0/24 via 10.1.0.2
route add 2001:db8:66::/48 via 2001:db8:1::2
route del 198.18.66.0/24
route del 2001:db8:66::/48
EOF
	check "forgetful: the kernel log names the module" _said
}
