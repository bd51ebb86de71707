#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Boot the test kernel in QEMU (virtme-ng: the host's userspace, read-only,
# with OUTDIR shared read-write), run one command, and return its exit
# status.  Results the command writes to OUTDIR/guest.results (the guest
# suite's) are printed on stderr as they arrive (RFN_STREAM=0: not); the
# command's output is printed when the guest is done and kept in
# OUTDIR/output.log; the guest's kernel log is left in OUTDIR/dmesg.txt
# (and streamed to OUTDIR/kmsg.log while it runs, for a guest that hangs).
#
#   scripts/guest.sh KDIR OUTDIR COMMAND...
#
# Timeout: the guest is killed when it makes no progress (neither
# OUTDIR/guest.results nor OUTDIR/output.log grows) for RFN_STALL_SECONDS
# (default 300: a hung test), or after RFN_GUEST_TIMEOUT seconds in all
# (default 3600, inside CI's 90 minutes).  OUTDIR/stalled then says why and
# where (the test file running and its last result).
#
# Acceleration: RFN_ACCEL=kvm|tcg forces one.  Otherwise a KVM guest is
# probed once (it must boot and run `true` within RFN_KVM_PROBE_SECONDS,
# default 30); on this kind of machine /dev/kvm exists but guests hang, so
# the probe fails and TCG is used.  The result is cached per kernel build.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/env.sh"
log() { printf 'guest: %s\n' "$*" >&2; }

kdir=$1 outdir=$2; shift 2
image=$kdir/arch/x86_64/boot/bzImage
[ -f "$image" ] || { log "no kernel image at $image"; exit 2; }
mkdir -p "$outdir"
outdir=$(cd "$outdir" && pwd)

# kunit.enable, kunit.autorun: KUnit suites inside modules run when they
# are inserted (allnoconfig leaves KUNIT_AUTORUN_ENABLED off).
# log_buf_len: KUnit's KTAP and the test's marker must not be overwritten.
# rootflags: virtme-ng mounts the host's root over 9p without a cache, so
# every exec walks the host's filesystem again (about a second per process
# under TCG); the root is read-only, a loose cache is safe and much faster.
# rcupdate.rcu_expedited: every notifier unregistration, namespace
# teardown and module unload waits for RCU grace periods, which under TCG
# take long; expedited ones are the same guarantee, sooner (about 10% off
# the attach/detach/netns workloads, measured).  RFN_GUEST_APPEND adds more.
# root=/dev/root: the test kernel has no block layer, and without one the
# kernel mounts a root named by root= only (virtme-ng's 9p tag).
append="root=/dev/root kunit.enable=1 kunit.autorun=1 log_buf_len=8M rcupdate.rcu_expedited=1 ${RFN_GUEST_APPEND:-}"
[ "${RFN_9P_CACHE:-loose}" = none ] ||
	append+=" rootflags=version=9p2000.L,trans=virtio,access=any,msize=524288,cache=${RFN_9P_CACHE:-loose}"
vng_run=(vng --run "$image" --memory "${RFN_GUEST_MEMORY:-2G}" --cpus 2
	--rwdir "$outdir" --force-9p --append "$append")

# The machine.  A kernel with virtio-mmio and no PCI (the test kernel:
# kernel/rfn.config) boots on QEMU's microvm: no ACPI, no PCI, the
# firmware's MP table lists both CPUs, QEMU puts the virtio-mmio devices
# on the kernel command line; without ACPI there is no power-off, so the
# guest ends with a reboot (a triple fault, reboot=t) and QEMU, started
# with -no-reboot, exits.  Any other kernel boots on vng's q35.
#
# Either way the guest runs vng's own QEMU command line (`vng --dry-run`),
# less what --exec adds that this guest does not need: six virtio-serial
# devices for the command's I/O (it goes to OUTDIR; without udev the
# guest's init finds no port anyway and falls back to the console) and a
# watchdog nobody pets.  Each cost PCI and ACPI set-up under TCG: 6 s of
# the boot.  guest_cmd ACCEL_OPTS... -- COMMAND: that command line, which
# boots the guest and runs COMMAND, into the array `run`.
microvm=0
grep -qx 'CONFIG_VIRTIO_MMIO_CMDLINE_DEVICES=y' "$kdir/.config" 2>/dev/null &&
	! grep -qx 'CONFIG_PCI=y' "$kdir/.config" && microvm=1
