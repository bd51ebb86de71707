# SPDX-License-Identifier: GPL-2.0
# A late registration receives every namespace's routes and rules exactly
# once, with the right namespace.
tries0=$(stat_of tries "$RFN/stats")
check "replay: attach after the routes exist" attach
replayed=$(stat_of replayed)
held=$(( $(stat_of routes) + $(stat_of rules) ))
diag "replayed $replayed events, holding $held routes and rules"
check "replay: each route and rule exactly once" test "$replayed" -eq "$held"
check "replay: nothing live yet" test "$(stat_of live)" -eq 0
check "replay: consistent on the first try" \
	test "$(stat_of tries "$RFN/stats")" -eq $((tries0 + 1))
check "replay: listener equals ip route/ip rule in 4 namespaces" \
	$FIBVIEW compare "$PROBE" init ns1 ns2 ns3
for ns in ns1 ns2 ns3; do
	n=$($FIBVIEW listener "$PROBE" "$ns" | wc -l)
	check "replay: $ns has its routes ($n keys)" test "$n" -gt 20
done
# Typed accessors: metric, nexthop count, first gateway and device.
ino1=$(stat -L -c %i /run/netns/ns1)
d0=$(ip -n ns1 -j link show d0 | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["ifindex"])')
check "replay: route's gateway and device (198.51.1.0/24 via 10.1.0.2 dev d0)" \
	grep -q "^$ino1 4 254 198.51.1.0/24 .* nhs 1 dev $d0 via 10.1.0.2\$" "$PROBE/routes"
check "replay: IPv4 multipath has 2 nexthops" \
	grep -q "^$ino1 4 254 203.0.1.0/24 .* nhs 2 " "$PROBE/routes"
check "replay: IPv6 multipath has 2 nexthops, first via 2001:db8:1::2" \
	grep -q "^$ino1 6 254 2001:db8:fe1::/48 .* nhs 2 dev [0-9]* via 2001:db8:1::2\$" "$PROBE/routes"
check "replay: IPv6 metric (1024)" \
	grep -q "^$ino1 6 254 2001:db8:ff1::/48 .* metric 1024 " "$PROBE/routes"
