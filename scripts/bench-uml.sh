#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# The native benchmark: the same measuring code as `make bench`'s TCG guest
# (bench/guest.sh, bench/rfn_bench.c), in User-mode Linux, where kernel
# code runs natively as a host process: no emulator between the module and
# the CPU.  Built in, rfn_bench also adds the routes in the kernel (its
# `fill`: fib_table_insert(), ip6_route_add()), as a system call per route
# costs tens of microseconds in UML, and reads the host thread's CPU time
# beside ktime (bench/uml/host_cputime.h).  The module and rfn_bench are built into a UML kernel (a hard-linked
# kernel tree with them as net/rust_fib_notifier and net/rfn_bench, as
# `make kunit` does; tree and build cached under $RFN_CACHE, keyed by the
# source, bench/uml/uml.config and the compilers).  It boots with the host's
# root as a read-only hostfs root and bench/uml/init.sh as init, which runs
# bench/guest.sh with the host's own ip and bash and writes OUT/bench.raw.
#
#   scripts/bench-uml.sh [--build-only]
#   BENCH=replay,churn,resync  what to measure (default: those; hot: the
#                              replays, each way's in blocks in turn,
#                              profiled from the host with perf:
#                              OUT/profile-*.txt, samples per symbol)
#   BENCH_SCALE=full|small|smoke   as scripts/bench.sh (default full)
#   BENCH_RUNS=N               as scripts/bench.sh (default 20: 100 runs
#                              of each replay, cheap natively)
#   BENCH_ROUTES=N,N...        the replay points' routes (IPv4), instead
#   BENCH_NETS=N,N...          of the scale's, over these namespaces each
#   BENCH_ROUTES6=N            the IPv6 point's routes (0: none)
#   RFN_HOT_RUNS=N             hot: the replays of each way (default 300,
#                              rounded up to a multiple of 50)
#   BENCH_BOOTS=N              with replay: the goal's point (100k IPv4
#                              routes, 8 namespaces) measured in N boots
#                              in all (default 7; OUT/boot-K), the goal
#                              checked on the median of their ratios
#                              paired by round (bench/report.py)
#   RFN_UML_MEM=3G             the UML guest's memory
#   RFN_UML_OUT=DIR            where the results go
#
# --build-only prints the build dir.  A run writes OUT (default
# out/bench-uml): bench.raw, output.log, console.log, dmesg.log,
# results.json, results.md, plots; with hot, perf.data and profiles.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/env.sh"
top=$(cd "$here/.." && pwd)
log() { printf 'bench-uml: %s\n' "$*" >&2; }
# The guest mounts its own tmpfs on /tmp and /run: a checkout there is
# hidden from it.
case $top/ in /tmp/* | /run/*) log "the checkout ($top) must not be under /tmp or /run"; exit 2 ;; esac

"$here/setup.sh" >&2
# The tree and the build are shared by every checkout: one build or run
# at a time (a run's kernel must not be rebuilt from other sources under it).
exec 9>"$RFN_CACHE/uml-bench.lock"
flock -n 9 || { log "waiting for another checkout's native benchmark"; flock 9; }
src=$("$here/build-kernel.sh" --src)
srcver=$(basename "$(dirname "$src")")
tree=$RFN_CACHE/uml-bench-tree/$srcver
if [ ! -f "$tree/.rfn-tree" ]; then
	log "linking a kernel tree for the native benchmark: $tree"
	rm -rf "$tree"; mkdir -p "$(dirname "$tree")"
	cp -al "$src" "$tree"
	# sed -i writes new files: the hard-linked source stays untouched.
	sed -i '$a source "net/rust_fib_notifier/Kconfig"' "$tree/net/Kconfig"
	sed -i '$a obj-$(CONFIG_RUST_FIB_NOTIFIER) += rust_fib_notifier/ rfn_bench/' "$tree/net/Makefile"
	touch "$tree/.rfn-tree"
fi
# The module's files and rfn_bench, as they are in this checkout.  A file
# another checkout left there is removed, and one whose content differs is
# written with the current time (rsync -c without -t): the build never
# takes an object built from other sources for up to date.
dst=$tree/net/rust_fib_notifier
mapfile -t files < <(cd "$top" &&
	git ls-files -co --exclude-standard -- '*.rs' '*.c' '*.h' Kbuild Kconfig)
mkdir -p "$dst" "$tree/net/rfn_bench/uml"
(cd "$dst" && find . -type f -printf '%P\n' |
	{ grep -vxF -f <(printf '%s\n' "${files[@]}") || :; } |
	xargs -r -d '\n' rm -f --)
printf '%s\n' "${files[@]}" | rsync -rc --files-from=- "$top/" "$dst/"
rsync -c "$top/bench/rfn_bench.c" "$tree/net/rfn_bench/"
rsync -c "$top/bench/uml/host_cputime.h" "$tree/net/rfn_bench/uml/"
printf '%s\n' '# SPDX-License-Identifier: GPL-2.0' \
	'obj-$(CONFIG_RUST_FIB_NOTIFIER) += rfn_bench.o' \
	'ccflags-y := -I$(srctree)/net/rust_fib_notifier/include' >"$tree/net/rfn_bench/Makefile.new"
cmp -s "$tree/net/rfn_bench/Makefile.new" "$tree/net/rfn_bench/Makefile" ||
	mv "$tree/net/rfn_bench/Makefile.new" "$tree/net/rfn_bench/Makefile"
rm -f "$tree/net/rfn_bench/Makefile.new"

config=$top/bench/uml/uml.config
key=$( {
	echo "$srcver"
	cat "$config"
	clang$LLVM --version | head -1
	rustc --version
} | sha256sum | cut -c1-16)
build=$RFN_CACHE/uml-bench-build/$key
mkdir -p "$build"
# The test listeners (the counter, the mock switchdev) are what is measured.
mk() { nice -n 10 make -C "$tree" O="$build" ARCH=um LLVM="$LLVM" RFN_TEST_LISTENERS=1 "$@"; }
if [ ! -f "$build/.rfn-config" ]; then
	cp "$config" "$build/.config"
	mk olddefconfig >"$build/config.log" 2>&1 || { cat "$build/config.log" >&2; exit 1; }
	# Every line of the fragment held (a dependency missing drops one).
	missing=0
	while read -r line; do
		case $line in
		CONFIG_*=*) grep -qxF "$line" "$build/.config" || { log "not set: $line"; missing=1; } ;;
		'# CONFIG_'*' is not set') grep -q "^${line:2:-11}=" "$build/.config" && { log "set: ${line:2:-11}"; missing=1; } ;;
		esac
	done <"$config"
	[ "$missing" = 0 ] || exit 1
	touch "$build/.rfn-config"
fi
log "building the UML kernel in $build (nice, -j$(nproc); minutes the first time)"
mk -j"$(nproc)" >"$build/build.log" 2>&1 || { tail -40 "$build/build.log" >&2; exit 1; }
log "built: $build/linux"
[ "${1:-}" = --build-only ] && { echo "$build"; exit 0; }

bench=${BENCH:-replay,churn,resync}
scale=${BENCH_SCALE:-full}
case $scale in full | small | smoke) ;; *) log "BENCH_SCALE=$scale: full, small or smoke"; exit 2 ;; esac
# Natively a replay takes milliseconds: many runs (5 x 20 of each replay)
# cost little and steady the medians on a loaded machine.
runs=${BENCH_RUNS:-20}
out=${RFN_UML_OUT:-$top/out/bench-uml}
rm -rf "$out"; mkdir -p "$out"
t0=$(date +%s)
case $scale in
full) eta="about 4 minutes with 20 runs (1M routes over 1, 8 and 64 namespaces)" ;;
small) eta="about 1 minute" ;;
smoke) eta="under a minute" ;;
esac
log "$bench at scale $scale, native (UML, $build/linux): $eta"
# The guest's init gets its arguments through the kernel command line
# (rfn_* parameters land in init's environment).  The UML process maps
# its memory from a file under TMPDIR: /dev/shm keeps it in RAM.
points=()
for v in ROUTES NETS ROUTES6; do
	var=BENCH_$v
	[ -n "${!var:-}" ] && points+=("rfn_${v,,}=${!var}")
done
[ -n "${RFN_HOT_RUNS:-}" ] && points+=("RFN_HOT_RUNS=$RFN_HOT_RUNS")

# boot DIR BENCH POINT...: one UML boot measuring BENCH into DIR; its
# status.  With hot, perf follows the UML process from the host.
boot() {
	local dir=$1 what=$2 uml perf= rc rc_guest
	shift 2
	TMPDIR=/dev/shm "$build/linux" mem="${RFN_UML_MEM:-3G}" \
		root=/dev/root rootfstype=hostfs rootflags=/ ro init="$top/bench/uml/init.sh" \
		con=null con0=fd:0,fd:1 \
		rfn_top="$top" rfn_out="$dir" rfn_bench="$what" rfn_scale="$scale" rfn_runs="$runs" "$@" \
		</dev/null >"$dir/console.log" 2>&1 &
	uml=$!
	if [[ ,$what, == *,hot,* ]] && command -v perf >/dev/null; then
		# cpu-clock (no PMU in these VMs), timestamps on the realtime
		# clock that the guest's phases are written in.
		perf record -q -k realtime -F 2000 -g -p $uml -o "$dir/perf.data" >"$dir/perf.log" 2>&1 &
		perf=$!
	fi
	# Progress: init.sh writes the guest's output into DIR.
	touch "$dir/output.log"
	tail -n +1 -F --pid=$uml "$dir/output.log" 2>/dev/null | grep --line-buffered '^bench:' >&2 &
	rc=0
	wait $uml || rc=$?
	# perf ends with the process it follows.
	[ -z "$perf" ] || wait "$perf" || :
	sleep 1
	rc_guest=$(cat "$dir/rc" 2>/dev/null || echo none)
	[ "$rc_guest" = 0 ] && return 0
	tail -30 "$dir/console.log" >&2
	log "the UML guest failed (init rc $rc_guest, UML rc $rc; $dir/console.log)"
	return 1
}

rc_guest=0
boot "$out" "$bench" "${points[@]}" || rc_guest=$?
# The goal's point again in boots of their own: one boot's ratio of
# medians moves by a few percent, the control's too (report.py).
boots=${BENCH_BOOTS:-7}
[[ $boots =~ ^[1-9][0-9]?$ ]] || { log "BENCH_BOOTS=$boots: 1 to 99"; exit 2; }
if [ "$rc_guest" = 0 ] && [ "$boots" -gt 1 ] &&
	grep -q '^kind=replay family=ipv4 routes=100000 nets=8 ' "$out/bench.raw"; then
	for ((k = 2; k <= boots; k++)); do
		log "replay at 100,000 IPv4 routes over 8 namespaces again: boot $k of $boots"
		mkdir -p "$out/boot-$k"
		boot "$out/boot-$k" replay rfn_routes=100000 rfn_nets=8 rfn_routes6=0 || { rc_guest=1; break; }
		sed -n "s/^kind=replay .*/& boot=$k/p" "$out/boot-$k/bench.raw" >>"$out/bench.raw"
	done
