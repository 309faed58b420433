package io.vigil.daemon;

import io.vertx.core.Vertx;
import io.vigil.config.ClusterConfig;
import io.vigil.config.ResourceGroup;
import io.vigil.failover.FailoverEvent.GroupOp;
import io.vigil.failover.GroupState;
import io.vigil.node.NodeEffects;
import io.vigil.node.Transition;
import io.vigil.resource.GroupStatus;
import io.vigil.resource.ResourceManager;
import io.vigil.transport.Transport;
import io.vigil.wire.Message;
import io.vigil.wire.Outbox;
import io.vigil.wire.PeerIncarnation;
import org.jboss.logging.Logger;

import java.lang.System.Logger.Level;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;

/**
 * Carries out what the node's core decides: packets onto the media, group operations and the fence hook on worker
 * threads (their completions come back to the core on the daemon's context), log lines, transitions.
 */
final class ActionExecutor implements NodeEffects {

    private static final Logger LOG = Logger.getLogger("vigil");

    private final ClusterConfig config;
    private final Vertx vertx;
    private final DaemonLoop loop;
    private final Outbox outbox;
    /** Replaced by a reload that changed the media ({@link #useTransport}). */
    private volatile Transport transport;
    private final ResourceManager resources;
    private final Map<String, ResourceGroup> groups;
    private final Transitions transitions;
    private final DaemonObserver observer;
    private final Runnable exit;
    private final Fencing fencing;
    private final PeerIncarnationJournal peers;
    /** Effects so far: a timer that caused none need not publish a new snapshot. */
    private long count;
    private boolean detached;

    ActionExecutor(ClusterConfig config, Vertx vertx, DaemonLoop loop, Outbox outbox, Transport transport,
                   ResourceManager resources, Map<String, ResourceGroup> groups, Transitions transitions,
                   DaemonObserver observer, PeerIncarnationJournal peers, Runnable exit) {
        this.config = config;
        this.vertx = vertx;
        this.loop = loop;
        this.outbox = outbox;
        this.transport = transport;
        this.resources = resources;
        this.groups = groups;
        this.transitions = transitions;
        this.observer = observer;
        this.exit = exit;
        this.peers = peers;
        this.fencing = Fencing.of(config);
    }

    /** A reload opened new media: packets go out on them from now on. */
    void useTransport(Transport fresh) {
        this.transport = fresh;
    }

    long count() {
        return count;
    }

    /**
     * The daemon exits keeping its groups: from now on nothing the core decides reaches the world (no packet, no
     * group operation, no fence), whatever still arrives on the loop.
     */
    void detach() {
        detached = true;
    }

    @Override
    public void send(Message typeFields) {
        if (detached) {
            return;
        }
        count++;
        outbox.packets(typeFields).forEach(this::transmit);
    }

    @Override
    public void retransmissionRequested(Message nsRexmit) {
        if (detached) {
            return;
        }
        count++;
        outbox.answer(nsRexmit, Daemon.monotonicMillis()).forEach(this::transmit);
    }

    private void transmit(byte[] packet) {
        transport.send(packet);
        observer.packetSent();
    }

    @Override
    public void startGroup(String key) {
        runGroup(key, GroupOp.START);
    }

    @Override
    public void stopGroup(String key) {
        runGroup(key, GroupOp.STOP);
    }

    private void runGroup(String key, GroupOp op) {
        if (detached) {
            return;
        }
        count++;
        ResourceGroup g = groups.get(key);
        if (g == null) {
            LOG.errorf("Failover engine named unknown resource group %s", key);
            return;
        }
        boolean start = op == GroupOp.START;
        transitions.record((start ? "starting " : "stopping ") + key);
        long t0 = System.nanoTime();
        vertx.executeBlocking(() -> start ? resources.start(g) : resources.stop(g), false).onComplete(ar -> {
            Duration took = Duration.ofNanos(System.nanoTime() - t0);
            boolean ok = ar.succeeded() && ar.result().success();
            String detail = ar.succeeded() ? ar.result().summary() : String.valueOf(ar.cause());
            observer.resourceOperation(op.name().toLowerCase(Locale.ROOT), took, ok);
            transitions.record(String.format("%s %s %s in %d ms", start ? "started" : "stopped", key,
                    ok ? "ok" : "FAILED (" + detail + ")", took.toMillis()));
            loop.input(core -> core.groupCompleted(Daemon.monotonicMillis(), key, op, ok, detail));
        });
    }

