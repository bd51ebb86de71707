# SPDX-License-Identifier: GPL-2.0
# Nexthop objects (`ip nexthop`, routes with `nhid`), IPv4 and IPv6
# throughout, in namespaces of this test's own (nh1: two dummy links, nh2:
# the same ids on another; no IPv6 link-local addresses, whose routes would
# come a DAD later): single nexthops, blackholes, fdb nexthops, weighted
# hash-threshold groups, resilient groups (buckets), and routes using them,
# made before any listener attaches.
#  (a) The probe's late registration holds exactly the kernel's nexthops,
#      buckets and routes with their nhid.
#  (b) The mock switchdev's late registration flags every nexthop and
#      bucket offload, every route using one rt_offload, host routes
#      rt_trap.
#  (c) Group and single replaces; (d) nexthops in use deleted (the kernel
#      deletes their routes).
#  (e) The mock's nexthop table full: a group add and a growing group
#      replace are vetoed with an extack; the probe (before the mock on the
#      chain) keeps neither.
#  (g) Registrations while nexthops and routes churn (every id new).
#  (h) Side by side with netdevsim, which traps what the mock offloads.
# Leaves the listeners detached, the knobs at their defaults, netdevsim
# unloaded (t85 loads it again) and none of its namespaces.
rounds=${NH_CHURN_ROUNDS:-5}
plan $((47 + 2 * rounds))
detach
echo 0 >"$PROBE/netns"
echo 0 >"$MOCK/attach"
echo 0 >"$MOCK/netns"
echo 1024 >"$MOCK/nexthop_capacity"
# nget VAR KEY FILE: get, 0 (said) if FILE has no KEY: the numbers below
# go into arithmetic, which stops the whole run (set -u) on MISSING.
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
check "nexthop: namespace nh1 with nexthop objects and routes using them" nh_make_nh1
check "nexthop: namespace nh2 with the same ids" nh_make_nh2
NH='"nh1", "nh2"'

# (a) The probe registers after the nexthops exist.
get ne0 nexthop_events
check "nexthop replay: the probe attaches after the nexthops exist" attach
snap nh-replay "$PROBE"
judge nh-replay "nexthop replay: the probe's nexthops, buckets and routes' nhid equal the kernel's (every namespace)" \
	'compare_nexthops("probe")'
judge nh-replay "nexthop replay: the probe equals ip route/ip rule in nh1 and nh2" \
	"compare('probe', $NH)"
# The interface's formats, against literal expectations.
judge nh-replay "nexthop replay: the probe's lines: singles (IPv4, IPv6, no gateway, blackholes, fdb), groups (weights, fdb), resilient groups and their buckets, routes' nhid" \
	'grep("probe", "nexthops", "^%d id 1 single dev %d via 10.61.0.2$" % (ino("nh1"), ifindex("nh1", "d0")))
	and grep("probe", "nexthops", "^%d id 4 single dev %d$" % (ino("nh1"), ifindex("nh1", "d1")))
	and grep("probe", "nexthops", "^%d id 5 single dev 0 blackhole$" % ino("nh1"))
	and grep("probe", "nexthops", "^%d id 6 single dev %d via 2001:db8:61::2$" % (ino("nh1"), ifindex("nh1", "d0")))
	and grep("probe", "nexthops", "^%d id 9 single dev 0 blackhole$" % ino("nh1"))
	and grep("probe", "nexthops", "^%d id 10 single dev 0 via 10.61.0.10 fdb$" % ino("nh1"))
	and grep("probe", "nexthops", "^%d id 20 group 1/2 2/3$" % ino("nh1"))
	and grep("probe", "nexthops", "^%d id 25 group 10/1 11/1 fdb$" % ino("nh1"))
	and grep("probe", "nexthops", "^%d id 31 resilient buckets 8$" % ino("nh1"))
	and grep("probe", "nexthops", "^%d id 30 resilient buckets 4$" % ino("nh2"))
	and grep("probe", "buckets", "^%d id 30 bucket 7 nhid [12]$" % ino("nh1"))
	and grep("probe", "routes", "^%d 4 254 198.51.62.0/24 .* nhid 20$" % ino("nh1"))
	and grep("probe", "routes", "^%d 6 100 2001:db8:f65::/48 .* nhid 8$" % ino("nh1"))
	and grep("probe", "routes", "^%d 4 254 198.51.66.0/24 .* via 10.61.0.2$" % ino("nh1"))'
judge nh-replay "nexthop replay: stats: nexthops and buckets held as in the kernel, the nexthop objects were replayed (nexthop_events)" \
	"eq(stat('probe', 'nexthops'), len(nh_ids())) and eq(stat('probe', 'buckets'), len(bucket_ids()))
	and cmp(stat('probe', 'nexthop_events') - $ne0, '>=', len(nh_ids()))"

