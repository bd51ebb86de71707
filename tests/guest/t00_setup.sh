# SPDX-License-Identifier: GPL-2.0
# Always first (scripts/test.sh runs it whatever RFN_TESTS picks): the
# guest is fit for the suite, kmemleak forgets the boot's suspects and
# stops its periodic scans (each takes some 10 s of the guest's CPU under
# TCG; every allocation is still tracked, and t99 scans explicitly at the
# end), then insmod.  The marker written to the kernel log just before
# insmod is where the host starts judging the log as the module's.  The
# namespaces the tests use are each file's own set-up (ns_setup).
ALL_TESTS="two_cpus kmemleak_quiet insmod_module"

# The races the suite provokes need two CPUs really running in parallel:
# a guest that came up with one (the firmware's tables) fails here.
two_cpus() {
	plan 1
	local cpus=0 line
	while read -r line; do [[ $line == processor* ]] && cpus=$((cpus + 1)); done </proc/cpuinfo
	check "setup: the guest runs on 2 CPUs" test "$cpus" -ge 2
}

kmemleak_quiet() {
	plan 1
	if [ -w /sys/kernel/debug/kmemleak ]; then
		echo clear >/sys/kernel/debug/kmemleak
		echo scan=off >/sys/kernel/debug/kmemleak
		ok "setup: kmemleak present and cleared, periodic scans off"
	else
		not_ok "setup: kmemleak present and cleared, periodic scans off"
	fi
}

insmod_module() {
	plan 1
	echo "rust_fib_notifier-test: insmod" >/dev/kmsg
	check "insmod" insmod "$KO"
}
