// SPDX-License-Identifier: GPL-2.0

//! KUnit: the chain, the counter and the retry loop, against a fake source.
//! Each case runs on a chain of its own (`Chain::isolated`), with its own
//! statistics and knobs: no case puts anything on the module's live chain
//! or counts in its debugfs statistics. Runs at insmod (`kunit.enable=1`).

use core::{pin::Pin, ptr};

use kernel::{
    ffi::c_ulong,
    prelude::*,
    sync::{
        atomic::{Atomic, Relaxed},
        rcu, Arc,
    },
};

use crate::{
    chain::{Chain, Node, Target},
    dump::{self, Registration, Source},
    events::{Event, EventKind, Families, Listener},
    ffi, nets,
    nets::NetId,
    seq_counter,
};

/// An event number the kernel never sends (the cases' chains carry no
/// kernel event: this only makes sure).
const TEST_EVENT: c_ulong = 0x7e57;

/// A global clock to check delivery order across listeners.
static CLOCK: Atomic<u32> = Atomic::new(0);

struct Recorder {
    events: Atomic<u32>,
    replayed: Atomic<u32>,
    flushes: Atomic<u32>,
    net_flushes: Atomic<u32>,
    last_net_flushed: Atomic<u32>,
    last_seen: Atomic<u32>,
    /// Veto replayed events once this many were accepted.
    veto_after: u32,
    /// Mark and sweep instead of `flush_net`.
    reconcile: bool,
    marks: Atomic<u32>,
    sweeps: Atomic<u32>,
    last_swept: Atomic<u32>,
    /// Replayed events when the last sweep came.
    replayed_at_sweep: Atomic<u32>,
}

impl Recorder {
    fn new(veto: bool) -> Result<Arc<Self>> {
        Self::vetoing_after(if veto { 0 } else { u32::MAX })
    }
    fn vetoing_after(veto_after: u32) -> Result<Arc<Self>> {
        Self::with(veto_after, false)
    }
    fn reconciling() -> Result<Arc<Self>> {
        Self::with(u32::MAX, true)
    }
    fn with(veto_after: u32, reconcile: bool) -> Result<Arc<Self>> {
        Ok(Arc::new(
            Self {
                events: Atomic::new(0),
                replayed: Atomic::new(0),
                flushes: Atomic::new(0),
                net_flushes: Atomic::new(0),
                last_net_flushed: Atomic::new(0),
                last_seen: Atomic::new(0),
                veto_after,
                reconcile,
                marks: Atomic::new(0),
                sweeps: Atomic::new(0),
                last_swept: Atomic::new(0),
                replayed_at_sweep: Atomic::new(0),
            },
            GFP_KERNEL,
        )?)
    }
    fn events(&self) -> u32 {
        self.events.load(Relaxed)
    }
    fn flushes(&self) -> u32 {
        self.flushes.load(Relaxed)
    }
    fn net_flushes(&self) -> u32 {
        self.net_flushes.load(Relaxed)
    }
    fn marks(&self) -> u32 {
        self.marks.load(Relaxed)
    }
    fn sweeps(&self) -> u32 {
        self.sweeps.load(Relaxed)
    }
}

struct Rec(Arc<Recorder>);

impl Listener for Rec {
    fn event(&self, event: &Event<'_>) -> Result {
        if event.kind() != EventKind::Other(TEST_EVENT) {
            return Ok(());
        }
        self.0.events.fetch_add(1, Relaxed);
        if event.is_replay() && self.0.replayed.fetch_add(1, Relaxed) >= self.0.veto_after {
            return Err(EOPNOTSUPP);
        }
        self.0
            .last_seen
            .store(CLOCK.fetch_add(1, Relaxed) + 1, Relaxed);
        Ok(())
    }

    fn flush(&self) {
        self.0.flushes.fetch_add(1, Relaxed);
    }

    fn flush_net(&self, net: NetId) {
        self.0.net_flushes.fetch_add(1, Relaxed);
        self.0.last_net_flushed.store(net.inum(), Relaxed);
    }

    fn reconciles(&self) -> bool {
        self.0.reconcile
    }

    fn mark_stale(&self, _net: NetId) {
        self.0.marks.fetch_add(1, Relaxed);
    }

