package io.vigil.node;

import io.vigil.failover.FailoverAction;
import io.vigil.failover.FailoverEngine;
import io.vigil.failover.FailoverEvent;
import io.vigil.failover.FailoverView;
import io.vigil.failover.ResourceMessage;
import io.vigil.failover.ResourceSet;
import io.vigil.membership.Membership;
import io.vigil.membership.MembershipEvent;
import io.vigil.membership.MembershipView;
import io.vigil.wire.DropReason;
import io.vigil.wire.Message;
import io.vigil.wire.PeerIncarnation;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.random.RandomGenerator;

/**
 * One cluster node's decisions, without I/O: sequencing, membership and failover wired together in the order that
 * keeps them right. Every input carries the caller's monotonic time in milliseconds; every output is a call on
 * {@link NodeEffects}. Single-threaded. The daemon drives it with real packets, timers and processes; the
 * simulation and the scenario transcripts drive the same class.
 */
public final class NodeCore {

    /** Why an accepted packet went no further. */
    public record Dropped(DropReason reason, String detail) {
    }

    /**
     * Sees what goes into and out of the cores, for notifications and the live feed; it decides nothing. The
     * simulation and the transcripts run without one.
     */
    public interface Tap {
        Tap NONE = new Tap() {
        };

        default void membershipEvents(List<MembershipEvent> events) {
        }

        default void engineInput(FailoverEvent event) {
        }

        default void engineActions(List<FailoverAction> actions) {
        }
    }

    private final String local;
    private final boolean pingNodes;
    private final NodeEffects fx;
    private final Tap tap;
    private final Membership membership;
    private final FailoverEngine engine;
    private int reachablePingNodes = -1;
    private boolean finished;
    /** After a stop failure (reboot, fence): nothing is sent, so the peers take this node for dead. */
    private boolean silent;

    public NodeCore(NodeSettings settings, long nowMs, RandomGenerator random, NodeEffects effects) {
        this(settings, nowMs, random, effects, Tap.NONE);
    }

    public NodeCore(NodeSettings settings, long nowMs, RandomGenerator random, NodeEffects effects, Tap tap) {
        this.tap = tap;
        this.local = settings.failover().localNode();
        this.pingNodes = !settings.membership().pingNodes().isEmpty() || settings.failover().pingNodeCount() > 0;
        this.fx = effects;
        this.membership = new Membership(settings.membership(), nowMs, random);
        this.engine = new FailoverEngine(settings.failover());
    }

    // ---------------------------------------------------------------- inputs

    /**
     * An authenticated message from the network, received on {@code link}. Returns why it went no further, if it was
     * dropped (our own packet come back is ignored without a word).
     */
    public Optional<Dropped> packet(long now, Message m, String link) {
        if (finished) {
            return Optional.empty();
        }
        if (m.get("src").orElse("").equalsIgnoreCase(local)) {
            return Optional.empty();
        }
        return handleMembership(now, membership.onMessage(now, m, link));
    }

    /** The timer, at {@link #nextDeadline()}: node and link deadlines, retransmission requests, the engine's time-outs. */
    public void timer(long now) {
        handleMembership(now, membership.tick(now));
        List<FailoverAction> actions = engine.handle(now, new FailoverEvent.Tick());
        if (!finished) {
            execute(actions);
        }
    }

    /**
     * What this node knew of its peers' incarnations before it restarted (what it kept through
     * {@link NodeEffects#keepPeerIncarnation}); call before the first packet.
     */
    public void restorePeers(Collection<PeerIncarnation> known) {
        membership.restore(known);
    }

    /** Every peer's incarnation as it stands now, to keep once more when the daemon stops. */
    public List<PeerIncarnation> peerIncarnations() {
        return membership.peerIncarnations();
    }

    /** Our status message, every keepalive. */
    public void keepalive(long now) {
        if (!finished && !silent) {
            fx.send(membership.statusMessage(now));
        }
    }

    /** An ICMP echo reply from a ping node (for a ping_group: the group's name). */
    public void pingReply(long now, String pingNode) {
        handleMembership(now, membership.onPingReply(now, pingNode));
    }

    /** How many ping nodes this node reaches, where no membership ping nodes are configured (simulation). */
    public void pingReachability(long now, int reachable) {
        if (pingNodes && reachable != reachablePingNodes) {
            reachablePingNodes = reachable;
            handleEngine(now, new FailoverEvent.PingReachability(reachable));
        }
    }

    public void groupCompleted(long now, String key, FailoverEvent.GroupOp op, boolean ok, String detail) {
        handleEngine(now, new FailoverEvent.GroupCompleted(key, op, ok, detail));
    }

    public void fenceCompleted(long now, String node, boolean ok, String detail) {
        handleEngine(now, new FailoverEvent.FenceCompleted(node, ok, detail));
    }

    public void monitorFailed(long now, String key, String detail) {
        handleEngine(now, new FailoverEvent.MonitorFailed(key, detail));
    }

