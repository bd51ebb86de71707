# SPDX-License-Identifier: GPL-2.0
# Multicast routing: VIFs and (S,G) entries made by a real daemon
# (smcrouted, one per namespace and table: mc1's default table and table
# 100, mc2's default table), IPv4 and IPv6, with multicast rules in mc1.
# A probe that registers late holds exactly what `ip mroute`, `ip mrule`
# and the VIF lists show; the mock flags `offload` on exactly the entries
# its hardware holds; replaces, removals, a VIF's device removed, the
# daemon stopped and the namespace's exit are followed and leave nothing
# behind; registrations that replay while multicast routes churn equal the
# kernel each time.
ALL_TESTS="late_probe_equals_kernel live_changes_followed mock_flags_held late_registrations_under_churn vif_gone_daemon_stopped netns_exit_leaves_nothing"

setup() {
	check "multicast: namespaces mc1, mc2 with three veth pairs each" \
		eval 'mc_ns mc1 1 && mc_ns mc2 2'
	check "multicast: smcrouted for mc1's default table and table 100, mc2's default table" \
		eval 'mc_daemon mc1 0 && mc_daemon mc1 100 && mc_daemon mc2 0'
	check "multicast: (S,G) entries in three tables, IPv4 and IPv6" eval '
		mc_ctl mc1 0 add a0 10.1.1.2 239.1.1.1 b0 c0 &&
		mc_ctl mc1 0 add a0 10.1.1.2 239.1.1.2 b0 &&
		mc_ctl mc1 0 add b0 2001:db8:1:2::2 ff0e::1:1 a0 c0 &&
		mc_ctl mc1 100 add b0 10.1.2.2 239.9.9.9 a0 &&
		mc_ctl mc1 100 add c0 2001:db8:1:3::2 ff0e::9:9 a0 &&
		mc_ctl mc2 0 add a0 10.2.1.2 239.3.3.3 b0 c0 &&
		mc_ctl mc2 0 add a0 2001:db8:2:1::2 ff0e::3:3 b0'
	check "multicast: multicast rules in mc1 (iif b0 and c0 to table 100)" eval '
		ip -n mc1 mrule add iif b0 table 100 pref 100 &&
		ip -n mc1 -6 mrule add iif c0 table 100 pref 100'
	detach
}

