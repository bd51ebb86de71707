// SPDX-License-Identifier: GPL-2.0
/*
 * rfn_bench: what a late listener's registration costs, through the
 * kernel's own per-namespace FIB chains and through rust_fib_notifier.
 * Part of the benchmark (make bench), not of the product.
 *
 * A listener that registers late (a switchdev driver probing while the
 * FIB is full) gets every rule and route replayed to it.  The reference is
 * the kernel's own mechanism: one register_fib_notifier() per namespace,
 * each dumping that namespace's FIB.  The module does the same for every
 * namespace with one rust_fib_notifier_register().  Both listeners here
 * only count the events they get.
 *
 * Only the registrations are timed: they are the replay, the cost a
 * listener pays when it comes late.  The blocks are allocated before, and
 * the unregistrations follow untimed: each waits for an RCU grace period
 * (atomic_notifier_chain_unregister()), which measures RCU, not the FIB.
 *
 * debugfs rfn_bench/ (root only; runs and reads are serialized):
 *   kernel_replay  write anything: run the reference.  Read, the last run:
 *                  "nets N", "events N", "ns N", "cpu_ns N", "switches N",
 *                  "failed N", one a line (failed: registrations refused, e.g. -EBUSY
 *                  when a namespace's FIB kept changing during 5 dumps)
 *   wrapped_replay the control: kernel_replay with the counting function
 *                  reached through one more call, by pointer, as the
 *                  module's replay reaches a C listener.  Read: as
 *                  kernel_replay
 *   c_replay       write anything: run it through the module.  Read:
 *                  "events N", "ns N", "cpu_ns N", "switches N", "err N",
 *                  one a line
 *                  (err: what the registration returned; -ENOENT: the
 *                  module is not loaded)
 *   sections       write anything: the kernel's replay, then the module's
 *                  to a C listener, each with a listener that reads the
 *                  clock at every event: untimed, for the longest run of
 *                  one namespace's events.  Read: "kernel_net_ns N"
 *                  (the longest registration of one namespace, the
 *                  kernel's: its dump is one RCU read section),
 *                  "kernel_events_ns N", "module_events_ns N" (the longest
 *                  time from a namespace's first replayed event to its
 *                  last, through the kernel and the module), "err N"
 *   fill           built into the kernel only (the native benchmark):
 *                  write "INUM FAMILY FROM COUNT": add routes FROM to
 *                  FROM+COUNT-1 to the main table of the namespace with
 *                  inode number INUM, as `ip route add` of bench/guest.sh
 *                  adds them (IPv4 100.x.y.z/32 via 10.0.0.2, IPv6
 *                  2001:db8:X:Y::/64 via 2001:db8:ffff::2), through the
 *                  kernel's own fib_table_insert() and ip6_route_add()
 *                  without the netlink round trip per route (a system
 *                  call costs tens of microseconds in User-mode Linux).
 *                  Fails with the first route's error
 *   rust_replay    built into the kernel only (the native benchmark):
 *                  a write goes on, the same bytes, to the module's
 *                  counter/attach ("1": the Rust listener registers),
 *                  timed here with both clocks.  Read: "ns N", "cpu_ns N",
 *                  "switches N", "err N" of the last write (the counter's own stats
 *                  count its events)
 *   nets           read: "nets N", the namespaces listed now; write
 *                  anything: wait until the namespace cleanup in progress
 *                  ran every pernet exit (net_ns_barrier())
 * events: every event received during the timed registrations; ns: the
 * registrations' time (ktime_get_ns()), 0 while nothing was measured;
 * cpu_ns: their CPU time, in User-mode Linux only (the host thread's, see
 * uml/host_cputime.h), else 0; switches: how often the registering task
 * was switched out meanwhile (both clocks count the other task's time).  A
 * write fails with the registration's error (kernel_replay: only when
 * every namespace's registration failed; its first error).
 */
#include <linux/atomic.h>
#include <linux/debugfs.h>
#include <linux/err.h>
#include <linux/fs.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/notifier.h>
#include <linux/rtnetlink.h>
#include <linux/rwsem.h>
#include <linux/sched.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/timekeeping.h>
#include <linux/uaccess.h>
#include <net/fib_notifier.h>
#include <net/ip6_route.h>
#include <net/ip_fib.h>
#include <net/net_namespace.h>

