# SPDX-License-Identifier: GPL-2.0
# Guest test helpers: KTAP results, namespaces with routes, debugfs access.
# Sourced by tests/guest/run.sh; every test file shares one numbering.

RFN=/sys/kernel/debug/rust_fib_notifier
PROBE=$RFN/probe
GUEST_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
FIBVIEW="python3 $GUEST_DIR/fibview.py"
: "${KTAP_RESULTS:?}"
ktap_n=${ktap_n:-0}

ok() {
	ktap_n=$((ktap_n + 1))
	echo "ok $ktap_n $*" | tee -a "$KTAP_RESULTS"
}

not_ok() {
	ktap_n=$((ktap_n + 1))
	echo "not ok $ktap_n $*" | tee -a "$KTAP_RESULTS"
}

# check NAME COMMAND...: one KTAP result from a command's status.
check() {
	local name=$1
	shift
	if "$@"; then ok "$name"; else not_ok "$name"; fi
}

diag() {
	echo "# $*" | tee -a "$KTAP_RESULTS"
}

# stat NAME [FILE]: one value from a `key value` stats file.
stat_of() {
	awk -v k="$1" '$1 == k { print $2 }' "${2:-$PROBE/stats}"
}

# make_ns NAME INDEX: a namespace with IPv4 and IPv6 routes in three
# tables, a multipath route, and rules.
make_ns() {
	local ns=$1 i=$2
	ip netns add "$ns"
	ip -n "$ns" link set lo up
	ip -n "$ns" link add d0 type dummy
	ip -n "$ns" link add d1 type dummy
	ip -n "$ns" link set d0 up
	ip -n "$ns" link set d1 up
	ip -n "$ns" addr add "10.$i.0.1/24" dev d0
	ip -n "$ns" addr add "10.$i.1.1/24" dev d1
	ip -n "$ns" -6 addr add "2001:db8:$i::1/64" dev d0 nodad
	ip -n "$ns" -6 addr add "2001:db8:$i:1::1/64" dev d1 nodad
	ip -n "$ns" route add "198.51.$i.0/24" via "10.$i.0.2"
	ip -n "$ns" route add "203.0.$i.0/24" nexthop via "10.$i.0.2" nexthop via "10.$i.1.2"
	ip -n "$ns" route add default via "10.$i.0.2" table 100
	ip -n "$ns" route add "192.0.2.0/24" via "10.$i.1.2" table 200
	ip -n "$ns" route add blackhole "192.0.3.0/24" table 200
	ip -n "$ns" -6 route add "2001:db8:ff$i::/48" via "2001:db8:$i::2"
	ip -n "$ns" -6 route add "2001:db8:fe$i::/48" nexthop via "2001:db8:$i::2" \
		nexthop via "2001:db8:$i:1::2"
	ip -n "$ns" -6 route add default via "2001:db8:$i::2" table 100
	ip -n "$ns" -6 route add "2001:db8:fd$i::/48" via "2001:db8:$i:1::2" table 200
	ip -n "$ns" rule add from "10.$i.0.0/16" table 100 pref 1000
	ip -n "$ns" rule add to 192.0.2.0/24 table 200 pref 1001
	ip -n "$ns" -6 rule add from "2001:db8:$i::/48" table 100 pref 1000
}

attach() {
	echo 1 >"$PROBE/attach"
}

detach() {
	echo 0 >"$PROBE/attach"
}

# churn NS I [N]: until SIGTERM, replace N IPv4 routes (table 200, the two
# gateways in turn) and N IPv6 routes of namespace NS (made by make_ns NS I),
# then delete about half of them, and again. SIGTERM ends it after the
# batch in flight, so once `wait` returns nothing changes any more.
churn() {
	local ns=$1 i=$2 n=${3:-20} batch=/tmp/churn-$1 j stop=0
	trap 'stop=1' TERM
	while [ $stop = 0 ]; do
		for j in $(seq 1 "$n"); do
			echo "route replace 100.$i.$j.0/24 via 10.$i.0.2 table 200"
			echo "-6 route replace 2001:db8:c$i:$j::/64 via 2001:db8:$i::2"
			echo "route replace 100.$i.$j.0/24 via 10.$i.1.2 table 200"
		done >"$batch"
		ip -n "$ns" -batch "$batch" 2>/dev/null
		for j in $(seq 1 "$n" | shuf | head -$((n / 2 + 1))); do
			echo "route del 100.$i.$j.0/24 table 200"
			echo "-6 route del 2001:db8:c$i:$j::/64"
		done | ip -n "$ns" -batch - 2>/dev/null
	done
}
