#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Idempotent set-up of everything `make test` / `make demo` need on a fresh
# Debian 12 (bookworm) machine.  Each step says what it does and why, and is
# skipped when it is already done.  A stamp keyed by this script's content
# makes a second run cost nothing.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=scripts/env.sh
. "$here/env.sh"

say() { printf 'setup: %s\n' "$*"; }
die() { printf 'setup: ERROR: %s\n' "$*" >&2; exit 1; }

stamp="$RFN_CACHE/setup.$(sha256sum "$0" | cut -c1-16).done"
if [ -f "$stamp" ] && [ -z "${RFN_SETUP_FORCE:-}" ]; then
	exit 0
fi

# --- pre-checks -------------------------------------------------------------
# Everything that set-up cannot fix itself, or must not try without the
# user's say, in one message, before anything is installed.
problems=()
# The kernel's own minimum for x86_64 (scripts/min-tool-version.sh).
rustc_min=1.85.0
[ "$(id -u)" = 0 ] ||
	problems+=("root: run as root (sudo make ..., or su - where sudo is not installed): set-up adds apt suites and packages, and the tests write /usr/src, /lib/modules and $RFN_CACHE")
os=$(. /etc/os-release 2>/dev/null && echo "${ID:-}-${VERSION_ID:-}")
[ "$os" = debian-12 ] ||
	problems+=("Debian 12 (bookworm): this set-up's apt steps are for it (this is ${os:-unknown}); elsewhere install the packages listed in Documentation/install.md and give KDIR= a Rust-enabled $KVER build tree")
