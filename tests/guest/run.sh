#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Inside the guest: run test files, each in a subshell of its own, and
# write their results and snapshots to OUT for the host to judge
# (tests/judge.py; the protocol: tests/guest/lib/results.sh).
#
#   tests/guest/run.sh OUT MODULE.ko NETDEVSIM.ko TEST...
# TEST: a test file (its name under tests/guest/, no .sh), or FILE:CASE,...
# to run only those cases of it; @LIST: the TESTs, one a line, in LIST.
#
# A test file defines ALL_TESTS (its cases, in order), one function per
# case, and may define setup and cleanup (run before the first case and
# after the last).  A case whose function uses what an earlier case of the
# file left is listed in the file's NEEDS array (NEEDS[case]="earlier..."):
# running it alone runs those first.  Each case starts with `plan N`.
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
# The library's functions: a case of that name would replace one.
mapfile -t LIB_FUNCS < <(declare -F)
LIB_FUNCS=" ${LIB_FUNCS[*]##* } "

# _want CASE: CASE and the cases it needs, into the set `want`.
_want() {
	local n
	[ -n "${want[$1]:-}" ] && return
	want[$1]=1
	for n in ${NEEDS[$1]:-}; do _want "$n"; done
}

# run_file FILE [CASES]: FILE's setup, its cases (all, or CASES, a comma
# separated list, with what they need) and its cleanup.
run_file() {
	local file=$1 c cases=()
	local -A want=()
	declare -A NEEDS=()
	ALL_TESTS=
	. "$here/$file.sh"
	if [ -n "${2:-}" ]; then
		for c in ${2//,/ }; do
			if [[ " $ALL_TESTS " == *" $c "* ]]; then
				_want "$c"
			else
				not_ok "$file has a case $c"
			fi
		done
		for c in $ALL_TESTS; do [ -n "${want[$c]:-}" ] && cases+=("$c"); done
	else
		# Every word, over as many lines as the file wrote them on.
		for c in $ALL_TESTS; do cases+=("$c"); done
	fi
	emit "cases ${cases[*]}"
	for c in "${cases[@]}"; do
		[[ $LIB_FUNCS == *" $c "* ]] && not_ok "$file: case $c has the name of a library function"
	done
	if declare -F setup >/dev/null && ! setup; then
		not_ok "$file: setup (its cases did not run)"
		cases=()
	fi
	for c in "${cases[@]}"; do
		emit "case $c"
		"$c"
		emit "endcase $c"
	done
	if declare -F cleanup >/dev/null; then cleanup; fi
}

usecs t_start
for t in "$@"; do
	file=${t%%:*} sel=
	[ "$file" != "$t" ] && sel=${t#*:}
	emit "file $file"
	usecs _file_t0
	(run_file "$file" "$sel")
	usecs _file_t1
	emit "end $file $(((_file_t1 - _file_t0) / 1000000)).$(((_file_t1 - _file_t0) / 100000 % 10))"
done
usecs t_end
diag "guest: tests took $(((t_end - t_start) / 1000000)) s"
exit 0
