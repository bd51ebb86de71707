#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# `make test`: set-up, the test kernel, the module (W=1, CLIPPY=1, warnings
# are errors), one guest boot that runs the KUnit suites (at insmod) and the
# integration tests, then the verdict.  Ends with `N passed, N failed`.
# While the guest runs, each of its results is printed as it arrives, with
# the file running and the time so far (scripts/guest.sh).
#
# RFN_TESTS='SEL...' runs only the test files SEL picks (default all), each
# SEL a file's name or number, or a glob over them (t56, t56_nexthop,
# 't5*'), optionally with :CASE,CASE... to run only those cases of it
# (t56:nh_replace,nh_veto; a case that builds on an earlier one of its
# file runs that one too: the file's NEEDS).  t00_setup (the module's load)
# and t99_unload (unload, kmemleak) run whatever SEL says.  Examples:
#   RFN_TESTS=t56 make test                one file
#   RFN_TESTS='t5* t73*' make test         some files
#   RFN_TESTS=t56:nh_replace make test     one case of a file
# tests/README.md describes the suite's shape.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/env.sh"
top=$(cd "$here/.." && pwd)
cd "$top"
t0=$(date +%s)

"$here/setup.sh" || exit 1
if [ -z "${KDIR:-}" ]; then
	KDIR=$("$here/build-kernel.sh") || exit 1
fi
out=${RFN_OUT:-$top/out/test}
rm -rf "$out"; mkdir -p "$out"
# scripts/stress.sh: the stress run's parameters, for t98_stress in the guest.
[ -n "${RFN_STRESS:-}" ] && echo "$RFN_STRESS" >"$out/stress.env"

passed=0 failed=0
result() { # result NAME STATUS
	if [ "$2" = 0 ]; then passed=$((passed + 1)); echo "ok - $1"
	else failed=$((failed + 1)); echo "not ok - $1"; fi
}

"$here/build-module.sh" "$KDIR" "$out/build.log"
result "module builds with W=1 CLIPPY=1, no warning" $?
[ -f rust_fib_notifier.ko ] || { echo "0 passed, 1 failed"; exit 1; }
# DKMS, for real, against the test kernel: the product build is installed
# under /lib/modules/<test kernel>/updates/dkms (t99 modprobes it in the
# guest, which runs on this root), the example C listener builds against
# its symbols; removed again at the end.
"$here/dkms.sh" test "$KDIR" >"$out/dkms.log" 2>&1
result "DKMS: add, build, install against the test kernel; the example C listener builds against it" $?

# The guest sees the repo and OUT, not the cache: bring netdevsim along.
cp "$KDIR/drivers/net/netdevsim/netdevsim.ko" "$out/" 2>/dev/null ||
	echo "test: no netdevsim.ko in $KDIR (CONFIG_NETDEVSIM=m): the side-by-side test will fail"
# The test files, in order: t00 (insmod) and t99 (unload,
# kmemleak) always, and those RFN_TESTS picks (default all).
tests=(t00_setup)
read -ra sels <<<"${RFN_TESTS:-t[0-9]*}"
for sel in "${sels[@]}"; do
	glob=${sel%%:*} cases=
	[ "$glob" != "$sel" ] && cases=:${sel#*:}
	# A bare number (t56) names the file t56_*.
	[[ $glob == t[0-9][0-9] ]] && glob+="_*"
	matched=0
	for f in tests/guest/$glob.sh; do
		f=${f##*/} f=${f%.sh}
		[ -f "tests/guest/$f.sh" ] || continue
		matched=1
		case $f in t00_setup | t99_unload) ;; t[0-9]*) tests+=("$f$cases") ;; esac
	done
	[ $matched = 1 ] || echo "test: RFN_TESTS: no test file matches $sel"
done
tests+=(t99_unload)
echo "test: guest test files: ${tests[*]}"
# The names go in a file: vng passes the guest's command on the kernel's
# command line, which holds 2048 bytes (base64 and all).
printf '%s\n' "${tests[@]}" >"$out/tests.list"
"$here/guest.sh" "$KDIR" "$out" bash tests/guest/run.sh "$out" "$top/rust_fib_notifier.ko" \
	"$out/netdevsim.ko" "@$out/tests.list"
