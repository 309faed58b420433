package io.vigil.failover;

import io.vigil.config.AutoFailback;
import io.vigil.failover.FailoverAction.Announce;
import io.vigil.failover.FailoverAction.Fence;
import io.vigil.failover.FailoverAction.Log;
import io.vigil.failover.FailoverAction.Send;
import io.vigil.failover.FailoverAction.ShutdownComplete;
import io.vigil.failover.FailoverAction.StartGroup;
import io.vigil.failover.FailoverAction.StopGroup;
import io.vigil.failover.FailoverEvent.GroupOp;
import io.vigil.membership.Arrival;
import io.vigil.membership.NodeStatus;
import io.vigil.wire.Message;

import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Who holds which group: a pure, single-threaded state machine. No I/O, no threads, no clock of its own.
 * <p>
 * Heartbeat's nice_failback protocol ({@code starting}, {@code resource}, {@code ask_resources}, {@code shutdone}) or,
 * with {@code auto_failback legacy}, its {@code ip-request} protocol, generalised to up to 8 nodes; see
 * {@code docs/failover.md} for the states, the messages and the guarantees.
 */
public final class FailoverEngine {

    /** Heartbeat's RQSTDELAY: how long a starting node waits for a stable peer before taking its own groups. */
    static final long START_SETTLE_MS = 10_000;
    /** Heartbeat's standby reply timeout. */
    static final long STANDBY_REPLY_MS = 10_000;
    /** Heartbeat's overall standby limit. */
    static final long STANDBY_LIMIT_MS = 3_600_000;

    /** Vigil extension fields (ignored by Heartbeat): exact group keys when rsc_hold cannot say it. */
    static final String F_GROUPS = "groups";
    static final String F_FAILED = "failed";
    /** On {@code ask_resources info=me} with more than two nodes: the moving groups that still need failback. */
    static final String F_FAILBACK = "failback";
    static final String INFO_QUERY = "query";

    enum Phase { INIT, STARTING, STABLE, SHUTDOWN, STOPPED }

    enum Why { OPERATOR, FAILBACK, CONNECTIVITY, TAKEOVER_REQUEST }

    /** One local group. */
    private static final class Grp {
        final GroupSpec spec;
        GroupState state = GroupState.STOPPED;
        boolean inFlight;
        GroupOp queued;
        boolean restartAfterStop;
        boolean needsFailback;
        boolean failedHere;
        int restarts;

        Grp(GroupSpec spec) {
            this.spec = spec;
        }

        /** Held = running or on its way up: what we announce and what counts for double ownership. */
        boolean held() {
            return state == GroupState.RUNNING || state == GroupState.STARTING;
        }
    }

    /** What we know of one peer. */
    private static final class Peer {
        final String name;
        NodeStatus status = NodeStatus.INIT;
        boolean known;              // holdings known for the current incarnation
        Set<String> holds = new LinkedHashSet<>();
        Set<String> failed = new LinkedHashSet<>();
        boolean stable;
        boolean shutdone;
        boolean starting;           // sent `starting`, no `resource` since
        boolean heardSinceDown;     // its current incarnation sent us `starting` or `resource`
        boolean answered;           // sent a `resource` since our comm-up
        Integer ping;               // reachable ping nodes, as it told us
        Integer pingSent;           // our count as last told to it
        long nextQueryMs;
        Set<String> conflictsSeen = new LinkedHashSet<>();

        Peer(String name) {
            this.name = name;
        }

        boolean alive() {
            return status.alive();
        }

        /**
         * Forgets its resource state. Its ping count stays: it is cleared when it dies or restarts, so one it has
         * told us since is current (it may come before membership reports the node back).
         */
        void forget() {
            known = false;
            heardSinceDown = false;
            answered = false;
            holds.clear();
            failed.clear();
            stable = false;
            starting = false;
            pingSent = null;
            conflictsSeen.clear();
        }

        /** Forgets everything: the node died or restarted. */
        void forgetAll() {
            forget();
            ping = null;
        }
    }

    /** The three-phase {@code ask_resources} exchange, from either side. */
    private static final class Exchange {
        final boolean requester;
        final String peer;
        final ResourceSet set;          // relative to the requester
        final List<String> groups;      // the groups that move
        final Why why;
        /** Acceptor: the groups the requester marked needs-failback (Vigil extension, more than two nodes). */
        Set<String> failback = Set.of();
        String state;                   // requester: ME, STOPPING, DONE; acceptor: OTHER, ACQUIRING
        long deadline;
        final long started;

        Exchange(boolean requester, String peer, ResourceSet set, List<String> groups, Why why, String state, long now,
                 long deadline) {
            this.requester = requester;
            this.peer = peer;
            this.set = set;
            this.groups = List.copyOf(groups);
            this.why = why;
            this.state = state;
            this.started = now;
            this.deadline = deadline;
        }
    }

    private final FailoverSettings s;
    private final String me;
    private final boolean legacy;
    private final boolean multi;             // more than two nodes: Vigil extensions dest/groups on the wire
    private final Map<String, Grp> groups = new LinkedHashMap<>();
    private final Map<String, Peer> peers = new LinkedHashMap<>();

    private Phase phase = Phase.INIT;
    private boolean bothStarting;
    private long startDeadline;
    private boolean initialLogged;
    private boolean legacyWarned;
    private Exchange exchange;
    private final Map<String, Set<String>> fenceBlocked = new LinkedHashMap<>();
    /** Groups whose holder died, left or restarted: adopted at once; other orphans wait a keepalive for news. */
    private final Set<String> freed = new LinkedHashSet<>();
    private final Map<String, Long> orphanSince = new LinkedHashMap<>();
    private final Map<String, Long> fenceRetryAt = new LinkedHashMap<>();
    private final Set<String> fenceInFlight = new LinkedHashSet<>();
    private final Set<String> takeoverLogPending = new LinkedHashSet<>();
    private final Map<String, Set<String>> ipRequests = new LinkedHashMap<>();   // legacy: key -> peers yet to answer
    private final Map<String, String> ipRequestReplies = new LinkedHashMap<>(); // legacy: key -> requester to answer after stop
    private final Map<String, String> legacyGiven = new LinkedHashMap<>();      // legacy: key -> node we gave it to
    private Integer myPing;
    /**
     * The ping counts (ours and the live peers') when an operator put groups here although a peer reaches more ping
     * nodes; the connectivity rule leaves them here until a count changes (ipfail acts on ping-node events only).
     */
    private String connectivityOverruledAt;
    private boolean shutdownRequested;
    private boolean shutdownDelayLogged;
    private boolean giveUpLogged;
    /** Holdings last announced with isstable=1; null after an isstable=0 (announce again once stable). */
    private String lastAnnounced = "";
    private String pendingInfo;
    private boolean localAcquisitionPending;
    private String localAcquisitionReason;
    private long now;
    private List<FailoverAction> out = new ArrayList<>();

    public FailoverEngine(FailoverSettings settings) {
        this.s = settings;
        this.me = settings.localNode();
        this.legacy = settings.autoFailback() == AutoFailback.LEGACY;
        this.multi = settings.nodes().size() > 2;
        for (GroupSpec g : settings.groups()) {
            groups.put(g.key(), new Grp(g));
        }
        for (String n : settings.nodes()) {
            if (!n.equals(me)) {
                peers.put(n, new Peer(n));
            }
        }
    }

