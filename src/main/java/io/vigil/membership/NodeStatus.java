package io.vigil.membership;

import java.util.Locale;
import java.util.Optional;

/** Node states as Heartbeat reports them (cl_status nodestatus) and sends them (status {@code st=}). */
public enum NodeStatus {
    /** never heard from */
    INIT,
    /** heard, communication not yet fully up */
    UP,
    /** up and taking part in the cluster */
    ACTIVE,
    /** silent for longer than its deadtime, or said goodbye */
    DEAD,
    /** a reachable ping node */
    PING;

    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<NodeStatus> ofWire(String s) {
        for (NodeStatus n : values()) {
            if (n.wire().equals(s)) {
                return Optional.of(n);
            }
        }
        return Optional.empty();
    }

    /** Alive = heard recently (up, active or ping). */
    public boolean alive() {
        return this == UP || this == ACTIVE || this == PING;
    }
}
