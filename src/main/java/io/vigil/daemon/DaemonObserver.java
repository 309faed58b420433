package io.vigil.daemon;

import io.vigil.failover.FailoverAction;
import io.vigil.failover.FailoverEvent;
import io.vigil.membership.MembershipEvent;

import java.time.Duration;
import java.util.List;

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

    // The three calls below feed notifications and the live views (io.vigil.notify, io.vigil.live): they see what the
    // daemon's cores said and decided, on the daemon's context, before the daemon acts on it. They must not block.

    /** Membership's events as the daemon is about to handle them (node and link changes, partitions, late beats). */
    default void membershipEvents(List<MembershipEvent> events) {
    }

    /** An input the daemon hands to the failover engine (group and fence completions, messages, monitor failures). */
    default void engineInput(FailoverEvent event) {
    }

    /** What the failover engine decided, before the daemon runs it (start/stop a group, fence, log lines). */
    default void engineActions(List<FailoverAction> actions) {
    }
}
