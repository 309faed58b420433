package io.vigil.membership;

import io.vigil.wire.DropReason;
import io.vigil.wire.Fields;
import io.vigil.wire.Message;
import io.vigil.wire.PeerIncarnation;

import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.random.RandomGenerator;

/**
 * The failure detector: packets and clock in, node and link states out. Pure: no I/O, no threads, no clock of its
 * own — every call carries the caller's monotonic time in milliseconds. Mirrors Heartbeat 3.0.6 (reference §4.6-4.9,
 * §5.7-5.9); differences are listed in {@code docs/membership.md}.
 *
 * <p>Driving it (the daemon's side of the contract):
 * <ul>
 *   <li>{@link #statusMessage} every keepalive from a periodic timer (Vert.x {@code setPeriodic} keeps the schedule
 *       from drifting), and once right after a {@link MembershipEvent.CommUp} (Heartbeat sends on every local status
 *       change).</li>
 *   <li>{@link #tick} at {@link #nextDeadline()}: a node silent for longer than its deadtime is declared dead, a
 *       missing packet is asked for again. Calling it earlier does nothing; nothing else needs a timer.</li>
 *   <li>{@link #onMessage} for every authenticated message from a configured node, including our own looped-back
 *       packets (they only mark our own link up). Membership judges each message first: its generation (replay,
 *       restart), its sequence number (duplicate, gap, stale) and what it says about its sender (back after a
 *       partition, alive), reports that, then hands it on ({@link MembershipEvent.Deliver}) with its
 *       {@link Arrival}.</li>
 *   <li>{@link #onPingReply} for every ICMP echo reply; for a {@code ping_group} pass the group name whatever member
 *       answered (the group is alive while any member answers).</li>
 * </ul>
 * Events are returned in the order Heartbeat would log them; {@link MembershipEvent.Log} carries Heartbeat's wording.
 */
public final class Membership {

    /** Heartbeat advertises a longer deadtime while it is starting (reference §4.7: {@code 7d00} for 30 s). */
    static final long STARTUP_DEADTIME_BONUS_MS = 2000;
    static final long STARTUP_WINDOW_MS = 5000;
    private static final int MAX_REPORTED = 256;

    private static final String T_STATUS = "status";
    private static final String T_SHUTDONE = "shutdone";
    private static final String T_REQNODES = "reqnodes";
    /** Membership's own messages: they do not say that their sender is active. */
    private static final Set<String> MEMBERSHIP_TYPES = Set.of(T_SHUTDONE, T_REQNODES, "repnodes");

    /** Replaced by a reload ({@link #reconfigure}): read at each use. */
    private MembershipSettings settings;
    private final String localNode;
    private final long startMs;
    private final NodeTable nodes;
    /** Problems already logged (unknown senders, bad status values): logged once, not every keepalive. */
    private final Set<String> reported = new HashSet<>();
    private final List<MembershipEvent> pending = new ArrayList<>();
    private final Incarnations incarnations;
    private NodeStatus localStatus = NodeStatus.UP;
    private boolean commUp;

    /**
     * @param random for the retransmission requests' delays (Heartbeat waits a random time before asking)
     */
    public Membership(MembershipSettings settings, long nowMs, RandomGenerator random) {
        this.settings = settings;
        this.localNode = lower(settings.localNode());
        this.startMs = nowMs;
        this.incarnations = new Incarnations(localNode, random, settings.maxRexmitDelayMs());
        this.nodes = new NodeTable(settings, localNode);
        nodes.get(localNode).heard = true;
        pending.add(log(Level.INFO, "Local status now set to: 'up'"));
        checkCommUp(pending); // a one-node cluster is up at once
    }