    public void operator(long now, FailoverEvent.OperatorKind kind, ResourceSet set) {
        handleEngine(now, new FailoverEvent.OperatorRequest(kind, set));
    }

    /**
     * The daemon's probe at start found these groups running, left by a predecessor that exited keeping them; called
     * before the first keepalive. The engine adopts them or stops them once start-up settles.
     */
    public void foundRunning(long now, List<String> keys) {
        if (!keys.isEmpty()) {
            handleEngine(now, new FailoverEvent.FoundRunning(keys));
        }
    }

    /** The start-up clean-up could not stop these groups (before the first keepalive): stop-failed from the start. */
    public void foundStopFailed(long now, List<String> keys) {
        if (!keys.isEmpty()) {
            handleEngine(now, new FailoverEvent.FoundStopFailed(keys));
        }
    }

    /** The reboot asked after a stop failure did not happen (refused, failed or returned). */
    public void rebootFailed(long now, String detail) {
        handleEngine(now, new FailoverEvent.RebootFailed(detail));
    }

    /** {@code vigil resource cleanup KEY}: the group was probed (and stopped again); {@code stopped}: all stopped now. */
    public void groupCleanedUp(long now, String key, boolean stopped, String detail) {
        handleEngine(now, new FailoverEvent.GroupCleanedUp(key, stopped, detail));
    }

    /** True while this node sends nothing after a stop failure (waiting to be rebooted or fenced). */
    public boolean silent() {
        return silent;
    }

    /** SIGTERM: give every group up, tell the peers, then {@link NodeEffects#shutdownComplete()}. */
    public void shutdown(long now) {
        handleEngine(now, new FailoverEvent.ShutdownRequested());
    }

    /**
     * A reload: new timings, media (links), groups, auto_failback on/off. Returns why it is refused (nothing changed),
     * or empty once applied: membership first (our new deadtime goes out in the status sent at once), then the engine.
     */
    public Optional<String> reconfigure(long now, NodeSettings next) {
        if (finished) {
            return Optional.of("this node is shutting down");
        }
        Optional<String> refused = engine.reconfigurationRefused(next.failover());
        if (refused.isPresent()) {
            return refused;
        }
        handleMembership(now, membership.reconfigure(next.membership()));
        handleEngine(now, new FailoverEvent.Reconfigured(next.failover()));
        keepalive(now);
        return Optional.empty();
    }

    // ---------------------------------------------------------------- queries

    public MembershipView membershipView() {
        return membership.view();
    }

    public FailoverView failoverView() {
        return engine.view();
    }

    /**
     * When {@link #timer} must next be called (monotonic ms): the earliest of membership's deadlines (silence past a
     * deadtime, a retransmission request) and the engine's (time-outs, graces); {@link Long#MAX_VALUE} if nothing
     * waits for the clock. Calling the timer earlier does nothing; there is no tick to poll.
     */
    public long nextDeadline() {
        long engineNext = finished ? Long.MAX_VALUE : engine.nextDeadline();
        return Math.min(membership.nextDeadline(), engineNext);
    }

    /** True once the engine has given everything up and said goodbye: nothing is processed any more. */
    public boolean finished() {
        return finished;
    }

    // ---------------------------------------------------------------- the order of things

    private Optional<Dropped> handleMembership(long now, List<MembershipEvent> events) {
        tap.membershipEvents(events);
        MembershipDispatch d = new MembershipDispatch(now);
        for (MembershipEvent e : goodbyeFirst(commUpLast(events))) {
            e.dispatch(d);
        }
        return Optional.ofNullable(d.dropped);
    }

    /** Each membership event to the effects and the engine, in order. */
    private final class MembershipDispatch implements MembershipEvent.Handler {
        private final long now;
        private Dropped dropped;

        MembershipDispatch(long now) {
            this.now = now;
        }

        @Override
        public void nodeStatusChanged(MembershipEvent.NodeStatusChanged c) {
            fx.transition(new Transition.NodeChanged(c.node(), c.from(), c.to()));
            if (membership.isPingNode(c.node())) {
                pingReachability(now, membership.reachablePingNodes());
            } else {
                handleEngine(now, new FailoverEvent.NodeStatusChanged(c.node(), c.from(), c.to()));
            }
        }

        @Override
        public void linkStatusChanged(MembershipEvent.LinkStatusChanged c) {
            fx.transition(new Transition.LinkChanged(c.node(), c.link(), c.up()));
        }

        @Override
        public void lateHeartbeat(MembershipEvent.LateHeartbeat e) {
            // worded and logged by membership itself
        }

        @Override
        public void commUp(MembershipEvent.CommUp e) {
            fx.transition(new Transition.CommUp(local));
            keepalive(now); // Heartbeat announces every local status change at once
            handleEngine(now, new FailoverEvent.CommUp());
        }

