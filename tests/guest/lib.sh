# SPDX-License-Identifier: GPL-2.0
# Guest test helpers.  Sourced by tests/guest/run.sh.
#
# The guest acts and collects; the host judges (tests/judge.py).  Every
# process started in the guest costs 0.1-0.4 s under TCG with KASAN and
# lockdep (the host's userspace over 9p), Python far more, and every
# write(2) to OUT (the 9p share) is a round trip to the host, so:
#
#  * the helpers here use shell builtins only (no awk, grep, seq, sleep in
#    loops);
#  * kernel state is saved, not compared, in the guest: `snap` writes the
#    `ip -j` view of every namespace (one `ip -batch` per namespace and
#    family, all at once) and the listeners' debugfs files (read with
#    builtins) into OUT/snap/, through a file on tmpfs and one `cp`;
#  * `judge` records a check for the host to evaluate on a snapshot, as a
#    Python expression over the helpers of tests/judge.py.
#
# Results go to $RESULTS, one line each (the host turns them into KTAP):
#   file NAME           a test file starts          plan N   its result count
#   ok NAME / not ok NAME                           # TEXT   a diagnostic
#   judge ID<TAB>NAME<TAB>EXPR                      end NAME SECONDS

RFN=/sys/kernel/debug/rust_fib_notifier
PROBE=$RFN/probe
MOCK=$RFN/mock_switchdev
GUEST_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
. "$GUEST_DIR/builtins.sh"
# get's file when none is named: the probe's statistics.
GET_FILE=$PROBE/stats
CHURN_DIR=/tmp/churn
mkdir -p "$CHURN_DIR"
: "${RESULTS:?}" "${SNAPS:?}"

# Each line is also timed (guest.results.times: seconds since the epoch and
# the line), so the host can name the slowest steps.
emit() {
	local line="$*"
	printf '%s\n' "$line" >>"$RESULTS"
	printf '%s %s\n' "$EPOCHREALTIME" "${line:0:100}" >>"$RESULTS.times"
}
plan() { emit "plan $1"; }
ok() { emit "ok $*"; }
not_ok() { emit "not ok $*"; }
diag() {
	local t="$*"
	emit "# ${t//$'\n'/ | }"
}

# check NAME COMMAND...: one result from a command's status.
check() {
	local name=$1
	shift
	if "$@"; then ok "$name"; else not_ok "$name"; fi
}

# judge SNAP NAME EXPR: one result, decided on the host (tests/judge.py).
# note SNAP EXPR: a diagnostic line, EXPR's value on the host.
# An EXPR may span lines (a results line each: newlines become spaces).
judge() {
	emit "judge $1"$'\t'"$2"$'\t'"${3//$'\n'/ }"
}
note() {
	emit "note $1"$'\t'"${2//$'\n'/ }"
}

# file_has_inode FILE INODE: a line of FILE starts with INODE (a listener
# still holds something of that namespace).
file_has_inode() {
	local l lines
	mapfile -t lines <"$1"
	for l in "${lines[@]}"; do
		[ "${l%%[[:space:]]*}" = "$2" ] && return 0
	done
	return 1
}

# stat_of KEY [FILE]: print it (a subshell; prefer get in loops).
stat_of() {
	local v
	get v "$@"
	printf '%s\n' "$v"
}

# ns_inode VAR NS: VAR := the namespace's inode number.
ns_inode() {
	local path=/run/netns/$2
	[ "$2" = init ] && path=/proc/1/ns/net
	local l
	l=$(stat -L -c %i "$path") || return 1
	printf -v "$1" '%s' "$l"
}

# ipb NS: run ip -batch on stdin in namespace NS.  ip stops at the first
# failing line; that fails the helper and, whether or not the caller checks
# it, the test file: an extra failing result (its plan no longer matches).
# Lines carry no -4/-6 (iproute2 6.1 rejects them in a batch): ip infers
# the family from the addresses.
ipb() {
	local ns=$1
	shift
	if ! ip -n "$ns" "$@" -batch -; then
		not_ok "ip -n $ns -batch: a line failed, the rest did not run (output.log)"
		return 1
	fi
}

