# SPDX-License-Identifier: GPL-2.0
# Nexthop objects (`ip nexthop`, routes with `nhid`), IPv4 and IPv6
# throughout, in namespaces of this file's own (nh1: two dummy links, nh2:
# the same ids on another; no IPv6 link-local addresses, whose routes would
# come a DAD later): single nexthops, blackholes, fdb nexthops, weighted
# hash-threshold groups, resilient groups (buckets), and routes using them,
# made before any listener attaches.
#  nh_replay       The probe's late registration holds exactly the kernel's
#                  nexthops, buckets and routes with their nhid.
#  nh_mock         The mock switchdev's late registration flags every
#                  nexthop and bucket offload, every route using one
#                  rt_offload, host routes rt_trap.
#  nh_replay_veto  A nexthop the mock cannot hold vetoes its replay.
#  nh_replace      Group and single replaces.
#  nh_delete       Nexthops in use deleted (the kernel deletes their routes).
#  nh_veto         The mock's nexthop table full: a group add and a growing
#                  group replace are vetoed with an extack; the probe
#                  (before the mock on the chain) keeps neither.
#  nh_churn_registrations
#                  Registrations while nexthops and routes churn (every id
#                  new).
#  nh_detach       The mock's detach clears every flag it set.
#  nh_netdevsim    Side by side with netdevsim, which traps what the mock
#                  offloads.
#  nh_netns_gone   Deleted namespaces' nexthop objects leave the probe.
ALL_TESTS="nh_replay nh_mock nh_replay_veto nh_replace nh_delete nh_veto nh_churn_registrations nh_detach nh_netdevsim nh_netns_gone"
NEEDS[nh_veto]="nh_replace nh_delete"
NH="nh1 nh2"

setup() {
	detach
	echo 0 >"$PROBE/netns"
	echo 0 >"$MOCK/attach"
	echo 0 >"$MOCK/netns"
	echo 1024 >"$MOCK/nexthop_capacity"
	check "nexthop: namespace nh1 with nexthop objects and routes using them" nh_make_nh1
	check "nexthop: namespace nh2 with the same ids" nh_make_nh2
}

# The listeners detached, the knobs at their defaults, netdevsim unloaded
# and none of this file's namespaces.
cleanup() {
	local ns
	echo 0 >"$MOCK/attach"
	echo 0 >"$MOCK/netns"
	echo 1024 >"$MOCK/nexthop_capacity"
	detach
	[ -d /sys/module/netdevsim ] && rmmod netdevsim
	for ns in nh1 nh2 nhA nhB; do [ -e "/run/netns/$ns" ] && ip netns del "$ns"; done
}

# nget VAR KEY FILE: get, 0 (said) if FILE has no KEY: the numbers below
# go into arithmetic, which stops the whole file (set -u) on MISSING.
nget() { get "$@" || { diag "no $2 in $3"; printf -v "$1" 0; }; }