    /** Feeds one event at time {@code nowMs}; returns the actions to execute, in order. */
    public List<FailoverAction> handle(long nowMs, FailoverEvent event) {
        now = nowMs;
        out = new ArrayList<>();
        if (legacy && !legacyWarned) {
            legacyWarned = true;
            warn("Deprecated 'legacy' auto_failback option selected.");
            warn("Please convert to 'auto_failback on'.");
            warn("See documentation for conversion details.");
        }
        if (phase == Phase.STOPPED) {
            return out;
        }
        if (event instanceof FailoverEvent.CommUp) {
            onCommUp();
        } else if (event instanceof FailoverEvent.NodeStatusChanged c) {
            onNodeStatus(c.node(), c.to());
        } else if (event instanceof FailoverEvent.PartitionHealed c) {
            onPartitionHealed(c.node());
        } else if (event instanceof FailoverEvent.NodeRestarted c) {
            onNodeRestarted(c.node());
        } else if (event instanceof FailoverEvent.MessageReceived c) {
            onMessage(c.node(), c.message(), c.arrival());
        } else if (event instanceof FailoverEvent.GroupCompleted c) {
            onGroupCompleted(c.key(), c.op(), c.success(), c.detail());
        } else if (event instanceof FailoverEvent.MonitorFailed c) {
            onMonitorFailed(c.key(), c.detail());
        } else if (event instanceof FailoverEvent.FenceCompleted c) {
            onFenceCompleted(c.node(), c.success(), c.detail());
        } else if (event instanceof FailoverEvent.OperatorRequest c) {
            onOperator(c.kind(), c.set());
        } else if (event instanceof FailoverEvent.PingReachability c) {
            onPing(c.reachable());
        } else if (event instanceof FailoverEvent.ShutdownRequested) {
            onShutdownRequested();
        }
        reconcile();
        return out;
    }

    public FailoverView view() {
        Map<String, GroupState> st = new LinkedHashMap<>();
        groups.forEach((k, g) -> st.put(k, g.state));
        String standby = "";
        if (exchange != null) {
            standby = (exchange.requester ? "requester " : "acceptor ") + exchange.state + " [" + exchange.set.wire()
                    + "] with " + exchange.peer + " " + exchange.groups;
        }
        boolean transition = phase == Phase.STARTING || phase == Phase.SHUTDOWN || !locallyStable()
                || (phase == Phase.STABLE && anyInFlight());
        return new FailoverView(phase.name(), heldSet(), transition, st, standby);
    }

    // ------------------------------------------------------------------ events

    private void onCommUp() {
        if (phase != Phase.INIT) {
            return;
        }
        if (legacy) {
            phase = Phase.STABLE;
            initialLogged = true;
            for (Peer p : peers.values()) {
                if (p.status == NodeStatus.DEAD) {
                    nodeDied(p, false);
                }
            }
            legacyRequestLocal(false);
            return;
        }
        phase = Phase.STARTING;
        startDeadline = now + START_SETTLE_MS;
        send(Message.of("starting"));
        for (Peer p : peers.values()) {
            if (p.status == NodeStatus.DEAD) {
                nodeDied(p, false);
            }
        }
    }

    private void onNodeStatus(String node, NodeStatus to) {
        Peer p = peers.get(node);
        if (p == null) {
            return;
        }
        boolean wasAlive = p.alive();
        p.status = to;
        if (wasAlive && to == NodeStatus.DEAD) {
            if (phase != Phase.INIT) {
                nodeDied(p, true);
            }
        } else if (!wasAlive && to.alive()) {
            boolean restarted = p.known && p.starting; // a restart already marked it fresh
            if (!restarted) {
                forgiveFailures(node + " is back");
            }
            // Its first status (or its first after a restart) may come after its `starting`/`resource`: membership
            // notices a node from its status packets only. That knowledge is of this very incarnation. Forgetting it
            // refused its standby requests ("Other side is in flux"), lost its ping count, and left a restarted node
            // "starting" for ever for us.
            if (!restarted && !(p.known && p.heardSinceDown)) {
                // (Re)appearing: its holdings are unknown until it tells us; ask.
                p.forget();
                p.shutdone = false;
                p.nextQueryMs = now;
            } else if (!legacy && p.known && p.heardSinceDown && phase == Phase.STABLE) {
                p.conflictsSeen.clear();
                if (resolveConflicts(p)) {
                    sendResource(locallyStable(), null);
                }
            }
            if (legacy && phase == Phase.STABLE) {
                // It may hold our groups (it started alone, maybe during a partition, or a partition healed): ask
                // for them. A restarted node counts too: one that booted alone behind a partition took everything.
                legacyRequestLocal(true);
            }
        }
    }

    /**
     * The cluster changed: a start that failed here in the old situation (say, no route while our own link was down)
     * deserves a new chance. Without this a node refused such a group for the rest of its life.
     */
    private void forgiveFailures(String why) {
        for (Grp g : groups.values()) {
            if (g.failedHere && !g.held() && !g.inFlight) {
                g.failedHere = false;
                g.restarts = 0;
                g.state = GroupState.STOPPED;
                info("Group " + g.spec.key() + " may start here again (" + why + ").");
            }
        }
    }

    private void onPartitionHealed(String node) {
        Peer p = peers.get(node);
        if (p == null) {
            return;
        }
        error("Split brain: node " + node + " is back after a partition; resolving double ownership without restart");
        forgiveFailures(node + " is back after a partition");
        p.conflictsSeen.clear(); // judged while it was dead for us
        if (!p.heardSinceDown) {
            p.forget();
        }
        if (!p.alive()) {
            p.status = NodeStatus.ACTIVE;
        }
        if (!legacy && p.known && p.heardSinceDown && phase == Phase.STABLE) {
            // its `resource` came before membership noticed the heal: that state is current, act on it now
            resolveConflicts(p);
        }
        p.nextQueryMs = now;
        if (!legacy && phase == Phase.STABLE) {
            sendResource(locallyStable(), INFO_QUERY);
            p.nextQueryMs = now + 2 * s.keepaliveMs();
        }
        if (legacy && phase == Phase.STABLE) {
            legacyRequestLocal(true);
        }
    }

    private void onNodeRestarted(String node) {
        Peer p = peers.get(node);
        if (p != null) {
            newIncarnation(p);
        }
    }

    /** A peer started afresh: whatever it held is gone; take over what it held, cancel what we did with it. */
    private void newIncarnation(Peer p) {
        Set<String> had = p.known ? new LinkedHashSet<>(p.holds) : Set.of();
        freed.addAll(had);
        cancelExchangeWith(p.name);
        p.forgetAll();
        p.shutdone = false;
        p.known = true;          // a fresh incarnation holds nothing
        p.starting = true;
        if (!had.isEmpty() && phase != Phase.INIT) {
            // what it held is adopted by reconcile()
            info("Resources being acquired from " + p.name + ".");
            takeoverLogPending.add(p.name);
        }
    }

