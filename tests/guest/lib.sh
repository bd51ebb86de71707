# SPDX-License-Identifier: GPL-2.0
# The guest test library, sourced by tests/guest/run.sh; each part is a
# file of its own under lib/:
#
#   results.sh    the result protocol (emit, plan, ok, not_ok, diag, check,
#                 judge, note): what the host reads
#   netns.sh      the standard namespaces (ns_setup, make_ns), ns_inode,
#                 namespaces, ipb
#   snap.sh       snapshots for the host to judge (snap), count_flags,
#                 file_has_inode
#   listeners.sh  the probe, the mock switchdev, the module's statistics:
#                 paths, attach, detach, mock_full, resyncs_done
#   fault.sh      failslab for one task (failslab_on, failslab_ip); a resync
#                 made to give up with EBUSY (forced_ebusy_resync, said_ebusy)
#   churn.sh      churn generators (churn_start, nh_churn_start, churn_stop)
#   mcast.sh      multicast routing by smcrouted (mc_ns, mc_daemon, mc_ctl,
#                 mc_stop, msnap)
#
# The guest acts and collects; the host judges (tests/judge.py).  Every
# process started in the guest costs 0.1-0.4 s under TCG with KASAN and
# lockdep (the host's userspace over 9p), Python far more, and every
# write(2) to OUT (the 9p share) is a round trip to the host, so:
#
#  * the helpers use shell builtins only (no awk, grep, seq, sleep in
#    loops; builtins.sh has the process-free sleep, wait and read);
#  * kernel state is saved, not compared, in the guest: `snap` writes the
#    `ip -j` view of every namespace and the listeners' debugfs files into
#    OUT/snap/, and `judge` names a check function of tests/judge.py that
#    the host runs on it.
GUEST_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
. "$GUEST_DIR/builtins.sh"
: "${RESULTS:?}" "${SNAPS:?}"
for _lib in results netns snap listeners fault churn mcast; do
	. "$GUEST_DIR/lib/$_lib.sh"
done
unset _lib
