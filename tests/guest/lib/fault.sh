# SPDX-License-Identifier: GPL-2.0
# Fault injection: failslab for one task (the allocations a listener makes
# in its atomic callback fail, only for the task that changes the route),
# and a resync's consistency checks made to fail (the module's
# fault_check_busy).

# failslab_on: every non-sleeping slab allocation of a task that wrote 1 to
# its /proc/self/make-it-fail fails (the tasks of failslab tests); $FS is
# the failslab directory.  `echo 0 >$FS/probability` turns it off.
FS=/sys/kernel/debug/failslab
failslab_on() {
	echo 0 >$FS/verbose
	echo Y >$FS/task-filter
	echo Y >$FS/ignore-gfp-wait
	echo 1 >$FS/interval
	echo -1 >$FS/times
	echo 100 >$FS/probability
}

# failslab_ip ARGS...: `ip ARGS` (stdin passed on) with every non-sleeping
# slab allocation of its task failing, then failslab off again; ip's status.
failslab_ip() {
	local rc
	failslab_on
	bash -c 'echo 1 > /proc/self/make-it-fail; exec ip "$@"' ip "$@"
	rc=$?
	echo 0 >$FS/probability
	return $rc
}

# said_ebusy TEXT: TEXT, what a refused write said, is EBUSY's message.
said_ebusy() { [[ $1 == *"Device or resource busy"* ]]; }

# forced_ebusy_resync DIR INO: DIR's listener resyncs the namespace with
# inode INO while the next five consistency checks (every try a resync
# makes) find their namespaces changed (`fault_check_busy`, test builds),
# whatever churn runs meanwhile: the resync must give up with EBUSY.
# RESYNC_ERR keeps what the write said, for the caller's check.
forced_ebusy_resync() {
	echo 5 >"$RFN/fault_check_busy"
	RESYNC_ERR=$({ echo "$2" >"$1/resync"; } 2>&1)
}
