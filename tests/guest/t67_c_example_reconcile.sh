# SPDX-License-Identifier: GPL-2.0
# The example C listener repairs a namespace by mark and sweep
# (RUST_FIB_NOTIFIER_F_RECONCILE, its parameter reconcile=1, the default):
# before a resync or a retry replays the namespace it marks what it holds
# of it stale, keeps what the replay gives again unchanged without a write
# (no flag written, nothing out of the hardware), updates in place what
# changed, and sweeps what is still stale.  In its own namespace rc1 with
# about 1100 routes (single and multipath, IPv4 and IPv6), alone on the
# chain (only it writes flags):
#  cexr_resync     resyncs (its debugfs `resync` file) after light changes:
#                  the example equals the kernel, flags per route, and a
#                  resync writes no flag and leaves no route absent;
#  cexr_churn      resyncs under churn: flag writes only for the routes
#                  the churn changed, none absent;
#  cexr_flush      reconcile=0 (a listener without the flag: flush_net, as
#                  one built against API version 2): a resync takes every
#                  route of rc1 out of the hardware and writes it again;
#  cexr_register   a registration retried by churn, in reconcile mode;
#  cexr_siblings   deletes it cannot queue (failslab: a path of an IPv6
#                  multipath route, a route of each family) repaired by a
#                  reconcile: the gone path released, the gone routes
#                  swept, no sibling lost or doubled; a path appended again.
ALL_TESTS="cexr_resync cexr_churn cexr_flush cexr_register cexr_siblings"
ex_ko=examples/c_listener/rfn_c_example.ko
# Every namespace the example holds: judged whole.
ALLNS="init ns1 ns2 ns3 rc1"

# rc1 (make_ns rc1 67) and, in table 300 and main: 800 IPv4 /32, 20 IPv4
# two-path /32, 200 IPv6 /64, 20 IPv6 two-path /64.
_t67_fill() {
	local k
	make_ns rc1 67 || return 1
	{
		for ((k = 0; k < 800; k++)); do
			printf 'route add 172.16.%d.%d/32 via 10.67.0.2 table 300\n' $((k / 256)) $((k % 256))
		done
		for ((k = 0; k < 20; k++)); do
			printf 'route add 172.17.0.%d/32 table 300 nexthop via 10.67.0.2 nexthop via 10.67.1.2\n' "$k"
		done
		for ((k = 0; k < 200; k++)); do
			printf 'route add 2001:db8:6700:%x::/64 via 2001:db8:67::2\n' "$k"
		done
		for ((k = 0; k < 20; k++)); do
			printf 'route add 2001:db8:6701:%x::/64 nexthop via 2001:db8:67::2 nexthop via 2001:db8:67:1::2\n' "$k"
		done
	} | ipb rc1
}

setup() {
	ns_setup ns1 ns2 ns3
	listeners_off
	example_unload
	ip netns del rc1 2>/dev/null
	check "setup: namespace rc1 with 1040 more routes" _t67_fill
	ns_inode t67_ino rc1
}

cleanup() {
	churn_stop >/dev/null 2>&1
	example_unload
	ip netns del rc1 2>/dev/null
	:
}

# _t67_more KEY OLD: the example's statistic KEY is above OLD.
_t67_more() { local v; get v "$1" "$EX/stats" && [ "$v" -gt "$2" ]; }

# _t67_resync: asks the example for a resync of rc1, waits until its
# sweep ran (reconcile) or its flush did (reconcile=0) and the module has
# no resync left; the example's queue then ran dry (get flushes it).
_t67_resync() {
	local key=sweeps old
	get old reconcile "$EX/stats"
	[ "$old" = 0 ] && key=net_flushes
	get old $key "$EX/stats"
	echo "$t67_ino" >"$EX/resync" || return 1
	wait_for 120 _t67_more $key "$old" || return 1
	resyncs_done || return 1
	get old $key "$EX/stats"
}

# _t67_rc1_routes VAR: VAR := how many routes of rc1 the example holds.
_t67_rc1_routes() {
	local _l _lines _n=0
	mapfile -t _lines <"$EX/routes"
	for _l in "${_lines[@]}"; do
		[ "${_l%% *}" = "$t67_ino" ] && _n=$((_n + 1))
	done
	printf -v "$1" '%s' "$_n"
}