    /**
     * Packets may be delivered out of order (Heartbeat accepts a gap and fills it later): a {@code resource} snapshot
     * overtaken by the sender's later snapshot or standby step, or a {@code starting} overtaken by its later
     * snapshot, is stale.
     */
    private void onMessage(String src, Message m, Arrival arrival) {
        Peer p = peers.get(src);
        if (p == null) {
            return;
        }
        Optional<String> dest = m.get("dest");
        if (dest.isPresent() && !dest.get().equalsIgnoreCase(me)) {
            return;
        }
        boolean stale = switch (m.type()) {
            case "resource" -> arrival.overtakenBy("resource") || arrival.overtakenBy("ask_resources");
            case "starting" -> arrival.overtakenBy("resource");
            default -> false;
        };
        switch (m.type()) {
            case "starting" -> {
                if (!stale) {
                    onStarting(p);
                } else if (!legacy && phase != Phase.SHUTDOWN) {
                    // Overtaken by its own later `resource` (say, its answer to a query): says nothing new about it,
                    // but it still waits for every live node's answer. Unanswered, it settled after RQSTDELAY
                    // without knowing what we hold and started groups we run.
                    sendResource(locallyStable(), null);
                }
            }
            case "resource" -> {
                if (!stale) {
                    onResource(p, m);
                }
            }
            case "ask_resources" -> onAskResources(p, m, arrival);
            case "hb_takeover" -> onHbTakeover(p, m);
            case "shutdone" -> onShutdone(p);
            case "ip-request" -> onIpRequest(p, m);
            case "ip-request-resp" -> onIpRequestResp(p, m);
            case "num_ping_nodes" -> {
                try {
                    p.ping = Integer.parseInt(m.get("num_ping").orElse("").trim());
                } catch (NumberFormatException e) {
                    warn("num_ping_nodes from " + p.name + " without a valid num_ping: ignored");
                }
            }
            case "you_are_dead", "abort_giveup" ->
                    info("ipfail message " + m.type() + " from " + p.name + " noted (connectivity is decided from num_ping_nodes)");
            default -> { }
        }
    }

    private void onStarting(Peer p) {
        if (legacy) {
            return;
        }
        if (!p.starting) {
            newIncarnation(p);
        }
        p.known = true;
        p.heardSinceDown = true;
        p.starting = true;
        p.stable = false;
        if (phase == Phase.STARTING) {
            bothStarting = true;
        }
        if (phase != Phase.SHUTDOWN) {
            sendResource(locallyStable(), null);
        }
    }

    private void onResource(Peer p, Message m) {
        if (legacy) {
            return;
        }
        boolean wasKnown = p.known;
        ResourceSet set = ResourceSet.parse(m.get("rsc_hold").orElse(null)).orElseGet(() -> {
            error("encode_resources: bad resource type [" + m.get("rsc_hold").orElse("") + "]");
            return ResourceSet.NONE;
        });
        Set<String> holds = m.get(F_GROUPS).map(FailoverEngine::keys).orElseGet(() -> derive(set, p.name));
        holds.retainAll(groups.keySet());
        if ("shutdown".equals(m.get("info").orElse(""))) {
            freed.addAll(p.holds); // it is leaving: what it held is taken at once, not after the orphan grace
        }
        p.holds = holds;
        p.failed = m.get(F_FAILED).map(FailoverEngine::keys).orElseGet(LinkedHashSet::new);
        p.known = true;
        p.heardSinceDown = true;
        p.starting = false;
        p.answered = true;
        boolean stable = "1".equals(m.get("isstable").orElse("0"));
        p.stable = stable;
        if (stable) {
            info("remote resource transition completed.");
        }
        if ("mach_down".equals(m.get("info").orElse(""))) {
            info("mach_down takeover complete.");
        }
        if ("shutdown".equals(m.get("info").orElse(""))) {
            p.shutdone = true; // leaving: it gives everything up and must not be chosen
        }
        boolean reply = INFO_QUERY.equals(m.get("info").orElse("")) || (!wasKnown && phase == Phase.STABLE);
        if (resolveConflicts(p)) {
            reply = true;
        }
        if (reply && phase != Phase.SHUTDOWN) {
            sendResource(locallyStable(), null);
        }
        audit();
    }

    /** Double ownership seen in a peer's announcement: exactly one keeps each group. */
    private boolean resolveConflicts(Peer p) {
        if (p.status == NodeStatus.DEAD) {
            // Its messages overtook the status packet that makes membership report it back: judged once it is
            // alive for us (heal, restart or status), not now with it left out of the holders.
            return false;
        }
        boolean any = false;
        for (Grp g : groups.values()) {
            String k = g.spec.key();
            if (!g.held() || !p.holds.contains(k) || movingNow(k, p.name)) {
                p.conflictsSeen.remove(k);
                continue;
            }
            List<String> holders = new ArrayList<>();
            for (String n : order(g.spec)) {
                Peer q = peers.get(n);
                if (n.equals(me) || (q.status != NodeStatus.DEAD && q.known && q.holds.contains(k))) {
                    holders.add(n);
                }
            }
            String keeper = holders.get(0);
            boolean first = p.conflictsSeen.add(k);
            any |= first;
            if (keeper.equals(me)) {
                if (first) {
                    error("Split brain: group " + k + " is held by " + String.join(" and ", holders) + "; " + me
                            + " keeps it (" + (g.spec.preferredNode().equals(me) ? "preferred node" : "tie-break: first in ha.cf order after the preferred node") + ")");
                    out.add(new Announce(k));
                }
            } else {
                error("Split brain: group " + k + " is held by " + String.join(" and ", holders) + "; " + keeper
                        + " keeps it, releasing it here");
                g.needsFailback = false;
                requestStop(g);
            }
        }
        return any;
    }

    /** Membership logs "Received shutdown notice from ..." and usually reports the node dead just before. */
    private void onShutdone(Peer p) {
        cancelExchangeWith(p.name);
        freed.addAll(p.holds);
        p.shutdone = true;
        p.known = true;
        p.holds.clear();
        p.stable = false;
        if (fenceBlocked.remove(p.name) != null) {
            info("Node " + p.name + " gave up its resources: no fencing needed.");
        }
        if ((phase == Phase.STABLE || phase == Phase.STARTING) && p.alive() && takeoverLogPending.add(p.name)) {
            info("Resources being acquired from " + p.name + ".");
        }
        if (legacy) {
            legacyAdoptFrom(p.name);
        }
    }

    private void nodeDied(Peer p, boolean runtime) {
        cancelExchangeWith(p.name);
        Set<String> had = p.known ? new LinkedHashSet<>(p.holds) : null;
        freed.addAll(had == null ? groups.keySet() : had);
        boolean gaveUp = p.shutdone;
        p.forgetAll();
        p.status = NodeStatus.DEAD;
        fenceBlocked.remove(p.name);
        legacyGiven.values().removeIf(p.name::equals);
        if (gaveUp) {
            info("Dead node " + p.name + " gave up resources.");
            p.known = true;
            p.shutdone = true;
            if (takeoverLogPending.add(p.name)) {
                info("Resources being acquired from " + p.name + ".");
            }
            if (legacy) {
                legacyAdoptFrom(p.name);
            }
            return;
        }
        boolean needed = had == null || !had.isEmpty();
        if (needed && s.fencing()) {
            Set<String> blocked = new LinkedHashSet<>(had == null ? groups.keySet() : had);
            fenceBlocked.put(p.name, blocked);
            warn("Fencing node " + p.name + " before taking over its resources " + blocked + ".");
            fenceInFlight.add(p.name);
            out.add(new Fence(p.name));
        } else if (needed) {
            warn("No STONITH device configured.");
            warn("Shared disks are not protected.");
            send(Message.of("stonith").add("node", p.name).add("result", "n_stnth"));
        } else {
            send(Message.of("stonith").add("node", p.name).add("result", "unneeded"));
        }
        info("Resources being acquired from " + p.name + ".");
        takeoverLogPending.add(p.name);
        p.known = true; // dead: holds nothing as far as placement is concerned
        if (legacy) {
            legacyAdoptFrom(p.name);
        }
    }

