package io.vigil.daemon;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vigil.config.ClusterConfig;
import io.vigil.config.ConfigException;
import io.vigil.config.ConfigLoader;
import io.vigil.config.AuthKeys;
import io.vigil.config.ResourceGroup;
import io.vigil.failover.FailoverAction;
import io.vigil.failover.FailoverEngine;
import io.vigil.failover.FailoverEvent;
import io.vigil.failover.FailoverSettings;
import io.vigil.failover.FailoverView;
import io.vigil.failover.GroupSpec;
import io.vigil.failover.GroupState;
import io.vigil.failover.ResourceSet;
import io.vigil.membership.Membership;
import io.vigil.membership.MembershipEvent;
import io.vigil.membership.MembershipSettings;
import io.vigil.membership.MembershipView;
import io.vigil.membership.NodeStatus;
import io.vigil.resource.GroupResult;
import io.vigil.resource.GroupStatus;
import io.vigil.resource.ResourceManager;
import io.vigil.transport.Pinger;
import io.vigil.transport.Transport;
import io.vigil.wire.Decoded;
import io.vigil.wire.GenerationStore;
import io.vigil.wire.LoadAverage;
import io.vigil.wire.Message;
import io.vigil.wire.PacketCodec;
import io.vigil.wire.SendHistory;
import io.vigil.wire.SequenceTracker;
import io.vigil.wire.Stamper;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The one place that wires Vigil together. Every call into the pure cores (sequencing, membership, failover)
 * happens on one Vert.x context, so they stay single-threaded; resource scripts and fencing run on worker
 * threads and come back to that context as events.
 *
 * <p>The path of one keepalive: {@link Transport} receives bytes → {@link PacketCodec} decodes and authenticates →
 * {@link SequenceTracker} drops replays → {@link Membership} updates the sender → {@link FailoverEngine} decides →
 * {@link #execute} runs the actions through {@link ResourceManager} and {@link Transport}.
 */
public final class Daemon {

    private static final Logger LOG = Logger.getLogger("vigil");
    private static final int TRANSITIONS_KEPT = 50;

    private final ClusterConfig config;
    private final Vertx vertx;
    private final DaemonPaths paths;
    private final DaemonObserver observer;

    private Context context;
    private volatile AuthKeys authKeys;
    private PacketCodec codec;
    private Stamper stamper;
    private SequenceTracker sequences;
    private SendHistory history;
    private Membership membership;
    private FailoverEngine engine;
    private Transport transport;
    private Pinger pinger;
    private ResourceManager resources;
    private final Map<String, ResourceGroup> groups = new LinkedHashMap<>();
    private final Deque<Transition> transitions = new ArrayDeque<>();
    private final Map<String, Long> lastStatusAt = new LinkedHashMap<>();
    private int reachablePingNodes = -1;
    private long startedAt;
    private long generation;
    private final AtomicBoolean stopping = new AtomicBoolean();
    private final Promise<Integer> exit = Promise.promise();
    private long keepaliveTimer = -1;
    private long tickTimer = -1;
    private long monitorTimer = -1;

    /** Volatile snapshots for readers on other threads (control socket, metrics, health). */
    private volatile Snapshot snapshot;
    private long snapshotAt;

    public record Transition(long epochMillis, String text) {
    }

    /** What the control socket and metrics read; rebuilt on the daemon's context after each batch of events. */
    public record Snapshot(MembershipView membership, FailoverView failover, List<Transition> transitions) {
    }

    public Daemon(ClusterConfig config, Vertx vertx, DaemonPaths paths, DaemonObserver observer) {
        this.config = config;
        this.vertx = vertx;
        this.paths = paths;
        this.observer = observer;
        this.authKeys = config.authKeys();
        for (ResourceGroup g : config.groups()) {
            groups.put(g.key(), g);
        }
    }

    public ClusterConfig config() {
        return config;
    }

    public Snapshot snapshot() {
        return snapshot;
    }

    public Map<String, ResourceGroup> groups() {
        return groups;
    }

    public long startedAtMillis() {
        return startedAt;
    }

    /** Completes with the process exit code once the daemon has stopped. */
    public Future<Integer> exitCode() {
        return exit.future();
    }

    /**
     * Starts everything. Blocking parts (generation file, clearing resources left by a killed predecessor) run on
     * the caller's thread before any packet is sent.
     */
    public Future<Void> start() throws IOException {
        startedAt = System.currentTimeMillis();
        resources = new ResourceManager(DaemonResources.settings(config, paths));
        generation = GenerationStore.next(paths.stateDir());
        byte[] uuid = GenerationStore.nodeUuid(paths.stateDir());
        clearLeftovers();
        int ttl = 1 + config.nodes().size();
        stamper = new Stamper(config.localNode(), uuid, generation, ttl);
        codec = new PacketCodec(() -> authKeys);
        history = new SendHistory(config.maxRexmitDelayMs());
        sequences = new SequenceTracker(config.localNode(), new Random(), config.maxRexmitDelayMs());
        long now = monotonicMillis();
        membership = new Membership(membershipSettings(), now);
        engine = new FailoverEngine(failoverSettings());
        LOG.infof("Vigil %s starting on node %s (generation %d, keepalive %d ms, deadtime %d ms)",
                observer.version(), config.localNode(), generation, config.keepaliveMs(), config.deadtimeMs());

        Promise<Void> started = Promise.promise();
        context = vertx.getOrCreateContext();
        context.runOnContext(v -> {
            transport = new Transport(vertx, config.media(), in -> onDatagram(in.data(), in.link(), String.valueOf(in.sender())));
            transport.start().onComplete(ar -> {
                if (ar.failed()) {
                    started.fail(ar.cause());
                    return;
                }
                if (!config.pingNodes().isEmpty()) {
                    pinger = new Pinger(vertx, config.pingNodes(), Duration.ofMillis(config.keepaliveMs()),
                            (node, addr) -> context.runOnContext(x -> onPingReply(node)));
                    pinger.start();
                }
                sendStatus();
                keepaliveTimer = vertx.setPeriodic(config.keepaliveMs(), id -> sendStatus());
                tickTimer = vertx.setPeriodic(tickInterval(), id -> tick());
                long monitorMs = config.vigil().monitorInterval().toMillis();
                if (monitorMs > 0) {
                    monitorTimer = vertx.setPeriodic(monitorMs, id -> monitor());
                }
                refreshSnapshot();
                started.complete();
            });
        });
        return started.future();
    }

    /** Detection resolution: a fraction of deadtime, so a 300 ms deadtime is checked every 10 ms, 10 s every 100 ms. */
    private long tickInterval() {
        return Math.max(10, Math.min(100, config.deadtimeMs() / 30));
    }

    private MembershipSettings membershipSettings() {
        List<String> pingNames = config.pingNodes().stream().map(p -> p.name()).toList();
        List<String> links = config.media().stream().map(m -> m.name()).distinct().toList();
        return new MembershipSettings(config.localNode(), config.nodes(), pingNames, links, config.keepaliveMs(),
                config.deadtimeMs(), config.warntimeMs(), config.initdeadMs(), config.deadpingMs());
    }

    private FailoverSettings failoverSettings() {
        List<GroupSpec> specs = config.groups().stream().map(g -> new GroupSpec(g.key(), g.preferredNode())).toList();
        return new FailoverSettings(config.localNode(), config.nodes(), specs, config.autoFailback(),
                config.keepaliveMs(), config.deadtimeMs(), config.initdeadMs(),
                config.vigil().fenceScript().isPresent(), config.vigil().monitorRestarts(), config.pingNodes().size());
    }

    /**
     * At start this node holds nothing: negotiation decides what it takes. Whatever is still running (a
     * predecessor killed with -9 left its address behind) is stopped now, before the first packet.
     */
    private void clearLeftovers() {
        for (ResourceGroup g : groups.values()) {
            GroupStatus st = resources.status(g);
            if (st.overall() != GroupStatus.Overall.NONE) {
                LOG.warnf("Resource group %s is active at start-up and should not be: stopping it", g.key());
                GroupResult r = resources.stop(g);
                LOG.infof("Start-up clean-up of %s: %s", g.key(), r.summary());
            }
        }
    }

    // ---------------------------------------------------------------- inbound

    private void onDatagram(byte[] data, String link, String sender) {
        if (stopping.get() && engineFinished) {
            return;
        }
        long now = monotonicMillis();
        Decoded d = codec.decode(data, 0, data.length);
        if (d instanceof Decoded.Rejected r) {
            observer.packetDropped(r.reason(), sender, r.detail());
            return;
        }
        Message m = ((Decoded.Accepted) d).message();
        observer.packetReceived(link);
        String src = m.get("src").orElse("").toLowerCase(java.util.Locale.ROOT);
        if (src.equals(config.localNode())) {
            return; // our own broadcast come back
        }
        if (!config.nodes().contains(src)) {
            observer.packetDropped(io.vigil.wire.DropReason.UNKNOWN_NODE, sender, "bad node [" + src + "] in message");
            return;
        }
        SequenceTracker.Verdict verdict = sequences.accept(now, m);
        drainSequenceLogs();
        if (verdict == SequenceTracker.Verdict.REPLAY || verdict == SequenceTracker.Verdict.STALE) {
            observer.packetDropped(verdict == SequenceTracker.Verdict.REPLAY ? io.vigil.wire.DropReason.REPLAY
                    : io.vigil.wire.DropReason.STALE, sender, "src=" + src + " seq=" + m.get("seq").orElse("?") + " hg=" + m.get("hg").orElse("?"));
            return;
        }
        String dest = m.get("dest").orElse("");
        boolean forUs = dest.isEmpty() || dest.equalsIgnoreCase(config.localNode());
        String type = m.type();
        if (type.equals("NS_rexmit")) {
            if (forUs) {
                for (Message again : history.answer(m, config.localNode(), now)) {
                    if (again.has("src")) {
                        transmit(again); // a retransmission goes out exactly as first stamped
                    } else {
                        send(again); // NS_nak_rexmit: a new message of ours
                    }
                }
            }
            return;
        }
        if (type.startsWith("NS_")) {
            return;
        }
        boolean duplicate = verdict == SequenceTracker.Verdict.DUPLICATE;
        if (type.equals("status") && !duplicate) {
            Long prev = lastStatusAt.put(src, now);
            if (prev != null) {
                observer.keepaliveInterArrival(src, now - prev);
            }
        }
        handleMembership(now, membership.onMessage(now, m, link, duplicate));
        if (!duplicate && forUs && !type.equals("status")) {
            handleEngine(now, new FailoverEvent.MessageReceived(m));
        }
        refreshSnapshot();
    }

    private void onPingReply(String pingNode) {
        long now = monotonicMillis();
        handleMembership(now, membership.onPingReply(now, pingNode));
        refreshSnapshot();
    }

    private void drainSequenceLogs() {
        for (io.vigil.wire.WireLog line : sequences.drainLogs()) {
            log(switch (line.level()) {
                case DEBUG -> System.Logger.Level.DEBUG;
                case INFO -> System.Logger.Level.INFO;
                case WARN -> System.Logger.Level.WARNING;
                case ERROR -> System.Logger.Level.ERROR;
            }, line.text());
        }
    }

    // ---------------------------------------------------------------- timers

    private void sendStatus() {
        if (engineFinished) {
            return;
        }
        send(membership.statusMessage(monotonicMillis()));
    }

    private void tick() {
        long now = monotonicMillis();
        List<MembershipEvent> events = membership.tick(now);
        handleMembership(now, events);
        List<FailoverAction> actions = engine.handle(now, new FailoverEvent.Tick());
        if (!engineFinished) {
            execute(actions);
        }
        for (Message rexmit : sequences.due(now)) {
            send(rexmit);
        }
        drainSequenceLogs();
        // A quiet tick changes nothing worth publishing but "last heard" ages: once a second is enough for readers.
        if (!events.isEmpty() || !actions.isEmpty() || now - snapshotAt >= 1000) {
            refreshSnapshot();
        }
    }

    /** Periodic status of the groups held here; a failure goes to the engine, which restarts or fails over. */
    private void monitor() {
        FailoverView view = engine.view();
        view.groups().forEach((key, state) -> {
            if (state != GroupState.RUNNING) {
                return;
            }
            ResourceGroup g = groups.get(key);
            vertx.executeBlocking(() -> resources.status(g), false).onComplete(ar -> {
                boolean ok = ar.succeeded() && ar.result().overall() == GroupStatus.Overall.ALL;
                if (!ok && engine.view().groups().get(key) == GroupState.RUNNING) {
                    String detail = ar.succeeded() ? ar.result().toString() : String.valueOf(ar.cause());
                    LOG.errorf("Monitor of resource group %s failed: %s", key, detail);
                    handleEngine(monotonicMillis(), new FailoverEvent.MonitorFailed(key, detail));
                    refreshSnapshot();
                }
            });
        });
    }

    // ---------------------------------------------------------------- cores → actions

    private void handleMembership(long now, List<MembershipEvent> events) {
        observer.membershipEvents(events);
        for (MembershipEvent e : commUpLast(events)) {
            if (e instanceof MembershipEvent.Log l) {
                log(l.level(), l.text());
            } else if (e instanceof MembershipEvent.Send s) {
                send(s.message());
            } else if (e instanceof MembershipEvent.NodeStatusChanged c) {
                record(String.format("node %s: %s -> %s", c.node(), c.from().wire(), c.to().wire()));
                if (membership.isPingNode(c.node())) {
                    updatePingReachability(now);
                } else {
                    if (c.to() == NodeStatus.DEAD) {
                        sequences.forget(c.node()); // Heartbeat asks only live nodes for retransmissions
                    }
                    handleEngine(now, new FailoverEvent.NodeStatusChanged(c.node(), c.from(), c.to()));
                }
            } else if (e instanceof MembershipEvent.LinkStatusChanged c) {
                record(String.format("link %s:%s %s", c.node(), c.link(), c.up() ? "up" : "dead"));
            } else if (e instanceof MembershipEvent.CommUp) {
                record("communication up: " + config.localNode() + " is active");
                sendStatus(); // Heartbeat announces every local status change at once
                handleEngine(now, new FailoverEvent.CommUp());
            } else if (e instanceof MembershipEvent.ReturnedAfterPartition p) {
                record("node " + p.node() + " returned after a partition (split brain healed)");
                handleEngine(now, new FailoverEvent.PartitionHealed(p.node()));
            } else if (e instanceof MembershipEvent.NodeRestarted r) {
                record("node " + r.node() + " restarted");
                handleEngine(now, new FailoverEvent.NodeRestarted(r.node()));
            }
            // LateHeartbeat: worded and logged by membership itself
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
        events.stream().filter(e -> !(e instanceof MembershipEvent.CommUp)).forEach(ordered::add);
        events.stream().filter(e -> e instanceof MembershipEvent.CommUp).forEach(ordered::add);
        return ordered;
    }

    private void updatePingReachability(long now) {
        if (config.pingNodes().isEmpty()) {
            return;
        }
        int reachable = membership.reachablePingNodes();
        if (reachable != reachablePingNodes) {
            reachablePingNodes = reachable;
            handleEngine(now, new FailoverEvent.PingReachability(reachable));
        }
    }

    private volatile boolean engineFinished;

    private void handleEngine(long now, FailoverEvent event) {
        if (engineFinished) {
            return;
        }
        observer.engineInput(event);
        execute(engine.handle(now, event));
    }

    private void execute(List<FailoverAction> actions) {
        observer.engineActions(actions);
        for (FailoverAction a : actions) {
            if (a instanceof FailoverAction.Log l) {
                log(l.level(), l.text());
            } else if (a instanceof FailoverAction.Send s) {
                send(s.message());
            } else if (a instanceof FailoverAction.StartGroup s) {
                runGroup(s.key(), FailoverEvent.GroupOp.START);
            } else if (a instanceof FailoverAction.StopGroup s) {
                runGroup(s.key(), FailoverEvent.GroupOp.STOP);
            } else if (a instanceof FailoverAction.Announce an) {
                announce(an.key());
            } else if (a instanceof FailoverAction.Fence f) {
                fence(f.node());
            } else if (a instanceof FailoverAction.ShutdownComplete) {
                finishShutdown();
            }
        }
    }

    private void announce(String key) {
        ResourceGroup g = groups.get(key);
        if (g != null) {
            record("re-announcing the addresses of " + key);
            vertx.executeBlocking(() -> {
                resources.announce(g);
                return null;
            }, false);
        }
    }

    private void runGroup(String key, FailoverEvent.GroupOp op) {
        ResourceGroup g = groups.get(key);
        if (g == null) {
            LOG.errorf("Failover engine named unknown resource group %s", key);
            return;
        }
        record((op == FailoverEvent.GroupOp.START ? "starting " : "stopping ") + key);
        long t0 = System.nanoTime();
        vertx.executeBlocking(() -> op == FailoverEvent.GroupOp.START ? resources.start(g) : resources.stop(g), false)
                .onComplete(ar -> {
                    Duration took = Duration.ofNanos(System.nanoTime() - t0);
                    boolean ok = ar.succeeded() && ar.result().success();
                    String detail = ar.succeeded() ? ar.result().summary() : String.valueOf(ar.cause());
                    observer.resourceOperation(op.name().toLowerCase(java.util.Locale.ROOT), took, ok);
                    record(String.format("%s %s %s in %d ms", op == FailoverEvent.GroupOp.START ? "started" : "stopped",
                            key, ok ? "ok" : "FAILED (" + detail + ")", took.toMillis()));
                    handleEngine(monotonicMillis(), new FailoverEvent.GroupCompleted(key, op, ok, detail));
                    refreshSnapshot();
                });
    }

    private void fence(String node) {
        Path script = config.vigil().fenceScript().orElse(null);
        if (script == null) {
            handleEngine(monotonicMillis(), new FailoverEvent.FenceCompleted(node, true, "no fence script"));
            return;
        }
        record("fencing " + node + " with " + script);
        vertx.executeBlocking(() -> Fencing.run(script, node, config.localNode(), config.vigil().stopTimeout()), false)
                .onComplete(ar -> {
                    boolean ok = ar.succeeded() && ar.result().ok();
                    String detail = ar.succeeded() ? ar.result().summary() : String.valueOf(ar.cause());
                    record("fence of " + node + (ok ? " succeeded" : " FAILED: " + detail));
                    handleEngine(monotonicMillis(), new FailoverEvent.FenceCompleted(node, ok, detail));
                    refreshSnapshot();
                });
    }

    // ---------------------------------------------------------------- outbound

    private void send(Message typeFields) {
        Message stamped = stamper.stamp(typeFields, System.currentTimeMillis() / 1000, LoadAverage.read());
        history.record(stamped);
        transmit(stamped);
    }

    private void transmit(Message stamped) {
        transport.send(codec.encode(stamped));
        observer.packetSent();
    }

    // ---------------------------------------------------------------- operator

    /** Runs on any thread; the request is queued onto the daemon's context. */
    public void operator(FailoverEvent.OperatorKind kind, ResourceSet set) {
        context.runOnContext(v -> {
            record("operator " + kind.name().toLowerCase(java.util.Locale.ROOT) + " " + set.wire());
            handleEngine(monotonicMillis(), new FailoverEvent.OperatorRequest(kind, set));
            refreshSnapshot();
        });
    }

    /** SIGHUP: re-read authkeys. ha.cf and haresources changes need a restart (said in the log). */
    public String reload() {
        try {
            AuthKeys fresh = ConfigLoader.loadAuthKeys(config.configDir().resolve("authkeys"));
            authKeys = fresh;
            LOG.info("Rereading authentication file.");
            return "authkeys reloaded (active key " + fresh.activeIndex() + "); ha.cf and haresources changes need a restart";
        } catch (ConfigException e) {
            e.problems().forEach(p -> LOG.error(p.format()));
            return "reload refused, the running configuration is kept: " + e.getMessage();
        }
    }

    /** SIGTERM: give every group up (right to left), send shutdone, then exit 0. */
    public void shutdown() {
        if (!stopping.compareAndSet(false, true)) {
            return;
        }
        context.runOnContext(v -> {
            LOG.infof("Heartbeat shutdown in progress. (%d)", ProcessHandle.current().pid());
            handleEngine(monotonicMillis(), new FailoverEvent.ShutdownRequested());
            refreshSnapshot();
        });
        // Safety net: a hung stop script must not keep the process forever.
        long limit = config.vigil().stopTimeout().toMillis() * Math.max(1, groups.size()) * 2 + 10_000;
        vertx.setTimer(limit, id -> {
            if (!exit.future().isComplete()) {
                LOG.errorf("Shutdown did not complete within %d ms; exiting anyway", limit);
                stopIo(1);
            }
        });
    }

    private void finishShutdown() {
        engineFinished = true;   // the engine has logged "All HA resources relinquished." (Heartbeat logs it once)
        stopIo(0);
    }

    private void stopIo(int code) {
        vertx.cancelTimer(keepaliveTimer);
        vertx.cancelTimer(tickTimer);
        vertx.cancelTimer(monitorTimer);
        if (pinger != null) {
            pinger.stop();
        }
        Future<Void> t = transport == null ? Future.succeededFuture() : transport.stop();
        t.onComplete(ar -> exit.tryComplete(code));
    }

    // ---------------------------------------------------------------- helpers

    private void record(String text) {
        transitions.addLast(new Transition(System.currentTimeMillis(), text));
        while (transitions.size() > TRANSITIONS_KEPT) {
            transitions.removeFirst();
        }
        LOG.info(text);
    }

    private void refreshSnapshot() {
        snapshotAt = monotonicMillis();
        snapshot = new Snapshot(membership.view(), engine.view(), List.copyOf(transitions));
        observer.snapshotChanged(snapshot);
    }

    private static void log(System.Logger.Level level, String text) {
        switch (level) {
            case ERROR -> LOG.error(text);
            case WARNING -> LOG.warn(text);
            case DEBUG -> LOG.debug(text);
            case TRACE -> LOG.trace(text);
            default -> LOG.info(text);
        }
    }

    /** The cores get a monotonic clock: wall-clock jumps must not kill nodes. */
    public static long monotonicMillis() {
        return System.nanoTime() / 1_000_000;
    }

    /** Readiness: communication is up and no group is moving. */
    public boolean ready() {
        Snapshot s = snapshot;
        return s != null && s.membership().commUp() && !s.failover().transition() && !stopping.get();
    }

    public NodeStatus localStatus() {
        Snapshot s = snapshot;
        return s == null ? NodeStatus.INIT : s.membership().localStatus();
    }

    public List<String> groupKeys() {
        return new ArrayList<>(groups.keySet());
    }
}
