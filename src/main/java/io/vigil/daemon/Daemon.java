package io.vigil.daemon;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vigil.config.AuthKeys;
import io.vigil.config.ClusterConfig;
import io.vigil.config.ConfigException;
import io.vigil.config.ConfigLoader;
import io.vigil.config.ResourceGroup;
import io.vigil.failover.FailoverEvent;
import io.vigil.failover.FailoverSettings;
import io.vigil.failover.FailoverView;
import io.vigil.failover.GroupSpec;
import io.vigil.failover.GroupState;
import io.vigil.failover.ResourceSet;
import io.vigil.intake.PacketIntake;
import io.vigil.membership.MembershipSettings;
import io.vigil.membership.MembershipView;
import io.vigil.membership.NodeStatus;
import io.vigil.node.NodeCore;
import io.vigil.node.NodeSettings;
import io.vigil.resource.GroupResult;
import io.vigil.resource.GroupStatus;
import io.vigil.resource.ResourceManager;
import io.vigil.transport.Pinger;
import io.vigil.transport.Transport;
import io.vigil.wire.KeyRing;
import io.vigil.wire.LoadAverage;
import io.vigil.wire.Outbox;
import io.vigil.wire.PacketCodec;
import io.vigil.wire.SendHistory;
import io.vigil.wire.Stamper;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One running node: the node's pure core ({@link NodeCore}) on the daemon's loop, fed by the media and the ping
 * nodes ({@link MessageIntake}), its decisions carried out by the {@link ActionExecutor}.
 *
 * <p>The path of one keepalive: {@link Transport} receives bytes → {@link PacketIntake} (on the receive thread) checks
 * the source, authenticates and decodes → {@link MessageIntake} on the daemon's loop → {@link NodeCore}: sequencing, membership, failover → {@link ActionExecutor} sends through the {@link Outbox} and
 * runs groups through the {@link ResourceManager}. {@link DaemonProcess} wires this together with the control
 * socket, metrics, health and signals.
 */
public final class Daemon {

    private static final Logger LOG = Logger.getLogger("vigil");

    private final ClusterConfig config;
    private final Vertx vertx;
    private final DaemonPaths paths;
    private final DaemonObserver observer;
    private final Map<String, ResourceGroup> groups = new LinkedHashMap<>();
    private final Transitions transitions = new Transitions();
    private final AtomicBoolean stopping = new AtomicBoolean();
    private final Promise<Integer> exit = Promise.promise();
    private volatile AuthKeys authKeys;
    private DaemonLoop loop;
    private Transport transport;
    private Pinger pinger;
    private ActionExecutor executor;
    private WatchdogFeeder watchdogs;
    private long startedAt;

    public record Transition(long epochMillis, String text) {
    }

    /** What the control socket and metrics read; rebuilt on the daemon's context after each input. */
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

