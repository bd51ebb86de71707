// SPDX-License-Identifier: GPL-2.0

//! Registration with dump-and-replay (`net/core/fib_notifier.c`'s loop, on
//! the global chain), consistent per namespace: a retry flushes and replays
//! only the namespaces that changed (see `seq_counter.rs`).

use core::{pin::Pin, ptr};

use kernel::{
    bindings,
    prelude::*,
    sync::{
        atomic::{Atomic, Full, Relaxed},
        barrier::smp_mb,
        rcu,
    },
};

use crate::{
    chain::{ChainRef, Node, ReplayBlock, RustTarget, Target},
    events::{Families, Listener},
    ffi, kernel_gaps,
    nets::{self, NetId},
    seq_counter, trace,
};

/// Fixed, as in 4.11: "Lets see if it's really a problem before adding
/// something we can never remove."
pub(crate) const FIB_DUMP_MAX_RETRIES: u32 = 5;

/// Every namespace a node accepts, with its change counter.
pub(crate) type NetSeqs = KVec<(NetId, u64)>;

/// Where the state to replay comes from.
pub(crate) trait Source {
    /// Every namespace `node` accepts, with its counter now.
    fn counters<T: Target>(&self, node: &Node<T>) -> Result<NetSeqs>;
    /// Reads `net`'s counter, then replays its rules and routes to the node
    /// alone; `None` when `net` is gone. An error (a veto, -ENOMEM) aborts.
    fn replay_net<T: Target>(&self, node: Pin<&Node<T>>, net: NetId) -> Result<Option<u64>>;
}

/// The kernel's real tables, through each family's own dump. A listener's
/// veto message during the replay goes to `extack` (may be null).
pub(crate) struct KernelFib {
    pub(crate) extack: *mut bindings::netlink_ext_ack,
}

impl KernelFib {
    /// The real tables, with no extack.
    pub(crate) const fn new() -> Self {
        Self {
            extack: ptr::null_mut(),
        }
    }
}

impl Source for KernelFib {
    fn counters<T: Target>(&self, node: &Node<T>) -> Result<NetSeqs> {
        seq_counter::counters(|net| node.accepts(net), node.families())
    }

    fn replay_net<T: Target>(&self, node: Pin<&Node<T>>, id: NetId) -> Result<Option<u64>> {
        // The pin keeps the namespace (and its bridge) alive between the
        // counter and the dump, even one whose set-up fails meanwhile; the
        // RCU read section covers this one namespace only.
        let Some(net) = nets::pin(id) else {
            return Ok(None);
        };
        let families = node.families();
        let seq = seq_counter::read_for_replay(&net, families);
        if families.intersects(Families::NEXTHOPS) {
            // Nexthop objects first, under RTNL (which every change of
            // them holds), then rules and routes, under RCU.
            let block = ReplayBlock::new(&node, net.as_ptr(), Families::NEXTHOPS);
            // SAFETY: as below (pinned); process context, no lock held.
            kernel::error::to_result(unsafe {
                ffi::rfn_nh_dump(net.as_ptr(), block.as_ptr(), self.extack)
            })?;
        }
        let _guard = rcu::read_lock();
        // In the order the kernel's own replay walks a namespace's
        // families (`register_fib_notifier()`: the order they registered).
        for (af, family, rules) in [
            (ffi::AF_INET, Families::IPV4, Families::RULES),
            (ffi::RTNL_FAMILY_IPMR, Families::IPMR, Families::IPMR),
            (ffi::AF_INET6, Families::IPV6, Families::RULES),
            (ffi::RTNL_FAMILY_IP6MR, Families::IP6MR, Families::IP6MR),
        ] {
            // A unicast family's dump replays its rules, then every table
            // entry; a multicast family's its rules, then each table's VIFs
            // and entries (`mr_dump()`).
            if !families.intersects(family | rules) {
                continue;
            }
            let block = ReplayBlock::new(&node, net.as_ptr(), family);
            // SAFETY: `net` is pinned, and we hold RCU; the replay
            // block outlives the dump, which calls it synchronously.
            kernel::error::to_result(unsafe {
                ffi::rfn_fib_dump(net.as_ptr(), af, block.as_ptr(), self.extack)
            })?;
        }
        Ok(Some(seq))
    }
}

/// Registration outcomes, for debugfs.
pub(crate) struct Stats {
    pub(crate) tries: Atomic<u64>,
    pub(crate) flushes: Atomic<u64>,
    pub(crate) ebusy: Atomic<u64>,
    pub(crate) registered: Atomic<u64>,
    pub(crate) aborted: Atomic<u64>,
    /// Namespaces replayed, by registrations and resyncs.
    pub(crate) nets_replayed: Atomic<u64>,
    pub(crate) resyncs: Atomic<u64>,
    pub(crate) resynced: Atomic<u64>,
    /// Namespaces swept by a listener that reconciles, after a consistent
    /// replay.
    pub(crate) sweeps: Atomic<u64>,
}

