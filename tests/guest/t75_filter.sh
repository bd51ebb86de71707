# SPDX-License-Identifier: GPL-2.0
# A registration restricted to one namespace (mainline's semantics): the
# replay and the events of that namespace only.
MOCK=$RFN/mock_switchdev
echo 0 >"$MOCK/attach"
ino1=$(stat -L -c %i /run/netns/ns1)
echo "$ino1" >"$MOCK/netns"
check "filter: attach to ns1 only" sh -c "echo 1 > $MOCK/attach"
check "filter: the table equals ns1's routes" $FIBVIEW compare "$MOCK" ns1
check "filter: nothing of another namespace" sh -c "! grep -v '^$ino1 ' $MOCK/routes | grep -q ."
ip -n ns2 route add 192.0.2.32/27 via 10.2.0.2
ip -n ns1 route add 192.0.2.32/27 via 10.1.0.2
check "filter: ns1's new route arrives, ns2's does not" $FIBVIEW compare "$MOCK" ns1
check "filter: ns2's new route is not flagged" \
	sh -c "! ip -n ns2 -j route show 192.0.2.32/27 | grep -q rt_offload"
ip -n ns1 route del 192.0.2.32/27
ip -n ns2 route del 192.0.2.32/27
echo 0 >"$MOCK/attach"
echo 0 >"$MOCK/netns"
