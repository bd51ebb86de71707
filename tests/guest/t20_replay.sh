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
