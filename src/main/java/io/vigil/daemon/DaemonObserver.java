package io.vigil.daemon;

import java.time.Duration;

/** What the daemon reports as it runs: counters, timings and status snapshots for metrics, health and logs. */
public interface DaemonObserver {

    String version();

    void packetReceived(String link);

    void packetSent();

    /** A datagram was dropped (malformed, unauthenticated, replayed, unknown sender). */
    void packetDropped(io.vigil.wire.DropReason reason, String sender, String detail);

    void keepaliveInterArrival(String node, long millis);

    void resourceOperation(String op, Duration took, boolean ok);

    void snapshotChanged(Daemon.Snapshot snapshot);
}