fi

if [ -s "$out/phases" ] && [ -s "$out/perf.data" ]; then
	# Each way's blocks of runs together; samples counted, so that the ways'
	# profiles compare (the same number of replays each).
	for who in kernel wrapped c rust; do
		ranges=$(awk -v w="$who" '$1 == w { printf "%s%s,%s", sep, $2, $3; sep = " " }' "$out/phases")
		runs=$(awk -v w="$who" '$1 == w { n += $4 } END { print n + 0 }' "$out/phases")
		[ -n "$ranges" ] || continue
		perf report -i "$out/perf.data" --time "$ranges" --stdio --no-children \
			--sort sym -g none -F overhead,sample,sym </dev/null 2>/dev/null |
			grep -v '^#' | grep -v '^$' | sort -k2,2nr | head -40 >"$out/profile-$who.txt" || :
		log "profile of $runs replays by $who: $out/profile-$who.txt"
	done
fi
/usr/bin/python3 "$top/bench/report.py" "$out/bench.raw" --out "$out" \
	--meta "machine=$(nproc) CPUs, $(awk '/MemTotal/ { printf "%d GiB", $2 / 1048576 }' /proc/meminfo), $(sed -n 's/^model name[^:]*: //p' /proc/cpuinfo | head -1)" \
	--meta "kernel=$(make -s -C "$tree" O="$build" ARCH=um kernelversion 2>/dev/null) UML (bench/uml/uml.config)" \
	--meta "accel=native" --meta "date=$(date -u +%Y-%m-%dT%H:%MZ)" --meta "cpus=1" \
	--meta "scale=$scale" --meta "bench=$bench" --meta "title=Native (User-mode Linux)" >/dev/null
log "$(( $(date +%s) - t0 )) s; results in $out (results.json, results.md)"
[ "$rc_guest" = 0 ]