cexr_resync() {
	plan 17
	local r fw0 fw1 a0 a1 m0 m1 n
	check "c example reconcile: loads (reconcile=1, the default)" insmod "$ex_ko"
	snap t67-load "$EX"
	judge t67-load "c example reconcile: equals the kernel, paths and flags per route" \
		c_example_reconciled $ALLNS
	get a0 absent "$EX/stats"
	get m0 marked "$EX/stats"
	for r in 1 2 3; do
		ipb rc1 <<EOF
route del 172.16.0.$((10 + r))/32 table 300
route add 172.18.$r.1/32 via 10.67.0.2 table 300
route replace 172.16.1.$r/32 via 10.67.1.2 table 300
route del 2001:db8:6700:$((10 + r))::/64
route add 2001:db8:6702:$r::/64 via 2001:db8:67::2
EOF
		get fw0 flag_writes "$EX/stats"
		check "c example reconcile: resync $r of rc1: its sweep runs" _t67_resync
		get fw1 flag_writes "$EX/stats"
		diag "c example reconcile: resync $r: $((fw1 - fw0)) flag writes"
		check "c example reconcile: resync $r of rc1, nothing changed meanwhile: no flag written ($fw0 -> $fw1)" \
			test "$fw1" -eq "$fw0"
		snap "t67-resync$r" "$EX"
		judge "t67-resync$r" "c example reconcile: after resync $r it equals the kernel, paths and flags per route" \
			c_example_reconciled $ALLNS
		judge "t67-resync$r" "c example reconcile: after resync $r it holds the route added, not the ones deleted" \
			lines_match rfn_c_example routes "^{ino rc1} 4 300 172.18.$r.1/32 nhs 1\$"
	done
	get a1 absent "$EX/stats"
	get m1 marked "$EX/stats"
	_t67_rc1_routes n
	diag "c example reconcile: marked $m0 -> $m1, $n routes of rc1 held, absent $a0 -> $a1"
	check "c example reconcile: every resync marked every route of rc1 ($m0 -> $m1, 3 x $n)" \
		test $((m1 - m0)) -ge $((3 * n))
	check "c example reconcile: no route absent from the hardware ($a0 -> $a1)" test "$a1" -eq "$a0"
	check "c example reconcile: unloads" rmmod rfn_c_example
}

cexr_churn() {
	plan 8
	local k fw0 fw1 a0 a1 s0 s1 rounds added t0 t1
	check "c example reconcile churn: loads" insmod "$ex_ko"
	get fw0 flag_writes "$EX/stats"
	get a0 absent "$EX/stats"
	get s0 sweeps "$EX/stats"
	usecs t0
	churn_start rc1 67 2
	for ((k = 0; k < 3; k++)); do
		echo "$t67_ino" >"$EX/resync"
		nap 1
	done
	check "c example reconcile churn: the churn stopped" churn_stop
	read -r rounds <"$CHURN_DIR/rc1"
	check "c example reconcile churn: no resync left" resyncs_done
	check "c example reconcile churn: a resync under churn was swept" wait_for 60 _t67_more sweeps "$s0"
	usecs t1
	get fw1 flag_writes "$EX/stats"
	get a1 absent "$EX/stats"
	get s1 sweeps "$EX/stats"
	# Each round adds 2 IPv4 and 2 IPv6 routes: a flag write each, and one
	# more if it is deleted while rc1 is marked (swept: its flag cleared).
	added=$((rounds * 4))
	diag "c example reconcile churn: $rounds rounds ($added routes added), $((s1 - s0)) sweeps, $((fw1 - fw0)) flag writes, absent $a0 -> $a1, $(((t1 - t0) / 1000)) ms"
	check "c example reconcile churn: flag writes only for the routes churned ($((fw1 - fw0)) <= 2 x $added)" \
		test $((fw1 - fw0)) -le $((2 * added))
	check "c example reconcile churn: no route absent from the hardware ($a0 -> $a1)" test "$a1" -eq "$a0"
	snap t67-churn "$EX"
	judge t67-churn "c example reconcile churn: equals the kernel, paths and flags per route" \
		c_example_reconciled $ALLNS
	check "c example reconcile churn: unloads" rmmod rfn_c_example
}

