# SPDX-License-Identifier: GPL-2.0
# The result protocol: what a test writes to $RESULTS, one line each, for
# the host to turn into KTAP (tests/judge.py).  Every write to $RESULTS (on
# the 9p share) is a round trip to the host: one printf a line.
#
#   file NAME / end NAME SECONDS      a test file starts / ends (run.sh)
#   cases CASE...                     the cases the file runs (run.sh)
#   case NAME / endcase NAME          a case starts / returns (run.sh)
#   plan N                            the case's result count
#   ok NAME / not ok NAME             a result decided in the guest
#   # TEXT                            a diagnostic, shown with the next result
#   judge SNAP<TAB>NAME<TAB>CHECK<TAB>ARG...
#                                     a result decided on the host: the
#                                     named check of tests/judge.py on
#                                     snapshot SNAP (see snap.sh)
#   note SNAP<TAB>CHECK<TAB>ARG...    a diagnostic computed on the host
#
# Results a file's setup or cleanup emits (outside a case) belong to the
# file and to no case's plan.

# Each line is also timed (guest.results.times: seconds since the epoch and
# the line), so the host can name the slowest steps.
emit() {
	local line="$*"
	printf '%s\n' "$line" >>"$RESULTS"
	printf '%s %s\n' "$EPOCHREALTIME" "${line:0:100}" >>"$RESULTS.times"
}
plan() { emit "plan $1"; }
ok() { emit "ok $*"; }
not_ok() { emit "not ok $*"; }
diag() {
	local t="$*"
	emit "# ${t//$'\n'/ | }"
}

# check NAME COMMAND...: one result from a command's status.
check() {
	local name=$1
	shift
	if "$@"; then ok "$name"; else not_ok "$name"; fi
}

# judge SNAP NAME CHECK [ARG...]: one result, decided on the host by the
# check function CHECK of tests/judge.py over snapshot SNAP, with ARGs
# (strings; no tab or newline in them).
# note SNAP CHECK [ARG...]: a diagnostic line, what CHECK says on the host.
judge() {
	local IFS=$'\t'
	emit "judge $*"
}
note() {
	local IFS=$'\t'
	emit "note $*"
}