#include <rust_fib_notifier.h>

#include "uml/host_cputime.h"

/* One block per namespace: a notifier_block sits on one chain only. */
struct bench_net_block {
	struct notifier_block nb;
	struct net *net;
	int err;
};

/*
 * What a timed registration took: its wall-clock time, its CPU time
 * (natively; else 0) and how often the task was switched out meanwhile (at
 * a yield point with another task to run, or preempted: both clocks count
 * what the other task did).  bench_timing_start() before it,
 * bench_timing_stop() after.
 */
struct bench_timing {
	u64 ns;
	u64 cpu_ns;
	unsigned long switches;
};

static void bench_timing_start(struct bench_timing *t)
{
	t->switches = current->nvcsw + current->nivcsw;
	t->cpu_ns = rfn_host_cpu_ns();
	t->ns = ktime_get_ns();
}

static void bench_timing_stop(struct bench_timing *t)
{
	t->ns = ktime_get_ns() - t->ns;
	t->cpu_ns = rfn_host_cpu_ns() - t->cpu_ns;
	t->switches = current->nvcsw + current->nivcsw - t->switches;
}

/* "ns N", "cpu_ns N", "switches N", a line each. */
static void bench_timing_show(struct seq_file *m, const struct bench_timing *t)
{
	seq_printf(m, "ns %llu\ncpu_ns %llu\nswitches %lu\n", t->ns, t->cpu_ns,
		   t->switches);
}

struct bench_kernel_result {
	unsigned int nets;
	u64 events;
	struct bench_timing time;
	unsigned int failed;
};

struct bench_c_result {
	u64 events;
	struct bench_timing time;
	int err;
};

struct bench_sections_result {
	u64 kernel_net_ns;
	u64 kernel_events_ns;
	u64 module_events_ns;
	int err;
};

static DEFINE_MUTEX(bench_lock);	/* one run at a time; the results */
static struct bench_sections_result bench_sections;
static struct bench_kernel_result bench_kernel;
static struct bench_kernel_result bench_wrapped;
static struct bench_c_result bench_c;
static atomic64_t bench_events;
static struct dentry *bench_dir;

/*
 * Atomic context, on either chain: @ptr (struct fib_notifier_info on the
 * kernel's, struct rust_fib_notifier_info on the module's) is not read.
 * Events other tasks send to the blocks already registered are counted
 * too: an idle FIB sends none.
 */
static int bench_count_event(struct notifier_block *nb, unsigned long event,
			     void *ptr)
{
	atomic64_inc(&bench_events);
	return NOTIFY_DONE;
}

static struct notifier_block bench_c_nb = {
	.notifier_call = bench_count_event,
};

/*
 * The control: the kernel's own replay with bench_count_event reached
 * through one more function, by pointer, as the module's replay block
 * reaches a C listener's.  What the module costs beyond this is its own.
 */
static notifier_fn_t bench_wrapped_target = bench_count_event;

static int bench_wrapped_event(struct notifier_block *nb, unsigned long event,
			       void *ptr)
{
	return READ_ONCE(bench_wrapped_target)(nb, event, ptr);
}

/*
 * A block with @call for each namespace, in *@nets; NULL without memory.
 * The caller holds net_rwsem for reading, from here until it unregistered
 * every block.
 */
static struct bench_net_block *bench_net_blocks(notifier_fn_t call,
						unsigned int *nets)
{
	struct bench_net_block *blocks;
	unsigned int n = 0;
	struct net *net;

	for_each_net(net)
		n++;
	blocks = kzalloc_objs(*blocks, n);
	if (!blocks)
		return NULL;
	*nets = 0;
	for_each_net(net) {
		blocks[*nets].nb.notifier_call = call;
		blocks[*nets].net = net;
		(*nets)++;
	}
	return blocks;
}

/*
 * net_rwsem, held for reading across the run, keeps every namespace on
 * net_namespace_list (cleanup_net() takes it for writing to unlist one,
 * before any pernet exit runs), so each namespace's FIB chain outlives its
 * registration and unregistration.  register_fib_notifier() takes no lock
 * of its own (the dumps run under RCU), so no RTNL is needed.
 */
static int bench_kernel_replay_with(notifier_fn_t call,
				    struct bench_kernel_result *res)
{
	struct bench_net_block *blocks;
	unsigned int nets, failed = 0, i;
	int first_err = 0;
	struct bench_timing time;
	u64 events;