# (b) The mock switchdev registers late: replay, flags.
check "nexthop mock: attaches after the nexthops exist" eval "echo 1 > $MOCK/attach"
snap nh-mock "$PROBE" "$MOCK"
judge nh-mock "nexthop mock: every nexthop object flagged offload in ip -j nexthop (nh1, nh2)" \
	"eq(nh_flagged('offload', $NH), nh_ids($NH)) and eq(nh_flagged('trap', $NH), set()) and cmp(len(nh_ids($NH)), '==', 22)"
judge nh-mock "nexthop mock: every bucket of the IPv4 and IPv6 resilient groups flagged offload" \
	"eq(bucket_flagged('offload', $NH), bucket_ids($NH)) and cmp(len(bucket_ids($NH)), '==', 20)"
judge nh-mock "nexthop mock: every route with nhid flagged rt_offload (IPv4 and IPv6)" \
	"eq(best_via(None, $NH) - flagged('offload', $NH), set()) and cmp(len(best_via(None, $NH)), '==', 14)"
judge nh-mock "nexthop mock: per route, host routes (local, broadcast) rt_trap, all others by their type (every namespace)" \
	"mock_route_flags() and cmp(len(host_routes($NH)), '>=', 10)"
judge nh-mock "nexthop mock: its nexthop table equals the kernel's (kind, occupancy, routes using each), routes' nhid too" \
	'compare_nexthops("mock_switchdev")'
judge nh-mock "nexthop mock: stats and states: nexthops, occupancy, nothing waits for a nexthop, trapped = host routes" \
	'eq(stat("mock_switchdev", "nexthops"), len(nh_ids())) and eq(stat("mock_switchdev", "nexthop_occupancy"), occupancy())
	and eq(stat("mock_switchdev", "nh_waiting"), 0) and eq(states("mock_switchdev", "nexthop_missing"), set())
	and eq(stat("mock_switchdev", "trapped"), len(trap_routes())) and eq(states("mock_switchdev", "trap"), prefixes(trap_routes()))'

# (b2) A nexthop the mock cannot hold, vetoed during its registration's
# replay: the registration fails (its listener flushed), nothing flagged.
echo 0 >"$MOCK/attach"
echo 1 >"$MOCK/nexthop_capacity"
msg=$(echo 1 2>&1 >"$MOCK/attach")
rc=$?
diag "nexthop replay veto: attach said: $msg"
check "nexthop replay veto: the mock's registration fails (ENOSPC) when its nexthop table cannot hold the replay" \
	test $rc -ne 0 -a "${msg/*No space left*/yes}" = yes
SNAP_NS="nh1 nh2" snap nh-replay-veto "$MOCK"
judge nh-replay-veto "nexthop replay veto: the mock holds nothing and flags nothing (nexthops, buckets, routes)" \
	"eq(stat('mock_switchdev', 'nexthops'), 0) and eq(stat('mock_switchdev', 'routes'), 0)
	and eq(nh_flagged('offload', $NH), set()) and eq(bucket_flagged('offload', $NH), set())
	and eq(hwflagged($NH), set())"
echo 1024 >"$MOCK/nexthop_capacity"
check "nexthop replay veto: with room again, the mock attaches" eval "echo 1 > $MOCK/attach"

# (c) Replaces: hash-threshold groups (IPv4 and IPv6, weights), a
# resilient group (half of its buckets move), singles in groups.
ipb nh1 <<EOF
nexthop replace id 20 group 1/3
nexthop replace id 21 group 6,2/8
nexthop replace id 30 group 1/3 type resilient
nexthop replace id 1 via 10.61.0.7 dev d0
nexthop replace id 7 via 2001:db8:61:1::7 dev d1
EOF
SNAP_NS="nh1 nh2" snap nh-replace "$PROBE" "$MOCK"
judge nh-replace "nexthop replace: the probe holds the groups' new members (20: 1/1 3/1, 21: 6/2 8/1)" \
	'grep("probe", "nexthops", "^%d id 20 group 1/1 3/1$" % ino("nh1"))
	and grep("probe", "nexthops", "^%d id 21 group 6/2 8/1$" % ino("nh1"))'
judge nh-replace "nexthop replace: the probe equals the kernel (moved buckets, replaced singles, routes)" \
	"compare_nexthops('probe', $NH)
	and eq({k.split()[-1] for k in kernel_buckets('nh1') if ' id 30 ' in k}, {'1', '3'})"
