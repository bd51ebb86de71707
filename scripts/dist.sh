#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# `make dist`: the release tarball, out/dist/rust-fib-notifier-VERSION.tar.xz
# (and its .sha256), made from the committed tree (git archive: the same
# commit gives the same bytes).  What is in it builds without git: `make
# module KDIR=...`, `make install KDIR=...`, `dkms add` of the unpacked
# directory (dkms.conf is at its top).  Before it packs, it checks that
# VERSION, dkms.conf's PACKAGE_VERSION and CHANGELOG.md's newest entry
# agree.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/.." && pwd)
cd "$top"
die() { printf 'dist: ERROR: %s\n' "$*" >&2; exit 1; }

git rev-parse --verify -q HEAD >/dev/null 2>&1 ||
	die "make dist packs a git checkout's HEAD; this is not one (an unpacked tarball is already the release)"
version=$(git show HEAD:VERSION) || die "no VERSION committed"
[[ $version =~ ^[0-9]+\.[0-9]+\.[0-9]+$ ]] || die "VERSION is \"$version\", not N.N.N"
conf=$(git show HEAD:dkms.conf | sed -n 's/^PACKAGE_VERSION="\(.*\)"$/\1/p')
[ "$conf" = "$version" ] || die "dkms.conf says PACKAGE_VERSION=\"$conf\", VERSION says $version"
newest=$(git show HEAD:CHANGELOG.md | sed -n 's/^## \([0-9][0-9.]*\).*/\1/p' | head -1)
[ "$newest" = "$version" ] || die "CHANGELOG.md's newest entry is \"$newest\", VERSION says $version"
git diff --quiet HEAD -- || echo "dist: the working tree has uncommitted changes; the tarball is HEAD ($(git rev-parse --short HEAD)) without them" >&2

name=rust-fib-notifier-$version
out=$top/out/dist
mkdir -p "$out"
git archive --format=tar --prefix="$name/" HEAD | xz -T1 -9 >"$out/$name.tar.xz.tmp"
mv "$out/$name.tar.xz.tmp" "$out/$name.tar.xz"
(cd "$out" && sha256sum "$name.tar.xz" >"$name.tar.xz.sha256")

# What DKMS and Kbuild read must be in it.
list=$(tar -tJf "$out/$name.tar.xz")
for f in VERSION COPYING LICENSES/preferred/GPL-2.0 CHANGELOG.md dkms.conf Kbuild Makefile \
	include/rust_fib_notifier.h dkms/make.sh dkms/prebuild.sh dkms/llvm.sh; do
	grep -qxF "$name/$f" <<<"$list" || die "$f is not in the tarball"
done
echo "dist: $out/$name.tar.xz ($(du -k "$out/$name.tar.xz" | cut -f1) KiB, $(grep -c . <<<"$list") entries)"
echo "dist: build it: tar xf $name.tar.xz && make -C $name module KDIR=/lib/modules/\$(uname -r)/build"
