# SPDX-License-Identifier: GPL-2.0
# IPv6 routes that expire, judged per route against the kernel: the
# kernel notifies only the first route of a prefix, so when the garbage
# collector deletes an expired first route it notifies the next one as a
# REPLACE (fib6_del_route()), and a listener must then hold that one, not
# keep the deleted route.  Router advertisements (NET_RX softirq) out of
# r0 reach r1 and, looped back, r0: two metric-256 prefix routes per
# prefix, refreshed or made again by a second advertisement, then expired;
# and a multipath route under an expiring better one.  The probe and the
# mock switchdev attached; the GC forced with net.ipv6.route.flush, so no
# deletion is left for a timer between the listeners' reads and the
# kernel's.
ALL_TESTS="ra_two_links expiry_exposes_multipath"

NS=ra1

setup() {
	ip netns add $NS || return 1
	ipb $NS <<EOT || return 1
link set lo up
link add r0 type veth peer name r1
link add d0 type dummy
link add d1 type dummy
link set d0 up
link set d1 up
addr add 2001:db8:42::1/64 dev d0 nodad
addr add 2001:db8:42:1::1/64 dev d1 nodad
EOT
	ip netns exec $NS sh -c 'for d in r0 r1; do echo 0 > /proc/sys/net/ipv6/conf/$d/accept_dad; done; echo 1 > /proc/sys/net/ipv6/route/gc_interval' ||
		return 1
	ip -n $NS link set r0 up && ip -n $NS link set r1 up || return 1
	R0=$(ip netns exec $NS cat /sys/class/net/r0/ifindex) || return 1
	listeners_on
}

cleanup() {
	listeners_off
	ip netns del $NS
}

# ra J VALID: a router advertisement out of r0: on-link prefix
# 2001:db8:99:J::/64, valid VALID s, not a default router
# (tests/stress/nl.py's, as the stress run sends them).
ra() {
	python3 -c "import sys; sys.path.insert(0, '$GUEST_DIR/../stress'); import nl; nl.router_advert('/run/netns/$NS', 'r0', $R0, 0, '2001:db8:99:$1::/64', $2)"
}

# gc_done PREFIX...: the GC ran now (forced: the second write of the
# flush sysctl is) and the kernel has no route to any PREFIX.
gc_done() {
	local p
	ip netns exec $NS sh -c 'echo 1 > /proc/sys/net/ipv6/route/flush; echo 1 > /proc/sys/net/ipv6/route/flush'
	for p; do
		[ -z "$(ip -n $NS -6 route show table all "$p")" ] || return 1
	done
}

# holds_none LISTENER_DIR PREFIX: no line of the listener's routes is of
# PREFIX.
holds_none() {
	local l lines
	mapfile -t lines <"$1/routes"
	for l in "${lines[@]}"; do [[ $l == *" $2 "* ]] && return 1; done
	return 0
}

# probe_holds PREFIX METRIC DEV: the probe holds PREFIX (main table) as
# the route of metric METRIC on device DEV of the namespace.
probe_holds() {
	local l lines ifindex
	ifindex=$(ip netns exec $NS cat "/sys/class/net/$3/ifindex") || return 1
	mapfile -t lines <"$PROBE/routes"
	for l in "${lines[@]}"; do
		[[ $l == *" 6 254 $1 "* ]] || continue
		[[ $l == *" metric $2 "*" dev $ifindex"* ]] && return 0
		diag "probe: $l"
		return 1
	done
	diag "probe: nothing of $1; the kernel: $(ip -n $NS -6 route show "$1" | tr '\n' '|')"
	return 1
}

# static_behind PREFIX: once the kernel has the two advertised routes to
# PREFIX, a static route of their metric on d0 goes behind them (`append`:
# `add` refuses a second route of the same prefix and metric).
_two_routes() { [ "$(ip -n $NS -6 route show "$1" | wc -l)" = 2 ]; }
static_behind() {
	wait_for 20 _two_routes "$1" && ip -n $NS -6 route append "$1" dev d0 metric 256
}