# Without ACPI the guest has no HPET and no PM timer, and microvm no PIT
# gate: it cannot calibrate its TSC, and would keep jiffies as its clock
# (4 ms steps, a periodic tick).  Its TSC runs at the host's rate (TCG
# reads the host's; KVM passes it through): tsc_early_khz gives that rate,
# measured here against CLOCK_MONOTONIC over 0.2 s.
host_tsc_khz() {
	python3 - <<'PY' 2>/dev/null
import ctypes, mmap, time
buf = mmap.mmap(-1, mmap.PAGESIZE, prot=mmap.PROT_READ | mmap.PROT_WRITE | mmap.PROT_EXEC)
buf.write(bytes.fromhex("0f3148c1e2204809d0c3"))  # rdtsc; shl $32,%rdx; or %rdx,%rax; ret
rdtsc = ctypes.CFUNCTYPE(ctypes.c_uint64)(ctypes.addressof(ctypes.c_char.from_buffer(buf)))
t0, c0 = time.perf_counter_ns(), rdtsc()
time.sleep(0.2)
t1, c1 = time.perf_counter_ns(), rdtsc()
print(round((c1 - c0) * 1e6 / (t1 - t0)))
PY
}
microvm_append=reboot=t
if [ $microvm = 1 ]; then
	if khz=$(host_tsc_khz) && [ "${khz:-0}" -gt 0 ]; then
		microvm_append+=" tsc_early_khz=$khz"
	else
		log "could not measure the host's TSC rate: the guest's clock will be jiffies"
	fi
fi
guest_cmd() {
	local o=() line a b i qemu
	while [ "$1" != -- ]; do o+=("$1"); shift; done
	shift
	[ $microvm = 1 ] && o+=(--append "$microvm_append")
	line=$("${vng_run[@]}" "${o[@]}" --dry-run --exec "$1" 2>/dev/null | tail -1) &&
		eval "qemu=($line)" 2>/dev/null && [[ ${qemu[0]:-} == *qemu-system-* ]] || {
		log "no QEMU command line from vng --dry-run (virtme-ng $(vng --version 2>&1))"
		return 1
	}
	run=()
	for ((i = 0; i < ${#qemu[@]}; i++)); do
		a=${qemu[i]} b=${qemu[i + 1]:-}
		case $a in
		-device | -chardev)
			case $b in
			virtio-serial-pci | virtio-serial-pci,* | virtserialport,* | i6300esb | i6300esb,* | \
				*,id=stdin,* | *,id=stdout,* | *,id=stderr,* | *,id=dev_stdout,* | *,id=dev_stderr,*)
				i=$((i + 1)); continue ;;
			file,id=ret,path=*)
				# vng's file for the command's status: made by the
				# dry run, never read (ours is OUTDIR/rc).
				rm -f "${b#file,id=ret,path=}"
				i=$((i + 1)); continue ;;
			virtio-*-pci,* | virtio-*-pci)
				[ $microvm = 1 ] && b=${b/-pci/-device} ;;
			esac
			run+=("$a" "$b"); i=$((i + 1)); continue ;;
		-machine | -M)
			# q35[,accel=...] -> microvm,acpi=off,...[,accel=...]
			[ $microvm = 1 ] && [[ $b == q35* ]] &&
				b=microvm,acpi=off,isa-serial=on,rtc=on${b#q35}
			run+=("$a" "$b"); i=$((i + 1)); continue ;;
		esac
		run+=("$a")
	done
}

accel=${RFN_ACCEL:-}
if [ -z "$accel" ]; then
	cached=$kdir/.rfn-accel
	if [ -f "$cached" ]; then
		accel=$(cat "$cached")
	elif [ -w /dev/kvm ]; then
		log "probing KVM (a guest must boot within ${RFN_KVM_PROBE_SECONDS:-30} s)"
		probe=true
		[ $microvm = 1 ] && probe="echo b > /proc/sysrq-trigger"
		if guest_cmd -- "$probe" &&
			timeout "${RFN_KVM_PROBE_SECONDS:-30}" "${run[@]}" </dev/null >/dev/null 2>&1; then
			accel=kvm
		else
			accel=tcg
			log "KVM guest did not come up: using TCG"
		fi
		echo "$accel" >"$cached"
	else
		accel=tcg
	fi
fi
opts=()
if [ "$accel" = tcg ]; then
	opts+=(--disable-kvm)
	# Under TCG the guest's TSC is the host's: invariant if the host's
	# is, and then the clocksource watchdog (which reads the emulated HPET
	# every half second, and under TCG's delays may wrongly declare the TSC
	# unstable) has nothing to guard.
	grep -qw constant_tsc /proc/cpuinfo && opts+=(--append "tsc=reliable")
fi
machine=q35
[ $microvm = 1 ] && machine=microvm
log "booting $image ($accel, $machine)"

