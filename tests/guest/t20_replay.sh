# SPDX-License-Identifier: GPL-2.0
# A late registration receives every namespace's routes and rules exactly
# once, with the right namespace, and the probe prints them with their
# typed fields (metric, nexthop count, first gateway and device) and by
# ip's names (type, proto, scope, rule action).
ALL_TESTS="replay_once replay_fields"
NEEDS[replay_fields]=replay_once

setup() {
	ns_setup ns1 ns2 ns3
}

cleanup() {
	detach
	ipb ns1 <<EOF2
route del 198.18.20.0/24
route del 198.18.21.0/24
rule del pref 2020
rule del pref 2021
EOF2
}

replay_once() {
	plan 8
	local tries0 tries replayed routes rules live ns mrules vifs mroutes
	detach
	# Names beyond the standard namespaces': a protocol ip names and one
	# it does not, scope link, an unreachable and a nop rule.
	ipb ns1 <<EOF2
route add 198.18.20.0/24 dev d0 proto 200 scope link
route add 198.18.21.0/24 via 10.1.0.2 proto static
rule add pref 2020 unreachable to 198.18.22.0/24
rule add pref 2021 nop
EOF2
	get tries0 tries "$RFN/stats"
	check "replay: attach after the routes exist" attach
	get replayed replayed; get routes routes; get rules rules; get live live
	# Multicast routing's own default rules are replayed too (one a family).
	get mrules mrules; get vifs vifs; get mroutes mroutes
	get tries tries "$RFN/stats"
	diag "replayed $replayed events, holding $routes routes and $rules rules"
	check "replay: each route and rule exactly once" \
		test "$replayed" -eq $((routes + rules + mrules + vifs + mroutes))
	check "replay: nothing live yet" test "$live" -eq 0
	check "replay: consistent on the first try" test "$tries" -eq $((tries0 + 1))
	snap replay "$PROBE"
	judge replay "replay: listener equals ip route/ip rule in 4 namespaces" \
		compare probe init ns1 ns2 ns3
	for ns in ns1 ns2 ns3; do
		judge replay "replay: $ns has its routes" holds_more_than probe "$ns" 20
	done
}

# The probe stays attached from replay_once: its snapshot is judged here.
replay_fields() {
	plan 5
	judge replay "replay: route types, protocols, scopes and rule actions are ip's names" \
		compare_decoded probe init ns1 ns2 ns3
	judge replay "replay: route's gateway and device (198.51.1.0/24 via 10.1.0.2 dev d0)" \
		lines_match probe routes '^{ino ns1} 4 254 198.51.1.0/24 .* nhs 1 dev {ifindex ns1 d0} via 10.1.0.2$'
	judge replay "replay: IPv4 multipath has 2 nexthops" \
		lines_match probe routes '^{ino ns1} 4 254 203.0.1.0/24 .* nhs 2 '
	judge replay "replay: IPv6 multipath has 2 nexthops, first via 2001:db8:1::2" \
		lines_match probe routes '^{ino ns1} 6 254 2001:db8:fe1::/48 .* nhs 2 dev [0-9]* via 2001:db8:1::2$'
	judge replay "replay: IPv6 metric (1024)" \
		lines_match probe routes '^{ino ns1} 6 254 2001:db8:ff1::/48 .* metric 1024 '
}
