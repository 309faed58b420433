package io.vigil.control;

import jakarta.inject.Singleton;

import java.util.Objects;
import java.util.function.Supplier;

/**
 * The daemon's answers to the health probes ({@code /q/health/live}, {@code /q/health/ready}, served by
 * {@code vigil run} only). Until the daemon binds them, both report DOWN ("daemon not started").
 */
@Singleton
public class VigilHealth {

    private volatile Supplier<Boolean> live;
    private volatile Supplier<Boolean> ready;

    /** Liveness: true while the daemon's main loop runs (e.g. its last tick is recent). */
    public void bindLiveness(Supplier<Boolean> live) {
        this.live = Objects.requireNonNull(live, "live");
    }

    /** Readiness: true when this node holds what it should and no transition is in progress. */
    public void bindReadiness(Supplier<Boolean> ready) {
        this.ready = Objects.requireNonNull(ready, "ready");
    }

    /** null when not bound yet. */
    Boolean live() {
        return ask(live);
    }

    Boolean ready() {
        return ask(ready);
    }

    private static Boolean ask(Supplier<Boolean> s) {
        if (s == null) {
            return null;
        }
        try {
            return Boolean.TRUE.equals(s.get());
        } catch (RuntimeException e) {
            return false;
        }
    }
}
