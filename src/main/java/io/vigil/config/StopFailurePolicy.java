package io.vigil.config;

import java.util.Locale;
import java.util.Optional;

/**
 * {@code vigil.on-stop-failure}: what a node does when a group's stop still fails after its retries and its status
 * says running or cannot tell (the resource may still be active here, so it must never be reported released).
 */
public enum StopFailurePolicy {
    /** Heartbeat's answer ({@code Resource STOP failure. Reboot required!}): stop the daemon, run vigil.reboot-command. */
    REBOOT,
    /** The peer fences this node, and only then starts the group. */
    FENCE,
    /** The group stays here marked stop-failed; nobody starts it until an operator's {@code vigil resource cleanup}. */
    BLOCK;

    public String word() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<StopFailurePolicy> parse(String text) {
        for (StopFailurePolicy p : values()) {
            if (p.word().equals(text.strip().toLowerCase(Locale.ROOT))) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }
}
