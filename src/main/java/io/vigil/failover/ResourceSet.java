package io.vigil.failover;

import java.util.Locale;
import java.util.Optional;

/**
 * Heartbeat's {@code rsc_hold} bit set, relative to one node: LOCAL = groups whose preferred node it is,
 * FOREIGN = the others. Lower-case on the wire.
 */
public enum ResourceSet {
    NONE, LOCAL, FOREIGN, ALL;

    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses a wire or command-line value; {@code failback} means {@code foreign} (hb_standby). */
    public static Optional<ResourceSet> parse(String s) {
        if (s == null) {
            return Optional.empty();
        }
        String v = s.toLowerCase(Locale.ROOT);
        if (v.equals("failback")) {
            return Optional.of(FOREIGN);
        }
        for (ResourceSet r : values()) {
            if (r.wire().equals(v)) {
                return Optional.of(r);
            }
        }
        return Optional.empty();
    }

    public boolean hasLocal() {
        return this == LOCAL || this == ALL;
    }

    public boolean hasForeign() {
        return this == FOREIGN || this == ALL;
    }

    public static ResourceSet of(boolean local, boolean foreign) {
        return local ? (foreign ? ALL : LOCAL) : (foreign ? FOREIGN : NONE);
    }
}
