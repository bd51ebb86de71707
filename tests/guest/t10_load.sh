# SPDX-License-Identifier: GPL-2.0
# The module is loaded, logged one line, and its debugfs is there.
check "load: one line in the kernel log" \
	sh -c 'dmesg | grep -q "rust_fib_notifier: loaded"'
check "load: debugfs directory" test -d "$RFN" -a -w "$PROBE/attach"
check "load: probe starts detached" grep -qx 0 "$PROBE/attach"
