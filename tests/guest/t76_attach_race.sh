# SPDX-License-Identifier: GPL-2.0
# A detach racing an attach (issue 9, defect 7): the old detach took the
# registration out, dropped it, and only then emptied the tables, unlocked:
# an attach in between registered (and replayed) and was then wiped, so the
# listener stayed attached with nothing.  Two loops toggle each listener at
# once; whenever it ends attached, it must hold the kernel's view.
plan 4
rounds=${RACE_ROUNDS:-15}
for dir in "$PROBE" "$MOCK"; do
	name=${dir##*/}
	echo 0 >"$dir/attach"
	for ((k = 0; k < rounds; k++)); do echo 1 >"$dir/attach"; done 2>/dev/null &
	a=$!
	for ((k = 0; k < rounds; k++)); do echo 0 >"$dir/attach"; done &
	d=$!
	wait $a $d
	# Attached after all (a no-op when the race left it attached).
	check "attach race: $name attaches after $rounds racing toggles" eval "echo 1 > $dir/attach"
	snap "race-$name" "$dir"
	judge "race-$name" "attach race: $name holds the kernel's view" \
		"compare('$name', 'init', 'ns1', 'ns2', 'ns3')"
done
echo 0 >"$MOCK/attach"
