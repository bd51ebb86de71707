# SPDX-License-Identifier: GPL-2.0
# Always last (scripts/test.sh runs it whatever RFN_TESTS picks): unload
# while routes churn with both in-module listeners attached; load again
# (the DKMS-installed product build, by modprobe) while every namespace
# churns: the bridge attaches later to a namespace the kernel's
# register_fib_notifier() keeps finding inconsistent, and insmod succeeds;
# unload; then a kmemleak scan that must run.  Every namespace is deleted
# before the scan.
ALL_TESTS="unload_churning reload_churning kmemleak_clean"
NEEDS[reload_churning]=unload_churning

setup() {
	ns_setup ns1 ns2 ns3
}

unload_churning() {
	plan 3
	echo 1 >"$MOCK/attach" 2>/dev/null
	echo 1 >"$PROBE/attach" 2>/dev/null
	churn_start ns1 1 10
	nap 2
	check "rmmod while routes churn (listeners attached)" rmmod rust_fib_notifier
	check "unload: the churn ran and every batch succeeded" churn_stop
	snap unload
	judge unload "no hardware flag left behind after unload" no_hw_flags
}

reload_churning() {
	plan 6
	local k i deferred late ns
	# A big table makes each of the kernel's dumps of ns1 long enough for
	# the churn to make it inconsistent 5 times in a row.
	for ((k = 0; k < 3000; k++)); do
		printf 'route add 100.250.%d.%d/32 via 10.1.0.2 table 300\n' $((k / 256)) $((k % 256))
	done | ipb ns1
	# The KUnit suites ran at the first load; not again (their global
	# registrations are not what this checks).
	echo "-" >/sys/module/kunit/parameters/filter_glob 2>/dev/null
	for i in 1 2 3; do churn_start "ns$i" "$i"; done
	nap 1
	# The product build DKMS installed for this kernel (make test did that
	# on the host, whose root the guest runs on).
	check "reload: modprobe (the DKMS product build) while every namespace churns" \
		modprobe rust_fib_notifier
	nap 3
	check "reload: the churn ran and every batch succeeded" churn_stop
	check "reload: every namespace is bridged, late or not" wait_for 120 _netns_settled
	get deferred bridge_deferred "$RFN/stats"
	get late bridge_late "$RFN/stats"
	diag "reload: $deferred namespaces bridged later (the kernel's dump said EBUSY), $late of them attached since"
	check "reload: the probe attaches" eval "echo 1 >$PROBE/attach"
	SNAP_NS="init ns1 ns2 ns3" snap reload "$PROBE"
	judge reload "reload: the probe equals the kernel in the namespaces that churned" \
		compare probe init ns1 ns2 ns3
	check "reload: rmmod" rmmod rust_fib_notifier
}

kmemleak_clean() {
	plan 2
	local kmemleak=/sys/kernel/debug/kmemleak ns scan0 scan1 left leaks
	[ -d /sys/module/rust_fib_notifier ] && rmmod rust_fib_notifier
	namespaces
	for ns in "${NAMESPACES[@]}"; do ip netns del "$ns"; done
	if [ -w $kmemleak ]; then
		# Twice, some seconds apart: kmemleak reports objects
		# unreferenced across two scans, and none younger than 5 s.  The
		# first scan takes about 10 s under TCG: wait only for what is
		# left of 6 s.
		usecs scan0
		echo scan >$kmemleak
		usecs scan1
		left=$((6000000 - (scan1 - scan0)))
		if [ $left -gt 0 ]; then
			printf -v left '%d.%06d' $((left / 1000000)) $((left % 1000000))
			nap "$left"
		fi
		echo scan >$kmemleak
		ok "kmemleak: scan ran"
		cp $kmemleak "${RESULTS%/*}/kmemleak.txt"
		leaks=$(<"${RESULTS%/*}/kmemleak.txt")
		[ -n "$leaks" ] && diag "kmemleak: ${leaks:0:2000}"
		check "kmemleak: no leak" test -z "$leaks"
	else
		not_ok "kmemleak: scan ran"
		not_ok "kmemleak: no leak"
	fi
}
