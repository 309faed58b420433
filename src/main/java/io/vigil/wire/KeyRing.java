package io.vigil.wire;

import io.vigil.config.AuthKey;
import io.vigil.config.AuthKeys;
import io.vigil.config.AuthMethod;

import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * Which authkeys entries a received packet may be signed with, and which ours are signed with. Heartbeat accepts any
 * index present in authkeys, so one forgotten {@code crc} line lets anyone on the segment forge packets (issue 14).
 * Vigil accepts only:
 * <ul>
 * <li>the active key ({@code auth n});</li>
 * <li>during a rotation — for {@link #window} after a reload changed the active key — the previously active key, unless
 * it is crc (a checksum authenticates nothing, so it never gets a grace period).</li>
 * </ul>
 * While the window is open and a peer still signs with the previous key (one of its packets verified with it within
 * {@link #stillUsedHorizonMs}, or the rotation is younger than that), every packet is also sent signed with the
 * previous key, so peers not yet switched keep hearing this node: a rotation loses no heartbeat, with Heartbeat peers
 * too. Thread-safe; the clock is passed in (monotonic milliseconds).
 */
public final class KeyRing {

    private static final Logger LOG = Logger.getLogger(KeyRing.class);

    private final Duration window;
    private final long stillUsedHorizonMs;

    private AuthKeys current;
    private AuthKey previous;
    private long previousUntilMs;
    private long previousLastUsedMs;

    /**
     * @param window             how long the previous key stays accepted after a change (zero: not at all)
     * @param stillUsedHorizonMs how long after the last packet signed with the previous key ours are still also signed
     *                           with it (the daemon passes its deadtime)
     */
    public KeyRing(Duration window, long stillUsedHorizonMs) {
        this.window = Objects.requireNonNull(window, "window");
        this.stillUsedHorizonMs = stillUsedHorizonMs;
    }

    /** No rotation window: only the active key. */
    public static KeyRing strict() {
        return new KeyRing(Duration.ZERO, 0);
    }

    /**
     * Takes note of the keys in force (called with every packet): a different active key than last time starts a
     * rotation window for the one it replaces.
     */
    public synchronized void observe(AuthKeys keys, long nowMs) {
        if (keys == current) {
            return;
        }
        if (keys.active().method() == AuthMethod.CRC && (current == null || !sameKey(current.active(), keys.active()))) {
            // Loud, and in every log (the start-up warning of check-config goes to the console before the log file is set)
            LOG.errorf("INSECURE: the active authkeys entry (auth %d) uses crc, a checksum anyone can compute: packets"
                    + " are not authenticated; switch every node to a sha1 key (docs/operations.md, key rotation)",
                    keys.activeIndex());
        }
        if (current != null && !sameKey(current.active(), keys.active())) {
            previous = window.isZero() ? null : current.active();
            previousUntilMs = nowMs + window.toMillis();
            previousLastUsedMs = nowMs;
        }
        current = keys;
    }

    /** The keys a packet naming {@code index} may be verified with, active first; empty if none. */
    public synchronized List<AuthKey> verifiers(int index, long nowMs) {
        AuthKey active = current.active();
        AuthKey prev = acceptedPrevious(nowMs);
        boolean a = active.index() == index;
        boolean p = prev != null && prev.index() == index;
        if (a && p) {
            return List.of(active, prev);
        }
        return a ? List.of(active) : p ? List.of(prev) : List.of();
    }

    /** Records that a packet verified with {@code key}. */
    public synchronized void verified(AuthKey key, long nowMs) {
        if (previous != null && key == previous) {
            previousLastUsedMs = nowMs;
        }
    }

    /** The keys every outgoing packet is signed with: the active one, then the previous one while peers need it. */
    public synchronized List<AuthKey> signers(long nowMs) {
        AuthKey active = current.active();
        if (previous != null && nowMs < previousUntilMs && nowMs - previousLastUsedMs < stillUsedHorizonMs) {
            return List.of(active, previous);
        }
        return List.of(active);
    }

    /** Why a packet naming {@code index} has no verifier, for the drop log. */
    public synchronized String refusal(int index, long nowMs) {
        AuthKey active = current.active();
        if (previous != null && previous.index() == index) {
            if (previous.method() == AuthMethod.CRC) {
                return "the packet names key " + index + " (crc), the key used before the last reload: crc is never"
                        + " accepted once another key is active (active key: " + active.index() + ")";
            }
            return "the packet names key " + index + ", the key used before the last reload; its rotation window closed "
                    + Math.max(0, (nowMs - previousUntilMs) / 1000) + " s ago (active key: " + active.index() + ")";
        }
        return "the packet names key " + index + ", not the active key " + active.index();
    }

    /** Whether {@code index} names the key that was active before the last change (accepted or no longer). */
    public synchronized boolean wasPrevious(int index) {
        return previous != null && previous.index() == index;
    }

    public synchronized AuthKeys current() {
        return current;
    }

    private AuthKey acceptedPrevious(long nowMs) {
        if (previous == null || nowMs >= previousUntilMs || previous.method() == AuthMethod.CRC) {
            return null;
        }
        return previous;
    }

    private static boolean sameKey(AuthKey a, AuthKey b) {
        return a.index() == b.index() && a.method() == b.method() && Arrays.equals(a.key(), b.key());
    }
}
