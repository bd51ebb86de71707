# SPDX-License-Identifier: GPL-2.0
# Vetoes with real routes: a veto during the replay of a late attach aborts
# the registration (the write fails, the listener is flushed and holds
# nothing, no flag is left, `aborted` counts it), and a live IPv6 add
# refused by the full mock switchdev.
ALL_TESTS="veto_in_replay veto_live_ipv6"

setup() {
	ns_setup ns1 ns2 ns3
	echo 0 >"$MOCK/attach"
}

cleanup() {
	echo 0 >"$MOCK/veto"
	echo 0 >"$MOCK/attach"
	echo 100000 >"$MOCK/capacity"
}

veto_in_replay() {
	plan 4
	local aborted0 aborted a
	get aborted0 aborted "$RFN/stats"
	echo 5 >"$MOCK/capacity"
	echo 1 >"$MOCK/veto"
	if echo 1 2>/dev/null >"$MOCK/attach"; then
		not_ok "veto in replay: attach with a full table fails"
	else
		ok "veto in replay: attach with a full table fails"
	fi
	get aborted aborted "$RFN/stats"
	check "veto in replay: counted as aborted" test "$aborted" -eq $((aborted0 + 1))
	read -r a <"$MOCK/attach"
	check "veto in replay: not attached" test "$a" = 0
	snap veto-replay "$MOCK"
	judge veto-replay "veto in replay: flushed: the mock holds nothing, no flag is left" \
		mock_empty init ns1 ns2 ns3
}

# A live IPv6 add, refused by a full table.
veto_live_ipv6() {
	plan 3
	local msg rc
	echo 0 >"$MOCK/veto"
	mock_full
	msg=$(ip -n ns1 route add 2001:db8:ee::/48 via 2001:db8:1::2 2>&1)
	rc=$?
	diag "veto: ip -6 route add said: $msg"
	check "veto: a full table refuses an IPv6 add" test $rc -ne 0
	check "veto: with the extack message" test "${msg/*hardware route table is full*/yes}" = yes
	check "veto: the IPv6 route is not in the kernel" test -z "$(ip -n ns1 -6 route show 2001:db8:ee::/48)"
}
