# SPDX-License-Identifier: GPL-2.0
# The example C listener, the model C drivers copy, sets
# the offload flag on every route it holds and clears it when it unloads;
# refuses (NOTIFY_BAD) an add it has no memory for, as netdevsim does, so
# `ip route add` fails; and resyncs the namespace after a delete it could
# not queue (failslab), holding nothing the kernel deleted: it asks from
# its own ordered queue, the one its flush callbacks flush (the resync is
# queued, never run in the caller: no deadlock, no lockdep cycle).  With
# RUST_FIB_NOTIFIER_F_NEXTHOPS it learns the nexthop objects too (the
# kernel's own struct nh_notifier_info through the C API).  The flags
# (rt_offload for unicast and blackhole routes, rt_trap for the others)
# are judged per route against the kernel's.
#  cex_offload_failed  routes the hardware refuses (fail_route_offload, as
#                      netdevsim's) carry rt_offload_failed alone, and
#                      `ip monitor route` sees it (fib_notify_on_flag_change
#                      1 in the namespace); a resync once the hardware
#                      takes them again writes them: rt_offload.
ALL_TESTS="cex_offload cex_veto_resync cex_offload_failed cex_unload"
NEEDS[cex_veto_resync]=cex_offload
NEEDS[cex_offload_failed]=cex_offload
NEEDS[cex_unload]=cex_offload
ex_ko=examples/c_listener/rfn_c_example.ko
t64_mon=/tmp/t64-monitor
t64_mon_pid=

# Alone on the chain: only the example allocates, only it sets flags.
setup() {
	ns_setup ns1 ns2 ns3
	listeners_off
}

cleanup() {
	[ -n "$t64_mon_pid" ] && kill "$t64_mon_pid" 2>/dev/null && wait "$t64_mon_pid" 2>/dev/null
	[ -e "$EX/fail_route_offload" ] && echo 0 >"$EX/fail_route_offload"
	example_unload
	ip netns exec ns1 sysctl -qw net.ipv4.fib_notify_on_flag_change=0 net.ipv6.fib_notify_on_flag_change=0
	ip -n ns1 nexthop flush >/dev/null
	# Whichever are left: -force runs every line.
	ip -n ns1 -force -batch - <<EOF >/dev/null 2>&1
route del 192.0.2.66/32
route del 2001:db8:9997::/48
route del 192.0.2.68/32
route del 192.0.2.69/32
route del 2001:db8:9996::/48
EOF
	:
}

cex_offload() {
	plan 4
	ipb ns1 <<EOF2
nexthop add id 71 via 10.1.0.2 dev d0
nexthop add id 72 via 10.1.1.2 dev d1
nexthop add id 73 group 71/72
route add 192.0.2.71/32 nhid 73
EOF2
	check "c example: loads" insmod "$ex_ko"
	ipb ns1 <<EOF2
route add 192.0.2.66/32 via 10.1.0.2
route add 2001:db8:9997::/48 via 2001:db8:1::2
EOF2
	snap cex-load "$EX"
	judge cex-load "c example: equals the kernel" compare rfn_c_example init ns1 ns2 ns3
	judge cex-load "c example: holds the kernel's nexthop objects (id, kind, size) in every namespace" \
		c_example_nexthops ns1 3 init ns1 ns2 ns3
	judge cex-load "c example: every route it holds (the first of its prefix), and only those, carry rt_offload or rt_trap (by type)" \
		c_example_flags - init ns1 ns2 ns3
}

cex_veto_resync() {
	plan 8
	local rc vetoed resyncs0
	failslab_ip -n ns1 route add 192.0.2.67/32 via 10.1.0.2 2>/dev/null
	rc=$?
	check "c example: an add it cannot allocate for is refused" test $rc -ne 0
	check "c example: and is not in the kernel" test -z "$(ip -n ns1 route show 192.0.2.67/32)"
	get vetoed vetoed "$EX/stats"
	check "c example: counted as vetoed" test "$vetoed" -ge 1
	get resyncs0 resyncs "$EX/stats"
	printf 'route del 192.0.2.66/32\nroute del 2001:db8:9997::/48\n' | failslab_ip -n ns1 -batch -
	rc=$?
	check "c example: deletes it cannot queue still succeed" test $rc -eq 0
	_cex_resynced() { local n; get n resyncs "$EX/stats" && [ "$n" -gt "$resyncs0" ]; }
	check "c example: it asks for a resync of the namespace, from its ordered queue" wait_for 60 _cex_resynced
	check "c example: the module's resync work did it" resyncs_done
	snap cex-resync "$EX"
	judge cex-resync "c example: holds neither deleted route" \
		holds_none_of rfn_c_example ns1 192.0.2.66/32 2001:db8:9997::/48
	judge cex-resync "c example: equals the kernel after the resync" \
		compare rfn_c_example init ns1 ns2 ns3
}

