package io.vigil.failover;

import io.vigil.failover.FailoverAction.ShutdownComplete;
import io.vigil.failover.FailoverEvent.GroupOp;
import io.vigil.membership.NodeStatus;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Who holds which group: a pure, single-threaded state machine. No I/O, no threads, no clock of its own.
 * <p>
 * Each event is handled, then the engine reconciles: time-outs, fencing, the standby exchange, and what the failback
 * policy moves where. The parts say what they decide: {@link PeerTable} (what we know of each peer), {@link LocalGroups}
 * (our groups and their operations), {@link Placement} (where a group belongs), {@link StandbyExchange},
 * {@link FenceGate}, {@link Connectivity}, {@link Announcements}, {@link PeerLifecycle}, {@link StartupAdoption},
 * and the policy chosen from
 * {@code auto_failback}: {@link NiceFailback} or {@link LegacyFailback}. See {@code docs/failover.md} for the states,
 * the messages and the guarantees.
 */
public final class FailoverEngine {

    private final EngineState s;
    private final Events events = new Events();
    private boolean shutdownDelayLogged;
    private boolean giveUpLogged;

    public FailoverEngine(FailoverSettings settings) {
        this.s = new EngineState(settings);
        s.groups.onStopped(s.policy::groupStopped);
    }

    /** Feeds one event at time {@code nowMs}; returns the actions to execute, in order. */
    public List<FailoverAction> handle(long nowMs, FailoverEvent event) {
        s.now = nowMs;
        s.policy.beforeEvent();
        if (s.phase == Phase.STOPPED || (s.stopFailures.silent() && !heardWhileSilent(event))) {
            return s.out.take();
        }
        event.dispatch(events);
        reconcile();
        return s.out.take();
    }

    /**
     * When a {@link FailoverEvent.Tick} would next change something by the clock alone: RQSTDELAY, the standby reply
     * time-out, a fence retry, a query of an unknown peer, the end of an orphan's grace. {@link Long#MAX_VALUE} if
     * nothing waits for the clock. Every other change follows an event, and the engine acts on it then.
     */
    public long nextDeadline() {
        if (s.phase == Phase.STOPPED) {
            return Long.MAX_VALUE;
        }
        // each part counts only what is after now (EngineState.later)
        return Math.min(s.policy.nextDeadline(), Math.min(s.standby.deadline(), s.fences.nextRetry()));
    }

    /**
     * Why {@code next} cannot be applied now (a reload is refused and the running configuration kept), or empty: then
     * feed {@link FailoverEvent.Reconfigured}. See {@link Reconfiguration}.
     */
    public java.util.Optional<String> reconfigurationRefused(FailoverSettings next) {
        return s.reconfiguration.refusal(next);
    }

    /**
     * A node that fell silent after a stop failure is dead for its peers: it acts on nothing they say or do (it takes
     * nothing over), only on its own operations, the reboot's outcome, the operator's cleanup and SIGTERM.
     */
    private static boolean heardWhileSilent(FailoverEvent e) {
        return e instanceof FailoverEvent.GroupCompleted || e instanceof FailoverEvent.RebootFailed
                || e instanceof FailoverEvent.GroupCleanedUp || e instanceof FailoverEvent.ShutdownRequested
                || e instanceof FailoverEvent.Tick;
    }

    public FailoverView view() {
        Map<String, GroupState> st = new LinkedHashMap<>();
        s.groups.all().forEach(g -> st.put(g.key(), g.state));
        boolean transition = s.phase == Phase.STARTING || s.phase == Phase.SHUTDOWN || !s.locallyStable()
                || (s.phase == Phase.STABLE && s.groups.anyInFlight());
        return new FailoverView(s.phase.name(), s.groups.heldSet(), transition, st, s.standby.describe());
    }

    /** Each event, by type. */
    private final class Events implements FailoverEvent.Handler {

        @Override
        public void commUp(FailoverEvent.CommUp e) {
            if (s.phase != Phase.INIT) {
                return;
            }
            s.policy.commUpBegins();
            for (Peer p : s.peers.all()) {
                if (p.status == NodeStatus.DEAD) {
                    s.lifecycle.died(p);
                }
            }
            s.policy.commUpEnds();
        }

