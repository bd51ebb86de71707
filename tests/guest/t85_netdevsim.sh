# SPDX-License-Identifier: GPL-2.0
# Side by side with netdevsim's FIB offload (the kernel's own mock switchdev
# listener) in the same boot: the same workload in two namespaces, netdevsim
# in one, the mock switchdev (restricted to the other) in the other; both
# must flag the same routes.
MOCK=$RFN/mock_switchdev
if [ ! -f "${NSIM_KO:-}" ] || ! insmod "$NSIM_KO"; then
	not_ok "netdevsim: module loads"
else
	ok "netdevsim: module loads"
	ip netns add nsA
	ip netns add nsB
	echo "4242 1" >/sys/bus/netdevsim/new_device
	udevadm settle 2>/dev/null
	devlink dev reload netdevsim/netdevsim4242 netns nsA
	workload() {
		local ns=$1
		ip -n "$ns" link set lo up
		# The same MAC: the same link-local routes in both.
		ip -n "$ns" link add d0 address 02:00:00:00:50:01 type dummy
		ip -n "$ns" link set d0 up
		ip -n "$ns" addr add 10.50.0.1/24 dev d0
		ip -n "$ns" -6 addr add 2001:db8:50::1/64 dev d0 nodad
		for j in $(seq 1 10); do
			ip -n "$ns" route add "198.18.$j.0/24" via 10.50.0.2
			ip -n "$ns" -6 route add "2001:db8:5$j::/48" via 2001:db8:50::2
		done
		ip -n "$ns" route add 198.19.0.0/16 via 10.50.0.2 table 100
		ip -n "$ns" route add 198.20.0.0/16 nexthop via 10.50.0.2 nexthop via 10.50.0.3
	}
	echo 0 >"$MOCK/attach"
	stat -L -c %i /run/netns/nsB >"$MOCK/netns"
	echo 1 >"$MOCK/attach"
	workload nsA
	workload nsB
	sleep 2
	# Compare (table, prefix) sets: netdevsim flags trap, we flag offload.
	$FIBVIEW flagged trap nsA | awk '{print $4, $5}' | sort >/tmp/nsim.flagged
	$FIBVIEW flagged offload nsB | awk '{print $4, $5}' | sort >/tmp/mock.flagged
	diag "netdevsim flagged $(wc -l </tmp/nsim.flagged) routes, the mock switchdev $(wc -l </tmp/mock.flagged)"
	diff /tmp/nsim.flagged /tmp/mock.flagged | head -20 | while read -r l; do diag "$l"; done
	check "netdevsim: both flag the same routes" cmp -s /tmp/nsim.flagged /tmp/mock.flagged
	check "netdevsim: and some" test -s /tmp/mock.flagged
	echo 0 >"$MOCK/attach"
	echo 0 >"$MOCK/netns"
	echo 4242 >/sys/bus/netdevsim/del_device
	ip netns del nsA
	ip netns del nsB
	check "netdevsim: unloads" rmmod netdevsim
fi
