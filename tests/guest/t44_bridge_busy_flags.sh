# SPDX-License-Identifier: GPL-2.0
# A namespace whose bridge fails to attach after the kernel's replay was
# forwarded (fault_bridge_busy: every attachment fails) lives on: listeners
# are told to forget it by RUST_FIB_EVENT_NETNS_EXIT with net_lives set,
# and must still find it by its cookie to clear the flags they set on its
# routes from the forwarded replay.  While every attachment fails, the
# mock holds nothing of it and none of its routes carries a flag; once it
# attaches, the mock holds and flags them.
ALL_TESTS="bridge_busy_flags"

setup() {
	detach
	attach
	echo 0 >"$MOCK/attach"
	echo 100000 >"$MOCK/capacity"
	echo 1 >"$MOCK/attach"
}

cleanup() {
	listeners_off
}

bridge_busy_flags() {
	plan 7
	local late0 lives1 ino flagged offloaded
	get late0 bridge_late "$RFN/stats"
	echo 1000 >"$RFN/fault_bridge_busy"
	check "bridge busy flags: ip netns add succeeds" ip netns add busy2
	ipb busy2 <<EOF2
link add d0 type dummy
link set d0 up
addr add 10.78.0.1/24 dev d0
addr add 2001:db8:78::1/64 dev d0 nodad
route add 198.18.78.0/24 via 10.78.0.2
route add 2001:db8:78:1::/64 via 2001:db8:78::2
EOF2
	get lives1 netns_lives
	# Two failed attachments that began after the routes were there.
	_forgot() { local n; get n netns_lives && [ "$n" -ge $((lives1 + 2)) ]; }
	check "bridge busy flags: listeners are told to forget the live namespace (net_lives)" \
		wait_for 60 _forgot
	read -r _ <"$MOCK/routes"
	ns_inode ino busy2
	check "bridge busy flags: the mock holds nothing of it" eval '! file_has_inode "$MOCK/routes" "$ino"'
	count_flags flagged busy2 route rt_offload rt_trap rt_offload_failed
	check "bridge busy flags: none of its routes carries a flag ($flagged do)" test "$flagged" -eq 0
	echo 0 >"$RFN/fault_bridge_busy"
	_late() { local n; get n bridge_late "$RFN/stats" && [ "$n" -gt "$late0" ]; }
	check "bridge busy flags: bridged once the fault is off" wait_for 90 _late
	read -r _ <"$MOCK/routes"
	count_flags offloaded busy2 route rt_offload
	check "bridge busy flags: then its two routes are offloaded ($offloaded)" test "$offloaded" -ge 2
	SNAP_NS=busy2 snap busy-flags "$PROBE"
	judge busy-flags "bridge busy flags: the probe equals the kernel in the namespace" compare probe busy2
	ip netns del busy2
}
