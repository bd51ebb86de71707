# SPDX-License-Identifier: GPL-2.0
# After registration, every change arrives exactly once: route adds and
# deletes (IPv4 and IPv6, two namespaces) and a rule add and delete.
ALL_TESTS="live_routes live_rule"

setup() {
	ns_setup ns1 ns2 ns3
	attach
}

cleanup() {
	detach
}

live_routes() {
	plan 3
	local live0 live j
	get live0 live
	for j in 1 2 3 4 5; do echo "route add 172.16.$j.0/24 via 10.2.0.2 table 200"; done | ipb ns2
	for j in 1 2 3 4 5; do echo "route add 2001:db8:aa$j::/48 via 2001:db8:3::2"; done | ipb ns3
	get live live
	check "live: 10 adds arrive as 10 events" test "$live" -eq $((live0 + 10))
	snap live-add "$PROBE"
	judge live-add "live: adds are held" compare probe init ns1 ns2 ns3
	for j in 1 2 3 4 5; do echo "route del 172.16.$j.0/24 table 200"; done | ipb ns2
	for j in 1 2 3 4 5; do echo "route del 2001:db8:aa$j::/48"; done | ipb ns3
	get live live
	check "live: 10 deletes arrive as 10 events" test "$live" -eq $((live0 + 20))
}

live_rule() {
	plan 2
	ip -n ns1 rule add from 10.99.0.0/16 table 200 pref 2000
	snap live-rule "$PROBE"
	judge live-rule "live: a rule add arrives" holds_rule probe ns1 4 2000 200
	ip -n ns1 rule del pref 2000
	snap live-del "$PROBE"
	judge live-del "live: deletes are forgotten" compare probe init ns1 ns2 ns3
}
