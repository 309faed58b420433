package io.vigil.membership;

import io.vigil.wire.Message;

import java.util.List;

/**
 * The failure detector: packets and clock in, node and link states out. Pure: no I/O, no threads.
 */
public final class Membership {

    public Membership(MembershipSettings settings, long nowMs) {
        throw new UnsupportedOperationException("skeleton: the membership issue implements this");
    }

    /**
     * A message that passed authentication and sequencing, received on {@code link}.
     * {@code duplicate}: the same sequence number was already seen (e.g. on another medium): refreshes the link only.
     */
    public List<MembershipEvent> onMessage(long nowMs, Message message, String link, boolean duplicate) {
        throw new UnsupportedOperationException("skeleton");
    }

    /** An ICMP echo reply from a member of ping node {@code pingNode}. */
    public List<MembershipEvent> onPingReply(long nowMs, String pingNode) {
        throw new UnsupportedOperationException("skeleton");
    }

    /** Deadline checks; call at least every 250 ms (and at most every keepalive/4 for fast timings). */
    public List<MembershipEvent> tick(long nowMs) {
        throw new UnsupportedOperationException("skeleton");
    }

    /** Our next status message (t, st, dt, ...): the daemon stamps and sends it every keepalive. */
    public Message statusMessage(long nowMs) {
        throw new UnsupportedOperationException("skeleton");
    }

    public MembershipView view() {
        throw new UnsupportedOperationException("skeleton");
    }
}
