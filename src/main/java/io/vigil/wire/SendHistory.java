package io.vigil.wire;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

/**
 * The last {@value #CAPACITY} sequenced messages this node sent (Heartbeat's MAXMSGHIST), to answer a peer's
 * {@code NS_rexmit} (reference §4.8, heartbeat.c {@code process_rexmit}). Not thread-safe: use from the sending thread.
 */
public final class SendHistory {

    public static final int CAPACITY = 500;
    /** Heartbeat sends at most this many messages for one request. */
    public static final int MAX_PER_REQUEST = 50;

    private final long repeatGuardMs;
    private final LinkedHashMap<Long, Message> bySeq = new LinkedHashMap<>();
    private final Map<Long, Long> lastResentMs = new HashMap<>();

    /** Without repeat suppression. */
    public SendHistory() {
        this(0);
    }

    /** Requests for a seq repeated within {@code maxRexmitDelayMs - 10} ms are ignored, as Heartbeat does. */
    public SendHistory(long maxRexmitDelayMs) {
        this.repeatGuardMs = Math.max(0, maxRexmitDelayMs - 10);
    }

    /** Keeps a stamped message if it is sequenced (has a hex {@code seq}); the oldest is dropped beyond capacity. */
    public void record(Message stamped) {
        OptionalLong seq = Fields.hex(stamped, Fields.SEQ);
        if (seq.isEmpty() || !Fields.isSequencedType(stamped.type())) {
            return;
        }
        bySeq.remove(seq.getAsLong());
        bySeq.put(seq.getAsLong(), stamped.copy());
        while (bySeq.size() > CAPACITY) {
            Long oldest = bySeq.keySet().iterator().next();
            bySeq.remove(oldest);
            lastResentMs.remove(oldest);
        }
    }

    /** Answers without repeat suppression; see {@link #answer(Message, String, long)}. */
    public List<Message> answer(Message nsRexmit, String localNode) {
        return answer(nsRexmit, localNode, Long.MIN_VALUE / 2);
    }

    /**
     * The reply to an {@code NS_rexmit} addressed to {@code localNode}: for each requested seq (at most
     * {@value #MAX_PER_REQUEST}), the stamped message from the history — send it re-encoded as it is, do not stamp
     * it again — or, for a seq not held, an <b>unstamped</b> {@code NS_nak_rexmit} ({@code firstseq} hex,
     * {@code dest}, {@code info} = {@code seqno too low} / {@code seqno not found}) to pass through the
     * {@link Stamper}. Empty when the request is not for us or is malformed.
     */
    public List<Message> answer(Message nsRexmit, String localNode, long nowMs) {
        String requester = nsRexmit.get(Fields.SRC).orElse("");
        boolean forUs = nsRexmit.get(Fields.DEST).filter(localNode::equalsIgnoreCase).isPresent();
        // firstseq/lastseq are written with ha_msg_add_int: decimal.
        OptionalLong first = Fields.decimal(nsRexmit, Fields.FIRSTSEQ);
        OptionalLong last = Fields.decimal(nsRexmit, Fields.LASTSEQ);
        if (!Fields.T_REXMIT.equals(nsRexmit.type()) || !forUs || requester.isEmpty()
                || first.isEmpty() || last.isEmpty() || last.getAsLong() < first.getAsLong()) {
            return List.of();
        }
        long lowest = bySeq.isEmpty() ? Long.MAX_VALUE : bySeq.keySet().iterator().next();
        List<Message> out = new ArrayList<>();
        long end = Math.min(last.getAsLong(), first.getAsLong() + MAX_PER_REQUEST - 1);
        for (long seq = first.getAsLong(); seq <= end; seq++) {
            Message kept = bySeq.get(seq);
            if (kept == null) {
                out.add(Message.of(Fields.T_NAK_REXMIT)
                        .add(Fields.FIRSTSEQ, Long.toHexString(seq))
                        .add(Fields.DEST, requester)
                        .add(Fields.INFO, seq < lowest ? "seqno too low" : "seqno not found"));
                continue;
            }
            Long previous = lastResentMs.get(seq);
            if (previous != null && nowMs - previous < repeatGuardMs) {
                continue;
            }
            lastResentMs.put(seq, nowMs);
            out.add(kept.copy());
        }
        return out;
    }

    public int size() {
        return bySeq.size();
    }
}
