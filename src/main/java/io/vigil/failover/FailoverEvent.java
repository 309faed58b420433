package io.vigil.failover;

import io.vigil.membership.Arrival;
import io.vigil.membership.NodeStatus;
import io.vigil.wire.Message;

/** Inputs of the engine. Time comes with every call to {@link FailoverEngine#handle}. */
public sealed interface FailoverEvent {

    /** Membership reports that communication is up (every node heard or declared dead). */
    record CommUp() implements FailoverEvent {
    }

    record NodeStatusChanged(String node, NodeStatus from, NodeStatus to) implements FailoverEvent {
    }

    /** A node we had declared dead speaks again with the same generation (split brain healed). */
    record PartitionHealed(String node) implements FailoverEvent {
    }

    /** A node restarted (new generation) without us having seen it die. */
    record NodeRestarted(String node) implements FailoverEvent {
    }

    /**
     * A cluster message from another node (authenticated, in sequence, addressed to us or to all), handed on by
     * membership after it reported what the message says about its sender (restart, heal, alive).
     */
    record MessageReceived(String node, Message message, Arrival arrival) implements FailoverEvent {
    }

    /** The daemon finished a StartGroup / StopGroup action. */
    record GroupCompleted(String key, GroupOp op, boolean success, String detail) implements FailoverEvent {
    }

    /** A periodic status check of a group held here failed. */
    record MonitorFailed(String key, String detail) implements FailoverEvent {
    }

    record FenceCompleted(String node, boolean success, String detail) implements FailoverEvent {
    }

    /** Operator: {@code vigil standby <set>} / {@code hb_standby}, {@code vigil takeover <set>} / {@code hb_takeover}. */
    record OperatorRequest(OperatorKind kind, ResourceSet set) implements FailoverEvent {
    }

    /** How many ping nodes this node reaches now (sent on every change). */
    record PingReachability(int reachable) implements FailoverEvent {
    }

    /** SIGTERM: give everything up, tell the peers, then {@link FailoverAction.ShutdownComplete}. */
    record ShutdownRequested() implements FailoverEvent {
    }

    /** Periodic clock tick (at least every 250 ms). */
    record Tick() implements FailoverEvent {
    }

    enum GroupOp { START, STOP }

    enum OperatorKind { STANDBY, TAKEOVER }
}
