package io.vigil.wire;

/** A log line produced by pure wire code, worded as Heartbeat words it; the caller writes it to the log. */
public record WireLog(Level level, String text) {
    public enum Level {
        DEBUG, INFO, WARN, ERROR
    }
}
