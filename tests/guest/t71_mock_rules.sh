# SPDX-License-Identifier: GPL-2.0
# Issue 21, items 3, 6 and 7: the mock switchdev against netdevsim and
# mlxsw, alone on the chain (the probe detached), in ns1; flags judged per
# route (prefix, table, TOS, metric, nexthops), never per prefix.
#  3. A better route for a prefix (a lower metric, a TOS; `route replace`
#     of another metric) is notified ENTRY_REPLACE while the kernel keeps
#     the old one: the old one loses its flag (netdevsim, mlxsw), and gets
#     it back when the better one goes.
#  6. Flags by route type as mlxsw sets them (unreachable, prohibit, IPv6
#     throw: rt_trap; blackhole: rt_offload, a discard entry; IPv4 throw:
#     rt_offload_failed); IPv6 multicast routes ignored (no entry, no flag);
#     an IPv6 append to a route held takes no place (netdevsim counts
#     REPLACE only): it succeeds on a full table in veto mode.
#  7. event_delay_us is capped (5000 us), and its busy-waits are budgeted.
plan 22
ALL='"init", "ns1", "ns2", "ns3"'
echo 0 >"$PROBE/attach"
echo 0 >"$MOCK/attach"
echo 0 >"$MOCK/netns"
echo 0 >"$MOCK/veto"
echo 100000 >"$MOCK/capacity"
check "mock rules: the mock attaches, alone on the chain" eval "echo 1 > $MOCK/attach"

# (3) A better route for the same prefix, then the old one again.
ipb ns1 <<EOF2
route add 198.18.71.0/24 via 10.1.0.2 metric 100
route add 2001:db8:71::/48 via 2001:db8:1::2 metric 100
route add 198.18.72.0/24 via 10.1.0.2
EOF2
ipb ns1 <<EOF2
route add 198.18.71.0/24 via 10.1.1.2 metric 50
route add 2001:db8:71::/48 via 2001:db8:1:1::2 metric 50
route add 198.18.72.0/24 tos 0x10 via 10.1.1.2
EOF2
snap rules-better "$MOCK"
judge rules-better "replace: IPv4: the better route (metric 50) flagged, the one it pushed out of first place (metric 100) not" \
	'eq(hw("ns1", "198.18.71.0/24"), [(50, "0", "10.1.1.2@d1", ["rt_offload"]), (100, "0", "10.1.0.2@d0", [])])'
judge rules-better "replace: IPv6: the better route (metric 50) flagged, the one it pushed out of first place (metric 100) not" \
	'eq(hw("ns1", "2001:db8:71::/48"), [(50, "0", "2001:db8:1:1::2@d1", ["rt_offload"]), (100, "0", "2001:db8:1::2@d0", [])])'
judge rules-better "replace: IPv4: a TOS route goes first: it alone is flagged, rt_trap (mlxsw traps TOS routes)" \
	'eq([(v, f) for m, t, v, f in hw("ns1", "198.18.72.0/24")], [("10.1.1.2@d1", ["rt_trap"]), ("10.1.0.2@d0", [])])'
ipb ns1 <<EOF2
route del 198.18.71.0/24 via 10.1.1.2 metric 50
route del 2001:db8:71::/48 via 2001:db8:1:1::2 metric 50
route del 198.18.72.0/24 tos 0x10
EOF2
snap rules-back "$MOCK"
judge rules-back "replace: with the better routes deleted, the remaining ones are flagged again (IPv4, IPv6, TOS)" \
	'eq(hw("ns1", "198.18.71.0/24"), [(100, "0", "10.1.0.2@d0", ["rt_offload"])])
	and eq(hw("ns1", "2001:db8:71::/48"), [(100, "0", "2001:db8:1::2@d0", ["rt_offload"])])
	and eq(hw("ns1", "198.18.72.0/24"), [(0, "0", "10.1.0.2@d0", ["rt_offload"])])'
