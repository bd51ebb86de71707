# SPDX-License-Identifier: GPL-2.0
# Before the module: kmemleak forgets the boot's suspects, three namespaces
# get routes (a late registration must replay them), then insmod.  The
# marker written to the kernel log just before insmod is where the host
# starts judging the log as the module's.
plan 5
if [ -w /sys/kernel/debug/kmemleak ]; then
	echo clear >/sys/kernel/debug/kmemleak
	ok "setup: kmemleak present and cleared"
else
	not_ok "setup: kmemleak present and cleared"
fi
for i in 1 2 3; do check "setup: namespace ns$i with routes and rules" make_ns "ns$i" "$i"; done
echo "rust_fib_notifier-test: insmod" >/dev/kmsg
check "insmod" insmod "$KO"
