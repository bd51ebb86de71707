# SPDX-License-Identifier: GPL-2.0
# Namespaces for the tests: the standard ones (ns1, ns2, ...) a file asks
# for with ns_setup, their inode numbers, and ip -batch.
#
# ns_setup NS...: the standard namespaces NS (each nsI, made by make_ns
# nsI I) exist.  Idempotent and cached per boot: a namespace that exists
# (made by an earlier file of the run) is left as that file left it; one
# that does not is made, with a result `setup: namespace nsI with routes
# and rules` (the file's own, outside its cases' plans).  A file that
# deletes a standard namespace makes it again in its cleanup.

CHURN_DIR=/tmp/churn
mkdir -p "$CHURN_DIR"

ns_setup() {
	local ns
	for ns; do
		[ -e "/run/netns/$ns" ] && continue
		check "setup: namespace $ns with routes and rules" make_ns "$ns" "${ns#ns}"
	done
}

# ns_inode VAR NS: VAR := the namespace's inode number.
ns_inode() {
	local path=/run/netns/$2
	[ "$2" = init ] && path=/proc/1/ns/net
	local l
	l=$(stat -L -c %i "$path") || return 1
	printf -v "$1" '%s' "$l"
}

# namespaces: the names under /run/netns, into the array NAMESPACES.
namespaces() {
	local p
	NAMESPACES=()
	for p in /run/netns/*; do
		[ -e "$p" ] && NAMESPACES+=("${p##*/}")
	done
}

# netns_settled: within a minute, the module bridges the initial namespace
# and the named ones, and no other: every namespace deleted before is gone.
# The kernel dismantles a deleted namespace in a work item, after `ip netns
# del` returned; until its bridge goes, the removal of its devices and
# routes moves its counters, which a test of retries would take for changes
# of its own namespaces.
_netns_settled() {
	local n
	namespaces
	get n nets "$RFN/stats" && [ "$n" -eq $((${#NAMESPACES[@]} + 1)) ]
}
netns_settled() { wait_for 60 _netns_settled; }

# ipb NS: run ip -batch on stdin in namespace NS.  ip stops at the first
# failing line; that fails the helper and, whether or not the caller checks
# it, the test case: an extra failing result (its plan no longer matches).
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
	ipb "$ns" <<EOT
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
EOT
	# `ip rule` takes its family from the command line, not the prefix.
	ip -n "$ns" -6 rule add from "2001:db8:$i::/48" table 100 pref 1000
}
