# SPDX-License-Identifier: GPL-2.0
# The module is loaded, logged one line, and its debugfs is there.
ALL_TESTS="load_logged"

load_logged() {
	plan 3
	local log a
	dmesg >/tmp/dmesg.now
	log=$(</tmp/dmesg.now)
	check "load: one line in the kernel log" test "${log/*rust_fib_notifier: loaded*/yes}" = yes
	check "load: debugfs directory" test -d "$RFN" -a -w "$PROBE/attach"
	read -r a <"$PROBE/attach"
	check "load: probe starts detached" test "$a" = 0
}
