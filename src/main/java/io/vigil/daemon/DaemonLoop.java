package io.vigil.daemon;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vigil.node.NodeCore;

import java.util.List;
import java.util.function.Consumer;

/**
 * The daemon's one thread of decisions: every call into the node's core runs on one Vert.x context, so the pure
 * cores stay single-threaded without locks. After each input the snapshot that readers on other threads see is
 * published again, and one timer is armed for the core's next deadline: the loop wakes for a keepalive to send, a
 * packet, a ping reply, a group operation's end, the monitor, or that deadline, never to poll.
 */
final class DaemonLoop {

    private final Vertx vertx;
    private final Context context;
    private final Transitions transitions;
    private final DaemonObserver observer;
    private NodeCore core;
    /** Counts the effects: a deadline that caused none need not publish a new snapshot. */
    private ActionExecutor executor;
    private volatile Daemon.Snapshot snapshot;
    private long keepaliveTimer = -1;
    private long monitorTimer = -1;
    private long deadlineTimer = -1;
    /** What the deadline timer is armed for (monotonic ms), or {@link Long#MAX_VALUE}. */
    private long deadlineAt = Long.MAX_VALUE;
    private boolean stopped;
    /** Run right after each keepalive (ping probes, watchdog beats): one wake-up of the loop for all, not a timer each. */
    private final List<Runnable> alongKeepalive = new java.util.concurrent.CopyOnWriteArrayList<>();

    DaemonLoop(Vertx vertx, Transitions transitions, DaemonObserver observer) {
        this.vertx = vertx;
        this.context = vertx.getOrCreateContext();
        this.transitions = transitions;
        this.observer = observer;
    }

    void attach(NodeCore core, ActionExecutor executor) {
        this.core = core;
        this.executor = executor;
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
        rearm();
    }

    /** Runs an input on the loop's context, from any thread. */
    void submit(Consumer<NodeCore> in) {
        context.runOnContext(v -> input(in));
    }

    /**
     * Keepalive at a fixed rate (a periodic timer does not drift), the monitor of held groups ({@code monitorMs} 0:
     * none), and the core's first deadline. On the loop's context.
     */
    void startTimers(long keepaliveMs, long monitorMs) {
        keepaliveTimer = vertx.setPeriodic(keepaliveMs, id -> {
            core.keepalive(Daemon.monotonicMillis());
            alongKeepalive.forEach(Runnable::run);
        });
        if (monitorMs > 0) {
            monitorTimer = vertx.setPeriodic(monitorMs, id -> executor.monitorHeldGroups());
        }
        rearm();
    }

    /** One more thing to do at each keepalive tick besides the keepalive (run on the loop's context). */
    void alongKeepalive(Runnable task) {
        alongKeepalive.add(task);
    }

    /** A reload changed the keepalive or the monitor interval: the periodic timers start again with the new ones. */
    void restartPeriodicTimers(long keepaliveMs, long monitorMs) {
        vertx.cancelTimer(keepaliveTimer);
        vertx.cancelTimer(monitorTimer);
        monitorTimer = -1;
        startTimers(keepaliveMs, monitorMs);
    }

    /** Arms the one timer for the core's next deadline (after each input; nothing if it did not move). */
    void rearm() {
        if (stopped) {
            return;
        }
        long at = core.nextDeadline();
        if (at == deadlineAt) {
            return;
        }
        if (deadlineTimer >= 0) {
            vertx.cancelTimer(deadlineTimer);
            deadlineTimer = -1;
        }
        deadlineAt = at;
        if (at != Long.MAX_VALUE) {
            deadlineTimer = vertx.setTimer(Math.max(1, at - Daemon.monotonicMillis()), id -> deadline());
        }
    }

    private void deadline() {
        deadlineTimer = -1;
        deadlineAt = Long.MAX_VALUE;
        long before = executor.count();
        core.timer(Daemon.monotonicMillis());
        if (executor.count() != before) {
            publish();
        }
        rearm();
    }

    void stopTimers() {
        stopped = true;
        vertx.cancelTimer(keepaliveTimer);
        vertx.cancelTimer(monitorTimer);
        vertx.cancelTimer(deadlineTimer);
    }

    void publish() {
        snapshot = new Daemon.Snapshot(core.membershipView(), core.failoverView(), transitions.snapshot());
        observer.snapshotChanged(snapshot);
    }
}