# make_ns NAME INDEX: a namespace with IPv4 and IPv6 routes in three
# tables, multipath routes, and rules; three processes.
make_ns() {
	local ns=$1 i=$2
	ip netns add "$ns" || return 1
	# A new namespace starts the churn's numbering afresh.
	printf '0 -1 -1 0\n' >"$CHURN_DIR/$ns.next"
	ipb "$ns" <<EOF
link set lo up
link add d0 type dummy
link add d1 type dummy
link set d0 up
link set d1 up
addr add 10.$i.0.1/24 dev d0
addr add 10.$i.1.1/24 dev d1
addr add 2001:db8:$i::1/64 dev d0 nodad
addr add 2001:db8:$i:1::1/64 dev d1 nodad
route add 198.51.$i.0/24 via 10.$i.0.2
route add 203.0.$i.0/24 nexthop via 10.$i.0.2 nexthop via 10.$i.1.2
route add default via 10.$i.0.2 table 100
route add 192.0.2.0/24 via 10.$i.1.2 table 200
route add blackhole 192.0.3.0/24 table 200
route add 2001:db8:ff$i::/48 via 2001:db8:$i::2
route add 2001:db8:fe$i::/48 nexthop via 2001:db8:$i::2 nexthop via 2001:db8:$i:1::2
route add ::/0 via 2001:db8:$i::2 table 100
route add 2001:db8:fd$i::/48 via 2001:db8:$i:1::2 table 200
rule add from 10.$i.0.0/16 table 100 pref 1000
rule add to 192.0.2.0/24 table 200 pref 1001
EOF
	# `ip rule` takes its family from the command line, not the prefix.
	ip -n "$ns" -6 rule add from "2001:db8:$i::/48" table 100 pref 1000
}

# namespaces: the names under /run/netns, into the array NAMESPACES.
namespaces() {
	local p
	NAMESPACES=()
	for p in /run/netns/*; do
		[ -e "$p" ] && NAMESPACES+=("${p##*/}")
	done
}

