package io.vigil.wire;

/** Why a received packet was dropped; each reason has its own counter ({@link DropCounters}). */
public enum DropReason {
    /** Not a Heartbeat packet, or broken framing: bad start marker, netstring lengths, base64, line without '='. */
    MALFORMED,
    /** Netstring packet without the trailing auth token, or classic packet without an {@code auth} field. */
    MISSING_AUTH,
    /** The signature does not verify (or the token is not {@code <index> <hex>}). */
    BAD_AUTH,
    /** The packet names an authkeys index this node does not have. */
    UNKNOWN_KEY_INDEX,
    /**
     * The packet names a key of authkeys that is not accepted: neither the active one nor, during a rotation window,
     * the previous one (issue 14: no downgrade to a forgotten crc line).
     */
    INACTIVE_KEY,
    /** {@code t}, {@code src} or {@code ts} missing, or {@code seq} missing on a sequenced type. */
    MISSING_FIELDS,
    /** {@code ts}, {@code seq} or {@code hg} not hex, or {@code ts} zero. */
    BAD_FIELD,
    /**
     * Set by membership: an older generation than the sender's current one, or a message of a generation (or from
     * before a sequence number) that this node had already seen before it restarted (a replay).
     */
    REPLAY,
    /**
     * Set by membership: a message other than {@code status} from a node (or a new incarnation of it) that has not
     * yet sent one since this node started: a peer's record opens only with an authenticated status (issue 14).
     */
    NO_STATUS_YET,
    /**
     * Set by membership: {@link SequenceTracker.Verdict#STALE} (an old sequence number we are not missing), or an
     * {@code NS_*} message whose {@code ts} is behind its sender's newest.
     */
    STALE,
    /** Set by the caller: {@code src} is not a configured node (Heartbeat's {@code bad node [%s] in message}). */
    UNKNOWN_NODE,
    /** Set by the intake: on a port that carries only ucast media, the source address is no ucast peer. */
    UNLISTED_SOURCE,
    /**
     * Set by the intake: the source address spent its budget of unauthenticated work; dropped unread. Or set by
     * membership: a peer's {@code NS_*} messages over their ceiling.
     */
    RATE_LIMITED;

    private final String label = name().toLowerCase(java.util.Locale.ROOT);

    /** The metric label ({@code vigil_packets_dropped_total{reason}}): the name in lower case, computed once. */
    public String label() {
        return label;
    }
}