	down_read(&net_rwsem);
	blocks = bench_net_blocks(call, &nets);
	if (!blocks) {
		up_read(&net_rwsem);
		return -ENOMEM;
	}

	atomic64_set(&bench_events, 0);
	bench_timing_start(&time);
	for (i = 0; i < nets; i++)
		blocks[i].err = register_fib_notifier(blocks[i].net,
						      &blocks[i].nb, NULL, NULL);
	bench_timing_stop(&time);
	events = atomic64_read(&bench_events);

	for (i = 0; i < nets; i++) {
		if (!blocks[i].err) {
			unregister_fib_notifier(blocks[i].net, &blocks[i].nb);
			continue;
		}
		/* Not on the chain: a failed registration takes its block off. */
		if (!failed++)
			first_err = blocks[i].err;
	}
	up_read(&net_rwsem);
	kfree(blocks);

	res->nets = nets;
	res->events = events;
	res->time = time;
	res->failed = failed;
	return failed == nets ? first_err : 0;
}

static int bench_kernel_replay(void)
{
	return bench_kernel_replay_with(bench_count_event, &bench_kernel);
}

static int bench_wrapped_replay(void)
{
	return bench_kernel_replay_with(bench_wrapped_event, &bench_wrapped);
}

/*
 * Takes RTNL inside the module: called without it.  The module's API is
 * looked up at run time (symbol_get()), so this module also loads without
 * rust_fib_notifier: the teardown reference is measured without it.
 */
static int bench_c_replay(void)
{
	int (*reg)(struct notifier_block *nb,
		   void (*cb)(struct notifier_block *nb),
		   struct netlink_ext_ack *extack);
	int (*unreg)(struct notifier_block *nb);
	struct bench_timing time;
	u64 events;
	int err;

	reg = symbol_get(rust_fib_notifier_register);
	unreg = symbol_get(rust_fib_notifier_unregister);
	if (!reg || !unreg) {
		err = -ENOENT;
		goto out;
	}
	atomic64_set(&bench_events, 0);
	bench_timing_start(&time);
	err = reg(&bench_c_nb, NULL, NULL);
	bench_timing_stop(&time);
	events = atomic64_read(&bench_events);
	if (!err)
		unreg(&bench_c_nb);

	bench_c.events = events;
	bench_c.time = time;
out:
	if (reg)
		symbol_put(rust_fib_notifier_register);
	if (unreg)
		symbol_put(rust_fib_notifier_unregister);
	bench_c.err = err;
	return err;
}

/*
 * The sections run: the namespace whose events come now, when its first
 * and last came, and the longest first-to-last time so far.  Written by
 * the replaying task alone (both replays call their listener
 * synchronously, one namespace after the other; the FIB is idle during
 * the benchmark), read after the registration returned.
 */
static struct {
	const struct net *net;
	u64 first;
	u64 last;
	u64 longest;
} bench_section;

static void bench_section_event(const struct net *net)
{
	u64 now = ktime_get_ns();

	atomic64_inc(&bench_events);
	if (net != bench_section.net) {
		if (bench_section.net)
			bench_section.longest = max(bench_section.longest,
						    bench_section.last -
						    bench_section.first);
		bench_section.net = net;
		bench_section.first = now;
	}
	bench_section.last = now;
}

static u64 bench_section_end(void)
{
	u64 longest = bench_section.longest;

	if (bench_section.net)
		longest = max(longest, bench_section.last - bench_section.first);
	memset(&bench_section, 0, sizeof(bench_section));
	return longest;
}

/* On a kernel chain: the block says which namespace. */
static int bench_kernel_section_event(struct notifier_block *nb,
				      unsigned long event, void *ptr)
{
	bench_section_event(container_of(nb, struct bench_net_block, nb)->net);
	return NOTIFY_DONE;
}

/* On the module's chain: the event says. */
static int bench_module_section_event(struct notifier_block *nb,
				      unsigned long event, void *ptr)
{
	const struct rust_fib_notifier_info *info = ptr;

	bench_section_event(info->net);
	return NOTIFY_DONE;
}

static struct notifier_block bench_section_nb = {
	.notifier_call = bench_module_section_event,
};

