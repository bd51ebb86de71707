// SPDX-License-Identifier: GPL-2.0
/*
 * The exported C API (include/rust_fib_notifier.h, the contract; symbol
 * namespace RUST_FIB_NOTIFIER_NS, API version RUST_FIB_NOTIFIER_API_VERSION
 * checked at registration): thin wrappers over c_api.rs, and the module
 * notifier that catches a listener's module going away with its listener
 * registered.  While a C listener is
 * registered this module holds a reference on itself, so it cannot be
 * unloaded under the listener (the listener's module also depends on ours
 * through these symbols).
 */
#include <linux/debug_locks.h>
#include <linux/module.h>
#include <linux/printk.h>
#include <linux/rtnetlink.h>

#include "glue.h"

/* The ABI listeners are built against: fields are only ever added. */
static_assert(sizeof(struct rust_fib_notifier_info) == 24);
static_assert(sizeof(struct rust_fib_notifier_ops) == 48);
static_assert(sizeof(struct rfn_c_ops) == 40);

/* Every flag a listener may set, the API version bits included. */
#define RFN_KNOWN_FLAGS	(RUST_FIB_NOTIFIER_F_NEXTHOPS | \
			 RUST_FIB_NOTIFIER_F_RECONCILE | \
			 RUST_FIB_NOTIFIER_F_FAMILIES | \
			 RUST_FIB_NOTIFIER_F_MULTICAST | \
			 (0xffU << RUST_FIB_NOTIFIER_F_VERSION_SHIFT))

/* modinfo rust_fib_notifier shows the API version it provides. */
MODULE_INFO(api_version, __stringify(RUST_FIB_NOTIFIER_API_VERSION));

#ifdef CONFIG_PROVE_LOCKING
/*
 * Whether the caller holds RTNL, as far as lockdep knows.  Lockdep's "is
 * held" answers yes once lock debugging is off (after any splat or taint,
 * debug_locks is 0): only trust it while it is on.
 */
static bool rfn_caller_holds_rtnl(void)
{
	return debug_locks && lockdep_rtnl_is_held();
}
#else
static bool rfn_caller_holds_rtnl(void)
{
	return false;
}
#endif

static int rfn_register(struct net *net, struct notifier_block *nb,
			const struct rust_fib_notifier_ops *ops,
			struct netlink_ext_ack *extack)
{
	struct rfn_c_ops c_ops = {};
	int err;

	/*
	 * The block is never on a chain itself (a node is, in registration
	 * order): a priority would silently mean nothing.
	 */
	if (!nb || nb->priority)
		return -EINVAL;
	/*
	 * Registration takes RTNL (to wait for writers, see seq_counter.rs):
	 * a caller that holds it would deadlock.  Lockdep knows who holds it.
	 */
	if (rfn_caller_holds_rtnl()) {
		pr_warn("rust_fib_notifier: %ps registers with RTNL held; registration takes RTNL itself\n",
			__builtin_return_address(0));
		return -EDEADLK;
	}
	c_ops.families = RUST_FIB_NOTIFIER_FAMILY_IPV4 |
			 RUST_FIB_NOTIFIER_FAMILY_IPV6 |
			 RUST_FIB_NOTIFIER_FAMILY_RULES;
	if (ops) {
		c_ops.flush = ops->flush;
		c_ops.flush_net = ops->flush_net;
		if (ops->flags & RUST_FIB_NOTIFIER_F_NEXTHOPS)
			c_ops.families |= RUST_FIB_NOTIFIER_FAMILY_NEXTHOPS;
		if (ops->flags & RUST_FIB_NOTIFIER_F_MULTICAST)
			c_ops.families |= RUST_FIB_NOTIFIER_FAMILY_MULTICAST;
		/* Listeners built before the fields existed never set the flag. */
		if (ops->flags & RUST_FIB_NOTIFIER_F_FAMILIES) {
			if (!ops->families ||
			    (ops->families & ~RUST_FIB_NOTIFIER_FAMILY_ALL))
				return -EINVAL;
			c_ops.families = ops->families;
		}
		if (ops->flags & RUST_FIB_NOTIFIER_F_RECONCILE) {
			if (!ops->mark_stale || !ops->sweep_stale)
				return -EINVAL;
			c_ops.mark_stale = ops->mark_stale;
			c_ops.sweep_stale = ops->sweep_stale;
		}
	}
	__module_get(THIS_MODULE);
	err = rfn_rs_c_register(net, nb, &c_ops, extack);
	if (err)
		module_put(THIS_MODULE);
	return err;
}

