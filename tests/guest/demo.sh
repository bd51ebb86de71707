#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Inside the guest: the story of `make demo`.
#   tests/guest/demo.sh MODULE.ko
set -u
ko=$1
RFN=/sys/kernel/debug/rust_fib_notifier
. "$(dirname "$0")/builtins.sh"
say() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
run() { printf '$ %s\n' "$*"; "$@"; }

say "Routes exist first: three namespaces, IPv4 and IPv6, three tables, rules"
for i in 1 2 3; do
	ip netns add "ns$i"
	ip -n "ns$i" link set lo up
	ip -n "ns$i" link add d0 type dummy
	ip -n "ns$i" link set d0 up
	ip -n "ns$i" addr add "10.$i.0.1/24" dev d0
	ip -n "ns$i" -6 addr add "2001:db8:$i::1/64" dev d0 nodad
	ip -n "ns$i" route add "198.51.$i.0/24" via "10.$i.0.2"
	ip -n "ns$i" route add default via "10.$i.0.2" table 100
	ip -n "ns$i" -6 route add "2001:db8:ff$i::/48" via "2001:db8:$i::2" table 200
	ip -n "ns$i" rule add from "10.$i.0.0/16" table 100 pref 1000
done
run ip -n ns1 route show table all
run ip -n ns1 -6 route show table 200
run ip -n ns1 rule

say "Load the module: it bridges every namespace's FIB chain into one"
run insmod "$ko"
dmesg | grep rust_fib_notifier | sed 's/^/    /'

say "A listener registers late (the probe): every namespace is replayed"
run sh -c "echo 1 > $RFN/probe/attach"
run cat $RFN/stats
run cat $RFN/probe/stats
for i in 1 2 3; do
	printf '    ns%s is netns inode %s\n' "$i" "$(stat -L -c %i /run/netns/ns$i)"
done
run cat $RFN/probe/routes
run cat $RFN/probe/rules

say "Then every change: a route added in ns2 arrives once"
run ip -n ns2 route add 192.0.2.0/24 via 10.2.0.2 table 100
run grep " 192.0.2.0/24" $RFN/probe/routes

say "A namespace deleted: the listener drops all of it"
ino=$(stat -L -c %i /run/netns/ns3)
run ip netns del ns3
# Namespace cleanup is asynchronous: wait (at most 20 s) for its exit event.
ns3_gone() { ! grep -q "^$ino " $RFN/probe/routes; }
wait_for 20 ns3_gone
printf '    routes of ns3 (inode %s) still held: %s\n' "$ino" \
	"$(grep -c "^$ino " $RFN/probe/routes)"
run cat $RFN/probe/stats

say "A mock switchdev driver attaches late: replay fills its hardware table"
run sh -c "echo 1 > $RFN/mock_switchdev/attach"
run cat $RFN/mock_switchdev/stats
run sh -c "grep -cE ' (offload|trap) ' $RFN/mock_switchdev/routes"
say "... and the kernel's routes show its offload flags"
run ip -n ns1 route show table all
run ip -n ns1 -6 route show table 200

say "A route added later is offloaded too"
run ip -n ns1 route add 203.0.113.0/24 via 10.1.0.2 table 100
run ip -n ns1 route show table 100

say "Nexthop objects: the mock offloads them, and the routes that use them"
run ip -n ns1 nexthop add id 1 via 10.1.0.2 dev d0
run ip -n ns1 nexthop add id 2 via 10.1.0.3 dev d0
run ip -n ns1 nexthop add id 10 group 1/2
run ip -n ns1 route add 203.0.113.128/25 nhid 10
run ip -n ns1 nexthop show
run ip -n ns1 route show 203.0.113.128/25
run cat $RFN/mock_switchdev/nexthops
run cat $RFN/probe/nexthops

say "The hardware is full: with veto on, ip route add is refused"
run sh -c "echo 1 > $RFN/mock_switchdev/capacity"
run sh -c "echo 1 > $RFN/mock_switchdev/veto"
run ip -n ns2 route add 203.0.113.0/24 via 10.2.0.2
run sh -c "echo 0 > $RFN/mock_switchdev/veto"

say "Multicast routing: a daemon's (S,G) routes are offloaded too"
ip -n ns1 link add m0 type veth peer name m1
ip -n ns1 link add m2 type veth peer name m3
for l in m0 m1 m2 m3; do ip -n ns1 link set "$l" up; done
ip -n ns1 addr add 10.1.10.1/24 dev m0
ip -n ns1 addr add 10.1.12.1/24 dev m2
ip netns exec ns1 smcrouted -n -l err -i rfn-demo -u /tmp/rfn-demo.sock \
	-P /tmp/rfn-demo.pid </dev/null >/dev/null 2>&1 &
mc_up() { smcroutectl -u /tmp/rfn-demo.sock show interfaces >/dev/null 2>&1; }
wait_for 30 mc_up
run smcroutectl -u /tmp/rfn-demo.sock add m0 10.1.10.2 239.1.2.3 m2
run ip -n ns1 mroute show
run cat $RFN/mock_switchdev/mroutes
run cat $RFN/probe/mroutes

say "Detach: the flags it set are cleared"
run sh -c "echo 0 > $RFN/mock_switchdev/attach"
run ip -n ns1 route show table 100
run ip -n ns1 mroute show
kill "$(cat /tmp/rfn-demo.pid)"

say "Unload"
run sh -c "echo 0 > $RFN/probe/attach"
run rmmod rust_fib_notifier
dmesg | grep rust_fib_notifier | tail -1 | sed 's/^/    /'
