#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# PID 1 of the native benchmark's UML guest (scripts/bench-uml.sh): the
# root is the host's, over hostfs, read-only; /proc, /sys, debugfs and
# tmpfs on /run and /tmp are the guest's own, and OUT (rfn_out) is the
# host's directory, writable.  Runs bench/guest.sh with the built-in
# modules, writes its status into OUT/rc, powers off.
# Arguments come from the kernel command line (rfn_* in the environment).
export PATH=/usr/sbin:/usr/bin:/sbin:/bin
# Standard streams, whatever the console gave: a file opened later must
# not become a process's stdin, stdout or stderr.
exec </dev/null >>/dev/null 2>&1
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t debugfs debugfs /sys/kernel/debug
mount -t tmpfs tmpfs /run
mount -t tmpfs tmpfs /tmp
# OUT is mounted on the guest's own /run/out: the host's path may lie
# under /tmp, which the guest's tmpfs hides.
mkdir /run/out
mount -t hostfs -o "$rfn_out" hostfs /run/out
rfn_out=/run/out
{
	echo "bench: native (UML): $(uname -r), $(nproc) CPU, $(awk '/MemTotal/ { print $2 }' /proc/meminfo) kB"
	bash "$rfn_top/bench/guest.sh" "$rfn_out" - - - "$rfn_bench" "$rfn_scale" "$rfn_runs"
	echo $? >"$rfn_out/rc"
} >"$rfn_out/output.log" 2>&1
dmesg >"$rfn_out/dmesg.log"
sync
echo o >/proc/sysrq-trigger
sleep 10