# snap ID [DEBUGFS_DIR...]: save for the host, in OUT/snap/ID, the listed
# listeners' debugfs files (read first: reading a mock switchdev's `routes`
# runs its queue dry, so the flags below are final), then every namespace's
# inode and `ip -j` routes (all tables, both families), IPv4 rules, nexthop
# objects and resilient groups' buckets (both families), and links: one
# `ip -batch` per namespace; IPv6 rules (`ip rule` takes its
# family from the command line) need a second one, taken only when a
# listener that holds rules is saved.
#
# The `ip` processes run at once, one per namespace and family, each into a
# file of its own under tmpfs, gathered in order when all are done: a
# process costs far more to start than to dump, and the guest has two CPUs
# (a snapshot of 4 namespaces took 3.4 s one after the other).  The
# debugfs files are read with builtins (show_files), not `tail`.  The
# snapshot is put together on tmpfs and copied to the 9p share by one `cp`
# (large writes: every write(2) to the share is a round trip to the host).
#
# SNAP_NS='NS...': dump only those namespaces' `ip` state; SNAP_BASE=ID:
# take every other namespace's from snapshot ID (for namespaces known not
# to have changed since: many quiet ones, snapshotted once).
SNAP_TMP=/tmp/rfn-snap
mkdir -p "$SNAP_TMP"
printf 'route show table all\nrule show\nnexthop show\nnexthop bucket show\nlink show\n' >"$SNAP_TMP/batch.4"
printf 'rule show\n' >"$SNAP_TMP/batch.6"
snap() {
	local id=$1 ns files=() d fam=(4) dump jobs=() j pid lines
	shift
	namespaces
	for d in "$@"; do
		files+=("$d"/*)
		[ -e "$d/rules" ] && fam=(4 6)
	done
	dump=(init "${NAMESPACES[@]}")
	[ -n "${SNAP_NS:-}" ] && read -ra dump <<<"$SNAP_NS"
	{
		if [ ${#files[@]} -gt 0 ]; then
			echo "@@ debugfs"
			show_files "${files[@]}"
		fi
		# A namespace deleted since the list was read is simply absent.
		stat -L -c '%n %i' /proc/1/ns/net "${NAMESPACES[@]/#//run/netns/}" \
			>"$SNAP_TMP/inodes" 2>/dev/null &
		pid=$!
		for ns in "${dump[@]}"; do
			local n=(-n "$ns")
			[ "$ns" = init ] && n=()
			for j in "${fam[@]}"; do
				# No -4: the first batch's routes and nexthops are
				# both families'; `ip rule` needs -6 for IPv6's.
				local f=()
				[ "$j" = 6 ] && f=(-6)
				ip "${n[@]}" "${f[@]}" -j -batch "$SNAP_TMP/batch.$j" >"$SNAP_TMP/$ns.$j" 2>&1 &
				jobs+=("$ns $j $!")
			done
		done
		wait "$pid"
		echo "@@ inodes"
		mapfile -t lines <"$SNAP_TMP/inodes"
		printf '%s\n' "${lines[@]}"
		[ -n "${SNAP_BASE:-}" ] && echo "@@ base $SNAP_BASE"
		for j in "${jobs[@]}"; do
			read -r ns d pid <<<"$j"
			echo "@@ ip $ns $d"
			# A failing line stops the batch: the host fails every
			# judgement on a snapshot that says so.
			wait "$pid" || echo "@@ failed ip $ns $d"
			mapfile -t lines <"$SNAP_TMP/$ns.$d"
			printf '%s\n' "${lines[@]}"
		done
	} >"$SNAP_TMP/out" 2>&1
	cp "$SNAP_TMP/out" "$SNAPS/$id"
}

# failslab_on: every non-sleeping slab allocation of a task that wrote 1 to
# its /proc/self/make-it-fail fails (the tasks of failslab tests); $FS is
# the failslab directory.  `echo 0 >$FS/probability` turns it off.
FS=/sys/kernel/debug/failslab
failslab_on() {
	echo 0 >$FS/verbose
	echo Y >$FS/task-filter
	echo Y >$FS/ignore-gfp-wait
	echo 1 >$FS/interval
	echo -1 >$FS/times
	echo 100 >$FS/probability
}

# mock_full: the mock attached with room for exactly what it holds (read
# once its queue ran dry), in veto mode: the next add is refused.
mock_full() {
	local held
	echo 100000 >"$MOCK/capacity"
	echo 1 >"$MOCK/attach"
	read -r _ <"$MOCK/routes"
	get held routes "$MOCK/stats"
	echo "$held" >"$MOCK/capacity"
	echo 1 >"$MOCK/veto"
}

# failslab_ip ARGS...: `ip ARGS` (stdin passed on) with every non-sleeping
# slab allocation of its task failing, then failslab off again; ip's status.
failslab_ip() {
	local rc
	failslab_on
	bash -c 'echo 1 > /proc/self/make-it-fail; exec ip "$@"' ip "$@"
	rc=$?
	echo 0 >$FS/probability
	return $rc
}

attach() {
	echo 1 >"$PROBE/attach"
}

detach() {
	echo 0 >"$PROBE/attach"
}

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

# resyncs_done: wait (up to 60 s) until no registration has a resync left
# to do (debugfs `resync_queued`), then for the mock's queue to run dry.
_no_resync() { local q; get q resync_queued "$RFN/stats" && [ "$q" = 0 ]; }
resyncs_done() {
	wait_for 60 _no_resync || return 1
	read -r _ <"$MOCK/routes" || :
}

# count_flags VAR NS KIND FLAG...: VAR := how many of NS's routes (KIND
# route: every table, both families), nexthop objects (nexthop) or buckets
# of resilient groups (bucket) carry one of the FLAGs, as `ip` prints them
# (rt_offload, rt_trap, rt_offload_failed on routes; offload, trap on
# nexthops and buckets); one process.  A route's flags are on its first
# line.  VAR is 0 if ip fails (and so does the helper).
count_flags() {
	local _var=$1 _ns=$2 _kind=$3 _l _f _out _n=0 _cmd
	shift 3
	printf -v "$_var" 0
	case $_kind in
	route) _cmd=(route show table all) ;;
	nexthop) _cmd=(nexthop show) ;;
	bucket) _cmd=(nexthop bucket show) ;;
	*) return 1 ;;
	esac
	_out=$(ip -n "$_ns" "${_cmd[@]}") || return 1
	while read -r _l; do
		for _f; do
			if [[ " $_l " == *" $_f "* ]]; then
				_n=$((_n + 1))
				break
			fi
		done
	done <<<"$_out"
	printf -v "$_var" '%s' "$_n"
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
