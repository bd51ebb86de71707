# SPDX-License-Identifier: GPL-2.0
# Always last: unload while routes churn with both in-module listeners
# attached, then a kmemleak scan that must run.
plan 5
echo 1 >"$MOCK/attach" 2>/dev/null
echo 1 >"$PROBE/attach" 2>/dev/null
churn_start ns1 1 10
nap 2
check "rmmod while routes churn (listeners attached)" rmmod rust_fib_notifier
check "unload: the churn ran and every batch succeeded" churn_stop
snap unload
judge unload "no hardware flag left behind after unload" 'eq(hwflagged(), set())'
namespaces
for ns in "${NAMESPACES[@]}"; do ip netns del "$ns"; done
kmemleak=/sys/kernel/debug/kmemleak
if [ -w $kmemleak ]; then
	# Twice, some seconds apart: kmemleak reports objects unreferenced
	# across two scans.
	echo scan >$kmemleak
	nap 6
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
