# SPDX-License-Identifier: GPL-2.0
# The module is loaded, logged one line, and its debugfs is there.
plan 3
dmesg >/tmp/dmesg.now
log=$(</tmp/dmesg.now)
check "load: one line in the kernel log" test "${log/*rust_fib_notifier: loaded*/yes}" = yes
check "load: debugfs directory" test -d "$RFN" -a -w "$PROBE/attach"
read -r a <"$PROBE/attach"
check "load: probe starts detached" test "$a" = 0