    private void onFenceCompleted(String node, boolean ok, String detail) {
        fenceInFlight.remove(node);
        if (!fenceBlocked.containsKey(node)) {
            return;
        }
        if (ok) {
            info("Node " + node + " fenced (" + detail + "); taking over its resources.");
            fenceBlocked.remove(node);
            send(Message.of("stonith").add("node", node).add("result", "OK"));
            Peer p = peers.get(node);
            if (p != null && p.alive()) {
                // It spoke again between its death and the fence (its status packets were only lost): it is off
                // now and holds nothing, though membership notices only a deadtime later. Waiting for that left
                // its groups down for a deadtime and fenced it a second time.
                cancelExchangeWith(node);
                freed.addAll(p.holds);
                p.forgetAll();
                p.status = NodeStatus.DEAD;
                p.known = true;
            }
        } else {
            error("Fencing node " + node + " failed (" + detail + "); its resources stay down, retrying in "
                    + s.deadtimeMs() + " ms.");
            fenceRetryAt.put(node, now + s.deadtimeMs());
            send(Message.of("stonith").add("node", node).add("result", "bad"));
        }
    }

    private void onGroupCompleted(String key, GroupOp op, boolean ok, String detail) {
        Grp g = groups.get(key);
        if (g == null || !g.inFlight) {
            return;
        }
        g.inFlight = false;
        if (op == GroupOp.START) {
            if (ok) {
                g.state = GroupState.RUNNING;
            } else {
                error("Resource group " + key + " failed to start here (" + detail + "): stopping it and handing it over.");
                g.failedHere = true;
                g.needsFailback = false;
                g.queued = null;
                g.restartAfterStop = false;
                issue(g, GroupOp.STOP);
                return;
            }
        } else {
            if (!ok) {
                error("Resource group " + key + " failed to stop (" + detail + "): it may still be partly active here;"
                        + " manual intervention needed.");
            }
            g.state = g.failedHere ? GroupState.FAILED : GroupState.STOPPED;
            if (g.restartAfterStop) {
                g.restartAfterStop = false;
                if (phase != Phase.SHUTDOWN && g.queued != GroupOp.STOP) {
                    g.queued = null;
                    issue(g, GroupOp.START);
                    return;
                }
            }
            String requester = ipRequestReplies.remove(key);
            if (requester != null) {
                legacyAnswer(requester, key, true);
            }
        }
        GroupOp q = g.queued;
        g.queued = null;
        if (q == GroupOp.START && !g.held() && !g.failedHere && phase != Phase.SHUTDOWN) {
            issue(g, GroupOp.START);
        } else if (q == GroupOp.STOP && (g.held() || g.state == GroupState.FAILED)) {
            if (g.held()) {
                issue(g, GroupOp.STOP);
            }
        }
    }

    private void onMonitorFailed(String key, String detail) {
        Grp g = groups.get(key);
        if (g == null || g.state != GroupState.RUNNING || g.inFlight || phase == Phase.SHUTDOWN) {
            return;
        }
        g.restarts++;
        if (g.restarts <= s.monitorRestarts()) {
            warn("Resource group " + key + " failed its status check (" + detail + "): restarting it here ("
                    + g.restarts + " of " + s.monitorRestarts() + ").");
            g.restartAfterStop = true;
            issue(g, GroupOp.STOP);
        } else {
            error("Resource group " + key + " failed its status check (" + detail + ") after " + s.monitorRestarts()
                    + " local restarts: failing it over.");
            g.failedHere = true;
            g.needsFailback = false;
            issue(g, GroupOp.STOP);
        }
    }

    private void onOperator(FailoverEvent.OperatorKind kind, ResourceSet set) {
        if (legacy) {
            error("Standby mode only implemented when nice_failback on");
            return;
        }
        if (kind == FailoverEvent.OperatorKind.STANDBY) {
            info("Going standby [" + set.wire() + "].");
            if (!checkCanRequest(me)) {
                return;
            }
            requestStandby(set, heldIn(derive(set, me)), Why.OPERATOR, null);
        } else {
            // operator intent: the groups may run here again even if they failed before
            for (String k : derive(set, me)) {
                groups.get(k).failedHere = false;
                groups.get(k).restarts = 0;
            }
            info("Taking over [" + set.wire() + "] resources: asking the holders to go standby.");
            Message m = Message.of("hb_takeover").add("rsc_hold", set.wire());
            if (multi) {
                m.add(F_GROUPS, String.join(" ", derive(set, me)));
            }
            send(m);
        }
    }

    private boolean checkCanRequest(String requester) {
        if (exchange != null) {
            info("Standby in progress- new request from " + requester + " ignored ["
                    + Math.max(0, (exchange.deadline - now) / 1000) + " seconds left]");
            return false;
        }
        if (phase != Phase.STABLE || !locallyStable()) {
            info("standby message [me] from " + requester + " ignored.  local resources in flux.");
            return false;
        }
        return true;
    }

    /** Starts a requester exchange; {@code target} null = the natural acceptor. */
    private void requestStandby(ResourceSet set, List<String> moving, Why why, String target) {
        if (moving.isEmpty() && multi) {
            info("Standby [" + set.wire() + "]: we hold none of these resources; nothing to hand over.");
            return;
        }
        String peer = target != null ? target : chooseAcceptor(moving);
        if (peer == null) {
            info("No reply to standby request.  Standby request cancelled.");
            return;
        }
        exchange = new Exchange(true, peer, set, moving.isEmpty() ? derive(set, me).stream().toList() : moving, why,
                "ME", now, now + STANDBY_REPLY_MS);
        info(me + " wants to go standby [" + set.wire() + "]");
        Message m = ask(set, "me", exchange);
        if (multi && why == Why.CONNECTIVITY) {
            // A group adopted from a dead preferred node and now handed on must still return there; with two nodes
            // the acceptor can tell by itself (the only other node is the requester).
            List<String> failback = exchange.groups.stream().filter(k -> groups.get(k).needsFailback).toList();
            if (!failback.isEmpty()) {
                m.add(F_FAILBACK, String.join(" ", failback));
            }
        }
        send(m);
    }

    private String chooseAcceptor(List<String> moving) {
        String best = null;
        for (String n : s.nodes()) {
            Peer p = peers.get(n);
            if (p == null || !p.alive() || p.shutdone || !p.known) {
                continue;
            }
            if (!moving.isEmpty() && p.failed.containsAll(moving)) {
                continue;
            }
            if (best == null || pingOf(p) > pingOf(peers.get(best))) {
                best = n;
            }
        }
        if (!multi || moving.isEmpty()) {
            return best;
        }
        // with more nodes: the placement of the first moving group among the others
        GroupSpec spec = groups.get(moving.get(0)).spec;
        for (String n : order(spec)) {
            Peer p = peers.get(n);
            if (p != null && p.alive() && p.known && p.stable && !p.shutdone && !p.failed.contains(spec.key())
                    && (s.pingNodeCount() == 0 || pingOf(p) >= maxPing())) {
                return n;
            }
        }
        return best;
    }

