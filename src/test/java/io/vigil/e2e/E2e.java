package io.vigil.e2e;

import java.nio.file.Path;

/** Configuration texts shared by the end-to-end tests. */
final class E2e {

    static final String KEY = "MaClefSecrete";
    static final String AUTHKEYS = "auth 1\n1 sha1 " + KEY + "\n";
    static final String VIP2 = "192.0.2.252";

    /** Fast timings: keepalive 200 ms, deadtime 2 s (10 x keepalive), initdead 4 s. */
    static String fastHaCf(ClusterLab.Node node, String media, String extra) {
        return "logfile " + node.home.resolve("ha-log") + "\n"
                + "keepalive 200ms\ndeadtime 2\nwarntime 1\ninitdead 4\nudpport 694\n"
                + media + "\n" + extra + "\nnode linux1\nnode linux2\n";
    }

    static final long FAST_DEADTIME_MS = 2_000;

    /**
     * Slack on top of a protocol timer: the machine running the suite is shared and JVMs get descheduled; the
     * figures printed are the real ones.
     */
    static final long SLACK_MS = 8_000;

    /**
     * Bound for "a killed daemon leaves nothing behind": the guardian polls every 0.2 s, then boots a JVM for
     * {@code vigil cleanup} (2-5 s on an idle machine) which stops the groups. Generous here for the shared machine.
     */
    static final long GUARDIAN_LIMIT_MS = 90_000;

    /** How long a daemon may take to boot and settle (JVM start is seconds; initdead 4 s). */
    static final java.time.Duration BOOT = java.time.Duration.ofSeconds(120);

    /** A fresh directory under target/e2e for one test class's nodes (kept after the run for the logs). */
    static Path dir(String prefix) throws java.io.IOException {
        Path d = Path.of("target", "e2e", prefix).toAbsolutePath();
        if (java.nio.file.Files.exists(d)) {
            try (var walk = java.nio.file.Files.walk(d)) {
                walk.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            }
        }
        java.nio.file.Files.createDirectories(d);
        return d;
    }

    private E2e() {
    }
}