        @Override
        public void nodeStatusChanged(FailoverEvent.NodeStatusChanged e) {
            Peer p = s.peers.get(e.node());
            if (p == null) {
                return;
            }
            boolean wasAlive = p.alive();
            p.status = e.to();
            if (wasAlive && e.to() == NodeStatus.DEAD) {
                if (s.phase != Phase.INIT) {
                    s.lifecycle.died(p);
                }
            } else if (!wasAlive && e.to().alive()) {
                boolean restarted = p.starting(); // a restart already marked it fresh
                if (!restarted) {
                    s.groups.forgiveFailures(p.name + " is back");
                }
                // What it told us before membership reported it back is of this very incarnation (its messages may
                // overtake its status): kept. Otherwise its holdings are unknown until it tells us: ask.
                boolean forget = !restarted && !(p.known() && p.heard);
                if (forget) {
                    p.forget();
                    p.nextQueryMs = s.now;
                }
                s.policy.peerAlive(p, forget);
            }
        }

        @Override
        public void partitionHealed(FailoverEvent.PartitionHealed e) {
            Peer p = s.peers.get(e.node());
            if (p == null) {
                return;
            }
            s.out.error("Split brain: node " + p.name + " is back after a partition; resolving double ownership without restart");
            s.groups.forgiveFailures(p.name + " is back after a partition");
            p.conflictsSeen.clear(); // judged while it was dead for us
            if (!p.heard) {
                p.forget();
            }
            if (!p.alive()) {
                p.status = NodeStatus.ACTIVE;
            }
            p.nextQueryMs = s.now;
            s.policy.healed(p);
        }

        @Override
        public void nodeRestarted(FailoverEvent.NodeRestarted e) {
            Peer p = s.peers.get(e.node());
            if (p != null) {
                s.lifecycle.restarted(p);
            }
        }

        /**
         * Packets may be delivered out of order (Heartbeat accepts a gap and fills it later): a {@code resource} snapshot
         * overtaken by the sender's later snapshot or standby step, or a {@code starting} overtaken by its later
         * snapshot, is stale.
         */
        @Override
        public void messageReceived(FailoverEvent.MessageReceived e) {
            Peer from = s.peers.get(e.node());
            if (from == null) {
                return;
            }
            boolean byResource = e.arrival().overtakenBy("resource");
            boolean overtaken = byResource || (e.message() instanceof ResourceMessage.Resource
                    && e.arrival().overtakenBy("ask_resources"));
            e.message().dispatch(new Messages(from, overtaken, byResource));
        }

        @Override
        public void groupCompleted(FailoverEvent.GroupCompleted e) {
            s.groups.completed(e.key(), e.op(), e.success(), e.detail());
        }

        @Override
        public void monitorFailed(FailoverEvent.MonitorFailed e) {
            s.groups.monitorFailed(e.key(), e.detail());
        }

        @Override
        public void fenceCompleted(FailoverEvent.FenceCompleted e) {
            if (s.fences.completed(e.node(), e.success(), e.detail())) {
                s.lifecycle.fenced(e.node());
            }
        }

        @Override
        public void operatorRequest(FailoverEvent.OperatorRequest e) {
            s.policy.operator(e.kind(), e.set());
        }

        @Override
        public void pingReachability(FailoverEvent.PingReachability e) {
            s.connectivity.reachable(e.reachable());
        }

        @Override
        public void shutdownRequested(FailoverEvent.ShutdownRequested e) {
            if (s.shutdownRequested) {
                return;
            }
            s.shutdownRequested = true;
            s.standby.cancel();
            s.phase = Phase.SHUTDOWN;
        }

        @Override
        public void reconfigured(FailoverEvent.Reconfigured e) {
            s.reconfiguration.apply(e.settings());
        }

        @Override
        public void tick(FailoverEvent.Tick e) {
            // the reconciliation that follows every event does what is due
        }

        @Override
        public void foundRunning(FailoverEvent.FoundRunning e) {
            s.adoption.found(e.keys());
        }

        @Override
        public void foundStopFailed(FailoverEvent.FoundStopFailed e) {
            for (String k : e.keys()) {
                LocalGroup g = s.groups.get(k);
                if (g != null) {
                    s.stopFailures.failed(g, "its stop failed at start-up, before this daemon joined");
                }
            }
        }

        @Override
        public void rebootFailed(FailoverEvent.RebootFailed e) {
            s.stopFailures.rebootFailed(e.detail());
        }

        @Override
        public void groupCleanedUp(FailoverEvent.GroupCleanedUp e) {
            s.stopFailures.cleanedUp(e.key(), e.stopped(), e.detail());
        }
    }

    /** Each message from a peer, by type: its sender and where it stands in the sender's sequence. */
    private final class Messages implements ResourceMessage.Handler {
        private final Peer from;
        private final boolean overtaken;
        private final boolean overtakenByResource;