    /**
     * An authenticated message from a configured node, received on {@code link}. The events say, in order, what the
     * message told about its sender (restart, back after a partition, alive, links) and end with the message handed
     * on ({@link MembershipEvent.Deliver}), or with why it goes no further ({@link MembershipEvent.Dropped}).
     */
    public List<MembershipEvent> onMessage(long nowMs, Message message, String link) {
        List<MembershipEvent> events = drainPending();
        Optional<String> from = message.get(Fields.SRC).map(Membership::lower);
        if (from.isEmpty()) {
            return events; // the wire layer rejects these; nothing to attribute it to
        }
        Member node = nodes.get(from.get());
        if (node == null || node.ping) {
            if (reportOnce("src " + from.get())) {
                events.add(log(Level.ERROR, "process_status_message: bad node [" + from.get() + "] in message"));
            }
            events.add(new MembershipEvent.Dropped(DropReason.UNKNOWN_NODE, "bad node [" + from.get() + "] in message"));
            return events;
        }
        String type = lower(message.type()); // Heartbeat compares types case-insensitively
        if (node.local) {
            // Our own packets looped back: they prove our link works, nothing else.
            nodes.linkHeard(nowMs, node, link, events);
            if (T_STATUS.equals(type)) {
                node.lastStatusMs = nowMs;
            }
            return events;
        }
        if (!Fields.isSequencedType(message.type())) {
            if (!incarnations.control(nowMs, node, message, events)) {
                return events;
            }
            boolean forUs = message.get(Fields.DEST).map(d -> lower(d).equals(localNode)).orElse(true);
            if (Fields.T_REXMIT.equals(message.type()) && forUs) {
                events.add(new MembershipEvent.RetransmitRequest(message));
            }
            return events;
        }
        // 1. The sender's incarnation and the message's place in its sequence, settled before anything else
        //    (Heartbeat: before the link is refreshed).
        Incarnations.Judgement j = incarnations.judge(nowMs, node, message, T_STATUS.equals(type), events);
        if (j == null) {
            return events;
        }
        boolean duplicate = j.duplicate();
        node.heard = true;
        boolean forUs = message.get(Fields.DEST).map(d -> lower(d).equals(localNode)).orElse(true);
        boolean isStatus = !duplicate && forUs && T_STATUS.equals(type);
        // 3. What it says about its sender: a status by its content; any other new message of ours by arriving.
        boolean acceptStatus = isStatus && checkStatusOrder(node, message, j.sameIncarnation(), events);
        boolean proofOfLife = !duplicate && !T_STATUS.equals(type) && !MEMBERSHIP_TYPES.contains(type)
                && j.newest() && !node.saidGoodbye;
        if (proofOfLife && j.sameIncarnation() && node.status == NodeStatus.DEAD) {
            HeartbeatWording.returningAfterPartition(node.name, events);
        }
        nodes.linkHeard(nowMs, node, link, events);
        if (isStatus) {
            if (node.lastStatusArrivalMs >= 0) {
                events.add(new MembershipEvent.KeepaliveArrived(node.name, nowMs - node.lastStatusArrivalMs));
            }
            node.lastStatusArrivalMs = nowMs;
        }
        if (proofOfLife && !node.status.alive()) {
            // Its messages overtook the status packet that would say it is back: it is alive now, as it says.
            setStatus(node, NodeStatus.ACTIVE, events);
            node.lastStatusMs = nowMs;
        }
        if (!duplicate && forUs) {
            switch (type) {
                case T_STATUS -> {
                    if (acceptStatus) {
                        applyStatus(nowMs, node, message, events);
                    }
                }
                case T_SHUTDONE -> onShutdownNotice(nowMs, node, message, events);
                case T_REQNODES -> events.add(new MembershipEvent.Send(HeartbeatWording.repnodes(node.name,
                        nodes.normalNodeNames())));
                default -> {
                    // other types are the failover engine's business
                }
            }
        }
        checkCommUp(events);
        if (!duplicate && forUs && !T_STATUS.equals(type)) {
            events.add(new MembershipEvent.Deliver(node.name, message, node.handOn(type, j.seq())));
        }
        return events;
    }

