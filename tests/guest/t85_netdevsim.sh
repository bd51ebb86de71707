# SPDX-License-Identifier: GPL-2.0
# Side by side with netdevsim's FIB offload (the kernel's own mock switchdev
# listener) in the same boot: the same workload in two namespaces, netdevsim
# in one, the mock switchdev (restricted to the other) in the other; both
# flag the same routes: netdevsim traps every route (rt_trap), the mock
# offloads them (rt_offload) but traps the host routes (rt_trap).
ALL_TESTS="netdevsim_side_by_side"

setup() {
	echo 0 >"$MOCK/attach"
}

cleanup() {
	echo 0 >"$MOCK/attach"
	echo 0 >"$MOCK/netns"
	[ -d /sys/module/netdevsim ] && rmmod netdevsim
	for ns in nsA nsB; do [ -e "/run/netns/$ns" ] && ip netns del "$ns"; done
	:
}

_workload() {
	local j
	{
		echo "link set lo up"
		# The same MAC: the same link-local routes in both.
		echo "link add d0 address 02:00:00:00:50:01 type dummy"
		echo "link set d0 up"
		echo "addr add 10.50.0.1/24 dev d0"
		echo "addr add 2001:db8:50::1/64 dev d0 nodad"
		for ((j = 1; j <= 10; j++)); do
			echo "route add 198.18.$j.0/24 via 10.50.0.2"
			echo "route add 2001:db8:5$j::/48 via 2001:db8:50::2"
		done
		echo "route add 198.19.0.0/16 via 10.50.0.2 table 100"
		echo "route add 198.20.0.0/16 nexthop via 10.50.0.2 nexthop via 10.50.0.3"
	} | ipb "$1"
}

_nsim_caught_up() { count_flags flag_count nsA route rt_trap && [ "$flag_count" -ge "$mock_flagged" ]; }

netdevsim_side_by_side() {
	plan 4
	local inoB _lines
	check "netdevsim: module loads" insmod "$NSIM_KO"
	ip netns add nsA
	ip netns add nsB
	echo "4242 1" >/sys/bus/netdevsim/new_device
	devlink dev reload netdevsim/netdevsim4242 netns nsA
	ns_inode inoB nsB
	echo "$inoB" >"$MOCK/netns"
	echo 1 >"$MOCK/attach"
	_workload nsA
	_workload nsB
	# netdevsim flags its routes from a work item of its own, which
	# cannot be drained from here: wait (at most 30 s) until it flagged
	# as many routes in nsA as the mock (whose queue reading its routes
	# drains) in nsB; the comparison below then tells whether they are
	# the same ones.  (`ip route` prints the flags as rt_offload and
	# rt_trap.)
	mapfile -t _lines <"$MOCK/routes"
	count_flags mock_flagged nsB route rt_offload rt_trap
	wait_for 30 _nsim_caught_up || diag "netdevsim: flagged $flag_count routes in 30 s, the mock $mock_flagged"
	snap nsim "$MOCK"
	judge nsim "netdevsim: both flag the same routes, per route (but IPv6 multicast, which the mock ignores as mlxsw)" \
		netdevsim_same_routes nsA nsB
	judge nsim "netdevsim: and some" offloaded_and_trapped nsB
	note nsim netdevsim_counts nsA nsB
	echo 0 >"$MOCK/attach"
	echo 0 >"$MOCK/netns"
	echo 4242 >/sys/bus/netdevsim/del_device
	ip netns del nsA
	ip netns del nsB
	check "netdevsim: unloads" rmmod netdevsim
}
