package io.vigil.wire;

import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.OptionalLong;

/**
 * Decides whether a drop is worth a log line: at most one per (sender address, reason) per interval, and at most
 * {@code maxLines} lines per interval in all, so a flood of bad packets — from one address or from many spoofed
 * ones — cannot flood the log. Pure (the clock is passed in); synchronized so receive threads may share it.
 * Remembers at most {@value #MAX_KEYS} pairs: spoofed senders cannot grow it without bound.
 */
public final class DropLogLimiter {

    static final int MAX_KEYS = 4096;
    /** Lines per interval over all senders when not told otherwise: 20 per 10 s is a few kilobytes a minute. */
    static final int DEFAULT_MAX_LINES = 20;
    private static final long NEVER = Long.MIN_VALUE / 4;

    private final long intervalMs;
    private final int maxLines;
    private final Map<Key, Window> windows = new HashMap<>();
    private long globalStartMs = NEVER;
    private int globalLines;

    private record Key(String sender, DropReason reason) {
    }

    private static final class Window {
        long loggedAtMs = NEVER;
        long suppressed;
    }

    public DropLogLimiter(long intervalMs) {
        this(intervalMs, DEFAULT_MAX_LINES);
    }

    public DropLogLimiter(long intervalMs, int maxLines) {
        if (intervalMs <= 0 || maxLines <= 0) {
            throw new IllegalArgumentException("interval and line budget must be > 0, got " + intervalMs + " ms, " + maxLines);
        }
        this.intervalMs = intervalMs;
        this.maxLines = maxLines;
    }

    /**
     * Empty: stay silent (the drop is counted as suppressed). Present: log now; the value is how many drops of the
     * same pair were suppressed since the previous line.
     */
    public synchronized OptionalLong permit(long nowMs, String sender, DropReason reason) {
        if (nowMs - globalStartMs >= intervalMs) {
            globalStartMs = nowMs;
            globalLines = 0;
        }
        Key key = new Key(sender, reason);
        Window w = windows.get(key);
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
        if (nowMs - w.loggedAtMs < intervalMs || globalLines >= maxLines) {
            w.suppressed++;
            return OptionalLong.empty();
        }
        long suppressed = w.suppressed;
        w.loggedAtMs = nowMs;
        w.suppressed = 0;
        globalLines++;
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
