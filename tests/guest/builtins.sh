# SPDX-License-Identifier: GPL-2.0
# Helpers without a process (shell builtins only), for the guest: sourced
# by tests/guest/lib.sh and bench/guest.sh.  Every process started in the
# guest costs a large fraction of a second under TCG.

# A sleep without a process: read(1) with a timeout on a pipe nobody
# writes to.
exec {_nap_fd}<> <(:)
nap() { read -r -t "$1" -u "$_nap_fd" _ || :; }

# usecs VAR: VAR := microseconds since the epoch.
usecs() { local t=${EPOCHREALTIME/./}; printf -v "$1" '%s' "$t"; }

# wait_for SECONDS COMMAND...: poll (every 0.1 s) until COMMAND succeeds,
# for at most SECONDS (wall clock, however long COMMAND takes).
wait_for() {
	local end=$((${EPOCHREALTIME%.*} + $1))
	shift
	while [ "${EPOCHREALTIME%.*}" -lt $end ]; do
		"$@" && return 0
		nap 0.1
	done
	"$@"
}

# get VAR KEY [FILE]: VAR := the value of KEY in a `key value` file
# (default $GET_FILE), without a subshell; MISSING and failure if absent.
get() {
	local _k _v
	while read -r _k _v; do
		if [ "$_k" = "$2" ]; then
			printf -v "$1" '%s' "$_v"
			return 0
		fi
	done <"${3:-${GET_FILE:?get: no file}}"
	printf -v "$1" '%s' MISSING
	return 1
}