    fn sweep_stale(&self, net: NetId) {
        self.0.sweeps.fetch_add(1, Relaxed);
        self.0.last_swept.store(net.inum(), Relaxed);
        self.0
            .replayed_at_sweep
            .store(self.0.replayed.load(Relaxed), Relaxed);
    }
}

/// What a fake namespace does to another when it is replayed.
#[derive(Clone, Copy)]
enum Action {
    None,
    /// The other namespace appears (with changes counted already).
    Create(usize),
    /// The other namespace goes away.
    Destroy(usize),
}

struct FakeNet {
    id: NetId,
    seq: Atomic<u64>,
    alive: Atomic<bool>,
    /// Replays of this namespace during which it changes.
    unstable: Atomic<u32>,
    replays: Atomic<u32>,
    /// Done (once) during this namespace's first replay.
    action: Action,
}

/// Namespaces whose counters move while they are replayed, and that
/// appear or go away during others' replays.
struct FakeSource {
    nets: KVec<FakeNet>,
    replay_events: u32,
}

impl FakeSource {
    /// `unstable[i]`: how many replays of namespace `i` see a change.
    fn new(unstable: &[u32], replay_events: u32) -> Result<Self> {
        let mut nets = KVec::new();
        for (i, &u) in unstable.iter().enumerate() {
            nets.push(
                FakeNet {
                    id: NetId::fake(i as u32 + 1),
                    seq: Atomic::new(1000),
                    alive: Atomic::new(true),
                    unstable: Atomic::new(u),
                    replays: Atomic::new(0),
                    action: Action::None,
                },
                GFP_KERNEL,
            )?;
        }
        Ok(Self {
            nets,
            replay_events,
        })
    }

    fn with_action(mut self, i: usize, action: Action) -> Self {
        if let Some(net) = self.nets.get_mut(i) {
            net.action = action;
        }
        self
    }

    /// Namespace `i` starts absent.
    fn absent(self, i: usize) -> Self {
        if let Some(net) = self.nets.get(i) {
            net.alive.store(false, Relaxed);
        }
        self
    }

    fn replays(&self, i: usize) -> u32 {
        self.nets[i].replays.load(Relaxed)
    }

    fn total_replays(&self) -> u32 {
        self.nets.iter().map(|n| n.replays.load(Relaxed)).sum()
    }
}

impl Source for FakeSource {
    fn counters<T: Target>(&self, _node: &Node<T>) -> Result<dump::NetSeqs> {
        let mut out = KVec::new();
        for net in self.nets.iter().filter(|n| n.alive.load(Relaxed)) {
            out.push((net.id, net.seq.load(Relaxed)), GFP_KERNEL)?;
        }
        Ok(out)
    }

    fn replay_net<T: Target>(&self, node: Pin<&Node<T>>, id: NetId) -> Result<Option<u64>> {
        let Some(net) = self.nets.iter().find(|n| n.id == id) else {
            return Ok(None);
        };
        if !net.alive.load(Relaxed) {
            return Ok(None);
        }
        let seq = net.seq.load(Relaxed);
        let first = net.replays.fetch_add(1, Relaxed) == 0;
        for _ in 0..self.replay_events {
            let ret = node.replay_event(ptr::null_mut(), TEST_EVENT);
            kernel::error::to_result(ffi::notifier_to_errno(ret))?;
        }
        if net.unstable.load(Relaxed) > 0 {
            // A change lands while we dump.
            net.unstable.fetch_sub(1, Relaxed);
            net.seq.fetch_add(1, Relaxed);
        }
        match (first, net.action) {
            (true, Action::Create(j)) => {
                self.nets[j].alive.store(true, Relaxed);
            }
            (true, Action::Destroy(j)) => {
                self.nets[j].alive.store(false, Relaxed);
                self.nets[j].seq.fetch_add(1, Relaxed);
            }
            _ => {}
        }
        Ok(Some(seq))
    }
}

/// Counts the test events it gets; registered for IPv4 only.
struct Ipv4Only(Arc<Recorder>);

impl Listener for Ipv4Only {
    fn event(&self, event: &Event<'_>) -> Result {
        if event.kind() == EventKind::Other(TEST_EVENT) {
            self.0.events.fetch_add(1, Relaxed);
        }
        Ok(())
    }

    fn flush(&self) {}

    fn flush_net(&self, _net: NetId) {}

