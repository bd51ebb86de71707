# SPDX-License-Identifier: GPL-2.0
# Listeners called from softirq: IPv6 routes that expire are deleted by
# the route GC timer (fib6_gc_timer_cb -> fib6_del, in TIMER_SOFTIRQ) while
# the probe and the mock switchdev are attached and their debugfs files are
# read in a loop from process context.  Their locks are taken with BH
# disabled in process context: lockdep would report an irq lock inversion
# otherwise (and it could deadlock); the kernel log check of `make test`
# fails on any such report.
ALL_TESTS="softirq_gc"

setup() {
	ns_setup ns1 ns2 ns3
	listeners_on
}

cleanup() {
	listeners_off
}

# Every expiring route (only these: 2001:db8:eN:J::/64; another test's
# route under 2001:db8:e is not one) is gone from the probe.
_expired() {
	local l lines
	mapfile -t lines <"$PROBE/routes"
	for l in "${lines[@]}"; do [[ $l == *" 6 254 2001:db8:e"[0-3]:* ]] && return 1; done
	return 0
}

# Read the listeners' files (their locks, in process context).
_busy_read() {
	local lines
	mapfile -t lines <"$PROBE/routes"
	mapfile -t lines <"$PROBE/stats"
	mapfile -t lines <"$MOCK/routes"
	reads=$((reads + 1))
	[ $reads -ge 3 ] && _expired
}

softirq_gc() {
	plan 5
	local j
	reads=0
	# A GC interval of 1 s; the flush runs the GC once (process context,
	# before the expiring routes exist) and so re-arms a timer an earlier
	# test left pending with the default 30 s.
	ip netns exec ns1 sh -c 'echo 1 > /proc/sys/net/ipv6/route/gc_interval; echo 0 > /proc/sys/net/ipv6/route/flush'
	for ((j = 1; j <= 30; j++)); do
		echo "route add 2001:db8:e$((j % 4)):$j::/64 via 2001:db8:1::2 expires 2"
	done | ipb ns1
	check "softirq: the GC timer deleted every expired route (the probe saw it)" wait_for 60 _busy_read
	diag "softirq: $reads rounds of debugfs reads meanwhile"
	check "softirq: debugfs was read meanwhile" test "$reads" -ge 3
	snap softirq "$PROBE" "$MOCK"
	judge softirq "softirq: no expiring route left in the kernel" \
		kernel_lacks_prefixes ns1 $(for ((j = 1; j <= 30; j++)); do printf '2001:db8:e%d:%d::/64 ' $((j % 4)) $j; done)
	judge softirq "softirq: probe equals the kernel" compare probe init ns1 ns2 ns3
	judge softirq "softirq: mock switchdev equals the kernel" compare mock_switchdev init ns1 ns2 ns3
}