# IPv6 blackholes need the family on the command line (a batch line
# carries none).
nh_make_nh1() {
	ip netns add nh1 || return 1
	ipb nh1 <<EOF || return 1
link set lo up
link add d0 type dummy
link add d1 type dummy
link set d0 addrgenmode none
link set d1 addrgenmode none
link set d0 up
link set d1 up
addr add 10.61.0.1/24 dev d0
addr add 10.61.1.1/24 dev d1
addr add 2001:db8:61::1/64 dev d0 nodad
addr add 2001:db8:61:1::1/64 dev d1 nodad
nexthop add id 1 via 10.61.0.2 dev d0
nexthop add id 2 via 10.61.1.2 dev d1
nexthop add id 3 via 10.61.0.3 dev d0
nexthop add id 4 dev d1
nexthop add id 5 blackhole
nexthop add id 6 via 2001:db8:61::2 dev d0
nexthop add id 7 via 2001:db8:61:1::2 dev d1
nexthop add id 8 via 2001:db8:61::3 dev d0
nexthop add id 10 via 10.61.0.10 fdb
nexthop add id 11 via 10.61.0.11 fdb
nexthop add id 20 group 1,2/2,3
nexthop add id 21 group 6/7
nexthop add id 25 group 10/11 fdb
nexthop add id 30 group 1/2 type resilient buckets 8 idle_timer 0
nexthop add id 31 group 6/7 type resilient buckets 8 idle_timer 0
route add 198.51.61.0/24 nhid 1
route add 198.51.62.0/24 nhid 20
route add 198.51.63.0/24 nhid 30
route add 198.51.64.0/24 nhid 5
route add 198.51.65.0/24 nhid 4 table 100
route add 198.51.66.0/24 via 10.61.0.2
route add 2001:db8:f61::/48 nhid 6
route add 2001:db8:f62::/48 nhid 21
route add 2001:db8:f63::/48 nhid 31
route add 2001:db8:f65::/48 nhid 8 table 100
route add 2001:db8:f66::/48 via 2001:db8:61::2
EOF
	ipb nh1 -6 <<EOF
nexthop add id 9 blackhole
route add 2001:db8:f64::/48 nhid 9
EOF
}
nh_make_nh2() {
	ip netns add nh2 || return 1
	ipb nh2 <<EOF
link set lo up
link add v0 type dummy
link set v0 addrgenmode none
link set v0 up
addr add 10.62.0.1/24 dev v0
addr add 2001:db8:62::1/64 dev v0 nodad
nexthop add id 1 via 10.62.0.2 dev v0
nexthop add id 2 via 10.62.0.3 dev v0
nexthop add id 6 via 2001:db8:62::2 dev v0
nexthop add id 7 via 2001:db8:62::3 dev v0
nexthop add id 20 group 1/2
nexthop add id 30 group 6,3/7 type resilient buckets 4 idle_timer 0
route add 198.51.61.0/24 nhid 1
route add 198.51.62.0/24 nhid 20
route add 2001:db8:f62::/48 nhid 30
route add 2001:db8:f61::/48 nhid 6 table 100
EOF
}

# The probe registers after the nexthops exist.
nh_replay() {
	plan 5
	local ne0
	get ne0 nexthop_events
	check "nexthop replay: the probe attaches after the nexthops exist" attach
	snap nh-replay "$PROBE"
	judge nh-replay "nexthop replay: the probe's nexthops, buckets and routes' nhid equal the kernel's (every namespace)" \
		compare_nexthops probe
	judge nh-replay "nexthop replay: the probe equals ip route/ip rule in nh1 and nh2" \
		compare probe $NH
	# The interface's formats, against literal expectations.
	judge nh-replay "nexthop replay: the probe's lines: singles (IPv4, IPv6, no gateway, blackholes, fdb), groups (weights, fdb), resilient groups and their buckets, routes' nhid" \
		lines_match probe \
		nexthops '^{ino nh1} id 1 single dev {ifindex nh1 d0} via 10.61.0.2$' \
		nexthops '^{ino nh1} id 4 single dev {ifindex nh1 d1}$' \
		nexthops '^{ino nh1} id 5 single dev 0 blackhole$' \
		nexthops '^{ino nh1} id 6 single dev {ifindex nh1 d0} via 2001:db8:61::2$' \
		nexthops '^{ino nh1} id 9 single dev 0 blackhole$' \
		nexthops '^{ino nh1} id 10 single dev 0 via 10.61.0.10 fdb$' \
		nexthops '^{ino nh1} id 20 group 1/2 2/3$' \
		nexthops '^{ino nh1} id 25 group 10/1 11/1 fdb$' \
		nexthops '^{ino nh1} id 31 resilient buckets 8$' \
		nexthops '^{ino nh2} id 30 resilient buckets 4$' \
		buckets '^{ino nh1} id 30 bucket 7 nhid [12]$' \
		routes '^{ino nh1} 4 254 198.51.62.0/24 .* nhid 20$' \
		routes '^{ino nh1} 6 100 2001:db8:f65::/48 .* nhid 8$' \
		routes '^{ino nh1} 4 254 198.51.66.0/24 .* via 10.61.0.2$'
	judge nh-replay "nexthop replay: stats: nexthops and buckets held as in the kernel, the nexthop objects were replayed (nexthop_events)" \
		probe_nexthop_stats "$ne0"
}