impl Stats {
    /// All zero.
    pub(crate) const fn new() -> Self {
        Self {
            tries: Atomic::new(0),
            flushes: Atomic::new(0),
            ebusy: Atomic::new(0),
            registered: Atomic::new(0),
            aborted: Atomic::new(0),
            nets_replayed: Atomic::new(0),
            resyncs: Atomic::new(0),
            resynced: Atomic::new(0),
            sweeps: Atomic::new(0),
        }
    }
}

fn count(counter: &Atomic<u64>) {
    counter.fetch_add(1, Relaxed);
}

/// Test builds, debugfs `fault_check_busy`: the next N consistency checks
/// (of any registration or resync) find every namespace they replayed
/// changed, as a namespace that keeps changing would: N = 5 makes the next
/// one give up with `EBUSY`.
#[cfg(rfn_test_listeners)]
pub(crate) static FAULT_CHECK_BUSY: Atomic<u32> = Atomic::new(0);

/// `stale`, or every namespace of `replayed` while `FAULT_CHECK_BUSY`
/// says so (taking one from it).
#[cfg(rfn_test_listeners)]
fn fault_check_busy(stale: KVec<NetId>, replayed: &[NetId]) -> Result<KVec<NetId>> {
    let mut left = FAULT_CHECK_BUSY.load(Relaxed);
    while left > 0 {
        match FAULT_CHECK_BUSY.cmpxchg(left, left - 1, Relaxed) {
            Ok(_) => {
                let mut all = KVec::with_capacity(replayed.len(), GFP_KERNEL)?;
                all.extend_from_slice(replayed, GFP_KERNEL)?;
                return Ok(all);
            }
            Err(now) => left = now,
        }
    }
    Ok(stale)
}

fn ids(counters: &NetSeqs) -> Result<KVec<NetId>> {
    let mut ids = KVec::with_capacity(counters.len(), GFP_KERNEL)?;
    for (net, _) in counters.iter() {
        ids.push_within_capacity(*net).map_err(|_| ENOMEM)?;
    }
    Ok(ids)
}

/// Replays every namespace to `node`, then puts it on the chain, if the
/// counters say nothing changed meanwhile; else flushes and replays what
/// changed, [`FIB_DUMP_MAX_RETRIES`] tries in all, then fails with `EBUSY`.
///
/// A veto during the replay flushes the listener and returns the error.
pub(crate) fn register<S: Source, T: Target>(source: &S, node: Pin<&Node<T>>) -> Result {
    let _sync = node.lock_sync().ok_or(ENOENT)?;
    let res = source
        .counters(&node)
        .and_then(|nets| ids(&nets))
        .and_then(|nets| {
            let todo = Todo {
                nets,
                marked: false,
            };
            settle(source, node, todo)
        });
    if res.is_err() {
        node.remove();
        node.unmute(None);
        node.target.flush();
    }
    res
}

/// Flushes `nets` in `node`'s listener and replays them to it alone, the
/// other namespaces' events flowing meanwhile, with the same check and
/// retries as [`register`]. A veto does not stop a resync's replay (what
/// the listener refuses, it does not hold). After a failure (`EBUSY`,
/// `ENOMEM`) the namespaces stay flushed and muted, and the node's resync
/// work tries again in [`RESYNC_RETRY_MS`] (every namespace, if a retry
/// took the node off the chain), until a resync succeeds or the node ends,
/// whoever asked for this one.
pub(crate) fn resync<S: Source, T: Target>(
    source: &S,
    node: Pin<&Node<T>>,
    nets: &[NetId],
) -> Result {
    if !nets.iter().all(|&net| node.covers(net)) {
        return Err(EINVAL);
    }
    let _sync = node.lock_sync().ok_or(ENOENT)?;
    count(&node.chain_ref().stats.resyncs);
    node.set_resyncing(true);
    let res = forget(source, node, nets).and_then(|todo| settle(source, node, todo));
    node.set_resyncing(false);
    if res.is_err() {
        // The node cannot end meanwhile (`_sync`): its end cancels this.
        // A node that a retry took off the chain (`forget`) missed every
        // namespace's events since: all of them again.
        let again = if node.on_chain() { nets } else { &[] };
        node.resync_in(again, RESYNC_RETRY_MS);
    }
    res?;
    count(&node.chain_ref().stats.resynced);
    Ok(())
}