    /**
     * Whether a status may refresh the node's liveness: not when it trails a shutdown notice of its generation, nor
     * when it is older than one already applied. A status from a node we declared dead, of the same generation,
     * means the partition healed.
     */
    private boolean checkStatusOrder(Member node, Message message, boolean sameIncarnation,
                                     List<MembershipEvent> events) {
        long gen = Fields.hex(message, Fields.GENERATION).orElse(-1);
        long seq = Fields.hex(message, Fields.SEQ).orElse(-1);
        if (node.saidGoodbye && (gen < 0 || gen <= node.goodbyeGeneration)) {
            return false; // statuses sent between "shutdone" and the peer's exit
        }
        if (seq >= 0 && seq <= node.lastStatusSeq) {
            // An older status (a retransmission of a recorded gap) must not undo a newer one, nor revive a dead node.
            return false;
        }
        if (node.status == NodeStatus.DEAD && sameIncarnation) {
            HeartbeatWording.returningAfterPartition(node.name, events);
        }
        return true;
    }

    private void applyStatus(long nowMs, Member node, Message message, List<MembershipEvent> events) {
        Optional<String> st = message.get("st");
        if (st.isEmpty()) {
            events.add(log(Level.ERROR, "HBDoMsg_T_STATUS: status update without st field"));
            return;
        }
        NodeStatus status = NodeStatus.ofWire(st.get().toLowerCase(Locale.ROOT))
                .filter(s -> s != NodeStatus.PING)
                .orElse(null);
        if (status == null) {
            if (reportOnce("st " + node.name + " " + st.get())) {
                events.add(log(Level.ERROR, "HBDoMsg_T_STATUS: node " + node.name + " sent unknown status ["
                        + st.get() + "]; its status messages are ignored"));
            }
            return;
        }
        if (node.status != NodeStatus.DEAD && node.lastStatusMs >= 0) {
            checkLateness(nowMs, node, events);
        }
        OptionalLong dt = Fields.hex(message, Fields.DEADTIME);
        if (dt.isPresent() && dt.getAsLong() > 0) {
            node.advertisedDeadtimeMs = dt.getAsLong();
        }
        setStatus(node, status, events);
        node.lastStatusMs = nowMs;
        Fields.hex(message, Fields.SEQ).ifPresent(seq -> node.lastStatusSeq = seq);
        if (status == NodeStatus.DEAD) {
            node.sayGoodbye(node.generation);
            incarnations.note(nowMs, node, events);
        }
    }

    /** Late heartbeat: WARN past warntime; past the deadtime (a tick came too late) the node is dead anyway. */
    private void checkLateness(long nowMs, Member node, List<MembershipEvent> events) {
        long interval = nowMs - node.lastStatusMs;
        if (interval > appliedDeadtime(node)) {
            events.add(log(Level.ERROR, "Late heartbeat: Node " + node.name + ": interval " + interval
                    + " ms (> deadtime)"));
            events.add(new MembershipEvent.LateHeartbeat(node.name, interval, true));
            declareDead(node, events);
        } else if (interval > settings.warntimeMs()) {
            events.add(log(Level.WARNING, "Late heartbeat: Node " + node.name + ": interval " + interval + " ms"));
            events.add(new MembershipEvent.LateHeartbeat(node.name, interval, false));
        }
    }

    private void onShutdownNotice(long nowMs, Member node, Message message, List<MembershipEvent> events) {
        events.add(log(Level.INFO, "Received shutdown notice from '" + node.name + "'."));
        long gen = Fields.hex(message, Fields.GENERATION).orElse(node.generation);
        if (gen > node.generation) {
            node.generation = gen;
        }
        node.sayGoodbye(gen);
        incarnations.note(nowMs, node, events); // a generation that said goodbye stays closed after our restart
        if (node.status != NodeStatus.DEAD) {
            NodeStatus from = node.status;
            node.status = NodeStatus.DEAD;
            events.add(new MembershipEvent.NodeStatusChanged(node.name, from, NodeStatus.DEAD));
        }
    }


    /**
     * What this node knew of its peers before it restarted ({@link MembershipEvent.PeerIncarnationNoted}, kept by the
     * daemon): call once, before the first message. A peer's record still opens only with its next status, and that
     * status must come after what was known (a later sequence number of the same generation, or a later generation);
     * else it is a replay. Records of nodes not configured (any more) are ignored.
     */
    public void restore(Collection<PeerIncarnation> known) {
        nodes.remember(known);
    }

