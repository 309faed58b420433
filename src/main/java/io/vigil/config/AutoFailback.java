package io.vigil.config;

/** ha.cf {@code auto_failback}: ON and OFF are Heartbeat's nice_failback modes; LEGACY is the deprecated default. */
public enum AutoFailback {
    ON, OFF, LEGACY
}