/* As bench_kernel_replay_with(), each namespace's registration timed. */
static int bench_sections_kernel(void)
{
	struct bench_net_block *blocks;
	unsigned int nets, i;
	u64 start, ns;
	int err = 0;

	down_read(&net_rwsem);
	blocks = bench_net_blocks(bench_kernel_section_event, &nets);
	if (!blocks) {
		up_read(&net_rwsem);
		return -ENOMEM;
	}
	bench_sections.kernel_net_ns = 0;
	for (i = 0; i < nets; i++) {
		start = ktime_get_ns();
		blocks[i].err = register_fib_notifier(blocks[i].net,
						      &blocks[i].nb, NULL, NULL);
		ns = ktime_get_ns() - start;
		bench_sections.kernel_net_ns = max(bench_sections.kernel_net_ns,
						   ns);
	}
	bench_sections.kernel_events_ns = bench_section_end();
	for (i = 0; i < nets; i++) {
		if (!blocks[i].err)
			unregister_fib_notifier(blocks[i].net, &blocks[i].nb);
		else
			err = blocks[i].err;
	}
	up_read(&net_rwsem);
	kfree(blocks);
	return err;
}

static int bench_sections_run(void)
{
	int (*reg)(struct notifier_block *nb,
		   void (*cb)(struct notifier_block *nb),
		   struct netlink_ext_ack *extack);
	int (*unreg)(struct notifier_block *nb);
	int err;

	err = bench_sections_kernel();
	if (err)
		goto out;
	reg = symbol_get(rust_fib_notifier_register);
	unreg = symbol_get(rust_fib_notifier_unregister);
	if (!reg || !unreg) {
		err = -ENOENT;
	} else {
		err = reg(&bench_section_nb, NULL, NULL);
		bench_sections.module_events_ns = bench_section_end();
		if (!err)
			unreg(&bench_section_nb);
	}
	if (reg)
		symbol_put(rust_fib_notifier_register);
	if (unreg)
		symbol_put(rust_fib_notifier_unregister);
out:
	bench_sections.err = err;
	return err;
}

/*
 * The teardown measurement: how many namespaces are listed (cleanup_net()
 * unlists the dying ones first), and, once the deleted ones are unlisted, a
 * wait until their cleanup ran every pernet exit (net_ns_barrier(): the
 * cleanup holds pernet_ops_rwsem for that long).
 */
static int bench_nets_show(struct seq_file *m, void *v)
{
	unsigned int nets = 0;
	struct net *net;

	down_read(&net_rwsem);
	for_each_net(net)
		nets++;
	up_read(&net_rwsem);
	seq_printf(m, "nets %u\n", nets);
	return 0;
}

static int bench_netns_barrier(void)
{
	net_ns_barrier();
	return 0;
}

/*
 * A debugfs file: a write runs @run (what was written does not matter), a
 * read shows the last results (@show).
 */
struct bench_file {
	int (*run)(void);
	int (*show)(struct seq_file *m, void *v);
};

static ssize_t bench_write(struct file *file, const char __user *buf,
			   size_t count, loff_t *ppos)
{
	const struct bench_file *bf = file_inode(file)->i_private;
	int err;

	mutex_lock(&bench_lock);
	err = bf->run();
	mutex_unlock(&bench_lock);
	return err ?: count;
}

static int bench_kernel_result_show(struct seq_file *m,
				    const struct bench_kernel_result *res)
{
	mutex_lock(&bench_lock);
	seq_printf(m, "nets %u\nevents %llu\n", res->nets, res->events);
	bench_timing_show(m, &res->time);
	seq_printf(m, "failed %u\n", res->failed);
	mutex_unlock(&bench_lock);
	return 0;
}

static int bench_kernel_show(struct seq_file *m, void *v)
{
	return bench_kernel_result_show(m, &bench_kernel);
}

static int bench_wrapped_show(struct seq_file *m, void *v)
{
	return bench_kernel_result_show(m, &bench_wrapped);
}

static int bench_c_show(struct seq_file *m, void *v)
{
	mutex_lock(&bench_lock);
	seq_printf(m, "events %llu\n", bench_c.events);
	bench_timing_show(m, &bench_c.time);
	seq_printf(m, "err %d\n", bench_c.err);
	mutex_unlock(&bench_lock);
	return 0;
}

