package io.vigil.daemon;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vigil.node.NodeCore;

import java.util.function.Consumer;

/**
 * The daemon's one thread of decisions: every call into the node's core runs on one Vert.x context, so the pure
 * cores stay single-threaded without locks. After each input the snapshot that readers on other threads see is
 * published again.
 */
final class DaemonLoop {

    private final Vertx vertx;
    private final Context context;
    private final Transitions transitions;
    private final DaemonObserver observer;
    private NodeCore core;
    private volatile Daemon.Snapshot snapshot;
    private long snapshotAt;
    private long keepaliveTimer = -1;
    private long tickTimer = -1;
    private long monitorTimer = -1;

    DaemonLoop(Vertx vertx, Transitions transitions, DaemonObserver observer) {
        this.vertx = vertx;
        this.context = vertx.getOrCreateContext();
        this.transitions = transitions;
        this.observer = observer;
    }

    void attach(NodeCore core) {
        this.core = core;
    }

    NodeCore core() {
        return core;
    }

    Context context() {
        return context;
    }

    Daemon.Snapshot snapshot() {
        return snapshot;
    }

    /** Runs an input on the calling thread, which must be the loop's context, then publishes the snapshot. */
    void input(Consumer<NodeCore> in) {
        in.accept(core);
        publish();
    }

    /** Runs an input on the loop's context, from any thread. */
    void submit(Consumer<NodeCore> in) {
        context.runOnContext(v -> input(in));
    }

    /**
     * Keepalive at a fixed rate (a periodic timer does not drift), the core's timer, and the monitor of held groups
     * ({@code monitorMs} 0: none). On the loop's context.
     */
    void startTimers(long keepaliveMs, long tickMs, long monitorMs, ActionExecutor executor) {
        keepaliveTimer = vertx.setPeriodic(keepaliveMs, id -> core.keepalive(Daemon.monotonicMillis()));
        tickTimer = vertx.setPeriodic(tickMs, id -> tick(executor));
        if (monitorMs > 0) {
            monitorTimer = vertx.setPeriodic(monitorMs, id -> executor.monitorHeldGroups());
        }
    }

    private void tick(ActionExecutor executor) {
        long now = Daemon.monotonicMillis();
        long before = executor.count();
        core.timer(now);
        // A quiet tick changes nothing worth publishing but "last heard" ages: once a second is enough for readers.
        if (executor.count() != before || now - snapshotAt >= 1000) {
            publish();
        }
    }

    void stopTimers() {
        vertx.cancelTimer(keepaliveTimer);
        vertx.cancelTimer(tickTimer);
        vertx.cancelTimer(monitorTimer);
    }

    void publish() {
        snapshotAt = Daemon.monotonicMillis();
        snapshot = new Daemon.Snapshot(core.membershipView(), core.failoverView(), transitions.snapshot());
        observer.snapshotChanged(snapshot);
    }
}
