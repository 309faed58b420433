package io.vigil.daemon;

import io.vigil.node.NodeCore;

import java.time.Duration;

/**
 * What the daemon reports as it runs: counters, timings and status snapshots for metrics, health and logs. As a
 * {@link NodeCore.Tap} it also sees what the cores were told and decided (for notifications and the live views), on
 * the daemon's context, before the daemon acts on it; those calls must not block.
 */
public interface DaemonObserver extends NodeCore.Tap {

    String version();

    void packetReceived(String link);

    void packetSent();

    /** A datagram was dropped (malformed, unauthenticated, replayed, unknown sender). */
    void packetDropped(io.vigil.wire.DropReason reason, String sender, String detail);

    void keepaliveInterArrival(String node, long millis);

    void resourceOperation(String op, Duration took, boolean ok);

    void snapshotChanged(Daemon.Snapshot snapshot);

    /**
     * An accepted message addressed to this node (or to all) other than a status, after the core took it: Heartbeat's
     * rc.d hooks run for such messages. On the daemon's context; must not block.
     */
    default void messageAccepted(io.vigil.wire.Message m) {
    }
}