    fn families(&self) -> Families {
        Families::IPV4
    }
}

fn fire(chain: &Chain) {
    chain.call(ptr::null_mut(), TEST_EVENT, ptr::null_mut(), Families::ALL);
}

fn register(
    chain: &Arc<Chain>,
    source: &FakeSource,
    rec: &Arc<Recorder>,
) -> Result<Registration<Rec>> {
    Registration::with_source(chain, source, Rec(rec.clone()))
}

#[kunit_tests(rust_fib_notifier_chain)]
mod tests {
    use super::*;

    #[test]
    fn nexthop_events_decode() {
        use crate::events::NexthopEvent::*;
        let kind = |e| EventKind::from_raw(ffi::RUST_FIB_EVENT_NEXTHOP_BASE + e);
        assert_eq!(kind(0), EventKind::Nexthop(Del));
        assert_eq!(kind(1), EventKind::Nexthop(Replace));
        assert_eq!(kind(2), EventKind::Nexthop(ResTablePreReplace));
        assert_eq!(kind(3), EventKind::Nexthop(BucketReplace));
        assert_eq!(kind(4), EventKind::Nexthop(HwStatsReportDelta));
        assert_eq!(kind(5), EventKind::Nexthop(Other(5)));
        assert!(!EventKind::from_raw(ffi::RUST_FIB_EVENT_NEXTHOP_END).is_nexthop());
        assert!(!EventKind::from_raw(ffi::FIB_EVENT_ENTRY_DEL).is_nexthop());
    }

    /// Multicast routing's entry and VIF events decode as theirs; a
    /// namespace's exit, every family's, stays an exit.
    #[test]
    fn multicast_events_decode() {
        use crate::events::{Families, MfcEvent};
        let mr = |e| EventKind::of(e, Families::IPMR);
        assert_eq!(mr(ffi::FIB_EVENT_ENTRY_ADD), EventKind::Mfc(MfcEvent::Add));
        assert_eq!(
            mr(ffi::FIB_EVENT_ENTRY_REPLACE),
            EventKind::Mfc(MfcEvent::Replace)
        );
        assert_eq!(
            EventKind::of(ffi::FIB_EVENT_ENTRY_DEL, Families::IP6MR),
            EventKind::Mfc(MfcEvent::Del)
        );
        assert_eq!(mr(ffi::FIB_EVENT_VIF_ADD), EventKind::VifAdd);
        assert_eq!(mr(ffi::FIB_EVENT_VIF_DEL), EventKind::VifDel);
        assert_eq!(mr(ffi::FIB_EVENT_RULE_ADD), EventKind::RuleAdd);
        assert_eq!(
            EventKind::of(ffi::RUST_FIB_EVENT_NETNS_EXIT, Families::ALL),
            EventKind::NetnsExit
        );
        assert_eq!(
            EventKind::of(ffi::FIB_EVENT_ENTRY_ADD, Families::IPV4),
            EventKind::EntryAdd
        );
    }

    #[test]
    fn registered_listener_gets_chain_events() -> Result {
        let chain = Chain::isolated()?;
        let rec = Recorder::new(false)?;
        let reg = register(&chain, &FakeSource::new(&[], 0)?, &rec)?;
        fire(&chain);
        fire(&chain);
        assert_eq!(rec.events(), 2);
        drop(reg);
        Ok(())
    }

    #[test]
    fn no_callback_after_registration_dropped() -> Result {
        let chain = Chain::isolated()?;
        let rec = Recorder::new(false)?;
        let reg = register(&chain, &FakeSource::new(&[], 0)?, &rec)?;
        fire(&chain);
        drop(reg);
        fire(&chain);
        fire(&chain);
        assert_eq!(rec.events(), 1);
        Ok(())
    }

    #[test]
    fn listeners_called_in_registration_order() -> Result {
        let chain = Chain::isolated()?;
        let first = Recorder::new(false)?;
        let second = Recorder::new(false)?;
        let source = FakeSource::new(&[], 0)?;
        let reg1 = register(&chain, &source, &first)?;
        let reg2 = register(&chain, &source, &second)?;
        fire(&chain);
        let (a, b) = (
            first.last_seen.load(Relaxed),
            second.last_seen.load(Relaxed),
        );
        assert!(a != 0 && b != 0 && a < b);
        drop(reg1);
        fire(&chain);
        assert_eq!(first.events(), 1);
        assert_eq!(second.events(), 2);
        drop(reg2);
        Ok(())
    }