        @Override
        public void nodeRestarted(MembershipEvent.NodeRestarted r) {
            fx.transition(new Transition.NodeRestarted(r.node()));
            handleEngine(now, new FailoverEvent.NodeRestarted(r.node()));
        }

        @Override
        public void returnedAfterPartition(MembershipEvent.ReturnedAfterPartition p) {
            fx.transition(new Transition.PartitionHealed(p.node()));
            handleEngine(now, new FailoverEvent.PartitionHealed(p.node()));
        }

        @Override
        public void deliver(MembershipEvent.Deliver d) {
            handleEngine(now, new FailoverEvent.MessageReceived(d.node(), ResourceMessage.decode(d.message()),
                    d.arrival()));
        }

        @Override
        public void dropped(MembershipEvent.Dropped d) {
            dropped = new Dropped(d.reason(), d.detail());
        }

        @Override
        public void retransmitRequest(MembershipEvent.RetransmitRequest r) {
            if (!silent) {
                fx.retransmissionRequested(r.request());
            }
        }

        @Override
        public void keepaliveArrived(MembershipEvent.KeepaliveArrived k) {
            fx.keepaliveInterval(k.node(), k.intervalMs());
        }

        @Override
        public void send(MembershipEvent.Send s) {
            if (!silent) {
                fx.send(s.message());
            }
        }

        @Override
        public void peerIncarnationNoted(MembershipEvent.PeerIncarnationNoted n) {
            fx.keepPeerIncarnation(n.incarnation());
        }

        @Override
        public void log(MembershipEvent.Log l) {
            fx.log(l.level(), l.text());
        }
    }

    /**
     * The packet that brings communication up also carries its sender's status; membership reports CommUp first.
     * The engine must learn that the peer is alive before it decides what to acquire at comm-up, else it starts
     * groups the peer is holding (auto_failback off broken, "Split brain" at every restart).
     */
    static List<MembershipEvent> commUpLast(List<MembershipEvent> events) {
        if (events.stream().noneMatch(e -> e instanceof MembershipEvent.CommUp)) {
            return events;
        }
        List<MembershipEvent> ordered = new ArrayList<>(events.size());
        events.stream().filter(e -> !(e instanceof MembershipEvent.CommUp || e instanceof MembershipEvent.Deliver))
                .forEach(ordered::add);
        events.stream().filter(e -> e instanceof MembershipEvent.CommUp).forEach(ordered::add);
        events.stream().filter(e -> e instanceof MembershipEvent.Deliver).forEach(ordered::add); // the message last
        return ordered;
    }

    /**
     * A shutdown notice makes membership report its sender dead, then hands the notice on. The engine must see the
     * notice first: a node that dies after {@code info=shutdown} without one crashed mid-stop (or kept groups whose stop
     * failed) and is taken over as crashed, fenced first where fencing is configured.
     */
    static List<MembershipEvent> goodbyeFirst(List<MembershipEvent> events) {
        List<MembershipEvent> ordered = new ArrayList<>(events);
        for (MembershipEvent e : events) {
            if (e instanceof MembershipEvent.Deliver d && "shutdone".equals(d.message().get("t").orElse(""))) {
                for (int i = 0; i < ordered.size(); i++) {
                    if (ordered.get(i) instanceof MembershipEvent.NodeStatusChanged c && c.node().equals(d.node())) {
                        ordered.remove(d);
                        ordered.add(i, d);
                        break;
                    }
                }
            }
        }
        return ordered;
    }

    private void handleEngine(long now, FailoverEvent event) {
        if (!finished) {
            tap.engineInput(event);
            execute(engine.handle(now, event));
        }
    }

    private void execute(List<FailoverAction> actions) {
        tap.engineActions(actions);
        for (FailoverAction a : actions) {
            a.dispatch(actionHandler);
        }
    }

    /** Each engine action to the effects. */
    private final FailoverAction.Handler actionHandler = new FailoverAction.Handler() {
        @Override
        public void startGroup(FailoverAction.StartGroup a) {
            fx.startGroup(a.key());
        }

        @Override
        public void stopGroup(FailoverAction.StopGroup a) {
            fx.stopGroup(a.key());
        }

        @Override
        public void announce(FailoverAction.Announce a) {
            fx.announce(a.key());
        }

        @Override
        public void fence(FailoverAction.Fence a) {
            fx.fence(a.node());
        }

        @Override
        public void send(FailoverAction.Send a) {
            if (!silent) {
                fx.send(a.message().wire());
            }
        }

        @Override
        public void log(FailoverAction.Log a) {
            fx.log(a.level(), a.text());
        }

        @Override
        public void silence(FailoverAction.Silence a) {
            silent = a.on();
        }

        @Override
        public void reboot(FailoverAction.Reboot a) {
            fx.reboot(a.reason());
        }

        @Override
        public void shutdownComplete(FailoverAction.ShutdownComplete a) {
            finished = true; // the engine has logged "All HA resources relinquished." (Heartbeat logs it once)
            fx.shutdownComplete();
        }
    };
}