/*
 * A listener's module that goes away with its listener still registered
 * (it forgot, or its init failed after registering): the chain would call
 * into freed text.  Its exit has run, its memory is not freed yet
 * (MODULE_STATE_GOING): the listener is unregistered here, loudly.  A
 * module reference held while registered would do it too, but then a
 * driver that unregisters in its exit could never be unloaded.
 */
bool rfn_within_module(const void *addr, void *mod)
{
	return addr && within_module((unsigned long)addr, mod);
}

void rfn_c_listener_forced_off(const void *call, void *mod)
{
	pr_err("rust_fib_notifier: module %s went away with listener %ps still registered: unregistered it\n",
	       ((struct module *)mod)->name, call);
	module_put(THIS_MODULE);
}

static int rfn_module_event(struct notifier_block *nb, unsigned long action,
			    void *data)
{
	if (action == MODULE_STATE_GOING)
		rfn_rs_c_module_going(data);
	return NOTIFY_DONE;
}

static struct notifier_block rfn_module_nb = {
	.notifier_call = rfn_module_event,
};

int rfn_c_api_init(void)
{
	return register_module_notifier(&rfn_module_nb);
}

void rfn_c_api_exit(void)
{
	unregister_module_notifier(&rfn_module_nb);
}

int rust_fib_notifier_register(struct notifier_block *nb,
			       void (*cb)(struct notifier_block *nb),
			       struct netlink_ext_ack *extack)
{
	struct rust_fib_notifier_ops ops = { .flush = cb };

	return rfn_register(NULL, nb, &ops, extack);
}
EXPORT_SYMBOL_NS_GPL(rust_fib_notifier_register, RUST_FIB_NOTIFIER_NS);

int rust_fib_notifier_register_net(struct net *net, struct notifier_block *nb,
				   void (*cb)(struct notifier_block *nb),
				   struct netlink_ext_ack *extack)
{
	struct rust_fib_notifier_ops ops = { .flush = cb };

	if (!net)
		return -EINVAL;
	return rfn_register(net, nb, &ops, extack);
}
EXPORT_SYMBOL_NS_GPL(rust_fib_notifier_register_net, RUST_FIB_NOTIFIER_NS);

int rust_fib_notifier_register_ops(struct net *net, struct notifier_block *nb,
				   const struct rust_fib_notifier_ops *ops,
				   struct netlink_ext_ack *extack)
{
	unsigned int version;

	if (!ops)
		return rfn_register(net, nb, ops, extack);
	/*
	 * A listener built against a newer header may set fields or flags
	 * this module does not know: refuse it, loudly.  Version 0: built
	 * before the version was passed; its flags say which fields it set.
	 */
	version = ops->flags >> RUST_FIB_NOTIFIER_F_VERSION_SHIFT;
	if (version > RUST_FIB_NOTIFIER_API_VERSION) {
		pr_err("rust_fib_notifier: %ps was built against API version %u; this module provides version %d\n",
		       nb ? nb->notifier_call : NULL, version,
		       RUST_FIB_NOTIFIER_API_VERSION);
		return -EOPNOTSUPP;
	}
	if (ops->flags & ~RFN_KNOWN_FLAGS)
		return -EINVAL;
	return rfn_register(net, nb, ops, extack);
}
EXPORT_SYMBOL_NS_GPL(rust_fib_notifier_register_ops, RUST_FIB_NOTIFIER_NS);

int rust_fib_notifier_resync(struct notifier_block *nb, struct net *net)
{
	/* Queued, never done here: RTNL held or not, it cannot deadlock. */
	might_sleep();
	if (!nb || !net)
		return -EINVAL;
	return rfn_rs_c_resync(nb, net);
}
EXPORT_SYMBOL_NS_GPL(rust_fib_notifier_resync, RUST_FIB_NOTIFIER_NS);

struct net *rust_fib_notifier_get_net(u64 net_cookie)
{
	return rfn_net_get_by_cookie(net_cookie);
}
EXPORT_SYMBOL_NS_GPL(rust_fib_notifier_get_net, RUST_FIB_NOTIFIER_NS);

int rust_fib_notifier_unregister(struct notifier_block *nb)
{
	int err;

	/* It waits for a resync in progress, which takes RTNL. */
	if (rfn_caller_holds_rtnl())
		pr_warn("rust_fib_notifier: %ps unregisters with RTNL held; it may deadlock with a resync\n",
			__builtin_return_address(0));
	err = rfn_rs_c_unregister(nb);

	if (!err)
		module_put(THIS_MODULE);
	return err;
}
EXPORT_SYMBOL_NS_GPL(rust_fib_notifier_unregister, RUST_FIB_NOTIFIER_NS);
