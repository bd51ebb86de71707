# SPDX-License-Identifier: GPL-2.0
# Listeners called from softirq (issue 9, defect 1): IPv6 routes that expire
# are deleted by the route GC timer (fib6_gc_timer_cb -> fib6_del, in
# TIMER_SOFTIRQ) while the probe and the mock switchdev are attached and
# their debugfs files are read in a loop from process context.  On the old
# code their plain spinlocks were taken from both with BH enabled: lockdep
# reported an irq lock inversion (and it could deadlock); the kernel log
# check of `make test` fails on any such report.
plan 5
echo 1 >"$PROBE/attach"
echo 1 >"$MOCK/attach"
ns_inode ino1 ns1
# A GC interval of 1 s; the flush runs the GC once (process context, before
# the expiring routes exist) and so re-arms a timer an earlier test left
# pending with the default 30 s.
ip netns exec ns1 sh -c 'echo 1 > /proc/sys/net/ipv6/route/gc_interval; echo 0 > /proc/sys/net/ipv6/route/flush'
for ((j = 1; j <= 30; j++)); do
	echo "route add 2001:db8:e$((j % 4)):$j::/64 via 2001:db8:1::2 expires 2"
done | ipb ns1
# Read the listeners' files (their locks, in process context) until the
# GC timer has deleted every expiring route (only these: 2001:db8:eN:J::/64;
# another test's route under 2001:db8:e is not one).
expired() {
	local l lines
	mapfile -t lines <"$PROBE/routes"
	for l in "${lines[@]}"; do [[ $l == *" 6 254 2001:db8:e"[0-3]:* ]] && return 1; done
	return 0
}
reads=0
busy_read() {
	local lines
	mapfile -t lines <"$PROBE/routes"
	mapfile -t lines <"$PROBE/stats"
	mapfile -t lines <"$MOCK/routes"
	reads=$((reads + 1))
	[ $reads -ge 3 ] && expired
}
check "softirq: the GC timer deleted every expired route (the probe saw it)" wait_for 60 busy_read
diag "softirq: $reads rounds of debugfs reads meanwhile"
check "softirq: debugfs was read meanwhile" test "$reads" -ge 3
snap softirq "$PROBE" "$MOCK"
judge softirq "softirq: no expiring route left in the kernel" \
	'not [k for k in routes("ns1")
	     if k.split()[-1] in {"2001:db8:e%d:%d::/64" % (j % 4, j) for j in range(1, 31)}]'
judge softirq "softirq: probe equals the kernel" 'compare("probe", "init", "ns1", "ns2", "ns3")'
judge softirq "softirq: mock switchdev equals the kernel" \
	'compare("mock_switchdev", "init", "ns1", "ns2", "ns3")'
echo 0 >"$MOCK/attach"
