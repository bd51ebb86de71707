#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# DKMS packaging of rust_fib_notifier (`make dkms-install`,
# `make dkms-uninstall`), and its test against the test kernel.
#   scripts/dkms.sh install [KVER KSRC]   sources to /usr/src, dkms add,
#                                         build and install for KVER
#                                         (default: the running kernel)
#   scripts/dkms.sh remove                dkms remove, sources gone
#   scripts/dkms.sh test KSRC             install for KSRC's kernel, then
#                                         build the example C listener
#                                         against the installed module
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/.." && pwd)
name=rust-fib-notifier
version=0.1.$(git -C "$top" rev-list --count HEAD 2>/dev/null || echo 0)
src=/usr/src/$name-$version
die() {
	echo "dkms: $*" >&2
	exit 1
}
command -v dkms >/dev/null || die "dkms is not installed (apt-get install dkms)"

remove() {
	local v
	for v in /usr/src/$name-*; do
		[ -d "$v" ] || continue
		v=${v##*/$name-}
		dkms remove -m $name -v "$v" --all >/dev/null 2>&1 || :
		rm -rf "/usr/src/$name-$v"
	done
}

install() {
	local kver=${1:-$(uname -r)} ksrc=${2:-}
	remove
	mkdir -p "$src"
	# The module's sources only: no tests, no scripts beyond dkms/.
	(cd "$top" && git ls-files -- '*.rs' '*.c' '*.h' Kbuild Kconfig 'dkms/*.sh' |
		grep -vE '^(tests|examples)/' | cpio -pdm --quiet "$src")
	sed "s/@VERSION@/$version/" "$top/dkms/dkms.conf.in" >"$src/dkms.conf"
	dkms add -m $name -v "$version" >/dev/null
	local k=(-k "$kver")
	[ -n "$ksrc" ] && k+=(--kernelsourcedir "$ksrc")
	dkms build -m $name -v "$version" "${k[@]}" ||
		{ cat "/var/lib/dkms/$name/$version/build/make.log" >&2 2>/dev/null; die "dkms build failed"; }
	dkms install -m $name -v "$version" "${k[@]}" --force >/dev/null || die "dkms install failed"
	dkms status -m $name -v "$version"
}

case ${1:-} in
install) shift; install "$@" ;;
remove) remove ;;
test)
	ksrc=$2
	kver=$(cat "$ksrc/include/config/kernel.release")
	# The test kernel is not installed on the host: give DKMS (and the
	# guest, which runs on the host's root) its modules directory.
	mkdir -p "/lib/modules/$kver"
	install "$kver" "$ksrc"
	ko=$(ls /lib/modules/"$kver"/updates/dkms/rust_fib_notifier.ko* 2>/dev/null) ||
		die "dkms installed no rust_fib_notifier.ko for $kver"
	deps=$(modinfo -F depends "$ko")
	[[ ,$deps, != *,kunit,* ]] || die "the DKMS build depends on kunit"
	echo "dkms: $ko (depends: ${deps:-nothing}), modules.dep updated"
	# The example C listener, against the installed module's symbols.
	ex=$(mktemp -d)
	cp "$top"/examples/c_listener/{Kbuild,rfn_c_example.c} "$ex"
	make -s -C "$ksrc" M="$ex" LLVM="$(sh "$top/dkms/llvm.sh" "$ksrc")" \
		KBUILD_EXTRA_SYMBOLS="/var/lib/dkms/$name/$version/$kver/Module.symvers" \
		RFN_INCLUDE="$src/include" modules >/dev/null ||
		die "the example C listener did not build against the DKMS module"
	rm -rf "$ex"
	echo "dkms: the example C listener builds against /var/lib/dkms/$name/$version/$kver/Module.symvers"
	;;
*) die "usage: scripts/dkms.sh install [KVER KSRC] | remove | test KSRC" ;;
esac
