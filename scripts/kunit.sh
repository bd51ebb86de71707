#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# `make kunit`: the module's KUnit suites through kunit.py's own flow, as a
# kernel developer runs them: the sources are placed in a kernel tree as
# net/rust_fib_notifier (CONFIG_RUST_FIB_NOTIFIER=y, built in) and
# `tools/testing/kunit/kunit.py run` builds and boots a UML kernel from
# tests/kunit/.kunitconfig.  UML needs no QEMU and no KVM, and it is
# kunit.py's default.  Documentation/kunit.md has the manual recipe.
#
#   make kunit                       the project's kernel source (set-up
#                                    fetches it: root, apt)
#   make kunit KDIR=~/src/linux      your own tree: no set-up, no root, no
#                                    apt (a source tree, or a build tree
#                                    whose `source` link names one)
#   make kunit LOCKDEP=1             with lockdep, so that the case that
#                                    needs it runs: under QEMU (x86_64),
#                                    since UML turns lock debugging off
#                                    while it boots; the same as
#                                    KUNIT_ARGS="--arch x86_64
#                                    --kconfig_add CONFIG_PROVE_LOCKING=y"
#   make kunit KUNIT_ARGS="..."      more kunit.py run arguments
#   KUNIT_ACCEL=tcg|kvm              QEMU's accelerator, when an --arch
#                                    runs under QEMU (default tcg: see below)
#
# The kernel tree is never changed: a hard-linked copy of it (a plain copy
# across filesystems; files we change are rewritten, never edited in
# place) is cached with its build output, under $RFN_CACHE if it is
# writable, else ~/.cache.  The result is read with kunit.py's own parser
# (`--json`), not from its summary line.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/env.sh"
top=$(cd "$here/.." && pwd)
log() { printf 'kunit: %s\n' "$*" >&2; }
die() { log "$*"; exit 1; }

if [ -n "${KDIR:-}" ]; then
	src=
	for d in "$KDIR" "$KDIR/source"; do
		[ -f "$d/tools/testing/kunit/kunit.py" ] && { src=$(cd "$d" && pwd -P); break; }
	done
	[ -n "$src" ] || die "KDIR=$KDIR has no tools/testing/kunit/kunit.py (a kernel source tree, or a build tree with a \`source\` link, is needed)"
	# The tree's identity: where it is and, in git, what is checked out.
	srcver=$(printf '%s\n%s\n' "$src" "$(git -C "$src" rev-parse HEAD 2>/dev/null || :)" |
		sha256sum | cut -c1-16)
else
	"$here/setup.sh"
	src=$("$here/build-kernel.sh" --src)
	srcver=$(basename "$(dirname "$src")")
fi
cache=$RFN_CACHE
if ! { mkdir -p "$cache" && [ -w "$cache" ]; } 2>/dev/null; then
	cache=${XDG_CACHE_HOME:-$HOME/.cache}/rust-fib-notifier
	mkdir -p "$cache"
fi

tree=$cache/kunit-tree/$srcver
if [ ! -f "$tree/.rfn-tree" ]; then
	log "linking a kernel tree for in-tree builds: $tree (from $src)"
	rm -rf "$tree"; mkdir -p "$(dirname "$tree")"
	# Hard links need the tree and the cache on one filesystem; else a
	# copy (a reflink where the filesystem has them).
	if ! cp -al "$src" "$tree" 2>/dev/null; then
		log "cannot hard-link $src into $cache (another filesystem): copying it"
		rm -rf "$tree"
		cp -a --reflink=auto "$src" "$tree"
	fi
	# An in-tree build left in the source (a .config): kunit.py builds
	# in a directory of its own, which needs a clean source.  Removing
	# the copy's links leaves the original tree as it is.
	if [ -e "$tree/.config" ] || [ -d "$tree/include/config" ]; then
		log "the tree has an in-tree build: cleaning the copy (make mrproper)"
		make -s -C "$tree" ARCH=um mrproper
	fi
	# sed -i writes new files: the hard-linked source stays untouched.
	sed -i '$a source "net/rust_fib_notifier/Kconfig"' "$tree/net/Kconfig"
	sed -i '$a obj-$(CONFIG_RUST_FIB_NOTIFIER) += rust_fib_notifier/' "$tree/net/Makefile"
	touch "$tree/.rfn-tree"
fi
# The module's files, as they are in this checkout.  The tree and its build
# directory are shared by every checkout (worktrees, clones): a file another
# checkout left there is removed, and a file whose content differs is
# written with the current time (rsync -c without -t), so that the build
# never takes an object built from other sources for up to date.
dst=$tree/net/rust_fib_notifier
if git -C "$top" rev-parse --git-dir >/dev/null 2>&1; then
	mapfile -t files < <(cd "$top" &&
		git ls-files -co --exclude-standard -- '*.rs' '*.c' '*.h' Kbuild Kconfig)
else
	mapfile -t files < <(cd "$top" && find . -path ./out -prune -o -type f \
		\( -name '*.rs' -o -name '*.c' -o -name '*.h' -o -name Kbuild -o -name Kconfig \) \
		-printf '%P\n')
fi
mkdir -p "$dst"
(cd "$dst" && find . -type f -printf '%P\n' |
	{ grep -vxF -f <(printf '%s\n' "${files[@]}") || :; } |
	xargs -r -d '\n' rm -f --)
printf '%s\n' "${files[@]}" | rsync -rc --files-from=- "$top/" "$dst/"

