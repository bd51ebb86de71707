# SPDX-License-Identifier: GPL-2.0
# Before the module: kmemleak forgets the boot's suspects and stops its
# periodic scans (each takes some 10 s of the guest's CPU under TCG; every
# allocation is still tracked, and t99 scans explicitly at the end), three
# namespaces get routes (a late registration must replay them), then
# insmod.  The marker written to the kernel log just before insmod is where
# the host starts judging the log as the module's.  The races the suite
# provokes need two CPUs really running in parallel: a guest that came up
# with one (the firmware's tables) fails here.
plan 6
cpus=0
while read -r line; do [[ $line == processor* ]] && cpus=$((cpus + 1)); done </proc/cpuinfo
check "setup: the guest runs on 2 CPUs" test "$cpus" -ge 2
if [ -w /sys/kernel/debug/kmemleak ]; then
	echo clear >/sys/kernel/debug/kmemleak
	echo scan=off >/sys/kernel/debug/kmemleak
	ok "setup: kmemleak present and cleared, periodic scans off"
else
	not_ok "setup: kmemleak present and cleared, periodic scans off"
fi
for i in 1 2 3; do check "setup: namespace ns$i with routes and rules" make_ns "ns$i" "$i"; done
echo "rust_fib_notifier-test: insmod" >/dev/kmsg
check "insmod" insmod "$KO"
