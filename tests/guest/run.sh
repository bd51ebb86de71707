#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Inside the guest: namespaces with routes first, then insmod (KUnit suites
# run and print KTAP to the kernel log), the integration tests (KTAP into
# OUT/guest.ktap), rmmod, and a kmemleak scan.
#
#   tests/guest/run.sh OUT MODULE.ko
set -u
out=$1 ko=$2
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

for t in "$here"/t[0-9]*.sh; do
	diag "=== $(basename "$t")"
	. "$t"
done

check "rmmod" rmmod rust_fib_notifier
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
