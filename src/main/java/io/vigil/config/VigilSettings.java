package io.vigil.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * Vigil-only settings (not Heartbeat directives, so a shared ha.cf stays readable by Heartbeat). SmallRye Config
 * keys {@code vigil.*}, from {@code <config-dir>/vigil.properties}, the environment ({@code VIGIL_MONITOR_INTERVAL})
 * or system properties; {@link ConfigLoader} reads and checks them with the origin of each value.
 * <p>
 * A record rather than a {@code @ConfigMapping} interface: the values depend on the config directory chosen on the
 * command line (after Quarkus has booted), a mapping registered with Quarkus would be validated at boot (a bad
 * {@code VIGIL_…} variable would stop every command with a stack trace), and a mapping built at run time needs
 * bytecode generation that the Quarkus runtime does not ship.
 *
 * @param fenceScript    {@code vigil.fence-script}: run with the dead node's name before its groups are taken over
 * @param monitorInterval {@code vigil.monitor.interval} (10s): status check of running resources; 0 = off
 * @param monitorRestarts {@code vigil.monitor.restarts} (2): local restarts after failed checks before failing over
 * @param startTimeout   {@code vigil.resource.start-timeout} (60s)
 * @param stopTimeout    {@code vigil.resource.stop-timeout} (60s)
 * @param statusTimeout  {@code vigil.resource.status-timeout} (20s)
 * @param arpCount       {@code vigil.arp.count} (5): gratuitous ARPs after an address is added
 * @param arpInterval    {@code vigil.arp.interval} (200ms)
 * @param stateDir       {@code vigil.state-dir} (/var/lib/vigil): generation counter, node UUID
 * @param metricsPort    {@code vigil.metrics.port} (9694); 0 = no metrics endpoint
 * @param metricsHost    {@code vigil.metrics.host} (127.0.0.1)
 * @param authRotationWindow {@code vigil.auth.rotation-window} (5m): after a reload that changes the active key, how
 *                       long packets signed with the previous one are still accepted (and ours also sent signed with
 *                       it, for peers not switched yet); 0 = no window
 * @param fenceTimeout   {@code vigil.fence-timeout} (60s): one fence attempt (a stonith call or the fence script)
 * @param onStopFailure  {@code vigil.on-stop-failure}: reboot, fence or block; default fence when fencing is
 *                       configured, else reboot (Heartbeat's behaviour)
 * @param rebootCommand  {@code vigil.reboot-command} ({@value #DEFAULT_REBOOT_COMMAND}): how this node reboots itself
 * @param pingPolicy     {@code vigil.ping-policy} (placement): whether ping nodes decide where groups run
 * @param controlGroup   {@code vigil.control.group} (haclient): its members may query the control socket (cl_status,
 *                       vigil status); changing anything stays root-only
 */
public record VigilSettings(Optional<Path> fenceScript, Duration monitorInterval, int monitorRestarts,
                            Duration startTimeout, Duration stopTimeout, Duration statusTimeout,
                            int arpCount, Duration arpInterval, Path stateDir, int metricsPort, String metricsHost,
                            Duration authRotationWindow,
                            Duration fenceTimeout, StopFailurePolicy onStopFailure, String rebootCommand,
                            PingPolicy pingPolicy, String controlGroup) {

    /** Heartbeat's {@code reboot -nf}: at once, without syncing or stopping services (a stop already failed). */
    public static final String DEFAULT_REBOOT_COMMAND = "reboot -nf";

    /** Every default, as if no key were set (and no fencing configured). */
    public static VigilSettings defaults() {
        return new VigilSettings(Optional.empty(), Duration.ofSeconds(10), 2, Duration.ofSeconds(60), Duration.ofSeconds(60),
                Duration.ofSeconds(20), 5, Duration.ofMillis(200), Path.of("/var/lib/vigil"), 9694, "127.0.0.1",
                Duration.ofMinutes(5),
                Duration.ofSeconds(60), StopFailurePolicy.REBOOT, DEFAULT_REBOOT_COMMAND,
                PingPolicy.PLACEMENT, "haclient");
    }

    /** The reboot command is the built-in default (a real reboot of this machine). */
    public boolean defaultRebootCommand() {
        return rebootCommand.strip().equals(DEFAULT_REBOOT_COMMAND);
    }

    public boolean monitorEnabled() {
        return !monitorInterval.isZero();
    }

    public boolean metricsEnabled() {
        return metricsPort != 0;
    }

    /** A host that makes the metrics endpoint listen on every address (0.0.0.0, ::, *). */
    public static boolean isWildcard(String host) {
        String h = host.strip();
        if (h.startsWith("[") && h.endsWith("]")) {
            h = h.substring(1, h.length() - 1);
        }
        return h.equals("*") || h.matches("0+(\\.0+){3}") || h.matches("[0:]+") && h.contains("::")
                || h.matches("0+(:0+){7}");
    }
}
