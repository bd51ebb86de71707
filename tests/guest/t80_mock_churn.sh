# SPDX-License-Identifier: GPL-2.0
# Consistency under churn: routes keep changing in 4 namespaces while the
# mock switchdev attaches and detaches; once it all stops, its table equals
# the kernel's in every namespace.
MOCK=$RFN/mock_switchdev
make_ns ns4 4
echo 1 >"$MOCK/attach" 2>/dev/null
pids=()
for i in 1 2 3 4; do churn "ns$i" "$i" 15 & pids+=($!); done
toggles=0 busy=0 tries0=$(stat_of tries "$RFN/stats") flushes0=$(stat_of flushes "$RFN/stats")
alloc_failed0=$(stat_of alloc_failed $MOCK/stats)
for round in $(seq "${MOCK_TOGGLES:-20}"); do
	echo 0 >"$MOCK/attach"
	sleep 0.$((RANDOM % 5))
	echo 1 >"$MOCK/attach" 2>/dev/null || busy=$((busy + 1))
	toggles=$((toggles + 1))
	sleep 0.$((RANDOM % 5))
done
kill "${pids[@]}" 2>/dev/null
wait "${pids[@]}" 2>/dev/null
echo 1 >"$MOCK/attach" 2>/dev/null
routes=$($FIBVIEW kernel init ns1 ns2 ns3 ns4 | grep -c '^route')
diag "mock churn: $toggles toggles, $busy EBUSY, $(( $(stat_of tries "$RFN/stats") - tries0 )) tries," \
	"$(( $(stat_of flushes "$RFN/stats") - flushes0 )) retries, $routes routes at the end," \
	"queue high-water mark $(stat_of queue_hwm $MOCK/stats)"
$FIBVIEW compare "$MOCK" init ns1 ns2 ns3 ns4 | tail -5 | while read -r l; do diag "$l"; done
check "mock churn: table equals the kernel in 4 namespaces: zero missing, zero extra" \
	$FIBVIEW compare "$MOCK" init ns1 ns2 ns3 ns4
check "mock churn: every route offloaded" \
	test "$($FIBVIEW flagged offload init ns1 ns2 ns3 ns4 | wc -l)" -eq "$routes"
check "mock churn: no allocation failure meanwhile" \
	test "$(stat_of alloc_failed $MOCK/stats)" -eq "$alloc_failed0"