cleanup() {
	listeners_off
	echo 1024 >"$MOCK/mfc_capacity"
	local ns tb
	for ns in mc1:0 mc1:100 mc2:0 mc3:0; do
		tb=${ns#*:} ns=${ns%:*}
		[ -e "$MC_RUN/$ns-$tb.pid" ] && mc_stop "$ns" "$tb"
	done
	for ns in mc1 mc2 mc3; do
		[ -e "/run/netns/$ns" ] && ip netns del "$ns"
	done
	return 0
}

late_probe_equals_kernel() {
	plan 2
	attach
	msnap mc-late "$PROBE" -- mc1 mc2
	judge mc-late "multicast: a late probe holds the kernel's VIFs, (S,G) entries and multicast rules" \
		compare_mcast probe mc1 mc2
	judge mc-late "multicast: it holds entries of three tables, both families" \
		mcast_tables probe "4:253 4:100 6:254 6:100" mc1
}

live_changes_followed() {
	plan 2
	attach
	check "multicast: an entry added, one's outputs replaced, one removed" eval '
		mc_ctl mc1 0 add a0 10.1.1.3 239.1.1.3 c0 &&
		mc_ctl mc1 0 add a0 10.1.1.2 239.1.1.2 c0 &&
		mc_ctl mc2 0 remove a0 2001:db8:2:1::2 ff0e::3:3'
	msnap mc-live "$PROBE" -- mc1 mc2
	judge mc-live "multicast: the probe follows the add, the replace and the removal" \
		compare_mcast probe mc1 mc2
}

mock_flags_held() {
	plan 3
	# Room for three entries: the others stay out of the hardware.
	echo 3 >"$MOCK/mfc_capacity"
	echo 1 >"$MOCK/attach"
	msnap mc-mock "$MOCK" -- mc1 mc2
	judge mc-mock "multicast: the mock holds every entry of the kernel" \
		compare_mcast_mock mock_switchdev mc1 mc2
	judge mc-mock "multicast: offload on exactly the entries in the mock's hardware" \
		mcast_offload_flags mock_switchdev mc1 mc2
	judge mc-mock "multicast: three entries in the hardware (its room), the others not" \
		stat_eq mock_switchdev mroutes_offloaded 3
}

# mc_churn NS ROUNDS: ROUNDS entries added to NS's default table and each
# removed again a round later, through one smcroutectl in batch mode; what
# it and the daemon said goes to $MC_RUN/churn.err.
mc_churn() {
	local ns=$1 n rc
	for ((n = 0; n < $2; n++)); do
		echo "add a0 10.9.9.9 239.7.$((n / 250)).$((n % 250 + 1)) b0"
		[ "$n" -gt 0 ] && echo "remove a0 10.9.9.9 239.7.$(((n - 1) / 250)).$(((n - 1) % 250 + 1))"
	done | mc_batch "$ns" 0 2>"$MC_RUN/churn.err"
	rc=$?
	[ $rc = 0 ] && return 0
	{
		echo "smcroutectl -b in $ns: exit $rc (a count of refused commands, or 128 + a signal)"
		tail -n 5 "$MC_RUN/$ns-0.log"
		dmesg | grep -iE 'ipmr|ip6mr|oom|killed process' | tail -n 5
	} >>"$MC_RUN/churn.err"
	return 1
}

# attach_during PID DIR: DIR's listener attached while the churn PID runs,
# tried again each time its registration gives up (EBUSY: the churn
# changed the namespace during each of 5 replays; BUSY counts them), and
# once more after the churn ended, when nothing may make it give up.
# DURING counts the registrations that succeeded while the churn ran.
attach_during() {
	while kill -0 "$1" 2>/dev/null; do
		if { echo 1 >"$2/attach"; } 2>/dev/null; then
			DURING=$((DURING + 1))
			return 0
		fi
		BUSY=$((BUSY + 1))
	done
	echo 1 >"$2/attach"
}

late_registrations_under_churn() {
	plan 10
	local round t0 f0 t1 f1 pid rc
	BUSY=0 DURING=0
	get t0 tries "$RFN/stats"
	get f0 flushes "$RFN/stats"
	for round in 1 2 3; do
		listeners_off
		mc_churn mc1 300 &
		pid=$!
		nap 0.5
		check "multicast: the probe and the mock register during (or right after) churn $round" eval \
			'attach_during $pid "$PROBE" && attach_during $pid "$MOCK"'
		wait "$pid"
		rc=$?
		[ $rc = 0 ] || diag "$(<"$MC_RUN/churn.err")"
		check "multicast: churn $round ran (300 entries added and removed)" test $rc = 0
		msnap "mc-churn$round" "$PROBE" "$MOCK" -- mc1 mc2
		judge "mc-churn$round" "multicast: registered during churn $round, the probe and the mock equal the kernel" \
			all_of_mcast "probe mock_switchdev" mc1 mc2
	done
	get t1 tries "$RFN/stats"
	get f1 flushes "$RFN/stats"
	diag "registration tries $((t1 - t0)), retries $((f1 - f0)), gave up (EBUSY) $BUSY, succeeded while the churn ran $DURING of 6"
	check "multicast: the churn made registrations try again ($((f1 - f0)) retries)" \
		test $((f1 - f0)) -gt 0
}

vif_gone_daemon_stopped() {
	plan 5
	listeners_on
	check "multicast: mc2's device a0 (an input VIF) and c0 (an output) removed" eval '
		ip -n mc2 link del a0 && ip -n mc2 link del c0'
	msnap mc-vifgone "$PROBE" "$MOCK" -- mc2
	judge mc-vifgone "multicast: VIFs gone from the probe; entries as the kernel shows them" \
		compare_mcast probe mc2
	judge mc-vifgone "multicast: the mock takes the entries whose input is gone out of the hardware (no offload flag)" \
		mcast_offload_flags mock_switchdev mc2
	check "multicast: mc2's daemon stopped (its tables flushed)" mc_stop mc2 0
	msnap mc-stopped "$PROBE" "$MOCK" -- mc2
	judge mc-stopped "multicast: nothing of mc2's multicast routing left in the probe or the mock" \
		no_mcast_of "probe mock_switchdev" mc2
}

netns_exit_leaves_nothing() {
	plan 4
	local ino exits0
	listeners_on
	check "multicast: namespace mc3 with its daemon and two entries" eval '
		mc_ns mc3 3 && mc_daemon mc3 0 &&
		mc_ctl mc3 0 add a0 10.3.1.2 239.4.4.4 b0 &&
		mc_ctl mc3 0 add a0 2001:db8:3:1::2 ff0e::4:4 b0'
	ns_inode ino mc3
	read -r _ <"$MOCK/routes"
	check "multicast: the mock holds mc3's two entries" eval \
		"[[ \"\$(<$MOCK/mroutes)\" == *\"$ino 4 \"*\"$ino 6 \"* ]]"
	get exits0 netns_exits "$PROBE/stats"
	# The daemon keeps the namespace alive past `ip netns del`; its exit
	# ends both.
	ip netns del mc3
	read -r pid <"$MC_RUN/mc3-0.pid"
	kill -9 "$pid"
	_mc3_gone() { local e; get e netns_exits "$PROBE/stats" && [ "$e" -gt "$exits0" ]; }
	check "multicast: mc3 is dismantled" wait_for 60 _mc3_gone
	rm -f "$MC_RUN/mc3-0.pid"
	read -r _ <"$MOCK/routes"
	check "multicast: the probe and the mock hold nothing of mc3" eval "
		! file_has_inode $PROBE/mroutes $ino && ! file_has_inode $PROBE/vifs $ino &&
		! file_has_inode $MOCK/mroutes $ino && ! file_has_inode $MOCK/vifs $ino"
}