/// The namespaces a try replays.
struct Todo {
    nets: KVec<NetId>,
    /// The listener reconciles, and was told to mark them stale.
    marked: bool,
}

/// [`settle_tries`], traced.
fn settle<S: Source, T: Target>(source: &S, node: Pin<&Node<T>>, todo: Todo) -> Result {
    let tr = trace::Settle::start(&node, todo.nets.len());
    let res = settle_tries(source, node, todo, &tr);
    tr.end(&res);
    res
}

/// The loop: replay `todo`, publish, check, sweep what was consistent (a
/// listener that reconciles), forget what changed.
fn settle_tries<S: Source, T: Target>(
    source: &S,
    node: Pin<&Node<T>>,
    mut todo: Todo,
    tr: &trace::Settle<'_, T>,
) -> Result {
    for _ in 0..FIB_DUMP_MAX_RETRIES {
        count(&node.chain_ref().stats.tries);
        tr.try_();
        let mut replayed = NetSeqs::with_capacity(todo.nets.len(), GFP_KERNEL)?;
        for &net in todo.nets.iter() {
            let seq = source
                .replay_net(node, net)
                .inspect_err(|_| count(&node.chain_ref().stats.aborted))?;
            // Gone before its replay: it must stay gone.
            replayed
                .push_within_capacity((net, seq.unwrap_or(GONE)))
                .map_err(|_| ENOMEM)?;
            count(&node.chain_ref().stats.nets_replayed);
            tr.net();
            // One namespace per RCU read section; let others run between.
            kernel_gaps::cond_resched();
        }
        // Publish, then read the counters again: see seq_counter.rs.
        let was_off_chain = !node.on_chain();
        node.add();
        node.unmute(Some(&todo.nets));
        smp_mb(Full);
        let stale = changed(source.counters(&node)?, replayed, was_off_chain)?;
        #[cfg(rfn_test_listeners)]
        let stale = fault_check_busy(stale, &todo.nets)?;
        if todo.marked {
            // Consistent: every entry the kernel has was replayed (or came
            // live since), so what is still stale is gone from the kernel.
            // Gone namespaces are consistent once they stay gone: all of
            // theirs goes.
            for &net in todo.nets.iter().filter(|net| !stale.contains(net)) {
                node.target.sweep_stale(net);
                count(&node.chain_ref().stats.sweeps);
            }
        }
        if stale.is_empty() {
            count(&node.chain_ref().stats.registered);
            return Ok(());
        }
        count(&node.chain_ref().stats.flushes);
        todo = forget(source, node, &stale)?;
    }
    count(&node.chain_ref().stats.ebusy);
    tr.ebusy(todo.nets.len());
    Err(EBUSY)
}

/// The counter of a namespace that was gone when it was to be replayed.
const GONE: u64 = u64::MAX;

/// The namespaces the listener may hold wrongly: replayed ones whose
/// counters moved, or that went away (or came back); and, if the node was
/// off the chain until now, namespaces that appeared and already counted
/// changes the node did not hear.
fn changed(mut now: NetSeqs, mut replayed: NetSeqs, was_off_chain: bool) -> Result<KVec<NetId>> {
    now.sort_unstable_by_key(|(net, _)| net.cookie());
    replayed.sort_unstable_by_key(|(net, _)| net.cookie());
    let find = |list: &NetSeqs, net: NetId| {
        list.binary_search_by_key(&net.cookie(), |(n, _)| n.cookie())
            .ok()
            .map(|i| list[i].1)
    };
    let mut stale = KVec::new();
    for &(net, seq) in replayed.iter() {
        let consistent = match find(&now, net) {
            None => seq == GONE,
            Some(current) => current == seq,
        };
        if !consistent {
            trace::retry(net, (seq != GONE).then_some(seq), find(&now, net));
            stale.push(net, GFP_KERNEL)?;
        }
    }
    if was_off_chain {
        for &(net, seq) in now.iter() {
            if seq != 0 && find(&replayed, net).is_none() {
                trace::retry(net, None, Some(seq));
                stale.push(net, GFP_KERNEL)?;
            }
        }
    }
    Ok(stale)
}

/// Makes the listener forget `nets` before they are replayed again: mutes
/// them (no event of theirs in flight after this), then flushes each, or,
/// if the listener reconciles, has it mark each stale (swept once its
/// replay is consistent: see [`settle`]). A listener that can only flush
/// everything (or `retry_all`) is taken off the chain and flushed, and
/// every namespace is replayed. Returns what to replay.
fn forget<S: Source, T: Target>(source: &S, node: Pin<&Node<T>>, nets: &[NetId]) -> Result<Todo> {
    if !node.target.can_flush_net() || node.chain_ref().retry_all.load(Relaxed) {
        node.remove();
        node.unmute(None);
        node.target.flush();
        let nets = ids(&source.counters(&node)?)?;
        return Ok(Todo {
            nets,
            marked: false,
        });
    }
    node.mute(nets)?;
    let marked = node.target.reconciles();
    for &net in nets {
        if marked {
            node.target.mark_stale(net);
        } else {
            node.target.flush_net(net);
        }
    }
    let mut todo = KVec::with_capacity(nets.len(), GFP_KERNEL)?;
    todo.extend_from_slice(nets, GFP_KERNEL)?;
    Ok(Todo { nets: todo, marked })
}