    #[test]
    fn consistent_first_try() -> Result {
        let chain = Chain::isolated()?;
        let rec = Recorder::new(false)?;
        let source = FakeSource::new(&[0, 0], 3)?;
        let reg = register(&chain, &source, &rec)?;
        assert_eq!(source.total_replays(), 2);
        assert_eq!(rec.flushes() + rec.net_flushes(), 0);
        assert_eq!(rec.replayed.load(Relaxed), 6);
        drop(reg);
        Ok(())
    }

    #[test]
    fn inconsistent_k_times_then_registered() -> Result {
        let chain = Chain::isolated()?;
        for k in 1..dump::FIB_DUMP_MAX_RETRIES {
            let rec = Recorder::new(false)?;
            let source = FakeSource::new(&[k], 2)?;
            let reg = register(&chain, &source, &rec)?;
            assert_eq!(rec.net_flushes(), k);
            assert_eq!(rec.flushes(), 0);
            assert_eq!(source.replays(0), k + 1);
            assert_eq!(rec.replayed.load(Relaxed), 2 * (k + 1));
            fire(&chain);
            assert_eq!(rec.events(), 2 * (k + 1) + 1);
            drop(reg);
        }
        Ok(())
    }

    /// A change in one namespace re-replays that one only.
    #[test]
    fn change_in_one_namespace_replays_only_it() -> Result {
        let chain = Chain::isolated()?;
        let rec = Recorder::new(false)?;
        let source = FakeSource::new(&[0, 2, 0], 1)?;
        let reg = register(&chain, &source, &rec)?;
        assert_eq!(
            (source.replays(0), source.replays(1), source.replays(2)),
            (1, 3, 1)
        );
        assert_eq!(rec.net_flushes(), 2);
        assert_eq!(rec.last_net_flushed.load(Relaxed), 2);
        assert_eq!(rec.flushes(), 0);
        drop(reg);
        Ok(())
    }

    /// Today's behaviour, kept for comparison (`retry_all`): everything is
    /// flushed and replayed again.
    #[test]
    fn retry_all_replays_everything() -> Result {
        let chain = Chain::isolated()?;
        let rec = Recorder::new(false)?;
        let source = FakeSource::new(&[0, 1, 0], 1)?;
        chain.retry_all.store(true, Relaxed);
        let reg = register(&chain, &source, &rec)?;
        assert_eq!(source.total_replays(), 6);
        assert_eq!(rec.flushes(), 1);
        assert_eq!(rec.net_flushes(), 0);
        drop(reg);
        Ok(())
    }

    #[test]
    fn namespace_created_during_replay_is_replayed() -> Result {
        let chain = Chain::isolated()?;
        let rec = Recorder::new(false)?;
        // Namespace 2 appears while namespace 1 is replayed.
        let source = FakeSource::new(&[0, 0], 1)?
            .absent(1)
            .with_action(0, Action::Create(1));
        let reg = register(&chain, &source, &rec)?;
        assert_eq!((source.replays(0), source.replays(1)), (1, 1));
        assert_eq!(rec.net_flushes(), 1);
        assert_eq!(rec.last_net_flushed.load(Relaxed), 2);
        drop(reg);
        Ok(())
    }

    #[test]
    fn namespace_destroyed_during_replay_is_flushed() -> Result {
        let chain = Chain::isolated()?;
        let rec = Recorder::new(false)?;
        // Namespace 1 goes away while namespace 2 is replayed.
        let source = FakeSource::new(&[0, 0], 1)?.with_action(1, Action::Destroy(0));
        let reg = register(&chain, &source, &rec)?;
        assert_eq!((source.replays(0), source.replays(1)), (1, 1));
        assert_eq!(rec.net_flushes(), 1);
        assert_eq!(rec.last_net_flushed.load(Relaxed), 1);
        drop(reg);
        Ok(())
    }