# The mock switchdev registers late: replay, flags.
nh_mock() {
	plan 7
	check "nexthop mock: attaches after the nexthops exist" eval "echo 1 > $MOCK/attach"
	snap nh-mock "$PROBE" "$MOCK"
	judge nh-mock "nexthop mock: every nexthop object flagged offload in ip -j nexthop (nh1, nh2)" \
		nexthops_offloaded 22 $NH
	judge nh-mock "nexthop mock: every bucket of the IPv4 and IPv6 resilient groups flagged offload" \
		buckets_offloaded 20 $NH
	judge nh-mock "nexthop mock: every route with nhid flagged rt_offload (IPv4 and IPv6)" \
		nhid_routes_offloaded 14 $NH
	judge nh-mock "nexthop mock: per route, host routes (local, broadcast) rt_trap, all others by their type (every namespace)" \
		mock_route_flags_hosts 10 $NH
	judge nh-mock "nexthop mock: its nexthop table equals the kernel's (kind, occupancy, routes using each), routes' nhid too" \
		compare_nexthops mock_switchdev
	judge nh-mock "nexthop mock: stats and states: nexthops, occupancy, nothing waits for a nexthop, trapped = host routes" \
		mock_nexthop_stats
}

# A nexthop the mock cannot hold, vetoed during its registration's replay:
# the registration fails (its listener flushed), nothing flagged.
nh_replay_veto() {
	plan 3
	local msg rc
	echo 0 >"$MOCK/attach"
	echo 1 >"$MOCK/nexthop_capacity"
	msg=$(echo 1 2>&1 >"$MOCK/attach")
	rc=$?
	diag "nexthop replay veto: attach said: $msg"
	check "nexthop replay veto: the mock's registration fails (ENOSPC) when its nexthop table cannot hold the replay" \
		test $rc -ne 0 -a "${msg/*No space left*/yes}" = yes
	SNAP_NS="nh1 nh2" snap nh-replay-veto "$MOCK"
	judge nh-replay-veto "nexthop replay veto: the mock holds nothing and flags nothing (nexthops, buckets, routes)" \
		mock_holds_nothing $NH
	echo 1024 >"$MOCK/nexthop_capacity"
	check "nexthop replay veto: with room again, the mock attaches" eval "echo 1 > $MOCK/attach"
}

# Replaces: hash-threshold groups (IPv4 and IPv6, weights), a resilient
# group (half of its buckets move), singles in groups; the probe and the
# mock attached (a no-op if they are).
nh_replace() {
	plan 4
	listeners_on
	ipb nh1 <<EOF
nexthop replace id 20 group 1/3
nexthop replace id 21 group 6,2/8
nexthop replace id 30 group 1/3 type resilient
nexthop replace id 1 via 10.61.0.7 dev d0
nexthop replace id 7 via 2001:db8:61:1::7 dev d1
EOF
	SNAP_NS="nh1 nh2" snap nh-replace "$PROBE" "$MOCK"
	judge nh-replace "nexthop replace: the probe holds the groups' new members (20: 1/1 3/1, 21: 6/2 8/1)" \
		lines_match probe nexthops '^{ino nh1} id 20 group 1/1 3/1$' nexthops '^{ino nh1} id 21 group 6/2 8/1$'
	judge nh-replace "nexthop replace: the probe equals the kernel (moved buckets, replaced singles, routes)" \
		nexthops_replaced probe "$NH" nh1 30 "1 3"
	judge nh-replace "nexthop replace: the mock still flags the groups and the routes using them" \
		offloaded nh1 "20 21" "198.51.62.0/24 2001:db8:f62::/48"
	judge nh-replace "nexthop replace: the mock's table and flags equal the kernel's" \
		mock_nexthops_consistent $NH
}