    /** Every peer's incarnation as it stands (written once more when the daemon stops). */
    public List<PeerIncarnation> peerIncarnations() {
        return nodes.incarnations();
    }

    /** An ICMP echo reply from a member of ping node {@code pingNode}. */
    public List<MembershipEvent> onPingReply(long nowMs, String pingNode) {
        List<MembershipEvent> events = drainPending();
        String name = lower(pingNode);
        Member node = nodes.get(name);
        if (node == null || !node.ping) {
            if (reportOnce("src " + name)) {
                events.add(log(Level.ERROR, "process_status_message: bad node [" + name + "] in message"));
            }
            return events;
        }
        node.heard = true;
        nodes.linkHeard(nowMs, node, node.name, events);
        if (node.status != NodeStatus.DEAD && node.lastStatusMs >= 0) {
            checkLateness(nowMs, node, events);
        }
        setStatus(node, NodeStatus.PING, events);
        node.lastStatusMs = nowMs;
        checkCommUp(events);
        return events;
    }

    /**
     * A reload: new timings (each read at its next use: a peer is judged by the deadtime it advertises, so nobody is
     * declared dead by the change) and links added or removed on every node. The nodes and ping nodes cannot change.
     *
     * @throws IllegalArgumentException if {@code next} names other nodes or ping nodes
     */
    public List<MembershipEvent> reconfigure(MembershipSettings next) {
        if (!lower(next.localNode()).equals(localNode) || !next.nodes().equals(settings.nodes())
                || !next.pingNodes().equals(settings.pingNodes())) {
            throw new IllegalArgumentException("membership: the nodes and ping nodes cannot change while running");
        }
        List<MembershipEvent> events = drainPending();
        for (String link : nodes.relink(settings.links(), next.links())) {
            events.add(log(Level.INFO, "Link " + link + " removed from the configuration."));
        }
        settings = next;
        return events;
    }

    /**
     * Deadline checks: a node or link silent for longer than its deadtime is declared dead, retransmission requests
     * due are sent. The daemon calls it at {@link #nextDeadline()}.
     */
    public List<MembershipEvent> tick(long nowMs) {
        List<MembershipEvent> events = drainPending();
        for (Member node : nodes.all()) {
            if (node.local || node.status == NodeStatus.DEAD) {
                continue;
            }
            long since = node.lastStatusMs >= 0 ? node.lastStatusMs : startMs;
            if (nowMs - since > appliedDeadtime(node)) {
                declareDead(node, events);
            }
        }
        // Links after nodes, as Heartbeat does. Our own links are never declared dead (heartbeat.c skips curnode).
        nodes.expireLinks(nowMs, this::appliedDeadtime, events);
        checkCommUp(events);
        for (Message rexmit : incarnations.due(nowMs, events)) {
            events.add(new MembershipEvent.Send(rexmit));
        }
        return events;
    }

    /**
     * When {@link #tick} next has something to do: the earliest node or link deadline (silence past the deadtime),
     * retransmission request or event waiting to be reported; {@link Long#MAX_VALUE} if none.
     */
    public long nextDeadline() {
        if (!pending.isEmpty()) {
            return startMs;
        }
        long next = incarnations.nextDue();
        for (Member node : nodes.all()) {
            if (node.local) {
                continue;
            }
            long deadtime = appliedDeadtime(node);
            if (node.status != NodeStatus.DEAD) {
                long since = node.lastStatusMs >= 0 ? node.lastStatusMs : startMs;
                next = Math.min(next, since + deadtime + 1);
            }
            for (Member.Link link : node.links.values()) {
                if (link.up) {
                    next = Math.min(next, link.lastMs + deadtime + 1);
                }
            }
        }
        return next;
    }

