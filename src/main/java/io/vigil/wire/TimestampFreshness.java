package io.vigil.wire;

import java.util.HashMap;
import java.util.Map;

/**
 * The {@code ts} rule (issue 14 item 2): a message's {@code ts} (the sender's {@code time()}, hex) is compared only with
 * earlier {@code ts} values <em>of the same peer in the same generation</em>, never with this node's clock — so peers
 * whose clocks differ from ours, Heartbeat peers included, are never judged by the difference.
 * <ul>
 * <li>Per peer this keeps its generation and the highest {@code ts} accepted in it (restored from
 * {@link PeerGenerationStore} after a restart).</li>
 * <li>The rule is applied only where sequence numbers cannot vouch for a message: every {@code NS_*} message (they
 * carry no {@code seq}), and the message that opens a peer's record after this node restarted (the sequence tracking
 * starts empty then).</li>
 * <li>Such a message is {@link Verdict#STALE} when its generation is older than the peer's, or equal and its
 * {@code ts} is more than {@link #toleranceSeconds} older than the highest seen: a replay of a capture, or a peer
 * whose clock was set back by more than the tolerance without restarting. A newer generation is
 * {@link Verdict#FRESH} whatever its {@code ts} (a peer that rebooted may have a clock set back; its generation, which
 * only grows, already refuses older captures). No history: {@link Verdict#UNKNOWN} (first contact).</li>
 * </ul>
 * Pure; single-threaded (the daemon's context).
 */
public final class TimestampFreshness {

    /** Default tolerance: backward clock corrections up to this are not mistaken for replays. */
    public static final long DEFAULT_TOLERANCE_SECONDS = 120;

    public enum Verdict { FRESH, STALE, UNKNOWN }

    private record Known(long generation, long highestTs) {
    }

    private final long toleranceSeconds;
    private final Map<String, Known> known = new HashMap<>();

    public TimestampFreshness(long toleranceSeconds) {
        if (toleranceSeconds < 0) {
            throw new IllegalArgumentException("tolerance must be >= 0 s, got " + toleranceSeconds);
        }
        this.toleranceSeconds = toleranceSeconds;
    }

    /** What the peer generation store remembered from before a restart. */
    public void restore(String node, long generation, long highestTs) {
        known.merge(node, new Known(generation, highestTs), TimestampFreshness::later);
    }

    /** Judges a message sequence numbers cannot vouch for; changes nothing. */
    public Verdict judge(String node, long generation, long ts) {
        Known k = known.get(node);
        if (k == null) {
            return Verdict.UNKNOWN;
        }
        if (generation != k.generation()) {
            return generation > k.generation() ? Verdict.FRESH : Verdict.STALE;
        }
        return ts >= k.highestTs() - toleranceSeconds ? Verdict.FRESH : Verdict.STALE;
    }

    /** Takes note of an accepted message (sequenced, or judged fresh). */
    public void seen(String node, long generation, long ts) {
        known.merge(node, new Known(generation, ts), TimestampFreshness::later);
    }

    /** How far behind the highest {@code ts} of the peer's generation a message is (for the log line). */
    public long secondsBehind(String node, long ts) {
        Known k = known.get(node);
        return k == null ? 0 : Math.max(0, k.highestTs() - ts);
    }

    private static Known later(Known a, Known b) {
        if (a.generation() != b.generation()) {
            return a.generation() > b.generation() ? a : b;
        }
        return new Known(a.generation(), Math.max(a.highestTs(), b.highestTs()));
    }
}
