package io.vigil.wire;

import java.util.HashMap;
import java.util.Map;

/**
 * A ceiling on the {@code NS_*} control messages of each peer (issue 14 item 2): they carry no sequence number, so a
 * captured {@code NS_rexmit} replayed over and over would each time make this node retransmit (up to 50 packets, on
 * every medium). Each (node, type) gets a token bucket; what exceeds it is dropped and counted. The rates leave ample
 * room for real use: a receiver asks for each missing packet once per {@code max_rexmit_delay} (250 ms), with at most
 * 250 missing before it resets, and acknowledges one packet in ten.
 * Pure (clock passed in); single-threaded.
 */
public final class NsRateLimiter {

    /** Sustained messages per second and burst, per node, for {@code NS_rexmit} and {@code NS_nak_rexmit}. */
    public static final double REXMIT_RATE = 100;
    public static final double REXMIT_BURST = 250;
    /** For any other {@code NS_*} type ({@code NS_ackmsg}, …). */
    public static final double OTHER_RATE = 50;
    public static final double OTHER_BURST = 100;
    static final int MAX_KEYS = 1024;

    private record Key(String node, String type) {
    }

    private final Map<Key, TokenBucket> buckets = new HashMap<>();

    /** Whether this {@code NS_*} message of {@code node} may be acted upon now. */
    public boolean permit(String node, String type, long nowMs) {
        boolean rexmit = type.equals(Fields.T_REXMIT) || type.equals(Fields.T_NAK_REXMIT);
        double rate = rexmit ? REXMIT_RATE : OTHER_RATE;
        double burst = rexmit ? REXMIT_BURST : OTHER_BURST;
        Key key = new Key(node, rexmit ? type : "NS_*");
        TokenBucket b = buckets.get(key);
        if (b == null) {
            if (buckets.size() >= MAX_KEYS) {
                buckets.clear(); // only configured nodes reach here; a full map means something odd: start over
            }
            b = new TokenBucket(rate, burst);
            buckets.put(key, b);
        }
        return b.tryTake(1, nowMs);
    }
}
