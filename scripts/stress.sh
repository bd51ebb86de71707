#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# `make stress`: one guest boot of the test kernel (scripts/test.sh with
# RFN_TESTS=t98_stress: build, insmod with KUnit, the stress run, unload,
# kmemleak, a clean kernel log) running the seeded random stress of
# tests/stress/ for a while:
#
#   SEED=N      the seed (default: the time; printed): the same seed
#               replays the same operations; SEED=1,2,3: one run per seed,
#               each of MINUTES, in the same boot
#   MINUTES=M   how long the operations run (default 3), quiet points and
#               the checks after them aside
#   OPS=N       stop after N operations instead (with MINUTES as a bound)
#   MEASURE=1   first measure an `ip route add` process against a netlink
#               message in the guest
#
# Output in out/stress/ (stress.log: the run; a failure's seed, reason,
# last operations; its snapshot).  tests/stress/README.md says more.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/.." && pwd)
seed=${SEED:-$(date +%s)}
minutes=${MINUTES:-3}
seconds=$(awk -v m="$minutes" 'BEGIN { printf "%d", m * 60 }')
echo "stress: SEED=$seed MINUTES=$minutes${OPS:+ OPS=$OPS}"
export RFN_TESTS=t98_stress RFN_OUT=${RFN_OUT:-$top/out/stress}
export RFN_STRESS="seed=$seed seconds=$seconds ops=${OPS:-0}${MEASURE:+ measure=1}"
# A quiet point at least every few minutes keeps output.log growing; the
# whole boot gets the run's time and half an hour.
runs=$(tr , '\n' <<<"$seed" | grep -c .)
export RFN_GUEST_TIMEOUT=${RFN_GUEST_TIMEOUT:-$((runs * seconds * 2 + 1800))}
"$here/test.sh"
rc=$?
echo "stress: SEED=$seed ($([ $rc = 0 ] && echo passed || echo FAILED); $RFN_OUT/stress.log)"
exit $rc