    /**
     * Our next status message ({@code t=status st=<up|active> dt=<hex ms>}); the wire layer adds src, seq, hg, ts...
     * No {@code protocol} field: we run Heartbeat's no-flow-control mode (reference §4.9 trap), so real Heartbeat
     * peers go active without a reqnodes/repnodes round.
     */
    public Message statusMessage(long nowMs) {
        long deadtime = settings.deadtimeMs();
        if (nowMs - startMs < STARTUP_WINDOW_MS) {
            deadtime += STARTUP_DEADTIME_BONUS_MS;
        }
        return Message.of(T_STATUS)
                .add("st", localStatus.wire())
                .add("dt", Long.toHexString(deadtime));
    }

    public MembershipView view() {
        return nodes.view(localStatus, commUp, this::appliedDeadtime);
    }

    /** Ping nodes answering now ({@link NodeStatus#PING}); the daemon forwards it as {@code PingReachability}. */
    public int reachablePingNodes() {
        return nodes.reachablePingNodes();
    }

    /** True for a {@code ping} / {@code ping_group} node: its status changes change {@link #reachablePingNodes()}. */
    public boolean isPingNode(String node) {
        Member n = nodes.get(node);
        return n != null && n.ping;
    }

    public boolean commUp() {
        return commUp;
    }

    public NodeStatus localStatus() {
        return localStatus;
    }

    /** The status of a configured node or ping node (our own: {@link #localStatus()}). */
    public Optional<NodeStatus> status(String node) {
        Member n = nodes.get(node);
        if (n == null) {
            return Optional.empty();
        }
        return Optional.of(n.local ? localStatus : n.status);
    }

    /** Before comm-up everybody gets initdead; then a node's own advertised {@code dt}, deadping for ping nodes. */
    private long appliedDeadtime(Member node) {
        if (node.local) {
            return settings.deadtimeMs();
        }
        if (!commUp) {
            return settings.initdeadMs();
        }
        return node.ping ? settings.deadpingMs() : node.advertisedDeadtimeMs;
    }

    private void declareDead(Member node, List<MembershipEvent> events) {
        events.add(log(Level.WARNING, "node " + node.name + ": is dead"));
        setStatus(node, NodeStatus.DEAD, events, false);
    }

    private void setStatus(Member node, NodeStatus status, List<MembershipEvent> events) {
        setStatus(node, status, events, true);
    }

    private void setStatus(Member node, NodeStatus status, List<MembershipEvent> events, boolean logUpdate) {
        if (node.status == status) {
            return;
        }
        NodeStatus from = node.status;
        node.status = status;
        if (status == NodeStatus.DEAD) {
            incarnations.forget(node.name);
        }
        if (logUpdate) {
            events.add(log(Level.INFO, "Status update for node " + node.name + ": status " + status.wire()));
        }
        events.add(new MembershipEvent.NodeStatusChanged(node.name, from, status));
    }

    /**
     * Comm-up: every configured node, ping nodes included, has been heard from or declared dead (Heartbeat's
     * check_comm_isup). Waiting for the ping nodes means the groups are placed with the ping counts known: a ping node
     * still silent at comm-up was judged by deadping from our start and handed the groups over and back.
     */
    private void checkCommUp(List<MembershipEvent> events) {
        if (commUp) {
            return;
        }
        for (Member node : nodes.all()) {
            if (!node.heard && node.status != NodeStatus.DEAD) {
                return;
            }
        }
        commUp = true;
        localStatus = NodeStatus.ACTIVE;
        events.add(log(Level.INFO, "Comm_now_up(): updating status to active"));
        events.add(log(Level.INFO, "Local status now set to: 'active'"));
        events.add(new MembershipEvent.CommUp());
    }

    private boolean reportOnce(String key) {
        // Bounded: only authenticated peers reach us, but a key holder must not grow this without limit.
        return reported.size() < MAX_REPORTED && reported.add(key);
    }

    private List<MembershipEvent> drainPending() {
        List<MembershipEvent> events = new ArrayList<>(pending);
        pending.clear();
        return events;
    }

    private static MembershipEvent.Log log(Level level, String text) {
        return new MembershipEvent.Log(level, text);
    }

    private static String lower(String s) {
        return s.toLowerCase(Locale.ROOT);
    }
}
