# SPDX-License-Identifier: GPL-2.0
# A seeded random stress run (tests/stress/): route, nexthop, rule,
# address, link and namespace changes, registrations, detaches, resyncs,
# knobs, failslab and a module reload, with every attached listener
# compared with the kernel at quiet points (in the guest, by the suite's
# comparer, tests/host/snapshot.py) and the kernel log read there.  In
# `make test` a short run with a fixed seed; `make stress` (scripts/
# stress.sh) runs this file alone with SEED= and MINUTES= (OUT/stress.env).
# A failure's seed, reason and last operations are in output.log and in
# the result's diagnostics.  The last quiet point's snapshot is judged
# again on the host.
ALL_TESTS="stress_run"

setup() {
	ns_setup ns1 ns2 ns3
}

cleanup() {
	:
}

stress_run() {
	local out=${RESULTS%/*} seeds=1 seconds=60 ops=0 measure= rc line word seed n=0
	local -a judges=() lines fields rcs=() all
	# scripts/stress.sh: `seed=S[,S...] seconds=T [ops=N] [measure=1]`:
	# one run of T seconds per seed.
	if [ -f "$out/stress.env" ]; then
		read -r line <"$out/stress.env"
		for word in $line; do
			case $word in
			seed=*) seeds=${word#seed=} ;;
			seconds=*) seconds=${word#seconds=} ;;
			ops=*) ops=${word#ops=} ;;
			measure=1) measure=--measure ;;
			esac
		done
	fi
	: >"$out/stress.log"
	for seed in ${seeds//,/ }; do
		: >"$out/stress.judge"
		# tee: the progress reaches output.log (guest.sh's stall watch) as it goes.
		python3 tests/stress/stress.py --seed "$seed" --seconds "$seconds" --ops "$ops" \
			--out "$out" --ko "$KO" $measure 2>&1 | tee "$out/stress.$seed.log"
		rcs+=("${PIPESTATUS[0]}")
		measure=
		mapfile -t all <"$out/stress.$seed.log"
		printf '%s\n' "${all[@]}" >>"$out/stress.log"
	done
	mapfile -t judges <"$out/stress.judge"
	plan $((${#rcs[@]} + ${#judges[@]}))
	for seed in ${seeds//,/ }; do
		rc=${rcs[n]} n=$((n + 1))
		mapfile -t lines <"$out/stress.$seed.log"
		if [ "$rc" != 0 ]; then
			for line in "${lines[@]: -60}"; do diag "$line"; done
		elif [ ${#lines[@]} -gt 0 ]; then
			diag "${lines[-1]}"
		fi
		check "stress: seed $seed, every listener equals the kernel at every quiet point, no kernel report, no hang" \
			test "$rc" = 0
	done
	# The last seed's final snapshot, judged again on the host.
	for line in "${judges[@]}"; do
		IFS=$'\t' read -ra fields <<<"$line"
		judge stress-final "${fields[@]}"
	done
}
