#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# `make bench`: what the module costs, against the kernel's own mechanism
# and netdevsim, each figure in one boot with its reference, on kernels
# without debug checkers, two ways, never mixed in one figure:
#  - native: User-mode Linux (scripts/bench-uml.sh), the kernel's code
#    running natively: replay, churn, resync (out/bench-uml/);
#  - TCG: one QEMU guest boot (kernel/rfn.config + kernel/rfn-bench.config,
#    built once and cached like the test kernel), everything, netdevsim
#    included (out/bench/).
# Never fails on a number: prints and saves them (results.json, results.md,
# *.png, bench.raw in each directory).
#
#   BENCH=replay,insert,flag,churn,teardown,resync   what to measure
#                        (default all; memory comes with insert and flag;
#                        natively only replay, churn and resync)
#   BENCH_ACCEL=native,tcg   which ways (default both)
#   BENCH_SCALE=full|small|smoke   sizes (default: full natively, up to 1M
#                        routes over 64 namespaces, minutes; small under
#                        TCG, up to 100k routes, about 10-20 minutes)
#   BENCH_RUNS=N         runs of each figure (default 3, smoke 1); the
#                        median is kept
#   BENCH_PAGE=1         also put both results.md into
#                        Documentation/performance.md (between its markers;
#                        BENCH_README=1 is the same)
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/env.sh"
top=$(cd "$here/.." && pwd)
cd "$top"
bench=${BENCH:-replay,insert,flag,churn,teardown,resync}
accels=${BENCH_ACCEL:-native,tcg}
scale=${BENCH_SCALE:-small}
case $scale in full | small | smoke) ;; *) echo "bench: BENCH_SCALE=$scale: full, small or smoke" >&2; exit 2 ;; esac
runs=${BENCH_RUNS:-}
case $runs in '' | [1-9] | [1-9][0-9]) ;; *) echo "bench: BENCH_RUNS=$runs: 1 to 99" >&2; exit 2 ;; esac
page=${BENCH_PAGE:-${BENCH_README:-0}}
t0=$(date +%s)

# Documentation/performance.md: the part between `<!-- bench:NAME:begin`
# and `<!-- bench:NAME:end` becomes FILE.
update_page() { # NAME FILE
	local doc=$top/Documentation/performance.md
	[ -s "$2" ] && [ -f "$doc" ] || return 0
	awk -v md="$2" -v name="$1" '
		index($0, "<!-- bench:" name ":begin") == 1 { print; while ((getline l < md) > 0) print l; skip = 1; next }
		index($0, "<!-- bench:" name ":end") == 1 { skip = 0 }
		!skip' "$doc" >"$doc.new" && mv "$doc.new" "$doc" &&
		echo "bench: Documentation/performance.md's $1 section updated from $2"
}

rc_native=0
if [[ ,$accels, == *,native,* ]]; then
	native=
	for b in replay churn resync hot; do [[ ,$bench, == *,$b,* ]] && native+=${native:+,}$b; done
	if [ -n "$native" ]; then
		BENCH=$native BENCH_SCALE=${BENCH_SCALE:-full} "$here/bench-uml.sh"
		rc_native=$?
		[ "$page" = 1 ] && update_page native "${RFN_UML_OUT:-$top/out/bench-uml}/results.md"
	fi
fi
[[ ,$accels, == *,tcg,* ]] || exit "$rc_native"

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

case $scale in
full) eta="hours (netdevsim's insertions of 100k routes take minutes each)" ;;
small) eta="about 10-20 minutes" ;;
smoke) eta="about 3 minutes" ;;
esac
echo "bench: $bench at scale $scale, on $kdir (no debug checkers), TCG: $eta"
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
	--meta "scale=$scale" --meta "bench=$bench" --meta "title=TCG (QEMU)"
[ "$page" = 1 ] && update_page tcg "$out/results.md"
echo "bench: $(( $(date +%s) - t0 )) s; results in $out (results.json, results.md, *.png)"
[ "$rc" = 0 ] && exit "$rc_native"
exit "$rc"
