package io.vigil.wire;

import org.jboss.logging.Logger;

import java.util.OptionalLong;

/**
 * The receive path's one call for a dropped packet: counts it and writes a rate-limited WARN line naming the sender
 * address and the reason, e.g.
 * {@code dropped packet from 192.0.2.12: BAD_AUTH: netstring authentication failed (3 similar suppressed)}.
 * Everything in the line that may come from the packet is escaped (control and non-ASCII bytes as {@code \xNN}) and
 * cut to {@value #MAX_DETAIL} characters: a hostile packet can neither forge log lines nor fill the log with one.
 */
public final class DropLog {

    private static final Logger LOG = Logger.getLogger(DropLog.class);

    private final DropCounters counters;
    private final DropLogLimiter limiter;

    public DropLog(DropCounters counters, DropLogLimiter limiter) {
        this.counters = counters;
        this.limiter = limiter;
    }

    /** Counts the drop; returns the line that was logged, or null when rate-limited. */
    public String dropped(long nowMs, String senderAddress, DropReason reason, String detail) {
        counters.increment(reason);
        OptionalLong suppressed = limiter.permit(nowMs, senderAddress, reason);
        if (suppressed.isEmpty()) {
            return null;
        }
        String line = line(senderAddress, reason, detail, suppressed.getAsLong());
        LOG.warn(line);
        return line;
    }

    public String dropped(long nowMs, String senderAddress, Decoded.Rejected rejected) {
        return dropped(nowMs, senderAddress, rejected.reason(), rejected.detail());
    }

    /** Longest detail written; packet-derived text beyond it is cut. */
    static final int MAX_DETAIL = 200;

    static String line(String senderAddress, DropReason reason, String detail, long suppressed) {
        return "dropped packet from " + PacketCodec.shown(senderAddress, 64) + ": " + reason + ": "
                + PacketCodec.shown(detail, MAX_DETAIL) + (suppressed > 0 ? " (" + suppressed + " similar suppressed)" : "");
    }

    public DropCounters counters() {
        return counters;
    }
}
