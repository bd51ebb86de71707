#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# `make bench`: what the module costs, measured in one guest boot against
# the kernel's own mechanism and netdevsim, on a kernel without debug
# checkers (kernel/rfn.config + kernel/rfn-bench.config, built once and
# cached like the test kernel).  Never fails on a number: prints and saves
# them (out/bench/: results.json, results.md, *.png, bench.raw).
#
#   BENCH=replay,insert,flag,churn,teardown   what to measure (default all;
#                                             memory comes with insert, flag)
#   BENCH_SCALE=full|small|smoke              sizes (default full: up to 1M
#                                             routes, 64 namespaces)
#   BENCH_RUNS=N                              runs of each figure (default 3,
#                                             smoke 1); the median is kept
#   BENCH_README=1                            also put results.md into the
#                                             README's performance section
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/env.sh"
top=$(cd "$here/.." && pwd)
cd "$top"
bench=${BENCH:-replay,insert,flag,churn,teardown}
scale=${BENCH_SCALE:-full}
case $scale in full | small | smoke) ;; *) echo "bench: BENCH_SCALE=$scale: full, small or smoke" >&2; exit 2 ;; esac
runs=${BENCH_RUNS:-}
case $runs in '' | [1-9] | [1-9][0-9]) ;; *) echo "bench: BENCH_RUNS=$runs: 1 to 99" >&2; exit 2 ;; esac
t0=$(date +%s)

"$here/setup.sh" || exit 1
kdir=$(RFN_KCONFIG_EXTRA=$top/kernel/rfn-bench.config "$here/build-kernel.sh") || exit 1
out=${RFN_OUT:-$top/out/bench}
rm -rf "$out"; mkdir -p "$out"

# The product module and the measuring module, built in a copy of the tree
# (the repo's own objects stay those of the test kernel).
src=$out/src
mkdir -p "$src"
git ls-files -z | rsync -a --from0 --files-from=- ./ "$src/"
mk() { make -C "$kdir" LLVM="$LLVM" -j"$(nproc)" "$@" >>"$out/build.log" 2>&1; }
mk M="$src" RFN_KUNIT=0 RFN_TEST_LISTENERS=1 || { tail -30 "$out/build.log"; echo "bench: the module did not build" >&2; exit 1; }
mk M="$src/bench" KBUILD_EXTRA_SYMBOLS="$src/Module.symvers" RFN_INCLUDE="$src/include" ||
	{ tail -30 "$out/build.log"; echo "bench: bench/rfn_bench.c did not build" >&2; exit 1; }
cp "$kdir/drivers/net/netdevsim/netdevsim.ko" "$out/" || exit 1

echo "bench: $bench at scale $scale, on $kdir (no debug checkers)"
# Progress: the guest's output, as it comes (it writes into OUT).
: >"$out/output.log"
tail -n +1 -F --pid=$$ "$out/output.log" 2>/dev/null | grep --line-buffered '^bench:' &
tailer=$!
RFN_GUEST_MEMORY=${RFN_GUEST_MEMORY:-4G} \
	RFN_STALL_SECONDS=${RFN_STALL_SECONDS:-1800} RFN_GUEST_TIMEOUT=${RFN_GUEST_TIMEOUT:-14400} \
	"$here/guest.sh" "$kdir" "$out" bash bench/guest.sh "$out" "$src/rust_fib_notifier.ko" \
	"$src/bench/rfn_bench.ko" "$out/netdevsim.ko" "$bench" "$scale" "$runs" >"$out/guest.log" 2>&1
rc=$?
sleep 1
kill "$tailer" 2>/dev/null
[ "$rc" = 0 ] || { tail -20 "$out/guest.log"; echo "bench: the guest failed (rc $rc; $out/guest.log, $out/console.log)" >&2; }

accel=$(cat "$kdir/.rfn-accel" 2>/dev/null || echo tcg)
/usr/bin/python3 bench/report.py "$out/bench.raw" --out "$out" \
	--meta "machine=$(nproc) CPUs, $(awk '/MemTotal/ { printf "%d GiB", $2 / 1048576 }' /proc/meminfo), $(sed -n 's/^model name[^:]*: //p' /proc/cpuinfo | head -1)" \
	--meta "kernel=$(make -s -C "$kdir" kernelversion 2>/dev/null) (kernel/rfn.config + kernel/rfn-bench.config)" \
	--meta "accel=$accel" --meta "date=$(date -u +%Y-%m-%dT%H:%MZ)" --meta "cpus=2" \
	--meta "scale=$scale" --meta "bench=$bench"
# BENCH_README=1: the README's performance section becomes this run's
# results.md (between its two markers).
if [ "${BENCH_README:-0}" = 1 ] && [ -s "$out/results.md" ]; then
	awk -v md="$out/results.md" '
		/<!-- bench:begin/ { print; while ((getline l < md) > 0) print l; skip = 1; next }
		/<!-- bench:end/ { skip = 0 }
		!skip' README.md >"$out/README.md" && mv "$out/README.md" README.md &&
		echo "bench: README.md's performance section updated from $out/results.md"
fi
echo "bench: $(( $(date +%s) - t0 )) s; results in $out (results.json, results.md, *.png)"
exit "$rc"
