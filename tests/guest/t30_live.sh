# SPDX-License-Identifier: GPL-2.0
# After registration, every change arrives exactly once.
live0=$(stat_of live)
for j in 1 2 3 4 5; do
	ip -n ns2 route add "172.16.$j.0/24" via 10.2.0.2 table 200
	ip -n ns3 -6 route add "2001:db8:aa$j::/48" via 2001:db8:3::2
done
check "live: 10 adds arrive as 10 events" test "$(stat_of live)" -eq $((live0 + 10))
check "live: adds are held" $FIBVIEW compare "$PROBE" init ns1 ns2 ns3
for j in 1 2 3 4 5; do
	ip -n ns2 route del "172.16.$j.0/24" table 200
	ip -n ns3 -6 route del "2001:db8:aa$j::/48"
done
check "live: 10 deletes arrive as 10 events" test "$(stat_of live)" -eq $((live0 + 20))
ip -n ns1 rule add from 10.99.0.0/16 table 200 pref 2000
check "live: a rule add arrives" \
	sh -c "$FIBVIEW listener $PROBE ns1 | grep -q 'rule .* 4 2000 200'"
ip -n ns1 rule del pref 2000
check "live: deletes are forgotten" $FIBVIEW compare "$PROBE" init ns1 ns2 ns3
