# SPDX-License-Identifier: GPL-2.0
# Namespaces created and deleted while attached (t20 attached the probe;
# attaching again is a no-op, and makes this file run on its own too).
plan 5
attach
get exits0 netns_exits
make_ns ns4 4
snap netns-new "$PROBE"
judge netns-new "netns: a namespace created later is seen" \
	'compare("probe", "init", "ns1", "ns2", "ns3", "ns4")'
ns_inode ino3 ns3
ns_inode ino4 ns4
ip netns del ns3
# Namespace cleanup is asynchronous: wait for its exit event.
exited() { local n; get n netns_exits; [ "$n" -ge $((exits0 + $1)) ]; }
check "netns: deleted namespace sent its exit" wait_for 20 exited 1
ip netns del ns4
check "netns: a second one too" wait_for 20 exited 2
snap netns-del "$PROBE"
judge netns-del "netns: none of their routes or rules are left" \
	"not [l for l in lines('probe', 'routes') + lines('probe', 'rules') if l.split()[0] in ('$ino3', '$ino4')]"
judge netns-del "netns: the others still match" 'compare("probe", "init", "ns1", "ns2")'
