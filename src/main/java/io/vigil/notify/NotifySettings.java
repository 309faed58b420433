package io.vigil.notify;

import io.vigil.config.ClusterConfig;
import io.vigil.config.Setting;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * Where the notification scripts are and how long each may run.
 *
 * @param script  {@code vigil.notify-script}: one executable run on every transition
 * @param dir     {@code vigil.notify-dir} (default {@code <config-dir>/notify.d}): every executable in it runs too,
 *                in name order
 * @param timeout {@code vigil.notify-timeout} (30s): a script still running then is killed with its children
 * @param rcDir   Heartbeat's hooks, {@code <config-dir>/rc.d}
 * @param harc    Heartbeat's hook runner, {@code <config-dir>/harc}, used when present
 * @param dirSet  whether {@code vigil.notify-dir} was given (a missing default directory is normal, a missing
 *                configured one is worth a warning)
 */
public record NotifySettings(Optional<Path> script, Path dir, Duration timeout, Path rcDir, Path harc, boolean dirSet) {

    public static final String SCRIPT_KEY = "vigil.notify-script";
    public static final String DIR_KEY = "vigil.notify-dir";
    public static final String TIMEOUT_KEY = "vigil.notify-timeout";

    /** Queued transitions at most; beyond that a hung script makes the daemon drop (and count) notifications. */
    public static final int QUEUE_CAPACITY = 256;

    /** Reads the keys from the validated effective configuration (ConfigLoader checked every value). */
    public static NotifySettings of(ClusterConfig config) {
        Optional<String> script = value(config, SCRIPT_KEY);
        Optional<String> dirValue = value(config, DIR_KEY);
        Path dir = dirValue.map(Path::of).orElse(config.configDir().resolve("notify.d"));
        Duration timeout = value(config, TIMEOUT_KEY).map(NotifySettings::duration).orElse(Duration.ofSeconds(30));
        return new NotifySettings(script.map(Path::of), dir, timeout, config.configDir().resolve("rc.d"),
                config.configDir().resolve("harc"), dirValue.isPresent());
    }

    private static Optional<String> value(ClusterConfig config, String key) {
        return config.effective().stream().filter(s -> s.name().equals(key) && !"default".equals(s.origin()))
                .map(Setting::value).findFirst();
    }

    private static Duration duration(String text) {
        return io.quarkus.runtime.configuration.DurationConverter.parseDuration(text);
    }
}
