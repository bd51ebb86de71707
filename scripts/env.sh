# SPDX-License-Identifier: GPL-2.0
# Shared settings for the project's scripts (sourced, not run).
export RFN_CACHE=${RFN_CACHE:-/var/cache/rust-fib-notifier}
export LLVM=${LLVM:--19}
export LIBCLANG_PATH=${LIBCLANG_PATH:-/usr/lib/llvm-19/lib}
# rustup's cargo/rustc/bindgen, and wherever `vng` is (set-up's pipx puts
# it in $RFN_CACHE/bin; pip elsewhere: ~/.local/bin, pyenv shims), whatever
# PATH the caller came with.
for d in "$HOME/.local/bin" "$HOME/.pyenv/shims" "$RFN_CACHE/bin" "$HOME/.cargo/bin"; do
	[ -d "$d" ] && case ":$PATH:" in *":$d:"*) ;; *) PATH=$d:$PATH ;; esac
done
export PATH
KVER=7.3
export KVER