static int bench_sections_show(struct seq_file *m, void *v)
{
	mutex_lock(&bench_lock);
	seq_printf(m, "kernel_net_ns %llu\nkernel_events_ns %llu\nmodule_events_ns %llu\nerr %d\n",
		   bench_sections.kernel_net_ns, bench_sections.kernel_events_ns,
		   bench_sections.module_events_ns, bench_sections.err);
	mutex_unlock(&bench_lock);
	return 0;
}

static int bench_open(struct inode *inode, struct file *file)
{
	const struct bench_file *bf = inode->i_private;

	return single_open(file, bf->show, NULL);
}

static const struct file_operations bench_fops = {
	.owner = THIS_MODULE,
	.open = bench_open,
	.read = seq_read,
	.write = bench_write,
	.llseek = seq_lseek,
	.release = single_release,
};

static const struct bench_file bench_kernel_file = {
	.run = bench_kernel_replay,
	.show = bench_kernel_show,
};

static const struct bench_file bench_wrapped_file = {
	.run = bench_wrapped_replay,
	.show = bench_wrapped_show,
};

static const struct bench_file bench_c_file = {
	.run = bench_c_replay,
	.show = bench_c_show,
};

static const struct bench_file bench_sections_file = {
	.run = bench_sections_run,
	.show = bench_sections_show,
};

static const struct bench_file bench_nets_file = {
	.run = bench_netns_barrier,
	.show = bench_nets_show,
};

#ifndef MODULE
/* The namespace with inode number @inum, referenced, or NULL. */
static struct net *bench_net_get(unsigned int inum)
{
	struct net *net, *found = NULL;

	down_read(&net_rwsem);
	for_each_net(net) {
		if (net->ns.inum == inum) {
			found = maybe_get_net(net);
			break;
		}
	}
	up_read(&net_rwsem);
	return found;
}

/* As inet_rtm_newroute() for `ip route add 100.x.y.z/32 via 10.0.0.2`. */
static int bench_fill4(struct net *net, u32 from, u32 count)
{
	struct fib_config cfg = {
		.fc_dst_len = 32,
		.fc_protocol = RTPROT_BOOT,
		.fc_scope = RT_SCOPE_UNIVERSE,
		.fc_type = RTN_UNICAST,
		.fc_gw_family = AF_INET,
		.fc_table = RT_TABLE_MAIN,
		.fc_gw4 = htonl(0x0a000002),
		.fc_nlflags = NLM_F_CREATE | NLM_F_EXCL,
		.fc_nlinfo.nl_net = net,
	};
	struct fib_table *tb;
	int err = 0;
	u32 k;

	for (k = from; k < from + count && !err; k++) {
		cfg.fc_dst = htonl(0x64000000 | k);
		rtnl_net_lock(net);
		tb = fib_new_table(net, cfg.fc_table);
		err = tb ? fib_table_insert(net, tb, &cfg, NULL) : -ENOBUFS;
		rtnl_net_unlock(net);
		cond_resched();
	}
	return err;
}

/* As inet6_rtm_newroute() for `ip route add 2001:db8:X:Y::/64 via ...`. */
static int bench_fill6(struct net *net, u32 from, u32 count)
{
	struct fib6_config cfg = {
		.fc_table = RT6_TABLE_MAIN,
		.fc_metric = IP6_RT_PRIO_USER,
		.fc_dst_len = 64,
		.fc_flags = RTF_UP | RTF_GATEWAY,
		.fc_protocol = RTPROT_BOOT,
		.fc_type = RTN_UNICAST,
		.fc_nlinfo.nl_net = net,
	};
	int err = 0;
	u32 k;

	cfg.fc_gateway.s6_addr32[0] = htonl(0x20010db8);
	cfg.fc_gateway.s6_addr32[1] = htonl(0xffff0000);
	cfg.fc_gateway.s6_addr32[3] = htonl(2);
	cfg.fc_dst.s6_addr32[0] = htonl(0x20010db8);
	for (k = from; k < from + count && !err; k++) {
		cfg.fc_dst.s6_addr32[1] = htonl(k);
		err = ip6_route_add(&cfg, GFP_KERNEL, NULL);
		cond_resched();
	}
	return err;
}

