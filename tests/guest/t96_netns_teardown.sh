# SPDX-License-Identifier: GPL-2.0
# Events of a namespace that is being dismantled.  Device teardown runs
# before the module's pernet exit, while maybe_get_net() already fails:
# when veth0 goes, the kernel flushes the route via veth0 and notifies
# ENTRY_REPLACE with the next alias (the unreachable one).  Events name
# their namespace by identity (its cookie) and are applied whatever state
# the namespace is in, and flags are set only through a reference taken
# for the call: the mock drops the fib_info via veth0 (which holds a
# reference on veth0), so the namespace's exit arrives within seconds, with
# nothing of it left held.  Then a namespace with only a device-less route
# (a blackhole, lo down) dies while the mock detaches and re-attaches
# around it (KASAN watches every access to it).
ALL_TESTS="teardown_veth teardown_blackhole"

setup() {
	ns_setup ns1 ns2 ns3
	listeners_on
}

cleanup() {
	listeners_off
}

_exited() { local n; get n netns_exits; [ "$n" -gt "$exits0" ]; }

teardown_veth() {
	plan 3
	local ino8
	echo 1 >"$MOCK/attach"
	ip netns add ns8
	ipb ns8 <<EOF
link set lo up
link add v8a type veth peer name v8b
link set v8a up
link set v8b up
addr add 10.8.0.1/24 dev v8a
route add 10.18.0.0/16 via 10.8.0.2 dev v8a metric 10
route add unreachable 10.18.0.0/16 metric 100
EOF
	ns_inode ino8 ns8
	snap teardown "$MOCK"
	judge teardown "teardown: the route via the veth is offloaded before" \
		route_has_flag ns8 254 rt_offload 10.18.0.0/16
	get exits0 netns_exits
	ip netns del ns8
	check "teardown: the namespace's exit arrives within 20 s (nothing pins its devices)" wait_for 20 _exited
	check "teardown: none of its routes is left in the mock switchdev" \
		wait_for 10 eval "! file_has_inode $MOCK/routes $ino8"
}

# A namespace with only a device-less route dies around a detach/attach.
teardown_blackhole() {
	plan 3
	local ino9 del k
	ip netns add ns9
	ip -n ns9 route add blackhole 10.99.0.0/16
	ns_inode ino9 ns9
	get exits0 netns_exits
	ip netns del ns9 &
	del=$!
	for ((k = 0; k < 10; k++)); do echo 0 >"$MOCK/attach"; echo 1 >"$MOCK/attach"; done
	wait $del
	check "teardown: the blackhole-only namespace's exit arrives" wait_for 20 _exited
	check "teardown: nothing of it left in the mock switchdev" \
		wait_for 10 eval "! file_has_inode $MOCK/routes $ino9"
	snap teardown-after "$MOCK"
	judge teardown-after "teardown: the mock still equals the kernel" compare mock_switchdev init ns1 ns2 ns3
}