cexr_flush() {
	plan 7
	local fw0 fw1 a0 a1 n t0 t1
	check "c example flush: loads with reconcile=0" insmod "$ex_ko" reconcile=0
	_t67_rc1_routes n
	get fw0 flag_writes "$EX/stats"
	get a0 absent "$EX/stats"
	usecs t0
	check "c example flush: a resync of rc1 flushes it (flush_net)" _t67_resync
	usecs t1
	get fw1 flag_writes "$EX/stats"
	get a1 absent "$EX/stats"
	diag "c example flush: resync of rc1 ($n routes): $((fw1 - fw0)) flag writes, absent $a0 -> $a1, $(((t1 - t0) / 1000)) ms"
	check "c example flush: every route of rc1 rewritten: flag cleared and set ($((fw1 - fw0)) >= 2 x $n)" \
		test $((fw1 - fw0)) -ge $((2 * n))
	check "c example flush: every route of rc1 was absent from the hardware ($a0 -> $a1, $n routes)" \
		test $((a1 - a0)) -eq "$n"
	snap t67-flush "$EX"
	judge t67-flush "c example flush: equals the kernel, paths and flags per route" \
		c_example_reconciled $ALLNS
	judge t67-flush "c example flush: stats say reconcile 0 and no mark" \
		lines_match rfn_c_example stats '^reconcile 0$' stats '^marks 0$'
	check "c example flush: unloads" rmmod rfn_c_example
}

# Loads the example while namespaces churn until its registration was
# retried (the module's `flushes`: a try found one changed), at most 10
# loads (one that fails, EBUSY, is tried again).
_t67_load_retried() {
	local k f0 f1
	for ((k = 1; k <= 10; k++)); do
		get f0 flushes "$RFN/stats"
		if insmod "$ex_ko" 2>/dev/null; then
			get f1 flushes "$RFN/stats"
			[ "$f1" -gt "$f0" ] && return 0
			rmmod rfn_c_example
		fi
	done
	return 1
}

cexr_register() {
	plan 7
	local a s
	churn_start rc1 67 20
	churn_start ns1 1 10
	churn_start ns2 2 10
	check "c example register: a registration under churn was retried and succeeded" _t67_load_retried
	check "c example register: the churn stopped" churn_stop
	check "c example register: no resync left" resyncs_done
	get s sweeps "$EX/stats"
	get a absent "$EX/stats"
	diag "c example register: $s sweeps, absent $a"
	check "c example register: the retry reconciled rc1 (a sweep ran)" test "$s" -gt 0
	check "c example register: no route absent from the hardware" test "$a" -eq 0
	snap t67-register "$EX"
	judge t67-register "c example register: equals the kernel, paths and flags per route" \
		c_example_reconciled $ALLNS
	check "c example register: unloads" rmmod rfn_c_example
}

cexr_siblings() {
	plan 12
	local rc fw0 fw1 sw0 sw1 a0 a1 r0
	check "c example reconcile siblings: loads" insmod "$ex_ko"
	get fw0 flag_writes "$EX/stats"
	get sw0 swept "$EX/stats"
	get a0 absent "$EX/stats"
	get r0 resyncs "$EX/stats"
	failslab_ip -n rc1 -batch - <<EOF
route del 2001:db8:6701:1::/64 via 2001:db8:67::2
route del 172.16.0.5/32 table 300
route del 2001:db8:6700:5::/64
EOF
	rc=$?
	check "c example reconcile siblings: deletes it cannot queue succeed" test $rc -eq 0
	check "c example reconcile siblings: it asks for a resync" wait_for 60 _t67_more resyncs "$r0"
	check "c example reconcile siblings: the resync is done" resyncs_done
	get fw1 flag_writes "$EX/stats"
	get sw1 swept "$EX/stats"
	get a1 absent "$EX/stats"
	diag "c example reconcile siblings: $((fw1 - fw0)) flag writes, swept $sw0 -> $sw1, absent $a0 -> $a1"
	check "c example reconcile siblings: the two gone routes swept ($sw0 -> $sw1)" test $((sw1 - sw0)) -ge 2
	check "c example reconcile siblings: flag writes only for the gone path and routes ($((fw1 - fw0)) <= 3)" \
		test $((fw1 - fw0)) -le 3
	check "c example reconcile siblings: no route absent from the hardware" test "$a1" -eq "$a0"
	snap t67-sib "$EX"
	judge t67-sib "c example reconcile siblings: equals the kernel, one path left of 2001:db8:6701:1::/64, flags per route" \
		c_example_reconciled $ALLNS
	judge t67-sib "c example reconcile siblings: holds neither gone route" \
		holds_none_of rfn_c_example rc1 172.16.0.5/32 2001:db8:6700:5::/64
	# The path again, live, then a resync: two paths, none doubled.
	ip -n rc1 route append 2001:db8:6701:1::/64 via 2001:db8:67::2
	check "c example reconcile siblings: a resync after the path is appended again" _t67_resync
	snap t67-sib2 "$EX"
	judge t67-sib2 "c example reconcile siblings: two paths again, none doubled, flags per route" \
		c_example_reconciled $ALLNS
	check "c example reconcile siblings: unloads" rmmod rfn_c_example
}
