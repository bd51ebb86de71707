# SPDX-License-Identifier: GPL-2.0
# Churn generators: route and nexthop changes in the background, every
# prefix and id new (a listener that missed an event stays wrong), ended by
# churn_stop.  Both take a namespace made by make_ns (netns.sh).

# churn NS I [N]: until SIGTERM, in namespace NS (made by make_ns NS I),
# rounds of: add N new IPv4 routes (table 200, /32) and N new IPv6 routes,
# each with a prefix never used before (a counter kept in $CHURN_DIR/NS.next
# across churns, with the round and the two before), delete half of the previous
# round's and the rest of the round before.  Every prefix is added once and deleted at most once, so a
# listener that missed an event stays wrong: nothing heals it later; and no
# prefix lives more than two rounds, so the tables stay small.  SIGTERM ends
# it after the batch in flight, so once `wait` returns nothing changes any
# more.  Rounds are counted in $CHURN_DIR/NS; a batch that fails ends the
# churn with status 1 and says why.
churn() {
	local ns=$1 i=$2 n=${3:-20} j k s stop=0 round=0 next=0 prev=-1 prev2=-1 pn
	trap 'stop=1' TERM
	read -r next prev prev2 round pn 2>/dev/null <"$CHURN_DIR/$ns.next" ||
		next=0 prev=-1 prev2=-1 round=0
	# Rounds of another size: what they left stays (its prefixes are
	# never used again); this churn deletes only what it added.
	[ "${pn:-$n}" = "$n" ] || prev=-1 prev2=-1
	local rounds=0
	echo 0 >"$CHURN_DIR/$ns"
	while [ $stop = 0 ]; do
		round=$((round + 1))
		{
			for ((j = 0; j < n; j++)); do
				k=$((next + j))
				printf 'route add 100.%d.%d.%d/32 via 10.%d.0.2 table 200\n' "$i" $((k / 256)) $((k % 256)) "$i"
				printf 'route add 2001:db8:c%d:%x::/64 via 2001:db8:%d::2\n' "$i" "$k" "$i"
			done
			# Half of the previous round's (this round's parity), and
			# what the previous round left of the one before (the
			# same parity).
			for s in $prev $prev2; do
				[ "$s" -ge 0 ] || continue
				for ((j = round % 2; j < n; j += 2)); do
					k=$((s + j))
					printf 'route del 100.%d.%d.%d/32 table 200\n' "$i" $((k / 256)) $((k % 256))
					printf 'route del 2001:db8:c%d:%x::/64\n' "$i" "$k"
				done
			done
		} | ipb "$ns" || return 1
		prev2=$prev prev=$next next=$((next + n))
		echo "$next $prev $prev2 $round $n" >"$CHURN_DIR/$ns.next"
		rounds=$((rounds + 1))
		echo "$rounds" >"$CHURN_DIR/$ns"
	done
	return 0
}

# churn_start NS I [N]: churn in the background.
# churn_stop: wait until every churn started has done a round (a churn
# that never ran must not pass for one), end them, and fail if one failed.
CHURN_PIDS=()
CHURN_NS=()
churn_start() {
	# No round yet (a builtin: rm is a process).
	echo 0 >"$CHURN_DIR/$1"
	churn "$@" &
	CHURN_PIDS+=($!)
	CHURN_NS+=("$1")
}
_churned() { local r; read -r r 2>/dev/null <"$CHURN_DIR/$1" && [ "$r" -gt 0 ]; }
churn_stop() {
	local p ns rc=0
	for ns in "${CHURN_NS[@]}"; do
		wait_for 120 _churned "$ns" || { diag "churn in $ns did not complete a round"; rc=1; }
	done
	kill "${CHURN_PIDS[@]}" 2>/dev/null
	for p in "${CHURN_PIDS[@]}"; do wait "$p" || rc=1; done
	CHURN_PIDS=()
	CHURN_NS=()
	return $rc
}

