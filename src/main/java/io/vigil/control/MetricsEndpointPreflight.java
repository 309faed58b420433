package io.vigil.control;

import io.smallrye.config.ConfigValue;
import io.smallrye.config.EnvConfigSource;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import io.vigil.config.ConfigEnvironment;
import io.vigil.config.ConfigLoader;


import java.io.IOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Settles where {@code vigil run} serves metrics and health before Quarkus boots, because Quarkus opens its HTTP
 * server while booting, before any Vigil code runs:
 * <ul>
 *   <li>{@code vigil.metrics.port} / {@code vigil.metrics.host} written in {@code <config-dir>/vigil.properties}
 *       become system properties (unless env or {@code -D} already set them), so the HTTP server honours the file as
 *       every other Vigil setting does;</li>
 *   <li>a port that is already taken gives one clear line naming the address, the likely cause and the setting to
 *       change, instead of Quarkus' "Failed to start quarkus" and a stack trace.</li>
 * </ul>
 */
public final class MetricsEndpointPreflight {

    static final String PORT_KEY = "vigil.metrics.port";
    static final String HOST_KEY = "vigil.metrics.host";
    static final String PORT_ENV = "VIGIL_METRICS_PORT";
    static final String HOST_ENV = "VIGIL_METRICS_HOST";
    static final String DEFAULT_HOST = "127.0.0.1";
    static final int DEFAULT_PORT = 9694;

    /** The address the daemon will serve on, where each part came from (for the error message). */
    public record Endpoint(String host, int port, String origin, Map<String, String> fromFile) {
        public boolean enabled() {
            return port != 0;
        }
    }

    private MetricsEndpointPreflight() {
    }

    /**
     * For {@code vigil run ARGS}: copies the file's settings to system properties and checks the port is free.
     *
     * @return an error message for the operator, or empty when the daemon may boot
     */
    public static Optional<String> prepareRun(String... args) {
        ConfigEnvironment host = ConfigEnvironment.system();
        Path dir = new ConfigLoader(host).resolveDir(configDirArgument(args)).path();
        Endpoint endpoint;
        try {
            endpoint = resolve(host.env(), host.systemProperties(), dir.resolve("vigil.properties"));
        } catch (IllegalArgumentException e) {
            return Optional.empty();   // a malformed value: the configuration check reports it with file and line
        }
        // Only what the file gave: a value from env or -D is seen by Quarkus already, and the default is in
        // application.properties.
        endpoint.fromFile().forEach(System::setProperty);
        return checkFree(endpoint);
    }

    /** The value of {@code --config-dir DIR} or {@code --config-dir=DIR}, as picocli will read it. */
    static Optional<Path> configDirArgument(String... args) {
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--config-dir") && i + 1 < args.length) {
                return Optional.of(Path.of(args[i + 1]));
            }
            if (args[i].startsWith("--config-dir=")) {
                return Optional.of(Path.of(args[i].substring("--config-dir=".length())));
            }
        }
        return Optional.empty();
    }

    /** Highest first: system property, environment, {@code vigil.properties}, default (as ConfigLoader ranks them). */
    static Endpoint resolve(Map<String, String> env, Map<String, String> sysprops, Path propertiesFile) {
        // The same sources and ordinals as ConfigLoader, so both read these keys alike.
        EnvConfigSource envSource = new EnvConfigSource(env, EnvConfigSource.ORDINAL);
        PropertiesConfigSource syspropsSource = new PropertiesConfigSource(sysprops, "SysPropConfigSource", 400);
        SmallRyeConfigBuilder builder = new SmallRyeConfigBuilder().withSources(envSource, syspropsSource);
        if (Files.isRegularFile(propertiesFile)) {
            try {
                builder.withSources(new PropertiesConfigSource(propertiesFile.toUri().toURL(), 250));
            } catch (IOException | IllegalArgumentException e) {
                // unreadable: the configuration check reports it with the file name
            }
        }
        SmallRyeConfig config = builder.build();
        Map<String, String> fromFile = new TreeMap<>();
        List<String> origins = new ArrayList<>();
        Map<String, String> labels = Map.of(envSource.getName(), "env", syspropsSource.getName(), "-D");
        String port = value(config, labels, PORT_KEY, PORT_ENV, propertiesFile, fromFile, origins);
        String hostName = value(config, labels, HOST_KEY, HOST_ENV, propertiesFile, fromFile, origins);
        int portNumber = port == null ? DEFAULT_PORT : Integer.parseInt(port.strip());
        return new Endpoint(hostName == null ? DEFAULT_HOST : hostName.strip(), portNumber,
                origins.isEmpty() ? "default" : String.join(", ", origins), fromFile);
    }

    /** One key's value and, for the message, where it came from; a value the file gave is recorded. */
    private static String value(SmallRyeConfig config, Map<String, String> labels, String key, String envName,
                                Path propertiesFile, Map<String, String> fromFile, List<String> origins) {
        ConfigValue v = config.getConfigValue(key);
        if (v.getValue() == null) {
            return null;
        }
        String label = labels.getOrDefault(v.getSourceName(), "file");
        if (label.equals("-D")) {
            origins.add("-D" + key);
        } else if (label.equals("env")) {
            origins.add(envName);
        } else {
            origins.add(key + " in " + propertiesFile);
            fromFile.put(key, v.getValue().strip());
        }
        return v.getValue();
    }

    /** Binds the address for a moment, as the HTTP server will. */
    static Optional<String> checkFree(Endpoint endpoint) {
        if (!endpoint.enabled()) {
            return Optional.empty();
        }
        try (ServerSocket probe = new ServerSocket()) {
            probe.setReuseAddress(true);
            probe.bind(new InetSocketAddress(InetAddress.getByName(endpoint.host()), endpoint.port()));
            return Optional.empty();
        } catch (BindException e) {
            return Optional.of("cannot serve metrics and health on " + endpoint.host() + ":" + endpoint.port() + " ("
                    + endpoint.origin() + "): " + e.getMessage().toLowerCase(java.util.Locale.ROOT)
                    + ". Another vigil daemon may be running here (vigil status), or another program holds the port:"
                    + " set " + PORT_KEY + " to a free port in <config-dir>/vigil.properties (or " + PORT_ENV
                    + "), or to 0 for no metrics endpoint.");
        } catch (IOException | IllegalArgumentException | SecurityException e) {
            return Optional.empty();   // e.g. a host name that does not resolve: Quarkus reports it as it is
        }
    }
}