judge nh-replace "nexthop replace: the mock still flags the groups and the routes using them" \
	'"offload" in nexthop("nh1", 20)["flags"] and "offload" in nexthop("nh1", 21)["flags"]
	and "rt_offload" in route("nh1", "198.51.62.0/24")["flags"]
	and "rt_offload" in route("nh1", "2001:db8:f62::/48")["flags"]'
judge nh-replace "nexthop replace: the mock's table and flags equal the kernel's" \
	"compare_nexthops('mock_switchdev', $NH) and mock_flags($NH)"

# (d) Nexthops in use deleted: an IPv6 single (a route's and two groups'
# member) and an IPv4 group; the kernel deletes the routes using them.
ipb nh1 <<EOF
nexthop del id 6
nexthop del id 20
EOF
SNAP_NS="nh1 nh2" snap nh-del "$PROBE" "$MOCK"
judge nh-del "nexthop delete: the kernel deleted them and the routes using them" \
	'nexthop("nh1", 6) is None and nexthop("nh1", 20) is None
	and route("nh1", "2001:db8:f61::/48") is None and route("nh1", "198.51.62.0/24") is None'
judge nh-del "nexthop delete: the probe holds neither, nor their routes; the groups lost the member" \
	"compare_nexthops('probe', $NH) and not [l for l in lines('probe', 'routes')
	if int(l.split()[0]) == ino('nh1') and l.split()[3] in ('2001:db8:f61::/48', '198.51.62.0/24')]"
judge nh-del "nexthop delete: the mock follows (table, routes, flags)" \
	"compare_nexthops('mock_switchdev', $NH) and mock_flags($NH) and not [l for l in lines('mock_switchdev', 'routes')
	if int(l.split()[0]) == ino('nh1') and l.split()[3] in ('2001:db8:f61::/48', '198.51.62.0/24')]"

# (e) Room for one more entry in the mock's nexthop table: a 3-member
# group is vetoed, a single fits, then a group replace that grows is
# vetoed.  The probe (before the mock on the chain) saw each vetoed event
# first: it must not keep it.
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
	'nexthop("nh1", 40) is None and [m["id"] for m in nexthop("nh1", 21)["group"]] == [8]
	and nexthop("nh1", 41) is not None'
judge nh-veto "nexthop veto: the probe holds no id 40 and the old group 21: equals the kernel" \
	"not [l for l in lines('probe', 'nexthops') if int(l.split()[0]) == ino('nh1') and l.split()[1:3] == ['id', '40']]
	and compare_nexthops('probe', $NH)"
judge nh-veto "nexthop veto: the mock equals the kernel, full, 41 flagged" \
	"compare_nexthops('mock_switchdev', $NH) and mock_flags($NH)
	and eq(stat('mock_switchdev', 'nexthop_occupancy'), $((occ + 1)))"
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

# (g) The probe registers while nexthops and routes churn in nh1 (every
# id and prefix new); the mock stays attached (live events).
detach
nget ebusy0 ebusy "$RFN/stats"
nget mne0 nexthop_events "$MOCK/stats"
nget mbe0 bucket_events "$MOCK/stats"
rm -f "$CHURN_DIR/nh1.nhnext"
busy=0 churn_ok=0
for ((round = 1; round <= rounds; round++)); do
	nh_churn_start nh1 61
	nap 0.$((RANDOM % 9 + 1))
	if attach 2>/dev/null; then attached=1; else attached=0; busy=$((busy + 1)); fi
	nap 1
	churn_stop && churn_ok=$((churn_ok + 1))
	SNAP_NS=nh1 snap "nh-churn-$round" "$PROBE" "$MOCK"
	if [ $attached = 1 ]; then
		judge "nh-churn-$round" "nexthop churn: round $round: the registration saw every nexthop, bucket and route of nh1" \
			'compare_nexthops("probe", "nh1") and compare("probe", "nh1")'
	else
		ok "nexthop churn: round $round: EBUSY"
	fi
	judge "nh-churn-$round" "nexthop churn: round $round: the mock's table and flags equal nh1's objects" \
		'compare_nexthops("mock_switchdev", "nh1") and mock_flags("nh1")'
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

echo 0 >"$MOCK/attach"
SNAP_NS="nh1 nh2" snap nh-detach
judge nh-detach "nexthop mock: detach cleared every nexthop, bucket and route flag it set" \
	"eq(nh_flagged('offload', $NH) | bucket_flagged('offload', $NH), set()) and eq(hwflagged($NH), set())"

