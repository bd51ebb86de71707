# SPDX-License-Identifier: GPL-2.0
# Shared settings for the project's scripts (sourced, not run).
export RFN_CACHE=${RFN_CACHE:-/var/cache/rust-fib-notifier}
export LLVM=${LLVM:--19}
export LIBCLANG_PATH=${LIBCLANG_PATH:-/usr/lib/llvm-19/lib}
export PATH=$HOME/.cargo/bin:$PATH
KVER=7.3
export KVER