read -ra extra <<<"${KUNIT_ARGS:-}"
if [ "${LOCKDEP:-0}" = 1 ]; then
	extra=(--arch x86_64 --kconfig_add CONFIG_PROVE_LOCKING=y "${extra[@]}")
fi
# LOCKDEP is this script's: the kernel's make does not see it.
unset LOCKDEP
arch=um
for ((i = 0; i < ${#extra[@]}; i++)); do
	case ${extra[i]} in
	--arch=*) arch=${extra[i]#--arch=} ;;
	--arch) arch=${extra[i + 1]:-um} ;;
	esac
done
# One build directory per kernel tree, configuration and toolchain: a
# change of any of them builds afresh, going back reuses the old build.
# Of KUNIT_ARGS, only those kunit.py builds with count (--arch,
# --kconfig_add...): --timeout, --kernel_args, --raw_output and the like
# only change the run.
build_args=()
for ((i = 0; i < ${#extra[@]}; i++)); do
	case ${extra[i]} in
	--alltests | --make_options=* | --kunitconfig=* | --kconfig_add=* | --arch=* | \
		--cross_compile=* | --qemu_config=*)
		build_args+=("${extra[i]}") ;;
	--make_options | --kunitconfig | --kconfig_add | --arch | --cross_compile | --qemu_config)
		build_args+=("${extra[i]}" "${extra[i + 1]:-}")
		i=$((i + 1)) ;;
	esac
done
key=$( {
	echo "$srcver"
	grep -v '^#' "$top/tests/kunit/.kunitconfig"
	[ "${#build_args[@]}" = 0 ] || printf '%s\n' "${build_args[@]}"
	clang$LLVM --version 2>/dev/null | head -1
	rustc --version
} | sha256sum | cut -c1-16)
build=$cache/kunit-build/$key
mkdir -p "$build"
json=$build/results.json
rm -f "$json"
cd "$tree"
how=UML
if [ "$arch" != um ]; then
	# kunit.py's QEMU asks for KVM first (-accel kvm -accel hvf -accel
	# tcg: the first that starts wins).  A /dev/kvm that opens but cannot
	# run the guest (nested virtualization: "KVM internal error",
	# "emulation failure") then crashes the run, so TCG is the default:
	# every qemu-system-* kunit.py starts is, through PATH, a wrapper
	# that drops the other accelerators.  KUNIT_ACCEL=kvm keeps kunit.py's
	# order.
	accel=${KUNIT_ACCEL:-tcg}
	case $accel in
	kvm) ;;
	tcg)
		qdir=$(mktemp -d)
		trap 'rm -rf "$qdir"' EXIT
		for q in $(compgen -c qemu-system- | sort -u); do
			real=$(command -v "$q") || continue
			cat >"$qdir/$q" <<-EOF
			#!/bin/sh
			# kunit.sh: $real, keeping only -accel tcg
			first=1 acc=
			for a; do
				[ \$first = 1 ] && { set --; first=0; }
				if [ -n "\$acc" ]; then
					acc=
					[ "\$a" = tcg ] && set -- "\$@" -accel tcg
				elif [ "\$a" = -accel ]; then
					acc=1
				else
					set -- "\$@" "\$a"
				fi
			done
			exec $(printf '%q' "$real") "\$@"
			EOF
			chmod +x "$qdir/$q"
		done
		PATH=$qdir:$PATH
		;;
	*) die "KUNIT_ACCEL=$accel: kvm or tcg" ;;
	esac
	how="QEMU $arch, $accel"
fi
log "kunit.py run ($how, build dir $build)${extra[*]:+ with ${extra[*]}}"
status=0
python3 tools/testing/kunit/kunit.py run \
	--kunitconfig="$top/tests/kunit/.kunitconfig" \
	--build_dir="$build" \
	--make_options "LLVM=$LLVM" \
	--jobs "$(nproc)" \
	--json="$json" \
	"${extra[@]}" \
	"rust_fib_notifier*" || status=$?
[ -f "$json" ] || die "kunit.py wrote no results (status $status): the build or the boot failed"

# The verdict, from kunit.py's parse (KernelCI JSON): every case of every
# rust_fib_notifier suite, and the counts.
if ! python3 - "$json" <<'EOF'
import json, sys

def cases(group, path=()):
    for sub in group.get("sub_groups", []):
        yield from cases(sub, path + (sub["name"],))
    for case in group.get("test_cases", []):
        yield path, case["name"], case["status"]

root = json.load(open(sys.argv[1]))
count = {}
suites = set()
for path, name, status in cases(root):
    if not path or not path[0].startswith("rust_fib_notifier"):
        continue
    suites.add(path[0])
    count[status] = count.get(status, 0) + 1
    if status != "PASS":
        print(f"kunit: {status}: {'.'.join(path)}.{name}")
total = sum(count.values())
summary = ", ".join(f"{n} {s.lower()}" for s, n in sorted(count.items()))
print(f"kunit: {len(suites)} suites ({', '.join(sorted(suites))}), {total} cases: {summary}")
bad = total == 0 or any(s not in ("PASS", "SKIP") for s in count)
sys.exit(1 if bad else 0)
EOF
then
	[ "${accel:-}" = kvm ] && log "under KVM: a KVM that cannot run this guest fails so; KUNIT_ACCEL=tcg runs it emulated"
	exit 1
fi
# A crash kunit.py parsed as far as it got is still a failure.
[ "$status" = 0 ] || die "kunit.py run failed (status $status)"
