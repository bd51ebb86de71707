# SPDX-License-Identifier: GPL-2.0
# Consistency per namespace.  16 namespaces (init, ns1-ns3 and 12
# quiet ones), continuous churn in ns1 (every prefix new: a missed event
# stays missed).  REGS late registrations of a global listener (the probe)
# with the kernel's retry (`retry_all`: flush everything, replay every
# namespace), then REGS with per-namespace retry; both sets of numbers are
# printed.  Every registration that succeeds is compared with the kernel in
# every namespace.  Then a registration restricted to a quiet namespace,
# while 4 namespaces churn and namespaces are created and deleted, never
# retries.  The namespaces it makes are deleted by its cleanup.
ALL_TESTS="per_netns_retry filtered_quiet"
QUIET=12

# Quiet namespaces: blackhole and unreachable routes (QUIET_ROUTES of
# them, so that replaying every namespace takes long, as on a real host)
# and a rule, no device (nothing of IPv6 address configuration moves them).
# Made with a result each (the file's own): an empty list
# of namespaces would prove nothing.  Then every namespace as it is now:
# snapshot pn-base; below only the churning one is dumped again.
setup() {
	local q k
	ns_setup ns1 ns2 ns3
	for ((q = 1; q <= QUIET; q++)); do
		ip netns add "q$q" && {
			printf 'route add blackhole 198.18.%d.0/24\n' "$q"
			printf 'route add unreachable 2001:db8:99%d::/48\n' "$q"
			printf 'rule add to 198.18.%d.0/24 table 100 pref 900\n' "$q"
			for ((k = 0; k < ${QUIET_ROUTES:-100}; k++)); do
				printf 'route add blackhole 198.19.%d.%d/32 table 100\n' $((k / 256)) $((k % 256))
			done
		} | ipb "q$q"
		check "per-netns: quiet namespace q$q made" test $? -eq 0
	done
	detach
	echo 0 >"$PROBE/netns"
	snap pn-base "$PROBE"
}

# The quiet namespaces would only slow every later test down.
cleanup() {
	local q k
	listeners_off
	echo 0 >"$MOCK/netns"
	echo 0 >"$RFN/retry_all"
	for ((q = 1; q <= QUIET; q++)); do ip netns del "q$q"; done
	[ -e /run/netns/ns7 ] && ip netns del ns7
}

per_netns_retry() {
	local regs=${PERNS_REGS:-20} mode r attached succeeded churned name
	local tries0 nets0 ebusy0 rep0 tries nets ebusy rep
	local -A got
	plan $((2 * regs + 5))
	for mode in 1 0; do
		echo "$mode" >"$RFN/retry_all"
		get tries0 tries "$RFN/stats"
		get nets0 nets_replayed "$RFN/stats"
		get ebusy0 ebusy "$RFN/stats"
		get rep0 replayed "$PROBE/stats"
		succeeded=0 churned=0
		for ((r = 1; r <= regs; r++)); do
			churn_start ns1 1
			nap 0.$((RANDOM % 5 + 1))
			if attach 2>/dev/null; then attached=1; else attached=0; fi
			churn_stop && churned=$((churned + 1))
			if [ $attached = 0 ]; then
				ok "per-netns: retry_all=$mode: registration $r: EBUSY"
			elif [ "$mode" = 1 ]; then
				# The kernel's behaviour, measured only (t50 checks it).
				succeeded=$((succeeded + 1))
				ok "per-netns: retry_all=1: registration $r: registered"
			else
				succeeded=$((succeeded + 1))
				SNAP_NS=ns1 SNAP_BASE=pn-base snap "pn-$mode-$r" "$PROBE"
				judge "pn-$mode-$r" "per-netns: registration $r equals the kernel in every namespace" \
					compare probe
			fi
			detach
		done
		get tries tries "$RFN/stats"
		get nets nets_replayed "$RFN/stats"
		get ebusy ebusy "$RFN/stats"
		get rep replayed "$PROBE/stats"
		got[$mode.ok]=$succeeded got[$mode.tries]=$((tries - tries0))
		got[$mode.nets]=$((nets - nets0)) got[$mode.events]=$((rep - rep0))
		got[$mode.ebusy]=$((ebusy - ebusy0)) got[$mode.churned]=$churned
		name=per-namespace
		[ "$mode" = 1 ] && name="retry all (the kernel's)"
		diag "per-netns: $name: $regs registrations, $succeeded succeeded, ${got[$mode.ebusy]} EBUSY," \
			"${got[$mode.tries]} tries, ${got[$mode.nets]} namespaces and ${got[$mode.events]} events replayed"
	done
	echo 0 >"$RFN/retry_all"
	check "per-netns: the churn completed a round around every registration" \
		test "${got[1.churned]}${got[0.churned]}" = "$regs$regs"
	check "per-netns: the churn made the kernel's retry retry (tries > registrations)" \
		test "${got[1.tries]}" -gt "$regs"
	check "per-netns: the kernel's retry gave up (EBUSY) on some registrations" \
		test "${got[1.ebusy]}" -gt 0
	check "per-netns: per-namespace retry succeeded more often" \
		test "${got[0.ok]}" -gt "${got[1.ok]}"
	check "per-netns: per-namespace retry replays fewer namespaces per try" \
		test $((got[0.nets] * got[1.tries])) -lt $((got[1.nets] * got[0.tries]))
}

_netns_loop() {
	local k=0 stop=0
	trap 'stop=1' TERM
	while [ $stop = 0 ]; do
		ip netns add "tmp$k" && ip netns del "tmp$k" || return 1
		k=$((k + 1))
	done
}

# A registration restricted to quiet q1 reads q1's counter alone.
filtered_quiet() {
	local filtered=${PERNS_FILTERED:-5} q1ino loop r i flushes0 ebusy0 flushes ebusy
	plan $((1 + 2 * filtered + 3))
	check "per-netns: namespace ns7 made" make_ns ns7 7
	ns_inode q1ino q1
	echo 0 >"$MOCK/attach"
	echo "$q1ino" >"$MOCK/netns"
	get flushes0 flushes "$RFN/stats"
	get ebusy0 ebusy "$RFN/stats"
	for i in 1 2 3 7; do churn_start "ns$i" "$i"; done
	_netns_loop &
	loop=$!
	for ((r = 1; r <= filtered; r++)); do
		nap 0.$((RANDOM % 5 + 1))
		check "per-netns: filtered registration $r on quiet q1 while others churn" \
			eval "echo 1 >$MOCK/attach"
		SNAP_NS=q1 SNAP_BASE=pn-base snap "pn-q1-$r" "$MOCK"
		judge "pn-q1-$r" "per-netns: filtered registration $r equals q1" compare mock_switchdev q1
		echo 0 >"$MOCK/attach"
	done
	kill $loop
	wait $loop
	check "per-netns: namespaces were created and deleted meanwhile" test $? -eq 0
	check "per-netns: the churn in 4 namespaces ran" churn_stop
	get flushes flushes "$RFN/stats"
	get ebusy ebusy "$RFN/stats"
	diag "per-netns: filtered: $((flushes - flushes0)) flushes, $((ebusy - ebusy0)) EBUSY"
	check "per-netns: filtered registrations: zero flushes, zero EBUSY" \
		test $((flushes - flushes0 + ebusy - ebusy0)) -eq 0
}