    #[test]
    fn always_inconsistent_is_ebusy_after_five() -> Result {
        let chain = Chain::isolated()?;
        let rec = Recorder::new(false)?;
        let source = FakeSource::new(&[0, u32::MAX], 1)?;
        let res = register(&chain, &source, &rec);
        assert!(matches!(res, Err(e) if e == EBUSY));
        assert_eq!(source.replays(1), 5);
        assert_eq!(source.replays(0), 1);
        assert_eq!(rec.net_flushes(), 5);
        // Gave up: the listener forgets everything.
        assert_eq!(rec.flushes(), 1);
        assert_eq!(chain.stats.ebusy.load(Relaxed), 1);
        assert_eq!(chain.stats.tries.load(Relaxed), 5);
        assert_eq!(chain.stats.registered.load(Relaxed), 0);
        let before = rec.events();
        fire(&chain);
        // Not on the chain.
        assert_eq!(rec.events(), before);
        Ok(())
    }

    #[test]
    fn veto_during_replay_aborts() -> Result {
        let chain = Chain::isolated()?;
        let rec = Recorder::new(true)?;
        let source = FakeSource::new(&[0], 3)?;
        let res = register(&chain, &source, &rec);
        assert!(matches!(res, Err(e) if e == EOPNOTSUPP));
        // The first event was vetoed: the replay stopped there.
        assert_eq!(rec.events(), 1);
        assert_eq!(rec.flushes(), 1);
        fire(&chain);
        assert_eq!(rec.events(), 1);
        Ok(())
    }

    /// A veto while a changed namespace is replayed again aborts too, and
    /// leaves the node off the chain.
    #[test]
    fn veto_mid_retry_aborts() -> Result {
        let chain = Chain::isolated()?;
        // Accepts the first try's 2 events, vetoes in the retry.
        let rec = Recorder::vetoing_after(2)?;
        let source = FakeSource::new(&[0, 1], 1)?;
        let res = register(&chain, &source, &rec);
        assert!(matches!(res, Err(e) if e == EOPNOTSUPP));
        assert_eq!(source.replays(1), 2);
        assert_eq!(rec.net_flushes(), 1);
        assert_eq!(rec.flushes(), 1);
        let before = rec.events();
        fire(&chain);
        assert_eq!(rec.events(), before);
        Ok(())
    }

    /// A resync replays the one namespace; the listener stays on the chain.
    #[test]
    fn resync_replays_one_namespace() -> Result {
        let chain = Chain::isolated()?;
        let rec = Recorder::new(false)?;
        let source = FakeSource::new(&[0, 0, 0], 1)?;
        let reg = register(&chain, &source, &rec)?;
        reg.resync_from(&source, NetId::fake(2))?;
        assert_eq!(
            (source.replays(0), source.replays(1), source.replays(2)),
            (1, 2, 1)
        );
        assert_eq!(rec.net_flushes(), 1);
        assert_eq!(rec.last_net_flushed.load(Relaxed), 2);
        let before = rec.events();
        fire(&chain);
        assert_eq!(rec.events(), before + 1);
        drop(reg);
        Ok(())
    }

    /// A listener that reconciles is never flushed for a retry: the
    /// changed namespace is marked before each replay again and swept once,
    /// after its consistent replay; the others are neither.
    #[test]
    fn reconcile_marks_then_sweeps_only_the_changed_namespace() -> Result {
        let chain = Chain::isolated()?;
        let rec = Recorder::reconciling()?;
        let source = FakeSource::new(&[0, 2, 0], 1)?;
        let reg = register(&chain, &source, &rec)?;
        assert_eq!(
            (source.replays(0), source.replays(1), source.replays(2)),
            (1, 3, 1)
        );
        assert_eq!((rec.flushes(), rec.net_flushes()), (0, 0));
        assert_eq!((rec.marks(), rec.sweeps()), (2, 1));
        assert_eq!(rec.last_swept.load(Relaxed), 2);
        // After the last replay.
        assert_eq!(rec.replayed_at_sweep.load(Relaxed), 5);
        drop(reg);
        Ok(())
    }

    /// A marked namespace that goes away before its replay again is swept
    /// (everything of it goes), not left marked.
    #[test]
    fn reconcile_sweeps_a_namespace_gone_before_its_replay() -> Result {
        let chain = Chain::isolated()?;
        let rec = Recorder::reconciling()?;
        // Namespace 1 changes while it is replayed, then goes away while
        // namespace 2 is.
        let source = FakeSource::new(&[1, 0], 1)?.with_action(1, Action::Destroy(0));
        let reg = register(&chain, &source, &rec)?;
        assert_eq!((rec.marks(), rec.sweeps()), (1, 1));
        assert_eq!(rec.last_swept.load(Relaxed), 1);
        assert_eq!(rec.net_flushes(), 0);
        drop(reg);
        Ok(())
    }