if ! command -v rustup >/dev/null || ! command -v cargo >/dev/null; then
	problems+=("rustup and cargo: not found (Debian 12 packages no rustc recent enough for the kernel). Install them from https://rustup.rs as the user that runs make (root):
      apt-get install -y curl ca-certificates
      curl --proto '=https' --tlsv1.2 -sSf https://sh.rustup.rs | sh -s -- -y
      . \"\$HOME/.cargo/env\"
    (rustc >= $rustc_min; set-up then adds rust-src, clippy, rustfmt and bindgen-cli itself)")
elif ! printf '%s\n%s\n' "$rustc_min" "$(rustc --version | cut -d' ' -f2)" | sort -VC; then
	problems+=("rustc $rustc_min or newer: this is $(rustc --version) ($(command -v rustc)); the kernel needs $rustc_min: rustup update stable")
fi
# Disk space: apt packages (clang, LLVM, QEMU: about 1.5 GiB), the kernel
# source (/usr/src: 0.2 GiB, unpacked in the cache: 1.6 GiB) and the test
# kernel's build (0.7 GiB).  make kunit and make bench need 2.5 GiB more.
need_kib=$((4 * 1024 * 1024))
dir=$RFN_CACHE
while [ ! -d "$dir" ]; do dir=$(dirname "$dir"); done
avail_kib=$(df -Pk "$dir" | awk 'NR == 2 { print $4 }')
built=$(ls "$RFN_CACHE"/build/*/.rfn-built 2>/dev/null | head -1)
if [ -z "$built" ] && [ "${avail_kib:-0}" -lt "$need_kib" ]; then
	problems+=("disk space: $((avail_kib / 1024)) MiB free under $dir, set-up and the first build need about $((need_kib / 1024 / 1024)) GiB (make kunit and make bench 2.5 GiB more)")
fi
if [ ${#problems[@]} -gt 0 ]; then
	{
		echo "setup: cannot start, nothing was changed. Missing:"
		for p in "${problems[@]}"; do printf '  - %s\n' "$p"; done
	} >&2
	exit 1
fi
mkdir -p "$RFN_CACHE"

# --- apt ------------------------------------------------------------------
# Only two extra suites, both backports (NotAutomatic: nothing is upgraded
# unless asked for by -t):
#  - trixie-backports ships linux-source-7.3, the kernel we build and test;
#  - bookworm-backports ships a qemu-system-x86 that matches the installed
#    qemu-utils (bookworm's own qemu conflicts with it).
# Adding all of trixie or sid would upgrade the whole system: never do that.
src=/etc/apt/sources.list.d/rust-fib-notifier.sources
if [ ! -f "$src" ]; then
	say "adding apt suites trixie-backports (linux-source-7.3) and bookworm-backports (qemu)"
	cat >"$src" <<'SRC'
Types: deb
URIs: http://deb.debian.org/debian
Suites: bookworm-backports trixie-backports
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SRC
	rm -f "$RFN_CACHE"/apt-updated
fi
# trixie's archive key may be missing from bookworm's keyring package;
# debian-archive-keyring from bookworm-updates carries it.
if [ ! -f "$RFN_CACHE/apt-updated" ]; then
	say "apt-get update"
	apt-get update -q || die "apt-get update failed"
	touch "$RFN_CACHE/apt-updated"
fi

export DEBIAN_FRONTEND=noninteractive
# smcroute: the multicast routing daemon the guest tests run (t59).
# ca-certificates: cargo (crates.io) and pipx (PyPI) fetch over HTTPS.
# git: make check and make bench list the checkout's files with it.
# Not udev: virtme-ng's guest init runs udev coldplug when it finds udevd,
# which costs ~30 s of every TCG boot and gives the tests nothing.
pkgs=(clang-19 lld-19 llvm-19 libclang-19-dev bc bison flex libelf-dev
      libssl-dev cpio kmod iproute2 jq python3 xz-utils make
      gcc rsync pahole dwarves busybox-static procps file perl dkms
      python3-matplotlib smcroute ca-certificates git)
missing=()
for p in "${pkgs[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
	say "installing build and guest dependencies: ${missing[*]}"
	apt-get install -y -q --no-install-recommends "${missing[@]}" || die "apt-get install failed"
fi
if ! command -v qemu-system-x86_64 >/dev/null; then
	say "installing qemu-system-x86 from bookworm-backports (matches qemu-utils)"
	apt-get install -y -q --no-install-recommends -t bookworm-backports \
		qemu-system-x86 || die "cannot install qemu-system-x86 from bookworm-backports"
fi
if [ -z "${KDIR:-}" ] && [ ! -f /usr/src/linux-source-7.3.tar.xz ]; then
	say "installing linux-source-7.3 from trixie-backports (the kernel under test)"
	apt-get install -y -q --no-install-recommends -t trixie-backports linux-source-7.3 ||
		die "linux-source-7.3 is not available from trixie-backports.
  Point KDIR= at another Rust-enabled 7.3 build tree instead, e.g.
  KDIR=/lib/modules/\$(uname -r)/build make test   (needs CONFIG_RUST=y)"
fi

# --- Rust -----------------------------------------------------------------
# The kernel's Rust support needs the standard library's source (it builds
# its own `core`) and bindgen >= 0.71.1 linked against libclang >= 17.
# clippy and rustfmt: the W=1 CLIPPY=1 build and make check (rustup's
# "minimal" profile has neither).
installed=$(rustup component list --installed 2>/dev/null || :)
for c in rust-src clippy rustfmt; do
	grep -q "^$c" <<<"$installed" && continue
	say "rustup component add $c$([ $c = rust-src ] && echo ' (the kernel builds core/alloc from source)')"
	rustup component add "$c" || die "rustup component add $c failed"
done
if ! command -v bindgen >/dev/null; then
	say "cargo install --locked bindgen-cli (Rust-for-Linux needs >= 0.71.1)"
	LIBCLANG_PATH=$LIBCLANG_PATH cargo install --locked bindgen-cli
fi

# --- guest runner -----------------------------------------------------------
# virtme-ng: boots a kernel with the host's userspace (iproute2, jq, python)
# over virtiofs/9p; what the kernel's own netdev CI uses.  Installed with
# pipx into the project's cache (its own virtual environment, `vng` in
# $RFN_CACHE/bin, which scripts/env.sh puts on PATH): Debian's python3
# refuses system-wide pip installs (PEP 668), rightly.
if ! command -v vng >/dev/null; then
	if ! command -v pipx >/dev/null; then
		say "installing pipx (for virtme-ng)"
		apt-get install -y -q --no-install-recommends pipx python3-venv || die "apt-get install pipx failed"
	fi
	say "pipx install virtme-ng (guest runner, into $RFN_CACHE/pipx)"
	PIPX_HOME=$RFN_CACHE/pipx PIPX_BIN_DIR=$RFN_CACHE/bin pipx install virtme-ng ||
		die "pipx install virtme-ng failed"
	# env.sh puts $RFN_CACHE/bin on PATH when it exists: from now on.
	PATH=$RFN_CACHE/bin:$PATH
	hash -r
	command -v vng >/dev/null || die "virtme-ng installed, but vng is not in $RFN_CACHE/bin"
fi

touch "$stamp"
say "done"
