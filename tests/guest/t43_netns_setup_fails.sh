# SPDX-License-Identifier: GPL-2.0
# A namespace whose set-up fails after the bridge's init is undone and
# freed by the kernel whatever its reference count (copy_net_ns() ->
# net_passive_dec()).  fault_net_setup (test builds) makes the next set-up
# fail in a pernet device operation once a replay holds the namespace, and
# keeps that replay asleep while the kernel undoes the set-up: the replay
# must still find the namespace valid (the bridge's exit waits for it), or
# KASAN reports a use after free.  Late registrations of the probe run in
# a loop meanwhile.  The probe ends up equal to the kernel, holding nothing
# of the namespaces that never were.
ALL_TESTS="netns_setup_fails"

setup() {
	detach
}

cleanup() {
	detach
}

_get_pinned() { local l; read -r l <"$RFN/fault_net_setup"; printf -v "$1" '%s' "${l##* }"; }

_register_loop() {
	local stop=0
	trap 'stop=1' TERM
	while [ $stop = 0 ]; do
		echo 1 >"$PROBE/attach" 2>/dev/null
		echo 0 >"$PROBE/attach"
	done
}

# Nothing of a namespace that never was: every namespace in the probe's
# files is a live one.
_only_live() {
	local f l ino lines
	for f in "$PROBE/routes" "$PROBE/rules"; do
		mapfile -t lines <"$f"
		for l in "${lines[@]}"; do
			ino=${l%%[[:space:]]*}
			[[ " ${live[*]} " == *" $ino "* ]] || { diag "probe holds $l"; return 1; }
		done
	done
}

netns_setup_fails() {
	local fails=${SETUP_FAILS:-4} f loop pinned0 pinned ns ino
	plan $((fails + 5))
	_get_pinned pinned0
	_register_loop &
	loop=$!
	for ((f = 1; f <= fails; f++)); do
		echo 1 >"$RFN/fault_net_setup"
		if ip netns add "setup-fails$f" 2>/dev/null; then
			not_ok "netns set-up fails: set-up $f failed"
			ip netns del "setup-fails$f"
		else
			ok "netns set-up fails: set-up $f failed"
		fi
	done
	kill "$loop"
	wait "$loop"
	echo 0 >"$RFN/fault_net_setup"
	_get_pinned pinned
	check "netns set-up fails: every set-up failed under a replay that held the namespace" \
		test "$pinned" -eq $((pinned0 + fails))
	check "netns set-up fails: a namespace is still made" ip netns add setup-ok
	check "netns set-up fails: the probe registers" attach
	snap setup-after "$PROBE"
	judge setup-after "netns set-up fails: the probe equals the kernel in every namespace" compare probe
	namespaces
	live=()
	for ns in init "${NAMESPACES[@]}"; do ns_inode ino "$ns" && live+=("$ino"); done
	check "netns set-up fails: the probe holds only live namespaces" _only_live
	detach
	ip netns del setup-ok
}
