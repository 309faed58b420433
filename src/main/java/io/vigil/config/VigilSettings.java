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
 * @param pingPolicy     {@code vigil.ping-policy} (placement): whether ping nodes decide where groups run
 * @param controlGroup   {@code vigil.control.group} (haclient): its members may query the control socket (cl_status,
 *                       vigil status); changing anything stays root-only
 */
public record VigilSettings(Optional<Path> fenceScript, Duration monitorInterval, int monitorRestarts,
                            Duration startTimeout, Duration stopTimeout, Duration statusTimeout,
                            int arpCount, Duration arpInterval, Path stateDir, int metricsPort, String metricsHost,
                            PingPolicy pingPolicy, String controlGroup) {

    /** Every default, as if no key were set. */
    public static VigilSettings defaults() {
        return new VigilSettings(Optional.empty(), Duration.ofSeconds(10), 2, Duration.ofSeconds(60), Duration.ofSeconds(60),
                Duration.ofSeconds(20), 5, Duration.ofMillis(200), Path.of("/var/lib/vigil"), 9694, "127.0.0.1",
                PingPolicy.PLACEMENT, "haclient");
    }

    public boolean monitorEnabled() {
        return !monitorInterval.isZero();
    }

    public boolean metricsEnabled() {
        return metricsPort != 0;
    }
}
