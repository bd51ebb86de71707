# SPDX-License-Identifier: GPL-2.0
# Registration while routes keep changing (IPv4 and IPv6, three namespaces,
# every prefix new: a missed event is never healed by a later one): each
# registration either gets a complete view or fails with EBUSY, and the
# churn is fast enough that some replays were inconsistent and retried.
ALL_TESTS="churn_registrations"

setup() {
	ns_setup ns1 ns2 ns3
	detach
}

cleanup() {
	detach
}

churn_registrations() {
	local rounds=${CHURN_ROUNDS:-8} round i attached busy=0 churn_ok=0
	local ebusy0 tries0 flushes0 tries flushes ebusy
	plan $((rounds + 5))
	get ebusy0 ebusy "$RFN/stats"
	get tries0 tries "$RFN/stats"
	get flushes0 flushes "$RFN/stats"
	for ((round = 1; round <= rounds; round++)); do
		for i in 1 2 3; do churn_start "ns$i" "$i"; done
		nap 0.$((RANDOM % 9 + 1))
		if attach 2>/dev/null; then attached=1; else attached=0; busy=$((busy + 1)); fi
		nap 1
		churn_stop && churn_ok=$((churn_ok + 1))
		if [ $attached = 1 ]; then
			snap "churn-$round" "$PROBE"
			judge "churn-$round" "churn: round $round: the registration saw a complete view" \
				compare probe init ns1 ns2 ns3
		else
			ok "churn: round $round: EBUSY"
		fi
		detach
	done
	get tries tries "$RFN/stats"
	get flushes flushes "$RFN/stats"
	get ebusy ebusy "$RFN/stats"
	tries=$((tries - tries0)) flushes=$((flushes - flushes0)) ebusy=$((ebusy - ebusy0))
	diag "churn: $rounds registrations, $busy EBUSY, $tries tries, $flushes flushes (retries)"
	check "churn: every churn batch succeeded, in every round" test "$churn_ok" -eq "$rounds"
	check "churn: debugfs counts the EBUSY" test "$ebusy" -eq "$busy"
	# A registration that succeeds after k inconsistent tries made k + 1
	# tries and k flushes; one that fails with EBUSY made 5 of each.
	check "churn: tries = registrations + flushes - EBUSY" test "$tries" -eq $((rounds + flushes - ebusy))
	check "churn: at most 5 tries per registration" test "$tries" -le $((rounds * 5))
	check "churn: some replays were inconsistent and retried (flushes > 0)" test "$flushes" -gt 0
}