    /** Periodic status of the groups held here; a failure goes to the core, which restarts or fails over. */
    void monitorHeldGroups() {
        if (detached) {
            return;
        }
        loop.core().failoverView().groups().forEach((key, state) -> {
            if (state != GroupState.RUNNING) {
                return;
            }
            ResourceGroup g = groups.get(key);
            vertx.executeBlocking(() -> resources.status(g), false).onComplete(ar -> {
                boolean ok = ar.succeeded() && ar.result().overall() == GroupStatus.Overall.ALL;
                if (!ok && loop.core().failoverView().groups().get(key) == GroupState.RUNNING) {
                    String detail = ar.succeeded() ? ar.result().toString() : String.valueOf(ar.cause());
                    LOG.errorf("Monitor of resource group %s failed: %s", key, detail);
                    loop.input(core -> core.monitorFailed(Daemon.monotonicMillis(), key, detail));
                }
            });
        });
    }

    @Override
    public void announce(String key) {
        if (detached) {
            return;
        }
        count++;
        ResourceGroup g = groups.get(key);
        if (g != null) {
            transitions.record("re-announcing the addresses of " + key);
            vertx.executeBlocking(() -> {
                resources.announce(g);
                return null;
            }, false);
        }
    }

    @Override
    public void fence(String node) {
        if (detached) {
            return;
        }
        count++;
        if (!fencing.configured()) {
            // the engine fences only when fencing is configured; answer at once should that ever change
            vertx.runOnContext(v -> loop.input(core -> core.fenceCompleted(Daemon.monotonicMillis(), node, true,
                    "no fencing configured")));
            return;
        }
        transitions.record("fencing " + node + " with " + fencing.describe());
        vertx.executeBlocking(() -> fencing.fence(node), false)
                .onComplete(ar -> {
                    boolean ok = ar.succeeded() && ar.result().ok();
                    String detail = ar.succeeded() ? ar.result().summary() : String.valueOf(ar.cause());
                    transitions.record("fence of " + node + (ok ? " succeeded: " + detail : " FAILED: " + detail));
                    loop.input(core -> core.fenceCompleted(Daemon.monotonicMillis(), node, ok, detail));
                });
    }

    /**
     * A stop failed and vigil.on-stop-failure=reboot: the core already fell silent; run the reboot command (the
     * Rebooter refuses the real one in a lab). A real {@code reboot -nf} does not return, nor does a lab command that
     * kills this process: whatever returns means the node did not go down, and the core learns it (it speaks again and
     * keeps the group, blocked).
     */
    @Override
    public void reboot(String reason) {
        count++;
        transitions.record("rebooting: " + reason);
        Rebooter rebooter = Rebooter.of(config);
        vertx.executeBlocking(() -> rebooter.reboot(reason), false).onComplete(ar -> {
            String detail = !ar.succeeded() ? String.valueOf(ar.cause())
                    : ar.result().refused().map(r -> "refused: " + r)
                    .orElse("the reboot command returned (" + ar.result().detail() + ")");
            transitions.record("reboot did not happen: " + detail);
            loop.input(core -> core.rebootFailed(Daemon.monotonicMillis(), detail));
        });
    }

    /** {@code vigil resource cleanup KEY}: probe (stop again if needed, probe again) and tell the core the verdict. */
    io.vertx.core.Future<ResourceManager.CleanupResult> cleanup(String key) {
        ResourceGroup g = groups.get(key);
        transitions.record("cleanup of " + key);
        return vertx.executeBlocking(() -> resources.cleanup(g), false).onSuccess(r -> {
            transitions.record(r.summary());
            loop.submit(core -> core.groupCleanedUp(Daemon.monotonicMillis(), key, r.released(), r.summary()));
        });
    }

    @Override
    public void shutdownComplete() {
        count++;
        peers.keepAll(loop.core().peerIncarnations()); // the sequence numbers heard since the last note
        exit.run();
    }

    @Override
    public void log(Level level, String text) {
        count++;
        switch (level) {
            case ERROR -> LOG.error(text);
            case WARNING -> LOG.warn(text);
            case DEBUG -> LOG.debug(text);
            case TRACE -> LOG.trace(text);
            default -> LOG.info(text);
        }
    }

    @Override
    public void transition(Transition t) {
        count++;
        transitions.record(t.describe());
    }

    @Override
    public void keepPeerIncarnation(PeerIncarnation incarnation) {
        peers.keep(incarnation);
    }

    @Override
    public void keepaliveInterval(String node, long intervalMs) {
        observer.keepaliveInterArrival(node, intervalMs);
    }
}