# nh_churn NS I: until SIGTERM, in namespace NS (links d0 and d1 with
# 10.I.0.1/24, 10.I.1.1/24, 2001:db8:I::1/64 and 2001:db8:I:1::1/64, as
# make_ns makes them), rounds of nexthop objects and routes using them,
# one `ip -batch` each.  Round k (a counter kept in $CHURN_DIR/NS.nhnext
# across churns, with the two rounds before) uses ids 1000 + 10k + 0..7:
#  * adds IPv4 nexthops A, B and IPv6 C, D, hash-threshold groups G4 = A/B
#    and G6 = C/D, resilient groups R4 = A/B and R6 = C/D (4 buckets, idle
#    timer 0: buckets move at once), and a route via each of G4 (table
#    200), R4, A, G6, C and R6 (prefixes 100.64-66.k/32, 2001:db8:7jI:k::/64);
#  * replaces the previous round's A (another gateway), G4 and G6 (one
#    member left), R4 (B alone: buckets move) and deletes its route via A;
#  * deletes every object of the round before, groups first: the kernel
#    deletes the routes using them.
# Every id and prefix is added once, replaced at most once and deleted at
# most once, so a listener that missed an event stays wrong; no object
# lives more than three rounds.  SIGTERM ends it after the batch in
# flight.  Rounds are counted in $CHURN_DIR/NS.nh (churn_stop waits for
# one); a batch that fails ends it with status 1 and says why.
nh_churn() {
	local ns=$1 i=$2 stop=0 k=0 prev=-1 prev2=-1 b j rounds=0
	trap 'stop=1' TERM
	read -r k prev prev2 2>/dev/null <"$CHURN_DIR/$ns.nhnext" || k=0 prev=-1 prev2=-1
	echo 0 >"$CHURN_DIR/$ns.nh"
	while [ $stop = 0 ]; do
		{
			b=$((1000 + 10 * k))
			printf 'nexthop add id %d via 10.%d.0.2 dev d0\n' $b "$i"
			printf 'nexthop add id %d via 10.%d.1.2 dev d1\n' $((b + 1)) "$i"
			printf 'nexthop add id %d via 2001:db8:%d::2 dev d0\n' $((b + 2)) "$i"
			printf 'nexthop add id %d via 2001:db8:%d:1::2 dev d1\n' $((b + 3)) "$i"
			printf 'nexthop add id %d group %d/%d\n' $((b + 4)) $b $((b + 1))
			printf 'nexthop add id %d group %d/%d\n' $((b + 5)) $((b + 2)) $((b + 3))
			printf 'nexthop add id %d group %d/%d type resilient buckets 4 idle_timer 0\n' \
				$((b + 6)) $b $((b + 1))
			printf 'nexthop add id %d group %d/%d type resilient buckets 4 idle_timer 0\n' \
				$((b + 7)) $((b + 2)) $((b + 3))
			printf 'route add 100.64.%d.%d/32 nhid %d table 200\n' $((k / 256)) $((k % 256)) $((b + 4))
			printf 'route add 100.65.%d.%d/32 nhid %d\n' $((k / 256)) $((k % 256)) $((b + 6))
			printf 'route add 100.66.%d.%d/32 nhid %d\n' $((k / 256)) $((k % 256)) $b
			for j in 0 1 2; do
				printf 'route add 2001:db8:7%d%d:%x::/64 nhid %d\n' $j "$i" "$k" \
					$((b + (j == 0 ? 5 : j == 1 ? 2 : 7)))
			done
			if [ "$prev" -ge 0 ]; then
				b=$((1000 + 10 * prev))
				printf 'nexthop replace id %d via 10.%d.0.3 dev d0\n' $b "$i"
				printf 'nexthop replace id %d group %d\n' $((b + 4)) $b
				printf 'nexthop replace id %d group %d\n' $((b + 5)) $((b + 3))
				printf 'nexthop replace id %d group %d type resilient\n' $((b + 6)) $((b + 1))
				printf 'route del 100.66.%d.%d/32\n' $((prev / 256)) $((prev % 256))
			fi
			if [ "$prev2" -ge 0 ]; then
				b=$((1000 + 10 * prev2))
				for j in 4 5 6 7 0 1 2 3; do printf 'nexthop del id %d\n' $((b + j)); done
			fi
		} | ipb "$ns" || return 1
		prev2=$prev prev=$k k=$((k + 1))
		echo "$k $prev $prev2" >"$CHURN_DIR/$ns.nhnext"
		rounds=$((rounds + 1))
		echo "$rounds" >"$CHURN_DIR/$ns.nh"
	done
	return 0
}

# nh_churn_start NS I: nh_churn in the background; churn_stop ends it
# (with any churn_start's).
nh_churn_start() {
	echo 0 >"$CHURN_DIR/$1.nh"
	nh_churn "$@" &
	CHURN_PIDS+=($!)
	CHURN_NS+=("$1.nh")
}