    private void onAskResources(Peer p, Message m, Arrival arrival) {
        if (legacy) {
            error("Standby mode only implemented when nice_failback on");
            return;
        }
        String info = m.get("info").orElse("");
        ResourceSet set = ResourceSet.parse(m.get("rsc_hold").orElse(null)).orElse(ResourceSet.NONE);
        List<String> moving = m.get(F_GROUPS).map(v -> List.copyOf(keys(v))).orElseGet(() -> List.copyOf(derive(set, p.name)));
        switch (info) {
            case "me" -> {
                if (multi && m.get("dest").isEmpty()) {
                    warn("standby message [me] from " + p.name + " ignored: not addressed to one node (more than two nodes).");
                    return;
                }
                if (exchange != null) {
                    info("Standby in progress- new request from " + p.name + " ignored ["
                            + Math.max(0, (exchange.deadline - now) / 1000) + " seconds left]");
                    return;
                }
                if (phase != Phase.STABLE || !locallyStable()) {
                    info("standby message [me] from " + p.name + " ignored.  local resources in flux.");
                    return;
                }
                if (!p.known) {
                    info("standby message [me] from " + p.name + " ignored.  Other side is in flux.");
                    return;
                }
                exchange = new Exchange(false, p.name, set, moving, Why.OPERATOR, "OTHER", now, now + STANDBY_LIMIT_MS);
                exchange.failback = m.get(F_FAILBACK).map(FailoverEngine::keys).orElseGet(Set::of);
                info(p.name + " wants to go standby [" + set.wire() + "]");
                send(ask(set, "other", exchange));
            }
            case "other" -> {
                if (exchange != null && exchange.requester && exchange.peer.equals(p.name) && exchange.state.equals("ME")) {
                    info("standby: " + p.name + " can take our " + exchange.set.wire() + " resources");
                    exchange.state = "STOPPING";
                    exchange.deadline = now + STANDBY_LIMIT_MS;
                    sendResourceMsg(false, "standby");
                    info("give up " + exchange.set.wire() + " HA resources (standby).");
                    for (String k : exchange.groups) {
                        Grp g = groups.get(k);
                        g.needsFailback = false;
                        requestStop(g);
                    }
                }
            }
            case "done" -> {
                if (exchange == null || !exchange.peer.equals(p.name)) {
                    return;
                }
                if (!exchange.requester && exchange.state.equals("OTHER")) {
                    p.holds.removeAll(exchange.groups);
                    info("standby: acquire [" + exchange.set.wire() + "] resources from " + p.name);
                    info("acquire " + mirror(exchange.set).wire() + " HA resources (standby).");
                    exchange.state = "ACQUIRING";
                    boolean connectivity = s.pingNodeCount() > 0 && pingOf(p) < effectiveMyPing();
                    for (String k : exchange.groups) {
                        Grp g = groups.get(k);
                        if (g.failedHere) {
                            warn("standby: not acquiring " + k + ": it failed here before.");
                            continue;
                        }
                        if (heldByOtherThan(k, p.name)) {
                            continue; // a third node runs it: not ours to start
                        }
                        // handed over for connectivity: it belongs to the requester, or (more nodes) the requester
                        // had it from a preferred node that was down and it must still return there
                        g.needsFailback = connectivity && (g.spec.preferredNode().equals(p.name)
                                || exchange.failback.contains(k));
                        g.restarts = 0;
                        requestStart(g);
                    }
                } else if (exchange.requester && exchange.state.equals("DONE")) {
                    info("Other node completed standby takeover of " + exchange.set.wire() + " resources.");
                    // Its `resource` follows its `done` but may overtake it: a newer snapshot (which also says which
                    // of the groups failed to start there) is not overwritten. Otherwise assume what it acquired.
                    if (!arrival.overtakenBy("resource")) {
                        p.holds.addAll(exchange.groups);
                    }
                    exchange = null;
                    pendingInfo = null;
                }
            }
            default -> { }
        }
    }

    private void onHbTakeover(Peer p, Message m) {
        if (legacy) {
            error("Standby mode only implemented when nice_failback on");
            return;
        }
        ResourceSet theirs = ResourceSet.parse(m.get("rsc_hold").orElse(null)).orElse(ResourceSet.ALL);
        Set<String> wanted = m.get(F_GROUPS).map(FailoverEngine::keys).orElseGet(() -> derive(theirs, p.name));
        ResourceSet mine = mirror(theirs);
        List<String> moving = heldIn(wanted);
        if (multi && moving.isEmpty()) {
            return;
        }
        info("Going standby [" + mine.wire() + "].");
        if (!checkCanRequest(me)) {
            return;
        }
        requestStandby(mine, moving.isEmpty() ? List.copyOf(wanted) : moving, Why.TAKEOVER_REQUEST, p.name);
    }

    private void onPing(int reachable) {
        myPing = reachable;
    }

    private void onShutdownRequested() {
        if (shutdownRequested) {
            return;
        }
        shutdownRequested = true;
        if (exchange != null) {
            info("Cancelling pending standby operation");
            exchange = null;
        }
        phase = Phase.SHUTDOWN;
    }

    // ------------------------------------------------------------------ the reconcile loop

    private void reconcile() {
        if (phase == Phase.SHUTDOWN) {
            progressShutdown();
            return;
        }
        if (phase == Phase.INIT) {
            return;
        }
        if (phase == Phase.STARTING) {
            boolean allAnswered = true;
            for (Peer p : peers.values()) {
                // INIT counts as present: comm-up may come from a non-status packet before its first status
                if (p.status != NodeStatus.DEAD && !p.answered && !p.shutdone) {
                    allAnswered = false;
                }
            }
            if (allAnswered || now >= startDeadline) {
                // Heartbeat: a stable peer's answer ends the start-up; with more nodes we wait for every live one
                finishStarting(peers.values().stream().anyMatch(p -> p.alive() && p.answered && p.stable));
            } else {
                return;
            }
        }
        timeouts();
        for (Map.Entry<String, Long> e : new ArrayList<>(fenceRetryAt.entrySet())) {
            if (now >= e.getValue() && fenceBlocked.containsKey(e.getKey()) && !fenceInFlight.contains(e.getKey())) {
                fenceRetryAt.remove(e.getKey());
                fenceInFlight.add(e.getKey());
                out.add(new Fence(e.getKey()));
            }
        }
        progressExchange();
        if (!legacy) {
            queryUnknownPeers();
            adoptOrphans();
            autoFailback();
            connectivity();
        }
        if (legacy) {
            legacyAdopt();
        }
        sendPingCounts();
        completeTakeoverLogs();
        completeLocalAcquisition();
        if (!legacy) {
            announceIfChanged();
        }
    }

