#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Boot the test kernel in QEMU (virtme-ng: the host's userspace, read-only,
# with OUTDIR shared read-write), run one command, and return its exit
# status.  The command's output is printed when the guest is done and kept
# in OUTDIR/output.log; the guest's kernel log is left in OUTDIR/dmesg.txt.
#
#   scripts/guest.sh KDIR OUTDIR COMMAND...
#
# Acceleration: RFN_ACCEL=kvm|tcg forces one.  Otherwise a KVM guest is
# probed once (it must boot and run `true` within RFN_KVM_PROBE_SECONDS,
# default 60); on this kind of machine /dev/kvm exists but guests hang, so
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

# kunit.enable: KUnit suites inside modules run when they are inserted.
vng_run=(vng --run "$image" --memory "${RFN_GUEST_MEMORY:-2G}" --cpus 2
	--rwdir "$outdir" --append "kunit.enable=1")

accel=${RFN_ACCEL:-}
if [ -z "$accel" ]; then
	cached=$kdir/.rfn-accel
	if [ -f "$cached" ]; then
		accel=$(cat "$cached")
	elif [ -w /dev/kvm ]; then
		log "probing KVM (a guest must boot within ${RFN_KVM_PROBE_SECONDS:-30} s)"
		if timeout "${RFN_KVM_PROBE_SECONDS:-30}" "${vng_run[@]}" --exec true </dev/null >/dev/null 2>&1; then
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
[ "$accel" = tcg ] && opts+=(--disable-kvm)
log "booting $image ($accel)"

# The wrapper keeps the command's output, its status and the kernel log in
# OUTDIR even when the command fails; QEMU's console goes to console.log.
cmd=$(printf '%q ' "$@")
wrapped="cd $(printf '%q' "$PWD"); $cmd > $outdir/output.log 2>&1; echo \$? > $outdir/rc; dmesg > $outdir/dmesg.txt"
rm -f "$outdir/rc" "$outdir/dmesg.txt" "$outdir/output.log"
start=$(date +%s.%N)
timeout "${RFN_GUEST_TIMEOUT:-1800}" "${vng_run[@]}" "${opts[@]}" --exec "$wrapped" \
	</dev/null >"$outdir/console.log" 2>&1 || true
end=$(date +%s.%N)
printf '%.1f\n' "$(echo "$end - $start" | bc)" >"$outdir/guest-seconds"
[ -f "$outdir/output.log" ] && cat "$outdir/output.log"
if [ ! -f "$outdir/rc" ]; then
	log "the guest did not finish (timeout or crash); its console:"
	tail -40 "$outdir/console.log" >&2
	exit 3
fi
exit "$(cat "$outdir/rc")"
