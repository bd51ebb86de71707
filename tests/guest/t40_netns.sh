# SPDX-License-Identifier: GPL-2.0
# Namespaces created and deleted while the probe is attached: a new one's
# routes and rules arrive; a deleted one's exit arrives and takes all of
# its routes and rules from the probe.  ns3 is one of those deleted: the
# cleanup makes it again.
ALL_TESTS="netns_created netns_deleted"
NEEDS[netns_deleted]=netns_created

setup() {
	ns_setup ns1 ns2 ns3
	attach
}

cleanup() {
	detach
	ns_setup ns3
}

netns_created() {
	plan 1
	get exits0 netns_exits
	make_ns ns4 4
	snap netns-new "$PROBE"
	judge netns-new "netns: a namespace created later is seen" compare probe init ns1 ns2 ns3 ns4
}

# Namespace cleanup is asynchronous: wait for its exit event.
_exited() { local n; get n netns_exits; [ "$n" -ge $((exits0 + $1)) ]; }

netns_deleted() {
	plan 4
	local ino3 ino4
	ns_inode ino3 ns3
	ns_inode ino4 ns4
	ip netns del ns3
	check "netns: deleted namespace sent its exit" wait_for 20 _exited 1
	ip netns del ns4
	check "netns: a second one too" wait_for 20 _exited 2
	snap netns-del "$PROBE"
	judge netns-del "netns: none of their routes or rules are left" holds_nothing_of probe "$ino3" "$ino4"
	judge netns-del "netns: the others still match" compare probe init ns1 ns2
}