# `route replace` of a metric the prefix has no route with adds one.
ipb ns1 <<EOF2
route replace 198.18.71.0/24 via 10.1.1.2 metric 50
route replace 2001:db8:71::/48 via 2001:db8:1:1::2 metric 50
EOF2
snap rules-replace "$MOCK"
judge rules-replace "route replace: a better route added by replace is flagged alone (IPv4, IPv6)" \
	'eq(hw("ns1", "198.18.71.0/24"), [(50, "0", "10.1.1.2@d1", ["rt_offload"]), (100, "0", "10.1.0.2@d0", [])])
	and eq(hw("ns1", "2001:db8:71::/48"), [(50, "0", "2001:db8:1:1::2@d1", ["rt_offload"]), (100, "0", "2001:db8:1::2@d0", [])])'
# ... and of the first route itself (another gateway): still one flag.
ipb ns1 <<EOF2
route replace 198.18.71.0/24 via 10.1.0.3 metric 50
route replace 2001:db8:71::/48 via 2001:db8:1::3 metric 50
EOF2
snap rules-replace2 "$MOCK"
judge rules-replace2 "route replace: the first route replaced in place: the new one flagged alone (IPv4, IPv6)" \
	'eq(hw("ns1", "198.18.71.0/24"), [(50, "0", "10.1.0.3@d0", ["rt_offload"]), (100, "0", "10.1.0.2@d0", [])])
	and eq(hw("ns1", "2001:db8:71::/48"), [(50, "0", "2001:db8:1::3@d0", ["rt_offload"]), (100, "0", "2001:db8:1::2@d0", [])])'
judge rules-replace2 "replace: no (prefix, table, TOS) has two flagged routes; every namespace flagged per route as the mock's rules say; the table equals the kernel" \
	"hw_unique($ALL) and mock_flags($ALL) and compare('mock_switchdev', $ALL)"

# (6) Route types, as mlxsw flags them; IPv6 multicast ignored.
ipb ns1 <<EOF2
route add unreachable 198.18.73.0/24
route add prohibit 198.18.74.0/24
route add blackhole 198.18.75.0/24
route add throw 198.18.76.0/24
route add unreachable 2001:db8:73::/48
route add prohibit 2001:db8:74::/48
route add blackhole 2001:db8:75::/48
route add throw 2001:db8:76::/48
route add ff3e::/32 dev d0
EOF2
snap rules-types "$MOCK"
judge rules-types "types: IPv4 unreachable, prohibit rt_trap; blackhole rt_offload; throw rt_offload_failed (mlxsw)" \
	'eq([hw("ns1", "198.18.%d.0/24" % i)[0][3] for i in (73, 74, 75, 76)],
	[["rt_trap"], ["rt_trap"], ["rt_offload"], ["rt_offload_failed"]])'
judge rules-types "types: IPv6 unreachable, prohibit, throw rt_trap; blackhole rt_offload (mlxsw)" \
	'eq([hw("ns1", "2001:db8:%d::/48" % i)[0][3] for i in (73, 74, 76, 75)],
	[["rt_trap"], ["rt_trap"], ["rt_trap"], ["rt_offload"]])'
judge rules-types "types: IPv6 multicast routes (ff00::/8 of each device, ff3e::/32) carry no flag and are not in the table" \
	'cmp(len(hw("ns1", "ff00::/8", 255)), ">=", 2) and all(f == [] for *_, f in hw("ns1", "ff00::/8", 255) + hw("ns1", "ff3e::/32"))
	and not [l for l in lines("mock_switchdev", "routes") if l.split()[3].startswith("ff")]
	and cmp(stat("mock_switchdev", "ignored"), ">", 0)'
judge rules-types "types: every namespace flagged per route as the mock's rules say; the table equals the kernel" \
	"mock_flags($ALL) and compare('mock_switchdev', $ALL) and nexthop_counts('mock_switchdev', $ALL)"
# A late registration (replay) flags them the same way.
echo 0 >"$MOCK/attach"
check "types: the mock attaches again (replay)" eval "echo 1 > $MOCK/attach"
snap rules-types-replay "$MOCK"
judge rules-types-replay "types: after a replay, every namespace flagged per route as the mock's rules say" \
	"mock_flags($ALL) and compare('mock_switchdev', $ALL)"