    /**
     * Starts everything. Blocking parts (generation file, clearing resources left by a killed predecessor) run on
     * the caller's thread before any packet is sent.
     */
    public Future<Void> start() throws IOException {
        startedAt = System.currentTimeMillis();
        ResourceManager resources = new ResourceManager(DaemonResources.settings(config, paths));
        NodeIdentity identity = NodeIdentity.establish(config, paths.stateDir()); // hbgenmethod, uuidfrom
        long generation = identity.generation();
        byte[] uuid = identity.uuid();
        clearLeftovers(resources);
        watchdogs = WatchdogFeeder.of(config);
        // only the active key, and the previous one for a while after a reload (issue 14)
        PacketCodec codec = new PacketCodec(() -> authKeys,
                new KeyRing(config.vigil().authRotationWindow(), config.deadtimeMs()), Daemon::monotonicMillis,
                !"netstring".equals(config.msgfmt())); // msgfmt netstring: no inner auth field
        Outbox outbox = new Outbox(new Stamper(config.localNode(), uuid, generation, 1 + config.nodes().size()),
                new SendHistory(config.maxRexmitDelayMs()), codec, () -> System.currentTimeMillis() / 1000,
                LoadAverage::read);
        LOG.infof("Vigil %s starting on node %s (generation %d, keepalive %d ms, deadtime %d ms)",
                observer.version(), config.localNode(), generation, config.keepaliveMs(), config.deadtimeMs());

        loop = new DaemonLoop(vertx, transitions, observer);
        MessageIntake messages = new MessageIntake(observer, config.localNode(), m -> executor.send(m));
        // datagrams are checked and decoded on the receive thread; only authenticated messages reach the loop
        PacketIntake intake = PacketIntake.forDaemon(codec, config.deadtimeMs(), observer::packetDropped,
                a -> loop.context().runOnContext(x -> {
                    if (messages.receive(loop.core(), monotonicMillis(), a.message(), a.link(),
                            a.sender().getAddress().getHostAddress())) {
                        loop.publish();
                    }
                    loop.rearm();
                }), Daemon::monotonicMillis);
        Promise<Void> started = Promise.promise();
        loop.context().runOnContext(v -> {
            transport = new Transport(vertx, config.media(), intake::receive);
            executor = new ActionExecutor(config, vertx, loop, outbox, transport, resources, groups,
                    transitions, observer, () -> stopIo(loop.core().failoverView().groups()
                            .containsValue(GroupState.STOP_FAILED) ? 1 : 0)); // stop-failed: not relinquished
            loop.attach(new NodeCore(settings(config), monotonicMillis(), new Random(), executor, observer), executor);
            transport.start().onComplete(ar -> {
                if (ar.failed()) {
                    started.fail(ar.cause());
                    return;
                }
                if (!config.pingNodes().isEmpty()) {
                    pinger = new Pinger(vertx, config.pingNodes(), Duration.ofMillis(config.keepaliveMs()),
                            (node, addr) -> loop.submit(core -> core.pingReply(monotonicMillis(), node)));
                    pinger.start();
                }
                loop.core().keepalive(monotonicMillis());
                loop.startTimers(config.keepaliveMs(), config.vigil().monitorInterval().toMillis());
                loop.publish();
                watchdogs.start(vertx, config.keepaliveMs());
                started.complete();
            });
        });
        return started.future();
    }

    /** What the node's core needs from the configuration. */
    static NodeSettings settings(ClusterConfig config) {
        List<String> pingNames = config.pingNodes().stream().map(p -> p.name()).toList();
        List<String> links = config.media().stream().map(m -> m.name()).distinct().toList();
        MembershipSettings ms = new MembershipSettings(config.localNode(), config.nodes(), pingNames, links,
                config.keepaliveMs(), config.deadtimeMs(), config.warntimeMs(), config.initdeadMs(),
                config.deadpingMs(), config.maxRexmitDelayMs());
        List<GroupSpec> specs = config.groups().stream().map(g -> new GroupSpec(g.key(), g.preferredNode())).toList();
        FailoverSettings fs = new FailoverSettings(config.localNode(), config.nodes(), specs, config.autoFailback(),
                config.keepaliveMs(), config.deadtimeMs(), config.initdeadMs(),
                Fencing.of(config).configured(), config.vigil().monitorRestarts(), config.placementPingNodes(),
                config.vigil().onStopFailure());
        return new NodeSettings(ms, fs, config.maxRexmitDelayMs());
    }

    /**
     * At start this node holds nothing: negotiation decides what it takes. Whatever is still running (a
     * predecessor killed with -9 left its address behind) is stopped now, before the first packet.
     */
    private void clearLeftovers(ResourceManager resources) {
        for (ResourceGroup g : groups.values()) {
            GroupStatus st = resources.status(g);
            if (st.overall() != GroupStatus.Overall.NONE) {
                LOG.warnf("Resource group %s is active at start-up and should not be: stopping it", g.key());
                GroupResult r = resources.stop(g);
                LOG.infof("Start-up clean-up of %s: %s", g.key(), r.summary());
            }
        }
    }

    // ---------------------------------------------------------------- operator and signals

    /** Runs on any thread; the request is queued onto the daemon's context. */
    public void operator(FailoverEvent.OperatorKind kind, ResourceSet set) {
        loop.submit(core -> {
            transitions.record("operator " + kind.name().toLowerCase(Locale.ROOT) + " " + set.wire());
            core.operator(monotonicMillis(), kind, set);
        });
    }