# Nexthops in use deleted: an IPv6 single (a route's and two groups'
# member) and an IPv4 group; the kernel deletes the routes using them.
nh_delete() {
	plan 3
	listeners_on
	ipb nh1 <<EOF
nexthop del id 6
nexthop del id 20
EOF
	SNAP_NS="nh1 nh2" snap nh-del "$PROBE" "$MOCK"
	judge nh-del "nexthop delete: the kernel deleted them and the routes using them" \
		kernel_lacks nh1 "6 20" "2001:db8:f61::/48 198.51.62.0/24"
	judge nh-del "nexthop delete: the probe holds neither, nor their routes; the groups lost the member" \
		nexthops_dropped probe "$NH" nh1 2001:db8:f61::/48 198.51.62.0/24
	judge nh-del "nexthop delete: the mock follows (table, routes, flags)" \
		mock_nexthops_dropped "$NH" nh1 2001:db8:f61::/48 198.51.62.0/24
}

# Room for one more entry in the mock's nexthop table: a 3-member group is
# vetoed, a single fits, then a group replace that grows is vetoed.  The
# probe (before the mock on the chain) saw each vetoed event first: it
# keeps neither.  Then nexthop_capacity's bad input.
nh_veto() {
	plan 10
	local occ vetoed0 vetoed msg rc bad input cap
	listeners_on
	read -r _ <"$MOCK/routes"
	nget occ nexthop_occupancy "$MOCK/stats"
	nget vetoed0 nexthops_vetoed "$MOCK/stats"
	echo $((occ + 1)) >"$MOCK/nexthop_capacity"
	msg=$(ip -n nh1 nexthop add id 40 group 1/2/3 2>&1)
	rc=$?
	diag "nexthop veto: occupancy $occ, capacity $((occ + 1)); ip nexthop add said: $msg"
	check "nexthop veto: a 3-member group does not fit: ip nexthop add fails" test $rc -ne 0
	check "nexthop veto: with the extack message" test "${msg/*hardware nexthop table is full*/yes}" = yes
	check "nexthop veto: a single IPv6 nexthop takes the last entry" ip -n nh1 nexthop add id 41 via 2001:db8:61::41 dev d0
	msg=$(ip -n nh1 nexthop replace id 21 group 7/8 2>&1)
	rc=$?
	diag "nexthop veto: ip nexthop replace said: $msg"
	check "nexthop veto: a group replace that grows (IPv6) fails, with the extack message" \
		test $rc -ne 0 -a "${msg/*hardware nexthop table is full*/yes}" = yes
	check "nexthop veto: the resyncs ran" resyncs_done
	nget vetoed nexthops_vetoed "$MOCK/stats"
	check "nexthop veto: the mock counted both vetoes" test "$vetoed" -eq $((vetoed0 + 2))
	SNAP_NS="nh1 nh2" snap nh-veto "$PROBE" "$MOCK"
	judge nh-veto "nexthop veto: the kernel has no id 40, group 21 unchanged, 41 added" \
		nexthop_vetoed_kernel nh1 40 21 8 41
	judge nh-veto "nexthop veto: the probe holds no id 40 and the old group 21: equals the kernel" \
		nexthop_not_held probe nh1 40 $NH
	judge nh-veto "nexthop veto: the mock equals the kernel, full, 41 flagged" \
		mock_full_consistent $((occ + 1)) $NH
	ip -n nh1 nexthop del id 41
	echo 1024 >"$MOCK/nexthop_capacity"
	bad=0
	for input in garbage -1 0 0x10 "1 1" 99999999999999999999999 $'\nx' 1000001 4294967296 " " "1x"; do
		if printf '%s' "$input" >"$MOCK/nexthop_capacity" 2>/dev/null; then
			diag "nexthop_capacity accepted '$input'"
			bad=$((bad + 1))
		fi
	done
	cap=
	read -r cap <"$MOCK/nexthop_capacity"
	echo 1000000 >"$MOCK/nexthop_capacity" 2>/dev/null || bad=$((bad + 1))
	echo 1024 >"$MOCK/nexthop_capacity"
	check "nexthop_capacity: rejects bad input with an errno (value kept), takes 1000000" test $bad -eq 0 -a "$cap" = 1024
}

