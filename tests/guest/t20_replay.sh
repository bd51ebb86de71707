# SPDX-License-Identifier: GPL-2.0
# A late registration receives every namespace's routes and rules exactly
# once, with the right namespace.
plan 12
get tries0 tries "$RFN/stats"
check "replay: attach after the routes exist" attach
get replayed replayed; get routes routes; get rules rules; get live live
get tries tries "$RFN/stats"
diag "replayed $replayed events, holding $routes routes and $rules rules"
check "replay: each route and rule exactly once" test "$replayed" -eq $((routes + rules))
check "replay: nothing live yet" test "$live" -eq 0
check "replay: consistent on the first try" test "$tries" -eq $((tries0 + 1))
snap replay "$PROBE"
judge replay "replay: listener equals ip route/ip rule in 4 namespaces" \
	'compare("probe", "init", "ns1", "ns2", "ns3")'
for ns in ns1 ns2 ns3; do
	judge replay "replay: $ns has its routes" "cmp(len(listener('probe', '$ns')), '>', 20)"
done
# Typed accessors: metric, nexthop count, first gateway and device.
judge replay "replay: route's gateway and device (198.51.1.0/24 via 10.1.0.2 dev d0)" \
	'grep("probe", "routes", "^%d 4 254 198.51.1.0/24 .* nhs 1 dev %d via 10.1.0.2$" % (ino("ns1"), ifindex("ns1", "d0")))'
judge replay "replay: IPv4 multipath has 2 nexthops" \
	'grep("probe", "routes", "^%d 4 254 203.0.1.0/24 .* nhs 2 " % ino("ns1"))'
judge replay "replay: IPv6 multipath has 2 nexthops, first via 2001:db8:1::2" \
	'grep("probe", "routes", "^%d 6 254 2001:db8:fe1::/48 .* nhs 2 dev [0-9]* via 2001:db8:1::2$" % ino("ns1"))'
judge replay "replay: IPv6 metric (1024)" \
	'grep("probe", "routes", "^%d 6 254 2001:db8:ff1::/48 .* metric 1024 " % ino("ns1"))'
