# SPDX-License-Identifier: GPL-2.0
# The rule window of t54, held open (fault_hold_rule, test builds): the
# kernel notifies a rule add before it links it, under the family's rules
# lock (fib_newrule()).  The add is held after the bridge counted and
# forwarded it; a registration of the probe (restricted to the namespace)
# starts meanwhile and reads the count that already shows the rule.  It
# waits for the rules lock (rfn_net_wait_writers()) and replays the rule
# once linked; a registration that replayed the rules without the rule
# would pass its check and never learn it.  The registration is seen
# waiting in rfn_net_wait_writers (its kernel stack) before the add goes on.
ALL_TESTS="rule_race_held"

setup() {
	ns_setup ns1 ns2 ns3
	detach
}

cleanup() {
	echo 0 >"$RFN/fault_hold_rule"
	echo 0 >"$PROBE/netns"
	detach
}

rule_race_held() {
	plan 6
	local ino adder
	ns_inode ino ns2
	echo "$ino" >"$RFN/fault_hold_rule"
	ip -n ns2 rule add pref 5555 table 100 &
	adder=$!
	_holding() { local l; read -r l <"$RFN/fault_hold_rule"; [ "${l##* }" -gt 0 ]; }
	check "rule race held: the rule add is held, counted but not linked" wait_for 5 _holding
	echo "$ino" >"$PROBE/netns"
	bash -c 'echo 1 >"$1"' attach "$PROBE/attach" &
	registrar=$!
	# The registration read the count and waits for the rules lock (or,
	# were it not to wait, it is done already).
	_waits_or_done() {
		local s
		kill -0 "$registrar" 2>/dev/null || return 0
		s=$(<"/proc/$registrar/stack") 2>/dev/null
		[[ $s == *rfn_net_wait_writers* ]]
	}
	check "rule race held: the registration waits for the rules lock" wait_for 10 _waits_or_done
	echo 0 >"$RFN/fault_hold_rule"
	check "rule race held: the rule add completes" wait "$adder"
	check "rule race held: the registration completes" wait "$registrar"
	echo 0 >"$PROBE/netns"
	SNAP_NS=ns2 snap rule-held "$PROBE"
	judge rule-held "rule race held: the probe holds the rule added in the window" \
		lines_match probe rules '^{ino ns2} 4 pref 5555 '
	judge rule-held "rule race held: the probe equals the kernel" compare probe ns2
	ip -n ns2 rule del pref 5555
}
