package io.vigil.daemon;

import java.time.Instant;

/**
 * Whether a restart that keeps the groups can adopt them: the new daemon must send its first keepalive before the peers
 * count the old one dead, within deadtime less one keepalive of the keeping stop ({@link Handover}). Most of that time
 * is the new JVM's start-up, so the daemon measures its own (process launch to the first keepalive) and warns when a
 * restart is unlikely to make it; a restart that misses the window is safe (the handover's watcher releases the groups
 * at the deadline, the peers take them over) but moves them twice.
 */
final class RestartWindow {

    /** A start-up longer than this share of the window leaves too little room for the stop, the unpack of an upgrade, a busier moment. */
    static final double MARGIN = 0.6;

    private RestartWindow() {
    }

    /** The window a keeping restart has, in ms: deadtime less one keepalive. */
    static long windowMs(long deadtimeMs, long keepaliveMs) {
        return deadtimeMs - keepaliveMs;
    }

    /** Milliseconds from this process's launch to {@code readyEpochMs} (-1 when the launch time is unknown). */
    static long startupMs(long readyEpochMs) {
        return ProcessHandle.current().info().startInstant().map(Instant::toEpochMilli)
                .map(t -> Math.max(0, readyEpochMs - t)).orElse(-1L);
    }

    /** The warning a keeping stop adds to its answer, or "" when this daemon's own start-up fits the window. */
    static String warning(long startupMs, long windowMs) {
        if (startupMs < 0 || startupMs <= windowMs * MARGIN) {
            return "";
        }
        return " Warning: this daemon took " + startupMs + " ms to start, the restart has " + windowMs + " ms (deadtime"
                + " less one keepalive): a new daemon as slow misses it, and then the groups move to a peer and back."
                + " Raise deadtime, or start the new daemon at once.";
    }
}