        Messages(Peer from, boolean overtaken, boolean overtakenByResource) {
            this.from = from;
            this.overtaken = overtaken;
            this.overtakenByResource = overtakenByResource;
        }

        @Override
        public void starting(ResourceMessage.Starting m) {
            s.policy.starting(from, overtaken);
        }

        @Override
        public void resource(ResourceMessage.Resource m) {
            if (!overtaken) {
                s.policy.resource(from, m);
            }
        }

        @Override
        public void askResources(ResourceMessage.AskResources m) {
            s.policy.askResources(from, m, overtakenByResource);
        }

        @Override
        public void hbTakeover(ResourceMessage.HbTakeover m) {
            s.policy.hbTakeover(from, m);
        }

        @Override
        public void shutdone(ResourceMessage.Shutdone m) {
            s.lifecycle.gaveUp(from);
        }

        @Override
        public void ipRequest(ResourceMessage.IpRequest m) {
            s.policy.ipRequest(from, m);
        }

        @Override
        public void ipRequestResp(ResourceMessage.IpRequestResp m) {
            s.policy.ipRequestResp(from, m);
        }

        @Override
        public void numPingNodes(ResourceMessage.NumPingNodes m) {
            if (m.count().isPresent()) {
                from.ping = m.count().getAsInt();
            } else {
                s.out.warn("num_ping_nodes from " + from.name + " without a valid num_ping: ignored");
            }
        }

        @Override
        public void ipfailNotice(ResourceMessage.IpfailNotice m) {
            s.out.info("ipfail message " + m.type() + " from " + from.name
                    + " noted (connectivity is decided from num_ping_nodes)");
        }

        @Override
        public void stonith(ResourceMessage.Stonith m) {
            // informational
        }

        @Override
        public void other(ResourceMessage.Other m) {
            // not the engine's business
        }
    }

    // ------------------------------------------------------------------ the reconciliation

    private void reconcile() {
        if (s.phase == Phase.SHUTDOWN) {
            progressShutdown();
            return;
        }
        if (s.stopFailures.silent()) {
            return; // dead for the peers: nothing is placed, nothing announced
        }
        if (s.phase == Phase.INIT || (s.phase == Phase.STARTING && !s.policy.settleStart())) {
            return;
        }
        s.standby.checkTimeout();
        s.fences.retryDue();
        s.standby.progress();
        s.policy.reconcileStable();
        s.connectivity.tellPeers();
        completeTakeoverLogs();
        s.policy.reconcileEnd();
    }

    private void completeTakeoverLogs() {
        if (s.takeoverLogPending.isEmpty() || s.phase != Phase.STABLE || s.groups.anyInFlight()
                || s.fences.anyBlocked()) {
            return;
        }
        for (String n : s.takeoverLogPending) {
            s.out.info("mach_down takeover complete for node " + n + ".");
        }
        s.takeoverLogPending.clear();
        s.out.info("mach_down takeover complete.");
        s.announcements.pending("mach_down");
        s.logInitial("mach_down");
    }

    private void progressShutdown() {
        if (s.groups.anyInFlight() && !giveUpLogged) {
            if (!shutdownDelayLogged) {
                shutdownDelayLogged = true;
                s.out.info("Shutdown delayed until current resource activity finishes.");
            }
            return;
        }
        if (!giveUpLogged) {
            giveUpLogged = true;
            s.policy.givingUp();
            s.out.info("Giving up all HA resources.");
            s.adoption.abandon("shutting down");
            for (LocalGroup g : s.groups.all()) {
                g.queued = null;
                g.restartAfterStop = false;
                if (g.held() && !g.stopFailed()) {
                    s.groups.issue(g, GroupOp.STOP);
                }
            }
        }
        if (s.groups.anyInFlight() || s.stopFailures.rebootPending()) {
            return;
        }
        List<String> stopFailed = s.stopFailures.keys();
        if (!stopFailed.isEmpty()) {
            // Never "relinquished", never shutdone: the peers take these over only as from a crashed node (fenced
            // first where fencing is configured), and the daemon exits non-zero.
            s.out.error("Shutdown with resource groups still stop-failed here: " + stopFailed
                    + ". They are NOT relinquished and no shutdown notice is sent.");
            s.phase = Phase.STOPPED;
            s.out.add(new ShutdownComplete());
            return;
        }
        s.out.info("All HA resources relinquished.");
        s.out.send(new ResourceMessage.Shutdone());
        s.phase = Phase.STOPPED;
        s.out.add(new ShutdownComplete());
    }
}