/// Delay before a failed resync (`EBUSY`) is tried again.
const RESYNC_RETRY_MS: u32 = 500;

/// A node for `target`, with [`resync_work`] as its resync work.
pub(crate) fn new_node<T: Target>(target: T, filter: Option<NetId>) -> impl PinInit<Node<T>> {
    new_node_on(ChainRef::Global, target, filter)
}

/// Like [`new_node`], on `chain`.
pub(crate) fn new_node_on<T: Target>(
    chain: ChainRef,
    target: T,
    filter: Option<NetId>,
) -> impl PinInit<Node<T>> {
    Node::new(target, filter, resync_work::<T>, chain)
}

/// A node's resync work: resyncs what its listener (or a veto, or a failed
/// resync) asked for; a resync that fails asks again itself (see
/// [`resync`]), what fails before one starts is asked for again here.
///
/// # Safety
///
/// Only the workqueue calls this, with the `resync_work` of a live node
/// made by [`new_node`].
unsafe extern "C" fn resync_work<T: Target>(work: *mut bindings::work_struct) {
    // SAFETY: the function's requirement.
    let node = unsafe { Node::<T>::of_resync_work(work) };
    let pending = node.take_pending();
    if pending.is_empty() {
        return;
    }
    let nets = if pending.all() {
        KernelFib::new().counters(&node).and_then(|nets| ids(&nets))
    } else {
        let mut nets = KVec::new();
        pending
            .nets()
            .try_for_each(|net| nets.push(net, GFP_KERNEL))
            .map(|()| nets)
            .map_err(Error::from)
    };
    match nets {
        Ok(nets) => {
            // Done, or asked for again by the failed resync; a node that
            // is ending (ENOENT) has nothing left to do.
            let _ = resync(&KernelFib::new(), node, &nets);
            node.chain_ref().resync_queued.fetch_sub(1, Relaxed);
        }
        Err(_) => node.retry_pending(pending, RESYNC_RETRY_MS),
    }
}

/// A Rust listener's registration: dropping it unregisters the listener and
/// waits for RCU readers, so no callback runs after the listener is gone.
pub(crate) struct Registration<L: Listener> {
    /// On the chain until dropped.
    node: Pin<KBox<Node<RustTarget<L>>>>,
}

impl<L: Listener> Registration<L> {
    /// Registers `listener` on every namespace (or only `filter`'s) with
    /// dump-and-replay: see `dump::register`.
    pub(crate) fn new(listener: L, filter: Option<NetId>) -> Result<Self> {
        let node = KBox::pin_init(new_node(RustTarget(listener), filter), GFP_KERNEL)?;
        register(&KernelFib::new(), node.as_ref())?;
        Ok(Self { node })
    }

    /// Flushes `net` in the listener and replays it to it alone, with the
    /// same counter check: see `dump::resync`. Sleeps.
    pub(crate) fn resync(&self, net: NetId) -> Result {
        resync(&KernelFib::new(), self.node.as_ref(), &[net])
    }

    /// Like [`Registration::new`], on `chain`, with the replay taken from
    /// `source`.
    #[cfg(rfn_kunit)]
    pub(crate) fn with_source<S: Source>(
        chain: &kernel::sync::Arc<crate::chain::Chain>,
        source: &S,
        listener: L,
    ) -> Result<Self> {
        let node = Node::new(
            RustTarget(listener),
            None,
            resync_work::<RustTarget<L>>,
            ChainRef::Own(chain.clone()),
        );
        let node = KBox::pin_init(node, GFP_KERNEL)?;
        register(source, node.as_ref())?;
        Ok(Self { node })
    }

    /// Like [`Registration::resync`], with the replay taken from `source`.
    #[cfg(rfn_kunit)]
    pub(crate) fn resync_from<S: Source>(&self, source: &S, net: NetId) -> Result {
        resync(source, self.node.as_ref(), &[net])
    }

    /// What the node's resync work is still asked to do, taken from it (it
    /// does none of it).
    #[cfg(rfn_kunit)]
    pub(crate) fn take_pending(&self) -> crate::chain::Pending {
        self.node.take_pending()
    }
}
