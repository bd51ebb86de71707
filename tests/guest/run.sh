#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Inside the guest: namespaces with routes first (t00), then insmod (the
# KUnit suites run and print KTAP to the kernel log), the integration tests,
# and last t99 (unload under churn, kmemleak).  Results and snapshots go to
# OUT for the host to judge (tests/judge.py); see tests/guest/lib.sh.
#
#   tests/guest/run.sh OUT MODULE.ko NETDEVSIM.ko TEST...
# TEST: the test files to source, in order (names under tests/guest/, .sh);
# @FILE: their names, one a line, in FILE.
set -u
out=$1 ko=$2
export NSIM_KO=$3
shift 3
if [ $# = 1 ] && [ "${1:0:1}" = @ ]; then
	mapfile -t names <"${1:1}"
	set -- "${names[@]}"
fi
export RESULTS=$out/guest.results SNAPS=$out/snap
mkdir -p "$SNAPS"
: >"$RESULTS"
: >"$RESULTS.times"
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
KO=$ko

usecs t_start
for t in "$@"; do
	emit "file $t"
	# Names no test file uses (t71 has its own t0 and t1).
	usecs _file_t0
	. "$here/$t.sh"
	usecs _file_t1
	emit "end $t $(((_file_t1 - _file_t0) / 1000000)).$(((_file_t1 - _file_t0) / 100000 % 10))"
done
usecs t_end
diag "guest: tests took $(((t_end - t_start) / 1000000)) s"
exit 0
