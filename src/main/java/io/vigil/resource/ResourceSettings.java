package io.vigil.resource;

import io.quarkus.runtime.configuration.DurationConverter;
import org.eclipse.microprofile.config.Config;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * How resources are run.
 *
 * @param scriptDirs        where LSB/Heartbeat scripts are looked up, in order
 * @param startTimeout      a start taking longer is killed (whole process tree) and counts as failed
 * @param stopTimeout       likewise for stop
 * @param statusTimeout     likewise for status/monitor (a hung probe means UNKNOWN)
 * @param environment       added to (and overriding) the default Heartbeat script environment of §5.10
 * @param arpCount          gratuitous ARPs / unsolicited NAs sent on IP takeover
 * @param arpInterval       spacing of those
 * @param tmpDir            {@code HA_RSCTMP}: state files of scripts and agents
 * @param stopRetries       how often a failing stop is retried (Heartbeat's HA_STOPRETRYMAX, 10)
 * @param stopRetryInterval pause between those retries (Heartbeat: 1 s)
 * @param ocfRoot           {@code OCF_ROOT}, where {@code resource.d/<provider>/<type>} OCF agents live
 * @param networkNamespace  empty, or the network namespace the built-in IPaddr works in (like IPaddr2's
 *                          {@code network_namespace}); scripts are not affected
 */
public record ResourceSettings(List<Path> scriptDirs, Duration startTimeout, Duration stopTimeout, Duration statusTimeout,
                               Map<String, String> environment, int arpCount, Duration arpInterval, Path tmpDir,
                               int stopRetries, Duration stopRetryInterval, Path ocfRoot, String networkNamespace) {

    public static final Duration DEFAULT_START_TIMEOUT = Duration.ofSeconds(60);
    public static final Duration DEFAULT_STOP_TIMEOUT = Duration.ofSeconds(60);
    public static final Duration DEFAULT_STATUS_TIMEOUT = Duration.ofSeconds(20);
    public static final int DEFAULT_ARP_COUNT = 5;
    public static final Duration DEFAULT_ARP_INTERVAL = Duration.ofMillis(200);
    public static final Path DEFAULT_TMP_DIR = Path.of("/run/resource-agents");
    public static final int DEFAULT_STOP_RETRIES = 10;
    public static final Duration DEFAULT_STOP_RETRY_INTERVAL = Duration.ofSeconds(1);
    public static final Path DEFAULT_OCF_ROOT = Path.of("/usr/lib/ocf");

    public ResourceSettings {
        scriptDirs = List.copyOf(scriptDirs);
        environment = Map.copyOf(environment);
        networkNamespace = networkNamespace == null ? "" : networkNamespace;
        if (arpCount < 0 || stopRetries < 0) {
            throw new IllegalArgumentException("arpCount and stopRetries must be >= 0");
        }
    }

    /** The integration contract's form: stop retries, OCF root and namespace take their defaults. */
    public ResourceSettings(List<Path> scriptDirs, Duration startTimeout, Duration stopTimeout, Duration statusTimeout,
                            Map<String, String> environment, int arpCount, Duration arpInterval, Path tmpDir) {
        this(scriptDirs, startTimeout, stopTimeout, statusTimeout, environment, arpCount, arpInterval, tmpDir,
                DEFAULT_STOP_RETRIES, DEFAULT_STOP_RETRY_INTERVAL, DEFAULT_OCF_ROOT, "");
    }

    public static ResourceSettings defaults() {
        return new ResourceSettings(defaultScriptDirs(), DEFAULT_START_TIMEOUT, DEFAULT_STOP_TIMEOUT, DEFAULT_STATUS_TIMEOUT,
                Map.of(), DEFAULT_ARP_COUNT, DEFAULT_ARP_INTERVAL, DEFAULT_TMP_DIR);
    }

    /**
     * Vigil's own resource.d ({@code vigil.resource-dir} system property, else {@code $VIGIL_HOME/resource.d}, else
     * {@code /usr/lib/vigil/resource.d}), then Heartbeat's {@code /etc/ha.d/resource.d}, then {@code /etc/init.d}.
     */
    public static List<Path> defaultScriptDirs() {
        List<Path> dirs = new ArrayList<>();
        dirs.add(vigilResourceDir());
        dirs.add(Path.of("/etc/ha.d/resource.d"));
        dirs.add(Path.of("/etc/init.d"));
        return dirs;
    }

    public static Path vigilResourceDir() {
        String prop = System.getProperty("vigil.resource-dir");
        if (prop != null && !prop.isBlank()) {
            return Path.of(prop);
        }
        String home = System.getenv("VIGIL_HOME");
        if (home != null && !home.isBlank()) {
            return Path.of(home, "resource.d");
        }
        return Path.of("/usr/lib/vigil/resource.d");
    }

    /**
     * Defaults overridden by the same SmallRye keys the daemon reads (io.vigil.config.VigilSettings, documented in
     * docs/configuration.md): {@code vigil.resource.start-timeout}, {@code stop-timeout}, {@code status-timeout},
     * {@code vigil.arp.count}, {@code vigil.arp.interval}; and, for {@code vigil resource} only, {@code vigil.resource.tmp-dir}
     * ({@code HA_RSCTMP}; the daemon uses {@code <run-dir>/resource-agents}). Durations: a plain number is seconds; {@code ms}, {@code s},
     * {@code m} suffixes or ISO-8601 ({@code PT30S}).
     */
    public static ResourceSettings fromConfig(Config config) {
        ResourceSettings d = defaults();
        return new ResourceSettings(d.scriptDirs(),
                duration(config, "vigil.resource.start-timeout").orElse(d.startTimeout()),
                duration(config, "vigil.resource.stop-timeout").orElse(d.stopTimeout()),
                duration(config, "vigil.resource.status-timeout").orElse(d.statusTimeout()),
                Map.of(),
                config.getOptionalValue("vigil.arp.count", Integer.class).orElse(d.arpCount()),
                duration(config, "vigil.arp.interval").orElse(d.arpInterval()),
                config.getOptionalValue("vigil.resource.tmp-dir", String.class).map(Path::of).orElse(d.tmpDir()),
                d.stopRetries(), d.stopRetryInterval(), d.ocfRoot(), "");
    }

    private static Optional<Duration> duration(Config config, String key) {
        return config.getOptionalValue(key, String.class).map(v -> parseDuration(key, v));
    }

    /**
     * A duration as every Vigil setting takes it (Quarkus' converter, as {@link io.vigil.config.ConfigLoader} uses):
     * {@code 30} (seconds), {@code 500ms}, {@code 1.5s}, {@code 2m}, or ISO-8601 {@code PT30S}.
     *
     * @throws IllegalArgumentException naming {@code what} and the accepted forms
     */
    public static Duration parseDuration(String what, String text) {
        try {
            Duration d = DurationConverter.parseDuration(text.trim());
            if (d != null && !d.isNegative()) {
                return d;
            }
        } catch (RuntimeException e) {
            // reported below
        }
        throw new IllegalArgumentException(what + ": not a duration: '" + text + "' (use 30, 30s, 500ms, 2m or PT30S)");
    }

    public ResourceSettings withTimeouts(Duration start, Duration stop, Duration status) {
        return new ResourceSettings(scriptDirs, start, stop, status, environment, arpCount, arpInterval, tmpDir,
                stopRetries, stopRetryInterval, ocfRoot, networkNamespace);
    }

    public ResourceSettings withScriptDirs(List<Path> dirs) {
        return new ResourceSettings(dirs, startTimeout, stopTimeout, statusTimeout, environment, arpCount, arpInterval, tmpDir,
                stopRetries, stopRetryInterval, ocfRoot, networkNamespace);
    }

    public ResourceSettings withEnvironment(Map<String, String> env) {
        return new ResourceSettings(scriptDirs, startTimeout, stopTimeout, statusTimeout, env, arpCount, arpInterval, tmpDir,
                stopRetries, stopRetryInterval, ocfRoot, networkNamespace);
    }

    public ResourceSettings withTmpDir(Path dir) {
        return new ResourceSettings(scriptDirs, startTimeout, stopTimeout, statusTimeout, environment, arpCount, arpInterval, dir,
                stopRetries, stopRetryInterval, ocfRoot, networkNamespace);
    }

    public ResourceSettings withStopRetries(int retries, Duration interval) {
        return new ResourceSettings(scriptDirs, startTimeout, stopTimeout, statusTimeout, environment, arpCount, arpInterval, tmpDir,
                retries, interval, ocfRoot, networkNamespace);
    }

    public ResourceSettings withArp(int count, Duration interval) {
        return new ResourceSettings(scriptDirs, startTimeout, stopTimeout, statusTimeout, environment, count, interval, tmpDir,
                stopRetries, stopRetryInterval, ocfRoot, networkNamespace);
    }

    public ResourceSettings withNetworkNamespace(String ns) {
        return new ResourceSettings(scriptDirs, startTimeout, stopTimeout, statusTimeout, environment, arpCount, arpInterval, tmpDir,
                stopRetries, stopRetryInterval, ocfRoot, ns);
    }

    /**
     * Heartbeat's script environment (§5.10) — {@code HA_DIR}, {@code HA_FUNCS}, {@code HA_RESOURCEDIR},
     * {@code HA_RSCTMP}, {@code HA_CURHOST}, {@code HA_LOGFACILITY}, {@code HA_debug}, {@code OCF_ROOT} — overridden by
     * {@link #environment()}.
     */
    public Map<String, String> scriptEnvironment() {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("HA_DIR", "/etc/ha.d");
        env.put("HA_FUNCS", "/etc/ha.d/shellfuncs");
        env.put("HA_RESOURCEDIR", "/etc/ha.d/resource.d");
        env.put("HA_RSCTMP", tmpDir.toString());
        env.put("HA_CURHOST", hostName());
        env.put("HA_LOGFACILITY", "daemon");
        env.put("HA_debug", "0");
        env.put("OCF_ROOT", ocfRoot.toString());
        env.putAll(environment);
        return env;
    }

    private static String hostName() {
        try {
            return Files.readString(Path.of("/proc/sys/kernel/hostname")).trim().toLowerCase(Locale.ROOT);
        } catch (java.io.IOException e) {
            return "localhost";
        }
    }
}