# The probe registers while nexthops and routes churn in nh1 (every id and
# prefix new); the mock stays attached (live events).
nh_churn_registrations() {
	local rounds=${NH_CHURN_ROUNDS:-5} round attached busy=0 churn_ok=0
	local ebusy0 mne0 mbe0 ebusy mne mbe
	plan $((2 * rounds + 3))
	echo 1 >"$MOCK/attach"
	detach
	nget ebusy0 ebusy "$RFN/stats"
	nget mne0 nexthop_events "$MOCK/stats"
	nget mbe0 bucket_events "$MOCK/stats"
	rm -f "$CHURN_DIR/nh1.nhnext"
	for ((round = 1; round <= rounds; round++)); do
		nh_churn_start nh1 61
		nap 0.$((RANDOM % 9 + 1))
		if attach 2>/dev/null; then attached=1; else attached=0; busy=$((busy + 1)); fi
		nap 1
		churn_stop && churn_ok=$((churn_ok + 1))
		SNAP_NS=nh1 snap "nh-churn-$round" "$PROBE" "$MOCK"
		if [ $attached = 1 ]; then
			judge "nh-churn-$round" "nexthop churn: round $round: the registration saw every nexthop, bucket and route of nh1" \
				compare_all probe nh1
		else
			ok "nexthop churn: round $round: EBUSY"
		fi
		judge "nh-churn-$round" "nexthop churn: round $round: the mock's table and flags equal nh1's objects" \
			mock_nexthops_consistent nh1
		detach
	done
	nget ebusy ebusy "$RFN/stats"
	nget mne nexthop_events "$MOCK/stats"
	nget mbe bucket_events "$MOCK/stats"
	diag "nexthop churn: $rounds registrations, $busy EBUSY; the mock saw $((mne - mne0)) nexthop and $((mbe - mbe0)) bucket events"
	check "nexthop churn: every churn batch succeeded, in every round" test "$churn_ok" -eq "$rounds"
	check "nexthop churn: debugfs counts the EBUSY" test $((ebusy - ebusy0)) -eq "$busy"
	check "nexthop churn: the mock saw nexthop and bucket events meanwhile" \
		test $((mne - mne0)) -gt 0 -a $((mbe - mbe0)) -gt 0
}

nh_detach() {
	plan 1
	echo 1 >"$MOCK/attach"
	echo 0 >"$MOCK/attach"
	SNAP_NS="nh1 nh2" snap nh-detach
	judge nh-detach "nexthop mock: detach cleared every nexthop, bucket and route flag it set" \
		no_offload_flags $NH
}

_nh_nsim_up() {
	ip netns add nhA && ip netns add nhB &&
		echo "5656 1" >/sys/bus/netdevsim/new_device &&
		devlink dev reload netdevsim/netdevsim5656 netns nhA
}

_nh_workload() {
	ipb "$1" <<EOF
link set lo up
link add d0 type dummy
link set d0 addrgenmode none
link set d0 up
addr add 10.56.0.1/24 dev d0
addr add 2001:db8:56::1/64 dev d0 nodad
nexthop add id 1 via 10.56.0.2 dev d0
nexthop add id 2 via 10.56.0.3 dev d0
nexthop add id 3 via 2001:db8:56::2 dev d0
nexthop add id 4 via 2001:db8:56::3 dev d0
nexthop add id 10 group 1/2
nexthop add id 11 group 3,2/4
nexthop add id 12 group 1/2 type resilient buckets 16 idle_timer 0
nexthop add id 13 group 3/4 type resilient buckets 16 idle_timer 0
route add 198.18.1.0/24 nhid 10
route add 198.18.2.0/24 nhid 12
route add 198.18.3.0/24 nhid 1 table 100
route add 198.18.4.0/24 via 10.56.0.2
route add 2001:db8:561::/48 nhid 11
route add 2001:db8:562::/48 nhid 13
route add 2001:db8:563::/48 nhid 3 table 100
route add 2001:db8:564::/48 via 2001:db8:56::2
nexthop replace id 10 group 2/1
nexthop replace id 12 group 2 type resilient
EOF
}