    /// A resync of a listener that reconciles marks and sweeps its one
    /// namespace; one that keeps failing (`EBUSY`) leaves it marked, never
    /// swept, and flushes nothing.
    #[test]
    fn reconcile_resync_marks_sweeps_or_leaves_marked() -> Result {
        let chain = Chain::isolated()?;
        let rec = Recorder::reconciling()?;
        let source = FakeSource::new(&[0, 0], 1)?;
        let reg = register(&chain, &source, &rec)?;
        reg.resync_from(&source, NetId::fake(2))?;
        assert_eq!((rec.marks(), rec.sweeps()), (1, 1));
        source.nets[1].unstable.store(u32::MAX, Relaxed);
        let res = reg.resync_from(&source, NetId::fake(2));
        assert!(matches!(res, Err(e) if e == EBUSY));
        // The failed resync's own mark, then one after each of its tries.
        assert_eq!(
            (rec.marks(), rec.sweeps()),
            (2 + dump::FIB_DUMP_MAX_RETRIES, 1)
        );
        assert_eq!((rec.flushes(), rec.net_flushes()), (0, 0));
        source.nets[1].unstable.store(0, Relaxed);
        drop(reg);
        Ok(())
    }

    /// A resync that fails (`EBUSY`) asks again for what the listener
    /// lacks: its namespace, muted and flushed, while the node stayed on
    /// the chain; every namespace once a retry took the node off the chain
    /// (`retry_all`), since it missed all of their events.
    #[test]
    fn failed_resync_asks_again_for_what_was_missed() -> Result {
        let chain = Chain::isolated()?;
        let rec = Recorder::new(false)?;
        let source = FakeSource::new(&[0, 0, 0], 1)?;
        let reg = register(&chain, &source, &rec)?;
        source.nets[1].unstable.store(u32::MAX, Relaxed);
        let res = reg.resync_from(&source, NetId::fake(2));
        assert!(matches!(res, Err(e) if e == EBUSY));
        let pending = reg.take_pending();
        assert!(!pending.all());
        assert_eq!(pending.nets().count(), 1);
        assert_eq!(pending.nets().next(), Some(NetId::fake(2)));
        chain.retry_all.store(true, Relaxed);
        let res = reg.resync_from(&source, NetId::fake(2));
        assert!(matches!(res, Err(e) if e == EBUSY));
        assert!(reg.take_pending().all());
        chain.retry_all.store(false, Relaxed);
        source.nets[1].unstable.store(0, Relaxed);
        drop(reg);
        Ok(())
    }

    /// A listener gets only the families it registered for (and a
    /// namespace's exit, every family's event).
    #[test]
    fn listener_gets_only_its_families() -> Result {
        let chain = Chain::isolated()?;
        let rec = Recorder::new(false)?;
        let reg =
            Registration::with_source(&chain, &FakeSource::new(&[], 0)?, Ipv4Only(rec.clone()))?;
        for family in [Families::IPV6, Families::RULES, Families::NEXTHOPS] {
            chain.call(ptr::null_mut(), TEST_EVENT, ptr::null_mut(), family);
        }
        assert_eq!(rec.events(), 0);
        chain.call(ptr::null_mut(), TEST_EVENT, ptr::null_mut(), Families::IPV4);
        fire(&chain);
        assert_eq!(rec.events(), 2);
        drop(reg);
        Ok(())
    }

    #[test]
    fn counter_moves_with_bump() -> Result {
        let first = {
            let guard = rcu::read_lock();
            nets::all(&guard).next().map(|net| {
                seq_counter::count_change(net, Families::ALL);
                seq_counter::read(net, Families::ALL)
            })
        };
        // The initial namespace at least.
        assert!(first.is_some());
        let now = seq_counter::counters(|_| true, Families::ALL)?;
        assert!(!now.is_empty());
        assert!(now[0].1 >= first.unwrap_or(u64::MAX));
        Ok(())
    }
}
