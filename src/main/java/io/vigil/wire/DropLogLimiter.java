package io.vigil.wire;

import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.OptionalLong;

/**
 * Decides whether a drop is worth a log line: at most one per (sender, reason) per interval, so a flood of bad
 * packets cannot flood the log. Pure (the clock is passed in); synchronized so receive threads may share it.
 * Remembers at most {@value #MAX_KEYS} pairs: spoofed senders cannot grow it without bound.
 */
public final class DropLogLimiter {

    static final int MAX_KEYS = 4096;

    private final long intervalMs;
    private final Map<Key, Window> windows = new HashMap<>();

    private record Key(String sender, DropReason reason) {
    }

    private static final class Window {
        long loggedAtMs;
        long suppressed;
    }

    public DropLogLimiter(long intervalMs) {
        if (intervalMs <= 0) {
            throw new IllegalArgumentException("interval must be > 0 ms, got " + intervalMs);
        }
        this.intervalMs = intervalMs;
    }

    /**
     * Empty: stay silent (the drop is counted as suppressed). Present: log now; the value is how many drops of the
     * same pair were suppressed since the previous line.
     */
    public synchronized OptionalLong permit(long nowMs, String sender, DropReason reason) {
        Key key = new Key(sender, reason);
        Window w = windows.get(key);
        if (w != null && nowMs - w.loggedAtMs < intervalMs) {
            w.suppressed++;
            return OptionalLong.empty();
        }
        long suppressed = w == null ? 0 : w.suppressed;
        if (w == null) {
            if (windows.size() >= MAX_KEYS) {
                evictExpired(nowMs);
                if (windows.size() >= MAX_KEYS) {
                    // Under a flood of distinct senders stay silent rather than grow: the counters still count.
                    return OptionalLong.empty();
                }
            }
            w = new Window();
            windows.put(key, w);
        }
        w.loggedAtMs = nowMs;
        w.suppressed = 0;
        return OptionalLong.of(suppressed);
    }

    private void evictExpired(long nowMs) {
        for (Iterator<Window> it = windows.values().iterator(); it.hasNext(); ) {
            if (nowMs - it.next().loggedAtMs >= intervalMs) {
                it.remove();
            }
        }
    }
}
