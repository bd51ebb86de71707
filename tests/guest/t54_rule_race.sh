# SPDX-License-Identifier: GPL-2.0
# The kernel (7.3) notifies a rule before it links it, under its family's
# rules lock and without RTNL (fib_newrule()).  A registration that reads
# a counter already showing the rule, then replays a rules list that does
# not hold it yet, passes the check and never learns the rule (the
# kernel's own register_fib_notifier() has this window).  The mock,
# attached first and told to take 5 ms (the cap of event_delay_us) over
# every event, holds each rule add in that window; new rules (unique
# prefs, IPv4 and IPv6) are added one at a time while the probe,
# restricted to ns2, registers again and again; with the rules stopped,
# the probe holds every rule the kernel has.
ALL_TESTS="rule_race"

setup() {
	local ino2
	ns_setup ns1 ns2 ns3
	ns_inode ino2 ns2
	detach
	echo "$ino2" >"$PROBE/netns"
	echo 0 >"$MOCK/netns"
	echo 1 >"$MOCK/attach"
	echo 5000 >"$MOCK/event_delay_us"
}

cleanup() {
	echo 0 >"$MOCK/event_delay_us"
	echo 0 >"$MOCK/attach"
	echo 0 >"$PROBE/netns"
	detach
}

_rule_loop() {
	local pref=$1 stop=0
	trap 'stop=1' TERM
	while [ $stop = 0 ]; do
		ip -n ns2 rule add pref "$pref" table 100 || return 1
		ip -n ns2 -6 rule add pref "$pref" table 100 || return 1
		pref=$((pref + 1))
		nap 0.1
	done
}

rule_race() {
	local regs=${RULE_RACE_REGS:-10} added=0 r p loop attached
	plan $((regs + 2))
	for ((r = 1; r <= regs; r++)); do
		_rule_loop $((3000 + 100 * r)) &
		loop=$!
		nap 0.$((RANDOM % 5 + 3))
		attach 2>/dev/null
		attached=$?
		kill $loop
		wait $loop && added=$((added + 1))
		if [ $attached = 0 ]; then
			SNAP_NS=ns2 snap "rr-$r" "$PROBE"
			judge "rr-$r" "rule race: registration $r holds every rule and route of ns2" \
				compare probe ns2
		else
			ok "rule race: registration $r: EBUSY"
		fi
		detach
	done
	echo 0 >"$MOCK/event_delay_us"
	echo 0 >"$MOCK/attach"
	echo 0 >"$PROBE/netns"
	check "rule race: every rule loop ran and succeeded" test "$added" -eq "$regs"
	for ((r = 1; r <= regs; r++)); do
		for ((p = 3000 + 100 * r; p < 3100 + 100 * r; p++)); do
			echo "rule del pref $p"
		done
	done | ip -n ns2 -force -batch - 2>/dev/null
	for ((r = 1; r <= regs; r++)); do
		for ((p = 3000 + 100 * r; p < 3100 + 100 * r; p++)); do
			echo "rule del pref $p"
		done
	done | ip -n ns2 -6 -force -batch - 2>/dev/null
	SNAP_NS=ns2 snap rr-end "$PROBE"
	judge rr-end "rule race: the test's rules are gone again" no_rules_in_range ns2 3000 4200
}