# _only_static PREFIX: the GC ran now and the kernel's one route to
# PREFIX is the static one on d0.
_only_static() {
	local lines
	gc_done
	mapfile -t lines < <(ip -n $NS -6 route show "$1")
	[ ${#lines[@]} = 1 ] && [[ ${lines[0]} == "$1 dev d0 metric 256 "* ]]
}

# Each advertisement gives the prefix a route on r1 and one on r0, first
# the one whose advertisement was handled first; the second advertisement
# comes 0.4 to 1.8 s after the first (valid 1 s): it refreshes them, or
# makes them again after the GC deleted them, or races the GC.  Then a
# static route of the same metric on d0 goes after them (not notified: not
# first).  The GC deletes the routes it can expire newest first: the
# second one silently, then the first, which it notifies by the static
# route as REPLACE; the listeners must hold that one, per route.  Its
# delete leaves the prefix empty: no listener holds anything of it.
ra_two_links() {
	local j d delays=(4 7 10 13 16 18) p
	plan $((5 * ${#delays[@]} + 5))
	for ((j = 1; j <= ${#delays[@]}; j++)); do
		d=${delays[j - 1]}
		# As the kernel prints it (no :0: to compress).
		p=2001:db8:99:$j::/64
		ra $j 1
		nap "$((d / 10)).$((d % 10))"
		ra $j 5
		check "ra $p: a static route appended behind the two advertised ones" static_behind $p
		check "ra $p (second after $((d / 10)).$((d % 10)) s): the advertised routes expired, the static one is left" \
			wait_for 30 _only_static $p
		check "ra $p: the probe holds the static one, next in line" probe_holds $p 256 d0
		ip -n $NS -6 route del $p dev d0 metric 256
		check "ra $p: deleted, the probe holds nothing of it" holds_none "$PROBE" $p
		check "ra $p: the mock switchdev holds nothing of it either" holds_none "$MOCK" $p
	done
	# Two prefixes held while the snapshot is taken (valid 30 s).
	ra 10 30
	ra 11 30
	check "ra: the kernel has routes on r0 and r1 for each of two prefixes" \
		wait_for 20 eval '[ "$(ip -n $NS -6 route show 2001:db8:99:10::/64 | wc -l)" = 2 ] && [ "$(ip -n $NS -6 route show 2001:db8:99:11::/64 | wc -l)" = 2 ]'
	snap ra "$PROBE" "$MOCK"
	judge ra "ra: the probe holds the kernel's first route of each prefix (metric, device)" \
		compare_paths probe $NS
	judge ra "ra: the mock switchdev equals the kernel" compare_paths mock_switchdev $NS
	judge ra "ra: the mock flags the first route of each prefix, and only it" \
		mock_flags $NS
	ra 10 0
	ra 11 0
	check "ra: withdrawn (valid 0): the kernel, the probe and the mock hold none of them" \
		wait_for 30 eval 'gc_done 2001:db8:99:10::/64 2001:db8:99:11::/64 && holds_none "$PROBE" 2001:db8:99:10::/64 && holds_none "$PROBE" 2001:db8:99:11::/64 && holds_none "$MOCK" 2001:db8:99:10::/64 && holds_none "$MOCK" 2001:db8:99:11::/64'
}

# The GC ran now, and table 200 has no metric-10 route left.
_singles_gone() {
	local l lines
	gc_done || return 1
	mapfile -t lines < <(ip -n $NS -6 route show table 200)
	for l in "${lines[@]}"; do [[ $l == *" metric 10 "* ]] && return 1; done
	return 0
}

# A multipath route (metric 20) under a better single one (metric 10)
# that expires: the GC deletes the single route and notifies the
# multipath route, both paths, as REPLACE; the listeners hold it.
expiry_exposes_multipath() {
	plan 5
	local j
	for ((j = 1; j <= 3; j++)); do
		echo "route add 2001:db8:142:$j::/64 table 200 metric 20 nexthop via 2001:db8:42::2 dev d0 nexthop via 2001:db8:42:1::2 dev d1"
		echo "route replace 2001:db8:142:$j::/64 table 200 metric 10 via 2001:db8:42:1::3 dev d1 expires $((j + 5))"
	done | ipb $NS
	snap expiry-before "$PROBE" "$MOCK"
	judge expiry-before "expiry: before, the probe holds the better single routes" \
		compare_paths probe $NS
	nap 9
	check "expiry: the GC deleted the three single routes" wait_for 30 _singles_gone
	snap expiry "$PROBE" "$MOCK"
	judge expiry "expiry: the probe holds each multipath route, both paths (per route)" \
		compare_paths probe $NS
	judge expiry "expiry: the mock switchdev holds them, both paths" compare_paths mock_switchdev $NS
	judge expiry "expiry: the mock flags the first route of each prefix, and only it" \
		mock_flags $NS
}
