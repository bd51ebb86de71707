# SPDX-License-Identifier: GPL-2.0
# Consistency under churn: routes keep changing in 4 namespaces while the
# mock switchdev attaches and detaches; once it all stops, its table equals
# the kernel's in every namespace.
ALL_TESTS="mock_churn"

setup() {
	ns_setup ns1 ns2 ns3
}

cleanup() {
	echo 0 >"$MOCK/attach"
}

mock_churn() {
	plan 5
	local i toggles=0 busy=0 round tries0 flushes0 alloc_failed0 tries flushes hwm failed
	check "mock churn: namespace ns4" make_ns ns4 4
	echo 1 >"$MOCK/attach" 2>/dev/null
	for i in 1 2 3 4; do churn_start "ns$i" "$i" 15; done
	get tries0 tries "$RFN/stats"
	get flushes0 flushes "$RFN/stats"
	get alloc_failed0 alloc_failed "$MOCK/stats"
	for ((round = 1; round <= ${MOCK_TOGGLES:-20}; round++)); do
		echo 0 >"$MOCK/attach"
		nap 0.$((RANDOM % 5))
		echo 1 >"$MOCK/attach" 2>/dev/null || busy=$((busy + 1))
		toggles=$((toggles + 1))
		((toggles % 5)) || diag "mock churn: $toggles toggles"
		nap 0.$((RANDOM % 5))
	done
	check "mock churn: every churn batch succeeded" churn_stop
	echo 1 >"$MOCK/attach" 2>/dev/null
	get tries tries "$RFN/stats"
	get flushes flushes "$RFN/stats"
	get hwm queue_hwm "$MOCK/stats"
	diag "mock churn: $toggles toggles, $busy EBUSY, $((tries - tries0)) tries," \
		"$((flushes - flushes0)) retries, queue high-water mark $hwm"
	snap mock-churn "$MOCK"
	note mock-churn kernel_route_count "mock churn" init ns1 ns2 ns3 ns4
	judge mock-churn "mock churn: table equals the kernel in 4 namespaces: zero missing, zero extra" \
		compare mock_switchdev init ns1 ns2 ns3 ns4
	judge mock-churn "mock churn: every route offloaded (host routes trapped)" \
		mock_flags init ns1 ns2 ns3 ns4
	get failed alloc_failed "$MOCK/stats"
	check "mock churn: no allocation failure meanwhile" test "$failed" -eq "$alloc_failed0"
}
