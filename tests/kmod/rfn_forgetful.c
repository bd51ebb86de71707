// SPDX-License-Identifier: GPL-2.0
/*
 * rfn_forgetful: a C listener that registers and never unregisters, the
 * bug rust_fib_notifier must survive (tests/guest/t66_c_forgetful.sh).
 * When the module goes, rust_fib_notifier unregisters the listener itself
 * (a module notifier, MODULE_STATE_GOING): the chain must never call into
 * the freed text below.  It counts its events in debugfs.
 */
#include <linux/atomic.h>
#include <linux/debugfs.h>
#include <linux/module.h>
#include <linux/notifier.h>

#include <rust_fib_notifier.h>

static atomic_t forgetful_events = ATOMIC_INIT(0);
static struct dentry *forgetful_dir;

static int forgetful_event(struct notifier_block *nb, unsigned long type,
			   void *ptr)
{
	atomic_inc(&forgetful_events);
	return NOTIFY_DONE;
}

static void forgetful_flush_net(struct notifier_block *nb, u64 net_cookie)
{
}

static struct notifier_block forgetful_nb = {
	.notifier_call = forgetful_event,
};

static const struct rust_fib_notifier_ops forgetful_ops = {
	.flush_net = forgetful_flush_net,
	.flags = RUST_FIB_NOTIFIER_F_VERSION,
};

static int __init forgetful_init(void)
{
	int err = rust_fib_notifier_register_ops(NULL, &forgetful_nb,
						 &forgetful_ops, NULL);

	if (err)
		return err;
	forgetful_dir = debugfs_create_dir("rfn_forgetful", NULL);
	debugfs_create_atomic_t("events", 0400, forgetful_dir,
				&forgetful_events);
	return 0;
}

static void __exit forgetful_exit(void)
{
	/* The bug under test: no rust_fib_notifier_unregister(). */
	debugfs_remove(forgetful_dir);
}

module_init(forgetful_init);
module_exit(forgetful_exit);
MODULE_DESCRIPTION("rust_fib_notifier test: a listener that never unregisters");
MODULE_LICENSE("GPL");
MODULE_IMPORT_NS(RUST_FIB_NOTIFIER_NS);
