# SPDX-License-Identifier: GPL-2.0
# Multicast routing made by a real daemon: smcrouted (Debian's smcroute),
# one per namespace and multicast routing table, each creating a VIF for
# every multicast interface of its namespace in its table and installing
# the (S,G) entries `smcroutectl add` gives it, IPv4 and IPv6.
#
#   mc_ns NS I          a namespace with three veth pairs (a0/a1, b0/b1,
#                       c0/c1, the *0 ends with addresses 10.I.{1,2,3}.1/24
#                       and 2001:db8:I:{1,2,3}::1/64)
#   mc_daemon NS TABLE  smcrouted in NS for TABLE (0: the default table),
#                       ready when this returns
#   mc_ctl NS TABLE ARGS...  smcroutectl for that daemon (one process)
#   mc_batch NS TABLE   smcroutectl in batch mode: commands on stdin
#   mc_stop NS TABLE    the daemon stops (its tables are flushed)
#   msnap ID DIR... -- NS...  snapshot ID for the host: the listeners'
#                       debugfs files, and each NS's `ip -j mroute`, `ip
#                       -j mrule` (both families), VIFs (/proc/net/
#                       ip_mr_vif, ip6_mr_vif) and links
MC_RUN=/tmp/rfn-mc
mkdir -p "$MC_RUN"

mc_ns() {
	local ns=$1 i=$2 p
	ip netns add "$ns" || return 1
	{
		echo "link set lo up"
		for p in a b c; do
			echo "link add ${p}0 type veth peer name ${p}1"
			echo "link set ${p}0 up"
			echo "link set ${p}1 up"
		done
		echo "addr add 10.$i.1.1/24 dev a0"
		echo "addr add 10.$i.2.1/24 dev b0"
		echo "addr add 10.$i.3.1/24 dev c0"
		echo "addr add 2001:db8:$i:1::1/64 dev a0 nodad"
		echo "addr add 2001:db8:$i:2::1/64 dev b0 nodad"
		echo "addr add 2001:db8:$i:3::1/64 dev c0 nodad"
	} | ipb "$ns"
}

_mc_sock() { printf '%s/%s-%s.sock' "$MC_RUN" "$1" "$2"; }
_mc_up() { smcroutectl -u "$(_mc_sock "$1" "$2")" show interfaces >/dev/null 2>&1; }

mc_daemon() {
	local ns=$1 tb=$2
	ip netns exec "$ns" smcrouted -n -l err -i "rfn-$ns-$tb" -t "$tb" \
		-u "$(_mc_sock "$ns" "$tb")" -P "$MC_RUN/$ns-$tb.pid" \
		</dev/null >>"$MC_RUN/$ns-$tb.log" 2>&1 &
	wait_for 30 _mc_up "$ns" "$tb"
}

mc_ctl() {
	local ns=$1 tb=$2
	shift 2
	smcroutectl -u "$(_mc_sock "$ns" "$tb")" "$@"
}

mc_batch() {
	smcroutectl -b -u "$(_mc_sock "$1" "$2")"
}

# Whether the daemon of NS TABLE is gone.
_mc_gone() { ! kill -0 "$1" 2>/dev/null; }
mc_stop() {
	local pid
	read -r pid <"$MC_RUN/$1-$2.pid" || return 1
	kill "$pid" && wait_for 30 _mc_gone "$pid"
}

msnap() {
	local id=$1 dirs=() ns files=() d lines
	shift
	while [ $# -gt 0 ] && [ "$1" != -- ]; do
		dirs+=("$1")
		shift
	done
	shift
	for d in "${dirs[@]}"; do
		files+=("$d"/*)
	done
	{
		if [ ${#files[@]} -gt 0 ]; then
			echo "@@ debugfs"
			show_files "${files[@]}"
		fi
		echo "@@ inodes"
		stat -L -c '%n %i' "${@/#//run/netns/}"
		for ns in "$@"; do
			echo "@@ ip $ns 4"
			ip -n "$ns" -j link show
			echo "@@ mr $ns mroute4"
			ip -n "$ns" -j mroute show table all || echo "@@ failed mr $ns mroute4"
			echo "@@ mr $ns mroute6"
			ip -n "$ns" -j -6 mroute show table all || echo "@@ failed mr $ns mroute6"
			echo "@@ mr $ns mrule4"
			ip -n "$ns" -j mrule show || echo "@@ failed mr $ns mrule4"
			echo "@@ mr $ns mrule6"
			ip -n "$ns" -j -6 mrule show || echo "@@ failed mr $ns mrule6"
			echo "@@ mr $ns vif4"
			ip netns exec "$ns" cat /proc/net/ip_mr_vif
			echo "@@ mr $ns vif6"
			ip netns exec "$ns" cat /proc/net/ip6_mr_vif
		done
	} >"$SNAP_TMP/mout" 2>&1
	cp "$SNAP_TMP/mout" "$SNAPS/$id"
}
