# SPDX-License-Identifier: GPL-2.0
# Snapshots: kernel state saved in the guest for the host to judge (the
# judge lines of results.sh name a snapshot), and the few counts a test
# needs in the guest itself (count_flags, file_has_inode).

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