# (h) netdevsim side by side: the same nexthop workload in nhA (netdevsim's
# namespace) and nhB (the mock's, restricted to it).
check "nexthop netdevsim: module loads" insmod "$NSIM_KO"
nh_nsim_up() {
	ip netns add nhA && ip netns add nhB &&
		echo "5656 1" >/sys/bus/netdevsim/new_device &&
		devlink dev reload netdevsim/netdevsim5656 netns nhA
}
check "nexthop netdevsim: a device reloaded into nhA" nh_nsim_up
inoB=
ns_inode inoB nhB
echo "$inoB" >"$MOCK/netns"
check "nexthop netdevsim: the mock attaches to nhB only" eval "echo 1 > $MOCK/attach"
nh_workload() {
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
nh_workload nhA
nh_workload nhB
# netdevsim flags routes from a work item of its own: wait (at most 30 s)
# until it flagged as many routes, nexthops and buckets in nhA as the mock
# (whose queue reading its routes drains) in nhB; the judgements below
# then tell whether they are the same ones.
read -r _ <"$MOCK/routes"
n_routes=0 n_nhs=0 n_buckets=0
count_flags m_routes nhB route rt_offload rt_trap
count_flags m_nhs nhB nexthop offload
count_flags m_buckets nhB bucket offload
nh_nsim_caught_up() {
	count_flags n_routes nhA route rt_trap && count_flags n_nhs nhA nexthop trap &&
		count_flags n_buckets nhA bucket trap &&
		[ "$n_routes" -ge "$m_routes" ] && [ "$n_nhs" -ge "$m_nhs" ] && [ "$n_buckets" -ge "$m_buckets" ]
}
wait_for 30 nh_nsim_caught_up ||
	diag "netdevsim flagged $n_routes routes, $n_nhs nexthops, $n_buckets buckets in 30 s; the mock $m_routes, $m_nhs, $m_buckets"
SNAP_NS="nhA nhB" snap nh-nsim "$MOCK"
judge nh-nsim "nexthop netdevsim: both flag the same nexthop objects (netdevsim trap, the mock offload): all 8" \
	'eq(sans_ns(nh_flagged("trap", "nhA")), sans_ns(nh_flagged("offload", "nhB")))
	and eq(nh_flagged("offload", "nhB"), nh_ids("nhB")) and cmp(len(nh_ids("nhB")), "==", 8)'
judge nh-nsim "nexthop netdevsim: both flag the same buckets of the resilient groups (32)" \
	'eq(sans_ns(bucket_flagged("trap", "nhA")), sans_ns(bucket_flagged("offload", "nhB")))
	and eq(bucket_flagged("offload", "nhB"), bucket_ids("nhB")) and cmp(len(bucket_ids("nhB")), "==", 32)'
judge nh-nsim "nexthop netdevsim: both flag the same routes (netdevsim rt_trap on all, the mock rt_offload or rt_trap)" \
	'eq(sans_ns(flagged("trap", "nhA") - mock_ignored("nhA")), sans_ns(flagged("offload", "nhB") | flagged("trap", "nhB")))
	and eq(best_via(None, "nhB") - flagged("offload", "nhB"), set()) and cmp(len(best_via(None, "nhB")), "==", 6)
	and hw_unique("nhA", "nhB")'
judge nh-nsim "nexthop netdevsim: the mock holds nhB's objects and nothing of another namespace" \
	'compare_nexthops("mock_switchdev", "nhB") and mock_flags("nhB")
	and all(int(l.split()[0]) == ino("nhB") for l in lines("mock_switchdev", "nexthops") + lines("mock_switchdev", "routes"))'
note nh-nsim '"netdevsim flagged %d nexthops, %d buckets, %d routes; the mock %d, %d, %d" % (len(nh_flagged("trap", "nhA")), len(bucket_flagged("trap", "nhA")), len(flagged("trap", "nhA")), len(nh_flagged("offload", "nhB")), len(bucket_flagged("offload", "nhB")), len(flagged("offload", "nhB") | flagged("trap", "nhB")))'
echo 0 >"$MOCK/attach"
echo 0 >"$MOCK/netns"
echo 5656 >/sys/bus/netdevsim/del_device
ip netns del nhA
ip netns del nhB
check "nexthop netdevsim: unloads" rmmod netdevsim

# Namespaces deleted while the probe is attached: their nexthop objects
# and buckets leave it.
_nh_none() { local n b; get n nexthops && get b buckets && [ "$n" = 0 ] && [ "$b" = 0 ]; }
nh_ns_gone() {
	local n
	attach && get n nexthops && [ "$n" -gt 0 ] || return 1
	ip netns del nh1 && ip netns del nh2 || return 1
	wait_for 30 _nh_none
}
check "nexthop: deleted namespaces' nexthop objects and buckets leave the probe" nh_ns_gone
detach
