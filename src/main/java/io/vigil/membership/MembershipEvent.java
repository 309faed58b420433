package io.vigil.membership;

import io.vigil.wire.DropReason;
import io.vigil.wire.Message;
import io.vigil.wire.PeerIncarnation;

/** What the failure detector reports; the daemon logs, forwards to failover, and sends. */
public sealed interface MembershipEvent {

    void dispatch(Handler h);

    /** One method per event: a new event cannot be left unhandled. */
    interface Handler {
        void nodeStatusChanged(NodeStatusChanged e);

        void linkStatusChanged(LinkStatusChanged e);

        void lateHeartbeat(LateHeartbeat e);

        void commUp(CommUp e);

        void nodeRestarted(NodeRestarted e);

        void returnedAfterPartition(ReturnedAfterPartition e);

        void deliver(Deliver e);

        void dropped(Dropped e);

        void retransmitRequest(RetransmitRequest e);

        void keepaliveArrived(KeepaliveArrived e);

        void send(Send e);

        void peerIncarnationNoted(PeerIncarnationNoted e);

        void log(Log e);
    }

    record NodeStatusChanged(String node, NodeStatus from, NodeStatus to) implements MembershipEvent {
        @Override
        public void dispatch(Handler h) {
            h.nodeStatusChanged(this);
        }
    }

    record LinkStatusChanged(String node, String link, boolean up) implements MembershipEvent {
        @Override
        public void dispatch(Handler h) {
            h.linkStatusChanged(this);
        }
    }

    /** A status arrived after more than warntime (beyondDeadtime: after more than deadtime). */
    record LateHeartbeat(String node, long intervalMs, boolean beyondDeadtime) implements MembershipEvent {
        @Override
        public void dispatch(Handler h) {
            h.lateHeartbeat(this);
        }
    }

    /** Every configured node has been heard or declared dead: the local node becomes active. */
    record CommUp() implements MembershipEvent {
        @Override
        public void dispatch(Handler h) {
            h.commUp(this);
        }
    }

    /** A node came back with a higher generation: a new incarnation. */
    record NodeRestarted(String node) implements MembershipEvent {
        @Override
        public void dispatch(Handler h) {
            h.nodeRestarted(this);
        }
    }

    /** A node we declared dead speaks again with the same generation: the partition has healed. */
    record ReturnedAfterPartition(String node) implements MembershipEvent {
        @Override
        public void dispatch(Handler h) {
            h.returnedAfterPartition(this);
        }
    }

    /**
     * A message from a peer, handed on after membership settled what it says about its sender (restart, heal,
     * alive): not a status, not a duplicate, addressed to us or to all.
     */
    record Deliver(String node, Message message, Arrival arrival) implements MembershipEvent {
        @Override
        public void dispatch(Handler h) {
            h.deliver(this);
        }
    }

    /** The message goes no further (an older generation, an old sequence number, an unknown sender). */
    record Dropped(DropReason reason, String detail) implements MembershipEvent {
        @Override
        public void dispatch(Handler h) {
            h.dropped(this);
        }
    }

    /** A peer asks us to send some of our messages again ({@code NS_rexmit} addressed to us). */
    record RetransmitRequest(Message request) implements MembershipEvent {
        @Override
        public void dispatch(Handler h) {
            h.retransmitRequest(this);
        }
    }

    /** A status from a node arrived {@code intervalMs} after its previous one (for the metrics). */
    record KeepaliveArrived(String node, long intervalMs) implements MembershipEvent {
        @Override
        public void dispatch(Handler h) {
            h.keepaliveArrived(this);
        }
    }

    /** A message to send: repnodes, or a retransmission request. */
    record Send(Message message) implements MembershipEvent {
        @Override
        public void dispatch(Handler h) {
            h.send(this);
        }
    }

    /**
     * Keep this across a restart of this node (the daemon writes it to the state directory and gives it back at
     * start, {@link Membership#restore}): a peer's incarnation opened, closed, or went on for a while.
     */
    record PeerIncarnationNoted(PeerIncarnation incarnation) implements MembershipEvent {
        @Override
        public void dispatch(Handler h) {
            h.peerIncarnationNoted(this);
        }
    }

    /** A log line, worded like Heartbeat's where Heartbeat has one. */
    record Log(System.Logger.Level level, String text) implements MembershipEvent {
        @Override
        public void dispatch(Handler h) {
            h.log(this);
        }
    }
}