    private void finishStarting(boolean stablePeer) {
        if (phase != Phase.STARTING) {
            return;
        }
        phase = Phase.STABLE;
        List<String> mine = new ArrayList<>();
        for (Grp g : groups.values()) {
            if (g.spec.preferredNode().equals(me) && !heldByPeer(g.spec.key()) && !g.failedHere) {
                mine.add(g.spec.key());
                requestStart(g);
            }
        }
        if (stablePeer) {
            localAcquisitionPending = true;
            localAcquisitionReason = mine.isEmpty() ? "Local Resource acquisition completed. (none)" : "Local Resource acquisition completed.";
            pendingInfo = "req_our_resources()";
        } else if (peers.values().stream().anyMatch(Peer::alive)) {
            info("local resource transition completed.");
            logInitial("T_RESOURCES(us)");
        }
        // a lone node logs "Initial resource acquisition complete (mach_down)" once the takeover is done
    }

    private void completeLocalAcquisition() {
        if (localAcquisitionPending && !anyInFlight()) {
            localAcquisitionPending = false;
            info(localAcquisitionReason);
        }
    }

    private void completeTakeoverLogs() {
        if (takeoverLogPending.isEmpty() || phase != Phase.STABLE || anyInFlight() || !fenceBlocked.isEmpty()) {
            return;
        }
        for (String n : takeoverLogPending) {
            info("mach_down takeover complete for node " + n + ".");
        }
        takeoverLogPending.clear();
        info("mach_down takeover complete.");
        pendingInfo = "mach_down";
        logInitial("mach_down");
    }

    private void logInitial(String why) {
        if (!initialLogged) {
            initialLogged = true;
            info("Initial resource acquisition complete (" + why + ")");
        }
    }

    private void timeouts() {
        if (exchange == null) {
            return;
        }
        if (now >= exchange.deadline) {
            if (exchange.requester && exchange.state.equals("ME")) {
                info("No reply to standby request.  Standby request cancelled.");
            } else {
                warn("Standby operation with " + exchange.peer + " timed out.  Standby request cancelled.");
            }
            exchange = null;
        }
    }

    private void progressExchange() {
        Exchange x = exchange;
        if (x == null) {
            return;
        }
        if (x.requester && x.state.equals("STOPPING")) {
            for (String k : x.groups) {
                Grp g = groups.get(k);
                if (g.inFlight || g.held()) {
                    return;
                }
            }
            info(x.set.wire() + " HA resource release completed (standby).");
            info("Local standby process completed [" + x.set.wire() + "].");
            x.state = "DONE";
            send(ask(x.set, "done", x));
        } else if (!x.requester && x.state.equals("ACQUIRING")) {
            for (String k : x.groups) {
                if (groups.get(k).inFlight) {
                    return;
                }
            }
            info(mirror(x.set).wire() + " HA resource acquisition completed (standby).");
            info("Standby resource acquisition done [" + x.set.wire() + "].");
            Peer from = peers.get(x.peer);
            if (s.pingNodeCount() > 0 && from != null && pingOf(from) > effectiveMyPing()) {
                // Neither the connectivity rule nor a failback gives groups to a less connected node: an operator
                // did (standby there, takeover here). Giving them straight back would undo it and move them twice.
                connectivityOverruledAt = pingCounts();
                info("Connectivity: " + from.name + " reaches " + pingOf(from) + " of " + s.pingNodeCount()
                        + " ping nodes, we reach " + effectiveMyPing() + ": keeping the resources it gave us until a"
                        + " count changes.");
            }
            send(ask(x.set, "done", x));
            exchange = null;
            logInitial("auto_failback");
        }
    }

    private void queryUnknownPeers() {
        if (phase != Phase.STABLE) {
            return;
        }
        boolean ask = false;
        for (Peer p : peers.values()) {
            if (p.alive() && !p.known && now >= p.nextQueryMs) {
                ask = true;
                p.nextQueryMs = now + 2 * s.keepaliveMs();
            }
        }
        if (ask) {
            sendResource(locallyStable(), INFO_QUERY);
        }
    }

    /** Groups nobody holds go to their placement: preferred node first, then ha.cf order after it. */
    private void adoptOrphans() {
        if (phase != Phase.STABLE) {
            return;
        }
        for (Peer p : peers.values()) {
            if (p.alive() && !p.shutdone && (!p.known || p.starting || !p.stable)) {
                return; // somebody's holdings are unknown or about to change: adopting could double-own
            }
        }
        for (Grp g : groups.values()) {
            String k = g.spec.key();
            if (g.held() || g.inFlight || heldByPeer(k) || inExchange(k, null)) {
                orphanSince.remove(k);
                freed.remove(k);
                continue;
            }
            long since = orphanSince.computeIfAbsent(k, x -> now);
            if (g.failedHere || blockedByFence(k)) {
                continue;
            }
            long grace = freed.contains(k) ? 0 : Math.max(2 * s.keepaliveMs(), 1000);
            if (now - since >= grace && me.equals(placement(g.spec))) {
                freed.remove(k);
                orphanSince.remove(k);
                g.needsFailback = !g.spec.preferredNode().equals(me);
                g.restarts = 0;
                requestStart(g);
            }
        }
    }

    private void autoFailback() {
        if (s.autoFailback() != AutoFailback.ON || phase != Phase.STABLE || exchange != null || !locallyStable()) {
            return;
        }
        for (Grp g : groups.values()) {
            if (g.state != GroupState.RUNNING || !g.needsFailback) {
                continue;
            }
            String q = g.spec.preferredNode();
            Peer p = peers.get(q);
            if (p == null || !p.alive() || !p.known || !p.stable || p.shutdone || p.failed.contains(g.spec.key())) {
                continue;
            }
            if (s.pingNodeCount() > 0 && pingOf(p) < effectiveMyPing()) {
                continue;
            }
            List<String> moving = new ArrayList<>();
            for (Grp h : groups.values()) {
                if (h.state == GroupState.RUNNING && h.needsFailback && h.spec.preferredNode().equals(q)
                        && !p.failed.contains(h.spec.key())) {
                    moving.add(h.spec.key());
                }
            }
            requestStandby(ResourceSet.FOREIGN, moving, Why.FAILBACK, q);
            return;
        }
    }

    private void connectivity() {
        if (s.pingNodeCount() == 0 || phase != Phase.STABLE || exchange != null || !locallyStable() || myPing == null) {
            return;
        }
        if (connectivityOverruledAt != null) {
            if (connectivityOverruledAt.equals(pingCounts())) {
                return;
            }
            connectivityOverruledAt = null;
        }
        List<String> held = heldIn(groups.keySet());
        Peer best = null;
        for (String n : s.nodes()) {
            Peer p = peers.get(n);
            if (p != null && p.alive() && p.known && p.stable && !p.shutdone && p.ping != null && p.ping > myPing
                    && (best == null || p.ping > best.ping)) {
                best = p;
            }
        }
        if (best == null) {
            return;
        }
        Peer target = best;
        held.removeIf(k -> target.failed.contains(k));
        if (held.isEmpty()) {
            return;
        }
        warn("Connectivity: we reach " + myPing + " of " + s.pingNodeCount() + " ping nodes, " + best.name + " reaches "
                + best.ping + ": giving our resources to " + best.name + ".");
        requestStandby(ResourceSet.ALL, held, Why.CONNECTIVITY, best.name);
    }

    /** Our reachable ping nodes and every live peer's, as we know them. */
    private String pingCounts() {
        StringBuilder b = new StringBuilder().append(me).append('=').append(myPing);
        for (Peer p : peers.values()) {
            if (p.alive() && !p.shutdone) {
                b.append(' ').append(p.name).append('=').append(p.ping);
            }
        }
        return b.toString();
    }

