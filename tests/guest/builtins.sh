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

# A debugfs (or /proc) file is a seq_file.  After each `read` builtin
# bash seeks back to the end of the line it returned, and each such lseek
# has the kernel format the file again from its start: a `while read` loop
# over a 500-line table took 4 s in the guest, `mapfile` 0.04 s.  So the
# helpers read such files whole, with `mapfile`, and loop over the lines.

# get VAR KEY [FILE]: VAR := the value of KEY in a `key value` file
# (default $GET_FILE), without a subshell; MISSING and failure if absent.
get() {
	local _l _lines
	mapfile -t _lines <"${3:-${GET_FILE:?get: no file}}"
	for _l in "${_lines[@]}"; do
		# As `read -r key value` splits it.
		[[ $_l =~ ^[[:space:]]*([^[:space:]]+)[[:space:]]*(.*[^[:space:]])?[[:space:]]*$ ]] || continue
		if [ "${BASH_REMATCH[1]}" = "$2" ]; then
			printf -v "$1" '%s' "${BASH_REMATCH[2]}"
			return 0
		fi
	done
	printf -v "$1" '%s' MISSING
	return 1
}

# show_files FILE...: what `tail -n +1 FILE...` prints (each file under a
# `==> FILE <==` line), without a process.  Bash's printf makes a write(2)
# of each argument: print into a file on tmpfs, never straight into one on
# the 9p share (an RPC each: 3300 lines took 15 s).
show_files() {
	local _f _lines
	for _f in "$@"; do
		printf '==> %s <==\n' "$_f"
		mapfile -t _lines <"$_f" && printf '%s\n' "${_lines[@]}"
	done
}
