package io.vigil.daemon;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vigil.config.AuthKeys;
import io.vigil.config.ClusterConfig;
import io.vigil.config.ConfigException;
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
import io.vigil.resource.HeldAddresses;
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
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
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

    /** Replaced by a reload: read it once per use. */
    private volatile ClusterConfig config;
    private final Vertx vertx;
    private final DaemonPaths paths;
    private final DaemonObserver observer;
    private final DaemonReload reloading;
    /** The configured groups, for the readers (replaced by a reload). */
    private volatile Map<String, ResourceGroup> groups;
    /** Every group the executor may be told to run: a group removed by a reload stays until its stop has run. */
    private final Map<String, ResourceGroup> operable = new ConcurrentHashMap<>();
    private PacketIntake intake;
    private final Transitions transitions = new Transitions();
    private final AtomicBoolean stopping = new AtomicBoolean();
    private final Promise<Integer> exit = Promise.promise();
    private volatile AuthKeys authKeys;
    private DaemonLoop loop;
    private volatile Transport transport;
    private Pinger pinger;
    private ActionExecutor executor;
    private WatchdogFeeder watchdogs;
    private PeerIncarnationJournal peers;
    private long startedAt;

    public record Transition(long epochMillis, String text) {
    }

    /** What the control socket and metrics read; rebuilt on the daemon's context after each input. */
    public record Snapshot(MembershipView membership, FailoverView failover, List<Transition> transitions) {
    }

    /** How a reload reads the configuration again: as {@code vigil run} read it at start (same options). */
    @FunctionalInterface
    public interface ConfigReader {
        ClusterConfig read() throws ConfigException;
    }

    public Daemon(ClusterConfig config, Vertx vertx, DaemonPaths paths, DaemonObserver observer, ConfigReader reader) {
        this.config = config;
        this.vertx = vertx;
        this.paths = paths;
        this.observer = observer;
        this.reloading = new DaemonReload(this, reader);
        this.authKeys = config.authKeys();
        this.groups = byKey(config.groups());
        operable.putAll(groups);
    }

    private static Map<String, ResourceGroup> byKey(List<ResourceGroup> list) {
        Map<String, ResourceGroup> m = new LinkedHashMap<>();
        list.forEach(g -> m.put(g.key(), g));
        return java.util.Collections.unmodifiableMap(m);
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
        peers = PeerIncarnationJournal.open(paths.stateDir()); // what we knew of the peers before this start
        Leftovers found = clearLeftovers(resources, Handover.take(Handover.file(paths.stateDir())));
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
        intake = PacketIntake.forDaemon(codec, config.deadtimeMs(), observer::packetDropped,
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
            executor = new ActionExecutor(config, vertx, loop, outbox, transport, resources, operable,
                    transitions, observer, peers, () -> stopIo(loop.core().failoverView().groups()
                            .containsValue(GroupState.STOP_FAILED) ? 1 : 0)); // stop-failed: not relinquished
            NodeCore nodeCore = new NodeCore(settings(config), monotonicMillis(), new Random(), executor, observer);
            nodeCore.restorePeers(peers.atStart());
            loop.attach(nodeCore, executor);
            loop.core().foundRunning(monotonicMillis(), found.running()); // adopted or stopped once start-up settles
            loop.core().foundStopFailed(monotonicMillis(), found.stopFailed());
            transport.start().onComplete(ar -> {
                if (ar.failed()) {
                    started.fail(ar.cause());
                    return;
                }
                if (!config.pingNodes().isEmpty()) {
                    pinger = new Pinger(vertx, config.pingNodes(), Duration.ofMillis(config.keepaliveMs()),
                            (node, addr) -> loop.submit(core -> core.pingReply(monotonicMillis(), node)));
                    pinger.start().onSuccess(ok -> loop.alongKeepalive(pinger::probe)); // one wake-up for both
                }
                loop.core().keepalive(monotonicMillis());
                loop.startTimers(config.keepaliveMs(), config.vigil().monitorInterval().toMillis());
                loop.publish();
                watchdogs.start(vertx, config.keepaliveMs(), loop::alongKeepalive);
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
     * At start this node holds nothing it was not handed: whatever is still running (a predecessor killed with -9 left
     * its address behind) is stopped now, before the first packet. The exception is a handover: groups the previous
     * daemon left running on purpose ({@link #stopKeepingResources}), still fully running, and the record still fresh
     * (the peers cannot have declared that daemon dead yet). Those are returned: the engine adopts them when the peers
     * confirm that none holds them, else stops them first.
     */
    /** What the start-up clean-up left running: kept for a restart ({@code running}), or whose stop failed. */
    private record Leftovers(List<String> running, List<String> stopFailed) {
    }

    private Leftovers clearLeftovers(ResourceManager resources, java.util.Optional<Handover> handover) {
        boolean fresh = handover.isPresent() && handover.get().fresh(System.currentTimeMillis(), config.keepaliveMs());
        if (handover.isPresent() && !fresh) {
            LOG.warnf("The previous daemon left its groups running for a restart, but too long ago (or before a reboot):"
                    + " the peers may have taken them over; they are stopped first");
        }
        List<String> found = new ArrayList<>();
        List<String> stopFailed = new ArrayList<>();
        for (ResourceGroup g : config.groups()) {
            GroupStatus st = resources.status(g);
            if (st.overall() == GroupStatus.Overall.NONE) {
                continue;
            }
            if (fresh && handover.get().groups().contains(g.key()) && st.overall() == GroupStatus.Overall.ALL) {
                LOG.infof("Resource group %s is running, left by the previous daemon for this restart: kept while the"
                        + " peers are asked (adopted if none holds it)", g.key());
                found.add(g.key());
                continue;
            }
            LOG.warnf("Resource group %s is active at start-up and should not be: stopping it", g.key());
            GroupResult r = resources.stop(g);
            LOG.infof("Start-up clean-up of %s: %s", g.key(), r.summary());
            if (!r.success() && resources.status(g).overall() != GroupStatus.Overall.NONE) {
                // still (partly) active here: stop-failed from the start, announced as ours, never left to a peer
                LOG.errorf("Resource group %s could not be stopped at start-up and may still be active here: it is"
                        + " stop-failed (vigil.on-stop-failure applies)", g.key());
                stopFailed.add(g.key());
            }
        }
        return new Leftovers(found, stopFailed);
    }

    /** What {@link #stopKeepingResources} answers. */
    public record KeepStop(boolean accepted, String message) {
    }

    /**
     * {@code vigil stop --keep-resources}: exit without releasing anything, for a restart or an upgrade that moves
     * nothing. Refused while groups move or start-up has not settled. Otherwise the groups held here are written to the
     * {@link Handover} record with the time until which the peers still count this daemon alive, every effect of the
     * core is cut off (no packet, no operation), and the process exits 0 without a {@code shutdone}: to the peers this
     * is a pause in the keepalives, and the next start's new generation a restart. Blocks up to 5 s; any thread but the
     * loop's.
     */
    public KeepStop stopKeepingResources() {
        if (loop == null) {
            return new KeepStop(false, "the daemon has not started yet");
        }
        // Whichever comes first decides: the loop running the stop, or this request giving up on a stalled loop. A
        // stop that ran after its request was answered "refused" would leave the groups kept while the caller (the
        // package's prerm) goes on to release them.
        java.util.concurrent.atomic.AtomicBoolean claimed = new java.util.concurrent.atomic.AtomicBoolean();
        java.util.concurrent.CompletableFuture<KeepStop> answer = new java.util.concurrent.CompletableFuture<>();
        loop.context().runOnContext(v -> {
            if (claimed.compareAndSet(false, true)) {
                answer.complete(detach());
            }
        });
        try {
            return answer.get(KEEP_STOP_WAIT_S, java.util.concurrent.TimeUnit.SECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            if (claimed.compareAndSet(false, true)) {
                return new KeepStop(false, "the daemon's event loop did not answer within " + KEEP_STOP_WAIT_S
                        + " s; nothing stopped");
            }
            return answer.join(); // the loop took it just now: its verdict stands
        } catch (Exception e) {
            return new KeepStop(false, "the daemon did not answer: " + e);
        }
    }

    /** How long a keeping stop waits for the loop (a JVM warming up on a starved machine stalls it for seconds). */
    static final long KEEP_STOP_WAIT_S = 30;
    /** Exit this long after an accepted keeping stop even if the reply's delivery is never confirmed. */
    static final long KEPT_EXIT_FALLBACK_MS = 10_000;
    private final java.util.concurrent.atomic.AtomicBoolean keptExit = new java.util.concurrent.atomic.AtomicBoolean();
    private volatile boolean keepStopAccepted;

    /**
     * The answer to an accepted keeping stop has gone out (or its client is gone): the process exits now. Before, a
     * fixed 500 ms pause stood for this, and under emulation the answer was still unsent when the process exited.
     */
    public void exitKeepingResources() {
        if (keepStopAccepted && loop != null) {
            loop.context().runOnContext(v -> {
                if (keptExit.compareAndSet(false, true)) {
                    stopIo(0);
                }
            });
        }
    }

    private KeepStop detach() {
        if (stopping.get()) {
            return new KeepStop(false, "the daemon is already stopping");
        }
        FailoverView f = loop.core().failoverView();
        if (!"STABLE".equals(f.phase()) || f.transition()) {
            return new KeepStop(false, "resources are moving (" + f.phase().toLowerCase(Locale.ROOT)
                    + (f.transition() ? ", in transition" : "") + "): nothing stopped; try again once vigil status"
                    + " shows no transition");
        }
        List<String> held = new ArrayList<>();
        f.groups().forEach((k, st) -> {
            if (st == io.vigil.failover.GroupState.RUNNING) {
                held.add(k);
            }
        });
        // the peers heard our last keepalive at most one keepalive ago: they declare us dead a deadtime after it
        long window = RestartWindow.windowMs(config.deadtimeMs(), config.keepaliveMs());
        long deadline = System.currentTimeMillis() + window;
        try {
            Path record = Handover.file(paths.stateDir());
            HeldAddresses.snapshot(DaemonResources.tmpDir(paths), Handover.heldDir(record));
            new Handover(deadline, Handover.currentBootId(), held).write(record);
        } catch (IOException e) {
            return new KeepStop(false, "cannot write " + Handover.file(paths.stateDir()) + ": " + e.getMessage()
                    + "; nothing stopped");
        }
        stopping.set(true);
        executor.detach();
        String groupsText = held.isEmpty() ? "none" : String.join(" ", held);
        LOG.infof("Exiting without releasing resource groups (kept running: %s): a start within %d ms adopts them",
                groupsText, deadline - System.currentTimeMillis());
        keepStopAccepted = true;
        vertx.setTimer(KEPT_EXIT_FALLBACK_MS, id -> exitKeepingResources()); // normally sooner: once the reply is out
        return new KeepStop(true, "Exiting, resource groups kept running here: " + groupsText + ". Start vigil within "
                + window + " ms (deadtime less one keepalive) to adopt them;"
                + " later, the peers take them over and the next start stops them first.");
    }

    // ---------------------------------------------------------------- operator and signals

    /** Runs on any thread; the request is queued onto the daemon's context. */
    public void operator(FailoverEvent.OperatorKind kind, ResourceSet set) {
        loop.submit(core -> {
            transitions.record("operator " + kind.name().toLowerCase(Locale.ROOT) + " " + set.wire());
            core.operator(monotonicMillis(), kind, set);
        });
    }

    /** SIGHUP, {@code vigil reload}: see {@link DaemonReload#reload()}. Blocks until applied: call it off the loop. */
    public ReloadResult reload() {
        return reloading.reload();
    }

    /** {@code check-config --diff}: what {@link #reload()} would do now; nothing is applied. */
    public ReloadResult reloadPlan() {
        return reloading.plan();
    }

    /** Called after each applied reload (the process re-registers the metrics of the links and groups). */
    void afterReload(Runnable hook) {
        reloading.afterApplied(hook);
    }

    // What a reload reads and replaces, on the daemon's loop (DaemonReload).

    /** The watchdogs' feeder (a reload that changes the keepalive retimes it). */
    WatchdogFeeder watchdogs() {
        return watchdogs;
    }

    DaemonLoop loop() {
        return loop;
    }

    /** The groups the executor may run: a reload adds a new group before the core may start it. */
    Map<String, ResourceGroup> operable() {
        return operable;
    }

    /** New media beside the running ones, feeding the same intake (not started). */
    Transport newTransport(ClusterConfig next) {
        return new Transport(vertx, next.media(), intake::receive);
    }

    /** The executor sends through {@code fresh} from now on; the old media are closed. */
    void useTransport(Transport fresh) {
        Transport old = transport;
        transport = fresh;
        executor.useTransport(fresh);
        old.stop();
    }

    /** The reloaded configuration in force: keys, groups, and what every reader sees. */
    void install(ClusterConfig next) {
        authKeys = next.authKeys();
        groups = byKey(next.groups());
        config = next;
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
        long limit = shutdownLimitMs();
        vertx.setTimer(limit, id -> {
            if (!exit.future().isComplete()) {
                LOG.errorf("Shutdown did not complete within %d ms; exiting anyway", limit);
                stopIo(1);
            }
        });
    }

    /** How long a shutdown may take before the daemon exits anyway: every group's stop, retried once, and slack. */
    long shutdownLimitMs() {
        return config.vigil().stopTimeout().toMillis() * Math.max(1, groups.size()) * 2 + 10_000;
    }

    private void stopIo(int code) {
        if (watchdogs != null) {
            watchdogs.stop(code == 0);
        }
        loop.stopTimers();
        if (pinger != null) {
            pinger.stop();
        }
        if (peers != null) {
            peers.close();
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