guest_rc=$?
result "guest ran the tests to the end" $guest_rc
echo "guest: $(cat "$out/guest-seconds" 2>/dev/null) s (boot, tests, shutdown)"
# The guest collected, the host judges: results and snapshots -> KTAP.
python3 tests/judge.py "$out" "${tests[@]%%:*}"
result "guest results judged" $?
# Where the guest's time went: the slowest steps (the time up to each
# result, since the one before it).
if [ -s "$out/guest.results.times" ]; then
	echo "guest: slowest steps (seconds up to the result):"
	awk '$2 == "file" { f = $3; p = $1; next } p != "" { printf "%8.1f  %s: %s\n", $1 - p, f, substr($0, index($0, $2)) } { p = $1 }' \
		"$out/guest.results.times" | sort -rn | head -"${RFN_SLOWEST:-12}"
fi

kunit=$KDIR/source/tools/testing/kunit/kunit.py
[ -f "$kunit" ] || kunit=$KDIR/tools/testing/kunit/kunit.py
# count FILE LABEL: add a kunit.py parse summary to the totals.
count() {
	local summary p f
	if [ ! -s "$1" ]; then result "$2: results present" 1; return; fi
	python3 "$kunit" parse "$1" | tee "$1.parsed"
	summary=$(grep 'Testing complete' "$1.parsed" | tail -1)
	p=$(sed -n 's/.*passed: \([0-9]*\).*/\1/p' <<<"$summary")
	f=$(grep -oE '(failed|crashed|errors): [0-9]+' <<<"$summary" | awk '{s += $2} END {print s + 0}')
	if [ -z "$p" ] && [ "$f" = 0 ]; then result "$2: results parse" 1; return; fi
	passed=$((passed + ${p:-0})); failed=$((failed + f))
	echo "$2: ${p:-0} passed, $f failed"
}
# The module's KTAP starts after its load line (built-in suites ran at boot).
# The suites run at the first load (t99 loads the module again, with the
# suites filtered out): from the first "loaded" to the first "unloaded".
awk '/rust_fib_notifier: loaded/ { n++ } n == 1 { print } /rust_fib_notifier: unloaded/ && n == 1 { exit }' \
	"$out/dmesg.txt" >"$out/kunit.log"
count "$out/kunit.log" "KUnit (in the module, at insmod)"
grep -q 'PASSED.*rust_fib_notifier_chain' "$out/kunit.log.parsed" 2>/dev/null
result "KUnit suite rust_fib_notifier_chain ran and passed" $?
count "$out/guest.ktap" "guest integration"
"$here/dkms.sh" test-remove "$KDIR" >>"$out/dkms.log" 2>&1
result "DKMS: remove what the test installed (nothing the user installed)" $?

# A clean kernel log from the module's load on: any of these fails the run.
# Reports before the load (the marker t00 writes just before insmod) are
# not the module's (an emulator or early-boot artefact): printed as a
# warning, never hidden, never a failure.
splats='WARNING:|BUG:|BUG |Oops|general protection|KASAN|kmemleak:.*new suspected|possible recursive locking|possible circular locking|possible irq lock inversion|inconsistent lock state|suspicious RCU usage|sleeping function called from invalid context|rcu_sched detected stall|rcu: INFO:|detected stall|Call Trace:|UBSAN|refcount_t:|list_add corruption|list_del corruption|hung_task|blocked for more than|waiting for .* to become free'
marker='rust_fib_notifier-test: insmod'
if [ ! -s "$out/dmesg.txt" ]; then
	result "kernel log present" 1
elif ! grep -qF "$marker" "$out/dmesg.txt"; then
	grep -nE "$splats" "$out/dmesg.txt" | head -40
	result "kernel log: the module was loaded (marker '$marker')" 1
else
	awk -v m="$marker" 'index($0, m) { exit } { print }' "$out/dmesg.txt" >"$out/dmesg-preload.txt"
	awk -v m="$marker" 'found { print } index($0, m) { found = 1 }' "$out/dmesg.txt" >"$out/dmesg-module.txt"
	if grep -nE "$splats" "$out/dmesg-preload.txt" >"$out/splats-preload.txt"; then
		echo "test: WARNING: the kernel reported this before the module was loaded (not the module's; see $out/dmesg-preload.txt):"
		head -20 "$out/splats-preload.txt"
	fi
	if grep -nE "$splats" "$out/dmesg-module.txt" >"$out/splats.txt"; then
		result "kernel log clean from the module's load on (no WARN, BUG, lockdep, KASAN, kmemleak, RCU stall)" 1
		head -60 "$out/splats.txt"
	else
		result "kernel log clean from the module's load on (no WARN, BUG, lockdep, KASAN, kmemleak, RCU stall)" 0
	fi
fi

echo "wall time: $(( $(date +%s) - t0 )) s; logs in $out"
echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