# _t64_mon_says PREFIX WORD: a line of ip monitor's output names PREFIX
# (as ip prints it) and WORD.
_t64_mon_says() {
	local _l _lines
	mapfile -t _lines <"$t64_mon"
	for _l in "${_lines[@]}"; do
		[[ " $_l " == *" $1 "* && " $_l " == *" $2 "* ]] && return 0
	done
	return 1
}

# _t64_mon_says_after PREFIX FIRST THEN: a line naming PREFIX and THEN
# comes after one naming PREFIX and FIRST.
_t64_mon_says_after() {
	local _l _lines _seen=
	mapfile -t _lines <"$t64_mon"
	for _l in "${_lines[@]}"; do
		[[ " $_l " == *" $1 "* ]] || continue
		[[ " $_l " == *" $2 "* ]] && _seen=1
		[[ -n $_seen && " $_l " == *" $3 "* ]] && return 0
	done
	return 1
}

# _t64_mon_listens: the monitor printed the marker route 192.0.2.69; if
# not, deletes and adds it again (one process) for the next try.
_t64_mon_listens() {
	_t64_mon_says 192.0.2.69 via && return 0
	ip -n ns1 -force -batch - <<EOF >/dev/null 2>&1
route del 192.0.2.69/32
route add 192.0.2.69/32 via 10.1.0.2
EOF
	nap 0.3
	_t64_mon_says 192.0.2.69 via
}

_t64_more() { local v; get v "$1" "$EX/stats" && [ "$v" -gt "$2" ]; }

cex_offload_failed() {
	plan 12
	local ino s0 n
	ip netns exec ns1 sysctl -qw net.ipv4.fib_notify_on_flag_change=1 net.ipv6.fib_notify_on_flag_change=1
	ip -n ns1 monitor route >"$t64_mon" 2>&1 &
	t64_mon_pid=$!
	# A route of its own, added again until the monitor prints it, tells
	# when the monitor listens (it subscribes some time after it starts).
	check "c example offload_failed: ip monitor route listens in ns1" \
		wait_for 60 _t64_mon_listens
	echo 1 >"$EX/fail_route_offload"
	ipb ns1 <<EOF
route add 192.0.2.68/32 via 10.1.0.2
route add 2001:db8:9996::/48 via 2001:db8:1::2
EOF
	snap cex-failed "$EX"
	judge cex-failed "c example offload_failed: the two routes it could not write carry rt_offload_failed alone; the others rt_offload or rt_trap" \
		c_example_flags 192.0.2.68/32,2001:db8:9996::/48 init ns1 ns2 ns3
	judge cex-failed "c example offload_failed: it holds them (equals the kernel)" \
		compare rfn_c_example init ns1 ns2 ns3
	get n offload_failed "$EX/stats"
	check "c example offload_failed: counted as failed ($n)" test "$n" = 2
	check "c example offload_failed: ip monitor sees rt_offload_failed on the IPv4 route (fib_notify_on_flag_change=1)" \
		wait_for 30 _t64_mon_says 192.0.2.68 rt_offload_failed
	check "c example offload_failed: and on the IPv6 route" \
		wait_for 30 _t64_mon_says 2001:db8:9996::/48 rt_offload_failed
	# The hardware takes routes again: a resync of ns1 writes them.
	echo 0 >"$EX/fail_route_offload"
	ns_inode ino ns1
	get s0 sweeps "$EX/stats"
	echo "$ino" >"$EX/resync"
	check "c example offload_failed: a resync of ns1 is swept" wait_for 60 _t64_more sweeps "$s0"
	check "c example offload_failed: no resync left" resyncs_done
	get n offload_failed "$EX/stats"
	check "c example offload_failed: none failed after the resync ($n)" test "$n" = 0
	snap cex-refixed "$EX"
	judge cex-refixed "c example offload_failed: after the resync every route it holds carries rt_offload or rt_trap, none rt_offload_failed" \
		c_example_flags - init ns1 ns2 ns3
	check "c example offload_failed: ip monitor sees rt_offload on the IPv4 route after the resync" \
		wait_for 30 _t64_mon_says_after 192.0.2.68 rt_offload_failed rt_offload
	check "c example offload_failed: and on the IPv6 route" \
		wait_for 30 _t64_mon_says_after 2001:db8:9996::/48 rt_offload_failed rt_offload
	kill "$t64_mon_pid"
	wait "$t64_mon_pid" 2>/dev/null
	t64_mon_pid=
	ip netns exec ns1 sysctl -qw net.ipv4.fib_notify_on_flag_change=0 net.ipv6.fib_notify_on_flag_change=0
	ipb ns1 <<EOF
route del 192.0.2.68/32
route del 192.0.2.69/32
route del 2001:db8:9996::/48
EOF
}

cex_unload() {
	plan 2
	check "c example: unloads" rmmod rfn_c_example
	ip -n ns1 nexthop flush >/dev/null
	snap cex-unload
	judge cex-unload "c example: no flag left after unload" no_hw_flags init ns1 ns2 ns3
}