    /** SIGHUP: re-read authkeys. ha.cf and haresources changes need a restart (said in the result). */
    public ReloadResult reload() {
        try {
            AuthKeys fresh = ConfigLoader.loadAuthKeys(config.configDir().resolve("authkeys"));
            authKeys = fresh;
            LOG.info("Rereading authentication file.");
            return ReloadResult.applied("authkeys reloaded (active key " + fresh.activeIndex()
                    + "); ha.cf and haresources changes need a restart");
        } catch (ConfigException e) {
            e.problems().forEach(p -> LOG.error(p.format()));
            return ReloadResult.refused("reload refused, the running configuration is kept: " + e.getMessage());
        }
    }

    /**
     * SIGTERM: give every group up (right to left), send shutdone, then exit 0. With a group stop-failed here: no
     * shutdone (it is not released), exit 1.
     */
    public void shutdown() {
        if (loop == null || !stopping.compareAndSet(false, true)) {
            return;
        }
        loop.submit(core -> {
            LOG.infof("Heartbeat shutdown in progress. (%d)", ProcessHandle.current().pid());
            core.shutdown(monotonicMillis());
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

    private void stopIo(int code) {
        if (watchdogs != null) {
            watchdogs.stop(code == 0);
        }
        loop.stopTimers();
        if (pinger != null) {
            pinger.stop();
        }
        Future<Void> t = transport == null ? Future.succeededFuture() : transport.stop();
        t.onComplete(ar -> exit.tryComplete(code));
    }

    /**
     * {@code vigil resource cleanup KEY}: probe the group, stop it again if anything is not stopped, probe again; a
     * stop-failed group found stopped is released. Completes with the verdict.
     */
    public Future<ResourceManager.CleanupResult> cleanup(String key) {
        if (executor == null || !groups.containsKey(key)) {
            return Future.failedFuture("no resource group " + key + " in haresources (groups: " + groups.keySet() + ")");
        }
        return executor.cleanup(key);
    }

    // ---------------------------------------------------------------- what readers see

    /** The groups whose stop failed here and that may still be active: not released to any peer. */
    public List<String> stopFailedGroups() {
        Snapshot s = snapshot();
        if (s == null) {
            return List.of();
        }
        return s.failover().groups().entrySet().stream().filter(e -> e.getValue() == GroupState.STOP_FAILED)
                .map(Map.Entry::getKey).toList();
    }

    /** Whether {@link #start} got as far as creating the loop (there may be something to shut down). */
    boolean started() {
        return loop != null;
    }

    public ClusterConfig config() {
        return config;
    }

    public Snapshot snapshot() {
        return loop == null ? null : loop.snapshot();
    }

    /** The authkeys in force (reloads replace them). */
    public AuthKeys authKeys() {
        return authKeys;
    }

    public Map<String, ResourceGroup> groups() {
        return groups;
    }

    /** Whether this node's own heartbeat link reads up, as Heartbeat reports it (cl_status hblinkstatus of ourselves). */
    public boolean ownLinkUp(String link) {
        Transport t = transport;
        return t != null && t.ownLinkUp(link);
    }

    public List<String> groupKeys() {
        return new ArrayList<>(groups.keySet());
    }

    public long startedAtMillis() {
        return startedAt;
    }

    /** Completes with the process exit code once the daemon has stopped. */
    public Future<Integer> exitCode() {
        return exit.future();
    }

    /** Readiness: communication is up and no group is moving. */
    public boolean ready() {
        Snapshot s = snapshot();
        return s != null && s.membership().commUp() && !s.failover().transition() && !stopping.get()
                && stopFailedGroups().isEmpty(); // a stop-failed group needs the operator
    }

    public NodeStatus localStatus() {
        Snapshot s = snapshot();
        return s == null ? NodeStatus.INIT : s.membership().localStatus();
    }

    /** The cores get a monotonic clock: wall-clock jumps must not kill nodes. */
    public static long monotonicMillis() {
        return System.nanoTime() / 1_000_000;
    }
}