    private void sendPingCounts() {
        if (s.pingNodeCount() == 0 || myPing == null) {
            return;
        }
        for (Peer p : peers.values()) {
            if (p.alive() && !p.shutdone && !myPing.equals(p.pingSent)) {
                p.pingSent = myPing;
                send(Message.of("num_ping_nodes").add("num_ping", Integer.toString(myPing)).add("dest", p.name));
            }
        }
    }

    private void announceIfChanged() {
        if (phase != Phase.STABLE || !locallyStable()) {
            return;
        }
        String sig = heldIn(groups.keySet()) + "|" + failedKeys();
        if (!sig.equals(lastAnnounced) || pendingInfo != null) {
            sendResource(true, pendingInfo);
            pendingInfo = null;
        }
    }

    private void progressShutdown() {
        if (anyInFlight() && !giveUpLogged) {
            if (!shutdownDelayLogged) {
                shutdownDelayLogged = true;
                info("Shutdown delayed until current resource activity finishes.");
            }
            return;
        }
        if (!giveUpLogged) {
            giveUpLogged = true;
            if (!legacy) {
                sendResourceMsg(false, "shutdown");
            }
            info("Giving up all HA resources.");
            for (Grp g : groups.values()) {
                g.queued = null;
                g.restartAfterStop = false;
                if (g.held()) {
                    issue(g, GroupOp.STOP);
                }
            }
        }
        if (anyInFlight()) {
            return;
        }
        info("All HA resources relinquished.");
        send(Message.of("shutdone").add("st", "dead"));
        phase = Phase.STOPPED;
        out.add(new ShutdownComplete());
    }

    // ------------------------------------------------------------------ legacy (ip-request)

    private void legacyRequestLocal(boolean heal) {
        boolean alone = peers.values().stream().noneMatch(Peer::alive);
        List<String> mine = new ArrayList<>();
        for (Grp g : groups.values()) {
            if (!g.spec.preferredNode().equals(me) || g.failedHere) {
                continue;
            }
            mine.add(g.spec.key());
            if (alone) {
                requestStart(g);
            } else {
                Set<String> waiting = new LinkedHashSet<>();
                peers.values().stream().filter(Peer::alive).forEach(p -> waiting.add(p.name));
                ipRequests.put(g.spec.key(), waiting);
                send(Message.of("ip-request").add("ipaddr", g.spec.key()));
            }
        }
        if (!heal) {
            info(mine.isEmpty() ? "No local resources to acquire." : "Local Resource acquisition completed.");
        }
    }

    private void legacyAdoptFrom(String dead) {
        legacyAdopt();
    }

    /** Heartbeat's mach_down: the groups of a dead preferred node go to the first live node after it. */
    private void legacyAdopt() {
        if (phase != Phase.STABLE) {
            return;
        }
        for (Grp g : groups.values()) {
            Peer pref = peers.get(g.spec.preferredNode());
            if (pref == null || pref.alive() || g.held() || g.inFlight || g.failedHere || blockedByFence(g.spec.key())
                    || legacyGiven.containsKey(g.spec.key())) {
                continue;
            }
            for (String n : order(g.spec)) {
                if (n.equals(me)) {
                    requestStart(g);
                    break;
                }
                if (peers.get(n).alive()) {
                    break;
                }
            }
        }
    }

    private void onIpRequest(Peer p, Message m) {
        if (!legacy) {
            return;
        }
        String key = m.get("ipaddr").orElse("");
        Grp g = groups.get(key);
        if (g == null) {
            legacyAnswer(p.name, key, false);
            return;
        }
        if (g.held() || g.inFlight) {
            info("Giving up resource group " + key + " to " + p.name + " (ip-request).");
            legacyGiven.put(key, p.name); // it is alive even if membership has not said so yet
            ipRequestReplies.put(key, p.name);
            requestStop(g);
        } else {
            legacyAnswer(p.name, key, false);
        }
    }

    private void legacyAnswer(String to, String key, boolean weOwned) {
        send(new Message().add("t", "ip-request-resp").add("dest", to).add("ipaddr", key)
                .add("weown", weOwned ? "yes" : "no").add("ok", "OK"));
    }

    private void onIpRequestResp(Peer p, Message m) {
        if (!legacy || !"OK".equals(m.get("ok").orElse(""))) {
            return;
        }
        String key = m.get("ipaddr").orElse("");
        Set<String> waiting = ipRequests.get(key);
        Grp g = groups.get(key);
        if (waiting == null || g == null) {
            return;
        }
        info("received ip-request-resp " + key + " OK " + m.get("weown").orElse("no"));
        waiting.remove(p.name);
        waiting.removeIf(n -> !peers.get(n).alive());
        if (waiting.isEmpty()) {
            ipRequests.remove(key);
            if (g.held()) {
                out.add(new Announce(key)); // we already had it (partition heal): make the address ours again
            } else {
                requestStart(g);
            }
        }
    }

    // ------------------------------------------------------------------ helpers

    private void requestStart(Grp g) {
        if (phase == Phase.SHUTDOWN || phase == Phase.STOPPED) {
            return;
        }
        if (g.inFlight) {
            g.queued = GroupOp.START;
        } else if (!g.held()) {
            issue(g, GroupOp.START);
        }
    }

    private void requestStop(Grp g) {
        g.restartAfterStop = false;
        if (g.inFlight) {
            g.queued = GroupOp.STOP;
        } else if (g.held()) {
            issue(g, GroupOp.STOP);
        }
    }

    private void issue(Grp g, GroupOp op) {
        g.inFlight = true;
        if (op == GroupOp.START) {
            g.state = GroupState.STARTING;
            out.add(new StartGroup(g.spec.key()));
        } else {
            g.state = GroupState.STOPPING;
            out.add(new StopGroup(g.spec.key()));
        }
    }

    private boolean anyInFlight() {
        return groups.values().stream().anyMatch(g -> g.inFlight);
    }

    private boolean locallyStable() {
        return phase == Phase.STABLE && !anyInFlight() && exchange == null;
    }

    private boolean heldByPeer(String key) {
        for (Peer p : peers.values()) {
            if (p.status != NodeStatus.DEAD && p.known && p.holds.contains(key)) { // INIT: heard, no status yet
                return true;
            }
        }
        return false;
    }

    private boolean heldByOtherThan(String key, String node) {
        for (Peer p : peers.values()) {
            if (!p.name.equals(node) && p.status != NodeStatus.DEAD && p.known && p.holds.contains(key)) {
                return true;
            }
        }
        return false;
    }

    private boolean blockedByFence(String key) {
        for (Set<String> b : fenceBlocked.values()) {
            if (b.contains(key)) {
                return true;
            }
        }
        return false;
    }

    private boolean inExchange(String key, String peer) {
        return exchange != null && exchange.groups.contains(key) && (peer == null || exchange.peer.equals(peer));
    }

    /**
     * The group is being handed over between us and {@code peer} right now: the acceptor starts it while the
     * requester's last `resource` still names it. Before that (request sent, not answered) both holding it is a real
     * double ownership: waiting for the exchange kept it up to the 10 s reply timeout when the request was refused.
     */
    private boolean movingNow(String key, String peer) {
        return inExchange(key, peer) && !exchange.state.equals("ME") && !exchange.state.equals("OTHER");
    }

