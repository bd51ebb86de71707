# SPDX-License-Identifier: GPL-2.0
# A detach racing an attach: a detach takes the registration out and
# empties the tables under the registration's lock, so an attach in
# between cannot register (and replay) and then be wiped.  Two loops toggle
# each listener at once; whenever it ends attached, it holds the kernel's
# view.
ALL_TESTS="attach_race_probe attach_race_mock"

setup() {
	ns_setup ns1 ns2 ns3
}

cleanup() {
	listeners_off
}

# attach_race DIR: toggle DIR's listener from two loops, attach it, judge.
attach_race() {
	local dir=$1 name=${1##*/} rounds=${RACE_ROUNDS:-15} k a d
	plan 2
	echo 0 >"$dir/attach"
	for ((k = 0; k < rounds; k++)); do echo 1 >"$dir/attach"; done 2>/dev/null &
	a=$!
	for ((k = 0; k < rounds; k++)); do echo 0 >"$dir/attach"; done &
	d=$!
	wait $a $d
	# Attached after all (a no-op when the race left it attached).
	check "attach race: $name attaches after $rounds racing toggles" eval "echo 1 > $dir/attach"
	snap "race-$name" "$dir"
	judge "race-$name" "attach race: $name holds the kernel's view" compare "$name" init ns1 ns2 ns3
}

attach_race_probe() { attach_race "$PROBE"; }
attach_race_mock() { attach_race "$MOCK"; }