# The wrapper keeps the command's output, its status and the kernel log in
# OUTDIR even when the command fails; QEMU's console goes to console.log.
# On microvm it then reboots the guest, which ends QEMU (see above).
cmd=$(printf '%q ' "$@")
q=$(printf '%q' "$outdir")
wrapped="cat /dev/kmsg > $q/kmsg.log & cd $(printf '%q' "$PWD"); $cmd > $q/output.log 2>&1; echo \$? > $q/rc; dmesg > $q/dmesg.txt"
[ $microvm = 1 ] && wrapped+="; echo b > /proc/sysrq-trigger"
rm -f "$outdir/rc" "$outdir/dmesg.txt" "$outdir/output.log" "$outdir/kmsg.log" "$outdir/stalled" \
	"$outdir/guest.results"
guest_cmd "${opts[@]}" -- "$wrapped" || exit 2
start=$(date +%s)
setsid "${run[@]}" </dev/null >"$outdir/console.log" 2>&1 &
pid=$!

size() { stat -c %s "$outdir/guest.results" "$outdir/output.log" 2>/dev/null | paste -sd+ | bc 2>/dev/null || echo 0; }
# stream: the guest's new results (OUTDIR/guest.results, the protocol of
# tests/guest/lib/results.sh) as they arrive, one line each on stderr with
# the time since QEMU started and the file running; a line after each
# RFN_HEARTBEAT_SECONDS (default 60) without one.  Only whole lines.
seen=0 cur_file= said=$start
stream() {
	local res=$outdir/guest.results n line el
	[ -f "$res" ] || return 0
	n=$(wc -l <"$res")
	[ "$n" -lt "$seen" ] && seen=0
	el=$(($(date +%s) - start))
	el=$(printf '%3dm%02ds' $((el / 60)) $((el % 60)))
	if [ "$n" -le "$seen" ]; then
		if [ $(($(date +%s) - said)) -ge "${RFN_HEARTBEAT_SECONDS:-60}" ]; then
			log "[$el] ${cur_file:-boot}: running"
			said=$(date +%s)
		fi
		return 0
	fi
	while IFS= read -r line; do
		case $line in
		"file "*) cur_file=${line#file }; log "[$el] $cur_file" ;;
		"end "*) set -- $line; log "[$el] $2: done in ${3:-?} s" ;;
		"ok "* | "not ok "*) log "[$el] $cur_file: $line" ;;
		"judge "*) line=${line#judge }; line=${line#*$'\t'}; log "[$el] $cur_file: (judged on the host) ${line%%$'\t'*}" ;;
		esac
	done < <(sed -n "$((seen + 1)),${n}p" "$res")
	seen=$n said=$(date +%s)
}
stall=${RFN_STALL_SECONDS:-300} outer=${RFN_GUEST_TIMEOUT:-3600}
last=$(size) moved=$start why=
while kill -0 "$pid" 2>/dev/null; do
	sleep 2
	now=$(date +%s) cur=$(size)
	[ "$cur" != "$last" ] && last=$cur moved=$now
	[ "${RFN_STREAM:-1}" = 0 ] || stream
	if [ $((now - moved)) -ge "$stall" ]; then
		why="no progress for $stall s"
	elif [ $((now - start)) -ge "$outer" ]; then
		why="still running after $outer s (RFN_GUEST_TIMEOUT)"
	fi
	if [ -n "$why" ]; then
		where=
		if [ -f "$outdir/guest.results" ]; then
			where=$(awk '$1 == "file" { f = $2 } $1 == "end" { f = "" } { l = $0 }
				END { if (f != "") printf "in %s, after: %s", f, l; else printf "after: %s", l }' \
				"$outdir/guest.results")
		fi
		echo "$why; $where" >"$outdir/stalled"
		log "killing the guest: $why; $where"
		kill -TERM -- -"$pid" 2>/dev/null || kill "$pid"
		sleep 2
		kill -KILL -- -"$pid" 2>/dev/null || true
		break
	fi
done
wait "$pid" 2>/dev/null || true
[ "${RFN_STREAM:-1}" = 0 ] || stream
echo "$(($(date +%s) - start))" >"$outdir/guest-seconds"
[ -f "$outdir/output.log" ] && cat "$outdir/output.log"
if [ ! -f "$outdir/rc" ]; then
	log "the guest did not finish (hang, crash or timeout); its console and kernel log:"
	tail -20 "$outdir/console.log" >&2
	[ -f "$outdir/kmsg.log" ] && tail -60 "$outdir/kmsg.log" | cut -d';' -f2- >&2
	# The kernel log as far as it was streamed, for the log checks.
	[ -f "$outdir/kmsg.log" ] && cut -d';' -f2- "$outdir/kmsg.log" >"$outdir/dmesg.txt"
	exit 3
fi
exit "$(cat "$outdir/rc")"
