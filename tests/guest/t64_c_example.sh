# SPDX-License-Identifier: GPL-2.0
# The example C listener, the model C drivers copy, sets
# the offload flag on every route it holds and clears it when it unloads;
# refuses (NOTIFY_BAD) an add it has no memory for, as netdevsim does, so
# `ip route add` fails; and resyncs the namespace after a delete it could
# not queue (failslab), holding nothing the kernel deleted: it asks from
# its own ordered queue, the one its flush callbacks flush (the resync is
# queued, never run in the caller: no deadlock, no lockdep cycle).  With
# RUST_FIB_NOTIFIER_F_NEXTHOPS it learns the nexthop objects too (the
# kernel's own struct nh_notifier_info through the C API).
ALL_TESTS="cex_offload cex_veto_resync cex_unload"
NEEDS[cex_veto_resync]=cex_offload
NEEDS[cex_unload]=cex_offload
ex_ko=examples/c_listener/rfn_c_example.ko

# Alone on the chain: only the example allocates, only it sets flags.
setup() {
	ns_setup ns1 ns2 ns3
	listeners_off
}

cleanup() {
	example_unload
	ip -n ns1 nexthop flush >/dev/null
	ip -n ns1 route del 192.0.2.66/32 2>/dev/null
	ip -n ns1 route del 2001:db8:9997::/48 2>/dev/null
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
	judge cex-load "c example: every route it holds (the first of its prefix), and only those, carry offload" \
		flags_on_held rfn_c_example offload init ns1 ns2 ns3
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

cex_unload() {
	plan 2
	check "c example: unloads" rmmod rfn_c_example
	ip -n ns1 nexthop flush >/dev/null
	snap cex-unload
	judge cex-unload "c example: no flag left after unload" no_hw_flags init ns1 ns2 ns3
}
