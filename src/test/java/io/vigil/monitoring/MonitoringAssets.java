package io.vigil.monitoring;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The shipped alert rules and dashboard (deploy/monitoring), and the metric names they query. */
public final class MonitoringAssets {

    public static final Path DIR = Path.of("deploy/monitoring");
    public static final Path RULES = DIR.resolve("vigil-alerts.yml");
    public static final Path RULE_TESTS = DIR.resolve("vigil-alerts.test.yml");
    public static final Path DASHBOARD = DIR.resolve("vigil-dashboard.json");

    /** Names Vigil's endpoint must expose: Vigil's own and the JVM's ({@code up} comes from Prometheus itself). */
    private static final Pattern NAME = Pattern.compile("\\b((?:vigil|jvm|process)_[a-z_]+)\\b");

    private MonitoringAssets() {
    }

    /** Every metric name the rules and the dashboard query. */
    public static Set<String> metricNames() {
        Set<String> names = new TreeSet<>();
        for (Path f : new Path[] {RULES, DASHBOARD}) {
            try {
                Matcher m = NAME.matcher(Files.readString(f));
                while (m.find()) {
                    names.add(m.group(1));
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return names;
    }
}