static ssize_t bench_fill_write(struct file *file, const char __user *ubuf,
				size_t count, loff_t *ppos)
{
	unsigned int inum, family;
	u32 from, n;
	struct net *net;
	char buf[64];
	int err;

	if (count >= sizeof(buf))
		return -EINVAL;
	if (copy_from_user(buf, ubuf, count))
		return -EFAULT;
	buf[count] = '\0';
	if (sscanf(buf, "%u %u %u %u", &inum, &family, &from, &n) != 4 ||
	    (family != 4 && family != 6) || n > (1U << 24) ||
	    from > (1U << 24) - n)
		return -EINVAL;
	net = bench_net_get(inum);
	if (!net)
		return -ENOENT;
	err = family == 4 ? bench_fill4(net, from, n) : bench_fill6(net, from, n);
	put_net(net);
	return err ?: count;
}

static const struct file_operations bench_fill_fops = {
	.owner = THIS_MODULE,
	.write = bench_fill_write,
};

#define BENCH_RUST_ATTACH "/sys/kernel/debug/rust_fib_notifier/counter/attach"

static struct {
	struct bench_timing time;
	int err;
} bench_rust;

/*
 * The Rust listener's registration, timed as bench_c_replay() times the C
 * one: the user's bytes go on to counter/attach (vfs_write() takes the
 * user's buffer), its open and close untimed.
 */
static ssize_t bench_rust_write(struct file *file, const char __user *ubuf,
				size_t count, loff_t *ppos)
{
	struct file *attach;
	struct bench_timing time;
	loff_t pos = 0;
	ssize_t ret;

	attach = filp_open(BENCH_RUST_ATTACH, O_WRONLY, 0);
	if (IS_ERR(attach))
		return PTR_ERR(attach);
	mutex_lock(&bench_lock);
	bench_timing_start(&time);
	ret = vfs_write(attach, ubuf, count, &pos);
	bench_timing_stop(&time);
	/* Nothing measured: zeros, as before the first run. */
	bench_rust.time = ret < 0 ? (struct bench_timing){} : time;
	bench_rust.err = ret < 0 ? ret : 0;
	mutex_unlock(&bench_lock);
	filp_close(attach, NULL);
	return ret < 0 ? ret : count;
}

static int bench_rust_show(struct seq_file *m, void *v)
{
	mutex_lock(&bench_lock);
	bench_timing_show(m, &bench_rust.time);
	seq_printf(m, "err %d\n", bench_rust.err);
	mutex_unlock(&bench_lock);
	return 0;
}

static const struct bench_file bench_rust_file = {
	.show = bench_rust_show,
};

static const struct file_operations bench_rust_fops = {
	.owner = THIS_MODULE,
	.open = bench_open,
	.read = seq_read,
	.write = bench_rust_write,
	.llseek = seq_lseek,
	.release = single_release,
};
#endif

static int __init bench_init(void)
{
	bench_dir = debugfs_create_dir("rfn_bench", NULL);
	debugfs_create_file("kernel_replay", 0600, bench_dir,
			    (void *)&bench_kernel_file, &bench_fops);
	debugfs_create_file("wrapped_replay", 0600, bench_dir,
			    (void *)&bench_wrapped_file, &bench_fops);
	debugfs_create_file("c_replay", 0600, bench_dir, (void *)&bench_c_file,
			    &bench_fops);
	debugfs_create_file("sections", 0600, bench_dir,
			    (void *)&bench_sections_file, &bench_fops);
	debugfs_create_file("nets", 0600, bench_dir, (void *)&bench_nets_file,
			    &bench_fops);
#ifndef MODULE
	debugfs_create_file("fill", 0200, bench_dir, NULL, &bench_fill_fops);
	debugfs_create_file("rust_replay", 0600, bench_dir,
			    (void *)&bench_rust_file, &bench_rust_fops);
#endif
	return 0;
}

/*
 * debugfs_remove_recursive() waits for the writes in progress, and each
 * run unregisters everything it registered before it returns.
 */
static void __exit bench_exit(void)
{
	debugfs_remove_recursive(bench_dir);
}

module_init(bench_init);
module_exit(bench_exit);
MODULE_DESCRIPTION("Registration replay benchmark: kernel FIB chains vs rust_fib_notifier");
MODULE_LICENSE("GPL");
MODULE_IMPORT_NS(RUST_FIB_NOTIFIER_NS);
