# SPDX-License-Identifier: GPL-2.0
# Registrations per family: a listener registered for some families (the
# probe's `families` knob) is replayed and sent only those, and only their
# changes make its registration try again.  In fam9, with 2000 IPv4 routes
# to replay, IPv6 routes and nexthop objects churn while the probe attaches
# again and again: registered for IPv4 alone it never retries and holds
# nothing but the kernel's IPv4 routes; registered for every family, the
# same churn makes it retry (the churn does hit the replays).
ALL_TESTS="ipv4_only_ignores_other_families every_family_retries"

# v6_nh_churn NS I: until $CHURN_DIR/NS.stop exists, IPv6 routes and
# nexthop objects added and deleted in NS (made by make_ns NS I), as fast as
# one `ip -batch` takes them (a single process fed by a loop of builtins:
# a change every few milliseconds, so the churn lands in every replay); no
# IPv4 route changes.  Each round adds a route and an object never used
# before (the next number is kept in $CHURN_DIR/NS.v6next across churns)
# and deletes the previous round's.  Rounds are counted in $CHURN_DIR/NS.v6.
v6_nh_churn() {
	local ns=$1 i=$2
	rm -f "$CHURN_DIR/$ns.stop"
	_v6_nh_lines "$ns" "$i" | ipb "$ns"
}

_v6_nh_lines() {
	local ns=$1 i=$2 k=0 prev=-1 rounds=0
	read -r k 2>/dev/null <"$CHURN_DIR/$ns.v6next" || k=0
	echo 0 >"$CHURN_DIR/$ns.v6"
	while [ ! -e "$CHURN_DIR/$ns.stop" ]; do
		printf 'route add 2001:db8:e%d:%x::/64 via 2001:db8:%d::2\n' "$i" "$k" "$i"
		printf 'nexthop add id %d via 2001:db8:%d:1::2 dev d1\n' $((5000 + k)) "$i"
		if [ $prev -ge 0 ]; then
			printf 'route del 2001:db8:e%d:%x::/64\n' "$i" $prev
			printf 'nexthop del id %d\n' $((5000 + prev))
		fi
		prev=$k k=$((k + 1))
		echo "$k" >"$CHURN_DIR/$ns.v6next"
		rounds=$((rounds + 1))
		echo "$rounds" >"$CHURN_DIR/$ns.v6"
	done
}

setup() {
	check "families: namespace fam9 with 2000 more IPv4 routes" make_ns fam9 9
	rm -f "$CHURN_DIR/fam9.v6next"
	local j
	for ((j = 0; j < 2000; j++)); do
		printf 'route add 100.9.%d.%d/32 via 10.9.0.2 table 300\n' $((j / 256)) $((j % 256))
	done | ipb fam9
	detach
	echo "$(ns_inode_of fam9)" >"$PROBE/netns"
}

cleanup() {
	detach
	echo 0 >"$PROBE/netns"
	echo 63 >"$PROBE/families"
	ip netns del fam9
}

ns_inode_of() {
	local v
	ns_inode v "$1"
	printf '%s\n' "$v"
}

# attach_under_churn FAMILIES: the probe, registered for FAMILIES, attached
# and detached 6 times while v6_nh_churn runs in fam9 (the last attach
# stays, for 600 more rounds of churn, more than the pipe to ip holds); TRIES and FLUSHES := the
# registrations' tries and inconsistent tries, LIVE := the live events the
# probe got during those rounds.
attach_under_churn() {
	local t0 f0 t1 f1 l0 l1 n r pid
	echo "$1" >"$PROBE/families"
	v6_nh_churn fam9 9 &
	pid=$!
	CHURN_AT=1 CHURN_WAITED=1
	wait_for 60 _v6_churned || CHURN_WAITED=0
	get t0 tries "$RFN/stats"
	get f0 flushes "$RFN/stats"
	for ((n = 0; n < 6; n++)); do
		detach
		attach
	done
	get t1 tries "$RFN/stats"
	get f1 flushes "$RFN/stats"
	get l0 live "$PROBE/stats"
	read -r r <"$CHURN_DIR/fam9.v6"
	CHURN_AT=$((r + 600))
	wait_for 60 _v6_churned || CHURN_WAITED=0
	get l1 live "$PROBE/stats"
	: >"$CHURN_DIR/fam9.stop"
	wait "$pid"
	CHURN_RC=$?
	TRIES=$((t1 - t0)) FLUSHES=$((f1 - f0)) LIVE=$((l1 - l0))
}

# Whether the churn has done CHURN_AT rounds.
_v6_churned() {
	local r
	read -r r 2>/dev/null <"$CHURN_DIR/fam9.v6" && [ "$r" -ge "$CHURN_AT" ]
}

ipv4_only_ignores_other_families() {
	plan 4
	attach_under_churn 1
	check "families: the IPv6 and nexthop churn ran, before and after the attaches" \
		test "$CHURN_RC" = 0 -a "$CHURN_WAITED" = 1
	check "families: IPv4 only: 6 registrations, 6 tries, no retry ($TRIES tries, $FLUSHES retries)" \
		test "$TRIES" = 6 -a "$FLUSHES" = 0
	SNAP_NS=fam9 snap families-v4 "$PROBE"
	judge families-v4 "families: IPv4 only: the probe holds the kernel's IPv4 routes, no IPv6 route, rule or nexthop object" \
		compare_families probe 1 fam9
	check "families: IPv4 only: 600 rounds of churn sent it no live event ($LIVE)" \
		test "$LIVE" = 0
}

every_family_retries() {
	plan 2
	attach_under_churn 15
	check "families: the IPv6 and nexthop churn ran, before and after the attaches" \
		test "$CHURN_RC" = 0 -a "$CHURN_WAITED" = 1
	# Some of these registrations may even give up (EBUSY): the churn is
	# that fast.  Only that it makes them try again matters here.
	check "families: every family: the same churn makes registrations retry ($TRIES tries, $FLUSHES retries)" \
		test "$FLUSHES" -gt 0
}
