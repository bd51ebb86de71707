# SPDX-License-Identifier: GPL-2.0
# Registration while routes keep changing: a complete view or EBUSY.
make_ns ns3 3
detach
ebusy0=$(stat_of ebusy "$RFN/stats")
tries0=$(stat_of tries "$RFN/stats")
flushes0=$(stat_of flushes "$RFN/stats")
ok_views=0 bad_views=0 busy=0 rounds=${CHURN_ROUNDS:-8}
for round in $(seq "$rounds"); do
	pids=()
	for i in 1 2 3; do churn "ns$i" "$i" & pids+=($!); done
	sleep 0.$((RANDOM % 9 + 1))
	if attach 2>/dev/null; then attached=1; else attached=0; busy=$((busy + 1)); fi
	sleep 1
	kill "${pids[@]}" 2>/dev/null
	wait "${pids[@]}" 2>/dev/null
	if [ $attached = 1 ]; then
		if $FIBVIEW compare "$PROBE" init ns1 ns2 ns3 >/tmp/churn-diff; then
			ok_views=$((ok_views + 1))
		else
			bad_views=$((bad_views + 1)); cat /tmp/churn-diff
		fi
	fi
	detach
done
tries=$(( $(stat_of tries "$RFN/stats") - tries0 ))
flushes=$(( $(stat_of flushes "$RFN/stats") - flushes0 ))
ebusy=$(( $(stat_of ebusy "$RFN/stats") - ebusy0 ))
diag "churn: $rounds registrations, $ok_views complete, $busy EBUSY, $tries tries, $flushes flushes (retries)"
check "churn: every successful registration saw a complete view" test "$bad_views" -eq 0
check "churn: every registration either succeeded or was EBUSY" \
	test $((ok_views + busy)) -eq "$rounds"
check "churn: debugfs counts the EBUSY" test "$ebusy" -eq "$busy"
check "churn: tries = registrations + retries" \
	test "$tries" -eq $((rounds + flushes - 0))
