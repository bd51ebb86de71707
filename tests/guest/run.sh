#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Inside the guest: namespaces with routes first, then insmod (KUnit suites
# run and print KTAP to the kernel log), the integration tests (KTAP into
# OUT/guest.ktap), rmmod, and a kmemleak scan.
#
#   tests/guest/run.sh OUT MODULE.ko [NETDEVSIM.ko [GLOB]]
# GLOB picks the test files (default: all, t[0-9]*).
set -u
out=$1 ko=$2
export NSIM_KO=${3:-}
glob=${4:-t[0-9]*}
export KTAP_RESULTS=$out/guest.results
: >"$KTAP_RESULTS"
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
kmemleak=/sys/kernel/debug/kmemleak

# Boot-time leak suspects are not ours: forget them.
[ -w $kmemleak ] && echo clear >$kmemleak

# Routes exist before the module: a late registration must replay them.
for i in 1 2 3; do make_ns "ns$i" "$i"; done

if insmod "$ko"; then ok "insmod"; else not_ok "insmod"; fi

for t in "$here"/$glob.sh; do
	diag "=== $(basename "$t")"
	. "$t"
done

# Unload while routes churn, with both in-module listeners attached.
echo 1 >"$RFN/mock_switchdev/attach" 2>/dev/null
echo 1 >"$PROBE/attach" 2>/dev/null
churn ns1 1 10 &
churn_pid=$!
sleep 2
check "rmmod while routes churn (listeners attached)" rmmod rust_fib_notifier
kill $churn_pid 2>/dev/null
wait $churn_pid 2>/dev/null
check "no hardware flag left behind after unload" \
	test -z "$($FIBVIEW unflagged init $(ip netns list | awk '{print $1}'))"
for ns in $(ip netns list | awk '{print $1}'); do ip netns del "$ns"; done

if [ -w $kmemleak ]; then
	# Twice, some seconds apart: kmemleak reports objects unreferenced
	# across two scans.
	echo scan >$kmemleak; sleep 6; echo scan >$kmemleak
	cat $kmemleak >"$out/kmemleak.txt"
	if [ -s "$out/kmemleak.txt" ]; then
		not_ok "kmemleak: no leak"
		head -40 "$out/kmemleak.txt"
	else
		ok "kmemleak: no leak"
	fi
fi

{
	echo "KTAP version 1"
	echo "1..$ktap_n"
	cat "$KTAP_RESULTS"
} >"$out/guest.ktap"
exit 0
