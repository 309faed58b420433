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

    /**
     * A message from a peer, handed on after membership settled what it says about its sender (restart, heal,
     * alive): not a status, not a duplicate, addressed to us or to all.
     */
    record Deliver(String node, Message message, Arrival arrival) implements MembershipEvent {
    }

    /** The message goes no further (an older generation, an old sequence number, an unknown sender). */
    record Dropped(io.vigil.wire.DropReason reason, String detail) implements MembershipEvent {
    }

    /** A peer asks us to send some of our messages again ({@code NS_rexmit} addressed to us). */
    record RetransmitRequest(Message request) implements MembershipEvent {
    }

    /** A status from a node arrived {@code intervalMs} after its previous one (for the metrics). */
    record KeepaliveArrived(String node, long intervalMs) implements MembershipEvent {
    }

    /** A message to send: repnodes, or a retransmission request. */
    record Send(Message message) implements MembershipEvent {
    }

    /** A log line, worded like Heartbeat's where Heartbeat has one. */
    record Log(System.Logger.Level level, String text) implements MembershipEvent {
    }
}
