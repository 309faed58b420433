package io.vigil.failover;

import io.vigil.membership.Arrival;
import io.vigil.membership.NodeStatus;

/** Inputs of the engine. Time comes with every call to {@link FailoverEngine#handle}. */
public sealed interface FailoverEvent {

    void dispatch(Handler h);

    /** One method per event: a new event cannot be left unhandled. */
    interface Handler {
        void commUp(CommUp e);

        void nodeStatusChanged(NodeStatusChanged e);

        void partitionHealed(PartitionHealed e);

        void nodeRestarted(NodeRestarted e);

        void messageReceived(MessageReceived e);

        void groupCompleted(GroupCompleted e);

        void monitorFailed(MonitorFailed e);

        void fenceCompleted(FenceCompleted e);

        void operatorRequest(OperatorRequest e);

        void pingReachability(PingReachability e);

        void shutdownRequested(ShutdownRequested e);

        void reconfigured(Reconfigured e);

        void tick(Tick e);

        void foundRunning(FoundRunning e);

        void foundStopFailed(FoundStopFailed e);

        void rebootFailed(RebootFailed e);

        void groupCleanedUp(GroupCleanedUp e);
    }

    /** Membership reports that communication is up (every node heard or declared dead). */
    record CommUp() implements FailoverEvent {
        @Override
        public void dispatch(Handler h) {
            h.commUp(this);
        }
    }

    record NodeStatusChanged(String node, NodeStatus from, NodeStatus to) implements FailoverEvent {
        @Override
        public void dispatch(Handler h) {
            h.nodeStatusChanged(this);
        }
    }

    /** A node we had declared dead speaks again with the same generation (split brain healed). */
    record PartitionHealed(String node) implements FailoverEvent {
        @Override
        public void dispatch(Handler h) {
            h.partitionHealed(this);
        }
    }

    /** A node restarted (new generation), reported before any of its new incarnation's messages. */
    record NodeRestarted(String node) implements FailoverEvent {
        @Override
        public void dispatch(Handler h) {
            h.nodeRestarted(this);
        }
    }

    /**
     * A resource-protocol message from another node (authenticated, in sequence, addressed to us or to all), handed
     * on by membership after it reported what the message says about its sender (restart, heal, alive).
     */
    record MessageReceived(String node, ResourceMessage message, Arrival arrival) implements FailoverEvent {
        @Override
        public void dispatch(Handler h) {
            h.messageReceived(this);
        }
    }

    /** The daemon finished a StartGroup / StopGroup action. */
    record GroupCompleted(String key, GroupOp op, boolean success, String detail) implements FailoverEvent {
        @Override
        public void dispatch(Handler h) {
            h.groupCompleted(this);
        }
    }

    /** A periodic status check of a group held here failed. */
    record MonitorFailed(String key, String detail) implements FailoverEvent {
        @Override
        public void dispatch(Handler h) {
            h.monitorFailed(this);
        }
    }

    record FenceCompleted(String node, boolean success, String detail) implements FailoverEvent {
        @Override
        public void dispatch(Handler h) {
            h.fenceCompleted(this);
        }
    }

    /** Operator: {@code vigil standby <set>} / {@code hb_standby}, {@code vigil takeover <set>} / {@code hb_takeover}. */
    record OperatorRequest(OperatorKind kind, ResourceSet set) implements FailoverEvent {
        @Override
        public void dispatch(Handler h) {
            h.operatorRequest(this);
        }
    }

    /** How many ping nodes this node reaches now (sent on every change). */
    record PingReachability(int reachable) implements FailoverEvent {
        @Override
        public void dispatch(Handler h) {
            h.pingReachability(this);
        }
    }

    /** SIGTERM: give everything up, tell the peers, then {@link FailoverAction.ShutdownComplete}. */
    record ShutdownRequested() implements FailoverEvent {
        @Override
        public void dispatch(Handler h) {
            h.shutdownRequested(this);
        }
    }

    /**
     * A reload changed the configuration ({@code vigil reload}, SIGHUP): groups added or removed, timings,
     * auto_failback on/off, monitor restarts. Only fed when {@link FailoverEngine#reconfigurationRefused} said nothing.
     */
    record Reconfigured(FailoverSettings settings) implements FailoverEvent {
        @Override
        public void dispatch(Handler h) {
            h.reconfigured(this);
        }
    }

    /** A deadline of the engine ({@link FailoverEngine#nextDeadline}) is due. */
    record Tick() implements FailoverEvent {
        @Override
        public void dispatch(Handler h) {
            h.tick(this);
        }
    }

    /**
     * The daemon's probe at start found these groups running here, left by a predecessor that exited keeping them:
     * fed before communication is up; adopted or stopped once start-up settles ({@link StartupAdoption}).
     */
    record FoundRunning(java.util.List<String> keys) implements FailoverEvent {
        public FoundRunning {
            keys = java.util.List.copyOf(keys);
        }

        @Override
        public void dispatch(Handler h) {
            h.foundRunning(this);
        }
    }

    /**
     * The daemon's start-up clean-up could not stop these groups: they may still be active here. Fed before
     * communication is up; each is stop-failed from the start and follows {@code vigil.on-stop-failure}.
     */
    record FoundStopFailed(java.util.List<String> keys) implements FailoverEvent {
        public FoundStopFailed {
            keys = java.util.List.copyOf(keys);
        }

        @Override
        public void dispatch(Handler h) {
            h.foundStopFailed(this);
        }
    }

    /** The reboot asked by {@link FailoverAction.Reboot} did not happen (refused, failed, or returned). */
    record RebootFailed(String detail) implements FailoverEvent {
        @Override
        public void dispatch(Handler h) {
            h.rebootFailed(this);
        }
    }

    /**
     * Operator: {@code vigil resource cleanup KEY} probed the group (and stopped it again if needed); {@code stopped}:
     * every resource now says stopped, so a stop-failed group may be released.
     */
    record GroupCleanedUp(String key, boolean stopped, String detail) implements FailoverEvent {
        @Override
        public void dispatch(Handler h) {
            h.groupCleanedUp(this);
        }
    }

    enum GroupOp { START, STOP }

    enum OperatorKind { STANDBY, TAKEOVER }
}
