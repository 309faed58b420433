package io.vigil.membership;

import io.vigil.wire.Message;

/** What the failure detector reports; the daemon logs, forwards to failover, and sends. */
public sealed interface MembershipEvent {

    record NodeStatusChanged(String node, NodeStatus from, NodeStatus to) implements MembershipEvent {
    }

    record LinkStatusChanged(String node, String link, boolean up) implements MembershipEvent {
    }

    /** A status arrived after more than warntime (beyondDeadtime: after more than deadtime). */
    record LateHeartbeat(String node, long intervalMs, boolean beyondDeadtime) implements MembershipEvent {
    }

    /** Every configured node has been heard or declared dead: the local node becomes active. */
    record CommUp() implements MembershipEvent {
    }

    /** A node came back with a higher generation: a new incarnation. */
    record NodeRestarted(String node) implements MembershipEvent {
    }

    /** A node we declared dead speaks again with the same generation: the partition has healed. */
    record ReturnedAfterPartition(String node) implements MembershipEvent {
    }

    /** A membership message to send (reqnodes / repnodes). */
    record Send(Message message) implements MembershipEvent {
    }

    /** A log line, worded like Heartbeat's where Heartbeat has one. */
    record Log(System.Logger.Level level, String text) implements MembershipEvent {
    }
}
