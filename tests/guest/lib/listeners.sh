# SPDX-License-Identifier: GPL-2.0
# The listeners under test, through their debugfs files: the probe, the
# mock switchdev, the module's own statistics.  `get` (builtins.sh) reads
# a `key value` file, by default the probe's statistics.

RFN=/sys/kernel/debug/rust_fib_notifier
PROBE=$RFN/probe
MOCK=$RFN/mock_switchdev
GET_FILE=$PROBE/stats

attach() {
	echo 1 >"$PROBE/attach"
}

detach() {
	echo 0 >"$PROBE/attach"
}

# listeners_on: the probe and the mock attached.  listeners_off: both
# detached (a C listener alone on the chain).
listeners_on() {
	attach
	echo 1 >"$MOCK/attach"
}

listeners_off() {
	detach
	echo 0 >"$MOCK/attach"
}

# The example C listener's debugfs; example_unload: rmmod it if loaded.
EX=/sys/kernel/debug/rfn_c_example
example_unload() {
	[ -d /sys/module/rfn_c_example ] && rmmod rfn_c_example
	return 0
}

# stat_of KEY [FILE]: print it (a subshell; prefer get in loops).
stat_of() {
	local v
	get v "$@"
	printf '%s\n' "$v"
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

# resyncs_done: wait (up to 60 s) until no registration has a resync left
# to do (debugfs `resync_queued`), then for the mock's queue to run dry.
_no_resync() { local q; get q resync_queued "$RFN/stats" && [ "$q" = 0 ]; }
resyncs_done() {
	wait_for 60 _no_resync || return 1
	read -r _ <"$MOCK/routes" || :
}
