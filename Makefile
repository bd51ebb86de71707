# SPDX-License-Identifier: GPL-2.0
#
# rust-fib-notifier: the project's targets.  The kernel build of the module
# itself is Kbuild's (make -C $(KDIR) M=$(CURDIR)).
#
#   make demo            boot the test kernel, show replay and the listener
#   make test            W=1 CLIPPY=1 build, KUnit + guest tests, clean log
#   make stress          a seeded random stress run in one guest boot, every
#                        listener compared with the kernel (SEED= MINUTES=)
#   make kunit           the KUnit suites through tools/testing/kunit/kunit.py
#                        (LOCKDEP=1: with lockdep, under QEMU;
#                        Documentation/kunit.md)
#   make bench           what the module costs, against the kernel and
#                        netdevsim, natively (UML) and under TCG
#                        (BENCH=replay,insert... BENCH_ACCEL=native,tcg
#                        BENCH_SCALE=small; Documentation/performance.md)
#   make check           rustfmt, clippy, checkpatch
#   make module          just build rust_fib_notifier.ko (against KDIR), the
#                        product build (RFN_KUNIT=1: with the KUnit suites)
#   make install         install it for KDIR's kernel (modules_install;
#                        INSTALL_MOD_PATH= stages it elsewhere)
#   make dist            out/dist/rust-fib-notifier-VERSION.tar.xz: the
#                        release tarball (builds without git)
#   make dkms-install    sources to /usr/src, DKMS builds it for every kernel
#   make dkms-uninstall  the reverse
#   make rust-analyzer   rust-project.json for editors
#
# KDIR=/path/to/build: use another Rust-enabled 7.3 build tree instead of the
# project's test kernel (built once, cached under $(RFN_CACHE)).  With KDIR
# given, `make module` and `make install` run no set-up: no root (but for
# installing into /lib/modules), no apt, no network, no git; LLVM= is the
# clang KDIR was built with (dkms/llvm.sh).

RFN_CACHE ?= /var/cache/rust-fib-notifier
ifneq ($(KDIR),)
export KDIR
ifeq ($(origin LLVM),undefined)
LLVM := $(shell sh $(CURDIR)/dkms/llvm.sh $(KDIR))
endif
SETUP :=
else
SETUP := setup
endif
LLVM ?= -19
export RFN_CACHE LLVM

.PHONY: all module demo test stress kunit bench check rust-analyzer kernel setup clean \
	install dkms-install dkms-uninstall dist

all: module

setup:
	scripts/setup.sh

kernel: setup
	scripts/build-kernel.sh

module: $(SETUP)
	$(MAKE) -C "$$(scripts/kdir.sh)" M=$(CURDIR) LLVM=$(LLVM) modules

install: module
	$(MAKE) -C "$$(scripts/kdir.sh)" M=$(CURDIR) LLVM=$(LLVM) modules_install

dkms-install:
	scripts/dkms.sh install

dkms-uninstall:
	scripts/dkms.sh remove

demo:
	scripts/demo.sh

test:
	scripts/test.sh

stress:
	scripts/stress.sh

kunit:
	scripts/kunit.sh

bench:
	scripts/bench.sh

check:
	scripts/check.sh

dist:
	scripts/dist.sh

rust-analyzer: $(SETUP)
	$(MAKE) -C "$$(scripts/kdir.sh)" M=$(CURDIR) LLVM=$(LLVM) rust-analyzer

clean:
	-[ -d "$$(scripts/kdir.sh --cached 2>/dev/null)" ] && \
		$(MAKE) -C "$$(scripts/kdir.sh --cached)" M=$(CURDIR) clean
	rm -rf out
