package io.vigil.failover;

import java.util.List;

/**
 * Who holds which group: a pure, single-threaded state machine. No I/O, no threads, no clock of its own.
 */
public final class FailoverEngine {

    public FailoverEngine(FailoverSettings settings) {
        throw new UnsupportedOperationException("skeleton: the failover issue implements this");
    }

    /** Feeds one event at time {@code nowMs}; returns the actions to execute, in order. */
    public List<FailoverAction> handle(long nowMs, FailoverEvent event) {
        throw new UnsupportedOperationException("skeleton");
    }

    public FailoverView view() {
        throw new UnsupportedOperationException("skeleton");
    }
}
