package io.vigil.daemon;

import io.vigil.control.StatusReport;
import io.vigil.control.VigilMetrics;
import io.vigil.wire.DropCounters;
import io.vigil.wire.DropLog;
import io.vigil.wire.DropLogLimiter;
import io.vigil.wire.DropReason;

import java.time.Duration;

/**
 * The daemon's observer in production: Micrometer metrics, and a rate-limited log line for every dropped packet
 * unless ha.cf says {@code log_badpack off} (then they are only counted, as Heartbeat then only drops them).
 */
public final class DaemonReporting implements DaemonObserver {

    /** One line per sender and reason at most every 10 s: a flood must not flood the log. */
    private static final long DROP_LOG_INTERVAL_MS = 10_000;

    private final VigilMetrics metrics;
    private final String version;
    private final boolean logBadPackets;
    private final DropLog drops = new DropLog(new DropCounters(), new DropLogLimiter(DROP_LOG_INTERVAL_MS));
    private volatile Runnable onCommUp;

    public DaemonReporting(VigilMetrics metrics, String version) {
        this(metrics, version, true);
    }

    /** @param logBadPackets ha.cf {@code log_badpack} */
    public DaemonReporting(VigilMetrics metrics, String version, boolean logBadPackets) {
        this.metrics = metrics;
        this.version = version;
        this.logBadPackets = logBadPackets;
    }

    public static StatusReport report(Daemon daemon, String version) {
        return DaemonStatus.report(daemon, version, Daemon.monotonicMillis());
    }

    @Override
    public String version() {
        return version;
    }

    @Override
    public void packetReceived(String link) {
        metrics.packetReceived(link);
    }

    @Override
    public void packetSent() {
        metrics.packetSent("all");
    }

    @Override
    public void packetDropped(DropReason reason, String sender, String detail) {
        if (logBadPackets) {
            drops.dropped(Daemon.monotonicMillis(), sender, reason, detail);
        } else {
            drops.counters().increment(reason);
        }
        metrics.packetDropped(reason.label());
    }

    @Override
    public void keepaliveInterArrival(String node, long millis) {
        metrics.keepaliveInterArrival(node, millis);
    }

    @Override
    public void resourceOperation(String op, Duration took, boolean ok) {
        metrics.resourceOperation(op, took, ok);
    }

    /** Runs {@code action} once, the first time communication is up (Heartbeat starts its respawn clients then). */
    public void whenCommUp(Runnable action) {
        onCommUp = action;
    }

    @Override
    public void snapshotChanged(Daemon.Snapshot snapshot) {
        // gauges read the latest report on scrape (VigilMetrics.bindStatus); nothing to push
        Runnable action = onCommUp;
        if (action != null && snapshot.membership().commUp()) {
            onCommUp = null;
            action.run();
        }
    }
}