_nh_nsim_caught_up() {
	count_flags n_routes nhA route rt_trap && count_flags n_nhs nhA nexthop trap &&
		count_flags n_buckets nhA bucket trap &&
		[ "$n_routes" -ge "$m_routes" ] && [ "$n_nhs" -ge "$m_nhs" ] && [ "$n_buckets" -ge "$m_buckets" ]
}

# netdevsim side by side: the same nexthop workload in nhA (netdevsim's
# namespace) and nhB (the mock's, restricted to it).
nh_netdevsim() {
	plan 8
	local inoB
	echo 0 >"$MOCK/attach"
	check "nexthop netdevsim: module loads" insmod "$NSIM_KO"
	check "nexthop netdevsim: a device reloaded into nhA" _nh_nsim_up
	inoB=
	ns_inode inoB nhB
	echo "$inoB" >"$MOCK/netns"
	check "nexthop netdevsim: the mock attaches to nhB only" eval "echo 1 > $MOCK/attach"
	_nh_workload nhA
	_nh_workload nhB
	# netdevsim flags routes from a work item of its own: wait (at most
	# 30 s) until it flagged as many routes, nexthops and buckets in nhA
	# as the mock (whose queue reading its routes drains) in nhB; the
	# judgements below then tell whether they are the same ones.
	read -r _ <"$MOCK/routes"
	n_routes=0 n_nhs=0 n_buckets=0
	count_flags m_routes nhB route rt_offload rt_trap
	count_flags m_nhs nhB nexthop offload
	count_flags m_buckets nhB bucket offload
	wait_for 30 _nh_nsim_caught_up ||
		diag "netdevsim flagged $n_routes routes, $n_nhs nexthops, $n_buckets buckets in 30 s; the mock $m_routes, $m_nhs, $m_buckets"
	SNAP_NS="nhA nhB" snap nh-nsim "$MOCK"
	judge nh-nsim "nexthop netdevsim: both flag the same nexthop objects (netdevsim trap, the mock offload): all 8" \
		netdevsim_same_nexthops nhA nhB 8
	judge nh-nsim "nexthop netdevsim: both flag the same buckets of the resilient groups (32)" \
		netdevsim_same_buckets nhA nhB 32
	judge nh-nsim "nexthop netdevsim: both flag the same routes (netdevsim rt_trap on all, the mock rt_offload or rt_trap)" \
		netdevsim_same_nhid_routes nhA nhB 6
	judge nh-nsim "nexthop netdevsim: the mock holds nhB's objects and nothing of another namespace" \
		mock_holds_only nhB
	note nh-nsim netdevsim_nexthop_counts nhA nhB
	echo 0 >"$MOCK/attach"
	echo 0 >"$MOCK/netns"
	echo 5656 >/sys/bus/netdevsim/del_device
	ip netns del nhA
	ip netns del nhB
	check "nexthop netdevsim: unloads" rmmod netdevsim
}

# Namespaces deleted while the probe is attached: their nexthop objects
# and buckets leave it.
_nh_none() { local n b; get n nexthops && get b buckets && [ "$n" = 0 ] && [ "$b" = 0 ]; }
_nh_ns_gone() {
	local n
	attach && get n nexthops && [ "$n" -gt 0 ] || return 1
	ip netns del nh1 && ip netns del nh2 || return 1
	wait_for 30 _nh_none
}

nh_netns_gone() {
	plan 1
	check "nexthop: deleted namespaces' nexthop objects and buckets leave the probe" _nh_ns_gone
	detach
}