    private void cancelExchangeWith(String node) {
        if (exchange != null && exchange.peer.equals(node)) {
            info("Cancelling pending standby operation");
            exchange = null;
        }
        ipRequests.values().forEach(w -> w.remove(node));
        for (Map.Entry<String, Set<String>> e : new ArrayList<>(ipRequests.entrySet())) {
            if (e.getValue().isEmpty()) {
                ipRequests.remove(e.getKey());
                requestStart(groups.get(e.getKey()));
            }
        }
    }

    /** The nodes in placement order for a group: preferred first, then ha.cf order after it, wrapping. */
    private List<String> order(GroupSpec spec) {
        List<String> nodes = s.nodes();
        int start = Math.max(0, nodes.indexOf(spec.preferredNode()));
        List<String> r = new ArrayList<>(nodes.size());
        for (int i = 0; i < nodes.size(); i++) {
            r.add(nodes.get((start + i) % nodes.size()));
        }
        return r;
    }

    /** The first eligible node in placement order, or null. Every node computes the same from the same knowledge. */
    private String placement(GroupSpec spec) {
        int best = maxPing(spec.key());
        for (String n : order(spec)) {
            if (n.equals(me)) {
                if (phase == Phase.STABLE && !shutdownRequested && !groups.get(spec.key()).failedHere
                        && (s.pingNodeCount() == 0 || effectiveMyPing() >= best)) {
                    return n;
                }
                continue;
            }
            Peer p = peers.get(n);
            if (p.alive() && p.known && !p.starting && (p.stable || legacy) && !p.shutdone && !p.failed.contains(spec.key())
                    && (s.pingNodeCount() == 0 || pingOf(p) >= best)) {
                return n;
            }
        }
        return null;
    }

    private int maxPing() {
        return maxPing(null);
    }

    /** The best connectivity among the nodes that could run the group (all groups: null). */
    private int maxPing(String key) {
        int best = key != null && groups.get(key).failedHere ? 0 : effectiveMyPing();
        for (Peer p : peers.values()) {
            if (p.alive() && p.known && !p.shutdone && p.ping != null && (key == null || !p.failed.contains(key))) {
                best = Math.max(best, p.ping);
            }
        }
        return best;
    }

    private int effectiveMyPing() {
        return myPing == null ? s.pingNodeCount() : myPing;
    }

    /** Unknown counts (e.g. a Heartbeat peer without ipfail) are taken as "all reachable". */
    private int pingOf(Peer p) {
        return p.ping == null ? s.pingNodeCount() : p.ping;
    }

    private List<String> heldIn(Collection<String> keys) {
        List<String> r = new ArrayList<>();
        for (Grp g : groups.values()) {
            if (g.held() && keys.contains(g.spec.key())) {
                r.add(g.spec.key());
            }
        }
        return r;
    }

    private List<String> failedKeys() {
        List<String> r = new ArrayList<>();
        groups.values().stream().filter(g -> g.failedHere).forEach(g -> r.add(g.spec.key()));
        return r;
    }

    /** The groups of a Heartbeat set relative to {@code node}: local = preferred by it, foreign = the others. */
    private Set<String> derive(ResourceSet set, String node) {
        Set<String> r = new LinkedHashSet<>();
        for (Grp g : groups.values()) {
            boolean local = g.spec.preferredNode().equals(node);
            if (local ? set.hasLocal() : set.hasForeign()) {
                r.add(g.spec.key());
            }
        }
        return r;
    }

    /** What we hold, as Heartbeat's rsc_hold relative to us. */
    private ResourceSet heldSet() {
        boolean local = false;
        boolean foreign = false;
        for (Grp g : groups.values()) {
            if (g.held()) {
                if (g.spec.preferredNode().equals(me)) {
                    local = true;
                } else {
                    foreign = true;
                }
            }
        }
        return ResourceSet.of(local, foreign);
    }

    private static ResourceSet mirror(ResourceSet set) {
        return switch (set) {
            case LOCAL -> ResourceSet.FOREIGN;
            case FOREIGN -> ResourceSet.LOCAL;
            default -> set;
        };
    }

    private Message ask(ResourceSet set, String info, Exchange x) {
        Message m = Message.of("ask_resources").add("rsc_hold", set.wire()).add("info", info);
        String requester = x.requester ? me : x.peer;
        if (multi || !Set.copyOf(x.groups).equals(derive(set, requester))) {
            m.add(F_GROUPS, String.join(" ", x.groups));
        }
        if (multi) {
            m.add("dest", x.peer);
        }
        return m;
    }

    private void sendResource(boolean stable, String info) {
        sendResourceMsg(stable, info);
    }

    private void sendResourceMsg(boolean stable, String info) {
        List<String> held = phase == Phase.SHUTDOWN ? List.of() : heldIn(groups.keySet());
        ResourceSet set = phase == Phase.SHUTDOWN ? ResourceSet.NONE : heldSet();
        Message m = Message.of("resource").add("rsc_hold", set.wire()).add("rtype", "full")
                .add("isstable", stable ? "1" : "0");
        if (info != null) {
            m.add("info", info);
        }
        if (multi || !Set.copyOf(held).equals(derive(set, me))) {
            m.add(F_GROUPS, String.join(" ", held));
        }
        List<String> failed = failedKeys();
        if (!failed.isEmpty()) {
            m.add(F_FAILED, String.join(" ", failed));
        }
        // After an `isstable=0` the peers take us for in flux (no failback, no standby, no orphan adoption towards
        // us) until we say otherwise: announce again once stable even if our holdings end up unchanged, as
        // Heartbeat's final `resource … isstable=1` of every standby exchange does.
        lastAnnounced = stable ? held + "|" + failed : null;
        send(m);
    }

    private void audit() {
        if (phase != Phase.STABLE || !locallyStable()) {
            return;
        }
        for (Peer p : peers.values()) {
            if (p.alive() && (!p.known || !p.stable)) {
                return;
            }
        }
        Set<String> local = derive(ResourceSet.LOCAL, me);
        Set<String> foreign = derive(ResourceSet.FOREIGN, me);
        if (anyDouble(local)) {
            error("Both machines own our resources!");
        }
        if (anyDouble(foreign)) {
            error("Both machines own foreign resources!");
        }
        if (!local.isEmpty() && noneHeld(local)) {
            error("No one owns our local resources!");
        }
        if (!foreign.isEmpty() && noneHeld(foreign)) {
            error("No one owns foreign resources!");
        }
    }

    private boolean anyDouble(Set<String> keys) {
        for (String k : keys) {
            if (groups.get(k).held() && heldByPeer(k)) {
                return true;
            }
        }
        return false;
    }

    private boolean noneHeld(Set<String> keys) {
        for (String k : keys) {
            if (groups.get(k).held() || heldByPeer(k)) {
                return false;
            }
        }
        return true;
    }

    private void send(Message m) {
        out.add(new Send(m));
    }

    private void info(String text) {
        out.add(new Log(Level.INFO, text));
    }

    private void warn(String text) {
        out.add(new Log(Level.WARNING, text));
    }

    private void error(String text) {
        out.add(new Log(Level.ERROR, text));
    }

    private static Set<String> keys(String v) {
        Set<String> r = new LinkedHashSet<>();
        for (String k : v.trim().split("\\s+")) {
            if (!k.isEmpty()) {
                r.add(k);
            }
        }
        return r;
    }
}
