// SPDX-License-Identifier: GPL-2.0
/*
 * rfn_future: a C listener built against a newer API version than the
 * module provides (tests/guest/t60_c_api.sh).  rust_fib_notifier must
 * refuse its registration (-EOPNOTSUPP, both versions in the kernel log)
 * rather than read options it does not know; this module's init then
 * fails with that error.  Registered all the same, it unregisters and
 * fails with -EINVAL instead.
 */
#include <linux/module.h>
#include <linux/notifier.h>

#include <rust_fib_notifier.h>

static int future_event(struct notifier_block *nb, unsigned long type,
			void *ptr)
{
	return NOTIFY_DONE;
}

static struct notifier_block future_nb = {
	.notifier_call = future_event,
};

static const struct rust_fib_notifier_ops future_ops = {
	.flags = (RUST_FIB_NOTIFIER_API_VERSION + 1U) <<
		 RUST_FIB_NOTIFIER_F_VERSION_SHIFT,
};

static int __init future_init(void)
{
	int err = rust_fib_notifier_register_ops(NULL, &future_nb,
						 &future_ops, NULL);

	if (!err) {
		rust_fib_notifier_unregister(&future_nb);
		return -EINVAL;
	}
	return err;
}

static void __exit future_exit(void)
{
}

module_init(future_init);
module_exit(future_exit);
MODULE_DESCRIPTION("rust_fib_notifier test: a listener from a newer API version");
MODULE_LICENSE("GPL");
MODULE_IMPORT_NS(RUST_FIB_NOTIFIER_NS);