ipb ns1 <<EOF2
route del 198.18.71.0/24 metric 50
route del 198.18.71.0/24 metric 100
route del 2001:db8:71::/48 metric 50
route del 2001:db8:71::/48 metric 100
route del 198.18.72.0/24
route del 198.18.73.0/24
route del 198.18.74.0/24
route del 198.18.75.0/24
route del 198.18.76.0/24
route del 2001:db8:73::/48
route del 2001:db8:74::/48
route del 2001:db8:75::/48
route del 2001:db8:76::/48
route del ff3e::/32 dev d0
EOF2

# (6) An IPv6 append at full capacity, veto on.
ip -n ns1 route add 2001:db8:77::/48 via 2001:db8:1::2
read -r _ <"$MOCK/routes"
get held offloaded "$MOCK/stats"
echo "$held" >"$MOCK/capacity"
echo 1 >"$MOCK/veto"
msg=$(ip -n ns1 -6 route append 2001:db8:77::/48 via 2001:db8:1:1::2 2>&1)
rc=$?
diag "append: capacity $held, ip -6 route append said: $msg"
check "append: an IPv6 append to a route held succeeds on a full table (veto on)" test $rc -eq 0
msg=$(ip -n ns1 route add 2001:db8:78::/48 via 2001:db8:1::2 2>&1)
rc=$?
check "append: and took no place: the next new route is refused" \
	test $rc -ne 0 -a "${msg/*hardware route table is full*/yes}" = yes
snap rules-append "$MOCK"
judge rules-append "append: the two-path route is offloaded, held with both nexthops, the table as full as before" \
	"eq(hw('ns1', '2001:db8:77::/48'), [(1024, '0', '2001:db8:1::2@d0,2001:db8:1:1::2@d1', ['rt_offload'])])
	and ('route %d 6 254 2001:db8:77::/48' % ino('ns1')) in states('mock_switchdev', 'offload', 'ns1')
	and nexthop_counts('mock_switchdev', 'ns1') and eq(stat('mock_switchdev', 'offloaded'), $held)"
ip -n ns1 -6 route del 2001:db8:77::/48 via 2001:db8:1::2
snap rules-append-del "$MOCK"
judge rules-append-del "append: the first nexthop deleted, the appended one (flagged at the append) remains, offloaded" \
	"eq(hw('ns1', '2001:db8:77::/48'), [(1024, '0', '2001:db8:1:1::2@d1', ['rt_offload'])])
	and nexthop_counts('mock_switchdev', 'ns1')"
echo 0 >"$MOCK/veto"
echo 100000 >"$MOCK/capacity"
ip -n ns1 route del 2001:db8:77::/48

# (7) event_delay_us: at most 5000 us; a longer value is refused (EINVAL)
# and changes nothing; busy-waits past the budget are skipped.
echo 1234 >"$MOCK/event_delay_us"
bad=0
for v in 5001 10000 1000000 4294967296; do
	if printf '%s' "$v" 2>/dev/null >"$MOCK/event_delay_us"; then
		diag "event_delay_us accepted $v"
		bad=$((bad + 1))
	fi
done
msg=$({ printf 5001 >"$MOCK/event_delay_us"; } 2>&1)
check "event_delay_us: values above the cap (5000 us) are refused, with EINVAL" \
	test $bad -eq 0 -a "${msg/*Invalid argument*/yes}" = yes
read -r d <"$MOCK/event_delay_us"
check "event_delay_us: and the knob keeps its value" test "$d" = 1234
check "event_delay_us: the cap itself is accepted" eval "echo 5000 > $MOCK/event_delay_us"
get skipped0 delays_skipped "$MOCK/stats"
echo 0 >"$MOCK/attach"
usecs t0
echo 1 >"$MOCK/attach"
usecs t1
get skipped delays_skipped "$MOCK/stats"
diag "event_delay_us: a replay with 5000 us a route took $(((t1 - t0) / 1000)) ms; delays skipped $skipped0 -> $skipped"
check "event_delay_us: a replay (back-to-back events, one RCU section a namespace) skips the busy-waits past the budget" \
	test "$skipped" -gt "$skipped0"
echo 0 >"$MOCK/event_delay_us"
echo 1 >"$PROBE/attach"
